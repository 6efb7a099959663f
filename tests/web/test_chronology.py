"""The chronology of a referral and of a child's searches: on screen, as CSV and as PDF."""

import csv
import io
import re
import zlib
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.referrals import chronology, services
from hearth.referrals.models import Referral
from hearth.web.views.chronology import static_file, static_files_only
from tests.factories import COMPLETE_REFERRAL, HouseholdFactory, TeamFactory, make_referral, member
from tests.screens import page

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def jo(wigan):
    return member(
        wigan, Role.TEAM_MANAGER, username="jo.bloggs", first_name="Jo", last_name="Bloggs"
    )


@pytest.fixture
def people(wigan, child, jo, iro, service_lead, placements_officer):
    team = TeamFactory(organisation=wigan, name="Children in Care Team North", manager=jo)
    child.team, child.iro = team, iro
    child.save()
    return {"jo": jo, "iro": iro, "lead": service_lead, "placements": placements_officer}


def act(user, referral, action, **data):
    return services.referral_act(user=user, referral=referral, action=action, data=data)


@pytest.fixture
def walked(people, social_worker, child, wigan):
    """A referral taken from its start to an emergency carer's booking, one step every half hour
    on 23 November 2026 (GMT, so London time is UTC)."""
    smiths = HouseholdFactory(provider=wigan, name="Smith family", care_types=["emergency"])
    steps = [
        (social_worker, "submit", {}),
        (people["jo"], "request_comments", {"asked_of": "iro", "comment": "Is the plan right?"}),
        (people["iro"], "comment", {"comment": "Yes, keep her at her school."}),
        (people["jo"], "return", {"comment": "Add the child's views in her words."}),
        (social_worker, "resubmit", {"comment": "Added."}),
        (people["jo"], "forward", {"comment": "Good referral."}),
        (people["lead"], "approve", {}),
        (people["placements"], "accept", {}),
        (people["placements"], "book_emergency", {"household": smiths.pk}),
    ]
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=LONDON), tick=False) as clock:
        referral = services.referral_create(user=social_worker, children=[child])
        Referral.objects.filter(pk=referral.pk).update(**COMPLETE_REFERRAL)
        for user, action, data in steps:
            clock.shift(30 * 60)
            act(user, referral, action, **data)
    return Referral.objects.get(pk=referral.pk)


EXPECTED = [
    (
        "23 November 2026 at 09:00",
        "Sam Jones (social worker)",
        "Referral started by Sam Jones (social worker)",
    ),
    (
        "23 November 2026 at 09:30",
        "Sam Jones (social worker)",
        "Sent to the team manager by Sam Jones (social worker)",
    ),
    ("23 November 2026 at 10:00", "Jo Bloggs (team manager)", "Comments asked of the child's IRO"),
    (
        "23 November 2026 at 10:30",
        "{iro} (Independent Reviewing Officer)",
        "Comments given by the child's IRO",
    ),
    (
        "23 November 2026 at 11:00",
        "Jo Bloggs (team manager)",
        "Returned to the social worker by Jo Bloggs (team manager)",
    ),
    (
        "23 November 2026 at 11:30",
        "Sam Jones (social worker)",
        "Sent back to the team manager by Sam Jones (social worker)",
    ),
    (
        "23 November 2026 at 12:00",
        "Jo Bloggs (team manager)",
        "Sent to the service lead by Jo Bloggs (team manager)",
    ),
    (
        "23 November 2026 at 12:30",
        "{lead} (service lead or service manager)",
        "Approved by {lead} (service lead or service manager); search: in-house and agencies at once",
    ),
    (
        "23 November 2026 at 13:00",
        "{placements} (placements officer)",
        "Accepted by {placements} (placements officer); file {file} opened",
    ),
    (
        "23 November 2026 at 13:30",
        "{placements} (placements officer)",
        "Emergency carer Smith family booked until 26 November 2026 at 13:30",
    ),
]


