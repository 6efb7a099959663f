"""/api/v1/referrals: the referral read, made, changed and walked through its approval chain, each
person with their own token; and docs/api-referrals.md kept in step with the transition table."""

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine

from hearth.accounts.roles import Role
from hearth.accounts.services import token_create
from hearth.audit.models import AuditEvent
from hearth.people.models import SiblingGroup
from hearth.referrals import rules, workflow
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.trays.models import WorkItem
from tests.api.expected import REQUEST_QUERIES, api_audit_rows, denied_rows
from tests.factories import (
    COMPLETE_REFERRAL,
    ChildFactory,
    HouseholdFactory,
    TeamFactory,
    make_referral,
    member,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "api-referrals.md"
TODAY = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def today():
    """COMPLETE_REFERRAL's date needed is in the future, as the form asks."""
    with time_machine.travel(TODAY, tick=True):
        yield


@pytest.fixture
def api(client):
    """Call the API as `user`, each person with a token of their own; bodies go as JSON."""
    tokens = {}

    def sign_in(user):
        if user.pk not in tokens:
            tokens[user.pk] = token_create(user=user, name="tests")
        return tokens[user.pk]

    def call(method, path, user, body=None, **params):
        headers = {"Authorization": f"Bearer {sign_in(user)}"}
        if method == "get":
            return client.get(f"/api/v1/{path}", params, headers=headers)
        return getattr(client, method)(
            f"/api/v1/{path}",
            json.dumps(body if body is not None else {}),
            content_type="application/json",
            headers=headers,
        )

    call.sign_in = sign_in
    return call


def at_status(referral, status, **fields):
    Referral.objects.filter(pk=referral.pk).update(status=status, **fields)
    referral.refresh_from_db()
    return referral


def action_names(answer):
    return [action["name"] for action in answer["actions"]]


def tray(api, user, **params):
    return api("get", "work-tray", user, **params).json()["items"]


def json_value(value):
    return value.isoformat() if isinstance(value, date) else value


# The whole walk -------------------------------------------------------------------------------


def test_a_referral_walks_from_draft_to_searching_through_the_api(
    api, child, child_team, social_worker, team_manager, service_lead, placements_officer
):
    made = api("post", "referrals", social_worker, {"children": [child.pk]})
    assert made.status_code == 201, made.json()
    referral = made.json()
    path = f"referrals/{referral['id']}"
    assert referral["status"] == "draft"
    assert action_names(referral) == ["submit", "withdraw"]

    for section in rules.SECTIONS:
        answers = {
            n: json_value(COMPLETE_REFERRAL[n]) for n in section.fields if n in COMPLETE_REFERRAL
        }
        changed = api("patch", path, social_worker, {"version": referral["version"], **answers})
        assert changed.status_code == 200, changed.json()
        referral = changed.json()
    assert {s["slug"]: s["status"] for s in referral["sections"]} == {
        s.slug: rules.COMPLETED for s in rules.SECTIONS
    }
    assert referral["answers"]["child"]["child_views"] == COMPLETE_REFERRAL["child_views"]
    assert referral["answers"]["placement"]["date_needed"] == "2026-12-01"

    referral = api("post", f"{path}/actions/submit", social_worker).json()
    assert referral["status"] == "submitted"

    assert [(i["kind"], i["referral"]) for i in tray(api, team_manager)] == [
        ("referral_review", referral["id"])
    ]
    as_manager = api("get", path, team_manager).json()
    assert {"forward", "return"} <= set(action_names(as_manager))
    assert not {"forward", "return"} & set(action_names(api("get", path, social_worker).json()))
    forward = next(a for a in as_manager["actions"] if a["name"] == "forward")
    assert forward["fields"] == [
        {"name": "comment", "label": "Your comments", "kind": "text", "required": True,
         "choices": [], "hint": "Your quality assurance"},
    ]  # fmt: skip
    answer = api("post", f"{path}/actions/forward", team_manager, {"comment": "Good referral."})
    assert answer.json()["status"] == "with_service_lead"

    assert [i["kind"] for i in tray(api, service_lead)] == ["referral_approval"]
    assert api("post", f"{path}/actions/approve", service_lead).json()["status"] == "approved"

    assert [i["kind"] for i in tray(api, placements_officer)] == ["referral_screening"]
    reasons = "Say which school she attends."
    returned = api(
        "post", f"{path}/actions/return", placements_officer,
        {"comment": reasons, "phone_call": True},
    ).json()  # fmt: skip
    assert (returned["status"], returned["returned_from"]) == ("returned", "approved")
    assert [i["kind"] for i in tray(api, placements_officer)] == ["return_call"]

    [item] = tray(api, social_worker)
    assert (item["kind"], item["note"], item["urgent"]) == ("referral_returned", reasons, False)
    assert item["assigned_to"] == {"user": "sw.wigan", "team": None, "role": None}
    resubmitted = api("post", f"{path}/actions/resubmit", social_worker, {"comment": "Added."})
    assert resubmitted.json()["status"] == "approved"

    accepted = api("post", f"{path}/actions/accept", placements_officer).json()
    assert accepted["status"] == "searching"
    assert accepted["file_reference"] == f"PL{referral['id']:06d}"
    assert accepted["search"]["route"] == "dual"  # a single child of 11: the policy's rule
    assert accepted["search"]["reason"].startswith("A single child aged 11")
    assert [
        (e["action"], e["by"], e["from"], e["to"], e["comment"]) for e in accepted["history"]
    ] == [
        ("create", "sw.wigan", "draft", "draft", ""),
        ("submit", "sw.wigan", "draft", "submitted", ""),
        ("forward", "tm.wigan", "submitted", "with_service_lead", "Good referral."),
        ("approve", "sl.wigan", "with_service_lead", "approved", ""),
        ("return", "po.wigan", "approved", "returned", reasons),
        ("resubmit", "sw.wigan", "returned", "approved", "Added."),
        ("accept", "po.wigan", "approved", "searching", ""),
    ]
    assert accepted["history"][4]["detail"] == {"phone_call": True}


# Reading --------------------------------------------------------------------------------------


def test_detail_gives_the_whole_referral_and_audits_the_view(api, draft, social_worker, child):
    group = SiblingGroup.objects.create(authority=draft.authority, reference="G7")
    Referral.objects.filter(pk=draft.pk).update(sibling_group=group)

    response = api("get", f"referrals/{draft.pk}", social_worker)

    assert response.status_code == 200
    answer = response.json()
    assert answer["authority"] == "E08000010"
    assert answer["children"] == [{"id": child.pk, "reference": child.reference}]
    assert (answer["sibling_group"], answer["social_worker"], answer["team"]) == (
        "G7", "sw.wigan", "Children in Care Team North",
    )  # fmt: skip
    assert (answer["status"], answer["status_label"], answer["version"]) == ("draft", "Draft", 1)
    assert list(answer["answers"]) == [section.slug for section in rules.SECTIONS]
    assert answer["answers"]["placement"] == {
        "placement_type": "short_term", "date_needed": "2026-12-01", "urgent": False,
        "urgency_reason": "", "urgency_detail": "",
    }  # fmt: skip
    assert answer["answers"]["accommodation"]["accommodation_agreed_by"] is None
    assert answer["sections"][0] == {
        "slug": "placement", "title": "The placement needed", "status": "Completed", "missing": [],
    }  # fmt: skip
    assert answer["search"] == {
        "route": "", "reason": "", "overridden_by": None, "in_house": "not_started",
        "agency": "not_started",
    }  # fmt: skip
    assert answer["emergency"] is None
    assert answer["history"] == []
    assert len(api_audit_rows(social_worker, AuditEvent.Action.VIEW, "referral", draft.pk)) == 1


def test_detail_shows_what_a_section_still_needs(api, child, child_team, social_worker):
    referral = make_referral(child, complete=False, placement_type="long_term")

    sections = api("get", f"referrals/{referral.pk}", social_worker).json()["sections"]

    assert sections[0]["status"] == rules.INCOMPLETE
    assert sections[0]["missing"] == ["the date it is needed"]
    assert sections[1]["status"] == rules.NOT_STARTED


def test_detail_of_another_councils_referral_is_404_and_audited(api, draft, outsider):
    response = api("get", f"referrals/{draft.pk}", outsider)

    assert response.status_code == 404
    assert len(denied_rows(outsider, "referral", draft.pk)) == 1
    assert not api_audit_rows(outsider, AuditEvent.Action.VIEW, "referral")


def test_list_shows_own_councils_referrals_urgent_first_and_audits_the_page(
    api, wigan, trafford, social_worker, child_team
):
    plain = make_referral(ChildFactory(authority=wigan, social_worker=social_worker))
    urgent = make_referral(
        ChildFactory(authority=wigan, social_worker=social_worker),
        urgent=True, urgency_reason="safeguarding",
    )  # fmt: skip
    make_referral(
        ChildFactory(authority=trafford, social_worker=member(trafford, Role.SOCIAL_WORKER))
    )

    answer = api("get", "referrals", social_worker).json()

    assert [r["id"] for r in answer["items"]] == [urgent.pk, plain.pk]
    [row] = api_audit_rows(social_worker, AuditEvent.Action.LIST, "referral")
    assert row.detail == "2 shown from offset 0 (limit 50)"


def test_list_filters_by_status_and_urgency(api, wigan, social_worker):
    def referral(**fields):
        return make_referral(ChildFactory(authority=wigan, social_worker=social_worker), **fields)

    draft, submitted = referral(), referral(status=Status.SUBMITTED)
    urgent = referral(status=Status.SUBMITTED, urgent=True, urgency_reason="safeguarding")

    def ids(**params):
        return [r["id"] for r in api("get", "referrals", social_worker, **params).json()["items"]]

    assert ids(status="submitted") == [urgent.pk, submitted.pk]
    assert ids(status="submitted", urgent="false") == [submitted.pk]
    assert ids(urgent="true") == [urgent.pk]
    assert ids(status="draft") == [draft.pk]
    assert api("get", "referrals", social_worker, status="lost").status_code == 422


@pytest.mark.parametrize("count", [2, 12])
def test_list_queries_do_not_grow_with_referrals(
    api, wigan, social_worker, team_manager, django_assert_num_queries, count
):
    team = TeamFactory(organisation=wigan, manager=team_manager)
    for _ in range(count):
        child = ChildFactory(authority=wigan, social_worker=social_worker, team=team)
        referral = make_referral(child, status=Status.SUBMITTED)
        ReferralEvent.objects.create(
            referral=referral, action="submit", from_status="draft", to_status="submitted",
            by=social_worker,
        )  # fmt: skip
    api.sign_in(team_manager)

    # count, page, children, history, its people, comment requests, the audit row
    with django_assert_num_queries(REQUEST_QUERIES + 7):
        answer = api("get", "referrals", team_manager).json()

    assert len(answer["items"]) == count
    assert all(action_names(r)[:2] == ["forward", "return"] for r in answer["items"])


# Making ---------------------------------------------------------------------------------------


def test_a_referral_for_another_councils_child_is_404_and_audited(api, outsider, child):
    response = api("post", "referrals", outsider, {"children": [child.pk]})

    assert response.status_code == 404
    assert len(denied_rows(outsider, "child", child.pk)) == 1
    assert not Referral.objects.exists()


def test_a_second_open_referral_for_a_child_is_refused_with_why(api, draft, social_worker, child):
    response = api("post", "referrals", social_worker, {"children": [child.pk]})

    assert response.status_code == 422
    assert response.json()["problems"] == [
        f"{child.full_name} already has an open referral (Referral {draft.pk})"
    ]
    assert Referral.objects.count() == 1


def test_a_refused_referral_audits_the_reading_of_the_child_it_names(
    api, draft, social_worker, child
):
    response = api("post", "referrals", social_worker, {"children": [child.pk]})

    assert response.status_code == 422
    assert child.full_name in response.json()["detail"]
    [row] = api_audit_rows(social_worker, AuditEvent.Action.VIEW, "child", child.pk)
    assert row.organisation == child.authority


def test_a_referral_is_made_only_by_the_childs_social_worker_or_their_manager(
    api, child, placements_officer
):
    response = api("post", "referrals", placements_officer, {"children": [child.pk]})

    assert response.status_code == 422
    assert "allocated social worker" in response.json()["detail"]


def test_a_referral_for_brothers_and_sisters_names_their_group(api, wigan, social_worker):
    group = SiblingGroup.objects.create(authority=wigan, reference="G2")
    children = ChildFactory.create_batch(
        2, authority=wigan, social_worker=social_worker, sibling_group=group
    )

    answer = api("post", "referrals", social_worker, {"children": [c.pk for c in children]}).json()

    assert [c["id"] for c in answer["children"]] == sorted(c.pk for c in children)
    assert answer["sibling_group"] == "G2"


# Changing -------------------------------------------------------------------------------------


def test_a_change_saves_answers_in_several_sections(api, draft, social_worker):
    response = api(
        "patch", f"referrals/{draft.pk}", social_worker,
        {"version": 1, "placement_type": "long_term", "urgent": True,
         "urgency_reason": "safeguarding", "distance_limit_miles": 15,
         "education_requested": None},
    )  # fmt: skip

    assert response.status_code == 200, response.json()
    draft.refresh_from_db()
    assert (draft.placement_type, draft.urgent, draft.urgency_reason) == (
        "long_term", True, "safeguarding",
    )  # fmt: skip
    assert (draft.distance_limit_miles, draft.education_requested) == (15, None)
    assert response.json()["version"] == draft.version == 4  # one step per section changed
    assert response.json()["answers"]["location"]["distance_limit_miles"] == 15
    assert response.json()["sections"][4]["missing"] == [
        "whether education is requested with the placement"
    ]
    rows = api_audit_rows(social_worker, AuditEvent.Action.UPDATE, "referral", draft.pk)
    assert sorted(row.detail for row in rows) == [
        "section education", "section location", "section placement",
    ]  # fmt: skip


def test_a_change_from_an_older_version_is_refused_with_409(api, draft, social_worker):
    api("patch", f"referrals/{draft.pk}", social_worker, {"version": 1, "history": "Newer."})

    response = api(
        "patch", f"referrals/{draft.pk}", social_worker, {"version": 1, "history": "Old."}
    )

    assert response.status_code == 409
    assert "Someone else changed this referral" in response.json()["detail"]
    assert "new version" in response.json()["detail"]
    draft.refresh_from_db()
    assert (draft.history, draft.version) == ("Newer.", 2)


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({"colour": "blue"}, "colour", "There is no field 'colour' on the referral form"),
        ({"status": "approved"}, "status", "There is no field 'status' on the referral form"),
        ({"placement_type": "castle"}, "placement_type", "Choose one of emergency, short_term"),
        ({"urgency_reason": "boredom"}, "urgency_reason", "Choose one of police_protection"),
        ({"agreement_from": "a friend"}, "agreement_from", "Choose one of health, send"),
        ({"urgent": "yes"}, "urgent", "Must be true or false"),
        ({"urgent": None}, "urgent", "Must be true or false"),
        ({"history": 12}, "history", "Must be text"),
        ({"date_needed": "1/12/2026"}, "date_needed", "Enter a real date as YYYY-MM-DD"),
        ({"date_needed": "2026-02-30"}, "date_needed", "Enter a real date as YYYY-MM-DD"),
        ({"date_needed": "2026-01-05"}, "date_needed", "must be today or in the future"),
        ({"agreement_on": "2027-01-05"}, "agreement_on", "must be today or in the past"),
        ({"distance_limit_miles": "ten"}, "distance_limit_miles", "Must be a whole number"),
        ({"distance_limit_miles": 0}, "distance_limit_miles", "at least 1 mile"),
        ({"agreement_by": "x" * 201}, "agreement_by", "200 characters or fewer"),
        ({"accommodation_agreed_by": "nobody"}, "accommodation_agreed_by", "No one with that"),
        ({"accommodation_agreed_by": 7}, "accommodation_agreed_by", "Give the username"),
    ],
)
def test_a_bad_answer_is_refused_naming_its_field(api, draft, social_worker, body, field, message):
    response = api("patch", f"referrals/{draft.pk}", social_worker, {"version": 1, **body})

    assert response.status_code == 422
    assert message in response.json()["fields"][field]
    assert response.json()["problems"] == [f"{field}: {response.json()['fields'][field]}"]
    assert Referral.objects.get(pk=draft.pk).version == 1


