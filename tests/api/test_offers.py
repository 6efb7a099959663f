"""Offers through the API: council staff read the offers on their referrals, an agency's staff
their own agency's offers only, and make one for a referral sent to them with the portal's checks."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.search.models import AgencyRequest, Offer
from hearth.trays.models import WorkItem
from tests.factories import AgencyFactory, member


@pytest.fixture
def api_post(client, api_get):
    def post(path, user, body):
        headers = {"Authorization": f"Bearer {api_get.sign_in(user)}"}
        return client.post(
            f"/api/v1/{path}", json.dumps(body), content_type="application/json", headers=headers
        )

    return post


def body(agency_request, household, **changes):
    return {
        "agency_request": agency_request.pk,
        "household": household.pk,
        "available_from": (timezone.localdate() + timedelta(days=1)).isoformat(),
        "weekly_cost": "1250.00",
        "cost_covers": "Fees and support.",
        "carer_profile": "Former teachers, fostering for six years.",
        "ofsted_details": "Good, October 2024.",
        **changes,
    }


def test_an_agency_makes_an_offer(api_post, agency_user, portal_request, portal_household):
    response = api_post("offers", agency_user, body(portal_request, portal_household))

    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["weekly_cost"] == "1250.00" and answer["status"] == "open"
    assert answer["provider"] == "Northern Fostering" and answer["children"] == 1
    assert answer["household_name"] == "Moss family"
    offer = Offer.objects.get(pk=answer["id"])
    assert offer.made_by == agency_user
    assert WorkItem.objects.filter(kind=WorkItem.Kind.CARER_OFFER, key=f"offer:{offer.pk}")
    portal_request.refresh_from_db()
    assert portal_request.status == AgencyRequest.Status.OFFERED


def test_bad_fields_answer_422_at_each_field(
    api_post, agency_user, portal_request, portal_household
):
    past = (timezone.localdate() - timedelta(days=1)).isoformat()

    response = api_post(
        "offers", agency_user,
        body(portal_request, portal_household, weekly_cost="-5", available_from=past,
             cost_covers=""),
    )  # fmt: skip

    assert response.status_code == 422
    fields = response.json()["fields"]
    assert fields["weekly_cost"] == "The weekly cost must be more than £0"
    assert fields["available_from"] == "The start date must be today or in the future"
    assert fields["cost_covers"] == "Say what the weekly cost covers"
    assert not Offer.objects.exists()


def test_a_number_for_the_cost_is_taken(api_post, agency_user, portal_request, portal_household):
    response = api_post(
        "offers", agency_user, body(portal_request, portal_household, weekly_cost=999.5)
    )

    assert response.json()["weekly_cost"] == "999.50"


def test_children_are_given_by_their_number(
    api_post, agency_user, portal_request, portal_household
):
    response = api_post("offers", agency_user, body(portal_request, portal_household, children=[2]))

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "children": "Give the children by their number on the referral, 1 to 1"
    }


def test_a_council_household_is_not_the_agencys(api_post, agency_user, portal_request, household):
    response = api_post("offers", agency_user, body(portal_request, household))

    assert response.status_code == 422
    assert "household" in response.json()["fields"]


def test_a_request_not_sent_to_the_agency_is_not_found(api_post, portal_request, portal_household):
    stranger = member(AgencyFactory(name="Other"), Role.AGENCY_USER, username="other.api")

    response = api_post("offers", stranger, body(portal_request, portal_household))

    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="denied", record_type="agency_request").exists()


def test_a_closed_request_refuses_an_offer(api_post, agency_user, portal_request, portal_household):
    AgencyRequest.objects.filter(pk=portal_request.pk).update(status=AgencyRequest.Status.CLOSED)

    response = api_post("offers", agency_user, body(portal_request, portal_household))

    assert response.status_code == 403
    assert "closed" in response.json()["detail"]


def test_council_staff_read_the_offers_on_their_referrals(api_get, social_worker, portal_offer):
    answer = api_get("offers", social_worker).json()

    assert [item["id"] for item in answer["items"]] == [portal_offer.pk]
    assert api_get(f"offers/{portal_offer.pk}", social_worker).json()["weekly_cost"] == "895.50"


def test_another_council_sees_none(api_get, outsider, portal_offer):
    assert api_get("offers", outsider).json()["items"] == []
    assert api_get(f"offers/{portal_offer.pk}", outsider).status_code == 404


def test_an_agency_reads_only_its_own_offers(
    api_get, agency_user, portal_offer, portal_referral, placements_officer
):
    from tests.factories import HouseholdFactory
    from tests.fixtures.portal import offer_terms, send_to

    other_agency = AgencyFactory(name="Other")
    other_request = send_to(portal_referral, other_agency, placements_officer)
    from hearth.portal.services import agency_offer_make

    agency_offer_make(
        user=placements_officer, agency_request=other_request, on_behalf=True,
        **offer_terms(HouseholdFactory(provider=other_agency)),
    )  # fmt: skip

    items = api_get("offers", agency_user).json()["items"]

    assert [item["id"] for item in items] == [portal_offer.pk]


def test_an_offer_withdrawn_from_the_agency_is_gone_from_its_list(
    api_get, agency_user, portal_offer
):
    AgencyRequest.objects.filter(pk=portal_offer.agency_request_id).update(
        status=AgencyRequest.Status.WITHDRAWN
    )

    assert api_get("offers", agency_user).json()["items"] == []
    assert api_get(f"offers/{portal_offer.pk}", agency_user).status_code == 404


def test_the_schema_lists_the_offers(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert {"get", "post"} <= set(paths["/api/v1/offers"])
    assert "get" in paths["/api/v1/offers/{offer_id}"]
