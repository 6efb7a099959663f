"""Recruiting foster carers (DOMAIN.md "Foster carers", seeds 002 and 004): an enquiry answered
within the policy's `enquiry_response` (24 hours), the initial home visit (aim: within
`initial_visit`, the same week), the reasons an enquiry does not go on and the recontact list
(`enquiry_recontact`, 12 months), the application with consent to the statutory checks, and the
Form F or Form K assessment (due within `assessment`, 20 weeks) with its visits, preparation
training and report.

Every function here is a service: keyword-only, one transaction, the records it changes locked,
edits checked against the version the person saw (`EditConflict` if someone else saved first),
the household's record audited. A step the records do not allow, or an answer that cannot be right,
raises `lifecycle.StepRefused` (its `field` names the form field at fault, if any). Status changes
go through `hearth.fostering.lifecycle`, which writes the history the monthly figures count.
"""

import calendar
import re
from datetime import datetime, time

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import roles_of
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON, policy_due_at
from hearth.core.models import Organisation
from hearth.fostering import common, history, lifecycle, vocabulary
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import (
    Application,
    Assessment,
    AssessmentVisit,
    Enquiry,
    EnquiryContact,
    RecruitmentEvent,
    StatutoryCheck,
)
from hearth.people.models import Carer, Household
from hearth.people.services import EditConflict
from hearth.trays.models import WorkItem
from hearth.trays.services import item_open, items_close_keyed

__all__ = ["EditConflict", "StepRefused"]

Kind = RecruitmentEvent.Kind
REFERENCE = re.compile(r"^ENQ-(\d+)$")
CHECK_COUNT = len(vocabulary.CHECKS)


# Small rules ------------------------------------------------------------------------------------------


def today():
    return timezone.localdate()


def local_day(moment):
    return timezone.localtime(moment).date()


def _not_future(field, day, what):
    common.not_in_future(day, field, what, today=today())


def _not_future_moment(field, moment, what):
    if moment > timezone.now():
        raise StepRefused(f"{what} must be now or in the past", field=field)


def _words(day):
    return f"{day.day} {day:%B %Y}"


RECEIVED_WITHIN_MONTHS = 12


def months_before(day, months):
    """The same day `months` earlier (the month's last day where it has no such day)."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last))


def _recent(field, moment, what):
    """An enquiry recorded here came in within the last `RECEIVED_WITHIN_MONTHS` months: older
    enquiries are history, loaded with the recruitment history import, not a new enquiry to
    answer (it would count as waiting and overdue)."""
    earliest = months_before(today(), RECEIVED_WITHIN_MONTHS)
    if local_day(moment) < earliest:
        raise StepRefused(
            f"{what} must be within the last {RECEIVED_WITHIN_MONTHS} months (on or after "
            f"{_words(earliest)}). Older enquiries are history: load them with the recruitment "
            "history import (hearth import recruitment-events)",
            field=field,
        )


def _not_before(field, day, earliest, what, earlier_thing):
    if day < earliest:
        raise StepRefused(
            f"{what} cannot be before {earlier_thing} ({_words(earliest)})",
            field=field,
        )


def _claim(record, expected_version):
    """Move `record` to its next version (`common.claim_version`: refused with `EditConflict` if
    someone saved since `expected_version`; None: no edit form, the step only counts) and return
    it locked and fresh. The record's version is saved: save only the fields the step changes."""
    model = type(record)
    if expected_version is None:
        model.objects.filter(pk=record.pk).update(version=F("version") + 1)
    else:
        common.claim_version(model, record, expected_version)
    return model.objects.select_for_update().get(pk=record.pk)


_audit = common.audit_household


def enquiry_key(enquiry):
    return f"enquiry:{enquiry.pk}"


def recontact_key(enquiry):
    return f"recontact:{enquiry.pk}"


def application_key(application):
    return f"application:{application.pk}"


def assessment_key(assessment):
    return f"assessment:{assessment.pk}"


def recontact_default(policy, on):
    """The day to get in touch again with someone not ready yet: `enquiry_recontact` after `on`."""
    start = datetime.combine(on, time(9), tzinfo=LONDON)
    return policy_due_at(policy, "enquiry_recontact", start).date()


def visit_aim(enquiry):
    """The last day the initial home visit meets the aim (`initial_visit` after the enquiry)."""
    return policy_due_at(enquiry.authority.policy, "initial_visit", enquiry.received_at).date()


