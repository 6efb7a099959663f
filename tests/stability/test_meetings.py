"""Stability meetings (003 section 5, appendix 1): a concern raised and its deadline, the tray it
lands in, arranging, holding and recording the meeting, and circulating its minutes."""

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.people.services import EditConflict
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.stability import selectors, services
from hearth.stability.models import Event, Meeting
from hearth.trays.models import OutgoingEmail, WorkItem
from tests.factories import member
from tests.fixtures.stability import CONCERN, arrange_for, end_placement, hold

CHRISTMAS_EVE_4PM = "2026-12-24 16:00 +00:00"  # Greenwich Mean Time: London's time in December


def ask(placement, user, **answers):
    return services.meeting_request(
        user=user, placement=placement, raised_by=answers.pop("raised_by", "social_worker"),
        concern=answers.pop("concern", CONCERN), **answers,
    )  # fmt: skip


def stability_items(meeting, kind=WorkItem.Kind.STABILITY_MEETING):
    return WorkItem.objects.filter(key=f"meeting:{meeting.pk}", kind=kind)


# Raising a concern: when the meeting is due ---------------------------------------------------------


def test_a_request_at_4pm_on_christmas_eve_is_due_at_4pm_on_boxing_day(
    living_placement, social_worker, time_machine
):
    time_machine.move_to(CHRISTMAS_EVE_4PM, tick=False)

    meeting = ask(living_placement, social_worker)

    assert meeting.due_at == datetime(2026, 12, 26, 16, 0, tzinfo=LONDON)
    assert meeting.requested_at == timezone.now()


def test_a_council_policy_of_24_hours_makes_it_due_on_christmas_day(
    living_placement, social_worker, wigan, time_machine
):
    policy = wigan.policy
    policy.timescales["stability_meeting"] = {"amount": 24, "unit": "hours"}
    policy.save()
    time_machine.move_to(CHRISTMAS_EVE_4PM, tick=False)

    meeting = ask(living_placement, social_worker)

    assert meeting.due_at == datetime(2026, 12, 25, 16, 0, tzinfo=LONDON)


# Raising a concern: whose tray --------------------------------------------------------------------


def test_the_request_lands_in_the_named_team_managers_tray(
    living_placement, social_worker, team_manager, time_machine
):
    time_machine.move_to(CHRISTMAS_EVE_4PM, tick=False)

    meeting = ask(living_placement, social_worker)

    item = stability_items(meeting).get()
    assert item.assigned_user == team_manager
    assert item.due_at == datetime(2026, 12, 26, 16, 0, tzinfo=LONDON)
    assert item.link == f"/stability/meetings/{meeting.pk}/"
    assert "Amy" in item.title


def test_with_no_manager_named_it_goes_to_the_teams_team_managers(
    living_placement, social_worker, child_team
):
    child_team.manager = None
    child_team.save()

    meeting = ask(living_placement, social_worker)

    item = stability_items(meeting).get()
    assert (item.assigned_user, item.assigned_team, item.assigned_role) == (
        None,
        child_team,
        "team_manager",
    )


def test_a_carers_concern_is_recorded_by_a_worker_with_the_carers_name(
    living_placement, supervising_social_worker
):
    with pytest.raises(ReferralError) as refused:
        ask(living_placement, supervising_social_worker, raised_by="foster_carer")
    assert refused.value.field_errors == {
        "raised_by_name": "Enter the name of the person who raised the concern"
    }

    meeting = ask(
        living_placement, supervising_social_worker, raised_by="foster_carer",
        raised_by_name="Pat Carer",
    )  # fmt: skip

    assert (meeting.raised_by, meeting.raised_by_name) == ("foster_carer", "Pat Carer")
    event = Event.objects.get(meeting=meeting, what="meeting_requested")
    assert event.comment == CONCERN
    assert event.by == supervising_social_worker


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"concern": "  "}, "concern"),
        ({"raised_by": "review"}, "raised_by"),
        ({"raised_by": "placement_ended"}, "raised_by"),
        ({"raised_by": "neighbour"}, "raised_by"),
    ],
)
def test_a_request_without_a_concern_or_from_no_one_listed_is_refused(
    living_placement, social_worker, answers, field
):
    with pytest.raises(ReferralError) as refused:
        ask(living_placement, social_worker, **answers)

    assert field in refused.value.field_errors
    assert not Meeting.objects.exists()


def test_someone_outside_the_team_around_the_child_cannot_ask(living_placement, virtual_school):
    with pytest.raises(ActionNotAllowed, match="team around the child"):
        ask(living_placement, virtual_school)


