"""The dashboards of team managers, service leads and directors (issue 8, part 7): a page of
headline figures each, the tables behind them, and for every figure the list of the children or
households it counts (`Dashboard.listing`). The figures are the reports' own, read through the
functions the report pages use; what only a dashboard counts (children waiting, meetings and
actions due, placements ending) is counted here, from the council's records. Nothing is kept:
each dashboard is made afresh, in a fixed number of queries whatever the size of the council.

**Who reads what** (`hearth.web.views.dashboards` enforces it):

- **Team manager** (`team_dashboard(authority, team)`): their team's children, today. A manager
  above them (service lead and up) chooses any team of the council. Figures:
  - *children waiting for a home*: the team's children in an open search (on the placements
    tracker: approved, searching, match agreed, or returned at screening) not yet placed by it
    (`hearth.referrals.selectors.children_of_open_searches`: a referral of brothers and sisters
    stays open until every child of it is placed, and a child already living with the carers
    its match found waits no more), and how long each has waited: days from the referral's
    approval (`Referral.approved_at`, as timeliness counts it; its acceptance by the placements
    team if it has no approval date) to today, by band (less than 1 week, 1 to 4 weeks, 4 to
    12 weeks, more than 12 weeks). A child in two open searches counts once, with the longer
    wait. The longest wait, in days, lists the child or children who have waited that long;
  - *meetings and actions due and overdue*: stability and unplanned ending meetings still to be
    held (overdue once their `due_at` has passed), minutes of meetings held still to circulate
    (overdue after `minutes_due_at`), and actions agreed at meetings not yet done (overdue from
    the day after their `due_on`), each of a child of the team;
  - *placements ending*: the team's children's open placements that are coming to an end: the
    child reaches 18 within the next 3 months (or has: care as a looked-after child ends at 18),
    the placement is emergency care (DOMAIN.md: a 72-hour placement while a longer-term home is
    found), or the child is waiting for a home (above: not the placement their search made).
    Hearth keeps no planned end date of a placement, so nothing else can say a placement is
    ending;
  - *children with 3 or more placements this year*: the DfE's short-term stability measure of the
    collection year so far (`hearth.ssda903.indicators`, measured today), its counted children of
    the team;
  - *children placed more than 20 miles from home*: timeliness's distance figure for this month,
    counted today (`hearth.placements.timeliness`: the DfE's straight line between HOME_POST and
    PL_POST), its children of the team; and those whose distance is not known;
  - *data quality*: the team's children with a problem in the latest completed data quality check
    of the collection year (`hearth.ssda903.quality.latest`), with the number of problems each.
- **Service lead** (`service_dashboard(authority)`, for service leads, senior managers, heads of
  service and above): the team figures across the council with a row per team (every team with a
  child, and "No team" for children in none), each team's row linking to its team dashboard;
  the stability indicators of the year so far (both measures, numerator and denominator); the last
  12 months of timeliness (referrals approved, median days to the first offer and to placement,
  placements started, the council's own carers' share of them); the council's own carers' places
  today (`hearth.fostering.sufficiency`: places, filled, vacant, on hold); and the households in
  assessment (Form F or K assessments in progress or booked for panel; past due when after their
  due date, or the extension the panel agreed).
- **Director** (`director_dashboard(authority)`, for directors and assistant directors):
  children looked after on the first of each of the last 24 months, by placement category
  (`hearth.ssda903.forecast.actual_counts`, from the episodes: under 18, short breaks left out),
  and the forecast of the next 12 months by category (`forecast`, from the 24 months before this
  one); the stability indicators this year so far against last year; the weekly spend on agency
  placements on each month's last day (today for this month) for 12 months, by the spend
  report's rule (`weekly_spend`; its lists are timeliness's), and the council's own carers' share
  of placements started each month (timeliness); Ofsted's households and places on 31 March of
  the last complete collection year (`hearth.fostering.ofsted`); and the sufficiency headline
  (`hearth.placements.sufficiency`): the foster homes needed, the places available and the gap
  (places less homes needed) over the next 3 and the next 12 months from this month, each figure
  a link to the sufficiency report's list of the children, households and forecast entries it
  counts (the report of those months, `figure=demand|supply|gap`). The 12 months are counted
  once, with the forecast the dashboard already has: the first 3 of them are what the report of
  3 months counts (no month's figure depends on the months after it).

Every figure that counts records lists them (`Dashboard.listing(figure=..., team=..., month=...,
sector=..., year=...)`): children or households, each with what put it in the figure. A
forecast counts no record: its cells have no list. "Today" is the council's day (Europe/London).
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from hearth.core.deadlines import add_months, birthday
from hearth.core.models import Team
from hearth.fostering import ofsted
from hearth.fostering import sufficiency as carers
from hearth.fostering.models import Assessment
from hearth.people.models import Child
from hearth.placements import sufficiency as placements_sufficiency
from hearth.placements import timeliness
from hearth.placements.models import Placement
from hearth.referrals.models import Referral
from hearth.referrals.selectors import children_of_open_searches
from hearth.ssda903 import forecast, quality
from hearth.ssda903.indicators import indicators
from hearth.ssda903.tables import year_of
from hearth.stability.models import Action, Meeting
from hearth.web.presenters import long_date

TEAM, SERVICE, DIRECTOR = "team", "service", "director"
WAIT_BANDS = (
    ("waiting_under_1_week", "Less than 1 week", 0, 7),
    ("waiting_1_to_4_weeks", "1 to 4 weeks", 7, 28),
    ("waiting_4_to_12_weeks", "4 to 12 weeks", 28, 84),
    ("waiting_over_12_weeks", "More than 12 weeks", 84, None),
)
ENDING_MONTHS = 3  # placements ending: the child reaches 18 within this many months
ADULT = 18
TREND_MONTHS = 12  # timeliness, spend and in-house share: the last 12 months
HISTORY_MONTHS = 24  # children looked after: the first of each of the last 24 months
FORECAST_MONTHS = 12
NO_TEAM = "none"
ALL = ofsted.ALL


def _plural(count, word, words=None):
    return f"{count} {word if count == 1 else (words or word + 's')}"


# What a figure counts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One child or household a figure counts, and why."""

    kind: str  # "child" or "household"
    pk: int
    reference: str
    name: str
    detail: str = ""
    on: object = None  # the day that put it in the figure (None: none in particular)
    team: int | None = None  # the child's team
    link: tuple = ()  # (words, URL name, pk): the referral, meeting, placement or assessment

    HEADER = ("Date", "Reference", "Name", "Team", "Detail")

    def row(self, teams):
        team = teams.get(self.team, "") if self.kind == "child" else ""
        on = f"{self.on:%Y-%m-%d}" if self.on else ""
        return [on, self.reference, self.name, team, self.detail]


