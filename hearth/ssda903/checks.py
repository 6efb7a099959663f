"""Hearth's own checks of one child's SSDA903 episodes, run when a placement starts or ends and
when a legal status changes, so that the worker who knows the answer fixes it that day, not the
return's maker in March.

Each check is one of the DfE's rules as its validator (`csc-validator-be-903`, `lac_validator`)
implements it, named by the rule's code, checked on the child's stored episodes with the candidate
episode(s) added. A test runs each rule on the same data through the real validator
(`tests/ssda903/test_checks_parity.py`), so the two agree. Rule 233 (no reason for a placement
change on an episode that has not ended) crashes inside the validator in 2025-26 (it reads a
column the return does not have), so Hearth is the only one to enforce it, here and on the data
quality page (`hearth.ssda903.quality`).

What is checked (by rule): codes in the DfE's lists (143 RNE, 144 LS, 146 PLACE, 149 REC,
178 PLACE_PROVIDER, 1009 REASON_PLACE_CHANGE); dates (302 first episode before birth, 355
episode of less than a day, 356 ended before it started, 148 DEC and REC together, 501 an
episode starting before the previous one ended); the sequence (357 a first episode is S, 431 S
the day the previous episode ended, 432 a new period of care that is not S, 433 a continuation
that does not start the day the previous episode ended, 388 an X1 ending with the next episode
another day or another ending followed the same day, 434 L without a legal status change or with
a placement change, 437 a further episode after E2 or E15); legal status against age and place
(352, 358, 378, 382, 384, 214); placement type against age (371, 372, 373, 374) and against RNE
and REC (217, 380, 381); the provider (213, 526, 527 to 531, 550); the URN (218, 222);
postcodes (392c, 392d); REASON_PLACE_CHANGE (225, 226, 233, 234); and REC against age (386, 387,
389, 407, 460).

Left to the validator on the data quality page: rules that need the whole year or the other
tables (durations of short breaks over twelve months, adoption tables, reviews, the previous
year's return), and 388 for an X1 ending with no next episode yet (a move recorded as an ending
first and a placement the same day after).

Every answer is {field: message}, the field being the episode's (`Episode` field names) and the
message in plain words naming the 903 field.
"""

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.utils import timezone

from hearth.core import postcodes
from hearth.ssda903 import tables, vocabulary

# The DfE's code lists, as the validator checks them (hearth.ssda903.vocabulary) -------------------

RNE_CODES = tuple(vocabulary.RNE)
LS_CODES = tuple(vocabulary.LEGAL_STATUS)
REC_CODES = tuple(vocabulary.REC)
REASON_PLACE_CHANGE_CODES = tuple(vocabulary.REASON_PLACE_CHANGE)
PROVIDER_CODES = tuple(vocabulary.PLACE_PROVIDER)
TEMPORARY = vocabulary.TEMPORARY_PLACES
OTHER_PLACES = vocabulary.OTHER_PLACES
PLACES_FROM_2025 = vocabulary.PLACES_FROM_2025
PLACES_BEFORE_2025 = vocabulary.PLACES_BEFORE_2025
places = vocabulary.places
NO_PROVIDER = vocabulary.NO_PROVIDER_PLACES
NO_URN = vocabulary.NO_URN_PLACES
URN_NOT_APPLICABLE = vocabulary.URN_NOT_APPLICABLE
SHORT_BREAKS = vocabulary.SHORT_BREAK_STATUSES
CONTINUATION = vocabulary.CONTINUATION
CHANGE = vocabulary.CHANGE_OF_EPISODE
LEFT_CARE = tuple(code for code in REC_CODES if code != CHANGE)

FIELDS = (
    "decom", "rne", "ls", "cin", "place", "place_provider", "dec", "rec", "reason_place_change",
    "home_post", "pl_post", "urn",
)  # fmt: skip
NAMES = {field: field.upper() for field in FIELDS}


def current_year(today=None):
    """The collection year `today` falls in (its first year)."""
    return tables.year_of(today or timezone.localdate())


