"""From a signed-off match to a child living in a home: the cost approval, the IPA, starting the
placement with its SSDA903 codes, the placement's record, its costing and its ending; the spend
report.

Who may see a record is the access functions' business (404 for anyone else, audited); who may
take each step is `hearth.placements.permissions` (a person who may see the record but not take
the step gets 403, audited too). Each step is one service of `hearth.placements.services` (the
IPA: `hearth.placements.documents`).
"""

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import (
    cost_approval_for_user,
    deny,
    organisations_granting,
    placement_for_user,
    referral_for_user,
)
from hearth.accounts.roles import Capability
from hearth.people.services import EditConflict
from hearth.placements import codes, documents, permissions, presenters, selectors, services
from hearth.placements.forms import (
    CostDecisionForm,
    CostingForm,
    EmergencyStartForm,
    EndForm,
    StartForm,
)
from hearth.referrals.services import ActionNotAllowed, ReferralError, referral_title
from hearth.search.models import Offer
from hearth.search.presenters import agency_terms, matching_form_shown, offer_heading
from hearth.ssda903.episodes import open_without_placement
from hearth.web.decorators import requires
from hearth.web.downloads import csv_download, download
from hearth.web.editing import audit_names_shown, audit_shown
from hearth.web.refusals import not_allowed

ENDING_CONFLICT = (
    "Someone else changed the placement after you opened this page. The ending was not saved: "
    "reload the page and record it again."
)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _offer(request, referral_pk, offer_pk):
    """The referral (if the user may see it) and one of its offers; another referral's offer is
    not found, as if it did not exist, and the attempt is audited."""
    referral = referral_for_user(request.user, referral_pk, request=request, audit_view=False)
    prefetch_related_objects([referral], "children")
    try:
        offer = referral.offers.select_related(
            "household__provider", "made_by", "agency_request"
        ).get(pk=int(offer_pk))
    except (Offer.DoesNotExist, ValueError):
        deny(request.user, record_type="offer", record_id=offer_pk, request=request)
    offer.referral = referral
    return referral, offer


def _shown(request, referral, offer=None):
    """The referral (and the offer's carers, to those who may see them) read on the page."""
    audit_shown(request, "referral", referral, referral.authority)
    if offer is not None and presenters.names_households(request.user, referral.authority_id):
        audit_shown(request, "household", offer.household, offer.household.provider)


def _offer_words(user, referral, offer):
    return offer_heading(offer, named=presenters.names_households(user, referral.authority_id))


def _refused(request, placement, reason, detail):
    """403 for a placement's step the person may not take, the attempt audited."""
    if placement.referral_id is not None:
        return not_allowed(request, placement.referral, reason, detail)
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {"record_type": "placement", "record_id": str(placement.pk), "user": request.user,
         "detail": detail},
    ]  # fmt: skip
    return render(
        request, "placements/not_allowed.html", {"placement": placement, "reason": reason},
        status=403,
    )  # fmt: skip


# Cost approval ------------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="cost_approval")
@require_http_methods(["GET", "POST"])
def cost_approval(request, pk):
    approval = cost_approval_for_user(request.user, pk, request=request)
    offer = approval.offer
    referral = offer.referral
    prefetch_related_objects([referral], "children")
    shown = presenters.approval_shown(approval, request.user)
    form = CostDecisionForm(_posted(request))
    if request.method == "POST":
        if not shown["may_decide"]:
            return not_allowed(
                request, referral, shown["why_not"], f"decide cost approval {approval.pk}"
            )
        if form.is_valid():
            try:
                decided = services.cost_decide(
                    user=request.user, approval=approval, request=request, **form.arguments()
                )
            except ActionNotAllowed as refusal:
                return not_allowed(request, referral, str(refusal), "decide a cost approval")
            except ReferralError as error:
                form.add_service_errors(error)
            else:
                messages.success(
                    request, f"The weekly cost is {decided.get_status_display().lower()}"
                )
                return redirect("cost_approval", pk=approval.pk)
    _shown(request, referral, offer)
    context = {
        "referral": referral,
        "summary": referral_title(referral),
        "offer": offer,
        "offer_heading": _offer_words(request.user, referral, offer),
        "approval": shown,
        "terms": agency_terms(offer),
        "matching_form": matching_form_shown(getattr(offer, "matching_form", None)),
        "current_cost": presenters.money(offer.weekly_cost),
        "form": form,
    }
    return render(request, "placements/cost_approval.html", context)


