"""The dashboards of team managers, service leads and directors (`hearth.reports.dashboards`) on
screen: headline figures, a chart where a trend or a comparison helps, the tables behind them,
and every figure a link to the children or households it counts (`?figure=...`, with the
`team`, `month`, `year` or `sector` its cell names; the director's sufficiency figures, to the
sufficiency report's list of what each counts). Downloads: the whole dashboard as an Excel
workbook (a sheet a table), each table as a CSV, and each list of records as CSV or Excel.

Who reads which (roles held in the council):
- the **team dashboard** (`team_dashboard`, `?team=pk`): a team manager the teams they manage
  (as the team's manager, or by their team manager membership of it); service leads, senior
  managers, heads of service, assistant directors and directors any team of the council;
- the **service dashboard** (`service_dashboard`): service leads, senior managers, heads of
  service, assistant directors and directors;
- the **director's dashboard** (`director_dashboard`): directors and assistant directors.

Anyone else of the council is told why not (403, audited); a council that is not theirs, or a
team that is not the council's, is 404, the attempt audited (`_report_common`). Someone reading
for several councils chooses the council (?council=ONS code). A list of records names children
or households: it is audited as a list shown.
"""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_GET

from hearth.accounts.access import memberships_of, roles_of, teams_of
from hearth.accounts.roles import Role
from hearth.reports import dashboards
from hearth.web import charts
from hearth.web.decorators import signed_in
from hearth.web.downloads import csv_download, xlsx_download
from hearth.web.editing import audit_list_shown
from hearth.web.presenters import long_date
from hearth.web.views._report_common import choose_council, councils_of, not_found, refused

DIRECTORS = frozenset({Role.DIRECTOR, Role.ASSISTANT_DIRECTOR})
SERVICE_READERS = DIRECTORS | {Role.SERVICE_LEAD, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE}
TEAM_READERS = SERVICE_READERS | {Role.TEAM_MANAGER}

PAGES = {
    dashboards.TEAM: ("Team dashboard", "team_dashboard", TEAM_READERS,
                      "team managers (for the teams they manage), service leads, senior managers, "
                      "heads of service, assistant directors and directors"),
    dashboards.SERVICE: ("Service dashboard", "service_dashboard", SERVICE_READERS,
                         "service leads, senior managers, heads of service, assistant directors "
                         "and directors"),
    dashboards.DIRECTOR: ("Director's dashboard", "director_dashboard", DIRECTORS,
                          "directors and assistant directors"),
}  # fmt: skip
LIST_PARAMETERS = dashboards.ORDER


def may_read(audience, user, authority_id):
    """Whether `user` reads the `audience` dashboard of the council (the team dashboard: of some
    team of it; which team is `readable_teams`)."""
    return bool(PAGES[audience][2] & roles_of(user, authority_id))


def may_read_a_team(user, authority_id):
    """Whether `user` reads the dashboard of some team of the council (`readable_teams`'s rule):
    a service lead and up, or a team manager who manages a team of it. No query but for a team
    manager whose membership names no team (one: the teams whose record names them manager)."""
    roles = roles_of(user, authority_id)
    if roles & SERVICE_READERS:
        return True
    if Role.TEAM_MANAGER not in roles:
        return False
    managers = [
        membership
        for membership in memberships_of(user)
        if membership.organisation_id == authority_id and membership.role == Role.TEAM_MANAGER
    ]
    if any(membership.team_id for membership in managers):
        return True
    return teams_of(managers[0].organisation).filter(manager=user).exists()


def _reads(audience, user, authority_id):
    if audience == dashboards.TEAM:
        return may_read_a_team(user, authority_id)
    return may_read(audience, user, authority_id)


def dashboards_for(user):
    """The dashboards `user` reads in one of their councils: [{"title", "url"}], for the home
    page and the navigation; the team dashboard only for someone who may read a team of the
    council (a team manager of no team is not offered it). No query but `may_read_a_team`'s."""
    councils = councils_of(user)
    return [
        {"title": title, "url": reverse(name)}
        for audience, (title, name, _, _) in PAGES.items()
        if any(_reads(audience, user, council.pk) for council in councils)
    ]


def _refusal(request, audience):
    title, _, _, who = PAGES[audience]

    def refuse(council):
        return refused(
            request, council, page=title.lower(), what=f"see the {title.lower()}",
            reason=f"The {title.lower()} is for {who} of {council.name}",
        )  # fmt: skip

    return refuse


