"""A person in one council never reaches another council's records, whatever roles they hold."""

import ast
from pathlib import Path

import pytest
from django.urls import reverse

from hearth.accounts.access import child_for_user, children_for_user, households_for_user
from hearth.accounts.models import Membership
from hearth.accounts.roles import AUTHORITY_ROLES
from hearth.audit.models import AuditEvent
from tests.factories import ChildFactory, HouseholdFactory, TeamFactory, UserFactory

RECORD_URLS = [
    ("child", "child"),
    ("child_change", "child"),
    ("household", "household"),
    ("household_change", "household"),
    ("manage_user", "user"),
    ("manage_team", "team"),
    ("access_log", "child"),
]


@pytest.fixture
def trafford_everything(trafford):
    """One Trafford person holding every council role there."""
    user = UserFactory(username="all.roles.trafford")
    Membership.objects.bulk_create(
        Membership(user=user, organisation=trafford, role=r) for r in AUTHORITY_ROLES
    )
    return user


@pytest.mark.parametrize("name,record", RECORD_URLS)
def test_other_council_gets_404_for_every_record_url(
    name, record, client, wigan, trafford_everything
):
    records = {
        "child": ChildFactory(authority=wigan),
        "household": HouseholdFactory(provider=wigan),
        "user": UserFactory(),
        "team": TeamFactory(organisation=wigan),
    }
    Membership.objects.create(user=records["user"], organisation=wigan, role="social_worker")
    args = ["child", records[record].pk] if name == "access_log" else [records[record].pk]
    client.force_login(trafford_everything)
    assert client.get(reverse(name, args=args)).status_code == 404
    assert (
        AuditEvent.objects.filter(action="denied", username=trafford_everything.username).count()
        == 1
    )


def test_lists_show_only_the_users_own_council(wigan, trafford, trafford_everything):
    ChildFactory(authority=wigan)
    own = ChildFactory(authority=trafford, home_postcode="M32 0TH")
    HouseholdFactory(provider=wigan)
    assert list(children_for_user(trafford_everything)) == [own]
    assert list(households_for_user(trafford_everything)) == []


def test_access_function_refuses_a_record_that_does_not_exist(social_worker):
    from django.http import Http404

    with pytest.raises(Http404):
        child_for_user(social_worker, 999999)
    assert AuditEvent.objects.get(action="denied").record_id == "999999"


def test_agency_user_sees_only_its_own_households(agency_user, agency_household, household):
    assert list(households_for_user(agency_user)) == [agency_household]
    assert list(children_for_user(agency_user)) == []


def test_region_analyst_sees_no_childs_record(region_analyst, child):
    assert list(children_for_user(region_analyst)) == []


TENANT_MODELS = {
    "Child",
    "Household",
    "Carer",
    "SiblingGroup",
    "Organisation",
    "Team",
    "Membership",
    "User",
    "Policy",
    "PolicyChange",
    "Contract",
    "AuditEvent",
    "ApiToken",
}
VIEW_PACKAGES = [Path("hearth/web/views"), Path("hearth/api")]


def _direct_queries(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in TENANT_MODELS
        ):
            yield f"{path}:{node.lineno} {node.value.id}.objects"


def test_views_reach_tenant_data_only_through_the_access_functions():
    root = Path(__file__).resolve().parents[2]
    found = [
        hit
        for package in VIEW_PACKAGES
        for f in sorted((root / package).glob("*.py"))
        for hit in _direct_queries(f)
    ]
    assert found == [], "Views must use hearth.accounts.access, not Model.objects:\n" + "\n".join(
        found
    )


def test_a_role_that_may_not_see_children_is_refused_and_audited_in_the_same_council(
    client, region_analyst, child
):
    client.force_login(region_analyst)
    assert client.get(reverse("child", args=[child.pk])).status_code == 404
    denial = AuditEvent.objects.get(action="denied")
    assert (denial.username, denial.record_type, denial.record_id) == (
        "analyst.wigan",
        "child",
        str(child.pk),
    )
