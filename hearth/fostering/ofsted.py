"""Ofsted's annual fostering data collection (DOMAIN.md "Reporting"; issue 8, part 8): the counts a
local authority fostering service returns to Ofsted for the year 1 April to 31 March, as published
in Ofsted's "Fostering in England" statistics (fostering households, approved places and whether
they are filled, vacant or not available on 31 March; initial enquiries, applications, approvals and
deregistrations in the year; mainstream and family and friends (kinship) carers apart). Printed by
`hearth report ofsted-fostering --year YYYY` and shown on the screen `ofsted_fostering`; every count
lists its households (`Report.households`).

Counted from the council's own households' fostering history (`RecruitmentEvent`, ADR 17), read in
one query and replayed in date order as the monthly figures are (`hearth.fostering.report`):

- **Households on 31 March**: approved on or before 31 March and not left since (a hold does not
  take a household out: Ofsted counts it, its places "not available").
- **Approved places**: the number of children each of those households is approved for
  (`Household.max_children`; Hearth keeps the approval's terms as they stand today, not as they
  stood on 31 March).
- **Filled places**: children living with those households on 31 March (a household with more
  children than places counts its places as filled, not more).
- **Vacant places**: unfilled places of households not on hold; **not available**: unfilled
  places of households on hold on 31 March.
- **Enquiries, applications, approvals, deregistrations**: the households with such an event in the
  year (a household with two counts once); a deregistration is a household that left fostering
  (`exited`), by the reason recorded; **assessments ended** without approval, likewise.
- **Mainstream or family and friends**: a household approved for kinship care (`kinship` among its
  types of care: Form K, connected persons) is family and friends; every other is mainstream. Taken
  from the household as it stands today.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from hearth.fostering import vocabulary
from hearth.fostering.kinship import KINSHIP
from hearth.fostering.models import RecruitmentEvent
from hearth.fostering.report import _Replay, history_of
from hearth.people.models import Household

Kind = RecruitmentEvent.Kind
SECTORS = (("mainstream", "Mainstream"), ("kinship", "Family and friends"))
SECTOR_NAMES = tuple(name for name, _ in SECTORS)
ALL = "all"
# (name, label), in Ofsted's order: what stands on 31 March, then what happened in the year.
STOCKS = (
    ("households", "Approved fostering households on 31 March"),
    ("places", "Approved places on 31 March"),
    ("filled", "Places filled on 31 March"),
    ("vacant", "Places vacant on 31 March"),
    ("not_available", "Places not available on 31 March (households on hold)"),
)
FLOWS = (
    ("enquiries", "Households that made an initial enquiry", Kind.ENQUIRY),
    ("applications", "Households that applied", Kind.APPLICATION),
    ("assessments_ended", "Assessments ended without approval", Kind.ASSESSMENT_ENDED),
    ("approvals", "Households approved", Kind.APPROVED),
    ("deregistrations", "Households deregistered (left fostering)", Kind.EXITED),
)
FLOW_OF_EVENT = {event: name for name, _, event in FLOWS}
EXIT_REASON_WORDS = dict(vocabulary.EXIT_REASONS)
NO_REASON = "No reason recorded"


@dataclass(frozen=True)
class Line:
    name: str
    label: str
    mainstream: int
    kinship: int

    @property
    def total(self):
        return self.mainstream + self.kinship


@dataclass(frozen=True)
class Report:
    authority: object
    year: int  # 1 April `year` to 31 March `year` + 1
    lines: tuple
    # (measure name, sector) -> {household pk: what it counts, in words}
    members: dict = field(default_factory=dict, compare=False)
    names: dict = field(default_factory=dict, compare=False)  # household pk -> (reference, name)

    @property
    def first_day(self):
        return date(self.year, 4, 1)

    @property
    def last_day(self):
        return date(self.year + 1, 3, 31)

    @property
    def period(self):
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    def line(self, name):
        return next(line for line in self.lines if line.name == name)

    def households(self, name, sector=ALL):
        """The households counted by measure `name` in `sector` (mainstream, kinship or all):
        [(pk, reference, name, detail)] in name order. KeyError for an unknown measure or sector."""
        if name not in {line.name for line in self.lines}:
            raise KeyError(name)
        if sector not in (*SECTOR_NAMES, ALL):
            raise KeyError(sector)
        sectors = SECTOR_NAMES if sector == ALL else (sector,)
        found = {}
        for each in sectors:
            found |= self.members.get((name, each), {})
        rows = [(pk, *self.names[pk], detail) for pk, detail in found.items()]
        return sorted(rows, key=lambda row: (row[2], row[1], row[0]))

    def as_json(self):
        return {
            "year": self.period,
            "from": f"{self.first_day:%Y-%m-%d}",
            "to": f"{self.last_day:%Y-%m-%d}",
            "measures": {
                line.name: {
                    "mainstream": line.mainstream,
                    "kinship": line.kinship,
                    "total": line.total,
                }
                for line in self.lines
            },  # fmt: skip
            "labels": {line.name: line.label for line in self.lines},
        }

    def csv_header(self):
        return ["measure", "label", "mainstream", "family_and_friends", "total"]

    def csv_rows(self):
        return [
            [line.name, line.label, line.mainstream, line.kinship, line.total]
            for line in self.lines
        ]

    def text_table(self):
        header = ["measure", "mainstream", "family and friends", "total"]
        rows = [[line.label, line.mainstream, line.kinship, line.total] for line in self.lines]
        return header, rows


def sector_of(care_types):
    return "kinship" if KINSHIP in (care_types or []) else "mainstream"


def ofsted_fostering(authority, year):
    """The council's Ofsted fostering data for the year 1 April `year` to 31 March `year` + 1
    (two queries: the history and the households it names)."""
    first, last = date(year, 4, 1), date(year + 1, 3, 31)
    events = history_of(authority, last)
    replay = _Replay()
    members = defaultdict(dict)
    exit_reasons = {}
    for household, event, day, child, reason in events:
        replay.apply(household, event, day, child)
        if day < first or event not in FLOW_OF_EVENT:
            continue
        words = f"{Kind(event).label} on {day.day} {day:%B %Y}"
        if event == Kind.EXITED:
            exit_reasons[household] = EXIT_REASON_WORDS.get(reason, reason) or NO_REASON
            words += f": {exit_reasons[household]}"
        members[FLOW_OF_EVENT[event]].setdefault(household, words)
    wanted = replay.approved | {pk for found in members.values() for pk in found}
    households = {
        pk: (reference, name, care_types, places)
        for pk, reference, name, care_types, places in Household.objects.filter(
            pk__in=wanted
        ).values_list("pk", "reference", "name", "care_types", "max_children")
    }
    _stocks(replay, households, members)
    by_sector = defaultdict(dict)
    counts = defaultdict(lambda: dict.fromkeys(SECTOR_NAMES, 0))
    for name, found in members.items():
        for pk, (detail, amount) in (
            (pk, value if isinstance(value, tuple) else (value, 1)) for pk, value in found.items()
        ):
            sector = sector_of(households[pk][2])
            by_sector[(name, sector)][pk] = detail
            counts[name][sector] += amount
    lines = [
        Line(name, label, counts[name]["mainstream"], counts[name]["kinship"])
        for name, label in (*STOCKS, *((n, lab) for n, lab, _ in FLOWS))
    ]
    lines += _exit_lines(members.get("deregistrations", {}), exit_reasons, households, by_sector)
    names = {pk: (reference, name) for pk, (reference, name, _, _) in households.items()}
    return Report(
        authority=authority, year=year, lines=tuple(lines), members=dict(by_sector), names=names
    )


def _stocks(replay, households, members):
    """Households, places filled, vacant and not available on 31 March, into `members` as
    {household pk: (words, amount counted)}."""
    for pk in replay.approved:
        places = households[pk][3]
        children = len(replay.placed.get(pk, ()))
        filled = min(children, places)
        unfilled = places - filled
        held = pk in replay.on_hold
        members["households"][pk] = ("On hold" if held else "Approved", 1)
        members["places"][pk] = (f"Approved for {places}", places)
        if filled:
            members["filled"][pk] = (f"{children} child{'ren' if children != 1 else ''}", filled)
        if unfilled:
            target = "not_available" if held else "vacant"
            words = f"{unfilled} place{'s' if unfilled != 1 else ''}" + (
                " (on hold)" if held else ""
            )
            members[target][pk] = (words, unfilled)


def _exit_lines(deregistered, reasons, households, by_sector):
    """One line for each reason households left, most first."""
    lines = defaultdict(lambda: dict.fromkeys(SECTOR_NAMES, 0))
    for pk in deregistered:
        sector = sector_of(households[pk][2])
        lines[reasons[pk]][sector] += 1
        by_sector[(_reason_name(reasons[pk]), sector)][pk] = deregistered[pk]
    ordered = sorted(lines.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return [
        Line(_reason_name(reason), f"  of which: {reason}", count["mainstream"], count["kinship"])
        for reason, count in ordered
    ]


def _reason_name(reason):
    key = next((k for k, words in EXIT_REASON_WORDS.items() if words == reason), "none")
    return f"deregistrations_{key}"
