from hearth.audit.models import AuditEvent


def access_log(*, record_type, record_id):
    """Every audit row about one record, newest first."""
    return AuditEvent.objects.filter(
        record_type=record_type, record_id=str(record_id)
    ).select_related("user", "organisation")