def test_no_stability_meeting_is_asked_for_on_an_ended_placement(living_placement, social_worker):
    end_placement(living_placement, social_worker, ending="planned")

    with pytest.raises(ActionNotAllowed, match="The placement has ended"):
        ask(living_placement, social_worker)


def test_the_request_is_audited_as_a_change_to_the_childs_record(living_placement, social_worker):
    meeting = ask(living_placement, social_worker)

    audit = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, record_type="child")
    assert audit.record_id == str(living_placement.child_id)
    assert meeting.reference in audit.detail


# A second concern ----------------------------------------------------------------------------------


def test_a_second_concern_joins_the_meeting_waiting_to_be_held(
    living_placement, social_worker, iro, time_machine
):
    time_machine.move_to(CHRISTMAS_EVE_4PM, tick=False)
    first = ask(living_placement, social_worker)
    time_machine.move_to("2026-12-24 18:00 +00:00", tick=False)

    second = ask(living_placement, iro, raised_by="iro", concern="Amy went missing last night.")

    assert second.pk == first.pk
    assert Meeting.objects.count() == 1
    second.refresh_from_db()
    assert second.due_at == datetime(2026, 12, 26, 16, 0, tzinfo=LONDON)  # the sooner stands
    added = Event.objects.get(meeting=first, what="concern_added")
    assert added.comment == "Amy went missing last night."
    assert stability_items(first).count() == 1


def test_a_concern_brings_a_later_review_meeting_forward(
    living_placement, social_worker, time_machine
):
    time_machine.move_to(CHRISTMAS_EVE_4PM, tick=False)
    review = Meeting.objects.create(
        authority=living_placement.authority, kind="stability", placement=living_placement,
        child=living_placement.child, household=living_placement.household, raised_by="review",
        concern="Review of the last meeting", requested_at=timezone.now(),
        due_at=datetime(2027, 3, 1, 23, 59, 59, tzinfo=LONDON),
    )  # fmt: skip
    item = WorkItem.objects.create(
        organisation=living_placement.authority, kind=WorkItem.Kind.STABILITY_MEETING,
        title="Review", assigned_role="team_manager", key=f"meeting:{review.pk}", due_at=review.due_at,
    )  # fmt: skip

    joined = ask(living_placement, social_worker)

    assert joined.pk == review.pk
    assert joined.due_at == datetime(2026, 12, 26, 16, 0, tzinfo=LONDON)
    item.refresh_from_db()
    assert item.due_at == joined.due_at


# Arranging ---------------------------------------------------------------------------------------------


def test_the_invitees_begin_with_the_required_three_and_the_iro(
    requested_meeting, social_worker, supervising_social_worker, iro
):
    rows = services.default_invitees(requested_meeting)

    assert [(row["part"], row["name"]) for row in rows] == [
        ("social_worker", social_worker.display_name),
        ("supervising_social_worker", supervising_social_worker.display_name),
        ("foster_carer", "Pat Carer"),
        ("iro", iro.display_name),
    ]


def test_an_agencys_carers_supervising_social_worker_is_a_name_to_type(
    child, child_team, child_iro, agency_household, placements_officer, social_worker
):
    from tests.fixtures.stability import place

    placement = place(child, agency_household, by=placements_officer)
    meeting = ask(placement, social_worker)

    rows = {row["part"]: row for row in services.default_invitees(meeting)}

    assert rows["supervising_social_worker"] == {
        "part": "supervising_social_worker", "name": "", "email": "", "user": None,
    }  # fmt: skip


def test_a_stability_meeting_is_chaired_by_a_team_manager_or_fostering_team_manager(
    requested_meeting, social_worker, fostering_team_manager
):
    with pytest.raises(ReferralError) as refused:
        arrange_for(requested_meeting, by=social_worker, chair=social_worker)
    assert refused.value.field_errors["chair"] == (
        "The chair must be a fostering team manager or a team manager of the council"
    )

    arranged = arrange_for(requested_meeting, by=social_worker, chair=fostering_team_manager)

    assert arranged.chair == fostering_team_manager
    assert [p.part for p in arranged.participants.all()] == [
        "social_worker", "supervising_social_worker", "foster_carer", "iro",
    ]  # fmt: skip


