"""After a stability meeting (003 appendix 1): the actions agreed with their owners and dates, the
IRO's check within 6 weeks, the next stability meeting within 3 months (or on the date set)."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.people.services import EditConflict
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.stability import follow_up, history, services
from hearth.stability.models import Action, Event, Meeting
from hearth.trays.models import WorkItem
from hearth.trays.selectors import tray_for_user
from tests.fixtures.stability import (
    action_for,
    arrange_for,
    end_placement,
    hold,
    meeting_for_actions,
)

Kind = WorkItem.Kind
# Thursday 3 December 2026, 10:00: the meeting is held.
HELD = datetime(2026, 12, 3, 10, 0, tzinfo=LONDON)


def circulated(meeting, by):
    meeting.status, meeting.circulated_at = Meeting.Status.CIRCULATED, timezone.now()
    meeting.save(update_fields=["status", "circulated_at"])
    return follow_up.on_minutes_circulated(meeting=meeting, by=by)


def whats(placement):
    return list(Event.objects.filter(placement=placement).values_list("what", flat=True))


# Adding an action ---------------------------------------------------------------------------------


@time_machine.travel(HELD, tick=False)
def test_an_action_lands_in_its_owners_tray_due_at_the_end_of_its_date(
    living_placement, team_manager, social_worker
):
    meeting = meeting_for_actions(living_placement, chair=team_manager, held_at=HELD)

    action = follow_up.action_add(
        user=team_manager, meeting=meeting, description="Refer Amy to CAMHS.",
        owner=social_worker, due_on=date(2026, 12, 18),
    )  # fmt: skip

    assert (action.owner, action.given_to, action.status) == (social_worker, social_worker, "open")
    item = tray_for_user(social_worker).get(kind=Kind.STABILITY_ACTION)
    assert item.due_at == datetime(2026, 12, 18, 23, 59, 59, tzinfo=LONDON)
    assert (item.key, item.link) == (f"action:{action.pk}", f"/stability/meetings/{meeting.pk}/")
    assert "Refer Amy to CAMHS." in item.title
    event = Event.objects.get(what="action_added")
    assert history.sentence(event) == (
        f"{team_manager.display_name} added an action for {social_worker.display_name}, due on "
        "18 December 2026: Refer Amy to CAMHS."
    )
    assert AuditEvent.objects.filter(
        action="update", record_type="child", record_id=str(living_placement.child_id)
    ).exists()


@time_machine.travel(HELD, tick=False)
def test_an_action_needs_what_who_and_a_date_not_in_the_past(
    living_placement, team_manager, outsider
):
    meeting = meeting_for_actions(living_placement, chair=team_manager, held_at=HELD)

    with pytest.raises(ReferralError) as refused:
        follow_up.action_add(
            user=team_manager, meeting=meeting, description=" ", owner=None,
            due_on=date(2026, 12, 2),
        )  # fmt: skip

    assert refused.value.field_errors == {
        "description": "Say what is to be done",
        "owner": "Choose who will do the action",
        "due_on": "The date the action is due must be today or in the future",
    }
    with pytest.raises(ReferralError) as refused:
        follow_up.action_add(
            user=team_manager, meeting=meeting, description="Visit.", owner=outsider,
            due_on=date(2026, 12, 3),
        )  # fmt: skip
    assert refused.value.field_errors == {
        "owner": "Choose someone who works for the council in Hearth"
    }
    assert not Action.objects.exists() and not WorkItem.objects.exists()


@time_machine.travel(HELD, tick=False)
def test_only_the_chair_the_team_manager_or_the_social_worker_add_actions_to_a_held_meeting(
    living_placement, team_manager, social_worker, supervising_social_worker, iro
):
    meeting = meeting_for_actions(
        living_placement, chair=team_manager, held_at=HELD, status="requested"
    )
    assert not follow_up.may_add_action(team_manager, meeting)
    with pytest.raises(ActionNotAllowed, match="once the meeting has been held"):
        action_for(meeting, by=team_manager, owner=social_worker, due_on=date(2026, 12, 18))

    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    assert follow_up.may_add_action(team_manager, meeting)
    assert follow_up.may_add_action(social_worker, meeting)
    assert not follow_up.may_add_action(supervising_social_worker, meeting)
    with pytest.raises(ActionNotAllowed, match="Only the chair"):
        action_for(meeting, by=iro, owner=social_worker, due_on=date(2026, 12, 18))


# Marking it done ----------------------------------------------------------------------------------


def test_marking_an_action_done_closes_its_items_and_records_it(
    open_action, social_worker, living_placement
):
    done = follow_up.action_done(
        user=social_worker, action=open_action, note="Referral sent.",
        expected_version=open_action.version,
    )  # fmt: skip

    assert (done.status, done.done_by, done.done_note) == ("done", social_worker, "Referral sent.")
    assert not tray_for_user(social_worker).filter(key=f"action:{open_action.pk}").exists()
    assert "action_done" in whats(living_placement)
    with pytest.raises(ActionNotAllowed, match="already done"):
        follow_up.action_done(
            user=social_worker, action=done, note="", expected_version=done.version
        )


def test_an_action_changed_since_the_page_opened_is_not_marked_done(open_action, social_worker):
    with pytest.raises(EditConflict):
        follow_up.action_done(
            user=social_worker,
            action=open_action,
            note="",
            expected_version=open_action.version - 1,
        )
    assert Action.objects.get(pk=open_action.pk).status == "open"


def test_who_may_mark_an_action_done(
    open_action, social_worker, team_manager, supervising_social_worker, iro
):
    assert follow_up.may_mark_done(social_worker, open_action)  # the owner
    assert follow_up.may_mark_done(team_manager, open_action)  # the chair, the team manager
    assert not follow_up.may_mark_done(iro, open_action)
    with pytest.raises(ActionNotAllowed, match="Only the action's owner"):
        follow_up.action_done(
            user=supervising_social_worker, action=open_action, note="",
            expected_version=open_action.version,
        )  # fmt: skip


# On the meeting's page ----------------------------------------------------------------------------


def test_the_actions_show_their_owner_date_state_and_what_the_user_may_do(
    actions_meeting, open_action, flagged_action, social_worker, supervising_social_worker
):
    now = timezone.now()
    shown = {a["pk"]: a for a in follow_up.actions_shown(actions_meeting, social_worker, now)}

    assert shown[open_action.pk]["status"] == "To do"
    assert shown[open_action.pk]["owner"] == social_worker.display_name
    recheck = timezone.localtime(flagged_action.recheck_due_at)
    assert shown[flagged_action.pk]["status"] == (
        f"Flagged: re-check due {recheck.day} {recheck:%B %Y}"
    )
    assert shown[open_action.pk]["done_url"] == f"/stability/actions/{open_action.pk}/done/"
    others = follow_up.actions_shown(actions_meeting, supervising_social_worker, now)
    assert [a["done_url"] for a in others] == ["", ""]
    later = now + timedelta(days=20)
    assert {a["status"] for a in follow_up.actions_shown(actions_meeting, social_worker, later)} == {
        "Overdue", shown[flagged_action.pk]["status"]
    }  # fmt: skip


def test_the_actions_table_on_the_meeting_page(actions_meeting, open_action, team_manager):
    page = render_to_string(
        "stability/_actions.html",
        {
            "meeting": actions_meeting,
            "actions": follow_up.actions_shown(actions_meeting, team_manager, timezone.now()),
            "may_add_action": follow_up.may_add_action(team_manager, actions_meeting),
        },
    )

    assert "Refer Amy to the CAMHS team." in page
    assert 'class="govuk-tag govuk-tag--blue">To do<' in page
    assert f"/stability/meetings/{actions_meeting.pk}/actions/new/" in page
    assert "Add an action" in page


def test_the_actions_are_read_in_one_query(
    actions_meeting, open_action, flagged_action, social_worker, django_assert_num_queries
):
    # The page has the meeting with its child, and the user's roles, already.
    follow_up.actions_shown(actions_meeting, social_worker, timezone.now())
    with django_assert_num_queries(1):
        follow_up.actions_shown(actions_meeting, social_worker, timezone.now())


# When the minutes are circulated ------------------------------------------------------------------


@time_machine.travel(HELD + timedelta(days=2), tick=False)
def test_the_iro_check_is_due_six_weeks_after_the_meeting_in_the_iros_tray(
    living_placement, team_manager, iro
):
    meeting = meeting_for_actions(living_placement, chair=team_manager, held_at=HELD)

    circulated(meeting, team_manager)

    due = datetime(2027, 1, 14, 23, 59, 59, tzinfo=LONDON)  # Thursday 3 December + 6 weeks
    assert Meeting.objects.get(pk=meeting.pk).iro_check_due_at == due
    item = tray_for_user(iro).get(kind=Kind.IRO_ACTION_CHECK)
    assert (item.due_at, item.link) == (due, f"/stability/meetings/{meeting.pk}/iro-check/")
    assert "iro_check_opened" in whats(living_placement)


@time_machine.travel(HELD + timedelta(days=2), tick=False)
def test_the_next_meeting_is_due_on_the_date_the_meeting_set(living_placement, team_manager):
    meeting = meeting_for_actions(
        living_placement, chair=team_manager, held_at=HELD, next_meeting_on=date(2027, 2, 4)
    )

    review = circulated(meeting, team_manager)

    assert (review.status, review.previous, review.raised_by) == ("requested", meeting, "review")
    assert review.due_at == datetime(2027, 2, 4, 23, 59, 59, tzinfo=LONDON)
    assert review.concern == "Review of the stability meeting held on 3 December 2026"
    assert (review.placement, review.child, review.household) == (
        meeting.placement, meeting.child, meeting.household
    )  # fmt: skip
    item = tray_for_user(team_manager).get(kind=Kind.STABILITY_MEETING)
    assert (item.due_at, item.key) == (review.due_at, f"meeting:{review.pk}")
    assert "review_opened" in whats(living_placement)


@time_machine.travel(HELD + timedelta(days=2), tick=False)
def test_without_a_date_set_the_next_meeting_is_due_within_three_months(
    living_placement, team_manager
):
    meeting = meeting_for_actions(living_placement, chair=team_manager, held_at=HELD)

    review = circulated(meeting, team_manager)

    assert review.due_at == datetime(2027, 3, 3, 23, 59, 59, tzinfo=LONDON)


def test_no_review_is_opened_for_a_placement_that_has_ended(
    living_placement, team_manager, social_worker, iro
):
    meeting = meeting_for_actions(
        living_placement, chair=team_manager, held_at=timezone.now() - timedelta(days=1)
    )
    end_placement(living_placement, social_worker, ending="planned")
    meeting.refresh_from_db()

    assert circulated(meeting, team_manager) is None

    assert not Meeting.objects.filter(previous=meeting).exists()
    assert tray_for_user(iro).filter(kind=Kind.IRO_ACTION_CHECK).exists()


def waiting_meetings(placement):
    return Meeting.objects.filter(placement=placement, kind="stability", status="requested")


def test_a_concern_raised_before_the_minutes_go_out_is_the_review_too(
    held_meeting, living_placement, social_worker, team_manager
):
    raised = services.meeting_request(
        user=social_worker, placement=living_placement, raised_by="social_worker",
        concern="Amy went missing on Saturday.",
    )  # fmt: skip
    held_meeting.refresh_from_db()

    services.minutes_circulate(
        user=team_manager, meeting=held_meeting, expected_version=held_meeting.version
    )

    (waiting,) = waiting_meetings(living_placement)
    assert waiting.pk == raised.pk
    assert waiting.due_at == raised.due_at  # 48 hours from the concern: sooner than 3 months
    assert waiting.previous == held_meeting
    items = WorkItem.objects.filter(kind=Kind.STABILITY_MEETING, closed_at__isnull=True)
    assert [(item.key, item.due_at) for item in items] == [(f"meeting:{raised.pk}", raised.due_at)]
    joined = Event.objects.get(what="review_joined")
    assert joined.meeting == waiting
    assert history.sentence(joined, "stability meeting").startswith(
        "The review of the meeting held on "
    )


def test_a_review_due_sooner_than_a_waiting_concern_brings_it_forward(
    living_placement, social_worker, team_manager, time_machine
):
    time_machine.move_to(HELD - timedelta(days=1), tick=False)
    requested_meeting = services.meeting_request(
        user=social_worker, placement=living_placement, raised_by="social_worker", concern="Nights."
    )
    arrange_for(requested_meeting, by=social_worker, chair=team_manager)
    time_machine.move_to(HELD + timedelta(hours=2), tick=False)
    hold(requested_meeting, by=team_manager, held_at=HELD, next_meeting_on=date(2026, 12, 4))
    raised = services.meeting_request(
        user=social_worker, placement=living_placement, raised_by="social_worker",
        concern="Amy went missing last night.",
    )  # fmt: skip
    assert raised.due_at == HELD + timedelta(hours=50)  # Saturday 5 December, 12:00
    requested_meeting.refresh_from_db()

    services.minutes_circulate(
        user=team_manager, meeting=requested_meeting, expected_version=requested_meeting.version
    )

    (waiting,) = waiting_meetings(living_placement)
    assert waiting.pk == raised.pk
    assert waiting.due_at == datetime(2026, 12, 4, 23, 59, 59, tzinfo=LONDON)  # the date set
    item = WorkItem.objects.get(kind=Kind.STABILITY_MEETING, closed_at__isnull=True)
    assert item.due_at == waiting.due_at


def test_nothing_follows_an_unplanned_ending_meeting(ending_meeting, iro, social_worker):
    ending_meeting.held_at = timezone.now()
    ending_meeting.save(update_fields=["held_at"])

    assert circulated(ending_meeting, iro) is None

    assert Meeting.objects.get(pk=ending_meeting.pk).iro_check_due_at is None
    assert not WorkItem.objects.filter(kind=Kind.IRO_ACTION_CHECK).exists()


# The IRO's check ----------------------------------------------------------------------------------


def test_the_iro_records_their_check_and_the_item_closes(checkable_meeting, iro, living_placement):
    with pytest.raises(ReferralError) as refused:
        follow_up.iro_check(
            user=iro, meeting=checkable_meeting, note="", expected_version=checkable_meeting.version
        )
    assert refused.value.field_errors == {"note": "Say how the actions were followed up"}

    checked = follow_up.iro_check(
        user=iro, meeting=checkable_meeting, note="CAMHS referral made.",
        expected_version=checkable_meeting.version,
    )  # fmt: skip

    assert (checked.iro_checked_by, checked.iro_check_note) == (iro, "CAMHS referral made.")
    assert not tray_for_user(iro).filter(kind=Kind.IRO_ACTION_CHECK).exists()
    assert "iro_checked" in whats(living_placement)
    assert not follow_up.may_iro_check(iro, checked)


def test_another_iro_of_the_council_may_check_but_not_a_social_worker(
    checkable_meeting, social_worker, wigan
):
    from hearth.accounts.roles import Role
    from tests.factories import member

    other_iro = member(wigan, Role.IRO, username="iro2.wigan")
    assert follow_up.may_iro_check(other_iro, checkable_meeting)
    with pytest.raises(ActionNotAllowed, match="Independent Reviewing Officer"):
        follow_up.iro_check(
            user=social_worker, meeting=checkable_meeting, note="Done.",
            expected_version=checkable_meeting.version,
        )  # fmt: skip
