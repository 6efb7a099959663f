"""The monthly fostering figures (CONTRACT.md section 4) from small histories whose figures are known
by hand: each test builds the history, then reads the months off the report."""

from datetime import date

import pytest

from hearth.fostering.models import RecruitmentEvent
from hearth.fostering.report import MEASURE_NAMES, fostering_monthly
from hearth.people.models import Carer, Household
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory

Kind = RecruitmentEvent.Kind


def event(household, kind, day, child=None, reason=""):
    return RecruitmentEvent.objects.create(
        authority_id=household.provider_id, household=household, event=kind, date=day,
        child=child, reason=reason,
    )  # fmt: skip


def figures(authority, first, last, **kwargs):
    report = fostering_monthly(authority, first, last, **kwargs)
    return {m.name: list(m.values) for m in report.measures}


@pytest.fixture
def home(wigan):
    return HouseholdFactory(provider=wigan, reference="H1")


def test_flows_count_events_on_the_first_and_last_day_of_their_month(wigan, home):
    event(home, Kind.ENQUIRY, date(2026, 1, 1))
    event(home, Kind.INITIAL_VISIT, date(2026, 1, 31))
    event(home, Kind.APPLICATION, date(2026, 2, 1))
    event(home, Kind.ENQUIRY, date(2025, 12, 31))  # before the period

    found = figures(wigan, date(2026, 1, 1), date(2026, 2, 1))

    assert found["initial_enquiries"] == [1, 0]
    assert found["initial_visits"] == [1, 0]
    assert found["applications"] == [0, 1]


def test_a_household_is_in_assessment_from_its_start_until_approved_or_ended(wigan, home):
    other = HouseholdFactory(provider=wigan)
    event(home, Kind.ASSESSMENT_STARTED, date(2026, 1, 10))
    event(home, Kind.APPROVED, date(2026, 3, 31))  # approved on March's last day: not counted
    event(other, Kind.ASSESSMENT_STARTED, date(2026, 1, 31))
    event(other, Kind.ASSESSMENT_ENDED, date(2026, 2, 5))
    event(other, Kind.ASSESSMENT_STARTED, date(2026, 4, 1))  # assessed again

    found = figures(wigan, date(2026, 1, 1), date(2026, 4, 1))

    assert found["assessments"] == [2, 1, 0, 1]
    assert found["approvals"] == [0, 0, 1, 0]


def test_approved_households_count_until_they_leave_and_again_when_approved_again(wigan, home):
    event(home, Kind.APPROVED, date(2025, 11, 3))  # before the period, still counted
    event(home, Kind.EXITED, date(2026, 2, 28), reason="retirement")
    event(home, Kind.APPROVED, date(2026, 4, 1))

    found = figures(wigan, date(2026, 1, 1), date(2026, 4, 1))

    assert found["households"] == [1, 0, 0, 1]
    assert found["carer_exits"] == [0, 1, 0, 0]
    assert found["approvals"] == [0, 0, 0, 1]


def test_a_hold_leaves_the_household_approved_and_is_counted_on_hold(wigan, home):
    event(home, Kind.APPROVED, date(2025, 6, 1))
    event(home, Kind.ON_HOLD, date(2026, 1, 15), reason="allegation")
    event(home, Kind.OFF_HOLD, date(2026, 3, 2))

    report = fostering_monthly(wigan, date(2026, 1, 1), date(2026, 3, 1))

    assert report.measure("households").values == (1, 1, 1)
    assert report.further.on_hold == (1, 1, 0)


def test_children_placed_count_while_placed_with_an_approved_household(wigan, home):
    amy, ben, cal = (ChildFactory(authority=wigan) for _ in range(3))
    event(home, Kind.APPROVED, date(2025, 6, 1))
    event(home, Kind.PLACEMENT_STARTED, date(2026, 1, 5), child=amy)
    event(home, Kind.PLACEMENT_STARTED, date(2026, 1, 20), child=ben)
    event(home, Kind.PLACEMENT_ENDED, date(2026, 2, 28), child=ben)  # moved on on the last day
    event(home, Kind.PLACEMENT_STARTED, date(2026, 3, 1), child=cal)
    event(home, Kind.EXITED, date(2026, 4, 10))  # the household left: its children not counted

    found = figures(wigan, date(2026, 1, 1), date(2026, 4, 1))

    assert found["placements"] == [2, 1, 2, 0]


def test_another_councils_and_an_agencys_history_is_not_counted(wigan, trafford, home):
    theirs = HouseholdFactory(provider=trafford)
    agencys = HouseholdFactory(provider=AgencyFactory())
    for household in (home, theirs, agencys):
        event(household, Kind.ENQUIRY, date(2026, 1, 5))
        event(household, Kind.APPROVED, date(2026, 1, 6))
    # An event filed under Wigan for a household that is not Wigan's own is left out too.
    RecruitmentEvent.objects.create(
        authority=wigan, household=agencys, event=Kind.ENQUIRY, date=date(2026, 1, 7)
    )

    found = figures(wigan, date(2026, 1, 1), date(2026, 1, 1))

    assert found["initial_enquiries"] == [1]
    assert found["households"] == [1]


