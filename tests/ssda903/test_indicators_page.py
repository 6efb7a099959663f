"""The page of the placement stability indicators (`stability_indicators`): the figures, the
children counted and measured with links, the rule, the year chooser, the downloads; who may read
it; the audit of the lists shown; a pinned number of queries. And `hearth report
stability-indicators` on the command line."""

import csv
import io
import json
from datetime import datetime

import pytest
from openpyxl import load_workbook

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.cli.console import UserError
from hearth.cli.main import parse_arguments
from hearth.core.models import Policy
from tests.factories import member

URL = "/reports/stability-indicators/"


@pytest.fixture(autouse=True)
def june_2026(time_machine):
    time_machine.move_to(datetime(2026, 6, 15, 10, 0), tick=False)


@pytest.fixture
def histories(looked_after):
    """Wigan in 2025-26: Ann moved three times in the year; Ben has been settled since 2020."""
    ann = looked_after(
        "2012-05-01", ("2025-05-01", "S", "U1"), ("2025-08-01", "P", "U3"),
        ("2026-01-10", "P", "U4"), reference="C-ANN", first_name="Ann", last_name="Moss",
    )  # fmt: skip
    ben = looked_after(
        "2014-02-01", ("2020-05-01", "S", "U1"), reference="C-BEN", first_name="Ben",
        last_name="Hart",
    )  # fmt: skip
    return ann, ben


def test_a_team_manager_reads_both_measures_and_the_children_counted(
    client, team_manager, histories
):
    ann, ben = histories
    client.force_login(team_manager)

    response = client.get(URL, {"year": 2025})

    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-xl">Placement stability indicators</h1>' in html
    short, long = response.context["measures"]
    assert (short["numerator"], short["denominator"], short["percentage"]) == (1, 2, "50.0%")
    assert (long["numerator"], long["denominator"], long["percentage"]) == (1, 1, "100.0%")
    assert [row["reference"] for row in short["counted"]] == ["C-ANN"]
    assert [row["reference"] for row in short["children"]] == ["C-ANN", "C-BEN"]
    assert f'href="/children/{ann.pk}/"' in html and f'href="/children/{ben.pk}/"' in html
    assert "On 31 March 2026, the end of the year 2025 to 2026." in html
    assert "1 May 2025 to 1 August 2025 (U1)" in html
    assert "These are the DfE's rule." in html
    assert 'class="govuk-back-link"' in html


def test_the_last_year_that_ended_is_shown_unless_another_is_chosen(
    client, team_manager, histories
):
    client.force_login(team_manager)

    response = client.get(URL)

    assert response.context["result"].year == 2025
    choices = [value for value, _label in response.context["form"].fields["year"].choices]
    assert choices == [2026, 2025, 2024, 2023, 2022, 2021, 2020]
    current = client.get(URL, {"year": 2026})
    assert "The year so far: measured on 15 June 2026" in current.content.decode()


def test_a_year_not_offered_is_an_error_at_the_field(client, team_manager, histories):
    client.force_login(team_manager)

    response = client.get(URL, {"year": 1999})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a year from the list" in html and "There is a problem" in html
    assert response.context["result"] is None


def test_the_council_setting_changes_the_figures_and_says_so(client, team_manager, looked_after):
    looked_after(
        "2012-05-01", ("2025-05-01", "S", "U1"), ("2025-07-01", "P", "T3"),
        ("2025-07-10", "P", "U1"), ("2025-10-01", "P", "U3"),
    )  # fmt: skip
    policy = Policy.objects.get(authority__ons_code="E08000010")
    policy.switches = {**policy.switches, "stability_counts_temporary_moves": True}
    policy.save()
    client.force_login(team_manager)

    response = client.get(URL, {"year": 2025})

    assert response.context["measures"][0]["numerator"] == 1
    html = response.content.decode()
    assert "<code>stability_counts_temporary_moves</code> is on" in html
    assert "so these figures differ from the DfE" in html


def test_the_lists_shown_are_audited(client, team_manager, histories):
    client.force_login(team_manager)

    client.get(URL, {"year": 2025})

    listed = AuditEvent.objects.get(action=AuditEvent.Action.LIST)
    assert listed.record_type == "child"
    assert listed.detail == "stability indicators of E08000010 2025-26, 2 shown"


