"""The placement page's part of an ended placement (003 sections 5 and 6): its unplanned ending
meeting and the window it is due in, and the moving-on tasks with their status and due dates."""

from django import template

from hearth.stability import endings, routing

register = template.Library()


@register.inclusion_tag("stability/_placement_moving_on.html", takes_context=True)
def placement_moving_on(context, placement):
    if placement.ended_on is None:
        return {"ending_meeting": None, "moving_on": []}
    user = context["request"].user
    return {
        "ending_meeting": endings.ending_meeting_shown(placement),
        "moving_on": endings.moving_on_shown(placement, user),
    }


@register.simple_tag
def ending_meeting_url(placement):
    """The page of the placement's unplanned ending meeting; empty where there is none."""
    meeting = endings.ending_meeting_of(placement) if placement.ended_on else None
    return routing.meeting_link(meeting) if meeting is not None else ""
