"""What the fostering service's modules share: the audit of a household's record, the version claim
of an edit, the refusal of a day in the future, the staff who may be chosen for a step, and the
councils whose fostering service a person reads."""

from django.utils import timezone

from hearth.accounts.access import organisations_granting
from hearth.accounts.roles import Capability
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.fostering import permissions
from hearth.fostering.lifecycle import StepRefused
from hearth.people.services import EditConflict
from hearth.people.services import _claim_version as claim_version
from hearth.stability.selectors import staff_of

__all__ = [
    "EditConflict", "StepRefused", "audit_household", "claim_version", "councils_read",
    "not_in_future", "staff_of",
]  # fmt: skip


def audit_household(by, household, detail, request=None, *, action=AuditEvent.Action.UPDATE):
    """One audit row for a step on the household's record, in the step's transaction."""
    audit_record(
        user=by, action=action, record_type="household", record_id=household.pk,
        organisation=household.provider, request=request, detail=detail,
    )  # fmt: skip


def not_in_future(day, field, words="The date", *, today=None):
    """Refuse (`StepRefused` at `field`) a day after today, where the past is meant."""
    today = today or timezone.localdate()
    if day is not None and day > today:
        raise StepRefused(f"{words} must be today or in the past", field=field)


def councils_read(user):
    """The councils whose fostering service `user` reads, in the order of their memberships."""
    return [
        organisation
        for organisation in organisations_granting(user, Capability.VIEW_HOUSEHOLDS)
        if organisation.is_authority and permissions.may_read(user, organisation.pk)
    ]
