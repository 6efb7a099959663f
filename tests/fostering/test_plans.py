"""Action plans (Trafford's Project Fostering plan, 004): objectives, actions, RAG status with its
history, overdue actions, CSV; planners write, readers read, other councils see nothing."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.fostering import plans
from hearth.fostering.models import ActionPlan, PlanAction
from hearth.people.services import EditConflict

TODAY = date(2027, 3, 15)
ACTION = {
    "objective": "Grow through word of mouth",
    "action": "Pay the reward within a month",
    "lead": "Recruitment officer",
    "due_on_day": "30", "due_on_month": "6", "due_on_year": "2027",
    "success": "Rewards paid on time.",
    "rag": "amber",
}  # fmt: skip


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_a_planner_starts_a_plan(client, fostering_team_manager, wigan):
    client.force_login(fostering_team_manager)
    response = client.post(reverse("fostering_plan_new"), {"title": "Project Fostering"})
    plan = ActionPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "fostering_plan", args=[plan.pk]
    )
    assert (plan.authority, plan.created_by) == (wigan, fostering_team_manager)


def test_a_plan_without_a_title_is_refused_at_the_field(client, fostering_team_manager):
    client.force_login(fostering_team_manager)
    response = client.post(reverse("fostering_plan_new"), {"title": ""})
    assert response.status_code == 200
    assert "Enter the plan&#x27;s title" in response.content.decode()
    assert not ActionPlan.objects.exists()


def test_a_reader_sees_the_plan_without_buttons_and_is_refused_a_form(
    client, iro, action_plan, plan_action
):
    client.force_login(iro)
    page = client.get(reverse("fostering_plan", args=[action_plan.pk])).content.decode()
    assert "Update the recruitment and marketing strategy" in page
    assert "Add an action" not in page
    response = client.post(reverse("fostering_plan_action_status", args=[plan_action.pk]),
                           {"rag": "red", "note": "x", "version": plan_action.version})  # fmt: skip
    assert response.status_code == 403
    assert (
        "Only fostering team managers and the council&#x27;s managers" in response.content.decode()
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()
    plan_action.refresh_from_db()
    assert plan_action.rag == "green"


def test_a_social_worker_who_does_not_read_fostering_is_refused_the_plan(
    client, social_worker, action_plan
):
    client.force_login(social_worker)
    response = client.get(reverse("fostering_plan", args=[action_plan.pk]))
    assert response.status_code == 403


def test_adding_an_action_starts_its_history(client, fostering_team_manager, action_plan):
    client.force_login(fostering_team_manager)
    url = reverse("fostering_plan_action_new", args=[action_plan.pk])
    response = client.post(url, ACTION)
    assert response.status_code == 302
    added = PlanAction.objects.get(action="Pay the reward within a month")
    assert (added.rag, added.due_on) == ("amber", date(2027, 6, 30))
    assert [(u.rag, u.by) for u in added.updates.all()] == [("amber", fostering_team_manager)]


def test_an_action_with_a_bad_date_is_refused_at_the_field(
    client, fostering_team_manager, action_plan
):
    client.force_login(fostering_team_manager)
    url = reverse("fostering_plan_action_new", args=[action_plan.pk])
    response = client.post(url, {**ACTION, "due_on_month": "13"})
    assert response.status_code == 200
    assert "Enter a real date" in response.content.decode()
    assert action_plan.actions.count() == 1


def test_changing_the_status_keeps_the_history(client, fostering_team_manager, plan_action):
    client.force_login(fostering_team_manager)
    url = reverse("fostering_plan_action_status", args=[plan_action.pk])
    data = {"rag": "red", "note": "Slipped: no marketing budget", "version": plan_action.version}
    assert client.post(url, data).status_code == 302
    plan_action.refresh_from_db()
    assert plan_action.rag == "red"
    assert [u.rag for u in plan_action.updates.all()] == ["red", "green"]
    page = client.get(reverse("fostering_plan", args=[plan_action.plan_id])).content.decode()
    assert "Slipped: no marketing budget" in page


def test_an_edit_after_someone_elses_is_refused(client, fostering_team_manager, plan_action):
    old_version = plan_action.version
    plans.action_status(
        by=fostering_team_manager, action=plan_action, rag="amber", note="First",
        expected_version=old_version,
    )  # fmt: skip
    client.force_login(fostering_team_manager)
    url = reverse("fostering_plan_action_edit", args=[plan_action.pk])
    data = {**ACTION, "version": old_version}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Someone else changed this action" in response.content.decode()
    plan_action.refresh_from_db()
    assert plan_action.action == "Update the recruitment and marketing strategy"
    with pytest.raises(EditConflict):
        plans.action_status(
            by=fostering_team_manager, action=plan_action, rag="red", note="x",
            expected_version=old_version,
        )  # fmt: skip


def test_editing_an_action_changes_its_words(client, service_lead, plan_action):
    client.force_login(service_lead)
    url = reverse("fostering_plan_action_edit", args=[plan_action.pk])
    data = {**ACTION, "version": plan_action.version}
    assert client.post(url, data).status_code == 302
    plan_action.refresh_from_db()
    assert (plan_action.action, plan_action.rag) == ("Pay the reward within a month", "green")


def test_overdue_actions_are_tagged_and_complete_ones_are_not(fostering_team_manager, action_plan):
    for rag in ("red", "complete"):
        plans.action_add(
            by=fostering_team_manager, plan=action_plan, objective="Late", action=f"A {rag}",
            lead="L", due_on=date(2027, 1, 1), success="S", rag=rag,
        )  # fmt: skip
    groups = plans.plan_rows(action_plan, TODAY)
    overdue = {a.action: a.overdue for group in groups for a in group["actions"]}
    assert overdue == {
        "Update the recruitment and marketing strategy": False, "A red": True, "A complete": False
    }  # fmt: skip
    assert [group["objective"] for group in groups][1] == "Late"


def test_the_plan_downloads_as_csv(client, placements_officer, action_plan):
    client.force_login(placements_officer)
    response = client.get(reverse("fostering_plan", args=[action_plan.pk]), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "objective,action,lead,due_on,success,status,overdue"
    assert "2027-05-31,The strategy is agreed" in lines[1]


def test_the_list_shows_only_the_councils_plans(
    client, iro, action_plan, trafford, fostering_team_manager, django_assert_max_num_queries
):
    plans.plan_create(by=fostering_team_manager, authority=trafford, title="Trafford's own plan")
    client.force_login(iro)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("fostering_plans")).content.decode()
    assert "Project Fostering" in page and "Trafford&#x27;s own plan" not in page
