"""Enquiries, initial visits, applications with their statutory checks, and assessments (Form F and
Form K) with their visits and preparation training.

Who may see a record is the access functions' business (404 for anyone outside the council,
audited) and `permissions.may_read`; who may take each step is `hearth.fostering.permissions` (a
person who may read but not act gets the pages without the buttons, and 403 with the reason on a
step's page, the attempt audited). Each step is one service of `hearth.fostering.recruitment`.
"""

from django.contrib import messages
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import deny, fostering_record_for_user, fostering_records_for_user
from hearth.accounts.roles import Capability
from hearth.fostering import permissions, recruitment
from hearth.fostering import recruitment_forms as rforms
from hearth.fostering.models import Application, Assessment, Enquiry, StatutoryCheck
from hearth.fostering.recruitment import EditConflict, StepRefused
from hearth.people.models import Household
from hearth.web.decorators import requires
from hearth.web.editing import audit_names_shown, audit_shown
from hearth.web.presenters import date_time, long_date
from hearth.web.views._fostering_common import reading_council
from hearth.web.views._stability_common import deny as deny_step
from hearth.web.views._stability_common import posted

CONFLICT = (
    "Someone else changed this after you opened the page. Nothing was saved: reload the page and "
    "try again."
)
STAFF, ASSESSORS = permissions.FOSTERING_STAFF, permissions.ASSESSORS


# Fetching and refusing ---------------------------------------------------------------------------


def _record(request, model, pk, *, organisation_field="authority", queryset=None):
    """The record if the person may read the council's fostering records, else 404 (audited)."""
    record = fostering_record_for_user(
        request.user, model, pk, write=True, request=request,
        organisation_field=organisation_field, queryset=queryset,
    )  # fmt: skip
    household = record.household if hasattr(record, "household") else record.application.household
    if not permissions.may_read(request.user, household.provider_id):
        deny(request.user, record_type=model._meta.model_name, record_id=pk, request=request)
    audit_shown(request, "household", household, household.provider)
    return record, household


def _refused(request, household, reason, detail):
    deny_step(request, "household", household.pk, detail)
    context = {"household": household, "reason": reason}
    return render(request, "fostering/recruitment/not_allowed.html", context, status=403)


def _step(request, *, household, roles, doing, form, call, message, to, page):
    """A step's page: 403 for someone who may not take it; the form; the service called with a
    valid form, its refusals and errors put back on the form."""
    reason = permissions.why_not(request.user, household.provider_id, roles, doing)
    if reason is not None:
        return _refused(request, household, reason, doing)
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form)
        except EditConflict:
            form.add_error(None, CONFLICT)
        except StepRefused as refusal:
            form.add_service_error(refusal)
        else:
            messages.success(request, message)
            return redirect(to(result) if callable(to) else to)
    return render(
        request, "fostering/recruitment/step.html",
        {"form": form, "household": household, **page},
    )  # fmt: skip


def _may(request, authority_id, roles):
    return permissions.holds_any(request.user, authority_id, roles)


# Enquiries --------------------------------------------------------------------------------------------