def test_a_change_needs_the_version_and_an_answer(api, draft, social_worker):
    path = f"referrals/{draft.pk}"

    no_version = api("patch", path, social_worker, {"history": "More."}).json()
    nothing = api("patch", path, social_worker, {"version": 1}).json()
    not_an_object = api("patch", path, social_worker, ["history"]).json()

    assert "version" in no_version["fields"]
    assert nothing["fields"] == {"body": "Give at least one answer to change, with the version"}
    assert not_an_object["detail"] == "The body must be a JSON object"


def test_who_agreed_to_accommodate_is_given_by_username(api, draft, social_worker, service_lead):
    response = api(
        "patch", f"referrals/{draft.pk}", social_worker,
        {"version": 1, "new_into_care": True, "accommodation_agreed_by": "sl.wigan",
         "accommodation_agreed_on": "2026-11-20"},
    )  # fmt: skip

    assert response.status_code == 200, response.json()
    assert response.json()["answers"]["accommodation"] == {
        "new_into_care": True, "accommodation_agreed_by": "sl.wigan",
        "accommodation_agreed_on": "2026-11-20",
    }  # fmt: skip
    assert Referral.objects.get(pk=draft.pk).accommodation_agreed_by == service_lead


def test_only_whom_the_policy_names_agrees_to_accommodate(api, draft, social_worker, outsider):
    for username in ("sw.wigan", "sw.trafford"):  # not the policy's approver; another council's
        response = api(
            "patch", f"referrals/{draft.pk}", social_worker,
            {"version": 1, "accommodation_agreed_by": username},
        )  # fmt: skip

        assert response.status_code == 422
        assert response.json()["fields"] == {
            "accommodation_agreed_by": "No one with that username can be recorded as "
            "'Who agreed to accommodate'"
        }


