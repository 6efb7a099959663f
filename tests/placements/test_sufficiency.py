"""Sufficiency (`hearth.placements.sufficiency`) on a small council built by hand
(`sufficiency_world`, 1 December 2026): each kind of demand and supply counted in the right month,
age band, type of care and sibling group size; what is never counted; the gap; the forecast
entries; the records behind each figure; the queries it takes."""

from datetime import date, timedelta

import pytest
import time_machine

from hearth.fostering.models import Assessment, Panel, PanelItem
from hearth.people.models import Household
from hearth.placements import sufficiency as figures
from hearth.ssda903 import forecast
from hearth.stability.models import Meeting
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory
from tests.fixtures.stability import place
from tests.fixtures.sufficiency import TODAY, _episode, _meeting

pytestmark = pytest.mark.django_db
DEC, JAN, FEB = date(2026, 12, 1), date(2027, 1, 1), date(2027, 2, 1)
UNDER_1, ONE_TO_4, FIVE_TO_9, TEN_TO_15, SIXTEEN_PLUS = range(5)


@pytest.fixture(autouse=True)
def first_of_december():
    with time_machine.travel(date(2026, 12, 1), tick=False):
        yield


def three_months(authority, **kwargs):
    return figures.sufficiency(authority, DEC, FEB, **kwargs)


def names(records):
    return sorted(getattr(record, "name", None) or record.household_name for record in records)


def test_each_kind_of_demand_is_counted_in_its_month(wigan, sufficiency_world):
    result = three_months(wigan)

    assert result.values["waiting"] == [1, 0, 2]  # Ann now; Ben and Cat by 10 February
    assert result.values["moving"] == [0, 1, 0]  # Dan by 20 January
    assert result.values["at_risk"] == [1, 0, 0]  # Eve: a stability meeting to be held
    assert result.values["outgrowing"] == [0, 1, 1]  # Kit turns 13, Pip 11
    assert result.values["entries"] == [0, 0, 0]  # no episodes: no forecast entries
    assert result.values["demand"] == [2, 2, 3]


def test_each_kind_of_supply_is_counted_in_its_month(wigan, sufficiency_world):
    result = three_months(wigan)

    assert result.values["in_house"] == [2, 0, 0]  # Ash: 4 places, Pip and Eve there
    assert result.values["agency"] == [2, 0, 0]  # Fir
    assert result.values["pending"] == [0, 3, 1]  # Dan, Kit and Fay in January; Pip in February
    assert result.values["approvals"] == [0, 2, 0]  # Juniper at panel on 12 January
    assert result.values["supply"] == [4, 5, 1]


def test_the_gap_is_places_less_homes_needed_and_runs_on(wigan, sufficiency_world):
    result = three_months(wigan)

    assert result.values["gap"] == [2, 3, -2]
    assert result.values["running_gap"] == [2, 5, 3]
    assert result.total("gap") == 3 and result.total("running_gap") is None


def test_the_records_behind_each_figure(wigan, sufficiency_world):
    result = three_months(wigan)

    needs, places = result.counted("outgrowing", "2027-01")
    assert names(needs) == ["Kit Test"] and places == []
    assert "Turns 13 on 15 January 2027; carers approved up to 12" in needs[0].detail
    needs, places = result.counted("pending", "2027-01")
    assert needs == [] and names(places) == ["", "Birch household", "Hazel household"]
    agency = next(place for place in places if not place.in_house)
    assert agency.provider_name == "Beacon Foster Families"  # Gorse, not named
    assert any("leaves care at 18 on 3 January 2027" in place.detail for place in places)
    needs, places = result.counted("waiting")
    assert names(needs) == ["Ann Test", "Ben Test", "Cat Test"]


def test_never_counted_drafts_returned_placed_by_the_match_and_another_council(
    wigan, sufficiency_world
):
    needs, places = three_months(wigan).counted("gap")

    counted = {need.name for need in needs}
    assert not counted & {"Gus Test", "Ida Test", "Hal Test", "Nia Test"}
    assert not any(need.name.startswith("Tom") for need in needs)
    households = {place.household_name for place in places}
    assert not households & {"Cedar household", "Damson household", "Elm household",
                             "Ivy household", "Larch household"}  # fmt: skip
    assert "Kestrel Foster Care" not in {place.provider_name for place in places}


