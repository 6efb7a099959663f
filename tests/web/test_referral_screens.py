"""The referral through its screens: made from a child's record, answered section by section (saved in
the background as well as by its buttons), and taken through its approval chain by each role."""

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.people.models import SiblingGroup
from hearth.referrals import rules, services
from hearth.referrals.models import CommentRequest, Referral, ReferralEvent, Status
from tests.factories import ChildFactory, HouseholdFactory, make_referral
from tests.screens import field_error, page, summary_links

AUTOSAVE = {"HTTP_X_HEARTH_AUTOSAVE": "1"}


@pytest.fixture(autouse=True)
def frozen_today():
    """15 June 2026, mid-morning in London: ages, dates needed and deadlines depend on it."""
    with time_machine.travel(datetime(2026, 6, 15, 10, 30, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def sibling(wigan, child, social_worker):
    group = SiblingGroup.objects.create(authority=wigan, reference="SG1")
    child.sibling_group = group
    child.save()
    return ChildFactory(
        authority=wigan, social_worker=social_worker, sibling_group=group, first_name="Ben"
    )


def signed_in(client, user):
    client.force_login(user)
    return client


def new_referral_url(child):
    return f"{reverse('referral_add')}?child={child.pk}"


def section_url(referral, section):
    return reverse("referral_section", args=[referral.pk, section])


def action_url(referral, action):
    return reverse("referral_action", args=[referral.pk, action])


def task_status(response, slug):
    match = re.search(
        rf'id="task-{slug}-status">(?:<strong class="govuk-tag[^"]*">)?([^<]+)<',
        response.content.decode(),
    )
    return match.group(1) if match else None


def error_summary(response):
    body = page(response)
    summary = body[body.index("govuk-error-summary__list") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary[: summary.index("</ul>")]))


def placement_data(referral, **overrides):
    """What the placement section's form sends when filled in for a short-term home."""
    data = {
        "version": referral.version,
        "placement_type": "short_term",
        "date_needed_day": "1",
        "date_needed_month": "9",
        "date_needed_year": "2026",
        "urgency_detail": "",
    }
    return {**data, **overrides}


def denials():
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).values_list(
            "username", "record_type", "record_id"
        )
    )


# Making a referral ----------------------------------------------------------------------------------


def test_making_a_referral_creates_a_draft_and_opens_its_page(
    client, social_worker, child, child_team
):
    signed_in(client, social_worker)
    shown = client.get(new_referral_url(child))
    assert shown.status_code == 200
    assert f"Make a referral for {child.full_name}" in page(shown)

    response = client.post(new_referral_url(child))

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("referral", args=[referral.pk])
    assert (list(referral.children.all()), referral.status) == ([child], Status.DRAFT)
    assert "Referral started." in page(client.get(response["Location"]))


def test_making_a_referral_can_include_brothers_and_sisters(client, social_worker, child, sibling):
    signed_in(client, social_worker)
    shown = client.get(new_referral_url(child))
    assert f"{sibling.full_name}, age 11" in page(shown)

    client.post(new_referral_url(child), {"siblings": [sibling.pk]})

    referral = Referral.objects.get()
    assert set(referral.children.all()) == {child, sibling}
    assert referral.sibling_group == child.sibling_group


def test_making_a_referral_with_someone_not_a_sibling_is_refused_at_the_field(
    client, social_worker, child, sibling, wigan
):
    stranger = ChildFactory(authority=wigan, social_worker=social_worker)
    signed_in(client, social_worker)
    response = client.post(new_referral_url(child), {"siblings": [stranger.pk]})
    assert response.status_code == 200
    assert field_error(response, "siblings") == "Choose from the brothers and sisters listed"
    assert not Referral.objects.exists()


def test_making_a_second_open_referral_is_refused_with_the_reason(
    client, social_worker, child, draft
):
    signed_in(client, social_worker)
    shown = client.get(new_referral_url(child))
    assert f"already has an open referral: Referral {draft.pk}" in re.sub(
        r"<[^>]+>", "", page(shown)
    )

    response = client.post(new_referral_url(child))

    assert response.status_code == 200
    assert f"{child.full_name} already has an open referral (Referral {draft.pk})" in (
        error_summary(response)
    )
    assert Referral.objects.count() == 1


def test_only_the_social_worker_or_team_manager_may_make_a_referral(client, iro, child):
    signed_in(client, iro)
    shown = client.get(new_referral_url(child))
    assert "Start the referral" not in page(shown)
    assert "Only " + child.full_name + "'s allocated social worker or their team manager" in page(
        shown
    )

    response = client.post(new_referral_url(child))

    assert "Only the child's allocated social worker or their team manager can make a referral" in (
        error_summary(response)
    )
    assert not Referral.objects.exists()