def _council(request, audience):
    """(the council, the councils offered, a refusal or None) for the dashboard."""
    return choose_council(
        request, lambda user, council: may_read(audience, user, council),
        page=PAGES[audience][0].lower(), refuse=_refusal(request, audience),
    )  # fmt: skip


# The team dashboard: which team ----------------------------------------------------------------------


def readable_teams(user, authority, teams):
    """The teams of `teams` (the council's) whose dashboard `user` reads: all of them for a
    service lead and up; a team manager's own (its manager, or their membership's team)."""
    roles = roles_of(user, authority.pk)
    if roles & SERVICE_READERS:
        return list(teams)
    mine = {
        membership.team_id
        for membership in memberships_of(user)
        if membership.organisation_id == authority.pk and membership.role == Role.TEAM_MANAGER
    }
    return [team for team in teams if team.manager_id == user.pk or team.pk in mine]


def _team(request, authority):
    """(the team chosen, the teams offered, every team of the council, a refusal or None)."""
    teams = list(teams_of(authority).order_by("name", "pk"))
    readable = readable_teams(request.user, authority, teams)
    chosen = request.GET.get("team", "")
    if chosen:
        team = next((team for team in teams if str(team.pk) == chosen), None)
        if team is None:
            not_found(request, council=authority, code=authority.ons_code,
                      page=f"team dashboard, team {chosen[:20]}")  # fmt: skip
        if team not in readable:
            return None, readable, teams, refused(
                request, authority, page=f"team dashboard, team {team.pk}",
                what=f"see the dashboard of {team.name}",
                reason=f"The dashboard of {team.name} is for its team manager and the managers "
                f"above them (service leads, senior managers, heads of service, assistant "
                f"directors and directors) of {authority.name}",
            )  # fmt: skip
        return team, readable, teams, None
    if not readable:
        return None, [], teams, refused(
            request, authority, page="team dashboard, no team", what="see a team dashboard",
            reason=f"You do not manage a team of {authority.name}: a team dashboard shows the "
            f"children of the teams you manage. Your system administrator can make you the "
            f"manager of your team",
        )  # fmt: skip
    return readable[0], readable, teams, None


# Presenting ------------------------------------------------------------------------------------------


def shown(cell):
    value = cell.value
    if value is None:
        return cell.missing
    if isinstance(value, str):
        return value
    if cell.unit == "£":
        return f"£{value:,.2f}"
    number = charts.shown(value)
    return f"{number}%" if cell.unit == "%" else number


def _link(page_query, cell):
    if cell.value is None:
        return ""
    if cell.page:  # another report's list (the sufficiency report's): the council is in it
        name, query = cell.page
        return f"{reverse(name)}?{urlencode(query)}"
    if not cell.query:
        return ""
    return "?" + urlencode([*page_query, *cell.query])


def _table(table, page_query, team_links):
    rows = []
    for label, cells, *team in table.rows:
        rows.append(
            {
                "label": label,
                "link": team_links.get(team[0], "") if team else "",
                "cells": [
                    {"value": shown(cell), "link": _link(page_query, cell),
                     "column": column}
                    for cell, column in zip(cells, table.header[1:], strict=True)
                ],
            }
        )  # fmt: skip
    return {
        "key": table.key,
        "caption": table.caption,
        "first": table.header[0],
        "header": table.header[1:],
        "rows": rows,
        "csv": "?" + urlencode([*page_query, ("table", table.key), ("format", "csv")]),
    }


def _chart(dashboard, name):
    series = dashboard.series.get(name)
    if series is None:
        return None
    if name == "waiting_bands":
        return charts.bar_chart(name, "Children waiting for a home, by how long", series)
    if name == "waiting_by_team":
        return charts.bar_chart(name, "Children waiting for a home, by team", series)
    if name == "indicators":
        return charts.bar_chart(name, "Placement stability indicators, per cent", series,
                                unit="%")  # fmt: skip
    titles = {
        "timeliness": ("Median days from referral to first offer and to placement", "days"),
        "spend": ("Weekly spend on agency placements, on each month's last day", "£"),
        "looked_after": ("Children looked after on the first of each month, and the forecast",
                         ""),
    }  # fmt: skip
    title, unit = titles[name]
    labels, lines = series
    return charts.line_chart(name, title, labels, lines, unit=unit,
                             caption="The figures are in the table below.")  # fmt: skip