@dataclass(frozen=True)
class Listing:
    """The records behind one figure."""

    label: str
    kind: str  # "child" or "household": what the records are
    records: tuple
    report: tuple = ()  # (words, URL name, query): the full report it comes from


@dataclass(frozen=True)
class Cell:
    """A figure as a table shows it: a value and the query of the list of records it counts
    (empty: it counts none, as a forecast or a percentage of others), or the page of another
    report that lists them (the sufficiency report's lists)."""

    value: object
    unit: str = ""  # "", "%", "£", "days"
    query: tuple = ()  # (("figure", "waiting"), ("team", "12")) in this order
    missing: str = ""  # what to say when there is no value
    page: tuple = ()  # (URL name, (("figure", "demand"), ...)): another report's list

    @property
    def figure(self):
        return dict(self.query).get("figure", "")


@dataclass
class Table:
    key: str
    caption: str
    header: list  # the first column's heading, then the other columns'
    rows: list = field(default_factory=list)  # (label, [Cell]) or (label, [Cell], link query)

    def plain_rows(self):
        """The table as plain values, for the downloads."""
        return [[row[0], *(plain_value(cell.value) for cell in row[1])] for row in self.rows]


def plain_value(value):
    return "" if value is None else (float(value) if hasattr(value, "quantize") else value)


@dataclass
class Section:
    key: str
    title: str
    tables: list
    reports: tuple = ()  # ((words, URL name, query)): the full reports it comes from
    chart: str = ""  # which chart the view draws for it


@dataclass
class Dashboard:
    audience: str
    authority: object
    today: date
    team: object = None  # the team, on a team dashboard
    headlines: list = field(default_factory=list)  # [(label, Cell)]
    sections: list = field(default_factory=list)
    teams: dict = field(default_factory=dict)  # team pk -> name (for the lists)
    lists: dict = field(default_factory=dict, repr=False)  # list query -> Listing or maker
    series: dict = field(default_factory=dict, repr=False)  # for the charts
    notes: list = field(default_factory=list)

    @property
    def tables(self):
        return [table for section in self.sections for table in section.tables]

    def table(self, key):
        return next(table for table in self.tables if table.key == key)

    def listing(self, **query):
        """The records of the figure the query names (figure=..., and team=, month=, sector=,
        year= as its cell's link has them). KeyError for a figure the dashboard does not have."""
        key = _key(query)
        found = self.lists[key]
        if callable(found):
            found = self.lists[key] = found()
        return found


ORDER = ("figure", "team", "month", "year", "sector")


def _key(query):
    return tuple((name, str(query[name])) for name in ORDER if query.get(name) not in (None, ""))


def _cell(lists, value, figure, listing, unit="", **query):
    """A cell whose value lists `listing` (a Listing, or a function making one when asked)."""
    key = _key({"figure": figure, **query})
    lists[key] = listing
    return Cell(value, unit, key)


# The council's records, read once ------------------------------------------------------------------


def _teams(authority):
    return dict(Team.objects.filter(organisation=authority).values_list("pk", "name"))


def _teams_with_children(authority):
    """The council's teams with at least one child, by name; "No team" last if a child has none."""
    counted = Child.objects.filter(authority=authority).values("team_id").annotate(n=Count("pk"))
    return {row["team_id"] for row in counted}


def _child_teams(authority):
    return dict(Child.objects.filter(authority=authority).values_list("pk", "team_id"))


@dataclass
class _TeamFigures:
    """The team figures of the whole council, each a list of records with the child's team."""

    waiting: list
    stability: dict  # name -> [Record]
    endings: list
    three_or_more: list
    placed_far: list
    distance_unknown: list
    quality: list | None  # None: no check of the year has completed
    quality_run: object
    indicators: object


STABILITY_ROWS = (
    ("meetings", "Stability meetings to hold"),
    ("ending_meetings", "Unplanned ending meetings to hold"),
    ("minutes", "Minutes to circulate"),
    ("actions", "Actions from meetings to do"),
)


def _team_figures(authority, today, now):
    child_teams = _child_teams(authority)
    waiting, searching = _waiting(authority, today)
    return _TeamFigures(
        waiting=waiting,
        stability=_stability(authority, today, now),
        endings=_endings(authority, today, searching),
        **_indicator_figures(authority, today, child_teams),
        **_distance_figures(authority, today, child_teams),
        **_quality_figures(authority, today, child_teams),
    )


def _name(first, last):
    return f"{first} {last}"


def _waiting(authority, today):
    """([Record] a child waiting for a home, the longest wait of each child first; {child pk:
    referral pk} of the children waiting in an open search). One query."""
    rows = (
        children_of_open_searches(Referral.objects.filter(authority=authority))
        .values_list(
            "referral_id",
            "referral__status",
            "referral__approved_at",
            "referral__accepted_at",
            "child_id",
            "child__reference",
            "child__first_name",
            "child__last_name",
            "child__team_id",
        )  # fmt: skip
        .order_by("child_id", "referral_id")
    )
    labels = dict(Referral._meta.get_field("status").choices)
    longest = {}
    for referral, status, approved, accepted, child, reference, first, last, team in rows:
        opened = approved or accepted
        since = timezone.localtime(opened).date() if opened else today
        days = max(0, (today - since).days)
        record = Record(
            "child", child, reference, _name(first, last),
            f"Waiting {_plural(days, 'day')} since {long_date(since)}: {labels[status]}",
            since, team, (f"Referral {referral}", "referral", referral),
        )  # fmt: skip
        if child not in longest or since < longest[child].on:
            longest[child] = record
    records = sorted(longest.values(), key=lambda record: (record.on, record.name, record.pk))
    return records, {record.pk: record.link[2] for record in records}


