"""The only code that writes a child's SSDA903 episodes.

A child's episodes are the return's view of their placements: Hearth's `Placement` rows (each
with its codes, checked when entered, and its ending) split wherever the child's legal status
changed while they lived there (`LegalStatusChange`). `refresh(child)` rewrites the child's
episodes that Hearth made from those records, so an episode can never disagree with the placement
it describes; the placement services call it after every start, ending and change of codes, and
the legal status change calls it too.

Episodes imported from earlier returns (`source="imported"`) are history and are not rewritten,
with one exception: a child whose last imported episode is still open when Hearth records a new
placement has that episode ended on the day the placement starts (REC X1, the child moved), with
the reason for the move when one was given (`close_imported`).
"""

from hearth.placements.codes import CHANGE_OF_EPISODE
from hearth.ssda903.models import ChildReturn, Episode, LegalStatusChange

LEGAL_STATUS_ONLY = "L"


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
        "source": Episode.Source.HEARTH,
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


def close_imported(child, on, *, reason_place_change=""):
    """End the child's open imported episode on `on` as a move (REC X1); whether one was open."""
    return bool(
        Episode.objects.filter(
            child=child, source=Episode.Source.IMPORTED, dec__isnull=True, decom__lte=on
        ).update(dec=on, rec=CHANGE_OF_EPISODE, reason_place_change=reason_place_change)
    )


def refresh(child):
    """Rewrite the episodes of `child` that Hearth made, from the child's placements and legal
    status changes. Call inside the transaction that changed them."""
    Episode.objects.filter(child=child, source=Episode.Source.HEARTH).delete()
    episodes = child_episodes(child)
    if episodes:
        close_imported(child, episodes[0].decom)
    Episode.objects.bulk_create(episodes)
    return episodes


def refresh_many(children):
    """`refresh` for many children at once (seeds and imports): three queries and the writes."""
    children = list(children)
    ids = [child.pk for child in children]
    changes = {}
    for change in LegalStatusChange.objects.filter(child_id__in=ids).order_by("changed_on", "pk"):
        changes.setdefault(change.child_id, []).append(change)
    categories = dict(
        ChildReturn.objects.filter(child_id__in=ids).values_list("child_id", "category_of_need")
    )
    from hearth.placements.models import Placement

    episodes, first_start = [], {}
    placements = Placement.objects.filter(child_id__in=ids).order_by("child_id", "started_on", "pk")
    for placement in placements:
        made = placement_episodes(
            placement,
            changes.get(placement.child_id, []),
            category_of_need=categories.get(placement.child_id, ""),
        )
        first_start.setdefault(placement.child_id, placement.started_on)
        episodes += made
    Episode.objects.filter(child_id__in=ids, source=Episode.Source.HEARTH).delete()
    for child_id, started_on in first_start.items():
        Episode.objects.filter(
            child_id=child_id, source=Episode.Source.IMPORTED, dec__isnull=True,
            decom__lte=started_on,
        ).update(dec=started_on, rec=CHANGE_OF_EPISODE)  # fmt: skip
    Episode.objects.bulk_create(episodes, batch_size=2000)
    return len(episodes)
