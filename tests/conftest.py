"""Shared personas: people of each role in two councils (Wigan and Trafford) and in an agency."""

import pytest

from hearth.accounts.roles import Role
from tests.factories import AgencyFactory, AuthorityFactory, ChildFactory, HouseholdFactory, member


@pytest.fixture(autouse=True)
def agency_staff_without_a_second_factor(settings):
    """Most tests are not about the second factor: agencies' staff go straight in, as in a demo.
    tests/accounts/test_sign_in.py turns it back on to test it."""
    settings.AGENCY_TWO_FACTOR = False


@pytest.fixture
def wigan(db):
    return AuthorityFactory(name="Wigan Council", ons_code="E08000010")


@pytest.fixture
def trafford(db):
    return AuthorityFactory(name="Trafford Council", ons_code="E08000009")


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Northern Fostering", ofsted_urn="SC123456")


@pytest.fixture
def social_worker(wigan):
    return member(
        wigan, Role.SOCIAL_WORKER, username="sw.wigan", first_name="Sam", last_name="Jones"
    )


@pytest.fixture
def team_manager(wigan):
    return member(wigan, Role.TEAM_MANAGER, username="tm.wigan")


@pytest.fixture
def supervising_social_worker(wigan):
    return member(wigan, Role.SUPERVISING_SOCIAL_WORKER, username="ssw.wigan")


@pytest.fixture
def admin(wigan):
    return member(wigan, Role.SYSTEM_ADMINISTRATOR, username="admin.wigan")


@pytest.fixture
def region_analyst(wigan):
    return member(wigan, Role.REGION_ANALYST, username="analyst.wigan")


@pytest.fixture
def outsider(trafford):
    """A social worker of another council: must never see Wigan's records."""
    return member(trafford, Role.SOCIAL_WORKER, username="sw.trafford")


@pytest.fixture
def outsider_admin(trafford):
    return member(trafford, Role.SYSTEM_ADMINISTRATOR, username="admin.trafford")


@pytest.fixture
def agency_user(agency):
    return member(agency, Role.AGENCY_USER, username="agency.user")


@pytest.fixture
def child(wigan, social_worker):
    return ChildFactory(authority=wigan, social_worker=social_worker)


@pytest.fixture
def household(wigan, supervising_social_worker):
    return HouseholdFactory(provider=wigan, supervising_social_worker=supervising_social_worker)


@pytest.fixture
def agency_household(agency, agency_user):
    return HouseholdFactory(provider=agency, postcode="M1 1AE")


@pytest.fixture
def outsider_ssw(trafford):
    """A supervising social worker of another council."""
    return member(trafford, Role.SUPERVISING_SOCIAL_WORKER, username="ssw.trafford")


@pytest.fixture
def service_lead(wigan):
    return member(wigan, Role.SERVICE_LEAD, username="sl.wigan")


@pytest.fixture
def placements_officer(wigan):
    return member(wigan, Role.PLACEMENTS_OFFICER, username="po.wigan")


@pytest.fixture
def iro(wigan):
    return member(wigan, Role.IRO, username="iro.wigan")


@pytest.fixture
def virtual_school(wigan):
    return member(wigan, Role.VIRTUAL_SCHOOL, username="vs.wigan")
