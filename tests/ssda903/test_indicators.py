"""The placement stability indicators (`hearth.ssda903.indicators`) on small hand-built histories
with known answers: what counts as a placement, who is in each denominator, the edge cases of the
definitions, the council's switches changing the answer, and the queries it takes."""

from datetime import date, datetime

import pytest

from hearth.core.models import Policy
from hearth.ssda903.indicators import Rule, indicators, years_with_episodes
from hearth.ssda903.models import Episode

YEAR = 2025  # 1 April 2025 to 31 March 2026


@pytest.fixture(autouse=True)
def june_2026(time_machine):
    time_machine.move_to(datetime(2026, 6, 15, 10, 0), tick=False)


def short_term(authority):
    return indicators(authority, YEAR).short_term


def long_term(authority):
    return indicators(authority, YEAR).long_term


def references(children):
    return sorted(child.reference for child in children)


def switch(authority, name, value):
    policy = Policy.objects.get(authority=authority)
    policy.switches = {**policy.switches, name: value}
    policy.save()


# Short-term: three or more placements in the year ------------------------------------------------


def test_three_placements_in_the_year_are_counted_and_two_are_not(wigan, looked_after):
    looked_after(
        "2012-05-01", ("2025-05-01", "S", "U1"), ("2025-08-01", "P", "U3"),
        ("2026-01-10", "P", "U4"), reference="THREE",
    )  # fmt: skip
    looked_after(
        "2012-05-01", ("2025-05-01", "S", "U1"), ("2025-08-01", "P", "U3"), reference="TWO"
    )

    measure = short_term(wigan)

    assert (measure.numerator, measure.denominator, measure.percentage) == (1, 2, 50.0)
    assert references(measure.counted) == ["THREE"]
    three = next(child for child in measure.children if child.reference == "THREE")
    assert three.why == "3 placements in the year"
    assert [p.started_on for p in three.placements] == [
        date(2025, 5, 1), date(2025, 8, 1), date(2026, 1, 10),
    ]  # fmt: skip


def test_a_placement_that_ended_on_1_april_is_in_the_year_and_one_ended_31_march_is_not(
    wigan, looked_after
):
    looked_after(
        "2012-05-01", ("2024-01-01", "S", "U1"), ("2025-04-01", "P", "U3"),
        ("2025-09-01", "P", "U4"), reference="APRIL",
    )  # fmt: skip
    looked_after(
        "2012-05-01", ("2024-01-01", "S", "U1"), ("2025-03-31", "P", "U3"),
        ("2025-09-01", "P", "U4"), reference="MARCH",
    )  # fmt: skip

    assert references(short_term(wigan).counted) == ["APRIL"]


def test_a_change_of_legal_status_only_is_not_a_placement(wigan, looked_after):
    looked_after(
        "2012-05-01", ("2025-05-01", "S", "U1", "V2"), ("2025-06-01", "L", "U1", "C1"),
        ("2025-09-01", "L", "U1", "C2"), ("2025-10-01", "P", "U3", "C2"),
    )  # fmt: skip

    (child,) = short_term(wigan).children
    assert (child.counted, child.why) == (False, "2 placements in the year")


def test_a_temporary_placement_and_the_return_from_it_are_not_counted_unless_the_council_says(
    wigan, looked_after
):
    looked_after(
        "2012-05-01", ("2025-05-01", "S", "U1"), ("2025-07-01", "P", "T3"),
        ("2025-07-10", "P", "U1"), ("2025-10-01", "P", "U3"),
    )  # fmt: skip

    assert (short_term(wigan).numerator, short_term(wigan).children[0].why) == (
        0, "2 placements in the year",
    )  # fmt: skip

    switch(wigan, "stability_counts_temporary_moves", True)
    measure = short_term(wigan)
    assert (measure.numerator, measure.children[0].why) == (1, "4 placements in the year")


def test_moving_somewhere_new_after_a_temporary_placement_is_a_new_placement(wigan, looked_after):
    looked_after(
        "2012-05-01", ("2025-05-01", "S", "U1"), ("2025-07-01", "P", "T1"),
        ("2025-07-10", "P", "U3"), ("2025-10-01", "P", "U4"),
    )  # fmt: skip

    (child,) = short_term(wigan).counted
    assert child.why == "3 placements in the year"


def test_a_change_of_placement_type_with_the_same_carers_counts_unless_the_council_says(
    wigan, looked_after
):
    looked_after(
        "2015-05-01", ("2025-05-01", "S", "U1", "C2"), ("2025-06-01", "P", "U3", "C2"),
        ("2025-09-01", "U", "A5", "E1"),
    )  # fmt: skip

    assert short_term(wigan).numerator == 1

    switch(wigan, "stability_counts_same_carers_changes", False)
    measure = short_term(wigan)
    assert (measure.numerator, measure.children[0].why) == (0, "2 placements in the year")


