"""The monthly breakdown of unplanned endings (003 section 5: "breakdown data is kept and analysed
monthly"; DOMAIN.md "Stability"), shown on the screen `unplanned_endings_report`, downloaded as CSV
and printed by `hearth report unplanned-endings`.

For each month: the council's placements that ended in an unplanned way that month (by their
`ended_on`), broken down by the reason for the placement change (903 REASON_PLACE_CHANGE), the
reason the episode ceased (903 REC), the child's age on the day it ended, the type of care, the
provider and the time the child had lived there, and whether a stability meeting had been held
before the ending (and within the policy's waiver window, 12 weeks by default); then the meetings
held that month and whether on time, the actions overdue at the month's end, and the learning
themes of the unplanned ending meetings held that month. docs/stability.md says how each is counted.

A few queries for the whole period, grouped here in Python: the count does not grow with the months
or the endings.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from hearth.accounts.access import roles_of
from hearth.accounts.roles import Role
from hearth.core.deadlines import END_OF_DAY, LONDON, add_months, months_between
from hearth.people import vocabulary as people_vocabulary
from hearth.people.forms import age_on
from hearth.placements import codes
from hearth.placements.models import Placement
from hearth.stability import vocabulary
from hearth.stability.endings import waiver_window_start
from hearth.stability.models import Action, Meeting
from hearth.stability.selectors import HELD

# Who reads the report: the managers around the child, the IROs and the fostering team manager.
READERS = frozenset(
    {
        Role.TEAM_MANAGER,
        Role.SERVICE_LEAD,
        Role.IRO,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.ASSISTANT_DIRECTOR,
        Role.DIRECTOR,
        Role.FOSTERING_TEAM_MANAGER,
    }
)
READER_WORDS = (
    "team managers, service leads, IROs, senior managers, heads of service, assistant "
    "directors, directors and fostering team managers"
)

# (name, label, youngest, oldest): the child's age on the day the placement ended.
AGE_BANDS = (
    ("age_under_5", "Aged under 5", 0, 4),
    ("age_5_to_10", "Aged 5 to 10", 5, 10),
    ("age_11_to_15", "Aged 11 to 15", 11, 15),
    ("age_16_and_over", "Aged 16 and over", 16, None),
)
# (name, label, months): lived there less than `months` calendar months (None: no limit).
TIME_BANDS = (
    ("time_under_1_month", "Less than 1 month", 1),
    ("time_1_to_6_months", "1 month to less than 6 months", 6),
    ("time_6_to_12_months", "6 months to less than 1 year", 12),
    ("time_1_to_2_years", "1 year to less than 2 years", 24),
    ("time_2_years_or_more", "2 years or more", None),
)
NO_REASON_PLACE_CHANGE = "reason_none"

# Measures that count what stands at the month's end, rather than what happened in it: no total.
STOCKS = frozenset({"actions_overdue"})


def why_not_see(user, authority_id):
    """Why `user` may not read the council's report, or None when they may."""
    if READERS & roles_of(user, authority_id):
        return None
    return f"Only {READER_WORDS} can read the breakdown of unplanned endings"


def may_see(user, authority_id):
    return why_not_see(user, authority_id) is None


# The result ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    group: str
    values: tuple
    total: int | None


@dataclass(frozen=True)
class Report:
    authority: object
    months: tuple  # the first day of each month
    measures: tuple

    @property
    def month_names(self):
        return [month_name(month) for month in self.months]

    def measure(self, name):
        return next(measure for measure in self.measures if measure.name == name)

    def groups(self):
        """[(group, [measures])] in order."""
        grouped = {}
        for measure in self.measures:
            grouped.setdefault(measure.group, []).append(measure)
        return list(grouped.items())

    def as_json(self):
        return {
            "months": self.month_names,
            "measures": {m.name: list(m.values) for m in self.measures},
            "labels": {m.name: m.label for m in self.measures},
            "totals": {m.name: m.total for m in self.measures},
        }

    def csv_header(self):
        """`measure` (the stable machine name), `label` (the words of the table on the screen),
        then one column a month, YYYY-MM."""
        return ["measure", "label", *self.month_names]

    def csv_rows(self):
        return [[m.name, m.label, *m.values] for m in self.measures]