def test_a_team_manager_is_told_to_allocate_a_social_worker_first(
    client, team_manager, wigan, child_team
):
    unallocated = ChildFactory(authority=wigan, social_worker=None, team=child_team)
    signed_in(client, team_manager)
    response = client.post(new_referral_url(unallocated))
    assert f"{unallocated.full_name} has no allocated social worker: allocate one first" in (
        error_summary(response)
    )
    assert not Referral.objects.exists()


def test_a_referral_for_another_councils_child_is_not_found_and_the_attempt_audited(
    client, outsider, child
):
    signed_in(client, outsider)
    assert client.get(new_referral_url(child)).status_code == 404
    assert client.post(new_referral_url(child)).status_code == 404
    assert denials() == [("sw.trafford", "child", str(child.pk))] * 2
    assert not Referral.objects.exists()


def test_making_a_referral_needs_a_child(client, social_worker):
    signed_in(client, social_worker)
    assert client.get(reverse("referral_add")).status_code == 404


# The child's record ------------------------------------------------------------------------------


def test_a_childs_record_offers_a_referral_to_their_social_worker(client, social_worker, child):
    signed_in(client, social_worker)
    response = client.get(reverse("child", args=[child.pk]))
    assert f'href="{reverse("referral_add")}?child={child.pk}"' in response.content.decode()
    assert "Make a referral" in page(response)
    assert "No referrals have been made" in page(response)


def test_a_childs_record_lists_their_referrals_and_offers_no_second(
    client, social_worker, child, draft
):
    withdrawn = make_referral(child, status=Status.WITHDRAWN)
    signed_in(client, social_worker)
    response = client.get(reverse("child", args=[child.pk]))
    text = page(response)
    assert "Make a referral" not in text
    assert f'<a class="govuk-link" href="/referrals/{draft.pk}/">Referral {draft.pk}</a>' in text
    assert f"Referral {withdrawn.pk}" in text
    assert ">Draft</strong>" in text and ">Withdrawn</strong>" in text


def test_a_childs_record_offers_no_referral_to_an_iro(client, iro, child):
    signed_in(client, iro)
    assert "Make a referral" not in page(client.get(reverse("child", args=[child.pk])))


# The referral's page -------------------------------------------------------------------------------


def test_the_task_list_shows_each_sections_status(client, social_worker, child, child_team):
    referral = make_referral(
        child, complete=False, placement_type="short_term", risk_facts="Two missing episodes."
    )
    referral.history = "Came into care in 2024."
    referral.save()
    signed_in(client, social_worker)
    response = client.get(reverse("referral", args=[referral.pk]))
    statuses = {section.slug: task_status(response, section.slug) for section in rules.SECTIONS}
    assert statuses == {
        "placement": "Incomplete",
        "child": "Incomplete",
        "risks": "Incomplete",
        "location": "Not yet started",
        "education": "Not yet started",
        "network": "Not yet started",
        "accommodation": "Not yet started",
    }
    assert f'href="{section_url(referral, "placement")}"' in response.content.decode()


def test_a_complete_referral_shows_every_section_completed(client, social_worker, draft):
    signed_in(client, social_worker)
    response = client.get(reverse("referral", args=[draft.pk]))
    assert task_status(response, "placement") == "Completed"
    assert "7 of 7 sections completed." in page(response)


def test_the_task_list_links_sections_only_for_someone_who_may_change_them(
    client, service_lead, draft
):
    signed_in(client, service_lead)
    response = client.get(reverse("referral", args=[draft.pk]))
    assert response.status_code == 200
    assert task_status(response, "placement") == "Completed"
    assert "/sections/" not in response.content.decode()


def test_the_referral_page_shows_the_answers_children_and_actions(
    client, social_worker, child, draft
):
    signed_in(client, social_worker)
    response = client.get(reverse("referral", args=[draft.pk]))
    text = page(response)
    assert ">Draft</strong>" in text
    assert f'<a class="govuk-link" href="/children/{child.pk}/">{child.full_name}</a>, age 11' in (
        text
    )
    assert "Short-term" in text and "1 December 2026" in text
    assert "Likes swimming and drawing; dislikes loud arguments." in text
    assert f'href="{action_url(draft, "submit")}"' in text
    assert f'href="{action_url(draft, "withdraw")}"' in text
    assert f'href="{action_url(draft, "approve")}"' not in text


def test_reading_the_referral_is_audited(client, social_worker, draft):
    signed_in(client, social_worker)
    client.get(reverse("referral", args=[draft.pk]))
    viewed = AuditEvent.objects.get(action=AuditEvent.Action.VIEW, record_type="referral")
    assert (viewed.username, viewed.record_id) == ("sw.wigan", str(draft.pk))


def test_before_approval_the_page_says_what_the_search_rule_would_decide(
    client, social_worker, draft
):
    signed_in(client, social_worker)
    text = page(client.get(reverse("referral", args=[draft.pk])))
    assert "Not decided yet." in text
    assert "In-house and agencies at once" in text
    assert "A single child aged 11" in text


