"""Sufficiency (`hearth.placements.sufficiency`) on screen: the foster homes needed against the
places there will be, month by month ahead, with the gap (and a line chart of the places and the
homes needed, every value and the gap in its description); the same by age band, type of care and
sibling group size; the forecast's other entries into care and its back-test (how far to trust
the forecast entries). Every figure is a link to the children, households or forecast rows it
counts (`?figure=...&month=YYYY-MM&band=...&type=...&size=...`); downloads (CSV and XLSX) of the
figures and of every list.

For the council's figure readers (`hearth.ssda903.permissions.FIGURE_READERS`: managers, IROs and
placements officers). Anyone else, and anyone of another council, gets 404, the attempt audited
(`_report_common`). Someone reading for several councils chooses the council (?council=ONS code).
"""

from datetime import date

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.core.deadlines import add_months
from hearth.placements import sufficiency as figures
from hearth.ssda903 import permissions
from hearth.web import charts
from hearth.web.decorators import signed_in
from hearth.web.downloads import csv_download, xlsx_download
from hearth.web.editing import audit_list_shown
from hearth.web.forms import GovukForm
from hearth.web.presenters import long_date
from hearth.web.views._report_common import choose_council

PAGE = "the sufficiency report"
MONTHS_OFFERED = 36  # three years ahead to choose from, from this month
MONTHS_SHOWN = 12
CHOOSE_A_MONTH = {"required": "Choose a month", "invalid_choice": "Choose a month from the list"}


def may_read(user, authority_id):
    return permissions.may_read_figures(user, authority_id)


class AheadForm(GovukForm):
    """The months ahead the report covers, each chosen from this month onwards."""

    first = forms.ChoiceField(label="From", error_messages=CHOOSE_A_MONTH)
    last = forms.ChoiceField(label="To", error_messages=CHOOSE_A_MONTH)

    def __init__(self, data, *, today):
        first = today.replace(day=1)
        last = add_months(first, MONTHS_SHOWN - 1)
        super().__init__(data, initial={"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"})
        months = [add_months(first, number) for number in range(MONTHS_OFFERED)]
        choices = [(f"{month:%Y-%m}", f"{month:%B %Y}") for month in months]
        self.fields["first"].choices = choices
        self.fields["last"].choices = choices
        self.default = (first, last)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("first"), cleaned.get("last")
        if first and last and first > last:
            self.add_error("first", "The first month must be the same as or before the last month")
        return cleaned

    def period(self):
        """(first, last) as the first days of their months: as chosen, else the next 12."""
        if not self.is_bound or not self.is_valid():
            return self.default
        return tuple(
            date(int(value[:4]), int(value[5:7]), 1)
            for value in (self.cleaned_data["first"], self.cleaned_data["last"])
        )


def _row(label, values, total, link, result):
    """A table's row: each month's figure a link to its list, named in words for a screen reader
    ("2: Homes needed, January 2027"), and the total."""
    return {
        "label": label,
        "cells": [
            {"value": figures.shown(value), "link": f"{link}&month={name}", "month": f"{day:%B %Y}"}
            for value, name, day in zip(values, result.month_names, result.months, strict=True)
        ],
        "total": "" if total is None else figures.shown(total),
        "total_link": link if total is not None else "",
        "total_words": f"{result.months[0]:%B %Y} to {result.months[-1]:%B %Y}",
    }


def _summary(result, query):
    """The three tables of the totals: homes needed, places available, the gap."""
    sections = (
        ("Homes needed", [*figures.DEMAND, "demand"]),
        ("Places available", [*figures.SUPPLY, "supply"]),
        ("The gap", ["gap", "running_gap"]),
    )
    tables = []
    for caption, section in sections:
        rows = []
        for name in section:
            link = f"?{query}&figure={name}"
            rows.append(_row(figures.LABELS[name], result.values[name], result.total(name), link,
                             result))  # fmt: skip
        tables.append({"caption": caption, "rows": rows})
    return tables


def _chart(result):
    """A line chart of the places available and the homes needed each month (a picture of the
    tables below it: they stay the figures, with their links), the gap in its description."""
    labels = [f"{month:%b %Y}" for month in result.months]
    supply = [figures.shown(value) for value in result.values["supply"]]
    demand = [figures.shown(value) for value in result.values["demand"]]
    chart = charts.line_chart(
        "sufficiency", "Places available and homes needed, month by month", labels,
        [("Places available", supply), ("Homes needed", demand)],
        caption="The gap is the distance between the lines: places above homes needed is a "
        "surplus, below it a shortfall. The figures, each a link to what it counts, are in the "
        "tables below.",
    )  # fmt: skip
    gaps = ", ".join(
        f"{label} {charts.shown(figures.shown(value))}"
        for label, value in zip(labels, result.values["gap"], strict=True)
    )
    chart["description"] += f" Gap, places less homes needed: {gaps}."
    return chart


