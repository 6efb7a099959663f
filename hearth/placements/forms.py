"""The placements screens' forms, drawn by the GOV.UK renderer (ADR 0004). A form only reads what
was typed: whether the step may be taken and whether the answers are enough (a refusal's reason,
the 903 codes, the dates) is the services' business; their `ReferralError` is put back at the
field at fault by `add_service_errors`."""

from django import forms

from hearth.people.vocabulary import PLACEMENT_TYPES
from hearth.placements import codes
from hearth.referrals.services import TEXT_LIMIT
from hearth.web.forms import GovukDateField, GovukForm

OUT_OF_DATE = "This page is out of date: reload it and try again"
APPROVE, REFUSE = "approve", "refuse"


def _text(label, *, hint="", required=False, message=""):
    return forms.CharField(
        label=label, help_text=hint, required=required, max_length=TEXT_LIMIT,
        widget=forms.Textarea, error_messages={"required": message or f"Enter {label.lower()}"},
    )  # fmt: skip


def _radios(label, choices, message, *, hint=""):
    return forms.ChoiceField(
        label=label, help_text=hint, choices=list(choices), widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )  # fmt: skip


class PlacementForm(GovukForm):
    # A service's field typed as another field of the form (the service's name: the form's)
    SERVICE_FIELDS = {}

    def add_service_errors(self, error):
        """A ReferralError's messages at their fields, or at the top of the page."""
        for name, message in error.field_errors.items():
            name = self.SERVICE_FIELDS.get(name, name)
            self.add_error(name if name in self.fields else None, message)
        for problem in error.problems:
            if problem not in error.field_errors.values():
                self.add_error(None, problem)
        if not error.field_errors and not error.problems:
            self.add_error(None, str(error))

    def add_error(self, field, error):
        if field is not None and field in self.fields and self.fields[field].widget.is_hidden:
            field = None
        super().add_error(field, error)


class CostDecisionForm(PlacementForm):
    decision = _radios(
        "Do you approve the weekly cost?",
        [(APPROVE, "Yes, approve it"), (REFUSE, "No, refuse it")],
        "Choose whether you approve the weekly cost",
    )
    conditions = _text(
        "Conditions of the approval", hint="Optional. Such as when the cost is to be reviewed."
    )
    reason = _text("Why the cost is refused", hint="Needed when you refuse.")

    def arguments(self):
        data = self.cleaned_data
        approve = data["decision"] == APPROVE
        return {
            "approve": approve,
            "conditions": data.get("conditions", "") if approve else "",
            "reason": "" if approve else data.get("reason", ""),
        }


ENDINGS = [("planned", "Planned"), ("unplanned", "Unplanned: an unplanned ending meeting follows")]


