"""The search for a home once a referral is accepted: carers' offers, the questions asked of the
people around the children already living with them, a sibling group's agreed split, and the
matching form a team manager signs off (DOMAIN.md, referral to placement, steps 8, 9 and 12).

Each contact with carers is a row of the referral's history (`ReferralEvent`, action
`carer_contact`); what follows from an offer is kept here and written to the history too, so the
chronology stays a query over one table.

An offer is made by a household for some or all of the referral's children. In-house offers come
from the in-house search; agency offers answer an `AgencyRequest` (the referral sent to one
provider, seen minimised on the agency portal) and carry their weekly cost, terms and expiry.
"""

from django.conf import settings
from django.db import models

from hearth.core.models import Organisation
from hearth.people.models import Child, Household
from hearth.referrals.models import Referral


class AgencyRequest(models.Model):
    """A referral sent to one provider: the provider sees it, minimised, on the agency portal until
    it is withdrawn from them or the children are placed; the council chases an unanswered one."""

    class Status(models.TextChoices):
        SENT = "sent", "Waiting for an answer"
        OFFERED = "offered", "Offer made"
        NO_OFFER = "no_offer", "No home to offer"
        WITHDRAWN = "withdrawn", "Withdrawn from the provider"
        CLOSED = "closed", "Closed: the search is over"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="agency_requests")
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agency_requests"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SENT)
    contract_status = models.CharField(
        max_length=16, blank=True, help_text="In or off contract with the council when sent"
    )
    message = models.TextField("Message to the provider", blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField()
    answer_due_at = models.DateTimeField(help_text="Chased if not answered by then (policy)")
    chased_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField("Why no home is offered", blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [models.Index(fields=["provider", "status"])]
        constraints = [
            models.UniqueConstraint(fields=["referral", "provider"], name="one_request_each"),
            models.CheckConstraint(
                condition=~models.Q(status="no_offer") | ~models.Q(answer=""),
                name="agency_request_no_offer_has_reason",
            ),
        ]

    def __str__(self):
        return f"Referral {self.referral_id} sent to {self.provider}"


class Offer(models.Model):
    """A household's offer of a home for some or all of a referral's children."""

    class Source(models.TextChoices):
        IN_HOUSE = "in_house", "In-house carers"
        AGENCY = "agency", "Agency carers"

    class Status(models.TextChoices):
        OPEN = "open", "With the social worker"
        AGREED = "agreed", "Agreed by the social worker"
        MATCHED = "matched", "Matched: form signed off"
        DECLINED = "declined", "Declined by the social worker"
        WITHDRAWN = "withdrawn", "Withdrawn by the carers"
        CLOSED = "closed", "Closed: another home was matched"
        EXPIRED = "expired", "Expired before a decision"
        PLACED = "placed", "Placed: the children have moved in"

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="offers")
    children = models.ManyToManyField(Child, related_name="offers")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="offers")
    source = models.CharField(max_length=20, choices=Source.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    available_from = models.DateField(
        null=True, blank=True, help_text="When the carers can take the children"
    )
    note = models.TextField("What the carers said", blank=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    # The child's social worker talks to the carers before agreeing (000).
    conversation = models.TextField("The social worker's conversation with the carers", blank=True)
    conversation_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    conversation_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    # An agency offer (001): what it costs and covers, who the carers are, the provider's Ofsted
    # details and references, and how long it stands.
    agency_request = models.ForeignKey(
        AgencyRequest, on_delete=models.PROTECT, null=True, blank=True, related_name="offers"
    )
    weekly_cost = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    cost_covers = models.TextField("What the weekly cost covers", blank=True)
    carer_profile = models.TextField(blank=True)
    ofsted_details = models.TextField(
        "Ofsted details", blank=True, help_text="Latest inspection, judgement and date"
    )
    references = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    # Agreeing to an agency offer while an in-house one stands needs a robust reason (001).
    in_house_passed_over = models.TextField(
        "Why not the in-house offer", blank=True, help_text="Recorded and reported"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["made_at", "pk"]
        indexes = [models.Index(fields=["referral", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["declined", "withdrawn"])
                | ~models.Q(decision_reason=""),
                name="offer_declined_with_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="agency") | models.Q(weekly_cost__isnull=False),
                name="agency_offer_has_cost",
            ),
        ]

    def __str__(self):
        return f"Offer {self.pk} from {self.household} on referral {self.referral_id}"


class Consultation(models.Model):
    """A question to the social worker or IRO of a child already living with the carers who
    offer: any concerns about this child joining the household? (000)"""

    class AskedAs(models.TextChoices):
        SOCIAL_WORKER = "social_worker", "Social worker"
        IRO = "iro", "IRO"

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="consultations")
    placed_child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="+")
    asked_as = models.CharField(max_length=20, choices=AskedAs.choices)
    asked_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        help_text="Empty where the child has no one allocated: the answer is then recorded by the "
        "search team from whoever speaks for the child",
    )
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    asked_at = models.DateTimeField(auto_now_add=True)
    has_concerns = models.BooleanField(null=True, blank=True)
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    recorded_from = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where the answer was recorded for someone else: who gave it, and how",
    )

    class Meta:
        ordering = ["asked_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["offer", "placed_child", "asked_as"], name="one_consultation_each"
            )
        ]

    def __str__(self):
        return f"{self.get_asked_as_display()} of child {self.placed_child_id} on offer {self.offer_id}"


class SiblingSplit(models.Model):
    """How brothers and sisters who cannot live together are to be placed: which children stay
    together, agreed by the social worker and the team manager (000, 002)."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="splits")
    parts = models.JSONField(help_text="The children of each part, by record id")
    reason = models.TextField()
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)
    social_worker_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    social_worker_agreed_at = models.DateTimeField(null=True, blank=True)
    team_manager_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    team_manager_agreed_at = models.DateTimeField(null=True, blank=True)
    set_aside_at = models.DateTimeField(
        null=True, blank=True, help_text="Replaced by a later proposal, or no longer needed"
    )

    class Meta:
        ordering = ["proposed_at", "pk"]

    def __str__(self):
        return f"Split of referral {self.referral_id}"

    @property
    def agreed(self):
        return self.social_worker_agreed_at is not None and self.team_manager_agreed_at is not None


class MatchingForm(models.Model):
    """The record that the carers' skills meet the child's needs, with the gaps and the support to
    close them, signed off by a team manager (000)."""

    offer = models.OneToOneField(Offer, on_delete=models.CASCADE, related_name="matching_form")
    # [{"need": tag, "how": how the carers meet it}] and [{"need": tag, "support": the support}]
    needs_met = models.JSONField(default=list, blank=True)
    gaps = models.JSONField(default=list, blank=True)
    why_this_home = models.TextField("Why this home", blank=True)
    support_plan = models.TextField("Support for the carers and the children", blank=True)
    family_time = models.TextField("Family time and contact arrangements", blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    sign_off_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"Matching form for offer {self.offer_id}"
