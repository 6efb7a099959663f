"""The work tray: what is waiting for me, and for the teams I manage (DOMAIN.md, steps 2 and 3)."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hearth.core.deadlines import is_overdue
from hearth.trays.selectors import team_tray_for_user, teams_managed_by, tray_for_user
from hearth.web.decorators import signed_in
from hearth.web.editing import audit_list_shown
from hearth.web.presenters import date_time, role_label

PAGE_SIZE = 50


def held_by(item, user):
    """Who an item waits for, in words: a person, a team's tray or everyone holding a role."""
    if item.assigned_user_id is not None:
        return "You" if item.assigned_user_id == user.pk else item.assigned_user.display_name
    role = role_label(item.assigned_role) if item.assigned_role else ""
    if item.assigned_team_id is not None:
        team = f"{item.assigned_team.name} (team tray)"
        return f"{team}: {role}" if role else team
    return f"{role} (shared by everyone in the role)"


def tray_row(item, user, now):
    return {
        "referral_id": item.referral_id,
        "link": item.link,
        "urgent": item.urgent,
        "kind": item.get_kind_display(),
        "title": item.title,
        "note": item.note,
        "held_by": held_by(item, user),
        "opened": date_time(item.opened_at),
        "due": date_time(item.due_at) if item.due_at else "",
        "overdue": is_overdue(item.due_at, now),
    }


@signed_in
@require_GET
def work_tray(request):
    user = request.user
    manages_a_team = teams_managed_by(user).exists()
    view = "team" if manages_a_team and request.GET.get("view") == "team" else "mine"
    items = team_tray_for_user(user) if view == "team" else tray_for_user(user)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    rows = [tray_row(item, user, now) for item in page.object_list]
    where = "team work tray" if view == "team" else "work tray"
    audit_list_shown(request, "referral", len(rows), f"{where} page {page.number}")
    context = {
        "view": view,
        "manages_a_team": manages_a_team,
        "page": page,
        "rows": rows,
        "urgent_count": items.filter(urgent=True).count() if rows else 0,
    }
    return render(request, "trays/work_tray.html", context)
