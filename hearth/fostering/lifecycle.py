"""The steps that move an in-house household from one status to another (DOMAIN.md "Foster
carers"), each in one transaction: the household locked and its version claimed, its status set, the
step written to its fostering history (`history.record`) and audited.

The fostering service's other modules (recruitment, kinship, panel, support, holds) call these;
nothing else sets an in-house household's status. Each returns the household as saved.
"""

from datetime import datetime, time

from django.db import transaction
from django.db.models import F

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import LONDON, policy_due_at
from hearth.fostering import history
from hearth.fostering.models import (
    Application,
    Assessment,
    Exit,
    Hold,
    PanelItem,
    RecruitmentEvent,
    TemporaryApproval,
)
from hearth.people.models import Household
from hearth.people.services import review_due_at
from hearth.trays.services import items_close_keyed

Kind = RecruitmentEvent.Kind
Status = Household.Status

APPROVED_STATUSES = (Status.APPROVED, Status.TEMPORARY, Status.ON_HOLD)
# Statuses a household is in while it is still being recruited (before any approval).
RECRUITING_STATUSES = (Status.ENQUIRY, Status.APPLICATION, Status.IN_ASSESSMENT)


class StepRefused(Exception):
    """A step cannot be taken as asked; the message says why, and `field` names the form field at
    fault (None: the whole step). Nothing has been written."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message, self.field = message, field


def locked(household):
    return Household.objects.select_for_update().select_related("provider").get(pk=household.pk)


def _audit(by, household, detail, request):
    audit_record(
        user=by, action=AuditEvent.Action.UPDATE, record_type="household",
        record_id=household.pk, organisation=household.provider, request=request, detail=detail,
    )  # fmt: skip


def _save(household, fields):
    household.version += 1
    household.save(update_fields=[*fields, "version", "updated_at"])


@transaction.atomic
def move(household, status, *, by, on, event=None, reason="", request=None, detail=""):
    """Set the household's status (a step with nothing else to change) and record `event`."""
    household = locked(household)
    household.status = status
    if status != Status.ON_HOLD:
        household.hold_reason = ""
    _save(household, ["status", "hold_reason"])
    if event:
        history.record(household=household, event=event, on=on, by=by, reason=reason)
    _audit(by, household, detail or f"status {status}", request)
    return household


@transaction.atomic
def approve(*, by, household, on, terms, temporary=False, request=None):
    """The agency decision maker approves the household, on `terms` (min_age, max_age,
    max_children, care_types): fully (an `approved` step in the history), or temporarily under
    Regulation 24 (no step: the household is counted in assessment until fully approved)."""
    household = locked(household)
    allowed = RECRUITING_STATUSES if temporary else (*RECRUITING_STATUSES, Status.TEMPORARY)
    if household.status not in allowed:
        raise StepRefused(
            f"{household.name} is {household.get_status_display().lower()}: "
            + ("a temporary approval is for people being assessed" if temporary
               else "only people being assessed can be approved")
        )  # fmt: skip
    household.status = Status.TEMPORARY if temporary else Status.APPROVED
    household.hold_reason = ""
    household.approved_on = on
    for field in TERMS:
        if field in terms:
            setattr(household, field, terms[field])
    household.review_due_at = review_due_at(household, household.provider.policy)
    _save(
        household,
        ["status", "hold_reason", "approved_on", "min_age", "max_age", "max_children",
         "care_types", "review_due_at"],
    )  # fmt: skip
    if not temporary:
        TemporaryApproval.objects.filter(household=household, ended_on__isnull=True).update(
            ended_on=on
        )
        Application.objects.filter(
            household=household, status=Application.Status.ASSESSMENT
        ).update(status=Application.Status.APPROVED, version=F("version") + 1)
        history.record(household=household, event=Kind.APPROVED, on=on, by=by)
    _audit(by, household, "approved (Regulation 24)" if temporary else "approved", request)
    return household


TERMS = ("min_age", "max_age", "max_children", "care_types")


@transaction.atomic
def terms_change(*, by, household, on, terms, request=None):
    """New approval terms for approved carers, as the agency decision maker decided after panel
    (a change of terms, or an annual review recommending new terms). Not a step of the history:
    the household stays approved."""
    household = locked(household)
    if household.status not in APPROVED_STATUSES:
        raise StepRefused(
            f"{household.name} is {household.get_status_display().lower()}: only approved carers' "
            "terms can change"
        )
    changed = [
        field for field in TERMS if field in terms and getattr(household, field) != terms[field]
    ]
    for field in changed:
        setattr(household, field, terms[field])
    _save(household, changed)
    _audit(
        by, household, f"approval terms changed on {on.isoformat()}: {', '.join(changed)}", request
    )
    return household


