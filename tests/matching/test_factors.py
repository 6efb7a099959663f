"""Each scoring factor: its value in [0, 1], and the reason or concern it gives."""

import math

import pytest

from hearth.matching.explain import explain_candidate
from hearth.matching.factors import weighted_score, weights
from hearth.matching.model import DEFAULT_WEIGHTS, Location, Policy
from hearth.matching.places import distance_miles
from hearth.matching.rank import HouseholdIndex, assess
from tests.matching import AS_OF, WIGAN, candidate, child, household, miles_east, placed, ranking


def factor(name, home, children=None, policy=None):
    """The value one factor gives one household."""
    index = HouseholdIndex.build([home])
    found = assess(index, children or [child()], policy or Policy(), AS_OF)
    return float(found.factors[name][0])


def explained(home, children=None, policy=None):
    return candidate(ranking([home], children or [child()], policy), home.id)


# Needs --------------------------------------------------------------------------------------------


def test_needs_value_is_the_fraction_met_by_the_carers_skills():
    needy = child(needs={"autism", "self_harm", "trauma_attachment", "sen_ehcp"})

    assert factor("needs", household(skills={"autism", "sen_ehcp", "baby_care"}), [needy]) == 0.5
    assert factor("needs", household(skills=()), [needy]) == 0
    assert factor("needs", household(skills=()), [child(needs=())]) == 1


def test_needs_met_are_reasons_and_needs_unmet_are_support_gaps():
    needy = child(needs={"autism", "self_harm"})

    found = explained(household(skills={"autism"}), [needy])

    assert "meets 1 of 2 needs: autism" in found.reasons
    assert "does not meet 1 of 2 needs: self_harm (support gaps)" in found.concerns
    assert found.support_gaps == ("self_harm",)


def test_needs_of_a_sibling_group_are_counted_once_each():
    group = [child("C1", needs={"autism"}), child("C2", needs={"autism", "baby_care"})]

    found = explained(household(skills={"autism", "baby_care"}), group)

    assert "meets 2 of 2 needs: autism, baby_care" in found.reasons
    assert found.support_gaps == ()


# Distance -----------------------------------------------------------------------------------------


def test_distance_is_straight_miles_on_the_os_grid():
    there = Location(WIGAN.easting + 3000, WIGAN.northing + 4000)  # 5,000 metres

    found = explained(household(location=there))

    assert found.distance_miles == pytest.approx(distance_miles(WIGAN, there))
    assert found.distance_miles == pytest.approx(5000 / 1609.344)
    assert "3.1 miles from the child's location" in found.reasons


def test_distance_value_halves_at_the_limit_and_falls_with_miles():
    policy = Policy(distance_limit_miles=20)

    assert factor("distance", household(location=WIGAN), policy=policy) == 1
    assert factor("distance", household(location=miles_east(20)), policy=policy) == 0.5
    assert factor("distance", household(location=miles_east(60)), policy=policy) == 0.25


def test_over_the_distance_limit_is_a_concern():
    found = explained(household(location=miles_east(25)))

    assert "25.0 miles from the child's location, over the 20-mile limit" in found.concerns


def test_unknown_distance_counts_as_at_the_limit_and_is_a_concern():
    unplaced = household(location=None)

    assert factor("distance", unplaced) == 0.5
    assert explained(unplaced).distance_miles is None
    assert "distance not known: no location for the household" in explained(unplaced).concerns
    no_school = [child(location=None)]
    assert (
        "distance not known: no location for the child"
        in explained(household(), no_school).concerns
    )


def test_a_group_is_as_far_as_its_farthest_child():
    group = [child("C1", location=WIGAN), child("C2", location=miles_east(10))]

    found = explained(household(location=miles_east(4)), group)

    assert found.distance_miles == pytest.approx(6)  # from C2
    assert "6.0 miles from the children's location" in found.reasons


# Siblings, in-house, kinship ----------------------------------------------------------------------


def test_a_group_placed_whole_keeps_the_brothers_and_sisters_together():
    group = [child("C1"), child("C2"), child("C3")]

    found = explained(household(), group)

    assert factor("together", household(), group) == 1
    assert "keeps all 3 brothers and sisters together" in found.reasons
    assert not any("brothers and sisters" in concern for concern in found.concerns)


def test_a_child_on_their_own_is_not_split_from_anyone_and_nothing_is_said():
    found = explained(household())

    assert factor("together", household()) == 1
    assert not any("brothers and sisters" in said for said in found.reasons + found.concerns)


