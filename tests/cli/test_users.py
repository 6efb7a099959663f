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
