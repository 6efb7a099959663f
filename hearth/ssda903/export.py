"""A council's SSDA903 return for a collection year, as the DfE's CSV files (CONTRACT.md 5).

`return_rows(authority, year)` answers each table's rows as the DfE writes them (dates
dd/mm/yyyy, codes upper case, a value not recorded as an empty cell), in the order the files are
written; `write_return(authority, year, folder)` writes the eleven files (an empty table is its
header line), and last year's return in `folder/prev/`, which the validator's rules about the
year before read.

Which rows belong to the return of the year 1 April `year` to 31 March `year + 1` (the DfE's
guidance on the children looked after return, and the rules of `csc-validator-be-903` that compare
the tables with each other):

- **episodes**: every episode open at any time in the year: it started on or before 31 March and
  had not ended before 1 April (an episode ending on 1 April is in the year: its ending is). All
  of its columns, as recorded, including the ones before 1 April.
- **header**: every child with such an episode (rule 1002-style checks: a child in any table must
  be in the header, and every child of the episodes must be). SEX is M or F from 2024-25 (rule
  101), 1 or 2 before. MOTHER and MC_DOB as recorded on the child's return details, as on
  31 March: a girl whose child was born after the year was not a mother in it (MOTHER 0, MC_DOB
  empty: rule 625 refuses an MC_DOB after the year's end).
- **uasc**: the header's children recorded as unaccompanied asylum-seeking children, with the day
  they ceased to be (DUC) if they have. The file is always written, header only when there are
  none, so that the validator runs the UASC rules.
- **reviews**: the header children's reviews held in the year.
- **missing**: the header children's missing or away-without-authorisation episodes that started
  in the year, or started before it and were still open on 1 April.
- **oc2** and **oc3**: the outcomes recorded for the year (`HealthOutcome.year`,
  `CareLeaverOutcome.year`), of children of the council.
- **ad1**: children whose episode ended in the year by adoption (REC E11 or E12), with their
  adoption decision.
- **placed_for_adoption**: the header children's decisions that they should be placed for
  adoption that were in force at some time in the year (made by 31 March, not ceased before 1
  April).
- **previous_permanence**: children who started to be looked after (an episode with RNE S) in the
  year.
- **sw_episodes**: the header children's social worker episodes that overlap the year.

A record that ended after 31 March is written as it stood on 31 March: open, without the reason it
ended (an episode's DEC, REC and REASON_PLACE_CHANGE; a missing or social worker episode's end; a
placement for adoption's DATE_PLACED_CEASED and REASON_PLACED_CEASED).

Rows are sorted by CHILD, then the row's own date (DECOM, REVIEW, MIS_START, DATE_PLACED,
SW_DECOM), then the order they were recorded in.

How it reads, so that a national-scale history takes seconds: `_Records` reads each table once,
with one query for the council (in the table's own order: `_of_council`), as plain tuples
(`values_list`, dates as ISO text: `_IsoDate`), for all the years asked for at once
(`write_return` reads the year and the year before together, so `prev/` costs no second
reading); it sorts each table once and formats it once, a column at a time, each distinct date
and code once (`_Texts`). `_Return` picks a year's rows from those, and `csv.writer` writes them.
Ten queries whatever the number of children (eleven when an outcome table names a child with no
episode in those years), none of them a query per child.
"""

import csv
import gc
from contextlib import contextmanager
from datetime import date
from itertools import starmap
from operator import attrgetter
from pathlib import Path
from typing import NamedTuple

from django.db.models import Q

from hearth.people.models import Child
from hearth.ssda903 import tables, vocabulary
from hearth.ssda903.models import (
    AdoptionDecision,
    CareLeaverOutcome,
    Episode,
    HealthOutcome,
    IsoDate,
    MissingEpisode,
    PlacedForAdoption,
    PreviousPermanence,
    Review,
    SocialWorkerEpisode,
    council_rows,
)