def test_part_of_a_split_group_scores_its_share_of_the_group_and_says_it_splits_them():
    home = household()
    group = [child("C1"), child("C2"), child("C3")]
    index = HouseholdIndex.build([home])

    part = assess(index, group[:2], Policy(), AS_OF, whole_size=3)
    alone = assess(index, group[2:], Policy(), AS_OF, whole_size=3)
    whole_pair = assess(index, group[:2], Policy(), AS_OF)

    assert part.group.whole == 3 and whole_pair.group.whole == 2
    assert float(part.factors["together"][0]) == pytest.approx(2 / 3)
    assert float(alone.factors["together"][0]) == pytest.approx(1 / 3)
    assert float(whole_pair.factors["together"][0]) == 1
    # Everything else the same, the pair scores a third of the factor's weight less as a part.
    assert float(whole_pair.score[0] - part.score[0]) == pytest.approx(
        DEFAULT_WEIGHTS["together"] / 3 / sum(DEFAULT_WEIGHTS.values())
    )
    found = explain_candidate(home, part.group, Policy(), 0.0)
    assert "splits the brothers and sisters: 2 of 3 together here" in found.concerns
    assert not any("brothers and sisters" in reason for reason in found.reasons)
    found = explain_candidate(home, alone.group, Policy(), 0.0)
    assert "splits the brothers and sisters: 1 of 3 together here" in found.concerns


def test_a_whole_group_cannot_be_smaller_than_its_part():
    index = HouseholdIndex.build([household()])

    with pytest.raises(ValueError, match="fewer children than a part"):
        assess(index, [child("C1"), child("C2")], Policy(), AS_OF, whole_size=1)


def test_in_house_carers_score_on_in_house_first_and_agencies_are_told_why_they_do_not():
    agency = household("H2", provider="Northern Fostering", weekly_cost=900)

    assert factor("in_house", household()) == 1
    assert factor("in_house", agency) == 0
    assert "in-house carers" in explained(household()).reasons
    assert (
        "agency carers (Northern Fostering): in-house carers come first"
        in explained(agency).concerns
    )


def test_without_in_house_first_the_in_house_factor_has_no_weight():
    policy = Policy(in_house_first=False)
    agency = household("H2", provider="Northern Fostering", weekly_cost=900)

    assert weights(policy)["in_house"] == 0
    assert weights(Policy())["in_house"] == DEFAULT_WEIGHTS["in_house"]
    assert "agency carers (Northern Fostering)" in explained(agency, policy=policy).reasons


def test_connected_carers_named_for_the_child_score_and_say_so():
    connected = household(named_children={"C1"})

    assert factor("kinship", connected) == 1
    assert factor("kinship", household()) == 0
    assert "connected carers approved for C1" in explained(connected).reasons


# Identity -----------------------------------------------------------------------------------------


def test_identity_matches_are_reasons():
    same = household(ethnicity="APKN", religion="muslim", languages=("urdu", "english"))
    youngster = child(ethnicity="APKN", religion="muslim", languages=("urdu",))

    found = explained(same, [youngster])

    assert factor("identity", same, [youngster]) == 1
    assert "same ethnicity as the child (APKN)" in found.reasons
    assert "same religion as the child (muslim)" in found.reasons
    assert "speaks urdu" in found.reasons


def test_identity_differences_are_reported_neutrally_and_never_exclude():
    different = household(ethnicity="WBRI", religion="christian", languages=("english",))
    youngster = child(ethnicity="APKN", religion="muslim", languages=("urdu",))

    found = explained(different, [youngster])

    assert factor("identity", different, [youngster]) == 0
    assert "ethnicity differs: the child APKN, household WBRI" in found.concerns
    assert "religion differs: the child muslim, household christian" in found.concerns
    assert "does not speak urdu" in found.concerns


def test_identity_compares_only_what_both_sides_record():
    partly = household(ethnicity="WBRI", religion="", languages=())
    youngster = child(ethnicity="WBRI", religion="muslim", languages=("urdu",))

    assert factor("identity", partly, [youngster]) == 1  # only ethnicity can be compared
    assert factor("identity", household(), [child(ethnicity="NOBT")]) == 0.5  # nothing to compare


def test_identity_of_a_group_counts_each_child():
    group = [child("C1", ethnicity="MWBC"), child("C2", ethnicity="WBRI")]

    assert factor("identity", household(ethnicity="WBRI"), group) == 0.5


def test_identity_weighs_least_of_the_factors():
    assert DEFAULT_WEIGHTS["identity"] == min(DEFAULT_WEIGHTS.values())


# Risk ---------------------------------------------------------------------------------------------


def test_risk_to_a_younger_child_placed_is_a_concern_that_lowers_the_score():
    risky = child("C1", age=12, risks={"risk_to_younger_children"})
    with_younger = household("H1", children_placed=[placed(5)])
    with_older = household("H2", children_placed=[placed(15)])

    assert factor("risk", with_younger, [risky]) == 0
    assert factor("risk", with_older, [risky]) == 1
    assert (
        "the child is a risk to younger children, and a child of 5 is already placed"
        in explained(with_younger, [risky]).concerns
    )
    assert (
        "no recorded risk between the child and the 1 child already placed"
        in explained(with_older, [risky]).reasons
    )


def test_risk_from_a_placed_child_to_a_younger_sibling_is_a_concern():
    home = household(children_placed=[placed(14, "risk_to_younger_children")])
    group = [child("C1", age=15), child("C2", age=9)]

    assert factor("risk", home, group) == 0
    assert (
        "a child already placed (aged 14) is a risk to younger children, and C2 is 9"
        in explained(home, group).concerns
    )


