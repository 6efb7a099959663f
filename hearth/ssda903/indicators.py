"""The DfE's two placement stability indicators of a council, made from its SSDA903 episodes.

**Short-term stability**: of the children looked after on 31 March, the share who had **three or
more placements** during the year (1 April to 31 March). Children looked after only under an agreed
series of short breaks (legal status V3 or V4) are left out, and short-break episodes are never
counted as placements.

**Long-term stability**: of the children **under 16** on 31 March who had been looked after
**continuously for at least 2.5 years**, the share who had been **in the same placement for at
least 2 years**, or who were **placed for adoption** (PLACE A3 to A6) and whose adoptive placement
together with the placement before it lasted at least 2 years.

Sources: the DfE's "Stability measures for children looked after in England" (Explore Education
Statistics, reporting year 2024, data guidance and the "Placement stability by local authority"
data set: "with three or more placements during the year"; "aged under 16 looked after
continuously for at least 2.5 years and living with the same carer for at least 2 years"; figures
"exclude children looked after under an agreed series of short term placements"), and the
indicators it continues, NI 062 and NI 063 (NI 063: "... living in the same placement for at least
2 years, or are placed for adoption and their adoptive placement together with their previous
placement together last for at least 2 years"). The 903 codes are as the DfE's validator
(`csc-validator-be-903`) reads them: rule 380 (a temporary placement, PLACE T0 to T4, starts with
RNE P or B: a change of placement and carers), rule 383 (a child in a temporary placement returns
to their normal placement), rule 217 (placed for adoption with the current foster carers, A3 or
A5, starts with RNE T or U: the same carers) and rule 436 (RNE U and B: legal status and placement
changed together).

**What counts as a placement** (a new one starts with an episode whose RNE is):
- S (started to be looked after), P (new placement and carers) or B (new placement and carers and
  a new legal status): always a new placement; so is any episode that does not start on the day the
  one before it ended (a new period of care) or has a code Hearth does not know;
- L (change of legal status only): never (the same placement goes on);
- T or U (new placement type, same carers, e.g. foster carers approved as the child's adopters):
  a new placement when the council's switch `stability_counts_same_carers_changes` is on (the
  default, as the DfE's count of placements does: it is why NI 063 has its adoption clause);
  with the switch off, the same placement, unless PL_POST changed (then it was a move, whatever
  the code says);
- a temporary placement (PLACE T0 to T4) and the return from it to the placement the child was in
  before (the same PLACE, as rule 383 checks, and the same PL_POST, the day the temporary one
  ended): not a placement, unless the council's switch `stability_counts_temporary_moves` is on
  (off by default, as the DfE's count). A period of care that (wrongly) starts with a temporary
  placement has it counted.

**Edge cases, decided**: "on 31 March" means an episode that started on or before 31 March and had
not ended by then (an episode ending on 31 March is over: the child left care that day). The
current, unfinished year is measured on today instead of 31 March ("so far"). A child's age is
taken on that day: a child whose 16th birthday is on or before it is not under 16. Looked after
continuously means episodes following each other day to day (each starting the day the one before
ended, RNE not S) back from the one open on 31 March; a short-break episode ends the run. 2.5 years
and 2 years are whole months counted back from the day after 31 March: care that started on or
before 1 October two and a half years earlier, a placement that started on or before 1 April two
years earlier. A child in a temporary placement on 31 March is measured on their normal placement.

`indicators(authority, year)` takes three queries whatever the number of children (the council's
switches; its episodes up to the day, by child and oldest first, read straight from the cursor; its
children's names), then works in Python over plain rows. On a national-scale history (85,000
children, 450,000 episodes over 10 years, SQLite) it takes about 6 to 9 seconds on a busy
two-core machine, most of it reading the rows.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connections
from django.utils import timezone

from hearth.core.deadlines import add_months
from hearth.core.models import Policy
from hearth.core.rules import SWITCHES
from hearth.people.forms import age_on
from hearth.people.models import Child
from hearth.ssda903 import vocabulary
from hearth.ssda903.models import Episode, IsoDate, council_rows
from hearth.ssda903.tables import year_bounds

TEMPORARY_PLACES = frozenset(vocabulary.TEMPORARY_PLACES)
SHORT_BREAKS = frozenset(vocabulary.SHORT_BREAK_STATUSES)
ADOPTION_PLACES = frozenset(vocabulary.ADOPTION_PLACES)
STARTED = vocabulary.STARTED_TO_BE_LOOKED_AFTER
LEGAL_STATUS_ONLY = vocabulary.LEGAL_STATUS_ONLY
NEW_CARERS = frozenset(vocabulary.NEW_CARERS)
SAME_CARERS = frozenset(vocabulary.SAME_CARERS)

SHORT_TERM_PLACEMENTS = 3  # three or more placements in the year
UNDER_AGE = 16
CONTINUOUS_CARE_MONTHS = 30  # 2.5 years
SAME_PLACEMENT_MONTHS = 24  # 2 years

TEMPORARY_SWITCH = "stability_counts_temporary_moves"
SAME_CARERS_SWITCH = "stability_counts_same_carers_changes"

# An episode as the indicators read it: a plain tuple, in this order (a national history is half a
# million of them, so no objects are made for them). Its days are ISO text (`IsoDate`: no date
# made for each of millions of cells), which compares in date order.
ROW_FIELDS = ("child_id", "decom_text", "dec_text", "rne", "ls", "place", "pl_post")
DECOM, DEC, RNE, LS, PLACE, PL_POST = 1, 2, 3, 4, 5, 6


def long_date(day):
    return f"{day.day} {day:%B %Y}" if day else ""


# The rule ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Which episodes count as a placement change: the council's two switches."""

    counts_temporary_moves: bool = SWITCHES[TEMPORARY_SWITCH][0]
    counts_same_carers_changes: bool = SWITCHES[SAME_CARERS_SWITCH][0]

    @classmethod
    def of(cls, authority):
        policy = Policy.objects.filter(authority_id=authority.pk).first()  # never a stale one
        if policy is None:
            return cls()
        return cls(
            counts_temporary_moves=bool(policy.switch(TEMPORARY_SWITCH)),
            counts_same_carers_changes=bool(policy.switch(SAME_CARERS_SWITCH)),
        )

    @property
    def is_the_dfes(self):
        return self == Rule(counts_temporary_moves=False, counts_same_carers_changes=True)

    def sentences(self):
        """The rule in words, as the council has set it."""
        return [
            "A new placement starts when a child starts to be looked after (RNE S) or moves to "
            "new carers (RNE P, or B with a new legal status at the same time).",
            "A change of legal status only (RNE L) is not a new placement.",
            (
                "A change of placement type with the same carers (RNE T, or U with a new legal "
                "status), such as carers approved as the child's adopters, counts as a new "
                "placement (the council's setting; the DfE counts it too)."
                if self.counts_same_carers_changes
                else "A change of placement type with the same carers (RNE T, or U with a new "
                "legal status) is not counted as a new placement (the council's setting; the DfE "
                "counts it)."
            ),
            (
                "Temporary placements (PLACE T0 to T4) and the return from them count as "
                "placements (the council's setting; the DfE does not count them)."
                if self.counts_temporary_moves
                else "Temporary placements (PLACE T0 to T4) and the return from them to the same "
                "placement are not counted (as the DfE's rule)."
            ),
            "Short breaks (legal status V3 or V4) are never counted, and children looked after "
            "only under short breaks are left out of both measures.",
        ]


