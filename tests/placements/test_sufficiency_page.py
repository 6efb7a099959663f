"""The sufficiency page (`/reports/sufficiency/`) and `hearth report sufficiency`: the figures and
their links to the children and households they count, the downloads, the audit of the lists
shown, who may read it, and the command's CSV, JSON and default months."""

import csv
import html
import io
import json
import re
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.cli.main import main
from hearth.fostering.models import Assessment, Panel, PanelItem
from hearth.people.models import Household
from hearth.placements import sufficiency as figures
from tests.factories import HouseholdFactory, member

pytestmark = pytest.mark.django_db
PAGE = "/reports/sufficiency/?council=E08000010&first=2026-12&last=2027-02"


@pytest.fixture(autouse=True)
def first_of_december():
    with time_machine.travel(date(2026, 12, 1), tick=False):
        yield


def text(response):
    return response.content.decode()


def test_the_page_shows_the_figures_each_a_link(
    client, placements_officer, sufficiency_world, django_assert_max_num_queries
):
    client.force_login(placements_officer)
    with django_assert_max_num_queries(20):
        response = client.get(PAGE)

    page = text(response)
    assert response.status_code == 200
    assert (
        '<h1 class="govuk-heading-xl">Sufficiency: homes needed and places available</h1>' in page
    )
    assert 'class="govuk-back-link">Reports</a>' in page
    assert "Counted on 1 December 2026" in page
    query = "?council=E08000010&amp;first=2026-12&amp;last=2027-02"
    assert f'href="{query}&amp;figure=outgrowing&amp;month=2027-01">1<span' in page
    assert "figure=gap&amp;size=2&amp;month=2027-02" in page  # the sibling table's gap: -1
    assert (
        '<th scope="row" class="govuk-table__header">Two together: gap, households less groups</th>'
        in page
    )
    assert "figure=supply&amp;band=5-9&amp;month=2026-12" in page
    assert "How far to trust the forecast" in page and "1 December 2025" in page


def test_the_page_draws_places_against_homes_needed_with_every_value_in_words(
    client, placements_officer, sufficiency_world
):
    client.force_login(placements_officer)

    page = text(client.get(PAGE))

    assert 'role="img" aria-labelledby="chart-sufficiency-title chart-sufficiency-description"' in (
        page
    )
    assert (
        '<desc id="chart-sufficiency-description">Places available and homes needed, month by '
        "month. Places available: Dec 2026 4, Jan 2027 5, Feb 2027 1; Homes needed: Dec 2026 2, "
        "Jan 2027 2, Feb 2027 3. Gap, places less homes needed: Dec 2026 2, Jan 2027 3, "
        "Feb 2027 -2.</desc>"
    ) in page
    assert page.count("<polyline") == 2  # a line each, not links: the tables below have those
    chart, table = page.index('id="chart-sufficiency-title"'), page.index("Homes needed, Dec")
    assert chart < table and "The figures, each a link to what it counts, are in the" in page


def test_the_chart_writes_a_part_of_a_child_as_the_table_does(
    client, placements_officer, entries_history
):
    with time_machine.travel(date(2026, 12, 16), tick=False):  # 16 of December's 31 days to come
        client.force_login(placements_officer)
        page = text(client.get(PAGE))

    assert "Homes needed: Dec 2026 0.5, Jan 2027 1, Feb 2027 1." in page
    assert "Gap, places less homes needed: Dec 2026 -0.5, Jan 2027 -1, Feb 2027 -1." in page
    assert 'figure=demand&amp;month=2026-12">0.5<span' in page  # the table's figure


def test_a_figure_lists_its_children_with_links_and_is_audited(
    client, placements_officer, sufficiency_world
):
    client.force_login(placements_officer)
    children = sufficiency_world["children"]

    page = text(client.get(PAGE + "&figure=demand&month=2027-01"))

    assert f'href="/children/{children["Kit"].pk}/">Kit Test</a>' in page
    assert f'href="/children/{children["Dan"].pk}/">Dan Test</a>' in page
    assert "Ann Test" not in page  # December's
    assert "Turns 13 on 15 January 2027; carers approved up to 12" in page
    listed = AuditEvent.objects.filter(user=placements_officer, action=AuditEvent.Action.LIST)
    assert listed.filter(record_type="child").exists()


