"""The Reports page lists the reports a person's roles let them read, and only those."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

UNPLANNED = "Unplanned endings by month"
SPEND = "Weekly spend on placements"
PASSED_OVER = "In-house offers passed over"


def shown(client, user):
    client.force_login(user)
    return client.get(reverse("reports"))


def test_a_team_manager_reads_the_breakdown_and_the_offers_passed_over(client, team_manager):
    page = shown(client, team_manager).content.decode()
    assert UNPLANNED in page and PASSED_OVER in page
    assert reverse("unplanned_endings_report") in page
    assert SPEND not in page


def test_a_finance_officer_reads_the_spend_not_the_breakdown(client, finance_officer):
    page = shown(client, finance_officer).content.decode()
    assert SPEND in page and reverse("spend") in page
    assert UNPLANNED not in page


def test_a_social_worker_reads_only_the_offers_passed_over(client, social_worker):
    page = shown(client, social_worker).content.decode()
    assert PASSED_OVER in page
    assert UNPLANNED not in page and SPEND not in page


def test_the_navigation_offers_reports_to_council_staff_only(client, social_worker, agency_user):
    client.force_login(social_worker)
    assert f'href="{reverse("reports")}"' in client.get(reverse("home")).content.decode()
    client.force_login(agency_user)
    assert f'href="{reverse("reports")}"' not in client.get(reverse("home")).content.decode()
    assert client.get(reverse("reports")).status_code == 404
