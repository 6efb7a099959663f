"""Kinship's rules after review: Regulation 24 only for people still being assessed, once, with the
full assessment's assessor named and the assessor's tray item following its deadline (the
approval's and the Regulation 25 extension's); who asks for a viability assessment (the child's own
social worker or the manager of the child's team) and who decides it jointly."""

from contextlib import contextmanager
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
import time_machine
from django.db.models import QuerySet
from django.urls import reverse

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.core.deadlines import LONDON
from hearth.core.models import Organisation, Team
from hearth.fostering import kinship, panel, recruitment
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import Panel, TemporaryApproval, ViabilityAssessment
from hearth.people.models import Household
from hearth.trays.models import WorkItem
from tests.factories import ChildFactory, member
from tests.fixtures.fostering_panel import agree, ask_viability, complete
from tests.screens import field_error, page

# Monday 1 February 2027, 10:00
NOW = datetime(2027, 2, 1, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()


def end_of(day):
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


def approve(viability, adm, assessor, *, on=TODAY):
    return kinship.temporary_approve(
        by=adm, viability=viability, child=viability.child, approved_on=on, reason="Tonight.",
        min_age=0, max_age=17, max_children=1, assessor=assessor, consent_to_checks=True,
    )  # fmt: skip


@contextmanager
def locks_taken():
    """The models whose rows are locked (`select_for_update`) inside the block, in order."""
    taken = []
    original = QuerySet.select_for_update

    def spy(queryset, *args, **kwargs):
        taken.append(queryset.model)
        return original(queryset, *args, **kwargs)

    with mock.patch.object(QuerySet, "select_for_update", spy):
        yield taken


def assessment_items():
    return WorkItem.objects.filter(kind=WorkItem.Kind.ASSESSMENT, closed_at__isnull=True)


# Regulation 24 is for people being assessed --------------------------------------------------------


@pytest.mark.parametrize("status", [Household.Status.APPROVED, Household.Status.DEREGISTERED])
def test_regulation_24_is_not_given_to_carers_approved_or_gone_and_the_page_says_why(
    client, agreed_viability, agency_decision_maker, supervising_social_worker, status
):
    Household.objects.filter(pk=agreed_viability.household_id).update(status=status)
    viability = ViabilityAssessment.objects.get(pk=agreed_viability.pk)
    words = Household.Status(status).label.lower()
    reason = f"Hart household is {words}: Regulation 24 temporary approval is for people being"

    assert reason in kinship.why_not_approve_temporary(agency_decision_maker, viability)
    with pytest.raises(StepRefused, match=reason):
        approve(viability, agency_decision_maker, supervising_social_worker)
    assert not TemporaryApproval.objects.exists()

    client.force_login(agency_decision_maker)
    text = page(client.get(reverse("fostering_viability", args=[viability.pk])))
    assert "Give Regulation 24 approval" not in text
    assert f"No Regulation 24 approval: {reason}" in text
    response = client.get(reverse("fostering_temporary_approval_new", args=[viability.pk]))
    assert response.status_code == 403 and reason in page(response)


@time_machine.travel(NOW, tick=False)
def test_a_second_temporary_approval_is_refused_the_viability_locked(
    agreed_viability, agency_decision_maker, supervising_social_worker
):
    stale = ViabilityAssessment.objects.get(pk=agreed_viability.pk)
    with locks_taken() as locked:
        approve(agreed_viability, agency_decision_maker, supervising_social_worker)
    assert locked[0] is ViabilityAssessment  # before anything is read or written

    # The household's own status says "approved (temporary)" now; with it put back the open
    # approval still refuses a second.
    Household.objects.filter(pk=stale.household_id).update(status=Household.Status.IN_ASSESSMENT)
    with pytest.raises(StepRefused, match="already has a Regulation 24 temporary approval"):
        approve(stale, agency_decision_maker, supervising_social_worker)
    assert TemporaryApproval.objects.count() == 1


# The assessor of the full assessment ------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_regulation_24_names_the_assessor_who_has_the_assessment_in_their_tray(
    agreed_viability, agency_decision_maker, supervising_social_worker
):
    approval = approve(agreed_viability, agency_decision_maker, supervising_social_worker)

    assessment = approval.assessment
    assert assessment.assessor == supervising_social_worker
    item = assessment_items().get()
    assert (item.assigned_user, item.key) == (
        supervising_social_worker, recruitment.assessment_key(assessment),
    )  # fmt: skip
    assert item.due_at == end_of(date(2027, 5, 24)) == end_of(approval.assessment_due_on)
    assert item.link == reverse("fostering_assessment", args=[assessment.pk])


