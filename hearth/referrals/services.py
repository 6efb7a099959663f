"""Writes to referrals. Each service is atomic and writes its history row, work-tray items and audit
row itself; screens, the API and the command line all come through here."""

from django.db import transaction
from django.db.models import Count, F
from django.utils import timezone

from hearth.accounts.models import Membership, User
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import policy_due_at
from hearth.people.models import Child, Household
from hearth.people.services import EditConflict
from hearth.referrals import rules, workflow
from hearth.referrals.models import CommentRequest, EmergencyDuty, Referral, ReferralEvent, Status
from hearth.trays.models import WorkItem
from hearth.trays.services import email_queue, item_open, items_close

Kind = WorkItem.Kind
TEXT_LIMIT = 10_000


class ReferralError(Exception):
    """A referral could not be made or an action not taken; `problems` says why, one line each,
    and `field_errors` maps a field to its message where one field is at fault."""

    def __init__(self, message, *, problems=(), field_errors=None):
        super().__init__(message)
        self.problems = list(problems)
        self.field_errors = field_errors or {}


class ActionNotAllowed(Exception):
    """The user may see the referral but may not take this action on it now."""


# Checking what a person typed, shared by the services of the search and placements -----------------


def refuse_if(errors, message="Check what you entered", problems=()):
    """Raise ReferralError when there are field `errors` ({field: message}) or other `problems`:
    one alone is the message, several are summed up by `message`. Nothing has been written."""
    if errors or problems:
        lines = [*problems, *errors.values()]
        raise ReferralError(
            lines[0] if len(lines) == 1 else message, problems=lines, field_errors=errors
        )


def clean_text(value, field, errors, *, missing=None, name="The text", limit=TEXT_LIMIT):
    """The text stripped; an error under `field` when it is missing (and `missing` says it is
    required), too long or holds a null character."""
    value = "" if value is None else str(value).strip()
    if missing and not value:
        errors[field] = missing
    elif "\x00" in value:
        errors[field] = f"{name} must not contain the null character"
    elif len(value) > limit:
        errors[field] = f"{name} must be {limit:,} characters or fewer"
    return value


def version_number(value):
    """A version given back by a screen, as a number (-1 when it is not one)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _audit(user, referral, action, detail, request):
    audit_record(
        user=user, action=action, record_type="referral", record_id=referral.pk,
        organisation=referral.authority, request=request, detail=detail,
    )  # fmt: skip


def audit_referral_change(user, referral, detail, request):
    """A change to a referral (or to what hangs on it: offers, requests), audited in the change's
    transaction under the referral's council."""
    _audit(user, referral, AuditEvent.Action.UPDATE, detail, request)


def audit_household_change(user, household, detail, request):
    """A change touching a household's record, audited under the council or agency owning it."""
    audit_record(
        user=user, action=AuditEvent.Action.UPDATE, record_type="household",
        record_id=household.pk, organisation=household.provider, request=request, detail=detail,
    )  # fmt: skip


def _record(referral, *, action, by, from_status, comment="", detail=None, role=""):
    return ReferralEvent.objects.create(
        referral=referral, action=action, from_status=from_status, to_status=referral.status,
        by=by, by_role=role, comment=comment, detail=detail or {},
    )  # fmt: skip


def record_event(*, referral, action, by, from_status=None, comment="", detail=None, role=""):
    """Append a step taken outside the transition table (the search's contacts, offers, splits and
    match) to the referral's history. The status after is the referral's as it stands; `from_status`
    defaults to it, for a step that does not change it."""
    return _record(
        referral, action=action, by=by, from_status=from_status or referral.status,
        comment=comment, detail=detail, role=role,
    )  # fmt: skip


def referral_title(referral):
    """How a referral is named in trays: its number, the children and their ages."""
    from hearth.people.forms import age_on

    today = timezone.localdate()
    names = [f"{c.full_name} ({age_on(c.date_of_birth, today)})" for c in referral.children.all()]
    return f"Referral {referral.pk}: {', '.join(names)}"


# Making a referral ----------------------------------------------------------------------------------


