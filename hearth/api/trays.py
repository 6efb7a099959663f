"""The caller's work tray: the open items waiting for them, or for the teams they manage."""

from ninja import Query, Router
from ninja.pagination import paginate

from hearth.api.audit import audit_listed
from hearth.api.pagination import ApiPagination
from hearth.api.referral_schemas import WorkItemOut, WorkTrayQuery
from hearth.api.schemas import ErrorOut
from hearth.trays.selectors import team_tray_for_user, tray_for_user

router = Router(tags=["work tray"])
audit_work_items = audit_listed("referral")


def audit_when_shown(request, items, pagination):
    """Items' titles name children: a page with items in it is audited, an empty one is not."""
    if items:
        audit_work_items(request, items, pagination)


@router.get("", response={200: list[WorkItemOut], 401: ErrorOut})
@paginate(ApiPagination, on_page=audit_when_shown)
def work_tray(request, query: Query[WorkTrayQuery]):
    """Open items, urgent first, then by due date, then oldest first."""
    if query.view == "team":
        return team_tray_for_user(request.user)
    return tray_for_user(request.user)
