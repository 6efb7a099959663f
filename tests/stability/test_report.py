"""The monthly breakdown of unplanned endings (`hearth.stability.report`): each breakdown counted for
a hand-built month, the waiver window's edge, meetings on time and late, actions overdue at the
month's end, learning themes, and a pinned number of queries."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from hearth.accounts.roles import Role
from hearth.core.deadlines import LONDON
from hearth.placements.models import Placement
from hearth.stability import report
from hearth.stability.models import Action, Meeting
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory, member

MARCH, APRIL = date(2026, 3, 1), date(2026, 4, 1)


def at(year, month, day, hour=10, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def ended(child, household, *, started_on, ended_on, ending="unplanned", rec="X1", change="",
          care_type="short_term", by):  # fmt: skip
    """A placement of `child` with `household` that ended on `ended_on`, as the 903 records it."""
    agency = household.provider.is_agency
    return Placement.objects.create(
        authority=child.authority, child=child, household=household, provider=household.provider,
        care_type=care_type, started_on=started_on, place="U4" if agency else "U6",
        place_provider="PR4" if agency else "PR1", legal_status="C2", reason_new_episode="S",
        started_by=by, ended_on=ended_on, ending=ending, reason_ceased=rec,
        reason_place_change=change, needs_ending_meeting=ending == "unplanned",
    )  # fmt: skip


def meeting(placement, *, kind="stability", held_at=None, due_at, due_from=None, **fields):
    fields.setdefault("status", "circulated" if held_at else "requested")
    return Meeting.objects.create(
        authority=placement.authority, kind=kind, placement=placement,
        child_id=placement.child_id, household_id=placement.household_id,
        raised_by="placement_ended" if kind == "unplanned_ending" else "social_worker",
        requested_at=due_at - timedelta(days=2), due_from=due_from, due_at=due_at,
        held_at=held_at, **fields,
    )  # fmt: skip


def values(result, name):
    return list(result.measure(name).values)


@pytest.fixture
def born(wigan):
    """A child of Wigan's born on the day given."""

    def make(day):
        return ChildFactory(authority=wigan, date_of_birth=day)

    return make


@pytest.fixture
def march(born, household, agency_household, placements_officer, trafford):
    """Three unplanned endings in March 2026 (one with the agency's carers), a planned one, an
    unplanned one in April and one of another council's in March."""
    by = placements_officer
    endings = [
        ended(born(date(2022, 10, 1)), household, started_on=date(2026, 3, 1),
              ended_on=date(2026, 3, 20), change="CREQB", by=by),  # aged 3, for 19 days
        ended(born(date(2013, 5, 5)), agency_household, started_on=date(2025, 6, 15),
              ended_on=date(2026, 3, 10), change="CHILD", care_type="long_term", by=by),  # 12
        ended(born(date(2009, 8, 1)), household, started_on=date(2023, 1, 1),
              ended_on=date(2026, 3, 31), rec="E4B", care_type="emergency", by=by),  # 16
    ]  # fmt: skip
    ended(born(date(2012, 1, 1)), household, started_on=date(2026, 1, 1),
          ended_on=date(2026, 3, 15), ending="planned", change="CARPL", by=by)  # fmt: skip
    ended(born(date(2012, 1, 1)), household, started_on=date(2026, 1, 1),
          ended_on=date(2026, 4, 2), change="CREQO", by=by)  # fmt: skip
    theirs = ChildFactory(authority=trafford, reference="T1")
    ended(theirs, HouseholdFactory(provider=trafford), started_on=date(2026, 1, 1),
          ended_on=date(2026, 3, 5), change="CREQB", by=by)  # fmt: skip
    return endings


