"""The recruitment screens' forms, drawn by the GOV.UK renderer (ADR 0004). A form reads what was
typed; whether the step may be taken and whether the answers fit the records (a visit before the
enquiry, a check back before it was asked for) is `hearth.fostering.recruitment`'s business, whose
`StepRefused` is put back at the field at fault by `add_service_error`."""

from django import forms
from django.utils import timezone

from hearth.fostering import vocabulary
from hearth.fostering.models import Assessment
from hearth.stability.forms import TimeField, at
from hearth.web.forms import GovukDateField, GovukForm

OUT_OF_DATE = "This page is out of date: reload it and try again"
YES_NO = [("yes", "Yes"), ("no", "No"), ("", "Not known")]


def _version():
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE},
    )  # fmt: skip


def _enter(label):
    """ "Date of the contact" → "Enter the date of the contact"."""
    words = f"{label[0].lower()}{label[1:]}"
    if words.split(" ", 1)[0] in ("date", "time"):
        words = f"the {words}"
    return f"Enter {words}"


def _date(label, *, hint="For example, 27 3 2027", required=True, message=""):
    return GovukDateField(
        label=label, help_text=hint, required=required,
        error_messages={"required": message or _enter(label)},
    )  # fmt: skip


def _time(label, *, required=True):
    return TimeField(
        label=label, help_text="On the 24-hour clock, for example 14:30", required=required,
        error_messages={"required": _enter(label)},
    )  # fmt: skip


def _choice(label, choices, *, message, radios=True, hint=""):
    return forms.ChoiceField(
        label=label, choices=choices, help_text=hint,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": message, "invalid_choice": message},
    )  # fmt: skip


def _text(label, *, hint="", max_length=500, textarea=False):
    return forms.CharField(
        label=label, help_text=hint, required=False, max_length=max_length,
        widget=forms.Textarea if textarea else forms.TextInput,
    )  # fmt: skip


class RecruitmentForm(GovukForm):
    # Where a service's argument is typed as two fields (a date and a time)
    SERVICE_FIELDS = {"received_at": "received_on", "at": "contact_on"}

    def add_service_error(self, error):
        """Put a `StepRefused` at the field it names (the whole form if none, or not here)."""
        field = self.SERVICE_FIELDS.get(error.field, error.field)
        self.add_error(field if field in self.fields else None, error.message)

    def moment(self, day_field, time_field):
        return at(self.cleaned_data.get(day_field), self.cleaned_data.get(time_field))


class EnquiryForm(RecruitmentForm):
    first_name = forms.CharField(
        label="First name", max_length=100,
        error_messages={"required": "Enter the first name of the person enquiring"},
    )  # fmt: skip
    last_name = forms.CharField(
        label="Last name", max_length=100,
        error_messages={"required": "Enter the last name of the person enquiring"},
    )  # fmt: skip
    second_first_name = _text("Their partner's first name", hint="If they would foster together")
    second_last_name = _text("Their partner's last name", max_length=100)
    email = forms.EmailField(
        label="Email address", required=False,
        error_messages={"invalid": "Enter an email address like name@example.com"},
    )  # fmt: skip
    phone = _text("Phone number", max_length=40)
    postcode = _text("Postcode", max_length=8)
    received_on = _date("Date the enquiry came in", message="Enter the date the enquiry came in")
    received_time = _time("Time the enquiry came in")
    source = _choice(
        "How did they hear about fostering?", vocabulary.ENQUIRY_SOURCES,
        message="Choose how they heard about fostering",
    )  # fmt: skip
    referred_by = forms.ChoiceField(
        label="Which of our carers told them?", required=False,
        help_text="Word of mouth only: the carers earn the reward",
    )  # fmt: skip
    referred_by.sometimes_required = True
    source_detail = _text(
        "The event or campaign", hint="Where it was an event or a campaign", max_length=200
    )
    spare_room = forms.ChoiceField(
        label="Do they have a spare bedroom?", choices=YES_NO, required=False,
        widget=forms.RadioSelect,
    )  # fmt: skip
    notes = _text("Notes", textarea=True, max_length=2000)

    def __init__(self, data=None, *, carers, **kwargs):
        super().__init__(data, **kwargs)
        self._carers = {str(h.pk): h for h in carers}
        self.fields["referred_by"].choices = [
            ("", "Not word of mouth"),
            *[(str(h.pk), f"{h.name} ({h.reference})") for h in carers],
        ]

    def clean(self):
        data = super().clean()
        received = self.moment("received_on", "received_time")
        if received is not None and received > timezone.now():
            self.add_error("received_on", "The enquiry cannot have come in in the future")
        if data.get("source") == "word_of_mouth" and not data.get("referred_by"):
            self.add_error("referred_by", "Choose the carers who told them about fostering")
        return data

    def arguments(self):
        data = self.cleaned_data
        return {
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "second_first_name": data["second_first_name"].strip(),
            "second_last_name": data["second_last_name"].strip(),
            "email": data["email"],
            "phone": data["phone"],
            "postcode": data["postcode"],
            "received_at": self.moment("received_on", "received_time"),
            "source": data["source"],
            "source_detail": data["source_detail"],
            "referred_by": self._carers.get(data["referred_by"]),
            "spare_room": {"yes": True, "no": False}.get(data["spare_room"]),
            "notes": data["notes"],
        }


