"""Regional comparators (seed 004: Trafford shows its figures beside Stockport, Salford, Bury and
Greater Manchester): other councils' monthly fostering figures, imported from a CSV file in the same
shape as the council's own (`measure`, then one column a month named YYYY-MM), and shown side by
side with the council's own on the monthly fostering report.

Who imports and deletes: `permissions.PLANNERS` (fostering team managers and the council's
managers); anyone who reads the fostering service's figures sees them.
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.fostering import permissions
from hearth.fostering.models import ComparatorFigure, ComparatorSeries
from hearth.fostering.report import MEASURE_LABELS, MEASURE_NAMES

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
LARGEST = Decimal("99999999.99")
NAME_LENGTH = 150


def why_not_import(user, authority_id):
    return permissions.why_not(
        user, authority_id, permissions.PLANNERS, "import or delete other councils' figures"
    )


class FileRefused(Exception):
    """The file cannot be imported: `errors` lists (line, reason); nothing was written."""

    def __init__(self, errors):
        super().__init__("; ".join(f"line {line}: {reason}" for line, reason in errors))
        self.errors = errors


class NameTaken(Exception):
    """Figures under this name exist and replacing them was not confirmed."""


# Reading the file -----------------------------------------------------------------------------------


def read_figures(content):
    """{(month, measure): value} from the file's bytes; FileRefused listing every problem."""
    errors = []
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise FileRefused([(line, "The file is not UTF-8 text: save it as 'CSV UTF-8'")]) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise FileRefused([(1, "The file is empty: the first line must name the columns")])
    months = _months(rows[0], errors)
    figures, first_lines = {}, {}
    for line, row in enumerate(rows[1:], start=2):
        cells = [cell.strip() for cell in row]
        if not any(cells) or months is None:
            continue
        _read_row(line, cells, months, figures, first_lines, errors)
    if not errors and not figures:
        errors.append((1, "The file has no figures: add a row for at least one measure"))
    if errors:
        raise FileRefused(errors)
    return figures


def _months(header, errors):
    """The months the columns name after `measure`; None (with the problem noted) when wrong."""
    names = [cell.strip() for cell in header]
    while names and not names[-1]:
        names.pop()
    problems, months = [], []
    if names[0].lower() != "measure":
        problems.append("the first column must be named measure")
    for name in names[1:]:
        month = _month(name)
        if month is None:
            problems.append(f"{name or '(a column with no name)'} is not a month written YYYY-MM")
        elif month in months:
            problems.append(f"{name} is named twice")
        elif month > timezone.localdate().replace(day=1):
            problems.append(f"{name} has not happened yet")
        months.append(month)
    if not names[1:]:
        problems.append("add one column for each month, named YYYY-MM")
    if problems:
        errors.append((1, "; ".join(problems) + ". The columns are: measure, then YYYY-MM, ..."))
        return None
    return months


def _month(name):
    match = MONTH.match(name)
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return date(int(match.group(1)), int(match.group(2)), 1)


def _read_row(line, cells, months, figures, first_lines, errors):
    while len(cells) > len(months) + 1 and not cells[-1]:
        cells = cells[:-1]
    measure = cells[0]
    if measure not in MEASURE_NAMES:
        errors.append(
            (line, f"{measure!r} is not a measure: use one of {', '.join(MEASURE_NAMES)}")
        )
        return
    if measure in first_lines:
        errors.append((line, f"{measure} is already on line {first_lines[measure]}"))
        return
    first_lines[measure] = line
    if len(cells) != len(months) + 1:
        errors.append((line, f"Expected {len(months) + 1} values, found {len(cells)}"))
        return
    for month, cell in zip(months, cells[1:], strict=True):
        if not cell:
            continue  # a month with no figure
        value, problem = _value(cell)
        if problem:
            errors.append((line, f"{month:%Y-%m}: {problem}"))
        else:
            figures[(month, measure)] = value


WHOLE_NUMBER = re.compile(r"^\d{1,3}(,\d{3})*$|^\d+$")


def _value(cell):
    """A count: a whole number written in digits (thousands may be separated by commas)."""
    if not WHOLE_NUMBER.match(cell):
        return (
            None,
            f"{cell!r} is not a whole number: each figure counts enquiries, households or children",
        )
    value = Decimal(cell.replace(",", ""))
    if value > LARGEST:
        return None, f"{cell} is more than {LARGEST:,.0f}"
    return value, None


# Writing ------------------------------------------------------------------------------------------


@transaction.atomic
def comparator_import(*, by, authority, name, content, filename="", replace=False, request=None):
    """Import another council's figures under `name`: all or nothing. Replacing the figures of a
    name already imported needs `replace` (NameTaken otherwise). Returns the series."""
    name = name.strip()[:NAME_LENGTH]
    figures = read_figures(content)
    series = ComparatorSeries.objects.select_for_update().filter(authority=authority, name=name)
    series = series.first()
    if series is not None and not replace:
        raise NameTaken(name)
    action = AuditEvent.Action.UPDATE if series is not None else AuditEvent.Action.CREATE
    if series is None:
        series = ComparatorSeries(authority=authority, name=name)
    series.imported_by, series.imported_at, series.filename = by, timezone.now(), filename[:200]
    series.save()
    series.figures.all().delete()
    ComparatorFigure.objects.bulk_create(
        ComparatorFigure(series=series, month=month, measure=measure, value=value)
        for (month, measure), value in sorted(figures.items())
    )
    _audit(by, action, series, request, f"comparator figures imported: {len(figures)} figures")
    return series


@transaction.atomic
def comparator_delete(*, by, series, request=None):
    series = ComparatorSeries.objects.select_for_update().get(pk=series.pk)
    _audit(by, AuditEvent.Action.UPDATE, series, request, f"comparator {series.name} deleted")
    series.delete()


def _audit(by, action, series, request, detail):
    audit_record(
        user=by, action=action, record_type="comparator_series", record_id=series.pk,
        organisation=series.authority, request=request, detail=detail,
    )  # fmt: skip


# Reading ------------------------------------------------------------------------------------------


def series_of(authority):
    """The council's imported series with the months they cover (one query)."""
    return list(
        ComparatorSeries.objects.filter(authority=authority)
        .select_related("imported_by")
        .annotate(first_month=Min("figures__month"), last_month=Max("figures__month"))
        .annotate(months=Count("figures__month", distinct=True))
        .order_by("name")
    )


@dataclass(frozen=True)
class ComparatorRow:
    name: str
    values: tuple  # one a month; None where the series has no figure
    ours: bool = False


def side_by_side(report, measure):
    """For one measure: the council's own row first, then each imported series, over the
    report's months (two queries)."""
    if measure not in MEASURE_NAMES:
        raise ValueError(f"Unknown measure {measure!r}")
    ours = ComparatorRow(report.authority.name, report.measure(measure).values, ours=True)
    months = report.months
    figures = ComparatorFigure.objects.filter(
        series__authority=report.authority,
        measure=measure,
        month__gte=months[0],
        month__lte=months[-1],
    ).values_list("series_id", "month", "value")
    by_series = {}
    for series_id, month, value in figures:
        by_series.setdefault(series_id, {})[month] = _plain(value)
    rows = [ours]
    for series in ComparatorSeries.objects.filter(authority=report.authority).order_by("name"):
        found = by_series.get(series.pk, {})
        rows.append(ComparatorRow(series.name, tuple(found.get(month) for month in months)))
    return rows


def _plain(value):
    """12.00 -> 12, 12.50 -> 12.5: figures as people write them."""
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()


def measure_choices():
    return [(name, MEASURE_LABELS[name]) for name in MEASURE_NAMES]