def test_a_submitted_referral_cannot_be_changed(api, draft, social_worker):
    at_status(draft, Status.SUBMITTED)

    response = api("patch", f"referrals/{draft.pk}", social_worker, {"version": 1, "history": "x"})

    assert response.status_code == 403
    assert response.json()["detail"].startswith("A referral that is with team manager cannot")
    [denial] = denied_rows(social_worker, "referral", draft.pk)
    assert denial.detail == "change refused: not editable now"


def test_only_the_social_worker_or_their_manager_changes_a_draft(api, draft, placements_officer):
    response = api(
        "patch", f"referrals/{draft.pk}", placements_officer, {"version": 1, "history": "x"}
    )

    assert response.status_code == 403
    assert len(denied_rows(placements_officer, "referral", draft.pk)) == 1
    assert Referral.objects.get(pk=draft.pk).history == COMPLETE_REFERRAL["history"]


# Another council ------------------------------------------------------------------------------


def test_another_councils_social_worker_gets_404_for_every_referral_call(api, draft, outsider):
    path = f"referrals/{draft.pk}"

    assert api("get", path, outsider).status_code == 404
    assert api("patch", path, outsider, {"version": 1, "history": "x"}).status_code == 404
    assert api("post", f"{path}/actions/submit", outsider).status_code == 404
    assert api("post", f"{path}/actions/no_such_action", outsider).status_code == 404

    assert len(denied_rows(outsider, "referral", draft.pk)) == 4
    draft.refresh_from_db()
    assert (draft.status, draft.version) == (Status.DRAFT, 1)
    assert not ReferralEvent.objects.exists()


