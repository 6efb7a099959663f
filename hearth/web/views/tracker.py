"""The placements tracker (every open search, DOMAIN.md step 3) and the emergency carer rota (step 5)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import capfirst
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import organisation_ids_granting
from hearth.accounts.roles import Capability
from hearth.core.deadlines import LONDON, is_overdue
from hearth.people import vocabulary
from hearth.referrals.carer_names import carer_name, names_carers
from hearth.referrals.models import Referral
from hearth.referrals.selectors import (
    TRACKER_SORTS,
    TRACKER_STATUSES,
    emergency_carers,
    emergency_duties,
    offers_passed_over,
    rota_councils,
    rota_reader_councils,
    tracker_rows,
)
from hearth.referrals.services import ReferralError, emergency_duty_add
from hearth.search.models import Offer
from hearth.search.presenters import money, waiting_for
from hearth.web.decorators import requires
from hearth.web.downloads import csv_download
from hearth.web.editing import audit_list_shown
from hearth.web.forms import GovukDateField, GovukForm
from hearth.web.presenters import age, date_time, long_date

ANY = [("", "Any")]
PAGE_SIZE = 50


# The placements tracker ----------------------------------------------------------------------------


class TrackerFilters(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=ANY + list(TRACKER_STATUSES.items()),
        error_messages={"invalid_choice": "Choose a status from the list"},
    )
    placement_type = forms.ChoiceField(
        label="Type of placement",
        required=False,
        choices=ANY + list(vocabulary.PLACEMENT_TYPES.items()),
        error_messages={"invalid_choice": "Choose a type of placement from the list"},
    )
    search_route = forms.ChoiceField(
        label="Search route",
        required=False,
        choices=ANY + Referral.SearchRoute.choices,
        error_messages={"invalid_choice": "Choose a search route from the list"},
    )
    urgent = forms.BooleanField(label="Urgent referrals", required=False)
    mine = forms.BooleanField(label="Searches whose next action I hold", required=False)
    offers_waiting = forms.BooleanField(
        label="Offers waiting for the social worker's decision", required=False
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=list(TRACKER_SORTS.items()),
        error_messages={"invalid_choice": "Choose how to sort from the list"},
    )

    def filters(self, user):
        """The tracker_rows arguments. A value not on its list is shown as an error at its field
        and that filter is left out (Django drops it from cleaned_data)."""
        self.is_valid()
        chosen = self.cleaned_data
        return {
            "status": chosen.get("status", ""),
            "placement_type": chosen.get("placement_type", ""),
            "search_route": chosen.get("search_route", ""),
            "urgent_only": bool(chosen.get("urgent")),
            "held_by": user if chosen.get("mine") else None,
            "offers_waiting": bool(chosen.get("offers_waiting")),
            "sort": chosen.get("sort") or "days_open",
        }


def tracker_row(referral, *, user, today, now):
    """One open search as the tracker shows it (and the CSV writes it) to `user`: the emergency
    carers by name only to someone who may see the council's households."""
    children = list(referral.children.all())
    opened = referral.accepted_at or referral.approved_at
    ends = referral.emergency_ends_at
    holder = referral.next_action_holder
    booked = referral.emergency_household_id is not None
    carer = carer_name(referral, named=names_carers(user, referral)) if booked else ""
    return {
        "pk": referral.pk,
        "file_reference": referral.file_reference,
        "council": referral.authority.name,
        "children": [child.full_name for child in children],
        "ages": [age(child.date_of_birth, today) for child in children],
        "placement_type": vocabulary.PLACEMENT_TYPES.get(referral.placement_type, "Not recorded"),
        "urgent": referral.urgent,
        # Whole days in Europe/London: a search opened at 11pm has been open a day at 1am.
        "days_open": (today - opened.astimezone(LONDON).date()).days if opened else None,
        "date_needed": referral.date_needed,
        "status": referral.get_status_display(),
        "in_house_search": referral.get_in_house_search_display(),
        "agency_search": referral.get_agency_search_display(),
        "search_route": referral.get_search_route_display() or "Not decided",
        "emergency_carer": capfirst(carer),
        "emergency_ends_at": ends,
        "emergency_ends": date_time(ends) if ends else "",
        "emergency_overdue": referral.emergency_ended_at is None and is_overdue(ends, now),
        "next_action": referral.next_action,
        "next_action_holder": holder.display_name if holder else "",
        "offers_waiting": _offers_waiting(referral.waiting_offers, now),
    }


def _offers_waiting(offers, now):
    """'2 (in-house 1, agency 1), the oldest for 3 days', or '' when no offer waits."""
    if not offers:
        return ""
    agency = sum(1 for offer in offers if offer.source == Offer.Source.AGENCY)
    if 0 < agency < len(offers):
        split = f" (in-house {len(offers) - agency}, agency {agency})"
    else:
        split = " from agencies" if agency else " in-house"
    return f"{len(offers)}{split}, the oldest waiting {waiting_for(offers[0].made_at, now)}"