def next_reference(authority):
    """ "ENQ-<n>", the next number free among the council's households."""
    references = Household.objects.filter(
        provider=authority, reference__startswith="ENQ-"
    ).values_list("reference", flat=True)
    numbers = [int(found.group(1)) for r in references if (found := REFERENCE.match(r))]
    return f"ENQ-{max(numbers, default=0) + 1}"


def assessors_of(authority):
    """The council's supervising social workers, who are allocated assessments."""
    return common.staff_of(authority.pk, [Role.SUPERVISING_SOCIAL_WORKER])


# Enquiries ---------------------------------------------------------------------------------------------


@transaction.atomic
def enquiry_receive(
    *, by, authority, first_name, last_name, received_at, source, postcode="", email="", phone="",
    second_first_name="", second_last_name="", source_detail="", referred_by=None,
    spare_room=None, notes="", request=None,
):  # fmt: skip
    """Someone asks about fostering: their household is created (status enquiry, a reference
    "ENQ-<n>"), the enquiry is to be answered by `enquiry_response` after it came in, the
    `enquiry` step is in the household's history, and the duty workers have it in their tray."""
    _not_future_moment("received_at", received_at, "When the enquiry came in")
    _recent("received_at", received_at, "When the enquiry came in")
    if source == "word_of_mouth" and referred_by is None:
        raise StepRefused("Choose the carers who told them about fostering", field="referred_by")
    if referred_by is not None and referred_by.provider_id != authority.pk:
        raise StepRefused("Choose one of the council's own carers", field="referred_by")
    Organisation.objects.select_for_update().get(pk=authority.pk)  # one reference at a time
    household = Household.objects.create(
        provider=authority, reference=next_reference(authority), name=f"{last_name} household",
        postcode=postcode.upper().strip(), bedrooms=1 if spare_room else 0,
        status=Household.Status.ENQUIRY, max_children=1, care_types=[],
    )  # fmt: skip
    Carer.objects.create(
        household=household, first_name=first_name, last_name=last_name, email=email, phone=phone
    )
    if second_first_name or second_last_name:
        Carer.objects.create(
            household=household, first_name=second_first_name,
            last_name=second_last_name or last_name,
        )  # fmt: skip
    enquiry = Enquiry.objects.create(
        authority=authority, household=household, received_at=received_at, source=source,
        source_detail=source_detail, referred_by=referred_by, spare_room=spare_room, notes=notes,
        owner=by, respond_by=policy_due_at(authority.policy, "enquiry_response", received_at),
    )  # fmt: skip
    history.record(household=household, event=Kind.ENQUIRY, on=local_day(received_at), by=by)
    _audit(by, household, "fostering enquiry received", request, action=AuditEvent.Action.CREATE)
    item_open(
        organisation=authority, kind=WorkItem.Kind.ENQUIRY, role=Role.FOSTERING_DUTY_WORKER,
        title=f"Answer the fostering enquiry from {household.name} ({household.reference})",
        due_at=enquiry.respond_by, key=enquiry_key(enquiry),
        link=reverse("fostering_enquiry", args=[enquiry.pk]),
    )  # fmt: skip
    return enquiry


@transaction.atomic
def enquiry_contact(*, by, enquiry, method, at, note="", request=None):
    """A contact made with the enquirer; the first one answers the enquiry (its tray item closes)."""
    enquiry = (
        Enquiry.objects.select_for_update()
        .select_related("authority", "household")
        .get(pk=enquiry.pk)
    )
    _not_future_moment("at", at, "The contact")
    if at < enquiry.received_at:
        raise StepRefused("The contact cannot be before the enquiry came in", field="at")
    contact = EnquiryContact.objects.create(enquiry=enquiry, at=at, method=method, note=note, by=by)
    if enquiry.answered_at is None or at < enquiry.answered_at:
        enquiry.answered_at = at
        items_close_keyed(
            organisation=enquiry.authority, key=enquiry_key(enquiry), by=by,
            kinds=[WorkItem.Kind.ENQUIRY],
        )  # fmt: skip
    enquiry.save(update_fields=["answered_at"])
    _audit(by, enquiry.household, f"enquiry contact ({method})", request)
    return contact


