"""The in-house search's screens as forms, drawn by the GOV.UK renderer (ADR 0004).

A form here only reads what was typed. Whether the step may be taken, and whether the answers are
enough (a robust reason to decline an in-house offer, a note with "another reason", every need met
or a gap), is the search's services' business: their `ReferralError` is put back at the field at
fault by `add_service_errors`. Where one answer opens further questions (carers who decline are
asked why), the radios reveal them as GOV.UK conditional reveals: `revealing(name)` gives the
template each option with the fields it reveals, and `layout` every field in the order drawn.

A form that changes a record someone else may change too carries, hidden, the version of the record
it was drawn from (`version`, or the matching form's `form_version` on the sign-off): the service
refuses a save made from an older one. An error at a hidden field is shown at the top of the page.
"""

from django import forms
from django.utils.html import format_html

from hearth.matching.explain import listed
from hearth.people import vocabulary
from hearth.referrals.services import TEXT_LIMIT
from hearth.search.vocabulary import CONTACT_OUTCOMES, DECLINE_REASONS, DECLINES, OFFERS
from hearth.web.forms import GovukDateField, GovukForm
from hearth.web.presenters import age

YES_NO = [("yes", "Yes"), ("no", "No")]
OUT_OF_DATE = "This page is out of date: reload it and try again"
AGREE, DECLINE = "agree", "decline"
MET, GAP = "met", "gap"


def _text(label, *, hint="", required=True, message=None, name=None):
    """A box of text. `name`: what its messages call it, where the label is more than words."""
    name = name or label
    return forms.CharField(
        label=label,
        help_text=hint,
        required=required,
        max_length=TEXT_LIMIT,
        widget=forms.Textarea,
        error_messages={
            "required": message or f"Enter {name[0].lower()}{name[1:]}",
            "max_length": f"{name} must be {TEXT_LIMIT:,} characters or fewer",
        },
    )


def _version():
    """The version of the record the page was drawn from, sent back with the answers."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


def _radios(label, choices, *, message, hint="", required=True):
    return forms.ChoiceField(
        label=label,
        help_text=hint,
        required=required,
        choices=list(choices),
        widget=forms.RadioSelect,
        error_messages={"required": message, "invalid_choice": message},
    )


class SearchForm(GovukForm):
    """A form of the search: radios that reveal further questions, and a service's refusal put
    back at its fields."""

    reveals = {}  # {radio field: {value: [fields revealed when it is chosen]}}
    required_when_chosen = frozenset()  # revealed questions that need an answer when shown

    def require_chosen(self):
        """A question revealed by an answer must be answered when that answer is chosen, and is
        drawn as required (not "optional") on a form not yet sent."""
        for radio, answers in self.reveals.items():
            picked = self.data.get(radio) if self.is_bound else None
            for value, fields in answers.items():
                for name in set(fields) & self.required_when_chosen & set(self.fields):
                    self.fields[name].required = not self.is_bound or picked == value

    def clean(self):
        """Questions revealed by an answer not chosen were not asked: whatever they hold is
        ignored."""
        cleaned = super().clean()
        for radio, answers in self.reveals.items():
            for value, fields in answers.items():
                if cleaned.get(radio) != value:
                    for name in fields:
                        self._errors.pop(name, None)
                        cleaned.pop(name, None)
        return cleaned

    def revealing(self, name):
        """The radio field's options, each with the bound fields its choice reveals."""
        revealed = self.reveals.get(name, {})
        return [
            {
                "option": option,
                "revealed": [self[field] for field in revealed.get(option.data["value"], ())
                             if field in self.fields],
            }
            for option in self[name]
        ]  # fmt: skip

    @property
    def layout(self):
        """The visible fields in order, for the templates: each radio that reveals questions with
        its options (`options`), the questions it reveals drawn inside it rather than alone."""
        inside = {
            field for answers in self.reveals.values() for fields in answers.values()
            for field in fields
        }  # fmt: skip
        return [
            {"field": field, "options": self.revealing(field.name) if field.name in self.reveals
             else None}
            for field in self.visible_fields()
            if field.name not in inside
        ]  # fmt: skip

    def add_error(self, field, error):
        """A hidden field's error (the version the page was drawn from) is shown at the top: there
        is no field on the page to show it at."""
        if field is not None and field in self.fields and self.fields[field].widget.is_hidden:
            field = None
        super().add_error(field, error)

    def redraw_with(self, **hidden):
        """Draw the sent form again carrying these hidden values: the version of the record the
        page now shows, rather than the one it was first drawn from."""
        self.data = self.data.copy()
        for name, value in hidden.items():
            self.data[self.add_prefix(name)] = value

    def add_service_errors(self, error):
        """Put a ReferralError's messages where they belong: at the field at fault, or at the top
        with every problem it lists."""
        for name, message in error.field_errors.items():
            self.add_error(name if name in self.fields else None, message)
        if not error.field_errors:
            self.add_error(None, str(error))
            for problem in error.problems:
                if problem != str(error):
                    self.add_error(None, problem)


