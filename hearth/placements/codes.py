"""The SSDA903 codes of a placement episode, derived from the match and checked on entry.

The code lists and their labels are the Department for Education's (the children looked after
return, "SSDA903"), as its validator checks them (`csc-validator-be-903`: rule 146 for PLACE, 178
for PLACE_PROVIDER, 149 for REC). Legal statuses (LS) are the children's records' own
(`hearth.people.vocabulary.LEGAL_STATUSES`).

`derive_codes` proposes the codes a worker would enter for a match; `episode_problems` checks the
codes as entered, and answers {field: message} in words a worker understands, naming the 903 field.
Nothing here writes.
"""

from contextlib import suppress
from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone

from hearth.people import vocabulary
from hearth.people.forms import clean_postcode

PLACE = {
    "U1": "Foster placement with relative(s) or friend(s): long-term fostering",
    "U2": "Foster placement with relative(s) or friend(s) who are also approved adopters: "
    "fostering for adoption or concurrent planning",
    "U3": "Foster placement with relative(s) or friend(s): not long-term, fostering for adoption "
    "or concurrent planning",
    "U4": "Foster placement with other foster carer(s): long-term fostering",
    "U5": "Foster placement with other foster carer(s) who are also approved adopters: fostering "
    "for adoption or concurrent planning",
    "U6": "Foster placement with other foster carer(s): not long-term, fostering for adoption or "
    "concurrent planning",
    "A3": "Placed for adoption with consent, with current foster carer(s)",
    "A4": "Placed for adoption with consent, not with current foster carer(s)",
    "A5": "Placed for adoption with a placement order, with current foster carer(s)",
    "A6": "Placed for adoption with a placement order, not with current foster carer(s)",
    "K1": "Secure children's home",
    "K2": "Children's home subject to Children's Homes Regulations",
    "K3": "Supported accommodation registered with Ofsted, for young people of 16 and 17",
    "P1": "Placed with own parent(s) or other person(s) with parental responsibility",
    "P3": "Residential employment",
    "R1": "Residential care home",
    "R2": "NHS or health trust establishment providing medical or nursing care",
    "R3": "Family centre or mother and baby unit",
    "R5": "Young offender institution",
    "S1": "Residential school, except where dual-registered as a school and children's home",
    "T0": "Temporary move of any kind not covered by T1 to T4",
    "T1": "Temporary period in hospital",
    "T2": "Temporary absence of the child on holiday",
    "T3": "Temporary accommodation while the usual foster carers are on holiday",
    "T4": "Temporary accommodation of seven days or less, for any other reason",
    "Z11": "Other placement: a children's home that is not registered with Ofsted",
    "Z12": "Other placement: supported accommodation that is not registered with Ofsted",
    "Z13": "Other placement: another setting that is not registered with Ofsted",
    "Z14": "Other placement not listed elsewhere",
}
# The codes of earlier years' returns that 2025-26 retired (validator rule 146: H5 became K3, P2
# went, Z1 was split into Z11 to Z14). New placements are offered only PLACE's codes; these stay
# known so that older episodes (and returns imported from earlier years) keep their words.
PLACE_RETIRED = {
    "H5": "Semi-independent or supported accommodation not subject to Children's Homes "
    "Regulations (until March 2025)",
    "P2": "Independent living, such as a flat, lodgings, bedsit or bed and breakfast (until "
    "March 2025)",
    "Z1": "Other placement (until March 2025)",
}
PLACE_KNOWN = {**PLACE, **PLACE_RETIRED}
FOSTERING_PLACES = ("U1", "U2", "U3", "U4", "U5", "U6")
KINSHIP_PLACES = ("U1", "U2", "U3")
LONG_TERM_PLACES = ("U1", "U4")
# Temporary moves and "other" placements have no placement provider (validator rule 178).
NO_PROVIDER_PLACES = ("T0", "T1", "T2", "T3", "T4", "Z11", "Z12", "Z13", "Z14", "Z1")

PLACE_PROVIDER = {
    "PR0": "Parent(s) or other person(s) with parental responsibility",
    "PR1": "Own provision (by the council)",
    "PR2": "Other local authority provision",
    "PR3": "Other public provision (such as an NHS trust)",
    "PR4": "Private provision",
    "PR5": "Voluntary or third sector provision",
}

LEGAL_STATUS = vocabulary.LEGAL_STATUSES
SHORT_BREAK_STATUSES = ("V3", "V4")

