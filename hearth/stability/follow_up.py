"""What follows a meeting (003 section 5, appendix 1): the actions agreed, each with an owner and a
date; the IRO's check within 6 weeks that they were done; the next stability meeting within 3
months; and the timed follow-ups `hearth worker` runs.

- **Actions.** The chair, the child's team manager or the child's social worker adds them to a
  held meeting; each lands in its owner's tray, due at the end of its date.
- **Not done when due** (appendix 1: "flagged with the worker and checked again within 5 working
  days. If not followed through, the worker's manager will be alerted and will then assume
  responsibility"): the worker flags the action to its owner the day after its date, with a
  re-check due within the policy's working days (`stability_action_recheck`); at the re-check it
  escalates the action to the owner's manager, who becomes its owner. Each happens once: the
  action keeps when it was flagged and escalated.
- **Reminders**: a meeting not held by its due time, and minutes not circulated by theirs, are
  reminded once by email (the meeting keeps that it was).

Every step writes the stability history (`hearth.stability.history.record`) and, for a person's
step, the audit of the child in the same transaction. The worker's steps have no person (`by` is
None). Each job takes its rows under a lock, so two workers at once do nothing twice.
"""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import roles_of
from hearth.accounts.models import User
from hearth.accounts.roles import AUTHORITY_ROLES, Role
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import policy_due_at
from hearth.referrals.services import clean_text, refuse_if
from hearth.stability import history, routing, selectors
from hearth.stability.common import NO_CHILD_NAMED, check_step, end_of, link, refuse
from hearth.stability.models import Action, Meeting
from hearth.trays.models import WorkItem
from hearth.trays.services import email_queue, item_open, items_close_keyed, recipients_of
from hearth.web.presenters import long_date

Kind = WorkItem.Kind
Status = Meeting.Status
# Every tray item an action may have open: closed together when it is done.
ACTION_ITEMS = (Kind.STABILITY_ACTION, Kind.ACTION_OVERDUE, Kind.ACTION_ESCALATED)
MEETING_ITEMS = (Kind.STABILITY_MEETING, Kind.UNPLANNED_ENDING_MEETING)
ACTIONS_ALLOWED = (Status.HELD, Status.CIRCULATED)


# Small helpers --------------------------------------------------------------------------------------


def _audit(user, meeting, detail, request):
    audit_record(
        user=user, action=AuditEvent.Action.UPDATE, record_type="child",
        record_id=meeting.child_id, organisation=meeting.authority, request=request,
        detail=detail,
    )  # fmt: skip


def _action_title(action, meeting):
    child = meeting.child
    words = " ".join(action.description.split())
    words = words if len(words) <= 80 else words[:79].rstrip() + "…"
    return f"Action: {words} ({child.full_name}, {child.reference})"


def _child_team_manager(meeting):
    """The named manager of the child's team while they hold the role; None otherwise."""
    team = meeting.child.team
    manager = team.manager if team is not None and team.manager_id else None
    return manager if routing.holds(manager, meeting.authority_id, {Role.TEAM_MANAGER}) else None


def _is_child_team_manager(user, meeting):
    """The manager of the child's team; where the team has no manager who still holds the role,
    any team manager of the council (where the team's items then go)."""
    if Role.TEAM_MANAGER not in roles_of(user, meeting.authority_id):
        return False
    team = meeting.child.team
    if team is not None and team.manager_id == user.pk:
        return True
    return _child_team_manager(meeting) is None


def _is_chair(user, meeting):
    return meeting.chair_id is not None and meeting.chair_id == user.pk


def _is_social_worker(user, meeting):
    return meeting.child.social_worker_id == user.pk and bool(roles_of(user, meeting.authority_id))


# When minutes are circulated ------------------------------------------------------------------------


def on_minutes_circulated(*, meeting, by):
    """Called by `minutes_circulate` in its transaction, the placement and the meeting locked (the
    placement's `ended_on` read from the locked row): for a stability meeting, the IRO's check of
    its actions (due `iro_action_check` after it was held) and, while the placement goes on, the
    next stability meeting (due at the end of the date the meeting set, else `stability_review`
    after it was held) in the child's team manager's tray; where a stability meeting of the
    placement is already waiting to be held, that one is the next (due at the sooner time). Nothing
    for an unplanned ending meeting. Returns the next meeting, or None."""
    if meeting.kind != Meeting.Kind.STABILITY:
        return None
    policy = meeting.authority.policy
    held_at = meeting.held_at or timezone.now()
    _open_iro_check(meeting, policy, held_at, by)
    if meeting.placement.ended_on is not None:
        return None
    return _open_review(meeting, policy, held_at, by)