def waited(record, today):
    return (today - record.on).days


def _stability(authority, today, now):
    """{row name: (due [Record], overdue [Record])}: meetings to hold, minutes to circulate,
    actions to do. Two queries."""
    found = {name: ([], []) for name, _ in STABILITY_ROWS}
    meetings = Meeting.objects.filter(
        authority=authority, status__in=(Meeting.Status.REQUESTED, Meeting.Status.HELD)
    ).values_list(
        "pk", "kind", "status", "due_at", "minutes_due_at", "child_id", "child__reference",
        "child__first_name", "child__last_name", "child__team_id",
    )  # fmt: skip
    for pk, kind, status, due_at, minutes_due_at, child, reference, first, last, team in meetings:
        reference_words = f"{'SM' if kind == Meeting.Kind.STABILITY else 'UE'}-{pk}"
        if status == Meeting.Status.REQUESTED:
            name = "meetings" if kind == Meeting.Kind.STABILITY else "ending_meetings"
            due, what = due_at, "To be held"
        elif minutes_due_at is not None:
            name, due, what = "minutes", minutes_due_at, "Minutes to circulate"
        else:
            continue
        overdue = due < now
        day = timezone.localtime(due).date()
        words = f"{what} by {long_date(day)}"
        record = Record(
            "child", child, reference, _name(first, last),
            words + (": overdue" if overdue else ""), day, team,
            (f"Meeting {reference_words}", "stability_meeting", pk),
        )  # fmt: skip
        found[name][1 if overdue else 0].append(record)
    actions = Action.objects.filter(
        meeting__authority=authority, status=Action.Status.OPEN
    ).values_list(
        "due_on", "description", "meeting_id", "meeting__kind", "meeting__child_id",
        "meeting__child__reference", "meeting__child__first_name", "meeting__child__last_name",
        "meeting__child__team_id",
    )  # fmt: skip
    for due_on, description, meeting, kind, child, reference, first, last, team in actions:
        overdue = due_on < today
        words = " ".join(description.split())
        words = words if len(words) <= 80 else words[:77] + "..."
        record = Record(
            "child", child, reference, _name(first, last),
            f"Due {long_date(due_on)}{': overdue' if overdue else ''}: {words}", due_on, team,
            (f"Meeting {'SM' if kind == Meeting.Kind.STABILITY else 'UE'}-{meeting}",
             "stability_meeting", meeting),
        )  # fmt: skip
        found["actions"][1 if overdue else 0].append(record)
    for due, overdue in found.values():
        due.sort(key=lambda record: (record.on, record.name, record.pk))
        overdue.sort(key=lambda record: (record.on, record.name, record.pk))
    return found


def _endings(authority, today, searching):
    """The open placements coming to an end (module docstring), one query."""
    horizon = add_months(today, ENDING_MONTHS)
    rows = (
        Placement.objects.filter(authority=authority, ended_on__isnull=True)
        .values_list(
            "pk",
            "care_type",
            "started_on",
            "household__name",
            "child_id",
            "child__reference",
            "child__first_name",
            "child__last_name",
            "child__team_id",
            "child__date_of_birth",
        )  # fmt: skip
        .order_by("started_on", "pk")
    )
    records = []
    for pk, care_type, started, household, child, reference, first, last, team, born in rows:
        adult = birthday(born, ADULT)
        why, on = [], None
        if adult <= horizon:
            verb = "turns" if adult > today else "turned"
            why.append(f"{verb} 18 on {long_date(adult)}")
            on = adult
        if care_type == "emergency":
            why.append(f"emergency care since {long_date(started)}")
            on = on or started
        if child in searching:
            why.append(f"a new home is being looked for (referral {searching[child]})")
            on = on or today
        if why:
            words = f"With {household}: " + "; ".join(why)
            records.append(
                Record("child", child, reference, _name(first, last), words, on, team,
                       ("Placement", "placement", pk))
            )  # fmt: skip
    return sorted(records, key=lambda record: (record.on, record.name, record.pk))


def _indicator_figures(authority, today, child_teams):
    result = indicators(authority, year_of(today), today=today)
    counted = [
        Record("child", child.child_id, child.reference, child.name, child.why, None,
               child_teams.get(child.child_id))
        for child in result.short_term.counted
    ]  # fmt: skip
    return {"three_or_more": counted, "indicators": result}


def _distance_figures(authority, today, child_teams):
    month = today.replace(day=1)
    report = timeliness.timeliness(
        authority, month, month, parts=frozenset({timeliness.DISTANCE}), today=today
    )

    def records(name):
        return [
            Record("child", row.child_pk, row.child_reference, row.child_name,
                   f"With {row.household_name}: {row.detail}", row.on,
                   child_teams.get(row.child_pk))
            for row in report.counted(name, f"{month:%Y-%m}")
        ]  # fmt: skip

    return {
        "placed_far": records("placed_far"),
        "distance_unknown": records("distance_unknown"),
    }


def _quality_figures(authority, today, child_teams):
    run = quality.latest(authority, year_of(today))
    if run is None:
        return {"quality": None, "quality_run": None}
    by_child = defaultdict(list)
    for failure in run.failures:
        if failure.get("child"):
            by_child[failure["child"]].append(failure)
    names = dict(
        (pk, (reference, _name(first, last)))
        for pk, reference, first, last in Child.objects.filter(
            authority=authority, pk__in=list(by_child)
        ).values_list("pk", "reference", "first_name", "last_name")
    )  # fmt: skip
    records = []
    for child, failures in by_child.items():
        if child not in names:
            continue  # a child no longer in the council's records
        rules = sorted({str(failure.get("rule", "")) for failure in failures})
        words = f"{_plural(len(failures), 'problem')}: rule{'s' if len(rules) > 1 else ''} "
        records.append(
            Record("child", child, *names[child], words + ", ".join(rules), None,
                   child_teams.get(child))
        )  # fmt: skip
    records.sort(key=lambda record: (record.name, record.pk))
    return {"quality": records, "quality_run": run}


