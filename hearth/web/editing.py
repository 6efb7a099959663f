"""Editing a record that someone else may be editing too: the form carries the version it started
from, and a save made after someone else's is refused rather than silently overwriting it."""

from django import forms
from django.contrib import messages

from hearth.people.services import EditConflict


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