def expected_rows(walked, people):
    names = {key: person.display_name for key, person in people.items()}
    names["file"] = walked.file_reference
    return [tuple(cell.format(**names) for cell in row) for row in EXPECTED]


def test_chronology_rows_are_every_step_in_order_with_who_and_what(walked, people):
    entries = chronology.referral_chronology(walked, people["placements"])

    assert [(e.when, e.who, e.what) for e in entries] == expected_rows(walked, people)
    statuses = [(e.status_from, e.status_to) for e in entries]
    assert statuses[0] == ("Draft", "Draft")
    assert statuses[1] == ("Draft", "With team manager")
    assert statuses[4] == ("With team manager", "Returned to social worker")
    assert statuses[-2] == ("Approved, awaiting screening", "Searching")
    assert [e.comment for e in entries][2:5] == [
        "Is the plan right?",
        "Yes, keep her at her school.",
        "Add the child's views in her words.",
    ]


def test_chronology_times_are_london_time_in_summer(people, social_worker, child):
    with time_machine.travel(datetime(2026, 6, 1, 8, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        referral = services.referral_create(user=social_worker, children=[child])

    [entry] = chronology.referral_chronology(referral, social_worker)

    assert entry.when == "1 June 2026 at 09:00"
    assert entry.csv_row()[1] == "2026-06-01 09:00"


def test_a_return_with_a_phone_call_says_so(people, social_worker, child):
    referral = make_referral(child, status="submitted")
    act(people["jo"], referral, "return", comment="Ring me.", phone_call=True)

    [entry] = chronology.referral_chronology(referral, people["jo"])

    assert (
        entry.what == "Returned to the social worker by Jo Bloggs (team manager), with a phone call"
    )


def test_referral_chronology_page_shows_the_steps_and_audits_the_view(
    walked, people, social_worker, child, client
):
    client.force_login(social_worker)

    response = client.get(reverse("referral_chronology", args=[walked.pk]))

    assert response.status_code == 200
    text = page(response)
    whats = [what for _, _, what in expected_rows(walked, people)]
    positions = [text.index(what) for what in whats]
    assert positions == sorted(positions)
    assert child.reference in text and "Add the child's views in her words." in text
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, record_type="referral", record_id=str(walked.pk),
        username=social_worker.username,
    ).exists()  # fmt: skip


def csv_of(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_referral_chronology_csv_has_a_header_and_a_row_for_each_step(
    walked, people, social_worker, client
):
    client.force_login(social_worker)

    response = client.get(reverse("referral_chronology", args=[walked.pk]), {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="referral-{walked.pk}-chronology.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    header, *rows = csv_of(response)
    assert header == [
        "Referral", "When", "Name", "Role", "What happened", "Status before", "Status after",
        "Comment",
    ]  # fmt: skip
    assert len(rows) == len(EXPECTED)
    assert rows[4] == [
        str(walked.pk),
        "2026-11-23 11:00",
        "Jo Bloggs",
        "team manager",
        "Returned to the social worker by Jo Bloggs (team manager)",
        "With team manager",
        "Returned to social worker",
        "Add the child's views in her words.",
    ]
    assert [row[4] for row in rows] == [what for _, _, what in expected_rows(walked, people)]


def test_a_comment_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
    people, social_worker, child, client
):
    referral = make_referral(child, status="submitted")
    act(people["jo"], referral, "return", comment='=HYPERLINK("http://example.org","Open")')
    client.force_login(social_worker)

    response = client.get(reverse("referral_chronology", args=[referral.pk]), {"format": "csv"})

    assert csv_of(response)[1][-1] == '\'=HYPERLINK("http://example.org","Open")'


def pdf_strings(pdf):
    """The PDF's bytes with each compressed stream opened, and its Unicode strings (hex UTF-16,
    as in the document's title) read as UTF-8."""
    opened = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            opened.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    for match in re.finditer(rb"<feff((?:[0-9a-f]{4})+)>", b"\n".join(opened), re.IGNORECASE):
        opened.append(bytes.fromhex(match.group(1).decode()).decode("utf-16-be").encode())
    return b"\n".join(opened)


def test_referral_chronology_pdf_is_a_pdf_about_the_child(walked, social_worker, child, client):
    client.force_login(social_worker)

    response = client.get(reverse("referral_chronology", args=[walked.pk]), {"format": "pdf"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="referral-{walked.pk}-chronology.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5_000
    assert child.reference.encode() in pdf_strings(response.content)
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, record_type="referral", record_id=str(walked.pk)
    ).exists()


def test_the_pdf_reads_only_hearths_own_static_files():
    fetch = static_files_only()

    stylesheet = fetch("http://testserver/static/hearth/hearth.css")

    assert b".hearth-no-print" in stylesheet.read()
    assert stylesheet.content_type == "text/css"
    for elsewhere in (
        "http://example.org/track.png",
        "https://testserver/children/1/",
        "http://testserver/static/../../settings.py",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetch(elsewhere)
    assert static_file("/static/nothing-here.css") is None


@pytest.fixture
def two_searches(people, social_worker, child):
    """An older referral withdrawn, then a newer one sent to the team manager."""
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=LONDON), tick=False) as clock:
        first = services.referral_create(user=social_worker, children=[child])
        clock.shift(3600)
        act(social_worker, first, "withdraw", comment="Returned home to mum.")
        clock.move_to(datetime(2026, 11, 23, 9, 0, tzinfo=LONDON))
        second = services.referral_create(user=social_worker, children=[child])
        Referral.objects.filter(pk=second.pk).update(**COMPLETE_REFERRAL)
        clock.shift(1800)
        act(social_worker, second, "submit")
    return first, second


def test_child_searches_show_every_referral_oldest_first(
    two_searches, social_worker, child, client
):
    first, second = two_searches
    client.force_login(social_worker)

    response = client.get(reverse("child_searches", args=[child.pk]))

    assert response.status_code == 200
    text = page(response)
    assert text.index(f"Referral {first.pk}") < text.index(f"Referral {second.pk}")
    assert text.index("Withdrawn by Sam Jones (social worker)") < text.index(
        "Sent to the team manager by Sam Jones (social worker)"
    )
    assert "Returned home to mum." in text
    viewed = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, username="sw.wigan")
    assert list(viewed.values_list("record_type", "record_id")) == [("child", str(child.pk))]
    listed = AuditEvent.objects.get(action=AuditEvent.Action.LIST, record_type="referral")
    assert (
        listed.detail == f"referrals {first.pk}, {second.pk} shown on child {child.pk}'s searches"
    )


def test_child_searches_csv_and_pdf(two_searches, social_worker, child, client):
    first, second = two_searches
    client.force_login(social_worker)
    url = reverse("child_searches", args=[child.pk])

    header, *rows = csv_of(client.get(url, {"format": "csv"}))
    pdf = client.get(url, {"format": "pdf"})

    assert header[:2] == ["Referral", "When"]
    assert [(row[0], row[4]) for row in rows] == [
        (str(first.pk), "Referral started by Sam Jones (social worker)"),
        (str(first.pk), "Withdrawn by Sam Jones (social worker)"),
        (str(second.pk), "Referral started by Sam Jones (social worker)"),
        (str(second.pk), "Sent to the team manager by Sam Jones (social worker)"),
    ]
    assert pdf["Content-Disposition"] == f'attachment; filename="child-{child.pk}-searches.pdf"'
    assert pdf.content.startswith(b"%PDF")
    assert child.reference.encode() in pdf_strings(pdf.content)


def test_a_child_with_no_referral_has_no_searches(social_worker, child, client):
    client.force_login(social_worker)

    response = client.get(reverse("child_searches", args=[child.pk]))

    assert "No referral has been made for Amy." in page(response)


def test_child_searches_reads_a_fixed_number_of_queries(
    people, social_worker, child, client, django_assert_max_num_queries
):
    for _ in range(4):
        act(social_worker, make_referral(child), "withdraw", comment="No longer needed.")
    client.force_login(social_worker)

    with django_assert_max_num_queries(16):  # as many for one referral as for forty
        response = client.get(reverse("child_searches", args=[child.pk]))

    assert page(response).count("Withdrawn by Sam Jones") == 4


@pytest.mark.parametrize("output", ["html", "csv", "pdf"])
def test_trafford_gets_not_found_for_wigans_chronologies(
    output, two_searches, outsider, child, client
):
    _, referral = two_searches
    client.force_login(outsider)

    for url in (
        reverse("referral_chronology", args=[referral.pk]),
        reverse("child_searches", args=[child.pk]),
    ):
        response = client.get(url, {"format": output})
        assert response.status_code == 404
        assert child.reference not in response.content.decode(errors="replace")
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, username="sw.trafford")
    assert sorted(denied.values_list("record_type", "record_id")) == [
        ("child", str(child.pk)),
        ("referral", str(referral.pk)),
    ]


def test_an_unknown_format_is_refused(referral, social_worker, client):
    client.force_login(social_worker)

    response = client.get(reverse("referral_chronology", args=[referral.pk]), {"format": "docx"})

    assert response.status_code == 400
    assert "html, csv, pdf" in response.content.decode()


def test_the_end_of_an_emergency_placement_is_a_sentence_of_its_own(
    child, child_team, placements_officer, wigan
):
    carer = HouseholdFactory(provider=wigan, name="Okafor family", care_types=["emergency"])
    referral = make_referral(child, status="approved")
    for action, data in (("book_emergency", {"household": carer.pk}),
                         ("end_emergency", {"comment": "Moved on"})):  # fmt: skip
        services.referral_act(user=placements_officer, referral=referral, action=action, data=data)
    assert chronology.referral_chronology(referral, placements_officer)[-1].what.startswith(
        "Emergency placement with Okafor family recorded as ended"
    )


BOOKED_NAMED = "Emergency carer Smith family booked until 26 November 2026 at 13:30"
BOOKED_UNNAMED = "An emergency carer booked until 26 November 2026 at 13:30"


@pytest.mark.parametrize("output", ["html", "csv"])
@pytest.mark.parametrize(
    ("persona", "named"), [("placements_officer", True), ("virtual_school", False)]
)
def test_the_emergency_carer_is_named_only_to_those_who_may_see_households(
    persona, named, output, walked, child, client, request
):
    client.force_login(request.getfixturevalue(persona))

    for url in (
        reverse("referral_chronology", args=[walked.pk]),
        reverse("child_searches", args=[child.pk]),
    ):
        response = client.get(url, {"format": output})
        assert response.status_code == 200
        text = response.content.decode("utf-8-sig")
        assert (BOOKED_NAMED in text, BOOKED_UNNAMED in text) == (named, not named)
        assert ("Smith family" in text) is named


def test_the_end_of_an_emergency_placement_does_not_name_the_carer_to_the_virtual_school(
    child, child_team, placements_officer, virtual_school, wigan
):
    carer = HouseholdFactory(provider=wigan, name="Okafor family", care_types=["emergency"])
    referral = make_referral(child, status="approved")
    for action, data in (("book_emergency", {"household": carer.pk}),
                         ("end_emergency", {"comment": "Moved on"})):  # fmt: skip
        services.referral_act(user=placements_officer, referral=referral, action=action, data=data)

    booked, ended = [
        entry.what for entry in chronology.referral_chronology(referral, virtual_school)
    ]

    assert booked.startswith("An emergency carer booked until ")
    assert ended == "Emergency placement with an emergency carer recorded as ended"
