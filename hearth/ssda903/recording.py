"""Recording the return's details of one child: their legal status changes, the header's details
(UPN, motherhood, category of need, UASC), reviews, missing episodes, health outcomes (OC2), care
leaver outcomes (OC3), adoption (AD1, placed for adoption), previous permanence, and the social
worker episodes kept as the child's allocated worker changes.

Who may record: `hearth.ssda903.permissions.may_record` (the council's social workers, team
managers, service leads and IROs). Each service is atomic, locks the child, audits the write on
the child's record and refuses bad input with `RecordingProblem` ({field: message}, naming the
903 field) before anything is written.

Code lists and their rules are the DfE's (the SSDA903 guidance and its validator,
`csc-validator-be-903`; the rule numbers are given where a check follows one):

- UPN (rule 168): a letter other than I, O or S then 12 digits (or 11 digits and a letter, a
  temporary UPN); the first letter is a check letter over the other 12 characters. Or UN1 to UN5
  when the child has no UPN (rules 168, 444); UN1 only for a child not yet of school age, that is
  under 4 on 31 August before the return's year began (rule 209).
- MOTHER and MC_DOB (rules 165, 611, 612, 620): girls only; MC_DOB exactly when MOTHER is 1; a
  mother is 11 or older.
- Reviews REVIEW_CODE (rule 167 and following): PN0 (under 4) to PN7.
- Missing episodes MISSING: M (missing) or A (away without authorisation).
- OC2 (rules 180, 181, 197a, 157, 188, 189): SDQ_SCORE 0 to 40 or SDQ_REASON SDQ1 to SDQ5, never
  both; the yes/no items 0 or 1; the SDQ is for children aged 4 to 16.
- OC3 (rules 131 to 133): IN_TOUCH, ACTIV and ACCOM from the DfE's lists.
- AD1 (rules 114, 175 to 177, 511 to 524): FOSTER_CARE 0/1, NB_ADOPTR 1/2, SEX_ADOPTR and
  LS_ADOPTR consistent with each other.
- Placed for adoption REASON_PLACED_CEASED (rule 120): RD1 to RD4, with DATE_PLACED_CEASED.
- Previous permanence (rules 631, 633, 635): PREV_PERM P1 to P4 or Z1 (not known); LA_PERM and
  DATE_PERM only with P1 to P4.
- SW_REASON (rules SW13, SW10b): the reason a social worker episode started: FCONTA for the
  child's first, otherwise one of the reasons for a change.
"""

import hashlib
import json
import re
from datetime import date

from django.db import transaction
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.people.forms import age_on
from hearth.people.models import Child
from hearth.people.services import EditConflict
from hearth.placements.codes import SHORT_BREAK_STATUSES
from hearth.ssda903 import episodes as statutory_episodes
from hearth.ssda903 import tables, vocabulary
from hearth.ssda903.models import (
    AdoptionDecision,
    CareLeaverOutcome,
    ChildReturn,
    Episode,
    HealthOutcome,
    LegalStatusChange,
    MissingEpisode,
    PlacedForAdoption,
    PreviousPermanence,
    Review,
    SocialWorkerEpisode,
)

# Code lists: the return's, from hearth.ssda903.vocabulary (named here for the pages) --------------

