"""Sending the queued mail through a real SMTP server on the loopback (aiosmtpd)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.trays.mail import MAX_ATTEMPTS, RETRY_AFTER, mail_send_due
from hearth.trays.models import OutgoingEmail, WorkItem
from hearth.trays.services import email_queue, item_open
from tests.factories import member

SUBJECT = "Comment on and forward the referral in your Hearth work tray"


@pytest.fixture
def mail_server(settings, smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "hearth@wigan.example.gov.uk"
    settings.HEARTH_BASE_URL = "https://hearth.wigan.example.gov.uk"
    return smtp_server


@pytest.fixture
def announced(wigan, team_manager, child):
    """An item in the team manager's tray whose title names the child, as a referral's does."""
    item_open(
        organisation=wigan, kind=WorkItem.Kind.REFERRAL_REVIEW, user=team_manager,
        title=f"Referral 7: {child.full_name} (11)",
    )  # fmt: skip
    return OutgoingEmail.objects.get()


def test_a_round_sends_the_announcement_to_the_assignee_naming_no_child(
    mail_server, announced, team_manager, child
):
    outcome = mail_send_due()

    assert outcome.counts() == {"sent": 1, "retrying": 0, "given_up": 0}
    [received] = mail_server.messages
    assert received["to"] == [team_manager.email]
    message = received["message"]
    assert message["Subject"] == SUBJECT
    assert message["To"] == team_manager.email
    assert message["From"] == "hearth@wigan.example.gov.uk"
    body = message.get_payload(decode=True).decode()
    assert "https://hearth.wigan.example.gov.uk/work-tray/" in body
    for detail in (child.first_name, child.last_name, child.reference):
        assert detail not in body and detail not in message["Subject"]
    announced.refresh_from_db()
    assert announced.sent_at is not None and announced.last_error == ""


def test_a_sent_message_is_not_sent_twice(mail_server, announced):
    mail_send_due()

    again = mail_send_due()

    assert again.counts() == {"sent": 0, "retrying": 0, "given_up": 0}
    assert len(mail_server.messages) == 1


def test_a_refused_connection_counts_an_attempt_and_keeps_the_message(mail_server, announced):
    mail_server.stop()

    with time_machine.travel(timezone.now(), tick=False):
        outcome = mail_send_due()
        failed_at = timezone.now()

    assert outcome.counts() == {"sent": 0, "retrying": 1, "given_up": 0}
    announced.refresh_from_db()
    assert announced.sent_at is None
    assert announced.attempts == 1
    assert "ConnectionRefusedError" in announced.last_error
    assert announced.send_after == failed_at + RETRY_AFTER[0]
    assert mail_send_due().counts()["retrying"] == 0  # not tried again before its time


def test_a_failed_message_is_sent_when_its_time_comes_again(mail_server, announced, team_manager):
    mail_server.refuse = {team_manager.email}
    first = mail_send_due()
    mail_server.refuse = set()

    early = mail_send_due()
    with time_machine.travel(timezone.now() + RETRY_AFTER[0] + timedelta(seconds=1)):
        later = mail_send_due()

    assert first.counts()["retrying"] == 1
    assert "SMTPRecipientsRefused" in first.retrying[0]["error"]
    assert early.counts()["sent"] == 0
    assert later.counts()["sent"] == 1
    announced.refresh_from_db()
    assert (announced.attempts, announced.last_error) == (2, "")
    assert len(mail_server.messages) == 1


def test_each_failure_waits_longer_and_the_fifth_gives_up(mail_server, announced):
    mail_server.stop()
    waits = []

    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _ in range(MAX_ATTEMPTS):
            outcome = mail_send_due()
            announced.refresh_from_db()
            waits.append(announced.send_after - timezone.now())
            clock.shift(timedelta(days=1))
        after = mail_send_due()

    assert waits[: MAX_ATTEMPTS - 1] == list(RETRY_AFTER)
    assert outcome.counts() == {"sent": 0, "retrying": 0, "given_up": 1}
    assert after.counts() == {"sent": 0, "retrying": 0, "given_up": 0}
    assert announced.attempts == MAX_ATTEMPTS and announced.sent_at is None


def test_a_refused_recipient_does_not_hold_up_the_others(mail_server, wigan):
    people = [member(wigan, Role.PLACEMENTS_OFFICER, username=f"po{n}.wigan") for n in range(3)]
    item_open(
        organisation=wigan, kind=WorkItem.Kind.REFERRAL_SCREENING, role=Role.PLACEMENTS_OFFICER,
        title="Referral 8",
    )  # fmt: skip
    mail_server.refuse = {people[1].email}

    outcome = mail_send_due()

    assert outcome.counts() == {"sent": 2, "retrying": 1, "given_up": 0}
    assert [m["to"] for m in mail_server.messages] == [[people[0].email], [people[2].email]]
    assert len({m["peer"] for m in mail_server.messages}) == 1  # one connection for the round


def test_a_message_not_yet_due_waits(mail_server, team_manager):
    email_queue(
        recipients=[team_manager], subject="Later", body="Not yet.",
        send_after=timezone.now() + timedelta(hours=1),
    )  # fmt: skip

    assert mail_send_due().counts()["sent"] == 0
    assert mail_server.messages == []


def test_each_message_is_claimed_skipping_rows_another_worker_holds(mail_server, announced):
    """Two workers never send the same message: on PostgreSQL each claim skips locked rows.
    (A test cannot commit rows for a second connection to lock: the append-only history refuses
    the truncation that would clean up after it; so the claim's SQL is checked.)"""
    with CaptureQueriesContext(connection) as queries:
        mail_send_due()

    claims = [
        q["sql"] for q in queries if "trays_outgoingemail" in q["sql"] and "LIMIT 1" in q["sql"]
    ]
    assert len(claims) == 1
    if connection.features.has_select_for_update_skip_locked:
        assert claims[0].endswith("FOR UPDATE SKIP LOCKED")
    else:
        assert "FOR UPDATE" not in claims[0]