def test_a_month_of_endings_is_counted_by_each_breakdown(wigan, march, agency):
    result = report.unplanned_endings(wigan, MARCH, APRIL)

    assert result.month_names == ["2026-03", "2026-04"]
    assert values(result, "unplanned_endings") == [3, 1]
    assert result.measure("unplanned_endings").total == 4
    march_counts = {m.name: m.values[0] for m in result.measures if m.values[0]}
    assert march_counts == {
        "unplanned_endings": 3,
        "reason_creqb": 1, "reason_child": 1, "reason_none": 1,
        "rec_x1": 2, "rec_e4b": 1,
        "age_under_5": 1, "age_11_to_15": 1, "age_16_and_over": 1,
        "care_short_term": 1, "care_long_term": 1, "care_emergency": 1,
        "provider_in_house": 2, "provider_northern_fostering": 1,
        "time_under_1_month": 1, "time_6_to_12_months": 1, "time_2_years_or_more": 1,
        "no_stability_meeting": 3,
    }  # fmt: skip
    assert (
        result.measure("provider_northern_fostering").label == agency.name == "Northern Fostering"
    )
    assert not any(m.name == f"provider_{agency.pk}" for m in result.measures)
    assert result.measure("reason_creqb").label.startswith("CREQB: The carers asked")
    assert result.measure("rec_e4b").label.startswith("E4B: Returned home")


def test_every_reason_type_of_care_and_theme_has_its_row_even_without_an_ending(wigan):
    result = report.unplanned_endings(wigan, MARCH, MARCH)

    names = [measure.name for measure in result.measures]
    assert {"reason_alleg", "reason_none", "care_remand", "theme_allegation"} <= set(names)
    assert not [name for name in names if name.startswith("rec_")]  # REC: only those that occur
    assert names[0] == "unplanned_endings"
    assert all(measure.values == (0,) for measure in result.measures)


def test_age_bands_count_the_age_on_the_day_the_placement_ended(
    wigan, born, household, placements_officer
):
    for birthday in (date(2021, 3, 10), date(2021, 3, 11), date(2010, 3, 10), date(2010, 3, 11)):
        ended(born(birthday), household, started_on=date(2026, 1, 1), ended_on=date(2026, 3, 10),
              change="CREQB", by=placements_officer)  # fmt: skip

    result = report.unplanned_endings(wigan, MARCH, MARCH)

    # 5 on the day / still 4; 16 on the day / still 15
    assert [values(result, name)[0] for name, *_ in report.AGE_BANDS] == [1, 1, 1, 1]


# Stability meetings before the ending -------------------------------------------------------------


def test_a_stability_meeting_12_weeks_before_the_ending_is_within_the_window_13_weeks_is_not(
    wigan, born, household, placements_officer
):
    january = date(2027, 1, 1)
    placements = [
        ended(born(date(2015, 1, 1)), household, started_on=date(2026, 1, 1),
              ended_on=date(2027, 1, 15), change="CREQB", by=placements_officer)
        for _ in range(4)
    ]  # fmt: skip
    twelve_weeks, thirteen_weeks, after, none = placements
    meeting(twelve_weeks, held_at=at(2026, 10, 23, 0, 0), due_at=at(2026, 10, 24))  # Friday 23 Oct
    meeting(thirteen_weeks, held_at=at(2026, 10, 22, 23, 59), due_at=at(2026, 10, 24))
    meeting(after, held_at=at(2027, 1, 16), due_at=at(2027, 1, 16))

    result = report.unplanned_endings(wigan, january, january)

    assert values(result, "stability_meeting_before") == [2]
    assert values(result, "stability_meeting_within_window") == [1]
    assert values(result, "no_stability_meeting") == [2]
    assert result.measure("stability_meeting_within_window").label == (
        "A stability meeting had been held in the 12 weeks before"
    )


def test_a_meeting_on_the_day_of_the_ending_counts_as_held_before_it(
    wigan, born, household, placements_officer
):
    placement = ended(born(date(2015, 1, 1)), household, started_on=date(2026, 1, 1),
                      ended_on=date(2026, 3, 10), change="CREQB", by=placements_officer)  # fmt: skip
    meeting(placement, held_at=at(2026, 3, 10, 21), due_at=at(2026, 3, 11))

    result = report.unplanned_endings(wigan, MARCH, MARCH)

    assert values(result, "stability_meeting_within_window") == [1]


# Meetings on time ----------------------------------------------------------------------------------