ADOPTED = vocabulary.ADOPTED
STARTED_TO_BE_LOOKED_AFTER = vocabulary.STARTED_TO_BE_LOOKED_AFTER
NUMERIC_SEX_BEFORE = 2024  # the return's SEX was 1 (male) or 2 (female) before 2024-25
NUMERIC_SEX = {"M": "1", "F": "2"}
CHILD_COLUMNS = ("child", "sex", "dob")  # a row's first columns, from the child's record
# The field of the record a table's rows are sorted by after CHILD (then the order recorded).
ORDER = {
    tables.EPISODES: "decom",
    tables.REVIEWS: "reviewed_on",
    tables.MISSING: "started_on",
    tables.PLACED_FOR_ADOPTION: "placed_on",
    tables.SW_EPISODES: "started_on",
}


def _open_in(first, last, *, start="decom", end="dec"):
    """Records that started by `last` and had not ended before `first`."""
    return Q(**{f"{start}__lte": last}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first})
    )


@contextmanager
def _cycle_collector_paused():
    """Pause Python's cycle collector while a return is made (as a decorator: until the
    function has returned and its records are freed): the millions of tuples it makes set the
    collector off again and again, each pass walking every tuple made so far (a fifth of the
    time), and none of them can be part of a cycle."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _sex(code, year):
    return NUMERIC_SEX.get(code, code) if year < NUMERIC_SEX_BEFORE else code


def _fields(table, *extra):
    """The fields of the record `_Records` reads for the table's columns after the child's."""
    return [*(c.field for c in table.columns if c.field not in CHILD_COLUMNS), *extra]


def _at(table, field):
    """Where `field` is in the tuples `_Records` reads for `table`: (pk, child, *fields)."""
    return 2 + _fields(table).index(field)


def _column(table, field):
    """Where `field`'s column is in the table's rows."""
    return [c.field for c in table.columns].index(field)


class _Texts(dict):
    """{value: its text in the return} for one kind of column (`Column.kind`), each distinct
    value worked out once: a national return has a few thousand distinct dates and codes in
    millions of cells. An empty value (None or "") is an empty cell."""

    AS_TEXT = {
        "date": lambda iso: tables.day(date.fromisoformat(iso)),  # as `_IsoDate` reads it
        "code": lambda code: str(code).strip().upper(),
        "text": str,
    }

    def __init__(self, kind):
        super().__init__()
        self.as_text = self.AS_TEXT[kind]

    def __missing__(self, value):
        text = self[value] = "" if value is None or value == "" else self.as_text(value)
        return text


class _Child(NamedTuple):
    """What a return's rows need of a child (texts, but for `sex`, `mc_dob` and `uasc`)."""

    reference: str
    sex: str
    dob: str
    ethnicity: str
    upn: str
    mother: str
    mc_dob: str | None  # ISO, to compare with the year's end
    mc_dob_text: str
    uasc: bool
    duc: str


