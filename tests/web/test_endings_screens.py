"""The screens of a placement's ending (003 sections 5 and 6): the placement page's unplanned ending
meeting and moving-on tasks, waiving the meeting, and recording a moving-on task done."""

from datetime import date, datetime

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.placements.models import Placement
from hearth.stability import endings, routing
from hearth.stability.models import Meeting, MovingOnTask
from tests.fixtures.stability import end_placement
from tests.placements.test_screens import date_fields

ENDING_DAY = datetime(2027, 1, 15, 10, 0, tzinfo=LONDON)


def _page(client, user, placement):
    client.force_login(user)
    return client.get(reverse("placement", args=[placement.pk])).content.decode()


# The placement page -------------------------------------------------------------------------------


@time_machine.travel(ENDING_DAY, tick=False)
def test_ending_it_unplanned_from_the_page_shows_the_meeting_due_and_the_moving_on_tasks(
    client, social_worker, living_placement
):
    client.force_login(social_worker)
    form = {
        **date_fields("ended_on", date(2027, 1, 15)), "ending": "unplanned",
        "reason_ceased": "X1", "reason_place_change": "CREQB",
        "note": "The carers asked for Amy to move.", "version": living_placement.version,
    }  # fmt: skip

    response = client.post(reverse("placement_end", args=[living_placement.pk]), form)

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    meeting = Meeting.objects.get(kind="unplanned_ending")
    assert "Unplanned ending meeting" in page
    assert "Between Monday 15 February 2027 and Friday 26 February 2027 at 23:59" in page
    assert f'<a class="govuk-link" href="{routing.meeting_link(meeting)}">An unplanned' in page
    assert "One-page profile of the child by the previous carer" in page
    assert "Letter to the child from the previous carer" in page
    assert page.count("Friday 29 January 2027 at 23:59") == 2
    assert "Record as done" in page  # the child's social worker may record them


@time_machine.travel(ENDING_DAY, tick=False)
def test_a_planned_ending_shows_the_moving_on_tasks_and_no_meeting(
    client, social_worker, supervising_social_worker, living_placement
):
    end_placement(living_placement, social_worker, ending="planned", ended_on=date(2027, 1, 15))

    page = _page(client, supervising_social_worker, living_placement)

    assert "Unplanned ending meeting" not in page
    assert "Moving on" in page and page.count("To do") == 2


def test_an_open_placement_has_no_moving_on(client, social_worker, living_placement):
    assert "Moving on" not in _page(client, social_worker, living_placement)


def test_only_those_who_may_record_a_task_see_the_link(client, iro, unplanned_ending):
    page = _page(client, iro, unplanned_ending)

    assert "Moving on" in page and "Record as done" not in page


# Recording a moving-on task done ------------------------------------------------------------------


def test_the_supervising_social_worker_records_a_task_done(
    client, supervising_social_worker, moving_on_task
):
    client.force_login(supervising_social_worker)
    url = reverse("moving_on_task_done", args=[moving_on_task.pk])
    assert "One-page profile of the child" in client.get(url).content.decode()

    response = client.post(url, {"note": "Given at introductions.", "version": 1})

    assert response.status_code == 302
    assert response["Location"] == reverse("placement", args=[moving_on_task.placement_id])
    page = client.get(response["Location"]).content.decode()
    assert "Given at introductions." in page and "Done" in page
    assert MovingOnTask.objects.get(pk=moving_on_task.pk).done_by == supervising_social_worker


def test_a_task_done_from_an_out_of_date_page_is_not_saved(
    client, supervising_social_worker, moving_on_task
):
    client.force_login(supervising_social_worker)

    page = client.post(
        reverse("moving_on_task_done", args=[moving_on_task.pk]), {"note": "", "version": 3}
    ).content.decode()

    assert "Someone else changed this after you opened the page" in page
    assert MovingOnTask.objects.get(pk=moving_on_task.pk).done_at is None


def test_an_iro_is_told_why_they_cannot_record_it(client, iro, moving_on_task):
    client.force_login(iro)

    response = client.post(reverse("moving_on_task_done", args=[moving_on_task.pk]), {"version": 1})

    assert response.status_code == 403
    assert "Only the carers&#x27; supervising social worker" in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", record_type="moving_on_task").exists()
    assert MovingOnTask.objects.get(pk=moving_on_task.pk).done_at is None


# Waiving the unplanned ending meeting -------------------------------------------------------------


def test_the_team_manager_waives_the_meeting_with_a_reason(
    client, team_manager, waivable_ending_meeting
):
    client.force_login(team_manager)
    url = reverse("stability_meeting_waive", args=[waivable_ending_meeting.pk])
    page = client.get(url).content.decode()
    assert "Waive the unplanned ending meeting" in page and "Stability meeting held" in page

    refused = client.post(url, {"reason": "", "version": 1}).content.decode()
    assert "Enter why the unplanned ending meeting is not needed" in refused
    assert 'id="id_reason-error"' in refused

    response = client.post(url, {"reason": "The stability meeting covered it.", "version": 1})
    assert response.status_code == 302
    assert response["Location"] == routing.meeting_link(waivable_ending_meeting)
    waived = Meeting.objects.get(pk=waivable_ending_meeting.pk)
    assert (waived.status, waived.closed_reason) == ("waived", "The stability meeting covered it.")
    page = _page(client, team_manager, waived.placement)
    assert "Waived" in page and "Why it is not needed" in page