# Placements from episodes ------------------------------------------------------------------------


@dataclass(slots=True)
class Placement:
    """One placement as the indicators count it: one or more episodes in a row."""

    started_on: object
    place: str
    pl_post: str  # PL_POST of its latest episode: a return must match it and the PLACE
    ended_on: object = None  # None while the child is still there
    temporary_moves: int = 0  # temporary placements (not counted) during it

    def describe(self):
        until = f" to {long_date(self.ended_on)}" if self.ended_on else ""
        return f"{long_date(self.started_on)}{until} ({self.place})"


@dataclass
class History:
    """A child's placements up to the day measured, and where their care stands that day."""

    placements: list
    looked_after: bool  # an episode other than a short break open on the day
    care_started: object  # when the continuous care the child is in that day began


def history(rows, rule):
    """The placements of one child's episodes (oldest first), per `rule`. Episodes must already
    stop at the day measured, with a DEC after it read as still open. Days are as in the rows."""
    placements, current, care_started = [], None, None
    in_temporary, last_end, last = False, None, None
    counts_temporary = rule.counts_temporary_moves
    for row in rows:
        last = row
        if row[LS] in SHORT_BREAKS:
            current, care_started, in_temporary, last_end = None, None, False, row[DEC]
            continue
        decom, dec, place = row[DECOM], row[DEC], row[PLACE]
        if care_started is None or decom != last_end or row[RNE] == STARTED:
            care_started, current, in_temporary = decom, None, False  # a new period of care
        last_end = dec
        if current is not None and not counts_temporary and place in TEMPORARY_PLACES:
            current.temporary_moves += 1
            in_temporary = True
            continue
        returning = in_temporary and place == current.place and row[PL_POST] == current.pl_post
        in_temporary = False
        same_home = current is not None and row[PL_POST] == current.pl_post
        if current is not None and (returning or _continues(row[RNE], same_home, rule)):
            current.place, current.pl_post, current.ended_on = place, row[PL_POST], dec
            continue
        if current is not None and current.ended_on is None:
            current.ended_on = decom
        current = Placement(decom, place, row[PL_POST], dec)
        placements.append(current)
    looked_after = last is not None and last[DEC] is None and last[LS] not in SHORT_BREAKS
    return History(placements, looked_after, care_started if looked_after else None)


