"""The sufficiency headline of the director's dashboard: the foster homes needed, the places
available and the gap over the next 3 and the next 12 months (`hearth.placements.sufficiency`),
on the sufficiency tests' Wigan built by hand (`tests/fixtures/sufficiency.py`) with a little more
later in the year; each figure a link to the sufficiency report's list of what it counts, in the
dashboard's downloads too."""

import csv
import io
import re
from datetime import date
from html import unescape

import pytest
import time_machine
from openpyxl import load_workbook

from hearth.people.models import SiblingGroup
from hearth.referrals.models import Status
from hearth.reports import dashboards
from tests.factories import ChildFactory, HouseholdFactory, make_referral
from tests.fixtures.dashboards import at
from tests.fixtures.stability import place

pytestmark = pytest.mark.django_db
DIRECTOR = "/dashboards/director/"
TODAY = date(2026, 12, 1)
SUFFICIENCY_LINK = re.compile(
    r'<a class="govuk-link" href="(/reports/sufficiency/\?[^"]*)">([^<]*)'
    r'<span class="govuk-visually-hidden">: ([^<]*)</span>'
)


@pytest.fixture(autouse=True)
def first_of_december():
    with time_machine.travel(at(2026, 12, 1), tick=False):
        yield


@pytest.fixture
def later_in_the_year(wigan, sufficiency_world, social_worker, placements_officer):
    """The sufficiency tests' Wigan on 1 December 2026 (December to February: 7 homes needed, 10
    places, a gap of 3), and later in the 12 months: Lia (6) and Max (4), sister and brother,
    referred with the service lead for a home needed by 15 April 2027 (2 homes needed in April);
    Zak, living with the council's Rowan household (10 to 17, 1 place), turns 18 on 10 June 2027
    (1 place freed in June). Nothing else happens from March to November."""
    group = SiblingGroup.objects.create(authority=wigan, reference="SG-LM")

    def child(first, born, **fields):
        return ChildFactory(
            authority=wigan, first_name=first, last_name="Test", reference=first.upper(),
            date_of_birth=born, social_worker=social_worker, **fields,
        )  # fmt: skip

    lia = child("Lia", date(2020, 5, 1), sibling_group=group)
    max_ = child("Max", date(2022, 8, 1), sibling_group=group)
    make_referral(lia, max_, status=Status.WITH_SERVICE_LEAD, date_needed=date(2027, 4, 15))
    rowan = HouseholdFactory(provider=wigan, name="Rowan household", max_children=1, min_age=10,
                             max_age=17)  # fmt: skip
    zak = child("Zak", date(2009, 6, 10))
    place(zak, rowan, by=placements_officer)
    return sufficiency_world


def values(table):
    return {row[0]: [cell.value for cell in row[1]] for row in table.rows}


def page_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_homes_needed_places_and_the_gap_over_the_next_3_and_12_months(wigan, later_in_the_year):
    dashboard = dashboards.director_dashboard(wigan, today=TODAY)

    table = dashboard.table("sufficiency")
    assert table.header == [
        "Figure",
        "Next 3 months, December 2026 to February 2027",
        "Next 12 months, December 2026 to November 2027",
    ]
    # 3 months: Ann, Ben, Cat, Dan, Eve, Kit and Pip; Ash's 2 and Fir's 2 free places, 4 freed
    # (Hazel, Birch, Gorse, Ash) and Juniper's 2 at panel. 12 months: Lia and Max; Rowan's place.
    assert values(table) == {
        "Foster homes needed": [7, 9],
        "Places available": [10, 11],
        "Gap: places less homes needed": [3, 2],
    }
    headlines = {label: cell.value for label, cell in dashboard.headlines}
    assert headlines["Gap in foster homes over the next 3 months (places less homes needed)"] == 3
    assert headlines["Gap in foster homes over the next 12 months (places less homes needed)"] == 2


def test_each_figure_is_the_sufficiency_reports_list_of_what_it_counts(wigan, later_in_the_year):
    cells = dashboards.director_dashboard(wigan, today=TODAY).table("sufficiency").rows[2][1]

    assert [cell.page for cell in cells] == [
        ("sufficiency", (("council", "E08000010"), ("first", "2026-12"), ("last", "2027-02"),
                         ("figure", "gap"))),
        ("sufficiency", (("council", "E08000010"), ("first", "2026-12"), ("last", "2027-11"),
                         ("figure", "gap"))),
    ]  # fmt: skip


def test_the_page_links_every_figure_to_the_records_it_counts(client, director, later_in_the_year):
    client.force_login(director)
    page = page_of(client.get(DIRECTOR))

    assert '<h2 class="govuk-heading-l" id="sufficiency">' in page
    links = [
        (unescape(link), value, label) for link, value, label in SUFFICIENCY_LINK.findall(page)
    ]
    # The table's six figures and the two headlines
    assert len(links) == 8
    for link, value, label in links:
        listed = page_of(client.get(link))
        children = re.search(r"(\d+) child(?:ren)? counted", listed)
        places = re.search(r"(\d+) places? in \d+ households?", listed)
        needed = int(children.group(1)) if children else 0
        available = int(places.group(1)) if places else 0
        figure = re.search(r"figure=(\w+)", link).group(1)
        expected = {"demand": needed, "supply": available, "gap": available - needed}[figure]
        assert int(value) == expected, (label, link)
        assert "Tom Test" not in listed and "Larch household" not in listed  # Trafford's
    twelve = page_of(client.get(links[0][0].replace("last=2027-02", "last=2027-11")))
    assert "Lia Test" in twelve and "Max Test" in twelve


def test_the_figures_are_in_the_downloads(client, director, later_in_the_year):
    client.force_login(director)

    book = load_workbook(io.BytesIO(client.get(f"{DIRECTOR}?format=xlsx").content))
    sheet = book["Sufficiency from December 2026"]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Figure", "Next 3 months, December 2026 to February 2027",
         "Next 12 months, December 2026 to November 2027"],
        ["Foster homes needed", 7, 9],
        ["Places available", 10, 11],
        ["Gap: places less homes needed", 3, 2],
    ]  # fmt: skip
    table = client.get(f"{DIRECTOR}?format=csv&table=sufficiency").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(table)))[1:] == [
        ["Foster homes needed", "7", "9"],
        ["Places available", "10", "11"],
        ["Gap: places less homes needed", "3", "2"],
    ]
    headlines = client.get(f"{DIRECTOR}?format=csv").content.decode("utf-8-sig")
    assert "Gap in foster homes over the next 12 months (places less homes needed),2" in headlines


def test_the_forecast_is_made_once_for_the_looked_after_and_the_entries(
    wigan, later_in_the_year, django_assert_max_num_queries
):
    # 13 queries without the sufficiency headline; its 6 (the forecast is the dashboard's).
    with django_assert_max_num_queries(19):
        dashboards.director_dashboard(wigan, today=TODAY)
