"""The agency search, the council's side: the providers to send a referral to (in contract first),
sending it, contacts with providers, chasing those that do not answer, withdrawing it from one, and
widening a failing search with the social worker's permission (DOMAIN.md, referral to placement,
steps 10 and 11)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.core.models import Contract, ProviderContact
from hearth.referrals.chronology import referral_chronology
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.search import outreach
from hearth.search.models import AgencyRequest, Offer
from hearth.trays.jobs import run_jobs
from hearth.trays.models import OutgoingEmail, WorkItem
from hearth.trays.selectors import tray_for_user
from tests.factories import AgencyFactory, HouseholdFactory, member

# Friday 4 December 2026, mid-morning: two working days on is the end of Tuesday 8 December.
FRIDAY = datetime(2026, 12, 4, 10, 0, tzinfo=LONDON)
DUE = datetime(2026, 12, 8, 23, 59, 59, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def friday():
    with time_machine.travel(FRIDAY, tick=False):
        yield


@pytest.fixture
def referral(outreach_referral):
    return outreach_referral


@pytest.fixture
def market(wigan, agency):
    """Four providers, named so that the alphabet is not the contract order: Northern Fostering
    (the `agency` fixture) has no contract, Zenith is in contract, Beacon off contract, and Oak
    House runs only children's homes."""
    zenith = AgencyFactory(
        name="Zenith Fostering", provides=["fostering"], care_types=["short_term", "long_term"],
        areas_served=["Wigan", "Bolton"], weekly_rate_from=850, weekly_rate_to=1200,
    )  # fmt: skip
    beacon = AgencyFactory(name="Beacon Care", provides=["fostering", "residential"])
    homes = AgencyFactory(name="Oak House Homes", provides=["residential"])
    Contract.objects.create(authority=wigan, agency=zenith, status="in_contract")
    Contract.objects.create(authority=wigan, agency=beacon, status="off_contract")
    return {"zenith": zenith, "beacon": beacon, "homes": homes, "northern": agency}


def names(candidates):
    return [c.provider.name for c in candidates]


def send(user, referral, *providers, **fields):
    return outreach.agency_referral_send(
        user=user, referral=referral, providers=list(providers), **fields
    )


def events(referral, action):
    return list(ReferralEvent.objects.filter(referral=referral, action=action))


def fresh(record):
    return type(record).objects.get(pk=record.pk)


def chronology_lines(referral, reader):
    return [entry.what for entry in referral_chronology(referral, reader)]


def agency_offer(agency_request, agency_user, status=Offer.Status.OPEN):
    """An offer from the provider's carers, as the portal records it."""
    household = HouseholdFactory(provider=agency_request.provider, postcode="M1 1AE")
    offer = Offer.objects.create(
        referral=agency_request.referral, household=household, source=Offer.Source.AGENCY,
        status=status, weekly_cost=950, agency_request=agency_request, made_by=agency_user,
    )  # fmt: skip
    offer.children.set(agency_request.referral.children.all())
    agency_request.status = AgencyRequest.Status.OFFERED
    agency_request.save()
    return offer


# The providers to send to ---------------------------------------------------------------------------


def test_candidates_are_in_contract_first_then_off_contract_then_no_contract(
    placements_officer, referral, market
):
    candidates = outreach.outreach_candidates(placements_officer, referral)
    assert names(candidates) == ["Zenith Fostering", "Beacon Care", "Northern Fostering"]
    assert [c.contract_label for c in candidates] == ["In contract", "Off contract", "No contract"]


def test_a_candidate_shows_its_care_areas_rates_and_free_places(
    placements_officer, referral, market
):
    HouseholdFactory(provider=market["zenith"], max_children=3)
    HouseholdFactory(provider=market["zenith"], max_children=1)
    zenith = outreach.outreach_candidates(placements_officer, referral)[0]
    assert zenith.care_types == ["Short-term", "Long-term"]
    assert zenith.areas == ["Wigan", "Bolton"]
    assert zenith.rates == "£850.00 to £1,200.00"
    assert zenith.vacancies == {"approved_households": 2, "free_places": 4}
    assert zenith.fits_type  # the referral asks for short-term care