def test_the_required_three_must_be_invited(requested_meeting, social_worker, team_manager):
    invitees = [
        r for r in services.default_invitees(requested_meeting) if r["part"] != "foster_carer"
    ]

    with pytest.raises(ReferralError) as refused:
        services.meeting_arrange(
            user=social_worker, meeting=requested_meeting, chair=team_manager,
            scheduled_for=timezone.now(), venue="Online", invitees=invitees,
            expected_version=requested_meeting.version,
        )  # fmt: skip

    assert refused.value.field_errors["invitees"].startswith("Invite the foster carer: the policy")


def test_someone_who_may_only_read_cannot_arrange(
    requested_meeting, placements_officer, team_manager
):
    with pytest.raises(ActionNotAllowed, match="can arrange this meeting"):
        arrange_for(requested_meeting, by=placements_officer, chair=team_manager)


def test_an_unplanned_ending_meeting_is_chaired_by_an_iro(
    ending_meeting, iro, team_manager, social_worker
):
    with pytest.raises(ReferralError) as refused:
        arrange_for(ending_meeting, by=iro, chair=team_manager)
    assert "IRO" in refused.value.field_errors["chair"]

    assert arrange_for(ending_meeting, by=iro, chair=iro).chair == iro


# Recording and holding -------------------------------------------------------------------------------


@pytest.fixture
def arranged_meeting(requested_meeting, social_worker, team_manager):
    return arrange_for(requested_meeting, by=social_worker, chair=team_manager)


def test_minutes_of_a_meeting_held_on_christmas_eve_are_due_by_the_end_of_new_years_eve(
    arranged_meeting, team_manager, time_machine
):
    time_machine.move_to(CHRISTMAS_EVE_4PM, tick=False)

    held = hold(
        arranged_meeting, by=team_manager, held_at=datetime(2026, 12, 24, 10, tzinfo=LONDON)
    )

    assert held.status == Meeting.Status.HELD
    assert held.minutes_due_at == datetime(2026, 12, 31, 23, 59, 59, tzinfo=LONDON)
    minutes = stability_items(held, WorkItem.Kind.STABILITY_MINUTES).get()
    assert (minutes.assigned_user, minutes.due_at) == (team_manager, held.minutes_due_at)
    assert not stability_items(held).filter(closed_at__isnull=True).exists()


def test_a_meeting_cannot_be_held_without_the_carer(arranged_meeting, team_manager):
    attendance = {
        p.pk: "neither" if p.part == "foster_carer" else "attended"
        for p in arranged_meeting.participants.all()
    }
    carer = arranged_meeting.participants.get(part="foster_carer")

    with pytest.raises(ReferralError) as refused:
        hold(arranged_meeting, by=team_manager, attendance=attendance)

    assert refused.value.field_errors[f"attendance_{carer.pk}"].startswith(
        "Foster carer (Pat Carer) has not attended"
    )
    arranged_meeting.refresh_from_db()
    assert arranged_meeting.status == Meeting.Status.REQUESTED


def test_a_record_may_be_saved_before_the_meeting_is_held(arranged_meeting, team_manager):
    saved = hold(arranged_meeting, by=team_manager, attendance={}, mark_held=False)

    assert saved.status == Meeting.Status.REQUESTED
    assert saved.sections["worries"] == CONCERN


def test_a_meeting_cannot_have_been_held_in_the_future(arranged_meeting, team_manager):
    with pytest.raises(ReferralError) as refused:
        hold(arranged_meeting, by=team_manager, held_at=timezone.now() + timedelta(hours=1))

    assert refused.value.field_errors["held_at"] == (
        "The meeting cannot have been held in the future"
    )


@pytest.mark.parametrize(
    ("next_on", "message"),
    [
        (date(2026, 12, 24), "The next meeting must be after this one"),
        (date(2027, 3, 25), "The next meeting must be by Wednesday 24 March 2027"),
    ],
)
def test_the_next_meeting_is_after_this_one_and_within_three_months(
    arranged_meeting, team_manager, time_machine, next_on, message
):
    time_machine.move_to(CHRISTMAS_EVE_4PM, tick=False)

    with pytest.raises(ReferralError) as refused:
        hold(
            arranged_meeting, by=team_manager, next_meeting_on=next_on,
            held_at=datetime(2026, 12, 24, 10, tzinfo=LONDON),
        )  # fmt: skip

    assert refused.value.field_errors["next_meeting_on"].startswith(message)


