"""Administration screens: people and their roles, teams, and the council's policy."""

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from hearth.accounts.models import Membership, User
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON, policy_due_at
from hearth.core.models import Policy, PolicyChange, Team
from tests.factories import TeamFactory, member
from tests.screens import field_error, form_data, page

PASSWORD = "lantern orchard quietly 47"


def sign_in(username, password=PASSWORD):
    """Sign in from a browser of one's own, as the person would."""
    browser = Client()
    response = browser.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7"
    )
    return browser, response


def person_data(**overrides):
    data = {
        "username": "kim.lee",
        "first_name": "Kim",
        "last_name": "Lee",
        "email": "kim.lee@wigan.example.org",
        "job_title": "Social worker",
        "roles": ["social_worker", "iro"],
        "password": PASSWORD,
    }
    data.update(overrides)
    return data


def roles_in(user, organisation):
    return sorted(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )


# People ------------------------------------------------------------------------------------------------


def test_administrator_adds_a_person_with_roles_who_can_then_sign_in(client, wigan, admin):
    client.force_login(admin)
    response = client.post(reverse("manage_user_add"), person_data(), follow=True)
    assert response.redirect_chain == [(reverse("manage_users"), 302)]
    assert "Kim Lee can now sign in as kim.lee." in page(response)
    kim = User.objects.get(username="kim.lee")
    assert roles_in(kim, wigan) == ["iro", "social_worker"]
    browser, signed_in = sign_in("kim.lee")
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("home")
    assert "Social worker, Wigan Council" in page(browser.get(reverse("home")))


def test_administrator_adds_a_person_to_a_team(client, wigan, admin):
    team = TeamFactory(organisation=wigan, name="Children in Care North")
    client.force_login(admin)
    client.post(reverse("manage_user_add"), person_data(team=team.pk))
    kim = User.objects.get(username="kim.lee")
    assert {m.team for m in kim.memberships.all()} == {team}


def test_adding_a_person_with_a_short_password_is_refused_at_the_password(client, admin):
    client.force_login(admin)
    response = client.post(reverse("manage_user_add"), person_data(password="Sh0rt-pw!"))
    assert response.status_code == 200
    assert field_error(response, "password").startswith(
        "This password is too short. It must contain at least 12 characters."
    )
    assert "Sh0rt-pw!" not in response.content.decode()
    assert not User.objects.filter(username="kim.lee").exists()


@pytest.mark.parametrize("username", ["sw.wigan", "SW.Wigan", "  sw.wigan "])
def test_adding_a_person_with_a_username_taken_in_any_case_is_refused(
    client, admin, social_worker, username
):
    client.force_login(admin)
    before = User.objects.count()
    response = client.post(reverse("manage_user_add"), person_data(username=username))
    assert field_error(response, "username") == "Someone already has this username"
    assert User.objects.count() == before


def test_adding_a_person_with_a_username_taken_in_another_council_is_refused(
    client, admin, outsider
):
    client.force_login(admin)
    response = client.post(reverse("manage_user_add"), person_data(username="SW.TRAFFORD"))
    assert field_error(response, "username") == "Someone already has this username"
    assert not User.objects.filter(first_name="Kim").exists()


def test_council_administrator_is_not_offered_the_agency_role(client, admin):
    client.force_login(admin)
    body = client.get(reverse("manage_user_add")).content.decode()
    offered = re.findall(r'name="roles" type="checkbox" value="([^"]+)"', body)
    assert "social_worker" in offered and "system_administrator" in offered
    assert "agency_user" not in offered


def test_council_administrator_cannot_give_the_agency_role(client, wigan, admin):
    client.force_login(admin)
    response = client.post(reverse("manage_user_add"), person_data(roles=["agency_user"]))
    assert field_error(response, "roles") == (
        "Select a valid choice. agency_user is not one of the available choices."
    )
    assert not Membership.objects.filter(role="agency_user").exists()


def _change_person(client, person):
    url = reverse("manage_user", args=[person.pk])
    return url, form_data(client.get(url).context["form"])


def test_changing_a_persons_roles_removes_the_role_taken_away(client, wigan, admin, social_worker):
    client.force_login(admin)
    url, data = _change_person(client, social_worker)
    assert data["roles"] == ["social_worker"]
    data["roles"] = ["team_manager"]
    assert client.post(url, data).status_code == 302
    assert roles_in(social_worker, wigan) == ["team_manager"]


