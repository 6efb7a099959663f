"""The fostering panel and the agency decision maker's decision (DOMAIN.md "Foster carers", 002).

The panel sits on dates the fostering team managers set (the policy's `panels_per_month`, three by
default). Its business: assessments whose report is complete, first annual reviews, households
proposed for deregistration and Regulation 25 extensions of kinship assessments made under a
Regulation 24 approval. The panel's recommendation is recorded on the day; once the agency decision
maker has the minutes, each decision is due within the policy's `adm_decision` (5 working days);
the decision sets the approval terms, and the applicants may appeal within the policy's `appeal`
(28 days).
"""

import calendar
from datetime import date, datetime, time

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.core.deadlines import LONDON, is_working_day, policy_due_at
from hearth.fostering import kinship, lifecycle, permissions, recruitment
from hearth.fostering.common import audit_household
from hearth.fostering.kinship import claimed
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import (
    AnnualReview,
    Assessment,
    Panel,
    PanelItem,
    TemporaryApproval,
    Training,
)
from hearth.people.models import Household
from hearth.trays.models import WorkItem
from hearth.trays.services import item_open, items_close_keyed
from hearth.web.presenters import long_date

BUSINESS_ADDED = ("assessment", "first_review", "deregistration", "extension", "change_of_terms")
# Business that carries approval terms: recommended, then decided.
TERMS_BUSINESS = ("assessment", "change_of_terms")
SAFEGUARDING_NEEDED = "Safeguarding training must be completed before full approval"
KINSHIP = kinship.KINSHIP


def _start_of(day):
    return datetime.combine(day, time(9), tzinfo=LONDON)


def _end_of(day):
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


# Who may do what --------------------------------------------------------------------------------


def why_not_read(user, authority_id):
    return permissions.why_not(user, authority_id, permissions.READERS, "see the fostering panel")


def why_not_run(user, authority_id):
    return permissions.why_not(
        user, authority_id, permissions.PANEL_ADMINISTRATORS, "run the fostering panel"
    )


def why_not_decide(user, authority):
    return permissions.why_not_approver(
        user, authority, "fostering_decision", "make the decision after panel"
    )


# Sittings ------------------------------------------------------------------------------------------