def _open_iro_check(meeting, policy, held_at, by):
    meeting.iro_check_due_at = policy_due_at(policy, "iro_action_check", held_at)
    meeting.save(update_fields=["iro_check_due_at"])
    routing.to_child_iro(
        meeting, kind=Kind.IRO_ACTION_CHECK, due_at=meeting.iro_check_due_at,
        title=f"Check the actions were done: {routing.meeting_title(meeting)}",
        link=reverse("stability_iro_check", args=[meeting.pk]),
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="iro_check_opened", by=by, meeting=meeting,
        detail={"due": long_date(timezone.localtime(meeting.iro_check_due_at).date())},
    )  # fmt: skip


def _open_review(meeting, policy, held_at, by):
    if meeting.next_meeting_on is not None:
        due_at = end_of(meeting.next_meeting_on)
    else:
        due_at = policy_due_at(policy, "stability_review", held_at)
    held_on = long_date(timezone.localtime(held_at).date())
    waiting = selectors.waiting_stability_meeting(meeting.placement, lock=True)
    if waiting is not None:  # a concern raised since: that meeting is the review too
        return _review_joined(waiting, meeting, due_at, held_on, by)
    review = Meeting.objects.create(
        authority=meeting.authority, kind=Meeting.Kind.STABILITY, placement=meeting.placement,
        child=meeting.child, household=meeting.household, previous=meeting, raised_by="review",
        concern=f"Review of the stability meeting held on {held_on}",
        requested_at=timezone.now(), due_at=due_at,
    )  # fmt: skip
    routing.to_child_team_manager(
        review, kind=Kind.STABILITY_MEETING, title=routing.meeting_title(review), due_at=due_at,
        note=review.concern,
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="review_opened", by=by, meeting=review,
        detail={"due": long_date(timezone.localtime(due_at).date()), "held_on": held_on},
    )  # fmt: skip
    return review


def _review_joined(waiting, meeting, due_at, held_on, by):
    """The review of `meeting` joins the stability meeting already waiting to be held: that one
    follows this meeting where it follows none, and is due at the sooner of the two times."""
    fields = []
    if waiting.previous_id is None:
        waiting.previous = meeting
        fields.append("previous")
    if due_at < waiting.due_at:
        waiting.due_at = due_at
        fields.append("due_at")
        selectors.open_meeting_item(waiting, [Kind.STABILITY_MEETING]).update(due_at=due_at)
    waiting.version += 1
    waiting.save(update_fields=[*fields, "version"])
    history.record(
        placement=meeting.placement, what="review_joined", by=by, meeting=waiting,
        detail={"due": long_date(timezone.localtime(waiting.due_at).date()), "held_on": held_on},
    )  # fmt: skip
    return waiting


# Actions --------------------------------------------------------------------------------------------


def owners_for(meeting):
    """Who may be given an action: the council's active Hearth users, any role."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=meeting.authority_id,
            memberships__role__in=list(AUTHORITY_ROLES),
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def why_not_add_action(user, meeting):
    """Why the user may not add an action to the meeting now; None when they may."""
    if meeting.status not in ACTIONS_ALLOWED:
        return "Actions are added once the meeting has been held"
    if not (
        _is_chair(user, meeting)
        or _is_child_team_manager(user, meeting)
        or _is_social_worker(user, meeting)
    ):
        return (
            "Only the chair, the child's team manager or the child's social worker may add actions"
        )
    return None


def may_add_action(user, meeting):
    return why_not_add_action(user, meeting) is None


def why_not_done(user, action):
    """Why the user may not mark the action done; None when they may."""
    meeting = action.meeting
    if action.status == Action.Status.DONE:
        return "The action is already done"
    if user.pk in (action.owner_id, action.escalated_to_id) and roles_of(
        user, meeting.authority_id
    ):
        return None
    if _is_chair(user, meeting) or _is_child_team_manager(user, meeting):
        return None
    return (
        "Only the action's owner, the manager it was escalated to, the chair or the child's team "
        "manager may mark it done"
    )


def may_mark_done(user, action):
    return why_not_done(user, action) is None


def _locked_meeting(meeting):
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("authority__policy", "placement", "child__team", "chair")
        .get(pk=meeting.pk)
    )


@transaction.atomic
def action_add(*, user, meeting, description, owner, due_on, request=None):
    """Add an action agreed at a held meeting: what, who (a Hearth user of the council) and by
    when (today or later). It lands in the owner's tray, due at the end of its date."""
    meeting = _locked_meeting(meeting)
    refuse(why_not_add_action(user, meeting))
    errors = {}
    description = clean_text(
        description, "description", errors, name="The action", missing="Say what is to be done"
    )
    if owner is None:
        errors["owner"] = "Choose who will do the action"
    elif not routing.holds(owner, meeting.authority_id, AUTHORITY_ROLES):
        errors["owner"] = "Choose someone who works for the council in Hearth"
    if due_on is None:
        errors["due_on"] = "Enter the date the action is due"
    elif due_on < timezone.localdate():
        errors["due_on"] = "The date the action is due must be today or in the future"
    refuse_if(errors)
    action = Action.objects.create(
        meeting=meeting, description=description, owner=owner, given_to=owner, due_on=due_on,
        created_by=user,
    )  # fmt: skip
    item_open(
        organisation=meeting.authority, kind=Kind.STABILITY_ACTION, user=owner,
        title=_action_title(action, meeting), due_at=end_of(due_on),
        key=routing.action_key(action), link=routing.meeting_link(meeting),
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="action_added", by=user, meeting=meeting,
        detail={"description": description, "owner": owner.display_name, "due": long_date(due_on)},
    )  # fmt: skip
    _audit(user, meeting, f"action {action.pk} added to meeting {meeting.reference}", request)
    return action