# A contact with carers ----------------------------------------------------------------------------


class ContactForm(SearchForm):
    """What came of ringing a household: an offer (from when, for which children), a refusal and
    why, or no answer."""

    outcome = _radios(
        "What did the carers say?", CONTACT_OUTCOMES.items(), message="Choose what the carers said"
    )
    reason = _radios(
        "Why do they decline?", DECLINE_REASONS.items(), required=False,
        message="Choose why the carers decline",
    )  # fmt: skip
    available_from = GovukDateField(
        label="When can they take the children?",
        required=False,
        help_text="For example, 27 3 2027. Leave it empty if they can take them now.",
    )
    children = forms.MultipleChoiceField(
        label="Which children do they offer a home to?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Brothers and sisters are placed together wherever possible.",
        error_messages={
            "required": "Choose at least one child the carers offer a home to",
            "invalid_choice": "Choose from the children of this referral",
        },
    )
    note = _text(
        "What was said", required=False,
        hint="Anything the social worker should know. Needed when the carers give another reason.",
    )  # fmt: skip

    reveals = {"outcome": {OFFERS: ["available_from", "children"], DECLINES: ["reason"]}}
    required_when_chosen = frozenset({"reason", "children"})

    def __init__(self, data=None, *, children, today=None):
        super().__init__(data)
        self.children_by_pk = {str(child.pk): child for child in children}
        if len(children) > 1:
            self.fields["children"].choices = [
                (str(c.pk), f"{c.full_name}, age {age(c.date_of_birth, today)}") for c in children
            ]
            self.fields["children"].initial = list(self.children_by_pk)
        else:
            del self.fields["children"]
        self.require_chosen()

    def arguments(self):
        """The contact as the service `contact_record` takes it."""
        data = self.cleaned_data
        chosen = data.get("children")
        return {
            "outcome": data["outcome"],
            "reason": data.get("reason", ""),
            "note": data["note"],
            "available_from": data.get("available_from"),
            "children": [self.children_by_pk[pk] for pk in chosen] if chosen else None,
        }


# The social worker and the offer ------------------------------------------------------------------


class ConversationForm(SearchForm):
    """The social worker's conversation with the carers, with the version of the offer it was
    drawn from: a save over a change made since is refused."""

    conversation = _text(
        "Your conversation with the carers",
        hint="What you talked about, what they asked and what you told them about the children.",
    )
    version = _version()

    def __init__(self, data=None, *, offer):
        super().__init__(
            data, initial={"conversation": offer.conversation, "version": offer.version}
        )


class DecisionForm(SearchForm):
    """The social worker's decision on an offer. Declining an in-house offer needs a real reason.
    Once the offer is agreed there is nothing left to choose: the form is the reason to decline."""

    decision = _radios(
        "Do you agree to this home for the children?",
        [(AGREE, "Yes, I agree"), (DECLINE, "No, I decline the offer")],
        message="Choose whether you agree or decline",
    )
    reason = _text(
        "Why you decline", required=False, message="Enter why you decline the offer",
        hint="In-house offers come first: give the reason in full, as you would to the carers.",
    )  # fmt: skip

    passed_over = _text(
        "Why this agency rather than the in-house offer",
        required=False,
        message="Enter why you choose this agency over the in-house offer",
        hint="In-house offers come first: the reason is recorded and reported.",
    )

    reveals = {"decision": {DECLINE: ["reason"]}}
    required_when_chosen = frozenset({"reason"})

    def __init__(self, data=None, *, may_agree=True, passes_over=()):
        """Only declining is left once the offer is agreed (`may_agree` False): the reason alone.
        Agreeing to an agency offer while in-house offers stand (`passes_over`, their households'
        names) asks why."""
        super().__init__(data)
        self.may_agree = may_agree
        if may_agree and passes_over:
            self.reveals = {"decision": {DECLINE: ["reason"], AGREE: ["passed_over"]}}
            self.required_when_chosen = frozenset({"reason", "passed_over"})
            names = " and ".join(passes_over)
            self.fields["passed_over"].help_text = (
                f"In-house offers come first: {names} still "
                f"{'offer' if len(passes_over) > 1 else 'offers'} a home. Your reason is recorded "
                "and reported."
            )
        else:
            del self.fields["passed_over"]
        if not may_agree:
            del self.fields["decision"]
            self.reveals = {}
            reason = self.fields["reason"]
            reason.label, reason.required = "Why you decline the offer now", True
            reason.help_text = (
                "You agreed this home. Say what has changed, in full, as you would to the carers."
            )
        self.require_chosen()

    def arguments(self):
        agree = self.may_agree and self.cleaned_data["decision"] == AGREE
        passed_over = self.cleaned_data.get("passed_over", "") if agree else ""
        return {
            "agree": agree,
            "reason": "" if agree else self.cleaned_data["reason"],
            "passed_over": passed_over,
        }


