"""The screen of unplanned endings by month (`unplanned_endings_report`): the table, the chart and the
CSV; who may read it; the council's own figures only; a pinned number of queries."""

import csv
import io
from datetime import date, datetime

import pytest
import time_machine

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.placements.models import Placement
from hearth.stability.models import Meeting
from tests.factories import ChildFactory, HouseholdFactory, member

TODAY = datetime(2026, 4, 15, 10, 0, tzinfo=LONDON)
URL = "/reports/unplanned-endings/"


def ended(child, household, ended_on, *, by, change="CREQB"):
    return Placement.objects.create(
        authority=child.authority, child=child, household=household, provider=household.provider,
        care_type="short_term", started_on=date(2025, 1, 1), place="U6", place_provider="PR1",
        legal_status="C2", reason_new_episode="S", started_by=by, ended_on=ended_on,
        ending="unplanned", reason_ceased="X1", reason_place_change=change,
        needs_ending_meeting=True,
    )  # fmt: skip


@pytest.fixture
def endings(wigan, household, placements_officer):
    """Wigan: two unplanned endings in March 2026 and one in April, with an ending meeting held
    in April that drew out two learning themes."""
    made = [
        ended(ChildFactory(authority=wigan), household, day, by=placements_officer)
        for day in (date(2026, 3, 2), date(2026, 3, 20), date(2026, 4, 1))
    ]
    held = datetime(2026, 4, 2, 14, 0, tzinfo=LONDON)
    Meeting.objects.create(
        authority=wigan, kind="unplanned_ending", placement=made[0], child_id=made[0].child_id,
        household_id=made[0].household_id, raised_by="placement_ended", requested_at=held,
        due_from=held, due_at=held, held_at=held, status="circulated",
        themes=["behaviour", "matching"],
    )  # fmt: skip
    return made


@pytest.fixture
def trafford_endings(trafford, placements_officer):
    """Trafford: one unplanned ending in March 2026."""
    household = HouseholdFactory(provider=trafford)
    child = ChildFactory(authority=trafford, reference="T-1")
    return [ended(child, household, date(2026, 3, 9), by=placements_officer)]


@pytest.fixture
def trafford_manager(trafford):
    return member(trafford, Role.TEAM_MANAGER, username="tm.trafford")


def rows_of(response):
    """{label: [counts...]} of the table, as the context gives it."""
    return {
        measure["label"]: list(measure["values"])
        for row in response.context["rows"]
        for measure in row["measures"]
    }


@time_machine.travel(TODAY, tick=False)
def test_it_shows_the_last_twelve_months_table_chart_and_themes(client, team_manager, endings):
    client.force_login(team_manager)

    response = client.get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["result"].month_names[0] == "2025-05"
    assert response.context["result"].month_names[-1] == "2026-04"
    assert rows_of(response)["Placements that ended in an unplanned way"][-2:] == [2, 1]
    assert "Wigan Council: unplanned endings, May 2025 to April 2026</caption>" in html
    assert '<th scope="row" class="govuk-table__header govuk-!-font-weight-regular">' in html
    assert (
        '<th scope="col" class="govuk-table__header govuk-table__header--numeric">Apr 2026' in html
    )
    # The chart: an image with its title and description, one bar a month.
    assert '<svg role="img" aria-labelledby="endings-chart-title endings-chart-description"' in html
    assert "March 2026: 2; April 2026: 1." in html
    assert html.count("<rect ") == 12
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    # The learning themes of the period, most often first.
    assert "Behaviour the carers felt they lacked the skills or support to manage" in html
    assert "The home was not well chosen" in html
    assert 'href="?council=E08000010&amp;first=2025-05&amp;last=2026-04&amp;format=csv"' in html


@time_machine.travel(TODAY, tick=False)
def test_the_chart_bars_are_as_tall_as_their_counts(client, team_manager, endings):
    client.force_login(team_manager)

    chart = client.get(URL).context["chart"]

    heights = {bar["label"]: bar["height"] for bar in chart["bars"]}
    assert chart["top"] == 2
    assert heights["March 2026: 2"] == 2 * heights["April 2026: 1"] > 0
    assert heights["February 2026: 0"] == 0


@time_machine.travel(TODAY, tick=False)
def test_the_months_can_be_chosen(client, team_manager, endings):
    client.force_login(team_manager)

    response = client.get(URL, {"first": "2026-03", "last": "2026-04"})

    assert response.context["result"].month_names == ["2026-03", "2026-04"]
    assert rows_of(response)["Placements that ended in an unplanned way"] == [2, 1]
    assert "selected>March 2026</option>" in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_from_after_to_is_an_error_at_the_field_and_no_figures_are_shown(
    client, team_manager, endings
):
    client.force_login(team_manager)

    response = client.get(URL, {"first": "2026-04", "last": "2026-03"})

    html = response.content.decode()
    assert response.status_code == 400
    assert "There is a problem" in html
    assert 'id="id_first-error"' in html
    assert "The first month must be the same as or before the last month" in html
    # Not the default period's figures passing for the months asked for: none at all.
    assert response.context["result"] is None
    assert "<table" not in html and "<svg" not in html and "format=csv" not in html
    assert "No figures are shown until the months chosen are put right." in html
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LIST).exists()