# The IPA --------------------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def agreement_issue(request, pk, offer_pk):
    referral, offer = _offer(request, pk, offer_pk)
    policy = referral.authority.policy
    detail = f"issue the IPA of offer {offer.pk}"
    reason = permissions.why_not_issue_agreement(request.user, offer, policy)
    if reason is not None:
        return not_allowed(request, referral, reason, detail)
    errors = []
    if request.method == "POST":
        try:
            agreement = documents.agreement_issue(user=request.user, offer=offer, request=request)
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            errors = error.problems or [str(error)]
        else:
            messages.success(request, f"The placement agreement {agreement.reference} is issued")
            return redirect("offer", pk=referral.pk, offer_pk=offer.pk)
    approval = selectors.current_approval(offer)
    _shown(request, referral, offer)
    context = {
        "referral": referral,
        "summary": referral_title(referral),
        "offer": offer,
        "offer_heading": _offer_words(request.user, referral, offer),
        "terms": agency_terms(offer),
        "approval": presenters.approval_shown(approval),
        "problems": errors or selectors.cost_problems(offer, approval),
        "agreement": selectors.agreement_of(offer),
    }
    return render(request, "placements/agreement_issue.html", context)


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_GET
def agreement_pdf(request, pk, offer_pk):
    referral, offer = _offer(request, pk, offer_pk)
    agreement = selectors.agreement_of(offer)
    if agreement is None:
        raise Http404("No placement agreement has been issued for this offer")
    _shown(request, referral, offer)
    audit_names_shown(
        request,
        "child",
        list(referral.children.all()),
        f"placement agreement {agreement.reference}",
    )
    return download(
        documents.agreement_pdf(agreement), "application/pdf", f"{agreement.reference}.pdf"
    )


# Starting the placement ----------------------------------------------------------------------------


def _derived(children, household, care_type, started_on):
    return {
        child.pk: codes.derive_codes(child, household, care_type, started_on) for child in children
    }