def test_demand_by_age_band(wigan, sufficiency_world):
    bands = three_months(wigan).by["band"]

    assert bands[FIVE_TO_9]["demand"] == [2, 0, 1]  # Ann and Eve; Cat
    assert bands[TEN_TO_15]["demand"] == [0, 2, 2]  # Dan and Kit; Ben and Pip
    assert bands[UNDER_1]["demand"] == [0, 0, 0]


def test_supply_by_age_band_counts_a_household_in_every_band_it_covers(wigan, sufficiency_world):
    bands = three_months(wigan).by["band"]

    # December: Ash (0 to 10) and Fir (0 to 17), 2 places each.
    assert [bands[b]["supply"][0] for b in range(5)] == [4, 4, 4, 4, 2]
    # January: Gorse (0 to 17), Birch (5 to 12), Hazel (12 to 17), Juniper (0 to 4, 2 places).
    assert [bands[b]["supply"][1] for b in range(5)] == [3, 3, 2, 3, 2]
    assert bands[FIVE_TO_9]["gap"] == [2, 2, 0]


def test_by_type_of_care(wigan, sufficiency_world):
    types = three_months(wigan).by["type"]

    assert list(types) == ["emergency", "short_term", "long_term", "not_given"]
    assert types["short_term"]["demand"] == [2, 0, 1]  # Ann, Eve; Pip
    assert types["short_term"]["supply"] == [4, 4, 1]  # Ash, Fir; Gorse, Hazel, Juniper (2); Ash
    assert types["long_term"]["demand"] == [0, 2, 0]  # Dan's referral, Kit's placement
    assert types["long_term"]["gap"] == [0, 0, 0]  # Birch and Hazel free up in January
    # Ben and Cat's referral gives no type: any place would do.
    assert types["not_given"]["demand"] == [0, 0, 2]
    assert types["not_given"]["supply"] == [4, 5, 1]


def test_by_sibling_group_size(wigan, sufficiency_world):
    sizes = three_months(wigan).by["size"]

    assert sizes[1]["demand"] == [2, 2, 1] and sizes[2]["demand"] == [0, 0, 1]  # Ben and Cat
    # Ash takes 2 together; Fir has 2 places but takes one child at a time.
    assert sizes[1]["supply"] == [2, 4, 1] and sizes[2]["supply"] == [1, 1, 0]  # Juniper: 2
    assert sizes[2]["gap"] == [1, 1, -1]
    assert sizes[3]["supply"] == [0, 0, 0]
    needs, places = three_months(wigan).counted("gap", "2027-02", size="2")
    assert names(needs) == ["Ben Test", "Cat Test"] and places == []


def test_a_referrals_children_are_one_group_whichever_figure_counts_each(
    wigan, sufficiency_world, placements_officer
):
    rowan = HouseholdFactory(provider=wigan, name="Rowan household", max_children=1, max_age=17)
    place(sufficiency_world["children"]["Ben"], rowan, by=placements_officer)

    result = three_months(wigan)

    # February: Ben moves on from Rowan, Cat waits: their referral's group of two, once.
    assert result.values["moving"][2] == 1 and result.values["waiting"][2] == 1
    sizes = result.by["size"]
    assert sizes[2]["demand"] == [0, 0, 1] and sizes[1]["demand"] == [2, 2, 1]  # Pip
    needs, _places = result.counted("demand", "2027-02", size="2")
    assert names(needs) == ["Ben Test", "Cat Test"] and {need.size for need in needs} == {2}
    assert figures.groups_in(needs) == 1
    rows = figures.list_rows(needs, [], result.months, by_group=True)
    assert sorted(row[-1] for row in rows) == [0, 1]  # the group counts once


def test_narrowed_lists_match_their_figures(wigan, sufficiency_world):
    result = three_months(wigan)

    needs, places = result.counted("gap", "2027-01", band="5-9")
    assert names(needs) == [] and names(places) == ["", "Birch household"]  # Gorse, Birch
    needs, places = result.counted("demand", "2027-01", care_type="long_term")
    assert names(needs) == ["Dan Test", "Kit Test"]
    needs, places = result.counted("running_gap", "2027-01")
    assert len(needs) == 4 and sum(place.places for place in places) == 9
    with pytest.raises(ValueError):
        result.counted("nonsense")
    with pytest.raises(ValueError):
        result.counted("gap", size="9")


