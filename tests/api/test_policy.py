"""GET /api/v1/policy, /api/v1/policy/due and /api/v1/policy/approver."""

from datetime import date

import holidays
import pytest

from hearth.core import rules
from hearth.core.models import Policy


def edit_policy(authority, **changes):
    policy = Policy.objects.get(authority=authority)
    for field, change in changes.items():
        getattr(policy, field).update(change) if isinstance(change, dict) else setattr(
            policy, field, change
        )
    policy.save()


def due(api_get, user, rule, start):
    return api_get("policy/due", user, rule=rule, **{"from": start})


def approver(api_get, user, weekly_cost):
    return api_get("policy/approver", user, weekly_cost=weekly_cost)


# GET /policy --------------------------------------------------------------------------------------


def test_policy_gives_the_councils_defaults(api_get, social_worker):
    response = api_get("policy", social_worker)

    assert response.status_code == 200
    body = response.json()
    assert (body["authority"], body["ons_code"]) == ("Wigan Council", "E08000010")
    assert body["timescales"]["stability_minutes"] == {
        "amount": 3,
        "unit": "working_days",
        "label": "Circulate stability meeting minutes",
        "counted_back": False,
        "due_rule": "3 working days after the start: due at 23:59:59 on the last day; working days "
        "skip weekends and England bank holidays (Europe/London)",
    }
    assert body["timescales"]["stability_meeting"]["due_rule"].startswith(
        "48 hours after the start: due at that exact time"
    )
    assert body["timescales"]["unplanned_ending_waiver_window"]["due_rule"].startswith(
        "12 weeks before the start: begins at 00:00:00 on its first day"
    )
    assert len(body["timescales"]) == len(rules.TIMESCALES) == 29
    assert body["thresholds"]["large_sibling_group"]["value"] == 3
    assert body["approvers"]["referral_approval"]["role"] == "service_lead"
    assert body["approvers"]["referral_approval"]["role_label"] == "Service lead or service manager"
    assert [(t["below"], t["role"]) for t in body["cost_tiers"]] == [
        (4000, "senior_manager"),
        (7000, "head_of_service"),
        (None, "director"),
    ]
    assert body["switches"]["in_house_first"]["value"] is True


def test_policy_is_the_callers_own_councils(api_get, wigan, social_worker, outsider):
    edit_policy(
        wigan, thresholds={"large_sibling_group": 4}, approvers={"referral_approval": "director"}
    )

    wigan_policy = api_get("policy", social_worker).json()
    trafford_policy = api_get("policy", outsider).json()

    assert wigan_policy["thresholds"]["large_sibling_group"]["value"] == 4
    assert wigan_policy["approvers"]["referral_approval"]["role"] == "director"
    assert trafford_policy["authority"] == "Trafford Council"
    assert trafford_policy["thresholds"]["large_sibling_group"]["value"] == 3
    assert trafford_policy["approvers"]["referral_approval"]["role"] == "service_lead"


@pytest.mark.parametrize("path", ["policy", "policy/due", "policy/approver"])
def test_agency_user_has_no_council_policy(api_get, agency_user, wigan, path):
    params = {"rule": "appeal", "from": "2026-12-24T10:00:00", "weekly_cost": "100"}

    assert api_get(path, agency_user, **params).status_code == 404


@pytest.mark.parametrize("path", ["policy", "policy/due", "policy/approver"])
def test_policy_needs_a_token(api_get, social_worker, path):
    assert api_get(path).status_code == 401


# GET /policy/due ----------------------------------------------------------------------------------


def test_england_bank_holidays_at_christmas_2026():
    england = holidays.country_holidays("GB", subdiv="ENG", years=2026)

    assert date(2026, 12, 25) in england
    assert date(2026, 12, 26).weekday() == 5  # a Saturday, so Boxing Day is kept on Monday 28th
    assert date(2026, 12, 28) in england


def test_working_days_skip_christmas_weekend_and_boxing_day(api_get, social_worker):
    response = due(api_get, social_worker, "stability_minutes", "2026-12-24T10:00:00+00:00")

    assert response.status_code == 200
    assert response.json() == {
        "rule": "stability_minutes",
        "from": "2026-12-24T10:00:00+00:00",
        "due": "2026-12-31T23:59:59+00:00",
    }


