"""Supporting approved foster carers (DOMAIN.md "Foster carers", seed 002 "Supervision and support"):
the supervising social worker, supervisory and unannounced visits, annual reviews, training and the
personal development plan, and the carers' requests for support.

- **Supervisory visits** every 4, 8 or 12 weeks by the policy's thresholds (`visit_rule`):
  temporary (Regulation 24) approvals and households exempt from the fostering limit 4-weekly
  (`visit_interval_new_weeks`), as are new carers for `new_carer_months` after approval (003: new
  carers are seen more often at first); settled long-term carers 12-weekly
  (`visit_interval_settled_weeks`); everyone else 8-weekly (`visit_interval_standard_weeks`).
- **Unannounced visits** at least every `unannounced_visit` (6 months); only one made with the
  children present counts as the six-monthly visit.
- Each visit is **written up** within `visit_recording` (48 hours) and the record **given to the
  carers** within `supervision_record_to_carer` (2 weeks).
- **Annual review** each `annual_review` (12 months) from approval or the last review; the first
  after approval goes to panel (`held`: the panel's part is `hearth.fostering.panel`), the others
  are complete when recorded (`review_complete`).
- **Safeguarding training** before full approval; **support requests** answered within
  `support_request` (24 hours).

Every service is atomic and keyword-only, checks the person may take the step (`ActionNotAllowed`),
the version the page was opened at (`EditConflict`) and what was typed (`ReferralError`, each message
at its field) before writing, and audits the household's record in the same transaction.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.core.deadlines import END_OF_DAY, LONDON, add_months, policy_due_at
from hearth.fostering import common, lifecycle, permissions, vocabulary
from hearth.fostering.common import audit_household
from hearth.fostering.models import (
    AnnualReview,
    DevelopmentGoal,
    SupportRequest,
    Training,
    Visit,
)
from hearth.people.models import Household
from hearth.people.services import EditConflict, review_due_at
from hearth.referrals.services import ActionNotAllowed, clean_text, refuse_if, version_number
from hearth.trays.models import WorkItem
from hearth.trays.services import item_open, items_close_keyed

__all__ = ["audit_household"]  # holds imports it from here

Status = Household.Status
Kind = WorkItem.Kind
SUPPORTED_STATUSES = (Status.APPROVED, Status.TEMPORARY, Status.ON_HOLD)
# A temporary approval's `review_due_at` is its assessment's end, not an annual review.
REVIEWED_STATUSES = (Status.APPROVED, Status.ON_HOLD)
REVIEW_RECOMMENDATIONS = dict(AnnualReview._meta.get_field("recommendation").choices)
VISIT_KINDS = dict(vocabulary.VISIT_KINDS)
COURSES = dict(vocabulary.TRAINING_COURSES)
CONFLICT = "Someone else changed this after you opened the page"
SHORT_TEXT = 200
NOT_LOOKED_UP = object()


# Rules ---------------------------------------------------------------------------------------------


def as_day(value):
    """The London day of a date-time (a date is itself)."""
    if isinstance(value, datetime):
        return timezone.localtime(value, LONDON).date()
    return value


def _morning(day):
    return datetime.combine(day, time(9), tzinfo=LONDON)


def visit_rule(household, today):
    """(weeks between supervisory visits, the rule in words) by the policy's thresholds (002)."""
    policy = household.provider.policy
    new = policy.threshold("visit_interval_new_weeks")
    if household.status == Status.TEMPORARY:
        return new, f"every {new} weeks: a temporary (Regulation 24) approval"
    if household.fostering_limit_exemption:
        return new, f"every {new} weeks: exempt from the usual fostering limit"
    months = policy.threshold("new_carer_months")
    if household.approved_on and today < add_months(household.approved_on, months):
        return new, f"every {new} weeks: new carers, for {months} months after approval"
    if household.settled_long_term:
        settled = policy.threshold("visit_interval_settled_weeks")
        return settled, f"every {settled} weeks: settled long-term carers"
    standard = policy.threshold("visit_interval_standard_weeks")
    return standard, f"every {standard} weeks: the usual interval"


