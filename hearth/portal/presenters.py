"""The portal's records in the agency's words: the referrals sent to it and its offers."""

from django.urls import reverse
from django.utils import timezone

from hearth.portal.selectors import ANSWERABLE, LIVE, MATCHED, offer_ended
from hearth.referrals.models import Status
from hearth.search.models import AgencyRequest, Offer
from hearth.web.presenters import age, date_time, long_date, money

REQUEST_COLOURS = {
    AgencyRequest.Status.SENT: "blue",
    AgencyRequest.Status.OFFERED: "green",
    AgencyRequest.Status.NO_OFFER: "grey",
    AgencyRequest.Status.CLOSED: "grey",
}
OFFER_COLOURS = {
    Offer.Status.OPEN: "blue",
    Offer.Status.AGREED: "turquoise",
    Offer.Status.MATCHED: "green",
    Offer.Status.PLACED: "green",
    Offer.Status.DECLINED: "red",
    Offer.Status.EXPIRED: "grey",
}
# What the agency is told of an offer's fate: the status, never the social worker's reasons, which
# may name the children.
OFFER_WORDS = {
    Offer.Status.OPEN: "With the child's social worker",
    Offer.Status.AGREED: "Agreed by the social worker: the match is being prepared",
    Offer.Status.MATCHED: "Matched: the placement is being arranged",
    Offer.Status.PLACED: "Placed: the children have moved in",
    Offer.Status.DECLINED: "Declined by the council",
    Offer.Status.WITHDRAWN: "Withdrawn",
    Offer.Status.CLOSED: "Closed: another home was matched",
    Offer.Status.EXPIRED: "Expired before a decision",
}


def _ages(children, today):
    ages = [age(child.date_of_birth, today) for child in children]
    if len(ages) > 1:
        return ", ".join(ages[:-1]) + " and " + ages[-1]
    return "".join(ages)


def request_status(agency_request, offers=None):
    """(words, colour) of the request as the agency and the council read it: its status, or, once
    none of the agency's offers stands, what became of the last one (`selectors.offer_ended`)."""
    ended = offer_ended(agency_request, offers)
    if ended is not None:
        return ended
    return agency_request.get_status_display(), REQUEST_COLOURS.get(agency_request.status, "grey")


def request_row(agency_request, *, today, now):
    """One line of the portal's list (the request from `selectors.portal_requests`). A request
    closed without this agency's match shows only that it is closed."""
    referral = agency_request.referral
    closed = agency_request.status == AgencyRequest.Status.CLOSED and not getattr(
        agency_request, "matched_here", False
    )
    waiting = agency_request.status == AgencyRequest.Status.SENT
    status, colour = request_status(agency_request)
    row = {
        "number": agency_request.pk,
        "url": reverse("portal_request", args=[agency_request.pk]),
        "council": referral.authority.name,
        "sent": long_date(timezone.localtime(agency_request.sent_at).date()),
        "status": status,
        "colour": colour,
        "answer_due": date_time(agency_request.answer_due_at) if waiting else "",
        "overdue": waiting and agency_request.answer_due_at < now,
        "closed": closed,
    }
    if not closed:
        children = list(referral.children.all())
        row.update(
            ages=_ages(children, today),
            count=len(children),
            placement_type=referral.get_placement_type_display(),
            date_needed=long_date(referral.date_needed),
            urgent=referral.urgent,
        )
    return row


def offer_row(offer, *, named):
    """One of the agency's offers on a request, with whether its terms may still change. Its
    children are named only when every one is among `named` (the pks of the children in the
    agency's matched offers, `selectors.named_children`)."""
    children = list(offer.children.all())
    if children and all(child.pk in named for child in children):
        names = [child.preferred_name or child.first_name for child in children]
        for_whom = ", ".join(names)
    else:
        for_whom = f"{len(children)} child" if len(children) == 1 else f"{len(children)} children"
    return {
        "pk": offer.pk,
        "household": f"{offer.household.name} ({offer.household.reference})",
        "for": for_whom,
        "available_from": long_date(offer.available_from),
        "weekly_cost": money(offer.weekly_cost) if offer.weekly_cost is not None else "",
        "cost_covers": offer.cost_covers,
        "expires": date_time(offer.expires_at) if offer.expires_at else "No expiry",
        "status": OFFER_WORDS.get(offer.status, offer.get_status_display()),
        "colour": OFFER_COLOURS.get(offer.status, "grey"),
        "made": date_time(offer.made_at),
        "may_change": may_change(offer),
        "change_url": reverse("portal_offer_revise", args=[offer.pk]),
    }


def may_change(offer):
    from hearth.portal.services import REVISABLE

    return offer.status in REVISABLE and offer.referral.status in (Status.SEARCHING, Status.MATCHED)


def may_offer(agency_request):
    return (
        agency_request.status in ANSWERABLE and agency_request.referral.status == Status.SEARCHING
    )


def may_say_no_offer(agency_request, offers):
    standing = any(offer.status in (*LIVE, *MATCHED) for offer in offers)
    return may_offer(agency_request) and not standing
