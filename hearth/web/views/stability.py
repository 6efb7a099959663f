"""Stability meetings and unplanned ending meetings on screen (003 sections 5 and 6): asking for a
stability meeting on a placement, the meeting's page with the chair's preparation list, arranging
it, recording it, circulating its minutes and the minutes as a PDF.

Who may see a meeting is the access functions' business (404 for anyone else, audited); who may
take each step is `hearth.stability.permissions` (a person who may see the meeting but not take the
step gets 403, audited too). Each step is one service of `hearth.stability.services`.
"""

from functools import partial

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import placement_for_user, stability_meeting_for_user
from hearth.accounts.roles import Capability
from hearth.core.deadlines import policy_due_at
from hearth.stability import (
    documents,
    endings,
    follow_up,
    permissions,
    presenters,
    routing,
    selectors,
    services,
)
from hearth.stability.forms import (
    ArrangeForm,
    CirculateForm,
    InviteeFormSet,
    RecordForm,
    RequestForm,
    invitees_from,
    put_invitee_errors,
)
from hearth.web.decorators import requires
from hearth.web.downloads import download
from hearth.web.editing import audit_shown
from hearth.web.views._stability_common import deny, posted, take_step

CONFLICT = (
    "Someone else changed the meeting after you opened this page. Nothing was saved: reload the "
    "page and make your changes again."
)


def _refused(request, reason, detail, *, meeting=None, placement=None):
    """403 for a step the person may not take, the attempt audited."""
    record_type, record = ("stability_meeting", meeting) if meeting else ("placement", placement)
    deny(request, record_type, record.pk, detail)
    context = {"meeting": meeting, "placement": placement or meeting.placement, "reason": reason}
    return render(request, "stability/not_allowed.html", context, status=403)


def _meeting(request, pk, *, write=False):
    return stability_meeting_for_user(request.user, pk, write=write, request=request)


def _shown_child(request, meeting_or_placement):
    audit_shown(request, "child", meeting_or_placement.child, meeting_or_placement.authority)


def _head(meeting):
    return {
        "reference": meeting.reference,
        "kind": meeting.get_kind_display(),
        "child": meeting.child.full_name,
        "child_reference": meeting.child.reference,
    }


# Asking for a stability meeting -------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="placement")
@require_http_methods(["GET", "POST"])
def stability_request(request, pk):
    placement = placement_for_user(request.user, pk, write=True, request=request)
    detail = f"ask for a stability meeting on placement {placement.pk}"
    refused = partial(_refused, request, detail=detail, placement=placement)
    reason = permissions.why_not_request(request.user, placement)
    if reason is not None:
        return refused(reason)
    form = RequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        waiting = selectors.waiting_stability_meeting(placement)

        def done(meeting):
            due = presenters.when(meeting.due_at)
            if waiting is not None and waiting.pk == meeting.pk:
                return (
                    f"The concern is added to the stability meeting already asked for, "
                    f"{meeting.reference}: it is to be held by {due}"
                )
            return f"The stability meeting is to be held by {due}"

        response = take_step(
            request, form, services.meeting_request, placement=placement,
            raised_by=data["raised_by"], raised_by_name=data["raised_by_name"],
            concern=data["concern"], refused=refused, message=done, to=routing.meeting_link,
        )  # fmt: skip
        if response is not None:
            return response
    _shown_child(request, placement)
    context = {
        "placement": placement,
        "child": placement.child,
        "form": form,
        "due": presenters.when(
            policy_due_at(placement.authority.policy, "stability_meeting", timezone.now())
        ),
        "waiting": selectors.waiting_stability_meeting(placement),
    }
    return render(request, "stability/request.html", context)