LEGAL_STATUSES = vocabulary.LEGAL_STATUS
CATEGORY_OF_NEED = vocabulary.CATEGORY_OF_NEED
UPN_UNKNOWN = vocabulary.UPN_UNKNOWN
MOTHER = vocabulary.MOTHER
REVIEW_CODE = vocabulary.REVIEW_CODE
MISSING = vocabulary.MISSING
SDQ_REASON = vocabulary.SDQ_REASON
YES_NO = vocabulary.YES_NO
OC2_ITEMS = vocabulary.OC2_ITEMS
IN_TOUCH = vocabulary.IN_TOUCH
ACTIVITY = vocabulary.ACTIVITY
ACCOMMODATION = vocabulary.ACCOMMODATION
NUMBER_OF_ADOPTERS = vocabulary.NUMBER_OF_ADOPTERS
SEX_OF_ADOPTERS = vocabulary.SEX_OF_ADOPTERS
LEGAL_STATUS_OF_ADOPTERS = vocabulary.LEGAL_STATUS_OF_ADOPTERS
REASON_PLACED_CEASED = vocabulary.REASON_PLACED_CEASED
PREVIOUS_PERMANENCE = vocabulary.PREVIOUS_PERMANENCE
LA_PERM_OUTSIDE = vocabulary.LA_PERM_OUTSIDE
SW_REASON = vocabulary.SW_REASON
FIRST_CONTACT = "FCONTA"
# A reallocation whose reason was not given: the allocation is a manager's decision; a worker who
# has left (their account closed) left the role.
DEFAULT_CHANGE_REASON = "MANAGE"
LEFT_ROLE = "LEFTRL"
NO_REGISTRATION = "XX"  # SW_ID of a worker with no Social Work England number (rule SW02)

UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"  # the check letters: no I, O or S
UPN_PATTERN = re.compile(r"^[A-HJ-NP-RT-Z](\d{12}|\d{11}[A-HJ-NP-RT-Z])$")
REGISTRATION_PATTERN = re.compile(r"^SW\d{1,10}$")
PARTIAL_DATE = re.compile(r"^(\d\d|zz)/(\d\d|zz)/(\d{4}|zzzz)$")


class RecordingProblem(Exception):
    """What is wrong with what was entered: {field: message}, nothing written."""

    def __init__(self, problems):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


def label(codes, code):
    return f"{code}: {codes[code]}" if code in codes else code


def day_words(value):
    return f"{value.day} {value:%B %Y}" if value else ""


def upn_check_letter(rest):
    """The check letter of a UPN's other 12 characters (DfE: weights 2 to 13, modulo 23)."""
    total = 0
    for weight, character in enumerate(rest, start=2):
        value = int(character) if character.isdigit() else UPN_LETTERS.index(character)
        total += weight * value
    return UPN_LETTERS[total % 23]


def upn_problem(upn, date_of_birth=None, *, on=None):
    """What is wrong with a UPN (or UN code), or None."""
    if upn in UPN_UNKNOWN:
        if upn == "UN1" and date_of_birth and on:
            # Rule 209: a child 4 or older on 31 August before the return's year began is of
            # school age.
            school_age_on = date(tables.year_of(on) - 1, 8, 31)
            if age_on(date_of_birth, school_age_on) >= 4:
                return (
                    "UPN: UN1 is for a child not yet of school age, and the child was 4 by "
                    f"{day_words(school_age_on)}: enter their UPN, or another UN code"
                )
        return None
    if not UPN_PATTERN.match(upn):
        return (
            "UPN: enter 13 characters, a letter then 12 digits (like A123456789012), "
            "or a UN code if the child has none"
        )
    if upn_check_letter(upn[1:]) != upn[0]:
        return "UPN: the check letter (the first) does not match the rest: check each character"
    return None


def registration_problem(number):
    """A Social Work England registration number is SW and digits (the return's SW_ID)."""
    if number and not REGISTRATION_PATTERN.match(number):
        return "Enter SW followed by the digits of their registration, like SW123456"
    return None


def _today():
    return timezone.localdate()


def _locked(child):
    return Child.objects.select_for_update().get(pk=child.pk)


def _audit(user, child, action, detail, request):
    audit_record(
        user=user, action=action, record_type="child", record_id=child.pk,
        organisation=child.authority, request=request, detail=detail,
    )  # fmt: skip


def _not_future(problems, field, value, what, today):
    if value and value > today:
        problems[field] = f"{what} must be today or in the past"


def _not_before_birth(problems, field, value, what, child):
    if value and value < child.date_of_birth and field not in problems:
        problems[field] = f"{what} cannot be before {child.first_name}'s birth"


