import json

from tests.cli.command import run_hearth, table_counts


def test_migrate_creates_the_schema_then_has_nothing_to_do(tmp_path):
    database = tmp_path / "db.sqlite3"
    first = run_hearth("migrate", database=database)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("Applied ")
    assert "core_organisation" in table_counts(database)

    again = run_hearth("migrate", "--format", "json", database=database)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {"applied": []}


def test_migrate_makes_the_folder_of_a_new_sqlite_file(tmp_path):
    database = tmp_path / "var" / "hearth.sqlite3"
    result = run_hearth("migrate", database=database)
    assert result.returncode == 0, result.stderr
    assert database.is_file()
