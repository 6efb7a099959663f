"""Recruitment and retention action plans: objectives, actions, leads, dates, what success looks
like, and each action's RAG status with its history.

Everyone who reads the fostering service sees the council's plans; fostering team managers and the
council's managers (`permissions.PLANNERS`) write them. Someone who may read but not write gets the
pages without the buttons and, asking for a form, a 403 page saying why (audited).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import fostering_record_for_user, fostering_records_for_user
from hearth.accounts.roles import Capability
from hearth.fostering import permissions, plans, vocabulary
from hearth.fostering.models import ActionPlan, PlanAction
from hearth.people.services import EditConflict
from hearth.web.decorators import requires
from hearth.web.downloads import csv_download
from hearth.web.forms import GovukDateField, GovukForm
from hearth.web.views._fostering_common import reading_council
from hearth.web.views._stability_common import deny, posted

CONFLICT = (
    "Someone else changed this action after you opened the page. Nothing was saved: reload the "
    "page and make your changes again."
)
RAG_CHOICES = vocabulary.RAG


class PlanForm(GovukForm):
    title = forms.CharField(
        label="Title", max_length=200, error_messages={"required": "Enter the plan's title"}
    )
    summary = forms.CharField(
        label="What the plan is for", required=False, widget=forms.Textarea,
        help_text="For example: restore our fostering service to growth through recruitment, "
        "retention and utilisation",
    )  # fmt: skip


class ActionForm(GovukForm):
    objective = forms.CharField(
        label="Objective", max_length=300,
        help_text="Actions with the same objective are shown together",
        error_messages={"required": "Enter the objective the action serves"},
    )  # fmt: skip
    action = forms.CharField(
        label="Action", widget=forms.Textarea,
        error_messages={"required": "Enter what is to be done"},
    )  # fmt: skip
    lead = forms.CharField(
        label="Lead", max_length=200, error_messages={"required": "Enter who leads the action"}
    )
    due_on = GovukDateField(
        label="Date", help_text="When it is to be done by, for example 31 3 2027",
        error_messages={"required": "Enter the date it is to be done by"},
    )  # fmt: skip
    success = forms.CharField(
        label="What success looks like", widget=forms.Textarea,
        error_messages={"required": "Enter what success looks like"},
    )  # fmt: skip


class NewActionForm(ActionForm):
    rag = forms.ChoiceField(
        label="Status", choices=RAG_CHOICES, widget=forms.RadioSelect, initial="green",
        error_messages={"required": "Choose the action's status"},
    )  # fmt: skip


class EditActionForm(ActionForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class StatusForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    rag = forms.ChoiceField(
        label="Status", choices=RAG_CHOICES, widget=forms.RadioSelect,
        error_messages={"required": "Choose the action's status"},
    )  # fmt: skip
    note = forms.CharField(
        label="Why", widget=forms.Textarea,
        help_text="What has happened since the last update, kept in the action's history",
        error_messages={"required": "Say why the status is what it is"},
    )  # fmt: skip


# Reading and refusing ------------------------------------------------------------------------------


def _refused(request, *, reason, authority, record_id, detail, back):
    deny(request, "action_plan", record_id, detail)
    context = {"reason": reason, "authority": authority, "back": back}
    return render(request, "fostering/plans/not_allowed.html", context, status=403)


def _why_not_read(user, authority_id):
    return permissions.why_not(
        user, authority_id, permissions.READERS, "see the fostering action plans"
    )


def _plan(request, pk, *, write=False):
    return fostering_record_for_user(
        request.user, ActionPlan, pk, write=write, request=request,
        queryset=ActionPlan.objects.select_related("authority", "created_by"),
    )  # fmt: skip


def _action(request, pk):
    return fostering_record_for_user(
        request.user, PlanAction, pk, write=True, request=request,
        organisation_field="plan.authority",
        queryset=PlanAction.objects.select_related("plan__authority"),
    )  # fmt: skip


def _not_planner(request, plan, detail):
    """403 for a person who may not write the plan; None for one who may."""
    reason = _why_not_read(request.user, plan.authority_id) or plans.why_not_plan(
        request.user, plan.authority_id
    )
    if reason is None:
        return None
    back = {"url": plan_url(plan), "label": plan.title}
    return _refused(
        request, reason=reason, authority=plan.authority, record_id=plan.pk, detail=detail,
        back=back,
    )  # fmt: skip


def plan_url(plan):
    return reverse("fostering_plan", args=[plan.pk])


# The plans ------------------------------------------------------------------------------------------


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def fostering_plans(request):
    authority, councils = reading_council(request)
    today = timezone.localdate()
    council_plans = (
        fostering_records_for_user(request.user, ActionPlan)
        .filter(authority=authority)
        .prefetch_related("actions")
    )
    rows = []
    for plan in council_plans:
        actions = list(plan.actions.all())
        rows.append(
            {
                "plan": plan,
                "actions": len(actions),
                "overdue": sum(plans.is_overdue(action, today) for action in actions),
                "complete": sum(action.rag == plans.COMPLETE for action in actions),
            }
        )
    context = {
        "authority": authority,
        "councils": councils,
        "rows": rows,
        "may_plan": plans.why_not_plan(request.user, authority.pk) is None,
    }
    return render(request, "fostering/plans/index.html", context)


@requires(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def fostering_plan_new(request):
    authority, _councils = reading_council(request)
    reason = plans.why_not_plan(request.user, authority.pk)
    if reason is not None:
        back = {"url": reverse("fostering_plans"), "label": "Action plans"}
        return _refused(
            request, reason=reason, authority=authority, record_id="", back=back,
            detail="start a fostering action plan",
        )  # fmt: skip
    form = PlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        plan = plans.plan_create(
            by=request.user, authority=authority, title=form.cleaned_data["title"],
            summary=form.cleaned_data["summary"], request=request,
        )  # fmt: skip
        messages.success(request, f"The plan “{plan.title}” is started: add its actions")
        return redirect("fostering_plan", plan.pk)
    return render(request, "fostering/plans/new.html", {"form": form, "authority": authority})


@requires(Capability.VIEW_HOUSEHOLDS, record="actionplan")
@require_GET
def fostering_plan(request, pk):
    plan = _plan(request, pk)
    reason = _why_not_read(request.user, plan.authority_id)
    if reason is not None:
        back = {"url": reverse("home"), "label": "Home"}
        return _refused(
            request, reason=reason, authority=plan.authority, record_id=plan.pk, back=back,
            detail=f"see action plan {plan.pk}",
        )  # fmt: skip
    today = timezone.localdate()
    groups = plans.plan_rows(plan, today)
    if request.GET.get("format") == "csv":
        filename = f"action-plan-{plan.pk}-{today:%Y-%m-%d}.csv"
        return csv_download(filename, plans.CSV_HEADER, plans.csv_rows(groups))
    context = {
        "plan": plan,
        "groups": groups,
        "overdue": sum(a.overdue for group in groups for a in group["actions"]),
        "may_plan": plans.why_not_plan(request.user, plan.authority_id) is None,
    }
    return render(request, "fostering/plans/plan.html", context)


# Actions ----------------------------------------------------------------------------------------------


@requires(Capability.VIEW_HOUSEHOLDS, record="actionplan")
@require_http_methods(["GET", "POST"])
def fostering_plan_action_new(request, pk):
    plan = _plan(request, pk, write=True)
    refused = _not_planner(request, plan, f"add an action to action plan {plan.pk}")
    if refused is not None:
        return refused
    objectives = list(
        dict.fromkeys(plan.actions.order_by("pk").values_list("objective", flat=True))
    )
    initial = {"objective": request.GET.get("objective", "")}
    form = NewActionForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        plans.action_add(by=request.user, plan=plan, request=request, **form.cleaned_data)
        messages.success(request, "The action is added to the plan")
        return redirect("fostering_plan", plan.pk)
    context = {"plan": plan, "form": form, "objectives": objectives}
    return render(request, "fostering/plans/action_new.html", context)


@requires(Capability.VIEW_HOUSEHOLDS, record="planaction")
@require_http_methods(["GET", "POST"])
def fostering_plan_action_edit(request, pk):
    action = _action(request, pk)
    plan = action.plan
    refused = _not_planner(request, plan, f"change action {action.pk} of action plan {plan.pk}")
    if refused is not None:
        return refused
    initial = {name: getattr(action, name) for name in plans.ACTION_FIELDS}
    form = EditActionForm(posted(request), initial={**initial, "version": action.version})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            changed = plans.action_edit(
                by=request.user,
                action=action,
                expected_version=version,
                changes=data,
                request=request,
            )
        except EditConflict:
            form.add_error(None, CONFLICT)
        else:
            messages.success(request, "The action is changed" if changed else "Nothing was changed")
            return redirect("fostering_plan", plan.pk)
    context = {"plan": plan, "action": action, "form": form}
    return render(request, "fostering/plans/action_edit.html", context)


@requires(Capability.VIEW_HOUSEHOLDS, record="planaction")
@require_http_methods(["GET", "POST"])
def fostering_plan_action_status(request, pk):
    action = _action(request, pk)
    plan = action.plan
    refused = _not_planner(request, plan, f"update action {action.pk} of action plan {plan.pk}")
    if refused is not None:
        return refused
    form = StatusForm(posted(request), initial={"version": action.version, "rag": action.rag})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            update = plans.action_status(
                by=request.user, action=action, rag=data["rag"], note=data["note"],
                expected_version=data["version"], request=request,
            )  # fmt: skip
        except EditConflict:
            form.add_error(None, CONFLICT)
        else:
            messages.success(request, f"The action's status is now {update.get_rag_display()}")
            return redirect("fostering_plan", plan.pk)
    history = list(action.updates.select_related("by"))
    context = {"plan": plan, "action": action, "form": form, "history": history}
    return render(request, "fostering/plans/action_status.html", context)


urlpatterns = [
    path("fostering/plans/", fostering_plans, name="fostering_plans"),
    path("fostering/plans/new/", fostering_plan_new, name="fostering_plan_new"),
    path("fostering/plans/<int:pk>/", fostering_plan, name="fostering_plan"),
    path(
        "fostering/plans/<int:pk>/actions/new/", fostering_plan_action_new,
        name="fostering_plan_action_new",
    ),
    path(
        "fostering/plans/actions/<int:pk>/change/", fostering_plan_action_edit,
        name="fostering_plan_action_edit",
    ),
    path(
        "fostering/plans/actions/<int:pk>/status/", fostering_plan_action_status,
        name="fostering_plan_action_status",
    ),
]  # fmt: skip