# The meeting's page ----------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="stability_meeting")
@require_GET
def stability_meeting(request, pk):
    meeting = _meeting(request, pk)
    user, now = request.user, timezone.now()
    _shown_child(request, meeting)
    context = {
        "meeting": meeting,
        "shown": presenters.meeting_shown(meeting, user, now),
        "preparation": presenters.preparation_list(meeting, user),
        "may_arrange": permissions.may_arrange(user, meeting),
        "may_record": permissions.may_record(user, meeting),
        "may_circulate": permissions.may_circulate(user, meeting),
        "actions": follow_up.actions_shown(meeting, user, now),
        "may_add_action": follow_up.may_add_action(user, meeting),
        "waiver": endings.waiver_shown(meeting, user),
        "panel_administrator": meeting.authority.policy.contact("review_panel_administrator"),
    }
    return render(request, "stability/meeting.html", context)


# Arranging -----------------------------------------------------------------------------------------------


def _invitee_initial(meeting):
    participants = selectors.participants_of(meeting)
    if not participants:
        return services.default_invitees(meeting)
    return [
        {"participant": p.pk, "user": p.user_id, "part": p.part, "name": p.name, "email": p.email}
        for p in participants
    ]


def _arrange_initial(meeting):
    local = timezone.localtime(meeting.scheduled_for) if meeting.scheduled_for else None
    return {
        "version": meeting.version,
        "chair": str(meeting.chair_id or ""),
        "scheduled_on": local.date() if local else None,
        "scheduled_time": f"{local:%H:%M}" if local else "",
        "venue": meeting.venue,
    }


@requires(Capability.VIEW_CHILDREN, record="stability_meeting")
@require_http_methods(["GET", "POST"])
def stability_meeting_arrange(request, pk):
    meeting = _meeting(request, pk, write=True)
    detail = f"arrange {meeting.reference}"
    refused = partial(_refused, request, detail=detail, meeting=meeting)
    reason = permissions.why_not_arrange(request.user, meeting)
    if reason is not None:
        return refused(reason)
    policy = meeting.authority.policy
    chairs = list(
        selectors.staff_of(meeting.authority_id, permissions.chair_roles(meeting.kind, policy))
    )
    form = ArrangeForm(
        posted(request), chairs=chairs, chair_hint=permissions.chair_words(meeting.kind, policy),
        initial=_arrange_initial(meeting),
    )  # fmt: skip
    formset = InviteeFormSet(posted(request), initial=_invitee_initial(meeting), prefix="invitee")
    if request.method == "POST" and form.is_valid() & formset.is_valid():
        rows, forms_of = invitees_from(formset)
        response = take_step(
            request, form, services.meeting_arrange, meeting=meeting, chair=form.chair_chosen(),
            scheduled_for=form.scheduled_for(), venue=form.cleaned_data["venue"],
            invitees=rows, expected_version=form.cleaned_data["version"], refused=refused,
            message=f"{meeting.reference} is arranged", to=routing.meeting_link(meeting),
            conflict=CONFLICT, put_errors=partial(put_invitee_errors, forms_of=forms_of, form=form),
        )  # fmt: skip
        if response is not None:
            return response
    _shown_child(request, meeting)
    context = {
        "meeting": meeting,
        "head": _head(meeting),
        "form": form,
        "formset": formset,
        "errors": form.errors or any(f.errors for f in formset.forms),
        "due": presenters.due_words(meeting),
    }
    return render(request, "stability/arrange.html", context)


# Recording --------------------------------------------------------------------------------------------


def _record_initial(meeting, participants):
    local = timezone.localtime(meeting.held_at) if meeting.held_at else None
    initial = {
        "version": meeting.version,
        "held_on": local.date() if local else None,
        "held_time": f"{local:%H:%M}" if local else "",
        "family_in_contact": meeting.family_in_contact,
        "family_views": meeting.family_views,
        "themes": meeting.themes,
        "next_meeting_on": meeting.next_meeting_on,
    }
    for participant in participants:
        initial[f"attendance_{participant.pk}"] = (
            "attended" if participant.attended else "views_given" if participant.views_given
            else "neither" if participant.attended is False else ""
        )  # fmt: skip
    for key, value in meeting.sections.items():
        initial[f"section_{key}"] = value
    return initial