def _years_after(day, years):
    """The day `years` after `day` (29 February becomes 28 February, as pandas does)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _long(day):
    return f"{day:%-d %B %Y}" if day else ""


@dataclass(frozen=True)
class Problem:
    """One rule an episode fails: `index` is the episode's place in the child's episodes."""

    rule: str
    field: str
    message: str
    index: int


def episode(**values):
    """A plain episode (candidate or stored) with every field; blanks as ""."""
    base = {field: "" for field in FIELDS}
    base.update(decom=None, dec=None)
    base.update(values)
    return SimpleNamespace(**base)


def _v(value):
    return (value or "").strip().upper() if isinstance(value, str) else value


# The rules of one episode ------------------------------------------------------------------------


def _code_rules(ep, ctx):
    if ep.rne and ep.rne not in RNE_CODES:
        yield "143", "rne", f"RNE: {ep.rne} is not a reason for a new episode"
    if ep.ls and ep.ls not in LS_CODES:
        yield "144", "ls", f"LS: {ep.ls} is not a legal status code"
    if ep.place and ep.place not in places(ctx.year):
        yield (
            "146",
            "place",
            (
                f"PLACE: {ep.place} is not a placement type of the {ctx.year}-{(ctx.year + 1) % 100:02d} "
                "return"
            ),
        )
    if ep.rec and ep.rec not in REC_CODES:
        yield "149", "rec", f"REC: {ep.rec} is not a reason an episode ceased"
    if ep.reason_place_change and ep.reason_place_change not in REASON_PLACE_CHANGE_CODES:
        yield (
            "1009",
            "reason_place_change",
            (
                f"REASON_PLACE_CHANGE: {ep.reason_place_change} is not a reason for a placement change"
            ),
        )


def _provider_rules(ep, ctx):
    place, provider = ep.place, ep.place_provider
    if provider and provider not in PROVIDER_CODES:
        yield "178", "place_provider", f"PLACE_PROVIDER: {provider} is not a provider code"
        return
    if provider and place in NO_PROVIDER:
        yield (
            "213",
            "place_provider",
            (f"PLACE_PROVIDER: leave it blank: a temporary or other placement ({place}) has none"),
        )
    elif not provider and place and place not in NO_PROVIDER:
        yield "526", "place_provider", "PLACE_PROVIDER: choose who provides the placement"
    forbidden = {
        "PR1": ("527", ("P1", "R2", "R5")),
        "PR2": ("528", ("P1", "R2", "R5")),
        "PR3": ("529", ("P1", "A3", "A4", "A5", "A6", "K1", "K2", "U1", "U2", "U3", "U4", "U5",
                        "U6")),
        "PR4": ("530", ("P1",)),
        "PR5": ("531", ("P1",)),
    }  # fmt: skip
    if provider in forbidden and place in forbidden[provider][1]:
        yield (
            forbidden[provider][0],
            "place_provider",
            (f"PLACE_PROVIDER: {provider} cannot provide a placement of type {place}"),
        )
    if provider == "PR0" and place != "P1":
        yield (
            "550",
            "place_provider",
            ("PLACE_PROVIDER: PR0 (parents) goes only with PLACE P1, placed with parents"),
        )


def _date_rules(ep, ctx):
    if ep.dec and ep.decom and ep.dec < ep.decom:
        yield "356", "dec", f"DEC: the episode cannot end before it started, {_long(ep.decom)}"
    elif ep.dec and ep.dec == ep.decom:
        yield (
            "355",
            "dec",
            ("DEC: an episode must last at least a day: it cannot end the day it started"),
        )
    if bool(ep.dec) != bool(ep.rec):
        if ep.dec:
            yield "148", "rec", "REC: choose the reason the episode ceased"
        else:
            yield "148", "rec", "REC: give a reason the episode ceased only with the date it ended"


def _age_rules(ep, ctx):
    dob = ctx.dob
    if not dob or not ep.decom:
        return
    if ep.rne == "S" and ep.decom >= _years_after(dob, 18):
        yield "352", "rne", "RNE: a young person of 18 or over cannot start to be looked after"
    if ep.ls in ("J1", "J2", "J3") and _years_after(dob, 10) >= ep.decom:
        yield "358", "ls", f"LS: {ep.ls} is for children aged 10 or over"
    minimum = {"K3": ("371", 16), "H5": ("371", 16), "R5": ("372", 10), "S1": ("373", 4),
               "P3": ("374", 14)}  # fmt: skip
    if ep.place in minimum and ep.decom < _years_after(dob, minimum[ep.place][1]):
        rule, age = minimum[ep.place]
        yield rule, "place", f"PLACE: a child must be at least {age} to be placed in {ep.place}"
    if ep.reason_place_change == "CUSTOD" and _years_after(dob, 10) > ep.decom:
        yield (
            "234",
            "reason_place_change",
            ("REASON_PLACE_CHANGE: a child under 10 cannot move because of custody (CUSTOD)"),
        )
    if ep.dec:
        yield from _ending_age_rules(ep, dob)


def _ending_age_rules(ep, dob):
    if ep.rec in ("E11", "E12") and ep.dec >= _years_after(dob, 18):
        yield "386", "rec", f"REC: {ep.rec} (adopted) is not possible at 18 or over"
    if ep.rec in ("E5", "E6") and ep.dec < _years_after(dob, 14):
        yield "387", "rec", f"REC: {ep.rec} (independent living) is not possible under 14"
    if ep.rec == "E7" and ep.dec < _years_after(dob, 16):
        yield "389", "rec", "REC: E7 (adult social care) is not possible under 16"
    if ep.rec in ("E45", "E46", "E47", "E48") and ep.dec > _years_after(dob, 18):
        yield "407", "rec", f"REC: {ep.rec} (special guardianship) is not possible over 18"
    if ep.rec == "E17" and ep.dec < _years_after(dob, 18):
        yield "460", "rec", "REC: E17 (staying put) is only for young people of 18 or over"


def _place_rules(ep, ctx):
    if ep.place == "P1" and ep.ls == "V2":
        yield (
            "378",
            "place",
            (
                "PLACE: a child accommodated under section 20 (LS V2) cannot be placed with parents (P1)"
            ),
        )
    if ep.ls in SHORT_BREAKS and ep.place in TEMPORARY:
        yield (
            "382",
            "place",
            (f"PLACE: a child on short breaks (LS {ep.ls}) cannot be in a temporary placement"),
        )
    if ep.ls in SHORT_BREAKS and ep.place in ("U1", "U4"):
        yield (
            "384",
            "place",
            (
                f"PLACE: {ep.place} is long-term fostering, which a child on short breaks (LS {ep.ls}) "
                "cannot have"
            ),
        )
    if ep.ls in SHORT_BREAKS and (ep.pl_post or ep.urn):
        yield (
            "214",
            "pl_post" if ep.pl_post else "urn",
            (f"PL_POST and URN: leave them blank for a child on short breaks (LS {ep.ls})"),
        )
    if ep.place in ("A3", "A5") and ep.rne not in ("S", "T", "U"):
        yield (
            "217",
            "rne",
            (
                f"RNE: a child placed for adoption with their foster carers ({ep.place}) has RNE S, T "
                "or U"
            ),
        )
    if ep.place in TEMPORARY and ep.rne not in ("P", "B"):
        yield "380", "rne", "RNE: a temporary placement is a change of placement (P or B)"
    if ep.place in TEMPORARY and ep.rec and ep.rec != CHANGE:
        yield (
            "381",
            "rec",
            (
                "REC: a period of care cannot end in a temporary placement: the child returns to their "
                "usual placement first (X1)"
            ),
        )


def _urn_rules(ep, ctx):
    starts = date(ctx.year, 4, 1)
    if not ep.urn and ep.place and ep.place not in NO_URN and (ep.dec is None or ep.dec >= starts):
        yield "218", "urn", f"URN: enter the provider's Ofsted URN (needed for PLACE {ep.place})"
    if ep.urn and ep.urn != URN_NOT_APPLICABLE and ep.place in NO_URN:
        yield "222", "urn", f"URN: leave it blank for a placement of type {ep.place}"


def _postcode_rules(ep, ctx):
    for field in ("home_post", "pl_post"):
        value = getattr(ep, field)
        if value and (postcodes.normalise(value) is None or postcodes.lookup(value) is None):
            yield "392c", field, f"{NAMES[field]}: {value} is not a real postcode"
    if ep.home_post and ep.home_post == ep.pl_post and ep.place != "P1":
        yield (
            "392d",
            "pl_post",
            (
                "PL_POST: the placement's postcode is the child's home postcode: only a placement with "
                "parents (P1) can be"
            ),
        )


def _reason_rules(ep, ctx):
    if ep.reason_place_change and ep.dec is None:
        yield (
            "233",
            "reason_place_change",
            (
                "REASON_PLACE_CHANGE: give it only when the episode ends (the placement has not ended)"
            ),
        )
    if ep.place in TEMPORARY and (
        ep.reason_place_change or (ctx.previous and ctx.previous.reason_place_change)
    ):
        yield "226", "reason_place_change" if ep.reason_place_change else "place", (
            "REASON_PLACE_CHANGE: a move into or out of a temporary placement (T0 to T4) has no "
            "reason for a placement change"
        )  # fmt: skip
    following = ctx.following
    if (
        ep.rec == CHANGE
        and not ep.reason_place_change
        and ep.place not in TEMPORARY
        and following is not None
        and following.rne in ("P", "B", "T", "U")
        and following.place not in TEMPORARY
    ):
        yield (
            "225",
            "reason_place_change",
            (
                "REASON_PLACE_CHANGE: the child moved to another placement (REC X1): say why the "
                "placement changed"
            ),
        )


def _sequence_rules(ep, ctx):
    previous = ctx.previous
    if previous is None:
        if ep.rne and ep.rne != "S":
            yield (
                "357",
                "rne",
                ("RNE: this is the child's first episode, so it starts a period of care (S)"),
            )
        if ctx.dob and ep.decom and ep.decom < ctx.dob:
            yield "302", "decom", "DECOM: the first episode cannot start before the child was born"
        return
    if previous.dec is not None and ep.decom and ep.decom < previous.dec:
        ended = _long(previous.dec)
        yield "501", "decom", f"DECOM: the episode starts before the previous one ended, {ended}"
    if ep.rne in CONTINUATION and previous.dec != ep.decom:
        if previous.dec is None:
            message = "the previous episode has not ended"
        else:
            message = f"the previous episode ended on {_long(previous.dec)}, so it starts that day"
        yield "433", "decom", f"DECOM: RNE {ep.rne} continues the child's care: {message}"
    if ep.rne == "S" and previous.dec and ep.decom and ep.decom <= previous.dec:
        yield (
            "431",
            "rne",
            (
                "RNE: S starts a new period of care, but the previous episode ended the same day: "
                "use P, L, T, U or B"
            ),
        )
    if previous.rec in LEFT_CARE and ep.rne != "S":
        yield (
            "432",
            "rne",
            (
                f"RNE: the child stopped being looked after on {_long(previous.dec)} (REC "
                f"{previous.rec}): a new period of care starts with S"
            ),
        )
    if ep.rne == "L":
        same = all(
            (getattr(ep, f) or "") == (getattr(previous, f) or "")
            for f in ("place", "pl_post", "urn", "place_provider")
        )
        if ep.ls == previous.ls or not same:
            yield (
                "434",
                "rne",
                (
                    "RNE: L is a change of legal status only: the legal status must change and the "
                    "placement stay the same"
                ),
            )


def _after_rules(ep, ctx):
    """Rules the validator reports on the earlier episode, about what follows it."""
    following = ctx.following
    if following is None:
        return
    if ep.dec is None or not ep.rec:
        yield "142", "dec", "DEC: a later episode started, so this one must end"
        return
    if ep.rec == CHANGE and following.decom and ep.dec != following.decom:
        yield (
            "388",
            "rec",
            (
                f"REC: X1 means the next episode starts the same day, but it starts on "
                f"{_long(following.decom)}"
            ),
        )
    if ep.rec != CHANGE and following.decom and ep.dec == following.decom:
        yield (
            "388",
            "rec",
            ("REC: the next episode starts the day this one ends, so the episode ended with X1"),
        )
    if ep.rec in ("E2", "E15"):
        yield (
            "437",
            "rec",
            f"REC: {ep.rec} ends the child's care for good, but a later episode follows",
        )


RULES = (
    _code_rules, _provider_rules, _date_rules, _age_rules, _place_rules, _urn_rules,
    _postcode_rules, _reason_rules, _sequence_rules, _after_rules,
)  # fmt: skip


def _tidy(ep):
    for field in FIELDS:
        value = getattr(ep, field, "")
        if field not in ("decom", "dec"):
            setattr(ep, field, _v(value) or "")
    return ep


def problems(dob, episodes, *, year=None):
    """Every rule the child's episodes fail: [Problem], in the order of the episodes (sorted by
    DECOM, as the validator sorts them). `year` is the collection year whose rules apply (the
    current one when not given)."""
    year = current_year() if year is None else year
    ordered = sorted(
        (_tidy(replace_episode(ep)) for ep in episodes), key=lambda ep: ep.decom or date.min
    )
    found = []
    for index, ep in enumerate(ordered):
        ctx = SimpleNamespace(
            dob=dob,
            year=year,
            previous=ordered[index - 1] if index else None,
            following=ordered[index + 1] if index + 1 < len(ordered) else None,
        )
        for rule in RULES:
            for code, field, message in rule(ep, ctx):
                found.append(Problem(code, field, message, index))
    return _unique(found)


def replace_episode(ep):
    """A plain copy of an episode (a model row or a plain one) with the fields the rules read."""
    copy = episode(**{field: getattr(ep, field, "") for field in FIELDS})
    copy.key = getattr(ep, "key", None) or getattr(ep, "pk", None) or id(ep)
    return copy


def _unique(found):
    seen, kept = set(), []
    for problem in found:
        key = (problem.rule, problem.index)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


# The checks as a worker enters something ---------------------------------------------------------


def _stored(child):
    from hearth.ssda903.models import Episode

    return list(Episode.objects.filter(child=child).order_by("decom", "pk"))


def new_problems(dob, stored, changed, *, candidates, blame, year=None, skip=()):
    """{field: message} of the rules the child's episodes fail with `changed` (the stored ones
    with the candidate episodes in) that they did not fail as `stored`. A problem of a candidate
    is given at its field; one of another episode that the candidate causes (a later episode
    after E2, say) at `blame`, the candidate's own field most likely to be wrong."""
    before = {(p.rule, _key(stored, p)) for p in problems(dob, stored, year=year)}
    ordered = sorted(changed, key=lambda ep: ep.decom or date.min)
    keys = [getattr(ep, "key", None) or getattr(ep, "pk", None) or id(ep) for ep in ordered]
    answer = {}
    for problem in problems(dob, ordered, year=year):
        key = keys[problem.index]
        if (problem.rule, key) in before or problem.rule in skip:
            continue
        field = problem.field
        if key not in candidates:
            field = blame
        answer.setdefault(field, f"{problem.message} (rule {problem.rule})")
    return answer


