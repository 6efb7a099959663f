"""Small helpers the stability services (`services`, `follow_up`, `endings`) share: the audit row
of a change, when something due on a day is due, links in emails and the checks before a step."""

from datetime import datetime

from django.conf import settings

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import END_OF_DAY, LONDON
from hearth.people.services import EditConflict
from hearth.referrals.services import ActionNotAllowed, version_number

NO_CHILD_NAMED = "This message names no child: sign in to Hearth to see who it is about."


def audit_change(user, record_type, record, organisation, detail, request):
    audit_record(
        user=user, action=AuditEvent.Action.UPDATE, record_type=record_type,
        record_id=record.pk, organisation=organisation, request=request, detail=detail,
    )  # fmt: skip


def end_of(day):
    """23:59:59 Europe/London of `day`: when something due on that day is due."""
    return datetime.combine(day, END_OF_DAY, tzinfo=LONDON)


def link(path):
    """The address of a Hearth page, for an email."""
    return settings.HEARTH_BASE_URL.rstrip("/") + path


def refuse(refusal):
    """ActionNotAllowed with the reason, if there is one (None: the person may)."""
    if refusal is not None:
        raise ActionNotAllowed(refusal)


def check_step(refusal, record, expected_version, what):
    """Before a step on a locked record: ActionNotAllowed with the refusal, if any; EditConflict
    if `what` (the record) has changed since `expected_version`."""
    refuse(refusal)
    if version_number(expected_version) != record.version:
        raise EditConflict(f"Someone else changed the {what} after you opened it")
