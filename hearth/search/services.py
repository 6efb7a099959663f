"""Writes of the in-house search (DOMAIN.md, referral to placement, steps 8, 9 and 12).

A search worker rings the council's own carers and records each contact; carers who offer a home
make an `Offer`, whose profile lands at once with the child's social worker, and the social worker
and IRO of any child already living with the carers are asked for concerns (`Consultation`). The
child's social worker talks to the carers and agrees or declines (in-house offers come first, so a
decline needs a robust reason). An agreed offer gets a matching form, signed off by the policy's
approver once everyone asked has answered; brothers and sisters placed apart need a split agreed by
the social worker and the team manager. When every child is matched, the referral is matched.

Every service is atomic and keyword-only, takes the referral's row lock first (so two people acting
on one referral at once are served one after the other), checks the person and the record's state
through `hearth.search.permissions` (raising `ActionNotAllowed`), refuses bad input with
`ReferralError` before writing anything, and writes its history row, tray items and audit rows.

The tray items of one offer (the carers' offer with the social worker, the questions about the
children living with them, the matching form and its sign-off) carry the offer's key
(`offer_key`), so that a step on one offer closes its own items while another offer still waits.
A matching form is *sent* for sign-off while its latest step in the history is its sending: a
change after that takes it back until it is sent again (`submitted_offers`).
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import organisation_ids_granting, roles_of
from hearth.accounts.roles import Capability, Role
from hearth.people.models import Child, Household
from hearth.people.services import EditConflict
from hearth.people.vocabulary import NEEDS
from hearth.referrals import workflow
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.referrals.services import (
    TEXT_LIMIT,
    ActionNotAllowed,
    ReferralError,
    audit_household_change,
    audit_referral_change,
    clean_text,
    record_event,
    referral_title,
    refuse_if,
    version_number,
)
from hearth.search import permissions
from hearth.search.models import Consultation, MatchingForm, Offer, SiblingSplit
from hearth.search.selectors import places_held
from hearth.search.vocabulary import (
    CONTACT_OUTCOMES,
    DECLINE_REASON_MIN_LENGTH,
    DECLINE_REASONS,
    DECLINES,
    OFFERS,
    OTHER,
)
from hearth.trays.models import WorkItem
from hearth.trays.services import email_queue, item_open, items_close

Kind = WorkItem.Kind
SEARCH_KINDS = (
    Kind.CARER_OFFER,
    Kind.OFFER_CONSULTATION,
    Kind.SPLIT_AGREEMENT,
    Kind.MATCHING_FORM,
    Kind.MATCHING_SIGN_OFF,
)
LIVE = permissions.LIVE_OFFER
CONTACTABLE = (Household.Status.APPROVED, Household.Status.TEMPORARY)
FORM_SAVED = "matching_form_saved"
FORM_SENT = "matching_form_submitted"
FORM_CHANGED = (
    "The matching form was changed after you opened it: read it again before signing it off"
)
FORM_TEXTS = {
    "why_this_home": "why this home",
    "support_plan": "the support for the carers and the children",
    "family_time": "the family time and contact arrangements",
}


# Fetching and refusing ------------------------------------------------------------------------------


def _locked(referral):
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("authority__policy", "team", "social_worker")
        .get(pk=referral.pk)
    )


def _locked_offer(offer):
    """The offer, locked after its referral (always in that order), with the referral attached."""
    referral = _locked(Referral(pk=offer.referral_id))
    locked = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("household", "made_by")
        .get(pk=offer.pk)
    )
    locked.referral = referral
    return locked


def _require(rule, user, record, policy):
    refusal = permissions.why_not(rule, user, record, policy)
    if refusal is not None:
        raise ActionNotAllowed(refusal)


def _plural(count, one, many):
    return f"{count} {one if count == 1 else many}"


def _listed(names):
    """'Amy', 'Amy and Ben', 'Amy, Ben and Cal'."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _names(children):
    return _listed(child.full_name for child in children)


def _children_of(referral):
    return list(referral.children.order_by("date_of_birth", "pk"))


# What each step writes besides its own record -------------------------------------------------------


def _search_roles(user, referral):
    return ", ".join(sorted(roles_of(user, referral.authority_id) & permissions.SEARCH_ROLES))


def _social_worker_roles(user, referral, policy):
    return ", ".join(workflow.acting_roles(user, referral, "editor", policy))


def _preparer_roles(user, referral, policy):
    return _search_roles(user, referral) or _social_worker_roles(user, referral, policy)


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


def _follow_offers(referral):
    """Each search's state follows its own offers (in-house offers the in-house search, agency
    offers the agency search): offers received while any offer is live or matched, back to
    searching when the last is declined, withdrawn or expired."""
    State = Referral.SearchState
    statuses = (*LIVE, Offer.Status.MATCHED)
    standing = set(
        referral.offers.filter(status__in=statuses).values_list("source", flat=True).distinct()
    )
    changed = []
    for field, source in (
        ("in_house_search", Offer.Source.IN_HOUSE),
        ("agency_search", Offer.Source.AGENCY),
    ):
        if getattr(referral, field) not in (State.SEARCHING, State.OFFERS):
            continue
        state = State.OFFERS if source in standing else State.SEARCHING
        if state != getattr(referral, field):
            setattr(referral, field, state)
            changed.append(field)
    if changed:
        _save_referral(referral, *changed)