# Actions --------------------------------------------------------------------------------------


def test_the_team_manager_may_not_approve(api, draft, team_manager):
    at_status(draft, Status.WITH_SERVICE_LEAD)

    response = api("post", f"referrals/{draft.pk}/actions/approve", team_manager)

    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Approve is not open to you on a referral that is with service lead"
    )
    [denial] = denied_rows(team_manager, "referral", draft.pk)
    assert denial.detail == "action approve refused"
    assert Referral.objects.get(pk=draft.pk).status == Status.WITH_SERVICE_LEAD


def test_approving_an_incomplete_referral_lists_what_is_missing(
    api, child, child_team, service_lead
):
    referral = make_referral(child, child_views="", risk_facts="", status=Status.WITH_SERVICE_LEAD)

    response = api("post", f"referrals/{referral.pk}/actions/approve", service_lead)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "The referral cannot be approved: sections are not complete",
        "problems": [
            "About the child: the child's own views",
            "Risk assessment: the known facts about risk",
        ],
        "fields": {},
    }
    assert Referral.objects.get(pk=referral.pk).status == Status.WITH_SERVICE_LEAD


def test_a_return_without_reasons_is_refused_at_the_comment(api, draft, team_manager):
    at_status(draft, Status.SUBMITTED)

    response = api("post", f"referrals/{draft.pk}/actions/return", team_manager, {"comment": " "})

    assert response.status_code == 422
    assert response.json()["fields"] == {"comment": "Enter reasons"}
    assert Referral.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_an_action_refuses_fields_it_does_not_take_and_wrong_types(api, draft, team_manager):
    at_status(draft, Status.SUBMITTED)
    path = f"referrals/{draft.pk}/actions/return"

    unknown = api("post", path, team_manager, {"comment": "Why", "colour": "red"}).json()
    wrong = api("post", path, team_manager, {"comment": ["Why"], "phone_call": "yes"}).json()

    assert unknown["fields"] == {"colour": "There is no field 'colour' for the action 'return'"}
    assert wrong["fields"] == {
        "comment": "Must be text (or null)",
        "phone_call": "Must be true or false (or null)",
    }
    assert Referral.objects.get(pk=draft.pk).status == Status.SUBMITTED


