"""Starting a placement: only once its approvals are complete, except an emergency on an urgent
referral; one SSDA903 episode per child; the household's places, the referral, the offers not
taken and the tasks of the day a child moves."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from hearth.people.models import Child
from hearth.placements.documents import agreement_issue
from hearth.placements.models import CostApproval, Placement
from hearth.placements.services import placement_start
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.search.models import AgencyRequest, Offer
from hearth.search.selectors import free_places, places_held
from hearth.trays.models import OutgoingEmail, WorkItem
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory, make_referral
from tests.fixtures.placements import matched_offer

LONDON = ZoneInfo("Europe/London")
# Monday 14 December 2026, 10:00 in London.
MONDAY = datetime(2026, 12, 14, 10, 0, tzinfo=LONDON)


def start(offer, user, **how):
    how.setdefault("started_on", timezone.localdate())
    how.setdefault("care_type", "short_term")
    return placement_start(user=user, offer=offer, **how)


def test_an_in_house_match_starts_with_its_codes(in_house_match, placements_officer, child):
    (placement,) = start(in_house_match, placements_officer)

    assert (placement.place, placement.place_provider, placement.reason_new_episode) == (
        "U6", "PR1", "S",
    )  # fmt: skip
    assert placement.weekly_cost is None and not placement.emergency
    child.refresh_from_db()
    assert child.placed_with == in_house_match.household
    assert child.version == 2
    assert Offer.objects.get(pk=in_house_match.pk).status == Offer.Status.PLACED


def test_the_social_worker_may_start_it_and_others_may_not(
    in_house_match, social_worker, iro, outsider
):
    with pytest.raises(ActionNotAllowed, match="Only the child's social worker"):
        start(in_house_match, iro)

    assert start(in_house_match, social_worker)


def test_an_agency_placement_cannot_start_before_its_cost_is_approved(
    agency_match, placements_officer
):
    with pytest.raises(ReferralError) as refused:
        start(agency_match, placements_officer)

    assert refused.value.problems == [
        "The weekly cost (£3,500.00 a week) is waiting for a decision",
        "The placement agreement (IPA) has not been issued",
    ]
    assert not Placement.objects.exists()


def test_nor_before_its_ipa_is_issued(approved_agency_match, placements_officer):
    with pytest.raises(ReferralError) as refused:
        start(approved_agency_match, placements_officer)

    assert refused.value.problems == ["The placement agreement (IPA) has not been issued"]


def test_nor_after_its_cost_changed(issued_agreement, placements_officer, team_manager):
    from hearth.placements.services import cost_changed

    offer = issued_agreement.offer
    Offer.objects.filter(pk=offer.pk).update(weekly_cost=Decimal("3650.00"))
    cost_changed(offer=Offer.objects.get(pk=offer.pk), by=team_manager)

    with pytest.raises(ReferralError) as refused:
        start(offer, placements_officer)

    assert refused.value.problems == [
        "The weekly cost (£3,650.00 a week) is waiting for a decision",
        "The placement agreement (IPA) was issued for another weekly cost: issue it again",
    ]


def test_an_agency_placement_starts_once_approved_and_its_ipa_issued(
    issued_agreement, placements_officer
):
    (placement,) = start(issued_agreement.offer, placements_officer)

    assert (placement.place, placement.place_provider, placement.urn) == ("U6", "PR4", "SC123456")
    assert placement.weekly_cost == Decimal("3500.00")
    costing = WorkItem.objects.get(kind=WorkItem.Kind.COSTING)
    assert (costing.assigned_role, costing.key) == ("finance_officer", f"placement:{placement.pk}")


def test_an_emergency_start_is_only_for_an_urgent_referral(agency_match, placements_officer):
    with pytest.raises(ReferralError) as refused:
        start(agency_match, placements_officer, emergency=True)

    assert refused.value.field_errors["emergency"] == (
        "Only an urgent referral's placement can start before its approvals are complete"
    )


@time_machine.travel(MONDAY, tick=False)
def test_an_emergency_start_records_the_retrospective_approval_due(
    agency_match, placements_officer, pending_cost_approval
):
    Referral.objects.filter(pk=agency_match.referral_id).update(urgent=True)

    (placement,) = start(agency_match, placements_officer, emergency=True)

    due = datetime(2026, 12, 16, 23, 59, 59, tzinfo=LONDON)  # two working days on
    assert placement.emergency
    assert placement.retrospective_approval_due_at == due
    approval = CostApproval.objects.get(pk=pending_cost_approval.pk)
    assert approval.status == CostApproval.Status.PENDING and approval.retrospective
    items = WorkItem.objects.filter(
        kind=WorkItem.Kind.RETROSPECTIVE_APPROVAL, closed_at__isnull=True
    )
    assert {(i.assigned_role, i.due_at) for i in items} == {
        ("senior_manager", due), ("placements_officer", due),
    }  # fmt: skip
    assert not WorkItem.objects.filter(kind="cost_approval", closed_at__isnull=True).exists()


def test_a_refused_cost_stops_even_an_emergency(
    agency_match, pending_cost_approval, placements_officer, senior_manager
):
    from hearth.placements.services import cost_decide

    Referral.objects.filter(pk=agency_match.referral_id).update(urgent=True)
    cost_decide(
        user=senior_manager, approval=pending_cost_approval, approve=False, reason="Too high"
    )

    # The refused offer is declined: nothing starts from it, even in an emergency.
    with pytest.raises(ActionNotAllowed, match="The offer is declined"):
        start(agency_match, placements_officer, emergency=True)


def test_the_retrospective_approval_closes_when_decided(
    agency_match, placements_officer, pending_cost_approval, senior_manager
):
    from hearth.placements.services import cost_decide

    Referral.objects.filter(pk=agency_match.referral_id).update(urgent=True)
    start(agency_match, placements_officer, emergency=True)

    cost_decide(user=senior_manager, approval=pending_cost_approval, approve=True)

    open_items = WorkItem.objects.filter(kind="retrospective_approval", closed_at__isnull=True)
    assert [i.assigned_role for i in open_items] == ["placements_officer"]  # the IPA still due
    agreement_issue(user=placements_officer, offer=agency_match)
    assert not WorkItem.objects.filter(kind="retrospective_approval", closed_at__isnull=True)


def test_codes_entered_over_the_derived_ones_are_checked_at_their_field(
    in_house_match, placements_officer, child
):
    with pytest.raises(ReferralError) as refused:
        start(in_house_match, placements_officer, codes={"place": "U9", "home_postcode": "nope"})

    assert refused.value.field_errors == {
        f"c{child.pk}_place": "PLACE: U9 is not a placement type code of the return",
        f"c{child.pk}_home_postcode": "HOME_POST: Enter a real postcode, like WN1 1AA",
    }
    assert not Placement.objects.exists()


def test_a_placement_does_not_start_in_the_future(in_house_match, placements_officer):
    with pytest.raises(ReferralError) as refused:
        start(in_house_match, placements_officer, started_on=timezone.localdate() + timedelta(1))

    assert refused.value.field_errors["started_on"].startswith("The start date must be today")


def test_codes_entered_are_kept(in_house_match, placements_officer, child):
    (placement,) = start(
        in_house_match, placements_officer, care_type="long_term",
        codes={child.pk: {"place": "U4", "home_postcode": "wn1 1aa"}},
    )  # fmt: skip

    assert (placement.place, placement.home_postcode) == ("U4", "WN1 1AA")


def test_the_household_and_the_vacancy_list_update_at_once(in_house_match, placements_officer):
    household = in_house_match.household
    assert places_held([household]) == {household.pk: 1}

    start(in_house_match, placements_officer)

    household.refresh_from_db()
    assert places_held([household]) == {}
    assert household.children_placed.count() == 1
    household.places_held = 0
    assert free_places(household) == household.max_children - 1


def test_no_place_no_placement(in_house_match, placements_officer, wigan):
    household = in_house_match.household
    household.max_children = 1
    household.save()
    ChildFactory(authority=wigan, placed_with=household)

    with pytest.raises(ReferralError) as refused:
        start(in_house_match, placements_officer)

    assert refused.value.field_errors["household"] == (
        f"{household.name} has no free place for 1 child"
    )


def test_the_referral_closes_and_the_offers_not_taken_are_declined(
    matched_referral,
    in_house_match,
    placements_officer,
    team_manager,
    agency,
    agency_user,
    social_worker,
):
    request = AgencyRequest.objects.create(
        referral=matched_referral, provider=agency, status=AgencyRequest.Status.OFFERED,
        sent_by=placements_officer, sent_at=timezone.now(), answer_due_at=timezone.now(),
    )  # fmt: skip
    other_carers = HouseholdFactory(provider=agency, postcode="M1 1AE")
    open_offer = Offer.objects.create(
        referral=matched_referral, household=other_carers, source=Offer.Source.AGENCY,
        weekly_cost=Decimal("4100"), made_by=agency_user, agency_request=request,
    )  # fmt: skip
    open_offer.children.set(matched_referral.children.all())
    silent = AgencyFactory(name="Quiet Fostering", email="office@quiet.example")
    unanswered = AgencyRequest.objects.create(
        referral=matched_referral, provider=silent, sent_by=placements_officer,
        sent_at=timezone.now(), answer_due_at=timezone.now(),
    )  # fmt: skip
    agency.email = "referrals@northern.example"
    agency.save()

    start(in_house_match, placements_officer)

    referral = Referral.objects.get(pk=matched_referral.pk)
    assert referral.status == Status.PLACED and referral.closed_at is not None
    declined = Offer.objects.get(pk=open_offer.pk)
    assert declined.status == Offer.Status.DECLINED
    assert declined.decision_reason == "The children were placed with another home"
    assert AgencyRequest.objects.get(pk=request.pk).status == AgencyRequest.Status.CLOSED
    assert AgencyRequest.objects.get(pk=unanswered.pk).status == AgencyRequest.Status.CLOSED
    mail = {m.to: m for m in OutgoingEmail.objects.filter(to__contains="example")}
    assert "not taken" in mail["referrals@northern.example"].subject
    assert "closed" in mail["office@quiet.example"].subject
    for message in mail.values():
        assert social_worker.first_name not in message.body
        assert matched_referral.children.get().first_name not in message.body
    event = ReferralEvent.objects.get(action="placement_started")
    assert event.from_status == Status.MATCHED and event.to_status == Status.PLACED
    assert event.detail["declined_offers"] == [open_offer.pk]
    assert not WorkItem.objects.filter(
        referral=referral, closed_at__isnull=True, kind__in=["placement_start", "matching_sign_off"]
    ).exists()


def test_a_sibling_group_placed_apart_keeps_the_referral_open_until_the_last(
    wigan, social_worker, child, child_team, placements_officer, team_manager, household
):
    brother = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Cal")
    referral = make_referral(child, brother, status=Status.MATCHED, placement_type="short_term")
    other_home = HouseholdFactory(provider=wigan)
    first = matched_offer(
        referral, household, by=placements_officer, signer=team_manager, children=[child]
    )
    second = matched_offer(
        referral, other_home, by=placements_officer, signer=team_manager, children=[brother]
    )

    start(first, placements_officer)
    assert Referral.objects.get(pk=referral.pk).status == Status.MATCHED

    start(second, placements_officer)
    assert Referral.objects.get(pk=referral.pk).status == Status.PLACED


@time_machine.travel(MONDAY, tick=False)
def test_the_tasks_of_the_move_land_with_the_social_worker(
    in_house_match, placements_officer, social_worker
):
    (placement,) = start(in_house_match, placements_officer)

    tasks = {
        item.kind: item
        for item in WorkItem.objects.filter(key=f"placement:{placement.pk}", closed_at__isnull=True)
    }
    assert {kind: item.due_at for kind, item in tasks.items()} == {
        "placement_plan": datetime(2026, 12, 14, 23, 59, 59, tzinfo=LONDON),
        "life_story_session": datetime(2026, 12, 28, 23, 59, 59, tzinfo=LONDON),
        "statutory_visit": datetime(2026, 12, 21, 23, 59, 59, tzinfo=LONDON),
    }
    assert {item.assigned_user_id for item in tasks.values()} == {social_worker.pk}


@time_machine.travel(MONDAY, tick=False)
def test_a_placement_recorded_after_the_day_counts_its_tasks_from_the_day(
    in_house_match, placements_officer
):
    (placement,) = start(in_house_match, placements_officer, started_on=date(2026, 12, 10))

    plan = WorkItem.objects.get(kind="placement_plan", key=f"placement:{placement.pk}")
    assert plan.due_at == datetime(2026, 12, 10, 23, 59, 59, tzinfo=LONDON)


def test_a_placement_started_is_not_started_again(started_placement, placements_officer):
    with pytest.raises(ActionNotAllowed, match="already started"):
        start(started_placement.offer, placements_officer)


def test_the_child_and_household_records_are_audited(in_house_match, placements_officer):
    from hearth.audit.models import AuditEvent

    (placement,) = start(in_house_match, placements_officer)

    written = set(
        AuditEvent.objects.filter(action="update").values_list("record_type", "record_id")
    )
    assert ("child", str(placement.child_id)) in written
    assert ("household", str(placement.household_id)) in written


def test_an_emergency_booking_becomes_a_placement(
    matched_referral, household, placements_officer, child
):
    from hearth.placements.services import emergency_placement_start

    Referral.objects.filter(pk=matched_referral.pk).update(
        urgent=True, emergency_household=household, emergency_booked_at=timezone.now()
    )
    referral = Referral.objects.get(pk=matched_referral.pk)

    (placement,) = emergency_placement_start(
        user=placements_officer, referral=referral, started_on=timezone.localdate()
    )

    assert placement.care_type == "emergency" and placement.offer is None
    assert Child.objects.get(pk=child.pk).placed_with == household
    assert Referral.objects.get(pk=referral.pk).status == Status.MATCHED
