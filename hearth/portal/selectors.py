"""What an agency reads on the portal: the referral minimised to coded fields until a match is agreed
(DOMAIN.md, referral to placement, step 10; DESIGN.md, tenancy).

Before a match the agency reads, for each child, the age in years, sex, legal status, needs, risks
and whether there is a disability; for the placement, its type, the date needed, whether it is
urgent, how many brothers and sisters and whether they must live together, the area (the council
and the outward code of each child's home postcode, never the whole postcode), the distance limit
and whether education or therapy is asked for with it. The referral's free text (needs summary,
risk management and the rest) is never shown: it may name people. Once the agency's own offer is
matched (or the children placed with it) the children's first names and the outward code of their
school's postcode are added. A request closed because the children went elsewhere shows nothing
of them but that it is closed.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Prefetch
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
    first_name: str = ""  # only once the agency's offer is matched
    school_area: str = ""  # outward code of the school postcode, only once matched

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
    matched: bool  # this agency's offer is matched: first names and school areas are shown
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


def is_matched_with(agency_request):
    """Whether one of the agency's offers on the request is matched or placed."""
    return agency_request.offers.filter(status__in=MATCHED).exists()


def _child_shown(number, child, today, matched):
    return ChildShown(
        number=number,
        age=age_on(child.date_of_birth, today),
        sex=vocabulary.SEXES.get(child.sex, child.sex),
        legal_status=vocabulary.LEGAL_STATUSES.get(child.legal_status, child.legal_status),
        needs=tuple(vocabulary.NEEDS.get(tag, tag).split(":")[0] for tag in child.needs or ()),
        risks=tuple(vocabulary.RISKS.get(tag, tag) for tag in child.risks or ()),
        disability="Yes" if child.disability.strip() else "No",
        first_name=(child.preferred_name or child.first_name) if matched else "",
        school_area=outward_code(child.school_postcode) if matched else "",
    )


def minimised_referral(agency_request, *, today=None):
    """The request's referral as the agency may read it now (see the module's docstring)."""
    referral = agency_request.referral
    council = referral.authority.name
    matched = is_matched_with(agency_request)
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
            _child_shown(number, child, today, matched) for number, child in enumerate(children, 1)
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
    )


def portal_requests(user):
    """The referrals sent to the user's agency, newest first, with what the list shows: the council,
    the children's dates of birth (for their ages) and whether the agency's offer is matched
    (`matched_here`), in two queries however many."""
    children = Child.objects.only("pk", "date_of_birth").order_by("date_of_birth", "pk")
    matched = Offer.objects.filter(agency_request=OuterRef("pk"), status__in=MATCHED)
    return (
        agency_requests_for_user(user)
        .annotate(matched_here=Exists(matched))
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
