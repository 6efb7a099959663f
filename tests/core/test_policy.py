from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from hearth.core.models import Policy, PolicyChange
from hearth.core.services import PolicyConflict, authority_create, policy_update
from tests.factories import HouseholdFactory


def _proposed(policy, **timescales):
    changed = {
        **policy.timescales,
        **{k: {"amount": a, "unit": u} for k, (a, u) in timescales.items()},
    }
    return {"timescales": changed}


def test_each_changed_setting_is_kept_with_who_and_why(wigan, admin):
    policy = Policy.objects.get(authority=wigan)
    changes = policy_update(
        user=admin, policy=policy, proposed=_proposed(policy, stability_meeting=(24, "hours")),
        expected_version=policy.version, reason="Our policy says 24 hours",
    )  # fmt: skip
    assert [(c.setting, c.new_value) for c in changes] == [
        ("timescales.stability_meeting", {"amount": 24, "unit": "hours"})
    ]
    assert changes[0].changed_by == admin and changes[0].reason == "Our policy says 24 hours"
    assert Policy.objects.get(authority=wigan).timescale("stability_meeting") == (24, "hours")


def test_a_stale_edit_is_refused_and_changes_nothing(wigan, admin):
    policy = Policy.objects.get(authority=wigan)
    policy_update(
        user=admin,
        policy=policy,
        proposed=_proposed(policy, appeal=(21, "days")),
        expected_version=1,
    )
    with pytest.raises(PolicyConflict):
        policy_update(
            user=admin,
            policy=policy,
            proposed=_proposed(policy, appeal=(30, "days")),
            expected_version=1,
        )
    assert Policy.objects.get(authority=wigan).timescale("appeal") == (21, "days")


def test_policy_history_cannot_be_rewritten(wigan, admin):
    policy = Policy.objects.get(authority=wigan)
    policy_update(
        user=admin,
        policy=policy,
        proposed=_proposed(policy, appeal=(21, "days")),
        expected_version=1,
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        PolicyChange.objects.update(reason="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        PolicyChange.objects.all().delete()


def test_changing_the_annual_review_moves_every_households_review(wigan, admin):
    household = HouseholdFactory(provider=wigan, approved_on=date(2026, 1, 15))
    policy = Policy.objects.get(authority=wigan)
    policy_update(user=admin, policy=policy, proposed=_proposed(policy, annual_review=(6, "months")),
                  expected_version=1)  # fmt: skip
    household.refresh_from_db()
    assert household.review_due_at.date() == date(2026, 7, 15)


def test_a_council_needs_a_real_ons_code(db):
    for code in ("", "E0800001", "X08000010"):
        with pytest.raises(ValidationError):
            authority_create(ons_code=code, name="Somewhere Council")
    assert authority_create(ons_code="E08000012", name="Liverpool City Council").policy


def test_every_timescale_and_switch_is_documented_in_the_policy_guide():
    from pathlib import Path

    from hearth.core import rules

    guide = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text()
    for timescale in rules.TIMESCALES:
        assert f"| `{timescale.name}` | {timescale.describe()} | `{timescale.unit}` |" in guide
    for name, (default, label) in rules.SWITCHES.items():
        assert f"| `{name}` | {'on' if default else 'off'} | {label} |" in guide
    for contact in rules.CONTACTS:
        assert f"| `{contact.name}` | {contact.label} ({contact.source}) |" in guide
