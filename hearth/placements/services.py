"""Writes from a signed-off match to a child living in a home, and its ending (DOMAIN.md, referral
to placement, steps 13 to 15).

- **Cost approval** (001): an agency match asks the role the policy names for its weekly cost
  (`policy.cost_approver`) to approve it; that role or a higher one decides, with conditions, or
  refuses with a reason. A changed cost sets the standing request aside and asks again.
- **The placement**: started from a signed-off match once its approvals are complete (for an
  agency: the cost approved as it stands and the IPA issued), or before them in an emergency on
  an urgent referral, which asks for the approvals retrospectively. One SSDA903 episode per
  child, its codes derived from the match and checked on entry. The household's free places are
  re-checked under its row lock, so two people placing into its last place at once cannot both
  succeed. The referral closes when every child is placed; the offers not taken are declined and
  their agencies told; the tasks of the day a child moves land with the social worker.
- **Costing** (CPLI): finance confirms the weekly cost, start and approval.
- **Ending**: planned or unplanned, with the 903 reason the episode ceased and, for a move, the
  reason for the placement change; an unplanned ending is marked for the stability follow-up.

Every service is atomic and keyword-only. Locks are taken in one order everywhere: the referral,
then the offer (`hearth.search.services._locked_offer`), then the cost approval or the household
and the children. A person who may not take the step gets `ActionNotAllowed`; bad input a
`ReferralError` with the message at its field, before anything is written. Each step writes the
referral's history (`record_event`), its tray items and its audit rows in the same transaction.
"""

from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from hearth.accounts.access import roles_of
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import LONDON, policy_due_at
from hearth.fostering import history as fostering_history
from hearth.people.models import Child, Household
from hearth.people.services import EditConflict
from hearth.people.vocabulary import PLACEMENT_TYPES
from hearth.placements import codes as episode_codes
from hearth.placements import permissions
from hearth.placements.models import CostApproval, Costing, Placement
from hearth.placements.selectors import (
    agreement_of,
    approval_for_placement,
    approval_problems,
    current_approval,
    place_problem,
)
from hearth.referrals.models import Referral, Status
from hearth.referrals.services import (
    ActionNotAllowed,
    clean_text,
    record_event,
    referral_title,
    refuse_if,
    version_number,
)
from hearth.search.models import AgencyRequest, Offer
from hearth.search.services import SEARCH_KINDS, _locked, _locked_offer, offer_key
from hearth.ssda903 import episodes as statutory_episodes
from hearth.trays.models import WorkItem
from hearth.trays.services import email_queue, email_queue_to, item_open, items_close

Kind = WorkItem.Kind
Approval = CostApproval.Status
LIVE = (Offer.Status.OPEN, Offer.Status.AGREED)
BOOKABLE = (Household.Status.APPROVED, Household.Status.TEMPORARY)
NOT_TAKEN = "The children were placed with another home"
NO_CHILD_NAMED = "This message names no child: sign in to Hearth to see who it is about."
# What closes with the search when every child is placed (the tasks of the move stay open).
SEARCH_ITEMS = (
    *SEARCH_KINDS,
    Kind.AGENCY_CHASE,
    Kind.OFFER_EXPIRING,
    Kind.COST_APPROVAL,
    Kind.PLACEMENT_START,
)
APPROVAL_ITEMS = (Kind.COST_APPROVAL, Kind.RETROSPECTIVE_APPROVAL)
WITHDRAWN = "The referral was withdrawn"
MOVE_FIELDS = ("reason_place_change", "ending", "note")


# Small helpers --------------------------------------------------------------------------------------


def placement_key(placement):
    """The key of the tray items that wait on one placement (its tasks, its costing)."""
    return f"placement:{placement.pk}"


def agreement_key(offer):
    """The key of the tray item asking for the IPA of an emergency placement made."""
    return f"agreement:{offer.pk}"


def refused_key(offer):
    """The key of the tray items telling that a placed offer's weekly cost was refused."""
    return f"cost_refused:{offer.pk}"


def _money(amount):
    return f"£{amount:,.2f}"


def _offer_detail(offer):
    household = offer.household
    return {
        "offer": offer.pk,
        "household": household.reference,
        "household_name": household.name,
        "household_id": household.pk,
    }


def _save_referral(referral, *fields):
    referral.version += 1
    referral.save(update_fields=[*fields, "version", "updated_at"])


def _audit(user, record_type, record, organisation, detail, request):
    audit_record(
        user=user, action=AuditEvent.Action.UPDATE, record_type=record_type,
        record_id=record.pk, organisation=organisation, request=request, detail=detail,
    )  # fmt: skip


def _roles_words(user, authority_id, wanted):
    return ", ".join(sorted(roles_of(user, authority_id) & set(wanted)))


def _starter_roles(user, referral):
    return _roles_words(
        user,
        referral.authority_id,
        {Role.PLACEMENTS_OFFICER, Role.SOCIAL_WORKER, Role.TEAM_MANAGER},
    )


def _link(path):
    return settings.HEARTH_BASE_URL.rstrip("/") + path


def _provider_addresses(provider, *, also=()):
    """The provider's own address, its contacts' who receive referrals, and the agency staff
    in `also` (such as the person who made the offer)."""
    contacts = provider.contacts.filter(receives_referrals=True).exclude(email="")
    people = [p.email for p in also if p is not None and p.email and roles_of(p, provider.pk)]
    return [provider.email, *contacts.values_list("email", flat=True), *people]


def _open_once(*, referral, kind, key, **fields):
    """Open a tray item unless one of its kind and key is open already."""
    open_already = WorkItem.objects.filter(
        referral=referral, kind=kind, key=key, closed_at__isnull=True
    )
    if "user" in fields and fields["user"] is not None:
        open_already = open_already.filter(assigned_user=fields["user"])
    if not open_already.exists():
        item_open(organisation=referral.authority, kind=kind, referral=referral, key=key, **fields)


# Cost approval ---------------------------------------------------------------------------------------


def _approval_title(referral, offer):
    return (
        f"{referral_title(referral)}: {_money(offer.weekly_cost)} a week with "
        f"{offer.household.name} ({offer.household.provider.name})"
    )


