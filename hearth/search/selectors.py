"""The in-house search (DOMAIN.md, referral to placement, step 8): the council's own carer households
ranked for a referral's children by the matching engine, the places expected to come free, and what
was last heard from each household.

The records become the engine's plain data here (`model_child`, `model_household`,
`matching_policy`); `hearth.matching` ranks them and words every reason. A household that cannot
take the children now, but could once a child who is moving on has left, is *pending*: a child
placed there whose own referral is approved, searching or matched is due to leave (000: carers
with availability "now or pending"). A place is *held* by a child due to arrive who is not yet
recorded as living there: one matched with the household, or booked with it as emergency carers
(`places_held`); a held place is not free, in the ranking or on the screens. The search reads a
fixed number of queries however many households the council has.
"""

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Exists, F, OuterRef, Prefetch
from django.utils import timezone

from hearth.accounts.access import households_for_user
from hearth.matching import model as engine
from hearth.matching.explain import listed
from hearth.matching.places import UnknownPostcode, locate
from hearth.matching.rank import HouseholdIndex, rank
from hearth.people.models import Child, Household
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.referrals.workflow import OPEN_STATUSES
from hearth.search.models import Offer

# Deregistered households and those still in assessment are no part of an in-house search; on-hold
# ones are, so that the excluded list says why a familiar household is not offered.
SEARCHED_STATUSES = (
    Household.Status.APPROVED,
    Household.Status.TEMPORARY,
    Household.Status.ON_HOLD,
)
LIVE_OFFER_STATUSES = (Offer.Status.OPEN, Offer.Status.AGREED)
# A child placed with carers is moving on once their own referral is approved: a draft, or one
# still going through its approval, may never be.
MOVING_STATUSES = (Status.APPROVED, Status.SEARCHING, Status.MATCHED)
CONTACT_ACTION = "carer_contact"
DAYS_A_YEAR = 365.25


@dataclass(frozen=True)
class Row:
    """One household of the search: ranked (`candidate`), pending or excluded, with its contacts."""

    household: Household  # with its carers
    candidate: engine.Candidate | None  # for a pending row, as it will be once `leaving` have left
    excluded: tuple[str, ...] = ()  # every hard rule it breaks now
    pending: bool = False
    leaving: tuple[Child, ...] = ()  # children placed there whose own move is being sought
    last_contact: dict | None = None  # outcome, reason, note, at, by (a name)
    offer: Offer | None = None  # its live (open or agreed) offer on this referral


@dataclass(frozen=True)
class InHouseSearch:
    children: list  # the referral's children (records), oldest first
    as_of: date
    policy: engine.Policy
    available: list  # Rows, best first
    pending: list  # Rows, best first: places expected to come free
    excluded: list  # Rows, by household name
    # When no household can take the group whole and the policy allows splitting:
    # (label, [(children, Household, score), ...], score), best first.
    splits: list
    location: str  # where distances are measured from, in words
    problems: list  # what the search could not use: postcodes not recorded or not found


def in_house_search(user, referral, *, as_of=None):
    """The council's own households for the referral's children, ranked and explained.

    Only households of the referral's council that the user may see are searched. Unknown or
    missing postcodes never stop the search: they become lines of `problems`, and distances that
    cannot be measured are scored as the engine scores an unknown distance.
    """
    as_of = as_of or timezone.localdate()
    policy = matching_policy(referral.authority.policy, referral)
    children = list(referral.children.order_by("date_of_birth", "pk"))
    problems = []
    if not children:
        problem = "The referral names no child to search for"
        return InHouseSearch([], as_of, policy, [], [], [], [], "nowhere", [problem])
    if not referral.placement_type:
        problems.append("The referral does not say which type of placement is needed")
    ids = engine_ids(children)
    models = [
        model_child(child, referral, child_id=ids[child.pk], problems=problems)
        for child in children
    ]
    households = _households(user, referral, children)
    found = _ranked(households, models, ids, policy, as_of, problems)
    contacts, offers = _last_contacts(referral), _live_offers(referral)

    def row(household, **fields):
        return Row(
            household,
            leaving=found.leaving.get(household.pk, ()),
            last_contact=contacts.get(household.pk),
            offer=offers.get(household.pk),
            **fields,
        )

    by_id = {str(household.pk): household for household in households}
    return InHouseSearch(
        children=children,
        as_of=as_of,
        policy=policy,
        available=[row(by_id[c.household], candidate=c) for c in found.ranking.candidates],
        pending=[
            row(by_id[c.household], candidate=c, excluded=found.reasons[c.household], pending=True)
            for c in found.pending
        ],
        excluded=[
            row(by_id[e.household], candidate=None, excluded=e.reasons)
            for e in found.ranking.excluded
            if e.household not in found.pending_ids
        ],
        splits=_splits(found.ranking, children, ids, by_id),
        location=_location_words(children, models, referral),
        problems=problems,
    )


