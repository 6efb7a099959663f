"""The monthly fostering figures (`hearth.fostering.report`) on screen as Trafford's table (months
across, measures down), with a chart of the recruitment funnel drawn as SVG (no JavaScript; the
table is its data), the same figures as CSV, the further figures (conversion, time from enquiry to
approval, carers' ages, households on hold, exits by reason) and the regional comparators side by
side (`hearth.fostering.comparators`).

For anyone who reads the fostering service's records (`permissions.may_read`); importing and
deleting comparators is for `permissions.PLANNERS`. Someone reading for several councils chooses
the council (?council=ONS code).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import deny, fostering_record_for_user
from hearth.accounts.roles import Capability
from hearth.fostering import comparators, permissions, report
from hearth.fostering.models import ComparatorSeries
from hearth.web.decorators import requires
from hearth.web.downloads import csv_download
from hearth.web.forms import GovukForm
from hearth.web.views._fostering_common import reading_council
from hearth.web.views.stability_report import PeriodForm

LARGEST_FILE = 1024 * 1024  # a year of eight measures is a few hundred bytes


# The funnel chart ---------------------------------------------------------------------------------

BAR_HEIGHT = 32
BAR_GAP = 12
LABEL_WIDTH = 170
CHART_WIDTH = 420  # the longest bar
VALUE_ROOM = 60


def funnel_chart(further, first, last):
    """The funnel's bars, positions worked out here so that the template only draws them."""
    top = max((step.count for step in further.funnel), default=0) or 1
    bars = []
    for number, step in enumerate(further.funnel):
        width = round(CHART_WIDTH * step.count / top)
        y = BAR_GAP + number * (BAR_HEIGHT + BAR_GAP)
        bars.append(
            {
                "label": step.label,
                "count": step.count,
                "x": LABEL_WIDTH,
                "y": y,
                "width": width,
                "height": BAR_HEIGHT,
                "text_y": y + BAR_HEIGHT // 2 + 5,
                "value_x": LABEL_WIDTH + width + 8,
            }
        )
    return {
        "bars": bars,
        "label_x": LABEL_WIDTH - 8,
        "width": LABEL_WIDTH + CHART_WIDTH + VALUE_ROOM,
        "height": BAR_GAP + len(bars) * (BAR_HEIGHT + BAR_GAP),
        "description": (
            f"From {first:%B %Y} to {last:%B %Y}: "
            + "; ".join(f"{bar['label']} {bar['count']}" for bar in bars)
            + "."
        ),
    }


# The report ---------------------------------------------------------------------------------------


class MeasureForm(GovukForm):
    measure = forms.ChoiceField(label="Measure to compare", choices=comparators.measure_choices)


def _rows(result):
    return [
        {"label": m.label, "values": m.values, "total": "" if m.total is None else m.total}
        for m in result.measures
    ]


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def fostering_report(request):
    authority, councils = reading_council(request)
    bound = "first" in request.GET or "last" in request.GET
    form = PeriodForm(request.GET if bound else None, today=timezone.localdate())
    context = {"authority": authority, "form": form, "councils": councils, "result": None}
    if bound and not form.is_valid():
        return render(request, "fostering/report/report.html", context, status=400)
    first, last = form.period()
    result = report.fostering_monthly(authority, first, last)
    filename = f"{authority.ons_code}-{first:%Y-%m}-to-{last:%Y-%m}.csv"
    if request.GET.get("format") == "csv":
        return csv_download(f"fostering-monthly-{filename}", result.csv_header(), result.csv_rows())
    if request.GET.get("format") == "further-csv":
        rows = result.further.csv_rows(result.months)
        return csv_download(f"fostering-further-{filename}", result.further.csv_header(), rows)
    measure_form = MeasureForm(request.GET if "measure" in request.GET else None)
    measure = report.MEASURE_NAMES[0]
    if measure_form.is_bound and measure_form.is_valid():
        measure = measure_form.cleaned_data["measure"]
    query = f"council={authority.ons_code}&first={first:%Y-%m}&last={last:%Y-%m}"
    context |= {
        "result": result,
        "first": first,
        "last": last,
        "rows": _rows(result),
        "further": result.further,
        "on_hold": list(zip(result.months, result.further.on_hold, strict=True)),
        "chart": funnel_chart(result.further, first, last),
        "measure_form": measure_form,
        "measure": measure,
        "measure_label": report.MEASURE_LABELS[measure],
        "comparison": comparators.side_by_side(result, measure),
        "query": query,
        "may_import": comparators.why_not_import(request.user, authority.pk) is None,
    }
    return render(request, "fostering/report/report.html", context)