class WithdrawForm(SearchForm):
    reason = _text(
        "Why the carers withdrew",
        hint="What the carers said, and when.",
        message="Enter why the carers withdrew their offer",
    )


# Consultations ------------------------------------------------------------------------------------


class ConsultationForm(SearchForm):
    """An answer from the social worker or IRO of a child already living with the carers, given in
    Hearth or recorded for them by the search team ("recorded from")."""

    has_concerns = _radios(
        "Are there concerns about these children joining the household?", YES_NO,
        message="Say whether there are concerns",
    )  # fmt: skip
    answer = _text("The answer", hint="What the concerns are, or why there are none.")
    recorded_from = forms.CharField(
        label="Who gave this answer, and how",
        help_text="For example, 'Jo Smith, the child's IRO, by phone on 3 June'.",
        max_length=200,
        required=False,
        error_messages={"max_length": "Who gave this answer must be 200 characters or fewer"},
    )

    def __init__(self, data=None, *, for_someone_else):
        super().__init__(data)
        if for_someone_else:
            self.fields["recorded_from"].required = True
            self.fields["recorded_from"].error_messages["required"] = (
                "Enter who gave this answer, and how"
            )
        else:
            del self.fields["recorded_from"]

    def arguments(self):
        data = self.cleaned_data
        return {
            "has_concerns": data["has_concerns"] == "yes",
            "answer": data["answer"],
            "recorded_from": data.get("recorded_from", ""),
        }


# The matching form --------------------------------------------------------------------------------


SUMMARY_TEXTS = ("why_this_home", "support_plan", "family_time")


def _need_field(need):
    return f"need_{need}"


def _for_need(words, need_label):
    """A question asked once for each need: the need's name, hidden from sight (it heads the
    question already), tells the questions apart to a screen reader."""
    return format_html('{}<span class="govuk-visually-hidden">: {}</span>', words, need_label)


