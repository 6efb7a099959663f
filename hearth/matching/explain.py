"""The words of matching: why a household is excluded, and what counts for and against a candidate.

Social workers read these on the search screens and in the matching form, so each says what was
found in plain terms ("age 12 outside approval 0-10", "meets 2 of 3 needs: autism, self_harm")
rather than how much it weighed. docs/matching.md lists every wording.
"""

from hearth.matching.factors import NOT_COMPARABLE
from hearth.matching.model import PLACEMENT_TYPES
from hearth.matching.rules import RISK_TO_OTHERS, RISK_TO_YOUNGER, RULES, age_on


def listed(words, last="and"):
    """'a', 'a and b', 'a, b and c'."""
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def children_word(count):
    return f"{count} child" if count == 1 else f"{count} children"


def _subject(group, children=None):
    """'the child' for one child on their own; otherwise the children's ids."""
    children = group.children if children is None else children
    if group.size == 1:
        return "the child"
    return listed(child.id for child in children)


# Hard rules ---------------------------------------------------------------------------------------


def exclusion_reasons(household, group, broken):
    """Every rule the household breaks for this group, worded, in the order of RULES."""
    reasons = []
    for rule in RULES:
        if rule in broken:
            reasons.extend(RULE_WORDS[rule](household, group))
    return tuple(reasons)


# Why a household's status keeps it out of every search, in the service's words.
STATUS_WORDS = {
    "on_hold": "on hold: offered again once the hold is lifted",
    "in_assessment": "still in assessment, not yet approved",
    "enquiry": "an enquiry, not approved",
    "application": "applying to foster, not approved",
    "not_progressed": "did not go on to approval",
    "deregistered": "no longer fostering",
}


def _status(household, group):
    return [STATUS_WORDS.get(household.status, f"status {household.status}, not approved")]


def _named_children(household, group):
    not_named = [c.id for c in group.children if c.id not in household.named_children]
    named = sorted(household.named_children)
    approval = (
        "temporary approval (Regulation 24)" if household.status == "temporary" else "approved"
    )
    scope = f"for {listed(named)} only" if named else "for no named child"
    return [f"{approval} {scope}, not {listed(not_named)}"]


def _placement_type(household, group):
    known = [t for t in PLACEMENT_TYPES if t in household.types]
    approved = known + sorted(household.types - set(known))
    missing = [t for t in group.types if t not in household.types]
    return [f"approved for {', '.join(approved) or 'no type of care'}, not {listed(missing, 'or')}"]


def _age(household, group):
    reasons = []
    for child, age in zip(group.children, group.ages, strict=True):
        if not household.min_age <= age <= household.max_age:
            who = "" if group.size == 1 else f"{child.id}: "
            reasons.append(
                f"{who}age {age} outside approval {household.min_age}-{household.max_age}"
            )
    return reasons


def _free_places(household, group):
    free = max(household.free_places, 0)
    if group.size == 1:
        return ["no free place"]
    places = "1 free place" if free == 1 else f"{free} free places"
    return [f"{places} for a group of {group.size}"]


def _siblings(household, group):
    return ["does not take sibling groups"]


def _only_child(household, group):
    placed = len(household.children_placed)
    already = f"{children_word(placed)} {'is' if placed == 1 else 'are'} already placed"
    return [
        f"{'' if group.size == 1 else f'{child.id} '}needs to be the only child, and {already}"
        for child in group.children
        if child.needs_only_child
    ]


def risk_words(household, group):
    """Each risk between the group and the children already placed, worded."""
    words = []
    placed = household.children_placed
    for child in group.children:
        who = _subject(group, [child])
        if RISK_TO_YOUNGER in child.risks:
            younger = [p for p in placed if p.date_of_birth > child.date_of_birth]
            if younger:
                words.append(
                    f"{who} is a risk to younger children, and {_placed_ages(younger, group)} "
                    f"{'is' if len(younger) == 1 else 'are'} already placed"
                )
        if RISK_TO_OTHERS in child.risks and placed:
            words.append(
                f"{who} is a risk to other children, and {children_word(len(placed))} "
                f"{'is' if len(placed) == 1 else 'are'} already placed"
            )
    for other in placed:
        aged = f"a child already placed (aged {age_on(other.date_of_birth, group.as_of)})"
        if RISK_TO_YOUNGER in other.risks:
            younger = [c for c in group.children if c.date_of_birth > other.date_of_birth]
            if younger:
                words.append(f"{aged} is a risk to younger children, and {_ages(younger, group)}")
        if RISK_TO_OTHERS in other.risks:
            words.append(f"{aged} is a risk to other children")
    return words


def _placed_ages(placed, group):
    ages = sorted(age_on(p.date_of_birth, group.as_of) for p in placed)
    if len(ages) == 1:
        return f"a child of {ages[0]}"
    return f"children of {listed(str(age) for age in ages)}"


def _ages(children, group):
    """'the child is 9' or 'C2 is 9 and C3 is 7'."""
    return listed(
        f"{_subject(group, [child])} is {age_on(child.date_of_birth, group.as_of)}"
        for child in children
    )


