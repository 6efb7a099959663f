"""The only code that writes a child's SSDA903 episodes.

A child's episodes are the return's view of their placements: Hearth's `Placement` rows (each
with its codes, checked when entered, and its ending) split wherever the child's legal status
changed while they lived there (`LegalStatusChange`). `refresh(child)` rewrites the child's
episodes that Hearth made from those records, so an episode can never disagree with the placement
it describes; the placement services call it after every start, ending and change of codes, and
the legal status change calls it too.

Episodes imported from earlier returns (`source="imported"`) are history and are not rewritten,
except the child's latest imported episode while Hearth carries it on (it is still open, or it
was ended by Hearth: REC X1 with no imported episode after it):

- a legal status change recorded in Hearth after it began ends it that day (REC X1), and the
  care goes on in an episode Hearth makes from the change (`source="hearth"`, no placement, RNE
  L, the new LS, the place fields of the imported episode), as a change inside a placement does;
- the child's first placement in Hearth after it began ends it (or the last of those L episodes)
  on the day the placement starts (REC X1, the child moved), with the reason for the move the
  placement's start gave (`refresh(child, reason_place_change=...)`; kept from before when the
  episodes are rewritten later without one).

Those L episodes are Hearth's, like the placements': an import of a return never removes them
(`hearth.ssda903.imports`), and they are rebuilt from the `LegalStatusChange` rows each time.
"""

from django.db.models import Q

from hearth.placements.codes import CHANGE_OF_EPISODE
from hearth.ssda903.models import ChildReturn, Episode, LegalStatusChange

LEGAL_STATUS_ONLY = "L"
HEARTH, IMPORTED = Episode.Source.HEARTH, Episode.Source.IMPORTED
PLACE_FIELDS = ("place", "place_provider", "home_post", "pl_post", "urn")


def _category_of_need(child):
    try:
        return child.statutory.category_of_need
    except ChildReturn.DoesNotExist:
        return ""


def placement_episodes(placement, changes, *, category_of_need=""):
    """The unsaved episodes of one placement: one for each legal status it was lived under."""
    inside = [
        change
        for change in changes
        if change.changed_on > placement.started_on
        and (placement.ended_on is None or change.changed_on < placement.ended_on)
    ]
    common = {
        "authority_id": placement.authority_id,
        "child_id": placement.child_id,
        "placement": placement,
        "source": HEARTH,
        "cin": category_of_need,
        "place": placement.place,
        "place_provider": placement.place_provider,
        "home_post": placement.home_postcode,
        "pl_post": placement.placement_postcode,
        "urn": placement.urn,
    }
    episodes = [
        Episode(
            **common,
            decom=placement.started_on,
            rne=placement.reason_new_episode,
            ls=placement.legal_status,
        )
    ]
    for change in inside:
        before = episodes[-1]
        before.dec, before.rec = change.changed_on, CHANGE_OF_EPISODE
        episodes.append(
            Episode(
                **common, decom=change.changed_on, rne=LEGAL_STATUS_ONLY, ls=change.legal_status
            )
        )
    last = episodes[-1]
    last.dec = placement.ended_on
    last.rec = placement.reason_ceased if placement.ended_on else ""
    last.reason_place_change = placement.reason_place_change if placement.ended_on else ""
    return episodes


def child_episodes(child):
    """The unsaved episodes of every placement of `child` recorded in Hearth, in order."""
    changes = list(LegalStatusChange.objects.filter(child=child).order_by("changed_on", "pk"))
    category = _category_of_need(child)
    episodes = []
    for placement in child.placements.order_by("started_on", "pk"):
        episodes += placement_episodes(placement, changes, category_of_need=category)
    return episodes


def carried_on(imported):
    """The latest of a child's imported episodes (in order) when Hearth carries it on: still
    open, or ended by Hearth (REC X1 with no imported episode after it). None otherwise."""
    if not imported:
        return None
    last = imported[-1]
    if last.dec is None or last.rec == CHANGE_OF_EPISODE:
        return last
    return None


def _carried_episodes(tail, placed_on, changes, *, category_of_need, stored, reason):
    """What Hearth makes of the imported episode `tail`: ({field: value} it takes, [new
    episodes]). `placed_on`: the start of the child's first placement in Hearth on or after the
    tail began (None if none); `stored`: the Hearth episodes without a placement as they were
    (their reasons for the move are kept); `reason`: the reason for the move into the placement
    given now. Nothing changes when Hearth recorded nothing after the tail began."""
    inside = [
        change
        for change in changes
        if change.changed_on > tail.decom and (placed_on is None or change.changed_on < placed_on)
    ]
    if not inside and placed_on is None:
        return None, []
    made = [
        Episode(
            authority_id=tail.authority_id,
            child_id=tail.child_id,
            placement=None,
            source=HEARTH,
            decom=change.changed_on,
            rne=LEGAL_STATUS_ONLY,
            ls=change.legal_status,
            cin=category_of_need or tail.cin,
            **{field: getattr(tail, field) for field in PLACE_FIELDS},
        )  # fmt: skip
        for change in inside
    ]
    ends = [change.changed_on for change in inside] + [placed_on]
    values = {
        "dec": ends[0],
        "rec": CHANGE_OF_EPISODE if ends[0] else "",
        "reason_place_change": "",
    }
    for episode, end in zip(made, ends[1:], strict=True):
        episode.dec, episode.rec = end, CHANGE_OF_EPISODE if end else ""
    if placed_on is not None:
        if made:
            before = stored.get(made[-1].decom)
            made[-1].reason_place_change = reason or (
                before.reason_place_change if before is not None and before.dec == placed_on else ""
            )
        else:
            kept = tail.reason_place_change if tail.dec == placed_on else ""
            values["reason_place_change"] = reason or kept
    return values, made


