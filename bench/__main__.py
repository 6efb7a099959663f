"""Benchmarks (not tests): `make bench`. Each figure is the median of several runs; record them in
docs/performance.md with the machine and the command.

`python -m bench` runs them all; `python -m bench matching` (or any of PARTS) only those named.
"""

import platform
import statistics
import sys
import time
from datetime import datetime, timedelta

from bench import dashboards, forecast, fostering, matching, pages, referrals, ssda903
from hearth.core import postcodes
from hearth.core.deadlines import LONDON, due_at

RUNS = 7
PARTS = ("postcodes", "screens", "matching", "fostering", "ssda903", "forecast", "dashboards")


def _median_seconds(work):
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def bench_postcode_letter_load():
    def load():
        postcodes._letter.cache_clear()
        postcodes._letter("W")

    return "load one letter of ONS postcodes (W, 161k postcodes)", _median_seconds(load), "s"


def bench_postcode_lookups():
    wigan = postcodes.postcodes_in("E08000010", "W")[:10000]

    def look_up():
        for code in wigan:
            postcodes.lookup(code)

    seconds = _median_seconds(look_up)
    return "postcode lookups per second (warm)", len(wigan) / seconds, "/s"


def bench_working_day_deadlines():
    start = datetime(2026, 11, 23, 9, tzinfo=LONDON)
    starts = [start + timedelta(hours=7 * i) for i in range(10000)]

    def compute():
        for moment in starts:
            due_at(moment, 5, "working_days")

    seconds = _median_seconds(compute)
    return "5-working-day due dates per second", len(starts) / seconds, "/s"


def _show(label, value, unit):
    shown = {"s": f"{value:,.3f} s", "ms": f"{value:,.1f} ms", "score": f"{value:,.2f}"}.get(
        unit, f"{value:,.0f}{unit}"
    )
    print(f"{label}: {shown}")


def main(parts=None):
    parts = parts or sys.argv[1:] or PARTS
    unknown = [part for part in parts if part not in PARTS]
    if unknown:
        sys.exit(
            f"not a part of the benchmarks: {', '.join(unknown)} (choose from {', '.join(PARTS)})"
        )
    print(f"Hearth benchmarks on {platform.machine()}, Python {platform.python_version()}")
    if "postcodes" in parts:
        bench_postcodes()
    if "screens" in parts:
        bench_screens()
    if "matching" in parts:
        bench_matching()
    if "fostering" in parts:
        bench_fostering()
    if "ssda903" in parts:
        bench_ssda903()
    if "forecast" in parts:
        bench_forecast()
    if "dashboards" in parts:
        bench_dashboards()


def bench_postcodes():
    print(f"Postcodes and deadlines (median of {RUNS} runs):")
    for bench in (bench_postcode_letter_load, bench_postcode_lookups, bench_working_day_deadlines):
        _show(*bench())


def bench_screens():
    print("Screens and API on the default synthetic data, in-process (median of 15 requests):")
    for result in pages.run():
        _show(*result)
    print("Referral screens on the same data (median of 15 requests):")
    for result in referrals.run():
        _show(*result)
    print(
        f"Referral screens with {referrals.REGIONAL_SEARCHES:,} open searches, on a database of "
        "their own (median of 15 requests):"
    )
    for result in referrals.run_regional():
        _show(*result)


def bench_matching():
    print(
        f"Matching engine on synthetic Greater Manchester scenarios, in process (median of "
        f"{matching.RANK_RUNS} runs for assess and the best {matching.SHOWN}, "
        f"{matching.EXPLAIN_ALL_RUNS} for every household explained, "
        f"{matching.BUILD_RUNS} for the index, {matching.ALLOCATE_RUNS} for each allocation):"
    )
    for result in matching.run():
        _show(*result)


def bench_fostering():
    print(
        f"Monthly fostering figures on {fostering.MONTHS} months of a large council's history "
        f"({fostering.ENQUIRIES_A_MONTH} enquiries a month), imported first:"
    )
    for result in fostering.run():
        _show(*result)


def bench_ssda903():
    print(
        f"SSDA903 on a national-scale synthetic history ({ssda903.CHILDREN:,} children looked "
        f"after, {ssda903.YEARS} years of episodes), in process (median of {ssda903.RUNS} runs):"
    )
    for result in ssda903.run():
        _show(*result)


def bench_forecast():
    print(
        "Forecast of children looked after: Hearth's monthly model and the DfE-funded "
        "cs-demand-model, back-tested from the same start (error at 3 and 12 months):"
    )
    for line in forecast.run():
        print(line)


def bench_dashboards():
    print(
        "Dashboards of team managers, service leads and directors on the default synthetic data, "
        f"in-process (median of {dashboards.RUNS} requests):"
    )
    for result in dashboards.run():
        _show(*result)


if __name__ == "__main__":
    main()
