"""Importing children, households and agencies from CSV files (`hearth import`, CONTRACT.md 2).

Each row goes through the same form as the screens, so a bad value gets the same message either way.
Rows are checked and written in file order inside one transaction, so a row may rely on an earlier
one (a sibling group, a household's free places). If any row is bad the transaction is rolled back,
audit rows included: nothing is written and every bad row is reported. The columns are described in
docs/import-formats.md.
"""

import copy
import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.forms.utils import pretty_name

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.models import Contract, Organisation, ofsted_urn_validator
from hearth.people.forms import ChildForm, HouseholdForm, clean_postcode
from hearth.people.models import Child, Household
from hearth.people.services import (
    EditConflict,
    child_create,
    child_update,
    household_create,
    household_update,
)
from hearth.web.forms import TagsField

VIA = "import"
IN_HOUSE = "in_house"

CHILD_COLUMNS = [
    "reference", "first_name", "last_name", "preferred_name", "date_of_birth", "sex", "ethnicity",
    "religion", "languages", "disability", "legal_status", "home_postcode", "school_postcode",
    "needs", "risks", "social_worker", "team", "iro", "sibling_group", "placed_with",
]  # fmt: skip
HOUSEHOLD_COLUMNS = [
    "reference", "name", "carers", "postcode", "bedrooms", "status", "hold_reason", "min_age",
    "max_age", "max_children", "care_types", "accepts_siblings", "skills", "ethnicity", "religion",
    "languages", "approved_on", "weekly_cost", "supervising_social_worker", "named_children",
    "provider",
]  # fmt: skip
PROVIDER_COLUMNS = ["ofsted_urn", "name", "contract", "email", "phone", "postcode"]

# Columns whose form field has another name; errors are reported under the column's name.
COLUMN_FIELDS = {
    "sibling_group": "sibling_group_reference",
    "placed_with": "placed_with_reference",
    "named_children": "named_children_references",
}
FIELD_COLUMNS = {form_field: column for column, form_field in COLUMN_FIELDS.items()}

DATE_COLUMNS = ("date_of_birth", "approved_on")
DAY_FIRST_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
YES_OR_NO = {"yes": "true", "true": "true", "no": "false", "false": "false"}


@dataclass
class ImportResult:
    """What an import did. When `errors` is not empty nothing was written and the counts are 0."""

    kind: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line in the file, reason)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Row:
    line: int  # where the row starts in the file; the header is line 1
    values: dict[str, str]


class RowKind(NamedTuple):
    columns: list[str]
    key_column: str  # a second row with the same key in one file is refused
    key: Callable[[dict[str, str]], tuple]
    import_row: Callable[..., None]


class _RollBack(Exception):
    """Raised inside the import's transaction to undo every row once any row is bad."""


def import_csv(kind, path, *, authority, user=None) -> ImportResult:
    """Import a CSV file of `kind` (children, households or providers) for the council `authority`.

    All or nothing: the result lists every bad row, and then nothing at all was written.
    """
    if kind not in ROW_KINDS:
        raise ValueError(f"Unknown import kind {kind!r}: expected one of {', '.join(ROW_KINDS)}")
    row_kind = ROW_KINDS[kind]
    result = ImportResult(kind)
    rows = read_rows(Path(path), row_kind.columns, result.errors)
    try:
        with transaction.atomic():
            _import_rows(rows, row_kind, authority=authority, user=user, result=result)
            if result.errors:
                raise _RollBack
    except _RollBack:
        return ImportResult(kind, errors=sorted(result.errors, key=lambda error: error[0]))
    return result


def _import_rows(rows, row_kind, *, authority, user, result):
    first_lines = {}
    for row in rows:
        key = row_kind.key(row.values)
        if row.values[row_kind.key_column] and key in first_lines:
            value = row.values[row_kind.key_column]
            result.errors.append(
                (row.line, f"{row_kind.key_column}: {value} is already on line {first_lines[key]}")
            )
            continue
        first_lines[key] = row.line
        try:
            row_kind.import_row(row, authority=authority, user=user, result=result)
        except EditConflict as conflict:
            result.errors.append((row.line, str(conflict)))


# Reading the file


