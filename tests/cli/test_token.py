from hearth.accounts.models import ApiToken
from tests.cli.command import query, run_hearth


def test_token_create_prints_only_a_token_that_authenticates(seeded_database):
    result = run_hearth(
        "token", "create", "wigan.social_worker", "--name", "case system", database=seeded_database
    )

    assert result.returncode == 0, result.stderr
    token = result.stdout.strip()
    assert result.stdout == token + "\n"
    key_hash = ApiToken.hash(token)
    rows = query(
        seeded_database,
        "SELECT username, name FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id "
        "WHERE key_hash = ? AND revoked_at IS NULL",
        [key_hash],
    )
    assert rows == [("wigan.social_worker", "case system")]


def test_token_create_refuses_an_unknown_user(seeded_database):
    result = run_hearth("token", "create", "nobody", database=seeded_database)
    assert result.returncode == 1
    assert "no user called nobody" in result.stderr
    assert result.stdout == ""
    assert query(seeded_database, "SELECT count(*) FROM accounts_apitoken") == [(0,)]


def test_token_revoke_stops_every_live_token_of_the_user(seeded_database):
    for _ in range(2):
        run_hearth("token", "create", "wigan.social_worker", database=seeded_database)

    result = run_hearth("token", "revoke", "wigan.social_worker", database=seeded_database)

    assert result.returncode == 0, result.stderr
    assert "Revoked 2 tokens of wigan.social_worker" in result.stdout
    live = "SELECT count(*) FROM accounts_apitoken WHERE revoked_at IS NULL"
    assert query(seeded_database, live) == [(0,)]
    audit = "SELECT via FROM audit_auditevent WHERE record_type = 'api_token' AND action = 'update'"
    assert query(seeded_database, audit) == [("cli",), ("cli",)]


def test_token_revoke_refuses_an_unknown_user(seeded_database):
    result = run_hearth("token", "revoke", "nobody", database=seeded_database)
    assert result.returncode == 1 and "no user called nobody" in result.stderr
