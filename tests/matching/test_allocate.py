"""Allocation: the most children placed, then the best total score, checked against every possible
assignment worked out here by brute force; room, sibling groups and the co-placement rules kept."""

from dataclasses import replace
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.matching.allocate import (
    allocate,
    allocation_as_json,
    sibling_groups,
    sub_groups,
)
from hearth.matching.model import DEFAULT_WEIGHTS, IN_HOUSE, PlacedChild, Policy
from hearth.matching.rank import HouseholdIndex, assess
from tests.matching import AS_OF, born, child, household, miles_east, ranking

RISK_TO_YOUNGER = "risk_to_younger_children"
RISK_TO_OTHERS = "risk_to_other_children"
TYPES = ("short_term", "long_term")


def placed_with(result):
    """Household -> the children assigned to it."""
    found = {}
    for assignment in result.assignments:
        found.setdefault(assignment.household, []).extend(assignment.children)
    return found


def where(result):
    """Child -> household."""
    return {c: a.household for a in result.assignments for c in a.children}


# What allocation decides ------------------------------------------------------------------------


def test_more_children_are_placed_than_first_come_first_served():
    # C1 comes first and H1 suits them best, but only H1 can take C2.
    homes = [
        household("H1", max_children=1, skills={"autism"}),
        household("H2", max_children=1, location=miles_east(15), max_age=10),
    ]
    children = [child("C1", age=6, needs={"autism"}), child("C2", age=12)]

    result = allocate(children, homes, Policy(), AS_OF)

    assert where(result) == {"C1": "H2", "C2": "H1"}
    assert result.objective.children_placed == 2
    assert result.greedy.children_placed == 1
    assert result.unassigned == ()


def test_one_more_child_outweighs_any_difference_in_score():
    # H1 suits C3 well and the siblings poorly (far away, needs unmet, a child placed there is a
    # risk to younger children): the two of them score less in total than C3 alone.
    home = household(
        "H1", max_children=3, provider="Far Agency", weekly_cost=1400, skills={"autism"},
        children_placed=[PlacedChild(born(10), frozenset({RISK_TO_YOUNGER}))],
    )  # fmt: skip
    far = miles_east(60)
    siblings = [
        child("C1", needs={"self_harm"}, sibling_group="G1", location=far),
        child("C2", age=6, needs={"self_harm"}, sibling_group="G1", location=far),
    ]
    alone = child("C3", age=12, needs={"autism"})
    (group_score,) = [c.score for c in ranking([home], siblings).candidates]
    (alone_score,) = [c.score for c in ranking([home], [alone]).candidates]
    assert 2 * group_score < alone_score

    result = allocate([alone, *siblings], [home], Policy(), AS_OF)

    assert where(result) == {"C1": "H1", "C2": "H1"}
    assert result.objective.total_score == pytest.approx(2 * group_score)
    assert result.greedy.children_placed == 1


def test_the_scores_are_those_match_gives():
    homes = [household("H1", skills={"autism"}), household("H2", location=miles_east(8))]
    children = [child("C1", needs={"autism"}), child("C2", age=4)]

    result = allocate(children, homes, Policy(), AS_OF)

    for assignment in result.assignments:
        candidates = ranking(homes, [c for c in children if c.id in assignment.children])
        matched = {c.household: c.score for c in candidates.candidates}
        assert assignment.score == pytest.approx(matched[assignment.household])
    assert result.objective.total_score == pytest.approx(
        sum(a.score * len(a.children) for a in result.assignments)
    )


def test_no_household_receives_more_children_than_its_free_places():
    homes = [
        household("H1", max_children=3, children_placed=[PlacedChild(born(3))]),
        household("H2", max_children=1),
    ]
    children = [child(f"C{n}", age=5 + n) for n in range(1, 6)]

    result = allocate(children, homes, Policy(), AS_OF)

    assert sorted(len(found) for found in placed_with(result).values()) == [1, 2]
    assert result.objective.children_placed == 3
    assert [left.reasons for left in result.unassigned] == [
        (f"every household that could take {left.children[0]} is full",)
        for left in result.unassigned
    ]
    assert len(result.unassigned) == 2


def test_a_sibling_group_goes_whole_to_one_household():
    homes = [household("H1", max_children=1), household("H2", max_children=3)]
    siblings = [child("C1", sibling_group="G1"), child("C2", age=5, sibling_group="G1")]

    result = allocate(siblings, homes, Policy(), AS_OF)

    assert [(a.children, a.household, a.split) for a in result.assignments] == [
        (("C1", "C2"), "H2", None)
    ]


