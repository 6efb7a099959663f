"""Adding and changing a foster carer household's record through the screens."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.people.models import Household
from tests.factories import ChildFactory, HouseholdFactory, member
from tests.screens import field_error, form_data, page

NOW = datetime(2026, 6, 15, 10, 30, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fostering_team_manager(wigan):
    return member(wigan, Role.FOSTERING_TEAM_MANAGER, username="ftm.wigan")


def household_data(**overrides):
    """What the add form sends for a newly approved Wigan household."""
    data = {
        "reference": "H7001",
        "name": "Smith family",
        "carers": "Ann Smith; Joe Smith",
        "postcode": "WN1 1AB",
        "bedrooms": "2",
        "status": "approved",
        "hold_reason": "",
        "min_age": "0",
        "max_age": "17",
        "max_children": "2",
        "care_types": ["short_term", "long_term"],
        "accepts_siblings": "on",
        "skills": ["trauma_attachment"],
        "ethnicity": "",
        "religion": "",
        "languages": ["english"],
        "approved_on_day": "1",
        "approved_on_month": "3",
        "approved_on_year": "2026",
        "weekly_cost": "0",
        "supervising_social_worker": "ssw.wigan",
        "named_children_references": "",
    }
    data.update(overrides)
    return data


OVERDUE_TAG = '<strong class="govuk-tag govuk-tag--red">Overdue</strong>'


# Adding a household ------------------------------------------------------------------------------------


def test_adding_a_household_creates_it_with_each_carer_and_shows_it(
    client, supervising_social_worker
):
    client.force_login(supervising_social_worker)
    response = client.post(reverse("household_add"), household_data())
    household = Household.objects.get(reference="H7001")
    assert response["Location"] == reverse("household", args=[household.pk])
    assert [(c.first_name, c.last_name) for c in household.carers.all()] == [
        ("Ann", "Smith"),
        ("Joe", "Smith"),
    ]
    assert household.supervising_social_worker == supervising_social_worker
    shown = page(client.get(response["Location"]))
    assert "Smith family was added." in shown
    assert "<li>Ann Smith</li>" in shown and "<li>Joe Smith</li>" in shown


def test_adding_a_household_writes_one_create_audit_row(client, supervising_social_worker):
    client.force_login(supervising_social_worker)
    client.post(reverse("household_add"), household_data())
    household = Household.objects.get(reference="H7001")
    event = AuditEvent.objects.get(action="create", record_type="household")
    assert (event.username, event.record_id) == ("ssw.wigan", str(household.pk))


@pytest.mark.parametrize(
    ("field", "sent", "message"),
    [
        pytest.param(
            "max_age",
            {"min_age": "12", "max_age": "5"},
            "The oldest age approved must be the same as or above the youngest",
            id="ages-reversed",
        ),
        pytest.param(
            "hold_reason",
            {"status": "on_hold", "hold_reason": ""},
            "Select why the household is on hold",
            id="on-hold-without-reason",
        ),
        pytest.param(
            "named_children_references",
            {"status": "temporary", "named_children_references": ""},
            "A temporary (Regulation 24) approval names its children",
            id="temporary-without-named-children",
        ),
        pytest.param(
            "named_children_references",
            {"status": "temporary", "named_children_references": "NOBODY"},
            "No child has the reference NOBODY",
            id="temporary-naming-an-unknown-child",
        ),
        pytest.param(
            "carers",
            {"carers": "Ann Smith; Joe"},
            "Enter the first and last name of 'Joe'",
            id="carer-without-last-name",
        ),
        pytest.param(
            "care_types",
            {"care_types": []},
            "Select the types of care the household is approved for",
            id="approved-without-types-of-care",
        ),
        pytest.param(
            "postcode",
            {"postcode": "WN1 7ZZ"},
            "WN1 7ZZ is not in the ONS postcode directory",
            id="postcode-not-in-ons-data",
        ),
        pytest.param(
            "max_children",
            {"max_children": "0"},
            "An approved household is approved for at least one child",
            id="approved-for-no-children",
        ),
    ],
)
def test_adding_a_household_with_bad_input_shows_the_message_at_the_field_and_saves_nothing(
    client, supervising_social_worker, field, sent, message
):
    client.force_login(supervising_social_worker)
    response = client.post(reverse("household_add"), household_data(**sent))
    assert response.status_code == 200
    assert field_error(response, field) == message
    assert not Household.objects.exists()
    assert not AuditEvent.objects.filter(action="create").exists()


def test_adding_a_household_on_hold_with_a_reason_keeps_the_reason(
    client, supervising_social_worker
):
    client.force_login(supervising_social_worker)
    client.post(reverse("household_add"), household_data(status="on_hold", hold_reason="illness"))
    household = Household.objects.get(reference="H7001")
    assert (household.status, household.hold_reason) == ("on_hold", "illness")


def test_adding_an_approved_household_sets_the_review_twelve_months_on_at_the_end_of_the_day(
    client, supervising_social_worker
):
    client.force_login(supervising_social_worker)
    client.post(reverse("household_add"), household_data())
    household = Household.objects.get(reference="H7001")
    assert household.review_due_at == datetime(2027, 3, 1, 23, 59, 59, tzinfo=LONDON)
    assert household.review_due_at == datetime(2027, 3, 1, 23, 59, 59, tzinfo=UTC)  # GMT


def test_adding_a_temporary_approval_sets_the_assessment_due_sixteen_weeks_on_in_london_time(
    client, wigan, supervising_social_worker
):
    named = ChildFactory(authority=wigan, reference="C5150")
    client.force_login(supervising_social_worker)
    response = client.post(
        reverse("household_add"),
        household_data(status="temporary", named_children_references=named.reference),
    )
    household = Household.objects.get(reference="H7001")
    assert response.status_code == 302
    assert list(household.named_children.all()) == [named]
    # 1 March + 16 weeks is Sunday 21 June; the clocks have gone forward, so 22:59:59 in UTC.
    assert household.review_due_at == datetime(2026, 6, 21, 23, 59, 59, tzinfo=LONDON)
    assert household.review_due_at == datetime(2026, 6, 21, 22, 59, 59, tzinfo=UTC)


def test_adding_a_household_in_assessment_has_no_review_due(client, supervising_social_worker):
    client.force_login(supervising_social_worker)
    data = household_data(status="in_assessment", approved_on_day="", approved_on_month="")
    data["approved_on_year"] = ""
    client.post(reverse("household_add"), data)
    assert Household.objects.get(reference="H7001").review_due_at is None


def test_adding_a_household_with_a_reference_already_used_is_refused(
    client, wigan, supervising_social_worker
):
    existing = HouseholdFactory(provider=wigan, reference="H7001")
    client.force_login(supervising_social_worker)
    response = client.post(reverse("household_add"), household_data())
    assert field_error(response, "reference") == "Another household already has this reference"
    assert list(Household.objects.all()) == [existing]


def test_an_agency_adding_a_household_with_named_children_is_refused(client, agency_user, child):
    client.force_login(agency_user)
    data = household_data(
        status="temporary",
        named_children_references=child.reference,
        postcode="M1 1AE",
        supervising_social_worker="",
    )
    response = client.post(reverse("household_add"), data)
    assert field_error(response, "named_children_references") == (
        "Only a council's own kinship carers are approved for named children"
    )
    assert not Household.objects.exists()


# The household's record --------------------------------------------------------------------------------


def test_household_record_shows_overdue_once_the_review_date_has_passed(
    client, supervising_social_worker, household
):
    household.review_due_at = datetime(2026, 6, 14, 23, 59, 59, tzinfo=LONDON)
    household.save()
    client.force_login(supervising_social_worker)
    body = client.get(reverse("household", args=[household.pk])).content.decode()
    assert "14 June 2026 at 11:59pm" in body
    review_row = body[body.index("Next review due") :]
    assert OVERDUE_TAG in review_row[: review_row.index("</div>")]


def test_household_record_does_not_show_overdue_on_the_day_the_review_is_due(
    client, supervising_social_worker, household
):
    household.review_due_at = datetime(2026, 6, 15, 23, 59, 59, tzinfo=LONDON)
    household.save()
    client.force_login(supervising_social_worker)
    body = client.get(reverse("household", args=[household.pk])).content.decode()
    assert "15 June 2026 at 11:59pm" in body
    review_row = body[body.index("Next review due") :]
    assert OVERDUE_TAG not in review_row[: review_row.index("</div>")]


# Changing a household ----------------------------------------------------------------------------------


def _change_form(client, household):
    url = reverse("household_change", args=[household.pk])
    return url, form_data(client.get(url).context["form"])


def test_changing_the_approval_date_moves_the_review_date(client, agency_user, agency_household):
    client.force_login(agency_user)
    url, data = _change_form(client, agency_household)
    data |= {"approved_on_day": "10", "approved_on_month": "5", "approved_on_year": "2026"}
    assert client.post(url, data).status_code == 302
    agency_household.refresh_from_db()
    assert agency_household.review_due_at == datetime(2027, 5, 10, 23, 59, 59, tzinfo=LONDON)


def test_an_in_house_households_approval_and_terms_are_not_changed_on_its_form(
    client, supervising_social_worker, household
):
    """The approval and its terms are the agency decision maker's, after the fostering panel:
    shown read-only on the form, and ignored if posted."""
    client.force_login(supervising_social_worker)
    url = reverse("household_change", args=[household.pk])
    response = client.get(url)
    data = form_data(response.context["form"])
    for name in ("approved_on_day", "min_age", "max_age", "max_children", "care_types"):
        assert name not in data
    shown = page(response)
    assert "changed through the fostering panel" in shown
    assert "15 January 2024" in shown and "Children at a time" in shown
    data |= {"approved_on_day": "10", "approved_on_month": "5", "approved_on_year": "2026"}
    data |= {"max_children": "3", "min_age": "5", "max_age": "9", "care_types": ["emergency"]}
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.approved_on, household.max_children, household.min_age) == (
        date(2024, 1, 15), 2, 0,
    )  # fmt: skip
    assert household.care_types != ["emergency"]


def test_an_agencys_household_keeps_its_approval_terms_on_its_form(
    client, agency_user, agency_household
):
    client.force_login(agency_user)
    url, data = _change_form(client, agency_household)
    data["max_children"] = "3"
    assert client.post(url, data).status_code == 302
    agency_household.refresh_from_db()
    assert agency_household.max_children == 3


def test_changing_a_temporary_approval_keeps_its_extended_assessment_date(
    client, wigan, supervising_social_worker, agency_decision_maker, household
):
    """The Regulation 24 assessment is due by the open approval's date, which a Regulation 25
    extension moves: an edit of the household does not take it back to 16 weeks."""
    from hearth.fostering.models import TemporaryApproval

    child = ChildFactory(authority=wigan, reference="C5151")
    Household.objects.filter(pk=household.pk).update(
        status="temporary", approved_on=date(2026, 1, 5)
    )
    household.named_children.set([child])
    TemporaryApproval.objects.create(
        authority=wigan, household=household, child=child, approved_on=date(2026, 1, 5),
        approved_by=agency_decision_maker, assessment_due_on=date(2026, 6, 29),  # 16 + 8 weeks
    )  # fmt: skip
    client.force_login(supervising_social_worker)
    url, data = _change_form(client, household)
    data["name"] = "Renamed family"
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.review_due_at == datetime(2026, 6, 29, 23, 59, 59, tzinfo=LONDON)


def test_a_council_household_made_approved_has_its_approval_in_its_fostering_history(
    client, supervising_social_worker
):
    from hearth.fostering.models import Hold, RecruitmentEvent

    client.force_login(supervising_social_worker)
    client.post(reverse("household_add"), household_data())
    client.post(
        reverse("household_add"),
        household_data(reference="H7002", status="on_hold", hold_reason="illness"),
    )
    approved = Household.objects.get(reference="H7001")
    held = Household.objects.get(reference="H7002")
    assert list(approved.recruitment_events.values_list("event", "date")) == [
        ("approved", date(2026, 3, 1))
    ]
    assert list(held.recruitment_events.order_by("pk").values_list("event", "date", "reason")) == [
        ("approved", date(2026, 3, 1), ""), ("on_hold", NOW.date(), "illness"),
    ]  # fmt: skip
    hold = Hold.objects.get(household=held)
    assert (hold.reason, hold.started_on, hold.ended_on) == ("illness", NOW.date(), None)
    assert RecruitmentEvent.objects.count() == 3


def test_an_agencys_household_has_no_fostering_history(client, agency_user):
    from hearth.fostering.models import Hold, RecruitmentEvent

    client.force_login(agency_user)
    client.post(
        reverse("household_add"),
        household_data(status="on_hold", hold_reason="illness", supervising_social_worker=""),
    )
    assert Household.objects.filter(reference="H7001").exists()
    assert not RecruitmentEvent.objects.exists() and not Hold.objects.exists()


def test_changing_the_carers_replaces_them(client, supervising_social_worker, household):
    client.force_login(supervising_social_worker)
    url, data = _change_form(client, household)
    assert data["carers"] == "Pat Carer"
    data["carers"] = "Pat Carer; Lee Carer-Jones"
    client.post(url, data)
    assert [str(c) for c in household.carers.all()] == ["Pat Carer", "Lee Carer-Jones"]


def test_reducing_the_children_approved_for_below_those_living_there_is_refused(
    client, wigan, agency_user, agency_household
):
    household = agency_household
    ChildFactory.create_batch(2, authority=wigan, placed_with=household)
    client.force_login(agency_user)
    url, data = _change_form(client, household)
    data["max_children"] = "1"
    response = client.post(url, data)
    assert field_error(response, "max_children") == (
        "2 children live here: the approval cannot be for fewer"
    )
    household.refresh_from_db()
    assert household.max_children == 2


def test_reducing_the_children_approved_for_to_those_living_there_is_accepted(
    client, wigan, agency_user, agency_household
):
    household = agency_household
    ChildFactory(authority=wigan, placed_with=household)
    client.force_login(agency_user)
    url, data = _change_form(client, household)
    data["max_children"] = "1"
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert household.max_children == 1


def test_an_agency_putting_its_household_on_hold_without_a_reason_is_refused(
    client, agency_user, agency_household
):
    client.force_login(agency_user)
    url, data = _change_form(client, agency_household)
    data["status"] = "on_hold"
    response = client.post(url, data)
    assert field_error(response, "hold_reason") == "Select why the household is on hold"
    agency_household.refresh_from_db()
    assert agency_household.status == "approved"


def test_an_in_house_households_status_is_not_changed_on_its_form(
    client, supervising_social_worker, household
):
    """It moves only through the fostering service's steps, which keep its history."""
    client.force_login(supervising_social_worker)
    url, data = _change_form(client, household)
    assert "status" not in data and "hold_reason" not in data
    data |= {"status": "on_hold", "hold_reason": "illness"}
    assert client.post(url, data).status_code == 302
    household.refresh_from_db()
    assert (household.status, household.hold_reason) == ("approved", "")