CSV_COLUMNS = [
    ("Referral", lambda row: row["pk"]),
    ("File reference", lambda row: row["file_reference"]),
    ("Council", lambda row: row["council"]),
    ("Children", lambda row: "; ".join(row["children"])),
    ("Ages", lambda row: "; ".join(row["ages"])),
    ("Type of placement", lambda row: row["placement_type"]),
    ("Urgent", lambda row: "Yes" if row["urgent"] else "No"),
    ("Days open", lambda row: "" if row["days_open"] is None else row["days_open"]),
    ("Date needed", lambda row: row["date_needed"].isoformat() if row["date_needed"] else ""),
    ("Status", lambda row: row["status"]),
    ("In-house search", lambda row: row["in_house_search"]),
    ("Agency search", lambda row: row["agency_search"]),
    ("Search route", lambda row: row["search_route"]),
    ("Emergency carer", lambda row: row["emergency_carer"]),
    (
        "Emergency placement ends",
        lambda row: (
            f"{row['emergency_ends_at'].astimezone(LONDON):%Y-%m-%d %H:%M}"
            if row["emergency_ends_at"]
            else ""
        ),
    ),
    ("Next action", lambda row: row["next_action"]),
    ("Next action held by", lambda row: row["next_action_holder"]),
    ("Offers waiting for a decision", lambda row: row["offers_waiting"]),
]


def tracker_csv(rows, today):
    return csv_download(
        f"placements-tracker-{today:%Y-%m-%d}.csv",
        [title for title, _ in CSV_COLUMNS],
        [[value(row) for _, value in CSV_COLUMNS] for row in rows],
    )


def _csv_query(request):
    query = request.GET.copy()
    query.pop("format", None)
    query["format"] = "csv"
    return query.urlencode()


@requires(Capability.VIEW_CHILDREN)
@require_GET
def tracker(request):
    user, now = request.user, timezone.now()
    today = now.astimezone(LONDON).date()
    form = TrackerFilters(request.GET)
    referrals = tracker_rows(user, **form.filters(user))
    if request.GET.get("format") == "csv":
        rows = [tracker_row(referral, user=user, today=today, now=now) for referral in referrals]
        audit_list_shown(request, "referral", len(rows), "placements tracker CSV")
        return tracker_csv(rows, today)
    # A region's tracker holds thousands of searches: the screen shows them a page at a time.
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [tracker_row(referral, user=user, today=today, now=now) for referral in page.object_list]
    audit_list_shown(request, "referral", len(rows), f"placements tracker page {page.number}")
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "csv_query": _csv_query(request),
        "reads_rota": bool(rota_reader_councils(user)),
        "several_councils": len(organisation_ids_granting(user, Capability.VIEW_CHILDREN)) > 1,
    }
    return render(request, "tracker/tracker.html", context)


# In-house offers passed over ----------------------------------------------------------------------


def _passed_over_row(offer, now):
    return {
        "referral": offer.referral_id,
        "file_reference": offer.referral.file_reference,
        "council": offer.referral.authority.name,
        "children": [child.full_name for child in offer.children.all()],
        "agency": offer.household.provider.name,
        "weekly_cost": money(offer.weekly_cost) if offer.weekly_cost is not None else "",
        "decided_by": offer.decided_by.display_name if offer.decided_by else "",
        "decided_at": offer.decided_at,
        "decided": date_time(offer.decided_at) if offer.decided_at else "",
        "status": offer.get_status_display(),
        "reason": offer.in_house_passed_over,
    }


PASSED_OVER_COLUMNS = [
    ("Referral", lambda row: row["referral"]),
    ("File reference", lambda row: row["file_reference"]),
    ("Council", lambda row: row["council"]),
    ("Children", lambda row: "; ".join(row["children"])),
    ("Agency", lambda row: row["agency"]),
    ("Weekly cost", lambda row: row["weekly_cost"]),
    ("Agreed by", lambda row: row["decided_by"]),
    (
        "Agreed on",
        lambda row: f"{row['decided_at'].astimezone(LONDON):%Y-%m-%d}" if row["decided_at"] else "",
    ),
    ("Offer now", lambda row: row["status"]),
    ("Why not the in-house offer", lambda row: row["reason"]),
]


