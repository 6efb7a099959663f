"""Two team managers signing off matches with the same carers' last place at the same moment: the
household's row lock serves them one after the other, so exactly one match takes the place and the
other is refused (PostgreSQL: real concurrent transactions, each on its own connection)."""

import threading

import pytest
from django.db import connection, connections

from hearth.accounts.roles import Role
from hearth.referrals.services import ReferralError
from hearth.search import services
from hearth.search.models import Offer
from tests.factories import ChildFactory, member
from tests.search.conftest import NEED, accepted, form_data

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL's row locks (scripts/with-postgres)"
)


@pytest.fixture
def fresh_connections_afterwards():
    """Set up before the database and torn down after it: the next test gets a new session."""
    yield
    connections.close_all()


@pytest.fixture
def committed(fresh_connections_afterwards, transactional_db):
    """Records committed for the threads' connections to see. Emptying the tables afterwards
    truncates the append-only history, which its triggers refuse: this session (only) skips them,
    and is closed once the tables are empty."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


def _submitted(referral, carers, duty_worker, social_worker):
    _, offer = services.contact_record(
        user=duty_worker, referral=referral, household=carers, outcome="offers"
    )
    services.offer_record_conversation(
        user=social_worker, offer=offer, conversation="Talked through the routines at home."
    )
    services.offer_decide(user=social_worker, offer=offer, agree=True)
    services.matching_form_save(
        user=duty_worker, offer=offer, data=form_data(NEED), expected_version=0
    )
    services.matching_form_submit(user=duty_worker, offer=offer)
    return Offer.objects.get(pk=offer.pk)


def test_two_managers_signing_off_matches_for_the_last_place_at_once_exactly_one_succeeds(
    committed, wigan, child, child_team, team_manager, social_worker, duty_worker, carers
):
    carers.max_children = 1
    carers.save()
    # Amy's referral in the team manager's team; Bea's, with no team, signed by another manager.
    other_manager = member(wigan, Role.TEAM_MANAGER, username="tm2.wigan")
    bea = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Bea")
    offers = [_submitted(accepted(one), carers, duty_worker, social_worker) for one in (child, bea)]
    barrier = threading.Barrier(2)
    outcomes = []

    def sign(offer, manager):
        try:
            barrier.wait(timeout=10)
            services.matching_sign_off(user=manager, offer=offer, comment="A good match.")
            outcomes.append("matched")
        except ReferralError as refused:
            outcomes.append(" ".join(refused.problems) or str(refused))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=sign, args=(offer, manager))
        for offer, manager in zip(offers, (team_manager, other_manager), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(outcomes) == 2 and outcomes.count("matched") == 1, outcomes
    refusal = next(outcome for outcome in outcomes if outcome != "matched")
    assert carers.name in refusal
    assert Offer.objects.filter(status=Offer.Status.MATCHED).count() == 1