def read_rows(path, columns, errors):
    """The file's rows as column -> value (stripped); problems with the file go into `errors`."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        errors.append((line, "The file is not UTF-8 text: save it as 'CSV UTF-8' and try again"))
        return []
    if not text.strip():
        errors.append((1, "The file is empty: the first line must name the columns"))
        return []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        names = [name.strip().lower() for name in next(reader)]
    except csv.Error as error:
        errors.append((1, f"Cannot read the header as CSV: {error}"))
        return []
    header_problem = _header_problem(names, columns)
    if header_problem:
        errors.append((1, header_problem))
        return []
    return list(_data_rows(reader, names, errors))


def _header_problem(names, columns):
    missing = [column for column in columns if column not in names]
    unknown = [name or "(a column with no name)" for name in names if name not in columns]
    repeated = sorted({name for name in names if name and names.count(name) > 1})
    problems = []
    if missing:
        problems.append("missing columns: " + ", ".join(missing))
    if unknown:
        problems.append("unknown columns: " + ", ".join(unknown))
    if repeated:
        problems.append("columns named twice: " + ", ".join(repeated))
    if not problems:
        return ""
    return "; ".join(problems) + ". The columns are: " + ", ".join(columns)


def _data_rows(reader, names, errors):
    next_line = reader.line_num + 1
    try:
        for values in reader:
            line, next_line = next_line, reader.line_num + 1
            values = [value.strip() for value in values]
            if not any(values):
                continue
            values = _without_trailing_blanks(values, len(names))
            if len(values) != len(names):
                errors.append((line, f"Expected {len(names)} values, found {len(values)}"))
                continue
            yield Row(line, dict(zip(names, values, strict=True)))
    except csv.Error as error:
        errors.append((next_line, f"Cannot read this line as CSV: {error}"))


def _without_trailing_blanks(values, wanted):
    # Spreadsheets often save empty cells after the last column; they carry nothing.
    while len(values) > wanted and not values[-1]:
        values = values[:-1]
    return values


# Turning a row into a form's data, and the form's errors into reasons


def _form_data(values):
    data = {COLUMN_FIELDS.get(column, column): value for column, value in values.items()}
    for column in DATE_COLUMNS:
        if column in data:
            data[column] = _iso_date(data[column])
    return data


def _iso_date(value):
    """'27/03/2012' -> '2012-03-27'. Done here rather than left to the locale's input formats, which
    would read 03/04/2012 as 4 March under a US locale."""
    match = DAY_FIRST_DATE.match(value)
    if not match:
        return value
    day, month, year = match.groups()
    return f"{year}-{month.zfill(2)}-{day.zfill(2)}"


def _checked(form):
    """The form's problems as reasons naming the column, empty when the row is good."""
    # TagsField names the field by its label when it meets an unknown tag, and fails with an
    # AttributeError on a field declared without one (languages, needs and risks on ChildForm,
    # languages on HouseholdForm).
    for name, form_field in form.fields.items():
        if isinstance(form_field, TagsField) and form_field.label is None:
            form_field.label = pretty_name(name)
    if form.is_valid():
        return []
    return [
        _reason(name, message) for name, messages in form.errors.items() for message in messages
    ]


def _reason(form_field, message):
    if form_field == NON_FIELD_ERRORS:
        return message
    return f"{FIELD_COLUMNS.get(form_field, form_field)}: {message}"


def _for_form(record):
    """A copy of the stored record for the form, which sets the row's values on its instance while
    checking them; the update service finds what changed by comparing the stored record."""
    return copy.copy(record) if record is not None else None


def _refuse(result, row, problems):
    result.errors.extend((row.line, problem) for problem in problems)


def _count_change(result, changed):
    if changed:
        result.updated += 1
    else:
        result.unchanged += 1


# Children


def _import_child(row, *, authority, user, result):
    existing = Child.objects.filter(authority=authority, reference=row.values["reference"]).first()
    form = ChildForm(data=_form_data(row.values), authority=authority, instance=_for_form(existing))
    problems = _checked(form)
    if problems:
        _refuse(result, row, problems)
    elif existing is None:
        child_create(user=user, authority=authority, data=form.cleaned_data, via=VIA)
        result.created += 1
    else:
        changed = child_update(
            user=user, child=existing, data=form.cleaned_data,
            expected_version=existing.version, via=VIA,
        )  # fmt: skip
        _count_change(result, changed)


# Households