# The team figures as tables ------------------------------------------------------------------------


def _of(records, team):
    """The records of `team` (a pk, NO_TEAM for children in no team, None for every team)."""
    if team is None:
        return list(records)
    if team == NO_TEAM:
        return [record for record in records if record.team is None]
    return [record for record in records if record.team == team]


def _team_listings(figures, team, where):
    """{figure name: (label, [Record])} of the team figures for `team`, labelled with `where`."""
    found = {
        "waiting": ("Children waiting for a home", _of(figures.waiting, team)),
        "endings": ("Placements ending", _of(figures.endings, team)),
        "three_or_more": (
            "Children with 3 or more placements this year",
            _of(figures.three_or_more, team),
        ),
        "placed_far": (
            f"Children placed more than {timeliness.MILES_AWAY} miles from home",
            _of(figures.placed_far, team),
        ),
        "distance_unknown": (
            "Children in placement whose distance from home is not known",
            _of(figures.distance_unknown, team),
        ),
    }
    for name, label in STABILITY_ROWS:
        due, overdue = figures.stability[name]
        found[f"{name}_due"] = (f"{label}: due", _of(due, team))
        found[f"{name}_overdue"] = (f"{label}: overdue", _of(overdue, team))
    if figures.quality is not None:
        found["quality"] = (
            "Children with a data quality problem", _of(figures.quality, team)
        )  # fmt: skip
    return {
        name: Listing(f"{label}, {where}", "child", tuple(records))
        for name, (label, records) in found.items()
    }


def _listed(lists, listings, name, **query):
    listing = listings[name]
    return _cell(lists, len(listing.records), name, listing, **query)


NOT_CHECKED = Cell(None, missing="Not checked yet")
CHILDREN_REPORTS = (
    ("Placement stability indicators", "stability_indicators", ""),
    ("Timeliness and spend", "timeliness", ""),
    ("Data quality", "data_quality", ""),
)


def _team_sections(dashboard, figures, team, where):
    """The sections of a team's figures (the team dashboard; the council on the service one)."""
    lists, today = dashboard.lists, dashboard.today
    listings = _team_listings(figures, team, where)
    waiting = listings["waiting"].records
    bands = []
    for name, label, shortest, longest in WAIT_BANDS:
        members = tuple(
            record
            for record in waiting
            if waited(record, today) >= shortest
            and (longest is None or waited(record, today) < longest)
        )
        listing = Listing(f"Children waiting {label.lower()}, {where}", "child", members)
        bands.append((label, [_cell(lists, len(members), name, listing)]))
    longest = max((waited(record, today) for record in waiting), default=None)
    waited_longest = Listing(
        f"Children waiting longest for a home, {where}", "child",
        tuple(record for record in waiting if waited(record, today) == longest),
    )  # fmt: skip
    longest_wait = replace(
        _cell(lists, longest, "longest_wait", waited_longest, "days"),
        missing="No child is waiting",
    )
    dashboard.series["waiting_bands"] = [(label, cells[0].value) for label, cells in bands]
    waiting_table = Table("waiting", f"Children waiting for a home, by how long, {where}",
                          ["How long", "Children"], bands)  # fmt: skip
    stability_table = Table(
        "stability", f"Meetings and actions, {where}", ["What is to be done", "Due", "Overdue"]
    )
    for name, label in STABILITY_ROWS:
        stability_table.rows.append(
            (label, [_listed(lists, listings, f"{name}_due"),
                     _listed(lists, listings, f"{name}_overdue")])
        )  # fmt: skip
    children_waiting = _listed(lists, listings, "waiting")
    children_rows = [
        ("Children waiting for a home", [children_waiting]),
        ("Longest wait, days", [longest_wait]),
        ("Placements ending", [_listed(lists, listings, "endings")]),
        ("Children with 3 or more placements this year", [_listed(lists, listings,
                                                                  "three_or_more")]),
        (f"Children placed more than {timeliness.MILES_AWAY} miles from home",
         [_listed(lists, listings, "placed_far")]),
        ("Children in placement whose distance from home is not known",
         [_listed(lists, listings, "distance_unknown")]),
        ("Children with a data quality problem",
         [_listed(lists, listings, "quality") if "quality" in listings else NOT_CHECKED]),
    ]  # fmt: skip
    children_table = Table("children", f"The children, {where}", ["Figure", "Children"],
                           children_rows)  # fmt: skip
    overdue = Listing(
        f"Meetings, minutes and actions overdue, {where}", "child",
        tuple(record for name, _ in STABILITY_ROWS
              for record in listings[f"{name}_overdue"].records),
    )  # fmt: skip
    dashboard.headlines += [
        ("Children waiting for a home", children_waiting),
        (
            "Meetings, minutes and actions overdue",
            _cell(lists, len(overdue.records), "overdue", overdue),
        ),
        ("Placements ending", children_rows[2][1][0]),
        ("Children with 3 or more placements this year", children_rows[3][1][0]),
    ]
    if figures.quality is None:
        dashboard.notes.append(
            "No data quality check of this collection year has completed yet: the data quality "
            "page can run one."
        )
    else:
        checked = timezone.localtime(figures.quality_run.run_at).date()
        dashboard.notes.append(f"Data quality as the check of {long_date(checked)} found it.")
    return [
        Section("children", "The children", [children_table], reports=CHILDREN_REPORTS),
        Section("waiting", "Waiting for a home", [waiting_table], chart="waiting_bands",
                reports=(("Placements tracker", "tracker", ""),)),
        Section("stability", "Stability meetings and actions", [stability_table],
                reports=(("Unplanned endings by month", "unplanned_endings_report", ""),)),
    ]  # fmt: skip


# The dashboards -----------------------------------------------------------------------------------


def _today():
    return timezone.localdate()


