import json

from tests.cli.command import query, run_hearth


def councils(database):
    return query(
        database,
        "SELECT ons_code, name FROM core_organisation o JOIN core_policy ON authority_id = o.id",
    )


def test_authority_create_adds_the_council_with_its_policy(database):
    result = run_hearth(
        "authority", "create", "E08000012", "Liverpool City Council", database=database
    )
    assert result.returncode == 0, result.stderr
    assert "Liverpool City Council" in result.stdout
    assert councils(database) == [("E08000012", "Liverpool City Council")]


def test_authority_create_prints_json(database):
    result = run_hearth(
        "authority", "create", "E08000012", "Liverpool", "--format", "json", database=database
    )
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["code"] == "E08000012"
    assert created["name"] == "Liverpool"
    assert query(database, "SELECT id FROM core_organisation") == [(created["id"],)]


def test_authority_create_refuses_a_bad_ons_code(database):
    result = run_hearth("authority", "create", "E0800001", "Nowhere", database=database)
    assert result.returncode == 1
    assert "ONS code: Enter an ONS code" in result.stderr
    assert result.stdout == ""
    assert councils(database) == []


def test_authority_create_refuses_a_council_that_exists(database):
    run_hearth("authority", "create", "E08000012", "Liverpool", database=database)
    result = run_hearth("authority", "create", "E08000012", "Liverpool again", database=database)
    assert result.returncode == 1
    assert "already exists" in result.stderr
    assert councils(database) == [("E08000012", "Liverpool")]
