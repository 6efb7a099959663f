"""Offers through the API (CONTRACT.md section 6): read them, and an agency's own offer for a
referral sent to it.

The same doors and services as the screens: `offers_for_user` answers the offers on the referrals
a council's staff may see, and an agency user's own agency's offers only; `agency_request_for_user`
finds the referral sent to the agency (404, audited, for anyone else); `hearth.portal.services`
makes the offer with the same checks and messages as the portal's form. docs/agency-portal.md
describes it.
"""

from django.db.models import prefetch_related_objects
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from hearth.accounts.access import (
    agency_request_for_user,
    households_for_user,
    offer_for_user,
    offers_for_user,
)
from hearth.api.audit import audit_listed
from hearth.api.pagination import ApiPagination
from hearth.api.referral_schemas import ProblemOut
from hearth.api.schemas import ErrorOut, OfferCreateIn, OfferFilters, OfferOut
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.portal import services
from hearth.referrals.carer_names import names_carers
from hearth.referrals.services import ActionNotAllowed, ReferralError

router = Router(tags=["offers"])

RELATED = ("household", "agency_request__provider", "referral__authority")
READ = {200: OfferOut, 401: ErrorOut, 404: ErrorOut}


def _mark_names(request, offers):
    """Whether each offer's household may be named to the caller: an agency's own carers always;
    a council's in-house carers to those who may see the council's households."""
    for offer in offers:
        agency_offer = offer.agency_request_id is not None
        offer.names_household = agency_offer or names_carers(request.user, offer.referral)


def _listed(request, offers, pagination):
    _mark_names(request, offers)
    audit_listed("offer")(request, offers, pagination)


def _shown(request, offer_id):
    offer = offer_for_user(request.user, offer_id, request=request)
    prefetch_related_objects([offer], "children")
    _mark_names(request, [offer])
    audit_record(
        user=request.user, action=AuditEvent.Action.VIEW, record_type="offer",
        record_id=offer.pk, organisation=offer.referral.authority, request=request,
    )  # fmt: skip
    return offer


@router.get("", response={200: list[OfferOut], 401: ErrorOut})
@paginate(ApiPagination, on_page=_listed)
def offer_list(request, filters: Query[OfferFilters]):
    """Offers the caller may read, newest first: a council's staff, the offers on the referrals
    they may see; an agency's staff, their own agency's offers."""
    offers = offers_for_user(request.user)
    if filters.status is not None:
        offers = offers.filter(status=filters.status.value)
    if filters.agency_request is not None:
        offers = offers.filter(agency_request_id=filters.agency_request)
    return offers.select_related(*RELATED).prefetch_related("children").order_by("-made_at", "-pk")


@router.get("/{offer_id}", response=READ)
def offer_detail(request, offer_id: int):
    return _shown(request, offer_id)


def _problem(detail, problems=(), fields=None):
    return Status(422, {"detail": detail, "problems": list(problems), "fields": fields or {}})


def _children_by_number(agency_request, numbers, errors):
    """The referral's children by their number on the referral (1 is the eldest)."""
    if numbers is None:
        return None
    children = list(agency_request.referral.children.order_by("date_of_birth", "pk"))
    if any(not 1 <= number <= len(children) for number in numbers):
        errors["children"] = (
            f"Give the children by their number on the referral, 1 to {len(children)}"
        )
        return None
    return [children[number - 1] for number in dict.fromkeys(numbers)]


def _household(request, agency_request, pk, errors):
    household = households_for_user(request.user).filter(
        pk=pk, provider_id=agency_request.provider_id
    )
    found = household.select_related("provider").first()
    if found is None:
        errors["household"] = "Choose one of your agency's approved households"
    return found


@router.post(
    "",
    response={201: OfferOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ProblemOut},
)
def offer_create(request, payload: OfferCreateIn):
    """An agency's offer of one of its households for a referral sent to it. A referral not sent to
    the caller's agency answers 404, as if it did not exist."""
    agency_request = agency_request_for_user(request.user, payload.agency_request, request=request)
    errors = {}
    household = _household(request, agency_request, payload.household, errors)
    children = _children_by_number(agency_request, payload.children, errors)
    if errors:
        problems = [f"{name}: {message}" for name, message in errors.items()]
        return _problem("Check what you entered", problems, errors)
    expires_at = payload.expires_at
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    try:
        offer = services.agency_offer_make(
            user=request.user, agency_request=agency_request, household=household,
            children=children, available_from=payload.available_from,
            weekly_cost=payload.weekly_cost, cost_covers=payload.cost_covers,
            carer_profile=payload.carer_profile, ofsted_details=payload.ofsted_details,
            references=payload.references, expires_at=expires_at, request=request,
        )  # fmt: skip
    except ActionNotAllowed as refusal:
        request.hearth_denied = [
            *getattr(request, "hearth_denied", []),
            {
                "record_type": "agency_request", "record_id": str(agency_request.pk),
                "user": request.user, "detail": "make an offer",
            },
        ]  # fmt: skip
        raise HttpError(403, str(refusal)) from None
    except ReferralError as error:
        return _problem(str(error), error.problems, error.field_errors)
    return Status(201, _shown(request, offer.pk))
