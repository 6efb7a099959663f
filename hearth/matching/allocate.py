"""Placing many children in many households at once: the most children, then the best total score.

A region's placements team may have dozens of children waiting and thousands of households. Placing
them one at a time, first come first served, can give the only household able to take a sibling
group of three to a child who had ten other homes. `allocate` decides for all of them together:

- it places as many children as possible and, among the ways of doing that, maximises the total
  score: each child placed adds the score `hearth match` gives their group (or sub-group) in that
  household, so a group of three placed with a score of 0.8 adds 2.4; a sub-group is scored as
  part of its whole sibling group, lower on keeping them together (the `together` factor), so a
  split is chosen only when it places more children or its better homes outweigh that;
- no household receives more children than its free places; a child who must be the only child
  (or, when risks are a bar, a child who is a risk to other children) goes to a household that
  receives no one else; with risks as a bar, a child who is a risk to younger children never
  shares a household with a younger child placed in the same allocation;
- a sibling group goes whole to one household or, when the policy allows splitting, as sub-groups
  to different households; every sub-group must itself pass every hard rule (`assess`).

Each (group or sub-group, household) pair passing the hard rules is an option: a yes-or-no choice.
Each group or sub-group keeps its best `keep` households as options; with `keep` at least the
number of households the answer is the exact optimum, and a smaller `keep` bounds the search. When
every household can take only one of the groups offered to it, or only single children with no
risk between them, choosing is an assignment problem, solved by SciPy's `linear_sum_assignment`;
otherwise it is an integer programme solved by HiGHS (`scipy.optimize.milp`). The two aims are one
weighted sum: each child placed is worth more than the highest total score there could be, so
placing one more child always wins. The first-come-first-served answer (`greedy`) is given
beside the optimum. docs/matching.md ("Allocation") explains it for councils.
"""

from dataclasses import dataclass
from itertools import combinations
from typing import NamedTuple

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp

from hearth.matching.explain import listed
from hearth.matching.rank import HouseholdIndex, assess, best_first
from hearth.matching.rules import RISK_TO_OTHERS, RISK_TO_YOUNGER

KEEP = 50  # the best households kept as options for each group or sub-group
EVERY_SUB_GROUP_UP_TO = 6  # larger groups are split only into sub-groups of up to 3 children
LARGE_GROUP_PARTS = 3
NO_RISK = np.iinfo(np.int64).max  # no child born after it: no risk to younger children
HIGHS_SOLVED = 0  # scipy.optimize.milp's status when the optimum is proven

# Why households were ruled out for children no household can take ("3 not approved").
RULE_WORDS = {
    "status": "not approved",
    "named_children": "approved only for the children they name",
    "placement_type": "not approved for this type of care",
    "age": "approved for other ages",
    "free_places": "with too few free places",
    "siblings": "taking no sibling groups",
    "only_child": "with children already, and a child who must be the only one",
    "risk": "where a risk bars these children",
}


@dataclass(frozen=True)
class Assignment:
    children: tuple[str, ...]
    household: str
    score: float  # the score `hearth match` gives these children in this household
    split: str | None = None  # for part of a split sibling group: how the group was split


@dataclass(frozen=True)
class Unassigned:
    children: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Outcome:
    children_placed: int
    total_score: float  # each child placed adds their assignment's score


@dataclass(frozen=True)
class Allocation:
    assignments: tuple[Assignment, ...]
    unassigned: tuple[Unassigned, ...]
    objective: Outcome
    greedy: Outcome  # first come, first served, for comparison
    method: str  # "assignment", "milp", or "none" when no child has a household to choose
    optimal: bool  # proven best over the options kept (False when the time limit stopped HiGHS)


