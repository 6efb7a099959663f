"""Sufficiency (issue 8, part 5): the foster homes children will need against the places there
will be, month by month ahead, by age band, type of care and the size of the group of brothers
and sisters who need to live together. Printed by `hearth report sufficiency` and shown on the
screen `sufficiency`; every figure lists the children, households or forecast rows it counts
(`Sufficiency.counted`).

The months run from `first` (this month or later) to `last`. What Hearth knows today is dated:
a need or a place arising before the first month shown (today, or a date already passed) is
counted in the first month, and one arising after the last month is not counted. A child is
counted at most once in the demand, in the first month a need arises (when two rules count the
same child in one month: in the order below); a household's place that frees up is counted once,
at the child's first planned ending, which need not be the month the child is counted (`pending`).

**Demand** (homes needed), the council's own children only:

- `waiting`: the children of the council's open searches who live in no placement of the
  council now. An open search is one on the placements tracker (approved, searching, matched,
  or returned at screening) or one sent for approval and still with the team manager or the
  service lead (`hearth.referrals.selectors.children_of_open_searches`, before approval
  included); drafts and referrals back with the social worker before approval are not. A
  child already placed by the referral's own match is not counted (a referral of brothers and
  sisters stays open until every child of it is placed). Counted in the month of the
  referral's date needed, or the first month when it is today or past or not given.
- `moving`: the same for children who live in a placement of the council now (the notice that
  a placement ends is the referral for the next home: Hearth records no other notice, and no
  ending before it happens). Counted as `waiting` is.
- `at_risk`: children whose open placement has a stability meeting to be held, held with its
  minutes still to circulate, or circulated with its review date still to come (the stability
  work's watch): counted in the first month.
- `outgrowing`: children whose birthday in the months takes them past the oldest age their
  carers are approved for (the household's `max_age`), at 17 or younger: counted in the month
  of the birthday. A child already older than the approval is not counted: they live there by
  an exemption or terms not yet updated, which is the fostering team's review, not a move.
- `entries`: the children expected to come into foster care, from the forecast
  (`hearth.ssda903.forecast.forecast(authority, this month, months)`, its mean entries a month
  by age band into the fostering category over the 24 months before this month); for this
  month, only the share of the month still to come. The fostering category holds kinship care
  (PLACE U1 to U3) too, whose children live with family or friends approved for them by name:
  no place of the supply is theirs. So the entries are scaled by the council's share of the
  children who came into foster care over those 24 months (episodes starting a period of care,
  RNE S) placed with other foster carers (U4 to U6); the kinship share is shown beside the gap
  as residential care is (`Sufficiency.other_entries`), not counted in it, and every entry is
  counted when no child came into foster care then. The forecast cannot say which type of care
  they will need: a child coming into care is placed first in short-term (or emergency) care, so
  they are counted as short-term. Entries into residential, supported and other care are shown
  beside the gap but not counted in it: Hearth holds no children's homes' vacancies. A child new
  to care whose referral is already open may be counted twice this month (their search and an
  expected entry): the forecast cannot tell them apart.

**Supply** (places available), never another council's households:

- `in_house`: the vacant places of the council's own approved carers today, as the carers' view
  (`hearth.fostering.sufficiency`) counts them (places approved less children living there,
  households not on hold), except households approved only for named children (a Regulation 24
  temporary approval or a kinship approval with named children): no other child may take their
  places. Counted in the first month. An emergency booking not yet recorded as a placement does
  not take a place here, as in the carers' view.
- `agency`: the free places of agencies' approved households (the shared market: every
  agency's), on the same rule as `in_house`: not on hold, not a Regulation 24 temporary
  approval, not for named children only (the providers' directory's figures,
  `hearth.people.selectors.provider_vacancies`, count temporary approvals too, so they may be
  more). Counted in the first month. A list shows an agency's households as one line a figure
  and month, tallied in memory (`as_listed`: "Beacon: 3 free places in 2 households; 1 takes
  two together"), never a household's name, ages or terms: councils see agencies' figures,
  not their carers' records. So does the list of `pending` for a place with an agency.
- `pending`: the place a council child's placement frees, with the council's own carers or an
  agency's (not on hold, not for named children only), when a planned ending happens: the
  child's move for an open search (in the month of the search's date needed, or the first
  month when it is today or past or not given: a child counted earlier, at risk, still frees
  the place when the search says they move), their birthday past the carers' approval
  (`outgrowing`), or their 18th birthday (leaving care; Hearth does not record Staying Put, so
  every one is counted). A placement at risk frees no planned place.
- `approvals`: places of the council's households in assessment due at panel for approval in
  the month: the latest panel item of each assessment (Form F; a Form K kinship approval is for
  a named child already living there; an assessment booked again is counted once, at its
  latest panel) when it is not decided, withdrawn, deferred or recommended against, and its
  panel sits in the months (one already sat and waiting for the minutes or for the decision
  within the decision maker's deadline: the first month). The places, ages and types of care
  are those recommended at panel when recorded, else the household's. An item whose decision
  is overdue (its `decision_due_on`, the policy's `adm_decision` after the minutes, before
  today) is not counted: an approval that late is not a place to plan on. It is shown apart,
  `decision_overdue` (`Sufficiency.overdue`), for the fostering team to chase.

**By age band** (the forecast's: under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over), a child by
their age on the day counted; a household's places in every band its ages approved cover, so
the bands add up to more than the total: each answers "what could a child of this age have?".
**By type of care**, a child by the referral's type of care (for a search) or the placement's
(otherwise), a household's places under every type it is approved for; a child whose type is not
given could take any place, so that row's supply is every place. **By sibling group size** (1,
2, 3, 4 or more), demand counts groups: a referral's children, or the children of one sibling
group living with the same carers, counted in the same month whatever rule counts each (a
referral's child waiting and their brother moving on are one group of two), once a month;
supply counts households that could take a group that size together: as many free places as
the group (the places freed or approved in that month), and taking brothers and sisters for a
group of two or more. So these rows count groups and households, not children and places.

The **gap** is supply less demand, each month; the running gap adds the months so far (a place
free in one month is still free the next, as far as Hearth knows). Seven queries, whatever the
number of months (six when given the forecast already made: `sufficiency(..., predicted=)`):
open placements, open searches, stability meetings, households with vacancies (the council's
and agencies'), panel items, the kinship share and the forecast's episodes; the back-test of
the forecast (`trust`) two more.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from hearth.core.deadlines import add_months, age_on, birthday, last_day_of, months_between
from hearth.core.models import Organisation
from hearth.fostering import sufficiency as carers_view
from hearth.fostering.models import Assessment, PanelItem
from hearth.people.models import Household
from hearth.placements.codes import FOSTERING_PLACES, KINSHIP_PLACES
from hearth.placements.models import Placement
from hearth.referrals.models import Referral, Status
from hearth.referrals.selectors import children_of_open_searches
from hearth.ssda903 import forecast as forecasting
from hearth.ssda903.models import Episode
from hearth.stability.models import Meeting
from hearth.web.presenters import long_date

BANDS = forecasting.BANDS  # under 1, 1 to 4, 5 to 9, 10 to 15, 16 and over
BAND_AGES = ((0, 0), (1, 4), (5, 9), (10, 15), (16, 17))
BAND_KEYS = ("0", "1-4", "5-9", "10-15", "16-17")
SIZES = (1, 2, 3, 4)  # 4: four or more
SIZE_KEYS = {1: "1", 2: "2", 3: "3", 4: "4"}  # 4: four or more (a "+" would not survive a URL)
SIZE_LABELS = {1: "One child", 2: "Two together", 3: "Three together", 4: "Four or more together"}
NOT_GIVEN = "not_given"
TYPE_LABELS = {**carers_view.CARE_TYPE_LABELS, NOT_GIVEN: "Type of care not given"}
ENTRY_TYPE = "short_term"
FOSTERING = forecasting.CATEGORIES.index("fostering")
ADULT = 18
REFERENCE_MONTHS = 24  # the forecast's entries: the mean a month over the 24 months before
KINSHIP_ENTRIES = "Foster care with family or friends (kinship)"

DEMAND = {
    "waiting": "Children waiting for a home (open search, no placement now)",
    "moving": "Children to move on (open search, living in a placement)",
    "at_risk": "Children in placements at risk (stability meetings)",
    "outgrowing": "Children growing past their carers' approved ages",
    "entries": "Children expected to come into foster care (forecast, kinship apart)",
}
SUPPLY = {
    "in_house": "Vacancies with the council's carers",
    "agency": "Vacancies with agencies' carers",
    "pending": "Places freed by planned endings",
    "approvals": "Places of carers due at panel for approval",
}
TOTALS = {
    "demand": "Homes needed",
    "supply": "Places available",
    "gap": "Gap: places less homes needed",
    "running_gap": "Gap so far, from the first month",
}
# Shown apart, not counted in the places available.
ASIDE = {"decision_overdue": "Carers whose approval decision is overdue (not counted)"}
FIGURES = (*DEMAND, "demand", *SUPPLY, "supply", "gap", "running_gap")
LABELS = {**DEMAND, "demand": TOTALS["demand"], **SUPPLY, **TOTALS, **ASIDE}
# What the breakdowns' rows count: homes and places, but groups and households by sibling size.
PARTS = {"demand": TOTALS["demand"], "supply": TOTALS["supply"], "gap": TOTALS["gap"]}
SIZE_PARTS = {
    "demand": "Groups needing a home together",
    "supply": "Households able to take the group together",
    "gap": "Gap: households less groups",
}
ROW_WORDS = {"demand": "homes needed", "supply": "places", "gap": "gap"}
SIZE_ROW_WORDS = {
    "demand": "groups needing a home",
    "supply": "households able to take them",
    "gap": "gap, households less groups",
}
# Stability meetings that keep a placement on the watch: to be held, or minutes to circulate.
WATCHING = (Meeting.Status.REQUESTED, Meeting.Status.HELD)


# The records each figure counts ------------------------------------------------------------------


@dataclass(frozen=True)
class Need:
    """A child counted in the demand (or, for `entries`, a forecast row: no child, `weight`
    children expected)."""

    figure: str
    month: int  # index in the months shown
    on: date  # the day the need arises (today for one already there)
    band: int
    care_type: str
    group: str  # the children counted together (a referral, or siblings with the same carers)
    child_pk: int | None = None
    reference: str = ""
    name: str = ""
    referral_pk: int | None = None
    household_pk: int | None = None  # where the child lives now (the council's own carers)
    household_name: str = ""  # named only for the council's own carers
    provider_pk: int | None = None  # an agency's carers: the agency
    provider_name: str = ""
    detail: str = ""
    weight: float = 1.0
    size: int = 1  # the group's size: set once every need is known

    @property
    def is_child(self):
        return self.child_pk is not None


@dataclass(frozen=True)
class Place:
    """A household's places counted in the supply in a month."""

    figure: str
    month: int
    on: date
    household_pk: int
    household_name: str  # "" for an agency's household (not named to councils)
    provider_pk: int
    provider_name: str
    in_house: bool
    places: int
    min_age: int
    max_age: int
    care_types: tuple
    takes_siblings: bool
    detail: str = ""

    def covers(self, band):
        low, high = BAND_AGES[band]
        return self.min_age <= high and self.max_age >= low

    def offers(self, care_type):
        return care_type == NOT_GIVEN or care_type in self.care_types

    @property
    def capacity(self):
        """The largest group of brothers and sisters these places take together."""
        return self.places if self.takes_siblings else min(self.places, 1)