def visit_interval_weeks(household, today):
    return visit_rule(household, today)[0]


def _last_visit_on(household, kind, *, children_present=False):
    visits = Visit.objects.filter(household=household, kind=kind)
    if children_present:
        visits = visits.filter(children_present=True)
    last = visits.order_by("-visited_at").values_list("visited_at", flat=True).first()
    return as_day(last) if last else None


def next_visit_due(household, today, *, last_visited_on=NOT_LOOKED_UP):
    """The last supervisory visit (or the approval) plus the interval; None before approval.
    A list passes `last_visited_on` (None: never visited) to save a query per household."""
    if last_visited_on is NOT_LOOKED_UP:
        last_visited_on = _last_visit_on(household, "supervisory")
    last = last_visited_on or household.approved_on
    if last is None:
        return None
    return last + timedelta(weeks=visit_interval_weeks(household, today))


def next_unannounced_due(household, *, last_visited_on=NOT_LOOKED_UP):
    """The last unannounced visit with the children present (or the approval) plus the policy's
    `unannounced_visit` (6 months); None before approval."""
    if last_visited_on is NOT_LOOKED_UP:
        last_visited_on = _last_visit_on(household, "unannounced", children_present=True)
    last = last_visited_on or household.approved_on
    if last is None:
        return None
    return policy_due_at(household.provider.policy, "unannounced_visit", _morning(last)).date()


def safeguarding_done(household):
    return Training.objects.filter(household=household, course="safeguarding").exists()


def review_due_on(household):
    return as_day(household.review_due_at) if household.review_due_at else None


def is_first_review(household, on=None):
    """The first review after the household's (latest) approval goes to panel (002): a review held
    on `on` (today if not given) is the first when the household has had no review since its
    approval and was approved less than two review periods (`annual_review`) before it. Carers
    approved long before Hearth held their reviews elsewhere: theirs is not a first review."""
    if household.approved_on is None:
        return True
    on = on or timezone.localdate()
    policy = household.provider.policy
    one_period = policy_due_at(policy, "annual_review", _morning(household.approved_on))
    two_periods = policy_due_at(policy, "annual_review", one_period).date()
    if on >= two_periods:
        return False
    return not AnnualReview.objects.filter(
        household=household,
        status__in=(AnnualReview.Status.HELD, AnnualReview.Status.AT_PANEL,
                    AnnualReview.Status.COMPLETE),
        held_on__gte=household.approved_on,
    ).exists()  # fmt: skip


def review_waiting_for_panel(household):
    """The household's review held and waiting for the panel and the agency decision maker, if
    any: no other review is recorded until it is decided."""
    return (
        AnnualReview.objects.filter(
            household=household,
            status__in=(AnnualReview.Status.HELD, AnnualReview.Status.AT_PANEL),
        )
        .order_by("-held_on", "-pk")
        .first()
    )


# Who may ------------------------------------------------------------------------------------------


def why_not_support(user, household, doing):
    """Visits, training, the development plan: supervising social workers and fostering team
    managers of the household's council."""
    return permissions.why_not(user, household.provider_id, permissions.ASSESSORS, doing)


def why_not_allocate(user, household):
    return permissions.why_not(
        user, household.provider_id, permissions.PANEL_ADMINISTRATORS,
        "choose the supervising social worker",
    )  # fmt: skip


def why_not_review(user, household):
    return permissions.why_not(
        user, household.provider_id, permissions.REVIEWERS, "record an annual review"
    )


def why_not_support_request(user, household):
    return permissions.why_not(
        user,
        household.provider_id,
        permissions.SUPPORTERS,
        "record or answer a request for support",
    )


def refuse(reason):
    if reason is not None:
        raise ActionNotAllowed(reason)


def _refuse_unless_supported(household, doing):
    if not household.is_in_house:
        raise ActionNotAllowed(f"{household.name} are an agency's carers: the agency supports them")
    if household.status not in SUPPORTED_STATUSES:
        raise ActionNotAllowed(
            f"{household.name} is {household.get_status_display().lower()}: only approved carers "
            f"can {doing}"
        )


