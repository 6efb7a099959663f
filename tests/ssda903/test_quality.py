"""The data quality run: the year's return checked by the DfE's validator and Hearth's own rules."""

from datetime import date

import pytest
import time_machine

from hearth.ssda903 import quality, validator
from hearth.ssda903.models import Episode, QualityRun

pytestmark = pytest.mark.skipif(not validator.available(), reason="run make validator")


def _episode(child, **values):
    base = dict(
        authority=child.authority, child=child, source=Episode.Source.IMPORTED,
        decom=date(2025, 5, 1), rne="S", ls="C2", cin="N1", place="U4", place_provider="PR1",
        home_post="WN1 1XX", pl_post="M1 1AE", urn="SC123456",
    )  # fmt: skip
    base.update(values)
    return Episode.objects.create(**base)


@time_machine.travel("2025-09-01 10:00")
def test_run_keeps_the_validators_failures_and_hearths_own(child):
    _episode(child, reason_place_change="CARPL")  # open with a reason: rule 233, Hearth's alone

    found = quality.run(child.authority, 2025)

    rules = {(f["child"], f["rule"], f["source"]) for f in found.failures}
    assert (child.pk, "233", "hearth") in rules
    assert found.ruleset == "lac2025_26"
    assert quality.child_problems(child) == [f for f in found.failures if f["child"] == child.pk]


@time_machine.travel("2025-09-01 02:00")
def test_the_nightly_job_checks_each_council_once_a_day(child):
    _episode(child)

    assert quality.nightly(None) == 1
    assert quality.nightly(None) == 0
    assert QualityRun.objects.filter(authority=child.authority).count() == 1
