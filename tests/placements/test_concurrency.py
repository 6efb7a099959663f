"""Two officers placing children into a household's last place at the same moment: the household's
row lock serves them one after the other, so exactly one succeeds (PostgreSQL: real concurrent
transactions, each on its own connection)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from hearth.people.models import Child
from hearth.placements.models import Placement
from hearth.placements.services import placement_start
from hearth.referrals.models import Status
from hearth.referrals.services import ReferralError
from tests.factories import ChildFactory, make_referral
from tests.fixtures.placements import matched_offer

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
    truncates the append-only history, which its triggers refuse: this session (only) skips
    them, and is closed once the tables are empty."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


def test_two_officers_placing_into_the_last_place_at_once_exactly_one_succeeds(
    committed, wigan, household, placements_officer, team_manager, social_worker
):
    from hearth.accounts.roles import Role
    from tests.factories import member

    second_officer = member(wigan, Role.PLACEMENTS_OFFICER, username="po2.wigan")
    # Both matched when the carers had room for two; their approval is now for one.
    offers = []
    for name in ("Amy", "Bea"):
        child = ChildFactory(authority=wigan, social_worker=social_worker, first_name=name)
        referral = make_referral(child, status=Status.MATCHED, placement_type="short_term")
        offers.append(
            matched_offer(referral, household, by=placements_officer, signer=team_manager)
        )
    household.max_children = 1
    household.save()
    barrier = threading.Barrier(2)
    outcomes = []

    def place(offer, officer):
        try:
            barrier.wait(timeout=10)
            placement_start(
                user=officer, offer=offer, started_on=timezone.localdate(), care_type="short_term"
            )
            outcomes.append("placed")
        except ReferralError as refused:
            outcomes.append(str(refused))
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=place, args=(offer, officer))
        for offer, officer in zip(offers, (placements_officer, second_officer), strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [f"{household.name} has no free place for 1 child", "placed"]
    assert Placement.objects.count() == 1
    assert Child.objects.filter(placed_with=household).count() == 1
