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

Every table is read with one query (two for the header and the UASC table's child details), for
the whole council, so a national-scale history takes seconds, not a query per child.
"""

import csv
from datetime import date
from pathlib import Path

from django.db.models import Q

from hearth.people.models import Child
from hearth.ssda903 import tables, vocabulary
from hearth.ssda903.models import (
    AdoptionDecision,
    CareLeaverOutcome,
    ChildReturn,
    Episode,
    HealthOutcome,
    MissingEpisode,
    PlacedForAdoption,
    PreviousPermanence,
    Review,
    SocialWorkerEpisode,
)

ADOPTED = vocabulary.ADOPTED
STARTED_TO_BE_LOOKED_AFTER = vocabulary.STARTED_TO_BE_LOOKED_AFTER
NUMERIC_SEX_BEFORE = 2024  # the return's SEX was 1 (male) or 2 (female) before 2024-25
NUMERIC_SEX = {"M": "1", "F": "2"}


def _open_in(first, last, *, start="decom", end="dec"):
    """Records that started by `last` and had not ended before `first`."""
    return Q(**{f"{start}__lte": last}) & (
        Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": first})
    )


def year_episodes(authority, year):
    """The council's episodes open at any time in the collection year."""
    first, last = tables.year_bounds(year)
    return Episode.objects.filter(_open_in(first, last), authority=authority)


def _text(column, value):
    if value is None or value == "":
        return ""
    if column.kind == "date":
        return tables.day(value) if isinstance(value, date) else str(value)
    if column.kind == "code":
        return str(value).strip().upper()
    return str(value)


def _sex(code, year):
    return NUMERIC_SEX.get(code, code) if year < NUMERIC_SEX_BEFORE else code


class _Return:
    """The rows of one council's return for one year (see the module's docstring)."""

    def __init__(self, authority, year, *, coding_year=None):
        self.authority = authority
        self.year = year
        self.coding_year = coding_year or year
        self.first, self.last = tables.year_bounds(year)
        self.episodes = list(
            year_episodes(authority, year).values(*self._fields(tables.EPISODES), "pk")
        )
        self.child_ids = {episode["child"] for episode in self.episodes}
        self.children = {
            child["pk"]: child
            for child in Child.objects.filter(pk__in=self._header_children()).values(
                "pk", "reference", "sex", "date_of_birth", "ethnicity"
            )
        }
        self.details = {
            details["child"]: details
            for details in ChildReturn.objects.filter(child__in=self._header_children()).values(
                "child", "upn", "mother", "mc_dob", "uasc", "uasc_ceased_on"
            )
        }

    def _header_children(self):
        """The header's children as a subquery (no list of ids sent to the database)."""
        return year_episodes(self.authority, self.year).values("child_id")

    @staticmethod
    def _fields(table):
        return [column.field for column in table.columns if column.field not in ("dob",)]

    def _row(self, table, record):
        child = self.children.get(record["child"]) or self._other_children[record["child"]]
        row = {}
        for column in table.columns:
            if column.field == "child":
                row[column.name] = child["reference"]
            elif column.field == "dob":
                row[column.name] = tables.day(child["date_of_birth"])
            elif column.field == "sex":
                row[column.name] = _sex(child["sex"], self.coding_year)
            else:
                row[column.name] = _text(column, record.get(column.field))
        return row

    def _rows(self, table, records, *, order):
        """Rows of `records` sorted by child reference then `order` (fields), then as text."""
        records = sorted(
            records,
            key=lambda r: (self._reference(r["child"]), *(_sortable(r.get(f)) for f in order)),
        )
        return [self._row(table, record) for record in records]

    def _reference(self, child_id):
        child = self.children.get(child_id) or self._other_children[child_id]
        return child["reference"]

    # Children of the outcome tables who are not in the header (OC3 care leavers). ------------

    _other_children = {}

    def _load_other_children(self, records):
        missing = {r["child"] for r in records} - set(self.children)
        if missing:
            self._other_children = {
                child["pk"]: child
                for child in Child.objects.filter(pk__in=missing).values(
                    "pk", "reference", "sex", "date_of_birth", "ethnicity"
                )
            }

    # Tables ---------------------------------------------------------------------------------

    def header(self):
        records = []
        for child_id, child in self.children.items():
            details = self.details.get(child_id, {})
            mother, mc_dob = details.get("mother", ""), details.get("mc_dob")
            if mc_dob and mc_dob > self.last:  # as on 31 March: her child was born later
                mother, mc_dob = "0", None  # (rule 625; 626 reads last year's MOTHER so)
            records.append(
                {
                    "child": child_id,
                    "ethnicity": child["ethnicity"],
                    "upn": details.get("upn", ""),
                    "mother": mother,
                    "mc_dob": mc_dob,
                }
            )
        return self._rows(tables.HEADER, records, order=())

    def episodes_rows(self):
        return self._rows(
            tables.EPISODES,
            [self._as_at_end(e, "dec", "rec", "reason_place_change") for e in self.episodes],
            order=("decom", "pk"),
        )

    def _as_at_end(self, record, ended, *with_it):
        """The record as known on 31 March: an ending after the year is not in its return."""
        if record.get(ended) and record[ended] > self.last:
            record = {**record, ended: None, **{field: "" for field in with_it}}
        return record

    def uasc(self):
        records = [
            {"child": child_id, "uasc_ceased_on": details["uasc_ceased_on"]}
            for child_id, details in self.details.items()
            if details["uasc"] and child_id in self.children
        ]
        return self._rows(tables.UASC, records, order=())

    def _of_header_children(self, table, queryset, order, ended=None, *with_it):
        records = [
            self._as_at_end(record, ended, *with_it) if ended else record
            for record in queryset.filter(
                authority=self.authority, child__in=self._header_children()
            )
            .distinct()
            .values(*self._fields(table), "pk")
        ]
        return self._rows(table, records, order=(*order, "pk"))

    def reviews(self):
        queryset = Review.objects.filter(reviewed_on__range=(self.first, self.last))
        return self._of_header_children(tables.REVIEWS, queryset, ("reviewed_on",))

    def missing(self):
        queryset = MissingEpisode.objects.filter(
            _open_in(self.first, self.last, start="started_on", end="ended_on")
        )
        return self._of_header_children(tables.MISSING, queryset, ("started_on",), "ended_on")

    def _outcomes(self, table, model):
        records = list(
            model.objects.filter(authority=self.authority, year=self.year).values(
                *self._fields(table), "pk"
            )
        )
        self._load_other_children(records)
        return self._rows(table, records, order=("pk",))

    def oc2(self):
        return self._outcomes(tables.OC2, HealthOutcome)

    def oc3(self):
        return self._outcomes(tables.OC3, CareLeaverOutcome)

    def ad1(self):
        adopted = {
            episode["child"]
            for episode in self.episodes
            if episode["rec"] in ADOPTED
            and episode["dec"]
            and self.first <= episode["dec"] <= self.last
        }
        records = [
            record
            for record in AdoptionDecision.objects.filter(
                authority=self.authority, child__in=self._header_children()
            )
            .distinct()
            .values(*self._fields(tables.AD1), "pk")
            if record["child"] in adopted
        ]
        return self._rows(tables.AD1, records, order=("pk",))

    def placed_for_adoption(self):
        queryset = PlacedForAdoption.objects.filter(
            _open_in(self.first, self.last, start="placed_on", end="ceased_on")
        )
        return self._of_header_children(
            tables.PLACED_FOR_ADOPTION, queryset, ("placed_on",), "ceased_on", "reason_ceased"
        )

    def previous_permanence(self):
        starters = {
            episode["child"]
            for episode in self.episodes
            if episode["rne"] == STARTED_TO_BE_LOOKED_AFTER and episode["decom"] >= self.first
        }
        records = [
            record
            for record in PreviousPermanence.objects.filter(
                authority=self.authority, child__in=self._header_children()
            )
            .distinct()
            .values(*self._fields(tables.PREVIOUS_PERMANENCE), "pk")
            if record["child"] in starters
        ]
        return self._rows(tables.PREVIOUS_PERMANENCE, records, order=("pk",))

    def sw_episodes(self):
        queryset = SocialWorkerEpisode.objects.filter(
            _open_in(self.first, self.last, start="started_on", end="ended_on")
        )
        return self._of_header_children(tables.SW_EPISODES, queryset, ("started_on",), "ended_on")

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


def _sortable(value):
    """None sorts first, among values of one kind."""
    return (value is not None, value if value is not None else 0)


def return_rows(authority, year, *, coding_year=None):
    """{Table: [{column: text}]} of the council's return for the year starting 1 April `year`,
    every table (an empty list for a table with no rows), in the files' order. `coding_year`:
    write the codes as that year's return does (last year's return beside this year's, for the
    rules that compare the two: SEX was 1/2 before 2024-25, and rule 202 compares the text)."""
    return _Return(authority, year, coding_year=coding_year).rows()


def write_csv(path, table, rows):
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=table.header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_rows(rows, folder):
    """Write `rows` (as `return_rows` answers) as the return's files in `folder`."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for table in tables.TABLES:
        write_csv(folder / table.file, table, rows.get(table, []))
        written[table.file] = len(rows.get(table, []))
    return written


def write_return(authority, year, folder, *, previous=True):
    """Write the council's return for the year starting 1 April `year` into `folder` (made if
    need be): the eleven files, and with `previous` last year's in `folder/prev/`. Answers
    {file: rows written}, last year's files as "prev/header.csv" and so on."""
    written = write_rows(return_rows(authority, year), folder)
    if previous:
        before = write_rows(
            return_rows(authority, year - 1, coding_year=year), Path(folder) / "prev"
        )
        written.update({f"prev/{file}": count for file, count in before.items()})
    return written


def export_files(previous=True):
    """The names of the files `write_return` writes, relative to its folder."""
    names = [table.file for table in tables.TABLES]
    if previous:
        names += [f"prev/{name}" for name in names]
    return names
