"""An agency user sees only the referrals sent to their agency, and nothing of a council's: every
URL of Hearth is asked for as an agency user, with the records the URL coverage test uses (a Wigan
child, referral, household, offer...), and every one answers 404 unless it is the agency's own page
(the portal, its own households, its own record in the provider directory)."""

import pytest
from django.urls import get_resolver

from tests.web import test_url_coverage as coverage

# The coverage test's own fixtures (the records its URLs name), usable here too.
globals().update(
    {
        name: value
        for name, value in vars(coverage).items()
        if type(value).__name__ == "FixtureFunctionDefinition"
        or hasattr(value, "_pytestfixturefunction")
    }
)

# Pages without a record that an agency's staff use: their home page, their own households and the
# shared provider directory, their password, and their work tray (a council's items never land in it).
AGENCY_PAGES = {"home", "households", "household_add", "providers", "password_change", "work_tray"}
# Records that are the agency's own: a URL about one of them is the agency's business.
AGENCY_RECORDS = {
    "agency",
    "agency_household",
    "portal_household",
    "portal_request",
    "portal_offer",
}


def _theirs(name, check):
    """Whether the URL is the agency's own business: the coverage table names the agency user as
    the person allowed it, or it is one of the agency's pages, or about the agency's own records."""
    if check.allowed == "agency_user" or name in AGENCY_PAGES:
        return True
    records = {check.record, check.list_of, *check.records_after} - {None}
    return bool(records) and records <= AGENCY_RECORDS


COUNCIL_URLS = sorted(name for name, check in coverage.ACCESS.items() if not _theirs(name, check))


def test_every_council_url_is_walked():
    names = set(coverage._names(get_resolver().url_patterns)) - coverage.PUBLIC
    walked = set(COUNCIL_URLS) | {n for n, c in coverage.ACCESS.items() if _theirs(n, c)}
    assert names <= walked
    assert {"child", "referral", "offer", "tracker", "api:referral_list"} <= set(COUNCIL_URLS)


@pytest.mark.parametrize("name", COUNCIL_URLS)
def test_an_agency_user_gets_not_found_everywhere_else(name, db, client, request, agency_user):
    check = coverage.ACCESS[name]
    if check.list_of:
        listed = request.getfixturevalue(check.list_of)
    response = coverage._get(client, request, "agency_user", name, check)
    if check.list_of:
        # A list the agency may call answers with none of the council's records in it.
        assert response.status_code in (200, 404), response.status_code
        if response.status_code == 200:
            assert listed.pk not in [item["id"] for item in response.json()["items"]]
        return
    assert response.status_code == 404, (name, response.status_code)
