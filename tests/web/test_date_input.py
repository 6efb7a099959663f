"""A form shown again after an error keeps the date typed in its day, month and year boxes."""

import re
from datetime import date

import pytest
from django import forms

from hearth.web.forms import GovukDateField, GovukForm


class _Form(GovukForm):
    on = GovukDateField(label="Date")
    name = forms.CharField(label="Name")


def _boxes(form):
    return re.findall(r'value="([^"]*)"', str(form["on"]))


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        (("31", "10", "2026"), ["31", "10", "2026"]),  # valid, the form refused for another field
        (("31", "2", "2026"), ["31", "02", "2026"]),  # no such day
        (("", "10", "2026"), ["", "10", "2026"]),  # a part missing
        (("x", "y", "z"), ["x", "y", "z"]),  # not numbers
        (("", "", ""), ["", "", ""]),
    ],
)
def test_the_boxes_keep_what_was_typed_when_the_form_is_shown_again(typed, shown):
    day, month, year = typed
    form = _Form({"on_day": day, "on_month": month, "on_year": year, "name": ""})
    assert not form.is_valid()
    assert _boxes(form) == shown


def test_a_date_given_at_the_start_is_shown():
    assert _boxes(_Form(initial={"on": date(2027, 3, 5)})) == ["5", "3", "2027"]
