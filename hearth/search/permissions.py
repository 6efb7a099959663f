"""Who does what in the in-house search (DOMAIN.md, referral to placement, steps 8, 9 and 12).

- The *search workers* (placements officers, fostering duty workers and fostering team managers of
  the referral's council) see the search, record contacts with carers and so their offers, record
  that carers withdrew an offer, propose how brothers and sisters are split, prepare the matching
  form, and record a consultation's answer given to them by phone or email.
- The *child's social worker* (the allocated social worker or their team manager, as for the
  referral itself) talks to carers who offer, agrees or declines the offer and may prepare the form.
- A *consultee* (the social worker or IRO of a child already living with the carers) answers the
  question put to them.
- The matching form is signed off by the policy's `matching_sign_off` role; where that is the team
  manager, it is the manager of the referral's team. The signer is a second pair of eyes: not the
  person who agreed the offer, nor the one who prepared the form. A split is agreed twice, by two
  people: by the allocated social worker and by the team manager of the referral's team.

Each rule takes (user, record, policy) and answers True or False; `why_not` says in a sentence why
a rule refuses, for the screens to show. Nothing here writes.
"""

from collections.abc import Callable
from dataclasses import dataclass

from hearth.accounts.access import memberships_of, roles_of
from hearth.accounts.roles import Role
from hearth.referrals import workflow
from hearth.referrals.models import Status
from hearth.search.models import Offer

SEARCH_ROLES = frozenset(
    {Role.PLACEMENTS_OFFICER, Role.FOSTERING_DUTY_WORKER, Role.FOSTERING_TEAM_MANAGER}
)
LIVE_OFFER = (Offer.Status.OPEN, Offer.Status.AGREED)
SPLIT_ROLES = ("social_worker", "team_manager")


# Who people are to a referral -----------------------------------------------------------------------


def is_search_worker(user, referral, policy=None):
    """Holds a search role in the referral's council."""
    return bool(SEARCH_ROLES & roles_of(user, referral.authority_id))


def is_childs_social_worker(user, referral, policy):
    """The allocated social worker or their team manager (the referral's editor)."""
    return workflow.is_editor(user, referral, policy)


def is_allocated_social_worker(user, referral, policy=None):
    return referral.social_worker_id == user.pk and Role.SOCIAL_WORKER in roles_of(
        user, referral.authority_id
    )


def manages_team(user, referral, role):
    """Holds `role` in the referral's council as the manager of the referral's team: named as the
    team's manager, or holding the role in that team (a referral with no team: any holder)."""
    if role not in roles_of(user, referral.authority_id):
        return False
    team = referral.team
    if team is None or team.manager_id == user.pk:
        return True
    return any(
        m.organisation_id == referral.authority_id and m.role == role and m.team_id == team.pk
        for m in memberships_of(user)
    )


def is_team_manager(user, referral, policy):
    """The team manager of the referral's team, as the referral's workflow knows them."""
    return workflow.is_team_manager_of(user, referral, policy)


def is_signer(user, referral, policy):
    """Holds the policy's `matching_sign_off` role; a team manager must manage the referral's team."""
    role = policy.approver("matching_sign_off")
    if role == Role.TEAM_MANAGER:
        return manages_team(user, referral, role)
    return role in roles_of(user, referral.authority_id)


# What state a record must be in ---------------------------------------------------------------------


def _searching(referral):
    if referral.status == Status.SEARCHING:
        return None
    return f"the referral is {referral.get_status_display().lower()}, not searching"


def _not_over(referral):
    if referral.status in (Status.SEARCHING, Status.MATCHED):
        return None
    return f"the referral is {referral.get_status_display().lower()}"


def _offer_in(offer, statuses, what):
    if offer.status in statuses:
        return None
    return f"the offer is {offer.get_status_display().lower()}, {what}"


def _live_offer_searching(offer):
    return _searching(offer.referral) or _offer_in(offer, LIVE_OFFER, "no longer live")


def _live_offer_not_over(offer):
    return _not_over(offer.referral) or _offer_in(offer, LIVE_OFFER, "no longer live")


