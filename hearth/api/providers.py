"""Fostering agencies: the shared market every council's staff may see, with its vacancies."""

from collections import defaultdict

from django.db.models import Count
from ninja import Router
from ninja.pagination import paginate

from hearth.accounts.access import memberships_of, provider_for_user, providers_for_user
from hearth.api.pagination import ApiPagination
from hearth.api.schemas import ErrorOut, ProviderOut
from hearth.people.models import Household

router = Router(tags=["providers"])

OPEN_STATUSES = [Household.Status.APPROVED, Household.Status.TEMPORARY]


def callers_council(user):
    """The first council the user works for (the one whose policy they see), or None."""
    return next((m.organisation for m in memberships_of(user) if m.organisation.is_authority), None)


def _contract_statuses(user, provider_ids):
    council = callers_council(user)
    if council is None:
        return {}
    contracts = providers_for_user(user).filter(
        pk__in=provider_ids, contracts_held__authority=council
    )
    return dict(contracts.values_list("pk", "contracts_held__status"))


def _open_households(user, provider_ids):
    """provider id -> [(children approved for, children placed)] of its approved households.

    Aggregates only: no carer's record leaves the agency.
    """
    rows = (
        providers_for_user(user)
        .filter(pk__in=provider_ids, households__status__in=OPEN_STATUSES)
        .values("pk", "households", "households__max_children")
        .annotate(placed=Count("households__children_placed"))
        .order_by()
    )
    households = defaultdict(list)
    for row in rows:
        households[row["pk"]].append((row["households__max_children"], row["placed"]))
    return households


def add_market_figures(request, providers, pagination=None):
    """Set contract status, approved households and vacancies on each provider, in two queries."""
    provider_ids = [provider.pk for provider in providers]
    statuses = _contract_statuses(request.user, provider_ids)
    households = _open_households(request.user, provider_ids)
    for provider in providers:
        places = households[provider.pk]
        provider.contract_status = statuses.get(provider.pk)
        provider.approved_households = len(places)
        provider.vacancies = sum(max(approved - placed, 0) for approved, placed in places)


@router.get("", response={200: list[ProviderOut], 401: ErrorOut})
@paginate(ApiPagination, on_page=add_market_figures)
def provider_list(request):
    return providers_for_user(request.user).order_by("name", "pk")


@router.get("/{provider_id}", response={200: ProviderOut, 401: ErrorOut, 404: ErrorOut})
def provider_detail(request, provider_id: int):
    provider = provider_for_user(request.user, provider_id, request=request)
    add_market_figures(request, [provider])
    return provider
