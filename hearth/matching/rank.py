"""Ranking every household for one child or sibling group: hard rules, a weighted score, reasons.

`HouseholdIndex.build` turns the households into arrays once (a structure of arrays); `assess`
then checks every hard rule and computes every factor for all households at once with NumPy, which
ranks one referral against England's whole fostering stock (50,000 households) in a few
milliseconds. `rank` words reasons only for what it returns. docs/matching.md explains the rules,
the factors and their weights; ADR 0013 why matching works this way.
"""

from dataclasses import dataclass

import numpy as np

from hearth.matching import explain, factors, rules
from hearth.matching.factors import NOT_COMPARABLE
from hearth.matching.model import Candidate, Excluded, Ranking
from hearth.matching.rules import RISK_TO_OTHERS, RISK_TO_YOUNGER, Group
from hearth.matching.siblings import best_splits

NO_BIRTH = np.iinfo(np.int32).max  # no child already placed with that risk


class HouseholdIndex:
    """The households as arrays, one entry per household in the order given, built once."""

    @classmethod
    def build(cls, households):
        index = cls()
        index.households = tuple(households)
        ids = [household.id for household in index.households]
        if len(set(ids)) != len(ids):
            raise ValueError("two households have the same id")
        index.position = {household_id: number for number, household_id in enumerate(ids)}
        index._build_approvals()
        index._build_placed_children()
        index._build_carers()
        return index

    def __len__(self):
        return len(self.households)

    def _column(self, value, dtype):
        return np.fromiter((value(h) for h in self.households), dtype=dtype, count=len(self))

    def _build_approvals(self):
        column = self._column
        self.usable = column(lambda h: h.status in rules.USABLE_STATUSES, bool)
        self.temporary = column(lambda h: h.status == "temporary", bool)
        self.names_children = column(lambda h: bool(h.named_children), bool)
        self.type_bits = column(lambda h: rules.type_bits(h.types), np.int32)
        self.min_age = column(lambda h: h.min_age, np.int32)
        self.max_age = column(lambda h: h.max_age, np.int32)
        self.free_places = column(lambda h: h.free_places, np.int32)
        self.accepts_siblings = column(lambda h: h.accepts_siblings, bool)
        named = {}
        for number, household in enumerate(self.households):
            for child_id in household.named_children:
                named.setdefault(child_id, []).append(number)
        self.named = {child_id: np.array(numbers) for child_id, numbers in named.items()}

    def _build_placed_children(self):
        def births(household, risk=None):
            return [
                placed.date_of_birth.toordinal()
                for placed in household.children_placed
                if risk is None or risk in placed.risks
            ]

        column = self._column
        self.placed = column(lambda h: len(h.children_placed), np.int32)
        self.youngest_placed_birth = column(lambda h: max(births(h), default=0), np.int32)
        self.oldest_risk_to_younger_birth = column(
            lambda h: min(births(h, RISK_TO_YOUNGER), default=NO_BIRTH), np.int32
        )
        self.placed_risk_to_others = column(lambda h: bool(births(h, RISK_TO_OTHERS)), bool)

    def _build_carers(self):
        column = self._column
        self.in_house = column(lambda h: h.in_house, bool)
        self.weekly_cost = column(lambda h: 0.0 if h.in_house else max(h.weekly_cost, 0.0), float)
        self.experience_years = column(lambda h: max(h.experience_years, 0.0), float)
        self.easting = column(lambda h: h.location.easting if h.location else np.nan, float)
        self.northing = column(lambda h: h.location.northing if h.location else np.nan, float)
        self.skills = self._tag_columns(lambda h: h.skills)
        self.languages = self._tag_columns(
            lambda h: [v for v in h.languages if v not in NOT_COMPARABLE]
        )
        self.speaks_any = np.logical_or.reduce(
            [*self.languages.values(), np.zeros(len(self), bool)]
        )
        self.codes = {}
        for attribute in ("ethnicity", "religion"):
            values = [getattr(h, attribute) for h in self.households]
            codes = {v: code for code, v in enumerate(sorted(set(values) - NOT_COMPARABLE))}
            self.codes[attribute] = codes
            setattr(self, attribute, np.array([codes.get(v, -1) for v in values], dtype=np.int32))

    def _tag_columns(self, tags):
        """Tag -> boolean array: which households have it."""
        columns = {}
        for number, household in enumerate(self.households):
            for tag in tags(household):
                columns.setdefault(tag, np.zeros(len(self), dtype=bool))[number] = True
        return columns


