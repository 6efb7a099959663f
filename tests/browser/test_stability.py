"""Keeping a placement stable, as its people do it on the demo council: the social worker asks for
a stability meeting; the team manager finds it in their tray, arranges it, records it, circulates
the minutes and gives the social worker an action; the action's date passes and `hearth worker`
(its clock moved on) flags it to the social worker, then escalates it to the team manager, once;
then the placement ends in an unplanned way and the unplanned ending meeting is due in its window.

The placement is one of the demo council's own: a child of the demo social worker living with the
council's carers. This module runs after the others, since it ends that placement.
"""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.personas import SOCIAL_WORKER, TEAM_MANAGER
from tests.browser.test_referral_walk import _fill_date, _success

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LONDON = ZoneInfo("Europe/London")
CHILD_PATH = re.compile(r"^/children/\d+/$")
CONCERN = "The carers say they cannot manage his anger after family time; school reports fights."
ACTION = "Refer the carers to the therapeutic support service before the next family time."


def _button(page, name):
    return page.locator("main").get_by_role("button", name=name, exact=True)


def _link(page, name):
    return page.locator("main").get_by_role("link", name=name, exact=True)


def _a_placement_with_the_councils_carers(page):
    """From the social worker's own children, the first living with the council's own carers: the
    path of that open placement."""
    page.goto("/children/?mine=1")
    links = page.locator("main table tbody").get_by_role("link")
    paths = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for path in filter(CHILD_PATH.match, paths):
        page.goto(path)
        rows = page.get_by_role("table", name="Placements, newest first").locator("tbody tr")
        open_rows = rows.filter(has=page.locator(".govuk-tag", has_text="Open"))
        if not open_rows.count():
            continue
        open_rows.first.get_by_role("link").click()
        provider = page.locator(".govuk-summary-list__row").filter(
            has=page.locator("dt", has_text=re.compile(r"^Provider$"))
        )
        if "Council" in provider.locator("dd").inner_text():
            return page.url
    pytest.fail("none of the demo social worker's children lives with the council's carers")


def _tray_rows(page, kind):
    assert page.goto("/work-tray/").status == 200, "the work tray did not open"
    return page.locator("main tbody tr").filter(has_text=kind)


def _team_tray_rows(page, kind):
    assert page.goto("/work-tray/?view=team").status == 200, "the team's tray did not open"
    return page.locator("main tbody tr").filter(has_text=kind)


def _signed_in_as(page):
    words = page.locator("footer").get_by_text(re.compile(r"^Signed in as ")).inner_text()
    return re.match(r"^Signed in as (.+?)\. ", words).group(1)


def _endings_this_month(page):
    """This month's count of unplanned endings in the monthly breakdown (the last month shown)."""
    page.goto("/reports/unplanned-endings/")
    table = page.get_by_role("table", name=re.compile(r"unplanned endings, "))
    row = table.locator("tr").filter(has_text="Placements that ended in an unplanned way")
    return int(row.locator("td").nth(-2).inner_text())


def _ours(rows):
    """The rows of this test's action (the demo council has other actions of its own)."""
    return rows.filter(has_text=ACTION[:60])


