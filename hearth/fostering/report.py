"""The monthly fostering figures (CONTRACT.md section 4, DOMAIN.md "Reporting", seed 004: Trafford's
recruitment report), printed by `hearth report fostering-monthly` and shown on the screen
`fostering_report`.

Every figure is counted from the council's fostering history (`RecruitmentEvent`, ADR 17) of its own
households only: an agency's households and another council's are never counted. The history is
read in one query, whatever the number of months, and replayed in date order (events of one day in
the order they were recorded):

- `initial_enquiries`, `initial_visits`, `applications`, `approvals`, `carer_exits`: events of that
  kind dated in the month;
- `assessments`: households whose latest `assessment_started` on or before the month's last day
  has no `assessment_ended` or `approved` after it up to that day;
- `households`: households whose latest `approved` on or before the last day has no `exited` after
  it up to that day (a hold does not take a household out of this count);
- `placements`: children whose latest `placement_started` with one of those households on or
  before the last day has no `placement_ended` for that household and child after it up to that
  day (a child who moved on on the last day is not counted).

The further figures on the screen (conversion, days from enquiry to approval, households on hold,
exits by reason) come from the same replay; the average age of today's approved carers from their
records.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean, median

from django.utils import timezone

from hearth.core.deadlines import last_day_of, months_between
from hearth.fostering import vocabulary
from hearth.fostering.models import RecruitmentEvent
from hearth.people.forms import age_on
from hearth.people.models import Carer, Household

Kind = RecruitmentEvent.Kind

# (name, label): the contract's measures, in the contract's order.
MEASURES = (
    ("initial_enquiries", "Initial enquiries"),
    ("initial_visits", "Initial home visits"),
    ("applications", "Applications"),
    ("assessments", "Households in assessment on the last day"),
    ("approvals", "Approvals by the agency decision maker"),
    ("carer_exits", "Households that left fostering"),
    ("households", "Approved households on the last day"),
    ("placements", "Children placed with them on the last day"),
)
MEASURE_NAMES = tuple(name for name, _ in MEASURES)
MEASURE_LABELS = dict(MEASURES)
GROUP = "Monthly fostering figures"
# Counts of what stands on the month's last day: a total over months would mean nothing.
STOCKS = frozenset({"assessments", "households", "placements"})
# The events counted as they happen, by measure.
FLOWS = {
    Kind.ENQUIRY: "initial_enquiries",
    Kind.INITIAL_VISIT: "initial_visits",
    Kind.APPLICATION: "applications",
    Kind.APPROVED: "approvals",
    Kind.EXITED: "carer_exits",
}
# The funnel: each step, and the event that counts it.
FUNNEL = (
    ("Enquiries", Kind.ENQUIRY),
    ("Initial home visits", Kind.INITIAL_VISIT),
    ("Applications", Kind.APPLICATION),
    ("Approvals", Kind.APPROVED),
)
APPROVED_STATUSES = (
    Household.Status.APPROVED,
    Household.Status.TEMPORARY,
    Household.Status.ON_HOLD,
)
EXIT_REASON_WORDS = dict(vocabulary.EXIT_REASONS)
NO_REASON = "No reason recorded"


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
    """The contract's eight measures for the months asked for, as `hearth report` prints them."""

    authority: object
    months: tuple  # the first day of each month
    measures: tuple
    further: "FurtherFigures" = field(default=None, compare=False)

    @property
    def month_names(self):
        return [f"{month:%Y-%m}" for month in self.months]

    def measure(self, name):
        return next(measure for measure in self.measures if measure.name == name)

    def groups(self):
        """[(group, [measures])], for the text table."""
        grouped = {}
        for measure in self.measures:
            grouped.setdefault(measure.group, []).append(measure)
        return list(grouped.items())

    def as_json(self):
        """Exactly the contract's JSON: the months and each measure's values."""
        return {
            "months": self.month_names,
            "measures": {m.name: list(m.values) for m in self.measures},
        }

    def csv_header(self):
        """Exactly the contract's CSV: `measure`, then one column a month named YYYY-MM."""
        return ["measure", *self.month_names]

    def csv_rows(self):
        return [[m.name, *m.values] for m in self.measures]


