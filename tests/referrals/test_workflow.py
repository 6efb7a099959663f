"""The referral's approval chain: who may take each step, what each step records and where it lands."""

from datetime import date

import pytest
from django.db import DatabaseError, transaction

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.people.models import Carer, SiblingGroup
from hearth.people.services import EditConflict
from hearth.referrals import services, workflow
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.search.models import Offer
from hearth.trays.models import OutgoingEmail, WorkItem
from hearth.trays.selectors import tray_for_user
from tests.factories import ChildFactory, HouseholdFactory, TeamFactory, make_referral, member


def act(user, referral, action, **data):
    return services.referral_act(user=user, referral=referral, action=action, data=data)


def tray_kinds(user):
    return sorted(item.kind for item in tray_for_user(user))


def test_a_referral_walks_from_draft_to_searching(
    draft, social_worker, team_manager, service_lead, placements_officer
):
    act(social_worker, draft, "submit")
    assert tray_kinds(team_manager) == ["referral_review"]
    assert tray_kinds(social_worker) == []
    act(team_manager, draft, "forward", comment="Good referral; siblings considered.")
    assert tray_kinds(service_lead) == ["referral_approval"]
    act(service_lead, draft, "approve")
    assert tray_kinds(placements_officer) == ["referral_screening"]
    referral, event = act(placements_officer, draft, "accept")
    assert referral.status == Status.SEARCHING
    assert referral.file_reference == f"PL{referral.pk:06d}"
    assert tray_kinds(placements_officer) == []
    history = list(ReferralEvent.objects.filter(referral=draft).values_list("action", "to_status"))
    assert history == [
        ("submit", "submitted"),
        ("forward", "with_service_lead"),
        ("approve", "approved"),
        ("accept", "searching"),
    ]
    assert OutgoingEmail.objects.filter(to=team_manager.email).exists()


def test_a_return_goes_back_to_the_social_worker_with_its_reasons(
    draft, social_worker, team_manager
):
    act(social_worker, draft, "submit")
    referral, _ = act(team_manager, draft, "return", comment="Add the child's views in her words.")
    assert referral.status == Status.RETURNED
    item = tray_for_user(social_worker).get()
    assert item.kind == "referral_returned" and "her words" in item.note
    assert referral.history  # content kept
    act(social_worker, draft, "resubmit", comment="Added.")
    assert Referral.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_only_the_service_lead_approves(draft, social_worker, team_manager):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "forward", comment="Fine.")
    with pytest.raises(services.ActionNotAllowed):
        act(team_manager, draft, "approve")


def test_approving_an_incomplete_referral_lists_what_is_missing(child, child_team, service_lead):
    referral = make_referral(child, child_views="", status=Status.WITH_SERVICE_LEAD)
    with pytest.raises(services.ReferralError) as refused:
        act(service_lead, referral, "approve")
    assert refused.value.problems == ["About the child: the child's own views"]
    assert Referral.objects.get(pk=referral.pk).status == Status.WITH_SERVICE_LEAD


def test_history_cannot_be_edited(draft, social_worker):
    act(social_worker, draft, "submit")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReferralEvent.objects.update(comment="changed")
    assert AuditEvent.objects.filter(record_type="referral").exists()
    assert WorkItem.objects.exists()


# Who may act -----------------------------------------------------------------------------------------


def test_only_the_allocated_social_worker_or_their_team_manager_edits_a_draft(
    draft, social_worker, team_manager, wigan
):

    colleague = member(wigan, Role.SOCIAL_WORKER, username="sw2.wigan")
    for user in (social_worker, team_manager):
        services.referral_update(
            user=user, referral=draft, section="location",
            data={"location_notes": f"by {user.username}"}, expected_version=draft.version,
        )  # fmt: skip
        draft.refresh_from_db()
    with pytest.raises(services.ActionNotAllowed):
        services.referral_update(
            user=colleague, referral=draft, section="location",
            data={"location_notes": "not mine"}, expected_version=draft.version,
        )  # fmt: skip
    assert Referral.objects.get(pk=draft.pk).location_notes == "by tm.wigan"


def test_another_teams_manager_cannot_forward(draft, social_worker, wigan):

    other_manager = member(wigan, Role.TEAM_MANAGER, username="tm.south")
    TeamFactory(organisation=wigan, name="Children in Care Team South", manager=other_manager)
    act(social_worker, draft, "submit")
    with pytest.raises(services.ActionNotAllowed):
        act(other_manager, draft, "forward", comment="Not my team.")


