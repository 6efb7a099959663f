"""The dashboards on screen: who reads which, every figure a link to the records it counts, the
downloads, the audit of the lists shown, the queries each page takes, and the home page's links."""

import io
import re
from html import unescape

import pytest
import time_machine

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from tests.factories import member
from tests.fixtures.dashboards import at

pytestmark = pytest.mark.django_db
TEAM, SERVICE, DIRECTOR = "/dashboards/team/", "/dashboards/service/", "/dashboards/director/"
FIGURE_LINK = re.compile(
    r'<a class="govuk-link" href="(\?[^"]*figure=[^"]*)">([^<]*)'
    r'<span class="govuk-visually-hidden">: ([^<]*)</span>'
)


@pytest.fixture(autouse=True)
def eighth_of_december():
    with time_machine.travel(at(2026, 12, 8), tick=False):
        yield


def page_of(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def counted(page):
    """How many children or households a list page says it counts."""
    return int(re.search(r"(\d+) (?:child(?:ren)?|households?) counted", page).group(1))


def figure_links(page):
    return [(unescape(link), value, label) for link, value, label in FIGURE_LINK.findall(page)]


# Who reads which -----------------------------------------------------------------------------------


def test_a_team_manager_sees_their_teams_dashboard(client, north_manager, dashboard_world):
    client.force_login(north_manager)
    page = page_of(client.get(TEAM))
    assert '<h1 class="govuk-heading-xl">Team dashboard</h1>' in page
    assert "Wigan Council: North" in page
    assert 'aria-labelledby="chart-waiting_bands-title chart-waiting_bands-description"' in page


def test_a_team_manager_by_membership_sees_their_team(client, south_manager, dashboard_world):
    client.force_login(south_manager)
    assert "Wigan Council: South" in page_of(client.get(TEAM))


def test_a_team_manager_may_not_see_another_teams_dashboard(client, north_manager, dashboard_world):
    client.force_login(north_manager)
    south = dashboard_world["teams"]["south"].pk
    response = client.get(f"{TEAM}?team={south}")
    assert response.status_code == 403
    assert "The dashboard of South is for its team manager" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.DENIED, username=north_manager.username
    ).exists()


def test_a_team_manager_of_no_team_is_told_why(client, teamless_manager, dashboard_world):
    client.force_login(teamless_manager)
    response = client.get(TEAM)
    assert response.status_code == 403
    assert "You do not manage a team of Wigan Council" in response.content.decode()


def test_a_service_lead_chooses_any_team(client, service_lead, dashboard_world):
    client.force_login(service_lead)
    south = dashboard_world["teams"]["south"].pk
    page = page_of(client.get(f"{TEAM}?team={south}"))
    assert "Wigan Council: South" in page
    assert f"team={dashboard_world['teams']['north'].pk}" in page  # the chooser


def test_a_team_that_is_not_the_councils_is_not_found_and_audited(
    client, service_lead, dashboard_world, trafford
):
    from tests.factories import TeamFactory

    theirs = TeamFactory(organisation=trafford, name="Trafford team")
    client.force_login(service_lead)
    for team in (theirs.pk, "999999", "north"):
        assert client.get(f"{TEAM}?team={team}").status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DENIED).count() == 3


@pytest.mark.parametrize(
    "role,team,service,director",
    [
        (Role.TEAM_MANAGER, 403, 403, 403),  # a team manager of no team
        (Role.SERVICE_LEAD, 200, 200, 403),
        (Role.SENIOR_MANAGER, 200, 200, 403),
        (Role.HEAD_OF_SERVICE, 200, 200, 403),
        (Role.ASSISTANT_DIRECTOR, 200, 200, 200),
        (Role.DIRECTOR, 200, 200, 200),
        (Role.SOCIAL_WORKER, 403, 403, 403),
        (Role.PLACEMENTS_OFFICER, 403, 403, 403),
        (Role.IRO, 403, 403, 403),
    ],
)
def test_the_roles_that_may_and_may_not(client, wigan, dashboard_world, role, team, service,
                                        director):  # fmt: skip
    client.force_login(member(wigan, role, username=f"{role}.dash"))
    assert client.get(TEAM).status_code == team
    assert client.get(SERVICE).status_code == service
    answer = client.get(DIRECTOR)
    assert answer.status_code == director
    if director == 403:
        assert "is for directors and assistant directors of Wigan Council" in (
            answer.content.decode()
        )


