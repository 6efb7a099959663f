"""The in-house search through its screens: the ranked households, a contact with carers, their
offer as the child's social worker reads it, each step of the offer to a signed matching form and a
matched referral, and the split of brothers and sisters who cannot live together."""

import re
from datetime import date, datetime

import pytest
import time_machine
from django.urls import reverse

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.core.models import Policy
from hearth.people.models import Carer, SiblingGroup
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.referrals.services import ReferralError
from hearth.search import services
from hearth.search.models import Consultation, MatchingForm, Offer, SiblingSplit
from hearth.search.vocabulary import OFFERS
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory, make_referral, member
from tests.screens import field_error, page, summary_links

NEED = "trauma_attachment"  # every factory child's need
NEAR_SCHOOL = "WN1 1AB"


@pytest.fixture(autouse=True)
def frozen_today():
    """15 June 2026, mid-morning in London: ages and experience are worked out on it."""
    with time_machine.travel(datetime(2026, 6, 15, 10, 30, tzinfo=LONDON), tick=False):
        yield


@pytest.fixture
def duty_worker(wigan):
    return member(
        wigan, Role.FOSTERING_DUTY_WORKER, username="duty.wigan", first_name="Dee",
        last_name="Duty",
    )  # fmt: skip


def accepted(*children, **fields):
    """A referral for the children as the placements team leaves it on accepting it."""
    return make_referral(
        *children,
        status=Status.SEARCHING,
        search_route=Referral.SearchRoute.IN_HOUSE_FIRST,
        in_house_search=Referral.SearchState.SEARCHING,
        file_reference="PL000001",
        **fields,
    )


@pytest.fixture
def searching(child, child_team):
    """Amy's referral in Children in Care Team North, accepted: the in-house search is on."""
    child.school_postcode = "WN1 1AA"
    child.save()
    return accepted(child)


@pytest.fixture
def carers(wigan, supervising_social_worker):
    """The Ashworths, by Amy's school: approved for two, trained in trauma and attachment."""
    household = HouseholdFactory(
        provider=wigan, name="Ashworth family", reference="H2001", max_children=2,
        skills=[NEED, "education_support"], postcode=NEAR_SCHOOL, languages=["english"],
        religion="christian", ethnicity="WBRI", supervising_social_worker=supervising_social_worker,
        approved_on=date(2023, 4, 1),
    )  # fmt: skip
    household.carers.update(first_name="Pat", last_name="Ashworth", date_of_birth=date(1980, 2, 1))
    Carer.objects.create(household=household, first_name="Chris", last_name="Ashworth")
    return household


@pytest.fixture
def ben_worker(wigan):
    return member(wigan, Role.SOCIAL_WORKER, username="sw.ben", first_name="Bea", last_name="Bell")


@pytest.fixture
def ben_iro(wigan):
    return member(wigan, Role.IRO, username="iro.ben", first_name="Ira", last_name="Moss")


@pytest.fixture
def ben(wigan, carers, ben_worker, ben_iro):
    """Ben, 14, already living with the Ashworths, with a social worker and an IRO of his own."""
    return ChildFactory(
        authority=wigan, placed_with=carers, first_name="Ben", last_name="Hollins",
        date_of_birth=date(2012, 5, 1), social_worker=ben_worker, iro=ben_iro,
    )  # fmt: skip


@pytest.fixture
def offer(searching, carers, ben, duty_worker):
    """The Ashworths' offer for Amy, recorded by the duty worker."""
    _, offer = services.contact_record(
        user=duty_worker, referral=searching, household=carers, outcome=OFFERS,
        note="They can do the school run.",
    )  # fmt: skip
    return offer


@pytest.fixture
def agreed(offer, social_worker):
    services.offer_record_conversation(
        user=social_worker, offer=offer, conversation="Talked through Amy's routines."
    )
    return services.offer_decide(user=social_worker, offer=offer, agree=True)


def signed_in(client, user):
    client.force_login(user)
    return client


def search_url(referral):
    return reverse("in_house_search", args=[referral.pk])


def contact_url(referral, household):
    return reverse("search_contact", args=[referral.pk, household.pk])


def offer_url(offer, name="offer"):
    return reverse(name, args=[offer.referral_id, offer.pk])


def text_of(response):
    """The page's words, without its markup."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page(response)))


def section(response, heading):
    """The page's words from a heading to the next heading of the same size."""
    words = page(response)
    start = words.index(f">{heading}</h2>")
    size = re.search(r'class="(govuk-heading-\w+)"[^<]*$', words[:start]).group(1)
    end = words.find(f'<h2 class="{size}"', start)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", words[start : end if end > 0 else None]))


def sent_back(response, **answers):
    """What the browser sends back from the page's form: its hidden fields (the version of the
    record the page was drawn from) with the answers given."""
    hidden = re.findall(
        r'<input type="hidden" name="(\w+)"(?: value="([^"]*)")?', response.content.decode()
    )
    return {
        **{name: value for name, value in hidden if name != "csrfmiddlewaretoken"},
        **answers,
    }


def error_summary(response):
    body = page(response)
    summary = body[body.index("govuk-error-summary__list") :]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary[: summary.index("</ul>")]))


def denials():
    return list(
        AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).values_list(
            "username", "record_type", "record_id"
        )
    )


def audited(action, record_type):
    return list(
        AuditEvent.objects.filter(action=action, record_type=record_type).values_list(
            "username", "record_id", "detail"
        )
    )


def set_switch(authority, name, value):
    policy = Policy.objects.get(authority=authority)
    policy.switches[name] = value
    policy.save()


# The search ---------------------------------------------------------------------------------------


def test_the_search_ranks_households_with_their_reasons_for_a_search_worker(
    client, duty_worker, searching, carers, wigan
):
    HouseholdFactory(provider=wigan, name="Birchall family", postcode=NEAR_SCHOOL, skills=[])
    response = signed_in(client, duty_worker).get(search_url(searching))

    assert response.status_code == 200
    available = section(response, "Available now")
    assert available.index("1. Ashworth family") < available.index("2. Birchall family")
    assert "meets 1 of 1 needs: trauma_attachment" in available
    assert "does not meet 1 of 1 needs: trauma_attachment (support gaps)" in available
    assert "Support gaps: Trauma and attachment" in available
    assert re.search(r"Score \d+%", available)
    assert re.search(r"Distance \d+\.\d miles", available)
    assert "Carers Pat Ashworth and Chris Ashworth" in available
    assert "Free places now 2" in available
    assert "Last contact Not contacted for this referral" in available
    assert f'href="{contact_url(searching, carers)}"' in page(response)
    assert f'href="{reverse("household", args=[carers.pk])}"' in page(response)
    children = section(response, "The child")
    assert "age 11" in children and "Trauma and attachment" in children
    assert "Distances are measured from Amy's school (WN1 1AA)" in children


