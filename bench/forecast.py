"""Hearth's forecast against the DfE-funded demand model (`cs-demand-model` 0.5.1, in its own
environment `.venv-demand`, `make demand-model`), back-tested from the same start.

For each history (the national-scale synthetic one of `bench/ssda903.py`, and the demo council,
Wigan), from a start 12 months ago with the 24 months before it as the reference window:

* Hearth: `hearth.ssda903.forecast.backtest` (only the episodes known on the start);
* cs-demand-model: the header and episodes of each collection year from the reference window's
  to the start's, as the episodes stood on the start (an episode ending later is open), written
  straight from the `Episode` rows here (two of the return's eleven tables, which is all the
  model reads; the full export would also write nine tables it ignores), then its own
  `ModelPredictor.from_model(...).predict(days)` from the start, run in `.venv-demand`;
* both compared with the children looked after on the first of the month 3 and 12 months on,
  from the episodes as they are now, by the model's placement categories (fostering U1-U6,
  residential K2/R1, supported H5/P2, other) and in total. (Hearth also counts K3, the
  supported accommodation code from 2025-26, as supported; cs-demand-model 0.5.1 counts it as
  other.) Short breaks (V3/V4) are left out of
  both, as the model's population is children looked after.
"""

import csv
import json
import subprocess
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMAND_PYTHON = ROOT / ".venv-demand" / "bin" / "python"
REFERENCE_MONTHS = 24
MONTHS = 12

# Run inside .venv-demand: argv = folder, reference start, start, then the dates to report.
DEMAND_SCRIPT = """
import json, sys, logging
from datetime import datetime
logging.disable(logging.WARNING)
from cs_demand_model import DemandModellingDataContainer, ModelPredictor, PopulationStats
from cs_demand_model.config import Config
from cs_demand_model.datastore import fs_datastore
folder, first, start, *wanted = sys.argv[1:]
first, start = datetime.fromisoformat(first), datetime.fromisoformat(start)
config = Config()
container = DemandModellingDataContainer(fs_datastore(folder), config)
stats = PopulationStats(container.enriched_view, config)
predictor = ModelPredictor.from_model(stats, first, start)
last = max(datetime.fromisoformat(day) for day in wanted)
predicted = predictor.predict((last - start).days)
answer = {}
for day in wanted:
    row = predicted.loc[datetime.fromisoformat(day)]
    totals = {}
    for (band, category), value in row.items():
        totals[str(category).lower()] = totals.get(str(category).lower(), 0) + float(value)
    answer[day] = totals
print(json.dumps(answer))
"""