@dataclass(frozen=True)
class AgencyPlaces:
    """An agency's places one figure counts in a month, as a council may see them: tallies made
    from the agency's households in memory, never a household (councils see agencies' figures,
    not their carers' records)."""

    figure: str
    month: int
    provider_pk: int
    provider_name: str
    places: int
    households: int
    together: tuple  # ((group size, households taking that many together at most), ...), 2 up
    reasons: tuple = ()  # the council's children's planned endings that free them (`pending`)

    in_house = False
    household_pk = None
    household_name = ""

    @property
    def detail(self):
        count = self.places
        places = (
            f"{count} place{_s(count)} freed" if self.figure == "pending"
            else f"{count} free place{_s(count)}"
        )  # fmt: skip
        words = (
            f"{self.provider_name}: {places} in {self.households} household{_s(self.households)}"
        )
        for size, count in self.together:
            verb = "takes" if count == 1 else "take"
            words += f"; {count} {verb} {SIZE_LABELS[size].lower()}"
        if self.reasons:
            words += f". {'; '.join(self.reasons)}"
        return words


def as_listed(places):
    """The places as a list shows them: the council's households one by one; an agency's
    households in one `AgencyPlaces` a figure and month, where the first of them comes."""
    listed, tallies = [], {}
    for place in places:
        if place.in_house:
            listed.append(place)
            continue
        key = (place.figure, place.month, place.provider_pk)
        if key not in tallies:
            tallies[key] = []
            listed.append(key)
        tallies[key].append(place)
    return [item if isinstance(item, Place) else _agency_places(tallies[item]) for item in listed]


