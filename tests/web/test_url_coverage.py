"""Every URL Hearth serves is checked here twice: someone allowed gets the page, someone from another
organisation (or with the wrong role) gets 404 and the refusal is audited. A URL added without an
entry in ACCESS fails `test_every_url_has_an_allowed_and_a_denied_check`."""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hearth.audit.models import AuditEvent

PUBLIC = {"login", "healthz", "logout", "two_factor_verify", "two_factor_setup"}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


@dataclass
class Check:
    allowed: str  # persona fixture name
    denied: str
    record: str | None = None  # fixture whose pk goes in the URL
    args: list = field(default_factory=list)
    audited_denial: bool = True  # record URLs log the refusal; pages without a record just 404


ACCESS = {
    "home": Check("social_worker", "anonymous", audited_denial=False),
    "children": Check("social_worker", "agency_user", audited_denial=False),
    "child_add": Check("social_worker", "region_analyst", audited_denial=False),
    "child": Check("social_worker", "outsider", record="child"),
    "child_change": Check("social_worker", "outsider", record="child"),
    "households": Check("supervising_social_worker", "region_analyst", audited_denial=False),
    "household_add": Check("supervising_social_worker", "social_worker", audited_denial=False),
    "household": Check("supervising_social_worker", "outsider_ssw", record="household"),
    "household_change": Check("supervising_social_worker", "outsider_ssw", record="household"),
    "providers": Check("social_worker", "anonymous", audited_denial=False),
    "provider": Check("social_worker", "other_agency_user", record="agency"),
    "manage": Check("admin", "social_worker", audited_denial=False),
    "manage_users": Check("admin", "social_worker", audited_denial=False),
    "manage_user_add": Check("admin", "social_worker", audited_denial=False),
    "manage_user": Check("admin", "outsider_admin", record="social_worker"),
    "manage_user_unlock": Check("admin", "outsider_admin", record="social_worker"),
    "manage_teams": Check("admin", "social_worker", audited_denial=False),
    "manage_team_add": Check("admin", "social_worker", audited_denial=False),
    "manage_team": Check("admin", "outsider_admin", record="team"),
    "manage_policy": Check("admin", "social_worker", audited_denial=False),
    "manage_policy_history": Check("admin", "social_worker", audited_denial=False),
    "access_log": Check("admin", "outsider_admin", record="child", args=["child"]),
}
POST_ONLY = {"manage_user_unlock"}


def test_every_url_has_an_allowed_and_a_denied_check():
    names = {n for n in _names(get_resolver().url_patterns) if not n.startswith("api:")}
    missing = names - set(ACCESS) - PUBLIC
    assert not missing, f"URLs with no access check: {sorted(missing)}"
    assert not (set(ACCESS) - names), "ACCESS lists URLs that no longer exist"


@pytest.fixture
def team(wigan):
    from tests.factories import TeamFactory

    return TeamFactory(organisation=wigan)


@pytest.fixture
def other_agency_user(db):
    from hearth.accounts.roles import Role
    from tests.factories import AgencyFactory, member

    return member(AgencyFactory(name="Another Agency"), Role.AGENCY_USER, username="other.agency")


def _url(name, check, request):
    args = list(check.args)
    if check.record:
        args.append(request.getfixturevalue(check.record).pk)
    return reverse(name, args=args)


def _client_for(client, request, persona):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    return client


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_allowed_user_gets_the_page(name, db, client, request):
    check = ACCESS[name]
    url = _url(name, check, request)
    client = _client_for(client, request, check.allowed)
    response = client.post(url) if name in POST_ONLY else client.get(url)
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 302:
        assert "/accounts/login/" not in response["Location"]


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_denied_user_gets_not_found(name, db, client, request):
    check = ACCESS[name]
    url = _url(name, check, request)
    client = _client_for(client, request, check.denied)
    response = client.post(url) if name in POST_ONLY else client.get(url)
    if check.denied == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 404
    if check.audited_denial:
        denial = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
        assert denial.username == request.getfixturevalue(check.denied).username
        assert denial.record_id == str(request.getfixturevalue(check.record).pk)


@pytest.mark.parametrize("name", sorted(n for n in ACCESS if n not in POST_ONLY))
def test_wrong_method_is_refused(name, db, client, request):
    check = ACCESS[name]
    client = _client_for(client, request, check.allowed)
    response = client.delete(_url(name, check, request))
    assert response.status_code == 405