def _locked_action(action):
    return (
        Action.objects.select_for_update(of=("self",))
        .select_related(
            "meeting__authority__policy", "meeting__placement", "meeting__child__team", "owner",
            "given_to", "escalated_to",
        )
        .get(pk=action.pk)
    )  # fmt: skip


@transaction.atomic
def action_done(*, user, action, note, expected_version, request=None):
    """Mark an action done, with what was done: by its owner, the manager it was escalated to,
    the chair or the child's team manager. Every tray item of the action closes."""
    action = _locked_action(action)
    check_step(why_not_done(user, action), action, expected_version, "action")
    errors = {}
    note = clean_text(note, "note", errors, name="What was done")
    refuse_if(errors)
    meeting = action.meeting
    action.status, action.done_at, action.done_by = Action.Status.DONE, timezone.now(), user
    action.done_note = note
    action.version += 1
    action.save(update_fields=["status", "done_at", "done_by", "done_note", "version"])
    items_close_keyed(
        organisation=meeting.authority, key=routing.action_key(action), by=user,
        kinds=ACTION_ITEMS,
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="action_done", by=user, meeting=meeting, comment=note,
        detail={"description": action.description},
    )  # fmt: skip
    _audit(user, meeting, f"action {action.pk} of meeting {meeting.reference} done", request)
    return action


def _status(action, now):
    """(words, GOV.UK tag colour) of an action's state."""
    if action.status == Action.Status.DONE:
        return "Done", "green"
    if action.escalated_at is not None:
        return "Escalated", "red"
    if action.flagged_at is not None:
        recheck = long_date(timezone.localtime(action.recheck_due_at).date())
        return f"Flagged: re-check due {recheck}", "orange"
    if now > end_of(action.due_on):
        return "Overdue", "red"
    return "To do", "blue"


def _owner_words(action):
    owner = action.owner.display_name
    if action.escalated_at is None or action.given_to_id == action.owner_id:
        if action.escalated_at is not None:
            return f"{owner} (escalated to the team managers on {_day(action.escalated_at)})"
        return owner
    return (
        f"{owner} (given to {action.given_to.display_name}, escalated to {owner} on "
        f"{_day(action.escalated_at)})"
    )


def _day(moment):
    return long_date(timezone.localtime(moment).date())


def _done_words(action):
    if action.status != Action.Status.DONE:
        return ""
    who = action.done_by.display_name if action.done_by_id else "Hearth"
    return f"Done on {_day(action.done_at)} by {who}" + (
        f": {action.done_note}" if action.done_note else ""
    )


def _shown(action, now, may_do):
    words, colour = _status(action, now)
    return {
        "pk": action.pk,
        "description": action.description,
        "owner": _owner_words(action),
        "due": long_date(action.due_on),
        "status": words,
        "colour": colour,
        "done": _done_words(action),
        "done_url": reverse("stability_action_done", args=[action.pk]) if may_do else "",
    }


def actions_shown(meeting, user, now):
    """The meeting's actions for its page: what, owner (and whom it was given to before an
    escalation), due date, state as a tag, and the links this user may use. One query."""
    actions = meeting.actions.select_related("owner", "given_to", "escalated_to", "done_by")
    oversees = _is_chair(user, meeting) or _is_child_team_manager(user, meeting)
    return [
        _shown(
            action,
            now,
            action.status == Action.Status.OPEN
            and (oversees or user.pk in (action.owner_id, action.escalated_to_id)),
        )
        for action in actions
    ]


