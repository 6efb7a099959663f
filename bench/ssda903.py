"""Time the SSDA903 work on a national-scale history: England's children looked after as one
council (`hearth.ssda903.synthetic.make_history`: about 85,000 looked after today, ten years of
episodes, some 400,000 children and 1.6 million episodes), on top of the default seed.

Timed, each the median of RUNS runs: the export of the last whole collection year (the eleven
files and `prev/`), the import of that year's return into an empty council (inside a transaction
rolled back, so each run does the same work), the placement stability indicators of that year,
the forecast (12 months from a year ago, 24 months' reference) and its back-test, and the
dashboard-style reports (timeliness over 12 months and Ofsted's fostering data) of the council.
The history itself is made once and timed once. Each must be under 10 s (the issue's budget).
"""

import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench import pages

RUNS = 3
CHILDREN = 85_000
YEARS = 10
LIMIT = 10.0
NATIONAL = ("E92000001", "England (synthetic history)")
EMPTY = ("E06000001", "An empty council (import target)")


class _RolledBack(Exception):
    pass


def _median(work, runs=RUNS):
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def last_whole_year(today):
    """The first year of the last collection year that has ended."""
    return today.year - 2 if today.month < 4 else today.year - 1


def national(children=CHILDREN, years=YEARS):
    """(council, history) of the synthetic national council, made when not there yet."""
    from django.utils import timezone

    from hearth.core.models import Organisation
    from hearth.ssda903 import synthetic

    council, made = Organisation.objects.get_or_create(
        ons_code=NATIONAL[0], defaults={"kind": "authority", "name": NATIONAL[1]}
    )
    if not made and council.children.exists():
        return council, None
    return council, synthetic.make_history(
        council, children=children, years=years, end=timezone.localdate()
    )


def run():
    pages._prepare()
    from django.db import transaction
    from django.utils import timezone

    from hearth.core.models import Organisation
    from hearth.fostering.ofsted import ofsted_fostering
    from hearth.placements.timeliness import timeliness
    from hearth.ssda903 import forecast
    from hearth.ssda903.export import write_return
    from hearth.ssda903.imports import import_return
    from hearth.ssda903.indicators import indicators

    results = []
    council, history = national()
    if history:
        results.append(
            (
                f"make the synthetic history ({history.children:,} children, "
                f"{history.episodes:,} episodes, {history.looked_after_at_end:,} looked after "
                f"today), once",
                history.seconds,
                "s",
            )
        )
    today = timezone.localdate()
    year = last_whole_year(today)
    folder = Path(tempfile.mkdtemp(prefix="hearth-bench-903-"))
    written = {}

    def export():
        written.update(write_return(council, year, folder / "return", previous=True))

    seconds = _median(export)
    results.append(
        (
            f"export the {year}-{(year + 1) % 100:02d} return with prev/ "
            f"({written['header.csv']:,} children, {written['episodes.csv']:,} episodes)",
            seconds,
            "s",
        )
    )
    empty, _made = Organisation.objects.get_or_create(
        ons_code=EMPTY[0], defaults={"kind": "authority", "name": EMPTY[1]}
    )

    outcome = {}

    def import_one():
        try:
            with transaction.atomic():
                outcome["result"] = import_return(empty, folder / "return", year=year)
                raise _RolledBack
        except _RolledBack:
            pass

    seconds = _median(import_one)
    result = outcome["result"]
    if result.ok:
        label = (
            f"import that return (with prev/) into an empty council "
            f"({result.children_created:,} children made, {result.created:,} rows)"
        )
    else:
        label = (
            f"import that return (with prev/) into an empty council: REFUSED, "
            f"{len(result.errors):,} bad rows, the first: {result.errors[:2]}"
        )
    results.append((label, seconds, "s"))
    results.append(
        (
            f"stability indicators {year}-{(year + 1) % 100:02d}",
            _median(lambda: indicators(council, year)),
            "s",
        )
    )
    start = forecast.add_months(date(today.year, today.month, 1), -12)
    results.append(
        (
            "forecast 12 months by age band and category (24 months' reference)",
            _median(lambda: forecast.forecast(council, start, 12)),
            "s",
        )
    )
    results.append(
        (
            "back-test of that forecast against the episodes",
            _median(lambda: forecast.backtest(council, start, 12)),
            "s",
        )
    )
    first_month = forecast.add_months(date(today.year, today.month, 1), -11)
    results.append(
        (
            "timeliness and spend, 12 months (the council's referrals and placements)",
            _median(lambda: timeliness(council, first_month, today)),
            "s",
        )
    )
    results.append(
        (
            f"Ofsted fostering data {year}-{(year + 1) % 100:02d}",
            _median(lambda: ofsted_fostering(council, year)),
            "s",
        )
    )
    over = [label for label, seconds, _unit in results[1:] if seconds > LIMIT]
    if over:
        results.append((f"over {LIMIT:.0f} s: {'; '.join(over)}", len(over), " part(s)"))
    return results
