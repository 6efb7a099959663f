"""Reads of referrals for the screens: the placements tracker, the children of open searches (the
dashboards and sufficiency count them) and the emergency carer rota. Each starts from what the
user may see (hearth.accounts.access), or from the council's referrals for a report, and costs
the same number of queries however many rows it returns."""

from django.db.models import Exists, F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce

from hearth.accounts.access import (
    households_for_user,
    memberships_of,
    organisation_ids_granting,
    referrals_for_user,
)
from hearth.accounts.roles import Capability, Role
from hearth.people.models import Child, Household
from hearth.people.selectors import with_free_places
from hearth.placements.models import Placement
from hearth.referrals.models import EmergencyDuty, Referral, Status
from hearth.search.models import Offer

# The statuses a search shows on the tracker with: a referral returned at screening stays on it,
# shown as returned, because the approval stands and it comes back to the placements team (000).
TRACKER_STATUSES = {
    Status.APPROVED: Status.APPROVED.label,
    Status.SEARCHING: Status.SEARCHING.label,
    Status.MATCHED: "Matched",
    Status.RETURNED: Status.RETURNED.label,
}
TRACKER_SORTS = {
    "days_open": "Days open, longest first (urgent first)",
    "date_needed": "Date needed, soonest first",
    "child_name": "Child's name",
    "offers_waiting": "Offers waiting longest for a decision",
}
CHILD_ORDER = ("last_name", "first_name", "pk")
PAST_DUTIES_SHOWN = 10


ON_THE_TRACKER = Q(status__in=[Status.APPROVED, Status.SEARCHING, Status.MATCHED]) | Q(
    status=Status.RETURNED, returned_from=Status.APPROVED
)
BEFORE_APPROVAL = Q(status__in=[Status.SUBMITTED, Status.WITH_SERVICE_LEAD])


def on_the_tracker(referrals):
    """Open searches: approved (awaiting screening), searching, matched (the placement is being
    arranged), or returned at screening."""
    return referrals.filter(ON_THE_TRACKER)


def children_of_open_searches(referrals, *, include_before_approval=False):
    """The (referral, child) pairs of the open searches among `referrals` whose child is still
    to be placed by it, as rows of the referral-child link (`referral`, `child`): a query to
    read with `values_list`. An open search is one on the tracker (`on_the_tracker`); with
    `include_before_approval`, also one sent for approval and still with the team manager or the
    service lead. A child living in an open placement made by the search's own match (an offer
    agreed: `Placement.referral` and `offer`) is left out: a referral of brothers and sisters
    stays open until every child of it is placed (`hearth.placements.services`), and the
    children already placed by it wait for nothing. A child in emergency care while the search
    goes on is still waiting: an emergency placement is made by no offer, and keeps the
    referral open too."""
    wanted = ON_THE_TRACKER | BEFORE_APPROVAL if include_before_approval else ON_THE_TRACKER
    placed_by_its_match = Placement.objects.filter(
        referral_id=OuterRef("referral_id"),
        child_id=OuterRef("child_id"),
        offer__isnull=False,
        ended_on__isnull=True,
    )
    return Referral.children.through.objects.filter(referral__in=referrals.filter(wanted)).exclude(
        Exists(placed_by_its_match)
    )


def _sorted(referrals, sort):
    if sort == "offers_waiting":
        oldest = Offer.objects.filter(referral=OuterRef("pk"), status=Offer.Status.OPEN)
        return referrals.annotate(
            oldest_offer_at=Subquery(oldest.order_by("made_at").values("made_at")[:1])
        ).order_by(F("oldest_offer_at").asc(nulls_last=True), "-urgent", "pk")
    if sort == "date_needed":
        return referrals.order_by(F("date_needed").asc(nulls_last=True), "-urgent", "pk")
    if sort == "child_name":
        first_child = Child.objects.filter(referrals=OuterRef("pk")).order_by(*CHILD_ORDER)
        return referrals.annotate(
            first_last_name=Subquery(first_child.values("last_name")[:1]),
            first_first_name=Subquery(first_child.values("first_name")[:1]),
        ).order_by("first_last_name", "first_first_name", "pk")
    # Days open: the search opened when the placements team accepted it, or, before that, when it
    # was approved; the longest open first, every urgent one above them all.
    return referrals.annotate(opened_at=Coalesce("accepted_at", "approved_at")).order_by(
        "-urgent", F("opened_at").asc(nulls_last=True), "pk"
    )


