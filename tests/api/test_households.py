"""GET /api/v1/households and /api/v1/households/{id}."""

import pytest

from hearth.audit.models import AuditEvent
from hearth.people.models import Carer, Household
from tests.api.expected import REQUEST_QUERIES, api_audit_rows, denied_rows
from tests.factories import ChildFactory, HouseholdFactory

LIST_QUERIES = REQUEST_QUERIES + 5  # count, page, carers, named children, audit row


def busy_households(wigan, supervising_social_worker, count):
    """Households with carers, a child placed and a named child, so each could cost queries."""
    households = HouseholdFactory.create_batch(
        count, provider=wigan, supervising_social_worker=supervising_social_worker, max_children=3
    )
    for household in households:
        Carer.objects.create(household=household, first_name="Lee", last_name="Carer")
        ChildFactory(authority=wigan, placed_with=household)
        household.named_children.add(ChildFactory(authority=wigan))
    return households


def test_list_shows_own_councils_households_only(
    api_get, social_worker, household, agency_household, trafford
):
    HouseholdFactory(provider=trafford)

    response = api_get("households", social_worker)

    assert response.status_code == 200
    assert [h["id"] for h in response.json()["items"]] == [household.pk]


def test_agency_user_sees_own_agencys_households_only(
    api_get, agency_user, household, agency_household
):
    response = api_get("households", agency_user)

    assert [h["id"] for h in response.json()["items"]] == [agency_household.pk]


def test_list_gives_each_households_record(
    api_get, wigan, social_worker, supervising_social_worker
):
    household = busy_households(wigan, supervising_social_worker, 1)[0]
    named = household.named_children.get()

    item = api_get("households", social_worker).json()["items"][0]

    assert item == {
        "id": household.pk, "reference": household.reference, "name": household.name,
        "provider": {"id": wigan.pk, "name": "Wigan Council", "kind": "authority"},
        "in_house": True, "postcode": "WN1 1AB", "bedrooms": 2, "status": "approved",
        "hold_reason": "",
        "approval": {
            "min_age": 0, "max_age": 17, "max_children": 3, "types": ["short_term", "emergency"],
            "named_children": [named.pk],
        },
        "accepts_siblings": True, "skills": ["trauma_attachment"], "free_places": 2,
        "carers": [
            {"first_name": "Pat", "last_name": "Carer"},
            {"first_name": "Lee", "last_name": "Carer"},
        ],
        "supervising_social_worker": "ssw.wigan",
    }  # fmt: skip


def test_free_places_are_never_negative(api_get, social_worker, household):
    ChildFactory.create_batch(3, authority=household.provider, placed_with=household)

    assert api_get(f"households/{household.pk}", social_worker).json()["free_places"] == 0


def test_list_writes_one_audit_row_via_api(api_get, social_worker, household):
    api_get("households", social_worker)

    assert len(api_audit_rows(social_worker, AuditEvent.Action.LIST, "household")) == 1


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_households(
    api_get, wigan, social_worker, supervising_social_worker, django_assert_num_queries, count
):
    busy_households(wigan, supervising_social_worker, count)
    api_get.sign_in(social_worker)

    with django_assert_num_queries(LIST_QUERIES):
        response = api_get("households", social_worker)

    assert response.json()["count"] == count


def test_list_is_paged_in_a_stable_order(api_get, wigan, social_worker):
    households = HouseholdFactory.create_batch(4, provider=wigan, name="Smith family")

    pages = [api_get("households", social_worker, limit=3, offset=o).json() for o in (0, 3)]

    assert [h["id"] for page in pages for h in page["items"]] == [h.pk for h in households]


def test_detail_shows_the_household_and_audits_the_view(api_get, social_worker, household):
    response = api_get(f"households/{household.pk}", social_worker)

    assert response.status_code == 200
    assert response.json()["carers"] == [{"first_name": "Pat", "last_name": "Carer"}]
    assert (
        len(api_audit_rows(social_worker, AuditEvent.Action.VIEW, "household", household.pk)) == 1
    )


def test_detail_shows_a_hold_reason(api_get, social_worker, household):
    Household.objects.filter(pk=household.pk).update(status="on_hold", hold_reason="illness")

    item = api_get(f"households/{household.pk}", social_worker).json()

    assert (item["status"], item["hold_reason"]) == ("on_hold", "illness")


def test_detail_of_another_councils_household_is_404_and_audited(api_get, outsider, household):
    response = api_get(f"households/{household.pk}", outsider)

    assert response.status_code == 404
    assert len(denied_rows(outsider, "household", household.pk)) == 1
    assert not api_audit_rows(outsider, AuditEvent.Action.VIEW, "household")


def test_detail_of_an_agencys_household_is_404_for_a_council(
    api_get, social_worker, agency_household
):
    assert api_get(f"households/{agency_household.pk}", social_worker).status_code == 404
    assert len(denied_rows(social_worker, "household", agency_household.pk)) == 1


def test_detail_of_a_councils_household_is_404_for_an_agency(api_get, agency_user, household):
    assert api_get(f"households/{household.pk}", agency_user).status_code == 404
    assert len(denied_rows(agency_user, "household", household.pk)) == 1


def test_writing_is_not_allowed(api_get, client, social_worker, household):
    headers = {"Authorization": f"Bearer {api_get.sign_in(social_worker)}"}

    assert client.post("/api/v1/households", {}, headers=headers).status_code == 405
    assert client.put(f"/api/v1/households/{household.pk}", headers=headers).status_code == 405
