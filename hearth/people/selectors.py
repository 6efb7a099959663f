"""Reads of children's and households' records, always starting from what the user may see."""

from django.db.models import Count, F, Q

from hearth.accounts.access import children_for_user, households_for_user
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


def provider_places(provider):
    """Aggregate figures a council may see about an agency's households: no carer's record."""
    households = with_free_places(Household.objects.filter(provider=provider))
    open_households = households.filter(
        status__in=[Household.Status.APPROVED, Household.Status.TEMPORARY]
    )
    return {
        "approved_households": open_households.count(),
        "free_places": sum(max(h.free_places, 0) for h in open_households),
    }


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
