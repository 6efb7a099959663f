"""Time the matching engine on synthetic regional scenarios (`hearth.matching.generate`: homes and
children spread over Greater Manchester's postcode districts, with England's national marginals).

- Ranking one referral, a single child and a sibling group of three, against 50,000 households
  (England's whole fostering stock) in process, after the households are turned into arrays once
  (`HouseholdIndex.build`, timed too): the best 20 explained, as a screen asks for them; then
  every household explained, as `hearth match` prints them.
- Allocating many children at once (`allocate`): 500 children to 5,000 households with sibling
  groups kept whole and with splitting allowed, and 50 children to 500 households (one council's
  week); each with the children placed and the total score of the optimum and of first come,
  first served (today's practice), and the difference; then that difference on the same sizes
  generated from five other seeds, since one scenario may happen to suit first come, first served.
  With splitting allowed, how many sibling groups the optimum splits, and how many of those no
  household could take whole (the rest are split because the parts' better homes outweigh what
  being apart costs on the `together` factor).

No database and no Django: the engine is plain Python.
"""

import statistics
import time

from hearth.matching.allocate import allocate, sibling_groups
from hearth.matching.generate import generate, sibling_group
from hearth.matching.model import Policy
from hearth.matching.rank import HouseholdIndex, assess, rank

SEED = 2026
NATIONAL_HOUSEHOLDS = 50_000
SHOWN = 20  # the candidates a screen shows and explains
BUILD_RUNS = 5
RANK_RUNS = 25
EXPLAIN_ALL_RUNS = 5
ALLOCATE_RUNS = 5
OTHER_SEEDS = range(1, 6)  # each allocation once more on each, for the optimum against greedy
# (label, children, households, sibling groups may be split)
ALLOCATIONS = (
    ("500 children to 5,000 households, groups whole", 500, 5_000, False),
    ("500 children to 5,000 households, splitting allowed", 500, 5_000, True),
    ("50 children to 500 households, groups whole", 50, 500, False),
)


def _timed(runs, work, *arguments, **keywords):
    """(median seconds of `runs` calls of `work`, what the last call returned)."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        result = work(*arguments, **keywords)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), result


def run_ranking():
    """Ranking one referral against NATIONAL_HOUSEHOLDS households."""
    started = time.perf_counter()
    scenario = generate(households=NATIONAL_HOUSEHOLDS, seed=SEED)
    generated = time.perf_counter() - started
    households, policy, as_of = scenario.households, scenario.policy, scenario.as_of
    built, index = _timed(BUILD_RUNS, HouseholdIndex.build, households)
    results = [
        (f"generate {len(households):,} households (not a target)", generated, "s"),
        (f"HouseholdIndex.build, {len(households):,} households", built, "s"),
    ]
    for size, who in ((1, "a single child"), (3, "a sibling group of 3")):
        children = sibling_group(size, seed=SEED)
        arguments = (index, children, policy, as_of)
        assessed, assessment = _timed(RANK_RUNS, assess, *arguments)
        shown, ranking = _timed(RANK_RUNS, rank, *arguments, explain_all=False, limit=SHOWN)
        every, _ = _timed(EXPLAIN_ALL_RUNS, rank, *arguments)
        feasible = int(assessment.feasible.sum())
        results += [
            (
                f"{who}: assess (rules and scores, {feasible:,} can take them)",
                assessed * 1000,
                "ms",
            ),
            (f"{who}: rank, the best {len(ranking.candidates)} explained", shown * 1000, "ms"),
            (f"{who}: rank, every household explained (hearth match)", every * 1000, "ms"),
        ]
    return results


def run_allocations():
    """Each of ALLOCATIONS: its median time, then the optimum beside first come, first served."""
    results = []
    for label, children_count, households_count, split in ALLOCATIONS:
        scenario = generate(households=households_count, children=children_count, seed=SEED)
        policy = Policy(allow_sibling_split=split)
        children, households, as_of = scenario.children, scenario.households, scenario.as_of
        groups = len({child.sibling_group for child in children if child.sibling_group})
        seconds, allocation = _timed(ALLOCATE_RUNS, allocate, children, households, policy, as_of)
        best, greedy = allocation.objective, allocation.greedy
        proven = "optimal" if allocation.optimal else "NOT proven optimal"
        results += [
            (
                f"allocate {label} ({groups} sibling groups; {allocation.method}, {proven})",
                seconds,
                "s",
            ),
            ("    optimum: children placed", best.children_placed, " children"),
            ("    optimum: total score", best.total_score, "score"),
            ("    first come, first served: children placed", greedy.children_placed, " children"),
            ("    first come, first served: total score", greedy.total_score, "score"),
            (
                "    optimum minus first come, first served: children placed",
                best.children_placed - greedy.children_placed,
                " children",
            ),
            (
                "    optimum minus first come, first served: total score",
                best.total_score - greedy.total_score,
                "score",
            ),
        ]
        if split:
            split_groups, none_whole = _groups_split(allocation, scenario, policy)
            results.append(
                (
                    f"    optimum: sibling groups split (of {groups}; {none_whole} of them no "
                    "household can take whole)",
                    split_groups,
                    " groups",
                )
            )
        results += _other_seeds(children_count, households_count, policy)
    return results


def _groups_split(allocation, scenario, policy):
    """(sibling groups the allocation splits, how many of them no household can take whole)."""
    group_of = {child.id: child.sibling_group for child in scenario.children}
    split = {group_of[a.children[0]] for a in allocation.assignments if a.split}
    index = HouseholdIndex.build(scenario.households)
    whole = {group[0].sibling_group: group for group in sibling_groups(scenario.children)}
    none_whole = sum(
        not assess(index, whole[name], policy, scenario.as_of).feasible.any() for name in split
    )
    return len(split), none_whole


def _other_seeds(children_count, households_count, policy):
    """How many more children the optimum places than first come, first served, and how much
    higher its total score is, on the same sizes generated from each of OTHER_SEEDS."""
    more, higher, split = [], [], []
    for seed in OTHER_SEEDS:
        scenario = generate(households=households_count, children=children_count, seed=seed)
        allocation = allocate(scenario.children, scenario.households, policy, scenario.as_of)
        best, greedy = allocation.objective, allocation.greedy
        more.append(best.children_placed - greedy.children_placed)
        higher.append(best.total_score - greedy.total_score)
        groups = len({child.sibling_group for child in scenario.children if child.sibling_group})
        split.append((*_groups_split(allocation, scenario, policy), groups))
    seeds = f"    seeds {OTHER_SEEDS[0]} to {OTHER_SEEDS[-1]}"
    split_lines = []
    if policy.allow_sibling_split:
        each = ", ".join(
            f"{count} of {groups} ({none} none whole)" for count, none, groups in split
        )
        split_lines.append(
            (
                f"{seeds}, optimum: sibling groups split (median; each: {each})",
                statistics.median(count for count, _, _ in split),
                " groups",
            )
        )
    seeds += ", optimum minus first come, first served"
    return [
        (
            f"{seeds}: children placed (median; each: {', '.join(map(str, more))})",
            statistics.median(more),
            " children",
        ),
        (
            f"{seeds}: total score (median; each: {', '.join(f'{s:.2f}' for s in higher)})",
            statistics.median(higher),
            "score",
        ),
        *split_lines,
    ]


def run():
    return run_ranking() + run_allocations()