def _ask_approval(offer, by, *, retrospective=False, due_at=None):
    """A new pending request to the role the policy names for the offer's cost, in its tray."""
    referral = offer.referral
    role = referral.authority.policy.cost_approver(offer.weekly_cost)
    approval = CostApproval.objects.create(
        offer=offer, weekly_cost=offer.weekly_cost, required_role=role, requested_by=by,
        requested_at=timezone.now(), retrospective=retrospective,
    )  # fmt: skip
    item_open(
        organisation=referral.authority,
        kind=Kind.RETROSPECTIVE_APPROVAL if retrospective else Kind.COST_APPROVAL,
        referral=referral, title=_approval_title(referral, offer), urgent=referral.urgent,
        role=role, key=offer_key(offer), due_at=due_at,
        note=f"Decide as {permissions.tier_words(role)}"
        + ("; the child has already moved in an emergency" if retrospective else ""),
    )  # fmt: skip
    return approval


def _approval_detail(offer, approval):
    return {
        **_offer_detail(offer),
        "approval": approval.pk,
        "weekly_cost": str(approval.weekly_cost),
        "required_role": approval.required_role,
    }


def _to_placement_start(offer):
    """The placements team and the child's social worker are told the placement can be started
    (for an agency once the IPA is issued)."""
    referral = offer.referral
    title = f"{referral_title(referral)}: start the placement with {offer.household.name}"
    note = (
        "Issue the placement agreement (IPA), then start the placement"
        if offer.source == Offer.Source.AGENCY
        else "The match is signed off: start the placement on the day the children move"
    )
    key = offer_key(offer)
    _open_once(
        referral=referral, kind=Kind.PLACEMENT_START, key=key, title=title, note=note,
        urgent=referral.urgent, role=Role.PLACEMENTS_OFFICER,
    )  # fmt: skip
    worker = referral.social_worker
    if worker is not None and worker.is_active:
        _open_once(
            referral=referral, kind=Kind.PLACEMENT_START, key=key, title=title, note=note,
            urgent=referral.urgent, user=worker,
        )  # fmt: skip


@transaction.atomic
def on_offer_matched(*, offer, by):
    """What follows a signed-off match (`hearth.search.services.matching_sign_off` calls it once
    the offer is MATCHED): an agency offer's weekly cost goes to the policy's approver for it; an
    in-house offer goes straight to the placements team and the social worker to start. Calling
    it again asks nothing twice. Returns the cost approval asked for, or None."""
    offer = _locked_offer(offer)
    if offer.status != Offer.Status.MATCHED:
        return None
    if offer.source != Offer.Source.AGENCY:
        _to_placement_start(offer)
        return None
    standing = current_approval(offer)
    if standing is not None and standing.weekly_cost == offer.weekly_cost:
        return standing
    approval = _ask_approval(offer, by)
    record_event(
        referral=offer.referral, action="cost_approval_requested", by=by,
        detail=_approval_detail(offer, approval),
    )  # fmt: skip
    return approval


def _locked_approval(approval):
    offer = _locked_offer(approval.offer)
    locked = CostApproval.objects.select_for_update(of=("self",)).get(pk=approval.pk)
    locked.offer = offer
    return locked


@transaction.atomic
def cost_decide(*, user, approval, approve, conditions="", reason="", request=None):
    """Approve (with any conditions) or refuse (with a reason) an agency placement's weekly cost.
    Only the role the request was asked of, or a higher one, decides (`permissions`). An approved
    cost sends the match on to its IPA and placement."""
    approval = _locked_approval(approval)
    offer = approval.offer
    referral = offer.referral
    refusal = permissions.why_not_decide_cost(user, approval, referral.authority_id)
    if refusal is not None:
        raise ActionNotAllowed(refusal)
    if approval.weekly_cost != offer.weekly_cost:
        raise ActionNotAllowed("The weekly cost has changed since this request: it is asked again")
    errors = {}
    if approve not in (True, False):
        errors["approve"] = "Choose whether you approve the weekly cost"
    conditions = clean_text(
        conditions if approve else "", "conditions", errors, name="The conditions"
    )
    reason = clean_text(
        reason if approve is False else "", "reason", errors, name="The reason",
        missing="Say why the weekly cost is refused" if approve is False else None,
    )  # fmt: skip
    refuse_if(errors)
    role = permissions.deciding_role(user, approval, referral.authority_id)
    approval.status = Approval.APPROVED if approve else Approval.REFUSED
    approval.decided_by, approval.decided_as, approval.decided_at = user, role, timezone.now()
    approval.conditions, approval.reason = conditions, reason
    approval.version += 1
    approval.save()
    items_close(referral=referral, by=user, kinds=list(APPROVAL_ITEMS), key=offer_key(offer))
    from_status = referral.status
    follows = {}
    if approve:
        items_close(
            referral=referral, by=user, kinds=[Kind.RETROSPECTIVE_APPROVAL], key=refused_key(offer)
        )
        if offer.status == Offer.Status.MATCHED:
            _to_placement_start(offer)
    elif offer.status == Offer.Status.MATCHED:
        follows = _refused_before_placement(user, referral, offer, reason)
    else:
        follows = _refused_after_placement(user, referral, offer)
    record_event(
        referral=referral, action="cost_approved" if approve else "cost_refused", by=user,
        comment=conditions or reason, role=role, from_status=from_status,
        detail={
            **_approval_detail(offer, approval), "decided_as": role, "conditions": conditions,
            "retrospective": approval.retrospective, **follows,
        },
    )  # fmt: skip
    _audit(
        user, "referral", referral, referral.authority,
        f"cost approval {approval.pk} of offer {offer.pk} {approval.status}", request,
    )  # fmt: skip
    return approval


def _tell_people(referral, subject, body):
    """Email the referral's social worker and the council's placements officers (no child named:
    a link to the referral)."""
    from hearth.referrals.services import staff_holding

    people = {p.pk: p for p in staff_holding(referral.authority, Role.PLACEMENTS_OFFICER)}
    worker = referral.social_worker
    if worker is not None and worker.is_active:
        people.setdefault(worker.pk, worker)
    email_queue(
        recipients=[people[pk] for pk in sorted(people)],
        subject=subject,
        body=f"{body}\n\nSee the referral in Hearth: {_link(f'/referrals/{referral.pk}/')}\n\n"
        f"{NO_CHILD_NAMED}",
    )