@dataclass(frozen=True)
class FunnelStep:
    label: str
    count: int
    of_enquiries: Decimal | None  # per cent of the period's enquiries
    of_previous: Decimal | None  # per cent of the step before


@dataclass(frozen=True)
class FurtherFigures:
    """The figures on screen beside the contract's (not in the CLI's output)."""

    funnel: tuple  # FunnelStep, enquiry to approval, events in the period
    days_to_approval: tuple  # days from the latest enquiry to each approval in the period
    approvals_without_enquiry: int  # approvals in the period with no enquiry in the history
    on_hold: tuple  # households on hold on each month's last day
    exits_by_reason: tuple  # (reason in words, count), most first
    carer_ages: tuple  # ages today of the carers of approved households who have a date of birth
    carers_without_birth_date: int

    @property
    def median_days_to_approval(self):
        return median(self.days_to_approval) if self.days_to_approval else None

    @property
    def mean_days_to_approval(self):
        return _rounded(mean(self.days_to_approval)) if self.days_to_approval else None

    @property
    def average_carer_age(self):
        return _rounded(mean(self.carer_ages)) if self.carer_ages else None

    def csv_header(self):
        return ["figure", "value"]

    def csv_rows(self, months):
        """The further figures as rows of a second CSV: figure, value."""
        rows = []
        for step in self.funnel:
            rows.append([f"{step.label} in the period", step.count])
            if step.of_previous is not None:
                rows.append([f"{step.label} as a percentage of the step before", step.of_previous])
        rows += [
            ["Median days from enquiry to approval", _blank(self.median_days_to_approval)],
            ["Mean days from enquiry to approval", _blank(self.mean_days_to_approval)],
            ["Approvals with no enquiry in the history", self.approvals_without_enquiry],
            ["Average age of approved carers today", _blank(self.average_carer_age)],
            ["Approved carers with no date of birth", self.carers_without_birth_date],
        ]
        rows += [
            [f"Households on hold on the last day of {month:%Y-%m}", count]
            for month, count in zip(months, self.on_hold, strict=True)
        ]
        rows += [[f"Exits: {reason}", count] for reason, count in self.exits_by_reason]
        return rows


def _rounded(value):
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _blank(value):
    return "" if value is None else value


def _percent(part, whole):
    if not whole:
        return None
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


# Months -------------------------------------------------------------------------------------------


# Counting -----------------------------------------------------------------------------------------


def history_of(authority, up_to):
    """The council's own households' history up to the day `up_to`, in order (one query)."""
    return list(
        RecruitmentEvent.objects.filter(
            authority=authority, household__provider=authority, date__lte=up_to
        )
        .order_by("date", "pk")
        .values_list("household_id", "event", "date", "child_id", "reason")
    )


class _Replay:
    """The households' standing, event by event: in assessment, approved, on hold, children placed."""

    def __init__(self):
        self.in_assessment = set()
        self.approved = set()
        self.on_hold = set()
        self.placed = defaultdict(set)  # household -> children living there
        self.latest_enquiry = {}  # household -> day of its latest enquiry

    def apply(self, household, event, day, child):
        if event == Kind.ENQUIRY:
            self.latest_enquiry[household] = day
        elif event == Kind.ASSESSMENT_STARTED:
            self.in_assessment.add(household)
        elif event == Kind.ASSESSMENT_ENDED:
            self.in_assessment.discard(household)
        elif event == Kind.APPROVED:
            self.in_assessment.discard(household)
            self.approved.add(household)
        elif event == Kind.EXITED:
            self.approved.discard(household)
            self.on_hold.discard(household)
        elif event == Kind.ON_HOLD:
            self.on_hold.add(household)
        elif event == Kind.OFF_HOLD:
            self.on_hold.discard(household)
        elif event == Kind.PLACEMENT_STARTED:
            self.placed[household].add(child)
        elif event == Kind.PLACEMENT_ENDED:
            self.placed[household].discard(child)

    def placements(self):
        children = set()
        for household in self.approved:
            children |= self.placed.get(household, set())
        return len(children)


