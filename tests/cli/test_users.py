import json

from tests.cli.command import query, run_hearth


def test_users_json_is_all_that_goes_to_stdout(seeded_database):
    result = run_hearth("users", "--format", "json", database=seeded_database)

    assert result.returncode == 0, result.stderr
    users = json.loads(result.stdout)
    assert len(users) == query(seeded_database, "SELECT count(*) FROM accounts_user")[0][0]
    social_worker = next(user for user in users if user["username"] == "wigan.social_worker")
    assert social_worker["roles"] == ["social_worker"]
    assert social_worker["organisation"] == "Wigan Council"
    assert social_worker["organisation_code"] == "E08000010"
    assert social_worker["organisations"] == [
        {"name": "Wigan Council", "code": "E08000010", "roles": ["social_worker"]}
    ]
    assert social_worker["active"] is True


def test_users_of_several_organisations_list_roles_for_each(seeded_database):
    add_membership(seeded_database, "wigan.social_worker", "E08000009", "iro")

    result = run_hearth("users", "--format", "json", database=seeded_database)

    users = {user["username"]: user for user in json.loads(result.stdout)}
    worker = users["wigan.social_worker"]
    assert sorted(worker["roles"]) == ["iro", "social_worker"]
    assert {entry["code"]: entry["roles"] for entry in worker["organisations"]} == {
        "E08000009": ["iro"],
        "E08000010": ["social_worker"],
    }


def add_membership(database, username, ons_code, role):
    [(user_id,)] = query(database, "SELECT id FROM accounts_user WHERE username = ?", [username])
    [(organisation_id,)] = query(
        database, "SELECT id FROM core_organisation WHERE ons_code = ?", [ons_code]
    )
    query(
        database,
        "INSERT INTO accounts_membership (user_id, organisation_id, role) VALUES (?, ?, ?)",
        [user_id, organisation_id, role],
        commit=True,
    )


def test_users_table_is_for_people(seeded_database):
    result = run_hearth("users", database=seeded_database)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("username")
    assert "wigan.social_worker" in result.stdout


def _add(database, *extra, password="a fine long passphrase", username="ann.admin"):
    return run_hearth(
        "users", "add", username, "--first-name", "Ann", "--last-name", "Lee",
        "--email", "ann@example.org", *extra, database=database, stdin=password + "\n",
    )  # fmt: skip


def test_users_add_creates_a_councils_first_administrator(seeded_database):
    result = _add(seeded_database, "--organisation", "E08000010", "--role", "system_administrator")

    assert result.returncode == 0, result.stderr
    rows = query(
        seeded_database,
        "SELECT m.role FROM accounts_membership m JOIN accounts_user u ON u.id = m.user_id "
        "WHERE u.username = 'ann.admin'",
    )
    assert rows == [("system_administrator",)]
    audit = query(seeded_database, "SELECT action FROM audit_auditevent WHERE record_type = 'user'")
    assert audit == [("create",)]


def test_users_add_refuses_a_weak_password_and_writes_nothing(seeded_database):
    result = _add(seeded_database, "--organisation", "E08000010", "--role", "iro", password="short")

    assert result.returncode == 1
    assert "password:" in result.stderr
    assert query(
        seeded_database, "SELECT count(*) FROM accounts_user WHERE username='ann.admin'"
    ) == [(0,)]


def test_users_add_refuses_a_role_the_organisation_does_not_have(seeded_database):
    result = _add(seeded_database, "--organisation", "E08000010", "--role", "agency_user")

    assert result.returncode == 1
    assert "not a role in Wigan Council: agency_user" in result.stderr


def test_users_add_refuses_an_unknown_organisation_and_a_taken_username(seeded_database):
    assert (
        "no council or agency has the code E09999999"
        in _add(seeded_database, "--organisation", "E09999999", "--role", "iro").stderr
    )
    taken = _add(
        seeded_database, "--organisation", "E08000010", "--role", "iro", username="wigan.iro"
    )
    assert taken.returncode == 1 and "already has the username" in taken.stderr


def test_users_add_without_its_options_is_a_usage_error(seeded_database):
    assert run_hearth("users", "add", "x", database=seeded_database).returncode == 2


def test_users_add_is_audited_as_done_from_the_command_line(seeded_database):
    _add(seeded_database, "--organisation", "E08000010", "--role", "iro")
    assert query(
        seeded_database, "SELECT via FROM audit_auditevent WHERE record_type = 'user'"
    ) == [("cli",)]


def test_users_add_refuses_an_email_address_that_is_not_one(seeded_database):
    result = run_hearth(
        "users", "add", "ann.admin", "--organisation", "E08000010", "--role", "iro",
        "--first-name", "Ann", "--last-name", "Lee", "--email", "not-an-address",
        database=seeded_database, stdin="a fine long passphrase\n",
    )  # fmt: skip
    assert result.returncode == 1 and "not-an-address is not an email address" in result.stderr
