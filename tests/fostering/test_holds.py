"""Holds, allegations and resignations (002): a household on hold is never a candidate in a search
until the hold is lifted; an allegation puts it on hold and asks for the LADO; carers resign."""

from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import holds
from hearth.fostering.models import Allegation, Exit, Hold, RecruitmentEvent
from hearth.people.models import Household
from hearth.referrals.models import Status
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.search.selectors import in_house_search
from hearth.trays.models import WorkItem
from tests.factories import make_referral

NOW = datetime(2026, 5, 4, 10, tzinfo=LONDON)
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def searching(child, child_team):
    return make_referral(child, status=Status.SEARCHING)


def _candidates(user, referral):
    return [row.household.pk for row in in_house_search(user, referral).available]


def _on_page(client, user, referral):
    client.force_login(user)
    response = client.get(reverse("in_house_search", args=[referral.pk]))
    assert response.status_code == 200
    return [row["reference"] for row in response.context["available"]]


def test_a_household_on_hold_is_never_a_candidate_and_lifting_the_hold_brings_it_back(
    client, household, searching, placements_officer, supervising_social_worker
):
    assert _candidates(placements_officer, searching) == [household.pk]
    assert _on_page(client, placements_officer, searching) == [household.reference]
    holds.hold_put(user=supervising_social_worker, household=household, reason="illness", on=TODAY)
    assert _candidates(placements_officer, searching) == []
    assert _on_page(client, placements_officer, searching) == []
    holds.hold_lift(user=supervising_social_worker, household=household, on=TODAY)
    assert _candidates(placements_officer, searching) == [household.pk]
    assert _on_page(client, placements_officer, searching) == [household.reference]


def test_a_hold_and_its_lifting_are_in_the_households_history(household, supervising_social_worker):
    holds.hold_put(
        user=supervising_social_worker, household=household, reason="adoption", on=date(2026, 4, 1)
    )
    household.refresh_from_db()
    assert (household.status, household.hold_reason) == ("on_hold", "adoption")
    holds.hold_lift(user=supervising_social_worker, household=household, on=TODAY)
    household.refresh_from_db()
    assert household.status == "approved"
    events = list(RecruitmentEvent.objects.values_list("event", "date"))
    assert events == [("on_hold", date(2026, 4, 1)), ("off_hold", TODAY)]


def test_a_hold_from_tomorrow_is_refused_at_its_field(household, supervising_social_worker):
    with pytest.raises(ReferralError) as refusal:
        holds.hold_put(
            user=supervising_social_worker, household=household, reason="illness",
            on=date(2026, 5, 5),
        )  # fmt: skip
    assert refusal.value.field_errors == {"on": "The hold must be today or in the past"}
    assert not Hold.objects.exists()


def test_a_duty_worker_cannot_put_carers_on_hold(household, fostering_duty_worker):
    with pytest.raises(ActionNotAllowed):
        holds.hold_put(user=fostering_duty_worker, household=household, reason="illness", on=TODAY)


def test_an_allegation_puts_the_carers_on_hold_and_asks_the_managers_to_consult_the_lado(
    household, child, supervising_social_worker
):
    allegation = holds.allegation_record(
        user=supervising_social_worker, household=household, received_on=TODAY,
        summary="Said to have been shouted at.", child=child,
    )  # fmt: skip
    household.refresh_from_db()
    assert (household.status, household.hold_reason) == ("on_hold", "allegation")
    assert allegation.hold == Hold.objects.get()
    item = WorkItem.objects.get(kind=WorkItem.Kind.ALLEGATION)
    assert (item.assigned_role, item.urgent) == ("fostering_team_manager", True)


def test_an_allegation_need_not_put_the_carers_on_hold(household, supervising_social_worker):
    holds.allegation_record(
        user=supervising_social_worker, household=household, received_on=TODAY,
        summary="A neighbour's complaint.", put_on_hold=False,
    )  # fmt: skip
    household.refresh_from_db()
    assert household.status == "approved"
    assert not Hold.objects.exists()


def test_closing_an_allegation_needs_the_lado_consulted_and_the_outcome(
    allegation, fostering_team_manager
):
    with pytest.raises(ReferralError) as refusal:
        holds.allegation_update(
            user=fostering_team_manager, allegation=allegation, lado_consulted_on=None,
            lado_reference="", lado_advice="", outcome="", closed_on=TODAY,
            expected_version=allegation.version,
        )  # fmt: skip
    assert set(refusal.value.field_errors) == {"outcome", "lado_consulted_on"}
    closed = holds.allegation_update(
        user=fostering_team_manager, allegation=allegation, lado_consulted_on=TODAY,
        lado_reference="LADO/25/7", lado_advice="No further action.", outcome="unfounded",
        closed_on=TODAY, expected_version=allegation.version,
    )  # fmt: skip
    assert (closed.outcome, closed.closed_on) == ("unfounded", TODAY)
    assert WorkItem.objects.get(kind=WorkItem.Kind.ALLEGATION).closed_at is not None


def test_carers_resign_with_a_reason(household, fostering_team_manager):
    holds.resignation_record(
        user=fostering_team_manager, household=household, reason="retirement", on=TODAY
    )
    household.refresh_from_db()
    assert household.status == Household.Status.DEREGISTERED
    assert Exit.objects.get().kind == "resignation"
    assert RecruitmentEvent.objects.get().event == "exited"


def test_only_a_fostering_team_manager_records_a_resignation(household, supervising_social_worker):
    with pytest.raises(ActionNotAllowed, match="Only fostering team managers"):
        holds.resignation_record(
            user=supervising_social_worker, household=household, reason="retirement", on=TODAY
        )
    assert not Exit.objects.exists()


def test_an_allegation_about_carers_already_on_hold_keeps_that_hold(
    held_household, supervising_social_worker
):
    allegation = holds.allegation_record(
        user=supervising_social_worker, household=held_household, received_on=TODAY,
        summary="Something said.",
    )  # fmt: skip
    assert Allegation.objects.get().hold == Hold.objects.get() == allegation.hold
