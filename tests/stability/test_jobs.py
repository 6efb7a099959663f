"""What `hearth worker` does about a meeting's follow-ups (003 appendix 1: "Any issues not followed
through in a timely way need to be flagged with the worker and checked again within 5 working
days. If not followed through, the worker's manager will be alerted and will then assume
responsibility"), and its reminders of meetings and minutes overdue. Each happens once."""

from datetime import date, datetime

import pytest
import time_machine

from hearth.accounts.models import Membership
from hearth.core.deadlines import LONDON
from hearth.stability import follow_up, history
from hearth.stability.models import Action, Event, Meeting
from hearth.trays.jobs import JOBS, run_jobs
from hearth.trays.models import OutgoingEmail, WorkItem
from hearth.trays.selectors import team_tray_for_user, tray_for_user
from tests.factories import TeamFactory
from tests.fixtures.stability import action_for, meeting_for_actions

Kind = WorkItem.Kind
THURSDAY = datetime(2026, 12, 17, 10, 0, tzinfo=LONDON)  # the meeting
FRIDAY_LATE = datetime(2026, 12, 18, 23, 0, tzinfo=LONDON)  # the action's date, not yet over
SATURDAY = datetime(2026, 12, 19, 0, 5, tzinfo=LONDON)  # the first round after it
# 5 working days from Saturday 19 December: 21, 22, 23, 24, then 29 (25 Christmas Day, 28 the
# substitute Boxing Day bank holiday, and the weekend skipped).
RECHECK = datetime(2026, 12, 29, 23, 59, 59, tzinfo=LONDON)
AFTER_RECHECK = datetime(2026, 12, 30, 9, 0, tzinfo=LONDON)
STABILITY_JOBS = {p.rsplit(".", 1)[-1] for p in JOBS if ".stability." in p}


def stability_jobs(done):
    """What the stability jobs did in a round (the carers here are also due a fostering visit)."""
    return {name: count for name, count in done.items() if name in STABILITY_JOBS}


@pytest.fixture
def fostering_team(wigan, supervising_social_worker, fostering_team_manager):
    """The carers' supervising social worker works in the fostering team, which the fostering
    team manager manages."""
    team = TeamFactory(organisation=wigan, name="Fostering Team", manager=fostering_team_manager)
    Membership.objects.filter(user=supervising_social_worker).update(team=team)
    return team


@pytest.fixture
def action_due_friday(living_placement, team_manager, supervising_social_worker, fostering_team):
    """At Thursday's meeting the supervising social worker took an action due on Friday."""
    with time_machine.travel(THURSDAY, tick=False):
        meeting = meeting_for_actions(living_placement, chair=team_manager, held_at=THURSDAY)
        return action_for(
            meeting, by=team_manager, owner=supervising_social_worker, due_on=date(2026, 12, 18),
            description="Arrange respite for the carers.",
        )  # fmt: skip


def fresh(action):
    return Action.objects.select_related("owner", "given_to", "escalated_to").get(pk=action.pk)


def test_the_jobs_are_listed_with_names_the_worker_prints_as_counts():
    assert [path for path in JOBS if ".follow_up." in path] == [
        "hearth.stability.follow_up.overdue_actions_flagged",
        "hearth.stability.follow_up.overdue_actions_escalated",
        "hearth.stability.follow_up.overdue_meetings_and_minutes_reminded",
    ]


# Flagging -----------------------------------------------------------------------------------------


def test_an_action_due_friday_is_flagged_on_saturdays_run_with_its_recheck_after_the_holidays(
    action_due_friday, supervising_social_worker
):
    assert follow_up.actions_flag_overdue(FRIDAY_LATE) == 0

    with time_machine.travel(SATURDAY, tick=False):
        assert stability_jobs(run_jobs(SATURDAY)) == {"overdue_actions_flagged": 1}

    action = fresh(action_due_friday)
    assert (action.flagged_at, action.recheck_due_at) == (SATURDAY, RECHECK)
    item = tray_for_user(supervising_social_worker).get(key=f"action:{action.pk}")
    assert (item.kind, item.due_at) == (Kind.ACTION_OVERDUE, RECHECK)
    event = Event.objects.get(what="action_flagged")
    assert event.by is None
    assert "to be checked again by 29 December 2026" in history.sentence(event)


