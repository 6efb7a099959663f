"""Who does what in the in-house search, and what the screens are told when someone may not."""

import pytest
from django.utils import timezone

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.core.models import Policy
from hearth.referrals.models import Status
from hearth.search import permissions, services
from hearth.search.models import Offer, SiblingSplit
from tests.factories import TeamFactory, member
from tests.search.conftest import NEED, form_data

SEARCH_ROLES = [Role.PLACEMENTS_OFFICER, Role.FOSTERING_DUTY_WORKER, Role.FOSTERING_TEAM_MANAGER]
OTHER_ROLES = [
    Role.SOCIAL_WORKER,
    Role.TEAM_MANAGER,
    Role.SERVICE_LEAD,
    Role.IRO,
    Role.VIRTUAL_SCHOOL,
    Role.SUPERVISING_SOCIAL_WORKER,
    Role.SENIOR_MANAGER,
]


def policy_of(referral):
    return Policy.objects.get(authority_id=referral.authority_id)


def at(referral, status):
    referral.status = status
    return referral


@pytest.fixture
def split(siblings, duty_worker):
    referral, amy, cal = siblings
    return SiblingSplit.objects.create(
        referral=referral, parts=[[amy.pk], [cal.pk]], reason="No home for both",
        proposed_by=duty_worker,
    )  # fmt: skip


# The search team --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SEARCH_ROLES)
def test_the_placements_and_fostering_teams_run_the_search(wigan, searching, role):
    worker = member(wigan, role)
    policy = policy_of(searching)
    assert permissions.may_see_search(worker, searching, policy)
    assert permissions.may_record_contact(worker, searching, policy)
    assert permissions.may_propose_split(worker, searching, policy)
    assert permissions.why_not("record_contact", worker, searching, policy) is None


@pytest.mark.parametrize("role", OTHER_ROLES)
def test_no_one_else_records_contacts_with_carers(wigan, searching, role):
    someone = member(wigan, role)
    policy = policy_of(searching)
    assert not permissions.may_record_contact(someone, searching, policy)
    assert not permissions.may_propose_split(someone, searching, policy)
    assert permissions.why_not("record_contact", someone, searching, policy) == (
        "Only a placements officer, fostering duty worker or fostering team manager can record "
        "a contact with carers"
    )


@pytest.mark.parametrize("status", [Status.APPROVED, Status.RETURNED, Status.WITHDRAWN])
def test_the_search_is_open_only_once_the_referral_is_accepted(searching, duty_worker, status):
    policy = policy_of(searching)
    referral = at(searching, status)
    assert not permissions.may_record_contact(duty_worker, referral, policy)
    assert not permissions.may_see_search(duty_worker, referral, policy)
    label = referral.get_status_display().lower()
    assert permissions.why_not("record_contact", duty_worker, referral, policy) == (
        f"You cannot record a contact with carers now: the referral is {label}, not searching"
    )


def test_a_matched_referral_is_seen_but_no_longer_searched(searching, duty_worker):
    policy = policy_of(searching)
    matched = at(searching, Status.MATCHED)
    assert permissions.may_see_search(duty_worker, matched, policy)
    assert not permissions.may_record_contact(duty_worker, matched, policy)
    assert not permissions.may_propose_split(duty_worker, matched, policy)


def test_the_person_is_checked_before_the_referrals_state(searching, social_worker):
    """Someone who may never take a step is told so, not what state the referral is in."""
    refusal = permissions.why_not(
        "record_contact", social_worker, at(searching, Status.WITHDRAWN), policy_of(searching)
    )
    assert refusal.startswith("Only a placements officer")


# The child's social worker and the offer ------------------------------------------------------------


def test_the_childs_social_worker_or_their_team_manager_decides(
    wigan, offer, social_worker, team_manager, duty_worker, placements_officer
):
    policy = policy_of(offer.referral)
    colleague = member(wigan, Role.SOCIAL_WORKER, username="sw.colleague")
    other_manager = member(wigan, Role.TEAM_MANAGER, username="tm.south")
    TeamFactory(organisation=wigan, name="Children in Care Team South", manager=other_manager)
    for user in (social_worker, team_manager):
        assert permissions.may_record_conversation(user, offer, policy)
        assert permissions.may_agree_offer(user, offer, policy)
        assert permissions.may_decline_offer(user, offer, policy)
    for user in (colleague, other_manager, duty_worker, placements_officer):
        assert not permissions.may_record_conversation(user, offer, policy)
        assert not permissions.may_agree_offer(user, offer, policy)
        assert not permissions.may_decline_offer(user, offer, policy)
    assert permissions.why_not("agree_offer", duty_worker, offer, policy) == (
        "Only the child's social worker or their team manager can agree an offer"
    )


def test_an_agreed_offer_may_still_be_declined_even_once_the_referral_is_matched(
    offer, social_worker
):
    policy = policy_of(offer.referral)
    offer.status = Offer.Status.AGREED
    assert not permissions.may_agree_offer(social_worker, offer, policy)
    assert permissions.may_decline_offer(social_worker, offer, policy)
    at(offer.referral, Status.MATCHED)
    assert permissions.may_decline_offer(social_worker, offer, policy)
    assert not permissions.may_record_conversation(social_worker, offer, policy)
    at(offer.referral, Status.WITHDRAWN)
    assert not permissions.may_decline_offer(social_worker, offer, policy)


