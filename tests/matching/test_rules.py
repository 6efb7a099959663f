"""Each hard rule of CONTRACT.md section 3 excludes a household, with the rule in words."""

import pytest

from hearth.matching.explain import STATUS_WORDS
from hearth.matching.model import Policy
from tests.matching import candidate, child, exclusion, household, placed, ranking


def test_a_household_breaking_no_rule_is_a_candidate():
    result = ranking([household("H1")], [child("C1")])

    assert [c.household for c in result.candidates] == ["H1"]
    assert result.excluded == ()


@pytest.mark.parametrize("status", ["on_hold", "in_assessment", "deregistered"])
def test_status_other_than_approved_or_temporary_excludes(status):
    result = ranking([household("H1", status=status)], [child("C1")])

    assert exclusion(result, "H1") == (STATUS_WORDS[status],)


def test_temporary_household_for_a_child_it_does_not_name_is_excluded():
    households = [
        household("H1", status="temporary", named_children={"K1"}),
        household("H2", status="temporary"),
        household("H3", status="temporary", named_children={"C1"}),
    ]

    result = ranking(households, [child("C1")])

    assert exclusion(result, "H1") == ("temporary approval (Regulation 24) for K1 only, not C1",)
    assert exclusion(result, "H2") == (
        "temporary approval (Regulation 24) for no named child, not C1",
    )
    assert candidate(result, "H3")


def test_connected_carers_for_another_child_are_excluded():
    result = ranking([household("H1", named_children={"K1", "K2"})], [child("C1")])

    assert exclusion(result, "H1") == ("approved for K1 and K2 only, not C1",)


def test_connected_carers_naming_one_sibling_are_excluded_for_the_group():
    result = ranking([household("H1", named_children={"C1"})], [child("C1"), child("C2")])

    assert exclusion(result, "H1") == ("approved for C1 only, not C2",)


def test_placement_type_not_approved_excludes():
    approved = household("H1", types={"short_term", "emergency"})

    result = ranking([approved], [child("C1", placement_type="long_term")])

    assert exclusion(result, "H1") == ("approved for emergency, short_term, not long_term",)


def test_age_outside_the_approval_excludes():
    result = ranking([household("H1", min_age=0, max_age=10)], [child("C1", age=12)])

    assert exclusion(result, "H1") == ("age 12 outside approval 0-10",)


@pytest.mark.parametrize("age", [3, 10])
def test_ages_at_either_end_of_the_approval_are_inside_it(age):
    result = ranking([household("H1", min_age=3, max_age=10)], [child("C1", age=age)])

    assert candidate(result, "H1")


def test_each_sibling_outside_the_approval_is_named():
    siblings = [child("C1", age=4), child("C2", age=12), child("C3", age=2)]

    result = ranking([household("H1", min_age=3, max_age=10)], siblings)

    assert exclusion(result, "H1") == (
        "C2: age 12 outside approval 3-10",
        "C3: age 2 outside approval 3-10",
    )


def test_fewer_free_places_than_siblings_excludes():
    full_but_one = household("H1", max_children=2, children_placed=[placed(5)])

    result = ranking([full_but_one], [child("C1"), child("C2")])

    assert exclusion(result, "H1") == ("1 free place for a group of 2",)


def test_no_free_place_excludes_a_single_child():
    result = ranking([household("H1", max_children=1, children_placed=[placed(5)])], [child()])

    assert exclusion(result, "H1") == ("no free place",)


def test_household_not_taking_sibling_groups_is_excluded_for_a_group_only():
    no_groups = household("H1", accepts_siblings=False)

    group = ranking([no_groups], [child("C1"), child("C2")])
    alone = ranking([no_groups], [child("C1")])

    assert exclusion(group, "H1") == ("does not take sibling groups",)
    assert candidate(alone, "H1")


def test_a_child_who_must_be_the_only_one_excludes_households_with_children():
    households = [household("H1", children_placed=[placed(5)]), household("H2")]

    result = ranking(households, [child("C1", needs_only_child=True)])

    assert exclusion(result, "H1") == ("needs to be the only child, and 1 child is already placed",)
    assert candidate(result, "H2")


def test_risk_to_younger_children_placed_excludes_when_the_policy_makes_it_a_bar():
    home = household("H1", children_placed=[placed(5)])
    risky = child("C1", age=12, risks={"risk_to_younger_children"})

    barred = ranking([home], [risky], Policy(risk_is_a_bar=True))
    weighed = ranking([home], [risky])

    words = "the child is a risk to younger children, and a child of 5 is already placed"
    assert exclusion(barred, "H1") == (words,)
    assert words in candidate(weighed, "H1").concerns


def test_a_placed_child_risky_to_a_younger_incoming_child_excludes_under_the_bar():
    home = household("H1", children_placed=[placed(14, "risk_to_younger_children")])

    result = ranking([home], [child("C1", age=9)], Policy(risk_is_a_bar=True))

    assert exclusion(result, "H1") == (
        "a child already placed (aged 14) is a risk to younger children, and the child is 9",
    )


def test_a_risk_to_younger_children_does_not_bar_older_children():
    home = household("H1", children_placed=[placed(14, "risk_to_younger_children")])
    risky = child("C1", age=12, risks={"risk_to_younger_children"})

    policy = Policy(risk_is_a_bar=True)

    assert candidate(ranking([home], [child("C2", age=15)], policy), "H1")
    assert exclusion(ranking([home], [risky], policy), "H1") == (
        "a child already placed (aged 14) is a risk to younger children, and the child is 12",
    )


def test_a_risk_to_other_children_bars_any_household_with_children_placed():
    policy = Policy(risk_is_a_bar=True)
    risky = child("C1", age=9, risks={"risk_to_other_children"})
    homes = [household("H1", children_placed=[placed(15)]), household("H2")]

    result = ranking(homes, [risky], policy)

    assert exclusion(result, "H1") == (
        "the child is a risk to other children, and 1 child is already placed",
    )
    assert candidate(result, "H2")


def test_every_broken_rule_is_given_in_order():
    everything_wrong = household(
        "H1", status="on_hold", named_children={"K1"}, types={"emergency"}, min_age=12,
        max_age=17, max_children=1, accepts_siblings=False, children_placed=[placed(15)],
    )  # fmt: skip
    group = [child("C1", age=8, needs_only_child=True), child("C2", age=5)]

    result = ranking([everything_wrong], group)

    assert exclusion(result, "H1") == (
        "on hold: offered again once the hold is lifted",
        "approved for K1 only, not C1 and C2",
        "approved for emergency, not short_term",
        "C1: age 8 outside approval 12-17",
        "C2: age 5 outside approval 12-17",
        "0 free places for a group of 2",
        "does not take sibling groups",
        "C1 needs to be the only child, and 1 child is already placed",
    )
    assert result.candidates == ()