def _continues(rne, same_home, rule):
    """Whether an episode following on from the one before (its RNE; whether its PL_POST is the
    same) is the same placement. RNE T or U with another PL_POST cannot be the same carers: it is
    taken as the move it must be."""
    if rne == LEGAL_STATUS_ONLY:
        return True
    if rne in SAME_CARERS:
        return same_home and not rule.counts_same_carers_changes
    return False  # S, P, B and unknown codes start a placement


# The measures ------------------------------------------------------------------------------------


@dataclass
class ChildFigure:
    """A child in a measure's denominator, whether counted in its numerator, and why."""

    child_id: int
    reference: str
    name: str
    date_of_birth: object
    age: int
    care_started: object
    placements: list  # the placements that matter to the measure (in the year, or the latest)
    counted: bool
    why: str


@dataclass
class Measure:
    name: str
    label: str
    numerator_label: str
    denominator_label: str
    children: list = field(default_factory=list)  # the denominator, by reference

    @property
    def counted(self):
        return [child for child in self.children if child.counted]

    @property
    def numerator(self):
        return len(self.counted)

    @property
    def denominator(self):
        return len(self.children)

    @property
    def percentage(self):
        """To one decimal place; None when there is no child to measure."""
        if not self.denominator:
            return None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass
class StabilityIndicators:
    authority: object
    year: int
    as_of: object  # 31 March, or today in the current year
    rule: Rule
    short_term: Measure
    long_term: Measure

    @property
    def measures(self):
        return (self.short_term, self.long_term)

    @property
    def complete(self):
        return self.as_of == year_bounds(self.year)[1]

    @property
    def period(self):
        return f"{self.year}-{(self.year + 1) % 100:02d}"

    def as_json(self):
        return {
            "authority": self.authority.ons_code,
            "year": self.year,
            "as_of": self.as_of.isoformat(),
            "rule": {
                TEMPORARY_SWITCH: self.rule.counts_temporary_moves,
                SAME_CARERS_SWITCH: self.rule.counts_same_carers_changes,
            },
            "measures": {
                measure.name: {
                    "label": measure.label,
                    "numerator": measure.numerator,
                    "denominator": measure.denominator,
                    "percentage": measure.percentage,
                    "children": [child.reference for child in measure.counted],
                }
                for measure in self.measures
            },
        }

    def csv_header(self):
        return ["measure", "label", "numerator", "denominator", "percentage"]

    def csv_rows(self):
        return [
            [
                m.name,
                m.label,
                m.numerator,
                m.denominator,
                "" if m.percentage is None else m.percentage,
            ]
            for m in self.measures
        ]

    def text_table(self):
        rows = [
            [
                m.label,
                m.numerator,
                m.denominator,
                "" if m.percentage is None else f"{m.percentage}%",
            ]
            for m in self.measures
        ]
        return ["measure", "numerator", "denominator", "percentage"], rows

    # The children, for the page's downloads
    CHILDREN_HEADER = [
        "measure", "child", "name", "date of birth", "age", "looked after since",
        "in the numerator", "why", "placements",
    ]  # fmt: skip

    def children_rows(self, measure):
        return [
            [
                measure.name, child.reference, child.name, long_date(child.date_of_birth),
                child.age, long_date(child.care_started), "yes" if child.counted else "no",
                child.why, "; ".join(p.describe() for p in child.placements),
            ]
            for child in measure.children
        ]  # fmt: skip


