"""The demo users the browser tests act as (seeded by `hearth demo`), and signing in as one."""

SOCIAL_WORKER = "wigan.social_worker"
SUPERVISING_SOCIAL_WORKER = "wigan.supervising_social_worker"
TEAM_MANAGER = "wigan.team_manager"
SERVICE_LEAD = "wigan.service_lead"
PLACEMENTS_OFFICER = "wigan.placements_officer"
FOSTERING_DUTY_WORKER = "wigan.fostering_duty_worker"
FOSTERING_TEAM_MANAGER = "wigan.fostering_team_manager"
AGENCY_DECISION_MAKER = "wigan.agency_decision_maker"
ADMINISTRATOR = "wigan.system_administrator"
OUTSIDER = "trafford.social_worker"


def sign_in(page, username, password):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


SENIOR_MANAGER = "wigan.senior_manager"
HEAD_OF_SERVICE = "wigan.head_of_service"


def agency_user(agency_name):
    """The demo agency user of an agency, by the agency's name (`hearth demo` names them so)."""
    from django.utils.text import slugify

    return f"{slugify(agency_name)}.agency_user"
