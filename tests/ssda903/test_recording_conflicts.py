"""The return's rows changed or removed after someone else's edit (the fingerprint of the row the
form showed), and what a POST fetches and audits of the child."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from hearth.audit.models import AuditEvent
from hearth.people.services import EditConflict
from hearth.ssda903 import recording
from hearth.ssda903.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_january():
    with time_machine.travel("2026-01-15 10:00 +00:00", tick=False):
        yield


def _review_data(day, code):
    return {"reviewed_on_day": day.day, "reviewed_on_month": day.month,
            "reviewed_on_year": day.year, "participation": code}  # fmt: skip


def test_a_change_made_after_someone_elses_is_refused_at_the_top(
    client, social_worker, child, recorded_review
):
    client.force_login(social_worker)
    url = reverse("child_return_change", args=[child.pk, recorded_review.pk, "reviews"])
    fingerprint = client.get(url).context["form"]["fingerprint"].value()
    Review.objects.filter(pk=recorded_review.pk).update(participation="PN3")  # someone else

    response = client.post(url, {**_review_data(date(2025, 6, 15), "PN6"),
                                 "fingerprint": fingerprint})  # fmt: skip

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else changed this review after you opened it" in page
    assert "govuk-error-summary" in page
    recorded_review.refresh_from_db()
    assert recorded_review.participation == "PN3"


def test_a_change_without_the_rows_fingerprint_is_refused(client, social_worker, child,
                                                          recorded_review):  # fmt: skip
    client.force_login(social_worker)
    url = reverse("child_return_change", args=[child.pk, recorded_review.pk, "reviews"])

    response = client.post(url, _review_data(date(2025, 6, 15), "PN6"))

    assert "Someone else changed this review" in response.content.decode()
    recorded_review.refresh_from_db()
    assert recorded_review.participation != "PN6"


def test_a_removal_after_someone_elses_change_is_refused(client, social_worker, child,
                                                         recorded_review):  # fmt: skip
    client.force_login(social_worker)
    url = reverse("child_return_remove", args=[child.pk, recorded_review.pk, "reviews"])
    fingerprint = client.get(url).context["fingerprint"]
    Review.objects.filter(pk=recorded_review.pk).update(reviewed_on=date(2025, 6, 16))

    response = client.post(url, {"fingerprint": fingerprint})

    assert response.status_code == 200
    assert "Someone else changed this review after you opened it" in response.content.decode()
    assert Review.objects.filter(pk=recorded_review.pk).exists()


def test_the_services_check_the_fingerprint_of_the_stored_row(social_worker, child,
                                                              recorded_review):  # fmt: skip
    kind = recording.KINDS["reviews"]
    shown = recording.row_fingerprint(kind, recorded_review)
    Review.objects.filter(pk=recorded_review.pk).update(participation="PN3")
    data = {"reviewed_on": date(2025, 6, 15), "participation": "PN6"}

    with pytest.raises(EditConflict):
        recording.row_save(user=social_worker, child=child, kind=kind, data=data,
                           record=recorded_review, expected_fingerprint=shown)  # fmt: skip
    with pytest.raises(EditConflict):
        recording.row_remove(user=social_worker, child=child, kind=kind, record=recorded_review,
                             expected_fingerprint=shown)  # fmt: skip
    stored = Review.objects.get(pk=recorded_review.pk)
    saved, _changed = recording.row_save(
        user=social_worker, child=child, kind=kind, data=data, record=recorded_review,
        expected_fingerprint=recording.row_fingerprint(kind, stored),
    )  # fmt: skip
    assert saved.participation == "PN6"


def test_a_post_is_a_write_not_a_view_of_the_child(client, social_worker, child):
    client.force_login(social_worker)
    url = reverse("child_return_add", args=[child.pk, "reviews"])
    views = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, record_id=str(child.pk))
    before = views.count()

    response = client.post(url, _review_data(date(2025, 7, 1), "PN1"))

    assert response.status_code == 302
    assert views.count() == before  # no "view" row for a write
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE,
                                     record_id=str(child.pk)).exists()  # fmt: skip


def test_a_post_fetches_the_child_with_the_write_scope(client, social_worker, child, monkeypatch):
    from hearth.web.views import child_return

    asked = []
    real = child_return.child_for_user

    def spy(user, pk, **arguments):
        asked.append(arguments.get("write", False))
        return real(user, pk, **arguments)

    monkeypatch.setattr(child_return, "child_for_user", spy)
    client.force_login(social_worker)
    url = reverse("child_return_add", args=[child.pk, "reviews"])

    client.get(url)
    client.post(url, _review_data(date(2025, 7, 1), "PN1"))

    assert asked == [False, True]


def test_an_iro_records_a_review_without_editing_children(client, iro, child):
    child.iro = iro
    child.save()
    client.force_login(iro)
    url = reverse("child_return_add", args=[child.pk, "reviews"])

    response = client.post(url, _review_data(date(2025, 7, 1), "PN1"))

    assert response.status_code == 302
    assert Review.objects.filter(child=child).exists()
