"""The in-house search as its people use it, on the demo council: a referral walked to an open
search, the fostering duty worker ringing the best-ranked carers, the offer with the social
worker, the questions about children already living there answered, and the matching form signed
off by the team manager, leaving the referral matched; then the placement started with no cost
approval, the referral closed and the household's free place gone from the vacancy list.

The test makes its own referral, so the households it ranks are the demo council's real ones but
nothing another test reads is changed.
"""

import re
from datetime import date
from urllib.parse import urlencode

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.personas import (
    FOSTERING_DUTY_WORKER,
    PLACEMENTS_OFFICER,
    SERVICE_LEAD,
    SOCIAL_WORKER,
    TEAM_MANAGER,
)
from tests.browser.test_referral_walk import (
    _answer_every_section,
    _fill_date,
    _make_referral,
    _open_from_tray,
    _status_tag,
    _success,
    _take,
    _tray_row,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _to_searching(open_page):
    """A new referral from the demo social worker, through each role's tray to an open search."""
    worker, manager = open_page(SOCIAL_WORKER), open_page(TEAM_MANAGER)
    lead, placements = open_page(SERVICE_LEAD), open_page(PLACEMENTS_OFFICER)
    referral = _make_referral(worker)
    _answer_every_section(worker, referral)
    _take(worker, "Send to team manager", {}, "Sent to the team manager")
    _open_from_tray(manager, referral, "Comment on and forward the referral")
    _take(manager, "Send to service lead", {"Your comments": "Clear and strengths-based."},
          "Sent to the service lead")  # fmt: skip
    _open_from_tray(lead, referral, "Approve the referral")
    _take(lead, "Approve", {}, "Approved")
    _open_from_tray(placements, referral, "Screen the approved referral")
    _take(placements, "Accept and open a file", {}, "the search has started")
    return referral, worker, manager


def _button(page, name):
    return page.locator("main").get_by_role("button", name=name, exact=True)


def _household_of(contact_button):
    """The household a 'Record a contact' button is for (its hidden words name it)."""
    words = " ".join(contact_button.text_content().split())
    return words.removeprefix("Record a contact with ")


def _radio(page, legend, answer):
    page.get_by_role("group", name=legend).get_by_label(answer, exact=True).check()


def _answer_the_move(page):
    """A child already placed (by an earlier walk on the same demo) is moving: the start form asks
    why the placement changes and whether the old one ended as planned."""
    move = page.get_by_label(re.compile(r"^REASON_PLACE_CHANGE: why "))
    if move.count():
        move.first.select_option("CARPL")
        page.get_by_role("group", name=re.compile(r"end as planned\?$")).get_by_label(
            "Planned", exact=True
        ).first.check()


def _fill_matching_form(page, *, why, support, family_time):
    """Each need a gap closed by training, then why this home, the support and family time."""
    needs = page.locator("main fieldset").filter(has=page.get_by_label("A gap: support is needed"))
    for position in range(needs.count()):
        need = needs.nth(position)
        need.get_by_label("A gap: support is needed").check()
        need.get_by_label("The support that closes the gap").fill("Training before the move.")
    page.get_by_label("Why this home", exact=True).fill(why)
    page.get_by_label("Support for the carers and the children", exact=True).fill(support)
    page.get_by_label("Family time and contact arrangements", exact=True).fill(family_time)


def _start_the_placement(page):
    """From the offer's page: the placement starts today, short-term (the move answered for a
    child already placed), checked for accessibility on the way."""
    page.get_by_role("button", name="Start the placement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Start the placement")
    _fill_date(page, "Date the placement starts", date.today())
    _radio(page, "Type of care", "Short-term")
    _answer_the_move(page)
    assert_accessible(page)
    _button(page, "Start the placement").click()
    expect(_success(page)).to_be_visible()


def _household_free_places(page, reference):
    """The household's free places as the vacancy list (Households) shows them."""
    page.goto("/households/?" + urlencode({"q": reference}))
    rows = page.locator("main tbody tr")
    expect(rows).to_have_count(1)
    cell = rows.get_by_text(re.compile(r"^\d+ of \d+$"))
    return int(cell.inner_text().split(" of ")[0])


def test_an_in_house_search_runs_to_a_signed_matching_form_and_a_placement(open_page):
    referral, worker, manager = _to_searching(open_page)
    duty = open_page(FOSTERING_DUTY_WORKER)

    # The duty worker opens the search from the referral's page.
    duty.goto(referral.path)
    duty.get_by_role("link", name="See the council's carers ranked for this referral").click()
    expect(duty.get_by_role("heading", level=1)).to_have_text("In-house search")
    assert_accessible(duty)
    available = duty.locator("#available ~ .govuk-summary-card")
    expect(available.first).to_be_visible()
    expect(available.first.locator("h3")).to_have_text(re.compile(r"^1\. .+ \([\w-]+\)\s*$"))
    expect(available.first).to_contain_text("Why it fits")
    expect(available.first).to_contain_text("Concerns")
    expect(duty.locator("main")).to_contain_text("Distances are measured from")
    expect(duty.get_by_role("heading", name="Not suitable")).to_be_visible()

    # The second-best household does not answer; the best one offers a home.
    contacts = duty.get_by_role("button", name=re.compile(r"^Record a contact with "))
    if contacts.count() > 1:
        second = _household_of(contacts.nth(1))
        contacts.nth(1).click()
        expect(duty.get_by_role("heading", level=1)).to_have_text(f"Record a contact with {second}")
        # Why carers decline is asked only of carers who decline.
        why = duty.get_by_role("group", name="Why do they decline?")
        expect(why).to_be_hidden()
        _radio(duty, "What did the carers say?", "They decline")
        expect(why).to_be_visible()
        _radio(duty, "What did the carers say?", "No answer")
        expect(why).to_be_hidden()
        _button(duty, "Record the contact").click()
        expect(_success(duty)).to_contain_text(f"The contact with {second} is recorded")
    first = duty.get_by_role("button", name=re.compile(r"^Record a contact with ")).first
    carers = _household_of(first)
    first.click()
    assert_accessible(duty)
    _radio(duty, "What did the carers say?", "They offer a home")
    duty.get_by_label("What was said").fill("They can meet the social worker on Thursday.")
    _button(duty, "Record the contact").click()
    expect(_success(duty)).to_contain_text(f"{carers}'s offer is recorded")
    expect(duty.get_by_role("heading", level=1)).to_have_text(f"Offer from {carers}")
    offer_path = duty.url
    assert_accessible(duty)

    # The social workers and IROs of children already living there are asked; the duty worker
    # records the answers they gave by phone.
    while duty.get_by_role("link", name=re.compile(r"^Record the answer")).count():
        duty.get_by_role("link", name=re.compile(r"^Record the answer")).first.click()
        expect(duty.get_by_role("heading", level=1)).to_have_text("Any concerns about this move?")
        _radio(duty, "Are there concerns about these children joining the household?", "No")
        duty.get_by_label("The answer").fill("Settled and would welcome a younger child.")
        duty.get_by_label("Who gave this answer, and how").fill("The child's worker, by phone")
        _button(duty, "Send the answer").click()
        expect(_success(duty)).to_be_visible()
        duty.goto(offer_path)

    # The child's social worker finds the offer in their tray, talks to the carers and agrees.
    row = _tray_row(worker, referral)
    expect(row.filter(has_text="Carers offer a home")).to_have_count(1)
    worker.goto(offer_path)
    expect(worker.locator("main")).to_contain_text("The carers")
    _button(worker, "Record your conversation with the carers").click()
    worker.get_by_label("Your conversation with the carers").fill(
        "Met them at home: they have fostered school-age children for years and know the school."
    )
    _button(worker, "Save the conversation").click()
    expect(_success(worker)).to_be_visible()
    _button(worker, "Agree or decline the offer").click()
    _radio(worker, "Do you agree to this home for the children?", "Yes, I agree")
    _button(worker, "Save your decision").click()
    expect(_success(worker)).to_be_visible()
    expect(worker.locator("main")).to_contain_text("Agreed by the social worker")
    # An agreed offer may still be declined: the page asks only why, under a warning button.
    _button(worker, "Decline the offer").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text("Decline the offer")
    expect(worker.get_by_role("radio")).to_have_count(0)
    expect(_button(worker, "Decline the offer")).to_have_class(re.compile("govuk-button--warning"))
    assert_accessible(worker)
    worker.get_by_role("link", name="Cancel").click()
    expect(worker.get_by_role("heading", level=1)).to_have_text(f"Offer from {carers}")

    # The duty worker prepares the matching form: each need met, or a gap with its support.
    duty.goto(offer_path)
    _button(duty, "Prepare the matching form").click()
    expect(duty.get_by_role("heading", level=1)).to_have_text("The matching form")
    _fill_matching_form(
        duty,
        why="Experienced carers near the school.",
        support="Fortnightly supervising social worker visits for the first three months.",
        family_time="Family time with dad monthly at the contact centre; the carers drive.",
    )
    assert_accessible(duty)
    _button(duty, "Save and send for sign-off").click()
    expect(_success(duty)).to_be_visible()

    # The team manager signs it off from their tray: the referral is matched.
    _open_sign_off = _tray_row(manager, referral).filter(has_text="Sign off the matching form")
    expect(_open_sign_off).to_have_count(1)
    manager.goto(offer_path)
    _button(manager, "Sign off the matching form").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text("Sign off the matching form")
    assert_accessible(manager)
    manager.get_by_label("Your comment").fill("A good match; training booked before the move.")
    _button(manager, "Sign off the match").click()
    expect(_success(manager)).to_contain_text("The matching form is signed off")
    expect(_status_tag(manager)).to_have_text("Matched: placement being arranged")
    history = manager.get_by_role("table", name=f"Every step of referral {referral.number}, "
                                  "oldest first").locator("tbody")  # fmt: skip
    expect(history).to_contain_text(carers)
    expect(history).to_contain_text("Matched: placement being arranged")
    assert_accessible(manager)
    expect(_tray_row(manager, referral)).to_have_count(0)

    # The match becomes a placement with no cost approval: the placements officer starts it.
    placements = open_page(PLACEMENTS_OFFICER)
    placements.goto(offer_path)
    household = placements.locator(".govuk-summary-list__row").filter(
        has=placements.locator("dt", has_text=re.compile(r"^Household$"))
    )
    reference = re.search(r"\(([^)]+)\)\s*$", household.locator("dd").first.inner_text()).group(1)
    free_before = _household_free_places(placements, reference)
    placements.goto(offer_path)
    expect(placements.locator("main")).not_to_contain_text("Approve the weekly cost")
    _start_the_placement(placements)
    placements.goto(referral.path)
    expect(_status_tag(placements)).to_have_text("Placed")
    expect(placements.locator("main")).to_contain_text("Placements made")
    assert _household_free_places(placements, reference) == free_before - 1
