"""When a placement ends (003 sections 5 and 6): waiving an unplanned ending meeting, and recording
the moving-on tasks done.

Who may see a meeting or a task is the access functions' business (404 for anyone else, audited);
who may take the step is `hearth.stability.endings` (a person who may see the record but not take
the step gets 403 with the reason, the attempt audited). Each step is one service of
`hearth.stability.endings`.
"""

from functools import partial

from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods

from hearth.accounts.access import moving_on_task_for_user, stability_meeting_for_user
from hearth.accounts.roles import Capability
from hearth.stability import endings, routing, vocabulary
from hearth.stability.forms import MovingOnDoneForm, WaiveForm
from hearth.web.decorators import requires
from hearth.web.editing import audit_shown
from hearth.web.views._stability_common import deny, posted, take_step


def _refused(request, template, context, record_type, record_id, detail, reason):
    """403 with the reason, the attempt audited."""
    deny(request, record_type, record_id, detail)
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
    refused = partial(
        _refused, request, "stability/waive.html", context, "stability_meeting", meeting.pk, detail
    )
    reason = endings.why_not_waive(request.user, meeting)
    if reason is not None:
        return refused(reason)
    form = WaiveForm(posted(request), initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        response = take_step(
            request, form, endings.meeting_waive, meeting=meeting,
            reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
            refused=refused, message="The unplanned ending meeting is waived",
            to=routing.meeting_link(meeting),
        )  # fmt: skip
        if response is not None:
            return response
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
    refused = partial(
        _refused, request, "stability/moving_on_done.html", context, "moving_on_task", task.pk,
        detail,
    )  # fmt: skip
    reason = endings.why_not_moving_on_done(request.user, task)
    if reason is not None:
        return refused(reason)
    form = MovingOnDoneForm(posted(request), initial={"version": task.version})
    if request.method == "POST" and form.is_valid():
        response = take_step(
            request, form, endings.moving_on_done, task=task, note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"], refused=refused,
            message=f"Recorded as done: {context['what']}",
            to=reverse("placement", args=[placement.pk]),
        )  # fmt: skip
        if response is not None:
            return response
    audit_shown(request, "child", placement.child, placement.authority)
    return render(request, "stability/moving_on_done.html", {**context, "form": form})


urlpatterns = [
    path("stability/meetings/<int:pk>/waive/", meeting_waive, name="stability_meeting_waive"),
    path("stability/moving-on/<int:pk>/done/", moving_on_task_done, name="moving_on_task_done"),
]