RNE = {
    "S": "Started to be looked after",
    "P": "Change of placement and carers only",
    "L": "Change of legal status only",
    "T": "Change of placement only, staying with the same carers",
    "U": "Change of legal status and of placement, staying with the same carers",
    "B": "Change of legal status, placement and carers at the same time",
}

REC = {
    "E11": "Adopted: application for an adoption order unopposed",
    "E12": "Adopted: consent dispensed with by the court",
    "E2": "Died",
    "E3": "Care taken over by another local authority in the UK",
    "E4A": "Returned home to live with parents, relatives or others with parental responsibility, "
    "as part of the care planning process",
    "E4B": "Returned home to live with parents, relatives or others with parental responsibility, "
    "not as part of the care planning process",
    "E13": "Left care to live with parents, relatives or others with no parental responsibility",
    "E41": "Residence order or child arrangements order granted",
    "E45": "Special guardianship order made to former foster carers who are relatives or friends",
    "E46": "Special guardianship order made to former foster carers, not relatives or friends",
    "E47": "Special guardianship order made to carers, not former foster carers, who are "
    "relatives or friends",
    "E48": "Special guardianship order made to carers, not former foster carers, not relatives "
    "or friends",
    "E5": "Moved into independent living with supportive accommodation",
    "E6": "Moved into independent living with no formal advice or support",
    "E7": "Transferred to residential care funded by adult social care",
    "E8": "Stopped being looked after for any other reason",
    "E9": "Sentenced to custody",
    "E14": "Accommodation on remand ended",
    "E15": "Age assessment found the child is 18 or over",
    "E16": "Child moved abroad",
    "E17": "Aged 18 or over and stayed with their carers (staying put, shared lives)",
    "X1": "Episode ends and a new one begins on the same day (such as a change of placement)",
}
CHANGE_OF_EPISODE = "X1"

REASON_PLACE_CHANGE = {
    "CARPL": "Change to or carrying out of the care plan",
    "CLOSE": "Resignation of the carers or closure of the provision",
    "ALLEG": "Allegation (section 47 enquiry)",
    "STAND": "Concerns about the standard of care",
    "APPRR": "The carers' approval was removed",
    "CREQB": "The carers asked for the placement to end because of the child's behaviour",
    "CREQO": "The carers asked for the placement to end for another reason",
    "CHILD": "The child asked for the placement to end",
    "LAREQ": "The responsible or area council asked for the placement to end",
    "PLACE": "Change in the status of the placement only",
    "CUSTOD": "Custody arrangement",
    "OTHER": "Other",
}

# The episode's fields: (model field, 903 field name, the list of codes it takes or None).
FIELDS = (
    ("place", "PLACE", PLACE),
    ("place_provider", "PLACE_PROVIDER", PLACE_PROVIDER),
    ("legal_status", "LS", LEGAL_STATUS),
    ("reason_new_episode", "RNE", RNE),
    ("home_postcode", "HOME_POST", None),
    ("placement_postcode", "PL_POST", None),
    ("urn", "URN", None),
)
CODE_FIELDS = tuple(field for field, _name, _codes in FIELDS)
NAMES = {field: name for field, name, _codes in FIELDS}
LISTS = {field: codes for field, _name, codes in FIELDS if codes is not None}
WHAT = {
    "place": "placement type",
    "place_provider": "placement provider",
    "legal_status": "legal status",
    "reason_new_episode": "reason for the new episode",
}


def label(field, code):
    """'U4: Foster placement with other foster carer(s): long-term fostering' (a PLACE code of
    an earlier year's return too)."""
    codes = PLACE_KNOWN if field == "place" else LISTS.get(field, {})
    return f"{code}: {codes[code]}" if code in codes else code


def choices(field):
    return [(code, f"{code}: {words}") for code, words in LISTS[field].items()]


# What a household is ---------------------------------------------------------------------------------


def is_in_house(household):
    return household.provider.is_authority


def is_childrens_home(household):
    """A home run by a provider of children's homes only: a provider that also fosters has its
    foster carers recorded as households, so its households are foster homes."""
    provides = household.provider.provides or []
    return (
        household.provider.is_agency and "residential" in provides and "fostering" not in provides
    )


def is_fostering_household(household):
    return is_in_house(household) or not is_childrens_home(household)


def is_kinship(child, household):
    """Family or friends approved for this child by name (Form K, Regulation 24)."""
    return household.named_children.filter(pk=child.pk).exists()


# Deriving the codes ---------------------------------------------------------------------------------