def _to_team_manager(referral, role, *, kind, title, note="", key="", not_to=()):
    """To the referral team's manager by name while they are active and hold `role` (and are not
    one of the people `not_to`, by pk); else to the team's holders of the role (or the council's,
    for a referral with no team)."""
    team = referral.team
    manager = team.manager if team is not None and team.manager_id else None
    if manager is not None and not (
        manager.is_active
        and role in roles_of(manager, referral.authority_id)
        and manager.pk not in not_to
    ):
        manager = None
    item_open(
        organisation=referral.authority, kind=kind, referral=referral, title=title,
        urgent=referral.urgent, note=note, user=manager, team=None if manager else team,
        role="" if manager else role, key=key,
    )  # fmt: skip


def offer_key(offer):
    """The key of the tray items that wait on one offer."""
    return f"offer:{offer.pk}"


def _offer_pk_of(item):
    """The offer an item waits on, by its key; None for an item of the whole referral."""
    prefix, _, pk = item.key.partition(":")
    return int(pk) if prefix == "offer" and pk.isdigit() else None


def _form_steps(referral):
    """{offer pk: (its matching form's latest step, whether it was ever sent)} from the history."""
    steps = {}
    rows = (
        ReferralEvent.objects.filter(referral=referral, action__in=(FORM_SAVED, FORM_SENT))
        .order_by("pk")
        .values_list("action", "detail")
    )
    for action, detail in rows:
        offer = detail.get("offer")
        ever_sent = steps.get(offer, (None, False))[1] or action == FORM_SENT
        steps[offer] = (action, ever_sent)
    return steps


def submitted_offers(referral):
    """The pks of the referral's offers whose matching form is sent for sign-off: its latest step
    in the history is its sending. A form changed after it was sent must be sent again."""
    return {
        offer for offer, (latest, _sent) in _form_steps(referral).items() if latest == FORM_SENT
    }


def _live_split(referral):
    return SiblingSplit.objects.filter(referral=referral, set_aside_at__isnull=True).last()


def _close_finished_items(referral, by):
    """Close the search's tray items whose step is done. An item stays open while anything it
    stands for still waits: the social worker's offer item while any offer awaits a decision, a
    consultee's while any question to them is unanswered, and so on."""
    items = list(
        WorkItem.objects.filter(referral=referral, closed_at__isnull=True, kind__in=SEARCH_KINDS)
    )
    if not items:
        return
    offers = {offer.pk: offer for offer in referral.offers.all()}
    submitted = submitted_offers(referral)
    unanswered = set(
        Consultation.objects.filter(
            offer__referral=referral, offer__status__in=LIVE, answered_at__isnull=True
        ).values_list("offer_id", "asked_user_id")
    )
    split = _live_split(referral)
    AGREED = Offer.Status.AGREED
    waits_on = {
        Kind.CARER_OFFER: lambda offer, item: offer.status == Offer.Status.OPEN,
        Kind.OFFER_CONSULTATION: lambda offer, item: (
            (offer.pk, item.assigned_user_id) in unanswered
        ),
        Kind.MATCHING_FORM: lambda offer, item: (
            offer.status == AGREED
            and offer.pk not in submitted
            and item.assigned_user_id in (None, offer.made_by_id)
        ),
        Kind.MATCHING_SIGN_OFF: lambda offer, item: (
            offer.status == AGREED and offer.pk in submitted
        ),
    }

    def waiting(item):
        if item.kind in waits_on:
            # An item with the offer's key waits on that offer; one without (made before items
            # had keys) on any of the referral's offers.
            pk = _offer_pk_of(item)
            candidates = list(offers.values()) if pk is None else [offers.get(pk)]
            return any(
                offer is not None and waits_on[item.kind](offer, item) for offer in candidates
            )
        if split is None:
            return False
        if item.assigned_user_id == referral.social_worker_id:
            return split.social_worker_agreed_at is None
        return split.team_manager_agreed_at is None

    done = [item.pk for item in items if not waiting(item)]
    WorkItem.objects.filter(pk__in=done).update(closed_at=timezone.now(), closed_by=by)


# Contacts with carers, and their offers --------------------------------------------------------------


@transaction.atomic
def contact_record(
    *,
    user,
    referral,
    household,
    outcome,
    reason="",
    note="",
    available_from=None,
    children=None,
    request=None,
):
    """Record a contact with one of the council's own households about the referral.

    `outcome` is a code of CONTACT_OUTCOMES. Carers who decline give a code of DECLINE_REASONS (and
    a note for "other"). Carers who offer make an Offer for `children` (the referral's children
    when not given): the child's social worker gets it at once, and the social worker and IRO of
    each child already living with the carers are asked for concerns. One live offer per household
    on a referral. Returns (the history row, the Offer or None)."""
    referral = _locked(referral)
    policy = referral.authority.policy
    _require("record_contact", user, referral, policy)
    household = Household.objects.select_related("provider").get(pk=household.pk)
    errors = {}
    note = clean_text(note, "note", errors, name="The note")
    if outcome not in CONTACT_OUTCOMES:
        errors["outcome"] = "Choose what came of the contact"
    household_problem = _contact_problem(household, referral, outcome)
    if household_problem:
        errors["household"] = household_problem
    if outcome == DECLINES:
        if reason not in DECLINE_REASONS:
            errors["reason"] = "Choose why the carers decline"
        elif reason == OTHER and not note and "note" not in errors:
            errors["note"] = "Say why the carers decline"
    else:
        reason = ""
    offered = []
    if outcome == OFFERS:
        offered = _offered_children(referral, children, errors)
        if available_from is not None and not hasattr(available_from, "isoformat"):
            errors["available_from"] = "Enter the date the carers can take the children"
    refuse_if(errors)
    offer = None
    if outcome == OFFERS:
        offer = _offer_make(user, referral, household, offered, note, available_from)
    detail = {
        "household": household.reference,
        "household_name": household.name,
        "household_id": household.pk,
        "outcome": outcome,
        "reason": reason,
        "offer": offer.pk if offer else None,
    }
    if offer is not None:
        detail["children"] = [child.full_name for child in offered]
    event = record_event(
        referral=referral, action="carer_contact", by=user, comment=note, detail=detail,
        role=_search_roles(user, referral),
    )  # fmt: skip
    audit_referral_change(
        user, referral, f"in-house contact with household {household.pk}: {outcome}", request
    )
    if offer is not None:
        audit_household_change(
            user, household, f"offer {offer.pk} on referral {referral.pk}", request
        )
    return event, offer


