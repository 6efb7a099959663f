"""axe-core finds no WCAG 2.2 AA or best-practice violations on Hearth's screens."""

import pytest

from tests.browser.axe import assert_accessible
from tests.browser.personas import ADMINISTRATOR, SOCIAL_WORKER, SUPERVISING_SOCIAL_WORKER

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# (persona, path); `{child}`, `{household}` and `{provider}` are records found through the lists.
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
}


def _path(template, records):
    child_pk = records["child"].strip("/").split("/")[-1]
    return template.format(**records, child_pk=child_pk)


@pytest.mark.parametrize("screen", SCREENS)
def test_screen_has_no_accessibility_violations(screen, open_page, records):
    persona, template = SCREENS[screen]
    page = open_page(persona)
    response = page.goto(_path(template, records))
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
