"""Recruitment and retention action plans, as Trafford's Project Fostering plan (004): objectives,
each with its actions, lead, date and what success looks like, and a RAG status whose every change
is kept (`PlanActionUpdate`: who, when, why).

Fostering team managers and the council's managers (`permissions.PLANNERS`) write plans; everyone
who reads the fostering service (`permissions.READERS`) reads them. An action is overdue once its
date has passed and it is not complete. Edits carry the version they started from: a change made
after someone else's is refused (`EditConflict`), never silently overwriting it.
"""

from django.db import transaction
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.fostering import permissions
from hearth.fostering.common import claim_version
from hearth.fostering.models import ActionPlan, PlanAction, PlanActionUpdate

ACTION_FIELDS = ("objective", "action", "lead", "due_on", "success")
COMPLETE = "complete"
RAG_COLOURS = {"red": "red", "amber": "orange", "green": "green", "complete": "blue"}


def why_not_plan(user, authority_id):
    """None if the person may write the council's action plans; else why not."""
    return permissions.why_not(
        user, authority_id, permissions.PLANNERS, "write the fostering action plans"
    )


def is_overdue(action, today):
    return action.rag != COMPLETE and action.due_on < today


def _audit(user, action, plan, detail, request):
    audit_record(
        user=user, action=action, record_type="action_plan", record_id=plan.pk,
        organisation=plan.authority, request=request, detail=detail,
    )  # fmt: skip


@transaction.atomic
def plan_create(*, by, authority, title, summary="", request=None):
    plan = ActionPlan.objects.create(
        authority=authority, title=title, summary=summary, created_by=by
    )
    _audit(by, AuditEvent.Action.CREATE, plan, "action plan created", request)
    return plan


@transaction.atomic
def action_add(*, by, plan, objective, action, lead, due_on, success, rag="green", request=None):
    """A new action of the plan, its first status the start of its history."""
    added = PlanAction.objects.create(
        plan=plan, objective=objective, action=action, lead=lead, due_on=due_on,
        success=success, rag=rag,
    )  # fmt: skip
    PlanActionUpdate.objects.create(
        action=added, rag=rag, note="Action added", by=by, at=timezone.now()
    )
    _audit(by, AuditEvent.Action.UPDATE, plan, f"action {added.pk} added", request)
    return added


def _claimed(action, expected_version):
    """The action at its next version (claimed by `common.claim_version`, which holds its row for
    the transaction), read afresh; EditConflict if someone saved it first."""
    claim_version(PlanAction, action, expected_version)
    return PlanAction.objects.select_related("plan__authority").get(pk=action.pk)


@transaction.atomic
def action_edit(*, by, action, expected_version, changes, request=None):
    """Change the action's words, lead or date (`changes`, a dict of `ACTION_FIELDS`; not its
    status: `action_status`). True if any field changed."""
    locked = _claimed(action, expected_version)
    changed = [
        name for name in ACTION_FIELDS if name in changes and getattr(locked, name) != changes[name]
    ]
    if not changed:
        return False
    for name in changed:
        setattr(locked, name, changes[name])
    locked.save(update_fields=changed)
    detail = f"action {locked.pk} changed: {', '.join(changed)}"
    _audit(by, AuditEvent.Action.UPDATE, locked.plan, detail, request)
    return True


@transaction.atomic
def action_status(*, by, action, rag, note, expected_version, request=None):
    """Set the action's RAG status, with why, kept in its history."""
    locked = _claimed(action, expected_version)
    locked.rag = rag
    locked.save(update_fields=["rag"])
    update = PlanActionUpdate.objects.create(
        action=locked, rag=rag, note=note, by=by, at=timezone.now()
    )
    detail = f"action {locked.pk} status {rag}"
    _audit(by, AuditEvent.Action.UPDATE, locked.plan, detail, request)
    return update


def plan_rows(plan, today):
    """The plan's actions grouped by objective in the order first written, each with its history
    (newest first) and whether it is overdue. Two queries."""
    actions = plan.actions.select_related(None).prefetch_related("updates__by").order_by("pk")
    groups = {}
    for action in actions:
        action.overdue = is_overdue(action, today)
        action.colour = RAG_COLOURS.get(action.rag, "grey")
        action.history = list(action.updates.all())
        groups.setdefault(action.objective, []).append(action)
    return [{"objective": objective, "actions": rows} for objective, rows in groups.items()]


CSV_HEADER = ["objective", "action", "lead", "due_on", "success", "status", "overdue"]


def csv_rows(groups):
    return [
        [
            group["objective"],
            action.action,
            action.lead,
            action.due_on.isoformat(),
            action.success,
            action.get_rag_display(),
            "yes" if action.overdue else "no",
        ]  # fmt: skip
        for group in groups
        for action in group["actions"]
    ]