class MatchingFormForm(SearchForm):
    """Each need of the offer's children met by the carers (and how) or a gap (and the support to
    close it), why this home, the support plan and family time. Carries the version it was drawn
    from, so that a save over someone else's is refused."""

    why_this_home = _text(
        "Why this home", required=False,
        hint="What makes these carers right for these children.",
    )  # fmt: skip
    support_plan = _text(
        "Support for the carers and the children", required=False,
        hint="Training, respite, therapy, the supervising social worker's visits.",
    )  # fmt: skip
    family_time = _text(
        "Family time and contact arrangements", required=False,
        hint="Who the children see, how often, where, and who takes them.",
    )  # fmt: skip
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, needs, form=None, skills=()):
        """`needs`: {need tag: names of the offer's children who have it}; `form` the saved
        matching form, if any; a need the carers' `skills` meet is offered as met until the form
        says otherwise."""
        self.needs = list(needs)
        super().__init__(data, initial=self._initial(form, skills))
        self.reveals = {}
        fields = {}
        for need, children in needs.items():
            name, label = _need_field(need), vocabulary.NEEDS.get(need, need)
            fields[name] = _radios(
                label,
                [(MET, "The carers meet this need"), (GAP, "A gap: support is needed")],
                hint=f"Needed by {listed(children)}",
                message=f"Say whether the carers meet this need: {label}",
            )
            fields[f"{name}_how"] = _text(
                _for_need("How the carers meet it", label),
                message=f"{label}: say how the carers meet it",
                name=f"{label}: how the carers meet it",
            )
            fields[f"{name}_support"] = _text(
                _for_need("The support that closes the gap", label),
                message=f"{label}: say the support that closes the gap",
                name=f"{label}: the support that closes the gap",
            )
            self.reveals[name] = {MET: [f"{name}_how"], GAP: [f"{name}_support"]}
        self.fields = {**fields, **self.fields}
        self.required_when_chosen = frozenset(
            field for answers in self.reveals.values() for fields in answers.values()
            for field in fields
        )  # fmt: skip
        self.require_chosen()
        # Half a form may be saved to come back to; sending it for sign-off needs every answer.
        submitting = not self.is_bound or self.data.get("then") == "submit"
        for name in SUMMARY_TEXTS:
            self.fields[name].required = submitting

    def _initial(self, form, skills):
        initial = {}
        if form is not None:
            initial |= {
                "why_this_home": form.why_this_home,
                "support_plan": form.support_plan,
                "family_time": form.family_time,
                "version": form.version,
            }
        met = {entry["need"]: entry.get("how", "") for entry in (form.needs_met if form else [])}
        gaps = {entry["need"]: entry.get("support", "") for entry in (form.gaps if form else [])}
        for need in self.needs:
            name = _need_field(need)
            if need in met:
                initial |= {name: MET, f"{name}_how": met[need]}
            elif need in gaps:
                initial |= {name: GAP, f"{name}_support": gaps[need]}
            else:
                initial[name] = MET if need in skills else GAP
        return initial

    def data_for_service(self):
        """The form's answers as `matching_form_save` takes them. A need left unanswered is in
        neither list, for the service to name."""
        data = self.cleaned_data
        needs_met, gaps = [], []
        for need in self.needs:
            name = _need_field(need)
            if data.get(name) == MET:
                needs_met.append({"need": need, "how": data[f"{name}_how"]})
            elif data.get(name) == GAP:
                gaps.append({"need": need, "support": data[f"{name}_support"]})
        return {
            "needs_met": needs_met,
            "gaps": gaps,
            "why_this_home": data["why_this_home"],
            "support_plan": data["support_plan"],
            "family_time": data["family_time"],
        }


class SignOffForm(SearchForm):
    """The sign-off, with the version of the matching form the signer read."""

    comment = _text(
        "Your comment", required=False,
        hint="Needed where anyone asked had concerns: say how they are answered.",
    )  # fmt: skip
    form_version = _version()

    def __init__(self, data=None, *, form_version):
        super().__init__(data, initial={"form_version": form_version})


# Brothers and sisters -----------------------------------------------------------------------------


def _part_field(child):
    return f"part_{child.pk}"


class SplitProposalForm(SearchForm):
    """Which children stay together: each child is given a part (1, 2, ...), with the reason."""

    reason = _text(
        "Why the children cannot all live together",
        hint="What the search found, and why these children stay together.",
    )

    def __init__(self, data=None, *, children, initial=None, today=None):
        self.children = list(children)
        super().__init__(data, initial=initial)
        parts = [(str(n), f"Part {n}") for n in range(1, len(self.children) + 1)]
        fields = {
            _part_field(child): _radios(
                f"{child.full_name}, age {age(child.date_of_birth, today)}",
                parts,
                message=f"Choose which part {child.full_name} is in",
            )
            for child in self.children
        }
        self.fields = {**fields, **self.fields}

    def parts(self):
        """The children of each part, parts in number order, empty parts left out."""
        numbered = {}
        for child in self.children:
            numbered.setdefault(int(self.cleaned_data[_part_field(child)]), []).append(child)
        return [numbered[number] for number in sorted(numbered)]


def split_initial(parts):
    """The proposal form's answers for a suggested split: {child pk: part number}."""
    return {
        f"part_{child.pk}": str(number)
        for number, children in enumerate(parts, 1)
        for child in children
    }


class SplitAgreementForm(SearchForm):
    as_role = _radios(
        "You agree as", [("social_worker", "Social worker"), ("team_manager", "Team manager")],
        message="Choose whether you agree as social worker or as team manager",
    )  # fmt: skip
    comment = _text("Your comment", required=False)

    def __init__(self, data=None, *, roles):
        super().__init__(data)
        if len(roles) == 1:
            self.fields["as_role"].widget = forms.HiddenInput()
            self.fields["as_role"].initial = roles[0]
        self.fields["as_role"].choices = [
            choice for choice in self.fields["as_role"].choices if choice[0] in roles
        ]
