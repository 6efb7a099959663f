"""Two people placing children at once cannot both take a household's last place."""

from datetime import date

import pytest

from hearth.people import services
from hearth.people.models import Child
from tests.factories import ChildFactory, HouseholdFactory


def _data(reference, household):
    return {
        "reference": reference, "first_name": "Ava", "last_name": "Holt",
        "date_of_birth": date(2016, 5, 4), "sex": "F", "ethnicity": "WBRI", "legal_status": "C2",
        "placed_with_reference": household,
    }  # fmt: skip


def test_the_last_place_taken_meanwhile_is_refused_and_nothing_is_written(wigan, social_worker):
    household = HouseholdFactory(provider=wigan, max_children=1)
    # Both forms were checked while the place was free; the first save takes it.
    first = services.child_create(user=social_worker, authority=wigan, data=_data("C1", household))
    with pytest.raises(services.PlaceTaken, match="last place was taken"):
        services.child_create(user=social_worker, authority=wigan, data=_data("C2", household))
    assert list(household.children_placed.all()) == [first]
    assert not Child.objects.filter(reference="C2").exists()


def test_moving_a_child_into_a_home_filled_meanwhile_is_refused(wigan, social_worker):
    household = HouseholdFactory(provider=wigan, max_children=1)
    ChildFactory(authority=wigan, placed_with=household)
    moving = ChildFactory(authority=wigan)
    with pytest.raises(services.PlaceTaken):
        services.child_update(
            user=social_worker, child=moving, data={"placed_with_reference": household},
            expected_version=moving.version,
        )  # fmt: skip
    moving.refresh_from_db()
    assert moving.placed_with is None and moving.version == 1
