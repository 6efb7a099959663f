"""Sufficiency in the carers' view: places approved, filled, vacant and on hold, by age band and
type of care; households with room; another council's and agencies' households left out."""

import pytest
from django.urls import reverse

from hearth.fostering.sufficiency import sufficiency
from hearth.people.models import Household
from tests.factories import ChildFactory, HouseholdFactory


@pytest.fixture
def homes(wigan, agency, trafford):
    """Three approved homes of Wigan's (one on hold, one temporary), and others not counted."""
    young = HouseholdFactory(
        provider=wigan, name="Young household", min_age=0, max_age=4, max_children=2, bedrooms=2,
        care_types=["short_term"],
    )  # fmt: skip
    ChildFactory(authority=wigan, placed_with=young)
    teens = HouseholdFactory(
        provider=wigan, name="Teen household", min_age=11, max_age=17, max_children=3, bedrooms=3,
        care_types=["long_term", "short_term"], status=Household.Status.ON_HOLD,
        hold_reason="illness",
    )  # fmt: skip
    ChildFactory(authority=wigan, placed_with=teens)
    kin = HouseholdFactory(
        provider=wigan, name="Kin household", min_age=5, max_age=17, max_children=1, bedrooms=1,
        care_types=["kinship"], status=Household.Status.TEMPORARY,
    )  # fmt: skip
    ChildFactory(authority=wigan, placed_with=kin)
    HouseholdFactory(provider=wigan, status=Household.Status.IN_ASSESSMENT, approved_on=None)
    HouseholdFactory(provider=wigan, status=Household.Status.DEREGISTERED)
    HouseholdFactory(provider=agency, max_children=4)
    HouseholdFactory(provider=trafford, max_children=4)
    return young, teens, kin


def test_places_filled_vacant_and_on_hold(wigan, homes):
    total = sufficiency(wigan).total
    assert (total.households, total.places, total.filled) == (3, 6, 3)
    # Young: 2 places, 1 filled -> 1 vacant; Kin: full; Teens on hold: 3 on hold, none vacant.
    assert (total.vacant, total.on_hold) == (1, 3)


def test_temporary_approvals_are_counted_apart_as_the_monthly_figures_leave_them_out(wigan, homes):
    """The monthly figures count full approvals only: the Regulation 24 approvals (and the
    children with them) are counted separately, so the two pages can be reconciled."""
    temporary = sufficiency(wigan).temporary
    assert (temporary.households, temporary.places, temporary.filled) == (1, 1, 1)


def test_the_page_says_how_many_are_temporary_approvals(client, iro, wigan, homes):
    client.force_login(iro)
    page = " ".join(client.get(reverse("fostering_sufficiency")).content.decode().split())
    assert "Of which temporary approvals (Regulation 24): 1 household, 1 child." in page
    assert (
        "count full approvals only, so today they would count 2 households and 2 children" in page
    )


def test_a_household_counts_in_each_age_band_its_approval_covers(wigan, homes):
    bands = {band.label: band for band in sufficiency(wigan).bands}
    assert bands["0 to 4"].households == 1 and bands["0 to 4"].vacant == 1
    assert bands["5 to 10"].households == 1  # Kin (5 to 17)
    assert bands["11 to 15"].households == 2 and bands["11 to 15"].on_hold == 3
    assert bands["16 to 17"].places == 4


def test_places_by_type_of_care(wigan, homes):
    types = {kind.label: kind for kind in sufficiency(wigan).care_types}
    assert types["Short-term"].households == 2 and types["Short-term"].places == 5
    assert types["Long-term"].on_hold == 3
    assert types["Kinship"].filled == 1


def test_households_with_room_are_those_not_on_hold_with_a_spare_bedroom(wigan, homes):
    young, _teens, _kin = homes
    assert sufficiency(wigan).room == [young]


def test_the_page_lists_figures_and_links_households_with_room(
    client, supervising_social_worker, homes, django_assert_max_num_queries
):
    young, _teens, _kin = homes
    client.force_login(supervising_social_worker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("fostering_sufficiency"))
    page = response.content.decode()
    assert reverse("household", args=[young.pk]) in page
    assert "Teen household" not in page  # on hold: no room offered


def test_the_page_downloads_as_csv(client, iro, homes):
    client.force_login(iro)
    response = client.get(reverse("fostering_sufficiency"), {"format": "csv"})
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "group,households,places,filled,vacant,on_hold"
    assert lines[1] == "All approved households,3,6,3,1,3"
    assert lines[2] == "Of which temporary approvals (Regulation 24),1,1,1,0,0"


def test_someone_who_does_not_read_fostering_gets_not_found(client, social_worker, homes):
    client.force_login(social_worker)
    assert client.get(reverse("fostering_sufficiency")).status_code == 404