class _Records:
    """The council's records that the returns of `years` are made of: each table read once for
    all of the years, sorted once and formatted once (`rows`: {table: [(record, row)]}, each
    record a tuple (pk, child, *fields) and each row its texts); `_Return` picks a year's."""

    def __init__(self, authority, years):
        self.authority = authority
        self.first = tables.year_bounds(min(years))[0]
        self.last = tables.year_bounds(max(years))[1]
        self.texts = {kind: _Texts(kind) for kind in _Texts.AS_TEXT}
        episodes = council_rows(Episode, authority).filter(_open_in(self.first, self.last))
        found = {
            tables.EPISODES: self._read(episodes, tables.EPISODES),
            tables.REVIEWS: self._read(
                council_rows(Review, authority).filter(reviewed_on__range=(self.first, self.last)),
                tables.REVIEWS,
            ),
            tables.MISSING: self._read_open(MissingEpisode, tables.MISSING, "ended_on"),
            tables.OC2: self._read(self._outcomes(HealthOutcome, years), tables.OC2, "year"),
            tables.OC3: self._read(self._outcomes(CareLeaverOutcome, years), tables.OC3, "year"),
            tables.AD1: self._read(council_rows(AdoptionDecision, authority), tables.AD1),
            tables.PLACED_FOR_ADOPTION: self._read_open(
                PlacedForAdoption, tables.PLACED_FOR_ADOPTION, "ceased_on"
            ),
            tables.PREVIOUS_PERMANENCE: self._read(
                council_rows(PreviousPermanence, authority), tables.PREVIOUS_PERMANENCE
            ),
            tables.SW_EPISODES: self._read_open(
                SocialWorkerEpisode, tables.SW_EPISODES, "ended_on"
            ),
        }
        self.children = self._children(Child.objects.filter(pk__in=episodes.values("child_id")))
        children = self.children
        self.by_reference = sorted(children, key=lambda pk: (children[pk].reference, pk))
        outcomes = found[tables.OC2] + found[tables.OC3]
        if any(record[1] not in self.children for record in outcomes):
            self.children |= self._children(self._children_of_outcomes({r[-1] for r in outcomes}))
        self.rows = {table: self._formatted(table, records) for table, records in found.items()}

    def _read(self, queryset, table, *extra):
        dates = {c.field for c in table.columns if c.kind == "date"}
        fields = [IsoDate(f) if f in dates else f for f in _fields(table, *extra)]
        return list(queryset.order_by().values_list("pk", "child", *fields))

    def _read_open(self, model, table, end):
        """The records open at some time in the years, from the table's ORDER field to `end`."""
        opened = _open_in(self.first, self.last, start=ORDER[table], end=end)
        return self._read(council_rows(model, self.authority).filter(opened), table)

    def _outcomes(self, model, years):
        return council_rows(model, self.authority).filter(year__in=years)

    def _children_of_outcomes(self, years):
        """Care leavers of OC3 (and any child of OC2) with no episode in the years."""
        named = Q()
        for model in (HealthOutcome, CareLeaverOutcome):
            named |= Q(pk__in=self._outcomes(model, years).values("child_id"))
        return Child.objects.filter(named)

    def _children(self, queryset):
        """{pk: _Child} of the children of `queryset`, with their return details."""
        records = list(queryset.order_by().values_list(
            "pk", "reference", "sex", IsoDate("date_of_birth"), "ethnicity", "statutory__upn",
            "statutory__mother", IsoDate("statutory__mc_dob"), "statutory__uasc",
            IsoDate("statutory__uasc_ceased_on"),
        ))  # fmt: skip
        pks, reference, sex, born, ethnicity, upn, mother, mc_dob, uasc, duc = _columns(records, 10)
        day, code = self.texts["date"], self.texts["code"]
        texts = zip(
            reference, sex, map(day.__getitem__, born), map(code.__getitem__, ethnicity),
            map(code.__getitem__, upn), map(code.__getitem__, mother), mc_dob,
            map(day.__getitem__, mc_dob), uasc, map(day.__getitem__, duc), strict=True,
        )  # fmt: skip
        return dict(zip(pks, starmap(_Child, texts), strict=True))

    def _formatted(self, table, records):
        """[(record, row)] sorted by CHILD, the table's ORDER field if any, then pk; each row
        the texts of its columns (CHILD, DOB if the table has it, then the record's). A record
        of a child with no episode in the years (and in no outcome table) is in none of them.
        Formatted a column at a time: each distinct value once, the rest `map`s and `zip`s."""
        children = self.children
        records = [record for record in records if record[1] in children]
        order = table in ORDER and _at(table, ORDER[table])
        if order:
            records.sort(key=lambda r: (children[r[1]].reference, r[order], r[0]))
        else:
            records.sort(key=lambda r: (children[r[1]].reference, r[0]))
        columns = _columns(records, 2 + len(_fields(table)))
        of_child = [children[pk] for pk in columns[1]]
        first = [map(attrgetter("reference"), of_child)]
        if table.columns[1].field == "dob":
            first.append(map(attrgetter("dob"), of_child))
        kinds = [c.kind for c in table.columns if c.field not in CHILD_COLUMNS]
        texts = (
            map(self.texts[kind].__getitem__, values)
            for kind, values in zip(kinds, columns[2:], strict=True)
        )
        return list(zip(records, zip(*first, *texts, strict=True), strict=True))