def test_reading_the_search_is_audited_with_the_households_it_shows(
    client, duty_worker, searching, carers
):
    signed_in(client, duty_worker).get(search_url(searching))
    assert audited(AuditEvent.Action.VIEW, "referral") == [("duty.wigan", str(searching.pk), "")]
    assert audited(AuditEvent.Action.LIST, "household") == [
        ("duty.wigan", "", f"1 shown on the in-house search of referral {searching.pk}")
    ]


def test_a_household_full_until_a_child_moves_on_is_a_place_expected_to_come_free(
    client, duty_worker, searching, carers, wigan, social_worker
):
    carers.max_children = 1
    carers.save()
    leaving = ChildFactory(
        authority=wigan, placed_with=carers, first_name="Dan", last_name="Moore",
        date_of_birth=date(2014, 1, 1), social_worker=social_worker,
    )  # fmt: skip
    accepted(leaving)

    response = signed_in(client, duty_worker).get(search_url(searching))

    assert "Ashworth family" not in section(response, "Available now")
    pending = section(response, "Places expected to come free")
    assert "1. Ashworth family" in pending
    assert "Dan Moore, age 12" in pending
    assert "Free places now 0" in pending
    assert audited(AuditEvent.Action.LIST, "child")[-1][2] == (
        f"1 shown on the in-house search of referral {searching.pk}"
    )


def test_households_that_cannot_take_the_child_are_listed_with_why_in_a_details(
    client, duty_worker, searching, wigan
):
    HouseholdFactory(provider=wigan, name="Cole family", postcode=NEAR_SCHOOL, max_age=4)
    response = signed_in(client, duty_worker).get(search_url(searching))
    not_suitable = page(response)[page(response).index(">Not suitable</h2>") :]
    assert '<details class="govuk-details">' in not_suitable
    assert "1 household cannot take this child, and why" in not_suitable
    assert "Cole family" in not_suitable
    assert re.search(r"<li>[^<]*age[^<]*</li>", not_suitable)


def test_the_last_contact_and_the_live_offer_are_shown_on_the_households_card(
    client, duty_worker, searching, offer
):
    response = signed_in(client, duty_worker).get(search_url(searching))
    card = section(response, "Available now")
    assert "Offer: With the social worker" in card
    assert "Last contact They offer a home Dee Duty, 15 June 2026 at 10:30am" in card
    assert f'href="{offer_url(offer)}"' in page(response)


def test_suggested_splits_are_labelled_with_a_link_to_propose_each(
    client, duty_worker, wigan, child, child_team, social_worker
):
    set_switch(wigan, "allow_sibling_split", True)
    group = SiblingGroup.objects.create(authority=wigan, reference="SG1")
    child.sibling_group = group
    child.save()
    cal = ChildFactory(
        authority=wigan, social_worker=social_worker, sibling_group=group, first_name="Cal",
        date_of_birth=date(2018, 1, 1),
    )  # fmt: skip
    referral = accepted(child, cal)
    HouseholdFactory(provider=wigan, name="Dale family", postcode=NEAR_SCHOOL, max_children=1)

    response = signed_in(client, duty_worker).get(search_url(referral))

    splits = section(response, "Suggested splits")
    assert "No household can take all the brothers and sisters together" in splits
    assert "Split 1:" in splits
    link = re.search(r'href="([^"]*/split/\?[^"]*)">Propose this split', page(response))
    assert link, "each suggested split can be proposed"
    assert link.group(1).startswith(reverse("split_propose", args=[referral.pk]))
    proposal = client.get(link.group(1).replace("&amp;", "&"))
    assert proposal.status_code == 200
    chosen = re.findall(r'name="(part_\d+)" type="radio" value="(\d)" checked', page(proposal))
    assert sorted(chosen) == sorted([(f"part_{child.pk}", "1"), (f"part_{cal.pk}", "2")]) or (
        sorted(chosen) == sorted([(f"part_{child.pk}", "2"), (f"part_{cal.pk}", "1")])
    )


def test_the_childs_social_worker_reads_the_search_but_records_no_contact(
    client, social_worker, searching, carers
):
    response = signed_in(client, social_worker).get(search_url(searching))
    assert response.status_code == 200
    assert "1. Ashworth family" in section(response, "Available now")
    assert "Record a contact" not in page(response)
    contact = reverse("search_contact", args=[searching.pk, carers.pk])
    assert signed_in(client, social_worker).get(contact).status_code == 403


def test_an_iro_may_not_see_the_search_and_is_audited(client, iro, searching):
    response = signed_in(client, iro).get(search_url(searching))
    assert response.status_code == 403
    assert "Only a placements officer, fostering duty worker" in page(response)
    assert denials() == [(iro.username, "referral", str(searching.pk))]


def test_the_search_of_a_referral_not_yet_accepted_is_refused(client, duty_worker, child):
    draft = make_referral(child)
    response = signed_in(client, duty_worker).get(search_url(draft))
    assert response.status_code == 403
    assert "the referral is draft" in page(response)


def test_another_councils_staff_get_not_found_for_the_search(client, trafford, searching):
    outsider = member(trafford, Role.FOSTERING_DUTY_WORKER, username="duty.trafford")
    assert signed_in(client, outsider).get(search_url(searching)).status_code == 404
    assert denials() == [("duty.trafford", "referral", str(searching.pk))]


QUERIES_ON_THE_SEARCH = 24  # with the session, the sign-in checks, savepoints and the audit rows


@pytest.mark.parametrize("households", [1, 12])
def test_the_search_reads_the_same_number_of_queries_however_many_households(
    client, duty_worker, searching, wigan, households, django_assert_num_queries
):
    for number in range(households):
        household = HouseholdFactory(
            provider=wigan, name=f"Family {number}", postcode=NEAR_SCHOOL, max_children=3
        )
        ChildFactory(authority=wigan, placed_with=household, date_of_birth=date(2010, 1, 1))
    signed_in(client, duty_worker)
    with django_assert_num_queries(QUERIES_ON_THE_SEARCH):
        response = client.get(search_url(searching))
    assert page(response).count("Record a contact<") == households


# A contact with carers ----------------------------------------------------------------------------


