"""Shared personas: people of each role in two councils (Wigan and Trafford) and in an agency."""

import pytest

from hearth.accounts.roles import Role
from tests.factories import AgencyFactory, AuthorityFactory, ChildFactory, HouseholdFactory, member

pytest_plugins = [
    "tests.fixtures.outreach",
    "tests.fixtures.portal",
    "tests.fixtures.placements",
    "tests.fixtures.stability",
    "tests.fixtures.fostering_recruitment",
    "tests.fixtures.fostering_panel",
    "tests.fixtures.fostering_support",
    "tests.fixtures.fostering_plans",
    "tests.fixtures.fostering_report",
    "tests.fixtures.ssda903",
    "tests.fixtures.ssda903_quality",
    "tests.fixtures.ssda903_recording",
    "tests.fixtures.ssda903_indicators",
    "tests.fixtures.insight",
    "tests.fixtures.sufficiency",
    "tests.fixtures.dashboards",
]


@pytest.fixture(autouse=True)
def agency_staff_without_a_second_factor(settings):
    """Most tests are not about the second factor: agencies' staff go straight in, as in a demo.
    tests/accounts/test_sign_in.py turns it back on to test it."""
    settings.AGENCY_TWO_FACTOR = False


@pytest.fixture
def wigan(db):
    return AuthorityFactory(name="Wigan Council", ons_code="E08000010")


@pytest.fixture
def trafford(db):
    return AuthorityFactory(name="Trafford Council", ons_code="E08000009")


@pytest.fixture
def agency(db):
    return AgencyFactory(name="Northern Fostering", ofsted_urn="SC123456")


@pytest.fixture
def social_worker(wigan):
    return member(
        wigan, Role.SOCIAL_WORKER, username="sw.wigan", first_name="Sam", last_name="Jones"
    )


@pytest.fixture
def team_manager(wigan):
    return member(wigan, Role.TEAM_MANAGER, username="tm.wigan")


@pytest.fixture
def supervising_social_worker(wigan):
    return member(wigan, Role.SUPERVISING_SOCIAL_WORKER, username="ssw.wigan")


@pytest.fixture
def agency_decision_maker(wigan):
    return member(wigan, Role.AGENCY_DECISION_MAKER, username="adm.wigan", first_name="Alex")


@pytest.fixture
def fostering_duty_worker(wigan):
    return member(wigan, Role.FOSTERING_DUTY_WORKER, username="duty.wigan", first_name="Dee")


@pytest.fixture
def admin(wigan):
    return member(wigan, Role.SYSTEM_ADMINISTRATOR, username="admin.wigan")


@pytest.fixture
def region_analyst(wigan):
    return member(wigan, Role.REGION_ANALYST, username="analyst.wigan")


@pytest.fixture
def outsider(trafford):
    """A social worker of another council: must never see Wigan's records."""
    return member(trafford, Role.SOCIAL_WORKER, username="sw.trafford")


@pytest.fixture
def outsider_admin(trafford):
    return member(trafford, Role.SYSTEM_ADMINISTRATOR, username="admin.trafford")


@pytest.fixture
def agency_user(agency):
    return member(agency, Role.AGENCY_USER, username="agency.user")


@pytest.fixture
def child(wigan, social_worker):
    return ChildFactory(authority=wigan, social_worker=social_worker)


@pytest.fixture
def household(wigan, supervising_social_worker):
    return HouseholdFactory(provider=wigan, supervising_social_worker=supervising_social_worker)


@pytest.fixture
def agency_household(agency, agency_user):
    return HouseholdFactory(provider=agency, postcode="M1 1AE")


@pytest.fixture
def outsider_ssw(trafford):
    """A supervising social worker of another council."""
    return member(trafford, Role.SUPERVISING_SOCIAL_WORKER, username="ssw.trafford")


@pytest.fixture
def service_lead(wigan):
    return member(wigan, Role.SERVICE_LEAD, username="sl.wigan")


@pytest.fixture
def placements_officer(wigan):
    return member(wigan, Role.PLACEMENTS_OFFICER, username="po.wigan")


@pytest.fixture
def iro(wigan):
    return member(wigan, Role.IRO, username="iro.wigan")


@pytest.fixture
def virtual_school(wigan):
    return member(wigan, Role.VIRTUAL_SCHOOL, username="vs.wigan")


@pytest.fixture
def referral(child):
    """A complete draft referral for the Wigan child, by their social worker."""
    from tests.factories import make_referral

    return make_referral(child)


@pytest.fixture
def child_team(wigan, team_manager, child):
    """Children in Care Team North, managed by the team manager, with the Wigan child in it: the team
    manager is the first to review the child's referrals."""
    from tests.factories import TeamFactory

    team = TeamFactory(organisation=wigan, name="Children in Care Team North", manager=team_manager)
    child.team = team
    child.save()
    return team


@pytest.fixture
def draft(child, child_team):
    """A complete draft referral for the Wigan child in their team (the `referral` above has no
    team, so no team manager to send it to)."""
    from tests.factories import make_referral

    return make_referral(child)


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free loopback port. `.messages` holds what it received
    (`peer`, `to`, `message`); addresses in `.refuse` are refused; `.stop()` takes it down."""
    import socket
    from email import message_from_bytes

    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages, self.refuse, self.running = [], set(), True

        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address in self.refuse:
                return "550 No such mailbox here"
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            self.messages.append(
                {
                    "peer": session.peer,
                    "to": list(envelope.rcpt_tos),
                    "message": message_from_bytes(envelope.content),
                }
            )
            return "250 Message accepted for delivery"

        def stop(self):
            if self.running:
                controller.stop()
                self.running = False

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    inbox.port = port
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox
    inbox.stop()
