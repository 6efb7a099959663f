"""Timeliness and spend (issue 8, part 6): how fast referrals find a home, how many homes are the
council's own, which offers are declined and why, what agency placements cost each week, how far
from home children live and whether brothers and sisters live together. Printed by `hearth report
timeliness` and shown on the screen `timeliness`; every figure lists the records it counts
(`Report.counted`).

Each figure, month by month (the months asked for, 1st to last day):

- **Referrals** are counted in the month they were approved and sent to the placements team
  (`Referral.approved_at`, the day the search could start). For each, the days from that day to
  its first offer (`Offer.made_at`, any household) and to its first placement
  (`Placement.started_on`) as they stand today: median and mean of the referrals that have one,
  with how many do. A placement or offer made before the approval (an emergency placement) counts
  as 0 days.
- **Placements started** in the month, and those with the council's own carers (the household's
  provider is the council): their share in per cent of all placements started.
- **Offers declined** by the social worker in the month (`Offer.decided_at`), in-house and agency;
  the reasons are the social worker's own words (`Offer.decision_reason`), listed with each offer
  and counted by their text.
- **Weekly spend** of the agency placements open on the month's last day (today for the current
  month; none for a month to come), by the tier that approved each cost and by provider: the spend
  report's own `hearth.placements.selectors.spend` and `open_agency_placements`.
- **Distance**: children in placement on the month's last day, those placed more than 20 miles
  from home and those whose distance is not known (HOME_POST or PL_POST missing or not in the
  ONS postcode directory). The distance is the DfE's (903 guidance, as the validator's
  `datastore.py` computes PL_DISTANCE): the straight line between the two postcodes' OS grid
  references, in metres / 1000 / 1.6093, rounded to one decimal place; "more than 20 miles" is
  strictly more than 20.0.
- **Siblings**: sibling groups with two or more children in placement on the month's last day,
  all with one household (together) or with more than one (apart).

A count of what stands on a day (spend, distance, siblings) has no total; a count of what happened
(referrals, placements started, offers declined) totals the months. Five queries whatever the
number of months, plus one per month for spend.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from statistics import mean, median

from django.db.models import Min, Q
from django.utils import timezone

from hearth.core import postcodes
from hearth.core.deadlines import last_day_of, months_between
from hearth.placements import selectors
from hearth.placements.models import Placement
from hearth.referrals.models import Referral
from hearth.search.models import Offer

MILES_AWAY = 20  # the DfE's "placed more than 20 miles from home"
TIMELINESS, PLACEMENTS, OFFERS, SPEND, DISTANCE, SIBLINGS = (
    "Referral to offer and placement", "Placements started", "Offers declined",
    "Weekly spend on agency placements", "Distance from home", "Brothers and sisters",
)  # fmt: skip
GROUPS = (TIMELINESS, PLACEMENTS, OFFERS, SPEND, DISTANCE, SIBLINGS)
# What a finance officer reads: the spend; what figure readers read: the rest.
SPEND_PARTS = frozenset({SPEND})
FIGURE_PARTS = frozenset(GROUPS) - SPEND_PARTS
STOCK_GROUPS = frozenset({SPEND, DISTANCE, SIBLINGS})


# The result ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    name: str
    label: str
    group: str
    values: tuple  # one a month; None where there is nothing to say (a median of no referral)
    total: object  # the period's figure; None for a count of what stands on a day
    unit: str = "count"  # count, days, percent, money


@dataclass(frozen=True)
class Counted:
    """One record a figure counts: the child (if one), the referral and household (if any)."""

    on: object  # the day that put it in the month
    child_pk: int | None = None
    child_reference: str = ""
    child_name: str = ""
    referral_pk: int | None = None
    household_pk: int | None = None
    household_name: str = ""
    detail: str = ""

    HEADER = ("Date", "Child reference", "Child", "Referral", "Household", "Detail")

    def row(self):
        return [
            f"{self.on:%Y-%m-%d}" if self.on else "", self.child_reference, self.child_name,
            self.referral_pk or "", self.household_name, self.detail,
        ]  # fmt: skip


@dataclass(frozen=True)
class Report:
    authority: object
    months: tuple  # the first day of each month
    measures: tuple
    as_of: tuple = ()  # the day each month's stocks are counted on (None: a month to come)
    members: dict = field(default_factory=dict, compare=False)  # (name, month index) -> [Counted]
    declined_reasons: tuple = ()  # (reason in the social worker's words, offers), most first

    @property
    def month_names(self):
        return [f"{month:%Y-%m}" for month in self.months]

    def measure(self, name):
        return next(measure for measure in self.measures if measure.name == name)

    def groups(self):
        grouped = {}
        for measure in self.measures:
            grouped.setdefault(measure.group, []).append(measure)
        return list(grouped.items())

    def month_index(self, month_name):
        """The index of a month given as YYYY-MM; None for the whole period; ValueError else."""
        if not month_name:
            return None
        return self.month_names.index(month_name)

    def counted(self, name, month_name=""):
        """The records measure `name` counts in the month YYYY-MM (the whole period: empty; for a
        stock, the last month). KeyError for a measure the report does not have."""
        measure = self.measure_or_none(name)
        if measure is None:
            raise KeyError(name)
        index = self.month_index(month_name)
        if index is None and measure.total is None:
            index = len(self.months) - 1
        indexes = range(len(self.months)) if index is None else [index]
        if measure.group == SPEND:
            return [row for i in indexes for row in _spend_counted(self, name, i)]
        return [row for i in indexes for row in self.members.get((name, i), ())]

    def measure_or_none(self, name):
        return next((measure for measure in self.measures if measure.name == name), None)

    # What `hearth report timeliness` prints -------------------------------------------------------

    def as_json(self):
        return {
            "months": self.month_names,
            "measures": {m.name: [_plain(v) for v in m.values] for m in self.measures},
            "labels": {m.name: m.label for m in self.measures},
            "totals": {m.name: _plain(m.total) for m in self.measures},
        }

    def csv_header(self):
        return ["measure", "label", *self.month_names, "total"]

    def csv_rows(self):
        return [
            [m.name, m.label, *[_blank(v) for v in m.values], _blank(m.total)]
            for m in self.measures
        ]

    def text_table(self):
        rows = []
        for group, measures in self.groups():
            rows.append([group.upper(), *([""] * (len(self.months) + 1))])
            for m in measures:
                rows.append([f"  {m.label}", *[_blank(v) for v in m.values], _blank(m.total)])
        return ["measure", *self.month_names, "total"], rows


def _plain(value):
    return float(value) if isinstance(value, Decimal) else value


def _blank(value):
    return "" if value is None else value


def _rounded(value):
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _percent(part, whole):
    return _rounded(Decimal(100) * part / whole) if whole else None


def _median(values):
    return _rounded(median(values)) if values else None


def _mean(values):
    return _rounded(mean(values)) if values else None


def dfe_distance(home, placed):
    """Miles between two postcodes as the DfE counts them (module docstring); None if either is
    not in the ONS postcode directory."""
    a, b = postcodes.lookup(home), postcodes.lookup(placed)
    if a is None or b is None:
        return None
    metres = ((a.easting - b.easting) ** 2 + (a.northing - b.northing) ** 2) ** 0.5
    return round(metres / 1000 / 1.6093, 1)


# Counting -----------------------------------------------------------------------------------------


class _Tally:
    """Values and the records behind them, measure by measure and month by month."""

    def __init__(self, months):
        self.months = months
        self.counts = defaultdict(lambda: [0] * len(months))
        self.members = defaultdict(list)

    def add(self, name, index, counted):
        self.counts[name][index] += 1
        self.members[(name, index)].append(counted)

    def values(self, name):
        return tuple(self.counts[name])


def timeliness(authority, first_month, last_month, *, parts=frozenset(GROUPS), today=None):
    """The council's timeliness and spend from `first_month` to `last_month` (any day of each), as
    a `Report`; `parts` are the groups wanted (a finance officer's: `SPEND_PARTS`). ValueError when
    the first month is after the last."""
    first_month, last_month = first_month.replace(day=1), last_month.replace(day=1)
    if first_month > last_month:
        raise ValueError("The first month must be the same as or before the last month")
    today = today or timezone.localdate()
    months = months_between(first_month, last_month)
    as_of = tuple(None if month > today else min(last_day_of(month), today) for month in months)
    tally = _Tally(months)
    measures, reasons = [], ()
    if TIMELINESS in parts:
        measures += _referrals(authority, months, tally)
    if parts & {PLACEMENTS, DISTANCE, SIBLINGS}:
        placements = _placements(authority, months[0], last_day_of(months[-1]))
        if PLACEMENTS in parts:
            measures += _started(placements, authority, months, tally)
        if DISTANCE in parts:
            measures += _distance(placements, as_of, tally)
        if SIBLINGS in parts:
            measures += _siblings(placements, as_of, tally)
    if OFFERS in parts:
        offer_measures, reasons = _declined(authority, months, tally)
        measures += offer_measures
    if SPEND in parts:
        measures += _spend(authority, as_of)
    order = {group: number for number, group in enumerate(GROUPS)}
    measures.sort(key=lambda m: order[m.group])  # stable: each group's own order kept
    return Report(
        authority=authority, months=tuple(months), measures=tuple(measures), as_of=as_of,
        members=dict(tally.members), declined_reasons=reasons,
    )  # fmt: skip


def _index_of(months, day):
    """The index of the month `day` falls in, or None outside the period."""
    if day is None or day < months[0] or day > last_day_of(months[-1]):
        return None
    return (day.year - months[0].year) * 12 + day.month - months[0].month


def _children_of_referrals(referral_pks):
    """{referral pk: [(child pk, reference, name)]}, one query."""
    found = defaultdict(list)
    rows = Referral.children.through.objects.filter(referral_id__in=referral_pks).values_list(
        "referral_id", "child_id", "child__reference", "child__first_name", "child__last_name"
    )
    for referral, child, reference, first, last in rows.order_by("child__date_of_birth", "pk"):
        found[referral].append((child, reference, f"{first} {last}"))
    return found


def _referral_rows(referral, day, children, detail):
    """One Counted a child of the referral (a referral with no child yet: one without)."""
    if not children:
        return [Counted(on=day, referral_pk=referral, detail=detail)]
    return [
        Counted(on=day, child_pk=child, child_reference=reference, child_name=name,
                referral_pk=referral, detail=detail)
        for child, reference, name in children
    ]  # fmt: skip


def _referrals(authority, months, tally):
    last = last_day_of(months[-1])
    rows = list(
        Referral.objects.filter(
            authority=authority, approved_at__date__gte=months[0], approved_at__date__lte=last
        )
        .annotate(first_offer=Min("offers__made_at"), first_placed=Min("placements__started_on"))
        .values_list("pk", "approved_at", "first_offer", "first_placed")
        .order_by("approved_at", "pk")
    )
    children = _children_of_referrals([row[0] for row in rows])
    to_offer = [[] for _ in months]
    to_place = [[] for _ in months]
    for pk, approved_at, first_offer, first_placed in rows:
        ready = timezone.localtime(approved_at).date()
        index = _index_of(months, ready)
        if index is None:
            continue
        who = children.get(pk, [])
        tally.counts["referrals"][index] += 1
        tally.members[("referrals", index)] += _referral_rows(pk, ready, who, "Approved")
        if first_offer is not None:
            days = max(0, (timezone.localtime(first_offer).date() - ready).days)
            to_offer[index].append(days)
            tally.counts["referrals_offered"][index] += 1
            tally.members[("referrals_offered", index)] += _referral_rows(
                pk, ready, who, f"First offer after {days} day{'s' if days != 1 else ''}"
            )
        if first_placed is not None:
            days = max(0, (first_placed - ready).days)
            to_place[index].append(days)
            tally.counts["referrals_placed"][index] += 1
            tally.members[("referrals_placed", index)] += _referral_rows(
                pk, ready, who, f"Placed after {days} day{'s' if days != 1 else ''}"
            )
    # A median or mean of days lists the referrals it is made of.
    for index in range(len(months)):
        for name in ("days_to_offer_median", "days_to_offer_mean"):
            tally.members[(name, index)] = tally.members[("referrals_offered", index)]
        for name in ("days_to_placement_median", "days_to_placement_mean"):
            tally.members[(name, index)] = tally.members[("referrals_placed", index)]
    every_offer = [day for month in to_offer for day in month]
    every_placement = [day for month in to_place for day in month]
    count = tally.values
    return [
        Measure("referrals", "Referrals approved and sent to the placements team", TIMELINESS,
                count("referrals"), sum(count("referrals"))),
        Measure("referrals_offered", "Of those, with an offer so far", TIMELINESS,
                count("referrals_offered"), sum(count("referrals_offered"))),
        Measure("days_to_offer_median", "Median days to the first offer", TIMELINESS,
                tuple(_median(days) for days in to_offer), _median(every_offer), "days"),
        Measure("days_to_offer_mean", "Mean days to the first offer", TIMELINESS,
                tuple(_mean(days) for days in to_offer), _mean(every_offer), "days"),
        Measure("referrals_placed", "Of those, placed so far", TIMELINESS,
                count("referrals_placed"), sum(count("referrals_placed"))),
        Measure("days_to_placement_median", "Median days to the placement", TIMELINESS,
                tuple(_median(days) for days in to_place), _median(every_placement), "days"),
        Measure("days_to_placement_mean", "Mean days to the placement", TIMELINESS,
                tuple(_mean(days) for days in to_place), _mean(every_placement), "days"),
    ]  # fmt: skip


@dataclass(frozen=True)
class _Placement:
    pk: int
    child: int
    reference: str
    name: str
    sibling_group: int | None
    household: int
    household_name: str
    provider: int
    referral: int | None
    started_on: object
    ended_on: object
    home_postcode: str
    placement_postcode: str

    def open_on(self, day):
        return self.started_on <= day and (self.ended_on is None or self.ended_on > day)

    def counted(self, on, detail):
        return Counted(
            on=on, child_pk=self.child, child_reference=self.reference, child_name=self.name,
            referral_pk=self.referral, household_pk=self.household,
            household_name=self.household_name, detail=detail,
        )  # fmt: skip


def _placements(authority, first_day, last_day):
    """The council's placements that ran at any time from `first_day` to `last_day` (one query)."""
    rows = (
        Placement.objects.filter(authority=authority, started_on__lte=last_day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first_day))
        .values_list(
            "pk",
            "child_id",
            "child__reference",
            "child__first_name",
            "child__last_name",
            "child__sibling_group_id",
            "household_id",
            "household__name",
            "provider_id",
            "referral_id",
            "started_on",
            "ended_on",
            "home_postcode",
            "placement_postcode",
        )  # fmt: skip
        .order_by("started_on", "pk")
    )
    return [
        _Placement(pk, child, reference, f"{first} {last}", group, household, household_name,
                   provider, referral, started, ended, home, placed)
        for (pk, child, reference, first, last, group, household, household_name, provider,
             referral, started, ended, home, placed) in rows
    ]  # fmt: skip


