"""The in-house search's writes: contacts with carers, offers, the questions asked about the children
already living with them, the social worker's decision, the matching form and its sign-off, and
the split of brothers and sisters (DOMAIN.md, referral to placement, steps 8, 9 and 12)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.utils import timezone

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.models import Policy
from hearth.people.models import Household
from hearth.people.services import EditConflict
from hearth.referrals.chronology import referral_chronology
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.referrals.services import ActionNotAllowed, ReferralError, referral_act
from hearth.search import services
from hearth.search.models import MatchingForm, Offer, SiblingSplit
from hearth.search.seed import seed_contacts
from hearth.search.selectors import places_held
from hearth.trays.models import OutgoingEmail, WorkItem
from hearth.trays.selectors import tray_for_user
from tests.factories import ChildFactory, HouseholdFactory, TeamFactory, member
from tests.search.conftest import NEED, accepted, form_data

REAL_REASON = "Amy needs to stay at her school and the carers live 25 miles away."


def tray_kinds(user):
    return sorted(item.kind for item in tray_for_user(user))


def contact(user, referral, household, outcome, **fields):
    return services.contact_record(
        user=user, referral=referral, household=household, outcome=outcome, **fields
    )


def events(referral, action):
    return list(ReferralEvent.objects.filter(referral=referral, action=action))


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def refused(error):
    return error.value.problems


# Contacts with carers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "outcome, fields, said",
    [
        ("no_answer", {}, "no answer"),
        ("message_left", {"note": "Left a voicemail at 10:05."}, "message left"),
        ("declines", {"reason": "no_vacancy"}, "they decline (no vacancy now)"),
        ("declines", {"reason": "other", "note": "Moving house."}, "they decline (another reason)"),
        ("offers", {"note": "Keen; have met Amy."}, "they offer a home for Amy"),
    ],
)
def test_each_outcome_of_a_contact_writes_a_history_row_with_its_detail(
    searching, carers, duty_worker, social_worker, outcome, fields, said
):
    event, offer = contact(duty_worker, searching, carers, outcome, **fields)
    assert (offer is not None) == (outcome == "offers")
    assert event.action == "carer_contact" and event.by == duty_worker
    assert event.by_role == "fostering_duty_worker"
    assert event.comment == fields.get("note", "")
    assert event.detail == {
        "household": "H2001",
        "household_name": "Ashworth family",
        "household_id": carers.pk,
        "outcome": outcome,
        "reason": fields.get("reason", ""),
        "offer": offer.pk if offer else None,
        **({"children": [searching.children.get().full_name]} if offer else {}),
    }
    (entry,) = referral_chronology(searching, social_worker)
    assert entry.what.startswith("Contact with Ashworth family (H2001) by Dee Duty")
    assert said in entry.what


def test_carers_who_decline_give_a_coded_reason_and_a_note_for_another_reason(
    searching, carers, duty_worker
):
    with pytest.raises(ReferralError) as missing:
        contact(duty_worker, searching, carers, "declines")
    assert missing.value.field_errors == {"reason": "Choose why the carers decline"}
    with pytest.raises(ReferralError) as unknown:
        contact(duty_worker, searching, carers, "declines", reason="busy")
    assert "reason" in unknown.value.field_errors
    with pytest.raises(ReferralError) as unexplained:
        contact(duty_worker, searching, carers, "declines", reason="other")
    assert unexplained.value.field_errors == {"note": "Say why the carers decline"}
    with pytest.raises(ReferralError):
        contact(duty_worker, searching, carers, "rang")
    assert not ReferralEvent.objects.filter(referral=searching).exists()


def test_an_offer_goes_to_the_childs_social_worker_at_once(
    searching, carers, duty_worker, social_worker
):
    _, offer = contact(
        duty_worker, searching, carers, "offers", note="Can start Monday.",
        available_from=date(2026, 12, 1),
    )  # fmt: skip
    assert offer.status == Offer.Status.OPEN and offer.source == Offer.Source.IN_HOUSE
    assert offer.made_by == duty_worker and offer.available_from == date(2026, 12, 1)
    assert list(offer.children.all()) == list(searching.children.all())
    assert tray_kinds(social_worker) == ["carer_offer"]
    assert "Ashworth family" in tray_for_user(social_worker).get().title
    assert OutgoingEmail.objects.filter(to=social_worker.email).exists()
    assert fresh(searching).in_house_search == Referral.SearchState.OFFERS
    assert not offer.consultations.exists()  # no child lives with the Ashworths


def test_an_offer_from_carers_with_a_child_placed_asks_that_childs_social_worker_and_iro(
    searching, carers, placed_child, duty_worker
):
    _, offer = contact(duty_worker, searching, carers, "offers")
    asked = {(c.asked_as, c.asked_user, c.placed_child) for c in offer.consultations.all()}
    assert asked == {
        ("social_worker", placed_child.social_worker, placed_child),
        ("iro", placed_child.iro, placed_child),
    }
    assert tray_kinds(placed_child.social_worker) == ["offer_consultation"]
    assert tray_kinds(placed_child.iro) == ["offer_consultation"]
    assert "Ashworth family" in tray_for_user(placed_child.iro).get().title


def test_a_placed_child_with_no_one_to_answer_is_asked_of_no_one_in_hearth(
    wigan, trafford, searching, carers, duty_worker
):
    """Without a social worker, or with workers of another council who cannot read the referral,
    the search team records the answer from whoever speaks for the child."""
    ChildFactory(authority=wigan, placed_with=carers, social_worker=None, iro=None)
    ChildFactory(
        authority=trafford, placed_with=carers,
        social_worker=member(trafford, Role.SOCIAL_WORKER, username="sw.elsewhere"),
    )  # fmt: skip
    _, offer = contact(duty_worker, searching, carers, "offers")
    assert offer.consultations.count() == 4
    assert not offer.consultations.filter(asked_user__isnull=False).exists()
    assert not WorkItem.objects.filter(kind=WorkItem.Kind.OFFER_CONSULTATION).exists()


def test_carers_may_offer_a_home_for_some_of_the_children(siblings, carers, duty_worker):
    referral, amy, cal = siblings
    event, offer = contact(duty_worker, referral, carers, "offers", children=[cal])
    assert list(offer.children.all()) == [cal]
    assert event.detail["children"] == [cal.full_name]
    with pytest.raises(ReferralError) as outside:
        contact(
            duty_worker,
            referral,
            HouseholdFactory(provider=carers.provider),
            "offers",
            children=[ChildFactory(authority=carers.provider)],
        )
    assert outside.value.field_errors == {"children": "Choose only children of this referral"}


@pytest.mark.parametrize(
    "whose", ["an agency's", "another council's", "on hold", "in assessment", "deregistered"]
)
def test_the_in_house_search_contacts_only_the_councils_own_approved_carers(
    whose, searching, duty_worker, agency, trafford, wigan
):
    household = {
        "an agency's": lambda: HouseholdFactory(provider=agency),
        "another council's": lambda: HouseholdFactory(provider=trafford),
        "on hold": lambda: HouseholdFactory(
            provider=wigan, status=Household.Status.ON_HOLD, hold_reason="illness"
        ),
        "in assessment": lambda: HouseholdFactory(
            provider=wigan, status=Household.Status.IN_ASSESSMENT
        ),
        "deregistered": lambda: HouseholdFactory(
            provider=wigan, status=Household.Status.DEREGISTERED
        ),
    }[whose]()
    audits = AuditEvent.objects.count()
    with pytest.raises(ReferralError) as error:
        contact(duty_worker, searching, household, "offers")
    assert list(error.value.field_errors) == ["household"]
    assert not Offer.objects.exists() and not ReferralEvent.objects.exists()
    assert AuditEvent.objects.count() == audits


def test_a_second_live_offer_from_the_same_household_is_refused(
    searching, carers, duty_worker, make_offer
):
    first = make_offer(searching, carers)
    with pytest.raises(ReferralError) as second:
        contact(duty_worker, searching, carers, "offers")
    assert (
        f"already has a live offer on this referral (offer {first.pk})"
        in (second.value.field_errors["household"])
    )
    with pytest.raises(ReferralError):  # a change of mind is a withdrawal, not a decline
        contact(duty_worker, searching, carers, "declines", reason="no_vacancy")
    contact(duty_worker, searching, carers, "no_answer")  # other contacts are fine
    services.offer_withdraw(user=duty_worker, offer=first, reason="Their own child came home.")
    _, again = contact(duty_worker, searching, carers, "offers")
    assert Offer.objects.filter(status=Offer.Status.OPEN).get() == again


def test_an_offer_and_its_audits_are_written_together(searching, carers, duty_worker):
    before = AuditEvent.objects.count()
    contact(duty_worker, searching, carers, "offers")
    written = AuditEvent.objects.order_by("pk")[before:]
    assert [(a.record_type, a.record_id, a.action) for a in written] == [
        ("referral", str(searching.pk), "update"),
        ("household", str(carers.pk), "update"),
    ]
    contact(duty_worker, searching, carers, "no_answer")
    assert AuditEvent.objects.count() == before + 3  # a contact alone audits the referral only


def test_contacts_are_recorded_only_while_the_referral_is_searching(
    child, child_team, carers, duty_worker
):
    referral = accepted(child)
    Referral.objects.filter(pk=referral.pk).update(status=Status.MATCHED)
    with pytest.raises(ActionNotAllowed, match="the referral is matched"):
        contact(duty_worker, referral, carers, "no_answer")


# The social worker and the offer ------------------------------------------------------------------


def test_the_social_worker_records_the_conversation_and_decides(
    offer, social_worker, placements_officer, duty_worker
):
    for search_worker in (placements_officer, duty_worker):
        with pytest.raises(ActionNotAllowed, match="Only the child's social worker"):
            services.offer_record_conversation(
                user=search_worker, offer=offer, conversation="Spoke to them."
            )
        with pytest.raises(ActionNotAllowed):
            services.offer_decide(user=search_worker, offer=offer, agree=True)
    services.offer_record_conversation(
        user=social_worker, offer=offer, conversation="They asked about school runs."
    )
    decided = services.offer_decide(user=social_worker, offer=offer, agree=True)
    assert decided.status == Offer.Status.AGREED and decided.decided_by == social_worker
    assert fresh(offer).conversation_by == social_worker
    (talk,) = events(offer.referral, "offer_conversation")
    assert talk.comment == "They asked about school runs." and talk.by_role == "social_worker"
    assert events(offer.referral, "offer_agreed")[0].detail["offer"] == offer.pk


def test_their_team_manager_may_decide_in_their_place(offer, team_manager, agree):
    assert agree(offer, team_manager).decided_by == team_manager


def test_an_offer_is_agreed_only_after_talking_to_the_carers(offer, social_worker):
    with pytest.raises(ReferralError) as error:
        services.offer_decide(user=social_worker, offer=offer, agree=True)
    assert list(error.value.field_errors) == ["conversation"]
    assert fresh(offer).status == Offer.Status.OPEN


def test_agreeing_closes_the_offer_item_and_sends_the_form_to_who_took_the_offer(
    offer, social_worker, duty_worker, agree
):
    agree(offer, social_worker)
    assert tray_kinds(social_worker) == []
    assert tray_kinds(duty_worker) == ["matching_form"]


def test_a_decline_without_a_real_reason_is_refused(offer, social_worker):
    for thin in ("", "   ", "Not suitable."):
        with pytest.raises(ReferralError) as error:
            services.offer_decide(user=social_worker, offer=offer, agree=False, reason=thin)
        assert list(error.value.field_errors) == ["reason"]
    assert fresh(offer).status == Offer.Status.OPEN
    declined = services.offer_decide(
        user=social_worker, offer=offer, agree=False, reason=REAL_REASON
    )
    assert declined.status == Offer.Status.DECLINED and declined.decision_reason == REAL_REASON
    assert events(offer.referral, "offer_declined")[0].comment == REAL_REASON
    assert tray_kinds(social_worker) == []
    assert fresh(offer.referral).in_house_search == Referral.SearchState.SEARCHING


def test_a_short_reason_is_enough_where_the_policy_does_not_put_in_house_first(
    wigan, offer, social_worker
):
    policy = Policy.objects.get(authority=wigan)
    policy.switches["in_house_first"] = False
    policy.save()
    declined = services.offer_decide(
        user=social_worker, offer=offer, agree=False, reason="Too far."
    )
    assert declined.status == Offer.Status.DECLINED


def test_an_agreed_offer_may_still_be_declined_but_not_agreed_twice(agreed, social_worker):
    with pytest.raises(ActionNotAllowed, match="not waiting for a decision"):
        services.offer_decide(user=social_worker, offer=agreed, agree=True)
    services.offer_decide(user=social_worker, offer=agreed, agree=False, reason=REAL_REASON)
    assert (
        tray_kinds(social_worker) == []
        and not WorkItem.objects.filter(
            kind=WorkItem.Kind.MATCHING_FORM, closed_at__isnull=True
        ).exists()
    )


def test_the_search_team_records_that_the_carers_withdrew(offer, duty_worker, social_worker):
    with pytest.raises(ActionNotAllowed):
        services.offer_withdraw(user=social_worker, offer=offer, reason="They changed their mind")
    with pytest.raises(ReferralError):
        services.offer_withdraw(user=duty_worker, offer=offer, reason=" ")
    withdrawn = services.offer_withdraw(
        user=duty_worker, offer=offer, reason="Their own daughter is moving back home."
    )
    assert withdrawn.status == Offer.Status.WITHDRAWN
    assert tray_kinds(social_worker) == []
    assert events(offer.referral, "offer_withdrawn")[0].comment.startswith("Their own daughter")
    assert fresh(offer.referral).in_house_search == Referral.SearchState.SEARCHING


# Questions to the workers of the children already living there ------------------------------------


@pytest.fixture
def asked(searching, carers, placed_child, make_offer):
    offer = make_offer(searching, carers)
    return {c.asked_as: c for c in offer.consultations.all()}


def test_the_person_asked_answers_in_hearth(asked, placed_child):
    iro = placed_child.iro
    answered = services.consultation_answer(
        user=iro, consultation=asked["iro"], has_concerns=False, answer="Ben would enjoy company."
    )
    assert answered.answered_by == iro and answered.has_concerns is False
    assert answered.recorded_from == ""
    assert tray_kinds(iro) == []
    assert tray_kinds(placed_child.social_worker) == ["offer_consultation"]
    (event,) = events(answered.offer.referral, "consultation_answered")
    assert event.by_role == "iro" and event.detail["has_concerns"] is False


def test_an_answer_closes_the_item_only_when_nothing_else_is_asked_of_them(
    wigan, searching, carers, placed_child, make_offer
):
    second = ChildFactory(authority=wigan, placed_with=carers, iro=placed_child.iro)
    offer = make_offer(searching, carers)
    iro = placed_child.iro
    assert tray_kinds(iro) == ["offer_consultation"]  # one item for both questions
    first, other = offer.consultations.filter(asked_user=iro).order_by("pk")
    assert {first.placed_child, other.placed_child} == {placed_child, second}
    services.consultation_answer(user=iro, consultation=first, has_concerns=False, answer="")
    assert tray_kinds(iro) == ["offer_consultation"]
    services.consultation_answer(user=iro, consultation=other, has_concerns=False, answer="")
    assert tray_kinds(iro) == []


def test_a_search_worker_records_an_answer_given_by_phone_saying_where_from(
    asked, duty_worker, placed_child
):
    with pytest.raises(ReferralError) as error:
        services.consultation_answer(
            user=duty_worker, consultation=asked["social_worker"], has_concerns=False, answer=""
        )
    assert list(error.value.field_errors) == ["recorded_from"]
    answered = services.consultation_answer(
        user=duty_worker, consultation=asked["social_worker"], has_concerns=True,
        answer="Ben struggles with younger children.", recorded_from="Ben's SW, by phone",
    )  # fmt: skip
    assert answered.answered_by == duty_worker
    assert answered.recorded_from == "Ben's SW, by phone"
    assert tray_kinds(placed_child.social_worker) == []


def test_no_one_else_answers_for_the_person_asked(asked, social_worker, iro, outsider):
    for someone in (social_worker, iro, outsider):
        with pytest.raises(ActionNotAllowed):
            services.consultation_answer(
                user=someone, consultation=asked["iro"], has_concerns=False, answer=""
            )


def test_concerns_are_said_and_a_question_is_answered_once(asked, placed_child):
    iro = placed_child.iro
    with pytest.raises(ReferralError) as unsaid:
        services.consultation_answer(
            user=iro, consultation=asked["iro"], has_concerns=True, answer=""
        )
    assert list(unsaid.value.field_errors) == ["answer"]
    with pytest.raises(ReferralError) as undecided:
        services.consultation_answer(
            user=iro, consultation=asked["iro"], has_concerns=None, answer="Maybe"
        )
    assert list(undecided.value.field_errors) == ["has_concerns"]
    services.consultation_answer(
        user=iro, consultation=asked["iro"], has_concerns=True, answer="Shared bedroom."
    )
    with pytest.raises(ActionNotAllowed, match="answered"):
        services.consultation_answer(
            user=iro, consultation=asked["iro"], has_concerns=False, answer=""
        )


# The matching form ------------------------------------------------------------------------------


def test_the_form_is_for_an_agreed_offer(offer, duty_worker):
    with pytest.raises(ActionNotAllowed, match="not agreed"):
        services.matching_form_save(
            user=duty_worker, offer=offer, data=form_data(NEED), expected_version=0
        )


def test_the_form_refuses_a_need_neither_met_nor_a_gap_and_names_it(agreed, duty_worker, child):
    child.needs = [NEED, "education_support"]
    child.save()
    with pytest.raises(ReferralError) as error:
        services.matching_form_save(
            user=duty_worker, offer=agreed, data=form_data(NEED), expected_version=0
        )
    assert error.value.field_errors == {
        "need_education_support": f"Out of school or needs strong education advocacy "
        f"({child.full_name}): say how the carers meet it, or the support that closes the gap"
    }
    assert not MatchingForm.objects.exists()
    gap = {"need": "education_support", "support": "Virtual School mentor weekly"}
    form = services.matching_form_save(
        user=duty_worker, offer=agreed, data={**form_data(NEED), "gaps": [gap]},
        expected_version=0,
    )  # fmt: skip
    assert form.gaps == [gap] and form.version == 1 and form.prepared_by == duty_worker


@pytest.mark.parametrize(
    "needs_met, gaps, problem",
    [
        ([{"need": NEED, "how": ""}], [], "say how the carers meet it"),
        ([], [{"need": NEED, "support": ""}], "say the support that closes the gap"),
        (
            [{"need": NEED, "how": "Trained"}],
            [{"need": NEED, "support": "CAMHS"}],
            "more than once",
        ),
        ([{"need": NEED, "how": "Trained"}, {"need": "autism", "how": "Yes"}], [], "not a need"),
    ],
)
def test_each_need_is_met_or_a_gap_once_with_what_is_done_about_it(
    agreed, duty_worker, needs_met, gaps, problem
):
    data = {**form_data(), "needs_met": needs_met, "gaps": gaps}
    with pytest.raises(ReferralError) as error:
        services.matching_form_save(user=duty_worker, offer=agreed, data=data, expected_version=0)
    assert problem in " ".join(refused(error))


def test_a_save_from_a_stale_version_is_refused(agreed, duty_worker, social_worker):
    form = services.matching_form_save(
        user=duty_worker, offer=agreed, data=form_data(NEED), expected_version=0
    )
    services.matching_form_save(
        user=social_worker, offer=agreed, data=form_data(NEED, family_time="Weekly with mum."),
        expected_version=form.version,
    )  # fmt: skip
    with pytest.raises(EditConflict):
        services.matching_form_save(
            user=duty_worker, offer=agreed, data=form_data(NEED, family_time="None."),
            expected_version=form.version,
        )  # fmt: skip
    with pytest.raises(EditConflict):  # a second "new" form over the first
        services.matching_form_save(
            user=duty_worker, offer=agreed, data=form_data(NEED), expected_version=0
        )
    stored = fresh(form)
    assert stored.family_time == "Weekly with mum." and stored.version == 2
    assert stored.prepared_by == social_worker


def test_an_incomplete_form_is_not_sent_for_sign_off(agreed, duty_worker, team_manager):
    with pytest.raises(ReferralError) as unstarted:
        services.matching_form_submit(user=duty_worker, offer=agreed)
    assert refused(unstarted) == ["The matching form has not been started"]
    services.matching_form_save(
        user=duty_worker, offer=agreed, data=form_data(NEED, why_this_home="", family_time=""),
        expected_version=0,
    )  # fmt: skip
    with pytest.raises(ReferralError) as incomplete:
        services.matching_form_submit(user=duty_worker, offer=agreed)
    assert refused(incomplete) == [
        "The matching form does not say why this home",
        "The matching form does not say the family time and contact arrangements",
    ]
    assert tray_kinds(team_manager) == []


def test_a_complete_form_goes_to_the_team_manager_to_sign_off(submitted, duty_worker, team_manager):
    assert tray_kinds(team_manager) == ["matching_sign_off"]
    assert tray_kinds(duty_worker) == []  # the form item is done
    (event,) = events(submitted.referral, "matching_form_submitted")
    assert event.detail["offer"] == submitted.pk and event.by_role == "fostering_duty_worker"


# Sign-off ---------------------------------------------------------------------------------------


def sign_off(user, offer, comment=""):
    return services.matching_sign_off(user=user, offer=offer, comment=comment)


def prepare(user, offer, *needs):
    """The matching form completed, meeting each need, and sent for sign-off."""
    services.matching_form_save(user=user, offer=offer, data=form_data(*needs), expected_version=0)
    return services.matching_form_submit(user=user, offer=offer)


def test_a_full_sign_off_matches_the_referral(
    wigan, submitted, team_manager, social_worker, duty_worker, make_offer, agree, child
):
    other_carers = HouseholdFactory(provider=wigan, name="Birchall family")
    other = make_offer(submitted.referral, other_carers)
    Referral.objects.filter(pk=submitted.referral_id).update(
        agency_search=Referral.SearchState.SEARCHING
    )
    audits = AuditEvent.objects.count()
    matched = sign_off(team_manager, submitted, comment="A good match.")
    assert matched.status == Offer.Status.MATCHED
    form = MatchingForm.objects.get(offer=submitted)
    assert form.signed_off_by == team_manager and form.sign_off_comment == "A good match."
    assert fresh(other).status == Offer.Status.CLOSED
    referral = fresh(submitted.referral)
    assert referral.status == Status.MATCHED
    assert referral.in_house_search == Referral.SearchState.MATCHED
    assert referral.agency_search == Referral.SearchState.NOT_NEEDED
    # The search's items are done; what is left is starting the placement (hearth.placements).
    still_open = WorkItem.objects.filter(referral=referral, closed_at__isnull=True)
    assert set(still_open.values_list("kind", flat=True)) == {WorkItem.Kind.PLACEMENT_START}
    (event,) = events(referral, "matched")
    assert (event.from_status, event.to_status) == ("searching", "matched")
    assert event.detail["closed_offers"] == [other.pk] and event.detail["referral_matched"]
    assert event.by_role == "team_manager"
    mail = OutgoingEmail.objects.get(to=social_worker.email, subject__startswith="A home is agreed")
    assert "signed off" in mail.body and child.first_name not in mail.body
    written = AuditEvent.objects.order_by("pk")[audits:]
    assert [(a.record_type, a.record_id) for a in written] == [
        ("referral", str(referral.pk)),
        ("household", str(submitted.household_id)),
    ]


def test_a_different_teams_manager_or_anyone_else_cannot_sign_off(
    wigan, submitted, social_worker, duty_worker, placements_officer, outsider, trafford
):
    other_manager = member(wigan, Role.TEAM_MANAGER, username="tm.south")
    TeamFactory(organisation=wigan, name="Children in Care Team South", manager=other_manager)
    other_council_manager = member(trafford, Role.TEAM_MANAGER, username="tm.trafford")
    for user in (
        other_manager,
        social_worker,
        duty_worker,
        placements_officer,
        outsider,
        other_council_manager,
    ):
        with pytest.raises(ActionNotAllowed):
            sign_off(user, submitted)
    assert fresh(submitted).status == Offer.Status.AGREED


def test_the_policy_names_who_signs_off(wigan, agreed, duty_worker, team_manager, service_lead):
    policy = Policy.objects.get(authority=wigan)
    policy.approvers["matching_sign_off"] = Role.SERVICE_LEAD
    policy.save()
    services.matching_form_save(
        user=duty_worker, offer=agreed, data=form_data(NEED), expected_version=0
    )
    services.matching_form_submit(user=duty_worker, offer=agreed)
    assert tray_kinds(service_lead) == ["matching_sign_off"]
    assert tray_kinds(team_manager) == []
    with pytest.raises(ActionNotAllowed):
        sign_off(team_manager, agreed)
    assert sign_off(service_lead, agreed).status == Offer.Status.MATCHED


def test_sign_off_waits_for_every_answer(
    searching, carers, placed_child, make_offer, agree, social_worker, duty_worker, team_manager
):
    offer = make_offer(searching, carers)
    agree(offer, social_worker)
    prepare(duty_worker, offer, NEED)
    with pytest.raises(ReferralError) as error:
        sign_off(team_manager, offer)
    assert refused(error) == [
        f"The Social worker of {placed_child.full_name}, who lives with the carers, has not "
        "answered",
        f"The IRO of {placed_child.full_name}, who lives with the carers, has not answered",
    ]
    for consultation in offer.consultations.all():
        services.consultation_answer(
            user=consultation.asked_user, consultation=consultation, has_concerns=False,
            answer="",
        )  # fmt: skip
    assert sign_off(team_manager, offer).status == Offer.Status.MATCHED


def test_concerns_need_the_signers_comment(
    searching, carers, placed_child, make_offer, agree, social_worker, duty_worker, team_manager
):
    offer = make_offer(searching, carers)
    agree(offer, social_worker)
    prepare(duty_worker, offer, NEED)
    asked = {c.asked_as: c for c in offer.consultations.all()}
    services.consultation_answer(
        user=placed_child.iro,
        consultation=asked["iro"],
        has_concerns=True,
        answer="Ben needs his own room.",
    )
    services.consultation_answer(
        user=placed_child.social_worker,
        consultation=asked["social_worker"],
        has_concerns=False,
        answer="",
    )
    with pytest.raises(ReferralError) as error:
        sign_off(team_manager, offer)
    assert refused(error) == [
        "Concerns were raised about the children already living with the carers: say in your "
        "comment how they are answered"
    ]
    sign_off(team_manager, offer, comment="Ben keeps his room; Amy has the spare room.")
    assert fresh(offer).status == Offer.Status.MATCHED


def test_sign_off_needs_a_free_place_counting_matches_not_yet_moved_in(
    wigan, submitted, team_manager, social_worker, duty_worker, agree, make_offer
):
    carers = submitted.household
    ChildFactory(authority=wigan, placed_with=carers)  # one of two places taken
    someone_else = ChildFactory(authority=wigan, social_worker=social_worker)
    elsewhere = accepted(someone_else)
    earlier = make_offer(elsewhere, carers)
    agree(earlier, social_worker)
    prepare(duty_worker, earlier, NEED)
    for question in earlier.consultations.all():  # the child living there has no one allocated
        services.consultation_answer(
            user=duty_worker, consultation=question, has_concerns=False, answer="",
            recorded_from="The child's previous social worker, by phone",
        )  # fmt: skip
    sign_off(team_manager, earlier)  # matched, not yet moved in: the last place is held
    assert not submitted.consultations.exists()
    with pytest.raises(ReferralError) as error:
        sign_off(team_manager, submitted)
    assert refused(error) == ["Ashworth family has 0 free places for 1 child"]
    assert fresh(submitted).status == Offer.Status.AGREED


def test_sign_off_lists_every_missing_condition_at_once(
    siblings, carers, placed_child, make_offer, agree, social_worker, team_manager, duty_worker
):
    referral, amy, cal = siblings
    carers.max_children = 1  # Ben has the only place
    carers.save()
    offer = make_offer(referral, carers, children=[amy])
    agree(offer, social_worker)
    iro_question = offer.consultations.get(asked_as="iro")
    services.consultation_answer(
        user=placed_child.iro,
        consultation=iro_question,
        has_concerns=True,
        answer="Ben is unsettled.",
    )
    with pytest.raises(ReferralError) as error:
        sign_off(team_manager, offer)
    assert refused(error) == [
        "The matching form has not been started",
        f"The Social worker of {placed_child.full_name}, who lives with the carers, has not "
        "answered",
        "Concerns were raised about the children already living with the carers: say in your "
        "comment how they are answered",
        "Ashworth family has 0 free places for 1 child",
        f"The offer is for {amy.full_name} only: a split of the brothers and sisters must be "
        "proposed and agreed",
    ]
    assert not events(referral, "matched")


def test_a_partial_offer_needs_an_agreed_split_with_exactly_that_part(
    wigan, siblings, carers, make_offer, agree, social_worker, team_manager, duty_worker
):
    referral, amy, cal = siblings
    offer = make_offer(referral, carers, children=[amy])
    agree(offer, social_worker)
    prepare(duty_worker, offer, NEED)
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="No home for both."
    )
    services.split_agree(user=social_worker, split=split, as_role="social_worker")
    with pytest.raises(ReferralError) as error:
        sign_off(team_manager, offer)
    assert refused(error) == ["The team manager has not agreed the split"]
    services.split_agree(user=team_manager, split=split, as_role="team_manager")
    sign_off(team_manager, offer)
    referral = fresh(referral)
    assert referral.status == Status.SEARCHING  # Cal still needs a home
    assert referral.in_house_search == Referral.SearchState.OFFERS
    # Cal's home: once he is matched too, the whole referral is.
    cal_home = HouseholdFactory(provider=wigan, name="Cole family", skills=["education_support"])
    cals = make_offer(referral, cal_home, children=[cal])
    agree(cals, social_worker)
    prepare(duty_worker, cals, "education_support")
    sign_off(team_manager, cals)
    assert fresh(referral).status == Status.MATCHED


def test_an_offer_for_a_matched_child_is_refused(
    wigan, siblings, carers, make_offer, agree, social_worker, team_manager, duty_worker
):
    referral, amy, cal = siblings
    offer = make_offer(referral, carers, children=[amy])
    agree(offer, social_worker)
    prepare(duty_worker, offer, NEED)
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="No home for both."
    )
    services.split_agree(user=social_worker, split=split, as_role="social_worker")
    services.split_agree(user=team_manager, split=split, as_role="team_manager")
    sign_off(team_manager, offer)
    with pytest.raises(ReferralError) as error:
        contact(duty_worker, referral, HouseholdFactory(provider=wigan), "offers")
    assert error.value.field_errors == {"children": f"{amy.full_name} already matched with a home"}


def test_a_new_split_keeps_a_matched_child_in_a_part_of_their_own(
    wigan, siblings, carers, make_offer, agree, social_worker, team_manager, duty_worker
):
    referral, amy, cal = siblings
    dan = ChildFactory(
        authority=wigan, social_worker=social_worker, sibling_group=amy.sibling_group,
        first_name="Dan", date_of_birth=date(2021, 1, 1),
    )  # fmt: skip
    referral.children.add(dan)
    offer = make_offer(referral, carers, children=[amy])
    agree(offer, social_worker)
    prepare(duty_worker, offer, NEED)
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal, dan]], reason="No home for all."
    )
    services.split_agree(user=social_worker, split=split, as_role="social_worker")
    services.split_agree(user=team_manager, split=split, as_role="team_manager")
    sign_off(team_manager, offer)
    with pytest.raises(ReferralError) as error:
        services.split_propose(
            user=duty_worker, referral=referral, parts=[[amy, cal], [dan]], reason="Rethink"
        )
    assert error.value.field_errors == {
        "parts": f"{amy.full_name} is matched with a home: keep them in a part of their own"
    }
    services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal], [dan]], reason="Rethink"
    )


# Brothers and sisters ---------------------------------------------------------------------------


def test_a_split_puts_each_child_in_exactly_one_part(siblings, duty_worker, social_worker):
    referral, amy, cal = siblings
    for parts in ([[amy, cal]], [[amy], [amy]], [[amy], []], [[amy]], [[amy], [cal], [amy]]):
        with pytest.raises(ReferralError) as error:
            services.split_propose(user=duty_worker, referral=referral, parts=parts, reason="Why")
        assert list(error.value.field_errors) == ["parts"]
    with pytest.raises(ReferralError) as unexplained:
        services.split_propose(user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="")
    assert list(unexplained.value.field_errors) == ["reason"]
    with pytest.raises(ActionNotAllowed):
        services.split_propose(
            user=social_worker, referral=referral, parts=[[amy], [cal]], reason="Why"
        )
    assert not SiblingSplit.objects.exists()


def test_a_split_goes_to_the_social_worker_and_the_team_manager(
    siblings, duty_worker, social_worker, team_manager
):
    referral, amy, cal = siblings
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[cal], [amy]], reason="No home for both."
    )
    assert split.parts == [[amy.pk], [cal.pk]]  # in the children's order
    assert tray_kinds(social_worker) == ["split_agreement"]
    assert tray_kinds(team_manager) == ["split_agreement"]
    (event,) = events(referral, "split_proposed")
    assert event.detail["parts"] == [[amy.full_name], [cal.full_name]]
    services.split_agree(user=social_worker, split=split, as_role="social_worker")
    assert tray_kinds(social_worker) == [] and tray_kinds(team_manager) == ["split_agreement"]
    agreed = services.split_agree(
        user=team_manager, split=split, as_role="team_manager", comment="Agreed for now."
    )
    assert agreed.agreed and tray_kinds(team_manager) == []
    assert events(referral, "split_agreed")[-1].detail == {
        "split": split.pk, "as_role": "team_manager", "agreed": True,
    }  # fmt: skip


def test_a_new_proposal_sets_the_earlier_split_aside(
    siblings, duty_worker, social_worker, team_manager
):
    referral, amy, cal = siblings
    first = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="No home for both."
    )
    services.split_agree(user=social_worker, split=first, as_role="social_worker")
    second = services.split_propose(
        user=duty_worker, referral=referral, parts=[[cal], [amy]], reason="Second thoughts."
    )
    assert fresh(first).set_aside_at is not None and fresh(second).set_aside_at is None
    with pytest.raises(ActionNotAllowed, match="replaced"):
        services.split_agree(user=team_manager, split=first, as_role="team_manager")
    open_items = WorkItem.objects.filter(kind="split_agreement", closed_at__isnull=True)
    assert open_items.count() == 2  # the new proposal's, one each


def test_one_person_cannot_give_both_agreements(wigan, siblings, duty_worker, child_team):
    """Someone who is genuinely both the allocated social worker and the team's manager still
    agrees only once: the split needs two people."""
    referral, amy, cal = siblings
    both = member(wigan, Role.SOCIAL_WORKER, username="sw.and.tm")
    Membership.objects.create(user=both, organisation=wigan, role=Role.TEAM_MANAGER)
    child_team.manager = both
    child_team.save()
    Referral.objects.filter(pk=referral.pk).update(social_worker=both)
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="No home for both."
    )
    services.split_agree(user=both, split=split, as_role="social_worker")
    with pytest.raises(ActionNotAllowed, match="not the person who agreed as social worker"):
        services.split_agree(user=both, split=split, as_role="team_manager")
    assert not fresh(split).agreed


def test_each_agreement_is_given_in_its_own_right(
    wigan, siblings, duty_worker, social_worker, team_manager
):
    referral, amy, cal = siblings
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="No home for both."
    )
    other_manager = member(wigan, Role.TEAM_MANAGER, username="tm.south")
    TeamFactory(organisation=wigan, name="Children in Care Team South", manager=other_manager)
    with pytest.raises(ActionNotAllowed):  # the team manager is not the social worker
        services.split_agree(user=team_manager, split=split, as_role="social_worker")
    with pytest.raises(ActionNotAllowed):
        services.split_agree(user=other_manager, split=split, as_role="team_manager")
    with pytest.raises(ActionNotAllowed):
        services.split_agree(user=social_worker, split=split, as_role="team_manager")
    with pytest.raises(ReferralError):
        services.split_agree(user=social_worker, split=split, as_role="director")
    services.split_agree(user=social_worker, split=split, as_role="social_worker")
    with pytest.raises(ActionNotAllowed, match="already agreed"):
        services.split_agree(user=social_worker, split=split, as_role="social_worker")


# Another council ---------------------------------------------------------------------------------


def test_someone_of_another_council_cannot_act(
    trafford, submitted, carers, searching, siblings, outsider
):
    elsewhere = member(trafford, Role.PLACEMENTS_OFFICER, username="po.trafford")
    manager = member(trafford, Role.TEAM_MANAGER, username="tm.trafford")
    referral, amy, cal = siblings
    attempts = [
        lambda: contact(elsewhere, searching, carers, "no_answer"),
        lambda: services.offer_record_conversation(
            user=outsider, offer=submitted, conversation="Hello"
        ),
        lambda: services.offer_decide(
            user=outsider, offer=submitted, agree=False, reason=REAL_REASON
        ),
        lambda: services.offer_withdraw(user=elsewhere, offer=submitted, reason="Gone"),
        lambda: services.matching_form_save(
            user=elsewhere, offer=submitted, data=form_data(NEED), expected_version=1
        ),
        lambda: services.matching_form_submit(user=elsewhere, offer=submitted),
        lambda: sign_off(manager, submitted),
        lambda: services.split_propose(
            user=elsewhere, referral=referral, parts=[[amy], [cal]], reason="Why"
        ),
    ]
    audits, history = AuditEvent.objects.count(), ReferralEvent.objects.count()
    for attempt in attempts:
        with pytest.raises(ActionNotAllowed):
            attempt()
    assert AuditEvent.objects.count() == audits and ReferralEvent.objects.count() == history
    assert fresh(submitted).status == Offer.Status.AGREED


# The chronology ---------------------------------------------------------------------------------


def test_the_search_reads_as_sentences_in_the_chronology(
    submitted, team_manager, social_worker, virtual_school
):
    sign_off(team_manager, submitted, comment="Good match.")
    sentences = [entry.what for entry in referral_chronology(submitted.referral, social_worker)]
    amy = submitted.referral.children.get().full_name
    assert sentences == [
        f"Contact with Ashworth family (H2001) by Dee Duty (fostering duty worker): they offer "
        f"a home for {amy}",
        "Conversation with Ashworth family (H2001) about their offer recorded by Sam Jones "
        "(social worker)",
        "Offer from Ashworth family (H2001) agreed by Sam Jones (social worker)",
        "Matching form for Ashworth family (H2001) saved by Dee Duty (fostering duty worker)",
        "Matching form for Ashworth family (H2001) sent for sign-off by Dee Duty (fostering duty "
        "worker)",
        f"Matched with Ashworth family (H2001) for {amy}: matching form signed off by "
        f"{team_manager.display_name} (team manager); every child is matched",
    ]
    unnamed = [entry.what for entry in referral_chronology(submitted.referral, virtual_school)]
    assert all("Ashworth" not in sentence for sentence in unnamed)
    assert unnamed[2] == "Offer from a carer household agreed by Sam Jones (social worker)"


def test_questions_decisions_and_splits_read_as_sentences_in_the_chronology(
    wigan, siblings, carers, placed_child, make_offer, social_worker, team_manager, duty_worker
):
    referral, amy, cal = siblings
    offer = make_offer(referral, carers)
    asked = {c.asked_as: c for c in offer.consultations.all()}
    services.consultation_answer(
        user=duty_worker, consultation=asked["iro"], has_concerns=True,
        answer="Ben is unsettled.", recorded_from="Ben's IRO, by phone",
    )  # fmt: skip
    services.consultation_answer(
        user=placed_child.social_worker, consultation=asked["social_worker"], has_concerns=False,
        answer="",
    )  # fmt: skip
    services.offer_decide(user=social_worker, offer=offer, agree=False, reason=REAL_REASON)
    coles = HouseholdFactory(provider=wigan, name="Cole family", reference="H3001")
    other = make_offer(referral, coles)
    services.offer_withdraw(user=duty_worker, offer=other, reason="Their daughter came home.")
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="No home for both."
    )
    services.split_agree(user=social_worker, split=split, as_role="social_worker")
    services.split_agree(user=team_manager, split=split, as_role="team_manager")
    entries = referral_chronology(referral, social_worker)
    sentences = [entry.what for entry in entries if entry.what.split()[0] != "Contact"]
    manager = team_manager.display_name
    assert sentences == [
        "The IRO of a child living with Ashworth family (H2001) answered: concerns; recorded by "
        "Dee Duty (fostering duty worker) from Ben's IRO, by phone",
        "The social worker of a child living with Ashworth family (H2001) answered: no concerns",
        "Offer from Ashworth family (H2001) declined by Sam Jones (social worker)",
        "Offer from Cole family (H3001) withdrawn by the carers; recorded by Dee Duty (fostering "
        "duty worker)",
        f"Split proposed by Dee Duty (fostering duty worker), in 2 homes: {amy.full_name}; "
        f"{cal.full_name}",
        "Split agreed by Sam Jones (social worker) as social worker",
        f"Split agreed by {manager} (team manager) as team manager; the split is agreed",
    ]
    comments = [entry.comment for entry in entries]
    assert "Ben is unsettled." in comments and REAL_REASON in comments


# Each offer's own tray items ----------------------------------------------------------------------


def open_items(user, kind):
    return sorted(item.key for item in tray_for_user(user).filter(kind=kind))


def test_agreeing_one_offer_closes_its_own_item_while_another_offer_waits(
    wigan, searching, carers, make_offer, agree, social_worker, duty_worker
):
    birchalls = HouseholdFactory(provider=wigan, name="Birchall family")
    first, second = make_offer(searching, carers), make_offer(searching, birchalls)
    keys = [services.offer_key(first), services.offer_key(second)]
    assert open_items(social_worker, "carer_offer") == sorted(keys)
    agree(first, social_worker)
    assert open_items(social_worker, "carer_offer") == [services.offer_key(second)]
    assert open_items(duty_worker, "matching_form") == [services.offer_key(first)]
    services.offer_decide(user=social_worker, offer=second, agree=False, reason=REAL_REASON)
    assert open_items(social_worker, "carer_offer") == []
    assert open_items(duty_worker, "matching_form") == [services.offer_key(first)]


def test_a_question_answered_on_one_offer_leaves_the_other_offers_question_waiting(
    wigan, searching, carers, placed_child, make_offer
):
    """Ben's IRO is asked about two households he would share with Amy: one item each."""
    birchalls = HouseholdFactory(provider=wigan, name="Birchall family")
    ChildFactory(authority=wigan, placed_with=birchalls, iro=placed_child.iro)
    first, second = make_offer(searching, carers), make_offer(searching, birchalls)
    iro = placed_child.iro
    assert open_items(iro, "offer_consultation") == sorted(
        [services.offer_key(first), services.offer_key(second)]
    )
    services.consultation_answer(
        user=iro, consultation=first.consultations.get(asked_as="iro"), has_concerns=False,
        answer="",
    )  # fmt: skip
    assert open_items(iro, "offer_consultation") == [services.offer_key(second)]


