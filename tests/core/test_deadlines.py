from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hearth.core.deadlines import LONDON, add_months, due_at, is_working_day, policy_due_at
from hearth.core.models import Policy


def at(*parts):
    return datetime(*parts, tzinfo=LONDON)


def test_hours_rule_is_due_at_the_exact_time():
    assert due_at(at(2026, 11, 23, 9, 30), 48, "hours") == at(2026, 11, 25, 9, 30)


def test_hours_rule_counts_real_hours_across_the_clocks_going_back():
    # 25 October 2026: clocks go back an hour at 02:00 BST.
    assert due_at(at(2026, 10, 24, 12, 0), 24, "hours") == at(2026, 10, 25, 11, 0)


def test_working_days_skip_weekends_and_christmas_bank_holidays():
    # Thu 24 Dec 2026; Fri 25 and Mon 28 (Boxing Day substitute) are bank holidays; 26-27 weekend.
    assert due_at(at(2026, 12, 24, 10, 0), 3, "working_days") == at(2026, 12, 31, 23, 59, 59)


def test_easter_monday_is_not_a_working_day():
    assert not is_working_day(datetime(2026, 4, 6).date())
    assert is_working_day(datetime(2026, 4, 7).date())


def test_week_rule_is_due_at_the_end_of_its_last_day():
    assert due_at(at(2026, 11, 23, 16, 0), 6, "weeks") == at(2027, 1, 4, 23, 59, 59)


def test_month_rule_falls_back_to_the_last_day_of_a_short_month():
    assert add_months(datetime(2026, 1, 31).date(), 1) == datetime(2026, 2, 28).date()
    assert due_at(at(2026, 11, 30, 8, 0), 3, "months") == at(2027, 2, 28, 23, 59, 59)


def test_day_rule_counts_calendar_days():
    assert due_at(at(2026, 11, 23, 8, 0), 28, "days") == at(2026, 12, 21, 23, 59, 59)


def test_counted_back_rule_gives_the_start_of_its_first_day():
    assert due_at(at(2026, 11, 23, 15, 0), 12, "weeks", counted_back=True) == at(
        2026, 8, 31, 0, 0, 0
    )


def test_naive_start_is_refused():
    with pytest.raises(ValueError):
        due_at(datetime(2026, 11, 23, 9), 3, "days")


@pytest.mark.django_db
def test_policy_rule_uses_the_councils_own_timescale(wigan):
    policy = Policy.objects.get(authority=wigan)
    assert policy_due_at(policy, "stability_meeting", at(2026, 11, 23, 9)) == at(2026, 11, 25, 9)
    policy.timescales["stability_meeting"] = {"amount": 24, "unit": "hours"}
    assert policy_due_at(policy, "stability_meeting", at(2026, 11, 23, 9)) == at(2026, 11, 24, 9)


@pytest.mark.django_db
def test_cost_approver_follows_the_tiers(wigan):
    policy = Policy.objects.get(authority=wigan)
    assert policy.cost_approver(3999.99) == "senior_manager"
    assert policy.cost_approver(4000) == "head_of_service"
    assert policy.cost_approver(6999) == "head_of_service"
    assert policy.cost_approver(7000) == "director"


@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
    amount=st.integers(min_value=1, max_value=40),
)
def test_working_day_deadlines_land_on_a_working_day_after_the_start(start, amount):
    start = start.replace(tzinfo=LONDON)
    due = due_at(start, amount, "working_days")
    assert is_working_day(due.date())
    assert due > start
    assert due.time() == time(23, 59, 59)
    working_days_between = sum(
        is_working_day(start.date() + timedelta(days=n))
        for n in range(1, (due.date() - start.date()).days + 1)
    )
    assert working_days_between == amount


@given(
    start=st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31)),
    hours=st.integers(min_value=1, max_value=500),
)
def test_hours_deadlines_are_exactly_that_many_real_hours_later(start, hours):
    start = start.replace(tzinfo=LONDON)
    # Subtracting two London times compares wall clocks; real elapsed time is a UTC difference.
    elapsed = due_at(start, hours, "hours").astimezone(UTC) - start.astimezone(UTC)
    assert elapsed == timedelta(hours=hours)
