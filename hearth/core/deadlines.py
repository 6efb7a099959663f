"""Working days and due dates for statutory timescales (CONTRACT.md section 6).

An hours rule is due at the exact time. A day, working-day, week or month rule is due at the end
(23:59:59) of its last day in Europe/London. Working days skip Saturdays, Sundays and England's bank
holidays. A rule counted back (the unplanned-ending waiver window) gives the start (00:00:00) of its
first day.

Also ages and birthdays (`age_on`, `birthday`), which the reports count from.
"""

import calendar
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from hearth.core.rules import TIMESCALES_BY_NAME, Unit

LONDON = ZoneInfo("Europe/London")
END_OF_DAY = time(23, 59, 59)


@lru_cache(maxsize=64)
def _bank_holidays(year):
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def is_bank_holiday(day):
    return day in _bank_holidays(day.year)


def is_working_day(day):
    return day.weekday() < 5 and not is_bank_holiday(day)


def add_working_days(day, count):
    """The date `count` working days after `day` (before it, if count is negative)."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_working_day(day):
            remaining -= 1
    return day


def add_months(day, count):
    """Same day of the month `count` months on; the month's last day where it is shorter."""
    month_index = day.month - 1 + count
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def months_between(first_month, last_month):
    """The first days of the months from `first_month` to `last_month`, both included."""
    months, month = [], first_month.replace(day=1)
    while month <= last_month:
        months.append(month)
        month = add_months(month, 1)
    return months


def last_day_of(month):
    """The last day of the month `month` falls in."""
    return add_months(month.replace(day=1), 1) - timedelta(days=1)


def age_on(date_of_birth, day):
    """Whole years between `date_of_birth` and `day` (negative for a child not yet born)."""
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def birthday(born, years):
    """The day a child born on `born` turns `years` old (1 March for 29 February in a year that
    has none)."""
    try:
        return born.replace(year=born.year + years)
    except ValueError:
        return date(born.year + years, 3, 1)


def _shift_date(day, amount, unit):
    if unit == Unit.DAYS:
        return day + timedelta(days=amount)
    if unit == Unit.WORKING_DAYS:
        return add_working_days(day, amount)
    if unit == Unit.WEEKS:
        return day + timedelta(weeks=amount)
    if unit == Unit.MONTHS:
        return add_months(day, amount)
    raise ValueError(f"unknown unit {unit!r}")


def due_at(start, amount, unit, *, counted_back=False):
    """When something `amount` `unit`s after `start` (an aware datetime) is due.

    >>> due_at(datetime(2026, 12, 24, 10, tzinfo=LONDON), 3, "working_days")
    datetime.datetime(2026, 12, 31, 23, 59, 59, tzinfo=zoneinfo.ZoneInfo(key='Europe/London'))
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    if unit == Unit.HOURS:
        # Real elapsed hours: arithmetic in UTC, so a change of the clocks neither adds nor loses one.
        delta = timedelta(hours=amount)
        start_utc = start.astimezone(UTC)
        return (start_utc - delta if counted_back else start_utc + delta).astimezone(LONDON)
    local_day = start.astimezone(LONDON).date()
    if counted_back:
        return datetime.combine(_shift_date(local_day, -amount, unit), time.min, tzinfo=LONDON)
    return datetime.combine(_shift_date(local_day, amount, unit), END_OF_DAY, tzinfo=LONDON)


def policy_due_at(policy, rule_name, start):
    """Due date-time of one of an authority's timescale rules, counted from `start`."""
    amount, unit = policy.timescale(rule_name)
    return due_at(start, amount, unit, counted_back=TIMESCALES_BY_NAME[rule_name].counted_back)


def is_overdue(due, now):
    return due is not None and now > due
