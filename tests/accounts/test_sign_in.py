from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from hearth.audit.models import AuditEvent
from hearth.core.models import Policy

PASSWORD = "correct horse battery staple"


def sign_in(client, username, password=PASSWORD):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9"
    )


def test_sign_in_takes_a_social_worker_home_and_is_audited(client, social_worker):
    response = sign_in(client, "sw.wigan")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert AuditEvent.objects.filter(action="sign_in", username="sw.wigan").exists()


def test_wrong_password_shows_the_error_and_is_audited(client, social_worker):
    response = sign_in(client, "sw.wigan", "wrong password")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a correct username and password" in page
    assert "wrong password" not in page  # a typed password is never sent back
    assert AuditEvent.objects.filter(action="sign_in_failed", username="sw.wigan").exists()


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, social_worker):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "sw.wigan", "wrong password")
    response = sign_in(client, "sw.wigan")
    assert response.status_code == 429
    assert "Your account is locked" in response.content.decode()


def test_administrator_unlocks_a_locked_account(client, social_worker, admin):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "sw.wigan", "wrong password")
    client.force_login(admin)
    client.post(reverse("manage_user_unlock", args=[social_worker.pk]))
    client.logout()
    assert sign_in(client, "sw.wigan").status_code == 302


def test_passwords_are_hashed_with_argon2(settings, db):
    from tests.factories import UserFactory

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    user = UserFactory(password="a long enough passphrase")
    assert identify_hasher(user.password).algorithm == "argon2"


def test_idle_session_is_signed_out_after_thirty_minutes(client, social_worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, "sw.wigan")
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=29))
        assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=31))
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_busy_session_still_ends_after_twelve_hours(client, social_worker):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, "sw.wigan")
        for _ in range(35):  # a page every 20 minutes: never idle, 11 hours 40 minutes in all
            traveller.shift(timedelta(minutes=20))
            assert client.get(reverse("home")).status_code == 200
        traveller.shift(timedelta(minutes=21))
        assert client.get(reverse("home")).status_code == 302


@pytest.fixture
def second_factor_for_social_workers(wigan):
    policy = Policy.objects.get(authority=wigan)
    policy.two_factor_roles = ["social_worker"]
    policy.save()


def test_policy_requiring_a_second_factor_sends_the_user_to_set_it_up(
    client, social_worker, second_factor_for_social_workers
):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, "sw.wigan")
        response = client.get(reverse("children"))
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("two_factor_setup")
        )
        client.get(reverse("two_factor_setup"))
        device = TOTPDevice.objects.get(user=social_worker)
        wrong = f"{(int(_code(device)) + 1) % 1000000:06d}"
        response = client.post(reverse("two_factor_setup"), {"token": wrong})
        assert "That code is not right" in response.content.decode()
        assert client.get(reverse("children")).status_code == 302
        traveller.shift(timedelta(seconds=31))  # past the throttle after a wrong code
        client.post(
            reverse("two_factor_setup"), {"token": _code(TOTPDevice.objects.get(pk=device.pk))}
        )
        assert client.get(reverse("children")).status_code == 200


def test_user_with_a_device_must_enter_a_code_each_sign_in(
    client, social_worker, second_factor_for_social_workers
):
    device = TOTPDevice.objects.create(user=social_worker, name="phone", confirmed=True)
    sign_in(client, "sw.wigan")
    response = client.get(reverse("children"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": _code(device)})
    assert client.get(reverse("children")).status_code == 200


def test_roles_the_policy_does_not_name_need_no_second_factor(client, social_worker):
    sign_in(client, "sw.wigan")
    assert client.get(reverse("children")).status_code == 200


def test_pages_carry_security_headers(client, social_worker):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def _code(device):
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def test_administrator_resets_a_lost_authenticator(client, admin, social_worker):
    TOTPDevice.objects.create(user=social_worker, name="phone", confirmed=True)
    client.force_login(admin)
    page = client.get(reverse("manage_user", args=[social_worker.pk])).content.decode()
    assert "Reset their authenticator app" in page
    client.post(reverse("manage_user_reset_second_factor", args=[social_worker.pk]))
    assert not TOTPDevice.objects.filter(user=social_worker).exists()
    event = AuditEvent.objects.get(record_type="user", detail="second factor reset")
    assert event.username == "admin.wigan"


def test_person_changes_their_own_password(client, social_worker):
    sign_in(client, "sw.wigan")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200  # still signed in
    client.logout()
    assert sign_in(client, "sw.wigan", "a brand new passphrase").status_code == 302


def test_wrong_current_password_is_refused_at_the_field(client, social_worker):
    sign_in(client, "sw.wigan")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "not it",
            "new_password1": "a brand new passphrase",
            "new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 200
    assert 'href="#id_old_password"' in response.content.decode()


def test_password_page_waits_for_the_second_factor(
    client, social_worker, second_factor_for_social_workers
):
    TOTPDevice.objects.create(user=social_worker, name="phone", confirmed=True)
    sign_in(client, "sw.wigan")
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(
        reverse("two_factor_verify")
    )


def test_lock_out_counts_the_forwarded_address_behind_a_trusted_proxy(
    client, settings, social_worker
):
    settings.HEARTH_PROXY_HOPS = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "sw.wigan", "password": "wrong"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")  # fmt: skip
    from axes.models import AccessAttempt

    assert AccessAttempt.objects.get(username="sw.wigan").ip_address == "203.0.113.7"


def test_a_form_sent_without_its_security_token_explains_what_to_do(social_worker):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "sw.wigan", "password": PASSWORD})
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


@pytest.fixture
def demo_user(wigan):
    from tests.factories import member

    user = member(wigan, "social_worker", username="wigan.social_worker")
    user.is_demo = True
    user.save()
    return user


def test_a_demo_account_cannot_sign_in_outside_a_demo(client, demo_user):
    response = sign_in(client, "wigan.social_worker")
    assert response.status_code == 200
    assert "This is a demo account" in response.content.decode()


def test_a_demo_account_signs_in_to_a_demo(client, settings, demo_user):
    settings.DEMO = True
    assert sign_in(client, "wigan.social_worker").status_code == 302


def test_a_demo_session_ends_when_hearth_is_no_longer_a_demo(client, settings, demo_user):
    settings.DEMO = True
    sign_in(client, "wigan.social_worker")
    settings.DEMO = False
    response = client.get(reverse("children"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_demo_accounts_api_token_works_only_in_a_demo(client, settings, demo_user):
    from hearth.accounts.services import token_create

    headers = {"Authorization": f"Bearer {token_create(user=demo_user, name='demo')}"}
    assert client.get("/api/v1/children", headers=headers).status_code == 401
    settings.DEMO = True
    assert client.get("/api/v1/children", headers=headers).status_code == 200


def test_a_person_with_an_authenticator_always_gives_a_code(client, social_worker):
    device = TOTPDevice.objects.create(user=social_worker, name="phone", confirmed=True)
    sign_in(client, "sw.wigan")  # the council's policy requires no second factor
    response = client.get(reverse("children"))
    assert response["Location"].startswith(reverse("two_factor_verify"))
    client.post(reverse("two_factor_verify"), {"token": _code(device)})
    assert client.get(reverse("children")).status_code == 200


def test_agency_staff_set_up_a_second_factor_by_default(client, settings, agency_user):
    settings.AGENCY_TWO_FACTOR = True
    client.post(reverse("login"), {"username": "agency.user", "password": PASSWORD})
    response = client.get(reverse("households"))
    assert response["Location"].startswith(reverse("two_factor_setup"))
