"""Demo placements and stability records (`hearth.stability.seed`): open placements for the children
living with carers, a year of endings with valid 903 codes, their meetings and actions, the same
records for the same council, and nothing made twice."""

from collections import Counter
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from hearth.core.models import Organisation
from hearth.people.models import Child
from hearth.people.seed import seed
from hearth.placements import codes
from hearth.placements.models import Placement
from hearth.stability import presenters, report
from hearth.stability.models import Action, Event, Meeting
from hearth.stability.seed import seed_stability
from hearth.stability.services import minutes_recipients
from hearth.trays.models import OutgoingEmail, WorkItem

SIZE = {"authorities": 1, "children": 120, "households": 30, "agencies": 4}


@pytest.fixture
def wigan_seeded(db):
    seed(**SIZE)
    return Organisation.objects.get(ons_code="E08000010")


def ended_placements(authority):
    return Placement.objects.filter(authority=authority, ended_on__isnull=False).select_related(
        "child", "household__provider", "provider"
    )


def test_every_child_living_with_carers_has_their_open_placement(wigan_seeded):
    placed = Child.objects.filter(authority=wigan_seeded, placed_with__isnull=False)
    open_placements = {
        p.child_id: p.household_id
        for p in Placement.objects.filter(authority=wigan_seeded, ended_on__isnull=True)
    }

    assert open_placements == {child.pk: child.placed_with_id for child in placed}


def test_a_year_of_endings_about_half_unplanned_of_varied_care_and_providers(wigan_seeded):
    ended = list(ended_placements(wigan_seeded))
    today = timezone.localdate()

    assert 8 <= len(ended) <= 40
    unplanned = [p for p in ended if p.ending == "unplanned"]
    assert abs(len(unplanned) - len(ended) / 2) <= 1
    assert all(today - timedelta(days=370) <= p.ended_on <= today for p in ended)
    assert all(p.needs_ending_meeting == (p.ending == "unplanned") for p in ended)
    assert len({p.care_type for p in ended}) >= 2
    assert {p.provider.is_authority for p in ended} == {True, False}  # in-house and agencies


def test_the_endings_codes_are_valid_903_codes(wigan_seeded):
    today = timezone.localdate()
    for placement in ended_placements(wigan_seeded):
        problems = codes.ending_problems(
            placement=placement, ended_on=placement.ended_on, ending=placement.ending,
            reason_ceased=placement.reason_ceased,
            reason_place_change=placement.reason_place_change, today=today,
        )  # fmt: skip
        assert problems == {}, placement
        episode = {field: getattr(placement, field) for field in codes.CODE_FIELDS}
        next_one = placement.child.placements.filter(started_on=placement.ended_on).first()
        assert (next_one is not None) == (placement.reason_ceased == codes.CHANGE_OF_EPISODE)
        if next_one is not None:
            # The move's new episode, checked as it was entered (the child's latest).
            assert not codes.episode_problems(
                child=placement.child, household=next_one.household, started_on=next_one.started_on,
                codes={field: getattr(next_one, field) for field in codes.CODE_FIELDS},
                today=today, excluding=next_one.pk,
            )  # fmt: skip
        else:
            # The child left care: their last episode, checked as it was entered.
            problems = codes.episode_problems(
                child=placement.child, household=placement.household, codes=episode,
                started_on=placement.started_on, today=today, excluding=placement.pk,
            )  # fmt: skip
            assert problems == {}, (placement, problems)


def test_a_first_placement_has_the_codes_a_worker_would_be_offered(wigan_seeded):
    """The open placements made at once take what `codes.derive_codes` gives (RNE S: the first)."""
    first_ones = Placement.objects.filter(authority=wigan_seeded, reason_new_episode="S")
    checked = 0
    for placement in first_ones.select_related("child", "household__provider")[:40]:
        derived = codes.derive_codes(
            placement.child, placement.household, placement.care_type, placement.started_on
        )
        derived["reason_new_episode"] = "S"  # derive_codes now sees this placement itself
        if placement.child.legal_status_changes.exists():  # the order changed since it started
            derived["legal_status"] = placement.legal_status
        assert {field: getattr(placement, field) for field in derived} == derived
        checked += 1
    assert checked >= 20
    movers = Placement.objects.filter(authority=wigan_seeded, reason_new_episode__in=["P", "T"])
    assert movers.exists()