def test_a_supply_figure_lists_the_households_agencies_unnamed(
    client, placements_officer, sufficiency_world
):
    client.force_login(placements_officer)
    world = sufficiency_world

    page = text(client.get(PAGE + "&figure=pending&month=2027-01"))

    assert f'href="/households/{world["households"]["Birch"].pk}/">Birch household</a>' in page
    assert "Gorse household" not in page and "0 to 17" not in page  # Gorse: Dan moves on
    assert f'href="/providers/{world["agencies"]["Beacon"].pk}/">Beacon Foster Families</a>' in page
    assert "Beacon Foster Families: 1 place freed in 1 household. A child moves on" in page
    assert "3 places in 3 households" in page
    assert AuditEvent.objects.filter(
        user=placements_officer, action=AuditEvent.Action.LIST, record_type="household"
    ).exists()


def test_a_narrowed_figure_lists_only_what_it_counts(client, placements_officer, sufficiency_world):
    client.force_login(placements_officer)

    page = text(client.get(PAGE + "&figure=gap&month=2027-02&size=2"))

    assert "Ben Test" in page and "Cat Test" in page and "Pip Test" not in page
    assert "groups: two together" in page and "No place is counted here." in page
    assert "groups: four or more together" in text(client.get(PAGE + "&figure=supply&size=4"))


def test_an_unknown_figure_month_band_type_or_size_is_not_found(
    client, placements_officer, sufficiency_world
):
    client.force_login(placements_officer)

    for query in ("&figure=nonsense", "&figure=gap&month=2025-01", "&figure=gap&band=7-8",
                  "&figure=gap&type=remand", "&figure=gap&size=9"):  # fmt: skip
        assert client.get(PAGE + query).status_code == 404, query


def test_downloads_of_the_figures_and_of_a_list(client, placements_officer, sufficiency_world):
    client.force_login(placements_officer)

    figures = text(client.get(PAGE + "&format=csv")).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(figures)))
    assert rows[0] == ["measure", "label", "by", "group", "2026-12", "2027-01", "2027-02", "total"]
    assert ["running_gap", "Gap so far, from the first month", "", "", "2", "5", "3", ""] in rows
    listed = text(client.get(PAGE + "&figure=outgrowing&format=csv")).lstrip("\ufeff")
    assert "2027-02,Children growing past their carers' approved ages,PIP,Pip Test" in listed
    workbook = load_workbook(io.BytesIO(client.get(PAGE + "&format=xlsx").content))
    assert workbook.sheetnames == ["Figures", "By age band", "By type of care",
                                   "By sibling group size", "Forecast back-test"]  # fmt: skip
    records = load_workbook(io.BytesIO(client.get(PAGE + "&figure=gap&format=xlsx").content))
    assert records["Records"].max_row == 1 + 7 + 7  # the header, 7 children, 7 places


def test_the_months_default_to_the_next_twelve(client, placements_officer, sufficiency_world):
    client.force_login(placements_officer)

    page = text(client.get("/reports/sufficiency/"))

    assert "Homes needed, December 2026 to November 2027" in page


def test_a_bad_period_is_shown_at_the_field(client, placements_officer):
    client.force_login(placements_officer)

    response = client.get("/reports/sufficiency/?first=2027-02&last=2026-12")
    assert response.status_code == 400
    assert "The first month must be the same as or before the last month" in text(response)
    assert client.get("/reports/sufficiency/?first=2026-11&last=2026-12").status_code == 400


@pytest.mark.parametrize("role", [Role.TEAM_MANAGER, Role.IRO, Role.SERVICE_LEAD, Role.DIRECTOR])
def test_the_councils_figure_readers_read_it(client, wigan, role):
    client.force_login(member(wigan, role, username=f"{role}.reader"))

    assert client.get("/reports/sufficiency/").status_code == 200


def test_someone_of_another_council_or_role_gets_an_audited_not_found(
    client, wigan, outsider, social_worker
):
    for person in (outsider, social_worker):
        client.force_login(person)
        assert client.get("/reports/sufficiency/").status_code == 404
    reader = member(wigan, Role.SENIOR_MANAGER, username="sm.wigan")
    client.force_login(reader)
    assert client.get("/reports/sufficiency/", {"council": "E08000009"}).status_code == 404
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, record_type="report")
    assert denied.count() == 3
    assert denied.filter(username="sm.wigan", record_id="E08000009").exists()


def test_it_answers_only_get(client, placements_officer):
    client.force_login(placements_officer)

    assert client.post("/reports/sufficiency/").status_code == 405


def test_every_figure_opens_a_list_that_adds_up_to_it(
    client, placements_officer, sufficiency_world, entries_history
):
    client.force_login(placements_officer)
    page = text(client.get(PAGE))
    links = FIGURE_LINK.findall(page)
    assert len(links) > 150  # every month and total of every row of every table

    for href, value in links:
        link = html.unescape(href)
        listed = text(client.get(f"/reports/sufficiency/{link}"))
        assert float(value) == pytest.approx(counted_in(listed, link), abs=0.05), link