def test_a_stale_page_cannot_overwrite_the_record(arranged_meeting, team_manager):
    stale = arranged_meeting.version
    hold(arranged_meeting, by=team_manager, mark_held=False)

    with pytest.raises(EditConflict):
        services.meeting_record(
            user=team_manager, meeting=arranged_meeting, held_at=None, attendance={},
            sections={"overview": "Overwritten"}, expected_version=stale,
        )  # fmt: skip

    arranged_meeting.refresh_from_db()
    assert arranged_meeting.sections.get("overview", "") == ""


# Circulating the minutes -------------------------------------------------------------------------------


def circulate(meeting, user):
    meeting.refresh_from_db()
    return services.minutes_circulate(user=user, meeting=meeting, expected_version=meeting.version)


def test_the_childs_views_are_needed_before_the_minutes_go_out(arranged_meeting, team_manager):
    held = hold(arranged_meeting, by=team_manager, child_views="")

    with pytest.raises(ReferralError) as refused:
        circulate(held, team_manager)

    assert refused.value.problems == [
        "Write “The child's or young person's views” before the minutes are circulated"
    ]
    assert not OutgoingEmail.objects.filter(subject__startswith="Minutes").exists()


def test_the_familys_views_are_needed_when_the_child_sees_them(arranged_meeting, team_manager):
    held = hold(arranged_meeting, by=team_manager, family_in_contact=True)

    with pytest.raises(ReferralError, match="regular contact"):
        circulate(held, team_manager)


def test_only_the_chair_circulates_the_minutes(held_meeting, social_worker):
    with pytest.raises(ActionNotAllowed, match="Only the chair"):
        circulate(held_meeting, social_worker)


def test_the_minutes_go_to_the_participants_the_fostering_managers_and_the_panel(
    held_meeting, team_manager, fostering_team_manager, wigan, child
):
    wigan.policy.contacts = {"review_panel_administrator": "panel@wigan.gov.uk"}
    wigan.policy.save()
    carer = held_meeting.participants.get(part="foster_carer")
    carer.email = "pat.carer@example.org"
    carer.save()

    circulated = circulate(held_meeting, team_manager)

    expected = {
        "sw.wigan@example.org", "ssw.wigan@example.org", "iro.wigan@example.org",
        "pat.carer@example.org", fostering_team_manager.email, "panel@wigan.gov.uk",
    }  # fmt: skip
    assert set(circulated.circulated_to) == expected
    emails = OutgoingEmail.objects.filter(
        subject=f"Minutes of the stability meeting {circulated.reference}"
    )
    assert {e.to for e in emails} == expected
    for email in emails:
        assert child.first_name not in email.body and child.last_name not in email.body
        assert child.first_name not in email.subject
        assert f"/stability/meetings/{circulated.pk}/" in email.body
        # Someone who does not use Hearth (the carer) is told where a copy comes from.
        assert "If you do not use Hearth, ask the child's social worker, " in email.body
        assert "(sw.wigan@example.org), for a copy" in email.body


def test_circulating_files_the_minutes_and_closes_the_chairs_item(
    held_meeting, team_manager, child, household
):
    circulated = circulate(held_meeting, team_manager)

    assert circulated.status == Meeting.Status.CIRCULATED
    assert circulated.circulated_by == team_manager
    assert (
        not stability_items(circulated, WorkItem.Kind.STABILITY_MINUTES)
        .filter(closed_at__isnull=True)
        .exists()
    )
    filed = Event.objects.get(meeting=circulated, what="minutes_circulated")
    assert filed in selectors.history_seen_on_child(team_manager, child)
    assert filed in selectors.history_seen_on_household(team_manager, household)
    audited = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, detail__contains="filed")
    assert {a.record_type for a in audited} == {"child", "household"}


def test_circulating_opens_the_next_stability_meeting(held_meeting, team_manager):
    circulate(held_meeting, team_manager)

    review = Meeting.objects.get(previous=held_meeting)
    assert (review.status, review.raised_by) == (Meeting.Status.REQUESTED, "review")


def test_circulating_after_the_placement_ended_opens_no_next_meeting(
    held_meeting, living_placement, social_worker, team_manager, iro
):
    end_placement(living_placement, social_worker, ending="planned")

    circulated = circulate(held_meeting, team_manager)

    assert circulated.status == Meeting.Status.CIRCULATED
    assert not Meeting.objects.filter(previous=held_meeting).exists()
    assert not Meeting.objects.filter(status=Meeting.Status.REQUESTED).exists()
    assert WorkItem.objects.filter(
        kind=WorkItem.Kind.IRO_ACTION_CHECK, assigned_user=iro, closed_at__isnull=True
    ).exists()