def test_the_contact_form_reveals_the_reason_only_for_carers_who_decline(
    client, duty_worker, searching, carers
):
    response = signed_in(client, duty_worker).get(contact_url(searching, carers))
    body = page(response)
    assert response.status_code == 200
    assert "Record a contact with Ashworth family" in body
    declines = re.search(r'value="declines"[^>]*data-hearth-reveals="([^"]+)"', body)
    assert declines
    revealed = body[body.index(f'id="{declines.group(1)}"') :]
    assert revealed.index('name="reason"') < revealed.index("</div>\n      \n")
    assert "Why do they decline?</legend>" in body  # asked once they decline: not optional
    assert 'name="children"' not in body  # one child: nothing to choose
    assert audited(AuditEvent.Action.VIEW, "household") == [("duty.wigan", str(carers.pk), "")]


def test_no_answer_is_recorded_and_shown_on_the_search(client, duty_worker, searching, carers):
    response = signed_in(client, duty_worker).post(
        contact_url(searching, carers), {"outcome": "no_answer", "note": "Rang at 10."}, follow=True
    )
    assert response.redirect_chain == [(search_url(searching), 302)]
    assert "The contact with Ashworth family is recorded" in page(response)
    assert "Last contact No answer" in section(response, "Available now")
    event = ReferralEvent.objects.get(referral=searching, action="carer_contact")
    assert (event.detail["outcome"], event.comment) == ("no_answer", "Rang at 10.")


def test_carers_who_decline_give_a_reason_at_the_field(client, duty_worker, searching, carers):
    signed_in(client, duty_worker)
    response = client.post(contact_url(searching, carers), {"outcome": "declines"})
    assert response.status_code == 200
    assert field_error(response, "reason") == "Choose why the carers decline"
    assert ("#id_reason_0", "Choose why the carers decline") in summary_links(response)
    assert not ReferralEvent.objects.filter(action="carer_contact").exists()

    response = client.post(
        contact_url(searching, carers), {"outcome": "declines", "reason": "other"}
    )
    assert field_error(response, "note") == "Say why the carers decline"

    client.post(contact_url(searching, carers), {"outcome": "declines", "reason": "no_vacancy"})
    event = ReferralEvent.objects.get(action="carer_contact")
    assert (event.detail["outcome"], event.detail["reason"]) == ("declines", "no_vacancy")


def test_carers_who_offer_make_an_offer_and_the_offer_page_opens(
    client, duty_worker, searching, carers
):
    response = signed_in(client, duty_worker).post(
        contact_url(searching, carers),
        {"outcome": "offers", "available_from_day": "1", "available_from_month": "7",
         "available_from_year": "2026", "note": "Ready from July."},
        follow=True,
    )  # fmt: skip
    offer = Offer.objects.get()
    assert response.redirect_chain == [(offer_url(offer), 302)]
    assert "Ashworth family's offer is recorded: their profile is with the social worker" in (
        page(response)
    )
    assert (offer.available_from, offer.note, offer.status) == (
        date(2026, 7, 1), "Ready from July.", Offer.Status.OPEN,
    )  # fmt: skip
    assert list(offer.children.all()) == list(searching.children.all())


def test_for_brothers_and_sisters_the_offer_may_be_for_some_of_them(
    client, duty_worker, wigan, child, child_team, social_worker, carers
):
    cal = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Cal")
    referral = accepted(child, cal)
    signed_in(client, duty_worker)
    shown = client.get(contact_url(referral, carers))
    ticked = re.findall(r'name="children" type="checkbox" value="(\d+)" checked', page(shown))
    assert sorted(ticked) == sorted([str(child.pk), str(cal.pk)])

    refused = client.post(contact_url(referral, carers), {"outcome": "offers"})
    assert field_error(refused, "children") == (
        "Choose at least one child the carers offer a home to"
    )

    client.post(contact_url(referral, carers), {"outcome": "offers", "children": [cal.pk]})
    assert list(Offer.objects.get().children.all()) == [cal]


def test_the_childs_social_worker_may_not_record_a_contact(
    client, social_worker, searching, carers
):
    signed_in(client, social_worker)
    assert client.get(contact_url(searching, carers)).status_code == 403
    response = client.post(contact_url(searching, carers), {"outcome": "no_answer"})
    assert response.status_code == 403
    assert denials() == [("sw.wigan", "referral", str(searching.pk))] * 2
    assert not ReferralEvent.objects.filter(action="carer_contact").exists()


def test_an_agency_household_is_not_found_on_the_in_house_search(
    client, placements_officer, searching, agency_household
):
    response = signed_in(client, placements_officer).get(contact_url(searching, agency_household))
    assert response.status_code == 404
    assert denials() == [(placements_officer.username, "household", str(agency_household.pk))]


def test_another_councils_carers_are_not_found_on_the_search_even_by_one_who_may_see_them(
    client, duty_worker, searching, trafford
):
    """A duty worker for two councils sees both councils' carers, but one council's search is of
    its own carers only: the other's are not found there, and the attempt is audited."""
    Membership.objects.create(user=duty_worker, organisation=trafford, role=duty_worker_role())
    theirs = HouseholdFactory(provider=trafford, name="Trafford family", postcode=NEAR_SCHOOL)
    signed_in(client, duty_worker)
    assert client.get(reverse("household", args=[theirs.pk])).status_code == 200

    response = client.post(contact_url(searching, theirs), {"outcome": "no_answer"})

    assert response.status_code == 404
    assert denials() == [("duty.wigan", "household", str(theirs.pk))]
    assert not ReferralEvent.objects.filter(action="carer_contact").exists()


def duty_worker_role():
    return Role.FOSTERING_DUTY_WORKER


# The offer ----------------------------------------------------------------------------------------


def test_the_social_worker_reads_the_carers_profile_and_the_steps_open_to_them(
    client, social_worker, offer, ben, ben_worker
):
    response = signed_in(client, social_worker).get(offer_url(offer))
    assert response.status_code == 200
    carers = section(response, "The carers")
    assert "Pat Ashworth, age 46" in carers
    assert "Chris Ashworth, age Not recorded" in carers
    assert "Ages 0 to 17, up to 2 children" in carers
    assert "Short-term" in carers and "Emergency (same day)" in carers
    assert "Trauma and attachment: therapeutic parenting, predictable routines" in carers
    assert "3 years fostering: approved on 1 April 2023" in carers
    assert "English" in carers and "Christian" in carers and "White British" in carers
    assert "Children living with them 1 child: aged 14" in carers
    assert "Ben Hollins" not in carers
    assert "Supervising social worker" in carers
    assert "With the social worker" in text_of(response)
    assert "They can do the school run." in section(response, "The offer")
    for step in ("offer_conversation", "offer_decide"):
        assert f'href="{offer_url(offer, step)}"' in page(response), step
    assert offer_url(offer, "offer_withdraw") not in page(response)
    questions = section(response, "Children already living with the carers")
    assert "Social worker of Ben Hollins, age 14" in questions
    assert "IRO of Ben Hollins, age 14" in questions
    assert "Bea Bell" in questions and "Waiting for an answer" in questions


