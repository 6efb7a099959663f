"""From an agreed match to a child living in a home (DOMAIN.md, referral to placement, steps 13
to 15): the cost approval an agency placement needs, the Individual Placement Agreement (IPA) shared
with the provider, the placement itself as an SSDA903 episode, its costing (CPLI) and its ending.

A placement is one child's episode with one household: a sibling group placed together has one
placement each, started together.
"""

from django.conf import settings
from django.db import models

from hearth.core.models import Organisation
from hearth.people.models import Child, Household
from hearth.referrals.models import Referral
from hearth.search.models import Offer


class CostApproval(models.Model):
    """The approval of an agency placement's weekly cost by the role the policy names for it (001).
    A changed cost sets the standing request aside and asks again."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a decision"
        APPROVED = "approved", "Approved"
        REFUSED = "refused", "Refused"
        SUPERSEDED = "superseded", "Set aside: the cost changed"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="cost_approvals")
    weekly_cost = models.DecimalField(max_digits=8, decimal_places=2)
    required_role = models.CharField(
        max_length=40, help_text="The role the policy named for this cost when it was asked"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_as = models.CharField(max_length=40, blank=True, help_text="The role decided in")
    decided_at = models.DateTimeField(null=True, blank=True)
    conditions = models.TextField(blank=True)
    reason = models.TextField(blank=True)
    retrospective = models.BooleanField(
        default=False, help_text="Asked after an emergency placement had started"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer"],
                condition=models.Q(status="pending"),
                name="one_pending_cost_approval",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(reason=""),
                name="cost_refusal_has_reason",
            ),
        ]

    def __str__(self):
        return f"Cost approval {self.pk} of offer {self.offer_id}"


class PlacementAgreement(models.Model):
    """The Individual Placement Agreement with a provider, raised from the agreed terms once the
    approvals are complete; its PDF is made from `terms`, so it never changes after it is issued."""

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="agreement")
    reference = models.CharField(max_length=40, unique=True)
    terms = models.JSONField(help_text="What was agreed, as issued")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField()

    class Meta:
        ordering = ["issued_at", "pk"]

    def __str__(self):
        return self.reference


class Placement(models.Model):
    """One child's placement with one household: an SSDA903 episode, with its codes derived from
    the match and checked when entered."""

    class Ending(models.TextChoices):
        PLANNED = "planned", "Planned"
        UNPLANNED = "unplanned", "Unplanned"

    authority = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="placements_made"
    )
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="placements")
    referral = models.ForeignKey(
        Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.PROTECT, null=True, blank=True, related_name="placements"
    )
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="placements")
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="placements_provided"
    )
    care_type = models.CharField(max_length=20, help_text="people.vocabulary.PLACEMENT_TYPES")
    started_on = models.DateField()
    # SSDA903 episode fields
    place = models.CharField("PLACE", max_length=3)
    place_provider = models.CharField("PLACE_PROVIDER", max_length=3)
    legal_status = models.CharField("LS", max_length=2)
    reason_new_episode = models.CharField("RNE", max_length=1)
    home_postcode = models.CharField("HOME_POST", max_length=8, blank=True)
    placement_postcode = models.CharField("PL_POST", max_length=8, blank=True)
    urn = models.CharField("URN", max_length=8, blank=True)
    weekly_cost = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    emergency = models.BooleanField(
        default=False, help_text="Started before its approvals were complete"
    )
    retrospective_approval_due_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The ending
    ended_on = models.DateField(null=True, blank=True)
    ending = models.CharField(max_length=10, choices=Ending.choices, blank=True)
    reason_ceased = models.CharField("REC", max_length=3, blank=True)
    reason_place_change = models.CharField("REASON_PLACE_CHANGE", max_length=5, blank=True)
    ending_note = models.TextField(blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    needs_ending_meeting = models.BooleanField(
        default=False, help_text="An unplanned ending: an unplanned ending meeting follows"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["authority", "ended_on"])]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(ended_on__isnull=True),
                name="one_open_placement_per_child",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | (~models.Q(reason_ceased="") & ~models.Q(ending="")),
                name="placement_ended_with_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")),
                name="placement_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"Placement {self.pk} of child {self.child_id}"

    @property
    def is_open(self):
        return self.ended_on is None


class Costing(models.Model):
    """The costing record (CPLI) finance confirms for an agency placement (001)."""

    placement = models.OneToOneField(Placement, on_delete=models.PROTECT, related_name="costing")
    weekly_cost = models.DecimalField(max_digits=8, decimal_places=2)
    starts_on = models.DateField()
    approval = models.ForeignKey(
        CostApproval, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approval_role = models.CharField(max_length=40, help_text="The tier that approved the cost")
    finance_reference = models.CharField(max_length=40, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["-confirmed_at", "-pk"]

    def __str__(self):
        return f"Costing of placement {self.placement_id}"