def test_a_child_is_counted_once_at_the_first_need(wigan, sufficiency_world):
    dan = sufficiency_world["children"]["Dan"]
    _meeting(dan.placements.get(), Meeting.Status.HELD)  # at risk now, searching for January

    result = three_months(wigan)

    assert result.values["at_risk"] == [2, 0, 0] and result.values["moving"] == [0, 0, 0]
    # Counted in December, at risk; his place frees at his search's date needed, 20 January.
    assert result.values["pending"] == [0, 3, 1]
    _needs, places = result.counted("pending", "2027-01")
    gorse = next(place for place in places if not place.in_house)
    assert gorse.on == date(2027, 1, 20) and "A child moves on (referral" in gorse.detail


def test_a_watched_placement_stays_at_risk_until_its_review_date(wigan, sufficiency_world):
    kit = sufficiency_world["children"]["Kit"]
    pip = sufficiency_world["children"]["Pip"]
    _meeting(kit.placements.get(), Meeting.Status.CIRCULATED, next_meeting_on=date(2027, 1, 5))
    _meeting(pip.placements.get(), Meeting.Status.CIRCULATED, next_meeting_on=date(2026, 11, 5))
    _meeting(pip.placements.get(), Meeting.Status.CANCELLED)

    needs, _places = three_months(wigan).counted("at_risk")

    assert names(needs) == ["Eve Test", "Kit Test"]


def test_an_agencys_households_are_listed_as_its_tallies(wigan, sufficiency_world):
    beacon = sufficiency_world["agencies"]["Beacon"]
    HouseholdFactory(provider=beacon, name="Yew household", postcode="M1 1AE", max_children=2,
                     min_age=2, max_age=8)  # fmt: skip
    osprey = AgencyFactory(name="Osprey Fostering")
    HouseholdFactory(provider=osprey, name="Oak household", postcode="M1 1AE", max_children=3)

    result = three_months(wigan)
    _needs, places = result.counted("agency", "2026-12")
    listed = figures.as_listed(places)

    # Fir (2, one child at a time), Yew (2, takes brothers and sisters), Oak (3 together).
    assert result.values["agency"] == [7, 0, 0] and len(places) == 3
    assert [item.detail for item in listed] == [
        "Beacon Foster Families: 4 free places in 2 households; 1 takes two together",
        "Osprey Fostering: 3 free places in 1 household; 1 takes three together",
    ]
    assert figures.households_in(listed) == 3
    rows = figures.list_rows([], places, result.months)
    assert [row[5:10] for row in rows] == [
        ["2 households", "Beacon Foster Families", "", "", ""],
        ["1 household", "Osprey Fostering", "", "", ""],
    ]
    assert [row[-1] for row in rows] == [4, 3]  # places; by group size, households:
    assert [row[-1] for row in figures.list_rows([], places, result.months, by_group=True)] == [
        2, 1,
    ]  # fmt: skip


def test_a_child_already_older_than_the_approval_is_not_counted(wigan, placements_officer):
    carers = HouseholdFactory(provider=wigan, max_age=10, max_children=1)
    older = ChildFactory(authority=wigan, date_of_birth=date(2014, 6, 1))
    place(older, carers, by=placements_officer)

    assert three_months(wigan).values["outgrowing"] == [0, 0, 0]


def _in_assessment(authority, panel, kind=Assessment.Kind.FORM_F, **fields):
    """A household in assessment with its item at `panel`: (assessment, item)."""
    household = HouseholdFactory(provider=authority, status=Household.Status.IN_ASSESSMENT)
    assessment = Assessment.objects.create(
        authority=authority, household=household, kind=kind, status=Assessment.Status.AT_PANEL,
        started_on=date(2026, 6, 1), due_on=date(2026, 10, 19),
    )  # fmt: skip
    item = PanelItem.objects.create(panel=panel, household=household, business="assessment",
                                    assessment=assessment, max_children=3, **fields)  # fmt: skip
    return assessment, item


def test_panel_items_deferred_against_form_k_or_decided_are_not_counted(wigan, sufficiency_world):
    panel = sufficiency_world["panel"]
    for fields in ({"recommendation": "defer"}, {"recommendation": "not_approve"},
                   {"decision": "approve"}):  # fmt: skip
        _in_assessment(wigan, panel, **fields)
    _in_assessment(wigan, panel, kind=Assessment.Kind.FORM_K)

    assert three_months(wigan).values["approvals"] == [0, 2, 0]  # Juniper's only


