"""Ranking: every household once, best first, explained; the best few at scale; sibling splits."""

import itertools
import random
import subprocess
import sys

import numpy as np
import pytest

from hearth.matching.model import DEFAULT_WEIGHTS, Policy
from hearth.matching.rank import HouseholdIndex, assess, rank
from hearth.matching.siblings import best_splits, set_partitions
from tests.matching import (
    AS_OF,
    candidate,
    child,
    household,
    miles_east,
    order,
    placed,
    ranking,
)


def test_every_household_is_a_candidate_or_excluded_once():
    homes = [household("H1"), household("H2", status="on_hold"), household("H3", max_age=5)]

    result = ranking(homes, [child("C1", age=8)])

    assert order(result) == ["H1"]
    assert [e.household for e in result.excluded] == ["H2", "H3"]
    assert result.children == ("C1",)


def test_candidates_come_best_first():
    homes = [
        household("H1", location=miles_east(30)),
        household("H2", location=miles_east(1), skills={"autism"}),
        household("H3", location=miles_east(1)),
    ]

    result = ranking(homes, [child(needs={"autism"})])

    assert order(result) == ["H2", "H3", "H1"]
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)


def test_assess_scores_only_the_households_that_can_take_the_children():
    index = HouseholdIndex.build([household("H1"), household("H2", status="on_hold")])

    found = assess(index, [child()], Policy(), AS_OF)

    assert found.feasible.tolist() == [True, False]
    assert 0 <= found.score[0] <= 1
    assert np.isnan(found.score[1])
    assert found.distance_miles.tolist() == [0, 0]
    assert found.broken["status"].tolist() == [False, True]


def test_a_limit_gives_the_best_few_exactly_as_the_full_ranking_orders_them():
    rng = random.Random(4)
    homes = [
        household(
            f"H{n}", location=miles_east(rng.uniform(0, 50)), experience_years=rng.choice([1, 5])
        )
        for n in range(60)
    ]
    everyone = ranking(homes, [child()])

    best = ranking(homes, [child()], limit=7, explain_all=False)

    assert order(best) == order(everyone)[:7]
    assert best.candidates == everyone.candidates[:7]
    assert best.excluded == ()


def test_a_limit_keeps_ties_in_the_full_ranking_order():
    homes = [household(f"H{n}") for n in range(10)]  # all the same

    assert order(ranking(homes, [child()], limit=3)) == ["H0", "H1", "H2"]
    assert order(ranking(homes, [child()], limit=0)) == []


def test_equal_scores_put_in_house_carers_first_under_in_house_first():
    # The in-house factor weighs nothing here, and the agency costs nothing: the scores are equal.
    weightless = Policy(weights={**DEFAULT_WEIGHTS, "in_house": 0})
    homes = [household("H1", provider="Northern Fostering"), household("H2")]

    result = ranking(homes, [child()], weightless)

    assert result.candidates[0].score == result.candidates[1].score
    assert order(result) == ["H2", "H1"]
    assert order(ranking(homes, [child()], Policy(in_house_first=False))) == ["H1", "H2"]


def test_equal_scores_put_connected_carers_first():
    weightless = Policy(weights={**DEFAULT_WEIGHTS, "kinship": 0})
    homes = [household("H1"), household("H2", named_children={"C1"})]

    assert order(ranking(homes, [child("C1")], weightless)) == ["H2", "H1"]


def test_household_ids_must_be_unique():
    with pytest.raises(ValueError, match="same id"):
        HouseholdIndex.build([household("H1"), household("H1")])


def test_matching_needs_a_child():
    with pytest.raises(ValueError, match="at least one child"):
        ranking([household()], [])


def test_the_index_is_reused_for_many_children():
    index = HouseholdIndex.build([household("H1", max_age=10), household("H2", min_age=11)])

    younger = rank(index, [child("C1", age=5)], Policy(), AS_OF)
    older = rank(index, [child("C2", age=14)], Policy(), AS_OF)

    assert order(younger) == ["H1"] and order(older) == ["H2"]


# Sibling groups -----------------------------------------------------------------------------------

SPLITTING = Policy(allow_sibling_split=True)


def test_set_partitions_are_the_bell_numbers():
    assert [len(list(set_partitions(range(n)))) for n in range(7)] == [1, 1, 2, 5, 15, 52, 203]
    assert sorted(map(sorted, set_partitions("ab"))) == [[("a",), ("b",)], [("a", "b")]]


def test_a_group_no_household_can_take_whole_gets_labelled_splits():
    homes = [
        household("H1", max_children=2, location=miles_east(1)),
        household("H2", max_children=1, location=miles_east(30)),
    ]
    # C3's school is near H2, C2's a little way towards it.
    group = [child("C1"), child("C2", location=miles_east(5)), child("C3", location=miles_east(30))]

    result = ranking(homes, group, SPLITTING)

    assert result.candidates == ()
    assert [split.label for split in result.splits] == [
        "Split 1: C1 and C2 together with H1; C3 with H2",
        "Split 2: C1 and C3 together with H1; C2 with H2",
        "Split 3: C1 with H2; C2 and C3 together with H1",
    ]
    first = result.splits[0]
    assert [(children, home) for children, home, _ in first.parts] == [
        (("C1", "C2"), "H1"),
        (("C3",), "H2"),
    ]
    # Each part is scored as part of the group of three, as `assess` scores it with whole_size.
    index = HouseholdIndex.build(homes)
    pair_score = float(assess(index, group[:2], Policy(), AS_OF, whole_size=3).score[0])
    single_score = float(assess(index, group[2:], Policy(), AS_OF, whole_size=3).score[1])
    assert pair_score < candidate(ranking(homes, group[:2]), "H1").score  # kept less together
    assert first.parts[0][2] == pytest.approx(pair_score)
    assert first.score == pytest.approx((2 * pair_score + single_score) / 3)