@requires(Capability.VIEW_CHILDREN, record="stability_meeting")
@require_http_methods(["GET", "POST"])
def stability_meeting_record(request, pk):
    meeting = _meeting(request, pk, write=True)
    detail = f"record {meeting.reference}"
    refused = partial(_refused, request, detail=detail, meeting=meeting)
    reason = permissions.why_not_record(request.user, meeting)
    if reason is not None:
        return refused(reason)
    participants = selectors.participants_of(meeting)
    form = RecordForm(
        posted(request), meeting=meeting, participants=participants,
        initial=_record_initial(meeting, participants),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        mark_held = "mark_held" in request.POST

        def done(saved):
            if mark_held and saved.status == saved.Status.HELD:
                return (
                    f"{saved.reference} is held: the chair circulates the minutes by "
                    f"{presenters.when(saved.minutes_due_at)}"
                )
            return "The meeting's record is saved"

        response = take_step(
            request, form, services.meeting_record, meeting=meeting, mark_held=mark_held,
            expected_version=form.cleaned_data["version"], **form.arguments(), refused=refused,
            message=done, to=routing.meeting_link(meeting), conflict=CONFLICT,
        )  # fmt: skip
        if response is not None:
            return response
    _shown_child(request, meeting)
    context = {
        "meeting": meeting,
        "head": _head(meeting),
        "form": form,
        "requested": meeting.status == meeting.Status.REQUESTED,
        "has_chair": meeting.chair_id is not None,
        "no_participants": not participants,
    }
    return render(request, "stability/record.html", context)


# Circulating the minutes -------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="stability_meeting")
@require_http_methods(["GET", "POST"])
def stability_meeting_circulate(request, pk):
    meeting = _meeting(request, pk, write=True)
    detail = f"circulate the minutes of {meeting.reference}"
    refused = partial(_refused, request, detail=detail, meeting=meeting)
    reason = permissions.why_not_circulate(request.user, meeting)
    if reason is not None:
        return refused(reason)
    form = CirculateForm(posted(request), initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        response = take_step(
            request, form, services.minutes_circulate, meeting=meeting,
            expected_version=form.cleaned_data["version"], refused=refused,
            message="The minutes are circulated and filed on the records",
            to=routing.meeting_link(meeting), conflict=CONFLICT,
        )  # fmt: skip
        if response is not None:
            return response
    _shown_child(request, meeting)
    context = {
        "meeting": meeting,
        "head": _head(meeting),
        "form": form,
        "missing": services.missing_sections(meeting),
        "recipients": presenters.recipients_shown(services.minutes_recipients(meeting)),
        "not_sent": [
            {"name": name, "why": why} for name, why in services.minutes_not_sent(meeting)
        ],
        "panel_administrator": meeting.authority.policy.contact("review_panel_administrator"),
        "minutes_due": presenters.when(meeting.minutes_due_at),
    }
    return render(request, "stability/circulate.html", context)


# The minutes as a PDF ----------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="stability_meeting")
@require_GET
def stability_meeting_minutes(request, pk):
    meeting = _meeting(request, pk)
    if not permissions.has_minutes(meeting):
        raise Http404("The meeting has not been held: it has no minutes yet")
    _shown_child(request, meeting)
    return download(
        documents.minutes_pdf(meeting), "application/pdf", f"{meeting.reference}-minutes.pdf"
    )


urlpatterns = [
    path("placements/<int:pk>/stability/request/", stability_request, name="stability_request"),
    path("stability/meetings/<int:pk>/", stability_meeting, name="stability_meeting"),
    path(
        "stability/meetings/<int:pk>/arrange/",
        stability_meeting_arrange,
        name="stability_meeting_arrange",
    ),
    path(
        "stability/meetings/<int:pk>/record/",
        stability_meeting_record,
        name="stability_meeting_record",
    ),
    path(
        "stability/meetings/<int:pk>/circulate/",
        stability_meeting_circulate,
        name="stability_meeting_circulate",
    ),
    path(
        "stability/meetings/<int:pk>/minutes.pdf",
        stability_meeting_minutes,
        name="stability_meeting_minutes",
    ),
]
