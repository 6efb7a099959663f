"""Stability meetings as their screens, the minutes PDF and the records show them: dates in words,
the meeting's status and due time, its concerns, people, sections and history, the chair's
preparation list (003 appendices 1 and 2) and the panels on the placement, child and household
pages. Templates only draw what these give them."""

from datetime import datetime

from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import organisation_ids_granting
from hearth.accounts.roles import Capability
from hearth.core.deadlines import LONDON
from hearth.stability import history, permissions, selectors, vocabulary
from hearth.stability.models import Meeting

STATUS_COLOURS = {
    Meeting.Status.REQUESTED: "blue",
    Meeting.Status.HELD: "yellow",
    Meeting.Status.CIRCULATED: "green",
    Meeting.Status.WAIVED: "grey",
    Meeting.Status.CANCELLED: "grey",
}
HISTORY_SHOWN = 10  # rows of history on a child's or household's record
IN_CASE_SYSTEM = "Held in your case system"
RAISED_BY = vocabulary.labels(vocabulary.RAISED_BY)
PARTS = vocabulary.labels(vocabulary.PARTS)
THEMES = vocabulary.labels(vocabulary.LEARNING_THEMES)


def day(value):
    """'Thursday 31 December 2026' (a date, or a date-time on its London day)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


def when(value):
    """'Thursday 31 December 2026 at 23:59', in Europe/London."""
    if value is None:
        return ""
    local = value.astimezone(LONDON)
    return f"{day(local)} at {local:%H:%M}"


def _overdue(meeting, now):
    if meeting.status == Meeting.Status.REQUESTED:
        return meeting.due_at < now
    if meeting.status == Meeting.Status.HELD and meeting.minutes_due_at is not None:
        return meeting.minutes_due_at < now
    return False


def due_words(meeting):
    """What the meeting waits for and by when."""
    if meeting.status == Meeting.Status.REQUESTED:
        if meeting.due_from is not None:
            return f"To be held between {day(meeting.due_from)} and {when(meeting.due_at)}"
        return f"To be held by {when(meeting.due_at)}"
    if meeting.status == Meeting.Status.HELD and meeting.minutes_due_at is not None:
        return f"Minutes to be circulated by {when(meeting.minutes_due_at)}"
    return ""


def meeting_row(meeting, now):
    """One meeting in a list: on the placement, child and household pages."""
    return {
        "url": reverse("stability_meeting", args=[meeting.pk]),
        "reference": meeting.reference,
        "kind": meeting.get_kind_display(),
        "status": meeting.get_status_display(),
        "colour": STATUS_COLOURS.get(meeting.status, "grey"),
        "when": when(meeting.held_at) if meeting.held_at else due_words(meeting),
        "overdue": _overdue(meeting, now),
        "chair": meeting.chair.display_name if meeting.chair else "",
    }


# The meeting's page ----------------------------------------------------------------------------------


def _concerns(meeting, events):
    concerns = []
    if meeting.concern:
        raiser = RAISED_BY.get(meeting.raised_by, meeting.raised_by)
        if meeting.raised_by_name:
            raiser += f": {meeting.raised_by_name}"
        concerns.append({
            "raised_by": raiser, "text": meeting.concern, "at": when(meeting.requested_at),
            "recorded_by": meeting.requested_by.display_name if meeting.requested_by else "Hearth",
        })  # fmt: skip
    concerns += [
        {
            "raised_by": event.detail.get("raised_by", ""), "text": event.comment,
            "at": when(event.at), "recorded_by": event.by.display_name if event.by else "Hearth",
        }
        for event in events
        if event.what == "concern_added"
    ]  # fmt: skip
    return concerns


def attendance_words(participant):
    if participant.attended:
        return "Attended"
    if participant.views_given:
        return "Did not attend: views given"
    if participant.attended is False:
        return "Did not attend"
    return "Not recorded"


def participants_shown(participants):
    return [
        {
            "name": p.name,
            "part": PARTS.get(p.part, p.part),
            "email": p.email or (p.user.email if p.user else ""),
            "account": p.user is not None,
            "attendance": attendance_words(p),
            "required": p.part in vocabulary.REQUIRED_PARTS,
        }
        for p in participants
    ]


def sections_shown(meeting):
    required = set(vocabulary.REQUIRED_SECTIONS[meeting.kind])
    return [
        {
            "key": key,
            "label": label,
            "hint": hint,
            "text": (meeting.sections.get(key) or "").strip(),
            "required": key in required,
        }
        for key, label, hint in vocabulary.sections_of(meeting.kind)
    ]


def history_rows(events, meeting=None):
    return [
        {
            "at": when(event.at),
            "sentence": history.sentence(
                event,
                meeting_words=(
                    f"{event.meeting.get_kind_display().lower()} {event.meeting.reference}"
                    if event.meeting_id
                    else ""
                ),
            ),
            "comment": event.comment,
            "by_role": event.by_role,
            "meeting_url": reverse("stability_meeting", args=[event.meeting_id])
            if event.meeting_id and (meeting is None or event.meeting_id != meeting.pk)
            else "",
        }
        for event in events
    ]


def meeting_shown(meeting, user, now=None):
    """Everything the meeting's page shows."""
    now = now or timezone.now()
    events = list(selectors.history_of_meeting(meeting))
    participants = selectors.participants_of(meeting)
    policy = meeting.authority.policy
    present = [p for p in participants if p.attended]
    return {
        "reference": meeting.reference,
        "kind": meeting.get_kind_display(),
        "stability": meeting.kind == Meeting.Kind.STABILITY,
        "status": meeting.get_status_display(),
        "colour": STATUS_COLOURS.get(meeting.status, "grey"),
        "due": due_words(meeting),
        "overdue": _overdue(meeting, now),
        "child": meeting.child.full_name,
        "child_reference": meeting.child.reference,
        "child_url": reverse("child", args=[meeting.child_id]),
        "placement_url": reverse("placement", args=[meeting.placement_id]),
        "concerns": _concerns(meeting, events),
        "chair": meeting.chair.display_name if meeting.chair else "",
        "chair_roles": permissions.chair_words(meeting.kind, policy),
        "scheduled_for": when(meeting.scheduled_for),
        "venue": meeting.venue,
        "held_at": when(meeting.held_at),
        "participants": participants_shown(participants),
        "present": len(present),
        "sections": sections_shown(meeting),
        "family_in_contact": meeting.family_in_contact,
        "family_views": meeting.family_views,
        "themes": [THEMES.get(t, t) for t in meeting.themes],
        "next_meeting_on": day(meeting.next_meeting_on),
        "minutes_due": when(meeting.minutes_due_at),
        "circulated": (
            f"{when(meeting.circulated_at)} by {meeting.circulated_by.display_name}"
            if meeting.circulated_at and meeting.circulated_by
            else ""
        ),
        "circulated_to": meeting.circulated_to,
        "closed_reason": meeting.closed_reason,
        "closed": meeting.status in (Meeting.Status.WAIVED, Meeting.Status.CANCELLED),
        "has_minutes": permissions.has_minutes(meeting),
        "history": history_rows(events, meeting),
    }