def _refused_before_placement(user, referral, offer, reason):
    """A matched agency offer whose weekly cost is refused is declined: the agency is told (its
    request stays answered), the referral goes back to searching, its agency search going on, and
    the social worker and the placements officers are told."""
    from hearth.search.services import _follow_offers  # the search's own rule for its states

    now = timezone.now()
    offer.status = Offer.Status.DECLINED
    offer.decided_by, offer.decided_at = user, now
    offer.decision_reason = f"Weekly cost refused: {reason}"
    offer.version += 1
    offer.save()
    items_close(
        referral=referral, by=user, kinds=[Kind.PLACEMENT_START, *APPROVAL_ITEMS],
        key=offer_key(offer),
    )  # fmt: skip
    email_queue_to(
        addresses=_provider_addresses(offer.household.provider, also=[offer.made_by]),
        subject="An offer you made through Hearth was declined",
        body=(
            f"{referral.authority.name} could not approve the weekly cost of "
            f"{_money(offer.weekly_cost)} for the home you offered for its referral "
            f"{referral.pk}, so your offer is declined: {reason}\n\nSign in to Hearth to see "
            f"it: {_link('/')}\n\n{NO_CHILD_NAMED}"
        ),
    )
    State = Referral.SearchState
    changed = ["agency_search"]
    referral.agency_search = State.SEARCHING
    if referral.status == Status.MATCHED:
        referral.status = Status.SEARCHING
        changed.append("status")
    in_house_matched = referral.offers.filter(
        source=Offer.Source.IN_HOUSE, status=Offer.Status.MATCHED
    ).exists()
    if referral.in_house_search == State.MATCHED and not in_house_matched:
        referral.in_house_search = State.SEARCHING
        changed.append("in_house_search")
    _save_referral(referral, *changed)
    _follow_offers(referral)
    _tell_people(
        referral,
        "A weekly cost was refused: the search goes on",
        f"The weekly cost of {_money(offer.weekly_cost)} for an agency home matched on referral "
        f"{referral.pk} was refused, so the offer is declined and the referral is searching "
        "again.",
    )
    return {"offer_declined": True, "referral_searching": referral.status == Status.SEARCHING}


def _refused_after_placement(user, referral, offer):
    """An emergency placement made whose weekly cost is refused afterwards: the placements team
    and the children's social workers are told, urgently, that the placement needs a decision;
    its costing can never be confirmed, so finance's item closes."""
    placements = list(Placement.objects.filter(offer=offer, ended_on__isnull=True))
    for placement in placements:
        items_close(referral=referral, by=user, kinds=[Kind.COSTING], key=placement_key(placement))
    title = (
        f"{referral_title(referral)}: the weekly cost of {_money(offer.weekly_cost)} with "
        f"{offer.household.name} was refused: decide what happens to the placement"
    )
    note = "The children have already moved: end or keep the placement, or agree another cost"
    key = refused_key(offer)
    item_open(
        organisation=referral.authority, kind=Kind.RETROSPECTIVE_APPROVAL, referral=referral,
        title=title, urgent=True, role=Role.PLACEMENTS_OFFICER, key=key, note=note,
    )  # fmt: skip
    workers = {}
    for placement in placements:
        child = placement.child
        worker = child.social_worker if child.social_worker_id else referral.social_worker
        if worker is not None and worker.is_active:
            workers.setdefault(worker.pk, worker)
    if not workers and referral.social_worker is not None and referral.social_worker.is_active:
        workers[referral.social_worker_id] = referral.social_worker
    for pk in sorted(workers):
        item_open(
            organisation=referral.authority, kind=Kind.RETROSPECTIVE_APPROVAL, referral=referral,
            title=title, urgent=True, user=workers[pk], key=key, note=note,
        )  # fmt: skip
    return {"placement_needs_decision": [p.pk for p in placements]}


@transaction.atomic
def on_referral_withdrawn(*, referral, by):
    """A withdrawn referral's cost approvals still waiting for a match not yet placed are set
    aside, saying why, and their tray items close (`hearth.referrals.services` calls this when it
    withdraws the referral, which it has locked). An approval asked after an emergency start stays:
    that child lives there, and the cost is still to be decided. Returns the approvals set aside."""
    pending = list(
        CostApproval.objects.select_for_update(of=("self",))
        .filter(
            offer__referral=referral, offer__status=Offer.Status.MATCHED, status=Approval.PENDING
        )
        .order_by("pk")
    )
    for approval in pending:
        approval.status = Approval.SUPERSEDED
        approval.reason = WITHDRAWN
        approval.version += 1
        approval.save(update_fields=["status", "reason", "version"])
        items_close(
            referral=referral, by=by, kinds=[Kind.COST_APPROVAL], key=f"offer:{approval.offer_id}"
        )
    return [approval.pk for approval in pending]


@transaction.atomic
def cost_changed(*, offer, by):
    """The agency changed the offer's weekly cost (the portal calls this after saving it): a
    request pending or approved for another cost is set aside and the new cost is asked of the
    role the policy names for it. Nothing happens before the match is signed off (the cost is
    asked then), nor when the cost is what was last asked. Returns the new request or None."""
    offer = _locked_offer(offer)
    if offer.source != Offer.Source.AGENCY or offer.status not in (
        Offer.Status.MATCHED,
        Offer.Status.PLACED,
    ):
        return None
    standing = sorted(
        CostApproval.objects.select_for_update(of=("self",))
        .filter(offer=offer)
        .exclude(status=Approval.SUPERSEDED)
        .order_by("pk"),
        key=lambda approval: (approval.requested_at, approval.pk),
        reverse=True,
    )
    if standing and standing[0].weekly_cost == offer.weekly_cost:
        return None
    set_aside = [a for a in standing if a.status in (Approval.PENDING, Approval.APPROVED)]
    for old in set_aside:
        old.status = Approval.SUPERSEDED
        old.version += 1
        old.save(update_fields=["status", "version"])
    referral = offer.referral
    items_close(referral=referral, by=by, kinds=list(APPROVAL_ITEMS), key=offer_key(offer))
    items_close(referral=referral, by=by, kinds=[Kind.PLACEMENT_START], key=offer_key(offer))
    placed = offer.status == Offer.Status.PLACED
    due = (
        policy_due_at(referral.authority.policy, "retrospective_approval", timezone.now())
        if placed
        else None
    )
    approval = _ask_approval(offer, by, retrospective=placed, due_at=due)
    previous = standing[0] if standing else None
    record_event(
        referral=referral, action="cost_reopened", by=by,
        detail={
            **_approval_detail(offer, approval),
            "previous_cost": str(previous.weekly_cost) if previous else "",
            "previous_role": previous.required_role if previous else "",
            "set_aside": [old.pk for old in set_aside],
        },
    )  # fmt: skip
    return approval


# The placement -------------------------------------------------------------------------------------


def _locked_household(offer):
    return (
        Household.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=offer.household_id)
    )


def _locked_children(pks):
    return list(
        Child.objects.select_for_update(of=("self",))
        .filter(pk__in=pks)
        .select_related("social_worker", "authority")
        .order_by("date_of_birth", "pk")
    )