# Being looked after ---------------------------------------------------------------------------


def episode_on(child, day):
    """The child's episode that day (the one that starts that day, if one ends and one starts)."""
    found = None
    for episode in Episode.objects.filter(child=child, decom__lte=day).order_by("decom", "pk"):
        if episode.dec is None or episode.dec > day or episode.decom == day:
            found = episode
    return found


def is_looked_after(child):
    """Whether the child has an open episode (their legal status then changes with a date)."""
    return Episode.objects.filter(child=child, dec__isnull=True).exists()


# Legal status ---------------------------------------------------------------------------------


def _legal_status_basics(child, changed_on, legal_status, today):
    problems = {}
    if legal_status not in LEGAL_STATUSES:
        problems["legal_status"] = "LS: choose the child's new legal status"
    if changed_on is None:
        problems["changed_on"] = "Enter the date the legal status changed"
        return problems
    _not_future(problems, "changed_on", changed_on, "The date of the change", today)
    _not_before_birth(problems, "changed_on", changed_on, "The date of the change", child)
    return problems


def _legal_status_episode_problems(child, changed_on, legal_status):
    """Against the child's episodes: the change splits the episode open that day, which must be
    the child's latest, and must really change something."""
    name = child.first_name
    episode = episode_on(child, changed_on)
    if episode is None or (episode.dec is not None and episode.dec <= changed_on):
        return {
            "changed_on": f"{name} was not looked after on {day_words(changed_on)}: a change of "
            "legal status is recorded for a child in care (a new period of care starts with "
            "its placement)"
        }
    if episode.decom == changed_on:
        return {
            "changed_on": f"An episode of {name}'s care started on {day_words(changed_on)}: its "
            "legal status is the one recorded when it started. Choose a later date"
        }
    if Episode.objects.filter(child=child, decom__gt=changed_on).exists():
        return {
            "changed_on": f"{name}'s care has changed since {day_words(changed_on)}: record a "
            f"change of legal status in the latest episode, which started on "
            f"{day_words(_latest_start(child))}"
        }
    if episode.ls == legal_status:
        return {"legal_status": f"LS: {name}'s legal status was already {legal_status} then"}
    short_breaks = {episode.ls in SHORT_BREAK_STATUSES, legal_status in SHORT_BREAK_STATUSES}
    if short_breaks == {True, False}:
        return {
            "legal_status": "LS: short breaks (V3, V4) are a different kind of care from "
            "other legal statuses: end the placement and start a new one (RNE S)"
        }
    return {}


def _latest_start(child):
    latest = Episode.objects.filter(child=child).order_by("-decom").first()
    return latest.decom if latest else None


def _rule_checks(child, changed_on, legal_status):
    """The DfE rules Hearth checks as a change is entered (`hearth.ssda903.checks`)."""
    try:
        from hearth.ssda903.checks import legal_status_change_problems
    except ImportError:  # the checks module arrives separately; until then the basic checks only
        return {}
    return legal_status_change_problems(child, changed_on, legal_status)


def legal_status_change_problems(child, changed_on, legal_status, *, today=None):
    """Everything wrong with recording that `child`'s legal status became `legal_status` on
    `changed_on`: {field: message}."""
    problems = _legal_status_basics(child, changed_on, legal_status, today or _today())
    if problems:
        return problems
    if LegalStatusChange.objects.filter(child=child, changed_on=changed_on).exists():
        return {"changed_on": "A change of legal status is already recorded for that day"}
    problems = _legal_status_episode_problems(child, changed_on, legal_status)
    if problems or episode_on(child, changed_on).placement_id is None:
        # The DfE rule checks run on Hearth's placements; care imported from an earlier return
        # (or an L episode Hearth made from it) is split as the return had it, its codes as
        # imported.
        return problems
    return _rule_checks(child, changed_on, legal_status)


