"""A forecast of the children a council will look after, by placement category and age band,
from its SSDA903 episodes, and the back-test that says how far to trust it.

The model is a monthly Markov chain, as the DfE-funded demand model (`cs-demand-model`) is a
daily one:

* the state of a child on the first day of a month is (age band, placement category), or "not
  looked after"; the age bands are the demand model's (under 1, 1 to 4, 5 to 9, 10 to 15, 16 and
  over) and so are the categories: fostering (PLACE U1 to U6), residential (K2, R1), supported
  (H5, P2) and other (everything else: placed with parents, for adoption, secure homes, ...); K3, the supported
  accommodation code of 2025-26 onwards (which replaced H5 and P2), is supported here, though
  cs-demand-model 0.5.1, older than it, counts it as other;
* over the reference window (`reference_months`, 24 by default, before `start`) every child's
  state on the first of each month and on the first of the next gives the transition counts;
  the share of each state's children in each state a month later (ageing from band to band
  included, as it happened) is the transition matrix, and the mean number of children a month
  who were not looked after and then were, by the state they came into, is the entries;
* from the children looked after on `start`, each month's counts are last month's times the
  matrix plus the entries, for `months` months.

Only episodes that began before `start` are read for the estimate, and an episode's end counts
only when it came before the snapshot, so the forecast uses only what was known on `start`; the
back-test (`backtest`) compares it with what the episodes then say happened, at 3 and 12 months.

Set-based: one query for the council's episodes overlapping the window, then numpy.
"""

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from hearth.ssda903.models import Episode

CATEGORIES = ("fostering", "residential", "supported", "other")
CATEGORY_LABELS = {
    "fostering": "Fostering",
    "residential": "Residential",
    "supported": "Supported",
    "other": "Other",
}
PLACES = {
    **{code: 0 for code in ("U1", "U2", "U3", "U4", "U5", "U6")},
    "K2": 1,
    "R1": 1,
    "H5": 2,
    "P2": 2,
    "K3": 2,  # supported accommodation from 2025-26 (H5 and P2 retired)
}
OTHER = 3
BANDS = ("under 1", "1 to 4", "5 to 9", "10 to 15", "16 and over")
BAND_STARTS = np.array([1.0, 5.0, 10.0, 16.0])  # ages (years) where the next band begins
YEAR_DAYS = 365.24
STATES = len(BANDS) * len(CATEGORIES)
OUT = STATES  # the extra state: not looked after


def add_months(day, months):
    year, month = divmod(day.month - 1 + months, 12)
    return date(day.year + year, month + 1, 1)


def _ordinals(days):
    return np.array([day.toordinal() for day in days], dtype=np.int64)


class _Episodes:
    """The council's episodes overlapping [first, last], as numpy arrays."""

    def __init__(self, authority, first, last, *, known_on=None):
        rows = list(
            Episode.objects.filter(authority=authority, decom__lte=known_on or last)
            .exclude(dec__lt=first)
            .exclude(ls__in=("V3", "V4"))
            .values_list("child_id", "decom", "dec", "place", "child__date_of_birth")
        )
        never = date.max.toordinal()
        self.child = np.array([row[0] for row in rows], dtype=np.int64)
        self.decom = np.array([row[1].toordinal() for row in rows], dtype=np.int64)
        self.dec = np.array(
            [row[2].toordinal() if row[2] else never for row in rows], dtype=np.int64
        )
        if known_on is not None:  # an end after `known_on` was not known then
            self.dec[self.dec > known_on.toordinal()] = never
        self.category = np.array([PLACES.get(row[3], OTHER) for row in rows], dtype=np.int64)
        self.born = np.array([row[4].toordinal() for row in rows], dtype=np.int64)
        self.children, self.index = np.unique(self.child, return_inverse=True)

    def states(self, day):
        """Each child's state on `day` (OUT when not looked after), indexed as `children`."""
        ordinal = day.toordinal()
        states = np.full(len(self.children), OUT, dtype=np.int64)
        inside = (self.decom <= ordinal) & (self.dec > ordinal)
        age = (ordinal - self.born[inside]) / YEAR_DAYS
        band = np.searchsorted(BAND_STARTS, age, side="right")
        states[self.index[inside]] = band * len(CATEGORIES) + self.category[inside]
        # 18 and over: no longer a child looked after for the model
        states[self.index[inside][age >= 18]] = OUT
        return states

    def counts(self, day):
        states = self.states(day)
        return np.bincount(states[states != OUT], minlength=STATES).reshape(
            len(BANDS), len(CATEGORIES)
        )