FIGURE_LINK = re.compile(
    r'<a class="govuk-link" href="(\?[^"]*figure=[^"]*)">(-?[\d.]+)<span class="govuk-visually-'
)


def counted_in(listed, link):
    """What a list adds up to, read from its captions: children (or groups) and the forecast's
    children expected for homes needed, places (or households) for places, the one less the
    other for the gap."""
    figure = re.search(r"figure=(\w+)", link).group(1)
    by_size = "size=" in link
    demand = supply = 0.0
    if by_size and (groups := re.search(r"(\d+) groups? \(\d+ child(?:ren)?\) counted", listed)):
        demand += int(groups.group(1))
    elif not by_size and (children := re.search(r"(\d+) child(?:ren)? counted", listed)):
        demand += int(children.group(1))
    if expected := re.search(r"come into foster care \(forecast\): (-?[\d.]+)", listed):
        demand += float(expected.group(1))
    if by_size and (households := re.search(r"(\d+) households? could take", listed)):
        supply += int(households.group(1))
    elif not by_size and (places := re.search(r"(\d+) places? in \d+ households?", listed)):
        supply += int(places.group(1))
    if figure in figures.DEMAND or figure == "demand":
        return demand
    if figure in figures.SUPPLY or figure == "supply":
        return supply
    return supply - demand


def test_a_sibling_group_figure_counts_groups_and_households(
    client, placements_officer, sufficiency_world
):
    client.force_login(placements_officer)

    page = text(client.get(PAGE))
    needed = text(client.get(PAGE + "&figure=demand&month=2027-02&size=2"))
    places = text(client.get(PAGE + "&figure=supply&month=2026-12&size=2"))

    assert "Two together: groups needing a home</th>" in page
    assert "1 group (2 children) counted" in needed  # Ben and Cat's referral: the cell's 1
    assert "1 household could take two together (2 places)" in places  # Ash; Fir takes one
    listed = text(client.get(PAGE + "&figure=demand&month=2027-02&size=2&format=csv"))
    assert sorted(row[-1] for row in csv.reader(io.StringIO(listed.lstrip("\ufeff")))) == [
        "0", "1", "Counts as",
    ]  # fmt: skip
    rows = list(csv.reader(io.StringIO(text(client.get(PAGE + "&format=csv")).lstrip("\ufeff"))))
    assert ["demand", "Groups needing a home together", "sibling group size", "Two together",
            "0", "0", "1", "1"] in rows  # fmt: skip


def test_each_figure_link_says_what_it_counts_to_a_screen_reader(
    client, placements_officer, sufficiency_world
):
    client.force_login(placements_officer)

    page = text(client.get(PAGE))

    assert (
        'figure=outgrowing&amp;month=2027-01">1<span class="govuk-visually-hidden">: Children '
        "growing past their carers&#x27; approved ages, January 2027</span></a>"
    ) in page
    assert (
        'figure=demand">7<span class="govuk-visually-hidden">: Homes needed, total, December 2026 '
        "to February 2027</span></a>"
    ) in page
    assert (
        'size=2&amp;month=2027-02">-1<span class="govuk-visually-hidden">: Two together: gap, '
        "households less groups, February 2027</span></a>"
    ) in page


BEACON = "Beacon Foster Families: 4 free places in 2 households; 1 takes two together"


def test_an_agencys_households_are_never_shown_one_by_one(
    client, placements_officer, sufficiency_world
):
    beacon = sufficiency_world["agencies"]["Beacon"]
    HouseholdFactory(provider=beacon, name="Yew household", postcode="M1 1AE", max_children=2,
                     min_age=2, max_age=8)  # fmt: skip
    client.force_login(placements_officer)

    for query in ("&figure=agency&month=2026-12", "&figure=supply", "&figure=gap&band=5-9"):
        page = text(client.get(PAGE + query))
        listed = text(client.get(PAGE + query + "&format=csv"))
        book = load_workbook(io.BytesIO(client.get(PAGE + query + "&format=xlsx").content))
        cells = " ".join(
            str(value) for row in book["Records"].iter_rows(values_only=True) for value in row
        )
        for shown in (page, listed, cells):
            assert BEACON in shown, query
            for detail in ("Fir household", "Yew household", "Gorse household", "2 to 8", "0 to 17",
                           "agency&#x27;s household", "agency's household"):  # fmt: skip
                assert detail not in shown, (query, detail)
    page = text(client.get(PAGE + "&figure=agency&month=2026-12"))
    assert "4 places in 2 households" in page
    assert "Ash household" in text(client.get(PAGE + "&figure=supply"))  # the council's: named


