"""Writes to children's and households' records. Each is atomic and writes its own audit row."""

from datetime import datetime, time

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import END_OF_DAY, LONDON, policy_due_at
from hearth.core.models import Policy
from hearth.people.models import Carer, Child, Household, SiblingGroup


class EditConflict(Exception):
    """Someone else saved the record after this edit began; nothing was written."""


def _claim_version(model, record, expected_version):
    """Move the record to its next version, or fail if another edit got there first."""
    updated = model.objects.filter(pk=record.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not updated:
        # Named as stored: the record in hand may already carry the refused edit's values.
        stored = model.objects.get(pk=record.pk)
        raise EditConflict(f"{stored} was changed by someone else while you were editing it")
    record.version = expected_version + 1


class PlaceTaken(EditConflict):
    """The household's last place was taken by someone else while this record was being edited."""


def _take_place(household, child):
    """Hold the household's row while its places are counted, so that two people placing children
    at the same moment cannot both take its last place (the form counted without a lock)."""
    if household is None:
        return
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.children_placed.exclude(pk=child.pk).count() >= locked.max_children:
        raise PlaceTaken(f"{locked.name}'s last place was taken by someone else just now")


def _changed_fields(record, data, fields):
    """Fields whose new value differs from what is stored. Compared with a fresh copy from the
    database, since a validated model form has already written the new values onto its instance."""
    stored = type(record).objects.get(pk=record.pk)
    return [f for f in fields if f in data and getattr(stored, f) != data[f]]


CHILD_FIELDS = Child.RECORD_FIELDS


def _sibling_group(authority, reference):
    if not reference:
        return None
    group, _ = SiblingGroup.objects.get_or_create(authority=authority, reference=reference)
    return group


@transaction.atomic
def child_create(*, user, authority, data, request=None, via=None):
    child = Child(authority=authority, **{f: data[f] for f in CHILD_FIELDS if f in data})
    child.sibling_group = _sibling_group(authority, data.get("sibling_group_reference"))
    child.placed_with = data.get("placed_with_reference")
    _take_place(child.placed_with, child)
    child.save()
    if child.social_worker_id:
        _social_worker_episodes(child, None)
    audit_record(
        user=user,
        action=AuditEvent.Action.CREATE,
        record_type="child",
        record_id=child.pk,
        organisation=authority,
        request=request,
        via=via,
    )
    return child


@transaction.atomic
def child_update(*, user, child, data, expected_version, request=None, via=None):
    """Apply the changed fields; returns the list of what changed (empty: nothing written)."""
    data = dict(data)
    data["sibling_group"] = _sibling_group(
        child.authority, data.pop("sibling_group_reference", None)
    )
    data["placed_with"] = data.pop("placed_with_reference", None)
    reason = data.pop("social_worker_change_reason", "")
    changed = _changed_fields(child, data, [*CHILD_FIELDS, "sibling_group", "placed_with"])
    if not changed:
        return []
    previous_worker = Child.objects.filter(pk=child.pk).values_list("social_worker", flat=True)[0]
    _claim_version(Child, child, expected_version)
    if "placed_with" in changed:
        _take_place(data["placed_with"], child)
    for field in changed:
        setattr(child, field, data[field])
    child.save(update_fields=[*changed, "version", "updated_at"])
    if "social_worker" in changed:
        _social_worker_episodes(child, previous_worker, reason)
    audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE,
        record_type="child",
        record_id=child.pk,
        organisation=child.authority,
        request=request,
        detail="changed " + ", ".join(changed),
        via=via,
    )
    return changed


def _social_worker_episodes(child, previous_id, reason=""):
    """The return's social worker episodes follow the child's allocation (SSDA903 SW_ID)."""
    from hearth.accounts.models import User
    from hearth.ssda903.recording import social_worker_allocated

    previous = User.objects.filter(pk=previous_id).first() if previous_id else None
    social_worker_allocated(
        child=child, worker=child.social_worker, previous=previous, reason=reason
    )


HOUSEHOLD_FIELDS = Household.RECORD_FIELDS


def _set_carers(household, names):
    """Carers named again keep their record (date of birth, email, phone); others come and go."""
    wanted = list(dict.fromkeys(names))
    kept = {(c.first_name, c.last_name): c for c in household.carers.all()}
    household.carers.exclude(pk__in=[c.pk for key, c in kept.items() if key in wanted]).delete()
    Carer.objects.bulk_create(
        Carer(household=household, first_name=first, last_name=last)
        for first, last in wanted
        if (first, last) not in kept
    )


