"""Agencies' answers to the referrals sent to them (DOMAIN.md, referral to placement, steps 10 and
12): an offer of one of their households, no offer, a change to an offer's terms, and the expiry of
offers nobody decided on in time.

An offer is made on the portal (or through the API) by one of the agency's own staff, or recorded
by the council's placements team on the agency's behalf when the agency gave it by phone or email.
It lands at once in the child's social worker's tray (`CARER_OFFER`, keyed by the offer); emails
name no child. Like the in-house search's services (whose helpers these reuse), every service is
atomic and keyword-only, locks the referral first and then the request or the offer, refuses bad
input with a `ReferralError` carrying each field's message before writing anything, and writes its
history row and audit rows in the same transaction.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import roles_of
from hearth.accounts.models import Membership, User
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import policy_due_at
from hearth.people.models import Child, Household
from hearth.people.services import EditConflict
from hearth.portal.selectors import ANSWERABLE, LIVE
from hearth.referrals.models import Referral, Status
from hearth.referrals.services import (
    ActionNotAllowed,
    audit_household_change,
    audit_referral_change,
    clean_text,
    record_event,
    referral_title,
    refuse_if,
    version_number,
)
from hearth.search.models import AgencyRequest, Offer
from hearth.search.permissions import SEARCH_ROLES, is_search_worker
from hearth.search.selectors import places_held
from hearth.search.services import (
    _close_finished_items,
    _follow_offers,
    _locked,
    _locked_offer,
    offer_key,
)
from hearth.trays.models import WorkItem
from hearth.trays.services import email_queue, email_queue_to, item_open, items_close

Kind = WorkItem.Kind
MAX_WEEKLY_COST = Decimal("99999.99")
PENNY = Decimal("0.01")
COST_FORMAT = "Enter the weekly cost in pounds and pence, for example 850.00"
CONTACTABLE = (Household.Status.APPROVED, Household.Status.TEMPORARY)
REVISABLE = (Offer.Status.OPEN, Offer.Status.AGREED, Offer.Status.MATCHED)
EXPIRED_REASON = "Expired before a decision"
WARNING_AHEAD = timedelta(days=1)
NO_CHILD_NAMED = "This message names no child: sign in to Hearth to see who it is about."


# Who may answer -------------------------------------------------------------------------------------


def is_agency_user(user, agency_request):
    """Holds the agency user role in the agency the request was sent to."""
    return Role.AGENCY_USER in roles_of(user, agency_request.provider_id)


def _locked_request(agency_request):
    """The request, locked after its referral (always in that order), with the referral attached."""
    referral = _locked(Referral(pk=agency_request.referral_id))
    locked = (
        AgencyRequest.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=agency_request.pk)
    )
    locked.referral = referral
    return locked


def _acting_as(user, agency_request, on_behalf):
    """Refuse anyone but the agency's staff (or, `on_behalf`, the council's placements team)."""
    if on_behalf:
        if not is_search_worker(user, agency_request.referral):
            raise ActionNotAllowed(
                "Only the council's placements team can record an agency's answer on its behalf"
            )
    elif not is_agency_user(user, agency_request):
        raise ActionNotAllowed(f"Only {agency_request.provider.name}'s staff can answer for it")


def _still_answerable(agency_request, doing):
    if agency_request.status not in ANSWERABLE:
        status = agency_request.get_status_display().lower()
        raise ActionNotAllowed(f"You cannot {doing} now: the referral is {status}")
    if agency_request.referral.status != Status.SEARCHING:
        raise ActionNotAllowed(f"You cannot {doing} now: the council is no longer searching")


def _role(user, agency_request, on_behalf):
    if on_behalf:
        return ", ".join(
            sorted(roles_of(user, agency_request.referral.authority_id) & SEARCH_ROLES)
        )
    return Role.AGENCY_USER


# Reading what was entered -----------------------------------------------------------------------------


def clean_weekly_cost(value, errors, field="weekly_cost"):
    """A positive amount in pounds with at most two figures of pence, up to £99,999.99."""
    if value is None or isinstance(value, bool) or str(value).strip() == "":
        errors[field] = "Enter the weekly cost"
        return None
    text = str(value).strip().replace(",", "").removeprefix("£")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors[field] = COST_FORMAT
        return None
    if not amount.is_finite():
        errors[field] = COST_FORMAT
    elif amount <= 0:
        errors[field] = "The weekly cost must be more than £0"
    elif amount > MAX_WEEKLY_COST:
        errors[field] = f"The weekly cost must be £{MAX_WEEKLY_COST:,} or less"
    elif amount != amount.quantize(PENNY):
        errors[field] = "Enter the weekly cost in pounds and pence, with no fraction of a penny"
    else:
        return amount.quantize(PENNY)
    return None


def _start_date(value, errors, today):
    if not isinstance(value, date) or isinstance(value, datetime):
        errors["available_from"] = "Enter the date the carers can take the children"
    elif value < today:
        errors["available_from"] = "The start date must be today or in the future"
    return value


def _expiry(value, errors, now, policy):
    if value is None:
        return policy_due_at(policy, "offer_expiry", now)
    if not isinstance(value, datetime) or timezone.is_naive(value):
        errors["expires_at"] = "Enter when the offer expires"
    elif value <= now:
        errors["expires_at"] = "The offer must expire in the future"
    return value


def _offered_children(referral, children, errors):
    """The children offered for: all the referral's, or the given ones, none already matched. The
    messages name no child: the agency may not know their names."""
    everyone = list(referral.children.order_by("date_of_birth", "pk"))
    if children is None:
        offered = everyone
    else:
        wanted = {getattr(child, "pk", child) for child in children}
        offered = [child for child in everyone if child.pk in wanted]
        if not wanted:
            errors["children"] = "Choose the children the carers offer a home to"
            return offered
        if len(offered) != len(wanted):
            errors["children"] = "Choose only children of this referral"
            return offered
    matched = set(
        Child.objects.filter(
            offers__referral=referral,
            offers__status__in=(Offer.Status.MATCHED, Offer.Status.PLACED),
        ).values_list("pk", flat=True)
    )
    if any(child.pk in matched for child in offered):
        errors["children"] = "A home is already matched for some of these children"
    return offered


def _plural(count, one, many):
    return f"{count} {one if count == 1 else many}"


def _household_problem(household, agency_request, children):
    """Why these carers cannot offer a home for these children, or None."""
    if household is None:
        return "Choose the carers who offer a home"
    if household.provider_id != agency_request.provider_id:
        return f"Choose one of {agency_request.provider.name}'s own households"
    if household.status not in CONTACTABLE:
        status = household.get_status_display().lower()
        return f"{household.name} is {status}: only approved carers can offer a home"
    live = Offer.objects.filter(
        referral_id=agency_request.referral_id, household=household, status__in=LIVE
    ).exists()
    if live:
        return f"{household.name} already has an offer standing for this referral"
    wanted = sum(1 for child in children if child.placed_with_id != household.pk)
    living = Child.objects.filter(placed_with=household).count()
    held = places_held([household], excluding=children).get(household.pk, 0)
    free = household.max_children - living - held
    if free < wanted:
        places = _plural(max(free, 0), "free place", "free places")
        return f"{household.name} has {places} for {_plural(wanted, 'child', 'children')}"
    return None


# What each answer writes besides its own record -------------------------------------------------------


def _close_chase(agency_request, by):
    """The council stops chasing a provider that has answered (hearth.search.outreach)."""
    from hearth.search.outreach import close_chase

    close_chase(agency_request, by)


def _link(name, *args):
    return settings.HEARTH_BASE_URL.rstrip("/") + reverse(name, args=args)


def _offer_detail(offer, agency_request):
    return {
        "offer": offer.pk,
        "agency_request": agency_request.pk,
        "provider": agency_request.provider.name,
        "household": offer.household.reference,
        "household_name": offer.household.name,
        "household_id": offer.household_id,
        "weekly_cost": str(offer.weekly_cost),
        "expires_at": offer.expires_at.isoformat() if offer.expires_at else None,
    }


def _agency_addresses(provider):
    """The agency's own address, its contacts' who receive referrals, and its staff's in Hearth."""
    members = Membership.objects.filter(organisation=provider, role=Role.AGENCY_USER)
    staff = User.objects.filter(pk__in=members.values("user_id"), is_active=True).order_by("pk")
    contacts = provider.contacts.filter(receives_referrals=True).order_by("pk")
    return [
        provider.email,
        *contacts.values_list("email", flat=True),
        *staff.values_list("email", flat=True),
    ]


