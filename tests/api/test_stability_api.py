"""GET and POST /api/v1/stability-meetings, and the stability rules of GET /api/v1/policy/due."""

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.stability.models import Action, Meeting
from hearth.trays.models import WorkItem
from tests.factories import ChildFactory, HouseholdFactory
from tests.fixtures.stability import place

CHRISTMAS_EVE = datetime(2026, 12, 24, 16, 0, tzinfo=LONDON)


@pytest.fixture
def api_post(client, api_get):
    """POST a JSON body to an /api/v1/ path as `user`, with their token."""

    def post(path, user, body):
        headers = {"Authorization": f"Bearer {api_get.sign_in(user)}"}
        return client.post(
            f"/api/v1/{path}", json.dumps(body), content_type="application/json", headers=headers
        )

    return post


def concern(placement, **changes):
    return {
        "placement": placement.pk,
        "raised_by": "social_worker",
        "concern": "Amy has run away twice this month.",
        **changes,
    }


# Reading -----------------------------------------------------------------------------------------


def test_the_list_gives_the_councils_meetings_a_page_at_a_time(
    api_get, social_worker, report_api_meeting
):
    response = api_get("stability-meetings", social_worker)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["id"], item["reference"], item["kind"], item["status"]) == (
        report_api_meeting.pk, f"SM-{report_api_meeting.pk}", "stability", "requested",
    )  # fmt: skip
    listed = AuditEvent.objects.get(action=AuditEvent.Action.LIST)
    assert (listed.record_type, listed.detail) == (
        "stability_meeting", "1 shown from offset 0 (limit 50)"
    )  # fmt: skip


@pytest.mark.parametrize("meetings", [1, 3])
def test_the_list_takes_the_same_queries_however_many_meetings_and_actions(
    api_get, social_worker, team_manager, report_api_meeting, living_placement, meetings,
    django_assert_num_queries,
):  # fmt: skip
    from tests.fixtures.stability import meeting_for_actions

    listed = [report_api_meeting] + [
        meeting_for_actions(
            living_placement, chair=team_manager, held_at=timezone.now() - timedelta(days=days)
        )
        for days in range(1, meetings)
    ]
    for meeting in listed:
        Action.objects.create(
            meeting=meeting, description="Refer to CAMHS.", owner=social_worker,
            given_to=social_worker, due_on=timezone.localdate(), created_by=team_manager,
        )  # fmt: skip
    api_get.sign_in(social_worker)

    with django_assert_num_queries(10):
        response = api_get("stability-meetings", social_worker)

    assert response.json()["count"] == meetings
    assert sum(len(item["actions"]) for item in response.json()["items"]) == meetings


def test_the_list_filters_by_placement_child_status_and_kind(
    api_get, social_worker, report_api_meeting, wigan, household, placements_officer
):
    other = place(ChildFactory(authority=wigan, reference="C-2"), HouseholdFactory(provider=wigan),
                  by=placements_officer)  # fmt: skip
    sooner = report_api_meeting.due_at - timedelta(days=1)
    held = Meeting.objects.create(
        authority=wigan, kind="stability", placement=other, child_id=other.child_id,
        household_id=other.household_id, raised_by="iro", requested_at=sooner, due_at=sooner,
        held_at=sooner, status="held",
    )  # fmt: skip

    def ids(**filters):
        response = api_get("stability-meetings", social_worker, **filters)
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [held.pk, report_api_meeting.pk]  # the soonest due first
    assert ids(placement=other.pk) == [held.pk]
    assert ids(child=report_api_meeting.child_id) == [report_api_meeting.pk]
    assert ids(status="held") == [held.pk]
    assert ids(kind="unplanned_ending") == []
    assert api_get("stability-meetings", social_worker, status="lost").status_code == 422


def test_another_council_lists_none_of_them(api_get, outsider, report_api_meeting):
    assert api_get("stability-meetings", outsider).json()["items"] == []


def test_a_meeting_reads_with_its_timescales_and_actions(
    api_get, social_worker, team_manager, report_api_meeting
):
    yesterday = timezone.localdate() - timedelta(days=1)
    Action.objects.create(
        meeting=report_api_meeting, description="Refer to CAMHS.", owner=social_worker,
        given_to=social_worker, due_on=yesterday, created_by=team_manager,
    )  # fmt: skip

    response = api_get(f"stability-meetings/{report_api_meeting.pk}", social_worker)

    assert response.status_code == 200
    body = response.json()
    assert body["placement"] == report_api_meeting.placement_id
    assert body["child"] == report_api_meeting.child_id
    assert body["household"] == report_api_meeting.household_id
    assert body["raised_by"] == "social_worker"
    assert body["concern"] == "Amy has run away twice this month."
    assert body["requested_by"] == social_worker.username
    assert body["due_from"] is None
    due_at = datetime.fromisoformat(body["due_at"])
    assert abs(due_at - report_api_meeting.due_at) < timedelta(milliseconds=1)
    assert body["overdue"] is False
    assert body["actions"] == [
        {
            "id": body["actions"][0]["id"], "description": "Refer to CAMHS.",
            "owner": social_worker.username, "due_on": yesterday.isoformat(), "status": "open",
            "done_at": None, "overdue": True,
        }
    ]  # fmt: skip
    viewed = AuditEvent.objects.get(action=AuditEvent.Action.VIEW)
    assert (viewed.record_type, viewed.record_id) == (
        "stability_meeting", str(report_api_meeting.pk),
    )  # fmt: skip


