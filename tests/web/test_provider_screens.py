import re
from decimal import Decimal

import pytest
from django.urls import reverse

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.models import Contract, Organisation, ProviderContact
from tests.factories import AgencyFactory, HouseholdFactory, member
from tests.screens import field_error, page


def test_council_records_an_agency_as_in_contract(client, admin, wigan, agency):
    client.force_login(admin)
    response = client.post(
        reverse("provider_contract", args=[agency.pk]), {"status": "in_contract"}
    )
    assert response.status_code == 302
    assert Contract.objects.get(authority=wigan, agency=agency).status == "in_contract"
    page = client.get(reverse("provider", args=[agency.pk])).content.decode()
    assert "In contract" in page
    assert AuditEvent.objects.filter(
        record_type="provider", detail="contract none -> in_contract"
    ).exists()


def test_ending_a_contract_leaves_other_councils_contracts(client, admin, wigan, trafford, agency):
    Contract.objects.create(authority=wigan, agency=agency, status="off_contract")
    Contract.objects.create(authority=trafford, agency=agency, status="in_contract")
    client.force_login(admin)
    client.post(reverse("provider_contract", args=[agency.pk]), {"status": ""})
    assert list(Contract.objects.values_list("authority__name", "status")) == [
        ("Trafford Council", "in_contract")
    ]


def test_social_worker_cannot_record_a_contract(client, social_worker, agency):
    client.force_login(social_worker)
    page = client.get(reverse("provider", args=[agency.pk])).content.decode()
    assert "Record the contract" not in page
    assert (
        client.post(
            reverse("provider_contract", args=[agency.pk]), {"status": "in_contract"}
        ).status_code
        == 404
    )
    assert not Contract.objects.exists()


def test_agency_keeps_its_own_contact_details(client, agency_user, agency):
    client.force_login(agency_user)
    response = client.post(
        reverse("provider_change", args=[agency.pk]),
        {"email": "referrals@northern.example.org", "phone": "0161 496 0000", "postcode": "m11ae"},
    )
    assert response.status_code == 302
    agency.refresh_from_db()
    assert (agency.email, agency.postcode) == ("referrals@northern.example.org", "M1 1AE")


def test_agency_details_refuse_a_postcode_not_in_the_ons_data(client, agency_user, agency):
    client.force_login(agency_user)
    response = client.post(reverse("provider_change", args=[agency.pk]), {"postcode": "WN1 7ZZ"})
    assert response.status_code == 200
    assert "WN1 7ZZ is not in the ONS postcode directory" in response.content.decode()


def test_a_council_cannot_change_an_agencys_details(client, admin, agency):
    client.force_login(admin)
    assert client.get(reverse("provider_change", args=[agency.pk])).status_code == 404


# The provider directory ----------------------------------------------------------------------------

DETAILS = {
    "ofsted_urn": "sc654321",
    "sector": "voluntary",
    "provides": ["fostering", "residential"],
    "care_types": ["short_term", "parent_and_child"],
    "areas_served": "Wigan\nBolton\n\nwigan\n",
    "weekly_rate_from": "£850",
    "weekly_rate_to": "1,250.50",
    "email": "referrals@northern.example.org",
    "phone": "0161 496 0000",
    "postcode": "M1 1AE",
}


def directory_names(response):
    return re.findall(r'href="/providers/\d+/">([^<]+)</a>', page(response))


@pytest.fixture
def market(wigan, agency):
    """Northern Fostering (no contract with Wigan) and three more, named so that the alphabet is
    not the contract order."""
    zenith = AgencyFactory(
        name="Zenith Fostering", care_types=["long_term"], areas_served=["Bolton", "Wigan"]
    )
    beacon = AgencyFactory(name="Beacon Care", provides=["fostering", "residential"])
    homes = AgencyFactory(name="Oak House Homes", provides=["residential"])
    Contract.objects.create(authority=wigan, agency=zenith, status="in_contract")
    Contract.objects.create(authority=wigan, agency=beacon, status="off_contract")
    return {"zenith": zenith, "beacon": beacon, "homes": homes}


