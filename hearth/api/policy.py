"""The caller's council's policy: timescales, thresholds, approvers, and the answers they give."""

from datetime import UTC

from ninja import Query, Router

from hearth.accounts.access import policy_for_user
from hearth.accounts.roles import Role
from hearth.api.schemas import (
    ApproverForCostOut,
    ApproverQuery,
    DueOut,
    DueQuery,
    ErrorOut,
    PolicyOut,
)
from hearth.core import rules
from hearth.core.deadlines import LONDON, policy_due_at

router = Router(tags=["policy"])


def role_label(role):
    return Role(role).label if role in Role.values else role


def due_rule(timescale, amount, unit):
    """How a rule's due date-time is worked out, in words (CONTRACT.md section 6)."""
    span = timescale.describe(amount, unit)
    if timescale.counted_back:
        when = "at that exact time" if unit == rules.Unit.HOURS else "at 00:00:00 on its first day"
        sentence = f"{span} the start: begins {when}"
    else:
        when = "at that exact time" if unit == rules.Unit.HOURS else "at 23:59:59 on the last day"
        sentence = f"{span} after the start: due {when}"
    if unit == rules.Unit.WORKING_DAYS:
        sentence += "; working days skip weekends and England bank holidays"
    return sentence + " (Europe/London)"


def _timescales(policy):
    answer = {}
    for timescale in rules.TIMESCALES:
        amount, unit = policy.timescale(timescale.name)
        answer[timescale.name] = {
            "amount": amount,
            "unit": unit,
            "label": timescale.label,
            "counted_back": timescale.counted_back,
            "due_rule": due_rule(timescale, amount, unit),
        }
    return answer


def _approvers(policy):
    answer = {}
    for approver in rules.APPROVERS:
        role = policy.approver(approver.name)
        answer[approver.name] = {
            "role": role,
            "role_label": role_label(role),
            "label": approver.label,
        }
    return answer


def _cost_tiers(policy):
    return [
        {"below": tier["below"], "role": tier["role"], "role_label": role_label(tier["role"])}
        for tier in policy.cost_tiers
    ]


@router.get("", response={200: PolicyOut, 401: ErrorOut, 404: ErrorOut})
def policy_detail(request):
    policy = policy_for_user(request.user)
    return {
        "authority": policy.authority.name,
        "ons_code": policy.authority.ons_code,
        "version": policy.version,
        "timescales": _timescales(policy),
        "thresholds": {
            t.name: {"value": policy.threshold(t.name), "label": t.label} for t in rules.THRESHOLDS
        },
        "approvers": _approvers(policy),
        "cost_tiers": _cost_tiers(policy),
        "switches": {
            name: {"value": policy.switch(name), "label": label}
            for name, (_default, label) in rules.SWITCHES.items()
        },
        "contacts": {
            c.name: {"value": policy.contact(c.name), "label": c.label} for c in rules.CONTACTS
        },
    }


@router.get(
    "/due", response={200: DueOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}, by_alias=True
)
def policy_due(request, query: Query[DueQuery]):
    """When the rule falls due, counted from `from`."""
    policy = policy_for_user(request.user)
    start = query.start
    if start.tzinfo is None:
        start = start.replace(tzinfo=LONDON)
    # In UTC, so that adding hours counts elapsed time across a change of the clocks.
    due = policy_due_at(policy, query.rule.value, start.astimezone(UTC))
    return {
        "rule": query.rule.value,
        "from": start.astimezone(LONDON).isoformat(),
        "due": due.isoformat(),
    }


@router.get(
    "/approver", response={200: ApproverForCostOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def policy_approver(request, query: Query[ApproverQuery]):
    """The role that must approve an agency placement costing this much a week."""
    role = policy_for_user(request.user).cost_approver(query.weekly_cost)
    return {"weekly_cost": query.weekly_cost, "role": role, "role_label": role_label(role)}
