"""Adding and changing a child's record through the screens, as a social worker sees it."""

import html
import re
from datetime import date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.people.models import Child
from tests.factories import ChildFactory, HouseholdFactory
from tests.screens import field_error, form_data, page, summary_links

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def frozen_today():
    """Ages and 'in the future' depend on today: 15 June 2026, mid-morning in London."""
    with time_machine.travel(datetime(2026, 6, 15, 10, 30, tzinfo=LONDON), tick=False):
        yield


def child_data(**overrides):
    """What the add form sends for a 9-year-old living in Wigan."""
    data = {
        "reference": "C7001",
        "first_name": "Amy",
        "last_name": "Example",
        "date_of_birth_day": "1",
        "date_of_birth_month": "3",
        "date_of_birth_year": "2017",
        "sex": "F",
        "ethnicity": "WBRI",
        "religion": "christian",
        "languages": ["english"],
        "legal_status": "C2",
        "home_postcode": "WN1 1AA",
        "needs": ["trauma_attachment"],
        "social_worker": "sw.wigan",
    }
    data.update(overrides)
    return data


def creations():
    return AuditEvent.objects.filter(action="create", record_type="child").count()


# Adding a child ----------------------------------------------------------------------------------------


def test_adding_a_child_creates_the_record_and_shows_it(client, social_worker):
    client.force_login(social_worker)
    response = client.post(reverse("child_add"), child_data())
    child = Child.objects.get(reference="C7001")
    assert response.status_code == 302
    assert response["Location"] == reverse("child", args=[child.pk])
    assert (child.full_name, child.date_of_birth, child.social_worker) == (
        "Amy Example",
        date(2017, 3, 1),
        social_worker,
    )
    assert child.authority.name == "Wigan Council"
    shown = client.get(response["Location"])
    assert "Amy Example's record was added." in page(shown)


def test_adding_a_child_writes_one_create_audit_row(client, social_worker):
    client.force_login(social_worker)
    client.post(reverse("child_add"), child_data())
    child = Child.objects.get(reference="C7001")
    event = AuditEvent.objects.get(action="create", record_type="child")
    assert (event.username, event.record_id) == ("sw.wigan", str(child.pk))
    assert event.organisation == child.authority


@pytest.mark.parametrize(
    ("field", "sent", "message"),
    [
        pytest.param(
            "date_of_birth",
            {"date_of_birth_day": "16", "date_of_birth_month": "6", "date_of_birth_year": "2026"},
            "Date of birth must be today or in the past",
            id="born-tomorrow",
        ),
        pytest.param(
            "date_of_birth",
            {"date_of_birth_day": "15", "date_of_birth_month": "6", "date_of_birth_year": "2008"},
            "A child looked after is under 18: check the date of birth",
            id="eighteen-today",
        ),
        pytest.param(
            "date_of_birth",
            {"date_of_birth_day": "1", "date_of_birth_month": "3", "date_of_birth_year": ""},
            "Enter the day, month and year",
            id="no-year",
        ),
        pytest.param(
            "date_of_birth",
            {"date_of_birth_day": "31", "date_of_birth_month": "2", "date_of_birth_year": "2017"},
            "Enter a real date, for example 27 3 2012",
            id="31-february",
        ),
        pytest.param(
            "ethnicity",
            {"ethnicity": "ZZZZ"},
            "Select a valid choice. ZZZZ is not one of the available choices.",
            id="unknown-ethnicity",
        ),
        pytest.param(
            "home_postcode",
            {"home_postcode": "WN1 7ZZ"},
            "WN1 7ZZ is not in the ONS postcode directory",
            id="postcode-not-in-ons-data",
        ),
        pytest.param(
            "home_postcode",
            {"home_postcode": "WN1 7Z"},
            "Enter a real postcode, like WN1 1AA",
            id="malformed-postcode",
        ),
        pytest.param(
            "school_postcode",
            {"school_postcode": "12345"},
            "Enter a real postcode, like WN1 1AA",
            id="malformed-school-postcode",
        ),
    ],
)
def test_adding_a_child_with_bad_input_shows_the_message_at_the_field_and_saves_nothing(
    client, social_worker, field, sent, message
):
    client.force_login(social_worker)
    response = client.post(reverse("child_add"), child_data(**sent))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not Child.objects.exists()
    assert creations() == 0