def test_an_unknown_action_is_404(api, draft, social_worker):
    response = api("post", f"referrals/{draft.pk}/actions/teleport", social_worker)

    assert response.status_code == 404
    assert response.json()["detail"].startswith("There is no action 'teleport'")


def test_an_emergency_carer_and_the_next_action_are_given_by_id(
    api, wigan, draft, placements_officer, household
):
    at_status(draft, Status.APPROVED)
    path = f"referrals/{draft.pk}/actions"

    booked = api("post", f"{path}/book_emergency", placements_officer, {"household": household.pk})
    assert booked.status_code == 200, booked.json()
    emergency = booked.json()["emergency"]
    assert (emergency["household"], emergency["household_name"]) == (household.pk, household.name)
    assert emergency["ends_at"] is not None

    answer = api(
        "post", f"{path}/set_next_action", placements_officer,
        {"comment": "Ring the Smiths", "holder": placements_officer.pk},
    ).json()  # fmt: skip
    assert (answer["next_action"], answer["next_action_holder"]) == ("Ring the Smiths", "po.wigan")


@pytest.mark.parametrize(
    ("persona", "named"), [("placements_officer", True), ("virtual_school", False)]
)
def test_the_emergency_carer_is_named_only_to_those_who_may_see_households(
    api, draft, placements_officer, household, persona, named, request
):
    at_status(draft, Status.APPROVED)
    ReferralEvent.objects.create(
        referral=draft, action="submit", from_status="draft", to_status="submitted",
        by=draft.social_worker, detail={"emergency_carer_alerted": household.name},
    )  # fmt: skip
    path = f"referrals/{draft.pk}"
    for action, body in (("book_emergency", {"household": household.pk}),
                         ("end_emergency", {"comment": "Moved on"})):  # fmt: skip
        assert api("post", f"{path}/actions/{action}", placements_officer, body).status_code == 200
    user = request.getfixturevalue(persona)

    read = api("get", path, user).json()
    [listed] = api("get", "referrals", user).json()["items"]

    for answer in (read, listed):
        emergency = answer["emergency"]
        assert (emergency["household"], emergency["household_name"]) == (
            (household.pk, household.name) if named else (None, None)
        )
        assert emergency["ends_at"] is not None and emergency["ended_at"] is not None
        alert, booked, ended = (event["detail"] for event in answer["history"])
        assert ("household_name" in booked, "household_name" in ended) == (named, named)
        assert ("household" in booked, "emergency_carer_alerted" in alert) == (named, named)
        assert "ends_at" in booked
        assert (household.name in json.dumps(answer)) is named


