"""Holds, allegations (with the Local Authority Designated Officer, LADO) and carers leaving
fostering, on screen. Each step is one service of `hearth.fostering.holds`; the lists are for the
fostering service's readers (`permissions.READERS`)."""

from functools import partial

from django import forms
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import (
    children_for_user,
    fostering_records_for_user,
)
from hearth.accounts.roles import Capability
from hearth.fostering import holds, support, vocabulary
from hearth.fostering.models import Allegation, Hold
from hearth.people.models import Household
from hearth.web.decorators import requires
from hearth.web.presenters import long_date
from hearth.web.views._stability_common import posted, take_step
from hearth.web.views.fostering_support import (
    StepForm,
    date_field,
    day,
    fostering_household,
    fostering_record,
    readers_only,
    refused,
    step_page,
    text_field,
    version_field,
)


def _not_future(form, name, message):
    value = form.cleaned_data[name]
    if value is not None and value > timezone.localdate():
        raise forms.ValidationError(message)
    return value


# Holds --------------------------------------------------------------------------------------------


class HoldForm(StepForm):
    reason = forms.ChoiceField(
        label="Why are the carers on hold?", choices=Household.HoldReason.choices,
        widget=forms.RadioSelect, error_messages={"required": "Choose why the carers are on hold"},
    )  # fmt: skip
    on = date_field("On hold from", message="Enter the date the hold starts")
    note = text_field("Note")

    def clean_on(self):
        return _not_future(self, "on", "The hold cannot start in the future")


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_hold_new(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="put carers on hold")
    reason = holds.why_not_hold(request.user, household)
    if reason is not None:
        return no(reason)
    form = HoldForm(posted(request), initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, holds.hold_put, household=household, reason=data["reason"],
            on=data["on"], note=data["note"], refused=no,
            message=f"{household.name} is on hold: no search offers them until the hold is lifted",
            to=support.household_link(household),
        )  # fmt: skip
        if response is not None:
            return response
    return step_page(
        request, title="Put the carers on hold", household=household, form=form,
        submit="Put on hold",
        intro=["While the carers are on hold, no search offers them to a child."],
    )  # fmt: skip