def test_meetings_held_in_the_month_count_as_on_time_by_their_due_time_or_window(
    wigan, living_placement, born, household, placements_officer
):
    meeting(living_placement, held_at=at(2026, 3, 2, 16), due_at=at(2026, 3, 2, 16))  # on the dot
    meeting(living_placement, held_at=at(2026, 3, 9, 16, 1), due_at=at(2026, 3, 9, 16))  # late
    meeting(living_placement, held_at=at(2026, 4, 1), due_at=at(2026, 3, 30))  # April: late
    meeting(living_placement, due_at=at(2026, 3, 20))  # not held
    window = {"due_from": at(2026, 3, 2, 0, 0), "due_at": at(2026, 3, 13, 23, 59)}
    for held_at in (at(2026, 3, 2, 0, 0), at(2026, 3, 1, 23), at(2026, 3, 14, 0, 0)):
        gone = ended(born(date(2015, 1, 1)), household, started_on=date(2025, 1, 1),
                     ended_on=date(2026, 2, 1), change="CREQB", by=placements_officer)  # fmt: skip
        meeting(gone, kind="unplanned_ending", held_at=held_at, **window)
    waived = ended(born(date(2015, 1, 1)), household, started_on=date(2025, 1, 1),
                   ended_on=date(2026, 2, 20), change="CREQB", by=placements_officer)  # fmt: skip
    meeting(waived, kind="unplanned_ending", **window, status="waived",
            closed_at=at(2026, 3, 3), closed_reason="A stability meeting was held.")  # fmt: skip

    result = report.unplanned_endings(wigan, MARCH, APRIL)

    assert values(result, "stability_meetings_held") == [2, 1]
    assert values(result, "stability_meetings_on_time") == [1, 0]
    assert values(result, "ending_meetings_held") == [3, 0]
    assert values(result, "ending_meetings_on_time") == [1, 0]  # not before the window opens
    assert values(result, "ending_meetings_waived") == [1, 0]


# Actions -------------------------------------------------------------------------------------------


def test_actions_overdue_at_the_months_end_as_things_stood_then(
    wigan, living_placement, team_manager, social_worker
):
    held = meeting(living_placement, held_at=at(2026, 1, 5), due_at=at(2026, 1, 5))

    def action(due_on, done_at=None, agreed=date(2026, 1, 5)):
        made = Action.objects.create(
            meeting=held, description="Refer to CAMHS.", owner=social_worker,
            given_to=social_worker, due_on=due_on, created_by=team_manager,
            status="done" if done_at else "open", done_at=done_at,
        )  # fmt: skip
        Action.objects.filter(pk=made.pk).update(
            created_at=at(agreed.year, agreed.month, agreed.day)
        )

    action(date(2026, 1, 10))  # never done: overdue at every month's end
    action(date(2026, 1, 10), done_at=at(2026, 2, 5))  # overdue at January's end; done late
    action(date(2026, 1, 31))  # due on the last day, not done: overdue at its end
    action(date(2026, 1, 31), done_at=at(2026, 1, 31, 20))  # done on the day: never overdue
    action(date(2026, 2, 15))  # overdue from February's end
    action(date(2026, 1, 1), done_at=at(2025, 12, 30))  # done before: not in the report
    action(date(2026, 2, 1), agreed=date(2026, 2, 2))  # agreed in February: not at January's end
    january, march = date(2026, 1, 1), date(2026, 3, 1)

    result = report.unplanned_endings(wigan, january, march)

    assert values(result, "actions_overdue") == [3, 4, 4]
    assert values(result, "actions_done_late") == [0, 1, 0]
    assert result.measure("actions_overdue").total is None  # a count at each month's end


@time_machine.travel(datetime(2026, 12, 7, 12, 0, tzinfo=LONDON), tick=False)
def test_in_the_month_still_going_only_actions_past_their_date_are_overdue(
    wigan, living_placement, team_manager, social_worker
):
    held = meeting(living_placement, held_at=at(2026, 12, 1), due_at=at(2026, 12, 1))
    for due_on in (date(2026, 12, 3), date(2026, 12, 7), date(2026, 12, 20)):
        made = Action.objects.create(
            meeting=held, description="Refer to CAMHS.", owner=social_worker,
            given_to=social_worker, due_on=due_on, created_by=team_manager,
        )  # fmt: skip
        Action.objects.filter(pk=made.pk).update(created_at=at(2026, 12, 1))
    december, january = date(2026, 12, 1), date(2027, 1, 1)

    result = report.unplanned_endings(wigan, december, january)

    # Due on the 3rd: overdue. Due today: not until the day is over. Due on the 20th: not yet.
    assert values(result, "actions_overdue") == [1, 0]


# Learning themes -----------------------------------------------------------------------------------