def test_an_assessment_booked_again_counts_once_at_its_latest_panel(wigan, sufficiency_world):
    world = sufficiency_world
    later = Panel.objects.create(authority=wigan, sits_on=date(2027, 2, 9))
    PanelItem.objects.create(panel=later, household=world["households"]["Juniper"],
                             business="assessment", assessment=world["assessment"],
                             max_children=2, min_age=0, max_age=4)  # fmt: skip

    result = three_months(wigan)

    assert result.values["approvals"] == [0, 0, 2]  # not 2 in January and 2 more in February
    _needs, places = result.counted("approvals")
    assert [place.detail[:30] for place in places] == ["Panel sits on 9 February 2027:"]


def test_an_approval_whose_decision_is_overdue_is_shown_apart_not_counted(wigan, sufficiency_world):
    sat = Panel.objects.create(authority=wigan, sits_on=date(2026, 11, 3),
                               minutes_received_on=date(2026, 11, 10))  # fmt: skip
    _in_assessment(wigan, sat, recommendation="approve", decision_due_on=date(2026, 11, 17))
    _in_assessment(wigan, sat, recommendation="approve", decision_due_on=date(2026, 12, 1))

    result = three_months(wigan)

    # The one due today still counts, in the first month; the one overdue does not.
    assert result.values["approvals"] == [3, 2, 0]
    _needs, overdue = result.counted("decision_overdue")
    assert [place.places for place in overdue] == [3]
    assert overdue[0].detail.endswith("the decision was due by 17 November 2026")
    assert "decision_overdue" not in result.as_json()["measures"]


def test_a_panel_sat_waiting_for_the_decision_counts_in_the_first_month(wigan, sufficiency_world):
    panel = sufficiency_world["panel"]
    panel.sits_on = date(2026, 11, 25)
    panel.save(update_fields=["sits_on"])

    _needs, places = three_months(wigan).counted("approvals", "2026-12")

    assert [place.places for place in places] == [2]
    assert "Panel sat on 25 November 2026" in places[0].detail


def test_months_after_the_first_carry_what_stands_now(wigan, sufficiency_world):
    result = figures.sufficiency(wigan, JAN, FEB)

    # December's needs and places, and January's, all in January.
    assert result.values["demand"] == [4, 3]
    assert result.values["supply"] == [9, 1]


def test_months_after_the_last_are_not_counted(wigan, sufficiency_world):
    result = figures.sufficiency(wigan, DEC, DEC)

    assert result.values["demand"] == [2] and result.values["supply"] == [4]


def test_the_first_month_is_this_month_or_later(wigan):
    with pytest.raises(ValueError, match="looks ahead"):
        figures.sufficiency(wigan, date(2026, 11, 1), FEB)
    with pytest.raises(ValueError, match="same as or before"):
        figures.sufficiency(wigan, FEB, DEC)


def test_forecast_entries_into_foster_care_by_age_band(wigan, entries_history):
    result = three_months(wigan)

    assert result.values["entries"] == pytest.approx([1, 1, 1])
    assert result.by["band"][FIVE_TO_9]["demand"] == pytest.approx([1, 1, 1])
    assert result.by["type"]["short_term"]["demand"] == pytest.approx([1, 1, 1])
    assert result.by["size"][1]["demand"] == pytest.approx([1, 1, 1])
    # Children's homes: shown beside the gap, not in it.
    assert dict(result.other_entries())["Residential"] == pytest.approx([0.5, 0.5, 0.5])
    assert result.values["gap"] == pytest.approx([-1, -1, -1])
    needs, _places = result.counted("entries", "2027-01")
    assert [(need.band, need.weight) for need in needs] == [(FIVE_TO_9, pytest.approx(1))]


def test_entries_into_kinship_care_are_shown_apart_not_counted(wigan, entries_history):
    # A child a month into foster care with family or friends (U1) over the last 12 months:
    # 36 into foster care over the 24, 12 of them kinship.
    for months_ago in range(1, 13):
        entered = forecast.add_months(TODAY, -months_ago) + timedelta(days=5)
        _episode(wigan, entered, aged=7, place="U1")

    result = three_months(wigan)

    assert result.forecast.entries[0, FIVE_TO_9, 0] == pytest.approx(1.5)  # every fostering entry
    assert result.kinship_share == pytest.approx(1 / 3)
    assert result.values["entries"] == pytest.approx([1, 1, 1])  # the other carers' share
    others = dict(result.other_entries())
    assert others[figures.KINSHIP_ENTRIES] == pytest.approx([0.5, 0.5, 0.5])
    assert others["Residential"] == pytest.approx([0.5, 0.5, 0.5])
    needs, _places = result.counted("entries", "2026-12")
    assert "33% of the children who came into foster care over the 24 months" in needs[0].detail