def _context(request, dashboard, page_query, councils, extra):
    title, name, _, _ = PAGES[dashboard.audience]
    team_links = {}
    if dashboard.audience == dashboards.SERVICE:
        base = reverse("team_dashboard")
        council = dashboard.authority.ons_code
        team_links = {
            pk: f"{base}?{urlencode({'council': council, 'team': pk})}" for pk in dashboard.teams
        }
    sections = [
        {
            "key": section.key,
            "title": section.title,
            "tables": [_table(table, page_query, team_links) for table in section.tables],
            "chart": _chart(dashboard, section.chart) if section.chart else None,
            "chart_kind": "bar" if section.chart in BAR_CHARTS else "line",
            "reports": [_report_link(dashboard, report) for report in section.reports],
        }
        for section in dashboard.sections
    ]
    return {
        "title": title,
        "dashboard": dashboard,
        "authority": dashboard.authority,
        "councils": councils,
        "today": long_date(dashboard.today),
        "headlines": [
            {"label": label, "value": shown(cell), "link": _link(page_query, cell)}
            for label, cell in dashboard.headlines
        ],
        "sections": sections,
        "query": urlencode(page_query),
        "others": [
            {
                "title": other_title,
                "url": f"{reverse(other_name)}?council={dashboard.authority.ons_code}",
            }
            for audience, (other_title, other_name, _, _) in PAGES.items()
            if audience != dashboard.audience
            and may_read(audience, request.user, dashboard.authority.pk)
        ],  # fmt: skip
        **extra,
    }


BAR_CHARTS = {"waiting_bands", "waiting_by_team", "indicators"}


def _report_link(dashboard, report):
    if not report:
        return None
    words, name, query = report
    council = f"council={dashboard.authority.ons_code}"
    return {"words": words, "url": f"{reverse(name)}?{council}{'&' + query if query else ''}"}


# Downloads and lists ---------------------------------------------------------------------------------


def _filename(dashboard):
    team = f"-team-{dashboard.team.pk}" if dashboard.team else ""
    return (
        f"{dashboard.audience}-dashboard-{dashboard.authority.ons_code}{team}-"
        f"{dashboard.today:%Y-%m-%d}"
    )


HEADLINE_HEADER = ["Figure", "Value"]


def _headline_rows(dashboard):
    return [[label, dashboards.plain_value(cell.value)] for label, cell in dashboard.headlines]


def _download(request, dashboard, kind):
    name = _filename(dashboard)
    if kind == "xlsx":
        sheets = [("Headline figures", HEADLINE_HEADER, _headline_rows(dashboard))]
        sheets += [(table.caption, table.header, table.plain_rows()) for table in dashboard.tables]
        return xlsx_download(f"{name}.xlsx", _unique_titles(sheets))
    key = request.GET.get("table", "")
    if not key:
        return csv_download(f"{name}.csv", HEADLINE_HEADER, _headline_rows(dashboard))
    table = next((table for table in dashboard.tables if table.key == key), None)
    if table is None:
        raise Http404("No such table")
    return csv_download(f"{name}-{key}.csv", table.header, table.plain_rows())


# Excel refuses these in a sheet's title (a team's name in a caption may hold them).
SHEET_TITLE_CHARACTERS = str.maketrans(
    {"/": "-", "\\": "-", ":": "", "?": "", "*": "", "[": "(", "]": ")"}
)
SHEET_TITLE_LENGTH = 31


def _sheet_title(title):
    """`title` as Excel takes it: none of / \\ : ? * [ ], no apostrophe first or last."""
    return " ".join(title.translate(SHEET_TITLE_CHARACTERS).split()).strip("'") or "Table"


def _unique_titles(sheets):
    """Sheet titles Excel takes: its characters only, at most 31 characters, each different
    from the others (Excel ignores case: so does this)."""
    seen, found = set(), []
    for title, header, rows in sheets:
        title = _sheet_title(title)
        short, number = title[:SHEET_TITLE_LENGTH], 2
        while short.lower() in seen:
            suffix = f" ({number})"
            short = title[: SHEET_TITLE_LENGTH - len(suffix)].rstrip() + suffix
            number += 1
        seen.add(short.lower())
        found.append((short, header, rows))
    return found


