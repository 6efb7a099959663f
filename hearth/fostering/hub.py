"""What waits for the fostering team of a council, counted for its front page (`/fostering/`): the
enquiries to answer, the people to contact again, checks and assessments under way, the panel's
next sittings and the agency decision maker's decisions, kinship approvals needing attention,
visits and reviews due, carers' requests for help, holds and allegations, and action plans.

Counted straight from the records in a fixed handful of queries, whatever the council's size, by
the same rules as the lists the page links to: the visits due are `support.next_visit_due` and
`support.next_unannounced_due` (the policy's visit intervals), the reviews due are
`support.reviews_due`, the Regulation 24 approvals needing attention `kinship.flagged`, and the
decisions due `panel.decisions_due`.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Q

from hearth.core.deadlines import LONDON
from hearth.fostering import kinship, panel, support
from hearth.fostering.models import (
    Allegation,
    Application,
    Assessment,
    Enquiry,
    Panel,
    PlanAction,
    StatutoryCheck,
    SupportRequest,
    TemporaryApproval,
    ViabilityAssessment,
    Visit,
)
from hearth.people.models import Household

Status = Household.Status
REVIEW_NOTICE_WEEKS = 8  # a review shows as due this long before its date (as its list)
PANELS_SHOWN = 3


@dataclass
class Hub:
    """The counts on the front page. `overdue` fields count the part past its due date."""

    enquiries: int = 0
    enquiries_overdue: int = 0
    recontacts_due: int = 0
    applications_checks_outstanding: int = 0
    assessments: int = 0
    assessments_overdue: int = 0
    panels: list = field(default_factory=list)
    decisions_due: int = 0
    decisions_overdue: int = 0
    viability_open: int = 0
    kinship_flagged: int = 0
    visits_overdue: int = 0
    unannounced_overdue: int = 0
    visit_records_overdue: int = 0
    reviews_due: int = 0
    reviews_overdue: int = 0
    reviews_waiting: int = 0
    support_requests: int = 0
    support_requests_overdue: int = 0
    on_hold: int = 0
    allegations_open: int = 0
    plan_actions_overdue: int = 0


def _visits(authority, today, hub):
    """Households whose supervisory or unannounced visit is past its due date, by the rules of
    the visits list (`support.next_visit_due`, `support.next_unannounced_due`): one query."""
    households = (
        Household.objects.filter(
            provider=authority, status__in=support.SUPPORTED_STATUSES, approved_on__isnull=False
        )
        .annotate(
            last_supervisory=Max("visits__visited_at", filter=Q(visits__kind="supervisory")),
            last_unannounced=Max(
                "visits__visited_at",
                filter=Q(visits__kind="unannounced", visits__children_present=True),
            ),
        )
        .only("status", "approved_on", "fostering_limit_exemption", "settled_long_term")
    )
    for household in households:
        household.provider = authority  # the policy read once, not once a household
        last = support.as_day(household.last_supervisory) if household.last_supervisory else None
        due = support.next_visit_due(household, today, last_visited_on=last)
        hub.visits_overdue += due < today
        last = support.as_day(household.last_unannounced) if household.last_unannounced else None
        hub.unannounced_overdue += (
            support.next_unannounced_due(household, last_visited_on=last) < today
        )


def _recruitment(authority, now, today, hub):
    enquiries = Enquiry.objects.filter(authority=authority).aggregate(
        waiting=Count("pk", filter=Q(outcome="open", answered_at__isnull=True)),
        overdue=Count("pk", filter=Q(outcome="open", answered_at__isnull=True, respond_by__lt=now)),
        recontact=Count(
            "pk",
            filter=Q(
                outcome="not_progressed", recontact_on__lte=today, recontacted_on__isnull=True
            ),
        ),
    )
    hub.enquiries, hub.enquiries_overdue = enquiries["waiting"], enquiries["overdue"]
    hub.recontacts_due = enquiries["recontact"]
    outstanding = StatutoryCheck.objects.filter(
        application=OuterRef("pk"), completed_on__isnull=True
    )
    hub.applications_checks_outstanding = (
        Application.objects.filter(authority=authority, status=Application.Status.CHECKS)
        .filter(Exists(outstanding))
        .count()
    )
    under_way = (Assessment.Status.IN_PROGRESS, Assessment.Status.AT_PANEL)
    assessments = Assessment.objects.filter(authority=authority, status__in=under_way).aggregate(
        all=Count("pk"),
        overdue=Count(
            "pk",
            filter=Q(extended_to__isnull=True, due_on__lt=today)
            | Q(extended_to__isnull=False, extended_to__lt=today),
        ),
    )
    hub.assessments, hub.assessments_overdue = assessments["all"], assessments["overdue"]


def _panel(authority, today, hub):
    hub.panels = list(
        Panel.objects.filter(authority=authority, sits_on__gte=today)
        .annotate(items_count=Count("items", filter=Q(items__withdrawn_on__isnull=True)))
        .order_by("sits_on")[:PANELS_SHOWN]
    )
    decisions = (
        panel.decisions_due([authority.pk])
        .order_by()
        .aggregate(due=Count("pk"), overdue=Count("pk", filter=Q(decision_due_on__lt=today)))
    )
    hub.decisions_due, hub.decisions_overdue = decisions["due"], decisions["overdue"]


def _kinship(authority, today, hub):
    hub.viability_open = ViabilityAssessment.objects.filter(
        authority=authority,
        status__in=(ViabilityAssessment.Status.REQUESTED, ViabilityAssessment.Status.COMPLETED),
    ).count()
    approvals = TemporaryApproval.objects.filter(authority=authority, ended_on__isnull=True).only(
        "child", "ended_on", "assessment_due_on"
    )
    hub.kinship_flagged = sum(kinship.flagged(approval, today) for approval in approvals)


def _support(authority, now, today, hub):
    hub.visit_records_overdue = Visit.objects.filter(
        authority=authority, recorded_at__isnull=True, record_due_at__lt=now
    ).count()
    reviews = support.reviews_due(authority, today, within_weeks=REVIEW_NOTICE_WEEKS)
    hub.reviews_due, hub.reviews_overdue = len(reviews), reviews.overdue
    hub.reviews_waiting = reviews.waiting
    hub.on_hold = Household.objects.filter(provider=authority, status=Status.ON_HOLD).count()
    requests = SupportRequest.objects.filter(authority=authority, answered_at__isnull=True)
    counted = requests.aggregate(all=Count("pk"), overdue=Count("pk", filter=Q(respond_by__lt=now)))
    hub.support_requests, hub.support_requests_overdue = counted["all"], counted["overdue"]
    hub.allegations_open = Allegation.objects.filter(
        authority=authority, closed_on__isnull=True
    ).count()


def fostering_hub(authority, now):
    """The counts of the council's front page at `now` (an aware datetime)."""
    today = now.astimezone(LONDON).date()
    hub = Hub()
    _recruitment(authority, now, today, hub)
    _panel(authority, today, hub)
    _kinship(authority, today, hub)
    _visits(authority, today, hub)
    _support(authority, now, today, hub)
    hub.plan_actions_overdue = (
        PlanAction.objects.filter(plan__authority=authority, due_on__lt=today)
        .exclude(rag="complete")
        .count()
    )
    return hub