def _measured_on(year, today=None):
    last = year_bounds(year)[1]
    today = today or timezone.localdate()
    return min(last, today)


def _children_of(authority):
    """(pk, reference, first name, last name, date of birth) of the council's children: one query,
    cheaper than asking the database for those with an episode open (it would read the episodes
    again)."""
    return Child.objects.filter(authority=authority).values_list(
        "pk", "reference", "first_name", "last_name", "date_of_birth"
    )


def _rows_by_child(authority, as_of):
    """The episodes up to `as_of` of the council's children looked after at its end, by child,
    oldest first, a DEC after `as_of` read as still open; and the function that makes a date of a
    row's day. One query, read straight from the database cursor: Django's conversion of a
    million dates would take longer than all the rest."""
    episodes = (
        council_rows(Episode, authority)
        .filter(decom__lte=as_of)
        .order_by("child_id", "decom", "pk")
        .annotate(decom_text=IsoDate("decom"), dec_text=IsoDate("dec"))
        .values_list(*ROW_FIELDS)
    )
    sql, params = episodes.query.sql_with_params()
    by_child, last_day = {}, None
    with connections[episodes.db].cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(10000):
            if last_day is None:
                last_day = as_of.isoformat() if isinstance(chunk[0][DECOM], str) else as_of
            for row in chunk:
                dec = row[DEC]
                if dec is not None and dec > last_day:
                    row = (*row[:DEC], None, *row[DEC + 1 :])
                rows = by_child.get(row[0])
                if rows is None:
                    by_child[row[0]] = [row]
                else:
                    rows.append(row)
    open_at_the_end = {
        child_id: rows
        for child_id, rows in by_child.items()
        if rows[-1][DEC] is None and rows[-1][LS] not in SHORT_BREAKS
    }
    return open_at_the_end, _day_reader()


def _day_reader():
    days = {None: None}

    def to_date(value):
        """A row's day as a date (SQLite gives ISO text); each distinct day parsed once."""
        found = days.get(value, False)
        if found is False:
            found = days[value] = value if isinstance(value, date) else date.fromisoformat(value)
        return found

    return to_date


def _in_dates(found, to_date):
    """The history with its days made dates, for the child's figure."""
    for placement in found.placements:
        placement.started_on = to_date(placement.started_on)
        placement.ended_on = to_date(placement.ended_on)
    found.care_started = to_date(found.care_started)
    return found