def test_this_months_entries_are_the_share_of_the_month_to_come(wigan, entries_history):
    with time_machine.travel(date(2026, 12, 16), tick=False):
        result = three_months(wigan)

    assert result.values["entries"] == pytest.approx([16 / 31, 1, 1])


def test_the_back_test_says_how_far_to_trust_the_forecast(wigan, entries_history):
    tested = figures.trust(wigan)

    assert tested.forecast.start == date(2025, 12, 1)
    errors = tested.errors()
    assert set(errors) == {3, 12}
    predicted, actual, _error, _percentage = errors[12]["fostering"]
    assert actual == 24 and predicted > 0


def test_an_empty_council_has_nothing_to_count(wigan):
    result = three_months(wigan)

    assert result.values["demand"] == [0, 0, 0] and result.values["gap"] == [0, 0, 0]
    assert result.csv_rows()[0][:6] == ["waiting", figures.LABELS["waiting"], "", "", 0, 0]


def test_it_reads_the_council_in_a_handful_of_queries(
    wigan, sufficiency_world, django_assert_num_queries
):
    with django_assert_num_queries(7):
        result = figures.sufficiency(wigan, DEC, date(2027, 11, 1))
    assert len(result.months) == 12


def test_a_forecast_already_made_from_this_month_is_used_not_made_again(
    wigan, entries_history, django_assert_num_queries
):
    made = forecast.forecast(wigan, DEC, 12)

    with django_assert_num_queries(6):
        result = figures.sufficiency(wigan, DEC, date(2027, 11, 1), predicted=made)
    assert result.forecast is made
    assert result.values["entries"] == pytest.approx([1] * 12)
    # Another month's forecast, or one too short, is not this one: made again.
    for other in (forecast.forecast(wigan, JAN, 12), forecast.forecast(wigan, DEC, 2)):
        with django_assert_num_queries(7):
            again = three_months(wigan, predicted=other)
        assert again.forecast is not other and again.values["entries"] == pytest.approx([1] * 3)


def test_the_first_months_of_a_longer_report_are_the_shorter_reports(
    wigan, sufficiency_world, placements_officer
):
    rowan = HouseholdFactory(provider=wigan, name="Rowan household", max_children=1, min_age=10,
                             max_age=17)  # fmt: skip
    place(ChildFactory(authority=wigan, date_of_birth=date(2009, 3, 10)), rowan,
          by=placements_officer)  # fmt: skip  # turns 18 on 10 March 2027

    longer = figures.sufficiency(wigan, DEC, date(2027, 11, 1))
    shorter = three_months(wigan)

    for name in figures.FIGURES:
        if name != "running_gap":
            assert longer.total_of_first(name, 3) == shorter.total(name), name
    assert longer.total_of_first("supply", 12) == shorter.total("supply") + 1  # Rowan, March


def test_the_printed_forms(wigan, sufficiency_world):
    result = three_months(wigan)

    assert result.csv_header() == ["measure", "label", "by", "group", "2026-12", "2027-01",
                                   "2027-02", "total"]  # fmt: skip
    rows = result.csv_rows()
    assert ["gap", figures.LABELS["gap"], "", "", 2, 3, -2, 3] in rows
    assert ["demand", "Homes needed", "age band", "5 to 9", 2, 0, 1, 3] in rows
    assert ["supply", "Households able to take the group together", "sibling group size",
            "Two together", 1, 1, 0, 2] in rows  # fmt: skip
    assert ["demand", "Groups needing a home together", "sibling group size", "Two together", 0,
            0, 1, 1] in rows  # fmt: skip
    data = result.as_json()
    assert data["by_labels"]["sibling_group_size"]["demand"] == "Groups needing a home together"
    assert data["by_labels"]["age_band"]["supply"] == "Places available"
    assert data["measures"]["pending"] == [0, 3, 1]
    assert data["by"]["type_of_care"][-1]["key"] == "not_given"
    header, table = result.text_table()
    assert header[0] == "measure" and ["  Places freed by planned endings", "0", "3", "1", "4"] in [
        row for row in table
    ]
    assert ["  Two together: households able to take them", "1", "1", "0", "2"] in table
    assert TODAY.isoformat() == data["counted_on"]
