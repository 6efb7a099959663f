"""The in-house search's people and records: Amy's accepted referral in Wigan (her social worker
in Children in Care Team North, managed by the team manager persona), the fostering duty worker
who rings carers, and the council's own carers, one household with a child already living there."""

from datetime import date

import pytest

from hearth.accounts.roles import Role
from hearth.people.models import SiblingGroup
from hearth.referrals.models import Referral, Status
from hearth.search import services
from hearth.search.models import Offer
from hearth.search.vocabulary import OFFERS
from tests.factories import ChildFactory, HouseholdFactory, make_referral, member

NEED = "trauma_attachment"  # Amy's need (tests.factories.ChildFactory)


def accepted(*children, **fields):
    """A referral for the children as the placements team leaves it on accepting it."""
    return make_referral(
        *children,
        status=Status.SEARCHING,
        search_route=Referral.SearchRoute.IN_HOUSE_FIRST,
        in_house_search=Referral.SearchState.SEARCHING,
        file_reference="PL000001",
        **fields,
    )


@pytest.fixture
def duty_worker(wigan):
    return member(
        wigan, Role.FOSTERING_DUTY_WORKER, username="duty.wigan", first_name="Dee",
        last_name="Duty",
    )  # fmt: skip


@pytest.fixture
def searching(child, child_team):
    """Amy's referral, accepted: the in-house search is on."""
    return accepted(child)


@pytest.fixture
def carers(wigan, supervising_social_worker):
    """The Ashworths: approved for two children, trained in trauma and attachment."""
    return HouseholdFactory(
        provider=wigan, name="Ashworth family", reference="H2001", max_children=2,
        skills=[NEED], supervising_social_worker=supervising_social_worker,
    )  # fmt: skip


@pytest.fixture
def placed_child(wigan, carers):
    """Ben, already living with the Ashworths, with a social worker and an IRO of his own."""
    return ChildFactory(
        authority=wigan, placed_with=carers, first_name="Ben", date_of_birth=date(2012, 5, 1),
        social_worker=member(wigan, Role.SOCIAL_WORKER, username="sw.ben"),
        iro=member(wigan, Role.IRO, username="iro.ben"),
    )  # fmt: skip


@pytest.fixture
def make_offer(duty_worker):
    """Record the carers' offer through the service, as the duty worker does."""

    def make(referral, household, *, by=None, **fields):
        _, offer = services.contact_record(
            user=by or duty_worker, referral=referral, household=household, outcome=OFFERS,
            **fields,
        )  # fmt: skip
        return offer

    return make


@pytest.fixture
def agree():
    """The social worker talks to the carers, then agrees."""

    def agree(offer, user):
        services.offer_record_conversation(
            user=user, offer=offer, conversation="Talked through Amy's routines and school run."
        )
        return services.offer_decide(user=user, offer=offer, agree=True)

    return agree


def form_data(*needs, **texts):
    """A complete matching form meeting each need."""
    return {
        "needs_met": [{"need": need, "how": "Trained and experienced in it"} for need in needs],
        "gaps": [],
        "why_this_home": "Near school; the carers have cared for children of her age.",
        "support_plan": "Supervising social worker fortnightly for the first two months.",
        "family_time": "Mum fortnightly at the family centre; the carers drive.",
        **texts,
    }


@pytest.fixture
def offer(searching, carers, make_offer):
    return make_offer(searching, carers)


@pytest.fixture
def agreed(offer, social_worker, agree):
    return agree(offer, social_worker)


@pytest.fixture
def submitted(agreed, duty_worker):
    """The Ashworths' agreed offer with its matching form complete and sent for sign-off."""
    services.matching_form_save(
        user=duty_worker, offer=agreed, data=form_data(NEED), expected_version=0
    )
    services.matching_form_submit(user=duty_worker, offer=agreed)
    return Offer.objects.get(pk=agreed.pk)


@pytest.fixture
def siblings(wigan, social_worker, child, child_team):
    """Amy and her younger brother Cal, in one referral."""
    group = SiblingGroup.objects.create(authority=wigan, reference="SG-AMY")
    child.sibling_group = group
    child.save()
    cal = ChildFactory(
        authority=wigan, social_worker=social_worker, team=child_team, sibling_group=group,
        first_name="Cal", date_of_birth=date(2019, 6, 1), needs=["education_support"],
    )  # fmt: skip
    return accepted(child, cal), child, cal
