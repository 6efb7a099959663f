"""The follow-up screens of a meeting: adding an action, marking it done, the IRO's check."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.stability.models import Action, Meeting
from hearth.trays.models import WorkItem
from hearth.trays.selectors import tray_for_user


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


# Adding an action ---------------------------------------------------------------------------------


def test_the_chair_adds_an_action_and_it_lands_in_its_owners_tray(
    client, actions_meeting, team_manager, social_worker
):
    client.force_login(team_manager)
    url = reverse("stability_action_add", args=[actions_meeting.pk])
    page = client.get(url).content.decode()
    assert "Add an action" in page and social_worker.display_name in page

    due = timezone.localdate() + timedelta(days=10)
    response = client.post(
        url,
        {"description": "Book a CAMHS appointment.", "owner": social_worker.pk,
         **date_fields("due_on", due)},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == f"/stability/meetings/{actions_meeting.pk}/"
    action = Action.objects.get()
    assert (action.owner, action.due_on) == (social_worker, due)
    assert tray_for_user(social_worker).filter(kind=WorkItem.Kind.STABILITY_ACTION).exists()


def test_adding_an_action_without_an_owner_or_with_a_past_date_shows_errors_at_the_fields(
    client, actions_meeting, team_manager
):
    client.force_login(team_manager)
    url = reverse("stability_action_add", args=[actions_meeting.pk])

    response = client.post(
        url,
        {"description": "Visit Amy at school.", "owner": "",
         **date_fields("due_on", timezone.localdate() - timedelta(days=1))},
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert (
        '<p id="id_owner-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> Choose who will do the action</p>"
    ) in page
    assert (
        '<p id="id_due_on-error" class="govuk-error-message"><span class="govuk-visually-hidden">'
        "Error:</span> The date the action is due must be today or in the future</p>"
    ) in page
    assert "Visit Amy at school." in page  # what was typed is kept
    assert not Action.objects.exists()


def test_someone_who_may_see_the_meeting_but_not_add_actions_is_refused(
    client, actions_meeting, supervising_social_worker
):
    client.force_login(supervising_social_worker)
    url = reverse("stability_action_add", args=[actions_meeting.pk])

    response = client.get(url)

    assert response.status_code == 403
    assert "Only the chair, the child&#x27;s team manager" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, record_type="stability_meeting"
    ).exists()


def test_the_meeting_page_shows_the_actions_and_the_add_button(
    client, actions_meeting, open_action, team_manager
):
    client.force_login(team_manager)

    page = client.get(reverse("stability_meeting", args=[actions_meeting.pk])).content.decode()

    assert "Refer Amy to the CAMHS team." in page
    assert reverse("stability_action_add", args=[actions_meeting.pk]) in page
    assert reverse("stability_action_done", args=[open_action.pk]) in page


# Marking an action done ---------------------------------------------------------------------------


def test_the_owner_marks_their_action_done(client, open_action, social_worker):
    client.force_login(social_worker)
    url = reverse("stability_action_done", args=[open_action.pk])
    assert "Refer Amy to the CAMHS team." in client.get(url).content.decode()

    response = client.post(url, {"note": "Referral sent.", "version": open_action.version})

    assert response.status_code == 302
    action = Action.objects.get(pk=open_action.pk)
    assert (action.status, action.done_note) == ("done", "Referral sent.")
    assert not tray_for_user(social_worker).filter(key=f"action:{action.pk}").exists()


def test_marking_done_from_an_old_page_is_refused_with_a_message(
    client, open_action, social_worker
):
    client.force_login(social_worker)
    url = reverse("stability_action_done", args=[open_action.pk])

    response = client.post(url, {"note": "", "version": open_action.version - 1})

    assert "Someone else changed this after you opened the page" in response.content.decode()
    assert Action.objects.get(pk=open_action.pk).status == "open"


# The IRO's check ----------------------------------------------------------------------------------


def test_the_iro_sees_the_actions_and_records_their_check(
    client, checkable_meeting, open_action, iro
):
    client.force_login(iro)
    url = reverse("stability_iro_check", args=[checkable_meeting.pk])
    meeting_page = client.get(reverse("stability_meeting", args=[checkable_meeting.pk]))
    assert url in meeting_page.content.decode()
    page = client.get(url).content.decode()
    assert "Refer Amy to the CAMHS team." in page and "To do" in page

    missing = client.post(url, {"note": "", "version": checkable_meeting.version})
    assert "Say how the actions were followed up" in missing.content.decode()

    response = client.post(url, {"note": "On track.", "version": checkable_meeting.version})

    assert response.status_code == 302
    meeting = Meeting.objects.get(pk=checkable_meeting.pk)
    assert (meeting.iro_checked_by, meeting.iro_check_note) == (iro, "On track.")
    assert not WorkItem.objects.filter(
        kind=WorkItem.Kind.IRO_ACTION_CHECK, closed_at__isnull=True
    ).exists()


def test_a_social_worker_may_not_record_the_iros_check(client, checkable_meeting, social_worker):
    client.force_login(social_worker)

    response = client.post(
        reverse("stability_iro_check", args=[checkable_meeting.pk]),
        {"note": "Fine.", "version": checkable_meeting.version},
    )

    assert response.status_code == 403
    assert Meeting.objects.get(pk=checkable_meeting.pk).iro_checked_at is None


# Another council ----------------------------------------------------------------------------------


def test_another_councils_worker_finds_none_of_the_screens(
    client, checkable_meeting, open_action, outsider
):
    client.force_login(outsider)

    for url in (
        reverse("stability_action_add", args=[checkable_meeting.pk]),
        reverse("stability_action_done", args=[open_action.pk]),
        reverse("stability_iro_check", args=[checkable_meeting.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"note": "x", "version": 1}).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == 6
    assert Action.objects.get(pk=open_action.pk).status == "open"


# Fields refused blank are not "(optional)"; a malformed date hides no other error --------------


def test_the_fields_an_action_needs_are_not_marked_optional(
    client, actions_meeting, open_action, checkable_meeting, team_manager, social_worker, iro
):
    client.force_login(team_manager)
    page = client.get(reverse("stability_action_add", args=[actions_meeting.pk])).content.decode()
    assert "What is to be done?" in page
    assert "(optional)" not in page

    client.force_login(social_worker)
    page = client.get(reverse("stability_action_done", args=[open_action.pk])).content.decode()
    assert "What was done" in page
    assert page.count("(optional)") == 1  # the note may be left blank, said once

    client.force_login(iro)
    page = client.get(reverse("stability_iro_check", args=[checkable_meeting.pk])).content.decode()
    assert "How were the actions followed up?" in page
    assert "(optional)" not in page


def test_a_malformed_date_shows_the_other_errors_too(client, actions_meeting, team_manager):
    client.force_login(team_manager)
    url = reverse("stability_action_add", args=[actions_meeting.pk])

    response = client.post(
        url,
        {"description": "", "owner": "", "due_on_day": "31", "due_on_month": "2",
         "due_on_year": "2027"},
    )  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert "Say what is to be done" in page
    assert "Choose who will do the action" in page
    assert 'id="id_due_on-error"' in page
    assert not Action.objects.exists()
