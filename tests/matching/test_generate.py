"""The synthetic regional scenarios: repeatable, with England's national marginals, readable."""

import math
import statistics
import subprocess
import sys
from collections import Counter

import pytest

from hearth.matching import generate as generator
from hearth.matching.generate import (
    AGE_BANDS,
    GREATER_MANCHESTER,
    Region,
    generate,
    scenario_as_json,
    sibling_group,
    write_scenario,
)
from hearth.matching.model import PLACEMENT_TYPES, Policy
from hearth.matching.places import UnknownPostcode, distance_miles, locate
from hearth.matching.rules import age_on
from hearth.matching.scenario import read_scenario, scenario_from
from hearth.people import vocabulary


@pytest.fixture(scope="module")
def region():
    """A large sample: a region's worth of households ten times over, and its children."""
    return generate(households=10_000, children=10_000, seed=7)


def approved(scenario):
    return [home for home in scenario.households if home.status == "approved"]


def share(items, condition):
    items = list(items)
    return sum(1 for item in items if condition(item)) / len(items)


# Repeatable ---------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_scenario():
    first = generate(households=300, children=100, seed=3)
    again = generate(households=300, children=100, seed=3)

    assert first == again
    assert scenario_as_json(first) == scenario_as_json(again)


def test_another_seed_gives_another_scenario():
    first = generate(households=300, children=100, seed=3)
    other = generate(households=300, children=100, seed=4)

    assert first.households != other.households
    assert first.children != other.children


def test_without_children_no_household_is_temporarily_approved():
    without = generate(households=500, children=0, seed=5)
    with_children = generate(households=500, children=100, seed=5)

    assert len(without.households) == len(with_children.households) == 500
    assert not any(home.status == "temporary" for home in without.households)
    assert any(home.status == "temporary" for home in with_children.households)


def test_the_same_referral_for_the_same_seed():
    assert sibling_group(3, seed=1) == sibling_group(3, seed=1)
    assert sibling_group(3, seed=1) != sibling_group(3, seed=2)


# National marginals -------------------------------------------------------------------------------


def test_households_have_2_09_approved_places_on_average(region):
    places = [home.max_children for home in approved(region)]

    assert statistics.mean(places) == pytest.approx(2.09, abs=0.05)
    assert set(places) <= {1, 2, 3, 4, 5}


def test_16_to_20_percent_of_approved_places_are_vacant(region):
    homes = approved(region)
    vacant = sum(home.free_places for home in homes) / sum(home.max_children for home in homes)

    assert 0.16 <= vacant <= 0.20
    assert all(0 <= home.free_places <= home.max_children for home in homes)


def test_5_percent_of_households_are_on_hold_and_a_few_in_assessment_or_temporary(region):
    statuses = Counter(home.status for home in region.households)
    total = len(region.households)

    assert statuses["on_hold"] / total == pytest.approx(0.05, abs=0.01)
    assert 0.01 <= statuses["in_assessment"] / total <= 0.03
    assert 0.01 <= statuses["temporary"] / total <= 0.03
    assert set(statuses) == {"approved", "on_hold", "in_assessment", "temporary"}


def test_households_in_assessment_have_no_children_placed_and_no_experience(region):
    assessing = [home for home in region.households if home.status == "in_assessment"]

    assert assessing
    assert all(not home.children_placed and home.experience_years == 0 for home in assessing)


def test_about_55_percent_of_households_are_in_house(region):
    assert share(region.households, lambda home: home.in_house) == pytest.approx(0.55, abs=0.02)
    agencies = Counter(home.provider for home in region.households if not home.in_house)
    assert len(agencies) > 5


def test_agency_weekly_costs_are_mostly_800_to_1500_pounds_with_a_tail_to_6000(region):
    costs = [home.weekly_cost for home in region.households if not home.in_house]

    assert share(costs, lambda cost: 800 <= cost <= 1500) >= 0.8
    assert 900 <= statistics.median(costs) <= 1200
    assert 0.02 <= share(costs, lambda cost: cost > 2000) <= 0.08
    assert 4500 <= max(costs) <= 6000
    assert all(home.weekly_cost == 0 for home in region.households if home.in_house)


def test_carers_have_years_of_experience_with_a_long_tail(region):
    years = [home.experience_years for home in approved(region)]

    assert statistics.mean(years) == pytest.approx(8, abs=1)
    assert max(years) > 25
    assert min(years) >= 0


