"""Supporting approved carers on screen: the supervising social worker, supervisory and unannounced
visits, annual reviews, training and the development plan, and requests for support.

The fostering service's readers (`permissions.READERS`) see the lists and the household's support
section; who may take each step is `hearth.fostering.support` (a reader who may not gets 403 with
the reason, audited). Each step is one service of `hearth.fostering.support`.
"""

from dataclasses import dataclass
from datetime import date, time
from functools import partial

from django import forms
from django.db.models import Max, Q
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import deny as deny_record
from hearth.accounts.access import (
    fostering_record_for_user,
    fostering_records_for_user,
    household_for_user,
    households_for_user,
)
from hearth.accounts.roles import Capability
from hearth.fostering import permissions, support, vocabulary
from hearth.fostering.models import DevelopmentGoal, SupportRequest, Visit
from hearth.people.models import Household
from hearth.placements.forms import PlacementForm
from hearth.stability.forms import TimeField, at
from hearth.web.decorators import requires
from hearth.web.editing import audit_shown
from hearth.web.presenters import date_time, long_date
from hearth.web.views._fostering_common import reading_council
from hearth.web.views._stability_common import deny, posted, take_step

OUT_OF_DATE = "This page is out of date: reload it and try again"


# Shared by the support and holds screens ----------------------------------------------------------


def readers_only(request):
    """(the council whose list is shown, the page's context naming it and the councils offered
    when the person reads several: `?council=`); 404 for anyone who reads none."""
    authority, councils = reading_council(request)
    return authority, {"authority": authority, "councils": councils}


def fostering_household(request, pk, *, write=False):
    """The in-house household `pk` for a reader of its council's fostering records, else 404: for
    someone who may see the household but not its fostering service, the attempt audited."""
    household = household_for_user(request.user, pk, request=request, audit_view=False)
    if not household.is_in_house or not permissions.may_read(request.user, household.provider_id):
        deny_record(request.user, record_type="household", record_id=household.pk, request=request)
    if not write:
        audit_shown(request, "household", household, household.provider)
    return household


def fostering_record(request, model, pk, *, queryset):
    """A household's record of the fostering service (a visit, a request, an allegation...) for a
    reader of the council's fostering service, else 404 (audited); its reading audited."""
    record = fostering_record_for_user(
        request.user, model, pk, write=True, request=request, queryset=queryset
    )
    household = record.household
    if not permissions.may_read(request.user, household.provider_id):
        deny_record(
            request.user, record_type=model._meta.model_name, record_id=record.pk, request=request
        )
    if request.method != "POST":
        audit_shown(request, model._meta.model_name, record, household.provider)
    return record


def refused(request, reason, *, household, detail):
    """403 for a step the person may not take, the attempt audited."""
    deny(request, "household", household.pk, detail)
    context = {"reason": reason, "household": household}
    return render(request, "fostering/support/not_allowed.html", context, status=403)


def step_page(request, template="fostering/support/form.html", **context):
    return render(request, template, context)


def day(value):
    return long_date(value) if value else ""


def version_field():
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE},
    )  # fmt: skip


def text_field(label, *, hint="", required=False, message="", rows=None):
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.Textarea
    return forms.CharField(
        label=label, help_text=hint, required=required, widget=widget,
        error_messages={"required": message or f"Enter {label.lower()}"},
    )  # fmt: skip


def date_field(label, *, hint="", required=True, message=""):
    from hearth.web.forms import GovukDateField

    return GovukDateField(
        label=label, help_text=hint, required=required,
        error_messages={"required": message or f"Enter {label.lower()}"},
    )  # fmt: skip


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class StepForm(PlacementForm):
    """A step's form: the service's messages go back to the fields (`add_service_errors`)."""


def _in_future(value):
    return value is not None and value > timezone.localdate()


# The supervising social worker ---------------------------------------------------------------------


