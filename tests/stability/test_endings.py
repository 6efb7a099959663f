"""When a placement ends (003 sections 5 and 6): the unplanned ending meeting due in its window with
the child's IRO, the team manager's waiver where a stability meeting was held in the 12 weeks
before, the stability meetings not held, and the moving-on tasks."""

from datetime import date, datetime

import pytest
import time_machine

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.people.services import EditConflict
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.stability import endings, history, report, routing
from hearth.stability.models import Event, Meeting, MovingOnTask
from hearth.trays.models import OutgoingEmail, WorkItem
from hearth.trays.selectors import team_tray_for_user, tray_for_user
from tests.factories import ChildFactory
from tests.fixtures.stability import (
    WHAT_HAPPENED,
    arrange_for,
    end_placement,
    hold,
    place,
    stability_meeting_held,
)

ENDING_DAY = datetime(2027, 1, 15, 10, 0, tzinfo=LONDON)
Kind = WorkItem.Kind


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def ending_meeting_of(placement):
    return Meeting.objects.get(placement=placement, kind=Meeting.Kind.UNPLANNED_ENDING)


def end_on_the_15th(placement, by, **how):
    return end_placement(placement, by, ended_on=date(2027, 1, 15), **how)


# The unplanned ending meeting ------------------------------------------------------------------


@time_machine.travel(ENDING_DAY, tick=False)
def test_an_unplanned_ending_opens_its_meeting_due_between_one_month_and_six_weeks(
    living_placement, social_worker, iro
):
    end_on_the_15th(living_placement, social_worker)

    meeting = ending_meeting_of(living_placement)
    assert meeting.due_from == at(2027, 2, 15)  # Monday 15 February 2027, 00:00
    assert meeting.due_at == datetime(2027, 2, 26, 23, 59, 59, tzinfo=LONDON)  # Friday
    assert (meeting.status, meeting.raised_by, meeting.concern, meeting.requested_by) == (
        "requested", "placement_ended", WHAT_HAPPENED, None,
    )  # fmt: skip
    item = WorkItem.objects.get(kind=Kind.UNPLANNED_ENDING_MEETING)
    assert item.assigned_user == iro
    assert item.due_at == meeting.due_at
    assert "Hold between Monday 15 February 2027 and Friday 26 February 2027" in item.note
    assert item.link == routing.meeting_link(meeting)
    assert item in tray_for_user(iro)
    event = Event.objects.get(what="ending_meeting_due")
    assert event.meeting == meeting and event.by == social_worker
    email = OutgoingEmail.objects.get(to=iro.email, subject__startswith="Hold an unplanned ending")
    assert living_placement.child.last_name not in email.body


@time_machine.travel(ENDING_DAY, tick=False)
def test_a_councils_own_window_is_honoured(living_placement, social_worker, wigan):
    wigan.policy.timescales = {
        "unplanned_ending_meeting_from": {"amount": 3, "unit": "weeks"},
        "unplanned_ending_meeting_by": {"amount": 2, "unit": "months"},
    }
    wigan.policy.save()

    end_on_the_15th(living_placement, social_worker)

    meeting = ending_meeting_of(living_placement)
    assert (meeting.due_from, meeting.due_at) == (
        at(2027, 2, 5), datetime(2027, 3, 15, 23, 59, 59, tzinfo=LONDON),
    )  # fmt: skip


@time_machine.travel(ENDING_DAY, tick=False)
def test_without_a_named_iro_the_meeting_goes_to_every_iro(living_placement, social_worker, child):
    child.iro = None
    child.save(update_fields=["iro"])

    end_on_the_15th(living_placement, social_worker)

    item = WorkItem.objects.get(kind=Kind.UNPLANNED_ENDING_MEETING)
    assert (item.assigned_user, item.assigned_role) == (None, "iro")


@time_machine.travel(ENDING_DAY, tick=False)
def test_a_planned_ending_opens_no_ending_meeting(living_placement, social_worker):
    end_on_the_15th(living_placement, social_worker, ending="planned")

    assert not Meeting.objects.filter(kind=Meeting.Kind.UNPLANNED_ENDING).exists()
    assert not WorkItem.objects.filter(kind=Kind.UNPLANNED_ENDING_MEETING).exists()
    assert MovingOnTask.objects.filter(placement=living_placement).count() == 2


# The waiver -----------------------------------------------------------------------------------


