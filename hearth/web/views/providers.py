"""Providers (independent fostering agencies): the shared market every council sees."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import (
    contracting_councils,
    deny,
    memberships_of,
    provider_for_user,
    providers_for_user,
)
from hearth.accounts.roles import Capability
from hearth.core.models import Contract
from hearth.core.services import agency_details_update, contract_set
from hearth.people.forms import clean_postcode
from hearth.people.selectors import provider_contracts, provider_places
from hearth.web.decorators import requires
from hearth.web.forms import GovukForm


def _councils_of(user):
    return {m.organisation_id for m in memberships_of(user) if m.organisation.is_authority}


@requires(Capability.VIEW_PROVIDERS)
@require_GET
def provider_index(request):
    search = request.GET.get("q", "").strip()
    providers = providers_for_user(request.user).order_by("name", "pk")
    if search:
        providers = providers.filter(name__icontains=search)
    page = Paginator(providers, 50).get_page(request.GET.get("page"))
    contracts = provider_contracts(_councils_of(request.user), [p.pk for p in page])
    rows = [{"provider": p, "contract": contracts.get(p.pk)} for p in page]
    return render(
        request, "people/provider_index.html", {"page": page, "rows": rows, "search": search}
    )


@requires(Capability.VIEW_PROVIDERS, record="provider")
@require_GET
def provider_record(request, pk):
    provider = provider_for_user(request.user, pk, request=request)
    context = {
        "provider": provider,
        "contract": provider_contracts(_councils_of(request.user), [provider.pk]).get(provider.pk),
        "places": provider_places(provider),
        "can_record_contract": bool(contracting_councils(request.user)),
        "can_change_details": providers_for_user(request.user, write=True)
        .filter(pk=provider.pk)
        .exists(),
    }
    return render(request, "people/provider_record.html", context)


class ContractForm(GovukForm):
    status = forms.ChoiceField(
        label="Contract with your council",
        choices=[*Contract.Status.choices, ("", "No contract")],
        required=False,
        widget=forms.RadioSelect,
    )


class AgencyDetailsForm(GovukForm):
    email = forms.EmailField(label="Email address for referrals", required=False)
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    postcode = forms.CharField(label="Office postcode", max_length=8, required=False)

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"], required=False)


@requires(Capability.EDIT_PROVIDERS, record="provider")
@require_http_methods(["GET", "POST"])
def provider_contract(request, pk):
    provider = provider_for_user(request.user, pk, request=request)
    councils = contracting_councils(request.user)
    if not councils:
        deny(request.user, record_type="provider", record_id=pk, request=request)
    council = councils[0]
    current = provider_contracts({council.pk}, [provider.pk]).get(provider.pk)
    form = ContractForm(request.POST or None, initial={"status": current.status if current else ""})
    if request.method == "POST" and form.is_valid():
        changed = contract_set(
            by=request.user, authority=council, agency=provider, status=form.cleaned_data["status"],
            request=request,
        )  # fmt: skip
        messages.success(
            request, "The contract was recorded." if changed else "Nothing was changed."
        )
        return redirect("provider", pk=provider.pk)
    context = {"form": form, "provider": provider, "council": council}
    return render(request, "people/provider_contract.html", context)


@requires(Capability.EDIT_PROVIDERS, record="provider")
@require_http_methods(["GET", "POST"])
def provider_change(request, pk):
    provider = provider_for_user(request.user, pk, write=True, request=request)
    initial = {"email": provider.email, "phone": provider.phone, "postcode": provider.postcode}
    form = AgencyDetailsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        agency_details_update(
            by=request.user, agency=provider, request=request, **form.cleaned_data
        )
        messages.success(request, "Your agency's details were saved.")
        return redirect("provider", pk=provider.pk)
    return render(request, "people/provider_form.html", {"form": form, "provider": provider})
