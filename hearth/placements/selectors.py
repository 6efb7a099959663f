"""Reads of the placements app: an offer's standing cost approval, whether a match's approvals are
complete, a household's free places when a placement starts, the placements a referral or a child
has, and the spend report (weekly spend of open agency placements by approval tier and provider).
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery

from hearth.people.models import Child
from hearth.placements.models import CostApproval, Placement, PlacementAgreement
from hearth.search.models import Offer
from hearth.search.selectors import places_held

Status = CostApproval.Status
AWAITING = "awaiting"  # the tier of a placement whose cost is not approved yet


# Cost approval and the IPA --------------------------------------------------------------------------


def current_approval(offer):
    """The offer's standing request: the latest that is not set aside (None: never asked)."""
    return (
        CostApproval.objects.filter(offer=offer)
        .exclude(status=Status.SUPERSEDED)
        .select_related("decided_by", "requested_by")
        .order_by("-requested_at", "-pk")
        .first()
    )


def agreement_of(offer):
    return PlacementAgreement.objects.filter(offer=offer).select_related("issued_by").first()


def agreement_current(agreement, offer):
    """Whether the IPA was issued for the offer's weekly cost as it stands."""
    if agreement is None:
        return False
    issued_cost = agreement.terms.get("weekly_cost_amount")
    return issued_cost is not None and Decimal(issued_cost) == offer.weekly_cost


def current_agreement(offer):
    """The offer's IPA when it was issued for the weekly cost approved as it stands (what the
    agency may be shown as its agreement), else None: no IPA, the cost not approved (or changed
    since), or the IPA issued for another cost."""
    if offer.source != Offer.Source.AGENCY or offer.weekly_cost is None:
        return None
    approval = current_approval(offer)
    if (
        approval is None
        or approval.status != Status.APPROVED
        or approval.weekly_cost != offer.weekly_cost
    ):
        return None
    agreement = agreement_of(offer)
    return agreement if agreement_current(agreement, offer) else None


def cost_problems(offer, approval=None):
    """Why the offer's cost is not approved as it stands, one line each (none: it is)."""
    if offer.source != Offer.Source.AGENCY:
        return []
    approval = approval if approval is not None else current_approval(offer)
    cost = f"£{offer.weekly_cost:,.2f} a week"
    if approval is None:
        return [f"The weekly cost ({cost}) has not been sent for approval"]
    if approval.weekly_cost != offer.weekly_cost:
        return [f"The weekly cost changed to {cost}: it must be approved again"]
    if approval.status == Status.PENDING:
        return [f"The weekly cost ({cost}) is waiting for a decision"]
    if approval.status == Status.REFUSED:
        return [f"The weekly cost ({cost}) was refused: {approval.reason}"]
    return []


def approval_problems(offer, *, approval=None, agreement=None):
    """Why the placement cannot start yet, one line each (none: the approvals are complete): the
    match signed off; for an agency, the cost approved as it stands and the IPA issued for it."""
    problems = []
    if offer.status != Offer.Status.MATCHED:
        problems.append(
            f"The offer is {offer.get_status_display().lower()}: the matching form must be "
            "signed off"
        )
    if offer.source != Offer.Source.AGENCY:
        return problems
    problems += cost_problems(offer, approval)
    agreement = agreement if agreement is not None else agreement_of(offer)
    if agreement is None:
        problems.append("The placement agreement (IPA) has not been issued")
    elif not agreement_current(agreement, offer):
        problems.append(
            "The placement agreement (IPA) was issued for another weekly cost: issue it again"
        )
    return problems


# Places --------------------------------------------------------------------------------------------


def places_taken(household, children):
    """The places taken in the household when `children` move in: children living there (other
    than them) and places held for other children due to arrive (`places_held`) other than those
    of other signed-off matches with the household. A match reserved its place when it was
    signed off; if the household's approval has shrunk since, whoever starts first takes the
    place, and the next is told there is none."""
    pks = [child.pk for child in children]
    living = Child.objects.filter(placed_with=household).exclude(pk__in=pks).count()
    matched_here = Offer.children.through.objects.filter(
        offer__household=household, offer__status=Offer.Status.MATCHED
    ).values_list("child_id", flat=True)
    held = places_held([household], excluding=[*pks, *matched_here]).get(household.pk, 0)
    return living + held