def _key(episodes, problem):
    ordered = sorted(episodes, key=lambda ep: ep.decom or date.min)
    ep = ordered[problem.index]
    return getattr(ep, "key", None) or getattr(ep, "pk", None) or id(ep)


# A provider's missing Ofsted URN is for an administrator to add, not the placing worker: the
# placement pages note it (`codes.episode_notes`) and the data quality page lists it (rule 218).
AT_START_NOTED = ("218",)


# An episode ending the day it started (rule 355) is listed on the data quality page rather than
# refused: the ending happened, and the worker records it.
AT_END_NOTED = ("355",)


# The reason for a move (REASON_PLACE_CHANGE, rule 225) is asked with the move, at its own field.
MOVE_ASKED = ("225",)
ENDED_AT_START = {"dec": "decom", "rec": "rne"}


def placement_start_problems(
    child, codes, started_on, *, excluding=None, moving=None, today=None, reason_place_change=None
):
    """The 903 rules a new placement of `child` from `started_on` with `codes` (the placement's
    fields: place, place_provider, legal_status, reason_new_episode, home_postcode,
    placement_postcode, urn) would fail: {episode field: message}. `excluding`: the placement
    being checked when already recorded (its episodes are left out); `moving`: the pk of the
    child's open placement that ends (X1) as this one starts. An open episode with no placement
    in Hearth (care imported from an earlier return, or its L episode) ends then too. Both end
    with `reason_place_change`, the reason given for the move; when none is given yet, the move
    asks it at its own field (`hearth.placements.services.moves_checked`), so rule 225 is not
    answered here."""
    stored = [ep for ep in _stored(child) if excluding is None or ep.placement_id != excluding]
    changed, ended = [], set()
    for row in stored:
        copy = replace_episode(row)
        if row.dec is None and (
            (moving is not None and row.placement_id == moving)
            or (row.placement_id is None and row.decom <= started_on)
        ):
            copy.dec, copy.rec = started_on, CHANGE
            copy.reason_place_change = reason_place_change or ""
            ended.add(copy.key)
        changed.append(copy)
    candidate = episode(
        decom=started_on,
        rne=codes.get("reason_new_episode") or "",
        ls=codes.get("legal_status") or "",
        place=codes.get("place") or "",
        place_provider=codes.get("place_provider") or "",
        home_post=codes.get("home_postcode") or "",
        pl_post=codes.get("placement_postcode") or "",
        urn=codes.get("urn") or "",
        cin="",
    )
    candidate.key = "candidate"
    changed.append(candidate)
    found = new_problems(
        child.date_of_birth, [replace_episode(row) for row in stored], changed,
        year=current_year(today), candidates={"candidate", *ended}, blame="rne",
        skip=AT_START_NOTED + AT_END_NOTED + MOVE_ASKED,  # the move ends the open one too
    )  # fmt: skip
    # The episode the move ends answers at the move's fields: its REASON_PLACE_CHANGE is the one
    # given for the move; its DEC is this placement's start, its REC (X1) follows from the RNE.
    answer = {}
    for field, message in found.items():
        answer.setdefault(ENDED_AT_START.get(field, field), message)
    return answer


