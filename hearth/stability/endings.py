"""When a placement ends (003 sections 5 and 6, appendix 2): what stops, what is opened and who
may set it aside.

- **Open stability meetings** of the placement that were still to be held are not held: the
  placement ended first (a meeting already held keeps going: its minutes still go out).
- **An unplanned ending** opens the unplanned ending meeting, chaired by an IRO, to be held in
  the policy's window: from `unplanned_ending_meeting_from` (1 month) to
  `unplanned_ending_meeting_by` (6 weeks) after the ending. It lands in the child's IRO's tray.
- **The waiver**: where a stability meeting was held in the `unplanned_ending_waiver_window`
  (12 weeks) before the ending, the policy's waiver approver (a team manager: "the team manager
  of the reviewing team may decide that an unplanned endings meeting does not need to take
  place") may waive it, with a reason. The child's team manager is told it may be.
- **Moving on**, after any ending: the previous carer's one-page profile of the child for the next
  carer, and their letter to the child, seen done by the carers' supervising social worker (the
  child's social worker for an agency's carers) within the policy's `moving_on_tasks` time.

Every write is atomic and keyword-only, writes the stability history (`history.record`) and its
audit rows in the same transaction; `on_placement_ended` runs inside the ending's transaction,
whose audit rows cover it.
"""

from datetime import datetime, time

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import roles_of
from hearth.accounts.roles import Role
from hearth.core.deadlines import LONDON, is_overdue, policy_due_at
from hearth.core.rules import Unit
from hearth.placements.models import Placement
from hearth.referrals.services import clean_text, refuse_if
from hearth.stability import history, routing, selectors, vocabulary
from hearth.stability.common import audit_change, check_step, end_of
from hearth.stability.models import Meeting, MovingOnTask
from hearth.trays.models import WorkItem
from hearth.trays.services import item_open, items_close_keyed

Kind = WorkItem.Kind
NOTE_LIMIT = 2_000
# The roles named in the history, in the order a person's part is told.
HISTORY_ROLES = (
    Role.TEAM_MANAGER,
    Role.FOSTERING_TEAM_MANAGER,
    Role.IRO,
    Role.SUPERVISING_SOCIAL_WORKER,
    Role.SOCIAL_WORKER,
    Role.PLACEMENTS_OFFICER,
)
STATUS_COLOURS = {
    Meeting.Status.REQUESTED: "blue",
    Meeting.Status.HELD: "yellow",
    Meeting.Status.CIRCULATED: "green",
}
NOT_LOOKED_UP = object()
MOVING_ON_WORDS = (
    "The previous carer's one-page profile of the child for the next carer, and their letter to "
    "the child"
)


# Words for dates --------------------------------------------------------------------------------


def day_words(value):
    """'Monday 15 February 2027' (a date, or a date-time on its London day)."""
    if isinstance(value, datetime):
        value = value.astimezone(LONDON).date()
    return f"{value:%A} {value.day} {value:%B %Y}"


def day_time_words(value):
    """'Friday 26 February 2027 at 23:59'."""
    local = value.astimezone(LONDON)
    return f"{day_words(local)} at {local:%H:%M}"


def _role_of(user, authority_id):
    held = roles_of(user, authority_id)
    return next((role for role in HISTORY_ROLES if role in held), "")


# The unplanned ending meeting's window and its waiver -------------------------------------------


def ending_window(policy, ended_on):
    """(from, by) of the unplanned ending meeting of a placement ended on `ended_on`: from 00:00
    of the first day of the window to the end of its last day. Both are counted from the end of
    the ending's last day, so a council's own timescales are honoured as they are set."""
    ended = end_of(ended_on)
    first = policy_due_at(policy, "unplanned_ending_meeting_from", ended)
    if policy.timescale("unplanned_ending_meeting_from")[1] != Unit.HOURS:
        first = datetime.combine(first.astimezone(LONDON).date(), time.min, tzinfo=LONDON)
    return first, policy_due_at(policy, "unplanned_ending_meeting_by", ended)


def waiver_window_start(policy, ended_on):
    """00:00 of the first day of the waiver window counted back from the ending."""
    return policy_due_at(policy, "unplanned_ending_waiver_window", end_of(ended_on))


def waiver_grounds(meeting):
    """The stability meeting of the same placement last held within the waiver window before its
    ending (not after it), or None: what allows an unplanned ending meeting to be waived."""
    placement = meeting.placement
    if meeting.kind != Meeting.Kind.UNPLANNED_ENDING or placement.ended_on is None:
        return None
    policy = meeting.authority.policy
    return (
        Meeting.objects.filter(
            placement_id=placement.pk,
            kind=Meeting.Kind.STABILITY,
            status__in=selectors.HELD,
            held_at__gte=waiver_window_start(policy, placement.ended_on),
            held_at__lte=end_of(placement.ended_on),
        )
        .order_by("-held_at", "-pk")
        .first()
    )


