"""Every URL Hearth serves is checked here twice: someone allowed gets the page, someone from another
organisation (or with the wrong role) gets 404 and the refusal is audited. A URL added without an
entry in ACCESS fails `test_every_url_has_an_allowed_and_a_denied_check`."""

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from hearth.accounts.services import token_create
from hearth.audit.models import AuditEvent

PUBLIC = {
    "login",
    "healthz",
    "logout",
    "two_factor_verify",
    "two_factor_setup",
    "api:openapi-json",
    "api:api-root",
}


def _names(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


@dataclass
class Check:
    allowed: str  # persona fixture name
    denied: str
    record: str | None = None  # fixture whose pk goes in the URL
    args: list = field(default_factory=list)
    audited_denial: bool = True  # record URLs log the refusal; pages without a record just 404
    api: bool = False  # called with the persona's bearer token
    query: dict = field(default_factory=dict)
    list_of: str | None = None  # an API list: the denied persona gets 200 without this record in it
    args_after: list = field(default_factory=list)  # path arguments that follow the record's pk
    records_after: list = field(default_factory=list)  # fixtures whose pks follow the record's pk
    record_in_query: str = ""  # the record's pk goes in this query parameter, not in the path
    method: str = "get"  # an API write: "post" or "patch", sending `body` as JSON
    body: Callable | None = None  # fixture getter -> the JSON body of an API write
    record_in_body: bool = False  # the record's pk goes in the body, not in the path
    status: int = 200  # what the allowed persona gets


ACCESS = {
    "home": Check("social_worker", "anonymous", audited_denial=False),
    "children": Check("social_worker", "agency_user", audited_denial=False),
    "child_add": Check("social_worker", "region_analyst", audited_denial=False),
    "child": Check("social_worker", "outsider", record="child"),
    "child_change": Check("social_worker", "outsider", record="child"),
    "child_searches": Check("social_worker", "outsider", record="child"),
    "referral_chronology": Check("social_worker", "outsider", record="referral"),
    "referral_add": Check(
        "social_worker", "outsider", record="child", record_in_query="child"
    ),
    "referral": Check("social_worker", "outsider", record="referral"),
    "referral_section": Check(
        "social_worker", "outsider", record="referral", args_after=["placement"]
    ),
    "referral_action": Check("social_worker", "outsider", record="referral", args_after=["submit"]),
    "in_house_search": Check("placements_officer", "outsider", record="searching_referral"),
    "search_contact": Check(
        "placements_officer", "outsider", record="searching_referral", records_after=["household"]
    ),
    "offer": Check(
        "social_worker", "outsider", record="searching_referral", records_after=["carer_offer"]
    ),
    "offer_conversation": Check(
        "social_worker", "outsider", record="searching_referral", records_after=["carer_offer"]
    ),
    "offer_decide": Check(
        "social_worker", "outsider", record="searching_referral", records_after=["carer_offer"]
    ),
    "offer_withdraw": Check(
        "placements_officer", "outsider", record="searching_referral",
        records_after=["carer_offer"],
    ),
    "consultation_answer": Check(
        "placements_officer", "outsider", record="searching_referral",
        records_after=["carer_offer", "consultation"],
    ),
    "matching_form": Check(
        "placements_officer", "outsider", record="searching_referral",
        records_after=["carer_offer"],
    ),
    "matching_sign_off": Check(
        "team_manager", "outsider", record="searching_referral", records_after=["carer_offer"]
    ),
    "split_propose": Check("placements_officer", "outsider", record="sibling_referral"),
    "split_agree": Check(
        "social_worker", "outsider", record="sibling_referral", records_after=["split"]
    ),
    "work_tray": Check("social_worker", "anonymous", audited_denial=False),
    "tracker": Check("placements_officer", "agency_user", audited_denial=False),
    "emergency_rota": Check("placements_officer", "agency_user", audited_denial=False),
    "households": Check("supervising_social_worker", "region_analyst", audited_denial=False),
    "household_add": Check("supervising_social_worker", "social_worker", audited_denial=False),
    "household": Check("supervising_social_worker", "outsider_ssw", record="household"),
    "household_change": Check("supervising_social_worker", "outsider_ssw", record="household"),
    "providers": Check("social_worker", "anonymous", audited_denial=False),
    "provider": Check("social_worker", "other_agency_user", record="agency"),
    "provider_contract": Check("admin", "social_worker", record="agency"),
    "provider_change": Check("agency_user", "other_agency_user", record="agency"),
    "manage": Check("admin", "social_worker", audited_denial=False),
    "manage_users": Check("admin", "social_worker", audited_denial=False),
    "manage_user_add": Check("admin", "social_worker", audited_denial=False),
    "manage_user": Check("admin", "outsider_admin", record="social_worker"),
    "manage_user_unlock": Check("admin", "outsider_admin", record="social_worker"),
    "manage_user_reset_second_factor": Check("admin", "outsider_admin", record="social_worker"),
    "password_change": Check("social_worker", "anonymous", audited_denial=False),
    "manage_teams": Check("admin", "social_worker", audited_denial=False),
    "manage_team_add": Check("admin", "social_worker", audited_denial=False),
    "manage_team": Check("admin", "outsider_admin", record="team"),
    "manage_policy": Check("admin", "social_worker", audited_denial=False),
    "manage_policy_history": Check("admin", "social_worker", audited_denial=False),
    "access_log": Check("admin", "outsider_admin", record="child", args=["child"]),
    "api:child_list": Check("social_worker", "outsider", api=True, list_of="child"),
    "api:child_detail": Check("social_worker", "outsider", record="child", api=True),
    "api:household_list": Check(
        "supervising_social_worker", "outsider_ssw", api=True, list_of="household"
    ),
    "api:household_detail": Check(
        "supervising_social_worker", "outsider_ssw", record="household", api=True
    ),
    "api:provider_list": Check("social_worker", "other_agency_user", api=True, list_of="agency"),
    "api:provider_detail": Check("social_worker", "other_agency_user", record="agency", api=True),
    "api:policy_detail": Check("social_worker", "agency_user", api=True, audited_denial=False),
    "api:policy_due": Check(
        "social_worker",
        "agency_user",
        api=True,
        audited_denial=False,
        query={"rule": "stability_meeting", "from": "2026-11-23T09:00:00+00:00"},
    ),
    "api:policy_approver": Check(
        "social_worker",
        "agency_user",
        api=True,
        audited_denial=False,
        query={"weekly_cost": "4500"},
    ),
    "api:referral_list": Check("social_worker", "outsider", api=True, list_of="referral"),
    "api:referral_detail": Check("social_worker", "outsider", record="referral", api=True),
    "api:referral_create": Check(
        "social_worker", "outsider", record="child", api=True, method="post", record_in_body=True,
        body=lambda get: {"children": [get("child").pk]}, status=201,
    ),
    "api:referral_change": Check(
        "social_worker", "outsider", record="referral", api=True, method="patch",
        body=lambda get: {"version": get("referral").version, "history": "Updated."},
    ),
    "api:referral_act": Check(
        "social_worker", "outsider", record="referral", api=True, method="post",
        args_after=["submit"], body=lambda get: {"comment": "Ready for review."},
    ),
    "api:work_tray": Check("social_worker", "outsider", api=True, list_of="tray_item"),
    "offers_passed_over": Check("placements_officer", "agency_user", audited_denial=False),
    # outreach
    "agency_search": Check("placements_officer", "outsider", record="outreach_referral"),
    "agency_contact": Check(
        "placements_officer", "outsider", record="outreach_referral", records_after=["agency"]
    ),
    "agency_request_withdraw": Check(
        "placements_officer", "outsider", record="outreach_referral",
        records_after=["outreach_request"],
    ),
    "search_widen": Check("social_worker", "outsider", record="outreach_referral"),
    "provider_contact_add": Check("agency_user", "other_agency_user", record="agency"),
    "provider_contact_change": Check(
        "agency_user", "other_agency_user", record="agency", records_after=["outreach_contact"]
    ),
    "provider_contact_remove": Check(
        "agency_user", "other_agency_user", record="agency", records_after=["outreach_contact"]
    ),
    # portal
    "portal": Check("agency_user", "social_worker", audited_denial=False),
    "portal_request": Check("agency_user", "other_agency_user", record="portal_request"),
    "portal_offer": Check("agency_user", "other_agency_user", record="portal_request"),
    "portal_no_offer": Check("agency_user", "social_worker", record="portal_request"),
    "portal_offer_revise": Check("agency_user", "other_agency_user", record="portal_offer"),
    "portal_agreement": Check("agency_user", "other_agency_user", record="agreed_portal_request"),
    "agency_offer_on_behalf": Check(
        "placements_officer", "outsider", record="portal_referral",
        records_after=["portal_request"],
    ),
    "api:offer_list": Check("agency_user", "other_agency_user", api=True, list_of="portal_offer"),
    "api:offer_detail": Check("agency_user", "other_agency_user", record="portal_offer", api=True),
    "api:offer_create": Check(
        "agency_user", "social_worker", record="portal_request", api=True, method="post",
        record_in_body=True, status=201,
        body=lambda get: {
            "agency_request": get("portal_request").pk, "household": get("portal_household").pk,
            "available_from": "2099-01-01", "weekly_cost": "850.00", "cost_covers": "Fees.",
            "carer_profile": "Experienced.", "ofsted_details": "Good, 2025.",
        },
    ),
    # placements
    "cost_approval": Check("senior_manager", "outsider", record="pending_cost_approval"),
    "agreement_issue": Check(
        "placements_officer", "outsider", record="matched_referral",
        records_after=["approved_agency_match"],
    ),
    "agreement_pdf": Check(
        "placements_officer", "outsider", record="matched_referral",
        records_after=["agreed_agency_match"],
    ),
    "placement_start": Check(
        "placements_officer", "outsider", record="matched_referral", records_after=["in_house_match"]
    ),
    "emergency_placement_start": Check(
        "placements_officer", "outsider", record="emergency_referral"
    ),
    "placement": Check("social_worker", "outsider", record="started_placement"),
    "placement_end": Check("social_worker", "outsider", record="started_placement"),
    "costing_confirm": Check("finance_officer", "outsider", record="agency_placement"),
    "spend": Check("finance_officer", "agency_user", audited_denial=False),
    "api:placement_list": Check("social_worker", "outsider", api=True, list_of="started_placement"),
    "api:placement_detail": Check("social_worker", "outsider", record="started_placement", api=True),
    # stability meetings
    "stability_request": Check("social_worker", "outsider", record="living_placement"),
    "stability_meeting": Check("social_worker", "outsider", record="requested_meeting"),
    "stability_meeting_arrange": Check("social_worker", "outsider", record="requested_meeting"),
    "stability_meeting_record": Check("social_worker", "outsider", record="requested_meeting"),
    "stability_meeting_circulate": Check("team_manager", "outsider", record="held_meeting"),
    "stability_meeting_minutes": Check("social_worker", "outsider", record="held_meeting"),
    # stability follow-ups
    "stability_action_add": Check("team_manager", "outsider", record="actions_meeting"),
    "stability_action_done": Check("social_worker", "outsider", record="open_action"),
    "stability_iro_check": Check("iro", "outsider", record="checkable_meeting"),
    # stability endings
    "stability_meeting_waive": Check("team_manager", "outsider", record="waivable_ending_meeting"),
    "moving_on_task_done": Check("supervising_social_worker", "outsider", record="moving_on_task"),
    # stability report and API
    "reports": Check("team_manager", "agency_user", audited_denial=False),
    "unplanned_endings_report": Check("team_manager", "agency_user", audited_denial=False),
    "api:stability_meeting_list": Check(
        "social_worker", "outsider", api=True, list_of="report_api_meeting"
    ),
    "api:stability_meeting_detail": Check(
        "social_worker", "outsider", record="report_api_meeting", api=True
    ),
    "api:stability_meeting_request": Check(
        "social_worker", "outsider", record="living_placement", api=True, method="post",
        record_in_body=True, status=201,
        body=lambda get: {
            "placement": get("living_placement").pk, "raised_by": "social_worker",
            "concern": "Amy has run away twice this month.",
        },
    ),
    # fostering: hub, plans, sufficiency (H5)
    "fostering": Check("supervising_social_worker", "outsider", audited_denial=False),
    "fostering_plans": Check("iro", "outsider", audited_denial=False),
    "fostering_plan_new": Check("fostering_team_manager", "outsider", audited_denial=False),
    "fostering_plan": Check("placements_officer", "outsider", record="action_plan"),
    "fostering_plan_action_new": Check(
        "fostering_team_manager", "outsider", record="action_plan"
    ),
    "fostering_plan_action_edit": Check("service_lead", "outsider", record="plan_action"),
    "fostering_plan_action_status": Check(
        "fostering_team_manager", "outsider", record="plan_action"
    ),
    "fostering_sufficiency": Check("agency_decision_maker", "outsider", audited_denial=False),
    # fostering: recruitment (H2)
    "fostering_enquiries": Check("fostering_duty_worker", "outsider", audited_denial=False),
    "fostering_recontacts": Check("fostering_duty_worker", "outsider", audited_denial=False),
    "fostering_enquiry_new": Check("fostering_duty_worker", "outsider", audited_denial=False),
    "fostering_enquiry": Check("placements_officer", "outsider", record="recruitment_enquiry"),
    "fostering_enquiry_contact": Check(
        "fostering_duty_worker", "outsider", record="recruitment_enquiry"
    ),
    "fostering_enquiry_visit_book": Check(
        "fostering_duty_worker", "outsider", record="recruitment_enquiry"
    ),
    "fostering_enquiry_visit_held": Check(
        "fostering_duty_worker", "outsider", record="recruitment_enquiry"
    ),
    "fostering_enquiry_not_progressed": Check(
        "fostering_duty_worker", "outsider", record="recruitment_enquiry"
    ),
    "fostering_enquiry_recontacted": Check(
        "fostering_duty_worker", "outsider", record="recruitment_enquiry"
    ),
    "fostering_enquiry_reward": Check(
        "fostering_duty_worker", "outsider", record="recruitment_enquiry"
    ),
    "fostering_application_new": Check(
        "fostering_duty_worker", "outsider", record="recruitment_enquiry"
    ),
    "fostering_application": Check("iro", "outsider", record="recruitment_application"),
    "fostering_applications": Check("fostering_duty_worker", "outsider", audited_denial=False),
    "fostering_application_end": Check(
        "fostering_duty_worker", "outsider", record="recruitment_application"
    ),
    "fostering_check": Check("fostering_duty_worker", "outsider", record="recruitment_check"),
    "fostering_assessment_start": Check(
        "supervising_social_worker", "outsider", record="recruitment_application"
    ),
    "fostering_assessments": Check("agency_decision_maker", "outsider", audited_denial=False),
    "fostering_assessment": Check(
        "agency_decision_maker", "outsider", record="recruitment_assessment"
    ),
    "fostering_assessment_visit": Check(
        "supervising_social_worker", "outsider", record="recruitment_assessment"
    ),
    "fostering_assessment_progress": Check(
        "supervising_social_worker", "outsider", record="recruitment_assessment"
    ),
    "fostering_assessment_end": Check(
        "supervising_social_worker", "outsider", record="recruitment_assessment"
    ),
    # fostering: kinship and panel (H3)
    "fostering_kinship": Check("social_worker", "agency_user", audited_denial=False),
    "fostering_viability_new": Check("social_worker", "outsider", record="child"),
    "fostering_viability": Check("social_worker", "outsider", record="requested_viability"),
    "fostering_viability_outcome": Check(
        "supervising_social_worker", "outsider", record="requested_viability"
    ),
    "fostering_viability_decision": Check(
        "team_manager", "outsider", record="completed_viability"
    ),
    "fostering_viability_assessment": Check(
        "supervising_social_worker", "outsider", record="agreed_viability"
    ),
    "fostering_temporary_approval_ask": Check(
        "social_worker", "outsider", record="agreed_viability"
    ),
    "fostering_temporary_approval_new": Check(
        "agency_decision_maker", "outsider", record="agreed_viability"
    ),
    "fostering_panels": Check("fostering_team_manager", "outsider", audited_denial=False),
    "fostering_panels_month": Check("fostering_team_manager", "outsider", audited_denial=False),
    "fostering_panel_new": Check("fostering_team_manager", "outsider", audited_denial=False),
    "fostering_panel": Check("agency_decision_maker", "outsider", record="todays_panel"),
    "fostering_panel_change": Check("fostering_team_manager", "outsider", record="todays_panel"),
    "fostering_panel_item_add": Check(
        "fostering_team_manager", "outsider", record="todays_panel", args_after=["assessment"]
    ),
    "fostering_panel_minutes": Check("fostering_team_manager", "outsider", record="todays_panel"),
    "fostering_panel_item": Check("fostering_team_manager", "outsider", record="booked_item"),
    "fostering_decisions": Check("agency_decision_maker", "outsider", audited_denial=False),
    "fostering_decision": Check("agency_decision_maker", "outsider", record="awaiting_decision"),
    # fostering: support and holds (H4)
    "fostering_visits_due": Check("supervising_social_worker", "outsider", audited_denial=False),
    "fostering_visit": Check("iro", "outsider", record="support_visit"),
    "fostering_visit_new": Check("supervising_social_worker", "outsider", record="household"),
    "fostering_worker_allocate": Check("fostering_team_manager", "outsider", record="household"),
    "fostering_reviews_due": Check("iro", "outsider", audited_denial=False),
    "fostering_review_new": Check("iro", "outsider", record="household"),
    "fostering_training_new": Check("supervising_social_worker", "outsider", record="household"),
    "fostering_goal_new": Check("supervising_social_worker", "outsider", record="household"),
    "fostering_goal_done": Check("supervising_social_worker", "outsider", record="support_goal"),
    "fostering_support_requests": Check(
        "fostering_duty_worker", "outsider", audited_denial=False
    ),
    "fostering_support_request": Check(
        "fostering_duty_worker", "outsider", record="support_request"
    ),
    "fostering_support_request_new": Check(
        "fostering_duty_worker", "outsider", record="household"
    ),
    "fostering_holds": Check("placements_officer", "outsider", audited_denial=False),
    "fostering_hold_new": Check("supervising_social_worker", "outsider", record="household"),
    "fostering_hold_lift": Check("fostering_team_manager", "outsider", record="held_household"),
    "fostering_allegation_new": Check("supervising_social_worker", "outsider", record="household"),
    "fostering_allegation": Check("fostering_team_manager", "outsider", record="allegation"),
    "fostering_resignation": Check("fostering_team_manager", "outsider", record="household"),
    # fostering: report and comparators (H1)
    "fostering_report": Check("fostering_team_manager", "outsider", audited_denial=False),
    "fostering_comparators": Check("fostering_team_manager", "outsider", audited_denial=False),
    "fostering_comparator_delete": Check(
        "fostering_team_manager", "outsider", record="comparator_series"
    ),
    # ssda903: return download, data quality (H4)
    "data_quality": Check("social_worker", "agency_user", audited_denial=False),
    "data_quality_download": Check("senior_manager", "agency_user", audited_denial=False),
    # ssda903: the return's details of a child, legal status changes (H5)
    "child_return_legal_status": Check("social_worker", "outsider", record="child"),
    "child_return_details": Check("social_worker", "outsider", record="child"),
    "child_return_add": Check("social_worker", "outsider", record="child", args_after=["reviews"]),
    "child_return_change": Check(
        "social_worker", "outsider", record="child", records_after=["recorded_review"],
        args_after=["reviews"],
    ),
    "child_return_remove": Check(
        "social_worker", "outsider", record="child", records_after=["recorded_review"],
        args_after=["reviews"],
    ),
    # ssda903: stability indicators (H3)
    "stability_indicators": Check("team_manager", "agency_user", audited_denial=False),
    # reports: timeliness, Ofsted fostering data (H6)
    "timeliness": Check("team_manager", "outsider", audited_denial=False),
    "ofsted_fostering": Check("fostering_team_manager", "outsider", audited_denial=False),
    # reports: sufficiency, demand against supply (S1)
    "sufficiency": Check("placements_officer", "outsider", audited_denial=False),
    # reports: dashboards of team managers, service leads and directors (S2)
    "team_dashboard": Check(
        "team_manager", "outsider_senior_manager", record="child_team", record_in_query="team",
        query={"council": "E08000010"}, audited_denial=False,
    ),
    "service_dashboard": Check(
        "service_lead", "outsider_senior_manager", query={"council": "E08000010"},
        audited_denial=False,
    ),
    "director_dashboard": Check(
        "director", "outsider_senior_manager", query={"council": "E08000010"},
        audited_denial=False,
    ),
}  # fmt: skip
POST_ONLY = {"manage_user_unlock", "manage_user_reset_second_factor"}


def test_every_url_has_an_allowed_and_a_denied_check():
    names = set(_names(get_resolver().url_patterns))
    missing = names - set(ACCESS) - PUBLIC
    assert not missing, f"URLs with no access check: {sorted(missing)}"
    assert not (set(ACCESS) - names), "ACCESS lists URLs that no longer exist"


@pytest.fixture
def team(wigan):
    from tests.factories import TeamFactory

    return TeamFactory(organisation=wigan)


@pytest.fixture
def other_agency_user(db):
    from hearth.accounts.roles import Role
    from tests.factories import AgencyFactory, member

    return member(AgencyFactory(name="Another Agency"), Role.AGENCY_USER, username="other.agency")


@pytest.fixture
def tray_item(wigan, social_worker):
    from hearth.trays.services import item_open

    return item_open(organisation=wigan, kind="referral_draft", title="A", user=social_worker)


@pytest.fixture
def searching_referral(child, child_team):
    """The Wigan child's referral, accepted: the in-house search is on."""
    from hearth.referrals.models import Status
    from tests.factories import make_referral

    return make_referral(child, status=Status.SEARCHING)


@pytest.fixture
def carer_offer(searching_referral, household, placements_officer, social_worker, iro, wigan):
    """The in-house household's offer, agreed by the social worker; a child already living there
    has a social worker and an IRO to be asked about it."""
    from hearth.search import services
    from tests.factories import ChildFactory

    ChildFactory(authority=wigan, placed_with=household, social_worker=social_worker, iro=iro)
    _, offer = services.contact_record(
        user=placements_officer, referral=searching_referral, household=household, outcome="offers"
    )
    services.offer_record_conversation(user=social_worker, offer=offer, conversation="Talked.")
    return services.offer_decide(user=social_worker, offer=offer, agree=True)


@pytest.fixture
def consultation(carer_offer):
    return carer_offer.consultations.first()


@pytest.fixture
def sibling_referral(wigan, child, child_team, social_worker):
    """The Wigan child and a brother, accepted: the search is on for both."""
    from hearth.referrals.models import Status
    from tests.factories import ChildFactory, make_referral

    brother = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Ben")
    return make_referral(child, brother, status=Status.SEARCHING)


@pytest.fixture
def split(sibling_referral, placements_officer):
    from hearth.search import services

    children = list(sibling_referral.children.all())
    return services.split_propose(
        user=placements_officer, referral=sibling_referral, parts=[[c] for c in children],
        reason="No home has room for both.",
    )  # fmt: skip


def _url(name, check, request):
    args = list(check.args)
    if check.record and not check.record_in_query and not check.record_in_body:
        args.append(request.getfixturevalue(check.record).pk)
    args += [request.getfixturevalue(record).pk for record in check.records_after]
    return reverse(name, args=args + check.args_after)


def _get(client, request, persona, name, check, method=None):
    """The response to `persona` asking for the URL: signed in for screens, a token for the API."""
    url, headers = _url(name, check, request), {}
    if persona != "anonymous" and check.api:
        user = request.getfixturevalue(persona)
        headers["Authorization"] = f"Bearer {token_create(user=user, name='coverage')}"
    elif persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    method = method or check.method
    if method == "get" and name in POST_ONLY:
        method = "post"
    if check.body is not None and method == check.method:
        body = json.dumps(check.body(request.getfixturevalue))
        return getattr(client, method)(url, body, content_type="application/json", headers=headers)
    data = check.query if method == "get" else None
    if check.record_in_query and method == "get":
        data = {**data, check.record_in_query: request.getfixturevalue(check.record).pk}
    return getattr(client, method)(url, data, headers=headers)


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_allowed_user_gets_the_page(name, db, client, request):
    check = ACCESS[name]
    if check.list_of:
        request.getfixturevalue(check.list_of)
    response = _get(client, request, check.allowed, name, check)
    if name in POST_ONLY:
        # An action: done, then back to the person's page (not to sign-in or the second factor).
        assert response.status_code == 302
        assert response["Location"].startswith("/manage/people/"), response["Location"]
    else:
        assert response.status_code == check.status, response.status_code
    if check.list_of:
        record_id = request.getfixturevalue(check.list_of).pk
        assert record_id in [item["id"] for item in response.json()["items"]]


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_denied_user_gets_not_found(name, db, client, request):
    check = ACCESS[name]
    if check.list_of:
        request.getfixturevalue(check.list_of)
    response = _get(client, request, check.denied, name, check)
    if check.list_of:
        record_id = request.getfixturevalue(check.list_of).pk
        assert response.status_code == 200
        assert record_id not in [item["id"] for item in response.json()["items"]]
        return
    if check.denied == "anonymous":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        return
    assert response.status_code == 404
    if check.audited_denial:
        denial = AuditEvent.objects.get(action=AuditEvent.Action.DENIED)
        assert denial.username == request.getfixturevalue(check.denied).username
        assert denial.record_id == str(request.getfixturevalue(check.record).pk)


@pytest.mark.parametrize("name", sorted(n for n in ACCESS if n not in POST_ONLY))
def test_wrong_method_is_refused(name, db, client, request):
    check = ACCESS[name]
    response = _get(client, request, check.allowed, name, check, method="delete")
    assert response.status_code == 405