# Training and the development plan: for approved carers and for people being assessed
# (safeguarding comes before full approval); not for carers who have left.
DEVELOPED_STATUSES = (*SUPPORTED_STATUSES, Status.IN_ASSESSMENT)


def why_not_develop_now(household):
    """Why training or the development plan cannot be recorded for the household (None: they
    can): an agency's carers, or carers who are not approved or being assessed (who have left)."""
    if not household.is_in_house:
        return f"{household.name} are an agency's carers: the agency supports them"
    if household.status not in DEVELOPED_STATUSES:
        return (
            f"{household.name} is {household.get_status_display().lower()}: training and the "
            "development plan are for approved carers and people being assessed"
        )
    return None


def supervising_social_workers(authority):
    """The council's supervising social workers and fostering team managers, by name."""
    return common.staff_of(
        authority.pk, [Role.SUPERVISING_SOCIAL_WORKER, Role.FOSTERING_TEAM_MANAGER]
    )


def reviewers(authority):
    """Who may be named as a review's reviewing officer: the council's fostering team managers,
    IROs and supervising social workers, by name."""
    return common.staff_of(authority.pk, permissions.REVIEWERS)


def reviews_awaiting_panel(council_ids):
    """First reviews held and waiting for the panel and the agency decision maker."""
    return (
        AnnualReview.objects.filter(
            authority_id__in=council_ids,
            status__in=(AnnualReview.Status.HELD, AnnualReview.Status.AT_PANEL),
        )
        .select_related("household")
        .order_by("held_on", "pk")
    )


@dataclass
class ReviewDue:
    """A household's annual review on the list of reviews due: `waiting` is its review held and
    waiting for the panel (then it is not overdue: the panel's decision is awaited)."""

    household: Household
    due_on: date
    overdue: bool
    waiting: AnnualReview | None = None


class ReviewsDue(list):
    """The rows of `reviews_due`, with the counts the front page shows."""

    @property
    def overdue(self):
        return sum(1 for row in self if row.overdue)

    @property
    def waiting(self):
        return sum(1 for row in self if row.waiting is not None)


def reviews_due(authority, today, within_weeks=8, *, households=None):
    """The council's approved and on-hold households (not temporary approvals: theirs is the
    Regulation 24 assessment's deadline) whose annual review is overdue or due within
    `within_weeks` of `today` (None: all), by due date, in two queries. A household whose review
    is held and waiting for the panel is listed as waiting, not overdue. `households` narrows the
    households read (the list passes those the person may see)."""
    households = Household.objects.all() if households is None else households
    households = households.filter(
        provider=authority, status__in=REVIEWED_STATUSES, review_due_at__isnull=False
    )
    if within_weeks is not None:
        until = today + timedelta(weeks=within_weeks)
        households = households.filter(
            review_due_at__lte=datetime.combine(until, END_OF_DAY, tzinfo=LONDON)
        )
    households = list(
        households.select_related("supervising_social_worker").order_by("review_due_at", "name")
    )
    waiting = {}
    for review in AnnualReview.objects.filter(
        household__in=[h.pk for h in households],
        status__in=(AnnualReview.Status.HELD, AnnualReview.Status.AT_PANEL),
    ).order_by("held_on", "pk"):
        waiting[review.household_id] = review
    rows = ReviewsDue()
    for household in households:
        due_on = review_due_on(household)
        held = waiting.get(household.pk)
        rows.append(
            ReviewDue(household=household, due_on=due_on, overdue=held is None and due_on < today,
                      waiting=held)
        )  # fmt: skip
    return rows