def action_shown(action, user, now):
    """One action as `actions_shown` gives it, for its own page."""
    return _shown(action, now, may_mark_done(user, action))


# The IRO's check ------------------------------------------------------------------------------------


def why_not_iro_check(user, meeting):
    if meeting.kind != Meeting.Kind.STABILITY:
        return "Only a stability meeting's actions are checked by the IRO"
    if meeting.status != Status.CIRCULATED or meeting.iro_check_due_at is None:
        return "The IRO checks the actions once the minutes have been circulated"
    if meeting.iro_checked_at is not None:
        return "The IRO has already checked this meeting's actions"
    if Role.IRO not in roles_of(user, meeting.authority_id):
        return "Only an Independent Reviewing Officer of the council may record the check"
    return None


def may_iro_check(user, meeting):
    return why_not_iro_check(user, meeting) is None


@transaction.atomic
def iro_check(*, user, meeting, note, expected_version, request=None):
    """An IRO of the council (the child's or another) records that they checked the meeting's
    actions were followed up (003: "within 6 weeks of the stability meeting taking place")."""
    meeting = _locked_meeting(meeting)
    check_step(why_not_iro_check(user, meeting), meeting, expected_version, "meeting")
    errors = {}
    note = clean_text(
        note, "note", errors, name="Your check", missing="Say how the actions were followed up"
    )
    refuse_if(errors)
    meeting.iro_checked_at, meeting.iro_checked_by, meeting.iro_check_note = (
        timezone.now(), user, note
    )  # fmt: skip
    meeting.version += 1
    meeting.save(update_fields=["iro_checked_at", "iro_checked_by", "iro_check_note", "version"])
    items_close_keyed(
        organisation=meeting.authority, key=routing.meeting_key(meeting), by=user,
        kinds=[Kind.IRO_ACTION_CHECK],
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="iro_checked", by=user, role=Role.IRO, meeting=meeting,
        comment=note,
    )  # fmt: skip
    _audit(user, meeting, f"IRO's check of meeting {meeting.reference}'s actions", request)
    return meeting


# Jobs `hearth worker` runs (hearth.trays.jobs.JOBS) ----------------------------------------------------


def _actions_locked(**conditions):
    return (
        Action.objects.select_for_update(of=("self",))
        .filter(status=Action.Status.OPEN, **conditions)
        .select_related(
            "meeting__authority__policy", "meeting__placement", "meeting__child__team", "owner",
            "given_to",
        )
        .order_by("pk")
    )  # fmt: skip


def actions_flag_overdue(now):
    """Flag each open action whose date has ended to its owner, once: re-check due within the
    policy's working days, an overdue item in their tray (and so their manager's team tray)."""
    today = timezone.localtime(now).date()
    count = 0
    for action in _actions_locked(flagged_at__isnull=True, due_on__lt=today):
        if now <= end_of(action.due_on):
            continue
        _flag(action, now)
        count += 1
    return count


def _flag(action, now):
    meeting = action.meeting
    action.flagged_at = now
    action.recheck_due_at = policy_due_at(meeting.authority.policy, "stability_action_recheck", now)
    action.version += 1
    action.save(update_fields=["flagged_at", "recheck_due_at", "version"])
    key = routing.action_key(action)
    items_close_keyed(
        organisation=meeting.authority, key=key, by=None, kinds=[Kind.STABILITY_ACTION]
    )
    item_open(
        organisation=meeting.authority, kind=Kind.ACTION_OVERDUE, user=action.owner,
        title=_action_title(action, meeting), due_at=action.recheck_due_at, key=key,
        link=routing.meeting_link(meeting),
        note=f"Due on {long_date(action.due_on)} and not done: it is checked again by "
        f"{_day(action.recheck_due_at)}, then passed to your manager",
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="action_flagged", meeting=meeting,
        detail={
            "description": action.description, "owner": action.owner.display_name,
            "recheck": _day(action.recheck_due_at),
        },
    )  # fmt: skip


def actions_escalate(now):
    """Escalate each flagged action still open at its re-check to the owner's manager, once: the
    manager becomes its owner (`given_to` keeps the first) and holds it in their tray."""
    count = 0
    for action in _actions_locked(
        flagged_at__isnull=False, escalated_at__isnull=True, recheck_due_at__lt=now
    ):
        _escalate(action, now)
        count += 1
    return count