def _agency_places(places):
    first = places[0]
    together = Counter(min(place.capacity, 4) for place in places if place.capacity >= 2)
    reasons = [
        reason for place in places if place.figure == "pending"
        for reason in place.detail.split("; ")
    ]  # fmt: skip
    return AgencyPlaces(
        figure=first.figure, month=first.month, provider_pk=first.provider_pk,
        provider_name=first.provider_name, places=sum(place.places for place in places),
        households=len(places), together=tuple(sorted(together.items())), reasons=tuple(reasons),
    )  # fmt: skip


def households_in(listed):
    """How many households the places listed (`as_listed`) are."""
    return sum(item.households if isinstance(item, AgencyPlaces) else 1 for item in listed)


def groups_in(needs):
    """How many groups of brothers and sisters the needs are (children counted together in a
    month are one; a forecast row is its children, each on their own)."""
    groups = {(need.month, need.group) for need in needs if need.is_child}
    return len(groups) + sum(need.weight for need in needs if not need.is_child)


def _s(count):
    return "" if count == 1 else "s"


LIST_HEADER = (
    "Month", "Figure", "Child reference", "Child", "Referral", "Household", "Provider", "Ages",
    "Type of care", "Children together", "Places", "Detail", "Counts as",
)  # fmt: skip


def list_rows(needs, places, months, *, by_group=False):
    """The lines of a downloaded list: each need, then the places as listed (`as_listed`: an
    agency's in one line). "Counts as" is what each adds to the figure: a child 1 (a forecast
    row its children expected) and a place its places; by sibling group size (`by_group`), a
    group 1 (on its first child's line) and a household 1; a place shown apart 0."""
    rows, groups = [], set()
    for need in needs:
        counts = shown(need.weight)
        if by_group and need.is_child:
            counts = 0 if (need.month, need.group) in groups else 1
            groups.add((need.month, need.group))
        rows.append(_need_row(need, months, counts))
    for place in as_listed(places):
        households = place.households if isinstance(place, AgencyPlaces) else 1
        counts = households if by_group else place.places
        rows.append(_place_row(place, months, 0 if place.figure in ASIDE else counts))
    return rows


def _need_row(need, months, counts):
    return [
        f"{months[need.month]:%Y-%m}", LABELS[need.figure], need.reference, need.name,
        need.referral_pk or "", need.household_name, need.provider_name, BANDS[need.band],
        type_label(need.care_type), need.size if need.is_child else "", "", need.detail, counts,
    ]  # fmt: skip


def _place_row(place, months, counts):
    month, label = f"{months[place.month]:%Y-%m}", LABELS[place.figure]
    if isinstance(place, AgencyPlaces):  # an agency's tallies: no household's ages or terms
        households = f"{place.households} household{_s(place.households)}"
        return [
            month, label, "", "", "", households, place.provider_name, "", "", "", place.places,
            place.detail, counts,
        ]  # fmt: skip
    return [
        month, label, "", "", "", place.household_name, place.provider_name,
        f"{place.min_age} to {place.max_age}",
        "; ".join(type_label(kind) for kind in place.care_types), place.capacity, place.places,
        place.detail, counts,
    ]  # fmt: skip


def type_label(care_type):
    return TYPE_LABELS.get(care_type, care_type.replace("_", " ").capitalize())


def shown(value):
    """A figure as printed: whole numbers as they are, others to one decimal place."""
    if value is None:
        return ""
    rounded = round(value, 1)
    return int(rounded) if rounded == int(rounded) else rounded


# The result -----------------------------------------------------------------------------------------


