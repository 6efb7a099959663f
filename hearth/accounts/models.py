import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from hearth.accounts.roles import Role
from hearth.core.models import Organisation, Team


class User(AbstractUser):
    """A person who signs in. What they may see comes from their memberships, never from flags here."""

    job_title = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    registration_number = models.CharField(
        "Social Work England registration number",
        max_length=12,
        blank=True,
        help_text="SW and digits: the SW_ID of the children looked after return",
    )
    is_demo = models.BooleanField(
        default=False, help_text="A `hearth demo` sign-in: refused unless Hearth runs as a demo"
    )

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def display_name(self):
        return self.get_full_name() or self.username


class Membership(models.Model):
    """One role a user holds within one organisation (and optionally one of its teams)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=40, choices=Role.choices)
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="one_membership_per_role"
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"


class ApiToken(models.Model):
    """A bearer token for the API. Only a hash is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=120, blank=True)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @staticmethod
    def generate_key():
        return "hth_" + secrets.token_urlsafe(32)
