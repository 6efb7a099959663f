"""The agency portal: the referrals a council sent to the agency, minimised (hearth.portal.selectors),
the agency's offers, its answers (an offer, no offer, new terms) and the Individual Placement
Agreement once one is issued; and, on the council's side, the placements team recording an offer
an agency gave by phone or email.

An agency user reaches only the referrals sent to their own agency (`agency_request_for_user`):
any other, one withdrawn from the agency, or one whose referral was withdrawn answers 404 and the
attempt is audited. Council staff get 404 on every portal page. Each answer is one service of
`hearth.portal.services`; a step the agency may not take now gets 403, audited.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from hearth.accounts.access import (
    agency_request_for_user,
    deny,
    memberships_of,
    offer_for_user,
    referral_for_user,
)
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import policy_due_at
from hearth.people.services import EditConflict
from hearth.placements.selectors import current_agreement
from hearth.portal import presenters, selectors, services
from hearth.portal.forms import NoOfferForm, OfferForm, ReviseForm
from hearth.referrals.services import ActionNotAllowed, ReferralError, referral_title
from hearth.search.permissions import is_search_worker
from hearth.web.downloads import download
from hearth.web.editing import audit_list_shown, audit_shown
from hearth.web.presenters import age
from hearth.web.refusals import not_allowed

OFFER_CONFLICT = (
    "Someone else changed the offer after you opened it. Your changes were not saved: reload the "
    "page and make them again."
)


def _posted(request):
    return request.POST if request.method == "POST" else None


def _is_agency_staff(user):
    return any(m.role == Role.AGENCY_USER for m in memberships_of(user))


def _portal_refusal(request, agency_request, reason, detail):
    """The agency may see the referral but not take this step now: 403, audited as refused."""
    request.hearth_denied = [
        *getattr(request, "hearth_denied", []),
        {
            "record_type": "agency_request",
            "record_id": str(agency_request.pk),
            "user": request.user,
            "detail": detail,
        },
    ]
    context = {"agency_request": agency_request, "reason": reason}
    return render(request, "portal/not_allowed.html", context, status=403)


def _agreement(offers):
    """The IPA issued for one of the agency's matched (or placed) offers for its weekly cost as it
    stands and as approved (`hearth.placements.selectors.current_agreement`), or None: an IPA
    issued for an earlier cost is not the agreement any more."""
    for offer in offers:
        if offer.status not in selectors.MATCHED:
            continue
        agreement = current_agreement(offer)
        if agreement is not None:
            return agreement
    return None


def _names_shown(request, agency_request, named, where=None):
    """The children an agency reads by name (on the request's page, or in the IPA): one read of
    each child's record, filed under the child's council, so that the council's access log shows
    which agency read which child."""
    where = where or f"agency request {agency_request.pk}"
    for pk in sorted(getattr(child, "pk", child) for child in named):
        audit_record(
            user=request.user, action=AuditEvent.Action.VIEW, record_type="child", record_id=pk,
            organisation=agency_request.referral.authority, request=request,
            detail=f"{where}, read by {agency_request.provider.name}",
        )  # fmt: skip


# The agency's referrals --------------------------------------------------------------------------------


@login_required
@require_GET
def portal(request):
    if not _is_agency_staff(request.user):
        raise Http404("No such page")
    today, now = timezone.localdate(), timezone.now()
    rows = [
        presenters.request_row(agency_request, today=today, now=now)
        for agency_request in selectors.portal_requests(request.user)
    ]
    audit_list_shown(request, "agency_request", len(rows), "the agency portal")
    return render(request, "portal/index.html", {"rows": rows})


@login_required
@require_GET
def portal_request(request, pk):
    agency_request = agency_request_for_user(request.user, pk, request=request)
    shown = selectors.minimised_referral(agency_request)
    offers = [] if shown.closed else selectors.request_offers(agency_request)
    for offer in offers:
        offer.referral = agency_request.referral
    status, colour = presenters.request_status(agency_request, offers)
    context = {
        "agency_request": agency_request,
        "shown": shown,
        "status": status,
        "colour": "grey" if shown.closed else colour,
        "offers": [presenters.offer_row(offer, named=shown.named) for offer in offers],
        "may_offer": not shown.closed and presenters.may_offer(agency_request),
        "may_say_no": not shown.closed and presenters.may_say_no_offer(agency_request, offers),
        "agreement": _agreement(offers) if shown.matched else None,
        "answer_due": agency_request.answer_due_at,
    }
    _names_shown(request, agency_request, shown.named)
    return render(request, "portal/request.html", context)


# Answering -----------------------------------------------------------------------------------------


def _children_choices(agency_request, *, named):
    """(pk, label) of the referral's children, oldest first: labelled as the agency reads them
    (no names before a match), or by name and age for the council's staff (`named`)."""
    children = list(agency_request.referral.children.order_by("date_of_birth", "pk"))
    if named:
        today = timezone.localdate()
        return [(c.pk, f"{c.full_name}, age {age(c.date_of_birth, today)}") for c in children]
    shown = selectors.minimised_referral(agency_request)
    return [(c.pk, s.label) for c, s in zip(children, shown.children, strict=True)]


def _offer_form(request, agency_request, *, named):
    form = OfferForm(
        _posted(request),
        households=list(selectors.offerable_households(agency_request)),
        children=_children_choices(agency_request, named=named),
    )
    if not form.is_bound:
        policy = agency_request.referral.authority.policy
        expires = policy_due_at(policy, "offer_expiry", timezone.now())
        form.fields["expires_at"].initial = timezone.localtime(expires).date()
    return form


def _offer_made(request, agency_request, form, *, on_behalf):
    """The offer made from a valid form, or None with the service's errors put on the form."""
    try:
        return services.agency_offer_make(
            user=request.user, agency_request=agency_request, on_behalf=on_behalf,
            request=request, **form.arguments(),
        )  # fmt: skip
    except ReferralError as error:
        form.add_service_errors(error)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def portal_offer(request, pk):
    agency_request = agency_request_for_user(request.user, pk, request=request)
    if not presenters.may_offer(agency_request):
        status = agency_request.get_status_display().lower()
        reason = f"You cannot make an offer now: the referral is {status}"
        if agency_request.referral.status != "searching":
            reason = "You cannot make an offer now: the council is no longer searching"
        return _portal_refusal(request, agency_request, reason, "make an offer")
    form = _offer_form(request, agency_request, named=False)
    if request.method == "POST" and form.is_valid():
        try:
            offer = _offer_made(request, agency_request, form, on_behalf=False)
        except ActionNotAllowed as refusal:
            return _portal_refusal(request, agency_request, str(refusal), "make an offer")
        if offer is not None:
            messages.success(request, "Your offer is made: it is with the child's social worker")
            return redirect("portal_request", pk=agency_request.pk)
    context = {
        "agency_request": agency_request,
        "form": form,
        "title": "Offer a home",
        "back": ("portal_request", agency_request.pk),
        "on_behalf": False,
    }
    return render(request, "portal/offer.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def portal_no_offer(request, pk):
    agency_request = agency_request_for_user(request.user, pk, request=request)
    offers = selectors.request_offers(agency_request)
    if not presenters.may_say_no_offer(agency_request, offers):
        reason = "You cannot say there is no home to offer now"
        return _portal_refusal(request, agency_request, reason, "say there is no offer")
    form = NoOfferForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_no_offer(
                user=request.user, agency_request=agency_request, request=request,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ActionNotAllowed as refusal:
            return _portal_refusal(request, agency_request, str(refusal), "say there is no offer")
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Your answer is sent: the council knows you have no home")
            return redirect("portal_request", pk=agency_request.pk)
    context = {"agency_request": agency_request, "form": form}
    return render(request, "portal/no_offer.html", context)


def _agency_offer(request, pk):
    """One of the agency's own offers (on a referral still sent to it), else 404, audited."""
    offer = offer_for_user(request.user, pk, request=request)
    if offer.agency_request_id is None:
        deny(request.user, record_type="offer", record_id=pk, request=request)
    agency_request = agency_request_for_user(request.user, offer.agency_request_id, request=request)
    offer.referral = agency_request.referral
    return offer, agency_request


@login_required
@require_http_methods(["GET", "POST"])
def portal_offer_revise(request, pk):
    offer, agency_request = _agency_offer(request, pk)
    if not presenters.may_change(offer):
        reason = f"You cannot change the offer now: it is {offer.get_status_display().lower()}"
        return _portal_refusal(request, agency_request, reason, f"change offer {offer.pk}")
    initial = {
        "weekly_cost": f"{offer.weekly_cost:.2f}",
        "cost_covers": offer.cost_covers,
        "expires_at": timezone.localtime(offer.expires_at).date() if offer.expires_at else None,
        "version": offer.version,
    }
    form = ReviseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.agency_offer_revise(
                user=request.user, offer=offer, request=request, **form.arguments()
            )
        except ActionNotAllowed as refusal:
            return _portal_refusal(request, agency_request, str(refusal), "change an offer")
        except EditConflict:
            form.add_error(None, OFFER_CONFLICT)
            form.redraw_with(version=offer.version)
        except ReferralError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "The offer's terms are changed: the social worker is told")
            return redirect("portal_request", pk=agency_request.pk)
    prefetch_related_objects([offer], "children")
    context = {
        "agency_request": agency_request,
        "offer": presenters.offer_row(offer, named=selectors.named_children(agency_request)),
        "form": form,
    }
    return render(request, "portal/revise.html", context)


@login_required
@require_GET
def portal_agreement(request, pk):
    """The Individual Placement Agreement for the agency's matched offer, as a PDF."""
    agency_request = agency_request_for_user(request.user, pk, request=request)
    offers = list(agency_request.offers.filter(status__in=selectors.MATCHED).order_by("pk"))
    agreement = _agreement(offers)
    if agreement is None:
        raise Http404("No agreement issued for the cost as it stands")
    from hearth.placements.documents import agreement_pdf

    # The PDF names the children of the agreement's offer: their reading is audited.
    children = list(agreement.offer.children.all())
    _names_shown(request, agency_request, children, f"placement agreement {agreement.reference}")
    return download(agreement_pdf(agreement), "application/pdf", f"{agreement.reference}.pdf")


# The council's side: an offer the agency gave by phone or email ----------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def agency_offer_on_behalf(request, pk, request_pk):
    referral = referral_for_user(request.user, pk, request=request, audit_view=False)
    try:
        agency_request = referral.agency_requests.select_related("provider").get(pk=int(request_pk))
    except (ObjectDoesNotExist, ValueError):
        deny(request.user, record_type="agency_request", record_id=request_pk, request=request)
    agency_request.referral = referral
    if not is_search_worker(request.user, referral):
        reason = "Only the council's placements team can record an agency's offer on its behalf"
        return not_allowed(request, referral, reason, "record an agency offer")
    if not presenters.may_offer(agency_request):
        reason = f"No offer can be recorded now: the request is {agency_request.get_status_display().lower()}"
        if referral.status != "searching":
            reason = "No offer can be recorded now: the referral is not searching"
        return not_allowed(request, referral, reason, "record an agency offer")
    form = _offer_form(request, agency_request, named=True)
    if request.method == "POST" and form.is_valid():
        try:
            offer = _offer_made(request, agency_request, form, on_behalf=True)
        except ActionNotAllowed as refusal:
            return not_allowed(request, referral, str(refusal), "record an agency offer")
        if offer is not None:
            messages.success(
                request, f"{agency_request.provider.name}'s offer is recorded: it is with the "
                "social worker",
            )  # fmt: skip
            return redirect("offer", pk=referral.pk, offer_pk=offer.pk)
    audit_shown(request, "referral", referral, referral.authority)
    context = {
        "agency_request": agency_request,
        "referral": referral,
        "summary": referral_title(referral),
        "form": form,
        "title": f"Record an offer from {agency_request.provider.name}",
        "back": ("referral", referral.pk),
        "on_behalf": True,
    }
    return render(request, "portal/offer.html", context)


urlpatterns = [
    path("portal/", portal, name="portal"),
    path("portal/requests/<int:pk>/", portal_request, name="portal_request"),
    path("portal/requests/<int:pk>/offer/", portal_offer, name="portal_offer"),
    path("portal/requests/<int:pk>/no-offer/", portal_no_offer, name="portal_no_offer"),
    path("portal/requests/<int:pk>/agreement.pdf", portal_agreement, name="portal_agreement"),
    path("portal/offers/<int:pk>/change/", portal_offer_revise, name="portal_offer_revise"),
    path(
        "referrals/<int:pk>/agency-requests/<int:request_pk>/offer/",
        agency_offer_on_behalf,
        name="agency_offer_on_behalf",
    ),
]
