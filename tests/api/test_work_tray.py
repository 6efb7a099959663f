"""GET /api/v1/work-tray: the open items waiting for the caller, or for the teams they manage."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.trays.models import WorkItem
from hearth.trays.services import item_open, items_close
from tests.api.expected import REQUEST_QUERIES, api_audit_rows
from tests.factories import TeamFactory, make_referral

Kind = WorkItem.Kind
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


@pytest.fixture
def team(wigan, team_manager, social_worker):
    team = TeamFactory(organisation=wigan, name="Children in Care North", manager=team_manager)
    Membership.objects.filter(user=social_worker).update(team=team)
    return team


def item(organisation, title, **where):
    where.setdefault("kind", Kind.REFERRAL_DRAFT)
    return item_open(organisation=organisation, title=title, **where)


def titles(api_get, user, **params):
    return [entry["title"] for entry in api_get("work-tray", user, **params).json()["items"]]


def test_the_tray_gives_each_open_item_waiting_for_the_caller(api_get, wigan, social_worker, child):
    referral = make_referral(child)
    due = NOW + timedelta(days=2)
    with time_machine.travel(NOW, tick=False):
        mine = item(
            wigan, "Referral 1: Amy (11)", referral=referral, user=social_worker,
            kind=Kind.REFERRAL_RETURNED, note="Add her views", due_at=due,
        )  # fmt: skip

    response = api_get("work-tray", social_worker)

    assert response.status_code == 200
    assert response.json() == {
        "count": 1,
        "items": [
            {
                "id": mine.pk, "kind": "referral_returned", "kind_label": "Referral returned to you",
                "title": "Referral 1: Amy (11)", "note": "Add her views", "urgent": False,
                "due_at": "2026-11-25T09:00:00Z", "opened_at": "2026-11-23T09:00:00Z",
                "referral": referral.pk,
                "link": "",
                "assigned_to": {"user": "sw.wigan", "team": None, "role": None},
            }
        ],
    }  # fmt: skip


def test_the_tray_holds_the_callers_own_team_and_role_items_only(
    api_get, wigan, trafford, social_worker, team, placements_officer, outsider, child
):
    item(wigan, "Own", user=social_worker)
    item(wigan, "Team's", team=team)
    item(wigan, "Every social worker's", role=Role.SOCIAL_WORKER)
    item(wigan, "Placements team's", role=Role.PLACEMENTS_OFFICER)
    item(wigan, "Someone else's", user=placements_officer)
    item(trafford, "Trafford's social workers'", role=Role.SOCIAL_WORKER)
    closed = item(wigan, "Done", user=social_worker, referral=make_referral(child))
    items_close(referral=closed.referral, by=social_worker)

    assert titles(api_get, social_worker) == ["Own", "Team's", "Every social worker's"]
    assert titles(api_get, outsider) == ["Trafford's social workers'"]
    assert titles(api_get, placements_officer) == ["Placements team's", "Someone else's"]


def test_urgent_items_come_first_then_by_due_date(api_get, wigan, social_worker):
    with time_machine.travel(NOW, tick=False):
        item(wigan, "Old, not due", user=social_worker)
    item(wigan, "Due later", user=social_worker, due_at=NOW + timedelta(days=5))
    item(wigan, "Due soon", user=social_worker, due_at=NOW + timedelta(days=1))
    item(wigan, "Urgent", user=social_worker, urgent=True)

    assert titles(api_get, social_worker) == ["Urgent", "Due soon", "Due later", "Old, not due"]


def test_a_page_with_items_is_audited_and_an_empty_one_is_not(
    api_get, wigan, social_worker, placements_officer
):
    item(wigan, "Own", user=social_worker)

    api_get("work-tray", social_worker)
    api_get("work-tray", placements_officer)

    [row] = api_audit_rows(social_worker, AuditEvent.Action.LIST, "referral")
    assert (row.organisation, row.detail) == (wigan, "1 shown from offset 0 (limit 50)")
    assert not api_audit_rows(placements_officer, AuditEvent.Action.LIST, "referral")


def test_the_team_view_shows_the_managers_teams_items(
    api_get, wigan, social_worker, team_manager, team
):
    item(wigan, "The social worker's", user=social_worker)
    item(wigan, "The team's", team=team)
    item(wigan, "The manager's own", user=team_manager)
    other_team = TeamFactory(organisation=wigan)
    item(wigan, "Another team's", team=other_team)

    assert titles(api_get, team_manager, view="team") == ["The social worker's", "The team's"]
    assert titles(api_get, team_manager) == ["The manager's own"]
    assert titles(api_get, social_worker, view="team") == []


def test_an_unknown_view_is_refused(api_get, social_worker):
    response = api_get("work-tray", social_worker, view="everyone")

    assert response.status_code == 422


@pytest.mark.parametrize("count", [2, 20])
def test_tray_queries_do_not_grow_with_items(
    api_get, wigan, social_worker, team, child, django_assert_num_queries, count
):
    referral = make_referral(child)
    for number in range(count):
        item(wigan, f"Item {number}", team=team, referral=referral)
    api_get.sign_in(social_worker)

    with django_assert_num_queries(REQUEST_QUERIES + 3):  # count, page, audit row
        assert len(api_get("work-tray", social_worker).json()["items"]) == count


def test_the_tray_needs_a_token(api_get, db):
    response = api_get("work-tray")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="hearth"'


def test_an_agency_user_has_an_empty_tray(api_get, agency_user, wigan, social_worker):
    item(wigan, "Every social worker's", role=Role.SOCIAL_WORKER)

    assert api_get("work-tray", agency_user).json() == {"items": [], "count": 0}