def test_only_the_placements_team_accepts(draft, social_worker, team_manager, service_lead):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "forward", comment="Fine.")
    act(service_lead, draft, "approve")
    for user in (social_worker, team_manager, service_lead):
        with pytest.raises(services.ActionNotAllowed):
            act(user, draft, "accept")


def test_an_edit_from_an_older_version_is_refused(draft, social_worker, team_manager):

    opened_at = draft.version
    services.referral_update(
        user=team_manager, referral=draft, section="location",
        data={"location_notes": "Near school"}, expected_version=opened_at,
    )  # fmt: skip
    with pytest.raises(EditConflict):
        services.referral_update(
            user=social_worker, referral=draft, section="location",
            data={"location_notes": "Near family"}, expected_version=opened_at,
        )  # fmt: skip
    assert Referral.objects.get(pk=draft.pk).location_notes == "Near school"


def test_a_submitted_referral_can_no_longer_be_edited(draft, social_worker):
    act(social_worker, draft, "submit")
    draft.refresh_from_db()
    with pytest.raises(services.ActionNotAllowed):
        services.referral_update(
            user=social_worker, referral=draft, section="location",
            data={"location_notes": "changed"}, expected_version=draft.version,
        )  # fmt: skip


def test_submitting_an_incomplete_draft_lists_what_is_missing(child, child_team, social_worker):
    referral = make_referral(child, complete=False, placement_type="long_term")
    with pytest.raises(services.ReferralError) as refused:
        act(social_worker, referral, "submit")
    assert "The placement needed: the date it is needed" in refused.value.problems
    assert len(refused.value.problems) == 7
    assert not ReferralEvent.objects.filter(referral=referral).exists()


def test_a_return_needs_reasons(draft, social_worker, team_manager):
    act(social_worker, draft, "submit")
    with pytest.raises(services.ReferralError) as refused:
        act(team_manager, draft, "return", comment="  ")
    assert refused.value.field_errors == {"comment": "Enter reasons"}


def test_a_return_at_screening_goes_back_to_screening(
    draft, social_worker, team_manager, service_lead, placements_officer
):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "forward", comment="Fine.")
    act(service_lead, draft, "approve")
    act(placements_officer, draft, "return", comment="Attach the EHCP agreement.")
    referral, event = act(social_worker, draft, "resubmit", comment="Attached.")
    assert (event.from_status, event.to_status) == ("returned", "approved")
    assert tray_kinds(placements_officer) == ["referral_screening"]


def test_withdrawing_closes_every_item(
    child, child_team, social_worker, team_manager, placements_officer, iro, emergency_carer
):
    child.iro = iro
    child.save()
    referral = make_referral(child, urgent=True, urgency_reason="safeguarding")
    act(social_worker, referral, "submit")
    act(team_manager, referral, "request_comments", asked_of="iro", comment="Views?")
    act(placements_officer, referral, "book_emergency", household=emergency_carer.pk)
    act(team_manager, referral, "return", comment="More on risks", phone_call=True)
    people = (social_worker, team_manager, placements_officer, iro)
    assert all(tray_kinds(person) for person in people)
    referral, _ = act(social_worker, referral, "withdraw", comment="Returned home to mum.")
    assert referral.status == Status.WITHDRAWN and referral.closed_at is not None
    assert [tray_kinds(person) for person in people] == [[], [], [], []]


def test_the_team_manager_asks_the_iro_for_comments(draft, social_worker, team_manager, iro, child):
    child.iro = iro
    child.save()
    act(social_worker, draft, "submit")
    act(team_manager, draft, "request_comments", asked_of="iro", comment="Is a move right now?")
    assert tray_kinds(iro) == ["referral_comments"]
    act(iro, draft, "comment", comment="Yes: the current carers have given notice.")
    assert tray_kinds(iro) == []
    with pytest.raises(services.ActionNotAllowed):
        act(iro, draft, "comment", comment="Again")


def test_the_virtual_school_answers_for_its_team(
    draft, social_worker, team_manager, virtual_school
):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "request_comments", asked_of="virtual_school", comment="School?")
    assert tray_kinds(virtual_school) == ["referral_comments"]
    act(virtual_school, draft, "comment", comment="Keep her at St Mary's.")
    assert draft.comment_requests.get().answer == "Keep her at St Mary's."
    assert tray_kinds(virtual_school) == []