def month_name(month):
    return f"{month:%Y-%m}"


def last_twelve_months(today=None):
    """(first, last): the current month and the eleven before it, the screen's default."""
    last = (today or timezone.localdate()).replace(day=1)
    return add_months(last, -11), last


def _midnight(day):
    return datetime.combine(day, time.min, tzinfo=LONDON)


# Counting -----------------------------------------------------------------------------------------


class _Counts:
    """Counts by measure name and month index, with the measures' labels in the order first met."""

    def __init__(self, months):
        self.index = {(month.year, month.month): number for number, month in enumerate(months)}
        self.months = months
        self.counts = defaultdict(Counter)
        self.rows = {}

    def row(self, group, name, label):
        self.rows.setdefault(name, (group, label))

    def add(self, name, day):
        number = self.index.get((day.year, day.month))
        if number is not None:
            self.counts[name][number] += 1

    def add_at(self, name, moment):
        if moment is not None:
            self.add(name, timezone.localtime(moment, LONDON).date())

    def measures(self):
        found = []
        for name, (group, label) in self.rows.items():
            values = tuple(self.counts[name][n] for n in range(len(self.months)))
            total = None if name in STOCKS else sum(values)
            found.append(Measure(name, label, group, values, total))
        return tuple(found)


def unplanned_endings(authority, first_month, last_month):
    """The monthly breakdown for the council, from `first_month` to `last_month` (each given as
    the first day of its month), as a `Report`. ValueError when the first comes after the last."""
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    if first_month > last_month:
        raise ValueError("The first month must be the same as or before the last month")
    months = months_between(first_month, last_month)
    last_day = add_months(last_month, 1) - timedelta(days=1)
    counts = _Counts(months)
    endings = _endings(authority, first_month, last_day)
    _count_endings(counts, endings)
    _count_meetings_before(counts, authority, endings)
    meetings = _meetings_in(authority, first_month, last_day)
    _count_meetings(counts, meetings)
    _count_actions(counts, authority, months)
    _count_themes(counts, meetings)
    return Report(authority=authority, months=tuple(months), measures=counts.measures())


def _endings(authority, first_day, last_day):
    return list(
        Placement.objects.filter(
            authority=authority,
            ending=Placement.Ending.UNPLANNED,
            ended_on__gte=first_day,
            ended_on__lte=last_day,
        )
        .select_related("child", "provider")
        .only(
            "started_on", "ended_on", "care_type", "reason_ceased", "reason_place_change",
            "provider__name", "provider__kind", "provider__ofsted_urn", "child__date_of_birth",
        )
        .order_by("ended_on", "pk")
    )  # fmt: skip


def _count_endings(counts, endings):
    group = "Unplanned endings"
    counts.row(group, "unplanned_endings", "Placements that ended in an unplanned way")
    for placement in endings:
        counts.add("unplanned_endings", placement.ended_on)
    _by_reason(counts, endings)
    _by_age(counts, endings)
    _by_care_type(counts, endings)
    _by_provider(counts, endings)
    _by_time_in_placement(counts, endings)


def _by_reason(counts, endings):
    group = "By reason for the placement change (903 REASON_PLACE_CHANGE)"
    for code, words in codes.REASON_PLACE_CHANGE.items():
        counts.row(group, f"reason_{code.lower()}", f"{code}: {words}")
    counts.row(
        group, NO_REASON_PLACE_CHANGE, "None given: the child did not move to another placement"
    )
    ceased = "By reason the episode ceased (903 REC)"
    present = {placement.reason_ceased for placement in endings}
    for code, words in codes.REC.items():
        if code in present:
            counts.row(ceased, f"rec_{code.lower()}", f"{code}: {words}")
    for placement in endings:
        change = placement.reason_place_change
        reason = f"reason_{change.lower()}" if change else NO_REASON_PLACE_CHANGE
        counts.row(group, reason, f"{change}: {change}")  # a code no longer in the list
        counts.add(reason, placement.ended_on)
        rec = placement.reason_ceased
        counts.row(ceased, f"rec_{rec.lower()}", rec)
        counts.add(f"rec_{rec.lower()}", placement.ended_on)


