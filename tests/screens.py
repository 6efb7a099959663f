"""Reading and filling in Hearth's screens as a browser would, for tests that use the test client."""

import html
import re
from datetime import date

from django import forms

from hearth.web.forms import GovukDateInput


def form_data(form):
    """What the browser sends back for a form the user submits without changing anything."""
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, GovukDateInput):
            if isinstance(value, date):
                data |= {f"{name}_day": value.day, f"{name}_month": value.month}
                data[f"{name}_year"] = value.year
        elif isinstance(field.widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = list(value)
        elif hasattr(value, "pk"):
            data[name] = value.pk
        elif value is not None:
            data[name] = value
    return data


def page(response):
    """The page's text with HTML entities read as the characters they stand for."""
    return html.unescape(response.content.decode())


def field_error(response, name):
    """The message shown at the field, or None."""
    match = re.search(
        rf'<p id="id_{name}-error" class="govuk-error-message">'
        r'<span class="govuk-visually-hidden">Error:</span> (.*?)</p>',
        response.content.decode(),
        re.DOTALL,
    )
    return html.unescape(match.group(1)).strip() if match else None


def summary_links(response):
    """(href, text) of each link in the error summary at the top of the page."""
    body = response.content.decode()
    summary = body[body.index("govuk-error-summary__list") :]
    summary = summary[: summary.index("</ul>")]
    return [
        (href, html.unescape(text))
        for href, text in re.findall(r'<a href="([^"]*)">(.*?)</a>', summary)
    ]
