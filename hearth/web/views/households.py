"""Carer households' records: list, record, add, change."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import can, household_for_user, organisations_granting
from hearth.accounts.roles import Capability
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import is_overdue
from hearth.fostering import support
from hearth.people import services
from hearth.people.forms import HouseholdForm
from hearth.people.models import Household
from hearth.people.selectors import children_placed_with, household_list
from hearth.web.choosing import choose_organisation, organisation_for
from hearth.web.decorators import requires
from hearth.web.editing import audit_names_shown, audit_shown, saved, versioned
from hearth.web.presenters import date_time, household_summary

PAGE_SIZE = 50


@requires(Capability.VIEW_HOUSEHOLDS)
@require_GET
def household_index(request):
    search = request.GET.get("q", "").strip()
    status = request.GET.get("status", "")
    status = status if status in Household.Status.values else ""
    vacancies = request.GET.get("vacancies") == "1"
    households = household_list(request.user, search=search, status=status, vacancies=vacancies)
    page = Paginator(households, PAGE_SIZE).get_page(request.GET.get("page"))
    audit_record(
        user=request.user,
        action=AuditEvent.Action.LIST,
        record_type="household",
        request=request,
        detail=f"page {page.number}" + (f", search '{search}'" if search else ""),
    )
    context = {
        "page": page,
        "search": search,
        "status": status,
        "vacancies": vacancies,
        "statuses": Household.Status.choices,
        "can_add": bool(organisations_granting(request.user, Capability.EDIT_HOUSEHOLDS)),
    }
    return render(request, "people/household_index.html", context)


# Statuses in which the household's approval terms mean something: approved (fully, temporarily, on
# hold). Before approval, or after the carers have left, the record says so instead.
HAS_APPROVAL = (Household.Status.APPROVED, Household.Status.TEMPORARY, Household.Status.ON_HOLD)


@requires(Capability.VIEW_HOUSEHOLDS, record="household")
@require_GET
def household_record(request, pk):
    household = household_for_user(request.user, pk, request=request)
    children_placed = children_placed_with(request.user, household)
    named_children = list(household.named_children.all())
    shown = {child.pk for child in [*children_placed, *named_children]}
    review_waiting = support.review_waiting_for_panel(household) is not None
    audit_names_shown(request, "child", shown, f"household {household.pk}'s record")
    context = {
        "household": household,
        "summary": household_summary(household),
        "carers": list(household.carers.all()),
        "children_placed": children_placed,
        "named_children": named_children,
        "review_due": date_time(household.review_due_at) if household.review_due_at else None,
        "review_waiting": review_waiting,
        "review_overdue": not review_waiting
        and is_overdue(household.review_due_at, timezone.now()),
        "has_approval": household.status in HAS_APPROVAL,
        "can_edit": can(request.user, Capability.EDIT_HOUSEHOLDS, household.provider),
        "can_audit": can(request.user, Capability.VIEW_AUDIT, household.provider),
    }
    return render(request, "people/household_record.html", context)


@requires(Capability.EDIT_HOUSEHOLDS)
@require_http_methods(["GET", "POST"])
def household_add(request):
    providers = organisations_granting(request.user, Capability.EDIT_HOUSEHOLDS)
    provider = organisation_for(request, providers)
    if provider is None:
        return choose_organisation(request, providers, "Add a household")
    form = HouseholdForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        household = services.household_create(
            user=request.user, provider=provider, data=form.cleaned_data, request=request
        )
        messages.success(request, f"{household.name} was added.")
        return redirect("household", pk=household.pk)
    return render(request, "people/household_form.html", {"form": form, "title": "Add a household"})


@requires(Capability.EDIT_HOUSEHOLDS, record="household")
@require_http_methods(["GET", "POST"])
def household_change(request, pk):
    household = household_for_user(request.user, pk, write=True, request=request, audit_view=False)
    title = f"Change {household.name}"  # before the form puts posted values on `household`
    form = versioned(
        HouseholdForm(request.POST or None, instance=household, provider=household.provider),
        household,
    )
    posted = request.method == "POST" and form.is_valid()
    if posted and saved(
        request, form, services.household_update, user=request.user, household=household
    ):
        return redirect("household", pk=household.pk)
    audit_shown(request, "household", household, household.provider)
    context = {"form": form, "title": title, "household": household}
    return render(request, "people/household_form.html", context)
