"""The stability meetings on the placement page (with the button to ask for one) and the stability
history on the child's and the household's records: the meetings, then the newest steps of the
history, capped, with how many there are in all (003 4.3: minutes placed on both records).

Only the meetings of councils whose children the reader may see are shown: an agency's staff
reading their carers' record see none of a council's meetings. The names of the children the
household's meetings are about are audited as a list, as the record's other lists are."""

from django import template
from django.utils import timezone

from hearth.stability import permissions, presenters, selectors
from hearth.web.editing import audit_names_shown

register = template.Library()


@register.inclusion_tag("stability/_placement_meetings.html", takes_context=True)
def placement_stability_meetings(context, placement):
    user, now = context["request"].user, timezone.now()
    return {
        "placement": placement,
        "meetings": [
            presenters.meeting_row(m, now) for m in selectors.meetings_of_placement(placement)
        ],
        "may_request": permissions.may_request(user, placement),
    }


@register.inclusion_tag("stability/_record_history.html", takes_context=True)
def child_stability_history(context, child):
    user = context["request"].user
    panel = presenters.history_panel(
        selectors.meetings_seen_on_child(user, child), selectors.history_seen_on_child(user, child)
    )
    return {**panel, "about": "child"}


@register.inclusion_tag("stability/_record_history.html", takes_context=True)
def household_stability_history(context, household):
    request = context["request"]
    meetings = list(selectors.meetings_seen_on_household(request.user, household))
    children = list({m.child_id: m.child for m in meetings}.values())
    audit_names_shown(request, "child", children, f"household {household.pk}'s stability history")
    panel = presenters.history_panel(
        meetings, selectors.history_seen_on_household(request.user, household)
    )
    for row, meeting in zip(panel["meetings"], meetings, strict=True):
        row["child"] = meeting.child.full_name
    return {**panel, "about": "household"}