def _contact_problem(household, referral, outcome):
    if household.provider_id != referral.authority_id:
        return "Choose one of the council's own households: the in-house search contacts only them"
    if household.status not in CONTACTABLE:
        status = household.get_status_display().lower()
        return f"{household.name} is {status}: only approved households are contacted"
    live = Offer.objects.filter(referral=referral, household=household, status__in=LIVE).first()
    if live is not None and outcome == OFFERS:
        return (
            f"{household.name} already has a live offer on this referral (offer {live.pk}): "
            "a second cannot be made while it stands"
        )
    if live is not None and outcome == DECLINES:
        return (
            f"{household.name} has a live offer on this referral: record that they withdrew it "
            "instead"
        )
    return None


def _offered_children(referral, children, errors):
    """The children offered for: all the referral's, or the given ones, none already matched."""
    all_children = _children_of(referral)
    if children is None:
        offered = all_children
    else:
        wanted = {getattr(child, "pk", child) for child in children}
        offered = [child for child in all_children if child.pk in wanted]
        if not wanted:
            errors["children"] = "Choose the children the carers offer a home for"
        elif len(offered) != len(wanted):
            errors["children"] = "Choose only children of this referral"
    matched = _matched_children(referral)
    already = [child for child in offered if child.pk in matched]
    if already and "children" not in errors:
        errors["children"] = f"{_names(already)} already matched with a home"
    return offered


def _matched_children(referral):
    return set(
        Child.objects.filter(
            offers__referral=referral, offers__status=Offer.Status.MATCHED
        ).values_list("pk", flat=True)
    )


def _offer_make(user, referral, household, children, note, available_from):
    offer = Offer.objects.create(
        referral=referral, household=household, source=Offer.Source.IN_HOUSE,
        available_from=available_from, note=note, made_by=user,
    )  # fmt: skip
    offer.children.set(children)
    item_open(
        organisation=referral.authority, kind=Kind.CARER_OFFER, referral=referral,
        title=f"{referral_title(referral)}: {household.name} offer a home",
        urgent=referral.urgent, user=referral.social_worker,
        note="Read the carers' profile, talk to them, then agree or decline their offer",
        key=offer_key(offer),
    )  # fmt: skip
    _ask_about_children_placed(user, referral, offer)
    if referral.in_house_search != Referral.SearchState.MATCHED:
        referral.in_house_search = Referral.SearchState.OFFERS
        _save_referral(referral, "in_house_search")
    return offer


def _may_be_asked(person, referral):
    """Whether a person can answer in Hearth: active, and able to read the referral. A child of
    another council living with the carers has workers who cannot: the search team records
    their answer instead."""
    return (
        person is not None
        and person.is_active
        and referral.authority_id in organisation_ids_granting(person, Capability.VIEW_CHILDREN)
    )


def _ask_about_children_placed(user, referral, offer):
    """Ask the social worker and IRO of each child already living with the carers (000)."""
    placed = (
        Child.objects.filter(placed_with=offer.household)
        .exclude(pk__in=[child.pk for child in offer.children.all()])
        .select_related("social_worker", "iro")
        .order_by("date_of_birth", "pk")
    )
    asked = {}
    for child in placed:
        for asked_as, person in (
            (Consultation.AskedAs.SOCIAL_WORKER, child.social_worker),
            (Consultation.AskedAs.IRO, child.iro),
        ):
            person = person if _may_be_asked(person, referral) else None
            Consultation.objects.create(
                offer=offer, placed_child=child, asked_as=asked_as, asked_user=person, asked_by=user
            )
            if person is not None:
                asked.setdefault(person.pk, (person, []))[1].append(
                    f"{Consultation.AskedAs(asked_as).label} of {child.full_name}"
                )
    for person, roles in asked.values():
        item_open(
            organisation=referral.authority, kind=Kind.OFFER_CONSULTATION, referral=referral,
            title=f"{referral_title(referral)}: any concerns about a move to "
            f"{offer.household.name}?",
            urgent=referral.urgent, user=person, note=f"Asked as {'; '.join(roles)}",
            key=offer_key(offer),
        )  # fmt: skip