def waiver_possible(meeting):
    """Whether a stability meeting was held within the waiver window before the ending."""
    return waiver_grounds(meeting) is not None


def waiver_approver_words(policy):
    """'a team manager': the role the policy lets waive the meeting, in a sentence."""
    role = policy.approver("unplanned_ending_waiver")
    try:
        words = Role(role).label
    except ValueError:
        words = role.replace("_", " ").capitalize()
    if not words.startswith(("Director", "Independent", "Virtual School")):
        words = words[0].lower() + words[1:]
    return f"{'an' if words[0].lower() in 'aeiou' else 'a'} {words}"


def why_not_waive(user, meeting, grounds=NOT_LOOKED_UP):
    """Why `user` may not waive the meeting now, in a sentence; None: they may. `grounds` is
    `waiver_grounds(meeting)` where the caller has it already."""
    if meeting.kind != Meeting.Kind.UNPLANNED_ENDING:
        return "Only an unplanned ending meeting can be waived"
    if meeting.status != Meeting.Status.REQUESTED:
        return f"The meeting can no longer be waived: it is {meeting.get_status_display().lower()}"
    policy = meeting.authority.policy
    if not routing.holds(user, meeting.authority_id, {policy.approver("unplanned_ending_waiver")}):
        return f"Only {waiver_approver_words(policy)} can waive an unplanned ending meeting"
    if grounds is NOT_LOOKED_UP:
        grounds = waiver_grounds(meeting)
    if grounds is None:
        return (
            f"No stability meeting was held in the {_window_words(policy)} before the placement "
            "ended, so the unplanned ending meeting must be held"
        )
    return None


def waiver_shown(meeting, user):
    """The waiver panel of an unplanned ending meeting's page (None for a stability meeting):
    the stability meeting that allows it, whether it was waived, and whether `user` may."""
    if meeting.kind != Meeting.Kind.UNPLANNED_ENDING:
        return None
    grounds = waiver_grounds(meeting)
    why_not = why_not_waive(user, meeting, grounds)
    return {
        "to_be_held": meeting.status == Meeting.Status.REQUESTED,
        "waived": meeting.status == Meeting.Status.WAIVED,
        "reason": meeting.closed_reason if meeting.status == Meeting.Status.WAIVED else "",
        "waived_by": meeting.closed_by.display_name if meeting.closed_by_id else "",
        "waived_at": day_time_words(meeting.closed_at) if meeting.closed_at else "",
        "possible": grounds is not None,
        "held_on": day_words(grounds.held_at) if grounds else "",
        "held_meeting_url": routing.meeting_link(grounds) if grounds else "",
        "window": _window_words(meeting.authority.policy),
        "window_from": day_words(
            waiver_window_start(meeting.authority.policy, meeting.placement.ended_on)
        ),
        "may_waive": why_not is None,
        "why_not": why_not,
        "waive_url": reverse("stability_meeting_waive", args=[meeting.pk]),
    }


# The ending itself ------------------------------------------------------------------------------


def on_placement_ended(*, placement, by):
    """What the ending of `placement` starts and stops (called by
    `hearth.placements.services._end_write`, in the ending's transaction, the placement locked):
    its stability meetings still to be held are not held, an unplanned ending opens its meeting
    (and the waiver, where a stability meeting was held in time), and the moving-on tasks open."""
    now = timezone.now()
    _stop_open_meetings(placement, by, now)
    if placement.ending == Placement.Ending.UNPLANNED:
        _open_ending_meeting(placement, by, now)
    _open_moving_on(placement, by, now)


def _stop_open_meetings(placement, by, now):
    reason = f"The placement ended on {day_words(placement.ended_on)} before the meeting was held"
    meetings = Meeting.objects.select_for_update(of=("self",)).filter(
        placement_id=placement.pk, kind=Meeting.Kind.STABILITY, status=Meeting.Status.REQUESTED
    )
    for meeting in meetings.order_by("pk"):
        meeting.status, meeting.closed_reason = Meeting.Status.CANCELLED, reason
        meeting.closed_at, meeting.closed_by = now, by
        meeting.version += 1
        meeting.save(update_fields=["status", "closed_reason", "closed_at", "closed_by", "version"])
        items_close_keyed(organisation=placement.authority, key=routing.meeting_key(meeting), by=by)
        history.record(
            placement=placement, what="meeting_not_held", by=by,
            role=_role_of(by, placement.authority_id), meeting=meeting, comment=reason,
            detail={"ended_on": day_words(placement.ended_on)},
        )  # fmt: skip