def test_each_form_sent_has_its_own_sign_off_item(
    wigan, siblings, carers, make_offer, agree, social_worker, team_manager, duty_worker
):
    referral, amy, cal = siblings
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="No home for both."
    )
    services.split_agree(user=social_worker, split=split, as_role="social_worker")
    services.split_agree(user=team_manager, split=split, as_role="team_manager")
    coles = HouseholdFactory(provider=wigan, name="Cole family", skills=["education_support"])
    amys, cals = (
        make_offer(referral, carers, children=[amy]),
        make_offer(referral, coles, children=[cal]),
    )
    for offer, need in ((amys, NEED), (cals, "education_support")):
        agree(offer, social_worker)
        prepare(duty_worker, offer, need)
    keys = sorted([services.offer_key(amys), services.offer_key(cals)])
    assert open_items(team_manager, "matching_sign_off") == keys
    sign_off(team_manager, amys)
    assert open_items(team_manager, "matching_sign_off") == [services.offer_key(cals)]


def test_an_item_made_without_a_key_waits_on_any_of_the_referrals_offers(
    wigan, searching, carers, make_offer, agree, social_worker
):
    """Items opened before items had keys still close once nothing of their kind waits."""
    first = make_offer(searching, carers)
    second = make_offer(searching, HouseholdFactory(provider=wigan))
    WorkItem.objects.filter(kind="carer_offer").update(key="")
    agree(first, social_worker)
    assert open_items(social_worker, "carer_offer") == ["", ""]
    services.offer_decide(user=social_worker, offer=second, agree=False, reason=REAL_REASON)
    assert open_items(social_worker, "carer_offer") == []