def placement_end_problems(placement, ended_on, reason_ceased, reason_place_change, today=None):
    """The 903 rules the ending of `placement` on `ended_on` would fail: {episode field:
    message} (DEC, REC, REASON_PLACE_CHANGE and the rules of REC against age)."""
    stored = _stored(placement.child)
    mine = [row for row in stored if row.placement_id == placement.pk]
    if not mine:
        return {}
    last = max(mine, key=lambda row: (row.decom, row.pk))
    changed = []
    for row in stored:
        copy = replace_episode(row)
        if row.pk == last.pk:
            copy.dec, copy.rec = ended_on, reason_ceased
            copy.reason_place_change = reason_place_change
        changed.append(copy)
    return new_problems(
        placement.child.date_of_birth, [replace_episode(row) for row in stored], changed,
        year=current_year(today), candidates={last.pk}, blame="rec", skip=AT_END_NOTED,
    )  # fmt: skip


def legal_status_change_problems(child, changed_on, legal_status):
    """What stops `child`'s legal status changing to `legal_status` on `changed_on`: {field:
    message} with the fields `changed_on` and `legal_status` (the change's own form). The change
    splits the child's episode that day (REC X1, then RNE L), so the new episode must pass the
    rules an episode does: the legal status in the list (144), different from the one before
    (434), possible at the child's age (358) and in the placement (378, 382, 384, 214)."""
    from hearth.ssda903.episodes import placement_episodes
    from hearth.ssda903.models import LegalStatusChange

    found = {}
    legal_status = _v(legal_status) or ""
    today = timezone.localdate()
    if not isinstance(changed_on, date):
        return {"changed_on": "Enter the date the legal status changed"}
    if changed_on > today:
        found["changed_on"] = "The date must be today or in the past"
    elif changed_on < child.date_of_birth:
        found["changed_on"] = "The date must be after the child's date of birth"
    if not legal_status:
        found["legal_status"] = "LS: choose the new legal status"
    elif legal_status not in LS_CODES:
        found["legal_status"] = f"LS: {legal_status} is not a legal status code (rule 144)"
    if found:
        return found
    changes = list(LegalStatusChange.objects.filter(child=child).order_by("changed_on", "pk"))
    if any(change.changed_on == changed_on for change in changes):
        return {"changed_on": f"A legal status change is already recorded on {_long(changed_on)}"}
    placement = (
        child.placements.filter(started_on__lt=changed_on)
        .exclude(ended_on__lte=changed_on)
        .order_by("-started_on", "-pk")
        .first()
    )
    if placement is None:
        starting = child.placements.filter(started_on=changed_on).first()
        if starting is not None:
            return {
                "changed_on": (
                    f"A placement starts on {_long(changed_on)}: its legal status (LS) is the "
                    "placement's own; change it there, or give a later date"
                )
            }
        return {
            "changed_on": (
                f"{child.full_name} was not in a placement recorded in Hearth on "
                f"{_long(changed_on)}: a legal status change is recorded while a child is looked "
                "after"
            )
        }
    new = LegalStatusChange(
        child=child, changed_on=changed_on, legal_status=legal_status, previous_status=""
    )
    before = placement_episodes(placement, changes)
    after = placement_episodes(placement, sorted([*changes, new], key=lambda c: c.changed_on))
    others = [replace_episode(row) for row in _stored(child) if row.placement_id != placement.pk]
    baseline = others + [_keyed(ep, f"b{i}") for i, ep in enumerate(before)]
    changed = others + [_keyed(ep, _split_key(ep, before, changed_on)) for ep in after]
    answer = new_problems(
        child.date_of_birth, baseline, changed, year=current_year(today),
        candidates={"new"}, blame="legal_status",
    )  # fmt: skip
    return {_change_field(field): message for field, message in answer.items()}


def _keyed(ep, key):
    copy = replace_episode(ep)
    copy.key = key
    return copy


def _split_key(ep, before, changed_on):
    """The key of an episode of the placement after the split: the new one is "new"; the others
    keep their key from before (by DECOM), so their old problems are not counted again."""
    if ep.decom == changed_on:
        return "new"
    for i, old in enumerate(before):
        if old.decom == ep.decom:
            return f"b{i}"
    return "new"


def _change_field(field):
    if field in ("decom", "dec"):
        return "changed_on"
    return "legal_status"


# Placement forms' fields ---------------------------------------------------------------------------

PLACEMENT_FIELDS = {
    "decom": "started_on",
    "rne": "reason_new_episode",
    "ls": "legal_status",
    "place": "place",
    "place_provider": "place_provider",
    "home_post": "home_postcode",
    "pl_post": "placement_postcode",
    "urn": "urn",
    "dec": "ended_on",
    "rec": "reason_ceased",
    "reason_place_change": "reason_place_change",
    "cin": "legal_status",
}


def as_placement_fields(found):
    """{episode field: message} as the placement forms' fields."""
    answer = {}
    for field, message in found.items():
        answer.setdefault(PLACEMENT_FIELDS.get(field, field), message)
    return answer