def allocate(children, households, policy, as_of, *, keep=KEEP, time_limit=None):
    """Place `children` (each sibling group together, or split if `policy` allows) in `households`.

    `households` may be a `HouseholdIndex` already built. `keep`: the best households kept for each
    group or sub-group (at least 1). `time_limit`: the most seconds HiGHS may take (None: no
    limit); when it runs out, the better of the best answer found and first come, first served.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    children = tuple(children)
    if len({child.id for child in children}) != len(children):
        raise ValueError("two children have the same id")
    if not isinstance(households, HouseholdIndex):
        households = HouseholdIndex.build(households)
    options = _Options(households, children, policy, as_of, keep)
    greedy = options.build()
    chosen, method, optimal = _solve(options, len(children), time_limit)
    if not optimal and _outcome(options, greedy) > _outcome(options, chosen):
        chosen = greedy
    words = _Words(options, chosen, optimal)
    return Allocation(
        assignments=words.assignments(),
        unassigned=words.unassigned(),
        objective=Outcome(*_outcome(options, chosen)),
        greedy=Outcome(*_outcome(options, greedy)),
        method=method,
        optimal=optimal,
    )


def sibling_groups(children):
    """The children as they are placed: each sibling group together, in the order its first child
    appears; a child with no sibling group on their own."""
    groups = {}
    for child in children:
        key = ("group", child.sibling_group) if child.sibling_group else ("child", child.id)
        groups.setdefault(key, []).append(child)
    return [tuple(group) for group in groups.values()]


def sub_groups(size, split):
    """The sub-groups (positions in the group) a group of `size` may be placed as, largest first.

    The whole group; when splitting, also every smaller sub-group (for up to six children these
    are the blocks of every set partition of the group: choosing blocks that share no child is
    choosing a partition of the children placed) or, for larger groups, those of up to
    LARGE_GROUP_PARTS children.
    """
    whole = tuple(range(size))
    if not split or size == 1:
        return [whole]
    largest = size - 1 if size <= EVERY_SUB_GROUP_UP_TO else min(LARGE_GROUP_PARTS, size - 1)
    smaller = [block for length in range(largest, 0, -1) for block in combinations(whole, length)]
    return [whole, *smaller]


# Options, and first come, first served --------------------------------------------------------


@dataclass(eq=False)
class _SubGroup:
    """A group or sub-group and the households it may go to, best first."""

    group: int  # position in the list of groups
    children: tuple[int, ...]  # positions in the list of all children
    whole: bool
    exclusive: bool  # must be the only children the household receives
    youngest: int  # the youngest child's birth, as an ordinal day: larger is younger
    risky: int  # the oldest birth of a child who is a risk to younger children, or NO_RISK
    households: np.ndarray  # positions in the index
    scores: np.ndarray

    @property
    def size(self):
        return len(self.children)


class _Choice(NamedTuple):
    sub_group: int  # position in _Options.sub_groups
    household: int


class _Options:
    """Every group and sub-group with its best households: the options the optimum chooses from."""

    def __init__(self, index, children, policy, as_of, keep):
        self.index, self.children, self.groups = index, children, sibling_groups(children)
        self.position = {child.id: number for number, child in enumerate(children)}
        # Child -> the size of their whole sibling group: a sub-group is scored as part of it, so
        # splitting brothers and sisters costs score (the `together` factor).
        self.whole_size = {child.id: len(group) for group in self.groups for child in group}
        self.policy, self.as_of, self.keep = policy, as_of, keep
        self.sub_groups = []
        self.of_group = []  # group -> positions of its sub-groups in self.sub_groups

    def build(self):
        """Assess each group and sub-group once, placing each group first come, first served on
        the way; keep each one's best households, and the household first come gave it."""
        homes = _Homes(self.index)
        greedy = []
        for number in range(len(self.groups)):
            first = len(self.sub_groups)
            blocks = sub_groups(len(self.groups[number]), self.policy.allow_sibling_split)
            self.sub_groups.extend(self._sub_group(number, block) for block in blocks)
            self.of_group.append(range(first, len(self.sub_groups)))
            placed = _first_come(self, self.of_group[number], homes)
            greedy.extend(placed)
            for position in self.of_group[number]:
                self._keep_best(position, [c.household for c in placed if c.sub_group == position])
        return greedy

    def assess(self, children):
        """`children` (a group or part of one) scored as part of their whole sibling group."""
        whole_size = self.whole_size[children[0].id]
        return assess(self.index, children, self.policy, self.as_of, whole_size=whole_size)

    def _sub_group(self, number, block):
        children = [self.groups[number][member] for member in block]
        assessment = self.assess(children)
        households = best_first(assessment, self.policy)
        bar = self.policy.risk_is_a_bar
        risky = [c.date_of_birth.toordinal() for c in children if RISK_TO_YOUNGER in c.risks]
        return _SubGroup(
            group=number,
            children=tuple(self.position[child.id] for child in children),
            whole=len(block) == len(self.groups[number]),
            exclusive=any(child.needs_only_child for child in children)
            or (bar and any(RISK_TO_OTHERS in child.risks for child in children)),
            youngest=max(child.date_of_birth for child in children).toordinal(),
            risky=min(risky) if bar and risky else NO_RISK,
            households=households,
            scores=assessment.score[households],
        )

    def _keep_best(self, position, also):
        sub_group = self.sub_groups[position]
        keep = np.arange(len(sub_group.households)) < self.keep
        keep |= np.isin(sub_group.households, also)
        sub_group.households = sub_group.households[keep]
        sub_group.scores = sub_group.scores[keep]

    def arrays(self):
        """Every option as parallel arrays: sub-group, household, score."""
        lengths = [len(s.households) for s in self.sub_groups]
        empty = np.zeros(0, dtype=np.int64)
        return (
            np.repeat(np.arange(len(self.sub_groups)), lengths),
            np.concatenate([empty, *(s.households for s in self.sub_groups)]).astype(np.int64),
            np.concatenate([empty, *(s.scores for s in self.sub_groups)]).astype(float),
        )

    def score(self, choice):
        sub_group = self.sub_groups[choice.sub_group]
        return float(sub_group.scores[np.flatnonzero(sub_group.households == choice.household)[0]])


