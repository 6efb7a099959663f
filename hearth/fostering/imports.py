"""`hearth import recruitment-events FILE.csv` (CONTRACT.md section 4): a council's past fostering
history, so that the monthly fostering figures of the months before Hearth show on the first day.

Columns `household,event,date,child,reason`, one row per step of a household's history. All or
nothing: every row is checked first and every bad row reported with its line number and reason;
when any is bad nothing is written. Household and child references the council does not hold yet
become minimal records belonging to it (docs/import-formats.md says what they hold); records that
exist are never changed, only their history added to. An event identical to one already in the
history (same household, event, day and child) is skipped and counted unchanged, so importing a
file twice changes nothing.
"""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.fostering import history
from hearth.fostering.models import Hold, RecruitmentEvent
from hearth.people.imports import DAY_FIRST_DATE, VIA, ImportResult, read_rows
from hearth.people.models import Child, Household
from hearth.people.services import review_due_at

KIND = "recruitment-events"
COLUMNS = ["household", "event", "date", "child", "reason"]
Kind = RecruitmentEvent.Kind
EVENTS = tuple(Kind.values)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
REFERENCE_LENGTH = 40
REASON_LENGTH = 300
UNKNOWN_ETHNICITY = "NOBT"  # SSDA903: information not yet obtained


@dataclass
class HistoryImportResult(ImportResult):
    """`created`: events added; `unchanged`: events already in the history, skipped."""

    households_created: int = 0
    children_created: int = 0


@dataclass(frozen=True)
class _Event:
    line: int
    household: str
    event: str
    date: date
    child: str
    reason: str

    @property
    def key(self):
        return (self.household, self.event, self.date, self.child)


def import_recruitment_events(path, *, authority, user=None, today=None):
    """Import the history in the CSV file at `path` for the council `authority`; returns a
    `HistoryImportResult`. When it has errors, nothing at all was written."""
    today = today or timezone.localdate()
    result = HistoryImportResult(KIND)
    rows = read_rows(Path(path), COLUMNS, result.errors)
    events = _checked(rows, today, result.errors)
    if result.errors:
        return HistoryImportResult(KIND, errors=sorted(result.errors, key=lambda error: error[0]))
    _write(events, authority=authority, user=user, result=result)
    return result


# Checking every row --------------------------------------------------------------------------------


def _checked(rows, today, errors):
    events, first_lines = [], {}
    for row in rows:
        event, problems = _event(row, today)
        if event is not None and event.key in first_lines:
            problems.append(f"the same event is already on line {first_lines[event.key]}")
        if problems:
            errors.extend((row.line, problem) for problem in problems)
            continue
        first_lines[event.key] = row.line
        events.append(event)
    return events


def _event(row, today):
    """The row as an event and its problems (the event None when there are any)."""
    values = row.values
    problems = []
    household, event, child, reason = (
        values["household"], values["event"], values["child"], values["reason"],
    )  # fmt: skip
    if not household:
        problems.append("household: Enter the household's reference")
    elif len(household) > REFERENCE_LENGTH:
        problems.append(f"household: A reference has at most {REFERENCE_LENGTH} characters")
    if event not in EVENTS:
        problems.append(
            f"event: {event!r} is not an event: use one of " + ", ".join(EVENTS)
            if event
            else "event: Enter the event: one of " + ", ".join(EVENTS)
        )
    day, problem = _day(values["date"], today)
    if problem:
        problems.append(problem)
    problems += _child_problems(event, child)
    if len(reason) > REASON_LENGTH:
        problems.append(f"reason: A reason has at most {REASON_LENGTH} characters")
    if problems:
        return None, problems
    return _Event(row.line, household, event, day, child, reason), problems


def _day(value, today):
    """(the day, None) or (None, the problem)."""
    if not value:
        return None, "date: Enter the day the event happened, as YYYY-MM-DD or DD/MM/YYYY"
    match = DAY_FIRST_DATE.match(value)
    try:
        if match:
            day_of_month, month, year = (int(part) for part in match.groups())
            day = date(year, month, day_of_month)
        elif ISO_DATE.match(value):
            day = date.fromisoformat(value)
        else:
            raise ValueError
    except ValueError:
        return None, f"date: {value!r} is not a real date: write it as YYYY-MM-DD or DD/MM/YYYY"
    if day > today:
        return None, f"date: {value} is in the future: the history records what has happened"
    return day, None


def _child_problems(event, child):
    if event in RecruitmentEvent.PLACEMENT_KINDS and not child:
        return [f"child: Enter the reference of the child ({event} is a placement event)"]
    if event not in RecruitmentEvent.PLACEMENT_KINDS and child and event in EVENTS:
        return [f"child: Only placement events name a child: leave it blank for {event}"]
    if len(child) > REFERENCE_LENGTH:
        return [f"child: A reference has at most {REFERENCE_LENGTH} characters"]
    return []