def review_due_at(household, policy):
    """When the household's next statutory review falls due (002): a temporary (Regulation 24)
    approval must be assessed within its timescale (the open approval's `assessment_due_on`, which
    a Regulation 25 extension moves; else `reg24_assessment` from the approval); an approved
    household is reviewed each year, counted from its latest completed annual review since
    approval, else from the approval."""
    if household.approved_on is None:
        return None
    start = datetime.combine(household.approved_on, time(9), tzinfo=LONDON)
    if household.status == Household.Status.TEMPORARY:
        assessment_due_on = _temporary_assessment_due_on(household)
        if assessment_due_on is not None:
            return datetime.combine(assessment_due_on, END_OF_DAY, tzinfo=LONDON)
        return policy_due_at(policy, "reg24_assessment", start)
    if household.status in (Household.Status.APPROVED, Household.Status.ON_HOLD):
        last_review = _last_review_held_on(household)
        if last_review is not None:
            start = datetime.combine(last_review, time(9), tzinfo=LONDON)
        return policy_due_at(policy, "annual_review", start)
    return None


def _last_review_held_on(household):
    """The day of the household's latest complete annual review since its approval (None for a
    record not saved yet: it has no reviews)."""
    if household.pk is None:
        return None
    from hearth.fostering.models import AnnualReview  # the fostering app builds on this one

    return (
        AnnualReview.objects.filter(
            household_id=household.pk,
            status=AnnualReview.Status.COMPLETE,
            held_on__gte=household.approved_on,
        )
        .order_by("-held_on")
        .values_list("held_on", flat=True)
        .first()
    )


def _temporary_assessment_due_on(household):
    """When the full assessment of the household's open Regulation 24 approval is due (None: no
    open approval, or a record not saved yet)."""
    if household.pk is None:
        return None
    from hearth.fostering.models import TemporaryApproval  # the fostering app builds on this one

    return (
        TemporaryApproval.objects.filter(household_id=household.pk, ended_on__isnull=True)
        .order_by("-approved_on", "-pk")
        .values_list("assessment_due_on", flat=True)
        .first()
    )


def _fostering_history_begun(household, user):
    """A council's household made approved or on hold outside the fostering service's steps (this
    form, `hearth import households`) gets the steps its status implies, so that the monthly
    figures and the holds agree with it: approved on its `approved_on`; on hold from today, with its
    hold. A temporary (Regulation 24) approval is no step of the figures (`lifecycle.approve`)."""
    from hearth.fostering import history  # the fostering app builds on this one
    from hearth.fostering.models import Hold, RecruitmentEvent

    Status = Household.Status
    if not household.provider.is_authority:
        return
    if household.approved_on and household.status in (Status.APPROVED, Status.ON_HOLD):
        history.record(
            household=household, event=RecruitmentEvent.Kind.APPROVED, on=household.approved_on,
            by=user,
        )  # fmt: skip
    if household.status == Status.ON_HOLD:
        today = timezone.localdate()
        reason = household.hold_reason or Household.HoldReason.OTHER
        Hold.objects.create(
            authority=household.provider, household=household, reason=reason, started_on=today,
            started_by=user, note="On hold when the record was made",
        )  # fmt: skip
        history.record(
            household=household, event=RecruitmentEvent.Kind.ON_HOLD, on=today, by=user,
            reason=reason,
        )  # fmt: skip


def _policy_for(household):
    """The policy that sets the household's timescales: its council's, or the default for agencies."""
    if household.provider.is_authority:
        return Policy.objects.get(authority=household.provider)
    return Policy()


@transaction.atomic
def household_create(*, user, provider, data, request=None, via=None):
    household = Household(provider=provider, **{f: data[f] for f in HOUSEHOLD_FIELDS if f in data})
    household.review_due_at = review_due_at(household, _policy_for(household))
    household.save()
    _set_carers(household, data.get("carers", []))
    household.named_children.set(data.get("named_children_references", []))
    _fostering_history_begun(household, user)
    audit_record(
        user=user,
        action=AuditEvent.Action.CREATE,
        record_type="household",
        record_id=household.pk,
        organisation=provider,
        request=request,
        via=via,
    )
    return household


@transaction.atomic
def household_update(*, user, household, data, expected_version, request=None, via=None):
    changed = _changed_fields(household, data, HOUSEHOLD_FIELDS)
    new_named = {c.pk for c in data.get("named_children_references", [])}
    named_changed = new_named != set(household.named_children.values_list("pk", flat=True))
    carers_now = [(c.first_name, c.last_name) for c in household.carers.all()]
    carers_changed = "carers" in data and set(carers_now) != set(data["carers"])
    if not (changed or named_changed or carers_changed):
        return []
    _claim_version(Household, household, expected_version)
    for field in changed:
        setattr(household, field, data[field])
    household.review_due_at = review_due_at(household, _policy_for(household))
    household.save(update_fields=[*changed, "review_due_at", "version", "updated_at"])
    if carers_changed:
        _set_carers(household, data["carers"])
        changed.append("carers")
    if named_changed:
        household.named_children.set(new_named)
        changed.append("named children")
    audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE,
        record_type="household",
        record_id=household.pk,
        organisation=household.provider,
        request=request,
        detail="changed " + ", ".join(changed),
        via=via,
    )
    return changed