def test_the_overdue_action_shows_in_the_owners_tray_and_their_managers_team_tray(
    action_due_friday, supervising_social_worker, fostering_team_manager
):
    with time_machine.travel(SATURDAY, tick=False):
        follow_up.actions_flag_overdue(SATURDAY)

    key = f"action:{action_due_friday.pk}"
    assert list(tray_for_user(supervising_social_worker).filter(key=key).values_list("kind")) == [
        (Kind.ACTION_OVERDUE,)
    ]
    assert (
        team_tray_for_user(fostering_team_manager)
        .filter(key=key, kind=Kind.ACTION_OVERDUE)
        .exists()
    )


def test_an_action_done_before_its_date_is_never_flagged(
    action_due_friday, supervising_social_worker
):
    with time_machine.travel(THURSDAY, tick=False):
        follow_up.action_done(
            user=supervising_social_worker, action=action_due_friday, note="Booked.",
            expected_version=action_due_friday.version,
        )  # fmt: skip

    assert follow_up.actions_flag_overdue(SATURDAY) == 0
    assert follow_up.actions_escalate(AFTER_RECHECK) == 0
    assert fresh(action_due_friday).flagged_at is None


# Escalating ---------------------------------------------------------------------------------------


def test_after_the_recheck_the_action_is_escalated_to_the_owners_manager_who_holds_it(
    action_due_friday, supervising_social_worker, fostering_team_manager
):
    with time_machine.travel(SATURDAY, tick=False):
        follow_up.actions_flag_overdue(SATURDAY)
    assert follow_up.actions_escalate(datetime(2026, 12, 29, 23, 0, tzinfo=LONDON)) == 0

    with time_machine.travel(AFTER_RECHECK, tick=False):
        assert follow_up.actions_escalate(AFTER_RECHECK) == 1

    action = fresh(action_due_friday)
    assert action.escalated_at == AFTER_RECHECK
    assert (action.owner, action.escalated_to, action.given_to) == (
        fostering_team_manager, fostering_team_manager, supervising_social_worker
    )  # fmt: skip
    key = f"action:{action.pk}"
    assert not tray_for_user(supervising_social_worker).filter(key=key).exists()
    item = tray_for_user(fostering_team_manager).get(key=key)
    assert item.kind == Kind.ACTION_ESCALATED
    assert follow_up.may_mark_done(fostering_team_manager, action)
    (shown,) = follow_up.actions_shown(action.meeting, fostering_team_manager, AFTER_RECHECK)
    assert shown["status"] == "Escalated"
    assert shown["owner"] == (
        f"{fostering_team_manager.display_name} (given to "
        f"{supervising_social_worker.display_name}, escalated to "
        f"{fostering_team_manager.display_name} on 30 December 2026)"
    )
    assert Event.objects.filter(what="action_escalated", by=None).count() == 1


def test_an_owner_with_no_team_manager_escalates_to_the_childs_team_manager(
    living_placement, team_manager, social_worker
):
    with time_machine.travel(THURSDAY, tick=False):
        meeting = meeting_for_actions(living_placement, chair=team_manager, held_at=THURSDAY)
        action = action_for(
            meeting, by=team_manager, owner=social_worker, due_on=date(2026, 12, 18)
        )
    follow_up.actions_flag_overdue(SATURDAY)

    follow_up.actions_escalate(AFTER_RECHECK)

    assert fresh(action).owner == team_manager
    assert tray_for_user(team_manager).filter(kind=Kind.ACTION_ESCALATED).exists()


