"""The dashboards and the sufficiency report on the demo council, as the people they are for use
them, axe-core run on every page visited:

1. a team manager opens their team's dashboard from the home page, opens the children of a
   headline figure (as many as the figure says, all of the team), one child's record, and the
   list as a CSV;
2. a service lead opens the service dashboard, a team row's figure (the team's children only)
   and that team's own dashboard;
3. a director opens the director's dashboard, downloads it as an Excel workbook (a sheet for the
   headline figures and one for each table on the page) and follows its link to sufficiency;
4. a placements officer opens the sufficiency report from the Reports index, a figure's list of
   children (as many as the figure says), the list as a CSV and one child's record;
5. on a 320 px screen, with the site's Content-Security-Policy on (no axe then: it is injected
   as a script), the sufficiency report's and the service dashboard's wide tables scroll in
   their own regions, by keyboard too, and their charts shrink to fit.

The walks only read: they run on the demo as `hearth demo` seeds it, and compare each figure with
the list it opens rather than with numbers of their own, so a change to the seed does not break
them while a figure that stops leading to exactly its records does.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.personas import PLACEMENTS_OFFICER, SERVICE_LEAD, TEAM_MANAGER
from tests.browser.test_frontend_javascript import RECORD_CSP_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

DIRECTOR = "wigan.director"
COUNCIL = "E08000010"  # Wigan
SUFFICIENCY = "Sufficiency: homes needed and places available"
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


# Finding things as a person does ------------------------------------------------------------------


def _main(page):
    return page.locator("main")


def _heading(page, text):
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _from_home(page, link):
    """The home page, then one of "Your dashboards"."""
    page.goto("/")
    assert_accessible(page)
    dashboards = _main(page).locator("h2", has_text="Your dashboards").locator("+ ul")
    dashboards.get_by_role("link", name=link, exact=True).click()
    _heading(page, link)
    assert_accessible(page)


def _number(text):
    text = text.strip()
    assert NUMBER.match(text), f"not a count: {text!r}"
    return float(text)


def _headline(page, label):
    """(the count, its link) of a headline figure: the link's words are "count: label"."""
    figures = _main(page).locator("dl.govuk-summary-list")
    link = figures.get_by_role("link", name=re.compile(rf"^[\d.]+\s?: {re.escape(label)}$"))
    expect(link).to_have_count(1)
    return int(_number(link.text_content().split(":")[0])), link


def _download(page, link):
    """The file a download link gives: (its suggested name, its path)."""
    with page.expect_download() as started:
        link.click()
    download = started.value
    return download.suggested_filename, Path(download.path())


def _csv_rows(path):
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _charts_named(page):
    """Every chart on the page is an image with a name and a description: its text alternative."""
    charts = _main(page).locator("figure svg[role=img]")
    for number in range(charts.count()):
        chart = charts.nth(number)
        labelled = chart.get_attribute("aria-labelledby").split()
        texts = [page.locator(f"[id='{name}']").text_content().strip() for name in labelled]
        assert all(texts), f"a chart without a title or description: {labelled}"
    return charts.count()


def _records_table(page):
    """The list of records a dashboard figure opens."""
    return _main(page).locator("table.govuk-table")


# 1. The team manager ------------------------------------------------------------------------------


def test_a_team_manager_opens_their_team_dashboard_a_figures_children_and_its_csv(open_page):
    page = open_page(TEAM_MANAGER)
    _from_home(page, "Team dashboard")
    team = page.locator(".govuk-caption-l").inner_text().split(": ", 1)[1]
    assert team, "the team dashboard does not say which team"
    assert _charts_named(page) >= 1
    waiting = page.get_by_role("img", name=re.compile(r"^Children waiting for a home, by how"))
    expect(waiting).to_be_visible()

    # The placements ending: the figure, then the children it counts, all of the team.
    count, link = _headline(page, "Placements ending")
    assert count > 0, "the demo team has no placement ending: pick another figure"
    link.click()
    _heading(page, f"Placements ending, {team}")
    expect(_main(page)).to_contain_text(f"{count} child{'ren' if count != 1 else ''} counted.")
    assert_accessible(page)
    rows = _records_table(page).locator("tbody tr")
    expect(rows).to_have_count(count)
    teams = rows.locator("td:nth-child(3)").all_inner_texts()
    assert set(teams) == {team}, f"children of other teams listed: {set(teams) - {team}}"
    names = rows.locator("td:nth-child(1)").all_inner_texts()
    references = rows.locator("td:nth-child(2)").all_inner_texts()

    # The list as a CSV: the same children.
    listed = _main(page).get_by_role("link", name="Download this list (CSV)")
    filename, path = _download(page, listed)
    assert re.fullmatch(rf"team-dashboard-{COUNCIL}-team-\d+-[\d-]+-endings\.csv", filename)
    downloaded = _csv_rows(path)
    assert sorted(row["Reference"] for row in downloaded) == sorted(references)
    assert {row["Team"] for row in downloaded} == {team}

    # A child of the list: their record.
    rows.first.get_by_role("link", name=names[0], exact=True).click()
    _heading(page, names[0])
    assert_accessible(page)
    page.go_back()
    back = page.locator("nav[aria-label=Back]").get_by_role("link", name="Team dashboard")
    back.click()
    _heading(page, "Team dashboard")


