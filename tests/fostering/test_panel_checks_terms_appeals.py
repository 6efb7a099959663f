"""What a walk through the panel's screens found: an assessment goes to panel only with every
statutory check back, and the recommendation and decision show them; a change of approval terms
goes through the panel; only decisions against the people can be appealed or reviewed; the
household record links the business waiting to the page where it is decided; a second extension
says why it is refused; the terms are not labelled optional; the lists give references."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import panel
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import (
    AnnualReview,
    Assessment,
    Panel,
    PanelItem,
    StatutoryCheck,
    TemporaryApproval,
)
from hearth.people.models import Household
from tests.factories import HouseholdFactory
from tests.fixtures.fostering_panel import reported_assessment
from tests.screens import field_error, page

# Thursday 24 December 2026, 10:00: the panel sits and its minutes are in the same day.
NOW = datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()
TERMS = {"min_age": 0, "max_age": 10, "max_children": 2, "care_types": ["short_term"]}
NEW_TERMS = {"min_age": 5, "max_age": 15, "max_children": 1, "care_types": ["long_term"]}


def sitting_with(authority, ftm, *, business="assessment", **arguments):
    sitting, _ = Panel.objects.get_or_create(authority=authority, sits_on=TODAY)
    return sitting, panel.item_add(by=ftm, panel=sitting, business=business, **arguments)


def ready_for_decision(authority, ftm, *, terms=None, **arguments):
    if arguments.get("business") == "change_of_terms":  # proposed, then recommended
        arguments["terms"] = terms
    sitting, item = sitting_with(authority, ftm, **arguments)
    item.refresh_from_db()
    panel.recommendation_record(
        by=ftm, item=item, recommendation="approve", notes="Discussed.", terms=terms,
        expected_version=item.version,
    )  # fmt: skip
    sitting.refresh_from_db()
    panel.minutes_record(
        by=ftm, panel=sitting, received_on=TODAY, minutes="Minutes.",
        expected_version=sitting.version,
    )  # fmt: skip
    return PanelItem.objects.get(pk=item.pk)


def decided(item, adm, decision="approve", terms=None):
    item.refresh_from_db()
    return panel.decision_record(
        by=adm, item=item, decision=decision, reason="As the panel said.", decided_on=TODAY,
        terms=terms, expected_version=item.version,
    )  # fmt: skip


# UX1: every statutory check back before panel ------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_assessment_with_checks_outstanding_cannot_go_to_panel(wigan, fostering_team_manager):
    assessment = reported_assessment(wigan, checks_back=4)
    sitting = Panel.objects.create(authority=wigan, sits_on=TODAY)
    with pytest.raises(StepRefused) as refused:
        panel.item_add(
            by=fostering_team_manager, panel=sitting, business="assessment", assessment=assessment
        )
    assert refused.value.field == "assessment"
    assert refused.value.message == (
        "Every statutory check must be back before panel (4 of 6 back): still to come back: "
        "the ex-partners check and the employers check"
    )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert not PanelItem.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_assessment_without_an_application_cannot_go_to_panel(wigan, fostering_team_manager):
    assessment = reported_assessment(wigan)
    Assessment.objects.filter(pk=assessment.pk).update(application=None)
    assessment.refresh_from_db()
    sitting = Panel.objects.create(authority=wigan, sits_on=TODAY)
    with pytest.raises(StepRefused, match="no application") as refused:
        panel.item_add(
            by=fostering_team_manager, panel=sitting, business="assessment", assessment=assessment
        )
    assert refused.value.field == "assessment"


@time_machine.travel(NOW, tick=False)
def test_the_agenda_page_shows_the_checks_and_refuses_at_the_field(
    client, wigan, fostering_team_manager
):
    assessment = reported_assessment(wigan, checks_back=5)
    sitting = Panel.objects.create(authority=wigan, sits_on=TODAY)
    client.force_login(fostering_team_manager)
    url = reverse("fostering_panel_item_add", args=[sitting.pk, "assessment"])
    assert "statutory checks 5 of 6 back" in page(client.get(url))
    response = client.post(url, {"assessment": assessment.pk})
    assert field_error(response, "assessment") == (
        "Every statutory check must be back before panel (5 of 6 back): still to come back: "
        "the employers check"
    )


@time_machine.travel(NOW, tick=False)
def test_the_recommendation_and_decision_pages_show_the_checks(
    client, wigan, fostering_team_manager, agency_decision_maker
):
    assessment = reported_assessment(wigan)
    StatutoryCheck.objects.filter(application=assessment.application, kind="dbs").update(
        outcome="concern"
    )
    _sitting, item = sitting_with(wigan, fostering_team_manager, assessment=assessment)
    client.force_login(fostering_team_manager)
    text = page(client.get(reverse("fostering_panel_item", args=[item.pk])))
    assert "Statutory checks" in text
    assert "6 of 6 back; a concern: the DBS enhanced check" in text

    item.refresh_from_db()
    panel.recommendation_record(
        by=fostering_team_manager, item=item, recommendation="approve", notes="", terms=TERMS,
        expected_version=item.version,
    )  # fmt: skip
    sitting = Panel.objects.get(pk=item.panel_id)
    panel.minutes_record(
        by=fostering_team_manager, panel=sitting, received_on=TODAY, minutes="",
        expected_version=sitting.version,
    )  # fmt: skip
    client.force_login(agency_decision_maker)
    text = page(client.get(reverse("fostering_decision", args=[item.pk])))
    assert "6 of 6 back; a concern: the DBS enhanced check" in text


# UX2: a change of approval terms through the panel -------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_change_of_terms_agreed_changes_the_terms_and_may_be_reviewed(
    wigan, fostering_team_manager, agency_decision_maker
):
    carers = HouseholdFactory(provider=wigan)
    assert carers in panel.candidates(wigan)["change_of_terms"]
    item = ready_for_decision(
        wigan, fostering_team_manager, business="change_of_terms", household=carers,
        terms=NEW_TERMS,
    )  # fmt: skip
    assert item.max_children == 1
    assert carers not in panel.candidates(wigan)["change_of_terms"]  # already on an agenda

    item = decided(item, agency_decision_maker, terms={**NEW_TERMS, "max_age": 14})

    carers.refresh_from_db()
    assert (carers.min_age, carers.max_age, carers.max_children) == (5, 14, 1)
    assert carers.care_types == ["long_term"]
    assert carers.status == Household.Status.APPROVED
    assert item.appeal_by == date(2027, 1, 21)
    assert panel.appeal_words(item) == (
        "The carers may ask for a review of this decision until 21 January 2027"
    )


@time_machine.travel(NOW, tick=False)
def test_a_change_of_terms_not_agreed_leaves_the_terms_and_has_no_review(
    wigan, fostering_team_manager, agency_decision_maker
):
    carers = HouseholdFactory(provider=wigan)
    item = ready_for_decision(
        wigan, fostering_team_manager, business="change_of_terms", household=carers,
        terms=NEW_TERMS,
    )  # fmt: skip
    item = decided(item, agency_decision_maker, "not_approve")
    carers.refresh_from_db()
    assert (carers.min_age, carers.max_age, carers.max_children) == (0, 17, 2)
    assert item.appeal_by is None and panel.appeal_words(item) == ""


def test_a_change_of_terms_needs_the_terms_proposed(wigan, fostering_team_manager):
    sitting = Panel.objects.create(authority=wigan, sits_on=date(2027, 1, 7))
    carers = HouseholdFactory(provider=wigan)
    with pytest.raises(StepRefused, match="Approve for at least one child"):
        panel.item_add(
            by=fostering_team_manager, panel=sitting, business="change_of_terms",
            household=carers, terms={**NEW_TERMS, "max_children": None},
        )  # fmt: skip


def test_an_annual_review_recommending_new_terms_puts_the_carers_first(
    wigan, fostering_team_manager
):
    HouseholdFactory(provider=wigan, name="Abbott household")
    carers = HouseholdFactory(provider=wigan, name="Young household")
    review = AnnualReview.objects.create(
        authority=wigan, household=carers, due_on=date(2026, 12, 1),
        status=AnnualReview.Status.COMPLETE, held_on=date(2026, 12, 1),
        recommendation="change_terms",
    )  # fmt: skip
    (first, *_rest) = panel.candidates(wigan)["change_of_terms"]
    assert (first, first.terms_review) == (carers, review)
    assert panel.terms_review(carers) == review


def test_the_change_of_terms_is_added_from_the_agenda_page(client, wigan, fostering_team_manager):
    sitting = Panel.objects.create(authority=wigan, sits_on=date(2027, 1, 7))
    carers = HouseholdFactory(provider=wigan)
    client.force_login(fostering_team_manager)
    url = reverse("fostering_panel_item_add", args=[sitting.pk, "change-of-terms"])
    text = page(client.get(url))
    assert f"{carers.name} ({carers.reference}): now Ages 0 to 17, up to 2 children" in text
    assert "Youngest age (optional)" not in text
    response = client.post(url, {"household": carers.pk})
    assert field_error(response, "max_children") == "Approve for at least one child"
    response = client.post(
        url, {"household": carers.pk, "min_age": "5", "max_age": "15", "max_children": "1",
              "care_types": ["long_term"]},
    )  # fmt: skip
    assert response.status_code == 302
    item = PanelItem.objects.get()
    assert (item.business, item.household, item.max_age) == ("change_of_terms", carers, 15)


# UX7: the appeal window only for decisions against the people ------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_deregistration_agreed_may_be_reviewed(
    client, wigan, fostering_team_manager, agency_decision_maker
):
    carers = HouseholdFactory(provider=wigan)
    item = ready_for_decision(
        wigan, fostering_team_manager, business="deregistration", household=carers,
        exit_reason="standards_of_care",
    )  # fmt: skip
    item = decided(item, agency_decision_maker)
    words = "The carers may ask for a review of this decision until 21 January 2027"
    assert panel.appeal_words(item) == words
    client.force_login(agency_decision_maker)
    assert words in page(client.get(reverse("fostering_decision", args=[item.pk])))
    assert words in page(client.get(reverse("fostering_decisions")))
    assert words in page(client.get(reverse("household", args=[carers.pk])))
    assert "may appeal" not in page(client.get(reverse("household", args=[carers.pk])))


@time_machine.travel(NOW, tick=False)
def test_an_extension_and_a_first_review_have_no_appeal(
    client, wigan, fostering_team_manager, agency_decision_maker, agreed_viability
):
    carers = HouseholdFactory(provider=wigan, approved_on=date(2025, 12, 1))
    review = AnnualReview.objects.create(
        authority=wigan, household=carers, due_on=date(2026, 12, 1), first=True,
        status=AnnualReview.Status.HELD, held_on=date(2026, 12, 1),
    )  # fmt: skip
    item = ready_for_decision(wigan, fostering_team_manager, business="first_review", review=review)
    item = decided(item, agency_decision_maker)
    assert item.appeal_by is None
    client.force_login(agency_decision_maker)
    text = page(client.get(reverse("fostering_decisions")))
    assert "None: the decision is not against them" in text
    assert "appeal until" not in text


@time_machine.travel(NOW, tick=False)
def test_the_decision_page_says_who_may_challenge_it(
    client, wigan, fostering_team_manager, agency_decision_maker
):
    carers = HouseholdFactory(provider=wigan)
    item = ready_for_decision(
        wigan, fostering_team_manager, business="deregistration", household=carers,
        exit_reason="retirement",
    )  # fmt: skip
    client.force_login(agency_decision_maker)
    text = page(client.get(reverse("fostering_decision", args=[item.pk])))
    assert "If you agree, the carers may ask for a review within 28 days." in text
    assert "applicants may appeal" not in text


# UX10: the household record links business waiting to where it is decided ------------------------


@time_machine.travel(NOW, tick=False)
def test_the_household_record_links_the_decision_waiting_for_the_decision_maker(
    client, wigan, fostering_team_manager, agency_decision_maker, supervising_social_worker
):
    item = ready_for_decision(
        wigan, fostering_team_manager, terms=TERMS, assessment=reported_assessment(wigan)
    )
    household_url = reverse("household", args=[item.household_id])
    decision_url = reverse("fostering_decision", args=[item.pk])
    client.force_login(agency_decision_maker)
    text = page(client.get(household_url))
    assert f'href="{decision_url}"' in text
    assert "Make the decision" in text
    client.force_login(supervising_social_worker)  # reads, does not decide: no link
    assert f'href="{decision_url}"' not in page(client.get(household_url))


# UX20: a second extension, the terms not optional -------------------------------------------------


def test_a_second_extension_says_why_it_is_refused(
    client, wigan, fostering_team_manager, agreed_viability, agency_decision_maker,
    supervising_social_worker,
):  # fmt: skip
    from hearth.fostering import kinship

    today = date.today()
    approval = kinship.temporary_approve(
        by=agency_decision_maker, viability=agreed_viability, child=agreed_viability.child,
        approved_on=today, reason="Tonight.", min_age=0, max_age=17, max_children=1,
        assessor=supervising_social_worker, consent_to_checks=True,
    )  # fmt: skip
    Assessment.objects.filter(pk=approval.assessment_id).update(extended_to=date(2027, 6, 4))
    approval = TemporaryApproval.objects.get(pk=approval.pk)
    sitting = Panel.objects.create(authority=wigan, sits_on=today)
    client.force_login(fostering_team_manager)
    url = reverse("fostering_panel_item_add", args=[sitting.pk, "extension"])
    assert "already extended once, to 4 June 2027" in page(client.get(url))
    response = client.post(url, {"approval": approval.pk, "extension_weeks": "4"})
    assert field_error(response, "approval") == (
        "This assessment has already been extended once (to 4 June 2027): Regulation 25 allows "
        "one extension"
    )
    assert not PanelItem.objects.exists()
    response = client.post(url, {"extension_weeks": "4"})
    assert field_error(response, "approval") == "Choose the Regulation 24 approval"


def test_the_terms_of_an_approval_are_not_labelled_optional(
    client, fostering_team_manager, booked_item
):
    client.force_login(fostering_team_manager)
    text = page(client.get(reverse("fostering_panel_item", args=[booked_item.pk])))
    for label in ("Youngest age", "Oldest age", "Number of children"):
        assert f"{label}</label>" in text and f"{label} (optional)" not in text


# UX21: references beside the names --------------------------------------------------------------


def test_the_decisions_list_gives_the_households_reference(
    client, agency_decision_maker, awaiting_decision
):
    client.force_login(agency_decision_maker)
    household = awaiting_decision.household
    text = page(client.get(reverse("fostering_decisions")))
    assert f"{household.name}</a> ({household.reference})" in text
