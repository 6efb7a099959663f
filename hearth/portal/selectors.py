"""What an agency reads on the portal: the referral minimised to coded fields until a match is agreed
(DOMAIN.md, referral to placement, step 10; DESIGN.md, tenancy).

Before a match the agency reads, for each child, the age in years, sex, legal status, needs, risks
and whether there is a disability; for the placement, its type, the date needed, whether it is
urgent, how many brothers and sisters and whether they must live together, the area (the council
and the outward code of each child's home postcode, never the whole postcode), the distance limit
and whether education or therapy is asked for with it. The referral's free text (needs summary,
risk management and the rest) is never shown: it may name people. Once one of the agency's own
offers is matched (or the children placed with it), the first names and the outward code of the
school's postcode are added for the children of that offer, and for no other child. A request
closed because the children went elsewhere shows nothing of them but that it is closed.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, Subquery
from django.utils import timezone

from hearth.accounts.access import agency_requests_for_user
from hearth.core.postcodes import normalise
from hearth.people import vocabulary
from hearth.people.forms import age_on
from hearth.people.models import Child
from hearth.search.models import AgencyRequest, Offer, SiblingSplit

MATCHED = (Offer.Status.MATCHED, Offer.Status.PLACED)
LIVE = (Offer.Status.OPEN, Offer.Status.AGREED)
# An agency answers a request, or makes a further offer, while the council is still searching.
ANSWERABLE = (
    AgencyRequest.Status.SENT,
    AgencyRequest.Status.OFFERED,
    AgencyRequest.Status.NO_OFFER,
)
# A request answered with an offer whose offers have all ended, as both sides read it (its status
# stays "Offer made": the answer was an offer), by the fate of its latest offer.
ENDED = {
    Offer.Status.EXPIRED: ("Offer expired", "grey"),
    Offer.Status.DECLINED: ("Offer declined", "red"),
    Offer.Status.WITHDRAWN: ("Offer withdrawn", "grey"),
    Offer.Status.CLOSED: ("Offer closed: another home was matched", "grey"),
}


def outward_code(postcode):
    """'WN1 1AA' -> 'WN1': the first half of a postcode, which names a district, never a street.
    Empty when the postcode is missing or not shaped like one."""
    normal = normalise(postcode)
    return normal.split()[0] if normal else ""


@dataclass(frozen=True)
class ChildShown:
    """One child as the agency reads them."""

    number: int  # 1 for the eldest
    age: int  # in whole years, today
    sex: str
    legal_status: str
    needs: tuple[str, ...]
    risks: tuple[str, ...]
    disability: str  # "Yes" or "No"
    first_name: str = ""  # only once the agency's offer for this child is matched
    school_area: str = ""  # outward code of the school postcode, only once matched
    named: bool = False  # in one of the agency's matched (or placed) offers

    @property
    def label(self):
        """How the agency tells the children apart before a match: 'Child 1, age 9, female'."""
        name = self.first_name or f"Child {self.number}"
        return f"{name}, age {self.age}, {self.sex.lower()}"


@dataclass(frozen=True)
class MinimisedReferral:
    """A referral as the provider it was sent to reads it."""

    request: int  # the request's number
    council: str
    closed: bool  # closed without this agency's match: nothing of the children is shown
    matched: bool  # an offer of this agency's is matched: its children's names are shown
    children: tuple[ChildShown, ...] = ()
    placement_type: str = ""
    date_needed: date | None = None
    urgent: bool = False
    sibling_count: int = 0
    together: bool = False  # brothers and sisters to live together
    location_area: str = ""  # "Wigan Council, WN1"
    distance_limit_miles: int | None = None
    education_requested: bool | None = None
    therapy_requested: bool | None = None
    named: frozenset = frozenset()  # pks of the children shown by name (never drawn)


def is_matched_with(agency_request):
    """Whether one of the agency's offers on the request is matched or placed."""
    return agency_request.offers.filter(status__in=MATCHED).exists()


def named_children(agency_request):
    """The pks of the children in the agency's matched (or placed) offers on the request: the only
    children it may know by name. Empty before a match."""
    return set(
        Child.objects.filter(
            offers__agency_request=agency_request, offers__status__in=MATCHED
        ).values_list("pk", flat=True)
    )


