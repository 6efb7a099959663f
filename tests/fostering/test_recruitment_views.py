"""The recruitment screens: an enquiry taken to an assessment through the pages, the lists with
their overdue tags (query counts pinned), the refusals for someone who may read but not act, and
the household record's recruitment section."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import recruitment
from hearth.fostering.models import Application, Assessment, Enquiry
from hearth.people.models import Household

# Monday 1 March 2027, 10:00
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


@time_machine.travel(NOW, tick=False)
def test_it_takes_an_enquiry_to_an_assessment(
    client, wigan, fostering_duty_worker, supervising_social_worker
):
    client.force_login(fostering_duty_worker)
    today = NOW.date()
    response = client.post(
        reverse("fostering_enquiry_new"),
        {"first_name": "Jo", "last_name": "Rowe", "source": "web", "received_time": "09:00",
         "spare_room": "yes", **date_fields("received_on", today)},
    )  # fmt: skip
    enquiry = Enquiry.objects.get()
    assert response["Location"] == reverse("fostering_enquiry", args=[enquiry.pk])
    page = client.get(response["Location"]).content.decode()
    assert "1 March 2027 at 9:00am" in page and "2 March 2027 at 9:00am" in page
    client.post(
        reverse("fostering_enquiry_contact", args=[enquiry.pk]),
        {"method": "info_pack", "contact_time": "09:30", **date_fields("contact_on", today)},
    )
    client.post(
        reverse("fostering_enquiry_visit_held", args=[enquiry.pk]),
        {"version": 1, **date_fields("held_on", today)},
    )
    response = client.post(
        reverse("fostering_application_new", args=[enquiry.pk]),
        {"consent_to_checks": "on", **date_fields("received_on", today)},
    )
    application = Application.objects.get()
    assert response["Location"] == reverse("fostering_application", args=[application.pk])
    page = client.get(response["Location"]).content.decode()
    assert "DBS enhanced check" in page and "0 of 6" in page
    client.force_login(supervising_social_worker)
    response = client.post(
        reverse("fostering_assessment_start", args=[application.pk]),
        {"kind": "form_f", "assessor": supervising_social_worker.pk,
         **date_fields("started_on", today)},
    )  # fmt: skip
    assessment = Assessment.objects.get()
    assert response["Location"] == reverse("fostering_assessment", args=[assessment.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Week 0 of 20" in page and "19 July 2027" in page
    enquiry.refresh_from_db()
    assert enquiry.answered_at is not None and enquiry.visit_held_on == today
    assert Household.objects.get().status == Household.Status.IN_ASSESSMENT


@time_machine.travel(NOW, tick=False)
def test_a_visit_in_the_future_is_refused_at_the_field(client, recruitment_enquiry,
                                                        fostering_duty_worker):  # fmt: skip
    client.force_login(fostering_duty_worker)
    response = client.post(
        reverse("fostering_enquiry_visit_held", args=[recruitment_enquiry.pk]),
        {"version": 1, **date_fields("held_on", NOW.date() + timedelta(days=1))},
    )
    assert response.status_code == 200
    assert "The visit must be today or in the past" in response.content.decode()
    assert "govuk-error-summary" in response.content.decode()
    recruitment_enquiry.refresh_from_db()
    assert recruitment_enquiry.visit_held_on is None


@time_machine.travel(NOW, tick=False)
def test_an_application_without_consent_is_refused_at_the_field(
    client, recruitment_enquiry, fostering_duty_worker
):
    client.force_login(fostering_duty_worker)
    response = client.post(
        reverse("fostering_application_new", args=[recruitment_enquiry.pk]),
        date_fields("received_on", NOW.date()),
    )
    assert "must consent to the statutory checks" in response.content.decode()
    assert not Application.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_word_of_mouth_without_the_carers_is_refused_at_the_field(client, wigan,
                                                                   fostering_duty_worker):  # fmt: skip
    client.force_login(fostering_duty_worker)
    response = client.post(
        reverse("fostering_enquiry_new"),
        {"first_name": "Jo", "last_name": "Rowe", "source": "word_of_mouth",
         "received_time": "09:00", **date_fields("received_on", NOW.date())},
    )  # fmt: skip
    assert "Choose the carers who told them about fostering" in response.content.decode()
    assert not Household.objects.exists()


def test_a_reader_sees_no_buttons_and_cannot_act(client, recruitment_enquiry, placements_officer):
    client.force_login(placements_officer)
    page = client.get(reverse("fostering_enquiry", args=[recruitment_enquiry.pk]))
    assert page.status_code == 200
    assert "Record a contact" not in page.content.decode()
    response = client.post(
        reverse("fostering_enquiry_contact", args=[recruitment_enquiry.pk]), {"method": "call"}
    )
    assert response.status_code == 403
    assert "Only the fostering team" in response.content.decode()
    assert not recruitment_enquiry.contacts.exists()


def test_a_social_worker_of_the_council_cannot_read_enquiries(client, recruitment_enquiry,
                                                              social_worker):  # fmt: skip
    client.force_login(social_worker)
    assert client.get(reverse("fostering_enquiries")).status_code == 404
    assert (
        client.get(reverse("fostering_enquiry", args=[recruitment_enquiry.pk])).status_code == 404
    )


def test_the_enquiry_list_tags_the_overdue_in_few_queries(
    client, wigan, fostering_duty_worker, django_assert_max_num_queries
):
    with time_machine.travel(NOW, tick=False):
        for name in ("Rowe", "Khan", "Lee"):
            recruitment.enquiry_receive(
                by=fostering_duty_worker, authority=wigan, first_name="A", last_name=name,
                received_at=NOW - timedelta(hours=30), source="web",
            )  # fmt: skip
        recruitment.enquiry_receive(
            by=fostering_duty_worker, authority=wigan, first_name="A", last_name="New",
            received_at=NOW - timedelta(hours=1), source="phone",
        )  # fmt: skip
        client.force_login(fostering_duty_worker)
        with django_assert_max_num_queries(15):
            page = client.get(reverse("fostering_enquiries")).content.decode()
        assert page.count("Overdue") == 3
        assert "New household" in page
        filtered = client.get(reverse("fostering_enquiries"), {"source": "phone"}).content
        assert b"New household" in filtered and b"Rowe household" not in filtered


def test_the_recontact_list_puts_those_due_first_and_tags_overdue_and_today(
    client, wigan, fostering_duty_worker
):
    made = {}
    with time_machine.travel(NOW, tick=False):
        for name, days in (("Later", 180), ("Sooner", 19), ("Today", 40)):
            enquiry = made[name] = recruitment.enquiry_receive(
                by=fostering_duty_worker, authority=wigan, first_name="A", last_name=name,
                received_at=NOW - timedelta(hours=1), source="web",
            )  # fmt: skip
            recruitment.enquiry_not_progressed(
                by=fostering_duty_worker, enquiry=enquiry, reason="not_ready", on=NOW.date(),
                recontact_on=NOW.date() + timedelta(days=days), expected_version=1,
            )  # fmt: skip
    with time_machine.travel(NOW + timedelta(days=40), tick=False):
        client.force_login(fostering_duty_worker)
        page = client.get(reverse("fostering_recontacts")).content.decode()
        sooner = client.get(reverse("fostering_enquiry", args=[made["Sooner"].pk])).content.decode()
    assert page.index("Sooner household") < page.index("Later household")
    assert page.index("Today household") < page.index("Later household")
    # three weeks past the day: overdue, with the day; on the day: due today; later: no tag
    row = page[page.index("Sooner household") : page.index("</tr>", page.index("Sooner household"))]
    assert "20 March 2027" in row and ">Overdue<" in row
    row = page[page.index("Today household") : page.index("</tr>", page.index("Today household"))]
    assert "10 April 2027" in row and ">Due today<" in row
    assert page.count(">Overdue<") == 1 and page.count(">Due today<") == 1
    assert ">Due<" not in page
    assert "Sooner household" in sooner and ">Overdue<" in sooner


def test_the_assessment_list_tags_the_overdue_in_few_queries(
    client, recruitment_assessment, supervising_social_worker, django_assert_max_num_queries
):
    with time_machine.travel(NOW + timedelta(weeks=30), tick=False):
        client.force_login(supervising_social_worker)
        with django_assert_max_num_queries(15):
            page = client.get(reverse("fostering_assessments")).content.decode()
    assert "Overdue" in page and "0 of 6" in page


@pytest.mark.parametrize("stage", ["recruitment_enquiry", "recruitment_assessment"])
def test_the_household_record_shows_the_recruitment_section(
    client, request, stage, fostering_duty_worker
):
    record = request.getfixturevalue(stage)
    client.force_login(fostering_duty_worker)
    page = client.get(reverse("household", args=[record.household_id])).content.decode()
    assert "Recruitment" in page
    if stage == "recruitment_assessment":
        assert reverse("fostering_assessment", args=[record.pk]) in page
        assert "Week 0 of 20" in page
    else:
        assert reverse("fostering_enquiry", args=[record.pk]) in page


# Fix round 1 ---------------------------------------------------------------------------------------


def test_the_applications_list_shows_checks_outstanding_oldest_first_in_few_queries(
    client, wigan, fostering_duty_worker, django_assert_max_num_queries
):
    with time_machine.travel(NOW, tick=False):
        made = {}
        for name, days_ago in (("Newer", 3), ("Older", 10), ("Done", 20), ("Ended", 15)):
            enquiry = recruitment.enquiry_receive(
                by=fostering_duty_worker, authority=wigan, first_name="A", last_name=name,
                received_at=NOW - timedelta(days=days_ago), source="web",
            )  # fmt: skip
            made[name] = recruitment.application_receive(
                by=fostering_duty_worker, enquiry=enquiry,
                received_on=NOW.date() - timedelta(days=days_ago), consent_to_checks=True,
            )  # fmt: skip
        older = made["Older"]
        recruitment.check_update(
            by=fostering_duty_worker, check=older.checks.get(kind="dbs"),
            requested_on=older.received_on, completed_on=NOW.date(), outcome="clear", note="",
            expected_version=older.version,
        )  # fmt: skip
        done = made["Done"]
        for version, check in enumerate(done.checks.all(), start=done.version):
            recruitment.check_update(
                by=fostering_duty_worker, check=check, requested_on=done.received_on,
                completed_on=NOW.date(), outcome="clear", note="", expected_version=version,
            )  # fmt: skip
        recruitment.application_end(
            by=fostering_duty_worker, application=made["Ended"], ending="withdrawn",
            reason="health", on=NOW.date(), expected_version=made["Ended"].version,
        )  # fmt: skip
        client.force_login(fostering_duty_worker)
        with django_assert_max_num_queries(15):
            page = client.get(reverse("fostering_applications")).content.decode()
    assert "Done household" not in page and "Ended household" not in page
    assert page.index("Older household") < page.index("Newer household")
    assert "1 of 6" in page and "0 of 6" in page
    assert reverse("fostering_application", args=[older.pk]) in page
    assert ">10<" in page and ">3<" in page  # days waiting


@time_machine.travel(NOW, tick=False)
def test_an_application_is_ended_from_its_page(client, recruitment_application,
                                               fostering_duty_worker):  # fmt: skip
    client.force_login(fostering_duty_worker)
    url = reverse("fostering_application", args=[recruitment_application.pk])
    end_url = reverse("fostering_application_end", args=[recruitment_application.pk])
    assert end_url in client.get(url).content.decode()
    response = client.post(
        end_url,
        {"ending": "refused", "reason": "not_suitable", "note": "", "version": 1,
         **date_fields("ended_on", NOW.date() + timedelta(days=1))},
    )  # fmt: skip
    assert "The day must be today or in the past" in response.content.decode()
    response = client.post(
        end_url,
        {"ending": "refused", "reason": "not_suitable", "note": "", "version": 1,
         **date_fields("ended_on", NOW.date())},
    )  # fmt: skip
    assert response["Location"] == url
    page = client.get(url).content.decode()
    assert "Not taken forward" in page and "Not suitable at this time" in page
    assert end_url not in page
    assert Household.objects.get().status == Household.Status.NOT_PROGRESSED


@time_machine.travel(NOW, tick=False)
def test_a_reader_of_two_councils_chooses_the_council_of_the_lists(
    client, wigan, trafford, fostering_duty_worker
):
    from hearth.accounts.models import Membership
    from hearth.accounts.roles import Role

    Membership.objects.create(
        user=fostering_duty_worker, organisation=trafford, role=Role.FOSTERING_DUTY_WORKER
    )
    with time_machine.travel(NOW, tick=False):
        for council, name in ((wigan, "Wiganer"), (trafford, "Traffordian")):
            enquiry = recruitment.enquiry_receive(
                by=fostering_duty_worker, authority=council, first_name="A", last_name=name,
                received_at=NOW - timedelta(hours=1), source="web",
            )  # fmt: skip
            recruitment.application_receive(
                by=fostering_duty_worker, enquiry=enquiry, received_on=NOW.date(),
                consent_to_checks=True,
            )  # fmt: skip
    client.force_login(fostering_duty_worker)
    for name in ("fostering_enquiries", "fostering_applications"):
        chosen = client.get(reverse(name), {"council": trafford.ons_code, "outcome": "all"})
        page = chosen.content.decode()
        assert "Traffordian household" in page and "Wiganer household" not in page
        assert f"?council={wigan.ons_code}" in page  # the chooser offers the other council
        first = client.get(reverse(name), {"outcome": "all"}).content.decode()
        assert ("Wiganer household" in first) != ("Traffordian household" in first)
    response = client.post(
        reverse("fostering_enquiry_new") + f"?council={trafford.ons_code}",
        {"first_name": "Jo", "last_name": "Rowe", "source": "web", "received_time": "09:00",
         **date_fields("received_on", NOW.date())},
    )  # fmt: skip
    assert response.status_code == 302
    assert Enquiry.objects.get(household__name="Rowe household").authority == trafford