def test_after_approval_the_page_shows_the_recorded_search_decision(client, service_lead, child):
    referral = make_referral(
        child,
        status=Status.APPROVED,
        search_route=Referral.SearchRoute.IN_HOUSE_FIRST,
        search_route_reason="The child's school is in Wigan and in-house carers live near it",
    )
    signed_in(client, service_lead)
    text = page(client.get(reverse("referral", args=[referral.pk])))
    assert "Not decided yet." not in text
    assert "In-house carers first" in text
    assert "The child's school is in Wigan and in-house carers live near it" in text


def test_an_urgent_referral_shows_its_banner_and_an_overdue_emergency_end(
    client, placements_officer, child, household
):
    referral = make_referral(
        child,
        status=Status.SEARCHING,
        urgent=True,
        urgency_reason=Referral.UrgencyReason.POLICE_PROTECTION,
        emergency_household=household,
        emergency_booked_at=timezone.now() - timedelta(hours=80),
        emergency_ends_at=timezone.now() - timedelta(hours=8),
    )
    signed_in(client, placements_officer)
    text = page(client.get(reverse("referral", args=[referral.pk])))
    assert "A home is needed today." in text and "Why: Police protection." in text
    assert household.name in text
    assert "15 June 2026 at 2:30am" in text
    assert "Overdue</strong>" in text


def test_an_emergency_end_still_to_come_is_not_overdue(
    client, placements_officer, child, household
):
    referral = make_referral(
        child,
        status=Status.SEARCHING,
        emergency_household=household,
        emergency_booked_at=timezone.now(),
        emergency_ends_at=timezone.now() + timedelta(hours=72),
    )
    signed_in(client, placements_officer)
    text = page(client.get(reverse("referral", args=[referral.pk])))
    assert "18 June 2026 at 10:30am" in text
    assert "Overdue" not in text


@pytest.mark.parametrize(
    ("persona", "named"), [("placements_officer", True), ("virtual_school", False)]
)
def test_the_emergency_carer_is_named_only_to_those_who_may_see_households(
    client, persona, named, request, wigan, child, child_team, placements_officer
):
    carer = HouseholdFactory(provider=wigan, name="Okafor family", care_types=["emergency"])
    referral = make_referral(child, status=Status.SEARCHING)
    services.referral_act(
        user=placements_officer, referral=referral, action="book_emergency",
        data={"household": carer.pk},
    )  # fmt: skip
    signed_in(client, request.getfixturevalue(persona))

    text = page(client.get(reverse("referral", args=[referral.pk])))

    start = text.index("Emergency placement</h2>")
    booking = text[start : text.index("</dl>", start)]
    assert "18 June 2026 at 10:30am" in booking
    assert ("Okafor family" in text, carer.reference in text) == (named, named)
    assert ("An emergency carer</dd>" in booking) is not named
    assert ("An emergency carer booked until 18 June 2026 at 10:30" in text) is not named


def test_the_page_shows_open_comment_requests_and_answers(
    client, team_manager, virtual_school, child, child_team
):
    referral = make_referral(child, status=Status.SUBMITTED)
    CommentRequest.objects.create(
        referral=referral,
        asked_of=CommentRequest.From.VIRTUAL_SCHOOL,
        question="Can she keep her school place?",
        requested_by=team_manager,
    )
    signed_in(client, virtual_school)
    text = page(client.get(reverse("referral", args=[referral.pk])))
    assert "Can she keep her school place?" in text
    assert "Waiting for an answer" in text
    assert f'href="{action_url(referral, "comment")}"' in text


def test_the_history_lists_every_step_with_a_link_to_the_chronology(
    client, social_worker, team_manager, draft
):
    signed_in(client, social_worker).post(action_url(draft, "submit"), {"comment": "Ready."})
    signed_in(client, team_manager).post(
        action_url(draft, "return"), {"comment": "Add her views in her own words."}
    )
    response = signed_in(client, social_worker).get(reverse("referral", args=[draft.pk]))
    text = page(response)
    history = text[text.index('<h2 class="govuk-heading-m">History</h2>') :]
    assert f'href="{reverse("referral_chronology", args=[draft.pk])}"' in history
    assert history.count('<tr class="govuk-table__row">') == 1 + 2  # heading and two steps
    assert "Draft to With team manager" in history
    assert "With team manager to Returned to social worker" in history
    assert "Add her views in her own words." in history
    assert "Sent to the team manager by Sam Jones (social worker)" in history


QUERIES_ON_THE_REFERRAL_PAGE = (
    22  # session, sign-in checks, savepoints, search and placement panels
)


