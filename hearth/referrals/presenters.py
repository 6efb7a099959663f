"""A referral as its screens show it: statuses as tags, sections as a task list and summaries, the
search decision with its reason, the emergency booking with its end, and what each action says
when it is done. Templates only draw what these give them."""

from django.db import models
from django.urls import reverse
from django.utils import timezone

from hearth.people import vocabulary
from hearth.referrals import rules, services, workflow
from hearth.referrals.carer_names import carer_name, names_carers
from hearth.referrals.forms import SECTION_FORMS, question
from hearth.referrals.models import CommentRequest, Referral, Status
from hearth.search import permissions as search_permissions
from hearth.search import presenters as search_presenters
from hearth.web.presenters import age, date_time, long_date

STATUS_COLOURS = {
    Status.DRAFT: "grey",
    Status.SUBMITTED: "blue",
    Status.WITH_SERVICE_LEAD: "purple",
    Status.APPROVED: "turquoise",
    Status.RETURNED: "orange",
    Status.SEARCHING: "green",
    Status.MATCHED: "teal",
    Status.WITHDRAWN: "grey",
}
NOT_ANSWERED = "Not answered"
# Actions that move the referral on are the page's main buttons; the rest are secondary.
MAIN_ACTIONS = {"submit", "resubmit", "forward", "approve", "accept", "comment"}
WARNING_ACTIONS = {"withdraw"}


def status_tag(status):
    return {"text": Status(status).label, "colour": STATUS_COLOURS.get(status, "grey")}


def children_shown(referral, today=None):
    """The referral's children: name, age and a link to each one's record."""
    today = today or timezone.localdate()
    return [
        {
            "name": child.full_name,
            "age": age(child.date_of_birth, today),
            "url": reverse("child", args=[child.pk]),
        }
        for child in referral.children.all()
    ]


def task_list(referral, *, editable):
    """Each section with its status; a link to change it only where the person may edit."""
    items = []
    for section in rules.SECTIONS:
        status = section.status(referral)
        items.append(
            {
                "slug": section.slug,
                "title": section.title,
                "status": status,
                "tag_colour": None if status == rules.COMPLETED else "blue",
                "url": reverse("referral_section", args=[referral.pk, section.slug])
                if editable
                else None,
            }
        )
    return items


def answer(referral, name):
    """One answer in words: a choice by its label, a date in full, yes or no, a person's name."""
    field = Referral._meta.get_field(name)
    value = getattr(referral, name)
    if value is None or value == "":
        return NOT_ANSWERED
    if name == "placement_type":
        return vocabulary.PLACEMENT_TYPES.get(value, value)
    if field.choices:
        return getattr(referral, f"get_{name}_display")()
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, models.DateField):
        return long_date(value)
    if isinstance(field, models.ForeignKey):
        return value.display_name
    if name == "distance_limit_miles":
        return f"{value} mile{'s' if value != 1 else ''}"
    return value


def _is_blank(referral, name):
    return getattr(referral, name) in (None, "")


def section_answers(referral, *, editable):
    """Each section's answers as a summary: questions left blank are shown only when the section
    needs them, so an optional question nobody answered does not clutter the page."""
    summaries = []
    for section in rules.SECTIONS:
        form = SECTION_FORMS[section.slug]
        rows = [
            {"question": question(section.slug, name), "answer": answer(referral, name)}
            for name in section.fields
            if form.base_fields[name].required or not _is_blank(referral, name)
        ]
        summaries.append(
            {
                "slug": section.slug,
                "title": section.title,
                "rows": rows,
                "missing": section.missing(referral),
                "url": reverse("referral_section", args=[referral.pk, section.slug])
                if editable
                else None,
            }
        )
    return summaries