@transaction.atomic
def offer_record_conversation(*, user, offer, conversation, expected_version=None, request=None):
    """The child's social worker records their conversation with the carers who offer.
    `expected_version` is the offer's version when the conversation was opened: a save from an
    older one raises EditConflict rather than overwrite what someone else recorded."""
    offer = _locked_offer(offer)
    referral = offer.referral
    policy = referral.authority.policy
    _require("record_conversation", user, offer, policy)
    if expected_version is not None and version_number(expected_version) != offer.version:
        raise EditConflict("Someone else changed the offer after you opened it")
    errors = {}
    conversation = clean_text(
        conversation, "conversation", errors, name="The conversation",
        missing="Say what you and the carers talked about",
    )  # fmt: skip
    refuse_if(errors)
    offer.conversation, offer.conversation_by = conversation, user
    offer.conversation_at = timezone.now()
    offer.version += 1
    offer.save()
    record_event(
        referral=referral, action="offer_conversation", by=user, comment=conversation,
        detail=_offer_detail(offer), role=_social_worker_roles(user, referral, policy),
    )  # fmt: skip
    audit_referral_change(
        user, referral, f"conversation with the carers of offer {offer.pk}", request
    )
    return offer


@transaction.atomic
def consultation_answer(
    *, user, consultation, has_concerns, answer, recorded_from="", request=None
):
    """The answer of a child's social worker or IRO: by the person asked, or recorded by a search
    worker from them (saying who gave it, and how, in `recorded_from`)."""
    offer = _locked_offer(consultation.offer)
    consultation = (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("placed_child")
        .get(pk=consultation.pk)
    )
    consultation.offer = offer
    referral = offer.referral
    policy = referral.authority.policy
    _require("answer_consultation", user, consultation, policy)
    on_behalf = permissions.must_say_where_from(user, consultation)
    errors = {}
    if has_concerns not in (True, False):
        errors["has_concerns"] = "Say whether there are concerns"
    answer = clean_text(
        answer, "answer", errors, name="The answer",
        missing="Say what the concerns are" if has_concerns else None,
    )  # fmt: skip
    recorded_from = clean_text(
        recorded_from if on_behalf else "", "recorded_from", errors, name="Who gave the answer",
        missing="Say who gave the answer, and how" if on_behalf else None, limit=200,
    )  # fmt: skip
    refuse_if(errors)
    consultation.has_concerns, consultation.answer = has_concerns, answer
    consultation.answered_by, consultation.answered_at = user, timezone.now()
    consultation.recorded_from = recorded_from
    consultation.save()
    record_event(
        referral=referral, action="consultation_answered", by=user, comment=answer,
        detail={
            **_offer_detail(offer), "consultation": consultation.pk,
            "asked_as": consultation.asked_as, "has_concerns": has_concerns,
            "recorded_from": recorded_from,
        },
        role=_search_roles(user, referral) if on_behalf else consultation.asked_as,
    )  # fmt: skip
    _close_finished_items(referral, user)
    audit_referral_change(
        user, referral, f"consultation {consultation.pk} on offer {offer.pk} answered", request
    )
    return consultation


@transaction.atomic
def offer_decide(*, user, offer, agree, reason="", passed_over="", request=None):
    """The child's social worker agrees to the offer (after talking to the carers) or declines it.
    In-house offers come first (001): where the policy says so, declining one needs a reason of
    some substance, and so does agreeing to an agency offer while an in-house offer for the same
    children still stands (`passed_over`, kept on the offer and reported). An agreed offer goes to
    the search worker who took it for the matching form."""
    offer = _locked_offer(offer)
    referral = offer.referral
    policy = referral.authority.policy
    _require("agree_offer" if agree else "decline_offer", user, offer, policy)
    errors = {}
    reason = clean_text(
        reason, "reason", errors, name="The reason",
        missing=None if agree else "Say why the offer is declined",
    )  # fmt: skip
    passed_over = clean_text(passed_over, "passed_over", errors, name="The reason")
    if agree and not offer.conversation:
        errors["conversation"] = "Record your conversation with the carers before you agree"
    if not agree and "reason" not in errors and _reason_too_thin(reason, offer, policy):
        errors["reason"] = (
            "In-house offers come first: give the full reason for declining "
            f"(at least {DECLINE_REASON_MIN_LENGTH} characters)"
        )
    standing = in_house_offers_standing(offer, policy) if agree else []
    if standing and "passed_over" not in errors and len(passed_over) < DECLINE_REASON_MIN_LENGTH:
        errors["passed_over"] = (
            f"In-house offers come first: {_listed([o.household.name for o in standing])} "
            f"{'still offer' if len(standing) > 1 else 'still offers'} a home. Give the full "
            f"reason for choosing this agency instead (at least {DECLINE_REASON_MIN_LENGTH} "
            "characters)"
        )
    refuse_if(errors)
    offer.status = Offer.Status.AGREED if agree else Offer.Status.DECLINED
    offer.decided_by, offer.decided_at, offer.decision_reason = user, timezone.now(), reason
    offer.in_house_passed_over = passed_over if standing else ""
    offer.version += 1
    offer.save()
    if agree:
        _to_form_preparer(referral, offer)
    else:
        _follow_offers(referral)
    detail = _offer_detail(offer)
    if standing:
        detail["passed_over"] = [o.household.name for o in standing]
        detail["passed_over_reason"] = passed_over
    record_event(
        referral=referral, action="offer_agreed" if agree else "offer_declined", by=user,
        comment=reason, detail=detail, role=_social_worker_roles(user, referral, policy),
    )  # fmt: skip
    _close_finished_items(referral, user)
    audit_referral_change(user, referral, f"offer {offer.pk} {offer.status}", request)
    return offer


