"""The agency search, the council's side: the providers to send a referral to (in contract first),
sending it, the requests sent with their answers and chasing, contacts with providers, withdrawing
the referral from one, and the social worker's permission to widen the search. Also the URLs of the
provider directory's contacts (their views are with the directory's, in `providers`).

Who may see the referral is the access functions' business (404 for anyone else, audited); who may
take each step is `hearth.search.outreach.why_not` (a person who may see the referral but not take
the step gets 403, audited too). Each step is one service of `hearth.search.outreach`.
"""

from django import forms
from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from hearth.accounts.access import deny, provider_for_user, referral_for_user
from hearth.accounts.roles import Capability
from hearth.matching.explain import listed
from hearth.people.selectors import CONTRACT_FILTERS, provider_contacts
from hearth.people.vocabulary import PLACEMENT_TYPES
from hearth.portal.selectors import with_offer_state
from hearth.referrals.services import ActionNotAllowed, ReferralError, referral_title
from hearth.search import outreach, permissions
from hearth.search.forms import OUT_OF_DATE, SearchForm
from hearth.search.models import AgencyRequest
from hearth.web.decorators import requires
from hearth.web.editing import audit_shown
from hearth.web.forms import GovukDateField, GovukForm, tag_choices
from hearth.web.refusals import not_allowed
from hearth.web.views import providers

TEXT_LIMIT = 10_000


def _posted(request):
    return request.POST if request.method == "POST" else None


def _referral(request, pk):
    """The referral, if the user may see it (404 and audited otherwise), with its children. Its
    reading is audited once the page is drawn, so a refused step is audited only as refused."""
    referral = referral_for_user(request.user, pk, request=request, audit_view=False)
    prefetch_related_objects([referral], "children")
    return referral


def _refusal(request, referral, step, detail, record=None):
    """The 403 page when the user may not take `step` now, else None."""
    reason = outreach.why_not(step, request.user, referral, record)
    return None if reason is None else not_allowed(request, referral, reason, detail)


def _base(referral, **context):
    return {"referral": referral, "summary": referral_title(referral), **context}


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


# The agency search -----------------------------------------------------------------------------------


class CandidateFilters(GovukForm):
    contract = forms.ChoiceField(
        label="Contract", choices=[("", "Any"), *CONTRACT_FILTERS.items()], required=False
    )
    care_type = forms.ChoiceField(
        label="Type of care", choices=[("", "Any"), *tag_choices(PLACEMENT_TYPES)], required=False
    )
    area = forms.CharField(label="Area served", required=False, max_length=100)

    def arguments(self):
        data = self.cleaned_data if self.is_valid() else {}
        return {key: (data.get(key) or "").strip() for key in ("contract", "care_type", "area")}


class SendForm(SearchForm):
    providers = forms.MultipleChoiceField(
        label="Providers to send the referral to",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one provider to send the referral to",
            "invalid_choice": "Choose only providers from the list",
        },
    )
    message = _text(
        "Message to the providers",
        required=False,
        hint="Shown with the referral on the agency portal. Do not name the child: providers see "
        "no names, addresses or school until a match is agreed.",
    )

    def __init__(self, data=None, *, candidates):
        super().__init__(data)
        self.fields["providers"].choices = [
            (str(c.provider.pk), c.provider.name) for c in candidates
        ]

    @property
    def chosen(self):
        return set(self["providers"].value() or [])


def _candidate_rows(candidates, chosen):
    """Each candidate with whether it is ticked and, if it can be sent the referral, the id of its
    box (numbered among the boxes, so that an error's link finds the first)."""
    rows, boxes = [], 0
    for candidate in candidates:
        row = {"c": candidate, "checked": str(candidate.provider.pk) in chosen, "box_id": ""}
        if not candidate.sent:
            row["box_id"], boxes = f"id_providers_{boxes}", boxes + 1
        rows.append(row)
    return rows


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def agency_search(request, pk):
    referral = _referral(request, pk)
    refused = _refusal(request, referral, "see", "see the agency search")
    if refused:
        return refused
    user = request.user
    if request.method == "POST":
        refused = _refusal(request, referral, "send", "send the referral to providers")
        if refused:
            return refused
    candidates = outreach.outreach_candidates(user, referral)
    filters = CandidateFilters(request.GET or None)
    form = SendForm(_posted(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            made = outreach.agency_referral_send(
                user=user, referral=referral, request=request,
                providers=[int(pk) for pk in form.cleaned_data["providers"]],
                message=form.cleaned_data["message"],
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), "send the referral to providers")
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            names = listed([r.provider.name for r in made])
            messages.success(request, f"The referral is sent to {names}")
            return redirect("agency_search", pk=referral.pk)
    audit_shown(request, "referral", referral, referral.authority)
    shown = outreach.filter_candidates(candidates, **filters.arguments())
    context = _base(
        referral,
        candidates=_candidate_rows(shown, form.chosen),
        all_count=len(candidates),
        filters=filters,
        filtered=any(filters.arguments().values()),
        form=form,
        panel=outreach.referral_panel(user, referral),
        may_send=outreach.may("send", user, referral),
        may_contact=outreach.may("contact", user, referral),
        is_search_worker=permissions.is_search_worker(user, referral),
        type_needed=PLACEMENT_TYPES.get(referral.placement_type, ""),
    )
    return render(request, "search/outreach/agency_search.html", context)


# A contact with a provider ----------------------------------------------------------------------------


class ContactForm(SearchForm):
    kind = forms.ChoiceField(
        label="How were you in touch?",
        choices=list(outreach.CONTACT_KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose how you were in touch",
            "invalid_choice": "Choose how you were in touch",
        },
    )
    meeting_on = GovukDateField(
        label="Date of the referral meeting", required=False, help_text="For example, 27 3 2027"
    )
    note = _text(
        "What was said or agreed",
        hint="Goes on the referral's chronology.",
        message="Say what was said or agreed",
    )

    reveals = {"kind": {"meeting": ["meeting_on"]}}
    required_when_chosen = frozenset({"meeting_on"})

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["meeting_on"].error_messages["required"] = (
            "Enter the date of the referral meeting"
        )
        self.require_chosen()


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def agency_contact(request, pk, provider_pk):
    referral = _referral(request, pk)
    provider = provider_for_user(request.user, provider_pk, request=request)
    refused = _refusal(request, referral, "contact", f"record a contact with {provider.name}")
    if refused:
        return refused
    form = ContactForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outreach.agency_contact_record(
                user=request.user, referral=referral, provider=provider, kind=data["kind"],
                note=data["note"], meeting_on=data.get("meeting_on"), request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), "record a contact")
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"The contact with {provider.name} is recorded")
            return redirect("agency_search", pk=referral.pk)
    audit_shown(request, "referral", referral, referral.authority)
    context = _base(referral, provider=provider, contacts=provider_contacts(provider), form=form)
    return render(request, "search/outreach/contact.html", context)


