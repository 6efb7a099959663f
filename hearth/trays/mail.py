"""Sending the queued mail: one round of `hearth worker`.

A round takes the messages that are due (unsent, fewer than `MAX_ATTEMPTS` tries, `send_after`
passed), oldest first, and sends them through the configured email backend over one connection.
A message sent gets its `sent_at`; one that fails counts the attempt, keeps the error and is tried
again later, each time after a longer wait (`RETRY_AFTER`), until it has failed `MAX_ATTEMPTS`
times and is given up (it stays in the table, with its last error, for someone to look at).

Each message is claimed, sent and marked in a transaction of its own, locking its row. On
PostgreSQL the lock skips rows another worker holds (SELECT ... FOR UPDATE SKIP LOCKED), so two
workers never send the same message; SQLite has no row locks and its write lock already keeps a
second writer out, so there the row is read plainly. A transaction per message keeps SQLite's
write lock for one message's sending, not a whole round's. A message whose sending succeeded but
whose row could not be marked (the process killed between the two) is sent again: mail is sent at
least once, never lost.
"""

import smtplib
import sys
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db import connection as database
from django.db import transaction
from django.utils import timezone

from hearth.trays.models import OutgoingEmail

MAX_ATTEMPTS = 5
# How long to wait before the next try, after the 1st, 2nd, 3rd and 4th failure.
RETRY_AFTER = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
)
ROUND_SIZE = 200
SMTP_TIMEOUT_SECONDS = 30
ERROR_LIMIT = 500  # OutgoingEmail.last_error


@dataclass
class MailRound:
    """What one round did: each list holds dicts describing the messages."""

    sent: list = field(default_factory=list)
    retrying: list = field(default_factory=list)
    given_up: list = field(default_factory=list)

    def counts(self):
        return {
            "sent": len(self.sent),
            "retrying": len(self.retrying),
            "given_up": len(self.given_up),
        }

    @property
    def did_something(self):
        return bool(self.sent or self.retrying or self.given_up)


def _due(now):
    return OutgoingEmail.objects.filter(
        sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS, send_after__lte=now
    )


def mail_send_due(*, limit=ROUND_SIZE):
    """Send the messages due now (at most `limit`), over one connection to the mail server."""
    outcome = MailRound()
    due = list(
        _due(timezone.now()).order_by("send_after", "pk").values_list("pk", flat=True)[:limit]
    )
    if not due:
        return outcome
    mail_server = _mail_server()
    try:
        mail_server.open()
    except (smtplib.SMTPException, OSError) as error:
        for pk in due:
            _with_claimed(pk, lambda message, e=error: _failed(message, e, outcome))
        return outcome
    try:
        for pk in due:
            _with_claimed(pk, lambda message: _send(message, mail_server, outcome))
    finally:
        mail_server.close()
    return outcome


def _mail_server():
    """A connection through the configured backend. The console backend (with DEBUG, and in demo
    mode) prints the mail on stderr, keeping stdout for what `hearth worker` reports."""
    try:
        return get_connection(
            timeout=settings.EMAIL_TIMEOUT or SMTP_TIMEOUT_SECONDS, stream=sys.stderr
        )
    except ImportError as error:
        raise ImproperlyConfigured(f"EMAIL_BACKEND cannot be loaded: {error}") from error


def _with_claimed(pk, work):
    """Run `work` on the message in a transaction holding its row, if it is still due and no
    other worker holds it."""
    with transaction.atomic():
        rows = _due(timezone.now()).filter(pk=pk)
        if database.features.has_select_for_update_skip_locked:
            rows = rows.select_for_update(skip_locked=True)
        message = rows.first()
        if message is not None:
            work(message)


def _send(message, mail_server, outcome):
    email = EmailMessage(
        subject=message.subject, body=message.body, to=[message.to], connection=mail_server
    )
    try:
        email.send()
    except (smtplib.SMTPException, OSError) as error:
        _failed(message, error, outcome)
        return
    message.sent_at = timezone.now()
    message.attempts += 1
    message.last_error = ""
    message.save(update_fields=["sent_at", "attempts", "last_error"])
    outcome.sent.append(_described(message))


def _failed(message, error, outcome):
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:ERROR_LIMIT]
    given_up = message.attempts >= MAX_ATTEMPTS
    if not given_up:
        message.send_after = timezone.now() + RETRY_AFTER[message.attempts - 1]
    message.save(update_fields=["attempts", "last_error", "send_after"])
    (outcome.given_up if given_up else outcome.retrying).append(_described(message))


def _described(message):
    description = {
        "id": message.pk,
        "to": message.to,
        "subject": message.subject,
        "attempts": message.attempts,
    }
    if message.sent_at is None:
        description["error"] = message.last_error
        if message.attempts < MAX_ATTEMPTS:
            description["next_attempt"] = message.send_after.isoformat()
    return description