def test_saving_a_household_without_a_change_says_nothing_was_changed(
    client, supervising_social_worker, household
):
    client.force_login(supervising_social_worker)
    url, data = _change_form(client, household)
    response = client.post(url, data, follow=True)
    assert response.redirect_chain == [(reverse("household", args=[household.pk]), 302)]
    assert "Nothing was changed." in page(response)
    assert not AuditEvent.objects.filter(action="update").exists()


def test_two_people_changing_the_same_household_the_second_is_refused_and_the_first_change_kept(
    client, supervising_social_worker, fostering_team_manager, household
):
    second = Client()
    client.force_login(supervising_social_worker)
    second.force_login(fostering_team_manager)
    url, first_data = _change_form(client, household)
    _url, second_data = _change_form(second, household)

    first_data["bedrooms"] = "3"
    assert client.post(url, first_data).status_code == 302
    second_data["name"] = "Second family"
    response = second.post(url, second_data)

    assert response.status_code == 200
    assert "was changed by someone else while you were editing it" in page(response)
    household.refresh_from_db()
    assert (household.bedrooms, household.name != "Second family", household.version) == (
        3, True, 2,
    )  # fmt: skip
    assert AuditEvent.objects.filter(action="update", record_type="household").count() == 1


def test_two_people_changing_the_carers_the_second_does_not_overwrite_the_first(
    client, supervising_social_worker, fostering_team_manager, household
):
    second = Client()
    client.force_login(supervising_social_worker)
    second.force_login(fostering_team_manager)
    url, first_data = _change_form(client, household)
    _url, second_data = _change_form(second, household)
    first_data["carers"] = "Pat Carer; Lee Carer"
    client.post(url, first_data)
    second_data["carers"] = "Pat Carer; Sam Carer"
    response = second.post(url, second_data)
    assert "changed by someone else" in page(response)
    assert [str(c) for c in household.carers.all()] == ["Pat Carer", "Lee Carer"]