def _breakdowns(result, query):
    tables = []
    for by, words, groups in result.breakdowns():
        rows = []
        for key, label, cells in groups:
            for part in ("demand", "supply", "gap"):
                link = f"?{query}&figure={part}&{by}={key}"
                values = cells[part]
                rows.append(_row(f"{label}: {result.row_words(by, part)}", values, sum(values),
                                 link, result))  # fmt: skip
        tables.append({"by": by, "words": words, "rows": rows})
    return tables


def _backtest(result):
    """(words of the back-test's start, header, rows) of the forecast made a year ago."""
    tested = figures.trust(result.authority, today=result.today)
    header, rows = tested.text_table()
    return long_date(tested.forecast.start), header, rows


def _figure_sheets(result):
    header, rows = result.csv_header(), result.csv_rows()
    by_column = header.index("by")
    sheets = [("Figures", header, [row for row in rows if not row[by_column]])]
    for _by, words, _groups in result.breakdowns():
        sheets.append((f"By {words}", header, [row for row in rows if row[by_column] == words]))
    return sheets


@signed_in
@require_GET
def sufficiency(request):
    authority, councils, _refusal = choose_council(request, may_read, page=PAGE)
    today = timezone.localdate()
    bound = "first" in request.GET or "last" in request.GET
    form = AheadForm(request.GET if bound else None, today=today)
    context = {"authority": authority, "councils": councils, "form": form, "result": None}
    if bound and not form.is_valid():
        return render(request, "reports/sufficiency/report.html", context, status=400)
    first, last = form.period()
    result = figures.sufficiency(authority, first, last, today=today)
    name = f"sufficiency-{authority.ons_code}-{first:%Y-%m}-to-{last:%Y-%m}"
    query = f"council={authority.ons_code}&first={first:%Y-%m}&last={last:%Y-%m}"
    if request.GET.get("figure"):
        return _drill_down(request, result, query, name, context)
    download = request.GET.get("format")
    if download == "csv":
        return csv_download(f"{name}.csv", result.csv_header(), result.csv_rows())
    started, header, rows = _backtest(result)
    if download == "xlsx":
        sheets = [*_figure_sheets(result), ("Forecast back-test", header, rows)]
        return xlsx_download(f"{name}.xlsx", sheets)
    context |= {
        "result": result,
        "first": first,
        "last": last,
        "today": long_date(today),
        "chart": _chart(result),
        "summary": _summary(result, query),
        "breakdowns": _breakdowns(result, query),
        "other_entries": [
            {"label": label, "values": [figures.shown(value) for value in values]}
            for label, values in result.other_entries()
        ],
        "backtest": {"started": started, "header": header, "rows": rows},
        "overdue": _overdue(result, query),
        "query": query,
    }
    return render(request, "reports/sufficiency/report.html", context)


def _overdue(result, query):
    """The approvals left out, their decision overdue: how many and the link to their list."""
    if not result.overdue:
        return None
    count = len(result.overdue)
    return {
        "words": f"{count} household{'' if count == 1 else 's'} in assessment",
        "link": f"?{query}&figure=decision_overdue",
    }


# The records behind a figure ------------------------------------------------------------------


def _narrowing(result, request):
    """(band, type, size) asked for, each "" when not; 404 for one the result does not have."""
    band = request.GET.get("band", "")
    care_type = request.GET.get("type", "")
    size = request.GET.get("size", "")
    if band and band not in figures.BAND_KEYS:
        raise Http404("No such age band")
    if care_type and care_type not in result.by["type"]:
        raise Http404("No such type of care")
    if size and size not in figures.SIZE_KEYS.values():
        raise Http404("No such group size")
    return band, care_type, size


def _narrowing_words(band, care_type, size):
    words = []
    if band:
        words.append(f"aged {figures.BANDS[figures.BAND_KEYS.index(band)]}")
    if care_type:
        words.append(f"type of care: {figures.type_label(care_type).lower()}")
    if size:
        number = next(s for s, key in figures.SIZE_KEYS.items() if key == size)
        words.append(f"groups: {figures.SIZE_LABELS[number].lower()}")
    return ", ".join(words)


def _month_words(result, month, figure):
    if not month:
        return f"{result.months[0]:%B %Y} to {result.months[-1]:%B %Y}"
    day = result.months[result.month_names.index(month)]
    if figure == "running_gap":
        return f"{result.months[0]:%B %Y} to {day:%B %Y}"
    return f"{day:%B %Y}"


def _child_rows(needs, months):
    return [
        {
            "month": f"{months[need.month]:%B %Y}",
            "figure": figures.LABELS[need.figure],
            "child": need.name,
            "reference": need.reference,
            "child_url": reverse("child", args=[need.child_pk]),
            "referral": need.referral_pk,
            "referral_url": _url("referral", need.referral_pk),
            "band": figures.BANDS[need.band],
            "care_type": figures.type_label(need.care_type),
            "size": need.size,
            "lives_with": need.household_name or need.provider_name,
            "lives_with_url": _where_url(need.household_pk, need.provider_pk),
            "detail": need.detail,
        }
        for need in needs
        if need.is_child
    ]