@time_machine.travel(datetime(2027, 1, 20, 9, 0, tzinfo=LONDON), tick=False)
@pytest.mark.parametrize(
    ("held_at", "possible"),
    [
        (at(2026, 10, 23, 9, 30), True),  # the first day of the 12 weeks before the ending
        (at(2026, 10, 22, 23, 30), False),  # the day before: too long before
        (at(2027, 1, 15, 18, 0), True),  # on the day it ended
        (at(2027, 1, 16, 10, 0), False),  # after the ending
    ],
)
def test_the_waiver_is_offered_only_for_a_stability_meeting_held_in_the_12_weeks_before(
    living_placement, social_worker, team_manager, held_at, possible
):
    stability_meeting_held(living_placement, held_at=held_at, by=social_worker)

    end_on_the_15th(living_placement, social_worker)

    meeting = ending_meeting_of(living_placement)
    assert endings.waiver_possible(meeting) is possible
    offered = WorkItem.objects.filter(kind=Kind.UNPLANNED_ENDING_WAIVER)
    assert offered.exists() is possible
    if possible:
        (item,) = offered
        assert item.assigned_user == team_manager
        assert f"was held on {endings.day_words(held_at)}" in item.note
        assert item.due_at == meeting.due_from
        assert endings.waiver_shown(meeting, team_manager)["may_waive"]
    else:
        why = endings.waiver_shown(meeting, team_manager)["why_not"]
        assert why.startswith("No stability meeting was held in the 12 weeks")


@time_machine.travel(ENDING_DAY, tick=False)
def test_a_stability_meeting_of_another_placement_does_not_allow_the_waiver(
    living_placement, social_worker, wigan, household, placements_officer
):
    brother = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Ben")
    stability_meeting_held(
        place(brother, household, by=placements_officer), held_at=at(2026, 12, 1), by=social_worker
    )

    end_on_the_15th(living_placement, social_worker)

    assert not endings.waiver_possible(ending_meeting_of(living_placement))


@pytest.fixture
def waivable(living_placement, social_worker):
    with time_machine.travel(ENDING_DAY, tick=False):
        stability_meeting_held(living_placement, held_at=at(2026, 12, 1, 14), by=social_worker)
        end_on_the_15th(living_placement, social_worker)
    return ending_meeting_of(living_placement)


def test_a_social_worker_may_not_waive_it(waivable, social_worker):
    with pytest.raises(ActionNotAllowed, match="Only a team manager can waive"):
        endings.meeting_waive(
            user=social_worker, meeting=waivable, reason="Covered.", expected_version=1
        )
    assert Meeting.objects.get(pk=waivable.pk).status == "requested"


def test_the_waiver_needs_a_reason(waivable, team_manager):
    with pytest.raises(ReferralError) as refused:
        endings.meeting_waive(user=team_manager, meeting=waivable, reason=" ", expected_version=1)

    assert refused.value.field_errors == {
        "reason": "Enter why the unplanned ending meeting is not needed"
    }
    assert Meeting.objects.get(pk=waivable.pk).status == "requested"


def test_the_team_manager_waives_it_and_both_tray_items_close(waivable, team_manager, iro, request):
    reason = "The stability meeting on 1 December covered the learning; Amy's plan is set."

    waived = endings.meeting_waive(
        user=team_manager, meeting=waivable, reason=reason, expected_version=1
    )

    assert (waived.status, waived.closed_reason, waived.closed_by) == (
        "waived",
        reason,
        team_manager,
    )
    assert waived.closed_at is not None
    assert not tray_for_user(iro).filter(kind=Kind.UNPLANNED_ENDING_MEETING).exists()
    assert not tray_for_user(team_manager).filter(kind=Kind.UNPLANNED_ENDING_WAIVER).exists()
    assert Event.objects.get(what="meeting_waived").comment == reason
    assert AuditEvent.objects.filter(
        action="update", record_type="child", record_id=str(waivable.child_id),
        detail__contains="waived",
    ).exists()  # fmt: skip
    shown = endings.waiver_shown(waived, team_manager)
    assert shown["waived"] and not shown["may_waive"]
    with pytest.raises(ActionNotAllowed, match="no longer be waived: it is waived"):
        endings.meeting_waive(user=team_manager, meeting=waived, reason="Again", expected_version=2)


def test_a_waiver_from_an_older_page_is_refused(waivable, team_manager):
    with pytest.raises(EditConflict):
        endings.meeting_waive(
            user=team_manager, meeting=waivable, reason="Yes.", expected_version=0
        )


def test_a_meeting_with_no_stability_meeting_before_cannot_be_waived(ending_meeting, team_manager):
    with pytest.raises(ActionNotAllowed, match="must be held"):
        endings.meeting_waive(
            user=team_manager, meeting=ending_meeting, reason="Not needed.", expected_version=1
        )


def test_a_stability_meeting_has_no_waiver(living_placement, social_worker, team_manager):
    meeting = stability_meeting_held(living_placement, held_at=at(2026, 12, 1), by=social_worker)

    assert endings.waiver_shown(meeting, team_manager) is None
    with pytest.raises(ActionNotAllowed, match="Only an unplanned ending meeting"):
        endings.meeting_waive(user=team_manager, meeting=meeting, reason="No.", expected_version=1)


