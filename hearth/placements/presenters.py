"""The placements as their screens show them: the cost approval, the IPA, the placement's 903
episode with its codes in words, its tasks and costing; the panels the offer and referral pages
include (`offer_panel`, `referral_panel`) and the child's placements on the child's record.
Templates only draw what these give them.

Carers are named only to people who may see the council's households (as in the search); the
children to people who may see the council's children, who alone reach these pages.
"""

from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import organisation_ids_granting
from hearth.accounts.roles import Capability
from hearth.people.vocabulary import PLACEMENT_TYPES
from hearth.placements import codes, permissions, selectors
from hearth.placements.models import CostApproval
from hearth.search.models import Offer
from hearth.trays.models import WorkItem
from hearth.web.presenters import date_time, long_date, money

APPROVAL_COLOURS = {
    CostApproval.Status.PENDING: "blue",
    CostApproval.Status.APPROVED: "green",
    CostApproval.Status.REFUSED: "red",
    CostApproval.Status.SUPERSEDED: "grey",
}
UNNAMED = "Foster carers"


def names_households(user, authority_id):
    return authority_id in organisation_ids_granting(user, Capability.VIEW_HOUSEHOLDS)


def _by(person, at):
    return f"{person.display_name}, {date_time(at)}" if person else ""


def care_type_words(care_type):
    return PLACEMENT_TYPES.get(care_type, care_type)


# Cost approval ------------------------------------------------------------------------------------


def approval_shown(approval, user=None):
    if approval is None:
        return None
    authority_id = approval.offer.referral.authority_id
    shown = {
        "pk": approval.pk,
        "url": reverse("cost_approval", args=[approval.pk]),
        "tag": {
            "text": "Set aside: the referral was withdrawn"
            if approval.status == CostApproval.Status.SUPERSEDED and approval.reason
            else approval.get_status_display(),
            "colour": APPROVAL_COLOURS.get(approval.status, "grey"),
        },
        "weekly_cost": money(approval.weekly_cost),
        "tier": permissions.role_label(approval.required_role),
        "who_decides": permissions.tier_words(approval.required_role),
        "requested": _by(approval.requested_by, approval.requested_at),
        "decided": _by(approval.decided_by, approval.decided_at),
        "decided_as": permissions.role_label(approval.decided_as) if approval.decided_as else "",
        "conditions": approval.conditions,
        "reason": approval.reason,
        "retrospective": approval.retrospective,
        "pending": approval.status == CostApproval.Status.PENDING,
    }
    if user is not None:
        shown["why_not"] = permissions.why_not_decide_cost(user, approval, authority_id)
        shown["may_decide"] = shown["why_not"] is None
    return shown


# The panels the offer and referral pages include ----------------------------------------------------


def placement_row(placement, *, named):
    return {
        "url": reverse("placement", args=[placement.pk]),
        "child": placement.child.full_name,
        "home": placement.household.name if named else UNNAMED,
        "started": long_date(placement.started_on),
        "place": placement.place,
        "place_words": codes.label("place", placement.place),
        "ended": long_date(placement.ended_on) if placement.ended_on else "",
        "open": placement.is_open,
        "emergency": placement.emergency,
    }


def offer_panel(user, offer):
    """What follows a signed-off match, for the offer's page: the cost approval (agency), the IPA,
    the link to start the placement and the placements made. None before the match."""
    if offer.status not in (Offer.Status.MATCHED, Offer.Status.PLACED):
        return None
    referral = offer.referral
    policy = referral.authority.policy
    agency = offer.source == Offer.Source.AGENCY
    approval = selectors.current_approval(offer) if agency else None
    agreement = selectors.agreement_of(offer) if agency else None
    missing = selectors.approval_problems(offer, approval=approval, agreement=agreement)
    named = names_households(user, referral.authority_id)
    args = [referral.pk, offer.pk]
    may_issue = (
        agency
        and permissions.may_issue_agreement(user, offer, policy)
        and not selectors.cost_problems(offer, approval)
        and not selectors.agreement_current(agreement, offer)
    )
    may_start = permissions.may_start(user, offer, policy) and (not missing or referral.urgent)
    return {
        "agency": agency,
        "approval": approval_shown(approval, user),
        "agreement": {
            "reference": agreement.reference,
            "issued": _by(agreement.issued_by, agreement.issued_at),
            "current": selectors.agreement_current(agreement, offer),
            "pdf_url": reverse("agreement_pdf", args=args),
        }
        if agreement
        else None,
        "may_issue": may_issue,
        "issue_url": reverse("agreement_issue", args=args),
        "missing": missing,
        "may_start": may_start,
        "start_url": reverse("placement_start", args=args),
        "placements": [placement_row(p, named=named) for p in selectors.placements_of_offer(offer)],
    }