def test_reading_the_offer_is_audited_with_the_household_and_the_children_named(
    client, social_worker, offer, ben, carers
):
    signed_in(client, social_worker).get(offer_url(offer))
    assert audited(AuditEvent.Action.VIEW, "referral")[-1][:2] == (
        "sw.wigan",
        str(offer.referral_id),
    )
    assert audited(AuditEvent.Action.VIEW, "household") == [("sw.wigan", str(carers.pk), "")]
    assert audited(AuditEvent.Action.LIST, "child") == [
        ("sw.wigan", "", f"1 shown on offer {offer.pk} of referral {offer.referral_id}")
    ]


def test_someone_who_may_not_see_households_reads_the_offer_without_the_carers(
    client, virtual_school, offer
):
    response = signed_in(client, virtual_school).get(offer_url(offer))
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Offer from in-house carers</h1>' in page(response)
    assert "<title>Offer from in-house carers – Referral" in page(response)
    assert "Ashworth" not in page(response)
    assert "The carers' profile is shown only to people who may see" in text_of(response)
    assert not audited(AuditEvent.Action.VIEW, "household")


def test_a_child_of_another_council_living_with_the_carers_is_shown_by_age_only(
    client, social_worker, searching, carers, duty_worker, trafford
):
    ChildFactory(
        authority=trafford, placed_with=carers, first_name="Eve", last_name="Trafford",
        date_of_birth=date(2016, 1, 1),
    )  # fmt: skip
    _, offer = services.contact_record(
        user=duty_worker, referral=searching, household=carers, outcome=OFFERS
    )
    response = signed_in(client, social_worker).get(offer_url(offer))
    questions = section(response, "Children already living with the carers")
    assert "Eve" not in page(response)
    assert "Social worker of a child aged 10 " in questions
    assert "IRO of a child aged 10 " in questions
    assert "No one allocated in Hearth: the search team records the answer" in questions


def test_the_person_asked_sees_a_link_to_answer_and_a_search_worker_one_to_record(
    client, offer, ben_worker, duty_worker
):
    ben_question = Consultation.objects.get(asked_as="social_worker")
    iro_question = Consultation.objects.get(asked_as="iro")
    response = signed_in(client, ben_worker).get(offer_url(offer))
    mine = reverse("consultation_answer", args=[offer.referral_id, offer.pk, ben_question.pk])
    theirs = reverse("consultation_answer", args=[offer.referral_id, offer.pk, iro_question.pk])
    assert f'href="{mine}">Give your answer' in page(response)
    assert theirs not in page(response)

    response = signed_in(client, duty_worker).get(offer_url(offer))
    assert f'href="{theirs}">Record the answer' in page(response)
    assert f'href="{offer_url(offer, "offer_withdraw")}"' in page(response)
    assert offer_url(offer, "offer_decide") not in page(response)


def test_another_councils_staff_get_not_found_for_an_offer(client, outsider, offer):
    assert signed_in(client, outsider).get(offer_url(offer)).status_code == 404
    assert denials() == [("sw.trafford", "referral", str(offer.referral_id))]


@pytest.fixture
def elsewhere(wigan, social_worker, carers, ben, duty_worker):
    """Another search of the council, for Dot and her brother Eli: the Ashworths offer Dot a home
    too (Ben's social worker and IRO are asked again), and a split of the two is proposed."""
    dot = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Dot")
    eli = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Eli")
    referral = accepted(dot, eli)
    _, offer = services.contact_record(
        user=duty_worker, referral=referral, household=carers, outcome=OFFERS, children=[dot]
    )
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[dot], [eli]], reason="No home for both."
    )
    return referral, offer, split


OFFER_PAGES = [
    "offer", "offer_conversation", "offer_decide", "offer_withdraw", "matching_form",
    "matching_sign_off",
]  # fmt: skip


@pytest.mark.parametrize("name", OFFER_PAGES)
def test_an_offer_of_another_referral_is_not_found_and_the_attempt_audited(
    client, duty_worker, offer, elsewhere, name
):
    other_referral, _, _ = elsewhere
    url = reverse(name, args=[other_referral.pk, offer.pk])
    assert signed_in(client, duty_worker).get(url).status_code == 404
    assert denials() == [("duty.wigan", "offer", str(offer.pk))]


def test_a_question_about_another_offer_is_not_found_and_the_attempt_audited(
    client, ben_worker, offer, elsewhere
):
    """Ben's social worker is asked about both offers; each question is answered on its own
    offer only."""
    _, dots_offer, _ = elsewhere
    question = dots_offer.consultations.get(asked_as="social_worker")
    url = reverse("consultation_answer", args=[offer.referral_id, offer.pk, question.pk])
    response = signed_in(client, ben_worker).post(url, {"has_concerns": "no", "answer": "Fine."})
    assert response.status_code == 404
    assert denials() == [("sw.ben", "consultation", str(question.pk))]
    assert Consultation.objects.get(pk=question.pk).answered_at is None


def test_a_split_of_another_referral_is_not_found_and_the_attempt_audited(
    client, social_worker, searching, elsewhere
):
    _, _, split = elsewhere
    url = reverse("split_agree", args=[searching.pk, split.pk])
    response = signed_in(client, social_worker).post(url, {"as_role": "social_worker"})
    assert response.status_code == 404
    assert denials() == [("sw.wigan", "split", str(split.pk))]
    assert SiblingSplit.objects.get().social_worker_agreed_at is None


QUERIES_ON_AN_OFFER = 26  # with the session, the sign-in checks, savepoints and the audit rows


@pytest.mark.parametrize("placed", [1, 3])
def test_the_offer_reads_the_same_number_of_queries_however_many_children_live_there(
    client, wigan, social_worker, searching, carers, duty_worker, placed,
    django_assert_num_queries,
):  # fmt: skip
    """Each child living with the carers has their own social worker and IRO, each asked."""
    carers.max_children = placed + 1
    carers.save()
    for number in range(placed):
        ChildFactory(
            authority=wigan, placed_with=carers, first_name=f"Kid{number}",
            date_of_birth=date(2012, 5, 1),
            social_worker=member(wigan, Role.SOCIAL_WORKER, username=f"sw.kid{number}"),
            iro=member(wigan, Role.IRO, username=f"iro.kid{number}"),
        )  # fmt: skip
    _, offer = services.contact_record(
        user=duty_worker, referral=searching, household=carers, outcome=OFFERS
    )
    signed_in(client, social_worker)
    with django_assert_num_queries(QUERIES_ON_AN_OFFER):
        response = client.get(offer_url(offer))
    assert (
        section(response, "Children already living with the carers").count("Waiting for an answer")
        == 2 * placed
    )


