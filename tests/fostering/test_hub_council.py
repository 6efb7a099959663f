"""The council a fostering page is about (`hearth.web.views._fostering_common.reading_council`),
shared by the front page, plans, sufficiency and the figures: someone reading two councils chooses
one with `?council=` or a posted `council`; anyone reading none gets 404."""

import pytest
from django.http import Http404
from django.test import RequestFactory
from django.urls import reverse

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.fostering.models import ActionPlan
from hearth.web.views._fostering_common import reading_council


@pytest.fixture
def two_councils(fostering_team_manager, trafford):
    Membership.objects.create(
        user=fostering_team_manager, organisation=trafford, role=Role.FOSTERING_TEAM_MANAGER
    )
    return fostering_team_manager


def _request(user, method="get", **data):
    request = getattr(RequestFactory(), method)("/fostering/", data)
    request.user = user
    return request


def test_the_council_is_chosen_by_the_query_or_the_form_posted(two_councils, wigan, trafford):
    first, councils = reading_council(_request(two_councils))
    assert set(councils) == {wigan, trafford} and first == councils[0]
    for council in (wigan, trafford):
        assert reading_council(_request(two_councils, council=council.ons_code))[0] == council
        posted = _request(two_councils, "post", council=council.ons_code)
        assert reading_council(posted)[0] == council
    unknown = _request(two_councils, council="E99999999")
    assert reading_council(unknown)[0] == first


def test_one_council_is_not_offered_a_choice(fostering_team_manager, wigan, trafford):
    request = _request(fostering_team_manager, council=trafford.ons_code)
    assert reading_council(request) == (wigan, [])


def test_someone_reading_no_fostering_service_gets_not_found(social_worker):
    with pytest.raises(Http404):
        reading_council(_request(social_worker))


def test_a_plan_is_started_in_the_council_posted(client, two_councils, wigan, trafford):
    first = reading_council(_request(two_councils))[0]
    other = trafford if first == wigan else wigan
    client.force_login(two_councils)
    form = client.get(reverse("fostering_plan_new"), {"council": other.ons_code})
    assert f'name="council" value="{other.ons_code}"' in form.content.decode()
    response = client.post(
        reverse("fostering_plan_new"), {"council": other.ons_code, "title": "Kinship first"}
    )
    assert response.status_code == 302
    assert ActionPlan.objects.get(title="Kinship first").authority == other


def test_the_figures_page_offers_the_councils_read(client, two_councils, wigan, trafford):
    client.force_login(two_councils)
    for council in (wigan, trafford):
        response = client.get(reverse("fostering_report"), {"council": council.ons_code})
        assert response.context["authority"] == council
    assert len(response.context["councils"]) == 2