# The conversation, saved over someone else's -----------------------------------------------------


def test_a_conversation_saved_from_an_older_version_of_the_offer_is_refused(
    offer, social_worker, team_manager
):
    opened = offer.version
    services.offer_record_conversation(
        user=team_manager, offer=offer, conversation="Met them on Monday.",
        expected_version=opened,
    )  # fmt: skip
    for stale in (opened, ""):
        with pytest.raises(EditConflict):
            services.offer_record_conversation(
                user=social_worker, offer=offer, conversation="Rang them.", expected_version=stale
            )
    stored = fresh(offer)
    assert (stored.conversation, stored.version) == ("Met them on Monday.", opened + 1)
    assert len(events(offer.referral, "offer_conversation")) == 1
    services.offer_record_conversation(
        user=social_worker, offer=offer, conversation="Rang them too.",
        expected_version=str(stored.version),
    )  # fmt: skip
    assert fresh(offer).conversation == "Rang them too."


# A form changed after it was sent ----------------------------------------------------------------


def test_a_form_changed_after_it_was_sent_must_be_sent_again(
    submitted, social_worker, team_manager
):
    referral = submitted.referral
    assert services.submitted_offers(referral) == {submitted.pk}
    form = MatchingForm.objects.get(offer=submitted)
    services.matching_form_save(
        user=social_worker, offer=submitted, data=form_data(NEED, family_time="Dad monthly too."),
        expected_version=form.version,
    )  # fmt: skip
    assert services.submitted_offers(referral) == set()
    assert tray_kinds(team_manager) == []  # the sign-off item is closed
    saved = events(referral, "matching_form_saved")
    assert [(e.detail["form_version"], e.detail["was_sent"]) for e in saved] == [
        (1, False),
        (2, True),
    ]
    assert saved[-1].by_role == "social_worker"
    assert referral_chronology(referral, social_worker)[-1].what == (
        "Matching form for Ashworth family (H2001) saved by Sam Jones (social worker): changed "
        "after it was sent for sign-off, so it must be sent again"
    )
    with pytest.raises(ReferralError) as error:
        sign_off(team_manager, submitted)
    assert refused(error) == [
        "The matching form was changed after it was sent for sign-off: it must be sent again"
    ]
    services.matching_form_submit(user=social_worker, offer=submitted)
    assert services.submitted_offers(referral) == {submitted.pk}
    assert tray_kinds(team_manager) == ["matching_sign_off"]
    assert sign_off(team_manager, submitted).status == Offer.Status.MATCHED


