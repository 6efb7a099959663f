import json

from hearth.people.imports import CHILD_COLUMNS, PROVIDER_COLUMNS
from tests.cli.command import query, run_hearth

WIGAN = ("authority", "create", "E08000010", "Wigan Council")


def csv_file(path, columns, rows):
    lines = [",".join(columns)] + [
        ",".join(row.get(column, "") for column in columns) for row in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def child(**values):
    return {
        "reference": "C1", "first_name": "Ava", "last_name": "Smith", "date_of_birth": "2015-03-01",
        "sex": "F", "ethnicity": "WBRI", "religion": "christian", "legal_status": "C2", **values,
    }  # fmt: skip


def test_import_with_bad_rows_lists_each_line_and_writes_nothing(database, tmp_path):
    run_hearth(*WIGAN, database=database)
    rows = [
        child(reference="C1"),
        child(reference="C2", sex="X"),
        child(reference="C3", date_of_birth="soon"),
    ]
    path = csv_file(tmp_path / "children.csv", CHILD_COLUMNS, rows)

    result = run_hearth("import", "children", path, database=database)

    assert result.returncode == 1
    assert f"{path}:3: sex:" in result.stderr
    assert f"{path}:4: date_of_birth:" in result.stderr
    assert f"{path}:2:" not in result.stderr
    assert result.stdout == ""
    assert query(database, "SELECT count(*) FROM people_child") == [(0,)]
    assert query(database, "SELECT count(*) FROM audit_auditevent") == [(0,)]


def test_import_json_reports_the_errors_too(database, tmp_path):
    run_hearth(*WIGAN, database=database)
    path = csv_file(tmp_path / "children.csv", CHILD_COLUMNS, [child(sex="X")])

    result = run_hearth("import", "children", path, "--format", "json", database=database)

    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["kind"] == "children"
    assert [error["line"] for error in report["errors"]] == [2]


def test_import_of_good_rows_says_what_it_did(database, tmp_path):
    run_hearth(*WIGAN, database=database)
    agency = {"ofsted_urn": "SC123456", "name": "Northern Fostering", "contract": "in_contract"}
    path = csv_file(tmp_path / "providers.csv", PROVIDER_COLUMNS, [agency])

    first = run_hearth("import", "providers", path, database=database)
    again = run_hearth("import", "providers", path, "--format", "json", database=database)

    assert first.returncode == 0, first.stderr
    assert first.stdout == "created 1, updated 0, unchanged 0\n"
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {
        "kind": "providers", "created": 0, "updated": 0, "unchanged": 1, "errors": [],
    }  # fmt: skip


def test_import_needs_the_council_when_there_are_several(database, tmp_path):
    run_hearth(*WIGAN, database=database)
    run_hearth("authority", "create", "E08000009", "Trafford Council", database=database)
    path = csv_file(tmp_path / "children.csv", CHILD_COLUMNS, [child()])

    result = run_hearth("import", "children", path, database=database)

    assert result.returncode == 1
    assert "--authority CODE" in result.stderr


def test_import_refuses_an_unknown_council_or_file(database, tmp_path):
    path = csv_file(tmp_path / "children.csv", CHILD_COLUMNS, [child()])

    unknown_council = run_hearth(
        "import", "children", path, "--authority", "E08000001", database=database
    )
    missing_file = run_hearth("import", "children", tmp_path / "nothing.csv", database=database)

    assert unknown_council.returncode == 1
    assert "no council with ONS code E08000001" in unknown_council.stderr
    assert missing_file.returncode == 1
    assert "no such file" in missing_file.stderr
