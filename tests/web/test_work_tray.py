"""The work tray: each step of a referral lands in the right person's, team's or role's tray, urgent
items first, overdue ones flagged; the home page says how much is waiting."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.referrals import services
from hearth.trays.services import item_open
from tests.factories import ChildFactory, UserFactory, make_referral, member
from tests.screens import page

NOW = datetime(2026, 6, 15, 10, 30, tzinfo=LONDON)


@pytest.fixture
def team(child_team, social_worker):
    """The child's team, with their social worker a member of it."""
    Membership.objects.filter(user=social_worker).update(team=child_team)
    return child_team


@pytest.fixture
def draft(draft, team):
    """The shared draft, once the social worker is a member of the child's team."""
    return draft


def act(user, referral, action, **data):
    return services.referral_act(user=user, referral=referral, action=action, data=data)


def tray(client, user, **query):
    client.logout()  # a fresh sign-in: time moves on between some of these reads
    client.force_login(user)
    response = client.get(reverse("work_tray"), query)
    assert response.status_code == 200
    return response


def rows(response):
    return response.context["rows"]


def titles(response):
    return [row["title"] for row in rows(response)]


def test_a_submitted_referral_lands_in_the_team_managers_tray(
    client, draft, social_worker, team_manager
):
    act(social_worker, draft, "submit")
    response = tray(client, team_manager)
    [row] = rows(response)
    assert row["kind"] == "Comment on and forward the referral"
    assert row["held_by"] == "You"
    body = page(response)
    assert f'<a class="govuk-link" href="{reverse("referral", args=[draft.pk])}">' in body
    assert services.referral_title(draft) in body
    assert "Nothing is waiting for you." in page(tray(client, social_worker))


def test_each_step_lands_with_the_next_person(
    client, draft, social_worker, team_manager, service_lead, placements_officer
):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "forward", comment="Good referral.")
    assert titles(tray(client, team_manager)) == []
    [row] = rows(tray(client, service_lead))
    assert row["kind"] == "Approve the referral"
    act(service_lead, draft, "approve")
    another_officer = member(draft.authority, Role.PLACEMENTS_OFFICER, username="po2.wigan")
    for officer in (placements_officer, another_officer):
        [row] = rows(tray(client, officer))
        assert row["kind"] == "Screen the approved referral"
        assert row["held_by"] == "Placements officer (shared by everyone in the role)"
    act(placements_officer, draft, "accept")
    assert titles(tray(client, another_officer)) == []


def test_a_returned_referral_shows_its_reasons_in_the_social_workers_tray(
    client, draft, social_worker, team_manager
):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "return", comment="Add the child's views in her own words.")
    response = tray(client, social_worker)
    [row] = rows(response)
    assert row["kind"] == "Referral returned to you"
    assert "Add the child's views in her own words." in page(response)


def test_urgent_items_come_first(client, wigan, team, draft, social_worker, team_manager):
    act(social_worker, draft, "submit")
    later = ChildFactory(authority=wigan, social_worker=social_worker, team=team, first_name="Ula")
    urgent = make_referral(later, urgent=True, urgency_reason="police_protection")
    act(social_worker, urgent, "submit")
    response = tray(client, team_manager)
    assert titles(response) == [services.referral_title(urgent), services.referral_title(draft)]
    body = page(response)
    first_row = body.split('<tr class="govuk-table__row">')[2]
    assert '<strong class="govuk-tag govuk-tag--red">Urgent</strong>' in first_row
    assert "1 urgent" in body


def test_a_team_manager_sees_their_teams_tray(client, team, child, social_worker, team_manager):
    referral = services.referral_create(user=social_worker, children=[child])
    assert titles(tray(client, team_manager)) == []
    response = tray(client, team_manager, view="team")
    [row] = rows(response)
    assert row["title"] == services.referral_title(referral)
    assert row["held_by"] == social_worker.display_name
    body = page(response)
    assert re.search(r'href="/work-tray/\?view=team" aria-current="page">My team\'s</a>', body)
    assert re.search(r'href="/work-tray/">Mine</a>', body)


def test_someone_who_manages_no_team_sees_only_their_own_tray(client, draft, social_worker):
    services.referral_create(user=social_worker, children=[ChildFactory(
        authority=draft.authority, social_worker=social_worker)])  # fmt: skip
    response = tray(client, social_worker, view="team")
    assert response.context["view"] == "mine"
    assert len(rows(response)) == 1
    assert "My team's" not in page(response)