def tracker_rows(
    user,
    *,
    status="",
    placement_type="",
    urgent_only=False,
    search_route="",
    held_by=None,
    offers_waiting=False,
    sort="days_open",
):
    """The placements tracker: every open search in the councils where the user may see children,
    filtered and sorted, with the children and the offers waiting for the social worker's decision
    (in-house and agency, oldest first, as `waiting_offers`) fetched in one more query each
    whatever the number of rows."""
    referrals = on_the_tracker(referrals_for_user(user))
    if offers_waiting:
        referrals = referrals.filter(
            pk__in=Offer.objects.filter(status=Offer.Status.OPEN).values("referral_id")
        )
    if status:
        referrals = referrals.filter(status=status)
    if placement_type:
        referrals = referrals.filter(placement_type=placement_type)
    if urgent_only:
        referrals = referrals.filter(urgent=True)
    if search_route:
        referrals = referrals.filter(search_route=search_route)
    if held_by is not None:
        referrals = referrals.filter(next_action_holder=held_by)
    children = Prefetch("children", queryset=Child.objects.order_by(*CHILD_ORDER))
    waiting = Prefetch(
        "offers",
        queryset=Offer.objects.filter(status=Offer.Status.OPEN).order_by("made_at", "pk"),
        to_attr="waiting_offers",
    )
    referrals = referrals.select_related(
        "authority", "emergency_household", "next_action_holder"
    ).prefetch_related(children, waiting)
    return _sorted(referrals, sort)


def offers_passed_over(user):
    """Agency offers agreed while an in-house offer for the same children stood (001: in-house
    offers come first, and the reason is reported), newest first, in the councils where the user
    may see children; with the referral, the agency's household and who decided."""
    return (
        Offer.objects.filter(referral__in=referrals_for_user(user))
        .exclude(in_house_passed_over="")
        .select_related("referral__authority", "household__provider", "decided_by")
        .prefetch_related(Prefetch("children", queryset=Child.objects.order_by(*CHILD_ORDER)))
        .order_by("-decided_at", "-pk")
    )


# The emergency carer rota -------------------------------------------------------------------------


def rota_councils(user):
    """The councils whose emergency rota the user keeps: those where they are a placements officer."""
    return [
        m.organisation
        for m in memberships_of(user)
        if m.role == Role.PLACEMENTS_OFFICER and m.organisation.is_authority
    ]


def emergency_carers(user, councils, *, temporary=False, free_places=False):
    """The councils' own households, among those the user may see, approved for emergency care, by
    name. The rota takes only the fully approved; an emergency booking asks for the temporarily
    approved as well (`temporary`) and for each household's `free_places`."""
    statuses = [Household.Status.APPROVED]
    if temporary:
        statuses.append(Household.Status.TEMPORARY)
    households = households_for_user(user).filter(provider__in=councils, status__in=statuses)
    if free_places:
        households = with_free_places(households)
    households = households.select_related("provider").order_by("name", "pk")
    # Types of care are a JSON list; SQLite cannot test membership in one, so it is done here.
    return [household for household in households if "emergency" in household.care_types]


def rota_reader_councils(user):
    """Ids of the councils whose emergency rota the user may read: those where they may see both
    the children and the households (the rota names the carers, which a Virtual School officer,
    who sees children only, may not read)."""
    return organisation_ids_granting(user, Capability.VIEW_CHILDREN) & organisation_ids_granting(
        user, Capability.VIEW_HOUSEHOLDS
    )


def emergency_duties(user, *, today):
    """(on duty now or coming up, soonest first; the latest past duties, most recent first) in the
    councils whose rota the user may read."""
    councils = rota_reader_councils(user)
    duties = EmergencyDuty.objects.filter(authority_id__in=councils).select_related(
        "authority", "household", "created_by"
    )
    current = list(duties.filter(ends_on__gte=today).order_by("starts_on", "ends_on", "pk"))
    past = list(duties.filter(ends_on__lt=today).order_by("-ends_on", "-pk")[:PAST_DUTIES_SHOWN])
    return current, past