def test_changing_a_household_of_another_council_is_not_found(client, outsider_ssw, household):
    client.force_login(outsider_ssw)
    response = client.post(reverse("household_change", args=[household.pk]), household_data())
    assert response.status_code == 404
    household.refresh_from_db()
    assert household.name != "Smith family"


def test_a_carer_named_again_keeps_their_contact_details(
    client, supervising_social_worker, household
):
    pat = household.carers.get()
    pat.email, pat.phone = "pat@example.org", "07700 900123"
    pat.save()
    client.force_login(supervising_social_worker)
    url, data = _change_form(client, household)
    data["carers"] = "Lee Carer-Jones; Pat Carer"
    client.post(url, data)
    kept = household.carers.get(first_name="Pat")
    assert (kept.pk, kept.email, kept.phone) == (pat.pk, "pat@example.org", "07700 900123")
    assert household.carers.count() == 2


def test_named_children_shown_on_a_kinship_household_are_audited(
    client, wigan, supervising_social_worker, household
):
    from hearth.audit.models import AuditEvent

    household.named_children.add(ChildFactory(authority=wigan), ChildFactory(authority=wigan))
    client.force_login(supervising_social_worker)
    client.get(reverse("household", args=[household.pk]))
    event = AuditEvent.objects.get(action="list", record_type="child")
    assert event.detail == f"2 shown on household {household.pk}'s record"