# Comparators --------------------------------------------------------------------------------------


class ComparatorForm(GovukForm):
    name = forms.CharField(
        label="Council or region",
        max_length=comparators.NAME_LENGTH,
        help_text="Whose figures these are, for example Stockport or Greater Manchester",
        error_messages={"required": "Enter the council or region the figures are for"},
    )
    file = forms.FileField(
        label="Figures (CSV file)",
        help_text="The same shape as this council's own download: the first column measure, then "
        "one column for each month named YYYY-MM",
        error_messages={
            "required": "Choose the CSV file of figures",
            "empty": "The file chosen is empty",
        },
    )
    replace = forms.BooleanField(
        label="Replace the figures already imported under this name",
        required=False,
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > LARGEST_FILE:
            raise forms.ValidationError("The file must be smaller than 1 MB")
        return upload


def _refused(request, authority, reason, record_id=""):
    deny_event = {"record_type": "comparator_series", "record_id": str(record_id),
                  "user": request.user, "detail": "comparators: " + reason}  # fmt: skip
    request.hearth_denied = [*getattr(request, "hearth_denied", []), deny_event]
    context = {"reason": reason, "authority": authority}
    return render(request, "fostering/report/not_allowed.html", context, status=403)


def _import(request, authority, form):
    data = form.cleaned_data
    try:
        series = comparators.comparator_import(
            by=request.user, authority=authority, name=data["name"], content=data["file"].read(),
            filename=data["file"].name, replace=data["replace"], request=request,
        )  # fmt: skip
    except comparators.NameTaken:
        form.add_error(
            "replace",
            f"Figures for {data['name'].strip()} are already imported: tick this box to replace "
            "them, or use another name",
        )
    except comparators.FileRefused as refusal:
        for line, reason in refusal.errors:
            form.add_error("file", f"Line {line}: {reason}")
    else:
        messages.success(request, f"Figures for {series.name} imported")
        return redirect(f"{reverse('fostering_comparators')}?council={authority.ons_code}")
    return None


@requires(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def fostering_comparators(request):
    authority, councils = reading_council(request)
    why_not = comparators.why_not_import(request.user, authority.pk)
    form = ComparatorForm()
    if request.method == "POST":
        if why_not:
            return _refused(request, authority, why_not)
        form = ComparatorForm(request.POST, request.FILES)
        if form.is_valid():
            done = _import(request, authority, form)
            if done is not None:
                return done
    context = {
        "authority": authority,
        "councils": councils,
        "series": comparators.series_of(authority),
        "form": form,
        "why_not": why_not,
        "measure_choices": comparators.measure_choices(),
    }
    status = 400 if form.errors else 200
    return render(request, "fostering/report/comparators.html", context, status=status)


@requires(Capability.VIEW_HOUSEHOLDS, record="comparatorseries")
@require_http_methods(["GET", "POST"])
def fostering_comparator_delete(request, pk):
    series = fostering_record_for_user(
        request.user, ComparatorSeries, pk, write=request.method == "POST", request=request,
        queryset=ComparatorSeries.objects.select_related("authority"),
    )  # fmt: skip
    authority = series.authority
    if not permissions.may_read(request.user, authority.pk):
        deny(request.user, record_type="comparatorseries", record_id=pk, request=request)
    why_not = comparators.why_not_import(request.user, authority.pk)
    if request.method == "POST":
        if why_not:
            return _refused(request, authority, why_not, record_id=series.pk)
        comparators.comparator_delete(by=request.user, series=series, request=request)
        messages.success(request, f"Figures for {series.name} deleted")
        return redirect(f"{reverse('fostering_comparators')}?council={authority.ons_code}")
    context = {"series": series, "authority": authority, "why_not": why_not}
    return render(request, "fostering/report/comparator_delete.html", context)


urlpatterns = [
    path("reports/fostering/", fostering_report, name="fostering_report"),
    path("reports/fostering/comparators/", fostering_comparators, name="fostering_comparators"),
    path(
        "reports/fostering/comparators/<int:pk>/delete/",
        fostering_comparator_delete,
        name="fostering_comparator_delete",
    ),
]
