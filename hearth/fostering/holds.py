"""Holds, allegations and carers leaving fostering (DOMAIN.md "Foster carers", seed 002).

- **A hold** (allegation, illness, adoption, family circumstances) takes the household out of every
  search until it is lifted; the steps themselves are `lifecycle.hold_start` and `hold_end`.
- **An allegation** against carers is recorded with the child it concerns; the household is put on
  hold at once unless the fostering team decides otherwise; the fostering team managers are asked
  (a tray item) to consult the Local Authority Designated Officer (LADO), whose advice, reference
  and the outcome are recorded; closing it needs the outcome.
- **Resignation**: the carers stop fostering, with the reason (`lifecycle.leave`). Deregistration
  goes through the fostering panel (`hearth.fostering.panel`).

Supervising social workers and fostering team managers put households on hold and record
allegations; only a fostering team manager records a resignation.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.core.deadlines import add_months
from hearth.fostering import lifecycle, permissions, vocabulary
from hearth.fostering.models import Allegation, Hold
from hearth.fostering.support import audit_household, claim_version, not_in_future, refuse
from hearth.people.models import Household
from hearth.referrals.services import ActionNotAllowed, clean_text, refuse_if
from hearth.trays.models import WorkItem
from hearth.trays.services import item_open, items_close_keyed

Status = Household.Status
HOLD_REASONS = dict(Household.HoldReason.choices)
OUTCOMES = dict(vocabulary.ALLEGATION_OUTCOMES)
EXIT_REASONS = dict(vocabulary.EXIT_REASONS)


def why_not_hold(user, household):
    return permissions.why_not(
        user, household.provider_id, permissions.ASSESSORS, "put carers on hold or lift a hold"
    )


def why_not_allegation(user, household):
    return permissions.why_not(
        user, household.provider_id, permissions.ASSESSORS, "record an allegation"
    )


def why_not_lift(user, household):
    """Lifting a hold: as putting one on; while an allegation against the carers is open, only a
    fostering team manager (who confirms it, knowing the allegation is open)."""
    reason = why_not_hold(user, household)
    manager = permissions.holds_any(user, household.provider_id, {Role.FOSTERING_TEAM_MANAGER})
    if reason is None and not manager and open_allegations(household).exists():
        return "While an allegation is open, only a fostering team manager can lift the hold"
    return reason


def allegation_words(allegation):
    """ "received 3 March 2026, LADO consulted 4 March 2026" (or "LADO not yet consulted")."""
    lado = (
        f"LADO consulted {allegation.lado_consulted_on:%-d %B %Y}"
        if allegation.lado_consulted_on
        else "LADO not yet consulted"
    )
    return f"received {allegation.received_on:%-d %B %Y}, {lado}"


# A hold is put on from a recent day: one that started longer ago is history, imported with the
# household's fostering history (`hearth import recruitment-events`), not typed here.
HOLD_BACKDATE_MONTHS = 3


def hold_start_refusal(household, on, today=None):
    """Why a hold cannot start on `on` (None: it can): not before the approval, nor before the
    household's last hold ended (the past figures stay as they were), nor more than
    HOLD_BACKDATE_MONTHS ago."""
    today = today or timezone.localdate()
    earliest = add_months(today, -HOLD_BACKDATE_MONTHS)
    if on < earliest:
        return (
            f"A hold cannot start more than {HOLD_BACKDATE_MONTHS} months ago (before "
            f"{earliest:%-d %B %Y}): older holds belong in the imported fostering history"
        )
    if household.approved_on and on < household.approved_on:
        return (
            f"The hold cannot start before the carers were approved "
            f"({household.approved_on:%-d %B %Y})"
        )
    last = (
        Hold.objects.filter(household=household, ended_on__isnull=False)
        .order_by("-ended_on")
        .values_list("ended_on", flat=True)
        .first()
    )
    if last is not None and on < last:
        return f"The hold cannot start before the last hold ended ({last:%-d %B %Y})"
    return None


def why_not_exit(user, household):
    return permissions.why_not(
        user, household.provider_id, permissions.EXITERS, "record that carers are leaving"
    )


def open_hold(household):
    return Hold.objects.filter(household=household, ended_on__isnull=True).first()


def allegation_key(allegation):
    return f"allegation:{allegation.pk}"


def _step(step, **arguments):
    """A lifecycle step, its refusal shown as the step's own: at its field when it names one."""
    try:
        return step(**arguments)
    except lifecycle.StepRefused as refusal:
        if refusal.field:
            refuse_if({refusal.field: refusal.message})
        raise ActionNotAllowed(refusal.message) from refusal