@pytest.mark.parametrize(
    "status", [Offer.Status.DECLINED, Offer.Status.WITHDRAWN, Offer.Status.CLOSED, "matched"]
)
def test_an_offer_no_longer_live_is_not_acted_on(offer, social_worker, duty_worker, status):
    policy = policy_of(offer.referral)
    offer.status = status
    assert not permissions.may_decline_offer(social_worker, offer, policy)
    assert not permissions.may_withdraw_offer(duty_worker, offer, policy)
    assert not permissions.may_sign_off(duty_worker, offer, policy)
    assert permissions.why_not("withdraw_offer", duty_worker, offer, policy).endswith(
        f"the offer is {offer.get_status_display().lower()}, no longer live"
    )


def test_the_search_team_records_a_withdrawal(offer, duty_worker, social_worker):
    policy = policy_of(offer.referral)
    assert permissions.may_withdraw_offer(duty_worker, offer, policy)
    assert not permissions.may_withdraw_offer(social_worker, offer, policy)


# Consultations ----------------------------------------------------------------------------------


@pytest.fixture
def asked(searching, carers, placed_child, make_offer):
    return make_offer(searching, carers).consultations.get(asked_as="iro")


def test_the_person_asked_answers_and_the_search_team_may_record_for_them(
    asked, placed_child, duty_worker, iro, social_worker
):
    policy = policy_of(asked.offer.referral)
    assert permissions.may_answer_consultation(placed_child.iro, asked, policy)
    assert not permissions.must_say_where_from(placed_child.iro, asked)
    assert permissions.may_answer_consultation(duty_worker, asked, policy)
    assert permissions.must_say_where_from(duty_worker, asked)
    for someone in (iro, social_worker, placed_child.social_worker):
        assert not permissions.may_answer_consultation(someone, asked, policy)


def test_an_answered_question_is_not_answered_again(asked, placed_child):
    policy = policy_of(asked.offer.referral)
    asked.answered_at = timezone.now()
    assert not permissions.may_answer_consultation(placed_child.iro, asked, policy)
    assert permissions.why_not("answer_consultation", placed_child.iro, asked, policy) == (
        "You cannot answer this question now: it has been answered"
    )


# The matching form and its sign-off -------------------------------------------------------------


def test_the_search_team_or_the_social_worker_prepares_the_form_of_an_agreed_offer(
    offer, duty_worker, social_worker, team_manager, iro
):
    policy = policy_of(offer.referral)
    assert not permissions.may_prepare_matching_form(duty_worker, offer, policy)
    assert permissions.why_not("prepare_matching_form", duty_worker, offer, policy).endswith(
        "the offer is with the social worker, not agreed by the social worker"
    )
    offer.status = Offer.Status.AGREED
    for user in (duty_worker, social_worker, team_manager):
        assert permissions.may_prepare_matching_form(user, offer, policy)
    assert not permissions.may_prepare_matching_form(iro, offer, policy)


def test_the_team_manager_of_the_referrals_team_signs_off(
    wigan, agreed, team_manager, child_team, social_worker, duty_worker
):
    policy = policy_of(agreed.referral)
    assert permissions.may_sign_off(team_manager, agreed, policy)
    other_manager = member(wigan, Role.TEAM_MANAGER, username="tm.south")
    TeamFactory(organisation=wigan, name="Children in Care Team South", manager=other_manager)
    in_the_team = member(wigan, Role.SOCIAL_WORKER, username="tm.deputy")
    Membership.objects.create(
        user=in_the_team, organisation=wigan, role=Role.TEAM_MANAGER, team=child_team
    )
    assert permissions.may_sign_off(in_the_team, agreed, policy)
    for user in (other_manager, social_worker, duty_worker):
        assert not permissions.may_sign_off(user, agreed, policy)
    assert permissions.why_not("sign_off", other_manager, agreed, policy).startswith(
        "Only the person the council's policy names to sign off matching forms"
    )


def test_with_no_team_any_team_manager_of_the_council_signs_off(wigan, agreed):
    manager = member(wigan, Role.TEAM_MANAGER, username="tm.any")
    policy = policy_of(agreed.referral)
    assert not permissions.may_sign_off(manager, agreed, policy)
    agreed.referral.team = None
    assert permissions.may_sign_off(manager, agreed, policy)


def test_the_policy_may_name_another_role_to_sign_off(agreed, team_manager, service_lead):
    policy = policy_of(agreed.referral)
    policy.approvers["matching_sign_off"] = Role.SERVICE_LEAD
    assert permissions.may_sign_off(service_lead, agreed, policy)
    assert not permissions.may_sign_off(team_manager, agreed, policy)