@pytest.mark.parametrize(
    "period",
    [
        {"first": "2026-04", "last": "2026-03"},
        {"first": "2026-13", "last": "2026-03"},
        {"first": "garbage", "last": "2026-03"},
        {"first": "2026-03"},
    ],
)
@time_machine.travel(TODAY, tick=False)
def test_a_bad_range_downloads_nothing_and_shows_the_error(client, team_manager, endings, period):
    client.force_login(team_manager)

    response = client.get(URL, {**period, "format": "csv"})

    assert response.status_code == 400
    assert "Content-Disposition" not in response
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "There is a problem" in html and "govuk-error-message" in html
    assert "<table" not in html


@time_machine.travel(TODAY, tick=False)
def test_the_csv_has_a_measure_and_a_label_column_then_one_a_month(client, team_manager, endings):
    client.force_login(team_manager)

    response = client.get(URL, {"first": "2026-03", "last": "2026-04", "format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'filename="unplanned-endings-E08000010-2026-03-to-2026-04.csv"'
        in (response["Content-Disposition"])
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["measure", "label", "2026-03", "2026-04"]
    assert rows[1] == ["unplanned_endings", "Placements that ended in an unplanned way", "2", "1"]
    # The label: the words of the table on the screen, row for row.
    labels = [m["label"] for row in client.get(URL, {"first": "2026-03", "last": "2026-04"})
              .context["rows"] for m in row["measures"]]  # fmt: skip
    assert [row[1] for row in rows[1:]] == labels
    assert "provider_in_house" in [row[0] for row in rows]
    assert not any(row[0].startswith("provider_") and row[0][9:].isdigit() for row in rows)
    assert [
        "theme_behaviour",
        "Behaviour the carers felt they lacked the skills or support to manage",
        "0",
        "1",
    ] in rows


@time_machine.travel(TODAY, tick=False)
def test_reading_the_report_is_audited(client, team_manager, endings):
    client.force_login(team_manager)

    client.get(URL)

    listed = AuditEvent.objects.get(action=AuditEvent.Action.LIST)
    assert listed.username == team_manager.username
    assert listed.detail.startswith("unplanned endings report of E08000010, 2025-05 to 2026-04")


def test_a_social_worker_is_told_why_not_and_the_attempt_is_kept(client, social_worker, wigan):
    client.force_login(social_worker)

    response = client.get(URL)

    assert response.status_code == 403
    assert "Only team managers, service leads, IROs" in response.content.decode()
    denial = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
    assert (denial.username, denial.record_type, denial.record_id) == (
        social_worker.username, "report", str(wigan.pk),
    )  # fmt: skip


def test_an_agency_user_finds_no_such_page(client, agency_user):
    client.force_login(agency_user)

    assert client.get(URL).status_code == 404


@time_machine.travel(TODAY, tick=False)
def test_another_councils_manager_sees_only_their_own_councils_figures(
    client, trafford_manager, endings, trafford_endings
):
    client.force_login(trafford_manager)

    response = client.get(URL, {"council": "E08000010"})  # asking for Wigan's

    assert response.context["authority"].ons_code == "E08000009"
    assert rows_of(response)["Placements that ended in an unplanned way"][-2:] == [1, 0]
    assert "Wigan" not in response.content.decode()


@time_machine.travel(TODAY, tick=False)
def test_someone_working_for_two_councils_chooses_the_council(
    client, team_manager, trafford, endings, trafford_endings
):
    Membership.objects.create(user=team_manager, organisation=trafford, role=Role.IRO)
    client.force_login(team_manager)

    wigans = client.get(URL, {"council": "E08000010"})
    traffords = client.get(URL, {"council": "E08000009"})

    assert wigans.context["authority"].ons_code == "E08000010"
    assert 'href="?council=E08000009"' in wigans.content.decode()
    assert rows_of(wigans)["Placements that ended in an unplanned way"][-2:] == [2, 1]
    assert traffords.context["authority"].ons_code == "E08000009"
    assert 'href="?council=E08000010"' in traffords.content.decode()
    assert rows_of(traffords)["Placements that ended in an unplanned way"][-2:] == [1, 0]


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize("count", [1, 3])
def test_the_page_takes_as_many_queries_for_many_endings_as_for_few(
    count, client, team_manager, wigan, household, placements_officer, django_assert_num_queries
):
    for _ in range(count):
        ended(ChildFactory(authority=wigan), household, date(2026, 3, 2), by=placements_officer)
    client.force_login(team_manager)
    client.get(URL)  # session and memberships warmed

    with django_assert_num_queries(15):
        response = client.get(URL)

    assert rows_of(response)["Placements that ended in an unplanned way"][-2] == count