@time_machine.travel(NOW, tick=False)
def test_the_assessor_must_be_a_supervising_social_worker(
    agreed_viability, agency_decision_maker, fostering_team_manager
):
    with pytest.raises(StepRefused, match="Choose a supervising social worker") as refused:
        approve(agreed_viability, agency_decision_maker, fostering_team_manager)
    assert refused.value.field == "assessor"
    with pytest.raises(StepRefused, match="Choose who will assess"):
        approve(agreed_viability, agency_decision_maker, None)
    assert not TemporaryApproval.objects.exists()


def test_the_regulation_24_page_asks_for_the_assessor(
    client, agreed_viability, agency_decision_maker, supervising_social_worker
):
    client.force_login(agency_decision_maker)
    url = reverse("fostering_temporary_approval_new", args=[agreed_viability.pk])
    text = page(client.get(url))
    assert "Assessor (a supervising social worker)" in text
    assert supervising_social_worker.display_name in text
    today = date.today()
    data = {"named_child": "on", "approved_on_day": today.day, "approved_on_month": today.month,
            "approved_on_year": today.year, "min_age": "0", "max_age": "17",
            "max_children": "1", "consent_to_checks": "on"}  # fmt: skip
    response = client.post(url, data)
    assert field_error(response, "assessor") == "Choose who will do the full assessment"
    assert not TemporaryApproval.objects.exists()

    response = client.post(url, data | {"assessor": supervising_social_worker.pk})
    assert response.status_code == 302
    assert TemporaryApproval.objects.get().assessment.assessor == supervising_social_worker


# The deadline moves, and the tray item with it ------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_the_assessors_tray_item_follows_regulation_24_and_the_extension(
    wigan, agreed_viability, agency_decision_maker, supervising_social_worker,
    fostering_team_manager,
):  # fmt: skip
    started = TODAY - timedelta(weeks=2)
    assessment = kinship.kinship_assessment_start(
        by=fostering_team_manager, viability=agreed_viability,
        assessor=supervising_social_worker, started_on=started, consent_to_checks=True,
    )  # fmt: skip
    item = assessment_items().get()
    assert item.key == recruitment.assessment_key(assessment)
    assert item.due_at == end_of(started + timedelta(weeks=20))

    viability = ViabilityAssessment.objects.get(pk=agreed_viability.pk)
    approval = approve(viability, agency_decision_maker, supervising_social_worker)
    item.refresh_from_db()
    assert approval.assessment_id == assessment.pk
    assert item.due_at == end_of(date(2027, 5, 24))  # 16 weeks from the approval
    assert assessment_items().count() == 1

    sitting = Panel.objects.create(authority=wigan, sits_on=TODAY)
    business = panel.item_add(
        by=fostering_team_manager, panel=sitting, business="extension", approval=approval,
        extension_weeks=6,
    )  # fmt: skip
    panel.recommendation_record(
        by=fostering_team_manager, item=business, recommendation="approve", notes="Court.",
        expected_version=business.version,
    )  # fmt: skip
    sitting.refresh_from_db()
    panel.minutes_record(by=fostering_team_manager, panel=sitting, received_on=TODAY,
                         minutes="", expected_version=sitting.version)  # fmt: skip
    business.refresh_from_db()
    panel.decision_record(by=agency_decision_maker, item=business, decision="approve",
                          reason="Agreed.", decided_on=TODAY,
                          expected_version=business.version)  # fmt: skip

    item.refresh_from_db()
    assert item.due_at == end_of(date(2027, 7, 5))  # extended by 6 weeks
    assert item.closed_at is None


