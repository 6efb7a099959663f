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
from hearth.ssda903 import permissions as ssda903_permissions
from hearth.stability import report as stability_report
from hearth.web.decorators import requires
from hearth.web.views import dashboards as dashboards_view
from hearth.web.views import ofsted_fostering as ofsted_view
from hearth.web.views import timeliness as timeliness_view

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
        "Placement stability indicators",
        "stability_indicators",
        "The DfE's two measures of a year from the SSDA903 episodes: children with 3 or more "
        "placements in the year, and children under 16 in care 2.5 years who have been in the same "
        "placement for 2 years; every child counted, with the rule. Tables, CSV and XLSX.",
        ssda903_permissions.may_read_figures,
    ),
    (
        "Data quality",
        "data_quality",
        "What in the children looked after return (SSDA903) would fail the DfE's rules today, by "
        "child and by rule, with what to fix; check it again at any time. Senior managers and "
        "heads of service also download the return.",
        ssda903_permissions.may_read_quality,
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
    (
        "Timeliness and spend",
        "timeliness",
        "Month by month: days from referral to first offer and to placement, the share of "
        "placements with the council's own carers, offers declined and why, weekly spend on "
        "agency placements, children placed more than 20 miles from home and brothers and sisters "
        "living together. Every figure lists the children it counts. Table, CSV and Excel.",
        lambda user, authority_id: bool(timeliness_view.parts_for(user, authority_id)),
    ),
    (
        "Ofsted fostering data",
        "ofsted_fostering",
        "The year's counts for Ofsted's annual fostering data collection: approved households and "
        "places on 31 March (filled, vacant, not available), enquiries, applications, approvals "
        "and deregistrations, mainstream and family and friends. Table, CSV and Excel.",
        lambda user, authority_id: ofsted_view.may_read(user, authority_id),
    ),
    (
        "Sufficiency: homes needed and places available",
        "sufficiency",
        "Month by month ahead: the foster homes the council's children will need (children "
        "waiting, moving on, in placements at risk, growing past their carers' ages, and expected "
        "into care by the forecast) against the places there will be (vacancies with the "
        "council's and agencies' carers, places freed by planned endings, carers due at panel), "
        "and the gap; by age band, type of care and sibling group size, with how far to trust the "
        "forecast. Every figure lists the children or households it counts. Table, CSV and Excel.",
        ssda903_permissions.may_read_figures,
    ),
    (
        "Team dashboard",
        "team_dashboard",
        "A team's children today: waiting for a home and for how long, stability meetings and "
        "actions due and overdue, placements ending, children with 3 or more placements this "
        "year, children placed more than 20 miles from home and data quality problems. Every "
        "figure lists its children. Tables, chart, CSV and Excel.",
        dashboards_view.may_read_a_team,
    ),
    (
        "Service dashboard",
        "service_dashboard",
        "The team figures across the council with a row per team, the stability indicators, 12 "
        "months of timeliness and the council's own carers' share, carers' places and households "
        "in assessment. Every figure lists what it counts. Tables, charts, CSV and Excel.",
        lambda user, authority_id: dashboards_view.may_read("service", user, authority_id),
    ),
    (
        "Director's dashboard",
        "director_dashboard",
        "Children looked after month by month and the forecast by placement category, the "
        "stability indicators this year against last, weekly spend, the council's own carers' "
        "share, Ofsted's households and places, and the sufficiency report. Tables, charts, CSV "
        "and Excel.",
        lambda user, authority_id: dashboards_view.may_read("director", user, authority_id),
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
