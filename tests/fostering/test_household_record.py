"""The household record says whether the household is approved: the approval's terms only for
carers approved now; before approval, or after leaving, the status in words."""

import pytest
from django.urls import reverse

from hearth.people.models import Household
from tests.factories import HouseholdFactory


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (Household.Status.ENQUIRY, "Not approved: enquiry"),
        (Household.Status.NOT_PROGRESSED, "Not approved: did not go on to approval"),
        (Household.Status.DEREGISTERED, "No longer fostering: the approval has ended"),
    ],
)
def test_a_household_not_approved_shows_no_approval_terms(
    client, wigan, supervising_social_worker, status, words
):
    household = HouseholdFactory(provider=wigan, status=status, approved_on=None)
    client.force_login(supervising_social_worker)

    page = client.get(reverse("household", args=[household.pk])).content.decode()

    assert words in page
    assert "Approved for" not in page


def test_approved_carers_show_their_terms(client, household, supervising_social_worker):
    client.force_login(supervising_social_worker)

    page = client.get(reverse("household", args=[household.pk])).content.decode()

    assert "Approved for" in page
    assert "Not approved" not in page


def test_a_first_review_waiting_for_the_panel_is_not_shown_overdue(
    client, wigan, household, supervising_social_worker
):
    from datetime import date, datetime

    from hearth.core.deadlines import LONDON
    from hearth.fostering.models import AnnualReview

    household.review_due_at = datetime(2025, 1, 15, 23, 59, tzinfo=LONDON)
    household.save(update_fields=["review_due_at"])
    AnnualReview.objects.create(
        authority=wigan, household=household, due_on=date(2025, 1, 15), first=True,
        status=AnnualReview.Status.HELD, held_on=date(2025, 1, 10),
    )  # fmt: skip
    client.force_login(supervising_social_worker)

    page = client.get(reverse("household", args=[household.pk])).content.decode()
    approval = page[
        page.index("Next review due") : page.index("</dl>", page.index("Next review due"))
    ]

    assert "Held: waiting for the panel" in approval
    assert "Overdue" not in approval