def team_dashboard(authority, team, *, today=None, now=None, teams=None):
    """The dashboard of `team` (a Team of `authority`); `teams`, the council's teams if already
    read ({pk: name})."""
    today, now = today or _today(), now or timezone.now()
    teams = _teams(authority) if teams is None else teams
    dashboard = Dashboard(TEAM, authority, today, team=team, teams=teams)
    figures = _team_figures(authority, today, now)
    dashboard.sections = _team_sections(dashboard, figures, team.pk, team.name)
    return dashboard


def service_dashboard(authority, *, today=None, now=None):
    today, now = today or _today(), now or timezone.now()
    dashboard = Dashboard(SERVICE, authority, today, teams=_teams(authority))
    figures = _team_figures(authority, today, now)
    dashboard.sections = _team_sections(dashboard, figures, None, authority.name)
    dashboard.sections.insert(1, _by_team(dashboard, figures))
    dashboard.sections += [
        _indicator_section(dashboard, [figures.indicators]),
        _timeliness_section(dashboard),
        _carers_section(dashboard),
    ]
    return dashboard


def director_dashboard(authority, *, today=None):
    today = today or _today()
    dashboard = Dashboard(DIRECTOR, authority, today, teams=_teams(authority))
    year = year_of(today)
    now = indicators(authority, year, today=today)
    before = indicators(authority, year - 1, today=today)
    ahead = forecast.forecast(authority, today.replace(day=1), FORECAST_MONTHS)
    dashboard.sections = [
        _looked_after_section(dashboard, ahead),
        _sufficiency_section(dashboard, ahead),
        _indicator_section(dashboard, [before, now]),
        _spend_section(dashboard),
        _ofsted_section(dashboard),
    ]
    return dashboard


# Service lead: a row per team ------------------------------------------------------------------------

TEAM_COLUMNS = (
    ("waiting", "Waiting for a home"),
    ("meetings_overdue", "Meetings overdue"),
    ("minutes_overdue", "Minutes overdue"),
    ("actions_overdue", "Actions overdue"),
    ("endings", "Placements ending"),
    ("three_or_more", "3 or more placements"),
    ("placed_far", f"More than {timeliness.MILES_AWAY} miles away"),
    ("quality", "Data quality problems"),
)


def _by_team(dashboard, figures):
    with_children = _teams_with_children(dashboard.authority)
    teams = sorted(
        ((pk, name) for pk, name in dashboard.teams.items() if pk in with_children),
        key=lambda team: (team[1], team[0]),
    )
    if None in with_children:
        teams.append((NO_TEAM, "No team"))
    table = Table("teams", f"By team, {dashboard.authority.name}",
                  ["Team", *(label for _, label in TEAM_COLUMNS)])  # fmt: skip
    bars = []
    for pk, name in teams:
        listings = _team_listings(figures, pk, name)
        listings["meetings_overdue"] = Listing(
            f"Meetings to hold, overdue, {name}", "child",
            listings["meetings_overdue"].records + listings["ending_meetings_overdue"].records,
        )  # fmt: skip
        cells = [
            _listed(dashboard.lists, listings, column, team=pk)
            if column in listings
            else NOT_CHECKED
            for column, _ in TEAM_COLUMNS
        ]
        table.rows.append((name, cells, pk))
        bars.append((name, cells[0].value))
    dashboard.series["waiting_by_team"] = bars
    return Section("teams", "By team", [table], chart="waiting_by_team")


# Stability indicators ------------------------------------------------------------------------------


def _indicator_section(dashboard, results):
    """The stability indicators of each year in `results` (oldest first)."""
    lists = dashboard.lists
    table = Table(
        "indicators", "Placement stability indicators",
        ["Measure", *(column for result in results for column in (
            f"{_period_words(result)}: counted", f"{_period_words(result)}: measured",
            f"{_period_words(result)}: per cent"))],
    )  # fmt: skip
    bars = []
    for measure_name in ("short_term", "long_term"):
        cells, label = [], ""
        for result in results:
            measure = getattr(result, measure_name)
            label = measure.label
            counted = Listing(
                f"{measure.label}: counted, {_period_words(result)}", "child",
                tuple(_indicator_record(child) for child in measure.counted),
                ("Placement stability indicators", "stability_indicators",
                 f"year={result.year}"),
            )  # fmt: skip
            measured = Listing(
                f"{measure.label}: every child measured, {_period_words(result)}", "child",
                tuple(_indicator_record(child) for child in measure.children),
                counted.report,
            )  # fmt: skip
            numerator = _cell(lists, measure.numerator, measure_name, counted, year=result.year)
            cells += [
                numerator,
                _cell(lists, measure.denominator, f"{measure_name}_measured", measured,
                      year=result.year),
                Cell(measure.percentage, "%", numerator.query),
            ]  # fmt: skip
            bars.append((f"{_short_measure(measure_name)}, {_period_words(result)}",
                         measure.percentage or 0))  # fmt: skip
        table.rows.append((label, cells))
    dashboard.series["indicators"] = bars
    latest = results[-1]
    dashboard.headlines.append(
        ("Children with 3 or more placements this year, per cent of those looked after",
         table.rows[0][1][-1])
    )  # fmt: skip
    return Section(
        "indicators", "Placement stability", [table],
        reports=(("Placement stability indicators", "stability_indicators",
                  f"year={latest.year}"),),
        chart="indicators",
    )  # fmt: skip


def _period_words(result):
    return f"{result.period} so far" if not result.complete else result.period


def _short_measure(name):
    return "Short-term" if name == "short_term" else "Long-term"


def _indicator_record(child):
    return Record("child", child.child_id, child.reference, child.name, child.why)


# Timeliness, spend and in-house share, month by month ---------------------------------------------


def _trend_months(today):
    last = today.replace(day=1)
    return add_months(last, -(TREND_MONTHS - 1)), last


def _counted_records(report, name, month):
    records = []
    for row in report.counted(name, month):
        if row.child_pk is not None:
            records.append(
                Record("child", row.child_pk, row.child_reference, row.child_name,
                       _counted_words(row), row.on,
                       link=(f"Referral {row.referral_pk}", "referral", row.referral_pk)
                       if row.referral_pk else ())
            )  # fmt: skip
        elif row.household_pk is not None:
            records.append(
                Record("household", row.household_pk, "", row.household_name, row.detail,
                       row.on,
                       link=(f"Referral {row.referral_pk}", "referral", row.referral_pk)
                       if row.referral_pk else ())
            )  # fmt: skip
    return records


