"""Cost approval of an agency placement (001): the policy names the approver from the weekly cost;
nobody below the tier decides, anyone above may; a changed cost asks again."""

from decimal import Decimal

import pytest

from hearth.placements.models import CostApproval
from hearth.placements.services import cost_changed, cost_decide, on_offer_matched
from hearth.referrals.models import ReferralEvent
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.search.models import Offer
from hearth.trays.models import OutgoingEmail, WorkItem
from tests.fixtures.placements import matched_offer

Status = CostApproval.Status


@pytest.fixture
def match_at(matched_referral, agency_household, placements_officer, team_manager):
    """Amy matched with the agency's carers at a given weekly cost, the cost asked for."""

    def match(cost):
        offer = matched_offer(
            matched_referral, agency_household, by=placements_officer, signer=team_manager,
            weekly_cost=Decimal(cost),
        )  # fmt: skip
        return on_offer_matched(offer=offer, by=team_manager)

    return match


@pytest.mark.parametrize(
    ("cost", "role"),
    [
        ("3999.99", "senior_manager"),
        ("4000.00", "head_of_service"),
        ("6999.99", "head_of_service"),
        ("7000.00", "director"),
    ],
)
def test_the_weekly_cost_goes_to_its_tier(match_at, cost, role, wigan, senior_manager):
    approval = match_at(cost)

    assert approval.status == Status.PENDING
    assert approval.required_role == role
    item = WorkItem.objects.get(kind=WorkItem.Kind.COST_APPROVAL)
    assert item.assigned_role == role
    assert item.key == f"offer:{approval.offer_id}"
    assert "£" in item.title


def test_every_agency_match_goes_to_the_assistant_director_where_the_council_says_so(
    match_at, wigan
):
    wigan.policy.switches = {**wigan.policy.switches, "agency_matches_to_assistant_director": True}
    wigan.policy.save()

    assert match_at("1200.00").required_role == "assistant_director"


def test_the_approver_is_emailed(match_at, senior_manager):
    match_at("3000.00")

    assert OutgoingEmail.objects.filter(to=senior_manager.email).exists()


def test_an_in_house_match_needs_no_cost_approval_and_is_ready_to_start(
    in_house_match, social_worker
):
    assert not CostApproval.objects.exists()
    items = WorkItem.objects.filter(kind=WorkItem.Kind.PLACEMENT_START, closed_at__isnull=True)
    assert {(i.assigned_role, i.assigned_user_id) for i in items} == {
        ("placements_officer", None),
        ("", social_worker.pk),
    }


def test_matching_twice_asks_once(agency_match, team_manager):
    on_offer_matched(offer=agency_match, by=team_manager)

    assert agency_match.cost_approvals.count() == 1


@pytest.mark.parametrize(
    ("cost", "below", "at_or_above"),
    [
        ("3999.99", None, ["senior_manager", "head_of_service", "assistant_director", "director"]),
        ("4000.00", "senior_manager", ["head_of_service", "assistant_director", "director"]),
        ("6999.99", "senior_manager", ["head_of_service", "director"]),
        ("7000.00", "head_of_service", ["director"]),
    ],
)
def test_nobody_below_the_tier_decides_and_anyone_above_may(
    match_at, cost, below, at_or_above, request
):
    if below:
        approval = match_at(cost)
        with pytest.raises(ActionNotAllowed, match="can decide a weekly cost"):
            cost_decide(user=request.getfixturevalue(below), approval=approval, approve=True)
        assert CostApproval.objects.get(pk=approval.pk).status == Status.PENDING
        approval.delete()
    for role in at_or_above:
        decided = cost_decide(
            user=request.getfixturevalue(role), approval=match_at(cost), approve=True
        )
        assert (decided.status, decided.decided_as) == (Status.APPROVED, role)


def test_the_refusal_names_the_tier(match_at, senior_manager):
    approval = match_at("7000.00")

    with pytest.raises(ActionNotAllowed) as refused:
        cost_decide(user=senior_manager, approval=approval, approve=True)

    assert str(refused.value) == (
        "Only a Director of Children's Services can decide a weekly cost of £7,000.00"
    )


def test_a_head_of_service_approves_a_senior_managers_cost_as_head_of_service(
    match_at, head_of_service
):
    approval = match_at("2500.00")

    decided = cost_decide(
        user=head_of_service, approval=approval, approve=True, conditions="Review in 3 months"
    )

    assert decided.status == Status.APPROVED
    assert decided.decided_as == "head_of_service"
    assert decided.conditions == "Review in 3 months"
    event = ReferralEvent.objects.get(action="cost_approved")
    assert event.by_role == "head_of_service"
    assert event.detail["weekly_cost"] == "2500.00"
    assert not WorkItem.objects.filter(kind="cost_approval", closed_at__isnull=True).exists()
    assert WorkItem.objects.filter(kind="placement_start", closed_at__isnull=True).exists()


def test_a_refusal_needs_a_reason(pending_cost_approval, senior_manager):
    with pytest.raises(ReferralError) as refused:
        cost_decide(user=senior_manager, approval=pending_cost_approval, approve=False)

    assert refused.value.field_errors == {"reason": "Say why the weekly cost is refused"}
    assert CostApproval.objects.get().status == Status.PENDING


def test_a_refused_cost_is_recorded_with_its_reason(pending_cost_approval, senior_manager):
    cost_decide(
        user=senior_manager, approval=pending_cost_approval, approve=False,
        reason="Above the framework rate for this need",
    )  # fmt: skip

    refused = CostApproval.objects.get()
    assert refused.status == Status.REFUSED
    assert refused.reason == "Above the framework rate for this need"
    assert ReferralEvent.objects.filter(action="cost_refused").exists()
    assert not WorkItem.objects.filter(kind="placement_start").exists()


def test_a_decided_request_is_not_decided_again(approved_agency_match, senior_manager):
    approval = approved_agency_match.cost_approvals.get()

    with pytest.raises(ActionNotAllowed, match="already decided"):
        cost_decide(user=senior_manager, approval=approval, approve=False, reason="Changed mind")


def test_a_changed_cost_sets_the_approval_aside_and_asks_the_new_tier(
    approved_agency_match, team_manager
):
    Offer.objects.filter(pk=approved_agency_match.pk).update(weekly_cost=Decimal("7250.00"))

    new = cost_changed(offer=approved_agency_match, by=team_manager)

    old = CostApproval.objects.exclude(pk=new.pk).get()
    assert old.status == Status.SUPERSEDED
    assert (new.status, new.required_role, new.weekly_cost) == (
        Status.PENDING, "director", Decimal("7250.00"),
    )  # fmt: skip
    event = ReferralEvent.objects.get(action="cost_reopened")
    assert event.detail["previous_cost"] == "3500.00"
    assert event.detail["required_role"] == "director"
    assert WorkItem.objects.get(kind="cost_approval", closed_at__isnull=True).assigned_role == (
        "director"
    )


def test_an_unchanged_cost_asks_nothing(approved_agency_match, team_manager):
    assert cost_changed(offer=approved_agency_match, by=team_manager) is None
    assert approved_agency_match.cost_approvals.count() == 1


def test_a_decision_on_a_set_aside_request_is_refused(
    pending_cost_approval, senior_manager, team_manager
):
    offer = pending_cost_approval.offer
    Offer.objects.filter(pk=offer.pk).update(weekly_cost=Decimal("3600.00"))
    cost_changed(offer=offer, by=team_manager)

    with pytest.raises(ActionNotAllowed):
        cost_decide(user=senior_manager, approval=pending_cost_approval, approve=True)