def previous_episode(child, *, excluding=None):
    """The child's latest placement recorded in Hearth (open or ended), or None."""
    earlier = child.placements.all()
    if excluding is not None:
        earlier = earlier.exclude(pk=excluding)
    return earlier.order_by("-started_on", "-pk").first()


@dataclass(frozen=True)
class CareBefore:
    """The child's episode before a new placement: when and how it ended, its legal status, and
    the carers when it is a placement recorded in Hearth (None otherwise)."""

    ended_on: date | None
    reason_ceased: str
    legal_status: str
    household_id: int | None


def care_before(child, started_on=None, *, excluding=None):
    """The child's episode before a placement starting on `started_on` (the latest starting that
    day or before; the latest, when no day is given), or None: the latest of the child's
    placements in Hearth (whose episodes may not be written yet, as in a seed) and of their
    episodes (an L episode of a legal status change gives the status in force; care imported
    from an earlier return counts too). `excluding`: the placement being checked, when it is
    already recorded."""
    from hearth.ssda903.models import Episode  # the return builds on placements

    placements, episodes = child.placements.all(), Episode.objects.filter(child=child)
    if excluding is not None:
        placements = placements.exclude(pk=excluding)
        episodes = episodes.exclude(placement_id=excluding)
    if isinstance(started_on, date):  # one that started the same day ends the same day
        placements = placements.filter(started_on__lte=started_on)
        episodes = episodes.filter(decom__lte=started_on)
    previous = placements.order_by("-started_on", "-pk").first()
    last = episodes.order_by("-decom", "-pk").first()
    if previous is not None and (last is None or previous.started_on >= last.decom):
        return CareBefore(
            previous.ended_on, previous.reason_ceased, previous.legal_status, previous.household_id
        )
    if last is None:
        return None
    household = previous.household_id if previous and last.placement_id == previous.pk else None
    return CareBefore(last.dec, last.rec, last.ls, household)


# RNE of a move, by whether the legal status changes with it: (same status, status changed).
MOVE_REASONS = {"P": ("P", "B"), "B": ("P", "B"), "T": ("T", "U"), "U": ("T", "U")}


def _reason_new_episode(child, household, legal_status, started_on=None):
    """RNE: S when the child starts to be looked after (no episode before, or the last one ended
    with the child leaving care); otherwise a move: P to new carers, T staying with the same
    carers, and B or U when the legal status entered (`legal_status`) is not the one of the
    episode before."""
    before = care_before(child, started_on)
    if before is None:
        return "S"
    if before.ended_on is not None and before.reason_ceased != CHANGE_OF_EPISODE:
        return "S"
    same_carers = before.household_id is not None and before.household_id == household.pk
    status_changed = bool(before.legal_status) and before.legal_status != legal_status
    return MOVE_REASONS["T" if same_carers else "P"][status_changed]


def derive_codes(child, household, care_type, started_on, *, legal_status=None):
    """The 903 episode codes a placement of `child` with `household` from `started_on` takes:
    PLACE from the kind of home and whether it is long-term fostering; PLACE_PROVIDER from who
    runs it; LS as entered (`legal_status`), or else from the child's record; RNE from the
    child's episode before and that LS; the postcodes of the child's home and the placement;
    the provider's Ofsted URN (the council's fostering service's for its own carers)."""
    long_term = care_type == "long_term"
    if is_childrens_home(household):
        place = "K2"
    elif is_kinship(child, household):
        place = "U1" if long_term else "U3"
    else:
        place = "U4" if long_term else "U6"
    provider = household.provider
    if is_in_house(household):
        place_provider = "PR1"
    elif provider.sector == "voluntary":
        place_provider = "PR5"
    else:
        place_provider = "PR4"
    legal_status = legal_status or child.legal_status
    rne = _reason_new_episode(child, household, legal_status, started_on)
    return {
        "place": place,
        "place_provider": place_provider,
        "legal_status": legal_status,
        "reason_new_episode": rne,
        "home_postcode": child.home_postcode or "",
        "placement_postcode": household.postcode or "",
        "urn": provider.ofsted_urn or "",
    }


def episode_notes(child, household, codes):
    """What a worker should check although it does not stop the placement: lines of words."""
    notes = []
    if not codes.get("urn") and codes.get("place") not in NO_PROVIDER_PLACES:
        if is_in_house(household):
            notes.append(
                "URN: the council's fostering service has no Ofsted URN recorded; ask an "
                "administrator to add it to the council's details"
            )
        else:
            notes.append(f"URN: {household.provider.name} has no Ofsted URN recorded")
    if not codes.get("home_postcode"):
        notes.append(f"HOME_POST: {child.full_name}'s home postcode is not recorded")
    return notes


