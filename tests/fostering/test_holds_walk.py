"""What a walk through the holds screens found: a hold backdated years changed past figures; a
supervising social worker lifted a hold while the allegation was open."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import holds
from hearth.fostering.models import Hold, RecruitmentEvent
from hearth.people.models import Household
from hearth.referrals.services import ActionNotAllowed, ReferralError
from tests.screens import field_error, form_data, page

NOW = datetime(2026, 5, 4, 10, tzinfo=LONDON)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _put(user, household, on):
    return holds.hold_put(user=user, household=household, reason="illness", on=on)


# A hold starts on a recent day, after the approval and the last hold ------------------------------


def test_a_hold_backdated_more_than_three_months_is_refused_at_its_field(
    household, supervising_social_worker
):
    with pytest.raises(ReferralError) as refusal:
        _put(supervising_social_worker, household, date(2019, 1, 1))
    assert refusal.value.field_errors == {
        "on": "A hold cannot start more than 3 months ago (before 4 February 2026): older holds "
        "belong in the imported fostering history"
    }
    assert not Hold.objects.exists() and not RecruitmentEvent.objects.exists()
    _put(supervising_social_worker, household, date(2026, 2, 4))  # three months ago to the day
    assert Hold.objects.get().started_on == date(2026, 2, 4)


def test_a_hold_before_the_approval_is_refused_with_the_approval_date(
    household, supervising_social_worker
):
    Household.objects.filter(pk=household.pk).update(approved_on=date(2026, 4, 1))
    household.refresh_from_db()
    with pytest.raises(ReferralError) as refusal:
        _put(supervising_social_worker, household, date(2026, 3, 20))
    assert refusal.value.field_errors == {
        "on": "The hold cannot start before the carers were approved (1 April 2026)"
    }


def test_a_hold_before_the_last_hold_ended_is_refused(household, supervising_social_worker):
    _put(supervising_social_worker, household, date(2026, 3, 1))
    holds.hold_lift(user=supervising_social_worker, household=household, on=date(2026, 4, 10))
    household.refresh_from_db()
    with pytest.raises(ReferralError) as refusal:
        _put(supervising_social_worker, household, date(2026, 4, 1))
    assert refusal.value.field_errors == {
        "on": "The hold cannot start before the last hold ended (10 April 2026)"
    }
    assert Hold.objects.count() == 1


def test_the_hold_page_shows_a_backdated_hold_refused_at_the_date(
    client, household, supervising_social_worker
):
    client.force_login(supervising_social_worker)
    url = reverse("fostering_hold_new", args=[household.pk])
    data = form_data(client.get(url).context["form"]) | {"reason": "illness"}
    data |= {"on_day": "1", "on_month": "1", "on_year": "2019"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert field_error(response, "on").startswith("A hold cannot start more than 3 months ago")
    assert not Hold.objects.exists()


def test_an_allegation_long_ago_cannot_put_the_carers_on_hold_from_then(
    household, supervising_social_worker
):
    with pytest.raises(ReferralError) as refusal:
        holds.allegation_record(
            user=supervising_social_worker, household=household, received_on=date(2025, 1, 6),
            summary="Something said.",
        )  # fmt: skip
    assert refusal.value.field_errors["received_on"].startswith(
        "A hold cannot start more than 3 months ago"
    )
    assert not Hold.objects.exists()


# Lifting a hold while an allegation is open -------------------------------------------------------


@pytest.fixture
def alleged(household, supervising_social_worker):
    allegation = holds.allegation_record(
        user=supervising_social_worker, household=household, received_on=date(2026, 4, 20),
        summary="A child said they were shouted at.",
    )  # fmt: skip
    household.refresh_from_db()
    return allegation


def test_a_supervising_social_worker_cannot_lift_a_hold_while_an_allegation_is_open(
    client, household, alleged, supervising_social_worker
):
    with pytest.raises(ActionNotAllowed, match="only a fostering team manager can lift the hold"):
        holds.hold_lift(
            user=supervising_social_worker, household=household, on=TODAY, confirmed=True
        )
    client.force_login(supervising_social_worker)
    record = page(client.get(reverse("household", args=[household.pk])))
    assert "Lift the hold" not in record
    response = client.get(reverse("fostering_hold_lift", args=[household.pk]))
    assert response.status_code == 403
    assert "only a fostering team manager can lift the hold" in page(response)
    household.refresh_from_db()
    assert household.status == "on_hold"


def test_a_fostering_team_manager_is_warned_and_confirms_lifting_a_hold_with_an_allegation_open(
    client, household, alleged, fostering_team_manager
):
    from hearth.fostering import holds as service

    service.allegation_update(
        user=fostering_team_manager, allegation=alleged, lado_consulted_on=date(2026, 4, 21),
        lado_reference="", lado_advice="", outcome="", closed_on=None,
        expected_version=alleged.version,
    )  # fmt: skip
    client.force_login(fostering_team_manager)
    url = reverse("fostering_hold_lift", args=[household.pk])
    response = client.get(url)
    assert (
        "An allegation is still open (received 20 April 2026, LADO consulted 21 April 2026)."
        in page(response)
    )
    data = form_data(response.context["form"])
    data.pop("confirm", None)
    refused = client.post(url, data)
    assert field_error(refused, "confirm").startswith("An allegation is still open")
    household.refresh_from_db()
    assert household.status == "on_hold"
    lifted = client.post(url, data | {"confirm": "on"})
    assert lifted.status_code == 302
    household.refresh_from_db()
    assert household.status == "approved"


def test_with_no_allegation_open_a_hold_is_lifted_without_confirming(
    client, household, supervising_social_worker
):
    _put(supervising_social_worker, household, TODAY)
    client.force_login(supervising_social_worker)
    url = reverse("fostering_hold_lift", args=[household.pk])
    response = client.get(url)
    assert "confirm" not in response.context["form"].fields
    assert client.post(url, form_data(response.context["form"])).status_code == 302
    household.refresh_from_db()
    assert household.status == "approved"


# References beside the names ----------------------------------------------------------------------


def test_the_holds_list_shows_each_households_reference(
    client, household, alleged, placements_officer
):
    client.force_login(placements_officer)
    text = page(client.get(reverse("fostering_holds")))
    assert text.count(f"{household.name}</a> ({household.reference})") == 2
