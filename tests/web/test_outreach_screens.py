"""The agency search through its screens: the providers to send a referral to, in contract first,
sending it with a message, the requests sent with their answers and chasing, logging a contact,
withdrawing the referral from a provider, and the social worker's permission to widen the search."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.core.models import Contract
from hearth.referrals.models import ReferralEvent
from hearth.search import outreach
from hearth.search.models import AgencyRequest
from hearth.trays.models import OutgoingEmail
from tests.factories import AgencyFactory, HouseholdFactory
from tests.screens import field_error, page, summary_links

MONDAY = datetime(2026, 12, 7, 9, 30, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def referral(outreach_referral):
    return outreach_referral


@pytest.fixture
def zenith(wigan):
    """In contract with Wigan."""
    provider = AgencyFactory(
        name="Zenith Fostering", care_types=["short_term"], areas_served=["Wigan"],
        weekly_rate_from=900, weekly_rate_to=1100, email="referrals@zenith.example.org",
    )  # fmt: skip
    Contract.objects.create(authority=wigan, agency=provider, status="in_contract")
    return provider


def search_url(referral, **query):
    url = reverse("agency_search", args=[referral.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def signed_in(client, user):
    client.force_login(user)
    return client


def provider_rows(response):
    """The providers listed to send to, in order, as their names read."""
    body = page(response)
    table = body[body.index("Choose the providers") if "Choose the providers" in body else 0 :]
    return re.findall(r'href="/providers/\d+/">([^<]+)</a>', table)


# The agency search page --------------------------------------------------------------------------------


def test_the_page_lists_providers_in_contract_first_with_boxes_to_tick(
    client, placements_officer, referral, agency, zenith
):
    response = signed_in(client, placements_officer).get(search_url(referral))
    assert response.status_code == 200
    assert provider_rows(response) == ["Zenith Fostering", "Northern Fostering"]
    body = page(response)
    assert body.count('name="providers" type="checkbox"') == 2
    assert "Offers short-term" in body
    assert "£900.00 to £1,100.00" in body
    assert "Send the referral" in body
    assert "ask the social worker to widen the search" in body
    assert AuditEvent.objects.filter(
        action="view", record_type="referral", record_id=str(referral.pk)
    ).exists()


def test_filters_narrow_the_providers(client, placements_officer, referral, agency, zenith):
    client = signed_in(client, placements_officer)
    assert provider_rows(client.get(search_url(referral, contract="none"))) == [
        "Northern Fostering"
    ]
    assert provider_rows(client.get(search_url(referral, area="wig"))) == ["Zenith Fostering"]


def test_sending_the_referral_lists_it_as_waiting_for_an_answer(
    client, placements_officer, referral, agency, zenith
):
    client = signed_in(client, placements_officer)
    response = client.post(
        search_url(referral), {"providers": [zenith.pk, agency.pk], "message": "Urgent."}
    )
    assert response.status_code == 302
    after = client.get(response["Location"])
    body = page(after)
    assert "The referral is sent to Zenith Fostering and Northern Fostering" in body
    assert body.count("Waiting for an answer") >= 2
    assert "8 December 2026 at 11:59pm" not in body  # two working days: Wednesday
    assert "9 December 2026 at 11:59pm" in body
    assert body.count('name="providers" type="checkbox"') == 0
    assert OutgoingEmail.objects.filter(to="referrals@zenith.example.org").exists()


def test_sending_nothing_shows_the_error_at_the_providers(
    client, placements_officer, referral, agency
):
    response = signed_in(client, placements_officer).post(search_url(referral), {"message": ""})
    assert response.status_code == 200
    assert field_error(response, "providers") == (
        "Choose at least one provider to send the referral to"
    )
    assert summary_links(response) == [
        ("#id_providers_0", "Choose at least one provider to send the referral to")
    ]
    assert 'id="id_providers_0"' in page(response)
    assert not AgencyRequest.objects.exists()


def test_sending_again_to_a_provider_names_it_at_the_field(
    client, placements_officer, referral, outreach_request, agency, zenith
):
    response = signed_in(client, placements_officer).post(
        search_url(referral), {"providers": [zenith.pk, agency.pk]}
    )
    assert response.status_code == 200
    assert field_error(response, "providers").startswith(
        "Northern Fostering already has this referral"
    )
    assert AgencyRequest.objects.count() == 1


def test_the_social_worker_reads_the_search_but_sends_nothing(
    client, social_worker, referral, outreach_request
):
    client = signed_in(client, social_worker)
    body = page(client.get(search_url(referral)))
    assert "Northern Fostering" in body and "Waiting for an answer" in body
    assert "Send the referral" not in body
    assert "Widen the search" in body
    response = client.post(search_url(referral), {"providers": [outreach_request.provider_id]})
    assert response.status_code == 403
    assert "Only a placements officer" in page(response)


# The session and sign-in checks, the referral and its children, the providers with their contracts,
# the requests (for the list of candidates and for the list sent), the free places, the audit row.
QUERIES_ON_THE_AGENCY_SEARCH = 17


@pytest.mark.parametrize("providers", [1, 8])
def test_the_page_reads_the_same_number_of_queries_however_many_providers(
    client, placements_officer, referral, wigan, providers, django_assert_num_queries
):
    for number in range(providers):
        provider = AgencyFactory(name=f"Agency {number}", care_types=["short_term"])
        HouseholdFactory(provider=provider)
        Contract.objects.create(authority=wigan, agency=provider, status="off_contract")
        if number % 2:
            outreach.agency_referral_send(
                user=placements_officer, referral=referral, providers=[provider]
            )
    signed_in(client, placements_officer)
    with django_assert_num_queries(QUERIES_ON_THE_AGENCY_SEARCH):
        response = client.get(search_url(referral))
    assert len(provider_rows(response)) == providers


# Logging a contact ---------------------------------------------------------------------------------


def contact_url(referral, provider):
    return reverse("agency_contact", args=[referral.pk, provider.pk])


def test_the_contact_page_shows_whom_to_ring(
    client, placements_officer, referral, agency, outreach_contact
):
    body = page(signed_in(client, placements_officer).get(contact_url(referral, agency)))
    assert "Rita Patel" in body and "0161 496 0001" in body


def test_a_meeting_without_its_date_is_refused_at_the_date(
    client, placements_officer, referral, agency
):
    response = signed_in(client, placements_officer).post(
        contact_url(referral, agency), {"kind": "meeting", "note": "Their matching team."}
    )
    assert response.status_code == 200
    assert field_error(response, "meeting_on") == "Enter the date of the referral meeting"
    assert not ReferralEvent.objects.filter(action="agency_contact").exists()


def test_a_phone_call_is_logged(client, placements_officer, referral, agency):
    response = signed_in(client, placements_officer).post(
        contact_url(referral, agency), {"kind": "phone", "note": "They will ring back today."}
    )
    assert response.status_code == 302
    event = ReferralEvent.objects.get(action="agency_contact")
    assert (event.detail["provider"], event.comment) == (
        "Northern Fostering", "They will ring back today."
    )  # fmt: skip


def test_a_meeting_is_logged_with_its_date(client, placements_officer, referral, agency):
    response = signed_in(client, placements_officer).post(
        contact_url(referral, agency),
        {
            "kind": "meeting", "note": "Met their matching team.", "meeting_on_day": "10",
            "meeting_on_month": "12", "meeting_on_year": "2026",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert ReferralEvent.objects.get(action="agency_contact").detail["meeting_on"] == "2026-12-10"


def test_a_note_is_needed(client, placements_officer, referral, agency):
    response = signed_in(client, placements_officer).post(
        contact_url(referral, agency), {"kind": "email", "note": ""}
    )
    assert field_error(response, "note") == "Say what was said or agreed"


# Withdrawing the referral from a provider ---------------------------------------------------------------


def withdraw_url(agency_request):
    return reverse("agency_request_withdraw", args=[agency_request.referral_id, agency_request.pk])


def test_withdrawing_needs_a_reason_at_the_field(client, placements_officer, outreach_request):
    client = signed_in(client, placements_officer)
    assert "will no longer see the referral" in page(client.get(withdraw_url(outreach_request)))
    response = client.post(
        withdraw_url(outreach_request), {"reason": "", "version": outreach_request.version}
    )
    assert field_error(response, "reason") == "Say why you withdraw it"


def test_withdrawing_the_referral(client, placements_officer, outreach_request):
    response = signed_in(client, placements_officer).post(
        withdraw_url(outreach_request),
        {"reason": "Matched in-house.", "version": outreach_request.version},
    )
    assert response.status_code == 302
    outreach_request.refresh_from_db()
    assert outreach_request.status == AgencyRequest.Status.WITHDRAWN
    body = page(client.get(response["Location"]))
    assert "The referral is withdrawn from Northern Fostering" in body
    assert "Matched in-house." in body


def test_a_page_drawn_before_the_provider_answered_is_refused_at_the_top(
    client, placements_officer, outreach_request
):
    drawn = outreach_request.version
    AgencyRequest.objects.filter(pk=outreach_request.pk).update(version=drawn + 1)
    response = signed_in(client, placements_officer).post(
        withdraw_url(outreach_request), {"reason": "Matched in-house.", "version": drawn}
    )
    assert response.status_code == 200
    assert "answered after you opened this page" in page(response)
    assert f'name="version" value="{drawn + 1}"' in page(response)


def test_a_request_of_another_referral_is_not_found(
    client, placements_officer, outreach_request, child, social_worker
):
    from tests.factories import make_referral

    other = make_referral(child, status="searching")
    url = reverse("agency_request_withdraw", args=[other.pk, outreach_request.pk])
    assert signed_in(client, placements_officer).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="denied", record_type="agency_request").exists()


# Widening the search ----------------------------------------------------------------------------------


def widen_url(referral):
    return reverse("search_widen", args=[referral.pk])


def test_the_social_worker_gives_permission_to_widen(client, social_worker, referral):
    client = signed_in(client, social_worker)
    assert "Children's homes (residential care)" in page(client.get(widen_url(referral)))
    response = client.post(
        widen_url(referral), {"widen_to": ["residential"], "reason": "Nothing found in 3 weeks."}
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.search_widened_to == ["residential"]


def test_widening_errors_are_at_their_fields(client, social_worker, referral):
    response = signed_in(client, social_worker).post(widen_url(referral), {})
    assert field_error(response, "widen_to") == "Choose what the search may include"
    assert field_error(response, "reason") == "Say why the search is widened"


def test_the_placements_officer_may_not_widen_it(client, placements_officer, referral):
    response = signed_in(client, placements_officer).get(widen_url(referral))
    assert response.status_code == 403
    assert "Only the child's allocated social worker" in page(response)


# The panel the referral's page includes ------------------------------------------------------------


def test_the_panel_shows_each_request_and_the_link_to_the_search(
    social_worker, outreach_request, rf
):
    panel = outreach.referral_panel(social_worker, outreach_request.referral)
    with time_machine.travel(MONDAY + timedelta(days=5), tick=False):
        late = outreach.referral_panel(social_worker, outreach_request.referral)
    html = render_to_string("search/outreach/_referral_panel.html", {"panel": late})
    assert "Sent to 1 provider: 1 waiting for an answer (1 not answered in time)" in html
    assert "Not answered in time" in html
    assert f'href="{panel["url"]}"' in html
    assert "Widen the search" in html
    assert render_to_string("search/outreach/_referral_panel.html", {"panel": None}).strip() == ""