@dataclass
class Sufficiency:
    authority: object
    months: tuple  # the first day of each month
    today: date
    needs: list
    places: list
    forecast: object = field(repr=False, default=None)  # entries of every category, by month
    entry_months: tuple = ()  # the forecast's month index for each month shown (carried first)
    kinship_share: float = 0.0  # of the entries into foster care: with family or friends
    overdue: list = field(default_factory=list)  # `decision_overdue`: places shown apart

    def __post_init__(self):
        self._tally()

    @property
    def month_names(self):
        return [f"{month:%Y-%m}" for month in self.months]

    # Tallies: every figure, month by month, in one pass over the records -------------------------

    def _tally(self):
        count = len(self.months)
        self.values = {name: [0.0] * count for name in FIGURES}
        self.by = {
            "band": {key: _demand_supply(count) for key in range(len(BANDS))},
            "type": {key: _demand_supply(count) for key in self.care_types()},
            "size": {key: _demand_supply(count) for key in SIZES},
        }
        self._tally_needs()
        self._tally_places()
        self._tally_gaps()

    def _tally_needs(self):
        groups = set()
        for need in self.needs:
            month, weight = need.month, need.weight
            self.values[need.figure][month] += weight
            self.values["demand"][month] += weight
            self.by["band"][need.band]["demand"][month] += weight
            self.by["type"][need.care_type]["demand"][month] += weight
            group = (month, need.group)  # a group once a month, whatever figures count it
            if not need.is_child:  # a forecast row: that many children, each on their own
                self.by["size"][1]["demand"][month] += weight
            elif group not in groups:
                groups.add(group)
                self.by["size"][min(need.size, 4)]["demand"][month] += 1

    def _tally_places(self):
        for place in self.places:
            month, places = place.month, place.places
            self.values[place.figure][month] += places
            self.values["supply"][month] += places
            for band in range(len(BANDS)):
                if place.covers(band):
                    self.by["band"][band]["supply"][month] += places
            for care_type in self.by["type"]:
                if place.offers(care_type):
                    self.by["type"][care_type]["supply"][month] += places
            for size in SIZES:
                if place.capacity >= size:
                    self.by["size"][size]["supply"][month] += 1

    def _tally_gaps(self):
        running = 0.0
        for month, (supply, demand) in enumerate(
            zip(self.values["supply"], self.values["demand"], strict=True)
        ):
            running += supply - demand
            self.values["gap"][month] = supply - demand
            self.values["running_gap"][month] = running
        for breakdown in self.by.values():
            for cells in breakdown.values():
                cells["gap"] = [
                    s - d for s, d in zip(cells["supply"], cells["demand"], strict=True)
                ]

    def care_types(self):
        """The types of care any need or place counts, in the vocabulary's order."""
        found = {need.care_type for need in self.needs}
        for place in self.places:
            found.update(place.care_types)
        order = list(TYPE_LABELS)
        return sorted(found, key=lambda kind: (order.index(kind) if kind in order else 99, kind))

    def total(self, name):
        """The figure over all the months (none for the running gap: its last month is it)."""
        return None if name == "running_gap" else sum(self.values[name])

    def total_of_first(self, name, count):
        """The figure over the first `count` months shown: what the report of those months alone
        totals (no figure of a month depends on the months after it)."""
        return sum(self.values[name][:count])

    def breakdowns(self):
        """[(by, words, [(key, label, {"demand", "supply", "gap": [per month]})])]."""
        return [
            ("band", "age band",
             [(BAND_KEYS[b], BANDS[b], cells) for b, cells in self.by["band"].items()]),
            ("type", "type of care",
             [(key, type_label(key), cells) for key, cells in self.by["type"].items()]),
            ("size", "sibling group size",
             [(SIZE_KEYS[s], SIZE_LABELS[s], cells) for s, cells in self.by["size"].items()]),
        ]  # fmt: skip

    @staticmethod
    def part_label(by, part):
        """What a breakdown's `demand`, `supply` or `gap` counts: homes needed and places, but by
        sibling group size groups and the households that could take them."""
        return (SIZE_PARTS if by == "size" else PARTS)[part]

    @staticmethod
    def row_words(by, part):
        """The same, short, after a row's group ("Two together: groups needing a home")."""
        return (SIZE_ROW_WORDS if by == "size" else ROW_WORDS)[part]

    def other_entries(self):
        """[(label, [expected entries per month])]: the forecast's entries into care not counted
        in the gap: into foster care with family or friends (its kinship share), residential,
        supported and other care."""
        rows = []
        if self.forecast is None:
            return rows
        for index, category in enumerate(forecasting.CATEGORIES):
            values = [0.0] * len(self.months)
            for forecast_month, month in enumerate(self.entry_months):
                if month is not None:
                    share = self._entry_share(forecast_month)
                    values[month] += share * self.forecast.entries[forecast_month, :, index].sum()
            if index == FOSTERING:
                values = [value * self.kinship_share for value in values]
                rows.append((KINSHIP_ENTRIES, values))
            else:
                rows.append((forecasting.CATEGORY_LABELS[category], values))
        return rows

    def _entry_share(self, forecast_month):
        if forecast_month:
            return 1.0
        return _share_of_month_to_come(self.today)

    # The records behind a figure ----------------------------------------------------------------

    def month_index(self, month_name):
        """The index of a month given as YYYY-MM; None for every month; ValueError else."""
        if not month_name:
            return None
        return self.month_names.index(month_name)

    def counted(self, figure, month_name="", *, band="", care_type="", size=""):
        """(needs, places) figure `figure` counts in the month YYYY-MM (every month: empty; the
        running gap: every month up to it), narrowed to an age band (`BAND_KEYS`), a type of care
        or a sibling group size (`SIZE_KEYS`) when given. ValueError for a figure, month, band,
        type or size the result does not have. `decision_overdue` (`ASIDE`): the places shown
        apart, counted in no figure."""
        if figure not in FIGURES and figure not in ASIDE:
            raise ValueError(f"no figure {figure!r}")
        index = self.month_index(month_name)
        months = (
            set(range(len(self.months))) if index is None
            else set(range(index + 1)) if figure == "running_gap" else {index}
        )  # fmt: skip
        needs = [n for n in self.needs if n.month in months and _wanted(n.figure, figure, DEMAND)]
        places = [p for p in self.places if p.month in months and _wanted(p.figure, figure, SUPPLY)]
        if figure in ASIDE:
            places = [place for place in self.overdue if place.month in months]
        if band:
            number = BAND_KEYS.index(band)
            needs = [need for need in needs if need.band == number]
            places = [place for place in places if place.covers(number)]
        if care_type:
            if care_type not in self.by["type"]:
                raise ValueError(f"no type of care {care_type!r}")
            needs = [need for need in needs if need.care_type == care_type]
            places = [place for place in places if place.offers(care_type)]
        if size:
            number = next((s for s, key in SIZE_KEYS.items() if key == size), None)
            if number is None:
                raise ValueError(f"no sibling group size {size!r}")
            needs = [n for n in needs if (min(n.size, 4) == number if n.is_child else number == 1)]
            places = [place for place in places if place.capacity >= number]
        return needs, places

    # What `hearth report sufficiency` prints ---------------------------------------------------

    def as_json(self):
        plain = _plain_list
        return {
            "months": self.month_names,
            "counted_on": self.today.isoformat(),
            "measures": {name: plain(self.values[name]) for name in FIGURES},
            "labels": {name: LABELS[name] for name in FIGURES},
            "totals": {name: _plain(self.total(name)) for name in FIGURES},
            "by": {
                words.replace(" ", "_"): [
                    {"key": key, "label": label,
                     **{part: plain(cells[part]) for part in ("demand", "supply", "gap")}}
                    for key, label, cells in rows
                ]
                for _by, words, rows in self.breakdowns()
            },
            "by_labels": {
                words.replace(" ", "_"): {part: self.part_label(by, part) for part in PARTS}
                for by, words, _rows in self.breakdowns()
            },
            "other_entries": {label: plain(values) for label, values in self.other_entries()},
        }  # fmt: skip

    def csv_header(self):
        return ["measure", "label", "by", "group", *self.month_names, "total"]

    def csv_rows(self):
        rows = [
            [name, LABELS[name], "", "", *map(shown, self.values[name]), shown(self.total(name))]
            for name in FIGURES
        ]
        for by, words, groups in self.breakdowns():
            for _key, label, cells in groups:
                for part in PARTS:
                    values = cells[part]
                    rows.append([part, self.part_label(by, part), words, label, *map(shown, values),
                                 shown(sum(values))])  # fmt: skip
        return rows

    def text_table(self):
        blank = [""] * (len(self.months) + 1)
        rows = []
        sections = (("HOMES NEEDED", [*DEMAND, "demand"]), ("PLACES", [*SUPPLY, "supply"]),
                    ("GAP", ["gap", "running_gap"]))  # fmt: skip
        for title, names in sections:
            rows.append([title, *blank])
            for name in names:
                rows.append([f"  {LABELS[name]}", *map(_text, self.values[name]),
                             _text(self.total(name))])  # fmt: skip
        for by, title, groups in self.breakdowns():
            rows.append([f"BY {title.upper()}", *blank])
            for _key, label, cells in groups:
                for part in PARTS:
                    values = cells[part]
                    rows.append([f"  {label}: {self.row_words(by, part)}", *map(_text, values),
                                 _text(sum(values))])  # fmt: skip
        return ["measure", *self.month_names, "total"], rows


