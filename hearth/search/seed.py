"""Synthetic in-house search work for a seeded council's open searches: carers rung, some with no
answer, some declining, one offering a home that waits for the child's social worker.

Each contact is replayed through the real services at the moment it happened (as the referrals'
seed does), so the history, the offer, its questions to the social workers of children already
placed and the work-tray items are exactly what people would have made.
"""

from datetime import timedelta

from django.utils import timezone

from hearth.search import services
from hearth.search.selectors import in_house_search
from hearth.search.vocabulary import DECLINES, MESSAGE_LEFT, NO_ANSWER, OFFERS

STEP = timedelta(minutes=25)
# (outcome, decline reason, what the carers said), in the order the duty worker rang them.
CALLS = (
    (NO_ANSWER, "", ""),
    (DECLINES, "family_circumstances", "Our own grandchildren are staying with us until spring."),
    (MESSAGE_LEFT, "", "Left a message asking them to ring the duty line back."),
    (OFFERS, "", "Happy to meet the social worker this week; the spare room is ready."),
)


def seed_contacts(referral, worker, moment, at, *, offer=True):
    """Ring the best-ranked households for `referral` from `moment`, as `worker` (a search worker),
    with `at(moment)` making the services record that time. With `offer`, the last household rung
    offers a home; otherwise the search goes on. Returns whether an offer was made."""
    with at(moment):
        rows = in_house_search(worker, referral, as_of=timezone.localdate(moment)).available
    calls = CALLS[:-1]
    if offer and rows:  # the last household rung offers
        calls = calls[: len(rows) - 1] + CALLS[-1:]
    offered = False
    for row, (outcome, reason, note) in zip(rows, calls, strict=False):
        moment += STEP
        with at(moment):
            services.contact_record(
                user=worker, referral=referral, household=row.household, outcome=outcome,
                reason=reason, note=note,
                available_from=timezone.localdate(moment) + timedelta(days=7)
                if outcome == OFFERS
                else None,
            )  # fmt: skip
        offered |= outcome == OFFERS
    return offered