def _enquiry_row(enquiry, now):
    household = enquiry.household
    return {
        "pk": enquiry.pk,
        "household": household.name,
        "reference": household.reference,
        "received": date_time(enquiry.received_at),
        "source": enquiry.get_source_display(),
        "respond_by": date_time(enquiry.respond_by),
        "answered": date_time(enquiry.answered_at) if enquiry.answered_at else "",
        "overdue": recruitment.enquiry_overdue(enquiry, now),
        "visit": long_date(enquiry.visit_held_on) if enquiry.visit_held_on else "",
        "visit_booked": date_time(enquiry.visit_booked_for) if enquiry.visit_booked_for else "",
        "outcome": enquiry.get_outcome_display(),
        "closed": recruitment.enquiry_closed(enquiry),
        "recontact_on": long_date(enquiry.recontact_on) if enquiry.recontact_on else "",
        "recontact_due": bool(enquiry.recontact_on) and recruitment.recontact_due(enquiry),
        "recontact_state": recruitment.recontact_state(enquiry),
        "recontacted_on": long_date(enquiry.recontacted_on) if enquiry.recontacted_on else "",
        "reason": enquiry.get_not_progressed_reason_display(),
    }


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def enquiries(request):
    council, councils = reading_council(request)
    form = rforms.EnquiryFilterForm(request.GET or None)
    outcome, source = "open", ""
    if form.is_valid():
        outcome = form.cleaned_data["outcome"] or "open"
        source = form.cleaned_data["source"]
    rows = (
        fostering_records_for_user(request.user, Enquiry)
        .filter(authority=council)
        .select_related("household")
    )
    if outcome != "all":
        rows = rows.filter(outcome=outcome)
    if source:
        rows = rows.filter(source=source)
    now = timezone.now()
    shown = [_enquiry_row(e, now) for e in rows.order_by("answered_at", "respond_by", "pk")[:500]]
    shown.sort(key=lambda row: not row["overdue"])
    audit_names_shown(request, "household", shown, "the fostering enquiries")
    context = {
        "council": council, "councils": councils, "form": form, "rows": shown,
        "outcome": outcome, "may_add": _may(request, council.pk, STAFF),
    }  # fmt: skip
    return render(request, "fostering/recruitment/enquiries.html", context)


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def recontacts(request):
    council, councils = reading_council(request)
    rows = (
        fostering_records_for_user(request.user, Enquiry)
        .filter(
            authority=council, outcome=Enquiry.Outcome.NOT_PROGRESSED, recontact_on__isnull=False
        )
        .select_related("household")
        .order_by("recontacted_on", "recontact_on", "pk")
    )
    shown = [_enquiry_row(e, timezone.now()) for e in rows[:500]]
    shown.sort(key=lambda row: not row["recontact_due"])
    audit_names_shown(request, "household", shown, "the recontact list")
    context = {"council": council, "councils": councils, "rows": shown}
    return render(request, "fostering/recruitment/recontacts.html", context)


