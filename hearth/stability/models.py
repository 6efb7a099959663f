"""Keeping placements stable (DOMAIN.md "Stability", 003): stability meetings asked for when a
placement may be at risk, their minutes and actions and the follow-ups on them, the unplanned
ending meeting after a placement breaks down, and the tasks of a child's moving on.

A `Meeting` is either kind: a stability meeting (asked for by anyone around the child, or the
review date the last one set) or an unplanned ending meeting (opened when a placement ends in an
unplanned way). Both have a chair, people invited and present, the sections of their template,
minutes circulated within the policy's time, and actions. Each step is one `Event`: the stability
history shown on the child's and the carers' records.
"""

from django.conf import settings
from django.db import models

from hearth.core.models import Organisation
from hearth.people.models import Child, Household
from hearth.placements.models import Placement
from hearth.stability import vocabulary


def _choices(pairs):
    return [(key, label) for key, label, *_ in pairs]


class Meeting(models.Model):
    class Kind(models.TextChoices):
        STABILITY = "stability", "Stability meeting"
        UNPLANNED_ENDING = "unplanned_ending", "Unplanned ending meeting"

    class Status(models.TextChoices):
        REQUESTED = "requested", "To be held"
        HELD = "held", "Held: minutes to circulate"
        CIRCULATED = "circulated", "Minutes circulated"
        WAIVED = "waived", "Waived"
        CANCELLED = "cancelled", "Not held"

    authority = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="stability_meetings"
    )
    # The placement's child and household, kept here for their records' stability history.
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="stability_meetings")
    household = models.ForeignKey(
        Household, on_delete=models.PROTECT, related_name="stability_meetings"
    )
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews",
        help_text="The stability meeting whose review date this one is",
    )  # fmt: skip
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    # The concern
    raised_by = models.CharField(max_length=30, choices=_choices(vocabulary.RAISED_BY))
    raised_by_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Who raised it, where not the Hearth user recording it",
    )
    concern = models.TextField(blank=True, help_text="What they are worried about")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", help_text="Empty where Hearth opened it (a review date, an ending)",
    )  # fmt: skip
    requested_at = models.DateTimeField()
    due_from = models.DateTimeField(
        null=True, blank=True, help_text="Not before (an unplanned ending meeting's window)"
    )
    due_at = models.DateTimeField(help_text="To be held by")
    # Arranging it
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    # Holding it
    held_at = models.DateTimeField(null=True, blank=True)
    sections = models.JSONField(
        default=dict, blank=True, help_text="The template's sections, by key (vocabulary)"
    )
    family_in_contact = models.BooleanField(
        default=False, help_text="The child is in regular contact with family: their views too"
    )
    family_views = models.TextField(blank=True)
    themes = models.JSONField(
        default=list, blank=True, help_text="Learning themes (vocabulary.LEARNING_THEMES)"
    )
    next_meeting_on = models.DateField(
        null=True, blank=True, help_text="The date set for the next stability meeting"
    )
    # Minutes
    minutes_due_at = models.DateTimeField(null=True, blank=True)
    circulated_at = models.DateTimeField(null=True, blank=True)
    circulated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    circulated_to = models.JSONField(
        default=list, blank=True, help_text="The addresses the minutes went to"
    )
    # The IRO's check of the actions (stability meetings)
    iro_check_due_at = models.DateTimeField(null=True, blank=True)
    iro_checked_at = models.DateTimeField(null=True, blank=True)
    iro_checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    iro_check_note = models.TextField(blank=True)
    # Waived (unplanned ending meetings) or not held (the placement ended first)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_reason = models.TextField(blank=True)
    # Reminders sent by `hearth worker`, once each
    overdue_reminded_at = models.DateTimeField(null=True, blank=True)
    minutes_reminded_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [
            models.Index(fields=["authority", "status"]),
            models.Index(fields=["authority", "held_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="waived") | ~models.Q(closed_reason=""),
                name="meeting_waiver_has_reason",
            ),
            models.UniqueConstraint(
                fields=["placement"],
                condition=models.Q(kind="unplanned_ending"),
                name="one_unplanned_ending_meeting_per_placement",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"

    @property
    def reference(self):
        return f"{'SM' if self.kind == self.Kind.STABILITY else 'UE'}-{self.pk}"

    @property
    def is_open(self):
        return self.status in (self.Status.REQUESTED, self.Status.HELD)


class Participant(models.Model):
    """Someone invited to a meeting, and whether they came. A Hearth user is linked; a carer,
    parent or other professional is named, with an address for the minutes if they have one."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="participants")
    part = models.CharField(max_length=30, choices=_choices(vocabulary.PARTS))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField(blank=True)
    invited = models.BooleanField(default=True)
    attended = models.BooleanField(null=True, blank=True, help_text="Empty until the meeting")
    views_given = models.BooleanField(
        default=False, help_text="Did not attend, but their views were given to the meeting"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} ({self.get_part_display()})"


class Action(models.Model):
    """An action agreed at a meeting: owner, date, and the follow-up when it is not done (003
    appendix 1): flagged to its owner when overdue, checked again within the policy's working
    days, then taken over by the owner's manager."""

    class Status(models.TextChoices):
        OPEN = "open", "To do"
        DONE = "done", "Done"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    given_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
        help_text="The owner it was first given to, before any escalation",
    )  # fmt: skip
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_note = models.TextField(blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True, help_text="Flagged to its owner")
    recheck_due_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"Action {self.pk} of meeting {self.meeting_id}"


class MovingOnTask(models.Model):
    """What is done when a child moves on from a home (003 section 6): the previous carer's one-page
    profile of the child for the next carer, and their letter to the child."""

    placement = models.ForeignKey(
        Placement, on_delete=models.PROTECT, related_name="moving_on_tasks"
    )
    kind = models.CharField(max_length=20, choices=_choices(vocabulary.MOVING_ON_TASKS))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text="The carers' supervising social worker, who sees it done",
    )  # fmt: skip
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["placement", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["placement", "kind"], name="one_moving_on_task_each")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} (placement {self.placement_id})"


class Event(models.Model):
    """One step in the stability history of a placement, shown on the child's and the household's
    records: a concern raised, a meeting held, minutes circulated, an action done, flagged or
    escalated, a waiver. Append-only. `by` is empty for a step Hearth's worker took."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="stability_events")
    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="stability_events"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    what = models.CharField(max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by_role = models.CharField(max_length=40, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    comment = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.what}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("stability history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("stability history is append-only")
