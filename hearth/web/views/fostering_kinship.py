"""Kinship: viability assessments asked for by a child's social worker and decided jointly, and
Regulation 24 temporary approvals with their Regulation 25 extensions (the extension itself goes
through the panel: `fostering_panel_item_add` with the business "extension").

Who may see the records is the access functions' business (404 outside the council, audited);
who may take each step is `hearth.fostering.kinship` (403 with the reason, audited).
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import child_for_user, fostering_record_for_user
from hearth.accounts.roles import Capability, Role
from hearth.fostering import kinship, lifecycle, permissions
from hearth.fostering.common import staff_of
from hearth.fostering.models import Assessment, ViabilityAssessment
from hearth.web.decorators import requires
from hearth.web.editing import audit_list_shown, audit_shown
from hearth.web.forms import GovukDateField, GovukForm
from hearth.web.presenters import date_time, long_date
from hearth.web.views._stability_common import posted
from hearth.web.views.fostering_panel import (
    Versioned,
    attempt,
    councils_for,
    not_in_future,
    refused,
    step_page,
)

RECOMMENDATIONS = [
    ("proceed", "Go ahead with a full assessment"),
    ("not_proceed", "Do not go ahead"),
]


def _viability(request, pk, write=False):
    return fostering_record_for_user(
        request.user, ViabilityAssessment, pk, write=write, request=request,
        queryset=ViabilityAssessment.objects.select_related(
            "authority__policy", "child__authority__policy", "child__team", "household",
            "requested_by",
            "assessor", "decided_by_child_team", "decided_by_fostering",
        ),
    )  # fmt: skip


def _link(viability):
    return kinship.viability_link(viability)


def _back(viability):
    return {"back_url": _link(viability), "back_text": "The viability assessment"}


def _refused(request, viability, detail, reason):
    return refused(
        request, record_type="viabilityassessment", record_id=viability.pk, detail=detail,
        reason=reason, **_back(viability),
    )  # fmt: skip


def _caption(viability):
    return f"{viability.household.name}, {viability.relationship.lower()} of {viability.child.full_name}"


# The list --------------------------------------------------------------------------------------------


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def kinship_list(request):
    authority, councils = councils_for(request, kinship.why_not_read)
    today = timezone.localdate()
    viabilities = list(kinship.viabilities([authority.pk])[:200])
    approvals = kinship.approvals_shown(list(kinship.temporary_approvals([authority.pk])), today)
    audit_list_shown(
        request, "household", len(viabilities) + len(approvals), "kinship assessments list"
    )
    context = {
        "authority": authority,
        "councils": councils,
        "viabilities": [
            {
                "viability": v,
                "requested": date_time(v.requested_at),
                "open": v.status in (v.Status.REQUESTED, v.Status.COMPLETED),
            }
            for v in viabilities
        ],
        "approvals": approvals,
    }
    return render(request, "fostering/kinship/list.html", context)


# Asking for a viability assessment ------------------------------------------------------------------


class RequestForm(GovukForm):
    first_name = forms.CharField(
        label="Their first name", max_length=100,
        error_messages={"required": "Enter the relative's or friend's first name"},
    )  # fmt: skip
    last_name = forms.CharField(
        label="Their last name", max_length=100,
        error_messages={"required": "Enter the relative's or friend's last name"},
    )  # fmt: skip
    relationship = forms.CharField(
        label="Relationship to the child", max_length=100, help_text="For example, maternal aunt",
        error_messages={"required": "Say how they are related to the child"},
    )  # fmt: skip
    postcode = forms.CharField(
        label="Their postcode", max_length=8, error_messages={"required": "Enter their postcode"}
    )
    phone = forms.CharField(label="Their phone number", max_length=40, required=False)


@requires(Capability.VIEW_CHILDREN, record="child")
@require_http_methods(["GET", "POST"])
def viability_new(request, pk):
    child = child_for_user(request.user, pk, request=request, audit_view=request.method == "GET")
    back = {"back_url": reverse("child", args=[child.pk]), "back_text": child.full_name}
    reason = kinship.why_not_request(request.user, child)
    if reason:
        return refused(
            request, record_type="child", record_id=child.pk,
            detail="ask for a viability assessment", reason=reason, **back,
        )  # fmt: skip
    form = RequestForm(posted(request))
    if request.method == "POST" and form.is_valid():
        viability = attempt(
            form, kinship.viability_request, by=request.user, child=child, request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if viability is not None:
            messages.success(
                request, "The viability assessment is asked for: it is with the fostering team "
                "managers",
            )  # fmt: skip
            return redirect(_link(viability))
    return step_page(
        request, form, title="Ask for a viability assessment", button="Ask for the assessment",
        caption=f"{child.full_name} ({child.reference})",
        intro=["A viability assessment looks at whether a relative or friend could care for the "
               "child. The manager of the child's team and a fostering team manager then "
               "decide together whether a full (Form K) assessment goes ahead."],
        **back,
    )  # fmt: skip


# The viability assessment's page --------------------------------------------------------------------


@requires(Capability.VIEW_HOUSEHOLDS, record="viabilityassessment")
@require_GET
def viability_page(request, pk):
    viability = _viability(request, pk)
    reason = kinship.why_not_read(request.user, viability.authority_id)
    if reason:
        return refused(
            request, record_type="viabilityassessment", record_id=viability.pk,
            detail="see a viability assessment", reason=reason, back_url=reverse("home"),
            back_text="Home",
        )  # fmt: skip
    audit_shown(request, "child", viability.child, viability.authority)
    user, today = request.user, timezone.localdate()
    approvals = kinship.approvals_shown(
        list(kinship.temporary_approvals([viability.authority_id]).filter(viability=viability)),
        today,
    )
    assessment = (
        Assessment.objects.filter(household_id=viability.household_id, kind=Assessment.Kind.FORM_K)
        .select_related("application")
        .order_by("-started_on", "-pk")
        .first()
    )
    context = {
        "viability": viability,
        "assessment": assessment,
        "assessment_started": long_date(assessment.started_on) if assessment else "",
        "requested": date_time(viability.requested_at),
        "completed_on": long_date(viability.completed_on) if viability.completed_on else "",
        "decided_on": long_date(viability.decided_on) if viability.decided_on else "",
        "agreed": kinship.decision_words(viability),
        "approvals": approvals,
        "may_record": kinship.why_not_record_outcome(user, viability) is None,
        "may_decide": kinship.why_not_decide(user, viability) is None,
        "may_start": kinship.why_not_start_assessment(user, viability) is None,
        "may_ask": kinship.why_not_ask_temporary(user, viability) is None,
        "asked": kinship.temporary_approval_asked(viability),
        "may_approve": kinship.why_not_approve_temporary(user, viability) is None,
        # Why Regulation 24 approval is not offered (carers approved, or who left...), said where
        # the button would be; not once an approval is shown.
        "temporary_unavailable": (
            kinship.why_not_temporary(viability)
            if viability.status == viability.Status.PROCEED and not approvals
            else None
        ),
    }
    return render(request, "fostering/kinship/viability.html", context)


class AssessorChoice:
    """A form's choice of a member of staff (`staff`, by name), at the field "assessor"."""

    def choose_from(self, staff, label, required_message):
        self.staff = {str(u.pk): u for u in staff}
        self.fields["assessor"] = forms.ChoiceField(
            label=label, error_messages={"required": required_message},
            choices=[("", "Choose")] + [(str(u.pk), u.display_name) for u in staff],
        )  # fmt: skip

    def assessor(self):
        return self.staff[self.cleaned_data["assessor"]]