def test_a_group_no_household_can_take_whole_stays_together_unplaced_without_splitting():
    homes = [household("H1", max_children=1), household("H2", max_children=1)]
    siblings = [
        child("C1", sibling_group="G1"),
        child("C2", age=5, sibling_group="G1"),
        child("C3", age=3, sibling_group="G1"),
    ]

    result = allocate(siblings, homes, Policy(), AS_OF)

    assert result.assignments == ()
    (left,) = result.unassigned
    assert left.children == ("C1", "C2", "C3")
    assert left.reasons[0] == (
        "no household can take the group of 3 (C1, C2 and C3) whole, and splitting is not allowed"
    )
    assert left.reasons[1] == "of the 2 households: 2 with too few free places"


def test_with_splitting_allowed_the_parts_go_to_different_households_and_are_labelled():
    homes = [household("H1", max_children=2), household("H2", max_children=1)]
    siblings = [
        child("C1", sibling_group="G1"),
        child("C2", age=5, sibling_group="G1"),
        child("C3", age=3, sibling_group="G1"),
    ]

    result = allocate(siblings, homes, Policy(allow_sibling_split=True), AS_OF)

    assert result.objective.children_placed == 3
    households = [a.household for a in result.assignments]
    assert sorted(households) == ["H1", "H2"]
    assert sorted(len(a.children) for a in result.assignments) == [1, 2]
    label = result.assignments[0].split
    assert label.startswith("sibling group G1 split: ")
    assert all(a.split == label for a in result.assignments)
    assert "together with H1" in label


def test_splitting_costs_score_so_a_slightly_better_fit_apart_does_not_split_a_group():
    # H2 and H3, next door, each suit one child a little better than H1, 10 miles away, suits the
    # pair; only the `together` factor (each child of a pair split apart keeps half) makes
    # keeping them together the better total.
    homes = [
        household("H1", max_children=2, location=miles_east(10)),
        household("H2", max_children=1),
        household("H3", max_children=1),
    ]
    siblings = [child("C1", sibling_group="G1"), child("C2", age=5, sibling_group="G1")]
    splitting = Policy(allow_sibling_split=True)
    without_together = Policy(allow_sibling_split=True, weights={**DEFAULT_WEIGHTS, "together": 0})

    result = allocate(siblings, homes, splitting, AS_OF)
    apart = allocate(siblings, homes, without_together, AS_OF)

    assert [(a.children, a.household, a.split) for a in result.assignments] == [
        (("C1", "C2"), "H1", None)
    ]
    (whole,) = ranking(homes, siblings, splitting).candidates
    assert result.objective.total_score == pytest.approx(2 * whole.score)
    assert "keeps all 2 brothers and sisters together" in whole.reasons
    assert sorted(a.household for a in apart.assignments) == ["H2", "H3"]
    assert all(a.split for a in apart.assignments)
    check_allocation(result, siblings, homes, splitting)


def test_a_much_better_fit_apart_still_splits_a_group_when_the_policy_allows():
    # H1 is 60 miles away: what the two children gain next door outweighs being apart.
    homes = [
        household("H1", max_children=2, location=miles_east(60)),
        household("H2", max_children=1),
        household("H3", max_children=1),
    ]
    siblings = [child("C1", sibling_group="G1"), child("C2", age=5, sibling_group="G1")]
    splitting = Policy(allow_sibling_split=True)

    result = allocate(siblings, homes, splitting, AS_OF)

    assert sorted(a.household for a in result.assignments) == ["H2", "H3"]
    (whole,) = ranking(homes, siblings, splitting).candidates
    assert whole.score < min(a.score for a in result.assignments)
    check_allocation(result, siblings, homes, splitting)


def test_a_split_uses_only_sub_groups_a_household_can_take():
    # H1 takes no one under 8 and H2 no sibling groups: C1 (10) and C2 (4) can only go apart.
    homes = [household("H1", min_age=8, max_children=2), household("H2", accepts_siblings=False)]
    siblings = [child("C1", age=10, sibling_group="G1"), child("C2", age=4, sibling_group="G1")]

    result = allocate(siblings, homes, Policy(allow_sibling_split=True), AS_OF)

    assert where(result) == {"C1": "H1", "C2": "H2"}