def test_asking_an_iro_when_none_is_recorded_is_refused(draft, social_worker, team_manager):
    act(social_worker, draft, "submit")
    with pytest.raises(services.ReferralError) as refused:
        act(team_manager, draft, "request_comments", asked_of="iro", comment="Views?")
    assert "No IRO" in str(refused.value)


def test_the_search_cannot_start_without_evidence_that_therapy_was_agreed(
    child, child_team, placements_officer
):
    referral = make_referral(
        child, status=Status.APPROVED, therapy_requested=True, request_details="Weekly play therapy"
    )
    with pytest.raises(services.ReferralError) as refused:
        act(placements_officer, referral, "accept")
    assert "who agreed to the education or therapy" in refused.value.problems
    Referral.objects.filter(pk=referral.pk).update(
        agreement_from="health", agreement_by="Dr Shah, CAMHS lead",
        agreement_on="2026-11-20", agreement_evidence="Letter on the case file, 20 Nov",
    )  # fmt: skip
    referral, _ = act(placements_officer, referral, "accept")
    assert referral.status == Status.SEARCHING


def test_a_manager_overrides_the_search_route_with_a_reason(
    child, child_team, placements_officer, team_manager
):
    referral = make_referral(child, status=Status.APPROVED, search_route="in_house_first")
    with pytest.raises(services.ActionNotAllowed):
        act(placements_officer, referral, "set_search_route", route="dual", comment="Hard to place")
    referral, event = act(team_manager, referral, "set_search_route", route="dual",
                          comment="Three in-house carers already declined")  # fmt: skip
    assert referral.search_route == "dual" and referral.search_route_overridden_by == team_manager
    assert event.detail == {"route": "dual", "previous": "in_house_first"}
    act(placements_officer, referral, "accept")
    referral.refresh_from_db()
    assert referral.search_route == "dual" and referral.agency_search == "searching"


# The urgent same-day path ------------------------------------------------------------------------------


@pytest.fixture
def emergency_carer(wigan, placements_officer):
    home = HouseholdFactory(provider=wigan, name="Okafor family", care_types=["emergency"])
    Carer.objects.filter(household=home).update(email="okafor@example.org")
    services.emergency_duty_add(
        user=placements_officer, authority=wigan, household=home,
        starts_on=date(2026, 11, 20), ends_on=date(2026, 11, 30),
    )  # fmt: skip
    return home


def test_an_urgent_referral_alerts_the_placements_team_and_the_carer_on_duty(
    child,
    child_team,
    social_worker,
    team_manager,
    placements_officer,
    emergency_carer,
    time_machine,
):
    time_machine.move_to("2026-11-23 02:10 +00:00")
    referral = make_referral(child, urgent=True, urgency_reason="police_protection")
    make_referral(another_child_of(child), urgent=False)
    _, event = act(social_worker, referral, "submit")
    assert event.detail == {"emergency_carer_alerted": "Okafor family"}
    assert tray_for_user(placements_officer).first().kind == "urgent_referral"
    assert tray_for_user(team_manager).first().urgent
    subjects = set(OutgoingEmail.objects.values_list("to", "subject"))
    assert ("okafor@example.org", "Urgent: the placements team may need you today") in subjects
    assert any(s.startswith("URGENT:") for to, s in subjects if to == placements_officer.email)


def another_child_of(child):
    return ChildFactory(
        authority=child.authority, social_worker=child.social_worker, team=child.team
    )


def test_booking_the_emergency_carer_sets_a_72_hour_deadline(
    child, child_team, social_worker, placements_officer, emergency_carer, time_machine
):
    time_machine.move_to("2026-11-23 02:10 +00:00", tick=False)
    referral = make_referral(child, urgent=True, urgency_reason="safeguarding")
    act(social_worker, referral, "submit")
    referral, _ = act(placements_officer, referral, "book_emergency", household=emergency_carer.pk)
    assert referral.emergency_ends_at.isoformat() == "2026-11-26T02:10:00+00:00"
    ending = tray_for_user(placements_officer).get(kind="emergency_ending")
    assert ending.due_at == referral.emergency_ends_at and ending.urgent
    assert not tray_for_user(placements_officer).filter(kind="urgent_referral").exists()


