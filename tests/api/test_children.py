"""GET /api/v1/children and /api/v1/children/{id}."""

from datetime import date

import pytest
import time_machine

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.people.models import SiblingGroup
from tests.api.expected import REQUEST_QUERIES, api_audit_rows, denied_rows
from tests.factories import ChildFactory, HouseholdFactory, TeamFactory, member

LIST_QUERIES = REQUEST_QUERIES + 3  # count, page, audit row


def fully_recorded_children(wigan, social_worker, count):
    """Children with every related record filled in, so each could cost a query if not joined."""
    team = TeamFactory(organisation=wigan, name="Children in Care East")
    iro = member(wigan, Role.IRO, username="iro.wigan")
    group = SiblingGroup.objects.create(authority=wigan, reference="G1")
    home = HouseholdFactory(provider=wigan)
    return ChildFactory.create_batch(
        count, authority=wigan, social_worker=social_worker, team=team, iro=iro,
        sibling_group=group, placed_with=home,
    )  # fmt: skip


def test_list_shows_own_councils_children_only(api_get, social_worker, child, trafford):
    ChildFactory(authority=trafford)

    response = api_get("children", social_worker)

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert [c["id"] for c in response.json()["items"]] == [child.pk]


def test_list_gives_each_childs_record(api_get, wigan, social_worker):
    child = fully_recorded_children(wigan, social_worker, 1)[0]

    with time_machine.travel(date(2026, 2, 28), tick=False):
        item = api_get("children", social_worker).json()["items"][0]

    assert item == {
        "id": child.pk, "reference": child.reference, "first_name": "Amy",
        "last_name": child.last_name, "preferred_name": "", "date_of_birth": "2015-03-01",
        "age": 10, "sex": "F", "ethnicity": "WBRI", "religion": "christian",
        "languages": ["english"], "legal_status": "C2", "needs": ["trauma_attachment"],
        "risks": [], "home_postcode": "WN1 1AA", "school_postcode": "",
        "social_worker": "sw.wigan", "team": "Children in Care East",
        "iro": "iro.wigan", "sibling_group": "G1", "placed_with": child.placed_with_id,
    }  # fmt: skip


def test_list_writes_one_audit_row_via_api(api_get, wigan, social_worker):
    fully_recorded_children(wigan, social_worker, 3)

    api_get("children", social_worker)

    rows = api_audit_rows(social_worker, AuditEvent.Action.LIST, "child")
    assert len(rows) == 1
    assert rows[0].organisation == wigan
    assert rows[0].detail == "3 shown from offset 0 (limit 50)"
    assert not api_audit_rows(social_worker, AuditEvent.Action.VIEW, "child")


@pytest.mark.parametrize("count", [3, 30])
def test_list_queries_do_not_grow_with_children(
    api_get, wigan, social_worker, django_assert_num_queries, count
):
    fully_recorded_children(wigan, social_worker, count)
    api_get.sign_in(social_worker)

    with django_assert_num_queries(LIST_QUERIES):
        response = api_get("children", social_worker)

    assert len(response.json()["items"]) == count


def test_list_is_paged_in_a_stable_order(api_get, wigan, social_worker):
    children = ChildFactory.create_batch(5, authority=wigan, last_name="Smith")

    first = api_get("children", social_worker, limit=2).json()
    rest = api_get("children", social_worker, limit=2, offset=2).json()

    assert first["count"] == rest["count"] == 5
    ids = [c["id"] for c in first["items"] + rest["items"]]
    assert ids == [c.pk for c in children[:4]]


def test_list_pages_hold_50_unless_asked_and_200_at_most(api_get, wigan, social_worker):
    ChildFactory.create_batch(51, authority=wigan)

    assert len(api_get("children", social_worker).json()["items"]) == 50
    assert len(api_get("children", social_worker, limit=200).json()["items"]) == 51
    assert api_get("children", social_worker, limit=201).status_code == 422
    assert api_get("children", social_worker, limit=0).status_code == 422


def test_list_for_an_agency_user_is_empty(api_get, agency_user, child):
    assert api_get("children", agency_user).json() == {"items": [], "count": 0}


def test_detail_shows_the_child_and_audits_the_view(api_get, social_worker, child):
    response = api_get(f"children/{child.pk}", social_worker)

    assert response.status_code == 200
    assert response.json()["reference"] == child.reference
    assert len(api_audit_rows(social_worker, AuditEvent.Action.VIEW, "child", child.pk)) == 1


def test_detail_of_another_councils_child_is_404_and_audited(api_get, outsider, child):
    response = api_get(f"children/{child.pk}", outsider)

    assert response.status_code == 404
    assert len(denied_rows(outsider, "child", child.pk)) == 1
    assert not api_audit_rows(outsider, AuditEvent.Action.VIEW, "child")


def test_detail_of_a_child_that_does_not_exist_is_404_and_audited(api_get, social_worker):
    response = api_get("children/999999", social_worker)

    assert response.status_code == 404
    assert len(denied_rows(social_worker, "child", 999999)) == 1


def test_detail_for_an_agency_user_is_404(api_get, agency_user, child):
    assert api_get(f"children/{child.pk}", agency_user).status_code == 404
    assert len(denied_rows(agency_user, "child", child.pk)) == 1


def test_detail_queries_are_few(api_get, wigan, social_worker, django_assert_num_queries):
    child = fully_recorded_children(wigan, social_worker, 1)[0]
    api_get.sign_in(social_worker)

    with django_assert_num_queries(REQUEST_QUERIES + 2):  # the child, its audit row
        assert api_get(f"children/{child.pk}", social_worker).status_code == 200


def test_writing_is_not_allowed(api_get, client, social_worker, child):
    headers = {"Authorization": f"Bearer {api_get.sign_in(social_worker)}"}

    assert client.post("/api/v1/children", {}, headers=headers).status_code == 405
    assert client.delete(f"/api/v1/children/{child.pk}", headers=headers).status_code == 405
