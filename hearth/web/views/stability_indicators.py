"""The DfE's placement stability indicators of a council (`hearth.ssda903.indicators`): both
measures with their numerators and denominators for a chosen year, the children counted in each
(linked to their records), the rule in words with the council's settings, and the children as CSV
or XLSX.

For the council's figure readers (`hearth.ssda903.permissions.FIGURE_READERS`). The figures are
always the council's, and so are the lists of children: anyone who reads the figures may read
every child's record of the council, and a figure a manager cannot check child by child would be
no use to them. The lists shown and downloaded are audited. Someone who reads the council's
children but not its figures is told why (403, audited); someone reading the figures of several
councils chooses one (?council=ONS code); a council they may not read is 404, audited
(`_report_common`).
"""

from django import forms
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.accounts.roles import Capability
from hearth.ssda903 import permissions
from hearth.ssda903.indicators import (
    SAME_CARERS_SWITCH,
    TEMPORARY_SWITCH,
    StabilityIndicators,
    indicators,
    long_date,
    years_with_episodes,
)
from hearth.ssda903.tables import last_ended_year
from hearth.web.decorators import requires
from hearth.web.downloads import csv_download, xlsx_download
from hearth.web.editing import audit_list_shown
from hearth.web.forms import GovukForm
from hearth.web.views._report_common import choose_council, refused

CHOOSE_A_YEAR = {"required": "Choose a year", "invalid_choice": "Choose a year from the list"}


class YearForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Year (1 April to 31 March)", coerce=int, error_messages=CHOOSE_A_YEAR
    )

    def __init__(self, data, *, years, default):
        super().__init__(data, initial={"year": default})
        self.fields["year"].choices = [(year, f"{year} to {year + 1}") for year in years]


PAGE = "the placement stability indicators"


def _refused(request, authority):
    reason = (
        f"The placement stability indicators are for {permissions.FIGURE_READER_WORDS} of "
        f"{authority.name}"
    )
    return refused(request, authority, page=PAGE, reason=reason, what=f"see {PAGE}")


def _default_year(years):
    """The last year that has ended (the latest figures the DfE will publish), if it has
    episodes; else the latest year."""
    wanted = last_ended_year(timezone.localdate())
    return wanted if wanted in years else years[0]


def _percentage(measure):
    return "No children to measure" if measure.percentage is None else f"{measure.percentage}%"


def _child_rows(measure):
    return [
        {
            "url": reverse("child", args=[child.child_id]),
            "reference": child.reference,
            "name": child.name,
            "age": child.age,
            "care_started": long_date(child.care_started),
            "counted": child.counted,
            "why": child.why,
            "placements": [placement.describe() for placement in child.placements],
        }
        for child in measure.children
    ]


def _measures(result):
    shown = []
    for measure in result.measures:
        rows = _child_rows(measure)
        shown.append(
            {
                "name": measure.name,
                "label": measure.label,
                "numerator": measure.numerator,
                "denominator": measure.denominator,
                "numerator_label": measure.numerator_label,
                "denominator_label": measure.denominator_label,
                "percentage": _percentage(measure),
                "counted": [row for row in rows if row["counted"]],
                "children": rows,
            }
        )
    return shown


def _children_shown(result):
    return len({child.child_id for measure in result.measures for child in measure.children})


def _download(request, result, kind):
    name = f"stability-indicators-{result.authority.ons_code}-{result.year}"
    audit_list_shown(
        request, "child", _children_shown(result),
        f"stability indicators of {result.authority.ons_code} {result.period}, {kind} download",
        organisation=result.authority,
    )  # fmt: skip
    header = StabilityIndicators.CHILDREN_HEADER
    if kind == "csv":
        rows = [row for measure in result.measures for row in result.children_rows(measure)]
        return csv_download(f"{name}.csv", header, rows)
    sheets = [("Figures", result.csv_header(), result.csv_rows())]
    sheets += [
        (measure.label[:31], header, result.children_rows(measure)) for measure in result.measures
    ]
    return xlsx_download(f"{name}.xlsx", sheets)


@requires(Capability.VIEW_CHILDREN)
@require_GET
def stability_indicators(request):
    authority, readable, refusal = choose_council(
        request, permissions.may_read_figures, page=PAGE,
        refuse=lambda council: _refused(request, council),
    )  # fmt: skip
    if refusal is not None:
        return refusal
    years = years_with_episodes(authority)
    form = YearForm(
        request.GET if "year" in request.GET else None,
        years=years,
        default=_default_year(years),
    )
    context = {
        "authority": authority,
        "form": form,
        "councils": readable,
        "result": None,
    }
    if form.is_bound and not form.is_valid():
        return render(request, "ssda903/indicators/page.html", context, status=400)
    year = form.cleaned_data["year"] if form.is_bound else form.initial["year"]
    result = indicators(authority, year)
    download = request.GET.get("format")
    if download in ("csv", "xlsx"):
        return _download(request, result, download)
    audit_list_shown(
        request, "child", _children_shown(result),
        f"stability indicators of {authority.ons_code} {result.period}",
        organisation=authority,
    )  # fmt: skip
    query = f"council={authority.ons_code}&year={year}"
    context.update(
        {
            "result": result,
            "measures": _measures(result),
            "as_of": long_date(result.as_of),
            "rule": result.rule.sentences(),
            "switches": [
                {"name": TEMPORARY_SWITCH, "on": result.rule.counts_temporary_moves},
                {"name": SAME_CARERS_SWITCH, "on": result.rule.counts_same_carers_changes},
            ],
            "csv_query": query + "&format=csv",
            "xlsx_query": query + "&format=xlsx",
        }
    )
    return render(request, "ssda903/indicators/page.html", context)


urlpatterns = [
    path("reports/stability-indicators/", stability_indicators, name="stability_indicators"),
]