def _demand_supply(count):
    return {"demand": [0.0] * count, "supply": [0.0] * count}


def _wanted(own, figure, side):
    if figure in ("gap", "running_gap") or figure == own:
        return True
    return (figure == "demand" and side is DEMAND) or (figure == "supply" and side is SUPPLY)


def _plain(value):
    return None if value is None else shown(value)


def _plain_list(values):
    return [shown(value) for value in values]


def _text(value):
    return "" if value is None else str(shown(value))


def _share_of_month_to_come(today):
    days = last_day_of(today).day
    return (days - today.day + 1) / days


# Counting --------------------------------------------------------------------------------------------


class _Period:
    def __init__(self, first, last, today):
        self.first, self.last, self.today = first, last, today
        self.months = months_between(first, last)
        self.end = last_day_of(last)

    def index(self, day):
        """The month `day` is counted in: the first for a day before it, None after the last."""
        if day > self.end:
            return None
        return max(0, (day.year - self.first.year) * 12 + day.month - self.first.month)


def band_of(age):
    for number, (_low, high) in enumerate(BAND_AGES):
        if age <= high:
            return number
    return len(BAND_AGES) - 1


def _band_on(born, day):
    return band_of(max(age_on(born, day), 0))


def sufficiency(authority, first_month, last_month, *, today=None, predicted=None):
    """The council's demand for foster homes against the places there will be, from
    `first_month` to `last_month` (any day of each), as a `Sufficiency`. ValueError when the
    first month is before this month or after the last. `predicted`: the council's forecast
    already made from this month (`hearth.ssda903.forecast.forecast(authority, this month, n)`,
    its 24 months of reference), used for the entries when it covers the months instead of
    making it again (one query and its sums fewer: the director's dashboard has one)."""
    today = today or timezone.localdate()
    first, last = first_month.replace(day=1), last_month.replace(day=1)
    if first < today.replace(day=1):
        raise ValueError("Sufficiency looks ahead: the first month must be this month or later")
    if first > last:
        raise ValueError("The first month must be the same as or before the last month")
    period = _Period(first, last, today)
    placements = _open_placements(authority)
    needs, freed = _needs(authority, period, placements)
    approvals, overdue = _approvals(authority, period)
    places = _vacancies(authority, period) + _pending(period, placements, freed) + approvals
    predicted, entry_months = _entries(authority, period, predicted)
    kinship = _kinship_share(authority, predicted.reference)
    needs += _expected(predicted, entry_months, period, kinship)
    return Sufficiency(
        authority=authority, months=tuple(period.months), today=today, needs=_sized(needs),
        places=places, forecast=predicted, entry_months=entry_months, kinship_share=kinship,
        overdue=overdue,
    )  # fmt: skip


