"""The fostering service's timed work, run by `hearth worker` each round (`hearth.trays.jobs.JOBS`).

- **Supervisory visits**: when a household's next supervisory visit falls due (`support.
  next_visit_due`), a SUPERVISORY_VISIT item goes to its supervising social worker (the fostering
  team managers when it has none), keyed by the household: one is open at a time, and the next
  visit recorded closes it whatever its due date was.
- **Annual reviews**: 8 weeks before a household's review is due, an ANNUAL_REVIEW item goes to the
  same person, so that the review can be prepared; once per due date (an item with that key, open
  or already closed, means it was done).

Each job reads the tray keys it needs in one query, not one per household.
"""

from datetime import datetime, timedelta

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.core.deadlines import END_OF_DAY, LONDON
from hearth.fostering import support
from hearth.people.models import Household
from hearth.trays.models import WorkItem
from hearth.trays.services import item_open

REVIEW_NOTICE = timedelta(weeks=8)


def _supported(now):
    return (
        Household.objects.filter(
            provider__kind="authority", status__in=support.SUPPORTED_STATUSES,
            approved_on__isnull=False,
        )
        .select_related("provider__policy", "supervising_social_worker")
        .annotate(last_supervisory=Max("visits__visited_at", filter=Q(visits__kind="supervisory")))
        .order_by("pk")
    )  # fmt: skip


def _keys_in_trays(kind, keys, *, open_only):
    """(council, key) of the items of `kind` with one of `keys`, in one query."""
    items = WorkItem.objects.filter(kind=kind, key__in={key for _, key in keys})
    if open_only:
        items = items.filter(closed_at__isnull=True)
    return set(items.values_list("organisation_id", "key"))


def _to(household):
    worker = household.supervising_social_worker
    if worker is not None and worker.is_active:
        return {"user": worker}
    return {"role": Role.FOSTERING_TEAM_MANAGER}


def _end_of(day):
    return datetime.combine(day, END_OF_DAY, tzinfo=LONDON)


def supervisory_visits_due(now):
    """Open the tray item of each supervisory visit that has fallen due, unless one is open."""
    today, count = timezone.localtime(now, LONDON).date(), 0
    due_now = []
    for household in _supported(now):
        last = support.as_day(household.last_supervisory)
        due = support.next_visit_due(household, today, last_visited_on=last)
        if due <= today:
            due_now.append((household, due, support.supervisory_visit_key(household)))
    waiting = _keys_in_trays(
        WorkItem.Kind.SUPERVISORY_VISIT, [(h.provider_id, key) for h, _, key in due_now],
        open_only=True,
    )  # fmt: skip
    for household, due, key in due_now:
        if (household.provider_id, key) in waiting:
            continue
        item_open(
            organisation=household.provider, kind=WorkItem.Kind.SUPERVISORY_VISIT,
            title=f"A supervisory visit to {household.name} is due", due_at=_end_of(due), key=key,
            link=reverse("fostering_visit_new", args=[household.pk]), **_to(household),
        )  # fmt: skip
        count += 1
    return count


def annual_reviews_due(now):
    """Open the tray item of each annual review due within 8 weeks (once per due date)."""
    count = 0
    households = Household.objects.filter(
        provider__kind="authority", status__in=support.REVIEWED_STATUSES,
        review_due_at__lte=now + REVIEW_NOTICE,
    ).select_related("provider", "supervising_social_worker").order_by("pk")  # fmt: skip
    due_soon = [
        (household, support.review_key(household, support.review_due_on(household)))
        for household in households
    ]
    done = _keys_in_trays(
        WorkItem.Kind.ANNUAL_REVIEW, [(h.provider_id, key) for h, key in due_soon], open_only=False
    )
    for household, key in due_soon:
        if (household.provider_id, key) in done:
            continue
        item_open(
            organisation=household.provider, kind=WorkItem.Kind.ANNUAL_REVIEW,
            title=f"The annual review of {household.name} is due", due_at=household.review_due_at,
            key=key, link=reverse("fostering_review_new", args=[household.pk]), **_to(household),
        )  # fmt: skip
        count += 1
    return count
