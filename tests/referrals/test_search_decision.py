"""Where a search starts (001): a baby in-house first; a larger sibling group, a younger child with
complex needs or an older single child to agency search at once; the policy sets the thresholds."""

from datetime import date

import pytest

from hearth.core.models import Policy
from hearth.referrals.rules import search_decision
from tests.factories import ChildFactory

TODAY = date(2026, 11, 23)


def aged(years, needs=()):
    born = date(TODAY.year - years, TODAY.month, TODAY.day)
    return ChildFactory.build(date_of_birth=born, needs=list(needs))


@pytest.fixture
def policy(wigan):
    return Policy.objects.get(authority=wigan)


def test_a_baby_is_searched_for_in_house_first(policy):
    decision = search_decision([ChildFactory.build(date_of_birth=date(2026, 6, 1))], policy, TODAY)
    assert decision.route == "in_house_first"
    assert "baby" in decision.reason.lower()


def test_a_sibling_group_of_three_goes_to_agencies_at_once(policy):
    decision = search_decision([aged(3), aged(5), aged(7)], policy, TODAY)
    assert decision.route == "dual"
    assert "sibling group of 3" in decision.reason


def test_two_siblings_without_complex_needs_start_in_house(policy):
    assert search_decision([aged(3), aged(5)], policy, TODAY).route == "in_house_first"


def test_an_older_single_child_goes_to_agencies_at_once(policy):
    decision = search_decision([aged(13)], policy, TODAY)
    assert decision.route == "dual"
    assert "aged 13" in decision.reason


def test_a_younger_child_with_complex_needs_goes_to_agencies_at_once(policy):
    decision = search_decision([aged(6, needs=["autism"])], policy, TODAY)
    assert decision.route == "dual"
    assert "autism" in decision.reason.lower()


def test_a_younger_child_without_complex_needs_starts_in_house(policy):
    decision = search_decision([aged(6, needs=["trauma_attachment"])], policy, TODAY)
    assert decision.route == "in_house_first"


def test_the_policy_sets_the_thresholds(policy):
    policy.thresholds["older_child_min_age"] = 14
    policy.thresholds["large_sibling_group"] = 4
    assert search_decision([aged(13)], policy, TODAY).route == "in_house_first"
    assert search_decision([aged(3), aged(5), aged(7)], policy, TODAY).route == "in_house_first"