# Making an offer ----------------------------------------------------------------------------------------


@transaction.atomic
def agency_offer_make(
    *,
    user,
    agency_request,
    household,
    children,
    available_from,
    weekly_cost,
    cost_covers,
    carer_profile,
    ofsted_details,
    references,
    expires_at=None,
    on_behalf=False,
    request=None,
):
    """An agency offers one of its households a home for `children` (the referral's children when
    None) from `available_from`, at `weekly_cost` a week, covering `cost_covers`; the carers'
    profile, the agency's Ofsted details and references go with it. The offer stands until
    `expires_at` (by default the policy's `offer_expiry`, counted from now).

    Made by one of the agency's staff, or (`on_behalf`) recorded by the council's placements team
    from the agency's phone call or email. The request is answered (its chase stops), the child's
    social worker gets the offer in their tray, and the agency search has offers."""
    agency_request = _locked_request(agency_request)
    referral = agency_request.referral
    policy = referral.authority.policy
    _acting_as(user, agency_request, on_behalf)
    _still_answerable(agency_request, "make an offer")
    now = timezone.now()
    errors = {}
    offered = _offered_children(referral, children, errors)
    if household is not None:
        household = Household.objects.select_related("provider").get(pk=household.pk)
    if "children" not in errors:
        problem = _household_problem(household, agency_request, offered)
        if problem:
            errors["household"] = problem
    available_from = _start_date(available_from, errors, timezone.localdate())
    weekly_cost = clean_weekly_cost(weekly_cost, errors)
    cost_covers = clean_text(
        cost_covers, "cost_covers", errors, name="What the cost covers",
        missing="Say what the weekly cost covers",
    )  # fmt: skip
    carer_profile = clean_text(
        carer_profile, "carer_profile", errors, name="The carers' profile",
        missing="Describe the carers: their experience, training and household",
    )  # fmt: skip
    ofsted_details = clean_text(
        ofsted_details, "ofsted_details", errors, name="The Ofsted details",
        missing="Give the agency's latest Ofsted inspection: its judgement and date",
    )  # fmt: skip
    references = clean_text(references, "references", errors, name="The references")
    expires_at = _expiry(expires_at, errors, now, policy)
    refuse_if(errors)
    offer = Offer.objects.create(
        referral=referral, household=household, source=Offer.Source.AGENCY,
        status=Offer.Status.OPEN, available_from=available_from, made_by=user,
        agency_request=agency_request, weekly_cost=weekly_cost, cost_covers=cost_covers,
        carer_profile=carer_profile, ofsted_details=ofsted_details, references=references,
        expires_at=expires_at,
    )  # fmt: skip
    offer.children.set(offered)
    agency_request.status = AgencyRequest.Status.OFFERED
    agency_request.answered_by, agency_request.answered_at = user, now
    agency_request.version += 1
    agency_request.save()
    _close_chase(agency_request, user)
    _to_social_worker(referral, agency_request, offer)
    _follow_offers(referral)
    record_event(
        referral=referral, action="agency_offer_made", by=user,
        detail={**_offer_detail(offer, agency_request), "on_behalf": bool(on_behalf)},
        role=_role(user, agency_request, on_behalf),
    )  # fmt: skip
    audit_referral_change(
        user, referral, f"agency offer {offer.pk} from {agency_request.provider}", request
    )
    audit_household_change(user, household, f"offer {offer.pk} on referral {referral.pk}", request)
    return offer


