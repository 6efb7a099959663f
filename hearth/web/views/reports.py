"""The reports a person may read, in one list (the **Reports** item of the navigation): each is
listed only where one of the person's roles in a council may read it."""

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from hearth.accounts.access import organisations_granting
from hearth.accounts.roles import Capability
from hearth.fostering import permissions as fostering_permissions
from hearth.placements import permissions as placement_permissions
from hearth.stability import report as stability_report
from hearth.web.decorators import requires

REPORTS = [
    (
        "Monthly fostering figures",
        "fostering_report",
        "The council's own foster carers month by month: enquiries, initial home visits, "
        "applications, households in assessment, approvals, households that left, approved "
        "households and the children placed with them; conversion, time to approval and other "
        "councils' figures side by side. Table, chart and CSV.",
        fostering_permissions.may_read,
    ),
    (
        "Unplanned endings by month",
        "unplanned_endings_report",
        "Placements that ended in an unplanned way, month by month: why, the children's ages, the "
        "type of care, the provider, time in the placement, stability meetings held before, "
        "meetings on time, actions overdue and the learning themes. Table, chart and CSV.",
        stability_report.may_see,
    ),
    (
        "Weekly spend on placements",
        "spend",
        "The weekly cost of the placements running today, by approval tier and by provider. "
        "Table and CSV.",
        placement_permissions.may_see_spend,
    ),
    (
        "In-house offers passed over",
        "offers_passed_over",
        "Agency homes agreed while an offer from the council's own carers still stood, with the "
        "social worker's reason. Table and CSV.",
        lambda user, authority_id: True,  # anyone who may see the council's children
    ),
]


def reports_for(user):
    """The reports `user` may read in at least one of their councils: (title, url, what)."""
    councils = [o for o in organisations_granting(user, Capability.VIEW_CHILDREN) if o.is_authority]
    return [
        {"title": title, "url": reverse(name), "what": what}
        for title, name, what, may_read in REPORTS
        if any(may_read(user, council.pk) for council in councils)
    ]


@requires(Capability.VIEW_CHILDREN)
@require_GET
def report_index(request):
    reports = reports_for(request.user)
    if not reports:
        raise Http404("No such page")
    return render(request, "reports/index.html", {"reports": reports})


urlpatterns = [path("reports/", report_index, name="reports")]