def test_someone_of_another_council_gets_not_found_and_it_is_audited(
    client, outsider_director, dashboard_world
):
    client.force_login(outsider_director)
    for url in (TEAM, SERVICE, DIRECTOR):
        assert client.get(f"{url}?council=E08000010").status_code == 404
        assert client.get(f"{url}?council=E08000010&figure=waiting").status_code == 404
    denied = AuditEvent.objects.filter(action=AuditEvent.Action.DENIED)
    assert denied.count() == 6 and {event.username for event in denied} == {"dcs.trafford"}
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LIST).exists()


def test_someone_of_no_council_gets_not_found(client, agency_user):
    client.force_login(agency_user)
    for url in (TEAM, SERVICE, DIRECTOR):
        assert client.get(url).status_code == 404


# Every figure a link to what it counts -------------------------------------------------------------


def test_every_figure_of_the_team_dashboard_lists_the_children_it_counts(
    client, north_manager, dashboard_world
):
    client.force_login(north_manager)
    links = figure_links(page_of(client.get(TEAM)))
    assert len(links) > 15
    for link, value, label in links:
        listed = page_of(client.get(TEAM + link))
        if label.startswith("Longest wait"):  # days: the child or children who waited that long
            assert counted(listed) == listed.count(f"Waiting {value} days since") == 1, link
        else:
            assert counted(listed) == int(value), (label, link)


def test_every_count_of_the_service_dashboard_lists_what_it_counts(
    client, service_lead, dashboard_world
):
    client.force_login(service_lead)
    links = figure_links(page_of(client.get(SERVICE)))
    not_a_count = ("longest wait", "places", "per cent", "median")
    checked = 0
    for link, value, label in links:
        if any(words in label.lower() for words in not_a_count) or not value.isdigit():
            continue
        assert counted(page_of(client.get(SERVICE + link))) == int(value), (label, link)
        checked += 1
    assert checked > 40


def test_every_count_of_the_directors_dashboard_lists_what_it_counts(
    client, director, dashboard_world
):
    client.force_login(director)
    links = figure_links(page_of(client.get(DIRECTOR)))
    # Places are counted in households' lists, money and shares in the placements' own: no count
    not_a_count = ("places", "per cent", "weekly spend")
    checked = 0
    for link, value, label in links:
        if any(words in label.lower() for words in not_a_count) or not value.isdigit():
            continue
        assert counted(page_of(client.get(DIRECTOR + link))) == int(value), (label, link)
        checked += 1
    assert checked > 100  # 25 months of children looked after, the indicators, Ofsted's


def test_the_longest_wait_lists_the_children_who_waited_that_long(
    client, service_lead, dashboard_world
):
    client.force_login(service_lead)
    page = page_of(client.get(SERVICE))
    assert "?council=E08000010&amp;figure=longest_wait" in page
    listed = page_of(client.get(f"{SERVICE}?figure=longest_wait"))
    assert counted(listed) == 1 and "Dan Test" in listed and "Waiting 98 days since" in listed
    assert "Ann Test" not in listed and "Gus Test" not in listed


def test_a_list_links_each_child_and_what_it_is_about(client, north_manager, dashboard_world):
    client.force_login(north_manager)
    cat = dashboard_world["children"]["Cat"]
    page = page_of(client.get(f"{TEAM}?figure=actions_overdue"))
    assert f'href="/children/{cat.pk}/"' in page
    assert "Book respite for the carers" in page and "/stability/meetings/" in page
    assert '<h1 class="govuk-heading-xl">Actions from meetings to do: overdue, North</h1>' in page


def test_the_service_dashboard_links_each_team_to_its_dashboard(
    client, service_lead, dashboard_world
):
    client.force_login(service_lead)
    page = page_of(client.get(SERVICE))
    north = dashboard_world["teams"]["north"].pk
    assert f'href="/dashboards/team/?council=E08000010&amp;team={north}">North</a>' in page
    assert "figure=waiting&amp;team=none" in page