# From the offer to the match ----------------------------------------------------------------------


def test_an_offer_walks_through_the_screens_to_a_matched_referral(
    client, offer, social_worker, ben_worker, duty_worker, team_manager, searching
):
    ben_question = Consultation.objects.get(asked_as="social_worker")
    iro_question = Consultation.objects.get(asked_as="iro")
    steps = [
        (social_worker, offer_url(offer, "offer_conversation"),
         {"conversation": "Talked about Amy's routines and school run."},
         "Your conversation is recorded"),
        (ben_worker,
         reverse("consultation_answer", args=[searching.pk, offer.pk, ben_question.pk]),
         {"has_concerns": "no", "answer": "Ben would welcome her."}, "The answer is recorded"),
        (duty_worker,
         reverse("consultation_answer", args=[searching.pk, offer.pk, iro_question.pk]),
         {"has_concerns": "no", "answer": "No concerns.",
          "recorded_from": "Ira Moss, Ben's IRO, by phone"}, "The answer is recorded"),
        (social_worker, offer_url(offer, "offer_decide"), {"decision": "agree"},
         "You agreed the offer: the matching form is next"),
        (duty_worker, offer_url(offer, "matching_form"),
         {f"need_{NEED}": "met", f"need_{NEED}_how": "Both carers trained in 2024.",
          "why_this_home": "Near her school.", "support_plan": "Fortnightly visits.",
          "family_time": "Mum fortnightly.", "then": "submit"},
         "The matching form is saved and sent for sign-off"),
    ]  # fmt: skip
    for user, url, data, message in steps:
        shown = signed_in(client, user).get(url)
        assert shown.status_code == 200, url
        response = client.post(url, sent_back(shown, **data), follow=True)
        assert response.redirect_chain == [(offer_url(offer), 302)], url
        assert message in page(response), url

    sign_off = offer_url(offer, "matching_sign_off")
    shown = signed_in(client, team_manager).get(sign_off)
    assert "Before the form can be signed off" not in page(shown)
    assert "Both carers trained in 2024." in page(shown)
    assert "recorded from Ira Moss, Ben's IRO, by phone" in page(shown)
    response = client.post(sign_off, sent_back(shown, comment=""), follow=True)

    assert response.redirect_chain == [(reverse("referral", args=[searching.pk]), 302)]
    assert "The matching form is signed off: the home is matched" in page(response)
    assert 'govuk-tag--teal">Matched: placement being arranged' in page(response)
    searching.refresh_from_db()
    assert searching.status == Status.MATCHED
    assert Offer.objects.get().status == Offer.Status.MATCHED
    consultation = Consultation.objects.get(pk=iro_question.pk)
    assert (consultation.answered_by, consultation.recorded_from) == (
        duty_worker, "Ira Moss, Ben's IRO, by phone",
    )  # fmt: skip


def test_declining_an_in_house_offer_needs_a_full_reason_at_the_field(client, social_worker, offer):
    signed_in(client, social_worker)
    shown = client.get(offer_url(offer, "offer_decide"))
    assert re.search(r'value="decline"[^>]*data-hearth-reveals="conditional-', page(shown))
    response = client.post(
        offer_url(offer, "offer_decide"), {"decision": "decline", "reason": "Too far."}
    )
    assert response.status_code == 200
    assert field_error(response, "reason").startswith("In-house offers come first")
    assert Offer.objects.get().status == Offer.Status.OPEN

    reason = "The carers' home is an hour from her school and she must keep her place."
    client.post(offer_url(offer, "offer_decide"), {"decision": "decline", "reason": reason})
    offer.refresh_from_db()
    assert (offer.status, offer.decision_reason) == (Offer.Status.DECLINED, reason)


def test_agreeing_before_the_conversation_is_refused_with_the_reason(client, social_worker, offer):
    response = signed_in(client, social_worker).post(
        offer_url(offer, "offer_decide"), {"decision": "agree"}
    )
    assert "Record your conversation with the carers before you agree" in error_summary(response)
    assert Offer.objects.get().status == Offer.Status.OPEN


def test_a_search_worker_may_not_record_the_social_workers_conversation(client, duty_worker, offer):
    signed_in(client, duty_worker)
    response = client.post(offer_url(offer, "offer_conversation"), {"conversation": "Not mine."})
    assert response.status_code == 403
    assert "Only the child's social worker or their team manager" in page(response)
    assert denials() == [("duty.wigan", "referral", str(offer.referral_id))]
    assert Offer.objects.get().conversation == ""


def test_only_the_childs_social_worker_decides_and_only_the_search_team_withdraws(
    client, duty_worker, social_worker, offer
):
    signed_in(client, duty_worker)
    refused = client.post(offer_url(offer, "offer_decide"), {"decision": "agree"})
    assert refused.status_code == 403
    assert "Only the child's social worker or their team manager can agree an offer" in (
        page(refused)
    )
    signed_in(client, social_worker)
    refused = client.post(offer_url(offer, "offer_withdraw"), {"reason": "They changed minds."})
    assert refused.status_code == 403
    assert sorted(denials()) == [
        ("duty.wigan", "referral", str(offer.referral_id)),
        ("sw.wigan", "referral", str(offer.referral_id)),
    ]
    assert Offer.objects.get().status == Offer.Status.OPEN


def test_an_agreed_offer_may_still_be_declined_with_a_reason_and_a_warning_button(
    client, social_worker, agreed
):
    offer_page = signed_in(client, social_worker).get(offer_url(agreed))
    assert ">Decline the offer<" in page(offer_page)
    response = client.get(offer_url(agreed, "offer_decide"))
    body = page(response)
    assert 'type="radio"' not in body, "nothing left to choose: no radio on its own"
    assert '<h1 class="govuk-heading-xl">Decline the offer</h1>' in body
    assert re.search(r'class="govuk-button govuk-button--warning"[^>]*>Decline the offer<', body)
    assert '<textarea class="govuk-textarea" id="id_reason" name="reason"' in body
    assert "Why you decline the offer now</label>" in body  # needed: not "(optional)"
    assert "You agreed this offer (Sam Jones, 15 June 2026 at 10:30am)" in text_of(response)

    refused = client.post(offer_url(agreed, "offer_decide"), {"reason": ""})
    assert field_error(refused, "reason") == "Enter why you decline the offer"
    refused = client.post(offer_url(agreed, "offer_decide"), {"reason": "Too far."})
    assert field_error(refused, "reason").startswith("In-house offers come first")
    assert Offer.objects.get().status == Offer.Status.AGREED

    reason = "Amy's school place has moved: the carers are now an hour away from it."
    response = client.post(offer_url(agreed, "offer_decide"), {"reason": reason}, follow=True)
    assert "You declined the offer" in page(response)
    agreed.refresh_from_db()
    assert (agreed.status, agreed.decision_reason) == (Offer.Status.DECLINED, reason)


