"""Who may do what with the return and the figures made from it. Every check takes the council
(its organisation id): roles are held per council (`roles_of`).

- **Return makers** download and check the whole return, import earlier returns (on the command
  line, system administrators) and read every child's data quality.
- **Figure readers** read the stability indicators, timeliness, sufficiency and the dashboards:
  the council's managers, IROs and placements officers.
- **Data quality**: social workers see their own children's problems, team managers their team's,
  return makers and the council's managers everyone's (`quality_scope`).
- **Recording** the return's details of a child (legal status changes, reviews, missing
  episodes, outcomes, the header's details) is for those who edit the child's record.
"""

from hearth.accounts.access import roles_of
from hearth.accounts.roles import Role

RETURN_MAKERS = frozenset(
    {Role.SYSTEM_ADMINISTRATOR, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE}
)  # fmt: skip
MANAGERS = frozenset(
    {Role.SERVICE_LEAD, Role.SENIOR_MANAGER, Role.HEAD_OF_SERVICE, Role.ASSISTANT_DIRECTOR,
     Role.DIRECTOR}
)  # fmt: skip
FIGURE_READERS = MANAGERS | {Role.TEAM_MANAGER, Role.IRO, Role.PLACEMENTS_OFFICER}
QUALITY_READERS = RETURN_MAKERS | MANAGERS | {Role.TEAM_MANAGER, Role.SOCIAL_WORKER, Role.IRO}
RECORDERS = frozenset({Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.SERVICE_LEAD, Role.IRO})

FIGURE_READER_WORDS = (
    "team managers, service leads, IROs, placements officers, senior managers, heads of service, "
    "assistant directors and directors"
)
RETURN_MAKER_WORDS = "system administrators, senior managers and heads of service"


def may_make_return(user, authority_id):
    return bool(RETURN_MAKERS & roles_of(user, authority_id))


def may_read_figures(user, authority_id):
    return bool(FIGURE_READERS & roles_of(user, authority_id))


def may_read_quality(user, authority_id):
    return bool(QUALITY_READERS & roles_of(user, authority_id))


def quality_scope(user, authority_id):
    """Whose problems `user` sees on the data quality page: "all", "team" or "own" (their own
    children as social worker), or None."""
    roles = roles_of(user, authority_id)
    if roles & (RETURN_MAKERS | MANAGERS):
        return "all"
    if Role.TEAM_MANAGER in roles or Role.IRO in roles:
        return "team" if Role.TEAM_MANAGER in roles else "iro"
    if Role.SOCIAL_WORKER in roles:
        return "own"
    return None


def may_record(user, child):
    """Whether `user` may record the return's details of `child` (the child's council's staff in
    the recording roles)."""
    return bool(RECORDERS & roles_of(user, child.authority_id))
