"""`hearth export 903` run for real, as a subprocess on a SQLite file of its own (CONTRACT.md
section 2): the files it writes, its refusals (exit 1: the message on stderr, nothing written),
bad usage (exit 2), and --check with the DfE's validator on a seeded council."""

import csv
from datetime import date

import pytest

from hearth.ssda903 import tables, validator
from hearth.ssda903.export import export_files
from hearth.ssda903.tables import last_ended_year
from tests.cli.command import checkpoint, copy_of, query, run_hearth

WIGAN = "E08000010"
SEEDED = ("seed", "--authorities", 1, "--children", 60, "--households", 15, "--agencies", 3)
# The last collection year that has ended (the seed's dates count from today).
YEAR = last_ended_year(date.today())


@pytest.fixture(scope="module")
def seeded_template(tmp_path_factory):
    """One seeded council, migrated and seeded once for the module."""
    path = tmp_path_factory.mktemp("export903") / "seeded.sqlite3"
    migrated = run_hearth("migrate", database=path)
    assert migrated.returncode == 0, migrated.stderr
    seeded = run_hearth(*SEEDED, database=path)
    assert seeded.returncode == 0, seeded.stderr
    checkpoint(path)
    return path


@pytest.fixture
def database(seeded_template, tmp_path):
    return copy_of(seeded_template, tmp_path)


def export(database, *arguments):
    return run_hearth("export", "903", *arguments, database=database)


def rows(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_the_command_writes_the_years_files_and_says_what_it_wrote(database, tmp_path):
    out = tmp_path / "return"

    result = export(database, "--authority", WIGAN, "--year", YEAR, "--out", out)

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.csv")) == sorted(
        export_files()
    )
    lines = result.stdout.splitlines()
    assert lines[0] == (
        f"Wigan Council ({WIGAN}): SSDA903 return {YEAR}-{(YEAR + 1) % 100:02d} "
        f"(lac{YEAR}_{(YEAR + 1) % 100:02d}) in {out}"
    )
    printed = {line.split()[0]: int(line.split()[1]) for line in lines[1:]}
    assert printed == {name: len(rows(out / name)) for name in export_files()}
    assert printed["header.csv"] > 5 and printed["episodes.csv"] >= printed["header.csv"]
    for table in tables.TABLES:
        header = (out / table.file).read_text().splitlines()[0]
        assert header == ",".join(table.header)


def test_the_same_export_again_replaces_its_files_and_no_previous_drops_prev(database, tmp_path):
    out = tmp_path / "return"
    assert export(database, "--authority", WIGAN, "--year", YEAR, "--out", out).returncode == 0
    first = (out / "episodes.csv").read_text()

    again = export(database, "--authority", WIGAN, "--year", YEAR, "--out", out, "--no-previous")

    assert again.returncode == 0, again.stderr
    assert (out / "episodes.csv").read_text() == first
    assert not (out / "prev").exists()
    assert "prev/" not in again.stdout


def test_an_unknown_council_is_refused_and_nothing_is_written(database, tmp_path):
    out = tmp_path / "return"

    result = export(database, "--authority", "E09999999", "--year", YEAR, "--out", out)

    assert result.returncode == 1
    assert "no council with ONS code E09999999" in result.stderr
    assert result.stdout == ""
    assert not out.exists()


def test_a_folder_holding_other_files_is_refused_naming_them_and_nothing_is_written(
    database, tmp_path
):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("my notes")
    (out / "header.csv").write_text("mine\n")

    result = export(database, "--authority", WIGAN, "--year", YEAR, "--out", out)

    assert result.returncode == 1
    assert "notes.txt" in result.stderr and "not an export of Hearth's" in result.stderr
    assert result.stdout == ""
    assert sorted(p.name for p in out.iterdir()) == ["header.csv", "notes.txt"]
    assert (out / "header.csv").read_text() == "mine\n"


@pytest.mark.parametrize(
    "arguments",
    [
        ("--authority", WIGAN, "--year", "25"),
        ("--authority", WIGAN),  # no year
        ("--authority", WIGAN, "--year", "twenty"),
    ],
)
def test_bad_usage_exits_2_and_writes_nothing(database, tmp_path, arguments):
    out = tmp_path / "return"

    result = export(database, *arguments, "--out", out)

    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert not out.exists()


def test_help_says_what_the_year_is(database):
    result = export(database, "--help")

    assert result.returncode == 0
    assert "--year YYYY" in result.stdout and "--check" in result.stdout
    assert "collectionYear" in result.stdout


@pytest.mark.skipif(
    not validator.available(),
    reason="the SSDA903 validator is not installed in .venv-903: run `make validator`",
)
def test_check_on_the_seeded_council_finds_no_errors(database, tmp_path):
    out = tmp_path / "return"

    result = export(database, "--authority", WIGAN, "--year", YEAR, "--out", out, "--check")

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"The DfE's rules (lac{YEAR}_{(YEAR + 1) % 100:02d}): no errors."
    )
    assert "child " not in result.stdout  # no failure printed
    assert (out / "prev" / "header.csv").exists()


@pytest.mark.skipif(
    not validator.available(),
    reason="the SSDA903 validator is not installed in .venv-903: run `make validator`",
)
def test_check_prints_each_failure_by_child_and_rule_and_exits_1(database, tmp_path):
    """A child's record broken in the database (born today, looked after for years)."""
    child = query(
        database,
        "SELECT c.id, c.reference FROM people_child c JOIN ssda903_episode e "
        "ON e.child_id = c.id WHERE e.dec IS NULL ORDER BY c.reference LIMIT 1",
    )[0]
    query(database, "UPDATE people_child SET date_of_birth = ? WHERE id = ?",
          (date.today().isoformat(), child[0]), commit=True)  # fmt: skip
    out = tmp_path / "return"

    result = export(database, "--authority", WIGAN, "--year", YEAR, "--out", out, "--check")

    assert result.returncode == 1
    assert f"child {child[1]}: rule " in result.stdout
    assert "the return fails" in result.stderr
    assert (out / "episodes.csv").exists()  # written, then checked