def test_changing_a_persons_roles_keeps_their_roles_in_another_council(
    client, wigan, trafford, admin, social_worker
):
    Membership.objects.create(user=social_worker, organisation=trafford, role=Role.IRO)
    client.force_login(admin)
    url, data = _change_person(client, social_worker)
    data["roles"] = ["team_manager"]
    client.post(url, data)
    assert roles_in(social_worker, trafford) == ["iro"]


def test_a_person_losing_a_role_loses_what_it_let_them_see(client, admin, social_worker, child):
    client.force_login(admin)
    url, data = _change_person(client, social_worker)
    data["roles"] = ["region_analyst"]
    client.post(url, data)
    browser = Client()
    browser.force_login(social_worker)
    assert browser.get(reverse("child", args=[child.pk])).status_code == 404


def test_closing_an_account_stops_the_person_signing_in(client, admin, social_worker):
    client.force_login(admin)
    url, data = _change_person(client, social_worker)
    del data["is_active"]  # the "Can sign in" box unticked
    client.post(url, data)
    social_worker.refresh_from_db()
    assert social_worker.is_active is False
    _browser, response = sign_in("sw.wigan", "correct horse battery staple")
    assert response.status_code == 200
    assert "Enter a correct username and password" in page(response) or (
        "This account has been closed" in page(response)
    )
    assert "Closed" in page(client.get(reverse("manage_users")))


def test_closing_an_account_ends_the_persons_open_session(client, admin, social_worker, child):
    open_session = Client()
    open_session.force_login(social_worker)
    assert open_session.get(reverse("child", args=[child.pk])).status_code == 200
    client.force_login(admin)
    url, data = _change_person(client, social_worker)
    del data["is_active"]
    client.post(url, data)
    response = open_session.get(reverse("child", args=[child.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_administrator_of_another_council_sees_none_of_its_people(
    client, outsider_admin, outsider, social_worker, team_manager, admin
):
    client.force_login(outsider_admin)
    body = page(client.get(reverse("manage_users")))
    assert "sw.trafford" in body and "admin.trafford" in body
    for wigan_person in ("sw.wigan", "tm.wigan", "admin.wigan"):
        assert wigan_person not in body


def test_people_list_shows_only_the_roles_held_in_the_administrators_council(
    client, trafford, outsider_admin, social_worker
):
    Membership.objects.create(user=social_worker, organisation=trafford, role=Role.IRO)
    client.force_login(outsider_admin)
    body = page(client.get(reverse("manage_users")))
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.DOTALL)
    [row] = [r for r in rows if "sw.wigan" in r]
    assert "Independent Reviewing Officer" in row
    assert "Social worker" not in row  # held at Wigan: none of Trafford's business


def test_administrator_of_another_council_cannot_change_a_person(
    client, outsider_admin, social_worker
):
    client.force_login(outsider_admin)
    url = reverse("manage_user", args=[social_worker.pk])
    response = client.post(url, {"first_name": "Hacked", "roles": ["team_manager"]})
    assert response.status_code == 404
    social_worker.refresh_from_db()
    assert social_worker.first_name == "Sam"


# Teams -------------------------------------------------------------------------------------------------


def test_administrator_adds_a_team(client, wigan, admin, team_manager):
    client.force_login(admin)
    response = client.post(
        reverse("manage_team_add"), {"name": "Children in Care North", "manager": team_manager.pk}
    )
    assert response["Location"] == reverse("manage_teams")
    team = Team.objects.get(organisation=wigan, name="Children in Care North")
    assert team.manager == team_manager
    assert "Children in Care North" in page(client.get(reverse("manage_teams")))


def test_adding_a_team_with_a_name_already_used_in_any_case_is_refused(client, wigan, admin):
    TeamFactory(organisation=wigan, name="Children in Care North")
    client.force_login(admin)
    response = client.post(reverse("manage_team_add"), {"name": "children in care NORTH"})
    assert field_error(response, "name") == "There is already a team with this name"
    assert Team.objects.filter(organisation=wigan).count() == 1


def test_adding_a_team_with_a_name_another_council_uses_is_accepted(client, wigan, trafford, admin):
    TeamFactory(organisation=trafford, name="Children in Care North")
    client.force_login(admin)
    client.post(reverse("manage_team_add"), {"name": "Children in Care North"})
    assert Team.objects.filter(organisation=wigan, name="Children in Care North").exists()


def test_renaming_a_team_saves_the_new_name(client, wigan, admin):
    team = TeamFactory(organisation=wigan, name="Children in Care North")
    client.force_login(admin)
    response = client.post(reverse("manage_team", args=[team.pk]), {"name": "CiC North"})
    assert response.status_code == 302
    team.refresh_from_db()
    assert team.name == "CiC North"


def test_renaming_a_team_only_in_case_is_accepted(client, wigan, admin):
    team = TeamFactory(organisation=wigan, name="Cic North")
    client.force_login(admin)
    client.post(reverse("manage_team", args=[team.pk]), {"name": "CiC North"})
    team.refresh_from_db()
    assert team.name == "CiC North"


def test_renaming_a_team_to_another_teams_name_is_refused(client, wigan, admin):
    TeamFactory(organisation=wigan, name="Fostering")
    team = TeamFactory(organisation=wigan, name="Children in Care North")
    client.force_login(admin)
    response = client.post(reverse("manage_team", args=[team.pk]), {"name": "FOSTERING"})
    assert field_error(response, "name") == "There is already a team with this name"
    team.refresh_from_db()
    assert team.name == "Children in Care North"


# Policy ------------------------------------------------------------------------------------------------


@pytest.fixture
def second_admin(wigan):
    return member(wigan, Role.SYSTEM_ADMINISTRATOR, username="admin2.wigan")


def _policy_form(client):
    url = reverse("manage_policy")
    return url, form_data(client.get(url).context["form"])


def test_changing_the_stability_meeting_timescale_records_who_why_and_what(client, wigan, admin):
    client.force_login(admin)
    url, data = _policy_form(client)
    data["t_stability_meeting_amount"] = 24
    data["reason"] = "Our stability policy of March 2026"
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(reverse("manage_policy_history"), 302)]
    assert "1 setting changed." in page(response)
    change = PolicyChange.objects.get()
    assert (change.setting, change.old_value, change.new_value) == (
        "timescales.stability_meeting",
        {"amount": 48, "unit": "hours"},
        {"amount": 24, "unit": "hours"},
    )
    assert (change.reason, change.changed_by, change.policy.authority) == (
        "Our stability policy of March 2026",
        admin,
        wigan,
    )


def test_changing_two_settings_records_one_change_for_each(client, admin):
    client.force_login(admin)
    url, data = _policy_form(client)
    data["t_stability_meeting_amount"] = 24
    data["t_annual_review_unit"] = "weeks"
    data["reason"] = "Review of timescales"
    client.post(url, data)
    changes = PolicyChange.objects.order_by("setting")
    assert [c.setting for c in changes] == [
        "timescales.annual_review",
        "timescales.stability_meeting",
    ]
    assert {c.reason for c in changes} == {"Review of timescales"}


def test_policy_history_lists_the_change(client, admin):
    client.force_login(admin)
    url, data = _policy_form(client)
    data["t_stability_meeting_amount"] = 24
    data["reason"] = "Our stability policy of March 2026"
    client.post(url, data)
    body = page(client.get(reverse("manage_policy_history")))
    rows = re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body, re.DOTALL)
    [row] = [r for r in rows if "timescales.stability_meeting" in r]
    assert admin.display_name in row
    assert "Our stability policy of March 2026" in row
    assert "'amount': 24" in row


