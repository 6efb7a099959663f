"""An import of a return leaves what Hearth made of the care it imported: the L episodes of a
legal status change recorded in Hearth, and the reason for the move into a placement recorded
in Hearth (hearth/ssda903/imports.py, hearth/ssda903/episodes.py)."""

import shutil
from datetime import date
from pathlib import Path

import pytest
import time_machine

from hearth.people.models import Child
from hearth.ssda903 import episodes, recording
from hearth.ssda903.imports import import_return
from hearth.ssda903.models import Episode, LegalStatusChange
from tests.fixtures.stability import place

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "fixtures" / "return_2025"


@pytest.fixture(autouse=True)
def early_june_2026():
    with time_machine.travel("2026-06-10 10:00 +00:00", tick=False):
        yield


@pytest.fixture
def sample(tmp_path):
    folder = tmp_path / "return"
    shutil.copytree(SAMPLE, folder)
    return folder


def held(child):
    return [
        (e.pk, e.source, e.placement_id, e.decom, e.rne, e.ls, e.dec, e.rec, e.reason_place_change)
        for e in Episode.objects.filter(child=child).order_by("decom", "pk")
    ]


def test_a_legal_status_change_in_imported_care_stays_when_the_return_is_imported_again(
    wigan, sample, social_worker
):
    assert import_return(wigan, sample, year=2025).ok
    child = Child.objects.get(authority=wigan, reference="C001")  # in care since 1 June 2019
    recording.change_legal_status(
        user=social_worker, child=child, legal_status="E1", changed_on=date(2026, 5, 1)
    )
    before = held(child)
    assert [row[1:] for row in before] == [
        ("imported", None, date(2019, 6, 1), "S", "C2", date(2026, 5, 1), "X1", ""),
        ("hearth", None, date(2026, 5, 1), "L", "E1", None, "", ""),
    ]

    again = import_return(wigan, sample, year=2025)

    assert again.ok, again.errors
    assert again.tables["episodes.csv"]["updated"] == 0
    assert held(child) == before
    assert LegalStatusChange.objects.filter(child=child).count() == 1
    assert Child.objects.get(pk=child.pk).legal_status == "E1"  # not the return's C2


def test_the_reason_for_the_move_out_of_imported_care_stays_when_imported_again(
    wigan, sample, household, placements_officer
):
    assert import_return(wigan, sample, year=2025).ok
    child = Child.objects.get(authority=wigan, reference="C001")
    place(child, household, by=placements_officer, started_on=date(2026, 6, 1))
    episodes.refresh(child, reason_place_change="CREQB")
    before = held(child)
    assert before[0][6:] == (date(2026, 6, 1), "X1", "CREQB")

    again = import_return(wigan, sample, year=2025)

    assert again.ok, again.errors
    assert again.tables["episodes.csv"]["updated"] == 0
    assert held(child) == before
