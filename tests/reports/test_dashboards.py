"""The dashboards' figures on a small Wigan built by hand (`tests/fixtures/dashboards.py`), each
worked out by hand: the team figures, a team's and every team's; the service lead's stability,
timeliness and carers' figures; the director's children looked after, forecast, spend and Ofsted
figures; and every figure's list of the records it counts."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from hearth.core.deadlines import birthday
from hearth.placements import selectors
from hearth.referrals.models import Status
from hearth.reports import dashboards
from tests.factories import ChildFactory, make_referral
from tests.fixtures.dashboards import at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def eighth_of_december():
    with time_machine.travel(at(2026, 12, 8), tick=False):
        yield


def values(table):
    """{row label: [cell values]} of a table."""
    return {row[0]: [cell.value for cell in row[1]] for row in table.rows}


def names(listing):
    return [record.name.split()[0] for record in listing.records]


@pytest.fixture
def north(wigan, dashboard_world):
    return dashboards.team_dashboard(wigan, dashboard_world["teams"]["north"])


@pytest.fixture
def service(wigan, dashboard_world):
    return dashboards.service_dashboard(wigan)


@pytest.fixture
def director(wigan, dashboard_world):
    return dashboards.director_dashboard(wigan)


# The team dashboard ------------------------------------------------------------------------------


def test_a_team_dashboard_counts_only_the_teams_children(north):
    assert values(north.table("children")) == {
        "Children waiting for a home": [1],
        "Longest wait, days": [7],
        "Placements ending": [2],
        "Children with 3 or more placements this year": [1],
        "Children placed more than 20 miles from home": [2],
        "Children in placement whose distance from home is not known": [0],
        "Children with a data quality problem": [1],
    }
    assert names(north.listing(figure="waiting")) == ["Ann"]
    assert names(north.listing(figure="placed_far")) == ["Ben", "Cat"]


def test_children_wait_from_the_referrals_approval_in_bands(north, service):
    assert values(north.table("waiting")) == {
        "Less than 1 week": [0], "1 to 4 weeks": [1], "4 to 12 weeks": [0],
        "More than 12 weeks": [0],
    }  # fmt: skip
    assert values(service.table("waiting")) == {
        "Less than 1 week": [1], "1 to 4 weeks": [1], "4 to 12 weeks": [0],
        "More than 12 weeks": [1],
    }  # fmt: skip
    assert names(service.listing(figure="waiting_over_12_weeks")) == ["Dan"]
    ann = north.listing(figure="waiting").records[0]
    assert ann.detail == "Waiting 7 days since 1 December 2026: Searching"
    assert ann.link[1] == "referral"


def test_the_longest_wait_lists_the_child_or_children_who_waited_longest(
    wigan, service, dashboard_world, social_worker
):
    longest = values(service.table("children"))["Longest wait, days"]
    assert longest == [98] and names(service.listing(figure="longest_wait")) == ["Dan"]
    # Zoe's referral was approved the same day as Dan's: they share the longest wait
    zoe = ChildFactory(authority=wigan, first_name="Zoe", last_name="Test", reference="ZOE",
                       team=dashboard_world["teams"]["south"], social_worker=social_worker)  # fmt: skip
    make_referral(zoe, status=Status.APPROVED, approved_at=at(2026, 9, 1, 15))
    again = dashboards.service_dashboard(wigan)
    assert values(again.table("children"))["Longest wait, days"] == [98]
    assert names(again.listing(figure="longest_wait")) == ["Dan", "Zoe"]
    assert names(again.listing(figure="waiting")) == ["Dan", "Zoe", "Ann", "Gus"]


def test_a_child_born_on_29_february_turns_18_on_1_march_in_other_years():
    assert birthday(date(2008, 2, 29), 18) == date(2026, 3, 1)
    assert birthday(date(2008, 2, 29), 16) == date(2024, 2, 29)
    assert birthday(date(2009, 2, 1), 18) == date(2027, 2, 1)


def test_placements_end_at_18_within_3_months_in_emergency_care_or_when_a_search_is_open(
    service, dashboard_world
):
    ending = service.listing(figure="endings").records
    referral = dashboard_world["referrals"]["Ann"].pk
    assert {record.name.split()[0]: record.detail for record in ending} == {
        "Ann": f"With Shaw household: a new home is being looked for (referral {referral})",
        "Ben": "With Moor household: turns 18 on 1 February 2027",
        "Eve": "With Shaw household: emergency care since 6 December 2026",
    }  # Jo's 18th birthday, 9 March 2027, is a day after the 3 months
    assert {record.link[1] for record in ending} == {"placement"}


def test_meetings_minutes_and_actions_are_due_or_overdue(north, service):
    assert values(north.table("stability")) == {
        "Stability meetings to hold": [0, 1],
        "Unplanned ending meetings to hold": [0, 0],
        "Minutes to circulate": [0, 1],
        "Actions from meetings to do": [1, 1],
    }
    assert values(service.table("stability"))["Unplanned ending meetings to hold"] == [1, 0]
    overdue = north.listing(figure="overdue")
    assert sorted(names(overdue)) == ["Ann", "Cat", "Cat"]
    action = north.listing(figure="actions_overdue").records[0]
    assert action.detail == "Due 1 December 2026: overdue: Book respite for the carers"
    assert action.link[1] == "stability_meeting"


def test_data_quality_comes_from_the_latest_completed_check(service):
    problems = service.listing(figure="quality").records
    assert [(record.name, record.detail) for record in problems] == [
        ("Cat Test", "2 problems: rules 103, 208"),
        ("Dan Test", "1 problem: rule 114"),
    ]
    assert "Data quality as the check of 7 December 2026 found it." in service.notes


def test_without_a_completed_check_data_quality_is_not_known(wigan, dashboard_world):
    from hearth.ssda903.models import QualityRun

    QualityRun.objects.exclude(ruleset="").delete()
    service = dashboards.service_dashboard(wigan)
    assert values(service.table("children"))["Children with a data quality problem"] == [None]
    assert any("No data quality check" in note for note in service.notes)
    with pytest.raises(KeyError):
        service.listing(figure="quality")


# The service dashboard -----------------------------------------------------------------------------


def test_the_service_dashboard_has_a_row_per_team_and_one_for_no_team(service, dashboard_world):
    table = service.table("teams")
    assert table.header[1:] == [label for _, label in dashboards.TEAM_COLUMNS]
    assert values(table) == {
        "North": [1, 1, 1, 1, 2, 1, 2, 1],
        "South": [1, 0, 0, 0, 1, 0, 0, 1],
        "No team": [1, 0, 0, 0, 0, 0, 0, 0],
    }
    south = dashboard_world["teams"]["south"].pk
    assert names(service.listing(figure="waiting", team=south)) == ["Dan"]
    assert names(service.listing(figure="waiting", team="none")) == ["Gus"]
    assert names(service.listing(figure="endings", team=south)) == ["Eve"]


def test_the_stability_indicators_of_the_year_so_far(service):
    assert values(service.table("indicators")) == {
        "Children with 3 or more placements in the year": [1, 6, 16.7],
        "Children under 16 in care 2.5 years, in the same placement 2 years": [1, 2, 50.0],
    }
    assert names(service.listing(figure="short_term", year=2026)) == ["Cat"]
    assert names(service.listing(figure="long_term_measured", year=2026)) == ["Hal", "Ivy"]


def test_timeliness_and_the_council_own_carers_month_by_month(service):
    rows = values(service.table("timeliness"))
    assert rows["September 2026"][0] == 1 and rows["December 2026"][0] == 2
    assert rows["January 2026"][3:] == [1, 1, Decimal("100.0")]
    assert rows["September 2026"][3:] == [1, 0, Decimal("0.0")]
    assert rows["The 12 months"] == [3, None, None, 4, 3, Decimal("75.0")]
    assert names(service.listing(figure="placements_started", month="2026-09")) == ["Cat"]
    assert sorted(names(service.listing(figure="in_house_share"))) == ["Ann", "Eve", "Fay"]


def test_the_council_own_carers_places_and_assessments(service):
    assert values(service.table("places")) == {
        "Approved households": [3], "Places approved": [7], "Places filled": [3],
        "Places vacant": [3], "Places on hold": [1],
    }  # fmt: skip
    vacant = service.listing(figure="vacant")
    assert [record.name for record in vacant.records] == ["Oak household", "Shaw household"]
    assert vacant.kind == "household"
    assert values(service.table("assessments")) == {
        "Households in assessment": [2], "Of those, past the date due": [1],
    }  # fmt: skip
    late = service.listing(figure="assessments_late").records
    assert [(record.name, record.detail) for record in late] == [
        ("Elm household", "Form F (mainstream), in progress, started 1 June 2026, due 19 October "
         "2026: past due"),
    ]  # fmt: skip


# The director's dashboard --------------------------------------------------------------------------


def test_children_looked_after_month_by_month_by_category(director):
    rows = values(director.table("looked_after"))
    assert rows["1 December 2026"] == [4, 1, 0, 0, 5, "Episodes"]
    assert rows["1 December 2024"] == [2, 1, 0, 0, 3, "Episodes"]
    residential = director.listing(figure="looked_after", month="2026-12", sector="residential")
    assert [(r.name, r.detail) for r in residential.records] == [
        ("Hal Test", "Residential, aged 10 to 15")
    ]
    assert sorted(names(director.listing(figure="looked_after", month="2026-12"))) == [
        "Ann", "Ben", "Cat", "Hal", "Ivy",
    ]  # fmt: skip


def test_the_forecast_follows_this_month_and_counts_no_child(director):
    table = director.table("looked_after")
    forecast_rows = [row for row in table.rows if row[1][-1].value == "Forecast"]
    assert [row[0] for row in forecast_rows][:2] == ["1 January 2027", "1 February 2027"]
    assert len(forecast_rows) == 12
    assert all(not cell.query for row in forecast_rows for cell in row[1])


def test_stability_indicators_this_year_against_last(director):
    assert values(director.table("indicators")) == {
        "Children with 3 or more placements in the year": [0, 3, 0.0, 1, 6, 16.7],
        "Children under 16 in care 2.5 years, in the same placement 2 years": [
            1, 2, 50.0, 1, 2, 50.0,
        ],
    }  # fmt: skip
    assert director.table("indicators").header[1] == "2025-26: counted"


def test_weekly_spend_is_the_spend_reports_figure(wigan, director):
    rows = values(director.table("spend"))
    assert rows["January 2026"][0] == Decimal("1000.00")
    assert rows["December 2026"][0] == Decimal("1800.00")
    days = [date(2026, 1, 31), date(2026, 9, 30), date(2026, 12, 8)]
    assert dashboards.weekly_spend(wigan, days) == tuple(
        selectors.spend(wigan, day).weekly for day in days
    )
    listed = director.listing(figure="spend_total", month="2026-12")
    assert sorted(names(listed)) == ["Ben", "Cat"]
    assert rows["The 12 months"][1:] == [4, 3, Decimal("75.0")]


def test_ofsteds_households_and_places_of_the_last_year(director):
    assert values(director.table("ofsted")) == {
        "Approved fostering households on 31 March": [3, 0, 3],
        "Approved places on 31 March": [7, 0, 7],
        "Places filled on 31 March": [2, 0, 2],
        "Places vacant on 31 March": [4, 0, 4],
        "Places not available on 31 March (households on hold)": [1, 0, 1],
    }
    listed = director.listing(figure="ofsted_not_available", year=2025, sector="all")
    assert [record.name for record in listed.records] == ["Pine household"]
    # Jo and Fay lived with Oak on 31 March 2026 (Fay moved on in November), Shaw's children
    # came after: the fostering history of the placements says so.
    filled = director.listing(figure="ofsted_filled", year=2025, sector="all")
    assert [(record.name, record.detail) for record in filled.records] == [
        ("Oak household", "2 children")
    ]


def test_another_councils_records_are_never_counted(service, director):
    every = [
        record.name
        for dashboard in (service, director)
        for key in list(dashboard.lists)
        for record in dashboard.listing(**dict(key)).records
    ]
    assert every and not any(name.startswith(("Tom", "Larch")) for name in every)


def test_a_figure_the_dashboard_does_not_have_is_a_key_error(north):
    with pytest.raises(KeyError):
        north.listing(figure="nonsense")
    with pytest.raises(KeyError):
        north.listing(figure="waiting", month="2026-01")


def test_each_dashboard_takes_a_fixed_number_of_queries(
    wigan, dashboard_world, django_assert_max_num_queries
):
    north = dashboard_world["teams"]["north"]
    with django_assert_max_num_queries(14):
        dashboards.team_dashboard(wigan, north)
    with django_assert_max_num_queries(18):
        dashboards.service_dashboard(wigan)
    with django_assert_max_num_queries(19):  # 13, and the sufficiency headline's 6
        dashboards.director_dashboard(wigan)