def test_short_breaks_are_not_placements_and_children_only_on_short_breaks_are_left_out(
    wigan, looked_after
):
    looked_after("2014-05-01", ("2026-03-20", "S", "U4", "V4"), reference="BREAKS")
    looked_after(
        "2014-05-01", ("2025-04-10", "S", "U4", "V3"), ("2025-05-10", "S", "U1"),
        ("2025-09-01", "P", "U3"), reference="BOTH",
    )  # fmt: skip

    measure = short_term(wigan)

    assert references(measure.children) == ["BOTH"]
    assert measure.children[0].why == "2 placements in the year"


def test_only_children_looked_after_at_the_end_of_31_march_are_measured(wigan, looked_after):
    looked_after("2012-05-01", ("2025-05-01", "S", "U1"), ended="2026-01-01", reference="LEFT")
    looked_after("2012-05-01", ("2025-05-01", "S", "U1"), ended="2026-03-31", reference="LAST_DAY")
    looked_after("2012-05-01", ("2025-05-01", "S", "U1"), ended="2026-04-01", reference="STAYED")
    looked_after("2012-05-01", ("2026-04-02", "S", "U1"), reference="LATER")

    assert references(short_term(wigan).children) == ["STAYED"]


def test_another_councils_children_are_not_counted(wigan, trafford, looked_after):
    looked_after("2012-05-01", ("2025-05-01", "S", "U1"), authority=trafford)

    assert short_term(wigan).denominator == 0
    assert short_term(wigan).percentage is None
    assert short_term(trafford).denominator == 1


# Long-term: under 16, looked after 2.5 years, same placement 2 years ------------------------------


def test_care_since_1_october_and_a_placement_since_1_april_two_years_before_are_long_enough(
    wigan, looked_after
):
    looked_after(
        "2012-05-01", ("2023-10-01", "S", "U1"), ("2024-04-01", "P", "U3"), reference="EXACT"
    )
    looked_after(
        "2012-05-01", ("2023-10-01", "S", "U1"), ("2024-04-02", "P", "U3"), reference="DAY_SHORT"
    )
    looked_after("2012-05-01", ("2023-10-02", "S", "U1"), reference="CARE_SHORT")

    measure = long_term(wigan)

    assert references(measure.children) == ["DAY_SHORT", "EXACT"]
    assert references(measure.counted) == ["EXACT"]
    exact = next(child for child in measure.children if child.reference == "EXACT")
    assert exact.why == "in the same placement since 1 April 2024"
    assert exact.care_started == date(2023, 10, 1)


def test_a_child_who_is_16_on_31_march_is_not_under_16(wigan, looked_after):
    looked_after("2010-03-31", ("2020-01-01", "S", "U1"), reference="SIXTEEN")
    looked_after("2010-04-01", ("2020-01-01", "S", "U1"), reference="FIFTEEN")

    assert references(long_term(wigan).children) == ["FIFTEEN"]
    assert references(short_term(wigan).children) == ["FIFTEEN", "SIXTEEN"]


def test_placed_for_adoption_counts_the_placement_before_it(wigan, looked_after):
    looked_after(
        "2018-05-01", ("2022-01-01", "S", "U1", "C2"), ("2023-01-01", "P", "U3", "C2"),
        ("2025-12-01", "B", "A6", "E1"), reference="ADOPTED",
    )  # fmt: skip
    looked_after(
        "2018-05-01", ("2022-01-01", "S", "U1", "C2"), ("2024-06-01", "P", "U3", "C2"),
        ("2025-12-01", "B", "A6", "E1"), reference="TOO_SOON",
    )  # fmt: skip

    measure = long_term(wigan)

    assert references(measure.counted) == ["ADOPTED"]
    adopted = measure.counted[0]
    assert adopted.why == (
        "placed for adoption since 1 December 2025; with the placement before it, since "
        "1 January 2023"
    )
    assert [p.started_on for p in adopted.placements] == [date(2023, 1, 1), date(2025, 12, 1)]


def test_carers_becoming_adopters_keep_the_placement_when_the_council_does_not_count_it(
    wigan, looked_after
):
    looked_after(
        "2018-05-01", ("2022-01-01", "S", "U1", "C2"), ("2025-12-01", "T", "A5", "C2"),
    )  # fmt: skip

    (child,) = long_term(wigan).counted  # the adoption clause: the foster placement before it
    assert child.why.startswith("placed for adoption since 1 December 2025")

    switch(wigan, "stability_counts_same_carers_changes", False)
    (child,) = long_term(wigan).counted
    assert child.why == "in the same placement since 1 January 2022"


def test_leaving_care_and_coming_back_starts_the_continuous_care_again(wigan, looked_after):
    child = looked_after("2012-05-01", ("2020-01-01", "S", "U1"), ended="2024-01-01")
    Episode.objects.create(
        authority=wigan, child=child, source="imported", decom=date(2024, 1, 1), rne="S",
        ls="C2", place="U1", place_provider="PR1", home_post="WN1 1AA", pl_post="WN1 1AB",
    )  # fmt: skip

    assert long_term(wigan).denominator == 0
    (measured,) = short_term(wigan).children
    assert measured.care_started == date(2024, 1, 1)


