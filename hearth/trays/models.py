"""Work trays and the mail that tells people something has landed in theirs.

A work item is one thing waiting for someone: a referral to quality-assure, to approve, to screen, a
request for comments, a deadline to act on. It lands with one person, with a team, or with everyone
holding a role in an organisation (the service lead, the placements team), and stays open until the
step it waits for is taken. Trays are queries over open items: urgent first, then by due date.
"""

from django.conf import settings
from django.db import models

from hearth.core.models import Organisation, Team


class WorkItem(models.Model):
    class Kind(models.TextChoices):
        REFERRAL_DRAFT = "referral_draft", "Finish the referral"
        REFERRAL_RETURNED = "referral_returned", "Referral returned to you"
        REFERRAL_REVIEW = "referral_review", "Comment on and forward the referral"
        REFERRAL_APPROVAL = "referral_approval", "Approve the referral"
        REFERRAL_SCREENING = "referral_screening", "Screen the approved referral"
        REFERRAL_COMMENTS = "referral_comments", "Comments requested on a referral"
        URGENT_REFERRAL = "urgent_referral", "Urgent referral on its way"
        RETURN_CALL = "return_call", "Phone the social worker about a returned urgent referral"
        EMERGENCY_ENDING = "emergency_ending", "Emergency placement ends"
        CARER_OFFER = "carer_offer", "Carers offer a home: read their profile and talk to them"
        OFFER_CONSULTATION = "offer_consultation", "Concerns asked about carers who offer a home"
        SPLIT_AGREEMENT = "split_agreement", "Agree how brothers and sisters are to be placed"
        MATCHING_FORM = "matching_form", "Complete the matching form"
        MATCHING_SIGN_OFF = "matching_sign_off", "Sign off the matching form"
        AGENCY_CHASE = "agency_chase", "Chase a provider that has not answered a referral"
        OFFER_EXPIRING = "offer_expiring", "An agency offer expires soon: decide on it"
        COST_APPROVAL = "cost_approval", "Approve the weekly cost of a placement"
        PLACEMENT_START = "placement_start", "Start the placement"
        RETROSPECTIVE_APPROVAL = "retrospective_approval", "Approve an emergency placement made"
        PLACEMENT_PLAN = "placement_plan", "Write the placement plan"
        LIFE_STORY_SESSION = "life_story_session", "Hold the life story sharing session"
        STATUTORY_VISIT = "statutory_visit", "First statutory visit to the child in placement"
        COSTING = "costing", "Confirm the placement's costing (CPLI)"
        STABILITY_MEETING = "stability_meeting", "Convene a stability meeting"
        STABILITY_MINUTES = "stability_minutes", "Circulate a meeting's minutes"
        STABILITY_ACTION = "stability_action", "An action from a stability meeting"
        ACTION_OVERDUE = "action_overdue", "An action is overdue: do it or say why"
        ACTION_ESCALATED = "action_escalated", "An overdue action is now yours to see through"
        IRO_ACTION_CHECK = "iro_action_check", "Check a stability meeting's actions were done"
        UNPLANNED_ENDING_MEETING = "unplanned_ending_meeting", "Hold an unplanned ending meeting"
        UNPLANNED_ENDING_WAIVER = (
            "unplanned_ending_waiver",
            "Decide whether an unplanned ending meeting is needed",
        )
        MOVING_ON = "moving_on", "A child moved on: the carer's profile and letter"
        ENQUIRY = "enquiry", "Answer a fostering enquiry"
        ENQUIRY_RECONTACT = "enquiry_recontact", "Contact again someone who was not ready to foster"
        STATUTORY_CHECKS = "statutory_checks", "Complete an applicant's statutory checks"
        ASSESSMENT = "assessment", "Assess a fostering household"
        VIABILITY_ASSESSMENT = "viability_assessment", "Assess whether a relative could care"
        VIABILITY_DECISION = "viability_decision", "Decide jointly on a viability assessment"
        TEMPORARY_APPROVAL = "temporary_approval", "Decide on a Regulation 24 temporary approval"
        PANEL_RECOMMENDATION = "panel_recommendation", "Record the panel's recommendation"
        ADM_DECISION = "adm_decision", "Make the agency decision after panel"
        SUPERVISORY_VISIT = "supervisory_visit", "A supervisory visit is due"
        VISIT_RECORD = "visit_record", "Write up a visit and send it to the carers"
        ANNUAL_REVIEW = "annual_review", "Hold a foster carer's annual review"
        SUPPORT_REQUEST = "support_request", "Answer a foster carer's request for support"
        ALLEGATION = "allegation", "An allegation: consult the LADO"

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="work_items"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_items",
    )
    title = models.CharField(max_length=300)
    note = models.CharField(max_length=500, blank=True)
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_items",
    )
    assigned_team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="work_items"
    )
    assigned_role = models.CharField(
        max_length=40, blank=True, help_text="Everyone holding this role in the organisation"
    )
    urgent = models.BooleanField(default=False)
    due_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The record within the referral the item waits on, such as "offer:12", where one referral has
    # several of a kind at once; empty for an item about the referral as a whole.
    key = models.CharField(max_length=60, blank=True, default="")
    # Where the item is done, for an item about a record other than the referral (a stability
    # meeting, an action); empty to open the referral.
    link = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-urgent", models.F("due_at").asc(nulls_last=True), "opened_at", "pk"]
        indexes = [models.Index(fields=["organisation", "closed_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(assigned_user__isnull=True, assigned_team__isnull=True)
                | ~models.Q(assigned_role=""),
                name="work_item_lands_somewhere",
            )
        ]

    def __str__(self):
        return self.title


class OutgoingEmail(models.Model):
    """A message waiting for `hearth worker` to send it. Messages name no child: they say that
    something is waiting in Hearth and link to it, so a child's details never travel by email."""

    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    send_after = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.subject} -> {self.to}"
