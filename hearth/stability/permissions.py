"""Who may take each step of a stability meeting or an unplanned ending meeting (003 sections 5
and 6, appendices 1 and 2).

- **Raising a concern**: anyone in the team around the child, within the council: social workers,
  team managers, supervising social workers, fostering team managers, IROs, placements officers
  and service leads. A carer, the young person, a school or a health contact asks through one of
  them, who records it for them. Not on a placement that has ended.
- **Arranging** (chair, date, venue, invitees): the child's team manager, a fostering team
  manager, the chair, and the child's social worker (who arranges it, in the policy); for an
  unplanned ending meeting an IRO too (the IRO chairs it).
- **Recording** the meeting (attendance, sections, the next date): whoever may arrange it.
- **Circulating the minutes**: the chair alone (003 appendix 1: "the chair of the meeting is
  responsible for ensuring that minutes are taken and circulated").
- **The chair**: for a stability meeting the policy's `stability_meeting_chair` (a team manager)
  or a fostering team manager; for an unplanned ending meeting `unplanned_ending_chair` (an IRO).

Each rule answers why not in a sentence for the screens (None: the person may). Nothing here
writes.
"""

from hearth.accounts.access import roles_of
from hearth.accounts.roles import Role
from hearth.placements.permissions import manages_childs_team
from hearth.stability.models import Meeting

RAISERS = frozenset(
    {
        Role.SOCIAL_WORKER,
        Role.TEAM_MANAGER,
        Role.SUPERVISING_SOCIAL_WORKER,
        Role.FOSTERING_TEAM_MANAGER,
        Role.IRO,
        Role.PLACEMENTS_OFFICER,
        Role.SERVICE_LEAD,
    }
)
RAISERS_WORDS = (
    "someone in the team around the child (a social worker, team manager, supervising social "
    "worker, fostering team manager, IRO, placements officer or service lead)"
)
ARRANGERS_WORDS = {
    Meeting.Kind.STABILITY: (
        "the child's team manager, a fostering team manager, the chair or the child's social worker"
    ),
    Meeting.Kind.UNPLANNED_ENDING: (
        "the child's team manager, a fostering team manager, an IRO, the chair or the child's "
        "social worker"
    ),
}


def chair_roles(meeting_kind, policy):
    """The roles a chair of a meeting of this kind holds in the council."""
    if meeting_kind == Meeting.Kind.UNPLANNED_ENDING:
        return frozenset({policy.approver("unplanned_ending_chair")})
    return frozenset({policy.approver("stability_meeting_chair"), Role.FOSTERING_TEAM_MANAGER})


def chair_words(meeting_kind, policy):
    from hearth.web.presenters import role_label

    words = sorted(role_label(role).lower() for role in chair_roles(meeting_kind, policy))
    words = [w.replace("independent reviewing officer", "IRO") for w in words]
    return " or ".join(f"a {w}" if w[0] not in "aeiouAEIOU" else f"an {w}" for w in words)


def is_childs_social_worker(user, child):
    return child.social_worker_id == user.pk and Role.SOCIAL_WORKER in roles_of(
        user, child.authority_id
    )


# Raising a concern ---------------------------------------------------------------------------------


def why_not_request(user, placement):
    if not RAISERS & roles_of(user, placement.authority_id):
        return f"Only {RAISERS_WORDS} can ask for a stability meeting"
    if not placement.is_open:
        return "The placement has ended: a stability meeting is for a placement that goes on"
    return None


def may_request(user, placement):
    return why_not_request(user, placement) is None


# Arranging and recording -----------------------------------------------------------------------------


def is_arranger(user, meeting):
    child = meeting.child
    roles = roles_of(user, meeting.authority_id)
    if not roles:
        return False
    if meeting.chair_id == user.pk or Role.FOSTERING_TEAM_MANAGER in roles:
        return True
    if meeting.kind == Meeting.Kind.UNPLANNED_ENDING and Role.IRO in roles:
        return True
    return manages_childs_team(user, child) or is_childs_social_worker(user, child)


def why_not_arrange(user, meeting):
    if not is_arranger(user, meeting):
        return f"Only {ARRANGERS_WORDS[meeting.kind]} can arrange this meeting"
    if meeting.status != Meeting.Status.REQUESTED:
        return f"The meeting is {meeting.get_status_display().lower()}: it is no longer arranged"
    return None


def may_arrange(user, meeting):
    return why_not_arrange(user, meeting) is None


def why_not_record(user, meeting):
    if not is_arranger(user, meeting):
        return f"Only {ARRANGERS_WORDS[meeting.kind]} can record this meeting"
    if meeting.status not in (Meeting.Status.REQUESTED, Meeting.Status.HELD):
        return (
            f"The meeting is {meeting.get_status_display().lower()}: its record can no longer "
            "be changed"
        )
    return None


def may_record(user, meeting):
    return why_not_record(user, meeting) is None


# Circulating the minutes -------------------------------------------------------------------------------


def why_not_circulate(user, meeting):
    if meeting.chair_id is None or meeting.chair_id != user.pk:
        return "Only the chair of the meeting can circulate its minutes"
    if meeting.status == Meeting.Status.CIRCULATED:
        return "The minutes have already been circulated"
    if meeting.status != Meeting.Status.HELD:
        return "The meeting has not been marked as held: its minutes are circulated after it"
    return None


def may_circulate(user, meeting):
    return why_not_circulate(user, meeting) is None


def has_minutes(meeting):
    """Whether there are minutes to read (the meeting was held)."""
    return meeting.status in (Meeting.Status.HELD, Meeting.Status.CIRCULATED)