# 2. The service lead ------------------------------------------------------------------------------


def test_a_service_lead_opens_the_service_dashboard_and_a_team_rows_figure(open_page):
    page = open_page(SERVICE_LEAD)
    _from_home(page, "Service dashboard")
    assert _charts_named(page) >= 2
    by_team = page.get_by_role("table", name=re.compile(r"^By team"))
    rows = by_team.locator("tbody tr")
    assert rows.count() >= 2, "the demo council has fewer than two teams"

    # The team whose placements ending are the most: its figure lists its children only.
    figures = []
    for number in range(rows.count()):
        row = rows.nth(number)
        team = row.locator("th").inner_text().strip()
        cell = row.get_by_role("link", name=re.compile(rf"^\d+\s?: {re.escape(team)}, Placements"))
        if cell.count() == 1:
            figures.append((int(cell.text_content().split(":")[0]), team, cell))
    assert figures, "no team row links its placements ending"
    count, team, cell = max(figures, key=lambda figure: figure[0])
    assert count > 0, "no team of the demo council has a placement ending"
    cell.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Placements ending")
    assert_accessible(page)
    listed = _records_table(page).locator("tbody tr")
    expect(listed).to_have_count(count)
    assert set(listed.locator("td:nth-child(3)").all_inner_texts()) == {team}

    # Back to the service dashboard, then that team's own dashboard: the same count.
    page.locator("nav[aria-label=Back]").get_by_role("link", name="Service dashboard").click()
    _heading(page, "Service dashboard")
    by_team.get_by_role("link", name=team, exact=True).click()
    _heading(page, "Team dashboard")
    expect(page.locator(".govuk-caption-l")).to_have_text(re.compile(rf": {re.escape(team)}$"))
    assert _headline(page, "Placements ending")[0] == count
    assert_accessible(page)


# 3. The director ----------------------------------------------------------------------------------


def test_a_director_downloads_the_dashboard_workbook_and_follows_the_link_to_sufficiency(
    open_page, tmp_path
):
    page = open_page(DIRECTOR)
    _from_home(page, "Director's dashboard")
    assert _charts_named(page) >= 1
    expect(page.get_by_role("img", name=re.compile(r"^Children looked after"))).to_be_visible()
    tables = _main(page).get_by_role("link", name=re.compile(r"^Download this table \(CSV\)"))
    labels = [
        text.strip() for text in _main(page).locator("dl.govuk-summary-list dt").all_inner_texts()
    ]
    assert labels, "the director's dashboard shows no headline figure"

    # The workbook: the headline figures, then a sheet for each table on the page.
    workbook = _main(page).get_by_role("link", name=re.compile(r"^Download the dashboard \(Excel"))
    filename, path = _download(page, workbook)
    assert re.fullmatch(rf"director-dashboard-{COUNCIL}-[\d-]+\.xlsx", filename)
    saved = tmp_path / filename  # openpyxl goes by the file's extension
    saved.write_bytes(path.read_bytes())
    book = load_workbook(saved, read_only=True)
    try:
        sheets = book.sheetnames
        assert sheets[0] == "Headline figures"
        assert len(sheets) == 1 + tables.count(), sheets
        headline_rows = list(book["Headline figures"].iter_rows(values_only=True))
        assert list(headline_rows[0]) == ["Figure", "Value"]
        assert [row[0] for row in headline_rows[1:]] == labels
        assert any("looked after" in sheet.lower() for sheet in sheets), sheets
        for sheet in sheets[1:]:
            assert book[sheet].max_row >= 2, f"the sheet {sheet!r} holds no figures"
    finally:
        book.close()

    # Sufficiency: the dashboard's link leads to the report (or a figure's list in it).
    sufficiency = _main(page).locator("a[href^='/reports/sufficiency/']")
    assert sufficiency.count() >= 1, "the director's dashboard does not link to sufficiency"
    sufficiency.first.click()
    assert "/reports/sufficiency/" in page.url
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    if "figure=" in page.url:  # a figure's list: its back link is the report
        page.locator("nav[aria-label=Back]").get_by_role("link", name="Sufficiency").click()
        assert_accessible(page)
    _heading(page, SUFFICIENCY)


# 4. The placements officer ------------------------------------------------------------------------


