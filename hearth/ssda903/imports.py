"""`hearth import 903 DIR`: a council's past SSDA903 returns read into Hearth, so that its
children's history of care, placements and indicators are there from the first day.

A return is a folder of the DfE's CSV files (`hearth.ssda903.tables`: header, episodes, uasc,
reviews, missing, oc2, oc3, ad1, placed_for_adoption, previous_permanence, sw_episodes), and
optionally `prev/` with the year before's, as the DfE's validator takes them. A file is known by
its name, or else by its columns; a table with no file is empty, except the header and the
episodes, which every return has. A file whose columns are not the table's is refused, naming
the file and the columns.

**The collection year** of a return is given (`import_return(..., year=)`, `hearth import 903 DIR
--year YYYY`, the year's first year: 2025 for 2025-26), or else read from its dates: the year its
latest date falls in (an episode's start or end, a review, a missing episode, a social worker
episode, an adoption date), as a return holds nothing after its 31 March. That guess is refused,
asking for the year, when nothing in the return proves it: a return whose episodes are all still
open and which holds no review, and nothing that ended, in that year may as well be the next
year's. A return holds the episodes open at some time in its year: one that ended before the year
began is refused. `prev/` is the year before.

**All or nothing.** Every row is checked before anything is written: dates (dd/mm/yyyy), each
code against the DfE's list (any year's, so old returns read too), DEC before DECOM, a REC
without a DEC or a DEC without a REC, episodes of a child that overlap, a child in a table who is
not in the return's header, a DOB that is not the header's, a value longer than Hearth holds.
Every bad row is answered with its file, line and reason, and then nothing is written.

**Children** are matched by CHILD (`Child.reference`) within the council. A child Hearth does
not know is created. The return holds no names, so a child made from it is called "Child" and
their reference (first name "Child", last name the CHILD) until someone completes the record;
the audit row of the creation says so. Sex, date of birth and ethnicity come from the header,
legal status and home postcode from the child's latest episode. The header's SEX is M or F (1
or 2 in returns before 2024-25); "U" (not known) is refused: Hearth records a child's sex as M
or F, so the row must say which before it is imported. A care leaver in the OC3 table only (not
looked after in the year, so not in the header) and unknown to Hearth is created with the OC3
row's DOB, sex blank and ethnicity "not yet obtained" (NOBT). A child Hearth already holds must
agree with the header on DOB, SEX and ETHNIC (a blank sex or NOBT in Hearth is filled in): a
difference is refused, as it most likely means the wrong child, and one of them must be corrected
first. The child's return details (`ChildReturn`: UPN, MOTHER, MC_DOB, UASC and DUC, and CIN
from the latest episode) are what the latest return holding the child says.

**Importing twice changes nothing**; rows are matched by their natural keys: an episode by child
and DECOM; a review by child and REVIEW; a missing episode by child and MIS_START; a social
worker episode by child and SW_DECOM; placed for adoption by child and DATE_PLACED; OC2 and OC3
by child and year; AD1 and previous permanence by child. A matched row whose values differ is
updated. **A corrected return replaces its year**: the imported episodes open at any time in
the return's years (the folder's, and `prev/`'s when present) that the files no longer hold are
removed, and so are the reviews held, the missing, social worker and placed-for-adoption episodes
overlapping, and the OC2 and OC3 rows of those years, except those of children Hearth has
recorded placements for (what Hearth recorded is never removed by an import). AD1 and previous
permanence rows are only added or updated. Episodes made in Hearth (`source=hearth`) are never
touched (the L episodes Hearth makes of a legal status change it records in imported care are
Hearth's too): an imported episode that overlaps one is refused with the reason, except that an
imported episode still open at the end of its year, of a child whose first episode made in
Hearth starts after that year, is ended on that day (REC X1, with the reason for the move Hearth
recorded), as Hearth does when it records the placement or the change
(`hearth.ssda903.episodes.refresh`).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.db import transaction
from django.db.models import F, Q

from hearth.audit import services as audit_services
from hearth.audit.models import AuditEvent
from hearth.people.models import Child
from hearth.ssda903 import tables, vocabulary
from hearth.ssda903.models import ChildReturn, Episode

KIND = "903"
PREVIOUS = "prev"
VIA = "import"
REQUIRED_FILES = (tables.HEADER, tables.EPISODES)
UNKNOWN_ETHNICITY = "NOBT"
IMPORTED = Episode.Source.IMPORTED
HEARTH = Episode.Source.HEARTH

# The return's SEX: M or F from 2024-25, 1 or 2 before.
SEXES = vocabulary.SEXES
YES_NO = set(vocabulary.YES_NO)
# PLACE codes of any year the validator knows: the current list and those it replaced.
PLACES = set(vocabulary.PLACE_KNOWN)  # this year's codes and those 2025-26 retired
CODE_LISTS = {
    (tables.HEADER, "ethnicity"): set(vocabulary.ETHNICITY),
    (tables.HEADER, "mother"): set(vocabulary.MOTHER),
    (tables.EPISODES, "rne"): set(vocabulary.RNE),
    (tables.EPISODES, "ls"): set(vocabulary.LEGAL_STATUS),
    (tables.EPISODES, "cin"): set(vocabulary.CATEGORY_OF_NEED),
    (tables.EPISODES, "place"): PLACES,
    (tables.EPISODES, "place_provider"): set(vocabulary.PLACE_PROVIDER),
    (tables.EPISODES, "rec"): set(vocabulary.REC),
    (tables.EPISODES, "reason_place_change"): set(vocabulary.REASON_PLACE_CHANGE),
    (tables.REVIEWS, "participation"): set(vocabulary.REVIEW_CODE),
    (tables.MISSING, "kind"): set(vocabulary.MISSING),
    (tables.OC2, "sdq_score"): set(vocabulary.SDQ_SCORES),
    (tables.OC2, "sdq_reason"): set(vocabulary.SDQ_REASON),
    **{(tables.OC2, item): YES_NO for item in vocabulary.OC2_ITEMS},
    (tables.OC3, "in_touch"): set(vocabulary.IN_TOUCH),
    (tables.OC3, "activity"): set(vocabulary.ACTIVITY),
    (tables.OC3, "accommodation"): set(vocabulary.ACCOMMODATION),
    (tables.AD1, "foster_care"): YES_NO,
    (tables.AD1, "number_of_adopters"): set(vocabulary.NUMBER_OF_ADOPTERS),
    (tables.AD1, "sex_of_adopters"): set(vocabulary.SEX_OF_ADOPTERS),
    (tables.AD1, "legal_status_of_adopters"): set(vocabulary.LEGAL_STATUS_OF_ADOPTERS),
    (tables.PLACED_FOR_ADOPTION, "reason_ceased"): set(vocabulary.REASON_PLACED_CEASED),
    (tables.PREVIOUS_PERMANENCE, "previous_permanence"): set(vocabulary.PREVIOUS_PERMANENCE),
    (tables.SW_EPISODES, "reason"): set(vocabulary.SW_REASON),
}
REQUIRED = {
    tables.HEADER: ("sex", "dob", "ethnicity"),
    tables.EPISODES: ("decom", "rne", "ls", "place"),
    tables.REVIEWS: ("reviewed_on",),
    tables.MISSING: ("kind", "started_on"),
    tables.PLACED_FOR_ADOPTION: ("placed_on",),
    tables.SW_EPISODES: ("social_worker_id", "started_on"),
}
# Each table's natural key (after the child), and for the year's rows, the period of each row.
KEYS = {
    tables.HEADER: (),
    tables.EPISODES: ("decom",),
    tables.UASC: (),
    tables.REVIEWS: ("reviewed_on",),
    tables.MISSING: ("started_on",),
    tables.OC2: ("year",),
    tables.OC3: ("year",),
    tables.AD1: (),
    tables.PLACED_FOR_ADOPTION: ("placed_on",),
    tables.PREVIOUS_PERMANENCE: (),
    tables.SW_EPISODES: ("started_on",),
}
# Tables whose rows of a year a corrected return replaces: how a stored row is in the year.
PERIODS = {
    tables.REVIEWS: ("reviewed_on", "reviewed_on"),
    tables.MISSING: ("started_on", "ended_on"),
    tables.PLACED_FOR_ADOPTION: ("placed_on", "ceased_on"),
    tables.SW_EPISODES: ("started_on", "ended_on"),
}
BY_YEAR = (tables.OC2, tables.OC3)
CHILD_TABLES = tuple(t for t in tables.TABLES if t.model not in (None, Episode, ChildReturn))
DATE_PERM = re.compile(r"^(\d{2}|zz)/(\d{2}|zz)/(\d{4}|zzzz)$", re.IGNORECASE)


@dataclass
class ImportResult:
    """What an import did. When `errors` is not empty nothing was written and the counts are 0.
    `errors` are ((file, line), reason), the file relative to the folder ("prev/episodes.csv")."""

    kind: str = KIND
    year: int | None = None
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    children_created: int = 0
    tables: dict = field(default_factory=dict)  # file -> {"created", "updated", ...}
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors

    def count(self, table, what, n=1):
        counts = self.tables.setdefault(
            table.file, {"created": 0, "updated": 0, "unchanged": 0, "removed": 0}
        )
        counts[what] += n
        setattr(self, what, getattr(self, what) + n)


class Refused(Exception):
    """The import stops here; its problems are in the result."""


@dataclass
class Record:
    """One row of a return, checked: the Hearth fields it sets, and where it came from."""

    table: tables.Table
    file: str
    line: int
    child: str
    values: dict

    @property
    def where(self):
        return (self.file, self.line)

    def key(self):
        return (self.child, *(self.values[name] for name in KEYS[self.table]))


@dataclass
class Return:
    """One folder's return: its year and its checked records, by table."""

    prefix: str  # "" or "prev/"
    records: dict  # Table -> [Record]
    files: dict = field(default_factory=dict)  # Table -> (file, columns, [(line, values)])
    refused: set = field(default_factory=set)  # children whose header row is wrong
    year: int | None = None

    def header(self):
        return {record.child: record for record in self.records[tables.HEADER]}

    def latest_day(self):
        days = [
            value
            for records in self.records.values()
            for record in records
            for value in record.values.values()
            if isinstance(value, date) and record.table is not tables.HEADER
            and record.table.name not in ("UASC",)
        ]  # fmt: skip
        return max(days, default=None)