def with_offer_state(requests):
    """The requests with what their lists show of the agency's offers: `matched_here` (one is
    matched or placed), `offer_standing` (one is open, agreed, matched or placed) and
    `last_offer_status` (the latest offer's status), in the same query."""
    offers = Offer.objects.filter(agency_request=OuterRef("pk"))
    return requests.annotate(
        matched_here=Exists(offers.filter(status__in=MATCHED)),
        offer_standing=Exists(offers.filter(status__in=(*LIVE, *MATCHED))),
        last_offer_status=Subquery(offers.order_by("-made_at", "-pk").values("status")[:1]),
    )


def offer_ended(agency_request, offers=None):
    """(words, colour) for a request answered with an offer when none of the agency's offers on it
    stands any more: 'Offer expired', 'Offer declined' or 'Offer withdrawn', by its latest offer;
    None while one stands, or for a request in any other state. `offers`: the request's offers,
    oldest first; without them, those annotated by `with_offer_state`, else they are read."""
    if agency_request.status != AgencyRequest.Status.OFFERED:
        return None
    if offers is None and not hasattr(agency_request, "offer_standing"):
        offers = list(agency_request.offers.order_by("made_at", "pk"))
    if offers is None:
        standing, last = agency_request.offer_standing, agency_request.last_offer_status
    else:
        standing = any(offer.status in (*LIVE, *MATCHED) for offer in offers)
        last = offers[-1].status if offers else None
    if standing:
        return None
    return ENDED.get(last)


def _child_shown(number, child, today, named):
    return ChildShown(
        number=number,
        age=age_on(child.date_of_birth, today),
        sex=vocabulary.SEXES.get(child.sex, child.sex),
        legal_status=vocabulary.LEGAL_STATUSES.get(child.legal_status, child.legal_status),
        needs=tuple(vocabulary.NEEDS.get(tag, tag).split(":")[0] for tag in child.needs or ()),
        risks=tuple(vocabulary.RISKS.get(tag, tag) for tag in child.risks or ()),
        disability="Yes" if child.disability.strip() else "No",
        first_name=(child.preferred_name or child.first_name) if named else "",
        school_area=outward_code(child.school_postcode) if named else "",
        named=named,
    )


def minimised_referral(agency_request, *, today=None):
    """The request's referral as the agency may read it now (see the module's docstring)."""
    referral = agency_request.referral
    council = referral.authority.name
    named = named_children(agency_request)
    matched = bool(named)
    closed = agency_request.status == AgencyRequest.Status.CLOSED and not matched
    if closed:
        return MinimisedReferral(agency_request.pk, council, closed=True, matched=False)
    today = today or timezone.localdate()
    children = list(referral.children.order_by("date_of_birth", "pk"))
    areas = sorted({outward_code(child.home_postcode) for child in children} - {""})
    split = SiblingSplit.objects.filter(referral=referral, set_aside_at__isnull=True).exists()
    return MinimisedReferral(
        request=agency_request.pk,
        council=council,
        closed=False,
        matched=matched,
        children=tuple(
            _child_shown(number, child, today, child.pk in named)
            for number, child in enumerate(children, 1)
        ),
        placement_type=vocabulary.PLACEMENT_TYPES.get(
            referral.placement_type, referral.placement_type
        ),
        date_needed=referral.date_needed,
        urgent=referral.urgent,
        sibling_count=len(children),
        together=len(children) > 1 and not split,
        location_area=", ".join([council, *areas]),
        distance_limit_miles=referral.distance_limit_miles,
        education_requested=referral.education_requested,
        therapy_requested=referral.therapy_requested,
        named=frozenset(named),
    )


def portal_requests(user):
    """The referrals sent to the user's agency, newest first, with what the list shows: the council,
    the children's dates of birth (for their ages) and the state of the agency's offers
    (`with_offer_state`), in two queries however many."""
    children = Child.objects.only("pk", "date_of_birth").order_by("date_of_birth", "pk")
    return (
        with_offer_state(agency_requests_for_user(user))
        .select_related("referral__authority", "provider")
        .prefetch_related(Prefetch("referral__children", queryset=children))
        .order_by("-sent_at", "-pk")
    )


def request_offers(agency_request):
    """The agency's offers on the request, oldest first, with their households."""
    return list(
        agency_request.offers.select_related("household")
        .prefetch_related("children")
        .order_by("made_at", "pk")
    )


def offerable_households(agency_request):
    """The agency's approved households (and those approved temporarily), by name."""
    from hearth.people.models import Household

    return (
        Household.objects.filter(
            provider_id=agency_request.provider_id,
            status__in=(Household.Status.APPROVED, Household.Status.TEMPORARY),
        )
        .select_related("provider")
        .order_by("name", "pk")
    )