def test_childrens_ages_are_those_of_children_looked_after_in_england(region):
    ages = [age_on(child.date_of_birth, region.as_of) for child in region.children]

    for youngest, oldest, expected in AGE_BANDS:
        assert share(ages, lambda age: youngest <= age <= oldest) == pytest.approx(
            expected, abs=0.02
        ), (youngest, oldest)
    assert min(ages) == 0 and max(ages) == 17


def test_two_in_five_children_are_in_sibling_groups_of_2_5_on_average(region):
    groups = Counter(child.sibling_group for child in region.children if child.sibling_group)

    assert share(region.children, lambda child: child.sibling_group) == pytest.approx(0.4, abs=0.01)
    assert statistics.mean(groups.values()) == pytest.approx(2.5, abs=0.1)
    assert max(groups.values()) <= 6 and min(groups.values()) >= 2


def test_siblings_are_near_in_age_and_share_a_home_area_and_a_type_of_care(region):
    groups = {}
    for child in region.children:
        if child.sibling_group:
            groups.setdefault(child.sibling_group, []).append(child)

    for children in groups.values():
        ages = [age_on(child.date_of_birth, region.as_of) for child in children]
        assert max(ages) - min(ages) <= generator.SIBLING_AGE_SPREAD_YEARS
        assert len({child.location for child in children}) == 1
        assert len({child.placement_type for child in children}) == 1


def test_children_have_needs_and_risks_for_their_age(region):
    for child in region.children:
        age = age_on(child.date_of_birth, region.as_of)
        for need in child.needs - {"unaccompanied_asylum", "parent_and_child", "remand"}:
            _, youngest, oldest = generator.NEED_SHARES[need]
            assert youngest <= age <= oldest, (child.id, need, age)
    needs = Counter(need for child in region.children for need in child.needs)
    assert needs["trauma_attachment"] / len(region.children) == pytest.approx(0.45, abs=0.03)
    assert needs["unaccompanied_asylum"] > 0
    assert any(child.risks for child in region.children)
    assert all(child.needs_only_child is False for child in region.children if child.sibling_group)


def test_temporary_households_are_kin_approved_for_a_whole_referral(region):
    children = {child.id: child for child in region.children}
    named_by = Counter()

    for home in region.households:
        if home.status != "temporary":
            continue
        named = [children[child_id] for child_id in home.named_children]
        assert named, home.id
        groups = {child.sibling_group for child in named}
        assert len(groups) == 1
        group = groups.pop()
        if group:
            assert len(named) == sum(child.sibling_group == group for child in children.values())
        assert home.in_house and home.free_places == len(named)
        assert distance_miles(home.location, named[0].location) < 10
        named_by.update(home.named_children)

    assert named_by and max(named_by.values()) == 1


def test_homes_and_children_are_in_the_regions_postcode_districts(region):
    centres = [locate(district) for district in GREATER_MANCHESTER]

    for located in [*region.households[:2000], *region.children[:2000]]:
        nearest = min(distance_miles(located.location, centre) for centre in centres)
        assert nearest < 5, located.id
    districts = Counter(
        min(range(len(centres)), key=lambda n: distance_miles(home.location, centres[n]))
        for home in region.households[:2000]
    )
    assert len(districts) > len(centres) / 2


def test_approvals_are_coherent(region):
    for home in region.households:
        assert 0 <= home.min_age <= home.max_age <= 17
        assert "short_term" in home.types or home.types == {"short_break", "support_care"}
        assert home.types <= set(PLACEMENT_TYPES)
        assert not home.accepts_siblings or home.max_children >= 2
        for placed in home.children_placed:
            assert home.min_age <= age_on(placed.date_of_birth, region.as_of) <= home.max_age


# Hearth's vocabulary ------------------------------------------------------------------------------


def test_the_generators_tags_are_hearths_needs_and_risks():
    assert set(generator.NEED_SHARES) == set(vocabulary.NEEDS)
    assert set(generator.SKILL_SHARES) == set(vocabulary.SKILLS)
    assert set(generator.RISK_SHARES) == set(vocabulary.RISKS)
    assert set(generator.RISKS_OF_NEEDS) <= set(vocabulary.NEEDS)
    assert set(generator.RISKS_OF_NEEDS.values()) <= set(vocabulary.RISKS)


