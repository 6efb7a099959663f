"""Writing a household's fostering history (`RecruitmentEvent`), the ledger the monthly fostering
figures are counted from (CONTRACT.md section 4).

Every step of the fostering service that the figures count calls `record` in its own transaction:
an enquiry received, the initial visit held, an application, an assessment started or ended, an
approval by the agency decision maker, a hold put on or lifted, an exit. A child placed with or
moving on from an in-house household is recorded by the placements' own start and end
(`on_placement_started`, `on_placement_ended`), so placements made in Hearth and imported history
are counted alike.
"""

from hearth.fostering.models import RecruitmentEvent
from hearth.people.models import Household

Kind = RecruitmentEvent.Kind

# The household's status after each step, for a record the history import creates.
STATUS_AFTER = {
    Kind.ENQUIRY: Household.Status.ENQUIRY,
    Kind.INITIAL_VISIT: Household.Status.ENQUIRY,
    Kind.APPLICATION: Household.Status.APPLICATION,
    Kind.ASSESSMENT_STARTED: Household.Status.IN_ASSESSMENT,
    Kind.ASSESSMENT_ENDED: Household.Status.NOT_PROGRESSED,
    Kind.APPROVED: Household.Status.APPROVED,
    Kind.EXITED: Household.Status.DEREGISTERED,
    Kind.ON_HOLD: Household.Status.ON_HOLD,
    Kind.OFF_HOLD: Household.Status.APPROVED,
}


def record(*, household, event, on, by=None, child=None, reason="", source=None):
    """Append `event` (a `RecruitmentEvent.Kind`) on the day `on` to the household's history. Only
    a council's own households have one: an agency's household is left alone (None)."""
    if not household.provider.is_authority:
        return None
    return RecruitmentEvent.objects.create(
        authority_id=household.provider_id,
        household=household,
        event=event,
        date=on,
        child=child,
        reason=reason[:300],
        source=source or RecruitmentEvent.Source.HEARTH,
        recorded_by=by,
    )


def on_placement_started(*, placement, by):
    """Called by the placements' services when a child moves in (in their transaction)."""
    return record(
        household=placement.household, event=Kind.PLACEMENT_STARTED, on=placement.started_on,
        by=by, child=placement.child,
    )  # fmt: skip


def on_placement_ended(*, placement, by):
    """Called by `hearth.placements.services._end_write` when a child moves on."""
    return record(
        household=placement.household, event=Kind.PLACEMENT_ENDED, on=placement.ended_on,
        by=by, child=placement.child, reason=placement.reason_ceased or "",
    )  # fmt: skip