class _Homes:
    """The room left in each household as children are placed, and who was placed where."""

    def __init__(self, index):
        self.free = index.free_places.astype(np.int64)
        self.room = self.free.copy()
        self.placed = {}  # household -> sub-groups placed there

    def fitting(self, sub_group):
        """The households with room for `sub_group`, in its order, clashes not yet checked."""
        households = sub_group.households
        if sub_group.exclusive:
            return households[self.room[households] == self.free[households]]
        return households[self.room[households] >= sub_group.size]

    def clashes(self, sub_group, household):
        return any(_clash(sub_group, other) for other in self.placed.get(household, ()))

    def fits(self, sub_group, household):
        if sub_group.exclusive:
            return self.room[household] == self.free[household]
        return self.room[household] >= sub_group.size and not self.clashes(sub_group, household)

    def place(self, sub_group, household):
        taken = self.free[household] if sub_group.exclusive else sub_group.size
        self.room[household] -= taken
        self.placed.setdefault(household, []).append(sub_group)


def _clash(one, other):
    """A child in one is a risk to a younger child in the other (only with risks as a bar)."""
    return other.youngest > one.risky or one.youngest > other.risky


def _first_come(options, positions, homes):
    """Today's practice for one group: the best household with room for the whole group; failing
    that, when splitting, the sub-group of the children left with the most children that some
    household with room can take (the best-scoring such pair), again and again, each part in a
    household of its own."""
    whole, *smaller = positions
    household = _best_with_room(options.sub_groups[whole], homes, ())
    if household is not None:
        homes.place(options.sub_groups[whole], household)
        return [_Choice(whole, household)]
    placed, taken, used = [], set(), set()
    while smaller:
        best, best_score = None, -1.0
        for position in smaller:
            sub_group = options.sub_groups[position]
            if best is not None and sub_group.size < options.sub_groups[best.sub_group].size:
                break
            if taken.intersection(sub_group.children):
                continue
            household = _best_with_room(sub_group, homes, used)
            if household is None:
                continue
            score = sub_group.scores[np.flatnonzero(sub_group.households == household)[0]]
            if score > best_score:
                best, best_score = _Choice(position, household), score
        if best is None:
            break
        homes.place(options.sub_groups[best.sub_group], best.household)
        placed.append(best)
        taken.update(options.sub_groups[best.sub_group].children)
        used.add(best.household)
    return placed


def _best_with_room(sub_group, homes, used):
    for household in homes.fitting(sub_group).tolist():
        if household not in used and not homes.clashes(sub_group, household):
            return household
    return None