def on_household_left(household, by):
    """The carers left fostering (`lifecycle.leave` calls this in its transaction): the tray items
    waiting on their support close: the supervisory visit and annual review due, visits to write
    up or send, requests for support not answered."""
    keys = [supervisory_visit_key(household)]
    keys += [
        visit_key(visit) for visit in Visit.objects.filter(household=household).only("pk")
        .filter(sent_to_carer_on__isnull=True)
    ]  # fmt: skip
    keys += [
        support_request_key(asked)
        for asked in SupportRequest.objects.filter(household=household, answered_at__isnull=True)
        .only("pk")
    ]  # fmt: skip
    keys += WorkItem.objects.filter(
        organisation_id=household.provider_id, kind=Kind.ANNUAL_REVIEW, closed_at__isnull=True,
        key__startswith=f"annual_review:{household.pk}:",
    ).values_list("key", flat=True)  # fmt: skip
    return sum(
        items_close_keyed(
            organisation=household.provider,
            key=key,
            by=by,
            kinds=[
                Kind.SUPERVISORY_VISIT,
                Kind.ANNUAL_REVIEW,
                Kind.VISIT_RECORD,
                Kind.SUPPORT_REQUEST,
            ],
        )  # fmt: skip
        for key in keys
    )


# Small helpers ------------------------------------------------------------------------------------


def claim_version(model, record, expected_version):
    """The record locked and claimed at its next version (`common.claim_version`), or EditConflict
    if someone else saved it after the page was opened. A fresh copy: `record` is left as it was."""
    locked = model.objects.select_for_update().get(pk=record.pk)
    common.claim_version(model, locked, version_number(expected_version))
    return locked


def not_in_future(value, field, errors, what):
    """A day after today, where the past is meant, refused at its field (`common.not_in_future`),
    the message kept with the form's other errors."""
    try:
        common.not_in_future(as_day(value) if value is not None else None, field, what)
    except lifecycle.StepRefused as refusal:
        errors[field] = refusal.message


def _household_claimed(household, expected_version):
    """The household locked, or EditConflict if it changed after the page was opened."""
    household = lifecycle.locked(household)
    if version_number(expected_version) != household.version:
        raise EditConflict(CONFLICT)
    return household


def household_link(household):
    return reverse("household", args=[household.pk])


def visit_key(visit):
    return f"visit:{visit.pk}"


def supervisory_visit_key(household):
    """One supervisory visit is awaited at a time: a visit answers it whatever its due date."""
    return f"supervisory-visit:{household.pk}"


def review_key(household, due_on):
    return f"annual_review:{household.pk}:{due_on.isoformat()}"


def support_request_key(support_request):
    return f"support_request:{support_request.pk}"


# The supervising social worker ----------------------------------------------------------------------


@transaction.atomic
def worker_allocate(*, user, household, worker, expected_version, request=None):
    """A fostering team manager chooses the household's supervising social worker."""
    refuse(why_not_allocate(user, household))
    household = _household_claimed(household, expected_version)
    errors = {}
    if (
        worker is None
        or not supervising_social_workers(household.provider).filter(pk=worker.pk).exists()
    ):
        errors["worker"] = "Choose a supervising social worker of the council"
    refuse_if(errors)
    household.supervising_social_worker = worker
    household.version += 1
    household.save(update_fields=["supervising_social_worker", "version", "updated_at"])
    audit_household(user, household, f"supervising social worker {worker.username}", request)
    return household


# Visits ----------------------------------------------------------------------------------------------


@transaction.atomic
def visit_record(*, user, household, kind, visited_at, visitor, children_present, record="",
                 request=None):  # fmt: skip
    """A supervisory or unannounced visit made: the record is due within `visit_recording` and the
    carers' copy within `supervision_record_to_carer`; until written up it waits in the
    visitor's tray. A supervisory visit closes the tray item of the visit it answers."""
    refuse(why_not_support(user, household, "record a visit"))
    household = lifecycle.locked(household)
    _refuse_unless_supported(household, "be visited")
    errors = {}
    if kind not in VISIT_KINDS:
        errors["kind"] = "Choose the kind of visit"
    if visited_at is None:
        errors["visited_on"] = "Enter the date of the visit"
    elif visited_at > timezone.now():
        errors["visited_on"] = "The visit cannot be in the future"
    elif household.approved_on and as_day(visited_at) < household.approved_on:
        errors["visited_on"] = "The visit cannot be before the household was approved"
    if visitor is None:
        errors["visitor"] = "Choose who made the visit"
    record = clean_text(record, "record", errors, name="The record")
    refuse_if(errors)
    policy, now = household.provider.policy, timezone.now()
    visit = Visit.objects.create(
        authority=household.provider, household=household, kind=kind, visited_at=visited_at,
        by=visitor, children_present=children_present, record=record,
        record_due_at=policy_due_at(policy, "visit_recording", visited_at),
        recorded_at=now if record else None,
        to_carer_due_at=policy_due_at(policy, "supervision_record_to_carer", visited_at),
    )  # fmt: skip
    if kind == "supervisory":
        items_close_keyed(
            organisation=household.provider, key=supervisory_visit_key(household), by=user,
            kinds=[Kind.SUPERVISORY_VISIT],
        )  # fmt: skip
    item_open(
        organisation=household.provider, kind=Kind.VISIT_RECORD, user=visitor,
        title=f"{VISIT_KINDS[kind]} to {household.name}: write it up and send it to the carers",
        due_at=visit.to_carer_due_at if record else visit.record_due_at, key=visit_key(visit),
        link=reverse("fostering_visit", args=[visit.pk]),
    )  # fmt: skip
    audit_household(user, household, f"{kind} visit recorded", request)
    return visit


