"""Time the fostering figures on a large council's history: ten years of recruitment (100
enquiries a month, four times Trafford's, 004) imported with `hearth import recruitment-events`,
then the monthly fostering report over all 120 months and over the last 12, in process and as the
report screen.

The history is made here, deterministic: each month 100 enquiries, of which a third get an initial
visit, one in ten applies, most applicants start an assessment, about half of those are approved
some 6 months later, and each approved household takes a child or two and leaves after some years.
Its references are new to the council, so the import creates every household and child as a
minimal record, as a council's first import does. Each import is timed inside a transaction that
is then rolled back, so every run does the same work; the last one is kept for the report.
"""

import csv
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from bench import pages

SEED = 2026
MONTHS = 120
ENQUIRIES_A_MONTH = 100
IMPORT_RUNS = 3
REPORT_RUNS = 7
SCREEN_RUNS = 15


class _RolledBack(Exception):
    pass


def _month_start(first, offset):
    year, month = divmod(first.month - 1 + offset, 12)
    return date(first.year + year, month + 1, 1)


def history_rows(last_day, rng):
    """(household, event, date, child, reason) rows for MONTHS months up to `last_day`."""
    first = _month_start(date(last_day.year, last_day.month, 1), -(MONTHS - 1))
    rows = []
    number = 0
    for offset in range(MONTHS):
        start = _month_start(first, offset)
        for _ in range(ENQUIRIES_A_MONTH):
            number += 1
            household = f"B{number:06d}"
            day = start + timedelta(days=rng.randrange(28))
            rows.append((household, "enquiry", day, "", "web"))
            if rng.random() > 1 / 3:
                continue
            day += timedelta(days=rng.randrange(2, 10))
            rows.append((household, "initial_visit", day, "", ""))
            if rng.random() > 0.3:
                continue
            day += timedelta(days=rng.randrange(14, 60))
            rows.append((household, "application", day, "", ""))
            if rng.random() > 0.8:
                continue
            day += timedelta(days=rng.randrange(7, 30))
            rows.append((household, "assessment_started", day, "", ""))
            day += timedelta(days=rng.randrange(120, 220))
            if rng.random() > 0.55:
                rows.append((household, "assessment_ended", day, "", "withdrew"))
                continue
            rows.append((household, "approved", day, "", ""))
            for child_number in range(rng.choice((1, 1, 2))):
                placed = day + timedelta(days=rng.randrange(7, 90))
                child = f"C{household[1:]}{child_number}"
                rows.append((household, "placement_started", placed, child, ""))
                moved = placed + timedelta(days=rng.randrange(60, 1500))
                rows.append((household, "placement_ended", moved, child, ""))
            left = day + timedelta(days=rng.randrange(365, 3000))
            rows.append((household, "exited", left, "", "retirement"))
    return [row for row in rows if row[2] <= last_day]


def _write(rows, path):
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["household", "event", "date", "child", "reason"])
        for household, event, day, child, reason in sorted(rows, key=lambda r: (r[2], r[0])):
            writer.writerow([household, event, day.isoformat(), child, reason])


def _timed_import(path, authority, keep):
    from django.db import transaction

    from hearth.fostering.imports import import_recruitment_events

    started = time.perf_counter()
    try:
        with transaction.atomic():
            result = import_recruitment_events(path, authority=authority)
            assert result.ok, result.errors[:3]
            seconds = time.perf_counter() - started
            if not keep:
                raise _RolledBack
    except _RolledBack:
        pass
    return seconds, result


def run():
    pages._prepare()
    from django.test import Client
    from django.utils import timezone

    from hearth.accounts.models import User
    from hearth.core.models import Organisation
    from hearth.fostering.report import fostering_monthly

    wigan = Organisation.objects.get(ons_code="E08000010")
    today = timezone.localdate()
    last_day = today - timedelta(days=1)
    rows = history_rows(last_day, random.Random(SEED))
    path = Path(tempfile.mkdtemp(prefix="hearth-bench-history-")) / "history.csv"
    _write(rows, path)
    households = len({row[0] for row in rows})
    results = []
    timings = []
    for run_number in range(IMPORT_RUNS):
        seconds, result = _timed_import(path, wigan, keep=run_number == IMPORT_RUNS - 1)
        timings.append(seconds)
    results.append(
        (
            f"import {len(rows):,} history rows ({households:,} new households, "
            f"{result.children_created:,} new children), median of {IMPORT_RUNS}",
            statistics.median(timings),
            "s",
        )
    )
    this_month = date(today.year, today.month, 1)
    for months in (MONTHS, 12):
        first = _month_start(this_month, -(months - 1))

        def report(first=first):
            return fostering_monthly(wigan, first, this_month)

        timings = []
        for _ in range(REPORT_RUNS):
            started = time.perf_counter()
            report()
            timings.append(time.perf_counter() - started)
        results.append(
            (
                f"fostering-monthly report, {months} months, in process",
                statistics.median(timings),
                "s",
            )
        )
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username="wigan.fostering_team_manager"))
    for months in (12, 60):
        first = _month_start(this_month, -(months - 1))
        path_ = f"/reports/fostering/?first={first:%Y-%m}&last={this_month:%Y-%m}"
        results.append(
            (
                f"monthly fostering figures screen, {months} months",
                pages._median_ms(client, path_, SCREEN_RUNS),
                "ms",
            )
        )
    return results