def _plan(placements, changes, imported, stored, *, category_of_need, reason=""):
    """(the child's Hearth episodes, (imported episode, {field: value}) or None)."""
    episodes = []
    for placement in placements:
        episodes += placement_episodes(placement, changes, category_of_need=category_of_need)
    tail = carried_on(imported)
    if tail is None:
        return episodes, None
    placed_on = min((p.started_on for p in placements if p.started_on >= tail.decom), default=None)
    values, made = _carried_episodes(
        tail, placed_on, changes, category_of_need=category_of_need,
        stored={episode.decom: episode for episode in stored}, reason=reason,
    )  # fmt: skip
    if values is None:
        return episodes, None
    changed = {field: value for field, value in values.items() if getattr(tail, field) != value}
    return made + episodes, ((tail, changed) if changed else None)


def refresh(child, *, reason_place_change=""):
    """Rewrite the episodes of `child` that Hearth made, from the child's placements and legal
    status changes (and carry on their imported care: the module's docstring). Call inside the
    transaction that changed them. `reason_place_change`: the reason for the move when a
    placement starting now ends the care imported from an earlier return."""
    changes = list(LegalStatusChange.objects.filter(child=child).order_by("changed_on", "pk"))
    placements = list(child.placements.order_by("started_on", "pk"))
    imported = list(Episode.objects.filter(child=child, source=IMPORTED).order_by("decom", "pk"))
    stored = list(Episode.objects.filter(child=child, source=HEARTH, placement__isnull=True))
    episodes, tail = _plan(
        placements, changes, imported, stored,
        category_of_need=_category_of_need(child), reason=reason_place_change,
    )  # fmt: skip
    Episode.objects.filter(child=child, source=HEARTH).delete()
    if tail is not None:
        Episode.objects.filter(pk=tail[0].pk).update(**tail[1])
    Episode.objects.bulk_create(episodes)
    return episodes


def open_without_placement(children):
    """{child pk: episode} of those of `children` whose care goes on in an open episode with no
    placement in Hearth: imported from an earlier return, or an L episode Hearth made from it.
    A placement starting for such a child is a move out of it."""
    found = Episode.objects.filter(
        child_id__in=[getattr(child, "pk", child) for child in children],
        dec__isnull=True,
        placement__isnull=True,
    ).order_by("decom", "pk")
    return {episode.child_id: episode for episode in found}


def refresh_many(children):
    """`refresh` for many children at once (seeds and imports): a few queries and the writes."""
    from hearth.placements.models import Placement

    children = list(children)
    ids = [child.pk for child in children]
    by_child = {child_id: ([], [], [], []) for child_id in ids}
    for change in LegalStatusChange.objects.filter(child_id__in=ids).order_by("changed_on", "pk"):
        by_child[change.child_id][0].append(change)
    placements = Placement.objects.filter(child_id__in=ids).order_by("child_id", "started_on", "pk")
    for placement in placements:
        by_child[placement.child_id][1].append(placement)
    held = Episode.objects.filter(child_id__in=ids).filter(
        Q(source=IMPORTED) | Q(placement__isnull=True)
    )
    for episode in held.order_by("child_id", "decom", "pk"):
        by_child[episode.child_id][2 if episode.source == IMPORTED else 3].append(episode)
    categories = dict(
        ChildReturn.objects.filter(child_id__in=ids).values_list("child_id", "category_of_need")
    )
    episodes, tails = [], []
    for child_id, (changes, made, imported, stored) in by_child.items():
        mine, tail = _plan(
            made, changes, imported, stored, category_of_need=categories.get(child_id, "")
        )
        episodes += mine
        if tail is not None:
            episode, values = tail
            for field, value in values.items():
                setattr(episode, field, value)
            tails.append(episode)
    Episode.objects.filter(child_id__in=ids, source=HEARTH).delete()
    if tails:
        Episode.objects.bulk_update(tails, ["dec", "rec", "reason_place_change"], batch_size=2000)
    Episode.objects.bulk_create(episodes, batch_size=2000)
    return len(episodes)