@transaction.atomic
def visit_write_up(*, user, visit, record, sent_to_carer_on, expected_version, request=None):
    """The visit's record written (or changed) and, once it is, the day it went to the carers.
    The tray item closes when both are done."""
    household = visit.household
    refuse(why_not_support(user, household, "write up a visit"))
    visit = claim_version(Visit, visit, expected_version)
    errors = {}
    record = clean_text(record, "record", errors, name="The record", missing="Write the record")
    not_in_future(sent_to_carer_on, "sent_to_carer_on", errors, "The day it was sent")
    if sent_to_carer_on and sent_to_carer_on < as_day(visit.visited_at):
        errors["sent_to_carer_on"] = "The record cannot have been sent before the visit"
    refuse_if(errors)
    if record != visit.record or visit.recorded_at is None:
        visit.recorded_at = timezone.now()
    visit.record, visit.sent_to_carer_on = record, sent_to_carer_on
    visit.save(update_fields=["record", "recorded_at", "sent_to_carer_on", "version"])
    if sent_to_carer_on:
        items_close_keyed(
            organisation=household.provider, key=visit_key(visit), by=user,
            kinds=[Kind.VISIT_RECORD],
        )  # fmt: skip
    audit_household(user, household, f"{visit.kind} visit written up", request)
    return visit


def visit_record_state(visit, now):
    """What is still to do on a visit: (words, due, overdue)."""
    if visit.recorded_at is None:
        return "To be written up", visit.record_due_at, now > visit.record_due_at
    if visit.sent_to_carer_on is None:
        return "To be sent to the carers", visit.to_carer_due_at, now > visit.to_carer_due_at
    late = visit.recorded_at > visit.record_due_at
    return ("Written up late" if late else "Done"), None, False


# Annual reviews ----------------------------------------------------------------------------------------


def _review_due_row(household, due_on):
    """The household's review waiting to be held, made for `due_on` if there is none."""
    review = (
        AnnualReview.objects.select_for_update()
        .filter(household=household, status=AnnualReview.Status.DUE)
        .order_by("due_on")
        .first()
    )
    if review is None:
        review = AnnualReview.objects.create(
            authority=household.provider, household=household, due_on=due_on,
            first=is_first_review(household),
        )  # fmt: skip
    return review