def escalation_manager(action):
    """The owner's manager (the manager of their team); else the child's team manager by name;
    None where neither is someone else than the owner (the team managers' role then holds it)."""
    meeting = action.meeting
    manager = routing.manager_of(action.owner, meeting.authority_id)
    if manager is None:
        manager = _child_team_manager(meeting)
    if manager is None or manager.pk == action.owner_id:
        return None
    return manager


def _escalate(action, now):
    meeting = action.meeting
    first_owner = action.owner
    manager = escalation_manager(action)
    action.escalated_at, action.escalated_to = now, manager
    if manager is not None:
        action.owner = manager
    action.version += 1
    action.save(update_fields=["escalated_at", "escalated_to", "owner", "version"])
    key = routing.action_key(action)
    items_close_keyed(organisation=meeting.authority, key=key, by=None, kinds=ACTION_ITEMS)
    title = _action_title(action, meeting)
    note = f"Not done by {first_owner.display_name} after the re-check: now yours to see through"
    if manager is None and _child_team_manager(meeting) is None:
        routing.to_child_team_manager(
            meeting, kind=Kind.ACTION_ESCALATED, title=title, due_at=None, note=note, key=key
        )
    else:  # to the manager; where the owner is the child's team manager, to every team manager
        item_open(
            organisation=meeting.authority, kind=Kind.ACTION_ESCALATED, user=manager,
            role="" if manager is not None else Role.TEAM_MANAGER, title=title, key=key,
            link=routing.meeting_link(meeting), note=note,
        )  # fmt: skip
    history.record(
        placement=meeting.placement, what="action_escalated", meeting=meeting,
        detail={
            "description": action.description, "owner": first_owner.display_name,
            "manager": manager.display_name if manager is not None else "the team managers",
        },
    )  # fmt: skip


def meetings_remind_overdue(now):
    """Remind, once each, the holders of a meeting not held by its due time and the chair of
    minutes not circulated by theirs. The emails name no child."""
    return _remind_meetings(now) + _remind_minutes(now)


def _meetings_locked(**conditions):
    return (
        Meeting.objects.select_for_update(of=("self",))
        .filter(**conditions)
        .select_related("chair")
        .order_by("pk")
    )


def _remind_meetings(now):
    count = 0
    for meeting in _meetings_locked(
        status=Status.REQUESTED, due_at__lt=now, overdue_reminded_at__isnull=True
    ):
        items = WorkItem.objects.filter(
            organisation_id=meeting.authority_id, key=routing.meeting_key(meeting),
            kind__in=MEETING_ITEMS, closed_at__isnull=True,
        ).select_related("assigned_user")  # fmt: skip
        people = {person.pk: person for item in items for person in recipients_of(item)}
        what = meeting.get_kind_display().lower()
        email_queue(
            recipients=list(people.values()),
            subject=f"Overdue: a {what} in Hearth",
            body=_reminder(
                meeting,
                f"A {what} ({meeting.reference}) was due to be held by {when(meeting.due_at)} "
                "and is not recorded as held.",
            ),
        )
        meeting.overdue_reminded_at = now
        meeting.save(update_fields=["overdue_reminded_at"])
        count += 1
    return count


def _remind_minutes(now):
    count = 0
    for meeting in _meetings_locked(
        status=Status.HELD, minutes_due_at__lt=now, minutes_reminded_at__isnull=True
    ):
        chair = meeting.chair
        email_queue(
            recipients=[chair] if chair is not None and chair.is_active else [],
            subject="Overdue: a meeting's minutes in Hearth",
            body=_reminder(
                meeting,
                f"The minutes of a {meeting.get_kind_display().lower()} ({meeting.reference}) "
                f"you chaired were due to be circulated by {when(meeting.minutes_due_at)}.",
            ),
        )
        meeting.minutes_reminded_at = now
        meeting.save(update_fields=["minutes_reminded_at"])
        count += 1
    return count


def when(moment):
    """Like "Thursday 31 December 2026 at 23:59", in Europe/London."""
    local = timezone.localtime(moment)
    return f"{local:%A} {local.day} {local:%B %Y} at {local:%H:%M}"


def _reminder(meeting, first_line):
    return "\n".join(
        [
            first_line,
            "",
            f"Open it in Hearth: {link(routing.meeting_link(meeting))}",
            "",
            NO_CHILD_NAMED,
        ]
    )


# What `hearth worker` prints is each job's name with its count ("overdue actions flagged: 2"):
# these are the names `JOBS` lists.
overdue_actions_flagged = actions_flag_overdue
overdue_actions_escalated = actions_escalate
overdue_meetings_and_minutes_reminded = meetings_remind_overdue