@dataclass(frozen=True, eq=False)
class Assessment:
    """One group against every household of an index, in the index's order."""

    group: Group
    feasible: np.ndarray  # bool: no hard rule broken
    score: np.ndarray  # in [0, 1]; NaN where not feasible
    distance_miles: np.ndarray  # NaN where a location is not known
    factors: dict  # factor name -> value in [0, 1] for every household
    weights: dict  # factor name -> the weight it had
    broken: dict  # rule name -> bool: where that rule is broken


def assess(index, children, policy, as_of, *, whole_size=None):
    """Check the hard rules and score every household for `children`, placed together.

    `whole_size`: the number of children in their whole sibling group when `children` are only
    part of it (a split), which scores lower on keeping brothers and sisters together; by default
    `children` are the whole group.
    """
    group = Group.of(children, as_of, whole_size)
    weights = factors.weights(policy)
    named = rules.named_count(index, group)
    broken = rules.broken_rules(index, group, policy, named=named)
    feasible = rules.feasible(broken)
    distance = factors.distances_miles(index, group)
    values = factors.values(index, group, policy, distance=distance, named=named)
    score = np.where(feasible, factors.weighted_score(values, weights), np.nan)
    return Assessment(group, feasible, score, distance, values, weights, broken)


def best_first(assessment, policy, limit=None):
    """Positions of the feasible households, best first, at most `limit` of them.

    Highest score first; equal scores go to connected carers, then (with in-house first) in-house
    carers, then more needs met, then the nearer, then the order the households were given in.
    """
    candidates = np.flatnonzero(assessment.feasible)
    scores = assessment.score[candidates]
    if limit is not None and limit < len(candidates):
        if limit <= 0:
            return candidates[:0]
        # Keep everything scoring at least the limit-th best score, ties included, then sort those.
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        keep = scores >= threshold
        candidates, scores = candidates[keep], scores[keep]
    values = assessment.factors
    in_house = values["in_house"][candidates] if policy.in_house_first else 0.0
    distance = np.nan_to_num(assessment.distance_miles[candidates], nan=np.inf)
    keys = (
        candidates,
        distance,
        -values["needs"][candidates],
        -np.broadcast_to(in_house, candidates.shape),
        -values["kinship"][candidates],
        -scores,
    )
    ordered = candidates[np.lexsort(keys)]
    return ordered if limit is None else ordered[:limit]


def rank(index, children, policy, as_of, *, explain_all=True, limit=None):
    """The households for `children` (one child, or a sibling group placed together), explained.

    Candidates come best first, at most `limit` of them (all when None), each with its reasons,
    concerns and support gaps. With `explain_all` (what `hearth match` prints) every excluded
    household is listed too, with every rule it breaks, so that each household appears once;
    without it `excluded` is left empty and only the candidates returned are worded, which is what
    a screen showing the best few needs at national scale. When no household can take a sibling
    group whole and the policy allows splitting, the best ways to split it are given.
    """
    children = tuple(children)
    assessment = assess(index, children, policy, as_of, whole_size=len(children))
    group = assessment.group
    candidates = tuple(
        _candidate(index, assessment, policy, number)
        for number in best_first(assessment, policy, limit).tolist()
    )
    excluded = _excluded(index, assessment) if explain_all else ()
    splits = ()
    if group.size > 1 and policy.allow_sibling_split and not assessment.feasible.any():
        splits = best_splits(group.children, _options_for(index, policy, as_of, group.size))
    return Ranking(group.ids, candidates, excluded, splits)


def _candidate(index, assessment, policy, number):
    household = index.households[number]
    distance = float(assessment.distance_miles[number])
    distance = None if np.isnan(distance) else distance
    found = explain.explain_candidate(household, assessment.group, policy, distance)
    return Candidate(
        household=household.id,
        score=float(assessment.score[number]),
        distance_miles=distance,
        reasons=tuple(found.reasons),
        concerns=tuple(found.concerns),
        support_gaps=tuple(found.support_gaps),
    )


def _excluded(index, assessment):
    broken = {rule: where.tolist() for rule, where in assessment.broken.items()}
    return tuple(
        Excluded(
            household=index.households[number].id,
            reasons=explain.exclusion_reasons(
                index.households[number],
                assessment.group,
                {rule for rule, where in broken.items() if where[number]},
            ),
        )
        for number in np.flatnonzero(~assessment.feasible).tolist()
    )


def _options_for(index, policy, as_of, whole_size):
    """For splitting a group of `whole_size`: the best `count` (household id, score) that can take
    a sub-group, each scored as part of the whole group (lower on keeping them together)."""

    def options_for(sub_group, count):
        assessment = assess(index, sub_group, policy, as_of, whole_size=whole_size)
        return [
            (index.households[number].id, float(assessment.score[number]))
            for number in best_first(assessment, policy, count).tolist()
        ]

    return options_for
