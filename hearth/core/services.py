"""Writes to a council's policy: every change is kept with who made it, when and why."""

from django.db import transaction
from django.db.models import F

from hearth.core.models import Organisation, Policy, PolicyChange


class PolicyConflict(Exception):
    """The policy was changed by someone else after this edit began."""


SETTINGS = ("timescales", "thresholds", "approvers", "cost_tiers", "switches", "two_factor_roles")


def _differences(policy, proposed):
    """(setting name, old, new) for each individual value that differs."""
    for group in SETTINGS:
        old_group, new_group = getattr(policy, group), proposed.get(group, getattr(policy, group))
        if isinstance(old_group, dict) and isinstance(new_group, dict):
            for key in sorted(set(old_group) | set(new_group)):
                if old_group.get(key) != new_group.get(key):
                    yield f"{group}.{key}", old_group.get(key), new_group.get(key)
        elif old_group != new_group:
            yield group, old_group, new_group


@transaction.atomic
def policy_update(*, user, policy, proposed, expected_version, reason=""):
    """Apply the proposed settings; returns the PolicyChange rows written (none if nothing changed)."""
    stored = Policy.objects.select_for_update().get(pk=policy.pk)
    changes = list(_differences(stored, proposed))
    if not changes:
        return []
    if stored.version != expected_version:
        raise PolicyConflict("The policy was changed by someone else while you were editing it")
    for group in SETTINGS:
        if group in proposed:
            setattr(stored, group, proposed[group])
    stored.version = F("version") + 1
    stored.save()
    return PolicyChange.objects.bulk_create(
        PolicyChange(
            policy=stored,
            changed_by=user,
            setting=name,
            old_value=old,
            new_value=new,
            reason=reason,
        )
        for name, old, new in changes
    )


@transaction.atomic
def authority_create(*, ons_code, name):
    """A new council with the default policy (the seeds' values)."""
    authority = Organisation(kind=Organisation.Kind.AUTHORITY, ons_code=ons_code, name=name)
    authority.full_clean()
    authority.save()
    Policy.objects.create(authority=authority)
    return authority