def test_an_agency_keeps_its_directory_entry(client, agency_user, agency):
    client.force_login(agency_user)
    response = client.post(reverse("provider_change", args=[agency.pk]), DETAILS)
    assert response.status_code == 302, field_error(response, "weekly_rate_from")
    agency = Organisation.objects.get(pk=agency.pk)
    assert agency.ofsted_urn == "SC654321"
    assert (agency.sector, agency.provides) == ("voluntary", ["fostering", "residential"])
    assert agency.areas_served == ["Wigan", "Bolton"]
    assert (agency.weekly_rate_from, agency.weekly_rate_to) == (850, Decimal("1250.50"))
    body = page(client.get(reverse("provider", args=[agency.pk])))
    for shown in (
        "Voluntary or third sector", "Children's homes (residential care)", "Parent and child",
        "Wigan, Bolton", "£850.00 to £1,250.50",
    ):  # fmt: skip
        assert shown in body
    assert AuditEvent.objects.filter(
        record_type="provider", detail__startswith="directory details: ofsted_urn"
    ).exists()


def test_the_agency_system_administrator_keeps_it_too(client, agency):
    admin = member(agency, Role.SYSTEM_ADMINISTRATOR, username="admin.northern")
    client.force_login(admin)
    response = client.post(reverse("provider_change", args=[agency.pk]), DETAILS)
    assert response.status_code == 302


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"weekly_rate_to": "700"}, "weekly_rate_to",
         "The highest weekly rate cannot be less than the lowest"),
        ({"weekly_rate_from": "a lot"}, "weekly_rate_from",
         "Enter an amount in pounds, like 950 or 1,250.50"),
        ({"weekly_rate_from": "-5"}, "weekly_rate_from", "A weekly rate cannot be less than £0"),
        ({"ofsted_urn": "12"}, "ofsted_urn",
         "Enter an Ofsted URN: six or seven digits, or SC and six digits"),
        ({"areas_served": "x" * 101}, "areas_served",
         "Each area's name must be 100 characters or fewer"),
    ],
)  # fmt: skip
def test_directory_details_are_checked_at_their_fields(
    client, agency_user, agency, changes, field, message
):
    client.force_login(agency_user)
    response = client.post(reverse("provider_change", args=[agency.pk]), DETAILS | changes)
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert Organisation.objects.get(pk=agency.pk).sector == ""


def test_an_ofsted_urn_belongs_to_one_provider(client, agency_user, agency):
    AgencyFactory(name="Other Fostering", ofsted_urn="SC654321")
    client.force_login(agency_user)
    response = client.post(reverse("provider_change", args=[agency.pk]), DETAILS)
    assert field_error(response, "ofsted_urn") == "Ofsted URN SC654321 is already Other Fostering's"


def test_a_councils_placements_officer_records_the_contract_but_not_shared_details(
    client, placements_officer, wigan, agency
):
    client.force_login(placements_officer)
    body = page(client.get(reverse("provider", args=[agency.pk])))
    assert "Record the contract" in body
    assert "Change the directory details" not in body and "Add a contact" not in body
    assert client.get(reverse("provider_change", args=[agency.pk])).status_code == 404
    assert client.get(reverse("provider_contact_add", args=[agency.pk])).status_code == 404
    client.post(reverse("provider_contract", args=[agency.pk]), {"status": "off_contract"})
    assert Contract.objects.get(authority=wigan, agency=agency).status == "off_contract"


# Contacts ---------------------------------------------------------------------------------------------