def test_changed_stability_meeting_timescale_sets_the_deadline(client, wigan, admin):
    client.force_login(admin)
    url, data = _policy_form(client)
    data["t_stability_meeting_amount"] = 24
    data["reason"] = "Our stability policy of March 2026"
    client.post(url, data)
    requested = datetime(2026, 3, 27, 15, 0, tzinfo=LONDON)
    policy = Policy.objects.get(authority=wigan)
    assert policy_due_at(policy, "stability_meeting", requested) == requested + timedelta(hours=24)


def test_saving_the_policy_unchanged_records_nothing(client, admin):
    client.force_login(admin)
    url, data = _policy_form(client)
    data["reason"] = "Checking"
    response = client.post(url, data, follow=True)
    assert "0 settings changed." in page(response)
    assert not PolicyChange.objects.exists()


def test_policy_without_a_reason_is_refused_at_the_reason(client, wigan, admin):
    client.force_login(admin)
    url, data = _policy_form(client)
    data["t_stability_meeting_amount"] = 24
    response = client.post(url, data)
    assert field_error(response, "reason") == "This field is required."
    assert Policy.objects.get(authority=wigan).timescale("stability_meeting") == (48, "hours")


@pytest.mark.parametrize("upper_above_lower", [0, -1])
def test_policy_with_the_directors_limit_not_above_the_head_of_services_is_refused(
    client, wigan, admin, upper_above_lower
):
    client.force_login(admin)
    url, data = _policy_form(client)
    stored_tiers = Policy.objects.get(authority=wigan).cost_tiers
    data["cost_upper_limit"] = int(data["cost_lower_limit"]) + upper_above_lower
    data["reason"] = "New limits"
    response = client.post(url, data)
    assert field_error(response, "cost_upper_limit") == (
        "The director's limit must be above the head of service's limit"
    )
    assert Policy.objects.get(authority=wigan).cost_tiers == stored_tiers
    assert not PolicyChange.objects.exists()


