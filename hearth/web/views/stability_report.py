"""The monthly breakdown of unplanned endings (`hearth.stability.report`): the table of measures by
month, a bar chart of the endings per month drawn as SVG (no JavaScript; the table is its data),
the learning themes of the period, and the same figures as a CSV download.

For the council's managers and IROs (`report.why_not_see`); anyone else who reads children's
records is told why not (403, audited). Someone reading the report for several councils chooses
the council (?council=ONS code), as on the spend report.
"""

from datetime import date

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.accounts.access import organisations_granting
from hearth.accounts.roles import Capability
from hearth.core.deadlines import add_months
from hearth.stability import report
from hearth.web.decorators import requires
from hearth.web.downloads import csv_download
from hearth.web.editing import audit_list_shown
from hearth.web.forms import GovukForm

MONTHS_OFFERED = 60  # five years of months to choose from, up to the current month
CHOOSE_A_MONTH = {"required": "Choose a month", "invalid_choice": "Choose a month from the list"}


class PeriodForm(GovukForm):
    """The months the report covers: from and to, each chosen from a list of months."""

    first = forms.ChoiceField(label="From", error_messages=CHOOSE_A_MONTH)
    last = forms.ChoiceField(label="To", error_messages=CHOOSE_A_MONTH)

    def __init__(self, data, *, today):
        first, last = report.last_twelve_months(today)
        super().__init__(data, initial={"first": f"{first:%Y-%m}", "last": f"{last:%Y-%m}"})
        months = [add_months(last, -number) for number in range(MONTHS_OFFERED)]
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
        """(first, last) as the first days of their months: as chosen, else the last 12."""
        if not self.is_bound or not self.is_valid():
            return self.default
        return tuple(
            date(int(value[:4]), int(value[5:7]), 1)
            for value in (self.cleaned_data["first"], self.cleaned_data["last"])
        )


# The chart ----------------------------------------------------------------------------------------

CHART_HEIGHT = 160  # the tallest bar
BAR_WIDTH = 40
BAR_GAP = 12
AXIS_LEFT = 40
TOP = 24
BOTTOM = 48


def _scale_top(highest):
    """A round number at or above the highest count, for the axis: 1, 2, 5, 10, 20, 50..."""
    top, steps = 1, (2, 2.5, 2)
    for number in range(60):
        if top >= highest:
            break
        top = round(top * steps[number % 3])
    return top


def endings_chart(result):
    """The bars of the chart of unplanned endings per month: positions worked out here, so that
    the template only draws them."""
    measure = result.measure("unplanned_endings")
    top = _scale_top(max(measure.values, default=0))
    bars = []
    for number, (month, value) in enumerate(zip(result.months, measure.values, strict=True)):
        height = round(CHART_HEIGHT * value / top)
        x = AXIS_LEFT + BAR_GAP + number * (BAR_WIDTH + BAR_GAP)
        bars.append(
            {
                "x": x,
                "y": TOP + CHART_HEIGHT - height,
                "height": height,
                "width": BAR_WIDTH,
                "value": value,
                "value_y": TOP + CHART_HEIGHT - height - 6,
                "middle": x + BAR_WIDTH // 2,
                "month": f"{month:%b}",
                "year": f"{month:%Y}",
                "label": f"{month:%B %Y}: {value}",
            }
        )
    width = AXIS_LEFT + BAR_GAP + len(bars) * (BAR_WIDTH + BAR_GAP)
    first, last = result.months[0], result.months[-1]
    return {
        "bars": bars,
        "width": width,
        "height": TOP + CHART_HEIGHT + BOTTOM,
        "axis_x": AXIS_LEFT,
        "axis_bottom": TOP + CHART_HEIGHT,
        "axis_top": TOP,
        "top": top,
        "month_y": TOP + CHART_HEIGHT + 18,
        "year_y": TOP + CHART_HEIGHT + 36,
        "description": (
            f"Placements that ended in an unplanned way each month from {first:%B %Y} to "
            f"{last:%B %Y}: " + "; ".join(bar["label"] for bar in bars) + "."
        ),
    }


# The screen ---------------------------------------------------------------------------------------


def _councils(user):
    return [o for o in organisations_granting(user, Capability.VIEW_CHILDREN) if o.is_authority]


def _refused(request, authority, reason):
    """403: the person reads the council's children but not this report; the attempt audited."""
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {"record_type": "report", "record_id": str(authority.pk), "user": request.user,
         "detail": "the breakdown of unplanned endings"},
    ]  # fmt: skip
    context = {"reason": reason, "authority": authority}
    return render(request, "stability/report_not_allowed.html", context, status=403)


def _themes(result):
    """The learning themes drawn out in the period, most often first."""
    themes = [
        {"label": measure.label, "total": measure.total}
        for measure in result.measures
        if measure.name.startswith("theme_") and measure.total
    ]
    return sorted(themes, key=lambda theme: -theme["total"])


def _rows(result):
    return [
        {
            "group": group,
            "measures": [
                {"label": m.label, "values": m.values, "total": "" if m.total is None else m.total}
                for m in measures
            ],
        }
        for group, measures in result.groups()
    ]


@requires(Capability.VIEW_CHILDREN)
@require_GET
def unplanned_endings_report(request):
    councils = _councils(request.user)
    if not councils:
        raise Http404("No such page")
    readable = [c for c in councils if report.may_see(request.user, c.pk)]
    chosen = request.GET.get("council", "")
    if not readable:
        refused = next((c for c in councils if c.ons_code == chosen), councils[0])
        return _refused(request, refused, report.why_not_see(request.user, refused.pk))
    authority = next((c for c in readable if c.ons_code == chosen), readable[0])
    today = timezone.localdate()
    bound = "first" in request.GET or "last" in request.GET
    form = PeriodForm(request.GET if bound else None, today=today)
    if bound and not form.is_valid():
        # A bad range shows no figures (not the default period's, which would pass for the months
        # asked for) and downloads nothing: the page again, the error at the field.
        context = {
            "authority": authority,
            "form": form,
            "result": None,
            "councils": readable if len(readable) > 1 else [],
        }
        return render(request, "stability/report.html", context, status=400)
    first, last = form.period()
    result = report.unplanned_endings(authority, first, last)
    endings = result.measure("unplanned_endings").total
    audit_list_shown(
        request, "placement", endings,
        f"unplanned endings report of {authority.ons_code}, {first:%Y-%m} to {last:%Y-%m}",
    )  # fmt: skip
    if request.GET.get("format") == "csv":
        filename = f"unplanned-endings-{authority.ons_code}-{first:%Y-%m}-to-{last:%Y-%m}.csv"
        return csv_download(filename, result.csv_header(), result.csv_rows())
    query = f"council={authority.ons_code}&first={first:%Y-%m}&last={last:%Y-%m}"
    context = {
        "authority": authority,
        "form": form,
        "result": result,
        "first": first,
        "last": last,
        "endings": endings,
        "rows": _rows(result),
        "chart": endings_chart(result),
        "themes": _themes(result),
        "csv_query": query + "&format=csv",
        "councils": readable if len(readable) > 1 else [],
    }
    return render(request, "stability/report.html", context)


urlpatterns = [
    path("reports/unplanned-endings/", unplanned_endings_report, name="unplanned_endings_report"),
]