def busy_referral(child, brothers, people, household):
    """A referral for the children taken all the way to searching, with comments asked for and
    given, an emergency carer booked and a next action set: every part of the page has rows."""
    social_worker, team_manager, service_lead, placements_officer, virtual_school = people
    referral = make_referral(child, *brothers, urgent=True, urgency_reason="safeguarding")
    steps = [
        (social_worker, "submit", {}),
        (team_manager, "request_comments", {"asked_of": "virtual_school", "comment": "School?"}),
        (virtual_school, "comment", {"comment": "She can keep her place."}),
        (team_manager, "request_comments", {"asked_of": "virtual_school", "comment": "Travel?"}),
        (team_manager, "forward", {"comment": "Fine."}),
        (service_lead, "approve", {}),
        (placements_officer, "accept", {}),
        (placements_officer, "book_emergency", {"household": household.pk}),
        (placements_officer, "set_next_action", {"comment": "Ring", "holder": social_worker.pk}),
    ]
    for user, action, data in steps:
        services.referral_act(user=user, referral=referral, action=action, data=data)
    return referral


@pytest.mark.parametrize("busy", [False, True], ids=["new-draft", "busy-search"])
def test_the_referral_page_reads_a_bounded_number_of_queries(
    client, busy, wigan, child, child_team, household, django_assert_max_num_queries, request
):
    people = [
        request.getfixturevalue(name)
        for name in (
            "social_worker", "team_manager", "service_lead", "placements_officer", "virtual_school"
        )
    ]  # fmt: skip
    group = SiblingGroup.objects.create(authority=wigan, reference="SG9")
    brothers = [
        ChildFactory(authority=wigan, social_worker=people[0], team=child_team, sibling_group=group)
        for _ in range(2 if busy else 0)
    ]
    household.max_children = 3
    household.save()
    referral = busy_referral(child, brothers, people, household) if busy else make_referral(child)
    signed_in(client, people[0])
    with django_assert_max_num_queries(QUERIES_ON_THE_REFERRAL_PAGE):
        response = client.get(reverse("referral", args=[referral.pk]))
    assert response.status_code == 200
    if busy:
        assert page(response).count("Sam Jones") >= 3


# One section -----------------------------------------------------------------------------------------


def test_a_section_shows_the_current_answers(client, social_worker, draft):
    signed_in(client, social_worker)
    response = client.get(section_url(draft, "child"))
    assert response.status_code == 200
    assert "Likes swimming and drawing; dislikes loud arguments." in page(response)
    assert f'name="version" value="{draft.version}"' in response.content.decode()
    assert "data-hearth-autosave" in response.content.decode()
    assert 'aria-live="polite"' in response.content.decode()


def test_saving_a_section_and_continuing_goes_to_the_next_section(
    client, social_worker, child, child_team
):
    referral = make_referral(child, complete=False)
    signed_in(client, social_worker)
    response = client.post(
        section_url(referral, "placement"), {**placement_data(referral), "then": "continue"}
    )
    assert response.status_code == 302
    assert response["Location"] == section_url(referral, "child")
    referral.refresh_from_db()
    assert (referral.placement_type, referral.date_needed) == ("short_term", date(2026, 9, 1))
    assert referral.version == 2


def test_saving_a_section_to_come_back_later_goes_to_the_referral(client, social_worker, draft):
    signed_in(client, social_worker)
    response = client.post(
        section_url(draft, "placement"),
        {**placement_data(draft, urgent="on", urgency_reason="safeguarding"), "then": "later"},
    )
    assert response["Location"] == reverse("referral", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.urgent, draft.urgency_reason) == (True, "safeguarding")
    assert "The placement needed: your answers were saved." in page(
        client.get(response["Location"])
    )


def test_saving_the_last_section_and_continuing_goes_to_the_referral(client, social_worker, draft):
    signed_in(client, social_worker)
    response = client.post(
        section_url(draft, "accommodation"),
        {"version": draft.version, "new_into_care": "False", "then": "continue"},
    )
    assert response["Location"] == reverse("referral", args=[draft.pk])


def test_a_half_done_section_is_saved_and_shown_incomplete(
    client, social_worker, child, child_team
):
    referral = make_referral(child, complete=False)
    signed_in(client, social_worker)
    client.post(
        section_url(referral, "child"), {"version": 1, "history": "Came into care in 2024."}
    )
    referral.refresh_from_db()
    assert referral.history == "Came into care in 2024."
    response = client.get(reverse("referral", args=[referral.pk]))
    assert task_status(response, "child") == "Incomplete"


def test_yes_no_questions_are_radios_saved_as_yes_no_or_not_answered(
    client, social_worker, child, child_team
):
    referral = make_referral(child, complete=False)
    signed_in(client, social_worker)
    shown = client.get(section_url(referral, "education")).content.decode()
    assert 'name="education_requested" type="radio" value="True"' in shown
    assert "<legend" in shown and "Is education requested with the placement?" in shown
    client.post(
        section_url(referral, "education"),
        {"version": 1, "education_requested": "True", "therapy_requested": "False"},
    )
    referral.refresh_from_db()
    assert (referral.education_requested, referral.therapy_requested) == (True, False)
    client.post(section_url(referral, "education"), {"version": 2, "therapy_requested": ""})
    referral.refresh_from_db()
    assert (referral.education_requested, referral.therapy_requested) == (None, None)