def _open(enquiry):
    if enquiry.outcome != Enquiry.Outcome.OPEN:
        raise StepRefused(f"The enquiry is closed: {enquiry.get_outcome_display().lower()}")


@transaction.atomic
def enquiry_visit_book(*, by, enquiry, at, expected_version, request=None):
    """Book the initial home visit (aim: within `initial_visit` of the enquiry)."""
    enquiry = _claim(enquiry, expected_version)
    _open(enquiry)
    if at < enquiry.received_at:
        raise StepRefused("The visit cannot be before the enquiry came in", field="visit_on")
    enquiry.visit_booked_for = at
    enquiry.save(update_fields=["visit_booked_for", "version"])
    _audit(by, enquiry.household, "initial home visit booked", request)
    return enquiry


@transaction.atomic
def enquiry_visit_held(*, by, enquiry, on, expected_version, request=None):
    """The initial home visit took place: the `initial_visit` step of the household's history."""
    enquiry = _claim(enquiry, expected_version)
    if enquiry.visit_held_on is not None:
        raise StepRefused("The initial home visit is already recorded")
    if enquiry.outcome == Enquiry.Outcome.NOT_PROGRESSED:
        raise StepRefused("The enquiry did not go on")
    _not_future("held_on", on, "The visit")
    _not_before("held_on", on, local_day(enquiry.received_at), "The visit", "the enquiry")
    enquiry.visit_held_on = on
    enquiry.save(update_fields=["visit_held_on", "version"])
    history.record(household=enquiry.household, event=Kind.INITIAL_VISIT, on=on, by=by)
    _audit(by, enquiry.household, "initial home visit held", request)
    return enquiry


@transaction.atomic
def enquiry_not_progressed(
    *, by, enquiry, reason, on, expected_version, recontact_on=None, note="", request=None
):
    """The enquiry does not go on, with the reason; someone not ready yet goes on the recontact
    list (by default `enquiry_recontact` after today). Someone already on the recontact list may
    be decided again (contacted again, they are still not ready, or do not go on): their recontact
    tray item closes, and only someone still not ready stays on the list, by the new day."""
    enquiry = _claim(enquiry, expected_version)
    household = enquiry.household
    again = _on_recontact_list(enquiry) and household.status == Household.Status.NOT_PROGRESSED
    if not again:
        _open(enquiry)
    _not_future("outcome_on", on, "The day")
    if again:
        _not_before("outcome_on", on, enquiry.outcome_on, "The day", "the enquiry closed")
    else:
        _not_before("outcome_on", on, local_day(enquiry.received_at), "The day", "the enquiry")
    if reason == "not_ready":
        recontact_on = recontact_on or recontact_default(enquiry.authority.policy, on)
        if recontact_on <= on:
            raise StepRefused("The day to contact them again must be later", field="recontact_on")
    else:
        recontact_on = None
    enquiry.outcome, enquiry.outcome_on = Enquiry.Outcome.NOT_PROGRESSED, on
    enquiry.not_progressed_reason, enquiry.recontact_on = reason, recontact_on
    enquiry.recontacted_on = None
    if note:
        enquiry.notes = f"{enquiry.notes}\n{note}".strip()
    enquiry.save()
    detail = f"enquiry did not go on ({reason})"
    if again:
        _audit(by, household, f"decided again after an enquiry: {detail}", request)
    else:
        lifecycle.move(
            household, Household.Status.NOT_PROGRESSED, by=by, on=on, request=request, detail=detail
        )
    for key in (enquiry_key(enquiry), recontact_key(enquiry)):
        items_close_keyed(organisation=enquiry.authority, key=key, by=by)
    return enquiry


def _on_recontact_list(enquiry):
    return enquiry.outcome == Enquiry.Outcome.NOT_PROGRESSED and enquiry.recontact_on is not None


@transaction.atomic
def enquiry_recontacted(*, by, enquiry, on, expected_version, note="", request=None):
    """Someone on the recontact list was contacted again (their tray item closes)."""
    enquiry = _claim(enquiry, expected_version)
    if enquiry.recontact_on is None:
        raise StepRefused("This enquiry is not on the recontact list")
    if enquiry.recontacted_on is not None:
        raise StepRefused("They were already contacted again")
    _not_future("recontacted_on", on, "The day")
    _not_before("recontacted_on", on, enquiry.outcome_on, "The day", "the enquiry closed")
    enquiry.recontacted_on = on
    if note:
        enquiry.notes = f"{enquiry.notes}\n{note}".strip()
    enquiry.save(update_fields=["recontacted_on", "notes", "version"])
    items_close_keyed(organisation=enquiry.authority, key=recontact_key(enquiry), by=by)
    _audit(by, enquiry.household, "contacted again after an enquiry", request)
    return enquiry