# The reference of a connected person's household ---------------------------------------------------


def test_a_connected_persons_reference_is_taken_with_the_council_locked(child, social_worker):
    with locks_taken() as locked:
        viability = ask_viability(child, social_worker)
    assert Organisation in locked
    assert viability.household.reference == "KIN-1"
    assert ask_viability(child, social_worker, last_name="Lee").household.reference == "KIN-2"


# Who asks for a viability assessment -------------------------------------------------------------


@pytest.fixture
def childs_team(wigan):
    manager = member(wigan, Role.TEAM_MANAGER, username="tm.childs.team")
    return Team.objects.create(organisation=wigan, name="Children in care 1", manager=manager)


@pytest.fixture
def teamed_child(wigan, social_worker, childs_team):
    return ChildFactory(authority=wigan, social_worker=social_worker, team=childs_team)


def test_only_the_childs_own_social_worker_or_their_teams_manager_asks(
    wigan, teamed_child, childs_team, social_worker, team_manager
):
    another_worker = member(wigan, Role.SOCIAL_WORKER, username="sw.other")
    words = "Only the child's social worker or the manager of the child's team can ask"
    for person in (another_worker, team_manager):  # team_manager manages no team of the child
        assert (
            kinship.why_not_request(person, teamed_child) == f"{words} for a viability assessment"
        )
        with pytest.raises(StepRefused, match=words):
            ask_viability(teamed_child, person)
    assert ask_viability(teamed_child, social_worker).requested_by == social_worker
    member_manager = member(wigan, Role.TEAM_MANAGER, username="tm.member")
    Membership.objects.filter(user=member_manager).update(team=childs_team)
    for manager in (childs_team.manager, member_manager):
        assert kinship.why_not_request(manager, teamed_child) is None


def test_the_child_record_offers_the_request_to_the_childs_own_social_worker_only(
    client, wigan, teamed_child
):
    client.force_login(member(wigan, Role.SOCIAL_WORKER, username="sw.other"))
    assert "Ask for a viability assessment" not in page(
        client.get(reverse("child", args=[teamed_child.pk]))
    )


# Who decides, jointly ------------------------------------------------------------------------------


@pytest.fixture
def completed_for_team(teamed_child, social_worker, supervising_social_worker):
    return complete(ask_viability(teamed_child, social_worker), supervising_social_worker)


def test_the_childs_side_is_the_manager_of_the_childs_team_or_a_service_lead(
    completed_for_team, childs_team, team_manager, service_lead, fostering_team_manager
):
    words = (
        "Only the manager of the child's team (or a service lead) and a fostering team manager "
        "decide this, jointly"
    )
    assert kinship.why_not_decide(team_manager, completed_for_team) == words
    with pytest.raises(StepRefused, match=r"Only the manager of the child's team \(or a service"):
        agree(completed_for_team, team_manager)

    for decider in (childs_team.manager, service_lead):
        assert kinship.why_not_decide(decider, completed_for_team) is None
    viability = agree(completed_for_team, service_lead)
    assert viability.decided_by_child_team == service_lead
    assert (
        kinship.why_not_decide(childs_team.manager, viability)
        == "Your side of the decision has already been recorded"
    )
    viability = agree(viability, fostering_team_manager)
    assert (viability.status, viability.decided_by_fostering) == ("proceed", fostering_team_manager)


def test_the_childs_side_of_the_decision_is_in_the_childs_team_managers_tray(
    completed_for_team, childs_team
):
    items = WorkItem.objects.filter(kind=WorkItem.Kind.VIABILITY_DECISION)
    assert sorted((i.assigned_user_id or 0, i.assigned_role) for i in items) == [
        (0, "fostering_team_manager"), (childs_team.manager_id, ""),
    ]  # fmt: skip


def test_the_decision_page_names_who_decides(client, completed_for_team, childs_team):
    client.force_login(childs_team.manager)
    url = reverse("fostering_viability_decision", args=[completed_for_team.pk])
    assert "the manager of the child's team (or a service lead)" in page(client.get(url))