def test_a_form_never_sent_is_not_signed_off(agreed, duty_worker, team_manager):
    services.matching_form_save(
        user=duty_worker, offer=agreed, data=form_data(NEED), expected_version=0
    )
    with pytest.raises(ReferralError) as error:
        sign_off(team_manager, agreed)
    assert refused(error) == ["The matching form has not been sent for sign-off"]


def test_saving_the_form_unchanged_writes_nothing(submitted, duty_worker, team_manager):
    form = MatchingForm.objects.get(offer=submitted)
    audits = AuditEvent.objects.count()
    again = services.matching_form_save(
        user=duty_worker, offer=submitted, data=form_data(NEED), expected_version=form.version
    )
    assert again.version == form.version == 1
    assert len(events(submitted.referral, "matching_form_saved")) == 1
    assert AuditEvent.objects.count() == audits
    assert services.submitted_offers(submitted.referral) == {submitted.pk}
    assert tray_kinds(team_manager) == ["matching_sign_off"]


def test_a_form_changed_since_the_signer_read_it_is_refused(submitted, duty_worker, team_manager):
    read = MatchingForm.objects.get(offer=submitted).version
    services.matching_form_save(
        user=duty_worker, offer=submitted, data=form_data(NEED, support_plan="Weekly visits."),
        expected_version=read,
    )  # fmt: skip
    services.matching_form_submit(user=duty_worker, offer=submitted)
    for stale in (read, "not a version"):
        with pytest.raises(ReferralError) as error:
            services.matching_sign_off(user=team_manager, offer=submitted, form_version=stale)
        assert error.value.field_errors == {
            "form_version": "The matching form was changed after you opened it: read it again "
            "before signing it off"
        }
    assert fresh(submitted).status == Offer.Status.AGREED
    assert not events(submitted.referral, "matched")
    services.matching_sign_off(user=team_manager, offer=submitted, form_version=str(read + 1))
    assert fresh(submitted).status == Offer.Status.MATCHED