def _open_offer(offer):
    return _searching(offer.referral) or _offer_in(
        offer, (Offer.Status.OPEN,), "not waiting for a decision"
    )


def _agreed_offer(offer):
    return _searching(offer.referral) or _offer_in(
        offer, (Offer.Status.AGREED,), "not agreed by the social worker"
    )


def _consultation_open(consultation):
    if consultation.answered_at is not None:
        return "it has been answered"
    return _live_offer_searching(consultation.offer)


def _split_live(split):
    if split.set_aside_at is not None:
        return "the split was replaced by a later proposal"
    return _searching(split.referral)


def _split_waiting_for(role):
    def state(split):
        if getattr(split, f"{role}_agreed_at") is not None:
            return f"it is already agreed as {role.replace('_', ' ')}"
        return _split_live(split)

    return state


# The rules ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A step of the search: who may take it (`who`, worded in `people`) and the state the record
    must be in (`state` answers why not, or None)."""

    doing: str
    people: str
    who: Callable
    state: Callable
    referral_of: Callable
    # Why this person, though one of `people`, may not take the step on this record (or None).
    apart: Callable | None = None


def _referral(record):
    return record


def _of_offer(offer):
    return offer.referral


def _of_consultation(consultation):
    return consultation.offer.referral


def _of_split(split):
    return split.referral


SEARCH_WORKERS = "a placements officer, fostering duty worker or fostering team manager"
SOCIAL_WORKER = "the child's social worker or their team manager"


def _answerer(user, referral, policy, consultation):
    return consultation.asked_user_id == user.pk or is_search_worker(user, referral)


def _preparer(user, referral, policy, offer):
    return is_search_worker(user, referral) or is_childs_social_worker(user, referral, policy)


def _split_social_worker(user, referral, policy, split):
    return is_allocated_social_worker(user, referral) and (
        split.team_manager_agreed_by_id != user.pk
    )


def _split_team_manager(user, referral, policy, split):
    return is_team_manager(user, referral, policy) and split.social_worker_agreed_by_id != user.pk


def _form_of(offer):
    try:
        return offer.matching_form
    except Offer.matching_form.RelatedObjectDoesNotExist:
        return None


def _second_pair_of_eyes(user, offer, policy):
    """The signer checks the work of others: not the person who agreed the offer, nor the one who
    prepared the form (the last to change it)."""
    role = policy.approver("matching_sign_off")
    signer = dict(Role.choices).get(role, role.replace("_", " ")).lower()
    agreed = offer.status in (Offer.Status.AGREED, Offer.Status.MATCHED)
    if agreed and offer.decided_by_id == user.pk:
        allocated = is_allocated_social_worker(user, offer.referral)
        as_whom = (
            "the child's social worker" if allocated else "the child's social worker's manager"
        )
        return f"You agreed the offer as {as_whom}: another {signer} must sign it off"
    form = _form_of(offer)
    if form is not None and form.prepared_by_id == user.pk:
        return f"You prepared the matching form: another {signer} must sign it off"
    return None


def _sees_search(user, referral, policy):
    """Search workers run the search; the child's social worker and managers may read it."""
    return (
        is_search_worker(user, referral, policy)
        or is_childs_social_worker(user, referral, policy)
        or workflow.is_manager(user, referral, policy)
    )


def _by(check):
    """A who-check that needs only the user, the referral and the policy."""
    return lambda user, referral, policy, record: check(user, referral, policy)