class LiftForm(StepForm):
    on = date_field("Hold lifted on", message="Enter the date the hold is lifted")
    confirm = forms.BooleanField(
        label="I confirm the hold is lifted while the allegation is open", required=False
    )

    def __init__(self, *args, allegation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if allegation is None:
            del self.fields["confirm"]

    def clean_on(self):
        return _not_future(self, "on", "The date cannot be in the future")


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_hold_lift(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="lift a hold")
    reason = holds.why_not_lift(request.user, household)
    hold = holds.open_hold(household)
    if reason is None and hold is None:
        reason = f"{household.name} is not on hold"
    if reason is not None:
        return no(reason)
    allegations = list(holds.open_allegations(household).order_by("received_on", "pk"))
    first = allegations[0] if allegations else None
    form = LiftForm(posted(request), allegation=first, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        response = take_step(
            request, form, holds.hold_lift, household=household, on=form.cleaned_data["on"],
            confirmed=form.cleaned_data.get("confirm", False), refused=no,
            message=f"The hold is lifted: {household.name} can be offered again",
            to=support.household_link(household),
        )  # fmt: skip
        if response is not None:
            return response
    warnings = [f"An allegation is still open ({holds.allegation_words(a)})." for a in allegations]
    return step_page(
        request, title="Lift the hold", household=household, form=form, submit="Lift the hold",
        warnings=warnings,
        facts=[
            ("Reason", hold.get_reason_display()),
            ("On hold since", day(hold.started_on)),
            ("Open allegations", str(len(allegations)) if allegations else "None"),
        ],
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def fostering_holds(request):
    authority, context = readers_only(request)
    on_hold = (
        fostering_records_for_user(request.user, Hold)
        .filter(authority=authority, ended_on__isnull=True)
        .select_related("household")
        .order_by("started_on", "pk")
    )
    allegations = (
        fostering_records_for_user(request.user, Allegation)
        .filter(authority=authority, closed_on__isnull=True)
        .select_related("household")
        .order_by("received_on", "pk")
    )
    context |= {
        "holds": [{"hold": h, "since": day(h.started_on)} for h in on_hold],
        "allegations": [
            {"allegation": a, "received": day(a.received_on),
             "lado": day(a.lado_consulted_on) or "Not yet"}
            for a in allegations
        ],
    }  # fmt: skip
    return render(request, "fostering/holds/holds.html", context)


# Allegations ---------------------------------------------------------------------------------------


class AllegationForm(StepForm):
    received_on = date_field("Date of the allegation", message="Enter the date it was made")
    summary = text_field("What is alleged", required=True, message="Say what is alleged")
    child = forms.CharField(
        label="The child's reference", required=False, max_length=40,
        help_text="The child the allegation concerns, if any",
    )  # fmt: skip
    put_on_hold = forms.BooleanField(
        label="Put the carers on hold now", required=False, initial=True,
        help_text="No search offers them to a child until the hold is lifted.",
    )  # fmt: skip

    def __init__(self, *args, children, **kwargs):
        super().__init__(*args, **kwargs)
        self.children = children

    def clean_received_on(self):
        return _not_future(self, "received_on", "The allegation cannot be in the future")

    def clean_child(self):
        reference = self.cleaned_data["child"].strip()
        if not reference:
            return None
        child = self.children.filter(reference=reference).first()
        if child is None:
            raise forms.ValidationError(f"No child of the council has the reference {reference}")
        return child


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_allegation_new(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="record an allegation")
    reason = holds.why_not_allegation(request.user, household)
    if reason is not None:
        return no(reason)
    initial = {"received_on": timezone.localdate(), "put_on_hold": True}
    children = children_for_user(request.user).filter(authority=household.provider)
    form = AllegationForm(posted(request), children=children, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, holds.allegation_record, household=household,
            received_on=data["received_on"], summary=data["summary"], child=data["child"],
            put_on_hold=data["put_on_hold"], refused=no,
            message="The allegation is recorded: the fostering team managers are asked to "
            "consult the LADO",
            to=lambda allegation: reverse("fostering_allegation", args=[allegation.pk]),
        )  # fmt: skip
        if response is not None:
            return response
    return step_page(
        request, title="Record an allegation", household=household, form=form,
        submit="Record the allegation",
    )  # fmt: skip


class AllegationUpdateForm(StepForm):
    version = version_field()
    lado_consulted_on = date_field("LADO consulted on", required=False)
    lado_reference = forms.CharField(label="LADO reference", required=False, max_length=100)
    lado_advice = text_field("The LADO's advice")
    outcome = forms.ChoiceField(
        label="Outcome", required=False,
        choices=[("", "Not known yet"), *vocabulary.ALLEGATION_OUTCOMES],
    )  # fmt: skip
    closed_on = date_field("Closed on", required=False, hint="Closing needs the outcome")

    def clean_lado_consulted_on(self):
        return _not_future(self, "lado_consulted_on", "The consultation cannot be in the future")

    def clean_closed_on(self):
        return _not_future(self, "closed_on", "The date closed cannot be in the future")


def _allegation_facts(allegation):
    facts = [
        ("Received", day(allegation.received_on)),
        ("What is alleged", allegation.summary),
        ("Child", allegation.child.reference if allegation.child else "None named"),
        ("Put on hold", "Yes" if allegation.hold_id else "No"),
    ]
    if allegation.closed_on:
        facts += [
            ("LADO consulted on", day(allegation.lado_consulted_on)),
            ("LADO reference", allegation.lado_reference or "None"),
            ("LADO's advice", allegation.lado_advice or "None recorded"),
            ("Outcome", allegation.get_outcome_display()),
            ("Closed on", day(allegation.closed_on)),
        ]
    return facts


@requires(Capability.VIEW_HOUSEHOLDS, record="allegation")
@require_http_methods(["GET", "POST"])
def fostering_allegation(request, pk):
    allegation = fostering_record(
        request, Allegation, pk,
        queryset=Allegation.objects.select_related("household__provider", "child"),
    )  # fmt: skip
    household = allegation.household
    no = partial(refused, request, household=household, detail="update an allegation")
    reason = holds.why_not_allegation(request.user, household)
    form = None
    if reason is None and allegation.closed_on is None:
        initial = {
            "version": allegation.version, "lado_consulted_on": allegation.lado_consulted_on,
            "lado_reference": allegation.lado_reference, "lado_advice": allegation.lado_advice,
            "outcome": allegation.outcome,
        }  # fmt: skip
        form = AllegationUpdateForm(posted(request), initial=initial)
    if request.method == "POST":
        if form is None:
            return no(reason or "The allegation is closed")
        if form.is_valid():
            data = form.cleaned_data
            response = take_step(
                request, form, holds.allegation_update, allegation=allegation,
                lado_consulted_on=data["lado_consulted_on"],
                lado_reference=data["lado_reference"], lado_advice=data["lado_advice"],
                outcome=data["outcome"], closed_on=data["closed_on"],
                expected_version=data["version"], refused=no,
                message=lambda saved: "The allegation is closed" if saved.closed_on
                else "The allegation is updated",
                to=support.household_link(household),
            )  # fmt: skip
            if response is not None:
                return response
    title = f"Allegation received {long_date(allegation.received_on)}"
    return step_page(
        request, title=title, household=household, form=form, submit="Save",
        facts=_allegation_facts(allegation),
    )  # fmt: skip


# Leaving fostering ------------------------------------------------------------------------------------


class ResignationForm(StepForm):
    reason = forms.ChoiceField(
        label="Why are they leaving?", choices=[("", "Choose a reason"), *vocabulary.EXIT_REASONS],
        error_messages={"required": "Choose why the carers are leaving"},
    )  # fmt: skip
    on = date_field("Leaving on", message="Enter the date they leave")
    note = text_field("Note")

    def clean_on(self):
        return _not_future(self, "on", "The date cannot be in the future")


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def fostering_resignation(request, pk):
    household = fostering_household(request, pk, write=True)
    no = partial(refused, request, household=household, detail="record a resignation")
    reason = holds.why_not_exit(request.user, household)
    if reason is not None:
        return no(reason)
    form = ResignationForm(posted(request), initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        response = take_step(
            request, form, holds.resignation_record, household=household, reason=data["reason"],
            on=data["on"], note=data["note"], refused=no,
            message=f"{household.name} have resigned: they are no longer approved to foster",
            to=support.household_link(household),
        )  # fmt: skip
        if response is not None:
            return response
    return step_page(
        request, title="Record a resignation", household=household, form=form,
        submit="Record the resignation",
        intro=[
            "The carers' approval ends on the day they leave. To end an approval the carers have "
            "not asked to end, propose their deregistration to the fostering panel instead."
        ],
        panel_link=True,
    )  # fmt: skip


urlpatterns = [
    path("fostering/holds/", fostering_holds, name="fostering_holds"),
    path("fostering/households/<int:pk>/hold/", fostering_hold_new, name="fostering_hold_new"),
    path(
        "fostering/households/<int:pk>/hold/lift/", fostering_hold_lift,
        name="fostering_hold_lift",
    ),
    path(
        "fostering/households/<int:pk>/allegations/new/", fostering_allegation_new,
        name="fostering_allegation_new",
    ),
    path("fostering/allegations/<int:pk>/", fostering_allegation, name="fostering_allegation"),
    path(
        "fostering/households/<int:pk>/resignation/", fostering_resignation,
        name="fostering_resignation",
    ),
]  # fmt: skip