def test_the_policy_sets_how_long_an_emergency_booking_lasts(
    child, child_team, social_worker, placements_officer, emergency_carer, wigan, time_machine
):
    time_machine.move_to("2026-11-23 02:10 +00:00", tick=False)
    wigan.policy.timescales["emergency_placement_end"] = {"amount": 48, "unit": "hours"}
    wigan.policy.save()
    referral = make_referral(child, status=Status.APPROVED)
    referral, _ = act(placements_officer, referral, "book_emergency", household=emergency_carer.pk)
    assert referral.emergency_ends_at.isoformat() == "2026-11-25T02:10:00+00:00"


def test_a_carer_not_approved_for_emergencies_cannot_be_booked(
    child, child_team, placements_officer, household
):
    household.care_types = ["long_term"]
    household.save()
    referral = make_referral(child, status=Status.APPROVED)
    with pytest.raises(services.ReferralError) as refused:
        act(placements_officer, referral, "book_emergency", household=household.pk)
    assert "not approved for emergency care" in refused.value.field_errors["household"]


# Making a referral -------------------------------------------------------------------------------------


def test_a_child_has_one_open_referral_at_a_time(draft, social_worker, child):
    with pytest.raises(services.ReferralError) as refused:
        services.referral_create(user=social_worker, children=[child])
    assert refused.value.problems == [
        f"{child.full_name} already has an open referral (Referral {draft.pk})"
    ]


def test_brothers_and_sisters_share_a_referral_but_strangers_do_not(
    wigan, social_worker, child_team
):

    group = SiblingGroup.objects.create(authority=wigan, reference="SG1")
    sisters = [ChildFactory(authority=wigan, social_worker=social_worker, team=child_team,
                            sibling_group=group) for _ in range(2)]  # fmt: skip
    stranger = ChildFactory(authority=wigan, social_worker=social_worker, team=child_team)
    referral = services.referral_create(user=social_worker, children=sisters)
    assert referral.sibling_group == group and referral.children.count() == 2
    with pytest.raises(services.ReferralError) as refused:
        services.referral_create(
            user=social_worker, children=[stranger, another_child_of(stranger)]
        )
    assert "Only brothers and sisters" in refused.value.problems[0]


def test_someone_elses_social_worker_cannot_refer_the_child(child, wigan):

    colleague = member(wigan, Role.SOCIAL_WORKER, username="sw3.wigan")
    with pytest.raises(services.ReferralError) as refused:
        services.referral_create(user=colleague, children=[child])
    assert "allocated social worker" in refused.value.problems[0]


def test_a_request_for_comments_can_be_answered_after_the_search_has_started(
    draft, social_worker, team_manager, service_lead, placements_officer, iro, child
):
    child.iro = iro
    child.save()
    act(social_worker, draft, "submit")
    act(team_manager, draft, "request_comments", asked_of="iro", comment="Is a move right now?")
    act(team_manager, draft, "forward", comment="Fine.")
    act(service_lead, draft, "approve")
    act(placements_officer, draft, "accept")
    assert tray_kinds(iro) == ["referral_comments"]
    act(iro, draft, "comment", comment="Late, but yes.")
    assert tray_kinds(iro) == []


def test_recording_the_emergency_placements_end_closes_its_deadline(
    child, child_team, social_worker, placements_officer, emergency_carer, time_machine
):
    time_machine.move_to("2026-11-23 02:10 +00:00", tick=False)
    referral = make_referral(child, status=Status.APPROVED)
    with pytest.raises(services.ReferralError):
        act(placements_officer, referral, "end_emergency", comment="Nothing booked yet")
    act(placements_officer, referral, "book_emergency", household=emergency_carer.pk)
    time_machine.move_to("2026-11-26 09:00 +00:00", tick=False)
    referral, event = act(
        placements_officer, referral, "end_emergency", comment="Moved to the Shahs, long term"
    )
    assert referral.emergency_ended_at.isoformat() == "2026-11-26T09:00:00+00:00"
    assert event.detail == {"household_name": "Okafor family"}
    assert not tray_for_user(placements_officer).filter(kind="emergency_ending").exists()


# Found in review ---------------------------------------------------------------------------------------


