import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.people.models import Child
from tests.screens import form_data


def test_viewing_a_childs_record_writes_one_audit_row(client, social_worker, child):
    client.force_login(social_worker)
    client.get(reverse("child", args=[child.pk]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="view")
    assert (event.username, event.record_type, event.record_id) == (
        "sw.wigan",
        "child",
        str(child.pk),
    )
    assert event.organisation == child.authority
    assert event.ip_address == "10.1.2.3"


def test_viewing_a_household_writes_one_audit_row(client, supervising_social_worker, household):
    client.force_login(supervising_social_worker)
    client.get(reverse("household", args=[household.pk]))
    assert (
        AuditEvent.objects.filter(
            action="view", record_type="household", record_id=str(household.pk)
        ).count()
        == 1
    )


def test_changing_a_childs_record_writes_an_update_row_naming_the_fields(
    client, social_worker, child
):
    client.force_login(social_worker)
    url = reverse("child_change", args=[child.pk])
    form = client.get(url).context["form"]
    data = form_data(form)
    data["first_name"] = "Amelia"
    response = client.post(url, data)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="update")
    assert event.detail == "changed first_name"
    assert Child.objects.get(pk=child.pk).first_name == "Amelia"


def test_request_fails_and_nothing_is_kept_when_the_audit_row_cannot_be_written(
    client, social_worker, child
):
    from django.db import connection

    client.force_login(social_worker)
    url = reverse("child_change", args=[child.pk])
    data = form_data(client.get(url).context["form"])
    data["first_name"] = "Changed"
    before = AuditEvent.objects.count()
    # Break the audit table for this test only: the write of the child must roll back with it.
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE audit_auditevent RENAME TO audit_auditevent_away")
    try:
        client.raise_request_exception = True
        with pytest.raises(DatabaseError):
            client.post(url, data)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditevent_away RENAME TO audit_auditevent")
    assert Child.objects.get(pk=child.pk).first_name == child.first_name
    assert AuditEvent.objects.count() == before


def test_audit_rows_cannot_be_changed_or_deleted(social_worker, child):
    event = AuditEvent.objects.create(
        user=social_worker, username="sw.wigan", action="view", record_type="child"
    )
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).username == "sw.wigan"


def test_administrator_sees_a_records_access_log(client, admin, social_worker, child):
    client.force_login(social_worker)
    client.get(reverse("child", args=[child.pk]))
    client.force_login(admin)
    response = client.get(reverse("access_log", args=["child", child.pk]))
    assert response.status_code == 200
    assert "sw.wigan" in response.content.decode()


def test_administrator_finds_a_records_access_log_by_its_reference(client, admin, child):
    client.force_login(admin)
    response = client.get(reverse("manage"), {"record_type": "child", "reference": child.reference})
    assert response.status_code == 302
    assert response["Location"] == reverse("access_log", args=["child", child.pk])


def test_administrator_of_another_council_cannot_find_the_record(client, outsider_admin, child):
    client.force_login(outsider_admin)
    response = client.get(reverse("manage"), {"record_type": "child", "reference": child.reference})
    assert response.status_code == 200
    assert f"There is no child with the reference {child.reference}" in response.content.decode()


def test_behind_a_trusted_proxy_the_forwarded_address_is_logged(
    client, settings, social_worker, child
):
    settings.HEARTH_PROXY_HOPS = 1
    client.force_login(social_worker)
    client.get(
        reverse("child", args=[child.pk]),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",
    )
    assert AuditEvent.objects.get(action="view").ip_address == "203.0.113.7"


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, social_worker, child):
    client.force_login(social_worker)
    client.get(
        reverse("child", args=[child.pk]),
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    assert AuditEvent.objects.get(action="view").ip_address == "10.0.0.1"
