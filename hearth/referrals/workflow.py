"""The referral's approval chain as one transition table (DOMAIN.md steps 1-7).

    draft --submit--> submitted (team manager) --forward--> with_service_lead --approve--> approved
    approved --accept--> searching (placements team: file opened, on the tracker)
    submitted / with_service_lead / approved --return--> returned --resubmit--> back to the step
    withdrawn from any open status

A referral returned by its team manager or service lead goes back to the team manager when it is
resubmitted; one returned by the placements team at screening goes back to the placements team (the
approval stands). Some actions record a step without changing the status: comment requests to the
IRO or Virtual School and their answers, the search route, an emergency carer's booking, contacts.
A matched referral stays open while the move to the matched home is arranged: comments still come
in, and an emergency carer may be booked, or the booking ended, until the children have moved.

Who may take each action is a named rule (`ACTORS`), asked of the user's roles in the referral's
council and of the council's policy (who approves a referral is a policy setting).
"""

from dataclasses import dataclass, field

from hearth.accounts.access import memberships_of, roles_of
from hearth.accounts.roles import Role
from hearth.referrals.models import CommentRequest, Status

OPEN_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.WITH_SERVICE_LEAD,
    Status.APPROVED,
    Status.RETURNED,
    Status.SEARCHING,
    Status.MATCHED,
)
EDITABLE_STATUSES = (Status.DRAFT, Status.RETURNED)
MANAGER_ROLES = frozenset(
    {
        Role.TEAM_MANAGER,
        Role.SERVICE_LEAD,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.ASSISTANT_DIRECTOR,
        Role.DIRECTOR,
    }
)


@dataclass(frozen=True)
class Field:
    """Something an action asks for. `kind`: text, boolean, choice, household or user."""

    name: str
    label: str
    kind: str = "text"
    required: bool = True
    choices: tuple = ()
    hint: str = ""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change
    actor: str | dict  # a rule of ACTORS, or {source status: rule} where it depends on the step
    fields: tuple[Field, ...] = field(default_factory=tuple)
    description: str = ""

    def actor_for(self, status):
        return self.actor[status] if isinstance(self.actor, dict) else self.actor


COMMENT = Field("comment", "Comment", required=False)
REASONS = Field("comment", "Reasons", hint="Say what is missing or must change")

ACTIONS = {
    action.name: action
    for action in (
        Action(
            "submit", "Send to team manager", (Status.DRAFT,), Status.SUBMITTED, "editor",
            (COMMENT,), "Send the completed referral to the team manager for comments.",
        ),
        Action(
            "resubmit", "Send back", (Status.RETURNED,), None, "editor",
            (Field("comment", "What has changed"),),
            "Send a returned referral back to the step that returned it.",
        ),
        Action(
            "forward", "Send to service lead", (Status.SUBMITTED,), Status.WITH_SERVICE_LEAD,
            "team_manager", (Field("comment", "Your comments", hint="Your quality assurance"),),
            "The team manager's comments, then on to the service lead for approval.",
        ),
        Action(
            "approve", "Approve", (Status.WITH_SERVICE_LEAD,), Status.APPROVED, "service_lead",
            (COMMENT,), "Approve the referral: it goes to the placements team's work tray.",
        ),
        Action(
            "return", "Return to social worker",
            (Status.SUBMITTED, Status.WITH_SERVICE_LEAD, Status.APPROVED), Status.RETURNED,
            {Status.SUBMITTED: "team_manager", Status.WITH_SERVICE_LEAD: "service_lead",
             Status.APPROVED: "placements"},
            (REASONS,
             Field("phone_call", "Phone the social worker as well", "boolean", required=False,
                   hint="For an urgent referral: the return is also made by phone")),
            "Return the referral to the social worker with what is missing.",
        ),
        Action(
            "accept", "Accept and open a file", (Status.APPROVED,), Status.SEARCHING,
            "placements", (COMMENT,),
            "Accept the referral: a file is opened and the search goes on the placements tracker.",
        ),
        Action(
            "withdraw", "Withdraw the referral", OPEN_STATUSES, Status.WITHDRAWN, "editor",
            (Field("comment", "Why it is withdrawn"),),
            "The child no longer needs this search.",
        ),
        Action(
            "request_comments", "Ask for comments",
            (Status.SUBMITTED, Status.WITH_SERVICE_LEAD), None,
            {Status.SUBMITTED: "team_manager", Status.WITH_SERVICE_LEAD: "service_lead"},
            (Field("asked_of", "Ask", "choice", choices=tuple(CommentRequest.From.values)),
             Field("comment", "What you would like comments on")),
            "Ask the child's IRO or the Virtual School to comment.",
        ),
        Action(
            "comment", "Give your comments",
            (Status.SUBMITTED, Status.WITH_SERVICE_LEAD, Status.APPROVED, Status.RETURNED,
             Status.SEARCHING, Status.MATCHED), None, "commenter",
            (Field("comment", "Your comments"),),
            "Answer a request for comments.",
        ),
        Action(
            "set_search_route", "Change where the search starts",
            (Status.APPROVED, Status.SEARCHING), None, "manager",
            (Field("route", "Search", "choice", choices=("in_house_first", "dual")),
             Field("comment", "Why the policy's rule does not fit")),
            "Override the policy's dual-search decision, with a recorded reason.",
        ),
        Action(
            "book_emergency", "Book the emergency carer",
            (Status.SUBMITTED, Status.WITH_SERVICE_LEAD, Status.APPROVED, Status.RETURNED,
             Status.SEARCHING, Status.MATCHED),
            None, "placements",
            (Field("household", "Emergency carer", "household"), COMMENT),
            "Book an emergency carer for the policy's emergency placement time while a "
            "longer-term home is found and the move to it arranged.",
        ),
        Action(
            "end_emergency", "Record the emergency placement's end",
            (Status.SUBMITTED, Status.WITH_SERVICE_LEAD, Status.APPROVED, Status.RETURNED,
             Status.SEARCHING, Status.MATCHED),
            None, "placements",
            (Field("comment", "What happened", hint="For example, the child moved to a "
                   "longer-term home, or the emergency carer agreed to keep the child longer"),),
            "Close the emergency booking's deadline, saying how it ended.",
        ),
        Action(
            "log_contact", "Record a contact",
            (Status.SUBMITTED, Status.WITH_SERVICE_LEAD, Status.APPROVED, Status.RETURNED,
             Status.SEARCHING, Status.MATCHED), None, "involved",
            (Field("contact", "How", "choice", choices=("phone", "email", "meeting", "visit")),
             Field("comment", "What was said or agreed")),
            "Record a phone call, email or meeting about the referral.",
        ),
        Action(
            "set_next_action", "Set the next action",
            (Status.APPROVED, Status.SEARCHING, Status.MATCHED), None,
            "placements",
            (Field("comment", "Next action"), Field("holder", "Who holds it", "user")),
            "What happens next in the search, and who holds it (shown on the tracker).",
        ),
    )
}  # fmt: skip