def _by_age(counts, endings):
    group = "By the child's age on the day the placement ended"
    for name, label, _youngest, _oldest in AGE_BANDS:
        counts.row(group, name, label)
    for placement in endings:
        age = age_on(placement.child.date_of_birth, placement.ended_on)
        name = next(
            name for name, _label, _youngest, oldest in AGE_BANDS if oldest is None or age <= oldest
        )
        counts.add(name, placement.ended_on)


def _by_care_type(counts, endings):
    group = "By type of care"
    for key, label in people_vocabulary.PLACEMENT_TYPES.items():
        counts.row(group, f"care_{key}", label)
    for placement in endings:
        counts.row(group, f"care_{placement.care_type}", placement.care_type)
        counts.add(f"care_{placement.care_type}", placement.ended_on)


def provider_names(agencies):
    """{agency: measure name}: `provider_` and the agency's name as a slug (`provider_in_house`
    is the council's own carers), stable from one run to the next and never a database id. Two
    agencies whose names make the same slug are told apart by their Ofsted URN, else a number in
    name order."""
    slugs = defaultdict(list)
    for agency in sorted(agencies, key=lambda a: (a.name, a.ofsted_urn or "", a.pk)):
        slug = slugify(agency.name).replace("-", "_") or "agency"
        slugs["agency" if slug == "in_house" else slug].append(agency)
    names = {}
    for slug, found in slugs.items():
        if len(found) == 1:
            names[found[0]] = f"provider_{slug}"
            continue
        for number, agency in enumerate(found, start=1):
            names[agency] = f"provider_{slug}_{agency.ofsted_urn or number}"
    return names


def _by_provider(counts, endings):
    group = "By provider"
    counts.row(group, "provider_in_house", "The council's own carers")
    agencies = sorted(
        {p.provider for p in endings if not p.provider.is_authority},
        key=lambda provider: (provider.name, provider.pk),
    )
    names = provider_names(agencies)
    for agency in agencies:
        counts.row(group, names[agency], agency.name)
    for placement in endings:
        in_house = placement.provider.is_authority
        name = "provider_in_house" if in_house else names[placement.provider]
        counts.add(name, placement.ended_on)


def _by_time_in_placement(counts, endings):
    group = "By time in the placement"
    for name, label, _months in TIME_BANDS:
        counts.row(group, name, label)
    for placement in endings:
        name = next(
            name
            for name, _label, months in TIME_BANDS
            if months is None or placement.ended_on < add_months(placement.started_on, months)
        )
        counts.add(name, placement.ended_on)


def _count_meetings_before(counts, authority, endings):
    """Whether a stability meeting of the placement was held on or before the day it ended, and
    whether one was held within the waiver window (from 00:00 on the window's first day)."""
    group = "Stability meetings before the ending"
    policy = authority.policy
    weeks = policy.timescale("unplanned_ending_waiver_window")[0]
    counts.row(group, "stability_meeting_before", "A stability meeting had been held")
    counts.row(
        group,
        "stability_meeting_within_window",
        f"A stability meeting had been held in the {weeks} weeks before",
    )
    counts.row(group, "no_stability_meeting", "No stability meeting had been held")
    held = defaultdict(list)
    if endings:
        for placement_id, held_at in Meeting.objects.filter(
            placement__in=[placement.pk for placement in endings],
            kind=Meeting.Kind.STABILITY,
            status__in=HELD,
            held_at__isnull=False,
        ).values_list("placement_id", "held_at"):
            held[placement_id].append(held_at)
    for placement in endings:
        before = [
            moment
            for moment in held[placement.pk]
            if timezone.localtime(moment, LONDON).date() <= placement.ended_on
        ]
        if not before:
            counts.add("no_stability_meeting", placement.ended_on)
            continue
        counts.add("stability_meeting_before", placement.ended_on)
        window_opens = waiver_window_start(policy, placement.ended_on)
        if any(moment >= window_opens for moment in before):
            counts.add("stability_meeting_within_window", placement.ended_on)