def test_part_of_a_split_group_left_out_is_unassigned_with_a_reason():
    homes = [household("H1", max_children=1, max_age=10)]
    siblings = [child("C1", age=6, sibling_group="G1"), child("C2", age=13, sibling_group="G1")]

    result = allocate(siblings, homes, Policy(allow_sibling_split=True), AS_OF)

    assert where(result) == {"C1": "H1"}
    assert result.assignments[0].split == "sibling group G1 split: C1 with H1; no household for C2"
    (left,) = result.unassigned
    assert left.children == ("C2",)
    assert left.reasons == (
        "no household can take C2",
        "of the only household: 1 approved for other ages",
    )


def test_a_group_none_can_take_even_apart_says_so():
    homes = [household("H1", max_age=10)]
    siblings = [child("C1", age=13, sibling_group="G1"), child("C2", age=14, sibling_group="G1")]

    result = allocate(siblings, homes, Policy(allow_sibling_split=True), AS_OF)

    assert result.unassigned[0].reasons[0] == (
        "no household can take any of C1 and C2, together or apart"
    )


def test_a_child_who_must_be_the_only_child_gets_a_household_to_themselves():
    homes = [household("H1", max_children=3), household("H2", max_children=1)]
    children = [child("C1", needs_only_child=True), child("C2", age=4), child("C3", age=5)]

    result = allocate(children, homes, Policy(), AS_OF)

    assert placed_with(result) == {"H1": ["C2", "C3"], "H2": ["C1"]}


def test_with_risks_a_bar_a_risk_to_younger_children_does_not_share_with_a_younger_child():
    homes = [household("H1", max_children=2), household("H2", max_children=2)]
    children = [
        child("C1", age=14, risks={RISK_TO_YOUNGER}),
        child("C2", age=5),
        child("C3", age=16),
    ]

    barred = allocate(children, homes, Policy(risk_is_a_bar=True), AS_OF)
    allowed = allocate(children, homes, Policy(), AS_OF)

    assert where(barred)["C1"] != where(barred)["C2"]
    assert barred.objective.children_placed == 3
    assert allowed.objective.children_placed == 3


def test_with_risks_a_bar_a_risk_to_other_children_is_placed_alone():
    homes = [household("H1", max_children=3)]
    children = [child("C1", age=14, risks={RISK_TO_OTHERS}), child("C2", age=5)]

    result = allocate(children, homes, Policy(risk_is_a_bar=True), AS_OF)

    assert result.objective.children_placed == 1
    assert "beside the children placed there now" in result.unassigned[0].reasons[0]


def test_single_children_and_one_group_a_household_use_the_assignment_solver():
    homes = [household(f"H{n}", max_children=1) for n in range(1, 5)]
    children = [child(f"C{n}", age=n + 3) for n in range(1, 4)]

    assert allocate(children, homes, Policy(), AS_OF).method == "assignment"
    several = [replace(home, max_children=2) for home in homes]
    assert allocate(children, several, Policy(), AS_OF).method == "assignment"
    siblings = [*children, child("C9", sibling_group="G"), child("C10", sibling_group="G")]
    assert allocate(siblings, several, Policy(), AS_OF).method == "milp"
    assert allocate(siblings, several, Policy(allow_sibling_split=True), AS_OF).method == "milp"


def test_no_child_with_a_household_to_choose_needs_no_solver():
    result = allocate([child(age=16)], [household(max_age=10)], Policy(), AS_OF)

    assert result.method == "none"
    assert result.objective.children_placed == 0
    assert result.unassigned[0].children == ("C1",)


def test_nothing_to_place_is_an_empty_allocation():
    result = allocate([], [household()], Policy(), AS_OF)

    assert result.assignments == result.unassigned == ()
    assert result.objective.children_placed == 0


def test_keeping_fewer_households_bounds_the_search_but_never_falls_below_first_come():
    homes = [household(f"H{n}", max_children=1, location=miles_east(n)) for n in range(1, 7)]
    children = [child(f"C{n}", age=n + 2) for n in range(1, 6)]

    narrow = allocate(children, homes, Policy(), AS_OF, keep=1)

    assert narrow.objective.children_placed >= narrow.greedy.children_placed == 5
    assert narrow.objective.children_placed == 5