def test_a_meeting_recorded_but_never_held_does_not_allow_the_waiver_nor_count_as_held(
    requested_meeting, living_placement, social_worker, team_manager, wigan
):
    arrange_for(requested_meeting, by=social_worker, chair=team_manager)
    hold(requested_meeting, by=team_manager, mark_held=False)  # a time written, not marked held

    ended = end_placement(living_placement, social_worker)

    stopped = Meeting.objects.get(pk=requested_meeting.pk)
    assert stopped.status == "cancelled" and stopped.held_at is not None
    meeting = ending_meeting_of(living_placement)
    assert not endings.waiver_possible(meeting)
    assert not WorkItem.objects.filter(kind=Kind.UNPLANNED_ENDING_WAIVER).exists()
    assert not endings.waiver_shown(meeting, team_manager)["may_waive"]
    with pytest.raises(ActionNotAllowed, match="must be held"):
        endings.meeting_waive(
            user=team_manager, meeting=meeting, reason="Covered.", expected_version=1
        )
    month = ended.ended_on.replace(day=1)
    result = report.unplanned_endings(wigan, month, month)
    assert result.measure("stability_meeting_before").values == (0,)
    assert result.measure("no_stability_meeting").values == (1,)
    assert result.measure("stability_meetings_held").values == (0,)


def test_holding_the_ending_meeting_closes_the_team_managers_waiver_item(
    waivable_ending_meeting, iro, team_manager
):
    assert tray_for_user(team_manager).filter(kind=Kind.UNPLANNED_ENDING_WAIVER).exists()
    arrange_for(waivable_ending_meeting, by=iro, chair=iro)

    held = hold(waivable_ending_meeting, by=iro)

    assert held.status == "held"
    assert not tray_for_user(team_manager).filter(kind=Kind.UNPLANNED_ENDING_WAIVER).exists()
    assert not WorkItem.objects.filter(
        key=f"meeting:{held.pk}", kind=Kind.UNPLANNED_ENDING_WAIVER, closed_at__isnull=True
    ).exists()
    assert tray_for_user(iro).filter(kind=Kind.STABILITY_MINUTES, key=f"meeting:{held.pk}").exists()


# Stability meetings of the ended placement ---------------------------------------------------


@time_machine.travel(ENDING_DAY, tick=False)
def test_a_requested_stability_meeting_is_not_held_when_the_placement_ends(
    living_placement, social_worker, team_manager
):
    meeting = Meeting.objects.create(
        authority=living_placement.authority, kind="stability", placement=living_placement,
        child_id=living_placement.child_id, household_id=living_placement.household_id,
        raised_by="social_worker", concern="Amy ran away twice.", requested_by=social_worker,
        requested_at=at(2027, 1, 14, 16), due_at=at(2027, 1, 16, 16),
    )  # fmt: skip
    routing.to_child_team_manager(
        meeting, kind=Kind.STABILITY_MEETING, title="Stability meeting", due_at=meeting.due_at
    )
    held = stability_meeting_held(
        living_placement, held_at=at(2027, 1, 13, 11), by=social_worker, status="held"
    )
    assert tray_for_user(team_manager).filter(kind=Kind.STABILITY_MEETING).exists()

    end_on_the_15th(living_placement, social_worker)

    meeting.refresh_from_db()
    assert (meeting.status, meeting.closed_by) == ("cancelled", social_worker)
    assert meeting.closed_reason == (
        "The placement ended on Friday 15 January 2027 before the meeting was held"
    )
    assert meeting.version == 2
    assert not tray_for_user(team_manager).filter(kind=Kind.STABILITY_MEETING).exists()
    assert not team_tray_for_user(team_manager).filter(kind=Kind.STABILITY_MEETING).exists()
    assert Meeting.objects.get(pk=held.pk).status == "held"  # its minutes still go out
    assert Event.objects.get(what="meeting_not_held").meeting == meeting


# Moving on ---------------------------------------------------------------------------------------


@time_machine.travel(ENDING_DAY, tick=False)
@pytest.mark.parametrize("ending", ["planned", "unplanned"])
def test_moving_on_tasks_go_to_the_supervising_social_worker_due_in_two_weeks(
    living_placement, social_worker, supervising_social_worker, ending
):
    end_on_the_15th(living_placement, social_worker, ending=ending)

    tasks = MovingOnTask.objects.filter(placement=living_placement).order_by("kind")
    assert [task.kind for task in tasks] == ["carer_profile", "letter_to_child"]
    due = datetime(2027, 1, 29, 23, 59, 59, tzinfo=LONDON)
    assert {(task.owner, task.due_at) for task in tasks} == {(supervising_social_worker, due)}
    (item,) = tray_for_user(supervising_social_worker).filter(kind=Kind.MOVING_ON)
    assert item.key == f"moving_on:{living_placement.pk}"
    assert item.due_at == due
    assert item.link == f"/placements/{living_placement.pk}/"
    assert Event.objects.filter(what="moving_on_opened").count() == 1