def _records(request, dashboard, page_query, context):
    on_the_page = {name for name, _ in page_query}  # the team of a team dashboard
    query = {name: request.GET.get(name, "") for name in LIST_PARAMETERS if name not in on_the_page}
    try:
        listing = dashboard.listing(**query)
    except KeyError:
        raise Http404("No such figure") from None
    records = listing.records
    audit_list_shown(
        request, listing.kind, len(records),
        f"{PAGES[dashboard.audience][0].lower()} of {dashboard.authority.ons_code}: "
        f"{listing.label}",
        organisation=dashboard.authority,
    )  # fmt: skip
    header = list(dashboards.Record.HEADER)
    rows = [record.row(dashboard.teams) for record in records]
    kind = request.GET.get("format")
    filename = f"{_filename(dashboard)}-{query['figure']}"
    if kind == "csv":
        return csv_download(f"{filename}.csv", header, rows)
    if kind == "xlsx":
        return xlsx_download(f"{filename}.xlsx", [("Records", header, rows)])
    list_query = [(name, value) for name, value in query.items() if value]
    context |= {
        "listing": listing,
        "records": [_record_row(record, dashboard) for record in records],
        "back": "?" + urlencode(page_query),
        "download": urlencode([*page_query, *list_query]),
        "report": _report_link(dashboard, listing.report),
        "household": listing.kind == "household",
    }
    return render(request, "dashboards/records.html", context)


def _record_row(record, dashboard):
    kind = "child" if record.kind == "child" else "household"
    words, name, pk = record.link or ("", "", None)
    return {
        "name": record.name,
        "url": reverse(kind, args=[record.pk]),
        "reference": record.reference,
        "team": dashboard.teams.get(record.team, "") if record.kind == "child" else "",
        "on": long_date(record.on) if record.on else "",
        "detail": record.detail,
        "link_words": words,
        "link_url": reverse(name, args=[pk]) if name else "",
    }


def _answer(request, dashboard, page_query, councils, extra=None):
    extra = extra or {}
    context = {
        "title": PAGES[dashboard.audience][0],
        "authority": dashboard.authority,
        "dashboard": dashboard,
        "councils": councils,
        **extra,
    }
    if request.GET.get("figure"):
        return _records(request, dashboard, page_query, context)
    kind = request.GET.get("format")
    if kind in ("csv", "xlsx"):
        return _download(request, dashboard, kind)
    context = _context(request, dashboard, page_query, councils, extra)
    return render(request, "dashboards/dashboard.html", context)


# The pages -------------------------------------------------------------------------------------------


@signed_in
@require_GET
def team_dashboard(request):
    authority, councils, refusal = _council(request, dashboards.TEAM)
    if refusal is not None:
        return refusal
    team, teams, every, refusal = _team(request, authority)
    if refusal is not None:
        return refusal
    names = {other.pk: other.name for other in every}
    dashboard = dashboards.team_dashboard(authority, team, teams=names)
    page_query = [("council", authority.ons_code), ("team", team.pk)]
    offered = [
        {"name": other.name, "current": other == team,
         "url": "?" + urlencode({"council": authority.ons_code, "team": other.pk})}
        for other in teams
    ] if len(teams) > 1 else []  # fmt: skip
    return _answer(request, dashboard, page_query, councils, {"teams": offered})


@signed_in
@require_GET
def service_dashboard(request):
    authority, councils, refusal = _council(request, dashboards.SERVICE)
    if refusal is not None:
        return refusal
    dashboard = dashboards.service_dashboard(authority)
    return _answer(request, dashboard, [("council", authority.ons_code)], councils)


@signed_in
@require_GET
def director_dashboard(request):
    authority, councils, refusal = _council(request, dashboards.DIRECTOR)
    if refusal is not None:
        return refusal
    dashboard = dashboards.director_dashboard(authority)
    return _answer(request, dashboard, [("council", authority.ons_code)], councils)


urlpatterns = [
    path("dashboards/team/", team_dashboard, name="team_dashboard"),
    path("dashboards/service/", service_dashboard, name="service_dashboard"),
    path("dashboards/director/", director_dashboard, name="director_dashboard"),
]