class OutcomeForm(AssessorChoice, Versioned):
    recommendation = forms.ChoiceField(
        label="Recommendation", choices=RECOMMENDATIONS, widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the assessment recommends going ahead"},
    )  # fmt: skip
    summary = forms.CharField(
        label="Summary", widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Summarise what the assessment found"},
    )  # fmt: skip
    completed_on = GovukDateField(
        label="Completed on", error_messages={"required": "Enter the date it was completed"}
    )

    def __init__(self, data, *, staff, **kwargs):
        super().__init__(data, **kwargs)
        self.choose_from(staff, "Assessed by", "Choose who assessed")
        self.order_fields(["assessor", "recommendation", "summary", "completed_on"])

    def clean_completed_on(self):
        return not_in_future(self.cleaned_data["completed_on"], "The date it was completed")


@requires(Capability.VIEW_HOUSEHOLDS, record="viabilityassessment")
@require_http_methods(["GET", "POST"])
def viability_outcome(request, pk):
    viability = _viability(request, pk, write=True)
    reason = kinship.why_not_record_outcome(request.user, viability)
    if reason:
        return _refused(request, viability, "record a viability assessment", reason)
    staff = list(staff_of(viability.authority_id, permissions.ASSESSORS))
    initial = {"version": viability.version, "assessor": viability.assessor_id or request.user.pk,
               "recommendation": viability.recommendation, "summary": viability.summary,
               "completed_on": viability.completed_on or timezone.localdate()}  # fmt: skip
    form = OutcomeForm(posted(request), staff=staff, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form, kinship.viability_record, by=request.user, viability=viability,
            assessor=form.assessor(), recommendation=data["recommendation"],
            summary=data["summary"], completed_on=data["completed_on"],
            expected_version=data["version"], request=request,
        )  # fmt: skip
        if saved is not None:
            messages.success(
                request, "The assessment is recorded: the manager of the child's team and a "
                "fostering team manager now decide together",
            )  # fmt: skip
            return redirect(_link(saved))
    audit_shown(request, "child", viability.child, viability.authority)
    return step_page(
        request, form, title="Record the viability assessment", button="Record it",
        caption=_caption(viability), **_back(viability),
    )  # fmt: skip


