from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django_otp import user_has_device

from hearth.accounts.access import memberships_of
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record


class AuditDeniedMiddleware:
    """Write the audit rows of refused attempts after the request's transaction has rolled back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for event in getattr(request, "hearth_denied", []):
            audit_record(action=AuditEvent.Action.DENIED, request=request, **event)
        return response


class SessionLimitsMiddleware:
    """Sign people out after 30 minutes idle or 12 hours in all (settings.SESSION_*_LIMIT)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and request.user.is_demo and not settings.DEMO:
            logout(request)
            return redirect(reverse("login"))
        if request.user.is_authenticated:
            now = timezone.now().timestamp()
            started = request.session.setdefault("hearth_signed_in_at", now)
            last_seen = request.session.get("hearth_last_seen", now)
            idle = now - last_seen > settings.SESSION_IDLE_LIMIT.total_seconds()
            too_long = now - started > settings.SESSION_ABSOLUTE_LIMIT.total_seconds()
            if idle or too_long:
                logout(request)
                messages.info(
                    request, "You were signed out to keep children's records safe. Sign in again."
                )
                return redirect(f"{reverse('login')}?next={request.path}")
            request.session["hearth_last_seen"] = now
        return self.get_response(request)


# Pages a person needs before their second factor is checked: nothing that reads or changes a record,
# nor their password (someone holding only the password must not be able to change it).
TWO_FACTOR_EXEMPT_PREFIXES = (
    "/accounts/login/", "/accounts/logout/", "/accounts/two-factor/", "/static/", "/api/", "/healthz",
)  # fmt: skip


class TwoFactorPolicyMiddleware:
    """Send a user whose council requires a second factor for one of their roles to set it up or use it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
            and not user.is_verified()
            and two_factor_required(user)
        ):
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.path}")
        return self.get_response(request)


def two_factor_required(user):
    """Whether the user must give a code from their authenticator app: always once they have one;
    for a role one of their councils' policies names; for anyone working for an agency (outside
    the council's network) unless HEARTH_AGENCY_TWO_FACTOR is off."""
    if user_has_device(user):
        return True
    for membership in memberships_of(user):
        organisation = membership.organisation
        if organisation.is_agency and settings.AGENCY_TWO_FACTOR:
            return True
        if organisation.is_authority and membership.role in organisation.policy.two_factor_roles:
            return True
    return False
