"""The in-house search as its screens show it: ranked households with their reasons in words, the
carers' profile shared with the child's social worker, the questions asked about children already
living with the carers, the matching form and the split. Templates only draw what these give them.

Carers are named only to people who may see the council's households (`names_carers`); a child
already living with the carers is named only to people who may see that child's record.
"""

from django.urls import reverse
from django.utils import timezone

from hearth.matching.explain import listed
from hearth.people import vocabulary
from hearth.people.forms import age_on
from hearth.search import permissions, selectors
from hearth.search.models import Offer
from hearth.search.vocabulary import CONTACT_OUTCOMES, DECLINE_REASONS
from hearth.web.presenters import age, date_time, labels, long_date

OFFER_COLOURS = {
    Offer.Status.OPEN: "blue",
    Offer.Status.AGREED: "turquoise",
    Offer.Status.MATCHED: "green",
    Offer.Status.DECLINED: "red",
    Offer.Status.WITHDRAWN: "grey",
    Offer.Status.CLOSED: "grey",
    Offer.Status.EXPIRED: "grey",
    Offer.Status.PLACED: "purple",
}
UNNAMED_CARERS = "In-house carers"


def offer_tag(offer):
    return {"text": offer.get_status_display(), "colour": OFFER_COLOURS.get(offer.status, "grey")}


def _plural(count, one, many):
    return f"{count} {one if count == 1 else many}"


def _by(person, at):
    """'Sam Jones, 15 June 2026 at 10:30am', or nothing when no one has."""
    return f"{person.display_name}, {date_time(at)}" if person else ""


def need_labels(tags):
    return labels(tags, vocabulary.NEEDS)


def children_searched(children, today):
    """The referral's children as the search page heads them: name, age and needs in words."""
    return [
        {
            "name": child.full_name,
            "age": age(child.date_of_birth, today),
            "needs": need_labels(child.needs or ()),
            "url": reverse("child", args=[child.pk]),
        }
        for child in children
    ]


# The search page ----------------------------------------------------------------------------------


def last_contact_words(contact):
    """'They decline: No vacancy now', with who recorded it and when; None before any contact."""
    if not contact:
        return None
    words = CONTACT_OUTCOMES.get(contact["outcome"], contact["outcome"])
    if contact.get("reason"):
        words += f": {DECLINE_REASONS.get(contact['reason'], contact['reason'])}"
    return {
        "outcome": words,
        "note": contact.get("note", ""),
        "when": date_time(contact["at"]),
        "by": contact["by"],
    }


def free_places(household):
    """Places free now, as the search counts them (`hearth.search.selectors.free_places`): those
    approved for, less the children living there and the places held for children due to arrive."""
    return selectors.free_places(household)


def _score(score):
    return f"{round(score * 100)}%"


def _distance(miles):
    return "Not known" if miles is None else f"{miles:.1f} miles"


def search_row(row, referral, *, rank=None, may_contact=False, today=None):
    """One household of the search: ranked or pending, with what the engine found and what was
    last heard from its carers."""
    household, candidate = row.household, row.candidate
    return {
        "rank": rank,
        "name": household.name,
        "reference": household.reference,
        "url": reverse("household", args=[household.pk]),
        "carers": listed(
            f"{carer.first_name} {carer.last_name}" for carer in household.carers.all()
        )
        or "No carers recorded",
        "score": _score(candidate.score) if candidate else "",
        "distance": _distance(candidate.distance_miles) if candidate else "",
        "free_places": free_places(household),
        "reasons": list(candidate.reasons) if candidate else [],
        "concerns": list(candidate.concerns) if candidate else [],
        "support_gaps": need_labels(candidate.support_gaps) if candidate else [],
        "excluded": list(row.excluded),
        "leaving": [
            f"{child.full_name}, age {age(child.date_of_birth, today)}" for child in row.leaving
        ],
        "last_contact": last_contact_words(row.last_contact),
        "offer": {
            "tag": offer_tag(row.offer),
            "url": reverse("offer", args=[referral.pk, row.offer.pk]),
        }
        if row.offer
        else None,
        "contact_url": reverse("search_contact", args=[referral.pk, household.pk])
        if may_contact
        else None,
    }