# Policy -------------------------------------------------------------------------------------------


def matching_policy(policy, referral=None):
    """The engine's policy from the council's: its switches and thresholds, and the referral's own
    distance limit where it sets one."""
    limit = policy.threshold("distance_limit_miles")
    if referral is not None and referral.distance_limit_miles is not None:
        limit = referral.distance_limit_miles
    return engine.Policy(
        in_house_first=bool(policy.switch("in_house_first")),
        allow_sibling_split=bool(policy.switch("allow_sibling_split")),
        # The distance factor divides by the limit: a limit under a mile counts as one mile.
        distance_limit_miles=float(max(limit, 1)),
        risk_is_a_bar=bool(policy.switch("risk_to_younger_children_bars")),
        fostering_limit=int(policy.threshold("fostering_limit")),
    )


# Records to the engine's data ---------------------------------------------------------------------


def engine_ids(children):
    """Child pk -> the name the engine's reasons use: the preferred or first name, or the full
    name (with the reference if need be) where two children would read the same."""
    namings = (_known_as, lambda c: c.full_name, lambda c: f"{c.full_name} ({c.reference})")
    ids, remaining = {}, list(children)
    for naming in namings:
        names = {child.pk: naming(child) for child in remaining}
        counts = Counter(names.values())
        for child in remaining:
            name = names[child.pk]
            if counts[name] == 1 and name not in ids.values():
                ids[child.pk] = name
        remaining = [child for child in remaining if child.pk not in ids]
    for child in remaining:
        ids[child.pk] = f"{child.full_name} ({child.reference}, {child.pk})"
    return ids


def _known_as(child):
    return child.preferred_name or child.first_name


def model_child(child, referral, *, child_id=None, problems=None):
    """The engine's Child for a child of the referral; located at the school or home the
    referral's location needs name (`location_source`). A postcode not recorded or not in the ONS
    directory leaves the location unknown and adds a line to `problems`."""
    child_id = child_id or str(child.pk)
    return engine.Child(
        id=child_id,
        date_of_birth=child.date_of_birth,
        placement_type=referral.placement_type,
        sex=child.sex,
        ethnicity=child.ethnicity,
        religion=child.religion,
        languages=tuple(child.languages or ()),
        needs=frozenset(child.needs or ()),
        risks=frozenset(child.risks or ()),
        sibling_group=str(referral.sibling_group_id) if referral.sibling_group_id else None,
        location=_child_location(child, referral, child_id, problems),
    )


def location_source(child, referral):
    """(`school` or `home`, postcode) the child's distances are measured from: the school where
    the referral says to stay near it, the family home where near the family; otherwise (neither,
    or both) the school if known, else the home. The postcode is empty when the one needed is not
    recorded."""
    if referral.stay_near_school and not referral.stay_near_family:
        wanted = ("school",)
    elif referral.stay_near_family and not referral.stay_near_school:
        wanted = ("home",)
    else:
        wanted = ("school", "home")
    postcodes = {"school": child.school_postcode.strip(), "home": child.home_postcode.strip()}
    for place in wanted:
        if postcodes[place]:
            return place, postcodes[place]
    return wanted[0], ""


def _child_location(child, referral, child_id, problems):
    place, postcode = location_source(child, referral)
    if not postcode:
        _note(problems, f"{child_id}'s {place} postcode is not recorded: {_no_distance(child_id)}")
        return None
    try:
        return locate(postcode)
    except UnknownPostcode as error:
        _note(problems, f"{child_id}'s {place} postcode: {error}: {_no_distance(child_id)}")
        return None


def _no_distance(child_id):
    return f"distances from {child_id} are not known"


