"""Writes to a council's policy: every change is kept with who made it, when and why."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.models import (
    Contract,
    Organisation,
    Policy,
    PolicyChange,
    ProviderContact,
    ofsted_urn_validator,
)
from hearth.people.models import Household
from hearth.people.services import review_due_at


class PolicyConflict(Exception):
    """The policy was changed by someone else after this edit began."""


SETTINGS = (
    "timescales", "thresholds", "approvers", "cost_tiers", "switches", "two_factor_roles",
    "contacts",
)  # fmt: skip


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


# The provider directory: what every council reads about an agency, kept by the agency itself --------

# What a provider runs: foster homes, and for some children's homes (a widened search, 001).
PROVIDER_SERVICES = {
    "fostering": "Fostering",
    "residential": "Children's homes (residential care)",
}
SECTORS = dict(Organisation._meta.get_field("sector").choices)
DIRECTORY_FIELDS = (
    "ofsted_urn",
    "sector",
    "provides",
    "care_types",
    "areas_served",
    "weekly_rate_from",
    "weekly_rate_to",
    "email",
    "phone",
    "postcode",
)
AREA_LIMIT = 100  # characters in one area's name
AREAS_LIMIT = 60  # areas served by one provider


def _unknown(values, vocabulary):
    return [value for value in values if value not in vocabulary]


def _areas(values, errors):
    """Council areas, stripped, each once, in the order given."""
    areas = []
    for value in values or []:
        area = " ".join(str(value).split())
        if area and area.casefold() not in {a.casefold() for a in areas}:
            areas.append(area)
    if any(len(area) > AREA_LIMIT for area in areas):
        errors["areas_served"] = f"Each area's name must be {AREA_LIMIT} characters or fewer"
    elif len(areas) > AREAS_LIMIT:
        errors["areas_served"] = f"List at most {AREAS_LIMIT} areas"
    return areas


def _directory_problems(agency, details):
    """{field: message} for details that cannot be kept; the cleaned details are written back."""
    from hearth.people.vocabulary import PLACEMENT_TYPES

    errors = {}
    if "ofsted_urn" in details:
        urn = (details["ofsted_urn"] or "").strip().upper() or None
        details["ofsted_urn"] = urn
        taken = Organisation.objects.filter(ofsted_urn=urn).exclude(pk=agency.pk).first()
        if urn is not None and taken is not None:
            errors["ofsted_urn"] = f"Ofsted URN {urn} is already {taken.name}'s"
        elif urn is not None and not ofsted_urn_validator.regex.match(urn):
            errors["ofsted_urn"] = "Enter an Ofsted URN: six or seven digits, or SC and six digits"
    if details.get("sector") and details["sector"] not in SECTORS:
        errors["sector"] = "Choose who runs the provider"
    if _unknown(details.get("provides", []), PROVIDER_SERVICES):
        errors["provides"] = "Choose the services the provider runs"
    if _unknown(details.get("care_types", []), PLACEMENT_TYPES):
        errors["care_types"] = "Choose only types of care from the list"
    if "areas_served" in details:
        details["areas_served"] = _areas(details["areas_served"], errors)
    low, high = details.get("weekly_rate_from"), details.get("weekly_rate_to")
    for field, rate in (("weekly_rate_from", low), ("weekly_rate_to", high)):
        if rate is not None and rate < 0:
            errors[field] = "A weekly rate cannot be less than £0"
    if low is not None and high is not None and high < low and "weekly_rate_to" not in errors:
        errors["weekly_rate_to"] = "The highest weekly rate cannot be less than the lowest"
    return errors


@transaction.atomic
def agency_details_update(*, by, agency, request=None, **details):
    """An agency keeps its own entry in the provider directory up to date for every council: its
    Ofsted URN, who runs it, the services and types of care it offers, the council areas it
    serves, its weekly rates and its contact details (any of DIRECTORY_FIELDS). Refuses with a
    ValidationError naming each field at fault before writing anything. Returns the agency."""
    unknown = set(details) - set(DIRECTORY_FIELDS)
    if unknown:
        raise TypeError(f"Not a directory detail: {', '.join(sorted(unknown))}")
    locked = Organisation.objects.select_for_update().get(
        pk=agency.pk, kind=Organisation.Kind.AGENCY
    )
    errors = _directory_problems(locked, details)
    if errors:
        raise ValidationError(errors)
    changed = [name for name, value in details.items() if getattr(locked, name) != value]
    for name in changed:
        setattr(locked, name, details[name])
    if changed:
        locked.save(update_fields=changed)
        audit_record(
            user=by, action=AuditEvent.Action.UPDATE, record_type="provider",
            record_id=locked.pk, organisation=locked, request=request,
            detail=f"directory details: {', '.join(changed)}",
        )  # fmt: skip
    return locked


def _contact_problems(name, email, phone, receives_referrals):
    errors = {}
    if not name:
        errors["name"] = "Enter the contact's name"
    if not email and not phone:
        errors["email"] = "Enter an email address or a phone number"
    if receives_referrals and not email and "email" not in errors:
        errors["email"] = "Enter an email address to send referrals to"
    return errors


@transaction.atomic
def provider_contact_save(
    *, by, agency, contact=None, name, job_title="", email="", phone="", receives_referrals=False,
    request=None,
):  # fmt: skip
    """Add a person at the agency (or change one, `contact`) whom councils write to or ring; one
    who `receives_referrals` is sent every referral a council sends the agency, so needs an email
    address. Returns the contact."""
    name, job_title = (name or "").strip(), (job_title or "").strip()
    email, phone = (email or "").strip(), (phone or "").strip()
    errors = _contact_problems(name, email, phone, receives_referrals)
    if errors:
        raise ValidationError(errors)
    if contact is None:
        contact = ProviderContact(organisation=agency)
    elif contact.organisation_id != agency.pk:
        raise ValueError("The contact is another provider's")
    contact.name, contact.job_title, contact.email, contact.phone = name, job_title, email, phone
    contact.receives_referrals = bool(receives_referrals)
    contact.full_clean()
    added = contact.pk is None
    contact.save()
    audit_record(
        user=by, action=AuditEvent.Action.CREATE if added else AuditEvent.Action.UPDATE,
        record_type="provider", record_id=agency.pk, organisation=agency, request=request,
        detail=f"contact {contact.pk} {'added' if added else 'changed'}",
    )  # fmt: skip
    return contact


@transaction.atomic
def provider_contact_remove(*, by, contact, request=None):
    """The person no longer works with the agency: councils stop writing to them."""
    agency = contact.organisation
    pk = contact.pk
    contact.delete()
    audit_record(
        user=by, action=AuditEvent.Action.UPDATE, record_type="provider", record_id=agency.pk,
        organisation=agency, request=request, detail=f"contact {pk} removed",
    )  # fmt: skip
