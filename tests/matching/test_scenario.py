"""Scenario files (CONTRACT.md section 3): read with messages that say where a problem is."""

import copy
import json
from datetime import date

import pytest

from hearth.matching.model import Location, PlacedChild, Policy
from hearth.matching.places import locate
from hearth.matching.scenario import ScenarioError, match_output, read_scenario, scenario_from

# The example of CONTRACT.md section 3, as it stands there.
EXAMPLE = {
    "version": 1,
    "as_of": "2026-11-23",
    "policy": {"in_house_first": True, "allow_sibling_split": False},
    "children": [
        {
            "id": "C1", "date_of_birth": "2015-03-01", "sex": "F", "ethnicity": "WBRI",
            "religion": "christian", "languages": ["english"], "placement_type": "short_term",
            "needs": ["trauma_attachment"], "risks": [], "sibling_group": "G1",
            "location": {"postcode": "WN1 1AA"}, "needs_only_child": False,
        }
    ],
    "households": [
        {
            "id": "H1", "provider": "in_house", "status": "approved",
            "approval": {
                "min_age": 0, "max_age": 17, "max_children": 2,
                "types": ["short_term", "emergency"], "named_children": [],
            },
            "accepts_siblings": True,
            "children_placed": [{"date_of_birth": "2019-06-01", "risks": []}],
            "skills": ["trauma_attachment"], "ethnicity": "WBRI", "religion": "christian",
            "languages": ["english"], "location": {"easting": 358000, "northing": 405500},
            "weekly_cost": 0, "experience_years": 6,
        }
    ],
}  # fmt: skip


def example(change=None):
    data = copy.deepcopy(EXAMPLE)
    if change:
        change(data)
    return data


def test_the_contract_example_reads_into_children_households_and_policy():
    scenario = scenario_from(example())

    assert scenario.as_of == date(2026, 11, 23)
    assert scenario.policy == Policy(in_house_first=True, allow_sibling_split=False)
    [child] = scenario.children
    assert child.id == "C1" and child.date_of_birth == date(2015, 3, 1)
    assert child.needs == frozenset({"trauma_attachment"}) and child.sibling_group == "G1"
    assert child.location == locate("WN1 1AA")
    [home] = scenario.households
    assert (home.min_age, home.max_age, home.max_children) == (0, 17, 2)
    assert home.types == frozenset({"short_term", "emergency"})
    assert home.children_placed == (PlacedChild(date(2019, 6, 1)),)
    assert home.location == Location(358000, 405500)
    assert home.in_house and home.experience_years == 6


def test_the_policy_and_optional_fields_may_be_left_out():
    def strip(data):
        del data["policy"]
        data["children"][0] = {
            "id": "C1",
            "date_of_birth": "2015-03-01",
            "placement_type": "short_term",
        }
        home = data["households"][0]
        for optional in ("accepts_siblings", "children_placed", "skills", "location"):
            del home[optional]
        del home["approval"]["named_children"]

    scenario = scenario_from(example(strip))

    assert scenario.policy == Policy()
    assert scenario.children[0].location is None and scenario.children[0].needs == frozenset()
    assert scenario.households[0].accepts_siblings is True
    assert scenario.households[0].named_children == frozenset()


def test_a_policy_may_set_any_of_its_settings_and_some_weights():
    def council(data):
        data["policy"] = {
            "distance_limit_miles": 10, "risk_is_a_bar": True, "fostering_limit": 4,
            "weekly_cost_reference": 800, "weights": {"needs": 6},
        }  # fmt: skip

    policy = scenario_from(example(council)).policy

    assert policy.distance_limit_miles == 10 and policy.risk_is_a_bar
    assert policy.fostering_limit == 4 and policy.weekly_cost_reference == 800
    assert policy.weights["needs"] == 6 and policy.weights["distance"] == 3
    assert policy.in_house_first is True


def test_a_postcode_district_is_its_centroid():
    def district(data):
        data["children"][0]["location"] = {"postcode": "wn1"}

    assert scenario_from(example(district)).children[0].location == locate("WN1")


