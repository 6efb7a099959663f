"""Children looked after, as the caller's councils may see them."""

from ninja import Router
from ninja.pagination import paginate

from hearth.accounts.access import child_for_user, children_for_user
from hearth.api.audit import audit_listed
from hearth.api.pagination import ApiPagination
from hearth.api.schemas import ChildOut, ErrorOut

router = Router(tags=["children"])


@router.get("", response={200: list[ChildOut], 401: ErrorOut})
@paginate(ApiPagination, on_page=audit_listed("child"))
def child_list(request):
    return (
        children_for_user(request.user)
        .select_related("social_worker", "team", "iro", "sibling_group")
        .order_by("last_name", "first_name", "pk")
    )


@router.get("/{child_id}", response={200: ChildOut, 401: ErrorOut, 404: ErrorOut})
def child_detail(request, child_id: int):
    return child_for_user(request.user, child_id, request=request)
