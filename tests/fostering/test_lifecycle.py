"""The steps that move a council's household from one status to another (`lifecycle`): each refuses
what cannot happen, and leaves the household's other records agreeing with its new status."""

from datetime import date

import pytest

from hearth.fostering import lifecycle
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import (
    Application,
    Assessment,
    Panel,
    PanelItem,
    RecruitmentEvent,
    TemporaryApproval,
)
from hearth.people.models import Household
from tests.factories import ChildFactory, HouseholdFactory

Status = Household.Status
TERMS = {"min_age": 0, "max_age": 10, "max_children": 2, "care_types": ["short_term"]}


@pytest.fixture
def applicants(wigan):
    household = HouseholdFactory(provider=wigan, status=Status.APPLICATION, approved_on=None)
    application = Application.objects.create(
        authority=wigan, household=household, received_on=date(2026, 5, 1),
        consent_to_checks=True, status=Application.Status.ASSESSMENT,
    )  # fmt: skip
    return household, application


def events(household):
    return list(
        RecruitmentEvent.objects.filter(household=household).values_list("event", flat=True)
    )


def test_full_approval_refused_for_carers_already_approved(household, agency_decision_maker):
    with pytest.raises(StepRefused, match="only people being assessed can be approved"):
        lifecycle.approve(
            by=agency_decision_maker, household=household, on=date(2026, 11, 2), terms=TERMS
        )


def test_temporary_approval_refused_for_carers_already_approved(household, agency_decision_maker):
    with pytest.raises(StepRefused, match="a temporary approval is for people being assessed"):
        lifecycle.approve(
            by=agency_decision_maker, household=household, on=date(2026, 11, 2), terms=TERMS,
            temporary=True,
        )  # fmt: skip
    household.refresh_from_db()
    assert household.status == Status.APPROVED


def test_full_approval_ends_the_temporary_approval_and_approves_the_application(
    wigan, applicants, agency_decision_maker, supervising_social_worker
):
    household, application = applicants
    lifecycle.approve(
        by=agency_decision_maker, household=household, on=date(2026, 6, 1), terms=TERMS,
        temporary=True,
    )  # fmt: skip
    TemporaryApproval.objects.create(
        authority=wigan, household=household, approved_on=date(2026, 6, 1),
        assessment_due_on=date(2026, 9, 21),
    )  # fmt: skip

    lifecycle.approve(
        by=agency_decision_maker, household=household, on=date(2026, 9, 1), terms=TERMS
    )

    household.refresh_from_db()
    application.refresh_from_db()
    assert household.status == Status.APPROVED
    assert TemporaryApproval.objects.get(household=household).ended_on == date(2026, 9, 1)
    assert application.status == Application.Status.APPROVED
    assert events(household) == ["approved"]  # the temporary approval is not counted


def test_ending_an_assessment_ends_its_application_and_withdraws_its_panel_business(
    wigan, applicants, supervising_social_worker
):
    household, application = applicants
    assessment = lifecycle.assessment_start(
        by=supervising_social_worker, household=household, kind="form_f",
        started_on=date(2026, 5, 10), application=application,
    )  # fmt: skip
    panel = Panel.objects.create(authority=wigan, sits_on=date(2026, 11, 10))
    item = PanelItem.objects.create(
        panel=panel, household=household, business="assessment", assessment=assessment
    )

    lifecycle.assessment_end(
        by=supervising_social_worker, assessment=assessment, on=date(2026, 11, 3), reason="refused"
    )

    application.refresh_from_db()
    item.refresh_from_db()
    assert application.status == Application.Status.REFUSED
    assert application.ended_on == date(2026, 11, 3)
    assert item.withdrawn_on == date(2026, 11, 3)
    assert item.withdrawn_reason == "The assessment ended"
    household.refresh_from_db()
    assert household.status == Status.NOT_PROGRESSED