def fostering_monthly(authority, first_month, last_month, *, today=None):
    """The council's monthly fostering figures from `first_month` to `last_month` (each any day of
    its month), as a `Report` with its `further` figures. ValueError when the first is after the
    last."""
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    if first_month > last_month:
        raise ValueError("The first month must be the same as or before the last month")
    months = months_between(first_month, last_month)
    events = history_of(authority, last_day_of(last_month))
    counts = {name: [0] * len(months) for name in MEASURE_NAMES}
    on_hold = [0] * len(months)
    period = _PeriodTally()
    replay = _Replay()
    position = 0
    for number, month in enumerate(months):
        last_day = last_day_of(month)
        while position < len(events) and events[position][2] <= last_day:
            household, event, day, child, reason = events[position]
            position += 1
            replay.apply(household, event, day, child)
            if day < month:
                continue
            if event in FLOWS:
                counts[FLOWS[event]][number] += 1
            period.add(event, day, reason, replay.latest_enquiry.get(household))
        counts["assessments"][number] = len(replay.in_assessment)
        counts["households"][number] = len(replay.approved)
        counts["placements"][number] = replay.placements()
        on_hold[number] = len(replay.on_hold)
    measures = tuple(
        Measure(
            name, label, GROUP, tuple(counts[name]), None if name in STOCKS else sum(counts[name])
        )
        for name, label in MEASURES
    )
    further = period.figures(tuple(on_hold), *_carer_ages(authority, today or timezone.localdate()))
    return Report(authority=authority, months=tuple(months), measures=measures, further=further)


class _PeriodTally:
    """What the period's events add up to, for the further figures."""

    def __init__(self):
        self.steps = Counter()
        self.days_to_approval = []
        self.approvals_without_enquiry = 0
        self.exit_reasons = Counter()

    def add(self, event, day, reason, latest_enquiry):
        self.steps[event] += 1
        if event == Kind.APPROVED:
            if latest_enquiry is None:
                self.approvals_without_enquiry += 1
            else:
                self.days_to_approval.append((day - latest_enquiry).days)
        elif event == Kind.EXITED:
            self.exit_reasons[EXIT_REASON_WORDS.get(reason, reason) or NO_REASON] += 1

    def funnel(self):
        steps, enquiries, previous = [], self.steps[Kind.ENQUIRY], None
        for label, event in FUNNEL:
            count = self.steps[event]
            steps.append(
                FunnelStep(
                    label,
                    count,
                    _percent(count, enquiries) if previous is not None else None,
                    _percent(count, previous) if previous is not None else None,
                )
            )
            previous = count
        return tuple(steps)

    def figures(self, on_hold, carer_ages, without_birth_date):
        return FurtherFigures(
            funnel=self.funnel(),
            days_to_approval=tuple(self.days_to_approval),
            approvals_without_enquiry=self.approvals_without_enquiry,
            on_hold=on_hold,
            exits_by_reason=tuple(sorted(self.exit_reasons.items(), key=lambda r: (-r[1], r[0]))),
            carer_ages=carer_ages,
            carers_without_birth_date=without_birth_date,
        )


def _carer_ages(authority, today):
    """(ages today of the carers of the council's approved households who have a date of birth,
    how many have none); one query."""
    births = Carer.objects.filter(
        household__provider=authority, household__status__in=APPROVED_STATUSES
    ).values_list("date_of_birth", flat=True)
    births = list(births)
    ages = tuple(age_on(born, today) for born in births if born is not None)
    return ages, len(births) - len(ages)