def test_a_placements_officer_opens_the_sufficiency_report_a_figures_children_and_its_csv(
    open_page,
):
    page = open_page(PLACEMENTS_OFFICER)
    page.goto("/reports/")
    _main(page).get_by_role("link", name=SUFFICIENCY, exact=True).click()
    _heading(page, SUFFICIENCY)
    assert_accessible(page)
    assert _charts_named(page) >= 1, "the sufficiency report has no chart"
    needed = page.get_by_role("table", name=re.compile(r"^Homes needed, "))
    expect(needed.locator("thead th").first).to_have_text("Figure")
    expect(page.get_by_role("table", name=re.compile(r"^Places available, "))).to_be_visible()
    expect(page.get_by_role("table", name=re.compile(r"^The gap, "))).to_be_visible()

    # The first figure of children (not the forecast, not the total) with some counted.
    chosen = None
    rows = needed.locator("tbody tr")
    for number in range(rows.count()):
        row = rows.nth(number)
        label = row.locator("th").inner_text().strip()
        if not label.startswith("Children") or "forecast" in label:
            continue
        total = row.locator("td").last
        shown = total.inner_text().split(":")[0]  # the number, not the link's hidden words
        if shown.strip() and _number(shown) > 0:
            chosen = (label, int(_number(shown)), total.get_by_role("link"))
            break
    assert chosen, "no children are counted in the demo council's homes needed"
    label, count, link = chosen
    link.click()
    _heading(page, label)
    assert "figure=" in page.url
    assert_accessible(page)
    children = page.get_by_role("table", name=re.compile(r"children? counted$"))
    expect(children).to_have_accessible_name(f"{count} child{'ren' if count != 1 else ''} counted")
    listed = children.locator("tbody tr")
    expect(listed).to_have_count(count)
    assert set(listed.locator("td:nth-child(3)").all_inner_texts()) == {label}

    references = sorted(
        re.search(r"\(([^()]+)\)$", text.strip()).group(1)
        for text in listed.locator("td:nth-child(2)").all_inner_texts()
    )

    # The list as a CSV: the same children, counted as the figure counts them.
    filename, path = _download(
        page, _main(page).get_by_role("link", name="Download this list (CSV)")
    )
    assert re.fullmatch(rf"sufficiency-{COUNCIL}-[\d-]+-to-[\d-]+-\w+\.csv", filename)
    downloaded = _csv_rows(path)
    assert sorted(row["Child reference"] for row in downloaded) == references
    assert {row["Figure"] for row in downloaded} == {label}
    assert sum(float(row["Counts as"]) for row in downloaded) == count

    # A child of the list: their record.
    first = listed.first.get_by_role("link").first
    name = first.inner_text().strip()
    first.click()
    _heading(page, name)
    assert_accessible(page)


# 5. A narrow screen, under the site's Content-Security-Policy ------------------------------------

NARROW = {"width": 320, "height": 640}


def _fits_a_narrow_screen(page, region_name):
    """No sideways scrolling of the page; the wide table scrolls in its region (by keyboard too);
    every chart is inside the screen, drawn to scale."""
    width = page.evaluate("document.documentElement.clientWidth")
    assert width <= NARROW["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls"
    region = _main(page).get_by_role("region", name=region_name).first
    assert region.evaluate("r => getComputedStyle(r).overflowX") == "auto"
    assert region.evaluate("r => r.scrollWidth > r.clientWidth"), "the table is not wider"
    region.focus()
    page.keyboard.press("ArrowRight")
    expect(region).to_be_focused()
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
    charts = _main(page).locator("figure.hearth-chart svg[role=img]")
    assert charts.count() >= 1
    for number in range(charts.count()):
        chart = charts.nth(number)
        box = chart.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, f"a chart overflows: {box}"
        drawn = [float(size) for size in chart.get_attribute("viewBox").split()[2:]]
        assert abs(box["height"] / box["width"] - drawn[1] / drawn[0]) < 0.02, "out of scale"
    assert page.evaluate("window.cspViolations") == []


def test_on_a_narrow_screen_under_the_policy_wide_tables_scroll_and_charts_fit(open_page):
    page = open_page(PLACEMENTS_OFFICER, bypass_csp=False)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.set_viewport_size(NARROW)
    response = page.goto("/reports/sufficiency/")
    assert "style-src 'self'" in response.headers["content-security-policy"]
    _heading(page, SUFFICIENCY)
    _fits_a_narrow_screen(page, re.compile(r"^Homes needed, "))

    page = open_page(SERVICE_LEAD, bypass_csp=False)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    page.set_viewport_size(NARROW)
    page.goto("/dashboards/service/")
    _heading(page, "Service dashboard")
    _fits_a_narrow_screen(page, re.compile(r"^By team"))