def _codes_given(codes, child):
    """The codes entered for one child: `codes` maps each child (or its pk) to its codes, or is
    one set of codes for every child."""
    if not codes:
        return {}
    if set(codes) & set(episode_codes.CODE_FIELDS):
        return codes
    for key in (child.pk, str(child.pk), child):
        if key in codes:
            return codes[key] or {}
    return {}


def child_field(child, field):
    """The form field of one child's episode code: 'c12_place'."""
    return f"c{child.pk}_{field}"


def episodes_checked(
    *, children, household, care_type, started_on, codes=None, today=None, current=None,
    reasons=None,
):  # fmt: skip
    """Each child's codes (derived, with what was entered over them) and every problem with them
    as {form field: message}; a message names the child when there are several. `current` maps
    a child's pk to the open placement that ends as this one starts (a move), `reasons` to the
    reason given for their move (REASON_PLACE_CHANGE). The RNE not entered is derived from the
    LS entered: a move with a new legal status is B or U."""
    episodes, errors = [], {}
    current, reasons = current or {}, reasons or {}
    for child in children:
        given = _codes_given(codes, child)
        status = str(given.get("legal_status") or "").strip().upper() or None
        derived = episode_codes.derive_codes(
            child, household, care_type, started_on, legal_status=status
        )
        entered = episode_codes.cleaned(
            {f: given.get(f, derived[f]) for f in episode_codes.CODE_FIELDS}
        )
        moving = current.get(child.pk)
        problems = episode_codes.episode_problems(
            child=child, household=household, codes=entered, started_on=started_on, today=today,
            moving=moving.pk if moving is not None else None,
            reason_place_change=reasons.get(child.pk),
        )  # fmt: skip
        for field, message in problems.items():
            key = field if field == "started_on" else child_field(child, field)
            errors[key] = message if len(children) == 1 else f"{child.full_name}: {message}"
        episodes.append((child, entered))
    return episodes, errors


def open_placements(children):
    """{child pk: open placement} of the children already placed, locked (their own rows only,
    in the order of their keys) before the children are. Each placement's own referral is locked
    first, as `placement_end` and `costing_confirm` lock it, so that a move and an ending of the
    same placement wait for each other instead of deadlocking."""
    pks = [child.pk for child in children]
    referral_ids = sorted(
        set(
            Placement.objects.filter(
                child_id__in=pks, ended_on__isnull=True, referral__isnull=False
            ).values_list("referral_id", flat=True)
        )
    )
    for referral_id in referral_ids:
        _locked(Referral(pk=referral_id))
    found = (
        Placement.objects.select_for_update(of=("self",))
        .filter(child_id__in=pks, ended_on__isnull=True)
        .select_related("child__team", "household__provider", "provider", "authority", "referral")
        .order_by("pk")
    )
    return {placement.child_id: placement for placement in found}


def _move_given(moves, child):
    """The answers for one child's move: `moves` maps each child (or its pk) to its answers, or
    is one set of answers for every child."""
    if not moves:
        return {}
    if set(moves) & set(MOVE_FIELDS):
        return moves
    for key in (child.pk, str(child.pk), child):
        if key in moves:
            return moves[key] or {}
    return {}


def _carried_move_checked(child, episode, given, started_on, several):
    """The end of a child's care imported from an earlier return (their open episode with no
    placement in Hearth: `hearth.ssda903.episodes`) as a new placement starts: REC X1 with the
    reason for the placement change. Whether it ended as planned is not asked: that answer
    belongs to a placement recorded in Hearth (its unplanned ending meeting), which this care
    has not. ({answers}, {form field: message})."""
    errors = {}
    reason = str(given.get("reason_place_change") or "").strip().upper()
    where = f"{child.full_name}'s current placement, recorded before Hearth,"
    field = child_field(child, "reason_place_change")
    prefix = f"{child.full_name}: " if several else ""
    if not reason:
        errors[field] = f"REASON_PLACE_CHANGE: say why {where} changes"
    elif reason not in episode_codes.REASON_PLACE_CHANGE:
        errors[field] = (
            f"{prefix}REASON_PLACE_CHANGE: {reason} is not a reason for a placement change"
        )
    if isinstance(started_on, date) and started_on < episode.decom:
        errors["started_on"] = (
            f"The start date must be on or after {episode.decom:%-d %B %Y}, when {where} began"
        )
    return {"reason_place_change": reason, "episode": episode.pk}, errors


def moves_checked(*, user, children, current, moves, started_on, today=None, carried=None):
    """The endings of the children's current placements that a new placement from `started_on`
    makes (REC X1, with the reason for the placement change and whether the ending was planned),
    checked as `placement_end` checks an ending: ({child pk: answers}, {form field: message}).
    `carried`: {child pk: open episode} of the children whose care imported from an earlier
    return goes on (no placement in Hearth): it ends too, with the reason for the move."""
    answers, errors = {}, {}
    several = len(children) > 1
    carried = carried or {}
    for child in children:
        placement = current.get(child.pk)
        if placement is None:
            if child.pk in carried:
                answers[child.pk], found = _carried_move_checked(
                    child, carried[child.pk], _move_given(moves, child), started_on, several
                )
                for field, message in found.items():
                    errors.setdefault(field, message)
            continue
        refusal = permissions.why_not_end(user, placement)
        if refusal is not None:
            raise ActionNotAllowed(f"{child.full_name} is placed already: {refusal}")
        given = _move_given(moves, child)
        reason = str(given.get("reason_place_change") or "").strip().upper()
        ending = str(given.get("ending") or "").strip().lower()
        where = f"{child.full_name}'s current placement"  # the carers named only on their page
        problems = episode_codes.ending_problems(
            placement=placement, ended_on=started_on, ending=ending,
            reason_ceased=episode_codes.CHANGE_OF_EPISODE, reason_place_change=reason,
            today=today or timezone.localdate(),
        )  # fmt: skip
        if not ending:
            problems["ending"] = f"Say whether {where} ended as planned or unplanned"
        if not reason:
            problems["reason_place_change"] = f"REASON_PLACE_CHANGE: say why {where} changes"
        for field, message in problems.items():
            if field == "ended_on":
                if isinstance(started_on, date) and started_on < placement.started_on:
                    errors.setdefault(
                        "started_on",
                        f"The start date must be on or after {placement.started_on:%-d %B %Y}, "
                        f"when {where} began",
                    )
                continue
            prefix = f"{child.full_name}: " if several and child.full_name not in message else ""
            errors[child_field(child, field)] = prefix + message
        note = clean_text(given.get("note"), child_field(child, "note"), errors, name="The note")
        answers[child.pk] = {
            "reason_place_change": reason,
            "ending": ending,
            "note": note or "Moved to another placement (REC X1)",
        }
    return answers, errors