def test_policy_saved_by_someone_else_first_refuses_the_stale_form(
    client, wigan, admin, second_admin
):
    other = Client()
    client.force_login(admin)
    other.force_login(second_admin)
    url, mine = _policy_form(client)
    _url, theirs = _policy_form(other)
    theirs["t_stability_meeting_amount"] = 72
    theirs["reason"] = "Theirs"
    assert other.post(url, theirs).status_code == 302

    mine["t_stability_meeting_amount"] = 24
    mine["reason"] = "Mine"
    response = client.post(url, mine)

    assert response.status_code == 200
    assert "The policy was changed by someone else while you were editing it" in page(response)
    assert Policy.objects.get(authority=wigan).timescale("stability_meeting") == (72, "hours")
    assert list(PolicyChange.objects.values_list("reason", flat=True)) == ["Theirs"]


def test_policy_of_another_council_is_untouched_by_an_administrators_change(
    client, wigan, trafford, admin
):
    client.force_login(admin)
    url, data = _policy_form(client)
    data["t_stability_meeting_amount"] = 24
    data["reason"] = "Wigan only"
    client.post(url, data)
    assert Policy.objects.get(authority=trafford).timescale("stability_meeting") == (48, "hours")


def test_administrator_sets_a_new_password_for_someone_who_forgot_theirs(
    client, admin, social_worker
):
    client.force_login(admin)
    url = reverse("manage_user", args=[social_worker.pk])
    data = form_data(client.get(url).context["form"])
    data["password"] = "a freshly chosen passphrase"
    assert client.post(url, data).status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.check_password("a freshly chosen passphrase")
    assert AuditEvent.objects.filter(
        record_type="user", detail="password set by an administrator"
    ).exists()


def test_saving_a_person_without_a_new_password_keeps_theirs(client, admin, social_worker):
    client.force_login(admin)
    url = reverse("manage_user", args=[social_worker.pk])
    data = form_data(client.get(url).context["form"])
    data.pop("password", None)
    assert client.post(url, data).status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.check_password("correct horse battery staple")


def test_agency_administrator_manages_only_agency_roles_and_has_no_policy(client, agency):
    from tests.factories import member

    agency_admin = member(agency, Role.SYSTEM_ADMINISTRATOR, username="admin.agency")
    client.force_login(agency_admin)
    form = client.get(reverse("manage_user_add")).context["form"]
    assert {value for value, _ in form.fields["roles"].choices} == {
        "agency_user",
        "system_administrator",
    }
    assert (
        "Timescales, thresholds and approvers" not in client.get(reverse("home")).content.decode()
    )
    assert client.get(reverse("manage_policy")).status_code == 404


@pytest.fixture
def shared_person(wigan, trafford, social_worker):
    """Sam works for Wigan and also as an IRO for Trafford."""
    Membership.objects.create(user=social_worker, organisation=trafford, role=Role.IRO)
    return social_worker


def test_administrator_cannot_take_over_an_account_shared_with_another_council(
    client, outsider_admin, shared_person
):
    client.force_login(outsider_admin)
    url = reverse("manage_user", args=[shared_person.pk])
    data = form_data(client.get(url).context["form"])
    data |= {"password": "a takeover passphrase", "first_name": "Mallory", "is_active": ""}
    assert client.post(url, data).status_code == 302
    shared_person.refresh_from_db()
    assert shared_person.check_password("correct horse battery staple")
    assert (shared_person.first_name, shared_person.is_active) == ("Sam", True)


def test_administrator_of_a_shared_account_cannot_reset_its_authenticator_or_unlock_it(
    client, outsider_admin, shared_person
):
    client.force_login(outsider_admin)
    for name in ("manage_user_reset_second_factor", "manage_user_unlock"):
        assert client.post(reverse(name, args=[shared_person.pk])).status_code == 404
    assert AuditEvent.objects.filter(action="denied", record_type="user").count() == 2


def test_administrator_changes_only_the_roles_held_in_their_own_council(
    client, outsider_admin, shared_person, trafford, wigan
):
    client.force_login(outsider_admin)
    url = reverse("manage_user", args=[shared_person.pk])
    data = form_data(client.get(url).context["form"])
    data["roles"] = []
    assert client.post(url, data).status_code == 302
    assert roles_in(shared_person, trafford) == []
    assert roles_in(shared_person, wigan) == [Role.SOCIAL_WORKER]