@transaction.atomic
def referral_create(*, user, children, request=None):
    """A draft referral for one child or brothers and sisters, by their social worker or team
    manager. A child may be in only one open referral at a time."""
    children = list(children)
    if not children:
        raise ReferralError("Choose the child or children the referral is for")
    # Locking the children makes two people (or a double click) unable to open two referrals at once.
    list(Child.objects.select_for_update().filter(pk__in=[child.pk for child in children]))
    first = children[0]
    problems = _creation_problems(user, children)
    if problems:
        raise ReferralError(problems[0], problems=problems)
    referral = Referral.objects.create(
        authority=first.authority,
        sibling_group=first.sibling_group if len(children) > 1 else None,
        social_worker=first.social_worker,
        team=first.team,
        created_by=user,
    )
    referral.children.set(children)
    _record(
        referral, action="create", by=user, from_status=Status.DRAFT,
        role=", ".join(workflow.acting_roles(user, referral, "editor", referral.authority.policy)),
    )  # fmt: skip
    item_open(
        organisation=referral.authority, kind=Kind.REFERRAL_DRAFT, referral=referral,
        title=referral_title(referral), user=referral.social_worker,
    )  # fmt: skip
    _audit(user, referral, AuditEvent.Action.CREATE, f"{len(children)} child(ren)", request)
    for child in children:
        audit_record(
            user=user, action=AuditEvent.Action.UPDATE, record_type="child", record_id=child.pk,
            organisation=child.authority, request=request, detail=f"referral {referral.pk} made",
        )  # fmt: skip
    return referral


def _creation_problems(user, children):
    first = children[0]
    probe = Referral(authority=first.authority, social_worker=first.social_worker, team=first.team)
    if not workflow.is_editor(user, probe, first.authority.policy):
        # Said before anything that names a child, to someone who may not refer the child.
        return [
            "Only the child's allocated social worker or their team manager can make a referral"
        ]
    problems = []
    if any(child.authority_id != first.authority_id for child in children):
        problems.append("The children must all be looked after by the same council")
    if len(children) > 1 and (
        first.sibling_group_id is None
        or any(child.sibling_group_id != first.sibling_group_id for child in children)
    ):
        problems.append("Only brothers and sisters (one sibling group) can share a referral")
    if first.social_worker_id is None:
        problems.append(f"{first.full_name} has no allocated social worker: allocate one first")
    elif any(child.social_worker_id != first.social_worker_id for child in children):
        problems.append("The children of one referral must share their social worker")
    for child in children:
        taken = Referral.objects.filter(children=child, status__in=workflow.OPEN_STATUSES).first()
        if taken is not None:
            problems.append(f"{child.full_name} already has an open referral (Referral {taken.pk})")
    return problems


def _follow_allocation(referral):
    """The referral goes with the children's allocated social worker: when the children have a new
    one, so does the referral, with the work waiting for the old one."""
    current = {child.social_worker_id for child in referral.children.all()} - {None}
    if len(current) != 1 or referral.social_worker_id in current:
        return
    previous, referral.social_worker_id = referral.social_worker_id, current.pop()
    Referral.objects.filter(pk=referral.pk).update(social_worker_id=referral.social_worker_id)
    WorkItem.objects.filter(
        referral=referral, assigned_user_id=previous, closed_at__isnull=True
    ).update(assigned_user_id=referral.social_worker_id)


