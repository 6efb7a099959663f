"""The agency portal's forms, drawn by the GOV.UK renderer (ADR 0004). A form only reads what was
typed; whether the offer may be made, and whether its answers are enough (a start date not past, a
weekly cost in pounds and pence, carers with room for the children), is the portal's services'
business: their `ReferralError` is put back at the field at fault by `add_service_errors`."""

from datetime import datetime, time

from django import forms
from django.utils import timezone

from hearth.referrals.services import TEXT_LIMIT
from hearth.search.forms import SearchForm
from hearth.web.forms import GovukDateField

OUT_OF_DATE = "This page is out of date: reload it and try again"


def _text(label, *, hint="", required=True, message=""):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
        error_messages={
            "required": message,
            "max_length": f"{label} must be {TEXT_LIMIT:,} characters or fewer",
        },
    )


def _cost():
    return forms.CharField(
        label="Weekly cost, in pounds",
        help_text="The weekly fee in pounds and pence, for example 850.00",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={"required": "Enter the weekly cost"},
    )


def _cost_covers():
    return _text(
        "What the weekly cost covers",
        hint="For example: carers' fee and allowance, supervising social worker, training, "
        "24-hour support line, therapy sessions",
        message="Say what the weekly cost covers",
    )


def _expiry(required=False):
    return GovukDateField(
        label="The offer stands until",
        required=required,
        help_text="The offer expires at the end of this day. For example, 27 3 2027.",
        error_messages={"required": "Enter the date the offer stands until"},
    )


def end_of_day(day):
    """The last second of the day, Europe/London: an offer 'until 3 March' stands all that day."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


class OfferForm(SearchForm):
    """An agency's offer of one of its households for the referral's children."""

    household = forms.ChoiceField(
        label="Which carers offer a home?",
        help_text="Your agency's approved households",
        error_messages={
            "required": "Choose the carers who offer a home",
            "invalid_choice": "Choose one of your agency's approved households",
        },
    )
    children = forms.MultipleChoiceField(
        label="Which children do they offer a home to?",
        required=True,
        widget=forms.CheckboxSelectMultiple,
        help_text="Brothers and sisters are placed together wherever possible.",
        error_messages={
            "required": "Choose the children the carers offer a home to",
            "invalid_choice": "Choose from the children of this referral",
        },
    )
    available_from = GovukDateField(
        label="When can the carers take the children?",
        help_text="For example, 27 3 2027.",
        error_messages={"required": "Enter the date the carers can take the children"},
    )
    weekly_cost = _cost()
    cost_covers = _cost_covers()
    carer_profile = _text(
        "The carers' profile",
        hint="Their experience, training, household and what they offer the children. Do not "
        "give their address.",
        message="Describe the carers: their experience, training and household",
    )
    ofsted_details = _text(
        "Ofsted details",
        hint="Your agency's latest Ofsted inspection: its judgement and date",
        message="Give the agency's latest Ofsted inspection: its judgement and date",
    )
    references = _text(
        "References", required=False, hint="Who can speak for the carers, and how to reach them"
    )
    expires_at = _expiry()

    def __init__(self, data=None, *, households, children):
        """`households`: the agency's households to choose from; `children`: (pk, label) of the
        referral's children, oldest first."""
        super().__init__(data)
        self.households = {str(household.pk): household for household in households}
        self.fields["household"].choices = [("", "Choose the carers")] + [
            (pk, f"{household.name} ({household.reference})")
            for pk, household in self.households.items()
        ]
        self.children = {str(pk): pk for pk, _label in children}
        if len(children) > 1:
            self.fields["children"].choices = [(str(pk), label) for pk, label in children]
            self.fields["children"].initial = list(self.children)
        else:
            del self.fields["children"]

    def arguments(self):
        """The offer as the service `agency_offer_make` takes it."""
        data = self.cleaned_data
        chosen = data.get("children")
        return {
            "household": self.households[data["household"]],
            "children": None if chosen is None else [self.children[pk] for pk in chosen],
            "available_from": data["available_from"],
            "weekly_cost": data["weekly_cost"],
            "cost_covers": data["cost_covers"],
            "carer_profile": data["carer_profile"],
            "ofsted_details": data["ofsted_details"],
            "references": data.get("references", ""),
            "expires_at": end_of_day(data.get("expires_at")),
        }


class NoOfferForm(SearchForm):
    reason = _text(
        "Why is there no home to offer?",
        hint="For example: no carers with a vacancy for this age, or none near enough",
        message="Say why there is no home to offer",
    )


class ReviseForm(SearchForm):
    """New terms for an offer that stands."""

    weekly_cost = _cost()
    cost_covers = _cost_covers()
    expires_at = _expiry()
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )

    def arguments(self):
        data = self.cleaned_data
        return {
            "weekly_cost": data["weekly_cost"],
            "cost_covers": data["cost_covers"],
            "expires_at": end_of_day(data.get("expires_at")),
            "expected_version": data["version"],
        }
