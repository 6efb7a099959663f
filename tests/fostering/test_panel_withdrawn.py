"""Panel business whose subject has gone: an assessment ended while at panel, carers who resign
with their deregistration pending. The business is withdrawn (it stays on the sitting's record),
leaves the agency decision maker's list and tray, and its decision step says so instead of
offering a decision. And the decision not to approve ends the application as refused."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import lifecycle, panel
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import Application, Panel, PanelItem
from hearth.trays.models import WorkItem
from tests.factories import HouseholdFactory
from tests.fixtures.fostering_panel import reported_assessment
from tests.screens import page

# Thursday 24 December 2026, 10:00: the panel sits and its minutes are in the same day.
NOW = datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()
TERMS = {"min_age": 0, "max_age": 10, "max_children": 2, "care_types": ["short_term"]}


def on_agenda(sitting, ftm, **arguments):
    return panel.item_add(by=ftm, panel=sitting, **arguments)


def recommend(item, ftm):
    item.refresh_from_db()
    return panel.recommendation_record(
        by=ftm, item=item, recommendation="approve", notes="", expected_version=item.version,
        terms=TERMS if item.business == "assessment" else None,
    )  # fmt: skip


def minute(sitting, ftm):
    sitting.refresh_from_db()
    return panel.minutes_record(
        by=ftm, panel=sitting, received_on=TODAY, minutes="", expected_version=sitting.version
    )


def open_items(kind):
    return WorkItem.objects.filter(kind=kind, closed_at__isnull=True)


@pytest.fixture
def sitting(wigan):
    return Panel.objects.create(authority=wigan, sits_on=TODAY)


@time_machine.travel(NOW, tick=False)
def test_an_assessment_ended_at_panel_is_withdrawn_off_the_decision_makers_list_and_tray(
    client, wigan, sitting, fostering_team_manager, agency_decision_maker
):
    assessment = reported_assessment(wigan)
    item = on_agenda(sitting, fostering_team_manager, business="assessment", assessment=assessment)
    recommend(item, fostering_team_manager)
    minute(sitting, fostering_team_manager)
    assert list(panel.decisions_due([wigan.pk])) == [item]
    assert open_items(WorkItem.Kind.ADM_DECISION).count() == 1

    lifecycle.assessment_end(
        by=fostering_team_manager, assessment=assessment, on=TODAY, reason="withdrew"
    )

    item.refresh_from_db()
    assert (item.withdrawn_on, item.withdrawn_reason) == (TODAY, "The assessment ended")
    assert list(panel.decisions_due([wigan.pk])) == []
    assert not open_items(WorkItem.Kind.ADM_DECISION).exists()
    assert "there is nothing to decide" in panel.why_not_decide_item(agency_decision_maker, item)
    with pytest.raises(StepRefused, match="Withdrawn: The assessment ended"):
        panel.decision_record(
            by=agency_decision_maker, item=item, decision="not_approve", reason="Gone.",
            decided_on=TODAY, expected_version=item.version,
        )  # fmt: skip

    client.force_login(agency_decision_maker)
    text = page(client.get(reverse("fostering_decisions")))
    assert assessment.household.name not in text
    response = client.get(reverse("fostering_decision", args=[item.pk]))
    text = page(response)
    assert response.status_code == 200
    assert "Withdrawn: The assessment ended" in text
    assert "Record the decision" not in text and "Your decision" not in text
    text = page(client.get(reverse("fostering_panel", args=[sitting.pk])))
    assert "Withdrawn from the agenda" in text


@time_machine.travel(NOW, tick=False)
def test_carers_resigning_with_a_deregistration_pending_take_it_off_the_panel(
    client, wigan, sitting, fostering_team_manager, agency_decision_maker
):
    carers = HouseholdFactory(provider=wigan)
    item = on_agenda(
        sitting, fostering_team_manager, business="deregistration", household=carers,
        exit_reason="standards_of_care",
    )  # fmt: skip
    recommend(item, fostering_team_manager)
    minute(sitting, fostering_team_manager)

    lifecycle.leave(
        by=fostering_team_manager, household=carers, kind="resignation", reason="retired",
        on=TODAY,
    )  # fmt: skip

    item.refresh_from_db()
    assert item.withdrawn_on == TODAY and item.decision == ""
    assert list(panel.decisions_due([wigan.pk])) == []
    assert not open_items(WorkItem.Kind.ADM_DECISION).exists()
    client.force_login(agency_decision_maker)
    assert "Withdrawn: The carers left fostering" in page(
        client.get(reverse("fostering_decision", args=[item.pk]))
    )
    assert "Withdrawn: The carers left fostering" in page(
        client.get(reverse("household", args=[carers.pk]))
    )


@time_machine.travel(NOW, tick=False)
def test_the_minutes_do_not_wait_for_business_withdrawn_before_its_recommendation(
    client, wigan, sitting, fostering_team_manager
):
    staying = reported_assessment(wigan)
    going = reported_assessment(wigan)
    kept = on_agenda(sitting, fostering_team_manager, business="assessment", assessment=staying)
    gone = on_agenda(sitting, fostering_team_manager, business="assessment", assessment=going)
    recommend(kept, fostering_team_manager)
    lifecycle.assessment_end(
        by=fostering_team_manager, assessment=going, on=TODAY, reason="withdrew"
    )

    minute(sitting, fostering_team_manager)

    gone.refresh_from_db()
    assert gone.decision_due_on is None
    assert list(panel.decisions_due([wigan.pk])) == [PanelItem.objects.get(pk=kept.pk)]
    assert open_items(WorkItem.Kind.ADM_DECISION).count() == 1
    client.force_login(fostering_team_manager)
    response = client.get(reverse("fostering_panel_item", args=[gone.pk]))
    assert response["Location"] == reverse("fostering_decision", args=[gone.pk])
    with pytest.raises(StepRefused, match="Withdrawn"):
        recommend(gone, fostering_team_manager)


@time_machine.travel(NOW, tick=False)
def test_withdrawn_business_leaves_the_recommendation_tray(wigan, sitting, fostering_team_manager):
    assessment = reported_assessment(wigan)
    on_agenda(sitting, fostering_team_manager, business="assessment", assessment=assessment)
    assert open_items(WorkItem.Kind.PANEL_RECOMMENDATION).count() == 1
    lifecycle.assessment_end(
        by=fostering_team_manager, assessment=assessment, on=TODAY, reason="withdrew"
    )
    assert not open_items(WorkItem.Kind.PANEL_RECOMMENDATION).exists()


@time_machine.travel(NOW, tick=False)
def test_the_decision_not_to_approve_refuses_the_application(
    wigan, sitting, fostering_team_manager, agency_decision_maker
):
    assessment = reported_assessment(wigan)  # with its application, the checks all back
    application = assessment.application
    item = on_agenda(sitting, fostering_team_manager, business="assessment", assessment=assessment)
    recommend(item, fostering_team_manager)
    minute(sitting, fostering_team_manager)
    item.refresh_from_db()

    panel.decision_record(
        by=agency_decision_maker, item=item, decision="not_approve", reason="Not suitable.",
        decided_on=TODAY, expected_version=item.version,
    )  # fmt: skip

    application.refresh_from_db()
    assert (application.status, application.ended_on) == (Application.Status.REFUSED, TODAY)
    item.refresh_from_db()
    assert (item.decision, item.withdrawn_on) == ("not_approve", None)
    assert not open_items(WorkItem.Kind.ADM_DECISION).exists()