def test_an_owners_manager_who_left_the_council_is_not_escalated_to(
    action_due_friday, supervising_social_worker, fostering_team_manager, team_manager, wigan
):
    Membership.objects.filter(user=fostering_team_manager, organisation=wigan).delete()
    with time_machine.travel(SATURDAY, tick=False):
        follow_up.actions_flag_overdue(SATURDAY)

    with time_machine.travel(AFTER_RECHECK, tick=False):
        assert follow_up.actions_escalate(AFTER_RECHECK) == 1

    action = fresh(action_due_friday)
    assert (action.owner, action.escalated_to) == (team_manager, team_manager)
    assert not WorkItem.objects.filter(assigned_user=fostering_team_manager).exists()
    assert tray_for_user(team_manager).filter(kind=Kind.ACTION_ESCALATED).exists()


def test_running_the_worker_twice_flags_escalates_and_emails_once(action_due_friday):
    with time_machine.travel(SATURDAY, tick=False):
        run_jobs(SATURDAY)
        after_flag = OutgoingEmail.objects.count()
        assert run_jobs(SATURDAY) == {}
    assert OutgoingEmail.objects.count() == after_flag
    assert OutgoingEmail.objects.filter(subject__contains="overdue").count() == 1

    with time_machine.travel(AFTER_RECHECK, tick=False):
        assert run_jobs(AFTER_RECHECK)["overdue_actions_escalated"] == 1
        after_escalation = OutgoingEmail.objects.count()
        assert "overdue_actions_escalated" not in run_jobs(AFTER_RECHECK)
    assert OutgoingEmail.objects.count() == after_escalation
    assert WorkItem.objects.filter(kind=Kind.ACTION_ESCALATED).count() == 1
    assert Event.objects.filter(what__in=["action_flagged", "action_escalated"]).count() == 2


# Reminders ----------------------------------------------------------------------------------------


def test_a_meeting_not_held_by_its_due_time_is_reminded_once_naming_no_child(
    living_placement, team_manager, child
):
    with time_machine.travel(THURSDAY, tick=False):
        held = meeting_for_actions(
            living_placement, chair=team_manager, held_at=THURSDAY, status="circulated",
            next_meeting_on=date(2027, 1, 7),
        )  # fmt: skip
        review = follow_up.on_minutes_circulated(meeting=held, by=team_manager)

    assert follow_up.meetings_remind_overdue(datetime(2027, 1, 7, 23, 0, tzinfo=LONDON)) == 0
    later = datetime(2027, 1, 8, 9, 0, tzinfo=LONDON)
    assert follow_up.meetings_remind_overdue(later) == 1
    assert follow_up.meetings_remind_overdue(later) == 0

    (email,) = OutgoingEmail.objects.filter(subject="Overdue: a stability meeting in Hearth")
    assert email.to == team_manager.email
    assert "Thursday 7 January 2027 at 23:59" in email.body
    assert f"/stability/meetings/{review.pk}/" in email.body
    assert child.first_name not in email.body and child.last_name not in email.body
    assert Meeting.objects.get(pk=review.pk).overdue_reminded_at == later


def test_minutes_not_circulated_in_time_are_reminded_to_the_chair_once(
    living_placement, team_manager, child
):
    meeting = meeting_for_actions(living_placement, chair=team_manager, held_at=THURSDAY)
    meeting.minutes_due_at = datetime(2026, 12, 22, 23, 59, 59, tzinfo=LONDON)
    meeting.save(update_fields=["minutes_due_at"])
    later = datetime(2026, 12, 23, 9, 0, tzinfo=LONDON)

    assert stability_jobs(run_jobs(later)) == {"overdue_meetings_and_minutes_reminded": 1}
    assert run_jobs(later) == {}

    (email,) = OutgoingEmail.objects.filter(subject="Overdue: a meeting's minutes in Hearth")
    assert email.to == team_manager.email
    assert child.last_name not in email.body
    assert Meeting.objects.get(pk=meeting.pk).minutes_reminded_at == later