def trust(authority, *, today=None):
    """How far to trust the forecast entries: the back-test of the same forecast made 12 months
    ago against what the episodes say happened (`hearth.ssda903.forecast.backtest`)."""
    today = today or timezone.localdate()
    return forecasting.backtest(authority, add_months(today.replace(day=1), -12), 12)


# Demand ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Placed:
    """A council child's open placement, with the carers' terms."""

    pk: int
    child: int
    reference: str
    name: str
    born: date
    sibling_group: int | None
    care_type: str
    referral: int | None
    offer: int | None
    household: int
    household_name: str
    provider: int
    provider_name: str
    in_house: bool  # the council's own carers
    agency: bool
    status: str
    min_age: int
    max_age: int
    care_types: tuple
    takes_siblings: bool
    named: bool  # approved for named children only

    @property
    def frees_a_place(self):
        """Whether the place it frees is one another child could take."""
        return (
            (self.in_house or self.agency)
            and self.status == Household.Status.APPROVED
            and not self.named
        )

    def where(self):
        """(household pk, household name, provider pk, provider name) as a list may show them."""
        if self.in_house:
            return self.household, self.household_name, None, ""
        if self.agency:
            return None, "", self.provider, self.provider_name
        return None, "", None, self.provider_name


def _named_only():
    """Whether a household is approved for named children (a subquery on the household's pk)."""
    through = Household.named_children.through.objects.filter(household_id=OuterRef("pk"))
    return Exists(through)


def _open_placements(authority):
    """{child pk: _Placed}: the council's children's open placements (one query)."""
    named = Household.named_children.through.objects.filter(household_id=OuterRef("household_id"))
    rows = (
        Placement.objects.filter(authority=authority, child__authority=authority,
                                 ended_on__isnull=True)
        .annotate(named=Exists(named))
        .values_list(
            "pk", "child_id", "child__reference", "child__first_name", "child__last_name",
            "child__date_of_birth", "child__sibling_group_id", "care_type", "referral_id",
            "offer_id", "household_id", "household__name", "household__provider_id",
            "household__provider__name", "household__provider__kind", "household__status",
            "household__min_age", "household__max_age", "household__care_types",
            "household__accepts_siblings", "named",
        )
        .order_by("started_on", "pk")
    )  # fmt: skip
    placed = {}
    for row in rows:
        (pk, child, reference, first_name, last_name, born, group, care_type, referral, offer,
         household, household_name, provider, provider_name, kind, status, min_age, max_age,
         care_types, takes_siblings, named) = row  # fmt: skip
        placed[child] = _Placed(
            pk=pk, child=child, reference=reference, name=f"{first_name} {last_name}", born=born,
            sibling_group=group, care_type=care_type or NOT_GIVEN, referral=referral, offer=offer,
            household=household, household_name=household_name, provider=provider,
            provider_name=provider_name, in_house=provider == authority.pk,
            agency=kind == Organisation.Kind.AGENCY, status=status, min_age=min_age,
            max_age=max_age, care_types=tuple(care_types or ()), takes_siblings=takes_siblings,
            named=named,
        )  # fmt: skip
    return placed


def _searches(authority):
    """[(referral pk, status, type of care, date needed, child pk, reference, name, born)]: the
    children of the council's open searches still to be placed by them, before approval
    included (one query)."""
    searches = children_of_open_searches(
        Referral.objects.filter(authority=authority), include_before_approval=True
    )
    return list(
        searches.filter(child__authority=authority)
        .values_list(
            "referral_id", "referral__status", "referral__placement_type",
            "referral__date_needed", "child_id", "child__reference", "child__first_name",
            "child__last_name", "child__date_of_birth",
        )
        .order_by("referral_id", "child__date_of_birth", "child_id")
    )  # fmt: skip


def _watched(authority, today):
    """{placement pk: the stability meeting keeping it on the watch} (one query)."""
    meetings = (
        Meeting.objects.filter(
            authority=authority, kind=Meeting.Kind.STABILITY, placement__ended_on__isnull=True
        )
        .filter(
            Q(status__in=WATCHING) | Q(status=Meeting.Status.CIRCULATED, next_meeting_on__gte=today)
        )
        .values_list("placement_id", "pk", "status", "next_meeting_on")
        .order_by("requested_at", "pk")
    )
    found = {}
    for placement, pk, status, next_meeting_on in meetings:
        found[placement] = (pk, status, next_meeting_on)
    return found


class _Found:
    """What the rules find, child by child: each need (with the rule's order, for a tie on the
    day) and the first planned ending of the child's placement."""

    def __init__(self, period):
        self.period = period
        self.candidates = defaultdict(list)  # child pk -> [(day, order, Need)]
        self.freed = {}  # child pk -> (day, why)

    def need(self, child, day, order, need):
        self.candidates[child].append((day, order, need))

    def free(self, child, day, why):
        if child not in self.freed or day < self.freed[child][0]:
            self.freed[child] = (day, why)

    def first_needs(self):
        """Each child's first need, in the month it is counted (none after the last month)."""
        needs = []
        for candidates in self.candidates.values():
            day, _order, need = min(candidates, key=lambda item: (item[0], item[1]))
            month = self.period.index(day)
            if month is not None:
                needs.append(replace(need, month=month))
        return needs