def search_decision(referral, today=None):
    """Where the search starts: the decision recorded at approval (or a manager's override), or,
    before approval, what the policy's rule would decide today."""
    if referral.search_route:
        overridden_by = referral.search_route_overridden_by
        return {
            "route": referral.get_search_route_display(),
            "reason": referral.search_route_reason,
            "decided": True,
            "overridden_by": overridden_by.display_name if overridden_by else "",
        }
    decision = rules.search_decision(
        list(referral.children.all()), referral.authority.policy, today or timezone.localdate()
    )
    return {
        "route": dict(Referral.SearchRoute.choices)[decision.route],
        "reason": decision.reason,
        "decided": False,
        "overridden_by": "",
    }


def emergency_booking(referral, user, now=None):
    """The emergency carer booked, and when the emergency placement ends (overdue once passed).
    The carers' name and reference only for someone who may see the council's households."""
    if referral.emergency_household is None:
        return None
    named = names_carers(user, referral)
    ends_at = referral.emergency_ends_at
    return {
        "household": carer_name(referral, named=named),
        "reference": referral.emergency_household.reference if named else "",
        "booked_at": date_time(referral.emergency_booked_at),
        "ends_at": date_time(ends_at),
        "ended_at": date_time(referral.emergency_ended_at) if referral.emergency_ended_at else "",
        "overdue": referral.emergency_ended_at is None
        and ends_at is not None
        and ends_at < (now or timezone.now()),
    }


def comment_requests(referral):
    return [
        {
            "asked_of": request.get_asked_of_display(),
            "question": request.question,
            "requested_by": request.requested_by.display_name,
            "requested_at": date_time(request.requested_at),
            "answered": request.answered_at is not None,
            "answer": request.answer,
            "answered_by": request.answered_by.display_name if request.answered_by else "",
            "answered_at": date_time(request.answered_at) if request.answered_at else "",
        }
        for request in referral.comment_requests.all()
    ]


def _button_style(action):
    if action.name in MAIN_ACTIONS:
        return ""
    return "warning" if action.name in WARNING_ACTIONS else "secondary"


def action_buttons(referral, actions):
    return [
        {
            "label": action.label,
            "url": reverse("referral_action", args=[referral.pk, action.name]),
            "style": _button_style(action),
        }
        for action in actions
    ]


def who_acts_next(referral):
    """Who the referral waits for, in words, while it goes through its approval chain."""
    waiting = {
        Status.DRAFT: "The social worker, to complete and send it",
        Status.SUBMITTED: "The team manager, for comments",
        Status.WITH_SERVICE_LEAD: "The service lead, for approval",
        Status.APPROVED: "The placements team, to screen it",
        Status.RETURNED: "The social worker, to change it and send it back",
    }
    return waiting.get(referral.status, "")


def missing_for(action, referral):
    """What stops the action: sections still to complete before sending or approving."""
    if action.name in ("submit", "resubmit", "approve"):
        return [f"{title}: {', '.join(items)}" for title, items in rules.missing_sections(referral)]
    if action.name == "accept":
        return rules.agreement_missing(referral)
    return []


def done_message(action, referral, event):
    """What the person is told once the action is taken."""
    if action == "resubmit":
        to_screening = event.detail.get("to") == Status.APPROVED
        return f"Sent back to the {'placements team' if to_screening else 'team manager'}"
    if action == "accept":
        return f"Accepted: file {referral.file_reference} is open and the search has started"
    if action == "book_emergency":
        return (
            f"{event.detail.get('household_name', 'The emergency carer')} is booked until "
            f"{date_time(referral.emergency_ends_at)}"
        )
    if action == "request_comments":
        asked = CommentRequest.From(event.detail["asked_of"]).label
        return f"Comments asked of {asked[0].lower()}{asked[1:]}"
    return DONE_MESSAGES.get(action, f"{workflow.ACTIONS[action].label}: done")


DONE_MESSAGES = {
    "submit": "Sent to the team manager",
    "forward": "Sent to the service lead",
    "approve": "Approved: the referral is with the placements team for screening",
    "return": "Returned to the social worker",
    "withdraw": "The referral was withdrawn",
    "comment": "Your comments were sent",
    "set_search_route": "Where the search starts was changed",
    "log_contact": "The contact was recorded",
    "set_next_action": "The next action was set",
}


