"""Splitting a sibling group that no household can take whole: the best ways to, each labelled.

A split divides the group into sub-groups (a partition of the set of children), each going to a
different household that can take that sub-group. The best splits place the most children, then
have the highest total score (each child counting once: a sub-group's score times its size), then
keep the most children together (fewest sub-groups). For groups of up to six children every
partition is tried (203 of them for six, the Bell number), so the answer is exact; larger groups,
which are rare, are split greedily: the largest sub-group some household can take first.
"""

from itertools import combinations
from math import comb

from hearth.matching.explain import listed
from hearth.matching.model import Split

EXACT_UP_TO = 6
MOST_SPLITS = 3
GREEDY_MOST_SUB_GROUPS = 1000  # sub-groups of one size tried per step when splitting greedily


def set_partitions(items):
    """Every way to divide `items` into non-empty sub-groups, each sub-group in `items` order."""
    items = tuple(items)
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in set_partitions(rest):
        yield [(first,), *partition]
        for position, block in enumerate(partition):
            yield [*partition[:position], (first, *block), *partition[position + 1 :]]


def best_splits(children, options_for, *, most=MOST_SPLITS):
    """The best ways to split `children` between households, best first, at most `most`.

    `options_for(sub_group, count)` gives the best `count` (household, score) pairs that can take
    `sub_group` (a tuple of children), best first. An empty answer means no split places anyone.
    """
    children = tuple(children)
    exact = len(children) <= EXACT_UP_TO
    placements = _exact(children, options_for) if exact else [_greedy(children, options_for)]
    placements = [parts for parts in placements if parts]
    return tuple(
        _split(number, parts, children) for number, parts in enumerate(placements[:most], 1)
    )


def _exact(children, options_for):
    """The best assignment of every partition of the group, best first, without repeats."""
    best_for = _cached(options_for, len(children))
    found = {}
    position = {child.id: place for place, child in enumerate(children)}
    for partition in set_partitions(children):
        if len(partition) == 1:
            continue  # the group whole: no household can take it
        partition.sort(key=lambda block: position[block[0].id])
        parts = _best_assignment(
            [(block, best_for(block)[: len(partition)]) for block in partition]
        )
        if not parts:
            continue
        # Partitions that differ only in how the children left unplaced are grouped place the
        # same children in the same homes: keep one.
        key = frozenset((_ids(block), household) for block, household, _ in parts)
        if key not in found or _order(parts) < _order(found[key]):
            found[key] = parts
    return sorted(found.values(), key=_order)


def _cached(options_for, count):
    answers = {}

    def best_for(block):
        key = _ids(block)
        if key not in answers:
            answers[key] = list(options_for(block, count))
        return answers[key]

    return best_for


def _best_assignment(blocks):
    """Sub-groups to different households, placing the most children, then scoring the most.

    `blocks`: (sub_group, [(household, score), ...]) pairs. Each sub-group needs only its best
    len(blocks) households: the others use at most len(blocks) - 1, so one of those is free and at
    least as good as any household further down its list. The search runs over the households in
    turn, keeping for each set of sub-groups placed so far the best total score (a dynamic
    programme over at most 2**6 sets).
    """
    offers = {}
    for number, (_, options) in enumerate(blocks):
        for household, score in options:
            offers.setdefault(household, []).append((number, score))
    states = {0: (0, 0.0, ())}  # placed sub-groups (bits) -> (children, total score, choices)
    for household, offered in offers.items():
        updated = dict(states)
        for placed_blocks, (placed, total, chosen) in states.items():
            for number, score in offered:
                if placed_blocks & (1 << number):
                    continue
                size = len(blocks[number][0])
                state = (placed + size, total + score * size, (*chosen, (number, household, score)))
                key = placed_blocks | (1 << number)
                if key not in updated or state[1] > updated[key][1]:
                    updated[key] = state
        states = updated
    _, _, chosen = max(states.values(), key=lambda state: (state[0], state[1]))
    return [(blocks[number][0], household, score) for number, household, score in sorted(chosen)]


def _greedy(children, options_for):
    """Repeatedly place the largest sub-group of the children left that an unused household can
    take (the best-scoring one of that size)."""
    remaining, used, parts = children, set(), []
    while remaining:
        largest = len(remaining) - 1 if remaining == children else len(remaining)
        choice = _largest_placeable(remaining, largest, used, options_for)
        if choice is None:
            break
        parts.append(choice)
        used.add(choice[1])
        remaining = tuple(child for child in remaining if child not in choice[0])
    return parts


def _largest_placeable(remaining, largest, used, options_for):
    for size in range(largest, 0, -1):
        if comb(len(remaining), size) > GREEDY_MOST_SUB_GROUPS:
            continue
        best = None
        for block in combinations(remaining, size):
            free = [(h, s) for h, s in options_for(block, len(used) + 1) if h not in used]
            if free and (best is None or free[0][1] > best[2]):
                best = (block, *free[0])
        if best is not None:
            return best
    return None


def _order(parts):
    """Best first: most children placed, highest total score, fewest sub-groups, then by name."""
    placed = sum(len(block) for block, _, _ in parts)
    total = sum(score * len(block) for block, _, score in parts)
    return (
        -placed,
        -total,
        len(parts),
        [(_ids(block), household) for block, household, _ in parts],
    )


def _split(number, parts, children):
    position = {child.id: place for place, child in enumerate(children)}
    parts = sorted(parts, key=lambda part: position[part[0][0].id])
    phrases = [
        f"{listed(_ids(block))} together with {household}"
        if len(block) > 1
        else f"{block[0].id} with {household}"
        for block, household, _ in parts
    ]
    placed = {child.id for block, _, _ in parts for child in block}
    not_placed = [child.id for child in children if child.id not in placed]
    if not_placed:
        phrases.append(f"no household for {listed(not_placed)}")
    total = sum(score * len(block) for block, _, score in parts)
    return Split(
        label=f"Split {number}: {'; '.join(phrases)}",
        parts=tuple((_ids(block), household, score) for block, household, score in parts),
        score=total / len(children),
    )


def _ids(block):
    return tuple(child.id for child in block)