@time_machine.travel(ENDING_DAY, tick=False)
def test_an_agencys_carers_tasks_go_to_the_childs_social_worker(
    child, child_iro, agency_household, placements_officer, social_worker
):
    placement = place(child, agency_household, by=placements_officer)

    end_on_the_15th(placement, social_worker)

    assert {task.owner for task in placement.moving_on_tasks.all()} == {social_worker}
    assert WorkItem.objects.get(kind=Kind.MOVING_ON).assigned_user == social_worker


@time_machine.travel(ENDING_DAY, tick=False)
def test_with_nobody_to_own_them_the_fostering_team_managers_see_them_done(
    child, child_iro, agency_household, placements_officer, fostering_team_manager
):
    child.social_worker = None
    child.save(update_fields=["social_worker"])
    placement = place(child, agency_household, by=placements_officer)

    end_on_the_15th(placement, placements_officer)

    assert {task.owner for task in placement.moving_on_tasks.all()} == {None}
    item = WorkItem.objects.get(kind=Kind.MOVING_ON)
    assert (item.assigned_user, item.assigned_role) == (None, "fostering_team_manager")
    assert item in tray_for_user(fostering_team_manager)


def _done(task, user, note=""):
    task.refresh_from_db()
    return endings.moving_on_done(user=user, task=task, note=note, expected_version=task.version)


def test_the_tray_item_closes_when_both_tasks_are_done(
    unplanned_ending, supervising_social_worker, fostering_team_manager
):
    profile, letter = unplanned_ending.moving_on_tasks.order_by("kind")

    done = _done(profile, supervising_social_worker, "Given to the new carers at introductions.")
    assert (done.done_by, done.note) == (
        supervising_social_worker, "Given to the new carers at introductions.",
    )  # fmt: skip
    assert tray_for_user(supervising_social_worker).filter(kind=Kind.MOVING_ON).exists()

    _done(letter, fostering_team_manager)
    assert not tray_for_user(supervising_social_worker).filter(kind=Kind.MOVING_ON).exists()
    assert Event.objects.filter(what="moving_on_done").count() == 2
    assert AuditEvent.objects.filter(
        action="update", record_type="household", detail__contains="moving-on task"
    ).count() == 2  # fmt: skip


def test_the_childs_social_worker_may_record_it(moving_on_task, social_worker):
    assert _done(moving_on_task, social_worker).done_by == social_worker


def test_others_may_not_record_it_nor_twice(moving_on_task, iro, supervising_social_worker):
    with pytest.raises(ActionNotAllowed, match="Only the carers' supervising social worker"):
        _done(moving_on_task, iro)

    _done(moving_on_task, supervising_social_worker)
    with pytest.raises(ActionNotAllowed, match="This was recorded as done on"):
        _done(moving_on_task, supervising_social_worker)


def test_a_done_from_an_older_page_is_refused(moving_on_task, supervising_social_worker):
    with pytest.raises(EditConflict):
        endings.moving_on_done(
            user=supervising_social_worker, task=moving_on_task, expected_version=7
        )
    assert MovingOnTask.objects.get(pk=moving_on_task.pk).done_at is None


def test_a_note_too_long_is_refused_at_its_field(moving_on_task, supervising_social_worker):
    with pytest.raises(ReferralError) as refused:
        _done(moving_on_task, supervising_social_worker, "x" * 2_001)
    assert set(refused.value.field_errors) == {"note"}


@time_machine.travel(datetime(2027, 1, 20, 9, 0, tzinfo=LONDON), tick=False)
def test_each_step_reads_as_a_sentence_in_the_history(
    waivable, team_manager, supervising_social_worker
):
    endings.meeting_waive(
        user=team_manager, meeting=waivable, reason="Covered.", expected_version=1
    )
    _done(waivable.placement.moving_on_tasks.get(kind="letter_to_child"), supervising_social_worker)

    said = [history.sentence(event) for event in Event.objects.filter(child=waivable.child)]

    assert said == [
        "The placement ended in an unplanned way: the unplanned ending meeting is due between "
        "Monday 15 February 2027 and Friday 26 February 2027",
        "A stability meeting was held on Tuesday 1 December 2026: a team manager may waive the "
        "unplanned ending meeting",
        "The child moved on: the previous carer's one-page profile for the next carer and their "
        "letter to the child are due by Friday 29 January 2027, seen done by "
        f"{supervising_social_worker.display_name}",
        f"{team_manager.display_name} waived the unplanned ending meeting",
        f"{supervising_social_worker.display_name} recorded as done: Letter to the child from "
        "the previous carer",
    ]
