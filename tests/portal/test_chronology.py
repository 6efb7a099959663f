"""The agencies' answers read as sentences in the referral's chronology."""

from hearth.portal import services
from hearth.referrals.chronology import referral_chronology


def sentences(referral, reader):
    return [entry.what for entry in referral_chronology(referral, reader)]


def test_an_offer_and_its_new_terms_are_in_the_chronology(
    agency_user, portal_offer, placements_officer
):
    services.agency_offer_revise(
        user=agency_user, offer=portal_offer, weekly_cost="910.00",
        cost_covers=portal_offer.cost_covers, expires_at=portal_offer.expires_at,
        expected_version=portal_offer.version,
    )  # fmt: skip

    found = sentences(portal_offer.referral, placements_officer)

    who = f"{agency_user.display_name} (agency (IFA) user)"
    assert found == [
        f"Offer from Northern Fostering of a home with Moss family (NF-001) at £895.50 a week "
        f"made by {who}",
        f"Terms of the offer from Northern Fostering with Moss family (NF-001) changed by {who}: "
        "£910.00 a week (was £895.50)",
    ]


def test_no_offer_recorded_for_the_agency_says_who_recorded_it(placements_officer, portal_request):
    services.agency_no_offer(
        user=placements_officer, agency_request=portal_request, reason="Full until spring."
    )

    (sentence,) = sentences(portal_request.referral, placements_officer)
    assert sentence.startswith("Northern Fostering has no home to offer; recorded by ")