def model_household(
    household, *, as_of, children_placed=None, named_children=(), places_held=0, problems=None
):
    """The engine's Household for a carer household. `children_placed` defaults to every child
    living there; `named_children` are the engine ids of the children a kinship or connected
    approval names; `places_held` (see `places_held`) are taken from the places it is approved
    for, so that the engine sees only the places truly free. A postcode not in the ONS directory
    leaves the location unknown and adds a line to `problems`."""
    if children_placed is None:
        children_placed = household.children_placed.all()
    in_house = household.provider.is_authority
    return engine.Household(
        id=str(household.pk),
        provider=engine.IN_HOUSE if in_house else household.provider.name,
        status=household.status,
        min_age=household.min_age,
        max_age=household.max_age,
        max_children=max(household.max_children - places_held, 0),
        types=frozenset(household.care_types or ()),
        named_children=frozenset(named_children),
        accepts_siblings=household.accepts_siblings,
        children_placed=tuple(_placed(child) for child in children_placed),
        skills=frozenset(household.skills or ()),
        ethnicity=household.ethnicity,
        religion=household.religion,
        languages=tuple(household.languages or ()),
        location=_household_location(household, problems),
        weekly_cost=0.0 if in_house else float(household.weekly_cost),
        experience_years=_experience_years(household, as_of),
    )


def _placed(child):
    return engine.PlacedChild(date_of_birth=child.date_of_birth, risks=frozenset(child.risks or ()))


def _experience_years(household, as_of):
    if household.approved_on is None:
        return 0.0
    return max((as_of - household.approved_on).days / DAYS_A_YEAR, 0.0)


def _household_location(household, problems):
    who = f"{household.name} ({household.reference})"
    if not household.postcode.strip():
        _note(problems, f"{who}: postcode not recorded, so its distance is not known")
        return None
    try:
        return locate(household.postcode)
    except UnknownPostcode as error:
        _note(problems, f"{who}: {error}, so its distance is not known")
        return None


def _note(problems, line):
    if problems is not None:
        problems.append(line)


# The search ---------------------------------------------------------------------------------------


def _households(user, referral, children):
    """The referral council's own households the user may see, by name, with their carers, the
    children living there (each marked `moving` when their own referral is approved, searching or
    matched), the children a kinship approval names, and the places held in each for children
    other than `children` (`places_held`)."""
    moving = Referral.children.through.objects.filter(
        child_id=OuterRef("pk"),
        referral__status__in=MOVING_STATUSES,
        referral__authority_id=referral.authority_id,
    )
    placed = Child.objects.annotate(moving=Exists(moving)).order_by("date_of_birth", "pk")
    households = (
        households_for_user(user)
        .filter(provider_id=referral.authority_id, status__in=SEARCHED_STATUSES)
        .select_related("provider")
        .prefetch_related("carers", Prefetch("children_placed", queryset=placed), "named_children")
        .order_by("name", "pk")
    )
    households = list(households)
    held = places_held(households, excluding=children) if households else {}
    for household in households:
        household.places_held = held.get(household.pk, 0)
    return households


def places_held(households, *, excluding=()):
    """{household pk: places held}: the children due to arrive in each household who are not yet
    recorded as living there, each counted once: matched with it (a matched offer on an open
    referral) or booked with it as emergency carers (a booking not yet ended, on an open
    referral). The children `excluding` (those being placed now) hold no place. Households
    with no place held are left out. One query, however many households."""
    pks = [getattr(household, "pk", household) for household in households]
    excluded = [getattr(child, "pk", child) for child in excluding]
    matched = (
        Offer.children.through.objects.filter(
            offer__household_id__in=pks,
            offer__status=Offer.Status.MATCHED,
            offer__referral__status__in=OPEN_STATUSES,
        )
        .exclude(child__placed_with=F("offer__household"))
        .exclude(child_id__in=excluded)
        .values_list("offer__household_id", "child_id")
    )
    booked = (
        Referral.children.through.objects.filter(
            referral__emergency_household_id__in=pks,
            referral__emergency_ended_at__isnull=True,
            referral__status__in=OPEN_STATUSES,
        )
        .exclude(child__placed_with=F("referral__emergency_household"))
        # A child who has moved on from the referral's booking (placed from it elsewhere) holds
        # no place with the emergency carers while a brother or sister stays there.
        .exclude(
            child__placements__referral=F("referral"), child__placements__ended_on__isnull=True
        )
        .exclude(child_id__in=excluded)
        .values_list("referral__emergency_household_id", "child_id")
    )
    # A union keeps each (household, child) once: a child both booked and matched with the same
    # carers holds one place.
    return dict(Counter(household for household, _child in matched.union(booked)))


def free_places(household):
    """The places free now in a household `in_house_search` read: those it is approved for, less
    the children living there and the places held for children due to arrive."""
    placed = len(household.children_placed.all())
    return max(household.max_children - placed - household.places_held, 0)