def _started(placements, authority, months, tally):
    for placement in placements:
        index = _index_of(months, placement.started_on)
        if index is None:
            continue
        own = placement.provider == authority.pk
        kind = "The council's own carers" if own else "Another provider"
        tally.add("placements_started", index, placement.counted(placement.started_on, kind))
        if own:
            tally.add("in_house_started", index, placement.counted(placement.started_on, kind))
    started, in_house = tally.values("placements_started"), tally.values("in_house_started")
    for index in range(len(months)):
        tally.members[("in_house_share", index)] = tally.members[("in_house_started", index)]
    return [
        Measure("placements_started", "Placements started", PLACEMENTS, started, sum(started)),
        Measure("in_house_started", "With the council's own carers", PLACEMENTS, in_house,
                sum(in_house)),
        Measure("in_house_share", "The council's own carers, per cent", PLACEMENTS,
                tuple(_percent(a, b) for a, b in zip(in_house, started, strict=True)),
                _percent(sum(in_house), sum(started)), "percent"),
    ]  # fmt: skip


def _distance(placements, as_of, tally):
    miles = {}
    for index, day in enumerate(as_of):
        if day is None:
            continue
        for placement in placements:
            if not placement.open_on(day):
                continue
            if placement.pk not in miles:
                miles[placement.pk] = _miles_of(placement)
            away = miles[placement.pk]
            words = "Distance not known" if away is None else f"{away} miles from home"
            tally.add("children_in_placement", index, placement.counted(day, words))
            if away is None:
                tally.add("distance_unknown", index, placement.counted(day, words))
            elif away > MILES_AWAY:
                tally.add("placed_far", index, placement.counted(day, words))
    value = tally.values
    return [
        Measure("children_in_placement", "Children in placement on the last day", DISTANCE,
                _stock(value("children_in_placement"), as_of), None),
        Measure("placed_far", f"Of those, placed more than {MILES_AWAY} miles from home",
                DISTANCE, _stock(value("placed_far"), as_of), None),
        Measure("distance_unknown", "Of those, distance not known (postcode missing)", DISTANCE,
                _stock(value("distance_unknown"), as_of), None),
    ]  # fmt: skip


