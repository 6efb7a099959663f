"""The stability meeting screens: asking for a meeting from the placement page, the meeting's page
with the chair's preparation list, arranging, recording and circulating, the minutes PDF, the
stability history on the child's and household's records, and the policy's contacts."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.core.deadlines import LONDON
from hearth.core.models import PolicyChange
from hearth.stability import documents
from hearth.stability.models import Meeting
from hearth.trays.models import OutgoingEmail
from tests.fixtures.stability import CONCERN, arrange_for, hold, just_held

MEETING_PAGE_QUERIES = 17
PLACEMENT_PAGE_QUERIES = 16
MEETING_PAGES = [
    "stability_meeting",
    "stability_meeting_arrange",
    "stability_meeting_record",
    "stability_meeting_circulate",
    "stability_meeting_minutes",
]


def page(response):
    return response.content.decode()


def date_fields(name, moment):
    return {f"{name}_day": moment.day, f"{name}_month": moment.month, f"{name}_year": moment.year}


# Asking for a meeting ---------------------------------------------------------------------------------


def test_the_placement_page_lists_its_meetings_and_offers_to_ask_for_one(
    client, social_worker, requested_meeting, living_placement
):
    client.force_login(social_worker)

    shown = page(client.get(reverse("placement", args=[living_placement.pk])))

    assert "Ask for a stability meeting" in shown
    assert reverse("stability_request", args=[living_placement.pk]) in shown
    assert f"Stability meeting {requested_meeting.reference}" in shown


@pytest.mark.parametrize("meetings", [1, 3])
def test_the_placement_pages_meetings_take_the_same_queries_however_many(
    client, social_worker, team_manager, requested_meeting, living_placement, meetings,
    django_assert_num_queries,
):  # fmt: skip
    from tests.fixtures.stability import meeting_for_actions

    listed = [requested_meeting] + [
        meeting_for_actions(
            living_placement, chair=team_manager, held_at=timezone.now() - timedelta(days=days)
        )
        for days in range(1, meetings)
    ]
    client.force_login(social_worker)
    url = reverse("placement", args=[living_placement.pk])

    with django_assert_num_queries(PLACEMENT_PAGE_QUERIES):
        response = client.get(url)

    for meeting in listed:
        assert f"Stability meeting {meeting.reference}" in page(response)


def test_someone_who_may_not_ask_sees_no_button_and_is_refused(
    client, virtual_school, living_placement
):
    client.force_login(virtual_school)

    assert "Ask for a stability meeting" not in page(
        client.get(reverse("placement", args=[living_placement.pk]))
    )
    refused = client.get(reverse("stability_request", args=[living_placement.pk]))
    assert refused.status_code == 403
    assert "team around the child" in page(refused)


def test_asking_for_a_meeting_on_the_page(client, social_worker, living_placement, time_machine):
    time_machine.move_to("2026-12-24 16:00 +00:00", tick=False)
    client.force_login(social_worker)
    url = reverse("stability_request", args=[living_placement.pk])
    form = page(client.get(url))
    assert "by Saturday 26 December 2026 at 16:00" in form
    # Needed for a carer's, a school's or health's concern: the name is not marked optional.
    assert "Their name</label>" in form and "Their name (optional)" not in form

    missing = client.post(url, {"raised_by": "school", "concern": ""})
    assert "Say what they are worried about" in page(missing)
    assert "Enter the name of the person who raised the concern" in page(missing)

    done = client.post(
        url,
        {"raised_by": "school", "raised_by_name": "Mrs Patel, head of year", "concern": CONCERN},
    )
    meeting = Meeting.objects.get()
    assert done["Location"] == reverse("stability_meeting", args=[meeting.pk])
    shown = page(client.get(done["Location"]))
    assert "The stability meeting is to be held by Saturday 26 December 2026 at 16:00" in shown
    assert "Mrs Patel, head of year" in shown


# The meeting's page ---------------------------------------------------------------------------------


def test_the_meeting_page_shows_the_concern_due_time_and_preparation_list(
    client, team_manager, requested_meeting, living_placement
):
    client.force_login(team_manager)

    shown = page(client.get(reverse("stability_meeting", args=[requested_meeting.pk])))

    assert CONCERN in shown
    assert "To be held by" in shown
    assert reverse("child_searches", args=[living_placement.child_id]) in shown
    assert reverse("household", args=[living_placement.household_id]) in shown
    assert shown.count("Held in your case system") == 4  # assessments, care plan, plan, reviews
    assert "Arrange the meeting" in shown
    assert "holds no email address for the Children's Review Panel administrator" in shown


def test_an_overdue_meeting_is_tagged(client, team_manager, requested_meeting, time_machine):
    time_machine.move_to(requested_meeting.due_at + timedelta(minutes=1), tick=False)
    client.force_login(team_manager)

    shown = page(client.get(reverse("stability_meeting", args=[requested_meeting.pk])))

    assert "Overdue" in shown


def test_reading_the_meeting_is_audited_as_a_read_of_the_child(
    client, team_manager, requested_meeting
):
    from hearth.audit.models import AuditEvent

    client.force_login(team_manager)
    client.get(reverse("stability_meeting", args=[requested_meeting.pk]))

    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, record_type="child",
        record_id=str(requested_meeting.child_id),
    ).exists()  # fmt: skip


@pytest.mark.parametrize("rows", [1, 3])
def test_the_meeting_page_takes_the_same_queries_however_long_its_history(
    client, team_manager, iro, requested_meeting, living_placement, rows,
    django_assert_num_queries,
):  # fmt: skip
    from hearth.stability.services import meeting_request

    for number in range(rows - 1):  # each concern added is a row of the meeting's history
        meeting_request(user=iro, placement=living_placement, raised_by="iro", concern=f"C{number}")
    assert requested_meeting.events.count() == rows
    client.force_login(team_manager)
    url = reverse("stability_meeting", args=[requested_meeting.pk])

    with django_assert_num_queries(MEETING_PAGE_QUERIES):
        response = client.get(url)

    assert page(response).count("added a concern to the stability meeting") == rows - 1


@pytest.mark.parametrize("name", MEETING_PAGES)
def test_someone_from_another_council_gets_not_found(client, outsider, held_meeting, name):
    client.force_login(outsider)

    assert client.get(reverse(name, args=[held_meeting.pk])).status_code == 404


def test_someone_from_another_council_cannot_ask_on_the_placement(
    client, outsider, living_placement
):
    client.force_login(outsider)

    url = reverse("stability_request", args=[living_placement.pk])
    assert client.post(url, {"raised_by": "social_worker", "concern": "x"}).status_code == 404
    assert not Meeting.objects.exists()


# Arranging ---------------------------------------------------------------------------------------------


def arrangement(meeting, chair, formset_rows, **overrides):
    when = timezone.localtime() + timedelta(days=1)
    data = {
        "chair": str(chair.pk), "scheduled_time": "14:30", "venue": "Wigan Life Centre",
        "version": meeting.version, **date_fields("scheduled_on", when),
        "invitee-TOTAL_FORMS": str(len(formset_rows)),
        "invitee-INITIAL_FORMS": str(len([r for r in formset_rows if r.get("initial")])),
        "invitee-MIN_NUM_FORMS": "0", "invitee-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for index, row in enumerate(formset_rows):
        for key, value in row.items():
            if key != "initial":
                data[f"invitee-{index}-{key}"] = value
    data.update(overrides)
    return data


def test_arranging_the_meeting_on_the_page(
    client, social_worker, team_manager, supervising_social_worker, requested_meeting
):
    client.force_login(social_worker)
    url = reverse("stability_meeting_arrange", args=[requested_meeting.pk])
    form = page(client.get(url))
    assert "Pat Carer" in form and social_worker.display_name in form

    rows = [
        {"initial": True, "part": "social_worker", "name": "Sam Jones", "user": social_worker.pk},
        {"initial": True, "part": "supervising_social_worker", "name": "SSW",
         "user": supervising_social_worker.pk},
        {"initial": True, "part": "foster_carer", "name": "Pat Carer", "email": "pat@example.org"},
        {"part": "school", "name": "Mrs Patel", "email": "patel@school.example.org"},
    ]  # fmt: skip
    response = client.post(url, arrangement(requested_meeting, team_manager, rows))

    assert response.status_code == 302
    requested_meeting.refresh_from_db()
    assert requested_meeting.chair == team_manager
    assert requested_meeting.scheduled_for.astimezone(LONDON).strftime("%H:%M") == "14:30"
    assert list(requested_meeting.participants.values_list("part", flat=True)) == [
        "social_worker", "supervising_social_worker", "foster_carer", "school",
    ]  # fmt: skip


def test_arranging_without_the_carer_says_so_at_the_top(
    client, social_worker, team_manager, requested_meeting
):
    client.force_login(social_worker)
    url = reverse("stability_meeting_arrange", args=[requested_meeting.pk])
    rows = [{"initial": True, "part": "social_worker", "name": "Sam", "user": social_worker.pk}]

    response = client.post(url, arrangement(requested_meeting, team_manager, rows))

    assert "Invite the foster carer and the supervising social worker" in page(response), [
        f.errors for f in response.context["formset"].forms
    ] + [response.context["form"].errors]
    assert not requested_meeting.participants.exists()
    no_venue = client.post(url, arrangement(requested_meeting, team_manager, rows, venue=""))
    assert "Say where the meeting is held" in page(no_venue)


# Recording -------------------------------------------------------------------------------------------


def record_data(meeting, held_at, *, attendance="attended", mark_held=True, **sections):
    data = {
        "version": meeting.version, **date_fields("held_on", held_at),
        "held_time": f"{held_at.astimezone(LONDON):%H:%M}",
    }  # fmt: skip
    for participant in meeting.participants.all():
        answer = attendance(participant) if callable(attendance) else attendance
        data[f"attendance_{participant.pk}"] = answer
    data.update({f"section_{key}": text for key, text in sections.items()})
    if mark_held:
        data["mark_held"] = ""
    return data


@pytest.fixture
def arranged_meeting(requested_meeting, social_worker, team_manager):
    return arrange_for(requested_meeting, by=social_worker, chair=team_manager)


def test_marking_held_without_the_carer_names_who_is_missing(
    client, team_manager, arranged_meeting
):
    client.force_login(team_manager)
    url = reverse("stability_meeting_record", args=[arranged_meeting.pk])
    held_at = just_held(arranged_meeting)

    def no_carer(participant):
        return "neither" if participant.part == "foster_carer" else "attended"

    response = client.post(url, record_data(arranged_meeting, held_at, attendance=no_carer))

    assert "Foster carer (Pat Carer) has not attended" in page(response)
    arranged_meeting.refresh_from_db()
    assert arranged_meeting.status == "requested"


def test_holding_the_meeting_on_the_page(client, team_manager, arranged_meeting, time_machine):
    time_machine.move_to("2026-12-24 16:00 +00:00", tick=False)
    client.force_login(team_manager)
    url = reverse("stability_meeting_record", args=[arranged_meeting.pk])
    held_at = datetime(2026, 12, 24, 10, tzinfo=LONDON)

    response = client.post(
        url, record_data(arranged_meeting, held_at, child_views="She wants to stay.")
    )

    assert response.status_code == 302
    shown = page(client.get(response["Location"]))
    assert "the chair circulates the minutes by Thursday 31 December 2026 at 23:59" in shown
    assert "She wants to stay." in shown


def test_a_stale_record_page_is_refused(client, team_manager, arranged_meeting):
    client.force_login(team_manager)
    url = reverse("stability_meeting_record", args=[arranged_meeting.pk])
    held_at = just_held(arranged_meeting)
    stale = record_data(arranged_meeting, held_at, mark_held=False, overview="First")
    hold(arranged_meeting, by=team_manager, mark_held=False)

    response = client.post(url, stale)

    assert "Someone else changed the meeting after you opened this page" in page(response)
    arranged_meeting.refresh_from_db()
    assert arranged_meeting.sections.get("overview", "") == ""


# Circulating ------------------------------------------------------------------------------------------


def test_the_circulation_page_lists_who_will_be_sent_the_minutes(
    client, team_manager, held_meeting, fostering_team_manager
):
    client.force_login(team_manager)

    shown = page(client.get(reverse("stability_meeting_circulate", args=[held_meeting.pk])))

    assert "sw.wigan@example.org" in shown
    assert fostering_team_manager.email in shown
    assert "Fostering team manager" in shown
    assert "holds no email address for the Children's Review Panel administrator" in shown


def test_circulating_on_the_page_sends_the_minutes(
    client, team_manager, held_meeting, wigan, child
):
    wigan.policy.contacts = {"review_panel_administrator": "panel@wigan.gov.uk"}
    wigan.policy.save()
    client.force_login(team_manager)
    url = reverse("stability_meeting_circulate", args=[held_meeting.pk])

    response = client.post(url, {"version": held_meeting.version})

    assert response.status_code == 302
    sent = OutgoingEmail.objects.filter(subject__startswith="Minutes of the stability meeting")
    assert "panel@wigan.gov.uk" in {e.to for e in sent}
    assert all(child.last_name not in e.body for e in sent)


def test_the_childs_views_block_circulation_on_the_page(client, team_manager, arranged_meeting):
    held = hold(arranged_meeting, by=team_manager, child_views="")
    client.force_login(team_manager)
    url = reverse("stability_meeting_circulate", args=[held.pk])

    assert "The minutes cannot be circulated yet" in page(client.get(url))
    response = client.post(url, {"version": held.version})
    assert "before the minutes are circulated" in page(response)
    held.refresh_from_db()
    assert held.status == "held"


def test_someone_not_the_chair_is_refused_circulation(client, social_worker, held_meeting):
    client.force_login(social_worker)

    response = client.post(
        reverse("stability_meeting_circulate", args=[held_meeting.pk]),
        {"version": held_meeting.version},
    )

    assert response.status_code == 403
    assert "Only the chair of the meeting can circulate its minutes" in page(response)


# The minutes PDF ----------------------------------------------------------------------------------------


def test_the_minutes_pdf_is_a_pdf_of_the_meeting(client, social_worker, held_meeting):
    client.force_login(social_worker)

    response = client.get(reverse("stability_meeting_minutes", args=[held_meeting.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert f"{held_meeting.reference}-minutes.pdf" in response["Content-Disposition"]


def test_the_minutes_set_out_the_template_present_apologies_actions_and_next_date(
    held_meeting, team_manager, social_worker
):
    from hearth.stability.follow_up import action_add

    held_meeting.refresh_from_db()
    iro = held_meeting.participants.get(part="iro")
    iro.attended, iro.views_given = False, True
    iro.save()
    action_add(
        user=team_manager, meeting=held_meeting, description="Book respite for the carers.",
        owner=social_worker, due_on=timezone.localdate() + timedelta(days=7),
    )  # fmt: skip

    text = documents.minutes_html(held_meeting)

    headings = [
        "1. Overview: brief history", "2. Reason for the meeting", "5. The child",
        "8. Plan: actions to be taken",
    ]  # fmt: skip
    positions = [text.index(h.replace("'", "&#x27;")) for h in headings]
    assert positions == sorted(positions)
    assert "Amy says she likes it here but misses home." in text
    assert "Present" in text and "Pat Carer" in text
    assert "Apologies" in text and "views given" in text
    assert "Book respite for the carers." in text
    assert "Date of the next stability meeting" in text


def test_no_minutes_before_the_meeting_is_held(client, social_worker, requested_meeting):
    client.force_login(social_worker)

    url = reverse("stability_meeting_minutes", args=[requested_meeting.pk])
    assert client.get(url).status_code == 404


# The records' stability history ------------------------------------------------------------------------


def _render(tag, record, user):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load stability %}{% " + tag + " record %}")
    return template.render(Context({"record": record, "request": request}))


def _queries(tag, record, user):
    with CaptureQueriesContext(connection) as captured:
        html = _render(tag, record, user)
    return len(captured.captured_queries), html


def _more_history(placement, by):
    from hearth.stability.services import meeting_request

    for number in range(12):
        meeting_request(user=by, placement=placement, raised_by="iro", concern=f"Concern {number}")


@pytest.mark.parametrize(
    ("tag", "record", "expected"),
    [("child_stability_history", "child", 3), ("household_stability_history", "household", 6)],
)
def test_the_records_stability_section_takes_the_same_queries_however_long_the_history(
    request, team_manager, iro, circulated_meeting, living_placement, tag, record, expected
):
    owner = request.getfixturevalue(record)
    team_manager.__dict__.pop("_hearth_memberships", None)
    _render(tag, owner, team_manager)  # the memberships are read once per user

    _more_history(living_placement, iro)
    few, html = _queries(tag, owner, team_manager)
    _more_history(living_placement, iro)
    many, html = _queries(tag, owner, team_manager)

    assert few == many == expected
    assert "Showing the newest 10 of" in html
    assert circulated_meeting.reference in html


def test_the_child_record_shows_the_meetings_and_history_newest_first(
    client, team_manager, circulated_meeting, child
):
    client.force_login(team_manager)

    shown = page(client.get(reverse("child", args=[child.pk])))

    assert "Stability meetings and history" in shown
    assert f"Stability meeting {circulated_meeting.reference}" in shown
    filed = shown.index("circulated the minutes")
    asked = shown.index("asked for the stability meeting")
    assert filed < asked


def test_an_agency_reading_its_carers_record_sees_no_councils_meetings(
    agency_user, agency_household, child, child_team, social_worker, placements_officer
):
    from hearth.stability.services import meeting_request
    from tests.fixtures.stability import place

    placement = place(child, agency_household, by=placements_officer)
    meeting_request(user=social_worker, placement=placement, raised_by="social_worker", concern="x")

    html = _render("household_stability_history", agency_household, agency_user)

    assert "SM-" not in html


# The policy's contacts ----------------------------------------------------------------------------------


def policy_form(client):
    response = client.get(reverse("manage_policy"))
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or value is False:
            continue
        data[name] = value
    return data


def test_the_panel_administrators_address_is_set_on_the_policy_page(client, admin, wigan):
    client.force_login(admin)
    data = policy_form(client)
    assert "Contacts" in page(client.get(reverse("manage_policy")))

    bad = client.post(
        reverse("manage_policy"),
        {**data, "c_review_panel_administrator": "not an address", "reason": "Panel"},
    )
    assert "Enter an email address like name@example.org" in page(bad)

    saved = client.post(
        reverse("manage_policy"),
        {**data, "c_review_panel_administrator": "panel@wigan.gov.uk", "reason": "Panel"},
    )
    assert saved.status_code == 302, saved.context["form"].errors

    wigan.policy.refresh_from_db()
    assert wigan.policy.contact("review_panel_administrator") == "panel@wigan.gov.uk"
    change = PolicyChange.objects.get(setting="contacts.review_panel_administrator")
    assert (change.old_value, change.new_value, change.reason) == (
        "",
        "panel@wigan.gov.uk",
        "Panel",
    )


def test_an_unplanned_ending_meetings_page_lists_the_placement_request_form(
    client, iro, ending_meeting
):
    client.force_login(iro)

    shown = page(client.get(reverse("stability_meeting", args=[ending_meeting.pk])))

    assert "Unplanned ending meeting UE-" in shown
    assert "The placement request form" in shown
    assert "Chaired by an IRO" in shown
    assert "Arrange the meeting" in shown


def test_the_required_parts_attendance_is_not_marked_optional(
    client, team_manager, arranged_meeting
):
    client.force_login(team_manager)
    shown = page(client.get(reverse("stability_meeting_record", args=[arranged_meeting.pk])))

    for participant in arranged_meeting.participants.all():
        legend = shown.split(f"{participant.name} (", 1)[1].split("</legend>", 1)[0]
        if participant.part == "iro":
            assert legend.endswith("(optional)")
        else:
            assert "(optional)" not in legend, participant.part


def test_the_circulation_page_names_invitees_the_minutes_cannot_reach(
    client, team_manager, held_meeting
):
    carer = held_meeting.participants.get(part="foster_carer")
    carer.email = ""
    carer.save()
    client.force_login(team_manager)

    shown = page(client.get(reverse("stability_meeting_circulate", args=[held_meeting.pk])))

    row = shown.split(f'<td class="govuk-table__cell">{carer.name}</td>', 1)[1].split("</tr>")[0]
    assert "No email address: not sent — send the minutes another way" in row


def test_an_invitee_rows_legend_and_errors_name_its_part(
    client, social_worker, team_manager, supervising_social_worker, requested_meeting
):
    client.force_login(social_worker)
    url = reverse("stability_meeting_arrange", args=[requested_meeting.pk])
    rows = [
        {"initial": True, "part": "social_worker", "name": "Sam Jones", "user": social_worker.pk},
        {"initial": True, "part": "supervising_social_worker", "name": "SSW",
         "user": supervising_social_worker.pk},
        {"initial": True, "part": "foster_carer", "name": "Pat Carer", "email": "pat@example.org"},
        {"part": "school", "name": "", "email": "patel@school.example.org"},
        {"part": "", "name": "Someone", "email": ""},
    ]  # fmt: skip

    shown = page(client.post(url, arrangement(requested_meeting, team_manager, rows)))

    assert 'legend--s">School or Virtual School</legend>' in shown
    assert "School or Virtual School: Enter the name of the person invited" in shown
    assert "Invitee 5: Choose the part they take in the meeting" in shown
    assert not requested_meeting.participants.exists()