def proposed_sittings(authority, month):
    """The policy's `panels_per_month` working days spread evenly over the month (its first day
    given): each in the middle of its share of the month's working days."""
    count = max(1, int(authority.policy.threshold("panels_per_month")))
    last = calendar.monthrange(month.year, month.month)[1]
    working = [
        day
        for day in (date(month.year, month.month, n) for n in range(1, last + 1))
        if is_working_day(day)
    ]
    count = min(count, len(working))
    return [working[(2 * share + 1) * len(working) // (2 * count)] for share in range(count)]


@transaction.atomic
def panels_add(*, by, authority, sittings, request=None):
    """Add sittings, each {"sits_on", "venue", "chair"}; a day that already has one is refused
    (at its position: StepRefused's field is "sits_on_<n>")."""
    reason = why_not_run(by, authority.pk)
    if reason:
        raise StepRefused(reason)
    days = [s["sits_on"] for s in sittings]
    taken = set(
        Panel.objects.filter(authority=authority, sits_on__in=days).values_list(
            "sits_on", flat=True
        )
    )
    for number, day in enumerate(days):
        if day in taken or day in days[:number]:
            raise StepRefused(
                f"The panel already sits on {day.day} {day:%B %Y}", f"sits_on_{number}"
            )
    try:
        return [
            Panel.objects.create(
                authority=authority,
                sits_on=s["sits_on"],
                venue=s.get("venue", "").strip(),
                chair=s.get("chair", "").strip(),
            )  # fmt: skip
            for s in sittings
        ]
    except IntegrityError as error:  # another manager added the same day meanwhile
        raise StepRefused("The panel already sits on one of those days: reload the page") from error


@transaction.atomic
def panel_change(*, by, panel, sits_on, venue, chair, expected_version, request=None):
    """Change the sitting's date, venue or chair. The panel sits once a day: a day taken (even by
    a sitting another manager added meanwhile) is refused at the date."""
    reason = why_not_run(by, panel.authority_id)
    if reason:
        raise StepRefused(reason)
    taken = f"The panel already sits on {sits_on.day} {sits_on:%B %Y}"
    panel = claimed(Panel, panel, expected_version)
    if panel.minutes_received_on and sits_on != panel.sits_on:
        raise StepRefused(
            "The minutes are in: the date of the sitting can no longer change", "sits_on"
        )
    others = Panel.objects.filter(authority_id=panel.authority_id, sits_on=sits_on)
    if others.exclude(pk=panel.pk).exists():
        raise StepRefused(taken, "sits_on")
    moved = sits_on != panel.sits_on
    panel.sits_on, panel.venue, panel.chair = sits_on, venue.strip(), chair.strip()
    try:
        with transaction.atomic():
            panel.save()
    except IntegrityError as error:  # another manager took the day meanwhile
        raise StepRefused(taken, "sits_on") from error
    if moved:
        WorkItem.objects.filter(
            organisation_id=panel.authority_id, kind=WorkItem.Kind.PANEL_RECOMMENDATION,
            key__in=[recommendation_key(i) for i in panel.items.all()], closed_at__isnull=True,
        ).update(due_at=_end_of(sits_on))  # fmt: skip
    return panel


def panels_of(authority_ids):
    return Panel.objects.filter(authority_id__in=authority_ids).order_by("sits_on", "pk")


# The agenda ----------------------------------------------------------------------------------------


def _pending_items(authority_id):
    """Items waiting for their recommendation or decision (not deferred, not withdrawn)."""
    return PanelItem.objects.filter(
        panel__authority_id=authority_id, decision="", withdrawn_on__isnull=True
    ).exclude(recommendation="defer")


def candidates(authority):
    """What could go on an agenda, by business: assessments whose report is complete, first
    reviews held, households that could be deregistered, Regulation 24 approvals whose assessment
    could be extended."""
    pending = _pending_items(authority.pk)
    extensions_pending = pending.filter(business="extension").values("household_id")
    deregistrations_pending = pending.filter(business="deregistration").values("household_id")
    terms_pending = pending.filter(business="change_of_terms").values("household_id")
    approved = Household.objects.filter(
        provider=authority, status__in=lifecycle.APPROVED_STATUSES
    ).order_by("name", "pk")
    return {
        "assessment": list(
            Assessment.objects.filter(
                authority=authority,
                status=Assessment.Status.IN_PROGRESS,
                report_completed_on__isnull=False,
            )
            .select_related("household", "application")
            .prefetch_related("application__checks")
            .order_by("report_completed_on", "pk")
        ),  # fmt: skip
        "first_review": list(
            AnnualReview.objects.filter(
                authority=authority, first=True, status=AnnualReview.Status.HELD
            )
            .select_related("household")
            .order_by("held_on", "pk")
        ),  # fmt: skip
        "deregistration": list(approved.exclude(pk__in=deregistrations_pending)),
        # Approvals already extended are listed too, so that choosing one says why it cannot be.
        "extension": list(
            TemporaryApproval.objects.filter(
                authority=authority, ended_on__isnull=True, assessment__isnull=False
            )
            .exclude(household_id__in=extensions_pending)
            .select_related("household", "assessment")
            .order_by("assessment__extended_to", "assessment_due_on", "pk")
        ),  # fmt: skip
        "change_of_terms": _terms_candidates(authority, approved.exclude(pk__in=terms_pending)),
    }


def _terms_candidates(authority, households):
    """Approved carers whose terms could change: those whose latest annual review recommends new
    terms (and whose terms have not changed through the panel since) first, each with that review
    as `terms_review` (None for the others)."""
    households = list(households)
    latest = {}
    for review in AnnualReview.objects.filter(
        authority=authority, household__in=households, held_on__isnull=False
    ).order_by("held_on", "pk"):
        latest[review.household_id] = review
    changed = {}
    for household_id, decided_on in PanelItem.objects.filter(
        household__in=households,
        business="change_of_terms",
        decision__in=("approve", "not_approve"),
    ).values_list("household_id", "decided_on"):
        changed[household_id] = max(decided_on, changed.get(household_id, decided_on))
    for household in households:
        review = latest.get(household.pk)
        household.terms_review = (
            review
            if review is not None
            and review.recommendation == "change_terms"
            and not (household.pk in changed and changed[household.pk] >= review.held_on)
            else None
        )
    households.sort(key=lambda h: h.terms_review is None)  # stable: by name within each
    return households


def terms_review(household):
    """The annual review recommending new terms for the household, if the panel has not yet
    decided a change of terms since it (the candidate list's `terms_review`)."""
    (shown,) = _terms_candidates(household.provider, [household])
    return shown.terms_review


def _refuse_closed(panel):
    if panel.minutes_received_on is not None:
        raise StepRefused("The minutes of this sitting are in: add the business to a later sitting")


@transaction.atomic
def item_add(*, by, panel, business, assessment=None, review=None, household=None,
             exit_reason="", approval=None, extension_weeks=None, presented_by=None,
             terms=None, request=None):  # fmt: skip
    """Put a piece of business on the sitting's agenda (the sitting locked, its version moved on):
    an assessment or first review is then booked for panel, and the fostering team managers have
    the recommendation to record in their tray, due at the end of the sitting's day."""
    reason = why_not_run(by, panel.authority_id)
    if reason:
        raise StepRefused(reason)
    panel = Panel.objects.select_for_update().select_related("authority").get(pk=panel.pk)
    _refuse_closed(panel)
    item = PanelItem(panel=panel, business=business, presented_by=presented_by)
    if business == "assessment":
        _book_assessment(item, assessment, panel)
    elif business == "first_review":
        _book_review(item, review, panel)
    elif business == "deregistration":
        _book_deregistration(item, household, exit_reason, panel)
    elif business == "extension":
        _book_extension(item, approval, extension_weeks, panel)
    elif business == "change_of_terms":
        _book_change_of_terms(item, household, terms, panel)
    else:
        raise StepRefused("Choose the business to add", "business")
    item.save()
    panel.version += 1
    panel.save(update_fields=["version"])
    audit_household(
        by, item.household, f"{business} on the panel agenda of {panel.sits_on}", request
    )
    item_open(
        organisation=panel.authority, kind=WorkItem.Kind.PANEL_RECOMMENDATION,
        title=f"Record the panel's recommendation: {item.household.name}",
        role=Role.FOSTERING_TEAM_MANAGER, due_at=_end_of(panel.sits_on),
        key=recommendation_key(item), link=reverse("fostering_panel_item", args=[item.pk]),
    )  # fmt: skip
    return item


def checks_state(application):
    """Where the statutory checks of an application have got to: how many are back of how many,
    the checks still to come back and those that came back with a concern (each named as in a
    sentence, "the DBS enhanced check")."""
    checks = list(application.checks.all()) if application is not None else []
    return {
        "application": application,
        "done": sum(c.completed_on is not None for c in checks),
        "count": len(checks),
        "outstanding": [
            f"the {recruitment.check_name(c)}" for c in checks if c.completed_on is None
        ],
        "concerns": [f"the {recruitment.check_name(c)}" for c in checks if c.outcome == "concern"],
    }


def checks_words(state):
    """The checks in a line: "6 of 6 back; a concern: the DBS enhanced check"."""
    if state["application"] is None:
        return "No application: the statutory checks are not recorded"
    words = f"{state['done']} of {state['count']} back"
    if state["concerns"]:
        concern = "a concern" if len(state["concerns"]) == 1 else "concerns"
        words += f"; {concern}: {_listed(state['concerns'])}"
    return words


def _listed(names):
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def why_not_checks(assessment):
    """Why the assessment cannot go to panel for its statutory checks (None: all back)."""
    state = checks_state(assessment.application)
    if state["application"] is None:
        return (
            "The assessment has no application, so its statutory checks are not recorded: "
            "every statutory check must be back before panel"
        )
    if state["count"] == 0:
        return "The application has no statutory checks recorded: every check must be back first"
    if state["outstanding"]:
        return (
            f"Every statutory check must be back before panel ({state['done']} of "
            f"{state['count']} back): still to come back: {_listed(state['outstanding'])}"
        )
    return None


def _book_assessment(item, assessment, panel):
    if assessment is None or assessment.authority_id != panel.authority_id:
        raise StepRefused("Choose an assessment whose report is complete", "assessment")
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != Assessment.Status.IN_PROGRESS or not assessment.report_completed_on:
        raise StepRefused("Choose an assessment whose report is complete", "assessment")
    refusal = why_not_checks(assessment)
    if refusal:
        raise StepRefused(refusal, "assessment")
    assessment.status = Assessment.Status.AT_PANEL
    assessment.version += 1
    assessment.save(update_fields=["status", "version"])
    item.assessment, item.household = assessment, assessment.household


def _book_review(item, review, panel):
    if review is None or review.authority_id != panel.authority_id:
        raise StepRefused("Choose a first annual review that has been held", "review")
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    if not review.first or review.status != AnnualReview.Status.HELD:
        raise StepRefused("Choose a first annual review that has been held", "review")
    review.status = AnnualReview.Status.AT_PANEL
    review.version += 1
    review.save(update_fields=["status", "version"])
    item.review, item.household = review, review.household


def _book_deregistration(item, household, exit_reason, panel):
    if (
        household is None
        or household.provider_id != panel.authority_id
        or household.status not in lifecycle.APPROVED_STATUSES
    ):
        raise StepRefused("Choose approved carers of the council", "household")
    if not exit_reason:
        raise StepRefused("Choose why deregistration is proposed", "exit_reason")
    if (
        _pending_items(panel.authority_id)
        .filter(household=household, business="deregistration")
        .exists()
    ):
        raise StepRefused("Their deregistration is already on an agenda", "household")
    item.household, item.exit_reason = household, exit_reason


def _book_change_of_terms(item, household, terms, panel):
    if (
        household is None
        or household.provider_id != panel.authority_id
        or household.status not in lifecycle.APPROVED_STATUSES
    ):
        raise StepRefused("Choose approved carers of the council", "household")
    if (
        _pending_items(panel.authority_id)
        .filter(household=household, business="change_of_terms")
        .exists()
    ):
        raise StepRefused("A change of their terms is already on an agenda", "household")
    _check_terms(terms)
    item.household = household
    for field in lifecycle.TERMS:
        setattr(item, field, terms[field])


def max_extension_weeks(policy):
    amount, _unit = policy.timescale("reg25_extension")
    return amount


def _book_extension(item, approval, weeks, panel):
    if approval is None or approval.authority_id != panel.authority_id or approval.ended_on:
        raise StepRefused("Choose a Regulation 24 approval still in force", "approval")
    if approval.assessment is None:
        raise StepRefused("The approval has no full assessment to extend", "approval")
    if approval.assessment.extended_to is not None:
        raise StepRefused(kinship.already_extended(approval.assessment), "approval")
    if (
        _pending_items(panel.authority_id)
        .filter(household_id=approval.household_id, business="extension")
        .exists()
    ):
        raise StepRefused("An extension for them is already on an agenda", "approval")
    most = max_extension_weeks(panel.authority.policy)
    if not weeks or not 1 <= weeks <= most:
        raise StepRefused(f"An extension is of 1 to {most} weeks", "extension_weeks")
    item.household, item.assessment = approval.household, approval.assessment
    item.extension_weeks = weeks


# The recommendation on the day ---------------------------------------------------------------------


@transaction.atomic
def recommendation_record(*, by, item, recommendation, notes, terms=None, expected_version,
                          request=None):  # fmt: skip
    """The panel's recommendation, recorded on the day (or after it); for an approval, the terms
    it recommends. Deferring sends the business back: it can go on a later agenda."""
    reason = why_not_run(by, item.panel.authority_id)
    if reason:
        raise StepRefused(reason)
    _refuse_withdrawn(item)
    panel = item.panel
    if panel.sits_on > timezone.localdate():
        raise StepRefused(
            f"The panel sits on {panel.sits_on.day} {panel.sits_on:%B %Y}: record its "
            "recommendation on the day"
        )
    _refuse_closed(panel)
    if item.recommendation == "defer":
        raise StepRefused("The business was deferred: add it to a later sitting")
    if recommendation not in ("approve", "not_approve", "defer"):
        raise StepRefused("Choose the panel's recommendation", "recommendation")
    if item.business in TERMS_BUSINESS and recommendation == "approve":
        _check_terms(terms)
    item = claimed(PanelItem, item, expected_version)
    item.recommendation, item.recommendation_notes = recommendation, notes.strip()
    item.recommended_at = timezone.now()
    if terms and item.business in TERMS_BUSINESS and recommendation == "approve":
        for field in ("min_age", "max_age", "max_children", "care_types"):
            setattr(item, field, terms[field])
    item.save()
    if recommendation == "defer":
        _send_back(item)
    audit_household(by, item.household, f"panel recommendation: {recommendation}", request)
    items_close_keyed(
        organisation=panel.authority, key=recommendation_key(item), by=by,
        kinds=[WorkItem.Kind.PANEL_RECOMMENDATION],
    )  # fmt: skip
    return item


def recommendation_key(item):
    """The tray key of the fostering team managers' item to record the panel's recommendation.
    (`lifecycle` closes it, with the decision's, when the business is withdrawn.)"""
    return f"panel-recommendation:{item.pk}"


def withdrawn_words(item):
    return f"Withdrawn: {item.withdrawn_reason}" if item.withdrawn_reason else "Withdrawn"


def _refuse_withdrawn(item):
    if item.withdrawn_on is not None:
        raise StepRefused(
            f"{withdrawn_words(item)} (on {item.withdrawn_on.day} {item.withdrawn_on:%B %Y})"
        )


def _send_back(item):
    if item.assessment_id and item.business == "assessment":
        Assessment.objects.filter(pk=item.assessment_id).update(
            status=Assessment.Status.IN_PROGRESS
        )
    if item.review_id:
        AnnualReview.objects.filter(pk=item.review_id).update(status=AnnualReview.Status.HELD)


def _check_terms(terms):
    if not terms:
        raise StepRefused("Give the terms of approval", "max_children")
    if terms["min_age"] is None or terms["max_age"] is None:
        raise StepRefused("Give the age range", "min_age")
    if terms["min_age"] > terms["max_age"]:
        raise StepRefused("The youngest age must not be above the oldest", "min_age")
    if not terms["max_children"] or terms["max_children"] < 1:
        raise StepRefused("Approve for at least one child", "max_children")
    if not terms["care_types"]:
        raise StepRefused("Choose at least one type of care", "care_types")


# The minutes --------------------------------------------------------------------------------------


def decision_key(item):
    return f"panel-item:{item.pk}"


@transaction.atomic
def minutes_record(*, by, panel, received_on, minutes, expected_version, request=None):
    """The agency decision maker has the minutes: each recommendation's decision is due within the
    policy's `adm_decision` (working days) and lands in the decision maker's work tray."""
    reason = why_not_run(by, panel.authority_id)
    if reason:
        raise StepRefused(reason)
    if received_on > timezone.localdate():
        raise StepRefused(
            "The date the minutes were received must be today or in the past", "received_on"
        )
    # The sitting locked first: no business joins or leaves its agenda while it is read.
    panel = claimed(Panel, panel, expected_version)
    if panel.minutes_received_on is not None:
        raise StepRefused("The minutes of this sitting are already recorded")
    if received_on < panel.sits_on:
        raise StepRefused("The minutes cannot be received before the panel sat", "received_on")
    items = list(panel.items.filter(withdrawn_on__isnull=True).select_related("household"))
    if not items:
        raise StepRefused("The sitting has no business on its agenda")
    if any(not i.recommendation for i in items):
        raise StepRefused("Record the panel's recommendation on every item first")
    panel.minutes_received_on, panel.minutes = received_on, minutes.strip()
    panel.save()
    policy = panel.authority.policy
    due_at = policy_due_at(policy, "adm_decision", _start_of(received_on))
    for item in items:
        if item.recommendation == "defer":
            continue
        item.decision_due_on = due_at.date()
        item.version += 1
        item.save(update_fields=["decision_due_on", "version"])
        item_open(
            organisation=panel.authority, kind=WorkItem.Kind.ADM_DECISION,
            title=f"Decision after panel: {item.get_business_display()}, {item.household.name}",
            role=policy.approver("fostering_decision"), due_at=due_at, key=decision_key(item),
            link=reverse("fostering_decision", args=[item.pk]),
        )  # fmt: skip
    return panel


# The agency decision maker's decision ------------------------------------------------------------


def why_not_decide_item(user, item):
    reason = why_not_decide(user, item.panel.authority)
    if reason:
        return reason
    if item.decision:
        return "The decision has already been made"
    if item.withdrawn_on is not None:
        return f"{withdrawn_words(item)}: there is nothing to decide"
    if item.decision_due_on is None:
        return "The decision is made once the agency decision maker has the panel's minutes"
    return None


@transaction.atomic
def decision_record(*, by, item, decision, reason, decided_on, terms=None, expected_version,
                    request=None):  # fmt: skip
    """The agency decision maker's decision on one item: approval on the final terms (safeguarding
    training done first), refusal, deregistration, the Regulation 25 extension, or the first
    review's outcome. The appeal window runs from the decision."""
    refusal = why_not_decide_item(by, item)
    if refusal:
        raise StepRefused(refusal)
    if decision not in ("approve", "not_approve"):
        raise StepRefused("Choose your decision", "decision")
    if not reason.strip():
        raise StepRefused("Give the reason for your decision", "reason")
    if decided_on > timezone.localdate():
        raise StepRefused("The date of the decision must be today or in the past", "decided_on")
    if decided_on < item.panel.minutes_received_on:
        raise StepRefused("The decision cannot come before the minutes were received", "decided_on")
    household = item.household
    approving = decision == "approve"
    if item.business in TERMS_BUSINESS and approving:
        _check_terms(terms)
    safeguarded = Training.objects.filter(
        household=household, course="safeguarding", completed_on__lte=decided_on
    )
    if item.business == "assessment" and approving and not safeguarded.exists():
        raise StepRefused(SAFEGUARDING_NEEDED, "decision")
    item = claimed(PanelItem, item, expected_version)
    if item.withdrawn_on is not None:  # its subject went while the form was open
        raise StepRefused(f"{withdrawn_words(item)}: there is nothing to decide")
    item.decision, item.decision_reason = decision, reason.strip()
    item.decided_on, item.decided_by = decided_on, by
    if item.business in TERMS_BUSINESS and approving:
        for field in ("min_age", "max_age", "max_children", "care_types"):
            setattr(item, field, terms[field])
    item.appeal_by = (
        lifecycle.due_after(item.panel.authority.policy, "appeal", decided_on)
        if appeal_kind(item)
        else None
    )
    item.save()
    _carry_out(item, by=by, approving=approving, terms=terms, request=request)
    if item.business == "assessment":
        items_close_keyed(
            organisation=item.panel.authority, kinds=[WorkItem.Kind.ASSESSMENT], by=by,
            key=recruitment.assessment_key(item.assessment),
        )  # fmt: skip
    items_close_keyed(
        organisation=item.panel.authority, key=decision_key(item), by=by,
        kinds=[WorkItem.Kind.ADM_DECISION],
    )  # fmt: skip
    return item


def _carry_out(item, *, by, approving, terms, request):
    on, household = item.decided_on, item.household
    if item.business == "assessment":
        if approving:
            _approve(item, by=by, terms=terms, request=request)
        else:
            lifecycle.assessment_end(
                by=by, assessment=item.assessment, on=on, reason="refused",
                note=item.decision_reason, keep_panel_item=item, request=request,
            )  # fmt: skip
    elif item.business == "deregistration":
        if approving:
            lifecycle.leave(
                by=by, household=household, kind="deregistration", reason=item.exit_reason,
                on=on, note=item.decision_reason, panel_item=item, request=request,
            )  # fmt: skip
        else:
            audit_household(by, household, "deregistration not agreed", request)
    elif item.business == "extension":
        approval = TemporaryApproval.objects.filter(
            household=household, ended_on__isnull=True
        ).first()
        if approving and approval is not None:
            kinship.extend(
                by=by, approval=approval, weeks=item.extension_weeks,
                reason=item.recommendation_notes or item.decision_reason, request=request,
            )  # fmt: skip
        else:
            audit_household(by, household, "Regulation 25 extension not agreed", request)
    elif item.business == "first_review":
        _review_outcome(item, by=by, approving=approving, request=request)
    elif item.business == "change_of_terms":
        if approving:
            lifecycle.terms_change(by=by, household=household, on=on, terms=terms, request=request)
        else:
            audit_household(by, household, "change of approval terms not agreed", request)


def appeal_kind(item):
    """Whether the people may challenge the decision, which goes against them: "appeal" (the
    applicants not approved), "review" (the carers deregistered, or their terms changed), or ""
    (an approval, a first review continued, an extension, or a proposal not agreed)."""
    if item.business == "assessment" and item.decision == "not_approve":
        return "appeal"
    if item.business in ("deregistration", "change_of_terms") and item.decision == "approve":
        return "review"
    return ""


def appeal_words(item):
    """The appeal window in a sentence ("" where there is none)."""
    kind = appeal_kind(item)
    if not kind or item.appeal_by is None:
        return ""
    if kind == "appeal":
        return f"The applicants may appeal until {long_date(item.appeal_by)}"
    return f"The carers may ask for a review of this decision until {long_date(item.appeal_by)}"


def appeal_notice(business, policy):
    """Before the decision: when the people may challenge it, in a sentence ("" if never)."""
    amount, _unit = policy.timescale("appeal")
    if business == "assessment":
        return f"If you do not approve them, the applicants may appeal within {amount} days."
    if business == "deregistration":
        return f"If you agree, the carers may ask for a review within {amount} days."
    if business == "change_of_terms":
        return f"If you agree, the carers may ask for a review within {amount} days."
    return ""


def _approve(item, *, by, terms, request):
    assessment = Assessment.objects.select_for_update().get(pk=item.assessment_id)
    if assessment.status not in (Assessment.Status.AT_PANEL, Assessment.Status.IN_PROGRESS):
        raise StepRefused(f"The assessment is {assessment.get_status_display().lower()}")
    assessment.status = Assessment.Status.APPROVED
    assessment.version += 1
    assessment.save(update_fields=["status", "version"])
    # lifecycle ends a Regulation 24 temporary approval with the full approval.
    lifecycle.approve(by=by, household=item.household, on=item.decided_on, terms=terms,
                      request=request)  # fmt: skip


def _review_outcome(item, *, by, approving, request):
    if item.review_id is None:
        return
    review = AnnualReview.objects.get(pk=item.review_id)
    if approving:
        from hearth.fostering.support import review_complete

        review_complete(by=by, review=review, request=request)
    else:
        # Not agreed: back with the supervising social worker, to come to panel again.
        AnnualReview.objects.filter(pk=review.pk).update(status=AnnualReview.Status.HELD)
        audit_household(by, item.household, "first review not agreed", request)


# Lists -------------------------------------------------------------------------------------------


def decisions_due(authority_ids):
    """Decisions waiting for the agency decision maker (minutes in; not withdrawn)."""
    return (
        PanelItem.objects.filter(
            panel__authority_id__in=authority_ids, decision="", decision_due_on__isnull=False,
            withdrawn_on__isnull=True,
        )
        .select_related("panel", "household")
        .order_by("decision_due_on", "pk")
    )  # fmt: skip


def decisions_made(authority_ids, since):
    return (
        PanelItem.objects.filter(panel__authority_id__in=authority_ids, decided_on__gte=since)
        .exclude(decision="")
        .select_related("panel", "household", "decided_by")
        .order_by("-decided_on", "-pk")
    )


def household_items(household):
    return (
        PanelItem.objects.filter(household=household)
        .select_related("panel", "decided_by", "household")
        .order_by("-panel__sits_on", "-pk")
    )