def test_agreement_to_accommodate_is_given_by_the_policys_approver(
    client, social_worker, service_lead, team_manager, child, child_team
):
    referral = make_referral(child, complete=False)
    signed_in(client, social_worker)
    shown = page(client.get(section_url(referral, "accommodation")))
    assert f'value="{service_lead.pk}">{service_lead.display_name}</option>' in shown
    assert f'value="{team_manager.pk}"' not in shown

    refused = client.post(
        section_url(referral, "accommodation"),
        {"version": 1, "new_into_care": "True", "accommodation_agreed_by": team_manager.pk},
    )
    assert field_error(refused, "accommodation_agreed_by") == "Choose who agreed from the list"

    client.post(
        section_url(referral, "accommodation"),
        {
            "version": 1,
            "new_into_care": "True",
            "accommodation_agreed_by": service_lead.pk,
            "accommodation_agreed_on_day": "12",
            "accommodation_agreed_on_month": "6",
            "accommodation_agreed_on_year": "2026",
        },
    )
    referral.refresh_from_db()
    assert (referral.accommodation_agreed_by, referral.accommodation_agreed_on) == (
        service_lead,
        date(2026, 6, 12),
    )


@pytest.mark.parametrize(
    ("section", "sent", "field", "message"),
    [
        pytest.param(
            "placement",
            {"date_needed_day": "14", "date_needed_month": "6", "date_needed_year": "2026"},
            "date_needed",
            "The date needed must be today or in the future",
            id="needed-yesterday",
        ),
        pytest.param(
            "placement",
            {"date_needed_day": "31", "date_needed_month": "2", "date_needed_year": "2027"},
            "date_needed",
            "Enter a real date, for example 27 3 2012",
            id="31-february",
        ),
        pytest.param(
            "placement",
            {"placement_type": "castle"},
            "placement_type",
            "Choose type of placement from the list",
            id="unknown-placement-type",
        ),
        pytest.param(
            "location",
            {"distance_limit_miles": "0"},
            "distance_limit_miles",
            "The distance must be at least 1 mile",
            id="no-distance",
        ),
        pytest.param(
            "education",
            {"agreement_on_day": "16", "agreement_on_month": "6", "agreement_on_year": "2026"},
            "agreement_on",
            "The date of the agreement must be today or in the past",
            id="agreed-tomorrow",
        ),
    ],
)
def test_a_bad_answer_is_shown_at_its_field_and_nothing_is_saved(
    client, social_worker, draft, section, sent, field, message
):
    signed_in(client, social_worker)
    response = client.post(section_url(draft, section), {"version": draft.version, **sent})
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert (f"#id_{field}", message) in summary_links(response) or (
        f"#id_{field}_0",
        message,
    ) in summary_links(response)
    assert Referral.objects.get(pk=draft.pk).version == draft.version


def test_a_save_from_an_older_version_is_refused_and_saves_nothing(client, social_worker, draft):
    signed_in(client, social_worker)
    client.post(section_url(draft, "placement"), placement_data(draft))  # version 1 -> 2
    response = client.post(
        section_url(draft, "placement"),
        placement_data(draft, placement_type="long_term", version=1),
    )
    assert response.status_code == 200
    assert "Someone else changed this referral after you opened it" in error_summary(response)
    draft.refresh_from_db()
    assert (draft.placement_type, draft.version) == ("short_term", 2)


def test_an_unknown_section_is_not_found(client, social_worker, draft):
    signed_in(client, social_worker)
    assert client.get(section_url(draft, "finances")).status_code == 404


def test_someone_who_may_see_but_not_change_the_referral_is_refused_and_audited(
    client, service_lead, draft
):
    signed_in(client, service_lead)
    assert client.get(section_url(draft, "placement")).status_code == 403
    response = client.post(section_url(draft, "placement"), placement_data(draft))
    assert response.status_code == 403
    assert "Only the child's allocated social worker or their team manager" in page(response)
    assert denials() == [("sl.wigan", "referral", str(draft.pk))] * 2
    assert Referral.objects.get(pk=draft.pk).version == 1


def test_a_sent_referral_cannot_be_changed_by_its_social_worker(
    client, social_worker, child, child_team
):
    referral = make_referral(child, status=Status.SUBMITTED)
    signed_in(client, social_worker)
    response = client.get(section_url(referral, "placement"))
    assert response.status_code == 403
    assert "This referral is with team manager" in page(response)
    assert denials() == [("sw.wigan", "referral", str(referral.pk))]