def _to_social_worker(referral, agency_request, offer):
    """The offer lands with the child's social worker at once (001: offers need prompt attention
    or they are lost); the tray's email names no child."""
    expires = timezone.localtime(offer.expires_at)
    item_open(
        organisation=referral.authority, kind=Kind.CARER_OFFER, referral=referral,
        title=f"{referral_title(referral)}: {agency_request.provider.name} offer a home with "
        f"{offer.household.name}",
        urgent=referral.urgent, user=referral.social_worker, due_at=offer.expires_at,
        note=f"An agency offer at £{offer.weekly_cost:,} a week. Read the carers' profile and the "
        f"terms, talk to the carers, then agree or decline before it expires on "
        f"{expires.day} {expires:%B %Y at %H:%M}",
        key=offer_key(offer),
    )  # fmt: skip


# No offer ----------------------------------------------------------------------------------------------


@transaction.atomic
def agency_no_offer(*, user, agency_request, reason, request=None):
    """The agency has no home to offer for the referral, and says why. Its staff answer on the
    portal; the council's placements team may record the answer the agency gave by phone or email.
    An agency with an offer still standing withdraws that offer instead."""
    agency_request = _locked_request(agency_request)
    referral = agency_request.referral
    on_behalf = not is_agency_user(user, agency_request)
    _acting_as(user, agency_request, on_behalf)
    _still_answerable(agency_request, "say there is no home to offer")
    if agency_request.offers.filter(status__in=(*LIVE, Offer.Status.MATCHED)).exists():
        raise ActionNotAllowed(
            "You cannot say there is no home to offer now: an offer of yours is still standing"
        )
    errors = {}
    reason = clean_text(
        reason, "reason", errors, name="The reason",
        missing="Say why there is no home to offer",
    )  # fmt: skip
    refuse_if(errors)
    agency_request.status = AgencyRequest.Status.NO_OFFER
    agency_request.answer = reason
    agency_request.answered_by, agency_request.answered_at = user, timezone.now()
    agency_request.version += 1
    agency_request.save()
    _close_chase(agency_request, user)
    record_event(
        referral=referral, action="agency_no_offer", by=user, comment=reason,
        detail={
            "agency_request": agency_request.pk, "provider": agency_request.provider.name,
            "on_behalf": on_behalf,
        },
        role=_role(user, agency_request, on_behalf),
    )  # fmt: skip
    audit_referral_change(user, referral, f"no offer from {agency_request.provider}", request)
    return agency_request