def test_a_booked_emergency_place_cannot_be_booked_twice(
    child, child_team, placements_officer, wigan
):
    carer = HouseholdFactory(provider=wigan, name="One-place family", care_types=["emergency"],
                             max_children=1)  # fmt: skip
    first = make_referral(child, status=Status.APPROVED)
    second = make_referral(another_child_of(child), status=Status.APPROVED)
    act(placements_officer, first, "book_emergency", household=carer.pk)
    with pytest.raises(services.ReferralError) as refused:
        act(placements_officer, second, "book_emergency", household=carer.pk)
    assert "0 free place(s) for 1 child(ren)" in refused.value.field_errors["household"]
    act(placements_officer, first, "end_emergency", comment="Moved on")
    act(placements_officer, second, "book_emergency", household=carer.pk)


def test_brothers_and_sisters_with_different_iros_are_each_asked_and_each_answer(
    wigan, social_worker, team_manager, child_team
):
    group = SiblingGroup.objects.create(authority=wigan, reference="SG9")
    iros = [member(wigan, Role.IRO, username=f"iro{n}.wigan") for n in (1, 2)]
    children = [
        ChildFactory(authority=wigan, social_worker=social_worker, team=child_team,
                     sibling_group=group, iro=iro)
        for iro in iros
    ]  # fmt: skip
    referral = make_referral(*children)
    act(social_worker, referral, "submit")
    act(team_manager, referral, "request_comments", asked_of="iro", comment="Views?")
    for iro in iros:
        assert tray_kinds(iro) == ["referral_comments"]
        act(iro, referral, "comment", comment=f"From {iro.username}")
        assert tray_kinds(iro) == []
    assert sorted(referral.comment_requests.values_list("answer", flat=True)) == [
        "From iro1.wigan", "From iro2.wigan"
    ]  # fmt: skip


def test_an_emergency_booking_is_handled_while_the_referral_is_returned(
    child, child_team, social_worker, team_manager, placements_officer, emergency_carer
):
    referral = make_referral(child, urgent=True, urgency_reason="safeguarding")
    act(social_worker, referral, "submit")
    act(team_manager, referral, "return", comment="Add the risk assessment detail")
    act(placements_officer, referral, "book_emergency", household=emergency_carer.pk)
    act(placements_officer, referral, "end_emergency", comment="Went to grandma's")
    assert not tray_for_user(placements_officer).filter(kind="emergency_ending").exists()


def test_a_referral_made_urgent_while_returned_raises_the_alarm_when_sent_back(
    draft, social_worker, team_manager, placements_officer
):
    act(social_worker, draft, "submit")
    act(team_manager, draft, "return", comment="Is this urgent? Police are involved.")
    Referral.objects.filter(pk=draft.pk).update(urgent=True, urgency_reason="police_protection")
    act(social_worker, draft, "resubmit", comment="Yes: made urgent")
    assert tray_for_user(placements_officer).first().kind == "urgent_referral"


def test_a_next_action_holder_with_two_roles_is_accepted(
    child, child_team, placements_officer, wigan
):
    Membership.objects.create(user=placements_officer, organisation=wigan,
                              role=Role.FOSTERING_DUTY_WORKER)  # fmt: skip
    referral = make_referral(child, status=Status.SEARCHING)
    referral, _ = act(placements_officer, referral, "set_next_action", comment="Ring the Shahs",
                      holder=placements_officer.pk)  # fmt: skip
    assert referral.next_action_holder == placements_officer


def test_the_referral_follows_the_childs_new_social_worker(draft, social_worker, child, wigan):
    newcomer = member(wigan, Role.SOCIAL_WORKER, username="sw.new")
    child.social_worker = newcomer
    child.save()
    referral, _ = act(newcomer, draft, "submit")
    assert referral.social_worker == newcomer
    with pytest.raises(services.ActionNotAllowed):
        act(social_worker, draft, "withdraw", comment="Not mine any more")


def test_a_review_goes_to_the_team_when_its_manager_has_left(
    draft, social_worker, team_manager, wigan, child_team
):
    team_manager.is_active = False
    team_manager.save()
    colleague = member(wigan, Role.TEAM_MANAGER, username="tm.acting")
    Membership.objects.filter(user=colleague).update(team=child_team)
    act(social_worker, draft, "submit")
    assert tray_kinds(colleague) == ["referral_review"]


