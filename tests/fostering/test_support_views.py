"""The support and holds screens: the household's support section with its due dates, recording a
visit and a review, the lists of visits and reviews due, requests for support and holds."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.fostering import holds, support
from hearth.fostering.models import AnnualReview, Visit
from tests.factories import HouseholdFactory
from tests.screens import field_error, form_data, page

NOW = datetime(2026, 5, 4, 10, tzinfo=LONDON)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _date(name, value):
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def test_the_household_record_shows_the_visits_and_review_due(
    client, household, supervising_social_worker
):
    client.force_login(supervising_social_worker)
    text = page(client.get(reverse("household", args=[household.pk])))
    assert "Every 8 weeks: the usual interval" in text
    assert (
        'Next supervisory visit due</dt><dd class="govuk-summary-list__value">11 March 2024 '
        '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in text
    )
    assert "15 July 2024" in text  # the unannounced visit, 6 months from approval
    assert "Record a visit" in text and "Record an annual review" in text


def test_a_reader_who_may_not_act_sees_the_section_without_the_buttons(client, household, iro):
    client.force_login(iro)
    text = page(client.get(reverse("household", args=[household.pk])))
    assert "Next supervisory visit due" in text
    assert "Record a visit" not in text and "Put on hold" not in text


def test_recording_a_visit_on_its_page(client, household, supervising_social_worker):
    client.force_login(supervising_social_worker)
    url = reverse("fostering_visit_new", args=[household.pk])
    data = form_data(client.get(url).context["form"])
    data |= {"kind": "unannounced", "visited_time": "09:15", "children_present": "on"}
    response = client.post(url, data, follow=True)
    visit = Visit.objects.get()
    assert response.redirect_chain[-1][0] == reverse("fostering_visit", args=[visit.pk])
    assert (visit.kind, visit.children_present) == ("unannounced", True)
    assert "Write it up by 6 May 2026 at 9:15am" in page(response)


def test_a_visit_tomorrow_is_refused_at_the_field(client, household, supervising_social_worker):
    client.force_login(supervising_social_worker)
    url = reverse("fostering_visit_new", args=[household.pk])
    data = form_data(client.get(url).context["form"]) | _date("visited_on", date(2026, 5, 5))
    response = client.post(url, data)
    assert field_error(response, "visited_on") == "The visit cannot be in the future"
    assert not Visit.objects.exists()


def test_a_reader_who_may_not_record_a_visit_is_told_why(client, household, iro):
    client.force_login(iro)
    response = client.post(reverse("fostering_visit_new", args=[household.pk]), {})
    assert response.status_code == 403
    assert "Only supervising social workers and fostering team managers can record a visit" in (
        page(response)
    )
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()
    assert not Visit.objects.exists()


def test_a_write_up_on_an_old_page_is_refused(client, support_visit, supervising_social_worker):
    client.force_login(supervising_social_worker)
    url = reverse("fostering_visit", args=[support_visit.pk])
    data = form_data(client.get(url).context["form"]) | {"record": "Mine."}
    Visit.objects.filter(pk=support_visit.pk).update(version=support_visit.version + 1)
    response = client.post(url, data)
    assert "Someone else changed this after you opened the page" in page(response)
    assert Visit.objects.get().record == ""


def test_recording_the_first_review_says_it_goes_to_panel(
    client, household, fostering_team_manager
):
    client.force_login(fostering_team_manager)
    url = reverse("fostering_review_new", args=[household.pk])
    data = form_data(client.get(url).context["form"])
    data |= {
        "carers_views": "Happy.",
        "recommendation": "continue",
        **_date("held_on", date(2025, 1, 10)),
    }
    response = client.post(url, data, follow=True)
    assert "it goes to the fostering panel next" in page(response)
    assert AnnualReview.objects.get().status == "held"


def test_the_visits_due_list_puts_the_overdue_and_my_households_first(
    client, wigan, household, supervising_social_worker, django_assert_max_num_queries
):
    HouseholdFactory(provider=wigan, name="Another", approved_on=date(2026, 4, 20))
    HouseholdFactory.create_batch(5, provider=wigan, approved_on=date(2026, 4, 20))
    support.visit_record(
        user=supervising_social_worker, household=household, kind="supervisory",
        visited_at=datetime(2026, 5, 1, 10, tzinfo=LONDON), visitor=supervising_social_worker,
        children_present=False,
    )  # fmt: skip
    client.force_login(supervising_social_worker)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("fostering_visits_due"))
    rows = response.context["rows"]
    assert rows[0].household == household  # its unannounced visit is overdue
    assert [r.overdue for r in rows] == [True] + [False] * 6
    mine = client.get(reverse("fostering_visits_due"), {"mine": "1"}).context["rows"]
    assert [r.household for r in mine] == [household]


def test_the_reviews_due_list_tags_the_overdue(client, household, wigan, iro):
    from hearth.core.models import Policy
    from hearth.people.models import Household
    from hearth.people.services import review_due_at

    due = review_due_at(household, Policy.objects.get(authority=wigan))
    Household.objects.filter(pk=household.pk).update(review_due_at=due)
    client.force_login(iro)
    text = page(client.get(reverse("fostering_reviews_due")))
    assert household.name in text
    assert '15 January 2025 <strong class="govuk-tag govuk-tag--red">Overdue</strong>' in text


def test_answering_a_request_for_support(
    client, support_request, fostering_duty_worker, django_assert_max_num_queries
):
    for about in ("Respite.", "A bed guard.", "Advice on contact."):
        support.support_request_record(
            user=fostering_duty_worker, household=support_request.household,
            received_at=NOW, about=about,
        )  # fmt: skip
    client.force_login(fostering_duty_worker)
    with django_assert_max_num_queries(12):
        text = page(client.get(reverse("fostering_support_requests")))
    assert "Help with school transport." in text and "Overdue" in text
    url = reverse("fostering_support_request", args=[support_request.pk])
    data = form_data(client.get(url).context["form"]) | {"answer": "Taxi booked."}
    assert client.post(url, data).status_code == 302
    support_request.refresh_from_db()
    assert (support_request.answer, support_request.answered_by) == (
        "Taxi booked.", fostering_duty_worker,
    )  # fmt: skip


def test_the_holds_list_shows_households_on_hold_and_open_allegations(
    client, allegation, placements_officer
):
    client.force_login(placements_officer)
    text = page(client.get(reverse("fostering_holds")))
    assert allegation.household.name in text and "Allegation" in text
    assert "A child said they were shouted at." in text


def test_putting_carers_on_hold_through_the_page(client, household, supervising_social_worker):
    client.force_login(supervising_social_worker)
    url = reverse("fostering_hold_new", args=[household.pk])
    data = form_data(client.get(url).context["form"]) | {"reason": "illness"}
    response = client.post(url, data, follow=True)
    assert "no search offers them until the hold is lifted" in page(response)
    assert holds.open_hold(household).reason == "illness"
    assert "Lift the hold" in page(response)


def test_someone_outside_the_fostering_service_does_not_see_the_lists(client, social_worker):
    client.force_login(social_worker)
    assert client.get(reverse("fostering_visits_due")).status_code == 404


def test_an_allegation_naming_an_unknown_child_is_refused_at_the_field(
    client, household, supervising_social_worker
):
    client.force_login(supervising_social_worker)
    url = reverse("fostering_allegation_new", args=[household.pk])
    data = form_data(client.get(url).context["form"]) | {"summary": "Said.", "child": "NOPE"}
    response = client.post(url, data)
    assert field_error(response, "child") == "No child of the council has the reference NOPE"
    assert not holds.open_allegations(household).exists()


def test_the_resignation_page_offers_deregistration_through_the_panel(
    client, household, fostering_team_manager
):
    client.force_login(fostering_team_manager)
    text = page(client.get(reverse("fostering_resignation", args=[household.pk])))
    assert f'href="{reverse("fostering_panels")}"' in text