def _checked_day(value, field, errors, missing, what):
    if value is None:
        errors[field] = missing
    not_in_future(value, field, errors, what)


@transaction.atomic
def hold_put(*, user, household, reason, on, note="", request=None):
    """Put approved carers on hold: no search offers them until the hold is lifted."""
    refuse(why_not_hold(user, household))
    errors = {}
    if reason not in HOLD_REASONS:
        errors["reason"] = "Choose why the carers are on hold"
    _checked_day(on, "on", errors, "Enter the date the hold starts", "The hold")
    note = clean_text(note, "note", errors, name="The note")
    if on and "on" not in errors:
        reason_not = hold_start_refusal(household, on)
        if reason_not:
            errors["on"] = reason_not
    refuse_if(errors)
    return _step(
        lifecycle.hold_start, by=user, household=household, reason=reason, on=on, note=note,
        request=request,
    )  # fmt: skip


@transaction.atomic
def hold_lift(*, user, household, on, confirmed=False, request=None):
    """Lift the hold: the carers are offered to children again. While an allegation is open, only
    a fostering team manager lifts it, confirming they know the allegation is open."""
    refuse(why_not_lift(user, household))
    household = lifecycle.locked(household)
    errors = {}
    _checked_day(on, "on", errors, "Enter the date the hold is lifted", "The date")
    hold = open_hold(household)
    if on and hold and on < hold.started_on:
        errors["on"] = "The hold cannot be lifted before the day it started"
    allegation = open_allegations(household).order_by("received_on", "pk").first()
    if allegation is not None and not confirmed:
        errors["confirm"] = (
            f"An allegation is still open ({allegation_words(allegation)}): confirm that the "
            "hold is lifted all the same"
        )
    refuse_if(errors)
    return _step(lifecycle.hold_end, by=user, household=household, on=on, request=request)


@transaction.atomic
def allegation_record(*, user, household, received_on, summary, child=None, put_on_hold=True,
                      request=None):  # fmt: skip
    """An allegation against the carers: recorded, the household put on hold (unless decided
    otherwise or already on hold), and the fostering team managers asked to consult the LADO."""
    refuse(why_not_allegation(user, household))
    household = lifecycle.locked(household)
    if not household.is_in_house:
        raise ActionNotAllowed(f"{household.name} are an agency's carers: the agency records this")
    errors = {}
    _checked_day(
        received_on, "received_on", errors, "Enter the date the allegation was made",
        "The allegation",
    )  # fmt: skip
    summary = clean_text(
        summary, "summary", errors, name="The summary", missing="Say what is alleged"
    )
    if child is not None and child.authority_id != household.provider_id:
        errors["child"] = "Choose a child of the council"
    holdable = household.status in (Status.APPROVED, Status.TEMPORARY)
    if put_on_hold and not holdable and household.status != Status.ON_HOLD:
        errors["put_on_hold"] = (
            f"{household.name} is {household.get_status_display().lower()}: only approved carers "
            "can be put on hold"
        )
    if put_on_hold and holdable and received_on and "received_on" not in errors:
        reason_not = hold_start_refusal(household, received_on)
        if reason_not:
            errors["received_on"] = (
                f"{reason_not}. The hold starts on the allegation's date: untick \"Put the "
                'carers on hold now" and put them on hold from today instead'
            )
    refuse_if(errors)
    hold = None
    if put_on_hold and holdable:
        hold = lifecycle.hold_start(
            by=user, household=household, reason=Household.HoldReason.ALLEGATION, on=received_on,
            note="After an allegation", request=request,
        )  # fmt: skip
    elif household.status == Status.ON_HOLD:
        hold = open_hold(household)
    allegation = Allegation.objects.create(
        authority=household.provider, household=household, child=child, received_on=received_on,
        summary=summary, hold=hold, recorded_by=user,
    )  # fmt: skip
    item_open(
        organisation=household.provider, kind=WorkItem.Kind.ALLEGATION,
        role=Role.FOSTERING_TEAM_MANAGER, urgent=True,
        title=f"An allegation about {household.name}: consult the LADO",
        key=allegation_key(allegation),
        link=reverse("fostering_allegation", args=[allegation.pk]),
    )  # fmt: skip
    audit_household(user, household, "allegation recorded" + (", put on hold" if put_on_hold else ""),
           request)  # fmt: skip
    return allegation