def test_the_generators_codes_are_hearths():
    ethnicities = {
        *generator.CHILD_ETHNICITIES,
        *generator.CARER_ETHNICITIES,
        *generator.UNACCOMPANIED_ETHNICITIES,
    }
    assert ethnicities <= set(vocabulary.ETHNICITIES)
    assert {code[0] for code in ethnicities} <= set(generator.RELIGIONS)
    religions = {religion for shares in generator.RELIGIONS.values() for religion in shares}
    assert religions <= set(vocabulary.RELIGIONS)
    languages = {"english", *generator.UNACCOMPANIED_LANGUAGES}
    languages.update(
        language for _, spoken in generator.HOME_LANGUAGES.values() for language in spoken
    )
    assert languages <= set(vocabulary.LANGUAGES)
    assert set(generator.PLACEMENT_TYPE_SHARES) <= set(vocabulary.PLACEMENT_TYPES)
    assert set(PLACEMENT_TYPES) == set(vocabulary.PLACEMENT_TYPES)


def test_generated_values_are_all_in_the_vocabulary(region):
    for child in region.children:
        assert child.needs <= set(vocabulary.NEEDS)
        assert child.risks <= set(vocabulary.RISKS)
        assert child.ethnicity in vocabulary.ETHNICITIES
        assert child.religion in vocabulary.RELIGIONS
        assert set(child.languages) <= set(vocabulary.LANGUAGES)
    for home in region.households:
        assert home.skills <= set(vocabulary.SKILLS)


def test_the_shares_add_up_to_one():
    for shares in (
        generator.PLACES, generator.STATUS_SHARES, generator.GROUP_SIZES, generator.AGE_RANGES,
        generator.CHILD_ETHNICITIES, generator.CARER_ETHNICITIES, generator.AGENCIES,
        generator.PLACEMENT_TYPE_SHARES, generator.UNACCOMPANIED_LANGUAGES,
        *generator.RELIGIONS.values(),
    ):  # fmt: skip
        assert math.isclose(sum(shares.values()), 1.0), shares
    assert math.isclose(sum(share for _, _, share in AGE_BANDS), 1.0)
    mean_places = sum(places * share for places, share in generator.PLACES.items())
    assert mean_places == pytest.approx(2.09)


# One referral --------------------------------------------------------------------------------------


def test_a_referral_of_three_is_one_sibling_group():
    children = sibling_group(3, seed=11)

    assert [child.id for child in children] == ["C1", "C2", "C3"]
    assert {child.sibling_group for child in children} == {"G1"}
    assert len({child.location for child in children}) == 1
    assert len({child.placement_type for child in children}) == 1


def test_a_referral_of_one_is_a_single_child():
    (child,) = sibling_group(1, seed=11)

    assert child.id == "C1" and child.sibling_group is None


def test_a_region_of_unknown_districts_is_refused():
    with pytest.raises(UnknownPostcode):
        Region(["ZZ99"])
    with pytest.raises(ValueError):
        Region([])


# The scenario file --------------------------------------------------------------------------------


def test_the_file_is_read_back_as_the_same_scenario(tmp_path):
    scenario = generate(households=400, children=150, seed=9)

    path = write_scenario(scenario, tmp_path / "scenario.json")

    assert read_scenario(path) == scenario


def test_the_file_keeps_a_policy_that_is_not_the_default():
    policy = Policy(allow_sibling_split=True, distance_limit_miles=15.0, weights={"needs": 5.0})
    scenario = generate(households=20, children=10, seed=2, policy=policy)

    data = scenario_as_json(scenario)

    assert data["policy"]["allow_sibling_split"] is True
    assert data["policy"]["in_house_first"] is True
    assert "risk_is_a_bar" not in data["policy"]
    assert scenario_from(data).policy.distance_limit_miles == 15.0
    assert scenario_from(data).policy.weights["needs"] == 5.0


def test_the_file_has_the_contracts_fields():
    data = scenario_as_json(generate(households=5, children=5, seed=1))

    assert data["version"] == 1 and data["as_of"] == "2026-11-23"
    assert set(data["children"][0]) == {
        "id", "date_of_birth", "sex", "ethnicity", "religion", "languages", "placement_type",
        "needs", "risks", "sibling_group", "location", "needs_only_child",
    }  # fmt: skip
    assert set(data["households"][0]) == {
        "id", "provider", "status", "approval", "accepts_siblings", "children_placed", "skills",
        "ethnicity", "religion", "languages", "location", "weekly_cost", "experience_years",
    }  # fmt: skip
    assert set(data["households"][0]["location"]) == {"easting", "northing"}


# Plain Python -------------------------------------------------------------------------------------


def test_generating_imports_nothing_from_django():
    program = (
        "import sys\n"
        "from hearth.matching.generate import generate\n"
        "generate(households=10, children=5)\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )

    assert result.stdout.strip() == "[]"
