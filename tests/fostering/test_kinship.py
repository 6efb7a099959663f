"""Kinship (002): a viability assessment asked for from the child's record, decided jointly by a
team manager and a fostering team manager; Regulation 24 temporary approval by the agency decision
maker for a named child, the full assessment due within 16 weeks, one Regulation 25 extension of
up to 8 weeks via panel; approvals without a named child or past 16 weeks unextended flagged."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.fostering import kinship, panel
from hearth.fostering.common import staff_of
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import Assessment, Panel, RecruitmentEvent, TemporaryApproval
from hearth.people.models import Household
from hearth.trays.models import WorkItem
from tests.factories import ChildFactory, member
from tests.fixtures.fostering_panel import agree, ask_viability, complete
from tests.screens import field_error, page

# Monday 1 February 2027, 10:00
NOW = datetime(2027, 2, 1, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()


def approve_temporarily(viability, adm, *, child=True, on=TODAY, assessor=None):
    viability.refresh_from_db()
    assessor = (
        assessor or staff_of(viability.authority_id, [Role.SUPERVISING_SOCIAL_WORKER]).first()
    )
    if assessor is None:
        assessor = member(viability.authority, Role.SUPERVISING_SOCIAL_WORKER)
    return kinship.temporary_approve(
        by=adm, viability=viability, child=viability.child if child else None, approved_on=on,
        reason="Amy needs a home tonight.", min_age=0, max_age=17, max_children=1,
        assessor=assessor, consent_to_checks=True,
    )  # fmt: skip


# Asking for a viability assessment ------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_viability_request_makes_the_relatives_household_without_a_step_in_its_history(
    child, social_worker, fostering_team_manager
):
    viability = ask_viability(child, social_worker)

    household = viability.household
    assert (household.status, household.provider, household.reference) == (
        Household.Status.ENQUIRY, child.authority, "KIN-1",
    )  # fmt: skip
    assert (household.name, household.postcode, household.care_types) == (
        "Hart household", "WN2 3CD", ["kinship"],
    )  # fmt: skip
    assert str(household.carers.get()) == "Rose Hart"
    assert not RecruitmentEvent.objects.exists()  # not a recruitment enquiry: not in the figures
    item = WorkItem.objects.get(kind=WorkItem.Kind.VIABILITY_ASSESSMENT)
    assert (item.assigned_role, item.key) == ("fostering_team_manager", f"viability:{viability.pk}")
    assert item.link == reverse("fostering_viability", args=[viability.pk])
    assert AuditEvent.objects.filter(
        action="create", record_type="household", record_id=str(household.pk)
    ).exists()


def test_only_the_childs_social_worker_or_team_manager_asks(child, iro, supervising_social_worker):
    for person in (iro, supervising_social_worker):
        with pytest.raises(StepRefused, match="Only the child's social worker or the manager of"):
            ask_viability(child, person)
    assert not Household.objects.filter(reference__startswith="KIN-").exists()


def test_a_request_without_a_relationship_is_refused_at_the_field(child, social_worker):
    with pytest.raises(StepRefused) as refused:
        ask_viability(child, social_worker, relationship=" ")
    assert refused.value.field == "relationship"
    assert not Household.objects.filter(reference__startswith="KIN-").exists()


def test_the_child_record_offers_the_request_to_the_social_worker_only(
    client, child, social_worker, iro
):
    client.force_login(social_worker)
    response = client.get(reverse("child", args=[child.pk]))
    assert "Ask for a viability assessment" in page(response)
    client.force_login(iro)
    assert "Ask for a viability assessment" not in page(
        client.get(reverse("child", args=[child.pk]))
    )


def test_the_request_page_creates_it_and_shows_errors_at_the_fields(client, child, social_worker):
    client.force_login(social_worker)
    url = reverse("fostering_viability_new", args=[child.pk])
    response = client.post(url, {"first_name": "Rose", "last_name": "", "postcode": "WN2 3CD"})
    assert response.status_code == 200
    assert field_error(response, "last_name") == "Enter the relative's or friend's last name"
    assert field_error(response, "relationship") == "Say how they are related to the child"
    response = client.post(url, {"first_name": "Rose", "last_name": "Hart",
                                 "relationship": "Grandmother", "postcode": "WN2 3CD"})  # fmt: skip
    viability = child.viability_assessments.get()
    assert response["Location"] == reverse("fostering_viability", args=[viability.pk])


# The joint decision --------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_it_goes_ahead_only_when_both_sides_agree(
    requested_viability, supervising_social_worker, team_manager, fostering_team_manager
):
    viability = complete(requested_viability, supervising_social_worker)
    assert viability.status == "completed"
    assert WorkItem.objects.filter(kind="viability_decision", closed_at__isnull=True).count() == 2

    viability = agree(viability, team_manager)
    assert (viability.status, viability.decided_by_child_team) == ("completed", team_manager)
    with pytest.raises(StepRefused, match="already agreed"):
        agree(viability, team_manager)

    viability = agree(viability, fostering_team_manager)
    assert (viability.status, viability.decided_on) == ("proceed", TODAY)
    assert not WorkItem.objects.filter(kind="viability_decision", closed_at__isnull=True).exists()


@time_machine.travel(NOW, tick=False)
def test_one_side_declining_ends_it_with_the_reason(
    requested_viability, supervising_social_worker, fostering_team_manager
):
    viability = complete(requested_viability, supervising_social_worker, "not_proceed")
    with pytest.raises(StepRefused) as refused:
        kinship.viability_decide(
            by=fostering_team_manager, viability=viability, agree=False, reason="", on=TODAY,
            expected_version=viability.version,
        )  # fmt: skip
    assert refused.value.field == "reason"

    viability = kinship.viability_decide(
        by=fostering_team_manager, viability=viability, agree=False, reason="No room.",
        on=TODAY, expected_version=viability.version,
    )  # fmt: skip

    assert viability.status == "not_proceed"
    assert viability.decision_reason == "Fostering team: No room."
    viability.household.refresh_from_db()
    assert viability.household.status == Household.Status.NOT_PROGRESSED


def test_a_social_worker_takes_no_part_in_the_decision(completed_viability, social_worker, client):
    assert "Only the manager of the child's team (or a service lead) and a fostering team" in (
        kinship.why_not_decide(social_worker, completed_viability)
    )
    client.force_login(social_worker)
    url = reverse("fostering_viability_decision", args=[completed_viability.pk])
    response = client.post(url, {"agree": "yes"})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(action="denied", record_type="viabilityassessment").exists()


# Regulation 24 ------------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_regulation_24_approves_for_the_named_child_and_starts_the_16_week_assessment(
    agreed_viability, agency_decision_maker, social_worker
):
    kinship.temporary_approval_ask(by=social_worker, viability=agreed_viability)
    assert WorkItem.objects.get(kind="temporary_approval").assigned_role == "agency_decision_maker"

    approval = approve_temporarily(agreed_viability, agency_decision_maker)

    household = Household.objects.get(pk=agreed_viability.household_id)
    assert household.status == Household.Status.TEMPORARY
    assert household.approved_on == TODAY
    assert list(household.named_children.all()) == [agreed_viability.child]
    assert approval.assessment_due_on == TODAY + timedelta(weeks=16) == date(2027, 5, 24)
    assessment = approval.assessment
    assert (assessment.kind, assessment.started_on, assessment.due_on) == (
        "form_k", TODAY, approval.assessment_due_on,
    )  # fmt: skip
    events = list(RecruitmentEvent.objects.values_list("event", flat=True))
    assert events == ["assessment_started"]  # counted in assessment, not approved
    assert not WorkItem.objects.filter(kind="temporary_approval", closed_at__isnull=True).exists()
    assert kinship.flags(approval, TODAY) == []


def test_only_the_agency_decision_maker_gives_regulation_24_approval(
    agreed_viability, fostering_team_manager
):
    with pytest.raises(StepRefused, match="Only the agency decision maker"):
        approve_temporarily(agreed_viability, fostering_team_manager)
    assert not TemporaryApproval.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_approval_without_a_named_child_is_flagged(agreed_viability, agency_decision_maker):
    approval = approve_temporarily(agreed_viability, agency_decision_maker, child=False)
    assert kinship.flags(approval, TODAY) == ["No named child"]


@time_machine.travel(NOW, tick=False)
def test_an_assessment_past_16_weeks_with_no_extension_is_flagged_overdue(
    agreed_viability, agency_decision_maker
):
    approval = approve_temporarily(agreed_viability, agency_decision_maker)
    assert kinship.flags(approval, date(2027, 5, 24)) == []
    assert kinship.flags(approval, date(2027, 5, 25)) == [
        "Assessment overdue: due 24 May 2027, no extension"
    ]


@time_machine.travel(NOW, tick=False)
def test_one_extension_of_up_to_8_weeks_via_panel(
    agreed_viability, agency_decision_maker, fostering_team_manager, wigan
):
    approval = approve_temporarily(agreed_viability, agency_decision_maker)
    sitting = Panel.objects.create(authority=wigan, sits_on=TODAY)
    with pytest.raises(StepRefused, match="1 to 8 weeks") as refused:
        panel.item_add(by=fostering_team_manager, panel=sitting, business="extension",
                       approval=approval, extension_weeks=9)  # fmt: skip
    assert refused.value.field == "extension_weeks"
    item = panel.item_add(by=fostering_team_manager, panel=sitting, business="extension",
                          approval=approval, extension_weeks=6)  # fmt: skip
    item = panel.recommendation_record(
        by=fostering_team_manager, item=item, recommendation="approve",
        notes="Court timetable.", expected_version=item.version,
    )  # fmt: skip
    sitting.refresh_from_db()  # its version moved on with the business added
    panel.minutes_record(by=fostering_team_manager, panel=sitting, received_on=TODAY, minutes="",
                         expected_version=sitting.version)  # fmt: skip
    item.refresh_from_db()
    panel.decision_record(by=agency_decision_maker, item=item, decision="approve",
                          reason="Agreed.", decided_on=TODAY, expected_version=item.version)  # fmt: skip

    approval.refresh_from_db()
    assessment = Assessment.objects.get(pk=approval.assessment_id)
    assert assessment.extended_to == approval.assessment_due_on == date(2027, 7, 5)
    assert kinship.flags(approval, date(2027, 6, 1)) == ["Extended to 5 July 2027"]
    # Still listed, so that choosing it says why a second extension cannot be.
    (listed,) = panel.candidates(wigan)["extension"]
    assert (listed.pk, listed.assessment.extended_to) == (approval.pk, date(2027, 7, 5))
    later = Panel.objects.create(authority=wigan, sits_on=TODAY + timedelta(days=7))
    with pytest.raises(StepRefused) as refused:
        panel.item_add(by=fostering_team_manager, panel=later, business="extension",
                       approval=approval, extension_weeks=2)  # fmt: skip
    assert refused.value.message == (
        "This assessment has already been extended once (to 5 July 2027): Regulation 25 allows "
        "one extension"
    )


# The kinship list -------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_list_shows_overdue_approvals_first_in_few_queries(
    client, wigan, social_worker, team_manager, fostering_team_manager, supervising_social_worker,
    agency_decision_maker, django_assert_max_num_queries,
):  # fmt: skip
    with time_machine.travel(NOW - timedelta(weeks=20), tick=False):
        late = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Lara")
        viability = ask_viability(late, social_worker, last_name="Late")
        complete(viability, supervising_social_worker)
        agree(viability, team_manager, fostering_team_manager)
        approve_temporarily(viability, agency_decision_maker, on=(NOW - timedelta(weeks=20)).date())
    for number in range(5):
        child = ChildFactory(authority=wigan, social_worker=social_worker)
        viability = ask_viability(child, social_worker, last_name=f"Ontime{number}")
        complete(viability, supervising_social_worker)
        agree(viability, team_manager, fostering_team_manager)
        approve_temporarily(viability, agency_decision_maker)
    client.force_login(social_worker)

    with django_assert_max_num_queries(13):
        response = client.get(reverse("fostering_kinship"))

    text = page(response)
    assert text.index("Late household") < text.index("Ontime0 household")
    assert "Assessment overdue: due " in text and "Overdue</strong>" in text