def _children_shown(form, children, household, derived, moving, named):
    return [
        {
            "name": child.full_name,
            "fields": form.child_fields(child),
            "move_fields": form.move_fields(child),
            "moving_from": (
                moving[child.pk].household.name if named else presenters.UNNAMED
            ) if child.pk in moving else "",
            "moving_since": presenters.long_date(moving[child.pk].started_on)
            if child.pk in moving
            else "",
            "carried_since": presenters.long_date(form.carried[child.pk].decom)
            if child.pk in form.carried
            else "",
            "derived": [
                {
                    "name": codes.NAMES[field],
                    "code": derived[child.pk][field],
                    "words": (codes.LISTS.get(field) or {}).get(derived[child.pk][field], ""),
                }
                for field in codes.CODE_FIELDS
            ],
            "notes": codes.episode_notes(child, household, derived[child.pk]),
        }
        for child in children
    ]  # fmt: skip


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def placement_start(request, pk, offer_pk):
    referral, offer = _offer(request, pk, offer_pk)
    policy = referral.authority.policy
    detail = f"start the placement of offer {offer.pk}"
    reason = permissions.why_not_start(request.user, offer, policy)
    if reason is not None:
        return not_allowed(request, referral, reason, detail)
    household = offer.household
    children = list(offer.children.order_by("date_of_birth", "pk"))
    today = timezone.localdate()
    first_care_type = referral.placement_type or "short_term"
    derived = _derived(children, household, first_care_type, today)
    missing = selectors.approval_problems(offer)
    moving = selectors.open_placements_of(children)
    form = StartForm(
        _posted(request), children=children, derived=derived, urgent=referral.urgent,
        moving=moving, carried=open_without_placement(children),
        initial={"started_on": today, "care_type": first_care_type},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.placement_start(
                user=request.user, offer=offer, started_on=data["started_on"],
                care_type=data["care_type"], codes=form.codes_changed(derived),
                emergency=data.get("emergency", False), moves=form.moves(), request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                "The placement has started" if len(made) == 1 else "The placements have started",
            )
            return redirect("placement", pk=made[0].pk)
    _shown(request, referral, offer)
    audit_names_shown(request, "child", children, f"the start of offer {offer.pk}'s placement")
    context = {
        "referral": referral,
        "summary": referral_title(referral),
        "offer": offer,
        "offer_heading": _offer_words(request.user, referral, offer),
        "form": form,
        "missing": missing,
        "blocked": bool(missing) and not referral.urgent,
        "children": _children_shown(
            form,
            children,
            household,
            derived,
            moving,
            presenters.names_households(request.user, referral.authority_id),
        ),  # fmt: skip
    }
    return render(request, "placements/placement_start.html", context)


@requires(Capability.VIEW_CHILDREN, record="referral")
@require_http_methods(["GET", "POST"])
def emergency_placement_start(request, pk):
    """Record an urgent referral's emergency booking as the children's placement."""
    referral = referral_for_user(request.user, pk, request=request, audit_view=False)
    prefetch_related_objects([referral], "children")
    policy = referral.authority.policy
    detail = f"record the emergency placement of referral {referral.pk}"
    reason = permissions.why_not_start_emergency(request.user, referral, policy)
    if reason is None and services.emergency_recorded(referral):
        reason = "The emergency placement is already recorded"
    if reason is not None:
        return not_allowed(request, referral, reason, detail)
    household = selectors.emergency_household(referral)
    children = sorted(referral.children.all(), key=lambda child: (child.date_of_birth, child.pk))
    today = timezone.localdate()
    derived = _derived(children, household, "emergency", today)
    moving = selectors.open_placements_of(children)
    form = EmergencyStartForm(
        _posted(request), children=children, derived=derived, moving=moving,
        carried=open_without_placement(children),
        initial={"started_on": today, "care_type": "emergency"},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.emergency_placement_start(
                user=request.user, referral=referral, started_on=data["started_on"],
                care_type=data["care_type"], codes=form.codes_changed(derived),
                moves=form.moves(), request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                "The emergency placement is recorded"
                if len(made) == 1
                else "The emergency placements are recorded",
            )
            return redirect("placement", pk=made[0].pk)
    named = presenters.names_households(request.user, referral.authority_id)
    _shown(request, referral)
    if named:
        audit_shown(request, "household", household, household.provider)
    audit_names_shown(
        request, "child", children, f"the emergency placement of referral {referral.pk}"
    )
    context = {
        "referral": referral,
        "summary": referral_title(referral),
        "home": household.name if named else presenters.UNNAMED,
        "form": form,
        "children": _children_shown(form, children, household, derived, moving, named),
    }
    return render(request, "placements/emergency_placement_start.html", context)


# The placement --------------------------------------------------------------------------------------


@requires(Capability.VIEW_CHILDREN, record="placement")
@require_GET
def placement(request, pk):
    record = placement_for_user(request.user, pk, request=request)
    user = request.user
    audit_shown(request, "child", record.child, record.authority)
    context = {
        "placement": record,
        "shown": presenters.placement_shown(user, record),
        "tasks": presenters.tasks_shown(record),
        "may_end": permissions.may_end(user, record),
        "may_confirm_costing": permissions.may_confirm_costing(user, record),
    }
    return render(request, "placements/placement.html", context)


@requires(Capability.VIEW_CHILDREN, record="placement")
@require_http_methods(["GET", "POST"])
def placement_end(request, pk):
    record = placement_for_user(request.user, pk, write=True, request=request)
    detail = f"end placement {record.pk}"
    reason = permissions.why_not_end(request.user, record)
    if reason is not None:
        return _refused(request, record, reason, detail)
    form = EndForm(_posted(request), initial={"version": record.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.placement_end(
                user=request.user, placement=record, ended_on=data["ended_on"],
                ending=data["ending"], reason_ceased=data["reason_ceased"],
                reason_place_change=data["reason_place_change"], note=data["note"],
                expected_version=data["version"], request=request,
            )  # fmt: skip
        except EditConflict:
            form.add_error(None, ENDING_CONFLICT)
        except ActionNotAllowed as refusal:
            return _refused(request, record, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The placement has ended")
            return redirect("placement", pk=record.pk)
    audit_shown(request, "child", record.child, record.authority)
    context = {"placement": record, "shown": presenters.placement_shown(request.user, record)}
    return render(request, "placements/placement_end.html", {**context, "form": form})


@requires(Capability.VIEW_CHILDREN, record="placement")
@require_http_methods(["GET", "POST"])
def costing_confirm(request, pk):
    record = placement_for_user(request.user, pk, write=True, request=request)
    detail = f"confirm the costing of placement {record.pk}"
    reason = permissions.why_not_confirm_costing(request.user, record)
    if reason is not None:
        return _refused(request, record, reason, detail)
    form = CostingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.costing_confirm(
                user=request.user, placement=record,
                finance_reference=form.cleaned_data["finance_reference"], request=request,
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return _refused(request, record, str(refusal), detail)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The costing is confirmed")
            return redirect("placement", pk=record.pk)
    audit_shown(request, "child", record.child, record.authority)
    context = {
        "placement": record,
        "shown": presenters.placement_shown(request.user, record),
        "form": form,
    }
    return render(request, "placements/costing_confirm.html", context)


# Spend ---------------------------------------------------------------------------------------------

SPEND_HEADER = ["Grouped by", "Group", "Placements", "Weekly spend (£)"]


@requires(Capability.VIEW_CHILDREN)
@require_GET
def spend(request):
    councils = [
        o
        for o in organisations_granting(request.user, Capability.VIEW_CHILDREN)
        if o.is_authority and permissions.may_see_spend(request.user, o.pk)
    ]
    if not councils:
        raise Http404("No such page")
    # Someone reading spend for several councils chooses one (?council=ONS code); the first else.
    chosen = request.GET.get("council", "")
    authority = next((o for o in councils if o.ons_code == chosen), councils[0])
    as_of = timezone.localdate()
    report = selectors.spend(authority, as_of)
    if request.GET.get("format") == "csv":
        rows = [
            *[("Approval tier", line.label, line.placements, f"{line.weekly:.2f}")
              for line in report.by_tier],
            *[("Provider", line.label, line.placements, f"{line.weekly:.2f}")
              for line in report.by_provider],
            ("Total", "All agency placements", report.placements, f"{report.weekly:.2f}"),
        ]  # fmt: skip
        return csv_download(f"spend-{authority.ons_code}-{as_of:%Y-%m-%d}.csv", SPEND_HEADER, rows)
    context = {
        "authority": authority,
        "as_of": presenters.long_date(as_of),
        "by_tier": presenters.spend_lines(report.by_tier),
        "by_provider": presenters.spend_lines(report.by_provider),
        "placements": report.placements,
        "weekly": presenters.money(report.weekly),
        "councils": councils if len(councils) > 1 else [],
    }
    return render(request, "placements/spend.html", context)


urlpatterns = [
    path("cost-approvals/<int:pk>/", cost_approval, name="cost_approval"),
    path(
        "referrals/<int:pk>/offers/<int:offer_pk>/agreement/",
        agreement_issue,
        name="agreement_issue",
    ),
    path(
        "referrals/<int:pk>/offers/<int:offer_pk>/agreement.pdf",
        agreement_pdf,
        name="agreement_pdf",
    ),
    path(
        "referrals/<int:pk>/offers/<int:offer_pk>/placement/",
        placement_start,
        name="placement_start",
    ),
    path(
        "referrals/<int:pk>/emergency-placement/",
        emergency_placement_start,
        name="emergency_placement_start",
    ),
    path("placements/spend/", spend, name="spend"),
    path("placements/<int:pk>/", placement, name="placement"),
    path("placements/<int:pk>/end/", placement_end, name="placement_end"),
    path("placements/<int:pk>/costing/", costing_confirm, name="costing_confirm"),
]
