"""What a user notices end to end: signing in and out, other councils' records, changing a child."""

import re
import secrets

import pytest
from playwright.sync_api import expect

from tests.browser.personas import OUTSIDER, SOCIAL_WORKER, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

FUTURE_YEAR = "2999"


def test_wrong_password_shows_the_error_summary_linking_to_the_field(open_page):
    page = open_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(SOCIAL_WORKER)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct username and password")
    expect(page).to_have_title(re.compile(r"^Error: "))
    link = summary.locator("a[href='#id_username'], a[href='#id_password']")
    expect(link, "the error summary should link to the username or password field").to_have_count(1)
    link.click()
    field_id = link.get_attribute("href").removeprefix("#")
    expect(page.locator(f"#{field_id}")).to_be_focused()


def test_a_trafford_user_sees_page_not_found_for_a_wigan_child(open_page, records):
    page = open_page(OUTSIDER)
    response = page.goto(records["child"])
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Child looked after")


def _record_value(page, key):
    row = page.locator(".govuk-summary-list__row").filter(has=page.locator("dt", has_text=key))
    return row.locator("dd").first.inner_text()


def test_a_future_date_of_birth_is_shown_next_to_the_field_and_nothing_is_saved(open_page, records):
    page = open_page(SOCIAL_WORKER)
    page.goto(records["child"])
    born_before = _record_value(page, "Date of birth")
    page.get_by_role("button", name="Change record").click()
    page.get_by_label("Preferred name").fill("Should-not-be-saved")
    page.get_by_label("Year").fill(FUTURE_YEAR)
    page.get_by_role("button", name="Save").click()

    error = page.locator("#id_date_of_birth-error")
    expect(error).to_have_text("Error: Date of birth must be today or in the past")
    group = page.locator(".govuk-form-group--error").filter(has=page.locator("#id_date_of_birth"))
    expect(group).to_contain_text("Date of birth must be today or in the past")
    expect(page.locator("fieldset", has=page.locator("#id_date_of_birth"))).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_date_of_birth-error\b")
    )
    summary_link = page.locator(".govuk-error-summary a[href='#id_date_of_birth']")
    expect(summary_link).to_have_text("Date of birth must be today or in the past")

    page.goto(records["child"])
    assert _record_value(page, "Date of birth") == born_before
    expect(page.locator("main")).not_to_contain_text("Should-not-be-saved")


def test_a_valid_change_is_saved(open_page, records):
    page = open_page(SOCIAL_WORKER)
    page.goto(f"{records['child']}change/")
    preferred_name = f"Browser{secrets.randbelow(100_000)}"
    page.get_by_label("Preferred name").fill(preferred_name)
    page.get_by_role("button", name="Save").click()

    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Changes saved.")
    assert page.url.endswith(records["child"])
    assert _record_value(page, "Preferred name") == preferred_name


def test_signing_out_ends_the_session(open_page, demo_password):
    page = open_page()
    sign_in(page, SOCIAL_WORKER, demo_password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("You have signed out.")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/children/")
    assert "/accounts/login/" in page.url
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Hearth")