def test_a_candidate_already_sent_shows_its_request_status(placements_officer, referral, market):
    send(placements_officer, referral, market["beacon"])
    by_name = {
        c.provider.name: c for c in outreach.outreach_candidates(placements_officer, referral)
    }
    assert by_name["Beacon Care"].sent
    assert by_name["Beacon Care"].status_label == "Waiting for an answer"
    assert not by_name["Zenith Fostering"].sent
    assert by_name["Zenith Fostering"].status_label == "Not sent"


def test_children_homes_appear_only_once_the_social_worker_widens_the_search(
    placements_officer, social_worker, referral, market
):
    assert "Oak House Homes" not in names(
        outreach.outreach_candidates(placements_officer, referral)
    )
    outreach.search_widen(
        user=social_worker, referral=referral, widen_to=["residential"],
        reason="No foster home in three weeks; Amy needs somewhere tonight.",
    )  # fmt: skip
    widened = outreach.outreach_candidates(placements_officer, fresh(referral))
    assert names(widened) == [
        "Zenith Fostering", "Beacon Care", "Northern Fostering", "Oak House Homes"
    ]  # fmt: skip


def test_candidates_filter_by_contract_care_type_and_area(placements_officer, referral, market):
    def shown(**filters):
        return names(outreach.outreach_candidates(placements_officer, referral, **filters))

    assert shown(contract="none") == ["Northern Fostering"]
    assert shown(contract="off_contract") == ["Beacon Care"]
    assert shown(care_type="long_term") == ["Zenith Fostering"]
    assert shown(area="bolt") == ["Zenith Fostering"]


# Sending the referral --------------------------------------------------------------------------------


def test_sending_makes_one_request_each_due_in_two_working_days(
    placements_officer, referral, market
):
    made = send(placements_officer, referral, market["zenith"], market["northern"])
    assert [(r.provider.name, r.contract_status) for r in made] == [
        ("Zenith Fostering", "in_contract"), ("Northern Fostering", "")
    ]  # fmt: skip
    assert {r.answer_due_at for r in made} == {DUE}
    assert {r.status for r in made} == {AgencyRequest.Status.SENT}


def test_sending_emails_the_provider_and_its_contacts_who_receive_referrals_naming_no_child(
    placements_officer, referral, child, agency, outreach_contact
):
    agency.email = "referrals@northern.example.org"
    agency.save()
    ProviderContact.objects.create(
        organisation=agency, name="Finance", email="finance@northern.example.org",
        receives_referrals=False,
    )  # fmt: skip
    (sent,) = send(placements_officer, referral, agency, message="Amy loves swimming.")
    mail = list(OutgoingEmail.objects.filter(subject__contains="Wigan Council"))
    assert sorted(m.to for m in mail) == [
        "referrals@northern.example.org", "rita.patel@northern.example.org"
    ]  # fmt: skip
    body = mail[0].body
    assert f"/portal/requests/{sent.pk}/" in body
    assert "8 December 2026 at 23:59" in body
    for named in (child.first_name, child.last_name, "swimming"):
        assert named not in body and named not in mail[0].subject


def test_sending_to_a_provider_already_sent_is_refused_by_name_and_writes_nothing(
    placements_officer, referral, market
):
    send(placements_officer, referral, market["beacon"])
    with pytest.raises(ReferralError) as refusal:
        send(placements_officer, referral, market["zenith"], market["beacon"])
    assert "Beacon Care already has this referral" in refusal.value.field_errors["providers"]
    assert AgencyRequest.objects.count() == 1
    assert len(events(referral, outreach.SENT_ACTION)) == 1