@transaction.atomic
def referral_update(*, user, referral, section, data, expected_version, request=None):
    """Save one section of a draft (or returned) referral. Refuses a save made from an older
    version than the stored one, rather than overwrite someone else's changes."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    _follow_allocation(referral)
    policy = referral.authority.policy
    if not workflow.may_edit(user, referral, policy):
        raise ActionNotAllowed("This referral cannot be changed now")
    if referral.version != expected_version:
        raise EditConflict("Someone else changed this referral after you opened it")
    fields = rules.SECTIONS_BY_SLUG[section].fields
    changed = [name for name in fields if name in data and getattr(referral, name) != data[name]]
    for name in changed:
        setattr(referral, name, data[name])
    if changed:
        referral.version += 1
        referral.save()
        _audit(user, referral, AuditEvent.Action.UPDATE, f"section {section}", request)
    return referral, changed


# Taking an action -----------------------------------------------------------------------------------


def referral_act(*, user, referral, action, data, request=None):
    """Take `action` (a name in workflow.ACTIONS) on the referral with `data` (the action's fields).

    Raises ActionNotAllowed when the user may not take it now, ReferralError when the data or the
    referral is not ready (nothing is then written)."""
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        raise ReferralError(f"There is no action '{action}'")
    with transaction.atomic():
        referral = (
            Referral.objects.select_for_update(of=("self",))
            .select_related("authority__policy", "team", "social_worker")
            .get(pk=referral.pk)
        )
        _follow_allocation(referral)
        policy = referral.authority.policy
        if not workflow.may_take(user, referral, spec, policy):
            raise ActionNotAllowed(
                f"{spec.label} is not open to you on a referral that is "
                f"{referral.get_status_display().lower()}"
            )
        cleaned = _clean(spec, data, referral)
        from_status = referral.status
        detail = HANDLERS[action](user=user, referral=referral, data=cleaned, policy=policy)
        if spec.target is not None:
            referral.status = spec.target
        referral.version += 1
        referral.save()
        event = _record(
            referral, action=action, by=user, from_status=from_status,
            comment=cleaned.get("comment", ""), detail=detail or {},
            role=", ".join(workflow.acting_roles(user, referral, spec.actor_for(from_status), policy)),
        )  # fmt: skip
        _audit(user, referral, AuditEvent.Action.UPDATE, action, request)
    return referral, event


def _clean(spec, data, referral):
    cleaned, errors = {}, {}
    for field in spec.fields:
        raw = data.get(field.name)
        try:
            cleaned[field.name] = CLEANERS[field.kind](field, raw, referral)
        except ValueError as error:
            errors[field.name] = str(error)
    if errors:
        raise ReferralError(
            "Check what you entered", problems=list(errors.values()), field_errors=errors
        )
    return cleaned


def _clean_text(field, raw, referral):
    value = (raw or "").strip() if isinstance(raw, str) or raw is None else str(raw).strip()
    if field.required and not value:
        raise ValueError(f"Enter {field.label.lower()}")
    if "\x00" in value:
        raise ValueError(f"{field.label} must not contain the null character")
    if len(value) > TEXT_LIMIT:
        raise ValueError(f"{field.label} must be {TEXT_LIMIT:,} characters or fewer")
    return value


def _clean_boolean(field, raw, referral):
    return raw is True or str(raw).lower() in {"true", "on", "1", "yes"}


def _clean_choice(field, raw, referral):
    if raw in (None, "") and not field.required:
        return ""
    if raw not in field.choices:
        raise ValueError(f"Choose {field.label.lower()}: one of {', '.join(field.choices)}")
    return raw


def _clean_household(field, raw, referral):
    try:
        return Household.objects.get(pk=int(raw), provider_id=referral.authority_id)
    except (Household.DoesNotExist, TypeError, ValueError):
        raise ValueError("Choose one of the council's emergency carers") from None


def _clean_user(field, raw, referral):
    try:
        return (
            User.objects.filter(
                pk=int(raw), is_active=True, memberships__organisation_id=referral.authority_id
            )
            .distinct()
            .get()
        )
    except (User.DoesNotExist, TypeError, ValueError):
        raise ValueError(f"Choose {field.label.lower()} from the council's staff") from None


CLEANERS = {
    "text": _clean_text,
    "boolean": _clean_boolean,
    "choice": _clean_choice,
    "household": _clean_household,
    "user": _clean_user,
}


# What each action does ------------------------------------------------------------------------------


def _refuse_if_incomplete(referral, doing):
    missing = rules.missing_sections(referral)
    if missing:
        raise ReferralError(
            f"The referral cannot be {doing}: sections are not complete",
            problems=[f"{title}: {', '.join(items)}" for title, items in missing],
        )


def _to_team_manager(referral, policy):
    """To the team's manager by name while they are active and hold the role; else to the team's
    holders of the role (or the council's, for a referral with no team)."""
    team = referral.team
    role = policy.approver("referral_comments")
    manager = team.manager if team is not None and team.manager_id else None
    if manager is not None and not (
        manager.is_active
        and Membership.objects.filter(
            user=manager, organisation_id=referral.authority_id, role=role
        ).exists()
    ):
        manager = None
    item_open(
        organisation=referral.authority, kind=Kind.REFERRAL_REVIEW, referral=referral,
        title=referral_title(referral), urgent=referral.urgent, user=manager,
        team=None if manager else team, role="" if manager else policy.approver("referral_comments"),
    )  # fmt: skip


def _to_placements(referral, kind):
    item_open(
        organisation=referral.authority, kind=kind, referral=referral,
        title=referral_title(referral), urgent=referral.urgent, role=Role.PLACEMENTS_OFFICER,
    )  # fmt: skip


def _submit(*, user, referral, data, policy):
    _refuse_if_incomplete(referral, "sent")
    items_close(referral=referral, by=user, kinds=[Kind.REFERRAL_DRAFT])
    referral.submitted_at = timezone.now()
    _to_team_manager(referral, policy)
    if referral.urgent:
        return _raise_the_alarm(referral)
    return {}


def _raise_the_alarm(referral):
    """An urgent same-day referral: the placements team and the emergency carer on duty are told at
    once, so a carer can be lined up while the approval goes through (000)."""
    _to_placements(referral, Kind.URGENT_REFERRAL)
    duty = on_duty(referral.authority)
    if duty is None:
        return {"emergency_carer_alerted": None}
    email_queue(
        recipients=list(duty.household.carers.all()),
        subject="Urgent: the placements team may need you today",
        body="The placements team has an urgent referral for a child who may need an emergency "
        "home today. They will phone you. Please keep your phone to hand.",
    )
    return {"emergency_carer_alerted": duty.household.name}


def on_duty(authority, day=None):
    day = day or timezone.localdate()
    return (
        EmergencyDuty.objects.filter(authority=authority, starts_on__lte=day, ends_on__gte=day)
        .select_related("household")
        .order_by("-starts_on", "-pk")
        .first()
    )


def _resubmit(*, user, referral, data, policy):
    _refuse_if_incomplete(referral, "sent back")
    items_close(referral=referral, by=user, kinds=[Kind.REFERRAL_RETURNED])
    target = workflow.resubmit_target(referral)
    referral.status, referral.returned_from = target, ""
    if target == Status.APPROVED:
        _to_placements(referral, Kind.REFERRAL_SCREENING)
    else:
        _to_team_manager(referral, policy)
    alerted = WorkItem.objects.filter(referral=referral, kind=Kind.URGENT_REFERRAL).exists()
    if referral.urgent and not alerted:  # made urgent while it was returned
        return {"to": target, **_raise_the_alarm(referral)}
    return {"to": target}


def _forward(*, user, referral, data, policy):
    items_close(referral=referral, by=user, kinds=[Kind.REFERRAL_REVIEW])
    item_open(
        organisation=referral.authority, kind=Kind.REFERRAL_APPROVAL, referral=referral,
        title=referral_title(referral), urgent=referral.urgent,
        role=policy.approver("referral_approval"),
    )  # fmt: skip
    return {}


def _approve(*, user, referral, data, policy):
    _refuse_if_incomplete(referral, "approved")
    items_close(referral=referral, by=user, kinds=[Kind.REFERRAL_APPROVAL])
    referral.approved_at = timezone.now()
    if referral.search_route_overridden_by_id is None:
        decision = rules.search_decision(
            list(referral.children.all()), policy, timezone.localdate()
        )
        referral.search_route, referral.search_route_reason = decision.route, decision.reason
    _to_placements(referral, Kind.REFERRAL_SCREENING)
    return {"search_route": referral.search_route}


def _return(*, user, referral, data, policy):
    items_close(
        referral=referral, by=user,
        kinds=[Kind.REFERRAL_REVIEW, Kind.REFERRAL_APPROVAL, Kind.REFERRAL_SCREENING],
    )  # fmt: skip
    referral.returned_from = referral.status
    item_open(
        organisation=referral.authority, kind=Kind.REFERRAL_RETURNED, referral=referral,
        title=referral_title(referral), urgent=referral.urgent, user=referral.social_worker,
        note=data["comment"],
    )  # fmt: skip
    if data.get("phone_call"):
        item_open(
            organisation=referral.authority, kind=Kind.RETURN_CALL, referral=referral,
            title=f"{referral_title(referral)}: phone {referral.social_worker.get_full_name()}",
            urgent=True, user=user,
        )  # fmt: skip
    return {"phone_call": bool(data.get("phone_call"))}


def _accept(*, user, referral, data, policy):
    missing = rules.agreement_missing(referral)
    if missing:
        raise ReferralError(
            "The search cannot start: education or therapy is requested without evidence of "
            "agreement. Return the referral to the social worker for it.",
            problems=missing,
        )
    items_close(referral=referral, by=user, kinds=[Kind.REFERRAL_SCREENING, Kind.URGENT_REFERRAL])
    referral.accepted_at = timezone.now()
    referral.file_reference = f"PL{referral.pk:06d}"
    if not referral.search_route:
        decision = rules.search_decision(
            list(referral.children.all()), policy, timezone.localdate()
        )
        referral.search_route, referral.search_route_reason = decision.route, decision.reason
    _start_searches(referral)
    return {"file_reference": referral.file_reference, "search_route": referral.search_route}


def _start_searches(referral):
    State = Referral.SearchState
    referral.in_house_search = State.SEARCHING
    dual = referral.search_route == Referral.SearchRoute.DUAL
    if dual and referral.agency_search in (State.NOT_STARTED, State.NOT_NEEDED):
        referral.agency_search = State.SEARCHING
    elif not dual and referral.agency_search == State.SEARCHING:
        referral.agency_search = State.NOT_STARTED


def _withdraw(*, user, referral, data, policy):
    """Every open item of the referral closes, and so does every carers' offer still open or
    agreed: the questions asked about it can no longer be answered."""
    # The search and the placements build on referrals: imported late.
    from hearth.placements.services import on_referral_withdrawn
    from hearth.search.models import Offer

    items_close(referral=referral, by=user)
    referral.closed_at = timezone.now()
    set_aside = on_referral_withdrawn(referral=referral, by=user)
    detail = {"set_aside_approvals": set_aside} if set_aside else {}
    live = Offer.objects.filter(
        referral=referral, status__in=(Offer.Status.OPEN, Offer.Status.AGREED)
    )
    closed = sorted(live.values_list("pk", flat=True))
    if not closed:
        return detail
    Offer.objects.filter(pk__in=closed).update(
        status=Offer.Status.CLOSED,
        decision_reason="The referral was withdrawn",
        version=F("version") + 1,
    )
    return {**detail, "closed_offers": closed}


def _request_comments(*, user, referral, data, policy):
    asked_of = data["asked_of"]
    if asked_of == CommentRequest.From.IRO:
        iros = {child.iro for child in referral.children.all() if child.iro_id is not None}
        if not iros:
            raise ReferralError(
                "No IRO is recorded for the child: record one on the child's record first",
                field_errors={"asked_of": "No IRO is recorded for the child"},
            )
        targets = [{"user": iro} for iro in sorted(iros, key=lambda person: person.pk)]
    else:
        targets = [{"role": Role.VIRTUAL_SCHOOL}]
    for target in targets:
        # Brothers and sisters may have different IROs: each is asked, and answers, separately.
        CommentRequest.objects.create(
            referral=referral, asked_of=asked_of, asked_user=target.get("user"),
            question=data["comment"], requested_by=user,
        )  # fmt: skip
        item_open(
            organisation=referral.authority, kind=Kind.REFERRAL_COMMENTS, referral=referral,
            title=referral_title(referral), urgent=referral.urgent, note=data["comment"], **target,
        )  # fmt: skip
    return {"asked_of": asked_of}


def _comment(*, user, referral, data, policy):
    request = workflow.open_request_for(user, referral)
    request.answer, request.answered_by, request.answered_at = (
        data["comment"], user, timezone.now(),
    )  # fmt: skip
    request.save()
    items = WorkItem.objects.filter(
        referral=referral, kind=Kind.REFERRAL_COMMENTS, closed_at__isnull=True
    )
    if request.asked_of == CommentRequest.From.IRO:
        items = items.filter(assigned_user=user)
    else:
        items = items.filter(assigned_role=Role.VIRTUAL_SCHOOL)
    items.update(closed_at=timezone.now(), closed_by=user)
    return {"asked_of": request.asked_of, "request": request.pk}


def _set_search_route(*, user, referral, data, policy):
    previous = referral.search_route
    referral.search_route = data["route"]
    referral.search_route_reason = data["comment"][:500]
    referral.search_route_overridden_by = user
    if referral.status == Status.SEARCHING:
        _start_searches(referral)
    return {"route": data["route"], "previous": previous}


def emergency_carer_problems(household, referral, now=None):
    """Why the emergency carers cannot take the referral's children: not approved for emergency
    care, or too few places once the children living there and those due to arrive (matched with
    the carers, or booked with them for another referral) are counted."""
    from hearth.people.selectors import with_free_places
    from hearth.search.selectors import places_held  # the search builds on referrals

    problems = []
    if household.status not in (Household.Status.APPROVED, Household.Status.TEMPORARY):
        problems.append(f"{household.name} is {household.get_status_display().lower()}")
    if "emergency" not in household.care_types:
        problems.append(f"{household.name} is not approved for emergency care")
    children = list(referral.children.all())
    free = with_free_places(Household.objects.filter(pk=household.pk)).get().free_places
    free -= places_held([household], excluding=children).get(household.pk, 0)
    wanted = sum(1 for child in children if child.placed_with_id != household.pk)
    if free < wanted:
        problems.append(
            f"{household.name} has {max(free, 0)} free place(s) for {wanted} child(ren)"
        )
    return problems


def emergency_bookings(authority, *, exclude=None):
    """{household id: children} booked with the council's emergency carers and not yet ended: places
    an emergency booking holds, though no child is recorded as living there yet."""
    bookings = Referral.objects.filter(
        authority=authority,
        status__in=workflow.OPEN_STATUSES,
        emergency_household__isnull=False,
        emergency_ended_at__isnull=True,
    )
    if exclude is not None:
        bookings = bookings.exclude(pk=exclude.pk)
    counted = bookings.values("emergency_household").annotate(children_booked=Count("children"))
    return {row["emergency_household"]: row["children_booked"] for row in counted}


def _book_emergency(*, user, referral, data, policy):
    # Locked so that two officers cannot both take the carer's last place.
    household = Household.objects.select_for_update().get(pk=data["household"].pk)
    problems = emergency_carer_problems(household, referral)
    if problems:
        raise ReferralError(
            problems[0], problems=problems, field_errors={"household": "; ".join(problems)}
        )
    now = timezone.now()
    referral.emergency_household = household
    referral.emergency_booked_at = now
    referral.emergency_ends_at = policy_due_at(policy, "emergency_placement_end", now)
    referral.emergency_ended_at = None
    items_close(referral=referral, by=user, kinds=[Kind.URGENT_REFERRAL, Kind.EMERGENCY_ENDING])
    item_open(
        organisation=referral.authority, kind=Kind.EMERGENCY_ENDING, referral=referral,
        title=f"{referral_title(referral)}: with {household.name} until the emergency ends",
        urgent=True, role=Role.PLACEMENTS_OFFICER, due_at=referral.emergency_ends_at,
    )  # fmt: skip
    return {
        "household": household.pk,
        "household_name": household.name,
        "ends_at": referral.emergency_ends_at.isoformat(),
    }


def _end_emergency(*, user, referral, data, policy):
    if referral.emergency_household_id is None or referral.emergency_ended_at is not None:
        raise ReferralError("No emergency carer is booked for this referral")
    referral.emergency_ended_at = timezone.now()
    items_close(referral=referral, by=user, kinds=[Kind.EMERGENCY_ENDING])
    return {"household_name": referral.emergency_household.name}


def _log_contact(*, user, referral, data, policy):
    if data["contact"] == "phone":
        WorkItem.objects.filter(
            referral=referral, kind=Kind.RETURN_CALL, assigned_user=user, closed_at__isnull=True
        ).update(closed_at=timezone.now(), closed_by=user)
    return {"contact": data["contact"]}


def _set_next_action(*, user, referral, data, policy):
    referral.next_action = data["comment"][:300]
    referral.next_action_holder = data["holder"]
    return {"holder": data["holder"].username}


HANDLERS = {
    "submit": _submit,
    "resubmit": _resubmit,
    "forward": _forward,
    "approve": _approve,
    "return": _return,
    "accept": _accept,
    "withdraw": _withdraw,
    "request_comments": _request_comments,
    "comment": _comment,
    "set_search_route": _set_search_route,
    "book_emergency": _book_emergency,
    "end_emergency": _end_emergency,
    "log_contact": _log_contact,
    "set_next_action": _set_next_action,
}


# The emergency carer rota ---------------------------------------------------------------------------


@transaction.atomic
def emergency_duty_add(*, user, authority, household, starts_on, ends_on, request=None):
    problems = {}
    if household.provider_id != authority.pk:
        problems["household"] = "Only the council's own carers can be on its emergency rota"
    elif "emergency" not in household.care_types:
        problems["household"] = f"{household.name} is not approved for emergency care"
    if ends_on < starts_on:
        problems["ends_on"] = "The duty must end on or after the day it starts"
    if problems:
        raise ReferralError(
            next(iter(problems.values())), problems=list(problems.values()), field_errors=problems
        )
    duty = EmergencyDuty.objects.create(
        authority=authority, household=household, starts_on=starts_on, ends_on=ends_on,
        created_by=user,
    )  # fmt: skip
    audit_record(
        user=user, action=AuditEvent.Action.UPDATE, record_type="household",
        record_id=household.pk, organisation=authority, request=request,
        detail=f"emergency duty {starts_on} to {ends_on}",
    )  # fmt: skip
    return duty


def staff_holding(authority, role):
    return User.objects.filter(
        pk__in=Membership.objects.filter(organisation=authority, role=role).values("user_id"),
        is_active=True,
    )