def test_unplanned_endings_have_their_meetings_held_waived_or_due(wigan_seeded):
    unplanned = ended_placements(wigan_seeded).filter(ending="unplanned")
    ending_meetings = Meeting.objects.filter(kind="unplanned_ending", placement__in=unplanned)

    assert ending_meetings.count() == unplanned.count()
    statuses = Counter(ending_meetings.values_list("status", flat=True))
    assert statuses["circulated"] >= 1 and statuses["requested"] >= 1
    for meeting in ending_meetings.filter(status="circulated"):
        assert meeting.themes and meeting.chair_id and meeting.held_at >= meeting.requested_at
    due = ending_meetings.filter(status="requested")
    assert WorkItem.objects.filter(
        kind=WorkItem.Kind.UNPLANNED_ENDING_MEETING, key__in=[f"meeting:{m.pk}" for m in due]
    ).exists()
    stability = Meeting.objects.filter(kind="stability", placement__in=unplanned)
    assert stability.exists()
    assert all(m.held_at.date() <= m.placement.ended_on for m in stability)
    assert Action.objects.filter(meeting__in=stability).exists()
    assert Event.objects.filter(what="meeting_held").exists()
    assert not OutgoingEmail.objects.exists()  # the replay's announcements are dropped


def test_the_report_counts_what_the_seed_made(wigan_seeded):
    first, last = report.last_twelve_months()
    result = report.unplanned_endings(wigan_seeded, first, last)
    unplanned = ended_placements(wigan_seeded).filter(ending="unplanned", ended_on__gte=first)

    assert result.measure("unplanned_endings").total == unplanned.count() > 0
    assert result.measure("ending_meetings_held").total >= 1


def test_seeding_again_makes_nothing_twice(wigan_seeded):
    placements, meetings = Placement.objects.count(), Meeting.objects.count()

    assert seed_stability(wigan_seeded) == 0
    seed(**SIZE)

    assert (Placement.objects.count(), Meeting.objects.count()) == (placements, meetings)


def _signature(authority):
    return sorted(
        (p.child.reference, p.household.reference, str(p.ended_on), p.ending, p.reason_ceased,
         p.reason_place_change, p.care_type)
        for p in ended_placements(authority)
    )  # fmt: skip


def test_the_same_council_gets_the_same_records(db):
    with transaction.atomic():
        seed(**SIZE)
        first = _signature(Organisation.objects.get(ons_code="E08000010"))
        transaction.set_rollback(True)
    assert not Placement.objects.exists()

    seed(**SIZE)

    assert _signature(Organisation.objects.get(ons_code="E08000010")) == first


def test_the_seeded_history_reads_as_the_services_write_it(wigan_seeded):
    """The seed's history rows carry the services' `detail` keys: the sentence names the meeting's
    kind ("the stability meeting SM-3"), never the bare reference ("the SM-3")."""
    events = list(
        Event.objects.filter(child__authority=wigan_seeded).select_related("by", "meeting")
    )
    rows = presenters.history_rows(events)

    assert {e.what for e in events} >= {
        "meeting_requested", "meeting_held", "minutes_circulated", "ending_meeting_due",
    }  # fmt: skip
    for row in rows:
        assert "the SM-" not in row["sentence"] and "the UE-" not in row["sentence"], row
    for event in events:
        assert "meeting" not in event.detail
        if event.what in {"meeting_requested", "meeting_held", "minutes_circulated"}:
            assert event.detail["reference"] == event.meeting.reference
    held = [row["sentence"] for row in rows if row["sentence"].startswith("The stability meeting")]
    assert held and all(" SM-" in sentence for sentence in held)


def test_seeded_minutes_were_circulated_to_the_addresses_the_service_would_use(wigan_seeded):
    circulated = Meeting.objects.filter(authority=wigan_seeded, status="circulated")

    assert circulated.exists()
    for meeting in circulated:
        expected = [address for _name, address, _why in minutes_recipients(meeting)]
        assert meeting.circulated_to == expected and expected
        event = Event.objects.get(meeting=meeting, what="minutes_circulated")
        assert event.detail["count"] == str(len(expected))
