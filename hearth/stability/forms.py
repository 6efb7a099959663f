"""The stability meeting screens' forms, drawn by the GOV.UK renderer (ADR 0004). A form only reads
what was typed: whether the step may be taken and whether the answers are enough (the required
people present, the next date within the policy's time) is the services' business; their
`ReferralError` is put back at the field at fault by `add_service_errors`."""

import re
from datetime import datetime, time

from django import forms

from hearth.core.deadlines import LONDON
from hearth.placements.forms import PlacementForm
from hearth.referrals.services import TEXT_LIMIT
from hearth.stability import vocabulary
from hearth.stability.services import RAISED_BY_A_PERSON
from hearth.web.forms import GovukDateField, GovukForm

OUT_OF_DATE = "This page is out of date: reload it and try again"
TIME = re.compile(r"^\s*([01]?\d|2[0-3])[:.]([0-5]\d)\s*$")
ATTENDANCE = [
    ("attended", "Attended"),
    ("views_given", "Did not attend: their views were given"),
    ("neither", "Did not attend"),
]


def _text(label, *, hint="", required=False, message=""):
    return forms.CharField(
        label=label, help_text=hint, required=required, max_length=TEXT_LIMIT,
        widget=forms.Textarea, error_messages={"required": message or f"Enter {label.lower()}"},
    )  # fmt: skip


def _version():
    return forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE},
    )  # fmt: skip


class TimeField(forms.Field):
    """A time of day typed as 14:30 (24-hour clock)."""

    widget = forms.TextInput
    max_length = 5  # drawn as a narrow input

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def prepare_value(self, value):
        return f"{value:%H:%M}" if isinstance(value, time) else value

    def to_python(self, value):
        value = (value or "").strip() if isinstance(value, str) else value
        if not value:
            return None
        if isinstance(value, time):
            return value
        found = TIME.match(value)
        if not found:
            raise forms.ValidationError("Enter a time on the 24-hour clock, like 14:30")
        return time(int(found.group(1)), int(found.group(2)))


def at(day, moment):
    """The aware date-time in Europe/London of a day and a time of day typed."""
    if day is None or moment is None:
        return None
    return datetime.combine(day, moment, tzinfo=LONDON)


class StabilityForm(PlacementForm):
    # Where a service's field is typed as two fields (a date and a time)
    SERVICE_FIELDS = {"scheduled_for": "scheduled_on", "held_at": "held_on"}


# Raising a concern ---------------------------------------------------------------------------------


class RequestForm(StabilityForm):
    raised_by = forms.ChoiceField(
        label="Who is worried about the placement?",
        help_text="A foster carer, the young person, a school or a health professional asks "
        "through a worker, who records it here for them.",
        choices=list(RAISED_BY_A_PERSON.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who is worried about the placement",
            "invalid_choice": "Choose who is worried about the placement",
        },
    )
    raised_by_name = forms.CharField(
        label="Their name",
        help_text="Needed for a foster carer, the young person, a school, health or another "
        "professional: the person who raised it. Not needed when the concern is your own.",
        required=False,
        max_length=200,
    )
    # Required for some answers above (checked in clean), so not marked "(optional)".
    raised_by_name.sometimes_required = True
    concern = _text(
        "What are they worried about?",
        hint="What is making things difficult at this time, in their words.",
        required=True,
        message="Say what they are worried about",
    )

    def clean(self):
        data = super().clean()
        named = data.get("raised_by") in vocabulary.RAISED_BY_SOMEONE_NAMED
        if named and not (data.get("raised_by_name") or "").strip():
            self.add_error("raised_by_name", "Enter the name of the person who raised the concern")
        return data


# Arranging ---------------------------------------------------------------------------------------------


