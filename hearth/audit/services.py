"""Writing audit rows. Callers are inside the request's transaction; a failure here fails the request."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

from hearth.audit.models import AuditEvent

_SYNTHETIC = ContextVar("hearth_synthetic_history", default=False)


@contextmanager
def synthetic_history():
    """For `hearth seed` only: it replays made-up records through the services, and as no one read
    or changed a real record, nothing done inside the block is audited."""
    token = _SYNTHETIC.set(True)
    try:
        yield
    finally:
        _SYNTHETIC.reset(token)


def client_ip(request):
    """The person's address: the connection's, or behind trusted proxies the one they were given."""
    if request is None:
        return None
    hops = settings.HEARTH_PROXY_HOPS
    forwarded = [
        a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()
    ]
    if hops and len(forwarded) >= hops:
        return forwarded[-hops]
    return request.META.get("REMOTE_ADDR") or None


def _organisation_of(user, record_organisation):
    if record_organisation is not None:
        return record_organisation
    membership = user.memberships.first() if user is not None and user.is_authenticated else None
    return membership.organisation if membership else None


def audit_record(
    *,
    user,
    action,
    record_type="",
    record_id="",
    organisation=None,
    request=None,
    detail="",
    via=None,
):
    """Append one audit row: `user` did `action` to the record (`record_type`, `record_id`)."""
    if _SYNTHETIC.get():
        return None
    known_user = user if user is not None and user.is_authenticated else None
    return AuditEvent.objects.create(
        user=known_user,
        username=known_user.username if known_user else "",
        organisation=_organisation_of(known_user, organisation),
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        detail=detail[:500],
        ip_address=client_ip(request),
        via=via or getattr(request, "hearth_via", "web"),
    )


def audit_sign_in_failed(*, username, request):
    return AuditEvent.objects.create(
        username=(username or "")[:150],
        action=AuditEvent.Action.SIGN_IN_FAILED,
        ip_address=client_ip(request),
    )
