from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models

from hearth.core import rules

ons_code_validator = RegexValidator(
    r"^[EWSN]\d{8}$", "Enter an ONS code: a letter E, W, S or N and eight digits, like E08000010"
)
ofsted_urn_validator = RegexValidator(
    r"^(SC)?\d{6,7}$", "Enter an Ofsted URN: six or seven digits, or SC and six digits"
)


class Organisation(models.Model):
    """A council (local authority) or a provider (an independent fostering agency).

    Every record a council or agency owns points to its organisation; users hold roles within one.
    """

    class Kind(models.TextChoices):
        AUTHORITY = "authority", "Council"
        AGENCY = "agency", "Independent fostering agency"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=200)
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[ons_code_validator],
    )
    ofsted_urn = models.CharField(
        "Ofsted URN",
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[ofsted_urn_validator],
    )
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    postcode = models.CharField(max_length=8, blank=True)
    # The provider directory (agencies): what a council's placements team needs instead of its
    # Outlook contacts. Empty for councils.
    sector = models.CharField(
        max_length=12,
        choices=[("private", "Private"), ("voluntary", "Voluntary or third sector")],
        blank=True,
        help_text="Who runs the provider: decides the SSDA903 PLACE_PROVIDER code (PR4 or PR5)",
    )
    provides = models.JSONField(
        "Services",
        default=list,
        blank=True,
        help_text="'fostering' and, for a provider that runs children's homes, 'residential'",
    )
    care_types = models.JSONField("Types of care", default=list, blank=True)
    areas_served = models.JSONField(
        default=list, blank=True, help_text="Names of the council areas the provider serves"
    )
    weekly_rate_from = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, help_text="Lowest weekly fee, pounds"
    )
    weekly_rate_to = models.DecimalField(
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Highest weekly fee, pounds",
    )
    synthetic = models.BooleanField(
        default=False, help_text="Made up by `hearth seed` or `hearth demo`: holds no real records"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="agency") | models.Q(ons_code__isnull=False),
                name="authority_has_ons_code",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_authority(self):
        return self.kind == self.Kind.AUTHORITY

    @property
    def is_agency(self):
        return self.kind == self.Kind.AGENCY


class Contract(models.Model):
    """Whether an agency is on a council's framework (in contract) or spot purchased (off contract)."""

    class Status(models.TextChoices):
        IN_CONTRACT = "in_contract", "In contract"
        OFF_CONTRACT = "off_contract", "Off contract"

    authority = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="contracts")
    agency = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contracts_held"
    )
    status = models.CharField(max_length=16, choices=Status.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "agency"], name="one_contract_per_pair")
        ]

    def __str__(self):
        return f"{self.agency} · {self.get_status_display()} · {self.authority}"


class ProviderContact(models.Model):
    """A person at a provider the placements team writes to or rings."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    receives_referrals = models.BooleanField(
        default=True, help_text="Sent a copy of every referral the council sends the provider"
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self):
        return f"{self.name}, {self.organisation}"


class Team(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(max_length=120)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="team_name_unique_in_organisation"
            )
        ]

    def __str__(self):
        return self.name


def default_timescales():
    return {t.name: {"amount": t.amount, "unit": t.unit} for t in rules.TIMESCALES}


def default_thresholds():
    return {t.name: t.value for t in rules.THRESHOLDS}


def default_approvers():
    return {a.name: a.role for a in rules.APPROVERS}


def default_cost_tiers():
    return [dict(tier) for tier in rules.COST_TIERS]


def default_switches():
    return {name: value for name, (value, _label) in rules.SWITCHES.items()}


def default_two_factor_roles():
    return []


def default_contacts():
    return {c.name: "" for c in rules.CONTACTS}


class Policy(models.Model):
    """A council's timescales, thresholds and approvers. Defaults from the seeds (see core/rules.py)."""

    authority = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="policy")
    timescales = models.JSONField(default=default_timescales)
    thresholds = models.JSONField(default=default_thresholds)
    approvers = models.JSONField(default=default_approvers)
    cost_tiers = models.JSONField(default=default_cost_tiers)
    switches = models.JSONField(default=default_switches)
    two_factor_roles = models.JSONField(default=default_two_factor_roles)
    contacts = models.JSONField(default=default_contacts)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "policies"

    def __str__(self):
        return f"Policy of {self.authority}"

    def timescale(self, name):
        """(amount, unit) of a timescale rule; unknown names raise KeyError."""
        default = rules.TIMESCALES_BY_NAME[name]
        value = self.timescales.get(name) or {}
        return value.get("amount", default.amount), value.get("unit", default.unit)

    def threshold(self, name):
        return self.thresholds.get(name, rules.THRESHOLDS_BY_NAME[name].value)

    def approver(self, name):
        return self.approvers.get(name, rules.APPROVERS_BY_NAME[name].role)

    def contact(self, name):
        """An address the policy holds (rules.CONTACTS); empty where the council has not set it."""
        rules.CONTACTS_BY_NAME[name]  # unknown names raise KeyError
        return self.contacts.get(name, "")

    def switch(self, name):
        return self.switches.get(name, rules.SWITCHES[name][0])

    def cost_approver(self, weekly_cost):
        """The role that must approve an agency placement of this weekly cost in pounds (001), or
        the assistant director for every agency placement where the council says so (000)."""
        if self.switch("agency_matches_to_assistant_director"):
            return "assistant_director"
        for tier in self.cost_tiers:
            if tier["below"] is None or weekly_cost < tier["below"]:
                return tier["role"]
        return self.cost_tiers[-1]["role"]


class PolicyChange(models.Model):
    """One change to a council's policy: who, when, which setting, from what to what. Append-only."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="changes")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)
    setting = models.CharField(max_length=80)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.setting}: {self.old_value} -> {self.new_value}"