def _columns(records, count):
    """The first `count` columns of `records` (tuples of at least `count` values), each a tuple
    of its values."""
    return list(zip(*records, strict=True))[:count] if records else [()] * count


class _Return:
    """The rows of one council's return for one year (see the module's docstring), each the
    texts of the table's columns, picked from the records `_Records` read."""

    def __init__(self, records, year, *, coding_year=None):
        self.records = records
        self.children = records.children
        self.year = year
        self.coding_year = coding_year or year
        first, last = (day.isoformat() for day in tables.year_bounds(year))  # as `_IsoDate`
        self.first, self.last = first, last
        decom, dec = _at(tables.EPISODES, "decom"), _at(tables.EPISODES, "dec")
        self.episodes = [
            (record, row)
            for record, row in records.rows[tables.EPISODES]
            if record[decom] <= last and (record[dec] is None or record[dec] >= first)
        ]
        self.child_ids = ids = {record[1] for record, _row in self.episodes}
        self.header_children = [records.children[pk] for pk in records.by_reference if pk in ids]

    def _as_at_end(self, table, chosen, ended=None, *with_it):
        """The rows of `chosen` ([(record, row)]), each as on 31 March: a record that `ended`
        after the year is written without that ending and the fields `with_it`."""
        if ended is None:
            return [row for _record, row in chosen]
        end, last = _at(table, ended), self.last
        blanked = [_column(table, field) for field in (ended, *with_it)]

        def as_at_end(row):
            row = list(row)
            for column in blanked:
                row[column] = ""
            return row

        return [
            row if record[end] is None or record[end] <= last else as_at_end(row)
            for record, row in chosen
        ]

    def _of_header_children(self, table, ended=None, *with_it):
        """The header children's records on a day in the year (ORDER), or, with `ended`, open
        at some time in it (from ORDER to `ended`, None while open)."""
        first, last, header = self.first, self.last, self.child_ids
        start = _at(table, ORDER[table])
        records = self.records.rows[table]
        if ended is None:
            chosen = [
                (r, row) for r, row in records if r[1] in header and first <= r[start] <= last
            ]
        else:
            end = _at(table, ended)
            chosen = [
                (r, row)
                for r, row in records
                if r[1] in header and r[start] <= last and (r[end] is None or r[end] >= first)
            ]
        return self._as_at_end(table, chosen, ended, *with_it)

    # Tables ---------------------------------------------------------------------------------

    def header(self):
        last, year, rows = self.last, self.coding_year, []
        for child in self.header_children:
            mother, mc_dob = child.mother, child.mc_dob_text
            if child.mc_dob and child.mc_dob > last:  # as on 31 March: her child was born later
                mother, mc_dob = "0", ""  # (rule 625; 626 reads last year's MOTHER so)
            rows.append((child.reference, _sex(child.sex, year), child.dob, child.ethnicity,
                         child.upn, mother, mc_dob))  # fmt: skip
        return rows

    def episodes_rows(self):
        return self._as_at_end(tables.EPISODES, self.episodes, "dec", "rec", "reason_place_change")

    def uasc(self):
        year = self.coding_year
        return [
            (child.reference, _sex(child.sex, year), child.dob, child.duc)
            for child in self.header_children
            if child.uasc
        ]

    def reviews(self):
        return self._of_header_children(tables.REVIEWS)

    def missing(self):
        return self._of_header_children(tables.MISSING, "ended_on")

    def _outcomes(self, table):
        return [row for record, row in self.records.rows[table] if record[-1] == self.year]

    def oc2(self):
        return self._outcomes(tables.OC2)

    def oc3(self):
        return self._outcomes(tables.OC3)

    def ad1(self):
        dec, rec = _at(tables.EPISODES, "dec"), _at(tables.EPISODES, "rec")
        adopted = {
            record[1]
            for record, _row in self.episodes
            if record[rec] in ADOPTED and record[dec] and self.first <= record[dec] <= self.last
        }
        return [row for record, row in self.records.rows[tables.AD1] if record[1] in adopted]

    def placed_for_adoption(self):
        return self._of_header_children(tables.PLACED_FOR_ADOPTION, "ceased_on", "reason_ceased")

    def previous_permanence(self):
        decom, rne = _at(tables.EPISODES, "decom"), _at(tables.EPISODES, "rne")
        starters = {
            record[1]
            for record, _row in self.episodes
            if record[rne] == STARTED_TO_BE_LOOKED_AFTER and record[decom] >= self.first
        }
        rows = self.records.rows[tables.PREVIOUS_PERMANENCE]
        return [row for record, row in rows if record[1] in starters]

    def sw_episodes(self):
        return self._of_header_children(tables.SW_EPISODES, "ended_on")

    def rows(self):
        return {
            tables.HEADER: self.header(),
            tables.EPISODES: self.episodes_rows(),
            tables.UASC: self.uasc(),
            tables.REVIEWS: self.reviews(),
            tables.MISSING: self.missing(),
            tables.OC2: self.oc2(),
            tables.OC3: self.oc3(),
            tables.AD1: self.ad1(),
            tables.PLACED_FOR_ADOPTION: self.placed_for_adoption(),
            tables.PREVIOUS_PERMANENCE: self.previous_permanence(),
            tables.SW_EPISODES: self.sw_episodes(),
        }


