"""The hard rules of matching (CONTRACT.md section 3): a household that breaks one is excluded.

Each rule is checked for every household at once over the arrays of a `HouseholdIndex`
(hearth.matching.rank), giving where it is broken; `hearth.matching.explain` words each broken
rule for the household it excludes.
"""

from dataclasses import dataclass
from datetime import date

import numpy as np

from hearth.matching.model import PLACEMENT_TYPES, Child

RISK_TO_YOUNGER = "risk_to_younger_children"
RISK_TO_OTHERS = "risk_to_other_children"

# In the order their reasons are given.
RULES = (
    "status",  # not approved or temporarily approved
    "named_children",  # a temporary or connected approval that does not name every child
    "placement_type",  # the type of care is not one the household is approved for
    "age",  # a child's age outside the approval's range
    "free_places",  # fewer free places than children
    "siblings",  # a group of more than one, and the household takes no sibling groups
    "only_child",  # a child who must be the only one, and children already placed
    "risk",  # with policy.risk_is_a_bar: a risk between the children and those already placed
)

USABLE_STATUSES = ("approved", "temporary")
TYPE_BITS = {placement_type: 1 << bit for bit, placement_type in enumerate(PLACEMENT_TYPES)}


def age_on(date_of_birth, day):
    """Whole years on `day`; a child not yet born (a pre-birth referral) counts as 0."""
    before_birthday = (day.month, day.day) < (date_of_birth.month, date_of_birth.day)
    return max(day.year - date_of_birth.year - before_birthday, 0)


def type_bits(types):
    bits = 0
    for placement_type in types:
        bits |= TYPE_BITS.get(placement_type, 0)
    return bits


@dataclass(frozen=True)
class Group:
    """The children to be placed together, and what the rules and factors ask of them."""

    children: tuple[Child, ...]
    as_of: date
    whole_size: int  # the children in the whole sibling group these are (part of)

    @classmethod
    def of(cls, children, as_of, whole_size=None):
        """`whole_size`: how many children the whole sibling group has, when `children` are part
        of a split group; by default the group is `children`, whole."""
        children = tuple(children)
        if not children:
            raise ValueError("matching needs at least one child")
        if whole_size is None:
            whole_size = len(children)
        if whole_size < len(children):
            raise ValueError("a sibling group cannot have fewer children than a part of it")
        return cls(children, as_of, whole_size)

    @property
    def size(self):
        return len(self.children)

    @property
    def whole(self):
        """The size of the whole sibling group (the group itself when it is not split)."""
        return self.whole_size

    @property
    def ids(self):
        return tuple(child.id for child in self.children)

    @property
    def ages(self):
        return tuple(age_on(child.date_of_birth, self.as_of) for child in self.children)

    @property
    def types(self):
        """The types of care asked for, in the order of PLACEMENT_TYPES (unknown ones last)."""
        asked = {child.placement_type for child in self.children}
        return tuple(sorted(asked, key=lambda t: (PLACEMENT_TYPES + (t,)).index(t)))

    @property
    def needs(self):
        """Every need of any child in the group, once each, sorted."""
        return tuple(sorted(set().union(*(child.needs for child in self.children))))

    @property
    def languages(self):
        return tuple(sorted(set().union(*(child.languages for child in self.children))))

    @property
    def youngest_birth(self):
        return max(child.date_of_birth for child in self.children).toordinal()

    def births_with_risk(self, risk):
        return [child.date_of_birth.toordinal() for child in self.children if risk in child.risks]


def named_count(index, group):
    """How many of the group's children each household names (kinship or connected approval)."""
    count = np.zeros(len(index), dtype=np.int32)
    for child in group.children:
        named_by = index.named.get(child.id)
        if named_by is not None:
            count[named_by] += 1
    return count


def risk_to_placed(index, group):
    """Where a child in the group is a risk to a child already placed (younger, or any)."""
    at_risk = np.zeros(len(index), dtype=bool)
    for birth in group.births_with_risk(RISK_TO_YOUNGER):
        at_risk |= (index.placed > 0) & (index.youngest_placed_birth > birth)
    if group.births_with_risk(RISK_TO_OTHERS):
        at_risk |= index.placed > 0
    return at_risk


def risk_from_placed(index, group):
    """Where a child already placed is a risk to a child in the group (younger, or any)."""
    return (index.oldest_risk_to_younger_birth < group.youngest_birth) | index.placed_risk_to_others


def broken_rules(index, group, policy, named=None):
    """Rule name -> boolean array: where each household breaks that rule."""
    named = named_count(index, group) if named is None else named
    ages = group.ages
    asked_types = type_bits(group.types)
    broken = {
        "status": ~index.usable,
        "named_children": (index.temporary | index.names_children) & (named < group.size),
        "placement_type": (
            (index.type_bits & asked_types) != asked_types
            if all(t in TYPE_BITS for t in group.types)
            else ~_nowhere(index)  # a type no household can be approved for
        ),
        "age": (index.min_age > min(ages)) | (index.max_age < max(ages)),
        "free_places": index.free_places < group.size,
        "siblings": ~index.accepts_siblings if group.size > 1 else _nowhere(index),
        "only_child": (
            index.placed > 0
            if any(child.needs_only_child for child in group.children)
            else _nowhere(index)
        ),
        "risk": (
            risk_to_placed(index, group) | risk_from_placed(index, group)
            if policy.risk_is_a_bar
            else _nowhere(index)
        ),
    }
    return broken


def feasible(broken):
    """Where no rule is broken."""
    return ~np.logical_or.reduce(list(broken.values()))


def _nowhere(index):
    return np.zeros(len(index), dtype=bool)