def _open_ending_meeting(placement, by, now):
    if Meeting.objects.filter(
        placement_id=placement.pk, kind=Meeting.Kind.UNPLANNED_ENDING
    ).exists():
        return None
    policy = placement.authority.policy
    window_from, window_by = ending_window(policy, placement.ended_on)
    meeting = Meeting.objects.create(
        authority=placement.authority, kind=Meeting.Kind.UNPLANNED_ENDING, placement=placement,
        child_id=placement.child_id, household_id=placement.household_id,
        raised_by="placement_ended", concern=placement.ending_note, requested_at=now,
        due_from=window_from, due_at=window_by,
    )  # fmt: skip
    routing.to_child_iro(
        meeting, kind=Kind.UNPLANNED_ENDING_MEETING, title=routing.meeting_title(meeting),
        due_at=window_by,
        note=f"Hold between {day_words(window_from)} and {day_words(window_by)}: the placement "
        f"ended in an unplanned way on {day_words(placement.ended_on)}.",
    )  # fmt: skip
    history.record(
        placement=placement, what="ending_meeting_due", by=by,
        role=_role_of(by, placement.authority_id), meeting=meeting,
        detail={"window_from": day_words(window_from), "window_by": day_words(window_by)},
    )  # fmt: skip
    grounds = waiver_grounds(meeting)
    if grounds is not None:
        _offer_waiver(meeting, grounds, by)
    return meeting


def _offer_waiver(meeting, grounds, by):
    held_on = day_words(grounds.held_at)
    routing.to_child_team_manager(
        meeting, kind=Kind.UNPLANNED_ENDING_WAIVER,
        title=f"May be waived: {routing.meeting_title(meeting)}", due_at=meeting.due_from,
        note=f"A stability meeting was held on {held_on}, within the "
        f"{_window_words(meeting.authority.policy)} before the ending, so the unplanned ending "
        "meeting may be waived, with a reason.",
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="waiver_possible", by=by,
        role=_role_of(by, meeting.authority_id), meeting=meeting,
        detail={"held_on": held_on, "held_meeting": grounds.pk},
    )  # fmt: skip


def _window_words(policy):
    amount, unit = policy.timescale("unplanned_ending_waiver_window")
    return f"{amount} {unit.replace('_', ' ')}"


# Moving on ---------------------------------------------------------------------------------------


def _child_social_worker(child, authority_id):
    worker = child.social_worker
    allocated = {Role.SOCIAL_WORKER, Role.TEAM_MANAGER}  # a manager may hold a case themself
    return worker if routing.holds(worker, authority_id, allocated) else None


def moving_on_owner(placement):
    """The carers' supervising social worker (the council's); for an agency's carers, whose
    supervising social worker is the agency's, the child's social worker sees the tasks done."""
    authority_id = placement.authority_id
    return routing.supervising_social_worker(
        placement.household, authority_id
    ) or _child_social_worker(placement.child, authority_id)


def _open_moving_on(placement, by, now):
    if MovingOnTask.objects.filter(placement_id=placement.pk).exists():
        return []
    owner = moving_on_owner(placement)
    due = policy_due_at(placement.authority.policy, "moving_on_tasks", now)
    tasks = [
        MovingOnTask.objects.create(placement=placement, kind=kind, owner=owner, due_at=due)
        for kind, _label in vocabulary.MOVING_ON_TASKS
    ]
    child = placement.child
    item_open(
        organisation=placement.authority, kind=Kind.MOVING_ON,
        title=f"Moving on: {child.full_name} ({child.reference})", user=owner,
        role="" if owner else Role.FOSTERING_TEAM_MANAGER, due_at=due,
        note=f"{MOVING_ON_WORDS}, by {day_words(due)}.", key=routing.moving_on_key(placement),
        link=reverse("placement", args=[placement.pk]),
    )  # fmt: skip
    history.record(
        placement=placement, what="moving_on_opened", by=by,
        role=_role_of(by, placement.authority_id),
        detail={
            "due": day_words(due),
            "owner": owner.display_name if owner else "the fostering team managers",
        },
    )  # fmt: skip
    return tasks


def why_not_moving_on_done(user, task):
    """Why `user` may not record the task as done, in a sentence; None: they may."""
    if task.done_at is not None:
        return f"This was recorded as done on {day_words(task.done_at)}"
    placement = task.placement
    authority_id = placement.authority_id
    people = {
        task.owner_id,
        placement.household.supervising_social_worker_id,
        placement.child.social_worker_id,
    } - {None}
    if user.is_active and user.pk in people and roles_of(user, authority_id):
        return None
    if routing.holds(user, authority_id, {Role.FOSTERING_TEAM_MANAGER}):
        return None
    return (
        "Only the carers' supervising social worker, a fostering team manager or the child's "
        "social worker can record this as done"
    )