def import_return(authority, folder, *, by=None, year=None):
    """Import the return in `folder` (and `folder/prev`) for the council `authority`; `year` is
    the collection year's first year when known (else read from the return's dates, and refused
    when they do not prove it: see the module's docstring). Answers an `ImportResult`; when it
    has errors nothing at all was written."""
    result = ImportResult()
    try:
        returns = _read_returns(Path(folder), result)
        _set_years(returns, year, result)
        for one in returns:
            _check_children(one, result)
        _stop_if_refused(result)
        _import(authority, returns, by=by, result=result)
    except Refused:
        return ImportResult(year=result.year, errors=sorted(result.errors, key=_error_order))
    return result


def _error_order(error):
    (file, line), _reason = error
    return (file.startswith(PREVIOUS), file, line)


def _stop_if_refused(result):
    if result.errors:
        raise Refused


# Reading the files -------------------------------------------------------------------------------


def _read_returns(folder, result):
    if not folder.is_dir():
        result.errors.append(((str(folder), 0), "no such folder"))
        raise Refused
    returns = []
    if (folder / PREVIOUS).is_dir():
        returns.append(_read_folder(folder / PREVIOUS, f"{PREVIOUS}/", result))
    returns.append(_read_folder(folder, "", result))
    _stop_if_refused(result)
    for one in returns:
        _read_rows(one, result)
    return returns


