"""Who does what from an agreed match to a child living in a home (DOMAIN.md, referral to
placement, steps 13 to 15).

- The weekly cost of an agency placement is approved by the role the council's policy names for
  it (`policy.cost_approver`) *or a higher one*: the approvers rank senior manager < head of
  service < assistant director < Director of Children's Services. Nobody below the tier decides.
- The IPA is issued, and a placement started, by the child's social worker (the allocated social
  worker or their team manager) or a placements officer (a search worker of the council).
- A placement is ended by the child's social worker, their team manager or a placements officer.
- Finance officers of the council confirm the costing (CPLI).
- The spend report is for finance officers, placements officers and the cost approvers.

Each rule answers why not in a sentence for the screens (None: the person may), as
`hearth.search.permissions.why_not` does. Nothing here writes.
"""

from hearth.accounts.access import memberships_of, roles_of
from hearth.accounts.roles import Role
from hearth.referrals.models import Status
from hearth.search import permissions as search_permissions
from hearth.search.models import Offer

APPROVER_RANKING = (
    Role.SENIOR_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.ASSISTANT_DIRECTOR,
    Role.DIRECTOR,
)
SPEND_ROLES = frozenset({Role.FINANCE_OFFICER, Role.PLACEMENTS_OFFICER, *APPROVER_RANKING})
STARTERS = "the child's social worker, their team manager or a placements officer"
# A withdrawn referral has nothing more decided on it. Any other referral with a matched offer is
# live: matched, placed with a brother or sister still to move, or still searching for a brother or
# sister placed apart (a split) while this offer's children move.
REFERRAL_OVER = (Status.WITHDRAWN,)
OFFER_LIVE = (Offer.Status.MATCHED, Offer.Status.PLACED)
ENDERS = "the child's social worker, their team manager or a placements officer"


def role_label(role):
    try:
        return Role(role).label
    except ValueError:
        return role.replace("_", " ").capitalize()


def _in_a_sentence(role):
    words = role_label(role)
    return words if words.startswith("Director") else words[0].lower() + words[1:]


# Cost approval ---------------------------------------------------------------------------------------


def qualifying_roles(required_role):
    """The roles that may decide a cost the policy gave to `required_role`: it and those above it.
    A role outside the ranking (a council may name another) is decided by that role alone."""
    if required_role not in APPROVER_RANKING:
        return (required_role,)
    return APPROVER_RANKING[APPROVER_RANKING.index(required_role) :]


def tier_words(required_role):
    """'a head of service or above (assistant director, Director of Children's Services)'."""
    above = [_in_a_sentence(role) for role in qualifying_roles(required_role)[1:]]
    words = f"a {_in_a_sentence(required_role)}"
    if above:
        words += f" or above ({', '.join(above)})"
    return words


def deciding_role(user, approval, authority_id):
    """The role the user decides in: the lowest of their roles that reaches the tier (None: no
    role of theirs does)."""
    held = roles_of(user, authority_id)
    return next((role for role in qualifying_roles(approval.required_role) if role in held), None)


def _referral_not_live(referral, doing):
    if referral.status in REFERRAL_OVER:
        return f"The referral is {referral.get_status_display().lower()}: {doing}"
    return None


def _offer_not_live(offer, doing):
    if offer.status not in OFFER_LIVE:
        return f"The offer is {offer.get_status_display().lower()}: {doing}"
    return None


def why_not_decide_cost(user, approval, authority_id):
    if deciding_role(user, approval, authority_id) is None:
        return (
            f"Only {tier_words(approval.required_role)} can decide a weekly cost of "
            f"£{approval.weekly_cost:,.2f}"
        )
    if approval.status != approval.Status.PENDING:
        return f"This request is already decided: {approval.get_status_display().lower()}"
    if approval.requested_by_id == user.pk:
        return "You asked for this approval: another person at the tier must decide it (four eyes)"
    offer = approval.offer
    return _referral_not_live(
        offer.referral, "its weekly cost is no longer decided"
    ) or _offer_not_live(offer, "its weekly cost is no longer decided")


