"""The referral's screens as forms: one form per task-list section (rules.SECTIONS), and the form of
each action in the transition table (workflow.ACTIONS), drawn by the GOV.UK renderer (ADR 0004).

A section may be saved half done: the draft keeps whatever has been answered, and the task list says
what is still to answer. Questions the section needs are drawn without "(optional)"; a blank answer
to one is saved as blank rather than refused. What is refused is an answer that cannot be right: a
date that does not exist, a date needed that has passed, an agreement dated in the future.
"""

from django import forms
from django.utils import timezone

from hearth.accounts.access import staff_of
from hearth.accounts.models import User
from hearth.people import vocabulary
from hearth.referrals import rules
from hearth.referrals.models import CommentRequest, Referral
from hearth.referrals.selectors import emergency_carers
from hearth.referrals.services import TEXT_LIMIT, emergency_bookings, on_duty, staff_holding
from hearth.web.forms import GovukDateField, GovukForm
from hearth.web.presenters import age

YES_NO = [("True", "Yes"), ("False", "No")]


def _yes_no(value):
    return value == "True"


class YesNoField(forms.TypedChoiceField):
    """A question answered yes or no, or not yet answered (None)."""

    widget = forms.RadioSelect

    def __init__(self, **kwargs):
        super().__init__(choices=YES_NO, coerce=_yes_no, empty_value=None, **kwargs)


def text(label, hint="", required=True):
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
        error_messages={"max_length": f"{label} must be {TEXT_LIMIT:,} characters or fewer"},
    )


def choice(label, choices, hint="", required=True):
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        required=required,
        choices=list(choices),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": f"Choose {label.lower()} from the list"},
    )


def _not_in_future(value, what):
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(f"{what} must be today or in the past")
    return value


class SectionForm(GovukForm):
    """One section of the referral, carrying the version of the referral it was drawn from."""

    section = ""  # a slug of rules.SECTIONS

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, referral):
        initial = {name: getattr(referral, name) for name in self.fields_of_section()}
        initial["version"] = referral.version
        super().__init__(data, initial=initial)

    @classmethod
    def fields_of_section(cls):
        return rules.SECTIONS_BY_SLUG[cls.section].fields

    def full_clean(self):
        # A draft may be saved half done: a needed question left blank is not an error here.
        needed = [f for name, f in self.fields.items() if f.required and name != "version"]
        for field in needed:
            field.required = False
        try:
            super().full_clean()
        finally:
            for field in needed:
                field.required = True

    def clean(self):
        if self.has_error("version"):
            raise forms.ValidationError("This page is out of date: reload it and answer again")
        return super().clean()

    def answers(self):
        """The section's answers, as the service saves them."""
        return {name: self.cleaned_data[name] for name in self.fields_of_section()}


class PlacementForm(SectionForm):
    section = "placement"

    placement_type = choice("Type of placement", vocabulary.PLACEMENT_TYPES.items())
    date_needed = GovukDateField(label="Date needed", help_text="For example, 27 3 2026")
    urgent = forms.BooleanField(
        label="Urgent: a home is needed today",
        required=False,
        help_text="An urgent referral goes to the top of every work tray and the placements team "
        "and the emergency carer on duty are told at once",
    )
    urgency_reason = choice(
        "Why it is urgent",
        Referral.UrgencyReason.choices,
        hint="Needed for an urgent referral",
        required=False,
    )
    urgency_detail = text("More about why it is urgent", required=False)

    def clean_date_needed(self):
        needed = self.cleaned_data.get("date_needed")
        if needed is not None and needed < timezone.localdate():
            raise forms.ValidationError("The date needed must be today or in the future")
        return needed


class ChildForm(SectionForm):
    section = "child"

    history = text(
        "The child's history", "What has happened in their life so far, as a carer needs to know it"
    )
    needs_summary = text("Needs", "What the child needs from the people caring for them")
    care_plan = text("Care plan and family time", "The plan, and who they see, how often and where")
    identity = text("Identity: culture, faith, language, sexuality", "What matters to who they are")
    feels_safe = text("What helps the child feel safe")
    support_in_place = text("Support in place", "Health, school, therapy and other support")
    likes_dislikes = text("Likes and dislikes")
    child_views = text("The child's own views", "In their own words where you can")


