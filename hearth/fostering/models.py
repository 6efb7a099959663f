"""The fostering service (DOMAIN.md "Foster carers" and "Reporting", seeds 002 and 004): a household
from its first enquiry through application, statutory checks, assessment, panel and the agency
decision maker's decision, then its support (visits, reviews, training, requests for help), holds,
allegations and exit; kinship viability and Regulation 24 approvals; the council's recruitment action
plans and the figures of neighbouring councils it compares itself with.

`RecruitmentEvent` is the household's fostering history: one row per step that the monthly fostering
figures count (CONTRACT.md section 4). Every service that takes such a step appends one, and
`hearth import recruitment-events` loads a council's past history into the same table, so that the
figures of imported months and of months worked in Hearth are counted the same way.
"""

from django.conf import settings
from django.db import models

from hearth.core.models import Organisation
from hearth.fostering import vocabulary
from hearth.people.models import Carer, Child, Household

USER = settings.AUTH_USER_MODEL


def _user(help_text="", **kwargs):
    return models.ForeignKey(
        USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=help_text, **kwargs,
    )  # fmt: skip


def _authority():
    return models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")


class RecruitmentEvent(models.Model):
    class Kind(models.TextChoices):
        ENQUIRY = "enquiry", "Enquiry"
        INITIAL_VISIT = "initial_visit", "Initial home visit"
        APPLICATION = "application", "Application"
        ASSESSMENT_STARTED = "assessment_started", "Assessment started"
        ASSESSMENT_ENDED = "assessment_ended", "Assessment ended without approval"
        APPROVED = "approved", "Approved"
        EXITED = "exited", "Left fostering"
        PLACEMENT_STARTED = "placement_started", "Child placed"
        PLACEMENT_ENDED = "placement_ended", "Child moved on"
        ON_HOLD = "on_hold", "Put on hold"
        OFF_HOLD = "off_hold", "Hold lifted"

    PLACEMENT_KINDS = ("placement_started", "placement_ended")

    class Source(models.TextChoices):
        HEARTH = "hearth", "Recorded in Hearth"
        IMPORT = "import", "Imported history"

    authority = _authority()
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="recruitment_events"
    )
    event = models.CharField(max_length=30, choices=Kind.choices)
    date = models.DateField()
    child = models.ForeignKey(
        Child, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=300, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.HEARTH)
    recorded_by = _user()
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "pk"]
        indexes = [
            models.Index(fields=["authority", "date"]),
            models.Index(fields=["household", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(event__in=["placement_started", "placement_ended"], child__isnull=False)
                | (~models.Q(event__in=["placement_started", "placement_ended"]) & models.Q(child__isnull=True)),
                name="recruitment_event_child_only_for_placements",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.household} {self.event} {self.date}"


# Recruitment -----------------------------------------------------------------------------------------


class Enquiry(models.Model):
    """Someone asks about fostering. Answered within the policy's `enquiry_response` (24 hours);
    the initial home visit is aimed for the same week."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Being followed up"
        APPLIED = "applied", "Applied"
        NOT_PROGRESSED = "not_progressed", "Did not go on"

    authority = _authority()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="enquiries")
    received_at = models.DateTimeField()
    source = models.CharField(max_length=20, choices=vocabulary.ENQUIRY_SOURCES)
    source_detail = models.CharField(
        max_length=200, blank=True, help_text="The event or campaign, where there was one"
    )
    referred_by = models.ForeignKey(
        Household, on_delete=models.SET_NULL, null=True, blank=True, related_name="referrals_made",
        help_text="Word of mouth: the carers who told them, for the reward",
    )  # fmt: skip
    reward_paid_on = models.DateField(null=True, blank=True)
    spare_room = models.BooleanField(null=True, blank=True)
    notes = models.TextField(blank=True)
    owner = _user("Who follows it up")
    respond_by = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True, help_text="First contact back")
    visit_booked_for = models.DateTimeField(null=True, blank=True)
    visit_held_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_on = models.DateField(null=True, blank=True)
    not_progressed_reason = models.CharField(
        max_length=30, choices=vocabulary.NOT_PROGRESSED_REASONS, blank=True
    )
    recontact_on = models.DateField(
        null=True, blank=True, help_text="Not ready yet: when to get in touch again"
    )
    recontacted_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["authority", "outcome"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(outcome="not_progressed") | ~models.Q(not_progressed_reason=""),
                name="enquiry_not_progressed_has_reason",
            ),
        ]

    def __str__(self):
        return f"Enquiry {self.pk}"


class EnquiryContact(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="contacts")
    at = models.DateTimeField()
    method = models.CharField(max_length=20, choices=vocabulary.CONTACT_METHODS)
    note = models.CharField(max_length=500, blank=True)
    by = _user()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_method_display()} on {self.at:%d/%m/%Y}"


class Application(models.Model):
    class Status(models.TextChoices):
        CHECKS = "checks", "Checks under way"
        ASSESSMENT = "assessment", "In assessment"
        APPROVED = "approved", "Approved"
        WITHDRAWN = "withdrawn", "Withdrawn"
        REFUSED = "refused", "Not taken forward"

    authority = _authority()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="applications")
    enquiry = models.ForeignKey(
        Enquiry, on_delete=models.SET_NULL, null=True, blank=True, related_name="applications"
    )
    received_on = models.DateField()
    consent_to_checks = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKS)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(
        max_length=30, choices=vocabulary.NOT_PROGRESSED_REASONS, blank=True
    )
    recorded_by = _user()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"Application {self.pk}"


class StatutoryCheck(models.Model):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="checks")
    kind = models.CharField(max_length=20, choices=vocabulary.CHECKS)
    carer = models.ForeignKey(
        Carer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_on = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=vocabulary.CHECK_OUTCOMES, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["application", "pk"]

    def __str__(self):
        return self.get_kind_display()


class Assessment(models.Model):
    """A Form F (mainstream) or Form K (kinship) assessment, due within the policy's `assessment`
    (20 weeks) or, after a Regulation 24 temporary approval, `reg24_assessment` (16 weeks), which one
    Regulation 25 extension of at most `reg25_extension` (8 weeks) can move on."""

    class Kind(models.TextChoices):
        FORM_F = "form_f", "Form F (mainstream)"
        FORM_K = "form_k", "Form K (kinship)"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        AT_PANEL = "at_panel", "Booked for panel"
        APPROVED = "approved", "Approved"
        ENDED = "ended", "Ended without approval"

    authority = _authority()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="assessments")
    application = models.ForeignKey(
        Application, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.FORM_F)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    started_on = models.DateField()
    due_on = models.DateField()
    assessor = _user("The supervising social worker assessing")
    training_completed_on = models.DateField(
        null=True, blank=True, help_text="Preparation training (Skills to Foster)"
    )
    report_completed_on = models.DateField(null=True, blank=True)
    extended_to = models.DateField(
        null=True, blank=True, help_text="Regulation 25: the one extension the panel agreed"
    )
    extension_reason = models.TextField(blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(
        max_length=30, choices=vocabulary.ASSESSMENT_END_REASONS, blank=True
    )
    end_note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-started_on", "-pk"]
        indexes = [models.Index(fields=["authority", "status"])]

    def __str__(self):
        return f"{self.get_kind_display()} assessment of {self.household}"


class AssessmentVisit(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="visits")
    visited_on = models.DateField()
    by = _user()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["visited_on", "pk"]

    def __str__(self):
        return f"Assessment visit on {self.visited_on:%d/%m/%Y}"


# Kinship ----------------------------------------------------------------------------------------------


class ViabilityAssessment(models.Model):
    """A child's social worker asks whether a relative or friend could care for the child. Whether
    to go on to a full assessment is decided jointly by the child's team and the fostering team."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        COMPLETED = "completed", "Completed: decision to make"
        PROCEED = "proceed", "Full assessment to go ahead"
        NOT_PROCEED = "not_proceed", "Not going ahead"

    authority = _authority()
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="viability_assessments")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="viability_assessments"
    )
    relationship = models.CharField(max_length=100, help_text="To the child, e.g. 'Maternal aunt'")
    requested_by = _user()
    requested_at = models.DateTimeField()
    assessor = _user()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    completed_on = models.DateField(null=True, blank=True)
    recommendation = models.CharField(
        max_length=20,
        choices=[("proceed", "Proceed"), ("not_proceed", "Do not proceed")],
        blank=True,
    )
    summary = models.TextField(blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by_child_team = _user("The child's team manager")
    decided_by_fostering = _user("The fostering team manager")
    decision_reason = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"Viability assessment of {self.household} for {self.child}"


class TemporaryApproval(models.Model):
    """Regulation 24: the agency decision maker approves a connected person for a named child before
    an urgent placement; the full assessment is then due within the policy's `reg24_assessment`."""

    authority = _authority()
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="temporary_approvals"
    )
    child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="temporary_approvals",
        help_text="The named child; an approval without one is flagged",
    )  # fmt: skip
    viability = models.ForeignKey(
        ViabilityAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="temporary_approvals",
    )
    approved_on = models.DateField()
    approved_by = _user("The agency decision maker")
    reason = models.TextField(blank=True)
    assessment_due_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-approved_on", "-pk"]

    def __str__(self):
        return f"Regulation 24 approval of {self.household}"


