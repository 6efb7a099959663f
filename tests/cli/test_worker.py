"""`hearth worker` sends the queued mail through a real SMTP server on the loopback (aiosmtpd)."""

import json
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import pytest

from tests.cli.command import hearth_environment, query, run_hearth


@pytest.fixture
def mail_settings(smtp_server, monkeypatch):
    """The worker's environment points Django's SMTP backend at the test's server."""
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(smtp_server.port))
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "hearth@wigan.example.gov.uk")
    return smtp_server


def stored(moment):
    """A time as Django keeps it in SQLite: UTC, without the offset."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def queue(database, to, subject, send_after=None):
    now = datetime.now(UTC)
    query(
        database,
        "INSERT INTO trays_outgoingemail (\"to\", subject, body, created_at, send_after, "
        "attempts, last_error) VALUES (?, ?, ?, ?, ?, 0, '')",
        [to, subject, "Something is waiting for you in Hearth.", stored(now),
         stored(send_after or now)],
        commit=True,
    )  # fmt: skip


def rows(database):
    return query(
        database,
        'SELECT "to", sent_at IS NOT NULL, attempts, last_error FROM trays_outgoingemail ORDER BY id',
    )


def test_once_sends_what_is_due_and_prints_it_as_json(database, mail_settings):
    queue(database, "tm.wigan@example.org", "Approve the referral in your Hearth work tray")
    queue(database, "sl.wigan@example.org", "Later", send_after=datetime.now(UTC) + timedelta(1))

    result = run_hearth("worker", "--once", "--format", "json", database=database)

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["counts"] == {"sent": 1, "retrying": 0, "given_up": 0}
    assert printed["sent"][0]["to"] == "tm.wigan@example.org"
    [received] = mail_settings.messages
    assert received["to"] == ["tm.wigan@example.org"]
    assert received["message"]["Subject"] == "Approve the referral in your Hearth work tray"
    assert rows(database) == [
        ("tm.wigan@example.org", 1, 1, ""),
        ("sl.wigan@example.org", 0, 0, ""),
    ]


def test_once_prints_a_table_of_what_it_did(database, mail_settings):
    queue(database, "tm.wigan@example.org", "Approve the referral in your Hearth work tray")

    result = run_hearth("worker", "--once", database=database)

    assert result.returncode == 0, result.stderr
    heading, _, line = result.stdout.splitlines()
    assert heading.split() == ["outcome", "to", "subject", "attempts", "note"]
    assert line.startswith("sent") and "tm.wigan@example.org" in line


def test_once_with_nothing_due_says_so(database, mail_settings):
    result = run_hearth("worker", "--once", database=database)

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Nothing was due to be sent.\n"
    assert mail_settings.messages == []


def test_once_with_the_mail_server_down_counts_an_attempt(database, mail_settings):
    queue(database, "tm.wigan@example.org", "Approve the referral in your Hearth work tray")
    mail_settings.stop()

    result = run_hearth("worker", "--once", "--format", "json", database=database)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"] == {"sent": 0, "retrying": 1, "given_up": 0}
    [(_, sent, attempts, error)] = rows(database)
    assert (sent, attempts) == (0, 1)
    assert "ConnectionRefusedError" in error


def test_mail_printed_on_the_terminal_stays_off_the_json(database, monkeypatch):
    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    queue(database, "tm.wigan@example.org", "Approve the referral in your Hearth work tray")

    result = run_hearth("worker", "--once", "--format", "json", database=database)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"]["sent"] == 1
    assert "Subject: Approve the referral in your Hearth work tray" in result.stderr


def test_a_mail_backend_that_does_not_exist_is_refused(database, monkeypatch):
    monkeypatch.setenv("EMAIL_BACKEND", "hearth.no_such_module.EmailBackend")
    queue(database, "tm.wigan@example.org", "Approve the referral in your Hearth work tray")

    result = run_hearth("worker", "--once", database=database)

    assert result.returncode == 1
    assert "hearth worker: EMAIL_BACKEND cannot be loaded" in result.stderr
    assert "Traceback" not in result.stderr
    assert rows(database) == [("tm.wigan@example.org", 0, 0, "")]


def wait_for(condition, process, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            pytest.fail(f"hearth worker stopped early with exit code {process.returncode}")
        time.sleep(0.1)
    pytest.fail(f"not done within {seconds} s")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl+C"])
def test_the_loop_sends_round_after_round_and_stops_cleanly(
    stop_signal, database, mail_settings, tmp_path
):
    queue(database, "tm.wigan@example.org", "First")
    with open(tmp_path / "out", "w+") as out, open(tmp_path / "err", "w+") as err:
        process = subprocess.Popen(
            [sys.executable, "-m", "hearth.cli.main", "worker", "--interval", "0.2"],
            env=hearth_environment(database, "testing"),
            stdout=out,
            stderr=err,
        )
        try:
            wait_for(lambda: len(mail_settings.messages) == 1, process)
            queue(database, "sl.wigan@example.org", "Second")
            wait_for(lambda: len(mail_settings.messages) == 2, process)
            process.send_signal(stop_signal)
            returncode = process.wait(timeout=20)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        out.seek(0), err.seek(0)
        stdout, stderr = out.read(), err.read()

    assert returncode == 0, stderr
    assert stdout.splitlines() == ["sent 1, to try again 0, given up 0"] * 2
    assert "hearth worker: stopped" in stderr
    assert "Traceback" not in stderr
    assert [m["to"] for m in mail_settings.messages] == [
        ["tm.wigan@example.org"],
        ["sl.wigan@example.org"],
    ]


@pytest.mark.parametrize("interval", ["0", "-5", "soon", "100000"])
def test_a_bad_interval_is_bad_usage(interval):
    result = run_hearth("worker", "--interval", interval, mode=None)

    assert result.returncode == 2
    assert "--interval" in result.stderr and "seconds" in result.stderr
    assert result.stdout == ""


def test_help_explains_the_worker():
    result = run_hearth("worker", "--help", mode=None)

    assert result.returncode == 0
    assert "--once" in result.stdout and "--interval SECONDS" in result.stdout


def test_once_chases_a_provider_that_has_not_answered_and_never_twice(
    seeded_database, mail_settings
):
    """A referral sent to an agency whose answer was due yesterday: the round emails the agency a
    reminder and puts an item in the placements officers' tray; the next round does neither."""
    [(referral, user)] = query(
        seeded_database, "SELECT id, social_worker_id FROM referrals_referral ORDER BY id LIMIT 1"
    )
    query(
        seeded_database,
        "UPDATE referrals_referral SET status = 'searching' WHERE id = ?",
        [referral],
        commit=True,
    )
    [(agency, address)] = query(
        seeded_database,
        "SELECT id, email FROM core_organisation WHERE kind = 'agency' ORDER BY id LIMIT 1",
    )
    yesterday = datetime.now(UTC) - timedelta(days=1)
    query(
        seeded_database,
        "INSERT INTO search_agencyrequest (referral_id, provider_id, status, contract_status, "
        "message, sent_by_id, sent_at, answer_due_at, answer, withdrawn_reason, version) "
        "VALUES (?, ?, 'sent', 'in_contract', '', ?, ?, ?, '', '', 1)",
        [referral, agency, user, stored(yesterday - timedelta(days=2)), stored(yesterday)],
        commit=True,
    )  # fmt: skip

    first = run_hearth("worker", "--once", database=seeded_database)
    second = run_hearth("worker", "--once", database=seeded_database)

    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    # The first round also runs the nightly data quality check of each council.
    assert first.stdout.splitlines()[0].split(", ")[0] == "chase unanswered: 1"
    assert "chase unanswered" not in second.stdout
    reminders = [m for m in mail_settings.messages if address in m["to"]]
    assert len(reminders) == 1
    assert query(
        seeded_database,
        "SELECT count(*) FROM trays_workitem WHERE kind = 'agency_chase' AND referral_id = ?",
        [referral],
    ) == [(1,)]