def test_splits_place_the_most_children_first():
    # Scored on needs alone, C1 scores 1 with H1 and 0 with H2, and C2 0 with H1; but only if
    # C1 goes to H2 can C2 (too old for H2) be placed too.
    needs_only = Policy(
        allow_sibling_split=True, weights={name: 0 for name in DEFAULT_WEIGHTS} | {"needs": 1}
    )
    homes = [
        household("H1", max_children=1, skills={"autism"}),
        household("H2", max_children=1, max_age=10),
    ]
    group = [child("C1", age=5, needs={"autism"}), child("C2", age=14, needs={"self_harm"})]

    result = ranking(homes, group, needs_only)

    assert [(split.label, split.score) for split in result.splits] == [
        ("Split 1: C1 with H2; C2 with H1", 0)  # rather than C1 with H1 and C2 unplaced
    ]


def test_a_split_says_which_children_no_household_can_take():
    homes = [household("H1", max_children=1, max_age=10)]
    group = [child("C1", age=5), child("C2", age=14)]

    result = ranking(homes, group, SPLITTING)

    assert [split.label for split in result.splits] == ["Split 1: C1 with H1; no household for C2"]


def test_no_splits_without_the_policy_or_when_the_group_can_stay_together():
    homes = [household("H1", max_children=1), household("H2", max_children=1)]
    group = [child("C1"), child("C2")]

    assert ranking(homes, group).splits == ()
    assert ranking(homes + [household("H3", max_children=2)], group, SPLITTING).splits == ()
    assert ranking(homes, group, SPLITTING).splits != ()


def test_at_most_three_splits_are_given():
    homes = [household(f"H{n}", max_children=1) for n in range(4)]
    group = [child(f"C{n}") for n in range(4)]

    assert len(ranking(homes, group, SPLITTING).splits) == 3


def test_large_groups_are_split_greedily_largest_sub_group_first():
    homes = [
        household("H1", max_children=4),
        household("H2", max_children=2),
        household("H3", max_children=1),
    ]
    group = [child(f"C{n}") for n in range(1, 8)]

    [split] = ranking(homes, group, SPLITTING).splits

    assert [len(children) for children, _, _ in split.parts] == [4, 2, 1]
    assert (
        split.label
        == "Split 1: C1, C2, C3 and C4 together with H1; C5 and C6 together with H2; C7 with H3"
    )


def _brute_force_best(index, group, policy):
    """(children placed, total score) of the best split, by trying every assignment."""
    best = (0, 0.0)
    for partition in set_partitions(group):
        if len(partition) == 1:
            continue
        options = []
        for block in partition:
            found = assess(index, block, policy, AS_OF, whole_size=len(group))
            options.append([None] + [int(n) for n in np.flatnonzero(found.feasible)])
            scores = found.score
            options[-1] = [(n, 0.0 if n is None else float(scores[n])) for n in options[-1]]
        for choice in itertools.product(*options):
            homes = [n for n, _ in choice if n is not None]
            if len(homes) != len(set(homes)):
                continue
            placed_children = sum(len(b) for b, (n, _) in zip(partition, choice) if n is not None)
            total = sum(len(b) * s for b, (n, s) in zip(partition, choice) if n is not None)
            best = max(best, (placed_children, total))
    return best


@pytest.mark.parametrize("seed", range(12))
def test_the_best_split_is_the_best_of_every_possible_assignment(seed):
    rng = random.Random(seed)
    group = [
        child(f"C{n}", age=rng.randint(0, 17), needs=set(rng.sample(["autism", "self_harm"], 1)))
        for n in range(rng.randint(2, 4))
    ]
    homes = [
        household(
            f"H{n}",
            max_children=rng.randint(1, 2),
            min_age=rng.choice([0, 5]),
            max_age=rng.choice([10, 17]),
            skills=set(rng.sample(["autism", "self_harm"], 1)),
            location=miles_east(rng.uniform(0, 30)),
            children_placed=[placed(rng.randint(0, 17))] if rng.random() < 0.2 else [],
        )  # fmt: skip
        for n in range(rng.randint(2, 6))
    ]
    policy = Policy(allow_sibling_split=True)
    index = HouseholdIndex.build(homes)
    assume_split = not assess(index, group, policy, AS_OF).feasible.any()

    result = rank(index, group, policy, AS_OF)
    placed_children, total = _brute_force_best(index, group, policy)

    if not assume_split or placed_children == 0:
        assert result.splits == ()
        return
    best = result.splits[0]
    assert sum(len(children) for children, _, _ in best.parts) == placed_children
    assert best.score * len(group) == pytest.approx(total)
    households = [home for _, home, _ in best.parts]
    assert len(households) == len(set(households))


def test_best_splits_asks_each_sub_group_once():
    asked = []

    def options_for(sub_group, count):
        asked.append(tuple(sub_group))
        return [("H1", 0.5)] if len(sub_group) == 1 else []

    best_splits([child("C1"), child("C2"), child("C3")], options_for)

    assert len(asked) == len(set(asked)) == 7 - 1  # every non-empty sub-group but the whole


# Plain Python -------------------------------------------------------------------------------------


def test_the_matching_engine_imports_nothing_from_django():
    program = (
        "import importlib, pkgutil, sys, hearth.matching\n"
        "names = [m.name for m in pkgutil.walk_packages(hearth.matching.__path__, 'hearth.matching.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "print(sorted(names))\n"
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))\n"
    )

    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, check=True
    )

    modules, django = result.stdout.splitlines()
    for module in ("rank", "rules", "factors", "explain", "siblings", "scenario", "model"):
        assert f"'hearth.matching.{module}'" in modules
    assert django == "[]"
