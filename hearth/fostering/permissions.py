"""Who may take each step of the fostering service (DOMAIN.md "Foster carers", 002).

- **Reading** the service's records and figures: the fostering staff (duty workers, supervising
  social workers, fostering team managers), the agency decision maker, the placements officers,
  IROs and the council's managers (service leads up to the director).
- **Enquiries and applications**: the fostering staff.
- **Assessments, visits, training, development plans, support requests**: the supervising social
  workers and fostering team managers (a duty worker answers a support request too).
- **Panels** (sittings, agenda, the recommendation on the day, minutes): fostering team managers.
- **The decision after panel**: the policy's `fostering_decision` approver (the agency decision
  maker); **Regulation 24 temporary approval**: the policy's `regulation_24` approver.
- **Viability assessments**: asked for by the child's social worker or team manager; the decision
  to go on is taken jointly by a team manager of children's services and a fostering team manager.
- **Annual reviews**: fostering team managers and IROs (reviewing officers); supervising social
  workers prepare them.
- **Holds, allegations**: supervising social workers and fostering team managers; **exits**: a
  fostering team manager.
- **Action plans and regional comparators**: fostering team managers and the council's managers.

Each `why_not_*` answers why not in a sentence for the screens (None: the person may). Nothing here
writes.
"""

from hearth.accounts.access import roles_of
from hearth.accounts.roles import Role

MANAGERS = frozenset(
    {
        Role.SERVICE_LEAD,
        Role.SENIOR_MANAGER,
        Role.HEAD_OF_SERVICE,
        Role.ASSISTANT_DIRECTOR,
        Role.DIRECTOR,
    }
)
FOSTERING_STAFF = frozenset(
    {Role.FOSTERING_DUTY_WORKER, Role.SUPERVISING_SOCIAL_WORKER, Role.FOSTERING_TEAM_MANAGER}
)
READERS = FOSTERING_STAFF | MANAGERS | {
    Role.AGENCY_DECISION_MAKER, Role.PLACEMENTS_OFFICER, Role.IRO,
}  # fmt: skip
ASSESSORS = frozenset({Role.SUPERVISING_SOCIAL_WORKER, Role.FOSTERING_TEAM_MANAGER})
SUPPORTERS = ASSESSORS | {Role.FOSTERING_DUTY_WORKER}
PANEL_ADMINISTRATORS = frozenset({Role.FOSTERING_TEAM_MANAGER})
REVIEWERS = frozenset({Role.FOSTERING_TEAM_MANAGER, Role.IRO, Role.SUPERVISING_SOCIAL_WORKER})
EXITERS = frozenset({Role.FOSTERING_TEAM_MANAGER})
PLANNERS = MANAGERS | {Role.FOSTERING_TEAM_MANAGER}
VIABILITY_REQUESTERS = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER})

WORDS = {
    READERS: "the fostering team, the agency decision maker, placements officers, IROs and the "
    "council's managers",
    FOSTERING_STAFF: "the fostering team (duty workers, supervising social workers and fostering "
    "team managers)",
    ASSESSORS: "supervising social workers and fostering team managers",
    SUPPORTERS: "the fostering team (duty workers, supervising social workers and fostering team "
    "managers)",
    PANEL_ADMINISTRATORS: "fostering team managers",
    REVIEWERS: "fostering team managers, IROs and supervising social workers",
    EXITERS: "fostering team managers",
    PLANNERS: "fostering team managers and the council's managers",
    VIABILITY_REQUESTERS: "the child's social worker or team manager",
}


def holds_any(user, authority_id, roles):
    return bool(set(roles) & roles_of(user, authority_id))


def why_not(user, authority_id, roles, doing):
    """None if the user holds one of `roles` in the council; else why not, `doing` being what they
    wanted to do ("record an enquiry")."""
    if holds_any(user, authority_id, roles):
        return None
    return f"Only {WORDS[roles]} can {doing}"


def why_not_approver(user, authority, approver_name, doing):
    """For the steps the policy gives to one role (`fostering_decision`, `regulation_24`)."""
    from hearth.web.presenters import role_label

    role = authority.policy.approver(approver_name)
    if role in roles_of(user, authority.pk):
        return None
    return f"Only the {role_label(role).lower()} can {doing}"


def may_read(user, authority_id):
    return holds_any(user, authority_id, READERS)