def in_house_offers_standing(offer, policy):
    """The in-house offers still standing for any of an agency offer's children, where in-house
    offers come first (001): agreeing to the agency offer passes them over."""
    if offer.source != Offer.Source.AGENCY or not policy.switch("in_house_first"):
        return []
    ids = (
        Offer.objects.filter(
            referral_id=offer.referral_id,
            source=Offer.Source.IN_HOUSE,
            status__in=LIVE,
            children__in=offer.children.all(),
        )
        .values_list("pk", flat=True)
        .distinct()
    )
    return list(Offer.objects.filter(pk__in=list(ids)).select_related("household"))


def _reason_too_thin(reason, offer, policy):
    in_house_first = policy.switch("in_house_first") and offer.source == Offer.Source.IN_HOUSE
    return in_house_first and len(reason) < DECLINE_REASON_MIN_LENGTH


def _to_form_preparer(referral, offer):
    """The matching form is for the search worker who took the offer, while they still can."""
    maker = offer.made_by
    mine = maker.is_active and permissions.is_search_worker(maker, referral)
    item_open(
        organisation=referral.authority, kind=Kind.MATCHING_FORM, referral=referral,
        title=f"{referral_title(referral)}: matching form for {offer.household.name}",
        urgent=referral.urgent, user=maker if mine else None,
        role="" if mine else Role.PLACEMENTS_OFFICER, key=offer_key(offer),
    )  # fmt: skip


@transaction.atomic
def offer_withdraw(*, user, offer, reason, request=None):
    """A search worker records that the carers withdrew their offer, and why."""
    offer = _locked_offer(offer)
    referral = offer.referral
    policy = referral.authority.policy
    _require("withdraw_offer", user, offer, policy)
    errors = {}
    reason = clean_text(
        reason, "reason", errors, name="The reason", missing="Say why the carers withdrew"
    )
    refuse_if(errors)
    offer.status = Offer.Status.WITHDRAWN
    offer.decided_by, offer.decided_at, offer.decision_reason = user, timezone.now(), reason
    offer.version += 1
    offer.save()
    _follow_offers(referral)
    record_event(
        referral=referral, action="offer_withdrawn", by=user, comment=reason,
        detail=_offer_detail(offer), role=_search_roles(user, referral),
    )  # fmt: skip
    _close_finished_items(referral, user)
    audit_referral_change(user, referral, f"offer {offer.pk} withdrawn", request)
    return offer


# The matching form ----------------------------------------------------------------------------------


def _need_label(tag):
    return NEEDS.get(tag, tag.replace("_", " ").capitalize()).split(":")[0]


def offer_needs(offer):
    """{need tag: [names of the offer's children who have it]}, in the children's order."""
    needs = {}
    for child in offer.children.order_by("date_of_birth", "pk"):
        for tag in child.needs:
            needs.setdefault(tag, []).append(child.full_name)
    return needs


def _need_words(tag, needs):
    return f"{_need_label(tag)} ({_listed(needs[tag])})"


def _entries(raw, key, field, errors):
    """[{"need": tag, key: text}] from the form, stripped; malformed input is an error."""
    if raw in (None, ""):
        return []
    if not isinstance(raw, (list, tuple)) or not all(isinstance(e, dict) for e in raw):
        errors[field] = "Give each need with how it is met or the support that closes the gap"
        return []
    entries = [
        {"need": str(entry.get("need") or "").strip(), key: str(entry.get(key) or "").strip()}
        for entry in raw
    ]
    # A blank line of the form is no entry; a line without its need is.
    entries = [entry for entry in entries if entry["need"] or entry[key]]
    if any(not entry["need"] for entry in entries):
        errors[field] = "Choose the need on each line"
    return entries


def _coverage_problems(needs, met, gaps):
    """{field: problem} where a need of the children is not met or a gap exactly once, where the
    carers' way of meeting it or the support is not said, or where a need is not the children's."""
    problems = {}
    counted = {}
    for entry, key in [(e, "how") for e in met] + [(e, "support") for e in gaps]:
        tag = entry["need"]
        if tag not in needs:
            problems[f"need_{tag}"] = (
                f"{_need_label(tag)} is not a need of the children in this offer"
            )
            continue
        counted[tag] = counted.get(tag, 0) + 1
        if not entry[key] or "\x00" in entry[key] or len(entry[key]) > TEXT_LIMIT:
            say = "how the carers meet it" if key == "how" else "the support that closes the gap"
            problems[f"need_{tag}"] = f"{_need_words(tag, needs)}: say {say}"
    for tag in needs:
        if counted.get(tag, 0) == 0:
            problems[f"need_{tag}"] = (
                f"{_need_words(tag, needs)}: say how the carers meet it, or the support that "
                "closes the gap"
            )
        elif counted[tag] > 1:
            problems[f"need_{tag}"] = (
                f"{_need_words(tag, needs)} is given more than once: say once whether it is met "
                "or a gap"
            )
    return problems


def _clean_form(offer, data):
    errors = {}
    met = _entries(data.get("needs_met"), "how", "needs_met", errors)
    gaps = _entries(data.get("gaps"), "support", "gaps", errors)
    if not errors:
        errors.update(_coverage_problems(offer_needs(offer), met, gaps))
    texts = {
        field: clean_text(data.get(field), field, errors, name=label.capitalize())
        for field, label in FORM_TEXTS.items()
    }
    refuse_if(errors, "The matching form was not saved: check the needs and the text")
    order = list(offer_needs(offer))
    return {
        "needs_met": sorted(met, key=lambda entry: order.index(entry["need"])),
        "gaps": sorted(gaps, key=lambda entry: order.index(entry["need"])),
        **texts,
    }