def write_years(authority, first, start, folder):
    """Each collection year's header.csv and episodes.csv, from the year of `first` to the
    year of `start`, as known on `start`, in `folder/<year>/`. Answers the rows written."""
    from hearth.ssda903.models import Episode
    from hearth.ssda903.tables import EPISODES, HEADER, day

    rows = list(
        Episode.objects.filter(authority=authority, decom__lt=start)
        .exclude(dec__lt=date(first.year - 1, 4, 1))
        .exclude(ls__in=("V3", "V4"))
        .values_list(
            "child__reference",
            "decom",
            "rne",
            "ls",
            "cin",
            "place",
            "place_provider",
            "dec",
            "rec",
            "reason_place_change",
            "home_post",
            "pl_post",
            "urn",
            "child__sex",
            "child__date_of_birth",
            "child__ethnicity",
        )  # fmt: skip
    )
    written = 0
    year = first.year if first.month >= 4 else first.year - 1
    last_year = start.year if start.month >= 4 else start.year - 1
    while year <= last_year:
        opens, closes = date(year, 4, 1), date(year + 1, 3, 31)
        target = folder / str(year + 1)
        target.mkdir(parents=True)
        children = {}
        with open(target / "episodes.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(EPISODES.header)
            for row in rows:
                decom, dec = row[1], row[7]
                if dec is not None and dec >= start:  # not known on the start
                    dec, rec, reason = None, "", ""
                else:
                    rec, reason = row[8], row[9]
                if decom > closes or (dec is not None and dec < opens):
                    continue
                writer.writerow(
                    [row[0], day(decom), row[2], row[3], row[4], row[5], row[6], day(dec), rec,
                     reason, row[10], row[11], row[12]]
                )  # fmt: skip
                children[row[0]] = (row[13], row[14], row[15])
                written += 1
        with open(target / "header.csv", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER.header)
            for reference, (sex, born, ethnicity) in sorted(children.items()):
                writer.writerow([reference, sex, day(born), ethnicity, "", "", ""])
        year += 1
    return written


def demand_model(folder, first, start, wanted):
    """{iso day: {category: predicted}} from cs-demand-model, or a string saying why not."""
    if not DEMAND_PYTHON.exists():
        return "cs-demand-model is not installed (make demand-model)"
    completed = subprocess.run(  # noqa: S603 (our own script and paths)
        [str(DEMAND_PYTHON), "-c", DEMAND_SCRIPT, str(folder), first.isoformat(),
         start.isoformat(), *(day.isoformat() for day in wanted)],
        capture_output=True, text=True, timeout=3600, check=False,
    )  # fmt: skip
    if completed.returncode:
        return "cs-demand-model failed: " + completed.stderr.strip().splitlines()[-1]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def compare(authority, start, label):
    """Lines of the side-by-side table for one council."""
    import time

    from hearth.ssda903 import forecast

    first = forecast.add_months(start, -REFERENCE_MONTHS)
    started = time.perf_counter()
    hearth = forecast.backtest(authority, start, MONTHS, reference_months=REFERENCE_MONTHS)
    hearth_seconds = time.perf_counter() - started
    folder = Path(tempfile.mkdtemp(prefix="hearth-bench-demand-"))
    started = time.perf_counter()
    episodes = write_years(authority, first, start, folder)
    written_seconds = time.perf_counter() - started
    wanted = [forecast.add_months(start, month) for month in hearth.checked]
    started = time.perf_counter()
    theirs = demand_model(folder, first, start, wanted)
    theirs_seconds = time.perf_counter() - started
    lines = [
        f"{label}: from {start:%d %B %Y}, reference {first:%d %B %Y} to the start; Hearth "
        f"{hearth_seconds:.1f} s; cs-demand-model {theirs_seconds:.1f} s (+ {written_seconds:.1f} "
        f"s writing {episodes:,} episode rows)"
    ]
    if isinstance(theirs, str):
        lines.append(f"  {theirs}")
        theirs = {}
    lines.append(
        f"  {'months':>6} {'category':<12} {'actual':>8} {'Hearth':>8} {'error':>8} "
        f"{'cs-demand':>10} {'error':>8}"
    )
    actual_by_category = hearth.actual.sum(axis=1)
    predicted = hearth.forecast.counts.sum(axis=1)
    for month, day in zip(hearth.checked, wanted, strict=True):
        model = theirs.get(day.isoformat(), {})
        for index, name in enumerate([*forecast.CATEGORIES, "total"]):
            if name == "total":
                actual, ours = actual_by_category[month].sum(), predicted[month].sum()
                other = sum(model.get(n, 0.0) for n in forecast.CATEGORIES) if model else None
            else:
                actual, ours = actual_by_category[month, index], predicted[month, index]
                other = model.get(name)
            lines.append(
                f"  {month:>6} {name:<12} {actual:>8,.0f} {ours:>8,.0f} "
                f"{_percent(ours, actual):>8} "
                f"{'' if other is None else f'{other:,.0f}':>10} "
                f"{'' if other is None else _percent(other, actual):>8}"
            )
    return lines


def _percent(predicted, actual):
    return f"{100 * (predicted - actual) / actual:+.1f}%" if actual else ""


def run():
    from bench import ssda903

    ssda903.pages._prepare()
    from django.utils import timezone

    from hearth.core.models import Organisation
    from hearth.ssda903 import forecast

    today = timezone.localdate()
    start = forecast.add_months(date(today.year, today.month, 1), -MONTHS)
    lines = []
    council, _history = ssda903.national()
    lines += compare(council, start, "National-scale synthetic history")
    wigan = Organisation.objects.get(ons_code="E08000010")
    lines += compare(wigan, start, "Demo council (Wigan)")
    return lines