def _end_write(user, placement, child, *, ended_on, ending, reason_ceased, reason_place_change,
               note, request):  # fmt: skip
    """Write an ending checked already: `placement` and `child` are locked."""
    placement.ended_on, placement.ending = ended_on, ending
    placement.reason_ceased, placement.reason_place_change = reason_ceased, reason_place_change
    placement.ending_note, placement.ended_by, placement.ended_at = note, user, timezone.now()
    placement.needs_ending_meeting = ending == Placement.Ending.UNPLANNED
    placement.version += 1
    placement.save()
    if child.placed_with_id == placement.household_id:
        child.placed_with = None
        child.version += 1
        child.save(update_fields=["placed_with", "version", "updated_at"])
    WorkItem.objects.filter(
        key=placement_key(placement), closed_at__isnull=True,
        kind__in=[kind for kind, _rule, _doing in TASKS],
    ).update(closed_at=timezone.now(), closed_by=user)  # fmt: skip
    if (
        placement.offer_id is not None
        and not Placement.objects.filter(offer_id=placement.offer_id, ended_on__isnull=True)
        .exclude(pk=placement.pk)
        .exists()
    ):
        WorkItem.objects.filter(
            key=refused_key(Offer(pk=placement.offer_id)), closed_at__isnull=True,
            kind=Kind.RETROSPECTIVE_APPROVAL,
        ).update(closed_at=timezone.now(), closed_by=user)  # fmt: skip
    if placement.referral is not None:
        record_event(
            referral=placement.referral, action="placement_ended", by=user, comment=note,
            role=_roles_words(
                user, placement.authority_id,
                {Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.PLACEMENTS_OFFICER},
            ),
            detail={
                "placement": placement.pk, "child": child.full_name,
                "household": placement.household.reference,
                "household_name": placement.household.name,
                "household_id": placement.household_id, "ended_on": ended_on.isoformat(),
                "ending": ending, "reason_ceased": reason_ceased,
                "reason_place_change": reason_place_change,
            },
        )  # fmt: skip
    _audit(
        user, "child", child, placement.authority,
        f"placement {placement.pk} ended ({ending}, {reason_ceased})", request,
    )  # fmt: skip
    _audit(
        user, "household", placement.household, placement.household.provider,
        f"placement {placement.pk} of child {child.pk} ended", request,
    )  # fmt: skip
    from hearth.stability.endings import on_placement_ended  # stability builds on placements

    fostering_history.on_placement_ended(placement=placement, by=user)
    on_placement_ended(placement=placement, by=user)
    statutory_episodes.refresh(child)
    return placement


def _end_moves(user, children, current, answers, started_on, request):
    """End each moving child's current placement on the new one's start (REC X1)."""
    ended = []
    for child in children:
        placement = current.get(child.pk)
        if placement is None:
            continue
        answer = answers[child.pk]
        ended.append(
            _end_write(
                user,
                placement,
                child,
                ended_on=started_on,
                ending=answer["ending"],
                reason_ceased=episode_codes.CHANGE_OF_EPISODE,
                reason_place_change=answer["reason_place_change"],
                note=answer["note"],
                request=request,
            )  # fmt: skip
        )
    return [placement.pk for placement in ended]


def _start_problems(offer, referral, household, *, emergency, approval, agreement):
    """(approvals missing, field errors) of a start now."""
    missing = approval_problems(offer, approval=approval, agreement=agreement)
    errors = {}
    if emergency and not referral.urgent:
        errors["emergency"] = (
            "Only an urgent referral's placement can start before its approvals are complete"
        )
    elif (
        emergency
        and approval is not None
        and approval.status == Approval.REFUSED
        and approval.weekly_cost == offer.weekly_cost
    ):
        errors["emergency"] = "The weekly cost was refused: an emergency start cannot go ahead"
    if household.status not in BOOKABLE:
        errors["household"] = f"{household.name} are {household.get_status_display().lower()}"
    return missing, errors


@transaction.atomic
def placement_start(
    *, user, offer, started_on, care_type, codes=None, emergency=False, moves=None, request=None
):
    """Start the placement of a signed-off match: one SSDA903 episode per child of the offer,
    the children living with the household from `started_on` (today or a past day).

    The approvals must be complete (for an agency: the weekly cost approved as it stands and the
    IPA issued), except in an emergency on an urgent referral: the placement then records that
    its approvals are due retrospectively, by the policy's `retrospective_approval`, and the
    approver gets it in their tray. `codes` overrides the derived 903 codes (per child, or one
    set for all), each checked on entry.

    A child of the offer who is placed already moves: their open placement ends on `started_on`
    with REC X1, checked as `placement_end` checks an ending, in the same transaction. `moves`
    gives, per child (or once for all), {"reason_place_change": a REASON_PLACE_CHANGE code,
    "ending": "planned" or "unplanned", "note": optional}; an unplanned ending is marked for the
    unplanned ending meeting. Missing answers are errors at the child's fields
    (`c<pk>_reason_place_change`, `c<pk>_ending`). A child whose care imported from an earlier
    return is still open (an open episode with no placement in Hearth) moves too: that episode
    ends with REC X1 and the reason given (only the reason is asked). The children's legal
    status becomes the LS entered for their placement. Returns the placements made."""
    offer = _locked_offer(offer)
    referral = offer.referral
    policy = referral.authority.policy
    refusal = permissions.why_not_start(user, offer, policy)
    if refusal is not None:
        raise ActionNotAllowed(refusal)
    # Locked after the referral and the offer: two people placing into the household's last
    # place at once are served one after the other, the second seeing the first's child there.
    household = _locked_household(offer)
    offer.household = household
    approval = current_approval(offer)
    agreement = agreement_of(offer)
    emergency = bool(emergency)
    missing, errors = _start_problems(
        offer, referral, household, emergency=emergency, approval=approval, agreement=agreement
    )
    children, current, episodes, answers = _arrivals_checked(
        user, offer.children.values_list("pk", flat=True), household, errors,
        care_type=care_type, started_on=started_on, codes=codes, moves=moves,
    )  # fmt: skip
    if missing and not emergency:
        refuse_if(errors, "The placement cannot start yet", problems=missing)
    refuse_if(errors)
    emergency = emergency and bool(missing)
    moved = _end_moves(user, children, current, answers, started_on, request)
    return _placements_make(
        user, offer, household, episodes,
        started_on=started_on, care_type=care_type, emergency=emergency, approval=approval,
        request=request, moved=moved, carried=_carried_reasons(answers, current),
    )  # fmt: skip


