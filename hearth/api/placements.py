"""Placements (SSDA903 episodes) of the children the caller's councils may see."""

from ninja import Router
from ninja.pagination import paginate

from hearth.accounts.access import placement_for_user, placements_for_user
from hearth.api.audit import audit_listed
from hearth.api.pagination import ApiPagination
from hearth.api.schemas import ErrorOut, PlacementOut

router = Router(tags=["placements"])


@router.get("", response={200: list[PlacementOut], 401: ErrorOut})
@paginate(ApiPagination, on_page=audit_listed("placement"))
def placement_list(request):
    return (
        placements_for_user(request.user)
        .select_related("child", "costing")
        .order_by("-started_on", "-pk")
    )


@router.get("/{placement_id}", response={200: PlacementOut, 401: ErrorOut, 404: ErrorOut})
def placement_detail(request, placement_id: int):
    return placement_for_user(request.user, placement_id, request=request)