# Checking the codes as entered -----------------------------------------------------------------------


def _postcode(value, field, problems):
    try:
        return clean_postcode(value, required=False)
    except forms.ValidationError as error:
        problems[field] = f"{NAMES[field]}: {error.messages[0]}"
        return value


def _in_lists(codes, problems):
    for field, listed in LISTS.items():
        value = codes.get(field) or ""
        if not value:
            problems[field] = f"{NAMES[field]}: choose the {WHAT[field]}"
        elif value not in listed:
            problems[field] = f"{NAMES[field]}: {value} is not a {WHAT[field]} code of the return"


def _provider_problems(codes, household, problems):
    place, provider = codes.get("place"), codes.get("place_provider")
    if "place" in problems or "place_provider" in problems:
        return
    if provider == "PR0" and place != "P1":
        problems["place_provider"] = (
            "PLACE_PROVIDER: PR0 (parents) goes only with PLACE P1, placed with parents"
        )
    elif provider in ("PR1", "PR2", "PR4") and place in ("P1", "R2", "R5"):
        problems["place_provider"] = f"PLACE_PROVIDER: {provider} cannot provide PLACE {place}"
    elif provider == "PR1" and not is_in_house(household):
        problems["place_provider"] = (
            f"PLACE_PROVIDER: PR1 is the council's own provision, but {household.name} are "
            f"{household.provider.name}'s carers"
        )
    elif provider in ("PR4", "PR5") and is_in_house(household):
        problems["place_provider"] = (
            f"PLACE_PROVIDER: {household.name} are the council's own carers: use PR1"
        )


def _place_problems(child, household, codes, problems):
    place = codes.get("place")
    if "place" in problems:
        return
    if place in FOSTERING_PLACES and not is_fostering_household(household):
        problems["place"] = (
            f"PLACE: {place} is a foster placement, but {household.name} is a children's home"
        )
    elif place in KINSHIP_PLACES and not is_kinship(child, household):
        problems["place"] = (
            f"PLACE: {place} is a placement with family or friends, but {household.name} are not "
            f"approved for {child.full_name} by name: use U4, U5 or U6"
        )
    elif (
        place in LONG_TERM_PLACES
        and codes.get("legal_status") in SHORT_BREAK_STATUSES
        and "legal_status" not in problems
    ):
        problems["place"] = (
            f"PLACE: {place} is long-term fostering, which a child accommodated for short breaks "
            f"(LS {codes['legal_status']}) cannot have"
        )


def _episode_order_problems(child, codes, problems, *, excluding=None, moving=None):
    open_elsewhere = child.placements.filter(ended_on__isnull=True)
    for other in (excluding, moving):
        if other is not None:
            open_elsewhere = open_elsewhere.exclude(pk=other)
    current = open_elsewhere.select_related("household").first()
    if current is not None:
        problems["child"] = (
            f"{child.full_name}'s placement with {current.household.name} is still open: end it "
            "first (reason episode ceased X1 for a move)"
        )
    earlier = previous_episode(child, excluding=excluding)
    if (
        codes.get("reason_new_episode") == "S"
        and earlier is not None
        and (earlier.ended_on is None or earlier.reason_ceased == CHANGE_OF_EPISODE)
    ):
        problems.setdefault(
            "reason_new_episode",
            f"RNE: S is for a child starting to be looked after, but {child.full_name} has an "
            "earlier placement that did not end their care: use P, T, U or B",
        )


def _legal_status_move_problems(child, codes, started_on, problems, *, excluding=None):
    """A move's RNE says whether the legal status changes with it (B or U) or not (P or T): it
    must agree with the LS entered and the one of the episode before (the DfE's definitions of
    the RNE codes)."""
    rne, status = codes.get("reason_new_episode"), codes.get("legal_status")
    if (
        rne not in MOVE_REASONS
        or {"reason_new_episode", "legal_status", "started_on"} & set(problems)
        or not isinstance(started_on, date)
    ):
        return
    before = care_before(child, started_on, excluding=excluding)
    if before is None or not before.legal_status:
        return
    changed = before.legal_status != status
    right = MOVE_REASONS[rne][changed]
    if right == rne:
        return
    if changed:
        what = f"the legal status changes from {before.legal_status} to {status} with this move"
    else:
        what = f"the legal status stays {status} with this move"
    problems["reason_new_episode"] = f"RNE: {what}: use {right} ({RNE[right]}), not {rne}"


