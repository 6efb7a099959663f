"""Review round 1 of the support and holds: one review waiting for the panel at a time, the first
review of long-standing carers, the reviews due as the front page counts them, the tray items of
carers who leave, the jobs' queries, refusals audited, and goals met once."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.fostering import jobs, support
from hearth.fostering.models import AnnualReview, TemporaryApproval
from hearth.people.models import Household
from hearth.people.services import EditConflict
from hearth.referrals.services import ActionNotAllowed
from hearth.trays.models import WorkItem
from tests.factories import HouseholdFactory
from tests.screens import page

NOW = datetime(2026, 5, 4, 10, tzinfo=LONDON)  # a Monday
TODAY = NOW.date()
HELD_TAG = '<strong class="govuk-tag govuk-tag--blue">Held: waiting for the panel</strong>'

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _fresh(household):
    return Household.objects.select_related("provider__policy").get(pk=household.pk)


def _review(household, by, held_on, *, expected_version=None):
    household = _fresh(household)
    return support.review_record(
        user=by, household=household, held_on=held_on, reviewer=by, carers_views="Going well.",
        childrens_views="", recommendation="continue",
        expected_version=household.version if expected_version is None else expected_version,
    )  # fmt: skip


def _due(household, day):
    Household.objects.filter(pk=household.pk).update(
        review_due_at=datetime.combine(day, datetime.min.time(), tzinfo=LONDON).replace(hour=23)
    )


# One review at a time (4) ----------------------------------------------------------------------------


def test_no_review_is_recorded_while_the_first_waits_for_the_panel(
    household, fostering_team_manager
):
    Household.objects.filter(pk=household.pk).update(approved_on=date(2025, 6, 2))
    first = _review(household, fostering_team_manager, date(2026, 4, 20))
    assert (first.first, first.status) == (True, AnnualReview.Status.HELD)
    with pytest.raises(ActionNotAllowed, match="waiting for the fostering panel"):
        _review(household, fostering_team_manager, date(2026, 4, 27))
    AnnualReview.objects.filter(pk=first.pk).update(status=AnnualReview.Status.AT_PANEL)
    with pytest.raises(ActionNotAllowed, match="waiting for the fostering panel"):
        _review(household, fostering_team_manager, date(2026, 4, 27))
    assert AnnualReview.objects.count() == 1


def test_a_review_on_a_page_opened_before_another_was_recorded_is_refused(
    household, fostering_team_manager
):
    opened_at = _fresh(household).version
    _review(household, fostering_team_manager, date(2026, 4, 20))  # not a first review: complete
    with pytest.raises(EditConflict):
        _review(household, fostering_team_manager, date(2026, 4, 21), expected_version=opened_at)
    assert AnnualReview.objects.count() == 1


def test_the_household_and_the_list_show_a_review_held_for_the_panel_instead_of_overdue(
    client, household, fostering_team_manager
):
    Household.objects.filter(pk=household.pk).update(approved_on=date(2025, 3, 3))
    _due(household, date(2026, 3, 3))
    _review(household, fostering_team_manager, date(2026, 3, 2))
    client.force_login(fostering_team_manager)
    record = page(client.get(reverse("household", args=[household.pk])))
    assert "Annual review due" in record and HELD_TAG in record
    assert "Record an annual review" not in record
    listed = client.get(reverse("fostering_reviews_due"))
    assert HELD_TAG in page(listed)
    assert [(r["row"].household, r["row"].overdue) for r in listed.context["rows"]] == [
        (household, False)
    ]
    refused = client.get(reverse("fostering_review_new", args=[household.pk]))
    assert refused.status_code == 403 and "waiting for the fostering panel" in page(refused)


# The first review (25) ------------------------------------------------------------------------------


def test_long_standing_carers_first_review_in_hearth_is_not_a_first_review(
    household, fostering_team_manager
):
    """Approved in January 2024, more than two review periods before May 2026: their reviews were
    held before Hearth. Their review is complete when recorded, not sent to the panel."""
    assert support.is_first_review(_fresh(household), date(2026, 1, 14)) is True
    assert support.is_first_review(_fresh(household), date(2026, 1, 15)) is False
    review = _review(household, fostering_team_manager, date(2026, 5, 1))
    assert (review.first, review.status) == (False, AnnualReview.Status.COMPLETE)


# Reviews due, as the list and the front page count them (10) --------------------------------------


def test_the_reviews_due_are_overdue_or_due_within_8_weeks_for_approved_and_on_hold_carers(
    client, wigan, household, iro, django_assert_max_num_queries
):
    _due(household, TODAY - timedelta(days=1))  # overdue
    soon = HouseholdFactory(provider=wigan, name="Soon", status="on_hold", hold_reason="illness")
    _due(soon, TODAY + timedelta(weeks=8))
    later = HouseholdFactory(provider=wigan, name="Later")
    _due(later, TODAY + timedelta(weeks=8, days=1))
    temporary = HouseholdFactory(provider=wigan, name="Temporary", status="temporary")
    _due(temporary, TODAY + timedelta(weeks=1))  # its Regulation 24 assessment, not a review
    rows = support.reviews_due(wigan, TODAY)
    assert [(r.household.name, r.overdue) for r in rows] == [
        (household.name, True), ("Soon", False),
    ]  # fmt: skip
    assert (rows.overdue, rows.waiting) == (1, 0)
    assert [r.household.name for r in support.reviews_due(wigan, TODAY, within_weeks=None)] == [
        household.name, "Soon", "Later",
    ]  # fmt: skip
    client.force_login(iro)
    with django_assert_max_num_queries(13):
        shown = client.get(reverse("fostering_reviews_due")).context["rows"]
    assert [r["row"].household.name for r in shown] == [household.name, "Soon"]
    every = client.get(reverse("fostering_reviews_due"), {"show": "all"}).context["rows"]
    assert [r["row"].household.name for r in every] == [household.name, "Soon", "Later"]


# Tray items (8) ---------------------------------------------------------------------------------------


def test_one_supervisory_visit_item_is_open_at_a_time_and_any_visit_closes_it(
    household, supervising_social_worker
):
    assert jobs.supervisory_visits_due(NOW) == 1
    item = WorkItem.objects.get(kind=WorkItem.Kind.SUPERVISORY_VISIT)
    assert item.key == f"supervisory-visit:{household.pk}"
    # The due date moves (settled carers are seen less often): no second item while one is open.
    Household.objects.filter(pk=household.pk).update(settled_long_term=True)
    assert jobs.supervisory_visits_due(NOW) == 0
    support.visit_record(
        user=supervising_social_worker, household=_fresh(household), kind="supervisory",
        visited_at=NOW - timedelta(days=200), visitor=supervising_social_worker,
        children_present=True,
    )  # fmt: skip
    item.refresh_from_db()
    assert item.closed_at is not None
    assert jobs.supervisory_visits_due(NOW) == 1  # 200 days ago is still more than 12 weeks


def test_the_tray_items_of_carers_who_leave_close(
    household, supervising_social_worker, fostering_duty_worker
):
    jobs.supervisory_visits_due(NOW)
    _due(household, TODAY + timedelta(weeks=2))
    jobs.annual_reviews_due(NOW)
    support.visit_record(
        user=supervising_social_worker, household=_fresh(household), kind="unannounced",
        visited_at=NOW - timedelta(days=1), visitor=supervising_social_worker,
        children_present=True,
    )  # fmt: skip
    support.support_request_record(
        user=fostering_duty_worker, household=_fresh(household), received_at=NOW, about="Help."
    )
    other = HouseholdFactory(provider=household.provider, supervising_social_worker=None)
    jobs.supervisory_visits_due(NOW)
    assert WorkItem.objects.filter(closed_at__isnull=True).count() == 5
    assert support.on_household_left(_fresh(household), supervising_social_worker) == 4
    still_open = WorkItem.objects.filter(closed_at__isnull=True)
    assert [item.key for item in still_open] == [f"supervisory-visit:{other.pk}"]


# The jobs' queries (23) -------------------------------------------------------------------------------


@pytest.mark.parametrize("households", [1, 6])
def test_the_jobs_read_the_trays_once_not_once_per_household(
    wigan, households, django_assert_max_num_queries
):
    HouseholdFactory.create_batch(households, provider=wigan)
    Household.objects.update(review_due_at=NOW + timedelta(weeks=2))
    jobs.supervisory_visits_due(NOW)
    jobs.annual_reviews_due(NOW)
    with django_assert_max_num_queries(2):  # the households, the tray keys
        assert jobs.supervisory_visits_due(NOW) == 0
    with django_assert_max_num_queries(2):
        assert jobs.annual_reviews_due(NOW) == 0


# Refusals audited (9) ---------------------------------------------------------------------------------


def test_someone_who_sees_households_but_not_the_fostering_service_gets_an_audited_404(
    client, household, social_worker
):
    client.force_login(social_worker)
    assert client.get(reverse("household", args=[household.pk])).status_code == 200
    response = client.get(reverse("fostering_visit_new", args=[household.pk]))
    assert response.status_code == 404
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, record_type="household")
    assert denied.filter(record_id=str(household.pk)).exists()


# Goals met once (26) ----------------------------------------------------------------------------------


def test_a_goal_already_met_is_not_met_again(support_goal, supervising_social_worker):
    support.goal_done(user=supervising_social_worker, goal=support_goal, done_on=date(2026, 5, 1))
    with pytest.raises(ActionNotAllowed, match="marked as met on 1 May 2026"):
        support.goal_done(user=supervising_social_worker, goal=support_goal, done_on=TODAY)
    support_goal.refresh_from_db()
    assert support_goal.done_on == date(2026, 5, 1)


# A temporary approval's date (11) --------------------------------------------------------------------


def test_a_temporary_approvals_date_is_its_open_approvals_assessment_date(
    wigan, household, agency_decision_maker
):
    from hearth.people.services import review_due_at

    Household.objects.filter(pk=household.pk).update(status="temporary", approved_on=TODAY)
    TemporaryApproval.objects.create(
        authority=wigan, household=household, approved_on=TODAY,
        approved_by=agency_decision_maker, assessment_due_on=date(2026, 10, 19),
    )  # fmt: skip
    due = review_due_at(_fresh(household), wigan.policy)
    assert due == datetime(2026, 10, 19, 23, 59, 59, tzinfo=LONDON)