def test_children_are_matched_in_their_sibling_groups():
    def siblings(data):
        first = data["children"][0]
        data["children"] = [
            {**first, "id": "C1", "sibling_group": "G1"},
            {**first, "id": "C2", "sibling_group": None},
            {**first, "id": "C3", "sibling_group": "G1"},
            {**first, "id": "C4", "sibling_group": "G2"},
            {**first, "id": "C5", "sibling_group": ""},
        ]

    groups = scenario_from(example(siblings)).groups()

    assert [[c.id for c in group] for group in groups] == [["C1", "C3"], ["C2"], ["C4"], ["C5"]]


def _set(path, value):
    """A change to the example: put `value` at `path` (keys and list positions)."""

    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return change


def _delete(path):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return change


def _three_children(data):
    data["children"] = [
        {**data["children"][0], "id": f"C{n}", "sibling_group": None} for n in range(3)
    ]
    data["children"][2]["date_of_birth"] = "2015-02-30"


def _twin_household(data):
    data["households"].append(copy.deepcopy(data["households"][0]))


CHILD = ("children", 0)
HOUSEHOLD = ("households", 0)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_three_children, 'children[2].date_of_birth: not a date (YYYY-MM-DD): "2015-02-30"'),
        (_set((*CHILD, "date_of_birth"), "1/3/2015"), "children[0].date_of_birth: not a date"),
        (_set((*CHILD, "date_of_birth"), 2015), "children[0].date_of_birth: not a date"),
        (_delete((*CHILD, "id")), "children[0].id: missing"),
        (_set((*CHILD, "id"), " "), "children[0].id: empty"),
        (
            _set((*CHILD, "placement_type"), "holiday"),
            'children[0].placement_type: "holiday" is not one of emergency, short_term',
        ),
        (_set((*CHILD, "needs"), "autism"), "children[0].needs: not a list"),
        (_set((*CHILD, "needs"), ["autism", 3]), "children[0].needs[1]: not text"),
        (
            _set((*CHILD, "needs_only_child"), "no"),
            "children[0].needs_only_child: not true or false",
        ),
        (_set((*CHILD, "favourite_colour"), "blue"), "children[0].favourite_colour: not a field"),
        (
            _set((*CHILD, "location"), {"postcode": "ZZ9 9ZZ"}),
            "children[0].location.postcode: ZZ9 9ZZ is not a postcode in the ONS postcode directory",
        ),
        (
            _set((*CHILD, "location"), {"postcode": "WN1", "easting": 1, "northing": 2}),
            "children[0].location: a postcode, or an easting and a northing, not both",
        ),
        (_set((*CHILD, "location"), {"easting": 358000}), "children[0].location.northing: missing"),
        (_set((*CHILD, "location"), {}), "children[0].location: needs a postcode, or an easting"),
        (
            _delete((*HOUSEHOLD, "approval", "max_children")),
            "households[0].approval.max_children: missing",
        ),
        (
            _set((*HOUSEHOLD, "approval", "max_age"), 17.5),
            "households[0].approval.max_age: not a whole number",
        ),
        (
            _set((*HOUSEHOLD, "approval", "min_age"), -1),
            "households[0].approval.min_age: -1 is below 0",
        ),
        (
            _set((*HOUSEHOLD, "approval", "min_age"), 18),
            "households[0].approval: min_age 18 is above max_age 17",
        ),
        (_set((*HOUSEHOLD, "approval"), []), "households[0].approval: not an object"),
        (
            _set((*HOUSEHOLD, "approval", "types"), ["short_term", "respite"]),
            'households[0].approval.types[1]: "respite" is not one of',
        ),
        (
            _set((*HOUSEHOLD, "status"), "APPROVED"),
            'households[0].status: "APPROVED" is not one of',
        ),
        (_set((*HOUSEHOLD, "weekly_cost"), -5), "households[0].weekly_cost: -5 is below 0"),
        (_set((*HOUSEHOLD, "weekly_cost"), "£900"), "households[0].weekly_cost: not a number"),
        (
            _set((*HOUSEHOLD, "children_placed"), [{"date_of_birth": "2019-06-31"}]),
            "households[0].children_placed[0].date_of_birth: not a date",
        ),
        (_twin_household, "households[1].id: H1 is used twice"),
        (_set(("version",), 2), "version: 2 is not a version this Hearth reads (only 1)"),
        (_delete(("as_of",)), "as_of: missing"),
        (_delete(("households",)), "households: missing"),
        (_set(("children",), {}), "children: not a list"),
        (_set(("policy",), {"in_house_first": "yes"}), "policy.in_house_first: not true or false"),
        (_set(("policy",), {"cheapest_first": True}), "policy.cheapest_first: not a field"),
        (
            _set(("policy",), {"distance_limit_miles": 0}),
            "policy.distance_limit_miles: must be above 0",
        ),
        (_set(("policy",), {"weights": {"charm": 1}}), "policy.weights.charm: not a field"),
        (
            _set(("policy",), {"weights": dict.fromkeys(Policy().weights, 0)}),
            "policy.weights: at least one factor needs a weight above 0",
        ),
    ],
)
def test_a_scenario_that_cannot_be_used_says_where_and_why(change, message):
    data = example(change)

    with pytest.raises(ScenarioError) as refused:
        scenario_from(data)

    assert str(refused.value).startswith(message)


