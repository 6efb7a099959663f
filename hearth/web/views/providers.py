"""Providers (independent fostering agencies): the shared market every council sees."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from hearth.accounts.access import memberships_of, provider_for_user, providers_for_user
from hearth.accounts.roles import Capability
from hearth.people.selectors import provider_contracts, provider_places
from hearth.web.decorators import requires


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
    }
    return render(request, "people/provider_record.html", context)