def test_a_placed_child_risky_to_others_is_a_concern_for_any_child():
    home = household(children_placed=[placed(10, "risk_to_other_children")])

    assert factor("risk", home, [child(age=16)]) == 0
    assert (
        "a child already placed (aged 10) is a risk to other children" in explained(home).concerns
    )


# Experience, cost, household size -----------------------------------------------------------------


@pytest.mark.parametrize(("years", "value"), [(0, 0), (2.5, 0.25), (10, 1), (30, 1)])
def test_experience_grows_with_years_up_to_ten(years, value):
    assert factor("experience", household(experience_years=years)) == value


def test_experience_is_said_in_whole_years():
    assert "6 years' fostering experience" in explained(household(experience_years=6.7)).reasons
    assert "1 year's fostering experience" in explained(household(experience_years=1)).reasons
    assert "less than a year's fostering experience" in explained(household()).concerns


def test_cost_counts_for_agencies_only_cheaper_scoring_higher():
    policy = Policy(weekly_cost_reference=1000)

    def agency(cost):
        return household(provider="Northern Fostering", weekly_cost=cost)

    assert factor("cost", household(weekly_cost=5000), policy=policy) == 1  # in-house
    assert factor("cost", agency(0), policy=policy) == 1
    assert factor("cost", agency(1000), policy=policy) == 0.5
    assert factor("cost", agency(3000), policy=policy) == 0.25
    assert "weekly cost £950" in explained(agency(950), policy=policy).reasons
    assert "weekly cost £1,250, above £1,000" in explained(agency(1250), policy=policy).concerns


def test_more_fostered_children_than_the_usual_limit_is_a_concern():
    busy = household(max_children=4, children_placed=[placed(5), placed(7)])
    two_siblings = [child("C1"), child("C2")]

    assert factor("household_size", busy, [child("C1")]) == 1
    assert factor("household_size", busy, two_siblings) == 0
    assert (
        "4 children fostered in the home with this placement, over the usual limit of 3"
        in explained(busy, two_siblings).concerns
    )
    assert (
        "3 children fostered in the home with this placement, within the usual limit of 3"
        in explained(busy, [child("C1")]).reasons
    )
    assert factor("household_size", busy, two_siblings, Policy(fostering_limit=4)) == 1


# The score ----------------------------------------------------------------------------------------


def test_score_is_the_weighted_mean_of_the_factors():
    home = household(
        provider="Northern Fostering", weekly_cost=1000, experience_years=5,
        skills={"autism"}, location=miles_east(20),
    )  # fmt: skip
    youngster = child(needs={"autism", "self_harm"})
    index = HouseholdIndex.build([home])

    found = assess(index, [youngster], Policy(), AS_OF)

    values = {name: float(found.factors[name][0]) for name in DEFAULT_WEIGHTS}
    assert values == {
        "needs": 0.5, "distance": 0.5, "in_house": 0, "kinship": 0, "identity": 0.5,
        "risk": 1, "experience": 0.5, "cost": 0.5, "household_size": 1, "together": 1,
    }  # fmt: skip
    expected = sum(DEFAULT_WEIGHTS[n] * v for n, v in values.items()) / sum(
        DEFAULT_WEIGHTS.values()
    )
    assert float(found.score[0]) == pytest.approx(expected)
    assert sum(DEFAULT_WEIGHTS.values()) == 22  # as docs/matching.md gives them


def test_a_policy_may_change_the_weights():
    far_but_skilled = household("H1", skills={"autism"}, location=miles_east(40))
    near_unskilled = household("H2", location=WIGAN)
    youngster = child(needs={"autism"})

    needs_first = Policy(weights={**DEFAULT_WEIGHTS, "needs": 10, "distance": 1})
    nearness_first = Policy(weights={**DEFAULT_WEIGHTS, "needs": 1, "distance": 10})

    def best(policy):
        return ranking([far_but_skilled, near_unskilled], [youngster], policy).candidates[0]

    assert best(needs_first).household == "H1"
    assert best(nearness_first).household == "H2"


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ({"charm": 1}, "no scoring factor is called 'charm'"),
        ({"needs": -1}, "the weight of needs must be 0 or more"),
        ({"needs": math.nan}, "the weight of needs must be 0 or more"),
        ({"needs": "heavy"}, "the weight of needs is not a number"),
        ({name: 0 for name in DEFAULT_WEIGHTS}, "at least one scoring factor needs a weight"),
    ],
)
def test_weights_that_cannot_be_used_are_refused(chosen, message):
    with pytest.raises(ValueError, match=message):
        weights(Policy(weights=chosen))


def test_the_weighted_score_stays_within_zero_and_one():
    import numpy as np

    ones = {name: np.ones(3) for name in DEFAULT_WEIGHTS}
    zeros = {name: np.zeros(3) for name in DEFAULT_WEIGHTS}
    odd_weights = {name: 0.1 * (n + 1) for n, name in enumerate(DEFAULT_WEIGHTS)}

    assert (weighted_score(ones, odd_weights) == 1).all()
    assert (weighted_score(zeros, odd_weights) == 0).all()
