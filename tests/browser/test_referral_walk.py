"""The referral path as its people use it: a social worker's referral walked through every role's
work tray to an open search, a section saving itself as it is typed, urgent work first, and a step
refused to someone whose step it is not.

Each test makes the referral it changes; the demo database is shared by the session's tests, so
nothing here counts rows another test may add.
"""

import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.personas import PLACEMENTS_OFFICER, SERVICE_LEAD, SOCIAL_WORKER, TEAM_MANAGER

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

CHILD_PATH = re.compile(r"^/children/\d+/$")
SECTION_TITLES = [
    "The placement needed",
    "About the child",
    "Risk assessment",
    "Where the child should live",
    "Education and therapy",
    "Family and friends",
    "Agreement to accommodate",
]


@dataclass(frozen=True)
class Made:
    """A referral a test made: its number and the child's name as the child's record shows it."""

    number: int
    child: str

    @property
    def path(self):
        return f"/referrals/{self.number}/"


# Finding things as a person does ------------------------------------------------------------------


def _signed_in_as(page):
    """The person's name, as the footer of every page says it."""
    footer = page.locator("footer").get_by_text(re.compile(r"^Signed in as ")).inner_text()
    return re.match(r"Signed in as (.+?)\. ", footer).group(1)


def _success(page):
    return page.locator(".govuk-notification-banner--success")


def _make_referral(page):
    """From the social worker's own children, the first whose record offers to make a referral."""
    page.goto("/children/?mine=1")
    links = page.locator("main table tbody").get_by_role("link")
    paths = [links.nth(i).get_attribute("href") for i in range(links.count())]
    for path in filter(CHILD_PATH.match, paths):
        page.goto(path)
        make = page.get_by_role("button", name="Make a referral", exact=True)
        if make.count() == 0:
            continue
        child = page.get_by_role("heading", level=1).inner_text()
        make.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Make a referral for {child}")
        page.get_by_role("button", name="Start the referral").click()
        expect(_success(page)).to_contain_text("Referral started.")
        number = int(re.search(r"/referrals/(\d+)/$", page.url).group(1))
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {number}")
        return Made(number, child)
    pytest.fail(f"every child allocated to {SOCIAL_WORKER} already has an open referral")


def _task(page, title):
    return page.locator(".govuk-task-list__item").filter(has_text=title)


def _status_tag(page):
    return page.locator("main h1 + p .govuk-tag")


def _history(page, number):
    table = page.get_by_role("table", name=f"Every step of referral {number}, oldest first")
    return table.locator("tbody tr")


def _tray_row(page, referral):
    """This referral's row in the person's work tray (the link names it: 'Referral 12: ...')."""
    assert page.goto("/work-tray/").status == 200, "the work tray did not open"
    link = page.get_by_role("link", name=re.compile(rf"^Referral {referral.number}: "))
    return page.locator("main tbody tr").filter(has=link)


def _open_from_tray(page, referral, kind):
    row = _tray_row(page, referral)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(kind)
    expect(row).to_contain_text(referral.child)
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Referral {referral.number}")


def _take(page, action, answers, done, *, check_accessible=False):
    """On the referral's page: the action's button, its form answered by label, then sent."""
    page.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(action)
    if check_accessible:
        assert_accessible(page)
    for label, value in answers.items():
        page.get_by_label(label).fill(value)
    page.locator("main form").get_by_role("button", name=action, exact=True).click()
    expect(_success(page)).to_contain_text(done)


# Answering each section ---------------------------------------------------------------------------


def _fill_date(page, legend, day):
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def _choose(page, legend, answer):
    page.get_by_role("group", name=legend).get_by_label(answer, exact=True).check()


def _placement(page):
    _choose(page, "Type of placement", "Short-term")
    _fill_date(page, "Date needed", date.today() + timedelta(days=21))