def _read_folder(folder, prefix, result):
    found = {}
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() != ".csv":
            continue
        name = prefix + path.name
        header, rows = _csv(path, name, result)
        if header is None:
            continue
        table = tables.BY_FILE.get(path.name.lower()) or _table_by_columns(header)
        if table is None:
            expected = ", ".join(t.file for t in tables.TABLES)
            result.errors.append(
                (
                    (name, 1),
                    f"not a file of the return: its columns are not a table's, and "
                    f"its name is not one of {expected}",
                )  # fmt: skip
            )
            continue
        if table in found:
            result.errors.append(((name, 1), f"a second {table.file} (also {found[table][0]})"))
            continue
        problem = _columns_problem(header, table)
        if problem:
            result.errors.append(((name, 1), problem))
            continue
        found[table] = (name, header, rows)
    for table in REQUIRED_FILES:
        if table not in found:
            where = f"{prefix}{table.file}"
            result.errors.append(((where, 0), f"{where} is missing: every return has one"))
    return Return(prefix, {table: [] for table in tables.TABLES}, files=found)


def _read_rows(one, result):
    """Check every row of the return's files into its records."""
    for table, (name, header, rows) in one.files.items():
        for line, values in rows:
            row = dict(zip(header, values, strict=True))
            record = _record(table, name, line, row, result)
            if record is not None:
                one.records[table].append(record)
            elif table is tables.HEADER:
                one.refused.add(row["CHILD"])