def test_a_child_on_a_temporary_placement_on_31_march_is_measured_on_their_own(wigan, looked_after):
    looked_after("2012-05-01", ("2021-01-01", "S", "U1"), ("2026-03-20", "P", "T2"))

    (child,) = long_term(wigan).counted
    assert child.why == "in the same placement since 1 January 2021"
    assert short_term(wigan).children[0].why == "1 placement in the year"


# The year, the rule and the queries --------------------------------------------------------------


def test_the_current_year_is_measured_on_today(wigan, looked_after, time_machine):
    time_machine.move_to(datetime(2026, 12, 7, 10, 0), tick=False)
    looked_after("2012-05-01", ("2026-05-01", "S", "U1"), ("2026-08-01", "P", "U3"),
                 ("2026-12-07", "P", "U4"), ("2026-12-20", "P", "U1"))  # fmt: skip

    result = indicators(wigan, 2026)

    assert (result.as_of, result.complete) == (date(2026, 12, 7), False)
    assert result.short_term.children[0].why == "3 placements in the year"
    assert indicators(wigan, YEAR).complete


def test_the_rule_is_the_councils_and_the_dfes_by_default(wigan):
    assert Rule.of(wigan) == Rule(counts_temporary_moves=False, counts_same_carers_changes=True)
    assert Rule.of(wigan).is_the_dfes
    switch(wigan, "stability_counts_temporary_moves", True)
    assert not Rule.of(wigan).is_the_dfes
    assert "count as placements" in " ".join(Rule.of(wigan).sentences())


def test_the_years_offered_run_from_the_first_episode_to_the_current_year(wigan, looked_after):
    assert years_with_episodes(wigan) == [2026]
    looked_after("2012-05-01", ("2023-03-31", "S", "U1"))
    assert years_with_episodes(wigan) == [2026, 2025, 2024, 2023, 2022]


def test_it_takes_three_queries_whatever_the_number_of_children(
    wigan, looked_after, django_assert_num_queries
):
    for number in range(12):
        looked_after(
            "2012-05-01", ("2022-05-01", "S", "U1"), ("2025-08-01", "P", "U3"),
            ("2026-01-10", "P", "U4"), ("2026-03-10", "L", "U4", "C1"),
        )  # fmt: skip
    with django_assert_num_queries(3):  # the policy, the episodes, the children
        result = indicators(wigan, YEAR)

    assert (result.short_term.numerator, result.short_term.denominator) == (12, 12)
    assert (result.long_term.numerator, result.long_term.denominator) == (0, 12)


def test_the_figures_as_csv_json_and_text(wigan, looked_after):
    looked_after("2012-05-01", ("2025-05-01", "S", "U1"), ("2025-08-01", "P", "U3"),
                 ("2026-01-10", "P", "U4"), reference="C9")  # fmt: skip
    looked_after("2012-05-01", ("2020-05-01", "S", "U1"), reference="C8")

    result = indicators(wigan, YEAR)

    assert result.csv_rows() == [
        ["short_term", "Children with 3 or more placements in the year", 1, 2, 50.0],
        ["long_term", "Children under 16 in care 2.5 years, in the same placement 2 years",
         1, 1, 100.0],
    ]  # fmt: skip
    data = result.as_json()
    assert data["measures"]["short_term"]["children"] == ["C9"]
    assert data["rule"] == {
        "stability_counts_temporary_moves": False, "stability_counts_same_carers_changes": True,
    }  # fmt: skip
    assert result.text_table()[1][0][1:] == [1, 2, "50.0%"]


def test_a_period_of_care_starting_with_a_temporary_placement_has_it_counted(wigan, looked_after):
    looked_after(
        "2012-05-01", ("2025-05-01", "S", "T0"), ("2025-05-20", "P", "U1"),
        ("2025-09-01", "P", "U3"),
    )  # fmt: skip

    (child,) = short_term(wigan).counted
    assert child.why == "3 placements in the year"


def test_going_back_to_the_same_type_of_placement_with_other_carers_is_a_new_placement(
    wigan, looked_after
):
    child = looked_after(
        "2012-05-01", ("2025-05-01", "S", "U1"), ("2025-07-01", "P", "T3"),
        ("2025-07-10", "P", "U1"),
    )  # fmt: skip
    Episode.objects.filter(child=child, decom=date(2025, 7, 10)).update(pl_post="WN1 1AA")

    assert short_term(wigan).children[0].why == "2 placements in the year"


def test_a_same_carers_code_with_another_home_postcode_is_a_move_whatever_the_switch(
    wigan, looked_after
):
    switch(wigan, "stability_counts_same_carers_changes", False)
    child = looked_after(
        "2015-05-01", ("2025-05-01", "S", "U1"), ("2025-06-01", "P", "U3"),
        ("2025-09-01", "T", "U5", "C1"),
    )  # fmt: skip
    assert short_term(wigan).numerator == 0  # U3 and U5 at the same postcode: the same carers

    Episode.objects.filter(child=child, decom=date(2025, 9, 1)).update(pl_post="WN1 1AA")
    assert short_term(wigan).numerator == 1
