"""`hearth import recruitment-events` (CONTRACT.md section 4): a council's past fostering history,
all or nothing, idempotent; and the round trip: the report of the imported months gives the figures
the history implies."""

from datetime import date

import pytest

from hearth.audit.models import AuditEvent
from hearth.fostering.imports import COLUMNS, import_recruitment_events
from hearth.fostering.models import Hold, RecruitmentEvent
from hearth.fostering.report import fostering_monthly
from hearth.people.models import Child, Household
from tests.factories import ChildFactory, HouseholdFactory

TODAY = date(2026, 6, 15)

# A year of a small council's history, and the figures it implies month by month (2025-01..06).
HISTORY = """household,event,date,child,reason
A,enquiry,2025-01-06,,
A,initial_visit,2025-01-10,,
B,enquiry,2025-01-31,,
A,application,2025-02-01,,
A,assessment_started,2025-02-14,,
B,initial_visit,05/02/2025,,
B,application,2025-03-03,,
B,assessment_started,2025-03-10,,
B,assessment_ended,2025-04-30,,withdrew
A,approved,2025-04-30,,
A,placement_started,2025-05-01,K1,
A,placement_started,2025-05-20,K2,
A,placement_ended,2025-05-31,K2,
C,approved,2024-09-01,,
C,on_hold,2025-03-01,,allegation
C,off_hold,2025-04-01,,
C,exited,2025-06-02,,retirement
B,assessment_started,2025-06-01,,
"""
EXPECTED = {
    "initial_enquiries": [2, 0, 0, 0, 0, 0],
    "initial_visits": [1, 1, 0, 0, 0, 0],
    "applications": [0, 1, 1, 0, 0, 0],
    "assessments": [0, 1, 2, 0, 0, 1],
    "approvals": [0, 0, 0, 1, 0, 0],
    "carer_exits": [0, 0, 0, 0, 0, 1],
    "households": [1, 1, 1, 2, 2, 1],
    "placements": [0, 0, 0, 0, 1, 1],
}