def test_withdrawn_applicants_leave_their_application_withdrawn(
    applicants, supervising_social_worker
):
    household, application = applicants
    assessment = lifecycle.assessment_start(
        by=supervising_social_worker, household=household, kind="form_f",
        started_on=date(2026, 5, 10), application=application,
    )  # fmt: skip

    lifecycle.assessment_end(
        by=supervising_social_worker, assessment=assessment, on=date(2026, 7, 1), reason="withdrew"
    )

    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN


def test_carers_cannot_leave_while_a_child_lives_with_them(
    wigan, household, fostering_team_manager
):
    ChildFactory(authority=wigan, placed_with=household)

    with pytest.raises(StepRefused, match="1 child lives with"):
        lifecycle.leave(
            by=fostering_team_manager, household=household, kind="resignation",
            reason="retirement", on=date(2026, 11, 2),
        )  # fmt: skip
    household.refresh_from_db()
    assert household.status == Status.APPROVED


def test_leaving_under_a_temporary_approval_ends_the_assessment_before_the_exit(
    wigan, applicants, agency_decision_maker, supervising_social_worker, fostering_team_manager
):
    household, _application = applicants
    lifecycle.approve(
        by=agency_decision_maker, household=household, on=date(2026, 6, 1), terms=TERMS,
        temporary=True,
    )  # fmt: skip
    assessment = lifecycle.assessment_start(
        by=supervising_social_worker, household=household, kind="form_k",
        started_on=date(2026, 6, 1),
    )  # fmt: skip

    lifecycle.leave(
        by=fostering_team_manager, household=household, kind="resignation",
        reason="family_circumstances", on=date(2026, 8, 3),
    )  # fmt: skip

    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.ENDED
    assert events(household) == ["assessment_started", "assessment_ended", "exited"]


def test_terms_change_for_approved_carers_only(wigan, household, applicants, agency_decision_maker):
    lifecycle.terms_change(
        by=agency_decision_maker, household=household, on=date(2026, 11, 2),
        terms={"max_children": 3, "care_types": ["long_term"]},
    )  # fmt: skip
    household.refresh_from_db()
    assert (household.max_children, household.care_types) == (3, ["long_term"])

    with pytest.raises(StepRefused, match="only approved carers' terms can change"):
        lifecycle.terms_change(
            by=agency_decision_maker, household=applicants[0], on=date(2026, 11, 2),
            terms={"max_children": 3},
        )  # fmt: skip


def test_an_assessment_ended_at_panel_closes_the_assessors_and_the_checks_tray_items(
    wigan, applicants, supervising_social_worker
):
    from hearth.trays.models import WorkItem
    from hearth.trays.services import item_open

    household, application = applicants
    assessment = lifecycle.assessment_start(
        by=supervising_social_worker, household=household, kind="form_f",
        started_on=date(2026, 5, 10), application=application,
    )  # fmt: skip
    for key in (f"assessment:{assessment.pk}", f"application:{application.pk}"):
        item_open(organisation=wigan, kind="assessment", title="Assess", key=key,
                  user=supervising_social_worker)  # fmt: skip

    lifecycle.assessment_end(
        by=supervising_social_worker, assessment=assessment, on=date(2026, 11, 3), reason="refused"
    )

    assert not WorkItem.objects.filter(organisation=wigan, closed_at__isnull=True).exists()


def test_carers_leaving_closes_the_tray_items_of_their_support(
    wigan, household, supervising_social_worker, fostering_team_manager
):
    from hearth.fostering.support import supervisory_visit_key
    from hearth.trays.models import WorkItem
    from hearth.trays.services import item_open

    item_open(
        organisation=wigan, kind="supervisory_visit", title="Visit",
        key=supervisory_visit_key(household), user=supervising_social_worker,
    )  # fmt: skip

    lifecycle.leave(
        by=fostering_team_manager, household=household, kind="resignation", reason="retirement",
        on=date(2026, 11, 2),
    )  # fmt: skip

    assert not WorkItem.objects.filter(organisation=wigan, closed_at__isnull=True).exists()