@transaction.atomic
def moving_on_done(*, user, task, note="", expected_version, request=None):
    """Record one moving-on task as done, with a note of how; the tray item closes when both
    tasks of the placement are done. A record older than `expected_version` raises EditConflict."""
    task = (
        MovingOnTask.objects.select_for_update(of=("self",))
        .select_related("placement__authority", "placement__child", "placement__household")
        .get(pk=task.pk)
    )
    check_step(why_not_moving_on_done(user, task), task, expected_version, "task")
    errors = {}
    note = clean_text(note, "note", errors, name="The note", limit=NOTE_LIMIT)
    refuse_if(errors)
    now, placement = timezone.now(), task.placement
    task.done_at, task.done_by, task.note = now, user, note
    task.version += 1
    task.save(update_fields=["done_at", "done_by", "note", "version"])
    if not MovingOnTask.objects.filter(placement_id=placement.pk, done_at__isnull=True).exists():
        items_close_keyed(
            organisation=placement.authority, key=routing.moving_on_key(placement), by=user,
            kinds=[Kind.MOVING_ON],
        )  # fmt: skip
    label = vocabulary.labels(vocabulary.MOVING_ON_TASKS)[task.kind]
    history.record(
        placement=placement, what="moving_on_done", by=user,
        role=_role_of(user, placement.authority_id), comment=note, detail={"task": label},
    )  # fmt: skip
    detail = f"moving-on task {task.pk} of placement {placement.pk} done ({task.kind})"
    audit_change(user, "child", placement.child, placement.authority, detail, request)
    audit_change(
        user, "household", placement.household, placement.household.provider, detail, request
    )
    return task


def moving_on_shown(placement, user, now=None):
    """The moving-on tasks of an ended placement for its page: what, with whom, due, status."""
    now = now or timezone.now()
    labels = vocabulary.labels(vocabulary.MOVING_ON_TASKS)
    tasks = MovingOnTask.objects.filter(placement_id=placement.pk).select_related(
        "owner", "done_by"
    )
    shown = []
    for task in tasks.order_by("pk"):
        task.placement = placement
        shown.append(
            {
                "what": labels.get(task.kind, task.kind),
                "who": task.owner.display_name if task.owner_id else "Fostering team managers",
                "due": day_time_words(task.due_at),
                "done": day_words(task.done_at) if task.done_at else "",
                "done_by": task.done_by.display_name if task.done_by_id else "",
                "note": task.note,
                "overdue": task.done_at is None and is_overdue(task.due_at, now),
                "may_do": why_not_moving_on_done(user, task) is None,
                "url": reverse("moving_on_task_done", args=[task.pk]),
            }
        )
    return shown


def ending_meeting_of(placement):
    return Meeting.objects.filter(
        placement_id=placement.pk, kind=Meeting.Kind.UNPLANNED_ENDING
    ).first()


def ending_meeting_shown(placement):
    """The unplanned ending meeting of the placement for its page: its window and status."""
    meeting = ending_meeting_of(placement)
    if meeting is None:
        return None
    return {
        "url": routing.meeting_link(meeting),
        "reference": meeting.reference,
        "status": meeting.get_status_display(),
        "status_key": meeting.status,
        "colour": STATUS_COLOURS.get(meeting.status, "grey"),
        "window_from": day_words(meeting.due_from) if meeting.due_from else "",
        "window_by": day_time_words(meeting.due_at),
        "closed_reason": meeting.closed_reason,
    }


# The waiver --------------------------------------------------------------------------------------


@transaction.atomic
def meeting_waive(*, user, meeting, reason, expected_version, request=None):
    """Waive an unplanned ending meeting still to be held, with the reason: only where a stability
    meeting was held within the waiver window before the ending, and only by the role the policy
    names (`unplanned_ending_waiver`). Both its tray items close."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("authority__policy", "placement", "child", "household")
        .get(pk=meeting.pk)
    )
    check_step(why_not_waive(user, meeting), meeting, expected_version, "meeting")
    errors = {}
    reason = clean_text(
        reason, "reason", errors, name="The reason", limit=NOTE_LIMIT,
        missing="Enter why the unplanned ending meeting is not needed",
    )  # fmt: skip
    refuse_if(errors)
    meeting.status, meeting.closed_reason = Meeting.Status.WAIVED, reason
    meeting.closed_at, meeting.closed_by = timezone.now(), user
    meeting.version += 1
    meeting.save(update_fields=["status", "closed_reason", "closed_at", "closed_by", "version"])
    items_close_keyed(
        organisation=meeting.authority, key=routing.meeting_key(meeting), by=user,
        kinds=[Kind.UNPLANNED_ENDING_MEETING, Kind.UNPLANNED_ENDING_WAIVER],
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="meeting_waived", by=user,
        role=_role_of(user, meeting.authority_id), meeting=meeting, comment=reason,
    )  # fmt: skip
    audit_change(
        user, "child", meeting.child, meeting.authority,
        f"unplanned ending meeting {meeting.pk} waived", request,
    )  # fmt: skip
    return meeting