def _child(page):
    for label, text in (
        ("The child's history", "Came into care a year ago after neglect at home."),
        ("Needs", "A calm home, routines at bedtime and help to get to school on time."),
        ("Care plan and family time", "Long-term fostering; family time with dad monthly."),
        ("Identity: culture, faith, language, sexuality", "Speaks English and Polish at home."),
        ("What helps the child feel safe", "Knowing who will collect them from school."),
        ("Support in place", "School mentor and a weekly youth club."),
        ("Likes and dislikes", "Likes swimming and cooking; dislikes loud rooms."),
        ("The child's own views", "Wants to stay at the same school."),
    ):
        page.get_by_label(label, exact=True).fill(text)


def _risks(page):
    page.get_by_label("Known facts", exact=True).fill("No incidents recorded this year.")
    page.get_by_label("Professional opinion", exact=True).fill("Low risk in a settled home.")
    page.get_by_label("How the risks are to be managed", exact=True).fill("Weekly visits.")


def _location(page):
    page.get_by_label("The child should stay near their school").check()
    page.get_by_label("The child should stay near their family").check()
    page.get_by_label("Furthest distance from home, in miles").fill("15")
    page.get_by_label("Location needs", exact=True).fill("Within reach of the school by bus.")


def _education(page):
    _choose(page, "Is education requested with the placement?", "Yes")
    _choose(page, "Is therapy requested with the placement?", "No")
    page.get_by_label("What education or therapy is requested").fill("Tuition in maths.")
    _choose(page, "Who agreed to it", "Education: Virtual School")
    page.get_by_label("Agreed by (name and role)").fill("Head of the Virtual School")
    _fill_date(page, "Date of the agreement", date.today() - timedelta(days=3))
    page.get_by_label("Evidence of agreement").fill("Email of agreement on the child's file.")


def _network(page):
    _choose(page, "Has the family and friends network been explored?", "Yes")
    page.get_by_label("What the network exploration found", exact=True).fill("An aunt, assessed.")
    _choose(page, "Are viability assessments under way?", "Yes")
    page.get_by_label("Which viability assessments are under way").fill("The aunt's, due soon.")


def _accommodation(page):
    _choose(page, "Is the child new into care?", "Yes")
    page.get_by_label("Who agreed to accommodate").select_option(index=1)
    _fill_date(page, "Date it was agreed", date.today() - timedelta(days=2))


ANSWERS = dict(
    zip(
        SECTION_TITLES,
        (_placement, _child, _risks, _location, _education, _network, _accommodation),
        strict=True,
    )
)