def _import_household(row, *, authority, user, result):
    provider = _household_provider(row.values["provider"], authority)
    if provider is None:
        urn = row.values["provider"]
        _refuse(result, row, [f"provider: No agency has the Ofsted URN {urn}: import it first"])
        return
    existing = Household.objects.filter(
        provider=provider, reference=row.values["reference"]
    ).first()
    data = _form_data(row.values)
    data["accepts_siblings"] = YES_OR_NO.get(row.values["accepts_siblings"].lower())
    form = HouseholdForm(data=data, provider=provider, instance=_for_form(existing))
    problems = _checked(form)
    if data["accepts_siblings"] is None:
        problems.insert(0, "accepts_siblings: Enter yes or no")
    if problems:
        _refuse(result, row, problems)
    elif existing is None:
        household_create(user=user, provider=provider, data=form.cleaned_data, via=VIA)
        result.created += 1
    else:
        changed = household_update(
            user=user, household=existing, data=form.cleaned_data,
            expected_version=existing.version, via=VIA,
        )  # fmt: skip
        _count_change(result, changed)


def _household_provider(value, authority):
    """The council itself for a blank or `in_house` provider, else the agency with that URN."""
    if value in ("", IN_HOUSE):
        return authority
    return Organisation.objects.filter(kind=Organisation.Kind.AGENCY, ofsted_urn=value).first()


def _household_key(values):
    provider = values["provider"]
    return ("" if provider == IN_HOUSE else provider, values["reference"])


# Providers (independent fostering agencies) and the council's contract with each


class ProviderRowForm(forms.Form):
    """One agency in a providers file, with the importing council's contract with it."""

    ofsted_urn = forms.CharField(
        label="Ofsted URN", max_length=8, validators=[ofsted_urn_validator]
    )
    name = forms.CharField(max_length=200)
    contract = forms.ChoiceField(choices=Contract.Status.choices)
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=40, required=False)
    postcode = forms.CharField(required=False)

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"], required=False)


AGENCY_FIELDS = ["name", "email", "phone", "postcode"]


def _import_provider(row, *, authority, user, result):
    form = ProviderRowForm(data=row.values)
    problems = _checked(form)
    if problems:
        _refuse(result, row, problems)
        return
    data = form.cleaned_data
    existing = Organisation.objects.filter(ofsted_urn=data["ofsted_urn"]).first()
    if existing is not None and not existing.is_agency:
        urn = data["ofsted_urn"]
        _refuse(result, row, [f"ofsted_urn: {urn} is the Ofsted URN of {existing}, not an agency"])
    elif existing is None:
        _agency_create(authority=authority, user=user, data=data)
        result.created += 1
    else:
        _count_change(
            result, _agency_update(authority=authority, user=user, agency=existing, data=data)
        )


@transaction.atomic
def _agency_create(*, authority, user, data):
    agency = Organisation.objects.create(
        kind=Organisation.Kind.AGENCY,
        ofsted_urn=data["ofsted_urn"],
        **{name: data[name] for name in AGENCY_FIELDS},
    )
    Contract.objects.create(authority=authority, agency=agency, status=data["contract"])
    _audit_provider(user, AuditEvent.Action.CREATE, agency, authority)
    return agency


@transaction.atomic
def _agency_update(*, authority, user, agency, data):
    """Apply the changed details and contract; returns what changed (empty: nothing written)."""
    changed = [name for name in AGENCY_FIELDS if getattr(agency, name) != data[name]]
    if changed:
        for name in changed:
            setattr(agency, name, data[name])
        agency.save(update_fields=changed)
    contract = Contract.objects.filter(authority=authority, agency=agency).first()
    if contract is None or contract.status != data["contract"]:
        Contract.objects.update_or_create(
            authority=authority, agency=agency, defaults={"status": data["contract"]}
        )
        changed.append("contract")
    if changed:
        detail = "changed " + ", ".join(changed)
        _audit_provider(user, AuditEvent.Action.UPDATE, agency, authority, detail=detail)
    return changed


def _audit_provider(user, action, agency, authority, detail=""):
    audit_record(
        user=user, action=action, record_type="provider", record_id=agency.pk,
        organisation=authority, detail=detail, via=VIA,
    )  # fmt: skip


ROW_KINDS = {
    "children": RowKind(
        CHILD_COLUMNS, "reference", lambda values: (values["reference"],), _import_child
    ),
    "households": RowKind(HOUSEHOLD_COLUMNS, "reference", _household_key, _import_household),
    "providers": RowKind(
        PROVIDER_COLUMNS, "ofsted_urn", lambda values: (values["ofsted_urn"],), _import_provider
    ),
}