@transaction.atomic
def change_legal_status(*, user, child, legal_status, changed_on, request=None, today=None):
    """Record that the child's legal status changed on `changed_on`: the episode open that day
    ends (REC X1) and a new one starts (RNE L) with the new status, both written by
    `hearth.ssda903.episodes.refresh` from the change (an imported episode too: the L episode
    is then Hearth's, which a later import of the same return leaves alone). Raises
    RecordingProblem."""
    child = _locked(child)
    problems = legal_status_change_problems(child, changed_on, legal_status, today=today)
    if problems:
        raise RecordingProblem(problems)
    episode = episode_on(child, changed_on)
    change = LegalStatusChange.objects.create(
        child=child, changed_on=changed_on, legal_status=legal_status,
        previous_status=episode.ls, recorded_by=user, recorded_at=timezone.now(),
    )  # fmt: skip
    statutory_episodes.refresh(child)
    child.legal_status = legal_status
    child.version += 1
    child.save(update_fields=["legal_status", "version", "updated_at"])
    _audit(user, child, AuditEvent.Action.UPDATE,
           f"legal status {episode.ls} to {legal_status} from {changed_on:%Y-%m-%d}", request)  # fmt: skip
    return change


# The header's details (ChildReturn) -------------------------------------------------------------

RETURN_FIELDS = ("upn", "mother", "mc_dob", "category_of_need", "uasc", "uasc_ceased_on")


def child_return_of(child):
    """The child's return details (unsaved and empty when none were recorded)."""
    try:
        return child.statutory
    except ChildReturn.DoesNotExist:
        return ChildReturn(child=child)


def child_return_problems(child, data, *, today):
    problems = {}
    upn = (data.get("upn") or "").strip().upper()
    if upn:
        problem = upn_problem(upn, child.date_of_birth, on=today)
        if problem:
            problems["upn"] = problem
    mother, mc_dob = data.get("mother") or "", data.get("mc_dob")
    if mother and mother not in MOTHER:
        problems["mother"] = "MOTHER: choose yes, no or not recorded"
    if mother and child.sex != "F":
        problems["mother"] = "MOTHER is recorded for girls and young women only"
    elif mother == "1" and age_on(child.date_of_birth, today) < 11:
        problems["mother"] = "MOTHER: the child is under 11: check the date of birth"
    if mother == "1" and not mc_dob:
        problems["mc_dob"] = "MC_DOB: enter her child's date of birth"
    if mc_dob and mother != "1":
        problems["mc_dob"] = "MC_DOB is only for a mother: leave it blank or choose yes"
    _not_future(problems, "mc_dob", mc_dob, "MC_DOB", today)
    _not_before_birth(problems, "mc_dob", mc_dob, "MC_DOB", child)
    need = data.get("category_of_need") or ""
    if need and need not in CATEGORY_OF_NEED:
        problems["category_of_need"] = "CIN: choose the category of need, N1 to N8"
    ceased = data.get("uasc_ceased_on")
    if ceased and not data.get("uasc"):
        problems["uasc_ceased_on"] = "DUC is only for an unaccompanied asylum seeking child"
    _not_before_birth(problems, "uasc_ceased_on", ceased, "DUC", child)
    return problems


@transaction.atomic
def child_return_update(*, user, child, data, expected_version, request=None, today=None):
    """Save the header's details; returns the fields changed. The category of need goes on the
    child's Hearth-made episodes too (their CIN)."""
    child = _locked(child)
    problems = child_return_problems(child, data, today=today or _today())
    if problems:
        raise RecordingProblem(problems)
    record = child_return_of(child)
    if record.pk:
        record = ChildReturn.objects.select_for_update().get(pk=record.pk)
    if record.version != expected_version:
        raise EditConflict("Someone else changed these details after you opened them")
    values = {**data, "upn": (data.get("upn") or "").strip().upper()}
    changed = [f for f in RETURN_FIELDS if f in values and getattr(record, f) != values[f]]
    if not changed:
        return []
    for field in changed:
        setattr(record, field, values[field])
    record.version += 1
    record.save()
    if "category_of_need" in changed:
        statutory_episodes.refresh(child)
    _audit(user, child, AuditEvent.Action.UPDATE, "return details: " + ", ".join(changed), request)
    return changed