def _carried_reasons(answers, current):
    """{child pk: reason for the move} of the children whose care imported from an earlier
    return ends as their placement starts (`hearth.ssda903.episodes.refresh`)."""
    return {
        pk: answer["reason_place_change"] for pk, answer in answers.items() if pk not in current
    }


def _moved_in(child, placement):
    """The child lives with the placement's household now, with its legal status (the LS
    entered for the placement)."""
    child.placed_with = placement.household
    child.legal_status = placement.legal_status
    child.version += 1
    child.save(update_fields=["placed_with", "legal_status", "version", "updated_at"])


def _episodes_written(placement, carried):
    """The child's episodes rewritten with the new placement's; their care imported from an
    earlier return, if it went on, ends with the reason for the move given. Answers what the
    child's audit row adds."""
    reason = carried.get(placement.child_id)
    statutory_episodes.refresh(placement.child, reason_place_change=reason or "")
    if reason is None:
        return ""
    return f"; the placement recorded before Hearth ended (X1, {reason})"


def _arrivals_checked(user, pks, household, errors, *, care_type, started_on, codes, moves):
    """The children moving in (their open placements locked first, then their rows), their
    episodes' codes and, for a child already placed, the answers about the move, with every
    problem added to `errors`: the checks a placement from an offer and one from an emergency
    booking share. Returns (children, current placements, episodes, move answers)."""
    pks = list(pks)
    current = open_placements([Child(pk=pk) for pk in pks])
    children = _locked_children(pks)
    carried = statutory_episodes.open_without_placement(children)
    if care_type not in PLACEMENT_TYPES:
        errors["care_type"] = "Choose the type of care"
    answers, move_errors = moves_checked(
        user=user, children=children, current=current, moves=moves, started_on=started_on,
        carried=carried,
    )  # fmt: skip
    episodes, code_errors = episodes_checked(
        children=children, household=household, care_type=care_type, started_on=started_on,
        codes=codes, current=current,
        reasons={pk: answer["reason_place_change"] for pk, answer in answers.items()},
    )  # fmt: skip
    errors.update(code_errors)
    for field, message in move_errors.items():
        errors.setdefault(field, message)
    place = place_problem(household, children)
    if place:
        errors["household"] = place
    return children, current, episodes, answers


def _placements_make(user, offer, household, episodes, **how):
    referral = offer.referral
    policy = referral.authority.policy
    now = timezone.now()
    due = policy_due_at(policy, "retrospective_approval", now) if how["emergency"] else None
    agency = offer.source == Offer.Source.AGENCY
    made = []
    for child, codes in episodes:
        made.append(
            Placement.objects.create(
                authority=referral.authority,
                child=child,
                referral=referral,
                offer=offer,
                household=household,
                provider=household.provider,
                care_type=how["care_type"],
                started_on=how["started_on"],
                weekly_cost=offer.weekly_cost if agency else None,
                emergency=how["emergency"],
                retrospective_approval_due_at=due,
                started_by=user,
                **codes,
            )  # fmt: skip
        )
        _moved_in(child, made[-1])
    offer.status = Offer.Status.PLACED
    offer.version += 1
    offer.save()
    from_status = referral.status
    whole = _referral_placed(referral, now)
    declined = _decline_others(user, referral, offer, whole=whole, now=now)
    closed_requests = _close_requests(referral, offer, declined, whole=whole)
    _close_search_items(referral, user, offer, declined, whole=whole)
    if how["emergency"]:
        _ask_retrospectively(user, offer, how["approval"], due)
    notes = {}
    for placement in made:
        _open_tasks(referral, placement, policy, agency=agency)
        fostering_history.on_placement_started(placement=placement, by=user)
        notes[placement.pk] = _episodes_written(placement, how["carried"])
    record_event(
        referral=referral, action="placement_started", by=user, from_status=from_status,
        role=_starter_roles(user, referral),
        detail={
            **_offer_detail(offer), "children": [p.child.full_name for p in made],
            "placements": [p.pk for p in made], "started_on": how["started_on"].isoformat(),
            "care_type": how["care_type"], "emergency": how["emergency"],
            "referral_placed": whole, "declined_offers": [o.pk for o in declined],
            "closed_requests": closed_requests, "ended_placements": how["moved"],
        },
    )  # fmt: skip
    request = how["request"]
    _audit(user, "referral", referral, referral.authority, f"offer {offer.pk} placed", request)
    for placement in made:
        _audit(
            user, "child", placement.child, referral.authority,
            f"placement {placement.pk} with household {household.pk} started"
            f"{notes[placement.pk]}", request,
        )  # fmt: skip
    _audit(
        user, "household", household, household.provider,
        f"{len(made)} placed from referral {referral.pk}", request,
    )  # fmt: skip
    return made


def _referral_placed(referral, now):
    """Close the referral when every child of it is placed: True when it was."""
    everyone = set(referral.children.values_list("pk", flat=True))
    # Only homes found by the search count: a child in emergency care keeps the referral open.
    placed = set(
        Placement.objects.filter(
            referral=referral, offer__isnull=False, ended_on__isnull=True
        ).values_list("child_id", flat=True)
    )
    if not everyone <= placed:
        return False
    referral.status = Status.PLACED
    referral.closed_at = now
    _save_referral(referral, "status", "closed_at")
    return True


def _decline_others(user, referral, offer, *, whole, now):
    """The other live offers for the children placed (for any child of the referral, once every
    child is placed) are declined, and the agencies that made them told, naming no child."""
    children = (referral.children.all() if whole else offer.children.all()).values_list(
        "pk", flat=True
    )
    # PostgreSQL locks no rows of a DISTINCT query: find the offers, then lock them by key.
    ids = (
        Offer.objects.filter(referral=referral, status__in=LIVE, children__in=list(children))
        .exclude(pk=offer.pk)
        .values_list("pk", flat=True)
        .distinct()
    )
    others = list(
        Offer.objects.select_for_update(of=("self",))
        .filter(pk__in=list(ids))
        .select_related("household__provider", "made_by", "agency_request")
        .order_by("pk")
    )
    for other in others:
        other.status = Offer.Status.DECLINED
        other.decided_by, other.decided_at, other.decision_reason = user, now, NOT_TAKEN
        other.version += 1
        other.save()
        if other.source == Offer.Source.AGENCY:
            _tell_agency_not_taken(referral, other)
    return others