def test_sending_nobody_is_refused_at_the_field(placements_officer, referral):
    with pytest.raises(ReferralError) as refusal:
        send(placements_officer, referral)
    assert refusal.value.field_errors == {
        "providers": "Choose at least one provider to send the referral to"
    }


def test_a_children_home_cannot_be_sent_the_referral_before_widening(
    placements_officer, referral, market
):
    with pytest.raises(ReferralError) as refusal:
        send(placements_officer, referral, market["homes"])
    assert "Oak House Homes runs children's homes only" in refusal.value.field_errors["providers"]
    assert not AgencyRequest.objects.exists()


@pytest.mark.parametrize("persona", ["social_worker", "team_manager", "iro"])
def test_only_search_workers_send_the_referral(persona, request, referral, agency, child_team):
    with pytest.raises(ActionNotAllowed, match="Only a placements officer"):
        send(request.getfixturevalue(persona), referral, agency)
    assert not AgencyRequest.objects.exists()


def test_a_fostering_duty_worker_may_send_it(wigan, referral, agency):
    duty = member(wigan, Role.FOSTERING_DUTY_WORKER, username="duty.wigan")
    assert len(send(duty, referral, agency)) == 1


def test_another_councils_placements_officer_cannot_send_it(trafford, referral, agency):
    theirs = member(trafford, Role.PLACEMENTS_OFFICER, username="po.trafford")
    with pytest.raises(ActionNotAllowed):
        send(theirs, referral, agency)
    assert not AgencyRequest.objects.exists()


def test_a_referral_not_searching_cannot_be_sent(placements_officer, referral, agency):
    Referral.objects.filter(pk=referral.pk).update(status=Status.MATCHED)
    with pytest.raises(ActionNotAllowed, match="not searching"):
        send(placements_officer, fresh(referral), agency)


def test_sending_starts_an_agency_search_not_started(placements_officer, referral, agency):
    Referral.objects.filter(pk=referral.pk).update(agency_search=Referral.SearchState.NOT_STARTED)
    send(placements_officer, fresh(referral), agency)
    assert fresh(referral).agency_search == Referral.SearchState.SEARCHING


def test_sending_is_on_the_chronology_with_each_contract_and_audited(
    placements_officer, referral, market
):
    send(placements_officer, referral, market["zenith"], market["northern"])
    assert chronology_lines(referral, placements_officer)[-1] == (
        "Referral sent to Zenith Fostering (in contract) and Northern Fostering (no contract) by "
        f"{placements_officer.display_name} (placements officer)"
    )
    assert AuditEvent.objects.filter(
        record_type="referral", record_id=str(referral.pk), detail__startswith="sent to providers"
    ).exists()


# Contacts with providers -------------------------------------------------------------------------------


def test_a_phone_call_is_logged_on_the_chronology(placements_officer, referral, agency):
    outreach.agency_contact_record(
        user=placements_officer, referral=referral, provider=agency, kind="phone",
        note="Rang the duty desk: they will look at their carers by Monday.",
    )  # fmt: skip
    (event,) = events(referral, outreach.CONTACT_ACTION)
    assert event.comment == "Rang the duty desk: they will look at their carers by Monday."
    assert chronology_lines(referral, placements_officer)[-1] == (
        f"Phone call with Northern Fostering recorded by {placements_officer.display_name} "
        "(placements officer)"
    )


def test_a_referral_meeting_needs_its_date(placements_officer, referral, agency):
    with pytest.raises(ReferralError) as refusal:
        outreach.agency_contact_record(
            user=placements_officer, referral=referral, provider=agency, kind="meeting",
            note="Meeting with their matching team.",
        )  # fmt: skip
    assert refusal.value.field_errors == {"meeting_on": "Enter the date of the referral meeting"}
    outreach.agency_contact_record(
        user=placements_officer, referral=referral, provider=agency, kind="meeting",
        note="Meeting with their matching team.", meeting_on=timezone.localdate() + timedelta(3),
    )  # fmt: skip
    assert (
        "Referral meeting with Northern Fostering on 7 December 2026"
        in (chronology_lines(referral, placements_officer)[-1])
    )