def test_adding_a_child_the_day_before_their_eighteenth_birthday_is_accepted(client, social_worker):
    client.force_login(social_worker)
    born = {"date_of_birth_day": "16", "date_of_birth_month": "6", "date_of_birth_year": "2008"}
    response = client.post(reverse("child_add"), child_data(**born))
    assert response.status_code == 302
    assert Child.objects.get(reference="C7001").date_of_birth == date(2008, 6, 16)


def test_adding_a_child_born_today_is_accepted(client, social_worker):
    client.force_login(social_worker)
    born = {"date_of_birth_day": "15", "date_of_birth_month": "6", "date_of_birth_year": "2026"}
    assert client.post(reverse("child_add"), child_data(**born)).status_code == 302


def test_adding_a_child_with_a_lower_case_postcode_keeps_it_in_the_ons_form(client, social_worker):
    client.force_login(social_worker)
    client.post(reverse("child_add"), child_data(home_postcode="wn11aa"))
    assert Child.objects.get(reference="C7001").home_postcode == "WN1 1AA"


def test_adding_a_child_with_a_reference_already_used_is_refused_at_the_reference(
    client, social_worker, child
):
    client.force_login(social_worker)
    response = client.post(reverse("child_add"), child_data(reference=child.reference))
    assert field_error(response, "reference") == "Another child already has this reference"
    assert list(Child.objects.all()) == [child]
    assert creations() == 0


def test_adding_a_child_with_a_reference_another_council_uses_is_accepted(
    client, social_worker, trafford
):
    ChildFactory(authority=trafford, reference="C7001")
    client.force_login(social_worker)
    response = client.post(reverse("child_add"), child_data(reference="C7001"))
    assert response.status_code == 302
    assert Child.objects.filter(reference="C7001").count() == 2


def test_placing_a_child_with_a_full_household_is_refused_naming_the_household(
    client, wigan, social_worker
):
    full = HouseholdFactory(provider=wigan, name="Ashworth family", max_children=2)
    ChildFactory.create_batch(2, authority=wigan, placed_with=full)
    client.force_login(social_worker)
    response = client.post(reverse("child_add"), child_data(placed_with_reference=full.reference))
    assert response.status_code == 200
    assert field_error(response, "placed_with_reference") == (
        "Ashworth family is approved for 2 and has 2 placed"
    )
    assert not Child.objects.filter(reference="C7001").exists()
    assert full.children_placed.count() == 2
    assert creations() == 0


def test_placing_a_child_with_a_household_with_a_free_place_records_where_they_live(
    client, wigan, social_worker
):
    household = HouseholdFactory(provider=wigan, max_children=2)
    ChildFactory(authority=wigan, placed_with=household)
    client.force_login(social_worker)
    client.post(reverse("child_add"), child_data(placed_with_reference=household.reference))
    assert Child.objects.get(reference="C7001").placed_with == household


def test_changing_a_child_who_fills_the_last_place_is_not_refused_for_their_own_place(
    client, wigan, social_worker
):
    household = HouseholdFactory(provider=wigan, max_children=1)
    child = ChildFactory(authority=wigan, placed_with=household, social_worker=social_worker)
    client.force_login(social_worker)
    url = reverse("child_change", args=[child.pk])
    data = form_data(client.get(url).context["form"])
    assert data["placed_with_reference"] == household.reference
    data["preferred_name"] = "Mimi"
    response = client.post(url, data)
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.preferred_name, child.placed_with) == ("Mimi", household)


def test_error_summary_links_each_message_to_its_field(client, social_worker):
    client.force_login(social_worker)
    sent = child_data(
        date_of_birth_day="16",
        date_of_birth_month="6",
        date_of_birth_year="2026",
        ethnicity="ZZZZ",
        home_postcode="WN1 7ZZ",
    )
    response = client.post(reverse("child_add"), sent)
    links = summary_links(response)
    assert ("#id_date_of_birth", "Date of birth must be today or in the past") in links
    assert (
        "#id_ethnicity",
        "Select a valid choice. ZZZZ is not one of the available choices.",
    ) in (links)
    assert ("#id_home_postcode", "WN1 7ZZ is not in the ONS postcode directory") in links
    body = response.content.decode()
    for href, _text in links:
        assert f'id="{href[1:]}"' in body  # the link lands on an input of the page
    assert "<title>Error: " in body


# Changing a child's record -----------------------------------------------------------------------------