def _tell_agency_not_taken(referral, offer):
    provider = offer.household.provider
    email_queue_to(
        addresses=_provider_addresses(provider, also=[offer.made_by]),
        subject="An offer you made through Hearth was not taken",
        body=(
            f"Thank you for the home you offered for {referral.authority.name}'s referral "
            f"{referral.pk}. The children have been placed with another home, so your offer "
            f"is declined.\n\nSign in to Hearth to see it: {_link('/')}\n\n{NO_CHILD_NAMED}"
        ),
    )


def _close_requests(referral, offer, declined, *, whole):
    """The referral's requests to the providers whose offers were declined close; once every
    child is placed, so do all the requests still open, each provider told the search is over."""
    told = {o.agency_request_id for o in declined if o.agency_request_id}
    Request = AgencyRequest.Status
    # Only the requests' rows are locked (not their providers'), in the order of their keys.
    requests = AgencyRequest.objects.select_for_update(of=("self",)).filter(referral=referral)
    if not whole:
        requests = requests.filter(pk__in=told)
    # Once every child is placed, those that answered with no offer close too (untold: they
    # expect nothing more), so that the agencies see nothing more of the children.
    closing = (Request.SENT, Request.OFFERED, *((Request.NO_OFFER,) if whole else ()))
    open_ones = list(requests.filter(status__in=closing).select_related("provider").order_by("pk"))
    for agency_request in open_ones:
        answered_none = agency_request.status == Request.NO_OFFER
        agency_request.status = Request.CLOSED
        agency_request.version += 1
        agency_request.save(update_fields=["status", "version"])
        if answered_none:
            continue
        if agency_request.pk not in told and agency_request.pk != offer.agency_request_id:
            email_queue_to(
                addresses=_provider_addresses(agency_request.provider),
                subject="A referral sent to you through Hearth is closed",
                body=(
                    f"{referral.authority.name}'s referral {referral.pk}, sent to you on "
                    f"{timezone.localtime(agency_request.sent_at):%-d %B %Y}, is closed: the "
                    "children have been placed. No answer is needed.\n\n"
                    f"{NO_CHILD_NAMED}"
                ),
            )
    return [agency_request.pk for agency_request in open_ones]


def _close_search_items(referral, user, offer, declined, *, whole):
    if whole:
        items_close(referral=referral, by=user, kinds=list(SEARCH_ITEMS))
        return
    for key in [offer_key(offer), *(offer_key(other) for other in declined)]:
        items_close(referral=referral, by=user, kinds=list(SEARCH_ITEMS), key=key)


def _ask_retrospectively(user, offer, approval, due):
    """An emergency start: the approvals still missing are asked for after the event. A cost
    pending as it stands stays pending, now due by `due`; a cost not asked (or asked at another
    cost) is asked now; an IPA not issued goes to the placements team."""
    referral = offer.referral
    key = offer_key(offer)
    if offer.source != Offer.Source.AGENCY:
        return
    if approval is not None and approval.weekly_cost == offer.weekly_cost:
        if approval.status == Approval.PENDING:
            approval = CostApproval.objects.select_for_update(of=("self",)).get(pk=approval.pk)
            approval.retrospective = True
            approval.version += 1
            approval.save(update_fields=["retrospective", "version"])
            items_close(referral=referral, by=user, kinds=[Kind.COST_APPROVAL], key=key)
            item_open(
                organisation=referral.authority, kind=Kind.RETROSPECTIVE_APPROVAL,
                referral=referral, title=_approval_title(referral, offer), urgent=True,
                role=approval.required_role, key=key, due_at=due,
                note=f"Decide as {permissions.tier_words(approval.required_role)}; the child "
                "has already moved in an emergency",
            )  # fmt: skip
    else:
        CostApproval.objects.filter(
            offer=offer, status__in=(Approval.PENDING, Approval.APPROVED)
        ).update(status=Approval.SUPERSEDED)
        items_close(referral=referral, by=user, kinds=list(APPROVAL_ITEMS), key=key)
        _ask_approval(offer, user, retrospective=True, due_at=due)
    if agreement_of(offer) is None:
        item_open(
            organisation=referral.authority, kind=Kind.RETROSPECTIVE_APPROVAL, referral=referral,
            title=f"{referral_title(referral)}: issue the IPA for an emergency placement made",
            urgent=True, role=Role.PLACEMENTS_OFFICER, key=agreement_key(offer), due_at=due,
            note="Issue the placement agreement (IPA) once the weekly cost is approved",
        )  # fmt: skip


def _task_start(placement, now):
    """When the tasks of the move count from: now for a placement starting today, else the start
    of the day it started."""
    if placement.started_on == timezone.localdate(now):
        return now
    return datetime.combine(placement.started_on, time.min, tzinfo=LONDON)


TASKS = (
    (Kind.PLACEMENT_PLAN, "placement_plan", "write the placement plan"),
    (Kind.LIFE_STORY_SESSION, "life_story_session", "hold the life story sharing session"),
    (Kind.STATUTORY_VISIT, "first_statutory_visit", "make the first statutory visit"),
)


def _open_tasks(referral, placement, policy, *, agency):
    """The tasks of the day a child moves (002, Care Planning Regulations): the placement plan,
    the life story session and the first statutory visit, with the child's social worker (the
    referral's when the child has none); the costing with finance, for an agency placement."""
    start = _task_start(placement, timezone.now())
    child = placement.child
    worker = child.social_worker if child.social_worker_id else referral.social_worker
    key = placement_key(placement)
    for kind, rule, doing in TASKS:
        item_open(
            organisation=referral.authority, kind=kind, referral=referral,
            title=f"{child.full_name}: {doing} ({placement.household.name})",
            user=worker if worker is not None and worker.is_active else None,
            role="" if worker is not None and worker.is_active else Role.TEAM_MANAGER,
            due_at=policy_due_at(policy, rule, start), key=key, urgent=referral.urgent,
        )  # fmt: skip
    if agency:
        item_open(
            organisation=referral.authority, kind=Kind.COSTING, referral=referral,
            title=f"{child.full_name}: confirm the costing of {_money(placement.weekly_cost)} a "
            f"week with {placement.provider.name}",
            role=Role.FINANCE_OFFICER, key=key,
        )  # fmt: skip


def emergency_recorded(referral):
    """Whether the referral's emergency booking is recorded as a placement. It is recorded once,
    for every child at once: a child who has since moved on (ending that placement) is never
    moved back by recording it again."""
    return Placement.objects.filter(
        referral=referral, offer__isnull=True, household_id=referral.emergency_household_id
    ).exists()


