"""What an API call should have done: the audit rows it wrote, the queries it made."""

from hearth.audit.models import AuditEvent

# Every authenticated request: the savepoint of its transaction (ATOMIC_REQUESTS) and its release,
# the token, the token's last use, the user's memberships.
REQUEST_QUERIES = 5


def api_audit_rows(user, action, record_type, record_id=None):
    rows = AuditEvent.objects.filter(user=user, action=action, record_type=record_type, via="api")
    if record_id is not None:
        rows = rows.filter(record_id=str(record_id))
    return list(rows)


def denied_rows(user, record_type, record_id):
    return api_audit_rows(user, AuditEvent.Action.DENIED, record_type, record_id)