def _outcome(options, chosen):
    """(children placed, total score): the larger the better, in that order."""
    sizes = [options.sub_groups[c.sub_group].size for c in chosen]
    scores = [options.score(c) for c in chosen]
    return sum(sizes), float(sum(size * score for size, score in zip(sizes, scores, strict=True)))


# The optimum ----------------------------------------------------------------------------------


def _solve(options, children_count, time_limit):
    """The choices made, the method, and whether they are proven the best over the options."""
    sub_group, household, score = options.arrays()
    if not len(sub_group):
        return [], "none", True
    size = np.array([s.size for s in options.sub_groups])[sub_group]
    # Each child placed is worth more than the highest total score (at most 1 per child), so one
    # child more outweighs any difference in score.
    value = size * (children_count + 1 + score)
    slots = _assignment_slots(options, sub_group, household)
    if slots is not None:
        chosen = _solve_as_assignment(options, sub_group, household, value, slots)
        return chosen, "assignment", True
    return _solve_with_milp(options, sub_group, household, value, time_limit)


def _assignment_slots(options, sub_group, household):
    """Household -> its places as slots when choosing is an assignment problem, else None.

    It is when no group may be split and each household can take only one of the groups offered
    to it (one slot), or only single children (a slot per free place) with no risk between them.
    """
    if not all(options.sub_groups[s].whole for s in set(sub_group.tolist())):
        return None
    free = options.index.free_places
    offered = {}
    for s, h in zip(sub_group.tolist(), household.tolist(), strict=True):
        offered.setdefault(h, []).append(options.sub_groups[s])
    slots = {}
    for h, offers in offered.items():
        taking = sorted(free[h] if o.exclusive else o.size for o in offers)
        if len(taking) == 1 or taking[0] + taking[1] > free[h]:
            slots[h] = 1
        elif taking[-1] == 1 and all(o.risky == NO_RISK for o in offers):
            slots[h] = min(int(free[h]), len(offers))
        else:
            return None
    return slots


def _solve_as_assignment(options, sub_group, household, value, slots):
    """Groups as rows, household places as columns: each row one column at most, best total."""
    rows = {s: row for row, s in enumerate(sorted(set(sub_group.tolist())))}
    households = list(slots)
    first_column = np.concatenate([[0], np.cumsum([slots[h] for h in households])])
    column_of = {h: number for number, h in enumerate(households)}
    matrix = np.zeros((len(rows), int(first_column[-1])))
    for s, h, v in zip(sub_group.tolist(), household.tolist(), value.tolist(), strict=True):
        start = first_column[column_of[h]]
        matrix[rows[s], start : start + slots[h]] = v
    chosen_rows, chosen_columns = linear_sum_assignment(matrix, maximize=True)
    sub_group_of_row = list(rows)
    household_of_column = np.repeat(households, [slots[h] for h in households])
    return [
        _Choice(sub_group_of_row[row], int(household_of_column[column]))
        for row, column in zip(chosen_rows.tolist(), chosen_columns.tolist(), strict=True)
        if matrix[row, column] > 0
    ]


def _solve_with_milp(options, sub_group, household, value, time_limit):
    """A binary variable per option; the constraints as rows of one sparse matrix."""
    count = len(sub_group)
    rows = _Rows(count)
    members = [options.sub_groups[s] for s in sub_group.tolist()]
    free = options.index.free_places[household].astype(float)
    # Each child placed at most once.
    for number, member in enumerate(members):
        for child in member.children:
            rows.add(("child", child), number, 1.0)
    # No household over its free places; an exclusive group takes them all.
    taking = np.where([m.exclusive for m in members], free, [m.size for m in members])
    for number, h in enumerate(household.tolist()):
        rows.add(("household", h), number, taking[number], free[number])
    # The parts of a split group go to different households.
    in_household = {}
    for number, (member, h) in enumerate(zip(members, household.tolist(), strict=True)):
        in_household.setdefault((member.group, h), []).append(number)
    for key, numbers in in_household.items():
        for number in numbers if len(numbers) > 1 else ():
            rows.add(("group in household", *key), number, 1.0)
    if options.policy.risk_is_a_bar:
        _add_risk_rows(rows, members, household, free)
    # A zero gap: HiGHS's default (1e-4 of an objective of some 250,000 for 500 children) could
    # give up points of total score. Its presolve spends longer on the overlapping options of
    # split groups than solving takes (5 of 7 seconds for 500 children to 5,000 households), and
    # the relaxation is nearly whole already, so it is off.
    limits = {"mip_rel_gap": 0.0, "presolve": False}
    if time_limit is not None:
        limits["time_limit"] = float(time_limit)
    found = milp(
        -value,
        integrality=np.ones(count),
        bounds=Bounds(0, 1),
        constraints=rows.constraint(),
        options=limits,
    )
    if found.x is None:
        return [], "milp", False
    picked = np.flatnonzero(found.x > 0.5)
    chosen = [_Choice(int(sub_group[n]), int(household[n])) for n in picked]
    return chosen, "milp", found.status == HIGHS_SOLVED