def _counted_words(row):
    return f"With {row.household_name}: {row.detail}" if row.household_name else row.detail


def _monthly_table(dashboard, report, key, caption, measures):
    """A row a month (and the period's total) of timeliness measures: (name, column, unit)."""
    lists = dashboard.lists
    table = Table(key, caption, ["Month", *(column for _, column, _ in measures)])
    for index, month in enumerate(report.months):
        month_name = report.month_names[index]
        cells = []
        for name, _, unit in measures:
            measure = report.measure(name)
            value = measure.values[index]
            listing = _lazy_counted(report, name, month_name, f"{measure.label}, {month:%B %Y}")
            cells.append(_cell(lists, value, name, listing, unit, month=month_name))
        table.rows.append((f"{month:%B %Y}", cells))
    totals = []
    for name, _, unit in measures:
        measure = report.measure(name)
        if measure.total is None:
            totals.append(Cell(None))
            continue
        listing = _lazy_counted(report, name, "", f"{measure.label}, the 12 months")
        totals.append(_cell(lists, measure.total, name, listing, unit))
    table.rows.append(("The 12 months", totals))
    return table


def _lazy_counted(report, name, month_name, label):
    first, last = report.months[0], report.months[-1]
    query = f"first={first:%Y-%m}&last={last:%Y-%m}"
    if month_name:
        query += f"&measure={name}&month={month_name}"
    return lambda: Listing(
        label,
        "child",
        tuple(_counted_records(report, name, month_name)),
        ("Timeliness and spend", "timeliness", query),
    )


TIMELINESS_COLUMNS = (
    ("referrals", "Referrals approved", ""),
    ("days_to_offer_median", "Median days to first offer", "days"),
    ("days_to_placement_median", "Median days to placement", "days"),
    ("placements_started", "Placements started", ""),
    ("in_house_started", "With the council's own carers", ""),
    ("in_house_share", "Own carers, per cent", "%"),
)


def _timeliness_section(dashboard):
    first, last = _trend_months(dashboard.today)
    report = timeliness.timeliness(
        dashboard.authority, first, last,
        parts=frozenset({timeliness.TIMELINESS, timeliness.PLACEMENTS}), today=dashboard.today,
    )  # fmt: skip
    table = _monthly_table(
        dashboard, report, "timeliness",
        f"Referral to placement, {first:%B %Y} to {last:%B %Y}", TIMELINESS_COLUMNS,
    )  # fmt: skip
    labels = [f"{month:%b %Y}" for month in report.months]
    dashboard.series["timeliness"] = (
        labels,
        [
            ("Median days to first offer", list(report.measure("days_to_offer_median").values)),
            ("Median days to placement", list(report.measure("days_to_placement_median").values)),
        ],
    )
    share = report.measure("in_house_share")
    dashboard.series["in_house_share"] = (labels, [("Own carers, per cent", list(share.values))])
    dashboard.headlines.append(
        ("Placements with the council's own carers, last 12 months", table.rows[-1][1][-1])
    )
    query = f"first={first:%Y-%m}&last={last:%Y-%m}"
    return Section(
        "timeliness", "Timeliness and the council's own carers", [table],
        reports=(("Timeliness and spend", "timeliness", query),), chart="timeliness",
    )  # fmt: skip


SPEND_COLUMNS = (
    ("spend_total", "Weekly spend on agency placements", "£"),
    ("placements_started", "Placements started", ""),
    ("in_house_started", "With the council's own carers", ""),
    ("in_house_share", "Own carers, per cent", "%"),
)


def weekly_spend(authority, days):
    """The weekly spend on agency placements on each of `days` (None for a month to come: no
    figure), by the spend report's rule (`hearth.placements.selectors.open_agency_placements`:
    the council's placements with a weekly cost, started by the day and not ended by it) and to
    the penny its total; summed here from one query for all the days rather than one a day."""
    known = [day for day in days if day is not None]
    if not known:
        return tuple(None for _ in days)
    rows = list(
        Placement.objects.filter(
            authority=authority, weekly_cost__isnull=False, started_on__lte=max(known)
        )
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=min(known)))
        .values_list("started_on", "ended_on", "weekly_cost")
    )
    return tuple(
        None
        if day is None
        else sum(
            (
                cost
                for started, ended, cost in rows
                if started <= day and (ended is None or ended > day)
            ),
            Decimal("0.00"),
        )  # fmt: skip
        for day in days
    )


def _spend_section(dashboard):
    first, last = _trend_months(dashboard.today)
    report = timeliness.timeliness(
        dashboard.authority, first, last, parts=frozenset({timeliness.PLACEMENTS}),
        today=dashboard.today,
    )  # fmt: skip
    spend = timeliness.Measure(
        "spend_total", "All agency placements, weekly", timeliness.SPEND,
        weekly_spend(dashboard.authority, report.as_of), None, "money",
    )  # fmt: skip
    # Its records are timeliness's own (`Report.counted`, the open agency placements that day).
    report = replace(report, measures=(*report.measures, spend))
    table = _monthly_table(
        dashboard, report, "spend",
        f"Weekly spend and the council's own carers, {first:%B %Y} to {last:%B %Y}",
        SPEND_COLUMNS,
    )  # fmt: skip
    labels = [f"{month:%b %Y}" for month in report.months]
    spend = report.measure("spend_total")
    dashboard.series["spend"] = (labels, [("Weekly spend", list(spend.values))])
    dashboard.series["in_house_share"] = (
        labels, [("Own carers, per cent", list(report.measure("in_house_share").values))]
    )  # fmt: skip
    dashboard.headlines.append((f"Weekly spend on agency placements, {last:%B %Y}",
                                table.rows[-2][1][0]))  # fmt: skip
    dashboard.headlines.append(
        ("Placements with the council's own carers, last 12 months", table.rows[-1][1][-1])
    )
    query = f"first={first:%Y-%m}&last={last:%Y-%m}"
    return Section(
        "spend", "Spend and the council's own carers", [table],
        reports=(("Timeliness and spend", "timeliness", query),), chart="spend",
    )  # fmt: skip