# Panel and decision -------------------------------------------------------------------------------


class Panel(models.Model):
    """A sitting of the fostering panel (three a month by default)."""

    authority = _authority()
    sits_on = models.DateField()
    venue = models.CharField(max_length=200, blank=True)
    chair = models.CharField(max_length=200, blank=True)
    minutes_received_on = models.DateField(
        null=True, blank=True, help_text="When the agency decision maker had the minutes"
    )
    minutes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["sits_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "sits_on"], name="one_panel_a_day")
        ]

    def __str__(self):
        return f"Fostering panel {self.sits_on:%-d %B %Y}"


class PanelItem(models.Model):
    """One piece of the panel's business: its recommendation on the day, then the agency decision
    maker's decision (due within the policy's `adm_decision` of the minutes) and the appeal window."""

    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="items")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="panel_items")
    business = models.CharField(max_length=20, choices=vocabulary.PANEL_BUSINESS)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="panel_items"
    )
    review = models.ForeignKey(
        "AnnualReview", on_delete=models.SET_NULL, null=True, blank=True, related_name="panel_items"
    )
    presented_by = _user()
    recommendation = models.CharField(max_length=20, choices=vocabulary.RECOMMENDATIONS, blank=True)
    recommendation_notes = models.TextField(blank=True)
    recommended_at = models.DateTimeField(null=True, blank=True)
    # Terms recommended and then decided: ages, how many children, types of care
    min_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)
    max_children = models.PositiveSmallIntegerField(null=True, blank=True)
    care_types = models.JSONField(default=list, blank=True)
    extension_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    exit_reason = models.CharField(
        max_length=30, choices=vocabulary.EXIT_REASONS, blank=True,
        help_text="Deregistration: why it is proposed",
    )  # fmt: skip
    decision_due_on = models.DateField(null=True, blank=True)
    decision = models.CharField(max_length=20, choices=vocabulary.DECISIONS, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    decided_by = _user("The agency decision maker")
    decision_reason = models.TextField(blank=True)
    appeal_by = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(
        null=True, blank=True, help_text="Taken off before a decision: its subject has gone"
    )
    withdrawn_reason = models.CharField(max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["panel__sits_on", "pk"]

    def __str__(self):
        return f"{self.get_business_display()}: {self.household}"


# Support ---------------------------------------------------------------------------------------------


class Visit(models.Model):
    """A supervisory or unannounced visit: written up within `visit_recording` (48 hours) and the
    record given to the carers within `supervision_record_to_carer` (2 weeks)."""

    authority = _authority()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField(max_length=20, choices=vocabulary.VISIT_KINDS)
    visited_at = models.DateTimeField()
    by = _user()
    children_present = models.BooleanField(default=False)
    record = models.TextField(blank=True)
    record_due_at = models.DateTimeField()
    recorded_at = models.DateTimeField(null=True, blank=True)
    to_carer_due_at = models.DateTimeField()
    sent_to_carer_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-visited_at", "-pk"]
        indexes = [models.Index(fields=["household", "kind", "visited_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.household}"


class AnnualReview(models.Model):
    """Every carer's yearly review; the first goes to panel (002)."""

    class Status(models.TextChoices):
        DUE = "due", "Due"
        HELD = "held", "Held"
        AT_PANEL = "at_panel", "Booked for panel"
        COMPLETE = "complete", "Complete"

    authority = _authority()
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="annual_reviews"
    )
    due_on = models.DateField()
    first = models.BooleanField(default=False, help_text="The first review after approval")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DUE)
    held_on = models.DateField(null=True, blank=True)
    reviewer = _user("The reviewing officer")
    carers_views = models.TextField(blank=True)
    childrens_views = models.TextField(blank=True)
    recommendation = models.CharField(
        max_length=20,
        choices=[("continue", "Continue, same terms"), ("change_terms", "Continue, new terms"),
                 ("deregister", "Deregister")],
        blank=True,
    )  # fmt: skip
    notes = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-due_on", "-pk"]

    def __str__(self):
        return f"Annual review of {self.household}"


class Training(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="training")
    carer = models.ForeignKey(
        Carer, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    course = models.CharField(max_length=30, choices=vocabulary.TRAINING_COURSES)
    title = models.CharField(max_length=200, blank=True)
    completed_on = models.DateField()
    recorded_by = _user()

    class Meta:
        ordering = ["-completed_on", "-pk"]

    def __str__(self):
        return self.title or self.get_course_display()


class DevelopmentGoal(models.Model):
    """A line of the carers' personal development plan."""

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="development_goals"
    )
    goal = models.CharField(max_length=300)
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)
    recorded_by = _user()

    class Meta:
        ordering = ["done_on", "due_on", "pk"]

    def __str__(self):
        return self.goal


class SupportRequest(models.Model):
    """Carers ask for help: answered within the policy's `support_request` (24 hours)."""

    authority = _authority()
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="support_requests"
    )
    received_at = models.DateTimeField()
    about = models.TextField()
    respond_by = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = _user()
    answer = models.TextField(blank=True)
    recorded_by = _user()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_at", "-pk"]

    def __str__(self):
        return f"Support request {self.pk}"


# Holds, allegations, exits -----------------------------------------------------------------------------


class Hold(models.Model):
    """While a household is on hold it is offered to no child: searches leave it out."""

    authority = _authority()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="holds")
    reason = models.CharField(max_length=30, choices=Household.HoldReason.choices)
    note = models.TextField(blank=True)
    started_on = models.DateField()
    started_by = _user()
    ended_on = models.DateField(null=True, blank=True)
    ended_by = _user()

    class Meta:
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(ended_on__isnull=True),
                name="one_open_hold_per_household",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"Hold on {self.household}: {self.get_reason_display()}"