def _add_risk_rows(rows, members, household, free):
    """An option with a child who is a risk to younger children excludes, in its household, every
    other group's option with a younger child: free * x + (sum of those) <= free."""
    at = {}
    for number, h in enumerate(household.tolist()):
        at.setdefault(h, []).append(number)
    for number, member in enumerate(members):
        if member.risky == NO_RISK:
            continue
        h = int(household[number])
        key = ("risk", number)
        rows.add(key, number, free[number], free[number])
        for other in at[h]:
            if members[other].group != member.group and members[other].youngest > member.risky:
                rows.add(key, other, 1.0)


class _Rows:
    """Rows of `sum(coefficient * x) <= limit`, gathered by key."""

    def __init__(self, columns):
        self.columns = columns
        self.number, self.limits = {}, []
        self.row, self.column, self.coefficient = [], [], []

    def add(self, key, column, coefficient, limit=1.0):
        if key not in self.number:
            self.number[key] = len(self.limits)
            self.limits.append(limit)
        self.row.append(self.number[key])
        self.column.append(column)
        self.coefficient.append(coefficient)

    def constraint(self):
        matrix = sparse.csr_array(
            (self.coefficient, (self.row, self.column)), shape=(len(self.limits), self.columns)
        )
        return LinearConstraint(matrix, -np.inf, np.array(self.limits))


# The answer in words --------------------------------------------------------------------------