class WorkerForm(StepForm):
    version = version_field()
    worker = StaffChoiceField(
        label="Supervising social worker", queryset=None, empty_label="Choose a worker",
        error_messages={"required": "Choose a supervising social worker"},
    )  # fmt: skip

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["worker"].queryset = support.supervising_social_workers(authority)


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_worker_allocate(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="choose the supervising worker")
    reason = support.why_not_allocate(request.user, household)
    if reason is not None:
        return no(reason)
    initial = {"version": household.version, "worker": household.supervising_social_worker_id}
    form = WorkerForm(posted(request), authority=household.provider, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, support.worker_allocate, household=household, worker=data["worker"],
            expected_version=data["version"], refused=no,
            message=lambda saved: f"{data['worker'].display_name} supervises {saved.name}",
            to=support.household_link(household),
        )  # fmt: skip
        if response is not None:
            return response
    return step_page(
        request, title="Choose the supervising social worker", household=household, form=form,
        submit="Save",
    )  # fmt: skip


# Visits ----------------------------------------------------------------------------------------------


class VisitForm(StepForm):
    SERVICE_FIELDS = {"visited_at": "visited_on"}
    kind = forms.ChoiceField(
        label="Kind of visit", choices=vocabulary.VISIT_KINDS, widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of visit"},
    )  # fmt: skip
    visited_on = date_field("Date of the visit", message="Enter the date of the visit")
    visited_time = TimeField(
        label="Time of the visit", required=False, help_text="For example 14:30. Leave blank if "
        "not known: midday is recorded.",
    )  # fmt: skip
    visitor = StaffChoiceField(
        label="Who made the visit", queryset=None, empty_label="Choose a worker",
        error_messages={"required": "Choose who made the visit"},
    )  # fmt: skip
    children_present = forms.BooleanField(
        label="The children were present", required=False,
        help_text="An unannounced visit counts as the six-monthly unannounced visit only when "
        "the children were there.",
    )  # fmt: skip
    record = text_field(
        "The record of the visit",
        hint="You can write it now or later: it is due within the policy's time after the visit.",
    )

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitor"].queryset = support.supervising_social_workers(authority)

    def clean_visited_on(self):
        visited_on = self.cleaned_data["visited_on"]
        if _in_future(visited_on):
            raise forms.ValidationError("The visit cannot be in the future")
        return visited_on

    def visited_at(self):
        data = self.cleaned_data
        return at(data["visited_on"], data.get("visited_time") or time(12))


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_visit_new(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="record a visit")
    reason = support.why_not_support(request.user, household, "record a visit")
    if reason is not None:
        return no(reason)
    workers = support.supervising_social_workers(household.provider)
    visitor = request.user.pk if workers.filter(pk=request.user.pk).exists() else None
    form = VisitForm(
        posted(request), authority=household.provider,
        initial={"kind": "supervisory", "visitor": visitor, "visited_on": timezone.localdate()},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, support.visit_record, household=household, kind=data["kind"],
            visited_at=form.visited_at(), visitor=data["visitor"],
            children_present=data["children_present"], record=data["record"], refused=no,
            message=lambda visit: f"The visit is recorded. {_visit_next_words(visit)}",
            to=lambda visit: reverse("fostering_visit", args=[visit.pk]),
        )  # fmt: skip
        if response is not None:
            return response
    today = timezone.localdate()
    weeks, rule = support.visit_rule(household, today)
    return step_page(
        request, title="Record a visit", household=household, form=form, submit="Record the visit",
        facts=[
            ("Supervisory visits", rule.capitalize()),
            ("Next supervisory visit due", day(support.next_visit_due(household, today))),
            ("Next unannounced visit due", day(support.next_unannounced_due(household))),
        ],
    )  # fmt: skip


def _visit_next_words(visit):
    if visit.recorded_at is None:
        return f"Write it up by {date_time(visit.record_due_at)}."
    return f"Send the record to the carers by {date_time(visit.to_carer_due_at)}."


class VisitWriteUpForm(StepForm):
    version = version_field()
    record = text_field("The record of the visit", required=True, message="Write the record")
    sent_to_carer_on = date_field(
        "Sent to the carers on", required=False,
        hint="The day the carers were given the record. Leave blank until it is sent.",
    )  # fmt: skip

    def clean_sent_to_carer_on(self):
        sent = self.cleaned_data["sent_to_carer_on"]
        if _in_future(sent):
            raise forms.ValidationError("The day it was sent cannot be in the future")
        return sent