@_cycle_collector_paused()
def return_rows(authority, year, *, coding_year=None):
    """{Table: [{column: text}]} of the council's return for the year starting 1 April `year`,
    every table (an empty list for a table with no rows), in the files' order. `coding_year`:
    write the codes as that year's return does (last year's return beside this year's, for the
    rules that compare the two: SEX was 1/2 before 2024-25, and rule 202 compares the text)."""
    rows = _Return(_Records(authority, [year]), year, coding_year=coding_year).rows()
    return {
        table: [dict(zip(table.header, row, strict=True)) for row in found]
        for table, found in rows.items()
    }


def _write(rows, folder):
    """Write {Table: [row texts]} as the return's files in `folder`: {file: rows written}."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for table in tables.TABLES:
        found = rows.get(table, [])
        with open(folder / table.file, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(table.header)
            writer.writerows(found)
        written[table.file] = len(found)
    return written


def write_rows(rows, folder):
    """Write `rows` (as `return_rows` answers) as the return's files in `folder`."""
    return _write(
        {
            table: [[row.get(name, "") for name in table.header] for row in found]
            for table, found in rows.items()
        },
        folder,
    )


@_cycle_collector_paused()
def write_return(authority, year, folder, *, previous=True):
    """Write the council's return for the year starting 1 April `year` into `folder` (made if
    need be): the eleven files, and with `previous` last year's in `folder/prev/`. Answers
    {file: rows written}, last year's files as "prev/header.csv" and so on. Both years' records
    are read at once."""
    records = _Records(authority, [year - 1, year] if previous else [year])
    written = _write(_Return(records, year).rows(), folder)
    if previous:
        before = _write(_Return(records, year - 1, coding_year=year).rows(), Path(folder) / "prev")
        written.update({f"prev/{file}": count for file, count in before.items()})
    return written


def export_files(previous=True):
    """The names of the files `write_return` writes, relative to its folder."""
    names = [table.file for table in tables.TABLES]
    if previous:
        names += [f"prev/{name}" for name in names]
    return names
