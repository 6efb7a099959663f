"""The fostering panel: its sittings, their agenda, the recommendation on the day, the minutes, and
the agency decision maker's decision with the approval terms and the appeal window.

Who may see the panel's records is the access functions' business (404 outside the council,
audited); who may take each step is `hearth.fostering.panel` (403 with the reason, audited). Each
step is one service of `hearth.fostering.panel`.
"""

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import (
    fostering_record_for_user,
    organisations_granting,
)
from hearth.accounts.roles import Capability
from hearth.fostering import lifecycle, panel, permissions, vocabulary
from hearth.fostering.common import EditConflict, StepRefused, staff_of
from hearth.fostering.models import Panel, PanelItem
from hearth.people import vocabulary as people_vocabulary
from hearth.web.decorators import requires
from hearth.web.editing import audit_list_shown
from hearth.web.forms import GovukDateField, GovukForm
from hearth.web.presenters import date_time, long_date
from hearth.web.views._fostering_common import reading_council
from hearth.web.views._stability_common import CONFLICT, deny, posted

CARE_TYPES = [
    *people_vocabulary.PLACEMENT_TYPES.items(),
    ("kinship", "Kinship (family and friends)"),
]
BUSINESS_WORDS = dict(vocabulary.PANEL_BUSINESS)
SLUGS = {
    "assessment": "assessment",
    "first-review": "first_review",
    "deregistration": "deregistration",
    "extension": "extension",
    "change-of-terms": "change_of_terms",
}
# What "approve" and "not approve" mean for each piece of business, on the screens.
OUTCOME_WORDS = {
    "assessment": ("Approve them as foster carers", "Do not approve them"),
    "first_review": ("Continue their approval", "Do not continue it as it stands"),
    "deregistration": ("Deregister them", "Do not deregister them"),
    "extension": ("Extend the assessment", "Do not extend it"),
    "change_of_terms": ("Change their terms", "Do not change them"),
}
RECOMMENDATION_WORDS = {
    "assessment": ("Recommends approval", "Does not recommend approval"),
    "first_review": ("Recommends their approval continues", "Does not recommend it continues"),
    "deregistration": ("Recommends deregistration", "Does not recommend deregistration"),
    "extension": ("Recommends the extension", "Does not recommend the extension"),
    "change_of_terms": ("Recommends the new terms", "Does not recommend a change"),
}


# What the fostering views share ----------------------------------------------------------------


def refused(request, *, record_type, record_id, detail, reason, back_url, back_text):
    """403 with the reason, the attempt audited."""
    deny(request, record_type, record_id, detail)
    context = {"reason": reason, "back_url": back_url, "back_text": back_text}
    return render(request, "fostering/panel/not_allowed.html", context, status=403)


def councils_for(request, why_not_read):
    """The council whose list to show (?council=ONS code among those the user may read), and the
    councils to choose from; 404 for someone who may read none. For the kinship pages, whose
    readers (`why_not_read`) include children's social workers; the panel's pages read the
    fostering service's councils (`_fostering_common.reading_council`)."""
    councils = [
        c
        for c in organisations_granting(request.user, Capability.VIEW_HOUSEHOLDS)
        if c.is_authority and why_not_read(request.user, c.pk) is None
    ]
    if not councils:
        raise Http404("No such page")
    chosen = request.GET.get("council", "")
    authority = next((c for c in councils if c.ons_code == chosen), councils[0])
    return authority, councils if len(councils) > 1 else []


def attempt(form, service, **arguments):
    """Call the service; its refusal goes on the form (at the field at fault), and None is
    returned. Nothing is written when it refuses."""
    try:
        return service(**arguments)
    except StepRefused as error:
        form.add_error(error.field if error.field in form.fields else None, error.message)
    except EditConflict:
        form.add_error(None, CONFLICT)
    return None


def step_page(request, form, *, title, button, back_url, back_text, caption="", intro=(),
              facts=(), status=200):  # fmt: skip
    context = {
        "form": form, "title": title, "button": button, "back_url": back_url,
        "back_text": back_text, "caption": caption, "intro": intro, "facts": facts,
    }  # fmt: skip
    return render(request, "fostering/panel/step.html", context, status=status)


def not_in_future(value, what):
    if value and value > timezone.localdate():
        raise forms.ValidationError(f"{what} must be today or in the past")
    return value


