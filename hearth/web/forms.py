"""How Django forms render as GOV.UK Frontend components (ADR 0004).

Every Hearth form derives from GovukForm: its fields render through `govuk/field.html`, which draws the
GOV.UK form group, label, hint, error message and the component that fits the widget. Dates use the
GOV.UK date input (day, month, year).
"""

from datetime import date

from django import forms
from django.forms.renderers import TemplatesSetting


class GovukRenderer(TemplatesSetting):
    form_template_name = "govuk/form.html"
    field_template_name = "govuk/field.html"


class GovukDateInput(forms.MultiWidget):
    template_name = "govuk/date_input.html"

    def __init__(self, attrs=None):
        parts = [forms.TextInput(attrs={"inputmode": "numeric"}) for _ in range(3)]
        super().__init__(parts, attrs)

    def decompress(self, value):
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        # A form shown again after an error keeps what was typed (as `value_from_datadict` joined
        # it: "year-month-day", or "day|month|year" with a part missing).
        if isinstance(value, str) and value:
            try:
                return self.decompress(date.fromisoformat(value))
            except ValueError:
                pass
            if "|" in value:
                return (value.split("|") + ["", ""])[:3]
            parts = value.split("-")
            if len(parts) == 3:
                year, month, day = (_unpadded(part) for part in parts)
                return [day, month, year]
        return [None, None, None]

    def value_from_datadict(self, data, files, name):
        # A single ISO value (as an import row gives) is accepted too.
        if name in data and data[name]:
            return data[name]
        parts = [data.get(f"{name}_{part}", "").strip() for part in ("day", "month", "year")]
        if not any(parts):
            return ""
        day, month, year = parts
        return f"{year}-{month.zfill(2)}-{day.zfill(2)}" if all(parts) else "|".join(parts)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        labels = ("Day", "Month", "Year")
        suffixes = ("day", "month", "year")
        for subwidget, label, suffix in zip(
            context["widget"]["subwidgets"], labels, suffixes, strict=True
        ):
            subwidget["label"] = label
            subwidget["name"] = f"{name}_{suffix}"
            subwidget["attrs"]["id"] = (
                f"{attrs.get('id', 'id_' + name)}_{suffix}"
                if suffix != "day"
                else attrs.get("id", "id_" + name)
            )
        return context


def _unpadded(part):
    """A day or month as typed: without the zero `value_from_datadict` put before one character."""
    return part[1:] if len(part) == 2 and part[0] == "0" and not part[1].isdigit() else part


class GovukDateField(forms.DateField):
    widget = GovukDateInput
    default_error_messages = {"invalid": "Enter a real date, for example 27 3 2012"}

    def to_python(self, value):
        if isinstance(value, str) and "|" in value:
            raise forms.ValidationError("Enter the day, month and year", code="incomplete")
        return super().to_python(value)


class GovukForm(forms.Form):
    default_renderer = GovukRenderer
    template_name = "govuk/form.html"


class GovukModelForm(forms.ModelForm):
    default_renderer = GovukRenderer
    template_name = "govuk/form.html"


def tag_choices(mapping):
    return sorted(mapping.items(), key=lambda item: item[1])


class TagsField(forms.MultipleChoiceField):
    """A list of tags from a vocabulary, as checkboxes; an import may give them separated by ';'."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        if isinstance(value, str):
            value = [v.strip() for v in value.split(";") if v.strip()]
        return super().to_python(value)

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        unknown = [v for v in value if not self.valid_value(v)]
        if unknown:
            raise forms.ValidationError(
                "Unknown %(what)s: %(values)s",
                params={"what": (self.label or "value").lower(), "values": ", ".join(unknown)},
            )
