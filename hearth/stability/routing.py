"""Whose tray a stability step lands in (003): the child's team manager, the child's IRO, the carers'
supervising social worker, an action owner's manager. A named person is used while they are active
and still hold the role in the council; otherwise the item goes to the team's (or the council's)
holders of the role, so nothing lands with nobody."""

from django.urls import reverse

from hearth.accounts.models import Membership
from hearth.accounts.roles import AUTHORITY_ROLES, Role
from hearth.trays.services import item_open


def holds(user, organisation_id, roles):
    """Whether `user` is active and holds one of `roles` in the organisation."""
    return (
        user is not None
        and user.is_active
        and Membership.objects.filter(
            user=user, organisation_id=organisation_id, role__in=list(roles)
        ).exists()
    )


def meeting_link(meeting):
    return reverse("stability_meeting", args=[meeting.pk])


def meeting_key(meeting):
    return f"meeting:{meeting.pk}"


def action_key(action):
    return f"action:{action.pk}"


def moving_on_key(placement):
    """One tray item per ended placement, for both of its moving-on tasks."""
    return f"moving_on:{placement.pk}"


def meeting_title(meeting):
    """A tray title: names the child, as every tray item does (trays are behind sign-in)."""
    child = meeting.child
    return f"{meeting.get_kind_display()}: {child.full_name} ({child.reference})"


def to_child_team_manager(meeting, *, kind, title, due_at, note="", key="", link=""):
    """To the manager of the child's team by name, else the team's (or council's) team managers."""
    child, authority_id = meeting.child, meeting.authority_id
    team = child.team
    manager = team.manager if team is not None and team.manager_id else None
    if not holds(manager, authority_id, {Role.TEAM_MANAGER}):
        manager = None
    return item_open(
        organisation=meeting.authority, kind=kind, title=title, user=manager,
        team=None if manager else team, role="" if manager else Role.TEAM_MANAGER,
        due_at=due_at, note=note, key=key or meeting_key(meeting),
        link=link or meeting_link(meeting),
    )  # fmt: skip


def to_child_iro(meeting, *, kind, title, due_at, note="", key="", link=""):
    """To the child's IRO by name, else every IRO of the council."""
    iro = meeting.child.iro
    if not holds(iro, meeting.authority_id, {Role.IRO}):
        iro = None
    return item_open(
        organisation=meeting.authority, kind=kind, title=title, user=iro,
        role="" if iro else Role.IRO, due_at=due_at, note=note,
        key=key or meeting_key(meeting), link=link or meeting_link(meeting),
    )  # fmt: skip


def supervising_social_worker(household, authority_id):
    """The carers' supervising social worker if they are the council's own and active; None for
    an agency's carers (whose supervising social worker works for the agency)."""
    worker = household.supervising_social_worker
    return worker if holds(worker, authority_id, {Role.SUPERVISING_SOCIAL_WORKER}) else None


def manager_of(user, organisation_id):
    """The manager of the team `user` works in for the council: the person an overdue action
    escalates to. None where they have no team, or its manager is themself or has left (is no
    longer active, or holds no role in the council)."""
    memberships = Membership.objects.filter(
        user=user, organisation_id=organisation_id, team__isnull=False
    ).select_related("team__manager")
    for membership in memberships.order_by("pk"):
        manager = membership.team.manager
        if (
            manager is not None
            and manager.pk != user.pk
            and holds(manager, organisation_id, AUTHORITY_ROLES)
        ):
            return manager
    return None
