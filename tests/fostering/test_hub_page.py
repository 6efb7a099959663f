"""The fostering front page (`/fostering/`) and its place in the navigation. The page links to
every fostering list, so it renders once all the fostering screens are in place."""

from datetime import datetime, timedelta

import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering.models import Enquiry
from hearth.people.models import Household
from tests.factories import HouseholdFactory

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=LONDON)
LISTS = (
    "fostering_enquiries", "fostering_recontacts", "fostering_assessments", "fostering_kinship",
    "fostering_panels", "fostering_decisions", "fostering_visits_due", "fostering_reviews_due",
    "fostering_support_requests", "fostering_holds", "fostering_plans", "fostering_sufficiency",
    "fostering_report", "fostering_comparators", "fostering_applications",
)  # fmt: skip


def test_the_navigation_offers_fostering_to_its_readers_only(client, iro, social_worker):
    client.force_login(iro)
    assert f'href="{reverse("fostering")}"' in client.get(reverse("home")).content.decode()
    client.force_login(social_worker)
    assert f'href="{reverse("fostering")}"' not in client.get(reverse("home")).content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_page_counts_and_links_every_list(
    client, fostering_duty_worker, wigan, django_assert_max_num_queries
):
    home = HouseholdFactory(provider=wigan, status=Household.Status.ENQUIRY, approved_on=None)
    Enquiry.objects.create(
        authority=wigan, household=home, received_at=NOW - timedelta(hours=30), source="web",
        respond_by=NOW - timedelta(hours=6),
    )  # fmt: skip
    client.force_login(fostering_duty_worker)
    with django_assert_max_num_queries(24):
        response = client.get(reverse("fostering"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enquiries waiting for an answer" in page and "Overdue" in page
    for name in LISTS:
        assert f'href="{reverse(name)}"' in page, name


def test_someone_who_does_not_read_fostering_gets_not_found(client, social_worker):
    client.force_login(social_worker)
    assert client.get(reverse("fostering")).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_the_timescales_named_are_the_councils_policy(client, fostering_duty_worker, wigan):
    """ "24 hours", "5 working days", "48 hours" are the policy's defaults, not the page's."""
    policy = wigan.policy
    policy.timescales = {
        "enquiry_response": {"amount": 2, "unit": "working_days"},
        "adm_decision": {"amount": 10, "unit": "days"},
        "visit_recording": {"amount": 72, "unit": "hours"},
        "support_request": {"amount": 1, "unit": "days"},
    }
    policy.save()
    home = HouseholdFactory(provider=wigan, status=Household.Status.ENQUIRY, approved_on=None)
    for hours in (80, 90):  # overdue whatever the rule
        Enquiry.objects.create(
            authority=wigan, household=home, received_at=NOW - timedelta(hours=hours),
            source="web", respond_by=NOW - timedelta(hours=hours - 24),
        )  # fmt: skip
    client.force_login(fostering_duty_worker)
    page = client.get(reverse("fostering")).content.decode()
    assert "past the 2 working days to answer" in page
    assert "Visits not written up within 72 hours" in page
    assert "24 hours" not in page and "48 hours" not in page


def test_visits_not_written_up_lead_to_the_visits_lists_write_up_section(client, iro):
    client.force_login(iro)
    page = client.get(reverse("fostering")).content.decode()
    assert f'href="{reverse("fostering_visits_due")}#write-ups"' in page
