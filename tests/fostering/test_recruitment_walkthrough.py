"""What a walk through the recruitment screens found (fix round 2): a closed enquiry is not
overdue, an enquiry is received within the last 12 months and not in the future, messages read as
sentences, the recontact list tags overdue and due today, and an approved household's recruitment
shows the application and assessment approved."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from hearth.core.deadlines import LONDON
from hearth.fostering import lifecycle, recruitment
from hearth.fostering.models import Assessment, Enquiry
from hearth.web.presenters import long_date

# Monday 1 March 2027, 10:00
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def enquire(wigan, by, last_name="Rowe", **overrides):
    fields = {
        "by": by, "authority": wigan, "first_name": "Jo", "last_name": last_name,
        "received_at": NOW - timedelta(hours=30), "source": "phone",
    }  # fmt: skip
    return recruitment.enquiry_receive(**{**fields, **overrides})


# UX13: a closed enquiry is not overdue ---------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_closed_enquiry_shows_what_happened_not_overdue(client, wigan, fostering_duty_worker):
    waiting = enquire(wigan, fostering_duty_worker, last_name="Waiting")
    gone = enquire(wigan, fostering_duty_worker, last_name="Gone")
    recruitment.enquiry_not_progressed(
        by=fostering_duty_worker, enquiry=gone, reason="no_spare_room", on=TODAY,
        expected_version=1,
    )  # fmt: skip
    applied = enquire(wigan, fostering_duty_worker, last_name="Applied")
    recruitment.application_receive(
        by=fostering_duty_worker, enquiry=applied, received_on=TODAY, consent_to_checks=True
    )
    for enquiry in (waiting, gone, applied):
        enquiry.refresh_from_db()
    assert recruitment.enquiry_overdue(waiting)
    assert not recruitment.enquiry_overdue(gone) and not recruitment.enquiry_overdue(applied)
    client.force_login(fostering_duty_worker)

    listed = client.get(reverse("fostering_enquiries"), {"outcome": "all"}).content.decode()
    assert listed.count(">Overdue<") == 1
    row = listed[listed.index("Waiting household") :]
    assert ">Overdue<" in row[: row.index("</tr>")]
    assert "Closed on 1 March 2027: did not go on (no spare bedroom)" in listed
    assert "Applied on 1 March 2027" in listed

    for enquiry, words in (
        (gone, "Closed on 1 March 2027: did not go on (no spare bedroom)"),
        (applied, "Applied on 1 March 2027"),
    ):
        page = client.get(reverse("fostering_enquiry", args=[enquiry.pk])).content.decode()
        assert ">Overdue<" not in page and words in page
        record = client.get(reverse("household", args=[enquiry.household_id])).content.decode()
        assert ">Overdue<" not in record and words in record
    page = client.get(reverse("fostering_enquiry", args=[waiting.pk])).content.decode()
    assert ">Overdue<" in page


# UX14: an enquiry received within the last 12 months, not in the future -------------------------------


@time_machine.travel(NOW, tick=False)
def test_an_enquiry_from_long_ago_is_refused_and_points_to_the_import(wigan, fostering_duty_worker):
    long_ago = datetime(1990, 12, 7, 9, 0, tzinfo=LONDON)
    with pytest.raises(recruitment.StepRefused) as refused:
        enquire(wigan, fostering_duty_worker, received_at=long_ago)
    assert refused.value.field == "received_at"
    assert "within the last 12 months (on or after 1 March 2026)" in refused.value.message
    assert "recruitment history import" in refused.value.message
    with pytest.raises(recruitment.StepRefused):
        enquire(
            wigan, fostering_duty_worker, received_at=datetime(2026, 2, 28, 23, 0, tzinfo=LONDON)
        )
    assert not Enquiry.objects.exists()
    kept = enquire(
        wigan, fostering_duty_worker, received_at=datetime(2026, 3, 1, 0, 5, tzinfo=LONDON)
    )
    assert kept.pk is not None


def test_a_year_before_keeps_to_the_month():
    assert recruitment.months_before(date(2027, 3, 1), 12) == date(2026, 3, 1)
    assert recruitment.months_before(date(2028, 2, 29), 12) == date(2027, 2, 28)
    assert recruitment.months_before(date(2027, 1, 15), 12) == date(2026, 1, 15)


@time_machine.travel(NOW, tick=False)
def test_the_enquiry_form_refuses_long_ago_and_later_today_at_the_date(
    client, wigan, fostering_duty_worker
):
    client.force_login(fostering_duty_worker)
    fields = {"first_name": "Jo", "last_name": "Rowe", "source": "web", "spare_room": "yes"}
    response = client.post(
        reverse("fostering_enquiry_new"),
        {**fields, "received_time": "09:00", **date_fields("received_on", date(1990, 12, 7))},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "govuk-error-summary" in page
    assert "within the last 12 months" in page and 'href="#id_received_on' in page
    response = client.post(
        reverse("fostering_enquiry_new"),
        {**fields, "received_time": "11:00", **date_fields("received_on", TODAY)},
    )
    assert response.status_code == 200
    assert "The enquiry cannot have come in in the future" in response.content.decode()
    assert not Enquiry.objects.exists()


# UX20: messages that read as sentences ------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_missing_times_and_dates_are_asked_for_in_a_sentence(client, wigan, fostering_duty_worker):
    client.force_login(fostering_duty_worker)
    page = client.post(
        reverse("fostering_enquiry_new"), {"first_name": "Jo", "last_name": "Rowe"}
    ).content.decode()
    assert "Enter the time the enquiry came in" in page
    assert "Enter the date the enquiry came in" in page
    assert "Enter time" not in page
    enquiry = enquire(wigan, fostering_duty_worker)
    page = client.post(
        reverse("fostering_enquiry_contact", args=[enquiry.pk]), {"method": "call"}
    ).content.decode()
    assert "Enter the date of the contact" in page and "Enter the time of the contact" in page
    page = client.post(
        reverse("fostering_enquiry_not_progressed", args=[enquiry.pk]),
        {"reason": "other", "version": 1},
    ).content.decode()
    assert "Enter the date it was decided" in page


def test_a_check_saved_is_named_in_a_sentence(
    client, recruitment_application, fostering_duty_worker
):
    client.force_login(fostering_duty_worker)
    said = {}
    for check in recruitment_application.checks.all():
        response = client.post(
            reverse("fostering_check", args=[check.pk]),
            {"version": recruitment_application.version, "note": "Asked", "outcome": "",
             **date_fields("requested_on", timezone.localdate())},
            follow=True,
        )  # fmt: skip
        recruitment_application.refresh_from_db()
        said[check.kind] = [str(m) for m in response.context["messages"]]
    assert said["employers"] == ["The employers check is updated"]
    assert said["references"] == ["The personal references check is updated"]
    assert said["dbs"] == ["The DBS enhanced check is updated"]
    assert said["local_authority"] == ["The local authority checks are updated"]
    assert said["ex_partners"] == ["The ex-partners check is updated"]


def test_applying_twice_is_refused_in_a_plain_sentence(
    client, recruitment_application, fostering_duty_worker
):
    enquiry = recruitment_application.enquiry
    received = long_date(recruitment_application.received_on)
    with pytest.raises(recruitment.StepRefused) as refused:
        recruitment.application_receive(
            by=fostering_duty_worker, enquiry=enquiry, received_on=timezone.localdate(),
            consent_to_checks=True,
        )  # fmt: skip
    assert refused.value.message == f"Rowe household has already applied ({received})"
    client.force_login(fostering_duty_worker)
    page = client.post(
        reverse("fostering_application_new", args=[enquiry.pk]),
        {"consent_to_checks": "on", **date_fields("received_on", timezone.localdate())},
    ).content.decode()
    assert f"Rowe household has already applied ({received})" in page
    assert "checks under way:" not in page
    assert enquiry.household.applications.count() == 1


def test_an_ended_application_is_not_taken_again_from_its_enquiry(
    recruitment_application, fostering_duty_worker
):
    recruitment.application_end(
        by=fostering_duty_worker, application=recruitment_application, ending="withdrawn",
        reason="changed_mind", on=timezone.localdate(),
        expected_version=recruitment_application.version,
    )  # fmt: skip
    with pytest.raises(recruitment.StepRefused) as refused:
        recruitment.application_receive(
            by=fostering_duty_worker, enquiry=recruitment_application.enquiry,
            received_on=timezone.localdate(), consent_to_checks=True,
        )  # fmt: skip
    assert (
        "application of" in refused.value.message and "ended (withdrawn)" in refused.value.message
    )


# UX16: after approval -------------------------------------------------------------------------------------


def test_after_approval_the_application_and_assessment_show_approved(
    client, recruitment_assessment, agency_decision_maker, supervising_social_worker
):
    today = timezone.localdate()
    recruitment.assessment_progress(
        by=supervising_social_worker, assessment=recruitment_assessment,
        training_completed_on=today, report_completed_on=today,
        expected_version=recruitment_assessment.version,
    )  # fmt: skip
    # as the panel's approval does it
    Assessment.objects.filter(pk=recruitment_assessment.pk).update(
        status=Assessment.Status.APPROVED
    )
    household = lifecycle.approve(
        by=agency_decision_maker, household=recruitment_assessment.household, on=today,
        terms={"min_age": 0, "max_age": 10, "max_children": 2, "care_types": ["short_term"]},
    )  # fmt: skip
    approved = f"approved on {long_date(today)}"
    client.force_login(supervising_social_worker)

    record = client.get(reverse("household", args=[household.pk])).content.decode()
    section = record[record.index(">Recruitment<") :]
    assert "in assessment" not in section
    assert f"</a>: {approved}" in section  # the application
    assert f"Form F (mainstream)</a>: {approved}" in section

    page = client.get(
        reverse("fostering_assessment", args=[recruitment_assessment.pk])
    ).content.decode()
    assert f"Approved on {long_date(today)}" in page
    assert "ready for panel" not in page
    for step in ("fostering_assessment_visit", "fostering_assessment_progress",
                 "fostering_assessment_end"):  # fmt: skip
        assert reverse(step, args=[recruitment_assessment.pk]) not in page
    assert "Week " not in page

    application = recruitment_assessment.application
    page = client.get(reverse("fostering_application", args=[application.pk])).content.decode()
    assert f"Approved on {long_date(today)}" in page
    assert reverse("fostering_assessment_start", args=[application.pk]) not in page
    assert reverse("fostering_application_end", args=[application.pk]) not in page