# The return's tables of rows --------------------------------------------------------------------


def _review_problems(child, data, today):
    problems = {}
    _not_future(problems, "reviewed_on", data.get("reviewed_on"), "REVIEW: the date", today)
    _not_before_birth(problems, "reviewed_on", data.get("reviewed_on"), "REVIEW", child)
    code = data.get("participation")
    if code not in REVIEW_CODE:
        problems["participation"] = "REVIEW_CODE: choose how the child took part"
    elif data.get("reviewed_on") and "reviewed_on" not in problems:
        young = age_on(child.date_of_birth, data["reviewed_on"]) < 4
        if young and code != "PN0":
            problems["participation"] = "REVIEW_CODE: the child was under 4: choose PN0"
        if not young and code == "PN0":
            problems["participation"] = "REVIEW_CODE: PN0 is for children under 4"
    return problems


def _missing_problems(child, data, today):
    problems = {}
    if data.get("kind") not in MISSING:
        problems["kind"] = "MISSING: choose missing (M) or away without authorisation (A)"
    started, ended = data.get("started_on"), data.get("ended_on")
    _not_future(problems, "started_on", started, "MIS_START", today)
    _not_before_birth(problems, "started_on", started, "MIS_START", child)
    _not_future(problems, "ended_on", ended, "MIS_END", today)
    if started and ended and ended < started:
        problems["ended_on"] = "MIS_END cannot be before MIS_START"
    return problems


def _sdq_age_problems(child, data, year):
    """Rules 188, 189 and 157: the SDQ is for children aged 4 to 16 (at the year's start/end)."""
    start, end = date(year, 4, 1), date(year + 1, 3, 31)
    too_young = age_on(child.date_of_birth, end) < 4
    too_old = age_on(child.date_of_birth, start) >= 17
    if data.get("sdq_score") not in ("", None) and (too_young or too_old):
        return {"sdq_score": "SDQ_SCORE is for children aged 4 to 16: leave it blank"}
    if data.get("sdq_reason") == "SDQ1" and not (too_young or too_old):
        return {"sdq_reason": "SDQ_REASON: SDQ1 is for children under 4 or over 16"}
    return {}


def _health_problems(child, data, today):
    problems = {}
    year = data.get("year")
    if not year or not 2000 <= year <= today.year:
        problems["year"] = "Choose the collection year"
    score, reason = data.get("sdq_score") or "", data.get("sdq_reason") or ""
    if score and not (score.isdigit() and 0 <= int(score) <= 40):
        problems["sdq_score"] = "SDQ_SCORE: enter a whole number from 0 to 40"
    if reason and reason not in SDQ_REASON:
        problems["sdq_reason"] = "SDQ_REASON: choose a reason from the list"
    if score and reason:
        problems["sdq_reason"] = "SDQ_REASON is only for a missing SDQ score: leave one blank"
    for field, words in OC2_ITEMS.items():
        if (data.get(field) or "") not in ("", *YES_NO):
            problems[field] = f"{words.split(':')[0]}: choose yes or no"
    if not problems and year:
        problems.update(_sdq_age_problems(child, data, year))
    if data.get("intervention_received") and data.get("substance_misuse") != "1":
        problems["intervention_received"] = (
            "INTERVENTION_RECEIVED is only for a child with a substance misuse problem"
        )
    return problems


def _care_leaver_problems(child, data, today):
    problems = {}
    year = data.get("year")
    if not year or not 2000 <= year <= today.year:
        problems["year"] = "Choose the collection year"
    for field, codes, name in (
        ("in_touch", IN_TOUCH, "IN_TOUCH"),
        ("activity", ACTIVITY, "ACTIV"),
        ("accommodation", ACCOMMODATION, "ACCOM"),
    ):
        if data.get(field) not in codes:
            problems[field] = f"{name}: choose from the list"
    return problems