@transaction.atomic
def emergency_placement_start(
    *, user, referral, started_on, codes=None, care_type="emergency", moves=None, request=None
):
    """Record as a placement the emergency booking of an urgent referral (the emergency carers
    the placements team booked while the search goes on): one episode per child with the booked
    household, the booking's places now taken by the children living there. The referral stays
    open: the search for a longer-term home goes on. A child placed already moves, as in
    `placement_start` (`moves`). Returns the placements made."""
    referral = _locked(referral)
    policy = referral.authority.policy
    refusal = permissions.why_not_start_emergency(user, referral, policy)
    if refusal is not None:
        raise ActionNotAllowed(refusal)
    if emergency_recorded(referral):
        raise ActionNotAllowed("The emergency placement is already recorded")
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=referral.emergency_household_id)
    )
    errors = {}
    if household.status not in BOOKABLE:
        errors["household"] = f"{household.name} are {household.get_status_display().lower()}"
    children, current, episodes, answers = _arrivals_checked(
        user, referral.children.values_list("pk", flat=True), household, errors,
        care_type=care_type, started_on=started_on, codes=codes, moves=moves,
    )  # fmt: skip
    refuse_if(errors)
    moved = _end_moves(user, children, current, answers, started_on, request)
    made = []
    for child, child_codes in episodes:
        made.append(
            Placement.objects.create(
                authority=referral.authority,
                child=child,
                referral=referral,
                offer=None,
                household=household,
                provider=household.provider,
                care_type=care_type,
                started_on=started_on,
                started_by=user,
                **child_codes,
            )  # fmt: skip
        )
        _moved_in(child, made[-1])
    carried, notes = _carried_reasons(answers, current), {}
    for placement in made:
        _open_tasks(referral, placement, policy, agency=False)
        fostering_history.on_placement_started(placement=placement, by=user)
        notes[placement.pk] = _episodes_written(placement, carried)
    record_event(
        referral=referral, action="emergency_placement_started", by=user,
        role=_starter_roles(user, referral),
        detail={
            "household": household.reference, "household_name": household.name,
            "household_id": household.pk, "children": [p.child.full_name for p in made],
            "placements": [p.pk for p in made], "started_on": started_on.isoformat(),
            "ended_placements": moved,
        },
    )  # fmt: skip
    _audit(user, "referral", referral, referral.authority, "emergency placement started", request)
    for placement in made:
        _audit(
            user, "child", placement.child, referral.authority,
            f"emergency placement {placement.pk} with household {household.pk} started"
            f"{notes[placement.pk]}", request,
        )  # fmt: skip
    _audit(
        user, "household", household, household.provider,
        f"{len(made)} placed in an emergency from referral {referral.pk}", request,
    )  # fmt: skip
    return made


# Costing -------------------------------------------------------------------------------------------


def _locked_placement(placement):
    """The placement, locked after its referral (when it has one), with its child and household."""
    referral = None
    if placement.referral_id is not None:
        referral = _locked(Referral(pk=placement.referral_id))
    locked = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("child__team", "household", "provider", "authority__policy")
        .get(pk=placement.pk)
    )
    locked.referral = referral
    return locked


@transaction.atomic
def costing_confirm(*, user, placement, finance_reference, request=None):
    """A finance officer confirms the costing (CPLI) of an agency placement: its weekly cost,
    the day it starts and the approval of that cost, with the finance system's reference."""
    placement = _locked_placement(placement)
    refusal = permissions.why_not_confirm_costing(user, placement)
    if refusal is not None:
        raise ActionNotAllowed(refusal)
    approval = approval_for_placement(placement)
    errors = {}
    finance_reference = clean_text(
        finance_reference, "finance_reference", errors, name="The finance reference",
        missing="Enter the finance system's reference for the costing", limit=40,
    )  # fmt: skip
    if approval is None or approval.status != Approval.APPROVED:
        errors["approval"] = (
            f"The weekly cost of {_money(placement.weekly_cost)} is not approved yet: the "
            "costing is confirmed once it is"
        )
    refuse_if(errors)
    costing = Costing.objects.create(
        placement=placement, weekly_cost=placement.weekly_cost, starts_on=placement.started_on,
        approval=approval, approval_role=approval.required_role,
        finance_reference=finance_reference, confirmed_by=user, confirmed_at=timezone.now(),
    )  # fmt: skip
    placement.costing = costing
    items_close(
        referral=placement.referral, by=user, kinds=[Kind.COSTING], key=placement_key(placement)
    )
    if placement.referral is not None:
        record_event(
            referral=placement.referral, action="costing_confirmed", by=user,
            role=Role.FINANCE_OFFICER,
            detail={
                "placement": placement.pk, "child": placement.child.full_name,
                "weekly_cost": str(costing.weekly_cost), "starts_on": costing.starts_on.isoformat(),
                "approval_role": costing.approval_role, "finance_reference": finance_reference,
            },
        )  # fmt: skip
    _audit(
        user, "child", placement.child, placement.authority,
        f"costing of placement {placement.pk} confirmed", request,
    )  # fmt: skip
    return costing


# Ending --------------------------------------------------------------------------------------------


@transaction.atomic
def placement_end(
    *,
    user,
    placement,
    ended_on,
    ending,
    reason_ceased,
    reason_place_change="",
    note="",
    expected_version,
    request=None,
):
    """End a placement, planned or unplanned, with the 903 reason the episode ceased (REC) and,
    when the child moves to another placement (X1), the reason for the placement change. An
    unplanned ending is marked for the unplanned ending meeting (stability follow-up, 003). The
    child no longer lives with the household. `expected_version` is the placement's version when
    the page was opened: an ending from an older one raises EditConflict."""
    placement = _locked_placement(placement)
    refusal = permissions.why_not_end(user, placement)
    if refusal is not None:
        raise ActionNotAllowed(refusal)
    if version_number(expected_version) != placement.version:
        raise EditConflict("Someone else changed the placement after you opened it")
    reason_ceased = (reason_ceased or "").strip().upper()
    reason_place_change = (reason_place_change or "").strip().upper()
    errors = episode_codes.ending_problems(
        placement=placement, ended_on=ended_on, ending=ending, reason_ceased=reason_ceased,
        reason_place_change=reason_place_change, today=timezone.localdate(),
    )  # fmt: skip
    note = clean_text(
        note, "note", errors, name="The note",
        missing="Say what happened" if ending == Placement.Ending.UNPLANNED else None,
    )  # fmt: skip
    refuse_if(errors)
    child = Child.objects.select_for_update(of=("self",)).get(pk=placement.child_id)
    return _end_write(
        user, placement, child, ended_on=ended_on, ending=ending, reason_ceased=reason_ceased,
        reason_place_change=reason_place_change, note=note, request=request,
    )  # fmt: skip