@transaction.atomic
def hold_start(*, by, household, reason, on, note="", request=None):
    """Put an approved household on hold: searches leave it out until the hold is lifted."""
    household = locked(household)
    if household.status not in (Status.APPROVED, Status.TEMPORARY):
        raise StepRefused(
            f"{household.name} is {household.get_status_display().lower()}: only approved carers "
            "can be put on hold"
        )
    hold = Hold.objects.create(
        authority=household.provider, household=household, reason=reason, note=note,
        started_on=on, started_by=by,
    )  # fmt: skip
    household.status, household.hold_reason = Status.ON_HOLD, reason
    _save(household, ["status", "hold_reason"])
    history.record(household=household, event=Kind.ON_HOLD, on=on, by=by, reason=reason)
    _audit(by, household, f"put on hold ({reason})", request)
    return hold


def _status_after_hold(household):
    temporary = TemporaryApproval.objects.filter(household=household, ended_on__isnull=True)
    return Status.TEMPORARY if temporary.exists() else Status.APPROVED


@transaction.atomic
def hold_end(*, by, household, on, request=None):
    """Lift the household's hold: it is offered to children again."""
    household = locked(household)
    hold = (
        Hold.objects.select_for_update().filter(household=household, ended_on__isnull=True).first()
    )
    if household.status != Status.ON_HOLD or hold is None:
        raise StepRefused(f"{household.name} is not on hold")
    if on < hold.started_on:
        raise StepRefused("A hold cannot be lifted before the day it started")
    hold.ended_on, hold.ended_by = on, by
    hold.save(update_fields=["ended_on", "ended_by"])
    household.status, household.hold_reason = _status_after_hold(household), ""
    _save(household, ["status", "hold_reason"])
    history.record(household=household, event=Kind.OFF_HOLD, on=on, by=by)
    _audit(by, household, "hold lifted", request)
    return hold


@transaction.atomic
def leave(*, by, household, kind, reason, on, note="", panel_item=None, request=None):
    """The household stops fostering: resigned or deregistered, with the reason. An open hold
    ends with it."""
    household = locked(household)
    if household.status not in APPROVED_STATUSES:
        raise StepRefused(
            f"{household.name} is {household.get_status_display().lower()}: only approved carers "
            "leave fostering"
        )
    placed = household.children_placed.count()
    if placed:
        raise StepRefused(
            f"{placed} {'child lives' if placed == 1 else 'children live'} with {household.name}: "
            "their placements end before the carers leave fostering"
        )
    Hold.objects.filter(household=household, ended_on__isnull=True).update(ended_on=on, ended_by=by)
    TemporaryApproval.objects.filter(household=household, ended_on__isnull=True).update(ended_on=on)
    for assessment in _open_assessments(household):
        _assessment_ended(
            assessment, on=on, reason="circumstances", note="The carers left fostering"
        )
        history.record(
            household=household, event=Kind.ASSESSMENT_ENDED, on=on, by=by, reason="circumstances"
        )
    _panel_items_withdrawn(household, on, "The carers left fostering", keep=panel_item)
    exit_ = Exit.objects.create(
        authority=household.provider, household=household, kind=kind, reason=reason, note=note,
        exited_on=on, panel_item=panel_item, recorded_by=by,
    )  # fmt: skip
    household.status, household.hold_reason, household.review_due_at = (
        Status.DEREGISTERED, "", None,
    )  # fmt: skip
    _save(household, ["status", "hold_reason", "review_due_at"])
    history.record(household=household, event=Kind.EXITED, on=on, by=by, reason=reason)
    _audit(by, household, f"{kind} ({reason})", request)
    from hearth.fostering.support import on_household_left  # support builds on this module

    on_household_left(household, by)
    return exit_


def due_after(policy, rule, day):
    """The day a day-counted rule of the policy falls due, counted from `day`."""
    return policy_due_at(policy, rule, datetime.combine(day, time(9), tzinfo=LONDON)).date()


def assessment_due_on(household, kind, started_on):
    """When an assessment starting on `started_on` is due: a household temporarily approved under
    Regulation 24 has its full assessment due by the approval's own date (`reg24_assessment` from
    the approval); any other, the policy's `assessment` (20 weeks) from the start."""
    temporary = (
        TemporaryApproval.objects.filter(household=household, ended_on__isnull=True)
        .order_by("-approved_on")
        .first()
    )
    if kind == Assessment.Kind.FORM_K and temporary is not None:
        return temporary.assessment_due_on
    return due_after(household.provider.policy, "assessment", started_on)