@dataclass(frozen=True)
class _Found:
    ranking: engine.Ranking
    reasons: dict  # household id -> why it is excluded now
    pending: tuple  # Candidates once the children leaving have left, best first
    pending_ids: frozenset
    leaving: dict  # household pk -> the children due to leave it


def _ranked(households, models, ids, policy, as_of, problems):
    searched = set(ids.values())
    modelled, after_leaving, leaving = [], [], {}
    for household in households:
        placed = list(household.children_placed.all())
        named = [_named_id(child, ids, searched) for child in household.named_children.all()]
        model = model_household(
            household,
            as_of=as_of,
            children_placed=placed,
            named_children=named,
            places_held=household.places_held,
            problems=problems,
        )
        modelled.append(model)
        going = tuple(c for c in placed if c.moving and c.pk not in ids)
        if going:
            leaving[household.pk] = going
            staying = tuple(_placed(c) for c in placed if c not in going)
            after_leaving.append(replace(model, children_placed=staying))
    ranking = rank(HouseholdIndex.build(modelled), models, policy, as_of)
    reasons = {excluded.household: excluded.reasons for excluded in ranking.excluded}
    could_later = [model for model in after_leaving if model.id in reasons]
    pending = ()
    if could_later:
        later = rank(HouseholdIndex.build(could_later), models, policy, as_of, explain_all=False)
        pending = later.candidates
    return _Found(ranking, reasons, pending, frozenset(c.household for c in pending), leaving)


def _named_id(child, ids, searched):
    """The engine id of a child a kinship approval names: the searched child's own, or for any
    other child one that cannot be mistaken for a searched child's."""
    if child.pk in ids:
        return ids[child.pk]
    other = f"{child.full_name} ({child.reference})"
    return other if other not in searched else f"{other} {child.pk}"


def _last_contacts(referral):
    """Household pk -> the latest contact with its carers recorded on this referral."""
    events = (
        ReferralEvent.objects.filter(referral=referral, action=CONTACT_ACTION)
        .select_related("by")
        .order_by("at", "pk")
    )
    latest = {}
    for event in events:
        latest[event.detail.get("household_id")] = {
            "outcome": event.detail.get("outcome", ""),
            "reason": event.detail.get("reason", ""),
            "note": event.comment,
            "at": event.at,
            "by": event.by.display_name,
        }
    return latest


def _live_offers(referral):
    """Household pk -> its open or agreed offer on this referral (the latest, should there be two)."""
    offers = (
        Offer.objects.filter(referral=referral, status__in=LIVE_OFFER_STATUSES)
        .prefetch_related("children")
        .order_by("made_at", "pk")
    )
    return {offer.household_id: offer for offer in offers}


def _splits(ranking, children, ids, households):
    """The engine's ways to split the group, with records for the screens and words with names."""
    by_id = {ids[child.pk]: child for child in children}
    splits = []
    for number, split in enumerate(ranking.splits, 1):
        parts = [
            ([by_id[child_id] for child_id in part], households[household_id], score)
            for part, household_id, score in split.parts
        ]
        placed = {child.pk for part, _, _ in parts for child in part}
        not_placed = [ids[child.pk] for child in children if child.pk not in placed]
        splits.append((_split_label(number, parts, not_placed, ids), parts, split.score))
    return splits


def _split_label(number, parts, not_placed, ids):
    """'Split 1: Amy and Ben together with the Smith family (H1); Cal with Jones (H2)'."""
    phrases = []
    for part, household, _score in parts:
        home = f"{household.name} ({household.reference})"
        names = listed(ids[child.pk] for child in part)
        phrases.append(f"{names} together with {home}" if len(part) > 1 else f"{names} with {home}")
    if not_placed:
        phrases.append(f"no household for {listed(not_placed)}")
    return f"Split {number}: {'; '.join(phrases)}"


def _location_words(children, models, referral):
    """Where distances are measured from: each child's school or home, with its postcode. For a
    group, each household's distance is from the farthest of these."""
    places = []
    for child, model in zip(children, models, strict=True):
        if model.location is None:
            continue
        place, postcode = location_source(child, referral)
        places.append(f"{model.id}'s {place} ({postcode.upper()})")
    if not places:
        return "nowhere known: no child's postcode could be found"
    if len(places) > 1:
        return f"{listed(places)}: the farthest of them for each household"
    return places[0]