def preparation_list(meeting, user):
    """What the chair reads before the meeting (003 appendix 1; appendix 2 adds the placement
    request form): each linked where Hearth holds it, else marked as held in the case system."""
    placement, child = meeting.placement, meeting.child
    chronology = [
        {"text": "The child's searches", "url": reverse("child_searches", args=[child.pk])}
    ]
    if placement.referral_id:
        chronology.append({
            "text": f"Referral {placement.referral_id}: its chronology",
            "url": reverse("referral_chronology", args=[placement.referral_id]),
        })  # fmt: skip
    plan_item = selectors.placement_plan_item(placement)
    if plan_item is not None:
        plan_words = (
            f"The placement plan: written {when(plan_item.closed_at)}"
            if plan_item.closed_at
            else f"The placement plan: due {when(plan_item.due_at)}, not yet written"
            if plan_item.due_at
            else "The placement plan: not yet written"
        )
        planning = [{"text": plan_words, "url": reverse("placement", args=[placement.pk])}]
    else:
        planning = []
    sees_carers = meeting.household.provider_id in organisation_ids_granting(
        user, Capability.VIEW_HOUSEHOLDS
    )
    review = []
    if sees_carers:
        due = meeting.household.review_due_at
        review.append({
            "text": f"The carers' record: next review due {day(due)}" if due
            else "The carers' record",
            "url": reverse("household", args=[meeting.household_id]),
        })  # fmt: skip
    items = [
        ("Case chronology", chronology),
        ("Social work assessments", []),
        ("The child's care plan or pathway plan", []),
        ("CLA placement planning", planning),
        ("CLA reviews", []),
        ("The foster carers' annual review", review),
    ]
    if meeting.kind == Meeting.Kind.UNPLANNED_ENDING:
        request_form = (
            [{"text": f"Referral {placement.referral_id}",
              "url": reverse("referral", args=[placement.referral_id])}]
            if placement.referral_id else []
        )  # fmt: skip
        items.append(("The placement request form", request_form))
    return [
        {"what": what, "links": links, "elsewhere": IN_CASE_SYSTEM if not links else ""}
        for what, links in items
    ]


def recipients_shown(recipients):
    return [{"name": name, "address": address, "why": why} for name, address, why in recipients]


# The records' panels --------------------------------------------------------------------------------


def history_panel(meetings, events_queryset, now=None):
    """The stability meetings and the newest history rows, with how many there are in all."""
    now = now or timezone.now()
    events = list(events_queryset[:HISTORY_SHOWN])
    total = len(events) if len(events) < HISTORY_SHOWN else events_queryset.count()
    return {
        "meetings": [meeting_row(m, now) for m in meetings],
        "history": history_rows(events),
        "shown": len(events),
        "total": total,
    }
