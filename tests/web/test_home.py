"""The home page: what waits for each person, by the roles they hold."""

import html
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.people.models import Household
from tests.factories import ChildFactory, HouseholdFactory

NOW = datetime(2026, 6, 15, 10, 30, tzinfo=LONDON)
NEEDS_ACTION = '<strong class="govuk-tag govuk-tag--red">Needs action</strong>'


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def panels(client):
    """Each panel on the home page: title -> the panel's HTML."""
    body = client.get(reverse("home")).content.decode()
    found = {}
    for chunk in body.split('<div class="govuk-summary-card">')[1:]:
        title = re.search(r'<h2 class="govuk-summary-card__title">(.*?)</h2>', chunk, re.DOTALL)
        found[re.sub(r" \(\d+\)$", "", html.unescape(title.group(1)))] = html.unescape(chunk)
    return found


def home_page(client):
    return html.unescape(client.get(reverse("home")).content.decode())


def test_social_worker_sees_the_children_allocated_to_them(client, wigan, social_worker, child):
    someone_elses = ChildFactory(authority=wigan, first_name="Zoe")
    client.force_login(social_worker)
    panel = panels(client)["Children allocated to you"]
    assert f"{child.full_name} ({child.reference})" in panel
    assert f'href="/children/{child.pk}/"' in panel
    assert someone_elses.full_name not in panel


def test_social_worker_with_no_children_is_told_so(client, social_worker):
    client.force_login(social_worker)
    assert "No children are allocated to you." in panels(client)["Children allocated to you"]


def test_social_worker_does_not_see_another_councils_children(
    client, social_worker, child, trafford, outsider
):
    theirs = ChildFactory(authority=trafford, social_worker=outsider, first_name="Tariq")
    client.force_login(outsider)
    page = home_page(client)
    assert theirs.full_name in page
    assert child.full_name not in page


def test_team_manager_sees_children_with_no_social_worker_flagged_needs_action(
    client, wigan, team_manager, child
):
    unallocated = ChildFactory(authority=wigan, social_worker=None, first_name="Nia")
    client.force_login(team_manager)
    panel = panels(client)["Children with no allocated social worker"]
    assert f"{unallocated.full_name} ({unallocated.reference})" in panel
    assert child.full_name not in panel  # allocated to Sam Jones
    assert NEEDS_ACTION in panel


def test_team_manager_is_not_asked_to_act_when_every_child_is_allocated(
    client, team_manager, child
):
    client.force_login(team_manager)
    panel = panels(client)["Children with no allocated social worker"]
    assert "Every child has an allocated social worker." in panel
    assert NEEDS_ACTION not in panel


def test_supervising_social_worker_sees_an_overdue_review(client, wigan, supervising_social_worker):
    overdue = HouseholdFactory(
        provider=wigan,
        name="Overdue family",
        review_due_at=datetime(2026, 6, 14, 23, 59, 59, tzinfo=LONDON),
    )
    HouseholdFactory(provider=wigan, name="Due later family", review_due_at=NOW + timedelta(days=3))
    client.force_login(supervising_social_worker)
    panel = panels(client)["Reviews and temporary approvals overdue"]
    assert f"Overdue family ({overdue.reference})" in panel
    assert "overdue since 14 June 2026" in panel
    assert "Due later family" not in panel
    assert NEEDS_ACTION in panel


def test_supervising_social_worker_is_not_shown_a_deregistered_households_review(
    client, wigan, supervising_social_worker
):
    HouseholdFactory(
        provider=wigan,
        name="Former family",
        status=Household.Status.DEREGISTERED,
        review_due_at=NOW - timedelta(days=30),
    )
    client.force_login(supervising_social_worker)
    panel = panels(client)["Reviews and temporary approvals overdue"]
    assert "Former family" not in panel
    assert "No household's review is overdue." in panel


def test_supervising_social_worker_sees_the_households_they_supervise(
    client, supervising_social_worker, household
):
    client.force_login(supervising_social_worker)
    assert household.name in panels(client)["Households you supervise"]


def test_region_analyst_sees_totals_and_no_childs_name(client, wigan, trafford, region_analyst):
    children = ChildFactory.create_batch(3, authority=wigan)
    ChildFactory(authority=trafford)
    HouseholdFactory(provider=wigan, name="Approved family", max_children=2)
    client.force_login(region_analyst)
    page = home_page(client)
    assert re.search(
        r'<dt class="govuk-summary-list__key">Children looked after</dt>'
        r'<dd class="govuk-summary-list__value">3</dd>',
        page,
    )
    assert re.search(r"Approved in-house households</dt><dd [^>]*>1</dd>", page)
    assert re.search(r"Free places in them</dt><dd [^>]*>2</dd>", page)
    for child in children:
        assert child.last_name not in page
        assert child.reference not in page
    assert "Approved family" not in page
    assert "/children/" not in page


def test_agency_user_sees_only_their_own_households(client, wigan, agency_user, agency_household):
    agency_household.review_due_at = NOW - timedelta(days=1)
    agency_household.save()
    council_household = HouseholdFactory(
        provider=wigan, name="Council family", review_due_at=NOW - timedelta(days=1)
    )
    client.force_login(agency_user)
    found = panels(client)
    assert agency_household.name in found["Households with a free place"]
    assert agency_household.name in found["Reviews and temporary approvals overdue"]
    page = home_page(client)
    assert council_household.name not in page
    assert council_household.reference not in page
    assert "Children allocated to you" not in page


def test_someone_with_no_role_is_told_to_ask_their_administrator(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    page = home_page(client)
    assert "You hold no role yet." in page
    assert 'class="govuk-summary-card"' not in page


def test_home_page_asks_a_visitor_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_names_on_the_home_page_are_audited_as_a_list_read(client, social_worker, child):
    client.force_login(social_worker)
    client.get(reverse("home"))
    event = AuditEvent.objects.get(action="list", record_type="child")
    assert event.username == social_worker.username and "home page, 1 shown" in event.detail
