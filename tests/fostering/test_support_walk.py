"""What a walk through the support screens found: no support steps for carers who have left; the
visits list shows the visits to write up or send (the front page's link lands there); the lists
show each household's reference beside its name."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import holds, support
from hearth.fostering.models import DevelopmentGoal, Training
from hearth.people.models import Household
from hearth.referrals.services import ActionNotAllowed
from hearth.web.views.fostering_support import WRITE_UPS
from tests.factories import HouseholdFactory
from tests.screens import form_data, page

NOW = datetime(2026, 5, 4, 10, tzinfo=LONDON)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


# No support steps for carers who have left ---------------------------------------------------------


@pytest.fixture
def resigned(household, supervising_social_worker, fostering_team_manager):
    goal = support.goal_add(user=supervising_social_worker, household=household, goal="First aid")
    holds.resignation_record(
        user=fostering_team_manager, household=household, reason="retirement", on=TODAY
    )
    household.refresh_from_db()
    return household, goal


def test_carers_who_have_left_have_no_training_or_goals_recorded(
    resigned, supervising_social_worker
):
    household, goal = resigned
    with pytest.raises(ActionNotAllowed, match="is no longer fostering: training and the"):
        support.training_record(
            user=supervising_social_worker, household=household, course="safeguarding",
            title="", completed_on=TODAY,
        )  # fmt: skip
    with pytest.raises(ActionNotAllowed, match="is no longer fostering"):
        support.goal_add(user=supervising_social_worker, household=household, goal="Another")
    with pytest.raises(ActionNotAllowed, match="is no longer fostering"):
        support.goal_done(user=supervising_social_worker, goal=goal, done_on=TODAY)
    assert not Training.objects.exists()
    assert DevelopmentGoal.objects.get().done_on is None


def test_the_record_of_carers_who_have_left_offers_no_support_steps(
    client, resigned, supervising_social_worker
):
    household, goal = resigned
    client.force_login(supervising_social_worker)
    text = page(client.get(reverse("household", args=[household.pk])))
    assert "Personal development plan" in text  # the history is still shown
    assert "Record training" not in text and "Add a goal to the plan" not in text
    assert "Mark as met" not in text
    for url in (
        reverse("fostering_training_new", args=[household.pk]),
        reverse("fostering_goal_new", args=[household.pk]),
        reverse("fostering_goal_done", args=[goal.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 403
        assert "is no longer fostering" in page(response)


def test_people_being_assessed_still_have_training_recorded(
    client, wigan, supervising_social_worker
):
    assessed = HouseholdFactory(provider=wigan, status="in_assessment", approved_on=None)
    support.training_record(
        user=supervising_social_worker, household=assessed, course="safeguarding", title="",
        completed_on=TODAY,
    )  # fmt: skip
    client.force_login(supervising_social_worker)
    assert "Record training" in page(client.get(reverse("household", args=[assessed.pk])))


# The visits to write up or send --------------------------------------------------------------------


def _visit(household, user, when, record=""):
    return support.visit_record(
        user=user, household=household, kind="supervisory", visited_at=when, visitor=user,
        children_present=True, record=record,
    )  # fmt: skip


def test_the_visits_list_shows_the_visits_to_write_up_or_send_overdue_first(
    client, household, supervising_social_worker, django_assert_max_num_queries
):
    late = _visit(household, supervising_social_worker, NOW - timedelta(days=5))
    written = _visit(household, supervising_social_worker, NOW - timedelta(days=1), record="Seen")
    done = _visit(household, supervising_social_worker, NOW - timedelta(days=20), record="Seen")
    support.visit_write_up(
        user=supervising_social_worker, visit=done, record="Seen", sent_to_carer_on=TODAY,
        expected_version=done.version,
    )  # fmt: skip
    client.force_login(supervising_social_worker)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("fostering_visits_due"))
    text = page(response)
    section = text[text.index(f'id="{WRITE_UPS}"') :]
    assert "Visits to write up or send to the carers" in section
    assert [row["visit"].pk for row in response.context["write_ups"]] == [late.pk, written.pk]
    assert section.count(f"{household.name}</a> ({household.reference})") == 2
    assert "Write up by 1 May 2026 at 10:00am" in section
    assert 'Write up by 1 May 2026 at 10:00am <strong class="govuk-tag govuk-tag--red">Overdue' in (
        section
    )
    assert "Send to the carers by" in section
    assert reverse("fostering_visit", args=[late.pk]) in section
    assert reverse("fostering_visit", args=[done.pk]) not in section


def test_the_write_up_section_query_count_does_not_grow_with_the_visits(
    client, wigan, supervising_social_worker, django_assert_max_num_queries
):
    for number in range(6):
        household = HouseholdFactory(provider=wigan, approved_on=date(2024, 1, 15))
        _visit(household, supervising_social_worker, NOW - timedelta(days=number + 1))
    client.force_login(supervising_social_worker)
    with django_assert_max_num_queries(40) as counted:
        response = client.get(reverse("fostering_visits_due"))
    assert len(response.context["write_ups"]) == 6
    few = len(counted.captured_queries)
    _visit(HouseholdFactory(provider=wigan), supervising_social_worker, NOW - timedelta(days=1))
    with django_assert_max_num_queries(few):
        client.get(reverse("fostering_visits_due"))


# References beside the names -----------------------------------------------------------------------


def test_the_reviews_and_support_request_lists_show_each_households_reference(
    client, household, fostering_duty_worker, placements_officer
):
    support.support_request_record(
        user=fostering_duty_worker, household=household, received_at=NOW, about="Help please."
    )
    Household.objects.filter(pk=household.pk).update(review_due_at=NOW + timedelta(days=20))
    client.force_login(placements_officer)
    shown = f"{household.name}</a> ({household.reference})"
    requests = page(client.get(reverse("fostering_support_requests")))
    assert shown in requests
    reviews = page(client.get(reverse("fostering_reviews_due") + "?show=all"))
    assert shown in reviews
    visits = page(client.get(reverse("fostering_visits_due")))
    assert shown in visits


def test_the_write_up_form_still_works_from_the_list(client, household, supervising_social_worker):
    visit = _visit(household, supervising_social_worker, NOW - timedelta(days=1))
    client.force_login(supervising_social_worker)
    url = reverse("fostering_visit", args=[visit.pk])
    data = form_data(client.get(url).context["form"]) | {"record": "Seen the children."}
    assert client.post(url, data).status_code == 302