class Allegation(models.Model):
    authority = _authority()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="allegations")
    child = models.ForeignKey(
        Child, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    received_on = models.DateField()
    summary = models.TextField()
    hold = models.ForeignKey(
        Hold, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lado_consulted_on = models.DateField(null=True, blank=True)
    lado_reference = models.CharField(max_length=100, blank=True)
    lado_advice = models.TextField(blank=True)
    outcome = models.CharField(max_length=20, choices=vocabulary.ALLEGATION_OUTCOMES, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    recorded_by = _user()
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"Allegation {self.pk}"


class Exit(models.Model):
    authority = _authority()
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="exits")
    kind = models.CharField(max_length=20, choices=vocabulary.EXIT_KINDS)
    reason = models.CharField(max_length=30, choices=vocabulary.EXIT_REASONS)
    note = models.TextField(blank=True)
    exited_on = models.DateField()
    panel_item = models.ForeignKey(
        PanelItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = _user()

    class Meta:
        ordering = ["-exited_on", "-pk"]

    def __str__(self):
        return f"{self.household} {self.get_kind_display().lower()}"


# The council's recruitment work ---------------------------------------------------------------------


class ActionPlan(models.Model):
    """A recruitment and retention plan, as Trafford's Project Fostering plan (004)."""

    authority = _authority()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    created_by = _user()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class PlanAction(models.Model):
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    objective = models.CharField(max_length=300)
    action = models.TextField()
    lead = models.CharField(max_length=200)
    due_on = models.DateField()
    success = models.TextField("What success looks like")
    rag = models.CharField("Status", max_length=10, choices=vocabulary.RAG, default="green")
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self):
        return self.action[:80]


class PlanActionUpdate(models.Model):
    """The RAG status's history: each change, who made it, and why."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    rag = models.CharField(max_length=10, choices=vocabulary.RAG)
    note = models.TextField(blank=True)
    by = _user()
    at = models.DateTimeField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.get_rag_display()


class ComparatorSeries(models.Model):
    """Another council's monthly fostering figures, imported to be shown beside the council's own."""

    authority = _authority()
    name = models.CharField(max_length=150, help_text="The council or region, e.g. 'Stockport'")
    imported_by = _user()
    imported_at = models.DateTimeField()
    filename = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "name"], name="comparator_name_unique")
        ]

    def __str__(self):
        return self.name


class ComparatorFigure(models.Model):
    series = models.ForeignKey(ComparatorSeries, on_delete=models.CASCADE, related_name="figures")
    month = models.DateField(help_text="The month's first day")
    measure = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["series", "month", "measure"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "month", "measure"], name="comparator_figure_unique"
            )
        ]

    def __str__(self):
        return f"{self.series} {self.measure} {self.month:%Y-%m}"