def visit_shown(visit, now):
    words, due, overdue = support.visit_record_state(visit, now)
    return {
        "visit": visit,
        "kind": visit.get_kind_display(),
        "when": date_time(visit.visited_at),
        "by": visit.by.display_name if visit.by else "Not recorded",
        "state": words,
        "due": date_time(due) if due else "",
        "overdue": overdue,
    }


@requires(Capability.VIEW_HOUSEHOLDS, record="visit")
@require_http_methods(["GET", "POST"])
def fostering_visit(request, pk):
    visit = fostering_record(
        request, Visit, pk,
        queryset=Visit.objects.select_related("household__provider__policy", "by"),
    )  # fmt: skip
    household = visit.household
    reason = support.why_not_support(request.user, household, "write up a visit")
    form = None
    if reason is None:
        initial = {
            "version": visit.version, "record": visit.record,
            "sent_to_carer_on": visit.sent_to_carer_on,
        }  # fmt: skip
        form = VisitWriteUpForm(posted(request), initial=initial)
    if request.method == "POST":
        if form is None:
            return refused(request, reason, household=household, detail="write up a visit")
        if form.is_valid():
            data = form.cleaned_data
            response = take_step(
                request, form, support.visit_write_up, visit=visit, record=data["record"],
                sent_to_carer_on=data["sent_to_carer_on"], expected_version=data["version"],
                refused=partial(refused, request, household=household, detail="write up a visit"),
                message="The visit's record is saved", to=support.household_link(household),
            )  # fmt: skip
            if response is not None:
                return response
    shown = visit_shown(visit, timezone.now())
    return step_page(
        request, title=f"{shown['kind']} on {long_date(support.as_day(visit.visited_at))}",
        household=household, form=form, submit="Save the record", shown=shown,
        facts=[
            ("Kind", shown["kind"]),
            ("When", shown["when"]),
            ("By", shown["by"]),
            ("Children present", "Yes" if visit.children_present else "No"),
            ("Record due by", date_time(visit.record_due_at)),
            ("Written up", date_time(visit.recorded_at) if visit.recorded_at else "Not yet"),
            ("Record to the carers by", date_time(visit.to_carer_due_at)),
            ("Sent to the carers on", day(visit.sent_to_carer_on) or "Not yet"),
        ],
        state=shown,
    )  # fmt: skip


# The visits due -------------------------------------------------------------------------------------


@dataclass
class VisitsDueRow:
    household: Household
    worker: str
    mine: bool
    rule: str
    last_visit: str
    next_due: date
    next_overdue: bool
    unannounced_due: date
    unannounced_overdue: bool

    @property
    def overdue(self):
        return self.next_overdue or self.unannounced_overdue

    @property
    def next_due_words(self):
        return day(self.next_due)

    @property
    def unannounced_due_words(self):
        return day(self.unannounced_due)


def visits_due_rows(councils, user, today, *, mine_only=False):
    """The council's approved households with their next supervisory and unannounced visits due,
    overdue first, then the user's own, then by the nearest date. A fixed number of queries."""
    households = (
        households_for_user(user)
        .filter(
            provider_id__in=councils, status__in=support.SUPPORTED_STATUSES,
            approved_on__isnull=False,
        )
        .select_related("provider__policy", "supervising_social_worker")
        .annotate(
            last_supervisory=Max("visits__visited_at", filter=Q(visits__kind="supervisory")),
            last_unannounced=Max(
                "visits__visited_at",
                filter=Q(visits__kind="unannounced", visits__children_present=True),
            ),
        )
    )  # fmt: skip
    if mine_only:
        households = households.filter(supervising_social_worker=user)
    rows = []
    for household in households:
        last = support.as_day(household.last_supervisory) if household.last_supervisory else None
        unannounced = (
            support.as_day(household.last_unannounced) if household.last_unannounced else None
        )
        due = support.next_visit_due(household, today, last_visited_on=last)
        unannounced_due = support.next_unannounced_due(household, last_visited_on=unannounced)
        worker = household.supervising_social_worker
        rows.append(
            VisitsDueRow(
                household=household, worker=worker.display_name if worker else "None allocated",
                mine=worker is not None and worker.pk == user.pk,
                rule=support.visit_rule(household, today)[1], last_visit=day(last) or "None yet",
                next_due=due, next_overdue=due < today, unannounced_due=unannounced_due,
                unannounced_overdue=unannounced_due < today,
            )
        )  # fmt: skip
    rows.sort(key=lambda r: (not r.overdue, not r.mine, min(r.next_due, r.unannounced_due)))
    return rows