def _london(day, hour):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def test_a_concern_runs_to_a_meeting_an_escalated_action_and_an_unplanned_ending_meeting(
    open_page, run_jobs_at
):
    worker, manager = open_page(SOCIAL_WORKER), open_page(TEAM_MANAGER)
    endings_before = _endings_this_month(manager)
    placement_path = _a_placement_with_the_councils_carers(worker)

    # The social worker raises the carers' concern from the placement.
    _button(worker, "Ask for a stability meeting").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Ask for a stability meeting")
    assert_accessible(worker)
    worker.get_by_role("group", name="Who is worried about the placement?").get_by_label(
        "The foster carer, through their supervising social worker"
    ).check()
    _button(worker, "Ask for the meeting").click()
    # Bad input is named at its field; nothing is written.
    expect(worker.locator(".govuk-error-summary")).to_contain_text(
        "Say what they are worried about"
    )
    expect(worker.locator(".govuk-error-summary")).to_contain_text("Enter the name of the person")
    assert_accessible(worker)
    worker.get_by_label(re.compile(r"^Their name")).fill("The foster carer")
    worker.get_by_label("What are they worried about?").fill(CONCERN)
    _button(worker, "Ask for the meeting").click()
    expect(_success(worker)).to_be_visible()
    expect(worker.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"^Stability meeting SM-")
    )
    meeting_path = worker.url
    meeting_reference = worker.get_by_role("heading", level=1).inner_text().split()[-1]
    expect(worker.locator("main")).to_contain_text(CONCERN)
    expect(worker.locator("main")).to_contain_text("To be held")

    # It lands in the team manager's tray, due within the policy's 48 hours.
    row = _tray_rows(manager, "Convene a stability meeting")
    expect(row).to_have_count(1)
    expect(row).not_to_contain_text("Overdue")
    row.get_by_role("link").click()
    assert manager.url.endswith(meeting_path.split("://", 1)[1].split("/", 1)[1])
    expect(manager.get_by_role("heading", name="Preparing for the meeting")).to_be_visible()
    assert_accessible(manager)

    # The team manager arranges it: they chair; the required three are already invited.
    _button(manager, "Arrange the meeting").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Arrange the meeting")
    manager.get_by_label("Chair", exact=True).select_option(label=_signed_in_as(manager))
    today = datetime.now(LONDON).date()
    _fill_date(manager, "Date of the meeting", today)
    manager.get_by_label("Time of the meeting").fill("23:59")
    manager.get_by_label("Where is it held?").fill("The carers' home")
    assert_accessible(manager)
    _button(manager, "Save the arrangements").click()
    expect(_success(manager)).to_be_visible()
    people = manager.locator("main table").filter(has_text="Part").first
    expect(people).to_contain_text("The child's social worker")
    expect(people).to_contain_text("Supervising social worker")
    expect(people).to_contain_text("Foster carer")
    social_worker_name = (
        (people.locator("tr").filter(has_text="The child's social worker").locator("td").first)
        .inner_text()
        .splitlines()[0]
        .strip()
    )

    # The meeting is recorded: everyone came; the child's views are left for later.
    _button(manager, "Record the meeting").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Record the meeting")
    now = datetime.now(LONDON)
    _fill_date(manager, "Date the meeting was held", now.date())
    manager.get_by_label("Time it began").fill(f"{now:%H:%M}")
    for group in manager.get_by_role("group").filter(has=manager.get_by_label("Attended")).all():
        group.get_by_label("Attended", exact=True).check()
    manager.get_by_label("Reason for the meeting: what are we worried about?").fill(CONCERN)
    manager.get_by_label("Support in place or required").fill("Therapeutic support for carers.")
    assert_accessible(manager)
    _button(manager, "Save and mark as held").click()
    expect(_success(manager)).to_be_visible()
    expect(manager.locator("main")).to_contain_text("Held: minutes to circulate")
    expect(_tray_rows(manager, "Convene a stability meeting")).to_have_count(0)
    expect(_tray_rows(manager, "Circulate a meeting's minutes")).to_have_count(1)

    # An action for the social worker, due today.
    manager.goto(meeting_path)
    _button(manager, "Add an action").click()
    manager.get_by_label("What is to be done?").fill(ACTION)
    manager.get_by_label("Who will do it?").select_option(label=social_worker_name)
    _fill_date(manager, "Date it is due", today)
    assert_accessible(manager)
    _button(manager, "Add the action").click()
    expect(_success(manager)).to_be_visible()
    expect(manager.locator("main")).to_contain_text(ACTION)

    # The minutes cannot go without the child's views; with them they do.
    _button(manager, "Circulate the minutes").click()
    expect(manager.locator("main")).to_contain_text("The child's or young person's views")
    manager.goto(meeting_path)
    _button(manager, "Record the meeting").click()
    manager.get_by_label("The child's or young person's views").fill(
        "He likes the carers' dog and his school; he is worried about being moved again."
    )
    _button(manager, "Save").click()
    expect(_success(manager)).to_be_visible()
    _button(manager, "Circulate the minutes").click()
    assert_accessible(manager)
    _button(manager, "Circulate the minutes").click()
    expect(_success(manager)).to_be_visible()
    expect(manager.locator("main")).to_contain_text("Minutes circulated")
    expect(manager.locator("main")).to_contain_text("Filed on the child's and the carers' records")
    minutes = _link(manager, "Download the minutes (PDF)")
    with manager.expect_download() as download:
        minutes.click()
    assert download.value.suggested_filename.endswith(".pdf")
    expect(_ours(_tray_rows(worker, "An action from a stability meeting"))).to_have_count(1)

    # The action's date passes: the worker flags it to its owner, once.
    flagged_at = _london(today + timedelta(days=1), 10)
    assert "overdue_actions_flagged" in run_jobs_at(flagged_at)
    assert "flagged" not in run_jobs_at(flagged_at)
    expect(_ours(_tray_rows(worker, "An action is overdue"))).to_have_count(1)
    expect(_ours(_team_tray_rows(manager, "An action is overdue"))).to_have_count(1)

    # Re-checked after 5 working days and still not done: escalated to the team manager, once.
    escalated_at = _london(today + timedelta(days=14), 10)
    assert "overdue_actions_escalated" in run_jobs_at(escalated_at)
    assert "escalated" not in run_jobs_at(escalated_at)
    escalated = _ours(_tray_rows(manager, "An overdue action is now yours to see through"))
    expect(escalated).to_have_count(1)
    expect(escalated).to_contain_text(f"Not done by {social_worker_name} after the re-check")
    expect(_ours(_tray_rows(worker, "An action is overdue"))).to_have_count(0)
    manager.goto(meeting_path)
    actions = manager.get_by_role("table").filter(has_text=ACTION)
    expect(actions).to_contain_text("Escalated")
    expect(actions).to_contain_text(social_worker_name)
    assert_accessible(manager)

    # The placement ends in an unplanned way: the unplanned ending meeting is due in its window.
    worker.goto(placement_path)
    _button(worker, "End the placement").click()
    _fill_date(worker, "Date the placement ended", today)
    worker.get_by_role("group", name="Was the ending planned?").get_by_label(
        re.compile(r"^Unplanned")
    ).check()
    worker.get_by_label("REC: reason the episode ceased").select_option("X1")
    worker.get_by_label("REASON_PLACE_CHANGE: why the placement changed").select_option("CARPL")
    worker.get_by_label("What happened").fill("The carers asked for him to move after a fight.")
    _button(worker, "End the placement").click()
    expect(_success(worker)).to_be_visible()
    window_opens = f"{_add_month(today):%-d %B %Y}"
    window_closes = f"{today + timedelta(weeks=6):%-d %B %Y}"
    main = worker.locator("main")
    expect(main).to_contain_text("Unplanned ending meeting")
    expect(main).to_contain_text(window_opens)
    expect(main).to_contain_text(window_closes)
    expect(main).to_contain_text("One-page profile of the child by the previous carer")
    assert_accessible(worker)

    # The child's record keeps the stability history; the month's breakdown counts the ending.
    worker.get_by_role("link", name=re.compile(r"'s record$")).click()
    expect(worker.locator("main")).to_contain_text(meeting_reference)
    assert_accessible(worker)
    manager.goto("/reports/unplanned-endings/")
    expect(manager.get_by_role("heading", level=1)).to_have_text("Unplanned endings by month")
    expect(manager.get_by_role("img", name=re.compile("nplanned endings"))).to_be_visible()
    assert _endings_this_month(manager) == endings_before + 1
    assert_accessible(manager)
    # The report is found from the navigation's Reports, which lists what the person may read.
    manager.get_by_role("link", name="Reports", exact=True).first.click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Reports")
    assert_accessible(manager)
    manager.get_by_role("link", name="Unplanned endings by month").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Unplanned endings by month")


def _add_month(day):
    month = day.month % 12 + 1
    year = day.year + (day.month == 12)
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("no such month")