def test_a_contact_needs_a_kind_and_a_note(placements_officer, referral, agency):
    with pytest.raises(ReferralError) as refusal:
        outreach.agency_contact_record(
            user=placements_officer, referral=referral, provider=agency, kind="fax", note=" "
        )
    assert set(refusal.value.field_errors) == {"kind", "note"}
    assert not events(referral, outreach.CONTACT_ACTION)


def test_a_social_worker_does_not_log_provider_contacts(social_worker, referral, agency):
    with pytest.raises(ActionNotAllowed):
        outreach.agency_contact_record(
            user=social_worker, referral=referral, provider=agency, kind="phone", note="Rang."
        )


# Widening the search ----------------------------------------------------------------------------------


WHY = "No foster home in three weeks; Amy needs somewhere tonight."


def test_the_allocated_social_worker_widens_the_search(social_worker, referral):
    outreach.search_widen(
        user=social_worker, referral=referral, widen_to=["residential"], reason=WHY
    )
    widened = fresh(referral)
    assert widened.search_widened_to == ["residential"]
    assert widened.search_widened_by == social_worker
    assert widened.search_widened_at == timezone.now()
    assert widened.search_widening_reason == WHY
    assert chronology_lines(referral, social_worker)[-1] == (
        f"Search widened to children's homes with the permission of "
        f"{social_worker.display_name} (social worker)"
    )


@pytest.mark.parametrize("persona", ["team_manager", "placements_officer", "service_lead"])
def test_nobody_but_the_allocated_social_worker_widens_it(persona, request, referral, child_team):
    with pytest.raises(ActionNotAllowed, match="Only the child's allocated social worker"):
        outreach.search_widen(
            user=request.getfixturevalue(persona), referral=referral, widen_to=["residential"],
            reason=WHY,
        )  # fmt: skip
    assert fresh(referral).search_widened_to == []


def test_another_social_worker_of_the_council_cannot_widen_it(wigan, referral):
    colleague = member(wigan, Role.SOCIAL_WORKER, username="sw.colleague")
    with pytest.raises(ActionNotAllowed):
        outreach.search_widen(
            user=colleague, referral=referral, widen_to=["residential"], reason=WHY
        )


def test_widening_needs_a_reason_and_something_new(social_worker, referral):
    with pytest.raises(ReferralError) as refusal:
        outreach.search_widen(user=social_worker, referral=referral, widen_to=[], reason="")
    assert refusal.value.field_errors == {
        "widen_to": "Choose what the search may include",
        "reason": "Say why the search is widened",
    }
    outreach.search_widen(
        user=social_worker, referral=referral, widen_to=["residential"], reason=WHY
    )
    with pytest.raises(ReferralError, match="already includes children's homes"):
        outreach.search_widen(
            user=social_worker, referral=referral, widen_to=["residential"], reason=WHY
        )


# Chasing providers that have not answered -----------------------------------------------------------------


@pytest.fixture
def sent(placements_officer, referral, agency, outreach_contact):
    (made,) = send(placements_officer, referral, agency)
    OutgoingEmail.objects.all().delete()
    return made


def chases():
    return WorkItem.objects.filter(kind=WorkItem.Kind.AGENCY_CHASE)


def test_nothing_is_chased_before_the_answer_is_due(sent):
    assert outreach.chase_unanswered(DUE) == 0
    assert fresh(sent).chased_at is None