# The anchor of the visits list's section of visits to write up or send (the front page links it).
WRITE_UPS = "write-ups"


def write_up_rows(authority, user, now, *, mine_only=False):
    """The council's visits not yet written up or not yet sent to the carers, with what is due by
    when, overdue first, then by the date due. One query."""
    visits = (
        fostering_records_for_user(user, Visit)
        .filter(authority=authority)
        .filter(Q(recorded_at__isnull=True) | Q(sent_to_carer_on__isnull=True))
        .select_related("household", "by")
    )
    if mine_only:
        visits = visits.filter(by=user)
    rows = []
    for visit in visits:
        words, due, overdue = support.visit_record_state(visit, now)
        rows.append(
            {"visit": visit, "kind": visit.get_kind_display(), "when": date_time(visit.visited_at),
             "by": visit.by.display_name if visit.by else "Not recorded", "state": words,
             "due_at": due, "due": date_time(due), "overdue": overdue}
        )  # fmt: skip
    rows.sort(key=lambda row: (not row["overdue"], row["due_at"], row["visit"].pk))
    return rows


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def fostering_visits_due(request):
    """Households' next visits due, and (`#write-ups`) the visits to write up or send."""
    authority, context = readers_only(request)
    mine = request.GET.get("mine") == "1"
    rows = visits_due_rows({authority.pk}, request.user, timezone.localdate(), mine_only=mine)
    write_ups = write_up_rows(authority, request.user, timezone.now(), mine_only=mine)
    context |= {
        "rows": rows, "mine": mine, "overdue": sum(1 for r in rows if r.overdue),
        "write_ups": write_ups, "write_ups_overdue": sum(1 for r in write_ups if r["overdue"]),
        "write_ups_anchor": WRITE_UPS,
    }  # fmt: skip
    return render(request, "fostering/support/visits_due.html", context)


# Annual reviews -------------------------------------------------------------------------------------


