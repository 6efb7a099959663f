"""What the review of the placements found, each with the test that failed before its fix: a
child placed already moves (its placement ends with REC X1); emergency stop-gaps keep a referral
open; nothing is placed, approved or issued on a withdrawn referral; a refused cost is no dead
end; four eyes on the cost; row locks of the rows meant; requests answered with no offer close;
an IPA issued again keeps the earlier issue; the emergency booking's own screen."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.people.models import Child
from hearth.placements import presenters
from hearth.placements.documents import agreement_issue
from hearth.placements.models import CostApproval, Placement
from hearth.placements.selectors import current_agreement
from hearth.placements.services import (
    cost_changed,
    cost_decide,
    emergency_placement_start,
    placement_start,
)
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.referrals.services import ActionNotAllowed, ReferralError, referral_act
from hearth.search.models import AgencyRequest, Offer
from hearth.trays.models import OutgoingEmail, WorkItem
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory, make_referral
from tests.fixtures.placements import matched_offer


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def start(offer, user, **how):
    how.setdefault("started_on", timezone.localdate())
    how.setdefault("care_type", "short_term")
    return placement_start(user=user, offer=offer, **how)


@pytest.fixture
def move_offer(started_placement, child, wigan, placements_officer, team_manager):
    """Amy, placed already, matched on a new referral with other carers of the council."""
    referral = make_referral(child, status=Status.MATCHED, placement_type="long_term")
    new_home = HouseholdFactory(provider=wigan, postcode="WN2 2BB")
    return matched_offer(referral, new_home, by=placements_officer, signer=team_manager)


# 1. A child placed already moves ------------------------------------------------------------------


def test_a_placed_child_moving_needs_the_reason_and_the_ending_at_their_fields(
    move_offer, placements_officer, child, started_placement
):
    with pytest.raises(ReferralError) as refused:
        start(move_offer, placements_officer)

    errors = refused.value.field_errors
    assert errors[f"c{child.pk}_reason_place_change"].startswith("REASON_PLACE_CHANGE: say why")
    assert errors[f"c{child.pk}_ending"].startswith(f"Say whether {child.full_name}'s current")
    assert "child" not in errors  # no longer "still open: end it first"
    assert Placement.objects.get(pk=started_placement.pk).is_open


def test_a_placed_child_moves_the_old_placement_ending_with_x1(
    move_offer, placements_officer, child, started_placement
):
    (placement,) = start(
        move_offer, placements_officer,
        moves={child.pk: {"reason_place_change": "CREQB", "ending": "unplanned"}},
    )  # fmt: skip

    old = Placement.objects.get(pk=started_placement.pk)
    assert (old.ended_on, old.reason_ceased, old.reason_place_change, old.ending) == (
        placement.started_on, "X1", "CREQB", "unplanned",
    )  # fmt: skip
    assert old.needs_ending_meeting
    assert placement.reason_new_episode == "P"
    assert Child.objects.get(pk=child.pk).placed_with == move_offer.household
    assert not WorkItem.objects.filter(
        key=f"placement:{old.pk}", kind="placement_plan", closed_at__isnull=True
    ).exists()
    ended = ReferralEvent.objects.get(action="placement_ended")
    assert ended.detail["reason_place_change"] == "CREQB"


def test_a_move_is_asked_and_made_from_the_start_screen(
    client, move_offer, placements_officer, child, started_placement
):
    client.force_login(placements_officer)
    url = reverse("placement_start", args=[move_offer.referral_id, move_offer.pk])

    page = client.get(url).content.decode()
    assert f"c{child.pk}_reason_place_change" in page and "REC X1" in page
    posted = {**date_fields("started_on", timezone.localdate()), "care_type": "long_term"}
    refused = client.post(url, posted).content.decode()
    assert "REASON_PLACE_CHANGE: say why" in refused
    assert Placement.objects.get(pk=started_placement.pk).is_open

    response = client.post(
        url,
        {**posted, f"c{child.pk}_reason_place_change": "CARPL", f"c{child.pk}_ending": "planned"},
    )

    assert response.status_code == 302
    old = Placement.objects.get(pk=started_placement.pk)
    assert (old.reason_ceased, old.reason_place_change, old.needs_ending_meeting) == (
        "X1", "CARPL", False,
    )  # fmt: skip


# 2. Emergency stop-gaps keep the referral open -----------------------------------------------------


def test_a_sibling_still_in_emergency_care_keeps_the_referral_open(
    wigan, social_worker, child, child_team, placements_officer, team_manager, household
):
    brother = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Cal")
    household.max_children = 4
    household.save()
    referral = make_referral(
        child, brother, status=Status.MATCHED, placement_type="short_term", urgent=True,
        emergency_household=household, emergency_booked_at=timezone.now(),
    )  # fmt: skip
    emergency_placement_start(
        user=placements_officer, referral=referral, started_on=timezone.localdate()
    )
    new_home = HouseholdFactory(provider=wigan, postcode="WN2 2BB")
    offer = matched_offer(
        referral, new_home, by=placements_officer, signer=team_manager, children=[child]
    )

    start(offer, placements_officer, moves={"reason_place_change": "CARPL", "ending": "planned"})

    assert Referral.objects.get(pk=referral.pk).status == Status.MATCHED
    # The booking is recorded once: it is not offered again, nor recorded again, so Amy is never
    # moved back; and she holds no place with the emergency carers while Cal stays there.
    from hearth.search.selectors import places_held

    assert presenters.emergency_start_url(placements_officer, referral) == ""
    with pytest.raises(ActionNotAllowed):
        emergency_placement_start(
            user=placements_officer, referral=referral, started_on=timezone.localdate()
        )
    assert Child.objects.get(pk=child.pk).placed_with == new_home
    assert places_held([household]) == {}


# 3. A withdrawn referral ------------------------------------------------------------------------


def test_withdrawing_sets_aside_the_pending_cost_and_closes_its_tray_item(
    agency_match, pending_cost_approval, social_worker, senior_manager
):
    referral = Referral.objects.get(pk=agency_match.referral_id)

    referral_act(
        user=social_worker, referral=referral, action="withdraw",
        data={"comment": "Going home to mum."},
    )  # fmt: skip

    approval = CostApproval.objects.get(pk=pending_cost_approval.pk)
    assert (approval.status, approval.reason) == ("superseded", "The referral was withdrawn")
    assert presenters.approval_shown(approval)["tag"]["text"] == (
        "Set aside: the referral was withdrawn"
    )
    assert not WorkItem.objects.filter(kind="cost_approval", closed_at__isnull=True).exists()


def test_withdrawing_keeps_the_cost_still_to_decide_of_a_child_already_living_there(
    agency_match, pending_cost_approval, social_worker, senior_manager
):
    """An approval asked after an emergency start is for a child who lives there: withdrawing the
    referral (for a brother or sister, say) leaves it to be decided."""
    Offer.objects.filter(pk=agency_match.pk).update(status=Offer.Status.PLACED)
    referral = Referral.objects.get(pk=agency_match.referral_id)

    referral_act(
        user=social_worker, referral=referral, action="withdraw",
        data={"comment": "Cal is going home to mum."},
    )  # fmt: skip

    approval = CostApproval.objects.get(pk=pending_cost_approval.pk)
    assert approval.status == CostApproval.Status.PENDING


def test_nothing_is_decided_issued_or_started_on_a_withdrawn_referral(
    agreed_agency_match, placements_officer, senior_manager
):
    Referral.objects.filter(pk=agreed_agency_match.referral_id).update(status=Status.WITHDRAWN)
    offer = Offer.objects.get(pk=agreed_agency_match.pk)

    with pytest.raises(ActionNotAllowed, match="The referral is withdrawn"):
        start(offer, placements_officer)
    with pytest.raises(ActionNotAllowed, match="The referral is withdrawn"):
        agreement_issue(user=placements_officer, offer=offer)
    Offer.objects.filter(pk=offer.pk).update(weekly_cost=Decimal("3600.00"))
    Referral.objects.filter(pk=offer.referral_id).update(status=Status.MATCHED)
    approval = cost_changed(offer=Offer.objects.get(pk=offer.pk), by=placements_officer)
    Referral.objects.filter(pk=offer.referral_id).update(status=Status.WITHDRAWN)
    with pytest.raises(ActionNotAllowed, match="The referral is withdrawn"):
        cost_decide(user=senior_manager, approval=approval, approve=True)


# 4. A refused cost --------------------------------------------------------------------------------


def test_a_refused_cost_declines_the_match_and_the_search_goes_on(
    agency_match, pending_cost_approval, senior_manager, placements_officer, social_worker, child
):
    agency = agency_match.household.provider
    agency.email = "office@agency.example"
    agency.save()
    Referral.objects.filter(pk=agency_match.referral_id).update(
        agency_search=Referral.SearchState.NOT_NEEDED,
        in_house_search=Referral.SearchState.MATCHED,
    )

    cost_decide(
        user=senior_manager, approval=pending_cost_approval, approve=False, reason="Too high"
    )

    offer = Offer.objects.get(pk=agency_match.pk)
    assert offer.status == Offer.Status.DECLINED
    assert offer.decision_reason == "Weekly cost refused: Too high"
    referral = Referral.objects.get(pk=agency_match.referral_id)
    assert referral.status == Status.SEARCHING
    assert referral.agency_search == Referral.SearchState.SEARCHING
    assert not WorkItem.objects.filter(
        kind__in=["placement_start", "cost_approval"], closed_at__isnull=True
    ).exists()
    to_agency = OutgoingEmail.objects.get(to="office@agency.example")
    assert "declined" in to_agency.subject and child.first_name not in to_agency.body
    told = set(
        OutgoingEmail.objects.filter(subject__contains="refused").values_list("to", flat=True)
    )
    assert {social_worker.email, placements_officer.email} <= told
    event = ReferralEvent.objects.get(action="cost_refused")
    assert (event.from_status, event.to_status) == (Status.MATCHED, Status.SEARCHING)


def test_a_refused_retrospective_cost_asks_for_a_decision_on_the_placement(
    agency_match, pending_cost_approval, senior_manager, placements_officer, social_worker
):
    Referral.objects.filter(pk=agency_match.referral_id).update(urgent=True)
    (placement,) = start(agency_match, placements_officer, emergency=True)
    assert WorkItem.objects.filter(kind="costing", closed_at__isnull=True).exists()

    cost_decide(
        user=senior_manager, approval=pending_cost_approval, approve=False, reason="Too high"
    )

    items = WorkItem.objects.filter(key=f"cost_refused:{agency_match.pk}", closed_at__isnull=True)
    assert {(i.assigned_role, i.assigned_user_id, i.urgent) for i in items} == {
        ("placements_officer", None, True), ("", social_worker.pk, True),
    }  # fmt: skip
    assert "refused" in items[0].title
    assert not WorkItem.objects.filter(kind="costing", closed_at__isnull=True).exists()
    assert Offer.objects.get(pk=agency_match.pk).status == Offer.Status.PLACED


# 5. Four eyes -------------------------------------------------------------------------------------


def test_whoever_asked_for_the_approval_does_not_decide_it(
    client, agency_match, pending_cost_approval, senior_manager
):
    CostApproval.objects.filter(pk=pending_cost_approval.pk).update(requested_by=senior_manager)
    approval = CostApproval.objects.get(pk=pending_cost_approval.pk)

    with pytest.raises(ActionNotAllowed, match="You asked for this approval"):
        cost_decide(user=senior_manager, approval=approval, approve=True)
    client.force_login(senior_manager)
    page = client.get(reverse("cost_approval", args=[approval.pk])).content.decode()
    assert "You asked for this approval" in page
    assert CostApproval.objects.get(pk=approval.pk).status == "pending"


# 6. Row locks ------------------------------------------------------------------------------------


def test_every_row_lock_of_a_start_locks_only_its_own_rows(
    matched_referral, in_house_match, placements_officer, agency
):
    if not connection.features.has_select_for_update_of:
        pytest.skip("needs PostgreSQL's FOR UPDATE OF (scripts/with-postgres)")
    AgencyRequest.objects.create(
        referral=matched_referral, provider=agency, sent_by=placements_officer,
        sent_at=timezone.now(), answer_due_at=timezone.now(),
    )  # fmt: skip

    with CaptureQueriesContext(connection) as queries:
        start(in_house_match, placements_officer)

    locks = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert any("search_agencyrequest" in sql for sql in locks)
    assert all("FOR UPDATE OF" in sql for sql in locks), locks


# 7. Requests answered with no offer --------------------------------------------------------------


def test_requests_answered_with_no_offer_close_untold_once_every_child_is_placed(
    matched_referral, in_house_match, placements_officer
):
    quiet = AgencyFactory(name="No Room Fostering", email="office@noroom.example")
    answered = AgencyRequest.objects.create(
        referral=matched_referral, provider=quiet, status=AgencyRequest.Status.NO_OFFER,
        answer="No carers free", sent_by=placements_officer, sent_at=timezone.now(),
        answer_due_at=timezone.now(), answered_at=timezone.now(),
    )  # fmt: skip

    start(in_house_match, placements_officer)

    assert AgencyRequest.objects.get(pk=answered.pk).status == AgencyRequest.Status.CLOSED
    assert not OutgoingEmail.objects.filter(to="office@noroom.example").exists()


# 8. An IPA issued again --------------------------------------------------------------------------


def test_an_ipa_issued_again_keeps_the_earlier_issue_and_only_the_current_one_counts(
    issued_agreement, placements_officer, team_manager, head_of_service
):
    offer = issued_agreement.offer
    first_reference, first_terms = issued_agreement.reference, issued_agreement.terms
    assert current_agreement(offer) == issued_agreement
    Offer.objects.filter(pk=offer.pk).update(weekly_cost=Decimal("4100.00"))
    offer = Offer.objects.get(pk=offer.pk)
    approval = cost_changed(offer=offer, by=team_manager)
    assert current_agreement(offer) is None
    cost_decide(user=head_of_service, approval=approval, approve=True)
    assert current_agreement(offer) is None  # issued for the earlier cost

    again = agreement_issue(user=placements_officer, offer=offer)

    assert current_agreement(offer) == again and again.reference != first_reference
    event = ReferralEvent.objects.filter(action="agreement_issued").latest("pk")
    assert event.detail["replaced"]["reference"] == first_reference
    assert event.detail["replaced"]["terms"] == first_terms


# 9. The emergency booking's screen --------------------------------------------------------------


def test_the_emergency_booking_is_recorded_from_its_screen(
    client, emergency_referral, placements_officer, child, household
):
    panel = presenters.referral_panel(placements_officer, emergency_referral)
    url = reverse("emergency_placement_start", args=[emergency_referral.pk])
    assert panel["emergency_start_url"] == url
    client.force_login(placements_officer)
    assert "Record the emergency placement" in client.get(url).content.decode()

    response = client.post(
        url, {**date_fields("started_on", timezone.localdate()), "care_type": "emergency"}
    )

    placement = Placement.objects.get(child=child)
    assert response.status_code == 302 and response["Location"] == reverse(
        "placement", args=[placement.pk]
    )
    assert (placement.household, placement.offer, placement.care_type) == (
        household, None, "emergency",
    )  # fmt: skip
    assert (
        presenters.referral_panel(placements_officer, emergency_referral)["emergency_start_url"]
        == ""
    )
    assert client.post(url, {}).status_code == 403


def test_the_emergency_screen_is_not_for_others(client, emergency_referral, iro):
    client.force_login(iro)

    assert client.get(
        reverse("emergency_placement_start", args=[emergency_referral.pk])
    ).status_code in (403, 404)
    assert presenters.referral_panel(iro, emergency_referral) is None


def test_brothers_and_sisters_placed_apart_move_while_the_search_goes_on_for_the_others(
    wigan, household, agency_household, social_worker, placements_officer, team_manager,
    senior_manager,
):  # fmt: skip
    """A split: Amy's homes are matched while the search for Cal goes on (the referral is still
    searching). Amy's agency cost is decided and her in-house placement starts all the same."""
    amy = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Amy")
    cal = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Cal")
    split = make_referral(amy, cal, status=Status.SEARCHING, placement_type="short_term")
    in_house = matched_offer(split, household, by=placements_officer, signer=team_manager,
                             children=[amy])  # fmt: skip
    [placed] = start(in_house, placements_officer)
    assert placed.child == amy
    assert Referral.objects.get(pk=split.pk).status == Status.SEARCHING

    other = make_referral(ChildFactory(authority=wigan, social_worker=social_worker),
                          ChildFactory(authority=wigan, social_worker=social_worker),
                          status=Status.SEARCHING, placement_type="short_term")  # fmt: skip
    first = other.children.order_by("pk").first()
    agency = matched_offer(other, agency_household, by=placements_officer, signer=team_manager,
                           weekly_cost=Decimal("3000.00"), children=[first])  # fmt: skip
    from hearth.placements.services import on_offer_matched

    approval = on_offer_matched(offer=agency, by=team_manager)
    decided = cost_decide(user=senior_manager, approval=approval, approve=True)
    assert decided.status == CostApproval.Status.APPROVED