@transaction.atomic
def enquiry_reward_paid(*, by, enquiry, on, expected_version, request=None):
    """The carers who passed on word of fostering were paid their reward."""
    enquiry = _claim(enquiry, expected_version)
    if enquiry.referred_by_id is None:
        raise StepRefused("No carers are named as having told them about fostering")
    if enquiry.reward_paid_on is not None:
        raise StepRefused("The reward is already recorded as paid")
    _not_future("paid_on", on, "The day")
    _not_before("paid_on", on, local_day(enquiry.received_at), "The day", "the enquiry")
    enquiry.reward_paid_on = on
    enquiry.save(update_fields=["reward_paid_on", "version"])
    _audit(by, enquiry.referred_by, f"reward paid for enquiry {enquiry.pk}", request)
    return enquiry


def _recontact_due_at(enquiry):
    return datetime.combine(enquiry.recontact_on, time(23, 59, 59), tzinfo=LONDON)


def recontacts_due(now):
    """Job: on the recontact day of someone not ready yet, an item for the duty workers (once:
    an item with the enquiry's recontact key due that day, open or closed, means it was done;
    someone decided not ready again has a new day, and a new item on it)."""
    due = list(
        Enquiry.objects.filter(
            outcome=Enquiry.Outcome.NOT_PROGRESSED,
            recontact_on__lte=timezone.localtime(now).date(),
            recontacted_on__isnull=True,
        ).select_related("household", "authority")
    )
    done = set(
        WorkItem.objects.filter(
            kind=WorkItem.Kind.ENQUIRY_RECONTACT, key__in=[recontact_key(e) for e in due]
        ).values_list("key", "due_at")
    )
    count = 0
    for enquiry in due:
        if (recontact_key(enquiry), _recontact_due_at(enquiry)) in done:
            continue
        item_open(
            organisation=enquiry.authority, kind=WorkItem.Kind.ENQUIRY_RECONTACT,
            role=Role.FOSTERING_DUTY_WORKER, key=recontact_key(enquiry),
            title=f"Contact {enquiry.household.name} ({enquiry.household.reference}) again",
            due_at=_recontact_due_at(enquiry), link=reverse("fostering_enquiry", args=[enquiry.pk]),
        )  # fmt: skip
        count += 1
    return count


# Applications and statutory checks -----------------------------------------------------------------------


def _may_apply(enquiry, household):
    """An application follows an open enquiry, or someone on the recontact list (not ready
    before); the refusal says in a sentence why not."""
    applied = household.applications.first()
    ended = (Application.Status.WITHDRAWN, Application.Status.REFUSED)
    if applied is not None and applied.status in ended:
        raise StepRefused(
            f"{household.name}'s application of {_words(applied.received_on)} ended "
            f"({applied.get_status_display().lower()}): record a new enquiry if they come back"
        )
    if applied is not None or enquiry.outcome == Enquiry.Outcome.APPLIED:
        day = applied.received_on if applied is not None else enquiry.outcome_on
        raise StepRefused(
            f"{household.name} has already applied" + (f" ({_words(day)})" if day else "")
        )
    if household.status not in (Household.Status.ENQUIRY, Household.Status.NOT_PROGRESSED):
        raise StepRefused(
            f"{household.name} cannot apply from this enquiry: the household's status is "
            f"{household.get_status_display().lower()}"
        )
    if enquiry.outcome != Enquiry.Outcome.OPEN and enquiry.recontact_on is None:
        raise StepRefused(
            "This enquiry did not go on "
            f"({enquiry.get_not_progressed_reason_display().lower()}) and they are not on the "
            "recontact list: record a new enquiry if they come back"
        )