def _meetings_in(authority, first_day, last_day):
    start, end = _midnight(first_day), _midnight(last_day + timedelta(days=1))
    return list(
        Meeting.objects.filter(authority=authority)
        .filter(
            Q(status__in=HELD, held_at__gte=start, held_at__lt=end)
            | Q(status=Meeting.Status.WAIVED, closed_at__gte=start, closed_at__lt=end)
        )
        .values("kind", "status", "held_at", "due_from", "due_at", "closed_at", "themes")
    )


def _count_meetings(counts, meetings):
    """Meetings held in the month, and how many of them on time: a stability meeting by its due
    date-time; an unplanned ending meeting within its window (not before it opens, nor after it
    closes). Unplanned ending meetings waived in the month."""
    group = "Meetings held in the month"
    counts.row(group, "stability_meetings_held", "Stability meetings held")
    counts.row(group, "stability_meetings_on_time", "Stability meetings held on time")
    counts.row(group, "ending_meetings_held", "Unplanned ending meetings held")
    counts.row(
        group, "ending_meetings_on_time", "Unplanned ending meetings held within their window"
    )
    counts.row(group, "ending_meetings_waived", "Unplanned ending meetings waived")
    for meeting in meetings:
        held_at = meeting["held_at"]
        if meeting["status"] == Meeting.Status.WAIVED:
            counts.add_at("ending_meetings_waived", meeting["closed_at"])
        if held_at is None or meeting["status"] not in HELD:
            continue
        if meeting["kind"] == Meeting.Kind.STABILITY:
            counts.add_at("stability_meetings_held", held_at)
            if held_at <= meeting["due_at"]:
                counts.add_at("stability_meetings_on_time", held_at)
            continue
        counts.add_at("ending_meetings_held", held_at)
        opens = meeting["due_from"]
        if (opens is None or held_at >= opens) and held_at <= meeting["due_at"]:
            counts.add_at("ending_meetings_on_time", held_at)


def _count_actions(counts, authority, months):
    """Actions overdue at the end of each month (for the current month, now), as things stood
    then: the end of their due day passed before it, agreed before it, and not done by it (whether
    done since or not). And actions done in the month after their due date."""
    group = "Actions agreed at the meetings"
    counts.row(group, "actions_overdue", "Actions overdue at the month's end")
    counts.row(group, "actions_done_late", "Actions done in the month, after their due date")
    period_end = _midnight(add_months(months[-1], 1))
    found = list(
        Action.objects.filter(
            meeting__authority=authority, due_on__lt=period_end.date(), created_at__lt=period_end
        )
        .filter(Q(done_at__isnull=True) | Q(done_at__gte=_midnight(months[0])))
        .values_list("due_on", "done_at", "created_at")
    )
    now = timezone.now()
    begun = [month for month in months if _midnight(month) <= now]  # none for months to come
    for due_on, done_at, created_at in found:
        if done_at is not None and timezone.localtime(done_at, LONDON).date() > due_on:
            counts.add_at("actions_done_late", done_at)
        for month in begun:
            cut_off = min(_midnight(add_months(month, 1)), now)  # the month so far, if unfinished
            open_then = done_at is None or done_at >= cut_off
            overdue = datetime.combine(due_on, END_OF_DAY, tzinfo=LONDON) < cut_off
            if overdue and created_at < cut_off and open_then:
                counts.add("actions_overdue", month)


def _count_themes(counts, meetings):
    """The learning themes of the unplanned ending meetings held in the month (each meeting
    counted once for each theme it drew out)."""
    group = "Learning themes of the unplanned ending meetings held"
    for key, label in vocabulary.LEARNING_THEMES:
        counts.row(group, f"theme_{key}", label)
    for meeting in meetings:
        if meeting["kind"] != Meeting.Kind.UNPLANNED_ENDING or meeting["status"] not in HELD:
            continue
        for theme in dict.fromkeys(meeting["themes"] or []):
            counts.row(group, f"theme_{theme}", theme)
            counts.add_at(f"theme_{theme}", meeting["held_at"])
