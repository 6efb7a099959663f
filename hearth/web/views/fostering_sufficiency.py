"""Sufficiency in the carers' view: approved places, filled, vacant and on hold, by age band and
type of care, and the households with room for another child.

For everyone who reads the fostering service (`permissions.READERS`); anyone else gets 404. The
figures are `hearth.fostering.sufficiency`'s; the same as a CSV with `?format=csv`.
"""

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.accounts.roles import Capability
from hearth.fostering import sufficiency as figures
from hearth.web.decorators import requires
from hearth.web.downloads import csv_download
from hearth.web.editing import audit_list_shown
from hearth.web.presenters import long_date
from hearth.web.views._fostering_common import reading_council


def _room_rows(households):
    return [
        {
            "household": household,
            "ages": f"{household.min_age} to {household.max_age}",
            "approved_for": household.max_children,
            "filled": household.filled,
            "bedrooms": household.bedrooms,
            "free": household.max_children - household.filled,
            "status": household.get_status_display(),
            "supervising_social_worker": household.supervising_social_worker,
            "approved_on": long_date(household.approved_on),
        }
        for household in households
    ]


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def fostering_sufficiency(request):
    authority, councils = reading_council(request)
    result = figures.sufficiency(authority)
    today = timezone.localdate()
    if request.GET.get("format") == "csv":
        filename = f"sufficiency-{authority.ons_code}-{today:%Y-%m-%d}.csv"
        return csv_download(filename, figures.CSV_HEADER, result.csv_rows())
    audit_list_shown(
        request, "household", len(result.room), f"households with room of {authority.ons_code}"
    )
    context = {
        "authority": authority,
        "councils": councils,
        "result": result,
        "full": {
            "households": result.total.households - result.temporary.households,
            "filled": result.total.filled - result.temporary.filled,
        },
        "today": long_date(today),
        "room": _room_rows(result.room),
        "csv_query": f"council={authority.ons_code}&format=csv",
    }
    return render(request, "fostering/sufficiency/index.html", context)


urlpatterns = [
    path("fostering/sufficiency/", fostering_sufficiency, name="fostering_sufficiency"),
]