class ArrangeForm(StabilityForm):
    chair = forms.ChoiceField(
        label="Chair",
        error_messages={
            "required": "Choose who chairs the meeting",
            "invalid_choice": "Choose who chairs the meeting",
        },
    )
    scheduled_on = GovukDateField(
        label="Date of the meeting",
        help_text="For example, 27 3 2027",
        error_messages={"required": "Enter the date of the meeting"},
    )
    scheduled_time = TimeField(
        label="Time of the meeting",
        help_text="On the 24-hour clock, for example 14:30",
        error_messages={"required": "Enter the time of the meeting"},
    )
    venue = forms.CharField(
        label="Where is it held?",
        help_text="A place, or how people join it online",
        max_length=200,
        error_messages={"required": "Say where the meeting is held, or how people join it"},
    )
    version = _version()

    def __init__(self, data=None, *, chairs, chair_hint, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["chair"].choices = [
            ("", "Choose the chair"),
            *[(str(person.pk), person.display_name) for person in chairs],
        ]
        self.fields["chair"].help_text = f"The chair is {chair_hint} of the council."
        self.chairs = {str(person.pk): person for person in chairs}

    def chair_chosen(self):
        return self.chairs.get(self.cleaned_data.get("chair") or "")

    def scheduled_for(self):
        data = self.cleaned_data
        return at(data.get("scheduled_on"), data.get("scheduled_time"))


class InviteeForm(GovukForm):
    participant = forms.IntegerField(widget=forms.HiddenInput, required=False)
    user = forms.IntegerField(widget=forms.HiddenInput, required=False)
    part = forms.ChoiceField(
        label="Part they take",
        choices=[("", "Choose a part"), *[(k, v) for k, v in vocabulary.PARTS]],
        error_messages={
            "required": "Choose the part they take in the meeting",
            "invalid_choice": "Choose the part they take in the meeting",
        },
    )
    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Enter the name of the person invited"},
    )
    email = forms.EmailField(
        label="Email address",
        help_text="For the minutes. Not needed for someone who signs in to Hearth.",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.org"},
    )
    remove = forms.BooleanField(label="Do not invite", required=False)

    def part_words(self):
        """The part the row's person takes, in words ("" when none is chosen)."""
        return dict(vocabulary.PARTS).get(self["part"].value() or "", "")

    def number(self):
        """The row's place on the page, from 1."""
        tail = (self.prefix or "").rsplit("-", 1)[-1]
        return int(tail) + 1 if tail.isdigit() else None

    def legend(self):
        """The row's heading: who it is and the part they take, as far as the row says."""
        name, part = (self["name"].value() or "").strip(), self.part_words()
        if name and part:
            return f"{name} ({part})"
        if name or part:
            return name or part
        if self.initial.get("part"):
            return f"Invitee {self.number()}"
        return "Someone else (optional)"

    def who(self):
        """Who the row is about in an error message: its part, else its number."""
        return self.part_words() or (f"Invitee {self.number()}" if self.number() else "Invitee")

    def add_error(self, field, error):
        """Each of the row's messages names the row, so that the summary at the top says which
        row is at fault."""
        if field is not None and not isinstance(error, dict):
            who = self.who()
            error = [
                message if message.startswith(f"{who}: ") else f"{who}: {message}"
                for message in forms.ValidationError(error).messages
            ]
        super().add_error(field, error)

    def clean(self):
        data = super().clean()
        if data.get("remove"):  # taken off the list: what the row says no longer matters
            for name in ("part", "name", "email"):
                self.errors.pop(name, None)
        return data

    def invitee(self):
        """The row as the service takes it; None for a blank row or one taken off the list."""
        data = self.cleaned_data
        if not data or data.get("remove"):
            return None
        if not (data.get("part") or data.get("name") or data.get("email") or data.get("user")):
            return None
        return {
            "participant": data.get("participant"),
            "user": data.get("user"),
            "part": data.get("part", ""),
            "name": data.get("name", ""),
            "email": data.get("email", ""),
        }


InviteeFormSet = forms.formset_factory(InviteeForm, extra=3)


def invitees_from(formset):
    """(rows for the service, the form each came from)."""
    rows, forms_of = [], []
    for form in formset.forms:
        row = form.invitee() if hasattr(form, "cleaned_data") else None
        if row is not None:
            rows.append(row)
            forms_of.append(form)
    return rows, forms_of


def put_invitee_errors(error, forms_of, form):
    """Errors at `invitees.<row>.<field>` at the row's field; others on the main form."""
    for name, message in error.field_errors.items():
        if name.startswith("invitees."):
            _, row, field = name.split(".", 2)
            forms_of[int(row)].add_error(field, message)
    form.add_service_errors(
        type(error)(
            str(error),
            problems=[p for p in error.problems if p not in error.field_errors.values()]
            + [m for n, m in error.field_errors.items() if n == "invitees"],
            field_errors={
                n: m
                for n, m in error.field_errors.items()
                if not n.startswith("invitees.") and n != "invitees"
            },
        )
    )


# Recording the meeting -------------------------------------------------------------------------------