def test_the_children_download_as_csv_and_xlsx(client, team_manager, histories):
    client.force_login(team_manager)

    response = client.get(URL, {"year": 2025, "format": "csv"})

    assert response["Content-Disposition"] == (
        'attachment; filename="stability-indicators-E08000010-2025.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["measure", "child", "name"]
    assert [(row[0], row[1], row[6]) for row in rows[1:]] == [
        ("short_term", "C-ANN", "yes"),
        ("short_term", "C-BEN", "no"),
        ("long_term", "C-BEN", "yes"),
    ]
    workbook = client.get(URL, {"year": 2025, "format": "xlsx"})
    book = load_workbook(io.BytesIO(workbook.content))
    assert book.sheetnames[0] == "Figures"
    assert [cell.value for cell in book["Figures"][2]][:4] == [
        "short_term", "Children with 3 or more placements in the year", 1, 2,
    ]  # fmt: skip
    downloads = AuditEvent.objects.filter(
        action=AuditEvent.Action.LIST, detail__contains="download"
    )
    assert downloads.count() == 2


def test_a_social_worker_is_told_why_not_and_the_attempt_recorded(client, social_worker):
    client.force_login(social_worker)

    response = client.get(URL)

    assert response.status_code == 403
    assert "for team managers, service leads, IROs" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).exists()


def test_another_councils_figures_are_not_found(client, team_manager, histories, trafford):
    client.force_login(team_manager)

    assert client.get(URL, {"council": "E08000009"}).status_code == 404


def test_another_councils_reader_sees_only_their_own_children(client, trafford, histories):
    client.force_login(member(trafford, Role.SENIOR_MANAGER, username="sm.trafford"))

    response = client.get(URL)  # Trafford has no episodes: the current year, with no children

    assert response.status_code == 200
    assert response.context["authority"] == trafford
    assert response.context["measures"][0]["denominator"] == 0
    assert "C-ANN" not in response.content.decode()


def test_the_page_takes_a_fixed_number_of_queries(
    client, team_manager, looked_after, django_assert_max_num_queries
):
    for _number in range(15):
        looked_after("2012-05-01", ("2020-05-01", "S", "U1"), ("2025-08-01", "P", "U3"))
    client.force_login(team_manager)
    client.get(URL, {"year": 2025})  # the session and the user, cached as on any page

    with django_assert_max_num_queries(15):
        response = client.get(URL, {"year": 2025})

    assert response.context["measures"][0]["denominator"] == 15


# The command line --------------------------------------------------------------------------------


def hearth(*argv):
    args = parse_arguments([str(value) for value in argv])
    try:
        return args.run(args) or 0
    except UserError as error:
        print(error)
        return 1


def test_the_report_prints_a_table_csv_and_json(wigan, histories, capsys):
    assert hearth("report", "stability-indicators", "--year", 2025) == 0
    text = capsys.readouterr().out
    assert "Wigan Council (E08000010)" in text
    assert "Children with 3 or more placements in the year" in text and "50.0%" in text

    assert hearth("report", "stability-indicators", "--year", 2025, "--format", "csv") == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows == [
        ["measure", "label", "numerator", "denominator", "percentage"],
        ["short_term", "Children with 3 or more placements in the year", "1", "2", "50.0"],
        ["long_term", "Children under 16 in care 2.5 years, in the same placement 2 years",
         "1", "1", "100.0"],
    ]  # fmt: skip

    assert hearth("report", "stability-indicators", "--format", "json") == 0  # the last ended
    data = json.loads(capsys.readouterr().out)
    assert (data["year"], data["as_of"]) == (2025, "2026-03-31")
    assert data["measures"]["short_term"]["children"] == ["C-ANN"]


def test_the_report_refuses_months_and_an_unknown_council(wigan, capsys):
    assert hearth("report", "stability-indicators", "--from", "2025-04") == 1
    assert "give --year YYYY" in capsys.readouterr().out
    assert hearth("report", "stability-indicators", "--authority", "E09999999") == 1
    assert "no council with ONS code E09999999" in capsys.readouterr().out
