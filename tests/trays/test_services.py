"""Opening and closing work items: an item may carry the key of the record it waits on, so that
one record's step closes its own items and leaves those of the referral's other records open."""

from hearth.trays.models import WorkItem
from hearth.trays.services import item_open, items_close
from tests.factories import make_referral

Kind = WorkItem.Kind


def open_keys(referral):
    items = WorkItem.objects.filter(referral=referral, closed_at__isnull=True)
    return sorted(items.values_list("key", flat=True))


def test_items_close_by_key_leaving_other_keys_open(wigan, child, child_team, social_worker):
    referral = make_referral(child)
    for key in ("offer:1", "offer:2", ""):
        item_open(
            organisation=wigan, kind=Kind.CARER_OFFER, referral=referral, title="Offer",
            user=social_worker, key=key,
        )  # fmt: skip
    assert open_keys(referral) == ["", "offer:1", "offer:2"]
    closed = items_close(
        referral=referral, by=social_worker, kinds=[Kind.CARER_OFFER], key="offer:1"
    )
    assert closed == 1 and open_keys(referral) == ["", "offer:2"]
    assert items_close(referral=referral, by=social_worker, key="") == 1
    assert open_keys(referral) == ["offer:2"]
    items_close(referral=referral, by=social_worker)  # no key given: every open item
    assert open_keys(referral) == []


def test_an_item_has_no_key_unless_given(wigan, child, child_team, social_worker):
    referral = make_referral(child)
    item = item_open(
        organisation=wigan, kind=Kind.REFERRAL_DRAFT, referral=referral, title="Draft",
        user=social_worker,
    )  # fmt: skip
    assert WorkItem.objects.get(pk=item.pk).key == ""
