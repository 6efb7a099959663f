"""The household record's recruitment section: the enquiry, the application and its checks, and
the assessment, with their due dates and links to where the work is done."""

from django import template
from django.utils import timezone

from hearth.fostering import permissions, recruitment
from hearth.web.presenters import date_time, long_date

register = template.Library()


def _enquiry(household, now):
    enquiry = household.enquiries.order_by("-received_at", "-pk").first()
    if enquiry is None:
        return None
    return {
        "pk": enquiry.pk,
        "received": date_time(enquiry.received_at),
        "outcome": enquiry.get_outcome_display(),
        "respond_by": date_time(enquiry.respond_by),
        "answered": date_time(enquiry.answered_at) if enquiry.answered_at else "",
        "overdue": recruitment.enquiry_overdue(enquiry, now),
        "closed": recruitment.enquiry_closed(enquiry),
        "recontact_on": long_date(enquiry.recontact_on) if enquiry.recontact_on else "",
    }


def _application(household):
    application = household.applications.prefetch_related("checks").first()
    if application is None:
        return None
    checks = list(application.checks.all())
    return {
        "pk": application.pk,
        "received": long_date(application.received_on),
        "status": application.get_status_display(),
        "approved_on": long_date(household.approved_on)
        if application.status == application.Status.APPROVED and household.approved_on
        else "",
        "done": sum(1 for check in checks if check.completed_on),
        "count": len(checks),
    }


def _assessment(household, day):
    assessment = household.assessments.select_related("assessor").first()
    if assessment is None:
        return None
    approved_on = recruitment.assessment_approved_on(assessment)
    return {
        "pk": assessment.pk,
        "kind": assessment.get_kind_display(),
        "status": assessment.get_status_display(),
        "approved_on": long_date(approved_on) if approved_on else "",
        "due": long_date(recruitment.assessment_due(assessment)),
        "overdue": recruitment.assessment_overdue(assessment, day),
        "weeks_used": recruitment.weeks_between(assessment.started_on, day),
        "weeks_target": recruitment.assessment_target_weeks(assessment),
        "under_way": assessment.status in ("in_progress", "at_panel"),
    }


@register.inclusion_tag("fostering/recruitment/_household.html", takes_context=True)
def household_recruitment(context, household):
    """Nothing for an agency's household, or for a reader outside the council's fostering staff."""
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = (
        household.is_in_house
        and user is not None
        and permissions.may_read(user, household.provider_id)
    )
    if not shown:
        return {"shown": False}
    now = timezone.now()
    return {
        "shown": True,
        "household": household,
        "enquiry": _enquiry(household, now),
        "application": _application(household),
        "assessment": _assessment(household, timezone.localdate()),
    }
