"""Writes to accounts: API tokens. Each write is atomic and writes its own audit row."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hearth.accounts.models import ApiToken
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record

TOKEN_PREFIX_LENGTH = 12


@transaction.atomic
def token_create(*, user, name="", request=None, via=None):
    """A new API token for `user`. Only its hash is kept: the returned token is shown once."""
    key = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:TOKEN_PREFIX_LENGTH], key_hash=ApiToken.hash(key)
    )
    audit_record(
        user=user,
        action=AuditEvent.Action.TOKEN_CREATED,
        record_type="api_token",
        record_id=token.pk,
        request=request,
        detail=f"token {token.prefix}… {name}".strip(),
        via=via,
    )
    return key


@transaction.atomic
def token_revoke(*, user, token, request=None, via=None):
    """Stop `token` working from now on; `user` revoked it. Revoking twice changes nothing."""
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(
        user=user,
        action=AuditEvent.Action.UPDATE,
        record_type="api_token",
        record_id=token.pk,
        request=request,
        detail=f"revoked token {token.prefix}… of {token.user.username}",
        via=via,
    )
    return token


def token_authenticate(*, key):
    """The active user whose live token is `key`, noting the token's use; otherwise None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    if token.user.is_demo and not settings.DEMO:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