def episode_problems(
    *, child, household, codes, started_on, today=None, excluding=None, moving=None,
    reason_place_change=None,
):  # fmt: skip
    """What is wrong with an episode's codes as entered: {field: message}, each naming the 903
    field. `started_on` is the placement's start: today or a past day. `excluding` is the
    placement being checked, when it is already recorded; `moving` the child's open placement
    that ends as this one starts (REC X1), which therefore does not stand in its way;
    `reason_place_change` the reason given for that move (or for the end of the child's care
    imported from an earlier return), checked with the new episode by the DfE's rules."""
    problems = {}
    today = today or timezone.localdate()
    if not isinstance(started_on, date):
        problems["started_on"] = "Enter the date the placement starts"
    elif started_on > today:
        problems["started_on"] = (
            "The start date must be today or in the past: a placement is recorded on the day the "
            "child moves, or after"
        )
    elif started_on < child.date_of_birth:
        problems["started_on"] = "The start date must be after the child's date of birth"
    _in_lists(codes, problems)
    for field in ("home_postcode", "placement_postcode"):
        _postcode(codes.get(field) or "", field, problems)
    urn = (codes.get("urn") or "").strip()
    if urn and not (len(urn) <= 8 and urn.replace("SC", "", 1).isdigit()):
        problems["urn"] = "URN: enter an Ofsted URN, six or seven digits or SC and six digits"
    _provider_problems(codes, household, problems)
    _place_problems(child, household, codes, problems)
    _episode_order_problems(child, codes, problems, excluding=excluding, moving=moving)
    _legal_status_move_problems(child, codes, started_on, problems, excluding=excluding)
    if "started_on" not in problems:
        # The DfE's rules on the episode with the child's others (hearth.ssda903.checks): the
        # sequence (S only to start a period of care), ages, provider, reasons...
        from hearth.ssda903 import checks

        found = checks.placement_start_problems(
            child, codes, started_on, excluding=excluding, moving=moving, today=today,
            reason_place_change=reason_place_change,
        )  # fmt: skip
        for field, message in checks.as_placement_fields(found).items():
            problems.setdefault(field, message)
    return problems


def cleaned(codes):
    """The codes as stored: upper case, postcodes in their usual form, no stray spaces."""
    tidy = {field: str(codes.get(field) or "").strip().upper() for field in CODE_FIELDS}
    for field in ("home_postcode", "placement_postcode"):
        with suppress(forms.ValidationError):
            tidy[field] = clean_postcode(tidy[field], required=False)
    return tidy


# The ending ---------------------------------------------------------------------------------------


def ending_problems(*, placement, ended_on, ending, reason_ceased, reason_place_change, today):
    """What is wrong with an ending as entered: {field: message}."""
    problems = {}
    if ending not in ("planned", "unplanned"):
        problems["ending"] = "Say whether the ending was planned or unplanned"
    if not isinstance(ended_on, date):
        problems["ended_on"] = "Enter the date the placement ended"
    elif ended_on > today:
        problems["ended_on"] = "The end date must be today or in the past"
    elif ended_on < placement.started_on:
        problems["ended_on"] = (
            f"The end date must be on or after the start date, {placement.started_on:%-d %B %Y}"
        )
    if not reason_ceased:
        problems["reason_ceased"] = "REC: choose the reason the episode ceased"
    elif reason_ceased not in REC:
        problems["reason_ceased"] = f"REC: {reason_ceased} is not a reason episode ceased code"
    if reason_ceased == CHANGE_OF_EPISODE and not reason_place_change:
        problems["reason_place_change"] = (
            "REASON_PLACE_CHANGE: the child moves to another placement (REC X1): say why the "
            "placement changed"
        )
    elif reason_place_change and reason_place_change not in REASON_PLACE_CHANGE:
        problems["reason_place_change"] = (
            f"REASON_PLACE_CHANGE: {reason_place_change} is not a reason for a placement change"
        )
    elif reason_place_change and reason_ceased and reason_ceased != CHANGE_OF_EPISODE:
        problems["reason_place_change"] = (
            "REASON_PLACE_CHANGE: give it only when the child moves to another placement (REC X1)"
        )
    if not problems:
        from hearth.ssda903 import checks  # the DfE's rules on the ended episode

        found = checks.placement_end_problems(
            placement, ended_on, reason_ceased, reason_place_change, today=today
        )
        problems.update(checks.as_placement_fields(found))
    return problems
