"""Editing a record that someone else may be editing too: the form carries the version it started
from, and a save made after someone else's is refused rather than silently overwriting it."""

from django import forms
from django.contrib import messages

from hearth.accounts.access import primary_organisation
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.people.services import EditConflict


def audit_shown(request, record_type, record, organisation):
    """The change form shows the whole record: a read, audited whenever the form is drawn."""
    audit_record(
        user=request.user, action=AuditEvent.Action.VIEW, record_type=record_type,
        record_id=record.pk, organisation=organisation, request=request,
    )  # fmt: skip


def audit_names_shown(request, record_type, records, where):
    """Names of other records shown on a record's page: one audit row for the list."""
    if records:
        audit_record(
            user=request.user, action=AuditEvent.Action.LIST, record_type=record_type,
            request=request, detail=f"{len(records)} shown on {where}",
        )  # fmt: skip


def audit_list_shown(request, record_type, count, where, *, organisation=None):
    """Names shown in a list (a referral's title names its children): one audit row for the list,
    kept under `organisation`, the council whose records were listed (the person's first
    organisation when not given)."""
    if count:
        audit_record(
            user=request.user, action=AuditEvent.Action.LIST, record_type=record_type,
            organisation=organisation or primary_organisation(request.user), request=request,
            detail=f"{where}, {count} shown",
        )  # fmt: skip


def versioned(form, record):
    form.fields["version"] = forms.IntegerField(widget=forms.HiddenInput, initial=record.version)
    return form


def saved(request, form, update, **arguments):
    """Save a valid form with the service `update`; True when it went through."""
    data = form.cleaned_data
    try:
        changed = update(data=data, expected_version=data["version"], request=request, **arguments)
    except EditConflict as error:
        form.add_error(
            None, f"{error}. Your changes were not saved: reload the record and make them again."
        )
        return False
    messages.success(request, "Changes saved." if changed else "Nothing was changed.")
    return True
