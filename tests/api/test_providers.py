"""GET /api/v1/providers and /api/v1/providers/{id}: the shared market of agencies."""

import pytest

from hearth.core.models import Contract
from tests.api.expected import REQUEST_QUERIES, denied_rows
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory

LIST_QUERIES = REQUEST_QUERIES + 4  # count, page, contracts, households' places


def agency_with_places(wigan, *, name, placed_counts):
    """An agency with one approved household of two places per entry, holding that many children."""
    agency = AgencyFactory(name=name)
    for placed in placed_counts:
        household = HouseholdFactory(provider=agency, max_children=2)
        ChildFactory.create_batch(placed, authority=wigan, placed_with=household)
    return agency


def test_council_staff_see_every_agency_with_their_contract(
    api_get, wigan, trafford, social_worker
):
    northern = agency_with_places(wigan, name="Northern Fostering", placed_counts=[1, 3, 0])
    HouseholdFactory(provider=northern, status="in_assessment")
    HouseholdFactory(provider=northern, status="temporary", max_children=1)
    pennine = agency_with_places(wigan, name="Pennine Families", placed_counts=[])
    Contract.objects.create(authority=wigan, agency=northern, status="in_contract")
    Contract.objects.create(authority=trafford, agency=pennine, status="off_contract")

    response = api_get("providers", social_worker)

    assert response.status_code == 200
    assert response.json()["items"] == [
        {
            "id": northern.pk, "name": "Northern Fostering", "ofsted_urn": northern.ofsted_urn,
            "email": "", "phone": "", "postcode": "M1 1AE", "contract_status": "in_contract",
            "approved_households": 4, "vacancies": 4,
        },
        {
            "id": pennine.pk, "name": "Pennine Families", "ofsted_urn": pennine.ofsted_urn,
            "email": "", "phone": "", "postcode": "M1 1AE", "contract_status": None,
            "approved_households": 0, "vacancies": 0,
        },
    ]  # fmt: skip


def test_councils_are_not_listed_as_providers(api_get, social_worker, agency, trafford):
    items = api_get("providers", social_worker).json()["items"]

    assert [p["id"] for p in items] == [agency.pk]


def test_agency_user_sees_own_agency_only(api_get, wigan, agency_user, agency):
    agency_with_places(wigan, name="Another Agency", placed_counts=[0])

    items = api_get("providers", agency_user).json()["items"]

    assert [(p["id"], p["contract_status"]) for p in items] == [(agency.pk, None)]


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_providers(
    api_get, wigan, social_worker, django_assert_num_queries, count
):
    for number in range(count):
        agency = agency_with_places(wigan, name=f"Agency {number:02}", placed_counts=[1, 0])
        Contract.objects.create(authority=wigan, agency=agency, status="in_contract")
    api_get.sign_in(social_worker)

    with django_assert_num_queries(LIST_QUERIES):
        response = api_get("providers", social_worker)

    assert response.json()["count"] == count
    assert {p["vacancies"] for p in response.json()["items"]} == {3}


def test_list_is_paged_in_a_stable_order(api_get, social_worker):
    agencies = [AgencyFactory(name="Same Name") for _ in range(3)]

    pages = [api_get("providers", social_worker, limit=2, offset=o).json() for o in (0, 2)]

    assert [p["id"] for page in pages for p in page["items"]] == [a.pk for a in agencies]


def test_detail_shows_the_agency(api_get, wigan, social_worker):
    agency = agency_with_places(wigan, name="Northern Fostering", placed_counts=[1])
    Contract.objects.create(authority=wigan, agency=agency, status="off_contract")

    response = api_get(f"providers/{agency.pk}", social_worker)

    assert response.status_code == 200
    body = response.json()
    assert (body["name"], body["contract_status"], body["vacancies"]) == (
        "Northern Fostering",
        "off_contract",
        1,
    )


def test_detail_of_another_agency_is_404_for_an_agency_user_and_audited(
    api_get, wigan, agency_user
):
    other = agency_with_places(wigan, name="Another Agency", placed_counts=[])

    response = api_get(f"providers/{other.pk}", agency_user)

    assert response.status_code == 404
    assert len(denied_rows(agency_user, "provider", other.pk)) == 1


def test_detail_of_a_council_is_404_and_audited(api_get, social_worker, trafford):
    response = api_get(f"providers/{trafford.pk}", social_worker)

    assert response.status_code == 404
    assert len(denied_rows(social_worker, "provider", trafford.pk)) == 1


def test_writing_is_not_allowed(api_get, client, social_worker, agency):
    headers = {"Authorization": f"Bearer {api_get.sign_in(social_worker)}"}

    assert client.post("/api/v1/providers", {}, headers=headers).status_code == 405
    assert client.patch(f"/api/v1/providers/{agency.pk}", headers=headers).status_code == 405