# Writing ------------------------------------------------------------------------------------------


@transaction.atomic
def _write(events, *, authority, user, result):
    households = _households(events, authority=authority, user=user, result=result)
    children = _children(events, authority=authority, user=user, result=result)
    held = set(
        RecruitmentEvent.objects.filter(
            household__in=[h for h in households.values() if not h.created_now]
        ).values_list("household_id", "event", "date", "child_id")
    )
    new, added = [], Counter()
    for event in events:
        household = households[event.household]
        child = children.get(event.child)
        key = (household.pk, event.event, event.date, child.pk if child else None)
        if key in held:
            result.unchanged += 1
            continue
        held.add(key)
        added[household.pk] += 1
        new.append(
            RecruitmentEvent(
                authority=authority, household=household, event=event.event, date=event.date,
                child=child, reason=event.reason, source=RecruitmentEvent.Source.IMPORT,
                recorded_by=user,
            )
        )  # fmt: skip
    RecruitmentEvent.objects.bulk_create(new)
    result.created = len(new)
    for household in households.values():
        if added[household.pk] and not household.created_now:
            detail = f"fostering history imported: {added[household.pk]} events"
            _audit(user, AuditEvent.Action.UPDATE, "household", household.pk, authority, detail)


def _by_household(events):
    found = {}
    for event in events:
        found.setdefault(event.household, []).append(event)
    return found


def _households(events, *, authority, user, result):
    """Reference -> household, the missing ones created (marked `created_now`)."""
    by_household = _by_household(events)
    found = {
        household.reference: household
        for household in Household.objects.filter(provider=authority, reference__in=by_household)
    }
    for household in found.values():
        household.created_now = False
    for reference, its_events in by_household.items():
        if reference not in found:
            found[reference] = _household_create(reference, its_events, authority, user)
            result.households_created += 1
    return found


def _household_create(reference, events, authority, user):
    """A minimal household whose status follows its last event in the file (placements aside)."""
    ordered = sorted(events, key=lambda event: (event.date, event.line))
    steps = [event for event in ordered if event.event in history.STATUS_AFTER]
    status = history.STATUS_AFTER[steps[-1].event] if steps else Household.Status.APPROVED
    approvals = [event.date for event in ordered if event.event == Kind.APPROVED]
    household = Household.objects.create(
        provider=authority, reference=reference, name=f"Household {reference}", postcode="",
        bedrooms=0, status=status, approved_on=approvals[-1] if approvals else None,
        hold_reason=Household.HoldReason.OTHER if status == Household.Status.ON_HOLD else "",
    )  # fmt: skip
    due = review_due_at(household, authority.policy)
    if due is not None:
        household.review_due_at = due
        household.save(update_fields=["review_due_at"])
    if status == Household.Status.ON_HOLD:
        # Without its hold the household could not be taken off hold in Hearth.
        Hold.objects.create(
            authority=authority, household=household, reason=Household.HoldReason.OTHER,
            note="From the imported fostering history", started_on=steps[-1].date,
        )  # fmt: skip
    household.created_now = True
    detail = f"from the imported fostering history: {len(events)} events"
    _audit(user, AuditEvent.Action.CREATE, "household", household.pk, authority, detail)
    return household


def _children(events, *, authority, user, result):
    """Reference -> child, the missing ones created as minimal records."""
    first_day = {}
    for event in sorted(events, key=lambda event: event.date):
        if event.child:
            first_day.setdefault(event.child, event.date)
    found = {
        child.reference: child
        for child in Child.objects.filter(authority=authority, reference__in=first_day)
    }
    for reference, day in first_day.items():
        if reference not in found:
            found[reference] = _child_create(reference, day, authority, user)
            result.children_created += 1
    return found


def _child_create(reference, first_day, authority, user):
    """A child known only by reference. The date of birth is required: the day of the child's
    first event is the latest the child can have been born, and claims no age (see
    docs/import-formats.md); sex and legal status are left blank to be filled in."""
    child = Child.objects.create(
        authority=authority, reference=reference, first_name="Unknown", last_name=reference,
        date_of_birth=first_day, sex="", ethnicity=UNKNOWN_ETHNICITY, legal_status="",
    )  # fmt: skip
    detail = "from the imported fostering history: date of birth, sex and legal status unknown"
    _audit(user, AuditEvent.Action.CREATE, "child", child.pk, authority, detail)
    return child


def _audit(user, action, record_type, record_id, authority, detail):
    audit_record(
        user=user, action=action, record_type=record_type, record_id=record_id,
        organisation=authority, detail=detail, via=VIA,
    )  # fmt: skip
