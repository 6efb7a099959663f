"""The support rules (002): visit intervals by the policy's thresholds, visits written up and given
to the carers in time, annual reviews (the first to panel), requests for support, and the jobs that
put visits and reviews in the trays once."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from hearth.core.deadlines import LONDON
from hearth.core.models import Policy
from hearth.fostering import jobs, support
from hearth.fostering.models import AnnualReview, Visit
from hearth.people.models import Household
from hearth.people.services import review_due_at
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.trays.models import WorkItem

NOW = datetime(2026, 5, 4, 10, tzinfo=LONDON)  # a Monday
TODAY = NOW.date()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _visit(household, by, *, on, kind="supervisory", children_present=True, record=""):
    return support.visit_record(
        user=by, household=household, kind=kind, visitor=by, children_present=children_present,
        visited_at=datetime.combine(on, datetime.min.time(), tzinfo=LONDON).replace(hour=11),
        record=record,
    )  # fmt: skip


# Visit intervals ---------------------------------------------------------------------------------


def test_an_established_household_is_visited_every_8_weeks(household):
    weeks, words = support.visit_rule(household, TODAY)
    assert (weeks, words) == (8, "every 8 weeks: the usual interval")


@pytest.mark.parametrize(
    "change, weeks",
    [
        ({"status": Household.Status.TEMPORARY}, 4),
        ({"fostering_limit_exemption": True}, 4),
        ({"approved_on": date(2025, 6, 1)}, 4),  # new: within 12 months of approval
        ({"settled_long_term": True}, 12),
    ],
)
def test_the_visit_interval_follows_the_policys_rules(household, change, weeks):
    for field, value in change.items():
        setattr(household, field, value)
    assert support.visit_interval_weeks(household, TODAY) == weeks


def test_the_visit_intervals_come_from_the_policy(household, wigan):
    policy = Policy.objects.get(authority=wigan)
    policy.thresholds = {**policy.thresholds, "visit_interval_standard_weeks": 6}
    policy.save()
    household = Household.objects.select_related("provider__policy").get(pk=household.pk)
    assert support.visit_interval_weeks(household, TODAY) == 6


def test_the_next_visit_is_due_an_interval_after_the_approval_then_after_the_last_visit(
    household, supervising_social_worker
):
    assert support.next_visit_due(household, TODAY) == date(2024, 1, 15) + timedelta(weeks=8)
    _visit(household, supervising_social_worker, on=date(2026, 4, 20))
    assert support.next_visit_due(household, TODAY) == date(2026, 6, 15)


def test_only_an_unannounced_visit_with_the_children_present_counts_as_the_six_monthly_one(
    household, supervising_social_worker
):
    assert support.next_unannounced_due(household) == date(2024, 7, 15)
    _visit(household, supervising_social_worker, on=date(2026, 4, 1), kind="unannounced",
           children_present=False)  # fmt: skip
    assert support.next_unannounced_due(household) == date(2024, 7, 15)
    _visit(household, supervising_social_worker, on=date(2026, 4, 2), kind="unannounced")
    assert support.next_unannounced_due(household) == date(2026, 10, 2)


# Recording visits ----------------------------------------------------------------------------------


def test_a_visit_is_due_written_up_in_48_hours_and_given_to_the_carers_in_2_weeks(
    household, supervising_social_worker
):
    visit = _visit(household, supervising_social_worker, on=date(2026, 5, 1))
    assert visit.record_due_at == datetime(2026, 5, 3, 11, tzinfo=LONDON)
    assert visit.to_carer_due_at.date() == date(2026, 5, 15)
    item = WorkItem.objects.get(kind=WorkItem.Kind.VISIT_RECORD)
    assert (item.assigned_user, item.due_at, item.closed_at) == (
        supervising_social_worker, visit.record_due_at, None,
    )  # fmt: skip
    assert support.visit_record_state(visit, NOW)[2] is True  # not written up: overdue


def test_writing_up_and_sending_the_record_closes_the_tray_item(
    household, supervising_social_worker
):
    visit = _visit(household, supervising_social_worker, on=date(2026, 5, 1))
    visit = support.visit_write_up(
        user=supervising_social_worker, visit=visit, record="All well.", sent_to_carer_on=None,
        expected_version=visit.version,
    )  # fmt: skip
    assert visit.recorded_at == NOW
    assert WorkItem.objects.get(kind=WorkItem.Kind.VISIT_RECORD).closed_at is None
    support.visit_write_up(
        user=supervising_social_worker, visit=visit, record="All well.", sent_to_carer_on=TODAY,
        expected_version=visit.version,
    )  # fmt: skip
    assert WorkItem.objects.get(kind=WorkItem.Kind.VISIT_RECORD).closed_at is not None


def test_a_write_up_over_someone_elses_is_refused(household, supervising_social_worker):
    from hearth.people.services import EditConflict

    visit = _visit(household, supervising_social_worker, on=date(2026, 5, 1))
    support.visit_write_up(
        user=supervising_social_worker, visit=visit, record="First.", sent_to_carer_on=None,
        expected_version=visit.version,
    )  # fmt: skip
    with pytest.raises(EditConflict):
        support.visit_write_up(
            user=supervising_social_worker, visit=visit, record="Second.", sent_to_carer_on=None,
            expected_version=visit.version,
        )  # fmt: skip
    assert Visit.objects.get().record == "First."


def test_a_visit_in_the_future_is_refused_at_its_field(household, supervising_social_worker):
    with pytest.raises(ReferralError) as refusal:
        _visit(household, supervising_social_worker, on=TODAY + timedelta(days=1))
    assert refusal.value.field_errors == {"visited_on": "The visit cannot be in the future"}
    assert not Visit.objects.exists()


def test_a_duty_worker_cannot_record_a_visit(household, fostering_duty_worker):
    with pytest.raises(ActionNotAllowed, match="Only supervising social workers"):
        _visit(household, fostering_duty_worker, on=TODAY)


def test_a_household_in_assessment_is_not_visited_as_approved_carers(
    household, supervising_social_worker
):
    Household.objects.filter(pk=household.pk).update(status=Household.Status.IN_ASSESSMENT)
    household.refresh_from_db()
    with pytest.raises(ActionNotAllowed, match="only approved carers"):
        _visit(household, supervising_social_worker, on=TODAY)


# Annual reviews -------------------------------------------------------------------------------------


def _review(household, by, held_on):
    household = Household.objects.select_related("provider__policy").get(pk=household.pk)
    return support.review_record(
        user=by, household=household, held_on=held_on, reviewer=by, carers_views="Going well.",
        childrens_views="", recommendation="continue", expected_version=household.version,
    )  # fmt: skip


def test_the_first_review_since_approval_waits_for_the_panel(household, fostering_team_manager):
    before = household.review_due_at
    review = _review(household, fostering_team_manager, date(2025, 1, 10))
    assert (review.first, review.status) == (True, AnnualReview.Status.HELD)
    household.refresh_from_db()
    assert household.review_due_at == before


def test_a_later_review_is_complete_and_the_next_is_due_a_year_on(
    household, fostering_team_manager
):
    first = _review(household, fostering_team_manager, date(2025, 1, 10))
    support.review_complete(by=fostering_team_manager, review=first)  # the ADM agreed
    household.refresh_from_db()
    assert household.review_due_at.date() == date(2026, 1, 10)
    second = _review(household, fostering_team_manager, date(2026, 1, 20))
    assert (second.first, second.status) == (False, AnnualReview.Status.COMPLETE)
    household.refresh_from_db()
    assert household.review_due_at.date() == date(2027, 1, 20)


def test_the_review_date_counts_from_the_approval_when_no_review_is_complete(household, wigan):
    household.refresh_from_db()
    policy = Policy.objects.get(authority=wigan)
    assert review_due_at(household, policy).date() == date(2025, 1, 15)


def test_a_review_in_the_future_is_refused(household, fostering_team_manager):
    with pytest.raises(ReferralError) as refusal:
        _review(household, fostering_team_manager, TODAY + timedelta(days=1))
    assert refusal.value.field_errors["held_on"] == "The review must be today or in the past"
    assert not AnnualReview.objects.exists()


# Training -------------------------------------------------------------------------------------------


def test_safeguarding_training_is_shown_done_once_recorded(household, supervising_social_worker):
    assert not support.safeguarding_done(household)
    support.training_record(
        user=supervising_social_worker, household=household, course="safeguarding", title="",
        completed_on=date(2026, 4, 1),
    )  # fmt: skip
    assert support.safeguarding_done(household)


# Requests for support --------------------------------------------------------------------------------


def test_a_request_for_support_is_due_in_24_hours_in_the_workers_tray(
    household, supervising_social_worker, fostering_duty_worker
):
    asked = support.support_request_record(
        user=fostering_duty_worker, household=household, received_at=NOW, about="Respite, please."
    )
    assert asked.respond_by == NOW + timedelta(hours=24)
    item = WorkItem.objects.get(kind=WorkItem.Kind.SUPPORT_REQUEST)
    assert item.assigned_user == supervising_social_worker
    support.support_request_answer(
        user=fostering_duty_worker, support_request=asked, answer="Arranged for Friday.",
        answered_at=NOW, expected_version=asked.version,
    )  # fmt: skip
    item.refresh_from_db()
    assert item.closed_at is not None


def test_a_request_from_carers_with_no_worker_goes_to_the_duty_workers(
    household, fostering_duty_worker
):
    Household.objects.filter(pk=household.pk).update(supervising_social_worker=None)
    household.refresh_from_db()
    support.support_request_record(
        user=fostering_duty_worker, household=household, received_at=NOW, about="Help."
    )
    item = WorkItem.objects.get(kind=WorkItem.Kind.SUPPORT_REQUEST)
    assert (item.assigned_user, item.assigned_role) == (None, "fostering_duty_worker")


# Jobs ----------------------------------------------------------------------------------------------------


def test_a_supervisory_visit_due_is_put_in_the_workers_tray_once(
    household, supervising_social_worker
):
    assert jobs.supervisory_visits_due(NOW) == 1
    assert jobs.supervisory_visits_due(NOW) == 0
    item = WorkItem.objects.get(kind=WorkItem.Kind.SUPERVISORY_VISIT)
    assert item.assigned_user == supervising_social_worker
    _visit(household, supervising_social_worker, on=TODAY - timedelta(days=1))
    item.refresh_from_db()
    assert item.closed_at is not None  # the visit answered it
    assert jobs.supervisory_visits_due(NOW) == 0  # the next is not due yet


def test_the_annual_review_is_put_in_the_tray_8_weeks_before_it_is_due_once(
    household, supervising_social_worker
):
    Household.objects.filter(pk=household.pk).update(review_due_at=NOW + timedelta(weeks=8, days=1))
    assert jobs.annual_reviews_due(NOW) == 0
    Household.objects.filter(pk=household.pk).update(review_due_at=NOW + timedelta(weeks=8))
    assert jobs.annual_reviews_due(NOW) == 1
    assert jobs.annual_reviews_due(NOW) == 0
    item = WorkItem.objects.get(kind=WorkItem.Kind.ANNUAL_REVIEW)
    assert item.assigned_user == supervising_social_worker


def test_the_jobs_run_in_the_workers_round(household):
    from hearth.trays.jobs import run_jobs

    assert run_jobs(NOW)["supervisory_visits_due"] == 1
