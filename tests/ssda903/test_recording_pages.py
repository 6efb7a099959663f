"""The pages that record the return's details of a child, and the return's part of the child's
record."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.ssda903.models import Episode, LegalStatusChange, Review
from tests.factories import member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_january():
    with time_machine.travel("2026-01-15 10:00 +00:00", tick=False):
        yield


def _date(prefix, value):
    return {
        f"{prefix}_day": value.day,
        f"{prefix}_month": value.month,
        f"{prefix}_year": value.year,
    }


def test_it_changes_the_legal_status(client, social_worker, child, in_care_since_june):
    client.force_login(social_worker)
    url = reverse("child_return_legal_status", args=[child.pk])
    response = client.post(url, {"legal_status": "C2", **_date("changed_on", date(2025, 9, 1))})
    assert response.status_code == 302
    assert list(Episode.objects.filter(child=child).values_list("rne", "ls")) == [
        ("S", "C1"), ("L", "C2")
    ]  # fmt: skip


def test_it_shows_the_problem_at_the_field(client, social_worker, child, in_care_since_june):
    client.force_login(social_worker)
    url = reverse("child_return_legal_status", args=[child.pk])
    response = client.post(url, {"legal_status": "C2", **_date("changed_on", date(2025, 5, 1))})
    assert response.status_code == 200
    assert "was not looked after on 1 May 2025" in response.content.decode()
    assert 'href="#id_changed_on"' in response.content.decode()
    assert not LegalStatusChange.objects.exists()


def test_it_refuses_someone_who_may_not_record_with_403(client, placements_officer, child):
    client.force_login(placements_officer)
    url = reverse("child_return_add", args=[child.pk, "reviews"])
    response = client.post(url, {**_date("reviewed_on", date(2025, 7, 1)), "participation": "PN1"})
    assert response.status_code == 403
    assert "social workers, team managers" in response.content.decode()
    assert not Review.objects.exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


def test_another_councils_manager_gets_404(client, trafford, child):
    outsider = member(trafford, Role.TEAM_MANAGER, username="tm.trafford")
    client.force_login(outsider)
    response = client.get(reverse("child_return_details", args=[child.pk]))
    assert response.status_code == 404


def test_it_adds_changes_and_removes_a_review(client, social_worker, child):
    client.force_login(social_worker)
    add = reverse("child_return_add", args=[child.pk, "reviews"])
    client.post(add, {**_date("reviewed_on", date(2025, 7, 1)), "participation": "PN1"})
    review = Review.objects.get(child=child)
    change = reverse("child_return_change", args=[child.pk, review.pk, "reviews"])
    shown = client.get(change)
    assert shown.status_code == 200
    fingerprint = shown.context["form"]["fingerprint"].value()
    client.post(change, {**_date("reviewed_on", date(2025, 7, 1)), "participation": "PN6",
                         "fingerprint": fingerprint})  # fmt: skip
    review.refresh_from_db()
    assert review.participation == "PN6"
    remove = reverse("child_return_remove", args=[child.pk, review.pk, "reviews"])
    client.post(remove, {"fingerprint": client.get(remove).context["fingerprint"]})
    assert not Review.objects.exists()


def test_it_saves_the_details_with_their_version(client, social_worker, child):
    client.force_login(social_worker)
    url = reverse("child_return_details", args=[child.pk])
    response = client.post(url, {"upn": "A123456789012", "category_of_need": "N1", "version": 1})
    assert response.status_code == 302
    response = client.post(url, {"upn": "UN2", "version": 1})
    assert "Someone else changed" in response.content.decode()
    assert child.statutory.upn == "A123456789012"


def test_the_record_shows_the_return_with_links_for_recorders(
    client, social_worker, child, in_care_since_june, recorded_review, django_assert_max_num_queries
):
    client.force_login(social_worker)
    with django_assert_max_num_queries(60):
        page = client.get(reverse("child", args=[child.pk])).content.decode()
    assert "Children looked after return (SSDA903)" in page
    assert "15 June 2025" in page and "PN1" in page
    assert reverse("child_return_legal_status", args=[child.pk]) in page
    assert reverse("child_return_change", args=[child.pk, recorded_review.pk, "reviews"]) in page


def test_the_record_shows_no_recording_links_to_others(
    client, virtual_school, child, recorded_review
):
    client.force_login(virtual_school)
    page = client.get(reverse("child", args=[child.pk])).content.decode()
    assert "Children looked after return (SSDA903)" in page
    assert reverse("child_return_details", args=[child.pk]) not in page


def test_the_record_section_takes_a_fixed_number_of_queries(
    rf, social_worker, child, in_care_since_june, recorded_review, django_assert_num_queries
):
    from hearth.web.templatetags.ssda903 import shown

    with django_assert_num_queries(13):
        shown(child, social_worker)


def test_the_staff_form_records_the_registration_number(client, admin, social_worker):
    client.force_login(admin)
    url = reverse("manage_user", args=[social_worker.pk])
    page = client.get(url).content.decode()
    assert "Social Work England registration number" in page
    data = {"first_name": "Sam", "last_name": "Jones", "email": "sam@example.org",
            "roles": ["social_worker"], "is_active": "on", "registration_number": "XY1"}  # fmt: skip
    response = client.post(url, data)
    assert "SW followed by the digits" in response.content.decode()
    response = client.post(url, {**data, "registration_number": "sw 123456"})
    assert response.status_code == 302
    social_worker.refresh_from_db()
    assert social_worker.registration_number == "SW123456"