def test_a_social_worker_is_told_only_a_team_manager_may_waive_it(
    client, social_worker, waivable_ending_meeting
):
    client.force_login(social_worker)

    response = client.get(reverse("stability_meeting_waive", args=[waivable_ending_meeting.pk]))

    assert response.status_code == 403
    assert "Only a team manager can waive an unplanned ending meeting" in response.content.decode()
    assert AuditEvent.objects.filter(action="denied", record_type="stability_meeting").exists()


def test_without_a_stability_meeting_before_the_ending_it_cannot_be_waived(
    client, team_manager, ending_meeting
):
    client.force_login(team_manager)

    response = client.post(
        reverse("stability_meeting_waive", args=[ending_meeting.pk]),
        {"reason": "Not needed.", "version": 1},
    )

    assert response.status_code == 403
    assert "No stability meeting was held in the 12 weeks" in response.content.decode()
    assert Meeting.objects.get(pk=ending_meeting.pk).status == "requested"


def test_the_meeting_pages_waiver_panel(team_manager, social_worker, waivable_ending_meeting):
    for_manager = render_to_string(
        "stability/_waiver.html",
        {"waiver": endings.waiver_shown(waivable_ending_meeting, team_manager)},
    )
    assert "Waive this meeting" in for_manager and "stability meeting was held on" in for_manager

    for_worker = render_to_string(
        "stability/_waiver.html",
        {"waiver": endings.waiver_shown(waivable_ending_meeting, social_worker)},
    )
    assert "Waive this meeting" not in for_worker
    assert "Only a team manager can waive" in for_worker
    assert render_to_string("stability/_waiver.html", {"waiver": None}).strip() == ""


@pytest.mark.parametrize(
    ("name", "record"),
    [
        ("stability_meeting_waive", "waivable_ending_meeting"),
        ("moving_on_task_done", "moving_on_task"),
    ],
)
def test_another_council_gets_not_found(client, outsider, request, name, record):
    client.force_login(outsider)
    pk = request.getfixturevalue(record).pk

    assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.post(reverse(name, args=[pk]), {"version": 1}).status_code == 404
    assert Placement.objects.filter(ended_on__isnull=False).count() == 1


def test_the_meeting_page_offers_the_team_manager_the_waiver(
    client, team_manager, waivable_ending_meeting
):
    client.force_login(team_manager)

    page = client.get(routing.meeting_link(waivable_ending_meeting)).content.decode()

    assert "Waive this meeting" in page
    assert reverse("stability_meeting_waive", args=[waivable_ending_meeting.pk]) in page


def test_the_moving_on_task_note_says_optional_once(
    client, supervising_social_worker, moving_on_task
):
    client.force_login(supervising_social_worker)
    shown = client.get(reverse("moving_on_task_done", args=[moving_on_task.pk])).content.decode()

    assert "How it was done" in shown
    assert shown.count("(optional)") == 1


def _waived(meeting, team_manager):
    return endings.meeting_waive(
        user=team_manager, meeting=meeting, reason="The stability meeting covered it.",
        expected_version=meeting.version,
    )  # fmt: skip


def test_a_waived_meetings_page_shows_it_closed(client, team_manager, waivable_ending_meeting):
    waived = _waived(waivable_ending_meeting, team_manager)
    client.force_login(team_manager)

    page = client.get(routing.meeting_link(waived)).content.decode()
    page = page.split('<h2 class="govuk-heading-m">History</h2>')[0]  # the history quotes it too

    assert "Not written yet" not in page and "Needed before" not in page
    assert "Review Panel administrator" not in page
    assert "Not arranged yet" not in page and "Not held" in page
    assert page.count("The stability meeting covered it.") == 1
    reason_at = page.index("The stability meeting covered it.")
    assert page.rfind("Why it was waived", 0, reason_at) > page.rfind("Concern", 0, reason_at)


def test_a_cancelled_meetings_page_says_why_it_was_not_held(client, team_manager, ending_meeting):
    Meeting.objects.filter(pk=ending_meeting.pk).update(
        status="cancelled", closed_reason="The placement was ended in error."
    )
    client.force_login(team_manager)

    page = client.get(routing.meeting_link(ending_meeting)).content.decode()
    page = page.split('<h2 class="govuk-heading-m">History</h2>')[0]

    assert page.count("The placement was ended in error.") == 1
    assert "Why it was not held" in page
    assert "Not written yet" not in page and "Not arranged yet" not in page


def test_the_placement_page_does_not_call_a_waived_meeting_to_be_held(
    client, team_manager, waivable_ending_meeting
):
    waived = _waived(waivable_ending_meeting, team_manager)

    page = _page(client, team_manager, waived.placement)

    assert "To be held" not in page


def test_no_waiver_heading_with_nothing_under_it(team_manager, ending_meeting):
    shown = render_to_string(
        "stability/_waiver.html",
        {"waiver": {"waived": False, "possible": False, "to_be_held": False}},
    )
    assert "Waiver" not in shown