def place_problem(household, children):
    """Why the household cannot take the children now (None: it can)."""
    wanted = sum(1 for child in children if child.placed_with_id != household.pk)
    free = household.max_children - places_taken(household, children)
    if free >= wanted:
        return None
    places = "no free place" if free <= 0 else f"{free} free place{'s' if free != 1 else ''}"
    children_words = "child" if wanted == 1 else "children"
    return f"{household.name} has {places} for {wanted} {children_words}"


# Placements -----------------------------------------------------------------------------------------


def placements_of_offer(offer):
    return list(
        Placement.objects.filter(offer=offer)
        .select_related("child", "household")
        .order_by("child__date_of_birth", "pk")
    )


def placements_of_referral(referral):
    return list(
        Placement.objects.filter(referral=referral)
        .select_related("child", "household", "provider")
        .order_by("-started_on", "child__date_of_birth", "pk")
    )


def placements_of_child(child):
    return list(
        Placement.objects.filter(child=child)
        .select_related("child", "household", "provider")
        .order_by("-started_on", "-pk")
    )


def emergency_household(referral):
    """The emergency carers booked for the referral, with their provider."""
    from hearth.people.models import Household

    return Household.objects.select_related("provider").get(pk=referral.emergency_household_id)


def open_placements_of(children):
    """{child pk: open placement} of those of `children` who are placed already."""
    found = Placement.objects.filter(
        child__in=[child.pk for child in children], ended_on__isnull=True
    ).select_related("household")
    return {placement.child_id: placement for placement in found}


def approval_for_placement(placement):
    """The approval of the cost the placement was started at: approved, or still pending for an
    emergency placement (None for the council's own carers)."""
    if placement.offer_id is None or placement.weekly_cost is None:
        return None
    return (
        CostApproval.objects.filter(offer_id=placement.offer_id, weekly_cost=placement.weekly_cost)
        .exclude(status=Status.SUPERSEDED)
        .select_related("decided_by")
        .order_by("-requested_at", "-pk")
        .first()
    )


# Spend ---------------------------------------------------------------------------------------------


@dataclass
class SpendLine:
    key: str
    label: str
    placements: int = 0
    weekly: Decimal = Decimal("0.00")


@dataclass
class Spend:
    as_of: object
    by_tier: list = field(default_factory=list)
    by_provider: list = field(default_factory=list)
    placements: int = 0
    weekly: Decimal = Decimal("0.00")


def open_agency_placements(authority, as_of):
    """The council's agency placements open on `as_of`, each with `approved_tier`: the role that
    approved the cost it runs at (None while an emergency placement's approval is pending)."""
    approved = CostApproval.objects.filter(
        offer=OuterRef("offer"), weekly_cost=OuterRef("weekly_cost"), status=Status.APPROVED
    ).order_by("-decided_at", "-pk")
    return (
        Placement.objects.filter(authority=authority, weekly_cost__isnull=False)
        .filter(started_on__lte=as_of)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=as_of))
        .annotate(approved_tier=Subquery(approved.values("required_role")[:1]))
        .select_related("provider")
        .order_by("provider__name", "pk")
    )


def spend(authority, as_of):
    """Weekly spend of the council's open agency placements on `as_of`: by the tier that approved
    each cost (in the order of the ranking, then any other) and by provider, with totals."""
    from hearth.placements.permissions import APPROVER_RANKING, role_label

    tiers, providers = {}, {}
    report = Spend(as_of=as_of)
    for placement in open_agency_placements(authority, as_of):
        tier = placement.approved_tier or AWAITING
        tier_label = "Waiting for approval" if tier == AWAITING else role_label(tier)
        for lines, key, label in (
            (tiers, tier, tier_label),
            (providers, str(placement.provider_id), placement.provider.name),
        ):
            line = lines.setdefault(key, SpendLine(key, label))
            line.placements += 1
            line.weekly += placement.weekly_cost
        report.placements += 1
        report.weekly += placement.weekly_cost
    order = {role: number for number, role in enumerate(APPROVER_RANKING)}
    report.by_tier = sorted(
        tiers.values(), key=lambda line: (order.get(line.key, len(order)), line.label)
    )
    report.by_provider = sorted(providers.values(), key=lambda line: (line.label, line.key))
    return report


def placements_by_referral(referrals):
    """{referral pk: [placements]} for a page of referrals, in one query."""
    found = defaultdict(list)
    for placement in Placement.objects.filter(referral__in=referrals).select_related("child"):
        found[placement.referral_id].append(placement)
    return found