def _adoption_problems(child, data, today):
    problems = {}
    decided, matched = data.get("decided_on"), data.get("matched_on")
    _not_future(problems, "decided_on", decided, "DATE_INT", today)
    _not_future(problems, "matched_on", matched, "DATE_MATCH", today)
    _not_before_birth(problems, "decided_on", decided, "DATE_INT", child)
    if decided and matched and matched < decided:
        problems["matched_on"] = "DATE_MATCH cannot be before DATE_INT (the decision)"
    number, sex, status = (data.get(f) or "" for f in (
        "number_of_adopters", "sex_of_adopters", "legal_status_of_adopters"))  # fmt: skip
    if number == "1" and sex in ("MM", "FF", "MF"):
        problems["sex_of_adopters"] = "SEX_ADOPTR: one adopter is M1 or F1"
    if number == "2" and sex in ("M1", "F1"):
        problems["sex_of_adopters"] = "SEX_ADOPTR: two adopters are MM, FF or MF (rule 511)"
    if status == "L2" and number == "2":
        problems["legal_status_of_adopters"] = "LS_ADOPTR: L2 is a single adopter (rule 514)"
    if status in ("L0", "L11", "L12", "L3", "L4") and number == "1":
        problems["legal_status_of_adopters"] = "LS_ADOPTR: this is a couple: two adopters"
    if status in ("L0", "L3") and sex in ("MM", "FF"):
        problems["sex_of_adopters"] = "SEX_ADOPTR: this legal status is a male and female couple"
    if status in ("L4", "L12") and sex == "MF":
        problems["sex_of_adopters"] = "SEX_ADOPTR: this legal status is a same-sex couple"
    filled = [f for f in ("foster_care", "number_of_adopters", "sex_of_adopters",
                          "legal_status_of_adopters") if data.get(f)]  # fmt: skip
    if 0 < len(filled) < 4:
        first_blank = next(f for f in ("foster_care", "number_of_adopters", "sex_of_adopters",
                                       "legal_status_of_adopters") if not data.get(f))  # fmt: skip
        problems.setdefault(
            first_blank, "The adoption's details are all filled in, or all left blank (rule 151)"
        )
    return problems


def _placed_for_adoption_problems(child, data, today):
    problems = {}
    placed, ceased = data.get("placed_on"), data.get("ceased_on")
    reason = data.get("reason_ceased") or ""
    if not placed:
        problems["placed_on"] = "DATE_PLACED: enter the date of the decision to place for adoption"
    _not_future(problems, "placed_on", placed, "DATE_PLACED", today)
    _not_future(problems, "ceased_on", ceased, "DATE_PLACED_CEASED", today)
    _not_before_birth(problems, "placed_on", placed, "DATE_PLACED", child)
    if placed and ceased and ceased < placed:
        problems["ceased_on"] = "DATE_PLACED_CEASED cannot be before DATE_PLACED"
    if ceased and not reason:
        problems["reason_ceased"] = "REASON_PLACED_CEASED: choose why it ceased"
    if reason and reason not in REASON_PLACED_CEASED:
        problems["reason_ceased"] = "REASON_PLACED_CEASED: choose from the list"
    if reason and not ceased:
        problems["ceased_on"] = "DATE_PLACED_CEASED: enter the date it ceased"
    return problems


def _previous_permanence_problems(child, data, today):
    problems = {}
    code, la, when = (data.get(f) or "" for f in ("previous_permanence", "la_perm", "date_perm"))
    if code not in PREVIOUS_PERMANENCE:
        problems["previous_permanence"] = "PREV_PERM: choose from the list"
    if code == "Z1" and (la or when):
        problems["previous_permanence"] = (
            "PREV_PERM: with Z1 (not known) leave the council and date blank (rule 635)"
        )
    if la and not (la in LA_PERM_OUTSIDE or (la.isdigit() and len(la) == 3)):
        problems["la_perm"] = "LA_PERM: the council's three-digit DfE code, or WAL, SCO, NIR, NUK"
    if when and not PARTIAL_DATE.match(when):
        problems["date_perm"] = "DATE_PERM: dd/mm/yyyy, with zz for a part not known (zz/06/2015)"
    return problems