def test_a_background_save_by_someone_who_may_not_change_the_referral_is_refused(
    client, service_lead, draft
):
    signed_in(client, service_lead)
    response = client.post(
        section_url(draft, "child"), {"version": 1, "history": "Not mine to change."}, **AUTOSAVE
    )
    assert response.status_code == 403
    assert json.loads(response.content)["message"].startswith("Not saved: Only the child's")
    assert denials() == [("sl.wigan", "referral", str(draft.pk))]
    assert Referral.objects.get(pk=draft.pk).history != "Not mine to change."


def test_another_councils_social_worker_gets_not_found_for_a_section(client, outsider, draft):
    signed_in(client, outsider)
    assert client.get(section_url(draft, "placement")).status_code == 404
    assert denials() == [("sw.trafford", "referral", str(draft.pk))]


# Saving in the background ----------------------------------------------------------------------------


def test_a_background_save_answers_with_the_new_version_and_time(client, social_worker, draft):
    signed_in(client, social_worker)
    response = client.post(
        section_url(draft, "child"), {"version": 1, "history": "Changed as she typed."}, **AUTOSAVE
    )
    assert response.status_code == 200
    assert json.loads(response.content) == {"version": 2, "saved_at": "10:30"}
    draft.refresh_from_db()
    assert draft.history == "Changed as she typed."


def test_a_background_save_from_an_older_version_answers_conflict(client, social_worker, draft):
    signed_in(client, social_worker)
    client.post(section_url(draft, "child"), {"version": 1, "history": "First."}, **AUTOSAVE)
    response = client.post(
        section_url(draft, "child"), {"version": 1, "history": "Second."}, **AUTOSAVE
    )
    assert response.status_code == 409
    assert "Someone else changed this referral" in json.loads(response.content)["message"]
    assert Referral.objects.get(pk=draft.pk).history == "First."


def test_a_background_save_with_a_bad_answer_answers_with_the_field_errors(
    client, social_worker, draft
):
    signed_in(client, social_worker)
    response = client.post(
        section_url(draft, "placement"),
        placement_data(draft, date_needed_day="", date_needed_year=""),
        **AUTOSAVE,
    )
    assert response.status_code == 400
    answer = json.loads(response.content)
    assert answer["errors"] == {"date_needed": ["Enter the day, month and year"]}
    assert answer["message"] == "Not saved: Date needed: Enter the day, month and year"
    assert Referral.objects.get(pk=draft.pk).version == 1


def test_a_background_save_needs_the_forms_csrf_token(social_worker, draft):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(social_worker)
    refused = browser.post(section_url(draft, "child"), {"version": 1}, **AUTOSAVE)
    assert refused.status_code == 403
    token = re.search(
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        browser.get(section_url(draft, "child")).content.decode(),
    ).group(1)
    saved = browser.post(
        section_url(draft, "child"),
        {"version": 1, "history": "Saved.", "csrfmiddlewaretoken": token},
        **AUTOSAVE,
    )
    assert saved.status_code == 200


def test_the_autosave_script_is_loaded_only_where_a_form_asks_for_it(client):
    from django.contrib.staticfiles import finders

    start = Path(finders.find("hearth/start.mjs")).read_text()
    script = Path(finders.find("hearth/autosave.js")).read_text()
    assert "form[data-hearth-autosave]" in start and "import('./autosave.js')" in start
    assert "'X-Hearth-Autosave': '1'" in script
    assert "csrfmiddlewaretoken" in script
    assert "'Draft saved at ' + body.saved_at" in script
    assert client.get("/static/hearth/autosave.js").status_code == 200


# Taking the referral through its approval chain ----------------------------------------------------


def act(client, user, referral, action, **data):
    signed_in(client, user)
    return client.post(action_url(referral, action), data, follow=True)


def status_of(referral):
    return Referral.objects.get(pk=referral.pk).status


def test_a_referral_walks_through_the_screens_from_draft_to_searching(
    client, draft, social_worker, team_manager, service_lead, placements_officer
):
    steps = [
        (social_worker, "submit", {"comment": "Ready for you."}, "Sent to the team manager",
         Status.SUBMITTED),
        (team_manager, "forward", {"comment": "Good referral."}, "Sent to the service lead",
         Status.WITH_SERVICE_LEAD),
        (service_lead, "approve", {}, "Approved: the referral is with the placements team",
         Status.APPROVED),
        (placements_officer, "return", {"comment": "Say which school she attends.",
                                        "phone_call": "on"},
         "Returned to the social worker", Status.RETURNED),
        (social_worker, "resubmit", {"comment": "School added."},
         "Sent back to the placements team", Status.APPROVED),
        (placements_officer, "accept", {}, f"Accepted: file PL{draft.pk:06d} is open",
         Status.SEARCHING),
    ]  # fmt: skip
    for user, action, data, message, status in steps:
        shown = signed_in(client, user).get(action_url(draft, action))
        assert shown.status_code == 200, action
        response = act(client, user, draft, action, **data)
        assert response.redirect_chain == [(reverse("referral", args=[draft.pk]), 302)], action
        assert message in page(response), action
        assert status_of(draft) == status, action
    assert ReferralEvent.objects.get(referral=draft, action="return").detail == {"phone_call": True}
    history = ReferralEvent.objects.filter(referral=draft).values_list("action", "by__username")
    assert list(history) == [
        ("submit", "sw.wigan"),
        ("forward", "tm.wigan"),
        ("approve", "sl.wigan"),
        ("return", "po.wigan"),
        ("resubmit", "sw.wigan"),
        ("accept", "po.wigan"),
    ]