def test_a_provider_not_answering_in_time_is_chased_once(sent, placements_officer, child):
    after = DUE + timedelta(seconds=1)
    with time_machine.travel(after, tick=False):
        assert outreach.chase_unanswered(after) == 1
        assert outreach.chase_unanswered(after) == 0
        assert run_jobs(after + timedelta(hours=1)) == {}
    assert fresh(sent).chased_at == after
    (item,) = chases()
    assert (item.assigned_role, item.key, item.closed_at) == (
        "placements_officer", f"agency_request:{sent.pk}", None
    )  # fmt: skip
    assert item in tray_for_user(placements_officer)
    reminders = OutgoingEmail.objects.filter(subject__startswith="Reminder")
    assert sorted(m.to for m in reminders) == ["rita.patel@northern.example.org"]
    assert f"/portal/requests/{sent.pk}/" in reminders[0].body
    assert child.first_name not in reminders[0].body and child.last_name not in reminders[0].body


def test_the_worker_round_chases(sent):
    assert run_jobs(DUE + timedelta(days=1)) == {"chase_unanswered": 1}


@pytest.mark.parametrize(
    "status, answer",
    [
        (AgencyRequest.Status.NO_OFFER, "No carers free."),
        (AgencyRequest.Status.OFFERED, ""),
        (AgencyRequest.Status.WITHDRAWN, ""),
        (AgencyRequest.Status.CLOSED, ""),
    ],
)
def test_a_request_answered_withdrawn_or_closed_is_not_chased(sent, status, answer):
    AgencyRequest.objects.filter(pk=sent.pk).update(status=status, answer=answer)
    assert outreach.chase_unanswered(DUE + timedelta(days=3)) == 0
    assert not chases().exists()


def test_a_referral_no_longer_searching_is_not_chased(sent, referral):
    Referral.objects.filter(pk=referral.pk).update(status=Status.MATCHED)
    assert outreach.chase_unanswered(DUE + timedelta(days=3)) == 0


def test_the_chase_closes_when_the_provider_answers(sent, agency_user):
    outreach.chase_unanswered(DUE + timedelta(days=1))
    assert outreach.close_chase(sent, agency_user) == 1
    assert chases().get().closed_by == agency_user


# Withdrawing the referral from a provider --------------------------------------------------------------


def withdraw(user, agency_request, reason="A home was found in-house.", **fields):
    return outreach.agency_request_withdraw(
        user=user, agency_request=agency_request, reason=reason, **fields
    )


def test_withdrawing_the_referral_tells_the_provider_and_closes_its_chase(
    sent, placements_officer, referral, child
):
    outreach.chase_unanswered(DUE + timedelta(days=1))
    OutgoingEmail.objects.all().delete()
    withdraw(placements_officer, sent)
    withdrawn = fresh(sent)
    assert (withdrawn.status, withdrawn.withdrawn_by, withdrawn.withdrawn_reason) == (
        AgencyRequest.Status.WITHDRAWN, placements_officer, "A home was found in-house."
    )  # fmt: skip
    assert not chases().filter(closed_at__isnull=True).exists()
    (mail,) = OutgoingEmail.objects.all()
    assert "withdrawn a referral" in mail.subject
    assert child.first_name not in mail.body and "in-house" not in mail.body
    assert chronology_lines(referral, placements_officer)[-1].startswith(
        "Referral withdrawn from Northern Fostering by"
    )


def test_withdrawing_withdraws_the_providers_open_offer_with_the_reason(
    sent, placements_officer, agency_user, referral
):
    offer = agency_offer(sent, agency_user)
    Referral.objects.filter(pk=referral.pk).update(agency_search=Referral.SearchState.OFFERS)
    withdraw(placements_officer, sent)
    offer = fresh(offer)
    assert (offer.status, offer.decision_reason) == (
        Offer.Status.WITHDRAWN, "A home was found in-house."
    )  # fmt: skip
    assert fresh(referral).agency_search == Referral.SearchState.SEARCHING


