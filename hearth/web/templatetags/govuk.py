"""Template helpers for drawing Django forms as GOV.UK Frontend components."""

from django import forms, template

from hearth.web.forms import GovukDateInput

register = template.Library()


@register.filter
def widget_kind(bound_field):
    widget = bound_field.field.widget
    if isinstance(widget, GovukDateInput):
        return "date"
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    return "input"


@register.filter
def input_width(bound_field):
    """A GOV.UK width class that fits what the field holds."""
    field = bound_field.field
    if isinstance(field, (forms.IntegerField, forms.DecimalField)):
        return "govuk-input--width-5"
    max_length = getattr(field, "max_length", None)
    if max_length and max_length <= 10:
        return "govuk-input--width-10"
    if max_length and max_length <= 40:
        return "govuk-input--width-20"
    return ""


@register.filter
def input_type(bound_field):
    return getattr(bound_field.field.widget, "input_type", "text") or "text"


@register.simple_tag
def error_anchor(bound_field):
    """The id an error summary link should jump to: the first input of the field."""
    kind = widget_kind(bound_field)
    if kind in ("checkboxes", "radios"):
        return f"{bound_field.auto_id}_0"
    return bound_field.auto_id


@register.simple_tag(takes_context=True)
def page_link(context, number):
    """`?…page=N` keeping the list's search and filters as they are in the address."""
    query = context["request"].GET.copy()
    query["page"] = number
    return "?" + query.urlencode()
