from django.conf import settings
from django.db import models

from hearth.core.models import Organisation, Team
from hearth.people import vocabulary


def _choices(mapping):
    return list(mapping.items())


class SiblingGroup(models.Model):
    """Brothers and sisters the council plans to place together wherever possible (000, 002)."""

    authority = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="sibling_groups"
    )
    reference = models.CharField(max_length=40)
    together_plan = models.TextField(
        blank=True, help_text="For groups of more than two: which children should live together"
    )

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference"], name="sibling_group_reference_unique"
            )
        ]

    def __str__(self):
        return self.reference


class Child(models.Model):
    """A child looked after by a council."""

    authority = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="children")
    reference = models.CharField(
        "Child reference", max_length=40, help_text="The council's case system ID (the 903 CHILD)"
    )
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    preferred_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    sex = models.CharField(max_length=1, choices=_choices(vocabulary.SEXES))
    ethnicity = models.CharField(max_length=4, choices=_choices(vocabulary.ETHNICITIES))
    religion = models.CharField(
        max_length=20, choices=_choices(vocabulary.RELIGIONS), default="not_known"
    )
    languages = models.JSONField(default=list, blank=True)
    disability = models.CharField(max_length=300, blank=True)
    legal_status = models.CharField(max_length=2, choices=_choices(vocabulary.LEGAL_STATUSES))
    home_postcode = models.CharField(max_length=8, blank=True)
    school_postcode = models.CharField(max_length=8, blank=True)
    needs = models.JSONField(default=list, blank=True)
    risks = models.JSONField(default=list, blank=True)
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="allocated_children",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    iro = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="IRO",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviewed_children",
    )
    sibling_group = models.ForeignKey(
        SiblingGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    placed_with = models.ForeignKey(
        "people.Household",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="children_placed",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # What a person (the record's form) or an import may change; the rest is kept by Hearth itself.
    RECORD_FIELDS = (
        "reference", "first_name", "last_name", "preferred_name", "date_of_birth", "sex", "ethnicity",
        "religion", "languages", "disability", "legal_status", "home_postcode", "school_postcode",
        "needs", "risks", "social_worker", "team", "iro",
    )  # fmt: skip

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name_plural = "children"
        constraints = [
            models.UniqueConstraint(
                fields=["authority", "reference"], name="child_reference_unique"
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


class Household(models.Model):
    """A fostering household: approved by a council (in-house) or by an agency."""

    class Status(models.TextChoices):
        ENQUIRY = "enquiry", "Enquiry"
        APPLICATION = "application", "Applied: checks under way"
        IN_ASSESSMENT = "in_assessment", "In assessment"
        APPROVED = "approved", "Approved"
        TEMPORARY = "temporary", "Temporary approval (Regulation 24)"
        ON_HOLD = "on_hold", "On hold"
        DEREGISTERED = "deregistered", "No longer fostering"
        NOT_PROGRESSED = "not_progressed", "Did not go on to approval"

    class HoldReason(models.TextChoices):
        ALLEGATION = "allegation", "Allegation"
        ILLNESS = "illness", "Illness"
        ADOPTION = "adoption", "Adoption"
        FAMILY_CIRCUMSTANCES = "family_circumstances", "Family circumstances"
        OTHER = "other", "Other"

    provider = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="households",
        help_text="The council that approved the household (in-house) or the agency",
    )
    reference = models.CharField(max_length=40)
    name = models.CharField(
        max_length=150, help_text="How the household is known, e.g. 'Smith family'"
    )
    postcode = models.CharField(max_length=8)
    bedrooms = models.PositiveSmallIntegerField(help_text="Bedrooms available to fostered children")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_ASSESSMENT)
    hold_reason = models.CharField(max_length=30, choices=HoldReason.choices, blank=True)
    min_age = models.PositiveSmallIntegerField("Youngest age approved", default=0)
    max_age = models.PositiveSmallIntegerField("Oldest age approved", default=17)
    max_children = models.PositiveSmallIntegerField("Children approved for", default=1)
    care_types = models.JSONField("Types of care", default=list, blank=True)
    named_children = models.ManyToManyField(
        Child,
        blank=True,
        related_name="kinship_households",
        help_text="Kinship approval: the children named",
    )
    accepts_siblings = models.BooleanField(default=True)
    fostering_limit_exemption = models.BooleanField(
        default=False, help_text="Exempt from the usual fostering limit: visited 4-weekly"
    )
    settled_long_term = models.BooleanField(
        default=False, help_text="Settled long-term carers may be visited 12-weekly"
    )
    skills = models.JSONField(default=list, blank=True)
    ethnicity = models.CharField(max_length=4, choices=_choices(vocabulary.ETHNICITIES), blank=True)
    religion = models.CharField(max_length=20, choices=_choices(vocabulary.RELIGIONS), blank=True)
    languages = models.JSONField(default=list, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    review_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Annual review, or end of a Regulation 24 assessment, from the policy",
    )
    weekly_cost = models.DecimalField(
        max_digits=8, decimal_places=2, default=0, help_text="Agency weekly fee; 0 for in-house"
    )
    supervising_social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supervised_households",
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    RECORD_FIELDS = (
        "reference", "name", "postcode", "bedrooms", "status", "hold_reason", "min_age", "max_age",
        "max_children", "care_types", "accepts_siblings", "skills", "ethnicity", "religion", "languages",
        "approved_on", "weekly_cost", "supervising_social_worker",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference"], name="household_reference_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(min_age__lte=models.F("max_age")), name="household_age_range"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="on_hold") | ~models.Q(hold_reason=""),
                name="household_hold_has_reason",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_in_house(self):
        return self.provider.kind == Organisation.Kind.AUTHORITY


class Carer(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="carers")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
