"""The monthly fostering figures on screen (`fostering_report`): the table, the funnel, the CSVs, the
further figures and the comparators side by side; who may read them."""

import csv
import io
from datetime import date, datetime

import pytest
from django.urls import reverse

from hearth.accounts.roles import Role
from hearth.fostering.models import RecruitmentEvent
from tests.factories import HouseholdFactory, member

URL = reverse("fostering_report")
PERIOD = {"first": "2026-01", "last": "2026-02"}


@pytest.fixture(autouse=True)
def march_2026(time_machine):
    time_machine.move_to(datetime(2026, 3, 10, 10, 0), tick=False)


@pytest.fixture
def history(wigan):
    home = HouseholdFactory(provider=wigan)
    for kind, day in (("enquiry", date(2026, 1, 3)), ("enquiry", date(2026, 1, 4)),
                      ("initial_visit", date(2026, 1, 9)), ("approved", date(2026, 2, 20))):  # fmt: skip
        RecruitmentEvent.objects.create(authority=wigan, household=home, event=kind, date=day)
    return home


def read_csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_it_shows_the_months_across_and_the_measures_down(client, fostering_team_manager, history):
    client.force_login(fostering_team_manager)

    response = client.get(URL, PERIOD)

    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Monthly fostering figures</h1>' in page
    table = response.context["rows"]
    assert [row["label"] for row in table][:2] == ["Initial enquiries", "Initial home visits"]
    assert table[0]["values"] == (2, 0) and table[0]["total"] == 2
    assert table[6]["values"] == (0, 1) and table[6]["total"] == ""  # approved households
    assert "Jan 2026" in page and "Feb 2026" in page


def test_the_funnel_chart_has_a_text_alternative(client, fostering_team_manager, history):
    client.force_login(fostering_team_manager)

    response = client.get(URL, PERIOD)

    chart = response.context["chart"]
    assert [bar["count"] for bar in chart["bars"]] == [2, 1, 0, 1]
    assert chart["description"] == (
        "From January 2026 to February 2026: Enquiries 2; Initial home visits 1; Applications 0; "
        "Approvals 1."
    )
    assert 'role="img"' in response.content.decode()


def test_the_csv_is_exactly_the_contracts(client, fostering_team_manager, history):
    client.force_login(fostering_team_manager)

    response = client.get(URL, {**PERIOD, "format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    rows = read_csv(response)
    assert rows[0] == ["measure", "2026-01", "2026-02"]
    assert rows[1] == ["initial_enquiries", "2", "0"]
    assert [row[0] for row in rows[1:]] == [
        "initial_enquiries", "initial_visits", "applications", "assessments", "approvals",
        "carer_exits", "households", "placements",
    ]  # fmt: skip


def test_the_further_figures_download_as_a_second_csv(client, fostering_team_manager, history):
    client.force_login(fostering_team_manager)

    rows = read_csv(client.get(URL, {**PERIOD, "format": "further-csv"}))

    assert rows[0] == ["figure", "value"]
    assert ["Enquiries in the period", "2"] in rows
    assert ["Median days from enquiry to approval", "47"] in rows
    assert ["Households on hold on the last day of 2026-02", "0"] in rows


def test_other_councils_are_shown_side_by_side_ours_first(
    client, fostering_team_manager, history, comparator_series
):
    client.force_login(fostering_team_manager)

    response = client.get(URL, {**PERIOD, "measure": "initial_enquiries"})

    rows = [(row.name, row.values) for row in response.context["comparison"]]
    assert rows[0] == ("Wigan Council", (2, 0))
    assert rows[1][0] == "Stockport"
    assert [str(value) for value in rows[1][1]] == ["14", "9.5"]


def test_a_measure_with_no_comparator_figures_shows_blanks(
    client, fostering_team_manager, comparator_series
):
    client.force_login(fostering_team_manager)

    response = client.get(URL, {**PERIOD, "measure": "households"})

    assert response.context["comparison"][1].values == (None, None)
    assert "No figure" in response.content.decode()


def test_a_period_the_wrong_way_round_is_refused_at_the_field(client, fostering_team_manager):
    client.force_login(fostering_team_manager)

    response = client.get(URL, {"first": "2026-02", "last": "2026-01"})

    assert response.status_code == 400
    assert "The first month must be the same as or before the last month" in (
        response.content.decode()
    )
    assert response.context["result"] is None


@pytest.mark.parametrize("role", [Role.IRO, Role.PLACEMENTS_OFFICER, Role.AGENCY_DECISION_MAKER])
def test_every_reader_of_the_fostering_service_reads_it(client, wigan, role):
    client.force_login(member(wigan, role))

    assert client.get(URL).status_code == 200


def test_a_social_worker_who_does_not_read_the_fostering_service_gets_no_page(
    client, social_worker
):
    client.force_login(social_worker)

    assert client.get(URL).status_code == 404


def test_the_report_is_listed_among_the_readers_reports(client, fostering_team_manager):
    client.force_login(fostering_team_manager)

    response = client.get(reverse("reports"))

    assert URL in response.content.decode()


def test_the_page_takes_few_queries_whatever_the_months(
    client, fostering_team_manager, history, comparator_series, django_assert_max_num_queries
):
    client.force_login(fostering_team_manager)
    with django_assert_max_num_queries(14):  # 4 for the figures, the rest signing in
        client.get(URL, {"first": "2024-03", "last": "2026-02"})