def test_a_team_manager_trying_to_approve_is_refused_and_audited(
    client, draft, social_worker, team_manager
):
    act(client, social_worker, draft, "submit")
    act(client, team_manager, draft, "forward", comment="Fine.")
    signed_in(client, team_manager)
    assert client.get(action_url(draft, "approve")).status_code == 403
    response = client.post(action_url(draft, "approve"))
    assert response.status_code == 403
    assert "Approve: only the service lead" in page(response)
    assert denials() == [("tm.wigan", "referral", str(draft.pk))] * 2
    assert status_of(draft) == Status.WITH_SERVICE_LEAD


def test_another_councils_social_worker_gets_not_found_and_is_audited(client, outsider, draft):
    signed_in(client, outsider)
    assert client.get(reverse("referral", args=[draft.pk])).status_code == 404
    assert client.post(action_url(draft, "withdraw"), {"comment": "x"}).status_code == 404
    assert denials() == [("sw.trafford", "referral", str(draft.pk))] * 2
    assert status_of(draft) == Status.DRAFT


def test_approving_an_incomplete_referral_is_refused_with_what_is_missing(
    client, service_lead, child, child_team
):
    referral = make_referral(child, child_views="", status=Status.WITH_SERVICE_LEAD)
    signed_in(client, service_lead)
    shown = page(client.get(action_url(referral, "approve")))
    assert "These sections are not complete yet:" in shown
    assert "About the child: the child's own views" in shown

    response = client.post(action_url(referral, "approve"))

    assert response.status_code == 200
    summary = error_summary(response)
    assert "The referral cannot be approved: sections are not complete" in summary
    assert "About the child: the child's own views" in summary
    assert status_of(referral) == Status.WITH_SERVICE_LEAD


def test_the_search_cannot_start_without_evidence_of_the_agreement_to_education(
    client, placements_officer, child, child_team
):
    referral = make_referral(
        child,
        status=Status.APPROVED,
        education_requested=True,
        request_details="Tuition two days a week until a school place is found",
    )
    signed_in(client, placements_officer)
    shown = page(client.get(action_url(referral, "accept")))
    assert "The search cannot start until the agreement" in shown

    response = client.post(action_url(referral, "accept"))

    summary = error_summary(response)
    assert "education or therapy is requested without evidence of agreement" in summary
    assert "who agreed to the education or therapy" in summary
    assert "where the evidence of agreement is recorded" in summary
    assert status_of(referral) == Status.APPROVED


def test_a_return_needs_reasons_at_the_field(client, team_manager, child, child_team):
    referral = make_referral(child, status=Status.SUBMITTED)
    signed_in(client, team_manager)
    response = client.post(action_url(referral, "return"), {"comment": "  "})
    assert response.status_code == 200
    assert field_error(response, "comment") == "Enter reasons"
    assert status_of(referral) == Status.SUBMITTED


def test_an_unknown_action_is_not_found(client, social_worker, draft):
    signed_in(client, social_worker)
    assert client.get(action_url(draft, "teleport")).status_code == 404


def test_comments_are_asked_with_readable_choices_and_answered(
    client, team_manager, virtual_school, child, child_team
):
    referral = make_referral(child, status=Status.SUBMITTED)
    signed_in(client, team_manager)
    shown = page(client.get(action_url(referral, "request_comments")))
    assert "The child's IRO" in shown and "The Virtual School" in shown
    response = act(
        client, team_manager, referral, "request_comments",
        asked_of="virtual_school", comment="Can she keep her school place?",
    )  # fmt: skip
    assert "Comments asked of the Virtual School" in page(response)

    signed_in(client, virtual_school)
    asked = page(client.get(action_url(referral, "comment")))
    assert "Can she keep her school place?" in asked
    answered = act(client, virtual_school, referral, "comment", comment="Yes, with transport.")
    assert "Your comments were sent" in page(answered)
    assert CommentRequest.objects.get().answer == "Yes, with transport."


def test_asking_the_iro_when_none_is_recorded_is_refused_at_the_field(
    client, team_manager, child, child_team
):
    referral = make_referral(child, status=Status.SUBMITTED)
    signed_in(client, team_manager)
    response = client.post(
        action_url(referral, "request_comments"), {"asked_of": "iro", "comment": "Views?"}
    )
    assert field_error(response, "asked_of") == "No IRO is recorded for the child"
    assert not CommentRequest.objects.exists()