def test_a_null_character_in_a_comment_is_refused_at_the_field(draft, social_worker):
    with pytest.raises(services.ReferralError) as refused:
        act(social_worker, draft, "submit", comment="a\x00b")
    assert refused.value.field_errors == {"comment": "Comment must not contain the null character"}


def test_a_child_is_not_named_to_someone_who_may_not_refer_them(child, wigan):
    finance = member(wigan, Role.FINANCE_OFFICER, username="finance.wigan")
    with pytest.raises(services.ReferralError) as refused:
        services.referral_create(user=finance, children=[child])
    assert child.first_name not in " ".join(refused.value.problems)


# A matched referral ----------------------------------------------------------------------------------


def test_a_matched_referral_keeps_its_emergency_booking_and_comments_open(
    child, child_team, social_worker, team_manager, placements_officer, iro, emergency_carer
):
    """The home is found but the move not yet made: the emergency booking is ended (or made)
    and a late answer to a request for comments is still given."""
    child.iro = iro
    child.save()
    referral = make_referral(child, status=Status.SUBMITTED)
    act(team_manager, referral, "request_comments", asked_of="iro", comment="Views?")
    act(placements_officer, referral, "book_emergency", household=emergency_carer.pk)
    Referral.objects.filter(pk=referral.pk).update(status=Status.MATCHED)
    referral = Referral.objects.get(pk=referral.pk)
    policy = referral.authority.policy
    names = {action.name for action in workflow.actions_for(placements_officer, referral, policy)}
    assert {"book_emergency", "end_emergency"} <= names
    act(iro, referral, "comment", comment="The move sounds right.")
    assert tray_kinds(iro) == []
    referral, _ = act(
        placements_officer, referral, "end_emergency", comment="Moved to the Ashworths"
    )
    assert referral.emergency_ended_at is not None and referral.status == Status.MATCHED
    act(placements_officer, referral, "book_emergency", household=emergency_carer.pk)
    assert tray_kinds(placements_officer) == ["emergency_ending"]


def test_an_emergency_place_held_by_a_child_matched_there_is_not_booked(
    child, child_team, placements_officer, social_worker, wigan
):
    """A child matched with the carers, not yet moved in, holds a place as a booking does."""
    carer = HouseholdFactory(provider=wigan, name="One-place family", care_types=["emergency"],
                             max_children=1)  # fmt: skip
    matched_child = another_child_of(child)
    matched = make_referral(matched_child, status=Status.MATCHED)
    offer = Offer.objects.create(
        referral=matched, household=carer, source=Offer.Source.IN_HOUSE,
        status=Offer.Status.MATCHED, made_by=placements_officer,
    )  # fmt: skip
    offer.children.add(matched_child)
    referral = make_referral(child, status=Status.APPROVED)
    with pytest.raises(services.ReferralError) as refused:
        act(placements_officer, referral, "book_emergency", household=carer.pk)
    assert "0 free place(s) for 1 child(ren)" in refused.value.field_errors["household"]
    matched_child.placed_with = carer  # moved in: the place is now the one they live in
    matched_child.save()
    carer.max_children = 2
    carer.save()
    act(placements_officer, referral, "book_emergency", household=carer.pk)


def test_withdrawing_a_searching_referral_closes_its_live_offers(
    child, child_team, social_worker, placements_officer, wigan
):
    referral = make_referral(child, status=Status.SEARCHING)
    offers = {}
    for status in (Offer.Status.OPEN, Offer.Status.AGREED, Offer.Status.DECLINED):
        offers[status] = Offer.objects.create(
            referral=referral, household=HouseholdFactory(provider=wigan),
            source=Offer.Source.IN_HOUSE, status=status, made_by=placements_officer,
            decision_reason="Too far from school" if status == Offer.Status.DECLINED else "",
        )  # fmt: skip
    _, event = act(social_worker, referral, "withdraw", comment="Going home to mum.")
    stored = {status: Offer.objects.get(pk=offer.pk) for status, offer in offers.items()}
    for status in (Offer.Status.OPEN, Offer.Status.AGREED):
        assert stored[status].status == Offer.Status.CLOSED
        assert stored[status].decision_reason == "The referral was withdrawn"
        assert stored[status].version == 2
    assert stored[Offer.Status.DECLINED].status == Offer.Status.DECLINED
    assert event.detail == {
        "closed_offers": sorted(offers[s].pk for s in (Offer.Status.OPEN, Offer.Status.AGREED))
    }