def test_a_scenario_is_an_object():
    with pytest.raises(ScenarioError, match="^the scenario: not an object$"):
        scenario_from([])


def test_a_file_that_is_not_json_says_where(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text('{"version": 1,\n "as_of": }')

    with pytest.raises(
        ScenarioError, match=r"scenario.json: not valid JSON: .* at line 2, column 11"
    ):
        read_scenario(path)


def test_a_file_that_is_missing_says_so(tmp_path):
    with pytest.raises(ScenarioError, match="missing.json: cannot be read"):
        read_scenario(tmp_path / "missing.json")


def test_a_file_is_read_whole(tmp_path):
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(EXAMPLE))

    assert read_scenario(path) == scenario_from(example())


# The answer ---------------------------------------------------------------------------------------


def test_the_answer_ranks_the_contract_example():
    answer = match_output(scenario_from(example()))

    assert answer["version"] == 1
    [result] = answer["results"]
    assert result["children"] == ["C1"]
    [candidate] = result["candidates"]
    assert candidate["household"] == "H1"
    assert 0 <= candidate["score"] <= 1 and candidate["score"] == round(candidate["score"], 4)
    assert candidate["distance_miles"] == round(candidate["distance_miles"], 1)
    assert "meets 1 of 1 needs: trauma_attachment" in candidate["reasons"]
    assert "same ethnicity as the child (WBRI)" in candidate["reasons"]
    assert isinstance(candidate["concerns"], list) and candidate["support_gaps"] == []
    assert result["excluded"] == [] and result["splits"] == []
    json.dumps(answer, allow_nan=False)  # plain JSON, no NaN


def test_the_answer_lists_every_household_once_per_group():
    def more(data):
        first = data["households"][0]
        data["households"] += [
            {**first, "id": "H2", "status": "on_hold", "location": None},
            {**first, "id": "H3", "location": None},
        ]
        data["children"].append({**data["children"][0], "id": "C2", "sibling_group": None})

    answer = match_output(scenario_from(example(more)))

    assert [result["children"] for result in answer["results"]] == [["C1"], ["C2"]]
    for result in answer["results"]:
        listed = [c["household"] for c in result["candidates"]]
        listed += [e["household"] for e in result["excluded"]]
        assert sorted(listed) == ["H1", "H2", "H3"]
        unplaced = next(c for c in result["candidates"] if c["household"] == "H3")
        assert unplaced["distance_miles"] is None
        assert result["excluded"] == [
            {"household": "H2", "reasons": ["on hold: offered again once the hold is lifted"]}
        ]


def test_the_answer_gives_splits_with_their_parts():
    def split(data):
        data["policy"]["allow_sibling_split"] = True
        first = data["children"][0]
        data["children"] = [{**first, "id": "C1"}, {**first, "id": "C2"}]
        data["households"][0]["approval"]["max_children"] = 1
        data["households"][0]["children_placed"] = []
        data["households"].append({**data["households"][0], "id": "H2"})

    [result] = match_output(scenario_from(example(split)))["results"]

    assert result["candidates"] == []
    [only] = result["splits"]
    assert only["label"] == "Split 1: C1 with H1; C2 with H2"
    assert [(part["children"], part["household"]) for part in only["parts"]] == [
        (["C1"], "H1"),
        (["C2"], "H2"),
    ]
    assert only["not_placed"] == [] and 0 <= only["score"] <= 1