class RecordForm(StabilityForm):
    held_on = GovukDateField(
        label="Date the meeting was held",
        help_text="For example, 24 12 2026",
        required=False,
    )
    held_time = TimeField(
        label="Time it began", help_text="On the 24-hour clock, for example 14:30", required=False
    )
    version = _version()

    def __init__(self, data=None, *, meeting, participants, **kwargs):
        super().__init__(data, **kwargs)
        self.meeting, self.participants = meeting, participants
        for participant in participants:
            part = dict(vocabulary.PARTS).get(participant.part, participant.part)
            self.fields[f"attendance_{participant.pk}"] = forms.ChoiceField(
                label=f"{participant.name} ({part})",
                choices=ATTENDANCE,
                widget=forms.RadioSelect,
                required=False,
                help_text="Required at the meeting"
                if participant.part in vocabulary.REQUIRED_PARTS
                else "",
            )
            # The required parts' answers are refused blank when the meeting is held.
            self.fields[f"attendance_{participant.pk}"].sometimes_required = (
                participant.part in vocabulary.REQUIRED_PARTS
            )
        for key, label, hint in vocabulary.sections_of(meeting.kind):
            self.fields[f"section_{key}"] = _text(label, hint=hint)
        self.fields["family_in_contact"] = forms.BooleanField(
            label="The child is in regular contact with family",
            help_text="Their views are then sought and written below.",
            required=False,
        )
        self.fields["family_views"] = _text(
            "The family's views", hint="Needed before the minutes are circulated when the child "
            "is in regular contact with family."
        )  # fmt: skip
        if meeting.kind == "unplanned_ending":
            self.fields["themes"] = forms.MultipleChoiceField(
                label="Learning themes",
                help_text="What the ending teaches: counted in the monthly breakdown report.",
                choices=[(k, v) for k, v in vocabulary.LEARNING_THEMES],
                widget=forms.CheckboxSelectMultiple,
                required=False,
                error_messages={"invalid_choice": "Choose learning themes from the list"},
            )
        else:
            self.fields["next_meeting_on"] = GovukDateField(
                label="Date of the next stability meeting",
                help_text="Within the policy's time of this meeting (3 months by default). "
                "For example, 24 3 2027",
                required=False,
            )
        self.order_fields(["held_on", "held_time"])

    def attendance_fields(self):
        return [self[f"attendance_{p.pk}"] for p in self.participants]

    def section_fields(self):
        return [self[f"section_{key}"] for key, *_ in vocabulary.sections_of(self.meeting.kind)]

    def other_fields(self):
        names = ["family_in_contact", "family_views", "themes", "next_meeting_on"]
        return [self[name] for name in names if name in self.fields]

    def arguments(self):
        data = self.cleaned_data
        return {
            "held_at": at(data.get("held_on"), data.get("held_time")),
            "attendance": {p.pk: data.get(f"attendance_{p.pk}", "") for p in self.participants},
            "sections": {
                key: data.get(f"section_{key}", "")
                for key, *_ in vocabulary.sections_of(self.meeting.kind)
            },
            "family_in_contact": data.get("family_in_contact", False),
            "family_views": data.get("family_views", ""),
            "themes": data.get("themes", []),
            "next_meeting_on": data.get("next_meeting_on"),
        }

    def clean(self):
        data = super().clean()
        if bool(data.get("held_on")) != bool(data.get("held_time")):
            if not data.get("held_on") and "held_on" not in self.errors:
                self.add_error("held_on", "Enter the date the meeting was held")
            elif not data.get("held_time") and "held_time" not in self.errors:
                self.add_error("held_time", "Enter the time the meeting began")
        return data


class CirculateForm(StabilityForm):
    version = _version()


# After the meeting: its actions, the IRO's check, the waiver and the moving-on tasks ---------------


class ActionAddForm(StabilityForm):
    """What is to be done, by whom and by when. Each answer is checked by the service, which
    puts its message at the field."""

    description = _text("What is to be done?", hint="One action: what, and for whom if it helps.")
    owner = forms.ChoiceField(label="Who will do it?", required=False)
    due_on = GovukDateField(
        label="Date it is due", help_text="Today or later. For example, 27 3 2027", required=False
    )

    def __init__(self, data=None, *, owners, **kwargs):
        super().__init__(data, **kwargs)
        self.owners = {str(person.pk): person for person in owners}
        self.fields["owner"].choices = [
            ("", "Choose someone"),
            *[(pk, person.display_name) for pk, person in self.owners.items()],
        ]

    # Refused blank by the service, so not marked "(optional)".
    description.sometimes_required = owner.sometimes_required = True
    due_on.sometimes_required = True

    def chosen_owner(self):
        return self.owners.get(self.cleaned_data.get("owner") or "")

    def clean(self):
        """When an answer cannot be read (a malformed date), the service is not asked; give the
        service's messages for the answers left blank too, so that every error shows at once."""
        data = super().clean()
        if not self.errors:
            return data
        blank = {
            "description": "Say what is to be done",
            "owner": "Choose who will do the action",
            "due_on": "Enter the date the action is due",
        }
        for name, message in blank.items():
            if name not in self.errors and not data.get(name):
                self.add_error(name, message)
        return data


class ActionDoneForm(StabilityForm):
    note = _text("What was done", hint="For example, the date the referral was sent.")
    version = _version()


class IroCheckForm(StabilityForm):
    note = _text(
        "How were the actions followed up?",
        hint="What was done, what is still to do and anything you have escalated.",
    )
    note.sometimes_required = True  # refused blank by the service
    version = _version()


class WaiveForm(StabilityForm):
    reason = _text(
        "Why is the unplanned ending meeting not needed?",
        hint="Say what the stability meeting covered and why the learning is already known.",
        required=True,
        message="Enter why the unplanned ending meeting is not needed",
    )
    version = _version()


class MovingOnDoneForm(StabilityForm):
    note = _text(
        "How it was done",
        hint="For example, when the profile was given to the new carers.",
    )
    version = _version()
