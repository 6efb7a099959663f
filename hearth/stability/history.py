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
    # follow-ups
    # endings and moving on
}


def sentence(event, meeting_words=""):
    template = SENTENCES.get(event.what, "{what}")
    who = (event.by.display_name if event.by is not None else "Hearth") if event.by_id else "Hearth"
    values = {"who": who, "meeting": meeting_words, "what": event.what.replace("_", " ")}
    values.update({k: v for k, v in (event.detail or {}).items() if isinstance(k, str)})
    try:
        return template.format(**values)
    except (KeyError, IndexError, ValueError):
        return event.what.replace("_", " ")


def of_child(child):
    return Event.objects.filter(child=child).select_related("by", "meeting")


def of_household(household):
    return Event.objects.filter(household=household).select_related("by", "meeting")
