"""The emergency carer rota: placements officers say who is on duty; others who may see children
and households read it; nobody else reaches it (a Virtual School officer sees children only)."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.people.models import Household
from hearth.referrals.models import EmergencyDuty
from tests.factories import HouseholdFactory, member
from tests.screens import field_error, page

NOW = datetime(2026, 6, 15, 10, 30, tzinfo=LONDON)
ON_DUTY_TODAY = '<strong class="govuk-tag govuk-tag--green">On duty today</strong>'


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def emergency_carer(wigan):
    return HouseholdFactory(provider=wigan, name="Okafor family", care_types=["emergency"])


def dates(starts_on, ends_on):
    return {
        "starts_on_day": starts_on.day, "starts_on_month": starts_on.month,
        "starts_on_year": starts_on.year, "ends_on_day": ends_on.day,
        "ends_on_month": ends_on.month, "ends_on_year": ends_on.year,
    }  # fmt: skip


def add(client, user, household, starts_on=date(2026, 6, 15), ends_on=date(2026, 6, 21)):
    client.force_login(user)
    data = {"household": household.pk if household else "", **dates(starts_on, ends_on)}
    return client.post(reverse("emergency_rota"), data)


def duty(authority, household, starts_on, ends_on, by):
    return EmergencyDuty.objects.create(
        authority=authority,
        household=household,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=by,
    )


def test_placements_officer_adds_who_is_on_duty(client, placements_officer, emergency_carer):
    response = add(client, placements_officer, emergency_carer)
    assert response.status_code == 302 and response["Location"] == reverse("emergency_rota")
    added = EmergencyDuty.objects.get()
    assert (added.household, added.starts_on, added.ends_on) == (
        emergency_carer,
        date(2026, 6, 15),
        date(2026, 6, 21),
    )
    assert added.created_by == placements_officer
    body = page(client.get(reverse("emergency_rota")))
    assert "Okafor family is on emergency duty from 15 June 2026 to 21 June 2026." in body
    assert ON_DUTY_TODAY in body
    assert AuditEvent.objects.filter(
        action="update", record_type="household", record_id=str(emergency_carer.pk)
    ).exists()


def test_only_the_councils_own_emergency_carers_are_offered(
    client, wigan, trafford, agency, placements_officer, emergency_carer
):
    HouseholdFactory(provider=wigan, name="Short-term only family", care_types=["short_term"])
    HouseholdFactory(provider=wigan, name="Former family", status=Household.Status.DEREGISTERED)
    HouseholdFactory(provider=agency, name="Agency family", care_types=["emergency"])
    HouseholdFactory(provider=trafford, name="Trafford family", care_types=["emergency"])
    client.force_login(placements_officer)
    form = client.get(reverse("emergency_rota")).context["form"]
    assert form.fields["household"].choices == [(emergency_carer.pk, "Okafor family")]


def test_a_household_not_offered_is_refused_at_the_field(
    client, trafford, placements_officer, emergency_carer
):
    theirs = HouseholdFactory(provider=trafford, care_types=["emergency"])
    response = add(client, placements_officer, theirs)
    assert response.status_code == 200
    assert field_error(response, "household") == "Choose one of the emergency carers listed"
    assert not EmergencyDuty.objects.exists()


def test_the_services_refusal_is_shown_at_the_household(
    client, wigan, placements_officer, monkeypatch
):
    not_for_emergencies = HouseholdFactory(
        provider=wigan, name="Weekend family", care_types=["short_break"]
    )
    monkeypatch.setattr(
        "hearth.web.views.tracker.emergency_carers", lambda user, councils: [not_for_emergencies]
    )
    response = add(client, placements_officer, not_for_emergencies)
    assert field_error(response, "household") == (
        "Weekend family is not approved for emergency care"
    )
    assert not EmergencyDuty.objects.exists()


@pytest.mark.parametrize(
    "starts_on,ends_on,field,message",
    [
        (date(2026, 6, 20), date(2026, 6, 18), "ends_on",
         "The last day on duty must be on or after the first day"),
        (date(2026, 6, 1), date(2026, 6, 14), "ends_on",
         "The last day on duty must be today or later"),
    ],
)  # fmt: skip
def test_dates_out_of_order_are_refused_at_the_field(
    client, placements_officer, emergency_carer, starts_on, ends_on, field, message
):
    response = add(client, placements_officer, emergency_carer, starts_on, ends_on)
    assert field_error(response, field) == message
    assert not EmergencyDuty.objects.exists()


def test_missing_answers_are_asked_for(client, placements_officer, emergency_carer):
    client.force_login(placements_officer)
    response = client.post(reverse("emergency_rota"), {"starts_on_day": "3"})
    assert field_error(response, "household") == "Choose the emergency carer on duty"
    assert field_error(response, "starts_on") == "Enter the day, month and year"
    assert field_error(response, "ends_on") == "Enter the last day on duty"
    assert 'class="govuk-error-summary"' in page(response)


def test_duties_on_now_and_coming_up_are_listed_first(
    client, wigan, placements_officer, emergency_carer
):
    other = HouseholdFactory(provider=wigan, name="Begum family", care_types=["emergency"])
    duty(wigan, other, date(2026, 6, 1), date(2026, 6, 7), placements_officer)
    duty(wigan, other, date(2026, 6, 22), date(2026, 6, 28), placements_officer)
    duty(wigan, emergency_carer, date(2026, 6, 15), date(2026, 6, 21), placements_officer)
    client.force_login(placements_officer)
    response = client.get(reverse("emergency_rota"))
    current = [row["starts_on"] for row in response.context["current"]]
    assert current == ["15 June 2026", "22 June 2026"]
    assert [row["starts_on"] for row in response.context["past"]] == ["1 June 2026"]
    assert [row["on_duty_today"] for row in response.context["current"]] == [True, False]
    body = page(response)
    assert body.count(ON_DUTY_TODAY) == 1
    assert body.index("Okafor family") < body.index("Recent duties")
    event = AuditEvent.objects.get(action="list", record_type="household")
    assert event.detail == "emergency carer rota, 3 shown"


def test_others_who_may_see_children_read_the_rota_only(
    client, wigan, social_worker, placements_officer, emergency_carer
):
    duty(wigan, emergency_carer, date(2026, 6, 15), date(2026, 6, 21), placements_officer)
    client.force_login(social_worker)
    response = client.get(reverse("emergency_rota"))
    assert response.status_code == 200
    body = page(response)
    assert "Okafor family" in body and ON_DUTY_TODAY in body
    assert response.context["form"] is None
    assert "Add to the rota" not in body


def test_a_post_by_someone_who_is_not_a_placements_officer_is_refused_and_audited(
    client, social_worker, emergency_carer
):
    response = add(client, social_worker, emergency_carer)
    assert response.status_code == 403
    assert not EmergencyDuty.objects.exists()
    denial = AuditEvent.objects.get(action="denied")
    assert (denial.username, denial.record_type) == ("sw.wigan", "emergency_duty")


@pytest.mark.parametrize("persona", ["agency_user", "region_analyst"])
def test_people_who_may_not_see_children_get_not_found(
    client, persona, request, placements_officer, emergency_carer
):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert client.get(reverse("emergency_rota")).status_code == 404
    assert add(client, user, emergency_carer).status_code == 404
    assert not EmergencyDuty.objects.exists()


def test_another_council_does_not_see_wigans_rota(
    client, wigan, trafford, placements_officer, emergency_carer
):
    duty(wigan, emergency_carer, date(2026, 6, 15), date(2026, 6, 21), placements_officer)
    trafford_officer = member(trafford, "placements_officer", username="po.trafford")
    client.force_login(trafford_officer)
    response = client.get(reverse("emergency_rota"))
    assert response.context["current"] == []
    assert "Okafor family" not in page(response)
    assert "No emergency carer is on the rota from today." in page(response)


def test_the_tracker_links_to_the_rota(client, placements_officer):
    client.force_login(placements_officer)
    assert f'href="{reverse("emergency_rota")}"' in page(client.get(reverse("tracker")))


def test_a_virtual_school_officer_who_may_not_see_households_gets_not_found(
    client, wigan, virtual_school, placements_officer, emergency_carer
):
    duty(wigan, emergency_carer, date(2026, 6, 15), date(2026, 6, 21), placements_officer)
    client.force_login(virtual_school)

    response = client.get(reverse("emergency_rota"))
    tracker = page(client.get(reverse("tracker")))

    assert response.status_code == 404
    assert "Okafor family" not in page(response)
    assert add(client, virtual_school, emergency_carer).status_code == 404
    assert EmergencyDuty.objects.count() == 1
    assert f'href="{reverse("emergency_rota")}"' not in tracker
