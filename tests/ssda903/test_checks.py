"""Hearth's 903 checks as a worker enters a placement, an ending or a legal status change."""

from datetime import date

import pytest
import time_machine

from hearth.placements import codes
from hearth.ssda903 import checks
from hearth.ssda903.models import Episode

pytestmark = pytest.mark.django_db


def _episode(child, **values):
    base = dict(
        authority=child.authority, child=child, source=Episode.Source.IMPORTED,
        decom=date(2025, 5, 1), rne="S", ls="C2", cin="N1", place="U4", place_provider="PR1",
        home_post="WN1 1XX", pl_post="M1 1AE", urn="SC123456",
    )  # fmt: skip
    base.update(values)
    return Episode.objects.create(**base)


@time_machine.travel("2025-09-01 10:00")
def test_a_new_placement_after_care_ended_must_start_with_s(child):
    _episode(child, dec=date(2025, 6, 1), rec="E4A")
    entered = {"place": "U6", "place_provider": "PR1", "legal_status": "C2",
               "reason_new_episode": "P", "home_postcode": "WN1 1XX",
               "placement_postcode": "M1 1AE", "urn": "SC123456"}  # fmt: skip

    found = checks.placement_start_problems(child, entered, date(2025, 8, 1))

    assert found["rne"].startswith("RNE: the child stopped being looked after on 1 June 2025")
    assert "(rule 432)" in found["rne"]


@time_machine.travel("2025-09-01 10:00")
def test_a_legal_status_change_to_the_same_status_is_refused(child):
    found = checks.legal_status_change_problems(child, date(2025, 8, 1), "XX")
    assert found == {"legal_status": "LS: XX is not a legal status code (rule 144)"}


@time_machine.travel("2025-09-01 10:00")
def test_a_legal_status_change_needs_a_placement_that_day(child):
    found = checks.legal_status_change_problems(child, date(2025, 8, 1), "C2")
    assert "was not in a placement recorded in Hearth" in found["changed_on"]


def test_the_placement_codes_name_rules_at_the_field():
    found = checks.as_placement_fields({"rne": "RNE: x (rule 432)", "dec": "DEC: y"})
    assert found == {"reason_new_episode": "RNE: x (rule 432)", "ended_on": "DEC: y"}
    assert codes.CHANGE_OF_EPISODE == checks.CHANGE
