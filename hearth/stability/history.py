"""The stability history of a child and of the carers they lived with: a query over `Event` rows
(STYLE.md 3), one row per step, shown on the child's record, the household's record and each
meeting. Each row is written in the same transaction as the step it records."""

from hearth.stability.models import Event


def record(*, placement, what, by=None, role="", meeting=None, comment="", detail=None):
    """Add one step to the placement's child's and household's stability history. `by` is None
    for a step Hearth's worker took (a reminder, an escalation)."""
    return Event.objects.create(
        placement=placement, child_id=placement.child_id, household_id=placement.household_id,
        meeting=meeting, what=what, by=by, by_role=role, comment=comment, detail=detail or {},
    )  # fmt: skip


# What each step says, in a sentence: {what: template}. The template may use {who} (the person, or
# "Hearth" for the worker), {meeting} (the meeting's kind in words) and the keys of `detail`.
SENTENCES = {
    # meetings
    "meeting_requested": (
        "{who} asked for the {meeting}, to be held by {due}. Concern raised by: {raised_by}"
    ),
    "concern_added": (
        "{who} added a concern to the {meeting}, to be held by {due}. Raised by: {raised_by}"
    ),
    "meeting_arranged": (
        "{who} arranged the {meeting} for {when} at {venue}, chaired by {chair}, {invited} "
        "people invited"
    ),
    "meeting_held": (
        "The {meeting} was held on {held}, chaired by {chair}: minutes due by {minutes_due}"
    ),
    "held_at_changed": "{who} changed when the {meeting} was held from {old} to {new}",
    "minutes_circulated": (
        "{who} circulated the minutes of the {meeting} to {count} addresses: filed on the "
        "child's and the carers' records"
    ),
    # follow-ups
    "iro_check_opened": "The IRO's check that the actions were followed up is due by {due}",
    "review_opened": (
        "The next stability meeting is due by {due}: a review of the meeting held on {held_on}"
    ),
    "review_joined": (
        "The review of the meeting held on {held_on} joins the {meeting} waiting to be held, "
        "due by {due}"
    ),
    "action_added": "{who} added an action for {owner}, due on {due}: {description}",
    "action_done": "{who} marked an action done: {description}",
    "action_flagged": (
        "An action was not done by its date: flagged to {owner}, to be checked again by "
        "{recheck}: {description}"
    ),
    "action_escalated": (
        "An action was still not done when checked again: escalated from {owner} to {manager}: "
        "{description}"
    ),
    "iro_checked": "{who} checked that the actions were followed up",
    # endings and moving on
    "meeting_not_held": "The stability meeting was not held: the placement ended on {ended_on}",
    "ending_meeting_due": (
        "The placement ended in an unplanned way: the unplanned ending meeting is due between "
        "{window_from} and {window_by}"
    ),
    "waiver_possible": (
        "A stability meeting was held on {held_on}: a team manager may waive the unplanned "
        "ending meeting"
    ),
    "meeting_waived": "{who} waived the unplanned ending meeting",
    "moving_on_opened": (
        "The child moved on: the previous carer's one-page profile for the next carer and their "
        "letter to the child are due by {due}, seen done by {owner}"
    ),
    "moving_on_done": "{who} recorded as done: {task}",
}


def sentence(event, meeting_words=""):
    template = SENTENCES.get(event.what, "{what}")
    who = event.by.display_name if event.by_id else "Hearth"
    values = {"who": who, "meeting": meeting_words, "what": event.what.replace("_", " ")}
    values.update({k: v for k, v in (event.detail or {}).items() if isinstance(k, str)})
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return event.what.replace("_", " ")
