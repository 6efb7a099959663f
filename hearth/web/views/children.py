"""Children's records: list, record, add, change, access log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import (
    can,
    child_for_user,
    organisation_ids_granting,
    organisations_granting,
    referrals_for_user,
)
from hearth.accounts.roles import Capability
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.people import services
from hearth.people.forms import ChildForm
from hearth.people.selectors import child_list, siblings_of
from hearth.placements.presenters import child_placements
from hearth.referrals.presenters import child_referrals, offers_referral
from hearth.web.choosing import choose_organisation, organisation_for
from hearth.web.decorators import requires
from hearth.web.editing import audit_names_shown, audit_shown, saved, versioned
from hearth.web.presenters import child_summary

PAGE_SIZE = 50


@requires(Capability.VIEW_CHILDREN)
@require_GET
def child_index(request):
    search = request.GET.get("q", "").strip()
    mine = request.GET.get("mine") == "1"
    page = Paginator(child_list(request.user, search=search, mine=mine), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    audit_record(
        user=request.user,
        action=AuditEvent.Action.LIST,
        record_type="child",
        request=request,
        detail=f"page {page.number}" + (f", search '{search}'" if search else ""),
    )
    context = {
        "page": page,
        "households_shown": organisation_ids_granting(request.user, Capability.VIEW_HOUSEHOLDS),
        "search": search,
        "mine": mine,
        "can_add": bool(organisations_granting(request.user, Capability.EDIT_CHILDREN)),
    }
    return render(request, "people/child_index.html", context)


@requires(Capability.VIEW_CHILDREN, record="child")
@require_GET
def child_record(request, pk):
    child = child_for_user(request.user, pk, request=request)
    siblings = siblings_of(request.user, child)
    audit_names_shown(request, "child", siblings, f"child {child.pk}'s record")
    referrals = child_referrals(
        referrals_for_user(request.user).filter(children=child).order_by("-created_at", "-pk")
    )
    context = {
        "child": child,
        "summary": child_summary(child),
        "siblings": siblings,
        "can_edit": can(request.user, Capability.EDIT_CHILDREN, child.authority),
        # The household is a carer's record: a Virtual School officer sees the child, not the carers.
        "shows_household": can(request.user, Capability.VIEW_HOUSEHOLDS, child.authority),
        "can_audit": can(request.user, Capability.VIEW_AUDIT, child.authority),
        "referrals": referrals,
        "may_refer": not any(r["open"] for r in referrals) and offers_referral(request.user, child),
        "placements": child_placements(request.user, child),
    }
    return render(request, "people/child_record.html", context)


@requires(Capability.EDIT_CHILDREN)
@require_http_methods(["GET", "POST"])
def child_add(request):
    councils = organisations_granting(request.user, Capability.EDIT_CHILDREN)
    authority = organisation_for(request, councils)
    if authority is None:
        return choose_organisation(request, councils, "Add a child")
    form = ChildForm(request.POST or None, authority=authority)
    if request.method == "POST" and form.is_valid():
        try:
            child = services.child_create(
                user=request.user, authority=authority, data=form.cleaned_data, request=request
            )
        except services.PlaceTaken as error:
            form.add_error("placed_with_reference", str(error))
        else:
            messages.success(request, f"{child.full_name}'s record was added.")
            return redirect("child", pk=child.pk)
    return render(request, "people/child_form.html", {"form": form, "title": "Add a child"})


@requires(Capability.EDIT_CHILDREN, record="child")
@require_http_methods(["GET", "POST"])
def child_change(request, pk):
    child = child_for_user(request.user, pk, write=True, request=request, audit_view=False)
    title = f"Change {child.full_name}'s record"  # before the form puts posted values on `child`
    form = versioned(
        ChildForm(request.POST or None, instance=child, authority=child.authority), child
    )
    posted = request.method == "POST" and form.is_valid()
    if posted and saved(request, form, services.child_update, user=request.user, child=child):
        return redirect("child", pk=child.pk)
    audit_shown(request, "child", child, child.authority)
    return render(
        request,
        "people/child_form.html",
        {"form": form, "title": title, "child": child},
    )