@requires(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def enquiry_new(request):
    council, councils = reading_council(request)
    reason = permissions.why_not(request.user, council.pk, STAFF, "record an enquiry")
    if reason is not None:
        deny_step(request, "organisation", council.pk, "record an enquiry")
        context = {"household": None, "reason": reason}
        return render(request, "fostering/recruitment/not_allowed.html", context, status=403)
    carers = fostering_records_for_user(request.user, Household, organisation_field="provider")
    carers = list(
        carers.filter(provider=council, status=Household.Status.APPROVED).order_by("name")
    )
    form = rforms.EnquiryForm(posted(request), carers=carers)
    if request.method == "POST" and form.is_valid():
        try:
            enquiry = recruitment.enquiry_receive(
                by=request.user, authority=council, request=request, **form.arguments()
            )
        except StepRefused as refusal:
            form.add_service_error(refusal)
        else:
            messages.success(
                request,
                f"The enquiry is recorded: answer it by {date_time(enquiry.respond_by)}",
            )
            return redirect("fostering_enquiry", enquiry.pk)
    policy = council.policy
    amount, unit = policy.timescale("enquiry_response")
    context = {
        "form": form, "council": council, "councils": councils, "response": f"{amount} {unit}"
    }  # fmt: skip
    return render(request, "fostering/recruitment/enquiry_new.html", context)


@requires(Capability.VIEW_HOUSEHOLDS, record="enquiry")
@require_GET
def enquiry(request, pk):
    enquiry, household = _record(
        request, Enquiry, pk,
        queryset=Enquiry.objects.select_related("household", "authority", "referred_by"),
    )  # fmt: skip
    now, authority_id = timezone.now(), household.provider_id
    booked = enquiry.visit_booked_for
    context = {
        "enquiry": enquiry,
        "household": household,
        "row": _enquiry_row(enquiry, now),
        "carers": list(household.carers.all()),
        "contacts": list(enquiry.contacts.select_related("by")),
        "applications": list(enquiry.applications.all()),
        "visit_aim": long_date(recruitment.visit_aim(enquiry)),
        "booked_within_aim": booked and recruitment.within_visit_aim(enquiry, booked),
        "may_act": _may(request, authority_id, STAFF),
    }
    return render(request, "fostering/recruitment/enquiry.html", context)


def _enquiry_page(enquiry, title, lead="", submit="Save"):
    return {
        "title": title, "lead": lead, "submit": submit,
        "back_url": reverse("fostering_enquiry", args=[enquiry.pk]), "back_text": "The enquiry",
    }  # fmt: skip


def _enquiry_step(request, pk):
    return _record(request, Enquiry, pk, queryset=Enquiry.objects.select_related("household"))


def _to_enquiry(enquiry):
    return reverse("fostering_enquiry", args=[enquiry.pk])


@requires(Capability.VIEW_HOUSEHOLDS, record="enquiry")
@require_http_methods(["GET", "POST"])
def enquiry_contact(request, pk):
    enquiry, household = _enquiry_step(request, pk)
    form = rforms.ContactForm(posted(request))
    return _step(
        request, household=household, roles=STAFF, doing="answer an enquiry", form=form,
        call=lambda f: recruitment.enquiry_contact(
            by=request.user, enquiry=enquiry, method=f.cleaned_data["method"],
            at=f.moment("contact_on", "contact_time"), note=f.cleaned_data["note"],
            request=request,
        ),
        message="The contact is recorded", to=_to_enquiry(enquiry),
        page=_enquiry_page(
            enquiry, "Record a contact",
            f"Answer by {date_time(enquiry.respond_by)}. The first contact answers the enquiry.",
        ),
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="enquiry")
@require_http_methods(["GET", "POST"])
def enquiry_visit_book(request, pk):
    enquiry, household = _enquiry_step(request, pk)
    form = rforms.VisitBookForm(posted(request), initial={"version": enquiry.version})
    aim = long_date(recruitment.visit_aim(enquiry))
    return _step(
        request, household=household, roles=STAFF, doing="book an initial home visit", form=form,
        call=lambda f: recruitment.enquiry_visit_book(
            by=request.user, enquiry=enquiry, at=f.moment("visit_on", "visit_time"),
            expected_version=f.cleaned_data["version"], request=request,
        ),
        message="The initial home visit is booked", to=_to_enquiry(enquiry),
        page=_enquiry_page(
            enquiry, "Book the initial home visit",
            f"The aim is a visit in the same week as the enquiry: by {aim}.", "Book the visit",
        ),
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="enquiry")
@require_http_methods(["GET", "POST"])
def enquiry_visit_held(request, pk):
    enquiry, household = _enquiry_step(request, pk)
    form = rforms.VisitHeldForm(posted(request), initial={"version": enquiry.version})
    return _step(
        request, household=household, roles=STAFF, doing="record an initial home visit",
        form=form,
        call=lambda f: recruitment.enquiry_visit_held(
            by=request.user, enquiry=enquiry, on=f.cleaned_data["held_on"],
            expected_version=f.cleaned_data["version"], request=request,
        ),
        message="The initial home visit is recorded", to=_to_enquiry(enquiry),
        page=_enquiry_page(enquiry, "Record the initial home visit"),
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="enquiry")
@require_http_methods(["GET", "POST"])
def enquiry_not_progressed(request, pk):
    enquiry, household = _enquiry_step(request, pk)
    policy = enquiry.authority.policy
    default = long_date(recruitment.recontact_default(policy, recruitment.today()))
    form = rforms.NotProgressedForm(
        posted(request), initial={"version": enquiry.version},
        recontact_hint=f"Only for someone not ready yet. Leave blank for the usual time by the "
        f"council's policy: {default} if decided today.",
    )  # fmt: skip
    return _step(
        request, household=household, roles=STAFF, doing="close an enquiry", form=form,
        call=lambda f: recruitment.enquiry_not_progressed(
            by=request.user, enquiry=enquiry, reason=f.cleaned_data["reason"],
            on=f.cleaned_data["outcome_on"], recontact_on=f.cleaned_data["recontact_on"],
            note=f.cleaned_data["note"], expected_version=f.cleaned_data["version"],
            request=request,
        ),
        message="The enquiry is closed: it did not go on", to=_to_enquiry(enquiry),
        page=_enquiry_page(enquiry, "The enquiry does not go on", submit="Close the enquiry"),
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="enquiry")
@require_http_methods(["GET", "POST"])
def enquiry_recontacted(request, pk):
    enquiry, household = _enquiry_step(request, pk)
    form = rforms.RecontactedForm(posted(request), initial={"version": enquiry.version})
    return _step(
        request, household=household, roles=STAFF, doing="record a recontact", form=form,
        call=lambda f: recruitment.enquiry_recontacted(
            by=request.user, enquiry=enquiry, on=f.cleaned_data["recontacted_on"],
            note=f.cleaned_data["note"], expected_version=f.cleaned_data["version"],
            request=request,
        ),
        message="They are recorded as contacted again", to=_to_enquiry(enquiry),
        page=_enquiry_page(
            enquiry, "Record that they were contacted again",
            "If they want to go ahead now, record their application from the enquiry's page.",
        ),
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="enquiry")
@require_http_methods(["GET", "POST"])
def enquiry_reward(request, pk):
    enquiry, household = _enquiry_step(request, pk)
    form = rforms.RewardForm(posted(request), initial={"version": enquiry.version})
    return _step(
        request, household=household, roles=STAFF, doing="record a reward", form=form,
        call=lambda f: recruitment.enquiry_reward_paid(
            by=request.user, enquiry=enquiry, on=f.cleaned_data["paid_on"],
            expected_version=f.cleaned_data["version"], request=request,
        ),
        message="The reward is recorded as paid", to=_to_enquiry(enquiry),
        page=_enquiry_page(
            enquiry, "Record the word-of-mouth reward",
            "The carers who told them about fostering earn a reward.",
        ),
    )  # fmt: skip


# Applications ------------------------------------------------------------------------------------------


@requires(Capability.VIEW_HOUSEHOLDS, record="enquiry")
@require_http_methods(["GET", "POST"])
def application_new(request, pk):
    enquiry, household = _enquiry_step(request, pk)
    form = rforms.ApplicationForm(posted(request))
    return _step(
        request, household=household, roles=STAFF, doing="record an application", form=form,
        call=lambda f: recruitment.application_receive(
            by=request.user, enquiry=enquiry, received_on=f.cleaned_data["received_on"],
            consent_to_checks=f.cleaned_data["consent_to_checks"], request=request,
        ),
        message="The application is recorded and the statutory checks are listed",
        to=lambda application: reverse("fostering_application", args=[application.pk]),
        page=_enquiry_page(
            enquiry, "Record the application",
            "The statutory checks (DBS, medical, local authority, references, ex-partners and "
            "employers) can only be made with the applicants' consent.", "Record the application",
        ),
    )  # fmt: skip


def _check_row(check):
    return {
        "pk": check.pk,
        "kind": check.get_kind_display(),
        "requested": long_date(check.requested_on) if check.requested_on else "Not asked for",
        "completed": long_date(check.completed_on) if check.completed_on else "Not back",
        "outcome": check.get_outcome_display(),
        "concern": check.outcome == "concern",
        "note": check.note,
    }


@requires(Capability.VIEW_HOUSEHOLDS, record="application")
@require_GET
def application(request, pk):
    application, household = _record(
        request, Application, pk,
        queryset=Application.objects.select_related("household", "enquiry"),
    )  # fmt: skip
    checks = [_check_row(check) for check in application.checks.all()]
    context = {
        "application": application,
        "household": household,
        "received": long_date(application.received_on),
        "approved_on": long_date(household.approved_on)
        if application.status == Application.Status.APPROVED and household.approved_on
        else "",
        "checks": checks,
        "done": sum(1 for check in application.checks.all() if check.completed_on),
        "assessments": list(application.assessments.all()),
        "may_act": _may(request, household.provider_id, STAFF),
        "may_assess": application.status == Application.Status.CHECKS
        and _may(request, household.provider_id, ASSESSORS),
        "may_end": application.status == Application.Status.CHECKS
        and _may(request, household.provider_id, STAFF),
    }
    return render(request, "fostering/recruitment/application.html", context)


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def applications(request):
    """Applications whose statutory checks are not all back, oldest first, with how many are back
    and how long the applicants have waited (the checks have no timescale in the policy)."""
    council, councils = reading_council(request)
    outstanding = StatutoryCheck.objects.filter(
        application=OuterRef("pk"), completed_on__isnull=True
    )
    rows = (
        fostering_records_for_user(request.user, Application)
        .filter(authority=council, status=Application.Status.CHECKS)
        .filter(Exists(outstanding))
        .select_related("household")
        .annotate(
            checks_back=Count("checks", filter=Q(checks__completed_on__isnull=False)),
            checks_all=Count("checks"),
        )
        .order_by("received_on", "pk")
    )
    day = recruitment.today()
    shown = [
        {
            "pk": application.pk,
            "household": application.household.name,
            "reference": application.household.reference,
            "received": long_date(application.received_on),
            "days": (day - application.received_on).days,
            "back": application.checks_back,
            "count": application.checks_all,
        }
        for application in rows[:500]
    ]
    audit_names_shown(request, "household", shown, "the applications with checks outstanding")
    context = {"council": council, "councils": councils, "rows": shown}
    return render(request, "fostering/recruitment/applications.html", context)


@requires(Capability.VIEW_HOUSEHOLDS, record="application")
@require_http_methods(["GET", "POST"])
def application_end(request, pk):
    application, household = _record(
        request, Application, pk, queryset=Application.objects.select_related("household")
    )
    form = rforms.ApplicationEndForm(posted(request), initial={"version": application.version})
    back = reverse("fostering_application", args=[application.pk])
    return _step(
        request, household=household, roles=STAFF, doing="end an application", form=form,
        call=lambda f: recruitment.application_end(
            by=request.user, application=application, ending=f.cleaned_data["ending"],
            reason=f.cleaned_data["reason"], on=f.cleaned_data["ended_on"],
            note=f.cleaned_data["note"], expected_version=f.cleaned_data["version"],
            request=request,
        ),
        message="The application has ended", to=back,
        page={
            "title": "End the application", "submit": "End the application",
            "lead": "Use this when the applicants withdraw, or the council does not take the "
            "application forward, while the statutory checks are under way. Once an assessment "
            "has started, end the assessment instead.",
            "back_url": back, "back_text": "The application",
        },
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="statutorycheck")
@require_http_methods(["GET", "POST"])
def check(request, pk):
    check, household = _record(
        request, StatutoryCheck, pk, organisation_field="application.authority",
        queryset=StatutoryCheck.objects.select_related("application__household"),
    )  # fmt: skip
    application = check.application
    initial = {
        "requested_on": check.requested_on, "completed_on": check.completed_on,
        "outcome": check.outcome, "note": check.note, "version": application.version,
    }  # fmt: skip
    form = rforms.CheckForm(posted(request), initial=initial)
    data = lambda f: f.cleaned_data  # noqa: E731
    return _step(
        request, household=household, roles=STAFF, doing="record a statutory check", form=form,
        call=lambda f: recruitment.check_update(
            by=request.user, check=check, requested_on=data(f)["requested_on"],
            completed_on=data(f)["completed_on"], outcome=data(f)["outcome"],
            note=data(f)["note"], expected_version=data(f)["version"], request=request,
        ),
        message=recruitment.check_updated_message(check),
        to=reverse("fostering_application", args=[application.pk]),
        page={
            "title": recruitment.check_name(check)[0].upper() + recruitment.check_name(check)[1:],
            "submit": "Save the check",
            "back_url": reverse("fostering_application", args=[application.pk]),
            "back_text": "The application",
        },
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="application")
@require_http_methods(["GET", "POST"])
def assessment_start(request, pk):
    application, household = _record(
        request, Application, pk, queryset=Application.objects.select_related("household")
    )
    form = rforms.AssessmentStartForm(
        posted(request), assessors=list(recruitment.assessors_of(household.provider)),
        initial={"started_on": recruitment.today()},
    )  # fmt: skip
    weeks = household.provider.policy.timescale("assessment")[0]
    return _step(
        request, household=household, roles=ASSESSORS, doing="start an assessment", form=form,
        call=lambda f: recruitment.assessment_begin(
            by=request.user, application=application, kind=f.cleaned_data["kind"],
            assessor=f.chosen_assessor(), started_on=f.cleaned_data["started_on"],
            request=request,
        ),
        message="The assessment has started and is in the assessor's work tray",
        to=lambda assessment: reverse("fostering_assessment", args=[assessment.pk]),
        page={
            "title": "Start the assessment", "submit": "Start the assessment",
            "lead": f"The council's policy is to complete an assessment within {weeks} weeks.",
            "back_url": reverse("fostering_application", args=[application.pk]),
            "back_text": "The application",
        },
    )  # fmt: skip


# Assessments -------------------------------------------------------------------------------------------


def _assessment_row(assessment, day):
    due = recruitment.assessment_due(assessment)
    used = recruitment.weeks_between(assessment.started_on, day)
    target = recruitment.assessment_target_weeks(assessment)
    return {
        "pk": assessment.pk,
        "household": assessment.household.name,
        "reference": assessment.household.reference,
        "kind": assessment.get_kind_display(),
        "status": assessment.get_status_display(),
        "started": long_date(assessment.started_on),
        "due": long_date(due),
        "extended": bool(assessment.extended_to),
        "overdue": recruitment.assessment_overdue(assessment, day),
        "weeks_used": used,
        "weeks_target": target,
        "percent": min(100, round(100 * used / target)) if target else 100,
        "assessor": assessment.assessor.display_name if assessment.assessor else "Not allocated",
        "training": long_date(assessment.training_completed_on)
        if assessment.training_completed_on
        else "",
        "report": long_date(assessment.report_completed_on)
        if assessment.report_completed_on
        else "",
    }


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def assessments(request):
    council, councils = reading_council(request)
    rows = (
        fostering_records_for_user(request.user, Assessment)
        .filter(
            authority=council,
            status__in=(Assessment.Status.IN_PROGRESS, Assessment.Status.AT_PANEL),
        )
        .select_related("household", "assessor")
        .annotate(
            visit_count=Count("visits", distinct=True),
            checks_done=Count(
                "application__checks",
                filter=Q(application__checks__completed_on__isnull=False),
                distinct=True,
            ),
        )
        .order_by("due_on", "pk")
    )
    day = recruitment.today()
    shown = []
    for assessment in rows[:500]:
        row = _assessment_row(assessment, day)
        row["visits"] = assessment.visit_count
        row["checks"] = (
            f"{assessment.checks_done} of {recruitment.CHECK_COUNT}"
            if assessment.application_id
            else "No application"
        )
        shown.append(row)
    shown.sort(key=lambda row: not row["overdue"])
    audit_names_shown(request, "household", shown, "the fostering assessments")
    context = {"council": council, "councils": councils, "rows": shown}
    return render(request, "fostering/recruitment/assessments.html", context)


def _regulation_24(assessment):
    """The Regulation 24 temporary approval a Form K assessment follows, if any."""
    if assessment.kind != Assessment.Kind.FORM_K:
        return None
    linked = assessment.temporary_approvals.order_by("-approved_on").first()
    return (
        linked
        or assessment.household.temporary_approvals.filter(
            approved_on__lte=assessment.started_on
        ).first()
    )


@requires(Capability.VIEW_HOUSEHOLDS, record="assessment")
@require_GET
def assessment(request, pk):
    assessment, household = _record(
        request, Assessment, pk,
        queryset=Assessment.objects.select_related("household", "assessor", "application"),
    )  # fmt: skip
    authority_id = household.provider_id
    approval = _regulation_24(assessment)
    application = assessment.application
    approved_on = recruitment.assessment_approved_on(assessment)
    context = {
        "assessment": assessment,
        "household": household,
        "row": _assessment_row(assessment, recruitment.today()),
        "regulation_24": approval,
        "regulation_24_on": long_date(approval.approved_on) if approval else "",
        "visits": [
            {"on": long_date(v.visited_on), "by": v.by.display_name if v.by else "", "note": v.note}
            for v in assessment.visits.select_related("by")
        ],
        "application": application,
        "checks_done": application.checks.filter(completed_on__isnull=False).count()
        if application
        else None,
        "check_count": recruitment.CHECK_COUNT,
        "under_way": assessment.status
        in (Assessment.Status.IN_PROGRESS, Assessment.Status.AT_PANEL),
        "ended_on": long_date(assessment.ended_on) if assessment.ended_on else "",
        "approved_on": long_date(approved_on) if approved_on else "",
        "may_act": _may(request, authority_id, ASSESSORS),
    }
    return render(request, "fostering/recruitment/assessment.html", context)


def _assessment_page(assessment, title, lead="", submit="Save"):
    return {
        "title": title, "lead": lead, "submit": submit, "back_text": "The assessment",
        "back_url": reverse("fostering_assessment", args=[assessment.pk]),
    }  # fmt: skip


def _assessment_step(request, pk):
    return _record(request, Assessment, pk, queryset=Assessment.objects.select_related("household"))


def _to_assessment(assessment):
    return reverse("fostering_assessment", args=[assessment.pk])


@requires(Capability.VIEW_HOUSEHOLDS, record="assessment")
@require_http_methods(["GET", "POST"])
def assessment_visit(request, pk):
    assessment, household = _assessment_step(request, pk)
    form = rforms.AssessmentVisitForm(posted(request))
    return _step(
        request, household=household, roles=ASSESSORS, doing="record an assessment visit",
        form=form,
        call=lambda f: recruitment.assessment_visit_add(
            by=request.user, assessment=assessment, visited_on=f.cleaned_data["visited_on"],
            note=f.cleaned_data["note"], request=request,
        ),
        message="The visit is recorded", to=_to_assessment(assessment),
        page=_assessment_page(assessment, "Record an assessment visit", submit="Record the visit"),
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="assessment")
@require_http_methods(["GET", "POST"])
def assessment_progress(request, pk):
    assessment, household = _assessment_step(request, pk)
    form = rforms.AssessmentProgressForm(
        posted(request),
        initial={
            "training_completed_on": assessment.training_completed_on,
            "report_completed_on": assessment.report_completed_on,
            "version": assessment.version,
        },
    )
    return _step(
        request, household=household, roles=ASSESSORS, doing="record an assessment's progress",
        form=form,
        call=lambda f: recruitment.assessment_progress(
            by=request.user, assessment=assessment,
            training_completed_on=f.cleaned_data["training_completed_on"],
            report_completed_on=f.cleaned_data["report_completed_on"],
            expected_version=f.cleaned_data["version"], request=request,
        ),
        message="The assessment's progress is recorded", to=_to_assessment(assessment),
        page=_assessment_page(assessment, "Preparation training and the report"),
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="assessment")
@require_http_methods(["GET", "POST"])
def assessment_end(request, pk):
    assessment, household = _assessment_step(request, pk)
    form = rforms.AssessmentEndForm(posted(request), initial={"version": assessment.version})
    return _step(
        request, household=household, roles=ASSESSORS, doing="end an assessment", form=form,
        call=lambda f: recruitment.assessment_stop(
            by=request.user, assessment=assessment, on=f.cleaned_data["ended_on"],
            reason=f.cleaned_data["reason"], note=f.cleaned_data["note"],
            expected_version=f.cleaned_data["version"], request=request,
        ),
        message="The assessment has ended", to=_to_assessment(assessment),
        page=_assessment_page(
            assessment, "End the assessment without approval",
            "Use this when the applicants withdraw or the assessment is not taken forward.",
            "End the assessment",
        ),
    )  # fmt: skip


urlpatterns = [
    path("fostering/enquiries/", enquiries, name="fostering_enquiries"),
    path("fostering/enquiries/recontact/", recontacts, name="fostering_recontacts"),
    path("fostering/enquiries/new/", enquiry_new, name="fostering_enquiry_new"),
    path("fostering/enquiries/<int:pk>/", enquiry, name="fostering_enquiry"),
    path(
        "fostering/enquiries/<int:pk>/contact/", enquiry_contact, name="fostering_enquiry_contact"
    ),
    path(
        "fostering/enquiries/<int:pk>/visit/book/",
        enquiry_visit_book,
        name="fostering_enquiry_visit_book",
    ),
    path(
        "fostering/enquiries/<int:pk>/visit/held/",
        enquiry_visit_held,
        name="fostering_enquiry_visit_held",
    ),
    path(
        "fostering/enquiries/<int:pk>/not-going-on/",
        enquiry_not_progressed,
        name="fostering_enquiry_not_progressed",
    ),
    path(
        "fostering/enquiries/<int:pk>/recontacted/",
        enquiry_recontacted,
        name="fostering_enquiry_recontacted",
    ),
    path("fostering/enquiries/<int:pk>/reward/", enquiry_reward, name="fostering_enquiry_reward"),
    path(
        "fostering/enquiries/<int:pk>/application/",
        application_new,
        name="fostering_application_new",
    ),
    path("fostering/applications/", applications, name="fostering_applications"),
    path("fostering/applications/<int:pk>/", application, name="fostering_application"),
    path("fostering/applications/<int:pk>/end/", application_end, name="fostering_application_end"),
    path("fostering/checks/<int:pk>/", check, name="fostering_check"),
    path(
        "fostering/applications/<int:pk>/assessment/",
        assessment_start,
        name="fostering_assessment_start",
    ),
    path("fostering/assessments/", assessments, name="fostering_assessments"),
    path("fostering/assessments/<int:pk>/", assessment, name="fostering_assessment"),
    path(
        "fostering/assessments/<int:pk>/visits/new/",
        assessment_visit,
        name="fostering_assessment_visit",
    ),
    path(
        "fostering/assessments/<int:pk>/progress/",
        assessment_progress,
        name="fostering_assessment_progress",
    ),
    path("fostering/assessments/<int:pk>/end/", assessment_end, name="fostering_assessment_end"),
]