def test_a_conversation_saved_over_a_newer_one_is_refused_and_nothing_is_saved(
    client, social_worker, team_manager, offer
):
    url = offer_url(offer, "offer_conversation")
    shown = signed_in(client, social_worker).get(url)
    services.offer_record_conversation(
        user=team_manager, offer=offer, conversation="The manager met the carers on Monday."
    )

    response = client.post(url, sent_back(shown, conversation="Talked about Amy's routines."))

    assert response.status_code == 200
    assert "The offer changed after you opened this page" in error_summary(response)
    assert "Your conversation was not saved" in error_summary(response)
    assert Offer.objects.get().conversation == "The manager met the carers on Monday."
    assert not ReferralEvent.objects.filter(action="offer_conversation", by=social_worker).exists()

    reloaded = client.get(url)
    assert "The manager met the carers on Monday." in page(reloaded)
    response = client.post(url, sent_back(reloaded, conversation="Talked about her routines."))
    assert response.status_code == 302
    assert Offer.objects.get().conversation == "Talked about her routines."


def test_a_conversation_sent_without_the_version_it_was_drawn_from_is_refused_at_the_top(
    client, social_worker, offer
):
    response = signed_in(client, social_worker).post(
        offer_url(offer, "offer_conversation"), {"conversation": "Talked."}
    )
    assert "This page is out of date: reload it and try again" in error_summary(response)
    assert Offer.objects.get().conversation == ""


def test_a_conversation_left_empty_is_refused_at_the_field(client, social_worker, offer):
    response = signed_in(client, social_worker).post(
        offer_url(offer, "offer_conversation"), {"conversation": ""}
    )
    assert field_error(response, "conversation") == "Enter your conversation with the carers"


def test_recording_an_answer_for_someone_else_says_who_gave_it(client, duty_worker, offer):
    question = Consultation.objects.get(asked_as="iro")
    url = reverse("consultation_answer", args=[offer.referral_id, offer.pk, question.pk])
    response = signed_in(client, duty_worker).post(url, {"has_concerns": "yes", "answer": "x"})
    assert field_error(response, "recorded_from") == "Enter who gave this answer, and how"
    assert Consultation.objects.get(pk=question.pk).answered_at is None


def test_someone_not_asked_may_not_answer_a_question(client, social_worker, offer):
    question = Consultation.objects.get(asked_as="iro")
    url = reverse("consultation_answer", args=[offer.referral_id, offer.pk, question.pk])
    response = signed_in(client, social_worker).get(url)
    assert response.status_code == 403
    assert denials() == [("sw.wigan", "referral", str(offer.referral_id))]


def test_the_carers_withdrawal_is_recorded_by_a_search_worker(client, duty_worker, offer):
    signed_in(client, duty_worker)
    refused = client.post(offer_url(offer, "offer_withdraw"), {"reason": ""})
    assert field_error(refused, "reason") == "Enter why the carers withdrew their offer"
    response = client.post(
        offer_url(offer, "offer_withdraw"), {"reason": "Their own son is moving home."}
    )
    assert response.status_code == 302
    assert Offer.objects.get().status == Offer.Status.WITHDRAWN


# The matching form --------------------------------------------------------------------------------


def form_post(**overrides):
    data = {
        f"need_{NEED}": "gap", f"need_{NEED}_support": "Therapeutic parenting course in July.",
        "why_this_home": "Near her school.", "support_plan": "Weekly visits at first.",
        "family_time": "Mum fortnightly.", "version": "", "then": "save",
    }  # fmt: skip
    return {**data, **overrides}


def test_the_matching_form_offers_each_need_as_met_or_a_gap_revealing_the_words(
    client, duty_worker, agreed
):
    response = signed_in(client, duty_worker).get(offer_url(agreed, "matching_form"))
    body = page(response)
    assert "Trauma and attachment: therapeutic parenting, predictable routines" in body
    met = re.search(
        rf'name="need_{NEED}" type="radio" value="met" checked data-hearth-reveals="([^"]+)"', body
    )
    assert met, "a need the carers' skills meet starts as met"
    assert body.index(f'id="{met.group(1)}"') < body.index(f'name="need_{NEED}_how"')


def test_a_need_left_unanswered_is_named_at_its_field_and_nothing_is_saved(
    client, duty_worker, agreed
):
    response = signed_in(client, duty_worker).post(
        offer_url(agreed, "matching_form"), form_post(**{f"need_{NEED}_support": ""})
    )
    assert response.status_code == 200
    assert field_error(response, f"need_{NEED}_support") == (
        "Trauma and attachment: therapeutic parenting, predictable routines: say the support "
        "that closes the gap"
    )
    assert not MatchingForm.objects.exists()


def test_a_half_done_matching_form_may_be_saved_but_not_sent_for_sign_off(
    client, duty_worker, agreed
):
    signed_in(client, duty_worker)
    half_done = form_post(why_this_home="", support_plan="", family_time="")
    response = client.post(offer_url(agreed, "matching_form"), {**half_done, "then": "submit"})
    assert field_error(response, "why_this_home") == "Enter why this home"
    assert not MatchingForm.objects.exists()

    response = client.post(offer_url(agreed, "matching_form"), half_done)
    assert response.status_code == 302
    assert MatchingForm.objects.get().gaps == [
        {"need": NEED, "support": "Therapeutic parenting course in July."}
    ]
    shown = client.get(offer_url(agreed))
    assert "Being prepared" in section(shown, "Matching form")


def test_a_form_that_cannot_be_sent_for_sign_off_is_not_saved_either(
    client, duty_worker, agreed, monkeypatch
):
    """Save and send is one step: a refused sending keeps nothing, and the page drawn again may be
    sent again as it is."""

    def refuse(**_):
        raise ReferralError(
            "The matching form is not complete", problems=["The needs have changed: read them"]
        )

    monkeypatch.setattr(services, "matching_form_submit", refuse)
    url = offer_url(agreed, "matching_form")
    shown = signed_in(client, duty_worker).get(url)
    answers = {**form_post(then="submit")}
    del answers["version"]  # the page's own

    response = client.post(url, sent_back(shown, **answers))

    assert response.status_code == 200
    assert "The needs have changed: read them" in error_summary(response)
    assert not MatchingForm.objects.exists()
    assert not ReferralEvent.objects.filter(action=services.FORM_SAVED).exists()
    monkeypatch.undo()
    response = client.post(url, sent_back(response, **answers), follow=True)
    assert "The matching form is saved and sent for sign-off" in page(response)
    assert MatchingForm.objects.get().version == 1