class Kind:
    """One of the return's tables of rows a worker records for a child."""

    def __init__(self, slug, model, title, fields, problems, *, one_per=None, noun):
        self.slug, self.model, self.title, self.fields = slug, model, title, fields
        self.problems, self.one_per, self.noun = problems, one_per, noun


KINDS = {
    kind.slug: kind
    for kind in (
        Kind("reviews", Review, "Review", ("reviewed_on", "participation"),
             _review_problems, noun="review"),
        Kind("missing", MissingEpisode, "Missing episode", ("kind", "started_on", "ended_on"),
             _missing_problems, noun="missing episode"),
        Kind("health", HealthOutcome, "Health outcomes (OC2)",
             ("year", "sdq_score", "sdq_reason", *OC2_ITEMS), _health_problems, one_per="year",
             noun="health outcomes"),
        Kind("care-leaver", CareLeaverOutcome, "Care leaver outcomes (OC3)",
             ("year", "in_touch", "activity", "accommodation"), _care_leaver_problems,
             one_per="year", noun="care leaver outcomes"),
        Kind("adoption", AdoptionDecision, "Adoption decision and match (AD1)",
             ("decided_on", "matched_on", "foster_care", "number_of_adopters", "sex_of_adopters",
              "legal_status_of_adopters"), _adoption_problems, one_per="child",
             noun="adoption decision"),
        Kind("placed-for-adoption", PlacedForAdoption, "Placed for adoption",
             ("placed_on", "ceased_on", "reason_ceased"), _placed_for_adoption_problems,
             noun="placed for adoption record"),
        Kind("previous-permanence", PreviousPermanence, "Previous permanence",
             ("previous_permanence", "la_perm", "date_perm"), _previous_permanence_problems,
             one_per="child", noun="previous permanence"),
    )
}  # fmt: skip


def _duplicate_problem(kind, child, data, record):
    """Tables with one row a child (AD1, previous permanence) or a year (OC2, OC3)."""
    if kind.one_per is None:
        return {}
    rows = kind.model.objects.filter(child=child)
    if kind.one_per == "year":
        rows = rows.filter(year=data.get("year"))
    if record is not None:
        rows = rows.exclude(pk=record.pk)
    if not rows.exists():
        return {}
    if kind.one_per == "year":
        return {"year": f"The {kind.noun} of this year are already recorded: change them instead"}
    return {kind.fields[0]: f"The {kind.noun} is already recorded: change it instead"}


def _clean_codes(kind, data):
    values = {}
    for field in kind.fields:
        value = data.get(field)
        if isinstance(value, str):
            value = value.strip()
            if field != "date_perm":
                value = value.upper()
        values[field] = "" if value is None and _is_text(kind, field) else value
    return values


def _is_text(kind, field):
    return kind.model._meta.get_field(field).get_internal_type() == "CharField"


def _describe(kind, record):
    return f"{kind.noun} {record.pk}"


def row_fingerprint(kind, record):
    """The version of a row of the return (which has no version field): a hash of its stored
    values. A change or removal form carries the fingerprint of the row it showed, and
    `row_save`/`row_remove` refuse it when the row's stored values differ by then."""
    values = [record.pk, *(getattr(record, field) for field in kind.fields)]
    return hashlib.sha256(json.dumps(values, default=str).encode()).hexdigest()[:40]


def _row_locked(kind, child, record, expected_fingerprint):
    """The stored row, locked; EditConflict when someone removed or changed it since the form
    showed it (the fingerprint differs). No check when `expected_fingerprint` is None."""
    stored = kind.model.objects.select_for_update().filter(pk=record.pk, child=child).first()
    if stored is None:
        raise EditConflict(f"Someone else removed this {kind.noun} after you opened it")
    if expected_fingerprint is not None and row_fingerprint(kind, stored) != expected_fingerprint:
        raise EditConflict(f"Someone else changed this {kind.noun} after you opened it")
    return stored