def _needs(authority, period, placements):
    """(needs, {child pk: (day, why) of the first planned ending of their placement})."""
    found = _Found(period)
    _from_searches(authority, placements, found)
    _from_placements(authority, placements, found)
    return found.first_needs(), found.freed


def _from_searches(authority, placements, found):
    today = found.period.today
    for row in _searches(authority):
        referral, status, care_type, needed, child, reference, first_name, last_name, born = row
        placed = placements.get(child)
        day = max(needed or today, today)
        when = f"needed by {long_date(needed)}" if needed and needed > today else "needed now"
        need = Need(
            figure="moving" if placed else "waiting", month=0, on=day, band=_band_on(born, day),
            care_type=care_type or NOT_GIVEN, group=f"referral:{referral}", child_pk=child,
            reference=reference, name=f"{first_name} {last_name}", referral_pk=referral,
            detail=f"Referral {referral}, {Status(status).label.lower()}: {when}",
        )  # fmt: skip
        if placed:
            need = _living_with(need, placed)
            found.free(child, day, f"A child moves on (referral {referral})")
        found.need(child, day, 0, need)


def _from_placements(authority, placements, found):
    today, end = found.period.today, found.period.end
    watched = _watched(authority, today)
    for child, placed in placements.items():
        if placed.pk in watched:
            found.need(child, today, 1, _at_risk(placed, today, *watched[placed.pk]))
        age_now = age_on(placed.born, today)
        past = placed.max_age + 1
        if age_now < past < ADULT and (day := birthday(placed.born, past)) <= end:
            why = f"Turns {past} on {long_date(day)}; carers approved up to {placed.max_age}"
            found.need(child, day, 2, _child_need(placed, "outgrowing", day, why))
            found.free(child, day, f"A child grows past the approval on {long_date(day)}")
        if age_now < ADULT and (day := birthday(placed.born, ADULT)) <= end:
            found.free(child, day, f"A child leaves care at 18 on {long_date(day)}")


def _at_risk(placed, day, meeting, status, next_meeting_on):
    words = Meeting.Status(status).label.lower()
    if status == Meeting.Status.CIRCULATED:
        words = f"held; next meeting by {long_date(next_meeting_on)}"
    return _child_need(placed, "at_risk", day, f"Stability meeting SM-{meeting}: {words}")


def _living_with(need, placed):
    household, household_name, provider, provider_name = placed.where()
    return replace(
        need, household_pk=household, household_name=household_name, provider_pk=provider,
        provider_name=provider_name,
    )  # fmt: skip


def _child_need(placed, figure, day, detail):
    group = (
        f"siblings:{placed.sibling_group}:{placed.household}"
        if placed.sibling_group else f"child:{placed.child}"
    )  # fmt: skip
    need = Need(
        figure=figure, month=0, on=day, band=_band_on(placed.born, day),
        care_type=placed.care_type, group=group, child_pk=placed.child,
        reference=placed.reference, name=placed.name, detail=detail,
    )  # fmt: skip
    return _living_with(need, placed)


def _sized(needs):
    """The needs with the size of the group each is counted with."""
    sizes = defaultdict(int)  # (month, group): whatever figure counts each child of it
    for need in needs:
        if need.is_child:
            sizes[(need.month, need.group)] += 1
    return [
        replace(need, size=sizes[(need.month, need.group)]) if need.is_child else need
        for need in needs
    ]


def _entries(authority, period, predicted=None):
    """(the forecast from this month to the last month shown, the month shown each forecast month
    is counted in); `predicted` when it is that forecast (or a longer one), else made here."""
    this_month = period.today.replace(day=1)
    count = (period.last.year - this_month.year) * 12 + period.last.month - this_month.month + 1
    if not _forecast_covers(predicted, this_month, count):
        predicted = forecasting.forecast(
            authority, this_month, count, reference_months=REFERENCE_MONTHS
        )
    entry_months = tuple(period.index(add_months(this_month, m)) for m in range(count))
    return predicted, entry_months


def _forecast_covers(predicted, this_month, count):
    """Whether `predicted` is the forecast from this month, on the 24 months before it, for at
    least `count` months."""
    return (
        predicted is not None
        and predicted.reference == (add_months(this_month, -REFERENCE_MONTHS), this_month)
        and len(predicted.entries) >= count
    )


def _kinship_share(authority, reference):
    """Of the children who came into foster care over the forecast's reference window (an
    episode starting a period of care, RNE S, in a foster placement, short breaks left out as
    the forecast leaves them), the share placed with family or friends (PLACE U1 to U3); 0 when
    none came. One query."""
    first, start = reference
    counted = (
        Episode.objects.filter(
            authority=authority, rne="S", decom__gte=first, decom__lt=start,
            place__in=FOSTERING_PLACES,
        )
        .exclude(ls__in=("V3", "V4"))
        .aggregate(fostering=Count("pk"), kinship=Count("pk", filter=Q(place__in=KINSHIP_PLACES)))
    )  # fmt: skip
    return counted["kinship"] / counted["fostering"] if counted["fostering"] else 0.0


def _expected(predicted, entry_months, period, kinship):
    needs = []
    apart = (
        f"; {round(kinship * 100)}% of the children who came into foster care over the "
        f"{REFERENCE_MONTHS} months before went to family or friends: counted apart"
        if kinship else ""
    )  # fmt: skip
    for forecast_month, month in enumerate(entry_months):
        if month is None:
            continue
        day = max(add_months(period.today.replace(day=1), forecast_month), period.today)
        share = 1.0 if forecast_month else _share_of_month_to_come(period.today)
        for band in range(len(BANDS)):
            entries = float(predicted.entries[forecast_month, band, FOSTERING])
            expected = entries * share * (1 - kinship)
            if expected > 0:
                needs.append(
                    Need(
                        figure="entries", month=month, on=day, band=band, care_type=ENTRY_TYPE,
                        group=f"forecast:{forecast_month}:{band}", weight=expected,
                        detail=f"Expected to come into foster care with carers not family or "
                        f"friends in {day:%B %Y}, aged {BANDS[band]}{apart}",
                    )
                )  # fmt: skip
    return needs