RULE_WORDS = {
    "status": _status,
    "named_children": _named_children,
    "placement_type": _placement_type,
    "age": _age,
    "free_places": _free_places,
    "siblings": _siblings,
    "only_child": _only_child,
    "risk": risk_words,
}


# Factors ------------------------------------------------------------------------------------------


class Explanation:
    """Reasons (what counts for the household), concerns (what counts against it, or needs
    thought in the placement plan) and support gaps (the needs its carers' skills do not meet)."""

    def __init__(self):
        self.reasons, self.concerns, self.support_gaps = [], [], []


def explain_candidate(household, group, policy, distance):
    """What each factor found for one household that can take the group."""
    found = Explanation()
    for explain in FACTOR_WORDS:
        explain(found, household, group, policy, distance)
    return found


def _kinship(found, household, group, policy, distance):
    named = [child.id for child in group.children if child.id in household.named_children]
    if named:
        found.reasons.append(f"connected carers approved for {listed(named)}")


def _together(found, household, group, policy, distance):
    if group.size < group.whole:
        found.concerns.append(
            f"splits the brothers and sisters: {group.size} of {group.whole} together here"
        )
    elif group.size > 1:
        found.reasons.append(f"keeps all {group.size} brothers and sisters together")


def _needs(found, household, group, policy, distance):
    needs = group.needs
    met = [need for need in needs if need in household.skills]
    unmet = [need for need in needs if need not in household.skills]
    if not needs:
        found.reasons.append("no recorded needs to meet")
    if met:
        found.reasons.append(f"meets {len(met)} of {len(needs)} needs: {', '.join(met)}")
    if unmet:
        found.concerns.append(
            f"does not meet {len(unmet)} of {len(needs)} needs: {', '.join(unmet)} (support gaps)"
        )
        found.support_gaps.extend(unmet)


def _distance(found, household, group, policy, distance):
    who = "the child" if group.size == 1 else "the children"
    whose = f"{who}'s"
    if distance is None:
        missing = "the household" if household.location is None else who
        found.concerns.append(f"distance not known: no location for {missing}")
        return
    limit = policy.distance_limit_miles
    if distance > limit:
        found.concerns.append(
            f"{distance:.1f} miles from {whose} location, over the {limit:g}-mile limit"
        )
    else:
        found.reasons.append(f"{distance:.1f} miles from {whose} location")


def _in_house(found, household, group, policy, distance):
    if household.in_house:
        found.reasons.append("in-house carers")
    elif policy.in_house_first:
        found.concerns.append(f"agency carers ({household.provider}): in-house carers come first")
    else:
        found.reasons.append(f"agency carers ({household.provider})")


def _risk(found, household, group, policy, distance):
    words = risk_words(household, group)
    found.concerns.extend(words)
    placed = len(household.children_placed)
    if placed and not words:
        found.reasons.append(
            f"no recorded risk between {_subject(group)} and the {children_word(placed)} "
            "already placed"
        )


def _household_size(found, household, group, policy, distance):
    total = len(household.children_placed) + group.size
    limit = policy.fostering_limit
    fostered = f"{children_word(total)} fostered in the home with this placement"
    if total > limit:
        found.concerns.append(f"{fostered}, over the usual limit of {limit}")
    else:
        found.reasons.append(f"{fostered}, within the usual limit of {limit}")


def _experience(found, household, group, policy, distance):
    years = int(household.experience_years)  # whole years, as carers count them
    if years >= 1:
        length = "1 year's" if years == 1 else f"{years} years'"
        found.reasons.append(f"{length} fostering experience")
    else:
        found.concerns.append("less than a year's fostering experience")


def _cost(found, household, group, policy, distance):
    if household.in_house:
        return
    cost, reference = household.weekly_cost, policy.weekly_cost_reference
    if cost > reference:
        found.concerns.append(f"weekly cost £{cost:,.0f}, above £{reference:,.0f}")
    else:
        found.reasons.append(f"weekly cost £{cost:,.0f}")


def _identity(found, household, group, policy, distance):
    for attribute in ("ethnicity", "religion"):
        theirs = getattr(household, attribute)
        if theirs in NOT_COMPARABLE:
            continue
        asked = [c for c in group.children if getattr(c, attribute) not in NOT_COMPARABLE]
        same = [c for c in asked if getattr(c, attribute) == theirs]
        if same:
            found.reasons.append(f"same {attribute} as {_subject(group, same)} ({theirs})")
        for child in asked:
            if getattr(child, attribute) != theirs:
                found.concerns.append(
                    f"{attribute} differs: {_subject(group, [child])} "
                    f"{getattr(child, attribute)}, household {theirs}"
                )
    if not household.languages:
        return
    languages = [v for v in group.languages if v not in NOT_COMPARABLE]
    spoken = [v for v in languages if v in household.languages]
    unspoken = [v for v in languages if v not in household.languages]
    if spoken:
        found.reasons.append(f"speaks {listed(spoken)}")
    if unspoken:
        found.concerns.append(f"does not speak {listed(unspoken, 'or')}")


# In the order a social worker reads them: who the carers are to the child, then what the child
# needs, then the practicalities.
FACTOR_WORDS = (
    _kinship,
    _together,
    _needs,
    _distance,
    _in_house,
    _risk,
    _household_size,
    _experience,
    _cost,
    _identity,
)