def test_households_are_listed_with_links_to_their_records(
    client, director, service_lead, dashboard_world
):
    client.force_login(director)
    page = page_of(client.get(f"{DIRECTOR}?figure=ofsted_not_available&year=2025&sector=all"))
    pine = dashboard_world["households"]["pine"]
    assert f'href="/households/{pine.pk}/"' in page and "1 household counted" in page
    client.force_login(service_lead)
    page = page_of(client.get(f"{SERVICE}?figure=assessments_late"))
    assert "/fostering/assessments/" in page and "Elm household" in page


def test_the_director_sees_the_forecast_and_the_sufficiency_link(client, director, dashboard_world):
    client.force_login(director)
    page = page_of(client.get(DIRECTOR))
    assert "Forecast for 1 December 2027" in page
    assert 'href="/reports/sufficiency/?council=E08000010"' in page
    assert 'href="/dashboards/service/?council=E08000010"' in page  # the other dashboards
    assert '<desc id="chart-looked_after-description">' in page
    assert (
        "<li>Sufficiency: homes needed, places and the gap over the next 3 and 12 months, by the "
        "sufficiency report's rules; each figure opens its list there.</li>"
    ) in page


def test_a_figure_the_dashboard_does_not_have_is_not_found(client, director, dashboard_world):
    client.force_login(director)
    assert client.get(f"{DIRECTOR}?figure=nonsense").status_code == 404
    assert client.get(f"{DIRECTOR}?figure=looked_after&month=1990-01").status_code == 404


# Audit, downloads, queries ---------------------------------------------------------------------------


def test_a_list_shown_is_audited_under_the_council(client, service_lead, wigan, dashboard_world):
    client.force_login(service_lead)
    client.get(SERVICE)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LIST).exists()
    client.get(f"{SERVICE}?figure=waiting")
    shown = AuditEvent.objects.get(action=AuditEvent.Action.LIST)
    assert shown.record_type == "child" and shown.organisation_id == wigan.pk
    assert "Children waiting for a home, Wigan Council, 3 shown" in shown.detail


def test_the_dashboard_downloads_as_a_workbook_a_sheet_a_table(
    client, service_lead, dashboard_world
):
    from openpyxl import load_workbook

    client.force_login(service_lead)
    response = client.get(f"{SERVICE}?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[:3] == [
        "Headline figures",
        "The children, Wigan Council",
        "By team, Wigan Council",
    ]
    teams = book["By team, Wigan Council"]
    assert [cell.value for cell in teams[2]] == ["North", 1, 1, 1, 1, 2, 1, 2, 1]
    assert len(book.sheetnames) == 9


def test_a_teams_name_excel_refuses_in_a_sheet_title_is_made_plain(
    client, service_lead, dashboard_world
):
    from openpyxl import load_workbook

    north = dashboard_world["teams"]["north"]
    north.name = "North/West: 0-5 [A]"
    north.save(update_fields=["name"])
    client.force_login(service_lead)
    response = client.get(f"{TEAM}?team={north.pk}&format=xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "Headline figures",
        "The children, North-West 0-5 (A",
        "Children waiting for a home, by",
        "Meetings and actions, North-Wes",
    ]
    assert [cell.value for cell in book["The children, North-West 0-5 (A"][2]] == [
        "Children waiting for a home", 1,
    ]  # fmt: skip


def test_sheet_titles_are_cut_to_31_characters_and_kept_apart():
    from hearth.web.views.dashboards import _unique_titles

    sheets = [(title, [], []) for title in (
        "Children waiting for a home, by how long, North", "Children waiting for a home, "
        "by how long, South", "children waiting for a home, by team", "'Quoted?'", "*",
    )]  # fmt: skip
    assert [title for title, _, _ in _unique_titles(sheets)] == [
        "Children waiting for a home, by",
        "Children waiting for a home (2)",
        "children waiting for a home (3)",
        "Quoted",
        "Table",
    ]


