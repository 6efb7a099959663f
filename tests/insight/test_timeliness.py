"""Timeliness and spend counted on a hand-built April to June 2026 (tests/fixtures/insight.py)."""

from datetime import date
from decimal import Decimal

import pytest
import time_machine

from hearth.placements import timeliness
from hearth.placements.timeliness import FIGURE_PARTS, SPEND_PARTS, dfe_distance

APRIL, MAY, JUNE = date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def december():
    with time_machine.travel(date(2026, 12, 7), tick=False):
        yield


def report(wigan, **kwargs):
    return timeliness.timeliness(wigan, APRIL, JUNE, **kwargs)


def values(result, name):
    return result.measure(name).values, result.measure(name).total


def names(counted):
    return sorted(row.child_name.split()[0] for row in counted if row.child_name)


def test_referrals_count_in_the_month_they_were_approved_with_days_to_offer_and_placement(
    wigan, insight_world
):
    result = report(wigan)
    assert values(result, "referrals") == ((2, 1, 0), 3)
    # R3's first offer (declined) came 5 days after it was approved.
    assert values(result, "referrals_offered") == ((2, 1, 0), 3)
    assert values(result, "days_to_offer_median") == (
        (Decimal("5.0"), Decimal("5.0"), None),
        Decimal("5.0"),
    )
    assert values(result, "days_to_offer_mean") == (
        (Decimal("5.0"), Decimal("5.0"), None),
        Decimal("5.0"),
    )
    # R1 placed after 10 days; R2's first placement (Ben, 2 May) 12 days after 20 April; R3 27.
    assert values(result, "referrals_placed") == ((2, 1, 0), 3)
    assert values(result, "days_to_placement_median") == (
        (Decimal("11.0"), Decimal("27.0"), None),
        Decimal("12.0"),
    )
    assert values(result, "days_to_placement_mean")[1] == Decimal("16.3")
    assert names(result.counted("referrals_offered", "2026-04")) == ["Ann", "Ben", "Cat"]


def test_in_house_share_of_placements_started(wigan, insight_world):
    result = report(wigan)
    assert values(result, "placements_started") == ((1, 2, 2), 5)
    assert values(result, "in_house_started") == ((1, 1, 2), 4)
    assert values(result, "in_house_share") == (
        (Decimal("100.0"), Decimal("50.0"), Decimal("100.0")),
        Decimal("80.0"),
    )
    assert names(result.counted("in_house_started", "2026-05")) == ["Cat"]


def test_the_distance_is_the_dfes_straight_line_in_miles_to_one_decimal_place():
    assert dfe_distance("WN1 1AA", "SK1 1EB") == 21.8
    assert dfe_distance("WN1 1AA", "M1 1AE") == 17.2
    assert dfe_distance("WN1 1AA", "ZZ9 9ZZ") is None


def test_children_placed_more_than_20_miles_away_and_distance_not_known(wigan, insight_world):
    result = report(wigan)
    assert values(result, "children_in_placement") == ((1, 3, 5), None)
    assert values(result, "placed_far") == ((0, 1, 1), None)
    assert values(result, "distance_unknown") == ((0, 0, 1), None)
    assert names(result.counted("placed_far", "2026-06")) == ["Ben"]
    assert names(result.counted("distance_unknown")) == ["Eve"]  # a stock: the last month


def test_sibling_groups_together_and_apart(wigan, insight_world):
    result = report(wigan)
    assert values(result, "siblings_together") == ((0, 0, 1), None)
    assert values(result, "siblings_apart") == ((0, 1, 1), None)
    assert names(result.counted("siblings_together", "2026-06")) == ["Dan", "Eve"]


def test_offers_declined_by_source_with_the_reasons_counted_by_their_words(wigan, insight_world):
    result = report(wigan)
    assert values(result, "offers_declined") == ((0, 1, 1), 2)
    assert values(result, "offers_declined_in_house") == ((0, 1, 0), 1)
    assert values(result, "offers_declined_agency") == ((0, 0, 1), 1)
    assert result.declined_reasons == (("Too far from school", 2),)
    (row,) = result.counted("offers_declined_agency", "2026-06")
    assert row.household_name == "Agency carers" and row.detail == "Too far from school"


def test_weekly_spend_comes_from_the_spend_report_by_tier_and_provider(wigan, insight_world):
    result = report(wigan)
    agency = insight_world["agency"]
    assert values(result, "spend_tier_senior_manager") == (
        (Decimal("0.00"), Decimal("1000.00"), Decimal("1000.00")),
        None,
    )
    assert values(result, f"spend_provider_{agency.pk}")[0][2] == Decimal("1000.00")
    assert values(result, "spend_total")[0] == (
        Decimal("0.00"),
        Decimal("1000.00"),
        Decimal("1000.00"),
    )
    assert result.measure("spend_tier_senior_manager").label == "Approved by: Senior manager"
    assert names(result.counted("spend_total", "2026-06")) == ["Ben"]


def test_a_month_to_come_has_no_stock(wigan, insight_world):
    result = timeliness.timeliness(wigan, date(2026, 11, 1), date(2027, 1, 1))
    assert values(result, "children_in_placement")[0] == (5, 5, None)
    assert values(result, "spend_total")[0][2] is None


def test_parts_leave_out_what_the_reader_may_not_see(wigan, insight_world):
    spend_only = report(wigan, parts=SPEND_PARTS)
    assert {m.group for m in spend_only.measures} == {timeliness.SPEND}
    figures = report(wigan, parts=FIGURE_PARTS)
    assert timeliness.SPEND not in {m.group for m in figures.measures}


def test_another_councils_records_are_not_counted(wigan, trafford, insight_world):
    result = timeliness.timeliness(trafford, APRIL, JUNE)
    assert values(result, "placements_started") == ((0, 0, 0), 0)
    assert values(result, "referrals")[1] == 0


def test_the_first_month_after_the_last_is_refused(wigan):
    with pytest.raises(ValueError):
        timeliness.timeliness(wigan, JUNE, APRIL)


def test_the_queries_do_not_grow_with_the_records(
    wigan, insight_world, django_assert_max_num_queries
):
    # referrals, their children, placements, offers declined, spend once a month.
    with django_assert_max_num_queries(7):
        report(wigan)


def test_csv_and_json_have_every_measure_with_its_label(wigan, insight_world):
    result = report(wigan)
    assert result.csv_header() == ["measure", "label", "2026-04", "2026-05", "2026-06", "total"]
    rows = {row[0]: row for row in result.csv_rows()}
    assert rows["placed_far"] == [
        "placed_far",
        "Of those, placed more than 20 miles from home",
        0,
        1,
        1,
        "",
    ]
    data = result.as_json()
    assert data["measures"]["spend_total"] == [0.0, 1000.0, 1000.0]
    assert data["totals"]["in_house_share"] == 80.0