def test_learning_themes_of_the_ending_meetings_held_in_the_month(
    wigan, born, household, placements_officer
):
    window = {"due_from": at(2026, 2, 20, 0, 0), "due_at": at(2026, 4, 30)}
    for themes, held_at in (
        (["behaviour", "matching"], at(2026, 3, 3)),
        (["behaviour"], at(2026, 3, 20)),
        (["education"], at(2026, 4, 2)),
        (["allegation"], None),  # not held yet
    ):
        gone = ended(born(date(2015, 1, 1)), household, started_on=date(2025, 1, 1),
                     ended_on=date(2026, 2, 1), change="CREQB", by=placements_officer)  # fmt: skip
        meeting(gone, kind="unplanned_ending", held_at=held_at, themes=themes, **window)

    result = report.unplanned_endings(wigan, MARCH, APRIL)

    assert values(result, "theme_behaviour") == [2, 0]
    assert values(result, "theme_matching") == [1, 0]
    assert values(result, "theme_education") == [0, 1]
    assert values(result, "theme_allegation") == [0, 0]
    assert result.measure("theme_behaviour").label.startswith("Behaviour the carers felt")


# The whole report ---------------------------------------------------------------------------------


def test_the_report_takes_a_few_queries_however_many_endings_and_months(
    wigan, march, living_placement, django_assert_num_queries
):
    meeting(march[0], held_at=at(2026, 3, 1), due_at=at(2026, 3, 2))
    meeting(living_placement, held_at=at(2026, 3, 1), due_at=at(2026, 3, 2))
    wigan.refresh_from_db()

    with django_assert_num_queries(5):
        report.unplanned_endings(wigan, date(2025, 1, 1), date(2026, 12, 1))


def test_the_first_month_must_not_come_after_the_last(wigan):
    with pytest.raises(ValueError, match="first month must be the same as or before"):
        report.unplanned_endings(wigan, APRIL, MARCH)


def test_as_json_and_csv_give_months_and_measures_by_name(wigan, march):
    result = report.unplanned_endings(wigan, MARCH, APRIL)

    data = result.as_json()
    assert data["months"] == ["2026-03", "2026-04"]
    assert data["measures"]["unplanned_endings"] == [3, 1]
    assert data["labels"]["unplanned_endings"] == "Placements that ended in an unplanned way"
    assert data["totals"]["unplanned_endings"] == 4
    assert list(data["measures"]) == [m.name for m in result.measures]
    assert result.csv_header() == ["measure", "label", "2026-03", "2026-04"]
    rows = result.csv_rows()
    assert rows[0] == ["unplanned_endings", "Placements that ended in an unplanned way", 3, 1]
    # The label is the words of the table on the screen, the same as the JSON's labels.
    assert [row[1] for row in rows] == [data["labels"][row[0]] for row in rows]
    assert ["provider_northern_fostering", "Northern Fostering", 1, 0] in rows


def test_managers_and_iros_read_the_report_social_workers_do_not(
    wigan, team_manager, iro, social_worker, supervising_social_worker
):
    assert report.may_see(team_manager, wigan.pk)
    assert report.may_see(iro, wigan.pk)
    assert report.may_see(member(wigan, Role.FOSTERING_TEAM_MANAGER), wigan.pk)
    assert report.may_see(member(wigan, Role.DIRECTOR), wigan.pk)
    assert report.why_not_see(social_worker, wigan.pk).startswith("Only team managers")
    assert not report.may_see(supervising_social_worker, wigan.pk)


def test_last_twelve_months_ends_with_the_current_month():
    assert report.last_twelve_months(date(2026, 12, 24)) == (date(2026, 1, 1), date(2026, 12, 1))


def test_provider_measures_are_named_by_the_agencys_name_never_its_database_id(wigan, agency):
    """Two agencies whose names make the same slug are told apart by their Ofsted URN; one named
    like the council's own carers does not take their measure."""
    twin = AgencyFactory(name="Northern  Fostering!", ofsted_urn="SC654321")
    odd = AgencyFactory(name="In House", ofsted_urn=None)

    names = report.provider_names([agency, twin, odd])

    assert names == {
        agency: "provider_northern_fostering_SC123456",
        twin: "provider_northern_fostering_SC654321",
        odd: "provider_agency",
    }