# Four eyes ---------------------------------------------------------------------------------------


def test_the_manager_who_agreed_the_offer_does_not_sign_it_off(
    wigan, offer, agree, team_manager, duty_worker, child_team
):
    agree(offer, team_manager)
    prepare(duty_worker, offer, NEED)
    with pytest.raises(ActionNotAllowed) as error:
        sign_off(team_manager, offer)
    assert str(error.value) == (
        "You agreed the offer as the child's social worker's manager: another team manager must "
        "sign it off"
    )
    # The item went to the team's other managers rather than to the one who agreed.
    assert tray_kinds(team_manager) == []
    deputy = member(wigan, Role.TEAM_MANAGER, username="tm.deputy")
    Membership.objects.filter(user=deputy).update(team=child_team)
    assert tray_kinds(deputy) == ["matching_sign_off"]
    assert sign_off(deputy, offer).status == Offer.Status.MATCHED


def test_the_manager_who_prepared_the_form_does_not_sign_it_off(agreed, team_manager):
    prepare(team_manager, agreed, NEED)
    with pytest.raises(ActionNotAllowed) as error:
        sign_off(team_manager, agreed)
    assert str(error.value) == (
        "You prepared the matching form: another team manager must sign it off"
    )
    assert fresh(agreed).status == Offer.Status.AGREED