def _miles_of(placement):
    if not placement.home_postcode or not placement.placement_postcode:
        return None
    return dfe_distance(placement.home_postcode, placement.placement_postcode)


def _stock(values, as_of):
    return tuple(None if day is None else value for value, day in zip(values, as_of, strict=True))


def _siblings(placements, as_of, tally):
    for index, day in enumerate(as_of):
        if day is None:
            continue
        groups = defaultdict(list)
        for placement in placements:
            if placement.sibling_group is not None and placement.open_on(day):
                groups[placement.sibling_group].append(placement)
        for members in groups.values():
            if len(members) < 2:
                continue
            together = len({placement.household for placement in members}) == 1
            name = "siblings_together" if together else "siblings_apart"
            words = "Living together" if together else "Living apart"
            tally.counts[name][index] += 1
            for placement in members:
                tally.members[(name, index)].append(placement.counted(day, words))
    value = tally.values
    return [
        Measure("siblings_together", "Sibling groups in placement all with one household",
                SIBLINGS, _stock(value("siblings_together"), as_of), None),
        Measure("siblings_apart", "Sibling groups in placement with more than one household",
                SIBLINGS, _stock(value("siblings_apart"), as_of), None),
    ]  # fmt: skip


def _declined(authority, months, tally):
    last = last_day_of(months[-1])
    rows = (
        Offer.objects.filter(
            referral__authority=authority,
            status=Offer.Status.DECLINED,
            decided_at__date__gte=months[0],
            decided_at__date__lte=last,
        )  # fmt: skip
        .values_list(
            "pk",
            "referral_id",
            "household_id",
            "household__name",
            "source",
            "decided_at",
            "decision_reason",
        )
        .order_by("decided_at", "pk")
    )
    reasons = Counter()
    for _pk, referral, household, household_name, source, decided_at, reason in rows:
        day = timezone.localtime(decided_at).date()
        index = _index_of(months, day)
        if index is None:
            continue
        reason = " ".join(reason.split())
        reasons[reason] += 1
        counted = Counted(
            on=day, referral_pk=referral, household_pk=household, household_name=household_name,
            detail=reason,
        )  # fmt: skip
        tally.add("offers_declined", index, counted)
        tally.add(f"offers_declined_{source}", index, counted)
    value = tally.values
    declined = [
        Measure("offers_declined", "Offers declined by the social worker", OFFERS,
                value("offers_declined"), sum(value("offers_declined"))),
        Measure("offers_declined_in_house", "Offers from the council's own carers", OFFERS,
                value("offers_declined_in_house"), sum(value("offers_declined_in_house"))),
        Measure("offers_declined_agency", "Offers from agencies", OFFERS,
                value("offers_declined_agency"), sum(value("offers_declined_agency"))),
    ]  # fmt: skip
    return declined, tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0])))