def test_a_household_of_another_council_cannot_be_booked(api, draft, placements_officer, trafford):
    at_status(draft, Status.APPROVED)
    theirs = HouseholdFactory(provider=trafford)

    response = api(
        "post", f"referrals/{draft.pk}/actions/book_emergency", placements_officer,
        {"household": theirs.pk},
    )  # fmt: skip

    assert response.status_code == 422
    assert response.json()["fields"] == {
        "household": "Choose one of the council's emergency carers"
    }


def test_an_urgent_referral_jumps_the_placements_teams_tray(
    api, wigan, child, child_team, social_worker, placements_officer
):
    ordinary = make_referral(
        ChildFactory(authority=wigan, social_worker=social_worker), status=Status.APPROVED
    )
    WorkItem.objects.create(
        organisation=wigan, kind="referral_screening", title="Ordinary", referral=ordinary,
        assigned_role=Role.PLACEMENTS_OFFICER,
    )  # fmt: skip
    urgent = make_referral(child, urgent=True, urgency_reason="police_protection")

    api("post", f"referrals/{urgent.pk}/actions/submit", social_worker)

    items = tray(api, placements_officer)
    assert [(i["kind"], i["urgent"], i["referral"]) for i in items] == [
        ("urgent_referral", True, urgent.pk),
        ("referral_screening", False, ordinary.pk),
    ]


