"""Writes to a council's policy: every change is kept with who made it, when and why."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.models import Contract, Organisation, Policy, PolicyChange
from hearth.people.models import Household
from hearth.people.services import review_due_at


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


# Changing one of these moves every in-house household's next review (people.services.review_due_at).
REVIEW_TIMESCALES = {"timescales.annual_review", "timescales.reg24_assessment"}


def _recount_review_dates(policy):
    households = list(
        Household.objects.filter(provider=policy.authority).select_related("provider")
    )
    for household in households:
        household.review_due_at = review_due_at(household, policy)
    Household.objects.bulk_update(households, ["review_due_at"], batch_size=500)
    return households


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
    stored.refresh_from_db()
    if any(name in REVIEW_TIMESCALES for name, _old, _new in changes):
        moved = _recount_review_dates(stored)
        audit_record(
            user=user, action=AuditEvent.Action.UPDATE, record_type="household",
            organisation=stored.authority,
            detail=f"review dates of {len(moved)} households recounted after a policy change",
        )  # fmt: skip
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
    if not (ons_code or "").strip() or not (name or "").strip():
        raise ValidationError("A council needs an ONS code and a name")
    authority = Organisation(kind=Organisation.Kind.AUTHORITY, ons_code=ons_code, name=name)
    authority.full_clean()
    authority.save()
    Policy.objects.create(authority=authority)
    return authority


@transaction.atomic
def contract_set(*, by, authority, agency, status, request=None):
    """Record whether the agency is on the council's framework; an empty status ends the contract."""
    current = Contract.objects.filter(authority=authority, agency=agency).first()
    old = current.status if current else ""
    if old == status:
        return False
    if status:
        Contract.objects.update_or_create(
            authority=authority, agency=agency, defaults={"status": status}
        )
    else:
        current.delete()
    audit_record(
        user=by, action=AuditEvent.Action.UPDATE, record_type="provider", record_id=agency.pk,
        organisation=authority, request=request,
        detail=f"contract {old or 'none'} -> {status or 'none'}",
    )  # fmt: skip
    return True


@transaction.atomic
def agency_details_update(*, by, agency, email, phone, postcode, request=None):
    """An agency keeps its own contact details up to date for every council."""
    agency.email, agency.phone, agency.postcode = email, phone, postcode
    agency.save(update_fields=["email", "phone", "postcode"])
    audit_record(
        user=by, action=AuditEvent.Action.UPDATE, record_type="provider", record_id=agency.pk,
        organisation=agency, request=request, detail="contact details",
    )  # fmt: skip
    return agency