def suggested_splits(splits, referral, *, may_propose):
    """The engine's ways to split a group no household can take whole, each with its parts and a
    link that starts a proposal with those parts (children no household can take in a part of
    their own)."""
    shown = []
    for label, parts, score in splits:
        placed = {child.pk for children, _household, _score in parts for child in children}
        rest = [child for child in referral.children.all() if child.pk not in placed]
        numbered = [children for children, _household, _score in parts] + ([rest] if rest else [])
        query = "&".join(
            f"part_{child.pk}={number}"
            for number, children in enumerate(numbered, 1)
            for child in children
        )
        shown.append(
            {
                "label": label,
                "score": _score(score),
                "parts": [
                    {
                        "children": listed(child.full_name for child in children),
                        "household": household.name,
                        "reference": household.reference,
                        "url": reverse("household", args=[household.pk]),
                        "score": _score(part_score),
                    }
                    for children, household, part_score in parts
                ],
                "not_placed": listed(child.full_name for child in rest),
                "propose_url": f"{reverse('split_propose', args=[referral.pk])}?{query}"
                if may_propose
                else None,
            }
        )
    return shown


def households_shown(found):
    """The households whose records the search page shows, and the children it names moving on."""
    rows = [*found.available, *found.pending, *found.excluded]
    return [row.household for row in rows], {c.pk for row in found.pending for c in row.leaving}


# The carers' profile ------------------------------------------------------------------------------