# The council's own carers --------------------------------------------------------------------------


def _household_record(household, detail, link=()):
    return Record("household", household.pk, household.reference, household.name, detail,
                  link=link)  # fmt: skip


def _carers_section(dashboard):
    lists = dashboard.lists
    households = list(carers.in_house_households(dashboard.authority))
    total = carers.Places("All approved households")  # counted as the carers' sufficiency counts
    for household in households:
        total.add(household)
    on_hold = carers.Status.ON_HOLD

    def words(household):
        state = " (on hold)" if household.status == on_hold else ""
        return (f"Approved for {_plural(household.max_children, 'child', 'children')}, "
                f"{household.filled} living there{state}")  # fmt: skip

    def listing(label, chosen):
        return Listing(
            f"{label}, {dashboard.authority.name}", "household",
            tuple(_household_record(household, words(household)) for household in chosen),
            ("Sufficiency of the council's carers", "fostering_sufficiency", ""),
        )  # fmt: skip

    rows = [
        ("Approved households", [_cell(lists, total.households, "households",
                                       listing("Approved households", households))]),
        ("Places approved", [_cell(lists, total.places, "places",
                                   listing("Households' approved places", households))]),
        ("Places filled", [_cell(lists, total.filled, "filled",
                                 listing("Households with children living there",
                                         [h for h in households if h.filled]))]),
        ("Places vacant", [_cell(lists, total.vacant, "vacant",
                                 listing("Households with a vacant place",
                                         [h for h in households if h.status != on_hold
                                          and h.max_children > h.filled]))]),
        ("Places on hold", [_cell(lists, total.on_hold, "on_hold",
                                  listing("Households on hold",
                                          [h for h in households if h.status == on_hold]))]),
    ]  # fmt: skip
    places = Table("places", f"The council's own carers' places, {long_date(dashboard.today)}",
                   ["Figure", "Number"], rows)  # fmt: skip
    assessments = _assessments(dashboard)
    dashboard.headlines.append(("Vacant places with the council's own carers", rows[3][1][0]))
    dashboard.headlines.append(("Households in assessment", assessments.rows[0][1][0]))
    return Section(
        "carers", "The council's own carers", [places, assessments],
        reports=(
            ("Sufficiency of the council's carers", "fostering_sufficiency", ""),
            ("Assessments", "fostering_assessments", ""),
        ),
    )  # fmt: skip


def _assessments(dashboard):
    """Households in a Form F or K assessment in progress or booked for panel (one query)."""
    rows = (
        Assessment.objects.filter(
            authority=dashboard.authority,
            status__in=(Assessment.Status.IN_PROGRESS, Assessment.Status.AT_PANEL),
        )
        .values_list(
            "pk",
            "kind",
            "status",
            "started_on",
            "due_on",
            "extended_to",
            "household_id",
            "household__reference",
            "household__name",
        )  # fmt: skip
        .order_by("started_on", "pk")
    )
    kinds, statuses = dict(Assessment.Kind.choices), dict(Assessment.Status.choices)
    every, late, seen = [], [], set()
    for pk, kind, status, started, due, extended, household, reference, name in rows:
        if household in seen:
            continue
        seen.add(household)
        due = extended or due
        past_due = due < dashboard.today
        words = (
            f"{kinds[kind]}, {statuses[status].lower()}, started {long_date(started)}, due "
            f"{long_date(due)}{': past due' if past_due else ''}"
        )
        record = Record("household", household, reference, name, words, started,
                        link=("Assessment", "fostering_assessment", pk))  # fmt: skip
        every.append(record)
        if past_due:
            late.append(record)
    where = dashboard.authority.name
    report = ("Assessments", "fostering_assessments", "")
    lists = dashboard.lists
    return Table(
        "assessments", f"Households in assessment, {long_date(dashboard.today)}",
        ["Figure", "Households"],
        [
            ("Households in assessment", [_cell(lists, len(every), "assessments", Listing(
                f"Households in assessment, {where}", "household", tuple(every), report))]),
            ("Of those, past the date due", [_cell(lists, len(late), "assessments_late", Listing(
                f"Households in assessment past the date due, {where}", "household",
                tuple(late), report))]),
        ],
    )  # fmt: skip


# Director: children looked after, the forecast, Ofsted ---------------------------------------------


def _looked_after_section(dashboard, predicted):
    """`predicted`: the forecast from this month for FORECAST_MONTHS."""
    authority, lists = dashboard.authority, dashboard.lists
    this_month = dashboard.today.replace(day=1)
    start = add_months(this_month, -HISTORY_MONTHS)
    actual = forecast.actual_counts(authority, start, HISTORY_MONTHS).sum(axis=1)
    ahead = predicted.counts.sum(axis=1)
    categories = forecast.CATEGORIES
    table = Table(
        "looked_after", "Children looked after on the first of each month, by placement category",
        ["Month", *(forecast.CATEGORY_LABELS[name] for name in categories), "Total", "From"],
    )  # fmt: skip
    labels, history, projected = [], [], []
    for index in range(HISTORY_MONTHS + 1):
        month = add_months(start, index)
        counts = [int(value) for value in actual[index]]
        name = f"{month:%Y-%m}"
        cells = [
            _cell(lists, count, "looked_after", _lazy_looked_after(authority, month, category),
                  month=name, sector=category)
            for count, category in zip(counts, categories, strict=True)
        ]  # fmt: skip
        total = _cell(lists, sum(counts), "looked_after",
                      _lazy_looked_after(authority, month, ALL), month=name)  # fmt: skip
        table.rows.append((f"1 {month:%B %Y}", [*cells, total, Cell("Episodes")]))
        labels.append(f"{month:%b %Y}")
        history.append(sum(counts))
        projected.append(sum(counts) if month == this_month else None)
    for index in range(1, FORECAST_MONTHS + 1):
        month = add_months(this_month, index)
        counts = [float(value) for value in ahead[index]]
        table.rows.append(
            (f"1 {month:%B %Y}",
             [*(Cell(round(count)) for count in counts), Cell(round(sum(counts))),
              Cell("Forecast")])
        )  # fmt: skip
        labels.append(f"{month:%b %Y}")
        history.append(None)
        projected.append(round(sum(counts)))
    dashboard.series["looked_after"] = (
        labels, [("Looked after (episodes)", history), ("Forecast", projected)]
    )  # fmt: skip
    now = table.rows[HISTORY_MONTHS][1][len(categories)]
    dashboard.headlines.append((f"Children looked after on 1 {this_month:%B %Y}", now))
    dashboard.headlines.append(
        (f"Forecast for 1 {add_months(this_month, FORECAST_MONTHS):%B %Y}",
         table.rows[-1][1][len(categories)])
    )  # fmt: skip
    return Section("looked_after", "Children looked after", [table], chart="looked_after")