@transaction.atomic
def row_save(*, user, child, kind, data, record=None, request=None, today=None,
             expected_fingerprint=None):  # fmt: skip
    """Add (record None) or change one row of the `kind` table of `child`; RecordingProblem
    when anything is wrong with it, EditConflict when the row was changed or removed since its
    form showed it (`expected_fingerprint`, from `row_fingerprint`: the pages always give it)."""
    kind = KINDS[kind] if isinstance(kind, str) else kind
    child = _locked(child)
    if record is not None:
        record = _row_locked(kind, child, record, expected_fingerprint)
    values = _clean_codes(kind, data)
    problems = kind.problems(child, values, today or _today())
    problems = problems or _duplicate_problem(kind, child, values, record)
    if problems:
        raise RecordingProblem(problems)
    if record is None:
        record = kind.model(authority_id=child.authority_id, child=child, **values)
        record.save()
        action, words = AuditEvent.Action.CREATE, "added"
    else:
        changed = [f for f in kind.fields if getattr(record, f) != values[f]]
        if not changed:
            return record, []
        for field in changed:
            setattr(record, field, values[field])
        record.save(update_fields=changed)
        action, words = AuditEvent.Action.UPDATE, "changed " + ", ".join(changed) + " of"
    _audit(user, child, action, f"{words} {_describe(kind, record)}", request)
    return record, list(kind.fields)


@transaction.atomic
def row_remove(*, user, child, kind, record, request=None, expected_fingerprint=None):
    """Remove a row recorded in error (a review, a missing episode, an outcome...); EditConflict
    when it was changed or removed since the page asking to remove it showed it."""
    kind = KINDS[kind] if isinstance(kind, str) else kind
    child = _locked(child)
    record = _row_locked(kind, child, record, expected_fingerprint)
    described = _describe(kind, record)
    record.delete()
    _audit(user, child, AuditEvent.Action.UPDATE, f"removed {described}", request)


# Social worker episodes -----------------------------------------------------------------------


def social_worker_id(user):
    """SW_ID: the worker's Social Work England number, or XX when none is recorded (rule SW02)."""
    return user.registration_number or NO_REGISTRATION


def _change_reason(previous_worker, reason):
    if reason:
        return reason
    if previous_worker is not None and not previous_worker.is_active:
        return LEFT_ROLE
    return DEFAULT_CHANGE_REASON


def social_worker_allocated(*, child, worker, previous=None, on=None, reason=""):
    """Keep the child's social worker episodes as their allocated worker changes to `worker`
    (None: unallocated): the open episode ends on the day (SW_DEC) and the new one starts the
    same day (SW_DECOM). A child's first episode has the reason FCONTA; a change has `reason`
    (one of SW_REASON), else LEFTRL when the previous worker's account is closed, else MANAGE.
    Two episodes cannot start on one day (rule SW19): a second change that day replaces the
    first's worker. Call inside the transaction that changed the allocation."""
    on = on or _today()
    episodes = SocialWorkerEpisode.objects.filter(child=child)
    current = episodes.filter(ended_on__isnull=True).order_by("-started_on", "-pk").first()
    if current is not None and current.started_on >= on:
        if worker is None:
            current.delete()
        else:
            current.social_worker_id = social_worker_id(worker)
            current.save(update_fields=["social_worker_id"])
        return current
    if current is not None:
        current.ended_on = on
        current.save(update_fields=["ended_on"])
    if worker is None:
        return None
    first = not episodes.exists()
    return SocialWorkerEpisode.objects.create(
        authority_id=child.authority_id, child=child, social_worker_id=social_worker_id(worker),
        started_on=on, reason=FIRST_CONTACT if first else _change_reason(previous, reason),
    )  # fmt: skip
