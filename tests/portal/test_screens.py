"""The agency portal as an agency's staff use it: only the referrals sent to their agency, only the
minimised fields until a match is agreed, nothing once the referral is withdrawn from them; and the
offer, no-offer and new-terms forms, with every error at its field."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.referrals.models import Status
from hearth.search.models import AgencyRequest, Offer, SiblingSplit
from tests.factories import AgencyFactory, ChildFactory, make_referral, member
from tests.fixtures.portal import send_to

NAME, SURNAME = "Zebedee", "Quarmby"
HOME, SCHOOL = "WN1 1AA", "WN5 0XY"
WORKER = ("Rosalind", "Pemberton-Vaux")


def page(response):
    return response.content.decode()


@pytest.fixture
def zebedee(wigan, child_team):
    worker = member(
        wigan, Role.SOCIAL_WORKER, username="sw.rosalind", first_name=WORKER[0],
        last_name=WORKER[1],
    )  # fmt: skip
    return ChildFactory(
        authority=wigan, social_worker=worker, team=child_team, first_name=NAME,
        last_name=SURNAME, home_postcode=HOME, school_postcode=SCHOOL,
        date_of_birth=date(2014, 6, 1), disability="Hearing impairment",
        needs=["trauma_attachment", "missing_episodes"], risks=["absconding"],
    )  # fmt: skip


@pytest.fixture
def sent(zebedee, agency, placements_officer):
    referral = make_referral(
        zebedee, status=Status.SEARCHING, distance_limit_miles=15, education_requested=True,
        risk_management="Keep him away from Uncle Barnaby at the Fleece pub.",
    )  # fmt: skip
    return send_to(referral, agency, placements_officer)


def request_url(agency_request):
    return reverse("portal_request", args=[agency_request.pk])


# What the agency sees -------------------------------------------------------------------------------


def test_before_a_match_no_name_postcode_school_or_worker_is_shown(client, agency_user, sent):
    client.force_login(agency_user)

    shown = page(client.get(request_url(sent)))

    for secret in (NAME, SURNAME, HOME, SCHOOL, "WN5", *WORKER, "Uncle Barnaby", "routines"):
        assert secret not in shown, secret
    assert "Wigan Council, WN1" in shown
    for coded in ("Trauma and attachment", "Absconding", "Full care order", "15 miles"):
        assert coded in shown
    assert "Hearing impairment" not in shown  # a disability is said to exist, not what it is


def test_once_matched_first_names_and_the_school_area_are_added(
    client, agency_user, sent, portal_household
):
    from hearth.portal.services import agency_offer_make
    from tests.fixtures.portal import offer_terms

    offer = agency_offer_make(
        user=agency_user, agency_request=sent, **offer_terms(portal_household)
    )
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.MATCHED)
    client.force_login(agency_user)

    shown = page(client.get(request_url(sent)))

    assert NAME in shown and "WN5" in shown
    for secret in (SURNAME, HOME, SCHOOL, *WORKER, "Uncle Barnaby"):
        assert secret not in shown, secret


def test_the_list_shows_only_referrals_sent_to_the_agency(client, agency_user, sent, trafford):
    other = send_to(sent.referral, AgencyFactory(name="Other Agency"), sent.sent_by)
    client.force_login(agency_user)

    shown = page(client.get(reverse("portal")))

    assert f"Request {sent.pk}<" in shown and f"Request {other.pk}<" not in shown
    assert NAME not in shown


@pytest.mark.parametrize("requests", [1, 6])
def test_the_list_reads_the_same_queries_however_many(
    client, agency_user, agency, placements_officer, wigan, requests, django_assert_num_queries
):
    for _ in range(requests):
        child = ChildFactory(authority=wigan, social_worker=placements_officer)
        send_to(make_referral(child, status=Status.SEARCHING), agency, placements_officer)
    client.force_login(agency_user)

    # The session, the user, their second factor and memberships, the requests, their children,
    # the audit row (with its savepoints) and the session saved.
    with django_assert_num_queries(12):
        response = client.get(reverse("portal"))

    assert page(response).count('href="/portal/requests/') == requests


def test_a_closed_request_says_only_that_it_is_closed(client, agency_user, sent):
    AgencyRequest.objects.filter(pk=sent.pk).update(status=AgencyRequest.Status.CLOSED)
    client.force_login(agency_user)

    listed = page(client.get(reverse("portal")))
    shown = page(client.get(request_url(sent)))

    assert "Closed" in listed and "Short-term" not in listed
    assert "This referral is closed" in shown
    assert "Trauma and attachment" not in shown and "WN1" not in shown


def test_a_request_withdrawn_from_the_agency_is_not_found(
    client, agency_user, withdrawn_portal_request
):
    client.force_login(agency_user)

    response = client.get(request_url(withdrawn_portal_request))

    assert response.status_code == 404
    denial = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
    assert denial.record_type == "agency_request"
    assert f"Request {withdrawn_portal_request.pk}<" not in page(client.get(reverse("portal")))


def test_a_withdrawn_referral_is_gone_from_the_portal(client, agency_user, sent):
    sent.referral.status = Status.WITHDRAWN
    sent.referral.save()
    client.force_login(agency_user)

    assert client.get(request_url(sent)).status_code == 404
    assert client.get(reverse("portal_offer", args=[sent.pk])).status_code == 404


def test_council_staff_do_not_reach_the_portal(client, social_worker, placements_officer, sent):
    for person in (social_worker, placements_officer):
        client.force_login(person)
        assert client.get(reverse("portal")).status_code == 404
        assert client.get(request_url(sent)).status_code == 404


def test_siblings_who_may_live_apart_are_said_to(client, agency_user, sent, wigan, zebedee):
    sister = ChildFactory(authority=wigan, first_name="Ysolde", social_worker=zebedee.social_worker)
    sent.referral.children.add(sister)
    SiblingSplit.objects.create(
        referral=sent.referral, parts=[[zebedee.pk], [sister.pk]], reason="Too many",
        proposed_by=sent.sent_by,
    )  # fmt: skip
    client.force_login(agency_user)

    shown = page(client.get(request_url(sent)))

    assert "2: brothers and sisters, who may live apart" in shown
    assert "Child 1" in shown and "Child 2" in shown and "Ysolde" not in shown


def test_the_home_page_leads_an_agency_user_to_the_portal(client, agency_user, sent):
    client.force_login(agency_user)

    shown = page(client.get(reverse("home")))

    assert 'href="/portal/"' in shown
    assert f'href="/portal/requests/{sent.pk}/"' in shown


# Answering ------------------------------------------------------------------------------------------


def offer_form(household, **changes):
    start = timezone.localdate() + timedelta(days=2)
    return {
        "household": str(household.pk), "available_from_day": start.day,
        "available_from_month": start.month, "available_from_year": start.year,
        "weekly_cost": "925.00", "cost_covers": "Fees, support and training.",
        "carer_profile": "Ten years' experience.", "ofsted_details": "Outstanding, 2024.",
        "references": "", **changes,
    }  # fmt: skip


def test_an_offer_made_on_the_portal_goes_to_the_social_worker(
    client, agency_user, sent, portal_household, zebedee
):
    client.force_login(agency_user)

    response = client.post(reverse("portal_offer", args=[sent.pk]), offer_form(portal_household))

    assert response.status_code == 302 and response["Location"] == request_url(sent)
    offer = Offer.objects.get(agency_request=sent)
    assert offer.made_by == agency_user and offer.household == portal_household
    assert offer.status == Offer.Status.OPEN
    assert timezone.localtime(offer.expires_at).time().isoformat() == "23:59:59"
    shown = page(client.get(request_url(sent)))
    assert "£925.00" in shown and "With the child&#x27;s social worker" in shown


def test_the_offer_form_names_no_child_and_lists_only_the_agencys_carers(
    client, agency_user, sent, portal_household, household
):
    client.force_login(agency_user)

    shown = page(client.get(reverse("portal_offer", args=[sent.pk])))

    assert "Moss family" in shown and household.name not in shown
    assert NAME not in shown


def test_the_offer_forms_errors_are_at_their_fields(client, agency_user, sent, portal_household):
    client.force_login(agency_user)
    yesterday = timezone.localdate() - timedelta(days=1)

    response = client.post(
        reverse("portal_offer", args=[sent.pk]),
        offer_form(
            portal_household, weekly_cost="100000", available_from_day=yesterday.day,
            available_from_month=yesterday.month, available_from_year=yesterday.year,
        ),
    )  # fmt: skip

    assert response.status_code == 200
    shown = page(response)
    assert 'id="id_weekly_cost-error"' in shown and "£99,999.99 or less" in shown
    assert 'id="id_available_from-error"' in shown and "today or in the future" in shown
    assert not Offer.objects.exists()


def test_no_home_to_offer(client, agency_user, sent):
    client.force_login(agency_user)

    response = client.post(
        reverse("portal_no_offer", args=[sent.pk]), {"reason": "No carers near enough."}
    )

    assert response.status_code == 302
    sent.refresh_from_db()
    assert sent.status == AgencyRequest.Status.NO_OFFER


def test_no_offer_without_a_reason_is_refused_at_its_field(client, agency_user, sent):
    client.force_login(agency_user)

    response = client.post(reverse("portal_no_offer", args=[sent.pk]), {"reason": ""})

    assert 'id="id_reason-error"' in page(response)


def test_new_terms_for_an_offer(client, agency_user, portal_offer):
    client.force_login(agency_user)
    url = reverse("portal_offer_revise", args=[portal_offer.pk])
    expires = timezone.localtime(portal_offer.expires_at).date()

    response = client.post(
        url,
        {
            "weekly_cost": "895.50", "cost_covers": "All of it, and respite.",
            "expires_at_day": expires.day, "expires_at_month": expires.month,
            "expires_at_year": expires.year, "version": portal_offer.version,
        },
    )  # fmt: skip

    assert response.status_code == 302
    assert Offer.objects.get(pk=portal_offer.pk).cost_covers == "All of it, and respite."


def test_new_terms_from_an_old_page_are_refused(client, agency_user, portal_offer):
    client.force_login(agency_user)
    url = reverse("portal_offer_revise", args=[portal_offer.pk])

    response = client.post(
        url, {"weekly_cost": "800", "cost_covers": "Less.", "version": portal_offer.version - 1}
    )

    assert "Someone else changed the offer" in page(response)
    assert Offer.objects.get(pk=portal_offer.pk).cost_covers != "Less."


def test_another_agency_cannot_change_the_offer(client, portal_offer):
    stranger = member(AgencyFactory(name="Other"), Role.AGENCY_USER, username="other.agency")
    client.force_login(stranger)

    assert client.get(reverse("portal_offer_revise", args=[portal_offer.pk])).status_code == 404


def test_the_agreement_is_not_found_before_one_is_issued(client, agency_user, portal_offer):
    client.force_login(agency_user)
    url = reverse("portal_agreement", args=[portal_offer.agency_request_id])

    assert client.get(url).status_code == 404


# The council's side ---------------------------------------------------------------------------------


def test_a_placements_officer_records_an_offer_given_by_phone(
    client, placements_officer, sent, portal_household
):
    client.force_login(placements_officer)
    url = reverse("agency_offer_on_behalf", args=[sent.referral_id, sent.pk])

    form = page(client.get(url))
    response = client.post(url, offer_form(portal_household))

    assert NAME in form  # the council's own staff choose the children by name
    offer = Offer.objects.get(agency_request=sent)
    assert response["Location"] == reverse("offer", args=[sent.referral_id, offer.pk])
    assert offer.made_by == placements_officer


def test_a_social_worker_may_not_record_an_agencys_offer(client, sent):
    client.force_login(sent.referral.social_worker)
    url = reverse("agency_offer_on_behalf", args=[sent.referral_id, sent.pk])

    assert client.get(url).status_code == 403


def test_the_agreement_is_shared_with_the_agency_once_issued(
    client, agency_user, agreed_portal_request
):
    client.force_login(agency_user)

    shown = page(client.get(request_url(agreed_portal_request)))
    response = client.get(reverse("portal_agreement", args=[agreed_portal_request.pk]))

    assert reverse("portal_agreement", args=[agreed_portal_request.pk]) in shown
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_request_closed_once_the_children_moved_in_stays_whole(
    client, agency_user, agreed_portal_request
):
    Offer.objects.filter(agency_request=agreed_portal_request).update(status=Offer.Status.PLACED)
    AgencyRequest.objects.filter(pk=agreed_portal_request.pk).update(
        status=AgencyRequest.Status.CLOSED
    )
    client.force_login(agency_user)

    shown = page(client.get(request_url(agreed_portal_request)))

    child = agreed_portal_request.referral.children.get()
    assert child.first_name in shown and "This referral is closed" not in shown
    assert "Download the agreement" in shown


# What the review found ------------------------------------------------------------------------------


def test_only_the_children_of_the_agencys_matched_offer_are_named(
    client, agency_user, sent, wigan, zebedee, portal_household
):
    from hearth.portal.services import agency_offer_make
    from tests.fixtures.portal import offer_terms

    sister = ChildFactory(
        authority=wigan, first_name="Ysolde", social_worker=zebedee.social_worker,
        date_of_birth=date(2016, 2, 1), school_postcode="BL1 1AA",
    )  # fmt: skip
    sent.referral.children.add(sister)
    offer = agency_offer_make(
        user=agency_user, agency_request=sent, **offer_terms(portal_household, children=[zebedee])
    )
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.MATCHED)
    client.force_login(agency_user)

    shown = page(client.get(request_url(sent)))

    assert NAME in shown and "WN5" in shown
    assert "Ysolde" not in shown and "BL1" not in shown
    assert "Child 2" in shown


def test_the_councils_message_is_shown_with_the_referral(client, agency_user, sent):
    AgencyRequest.objects.filter(pk=sent.pk).update(
        message="Please ring Priya on the duty line before you offer."
    )
    client.force_login(agency_user)

    shown = page(client.get(request_url(sent)))

    assert "The council's message" in shown
    assert "Please ring Priya on the duty line before you offer." in shown


def test_the_agencys_reading_is_logged_for_the_council(client, agency_user, sent, wigan):
    client.force_login(agency_user)

    client.get(request_url(sent))

    read = AuditEvent.objects.get(
        action=AuditEvent.Action.VIEW, record_type="agency_request", record_id=str(sent.pk)
    )
    assert read.organisation == wigan and read.user == agency_user
    assert "Northern Fostering" in read.detail


def test_downloading_the_agreement_is_logged_as_reading_the_children(
    client, agency_user, agreed_portal_request
):
    client.force_login(agency_user)

    response = client.get(reverse("portal_agreement", args=[agreed_portal_request.pk]))

    assert response.status_code == 200
    (read,) = AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, record_type="child", detail__contains="placement agreement"
    )
    child = agreed_portal_request.offers.get().children.get()
    referral = agreed_portal_request.referral
    assert (read.user, read.record_id, read.organisation) == (
        agency_user,
        str(child.pk),
        referral.authority,
    )
    assert read.detail.endswith(f"read by {agreed_portal_request.provider.name}")


def test_an_agreement_issued_for_an_earlier_cost_is_not_shared(
    client, agency_user, agreed_portal_request
):
    from decimal import Decimal

    Offer.objects.filter(agency_request=agreed_portal_request).update(weekly_cost=Decimal("990.00"))
    client.force_login(agency_user)

    shown = page(client.get(request_url(agreed_portal_request)))
    response = client.get(reverse("portal_agreement", args=[agreed_portal_request.pk]))

    assert "Download the agreement" not in shown
    assert response.status_code == 404


@pytest.mark.parametrize(
    "ended, words",
    [
        (Offer.Status.EXPIRED, "Offer expired"),
        (Offer.Status.DECLINED, "Offer declined"),
        (Offer.Status.CLOSED, "Offer closed: another home was matched"),
    ],
)
def test_a_request_whose_offer_ended_says_so_and_takes_a_new_offer(
    client, agency_user, portal_offer, ended, words
):
    agency_request = portal_offer.agency_request
    Offer.objects.filter(pk=portal_offer.pk).update(status=ended, decision_reason="Too far.")
    client.force_login(agency_user)

    listed = page(client.get(reverse("portal")))
    shown = page(client.get(request_url(agency_request)))

    assert words in listed and "Offer made" not in listed
    assert words in shown and "Offer made" not in shown
    assert reverse("portal_offer", args=[agency_request.pk]) in shown
    assert client.get(reverse("portal_offer", args=[agency_request.pk])).status_code == 200


def test_a_request_with_a_new_offer_after_one_expired_is_offered_again(
    client, agency_user, portal_offer, portal_household
):
    from hearth.portal.services import agency_offer_make
    from tests.fixtures.portal import offer_terms

    Offer.objects.filter(pk=portal_offer.pk).update(status=Offer.Status.EXPIRED)
    agency_offer_make(
        user=agency_user, agency_request=portal_offer.agency_request,
        **offer_terms(portal_household),
    )  # fmt: skip
    client.force_login(agency_user)

    listed = page(client.get(reverse("portal")))

    assert "Offer made" in listed and "Offer expired" not in listed