def _emergency_recorded(referral, placements):
    """As `services.emergency_recorded`, from the referral's placements already read."""
    booked = referral.emergency_household_id
    return any(p.offer_id is None and p.household_id == booked for p in placements)


def emergency_start_url(user, referral, placements=None):
    """The link to record the referral's emergency booking as a placement, for those who may,
    while the booking stands and is not recorded yet ("": none). `placements` are the
    referral's, when read already."""
    if referral.emergency_household_id is None or referral.emergency_ended_at is not None:
        return ""  # no booking: nothing to ask the database
    if not permissions.may_start_emergency(user, referral, referral.authority.policy):
        return ""
    if placements is None:
        placements = selectors.placements_of_referral(referral)
    if _emergency_recorded(referral, placements):
        return ""
    return reverse("emergency_placement_start", args=[referral.pk])


def referral_panel(user, referral):
    """The placements made from the referral, and the link to record its emergency booking as a
    placement, for the referral's page (None: neither)."""
    placements = selectors.placements_of_referral(referral)
    start_url = emergency_start_url(user, referral, placements)
    if not placements and not start_url:
        return None
    named = names_households(user, referral.authority_id)
    return {
        "placements": [placement_row(p, named=named) for p in placements],
        "emergency_start_url": start_url,
    }


def child_placements(user, child):
    """The child's placements, newest first, for the child's record."""
    named = names_households(user, child.authority_id)
    return [placement_row(p, named=named) for p in selectors.placements_of_child(child)]


# The placement's own page -----------------------------------------------------------------------------


def episode_codes(placement):
    """Each 903 field of the episode with its code and, where it has one, its meaning."""
    return [
        {"name": name, "code": getattr(placement, field) or "Not recorded",
         "words": (codes.LISTS.get(field) or {}).get(getattr(placement, field), "")}
        for field, name, _listed in codes.FIELDS
    ]  # fmt: skip


def tasks_shown(placement, now=None):
    now = now or timezone.now()
    items = WorkItem.objects.filter(
        key=f"placement:{placement.pk}", organisation_id=placement.authority_id
    ).select_related("assigned_user")
    return [
        {
            "what": item.get_kind_display(),
            "who": item.assigned_user.display_name
            if item.assigned_user
            else permissions.role_label(item.assigned_role),
            "due": date_time(item.due_at) if item.due_at else "No date set",
            "done": item.closed_at is not None,
            "overdue": item.closed_at is None and item.due_at is not None and item.due_at < now,
        }
        for item in items.order_by("due_at", "pk")
    ]


def costing_shown(placement):
    costing = getattr(placement, "costing", None)
    if costing is None:
        return None
    return {
        "weekly_cost": money(costing.weekly_cost),
        "starts_on": long_date(costing.starts_on),
        "approval_role": permissions.role_label(costing.approval_role),
        "finance_reference": costing.finance_reference,
        "confirmed": _by(costing.confirmed_by, costing.confirmed_at),
    }


def ending_shown(placement):
    if placement.is_open:
        return None
    return {
        "ended_on": long_date(placement.ended_on),
        "ending": placement.get_ending_display(),
        "reason_ceased": f"{placement.reason_ceased}: {codes.REC.get(placement.reason_ceased, '')}",
        "reason_place_change": (
            f"{placement.reason_place_change}: "
            f"{codes.REASON_PLACE_CHANGE.get(placement.reason_place_change, '')}"
        )
        if placement.reason_place_change
        else "",
        "note": placement.ending_note,
        "by": _by(placement.ended_by, placement.ended_at),
        "needs_ending_meeting": placement.needs_ending_meeting,
    }


def placement_shown(user, placement):
    named = names_households(user, placement.authority_id)
    approval = selectors.approval_for_placement(placement)
    return {
        "child": placement.child.full_name,
        "child_url": reverse("child", args=[placement.child_id]),
        "home": placement.household.name if named else UNNAMED,
        "home_url": reverse("household", args=[placement.household_id]) if named else "",
        "provider": placement.provider.name,
        "care_type": care_type_words(placement.care_type),
        "started": long_date(placement.started_on),
        "started_by": _by(placement.started_by, placement.created_at),
        "weekly_cost": money(placement.weekly_cost) if placement.weekly_cost is not None else "",
        "emergency": placement.emergency,
        "retrospective_due": date_time(placement.retrospective_approval_due_at)
        if placement.retrospective_approval_due_at
        else "",
        "approval": approval_shown(approval, user) if approval else None,
        "codes": episode_codes(placement),
        "referral_url": reverse("referral", args=[placement.referral_id])
        if placement.referral_id
        else "",
        "ending": ending_shown(placement),
        "costing": costing_shown(placement),
    }


# The spend report -----------------------------------------------------------------------------------


def spend_lines(lines):
    return [
        {"label": line.label, "placements": line.placements, "weekly": money(line.weekly)}
        for line in lines
    ]