def _forecast_rows(needs, months):
    return [
        {
            "month": f"{months[need.month]:%B %Y}",
            "band": figures.BANDS[need.band],
            "expected": figures.shown(need.weight),
            "detail": need.detail,
        }
        for need in needs
        if not need.is_child
    ]


def _household_rows(listed, months):
    """The places listed (`figures.as_listed`): the council's households one by one, an agency's
    as its tallies (no household's name, ages or terms)."""
    rows = []
    for place in listed:
        row = {
            "month": f"{months[place.month]:%B %Y}",
            "figure": figures.LABELS[place.figure],
            "provider": place.provider_name,
            "provider_url": "" if place.in_house else reverse("provider", args=[place.provider_pk]),
            "places": place.places,
            "detail": place.detail,
        }
        if isinstance(place, figures.AgencyPlaces):
            words = f"{place.households} household{'' if place.households == 1 else 's'}"
            row |= {"household": words, "household_url": "", "ages": "", "care_types": "",
                    "together": ""}  # fmt: skip
        else:
            row |= {
                "household": place.household_name,
                "household_url": reverse("household", args=[place.household_pk]),
                "ages": f"{place.min_age} to {place.max_age}",
                "care_types": ", ".join(figures.type_label(kind) for kind in place.care_types),
                "together": place.capacity,
            }
        rows.append(row)
    return rows


def _children_caption(needs, size):
    """The children's caption: "3 children counted"; by sibling group size, "1 group (2
    children) counted"."""
    children = [need for need in needs if need.is_child]
    words = f"{len(children)} child{'' if len(children) == 1 else 'ren'}"
    if not size:
        return f"{words} counted"
    groups = figures.groups_in(children)
    return f"{groups} group{'' if groups == 1 else 's'} ({words}) counted"


def _places_caption(listed, size):
    """The places' caption: "3 places in 2 households"; by sibling group size, "1 household
    could take two together (2 places)": what the figure counts first."""
    places = sum(place.places for place in listed)
    households = figures.households_in(listed)
    places_words = f"{places} place{'' if places == 1 else 's'}"
    households_words = f"{households} household{'' if households == 1 else 's'}"
    if not size:
        return f"{places_words} in {households_words}"
    number = next(s for s, key in figures.SIZE_KEYS.items() if key == size)
    return f"{households_words} could take {figures.SIZE_LABELS[number].lower()} ({places_words})"


def _url(name, pk):
    return reverse(name, args=[pk]) if pk else ""


def _where_url(household_pk, provider_pk):
    if household_pk:
        return reverse("household", args=[household_pk])
    if provider_pk:
        return reverse("provider", args=[provider_pk])
    return ""


def _drill_down(request, result, query, name, context):
    figure = request.GET["figure"]
    month = request.GET.get("month", "")
    known = figure in figures.FIGURES or figure in figures.ASIDE
    if not known or (month and month not in result.month_names):
        raise Http404("No such figure")
    band, care_type, size = _narrowing(result, request)
    needs, places = result.counted(figure, month, band=band, care_type=care_type, size=size)
    code = result.authority.ons_code
    where = f"sufficiency of {code}: {figure} {month or 'all months'}"
    audit_list_shown(request, "child", len(figures.children_of(needs)), where,
                     organisation=result.authority)  # fmt: skip
    audit_list_shown(request, "household", len(figures.households_named(places, needs)), where,
                     organisation=result.authority)  # fmt: skip
    extra = "".join(
        f"&{key}={value}" for key, value in (("band", band), ("type", care_type), ("size", size))
        if value
    )  # fmt: skip
    filename = f"{name}-{figure}{'-' + month if month else ''}"
    rows = figures.list_rows(needs, places, result.months, by_group=bool(size))
    if request.GET.get("format") == "csv":
        return csv_download(f"{filename}.csv", figures.LIST_HEADER, rows)
    if request.GET.get("format") == "xlsx":
        return xlsx_download(f"{filename}.xlsx", [("Records", figures.LIST_HEADER, rows)])
    children = _child_rows(needs, result.months)
    listed = figures.as_listed(places)
    demand_side = figure not in figures.SUPPLY and figure not in figures.ASIDE
    context |= {
        "result": result,
        "figure": figure,
        "label": figures.LABELS[figure],
        "when": _month_words(result, month, figure),
        "narrowing": _narrowing_words(band, care_type, size),
        "children": children,
        "expected": _forecast_rows(needs, result.months),
        "expected_total": figures.shown(sum(n.weight for n in needs if not n.is_child)),
        "children_caption": _children_caption(needs, size),
        "households": _household_rows(listed, result.months),
        "places_caption": _places_caption(listed, size),
        "shows_needs": demand_side and figure != "supply",
        "shows_places": figure not in figures.DEMAND and figure != "demand",
        "back": f"?{query}",
        "download_query": f"{query}&figure={figure}&month={month}{extra}",
    }
    return render(request, "reports/sufficiency/counted.html", context)


urlpatterns = [path("reports/sufficiency/", sufficiency, name="sufficiency")]
