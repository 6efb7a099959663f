"""An administrator's writes to the people of their own organisation. Each writes an audit row."""

from axes.utils import reset as axes_reset
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from hearth.accounts.models import Membership, User
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.models import Team


def _audit(*, by, action, record_type, record, organisation, request, detail="", via=None):
    audit_record(
        user=by,
        action=action,
        record_type=record_type,
        record_id=record.pk,
        organisation=organisation,
        request=request,
        detail=detail,
        via=via,
    )


@transaction.atomic
def user_create(
    *, by=None, request=None, via=None, organisation, username, first_name, last_name, email,
    job_title, password, roles, team=None, registration_number="",
):  # fmt: skip
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        job_title=job_title,
        registration_number=registration_number,
    )
    user.set_password(password)
    user.save()
    _set_roles(user, organisation, roles, team)
    _audit(by=by, action=AuditEvent.Action.CREATE, record_type="user", record=user, via=via,
           organisation=organisation, request=request, detail="roles " + ", ".join(sorted(roles)))  # fmt: skip
    return user


@transaction.atomic
def user_update(
    *, by=None, request=None, user, organisation, first_name, last_name, email, job_title, is_active,
    roles, team=None, registration_number=None,
):  # fmt: skip
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.job_title, user.is_active = job_title, is_active
    fields = ["first_name", "last_name", "email", "job_title", "is_active"]
    if registration_number is not None:  # the Social Work England number: the 903's SW_ID
        user.registration_number = registration_number
        fields.append("registration_number")
    user.save(update_fields=fields)
    _set_roles(user, organisation, roles, team)
    detail = (
        ("can sign in" if is_active else "account closed") + "; roles " + ", ".join(sorted(roles))
    )
    _audit(by=by, action=AuditEvent.Action.UPDATE, record_type="user", record=user,
           organisation=organisation, request=request, detail=detail)  # fmt: skip
    return user


@transaction.atomic
def user_set_password(*, by=None, request=None, user, organisation=None, password):
    """A new password chosen by an administrator, for someone who has forgotten theirs."""
    user.set_password(password)
    user.save(update_fields=["password"])
    axes_reset(username=user.username)
    _audit(by=by, action=AuditEvent.Action.UPDATE, record_type="user", record=user,
           organisation=organisation, request=request, detail="password set by an administrator")  # fmt: skip


@transaction.atomic
def user_roles_update(*, by=None, request=None, user, organisation, roles, team=None):
    """Only the roles the person holds in this organisation; an empty list takes them out of it."""
    _set_roles(user, organisation, roles, team)
    detail = "roles " + (", ".join(sorted(roles)) or f"none: no longer in {organisation}")
    _audit(by=by, action=AuditEvent.Action.UPDATE, record_type="user", record=user,
           organisation=organisation, request=request, detail=detail)  # fmt: skip
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


@transaction.atomic
def user_unlock(*, by=None, request=None, user, organisation=None):
    """Lift a lock-out after repeated failed sign-ins."""
    axes_reset(username=user.username)
    _audit(by=by, action=AuditEvent.Action.UPDATE, record_type="user", record=user,
           organisation=organisation, request=request, detail="unlocked")  # fmt: skip


@transaction.atomic
def user_reset_second_factor(*, by=None, request=None, user, organisation=None):
    """Forget the user's authenticator app (a lost phone): they set up a new one at next sign-in."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    _audit(by=by, action=AuditEvent.Action.UPDATE, record_type="user", record=user,
           organisation=organisation, request=request, detail="second factor reset")  # fmt: skip
    return removed


@transaction.atomic
def team_save(*, by=None, request=None, organisation, name, manager=None, team=None):
    creating = team is None
    team = team or Team(organisation=organisation)
    team.name, team.manager = name, manager
    team.full_clean()
    team.save()
    _audit(by=by, action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
           record_type="team", record=team, organisation=organisation, request=request,
           detail=f"name {name}")  # fmt: skip
    return team
