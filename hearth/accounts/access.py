"""The one door to tenant data.

Every view and API call fetches a child's, household's, provider's or user's record through these
functions. Each answers the record only when the user holds, in the record's organisation, a role that
grants what they are doing; otherwise it raises Http404, exactly as if the record did not exist, and
the attempt is audited. A granted read writes its audit row in the request's transaction.

Denied attempts are remembered on the request and written by `AuditDeniedMiddleware` after the
request's transaction has rolled back, so the refusal is kept even though the request failed.
"""

from operator import attrgetter

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import Http404

from hearth.accounts.models import Membership, User
from hearth.accounts.roles import Capability, grants
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.models import Organisation, Policy, Team
from hearth.people.models import Child, Household


def memberships_of(user):
    """The user's memberships, fetched once per user object."""
    if not user.is_authenticated or not user.is_active:
        return []
    cached = getattr(user, "_hearth_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("organisation", "team"))
        user._hearth_memberships = cached
    return cached


def roles_of(user, organisation_id=None):
    return {
        m.role
        for m in memberships_of(user)
        if organisation_id is None or m.organisation_id == organisation_id
    }


def organisation_ids_granting(user, capability):
    """Ids of the organisations in which the user may do `capability`."""
    return {m.organisation_id for m in memberships_of(user) if grants({m.role}, capability)}


def organisations_granting(user, capability):
    seen = {}
    for m in memberships_of(user):
        if grants({m.role}, capability):
            seen.setdefault(m.organisation_id, m.organisation)
    return list(seen.values())


def can(user, capability, organisation=None):
    """Whether the user may do `capability` somewhere, or in `organisation` when one is given."""
    granting = organisation_ids_granting(user, capability)
    return organisation.pk in granting if organisation is not None else bool(granting)


def primary_organisation(user):
    memberships = memberships_of(user)
    return memberships[0].organisation if memberships else None


def deny(user, *, record_type, record_id, request=None):
    """Refuse access as if the record did not exist, and audit the attempt."""
    event = {"record_type": record_type, "record_id": str(record_id), "user": user}
    if request is not None:
        request.hearth_denied = [*getattr(request, "hearth_denied", []), event]
    else:
        audit_record(action=AuditEvent.Action.DENIED, **event)
    raise Http404("No such record")


def _fetch(queryset, pk, *, user, record_type, request, audit_view, organisation_field):
    try:
        record = queryset.get(pk=int(pk))
    except (ObjectDoesNotExist, ValueError, TypeError):
        deny(user, record_type=record_type, record_id=pk, request=request)
    if audit_view:
        audit_record(
            user=user,
            action=AuditEvent.Action.VIEW,
            record_type=record_type,
            record_id=record.pk,
            organisation=attrgetter(organisation_field)(record),
            request=request,
        )
    return record


# Children -------------------------------------------------------------------------------------------


def children_for_user(user, *, write=False):
    capability = Capability.EDIT_CHILDREN if write else Capability.VIEW_CHILDREN
    return Child.objects.filter(authority_id__in=organisation_ids_granting(user, capability))


def child_for_user(user, pk, *, write=False, request=None, audit_view=None):
    """The child `pk` if the user may see it (or change it, with `write`), else 404."""
    return _fetch(
        children_for_user(user, write=write).select_related(
            "authority", "social_worker", "team", "iro", "sibling_group", "placed_with"
        ),
        pk,
        user=user,
        record_type="child",
        request=request,
        audit_view=(not write) if audit_view is None else audit_view,
        organisation_field="authority",
    )


# Referrals: part of each child's record, seen by those who may see the children. ---------------------


def referrals_for_user(user):
    from hearth.referrals.models import Referral

    return Referral.objects.filter(
        authority_id__in=organisation_ids_granting(user, Capability.VIEW_CHILDREN)
    )


def referral_for_user(user, pk, *, request=None, audit_view=True):
    """The referral `pk` if the user may see its children's records, else 404. What the user may do
    with it is the referral workflow's business (hearth.referrals.workflow)."""
    return _fetch(
        referrals_for_user(user).select_related(
            "authority__policy",
            "social_worker",
            "team",
            "emergency_household",
            "next_action_holder",
            "accommodation_agreed_by",
            "search_route_overridden_by",
        ),
        pk,
        user=user,
        record_type="referral",
        request=request,
        audit_view=audit_view,
        organisation_field="authority",
    )


# Households -----------------------------------------------------------------------------------------


def households_for_user(user, *, write=False):
    capability = Capability.EDIT_HOUSEHOLDS if write else Capability.VIEW_HOUSEHOLDS
    return Household.objects.filter(provider_id__in=organisation_ids_granting(user, capability))


def household_for_user(user, pk, *, write=False, request=None, audit_view=None):
    return _fetch(
        households_for_user(user, write=write).select_related(
            "provider", "supervising_social_worker"
        ),
        pk,
        user=user,
        record_type="household",
        request=request,
        audit_view=(not write) if audit_view is None else audit_view,
        organisation_field="provider",
    )


# Providers (agencies): a shared market, seen by every council's staff and by the agency itself. ------


def providers_for_user(user, *, write=False):
    capability = Capability.EDIT_PROVIDERS if write else Capability.VIEW_PROVIDERS
    memberships = [m for m in memberships_of(user) if grants({m.role}, capability)]
    agencies = Organisation.objects.filter(kind=Organisation.Kind.AGENCY)
    if any(m.organisation.is_authority for m in memberships) and not write:
        return agencies
    return agencies.filter(
        pk__in={m.organisation_id for m in memberships if m.organisation.is_agency}
    )


def contracting_councils(user):
    """Councils in which the user may record agencies' contracts."""
    return [o for o in organisations_granting(user, Capability.EDIT_PROVIDERS) if o.is_authority]


def provider_for_user(user, pk, *, write=False, request=None):
    return _fetch(
        providers_for_user(user, write=write),
        pk,
        user=user,
        record_type="provider",
        request=request,
        audit_view=False,
        organisation_field="pk",
    )


# Referrals sent to providers (the agency portal) --------------------------------------------------


def agency_requests_for_user(user):
    """The referrals sent to the agencies where the user is an agency user (an agency's system
    administrator manages its staff, not its referrals), except those withdrawn from the agency or
    whose referral was withdrawn: those are gone from the portal as if never sent. Closed ones stay
    listed as closed."""
    from hearth.accounts.roles import Role
    from hearth.referrals.models import Status
    from hearth.search.models import AgencyRequest

    agency_ids = {
        m.organisation_id
        for m in memberships_of(user)
        if m.role == Role.AGENCY_USER and m.organisation.is_agency
    }
    return (
        AgencyRequest.objects.filter(provider_id__in=agency_ids)
        .exclude(status=AgencyRequest.Status.WITHDRAWN)
        .exclude(referral__status=Status.WITHDRAWN)
    )


def agency_request_for_user(user, pk, *, request=None):
    """One referral sent to the user's agency, its reading audited under the referral's council
    (whose child it is: the council's log shows which agency read it); 404 (audited) otherwise."""
    agency_request = _fetch(
        agency_requests_for_user(user).select_related("provider", "referral__authority"),
        pk,
        user=user,
        record_type="agency_request",
        request=request,
        audit_view=False,
        organisation_field="provider",
    )
    audit_record(
        user=user,
        action=AuditEvent.Action.VIEW,
        record_type="agency_request",
        record_id=agency_request.pk,
        organisation=agency_request.referral.authority,
        request=request,
        detail=f"referral {agency_request.referral_id} read by {agency_request.provider.name}",
    )
    return agency_request


def offers_for_user(user):
    """Offers the user may read: those on referrals of the councils whose children they may see,
    and, for an agency user, their own agency's offers on the referrals still sent to it."""
    from django.db.models import Q

    from hearth.search.models import Offer

    return Offer.objects.filter(
        Q(referral__in=referrals_for_user(user))
        | Q(agency_request__in=agency_requests_for_user(user))
    )


def offer_for_user(user, pk, *, request=None):
    """One offer the user may read (not yet audited as read: the caller audits what it shows);
    404 (audited) otherwise."""
    return _fetch(
        offers_for_user(user).select_related(
            "household", "agency_request__provider", "referral__authority"
        ),
        pk,
        user=user,
        record_type="offer",
        request=request,
        audit_view=False,
        organisation_field="household",
    )


# Placements -----------------------------------------------------------------------------------------
# (placements, cost approvals, agreements: added by the placements app)
# A placement and a cost approval are part of the child's record: seen by the council's child
# readers. What each may do with them is `hearth.placements.permissions`' business; `write` only
# leaves the read unaudited, the step itself being audited by its service.


def placements_for_user(user):
    from hearth.placements.models import Placement

    return Placement.objects.filter(
        authority_id__in=organisation_ids_granting(user, Capability.VIEW_CHILDREN)
    )


def placement_for_user(user, pk, *, write=False, request=None):
    return _fetch(
        placements_for_user(user).select_related(
            "authority__policy", "child__team", "child__social_worker", "household__provider",
            "provider", "referral", "offer", "started_by", "ended_by",
        ),
        pk, user=user, record_type="placement", request=request, audit_view=not write,
        organisation_field="authority",
    )  # fmt: skip


def cost_approvals_for_user(user):
    from hearth.placements.models import CostApproval

    return CostApproval.objects.filter(
        offer__referral__authority_id__in=organisation_ids_granting(user, Capability.VIEW_CHILDREN)
    )


def cost_approval_for_user(user, pk, *, request=None):
    return _fetch(
        cost_approvals_for_user(user).select_related(
            "offer__referral__authority__policy", "offer__household__provider", "requested_by",
            "decided_by",
        ),
        pk, user=user, record_type="cost_approval", request=request, audit_view=False,
        organisation_field="pk",
    )  # fmt: skip


# Stability: meetings, their actions, moving-on tasks ----------------------------------------------
# Part of the child's record: seen by the council's child readers. What each may do is
# `hearth.stability.permissions`' business; `write` leaves the read unaudited, the step itself being
# audited by its service.


def stability_meetings_for_user(user):
    from hearth.stability.models import Meeting

    return Meeting.objects.filter(
        authority_id__in=organisation_ids_granting(user, Capability.VIEW_CHILDREN)
    )


def stability_meeting_for_user(user, pk, *, write=False, request=None):
    return _fetch(
        stability_meetings_for_user(user).select_related(
            "authority__policy", "placement__provider", "child__team", "child__social_worker",
            "child__iro", "household__provider", "household__supervising_social_worker",
            "requested_by", "chair", "circulated_by", "iro_checked_by", "closed_by",
        ),
        pk, user=user, record_type="stability_meeting", request=request, audit_view=not write,
        organisation_field="authority",
    )  # fmt: skip


def stability_actions_for_user(user):
    from hearth.stability.models import Action

    return Action.objects.filter(
        meeting__authority_id__in=organisation_ids_granting(user, Capability.VIEW_CHILDREN)
    )


def stability_action_for_user(user, pk, *, write=False, request=None):
    return _fetch(
        stability_actions_for_user(user).select_related(
            "meeting__authority__policy", "meeting__child", "meeting__household", "owner",
            "given_to", "escalated_to", "done_by",
        ),
        pk, user=user, record_type="stability_action", request=request, audit_view=not write,
        organisation_field="meeting.authority",
    )  # fmt: skip


def moving_on_tasks_for_user(user):
    from hearth.stability.models import MovingOnTask

    return MovingOnTask.objects.filter(
        placement__authority_id__in=organisation_ids_granting(user, Capability.VIEW_CHILDREN)
    )


def moving_on_task_for_user(user, pk, *, write=False, request=None):
    return _fetch(
        moving_on_tasks_for_user(user).select_related(
            "placement__authority__policy", "placement__child", "placement__household", "owner",
        ),
        pk, user=user, record_type="moving_on_task", request=request, audit_view=not write,
        organisation_field="placement.authority",
    )  # fmt: skip


# The fostering service: enquiries, applications, assessments, panels, visits, reviews, holds, exits,
# action plans. Part of the in-house households' records, kept by the council: seen by those who may
# see its households (an agency's staff never: these records are the council's). What each may do is
# `hearth.fostering.permissions`' business; `write` leaves the read unaudited, the step itself being
# audited by its service. `organisation_field` is the path to the council, for records held under
# another (a panel's items: "panel.authority").


def fostering_records_for_user(user, model, *, organisation_field="authority"):
    lookup = organisation_field.replace(".", "__") + "_id__in"
    return model.objects.filter(
        **{lookup: organisation_ids_granting(user, Capability.VIEW_HOUSEHOLDS)}
    )


def fostering_record_for_user(
    user, model, pk, *, write=False, request=None, organisation_field="authority", queryset=None
):
    """One record of the fostering service (`model`), or 404 (audited) outside the user's council.
    `queryset` narrows or prefetches what is fetched; it is filtered to the user's councils."""
    allowed = fostering_records_for_user(user, model, organisation_field=organisation_field)
    if queryset is not None:
        allowed = queryset.filter(pk__in=allowed.values("pk"))
    return _fetch(
        allowed,
        pk,
        user=user,
        record_type=model._meta.model_name,
        request=request,
        audit_view=not write,
        organisation_field=organisation_field,
    )


# Administration within the administrator's own organisation -------------------------------------------


def administered_organisations(user):
    return organisations_granting(user, Capability.ADMINISTER)


def users_for_admin(user):
    """People holding a role in an organisation the user administers, with `own_memberships`: only
    their roles there (what they do for another council is none of this administrator's business)."""
    org_ids = organisation_ids_granting(user, Capability.ADMINISTER)
    own = Membership.objects.filter(organisation_id__in=org_ids).select_related("organisation")
    return (
        User.objects.filter(memberships__organisation_id__in=org_ids)
        .distinct()
        .prefetch_related(Prefetch("memberships", queryset=own, to_attr="own_memberships"))
    )


def account_wholly_administered(user, person):
    """Whether every role the person holds is in an organisation the user administers: only then
    may the user change what belongs to the whole account (name, password, authenticator, sign-in)."""
    own = organisation_ids_granting(user, Capability.ADMINISTER)
    return set(person.memberships.values_list("organisation_id", flat=True)) <= own


def organisation_for_person(user, person):
    """Which of the user's administered organisations an edit of the person is about."""
    administered = administered_organisations(user)
    held = set(person.memberships.values_list("organisation_id", flat=True))
    return next((o for o in administered if o.pk in held), administered[0])


def user_for_admin(user, pk, *, request=None):
    return _fetch(
        users_for_admin(user),
        pk,
        user=user,
        record_type="user",
        request=request,
        audit_view=False,
        organisation_field="pk",
    )


def teams_for_admin(user):
    return Team.objects.filter(
        organisation_id__in=organisation_ids_granting(user, Capability.ADMINISTER)
    )


def team_for_admin(user, pk, *, request=None):
    return _fetch(
        teams_for_admin(user).select_related("organisation"),
        pk,
        user=user,
        record_type="team",
        request=request,
        audit_view=False,
        organisation_field="organisation",
    )


def teams_of(organisation):
    return Team.objects.filter(organisation=organisation)


def staff_of(organisation):
    """Active users holding any role in the organisation (for allocation pickers)."""
    return User.objects.filter(memberships__organisation=organisation, is_active=True).distinct()


def policy_for_user(user, *, write=False):
    """The policy of the user's council; administrators of several councils get the first."""
    if write:
        org_ids = organisation_ids_granting(user, Capability.ADMINISTER)
    else:
        org_ids = {m.organisation_id for m in memberships_of(user) if m.organisation.is_authority}
    policy = (
        Policy.objects.select_related("authority")
        .filter(authority_id__in=org_ids)
        .order_by("authority__name")
    )
    found = policy.first()
    if found is None:
        raise Http404("No policy for this user")
    return found


AUDITED_RECORDS = {"child": (Child, "authority"), "household": (Household, "provider")}


def record_id_for_auditor(user, record_type, reference):
    """The id of the child or household with this reference, among those the user may audit."""
    model, organisation_field = AUDITED_RECORDS[record_type]
    org_ids = organisation_ids_granting(user, Capability.VIEW_AUDIT)
    found = model.objects.filter(
        **{f"{organisation_field}_id__in": org_ids, "reference": reference}
    )
    return found.values_list("pk", flat=True).first()


def record_for_auditor(user, record_type, pk, *, request=None):
    """A child's or household's record whose access log the user (an administrator) may read."""
    model, organisation_field = AUDITED_RECORDS[record_type]
    org_ids = organisation_ids_granting(user, Capability.VIEW_AUDIT)
    return _fetch(
        model.objects.filter(**{f"{organisation_field}_id__in": org_ids}).select_related(
            organisation_field
        ),
        pk,
        user=user,
        record_type=record_type,
        request=request,
        audit_view=True,
        organisation_field=organisation_field,
    )