def test_an_emergency_carer_is_chosen_among_the_councils_emergency_carers(
    client, placements_officer, child, child_team, wigan, agency
):
    referral = make_referral(child, status=Status.SUBMITTED, urgent=True,
                             urgency_reason="police_protection")  # fmt: skip
    emergency = HouseholdFactory(provider=wigan, name="The Emergency Household")
    HouseholdFactory(provider=wigan, name="The Long-term Household", care_types=["long_term"])
    HouseholdFactory(provider=wigan, name="The Paused Household", status="on_hold",
                     hold_reason="carer_request")  # fmt: skip
    HouseholdFactory(provider=agency, name="The Agency Household")
    signed_in(client, placements_officer)
    shown = page(client.get(action_url(referral, "book_emergency")))
    assert "The Emergency Household" in shown
    assert "2 free places" in shown
    for other in ("The Long-term Household", "The Paused Household", "The Agency Household"):
        assert other not in shown

    response = act(client, placements_officer, referral, "book_emergency", household=emergency.pk)

    assert "The Emergency Household is booked until 18 June 2026 at 10:30am" in page(response)
    referral.refresh_from_db()
    assert referral.emergency_household == emergency


def test_the_next_action_is_held_by_one_of_the_councils_staff(
    client, placements_officer, social_worker, outsider, child, child_team
):
    referral = make_referral(child, status=Status.SEARCHING)
    signed_in(client, placements_officer)
    shown = page(client.get(action_url(referral, "set_next_action")))
    assert f'<option value="{social_worker.pk}">Sam Jones</option>' in shown
    assert f'value="{outsider.pk}"' not in shown

    refused = client.post(
        action_url(referral, "set_next_action"), {"comment": "Ring", "holder": outsider.pk}
    )
    assert field_error(refused, "holder") == "Choose who holds it from the council's staff"

    response = act(
        client, placements_officer, referral, "set_next_action",
        comment="Ring the carers with vacancies", holder=social_worker.pk,
    )  # fmt: skip
    assert "The next action was set" in page(response)
    assert "Held by Sam Jones" in page(response)


@pytest.mark.parametrize(
    ("persona", "status", "action", "data", "message", "done"),
    [
        pytest.param(
            "social_worker", Status.DRAFT, "withdraw", {"comment": "She is going home."},
            "The referral was withdrawn", lambda r: r.status == Status.WITHDRAWN, id="withdraw",
        ),
        pytest.param(
            "social_worker", Status.SUBMITTED, "log_contact",
            {"contact": "phone", "comment": "Talked it through with the team manager."},
            "The contact was recorded",
            lambda r: r.events.get(action="log_contact").detail == {"contact": "phone"},
            id="log-contact",
        ),
        pytest.param(
            "team_manager", Status.APPROVED, "set_search_route",
            {"route": "in_house_first", "comment": "Two in-house carers near her school."},
            "Where the search starts was changed",
            lambda r: (r.search_route, r.search_route_reason)
            == ("in_house_first", "Two in-house carers near her school."),
            id="set-search-route",
        ),
    ],
)  # fmt: skip
def test_the_other_actions_are_taken_through_their_screens(
    client, request, child, child_team, persona, status, action, data, message, done
):
    referral = make_referral(child, status=status)
    response = act(client, request.getfixturevalue(persona), referral, action, **data)
    assert message in page(response)
    assert done(Referral.objects.get(pk=referral.pk))


def test_each_section_form_asks_exactly_its_sections_questions():
    from hearth.referrals.forms import SECTION_FORMS

    for section in rules.SECTIONS:
        asked = set(SECTION_FORMS[section.slug].base_fields) - {"version"}
        assert asked == set(section.fields), section.slug


def test_a_section_sent_without_its_version_says_to_reload(client, social_worker, draft):
    signed_in(client, social_worker)
    response = client.post(section_url(draft, "child"), {"history": "No version."})
    assert "This page is out of date: reload it and answer again" in error_summary(response)
    assert Referral.objects.get(pk=draft.pk).version == 1


def test_the_carer_on_duty_comes_first_and_full_homes_are_not_offered(
    client, placements_officer, child, child_team, wigan
):
    referral = make_referral(child, status=Status.APPROVED)
    full = HouseholdFactory(provider=wigan, name="Aaron household", max_children=1)
    ChildFactory(authority=wigan, placed_with=full)
    HouseholdFactory(provider=wigan, name="Bell household")
    on_duty = HouseholdFactory(provider=wigan, name="Young household")
    services.emergency_duty_add(
        user=placements_officer, authority=wigan, household=on_duty,
        starts_on=timezone.localdate(), ends_on=timezone.localdate(),
    )  # fmt: skip
    signed_in(client, placements_officer)
    shown = page(client.get(action_url(referral, "book_emergency")))
    assert "Aaron household" not in shown
    assert shown.index("Young household") < shown.index("Bell household")
    assert "on duty today" in shown