@transaction.atomic
def review_record(*, user, household, held_on, reviewer, carers_views, childrens_views,
                  recommendation, expected_version, notes="", request=None):  # fmt: skip
    """The annual review held. The first after approval waits for the panel (status `held`: the
    panel's business puts it on an agenda); any other is complete, moving the next review on.
    Refused while a review waits for the panel, and (EditConflict) when the household changed
    after the page was opened (another review recorded meanwhile moves its version)."""
    refuse(why_not_review(user, household))
    household = _household_claimed(household, expected_version)
    refuse(why_not_review_now(household))
    errors = {}
    if held_on is None:
        errors["held_on"] = "Enter the date the review was held"
    else:
        not_in_future(held_on, "held_on", errors, "The review")
        if household.approved_on and held_on < household.approved_on:
            errors["held_on"] = "The review cannot be before the household was approved"
    if reviewer is None:
        errors["reviewer"] = "Choose who reviewed the carers"
    carers_views = clean_text(
        carers_views, "carers_views", errors, name="The carers' views",
        missing="Write the carers' views",
    )  # fmt: skip
    childrens_views = clean_text(childrens_views, "childrens_views", errors, name="The views")
    if recommendation not in REVIEW_RECOMMENDATIONS:
        errors["recommendation"] = "Choose the review's recommendation"
    notes = clean_text(notes, "notes", errors, name="The notes")
    refuse_if(errors)
    due_on = review_due_on(household) or held_on
    review = _review_due_row(household, due_on)
    review.first = is_first_review(household, held_on)
    review.held_on, review.reviewer, review.recommendation = held_on, reviewer, recommendation
    review.carers_views, review.childrens_views, review.notes = carers_views, childrens_views, notes
    review.status = AnnualReview.Status.HELD
    review.version += 1
    review.save()
    items_close_keyed(
        organisation=household.provider, key=review_key(household, review.due_on), by=user,
        kinds=[Kind.ANNUAL_REVIEW],
    )  # fmt: skip
    household.version += 1
    household.save(update_fields=["version", "updated_at"])
    audit_household(
        user, household, "annual review held" + (" (first: to panel)" if review.first else ""),
        request,
    )  # fmt: skip
    if not review.first:
        review = review_complete(by=user, review=review, request=request)
    return review


def why_not_review_now(household):
    """Why the household cannot have a review recorded now (None: it can)."""
    if not household.is_in_house:
        return f"{household.name} are an agency's carers: the agency supports them"
    if household.status == Status.TEMPORARY:
        return (
            f"{household.name} has a temporary approval: its assessment, not an annual review, "
            "comes next"
        )
    if household.status not in REVIEWED_STATUSES:
        return (
            f"{household.name} is {household.get_status_display().lower()}: only approved carers "
            "can have an annual review"
        )
    waiting = review_waiting_for_panel(household)
    if waiting is not None:
        return (
            f"The review held on {waiting.held_on:%-d %B %Y} is waiting for the fostering panel "
            "and the agency decision maker: the next review is recorded after their decision"
        )
    return None


@transaction.atomic
def review_complete(*, by, review, request=None):
    """The review is complete (recorded, or for a first review the agency decision maker agreed the
    panel's recommendation): the household's next review is counted from it."""
    review = AnnualReview.objects.select_for_update().get(pk=review.pk)
    if review.status == AnnualReview.Status.COMPLETE:
        return review
    if review.held_on is None:
        raise lifecycle.StepRefused("The review has not been held")
    household = lifecycle.locked(review.household)
    review.status = AnnualReview.Status.COMPLETE
    review.version += 1
    review.save(update_fields=["status", "version"])
    household.review_due_at = review_due_at(household, household.provider.policy)
    household.version += 1
    household.save(update_fields=["review_due_at", "version", "updated_at"])
    audit_household(by, household, "annual review complete", request)
    return review


# Training and the development plan ----------------------------------------------------------------------


@transaction.atomic
def training_record(*, user, household, course, title, completed_on, carer=None, request=None):
    refuse(why_not_support(user, household, "record training"))
    household = lifecycle.locked(household)
    refuse(why_not_develop_now(household))
    errors = {}
    if course not in COURSES:
        errors["course"] = "Choose the course"
    title = clean_text(
        title, "title", errors, name="The title", limit=SHORT_TEXT,
        missing="Enter the course's title" if course == "other" else None,
    )  # fmt: skip
    if completed_on is None:
        errors["completed_on"] = "Enter the date the course was completed"
    not_in_future(completed_on, "completed_on", errors, "The date completed")
    if carer is not None and carer.household_id != household.pk:
        errors["carer"] = "Choose one of the household's carers"
    refuse_if(errors)
    training = Training.objects.create(
        household=household, carer=carer, course=course, title=title, completed_on=completed_on,
        recorded_by=user,
    )  # fmt: skip
    audit_household(user, household, f"training recorded ({course})", request)
    return training


