"""Reads of stability meetings: a placement's, a child's and a household's meetings, whether a
stability meeting was held since a day (the unplanned ending waiver), the people who may chair or
be told, and the stability history shown on the child's and the household's records."""

from hearth.accounts.access import organisation_ids_granting
from hearth.accounts.models import Membership, User
from hearth.accounts.roles import Capability, Role
from hearth.stability.models import Event, Meeting, Participant
from hearth.trays.models import WorkItem

HELD = (Meeting.Status.HELD, Meeting.Status.CIRCULATED)


def meetings_of_placement(placement):
    return Meeting.objects.filter(placement=placement).select_related("chair")


def meetings_of_child(child):
    return Meeting.objects.filter(child=child).select_related("chair")


def meetings_of_household(household):
    return Meeting.objects.filter(household=household).select_related("chair", "child")


def stability_meeting_held_since(placement, since):
    """The latest stability meeting of the placement held at or after `since` (an aware
    datetime), or None."""
    return (
        Meeting.objects.filter(
            placement=placement, kind=Meeting.Kind.STABILITY, status__in=HELD, held_at__gte=since
        )
        .order_by("-held_at", "-pk")
        .first()
    )


def waiting_stability_meeting(placement, *, lock=False):
    """The placement's stability meeting asked for and not yet held, if there is one."""
    meetings = Meeting.objects.filter(
        placement=placement, kind=Meeting.Kind.STABILITY, status=Meeting.Status.REQUESTED
    ).order_by("due_at", "pk")
    if lock:
        meetings = meetings.select_for_update(of=("self",))
    return meetings.first()


def participants_of(meeting):
    return list(Participant.objects.filter(meeting=meeting).select_related("user"))


def staff_of(authority_id, roles):
    """Active people holding one of `roles` in the council, by name."""
    return User.objects.filter(
        pk__in=Membership.objects.filter(organisation_id=authority_id, role__in=list(roles)).values(
            "user_id"
        ),
        is_active=True,
    ).order_by("first_name", "last_name", "username")


def fostering_team_managers(authority_id):
    return list(staff_of(authority_id, [Role.FOSTERING_TEAM_MANAGER]))


def placement_plan_item(placement):
    """The placement's placement-plan task (CLA placement planning), if Hearth set one."""
    return (
        WorkItem.objects.filter(
            organisation_id=placement.authority_id,
            key=f"placement:{placement.pk}",
            kind=WorkItem.Kind.PLACEMENT_PLAN,
        )
        .order_by("-pk")
        .first()
    )


def open_meeting_item(meeting, kinds):
    return WorkItem.objects.filter(
        organisation_id=meeting.authority_id,
        key=f"meeting:{meeting.pk}",
        kind__in=list(kinds),
        closed_at__isnull=True,
    )


# On the child's and the household's records: only the councils whose children the reader sees ------


def _readable(queryset, user, field):
    return queryset.filter(
        **{f"{field}__in": organisation_ids_granting(user, Capability.VIEW_CHILDREN)}
    )


def meetings_seen_on_child(user, child):
    return _readable(meetings_of_child(child), user, "authority_id")


def meetings_seen_on_household(user, household):
    return _readable(meetings_of_household(household), user, "authority_id")


def history_seen_on_child(user, child):
    events = Event.objects.filter(child=child).select_related("by", "meeting")
    return _readable(events, user, "placement__authority_id").order_by("-at", "-pk")


def history_seen_on_household(user, household):
    events = Event.objects.filter(household=household).select_related("by", "meeting", "child")
    return _readable(events, user, "placement__authority_id").order_by("-at", "-pk")


def history_of_meeting(meeting):
    return (
        Event.objects.filter(meeting=meeting).select_related("by", "meeting").order_by("at", "pk")
    )
