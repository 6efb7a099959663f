"""The minutes of a stability meeting or an unplanned ending meeting as a PDF, drawn by WeasyPrint
(ADR 11) from `stability/minutes_pdf.html`: the meeting's template sections in their order (003
appendices 1 and 2), who was present and who sent apologies, the actions agreed with their
owners and dates, and the next meeting's date. The same words as the meeting's page."""

from django.template.loader import render_to_string
from django.utils import timezone

from hearth.stability import presenters, selectors, vocabulary
from hearth.stability.models import Meeting

THEMES = vocabulary.labels(vocabulary.LEARNING_THEMES)


def _actions(meeting):
    return [
        {
            "description": action.description,
            "owner": action.owner.display_name,
            "due": presenters.day(action.due_on),
            "status": action.get_status_display(),
        }
        for action in meeting.actions.select_related("owner").order_by("due_on", "pk")
    ]


def minutes_context(meeting):
    participants = selectors.participants_of(meeting)
    return {
        "meeting": meeting,
        "council": meeting.authority.name,
        "kind": meeting.get_kind_display(),
        "reference": meeting.reference,
        "child": meeting.child.full_name,
        "child_reference": meeting.child.reference,
        "household": meeting.household.name,
        "held_at": presenters.when(meeting.held_at) or "Not yet held",
        "venue": meeting.venue,
        "chair": meeting.chair.display_name if meeting.chair else "Not chosen",
        "present": [
            {"name": p.name, "part": presenters.PARTS.get(p.part, p.part)}
            for p in participants
            if p.attended
        ],
        "apologies": [
            {
                "name": p.name,
                "part": presenters.PARTS.get(p.part, p.part),
                "views_given": p.views_given,
            }
            for p in participants
            if not p.attended
        ],
        "sections": presenters.sections_shown(meeting),
        "family_in_contact": meeting.family_in_contact,
        "family_views": meeting.family_views,
        "themes": [THEMES.get(t, t) for t in meeting.themes],
        "actions": _actions(meeting),
        "stability": meeting.kind == Meeting.Kind.STABILITY,
        "next_meeting_on": presenters.day(meeting.next_meeting_on) or "Not set",
        "status": meeting.get_status_display(),
        "draft": meeting.status != Meeting.Status.CIRCULATED,
        "circulated": presenters.when(meeting.circulated_at),
        "drawn": presenters.when(timezone.now()),
    }


def minutes_html(meeting):
    return render_to_string("stability/minutes_pdf.html", minutes_context(meeting))


def minutes_pdf(meeting) -> bytes:
    """The minutes as a PDF. Its stylesheet is in the template: nothing is fetched."""
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    from hearth.web.views.chronology import static_files_only

    document = HTML(
        string=minutes_html(meeting), base_url="http://hearth.invalid/",
        url_fetcher=static_files_only(),
    )  # fmt: skip
    return document.write_pdf(pdf_tags=True)