def test_an_item_past_its_due_time_is_tagged_overdue(
    client, wigan, team, draft, social_worker, placements_officer, household
):
    draft.urgent, draft.urgency_reason = True, "safeguarding"
    draft.save()
    with time_machine.travel(NOW, tick=False):
        act(social_worker, draft, "submit")
        act(placements_officer, draft, "book_emergency", household=household.pk)
    overdue = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'
    with time_machine.travel(NOW + timedelta(hours=71), tick=False):
        response = tray(client, placements_officer)
        ending = next(r for r in rows(response) if r["kind"] == "Emergency placement ends")
        assert ending["due"] == "18 June 2026 at 10:30am"
        assert overdue not in page(response)
    with time_machine.travel(NOW + timedelta(hours=73), tick=False):
        response = tray(client, placements_officer)
        ending = next(r for r in rows(response) if r["kind"] == "Emergency placement ends")
        assert ending["overdue"]
        assert overdue in page(response)


def test_titles_shown_are_audited_as_one_list_read(client, draft, social_worker, team_manager):
    act(social_worker, draft, "submit")
    tray(client, team_manager)
    event = AuditEvent.objects.get(action="list", record_type="referral")
    assert event.username == team_manager.username
    assert event.detail == "work tray page 1, 1 shown"


@pytest.mark.parametrize("persona", ["agency_user", "nobody"])
def test_an_agency_user_or_someone_with_no_role_sees_an_empty_tray(client, db, persona, request):
    user = UserFactory() if persona == "nobody" else request.getfixturevalue(persona)
    response = tray(client, user)
    assert "Nothing is waiting for you." in page(response)
    assert not AuditEvent.objects.filter(action="list").exists()


def test_another_councils_placements_officer_sees_nothing_of_wigans(
    client, trafford, draft, social_worker, team_manager, service_lead
):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "forward", comment="Fine.")
    act(service_lead, draft, "approve")
    trafford_officer = member(trafford, Role.PLACEMENTS_OFFICER, username="po.trafford")
    response = tray(client, trafford_officer)
    assert rows(response) == []
    assert draft.children.get().full_name not in page(response)


@pytest.mark.parametrize("count", [3, 30])
def test_tray_query_count_does_not_grow(
    count, client, wigan, social_worker, django_assert_num_queries
):
    for n in range(count):
        child = ChildFactory(authority=wigan, social_worker=social_worker)
        referral = make_referral(child)
        item_open(organisation=wigan, kind="referral_draft", referral=referral,
                  title=services.referral_title(referral), user=social_worker, urgent=n % 2 == 0)  # fmt: skip
    client.force_login(social_worker)
    client.get(reverse("work_tray"))  # session warmed
    with django_assert_num_queries(15):
        response = client.get(reverse("work_tray"))
    assert len(rows(response)) == count


# The home page and the menu ------------------------------------------------------------------------


def test_home_page_shows_the_work_tray_first_with_its_counts(
    client, wigan, team, draft, social_worker, team_manager
):
    act(social_worker, draft, "submit")
    other = ChildFactory(authority=wigan, social_worker=social_worker, team=team)
    urgent = make_referral(other, urgent=True, urgency_reason="police_protection")
    act(social_worker, urgent, "submit")
    client.force_login(team_manager)
    body = page(client.get(reverse("home")))
    card = body.split('<div class="govuk-summary-card">')[1]
    assert "Your work tray (2)" in card
    assert '<strong class="govuk-tag govuk-tag--red">1 urgent</strong>' in card
    assert card.index(services.referral_title(urgent)) < card.index(services.referral_title(draft))
    assert f'href="{reverse("work_tray")}"' in card
    event = AuditEvent.objects.get(action="list", record_type="referral")
    assert event.detail == "home page work tray, 2 shown"


def test_home_page_says_when_nothing_is_waiting(client, social_worker):
    client.force_login(social_worker)
    body = page(client.get(reverse("home")))
    assert "Your work tray (0)" in body
    assert "Nothing is waiting for you." in body


def test_home_page_of_an_agency_user_has_no_work_tray(client, agency_user):
    client.force_login(agency_user)
    assert "Your work tray" not in page(client.get(reverse("home")))


def test_menu_offers_the_work_tray_to_council_staff_only(client, social_worker, agency_user):
    link = f'href="{reverse("work_tray")}"'
    client.force_login(social_worker)
    assert link in page(client.get(reverse("children")))
    client.force_login(agency_user)
    assert link not in page(client.get(reverse("providers")))
