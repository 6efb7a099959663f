"""The timeliness and Ofsted fostering pages: who sees what, the figures linking to the records they
count, the downloads, the audit of the lists shown; and `hearth report` printing both."""

import json
from datetime import date

import pytest
import time_machine

from hearth.audit.models import AuditEvent
from hearth.cli.main import main

pytestmark = pytest.mark.django_db
TIMELINESS = "/reports/timeliness/?council=E08000010&first=2026-04&last=2026-06"
OFSTED = "/reports/ofsted-fostering/?council=E08000010&year=2025"


@pytest.fixture(autouse=True)
def december():
    with time_machine.travel(date(2026, 12, 7), tick=False):
        yield


def test_a_team_manager_sees_the_figures_but_not_the_spend(client, figure_reader, insight_world):
    client.force_login(figure_reader)
    response = client.get(TIMELINESS)
    assert response.status_code == 200
    page = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Timeliness and spend</h1>' in page
    assert (
        "measure=placed_far&amp;month=2026-05" in page or "measure=placed_far&month=2026-05" in page
    )
    assert "Too far from school" in page
    assert "Weekly spend on agency placements" not in page


def test_a_finance_officer_sees_the_spend_only(client, spend_reader, insight_world):
    client.force_login(spend_reader)
    page = client.get(TIMELINESS).content.decode()
    assert "Weekly spend on agency placements" in page and "£1,000.00" in page
    assert "Referral to offer and placement" not in page


def test_a_figure_lists_its_children_with_links_and_the_list_is_audited(
    client, figure_reader, insight_world
):
    client.force_login(figure_reader)
    ben = insight_world["children"]["Ben"]
    response = client.get(TIMELINESS + "&measure=placed_far&month=2026-06")
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="/children/{ben.pk}/"' in page and "21.8 miles from home" in page
    assert AuditEvent.objects.filter(user=figure_reader, action=AuditEvent.Action.LIST).exists()


def test_a_figure_the_reader_may_not_see_or_an_unknown_month_is_not_found(
    client, figure_reader, insight_world
):
    client.force_login(figure_reader)
    assert client.get(TIMELINESS + "&measure=spend_total").status_code == 404
    assert client.get(TIMELINESS + "&measure=placed_far&month=2025-01").status_code == 404


def test_downloads_of_the_figures_and_of_a_list(client, figure_reader, insight_world):
    client.force_login(figure_reader)
    figures = client.get(TIMELINESS + "&format=csv").content.decode("utf-8-sig")
    assert figures.splitlines()[0] == "measure,label,2026-04,2026-05,2026-06,total"
    listed = client.get(TIMELINESS + "&measure=siblings_together&month=2026-06&format=csv")
    assert "Dan Test" in listed.content.decode("utf-8-sig")
    workbook = client.get(TIMELINESS + "&format=xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")


def test_someone_of_another_council_or_role_gets_not_found(client, outsider, social_worker):
    for person in (outsider, social_worker):
        client.force_login(person)
        assert client.get(TIMELINESS).status_code == 404
        assert client.get(OFSTED).status_code == 404


def test_a_bad_period_is_shown_at_the_field(client, figure_reader):
    client.force_login(figure_reader)
    response = client.get("/reports/timeliness/?first=2026-06&last=2026-04")
    assert response.status_code == 400
    assert (
        "The first month must be the same as or before the last month" in response.content.decode()
    )


def test_the_timeliness_page_queries_stay_few(
    client, figure_reader, insight_world, django_assert_max_num_queries
):
    client.force_login(figure_reader)
    with django_assert_max_num_queries(15):
        client.get(TIMELINESS)


def test_the_ofsted_page_links_every_count_to_its_households(
    client, fostering_team_manager, fostering_year, django_assert_max_num_queries
):
    client.force_login(fostering_team_manager)
    with django_assert_max_num_queries(12):
        response = client.get(OFSTED)
    page = response.content.decode()
    assert response.status_code == 200 and "Ofsted fostering data" in page
    assert "measure=not_available&amp;sector=mainstream" in page
    listed = client.get(OFSTED + "&measure=not_available&sector=mainstream").content.decode()
    assert f'href="/households/{fostering_year["Birch"].pk}/"' in listed
    assert client.get(OFSTED + "&measure=nonsense").status_code == 404
    csv = client.get(OFSTED + "&format=csv").content.decode("utf-8-sig")
    assert csv.splitlines()[1] == "households,Approved fostering households on 31 March,2,1,3"
    assert AuditEvent.objects.filter(
        user=fostering_team_manager, action=AuditEvent.Action.LIST, record_type="household"
    ).exists()


def test_a_figure_reader_reads_the_ofsted_data_too(client, figure_reader, fostering_year):
    client.force_login(figure_reader)
    assert client.get(OFSTED).status_code == 200
    assert client.get("/reports/ofsted-fostering/?year=1990").status_code == 400


def test_both_are_on_the_reports_index(client, senior_manager):
    client.force_login(senior_manager)
    page = client.get("/reports/").content.decode()
    assert "Timeliness and spend" in page and "Ofsted fostering data" in page


# `main` closes the database connection when it ends (as the command does), which on PostgreSQL
# ends the test's transaction: one call of `main` a test.


def test_hearth_report_prints_timeliness(capsys, wigan, insight_world):
    assert main(["report", "timeliness", "--authority", "E08000010", "--from", "2026-04",
                 "--to", "2026-06", "--format", "json"]) in (0, None)  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert data["measures"]["placements_started"] == [1, 2, 2]


def test_hearth_report_prints_ofsted_fostering(capsys, wigan, fostering_year):
    assert main(["report", "ofsted-fostering", "--authority", "E08000010", "--year", "2025",
                 "--format", "csv"]) in (0, None)  # fmt: skip
    assert "households,Approved fostering households on 31 March,2,1,3" in capsys.readouterr().out


def test_ofsted_fostering_is_a_report_of_a_year(capsys, wigan, fostering_year):
    assert (
        main(["report", "ofsted-fostering", "--authority", "E08000010", "--from", "2025-04"]) == 1
    )