# Withdrawing the referral from a provider ------------------------------------------------------------


class WithdrawForm(SearchForm):
    reason = _text("Why are you withdrawing it?", message="Say why you withdraw it")
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )

    def __init__(self, data=None, *, agency_request):
        super().__init__(data, initial={"version": agency_request.version})


def _agency_request(request, referral, request_pk):
    """One of the referral's requests to providers; another referral's is not found, as if it did
    not exist, and the attempt audited."""
    try:
        found = (
            with_offer_state(referral.agency_requests.all())
            .select_related("provider", "sent_by")
            .get(pk=int(request_pk))
        )
    except (AgencyRequest.DoesNotExist, ValueError):
        deny(request.user, record_type="agency_request", record_id=request_pk, request=request)
    found.referral = referral
    return found


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def agency_request_withdraw(request, pk, request_pk):
    referral = _referral(request, pk)
    agency_request = _agency_request(request, referral, request_pk)
    detail = f"withdraw the referral from {agency_request.provider.name}"
    refused = _refusal(request, referral, "withdraw", detail, agency_request)
    if refused:
        return refused
    form = WithdrawForm(_posted(request), agency_request=agency_request)
    if request.method == "POST" and form.is_valid():
        try:
            outreach.agency_request_withdraw(
                user=request.user, agency_request=agency_request, request=request,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
            form.redraw_with(version=agency_request.version)
        else:
            messages.success(
                request, f"The referral is withdrawn from {agency_request.provider.name}"
            )
            return redirect("agency_search", pk=referral.pk)
    audit_shown(request, "referral", referral, referral.authority)
    context = _base(
        referral,
        agency_request=agency_request,
        row=outreach.request_row(agency_request, request.user, referral),
        offers=agency_request.offer_standing and not agency_request.matched_here,
        form=form,
    )
    return render(request, "search/outreach/withdraw.html", context)


# Widening the search -----------------------------------------------------------------------------------


class WidenForm(SearchForm):
    widen_to = forms.MultipleChoiceField(
        label="What may the search now include?",
        choices=list(outreach.WIDENINGS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose what the search may include",
            "invalid_choice": "Choose what the search may include",
        },
    )
    reason = _text(
        "Why do you agree to widen the search?",
        hint="For example: no foster home has been found in time for an urgent need.",
        message="Say why the search is widened",
    )


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def search_widen(request, pk):
    referral = _referral(request, pk)
    refused = _refusal(request, referral, "widen", "widen the search")
    if refused:
        return refused
    form = WidenForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            outreach.search_widen(
                user=request.user, referral=referral, request=request,
                widen_to=form.cleaned_data["widen_to"], reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), "widen the search")
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, "Your permission is recorded: the placements team can widen the search"
            )
            return redirect("referral", pk=referral.pk)
    audit_shown(request, "referral", referral, referral.authority)
    context = _base(referral, form=form, widened=outreach.widening(referral))
    return render(request, "search/outreach/widen.html", context)


urlpatterns = [
    path("referrals/<int:pk>/agency-search/", agency_search, name="agency_search"),
    path(
        "referrals/<int:pk>/agency-search/providers/<int:provider_pk>/contact/",
        agency_contact,
        name="agency_contact",
    ),
    path(
        "referrals/<int:pk>/agency-search/requests/<int:request_pk>/withdrawal/",
        agency_request_withdraw,
        name="agency_request_withdraw",
    ),
    path("referrals/<int:pk>/widen-search/", search_widen, name="search_widen"),
    # The provider directory's contacts: the people the placements team writes to or rings.
    path(
        "providers/<int:pk>/contacts/new/",
        providers.provider_contact_add,
        name="provider_contact_add",
    ),
    path(
        "providers/<int:pk>/contacts/<int:contact_pk>/",
        providers.provider_contact_change,
        name="provider_contact_change",
    ),
    path(
        "providers/<int:pk>/contacts/<int:contact_pk>/remove/",
        providers.provider_contact_remove,
        name="provider_contact_remove",
    ),
]