def test_a_child_left_out_by_a_narrow_search_is_told_so():
    # H1 is the best household for both; only C1 can go to H2, and C2 is nearer H1.
    homes = [household("H1", max_children=1), household("H2", location=miles_east(30))]
    children = [child("C1", location=miles_east(3)), child("C2", age=12)]
    homes[1] = replace(homes[1], max_age=10)

    narrow = allocate(children, homes, Policy(), AS_OF, keep=1)

    assert where(narrow) == {"C2": "H1"}
    assert narrow.greedy.children_placed == 1
    assert narrow.unassigned[0].reasons == (
        "the households kept for C1 (the best 1 for each group) are full; "
        "keeping more may place them",
    )
    assert allocate(children, homes, Policy(), AS_OF, keep=2).objective.children_placed == 2


def test_when_the_time_limit_stops_highs_first_come_first_served_is_the_floor(monkeypatch):
    import hearth.matching.allocate as allocation

    asked = {}

    def stopped(*args, options, **kwargs):
        asked.update(options)
        return SimpleNamespace(x=None, status=1)  # the time limit, with no answer found

    monkeypatch.setattr(allocation, "milp", stopped)
    # H1 could take C1 and the siblings together: an integer programme, not an assignment.
    homes = [household("H1", max_children=3), household("H2", max_children=1)]
    children = [child("C1"), child("C2", sibling_group="G"), child("C3", sibling_group="G")]

    result = allocate(children, homes, Policy(), AS_OF, time_limit=5)

    assert asked["time_limit"] == 5
    assert asked["mip_rel_gap"] == 0
    assert (result.method, result.optimal) == ("milp", False)
    assert result.objective == result.greedy
    assert where(result) == {"C1": "H1", "C2": "H1", "C3": "H1"}
    check_allocation(result, children, homes, Policy())


def test_keep_must_be_at_least_one():
    with pytest.raises(ValueError, match="keep"):
        allocate([child()], [household()], Policy(), AS_OF, keep=0)


def test_children_ids_must_be_unique():
    with pytest.raises(ValueError, match="same id"):
        allocate([child("C1"), child("C1")], [household()], Policy(), AS_OF)


def test_groups_are_sibling_groups_in_the_order_their_first_child_comes():
    children = [
        child("C1", sibling_group="B"), child("C2"), child("C3", sibling_group="B"),
        child("C4", sibling_group="A"),
    ]  # fmt: skip

    assert [[c.id for c in g] for g in sibling_groups(children)] == [
        ["C1", "C3"], ["C2"], ["C4"]
    ]  # fmt: skip


def test_sub_groups_are_every_block_of_a_partition_up_to_six_and_small_ones_beyond():
    assert sub_groups(3, split=False) == [(0, 1, 2)]
    assert len(sub_groups(6, split=True)) == 2**6 - 1
    seven = sub_groups(7, split=True)
    assert seven[0] == tuple(range(7))
    assert max(len(block) for block in seven[1:]) == 3
    assert len(seven) == 1 + 7 + 21 + 35


def test_a_large_group_is_split_into_small_sub_groups():
    homes = [household(f"H{n}", max_children=3) for n in range(1, 4)]
    siblings = [child(f"C{n}", age=n, sibling_group="G") for n in range(1, 8)]

    result = allocate(siblings, homes, Policy(allow_sibling_split=True), AS_OF)

    assert result.objective.children_placed == 7  # in three households of three places
    assert all(len(a.children) <= 3 for a in result.assignments)


def test_the_json_is_the_contract_shape():
    homes = [household(f"H{n}", max_children=1, max_age=10) for n in (1, 2)]
    children = [
        child("C1", sibling_group="G1"),
        child("C2", age=4, sibling_group="G1"),
        child("C3", age=16),
    ]

    answer = allocation_as_json(allocate(children, homes, Policy(allow_sibling_split=True), AS_OF))

    assert list(answer) == [
        "version", "assignments", "unassigned", "objective", "greedy", "solver",
    ]  # fmt: skip
    assert answer["version"] == 1
    assert answer["objective"]["children_placed"] == 2
    assert set(answer["assignments"][0]) == {"children", "household", "score", "split", "label"}
    assert answer["unassigned"] == [
        {
            "children": ["C3"],
            "reasons": [
                "no household can take C3",
                "of the 2 households: 2 approved for other ages",
            ],
        }
    ]
    assert answer["greedy"] == answer["objective"]
    assert answer["solver"] == {"method": "milp", "optimal": True}


