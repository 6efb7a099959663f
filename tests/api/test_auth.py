"""Bearer tokens: who may call the API at all."""

from datetime import UTC, datetime

import time_machine

from hearth.accounts.models import ApiToken
from hearth.accounts.services import token_create, token_revoke
from hearth.audit.models import AuditEvent


def get_children(client, token):
    return client.get("/api/v1/children", headers={"Authorization": f"Bearer {token}"})


def test_request_without_token_is_401(api_get, child):
    response = api_get("children")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(client, child):
    assert get_children(client, ApiToken.generate_key()).status_code == 401


def test_other_scheme_is_401(client, social_worker):
    key = token_create(user=social_worker)

    response = client.get("/api/v1/children", headers={"Authorization": f"Token {key}"})

    assert response.status_code == 401


def test_revoked_token_is_401(client, social_worker):
    key = token_create(user=social_worker)
    token_revoke(user=social_worker, token=ApiToken.objects.get(user=social_worker))

    assert get_children(client, key).status_code == 401


def test_token_of_inactive_user_is_401(client, social_worker):
    key = token_create(user=social_worker)
    social_worker.is_active = False
    social_worker.save()

    assert get_children(client, key).status_code == 401


def test_signed_in_session_without_token_is_401(client, social_worker):
    client.force_login(social_worker)

    assert client.get("/api/v1/children").status_code == 401


def test_valid_token_is_accepted_and_use_noted(client, social_worker):
    key = token_create(user=social_worker)

    with time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=UTC), tick=False):
        response = get_children(client, key)

    assert response.status_code == 200
    token = ApiToken.objects.get(user=social_worker)
    assert token.last_used_at == datetime(2026, 11, 23, 9, 30, tzinfo=UTC)


def test_token_create_keeps_only_a_hash_and_audits(social_worker):
    key = token_create(user=social_worker, name="Mosaic export")

    token = ApiToken.objects.get(user=social_worker)
    assert token.key_hash == ApiToken.hash(key)
    assert key not in (token.key_hash, token.prefix)
    assert key.startswith(token.prefix)
    assert token.name == "Mosaic export"
    event = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN_CREATED)
    assert (event.user, event.record_type, event.record_id) == (
        social_worker,
        "api_token",
        str(token.pk),
    )
    assert key not in event.detail


def test_token_revoke_audits_once(social_worker, admin):
    token_create(user=social_worker)
    token = ApiToken.objects.get(user=social_worker)

    token_revoke(user=admin, token=token)
    token_revoke(user=admin, token=token)

    assert token.revoked_at is not None
    revocations = AuditEvent.objects.filter(
        record_type="api_token", action=AuditEvent.Action.UPDATE
    )
    assert [(e.user, e.record_id) for e in revocations] == [(admin, str(token.pk))]


def test_each_token_is_different(social_worker):
    assert token_create(user=social_worker) != token_create(user=social_worker)


def test_refused_request_leaves_nothing_behind_but_its_audit(api_get, outsider, child):
    api_get.sign_in(outsider)
    before = AuditEvent.objects.count()

    assert api_get(f"children/{child.pk}", outsider).status_code == 404

    assert ApiToken.objects.get(user=outsider).last_used_at is None  # rolled back with the request
    new_rows = AuditEvent.objects.order_by("id")[before:]
    assert [(e.action, e.via) for e in new_rows] == [(AuditEvent.Action.DENIED, "api")]