class StartForm(PlacementForm):
    """The start date, the type of care, the emergency (urgent referrals only) and each child's
    903 codes, drawn from those derived and changeable; for a child placed already (`moving`:
    {child pk: open placement}), why the placement changes and whether its ending was planned;
    for a child whose care imported from an earlier return goes on (`carried`: {child pk: open
    episode with no placement in Hearth}), why the placement changes."""

    started_on = GovukDateField(
        label="Date the placement starts",
        help_text="The day the child moves in: today or a day in the past. For example, 27 3 2026",
        error_messages={"required": "Enter the date the placement starts"},
    )
    care_type = _radios("Type of care", PLACEMENT_TYPES.items(), "Choose the type of care")

    def __init__(
        self, data=None, *, children, derived, urgent, moving=None, carried=None, **kwargs
    ):
        super().__init__(data, **kwargs)
        self.children = children
        self.moving = moving or {}
        self.carried = {
            pk: episode for pk, episode in (carried or {}).items() if pk not in self.moving
        }
        if urgent:
            self.fields["emergency"] = forms.BooleanField(
                label="This is an emergency: start before the approvals are complete",
                help_text="The approvals are then asked for after the event, by the date the "
                "council's policy sets.",
                required=False,
            )
        for child in children:
            for field, name, listed in codes.FIELDS:
                key = f"c{child.pk}_{field}"
                label = f"{name}: {codes.WHAT.get(field) or _LABELS[field]}"
                if listed is not None:
                    self.fields[key] = forms.ChoiceField(
                        label=label, choices=[("", "Choose a code"), *codes.choices(field)],
                        required=False,
                    )  # fmt: skip
                else:
                    self.fields[key] = forms.CharField(label=label, required=False, max_length=8)
                self.fields[key].initial = derived[child.pk][field]
        for child in children:
            if child.pk in self.moving:
                self._move_fields(child)
            elif child.pk in self.carried:
                self._reason_field(child, f"{child.full_name}'s current placement")

    def _move_fields(self, child):
        where = f"{child.full_name}'s current placement"  # the carers named only on their page
        self._reason_field(child, where)
        message = f"Say whether {where} ended as planned or unplanned"
        self.fields[f"c{child.pk}_ending"] = _radios(
            f"Did {where} end as planned?", ENDINGS, message
        )

    def _reason_field(self, child, where):
        self.fields[f"c{child.pk}_reason_place_change"] = forms.ChoiceField(
            label=f"REASON_PLACE_CHANGE: why {where} changes",
            help_text=f"It ends the day this placement starts, with REC X1 ({codes.REC['X1']}).",
            choices=[
                ("", "Choose a reason"),
                *[(c, f"{c}: {w}") for c, w in codes.REASON_PLACE_CHANGE.items()],
            ],
            error_messages={"required": f"REASON_PLACE_CHANGE: say why {where} changes"},
        )

    def child_fields(self, child):
        return [self[f"c{child.pk}_{field}"] for field in codes.CODE_FIELDS]

    def move_fields(self, child):
        if child.pk in self.moving:
            return [self[f"c{child.pk}_reason_place_change"], self[f"c{child.pk}_ending"]]
        if child.pk in self.carried:
            return [self[f"c{child.pk}_reason_place_change"]]
        return []

    def moves(self):
        """{child pk: {"reason_place_change", "ending"}} for the children placed already, and
        {child pk: {"reason_place_change"}} for those whose imported care ends."""
        data = self.cleaned_data
        answers = {
            pk: {
                "reason_place_change": data.get(f"c{pk}_reason_place_change", ""),
                "ending": data.get(f"c{pk}_ending", ""),
            }
            for pk in self.moving
        }
        for pk in self.carried:
            answers[pk] = {"reason_place_change": data.get(f"c{pk}_reason_place_change", "")}
        return answers

    def codes_changed(self, derived):
        """{child pk: {field: code}} of the codes changed from those first derived: the rest are
        derived again by the service for the type of care chosen."""
        changed = {}
        for child in self.children:
            for field in codes.CODE_FIELDS:
                name = f"c{child.pk}_{field}"
                if name not in self.data:
                    continue  # not sent: derived for the type of care chosen
                value = (self.cleaned_data.get(name) or "").strip()
                if value.upper() != (derived[child.pk][field] or "").upper():
                    changed.setdefault(child.pk, {})[field] = value
        return changed


class EmergencyStartForm(StartForm):
    """Recording an urgent referral's emergency booking as a placement: the start date, the type
    of care (emergency care unless another is chosen), each child's codes and any move."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, urgent=False, **kwargs)


_LABELS = {
    "home_postcode": "postcode of the child's home",
    "placement_postcode": "postcode of the placement",
    "urn": "Ofsted URN of the provider",
}


class EndForm(PlacementForm):
    ended_on = GovukDateField(
        label="Date the placement ended",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the date the placement ended"},
    )
    ending = _radios(
        "Was the ending planned?", ENDINGS, "Say whether the ending was planned or unplanned"
    )
    reason_ceased = forms.ChoiceField(
        label="REC: reason the episode ceased",
        choices=[("", "Choose a reason"), *[(c, f"{c}: {w}") for c, w in codes.REC.items()]],
        error_messages={"required": "REC: choose the reason the episode ceased"},
    )
    reason_place_change = forms.ChoiceField(
        label="REASON_PLACE_CHANGE: why the placement changed",
        help_text="Needed when the child moves to another placement (REC X1).",
        choices=[
            ("", "Not a change of placement"),
            *[(c, f"{c}: {w}") for c, w in codes.REASON_PLACE_CHANGE.items()],
        ],
        required=False,
    )
    note = _text("What happened", hint="Needed for an unplanned ending.")
    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE},
    )  # fmt: skip


class CostingForm(PlacementForm):
    finance_reference = forms.CharField(
        label="Finance reference",
        help_text="The costing's (CPLI) reference in the finance system",
        max_length=40,
        error_messages={
            "required": "Enter the finance system's reference for the costing",
            "max_length": "The finance reference must be 40 characters or fewer",
        },
    )
