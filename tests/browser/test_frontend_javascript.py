"""GOV.UK Frontend's JavaScript runs under Hearth's Content Security Policy (script-src 'self')."""

import pytest
from playwright.sync_api import expect

from tests.browser.personas import SOCIAL_WORKER, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

# Recorded from the start of every document; an init script is not subject to the page's CSP.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI}`);
});
"""


def _is_error(message):
    # Chromium itself sometimes asks for /favicon.ico, which Hearth does not serve; the pages name
    # their icon under /static/, so that 404 is the browser's, not the page's.
    return message.type == "error" and not message.location["url"].endswith("/favicon.ico")


def test_pages_run_govuk_frontend_without_console_errors_or_csp_violations(
    open_page, records, demo_password
):
    page = open_page(bypass_csp=False)
    page.add_init_script(RECORD_CSP_VIOLATIONS)
    problems = []
    page.on("console", lambda m: _is_error(m) and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))

    def check_page():
        # Half a second with nothing in flight can take longer than the usual step timeout on a
        # busy two-core machine: the wait is for quiet, not a measure of speed.
        page.wait_for_load_state("networkidle", timeout=30_000)
        supported = page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
        assert supported, f"GOV.UK Frontend did not start on {page.url}"
        problems.extend(f"{page.url}: CSP {v}" for v in page.evaluate("window.cspViolations"))

    page.goto("/accounts/login/")
    check_page()
    sign_in(page, SOCIAL_WORKER, demo_password)
    check_page()
    for path in ("/children/", records["child"], f"{records['child']}change/"):
        assert page.goto(path).status == 200, path
        check_page()
    page.get_by_label("Year").fill("2999")
    page.get_by_role("button", name="Save").click()
    check_page()
    # GOV.UK Frontend's error summary module moves the focus to the summary.
    expect(page.locator(".govuk-error-summary")).to_be_focused()
    assert not problems, "\n".join(problems)
