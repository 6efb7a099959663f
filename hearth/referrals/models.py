"""The Placement Referral Form (PL1) and its history (DOMAIN.md, referral to placement, steps 1-7)."""

from django.conf import settings
from django.db import models

from hearth.core.models import Organisation, Team
from hearth.people import vocabulary
from hearth.people.models import Child, Household, SiblingGroup


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "With team manager"
    WITH_SERVICE_LEAD = "with_service_lead", "With service lead"
    APPROVED = "approved", "Approved, awaiting screening"
    RETURNED = "returned", "Returned to social worker"
    SEARCHING = "searching", "Searching"
    MATCHED = "matched", "Matched: placement being arranged"
    PLACED = "placed", "Placed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Referral(models.Model):
    """A social worker's request for a home for one child or a sibling group."""

    class UrgencyReason(models.TextChoices):
        POLICE_PROTECTION = "police_protection", "Police protection"
        SAFEGUARDING = "safeguarding", "Safeguarding: the child is not safe where they are"
        PLACEMENT_ENDING = "placement_ending", "The current placement ends today"
        OTHER = "other", "Another reason"

    class AgreementFrom(models.TextChoices):
        HEALTH = "health", "Health"
        SEND = "send", "Education: SEND team"
        VIRTUAL_SCHOOL = "virtual_school", "Education: Virtual School"
        SENIOR_MANAGER = "senior_manager", "A senior manager"

    class SearchRoute(models.TextChoices):
        IN_HOUSE_FIRST = "in_house_first", "In-house carers first"
        DUAL = "dual", "In-house and agencies at once"

    class SearchState(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        SEARCHING = "searching", "Searching"
        OFFERS = "offers", "Offers received"
        MATCHED = "matched", "Match agreed"
        NOT_NEEDED = "not_needed", "Not needed"

    authority = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="referrals")
    children = models.ManyToManyField(Child, related_name="referrals")
    sibling_group = models.ForeignKey(
        SiblingGroup, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    social_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referrals",
        help_text="The allocated social worker who makes the referral",
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    returned_from = models.CharField(max_length=20, choices=Status.choices, blank=True)

    # The placement needed
    placement_type = models.CharField(
        max_length=20, choices=list(vocabulary.PLACEMENT_TYPES.items()), blank=True
    )
    date_needed = models.DateField(null=True, blank=True)
    urgent = models.BooleanField(
        "Urgent: a home is needed today", default=False, help_text="Jumps every work tray"
    )
    urgency_reason = models.CharField(max_length=30, choices=UrgencyReason.choices, blank=True)
    urgency_detail = models.TextField(blank=True)

    # About the child, in strengths-based words a carer can use
    history = models.TextField("The child's history", blank=True)
    needs_summary = models.TextField("Needs", blank=True)
    care_plan = models.TextField("Care plan and family time", blank=True)
    identity = models.TextField("Identity: culture, faith, language, sexuality", blank=True)
    feels_safe = models.TextField("What helps the child feel safe", blank=True)
    support_in_place = models.TextField("Support in place", blank=True)
    likes_dislikes = models.TextField("Likes and dislikes", blank=True)
    child_views = models.TextField("The child's own views", blank=True)

    # Risk assessment: what is known, kept apart from what is thought
    risk_facts = models.TextField("Known facts", blank=True)
    risk_opinions = models.TextField("Professional opinion", blank=True)
    risk_management = models.TextField("How the risks are to be managed", blank=True)

    # Where the child should live
    stay_near_school = models.BooleanField(default=False)
    stay_near_family = models.BooleanField(default=False)
    distance_limit_miles = models.PositiveSmallIntegerField(null=True, blank=True)
    location_notes = models.TextField("Location needs", blank=True)

    # Education or therapy asked for with the placement (001)
    education_requested = models.BooleanField(null=True, blank=True)
    therapy_requested = models.BooleanField(null=True, blank=True)
    request_details = models.TextField(blank=True)
    agreement_from = models.CharField(max_length=20, choices=AgreementFrom.choices, blank=True)
    agreement_by = models.CharField("Agreed by (name and role)", max_length=200, blank=True)
    agreement_on = models.DateField(null=True, blank=True)
    agreement_evidence = models.TextField(
        "Evidence of agreement", blank=True, help_text="Where the agreement is recorded"
    )

    # Family and friends first (000, 002, 003)
    network_explored = models.BooleanField(null=True, blank=True)
    network_summary = models.TextField(blank=True)
    viability_under_way = models.BooleanField(null=True, blank=True)
    viability_details = models.TextField(blank=True)

    # A child new into care needs an agreement to accommodate (000)
    new_into_care = models.BooleanField(null=True, blank=True)
    accommodation_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="accommodation_agreements",
    )
    accommodation_agreed_on = models.DateField(null=True, blank=True)

    # The placements team's file and search
    file_reference = models.CharField(max_length=20, blank=True)
    search_route = models.CharField(max_length=20, choices=SearchRoute.choices, blank=True)
    search_route_reason = models.CharField(max_length=500, blank=True)
    search_route_overridden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    in_house_search = models.CharField(
        max_length=20, choices=SearchState.choices, default=SearchState.NOT_STARTED
    )
    agency_search = models.CharField(
        max_length=20, choices=SearchState.choices, default=SearchState.NOT_STARTED
    )
    # Widening a failing search (e.g. children's homes for an urgent fostering need) needs the
    # social worker's recorded permission (001).
    search_widened_to = models.JSONField(
        default=list, blank=True, help_text="What the search may now include: 'residential'"
    )
    search_widened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    search_widened_at = models.DateTimeField(null=True, blank=True)
    search_widening_reason = models.TextField(blank=True)
    next_action = models.CharField(max_length=300, blank=True)
    next_action_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # An emergency carer booked while the longer-term search goes on (000)
    emergency_household = models.ForeignKey(
        Household, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    emergency_booked_at = models.DateTimeField(null=True, blank=True)
    emergency_ends_at = models.DateTimeField(null=True, blank=True)
    emergency_ended_at = models.DateTimeField(
        null=True, blank=True, help_text="When the placements team recorded the booking's end"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-urgent", "-created_at", "-pk"]
        indexes = [models.Index(fields=["authority", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="returned") | ~models.Q(returned_from=""),
                name="referral_returned_from_a_step",
            )
        ]

    def __str__(self):
        return f"Referral {self.pk}"


class ReferralEvent(models.Model):
    """One step in a referral's life: a transition, a comment, a contact or a decision. Append-only:
    the database refuses to change or delete a row. The chronology is a query over these rows."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by_role = models.CharField(
        max_length=40, blank=True, help_text="The role the step was taken in"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    comment = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.from_status} -> {self.to_status}"


class CommentRequest(models.Model):
    """A request for the IRO's or the Virtual School's comments on a referral (000)."""

    class From(models.TextChoices):
        IRO = "iro", "The child's IRO"
        VIRTUAL_SCHOOL = "virtual_school", "The Virtual School"

    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="comment_requests"
    )
    asked_of = models.CharField(max_length=20, choices=From.choices)
    asked_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The IRO asked, one request each; empty for the Virtual School as a whole",
    )
    question = models.TextField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]

    def __str__(self):
        return f"{self.get_asked_of_display()} on referral {self.referral_id}"


class EmergencyDuty(models.Model):
    """Which emergency foster carer is on duty, day by day: the one the placements team rings first
    for an urgent same-day referral (000)."""

    authority = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="emergency_duties"
    )
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="duties")
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name_plural = "emergency duties"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")), name="duty_dates_in_order"
            )
        ]

    def __str__(self):
        return f"{self.household} on duty {self.starts_on} to {self.ends_on}"
