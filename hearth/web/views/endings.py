"""When a placement ends (003 sections 5 and 6): waiving an unplanned ending meeting, and recording
the moving-on tasks done.

Who may see a meeting or a task is the access functions' business (404 for anyone else, audited);
who may take the step is `hearth.stability.endings` (a person who may see the record but not take
the step gets 403 with the reason, the attempt audited). Each step is one service of
`hearth.stability.endings`.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from hearth.accounts.access import moving_on_task_for_user, stability_meeting_for_user
from hearth.accounts.roles import Capability
from hearth.people.services import EditConflict
from hearth.placements.forms import PlacementForm
from hearth.referrals.services import TEXT_LIMIT, ActionNotAllowed, ReferralError
from hearth.stability import endings, routing, vocabulary
from hearth.web.decorators import requires
from hearth.web.editing import audit_shown

OUT_OF_DATE = "This page is out of date: reload it and try again"
CONFLICT = (
    "Someone else changed this after you opened the page. Nothing was saved: reload the page and "
    "try again."
)


def _version():
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE},
    )  # fmt: skip


class WaiveForm(PlacementForm):
    reason = forms.CharField(
        label="Why is the unplanned ending meeting not needed?",
        help_text="Say what the stability meeting covered and why the learning is already known.",
        max_length=TEXT_LIMIT, widget=forms.Textarea,
        error_messages={"required": "Enter why the unplanned ending meeting is not needed"},
    )  # fmt: skip
    version = _version()


class MovingOnDoneForm(PlacementForm):
    note = forms.CharField(
        label="How it was done (optional)",
        help_text="For example, when the profile was given to the new carers.",
        max_length=TEXT_LIMIT, widget=forms.Textarea, required=False,
    )  # fmt: skip
    version = _version()


def _posted(request):
    return request.POST if request.method == "POST" else None


def _refused(request, template, context, record_type, record_id, reason, detail):
    """403 with the reason, the attempt audited."""
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {"record_type": record_type, "record_id": str(record_id), "user": request.user,
         "detail": detail},
    ]  # fmt: skip
    return render(request, template, {**context, "why_not": reason}, status=403)


def _meeting_words(meeting):
    child = meeting.child
    return {
        "child": child.full_name,
        "reference": meeting.reference,
        "ended_on": endings.day_words(meeting.placement.ended_on),
        "window_from": endings.day_words(meeting.due_from) if meeting.due_from else "",
        "window_by": endings.day_words(meeting.due_at),
        "meeting_url": routing.meeting_link(meeting),
    }


@requires(Capability.VIEW_CHILDREN, record="stability_meeting")
@require_http_methods(["GET", "POST"])
def meeting_waive(request, pk):
    meeting = stability_meeting_for_user(request.user, pk, write=True, request=request)
    waiver = endings.waiver_shown(meeting, request.user)
    context = {"meeting": meeting, "shown": _meeting_words(meeting), "waiver": waiver}
    detail = f"waive meeting {meeting.pk}"
    reason = endings.why_not_waive(request.user, meeting)
    if reason is not None:
        return _refused(
            request, "stability/waive.html", context, "stability_meeting", meeting.pk, reason,
            detail,
        )  # fmt: skip
    form = WaiveForm(_posted(request), initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        try:
            endings.meeting_waive(
                user=request.user, meeting=meeting, reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"], request=request,
            )  # fmt: skip
        except EditConflict:
            form.add_error(None, CONFLICT)
        except ActionNotAllowed as refusal:
            return _refused(
                request, "stability/waive.html", context, "stability_meeting", meeting.pk,
                str(refusal), detail,
            )  # fmt: skip
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The unplanned ending meeting is waived")
            return redirect(routing.meeting_link(meeting))
    audit_shown(request, "child", meeting.child, meeting.authority)
    return render(request, "stability/waive.html", {**context, "form": form})


@requires(Capability.VIEW_CHILDREN, record="moving_on_task")
@require_http_methods(["GET", "POST"])
def moving_on_task_done(request, pk):
    task = moving_on_task_for_user(request.user, pk, write=True, request=request)
    placement = task.placement
    context = {
        "task": task,
        "placement": placement,
        "what": vocabulary.labels(vocabulary.MOVING_ON_TASKS).get(task.kind, task.kind),
        "child": placement.child.full_name,
        "due": endings.day_time_words(task.due_at),
        "ended_on": endings.day_words(placement.ended_on) if placement.ended_on else "",
    }
    detail = f"record moving-on task {task.pk} done"
    reason = endings.why_not_moving_on_done(request.user, task)
    if reason is not None:
        return _refused(
            request, "stability/moving_on_done.html", context, "moving_on_task", task.pk, reason,
            detail,
        )  # fmt: skip
    form = MovingOnDoneForm(_posted(request), initial={"version": task.version})
    if request.method == "POST" and form.is_valid():
        try:
            endings.moving_on_done(
                user=request.user, task=task, note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"], request=request,
            )  # fmt: skip
        except EditConflict:
            form.add_error(None, CONFLICT)
        except ActionNotAllowed as refusal:
            return _refused(
                request, "stability/moving_on_done.html", context, "moving_on_task", task.pk,
                str(refusal), detail,
            )  # fmt: skip
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Recorded as done: {context['what']}")
            return redirect("placement", pk=placement.pk)
    audit_shown(request, "child", placement.child, placement.authority)
    return render(request, "stability/moving_on_done.html", {**context, "form": form})


urlpatterns = [
    path("stability/meetings/<int:pk>/waive/", meeting_waive, name="stability_meeting_waive"),
    path("stability/moving-on/<int:pk>/done/", moving_on_task_done, name="moving_on_task_done"),
]