class Versioned(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


# Sittings ----------------------------------------------------------------------------------------


def _panel_link(panel_):
    return reverse("fostering_panel", args=[panel_.pk])


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def panels(request):
    authority, councils = reading_council(request)
    today = timezone.localdate()
    sittings = list(
        panel.panels_of([authority.pk]).filter(sits_on__gte=today - timedelta(days=365))
    )
    counts = {}
    business = PanelItem.objects.filter(panel__in=sittings, withdrawn_on__isnull=True)
    for item in business.values("panel_id", "decision"):
        counts.setdefault(item["panel_id"], [0, 0])
        counts[item["panel_id"]][0] += 1
        counts[item["panel_id"]][1] += bool(item["decision"])
    rows = [
        {
            "panel": p,
            "sits_on": long_date(p.sits_on),
            "items": counts.get(p.pk, [0, 0])[0],
            "decided": counts.get(p.pk, [0, 0])[1],
            "minutes": long_date(p.minutes_received_on) if p.minutes_received_on else "",
        }
        for p in sittings
    ]
    context = {
        "authority": authority,
        "councils": councils,
        "upcoming": [r for r in rows if r["panel"].sits_on >= today],
        "past": [r for r in rows if r["panel"].sits_on < today][::-1],
        "may_run": panel.why_not_run(request.user, authority.pk) is None,
        "per_month": authority.policy.threshold("panels_per_month"),
    }
    return render(request, "fostering/panel/panels.html", context)


class MonthForm(GovukForm):
    month = forms.ChoiceField(
        label="Month",
        error_messages={"required": "Choose a month", "invalid_choice": "Choose a month"},
    )

    def __init__(self, data, *, today):
        super().__init__(data)
        first = today.replace(day=1)
        months = [(first + timedelta(days=32 * n)).replace(day=1) for n in range(13)]
        self.fields["month"].choices = [(f"{m:%Y-%m}", f"{m:%B %Y}") for m in months]

    def chosen(self):
        value = self.cleaned_data["month"]
        return date(int(value[:4]), int(value[5:7]), 1)


class SittingsForm(GovukForm):
    """The proposed sittings of a month, each editable."""

    venue = forms.CharField(label="Venue", max_length=200, required=False)
    chair = forms.CharField(label="Chair", max_length=200, required=False)

    def __init__(self, data, *, days):
        super().__init__(data, initial={f"sits_on_{n}": day for n, day in enumerate(days)})
        for number in range(len(days)):
            self.fields[f"sits_on_{number}"] = GovukDateField(
                label=f"Sitting {number + 1}",
                error_messages={"required": f"Enter the date of sitting {number + 1}"},
            )
        self.order_fields([f"sits_on_{n}" for n in range(len(days))] + ["venue", "chair"])
        self.count = len(days)

    def sittings(self):
        data = self.cleaned_data
        return [
            {"sits_on": data[f"sits_on_{n}"], "venue": data["venue"], "chair": data["chair"]}
            for n in range(self.count)
        ]


def _run_or_refuse(request, authority, detail):
    reason = panel.why_not_run(request.user, authority.pk)
    if reason is None:
        return None
    return refused(
        request, record_type="organisation", record_id=authority.pk, detail=detail,
        reason=reason, back_url=reverse("fostering_panels"), back_text="Fostering panel",
    )  # fmt: skip


@requires(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def panels_month(request):
    authority, _councils = reading_council(request)
    refusal = _run_or_refuse(request, authority, "add the month's panel sittings")
    if refusal:
        return refusal
    today = timezone.localdate()
    month_form = MonthForm(request.GET if "month" in request.GET else None, today=today)
    back = {"back_url": reverse("fostering_panels"), "back_text": "Fostering panel"}
    if not month_form.is_bound or not month_form.is_valid():
        return render(
            request, "fostering/panel/month.html", {"form": month_form, **back},
            status=400 if month_form.is_bound else 200,
        )  # fmt: skip
    month = month_form.chosen()
    form = SittingsForm(posted(request), days=panel.proposed_sittings(authority, month))
    if request.method == "POST" and form.is_valid():
        added = attempt(
            form, panel.panels_add, by=request.user, authority=authority,
            sittings=form.sittings(), request=request,
        )  # fmt: skip
        if added is not None:
            messages.success(request, f"{len(added)} sittings added for {month:%B %Y}")
            return redirect("fostering_panels")
    per_month = authority.policy.threshold("panels_per_month")
    return step_page(
        request, form, title=f"Panel sittings for {month:%B %Y}", button="Add these sittings",
        intro=[f"The council's policy is {per_month} sittings a month. These working days are "
               "spread over the month: change any date before adding them."],
        caption=authority.name, **back,
    )  # fmt: skip


class NewSittingForm(GovukForm):
    sits_on = GovukDateField(label="Date", error_messages={"required": "Enter the date"})
    venue = forms.CharField(label="Venue", max_length=200, required=False)
    chair = forms.CharField(label="Chair", max_length=200, required=False)


class SittingForm(NewSittingForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


@requires(Capability.VIEW_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def panel_new(request):
    authority, _councils = reading_council(request)
    refusal = _run_or_refuse(request, authority, "add a panel sitting")
    if refusal:
        return refusal
    form = NewSittingForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        added = attempt(
            form, panel.panels_add, by=request.user, authority=authority,
            sittings=[{"sits_on": data["sits_on"], "venue": data["venue"], "chair": data["chair"]}],
            request=request,
        )  # fmt: skip
        if added is not None:
            messages.success(request, f"The panel sits on {long_date(data['sits_on'])}")
            return redirect(_panel_link(added[0]))
    return step_page(
        request, form, title="Add a panel sitting", button="Add the sitting",
        back_url=reverse("fostering_panels"), back_text="Fostering panel", caption=authority.name,
    )  # fmt: skip


def _panel(request, pk, write=False):
    return fostering_record_for_user(
        request.user, Panel, pk, write=write, request=request,
        queryset=Panel.objects.select_related("authority__policy"),
    )  # fmt: skip


def _read_or_refuse(request, authority_id, record_type, record_id):
    reason = panel.why_not_read(request.user, authority_id)
    if reason is None:
        return None
    return refused(
        request, record_type=record_type, record_id=record_id, detail="see the fostering panel",
        reason=reason, back_url=reverse("home"), back_text="Home",
    )  # fmt: skip


def _recommendation_words(item):
    if not item.recommendation:
        return ""
    if item.recommendation == "defer":
        return "Deferred: more information needed"
    yes, no = RECOMMENDATION_WORDS.get(item.business, ("Recommends", "Does not recommend"))
    return yes if item.recommendation == "approve" else no


def _decision_words(item):
    if not item.decision:
        return ""
    yes, no = OUTCOME_WORDS.get(item.business, ("Agrees", "Does not agree"))
    return yes if item.decision == "approve" else no


def terms_words(terms):
    """Approval terms (anything with min_age, max_age, max_children, care_types) in a line."""
    if not terms.max_children:
        return ""
    types = ", ".join(dict(CARE_TYPES).get(t, t) for t in terms.care_types) or "no type of care"
    ages = (
        f"Ages {terms.min_age} to {terms.max_age}"
        if terms.min_age is not None and terms.max_age is not None
        else "Ages not set"
    )
    children = f"up to {terms.max_children} child{'ren' if terms.max_children != 1 else ''}"
    return f"{ages}, {children}; {types}"


def item_shown(item, today):
    """One piece of business as the screens show it."""
    terms = terms_words(item)
    detail = ""
    if item.business == "deregistration":
        detail = dict(vocabulary.EXIT_REASONS).get(item.exit_reason, item.exit_reason)
    elif item.business == "extension":
        detail = f"{item.extension_weeks} weeks"
    elif item.business == "change_of_terms" and not item.decision:
        detail = f"now {terms_words(item.household) or 'no terms recorded'}"
    return {
        "item": item,
        "business": item.get_business_display(),
        "detail": detail,
        "recommendation": _recommendation_words(item),
        "terms": terms,
        "decision_due": long_date(item.decision_due_on) if item.decision_due_on else "",
        "decision_overdue": bool(
            item.decision_due_on
            and not item.decision
            and item.withdrawn_on is None
            and today > item.decision_due_on
        ),
        "withdrawn": panel.withdrawn_words(item) if item.withdrawn_on else "",
        "withdrawn_on": long_date(item.withdrawn_on) if item.withdrawn_on else "",
        "decision": _decision_words(item),
        "decided_on": long_date(item.decided_on) if item.decided_on else "",
        "appeal_by": long_date(item.appeal_by) if item.appeal_by else "",
        # Only decisions against the people can be challenged: said in words, or "".
        "appeal": panel.appeal_words(item),
    }


@requires(Capability.VIEW_HOUSEHOLDS, record="panel")
@require_GET
def panel_page(request, pk):
    sitting = _panel(request, pk)
    refusal = _read_or_refuse(request, sitting.authority_id, "panel", sitting.pk)
    if refusal:
        return refusal
    today = timezone.localdate()
    shown = [
        item_shown(i, today)
        for i in sitting.items.select_related("household", "presented_by").order_by("pk")
    ]
    # Business withdrawn (its subject gone) stays on the sitting's record, off its agenda.
    items = [row for row in shown if not row["withdrawn"]]
    withdrawn = [row for row in shown if row["withdrawn"]]
    audit_list_shown(request, "household", len(shown), f"agenda of panel {sitting.pk}")
    may_run = panel.why_not_run(request.user, sitting.authority_id) is None
    context = {
        "panel": sitting,
        "sits_on": long_date(sitting.sits_on),
        "items": items,
        "withdrawn": withdrawn,
        "may_run": may_run and sitting.minutes_received_on is None,
        "may_record": may_run and sitting.sits_on <= today and sitting.minutes_received_on is None,
        "minutes_received": long_date(sitting.minutes_received_on)
        if sitting.minutes_received_on
        else "",
        "businesses": [(slug, BUSINESS_WORDS[key]) for slug, key in SLUGS.items()],
        "may_decide": panel.why_not_decide(request.user, sitting.authority) is None,
    }
    return render(request, "fostering/panel/panel.html", context)


@requires(Capability.VIEW_HOUSEHOLDS, record="panel")
@require_http_methods(["GET", "POST"])
def panel_change(request, pk):
    sitting = _panel(request, pk, write=True)
    reason = panel.why_not_run(request.user, sitting.authority_id)
    if reason:
        return refused(
            request, record_type="panel", record_id=sitting.pk, detail="change a panel sitting",
            reason=reason, back_url=_panel_link(sitting), back_text="The sitting",
        )  # fmt: skip
    initial = {"version": sitting.version, "sits_on": sitting.sits_on, "venue": sitting.venue,
               "chair": sitting.chair}  # fmt: skip
    form = SittingForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changed = attempt(
            form, panel.panel_change, by=request.user, panel=sitting, sits_on=data["sits_on"],
            venue=data["venue"], chair=data["chair"], expected_version=data["version"],
            request=request,
        )  # fmt: skip
        if changed is not None:
            messages.success(request, "The sitting is changed")
            return redirect(_panel_link(changed))
    return step_page(
        request, form, title="Change the sitting", button="Save the changes",
        back_url=_panel_link(sitting), back_text=f"The sitting of {long_date(sitting.sits_on)}",
    )  # fmt: skip


# The agenda ----------------------------------------------------------------------------------------


CHOOSE = {
    "assessment": "Choose the assessment",
    "review": "Choose the first annual review",
    "household": "Choose the carers",
    "approval": "Choose the Regulation 24 approval",
}


def _candidate_terms_label(h):
    label = f"{h.name} ({h.reference}): now {terms_words(h) or 'no terms recorded'}"
    review = getattr(h, "terms_review", None)
    if review is not None:
        label += f". The annual review of {long_date(review.held_on)} recommends new terms"
    return label


def _extension_label(t):
    label = (
        f"{t.household.name} ({t.household.reference}): assessment due "
        f"{long_date(t.assessment_due_on)}"
    )
    if t.assessment.extended_to is not None:
        label += f" (already extended once, to {long_date(t.assessment.extended_to)})"
    return label


class TermsMixin:
    def add_terms(self, help_text, *, required=False):
        """The approval terms: required outright (`required`), or only for an approval, which
        the service checks (marked so that they are not labelled optional)."""
        self.fields["min_age"] = forms.IntegerField(
            label="Youngest age", min_value=0, max_value=17, required=required,
            error_messages={"required": "Give the age range"},
        )  # fmt: skip
        self.fields["max_age"] = forms.IntegerField(
            label="Oldest age", min_value=0, max_value=17, required=required,
            error_messages={"required": "Give the age range"},
        )  # fmt: skip
        self.fields["max_children"] = forms.IntegerField(
            label="Number of children", min_value=1, max_value=6, required=required,
            help_text=help_text, error_messages={"required": "Approve for at least one child"},
        )  # fmt: skip
        self.fields["care_types"] = forms.MultipleChoiceField(
            label="Types of care", choices=CARE_TYPES, widget=forms.CheckboxSelectMultiple,
            required=required, error_messages={"required": "Choose at least one type of care"},
        )  # fmt: skip
        for name in ("min_age", "max_age", "max_children", "care_types"):
            self.fields[name].sometimes_required = True

    def terms(self):
        data = self.cleaned_data
        return {k: data.get(k) for k in ("min_age", "max_age", "max_children", "care_types")}


class ItemForm(TermsMixin, GovukForm):
    presented_by = forms.ChoiceField(label="Presented by", required=False)

    def __init__(self, data, *, business, candidates, staff, policy):
        super().__init__(data)
        self.business = business
        self.by_pk = {str(c.pk): c for c in candidates}
        labels = {
            "assessment": lambda a: (
                f"{a.household.name} ({a.household.reference}): {a.get_kind_display()}, report "
                f"completed {long_date(a.report_completed_on)}; statutory checks "
                f"{getattr(a, 'checks_words', '')}"
            ),
            "first_review": lambda r: (
                f"{r.household.name} ({r.household.reference}): held {long_date(r.held_on)}"
            ),
            "deregistration": lambda h: f"{h.name} ({h.reference})",
            "extension": _extension_label,
            "change_of_terms": _candidate_terms_label,
        }[business]
        field = {"assessment": "assessment", "first_review": "review",
                 "deregistration": "household", "extension": "approval",
                 "change_of_terms": "household"}[business]  # fmt: skip
        self.field_name = field
        self.fields[field] = forms.ChoiceField(
            label={"assessment": "Assessment", "review": "First annual review",
                   "household": "Carers", "approval": "Regulation 24 approval"}[field],
            choices=[(str(c.pk), labels(c)) for c in candidates], widget=forms.RadioSelect,
            error_messages={"required": CHOOSE[field], "invalid_choice": CHOOSE[field]},
        )  # fmt: skip
        if business == "deregistration":
            self.fields["exit_reason"] = forms.ChoiceField(
                label="Why deregistration is proposed",
                choices=[("", "Choose a reason"), *vocabulary.EXIT_REASONS],
                error_messages={"required": "Choose why deregistration is proposed"},
            )
        if business == "extension":
            most = panel.max_extension_weeks(policy)
            self.fields["extension_weeks"] = forms.IntegerField(
                label="Extension in weeks", min_value=1, max_value=most,
                help_text=f"Regulation 25: one extension of at most {most} weeks",
                error_messages={"required": "Enter the weeks of the extension",
                                "min_value": f"An extension is of 1 to {most} weeks",
                                "max_value": f"An extension is of 1 to {most} weeks"},
            )  # fmt: skip
        if business == "change_of_terms":
            self.add_terms("The terms proposed to the panel", required=True)
        self.staff = {str(u.pk): u for u in staff}
        self.fields["presented_by"].choices = [("", "Not recorded")] + [
            (str(u.pk), u.display_name) for u in staff
        ]
        self.order_fields([field, "exit_reason", "extension_weeks", "min_age", "max_age",
                           "max_children", "care_types", "presented_by"])  # fmt: skip

    def arguments(self):
        data = self.cleaned_data
        chosen = self.by_pk[data[self.field_name]]
        return {
            self.field_name: chosen,
            "exit_reason": data.get("exit_reason", ""),
            "extension_weeks": data.get("extension_weeks"),
            "presented_by": self.staff.get(data.get("presented_by") or ""),
            "terms": self.terms() if self.business == "change_of_terms" else None,
        }


@requires(Capability.VIEW_HOUSEHOLDS, record="panel")
@require_http_methods(["GET", "POST"])
def panel_item_add(request, pk, business):
    sitting = _panel(request, pk, write=True)
    if business not in SLUGS:
        raise Http404("No such business")
    key = SLUGS[business]
    back = {
        "back_url": _panel_link(sitting),
        "back_text": f"The sitting of {long_date(sitting.sits_on)}",
    }
    reason = panel.why_not_run(request.user, sitting.authority_id)
    if reason:
        return refused(
            request, record_type="panel", record_id=sitting.pk, detail=f"add {key} to the agenda",
            reason=reason, **back,
        )  # fmt: skip
    candidates = panel.candidates(sitting.authority)[key]
    if key == "assessment":
        for candidate in candidates:  # the checks said beside each, those outstanding refused
            candidate.checks_words = panel.checks_words(panel.checks_state(candidate.application))
    staff = list(staff_of(sitting.authority_id, permissions.ASSESSORS))
    form = ItemForm(
        posted(request), business=key, candidates=candidates, staff=staff,
        policy=sitting.authority.policy,
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        item = attempt(
            form, panel.item_add, by=request.user, panel=sitting, business=key, request=request,
            **form.arguments(),
        )  # fmt: skip
        if item is not None:
            messages.success(request, f"{item.household.name} is on the agenda")
            return redirect(_panel_link(sitting))
    audit_list_shown(request, "household", len(candidates), f"agenda candidates ({key})")
    intro = [
        {
            "assessment": "Assessments whose report is complete. Every statutory check of the "
            "application must be back before panel. Once on the agenda the assessment is booked "
            "for panel.",
            "first_review": "First annual reviews that have been held: the first review after "
            "approval goes to panel.",
            "deregistration": "Approved carers the council proposes to deregister, with the reason.",
            "extension": "Kinship assessments under a Regulation 24 temporary approval, which the "
            "panel may extend once (Regulation 25).",
            "change_of_terms": "Approved carers whose approval terms the council proposes to "
            "change, with the terms proposed. Carers whose annual review recommends new terms "
            "are listed first.",
        }[key]
    ]
    if not candidates:
        intro.append("There is nothing to add at the moment.")
    return step_page(
        request, form, title=f"Add to the agenda: {BUSINESS_WORDS[key].lower()}",
        button="Add to the agenda", intro=intro, caption=f"Panel of {long_date(sitting.sits_on)}",
        **back,
    )  # fmt: skip


# The recommendation on the day ---------------------------------------------------------------------


class RecommendationForm(TermsMixin, Versioned):
    recommendation = forms.ChoiceField(
        label="The panel's recommendation", widget=forms.RadioSelect,
        error_messages={"required": "Choose the panel's recommendation"},
    )  # fmt: skip
    notes = forms.CharField(label="Notes", widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, data, *, item, **kwargs):
        super().__init__(data, **kwargs)
        yes, no = RECOMMENDATION_WORDS[item.business]
        self.fields["recommendation"].choices = [
            ("approve", yes), ("not_approve", no), ("defer", "Deferred: more information needed"),
        ]  # fmt: skip
        if item.business in panel.TERMS_BUSINESS:
            self.add_terms("The terms it recommends: needed when it recommends them")


def _item(request, pk, write=False):
    return fostering_record_for_user(
        request.user, PanelItem, pk, write=write, request=request,
        organisation_field="panel.authority",
        queryset=PanelItem.objects.select_related(
            "panel__authority__policy", "household__provider", "assessment__application"
        ),
    )  # fmt: skip


def _item_facts(item):
    shown = item_shown(item, timezone.localdate())
    facts = [
        ("Carers", f"{item.household.name} ({item.household.reference})"),
        ("Business", shown["business"]),
        ("Panel", long_date(item.panel.sits_on)),
    ]
    if shown["detail"]:
        facts.append(("Detail", shown["detail"]))
    if item.business == "assessment" and item.assessment_id:
        state = panel.checks_state(item.assessment.application)
        facts.append(("Statutory checks", panel.checks_words(state)))
    if item.business == "change_of_terms":
        facts.append(("Terms now", terms_words(item.household) or "None recorded"))
        review = panel.terms_review(item.household) if not item.decision else None
        if review is not None:
            facts.append(
                ("Annual review", f"Held {long_date(review.held_on)}: recommends new terms")
            )
    if shown["recommendation"]:
        facts.append(("Recommendation", shown["recommendation"]))
        if item.recommended_at:
            facts.append(("Recorded", date_time(item.recommended_at)))
    if item.recommendation_notes:
        facts.append(("Panel's notes", item.recommendation_notes))
    if shown["terms"]:
        facts.append(("Terms", shown["terms"]))
    return facts, shown


@requires(Capability.VIEW_HOUSEHOLDS, record="panelitem")
@require_http_methods(["GET", "POST"])
def panel_item(request, pk):
    item = _item(request, pk, write=True)
    if item.withdrawn_on is not None:
        return redirect("fostering_decision", pk=item.pk)
    sitting = item.panel
    back = {
        "back_url": _panel_link(sitting),
        "back_text": f"The sitting of {long_date(sitting.sits_on)}",
    }
    reason = panel.why_not_run(request.user, sitting.authority_id)
    if reason:
        return refused(
            request, record_type="panelitem", record_id=item.pk,
            detail="record the panel's recommendation", reason=reason, **back,
        )  # fmt: skip
    initial = {"version": item.version, "recommendation": item.recommendation,
               "notes": item.recommendation_notes, "min_age": item.min_age,
               "max_age": item.max_age, "max_children": item.max_children,
               "care_types": item.care_types}  # fmt: skip
    if item.business == "assessment" and item.max_children is None:
        household = item.household
        initial |= {"min_age": household.min_age, "max_age": household.max_age,
                    "max_children": household.max_children, "care_types": household.care_types}  # fmt: skip
    form = RecommendationForm(posted(request), item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form, panel.recommendation_record, by=request.user, item=item,
            recommendation=data["recommendation"], notes=data["notes"],
            terms=form.terms() if item.business in panel.TERMS_BUSINESS else None,
            expected_version=data["version"], request=request,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, "The panel's recommendation is recorded")
            return redirect(_panel_link(sitting))
    facts, _shown = _item_facts(item)
    return step_page(
        request, form, title="Record the panel's recommendation", button="Record it",
        caption=f"{item.household.name}", facts=facts,
        intro=["Record the recommendation on the day of the panel."], **back,
    )  # fmt: skip


# The minutes ---------------------------------------------------------------------------------------


class MinutesForm(Versioned):
    received_on = GovukDateField(
        label="Minutes received by the agency decision maker on",
        error_messages={"required": "Enter the date the minutes were received"},
    )
    minutes = forms.CharField(
        label="Minutes", widget=forms.Textarea(attrs={"rows": 8}), required=False
    )

    def clean_received_on(self):
        return not_in_future(self.cleaned_data["received_on"], "The date the minutes were received")


@requires(Capability.VIEW_HOUSEHOLDS, record="panel")
@require_http_methods(["GET", "POST"])
def panel_minutes(request, pk):
    sitting = _panel(request, pk, write=True)
    back = {
        "back_url": _panel_link(sitting),
        "back_text": f"The sitting of {long_date(sitting.sits_on)}",
    }
    reason = panel.why_not_run(request.user, sitting.authority_id)
    if reason:
        return refused(
            request, record_type="panel", record_id=sitting.pk, detail="record the panel's minutes",
            reason=reason, **back,
        )  # fmt: skip
    form = MinutesForm(
        posted(request), initial={"version": sitting.version, "minutes": sitting.minutes}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form, panel.minutes_record, by=request.user, panel=sitting,
            received_on=data["received_on"], minutes=data["minutes"],
            expected_version=data["version"], request=request,
        )  # fmt: skip
        if saved is not None:
            amount, _unit = sitting.authority.policy.timescale("adm_decision")
            messages.success(
                request, f"The minutes are recorded: the agency decision maker decides within "
                f"{amount} working days",
            )  # fmt: skip
            return redirect(_panel_link(sitting))
    amount, _unit = sitting.authority.policy.timescale("adm_decision")
    return step_page(
        request, form, title="Record the minutes", button="Record the minutes",
        caption=f"Panel of {long_date(sitting.sits_on)}",
        intro=[f"The agency decision maker decides on each recommendation within {amount} "
               "working days of receiving the minutes."],
        **back,
    )  # fmt: skip


# The agency decision maker's decisions -----------------------------------------------------------


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def decisions(request):
    authority, councils = reading_council(request)
    today = timezone.localdate()
    due = [item_shown(i, today) for i in panel.decisions_due([authority.pk])]
    due.sort(key=lambda r: (not r["decision_overdue"], r["item"].decision_due_on, r["item"].pk))
    made = [
        item_shown(i, today)
        for i in panel.decisions_made([authority.pk], today - timedelta(days=90))
    ]
    audit_list_shown(request, "household", len(due) + len(made), "agency decisions list")
    context = {
        "authority": authority,
        "councils": councils,
        "due": due,
        "made": made,
        "may_decide": panel.why_not_decide(request.user, authority) is None,
    }
    return render(request, "fostering/panel/decisions.html", context)


class DecisionForm(TermsMixin, Versioned):
    decision = forms.ChoiceField(
        label="Your decision", widget=forms.RadioSelect,
        error_messages={"required": "Choose your decision"},
    )  # fmt: skip
    reason = forms.CharField(
        label="Reason for your decision", widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Give the reason for your decision"},
    )  # fmt: skip
    decided_on = GovukDateField(
        label="Date of the decision", error_messages={"required": "Enter the date of the decision"}
    )

    def __init__(self, data, *, item, **kwargs):
        super().__init__(data, **kwargs)
        yes, no = OUTCOME_WORDS[item.business]
        self.fields["decision"].choices = [("approve", yes), ("not_approve", no)]
        if item.business in panel.TERMS_BUSINESS:
            self.add_terms(
                "The terms: the panel's recommended terms to start with; needed when you agree"
            )

    def clean_decided_on(self):
        return not_in_future(self.cleaned_data["decided_on"], "The date of the decision")


@requires(Capability.VIEW_HOUSEHOLDS, record="panelitem")
@require_http_methods(["GET", "POST"])
def decision(request, pk):
    item = _item(request, pk, write=request.method == "POST")
    back = {"back_url": reverse("fostering_decisions"), "back_text": "Decisions after panel"}
    facts, shown = _item_facts(item)
    if item.decision or item.withdrawn_on is not None:
        # Decided, or withdrawn (its subject gone): shown, with nothing to decide.
        refusal = _read_or_refuse(request, item.panel.authority_id, "panelitem", item.pk)
        if refusal:
            return refusal
        context = {"item": item, "shown": shown, "facts": facts, **back}
        return render(request, "fostering/panel/decision.html", context)
    reason = panel.why_not_decide_item(request.user, item)
    if reason:
        return refused(
            request, record_type="panelitem", record_id=item.pk,
            detail="make the decision after panel", reason=reason, **back,
        )  # fmt: skip
    initial = {"version": item.version, "decided_on": timezone.localdate(),
               "decision": item.recommendation if item.recommendation != "defer" else "",
               "min_age": item.min_age, "max_age": item.max_age,
               "max_children": item.max_children, "care_types": item.care_types}  # fmt: skip
    form = DecisionForm(posted(request), item=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = attempt(
            form, panel.decision_record, by=request.user, item=item, decision=data["decision"],
            reason=data["reason"], decided_on=data["decided_on"],
            terms=form.terms() if item.business in panel.TERMS_BUSINESS else None,
            expected_version=data["version"], request=request,
        )  # fmt: skip
        if saved is not None:
            words = f"Your decision is recorded: {_decision_words(saved).lower()}"
            if panel.appeal_words(saved):
                words += f". {panel.appeal_words(saved)}"
            messages.success(request, words)
            return redirect("fostering_decision", pk=saved.pk)
    facts.append(("Decision due", shown["decision_due"] or "Not set"))
    notice = panel.appeal_notice(item.business, item.panel.authority.policy)
    return step_page(
        request, form, title="Make the decision after panel", button="Record the decision",
        caption=item.household.name, facts=facts, intro=[notice] if notice else [], **back,
    )  # fmt: skip


# The household record's panel section ----------------------------------------------------------


def household_section(household, user, today):
    """What the household record shows of its approval: a Regulation 24 approval with its due
    date and flags, and its panel business with the decisions and appeal dates."""
    from hearth.fostering import kinship

    if not household.is_in_house or panel.why_not_read(user, household.provider_id):
        return None
    approvals = list(
        kinship.temporary_approvals([household.provider_id]).filter(household=household)
    )
    items = [item_shown(i, today) for i in panel.household_items(household)]
    may_run = panel.why_not_run(user, household.provider_id) is None
    approved = household.status in lifecycle.APPROVED_STATUSES
    return {
        "household": household,
        "approvals": kinship.approvals_shown(approvals, today),
        "items": items,
        "may_propose": approved and may_run,
        # Each item waiting is linked to the page where its next step is taken, for those who
        # take it: the recommendation (the panel's managers), the decision (the decision maker).
        "may_run": may_run,
        "may_decide": panel.why_not_decide(user, household.provider) is None,
        "terms_review": panel.terms_review(household) if approved else None,
    }


urlpatterns = [
    path("fostering/panels/", panels, name="fostering_panels"),
    path("fostering/panels/month/", panels_month, name="fostering_panels_month"),
    path("fostering/panels/new/", panel_new, name="fostering_panel_new"),
    path("fostering/panels/<int:pk>/", panel_page, name="fostering_panel"),
    path("fostering/panels/<int:pk>/change/", panel_change, name="fostering_panel_change"),
    path(
        "fostering/panels/<int:pk>/agenda/<slug:business>/",
        panel_item_add,
        name="fostering_panel_item_add",
    ),
    path("fostering/panels/<int:pk>/minutes/", panel_minutes, name="fostering_panel_minutes"),
    path("fostering/panel-items/<int:pk>/", panel_item, name="fostering_panel_item"),
    path("fostering/decisions/", decisions, name="fostering_decisions"),
    path("fostering/panel-items/<int:pk>/decision/", decision, name="fostering_decision"),
]
