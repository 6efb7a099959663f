"""`hearth import recruitment-events` and `hearth report fostering-monthly` (CONTRACT.md sections 2
and 4): formats exactly as the contract says, exit codes 0, 1 and 2. Most run in this process
against the test database; one runs the real command on a database file of its own."""

import csv
import io
import json
from datetime import datetime

import pytest

from hearth.cli.console import UserError
from hearth.cli.main import parse_arguments
from hearth.fostering.models import RecruitmentEvent
from tests.cli.command import run_hearth
from tests.fostering.test_import_recruitment_events import EXPECTED, HISTORY

MONTHS = ["2025-01", "2025-02", "2025-03", "2025-04", "2025-05", "2025-06"]
PERIOD = ("--from", "2025-01", "--to", "2025-06")


@pytest.fixture(autouse=True)
def june_2026(time_machine):
    time_machine.move_to(datetime(2026, 6, 15, 10, 0), tick=False)


def hearth(*argv):
    """Run a `hearth` sub-command here, in the test's database: its exit code."""
    args = parse_arguments([str(value) for value in argv])
    try:
        return args.run(args) or 0
    except UserError as error:
        print(error)
        return 1


@pytest.fixture
def history_file(tmp_path):
    path = tmp_path / "history.csv"
    path.write_text(HISTORY, encoding="utf-8")
    return path


def test_import_then_report_as_csv_gives_the_contracts_columns(wigan, history_file, capsys):
    assert hearth("import", "recruitment-events", history_file) == 0
    assert capsys.readouterr().out == "created 18, updated 0, unchanged 0\n"

    assert hearth("report", "fostering-monthly", *PERIOD, "--format", "csv") == 0

    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["measure", *MONTHS]
    assert {row[0]: [int(value) for value in row[1:]] for row in rows[1:]} == EXPECTED
    assert [row[0] for row in rows[1:]] == list(EXPECTED)


def test_the_json_is_exactly_months_and_measures(wigan, history_file, capsys):
    hearth("import", "recruitment-events", history_file)
    capsys.readouterr()

    assert hearth("report", "fostering-monthly", *PERIOD, "--format", "json") == 0

    assert json.loads(capsys.readouterr().out) == {"months": MONTHS, "measures": EXPECTED}


def test_the_text_is_a_table_to_read(wigan, history_file, capsys):
    hearth("import", "recruitment-events", history_file)
    capsys.readouterr()

    assert hearth("report", "fostering-monthly", *PERIOD) == 0

    out = capsys.readouterr().out
    assert out.startswith("Wigan Council (E08000010)")
    assert "Initial enquiries" in out and "2025-06" in out


def test_a_second_import_of_the_same_file_changes_nothing(wigan, history_file, capsys):
    hearth("import", "recruitment-events", history_file)
    capsys.readouterr()

    assert hearth("import", "recruitment-events", history_file, "--format", "json") == 0

    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "recruitment-events"
    assert (result["created"], result["unchanged"]) == (0, 18)
    assert (result["households_created"], result["children_created"]) == (0, 0)


def test_a_bad_file_exits_1_listing_each_line_and_writes_nothing(wigan, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text(
        "household,event,date,child,reason\nA,enquiry,2025-01-01,,\nA,visit,2025-01-02,,\n",
        encoding="utf-8",
    )

    assert hearth("import", "recruitment-events", path) == 1

    err = capsys.readouterr().err
    assert f"{path}:3: event: 'visit' is not an event" in err
    assert "nothing was imported (1 problem" in err
    assert not RecruitmentEvent.objects.exists()


def test_a_period_the_wrong_way_round_exits_1(wigan, capsys):
    assert hearth("report", "fostering-monthly", "--from", "2025-06", "--to", "2025-01") == 1


def test_a_month_that_is_not_a_month_is_bad_usage(capsys):
    with pytest.raises(SystemExit) as usage:
        hearth("report", "fostering-monthly", "--from", "June")

    assert usage.value.code == 2


def test_the_real_command_imports_and_reports(tmp_path, history_file):
    database = tmp_path / "db.sqlite3"
    assert run_hearth("migrate", database=database).returncode == 0
    created = run_hearth("authority", "create", "E08000010", "Wigan Council", database=database)
    assert created.returncode == 0, created.stderr

    imported = run_hearth("import", "recruitment-events", history_file, database=database)
    report = run_hearth(
        "report", "fostering-monthly", *PERIOD, "--format", "json", database=database
    )

    assert imported.returncode == 0, imported.stderr
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout) == {"months": MONTHS, "measures": EXPECTED}
