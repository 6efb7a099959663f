"""A placement's start and the child's SSDA903 episodes before it: care imported from an earlier
return that is still open is a move (REC X1, with the reason asked and kept), and the legal
status entered on the start form sets the move's RNE (B or U for a new status) and the child's
record."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.audit.models import AuditEvent
from hearth.people.models import Child
from hearth.placements.services import placement_start
from hearth.referrals.models import Status
from hearth.referrals.services import ReferralError
from hearth.ssda903 import episodes, recording
from hearth.ssda903.models import Episode
from tests.factories import HouseholdFactory, make_referral
from tests.fixtures.placements import matched_offer

pytestmark = pytest.mark.django_db

IMPORTED_FROM = date(2024, 6, 1)


def start(offer, user, **how):
    how.setdefault("started_on", timezone.localdate())
    how.setdefault("care_type", "short_term")
    return placement_start(user=user, offer=offer, **how)


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def imported_care(child):
    """Amy in foster care since 1 June 2024, as the council's last return had it: still open."""
    return Episode.objects.create(
        authority=child.authority, child=child, source=Episode.Source.IMPORTED,
        decom=IMPORTED_FROM, rne="S", ls="C2", cin="N1", place="U4", place_provider="PR1",
        home_post="WN1 1AA", pl_post="WN1 1AB", urn="SC123456",
    )  # fmt: skip


def _episodes(child):
    return [
        (e.source, e.decom, e.rne, e.ls, e.dec, e.rec, e.reason_place_change)
        for e in Episode.objects.filter(child=child).order_by("decom", "pk")
    ]


# Care imported from an earlier return, still open ---------------------------------------------


def test_placing_a_child_whose_imported_care_goes_on_asks_why_it_changes(
    in_house_match, placements_officer, child
):
    imported = imported_care(child)

    with pytest.raises(ReferralError) as refused:
        start(in_house_match, placements_officer)

    errors = refused.value.field_errors
    assert errors[f"c{child.pk}_reason_place_change"].startswith("REASON_PLACE_CHANGE: say why")
    assert f"c{child.pk}_ending" not in errors  # no placement in Hearth to end as planned or not
    assert Episode.objects.get(pk=imported.pk).dec is None


def test_the_imported_care_ends_x1_with_the_reason_given_and_keeps_it(
    in_house_match, placements_officer, child
):
    imported = imported_care(child)

    (placement,) = start(
        in_house_match, placements_officer, moves={child.pk: {"reason_place_change": "CREQB"}}
    )

    today = placement.started_on
    assert placement.reason_new_episode == "P"
    assert _episodes(child) == [
        ("imported", IMPORTED_FROM, "S", "C2", today, "X1", "CREQB"),
        ("hearth", today, "P", "C2", None, "", ""),
    ]
    episodes.refresh(child)  # written again later (a change of codes, an ending): kept
    assert Episode.objects.get(pk=imported.pk).reason_place_change == "CREQB"
    assert AuditEvent.objects.filter(
        record_type="child", record_id=str(child.pk),
        detail__contains="recorded before Hearth ended (X1, CREQB)",
    ).exists()  # fmt: skip


def test_the_l_episode_of_a_legal_status_change_ends_with_the_move(
    in_house_match, placements_officer, social_worker, child
):
    imported_care(child)
    recording.change_legal_status(
        user=social_worker, child=child, legal_status="E1", changed_on=date(2025, 9, 1)
    )

    (placement,) = start(in_house_match, placements_officer, moves={"reason_place_change": "CARPL"})

    today = placement.started_on
    assert _episodes(child) == [
        ("imported", IMPORTED_FROM, "S", "C2", date(2025, 9, 1), "X1", ""),
        ("hearth", date(2025, 9, 1), "L", "E1", today, "X1", "CARPL"),
        ("hearth", today, "P", "E1", None, "", ""),
    ]


def test_the_reason_given_for_the_move_is_checked_by_the_dfe_rules(
    in_house_match, placements_officer, child
):
    imported_care(child)  # Amy was 9 when it began

    with pytest.raises(ReferralError) as refused:
        start(in_house_match, placements_officer, moves={"reason_place_change": "CUSTOD"})

    message = refused.value.field_errors[f"c{child.pk}_reason_place_change"]
    assert "custody" in message and "(rule 234)" in message
    assert Episode.objects.get(child=child).dec is None


def test_the_start_screen_asks_why_the_imported_care_changes(
    client, in_house_match, placements_officer, child
):
    imported = imported_care(child)
    client.force_login(placements_officer)
    url = reverse("placement_start", args=[in_house_match.referral_id, in_house_match.pk])

    page = client.get(url).content.decode()
    assert "recorded before Hearth" in page and "1 June 2024" in page
    assert f'name="c{child.pk}_reason_place_change"' in page
    assert f'name="c{child.pk}_ending"' not in page
    posted = {**date_fields("started_on", timezone.localdate()), "care_type": "short_term"}
    assert "REASON_PLACE_CHANGE: say why" in client.post(url, posted).content.decode()

    response = client.post(url, {**posted, f"c{child.pk}_reason_place_change": "CHILD"})

    assert response.status_code == 302
    ended = Episode.objects.get(pk=imported.pk)
    assert (ended.rec, ended.reason_place_change) == ("X1", "CHILD")


# The legal status entered on a move -----------------------------------------------------------


@pytest.fixture
def move_offer(started_placement, child, wigan, placements_officer, team_manager):
    """Amy, placed already (C2), matched on a new referral with other carers of the council."""
    referral = make_referral(child, status=Status.MATCHED, placement_type="long_term")
    new_home = HouseholdFactory(provider=wigan, postcode="WN2 2BB")
    return matched_offer(referral, new_home, by=placements_officer, signer=team_manager)


MOVE = {"reason_place_change": "CARPL", "ending": "planned"}


def test_a_new_legal_status_entered_on_a_move_makes_it_b_and_sets_the_childs(
    move_offer, placements_officer, child
):
    version = Child.objects.get(pk=child.pk).version

    (placement,) = start(move_offer, placements_officer, codes={"legal_status": "E1"}, moves=MOVE)

    assert (placement.legal_status, placement.reason_new_episode) == ("E1", "B")
    child = Child.objects.get(pk=child.pk)
    assert child.legal_status == "E1"
    assert child.version == version + 2  # the old placement's ending, the new one's start


@pytest.mark.parametrize(
    ("entered", "words"),
    [
        ({"legal_status": "E1", "reason_new_episode": "P"}, "changes from C2 to E1"),
        ({"reason_new_episode": "B"}, "stays C2"),
    ],
)
def test_an_rne_that_disagrees_with_the_legal_status_is_refused(
    move_offer, placements_officer, child, entered, words
):
    with pytest.raises(ReferralError) as refused:
        start(move_offer, placements_officer, codes=entered, moves=MOVE)

    message = refused.value.field_errors[f"c{child.pk}_reason_new_episode"]
    right = "B" if entered["reason_new_episode"] == "P" else "P"
    assert words in message and f"use {right} (" in message
    assert Child.objects.get(pk=child.pk).legal_status == "C2"
