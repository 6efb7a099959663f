"""Reads of children's and households' records, always starting from what the user may see."""

from django.db.models import Case, Count, F, OuterRef, Q, Subquery, Value, When

from hearth.accounts.access import (
    children_for_user,
    households_for_user,
    memberships_of,
    providers_for_user,
)
from hearth.core.models import Contract
from hearth.people.models import Child, Household


def child_list(user, *, search="", mine=False):
    children = children_for_user(user).select_related("social_worker", "team", "placed_with")
    if mine:
        children = children.filter(social_worker=user)
    if search:
        children = children.filter(
            Q(first_name__icontains=search)
            | Q(last_name__icontains=search)
            | Q(reference__iexact=search)
        )
    return children.order_by("last_name", "first_name", "pk")


def with_free_places(households):
    return households.annotate(placed=Count("children_placed")).annotate(
        free_places=F("max_children") - F("placed")
    )


def household_list(user, *, search="", status="", vacancies=False):
    households = with_free_places(
        households_for_user(user).select_related("provider", "supervising_social_worker")
    )
    if search:
        households = households.filter(Q(name__icontains=search) | Q(reference__iexact=search))
    if status:
        households = households.filter(status=status)
    if vacancies:
        households = households.filter(
            status__in=[Household.Status.APPROVED, Household.Status.TEMPORARY], free_places__gt=0
        )
    return households.order_by("name", "pk")


def siblings_of(user, child):
    if child.sibling_group_id is None:
        return []
    return list(
        children_for_user(user).filter(sibling_group_id=child.sibling_group_id).exclude(pk=child.pk)
    )


def children_placed_with(user, household):
    """Children living in the household whom the user may see (a council sees only its own)."""
    return list(children_for_user(user).filter(placed_with=household))


def provider_contracts(council_ids, provider_ids):
    """provider id -> the contract (in or off) of the user's council with it."""
    contracts = Contract.objects.filter(authority_id__in=council_ids, agency_id__in=provider_ids)
    return {c.agency_id: c for c in contracts.select_related("authority")}


OPEN_HOUSEHOLDS = (Household.Status.APPROVED, Household.Status.TEMPORARY)


def provider_vacancies(provider_ids):
    """provider id -> the aggregate figures a council may see about the agency's households
    (approved households, free places now), in one query: no carer's record."""
    figures = {pk: {"approved_households": 0, "free_places": 0} for pk in provider_ids}
    rows = with_free_places(
        Household.objects.filter(provider_id__in=provider_ids, status__in=OPEN_HOUSEHOLDS)
    ).values_list("provider_id", "free_places")
    for provider_id, free in rows:
        figures[provider_id]["approved_households"] += 1
        figures[provider_id]["free_places"] += max(free, 0)
    return figures


def provider_places(provider):
    """Aggregate figures a council may see about an agency's households: no carer's record."""
    return provider_vacancies([provider.pk])[provider.pk]


def provider_contacts(provider):
    return list(provider.contacts.order_by("name", "pk"))


# The provider directory's filters: each a JSON list searched as text (a value in quotes), which
# reads the same on SQLite and PostgreSQL.
CONTRACT_FILTERS = {
    Contract.Status.IN_CONTRACT: "In contract",
    Contract.Status.OFF_CONTRACT: "Off contract",
    "none": "No contract",
}
FOSTERING, RESIDENTIAL = "fostering", "residential"


def _listed(field, value):
    return Q(**{f"{field}__icontains": f'"{value}"'})


def fosters(field="provides"):
    """Providers running foster homes: those saying so, and those whose services are not recorded
    (every provider was an independent fostering agency before the directory said more)."""
    return _listed(field, FOSTERING) | Q(**{field: []})


def with_contracts(providers, council_id):
    """The providers with `contract_status`, the council's contract with each (None for none), and
    `contract_rank`: 0 in contract, 1 off contract, 2 no contract, the order providers are asked
    in (000)."""
    contracts = Contract.objects.filter(authority_id=council_id, agency_id=OuterRef("pk"))
    return providers.annotate(
        contract_status=Subquery(contracts.values("status")[:1]),
    ).annotate(
        contract_rank=Case(
            When(contract_status=Contract.Status.IN_CONTRACT, then=Value(0)),
            When(contract_status=Contract.Status.OFF_CONTRACT, then=Value(1)),
            default=Value(2),
        )
    )


def provider_list(user, *, search="", contract="", care_type="", service="", area=""):
    """The provider directory as the user may see it, with the contract of the user's council
    (`contract_status`, None for none), in contract first, then off contract, then none, by name.
    Filters: `contract` (a CONTRACT_FILTERS code), `care_type` (a PLACEMENT_TYPES code), `service`
    ("fostering" or "residential"), `area` (part of the name of a council area served)."""
    council = next(
        (m.organisation_id for m in memberships_of(user) if m.organisation.is_authority), None
    )
    providers = with_contracts(providers_for_user(user), council)
    if search:
        providers = providers.filter(Q(name__icontains=search) | Q(ofsted_urn__iexact=search))
    if contract in CONTRACT_FILTERS:
        providers = providers.filter(
            contract_rank={"in_contract": 0, "off_contract": 1}.get(contract, 2)
        )
    if care_type:
        providers = providers.filter(_listed("care_types", care_type))
    if service == FOSTERING:
        providers = providers.filter(fosters())
    elif service == RESIDENTIAL:
        providers = providers.filter(_listed("provides", RESIDENTIAL))
    if area:
        providers = providers.filter(areas_served__icontains=area)
    return providers.order_by("contract_rank", "name", "pk")


def authority_figures(authority):
    """Counts a region analyst may see: no child's or carer's record, only totals."""
    households = with_free_places(
        Household.objects.filter(
            provider=authority, status__in=[Household.Status.APPROVED, Household.Status.TEMPORARY]
        )
    )
    return {
        "authority": authority.name,
        "children_looked_after": Child.objects.filter(authority=authority).count(),
        "approved_households": households.count(),
        "free_places": sum(max(h.free_places, 0) for h in households),
    }
