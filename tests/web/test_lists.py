"""Lists cost the same number of queries however many records they show."""

import pytest
from django.urls import reverse

from tests.factories import ChildFactory, HouseholdFactory


@pytest.mark.parametrize("count", [3, 30])
def test_children_list_query_count_does_not_grow(
    count, client, wigan, social_worker, django_assert_num_queries
):
    ChildFactory.create_batch(count, authority=wigan, social_worker=social_worker)
    client.force_login(social_worker)
    client.get(reverse("children"))  # session and memberships warmed
    with django_assert_num_queries(15):
        response = client.get(reverse("children"))
    assert len(response.context["page"].object_list) == count


@pytest.mark.parametrize("count", [3, 30])
def test_households_list_query_count_does_not_grow(
    count, client, wigan, supervising_social_worker, django_assert_num_queries
):
    HouseholdFactory.create_batch(
        count, provider=wigan, supervising_social_worker=supervising_social_worker
    )
    client.force_login(supervising_social_worker)
    with django_assert_num_queries(15):
        response = client.get(reverse("households"))
    assert len(response.context["page"].object_list) == count


def test_search_finds_a_child_by_reference_and_not_others(client, wigan, social_worker):
    wanted = ChildFactory(authority=wigan, reference="LCS-4412")
    ChildFactory(authority=wigan, reference="LCS-9999")
    client.force_login(social_worker)
    response = client.get(reverse("children"), {"q": "lcs-4412"})
    assert list(response.context["page"].object_list) == [wanted]


def test_vacancies_filter_shows_only_households_with_a_free_place(
    client, wigan, supervising_social_worker
):
    free = HouseholdFactory(provider=wigan, max_children=2)
    full = HouseholdFactory(provider=wigan, max_children=1)
    ChildFactory(authority=wigan, placed_with=full)
    client.force_login(supervising_social_worker)
    response = client.get(reverse("households"), {"vacancies": "1"})
    assert list(response.context["page"].object_list) == [free]


def test_next_page_keeps_the_search_and_filters(client, wigan, social_worker):
    ChildFactory.create_batch(60, authority=wigan, social_worker=social_worker, last_name="Platt")
    client.force_login(social_worker)
    ChildFactory.create_batch(60, authority=wigan, last_name="Other")
    response = client.get(reverse("children"), {"q": "platt", "mine": "1"})
    assert response.context["page"].paginator.count == 60
    assert 'href="?q=platt&amp;mine=1&amp;page=2"' in response.content.decode()