def _short_term(child, found, first_day):
    in_year = [p for p in found.placements if p.ended_on is None or p.ended_on >= first_day]
    count = len(in_year)
    counted = count >= SHORT_TERM_PLACEMENTS
    why = f"{count} placement{'s' if count != 1 else ''} in the year"
    return ChildFigure(**child, care_started=found.care_started, placements=in_year,
                       counted=counted, why=why)  # fmt: skip


def _long_term(child, found, as_of):
    placement = found.placements[-1]
    two_years = add_months(as_of + timedelta(days=1), -SAME_PLACEMENT_MONTHS)
    previous = found.placements[-2] if len(found.placements) > 1 else None
    shown = [previous, placement] if previous else [placement]
    since = long_date(placement.started_on)
    if placement.started_on <= two_years:
        counted, why = True, f"in the same placement since {since}"
    elif (
        placement.place in ADOPTION_PLACES
        and previous is not None
        and previous.started_on >= found.care_started
        and previous.started_on <= two_years
    ):
        counted = True
        why = (
            f"placed for adoption since {since}; with the placement before it, since "
            f"{long_date(previous.started_on)}"
        )
    else:
        counted, why = False, f"in this placement only since {since}"
    return ChildFigure(**child, care_started=found.care_started, placements=shown,
                       counted=counted, why=why)  # fmt: skip


def indicators(authority, year, *, today=None):
    """Both measures for the collection year starting 1 April `year`, on 31 March (or today, in
    the current year), with the children in each denominator and whether each is counted."""
    rule = Rule.of(authority)
    first_day = year_bounds(year)[0]
    as_of = _measured_on(year, today)
    short_term = Measure(
        "short_term", "Children with 3 or more placements in the year",
        "those with 3 or more placements in the year (1 April to 31 March)",
        "children looked after at the end of 31 March (or today, in the current year), other "
        "than under an agreed series of short breaks",
    )  # fmt: skip
    long_term = Measure(
        "long_term", "Children under 16 in care 2.5 years, in the same placement 2 years",
        "those in the same placement for at least 2 years, or placed for adoption and with the "
        "placement before it for at least 2 years",
        "children looked after then, under 16, who had been looked after continuously for at "
        "least 2.5 years",
    )  # fmt: skip
    if as_of < first_day:
        return StabilityIndicators(authority, year, as_of, rule, short_term, long_term)
    by_child, to_date = _rows_by_child(authority, as_of)
    children = sorted(
        (child for child in _children_of(authority) if child[0] in by_child),
        key=lambda child: (child[1], child[0]),
    )
    two_and_a_half_years = add_months(as_of + timedelta(days=1), -CONTINUOUS_CARE_MONTHS)
    for pk, reference, first_name, last_name, date_of_birth in children:
        rows = by_child.get(pk)
        found = history(rows, rule) if rows else None
        if found is None or not found.looked_after or not found.placements:
            continue
        found = _in_dates(found, to_date)
        child = {
            "child_id": pk, "reference": reference, "name": f"{first_name} {last_name}",
            "date_of_birth": date_of_birth, "age": age_on(date_of_birth, as_of),
        }  # fmt: skip
        short_term.children.append(_short_term(child, found, first_day))
        if child["age"] < UNDER_AGE and found.care_started <= two_and_a_half_years:
            long_term.children.append(_long_term(child, found, as_of))
    return StabilityIndicators(authority, year, as_of, rule, short_term, long_term)


def years_with_episodes(authority, today=None):
    """The collection years (first years) from the council's first episode to the current year,
    latest first; the current year alone when it has none."""
    from django.db.models import Min

    today = today or timezone.localdate()
    current = today.year if today.month >= 4 else today.year - 1
    first = Episode.objects.filter(authority=authority).aggregate(first=Min("decom"))["first"]
    start = current if first is None else (first.year if first.month >= 4 else first.year - 1)
    return list(range(current, min(start, current) - 1, -1))
