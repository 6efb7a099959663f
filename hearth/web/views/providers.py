"""The provider directory: independent fostering agencies (and, for a widened search, providers of
children's homes), the shared market every council sees. It replaces the placements team's Outlook
address book.

Who keeps what:
- the facts every council reads (Ofsted URN, sector, services, types of care, areas served, weekly
  rates, contact details and the people to write to) are the provider's own: kept by its staff
  (`agency_user`) and its system administrator, as `providers_for_user(write=True)` says. No council
  changes what every other council reads;
- whether the provider is in or off contract is each council's own fact, recorded by the council's
  placements officers (or its system administrator): `contracting_councils`.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
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
from hearth.core.models import Contract, ProviderContact
from hearth.core.services import (
    PROVIDER_SERVICES,
    SECTORS,
    agency_details_update,
    contract_set,
    provider_contact_save,
)
from hearth.core.services import provider_contact_remove as contact_remove
from hearth.people.forms import clean_postcode
from hearth.people.selectors import (
    CONTRACT_FILTERS,
    provider_contacts,
    provider_contracts,
    provider_list,
    provider_places,
)
from hearth.people.vocabulary import PLACEMENT_TYPES
from hearth.web.decorators import requires
from hearth.web.forms import GovukForm, tag_choices

SERVICE_FILTERS = {"fostering": "Fostering", "residential": "Children's homes"}


def _councils_of(user):
    return {m.organisation_id for m in memberships_of(user) if m.organisation.is_authority}


def _rates(provider):
    low, high = provider.weekly_rate_from, provider.weekly_rate_to
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return f"£{low if low is not None else high:,.2f}"
    return f"£{low:,.2f} to £{high:,.2f}"


def _directory_row(provider):
    """How one provider reads in the directory."""
    provides = provider.provides or ["fostering"]
    return {
        "provider": provider,
        "contract": dict(Contract.Status.choices).get(provider.contract_status, "No contract"),
        "contract_status": provider.contract_status or "",
        "services": [PROVIDER_SERVICES.get(value, value) for value in provides],
        "care_types": [PLACEMENT_TYPES.get(value, value) for value in provider.care_types or []],
        "areas": provider.areas_served or [],
        "rates": _rates(provider),
    }


class DirectoryFilters(GovukForm):
    q = forms.CharField(label="Name or Ofsted URN", required=False, max_length=100)
    contract = forms.ChoiceField(
        label="Contract with your council",
        choices=[("", "Any"), *CONTRACT_FILTERS.items()],
        required=False,
    )
    care_type = forms.ChoiceField(
        label="Type of care", choices=[("", "Any"), *tag_choices(PLACEMENT_TYPES)], required=False
    )
    service = forms.ChoiceField(
        label="Services", choices=[("", "Any"), *SERVICE_FILTERS.items()], required=False
    )
    area = forms.CharField(label="Area served", required=False, max_length=100)

    def arguments(self):
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "search": (data.get("q") or "").strip(),
            "contract": data.get("contract") or "",
            "care_type": data.get("care_type") or "",
            "service": data.get("service") or "",
            "area": (data.get("area") or "").strip(),
        }


@requires(Capability.VIEW_PROVIDERS)
@require_GET
def provider_index(request):
    filters = DirectoryFilters(request.GET or None)
    chosen = filters.arguments()
    providers = provider_list(request.user, **chosen)
    page = Paginator(providers, 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [_directory_row(p) for p in page],
        "filters": filters,
        "filtered": any(chosen.values()),
        "search": chosen["search"],
        "is_council": bool(_councils_of(request.user)),
    }
    return render(request, "people/provider_index.html", context)


def _may_change(user, provider):
    return providers_for_user(user, write=True).filter(pk=provider.pk).exists()


@requires(Capability.VIEW_PROVIDERS, record="provider")
@require_GET
def provider_record(request, pk):
    provider = provider_for_user(request.user, pk, request=request)
    contract = provider_contracts(_councils_of(request.user), [provider.pk]).get(provider.pk)
    provider.contract_status = contract.status if contract else None
    context = {
        "provider": provider,
        "row": _directory_row(provider),
        "sector": SECTORS.get(provider.sector, ""),
        "contract": contract,
        "contacts": provider_contacts(provider),
        "places": provider_places(provider),
        "can_record_contract": bool(contracting_councils(request.user)),
        "can_change_details": _may_change(request.user, provider),
    }
    return render(request, "people/provider_record.html", context)


class ContractForm(GovukForm):
    status = forms.ChoiceField(
        label="Contract with your council",
        choices=[*Contract.Status.choices, ("", "No contract")],
        required=False,
        widget=forms.RadioSelect,
    )


class MoneyField(forms.DecimalField):
    """Pounds and pence, typed with or without the £ sign and thousands commas."""

    def __init__(self, **kwargs):
        super().__init__(
            max_digits=8,
            decimal_places=2,
            min_value=0,
            required=False,
            error_messages={
                "invalid": "Enter an amount in pounds, like 950 or 1,250.50",
                "min_value": "A weekly rate cannot be less than £0",
                "max_digits": "Enter an amount less than £1,000,000",
                "max_whole_digits": "Enter an amount less than £1,000,000",
                "max_decimal_places": "Enter pounds and pence, like 1,250.50",
            },
            **kwargs,
        )

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().removeprefix("£").replace(",", "")
        return super().to_python(value)


class AgencyDetailsForm(GovukForm):
    ofsted_urn = forms.CharField(
        label="Ofsted URN",
        max_length=8,
        required=False,
        help_text="The unique reference number on Ofsted's register, like SC123456",
    )
    sector = forms.ChoiceField(
        label="Who runs the provider",
        choices=list(SECTORS.items()),
        required=False,
        widget=forms.RadioSelect,
    )
    provides = forms.MultipleChoiceField(
        label="Services",
        choices=list(PROVIDER_SERVICES.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Councils send children's homes a referral only when the child's social worker "
        "has agreed to widen the search",
    )
    care_types = forms.MultipleChoiceField(
        label="Types of care",
        choices=tag_choices(PLACEMENT_TYPES),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    areas_served = forms.CharField(
        label="Council areas served",
        required=False,
        widget=forms.Textarea,
        max_length=6000,
        help_text="One area on each line, like Wigan",
    )
    weekly_rate_from = MoneyField(label="Lowest weekly fee, in pounds")
    weekly_rate_to = MoneyField(label="Highest weekly fee, in pounds")
    email = forms.EmailField(label="Email address for referrals", required=False)
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    postcode = forms.CharField(label="Office postcode", max_length=8, required=False)

    def clean_postcode(self):
        return clean_postcode(self.cleaned_data["postcode"], required=False)

    def clean_areas_served(self):
        return [line.strip() for line in self.cleaned_data["areas_served"].splitlines()]


def _details_of(provider):
    return {
        "ofsted_urn": provider.ofsted_urn or "",
        "sector": provider.sector,
        "provides": provider.provides,
        "care_types": provider.care_types,
        "areas_served": "\n".join(provider.areas_served or []),
        "weekly_rate_from": provider.weekly_rate_from,
        "weekly_rate_to": provider.weekly_rate_to,
        "email": provider.email,
        "phone": provider.phone,
        "postcode": provider.postcode,
    }


def _saved(form, save, **arguments):
    """Save a valid form with the service `save`; its refusal goes back to the fields at fault."""
    try:
        return save(**arguments)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, problems in error.message_dict.items():
                form.add_error(field if field in form.fields else None, problems)
        else:
            form.add_error(None, error)
        return None


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
    form = AgencyDetailsForm(request.POST or None, initial=_details_of(provider))
    if request.method == "POST" and form.is_valid():
        saved = _saved(
            form, agency_details_update, by=request.user, agency=provider, request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, "Your agency's details were saved.")
            return redirect("provider", pk=provider.pk)
    return render(request, "people/provider_form.html", {"form": form, "provider": provider})


# The people at a provider whom councils write to or ring ---------------------------------------------


class ContactForm(GovukForm):
    name = forms.CharField(label="Name", max_length=150)
    job_title = forms.CharField(label="Job title", max_length=150, required=False)
    email = forms.EmailField(label="Email address", required=False)
    phone = forms.CharField(label="Phone number", max_length=40, required=False)
    receives_referrals = forms.BooleanField(
        label="Send them every referral a council sends us",
        required=False,
        help_text="They get the email with the link to the referral on the agency portal",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = "Enter the contact's name"


def _contact(request, provider, contact_pk):
    """One of the provider's contacts; another provider's is not found, and the attempt audited."""
    try:
        return provider.contacts.get(pk=int(contact_pk))
    except (ProviderContact.DoesNotExist, ValueError):
        deny(request.user, record_type="provider_contact", record_id=contact_pk, request=request)


def _contact_page(request, provider, form, contact=None):
    context = {"provider": provider, "form": form, "contact": contact}
    return render(request, "people/provider_contact.html", context)


@requires(Capability.EDIT_PROVIDERS, record="provider")
@require_http_methods(["GET", "POST"])
def provider_contact_add(request, pk):
    provider = provider_for_user(request.user, pk, write=True, request=request)
    form = ContactForm(request.POST or None, initial={"receives_referrals": True})
    if request.method == "POST" and form.is_valid():
        contact = _saved(
            form, provider_contact_save, by=request.user, agency=provider, request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if contact is not None:
            messages.success(request, f"{contact.name} was added to your contacts.")
            return redirect("provider", pk=provider.pk)
    return _contact_page(request, provider, form)


@requires(Capability.EDIT_PROVIDERS, record="provider")
@require_http_methods(["GET", "POST"])
def provider_contact_change(request, pk, contact_pk):
    provider = provider_for_user(request.user, pk, write=True, request=request)
    contact = _contact(request, provider, contact_pk)
    initial = {
        field: getattr(contact, field)
        for field in ("name", "job_title", "email", "phone", "receives_referrals")
    }
    form = ContactForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = _saved(
            form, provider_contact_save, by=request.user, agency=provider, contact=contact,
            request=request, **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, f"{saved.name}'s details were saved.")
            return redirect("provider", pk=provider.pk)
    return _contact_page(request, provider, form, contact)


@requires(Capability.EDIT_PROVIDERS, record="provider")
@require_http_methods(["GET", "POST"])
def provider_contact_remove(request, pk, contact_pk):
    provider = provider_for_user(request.user, pk, write=True, request=request)
    contact = _contact(request, provider, contact_pk)
    if request.method == "POST":
        contact_remove(by=request.user, contact=contact, request=request)
        messages.success(request, f"{contact.name} was removed from your contacts.")
        return redirect("provider", pk=provider.pk)
    context = {"provider": provider, "contact": contact}
    return render(request, "people/provider_contact_remove.html", context)
