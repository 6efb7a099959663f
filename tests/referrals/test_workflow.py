"""The referral's approval chain: who may take each step, what each step records and where it lands."""

import pytest

from hearth.audit.models import AuditEvent
from hearth.referrals import services
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.trays.models import OutgoingEmail, WorkItem
from hearth.trays.selectors import tray_for_user
from tests.factories import TeamFactory, make_referral


@pytest.fixture
def team(wigan, team_manager, social_worker, child):
    team = TeamFactory(organisation=wigan, name="Children in Care Team North", manager=team_manager)
    child.team = team
    child.save()
    return team


@pytest.fixture
def draft(child, team):
    return make_referral(child)


def act(user, referral, action, **data):
    return services.referral_act(user=user, referral=referral, action=action, data=data)


def tray_kinds(user):
    return sorted(item.kind for item in tray_for_user(user))


def test_a_referral_walks_from_draft_to_searching(
    draft, social_worker, team_manager, service_lead, placements_officer
):
    act(social_worker, draft, "submit")
    assert tray_kinds(team_manager) == ["referral_review"]
    assert tray_kinds(social_worker) == []
    act(team_manager, draft, "forward", comment="Good referral; siblings considered.")
    assert tray_kinds(service_lead) == ["referral_approval"]
    act(service_lead, draft, "approve")
    assert tray_kinds(placements_officer) == ["referral_screening"]
    referral, event = act(placements_officer, draft, "accept")
    assert referral.status == Status.SEARCHING
    assert referral.file_reference == f"PL{referral.pk:06d}"
    assert tray_kinds(placements_officer) == []
    history = list(ReferralEvent.objects.filter(referral=draft).values_list("action", "to_status"))
    assert history == [
        ("submit", "submitted"),
        ("forward", "with_service_lead"),
        ("approve", "approved"),
        ("accept", "searching"),
    ]
    assert OutgoingEmail.objects.filter(to=team_manager.email).exists()


def test_a_return_goes_back_to_the_social_worker_with_its_reasons(
    draft, social_worker, team_manager
):
    act(social_worker, draft, "submit")
    referral, _ = act(team_manager, draft, "return", comment="Add the child's views in her words.")
    assert referral.status == Status.RETURNED
    item = tray_for_user(social_worker).get()
    assert item.kind == "referral_returned" and "her words" in item.note
    assert referral.history  # content kept
    act(social_worker, draft, "resubmit", comment="Added.")
    assert Referral.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_only_the_service_lead_approves(draft, social_worker, team_manager):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "forward", comment="Fine.")
    with pytest.raises(services.ActionNotAllowed):
        act(team_manager, draft, "approve")


def test_approving_an_incomplete_referral_lists_what_is_missing(child, team, service_lead):
    referral = make_referral(child, child_views="", status=Status.WITH_SERVICE_LEAD)
    with pytest.raises(services.ReferralError) as refused:
        act(service_lead, referral, "approve")
    assert refused.value.problems == ["About the child: the child's own views"]
    assert Referral.objects.get(pk=referral.pk).status == Status.WITH_SERVICE_LEAD


def test_history_cannot_be_edited(draft, social_worker):
    act(social_worker, draft, "submit")
    from django.db import IntegrityError, InternalError, OperationalError, transaction

    with pytest.raises((IntegrityError, InternalError, OperationalError)), transaction.atomic():
        ReferralEvent.objects.update(comment="changed")
    assert AuditEvent.objects.filter(record_type="referral").exists()
    assert WorkItem.objects.exists()