class ReviewForm(StepForm):
    version = version_field()
    held_on = date_field("Date of the review", message="Enter the date the review was held")
    reviewer = StaffChoiceField(
        label="Reviewing officer", queryset=None, empty_label="Choose the reviewer",
        error_messages={"required": "Choose who reviewed the carers"},
    )  # fmt: skip
    carers_views = text_field("The carers' views", required=True)
    childrens_views = text_field("The children's views", hint="Of the children living there")
    recommendation = forms.ChoiceField(
        label="Recommendation", widget=forms.RadioSelect,
        choices=list(support.REVIEW_RECOMMENDATIONS.items()),
        error_messages={"required": "Choose the review's recommendation"},
    )  # fmt: skip
    notes = text_field("Notes")

    def __init__(self, *args, authority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = support.reviewers(authority)

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if _in_future(held_on):
            raise forms.ValidationError("The review cannot be in the future")
        return held_on


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_review_new(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="record an annual review")
    reason = support.why_not_review(request.user, household) or support.why_not_review_now(
        household
    )
    if reason is not None:
        return no(reason)
    reviewers = support.reviewers(household.provider)
    reviewer = request.user.pk if reviewers.filter(pk=request.user.pk).exists() else None
    form = ReviewForm(
        posted(request), authority=household.provider,
        initial={
            "held_on": timezone.localdate(), "reviewer": reviewer, "version": household.version,
        },
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def done(review):
            if review.status == review.Status.COMPLETE:
                return "The annual review is complete. The next is due by " + day(
                    support.review_due_on(review.household)
                )
            return "The first annual review is recorded: it goes to the fostering panel next"

        response = take_step(
            request, form, support.review_record, household=household, held_on=data["held_on"],
            reviewer=data["reviewer"], carers_views=data["carers_views"],
            childrens_views=data["childrens_views"], recommendation=data["recommendation"],
            notes=data["notes"], expected_version=data["version"], refused=no, message=done,
            to=support.household_link(household),
        )  # fmt: skip
        if response is not None:
            return response
    first = support.is_first_review(household)
    return step_page(
        request, title="Record an annual review", household=household, form=form,
        submit="Record the review",
        facts=[("Review due by", day(support.review_due_on(household)) or "Not set")],
        intro=[
            "This is the first review since approval: it goes to the fostering panel, and is "
            "complete when the agency decision maker agrees the panel's recommendation."
            if first
            else "The review is complete when you record it; the next is due a year on."
        ],
    )  # fmt: skip


REVIEWS_WITHIN_WEEKS = 8


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def fostering_reviews_due(request):
    """Annual reviews overdue or due within 8 weeks (`support.reviews_due`, as the front page
    counts them), or every approved household's with `?show=all`."""
    authority, context = readers_only(request)
    show_all = request.GET.get("show") == "all"
    rows = support.reviews_due(
        authority, timezone.localdate(),
        within_weeks=None if show_all else REVIEWS_WITHIN_WEEKS,
        households=households_for_user(request.user),
    )  # fmt: skip
    waiting = support.reviews_awaiting_panel([authority.pk])
    context |= {
        "rows": [
            {"row": row, "due": day(row.due_on), "worker": row.household.supervising_social_worker}
            for row in rows
        ],
        "waiting": waiting, "overdue": rows.overdue, "show_all": show_all,
        "within_weeks": REVIEWS_WITHIN_WEEKS,
    }  # fmt: skip
    return render(request, "fostering/support/reviews_due.html", context)


# Training and the development plan ------------------------------------------------------------------


class TrainingForm(StepForm):
    course = forms.ChoiceField(
        label="Course", choices=vocabulary.TRAINING_COURSES, widget=forms.RadioSelect,
        error_messages={"required": "Choose the course"},
    )  # fmt: skip
    title = forms.CharField(
        label="Title", required=False, max_length=200, help_text="Needed for another course"
    )
    completed_on = date_field("Completed on", message="Enter the date the course was completed")
    carer = forms.ModelChoiceField(
        label="Which carer", queryset=None, required=False, empty_label="Both or all carers"
    )

    def __init__(self, *args, household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["carer"].queryset = household.carers.all()

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if _in_future(completed_on):
            raise forms.ValidationError("The date completed cannot be in the future")
        return completed_on


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_training_new(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="record training")
    reason = support.why_not_support(
        request.user, household, "record training"
    ) or support.why_not_develop_now(household)
    if reason is not None:
        return no(reason)
    form = TrainingForm(posted(request), household=household)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, support.training_record, household=household, course=data["course"],
            title=data["title"], completed_on=data["completed_on"], carer=data["carer"],
            refused=no, message="The training is recorded", to=support.household_link(household),
        )  # fmt: skip
        if response is not None:
            return response
    done = support.safeguarding_done(household)
    return step_page(
        request, title="Record training", household=household, form=form,
        submit="Record the training",
        facts=[("Safeguarding", "Done" if done else "Not done: needed before full approval")],
    )  # fmt: skip


class GoalForm(StepForm):
    goal = forms.CharField(
        label="Goal", max_length=300, error_messages={"required": "Enter the goal"}
    )
    due_on = date_field("To be met by", required=False)


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_goal_new(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="change the development plan")
    reason = support.why_not_support(
        request.user, household, "change the development plan"
    ) or support.why_not_develop_now(household)
    if reason is not None:
        return no(reason)
    form = GoalForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, support.goal_add, household=household, goal=data["goal"],
            due_on=data["due_on"], refused=no, message="The goal is added to the plan",
            to=support.household_link(household),
        )  # fmt: skip
        if response is not None:
            return response
    return step_page(
        request, title="Add to the development plan", household=household, form=form,
        submit="Add the goal",
    )  # fmt: skip


class GoalDoneForm(StepForm):
    done_on = date_field("Met on", message="Enter the date the goal was met")

    def clean_done_on(self):
        done_on = self.cleaned_data["done_on"]
        if _in_future(done_on):
            raise forms.ValidationError("The date cannot be in the future")
        return done_on


@requires(Capability.VIEW_HOUSEHOLDS, record="developmentgoal")
@require_http_methods(["GET", "POST"])
def fostering_goal_done(request, pk):
    goal = fostering_record_for_user(
        request.user, DevelopmentGoal, pk, write=True, request=request,
        organisation_field="household.provider",
        queryset=DevelopmentGoal.objects.select_related("household__provider"),
    )  # fmt: skip
    household = fostering_household(request, goal.household_id, write=True)
    no = partial(refused, request, household=household, detail="change the development plan")
    reason = support.why_not_support(
        request.user, household, "change the development plan"
    ) or support.why_not_develop_now(household)
    if reason is None and goal.done_on is not None:
        reason = f"The goal was marked as met on {long_date(goal.done_on)}"
    if reason is not None:
        return no(reason)
    form = GoalDoneForm(posted(request), initial={"done_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        response = take_step(
            request, form, support.goal_done, goal=goal, done_on=form.cleaned_data["done_on"],
            refused=no, message="The goal is marked as met", to=support.household_link(household),
        )  # fmt: skip
        if response is not None:
            return response
    return step_page(
        request, title="Mark a goal as met", household=household, form=form, submit="Save",
        facts=[("Goal", goal.goal), ("To be met by", day(goal.due_on) or "No date")],
    )  # fmt: skip


# Requests for support ----------------------------------------------------------------------------------


class SupportRequestForm(StepForm):
    SERVICE_FIELDS = {"received_at": "received_on"}
    received_on = date_field("Received on", message="Enter when the request came in")
    received_time = TimeField(label="Time received", help_text="For example 14:30")
    about = text_field("What they asked for", required=True, message="Say what they asked for")

    def clean_received_on(self):
        received_on = self.cleaned_data["received_on"]
        if _in_future(received_on):
            raise forms.ValidationError("The request cannot have come in the future")
        return received_on


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_support_request_new(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="record a request for support")
    reason = support.why_not_support_request(request.user, household)
    if reason is not None:
        return no(reason)
    now = timezone.localtime()
    form = SupportRequestForm(
        posted(request), initial={"received_on": now.date(), "received_time": f"{now:%H:%M}"}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, support.support_request_record, household=household,
            received_at=at(data["received_on"], data["received_time"]), about=data["about"],
            refused=no,
            message=lambda saved: f"The request is recorded: answer it by "
            f"{date_time(saved.respond_by)}",
            to=lambda saved: reverse("fostering_support_request", args=[saved.pk]),
        )  # fmt: skip
        if response is not None:
            return response
    return step_page(
        request, title="Record a request for support", household=household, form=form,
        submit="Record the request",
    )  # fmt: skip


class AnswerForm(StepForm):
    SERVICE_FIELDS = {"answered_at": "answered_on"}
    version = version_field()
    answer = text_field("How it was answered", required=True, message="Say how it was answered")
    answered_on = date_field("Answered on", message="Enter when it was answered")
    answered_time = TimeField(label="Time answered", help_text="For example 14:30")

    def clean_answered_on(self):
        answered_on = self.cleaned_data["answered_on"]
        if _in_future(answered_on):
            raise forms.ValidationError("The answer cannot be in the future")
        return answered_on


@requires(Capability.VIEW_HOUSEHOLDS, record="supportrequest")
@require_http_methods(["GET", "POST"])
def fostering_support_request(request, pk):
    support_request = fostering_record(
        request, SupportRequest, pk,
        queryset=SupportRequest.objects.select_related("household__provider", "answered_by"),
    )  # fmt: skip
    household = support_request.household
    reason = support.why_not_support_request(request.user, household)
    no = partial(refused, request, household=household, detail="answer a request for support")
    form = None
    if reason is None and support_request.answered_at is None:
        now = timezone.localtime()
        initial = {
            "version": support_request.version, "answered_on": now.date(),
            "answered_time": f"{now:%H:%M}",
        }  # fmt: skip
        form = AnswerForm(posted(request), initial=initial)
    if request.method == "POST":
        if form is None:
            return no(reason or "The request has been answered already")
        if form.is_valid():
            data = form.cleaned_data
            response = take_step(
                request, form, support.support_request_answer, support_request=support_request,
                answer=data["answer"], answered_at=at(data["answered_on"], data["answered_time"]),
                expected_version=data["version"], refused=no,
                message="The answer is recorded", to=reverse("fostering_support_requests"),
            )  # fmt: skip
            if response is not None:
                return response
    now = timezone.now()
    overdue = support_request.answered_at is None and now > support_request.respond_by
    facts = [
        ("Received", date_time(support_request.received_at)),
        ("What they asked for", support_request.about),
        ("To be answered by", date_time(support_request.respond_by)),
    ]
    if support_request.answered_at:
        by = support_request.answered_by
        facts += [
            ("Answered", date_time(support_request.answered_at)),
            ("Answered by", by.display_name if by else "Not recorded"),
            ("Answer", support_request.answer),
        ]
    return step_page(
        request, title="Request for support", household=household, form=form,
        submit="Record the answer", facts=facts, overdue=overdue,
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def fostering_support_requests(request):
    authority, context = readers_only(request)
    requests = (
        fostering_records_for_user(request.user, SupportRequest)
        .filter(authority=authority)
        .select_related("household", "answered_by")
    )
    now = timezone.now()
    open_requests = [
        {"request": r, "overdue": now > r.respond_by, "received": date_time(r.received_at),
         "respond_by": date_time(r.respond_by)}
        for r in requests.filter(answered_at__isnull=True).order_by("respond_by", "pk")
    ]  # fmt: skip
    answered = [
        {"request": r, "received": date_time(r.received_at), "answered": date_time(r.answered_at),
         "late": r.answered_at > r.respond_by}
        for r in requests.filter(answered_at__isnull=False).order_by("-answered_at", "-pk")[:50]
    ]  # fmt: skip
    context |= {
        "open_requests": open_requests,
        "answered": answered,
        "overdue": sum(1 for r in open_requests if r["overdue"]),
    }
    return render(request, "fostering/support/support_requests.html", context)


urlpatterns = [
    path("fostering/visits/", fostering_visits_due, name="fostering_visits_due"),
    path("fostering/visits/<int:pk>/", fostering_visit, name="fostering_visit"),
    path(
        "fostering/households/<int:pk>/visits/new/", fostering_visit_new,
        name="fostering_visit_new",
    ),
    path(
        "fostering/households/<int:pk>/supervising-social-worker/", fostering_worker_allocate,
        name="fostering_worker_allocate",
    ),
    path("fostering/reviews/", fostering_reviews_due, name="fostering_reviews_due"),
    path(
        "fostering/households/<int:pk>/reviews/new/", fostering_review_new,
        name="fostering_review_new",
    ),
    path(
        "fostering/households/<int:pk>/training/new/", fostering_training_new,
        name="fostering_training_new",
    ),
    path(
        "fostering/households/<int:pk>/development-plan/new/", fostering_goal_new,
        name="fostering_goal_new",
    ),
    path("fostering/development-plan/<int:pk>/met/", fostering_goal_done, name="fostering_goal_done"),
    path(
        "fostering/support-requests/", fostering_support_requests,
        name="fostering_support_requests",
    ),
    path(
        "fostering/support-requests/<int:pk>/", fostering_support_request,
        name="fostering_support_request",
    ),
    path(
        "fostering/households/<int:pk>/support-requests/new/", fostering_support_request_new,
        name="fostering_support_request_new",
    ),
]  # fmt: skip
