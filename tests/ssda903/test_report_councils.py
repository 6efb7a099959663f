"""The council a report page is about (`hearth.web.views._report_common`): a council the person may
not read is an audited 404 on every page, never another council's figures in its place, and the
lists shown are audited under the council whose children they name."""

from datetime import UTC, datetime

import pytest
import time_machine

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.ssda903.models import QualityRun
from tests.factories import ChildFactory, member

pytestmark = pytest.mark.django_db

PAGES = {
    "timeliness": "/reports/timeliness/",
    "ofsted": "/reports/ofsted-fostering/",
    "quality": "/reports/data-quality/",
    "indicators": "/reports/stability-indicators/",
}


@pytest.fixture(autouse=True)
def in_2026():
    with time_machine.travel("2026-01-15 10:00 +00:00", tick=False):
        yield


def _denied():
    return AuditEvent.objects.filter(action=AuditEvent.Action.DENIED, record_type="report")


@pytest.mark.parametrize("page", PAGES)
def test_another_councils_code_is_an_audited_404(client, wigan, trafford, page):
    reader = member(wigan, Role.SENIOR_MANAGER, username="sm.wigan")
    client.force_login(reader)

    response = client.get(PAGES[page], {"council": trafford.ons_code})

    assert response.status_code == 404
    denied = _denied().get()
    assert denied.record_id == trafford.ons_code  # the code asked for: no lookup outside the walls
    assert denied.username == "sm.wigan"


@pytest.mark.parametrize("page", PAGES)
def test_an_unknown_code_is_an_audited_404(client, wigan, page):
    client.force_login(member(wigan, Role.SENIOR_MANAGER, username="sm.wigan"))

    assert client.get(PAGES[page], {"council": "E99999999"}).status_code == 404
    assert _denied().get().record_id == "E99999999"


@pytest.mark.parametrize("page", ["timeliness", "ofsted"])
def test_someone_who_reads_neither_council_page_gets_an_audited_404(client, social_worker, page):
    client.force_login(social_worker)

    assert client.get(PAGES[page]).status_code == 404
    assert _denied().count() == 1


def test_a_council_of_theirs_they_may_not_read_is_not_replaced_by_another(client, wigan, trafford):
    """Figure reader in Wigan, social worker in Trafford: Trafford's timeliness is not Wigan's."""
    person = member(wigan, Role.SENIOR_MANAGER, username="both")
    Membership.objects.create(user=person, organisation=trafford, role=Role.SOCIAL_WORKER)
    client.force_login(person)

    assert client.get(PAGES["timeliness"], {"council": trafford.ons_code}).status_code == 404
    assert client.get(PAGES["timeliness"], {"council": wigan.ons_code}).status_code == 200
    assert _denied().count() == 1


def test_the_list_shown_is_audited_under_the_council_listed(client, wigan, trafford):
    person = member(wigan, Role.SENIOR_MANAGER, username="both")
    Membership.objects.create(user=person, organisation=trafford, role=Role.SENIOR_MANAGER)
    child = ChildFactory(authority=trafford, reference="T-1")
    QualityRun.objects.create(
        authority=trafford, year=2025, ruleset="lac2025_26",
        run_at=datetime(2026, 1, 14, 2, 0, tzinfo=UTC),
        failures=[{"child": child.pk, "reference": "T-1", "table": "Header", "row": 0,
                   "rule": "103", "message": "Ethnicity", "fields": ["ETHNIC"],
                   "source": "dfe"}],
    )  # fmt: skip
    client.force_login(person)

    response = client.get(PAGES["quality"], {"council": trafford.ons_code})

    assert response.status_code == 200
    shown = AuditEvent.objects.get(action=AuditEvent.Action.LIST, record_type="child")
    assert shown.organisation_id == trafford.pk


def test_the_refusal_page_is_shared(client, placements_officer, social_worker):
    client.force_login(placements_officer)
    quality = client.get(PAGES["quality"])
    client.force_login(social_worker)
    indicators = client.get(PAGES["indicators"])

    assert quality.status_code == indicators.status_code == 403
    assert [t.name for t in quality.templates][0] == "reports/not_allowed.html"
    assert [t.name for t in indicators.templates][0] == "reports/not_allowed.html"
    assert "You cannot see the placement stability indicators" in indicators.content.decode()