def _lazy_looked_after(authority, month, category):
    label = forecast.CATEGORY_LABELS.get(category, "All placements")
    return lambda: Listing(
        f"Children looked after on 1 {month:%B %Y}: {label.lower()}",
        "child",
        tuple(looked_after_on(authority, month, category)),
    )


def looked_after_on(authority, day, category=ALL):
    """The children the forecast counts as looked after on `day` (`forecast.actual_counts`'s
    rule: an episode open that day, not a short break, under 18), with their placement category
    and age band; of `category` only unless ALL. Two queries."""
    episodes = forecast._Episodes(authority, day, day)
    states = episodes.states(day)
    inside = {
        int(child): int(state)
        for child, state in zip(episodes.children, states, strict=True)
        if state != forecast.OUT
    }
    wanted = None if category == ALL else forecast.CATEGORIES.index(category)
    people = Child.objects.filter(authority=authority, pk__in=list(inside)).values_list(
        "pk", "reference", "first_name", "last_name", "team_id"
    )
    records = []
    for pk, reference, first, last, team in people:
        band, kind = divmod(inside[pk], len(forecast.CATEGORIES))
        if wanted is not None and kind != wanted:
            continue
        words = (
            f"{forecast.CATEGORY_LABELS[forecast.CATEGORIES[kind]]}, aged {forecast.BANDS[band]}"
        )
        records.append(Record("child", pk, reference, _name(first, last), words, day, team))
    return sorted(records, key=lambda record: (record.name, record.pk))


SUFFICIENCY_ROWS = (
    ("demand", "Foster homes needed"),
    ("supply", "Places available"),
    ("gap", "Gap: places less homes needed"),
)
SUFFICIENCY_MONTHS = (3, 12)  # the next 3 and the next 12 months, from this month
SUFFICIENCY_REPORT = ("Sufficiency: homes needed and places available", "sufficiency", "")


def _sufficiency_section(dashboard, predicted):
    """Homes needed, places available and the gap over the next 3 and 12 months (module
    docstring), each cell the sufficiency report's list of what it counts. Six queries."""
    first = dashboard.today.replace(day=1)
    result = placements_sufficiency.sufficiency(
        dashboard.authority, first, add_months(first, max(SUFFICIENCY_MONTHS) - 1),
        today=dashboard.today, predicted=predicted,
    )  # fmt: skip
    columns, cells = [], {name: [] for name, _ in SUFFICIENCY_ROWS}
    for count in SUFFICIENCY_MONTHS:
        last = add_months(first, count - 1)
        columns.append(f"Next {count} months, {first:%B %Y} to {last:%B %Y}")
        months = (("council", dashboard.authority.ons_code), ("first", f"{first:%Y-%m}"),
                  ("last", f"{last:%Y-%m}"))  # fmt: skip
        for name, _ in SUFFICIENCY_ROWS:
            value = placements_sufficiency.shown(result.total_of_first(name, count))
            cells[name].append(Cell(value, page=("sufficiency", (*months, ("figure", name)))))
    table = Table(
        "sufficiency", f"Sufficiency from {first:%B %Y}",  # a sheet's title too: 31 at most
        ["Figure", *columns], [(label, cells[name]) for name, label in SUFFICIENCY_ROWS],
    )  # fmt: skip
    for count, gap in zip(SUFFICIENCY_MONTHS, cells["gap"], strict=True):
        dashboard.headlines.append(
            (f"Gap in foster homes over the next {count} months (places less homes needed)", gap)
        )
    return Section("sufficiency", "Sufficiency: foster homes needed and places available",
                   [table], reports=(SUFFICIENCY_REPORT,))  # fmt: skip


OFSTED_LINES = ("households", "places", "filled", "vacant", "not_available")


def _ofsted_section(dashboard):
    lists = dashboard.lists
    year = year_of(dashboard.today) - 1
    result = ofsted.ofsted_fostering(dashboard.authority, year)
    table = Table(
        "ofsted", f"Ofsted's fostering households and places on 31 March {year + 1}",
        ["Figure", "Mainstream", "Family and friends", "Total"],
    )  # fmt: skip
    report = ("Ofsted fostering data", "ofsted_fostering", f"year={year}")
    for name in OFSTED_LINES:
        line = result.line(name)
        cells = []
        for value, sector in ((line.mainstream, "mainstream"), (line.kinship, "kinship"),
                              (line.total, ALL)):  # fmt: skip
            listing = Listing(
                _ofsted_label(line.label, sector, year), "household",
                tuple(Record("household", pk, reference, household, detail)
                      for pk, reference, household, detail in result.households(name, sector)),
                report,
            )  # fmt: skip
            cells.append(_cell(lists, value, f"ofsted_{name}", listing, year=year, sector=sector))
        table.rows.append((line.label, cells))
    dashboard.headlines.append(
        (f"Approved fostering households on 31 March {year + 1}", table.rows[0][1][-1])
    )
    return Section("ofsted", "Ofsted's fostering data", [table], reports=(report,))


def _ofsted_label(label, sector, year):
    words = {"mainstream": "mainstream", "kinship": "family and friends", ALL: "all households"}
    return f"{label} {year + 1}, {words[sector]}"