def test_changing_a_childs_record_saves_the_change_and_says_so(client, social_worker, child):
    client.force_login(social_worker)
    url = reverse("child_change", args=[child.pk])
    data = form_data(client.get(url).context["form"])
    data["last_name"] = "Hughes"
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(reverse("child", args=[child.pk]), 302)]
    assert "Changes saved." in page(response)
    child.refresh_from_db()
    assert (child.last_name, child.version) == ("Hughes", 2)


def test_two_people_changing_the_same_child_the_second_is_refused_and_the_first_change_kept(
    client, social_worker, team_manager, child
):
    second = Client()
    client.force_login(social_worker)
    second.force_login(team_manager)
    url = reverse("child_change", args=[child.pk])
    first_data = form_data(client.get(url).context["form"])
    second_data = form_data(second.get(url).context["form"])

    first_data["first_name"] = "Amelia"
    assert client.post(url, first_data).status_code == 302
    second_data["last_name"] = "Hughes"
    response = second.post(url, second_data)

    assert response.status_code == 200
    assert "was changed by someone else while you were editing it" in page(response)
    assert "Your changes were not saved" in page(response)
    recorded_last_name = child.last_name
    child.refresh_from_db()
    assert (child.first_name, child.last_name, child.version) == ("Amelia", recorded_last_name, 2)
    assert AuditEvent.objects.filter(action="update", record_type="child").count() == 1


def test_two_people_changing_the_same_child_the_refusal_names_the_child_as_recorded(
    client, social_worker, team_manager, child
):
    second = Client()
    client.force_login(social_worker)
    second.force_login(team_manager)
    url = reverse("child_change", args=[child.pk])
    first_data = form_data(client.get(url).context["form"])
    second_data = form_data(second.get(url).context["form"])
    first_data["preferred_name"] = "Mimi"
    client.post(url, first_data)
    second_data["first_name"] = "Rosie"
    response = second.post(url, second_data)
    message = re.search(r"([^>]*) was changed by someone else", page(response)).group(1)
    assert message.strip() == child.full_name  # not "Rosie ...", a name the record never had


def test_two_people_changing_the_same_field_the_second_does_not_overwrite_the_first(
    client, social_worker, team_manager, child
):
    second = Client()
    client.force_login(social_worker)
    second.force_login(team_manager)
    url = reverse("child_change", args=[child.pk])
    first_data = form_data(client.get(url).context["form"])
    second_data = form_data(second.get(url).context["form"])
    first_data["disability"] = "Hearing impairment"
    second_data["disability"] = "None known"
    client.post(url, first_data)
    response = second.post(url, second_data)
    assert "changed by someone else" in page(response)
    child.refresh_from_db()
    assert child.disability == "Hearing impairment"


def test_saving_a_childs_record_without_a_change_says_nothing_was_changed(
    client, social_worker, child
):
    client.force_login(social_worker)
    url = reverse("child_change", args=[child.pk])
    data = form_data(client.get(url).context["form"])
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(reverse("child", args=[child.pk]), 302)]
    assert "Nothing was changed." in page(response)
    assert not AuditEvent.objects.filter(action="update").exists()
    child.refresh_from_db()
    assert child.version == 1


def test_changing_a_childs_record_shows_the_allocated_social_worker_selected(
    client, social_worker, child
):
    client.force_login(social_worker)
    response = client.get(reverse("child_change", args=[child.pk]))
    body = response.content.decode()
    assert re.search(r'<option value="sw\.wigan" selected>Sam Jones</option>', body)


def browser_choice(response, name):
    """The value a browser sends for a select: the selected option's, else the first option's."""
    body = response.content.decode()
    select = body[body.index(f'name="{name}"') :]
    options = re.findall(
        r'<option value="([^"]*)"( selected)?>', select[: select.index("</select>")]
    )
    chosen = [value for value, selected in options if selected] or [options[0][0]]
    return html.unescape(chosen[0])


def test_changing_a_child_whose_social_worker_has_left_does_not_silently_unallocate_them(
    client, social_worker, team_manager, child
):
    social_worker.is_active = False
    social_worker.save()
    client.force_login(team_manager)
    url = reverse("child_change", args=[child.pk])
    shown = client.get(url)
    data = form_data(shown.context["form"])
    data["social_worker"] = browser_choice(shown, "social_worker")
    data["preferred_name"] = "Mimi"
    response = client.post(url, data)
    child.refresh_from_db()
    # Either the allocation is kept, or the person is asked to choose someone: never lost unasked.
    assert child.social_worker == social_worker or field_error(response, "social_worker")