@transaction.atomic
def application_receive(*, by, enquiry, received_on, consent_to_checks, request=None):
    """The enquirers apply, consenting to the statutory checks: one check of each kind is opened,
    the household has applied (the `application` step) and the fostering team managers have the
    checks in their tray. The enquiry's own tray items (its answer, a recontact) close."""
    enquiry = _claim(enquiry, None)
    household = enquiry.household
    _may_apply(enquiry, household)
    if not consent_to_checks:
        raise StepRefused(
            "The applicants must consent to the statutory checks to apply",
            field="consent_to_checks",
        )
    _not_future("received_on", received_on, "The application")
    _not_before(
        "received_on", received_on, local_day(enquiry.received_at), "The application", "the enquiry"
    )
    enquiry.outcome, enquiry.outcome_on = Enquiry.Outcome.APPLIED, received_on
    enquiry.not_progressed_reason = ""
    enquiry.save()
    application = Application.objects.create(
        authority=enquiry.authority, household=household, enquiry=enquiry,
        received_on=received_on, consent_to_checks=True, recorded_by=by,
    )  # fmt: skip
    StatutoryCheck.objects.bulk_create(
        StatutoryCheck(application=application, kind=kind) for kind, _ in vocabulary.CHECKS
    )
    lifecycle.move(
        household, Household.Status.APPLICATION, by=by, on=received_on, event=Kind.APPLICATION,
        request=request, detail="application received, consent to checks given",
    )  # fmt: skip
    for key in (enquiry_key(enquiry), recontact_key(enquiry)):
        items_close_keyed(organisation=enquiry.authority, key=key, by=by)
    item_open(
        organisation=enquiry.authority, kind=WorkItem.Kind.STATUTORY_CHECKS,
        role=Role.FOSTERING_TEAM_MANAGER, key=application_key(application),
        title=f"Statutory checks for {household.name} ({household.reference})",
        link=reverse("fostering_application", args=[application.pk]),
    )  # fmt: skip
    return application


@transaction.atomic
def check_update(
    *, by, check, requested_on, completed_on, outcome, note, expected_version, request=None
):
    """Record where one statutory check has got to; when the last is complete, the checks' tray
    item closes."""
    application = _claim(check.application, expected_version)
    check = StatutoryCheck.objects.select_for_update().get(pk=check.pk)
    for field, day in (("requested_on", requested_on), ("completed_on", completed_on)):
        if day is not None:
            _not_future(field, day, "The day")
            _not_before(field, day, application.received_on, "The day", "the application")
    if completed_on is not None and requested_on is None:
        raise StepRefused("Enter when the check was asked for", field="requested_on")
    if completed_on is not None and completed_on < requested_on:
        raise StepRefused("A check cannot come back before it was asked for", field="completed_on")
    if outcome and completed_on is None:
        raise StepRefused("Enter when the check came back", field="completed_on")
    if completed_on is not None and not outcome:
        raise StepRefused("Choose what the check found", field="outcome")
    check.requested_on, check.completed_on, check.outcome, check.note = (
        requested_on, completed_on, outcome, note,
    )  # fmt: skip
    check.save()
    application.save(update_fields=["version"])
    if not application.checks.filter(completed_on__isnull=True).exists():
        items_close_keyed(
            organisation=application.authority, key=application_key(application), by=by
        )
    _audit(by, application.household, f"statutory check {check.kind} updated", request)
    return check


CHECK_NAMES = {
    "dbs": "DBS enhanced check",
    "medical": "medical check (GP report)",
    "local_authority": "local authority checks",
    "references": "personal references check",
    "ex_partners": "ex-partners check",
    "employers": "employers check",
}


def check_name(check):
    """The check named in a sentence: "the employers check", "the DBS enhanced check"."""
    label = check.get_kind_display()
    return CHECK_NAMES.get(check.kind) or f"{label[0].lower()}{label[1:]} check"


def check_updated_message(check):
    name = check_name(check)
    return f"The {name} {'are' if name.endswith('checks') else 'is'} updated"


APPLICATION_ENDINGS = {
    "withdrawn": Application.Status.WITHDRAWN,
    "refused": Application.Status.REFUSED,
}


