"""Ofsted's annual fostering data (`hearth.fostering.ofsted`) on screen for a year 1 April to 31
March (?year=YYYY, the year it starts): each count, mainstream and family and friends, a link to the
households it counts (`?measure=...&sector=mainstream|kinship|all`); CSV and XLSX of the figures and
of any list of households.

For those who read the fostering service (`hearth.fostering.permissions.may_read`) and the
council's figure readers (`hearth.ssda903.permissions.FIGURE_READERS`); anyone else, and anyone of
another council, gets 404, the attempt audited (`_report_common`). Someone reading for several
councils chooses one (?council=ONS code); a council they may not read is the same audited 404,
never another council's figures in its place.
"""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.fostering import ofsted
from hearth.fostering import permissions as fostering_permissions
from hearth.ssda903 import permissions
from hearth.ssda903.tables import last_ended_year, year_of
from hearth.web.decorators import signed_in
from hearth.web.downloads import csv_download, xlsx_download
from hearth.web.editing import audit_list_shown
from hearth.web.forms import GovukForm
from hearth.web.views._report_common import choose_council

PAGE = "Ofsted's annual fostering data"
YEARS_OFFERED = 10
SECTOR_WORDS = {**dict(ofsted.SECTORS), ofsted.ALL: "All households"}
HOUSEHOLD_HEADER = ["Household reference", "Household", "What is counted"]


def may_read(user, authority_id):
    return fostering_permissions.may_read(user, authority_id) or permissions.may_read_figures(
        user, authority_id
    )


class YearForm(GovukForm):
    year = forms.TypedChoiceField(
        label="Year",
        coerce=int,
        error_messages={"invalid_choice": "Choose a year from the list"},
    )

    def __init__(self, data, *, today):
        current = year_of(today)
        super().__init__(data, initial={"year": last_ended_year(today)})
        self.fields["year"].choices = [
            (year, f"1 April {year} to 31 March {year + 1}")
            for year in range(current, current - YEARS_OFFERED, -1)
        ]

    def chosen_year(self):
        if self.is_bound and self.is_valid():
            return self.cleaned_data["year"]
        return self.initial["year"]


def _rows(result, query):
    return [
        {
            "label": line.label,
            "cells": [
                {"value": value, "link": f"?{query}&measure={line.name}&sector={sector}"}
                for value, sector in (
                    (line.mainstream, "mainstream"),
                    (line.kinship, "kinship"),
                    (line.total, ofsted.ALL),
                )
            ],  # fmt: skip
        }
        for line in result.lines
    ]


@signed_in
@require_GET
def ofsted_fostering(request):
    authority, councils, _refusal = choose_council(request, may_read, page=PAGE)
    form = YearForm(request.GET if "year" in request.GET else None, today=timezone.localdate())
    context = {
        "authority": authority,
        "form": form,
        "result": None,
        "councils": councils,
    }
    if form.is_bound and not form.is_valid():
        return render(request, "reports/ofsted/report.html", context, status=400)
    result = ofsted.ofsted_fostering(authority, form.chosen_year())
    query = f"council={authority.ons_code}&year={result.year}"
    name = f"ofsted-fostering-{authority.ons_code}-{result.period}"
    if request.GET.get("measure"):
        return _households(request, result, query, name, context)
    if request.GET.get("format") == "csv":
        return csv_download(f"{name}.csv", result.csv_header(), result.csv_rows())
    if request.GET.get("format") == "xlsx":
        sheet = ("Ofsted fostering data", result.csv_header(), result.csv_rows())
        return xlsx_download(f"{name}.xlsx", [sheet])
    context |= {"result": result, "rows": _rows(result, query), "query": query}
    return render(request, "reports/ofsted/report.html", context)


def _households(request, result, query, name, context):
    measure, sector = request.GET["measure"], request.GET.get("sector", ofsted.ALL)
    try:
        households = result.households(measure, sector)
    except KeyError:
        raise Http404("No such figure") from None
    audit_list_shown(
        request, "household", len(households),
        f"Ofsted fostering data of {result.authority.ons_code} {result.period}: {measure} {sector}",
        organisation=result.authority,
    )  # fmt: skip
    rows = [[reference, household, detail] for _, reference, household, detail in households]
    filename = f"{name}-{measure}-{sector}"
    if request.GET.get("format") == "csv":
        return csv_download(f"{filename}.csv", HOUSEHOLD_HEADER, rows)
    if request.GET.get("format") == "xlsx":
        return xlsx_download(f"{filename}.xlsx", [("Households", HOUSEHOLD_HEADER, rows)])
    context |= {
        "result": result,
        "line": result.line(measure),
        "sector": SECTOR_WORDS[sector],
        "households": [
            {
                "url": reverse("household", args=[pk]),
                "reference": reference,
                "name": household,
                "detail": detail,
            }
            for pk, reference, household, detail in households
        ],  # fmt: skip
        "back": f"?{query}",
        "download_query": f"{query}&measure={measure}&sector={sector}",
    }
    return render(request, "reports/ofsted/households.html", context)


urlpatterns = [path("reports/ofsted-fostering/", ofsted_fostering, name="ofsted_fostering")]
