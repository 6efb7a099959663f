"""Timeliness and spend (`hearth.placements.timeliness`) on screen: the figures month by month, each
a link to the records it counts (`?measure=...&month=YYYY-MM`: the children, referrals and
households behind it), the reasons offers were declined, and downloads (CSV and XLSX) of the
figures and of any list of records.

For the council's figure readers (`hearth.ssda903.permissions.FIGURE_READERS`); the weekly spend
part is for those who read the spend report (`hearth.placements.permissions.may_see_spend`:
finance officers, placements officers and the cost approvers). A finance officer sees the spend
only; a team manager everything but the spend. Anyone else, and anyone of another council, gets
404, the attempt audited (`_report_common`). Someone reading for several councils chooses the
council (?council=ONS code); a council they may not read is the same audited 404, never another
council's figures in its place.
"""

from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.placements import permissions as placement_permissions
from hearth.placements import timeliness
from hearth.ssda903 import permissions
from hearth.web.decorators import signed_in
from hearth.web.downloads import csv_download, xlsx_download
from hearth.web.editing import audit_list_shown
from hearth.web.presenters import long_date
from hearth.web.views._report_common import choose_council
from hearth.web.views.stability_report import PeriodForm

PAGE = "the timeliness and spend report"
UNITS = {"days": " days", "percent": "%", "money": ""}


def parts_for(user, authority_id):
    """The groups of figures `user` reads in the council (empty: none)."""
    parts = set()
    if permissions.may_read_figures(user, authority_id):
        parts |= timeliness.FIGURE_PARTS
    if placement_permissions.may_see_spend(user, authority_id):
        parts |= timeliness.SPEND_PARTS
    return frozenset(parts)


def _may_read(user, authority_id):
    return bool(parts_for(user, authority_id))


def _shown(measure, value):
    if value is None:
        return ""
    if measure.unit == "money":
        return f"£{value:,.2f}"
    return f"{value}{UNITS.get(measure.unit, '')}"


def _rows(result, query):
    groups = []
    for group, measures in result.groups():
        rows = []
        for measure in measures:
            cells = [
                {"value": _shown(measure, value), "link": f"?{query}&measure={measure.name}&month={month}"}
                for value, month in zip(measure.values, result.month_names, strict=True)
            ]  # fmt: skip
            total = _shown(measure, measure.total)
            rows.append(
                {
                    "label": measure.label,
                    "cells": cells,
                    "total": total,
                    "total_link": f"?{query}&measure={measure.name}" if total != "" else "",
                }
            )
        groups.append({"group": group, "rows": rows})
    return groups


def _counted_rows(counted):
    return [
        {
            "on": long_date(row.on) if row.on else "",
            "child": row.child_name,
            "reference": row.child_reference,
            "child_url": reverse("child", args=[row.child_pk]) if row.child_pk else "",
            "referral": row.referral_pk,
            "referral_url": reverse("referral", args=[row.referral_pk]) if row.referral_pk else "",
            "household": row.household_name,
            "household_url": reverse("household", args=[row.household_pk])
            if row.household_pk
            else "",
            "detail": row.detail,
        }
        for row in counted
    ]


def _figure_sheet(result):
    return ("Figures", result.csv_header(), result.csv_rows())


@signed_in
@require_GET
def timeliness_report(request):
    authority, councils, _refusal = choose_council(request, _may_read, page=PAGE)
    parts = parts_for(request.user, authority.pk)
    bound = "first" in request.GET or "last" in request.GET
    form = PeriodForm(request.GET if bound else None, today=timezone.localdate())
    context = {
        "authority": authority,
        "form": form,
        "result": None,
        "councils": councils,
    }
    if bound and not form.is_valid():
        return render(request, "reports/timeliness/report.html", context, status=400)
    first, last = form.period()
    result = timeliness.timeliness(authority, first, last, parts=parts)
    name = f"timeliness-{authority.ons_code}-{first:%Y-%m}-to-{last:%Y-%m}"
    query = f"council={authority.ons_code}&first={first:%Y-%m}&last={last:%Y-%m}"
    measure_name = request.GET.get("measure", "")
    if measure_name:
        return _drill_down(request, result, measure_name, query, name, context)
    download = request.GET.get("format")
    if download == "csv":
        return csv_download(f"{name}.csv", result.csv_header(), result.csv_rows())
    if download == "xlsx":
        reasons = ("Reasons offers were declined", ["Reason", "Offers"], result.declined_reasons)
        return xlsx_download(f"{name}.xlsx", [_figure_sheet(result), reasons])
    context |= {
        "result": result,
        "first": first,
        "last": last,
        "groups": _rows(result, query),
        "reasons": result.declined_reasons,
        "shows_reasons": timeliness.OFFERS in parts,
        "query": query,
    }
    return render(request, "reports/timeliness/report.html", context)


def _drill_down(request, result, measure_name, query, name, context):
    measure = result.measure_or_none(measure_name)
    month = request.GET.get("month", "")
    if measure is None or (month and month not in result.month_names):
        raise Http404("No such figure")
    counted = result.counted(measure_name, month)
    children = timeliness.children_of(counted)
    audit_list_shown(
        request, "child", len(children),
        f"timeliness of {result.authority.ons_code}: {measure_name} {month or 'all months'}",
        organisation=result.authority,
    )  # fmt: skip
    filename = f"{name}-{measure_name}{'-' + month if month else ''}"
    rows = [row.row() for row in counted]
    if request.GET.get("format") == "csv":
        return csv_download(f"{filename}.csv", timeliness.Counted.HEADER, rows)
    if request.GET.get("format") == "xlsx":
        return xlsx_download(f"{filename}.xlsx", [("Records", timeliness.Counted.HEADER, rows)])
    if not month and measure.total is None:
        month = result.month_names[-1]
    when = "all the months" if not month else timeliness_month(month)
    context |= {
        "measure": measure,
        "month": month,
        "when": when,
        "counted": _counted_rows(counted),
        "back": f"?{query}",
        "download_query": f"{query}&measure={measure_name}&month={month}",
    }
    return render(request, "reports/timeliness/counted.html", context)


def timeliness_month(month_name):
    return f"{date(int(month_name[:4]), int(month_name[5:]), 1):%B %Y}"


urlpatterns = [path("reports/timeliness/", timeliness_report, name="timeliness")]