def may_decide_cost(user, approval, authority_id):
    return why_not_decide_cost(user, approval, authority_id) is None


# The IPA and the placement ---------------------------------------------------------------------------


def is_starter(user, referral, policy):
    return search_permissions.is_search_worker(
        user, referral
    ) or search_permissions.is_childs_social_worker(user, referral, policy)


def why_not_issue_agreement(user, offer, policy):
    if not is_starter(user, offer.referral, policy):
        return f"Only {STARTERS} can issue the placement agreement"
    if offer.source != Offer.Source.AGENCY:
        return "A placement with the council's own carers has no placement agreement (IPA)"
    doing = "no placement agreement is issued for it"
    return _referral_not_live(offer.referral, doing) or _offer_not_live(offer, doing)


def why_not_start(user, offer, policy):
    if not is_starter(user, offer.referral, policy):
        return f"Only {STARTERS} can start the placement"
    if offer.status == Offer.Status.PLACED:
        return "The placement has already started"
    if offer.status != Offer.Status.MATCHED:
        return (
            f"The offer is {offer.get_status_display().lower()}: a placement starts from a "
            "signed-off match"
        )
    return _referral_not_live(offer.referral, "no placement starts from it")


def why_not_start_emergency(user, referral, policy):
    """Whether the user may record the urgent referral's emergency booking as a placement."""
    roles = roles_of(user, referral.authority_id)
    if not (
        Role.PLACEMENTS_OFFICER in roles
        or search_permissions.is_childs_social_worker(user, referral, policy)
    ):
        return f"Only {STARTERS} can start the placement"
    if referral.status in (Status.WITHDRAWN, Status.PLACED):
        return f"The referral is {referral.get_status_display().lower()}"
    if referral.emergency_household_id is None or referral.emergency_ended_at is not None:
        return "No emergency carers are booked for this referral"
    return None


def may_start_emergency(user, referral, policy):
    return why_not_start_emergency(user, referral, policy) is None


def may_start(user, offer, policy):
    return why_not_start(user, offer, policy) is None


def may_issue_agreement(user, offer, policy):
    return why_not_issue_agreement(user, offer, policy) is None


# Ending, costing, spend -----------------------------------------------------------------------------


def manages_childs_team(user, child):
    """A team manager of the council who manages the child's team (by name or as a member of
    it with the role); for a child with no team, any team manager of the council."""
    if Role.TEAM_MANAGER not in roles_of(user, child.authority_id):
        return False
    team = child.team
    if team is None or team.manager_id == user.pk:
        return True
    return any(
        m.organisation_id == child.authority_id
        and m.role == Role.TEAM_MANAGER
        and m.team_id == team.pk
        for m in memberships_of(user)
    )


def is_ender(user, placement):
    child = placement.child
    roles = roles_of(user, placement.authority_id)
    allocated = child.social_worker_id == user.pk and Role.SOCIAL_WORKER in roles
    return allocated or Role.PLACEMENTS_OFFICER in roles or manages_childs_team(user, child)


def why_not_end(user, placement):
    if not is_ender(user, placement):
        return f"Only {ENDERS} can end the placement"
    if not placement.is_open:
        return "The placement has already ended"
    return None


def may_end(user, placement):
    return why_not_end(user, placement) is None


def why_not_confirm_costing(user, placement):
    if Role.FINANCE_OFFICER not in roles_of(user, placement.authority_id):
        return "Only a finance officer of the council can confirm the costing"
    if placement.weekly_cost is None:
        return "A placement with the council's own carers has no costing to confirm"
    if getattr(placement, "costing", None) is not None:
        return "The costing is already confirmed"
    return None


def may_confirm_costing(user, placement):
    return why_not_confirm_costing(user, placement) is None


def may_see_spend(user, authority_id):
    return bool(SPEND_ROLES & roles_of(user, authority_id))
