"""Work trays: the open items waiting for a person, and for the teams they manage."""

from django.db.models import Q

from hearth.accounts.access import memberships_of
from hearth.core.models import Team
from hearth.trays.models import WorkItem


def _open_items():
    return WorkItem.objects.filter(closed_at__isnull=True).select_related(
        "referral", "assigned_user", "assigned_team"
    )


def tray_for_user(user):
    """Items waiting for the user: their own, their teams' and their roles' in each organisation."""
    memberships = memberships_of(user)
    if not memberships:
        return WorkItem.objects.none()
    landed = Q(assigned_user=user)
    for m in memberships:
        in_org = Q(organisation_id=m.organisation_id, assigned_user__isnull=True)
        role = Q(assigned_role="") | Q(assigned_role=m.role)
        if m.team_id is not None:
            landed |= in_org & Q(assigned_team_id=m.team_id) & role
        landed |= in_org & Q(assigned_team__isnull=True, assigned_role=m.role)
    return _open_items().filter(landed)


def teams_managed_by(user):
    organisation_ids = {m.organisation_id for m in memberships_of(user)}
    return Team.objects.filter(manager=user, organisation_id__in=organisation_ids)


def team_tray_for_user(user):
    """Open items of the teams the user manages: in the team's tray or with one of its members."""
    teams = list(teams_managed_by(user))
    if not teams:
        return WorkItem.objects.none()
    # Each team's items are those of its own council: a member's work for another council (someone
    # shared between councils) is not this manager's to see.
    of_teams = Q()
    for team in teams:
        of_teams |= Q(organisation_id=team.organisation_id) & (
            Q(assigned_team=team) | Q(assigned_user__memberships__team=team)
        )
    return _open_items().filter(of_teams).distinct()