class _Words:
    """The choices as assignments, and, for every child left out, why."""

    def __init__(self, options, chosen, optimal):
        self.options, self.optimal = options, optimal
        self.children = options.children
        self.homes = _Homes(options.index)
        for choice in chosen:
            self.homes.place(options.sub_groups[choice.sub_group], choice.household)
        self.parts = {}  # group -> its choices, in the order of their first child
        for choice in sorted(chosen, key=lambda c: options.sub_groups[c.sub_group].children):
            self.parts.setdefault(options.sub_groups[choice.sub_group].group, []).append(choice)

    def ids(self, positions):
        return tuple(self.children[number].id for number in positions)

    def assignments(self):
        found = []
        for group in sorted(self.parts):
            label = self._split_label(group)
            for choice in self.parts[group]:
                sub_group = self.options.sub_groups[choice.sub_group]
                found.append(
                    Assignment(
                        children=self.ids(sub_group.children),
                        household=self.options.index.households[choice.household].id,
                        score=self.options.score(choice),
                        split=label,
                    )
                )
        return tuple(found)

    def _split_label(self, group):
        parts = self.parts[group]
        if len(parts) == 1 and self.options.sub_groups[parts[0].sub_group].whole:
            return None
        phrases = []
        for choice in parts:
            ids = self.ids(self.options.sub_groups[choice.sub_group].children)
            home = self.options.index.households[choice.household].id
            together = " together" if len(ids) > 1 else ""
            phrases.append(f"{listed(ids)}{together} with {home}")
        left = self._left_out(group)
        if left:
            phrases.append(f"no household for {listed(self.ids(left))}")
        name = self.options.groups[group][0].sibling_group
        return f"sibling group {name} split: {'; '.join(phrases)}"

    def _left_out(self, group):
        placed = {
            child
            for choice in self.parts.get(group, ())
            for child in self.options.sub_groups[choice.sub_group].children
        }
        whole = self.options.sub_groups[self.options.of_group[group][0]]
        return tuple(child for child in whole.children if child not in placed)

    def unassigned(self):
        found = []
        for group in range(len(self.options.groups)):
            left = self._left_out(group)
            if left:
                found.append(Unassigned(self.ids(left), tuple(self._reasons(group, left))))
        return tuple(found)

    def _reasons(self, group, left):
        """Why `left` (children of `group`) have no household: none can take them, those that
        could are full, or the search stopped short."""
        options = self.options
        names = listed(self.ids(left))
        split = options.policy.allow_sibling_split and len(options.groups[group]) > 1
        blocks = [
            options.sub_groups[position]
            for position in options.of_group[group]
            if set(options.sub_groups[position].children) <= set(left)
        ]
        assessments = [self._assess(block.children) for block in blocks]
        if not any(a.feasible.any() for a in assessments):
            everyone = assessments[0] if blocks[0].children == left else self._assess(left)
            return [self._none_can_take(left, names, split), _ruled_out(everyone)]
        return [self._none_left(group, blocks, assessments, names)]

    def _assess(self, positions):
        return self.options.assess([self.children[number] for number in positions])

    def _none_can_take(self, left, names, split):
        if len(left) == 1:
            return f"no household can take {names}"
        if not split:
            size = len(left)
            return (
                f"no household can take the group of {size} ({names}) whole, "
                "and splitting is not allowed"
            )
        return f"no household can take any of {names}, together or apart"

    def _none_left(self, group, blocks, assessments, names):
        used = {c.household for c in self.parts.get(group, ())}
        why = set()
        for sub_group, assessment in zip(blocks, assessments, strict=True):
            for h in np.flatnonzero(assessment.feasible).tolist():
                alone = any(other.exclusive for other in self.homes.placed.get(h, ()))
                if h in used:
                    why.add("already takes part of their sibling group")
                elif self.homes.room[h] < sub_group.size and not alone:
                    why.add("is full")
                elif not self.homes.fits(sub_group, h):
                    why.add("cannot take them beside the children placed there now")
                else:
                    return self._search_stopped(names)
        ordered = [
            phrase
            for phrase in (
                "is full",
                "cannot take them beside the children placed there now",
                "already takes part of their sibling group",
            )
            if phrase in why
        ]
        return f"every household that could take {names} {listed(ordered, 'or')}"

    def _search_stopped(self, names):
        if not self.optimal:
            return (
                f"the time limit ran out before a household was found for {names}; "
                "a longer limit may place them"
            )
        return (
            f"the households kept for {names} (the best {self.options.keep} for each group) are "
            "full; keeping more may place them"
        )


def _ruled_out(assessment):
    """'of the 5 households: 3 not approved, 2 with too few free places' (most common first; a
    household may break more than one rule)."""
    counts = [(int(broken.sum()), rule) for rule, broken in assessment.broken.items()]
    counts = sorted((c for c in counts if c[0]), key=lambda c: -c[0])
    households = len(assessment.feasible)
    if not households:
        return "there are no households"
    of = "the only household" if households == 1 else f"the {households} households"
    return f"of {of}: " + ", ".join(
        f"{count} {RULE_WORDS.get(rule, rule)}" for count, rule in counts
    )


def allocation_as_json(allocation):
    """`hearth allocate`'s answer (CONTRACT.md section 3), with the first-come-first-served figures,
    how the optimum was found, and, for a split sibling group, how it was split."""
    return {
        "version": 1,
        "assignments": [_assignment_as_json(assignment) for assignment in allocation.assignments],
        "unassigned": [
            {"children": list(left.children), "reasons": list(left.reasons)}
            for left in allocation.unassigned
        ],
        "objective": _outcome_as_json(allocation.objective),
        "greedy": _outcome_as_json(allocation.greedy),
        "solver": {"method": allocation.method, "optimal": allocation.optimal},
    }


def _assignment_as_json(assignment):
    found = {
        "children": list(assignment.children),
        "household": assignment.household,
        "score": round(assignment.score, 4),
    }
    if assignment.split:
        found.update(split=True, label=assignment.split)
    return found


def _outcome_as_json(outcome):
    return {
        "children_placed": outcome.children_placed,
        "total_score": round(outcome.total_score, 4),
    }
