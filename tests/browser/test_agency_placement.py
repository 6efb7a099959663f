"""An agency search as its people use it, on the demo council: a referral walked to an open
search is sent to an agency in contract; the agency, on its portal, sees the referral minimised and
offers a home; the social worker agrees; the matching form is signed off; the head of service
approves the weekly cost (a senior manager, below the tier, cannot); the placements officer issues
the IPA, which the agency downloads from the portal; the placement starts, the referral closes and
the agency's free places go down by one.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests.browser.axe import assert_accessible
from tests.browser.personas import (
    HEAD_OF_SERVICE,
    PLACEMENTS_OFFICER,
    SENIOR_MANAGER,
    agency_user,
)
from tests.browser.test_in_house_search import (
    _button,
    _fill_matching_form,
    _radio,
    _start_the_placement,
    _to_searching,
)
from tests.browser.test_referral_walk import _fill_date, _status_tag, _success, _tray_row

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

WEEKLY_COST = "4500.00"  # £4,000 to under £7,000: the head of service approves


def _free_places(page, provider_path):
    page.goto(provider_path)
    row = page.locator(".govuk-summary-list__row").filter(has_text="Free places now")
    return int(row.locator("dd").inner_text())


def _an_agency_in_contract_with_a_free_place(page):
    """(name, provider page) of the first agency listed in contract with a free place."""
    rows = page.locator("main form[method=post] tbody tr")
    for number in range(rows.count()):
        row = rows.nth(number)
        cells = row.locator("td")
        if "In contract" not in row.inner_text():
            continue
        if int(cells.nth(6).inner_text().strip() or 0) < 1:
            continue
        link = cells.nth(1).get_by_role("link").first
        return link.inner_text().strip(), link.get_attribute("href")
    raise AssertionError("no agency in contract with a free place in the demo data")


def _pdf_downloaded(page, link):
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    return download.value.suggested_filename


def test_an_agency_offer_made_on_the_portal_becomes_a_placement(open_page):
    referral, worker, manager = _to_searching(open_page)
    placements = open_page(PLACEMENTS_OFFICER)

    # The placements officer sends the referral to an agency in contract.
    placements.goto(referral.path)
    placements.locator("#agency-search").get_by_role("link", name="Send to providers").click()
    expect(placements.get_by_role("heading", level=1)).to_have_text("Agency search")
    assert_accessible(placements)
    agency_name, provider_path = _an_agency_in_contract_with_a_free_place(placements)
    placements.get_by_label(f"Send to {agency_name}", exact=True).check()
    placements.get_by_role("button", name="Send the referral").click()
    expect(_success(placements)).to_be_visible()
    free_before = _free_places(placements, provider_path)

    # The agency finds it on its portal, minimised: no name, no school, no address.
    agency = open_page(agency_user(agency_name))
    agency.goto("/portal/")
    expect(agency.get_by_role("heading", level=1)).to_have_text("Referrals sent to your agency")
    assert_accessible(agency)
    agency.locator("main tbody").get_by_role("link", name=re.compile(r"^Request \d+")).first.click()
    request_path = agency.url
    expect(agency.locator("main")).to_contain_text("Wigan Council")
    first_name, last_name = referral.child.split(" ", 1)
    expect(agency.locator("main")).not_to_contain_text(last_name)
    assert_accessible(agency)

    # The agency offers one of its homes, with its terms.
    agency.get_by_role("button", name="Offer a home").click()
    expect(agency.get_by_role("heading", level=1)).to_contain_text("Offer")
    agency.get_by_label("Which carers offer a home?").select_option(index=1)
    carers = agency.get_by_label("Which carers offer a home?").locator("option:checked")
    household = re.sub(r" \([^)]*\)$", "", carers.inner_text())
    _fill_date(agency, "When can the carers take the children?", date.today())
    agency.get_by_label("Weekly cost, in pounds").fill(WEEKLY_COST)
    agency.get_by_label("What the weekly cost covers").fill(
        "Carers' fee and allowance, supervising social worker, 24-hour support line."
    )
    agency.get_by_label("The carers' profile").fill(
        "Ten years fostering school-age children; trained in therapeutic parenting."
    )
    agency.get_by_label("Ofsted details").fill("Good, inspected March 2026.")
    agency.get_by_label("References").fill("The local authority that placed with them last.")
    assert_accessible(agency)
    _button(agency, "Make the offer").click()
    expect(_success(agency)).to_be_visible()

    # The social worker finds the offer in their tray, talks to the carers and agrees.
    expect(_tray_row(worker, referral).filter(has_text="Carers offer a home")).to_have_count(1)
    worker.goto(referral.path)
    worker.get_by_role("link", name=household).first.click()
    offer_path = worker.url
    expect(worker.locator("main")).to_contain_text("The agency's terms")
    expect(worker.locator("main")).to_contain_text("£4,500.00")
    assert_accessible(worker)
    _button(worker, "Record your conversation with the carers").click()
    worker.get_by_label("Your conversation with the carers").fill(
        "Spoke with the carers and their supervising social worker: they know the school."
    )
    _button(worker, "Save the conversation").click()
    _button(worker, "Agree or decline the offer").click()
    _radio(worker, "Do you agree to this home for the children?", "Yes, I agree")
    _button(worker, "Save your decision").click()
    expect(_success(worker)).to_be_visible()

    # The placements officer completes the Matching and Approval Form; the team manager signs it.
    placements.goto(offer_path)
    _button(placements, "Prepare the matching form").click()
    expect(placements.locator("main")).to_contain_text("Cost, Ofsted details and references")
    _fill_matching_form(
        placements,
        why="Experienced carers near school.",
        support="The agency's supervising social worker weekly for the first month.",
        family_time="Family time with dad monthly; the carers drive.",
    )
    _button(placements, "Save and send for sign-off").click()
    expect(_success(placements)).to_be_visible()
    manager.goto(offer_path)
    _button(manager, "Sign off the matching form").click()
    manager.get_by_label("Your comment").fill("A good match.")
    _button(manager, "Sign off the match").click()
    expect(_success(manager)).to_contain_text("The matching form is signed off")

    # The weekly cost goes to the head of service's tier: a senior manager cannot approve it.
    senior = open_page(SENIOR_MANAGER)
    senior.goto(offer_path)
    senior.get_by_role("link", name="See the cost approval").click()
    expect(senior.get_by_role("heading", level=1)).to_have_text("Approve the weekly cost")
    expect(senior.locator("main form")).to_have_count(0)
    expect(senior.locator("main .govuk-inset-text")).to_contain_text("head of service")
    head = open_page(HEAD_OF_SERVICE)
    expect(_tray_row(head, referral).filter(has_text="Approve the weekly cost")).to_have_count(1)
    head.goto(offer_path)
    head.get_by_role("link", name="Decide the weekly cost").click()
    assert_accessible(head)
    _radio(head, "Do you approve the weekly cost?", "Yes, approve it")
    head.get_by_label("Conditions of the approval").fill("Review the cost after three months.")
    _button(head, "Save your decision").click()
    expect(_success(head)).to_be_visible()

    # The placements officer issues the IPA and downloads it; the agency downloads it too.
    placements.goto(offer_path)
    placements.get_by_role("link", name="Issue the placement agreement").click()
    assert_accessible(placements)
    _button(placements, "Issue the placement agreement").click()
    expect(_success(placements)).to_be_visible()
    placements.goto(offer_path)
    pdf = placements.get_by_role("link", name="Download the agreement (PDF)")
    assert _pdf_downloaded(placements, pdf).endswith(".pdf")
    agency.goto(request_path)
    expect(agency.locator("main")).to_contain_text(first_name)  # matched: first names shown
    pdf = agency.get_by_role("link", name=re.compile(r"^Download the agreement .+ \(PDF\)$"))
    assert _pdf_downloaded(agency, pdf).endswith(".pdf")

    # The placement starts: the referral closes and the agency has one free place fewer.
    placements.goto(offer_path)
    _start_the_placement(placements)
    placements.goto(referral.path)
    expect(_status_tag(placements)).to_have_text("Placed")
    assert _free_places(placements, provider_path) == free_before - 1
