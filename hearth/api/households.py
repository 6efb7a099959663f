"""Fostering households (in-house and agencies'), as the caller's organisations may see them."""

from django.db.models import Count
from ninja import Router
from ninja.pagination import paginate

from hearth.accounts.access import household_for_user, households_for_user
from hearth.api.audit import audit_listed
from hearth.api.pagination import ApiPagination
from hearth.api.schemas import ErrorOut, HouseholdOut

router = Router(tags=["households"])


@router.get("", response={200: list[HouseholdOut], 401: ErrorOut})
@paginate(ApiPagination, on_page=audit_listed("household"))
def household_list(request):
    return (
        households_for_user(request.user)
        .select_related("provider", "supervising_social_worker")
        .prefetch_related("carers", "named_children")
        .annotate(placed_count=Count("children_placed"))
        .order_by("name", "pk")
    )


@router.get("/{household_id}", response={200: HouseholdOut, 401: ErrorOut, 404: ErrorOut})
def household_detail(request, household_id: int):
    return household_for_user(request.user, household_id, request=request)