def _spend(authority, as_of):
    """The spend report's figures on each month's day (`selectors.spend`, one query a month)."""
    reports = [None if day is None else selectors.spend(authority, day) for day in as_of]
    tiers, providers = {}, {}
    for report in reports:
        for line in report.by_tier if report else ():
            tiers.setdefault(line.key, line.label)
        for line in report.by_provider if report else ():
            providers.setdefault(line.key, line.label)

    def weekly(lines_of, key):
        values = []
        for report in reports:
            if report is None:
                values.append(None)
                continue
            line = next((line for line in lines_of(report) if line.key == key), None)
            values.append(line.weekly if line else Decimal("0.00"))
        return tuple(values)

    measures = [
        Measure(f"spend_tier_{key}", f"Approved by: {label}", SPEND,
                weekly(lambda report: report.by_tier, key), None, "money")
        for key, label in tiers.items()
    ]  # fmt: skip
    measures += [
        Measure(f"spend_provider_{key}", f"Provider: {label}", SPEND,
                weekly(lambda report: report.by_provider, key), None, "money")
        for key, label in sorted(providers.items(), key=lambda item: (item[1], item[0]))
    ]  # fmt: skip
    total = tuple(None if report is None else report.weekly for report in reports)
    measures.append(
        Measure("spend_total", "All agency placements, weekly", SPEND, total, None, "money")
    )
    return measures


def _spend_counted(report, name, index):
    """The agency placements behind a spend figure, on its month's day (one query)."""
    day = report.as_of[index]
    if day is None:
        return []
    rows = []
    for placement in selectors.open_agency_placements(report.authority, day).select_related(
        "child", "household"
    ):
        tier = placement.approved_tier or selectors.AWAITING
        if (
            name == f"spend_tier_{tier}"
            or name == f"spend_provider_{placement.provider_id}"
            or (name == "spend_total")
        ):
            child = placement.child
            rows.append(
                Counted(
                    on=day,
                    child_pk=child.pk,
                    child_reference=child.reference,
                    child_name=child.full_name,
                    referral_pk=placement.referral_id,
                    household_pk=placement.household_id,
                    household_name=placement.household.name,
                    detail=f"£{placement.weekly_cost:,.2f} a week, {placement.provider.name}",
                )  # fmt: skip
            )
    return rows


def children_of(counted):
    """The children a list of counted records names (for the audit of a list shown)."""
    return {row.child_pk for row in counted if row.child_pk is not None}