def test_changing_the_social_worker_allocates_the_child_to_them(
    client, social_worker, team_manager, child
):
    client.force_login(social_worker)
    url = reverse("child_change", args=[child.pk])
    data = form_data(client.get(url).context["form"])
    data["social_worker"] = team_manager.username
    client.post(url, data)
    child.refresh_from_db()
    assert child.social_worker == team_manager


def test_changing_a_childs_reference_to_another_childs_is_refused(
    client, wigan, social_worker, child
):
    other = ChildFactory(authority=wigan)
    client.force_login(social_worker)
    url = reverse("child_change", args=[child.pk])
    data = form_data(client.get(url).context["form"])
    data["reference"] = other.reference
    response = client.post(url, data)
    assert field_error(response, "reference") == "Another child already has this reference"
    child.refresh_from_db()
    assert child.reference != other.reference


def test_changing_a_childs_record_of_another_council_is_not_found(client, outsider, child):
    client.force_login(outsider)
    url = reverse("child_change", args=[child.pk])
    response = client.post(url, child_data(first_name="Changed"))
    assert response.status_code == 404
    child.refresh_from_db()
    assert child.first_name == "Amy"


def test_a_child_living_with_an_agency_home_is_recorded_by_its_urn_and_reference(
    client, wigan, social_worker, agency
):
    agency_home = HouseholdFactory(provider=agency, reference="H2", postcode="M1 1AE")
    own_home = HouseholdFactory(provider=wigan, reference="H2")
    client.force_login(social_worker)
    client.post(reverse("child_add"), child_data(placed_with_reference=f"{agency.ofsted_urn}/H2"))
    assert Child.objects.get(reference="C7001").placed_with == agency_home
    client.post(reverse("child_add"), child_data(reference="C7002", placed_with_reference="H2"))
    assert Child.objects.get(reference="C7002").placed_with == own_home


def test_a_full_agency_home_is_refused_without_describing_it(client, wigan, social_worker, agency):
    HouseholdFactory(provider=agency, reference="H9", name="Secret Smiths", status="on_hold",
                     hold_reason="illness", postcode="M1 1AE")  # fmt: skip
    client.force_login(social_worker)
    response = client.post(
        reverse("child_add"), child_data(placed_with_reference=f"{agency.ofsted_urn}/H9")
    )
    error = field_error(response, "placed_with_reference")
    assert error == f"The agency's household {agency.ofsted_urn}/H9 cannot take another child"
    assert "Secret Smiths" not in page(response)


def test_an_agency_home_is_not_found_by_its_reference_alone(client, wigan, social_worker, agency):
    HouseholdFactory(provider=agency, reference="H7", postcode="M1 1AE")
    client.force_login(social_worker)
    response = client.post(reverse("child_add"), child_data(placed_with_reference="H7"))
    assert field_error(response, "placed_with_reference") == "No household has the reference H7"


def test_someone_working_for_two_councils_chooses_which_one_a_new_child_is_for(
    client, wigan, trafford, social_worker
):
    from hearth.accounts.models import Membership

    Membership.objects.create(user=social_worker, organisation=trafford, role="social_worker")
    client.force_login(social_worker)
    chooser = client.get(reverse("child_add"))
    assert "which organisation is it for?" in page(chooser)
    url = f"{reverse('child_add')}?organisation={trafford.pk}"
    response = client.post(url, child_data(home_postcode="M32 0TH"))
    assert response.status_code == 302
    assert Child.objects.get(reference="C7001").authority == trafford


def test_a_council_one_does_not_work_for_cannot_be_chosen(
    client, wigan, trafford, outsider, social_worker
):
    from hearth.accounts.models import Membership
    from tests.factories import AuthorityFactory

    elsewhere = AuthorityFactory(name="Bolton Council", ons_code="E08000001")
    Membership.objects.create(user=social_worker, organisation=trafford, role="social_worker")
    client.force_login(social_worker)
    response = client.post(f"{reverse('child_add')}?organisation={elsewhere.pk}", child_data())
    assert "which organisation is it for?" in page(response)
    assert not Child.objects.filter(reference="C7001").exists()


def test_a_virtual_school_officer_sees_the_child_but_not_their_carers(
    client, virtual_school, social_worker, child, household
):
    child.placed_with = household
    child.save()
    for user, named in ((social_worker, True), (virtual_school, False)):
        client.force_login(user)
        for url in (reverse("child", args=[child.pk]), reverse("children")):
            assert (household.name in page(client.get(url))) is named, (user.username, url)