# Against every possible assignment -------------------------------------------------------------


def brute_force(children, households, policy):
    """(children placed, total score) of the best allocation, trying every one there is."""
    index = HouseholdIndex.build(households)
    room = [home.free_places for home in households]
    groups = sibling_groups(children)
    plans = [_plans(index, group, policy) for group in groups]
    best = [(0, 0.0)]

    def search(number, placed, total, taken):
        if number == len(plans):
            best[0] = max(best[0], (placed, total))
            return
        for plan in plans[number]:
            if _fits(plan, taken, room, households, policy):
                for block, home, _ in plan:
                    taken[home].append(block)
                size = sum(len(block) for block, _, _ in plan)
                score = sum(len(block) * s for block, _, s in plan)
                search(number + 1, placed + size, total + score, taken)
                for _, home, _ in plan:
                    taken[home].pop()

    search(0, 0, 0.0, {n: [] for n in range(len(households))})
    return best[0]


def _plans(index, group, policy):
    """Every way to place one group: nowhere, whole in one household, or (when splitting) each
    block of a partition of some of its children in a different household."""
    options = {}

    def homes_for(block):
        if block not in options:
            found = assess(index, block, policy, AS_OF, whole_size=len(group))
            options[block] = [
                (n, float(found.score[n])) for n in range(len(index)) if found.feasible[n]
            ]
        return options[block]

    plans = [[]]
    partitions = _partitions(group) if policy.allow_sibling_split else [[group]]
    for partition in partitions:
        plans.extend(_blocks_to_homes(partition, homes_for))
    return plans


def _blocks_to_homes(partition, homes_for):
    """Each block to a household of its own or to none, at least one block placed."""
    found = []

    def choose(number, chosen, used):
        if number == len(partition):
            if chosen:
                found.append(list(chosen))
            return
        choose(number + 1, chosen, used)
        for home, score in homes_for(partition[number]):
            if home not in used:
                choose(number + 1, [*chosen, (partition[number], home, score)], used | {home})

    choose(0, [], frozenset())
    return found


def _partitions(children):
    if not children:
        return [[]]
    first, rest = children[0], children[1:]
    found = []
    for partition in _partitions(rest):
        found.append([(first,), *partition])
        for n, block in enumerate(partition):
            found.append([*partition[:n], (first, *block), *partition[n + 1 :]])
    return found


def _fits(plan, taken, room, households, policy):
    for block, home, _ in plan:
        already = taken[home]
        if sum(len(b) for b in already) + len(block) > room[home]:
            return False
        if already and (_alone(block, policy) or any(_alone(b, policy) for b in already)):
            return False
        if policy.risk_is_a_bar and any(_at_risk(block, b) or _at_risk(b, block) for b in already):
            return False
    return True


def _alone(block, policy):
    return any(
        c.needs_only_child or (policy.risk_is_a_bar and RISK_TO_OTHERS in c.risks) for c in block
    )


def _at_risk(block, others):
    """A child in `block` is a risk to a younger child in `others`."""
    return any(
        RISK_TO_YOUNGER in c.risks and o.date_of_birth > c.date_of_birth
        for c in block
        for o in others
    )


def check_allocation(result, children, households, policy):
    """Everything an allocation promises, whatever it chose."""
    index = HouseholdIndex.build(households)
    by_id = {c.id: c for c in children}
    homes = {h.id: n for n, h in enumerate(households)}
    assigned = [c for a in result.assignments for c in a.children]
    left = [c for u in result.unassigned for c in u.children]
    assert len(assigned) == len(set(assigned))
    assert sorted(assigned + left) == sorted(by_id)
    assert all(u.reasons for u in result.unassigned)
    taken = {n: [] for n in range(len(households))}
    whole_size = {c.id: len(group) for group in sibling_groups(children) for c in group}
    for a in result.assignments:
        block = tuple(by_id[c] for c in a.children)
        found = assess(index, block, policy, AS_OF, whole_size=whole_size[block[0].id])
        number = homes[a.household]
        assert found.feasible[number], a
        assert a.score == pytest.approx(float(found.score[number]))
        assert _fits([(block, number, a.score)], taken, [h.free_places for h in households],
                     households, policy)  # fmt: skip
        taken[number].append(block)
    for group in sibling_groups(children):
        ids = {c.id for c in group}
        parts = [a for a in result.assignments if ids & set(a.children)]
        if not policy.allow_sibling_split:
            assert not parts or (len(parts) == 1 and set(parts[0].children) == ids)
        assert len({a.household for a in parts}) == len(parts)
        whole = len(parts) == 1 and set(parts[0].children) == ids
        assert all((a.split is None) == whole for a in parts)
    placed = len(assigned)
    total = sum(a.score * len(a.children) for a in result.assignments)
    assert result.objective.children_placed == placed
    assert result.objective.total_score == pytest.approx(total, abs=1e-9)
    assert (result.greedy.children_placed, result.greedy.total_score - 1e-9) <= (placed, total)