class ContactForm(RecruitmentForm):
    method = _choice(
        "How were they contacted?",
        vocabulary.CONTACT_METHODS,
        message="Choose how they were contacted",
    )
    contact_on = _date("Date of the contact")
    contact_time = _time("Time of the contact")
    note = _text("Note", textarea=True)

    def clean(self):
        data = super().clean()
        moment = self.moment("contact_on", "contact_time")
        if moment is not None and moment > timezone.now():
            self.add_error("contact_on", "The contact cannot be in the future")
        return data


class VisitBookForm(RecruitmentForm):
    SERVICE_FIELDS = {"at": "visit_on"}
    visit_on = _date("Date of the initial home visit")
    visit_time = _time("Time of the visit")
    version = _version()


class VisitHeldForm(RecruitmentForm):
    held_on = _date("Date the visit took place")
    version = _version()


class NotProgressedForm(RecruitmentForm):
    reason = _choice(
        "Why does the enquiry not go on?", vocabulary.NOT_PROGRESSED_REASONS,
        message="Choose why the enquiry does not go on",
    )  # fmt: skip
    outcome_on = _date("Date it was decided")
    recontact_on = _date(
        "When to contact them again",
        hint="Only for someone not ready yet. Leave blank for the usual time (12 months by the "
        "council's policy).",
        required=False,
    )
    note = _text("Note", textarea=True)
    version = _version()

    def __init__(self, *args, recontact_hint="", **kwargs):
        super().__init__(*args, **kwargs)
        if recontact_hint:
            self.fields["recontact_on"].help_text = recontact_hint


class RecontactedForm(RecruitmentForm):
    recontacted_on = _date("Date they were contacted again")
    note = _text("What they said", textarea=True)
    version = _version()


class RewardForm(RecruitmentForm):
    paid_on = _date("Date the reward was paid")
    version = _version()


class ApplicationForm(RecruitmentForm):
    received_on = _date("Date the application came in")
    consent_to_checks = forms.BooleanField(
        label="The applicants consent to the statutory checks",
        help_text="DBS, medical, local authority, references, ex-partners and employers",
        required=False,
    )
    consent_to_checks.sometimes_required = True

    def clean(self):
        data = super().clean()
        if not data.get("consent_to_checks"):
            self.add_error(
                "consent_to_checks",
                "The applicants must consent to the statutory checks to apply",
            )
        return data


class CheckForm(RecruitmentForm):
    requested_on = _date("Date asked for", required=False)
    completed_on = _date("Date it came back", required=False)
    outcome = forms.ChoiceField(
        label="What it found", required=False, widget=forms.RadioSelect,
        choices=[*vocabulary.CHECK_OUTCOMES, ("", "Not back yet")],
    )  # fmt: skip
    note = _text("Note", textarea=True)
    version = _version()


class AssessmentStartForm(RecruitmentForm):
    kind = _choice("Which assessment?", Assessment.Kind.choices, message="Choose the assessment")
    assessor = forms.ChoiceField(
        label="Assessing social worker", help_text="A supervising social worker of the council",
        error_messages={
            "required": "Choose who assesses them", "invalid_choice": "Choose who assesses them",
        },
    )  # fmt: skip
    started_on = _date("Date the assessment starts")

    def __init__(self, data=None, *, assessors, **kwargs):
        super().__init__(data, **kwargs)
        self._assessors = {str(person.pk): person for person in assessors}
        self.fields["assessor"].choices = [
            ("", "Choose the assessor"),
            *[(pk, person.display_name) for pk, person in self._assessors.items()],
        ]

    def chosen_assessor(self):
        return self._assessors[self.cleaned_data["assessor"]]


class AssessmentVisitForm(RecruitmentForm):
    visited_on = _date("Date of the visit")
    note = _text("What the visit covered", textarea=True)


class AssessmentProgressForm(RecruitmentForm):
    training_completed_on = _date(
        "Preparation training completed on", hint="Skills to Foster. For example, 27 3 2027",
        required=False,
    )  # fmt: skip
    report_completed_on = _date(
        "Assessment report completed on",
        hint="Once the report is complete the assessment is ready for panel",
        required=False,
    )
    version = _version()


class ApplicationEndForm(RecruitmentForm):
    ending = _choice(
        "How does the application end?",
        [("withdrawn", "The applicants withdrew"),
         ("refused", "The council does not take it forward")],
        message="Choose how the application ends",
    )  # fmt: skip
    reason = _choice(
        "Why does it end?", vocabulary.NOT_PROGRESSED_REASONS,
        message="Choose why the application ends",
    )  # fmt: skip
    ended_on = _date("Date it ended")
    note = _text("Note", hint="Kept with the enquiry's notes", textarea=True, max_length=2000)
    version = _version()


class AssessmentEndForm(RecruitmentForm):
    reason = _choice(
        "Why does the assessment end?", vocabulary.ASSESSMENT_END_REASONS,
        message="Choose why the assessment ends",
    )  # fmt: skip
    ended_on = _date("Date it ended")
    note = _text("Note", textarea=True, max_length=2000)
    version = _version()


class EnquiryFilterForm(GovukForm):
    outcome = forms.ChoiceField(
        label="Outcome", required=False,
        choices=[("open", "Being followed up"), ("applied", "Applied"),
                 ("not_progressed", "Did not go on"), ("all", "All")],
    )  # fmt: skip
    source = forms.ChoiceField(
        label="Source", required=False, choices=[("", "Any"), *vocabulary.ENQUIRY_SOURCES]
    )
