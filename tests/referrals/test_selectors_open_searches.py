"""The children of open searches (`hearth.referrals.selectors.children_of_open_searches`): one
rule for the dashboards' children waiting and sufficiency's homes needed. A referral of brothers
and sisters stays open until every child of it is placed, so a child its match has placed is
waiting no more, while their brother still is."""

from datetime import date

import pytest
import time_machine

from hearth.people.models import SiblingGroup
from hearth.placements import sufficiency
from hearth.placements.services import on_offer_matched, placement_start
from hearth.referrals.models import Referral, Status
from hearth.referrals.selectors import children_of_open_searches
from hearth.reports import dashboards
from tests.factories import ChildFactory, HouseholdFactory, TeamFactory, make_referral
from tests.fixtures.dashboards import at
from tests.fixtures.placements import matched_offer
from tests.fixtures.stability import place

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 8)


@pytest.fixture(autouse=True)
def eighth_of_december():
    with time_machine.travel(at(2026, 12, 8), tick=False):
        yield


@pytest.fixture
def split_match(wigan, social_worker, placements_officer, team_manager):
    """Kim (11) and Lee (8), sister and brother of Wigan's West team, referred together on 1
    December; the council's Birch household was matched for Kim alone and she moved in there
    today, through the placement's own service: the referral stays open (matched) for Lee."""
    west = TeamFactory(organisation=wigan, name="West", manager=team_manager)
    group = SiblingGroup.objects.create(authority=wigan, reference="SG-KL")

    def child(first, born):
        return ChildFactory(
            authority=wigan, first_name=first, last_name="Test", reference=first.upper(),
            date_of_birth=born, social_worker=social_worker, team=west, sibling_group=group,
        )  # fmt: skip

    kim, lee = child("Kim", date(2015, 6, 1)), child("Lee", date(2018, 4, 1))
    referral = make_referral(
        kim, lee, status=Status.MATCHED, placement_type="short_term", approved_at=at(2026, 12, 1)
    )
    birch = HouseholdFactory(provider=wigan, name="Birch household", max_children=2)
    offer = matched_offer(referral, birch, by=placements_officer, signer=team_manager,
                          children=[kim])  # fmt: skip
    on_offer_matched(offer=offer, by=team_manager)
    (placement,) = placement_start(
        user=placements_officer, offer=offer, started_on=TODAY, care_type="short_term"
    )
    referral.refresh_from_db()
    assert referral.status == Status.MATCHED  # open until Lee is placed too
    return {"referral": referral, "kim": kim, "lee": lee, "placement": placement, "team": west}


def pairs(referrals, **options):
    return set(
        children_of_open_searches(referrals, **options).values_list(
            "referral_id", "child__first_name"
        )
    )


def test_a_child_placed_by_their_searchs_match_is_left_out(wigan, split_match):
    referral = split_match["referral"].pk

    assert pairs(Referral.objects.filter(authority=wigan)) == {(referral, "Lee")}


def test_a_child_whose_placement_from_the_match_ended_is_waiting_again(wigan, split_match):
    placement = split_match["placement"]
    placement.ended_on, placement.ending = TODAY, "unplanned"
    placement.reason_ceased, placement.reason_place_change = "X1", "CARPL"
    placement.save()

    assert pairs(Referral.objects.filter(authority=wigan)) == {
        (split_match["referral"].pk, "Kim"), (split_match["referral"].pk, "Lee"),
    }  # fmt: skip


def test_a_child_in_emergency_care_while_the_search_goes_on_is_still_waiting(
    wigan, child, household, placements_officer
):
    referral = make_referral(child, status=Status.SEARCHING)
    emergency = place(child, household, by=placements_officer, care_type="emergency")
    emergency.referral = referral
    emergency.save(update_fields=["referral"])

    assert pairs(Referral.objects.filter(authority=wigan)) == {(referral.pk, "Amy")}


@pytest.mark.parametrize(
    "status,returned_from,on_the_tracker,before_approval",
    [
        (Status.DRAFT, "", False, False),
        (Status.SUBMITTED, "", False, True),
        (Status.WITH_SERVICE_LEAD, "", False, True),
        (Status.APPROVED, "", True, True),
        (Status.SEARCHING, "", True, True),
        (Status.MATCHED, "", True, True),
        (Status.RETURNED, Status.APPROVED, True, True),  # returned at screening
        (Status.RETURNED, Status.SUBMITTED, False, False),  # back with the social worker
        (Status.PLACED, "", False, False),
        (Status.WITHDRAWN, "", False, False),
    ],
)
def test_which_searches_are_open(wigan, child, status, returned_from, on_the_tracker,
                                 before_approval):  # fmt: skip
    make_referral(child, status=status, returned_from=returned_from)
    referrals = Referral.objects.filter(authority=wigan)

    assert bool(pairs(referrals)) is on_the_tracker
    assert bool(pairs(referrals, include_before_approval=True)) is before_approval


def test_the_dashboards_count_only_the_brother_still_waiting(wigan, split_match):
    team = dashboards.team_dashboard(wigan, split_match["team"], today=TODAY)
    service = dashboards.service_dashboard(wigan, today=TODAY)

    for dashboard in (team, service):
        waiting = dashboard.listing(figure="waiting").records
        assert [record.name for record in waiting] == ["Lee Test"]
        # Kim's new home is not ending: the search that made it looks for Lee's
        assert dashboard.listing(figure="endings").records == ()
    assert service.table("teams").rows[0][:1] == ("West",)
    assert service.table("teams").rows[0][1][0].value == 1


def test_sufficiency_counts_only_the_brother_still_waiting(wigan, split_match):
    result = sufficiency.sufficiency(wigan, TODAY, TODAY, today=TODAY)

    waiting, _ = result.counted("waiting")
    assert [need.name for need in waiting] == ["Lee Test"]
    moving, freed = result.counted("moving")[0], result.counted("pending")[1]
    assert moving == [] and freed == []  # Kim is not moving on: her new home frees no place