ages = st.integers(0, 17)
statuses = st.sampled_from(["approved"] * 8 + ["temporary", "on_hold"])
placement_types = st.sampled_from(TYPES)
approved_types = st.sampled_from([frozenset(TYPES)] * 2 + [frozenset({t}) for t in TYPES])
needs = st.frozensets(st.sampled_from(["autism", "self_harm", "trauma_attachment"]))
risks = st.sampled_from(
    [frozenset()] * 4 + [frozenset({RISK_TO_YOUNGER}), frozenset({RISK_TO_OTHERS})]
)
miles = st.sampled_from([0, 2, 5, 12, 30])


@st.composite
def any_household(draw, id):
    min_age = draw(st.sampled_from([0, 0, 0, 0, 5, 10]))
    return household(
        id,
        provider=draw(st.sampled_from([IN_HOUSE, IN_HOUSE, "Northern Fostering"])),
        status=draw(statuses),
        min_age=min_age,
        max_age=draw(st.sampled_from([17, 17, 17, max(min_age, 12)])),
        max_children=draw(st.integers(1, 4)),
        types=draw(approved_types),
        named_children=draw(st.sampled_from([frozenset()] * 9 + [frozenset({"C1"})])),
        accepts_siblings=draw(st.sampled_from([True, True, False])),
        children_placed=draw(
            st.lists(st.builds(lambda age: PlacedChild(born(age)), ages), max_size=1)
        ),
        skills=draw(needs),
        location=miles_east(draw(miles)),
        weekly_cost=draw(st.sampled_from([0, 800])),
        experience_years=draw(st.sampled_from([0, 4, 12])),
    )


@st.composite
def scenarios(draw):
    count = draw(st.integers(1, 6))
    groups = draw(st.lists(st.sampled_from([None, "G1", "G2"]), min_size=count, max_size=count))
    children = [
        child(
            f"C{n + 1}",
            age=draw(ages),
            placement_type=draw(placement_types),
            needs=draw(needs),
            risks=draw(risks),
            sibling_group=group,
            needs_only_child=draw(st.sampled_from([False] * 6 + [True])),
        )
        for n, group in enumerate(groups)
    ]
    homes = [draw(any_household(f"H{n + 1}")) for n in range(draw(st.integers(1, 5)))]
    policy = Policy(
        allow_sibling_split=draw(st.booleans()),
        risk_is_a_bar=draw(st.booleans()),
        in_house_first=draw(st.booleans()),
    )
    return children, homes, policy


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios())
def test_the_allocation_is_the_best_of_every_possible_one(scenario):
    children, homes, policy = scenario

    result = allocate(children, homes, policy, AS_OF, keep=len(homes))

    check_allocation(result, children, homes, policy)
    placed, total = brute_force(children, homes, policy)
    assert result.optimal
    assert result.objective.children_placed == placed
    assert result.objective.total_score == pytest.approx(total, abs=1e-6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(1, 3))
def test_a_narrow_search_keeps_every_promise_and_never_falls_below_first_come(scenario, keep):
    children, homes, policy = scenario

    result = allocate(children, homes, policy, AS_OF, keep=keep)

    check_allocation(result, children, homes, policy)
    placed, total = brute_force(children, homes, policy)
    assert (result.objective.children_placed, result.objective.total_score) <= (
        placed,
        total + 1e-6,
    )


def test_the_brute_force_itself_finds_the_obvious_best():
    homes = [household("H1", max_children=1), household("H2", max_children=1, max_age=10)]
    children = [child("C1", age=6), child("C2", age=12)]

    assert brute_force(children, homes, Policy())[0] == 2
    assert brute_force(children, homes[:1], Policy())[0] == 1