@transaction.atomic
def matching_form_save(*, user, offer, data, expected_version, request=None):
    """Save the matching form of an agreed offer. `data`: needs_met [{"need", "how"}], gaps
    [{"need", "support"}], why_this_home, support_plan, family_time. Every need of the offer's
    children is met or a gap, once. `expected_version` is the form's version when it was opened
    (0 for a form not yet started): a save from an older one raises EditConflict.

    Each change is a step of the referral's history. A form already sent for sign-off that is
    changed is taken back: its sign-off item closes, and it must be sent again. A save that
    changes nothing writes nothing."""
    offer = _locked_offer(offer)
    referral = offer.referral
    policy = referral.authority.policy
    _require("prepare_matching_form", user, offer, policy)
    form = MatchingForm.objects.select_for_update().filter(offer=offer).first()
    if version_number(expected_version or 0) != (form.version if form else 0):
        raise EditConflict("Someone else changed the matching form after you opened it")
    cleaned = _clean_form(offer, data)
    if form is not None and all(getattr(form, field) == value for field, value in cleaned.items()):
        return form
    if form is None:
        form = MatchingForm(offer=offer, prepared_by=user, **cleaned)
    else:
        for field, value in cleaned.items():
            setattr(form, field, value)
        form.prepared_by = user
        form.version += 1
    form.save()
    was_sent = offer.pk in submitted_offers(referral)
    record_event(
        referral=referral, action=FORM_SAVED, by=user,
        detail={**_offer_detail(offer), "form_version": form.version, "was_sent": was_sent},
        role=_preparer_roles(user, referral, policy),
    )  # fmt: skip
    if was_sent:
        items_close(
            referral=referral, by=user, kinds=[Kind.MATCHING_SIGN_OFF], key=offer_key(offer)
        )
        _close_finished_items(referral, user)
    audit_referral_change(user, referral, f"matching form for offer {offer.pk} saved", request)
    return form


def matching_form_missing(offer):
    """What the offer's matching form still needs before it can be signed off, one line each."""
    form = MatchingForm.objects.filter(offer=offer).first()
    if form is None:
        return ["The matching form has not been started"]
    problems = list(_coverage_problems(offer_needs(offer), form.needs_met, form.gaps).values())
    problems += [
        f"The matching form does not say {label}"
        for field, label in FORM_TEXTS.items()
        if not getattr(form, field).strip()
    ]
    return problems


@transaction.atomic
def matching_form_submit(*, user, offer, request=None):
    """Send a complete matching form for sign-off: the policy's approver gets it in their tray (one
    item for the referral, however many forms wait)."""
    offer = _locked_offer(offer)
    referral = offer.referral
    policy = referral.authority.policy
    _require("prepare_matching_form", user, offer, policy)
    missing = matching_form_missing(offer)
    if missing:
        raise ReferralError("The matching form is not complete", problems=missing)
    form = offer.matching_form
    waiting = WorkItem.objects.filter(
        referral=referral, kind=Kind.MATCHING_SIGN_OFF, closed_at__isnull=True,
        key__in=(offer_key(offer), ""),
    )  # fmt: skip
    if not waiting.exists():
        _to_signer(referral, policy, offer, form)
    record_event(
        referral=referral, action=FORM_SENT, by=user,
        detail={**_offer_detail(offer), "form_version": form.version},
        role=_preparer_roles(user, referral, policy),
    )  # fmt: skip
    _close_finished_items(referral, user)
    audit_referral_change(
        user, referral, f"matching form for offer {offer.pk} sent for sign-off", request
    )
    return form


def _to_signer(referral, policy, offer, form):
    """To the policy's signer: a team manager is the referral team's (the team's other managers
    when the named one agreed the offer or prepared the form); any other role, the council's
    holders of it."""
    role = policy.approver("matching_sign_off")
    title = f"{referral_title(referral)}: sign off the match with {offer.household.name}"
    if role == Role.TEAM_MANAGER:
        _to_team_manager(
            referral, role, kind=Kind.MATCHING_SIGN_OFF, title=title, key=offer_key(offer),
            not_to={offer.decided_by_id, form.prepared_by_id},
        )  # fmt: skip
        return
    item_open(
        organisation=referral.authority, kind=Kind.MATCHING_SIGN_OFF, referral=referral,
        title=title, urgent=referral.urgent, role=role, key=offer_key(offer),
    )  # fmt: skip


def matching_sign_off_problems(offer, *, comment="", household=None):
    """Why the offer cannot be signed off now, one line each (none: it can)."""
    household = household or offer.household
    problems = []
    if offer.status != Offer.Status.AGREED:
        problems.append("The child's social worker has not agreed the offer")
    problems += matching_form_missing(offer)
    problems += _sending_problems(offer)
    consultations = list(offer.consultations.select_related("placed_child"))
    for consultation in consultations:
        if consultation.answered_at is None:
            problems.append(
                f"The {consultation.get_asked_as_display()} of "
                f"{_placed_child_words(consultation, offer)} has not answered"
            )
    if any(c.has_concerns for c in consultations) and not (comment or "").strip():
        problems.append(
            "Concerns were raised about the children already living with the carers: say in "
            "your comment how they are answered"
        )
    problems += _place_problems(offer, household)
    problems += _split_problems(offer)
    return problems