@transaction.atomic
def application_end(
    *, by, application, ending, reason, on, expected_version, note="", request=None
):
    """An application ends while its checks are under way (before any assessment): withdrawn by
    the applicants or not taken forward by the council (`ending`), with the reason
    (`vocabulary.NOT_PROGRESSED_REASONS`) and the day. The household did not go on; the checks'
    tray item closes. The note is added to the enquiry's notes and to the audit."""
    application = _claim(application, expected_version)
    if application.status != Application.Status.CHECKS:
        raise StepRefused(
            f"The application is {application.get_status_display().lower()}: only an application "
            "whose checks are under way ends here (an assessment ends from its own page)"
        )
    if ending not in APPLICATION_ENDINGS:
        raise StepRefused("Choose whether they withdrew or the council refused", field="ending")
    if reason not in dict(vocabulary.NOT_PROGRESSED_REASONS):
        raise StepRefused("Choose why the application ends", field="reason")
    _not_future("ended_on", on, "The day")
    _not_before("ended_on", on, application.received_on, "The day", "the application")
    application.status = APPLICATION_ENDINGS[ending]
    application.end_reason, application.ended_on = reason, on
    application.save(update_fields=["status", "end_reason", "ended_on", "version"])
    if note and application.enquiry_id is not None:
        enquiry = Enquiry.objects.select_for_update().get(pk=application.enquiry_id)
        enquiry.notes = f"{enquiry.notes}\n{note}".strip()
        enquiry.save(update_fields=["notes"])
    words = "withdrawn" if ending == "withdrawn" else "refused"
    lifecycle.move(
        application.household, Household.Status.NOT_PROGRESSED, by=by, on=on, event=None,
        request=request,
        detail=f"application {words} ({reason})" + (f": {note}" if note else ""),
    )  # fmt: skip
    items_close_keyed(organisation=application.authority, key=application_key(application), by=by)
    return application


@transaction.atomic
def assessment_begin(*, by, application, kind, assessor, started_on, request=None):
    """Allocate the assessment (Form F or Form K) to a supervising social worker and start it: due
    by the policy's `assessment` (20 weeks); the assessor has it in their tray."""
    application = _claim(application, None)
    if application.status != Application.Status.CHECKS:
        raise StepRefused(f"The application is {application.get_status_display().lower()}")
    if Role.SUPERVISING_SOCIAL_WORKER not in roles_of(assessor, application.authority_id):
        raise StepRefused("Choose a supervising social worker of the council", field="assessor")
    _not_future("started_on", started_on, "The start")
    _not_before("started_on", started_on, application.received_on, "The start", "the application")
    assessment = lifecycle.assessment_start(
        by=by, household=application.household, kind=kind, started_on=started_on,
        assessor=assessor, application=application, request=request,
    )  # fmt: skip
    application.status = Application.Status.ASSESSMENT
    application.save(update_fields=["status", "version"])
    household = application.household
    item_open(
        organisation=application.authority, kind=WorkItem.Kind.ASSESSMENT, user=assessor,
        key=assessment_key(assessment),
        title=f"{assessment.get_kind_display()} assessment of {household.name}",
        due_at=datetime.combine(assessment.due_on, time(23, 59, 59), tzinfo=LONDON),
        link=reverse("fostering_assessment", args=[assessment.pk]),
    )  # fmt: skip
    return assessment


# Assessments ---------------------------------------------------------------------------------------------


def _under_way(assessment):
    if assessment.status not in (Assessment.Status.IN_PROGRESS, Assessment.Status.AT_PANEL):
        raise StepRefused(f"The assessment is {assessment.get_status_display().lower()}")


@transaction.atomic
def assessment_visit_add(*, by, assessment, visited_on, note="", request=None):
    assessment = _claim(assessment, None)
    _under_way(assessment)
    _not_future("visited_on", visited_on, "The visit")
    _not_before("visited_on", visited_on, assessment.started_on, "The visit", "the assessment")
    assessment.save(update_fields=["version"])
    visit = AssessmentVisit.objects.create(
        assessment=assessment, visited_on=visited_on, by=by, note=note
    )
    _audit(by, assessment.household, "assessment visit recorded", request)
    return visit


