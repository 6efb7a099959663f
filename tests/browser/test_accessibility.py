"""axe-core finds no WCAG 2.2 AA or best-practice violations on Hearth's screens."""

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.personas import (
    ADMINISTRATOR,
    PLACEMENTS_OFFICER,
    SOCIAL_WORKER,
    SUPERVISING_SOCIAL_WORKER,
    TEAM_MANAGER,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# (persona, path); `{child}`, `{household}` and `{provider}` are records found through the lists,
# `{referral}` a draft referral found through the social worker's work tray.
SCREENS = {
    "sign_in": (None, "/accounts/login/"),
    "home_social_worker": (SOCIAL_WORKER, "/"),
    "home_supervising_social_worker": (SUPERVISING_SOCIAL_WORKER, "/"),
    "home_administrator": (ADMINISTRATOR, "/"),
    "children": (SOCIAL_WORKER, "/children/"),
    "child_record": (SOCIAL_WORKER, "{child}"),
    "child_change": (SOCIAL_WORKER, "{child}change/"),
    "households": (SUPERVISING_SOCIAL_WORKER, "/households/"),
    "household_record": (SUPERVISING_SOCIAL_WORKER, "{household}"),
    "household_change": (SUPERVISING_SOCIAL_WORKER, "{household}change/"),
    "providers": (SUPERVISING_SOCIAL_WORKER, "/providers/"),
    "provider_record": (SUPERVISING_SOCIAL_WORKER, "{provider}"),
    "provider_contract": (ADMINISTRATOR, "{provider}contract/"),
    "password_change": (SOCIAL_WORKER, "/accounts/password/"),
    "administration": (ADMINISTRATOR, "/manage/"),
    "people": (ADMINISTRATOR, "/manage/people/"),
    "person_add": (ADMINISTRATOR, "/manage/people/new/"),
    "person_change": (ADMINISTRATOR, "{person}"),
    "teams": (ADMINISTRATOR, "/manage/teams/"),
    "policy": (ADMINISTRATOR, "/manage/policy/"),
    "policy_history": (ADMINISTRATOR, "/manage/policy/history/"),
    # Administrators may not open children's records, so the link is built from the child's id.
    "access_log": (ADMINISTRATOR, "/manage/access-log/child/{child_pk}/"),
    "page_not_found": (SOCIAL_WORKER, "/no-such-page/"),
    "work_tray": (TEAM_MANAGER, "/work-tray/"),
    "work_tray_team": (TEAM_MANAGER, "/work-tray/?view=team"),
    "tracker": (PLACEMENTS_OFFICER, "/tracker/"),
    "emergency_rota": (PLACEMENTS_OFFICER, "/emergency-rota/"),
    "referral_new": (SOCIAL_WORKER, "/referrals/new/?child={child_pk}"),
    "referral": (SOCIAL_WORKER, "{referral}"),
    "referral_section": (SOCIAL_WORKER, "{referral}sections/education/"),
    "referral_action": (SOCIAL_WORKER, "{referral}actions/submit/"),
    "referral_chronology": (SOCIAL_WORKER, "{referral}chronology/"),
}


@pytest.fixture(scope="module")
def referral_records(browser, server, sign_ins):
    """The path of a draft referral, reached as its social worker reaches it: from the work tray."""
    context = browser.new_context(base_url=server, storage_state=sign_ins(SOCIAL_WORKER))
    page = context.new_page()
    page.goto("/work-tray/")
    draft = page.locator("main tbody tr").filter(has_text="Finish the referral").first
    path = draft.get_by_role("link").get_attribute("href")
    context.close()
    return {"referral": path}


def _path(template, records):
    child_pk = records["child"].strip("/").split("/")[-1]
    return template.format(**records, child_pk=child_pk)


@pytest.mark.parametrize("screen", SCREENS)
def test_screen_has_no_accessibility_violations(screen, open_page, records, referral_records):
    persona, template = SCREENS[screen]
    page = open_page(persona)
    response = page.goto(_path(template, {**records, **referral_records}))
    expected_status = 404 if screen == "page_not_found" else 200
    assert response.status == expected_status, f"{screen}: {response.status} at {page.url}"
    assert_accessible(page)


def test_sign_in_with_errors_has_no_accessibility_violations(open_page):
    page = open_page()
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(SOCIAL_WORKER)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)


def test_child_change_with_errors_has_no_accessibility_violations(open_page, records):
    page = open_page(SOCIAL_WORKER)
    page.goto(f"{records['child']}change/")
    page.get_by_label("Year").fill("2999")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("There is a problem").wait_for()
    assert_accessible(page)