def _sending_problems(offer):
    """A form is signed off only as it was sent: not one never sent, nor one changed since."""
    latest, ever_sent = _form_steps(offer.referral_id).get(offer.pk, (None, False))
    if latest is None or latest == FORM_SENT:
        # Never saved (the form's own lines say so), or sent as it stands.
        return []
    if ever_sent:
        return [
            "The matching form was changed after it was sent for sign-off: it must be sent again"
        ]
    return ["The matching form has not been sent for sign-off"]


def _placed_child_words(consultation, offer):
    child = consultation.placed_child
    if child.authority_id != offer.referral.authority_id:
        return "a child of another council living with the carers"
    return f"{child.full_name}, who lives with the carers,"


def _place_problems(offer, household):
    """The household must still be approved and have a place for each child joining it: children
    living there hold places, and so do children due to arrive (`places_held`: matched with it but
    not yet moved in, or booked with it as emergency carers)."""
    if household.status not in CONTACTABLE:
        return [f"{household.name} is {household.get_status_display().lower()}"]
    children = list(offer.children.all())
    wanted = sum(1 for child in children if child.placed_with_id != household.pk)
    living = Child.objects.filter(placed_with=household).count()
    held = places_held([household], excluding=children).get(household.pk, 0)
    free = household.max_children - living - held
    if free >= wanted:
        return []
    return [
        f"{household.name} has {_plural(max(free, 0), 'free place', 'free places')} for "
        f"{_plural(wanted, 'child', 'children')}"
    ]


def _split_problems(offer):
    """An offer for part of a sibling group needs an agreed split with exactly that part."""
    everyone = {child.pk for child in offer.referral.children.all()}
    offered = {child.pk for child in offer.children.all()}
    if offered == everyone:
        return []
    names = _names([child for child in offer.children.order_by("date_of_birth", "pk")])
    split = _live_split(offer.referral)
    if split is None:
        return [
            f"The offer is for {names} only: a split of the brothers and sisters must be "
            "proposed and agreed"
        ]
    problems = []
    if not any(set(part) == offered for part in split.parts):
        problems.append(f"The proposed split does not place {names} together, apart from the rest")
    if split.social_worker_agreed_at is None:
        problems.append("The social worker has not agreed the split")
    if split.team_manager_agreed_at is None:
        problems.append("The team manager has not agreed the split")
    return problems


@transaction.atomic
def matching_sign_off(*, user, offer, comment="", form_version=None, request=None):
    """Sign off the matching form: the offer is matched and the other live offers for its children
    are closed. When every child of the referral is matched, so is the referral: the searches stop,
    the search's tray items close and the social worker is told.

    `form_version` is the version of the form the signer read: a form changed since is refused,
    to be read again. The signer is a second pair of eyes: not the person who agreed the offer or
    prepared the form (`permissions`)."""
    offer = _locked_offer(offer)
    referral = offer.referral
    policy = referral.authority.policy
    _require("sign_off", user, offer, policy)
    # Locked so that two matches cannot both take the household's last place.
    household = (
        Household.objects.select_for_update().select_related("provider").get(pk=offer.household_id)
    )
    form = MatchingForm.objects.filter(offer=offer).first()
    if form_version is not None and (form is None or version_number(form_version) != form.version):
        raise ReferralError(
            FORM_CHANGED, problems=[FORM_CHANGED], field_errors={"form_version": FORM_CHANGED}
        )
    errors = {}
    comment = clean_text(comment, "comment", errors, name="The comment")
    refuse_if(errors)
    problems = matching_sign_off_problems(offer, comment=comment, household=household)
    if problems:
        raise ReferralError("The matching form cannot be signed off yet", problems=problems)
    now = timezone.now()
    form.signed_off_by, form.signed_off_at, form.sign_off_comment = user, now, comment
    form.save()
    offer.status = Offer.Status.MATCHED
    offer.version += 1
    offer.save()
    children = list(offer.children.order_by("date_of_birth", "pk"))
    closed = _close_other_offers(offer, children)
    from_status = referral.status
    everyone = set(referral.children.values_list("pk", flat=True))
    whole = everyone <= _matched_children(referral)
    if whole:
        _referral_matched(referral, user)
    else:
        _follow_offers(referral)
    record_event(
        referral=referral, action="matched", by=user, from_status=from_status, comment=comment,
        detail={
            **_offer_detail(offer), "children": [child.full_name for child in children],
            "closed_offers": closed, "referral_matched": whole,
        },
        role=policy.approver("matching_sign_off"),
    )  # fmt: skip
    _close_finished_items(referral, user)
    # What follows a match is the placement's: an agency home's cost approval, or, for an
    # in-house home, starting the placement. Imported here: placements builds on the search.
    from hearth.placements.services import on_offer_matched

    on_offer_matched(offer=offer, by=user)
    audit_referral_change(user, referral, f"offer {offer.pk} matched", request)
    audit_household_change(user, household, f"matched on referral {referral.pk}", request)
    return offer


def _close_other_offers(offer, children):
    # PostgreSQL locks no rows of a DISTINCT query: find the offers, then lock them by key.
    ids = (
        Offer.objects.filter(referral=offer.referral, status__in=LIVE, children__in=children)
        .exclude(pk=offer.pk)
        .values_list("pk", flat=True)
        .distinct()
    )
    others = Offer.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk")
    closed = []
    for other in others:
        other.status = Offer.Status.CLOSED
        other.decision_reason = f"{_names(children)} matched with another home"
        other.version += 1
        other.save()
        closed.append(other.pk)
    return closed


