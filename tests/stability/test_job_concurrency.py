"""Two `hearth worker` rounds running the stability jobs at the same moment: each job locks the
rows it acts on, so the second round waits for the first, then finds the record already acted on
and does nothing twice: one flag, one escalation, one reminder, and one set of emails
(PostgreSQL: real concurrent transactions, each on its own connection).

Each round pauses for a moment once it has its rows and before it writes them, so the two rounds
always overlap: both ask for the rows before either has written. Without the row lock both
would get the record and act on it, and every test here fails (checked by running them with the
jobs' `select_for_update` taken out: each job then answers 1 in both rounds)."""

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from hearth.stability import follow_up
from hearth.stability.models import Action, Event, Meeting
from hearth.trays.models import OutgoingEmail, WorkItem

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks (scripts/with-postgres)"
)

Kind = WorkItem.Kind
PAUSE = 0.5  # seconds a round holds its rows before writing them


@pytest.fixture
def fresh_connections_afterwards():
    """Set up before the database and torn down after it: the next test gets a new session."""
    yield
    connections.close_all()


@pytest.fixture
def committed(fresh_connections_afterwards, transactional_db):
    """Records committed for the threads' connections to see. Emptying the tables afterwards
    truncates the append-only history, which its triggers refuse: this session (only) skips them,
    and is closed once the tables are empty."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


def pause_before_saving(monkeypatch, model):
    """Each round holds the rows it was given for a moment before it writes them."""
    save = model.save

    def paused(self, *args, **kwargs):
        time.sleep(PAUSE)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(model, "save", paused)


def two_rounds_at_once(job, now):
    """Run `job` in two threads at the same moment, each in its own transaction as `run_jobs`
    runs it; what each answered (or the error it raised)."""
    barrier = threading.Barrier(2)
    outcomes = []

    def round_():
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                outcomes.append(job(now))
        except Exception as error:  # shown in the assertion, not swallowed
            outcomes.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=round_) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def emails(subject):
    return sorted(OutgoingEmail.objects.filter(subject=subject).values_list("to", flat=True))


def tray_subject(kind):
    return f"{kind.label} in your Hearth work tray"


def test_two_rounds_flagging_an_overdue_action_at_once_flag_it_once(
    committed, overdue_action, social_worker, monkeypatch
):
    pause_before_saving(monkeypatch, Action)

    outcomes = two_rounds_at_once(follow_up.actions_flag_overdue, timezone.now())

    assert sorted(outcomes, key=str) == [0, 1], outcomes
    action = Action.objects.get(pk=overdue_action.pk)
    assert action.flagged_at is not None and action.version == overdue_action.version + 1
    (item,) = WorkItem.objects.filter(kind=Kind.ACTION_OVERDUE, key=f"action:{action.pk}")
    assert (item.assigned_user, item.closed_at) == (social_worker, None)
    assert emails(tray_subject(Kind.ACTION_OVERDUE)) == [social_worker.email]
    assert Event.objects.filter(what="action_flagged").count() == 1


def test_two_rounds_escalating_a_flagged_action_at_once_escalate_it_once(
    committed, overdue_action, social_worker, team_manager, monkeypatch
):
    # As the `flagged_action` fixture, in the transaction a round has (its lock needs one).
    with transaction.atomic():
        follow_up.actions_flag_overdue(timezone.now())
    flagged_action = Action.objects.get(pk=overdue_action.pk)
    pause_before_saving(monkeypatch, Action)
    after_recheck = flagged_action.recheck_due_at + timedelta(minutes=1)

    outcomes = two_rounds_at_once(follow_up.actions_escalate, after_recheck)

    assert sorted(outcomes, key=str) == [0, 1], outcomes
    action = Action.objects.get(pk=flagged_action.pk)
    assert action.escalated_at == after_recheck
    assert (action.owner, action.given_to, action.escalated_to) == (
        team_manager, social_worker, team_manager,
    )  # fmt: skip
    assert action.version == flagged_action.version + 1
    (item,) = WorkItem.objects.filter(kind=Kind.ACTION_ESCALATED, key=f"action:{action.pk}")
    assert (item.assigned_user, item.closed_at) == (team_manager, None)
    assert emails(tray_subject(Kind.ACTION_ESCALATED)) == [team_manager.email]
    assert Event.objects.filter(what="action_escalated").count() == 1


def test_two_rounds_reminding_about_an_overdue_meeting_at_once_remind_once(
    committed, requested_meeting, team_manager, monkeypatch
):
    pause_before_saving(monkeypatch, Meeting)
    past_due = requested_meeting.due_at + timedelta(minutes=1)

    outcomes = two_rounds_at_once(follow_up.meetings_remind_overdue, past_due)

    assert sorted(outcomes, key=str) == [0, 1], outcomes
    assert Meeting.objects.get(pk=requested_meeting.pk).overdue_reminded_at == past_due
    # The meeting waits in the child's team manager's tray: they are reminded, once.
    assert emails("Overdue: a stability meeting in Hearth") == [team_manager.email]