class DecisionForm(Versioned):
    agree = forms.ChoiceField(
        label="Do you agree a full (Form K) assessment should go ahead?", widget=forms.RadioSelect,
        choices=[("yes", "Yes, go ahead"), ("no", "No, do not go ahead")],
        error_messages={"required": "Choose whether you agree"},
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 4}), required=False,
        help_text="Needed when you do not agree",
    )  # fmt: skip
    on = GovukDateField(label="Date", error_messages={"required": "Enter the date"})

    def clean_on(self):
        return not_in_future(self.cleaned_data["on"], "The date of the decision")


@requires(Capability.VIEW_HOUSEHOLDS, record="viabilityassessment")
@require_http_methods(["GET", "POST"])
def viability_decision(request, pk):
    viability = _viability(request, pk, write=True)
    reason = kinship.why_not_decide(request.user, viability)
    if reason:
        return _refused(request, viability, "decide on a viability assessment", reason)
    form = DecisionForm(
        posted(request), initial={"version": viability.version, "on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form, kinship.viability_decide, by=request.user, viability=viability,
            agree=data["agree"] == "yes", reason=data["reason"], on=data["on"],
            expected_version=data["version"], request=request,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, {
                "proceed": "Both sides agree: the full assessment goes ahead",
                "not_proceed": "The full assessment does not go ahead",
            }.get(saved.status, "Your agreement is recorded: the other side decides too"))  # fmt: skip
            return redirect(_link(saved))
    audit_shown(request, "child", viability.child, viability.authority)
    facts = [
        ("Recommendation", dict(RECOMMENDATIONS).get(viability.recommendation, "")),
        ("Summary", viability.summary),
        ("Agreed so far", "; ".join(kinship.decision_words(viability)) or "No one yet"),
    ]
    return step_page(
        request, form, title="Decide on the viability assessment", button="Record my decision",
        caption=_caption(viability), facts=facts,
        intro=["The decision is joint: the manager of the child's team (or a service lead) "
               "and a fostering team manager each record theirs. It goes ahead when both "
               "agree."],
        **_back(viability),
    )  # fmt: skip


# After a decision to go ahead --------------------------------------------------------------------


ASSESSOR_LABEL = "Assessor (a supervising social worker)"


def consent_field():
    """The connected people's consent to the statutory checks: their application is made as the
    Form K assessment starts, and needs it."""
    return forms.BooleanField(
        label="They consent to the statutory checks", required=True,
        help_text="DBS, medical, local authority, references, ex-partners and employers: the "
        "application and its checks are recorded with the assessment",
        error_messages={"required": kinship.CONSENT_NEEDED},
    )  # fmt: skip


class StartForm(AssessorChoice, GovukForm):
    started_on = GovukDateField(
        label="Start date", error_messages={"required": "Enter the start date"}
    )

    def __init__(self, data, *, staff, **kwargs):
        super().__init__(data, **kwargs)
        self.choose_from(staff, ASSESSOR_LABEL, "Choose who will assess")
        self.fields["consent_to_checks"] = consent_field()
        self.order_fields(["assessor", "started_on", "consent_to_checks"])

    def clean_started_on(self):
        return not_in_future(self.cleaned_data["started_on"], "The start date")


def _assessors(viability):
    return list(staff_of(viability.authority_id, [Role.SUPERVISING_SOCIAL_WORKER]))


@requires(Capability.VIEW_HOUSEHOLDS, record="viabilityassessment")
@require_http_methods(["GET", "POST"])
def viability_assessment(request, pk):
    viability = _viability(request, pk, write=True)
    reason = kinship.why_not_start_assessment(request.user, viability)
    if reason:
        return _refused(request, viability, "start a Form K assessment", reason)
    form = StartForm(
        posted(request), staff=_assessors(viability), initial={"started_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = attempt(
            form, kinship.kinship_assessment_start, by=request.user, viability=viability,
            assessor=form.assessor(), started_on=data["started_on"],
            consent_to_checks=data["consent_to_checks"], request=request,
        )  # fmt: skip
        if assessment is not None:
            messages.success(
                request, f"The Form K assessment has started: due {long_date(assessment.due_on)}. "
                "Record the statutory checks on its application",
            )  # fmt: skip
            return redirect(_link(viability))
    weeks, _unit = viability.authority.policy.timescale("assessment")
    return step_page(
        request, form, title="Start the Form K assessment", button="Start the assessment",
        caption=_caption(viability),
        intro=[f"The assessment is due within {weeks} weeks of its start, by the council's policy.",
               "Starting it makes the connected people's application, with the six statutory "
               "checks to record as for any applicant: every check must be back before panel."],
        **_back(viability),
    )  # fmt: skip


class AskForm(GovukForm):
    note = forms.CharField(
        label="Why the placement is urgent", widget=forms.Textarea(attrs={"rows": 4}),
        required=False, max_length=500,
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS, record="viabilityassessment")
@require_http_methods(["GET", "POST"])
def temporary_approval_ask(request, pk):
    viability = _viability(request, pk, write=True)
    reason = kinship.why_not_ask_temporary(request.user, viability)
    if reason:
        return _refused(request, viability, "ask for Regulation 24 approval", reason)
    form = AskForm(posted(request))
    if request.method == "POST" and form.is_valid():
        item = attempt(
            form, kinship.temporary_approval_ask, by=request.user, viability=viability,
            note=form.cleaned_data["note"], request=request,
        )  # fmt: skip
        if item is not None:
            messages.success(
                request, "The agency decision maker is asked for Regulation 24 approval"
            )
            return redirect(_link(viability))
    return step_page(
        request, form, title="Ask for Regulation 24 approval", button="Ask the agency decision maker",
        caption=_caption(viability),
        intro=["Regulation 24 lets the agency decision maker approve a relative or friend "
               "temporarily, for a named child, before an urgent placement. The full assessment "
               "then has to be finished within the council's policy time."],
        **_back(viability),
    )  # fmt: skip


class TemporaryForm(AssessorChoice, GovukForm):
    named_child = forms.BooleanField(
        label="Approve them for the named child", required=False,
        help_text="An approval without a named child is flagged",
    )  # fmt: skip
    approved_on = GovukDateField(
        label="Date of approval", error_messages={"required": "Enter the date of approval"}
    )
    min_age = forms.IntegerField(label="Youngest age", min_value=0, max_value=17)
    max_age = forms.IntegerField(label="Oldest age", min_value=0, max_value=17)
    max_children = forms.IntegerField(label="Number of children", min_value=1, max_value=6)
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, data, *, staff, asks_consent, **kwargs):
        super().__init__(data, **kwargs)
        self.choose_from(staff, ASSESSOR_LABEL, "Choose who will do the full assessment")
        self.fields["assessor"].help_text = "Who does the full (Form K) assessment"
        if asks_consent:  # the assessment starts now, with their application
            self.fields["consent_to_checks"] = consent_field()
        self.order_fields(["named_child", "approved_on", "min_age", "max_age", "max_children",
                           "assessor", "consent_to_checks"])  # fmt: skip

    def clean_approved_on(self):
        return not_in_future(self.cleaned_data["approved_on"], "The date of approval")


@requires(Capability.VIEW_HOUSEHOLDS, record="viabilityassessment")
@require_http_methods(["GET", "POST"])
def temporary_approval_new(request, pk):
    viability = _viability(request, pk, write=True)
    reason = kinship.why_not_approve_temporary(request.user, viability)
    if reason:
        return _refused(request, viability, "give Regulation 24 approval", reason)
    child = viability.child
    under_way = Assessment.objects.filter(
        household_id=viability.household_id, status__in=lifecycle.OPEN_ASSESSMENT
    ).first()
    initial = {"named_child": True, "approved_on": timezone.localdate(), "min_age": 0,
               "max_age": 17, "max_children": 1,
               "assessor": under_way.assessor_id if under_way else None}  # fmt: skip
    form = TemporaryForm(
        posted(request), staff=_assessors(viability), initial=initial,
        asks_consent=kinship.asks_consent(viability.household),
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        approval = attempt(
            form, kinship.temporary_approve, by=request.user, viability=viability,
            child=child if data["named_child"] else None, approved_on=data["approved_on"],
            reason=data["reason"], min_age=data["min_age"], max_age=data["max_age"],
            max_children=data["max_children"], assessor=form.assessor(),
            consent_to_checks=data.get("consent_to_checks"), request=request,
        )  # fmt: skip
        if approval is not None:
            messages.success(
                request, "Temporary approval is given: the full assessment is due by "
                f"{long_date(approval.assessment_due_on)}",
            )  # fmt: skip
            return redirect(_link(viability))
    audit_shown(request, "child", child, viability.authority)
    weeks, _unit = viability.authority.policy.timescale("reg24_assessment")
    form.fields["named_child"].label = f"Approve them for the named child, {child.full_name}"
    return step_page(
        request, form, title="Give Regulation 24 temporary approval", button="Give approval",
        caption=_caption(viability),
        intro=[f"The full assessment is then due within {weeks} weeks of the approval; the panel "
               "may extend it once (Regulation 25)."],
        **_back(viability),
    )  # fmt: skip


urlpatterns = [
    path("fostering/kinship/", kinship_list, name="fostering_kinship"),
    path("children/<int:pk>/viability/new/", viability_new, name="fostering_viability_new"),
    path("fostering/kinship/viability/<int:pk>/", viability_page, name="fostering_viability"),
    path(
        "fostering/kinship/viability/<int:pk>/outcome/",
        viability_outcome,
        name="fostering_viability_outcome",
    ),
    path(
        "fostering/kinship/viability/<int:pk>/decision/",
        viability_decision,
        name="fostering_viability_decision",
    ),
    path(
        "fostering/kinship/viability/<int:pk>/assessment/",
        viability_assessment,
        name="fostering_viability_assessment",
    ),
    path(
        "fostering/kinship/viability/<int:pk>/regulation-24/ask/",
        temporary_approval_ask,
        name="fostering_temporary_approval_ask",
    ),
    path(
        "fostering/kinship/viability/<int:pk>/regulation-24/",
        temporary_approval_new,
        name="fostering_temporary_approval_new",
    ),
]