@transaction.atomic
def allegation_update(*, user, allegation, lado_consulted_on, lado_reference, lado_advice, outcome,
                      closed_on, expected_version, request=None):  # fmt: skip
    """The LADO consulted (when, their reference and advice) and, at the end, the outcome."""
    household = allegation.household
    refuse(why_not_allegation(user, household))
    allegation = claim_version(Allegation, allegation, expected_version)
    if allegation.closed_on is not None:
        raise ActionNotAllowed("The allegation is closed")
    errors = {}
    not_in_future(lado_consulted_on, "lado_consulted_on", errors, "The consultation")
    if lado_consulted_on and lado_consulted_on < allegation.received_on:
        errors["lado_consulted_on"] = "The LADO cannot have been consulted before the allegation"
    lado_reference = clean_text(
        lado_reference, "lado_reference", errors, name="The reference", limit=100
    )
    lado_advice = clean_text(lado_advice, "lado_advice", errors, name="The advice")
    if outcome and outcome not in OUTCOMES:
        errors["outcome"] = "Choose the outcome"
    not_in_future(closed_on, "closed_on", errors, "The date closed")
    if closed_on and closed_on < allegation.received_on:
        errors["closed_on"] = "The allegation cannot close before it was made"
    if closed_on and not outcome:
        errors["outcome"] = "Choose the outcome before closing the allegation"
    if closed_on and not lado_consulted_on:
        errors["lado_consulted_on"] = "Enter when the LADO was consulted before closing"
    refuse_if(errors)
    allegation.lado_consulted_on, allegation.lado_reference = lado_consulted_on, lado_reference
    allegation.lado_advice, allegation.outcome = lado_advice, outcome or ""
    allegation.closed_on = closed_on
    allegation.save()
    if lado_consulted_on:
        items_close_keyed(
            organisation=household.provider, key=allegation_key(allegation), by=user,
            kinds=[WorkItem.Kind.ALLEGATION],
        )  # fmt: skip
    audit_household(
        user, household, "allegation closed" if closed_on else "allegation updated", request
    )
    return allegation


@transaction.atomic
def resignation_record(*, user, household, reason, on, note="", request=None):
    """The carers resign: they leave fostering on `on`, with the reason."""
    refuse(why_not_exit(user, household))
    errors = {}
    if reason not in EXIT_REASONS:
        errors["reason"] = "Choose why the carers are leaving"
    _checked_day(on, "on", errors, "Enter the date they leave", "The date")
    if on and household.approved_on and on < household.approved_on:
        errors["on"] = "The carers cannot leave before they were approved"
    note = clean_text(note, "note", errors, name="The note")
    refuse_if(errors)
    return _step(
        lifecycle.leave, by=user, household=household, kind="resignation", reason=reason, on=on,
        note=note, request=request,
    )  # fmt: skip


def open_allegations(household):
    return Allegation.objects.filter(household=household, closed_on__isnull=True)
