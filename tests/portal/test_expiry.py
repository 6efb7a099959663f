"""Agency offers nobody decided on in time expire (a `hearth worker` job); the social worker is warned
a day before, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.portal.services import agency_offer_make, offers_expire
from hearth.referrals.models import Referral, ReferralEvent
from hearth.search.models import Offer
from hearth.trays.jobs import JOBS, run_jobs
from hearth.trays.models import OutgoingEmail, WorkItem
from tests.fixtures.portal import offer_terms

MONDAY = "2026-11-23 10:00 +00:00"


@pytest.fixture
def offer(time_machine, agency_user, portal_request, portal_household):
    """Made on Monday morning: it stands to the end of Thursday."""
    time_machine.move_to(MONDAY, tick=False)
    return agency_offer_make(
        user=agency_user, agency_request=portal_request, **offer_terms(portal_household)
    )


def items(kind, offer):
    return WorkItem.objects.filter(kind=kind, key=f"offer:{offer.pk}")


def test_the_job_runs_each_round():
    assert "hearth.portal.services.offers_expire" in JOBS


def test_an_offer_standing_is_left_alone(offer, time_machine):
    time_machine.move_to("2026-11-24 10:00 +00:00", tick=False)

    assert offers_expire(timezone.now()) == 0
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OPEN


def test_the_social_worker_is_warned_a_day_before_once(offer, time_machine, social_worker):
    time_machine.move_to("2026-11-26 09:00 +00:00", tick=False)

    assert offers_expire(timezone.now()) == 1
    assert offers_expire(timezone.now()) == 0

    warning = items(WorkItem.Kind.OFFER_EXPIRING, offer).get()
    assert warning.assigned_user == social_worker and warning.due_at == offer.expires_at


def test_an_offer_past_its_expiry_expires(offer, time_machine, agency_user):
    time_machine.move_to("2026-11-27 00:00:01 +00:00", tick=False)
    OutgoingEmail.objects.all().delete()

    assert offers_expire(timezone.now()) == 1

    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    assert offer.decision_reason == "Expired before a decision"
    assert not items(WorkItem.Kind.CARER_OFFER, offer).filter(closed_at__isnull=True).exists()
    referral = Referral.objects.get(pk=offer.referral_id)
    assert referral.agency_search == Referral.SearchState.SEARCHING
    assert ReferralEvent.objects.filter(action="agency_offer_expired").count() == 1
    email = OutgoingEmail.objects.get(to=agency_user.email)
    assert "expired" in email.subject
    assert referral.children.get().first_name not in email.body


def test_expiring_twice_does_nothing_twice(offer, time_machine):
    time_machine.move_to("2026-11-28 09:00 +00:00", tick=False)

    assert run_jobs() == {"offers_expire": 1}
    assert run_jobs() == {}
    assert ReferralEvent.objects.filter(action="agency_offer_expired").count() == 1


def test_a_decided_offer_never_expires(offer, time_machine):
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.MATCHED)
    time_machine.move_to("2026-12-10 09:00 +00:00", tick=False)

    assert offers_expire(timezone.now()) == 0


def test_an_extended_offer_is_warned_again_before_its_new_expiry(offer, time_machine, agency_user):
    from hearth.portal.services import agency_offer_revise

    time_machine.move_to("2026-11-26 09:00 +00:00", tick=False)
    offers_expire(timezone.now())
    offer.refresh_from_db()
    agency_offer_revise(
        user=agency_user, offer=offer, weekly_cost=offer.weekly_cost,
        cost_covers=offer.cost_covers, expires_at=offer.expires_at + timedelta(days=7),
        expected_version=offer.version,
    )  # fmt: skip
    assert not items(WorkItem.Kind.OFFER_EXPIRING, offer).filter(closed_at=None).exists()

    time_machine.move_to("2026-12-03 09:00 +00:00", tick=False)
    assert offers_expire(timezone.now()) == 1
    assert items(WorkItem.Kind.OFFER_EXPIRING, offer).filter(closed_at=None).count() == 1