def _answer_every_section(page, referral):
    """Each section opened from the task list, answered, saved, and shown completed."""
    for position, (title, answer) in enumerate(ANSWERS.items()):
        page.get_by_role("link", name=title, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(title)
        if position == 0:
            assert_accessible(page)
        answer(page)
        page.get_by_role("button", name="Save and come back later").click()
        expect(_success(page)).to_contain_text(f"{title}: your answers were saved.")
        expect(page).to_have_url(re.compile(rf"{referral.path}$"))
        expect(_task(page, title).locator(".govuk-task-list__status")).to_have_text("Completed")
    for title in SECTION_TITLES:
        expect(_task(page, title).locator(".govuk-task-list__status")).to_have_text("Completed")
    expect(page.locator("main")).to_contain_text("7 of 7 sections completed.")


# The tests -------------------------------------------------------------------------------------------


def test_referral_walks_from_draft_to_searching_through_each_role(open_page):
    worker, manager = open_page(SOCIAL_WORKER), open_page(TEAM_MANAGER)
    lead, placements = open_page(SERVICE_LEAD), open_page(PLACEMENTS_OFFICER)

    referral = _make_referral(worker)
    expect(_status_tag(worker)).to_have_text("Draft")
    assert_accessible(worker)  # the task list, every section still to answer
    _answer_every_section(worker, referral)
    _open_from_tray(worker, referral, "Finish the referral")
    _take(worker, "Send to team manager", {}, "Sent to the team manager")
    expect(_status_tag(worker)).to_have_text("With team manager")
    expect(_tray_row(worker, referral)).to_have_count(0)

    reasons = f"Please say how family time will work after the move ({secrets.token_hex(3)})."
    _open_from_tray(manager, referral, "Comment on and forward the referral")
    _take(manager, "Return to social worker", {"Reasons": reasons}, "Returned to the social worker",
          check_accessible=True)  # fmt: skip
    expect(_status_tag(manager)).to_have_text("Returned to social worker")
    expect(_tray_row(manager, referral)).to_have_count(0)

    returned = _tray_row(worker, referral)
    expect(returned).to_contain_text("Referral returned to you")
    expect(returned).to_contain_text(reasons)
    _open_from_tray(worker, referral, "Referral returned to you")
    changed = "Family time with dad stays monthly, at a contact centre near the new home."
    _take(worker, "Send back", {"What has changed": changed}, "Sent back to the team manager")
    expect(_tray_row(worker, referral)).to_have_count(0)

    comments = "Quality assured: the plan for family time is now clear."
    _open_from_tray(manager, referral, "Comment on and forward the referral")
    assert_accessible(manager)  # the referral's page as the team manager sees it
    _take(manager, "Send to service lead", {"Your comments": comments}, "Sent to the service lead")
    expect(_status_tag(manager)).to_have_text("With service lead")
    left = _tray_row(manager, referral)
    assert_accessible(manager)  # the work tray
    expect(left).to_have_count(0)

    _open_from_tray(lead, referral, "Approve the referral")
    _take(lead, "Approve", {}, "Approved: the referral is with the placements team")
    expect(_status_tag(lead)).to_have_text("Approved, awaiting screening")
    expect(_tray_row(lead, referral)).to_have_count(0)

    _open_from_tray(placements, referral, "Screen the approved referral")
    _take(placements, "Accept and open a file", {}, "the search has started")
    expect(_tray_row(placements, referral)).to_have_count(0)

    placements.goto(referral.path)
    expect(_status_tag(placements)).to_have_text("Searching")
    file_line = placements.locator("main h1 + p")
    expect(file_line).to_contain_text(re.compile(r"File PL\d+"))
    file_reference = re.search(r"PL\d+", file_line.inner_text()).group(0)
    people = {
        "worker": _signed_in_as(worker),
        "manager": _signed_in_as(manager),
        "lead": _signed_in_as(lead),
        "placements": _signed_in_as(placements),
    }
    steps = [
        ("worker", "Referral started by", "Draft"),
        ("worker", "Sent to the team manager by", "Draft to With team manager"),
        ("manager", "Returned to the social worker by",
         "With team manager to Returned to social worker"),
        ("worker", "Sent back to the team manager by",
         "Returned to social worker to With team manager"),
        ("manager", "Sent to the service lead by", "With team manager to With service lead"),
        ("lead", "Approved by", "With service lead to Approved, awaiting screening"),
        ("placements", "Accepted by", "Approved, awaiting screening to Searching"),
    ]  # fmt: skip
    history = _history(placements, referral.number)
    expect(history).to_have_count(len(steps))
    for row, (who, what, status) in zip(history.all(), steps, strict=True):
        cells = row.locator("td")
        expect(cells.nth(1)).to_contain_text(people[who])
        expect(cells.nth(2)).to_have_text(re.compile(rf"^{what} {re.escape(people[who])}"))
        expect(cells.nth(3)).to_have_text(status)
    expect(history.nth(2).locator("td").nth(4)).to_have_text(reasons)
    expect(history.nth(3).locator("td").nth(4)).to_have_text(changed)
    expect(history.nth(4).locator("td").nth(4)).to_have_text(comments)
    expect(history.nth(6).locator("td").nth(2)).to_contain_text(f"file {file_reference} opened")
    assert_accessible(placements)  # the referral's page once the search is open

    placements.goto("/tracker/")
    search = placements.get_by_role("table", name="Open searches").locator("tbody tr").filter(
        has=placements.locator(f"a[href='{referral.path}']")
    )  # fmt: skip
    expect(search).to_have_count(1)
    expect(search).to_contain_text(referral.child)
    expect(search).to_contain_text(f"File {file_reference}")
    expect(search.locator("td").nth(4)).to_have_text("Searching")
    assert_accessible(placements)


def test_a_section_saves_itself_as_the_social_worker_types(open_page):
    page = open_page(SOCIAL_WORKER)
    referral = _make_referral(page)
    page.get_by_role("link", name="About the child", exact=True).click()
    words = f"Loves climbing and building dens in the park ({secrets.token_hex(3)})"
    page.get_by_label("The child's history", exact=True).press_sequentially(words)

    # Nothing is pressed: the page saves a few seconds after the typing stops.
    expect(page.locator("[data-hearth-autosave-status]")).to_have_text(
        re.compile(r"^Draft saved at \d\d:\d\d$")
    )
    page.reload()
    expect(page.get_by_label("The child's history", exact=True)).to_have_value(words)
    page.goto(referral.path)
    expect(_task(page, "About the child").locator(".govuk-task-list__status")).to_have_text(
        "Incomplete"
    )
    expect(page.locator("main")).to_contain_text(words)


@pytest.mark.parametrize("persona", [TEAM_MANAGER, PLACEMENTS_OFFICER])
def test_urgent_work_comes_first_in_the_work_tray(open_page, persona):
    page = open_page(persona)
    page.goto("/work-tray/")
    rows = page.locator("main tbody tr")
    expect(rows.first.locator(".govuk-tag").first).to_have_text("Urgent")
    urgent = [
        row.locator(".govuk-tag", has_text=re.compile("^Urgent$")).count() > 0 for row in rows.all()
    ]
    assert urgent == sorted(urgent, reverse=True), (
        f"an urgent item comes after one that is not urgent: {urgent}"
    )


def test_the_tracker_shows_the_councils_open_searches_urgent_first(open_page):
    page = open_page(PLACEMENTS_OFFICER)
    page.goto("/tracker/")
    searches = page.get_by_role("table", name="Open searches").locator("tbody tr")
    expect(searches.first).to_contain_text("Urgent")
    searching = searches.filter(has_text=re.compile(r"File PL\d+")).filter(has_text="Searching")
    expect(searching).not_to_have_count(0)
    searching.first.get_by_role("link").first.click()
    expect(page.locator("main .govuk-caption-l")).to_have_text("Placement referral · Wigan Council")
    expect(_status_tag(page)).to_have_text("Searching")


def test_a_team_manager_is_refused_the_service_leads_approval(open_page):
    lead = open_page(SERVICE_LEAD)
    lead.goto("/work-tray/")
    waiting = lead.locator("main tbody tr").filter(has_text="Approve the referral").first
    expect(waiting, "the demo seed holds a referral with the service lead").to_be_visible()
    path = waiting.get_by_role("link").get_attribute("href")

    manager = open_page(TEAM_MANAGER)
    manager.goto(path)
    expect(_status_tag(manager)).to_have_text("With service lead")
    number = int(re.search(r"/referrals/(\d+)/$", path).group(1))
    history = _history(manager, number).all_inner_texts()
    expect(manager.get_by_role("button", name="Approve", exact=True)).to_have_count(0)

    response = manager.goto(f"{path}actions/approve/")
    assert response.status == 403
    expect(manager.get_by_role("heading", level=1)).to_have_text("You cannot do this")
    expect(manager.locator("main")).to_contain_text(
        "Approve: only the service lead (the policy's referral approver) can do this now."
    )
    expect(manager.locator("main form")).to_have_count(0)

    # Sending the approval anyway, with a valid session and CSRF token, is refused the same way.
    token = manager.locator("input[name='csrfmiddlewaretoken']").first.get_attribute("value")
    forged = manager.request.post(
        f"{path}actions/approve/", form={"csrfmiddlewaretoken": token, "comment": "Approved."}
    )
    assert forged.status == 403
    assert "only the service lead" in forged.text()

    manager.goto(path)
    expect(_status_tag(manager)).to_have_text("With service lead")
    assert _history(manager, number).all_inner_texts() == history
    lead.goto("/work-tray/")
    expect(lead.locator(f"main tbody a[href='{path}']")).to_have_count(1)
