"""Audit rows for the API's lists; single records are audited by the access functions."""

from hearth.accounts.access import primary_organisation
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record


def audit_listed(record_type):
    """A page hook writing one LIST row per page of `record_type` records shown."""

    def on_page(request, records, pagination):
        audit_record(
            user=request.user,
            action=AuditEvent.Action.LIST,
            record_type=record_type,
            organisation=primary_organisation(request.user),
            request=request,
            detail=f"{len(records)} shown from offset {pagination.offset} "
            f"(limit {pagination.limit})",
        )

    return on_page