# Changing an offer's terms ---------------------------------------------------------------------------


@transaction.atomic
def agency_offer_revise(
    *, user, offer, weekly_cost, cost_covers, expires_at, expected_version, request=None
):
    """The agency changes the terms of its offer while it stands (open, agreed or matched): the
    weekly cost, what it covers, when it expires. `expected_version` is the offer's version when
    the change was begun: a change made from an older one raises EditConflict. A changed weekly
    cost re-opens the cost approval (hearth.placements.services.cost_changed). A change that
    changes nothing writes nothing."""
    offer = _locked_offer(offer)
    referral = offer.referral
    if offer.agency_request_id is None:
        raise ActionNotAllowed("Only an agency's offer has terms an agency can change")
    agency_request = AgencyRequest.objects.select_related("provider").get(
        pk=offer.agency_request_id
    )
    agency_request.referral = referral
    if not is_agency_user(user, agency_request):
        raise ActionNotAllowed(f"Only {agency_request.provider.name}'s staff can change its offer")
    if offer.status not in REVISABLE or referral.status not in (Status.SEARCHING, Status.MATCHED):
        raise ActionNotAllowed(
            f"You cannot change the offer now: it is {offer.get_status_display().lower()}"
        )
    if version_number(expected_version) != offer.version:
        raise EditConflict("Someone else changed the offer after you opened it")
    errors = {}
    weekly_cost = clean_weekly_cost(weekly_cost, errors)
    cost_covers = clean_text(
        cost_covers, "cost_covers", errors, name="What the cost covers",
        missing="Say what the weekly cost covers",
    )  # fmt: skip
    if expires_at is None or expires_at == offer.expires_at:
        expires_at = offer.expires_at
    else:
        expires_at = _expiry(expires_at, errors, timezone.now(), referral.authority.policy)
    refuse_if(errors)
    before = {
        "weekly_cost": offer.weekly_cost, "cost_covers": offer.cost_covers,
        "expires_at": offer.expires_at,
    }  # fmt: skip
    after = {"weekly_cost": weekly_cost, "cost_covers": cost_covers, "expires_at": expires_at}
    changed = [field for field in after if after[field] != before[field]]
    if not changed:
        return offer
    for field in changed:
        setattr(offer, field, after[field])
    offer.version += 1
    offer.save()
    if "expires_at" in changed:
        items_close(referral=referral, by=user, kinds=[Kind.OFFER_EXPIRING], key=offer_key(offer))
        WorkItem.objects.filter(
            referral=referral, kind=Kind.CARER_OFFER, key=offer_key(offer), closed_at__isnull=True
        ).update(due_at=offer.expires_at)
    if "weekly_cost" in changed:
        from hearth.placements.services import cost_changed

        cost_changed(offer=offer, by=user)
    _tell_social_worker_of_change(referral)
    record_event(
        referral=referral, action="agency_offer_revised", by=user,
        detail={
            **_offer_detail(offer, agency_request), "changed": changed,
            "previous_weekly_cost": str(before["weekly_cost"]),
        },
        role=Role.AGENCY_USER,
    )  # fmt: skip
    audit_referral_change(
        user, referral, f"agency offer {offer.pk} changed: {', '.join(changed)}", request
    )
    return offer


