"""Agencies' answers: an offer (on the portal or recorded on the agency's behalf), no offer, new
terms; each checked field by field before anything is written."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.people.models import Household
from hearth.people.services import EditConflict
from hearth.portal import services
from hearth.referrals.models import Referral, ReferralEvent
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.search.models import AgencyRequest, Offer
from hearth.trays.models import OutgoingEmail, WorkItem
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory, member
from tests.fixtures.portal import offer_terms


def make(user, agency_request, household, **changes):
    return services.agency_offer_make(
        user=user, agency_request=agency_request, **offer_terms(household, **changes)
    )


def field_error(call):
    with pytest.raises(ReferralError) as raised:
        call()
    return raised.value.field_errors


# Making an offer ----------------------------------------------------------------------------------


def test_an_offer_lands_with_the_social_worker_at_once(
    agency_user, portal_request, portal_household, social_worker
):
    offer = make(agency_user, portal_request, portal_household)

    item = WorkItem.objects.get(kind=WorkItem.Kind.CARER_OFFER, key=f"offer:{offer.pk}")
    assert item.assigned_user == social_worker and item.closed_at is None
    assert item.due_at == offer.expires_at
    email = OutgoingEmail.objects.get(to=social_worker.email)
    assert portal_request.referral.children.get().first_name not in email.body + email.subject


def test_an_offer_answers_the_request_and_the_agency_search_has_offers(
    agency_user, portal_request, portal_household
):
    offer = make(agency_user, portal_request, portal_household)

    portal_request.refresh_from_db()
    assert portal_request.status == AgencyRequest.Status.OFFERED
    assert portal_request.answered_by == agency_user and portal_request.answered_at
    assert offer.source == Offer.Source.AGENCY and offer.status == Offer.Status.OPEN
    assert offer.weekly_cost == Decimal("895.50") and offer.made_by == agency_user
    assert list(offer.children.all()) == list(portal_request.referral.children.all())
    referral = Referral.objects.get(pk=portal_request.referral_id)
    assert referral.agency_search == Referral.SearchState.OFFERS


def test_an_offer_is_written_to_the_referrals_history(
    agency_user, portal_request, portal_household
):
    offer = make(agency_user, portal_request, portal_household)

    event = ReferralEvent.objects.get(action="agency_offer_made")
    assert event.by == agency_user and event.by_role == Role.AGENCY_USER
    assert event.detail["provider"] == "Northern Fostering"
    assert event.detail["household_name"] == "Moss family"
    assert event.detail["weekly_cost"] == "895.50"
    assert event.detail["expires_at"] == offer.expires_at.isoformat()
    assert event.detail["on_behalf"] is False


def test_an_offer_stands_for_the_policys_time_unless_the_agency_says(
    agency_user, portal_request, portal_household, time_machine
):
    time_machine.move_to("2026-11-23 10:00 +00:00", tick=False)  # a Monday
    offer = make(agency_user, portal_request, portal_household)

    # Three working days: to the end of Thursday, Europe/London.
    assert timezone.localtime(offer.expires_at).isoformat() == "2026-11-26T23:59:59+00:00"


def test_the_chase_stops_when_the_agency_answers(
    agency_user, portal_request, portal_household, wigan
):
    chase = WorkItem.objects.create(
        organisation=wigan, kind=WorkItem.Kind.AGENCY_CHASE, title="Chase",
        referral=portal_request.referral, assigned_role=Role.PLACEMENTS_OFFICER,
        key=f"agency_request:{portal_request.pk}",
    )  # fmt: skip

    make(agency_user, portal_request, portal_household)

    chase.refresh_from_db()
    assert chase.closed_at is not None


def test_a_placements_officer_records_an_offer_given_by_phone(
    placements_officer, portal_request, portal_household
):
    offer = services.agency_offer_make(
        user=placements_officer, agency_request=portal_request, on_behalf=True,
        **offer_terms(portal_household),
    )  # fmt: skip

    assert offer.made_by == placements_officer
    event = ReferralEvent.objects.get(action="agency_offer_made")
    assert event.detail["on_behalf"] is True and event.by_role == Role.PLACEMENTS_OFFICER


def test_only_the_placements_team_records_an_offer_on_the_agencys_behalf(
    social_worker, portal_request, portal_household
):
    with pytest.raises(ActionNotAllowed):
        services.agency_offer_make(
            user=social_worker, agency_request=portal_request, on_behalf=True,
            **offer_terms(portal_household),
        )  # fmt: skip
    assert not Offer.objects.exists()


def test_another_agencys_staff_cannot_offer(portal_request, portal_household):
    stranger = member(AgencyFactory(name="Other Agency"), Role.AGENCY_USER, username="other")

    with pytest.raises(ActionNotAllowed):
        make(stranger, portal_request, portal_household)


@pytest.mark.parametrize("status", [AgencyRequest.Status.WITHDRAWN, AgencyRequest.Status.CLOSED])
def test_no_offer_is_made_on_a_request_withdrawn_or_closed(
    agency_user, portal_request, portal_household, status
):
    portal_request.status = status
    portal_request.save()

    with pytest.raises(ActionNotAllowed):
        make(agency_user, portal_request, portal_household)


@pytest.mark.parametrize(
    ("cost", "message"),
    [
        ("", "Enter the weekly cost"),
        ("0", "The weekly cost must be more than £0"),
        ("-10", "The weekly cost must be more than £0"),
        ("100000", "The weekly cost must be £99,999.99 or less"),
        ("99999.999", "The weekly cost must be £99,999.99 or less"),
        ("850.505", "Enter the weekly cost in pounds and pence, with no fraction of a penny"),
        ("eight hundred", "Enter the weekly cost in pounds and pence, for example 850.00"),
        ("NaN", "Enter the weekly cost in pounds and pence, for example 850.00"),
    ],
)
def test_a_weekly_cost_must_be_pounds_and_pence(
    agency_user, portal_request, portal_household, cost, message
):
    errors = field_error(
        lambda: make(agency_user, portal_request, portal_household, weekly_cost=cost)
    )

    assert errors == {"weekly_cost": message}
    assert not Offer.objects.exists()


@pytest.mark.parametrize(
    ("cost", "kept"),
    [("0.01", "0.01"), ("£3,999.99", "3999.99"), ("99999.99", "99999.99"), (850, "850.00")],
)
def test_a_weekly_cost_is_kept_to_the_penny(
    agency_user, portal_request, portal_household, cost, kept
):
    offer = make(agency_user, portal_request, portal_household, weekly_cost=cost)

    assert offer.weekly_cost == Decimal(kept)


def test_the_start_date_cannot_be_past(agency_user, portal_request, portal_household):
    yesterday = timezone.localdate() - timedelta(days=1)

    errors = field_error(
        lambda: make(agency_user, portal_request, portal_household, available_from=yesterday)
    )

    assert errors == {"available_from": "The start date must be today or in the future"}


def test_the_expiry_must_be_in_the_future(agency_user, portal_request, portal_household):
    past = timezone.now() - timedelta(minutes=1)

    errors = field_error(
        lambda: make(agency_user, portal_request, portal_household, expires_at=past)
    )

    assert errors == {"expires_at": "The offer must expire in the future"}


def test_every_missing_answer_is_given_at_its_field(agency_user, portal_request, portal_household):
    errors = field_error(
        lambda: make(
            agency_user,
            portal_request,
            portal_household,
            available_from=None,
            cost_covers="",
            carer_profile=" ",
            ofsted_details="",
        )
    )

    assert set(errors) == {"available_from", "cost_covers", "carer_profile", "ofsted_details"}


def test_the_household_must_be_the_agencys_own(agency_user, portal_request, household):
    errors = field_error(lambda: make(agency_user, portal_request, household))

    assert errors == {"household": "Choose one of Northern Fostering's own households"}


def test_the_household_must_be_approved(agency_user, portal_request, portal_household):
    portal_household.status = Household.Status.DEREGISTERED
    portal_household.save()

    errors = field_error(lambda: make(agency_user, portal_request, portal_household))

    assert errors["household"].startswith("Moss family is no longer fostering")


def test_the_household_must_have_a_place_for_each_child(
    agency_user, portal_request, portal_household, wigan
):
    ChildFactory(authority=wigan, placed_with=portal_household)
    ChildFactory(authority=wigan, placed_with=portal_household)

    errors = field_error(lambda: make(agency_user, portal_request, portal_household))

    assert errors == {"household": "Moss family has 0 free places for 1 child"}


def test_a_household_offers_once_while_its_offer_stands(
    agency_user, portal_request, portal_household
):
    make(agency_user, portal_request, portal_household)

    errors = field_error(lambda: make(agency_user, portal_request, portal_household))

    assert errors == {"household": "Moss family already has an offer standing for this referral"}


def test_a_second_household_may_offer_too(agency_user, portal_request, portal_household, agency):
    make(agency_user, portal_request, portal_household)
    second = HouseholdFactory(provider=agency, name="Hart family")

    make(agency_user, portal_request, second)

    assert Offer.objects.filter(agency_request=portal_request).count() == 2


def test_an_offer_for_a_child_outside_the_referral_is_refused(
    agency_user, portal_request, portal_household, wigan
):
    stranger = ChildFactory(authority=wigan, first_name="Zed")

    errors = field_error(
        lambda: make(agency_user, portal_request, portal_household, children=[stranger])
    )

    assert errors == {"children": "Choose only children of this referral"}


# No offer -------------------------------------------------------------------------------------------


def test_an_agency_with_no_home_says_why(agency_user, portal_request):
    services.agency_no_offer(
        user=agency_user, agency_request=portal_request, reason="No carers for teenagers now."
    )

    portal_request.refresh_from_db()
    assert portal_request.status == AgencyRequest.Status.NO_OFFER
    assert portal_request.answer == "No carers for teenagers now."
    event = ReferralEvent.objects.get(action="agency_no_offer")
    assert event.comment == "No carers for teenagers now." and event.by == agency_user


def test_no_offer_needs_a_reason(agency_user, portal_request):
    errors = field_error(
        lambda: services.agency_no_offer(user=agency_user, agency_request=portal_request, reason="")
    )

    assert errors == {"reason": "Say why there is no home to offer"}


def test_no_offer_is_refused_while_an_offer_stands(agency_user, portal_offer):
    with pytest.raises(ActionNotAllowed):
        services.agency_no_offer(
            user=agency_user, agency_request=portal_offer.agency_request, reason="Changed mind."
        )


# New terms ------------------------------------------------------------------------------------------


def revise(user, offer, **changes):
    arguments = {
        "weekly_cost": offer.weekly_cost, "cost_covers": offer.cost_covers,
        "expires_at": offer.expires_at, "expected_version": offer.version, **changes,
    }  # fmt: skip
    return services.agency_offer_revise(user=user, offer=offer, **arguments)


@pytest.fixture
def cost_changes(monkeypatch):
    """The calls to hearth.placements.services.cost_changed (the cost approval's own tests prove
    what it does): recorded here, on top of whatever it does, so that the call itself is seen."""
    import importlib

    calls = []
    try:
        placements = importlib.import_module("hearth.placements.services")
    except ImportError:
        import sys
        import types

        placements = types.ModuleType("hearth.placements.services")
        monkeypatch.setitem(sys.modules, "hearth.placements.services", placements)
    real = getattr(placements, "cost_changed", None)

    def cost_changed(*, offer, by):
        calls.append((offer.pk, offer.weekly_cost, by))
        if real is not None:
            return real(offer=offer, by=by)
        return None

    monkeypatch.setattr(placements, "cost_changed", cost_changed, raising=False)
    return calls


def test_a_changed_cost_reopens_the_cost_approval(agency_user, portal_offer, cost_changes):
    offer = revise(agency_user, portal_offer, weekly_cost="950.00")

    assert offer.weekly_cost == Decimal("950.00") and offer.version == portal_offer.version + 1
    assert cost_changes == [(offer.pk, Decimal("950.00"), agency_user)]
    event = ReferralEvent.objects.get(action="agency_offer_revised")
    assert event.detail["previous_weekly_cost"] == "895.50"
    assert event.detail["changed"] == ["weekly_cost"]


def test_terms_unchanged_but_the_cost_ask_no_new_approval(agency_user, portal_offer, cost_changes):
    revise(agency_user, portal_offer, cost_covers="Everything, and respite.")

    assert cost_changes == []
    assert Offer.objects.get(pk=portal_offer.pk).cost_covers == "Everything, and respite."


def test_a_change_that_changes_nothing_writes_nothing(agency_user, portal_offer, cost_changes):
    version = portal_offer.version

    revise(agency_user, portal_offer)

    assert Offer.objects.get(pk=portal_offer.pk).version == version
    assert not ReferralEvent.objects.filter(action="agency_offer_revised").exists()


def test_a_change_from_an_older_version_is_refused(agency_user, portal_offer, cost_changes):
    with pytest.raises(EditConflict):
        revise(agency_user, portal_offer, weekly_cost="999.00", expected_version=0)

    assert Offer.objects.get(pk=portal_offer.pk).weekly_cost == Decimal("895.50")


def test_a_declined_offers_terms_cannot_change(agency_user, portal_offer, cost_changes):
    Offer.objects.filter(pk=portal_offer.pk).update(
        status=Offer.Status.DECLINED, decision_reason="Too far."
    )
    portal_offer.refresh_from_db()

    with pytest.raises(ActionNotAllowed):
        revise(agency_user, portal_offer, weekly_cost="700.00")


def test_only_the_agency_changes_its_terms(placements_officer, portal_offer, cost_changes):
    with pytest.raises(ActionNotAllowed):
        revise(placements_officer, portal_offer, weekly_cost="700.00")


def test_a_new_expiry_must_be_in_the_future(agency_user, portal_offer, cost_changes):
    errors = field_error(
        lambda: revise(agency_user, portal_offer, expires_at=timezone.now() - timedelta(hours=1))
    )

    assert errors == {"expires_at": "The offer must expire in the future"}


def test_a_changed_cost_of_a_matched_offer_is_asked_again(agency_user, portal_offer):
    from hearth.placements.models import CostApproval

    Offer.objects.filter(pk=portal_offer.pk).update(status=Offer.Status.MATCHED)
    portal_offer.refresh_from_db()

    revise(agency_user, portal_offer, weekly_cost="4000.00")

    approval = CostApproval.objects.get(offer=portal_offer)
    assert approval.status == CostApproval.Status.PENDING
    assert approval.weekly_cost == Decimal("4000.00")
