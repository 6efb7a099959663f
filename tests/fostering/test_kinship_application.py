"""A connected person's Form K assessment has its application and statutory checks, as a
mainstream applicant's: made when the assessment starts on the kinship path (after the joint
decision, or with a Regulation 24 approval), received that day, with their consent to the checks
(asked in the form, required), the six checks to record on the application's page, the checks in
the fostering team managers' tray; the assessment and the viability link to them. The kinship
list gives the households' references."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import kinship, recruitment, vocabulary
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import Application, Assessment, RecruitmentEvent, TemporaryApproval
from hearth.trays.models import WorkItem
from tests.screens import field_error, page

# Monday 1 February 2027, 10:00
NOW = datetime(2027, 2, 1, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()


def started(viability, by, assessor, *, on=TODAY, consent=True):
    return kinship.kinship_assessment_start(
        by=by, viability=viability, assessor=assessor, started_on=on, consent_to_checks=consent
    )


def assert_application(assessment, received_on):
    application = assessment.application
    assert application is not None
    assert (application.received_on, application.status, application.consent_to_checks) == (
        received_on, Application.Status.ASSESSMENT, True,
    )  # fmt: skip
    assert application.household_id == assessment.household_id
    assert sorted(application.checks.values_list("kind", flat=True)) == sorted(
        kind for kind, _label in vocabulary.CHECKS
    )
    tray = WorkItem.objects.get(
        kind=WorkItem.Kind.STATUTORY_CHECKS, key=recruitment.application_key(application)
    )
    assert tray.link == reverse("fostering_application", args=[application.pk])
    return application


@time_machine.travel(NOW, tick=False)
def test_the_form_k_assessment_starts_with_its_application_and_six_checks(
    agreed_viability, fostering_team_manager, supervising_social_worker
):
    on = TODAY - timedelta(days=3)
    assessment = started(agreed_viability, fostering_team_manager, supervising_social_worker, on=on)
    assert_application(assessment, on)
    # Not a recruitment application in the monthly figures: no `application` step.
    assert not RecruitmentEvent.objects.filter(event="application").exists()


@time_machine.travel(NOW, tick=False)
def test_the_form_k_assessment_needs_consent_to_the_checks(
    agreed_viability, fostering_team_manager, supervising_social_worker
):
    with pytest.raises(StepRefused, match="consent to the statutory checks") as refused:
        started(agreed_viability, fostering_team_manager, supervising_social_worker, consent=False)
    assert refused.value.field == "consent_to_checks"
    assert not Assessment.objects.exists() and not Application.objects.exists()


def test_the_start_page_asks_for_consent_and_the_viability_links_the_checks(
    client, agreed_viability, fostering_team_manager, supervising_social_worker
):
    client.force_login(fostering_team_manager)
    url = reverse("fostering_viability_assessment", args=[agreed_viability.pk])
    assert "They consent to the statutory checks" in page(client.get(url))
    today = date.today()
    data = {"assessor": supervising_social_worker.pk, "started_on_day": today.day,
            "started_on_month": today.month, "started_on_year": today.year}  # fmt: skip
    response = client.post(url, data)
    assert field_error(response, "consent_to_checks") == kinship.CONSENT_NEEDED
    assert not Assessment.objects.exists()

    response = client.post(url, data | {"consent_to_checks": "on"})
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    application = assert_application(assessment, today)
    text = page(client.get(reverse("fostering_viability", args=[agreed_viability.pk])))
    assert reverse("fostering_application", args=[application.pk]) in text
    assert reverse("fostering_assessment", args=[assessment.pk]) in text
    # The application's page records the checks as for any applicant.
    text = page(client.get(reverse("fostering_application", args=[application.pk])))
    assert "DBS enhanced check" in text


@time_machine.travel(NOW, tick=False)
def test_regulation_24_starts_the_assessment_with_its_application(
    agreed_viability, agency_decision_maker, supervising_social_worker
):
    arguments = dict(
        by=agency_decision_maker, viability=agreed_viability, child=agreed_viability.child,
        approved_on=TODAY, reason="Tonight.", min_age=0, max_age=17, max_children=1,
        assessor=supervising_social_worker,
    )  # fmt: skip
    with pytest.raises(StepRefused) as refused:
        kinship.temporary_approve(**arguments, consent_to_checks=False)
    assert refused.value.field == "consent_to_checks"
    assert not TemporaryApproval.objects.exists()

    approval = kinship.temporary_approve(**arguments, consent_to_checks=True)
    assert_application(approval.assessment, TODAY)


@time_machine.travel(NOW, tick=False)
def test_regulation_24_after_the_assessment_started_does_not_ask_again(
    client, agreed_viability, fostering_team_manager, agency_decision_maker,
    supervising_social_worker,
):  # fmt: skip
    assessment = started(agreed_viability, fostering_team_manager, supervising_social_worker)
    client.force_login(agency_decision_maker)
    url = reverse("fostering_temporary_approval_new", args=[agreed_viability.pk])
    assert "They consent to the statutory checks" not in page(client.get(url))
    approval = kinship.temporary_approve(
        by=agency_decision_maker, viability=agreed_viability, child=agreed_viability.child,
        approved_on=TODAY, reason="Tonight.", min_age=0, max_age=17, max_children=1,
        assessor=supervising_social_worker,
    )  # fmt: skip
    assert approval.assessment_id == assessment.pk
    assert Application.objects.count() == 1


@time_machine.travel(NOW, tick=False)
def test_the_kinship_list_gives_the_references(
    client, agreed_viability, agency_decision_maker, supervising_social_worker, social_worker
):
    kinship.temporary_approve(
        by=agency_decision_maker, viability=agreed_viability, child=agreed_viability.child,
        approved_on=TODAY, reason="Tonight.", min_age=0, max_age=17, max_children=1,
        assessor=supervising_social_worker, consent_to_checks=True,
    )  # fmt: skip
    household = agreed_viability.household
    client.force_login(social_worker)
    text = page(client.get(reverse("fostering_kinship")))
    assert text.count(f"{household.name}</a> ({household.reference})") == 2  # both tables
    assert f"({agreed_viability.child.reference})" in text