@transaction.atomic
def goal_add(*, user, household, goal, due_on=None, request=None):
    refuse(why_not_support(user, household, "change the development plan"))
    household = lifecycle.locked(household)
    refuse(why_not_develop_now(household))
    errors = {}
    goal = clean_text(goal, "goal", errors, name="The goal", missing="Enter the goal", limit=300)
    refuse_if(errors)
    added = DevelopmentGoal.objects.create(
        household=household, goal=goal, due_on=due_on, recorded_by=user
    )
    audit_household(user, household, "development goal added", request)
    return added


@transaction.atomic
def goal_done(*, user, goal, done_on, request=None):
    household = goal.household
    refuse(why_not_support(user, household, "change the development plan"))
    refuse(why_not_develop_now(lifecycle.locked(household)))
    goal = DevelopmentGoal.objects.select_for_update().get(pk=goal.pk)
    if goal.done_on is not None:
        # The goal's only change is being met: once met (by anyone), it is not met again.
        raise ActionNotAllowed(f"The goal was marked as met on {goal.done_on:%-d %B %Y}")
    errors = {}
    if done_on is None:
        errors["done_on"] = "Enter the date the goal was met"
    not_in_future(done_on, "done_on", errors, "The date")
    refuse_if(errors)
    goal.done_on = done_on
    goal.save(update_fields=["done_on"])
    audit_household(user, household, "development goal met", request)
    return goal


# Requests for support --------------------------------------------------------------------------------


@transaction.atomic
def support_request_record(*, user, household, received_at, about, request=None):
    """Carers ask for help: answered within `support_request` (24 hours), by their supervising
    social worker, or the duty workers when they have none."""
    refuse(why_not_support_request(user, household))
    household = lifecycle.locked(household)
    _refuse_unless_supported(household, "ask for support here")
    errors = {}
    if received_at is None:
        errors["received_on"] = "Enter when the request came in"
    elif received_at > timezone.now():
        errors["received_on"] = "The request cannot have come in the future"
    about = clean_text(
        about, "about", errors, name="The request", missing="Say what they asked for"
    )
    refuse_if(errors)
    respond_by = policy_due_at(household.provider.policy, "support_request", received_at)
    support_request = SupportRequest.objects.create(
        authority=household.provider, household=household, received_at=received_at, about=about,
        respond_by=respond_by, recorded_by=user,
    )  # fmt: skip
    worker = household.supervising_social_worker
    item_open(
        organisation=household.provider, kind=Kind.SUPPORT_REQUEST,
        title=f"{household.name} asked for support", due_at=respond_by,
        user=worker if worker is not None and worker.is_active else None,
        role="" if worker is not None and worker.is_active else Role.FOSTERING_DUTY_WORKER,
        key=support_request_key(support_request),
        link=reverse("fostering_support_request", args=[support_request.pk]),
    )  # fmt: skip
    audit_household(user, household, "support request recorded", request)
    return support_request


@transaction.atomic
def support_request_answer(*, user, support_request, answer, answered_at, expected_version,
                           request=None):  # fmt: skip
    household = support_request.household
    refuse(why_not_support_request(user, household))
    support_request = claim_version(SupportRequest, support_request, expected_version)
    if support_request.answered_at is not None:
        raise ActionNotAllowed("The request has been answered already")
    errors = {}
    answer = clean_text(
        answer, "answer", errors, name="The answer", missing="Say how it was answered"
    )
    if answered_at is None:
        errors["answered_on"] = "Enter when it was answered"
    elif answered_at > timezone.now():
        errors["answered_on"] = "The answer cannot be in the future"
    elif answered_at < support_request.received_at:
        errors["answered_on"] = "The answer cannot be before the request came in"
    refuse_if(errors)
    support_request.answer, support_request.answered_at = answer, answered_at
    support_request.answered_by = user
    support_request.save(update_fields=["answer", "answered_at", "answered_by", "version"])
    items_close_keyed(
        organisation=household.provider, key=support_request_key(support_request), by=user,
        kinds=[Kind.SUPPORT_REQUEST],
    )  # fmt: skip
    audit_household(user, household, "support request answered", request)
    return support_request