def test_a_provider_whose_offer_is_agreed_is_not_withdrawn_from(
    sent, placements_officer, agency_user
):
    agency_offer(sent, agency_user, status=Offer.Status.AGREED)
    with pytest.raises(ReferralError, match="record that the offer is withdrawn first"):
        withdraw(placements_officer, sent)
    assert fresh(sent).status == AgencyRequest.Status.OFFERED


@pytest.mark.parametrize(
    "status, words",
    [
        (Offer.Status.MATCHED, "Northern Fostering's carers are matched with the children"),
        (Offer.Status.PLACED, "The children live with Northern Fostering's carers"),
    ],
)
def test_a_provider_whose_offer_is_matched_or_placed_is_not_withdrawn_from(
    sent, placements_officer, agency_user, status, words
):
    offer = agency_offer(sent, agency_user, status=status)
    with pytest.raises(ReferralError) as refusal:
        withdraw(placements_officer, sent)
    assert refusal.value.field_errors["reason"].startswith(words)
    assert fresh(sent).status == AgencyRequest.Status.OFFERED
    assert fresh(offer).status == status
    (row,) = outreach.referral_panel(placements_officer, sent.referral)["requests"]
    assert row["withdraw_url"] is None


def test_a_withdrawal_needs_a_reason_and_happens_once(sent, placements_officer):
    with pytest.raises(ReferralError) as refusal:
        withdraw(placements_officer, sent, reason="")
    assert refusal.value.field_errors == {"reason": "Say why you withdraw it"}
    withdraw(placements_officer, sent)
    with pytest.raises(ActionNotAllowed, match="withdrawn from the provider"):
        withdraw(placements_officer, sent)


def test_a_withdrawal_from_a_page_drawn_before_the_provider_answered_is_refused(
    sent, placements_officer, agency_user
):
    drawn_at = sent.version
    agency_offer(sent, agency_user)
    AgencyRequest.objects.filter(pk=sent.pk).update(version=drawn_at + 1)
    with pytest.raises(ReferralError, match="answered after you opened this page"):
        withdraw(placements_officer, sent, expected_version=drawn_at)


def test_a_social_worker_cannot_withdraw_it(sent, social_worker):
    with pytest.raises(ActionNotAllowed):
        withdraw(social_worker, sent)


# The panel on the referral's page ----------------------------------------------------------------------


def test_the_panel_counts_the_requests_and_offers_the_social_worker_widening(
    sent, social_worker, placements_officer
):
    panel = outreach.referral_panel(social_worker, sent.referral)
    assert panel["counts"]["sent"] == panel["counts"]["waiting"] == 1
    assert panel["url"] == f"/referrals/{sent.referral_id}/agency-search/"
    assert panel["widen_url"] == f"/referrals/{sent.referral_id}/widen-search/"
    assert outreach.referral_panel(placements_officer, sent.referral)["widen_url"] is None
    with time_machine.travel(DUE + timedelta(days=1), tick=False):
        late = outreach.referral_panel(placements_officer, sent.referral)
    assert late["counts"]["overdue"] == 1
    assert late["requests"][0]["status"] == "Not answered in time"


def test_the_panel_is_not_for_those_who_do_not_run_or_manage_the_search(virtual_school, referral):
    assert outreach.referral_panel(virtual_school, referral) is None


@pytest.mark.parametrize(
    "ended, words",
    [(Offer.Status.EXPIRED, "Offer expired"), (Offer.Status.DECLINED, "Offer declined")],
)
def test_the_panel_says_when_a_providers_offer_ended(
    sent, social_worker, agency_user, ended, words
):
    offer = agency_offer(sent, agency_user)
    assert outreach.referral_panel(social_worker, sent.referral)["requests"][0]["status"] == (
        "Offer made"
    )
    Offer.objects.filter(pk=offer.pk).update(status=ended, decision_reason="Too far.")

    panel = outreach.referral_panel(social_worker, sent.referral)

    assert panel["requests"][0]["status"] == words
    assert (panel["counts"]["offered"], panel["counts"]["offer_ended"]) == (0, 1)