def test_an_agency_adds_a_contact_who_receives_referrals(client, agency_user, agency):
    client.force_login(agency_user)
    response = client.post(
        reverse("provider_contact_add", args=[agency.pk]),
        {"name": "Rita Patel", "job_title": "Referrals coordinator",
         "email": "rita@northern.example.org", "receives_referrals": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    contact = ProviderContact.objects.get(organisation=agency)
    assert (contact.name, contact.receives_referrals) == ("Rita Patel", True)
    body = page(client.get(reverse("provider", args=[agency.pk])))
    assert "Rita Patel" in body and "Referrals coordinator" in body


def test_a_contact_receiving_referrals_needs_an_email_address(client, agency_user, agency):
    client.force_login(agency_user)
    response = client.post(
        reverse("provider_contact_add", args=[agency.pk]),
        {"name": "Rita Patel", "phone": "0161 496 0001", "receives_referrals": "on"},
    )
    assert field_error(response, "email") == "Enter an email address to send referrals to"
    response = client.post(reverse("provider_contact_add", args=[agency.pk]), {"name": ""})
    assert field_error(response, "name") == "Enter the contact's name"
    assert not ProviderContact.objects.exists()


def test_an_agency_changes_and_removes_a_contact(client, agency_user, agency, outreach_contact):
    client.force_login(agency_user)
    change = reverse("provider_contact_change", args=[agency.pk, outreach_contact.pk])
    assert "Rita Patel" in page(client.get(change))
    client.post(change, {"name": "Rita Shah", "email": "rita.shah@northern.example.org"})
    outreach_contact.refresh_from_db()
    assert (outreach_contact.name, outreach_contact.receives_referrals) == ("Rita Shah", False)
    remove = reverse("provider_contact_remove", args=[agency.pk, outreach_contact.pk])
    assert "Remove Rita Shah?" in page(client.get(remove))
    assert client.post(remove).status_code == 302
    assert not ProviderContact.objects.exists()
    assert AuditEvent.objects.filter(detail=f"contact {outreach_contact.pk} removed").exists()


def test_another_agencys_contact_is_not_found(client, agency_user, agency):
    theirs = AgencyFactory(name="Other Fostering")
    contact = ProviderContact.objects.create(organisation=theirs, name="Someone", phone="1")
    client.force_login(agency_user)
    url = reverse("provider_contact_change", args=[agency.pk, contact.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(reverse("provider_contact_remove", args=[agency.pk, contact.pk])).status_code
        == 404
    )
    assert ProviderContact.objects.filter(pk=contact.pk).exists()


# The directory's list ------------------------------------------------------------------------------


def test_the_directory_lists_in_contract_first(client, placements_officer, market):
    client.force_login(placements_officer)
    response = client.get(reverse("providers"))
    assert directory_names(response) == [
        "Zenith Fostering", "Beacon Care", "Northern Fostering", "Oak House Homes"
    ]  # fmt: skip


@pytest.mark.parametrize(
    "query, shown",
    [
        ({"contract": "in_contract"}, ["Zenith Fostering"]),
        ({"contract": "off_contract"}, ["Beacon Care"]),
        ({"contract": "none"}, ["Northern Fostering", "Oak House Homes"]),
        ({"care_type": "long_term"}, ["Zenith Fostering"]),
        ({"service": "residential"}, ["Beacon Care", "Oak House Homes"]),
        ({"service": "fostering"}, ["Zenith Fostering", "Beacon Care", "Northern Fostering"]),
        ({"area": "bolt"}, ["Zenith Fostering"]),
        ({"q": "SC123456"}, ["Northern Fostering"]),
    ],
)
def test_the_directory_filters(client, placements_officer, market, query, shown):
    client.force_login(placements_officer)
    assert directory_names(client.get(reverse("providers"), query)) == shown


def test_an_agency_sees_only_itself_and_no_contracts(client, agency_user, market):
    client.force_login(agency_user)
    response = client.get(reverse("providers"))
    assert directory_names(response) == ["Northern Fostering"]
    assert "In contract" not in page(response)


# The session and sign-in checks, the count and the page of providers (with their contracts).
QUERIES_ON_THE_DIRECTORY = 12


@pytest.mark.parametrize("count", [1, 6])
def test_the_directory_reads_the_same_number_of_queries_however_many_providers(
    client, placements_officer, wigan, count, django_assert_num_queries
):
    for number in range(count):
        provider = AgencyFactory(name=f"Agency {number}", areas_served=["Wigan"])
        HouseholdFactory(provider=provider)
        Contract.objects.create(authority=wigan, agency=provider, status="in_contract")
    client.force_login(placements_officer)
    with django_assert_num_queries(QUERIES_ON_THE_DIRECTORY):
        response = client.get(reverse("providers"))
    assert len(directory_names(response)) == count
