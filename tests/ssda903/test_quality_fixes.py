"""The data quality check when things go wrong (a council's check failing in the nightly job, the
validator stopping on "Check now" or `hearth export 903 --check`, a council's first year with no
previous return), and the child's own problems on their record (the current year's latest check,
read cheaply)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.cli.console import UserError
from hearth.cli.main import parse_arguments
from hearth.ssda903 import quality, validator
from hearth.ssda903.models import Episode, QualityRun
from hearth.trays.jobs import run_jobs

pytestmark = pytest.mark.django_db
needs_validator = pytest.mark.skipif(not validator.available(), reason="run make validator")


def _episode(child, **values):
    base = dict(
        authority=child.authority, child=child, source=Episode.Source.IMPORTED,
        decom=date(2025, 5, 1), rne="S", ls="C2", cin="N1", place="U4", place_provider="PR1",
        home_post="WN1 1XX", pl_post="M1 1AE", urn="SC123456",
    )  # fmt: skip
    base.update(values)
    return Episode.objects.create(**base)


def _run(authority, year, failures, *, at=datetime(2025, 9, 1, 2, 0, tzinfo=UTC), **values):
    return QualityRun.objects.create(
        authority=authority, year=year, ruleset=values.pop("ruleset", f"lac{year}_{year % 100 + 1}"),
        run_at=at, failures=failures, **values,
    )  # fmt: skip


def _failure(child, rule):
    return {"child": child.pk, "reference": child.reference, "table": "Header", "row": 0,
            "rule": rule, "message": "m", "fields": [], "source": "dfe"}  # fmt: skip


# The nightly job ---------------------------------------------------------------------------------


@pytest.fixture
def two_councils(child, trafford):
    from tests.factories import ChildFactory

    other = ChildFactory(authority=trafford, reference="T-1")
    _episode(child)
    _episode(other)
    return child.authority, trafford


@time_machine.travel("2025-09-01 02:00 +00:00", tick=False)
def test_one_councils_failing_check_neither_undoes_nor_stops_the_others(two_councils, monkeypatch):
    wigan, trafford = two_councils

    def run(council, year, by=None):
        QualityRun.objects.create(authority=council, year=year, ruleset="lac2025_26",
                                  run_at=datetime(2025, 9, 1, 2, tzinfo=UTC))  # fmt: skip
        if council == wigan:
            raise RuntimeError("The SSDA903 validator stopped (exit 1)")

    monkeypatch.setattr(quality, "run", run)
    monkeypatch.setattr(validator, "available", lambda: True)

    done = run_jobs()  # does not raise

    assert done.get("nightly") == 1
    assert quality.latest(trafford, 2025) is not None
    assert quality.latest(wigan, 2025) is None  # its half-made run rolled back
    stopped = QualityRun.objects.get(authority=wigan)
    assert stopped.ruleset == quality.STOPPED
    assert "validator stopped" in stopped.rules_failed_to_run[0]
    assert quality.nightly(None) == 0  # not retried before tomorrow
    assert QualityRun.objects.filter(authority=wigan).count() == 1


def test_the_job_runner_leaves_the_nightly_check_its_own_transactions(monkeypatch):
    from django.db import transaction

    from hearth.trays import jobs

    depth = []

    def nightly(now):
        depth.append(len(transaction.get_connection().savepoint_ids))
        return 0

    nightly.runs_own_transactions = True
    monkeypatch.setattr(jobs, "JOBS", ["hearth.ssda903.quality.nightly"])
    monkeypatch.setattr(quality, "nightly", nightly)
    outside = len(transaction.get_connection().savepoint_ids)

    jobs.run_jobs()

    assert depth == [outside]  # no transaction (savepoint) of the runner's around it


def test_a_stopped_check_is_said_on_the_page_and_the_last_completed_one_shown(
    client, social_worker, child
):
    _run(child.authority, 2025, [_failure(child, "103")], at=datetime(2025, 9, 1, 2, tzinfo=UTC))
    _run(child.authority, 2025, [], at=datetime(2025, 9, 2, 2, tzinfo=UTC),
         ruleset=quality.STOPPED, rules_failed_to_run=["the whole check stopped"])  # fmt: skip
    client.force_login(social_worker)

    with time_machine.travel("2025-09-02 10:00 +00:00", tick=False):
        response = client.get("/reports/data-quality/")

    page = response.content.decode()
    assert "The check on 2 September 2025 at 03:00 stopped before it finished" in page
    assert response.context["run"].ruleset == "lac2025_26"
    assert response.context["failure_count"] == 1


# Check now and export --check when the validator stops ------------------------------------------


@time_machine.travel("2025-09-01 10:00 +00:00", tick=False)
def test_check_now_says_so_when_the_validator_stops(client, social_worker, child, monkeypatch):
    def stops(*_args, **_kwargs):
        raise RuntimeError("The SSDA903 validator stopped (exit 1)")

    monkeypatch.setattr(quality, "run", stops)
    client.force_login(social_worker)

    response = client.post("/reports/data-quality/", {"year": 2025}, follow=True)

    assert response.status_code == 200
    assert "The check stopped before it finished" in response.content.decode()


def hearth(*argv):
    args = parse_arguments([str(value) for value in argv])
    try:
        return args.run(args) or 0
    except UserError as error:
        print(error)
        return 1


@needs_validator
@time_machine.travel("2025-09-01 10:00 +00:00", tick=False)
def test_a_councils_first_export_checks_without_a_previous_return(child, tmp_path, capsys):
    _episode(child)  # looked after from May 2025 only: last year's return has no children
    out = tmp_path / "return"

    code = hearth("export", "903", "--authority", "E08000010", "--year", 2025, "--out", out,
                  "--check")  # fmt: skip

    printed = capsys.readouterr()
    assert code in (0, 1), printed.out + printed.err
    assert "The DfE's rules (lac2025_26)" in printed.out
    assert "(prev/) has no children" in printed.err
    assert (out / "prev" / "header.csv").exists()  # the export itself is left as written


@time_machine.travel("2025-09-01 10:00 +00:00", tick=False)
def test_export_check_says_so_when_the_validator_stops(child, tmp_path, capsys, monkeypatch):
    def stops(*_args, **_kwargs):
        raise RuntimeError("The SSDA903 validator stopped (exit 1)")

    _episode(child)
    monkeypatch.setattr(validator, "available", lambda: True)
    monkeypatch.setattr(quality, "validate_return", stops)
    out = tmp_path / "return"

    code = hearth("export", "903", "--authority", "E08000010", "--year", 2025, "--out", out,
                  "--check")  # fmt: skip

    assert code == 1
    assert "the SSDA903 validator stopped before it finished" in capsys.readouterr().out
    assert (out / "episodes.csv").exists()


def test_the_export_command_writes_with_write_return(child, tmp_path, monkeypatch):
    from hearth.ssda903 import export

    calls = []
    real = export.write_return
    monkeypatch.setattr(export, "write_return",
                        lambda *a, **k: calls.append(k) or real(*a, **k))  # fmt: skip

    assert hearth("export", "903", "--authority", "E08000010", "--year", 2025,
                  "--out", tmp_path / "r") == 0  # fmt: skip
    assert calls == [{"previous": True}]


# The child's own problems -------------------------------------------------------------------------


@time_machine.travel("2026-01-15 10:00 +00:00", tick=False)
def test_the_childs_problems_come_from_the_current_years_latest_completed_check(child):
    _run(child.authority, 2025, [_failure(child, "103")], at=datetime(2025, 12, 1, tzinfo=UTC))
    _run(child.authority, 2024, [_failure(child, "146")], at=datetime(2026, 1, 10, tzinfo=UTC))
    _run(child.authority, 2025, [], at=datetime(2026, 1, 12, tzinfo=UTC),
         ruleset=quality.STOPPED)  # fmt: skip

    assert [f["rule"] for f in quality.child_problems(child)] == ["103"]


@time_machine.travel("2026-01-15 10:00 +00:00", tick=False)
def test_a_childs_record_does_not_read_the_whole_check_each_time(child):
    from tests.factories import ChildFactory

    others = [ChildFactory(authority=child.authority) for _ in range(3)]
    _run(child.authority, 2025, [_failure(c, "103") for c in [child, *others]],
         at=datetime(2025, 12, 1, tzinfo=UTC))  # fmt: skip
    quality.child_problems(others[0])  # the first record shown in this process reads it

    with CaptureQueriesContext(connection) as queries:
        found = quality.child_problems(child)

    assert [f["child"] for f in found] == [child.pk]
    assert len(queries) == 1
    assert "failures" not in queries[0]["sql"]


def test_hearths_own_failures_name_the_episode_not_a_csv_row(child):
    _episode(child, reason_place_change="CARPL")  # open with a reason: rule 233

    found = [f for f in quality.hearth_failures(child.authority, 2025) if f["rule"] == "233"]

    assert found and found[0]["row"] is None and found[0]["episode"] == 0