def test_the_manager_who_agreed_the_offer_or_prepared_the_form_does_not_sign_it_off(
    wigan, offer, agree, team_manager, child_team, duty_worker, social_worker
):
    policy = policy_of(offer.referral)
    agreed = agree(offer, team_manager)
    assert not permissions.may_sign_off(team_manager, agreed, policy)
    assert permissions.why_not("sign_off", team_manager, agreed, policy) == (
        "You agreed the offer as the child's social worker's manager: another team manager must "
        "sign it off"
    )
    deputy = member(wigan, Role.TEAM_MANAGER, username="tm.deputy")
    Membership.objects.filter(user=deputy).update(team=child_team)
    assert permissions.may_sign_off(deputy, agreed, policy)
    services.matching_form_save(user=deputy, offer=agreed, data=form_data(NEED), expected_version=0)
    agreed = Offer.objects.get(pk=agreed.pk)
    assert permissions.why_not("sign_off", deputy, agreed, policy) == (
        "You prepared the matching form: another team manager must sign it off"
    )
    assert not permissions.may_sign_off(team_manager, agreed, policy)
    # Someone who may not sign off at all is told that first.
    assert permissions.why_not("sign_off", social_worker, agreed, policy).startswith("Only ")


def test_a_social_worker_who_also_signs_off_does_not_sign_off_an_offer_they_agreed(
    wigan, offer, agree, social_worker
):
    policy = policy_of(offer.referral)
    policy.approvers["matching_sign_off"] = Role.SERVICE_LEAD
    Membership.objects.create(user=social_worker, organisation=wigan, role=Role.SERVICE_LEAD)
    agreed = agree(offer, social_worker)
    assert permissions.why_not("sign_off", social_worker, agreed, policy) == (
        "You agreed the offer as the child's social worker: another service lead or service "
        "manager must sign it off"
    )


# Brothers and sisters ---------------------------------------------------------------------------


def test_the_allocated_social_worker_and_the_team_manager_each_agree_a_split(
    split, social_worker, team_manager, duty_worker
):
    policy = policy_of(split.referral)
    assert permissions.may_agree_split(social_worker, split, policy, "social_worker")
    assert not permissions.may_agree_split(social_worker, split, policy, "team_manager")
    assert permissions.may_agree_split(team_manager, split, policy, "team_manager")
    assert not permissions.may_agree_split(team_manager, split, policy, "social_worker")
    assert not permissions.may_agree_split(duty_worker, split, policy, "team_manager")


def test_one_person_gives_one_agreement_even_holding_both_roles(
    wigan, split, child_team, social_worker
):
    both = member(wigan, Role.SOCIAL_WORKER, username="sw.and.tm")
    Membership.objects.create(user=both, organisation=wigan, role=Role.TEAM_MANAGER)
    split.referral.social_worker = both
    child_team.manager = both
    child_team.save()
    split.referral.team = child_team
    policy = policy_of(split.referral)
    assert permissions.may_agree_split(both, split, policy, "social_worker")
    assert permissions.may_agree_split(both, split, policy, "team_manager")
    split.social_worker_agreed_by, split.social_worker_agreed_at = both, timezone.now()
    assert not permissions.may_agree_split(both, split, policy, "team_manager")
    assert permissions.why_not("agree_split_as_team_manager", both, split, policy) == (
        "Only the team manager of the referral's team (not the person who agreed as social "
        "worker) can agree the split as team manager"
    )


def test_a_split_set_aside_or_already_agreed_is_not_agreed_again(split, social_worker):
    policy = policy_of(split.referral)
    split.social_worker_agreed_at = timezone.now()
    assert permissions.why_not("agree_split_as_social_worker", social_worker, split, policy) == (
        "You cannot agree the split as social worker now: it is already agreed as social worker"
    )
    split.social_worker_agreed_at, split.set_aside_at = None, timezone.now()
    assert permissions.why_not("agree_split_as_social_worker", social_worker, split, policy) == (
        "You cannot agree the split as social worker now: the split was replaced by a later "
        "proposal"
    )


def test_a_split_is_agreed_only_as_social_worker_or_team_manager(split, social_worker):
    with pytest.raises(ValueError):
        permissions.may_agree_split(social_worker, split, policy_of(split.referral), "director")


# Another council ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", SEARCH_ROLES + OTHER_ROLES)
def test_no_one_of_another_council_may_take_any_step(
    trafford, searching, placed_child, carers, make_offer, split, role
):
    outsider = member(trafford, role)
    offer = make_offer(searching, carers)
    offer.status = Offer.Status.AGREED
    records = {
        "see_search": searching,
        "record_contact": searching,
        "record_conversation": offer,
        "agree_offer": offer,
        "decline_offer": offer,
        "withdraw_offer": offer,
        "answer_consultation": offer.consultations.first(),
        "prepare_matching_form": offer,
        "sign_off": offer,
        "propose_split": split.referral,
        "agree_split_as_social_worker": split,
        "agree_split_as_team_manager": split,
    }
    assert set(records) == set(permissions.RULES)
    for rule, record in records.items():
        assert not permissions.allowed(rule, outsider, record, policy_of(searching)), rule