def test_the_matching_form_names_who_needs_each_need_and_each_question_by_its_need(
    client, duty_worker, social_worker, carers, siblings
):
    referral, amy, cal = siblings
    cal.needs = [NEED, "autism"]
    cal.save()
    _, offer = services.contact_record(
        user=duty_worker, referral=referral, household=carers, outcome=OFFERS
    )
    services.offer_record_conversation(user=social_worker, offer=offer, conversation="Met.")
    services.offer_decide(user=social_worker, offer=offer, agree=True)

    response = signed_in(client, duty_worker).get(offer_url(offer, "matching_form"))

    body = page(response)
    needed_by_both = f"Needed by {amy.full_name} and {cal.full_name}</div>"  # the eldest first
    assert f'id_need_{NEED}-hint" class="govuk-hint">{needed_by_both}' in body
    assert f'id_need_autism-hint" class="govuk-hint">Needed by {cal.full_name}</div>' in body
    labels = re.findall(r'<label class="govuk-label govuk-label--s"[^>]*>(.*?)</label>', body)
    assert len(labels) == len(set(labels)) == 7, labels  # 2 needs x 2 questions, 3 summaries
    assert (
        'How the carers meet it<span class="govuk-visually-hidden">: Autism spectrum: sensory '
        "needs, structured routines</span>"
    ) in labels


def test_a_matching_form_saved_over_someone_elses_changes_is_refused(
    client, duty_worker, social_worker, agreed
):
    signed_in(client, duty_worker).post(offer_url(agreed, "matching_form"), form_post())
    signed_in(client, social_worker).post(
        offer_url(agreed, "matching_form"), form_post(version="1", family_time="Dad monthly.")
    )
    response = signed_in(client, duty_worker).post(
        offer_url(agreed, "matching_form"), form_post(version="1", family_time="Mum weekly.")
    )
    assert "Someone else changed the matching form after you opened it" in error_summary(response)
    assert MatchingForm.objects.get().family_time == "Dad monthly."


def test_the_matching_form_of_an_offer_not_agreed_is_refused(client, duty_worker, offer):
    response = signed_in(client, duty_worker).get(offer_url(offer, "matching_form"))
    assert response.status_code == 403
    assert "not agreed by the social worker" in page(response)


def test_sign_off_refused_lists_every_problem_in_the_error_summary(
    client, duty_worker, team_manager, agreed
):
    signed_in(client, duty_worker).post(
        offer_url(agreed, "matching_form"), form_post(then="submit")
    )
    signed_in(client, team_manager)
    shown = client.get(offer_url(agreed, "matching_sign_off"))
    assert "has not answered" in section_text(shown, "sign-off-waiting")
    response = client.post(offer_url(agreed, "matching_sign_off"), sent_back(shown, comment=""))
    assert response.status_code == 200
    summary = error_summary(response)
    assert "The matching form cannot be signed off yet" in summary
    assert (
        "The Social worker of Ben Hollins, who lives with the carers, has not answered" in summary
    )
    assert Offer.objects.get().status == Offer.Status.AGREED


def section_text(response, element_id):
    body = page(response)
    start = body.index(f'id="{element_id}"')
    return re.sub(r"<[^>]+>", " ", body[start : body.index("</ul>", start)])


FORM_DATA = {
    "needs_met": [{"need": NEED, "how": "Both carers trained in 2024."}], "gaps": [],
    "why_this_home": "Near her school.", "support_plan": "Fortnightly visits.",
    "family_time": "Mum fortnightly.",
}  # fmt: skip


@pytest.fixture
def sent(agreed, ben_worker, ben_iro, duty_worker):
    """The agreed offer with every question answered and its matching form sent for sign-off."""
    for question in agreed.consultations.all():
        services.consultation_answer(
            user=question.asked_user, consultation=question, has_concerns=False, answer="Fine."
        )
    services.matching_form_save(user=duty_worker, offer=agreed, data=FORM_DATA, expected_version=0)
    services.matching_form_submit(user=duty_worker, offer=agreed)
    return agreed


def test_a_sign_off_of_a_form_changed_since_it_was_read_is_refused_and_the_form_shown_again(
    client, team_manager, duty_worker, sent
):
    url = offer_url(sent, "matching_sign_off")
    shown = signed_in(client, team_manager).get(url)
    assert sent_back(shown)["form_version"] == "1"
    changed = {**FORM_DATA, "family_time": "Dad monthly at the contact centre."}
    services.matching_form_save(user=duty_worker, offer=sent, data=changed, expected_version=1)
    services.matching_form_submit(user=duty_worker, offer=sent)

    response = client.post(url, sent_back(shown, comment="A good match."))

    assert response.status_code == 200
    assert error_summary(response).count(services.FORM_CHANGED) == 1
    assert Offer.objects.get().status == Offer.Status.AGREED
    assert "Dad monthly at the contact centre." in page(response)  # the form as it now stands
    assert sent_back(response)["form_version"] == "2"  # signing now is of that one
    response = client.post(url, sent_back(response, comment="A good match."))
    assert response.status_code == 302
    assert Offer.objects.get().status == Offer.Status.MATCHED
    assert MatchingForm.objects.get().sign_off_comment == "A good match."


def test_a_sign_off_sent_without_the_version_read_is_refused_at_the_top(client, team_manager, sent):
    response = signed_in(client, team_manager).post(
        offer_url(sent, "matching_sign_off"), {"comment": "A good match."}
    )
    assert "This page is out of date: reload it and try again" in error_summary(response)
    assert Offer.objects.get().status == Offer.Status.AGREED


def test_there_is_no_sign_off_before_a_matching_form_is_started(client, team_manager, agreed):
    response = signed_in(client, team_manager).get(offer_url(agreed, "matching_sign_off"))
    assert response.status_code == 200
    assert "Not started yet: there is nothing to sign off." in text_of(response)
    assert ">Sign off the match</button>" not in page(response)
    assert "The matching form has not been started" in section_text(response, "sign-off-waiting")


def test_only_the_team_manager_of_the_referrals_team_signs_off(client, social_worker, agreed):
    response = signed_in(client, social_worker).get(offer_url(agreed, "matching_sign_off"))
    assert response.status_code == 403
    assert "Only the person the council's policy names to sign off" in page(response)
    assert denials() == [("sw.wigan", "referral", str(agreed.referral_id))]