def write(tmp_path, text, name="history.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(path, authority, **kwargs):
    return import_recruitment_events(path, authority=authority, today=TODAY, **kwargs)


def monthly(authority):
    report = fostering_monthly(authority, date(2025, 1, 1), date(2025, 6, 1))
    return {m.name: list(m.values) for m in report.measures}


def test_importing_a_history_reproduces_its_monthly_figures(wigan, tmp_path):
    result = run(write(tmp_path, HISTORY), wigan)

    assert result.ok, result.errors
    assert (result.created, result.unchanged) == (18, 0)
    assert (result.households_created, result.children_created) == (3, 2)
    assert monthly(wigan) == EXPECTED
    assert set(RecruitmentEvent.objects.values_list("source", flat=True)) == {"import"}


def test_importing_the_same_file_twice_changes_nothing(wigan, tmp_path):
    path = write(tmp_path, HISTORY)
    run(path, wigan)
    audit_rows = AuditEvent.objects.count()

    again = run(path, wigan)

    assert again.ok
    assert (again.created, again.unchanged) == (0, 18)
    assert (again.households_created, again.children_created) == (0, 0)
    assert RecruitmentEvent.objects.count() == 18
    assert AuditEvent.objects.count() == audit_rows
    assert monthly(wigan) == EXPECTED


def test_new_households_take_their_status_from_their_last_event(wigan, tmp_path):
    text = (
        "household,event,date,child,reason\n"
        "A,approved,2024-01-10,,\n"
        "A,approved,2025-01-10,,\n"
        "A,on_hold,2025-03-01,,illness\n"
        "B,enquiry,2025-01-01,,\n"
        "B,assessment_started,2025-02-01,,\n"
        "C,approved,2024-01-01,,\n"
        "C,exited,2025-01-01,,\n"
    )
    run(write(tmp_path, text), wigan)

    a, b, c = (Household.objects.get(provider=wigan, reference=ref) for ref in "ABC")
    assert (a.status, a.hold_reason, a.approved_on) == ("on_hold", "other", date(2025, 1, 10))
    assert a.name == "Household A" and a.bedrooms == 0 and a.postcode == ""
    assert Hold.objects.get(household=a, ended_on=None).started_on == date(2025, 3, 1)
    assert (b.status, b.approved_on) == ("in_assessment", None)
    assert c.status == "deregistered"


def test_new_children_are_minimal_records_born_no_later_than_their_first_event(wigan, tmp_path):
    text = (
        "household,event,date,child,reason\n"
        "A,approved,2024-01-10,,\n"
        "A,placement_started,2024-03-05,K9,\n"
        "A,placement_ended,2024-08-01,K9,\n"
    )
    run(write(tmp_path, text), wigan)

    child = Child.objects.get(authority=wigan, reference="K9")
    assert (child.first_name, child.last_name) == ("Unknown", "K9")
    assert child.date_of_birth == date(2024, 3, 5)
    assert (child.sex, child.legal_status, child.ethnicity) == ("", "", "NOBT")
    assert child.placed_with is None


def test_existing_records_are_not_changed_and_only_their_history_is_added(wigan, tmp_path):
    home = HouseholdFactory(provider=wigan, reference="WH1", name="Hughes family")
    amy = ChildFactory(authority=wigan, reference="WC1", first_name="Amy")
    version = home.version
    text = (
        "household,event,date,child,reason\n"
        "WH1,approved,2023-05-01,,\n"
        "WH1,placement_started,2024-02-01,WC1,\n"
    )

    result = run(write(tmp_path, text), wigan)

    home.refresh_from_db()
    amy.refresh_from_db()
    assert (result.households_created, result.children_created) == (0, 0)
    assert (home.name, home.status, home.version) == ("Hughes family", "approved", version)
    assert amy.first_name == "Amy"
    assert RecruitmentEvent.objects.filter(household=home, child=amy).count() == 1
    updates = AuditEvent.objects.filter(record_type="household", action="update", via="import")
    assert [row.record_id for row in updates] == [str(home.pk)]


def test_an_event_already_recorded_in_hearth_is_skipped(wigan, tmp_path):
    home = HouseholdFactory(provider=wigan, reference="WH1")
    RecruitmentEvent.objects.create(
        authority=wigan, household=home, event="approved", date=date(2023, 5, 1)
    )
    text = "household,event,date,child,reason\nWH1,approved,2023-05-01,,\n"

    result = run(write(tmp_path, text), wigan)

    assert (result.created, result.unchanged) == (0, 1)
    assert RecruitmentEvent.objects.count() == 1


def test_another_councils_household_with_the_same_reference_is_a_different_household(
    wigan, trafford, tmp_path
):
    theirs = HouseholdFactory(provider=trafford, reference="WH1")

    run(write(tmp_path, "household,event,date,child,reason\nWH1,enquiry,2025-01-01,,\n"), wigan)

    assert not RecruitmentEvent.objects.filter(household=theirs).exists()
    assert Household.objects.get(provider=wigan, reference="WH1").status == "enquiry"


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_written(wigan, tmp_path):
    text = (
        "household,event,date,child,reason\n"
        "A,enquiry,2025-01-06,,\n"  # 2: good
        "A,adopted,2025-01-07,,\n"  # 3: unknown event
        "A,application,2025-02-30,,\n"  # 4: no such day
        "A,assessment_started,2026-07-01,,\n"  # 5: in the future
        "A,placement_started,2025-03-01,,\n"  # 6: no child
        "A,approved,2025-04-01,K1,\n"  # 7: a child on another event
        ",enquiry,2025-01-06,,\n"  # 8: no household
        "A,enquiry,2025-01-06,,\n"  # 9: the same as line 2
        "A,enquiry,2025-01-08\n"  # 10: too few values
    )

    result = run(write(tmp_path, text), wigan)

    lines = [line for line, _ in result.errors]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10]
    reasons = dict(result.errors)
    assert "'adopted' is not an event" in reasons[3]
    assert "'2025-02-30' is not a real date" in reasons[4]
    assert "in the future" in reasons[5]
    assert reasons[6].startswith("child: Enter the reference of the child")
    assert reasons[7].startswith("child: Only placement events name a child")
    assert reasons[8].startswith("household:")
    assert reasons[9] == "the same event is already on line 2"
    assert (result.created, result.households_created) == (0, 0)
    assert not Household.objects.exists()
    assert not RecruitmentEvent.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("household,event,date,child", "missing columns: reason"),
        ("household,event,date,child,reason,note", "unknown columns: note"),
        ("household,event,date,child,reason,event", "columns named twice: event"),
    ],
)
def test_a_wrong_header_is_refused_on_line_one(wigan, tmp_path, header, problem):
    result = run(write(tmp_path, header + "\nA,enquiry,2025-01-06,,\n"), wigan)

    assert result.errors[0][0] == 1
    assert problem in result.errors[0][1]
    assert not Household.objects.exists()


def test_an_empty_file_is_refused(wigan, tmp_path):
    result = run(write(tmp_path, ""), wigan)

    assert result.errors == [(1, "The file is empty: the first line must name the columns")]


def test_the_columns_are_the_contracts():
    assert COLUMNS == ["household", "event", "date", "child", "reason"]