@transaction.atomic
def assessment_start(*, by, household, kind, started_on, assessor=None, application=None,
                     request=None):  # fmt: skip
    """Start a Form F or Form K assessment: the household is in assessment (a household
    temporarily approved stays so, its child living there) and the step is in its history."""
    household = locked(household)
    if household.status not in (*RECRUITING_STATUSES, Status.TEMPORARY, Status.NOT_PROGRESSED):
        raise StepRefused(
            f"{household.name} is {household.get_status_display().lower()}: an assessment is for "
            "people applying to foster"
        )
    if _open_assessments(household):
        raise StepRefused(f"{household.name} already has an assessment under way")
    assessment = Assessment.objects.create(
        authority=household.provider, household=household, application=application, kind=kind,
        started_on=started_on, due_on=assessment_due_on(household, kind, started_on),
        assessor=assessor,
    )  # fmt: skip
    if household.status != Status.TEMPORARY:
        household.status = Status.IN_ASSESSMENT
        _save(household, ["status"])
    history.record(household=household, event=Kind.ASSESSMENT_STARTED, on=started_on, by=by)
    _audit(by, household, f"{assessment.get_kind_display()} assessment started", request)
    return assessment


@transaction.atomic
def assessment_end(*, by, assessment, on, reason, note="", keep_panel_item=None, request=None):
    """An assessment ends without approval (withdrawn, refused, counselled out...): the household
    did not go on; a Regulation 24 temporary approval ends with it, its application is withdrawn or
    refused, and business waiting at panel for it is withdrawn (all but `keep_panel_item`, the one
    being decided)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status not in OPEN_ASSESSMENT:
        raise StepRefused(f"The assessment is {assessment.get_status_display().lower()}")
    if on < assessment.started_on:
        raise StepRefused("An assessment cannot end before it started", field="ended_on")
    household = locked(assessment.household)
    _assessment_ended(assessment, on=on, reason=reason, note=note)
    _panel_items_withdrawn(household, on, "The assessment ended", keep=keep_panel_item)
    TemporaryApproval.objects.filter(household=household, ended_on__isnull=True).update(ended_on=on)
    household.status, household.hold_reason, household.review_due_at = (
        Status.NOT_PROGRESSED, "", None,
    )  # fmt: skip
    _save(household, ["status", "hold_reason", "review_due_at"])
    history.record(household=household, event=Kind.ASSESSMENT_ENDED, on=on, by=by, reason=reason)
    _audit(by, household, f"assessment ended ({reason})", request)
    return assessment


OPEN_ASSESSMENT = (Assessment.Status.IN_PROGRESS, Assessment.Status.AT_PANEL)
# An assessment that ends for one of these reasons leaves its application refused, not withdrawn.
REFUSED_REASONS = ("refused", "counselled_out", "checks")


def _open_assessments(household):
    return list(
        Assessment.objects.select_for_update().filter(
            household=household, status__in=OPEN_ASSESSMENT
        )
    )


def _assessment_ended(assessment, *, on, reason, note):
    """The assessment (locked) ended, and its application with it."""
    assessment.status, assessment.ended_on = Assessment.Status.ENDED, on
    assessment.end_reason, assessment.end_note = reason, note
    assessment.version += 1
    assessment.save()
    from hearth.fostering.recruitment import assessment_items_close  # recruitment builds on this

    assessment_items_close(assessment)
    if assessment.application_id is not None:
        refused = reason in REFUSED_REASONS
        Application.objects.filter(pk=assessment.application_id).update(
            status=Application.Status.REFUSED if refused else Application.Status.WITHDRAWN,
            ended_on=on,
            version=F("version") + 1,
        )


def _panel_items_withdrawn(household, on, reason, *, keep=None):
    """The household's business still waiting at panel (no decision yet) is taken off: its subject
    has gone. The items stay on the sitting's record, marked withdrawn."""
    items = PanelItem.objects.select_for_update().filter(
        household=household, decision="", withdrawn_on__isnull=True
    )
    if keep is not None:
        items = items.exclude(pk=keep.pk)
    for item in items:
        item.withdrawn_on, item.withdrawn_reason = on, reason
        item.version += 1
        item.save(update_fields=["withdrawn_on", "withdrawn_reason", "version"])
        for key in (f"panel-item:{item.pk}", f"panel-recommendation:{item.pk}"):
            items_close_keyed(organisation=household.provider, key=key, by=None)
