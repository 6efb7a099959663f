"""Referrals: making one for a child, its page with the task list and history, each section's form
(saved in the background as the person types), and each step of its approval chain.

Who may see a referral is the access functions' business (404 for anyone else, audited); what they
may do with it is the workflow's (a person who may see it but not do this gets 403, audited too).
"""

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import child_for_user, referral_for_user, referrals_for_user
from hearth.accounts.roles import Capability
from hearth.people.selectors import siblings_of
from hearth.people.services import EditConflict
from hearth.placements import presenters as placement_presenters
from hearth.referrals import presenters, rules, services, workflow
from hearth.referrals.chronology import referral_chronology
from hearth.referrals.forms import ActionForm, NewReferralForm, section_form
from hearth.search import outreach
from hearth.web.decorators import requires
from hearth.web.editing import audit_names_shown, audit_shown
from hearth.web.refusals import AUTOSAVE_HEADER
from hearth.web.refusals import not_allowed as _not_allowed

CONFLICT = (
    "Someone else changed this referral after you opened it. Your changes were not saved: "
    "copy anything you need, reload the page and make them again."
)


def _posted(request):
    """The form's data when it was sent (even with every box left empty), else None."""
    return request.POST if request.method == "POST" else None


def _with_people(referral):
    """The children and comment requests every referral screen (and the workflow's rules) read."""
    prefetch_related_objects(
        [referral], "children", "comment_requests__requested_by", "comment_requests__answered_by"
    )
    return referral


# Making a referral -----------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN)
@require_http_methods(["GET", "POST"])
def referral_add(request):
    child_id = request.GET.get("child")
    if not child_id:
        raise Http404("A referral is made from the child's record")
    child = child_for_user(request.user, child_id, request=request)
    siblings = siblings_of(request.user, child)
    audit_names_shown(request, "child", siblings, f"the new referral for child {child.pk}")
    form = NewReferralForm(_posted(request), child=child, siblings=siblings)
    if request.method == "POST" and form.is_valid():
        try:
            referral = services.referral_create(
                user=request.user, children=form.children(child), request=request
            )
        except services.ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, "Referral started. Answer each section, then send it to the team manager."
            )
            return redirect("referral", pk=referral.pk)
    open_referral = (
        referrals_for_user(request.user)
        .filter(children=child, status__in=workflow.OPEN_STATUSES)
        .first()
    )
    context = {
        "child": child,
        "form": form,
        "open_referral": open_referral,
        "may_refer": presenters.offers_referral(request.user, child),
    }
    return render(request, "referrals/new.html", context)


# The referral's page ---------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_GET
def referral(request, pk):
    referral = _with_people(referral_for_user(request.user, pk, request=request))
    policy = referral.authority.policy
    editable = workflow.may_edit(request.user, referral, policy)
    actions = workflow.actions_for(request.user, referral, policy)
    context = {
        "referral": referral,
        "status": presenters.status_tag(referral.status),
        "children": presenters.children_shown(referral),
        "tasks": presenters.task_list(referral, editable=editable),
        "sections_done": sum(
            1 for section in rules.SECTIONS if section.status(referral) == rules.COMPLETED
        ),
        "sections_total": len(rules.SECTIONS),
        "answers": presenters.section_answers(referral, editable=editable),
        "search": presenters.search_decision(referral),
        "emergency": presenters.emergency_booking(referral, request.user),
        "comment_requests": presenters.comment_requests(referral),
        "waiting_for": presenters.who_acts_next(referral),
        "next_action_holder": referral.next_action_holder,
        "actions": presenters.action_buttons(referral, actions),
        "history": referral_chronology(referral, request.user),
        "summary": presenters.referral_summary(referral),
        "search_panel": presenters.search_panel(referral, request.user),
        "agency_panel": outreach.referral_panel(request.user, referral),
        "placements_panel": placement_presenters.referral_panel(request.user, referral),
    }
    return render(request, "referrals/referral.html", context)