@dataclass
class Forecast:
    """Predicted children looked after on the first of each month from `start`."""

    start: date
    months: list  # the first days of the months, `start` first
    counts: np.ndarray  # [month, band, category]
    entries: np.ndarray  # [month, band, category]: expected entries during each month
    transitions: np.ndarray = field(repr=False)  # [state, state + 1] monthly probabilities
    reference: tuple = ()  # (first day, last day) of the reference window

    categories = CATEGORIES
    bands = BANDS

    def by_category(self):
        """{category: [count each month]}."""
        totals = self.counts.sum(axis=1)
        return {name: totals[:, index].tolist() for index, name in enumerate(CATEGORIES)}

    def total(self):
        return self.counts.sum(axis=(1, 2)).tolist()

    def as_json(self):
        return {
            "start": self.start.isoformat(),
            "reference": [day.isoformat() for day in self.reference],
            "months": [month.isoformat() for month in self.months],
            "categories": list(CATEGORIES),
            "bands": list(BANDS),
            "by_category": {
                name: [round(value, 1) for value in values]
                for name, values in self.by_category().items()
            },
            "total": [round(value, 1) for value in self.total()],
            "by_band_and_category": [
                {
                    "band": band,
                    "category": category,
                    "counts": [round(v, 1) for v in self.counts[:, b, c].tolist()],
                    "entries": [round(v, 2) for v in self.entries[:, b, c].tolist()],
                }
                for b, band in enumerate(BANDS)
                for c, category in enumerate(CATEGORIES)
            ],
        }

    def csv_header(self):
        return ["month", "band", "category", "predicted", "entries"]

    def csv_rows(self):
        for m, month in enumerate(self.months):
            for b, band in enumerate(BANDS):
                for c, category in enumerate(CATEGORIES):
                    entries = self.entries[m - 1, b, c] if m else 0.0
                    yield [
                        month.isoformat(),
                        band,
                        category,
                        f"{self.counts[m, b, c]:.1f}",
                        f"{entries:.2f}",
                    ]

    def text_table(self):
        header = ["Month", *(CATEGORY_LABELS[name] for name in CATEGORIES), "Total"]
        totals = self.counts.sum(axis=1)
        rows = [
            [f"{month:%B %Y}", *(f"{value:,.0f}" for value in totals[m]), f"{totals[m].sum():,.0f}"]
            for m, month in enumerate(self.months)
        ]
        return header, rows


def _estimate(episodes, first, start):
    """(transition matrix [OUT + 1, OUT + 1], mean entries a month [STATES]) over the months
    from `first` to `start`."""
    counts = np.zeros((OUT + 1, OUT + 1))
    months = 0
    day = first
    before = episodes.states(day)
    while day < start:
        after_day = add_months(day, 1)
        after = episodes.states(after_day)
        np.add.at(counts, (before, after), 1)
        before, day = after, after_day
        months += 1
    leaving = counts[:STATES].sum(axis=1, keepdims=True)
    matrix = np.divide(
        counts[:STATES], leaving, out=np.zeros_like(counts[:STATES]), where=leaving > 0
    )
    # A state nobody was in during the window: its children stay where they are.
    for state in np.flatnonzero(leaving[:, 0] == 0):
        matrix[state, state] = 1.0
    entries = counts[OUT, :STATES] / max(months, 1)
    return matrix, entries


def forecast(authority, start, months, *, reference_months=24, _episodes=None):
    """Children looked after forecast from `start` (a first of the month) for `months` months, by
    age band and category, from the transitions of the `reference_months` before it."""
    start = date(start.year, start.month, 1)
    first = add_months(start, -reference_months)
    episodes = _episodes or _Episodes(authority, first, start, known_on=start)
    matrix, entries = _estimate(episodes, first, start)
    counts = np.zeros((months + 1, len(BANDS), len(CATEGORIES)))
    counts[0] = episodes.counts(start)
    flat = counts[0].reshape(STATES)
    for month in range(1, months + 1):
        flat = flat @ matrix[:, :STATES] + entries
        counts[month] = flat.reshape(len(BANDS), len(CATEGORIES))
    per_month = np.broadcast_to(
        entries.reshape(len(BANDS), len(CATEGORIES)), (months, len(BANDS), len(CATEGORIES))
    ).copy()
    return Forecast(
        start=start,
        months=[add_months(start, month) for month in range(months + 1)],
        counts=counts,
        entries=per_month,
        transitions=matrix,
        reference=(first, start),
    )


def actual_counts(authority, start, months):
    """[month, band, category] children looked after on the first of each month, as the
    episodes say now."""
    episodes = _Episodes(authority, start, add_months(start, months))
    return np.array([episodes.counts(add_months(start, m)) for m in range(months + 1)])


@dataclass
class Backtest:
    """The forecast from `start` against what happened: errors at each checked month."""

    forecast: Forecast
    actual: np.ndarray  # [month, band, category]
    checked: tuple = (3, 12)

    def errors(self):
        """{month: {category or "total": (predicted, actual, error, percentage error)}}."""
        predicted = self.forecast.counts.sum(axis=1)
        actual = self.actual.sum(axis=1)
        answer = {}
        for month in self.checked:
            if month >= len(actual):
                continue
            row = {}
            for index, name in enumerate(CATEGORIES):
                row[name] = _error(predicted[month, index], actual[month, index])
            row["total"] = _error(predicted[month].sum(), actual[month].sum())
            answer[month] = row
        return answer

    def text_table(self):
        header = ["Months ahead", "Category", "Predicted", "Actual", "Error", "Error %"]
        rows = []
        for month, row in self.errors().items():
            for name, (predicted, actual, error, percentage) in row.items():
                rows.append(
                    [
                        str(month),
                        CATEGORY_LABELS.get(name, "Total"),
                        f"{predicted:,.0f}",
                        f"{actual:,.0f}",
                        f"{error:+,.0f}",
                        "" if percentage is None else f"{percentage:+.1f}%",
                    ]
                )
        return header, rows


def _error(predicted, actual):
    error = float(predicted) - float(actual)
    percentage = 100 * error / float(actual) if actual else None
    return float(predicted), float(actual), error, percentage


def backtest(authority, start, months=12, *, reference_months=24):
    """Forecast from `start` with only what was known then, and compare with the episodes."""
    start = date(start.year, start.month, 1)
    predicted = forecast(authority, start, months, reference_months=reference_months)
    return Backtest(
        forecast=predicted,
        actual=actual_counts(authority, start, months),
        checked=tuple(month for month in (3, 12) if month <= months),
    )