def test_actions_need_a_token(client, draft):
    response = client.post(f"/api/v1/referrals/{draft.pk}/actions/submit")

    assert response.status_code == 401
    assert Referral.objects.get(pk=draft.pk).status == Status.DRAFT


# docs/api-referrals.md ------------------------------------------------------------------------

ACTION_TABLE_HEADING = "## Actions\n"
QUESTION_TABLE_HEADING = "## Questions\n"


def _statuses(statuses):
    return ", ".join(f"`{status}`" for status in statuses)


def _to(action):
    if action.name == "resubmit":
        # Its target is worked out when it is taken: workflow.resubmit_target.
        return "back to the step that returned it: `submitted`, or `approved` after screening"
    return f"`{action.target}`" if action.target else "unchanged"


def _who(action):
    if isinstance(action.actor, str):
        return workflow.ACTOR_DESCRIPTIONS[action.actor]
    return "; ".join(
        f"from `{status}`: {workflow.ACTOR_DESCRIPTIONS[rule]}"
        for status, rule in action.actor.items()
    )


def _field(field):
    kind = field.kind + (f": {_statuses(field.choices)}" if field.choices else "")
    if field.kind in ("household", "user"):
        kind += " id"
    needed = "required" if field.required else "optional"
    hint = f" ({field.hint})" if field.hint else ""
    return f"`{field.name}` ({kind}; {needed}): {field.label}{hint}"


def action_table():
    """The table of actions docs/api-referrals.md must hold, from workflow.ACTIONS."""
    rows = [
        "| action | what it does | who may take it | from | to | fields |",
        "|---|---|---|---|---|---|",
    ]
    for action in workflow.ACTIONS.values():
        fields = "<br>".join(_field(field) for field in action.fields) or "none"
        rows.append(
            f"| `{action.name}` | **{action.label}**: {action.description} | {_who(action)} | "
            f"{_statuses(action.sources)} | {_to(action)} | {fields} |"
        )
    return "\n".join(rows) + "\n"


ANSWERS = {
    "text": lambda q: f"text, up to {q.max_length:,} characters",
    "choice": lambda q: "one of " + ", ".join(f"`{c}`" for c in q.choices) + ', or `""`',
    "boolean": lambda q: "`true` or `false`",
    "date": lambda q: "a date, `YYYY-MM-DD`",
    "number": lambda q: f"a whole number from {q.minimum} to {q.maximum}",
    "user": lambda q: "a username",
}


def _answer(question):
    return ANSWERS[question.kind](question) + (", or `null`" if question.nullable else "")


def question_table():
    """The table of the referral form's questions, from rules.SECTIONS and the API's readers."""
    from hearth.api.referral_schemas import QUESTIONS

    rows = ["| section | field | question | answer |", "|---|---|---|---|"]
    for section in rules.SECTIONS:
        for name in section.fields:
            question = QUESTIONS[name]
            rows.append(f"| `{section.slug}` | `{name}` | {question.label} | {_answer(question)} |")
    return "\n".join(rows) + "\n"


def _documented(heading):
    section = DOC.read_text().split(heading, 1)[1]
    return section[section.index("| ") : section.index("\n\n", section.index("| ")) + 1]


def test_the_documented_actions_are_exactly_the_transition_table():
    assert _documented(ACTION_TABLE_HEADING) == action_table(), (
        "docs/api-referrals.md disagrees with workflow.ACTIONS; its table should read:\n\n"
        + action_table()
    )


def test_the_documented_questions_are_exactly_the_referral_form():
    assert _documented(QUESTION_TABLE_HEADING) == question_table(), (
        "docs/api-referrals.md disagrees with rules.SECTIONS; its table should read:\n\n"
        + question_table()
    )