# Supply ---------------------------------------------------------------------------------------------


def _free_places(authority):
    """[(Household with `filled`, the children living there now; in house)]: the approved
    households whose vacancies count today, the council's first, then every agency's (one
    query)."""
    households = (
        Household.objects.filter(
            Q(provider=authority) | Q(provider__kind=Organisation.Kind.AGENCY),
            status=Household.Status.APPROVED,
        )
        .annotate(filled=Count("children_placed"), named=_named_only())
        .filter(named=False)
        .select_related("provider")
        .order_by("provider__name", "name", "pk")
    )
    found = [(household, household.provider_id == authority.pk) for household in households]
    return sorted(found, key=lambda pair: not pair[1])  # stable: by name within each


def _vacancies(authority, period):
    places = []
    for household, in_house in _free_places(authority):
        free = household.max_children - household.filled
        if free <= 0:
            continue
        places.append(
            Place(
                figure="in_house" if in_house else "agency", month=0, on=period.today,
                household_pk=household.pk, household_name=household.name if in_house else "",
                provider_pk=household.provider_id,
                provider_name=authority.name if in_house else household.provider.name,
                in_house=in_house, places=free, min_age=household.min_age,
                max_age=household.max_age, care_types=tuple(household.care_types or ()),
                takes_siblings=household.accepts_siblings,
                detail=f"{free} of {household.max_children} place"
                f"{'s' if household.max_children != 1 else ''} free",
            )
        )  # fmt: skip
    return places


def _pending(period, placements, freed):
    """A place a month for each child's first planned ending, gathered by household and month."""
    gathered = {}  # (household, month) -> Place
    for child, (day, why) in sorted(freed.items(), key=lambda item: (item[1][0], item[0])):
        placed = placements[child]
        month = period.index(day)
        if month is None or not placed.frees_a_place:
            continue
        key = (placed.household, month)
        if key in gathered:
            place = gathered[key]
            gathered[key] = replace(place, places=place.places + 1,
                                    detail=f"{place.detail}; {why}")  # fmt: skip
            continue
        gathered[key] = Place(
            figure="pending", month=month, on=day, household_pk=placed.household,
            household_name=placed.household_name if placed.in_house else "",
            provider_pk=placed.provider, provider_name=placed.provider_name,
            in_house=placed.in_house, places=1, min_age=placed.min_age, max_age=placed.max_age,
            care_types=placed.care_types, takes_siblings=placed.takes_siblings, detail=why,
        )  # fmt: skip
    return list(gathered.values())


def _approvals(authority, period):
    """(places due at panel, places whose decision is overdue): each assessment's latest panel
    item (module docstring; one query)."""
    later = PanelItem.objects.filter(assessment=OuterRef("assessment")).filter(
        Q(panel__sits_on__gt=OuterRef("panel__sits_on"))
        | Q(panel__sits_on=OuterRef("panel__sits_on"), pk__gt=OuterRef("pk"))
    )
    items = (
        PanelItem.objects.filter(
            ~Exists(later), panel__authority=authority, household__provider=authority,
            business="assessment", decision="", withdrawn_on__isnull=True,
            panel__sits_on__lte=period.end, assessment__kind=Assessment.Kind.FORM_F,
            assessment__status__in=(Assessment.Status.AT_PANEL, Assessment.Status.IN_PROGRESS),
        )
        .exclude(recommendation__in=("not_approve", "defer"))
        .select_related("panel", "household")
        .order_by("panel__sits_on", "pk")
    )  # fmt: skip
    places, overdue = [], []
    for item in items:
        place = _due_at_panel(authority, period, item)
        if item.decision_due_on is not None and item.decision_due_on < period.today:
            detail = f"{place.detail}; the decision was due by {long_date(item.decision_due_on)}"
            overdue.append(replace(place, figure="decision_overdue", detail=detail))
        else:
            places.append(place)
    return places, overdue


def _due_at_panel(authority, period, item):
    """The places of one panel item for approval, as recommended (else the household's)."""
    household = item.household
    count = item.max_children or household.max_children
    min_age = item.min_age if item.min_age is not None else household.min_age
    max_age = item.max_age if item.max_age is not None else household.max_age
    sat = "sat" if item.panel.sits_on < period.today else "sits"
    return Place(
        figure="approvals", month=period.index(item.panel.sits_on),
        on=max(item.panel.sits_on, period.today), household_pk=household.pk,
        household_name=household.name, provider_pk=authority.pk, provider_name=authority.name,
        in_house=True, places=count, min_age=min_age, max_age=max_age,
        care_types=tuple(item.care_types or household.care_types or ()),
        takes_siblings=household.accepts_siblings,
        detail=f"Panel {sat} on {long_date(item.panel.sits_on)}: assessment for approval for "
        f"{count} child{'ren' if count != 1 else ''} aged {min_age} to {max_age}",
    )  # fmt: skip


def children_of(needs):
    """The children a list of needs names (for the audit of a list shown)."""
    return {need.child_pk for need in needs if need.is_child}


def households_named(places, needs=()):
    """The council's own households a list names (for the audit of a list shown)."""
    named = {place.household_pk for place in places if place.household_name}
    return named | {need.household_pk for need in needs if need.household_pk}