def _tell_social_worker_of_change(referral):
    worker = referral.social_worker
    if worker.is_active:
        email_queue(
            recipients=[worker],
            subject="An agency changed the terms of an offer in Hearth",
            body="An agency changed the terms of its offer on one of your referrals: read the new "
            f"terms before you decide.\n\nSee the referral in Hearth: "
            f"{_link('referral', referral.pk)}\n\n{NO_CHILD_NAMED}",
        )


# Expiry (a job of `hearth worker`, hearth.trays.jobs) ----------------------------------------------------


def _standing(now):
    return Offer.objects.filter(
        source=Offer.Source.AGENCY, status__in=LIVE, expires_at__isnull=False
    ).filter(expires_at__lte=now)


def offers_expire(now):
    """Agency offers still open or agreed when they expire become EXPIRED: the agency is told by
    email, the social worker's item for the offer closes and the agency search follows its offers.
    A day before, the social worker is warned once (`OFFER_EXPIRING`, due at the expiry). Each
    offer is taken under its referral's lock and checked again, so two workers act once."""
    done = 0
    expiring = _standing(now).values_list("pk", "referral_id").order_by("expires_at", "pk")
    for pk, referral_id in list(expiring):
        done += _expire(Offer(pk=pk, referral_id=referral_id), now)
    soon = _standing(now + WARNING_AHEAD).filter(expires_at__gt=now)
    for pk, referral_id in list(soon.values_list("pk", "referral_id").order_by("expires_at", "pk")):
        done += _warn(Offer(pk=pk, referral_id=referral_id), now)
    return done


def _expire(offer, now):
    offer = _locked_offer(offer)
    if offer.status not in LIVE or offer.expires_at is None or offer.expires_at > now:
        return 0
    referral = offer.referral
    agency_request = AgencyRequest.objects.select_related("provider").get(
        pk=offer.agency_request_id
    )
    offer.status = Offer.Status.EXPIRED
    offer.decided_at, offer.decision_reason = now, EXPIRED_REASON
    offer.version += 1
    offer.save()
    items_close(
        referral=referral, by=None, kinds=[Kind.CARER_OFFER, Kind.OFFER_EXPIRING],
        key=offer_key(offer),
    )  # fmt: skip
    _close_finished_items(referral, None)
    _follow_offers(referral)
    # The history's author is the offer's maker: the step is Hearth's, as its sentence says.
    record_event(
        referral=referral, action="agency_offer_expired", by=offer.made_by,
        detail=_offer_detail(offer, agency_request),
    )  # fmt: skip
    audit_record(
        user=None, action=AuditEvent.Action.UPDATE, record_type="referral",
        record_id=referral.pk, organisation=referral.authority, via="worker",
        detail=f"agency offer {offer.pk} expired",
    )  # fmt: skip
    email_queue_to(
        addresses=_agency_addresses(agency_request.provider),
        subject="An offer of yours in Hearth expired",
        body=f"Your offer of a home with {offer.household.name} expired before the council "
        "decided on it.\n\nSee the referral on the agency portal: "
        f"{_link('portal_request', agency_request.pk)}\n\n{NO_CHILD_NAMED}",
    )
    return 1


def _warn(offer, now):
    offer = _locked_offer(offer)
    if offer.status not in LIVE or offer.expires_at is None:
        return 0
    if not now < offer.expires_at <= now + WARNING_AHEAD:
        return 0
    referral = offer.referral
    warned = WorkItem.objects.filter(
        referral=referral, kind=Kind.OFFER_EXPIRING, key=offer_key(offer), due_at=offer.expires_at
    )
    if warned.exists():
        return 0
    expires = timezone.localtime(offer.expires_at)
    item_open(
        organisation=referral.authority, kind=Kind.OFFER_EXPIRING, referral=referral,
        title=f"{referral_title(referral)}: the agency offer with {offer.household.name} "
        f"expires {expires.day} {expires:%B %Y at %H:%M}",
        urgent=referral.urgent, user=referral.social_worker, due_at=offer.expires_at,
        note="Decide on the offer, or ask the agency to extend it, before it expires",
        key=offer_key(offer),
    )  # fmt: skip
    return 1
