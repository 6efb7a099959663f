"""The fostering panel and the agency decision maker (002): sittings three a month by default; the
agenda; the recommendation recorded on the day; the decision due within 5 working days of the
minutes; approval terms set from the decision, safeguarding training first; appeal within 28 days."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import panel
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import (
    AnnualReview,
    Assessment,
    Exit,
    Panel,
    PanelItem,
    RecruitmentEvent,
    Training,
)
from hearth.people.models import Household
from hearth.trays.models import WorkItem
from tests.factories import HouseholdFactory
from tests.fixtures.fostering_panel import reported_assessment
from tests.screens import field_error, page

# Thursday 24 December 2026, 10:00: the panel sits and its minutes are in the same day.
NOW = datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()
TERMS = {"min_age": 0, "max_age": 10, "max_children": 2, "care_types": ["short_term"]}


def sitting_with(authority, ftm, *, business="assessment", sits_on=TODAY, **arguments):
    sitting, _ = Panel.objects.get_or_create(authority=authority, sits_on=sits_on)
    item = panel.item_add(by=ftm, panel=sitting, business=business, **arguments)
    return sitting, item


def recommended(item, ftm, recommendation="approve", terms=TERMS):
    item.refresh_from_db()
    return panel.recommendation_record(
        by=ftm, item=item, recommendation=recommendation, notes="Discussed.",
        terms=terms if item.business == "assessment" else None, expected_version=item.version,
    )  # fmt: skip


def minuted(sitting, ftm, on=TODAY):
    sitting.refresh_from_db()
    return panel.minutes_record(
        by=ftm, panel=sitting, received_on=on, minutes="Minutes.", expected_version=sitting.version
    )


def decided(item, adm, decision="approve", terms=TERMS):
    item.refresh_from_db()
    return panel.decision_record(
        by=adm, item=item, decision=decision, reason="As the panel said.", decided_on=TODAY,
        terms=terms, expected_version=item.version,
    )  # fmt: skip


def ready_for_decision(wigan, ftm, **arguments):
    sitting, item = sitting_with(wigan, ftm, **arguments)
    recommended(item, ftm)
    minuted(sitting, ftm)
    item.refresh_from_db()
    return item


# Sittings ------------------------------------------------------------------------------------------


def test_three_sittings_a_month_are_proposed_on_working_days_spread_over_it(wigan):
    # January 2027: 1 January is a bank holiday; 20 working days.
    assert panel.proposed_sittings(wigan, date(2027, 1, 1)) == [
        date(2027, 1, 7), date(2027, 1, 18), date(2027, 1, 26),
    ]  # fmt: skip
    wigan.policy.thresholds = {"panels_per_month": 2}
    wigan.policy.save()
    assert panel.proposed_sittings(wigan, date(2027, 1, 1)) == [
        date(2027, 1, 11),
        date(2027, 1, 25),
    ]


def test_the_months_sittings_are_added_from_the_page_each_date_editable(
    client, wigan, fostering_team_manager
):
    client.force_login(fostering_team_manager)
    url = reverse("fostering_panels_month") + "?month=2027-01"
    response = client.get(url)
    assert 'name="sits_on_2_day" type="text" inputmode="numeric" value="26"' in page(response)
    data = {"sits_on_0_day": "7", "sits_on_0_month": "1", "sits_on_0_year": "2027",
            "sits_on_1_day": "19", "sits_on_1_month": "1", "sits_on_1_year": "2027",
            "sits_on_2_day": "19", "sits_on_2_month": "1", "sits_on_2_year": "2027",
            "venue": "Wigan Life Centre"}  # fmt: skip
    response = client.post(url, data)
    assert field_error(response, "sits_on_2") == "The panel already sits on 19 January 2027"
    assert not Panel.objects.exists()

    response = client.post(url, data | {"sits_on_2_day": "27"})
    assert response.status_code == 302
    assert list(Panel.objects.values_list("sits_on", flat=True)) == [
        date(2027, 1, 7), date(2027, 1, 19), date(2027, 1, 27),
    ]  # fmt: skip


def test_only_fostering_team_managers_run_the_panel(client, wigan, supervising_social_worker):
    client.force_login(supervising_social_worker)
    response = client.get(reverse("fostering_panel_new"))
    assert response.status_code == 403
    assert "Only fostering team managers can run the fostering panel" in page(response)


# The agenda and the recommendation -------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_assessment_with_its_report_is_booked_for_panel(wigan, fostering_team_manager):
    assessment = reported_assessment(wigan)
    assert panel.candidates(wigan)["assessment"] == [assessment]
    _sitting, item = sitting_with(wigan, fostering_team_manager, assessment=assessment)
    assessment.refresh_from_db()
    assert (assessment.status, item.household) == (Assessment.Status.AT_PANEL, assessment.household)
    assert panel.candidates(wigan)["assessment"] == []

    unfinished = reported_assessment(wigan)
    unfinished.report_completed_on = None
    unfinished.save()
    with pytest.raises(StepRefused) as refused:
        sitting_with(wigan, fostering_team_manager, assessment=unfinished)
    assert refused.value.field == "assessment"


@time_machine.travel(NOW, tick=False)
def test_the_recommendation_is_recorded_on_the_day_not_before(wigan, fostering_team_manager):
    sitting = Panel.objects.create(authority=wigan, sits_on=date(2027, 1, 7))
    item = panel.item_add(
        by=fostering_team_manager, panel=sitting, business="assessment",
        assessment=reported_assessment(wigan),
    )  # fmt: skip
    with pytest.raises(StepRefused, match="sits on 7 January 2027: record its recommendation on"):
        recommended(item, fostering_team_manager)


@time_machine.travel(NOW, tick=False)
def test_an_approval_recommendation_needs_terms(wigan, fostering_team_manager):
    _sitting, item = sitting_with(
        wigan, fostering_team_manager, assessment=reported_assessment(wigan)
    )
    with pytest.raises(StepRefused) as refused:
        recommended(item, fostering_team_manager, terms={**TERMS, "care_types": []})
    assert refused.value.field == "care_types"


@time_machine.travel(NOW, tick=False)
def test_deferring_sends_the_assessment_back_to_be_booked_again(wigan, fostering_team_manager):
    assessment = reported_assessment(wigan)
    _sitting, item = sitting_with(wigan, fostering_team_manager, assessment=assessment)
    recommended(item, fostering_team_manager, "defer")
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert panel.candidates(wigan)["assessment"] == [assessment]


# The minutes and the decision ---------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_decision_is_due_5_working_days_after_the_minutes(
    wigan, fostering_team_manager, agency_decision_maker
):
    item = ready_for_decision(wigan, fostering_team_manager, assessment=reported_assessment(wigan))
    # Christmas, Boxing Day (on Monday 28th) and New Year's Day are not working days.
    assert item.decision_due_on == date(2027, 1, 5)
    tray = WorkItem.objects.get(kind=WorkItem.Kind.ADM_DECISION)
    assert (tray.assigned_role, tray.key) == ("agency_decision_maker", f"panel-item:{item.pk}")
    assert tray.due_at == datetime.combine(date(2027, 1, 5), time(23, 59, 59), tzinfo=LONDON)
    assert tray.link == reverse("fostering_decision", args=[item.pk])


@time_machine.travel(NOW, tick=False)
def test_minutes_wait_for_every_recommendation(wigan, fostering_team_manager):
    sitting, _item = sitting_with(
        wigan, fostering_team_manager, assessment=reported_assessment(wigan)
    )
    with pytest.raises(StepRefused, match="recommendation on every item"):
        minuted(sitting, fostering_team_manager)


@time_machine.travel(NOW, tick=False)
def test_full_approval_needs_safeguarding_training(
    wigan, fostering_team_manager, agency_decision_maker
):
    item = ready_for_decision(wigan, fostering_team_manager, assessment=reported_assessment(wigan))
    with pytest.raises(StepRefused, match="Safeguarding training must be completed") as refused:
        decided(item, agency_decision_maker)
    assert refused.value.field == "decision"
    item.refresh_from_db()
    assert item.decision == "" and item.household.status == Household.Status.IN_ASSESSMENT


@time_machine.travel(NOW, tick=False)
def test_the_agency_decision_maker_approves_on_the_final_terms_with_no_appeal_window(
    wigan, fostering_team_manager, agency_decision_maker
):
    item = ready_for_decision(wigan, fostering_team_manager, assessment=reported_assessment(wigan))
    Training.objects.create(household=item.household, course="safeguarding", completed_on=TODAY)

    item = decided(item, agency_decision_maker, terms={**TERMS, "max_children": 1})

    household = Household.objects.get(pk=item.household_id)
    assert (household.status, household.approved_on) == (Household.Status.APPROVED, TODAY)
    assert (household.min_age, household.max_age, household.max_children) == (0, 10, 1)
    assert household.care_types == ["short_term"]
    assert Assessment.objects.get(pk=item.assessment_id).status == Assessment.Status.APPROVED
    assert item.appeal_by is None  # an approval is not a decision against them
    assert RecruitmentEvent.objects.filter(event="approved", date=TODAY).count() == 1
    assert not WorkItem.objects.filter(kind="adm_decision", closed_at__isnull=True).exists()


@time_machine.travel(NOW, tick=False)
def test_not_agreeing_to_approve_ends_the_assessment_as_refused(
    wigan, fostering_team_manager, agency_decision_maker
):
    item = ready_for_decision(wigan, fostering_team_manager, assessment=reported_assessment(wigan))
    item = decided(item, agency_decision_maker, "not_approve", terms=None)
    assert item.appeal_by == date(2027, 1, 21)
    assert panel.appeal_words(item) == "The applicants may appeal until 21 January 2027"
    assessment = Assessment.objects.get(pk=item.assessment_id)
    assert (assessment.status, assessment.end_reason) == ("ended", "refused")
    assert Household.objects.get(pk=item.household_id).status == Household.Status.NOT_PROGRESSED


@time_machine.travel(NOW, tick=False)
def test_an_agreed_deregistration_ends_the_approval(
    wigan, fostering_team_manager, agency_decision_maker
):
    carers = HouseholdFactory(provider=wigan)
    item = ready_for_decision(
        wigan, fostering_team_manager, business="deregistration", household=carers,
        exit_reason="standards_of_care",
    )  # fmt: skip
    decided(item, agency_decision_maker, terms=None)
    exit_ = Exit.objects.get(household=carers)
    assert (exit_.kind, exit_.reason, exit_.panel_item_id) == (
        "deregistration", "standards_of_care", item.pk,
    )  # fmt: skip
    assert Household.objects.get(pk=carers.pk).status == Household.Status.DEREGISTERED


@time_machine.travel(NOW, tick=False)
def test_an_agreed_first_review_is_complete(wigan, fostering_team_manager, agency_decision_maker):
    carers = HouseholdFactory(provider=wigan, approved_on=date(2025, 12, 1))
    review = AnnualReview.objects.create(
        authority=wigan, household=carers, due_on=date(2026, 12, 1), first=True,
        status=AnnualReview.Status.HELD, held_on=date(2026, 12, 1),
    )  # fmt: skip
    item = ready_for_decision(wigan, fostering_team_manager, business="first_review", review=review)
    decided(item, agency_decision_maker, terms=None)
    review.refresh_from_db()
    assert review.status == AnnualReview.Status.COMPLETE


def test_only_the_agency_decision_maker_decides(
    client, wigan, fostering_team_manager, awaiting_decision
):
    with pytest.raises(StepRefused, match="Only the agency decision maker"):
        decided(awaiting_decision, fostering_team_manager)
    client.force_login(fostering_team_manager)
    response = client.post(reverse("fostering_decision", args=[awaiting_decision.pk]), {})
    assert response.status_code == 403


# Walking the screens ----------------------------------------------------------------------------


def test_recommendation_minutes_and_decision_on_screen(
    client, wigan, fostering_team_manager, agency_decision_maker, booked_item
):
    client.force_login(fostering_team_manager)
    sitting_url = reverse("fostering_panel", args=[booked_item.panel_id])
    assert "Record the recommendation" in page(client.get(sitting_url))
    response = client.post(
        reverse("fostering_panel_item", args=[booked_item.pk]),
        {"version": booked_item.version, "recommendation": "approve", "min_age": "0",
         "max_age": "10", "max_children": "2", "care_types": ["short_term"]},
    )  # fmt: skip
    assert response["Location"] == sitting_url
    today = booked_item.panel.sits_on
    sitting = Panel.objects.get(pk=booked_item.panel_id)
    response = client.post(
        reverse("fostering_panel_minutes", args=[sitting.pk]),
        {"version": sitting.version, "received_on_day": today.day,
         "received_on_month": today.month, "received_on_year": today.year},
    )  # fmt: skip
    assert response["Location"] == sitting_url

    client.force_login(agency_decision_maker)
    assert booked_item.household.name in page(client.get(reverse("fostering_decisions")))
    item = PanelItem.objects.get(pk=booked_item.pk)
    url = reverse("fostering_decision", args=[item.pk])
    data = {"version": item.version, "decision": "approve", "reason": "Agreed.",
            "decided_on_day": today.day, "decided_on_month": today.month,
            "decided_on_year": today.year, "min_age": "0", "max_age": "10", "max_children": "2",
            "care_types": ["short_term"]}  # fmt: skip
    response = client.post(url, data)
    assert field_error(response, "decision") == panel.SAFEGUARDING_NEEDED
    Training.objects.create(household=item.household, course="safeguarding", completed_on=today)
    response = client.post(url, data, follow=True)
    assert "Your decision is recorded: approve them as foster carers" in page(response)
    assert "appeal" not in page(response).split("<main", 1)[1]  # an approval: nothing to appeal
    household_page = page(client.get(reverse("household", args=[item.household_id])))
    assert "Panel business and decisions" in household_page
    assert "may appeal" not in household_page


@time_machine.travel(NOW, tick=False)
def test_the_decisions_list_tags_overdue_ones_in_few_queries(
    client, wigan, fostering_team_manager, agency_decision_maker, django_assert_max_num_queries
):
    for number in range(4):
        ready_for_decision(
            wigan, fostering_team_manager, assessment=reported_assessment(wigan),
            sits_on=date(2026, 12, 1 + number),
        )  # fmt: skip
    with time_machine.travel(datetime(2027, 1, 6, 9, tzinfo=LONDON), tick=False):
        client.force_login(agency_decision_maker)
        with django_assert_max_num_queries(13):
            response = client.get(reverse("fostering_decisions"))
    assert page(response).count("Overdue</strong>") == 4