def test_an_approval_whose_decision_is_overdue_is_shown_apart(
    client, placements_officer, wigan, sufficiency_world
):
    quince = HouseholdFactory(provider=wigan, name="Quince household",
                              status=Household.Status.IN_ASSESSMENT)  # fmt: skip
    assessment = Assessment.objects.create(
        authority=wigan, household=quince, status=Assessment.Status.AT_PANEL,
        started_on=date(2026, 5, 1), due_on=date(2026, 9, 18),
    )  # fmt: skip
    sat = Panel.objects.create(authority=wigan, sits_on=date(2026, 11, 3),
                               minutes_received_on=date(2026, 11, 10))  # fmt: skip
    PanelItem.objects.create(panel=sat, household=quince, business="assessment",
                             assessment=assessment, recommendation="approve",
                             decision_due_on=date(2026, 11, 17))  # fmt: skip
    client.force_login(placements_officer)

    page = text(client.get(PAGE))
    listed = text(client.get(PAGE + "&figure=decision_overdue"))

    assert "Not counted in the places available:" in page
    assert 'figure=decision_overdue">1 household in assessment</a>' in page
    assert 'figure=approvals&amp;month=2026-12">0<span' in page  # not counted
    assert '<h1 class="govuk-heading-xl">Carers whose approval decision is overdue' in listed
    assert f'href="/households/{quince.pk}/">Quince household</a>' in listed
    assert "the decision was due by 17 November 2026" in listed
    assert "Children</h2>" not in listed
    download = text(client.get(PAGE + "&figure=decision_overdue&format=csv")).lstrip("\ufeff")
    assert list(csv.reader(io.StringIO(download)))[1][-1] == "0"  # counted in no figure


@pytest.mark.parametrize(
    "query,most",
    [
        ("", 19),  # the sufficiency's 7 and the back-test's 2
        ("&format=csv", 17),  # no back-test
        ("&format=xlsx", 19),
        ("&figure=demand&month=2027-01", 19),  # no back-test; the two lists' audit
        ("&figure=gap", 19),
        ("&figure=gap&size=2&format=csv", 19),
        ("&figure=supply&band=5-9&format=xlsx", 18),  # no child: no audit of children
    ],
)
def test_the_lists_and_downloads_take_a_fixed_number_of_queries(
    client, placements_officer, sufficiency_world, django_assert_max_num_queries, query, most
):
    client.force_login(placements_officer)
    client.get(PAGE)  # the session and the user read once

    with django_assert_max_num_queries(most):
        assert client.get(PAGE + query).status_code == 200


# `main` closes the database connection when it ends (as the command does), which on PostgreSQL
# ends the test's transaction: one call of `main` a test.


def test_hearth_report_sufficiency_json(capsys, wigan, sufficiency_world):
    assert main(["report", "sufficiency", "--authority", "E08000010", "--from", "2026-12",
                 "--to", "2027-02", "--format", "json"]) in (0, None)  # fmt: skip

    data = json.loads(capsys.readouterr().out)
    assert data["months"] == ["2026-12", "2027-01", "2027-02"]
    assert data["measures"]["gap"] == [2, 3, -2]
    assert data["totals"]["supply"] == 10


def test_hearth_report_sufficiency_csv(capsys, wigan, sufficiency_world):
    assert main(["report", "sufficiency", "--authority", "E08000010", "--from", "2026-12",
                 "--to", "2027-02", "--format", "csv"]) in (0, None)  # fmt: skip

    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["measure", "label", "by", "group", "2026-12", "2027-01", "2027-02", "total"]
    assert ["demand", "Homes needed", "type of care", "Type of care not given", "0", "0", "2",
            "2"] in rows  # fmt: skip


def test_hearth_report_sufficiency_defaults_to_the_next_twelve_months(capsys, wigan):
    assert main(["report", "sufficiency", "--format", "json"]) in (0, None)

    months = json.loads(capsys.readouterr().out)["months"]
    assert months[0] == "2026-12" and months[-1] == "2027-11" and len(months) == 12


def test_hearth_report_sufficiency_prints_a_table(capsys, wigan, sufficiency_world):
    assert main(["report", "sufficiency", "--authority", "E08000010",
                 "--to", "2027-02"]) in (0, None)  # fmt: skip

    out = capsys.readouterr().out
    assert out.startswith("Wigan Council (E08000010)")
    assert "Places freed by planned endings" in out and "BY SIBLING GROUP SIZE" in out


def test_hearth_report_sufficiency_refuses_a_month_gone(capsys, wigan):
    assert main(["report", "sufficiency", "--from", "2026-11"]) == 1

    assert "sufficiency looks ahead: --from must be 2026-12 or later" in capsys.readouterr().err