@requires(Capability.VIEW_CHILDREN)
@require_GET
def passed_over(request):
    """In-house offers come first (001): every agency offer agreed while an in-house one stood,
    with the social worker's reason, for the placements team and managers to review."""
    now = timezone.now()
    offers = offers_passed_over(request.user)
    if request.GET.get("format") == "csv":
        rows = [_passed_over_row(offer, now) for offer in offers]
        audit_list_shown(request, "referral", len(rows), "in-house offers passed over CSV")
        return csv_download(
            f"in-house-offers-passed-over-{now.astimezone(LONDON):%Y-%m-%d}.csv",
            [title for title, _ in PASSED_OVER_COLUMNS],
            [[value(row) for _, value in PASSED_OVER_COLUMNS] for row in rows],
        )
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [_passed_over_row(offer, now) for offer in page.object_list]
    audit_list_shown(request, "referral", len(rows), f"in-house offers passed over {page.number}")
    return render(request, "tracker/passed_over.html", {"rows": rows, "page": page})


# The emergency carer rota -------------------------------------------------------------------------


class EmergencyDutyForm(GovukForm):
    household = forms.TypedChoiceField(
        label="Emergency carer",
        coerce=int,
        widget=forms.RadioSelect,
        help_text="In-house households approved for emergency care",
        error_messages={
            "required": "Choose the emergency carer on duty",
            "invalid_choice": "Choose one of the emergency carers listed",
        },
    )
    starts_on = GovukDateField(
        label="First day on duty",
        help_text="For example, 27 3 2026",
        error_messages={"required": "Enter the first day on duty"},
    )
    ends_on = GovukDateField(
        label="Last day on duty",
        help_text="For example, 3 4 2026",
        error_messages={"required": "Enter the last day on duty"},
    )

    def __init__(self, data, *, households, today):
        super().__init__(data)
        self.households = {household.pk: household for household in households}
        several = len({household.provider_id for household in households}) > 1
        self.fields["household"].choices = [
            (h.pk, f"{h.name} ({h.provider.name})" if several else h.name) for h in households
        ]
        self.today = today

    def clean_household(self):
        return self.households[self.cleaned_data["household"]]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if ends_on and ends_on < self.today:
            self.add_error("ends_on", "The last day on duty must be today or later")
        elif starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The last day on duty must be on or after the first day")
        return cleaned


def duty_row(duty, today):
    """One duty on the rota. Its readers may all open the carers' record (rota_reader_councils)."""
    household = duty.household
    return {
        "household": household.name,
        "household_id": household.pk,
        "council": duty.authority.name,
        "starts_on": long_date(duty.starts_on),
        "ends_on": long_date(duty.ends_on),
        "on_duty_today": duty.starts_on <= today <= duty.ends_on,
        "added_by": duty.created_by.display_name,
    }


def _refuse_to_add(request):
    """Someone who may read the rota but not keep it: refused, and the attempt audited."""
    refusal = {"record_type": "emergency_duty", "record_id": "", "user": request.user}
    request.hearth_denied = [*getattr(request, "hearth_denied", []), refusal]
    raise PermissionDenied("Only a placements officer can add to the emergency carer rota")


def _add_duty(request, form):
    """Add the duty the valid form describes; True when it was added."""
    household = form.cleaned_data["household"]
    try:
        duty = emergency_duty_add(
            user=request.user, authority=household.provider, household=household,
            starts_on=form.cleaned_data["starts_on"], ends_on=form.cleaned_data["ends_on"],
            request=request,
        )  # fmt: skip
    except ReferralError as error:
        # The form has already checked the dates, so what the service refuses is the household.
        for field, message in (error.field_errors or {"household": str(error)}).items():
            form.add_error(field if field in form.fields else None, message)
        return False
    messages.success(
        request,
        f"{household.name} is on emergency duty from {long_date(duty.starts_on)} "
        f"to {long_date(duty.ends_on)}.",
    )
    return True


@requires(Capability.VIEW_CHILDREN)
@require_http_methods(["GET", "POST"])
def emergency_rota(request):
    """The rota names the carers: only for those who may see the council's households too."""
    user = request.user
    if not rota_reader_councils(user):
        raise Http404("No such page")
    councils = rota_councils(user)
    keeps_rota = bool(councils)
    if request.method == "POST" and not keeps_rota:
        _refuse_to_add(request)
    today = timezone.now().astimezone(LONDON).date()
    form = None
    if keeps_rota:
        carers = emergency_carers(user, councils)
        form = EmergencyDutyForm(request.POST or None, households=carers, today=today)
        if request.method == "POST" and form.is_valid() and _add_duty(request, form):
            return redirect("emergency_rota")
    current, past = emergency_duties(user, today=today)
    current_rows = [duty_row(duty, today) for duty in current]
    past_rows = [duty_row(duty, today) for duty in past]
    shown = len(current_rows) + len(past_rows)
    audit_list_shown(request, "household", shown, "emergency carer rota")
    context = {
        "form": form,
        "keeps_rota": keeps_rota,
        "current": current_rows,
        "past": past_rows,
        "several_councils": len({row["council"] for row in current_rows + past_rows}) > 1,
    }
    return render(request, "tracker/emergency_rota.html", context)