def test_the_measures_come_in_the_contracts_order(wigan):
    report = fostering_monthly(wigan, date(2026, 1, 1), date(2026, 3, 1))

    assert [m.name for m in report.measures] == list(MEASURE_NAMES) == [
        "initial_enquiries", "initial_visits", "applications", "assessments", "approvals",
        "carer_exits", "households", "placements",
    ]  # fmt: skip
    assert report.as_json() == {
        "months": ["2026-01", "2026-02", "2026-03"],
        "measures": {name: [0, 0, 0] for name in MEASURE_NAMES},
    }
    assert report.csv_header() == ["measure", "2026-01", "2026-02", "2026-03"]
    assert report.csv_rows()[0] == ["initial_enquiries", 0, 0, 0]


def test_the_report_takes_a_fixed_number_of_queries_whatever_the_months(
    wigan, home, django_assert_max_num_queries
):
    for month in range(1, 13):
        event(home, Kind.ENQUIRY, date(2025, month, 3))
    with django_assert_max_num_queries(2):
        fostering_monthly(wigan, date(2025, 1, 1), date(2025, 1, 1))
    with django_assert_max_num_queries(2):
        fostering_monthly(wigan, date(2023, 1, 1), date(2025, 12, 1))


def test_a_period_the_wrong_way_round_is_refused(wigan):
    with pytest.raises(ValueError):
        fostering_monthly(wigan, date(2026, 3, 1), date(2026, 1, 1))


# The further figures -------------------------------------------------------------------------------


def test_conversion_follows_the_funnel_over_the_period(wigan):
    households = [HouseholdFactory(provider=wigan) for _ in range(4)]
    for household in households:
        event(household, Kind.ENQUIRY, date(2026, 1, 2))
    for household in households[:2]:
        event(household, Kind.INITIAL_VISIT, date(2026, 1, 9))
    event(households[0], Kind.APPLICATION, date(2026, 2, 1))
    event(households[0], Kind.APPROVED, date(2026, 3, 2))

    funnel = fostering_monthly(wigan, date(2026, 1, 1), date(2026, 3, 1)).further.funnel

    assert [(s.label, s.count) for s in funnel] == [
        ("Enquiries", 4), ("Initial home visits", 2), ("Applications", 1), ("Approvals", 1),
    ]  # fmt: skip
    assert [str(s.of_enquiries) for s in funnel[1:]] == ["50.0", "25.0", "25.0"]
    assert [str(s.of_previous) for s in funnel[1:]] == ["50.0", "50.0", "100.0"]


def test_days_from_enquiry_to_approval_for_households_approved_in_the_period(wigan):
    quick, slow, unknown, earlier = (HouseholdFactory(provider=wigan) for _ in range(4))
    event(quick, Kind.ENQUIRY, date(2025, 10, 1))
    event(quick, Kind.APPROVED, date(2026, 1, 9))  # 100 days
    event(slow, Kind.ENQUIRY, date(2025, 1, 1))
    event(slow, Kind.ENQUIRY, date(2025, 6, 1))  # enquired again: counted from the latest
    event(slow, Kind.APPROVED, date(2026, 2, 3))  # 247 days
    event(unknown, Kind.APPROVED, date(2026, 2, 4))  # no enquiry in its history
    event(earlier, Kind.ENQUIRY, date(2025, 1, 1))
    event(earlier, Kind.APPROVED, date(2025, 12, 31))  # before the period

    further = fostering_monthly(wigan, date(2026, 1, 1), date(2026, 2, 1)).further

    assert sorted(further.days_to_approval) == [100, 247]
    assert further.median_days_to_approval == 173.5
    assert str(further.mean_days_to_approval) == "173.5"
    assert further.approvals_without_enquiry == 1


def test_exits_by_reason_most_first(wigan):
    households = [HouseholdFactory(provider=wigan) for _ in range(4)]
    event(households[0], Kind.EXITED, date(2026, 1, 5), reason="retirement")
    event(households[1], Kind.EXITED, date(2026, 1, 6), reason="retirement")
    event(households[2], Kind.EXITED, date(2026, 2, 6), reason="moved_to_agency")
    event(households[3], Kind.EXITED, date(2026, 2, 7))

    further = fostering_monthly(wigan, date(2026, 1, 1), date(2026, 2, 1)).further

    assert further.exits_by_reason == (
        ("Retirement", 2), ("Moved to an agency", 1), ("No reason recorded", 1),
    )  # fmt: skip


def test_average_age_of_todays_approved_carers_with_a_date_of_birth(wigan, home):
    Carer.objects.filter(household=home).update(date_of_birth=date(1980, 6, 1))  # 45
    Carer.objects.create(household=home, first_name="Jo", last_name="Carer")  # no date of birth
    left = HouseholdFactory(provider=wigan, status=Household.Status.DEREGISTERED)
    Carer.objects.filter(household=left).update(date_of_birth=date(1950, 1, 1))
    held = HouseholdFactory(provider=wigan, status=Household.Status.ON_HOLD, hold_reason="illness")
    Carer.objects.filter(household=held).update(date_of_birth=date(1970, 1, 1))  # 56

    further = fostering_monthly(
        wigan, date(2026, 1, 1), date(2026, 1, 1), today=date(2026, 3, 1)
    ).further

    assert sorted(further.carer_ages) == [45, 56]
    assert str(further.average_carer_age) == "50.5"
    assert further.carers_without_birth_date == 1
