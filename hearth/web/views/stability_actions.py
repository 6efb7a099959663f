"""The follow-ups of a meeting (003 appendix 1): adding an action agreed at it, marking an action
done, and the IRO's check that the actions were followed up.

Who may see a meeting or an action is the access functions' business (404 for anyone else,
audited); who may take the step is `hearth.stability.follow_up` (a person who may see the record
but not take the step gets 403 with the reason, the attempt audited). Each step is one service of
`hearth.stability.follow_up`.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from hearth.accounts.access import stability_action_for_user, stability_meeting_for_user
from hearth.accounts.roles import Capability
from hearth.people.services import EditConflict
from hearth.placements.forms import PlacementForm
from hearth.referrals.services import TEXT_LIMIT, ActionNotAllowed, ReferralError
from hearth.stability import follow_up, routing
from hearth.web.decorators import requires
from hearth.web.editing import audit_shown
from hearth.web.forms import GovukDateField
from hearth.web.presenters import long_date

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


def _text(label, hint, *, required=False):
    return forms.CharField(
        label=label, help_text=hint, max_length=TEXT_LIMIT, widget=forms.Textarea,
        required=required,
    )  # fmt: skip


class ActionAddForm(PlacementForm):
    """What is to be done, by whom and by when. Each answer is checked by the service, which
    puts its message at the field."""

    description = _text("What is to be done?", "One action: what, and for whom if it helps.")
    owner = forms.ChoiceField(label="Who will do it?", required=False)
    due_on = GovukDateField(
        label="Date it is due", help_text="Today or later. For example, 27 3 2027", required=False
    )

    def __init__(self, data=None, *, owners, **kwargs):
        super().__init__(data, **kwargs)
        self.owners = {str(person.pk): person for person in owners}
        self.fields["owner"].choices = [
            ("", "Choose someone"),
            *[(pk, person.display_name) for pk, person in self.owners.items()],
        ]

    def chosen_owner(self):
        return self.owners.get(self.cleaned_data.get("owner") or "")


class ActionDoneForm(PlacementForm):
    note = _text("What was done (optional)", "For example, the date the referral was sent.")
    version = _version()


class IroCheckForm(PlacementForm):
    note = _text(
        "How were the actions followed up?",
        "What was done, what is still to do and anything you have escalated.",
    )
    version = _version()


def _posted(request):
    return request.POST if request.method == "POST" else None


def _refused(request, meeting, record_type, record_id, reason, detail):
    """403 with the reason, the attempt audited."""
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {"record_type": record_type, "record_id": str(record_id), "user": request.user,
         "detail": detail},
    ]  # fmt: skip
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
    reason = follow_up.why_not_add_action(request.user, meeting)
    if reason is not None:
        return _refused(request, meeting, "stability_meeting", meeting.pk, reason, detail)
    form = ActionAddForm(_posted(request), owners=follow_up.owners_for(meeting))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up.action_add(
                user=request.user, meeting=meeting, description=data["description"],
                owner=form.chosen_owner(), due_on=data["due_on"], request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return _refused(request, meeting, "stability_meeting", meeting.pk, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The action is added and is in its owner's work tray")
            return redirect(routing.meeting_link(meeting))
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
    reason = follow_up.why_not_done(request.user, action)
    if reason is not None:
        return _refused(request, meeting, "stability_action", action.pk, reason, detail)
    form = ActionDoneForm(_posted(request), initial={"version": action.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up.action_done(
                user=request.user, action=action, note=data["note"],
                expected_version=data["version"], request=request,
            )  # fmt: skip
        except EditConflict:
            form.add_error(None, CONFLICT)
        except ActionNotAllowed as refusal:
            return _refused(request, meeting, "stability_action", action.pk, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The action is marked done")
            return redirect(routing.meeting_link(meeting))
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
    reason = follow_up.why_not_iro_check(request.user, meeting)
    if reason is not None:
        return _refused(request, meeting, "stability_meeting", meeting.pk, reason, detail)
    form = IroCheckForm(_posted(request), initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up.iro_check(
                user=request.user, meeting=meeting, note=data["note"],
                expected_version=data["version"], request=request,
            )  # fmt: skip
        except EditConflict:
            form.add_error(None, CONFLICT)
        except ActionNotAllowed as refusal:
            return _refused(request, meeting, "stability_meeting", meeting.pk, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Your check of the actions is recorded")
            return redirect(routing.meeting_link(meeting))
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
