from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.core.models import Contract


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