# Brothers and sisters -----------------------------------------------------------------------------


@pytest.fixture
def siblings(wigan, child, child_team, social_worker):
    group = SiblingGroup.objects.create(authority=wigan, reference="SG2")
    child.sibling_group = group
    child.save()
    cal = ChildFactory(
        authority=wigan, social_worker=social_worker, sibling_group=group, first_name="Cal",
        last_name="Child", date_of_birth=date(2018, 1, 1),
    )  # fmt: skip
    return accepted(child, cal), child, cal


def test_a_split_is_proposed_then_agreed_by_the_social_worker_and_the_team_manager(
    client, duty_worker, social_worker, team_manager, siblings
):
    referral, amy, cal = siblings
    propose = reverse("split_propose", args=[referral.pk])
    signed_in(client, duty_worker)
    refused = client.post(
        propose, {f"part_{amy.pk}": "1", f"part_{cal.pk}": "1", "reason": "No room."}
    )
    assert "Split the children into two or more groups" in error_summary(refused)
    response = client.post(
        propose, {f"part_{amy.pk}": "1", f"part_{cal.pk}": "2", "reason": "No home for both."},
        follow=True,
    )  # fmt: skip
    assert "The split is proposed" in page(response)
    split = SiblingSplit.objects.get()
    assert split.parts == [[amy.pk], [cal.pk]]

    agree = reverse("split_agree", args=[referral.pk, split.pk])
    referral_page = signed_in(client, social_worker).get(reverse("referral", args=[referral.pk]))
    panel = section(referral_page, "Search for a home")
    assert "Waiting for agreement" in panel and "Not yet agreed" in panel
    assert f'href="{agree}">Agree the split' in page(referral_page)
    client.post(agree, {"as_role": "social_worker", "comment": "Agreed."})
    assert client.get(agree).status_code == 403  # agreed once as social worker: no more

    signed_in(client, team_manager).post(agree, {"as_role": "team_manager"})
    split.refresh_from_db()
    assert split.agreed
    assert (split.social_worker_agreed_by, split.team_manager_agreed_by) == (
        social_worker, team_manager,
    )  # fmt: skip


def test_a_search_worker_may_not_agree_a_split(client, duty_worker, siblings):
    referral, amy, cal = siblings
    split = services.split_propose(
        user=duty_worker, referral=referral, parts=[[amy], [cal]], reason="No home for both."
    )
    response = signed_in(client, duty_worker).post(
        reverse("split_agree", args=[referral.pk, split.pk]), {"as_role": "team_manager"}
    )
    assert response.status_code == 403
    assert denials() == [("duty.wigan", "referral", str(referral.pk))]
    assert not SiblingSplit.objects.get().agreed


def test_the_social_worker_may_not_propose_a_split(client, social_worker, siblings):
    referral, _, _ = siblings
    response = signed_in(client, social_worker).get(reverse("split_propose", args=[referral.pk]))
    assert response.status_code == 403


def test_a_referral_for_one_child_cannot_be_split(client, duty_worker, searching):
    response = signed_in(client, duty_worker).get(reverse("split_propose", args=[searching.pk]))
    assert response.status_code == 404


# The referral's page ------------------------------------------------------------------------------


def test_the_referral_page_lists_the_offers_and_links_the_search_for_search_workers(
    client, duty_worker, social_worker, offer, searching
):
    response = signed_in(client, duty_worker).get(reverse("referral", args=[searching.pk]))
    panel = section(response, "Search for a home")
    assert "Ashworth family" in panel and "With the social worker" in panel
    assert "Offers received" in panel
    assert f'href="{search_url(searching)}"' in page(response)
    assert f'href="{offer_url(offer)}"' in page(response)

    response = signed_in(client, social_worker).get(reverse("referral", args=[searching.pk]))
    assert f'href="{search_url(searching)}"' in page(response)  # to read, not to ring carers
    assert f'href="{offer_url(offer)}"' in page(response)


def test_the_referral_page_names_no_carers_to_those_who_may_not_see_households(
    client, virtual_school, offer, searching
):
    response = signed_in(client, virtual_school).get(reverse("referral", args=[searching.pk]))
    panel = section(response, "Search for a home")
    assert "In-house carers" in panel
    assert "Ashworth" not in page(response)


def test_the_referral_page_links_the_matching_form_to_who_prepares_it(
    client, duty_worker, agreed, searching
):
    response = signed_in(client, duty_worker).get(reverse("referral", args=[searching.pk]))
    assert f'href="{offer_url(agreed, "matching_form")}">Not started' in page(response)


QUERIES_ON_A_SEARCHING_REFERRAL = 21  # the referral page's, with the search panel's offers


@pytest.mark.parametrize("offers", [1, 3])
def test_the_referral_page_reads_as_many_queries_for_one_offer_as_for_several(
    client, duty_worker, social_worker, searching, wigan, offers, django_assert_num_queries
):
    for number in range(offers):
        household = HouseholdFactory(provider=wigan, name=f"Family {number}", max_children=3)
        _, offer = services.contact_record(
            user=duty_worker, referral=searching, household=household, outcome=OFFERS
        )
        services.offer_record_conversation(user=social_worker, offer=offer, conversation="Met.")
        services.offer_decide(user=social_worker, offer=offer, agree=True)
        services.matching_form_save(
            user=duty_worker, offer=offer, expected_version=0,
            data={"needs_met": [{"need": NEED, "how": "Trained."}], "gaps": [],
                  "why_this_home": "Near.", "support_plan": "Visits.", "family_time": "Mum."},
        )  # fmt: skip
    signed_in(client, social_worker)
    with django_assert_num_queries(QUERIES_ON_A_SEARCHING_REFERRAL):
        response = client.get(reverse("referral", args=[searching.pk]))
    assert section(response, "Search for a home").count("Being prepared") == offers


def test_a_draft_has_no_search_panel(client, social_worker, draft):
    response = signed_in(client, social_worker).get(reverse("referral", args=[draft.pk]))
    assert "Search for a home" not in page(response)


def test_an_agency_is_no_part_of_the_in_house_search(client, searching, wigan):
    """An agency's household never appears among the council's own carers."""
    agency = AgencyFactory(name="Northern Homes")
    HouseholdFactory(provider=agency, name="Agency family", postcode=NEAR_SCHOOL)
    HouseholdFactory(provider=wigan, name="Own family", postcode=NEAR_SCHOOL)
    officer = member(wigan, Role.PLACEMENTS_OFFICER, username="po2.wigan")
    response = signed_in(client, officer).get(search_url(searching))
    assert "Own family" in page(response) and "Agency family" not in page(response)