def test_a_stability_meeting_held_since_a_day_is_found(held_meeting, living_placement):
    since = held_meeting.held_at - timedelta(days=1)

    assert selectors.stability_meeting_held_since(living_placement, since) == held_meeting
    assert (
        selectors.stability_meeting_held_since(
            living_placement, held_meeting.held_at + timedelta(minutes=1)
        )
        is None
    )


def test_another_councils_team_manager_cannot_chair(requested_meeting, social_worker, trafford):
    stranger = member(trafford, "team_manager", username="tm.trafford")

    with pytest.raises(ReferralError) as refused:
        arrange_for(requested_meeting, by=social_worker, chair=stranger)

    assert "chair" in refused.value.field_errors


# Dates that cannot be: before the request, before the ending, in the past --------------------------


def test_a_meeting_cannot_have_been_held_before_it_was_asked_for(arranged_meeting, team_manager):
    asked = arranged_meeting.requested_at.astimezone(LONDON)

    with pytest.raises(ReferralError) as refused:
        hold(arranged_meeting, by=team_manager, held_at=asked - timedelta(days=2))

    assert refused.value.field_errors["held_at"].startswith(
        "The meeting cannot have been held before it was asked for"
    )


def test_an_ending_meeting_cannot_have_been_held_before_the_placement_ended(ending_meeting, iro):
    from hearth.placements.models import Placement

    arrange_for(ending_meeting, by=iro, chair=iro)
    ended_on = timezone.localdate()
    Meeting.objects.filter(pk=ending_meeting.pk).update(
        requested_at=timezone.now() - timedelta(days=20)
    )
    Placement.objects.filter(pk=ending_meeting.placement_id).update(ended_on=ended_on)

    with pytest.raises(ReferralError) as refused:
        hold(
            ending_meeting, by=iro,
            held_at=datetime.combine(ended_on - timedelta(days=3), datetime.min.time(), LONDON)
            + timedelta(hours=12),
        )  # fmt: skip

    assert refused.value.field_errors["held_at"].startswith(
        "The meeting cannot have been held before the placement ended"
    )


def test_a_meeting_cannot_be_arranged_before_it_was_asked_for(
    requested_meeting, social_worker, team_manager
):
    with pytest.raises(ReferralError) as refused:
        arrange_for(
            requested_meeting, by=social_worker, chair=team_manager,
            scheduled_for=requested_meeting.requested_at - timedelta(days=2),
        )  # fmt: skip

    assert refused.value.field_errors["scheduled_for"].startswith(
        "The meeting cannot be before it was asked for, on "
    )


def test_a_meeting_convened_by_phone_is_arranged_afterwards(
    requested_meeting, social_worker, team_manager, time_machine
):
    """Convened within the 48 hours by phone, the meeting is entered in Hearth the day after."""
    time_machine.move_to(requested_meeting.requested_at + timedelta(days=1), tick=False)

    arranged = arrange_for(
        requested_meeting, by=social_worker, chair=team_manager,
        scheduled_for=requested_meeting.requested_at + timedelta(hours=3),
    )  # fmt: skip

    assert arranged.scheduled_for == requested_meeting.requested_at + timedelta(hours=3)


def test_an_ending_meeting_cannot_be_arranged_before_the_ending(ending_meeting, iro):
    from hearth.placements.models import Placement

    ended_on = timezone.localdate() + timedelta(days=5)
    Placement.objects.filter(pk=ending_meeting.placement_id).update(ended_on=ended_on)

    with pytest.raises(ReferralError) as refused:
        arrange_for(
            ending_meeting, by=iro, chair=iro, scheduled_for=timezone.now() + timedelta(days=1)
        )

    assert refused.value.field_errors["scheduled_for"].startswith(
        "The meeting cannot be before the placement ended"
    )


def test_changing_when_a_held_meeting_was_held_is_in_the_history(
    held_meeting, team_manager, time_machine
):
    time_machine.move_to(timezone.now() + timedelta(minutes=30), tick=False)
    first = held_meeting.held_at
    later = first + timedelta(minutes=10)

    hold(held_meeting, by=team_manager, held_at=later, mark_held=False)

    event = Event.objects.get(meeting=held_meeting, what="held_at_changed")
    assert event.by == team_manager
    assert set(event.detail) >= {"old", "new"}
    assert event.detail["old"] != event.detail["new"]
    hold(held_meeting, by=team_manager, held_at=later, mark_held=False)
    assert Event.objects.filter(meeting=held_meeting, what="held_at_changed").count() == 1