def test_each_table_and_the_headlines_download_as_csv(client, service_lead, dashboard_world):
    client.force_login(service_lead)
    table = client.get(f"{SERVICE}?format=csv&table=places").content.decode("utf-8-sig")
    assert table.splitlines() == [
        "Figure,Number", "Approved households,3", "Places approved,7", "Places filled,3",
        "Places vacant,3", "Places on hold,1",
    ]  # fmt: skip
    headlines = client.get(f"{SERVICE}?format=csv").content.decode("utf-8-sig").splitlines()
    assert headlines[:2] == ["Figure,Value", "Children waiting for a home,3"]
    assert client.get(f"{SERVICE}?format=csv&table=nonsense").status_code == 404


def test_each_list_downloads_as_csv_and_excel(client, north_manager, dashboard_world):
    client.force_login(north_manager)
    listed = client.get(f"{TEAM}?figure=placed_far&format=csv").content.decode("utf-8-sig")
    assert listed.splitlines()[0] == "Date,Reference,Name,Team,Detail"
    assert "BEN,Ben Test,North,With Moor household: 21.8 miles from home" in listed
    workbook = client.get(f"{TEAM}?figure=placed_far&format=xlsx")
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LIST).count() == 2


@pytest.mark.parametrize(
    "persona,url,most",
    [
        ("north_manager", TEAM, 22),
        ("north_manager", TEAM + "?figure=waiting", 23),
        ("north_manager", TEAM + "?figure=placed_far&format=csv", 23),
        ("north_manager", TEAM + "?figure=overdue&format=xlsx", 23),
        ("north_manager", TEAM + "?format=xlsx", 22),
        ("north_manager", TEAM + "?format=csv&table=stability", 22),
        ("service_lead", SERVICE, 28),
        ("service_lead", SERVICE + "?figure=waiting", 29),
        ("service_lead", SERVICE + "?figure=vacant&format=csv", 29),
        ("service_lead", SERVICE + "?figure=quality&format=xlsx", 29),
        ("service_lead", SERVICE + "?format=xlsx", 28),
        ("service_lead", SERVICE + "?format=csv", 28),
        ("director", DIRECTOR, 29),  # 23, and the sufficiency headline's 6
        ("director", DIRECTOR + "?figure=looked_after&month=2026-12", 32),
        ("director", DIRECTOR + "?figure=ofsted_filled&year=2025&sector=all", 30),
        ("director", DIRECTOR + "?figure=spend_total&month=2026-12&format=csv", 31),
        ("director", DIRECTOR + "?figure=short_term&year=2026&format=xlsx", 30),
        ("director", DIRECTOR + "?format=xlsx", 29),
        ("director", DIRECTOR + "?format=csv&table=ofsted", 29),
    ],
)
def test_the_queries_each_page_takes_stay_few(
    client, request, dashboard_world, django_assert_max_num_queries, persona, url, most
):
    client.force_login(request.getfixturevalue(persona))
    with django_assert_max_num_queries(most):
        assert client.get(url).status_code == 200


# The home page --------------------------------------------------------------------------------------


def test_the_home_page_links_each_person_to_their_dashboards(
    client, director, north_manager, social_worker, dashboard_world
):
    client.force_login(director)
    page = page_of(client.get("/"))
    for url in (TEAM, SERVICE, DIRECTOR):
        assert f'href="{url}"' in page
    client.force_login(north_manager)
    page = page_of(client.get("/"))
    assert f'href="{TEAM}"' in page and f'href="{SERVICE}"' not in page
    client.force_login(social_worker)
    assert "Your dashboards" not in page_of(client.get("/"))


def test_a_team_manager_of_no_team_is_offered_no_team_dashboard(
    client, teamless_manager, north_manager, south_manager, dashboard_world
):
    client.force_login(teamless_manager)
    assert f'href="{TEAM}"' not in page_of(client.get("/"))
    reports = page_of(client.get("/reports/"))
    assert "Team dashboard" not in reports and "Service dashboard" not in reports
    for manager in (north_manager, south_manager):  # the team's record, their membership
        client.force_login(manager)
        assert f'href="{TEAM}"' in page_of(client.get("/"))
        assert f'href="{TEAM}"' in page_of(client.get("/reports/"))