# One section of the form ---------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def referral_section(request, pk, section):
    referral = _with_people(referral_for_user(request.user, pk, request=request, audit_view=False))
    spec = rules.SECTIONS_BY_SLUG.get(section)
    if spec is None:
        raise Http404("No such section")
    if not workflow.may_edit(request.user, referral, referral.authority.policy):
        reason = presenters.why_not_editable(request.user, referral)
        return _not_allowed(request, referral, reason, f"change section {section}")
    autosave = request.headers.get(AUTOSAVE_HEADER) == "1"
    form = section_form(section, _posted(request), referral=referral)
    if request.method == "POST":
        outcome, saved = _save_section(request, form, referral, section)
        if outcome == "not_allowed":
            reason = presenters.why_not_editable(request.user, referral)
            return _not_allowed(request, referral, reason, f"change section {section}")
        if autosave:
            return _autosave_answer(form, outcome, saved)
        if outcome == "saved":
            messages.success(request, f"{spec.title}: your answers were saved.")
            return redirect(_after_save(request, referral, section))
    audit_shown(request, "referral", referral, referral.authority)
    context = {
        "referral": referral,
        "section": spec,
        "form": form,
        "position": rules.SECTIONS.index(spec) + 1,
        "sections_total": len(rules.SECTIONS),
        "summary": presenters.referral_summary(referral),
    }
    return render(request, "referrals/section.html", context)


def _save_section(request, form, referral, section):
    """(what happened: 'saved', 'invalid', 'conflict' or 'not_allowed'; the referral as saved)."""
    if not form.is_valid():
        return "invalid", None
    try:
        saved, _ = services.referral_update(
            user=request.user,
            referral=referral,
            section=section,
            data=form.answers(),
            expected_version=form.cleaned_data["version"],
            request=request,
        )
    except EditConflict:
        form.add_error(None, CONFLICT)
        return "conflict", None
    except services.ActionNotAllowed:
        return "not_allowed", None
    return "saved", saved


def _autosave_answer(form, outcome, saved):
    """What the page's script is told: the new version and when, or why nothing was saved."""
    if outcome == "saved":
        saved_at = timezone.localtime(saved.updated_at)
        return JsonResponse({"version": saved.version, "saved_at": f"{saved_at:%H:%M}"})
    if outcome == "conflict":
        return JsonResponse({"message": CONFLICT}, status=409)
    errors = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    name, messages_at_field = next(iter(form.errors.items()))
    where = f"{form.fields[name].label}: " if name in form.fields else ""
    message = f"Not saved: {where}{messages_at_field[0]}"
    return JsonResponse({"message": message, "errors": errors}, status=400)


def _after_save(request, referral, section):
    """'Save and continue' goes on to the next section; 'come back later' to the referral."""
    position = [s.slug for s in rules.SECTIONS].index(section)
    if request.POST.get("then") == "continue" and position + 1 < len(rules.SECTIONS):
        return reverse("referral_section", args=[referral.pk, rules.SECTIONS[position + 1].slug])
    return reverse("referral", args=[referral.pk])


# A step of the approval chain ------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def referral_action(request, pk, action):
    referral = _with_people(referral_for_user(request.user, pk, request=request, audit_view=False))
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        raise Http404("No such action")
    if not workflow.may_take(request.user, referral, spec, referral.authority.policy):
        return _not_allowed(request, referral, _refusal(spec, referral), f"action {action}")
    form = ActionForm(_posted(request), action=spec, user=request.user, referral=referral)
    if request.method == "POST" and form.is_valid():
        try:
            referral, event = services.referral_act(
                user=request.user,
                referral=referral,
                action=action,
                data=form.cleaned_data,
                request=request,
            )
        except services.ActionNotAllowed as refused:
            return _not_allowed(request, referral, str(refused), f"action {action}")
        except services.ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, presenters.done_message(action, referral, event))
            return redirect("referral", pk=referral.pk)
    audit_shown(request, "referral", referral, referral.authority)
    context = {
        "referral": referral,
        "action": spec,
        "form": form,
        "children": presenters.children_shown(referral),
        "missing": presenters.missing_for(spec, referral),
        "comment_request": workflow.open_request_for(request.user, referral)
        if action == "comment"
        else None,
        "search": presenters.search_decision(referral) if action == "set_search_route" else None,
        "summary": presenters.referral_summary(referral),
    }
    return render(request, "referrals/action.html", context)


def _refusal(spec, referral):
    if referral.status not in spec.sources:
        return (
            f"{spec.label}: not open on a referral that is {referral.get_status_display().lower()}"
        )
    who = workflow.ACTOR_DESCRIPTIONS[spec.actor_for(referral.status)]
    return f"{spec.label}: only {who} can do this now"
