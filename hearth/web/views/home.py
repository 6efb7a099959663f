"""The home page: what is waiting for me, what is overdue, by the roles I hold."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.accounts.access import administered_organisations, can, memberships_of, roles_of
from hearth.accounts.roles import Capability, Role
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.people.models import Household
from hearth.people.selectors import authority_figures, child_list, household_list
from hearth.trays.selectors import tray_for_user
from hearth.web.decorators import signed_in
from hearth.web.presenters import long_date, role_label
from hearth.web.views.dashboards import dashboards_for

MANAGERS = {
    Role.TEAM_MANAGER,
    Role.SERVICE_LEAD,
    Role.SENIOR_MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.ASSISTANT_DIRECTOR,
    Role.DIRECTOR,
}
FOSTERING = {
    Role.FOSTERING_DUTY_WORKER,
    Role.FOSTERING_TEAM_MANAGER,
    Role.PLACEMENTS_OFFICER,
    Role.AGENCY_DECISION_MAKER,
    Role.AGENCY_USER,
}
TRAY_ITEMS_SHOWN = 5


def _panel(title, rows, *, empty, link=None, overdue=False, total=None):
    return {
        "title": title,
        "rows": rows,
        "empty": empty,
        "link": link,
        "overdue": overdue,
        "total": total,
    }


def _child_rows(children):
    return [
        {"text": f"{c.full_name} ({c.reference})", "url": f"/children/{c.pk}/"} for c in children
    ]


def _household_rows(households, now):
    rows = []
    for h in households:
        due = h.review_due_at
        note = ""
        if due:
            note = ("overdue since " if due < now else "due ") + long_date(
                timezone.localtime(due).date()
            )
        rows.append(
            {"text": f"{h.name} ({h.reference})", "url": f"/households/{h.pk}/", "note": note}
        )
    return rows


def _children_panels(user, roles):
    panels = []
    if Role.SOCIAL_WORKER in roles:
        mine = child_list(user, mine=True)
        panels.append(
            _panel(
                "Children allocated to you",
                _child_rows(mine[:10]),
                total=mine.count(),
                empty="No children are allocated to you.",
                link="/children/?mine=1",
            )
        )
    if Role.IRO in roles:
        reviewed = child_list(user).filter(iro=user)
        panels.append(
            _panel(
                "Children you are the IRO for",
                _child_rows(reviewed[:10]),
                total=reviewed.count(),
                empty="You are not the IRO for any child.",
            )
        )
    if roles & MANAGERS:
        unallocated = child_list(user).filter(social_worker__isnull=True)
        panels.append(
            _panel(
                "Children with no allocated social worker",
                _child_rows(unallocated[:10]),
                total=unallocated.count(),
                overdue=unallocated.exists(),
                empty="Every child has an allocated social worker.",
            )
        )
    return panels


def _household_panels(user, roles, now):
    panels = []
    households = household_list(user)
    if Role.SUPERVISING_SOCIAL_WORKER in roles:
        mine = households.filter(supervising_social_worker=user)
        panels.append(
            _panel(
                "Households you supervise",
                _household_rows(mine[:10], now),
                total=mine.count(),
                empty="You supervise no households.",
            )
        )
    if roles & (FOSTERING | {Role.SUPERVISING_SOCIAL_WORKER}):
        overdue = households.filter(review_due_at__lt=now).exclude(
            status=Household.Status.DEREGISTERED
        )
        panels.append(
            _panel(
                "Reviews and temporary approvals overdue",
                _household_rows(overdue[:10], now),
                total=overdue.count(),
                overdue=overdue.exists(),
                empty="No household's review is overdue.",
            )
        )
        vacancies = household_list(user, vacancies=True)
        panels.append(
            _panel(
                "Households with a free place",
                _household_rows(vacancies[:10], now),
                total=vacancies.count(),
                link="/households/?vacancies=1",
                empty="No approved household has a free place.",
            )
        )
    return panels


def _portal_panel(user, now):
    """An agency's staff are led first to the referrals councils sent them (the agency portal)."""
    from hearth.accounts.access import agency_requests_for_user
    from hearth.search.models import AgencyRequest

    waiting = (
        agency_requests_for_user(user)
        .filter(status=AgencyRequest.Status.SENT)
        .select_related("referral__authority")
        .order_by("answer_due_at", "pk")
    )
    rows = []
    for sent in waiting[:TRAY_ITEMS_SHOWN]:
        due = sent.answer_due_at
        when = ("overdue since " if due < now else "answer due ") + long_date(
            timezone.localtime(due).date()
        )
        rows.append(
            {
                "text": f"Request {sent.pk} from {sent.referral.authority.name}",
                "url": f"/portal/requests/{sent.pk}/",
                "note": when,
            }
        )
    rows.append({"text": "Every referral sent to your agency", "url": "/portal/"})
    return _panel(
        "Referrals waiting for your answer",
        rows,
        total=waiting.count(),
        overdue=any(row.get("note", "").startswith("overdue") for row in rows),
        empty="",
    )


def _work_tray_panel(request):
    """Council staff see first how much waits in their work tray, urgent items first."""
    user = request.user
    if not any(m.organisation.is_authority for m in memberships_of(user)):
        return None
    items = tray_for_user(user)
    first = list(items[:TRAY_ITEMS_SHOWN])
    if not first:
        return {"total": 0, "urgent": 0, "items": []}
    audit_record(user=user, action=AuditEvent.Action.LIST, record_type="referral",
                 request=request, detail=f"home page work tray, {len(first)} shown")  # fmt: skip
    rows = [
        {
            "referral_id": item.referral_id,
            "title": item.title,
            "kind": item.get_kind_display(),
            "urgent": item.urgent,
        }
        for item in first
    ]
    return {"total": items.count(), "urgent": items.filter(urgent=True).count(), "items": rows}


def _audited(request, record_type, panels):
    """Names of children or households on the home page are a read of a list: one audit row."""
    shown = sum(len(panel["rows"]) for panel in panels)
    if shown:
        audit_record(user=request.user, action=AuditEvent.Action.LIST, record_type=record_type,
                     request=request, detail=f"home page, {shown} shown")  # fmt: skip
    return panels


@signed_in
@require_GET
def home(request):
    user = request.user
    roles = roles_of(user)
    now = timezone.now()
    panels = []
    if Role.AGENCY_USER in roles:
        panels.append(_portal_panel(user, now))
    if can(user, Capability.VIEW_CHILDREN):
        panels += _audited(request, "child", _children_panels(user, roles))
    if can(user, Capability.VIEW_HOUSEHOLDS):
        panels += _audited(request, "household", _household_panels(user, roles, now))
    memberships = [f"{role_label(m.role)}, {m.organisation}" for m in memberships_of(user)]
    context = {
        "work_tray": _work_tray_panel(request),
        "dashboards": dashboards_for(user),
        "panels": panels,
        "memberships": memberships,
        "is_admin": can(user, Capability.ADMINISTER),
        "administers_a_council": any(o.is_authority for o in administered_organisations(user)),
        "figures": [
            authority_figures(m.organisation)
            for m in memberships_of(user)
            if m.role == Role.REGION_ANALYST and m.organisation.is_authority
        ],
    }
    return render(request, "home.html", context)