def _referral_matched(referral, by):
    State = Referral.SearchState
    referral.status = Status.MATCHED
    referral.in_house_search = State.MATCHED
    if referral.agency_search == State.SEARCHING:
        referral.agency_search = State.NOT_NEEDED
    _save_referral(referral, "status", "in_house_search", "agency_search")
    items_close(referral=referral, by=by, kinds=list(SEARCH_KINDS))
    worker = referral.social_worker
    if worker.is_active:
        link = settings.HEARTH_BASE_URL.rstrip("/") + reverse("referral", args=[referral.pk])
        email_queue(
            recipients=[worker],
            subject="A home is agreed for one of your referrals in Hearth",
            body="The matching form for one of your referrals is signed off: every child in it "
            f"is matched with a home.\n\nSee the referral in Hearth: {link}\n\n"
            "This message names no child: sign in to Hearth to see who it is about.",
        )


# Brothers and sisters placed apart ---------------------------------------------------------------------


@transaction.atomic
def split_propose(*, user, referral, parts, reason, request=None):
    """Propose which of the brothers and sisters live together: `parts` is a list of lists of the
    referral's children, each child in exactly one, at least two parts. An earlier split not yet
    replaced is set aside. The social worker and the team manager each get it to agree."""
    referral = _locked(referral)
    policy = referral.authority.policy
    _require("propose_split", user, referral, policy)
    errors = {}
    reason = clean_text(
        reason, "reason", errors, name="The reason",
        missing="Say why the children cannot all live together",
    )  # fmt: skip
    children = _children_of(referral)
    cleaned = _clean_parts(referral, children, parts, errors)
    refuse_if(errors)
    SiblingSplit.objects.filter(referral=referral, set_aside_at__isnull=True).update(
        set_aside_at=timezone.now()
    )
    items_close(referral=referral, by=user, kinds=[Kind.SPLIT_AGREEMENT])
    split = SiblingSplit.objects.create(
        referral=referral, parts=cleaned, reason=reason, proposed_by=user
    )
    title = f"{referral_title(referral)}: agree how the brothers and sisters are placed"
    item_open(
        organisation=referral.authority, kind=Kind.SPLIT_AGREEMENT, referral=referral,
        title=title, urgent=referral.urgent, user=referral.social_worker,
        note="Agree as the children's social worker",
    )  # fmt: skip
    _to_team_manager(
        referral, policy.approver("referral_comments"), kind=Kind.SPLIT_AGREEMENT, title=title,
        note="Agree as the team manager",
    )  # fmt: skip
    by_pk = {child.pk: child for child in children}
    record_event(
        referral=referral, action="split_proposed", by=user, comment=reason,
        detail={
            "split": split.pk,
            "parts": [[by_pk[pk].full_name for pk in part] for part in cleaned],
        },
        role=_search_roles(user, referral),
    )  # fmt: skip
    audit_referral_change(user, referral, f"split {split.pk} proposed", request)
    return split


def _clean_parts(referral, children, parts, errors):
    """The parts as lists of child ids in the children's order, or an error under "parts"."""
    order = [child.pk for child in children]
    try:
        wanted = [[getattr(child, "pk", child) for child in part] for part in parts or []]
    except TypeError:
        wanted = None
    if len(order) < 2:
        errors["parts"] = "Only a referral for brothers and sisters can be split"
        return []
    if wanted is None or len(wanted) < 2 or any(not part for part in wanted):
        errors["parts"] = "Split the children into two or more groups, each with a child in it"
        return []
    given = [pk for part in wanted for pk in part]
    if sorted(given, key=str) != sorted(order, key=str):
        errors["parts"] = "Put each of the referral's children in exactly one group"
        return []
    # In the children's order (eldest first), so that the same split always reads the same.
    cleaned = sorted(
        (sorted(part, key=order.index) for part in wanted), key=lambda p: order.index(p[0])
    )
    for offer in Offer.objects.filter(referral=referral, status=Offer.Status.MATCHED):
        matched = {child.pk for child in offer.children.all()}
        if not any(set(part) == matched for part in cleaned):
            names = _names([child for child in children if child.pk in matched])
            verb = "is" if len(matched) == 1 else "are"
            errors["parts"] = (
                f"{names} {verb} matched with a home: keep them in a part of their own"
            )
    return cleaned


@transaction.atomic
def split_agree(*, user, split, as_role, comment="", request=None):
    """Agree the split as the allocated social worker (`as_role` "social_worker") or as the team
    manager of the referral's team ("team_manager"): two agreements, by two different people."""
    if as_role not in permissions.SPLIT_ROLES:
        raise ReferralError(
            "Choose whether you agree as social worker or as team manager",
            field_errors={"as_role": "Choose social worker or team manager"},
        )
    referral = _locked(Referral(pk=split.referral_id))
    split = SiblingSplit.objects.select_for_update().get(pk=split.pk)
    split.referral = referral
    policy = referral.authority.policy
    _require(permissions.split_rule(as_role), user, split, policy)
    errors = {}
    comment = clean_text(comment, "comment", errors, name="The comment")
    refuse_if(errors)
    setattr(split, f"{as_role}_agreed_by", user)
    setattr(split, f"{as_role}_agreed_at", timezone.now())
    split.save()
    record_event(
        referral=referral, action="split_agreed", by=user, comment=comment,
        detail={"split": split.pk, "as_role": as_role, "agreed": split.agreed}, role=as_role,
    )  # fmt: skip
    _close_finished_items(referral, user)
    audit_referral_change(user, referral, f"split {split.pk} agreed as {as_role}", request)
    return split