def _csv(path, name, result):
    """(the column names, [(line, values)]) of the file, or (None, None) when it is unreadable."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append(((name, 1), "not UTF-8 text: save it as 'CSV UTF-8' and try again"))
        return None, None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [column.strip().upper() for column in next(reader, [])]
        if not any(header):
            result.errors.append(((name, 1), "the file is empty: its first line names the columns"))
            return None, None
        rows = []
        for values in reader:
            values = [value.strip() for value in values]
            if not any(values):
                continue
            while len(values) > len(header) and not values[-1]:
                values.pop()
            if len(values) != len(header):
                result.errors.append(
                    ((name, reader.line_num), f"expected {len(header)} values, found {len(values)}")
                )
                continue
            rows.append((reader.line_num, values))
    except csv.Error as error:
        result.errors.append(((name, reader.line_num), f"cannot read this line as CSV: {error}"))
        return None, None
    return header, rows


def _table_by_columns(header):
    for table in tables.TABLES:
        if set(header) == set(table.header):
            return table
    return None


def _columns_problem(header, table):
    missing = [name for name in table.header if name not in header]
    unknown = [name or "(a column with no name)" for name in header if name not in table.header]
    twice = sorted({name for name in header if header.count(name) > 1})
    problems = []
    if missing:
        problems.append("missing columns " + ", ".join(missing))
    if unknown:
        problems.append("unknown columns " + ", ".join(unknown))
    if twice:
        problems.append("columns named twice " + ", ".join(twice))
    if not problems:
        return ""
    return "; ".join(problems) + f". The {table.file} columns are " + ", ".join(table.header)


# Checking each row -----------------------------------------------------------------------------


# The return's dates repeat: each text is parsed once (ValueError if it is not a date).
_day = lru_cache(maxsize=65536)(tables.parse_day)


def _record(table, file, line, row, result):
    """The row as a `Record`, or None with its problems in `result`."""
    problems, values = [], {}
    child = row["CHILD"]
    if not child:
        problems.append("CHILD: the child's ID is empty")
    elif len(child) > Child._meta.get_field("reference").max_length:
        problems.append(f"CHILD: {child} is longer than Hearth's child references (40)")
    for column in table.columns:
        if column.field == "child":
            continue
        text = row[column.name]
        value, problem = _value(table, column, text)
        if problem:
            problems.append(f"{column.name}: {problem}")
        values[column.field] = value
    for name in REQUIRED.get(table, ()):
        if values.get(name) in ("", None) and not any(
            p.startswith(_column_name(table, name) + ":") for p in problems
        ):
            problems.append(f"{_column_name(table, name)}: required, and empty")
    problems += _row_rules(table, values)
    if problems:
        result.errors.extend(((file, line), problem) for problem in problems)
        return None
    return Record(table, file, line, child, values)


def _column_name(table, field_name):
    return next(column.name for column in table.columns if column.field == field_name)


def _value(table, column, text):
    """(value, problem): the cell as Hearth holds it."""
    if column.kind == "date":
        if not text:
            return None, ""
        try:
            return _day(text), ""
        except ValueError:
            return None, f"{text!r} is not a date written dd/mm/yyyy"
    value = text.upper() if column.kind == "code" else text
    if column.field == "sex":
        if value == "U":
            return "", (
                "U (not known): Hearth records a child's sex as M or F; say which in the "
                "return (or leave the child out) before importing it"
            )
        if value and value not in SEXES:
            return "", f"{text!r} is not a sex: M or F (1 or 2 before 2024-25)"
        return SEXES.get(value, ""), ""
    allowed = CODE_LISTS.get((table, column.field))
    if value and allowed is not None and value not in allowed:
        return value, f"{text!r} is not one of the codes: " + ", ".join(sorted(allowed))
    if column.field == "date_perm" and value and not DATE_PERM.match(value):
        return value, f"{text!r} is not a date written dd/mm/yyyy (zz for a part not known)"
    longest = _longest(table, column.field)
    if longest and len(value) > longest:
        return value, f"{text!r} is longer than Hearth holds ({longest} characters)"
    return value, ""


def _longest(table, field_name):
    if table.model is None or field_name in ("dob", "sex", "ethnicity"):
        model, field_name = (
            (ChildReturn, field_name) if table.model is None else (table.model, field_name)
        )
        if field_name in ("dob", "sex", "ethnicity"):
            return None
    else:
        model = table.model
    try:
        return model._meta.get_field(field_name).max_length
    except Exception:  # a column the model holds under no field of that name
        return None


def _row_rules(table, values):
    """What a row may not say whatever else the return holds."""
    problems = []
    if table is tables.EPISODES:
        decom, dec, rec = values["decom"], values["dec"], values["rec"]
        if decom and dec and dec < decom:
            problems.append(f"DEC: the episode ends ({tables.day(dec)}) before it starts (DECOM)")
        if dec and not rec:
            problems.append("REC: the episode ended (DEC) and the reason it ended is empty")
        if rec and not dec:
            problems.append("DEC: the episode has a reason it ended (REC) and no end date")
    for start, end in (("started_on", "ended_on"), ("placed_on", "ceased_on")):
        if values.get(start) and values.get(end) and values[end] < values[start]:
            problems.append(
                f"{_column_name(table, end)}: ends before it starts ({_column_name(table, start)})"
            )
    if table is tables.HEADER and values["mc_dob"] and values["mother"] != "1":
        problems.append("MC_DOB: a child's birth date is given, and MOTHER is not 1")
    return problems


# The return's year -----------------------------------------------------------------------------


# Dates that only the return of the year they fall in can hold: an episode, a missing episode, a
# social worker episode or a placement for adoption that ended, and a review. (An episode still
# open, and what started in a year, are in the next year's return too.)
ENDINGS = {
    tables.EPISODES: "dec",
    tables.REVIEWS: "reviewed_on",
    tables.MISSING: "ended_on",
    tables.PLACED_FOR_ADOPTION: "ceased_on",
    tables.SW_EPISODES: "ended_on",
}


def _set_years(returns, year, result):
    this, before = returns[-1], len(result.errors)
    if year is None:
        year = _inferred_year(this, result)
    this.year = result.year = year
    if len(returns) == 2:
        previous = returns[0]
        previous.year = year - 1
        latest = previous.latest_day()
        if latest and tables.year_of(latest) >= year:
            result.errors.append(
                (
                    (f"{PREVIOUS}/{tables.EPISODES.file}", 0),
                    f"prev/ holds dates of {_label(tables.year_of(latest))}: it should be the "
                    f"return of the year before ({_label(year - 1)})",
                )  # fmt: skip
            )
    if len(result.errors) > before:
        raise Refused
    for one in returns:
        for table in BY_YEAR:
            for record in one.records[table]:
                record.values["year"] = one.year
        _check_in_year(one, result)


def _inferred_year(one, result):
    """The year of the return's latest date, when the return proves it is that year's: it holds
    something that ended, or a review, in that year. Otherwise the return may as well be the next
    year's with nothing ended since (its children's episodes all still open): refused, asking for
    the year."""
    where = (tables.EPISODES.file, 0)
    latest = one.latest_day()
    if latest is None:
        result.errors.append(
            (where, "the return holds no dates to tell its year from: give the year (--year)")
        )
        raise Refused
    year = tables.year_of(latest)
    first, last = tables.year_bounds(year)
    proven = any(
        first <= (record.values[name] or date.min) <= last
        for table, name in ENDINGS.items()
        for record in one.records[table]
    )
    if not proven:
        result.errors.append(
            (
                where,
                f"cannot tell the return's year: its latest date ({tables.day(latest)}) is in "
                f"{_label(year)}, but no episode, missing episode or social worker episode "
                f"ended and no review was held in {_label(year)}, so it may be the return of "
                f"{_label(year + 1)}: give the year (--year {year} for {_label(year)}, --year "
                f"{year + 1} for {_label(year + 1)})",
            )  # fmt: skip
        )
        raise Refused
    return year


def _label(year):
    return f"{year}-{(year + 1) % 100:02d}"


def _check_in_year(one, result):
    """Nothing after the year's end; no episode that ended before the year began (a return holds
    the episodes open at some time in its year)."""
    first, last = tables.year_bounds(one.year)
    for record in one.records[tables.EPISODES]:
        if record.values["dec"] and record.values["dec"] < first:
            result.errors.append(
                (
                    record.where,
                    f"DEC: the episode ended before the return's year began ({tables.day(first)}):"
                    f" a return of {_label(one.year)} holds the episodes open at some time in it",
                )  # fmt: skip
            )
    for table, records in one.records.items():
        if table is tables.UASC:  # DUC: the 18th birthday, often after the year
            continue
        for record in records:
            later = [
                name
                for name, value in record.values.items()
                if isinstance(value, date) and value > last
            ]
            for name in later:
                result.errors.append(
                    (
                        record.where,
                        f"{_column_name(record.table, name)}: after the end of the "
                        f"return's year ({tables.day(last)})",
                    )  # fmt: skip
                )


# Checking the return as a whole ------------------------------------------------------------------


def _check_children(one, result):
    """Each child of a table is in the header (OC3's care leavers aside) with the same DOB; no
    row is there twice; a child's episodes do not overlap."""
    header = {}
    for record in one.records[tables.HEADER]:
        if record.child in header:
            result.errors.append(
                (
                    record.where,
                    f"CHILD {record.child} is already on line {header[record.child].line}",
                )
            )
            continue
        header[record.child] = record
    for table in tables.TABLES[1:]:
        seen = {}
        for record in one.records[table]:
            in_header = header.get(record.child)
            if in_header is None and table is not tables.OC3 and record.child not in one.refused:
                result.errors.append(
                    (record.where, f"CHILD {record.child} is not in the return's header")
                )
            elif (
                in_header is not None
                and record.values.get("dob", in_header.values["dob"]) != (in_header.values["dob"])
            ):
                result.errors.append(
                    (
                        record.where,
                        f"DOB: {tables.day(record.values['dob'])} is not the header's "
                        f"({tables.day(in_header.values['dob'])}, line {in_header.line})",
                    )  # fmt: skip
                )
            key = record.key()
            if key in seen:
                result.errors.append(
                    (
                        record.where,
                        f"the same row ({_describe_key(record)}) is already on line "
                        f"{seen[key].line}",
                    )  # fmt: skip
                )
            else:
                seen[key] = record
        if table is tables.UASC:
            for record in one.records[table]:
                in_header = header.get(record.child)
                if in_header and record.values["sex"] != in_header.values["sex"]:
                    result.errors.append((record.where, "SEX: not the header's"))
    _check_overlaps(_by_child(one.records[tables.EPISODES]), result)


def _describe_key(record):
    names = [_column_name(record.table, name) for name in KEYS[record.table] if name != "year"]
    values = [record.values[name] for name in KEYS[record.table] if name != "year"]
    shown = [
        f"{n} {tables.day(v) if isinstance(v, date) else v}"
        for n, v in zip(names, values, strict=True)
    ]
    return ", ".join([f"CHILD {record.child}", *shown])


def _by_child(records):
    found = {}
    for record in records:
        found.setdefault(record.child, []).append(record)
    return found


def _check_overlaps(episodes_by_child, result, *, stored=None, end_of=None):
    """Episodes of each child (Records, and `stored` Episodes by child reference) may not overlap:
    each starts on or after the day the one before ended. `end_of(record)`: a record's DEC as
    Hearth will hold it (its own by default)."""
    stored = stored or {}
    end_of = end_of or (lambda record: record.values["dec"])
    for child, records in episodes_by_child.items():
        spans = [(r.values["decom"], end_of(r), r) for r in records]
        spans += [(e.decom, e.dec, e) for e in stored.get(child, ())]
        spans.sort(key=lambda span: (span[0], span[1] is None, span[1] or date.max))
        for (_start, end, before), (next_start, _end, after) in zip(spans, spans[1:], strict=False):
            if end is not None and next_start >= end:
                continue
            record, other = (after, before) if isinstance(after, Record) else (before, after)
            if isinstance(record, Record):
                result.errors.append((record.where, _overlap_reason(record, other, end_of)))


def _overlap_reason(record, other, end_of):
    if isinstance(other, Record):
        what, start, end = f"the episode on line {other.line}", other.values["decom"], end_of(other)
    else:
        what = (
            "a placement recorded in Hearth"
            if other.source == HEARTH
            else "an episode Hearth holds from an earlier return"
        )
        start, end = other.decom, other.dec
    until = f"to {tables.day(end)}" if end else "still open"
    return (
        f"CHILD {record.child}: the episode from {tables.day(record.values['decom'])} overlaps "
        f"{what} (from {tables.day(start)}, {until}): a child's episodes may not overlap"
    )


# Merging the returns and comparing with what Hearth holds --------------------------------------

BATCH = 2000


@dataclass(slots=True)
class _Held:
    """An episode Hearth holds, as the import compares it."""

    pk: int
    child: str
    source: str
    values: dict

    @property
    def decom(self):
        return self.values["decom"]

    @property
    def dec(self):
        return self.values["dec"]


def _import(authority, returns, *, by, result):
    """Plan and write in one transaction: the council's children are locked first (as the
    placement services lock a child), so a placement started meanwhile either is in the plan or
    waits for the import."""
    wanted = _merged(returns)
    years = sorted(one.year for one in returns)
    first, last = tables.year_bounds(years[0])[0], tables.year_bounds(years[-1])[1]
    with transaction.atomic():
        children = {
            child["reference"]: child
            for child in Child.objects.select_for_update()
            .filter(authority=authority)
            .values("pk", "reference", "date_of_birth", "sex", "ethnicity", "legal_status")
        }
        plan = _EpisodePlan(authority, wanted[tables.EPISODES], children, returns, first, last)
        plan.check(result)
        _check_known_children(wanted[tables.HEADER], children, result)
        _stop_if_refused(result)
        _Writer(authority, returns, wanted, children, plan, by, result).write()


def _merged(returns):
    """Table -> {key: Record}: the later return's row wins where both hold one."""
    wanted = {table: {} for table in tables.TABLES}
    for one in returns:
        for table, records in one.records.items():
            for record in records:
                wanted[table][record.key()] = record
    return wanted


def _check_known_children(header, children, result):
    for (reference,), record in header.items():
        child = children.get(reference)
        if child is None:
            continue
        values, problems = record.values, []
        if child["date_of_birth"] != values["dob"]:
            problems.append(
                f"DOB: Hearth holds the date of birth {tables.day(child['date_of_birth'])}"
            )
        if child["sex"] and child["sex"] != values["sex"]:
            problems.append(f"SEX: Hearth holds the sex {child['sex']}")
        if child["ethnicity"] not in ("", UNKNOWN_ETHNICITY) and (
            child["ethnicity"] != values["ethnicity"]
        ):
            problems.append(f"ETHNIC: Hearth holds the ethnicity {child['ethnicity']}")
        result.errors.extend(
            (
                record.where,
                f"{problem} for child {reference}: correct the child's record or the "
                "return, then import again",
            )  # fmt: skip
            for problem in problems
        )


EPISODE_FIELDS = [column.field for column in tables.EPISODES.columns if column.field != "child"]


class _EpisodePlan:
    """Which imported episodes to add, change and remove, checked against the episodes Hearth
    holds (see the module's docstring)."""

    def __init__(self, authority, wanted, children, returns, first, last):
        self.wanted = wanted  # {(reference, decom): Record}
        self.first, self.last = first, last
        self.year_end = {one.prefix: tables.year_bounds(one.year)[1] for one in returns}
        references = {reference for reference, _decom in wanted}
        reference_of = {child["pk"]: reference for reference, child in children.items()}
        earliest = min((decom for _reference, decom in wanted), default=first)
        self.hearth, self.imported = {}, {}
        placed = Episode.objects.filter(authority=authority, source=HEARTH).values("child_id")
        self.placed_in_hearth = {
            reference_of[child_id]
            for child_id in placed.distinct().values_list("child_id", flat=True)
            if child_id in reference_of
        }
        held = Episode.objects.filter(authority=authority).filter(
            Q(dec__isnull=True) | Q(dec__gte=min(earliest, first))
        )
        for values in held.values("pk", "child_id", "source", *EPISODE_FIELDS).iterator(
            chunk_size=BATCH
        ):
            reference = reference_of.get(values.pop("child_id"))
            episode = _Held(values.pop("pk"), reference, values.pop("source"), values)
            if episode.source == HEARTH:
                if reference in references:
                    self.hearth.setdefault(reference, []).append(episode)
            elif reference in references or self._in_scope(episode):
                self.imported[(reference, episode.decom)] = episode
        self.removed = [
            episode
            for key, episode in self.imported.items()
            if key not in wanted and self._in_scope(episode)
        ]
        self.kept = {}
        for key, episode in self.imported.items():
            if key not in wanted and not self._in_scope(episode):
                self.kept.setdefault(episode.child, []).append(episode)
        self.values = {key: self._values(record) for key, record in wanted.items()}

    def _in_scope(self, episode):
        return episode.decom <= self.last and (episode.dec is None or episode.dec >= self.first)

    def _values(self, record):
        """The episode's fields as Hearth will hold them: one still open at the end of its year
        is ended on the day the child's first episode made in Hearth after that year starts (a
        placement's, or an L episode of a legal status change recorded in Hearth), with the
        reason for the move Hearth recorded then (`hearth.ssda903.episodes`)."""
        values = {name: record.values[name] for name in EPISODE_FIELDS}
        placements = self.hearth.get(record.child)
        if values["dec"] is None and placements:
            prefix = f"{PREVIOUS}/" if record.file.startswith(f"{PREVIOUS}/") else ""
            year_end = self.year_end[prefix]
            later = [e.decom for e in placements if e.decom > year_end]
            inside = [e for e in placements if e.decom <= year_end and e.decom >= values["decom"]]
            if later and not inside:
                ended, held = min(later), self.imported.get(record.key())
                kept = held.values["reason_place_change"] if held and held.dec == ended else ""
                values.update(dec=ended, rec=vocabulary.CHANGE_OF_EPISODE, reason_place_change=kept)
        return values

    def end_of(self, record):
        return self.values[record.key()]["dec"]

    def check(self, result):
        by_child = _by_child(self.wanted.values())
        stored = {
            reference: [*self.kept.get(reference, ()), *self.hearth.get(reference, ())]
            for reference in by_child
        }
        _check_overlaps(by_child, result, stored=stored, end_of=self.end_of)


# Writing ---------------------------------------------------------------------------------------


class _Writer:
    """Writes the plan in one transaction: children, their return details, episodes, then the
    other tables; a few queries each, whatever the size of the return."""

    def __init__(self, authority, returns, wanted, children, plan, by, result):
        self.authority, self.returns, self.wanted = authority, returns, wanted
        self.children, self.plan, self.by, self.result = children, plan, by, result
        self.years = {one.year for one in returns}
        self.first, self.last = plan.first, plan.last
        self.created_children = set()
        self.changed = {}  # child pk -> [what changed]

    def write(self):
        self._children()
        self._child_returns()
        self._episodes()
        for table in CHILD_TABLES:
            self._table(table)
        self._audit()

    def _note(self, reference, what):
        pk = self.children[reference]["pk"]
        if pk not in self.created_children:
            self.changed.setdefault(pk, []).append(what)

    # Children -----------------------------------------------------------------------------------

    def _latest_episodes(self):
        """Reference -> the values of the child's latest episode Hearth will hold."""
        latest = {}
        for (reference, decom), values in self.plan.values.items():
            if reference not in latest or decom > latest[reference]["decom"]:
                latest[reference] = values
        for episodes in self.plan.kept.values():
            for episode in episodes:
                found = latest.get(episode.child)
                if found is not None and episode.decom > found["decom"]:
                    latest[episode.child] = episode.values
        return latest

    def _children(self):
        header = {reference: record for (reference,), record in self.wanted[tables.HEADER].items()}
        latest = self._latest_episodes()
        new, changed = [], []
        for reference, record in header.items():
            episode = latest.get(reference, {})
            child = self.children.get(reference)
            if child is None:
                new.append(
                    Child(
                        authority=self.authority, reference=reference, first_name="Child",
                        last_name=reference, date_of_birth=record.values["dob"],
                        sex=record.values["sex"], ethnicity=record.values["ethnicity"],
                        legal_status=episode.get("ls", ""),
                        home_postcode=episode.get("home_post", ""),
                    )
                )  # fmt: skip
                continue
            update = {}
            if not child["sex"]:
                update["sex"] = record.values["sex"]
            if child["ethnicity"] in ("", UNKNOWN_ETHNICITY):
                update["ethnicity"] = record.values["ethnicity"]
            if episode and reference not in self.plan.placed_in_hearth:
                update["legal_status"] = episode["ls"]
            update = {name: value for name, value in update.items() if child[name] != value}
            if update:
                child.update(update)
                changed.append((child["pk"], update))
                self._note(reference, "details (" + ", ".join(sorted(update)) + ")")
        for (reference, _year), record in self.wanted[tables.OC3].items():
            if reference not in self.children and reference not in header:
                header[reference] = record
                new.append(
                    Child(
                        authority=self.authority, reference=reference, first_name="Child",
                        last_name=reference, date_of_birth=record.values["dob"], sex="",
                        ethnicity=UNKNOWN_ETHNICITY, legal_status="",
                    )
                )  # fmt: skip
        Child.objects.bulk_create(new, batch_size=BATCH)
        for child in new:
            self.children[child.reference] = {
                "pk": child.pk, "reference": child.reference, "date_of_birth": child.date_of_birth,
                "sex": child.sex, "ethnicity": child.ethnicity, "legal_status": child.legal_status,
            }  # fmt: skip
            self.created_children.add(child.pk)
        self.result.children_created = len(new)
        # Each changed child's version goes up, so that a form opened before the import cannot
        # write over what it changed without a conflict.
        _bulk_update(Child, changed)

    # The children's return details ---------------------------------------------------------------

    def _child_returns(self):
        held = {
            details["child_id"]: details
            for details in ChildReturn.objects.filter(child__authority=self.authority).values(
                "pk", "child_id", *DETAIL_FIELDS
            )
        }
        uasc = {
            (record.file.rpartition("/")[0], reference): record
            for (reference,), record in self.wanted[tables.UASC].items()
        }
        latest = self._latest_episodes()
        new, changed, header_counts = [], [], {}
        for (reference,), record in self.wanted[tables.HEADER].items():
            pk = self.children[reference]["pk"]
            asylum = uasc.get((record.file.rpartition("/")[0], reference))
            wanted = {
                "upn": record.values["upn"],
                "mother": record.values["mother"],
                "mc_dob": record.values["mc_dob"],
                "category_of_need": latest.get(reference, {}).get("cin", ""),
                "uasc": asylum is not None,
                "uasc_ceased_on": asylum.values["uasc_ceased_on"] if asylum else None,
            }
            details = held.get(pk)
            if details is None:
                new.append(ChildReturn(child_id=pk, **wanted))
                state = "created" if pk in self.created_children else "updated"
            else:
                update = {name: v for name, v in wanted.items() if details[name] != v}
                state = "unchanged"
                if update:
                    changed.append((details["pk"], update))
                    state = "updated"
            if state != "created":
                self._note(reference, "return details") if state == "updated" else None
                if pk in self.changed:
                    state = "updated"
            header_counts[reference] = state
            self.result.count(tables.HEADER, state)
        for (reference,), _record in self.wanted[tables.UASC].items():
            self.result.count(tables.UASC, header_counts[reference])
        ChildReturn.objects.bulk_create(new, batch_size=BATCH)
        _bulk_update(ChildReturn, changed)

    # Episodes ---------------------------------------------------------------------------------------

    def _episodes(self):
        plan, new, changed = self.plan, [], []
        for key, record in plan.wanted.items():
            values = plan.values[key]
            child = self.children[record.child]
            held = plan.imported.get(key)
            if held is None:
                new.append(
                    Episode(
                        authority=self.authority, child_id=child["pk"], source=IMPORTED, **values
                    )
                )
                self.result.count(tables.EPISODES, "created")
                self._note(record.child, "episodes")
                continue
            update = {name: v for name, v in values.items() if held.values[name] != v}
            if update:
                changed.append((held.pk, update))
                self.result.count(tables.EPISODES, "updated")
                self._note(record.child, "episodes")
            else:
                self.result.count(tables.EPISODES, "unchanged")
        removed = [episode.pk for episode in plan.removed]
        for episode in plan.removed:
            if episode.child in self.children:
                self._note(episode.child, "episodes removed")
        _delete(Episode, removed)
        self.result.count(tables.EPISODES, "removed", len(removed))
        Episode.objects.bulk_create(new, batch_size=BATCH)
        _bulk_update(Episode, changed, version=False)

    # The other tables ---------------------------------------------------------------------------

    def _table(self, table):
        fields = [c.field for c in table.columns if c.field not in ("child", "dob")]
        fields += ["year"] if table in BY_YEAR else []
        reference_of = {child["pk"]: reference for reference, child in self.children.items()}
        wanted = self.wanted[table]
        new, changed, removed = [], [], []
        held = {}
        for values in (
            self._held(table).values("pk", "child_id", *fields).iterator(chunk_size=BATCH)
        ):
            reference = reference_of.get(values["child_id"])
            key = (reference, *(values[name] for name in KEYS[table]))
            held[key] = values
        for key, record in wanted.items():
            values = {name: record.values[name] for name in fields}
            found = held.get(key)
            if found is None:
                pk = self.children[record.child]["pk"]
                new.append(table.model(authority=self.authority, child_id=pk, **values))
                self.result.count(table, "created")
                self._note(record.child, table.file)
                continue
            update = {name: v for name, v in values.items() if found[name] != v}
            if update:
                changed.append((found["pk"], update))
                self.result.count(table, "updated")
                self._note(record.child, table.file)
            else:
                self.result.count(table, "unchanged")
        for key, values in held.items():
            reference = key[0]
            if key not in wanted and self._replaced(table, values, reference):
                removed.append(values["pk"])
                self._note(reference, f"{table.file} rows removed")
        _delete(table.model, removed)
        self.result.count(table, "removed", len(removed))
        table.model.objects.bulk_create(new, batch_size=BATCH)
        _bulk_update(table.model, changed, version=False)

    def _held(self, table):
        """The council's rows of `table` an import of these years may match or replace."""
        rows = table.model.objects.filter(authority=self.authority)
        if table in BY_YEAR:
            return rows.filter(year__in=self.years)
        if table in PERIODS:
            start, end = PERIODS[table]
            days = [record.values[start] for record in self.wanted[table].values()]
            earliest = min([*days, self.first])
            return rows.filter(Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gte": earliest}))
        return rows

    def _replaced(self, table, values, reference):
        """Whether a row the return no longer holds goes: a row of the return's years (AD1 and
        previous permanence never), of a child Hearth has recorded no placement for."""
        if reference in self.plan.placed_in_hearth or table not in (*BY_YEAR, *PERIODS):
            return False
        if table in BY_YEAR:
            return values["year"] in self.years
        start, end = PERIODS[table]
        return values[start] <= self.last and (values[end] is None or values[end] >= self.first)

    # Audit --------------------------------------------------------------------------------------

    def _audit(self):
        if audit_services._SYNTHETIC.get():  # a seed replaying made-up returns: nothing to audit
            return
        user = self.by if self.by is not None and self.by.is_authenticated else None
        years = " and ".join(_label(year) for year in sorted(self.years))
        common = {
            "user": user, "username": user.username if user else "",
            "organisation": self.authority, "record_type": "child", "via": VIA,
        }  # fmt: skip
        events = [
            AuditEvent(
                action=AuditEvent.Action.CREATE,
                record_id=str(pk),
                **common,
                detail=f"Created from the SSDA903 return of {years}. The return holds no names: "
                "the child is called Child and their reference until their record is completed",
            )  # fmt: skip
            for pk in sorted(self.created_children)
        ]
        events += [
            AuditEvent(
                action=AuditEvent.Action.IMPORT,
                record_id=str(pk),
                **common,
                detail=(f"From the SSDA903 return of {years}: " + ", ".join(dict.fromkeys(what)))[
                    :500
                ],
            )  # fmt: skip
            for pk, what in sorted(self.changed.items())
        ]
        AuditEvent.objects.bulk_create(events, batch_size=BATCH)


DETAIL_FIELDS = ("upn", "mother", "mc_dob", "category_of_need", "uasc", "uasc_ceased_on")


def _bulk_update(model, changed, *, version=True):
    """Update rows given as (pk, {field: value}), grouped by the fields they change."""
    by_fields = {}
    for pk, update in changed:
        by_fields.setdefault(tuple(sorted(update)), []).append((pk, update))
    for fields, group in by_fields.items():
        objects = [model(pk=pk, **update) for pk, update in group]
        if version:
            for row in objects:
                row.version = F("version") + 1
            fields = (*fields, "version")
        model.objects.bulk_update(objects, fields, batch_size=BATCH)


def _delete(model, pks):
    for start in range(0, len(pks), BATCH):
        model.objects.filter(pk__in=pks[start : start + BATCH]).delete()