def referral_summary(referral):
    """The referral's name in headings: its number, the children and their ages."""
    return services.referral_title(referral)


def why_not_editable(user, referral):
    if referral.status not in workflow.EDITABLE_STATUSES:
        return (
            f"This referral is {referral.get_status_display().lower()}: it can be changed only "
            "while it is a draft or has been returned to the social worker"
        )
    return "Only the child's allocated social worker or their team manager can change this referral"


def offers_referral(user, child):
    """Whether the child's page offers this person to make a referral: the service's own rule of
    who may make one (the allocated social worker or their team manager)."""
    probe = Referral(authority=child.authority, social_worker=child.social_worker, team=child.team)
    return workflow.is_editor(user, probe, child.authority.policy)


def child_referrals(referrals):
    """A child's referrals, for the child's page: newest first, each with its status."""
    return [
        {
            "title": f"Referral {referral.pk}",
            "url": reverse("referral", args=[referral.pk]),
            "status": status_tag(referral.status),
            "started": long_date(timezone.localtime(referral.created_at).date()),
            "placement_type": vocabulary.PLACEMENT_TYPES.get(referral.placement_type, ""),
            "open": referral.status in workflow.OPEN_STATUSES,
        }
        for referral in referrals
    ]


# The search for a home ----------------------------------------------------------------------------


SEARCH_STATUSES = (Status.SEARCHING, Status.MATCHED)


def search_panel(referral, user):
    """The search for a home, once the referral is accepted: a link to the in-house search for
    those who run it, each offer with its status and matching form, and the split of brothers and
    sisters with who has agreed it. Carers are named only to those who may see households."""
    if referral.status not in SEARCH_STATUSES:
        return None
    policy = referral.authority.policy
    named = names_carers(user, referral)
    offers = list(
        referral.offers.select_related("household", "matching_form").prefetch_related("children")
    )
    forms = [search_presenters.matching_form_of(offer) for offer in offers]
    waiting = any(form and not form.signed_off_at for form in forms)
    submitted = search_presenters.submitted_offers(referral) if waiting else set()
    split = (
        referral.splits.filter(set_aside_at__isnull=True)
        .select_related("proposed_by", "social_worker_agreed_by", "team_manager_agreed_by")
        .last()
    )
    if split is not None:
        split.referral = referral
    return {
        "in_house": referral.get_in_house_search_display(),
        "agency": referral.get_agency_search_display(),
        "search_url": reverse("in_house_search", args=[referral.pk])
        if search_permissions.may_see_search(user, referral, policy)
        else None,
        "offers": [
            _offer_line(offer, form, user, policy, named=named, submitted=offer.pk in submitted)
            for offer, form in zip(offers, forms, strict=True)
        ],
        "split": search_presenters.split_shown(
            split, list(referral.children.all()), user=user, policy=policy
        )
        if split is not None
        else None,
        "split_url": reverse("split_propose", args=[referral.pk])
        if len(referral.children.all()) > 1
        and search_permissions.may_propose_split(user, referral, policy)
        else None,
    }


def _offer_line(offer, form, user, policy, *, named, submitted):
    form_url = None
    if search_permissions.may_prepare_matching_form(user, offer, policy):
        form_url = reverse("matching_form", args=[offer.referral_id, offer.pk])
    elif form is not None and submitted and search_permissions.may_sign_off(user, offer, policy):
        form_url = reverse("matching_sign_off", args=[offer.referral_id, offer.pk])
    return {
        "title": search_presenters.offer_title(offer, named=named),
        "children": ", ".join(child.full_name for child in offer.children.all()),
        "tag": search_presenters.offer_tag(offer),
        "url": reverse("offer", args=[offer.referral_id, offer.pk]),
        "form": search_presenters.matching_form_state(offer, form, submitted),
        "form_url": form_url,
    }
