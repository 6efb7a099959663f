"""The household record's support section: its supervising social worker, visits with their due
dates, annual reviews, training and development plan, requests for support, holds, allegations and
exit, with a button for each step the reader may take."""

from django import template
from django.utils import timezone

from hearth.fostering import holds, permissions, support
from hearth.web.views.fostering_support import day, visit_shown

register = template.Library()
VISITS_SHOWN = 10


def _may(reason):
    return reason is None


def _section(household, user, now):
    today = timezone.localdate(now)
    approved = household.status in support.SUPPORTED_STATUSES
    weeks, rule = support.visit_rule(household, today)
    next_due = support.next_visit_due(household, today) if approved else None
    unannounced_due = support.next_unannounced_due(household) if approved else None
    review_due = support.review_due_on(household)
    reviewed = household.status in support.REVIEWED_STATUSES
    waiting = support.review_waiting_for_panel(household) if reviewed else None
    return {
        "household": household,
        "approved": approved,
        "rule": rule,
        "next_due": day(next_due),
        "next_overdue": next_due is not None and next_due < today,
        "unannounced_due": day(unannounced_due),
        "unannounced_overdue": unannounced_due is not None and unannounced_due < today,
        "reviewed": reviewed,
        "review_due": day(review_due) if reviewed else "",
        "review_waiting": waiting,
        "review_overdue": reviewed and review_due is not None and review_due < today,
        "first_review": reviewed and support.is_first_review(household),
        "visits": [
            visit_shown(v, now)
            for v in household.visits.select_related("by").order_by("-visited_at")[:VISITS_SHOWN]
        ],
        "reviews": household.annual_reviews.select_related("reviewer").order_by("-due_on"),
        "safeguarding": support.safeguarding_done(household),
        "training": household.training.select_related("carer"),
        "goals": household.development_goals.all(),
        "requests": [
            {"request": r, "overdue": now > r.respond_by}
            for r in household.support_requests.filter(answered_at__isnull=True)
        ],
        "hold": holds.open_hold(household),
        "holds": household.holds.filter(ended_on__isnull=False),
        "allegations": household.allegations.order_by("-received_on"),
        "exits": household.exits.all(),
        "may_allocate": _may(support.why_not_allocate(user, household)),
        "may_support": _may(support.why_not_support(user, household, "")),
        "may_develop": _may(support.why_not_support(user, household, ""))
        and _may(support.why_not_develop_now(household)),
        "may_review": _may(support.why_not_review(user, household)),
        "may_request": _may(support.why_not_support_request(user, household)),
        "may_hold": _may(holds.why_not_hold(user, household)),
        "may_lift": _may(holds.why_not_lift(user, household)),
        "may_exit": _may(holds.why_not_exit(user, household)),
    }


@register.inclusion_tag("fostering/support/_household.html", takes_context=True)
def household_support(context, household):
    user = context["request"].user
    if not household.is_in_house or not permissions.may_read(user, household.provider_id):
        return {"section": None}
    shown = household.status in (*support.SUPPORTED_STATUSES, "deregistered", "in_assessment")
    if not shown:
        return {"section": None}
    return {"section": _section(household, user, timezone.now())}