def experience(household, today):
    """How long the carers have fostered for the council, from their approval."""
    if household.approved_on is None:
        return "Approval date not recorded"
    years = age_on(household.approved_on, today)
    since = f"approved on {long_date(household.approved_on)}"
    if years >= 1:
        return f"{_plural(years, 'year', 'years')} fostering: {since}"
    months = max((today - household.approved_on).days // 30, 0)
    return f"{_plural(months, 'month', 'months')} fostering: {since}"


def carers_profile(household, today):
    """What the child's social worker reads about the carers who offer (000: their training and
    experience). Children already living there are shown by age only."""
    placed = sorted(
        (age(child.date_of_birth, today) for child in household.children_placed.all()),
        key=lambda words: (len(words), words),
    )
    return {
        "name": household.name,
        "reference": household.reference,
        "url": reverse("household", args=[household.pk]),
        "carers": [
            {
                "name": f"{carer.first_name} {carer.last_name}",
                "age": age(carer.date_of_birth, today) if carer.date_of_birth else "Not recorded",
            }
            for carer in household.carers.all()
        ],
        "approval": (
            f"Ages {household.min_age} to {household.max_age}, up to "
            f"{_plural(household.max_children, 'child', 'children')}"
        ),
        "care_types": labels(household.care_types or (), vocabulary.PLACEMENT_TYPES),
        "skills": labels(household.skills or (), vocabulary.SKILLS),
        "experience": experience(household, today),
        "languages": ", ".join(labels(household.languages or (), vocabulary.LANGUAGES))
        or "Not recorded",
        "religion": household.get_religion_display() or "Not recorded",
        "ethnicity": household.get_ethnicity_display() or "Not recorded",
        "children_placed": (
            f"{_plural(len(placed), 'child', 'children')}: aged {listed(placed)}"
            if placed
            else "None"
        ),
        "supervising_social_worker": household.supervising_social_worker.display_name
        if household.supervising_social_worker
        else "Not allocated",
    }


# The offer ----------------------------------------------------------------------------------------


def offer_title(offer, *, named):
    """Who offers, to head a line or a cell: the household's name, or 'In-house carers'."""
    return offer.household.name if named else UNNAMED_CARERS


def offer_heading(offer, *, named):
    """'Offer from Ashworth family', or 'Offer from in-house carers' where they are not named."""
    return f"Offer from {offer.household.name if named else UNNAMED_CARERS.lower()}"


def offer_summary(offer, *, named):
    """The offer's facts: for which children, from when, who recorded it; the social worker's
    conversation with the carers and decision."""
    children = list(offer.children.all())
    return {
        "title": offer_title(offer, named=named),
        "heading": offer_heading(offer, named=named),
        "tag": offer_tag(offer),
        "children": listed(child.full_name for child in children),
        "available_from": long_date(offer.available_from) if offer.available_from else "Now",
        "note": offer.note,
        "made": _by(offer.made_by, offer.made_at),
        "conversation": offer.conversation,
        "conversation_by": _by(offer.conversation_by, offer.conversation_at),
        "decided": offer.decided_at is not None,
        "decision": _decision_words(offer),
        "decision_reason": offer.decision_reason,
        "decided_by": decided_by(offer),
        "passed_over": offer.in_house_passed_over,
        "terms": agency_terms(offer),
    }


def money(amount):
    """'£1,250.00'."""
    return f"£{amount:,.2f}"


def waiting_for(since, now):
    """How long something has waited, in words: '3 days', '5 hours', 'under an hour'."""
    seconds = max((now - since).total_seconds(), 0)
    if seconds >= 2 * 86400:
        return _plural(int(seconds // 86400), "day", "days")
    if seconds >= 3600:
        return _plural(int(seconds // 3600), "hour", "hours")
    return "under an hour"


def agency_terms(offer, now=None):
    """An agency offer's terms as the council reads them, or None for an in-house offer."""
    if offer.source != Offer.Source.AGENCY:
        return None
    now = now or timezone.now()
    expires = ""
    if offer.expires_at is not None:
        expires = date_time(offer.expires_at)
        if offer.status in permissions.LIVE_OFFER and offer.expires_at <= now:
            expires += " (expired)"
        elif offer.status in permissions.LIVE_OFFER:
            expires += f" (in {waiting_for(now, offer.expires_at)})"
    return {
        "provider": offer.household.provider.name,
        "urn": offer.household.provider.ofsted_urn or "Not recorded",
        "weekly_cost": money(offer.weekly_cost) if offer.weekly_cost is not None else "",
        "cost_covers": offer.cost_covers,
        "carer_profile": offer.carer_profile,
        "ofsted_details": offer.ofsted_details,
        "references": offer.references,
        "expires": expires,
    }


def decided_by(offer):
    """Who decided on the offer, and when: 'Sam Jones, 15 June 2026 at 10:30am'."""
    return _by(offer.decided_by, offer.decided_at)


def _decision_words(offer):
    return {
        Offer.Status.AGREED: "Agreed by the social worker",
        Offer.Status.MATCHED: "Agreed, and the matching form signed off",
        Offer.Status.DECLINED: "Declined by the social worker",
        Offer.Status.WITHDRAWN: "The carers withdrew their offer",
        Offer.Status.CLOSED: "Closed: another home was matched",
        Offer.Status.EXPIRED: "Expired before a decision",
        Offer.Status.PLACED: "Agreed, matched, and the children placed",
    }.get(offer.status, "Waiting for the social worker")


def placed_child_words(child, *, visible, today, opening=False):
    """A child already living with the carers: by name to someone who may see their record,
    otherwise by age ('a child aged 14', or 'A child aged 14' to open a sentence)."""
    if visible:
        return f"{child.full_name}, age {age(child.date_of_birth, today)}"
    return f"{'A' if opening else 'a'} child aged {age(child.date_of_birth, today)}"


def asked_as_words(consultation):
    """The role the person was asked in, as it reads within a sentence: 'social worker', 'IRO'."""
    role = consultation.get_asked_as_display()
    return role if role.isupper() else role.lower()


def consultations_shown(consultations, *, user, policy, visible_children, today, referral):
    """Each question about a child already living with the carers: whom it was asked of, in what
    role, and the answer; with a link to answer it for the person asked (or the search worker
    recording the answer for them)."""
    shown = []
    for consultation in consultations:
        answered = consultation.answered_at is not None
        may_answer = permissions.may_answer_consultation(user, consultation, policy)
        for_someone_else = permissions.must_say_where_from(user, consultation)
        child = placed_child_words(
            consultation.placed_child,
            visible=consultation.placed_child_id in visible_children,
            today=today,
        )
        role = asked_as_words(consultation)
        shown.append(
            {
                "title": f"{consultation.get_asked_as_display()} of {child}",
                "asked": consultation.asked_user.display_name
                if consultation.asked_user
                else "No one allocated in Hearth: the search team records the answer",
                "answered": answered,
                "concerns": ("Yes" if consultation.has_concerns else "No") if answered else "",
                "has_concerns": bool(consultation.has_concerns),
                "answer": consultation.answer,
                "answered_by": _by(consultation.answered_by, consultation.answered_at),
                "recorded_from": consultation.recorded_from,
                "answer_url": reverse(
                    "consultation_answer",
                    args=[referral.pk, consultation.offer_id, consultation.pk],
                )
                if may_answer
                else None,
                "answer_label": "Record the answer" if for_someone_else else "Give your answer",
                # Tells the links apart to a screen reader: whose answer each one is.
                "answer_of": f"of the {role} of {child}"
                if for_someone_else
                else f"as the {role} of {child}",
            }
        )
    return shown


def submitted_offers(referral):
    """The pks of offers whose matching form has been sent for sign-off (a step of the referral's
    history)."""
    details = referral.events.filter(action="matching_form_submitted").values_list(
        "detail", flat=True
    )
    return {detail.get("offer") for detail in details}


def matching_form_of(offer):
    """The offer's matching form, or None before it is started."""
    try:
        return offer.matching_form
    except Offer.matching_form.RelatedObjectDoesNotExist:
        return None


def matching_form_state(offer, form, submitted):
    """Where the matching form is: not started, being prepared, sent for sign-off, signed off."""
    if form is None:
        return {"text": "Not started", "colour": "grey"}
    if form.signed_off_at is not None:
        return {"text": "Signed off", "colour": "green"}
    if submitted:
        return {"text": "Sent for sign-off", "colour": "blue"}
    return {"text": "Being prepared", "colour": "yellow"}


def matching_form_shown(form):
    """The matching form read-only: each need met (and how) or a gap (and the support)."""
    if form is None:
        return None
    return {
        "needs_met": [
            {"need": vocabulary.NEEDS.get(e["need"], e["need"]), "how": e["how"]}
            for e in form.needs_met
        ],
        "gaps": [
            {"need": vocabulary.NEEDS.get(e["need"], e["need"]), "support": e["support"]}
            for e in form.gaps
        ],
        "why_this_home": form.why_this_home,
        "support_plan": form.support_plan,
        "family_time": form.family_time,
        "prepared_by": _by(form.prepared_by, form.updated_at),
        "signed_off_by": _by(form.signed_off_by, form.signed_off_at),
        "sign_off_comment": form.sign_off_comment,
    }


def offer_steps(user, offer, policy, *, form, submitted):
    """The buttons for the steps the person may take on the offer now."""
    referral_pk = offer.referral_id
    steps = []

    def add(label, name, style=""):
        steps.append(
            {"label": label, "url": reverse(name, args=[referral_pk, offer.pk]), "style": style}
        )

    if permissions.may_record_conversation(user, offer, policy):
        add(
            "Change your conversation with the carers"
            if offer.conversation
            else "Record your conversation with the carers",
            "offer_conversation",
            "secondary" if offer.conversation else "",
        )
    if permissions.may_agree_offer(user, offer, policy) or permissions.may_decline_offer(
        user, offer, policy
    ):
        agree = permissions.may_agree_offer(user, offer, policy)
        add("Agree or decline the offer" if agree else "Decline the offer", "offer_decide")
    if permissions.may_prepare_matching_form(user, offer, policy):
        add(
            "Prepare the matching form" if form is None else "Change the matching form",
            "matching_form",
            "secondary" if submitted else "",
        )
    if form is not None and submitted and permissions.may_sign_off(user, offer, policy):
        add("Sign off the matching form", "matching_sign_off")
    if permissions.may_withdraw_offer(user, offer, policy):
        add("The carers withdrew their offer", "offer_withdraw", "warning")
    return steps


# The split ----------------------------------------------------------------------------------------


def split_shown(split, children, *, user, policy):
    """A proposed split: the children of each part, why, and who has agreed it."""
    by_pk = {child.pk: child for child in children}
    agreements = []
    for role, words in (("social_worker", "Social worker"), ("team_manager", "Team manager")):
        by = getattr(split, f"{role}_agreed_by")
        at = getattr(split, f"{role}_agreed_at")
        agreements.append(
            {
                "role": words,
                "agreed": at is not None,
                "by": _by(by, at) or "Not yet agreed",
            }
        )
    may_agree = any(
        permissions.may_agree_split(user, split, policy, role) for role in permissions.SPLIT_ROLES
    )
    return {
        "parts": [
            listed(by_pk[pk].full_name for pk in part if pk in by_pk) for part in split.parts
        ],
        "reason": split.reason,
        "proposed": _by(split.proposed_by, split.proposed_at),
        "agreements": agreements,
        "agreed": split.agreed,
        "agree_url": reverse("split_agree", args=[split.referral_id, split.pk])
        if may_agree
        else None,
    }