def test_hours_rule_is_due_at_the_exact_time_across_the_clock_change(api_get, social_worker):
    response = due(api_get, social_worker, "stability_meeting", "2026-03-27T10:00:00Z")

    assert response.json()["due"] == "2026-03-29T11:00:00+01:00"


def test_rule_counted_back_gives_the_start_of_its_first_day(api_get, social_worker):
    response = due(api_get, social_worker, "unplanned_ending_waiver_window", "2026-12-24T10:00:00Z")

    assert response.json()["due"] == "2026-10-01T00:00:00+01:00"


def test_month_rule_ends_on_a_shorter_months_last_day(api_get, social_worker):
    response = due(api_get, social_worker, "stability_review", "2026-11-30T15:00:00Z")

    assert response.json()["due"] == "2027-02-28T23:59:59+00:00"


def test_time_without_offset_is_taken_as_london(api_get, social_worker):
    response = due(api_get, social_worker, "enquiry_response", "2026-07-01T09:00:00")

    assert response.json() == {
        "rule": "enquiry_response",
        "from": "2026-07-01T09:00:00+01:00",
        "due": "2026-07-02T09:00:00+01:00",
    }


def test_time_with_another_offset_is_answered_in_london_time(api_get, social_worker):
    response = due(api_get, social_worker, "enquiry_response", "2026-07-01T08:00:00Z")

    assert response.json()["from"] == "2026-07-01T09:00:00+01:00"


def test_due_follows_the_councils_edited_policy(api_get, wigan, social_worker, outsider):
    edit_policy(wigan, timescales={"stability_minutes": {"amount": 5, "unit": "working_days"}})
    start = "2026-12-24T10:00:00Z"

    assert due(api_get, social_worker, "stability_minutes", start).json()["due"] == (
        "2027-01-05T23:59:59+00:00"
    )
    assert due(api_get, outsider, "stability_minutes", start).json()["due"] == (
        "2026-12-31T23:59:59+00:00"
    )


def test_unknown_rule_is_422_naming_the_valid_rules(api_get, social_worker):
    response = due(api_get, social_worker, "tea_break", "2026-12-24T10:00:00Z")

    assert response.status_code == 422
    message = str(response.json()["detail"])
    assert "stability_minutes" in message
    assert "annual_review" in message


@pytest.mark.parametrize("start", ["", "yesterday", "2026-13-01T10:00:00"])
def test_unreadable_from_is_422(api_get, social_worker, start):
    assert due(api_get, social_worker, "appeal", start).status_code == 422


def test_missing_from_is_422(api_get, social_worker):
    assert api_get("policy/due", social_worker, rule="appeal").status_code == 422


# GET /policy/approver -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weekly_cost", "role", "role_label"),
    [
        ("0", "senior_manager", "Senior manager"),
        ("3999.99", "senior_manager", "Senior manager"),
        ("4000", "head_of_service", "Head of service"),
        ("6999.99", "head_of_service", "Head of service"),
        ("7000", "director", "Director of Children's Services"),
        ("25000", "director", "Director of Children's Services"),
    ],
)
def test_approver_follows_the_cost_tiers(api_get, social_worker, weekly_cost, role, role_label):
    response = approver(api_get, social_worker, weekly_cost)

    assert response.status_code == 200
    assert response.json() == {
        "weekly_cost": float(weekly_cost),
        "role": role,
        "role_label": role_label,
    }


def test_approver_follows_the_councils_edited_tiers(api_get, wigan, social_worker, outsider):
    edit_policy(
        wigan,
        cost_tiers=[
            {"below": 5000, "role": "senior_manager"},
            {"below": None, "role": "assistant_director"},
        ],
    )

    assert approver(api_get, social_worker, "4000").json()["role"] == "senior_manager"
    assert approver(api_get, social_worker, "5000").json()["role_label"] == "Assistant director"
    assert approver(api_get, outsider, "4000").json()["role"] == "head_of_service"


@pytest.mark.parametrize("weekly_cost", ["-0.01", "-4000", "lots", "NaN", "Infinity", ""])
def test_negative_or_unreadable_cost_is_422(api_get, social_worker, weekly_cost):
    assert approver(api_get, social_worker, weekly_cost).status_code == 422


def test_due_date_from_a_year_outside_the_calendar_is_refused(api_get, social_worker):
    response = api_get(
        "policy/due", social_worker, rule="iro_action_check", **{"from": "0001-01-01T00:00:01Z"}
    )
    assert response.status_code == 422
    assert "between the years 1900 and 2199" in response.content.decode()