# Who may act ---------------------------------------------------------------------------------------


def _roles(user, referral):
    return roles_of(user, referral.authority_id)


def is_team_manager_of(user, referral, policy):
    """The team manager of the referral's team (the policy names the role that comments)."""
    role = policy.approver("referral_comments")
    if role not in _roles(user, referral):
        return False
    team = referral.team
    if team is None or team.manager_id == user.pk:
        return True
    return any(
        m.organisation_id == referral.authority_id and m.role == role and m.team_id == team.pk
        for m in memberships_of(user)
    )


def is_editor(user, referral, policy):
    allocated = referral.social_worker_id == user.pk and Role.SOCIAL_WORKER in _roles(
        user, referral
    )
    return allocated or is_team_manager_of(user, referral, policy)


def is_service_lead(user, referral, policy):
    return policy.approver("referral_approval") in _roles(user, referral)


def is_placements(user, referral, policy):
    return Role.PLACEMENTS_OFFICER in _roles(user, referral)


def is_manager(user, referral, policy):
    return bool(MANAGER_ROLES & _roles(user, referral))


def is_commenter(user, referral, policy):
    return open_request_for(user, referral) is not None


def is_involved(user, referral, policy):
    return any(
        rule(user, referral, policy)
        for rule in (is_editor, is_service_lead, is_placements, is_manager, is_commenter)
    )


ACTORS = {
    "editor": is_editor,
    "team_manager": is_team_manager_of,
    "service_lead": is_service_lead,
    "placements": is_placements,
    "manager": is_manager,
    "commenter": is_commenter,
    "involved": is_involved,
}
ACTOR_DESCRIPTIONS = {
    "editor": "the allocated social worker or their team manager",
    "team_manager": "the team manager of the referral's team",
    "service_lead": "the service lead (the policy's referral approver)",
    "placements": "a placements officer",
    "manager": "a team manager or more senior manager",
    "commenter": "the person asked for comments (the child's IRO or a Virtual School officer)",
    "involved": "anyone taking part in the referral",
}


def _roles_for_rule(rule, policy):
    """The roles through which a user satisfies an actor rule (None: any role they hold)."""
    return {
        "editor": {Role.SOCIAL_WORKER, policy.approver("referral_comments")},
        "team_manager": {policy.approver("referral_comments")},
        "service_lead": {policy.approver("referral_approval")},
        "placements": {Role.PLACEMENTS_OFFICER},
        "manager": MANAGER_ROLES,
        "commenter": {Role.IRO, Role.VIRTUAL_SCHOOL},
    }.get(rule)


def acting_roles(user, referral, rule, policy):
    """The roles, among those the user holds in the referral's council, in which they act."""
    held = _roles(user, referral)
    relevant = _roles_for_rule(rule, policy)
    return sorted(held & relevant if relevant and held & relevant else held)


def open_request_for(user, referral):
    """The open comment request this user is the one to answer, if any."""
    roles = _roles(user, referral)
    for request in referral.comment_requests.all():
        if request.answered_at is not None:
            continue
        if request.asked_of == CommentRequest.From.VIRTUAL_SCHOOL and Role.VIRTUAL_SCHOOL in roles:
            return request
        asked_them = request.asked_user_id == user.pk
        if request.asked_of == CommentRequest.From.IRO and Role.IRO in roles and asked_them:
            return request
    return None


def may_take(user, referral, action, policy):
    if referral.status not in action.sources:
        return False
    return ACTORS[action.actor_for(referral.status)](user, referral, policy)


def actions_for(user, referral, policy):
    """The actions the user may take on the referral now, in the table's order."""
    return [action for action in ACTIONS.values() if may_take(user, referral, action, policy)]


def may_edit(user, referral, policy):
    return referral.status in EDITABLE_STATUSES and is_editor(user, referral, policy)


def resubmit_target(referral):
    """A return at screening goes back to screening; any other back to the team manager."""
    if referral.returned_from == Status.APPROVED:
        return Status.APPROVED
    return Status.SUBMITTED