def test_a_meeting_past_its_due_time_is_overdue(api_get, social_worker, report_api_meeting):
    Meeting.objects.filter(pk=report_api_meeting.pk).update(
        due_at=report_api_meeting.requested_at - timedelta(hours=1)
    )

    body = api_get(f"stability-meetings/{report_api_meeting.pk}", social_worker).json()

    assert body["overdue"] is True


def test_another_councils_meeting_is_not_found_and_the_attempt_kept(
    api_get, outsider, report_api_meeting
):
    response = api_get(f"stability-meetings/{report_api_meeting.pk}", outsider)

    assert response.status_code == 404
    denial = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
    assert (denial.username, denial.record_id) == (outsider.username, str(report_api_meeting.pk))


# Asking for a meeting -------------------------------------------------------------------------------


@time_machine.travel(CHRISTMAS_EVE, tick=False)
def test_a_concern_asks_for_a_meeting_due_in_48_hours(
    api_post, social_worker, team_manager, living_placement
):
    response = api_post("stability-meetings", social_worker, concern(living_placement))

    assert response.status_code == 201
    body = response.json()
    assert body["kind"] == "stability" and body["status"] == "requested"
    assert body["due_at"] == "2026-12-26T16:00:00Z"  # Saturday: hours are hours
    assert body["requested_by"] == social_worker.username
    meeting = Meeting.objects.get(pk=body["id"])
    assert meeting.placement == living_placement
    item = WorkItem.objects.get(kind=WorkItem.Kind.STABILITY_MEETING)
    assert item.assigned_user == team_manager


@time_machine.travel(CHRISTMAS_EVE, tick=False)
def test_a_second_concern_joins_the_meeting_waiting_to_be_held(
    api_post, social_worker, iro, living_placement
):
    first = api_post("stability-meetings", social_worker, concern(living_placement)).json()

    second = api_post(
        "stability-meetings", iro, concern(living_placement, raised_by="iro", concern="Also me.")
    )

    assert second.status_code == 200
    assert second.json()["id"] == first["id"]
    assert Meeting.objects.count() == 1


def test_what_is_wrong_is_said_at_each_field_and_nothing_is_written(
    api_post, social_worker, living_placement
):
    response = api_post(
        "stability-meetings", social_worker,
        concern(living_placement, raised_by="school", raised_by_name=" ", concern=""),
    )  # fmt: skip

    assert response.status_code == 422
    fields = response.json()["fields"]
    assert set(fields) == {"raised_by_name", "concern"}
    assert fields["concern"] == "Say what they are worried about"
    assert not Meeting.objects.exists()


def test_a_body_without_a_placement_is_refused(api_post, social_worker, living_placement):
    body = concern(living_placement)
    del body["placement"]

    response = api_post("stability-meetings", social_worker, body)

    assert response.status_code == 422
    assert not Meeting.objects.exists()


def test_another_councils_placement_is_not_found_and_the_attempt_kept(
    api_post, outsider, living_placement
):
    response = api_post("stability-meetings", outsider, concern(living_placement))

    assert response.status_code == 404
    assert not Meeting.objects.exists()
    denial = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
    assert (denial.username, denial.record_type, denial.record_id) == (
        outsider.username, "placement", str(living_placement.pk),
    )  # fmt: skip


def test_someone_outside_the_team_around_the_child_is_refused(
    api_post, virtual_school, living_placement
):
    response = api_post("stability-meetings", virtual_school, concern(living_placement))

    assert response.status_code == 403
    assert "can ask for a stability meeting" in response.json()["detail"]
    assert not Meeting.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == 1


def test_the_api_needs_a_token(client, report_api_meeting):
    assert client.get("/api/v1/stability-meetings").status_code == 401


# The stability rules of GET /policy/due ------------------------------------------------------------


def test_a_stability_meeting_asked_for_on_christmas_eve_is_due_on_boxing_day(
    api_get, social_worker
):
    response = api_get(
        "policy/due",
        social_worker,
        rule="stability_meeting",
        **{"from": "2026-12-24T16:00:00+00:00"},
    )

    assert response.status_code == 200
    assert response.json()["due"] == "2026-12-26T16:00:00+00:00"


def test_minutes_of_a_meeting_held_on_christmas_eve_are_due_by_the_end_of_the_31st(
    api_get, social_worker
):
    response = api_get(
        "policy/due",
        social_worker,
        rule="stability_minutes",
        **{"from": "2026-12-24T16:00:00+00:00"},
    )

    assert response.json()["due"] == "2026-12-31T23:59:59+00:00"  # Europe/London in winter


def test_the_policy_gives_the_review_panel_administrators_address(api_get, social_worker, wigan):
    wigan.policy.contacts = {"review_panel_administrator": "panel@wigan.example.org"}
    wigan.policy.save()

    contacts = api_get("policy", social_worker).json()["contacts"]

    assert contacts["review_panel_administrator"]["value"] == "panel@wigan.example.org"
    assert contacts["review_panel_administrator"]["label"].startswith("Children's Review Panel")