@transaction.atomic
def assessment_progress(
    *, by, assessment, training_completed_on, report_completed_on, expected_version, request=None
):
    """Preparation training done, and the report complete: the assessment is then ready for
    panel (the panel's agenda is the panel's business)."""
    assessment = _claim(assessment, expected_version)
    if assessment.status != Assessment.Status.IN_PROGRESS:
        raise StepRefused(f"The assessment is {assessment.get_status_display().lower()}")
    for field, day in (
        ("training_completed_on", training_completed_on),
        ("report_completed_on", report_completed_on),
    ):
        if day is not None:
            _not_future(field, day, "The day")
            _not_before(field, day, assessment.started_on, "The day", "the assessment started")
    assessment.training_completed_on = training_completed_on
    assessment.report_completed_on = report_completed_on
    assessment.save(update_fields=["training_completed_on", "report_completed_on", "version"])
    if report_completed_on is not None:
        items_close_keyed(
            organisation=assessment.authority, key=assessment_key(assessment), by=by,
            kinds=[WorkItem.Kind.ASSESSMENT],
        )  # fmt: skip
    _audit(by, assessment.household, "assessment progress recorded", request)
    return assessment


@transaction.atomic
def assessment_stop(*, by, assessment, on, reason, note="", expected_version=None, request=None):
    """The assessment ends without approval (withdrawn, refused...), with the reason: the
    household, its application and its business at panel are `lifecycle.assessment_end`'s; the
    assessment's tray item and the application's checks item close."""
    locked = _claim(assessment, expected_version)
    _under_way(locked)
    _not_future("ended_on", on, "The day")
    _not_before("ended_on", on, locked.started_on, "The day", "the assessment started")
    ended = lifecycle.assessment_end(
        by=by, assessment=locked, on=on, reason=reason, note=note, request=request
    )
    assessment_items_close(ended, by=by)
    return ended


def assessment_items_close(assessment, *, by=None):
    """Close the recruitment tray items of an assessment that has ended: the assessor's and the
    statutory checks' of its application (for the steps outside this module that end one)."""
    keys = [assessment_key(assessment)]
    if assessment.application_id is not None:
        keys.append(f"application:{assessment.application_id}")
    for key in keys:
        items_close_keyed(organisation=assessment.authority, key=key, by=by)


# What the screens show -------------------------------------------------------------------------------


def weeks_between(start, end):
    return max((end - start).days, 0) // 7


def assessment_due(assessment):
    """The assessment's due day: a Regulation 25 extension moves it."""
    return assessment.extended_to or assessment.due_on


def assessment_target_weeks(assessment):
    return -(-(assessment_due(assessment) - assessment.started_on).days // 7)


def assessment_approved_on(assessment):
    """The day an approved assessment was approved: the agency decision maker's decision on it
    at panel, else the household's approval day (None if it is not approved)."""
    if assessment.status != Assessment.Status.APPROVED:
        return None
    decided = (
        assessment.panel_items.filter(decided_on__isnull=False, withdrawn_on__isnull=True)
        .order_by("-decided_on")
        .values_list("decided_on", flat=True)
        .first()
    )
    return decided or assessment.household.approved_on


def assessment_overdue(assessment, day=None):
    under_way = assessment.status in (Assessment.Status.IN_PROGRESS, Assessment.Status.AT_PANEL)
    return under_way and (day or today()) > assessment_due(assessment)


def enquiry_overdue(enquiry, now=None):
    """Not answered in time and still being followed up (a closed enquiry is not waiting)."""
    return (
        enquiry.outcome == Enquiry.Outcome.OPEN
        and enquiry.answered_at is None
        and (now or timezone.now()) > enquiry.respond_by
    )


def enquiry_closed(enquiry):
    """What became of a closed enquiry, in words ("" while it is being followed up)."""
    when = f" on {_words(enquiry.outcome_on)}" if enquiry.outcome_on else ""
    if enquiry.outcome == Enquiry.Outcome.APPLIED:
        return f"Applied{when}"
    if enquiry.outcome == Enquiry.Outcome.NOT_PROGRESSED:
        reason = enquiry.get_not_progressed_reason_display().lower()
        return f"Closed{when}: did not go on ({reason})"
    return ""


def recontact_due(enquiry, day=None):
    return enquiry.recontacted_on is None and enquiry.recontact_on <= (day or today())


def recontact_state(enquiry, day=None):
    """Overdue once the day to contact them again has passed ("overdue"), due "today" on it."""
    if enquiry.recontact_on is None or enquiry.recontacted_on is not None:
        return ""
    day = day or today()
    if enquiry.recontact_on < day:
        return "overdue"
    return "today" if enquiry.recontact_on == day else ""


def within_visit_aim(enquiry, moment):
    return local_day(moment) <= visit_aim(enquiry)
