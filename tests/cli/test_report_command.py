"""`hearth report unplanned-endings` (CONTRACT.md section 2): the monthly table on a seeded council,
its CSV and JSON, and the exit codes of refusals (1) and bad usage (2)."""

import csv
import io
import json
import shutil
from datetime import date

import pytest

from hearth.core.deadlines import add_months
from tests.cli.command import checkpoint, copy_of, query, run_hearth

WIGAN = "E08000010"
LABEL = "Placements that ended in an unplanned way"


@pytest.fixture(scope="module")
def demo_template(migrated_template, tmp_path_factory):
    """One council seeded with enough children for a year of endings, once for the module."""
    path = tmp_path_factory.mktemp("report") / "seeded.sqlite3"
    shutil.copy(migrated_template, path)
    seeded = ("seed", "--authorities", 1, "--children", 80, "--households", 20, "--agencies", 3)
    result = run_hearth(*seeded, database=path)
    assert result.returncode == 0, result.stderr
    checkpoint(path)
    return path


@pytest.fixture
def demo_database(demo_template, tmp_path):
    return copy_of(demo_template, tmp_path)


def last_twelve_months():
    last = date.today().replace(day=1)
    return [add_months(last, -back) for back in range(11, -1, -1)]


def endings_by_month(database, months):
    """Unplanned endings of each month, counted straight from the database."""
    rows = query(
        database,
        "SELECT substr(ended_on, 1, 7), count(*) FROM placements_placement "
        "WHERE ending = 'unplanned' GROUP BY 1",
    )
    found = dict(rows)
    return [found.get(f"{month:%Y-%m}", 0) for month in months]


def report(database, *arguments):
    return run_hearth("report", "unplanned-endings", *arguments, database=database)


def test_the_report_prints_the_monthly_table_of_a_seeded_council(demo_database):
    months = last_twelve_months()
    expected = endings_by_month(demo_database, months)
    assert sum(expected) >= 2  # the seed ended placements over the year

    result = report(demo_database, "--from", f"{months[0]:%Y-%m}", "--to", f"{months[-1]:%Y-%m}")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"Wigan Council ({WIGAN})"
    header = lines[2].split()
    assert header == ["measure", *[f"{month:%Y-%m}" for month in months], "total"]
    row = next(line for line in lines if line.strip().startswith(LABEL))
    assert [int(cell) for cell in row.replace(LABEL, "").split()] == [*expected, sum(expected)]
    # Columns aligned: each month's count starts under its heading.
    for month, count in zip(months, expected, strict=True):
        start = lines[2].index(f"{month:%Y-%m}")
        assert row[start:].split()[0] == str(count)
    assert "STABILITY MEETINGS BEFORE THE ENDING" in result.stdout
    assert "Actions overdue at the month's end" in result.stdout


def test_json_is_months_measures_labels_and_totals_and_nothing_else(demo_database):
    result = report(demo_database, "--from", "2026-01", "--to", "2026-03", "--format", "json")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert set(data) == {"months", "measures", "labels", "totals"}
    assert data["months"] == ["2026-01", "2026-02", "2026-03"]
    assert all(len(counts) == 3 for counts in data["measures"].values())
    assert list(data["measures"])[0] == "unplanned_endings"
    assert data["labels"]["unplanned_endings"] == LABEL
    assert data["totals"]["actions_overdue"] is None
    assert data["totals"]["unplanned_endings"] == sum(data["measures"]["unplanned_endings"])


def test_csv_has_a_measure_and_a_label_column_then_one_column_a_month(demo_database):
    months = last_twelve_months()
    result = report(demo_database, "--authority", WIGAN, "--format", "csv")

    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["measure", "label", *[f"{month:%Y-%m}" for month in months]]
    assert rows[1] == [
        "unplanned_endings", LABEL, *map(str, endings_by_month(demo_database, months))
    ]  # fmt: skip
    assert {len(row) for row in rows} == {14}
    assert "theme_behaviour" in [row[0] for row in rows]
    # Providers by a readable name, as the JSON's labels, never by a database id.
    labels = json.loads(report(demo_database, "--authority", WIGAN, "--format", "json").stdout)[
        "labels"
    ]
    assert {row[0]: row[1] for row in rows[1:]} == labels
    providers = [row[0] for row in rows if row[0].startswith("provider_")]
    assert "provider_in_house" in providers and len(providers) >= 2
    assert not any(name.removeprefix("provider_").isdigit() for name in providers)


def test_from_after_to_is_refused_with_exit_1(demo_database):
    result = report(demo_database, "--from", "2026-05", "--to", "2026-04")

    assert result.returncode == 1
    assert "--from 2026-05 is after --to 2026-04" in result.stderr
    assert result.stdout == ""


def test_an_unknown_council_is_refused_with_exit_1(demo_database):
    result = report(demo_database, "--authority", "E09999999")

    assert result.returncode == 1
    assert "no council with ONS code E09999999" in result.stderr
    assert result.stdout == ""


def test_a_database_of_several_councils_needs_the_council_named(seeded_database):
    refused = report(seeded_database)
    named = report(seeded_database, "--authority", "E08000009", "--format", "json")

    assert refused.returncode == 1
    assert "more than one council: say which with --authority CODE" in refused.stderr
    assert named.returncode == 0, named.stderr
    assert len(json.loads(named.stdout)["months"]) == 12


def test_a_database_without_a_council_is_refused(database):
    result = report(database)

    assert result.returncode == 1
    assert "there is no council yet" in result.stderr


@pytest.mark.parametrize(
    "arguments",
    [
        ["report", "unplanned-endings", "--from", "2026-13"],
        ["report", "unplanned-endings", "--to", "April"],
        ["report", "unplanned-endings", "--format", "xml"],
        ["report", "breakdowns"],
        ["report"],
    ],
    ids=" ".join,
)
def test_bad_usage_exits_2(arguments):
    result = run_hearth(*arguments, mode=None)

    assert result.returncode == 2
    assert "usage: hearth report" in result.stderr
    assert result.stdout == ""


def test_help_names_the_reports_and_the_formats():
    result = run_hearth("report", "--help", mode=None)

    assert result.returncode == 0
    assert "unplanned-endings" in result.stdout
    assert "text: a table to read" in result.stdout