class RisksForm(SectionForm):
    section = "risks"

    risk_facts = text("Known facts", "What has happened: dates, events and where they are recorded")
    risk_opinions = text(
        "Professional opinion", "What professionals think of the risk, and who thinks it"
    )
    risk_management = text("How the risks are to be managed")


class LocationForm(SectionForm):
    section = "location"

    stay_near_school = forms.BooleanField(
        label="The child should stay near their school", required=False
    )
    stay_near_family = forms.BooleanField(
        label="The child should stay near their family", required=False
    )
    distance_limit_miles = forms.IntegerField(
        label="Furthest distance from home, in miles",
        required=False,
        min_value=1,
        max_value=500,
        help_text="Leave blank if there is no limit",
        error_messages={
            "invalid": "Enter the distance as a whole number of miles, like 10",
            "min_value": "The distance must be at least 1 mile",
            "max_value": "The distance must be 500 miles or fewer",
        },
    )
    location_notes = text("Location needs", "Where the child should or should not live, and why")


class EducationForm(SectionForm):
    section = "education"

    education_requested = YesNoField(label="Is education requested with the placement?")
    therapy_requested = YesNoField(label="Is therapy requested with the placement?")
    request_details = text(
        "What education or therapy is requested",
        "Needed if education or therapy is requested",
        required=False,
    )
    agreement_from = choice(
        "Who agreed to it",
        Referral.AgreementFrom.choices,
        hint="Needed if education or therapy is requested: the search cannot start until the "
        "agreement is recorded",
        required=False,
    )
    agreement_by = forms.CharField(
        label="Agreed by (name and role)",
        required=False,
        max_length=200,
        error_messages={"max_length": "Agreed by must be 200 characters or fewer"},
    )
    agreement_on = GovukDateField(
        label="Date of the agreement", required=False, help_text="For example, 27 3 2026"
    )
    agreement_evidence = text(
        "Evidence of agreement", "Where the agreement is recorded", required=False
    )

    def clean_agreement_on(self):
        return _not_in_future(self.cleaned_data.get("agreement_on"), "The date of the agreement")


class NetworkForm(SectionForm):
    section = "network"

    network_explored = YesNoField(label="Has the family and friends network been explored?")
    network_summary = text(
        "What the network exploration found", "Who was considered, and what came of it"
    )
    viability_under_way = YesNoField(label="Are viability assessments under way?")
    viability_details = text(
        "Which viability assessments are under way",
        "Needed if assessments are under way",
        required=False,
    )


class AccommodationForm(SectionForm):
    section = "accommodation"

    new_into_care = YesNoField(label="Is the child new into care?")
    accommodation_agreed_by = forms.ModelChoiceField(
        label="Who agreed to accommodate",
        queryset=None,
        required=False,
        empty_label="Choose who agreed",
        help_text="Needed for a child new into care",
        error_messages={"invalid_choice": "Choose who agreed from the list"},
    )
    accommodation_agreed_on = GovukDateField(
        label="Date it was agreed",
        required=False,
        help_text="For example, 27 3 2026",
    )

    def __init__(self, data=None, *, referral):
        super().__init__(data, referral=referral)
        role = referral.authority.policy.approver("agreement_to_accommodate")
        approvers = staff_holding(referral.authority, role)
        if referral.accommodation_agreed_by_id is not None:
            # Keep the person recorded even if they have moved on, so a save does not drop them.
            approvers = approvers | User.objects.filter(pk=referral.accommodation_agreed_by_id)
        field = self.fields["accommodation_agreed_by"]
        field.queryset = approvers.distinct().order_by("first_name", "last_name", "pk")
        field.label_from_instance = lambda person: person.display_name

    def clean_accommodation_agreed_on(self):
        return _not_in_future(self.cleaned_data.get("accommodation_agreed_on"), "The date agreed")


SECTION_FORMS = {
    form.section: form
    for form in (
        PlacementForm,
        ChildForm,
        RisksForm,
        LocationForm,
        EducationForm,
        NetworkForm,
        AccommodationForm,
    )
}


def section_form(section, data=None, *, referral):
    return SECTION_FORMS[section](data, referral=referral)


def question(section, name):
    """The question a section's field asks, as its form puts it."""
    return SECTION_FORMS[section].base_fields[name].label


# Actions --------------------------------------------------------------------------------------------