# Places held ------------------------------------------------------------------------------------


def test_a_child_booked_and_matched_with_the_same_carers_holds_one_place(
    wigan, submitted, team_manager, social_worker, placements_officer
):
    """The emergency carers keep a child for good: booked and matched with them, one place."""
    carers = submitted.household  # two places
    kept = ChildFactory(authority=wigan, social_worker=social_worker)
    elsewhere = accepted(kept, emergency_household=carers, emergency_booked_at=timezone.now())
    Referral.objects.filter(pk=elsewhere.pk).update(status=Status.MATCHED)
    match = Offer.objects.create(
        referral=elsewhere, household=carers, source=Offer.Source.IN_HOUSE,
        status=Offer.Status.MATCHED, made_by=placements_officer,
    )  # fmt: skip
    match.children.add(kept)
    assert places_held([carers]) == {carers.pk: 1}
    assert sign_off(team_manager, submitted).status == Offer.Status.MATCHED


def test_an_emergency_booking_holds_a_place_until_it_ends(
    wigan, submitted, team_manager, social_worker, placements_officer
):
    carers = submitted.household
    ChildFactory(authority=wigan, placed_with=carers)
    booked = ChildFactory(authority=wigan, social_worker=social_worker)
    elsewhere = accepted(booked, emergency_household=carers, emergency_booked_at=timezone.now())
    with pytest.raises(ReferralError) as error:
        sign_off(team_manager, submitted)
    assert refused(error) == ["Ashworth family has 0 free places for 1 child"]
    Referral.objects.filter(pk=elsewhere.pk).update(emergency_ended_at=timezone.now())
    assert sign_off(team_manager, submitted).status == Offer.Status.MATCHED


# Withdrawing the referral -----------------------------------------------------------------------


def test_withdrawing_the_referral_closes_its_offers_and_their_questions(
    asked, placed_child, social_worker
):
    offer = asked["iro"].offer
    referral_act(
        user=social_worker, referral=offer.referral, action="withdraw",
        data={"comment": "Amy is going home to mum."},
    )  # fmt: skip
    closed = fresh(offer)
    assert closed.status == Offer.Status.CLOSED
    assert closed.decision_reason == "The referral was withdrawn"
    assert tray_kinds(placed_child.iro) == [] and tray_kinds(social_worker) == []
    with pytest.raises(ActionNotAllowed):
        services.consultation_answer(
            user=placed_child.iro, consultation=asked["iro"], has_concerns=False, answer=""
        )


# The seeded search ------------------------------------------------------------------------------


def test_seeded_contacts_are_dated_by_the_day_in_england(searching, carers, duty_worker):
    """Half past midnight in London on 1 July is still 30 June in UTC."""
    moment = datetime(2026, 6, 30, 23, 30, tzinfo=UTC)

    def at(when):
        return time_machine.travel(when, tick=False)

    assert seed_contacts(searching, duty_worker, moment, at)
    assert Offer.objects.get().available_from == date(2026, 7, 8)
