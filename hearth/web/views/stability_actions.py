"""The follow-ups of a meeting (003 appendix 1): adding an action agreed at it, marking an action
done, and the IRO's check that the actions were followed up.

Who may see a meeting or an action is the access functions' business (404 for anyone else,
audited); who may take the step is `hearth.stability.follow_up` (a person who may see the record
but not take the step gets 403 with the reason, the attempt audited). Each step is one service of
`hearth.stability.follow_up`.
"""

from functools import partial

from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hearth.accounts.access import stability_action_for_user, stability_meeting_for_user
from hearth.accounts.roles import Capability
from hearth.stability import follow_up, routing
from hearth.stability.forms import ActionAddForm, ActionDoneForm, IroCheckForm
from hearth.web.decorators import requires
from hearth.web.editing import audit_shown
from hearth.web.presenters import long_date
from hearth.web.views._stability_common import deny, posted, take_step


def _refused(request, meeting, record_type, record_id, detail, reason):
    """403 with the reason, the attempt audited."""
    deny(request, record_type, record_id, detail)
    context = {"meeting": _meeting_words(meeting), "reason": reason}
    return render(request, "stability/action_not_allowed.html", context, status=403)


def _meeting_words(meeting):
    child = meeting.child
    return {
        "pk": meeting.pk,
        "kind": meeting.get_kind_display(),
        "reference": meeting.reference,
        "child": child.full_name,
        "child_reference": child.reference,
        "held_on": long_date(timezone.localtime(meeting.held_at).date()) if meeting.held_at else "",
        "url": routing.meeting_link(meeting),
    }


# Adding an action ---------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="stability_meeting")
@require_http_methods(["GET", "POST"])
def action_add(request, pk):
    meeting = stability_meeting_for_user(request.user, pk, write=True, request=request)
    detail = f"add an action to meeting {meeting.pk}"
    refused = partial(_refused, request, meeting, "stability_meeting", meeting.pk, detail)
    reason = follow_up.why_not_add_action(request.user, meeting)
    if reason is not None:
        return refused(reason)
    form = ActionAddForm(posted(request), owners=follow_up.owners_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, follow_up.action_add, meeting=meeting,
            description=data["description"], owner=form.chosen_owner(), due_on=data["due_on"],
            refused=refused, message="The action is added and is in its owner's work tray",
            to=routing.meeting_link(meeting),
        )  # fmt: skip
        if response is not None:
            return response
    audit_shown(request, "child", meeting.child, meeting.authority)
    context = {"meeting": _meeting_words(meeting), "form": form}
    return render(request, "stability/action_add.html", context)


# Marking an action done ----------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="stability_action")
@require_http_methods(["GET", "POST"])
def action_done(request, pk):
    action = stability_action_for_user(request.user, pk, write=True, request=request)
    meeting = action.meeting
    detail = f"mark action {action.pk} done"
    refused = partial(_refused, request, meeting, "stability_action", action.pk, detail)
    reason = follow_up.why_not_done(request.user, action)
    if reason is not None:
        return refused(reason)
    form = ActionDoneForm(posted(request), initial={"version": action.version})
    if request.method == "POST" and form.is_valid():
        response = take_step(
            request, form, follow_up.action_done, action=action, note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"], refused=refused,
            message="The action is marked done", to=routing.meeting_link(meeting),
        )  # fmt: skip
        if response is not None:
            return response
    audit_shown(request, "child", meeting.child, meeting.authority)
    shown = follow_up.action_shown(action, request.user, timezone.now())
    context = {"meeting": _meeting_words(meeting), "action": shown, "form": form}
    return render(request, "stability/action_done.html", context)


# The IRO's check ------------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="stability_meeting")
@require_http_methods(["GET", "POST"])
def iro_check(request, pk):
    meeting = stability_meeting_for_user(request.user, pk, write=True, request=request)
    detail = f"record the IRO's check of meeting {meeting.pk}"
    refused = partial(_refused, request, meeting, "stability_meeting", meeting.pk, detail)
    reason = follow_up.why_not_iro_check(request.user, meeting)
    if reason is not None:
        return refused(reason)
    form = IroCheckForm(posted(request), initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        response = take_step(
            request, form, follow_up.iro_check, meeting=meeting, note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"], refused=refused,
            message="Your check of the actions is recorded", to=routing.meeting_link(meeting),
        )  # fmt: skip
        if response is not None:
            return response
    audit_shown(request, "child", meeting.child, meeting.authority)
    context = {
        "meeting": _meeting_words(meeting),
        "due": follow_up.when(meeting.iro_check_due_at),
        "actions": follow_up.actions_shown(meeting, request.user, timezone.now()),
        "form": form,
    }
    return render(request, "stability/iro_check.html", context)


urlpatterns = [
    path("stability/meetings/<int:pk>/actions/new/", action_add, name="stability_action_add"),
    path("stability/actions/<int:pk>/done/", action_done, name="stability_action_done"),
    path("stability/meetings/<int:pk>/iro-check/", iro_check, name="stability_iro_check"),
]