CHOICE_LABELS = {
    **dict(CommentRequest.From.choices),
    **dict(Referral.SearchRoute.choices),
    "phone": "Phone call",
    "email": "Email",
    "meeting": "Meeting",
    "visit": "Visit",
}


def _carer_label(household, duty):
    places = max(household.free_places, 0)
    label = (
        f"{household.name} ({household.reference}): {places} free place{'s' if places != 1 else ''}"
    )
    if duty is not None and duty.household_id == household.pk:
        label += ", on duty today"
    return label


def _action_field(spec, *, user, referral):
    common = {"label": spec.label, "help_text": spec.hint, "required": spec.required}
    if spec.kind == "boolean":
        return forms.BooleanField(**{**common, "required": False})
    if spec.kind == "choice":
        labelled = [(value, CHOICE_LABELS.get(value, value)) for value in spec.choices]
        field = choice(spec.label, labelled, spec.hint, spec.required)
        field.error_messages["required"] = f"Choose {spec.label.lower()}"
        return field
    if spec.kind == "household":
        duty = on_duty(referral.authority)
        wanted = len(referral.children.all())
        booked = emergency_bookings(referral.authority, exclude=referral)
        households = []
        for h in emergency_carers(user, [referral.authority], temporary=True, free_places=True):
            h.free_places -= booked.get(h.pk, 0)  # places held by other emergency bookings
            if h.free_places >= wanted:
                households.append(h)
        # The carer on duty first: the one the placements team rings first (000).
        households.sort(key=lambda h: duty is None or h.pk != duty.household_id)
        carers = [(str(h.pk), _carer_label(h, duty)) for h in households]
        if not carers:
            common["help_text"] = (
                "None of the council's emergency carers has room for "
                f"{'this child' if wanted == 1 else f'these {wanted} children'} now"
            )
        return forms.ChoiceField(
            **common,
            choices=carers,
            widget=forms.RadioSelect,
            error_messages={
                "required": "Choose the emergency carer",
                "invalid_choice": "Choose one of the council's emergency carers",
            },
        )
    if spec.kind == "user":
        staff = staff_of(referral.authority).order_by("first_name", "last_name", "pk")
        return forms.ChoiceField(
            **common,
            choices=[("", "Choose a person"), *((str(p.pk), p.display_name) for p in staff)],
            error_messages={
                "required": f"Choose {spec.label.lower()}",
                "invalid_choice": f"Choose {spec.label.lower()} from the council's staff",
            },
        )
    field = text(spec.label, spec.hint, spec.required)
    field.error_messages["required"] = f"Enter {spec.label.lower()}"
    return field


class ActionForm(GovukForm):
    """What an action of the transition table asks for (its `fields`)."""

    def __init__(self, data=None, *, action, user, referral):
        super().__init__(data)
        for spec in action.fields:
            self.fields[spec.name] = _action_field(spec, user=user, referral=referral)

    def add_service_errors(self, error):
        """Put a ReferralError's messages where they belong: at the field at fault, or at the top."""
        for name, message in error.field_errors.items():
            self.add_error(name if name in self.fields else None, message)
        if not error.field_errors:
            self.add_error(None, str(error))
            for problem in error.problems:
                if problem != str(error):
                    self.add_error(None, problem)


# Making a referral ---------------------------------------------------------------------------------


class NewReferralForm(GovukForm):
    """Which of the child's brothers and sisters the referral is for as well."""

    siblings = forms.MultipleChoiceField(
        label="Refer brothers or sisters with them",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Brothers and sisters are placed together wherever possible. Tick each one "
        "this referral is also for.",
        error_messages={"invalid_choice": "Choose from the brothers and sisters listed"},
    )

    def __init__(self, data=None, *, child, siblings, today=None):
        super().__init__(data)
        self.siblings_by_pk = {str(sibling.pk): sibling for sibling in siblings}
        if siblings:
            self.fields["siblings"].choices = [
                (str(s.pk), f"{s.full_name}, age {age(s.date_of_birth, today)}") for s in siblings
            ]
            self.fields["siblings"].label = f"Refer {child.first_name}'s brothers or sisters too"
        else:
            del self.fields["siblings"]

    def children(self, child):
        chosen = self.cleaned_data.get("siblings", [])
        return [child, *(self.siblings_by_pk[pk] for pk in chosen)]

    def add_service_errors(self, error):
        for problem in error.problems or [str(error)]:
            self.add_error(None, problem)
