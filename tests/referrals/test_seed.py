"""Seeded councils come with referrals at every step, so a demo shows trays and a tracker in use."""

import pytest

from hearth.accounts.models import User
from hearth.people.seed import seed
from hearth.referrals.models import Referral, Status
from hearth.trays.models import OutgoingEmail
from hearth.trays.selectors import tray_for_user

SMALL = {"children": 120, "households": 30, "agencies": 8}


@pytest.fixture
def demo(db):
    seed(**SMALL, demo_users=True, password="correct horse battery staple")


def wigan_user(role):
    return User.objects.get(username=f"wigan.{role}")


def test_seeded_council_has_referrals_at_every_step(demo):
    statuses = set(
        Referral.objects.filter(authority__ons_code="E08000010").values_list("status", flat=True)
    )
    assert statuses == {
        Status.DRAFT,
        Status.RETURNED,
        Status.SUBMITTED,
        Status.WITH_SERVICE_LEAD,
        Status.APPROVED,
        Status.SEARCHING,
    }


def test_urgent_referral_is_first_in_the_team_manager_and_placements_trays(demo):
    for role in ("team_manager", "placements_officer"):
        tray = list(tray_for_user(wigan_user(role)))
        assert tray[0].urgent and tray[0].referral.urgent, role
    placements = list(tray_for_user(wigan_user("placements_officer")))
    assert not placements[-1].urgent  # the screening of a routine referral waits behind


def test_demo_social_worker_has_a_draft_and_a_returned_referral(demo):
    kinds = {item.kind for item in tray_for_user(wigan_user("social_worker"))}
    assert {"referral_draft", "referral_returned"} <= kinds


def test_each_role_in_the_chain_has_work(demo):
    assert {i.kind for i in tray_for_user(wigan_user("service_lead"))} == {"referral_approval"}
    assert "referral_comments" in {i.kind for i in tray_for_user(wigan_user("iro"))}
    assert "referral_screening" in {i.kind for i in tray_for_user(wigan_user("placements_officer"))}


def test_replayed_history_is_in_time_order_and_sends_no_mail(demo):
    referral = Referral.objects.filter(status=Status.SEARCHING).first()
    times = list(referral.events.values_list("at", flat=True))
    assert times == sorted(times) and times[0] < times[-1]
    assert referral.accepted_at > referral.approved_at > referral.submitted_at
    assert not OutgoingEmail.objects.exists()


def test_open_searches_have_carers_rung_and_an_offer_waiting_for_the_social_worker(demo):
    from hearth.search.models import Offer
    from hearth.trays.models import WorkItem

    wigan = Referral.objects.filter(authority__ons_code="E08000010", status=Status.SEARCHING)
    contacts = [
        event
        for referral in wigan
        for event in referral.events.filter(action="carer_contact").order_by("at", "pk")
    ]
    outcomes = {event.detail["outcome"] for event in contacts}
    assert {"no_answer", "declines", "message_left", "offers"} <= outcomes
    offer = Offer.objects.get(referral__in=wigan)
    assert (
        offer.status == Offer.Status.OPEN
        and offer.household.provider_id == offer.referral.authority_id
    )
    assert offer.referral.in_house_search == Referral.SearchState.OFFERS
    waiting = WorkItem.objects.get(referral=offer.referral, kind="carer_offer", closed_at=None)
    assert waiting.assigned_user_id == offer.referral.social_worker_id
    # Each contact comes after the search opened, in the order the carers were rung.
    for referral in wigan:
        rung = list(referral.events.filter(action="carer_contact").values_list("at", flat=True))
        assert all(referral.accepted_at < at for at in rung) and rung == sorted(rung)
