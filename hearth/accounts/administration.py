"""An administrator's writes to the people of their own organisation."""

from axes.utils import reset as axes_reset
from django.db import transaction

from hearth.accounts.models import Membership, User
from hearth.core.models import Team


@transaction.atomic
def user_create(
    *, organisation, username, first_name, last_name, email, job_title, password, roles, team=None
):
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
    )
    user.set_password(password)
    user.save()
    _set_roles(user, organisation, roles, team)
    return user


@transaction.atomic
def user_update(
    *, user, organisation, first_name, last_name, email, job_title, is_active, roles, team=None
):
    user.first_name, user.last_name, user.email, user.job_title = (
        first_name,
        last_name,
        email,
        job_title,
    )
    user.is_active = is_active
    user.save(update_fields=["first_name", "last_name", "email", "job_title", "is_active"])
    _set_roles(user, organisation, roles, team)
    return user


def username_taken(username):
    """Usernames are unique across every organisation, whatever their case."""
    return User.objects.filter(username__iexact=username).exists()


def _set_roles(user, organisation, roles, team):
    Membership.objects.filter(user=user, organisation=organisation).exclude(role__in=roles).delete()
    for role in roles:
        Membership.objects.update_or_create(
            user=user, organisation=organisation, role=role, defaults={"team": team}
        )


def user_unlock(*, user):
    """Lift a lock-out after repeated failed sign-ins."""
    return axes_reset(username=user.username)


@transaction.atomic
def team_save(*, organisation, name, manager=None, team=None):
    team = team or Team(organisation=organisation)
    team.name, team.manager = name, manager
    team.full_clean()
    team.save()
    return team