RULES = {
    "see_search": Rule(
        "see the in-house search", f"{SEARCH_WORKERS}, the child's social worker or a manager",
        _by(_sees_search), _not_over, _referral,
    ),
    "record_contact": Rule(
        "record a contact with carers", SEARCH_WORKERS, _by(is_search_worker), _searching,
        _referral,
    ),
    "record_conversation": Rule(
        "record the conversation with the carers", SOCIAL_WORKER, _by(is_childs_social_worker),
        _live_offer_searching, _of_offer,
    ),
    "agree_offer": Rule(
        "agree an offer", SOCIAL_WORKER, _by(is_childs_social_worker), _open_offer, _of_offer,
    ),
    "decline_offer": Rule(
        "decline an offer", SOCIAL_WORKER, _by(is_childs_social_worker), _live_offer_not_over,
        _of_offer,
    ),
    "withdraw_offer": Rule(
        "record that the carers withdrew their offer", SEARCH_WORKERS, _by(is_search_worker),
        _live_offer_not_over, _of_offer,
    ),
    "answer_consultation": Rule(
        "answer this question", f"the person asked, or {SEARCH_WORKERS} recording their answer",
        _answerer, _consultation_open, _of_consultation,
    ),
    "prepare_matching_form": Rule(
        "prepare the matching form", f"{SEARCH_WORKERS}, or {SOCIAL_WORKER}", _preparer,
        _agreed_offer, _of_offer,
    ),
    "sign_off": Rule(
        "sign off the matching form",
        "the person the council's policy names to sign off matching forms (for a team manager: "
        "the manager of the referral's team)",
        _by(is_signer), _live_offer_searching, _of_offer, apart=_second_pair_of_eyes,
    ),
    "propose_split": Rule(
        "propose how brothers and sisters are split", SEARCH_WORKERS, _by(is_search_worker),
        _searching, _referral,
    ),
    "agree_split_as_social_worker": Rule(
        "agree the split as social worker",
        "the allocated social worker (not the person who agreed as team manager)",
        _split_social_worker, _split_waiting_for("social_worker"), _of_split,
    ),
    "agree_split_as_team_manager": Rule(
        "agree the split as team manager",
        "the team manager of the referral's team (not the person who agreed as social worker)",
        _split_team_manager, _split_waiting_for("team_manager"), _of_split,
    ),
}  # fmt: skip


def allowed(rule, user, record, policy):
    """Whether `user` may take the step `rule` (a name in RULES) on `record` now."""
    return why_not(rule, user, record, policy) is None


def why_not(rule, user, record, policy):
    """Why the user may not take the step now, in a sentence for the screen; None when they may.
    The person is checked before the record's state, so someone who may never take the step is
    told so rather than about the record; last, whether this person may take it on this record
    (the signer of a matching form did not agree the offer or prepare the form)."""
    spec = RULES[rule]
    referral = spec.referral_of(record)
    if not spec.who(user, referral, policy, record):
        return f"Only {spec.people} can {spec.doing}"
    problem = spec.state(record)
    if problem is not None:
        return f"You cannot {spec.doing} now: {problem}"
    return spec.apart(user, record, policy) if spec.apart else None


# One function per step, for the screens' buttons ------------------------------------------------------


def may_see_search(user, referral, policy):
    return allowed("see_search", user, referral, policy)


def may_record_contact(user, referral, policy):
    return allowed("record_contact", user, referral, policy)


def may_record_conversation(user, offer, policy):
    return allowed("record_conversation", user, offer, policy)


def may_agree_offer(user, offer, policy):
    return allowed("agree_offer", user, offer, policy)


def may_decline_offer(user, offer, policy):
    return allowed("decline_offer", user, offer, policy)


def may_withdraw_offer(user, offer, policy):
    return allowed("withdraw_offer", user, offer, policy)


def may_answer_consultation(user, consultation, policy):
    return allowed("answer_consultation", user, consultation, policy)


def must_say_where_from(user, consultation):
    """A search worker recording someone else's answer says who gave it, and how."""
    return consultation.asked_user_id != user.pk


def may_prepare_matching_form(user, offer, policy):
    return allowed("prepare_matching_form", user, offer, policy)


def may_sign_off(user, offer, policy):
    return allowed("sign_off", user, offer, policy)


def may_propose_split(user, referral, policy):
    return allowed("propose_split", user, referral, policy)


def split_rule(as_role):
    if as_role not in SPLIT_ROLES:
        raise ValueError(f"A split is agreed as one of {', '.join(SPLIT_ROLES)}")
    return f"agree_split_as_{as_role}"


def may_agree_split(user, split, policy, as_role):
    """`as_role`: "social_worker" or "team_manager"."""
    return allowed(split_rule(as_role), user, split, policy)
