"""Choosing between offers: in-house offers come first (001). Agreeing to an agency offer while an
in-house offer for the same child still stands needs a robust reason, kept on the offer; each
search's state follows its own offers."""

from decimal import Decimal

import pytest
from django.utils import timezone

from hearth.people.models import Household
from hearth.referrals.models import Referral
from hearth.referrals.services import ReferralError
from hearth.search import services
from hearth.search.models import AgencyRequest, Offer
from tests.factories import HouseholdFactory

REASON = "The agency carers are five minutes from Amy's school and speak her first language."


@pytest.fixture
def agency_offer(searching, agency, placements_officer):
    """An offer from the agency's Whitfields, recorded on its behalf, for Amy."""
    searching.agency_search = Referral.SearchState.SEARCHING
    searching.save()
    household = HouseholdFactory(
        provider=agency, name="Whitfield family", reference="A-77",
        status=Household.Status.APPROVED, weekly_cost=Decimal("850.00"),
    )  # fmt: skip
    request = AgencyRequest.objects.create(
        referral=searching, provider=agency, sent_by=placements_officer, sent_at=timezone.now(),
        answer_due_at=timezone.now(), status=AgencyRequest.Status.OFFERED,
    )  # fmt: skip
    offer = Offer.objects.create(
        referral=searching, household=household, source=Offer.Source.AGENCY,
        agency_request=request, made_by=placements_officer, weekly_cost=Decimal("950.00"),
    )  # fmt: skip
    offer.children.set(searching.children.all())
    return offer


def talked(offer, user):
    return services.offer_record_conversation(
        user=user, offer=offer, conversation="Met the Whitfields by video with Amy's mum."
    )


def test_agreeing_to_an_agency_offer_over_a_standing_in_house_offer_needs_a_full_reason(
    agency_offer, offer, social_worker
):
    talked(agency_offer, social_worker)
    with pytest.raises(ReferralError) as refused:
        services.offer_decide(
            user=social_worker, offer=agency_offer, agree=True, passed_over="Closer."
        )
    message = refused.value.field_errors["passed_over"]
    assert "Ashworth family still offers a home" in message
    assert Offer.objects.get(pk=agency_offer.pk).status == Offer.Status.OPEN

    services.offer_decide(user=social_worker, offer=agency_offer, agree=True, passed_over=REASON)
    agreed = Offer.objects.get(pk=agency_offer.pk)
    assert agreed.status == Offer.Status.AGREED
    assert agreed.in_house_passed_over == REASON


def test_no_reason_is_asked_when_no_in_house_offer_stands(agency_offer, social_worker):
    talked(agency_offer, social_worker)
    services.offer_decide(user=social_worker, offer=agency_offer, agree=True)
    agreed = Offer.objects.get(pk=agency_offer.pk)
    assert agreed.status == Offer.Status.AGREED
    assert agreed.in_house_passed_over == ""


def test_a_council_that_does_not_put_in_house_first_asks_no_reason(
    wigan, agency_offer, offer, social_worker
):
    wigan.policy.switches = {**wigan.policy.switches, "in_house_first": False}
    wigan.policy.save()
    talked(agency_offer, social_worker)
    services.offer_decide(user=social_worker, offer=agency_offer, agree=True)
    assert Offer.objects.get(pk=agency_offer.pk).status == Offer.Status.AGREED


def test_each_search_follows_its_own_offers(agency_offer, social_worker):
    referral = Referral.objects.get(pk=agency_offer.referral_id)
    services._follow_offers(referral)
    referral.refresh_from_db()
    assert referral.agency_search == Referral.SearchState.OFFERS
    assert referral.in_house_search == Referral.SearchState.SEARCHING

    services.offer_decide(
        user=social_worker, offer=agency_offer, agree=False, reason="Too far from school."
    )
    referral.refresh_from_db()
    assert referral.agency_search == Referral.SearchState.SEARCHING


def test_the_decision_page_asks_why_not_the_in_house_offer_and_shows_it_at_the_field(
    client, agency_offer, offer, social_worker
):
    from django.urls import reverse

    from tests.screens import page

    talked(agency_offer, social_worker)
    client.force_login(social_worker)
    url = reverse("offer_decide", args=[agency_offer.referral_id, agency_offer.pk])
    shown = page(client.get(url))
    assert "Why this agency rather than the in-house offer" in shown
    assert "Ashworth family still offers a home" in shown

    refused = client.post(url, {"decision": "agree", "passed_over": ""})
    assert "Enter why you choose this agency over the in-house offer" in page(refused)
    assert Offer.objects.get(pk=agency_offer.pk).status == Offer.Status.OPEN

    client.post(url, {"decision": "agree", "passed_over": REASON})
    offer_page = page(
        client.get(reverse("offer", args=[agency_offer.referral_id, agency_offer.pk]))
    )
    assert "Why not the in-house offer" in offer_page
    assert REASON in offer_page
    assert "£950.00" in offer_page


def test_the_chronology_says_which_in_house_offer_was_passed_over_and_why(
    agency_offer, offer, social_worker
):
    from hearth.referrals.chronology import what_happened
    from hearth.referrals.models import ReferralEvent

    talked(agency_offer, social_worker)
    services.offer_decide(user=social_worker, offer=agency_offer, agree=True, passed_over=REASON)
    event = ReferralEvent.objects.get(action="offer_agreed")
    assert event.detail["passed_over"] == ["Ashworth family"]
    sentence = what_happened(event.action, event.detail, "Sam Jones", {})
    assert sentence == (
        f"Offer from Whitfield family (A-77) agreed by Sam Jones, over the in-house offer of "
        f"Ashworth family: {REASON}"
    )


def test_the_report_lists_agency_offers_agreed_over_in_house_ones_in_the_councils_own_referrals(
    client, agency_offer, offer, social_worker, placements_officer, outsider,
    django_assert_num_queries,
):  # fmt: skip
    from django.urls import reverse

    from tests.screens import page

    talked(agency_offer, social_worker)
    services.offer_decide(user=social_worker, offer=agency_offer, agree=True, passed_over=REASON)
    client.force_login(placements_officer)
    url = reverse("offers_passed_over")
    client.get(url)  # session warmed
    with django_assert_num_queries(14):  # the same for any number of rows
        shown = page(client.get(url))
    assert REASON in shown
    assert "Amy" in shown and "Northern Fostering" in shown

    download = client.get(url, {"format": "csv"})
    assert REASON in download.content.decode()

    client.force_login(outsider)
    assert REASON not in page(client.get(url))
