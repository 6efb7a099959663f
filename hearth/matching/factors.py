"""The scoring factors: each gives every household a value in [0, 1], all households at once.

A candidate's score is the weighted mean of its factors' values, the weights coming from the
council's policy (`Policy.weights`, defaults in `model.DEFAULT_WEIGHTS`). docs/matching.md gives
every formula; `hearth.matching.explain` words what each factor found for one household.
"""

import math

import numpy as np

from hearth.matching.model import DEFAULT_WEIGHTS
from hearth.matching.rules import risk_from_placed, risk_to_placed

FACTORS = tuple(DEFAULT_WEIGHTS)
METRES_PER_MILE = 1609.344
EXPERIENCE_FULL_YEARS = 10.0  # experience counts fully from ten years on
UNKNOWN_DISTANCE_VALUE = 0.5  # as if at the distance limit
NOTHING_TO_COMPARE_VALUE = 0.5  # identity where neither side records anything comparable
# Values that say nothing about identity: not known, refused, or a catch-all such as "other".
NOT_COMPARABLE = frozenset({"", "NOBT", "REFU", "not_known", "other"})


def weights(policy):
    """The weight of each factor under `policy`; in-house first off gives its factor no weight.

    Raises ValueError for a factor that does not exist, a weight below 0 or not a number, or
    weights that are all 0.
    """
    chosen = dict(DEFAULT_WEIGHTS)
    for name, weight in policy.weights.items():
        if name not in chosen:
            raise ValueError(f"no scoring factor is called {name!r}")
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            raise ValueError(f"the weight of {name} is not a number")
        if not (math.isfinite(weight) and weight >= 0):
            raise ValueError(f"the weight of {name} must be 0 or more")
        chosen[name] = float(weight)
    if not policy.in_house_first:
        chosen["in_house"] = 0.0
    if sum(chosen.values()) <= 0:
        raise ValueError("at least one scoring factor needs a weight above 0")
    return chosen


def distances_miles(index, group):
    """Straight-line miles from the farthest child's location to each household; NaN if unknown."""
    located = [child.location for child in group.children if child.location is not None]
    if not located:
        return np.full(len(index), np.nan)
    farthest = None
    for place in located:
        east, north = index.easting - place.easting, index.northing - place.northing
        miles = np.sqrt(east * east + north * north)
        farthest = miles if farthest is None else np.maximum(farthest, miles)
    return farthest / METRES_PER_MILE


def values(index, group, policy, *, distance, named):
    """Factor name -> value in [0, 1] for every household."""
    limit = policy.distance_limit_miles
    cost_reference = policy.weekly_cost_reference
    return {
        "needs": needs_met(index, group),
        "distance": np.where(
            np.isnan(distance), UNKNOWN_DISTANCE_VALUE, limit / (limit + distance)
        ),
        "in_house": index.in_house.astype(float),
        "kinship": named / group.size,
        "identity": identity(index, group),
        "risk": 1.0 - (risk_to_placed(index, group) | risk_from_placed(index, group)),
        "experience": np.minimum(index.experience_years, EXPERIENCE_FULL_YEARS)
        / EXPERIENCE_FULL_YEARS,
        "cost": np.where(
            index.in_house, 1.0, cost_reference / (cost_reference + index.weekly_cost)
        ),
        "household_size": (index.placed + group.size <= policy.fostering_limit).astype(float),
        # The same for every household: the share of the sibling group placed here together.
        "together": np.full(len(index), group.size / group.whole),
    }


def needs_met(index, group):
    """The fraction of the group's needs the household's skills meet (1 when it has none)."""
    needs = group.needs
    if not needs:
        return np.ones(len(index))
    met = np.zeros(len(index))
    for need in needs:
        skilled = index.skills.get(need)
        if skilled is not None:
            met += skilled
    return met / len(needs)


def identity(index, group):
    """The mean of the ethnicity, religion and language matches that can be compared.

    Ethnicity and religion: the fraction of the children whose value the household shares.
    Language: the fraction of the children's languages spoken in the household. A part counts only
    where both sides record something comparable; with nothing to compare the value is 0.5.
    """
    total = np.zeros(len(index))
    compared = np.zeros(len(index))
    for attribute in ("ethnicity", "religion"):
        asked = [getattr(c, attribute) for c in group.children]
        asked = [value for value in asked if value not in NOT_COMPARABLE]
        if asked:
            codes, household_codes = index.codes[attribute], getattr(index, attribute)
            shared = sum(household_codes == codes[v] for v in asked if v in codes)
            known = household_codes >= 0
            total += np.where(known, shared / len(asked), 0.0)
            compared += known
    languages = [language for language in group.languages if language not in NOT_COMPARABLE]
    if languages:
        spoken = sum(index.languages[v] for v in languages if v in index.languages)
        total += np.where(index.speaks_any, spoken / len(languages), 0.0)
        compared += index.speaks_any
    return np.where(compared > 0, total / np.maximum(compared, 1), NOTHING_TO_COMPARE_VALUE)


def weighted_score(factor_values, factor_weights):
    """The weighted mean of the factors' values, in [0, 1]."""
    total_weight = sum(factor_weights.values())
    score = sum(
        weight * factor_values[name] for name, weight in factor_weights.items() if weight > 0
    )
    return np.clip(score / total_weight, 0.0, 1.0)
