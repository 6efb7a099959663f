"""The placements tracker: every open search of the user's council, filtered, sorted and downloaded."""

import csv
import io
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.accounts.models import User
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.referrals import services
from hearth.referrals.models import Referral, Status
from tests.factories import ChildFactory, HouseholdFactory, make_referral, member
from tests.screens import page

NOW = datetime(2026, 6, 15, 10, 30, tzinfo=LONDON)
State = Referral.SearchState


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def social_worker_in(authority):
    found = User.objects.filter(
        memberships__organisation=authority, memberships__role=Role.SOCIAL_WORKER
    ).first()
    return found or member(authority, Role.SOCIAL_WORKER)


def open_search(authority, *, first_name="Amy", last_name="Platt", days_open=3, **fields):
    """A referral the placements team accepted `days_open` days ago, its search under way."""
    social_worker = social_worker_in(authority)
    child = ChildFactory(
        authority=authority, first_name=first_name, last_name=last_name,
        social_worker=social_worker, date_of_birth=fields.pop("date_of_birth", date(2015, 3, 1)),
    )  # fmt: skip
    accepted = NOW - timedelta(days=days_open)
    defaults = {
        "status": Status.SEARCHING,
        "approved_at": accepted - timedelta(days=1),
        "accepted_at": accepted,
        "file_reference": "PL-FILE",
        "search_route": Referral.SearchRoute.DUAL,
        "in_house_search": State.SEARCHING,
        "agency_search": State.SEARCHING,
    }
    return make_referral(child, **{**defaults, **fields})


def tracker(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("tracker"), query)
    assert response.status_code == 200, response.status_code
    return response


def shown(response):
    return [row["pk"] for row in response.context["rows"]]


def test_only_open_searches_are_on_the_tracker(client, wigan, social_worker, placements_officer):
    searching = open_search(wigan)
    approved = open_search(wigan, status=Status.APPROVED, accepted_at=None, file_reference="")
    returned_at_screening = open_search(
        wigan, status=Status.RETURNED, returned_from=Status.APPROVED, accepted_at=None
    )
    open_search(wigan, status=Status.DRAFT, accepted_at=None, approved_at=None)
    open_search(wigan, status=Status.SUBMITTED, accepted_at=None, approved_at=None)
    open_search(wigan, status=Status.RETURNED, returned_from=Status.SUBMITTED, approved_at=None)
    open_search(wigan, status=Status.WITHDRAWN)
    response = tracker(client, placements_officer)
    assert sorted(shown(response)) == sorted([searching.pk, approved.pk, returned_at_screening.pk])
    statuses = {row["pk"]: row["status"] for row in response.context["rows"]}
    assert statuses[returned_at_screening.pk] == "Returned to social worker"
    assert statuses[approved.pk] == "Approved, awaiting screening"


def test_a_referral_accepted_through_the_workflow_shows_as_searching(
    client, wigan, social_worker, placements_officer
):
    child = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Maisie")
    referral = make_referral(child, status=Status.APPROVED, approved_at=NOW)
    services.referral_act(user=placements_officer, referral=referral, action="accept", data={})
    response = tracker(client, placements_officer)
    [row] = response.context["rows"]
    assert row["children"] == [child.full_name]
    assert (row["status"], row["days_open"], row["in_house_search"]) == (
        "Searching",
        0,
        "Searching",
    )
    body = page(response)
    assert f'<a class="govuk-link" href="{reverse("referral", args=[referral.pk])}">' in body
    assert f"File PL{referral.pk:06d}" in body


def test_each_row_shows_the_search_as_the_team_tracks_it(client, wigan, placements_officer):
    household = HouseholdFactory(provider=wigan, name="Emergency family")
    holder = member(wigan, "placements_officer", first_name="Pat", last_name="Kaur")
    sister = ChildFactory(authority=wigan, first_name="Zara", last_name="Platt",
                          date_of_birth=date(2020, 1, 10))  # fmt: skip
    referral = open_search(
        wigan, placement_type="long_term", urgent=True, urgency_reason="safeguarding",
        search_route=Referral.SearchRoute.IN_HOUSE_FIRST, agency_search=State.NOT_STARTED,
        emergency_household=household, emergency_booked_at=NOW - timedelta(hours=80),
        emergency_ends_at=NOW - timedelta(hours=8), next_action="Ring the Smiths back",
        next_action_holder=holder,
    )  # fmt: skip
    referral.children.add(sister)
    response = tracker(client, placements_officer)
    [row] = response.context["rows"]
    assert row["children"] == ["Amy Platt", "Zara Platt"]
    assert row["ages"] == ["11", "6"]
    assert row["placement_type"] == "Long-term"
    assert row["search_route"] == "In-house carers first"
    assert (row["in_house_search"], row["agency_search"]) == ("Searching", "Not started")
    assert row["emergency_carer"] == "Emergency family"
    assert row["emergency_ends"] == "15 June 2026 at 2:30am" and row["emergency_overdue"]
    body = page(response)
    assert '<strong class="govuk-tag govuk-tag--red">Urgent</strong>' in body
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in body
    assert "Ring the Smiths back" in body and "Held by Pat Kaur" in body


def test_an_emergency_placement_not_yet_ended_is_not_overdue(client, wigan, placements_officer):
    household = HouseholdFactory(provider=wigan)
    open_search(wigan, emergency_household=household, emergency_ends_at=NOW + timedelta(hours=1))
    response = tracker(client, placements_officer)
    assert not response.context["rows"][0]["emergency_overdue"]
    assert "Overdue" not in page(response)


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("placements_officer", "Emergency family"), ("virtual_school", "An emergency carer")],
)
def test_the_emergency_carer_is_named_only_to_those_who_may_see_households(
    client, wigan, persona, shown, request
):
    household = HouseholdFactory(provider=wigan, name="Emergency family")
    open_search(wigan, emergency_household=household, emergency_ends_at=NOW + timedelta(hours=1))
    user = request.getfixturevalue(persona)

    response = tracker(client, user)
    _, rows = download(client, user)

    [row] = response.context["rows"]
    assert row["emergency_carer"] == shown
    assert row["emergency_ends"] == "15 June 2026 at 11:30am"
    assert f"{shown}<br>until 15 June 2026 at 11:30am" in page(response)
    header, line = rows
    assert line[header.index("Emergency carer")] == shown
    named = persona == "placements_officer"
    assert ("Emergency family" in page(response)) is named
    assert ("Emergency family" in "".join(line)) is named


def test_days_open_are_whole_days_in_london(client, wigan, placements_officer):
    # 11.30pm on 14 June in London is 10.30pm in UTC: one day open by the London calendar at
    # 00.30 on 15 June, none by UTC's.
    referral = open_search(wigan, accepted_at=datetime(2026, 6, 14, 23, 30, tzinfo=LONDON))
    with time_machine.travel(datetime(2026, 6, 15, 0, 30, tzinfo=LONDON), tick=False):
        [row] = tracker(client, placements_officer).context["rows"]
    assert (row["pk"], row["days_open"]) == (referral.pk, 1)


def test_days_open_count_from_approval_until_the_search_is_accepted(
    client, wigan, placements_officer
):
    open_search(
        wigan, status=Status.APPROVED, accepted_at=None, approved_at=NOW - timedelta(days=2)
    )
    assert tracker(client, placements_officer).context["rows"][0]["days_open"] == 2


def test_urgent_searches_come_first_then_the_longest_open(client, wigan, placements_officer):
    newer = open_search(wigan, days_open=2)
    older = open_search(wigan, days_open=9)
    urgent = open_search(wigan, days_open=1, urgent=True, urgency_reason="police_protection")
    assert shown(tracker(client, placements_officer)) == [urgent.pk, older.pk, newer.pk]


def test_sort_by_date_needed_puts_the_soonest_first(client, wigan, placements_officer):
    later = open_search(wigan, date_needed=date(2026, 7, 1))
    sooner = open_search(wigan, date_needed=date(2026, 6, 20))
    response = tracker(client, placements_officer, sort="date_needed")
    assert shown(response) == [sooner.pk, later.pk]


def test_sort_by_child_name(client, wigan, placements_officer):
    young = open_search(wigan, first_name="Zoe", last_name="Young")
    adams = open_search(wigan, first_name="Bea", last_name="Adams")
    allen = open_search(wigan, first_name="Abe", last_name="Allen")
    response = tracker(client, placements_officer, sort="child_name")
    assert shown(response) == [adams.pk, allen.pk, young.pk]


def test_filters_narrow_the_tracker(client, wigan, placements_officer):
    plain = open_search(wigan)
    urgent = open_search(wigan, urgent=True, urgency_reason="safeguarding")
    long_term = open_search(wigan, placement_type="long_term")
    in_house = open_search(wigan, search_route=Referral.SearchRoute.IN_HOUSE_FIRST)
    approved = open_search(wigan, status=Status.APPROVED, accepted_at=None)
    mine = open_search(wigan, next_action="Call IFA", next_action_holder=placements_officer)
    every = {plain.pk, urgent.pk, long_term.pk, in_house.pk, approved.pk, mine.pk}
    cases = [
        ({}, every),
        ({"urgent": "on"}, {urgent.pk}),
        ({"placement_type": "long_term"}, {long_term.pk}),
        ({"search_route": "in_house_first"}, {in_house.pk}),
        ({"status": "approved"}, {approved.pk}),
        ({"mine": "on"}, {mine.pk}),
        ({"status": "searching", "search_route": "dual"}, every - {in_house.pk, approved.pk}),
    ]
    for query, expected in cases:
        assert set(shown(tracker(client, placements_officer, **query))) == expected, query


def test_a_filter_not_on_its_list_is_shown_as_an_error_and_ignored(
    client, wigan, placements_officer
):
    referral = open_search(wigan)
    response = tracker(client, placements_officer, status="lost")
    assert shown(response) == [referral.pk]
    assert response.context["form"].errors == {"status": ["Choose a status from the list"]}
    assert 'class="govuk-error-summary"' in page(response)


def test_another_council_sees_none_of_wigans_searches(client, wigan, trafford):
    open_search(wigan, first_name="Wendy", last_name="Wigan")
    theirs = open_search(trafford, first_name="Tom", last_name="Trafford")
    trafford_officer = member(trafford, "placements_officer", username="po.trafford")
    response = tracker(client, trafford_officer)
    assert shown(response) == [theirs.pk]
    assert "Wendy" not in page(response)
    csv_body = client.get(reverse("tracker"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Wendy" not in csv_body and "Tom Trafford" in csv_body


def test_tracker_is_audited_as_a_list_read(client, wigan, placements_officer):
    open_search(wigan)
    open_search(wigan)
    tracker(client, placements_officer)
    event = AuditEvent.objects.get(action="list", record_type="referral")
    assert (event.username, event.detail) == ("po.wigan", "placements tracker page 1, 2 shown")


def test_anyone_who_may_see_children_may_read_the_tracker(client, wigan, social_worker):
    referral = open_search(wigan)
    assert shown(tracker(client, social_worker)) == [referral.pk]


@pytest.mark.parametrize("persona", ["agency_user", "region_analyst"])
def test_those_who_may_not_see_children_get_not_found(client, wigan, persona, request):
    open_search(wigan)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("tracker")).status_code == 404
    assert client.get(reverse("tracker"), {"format": "csv"}).status_code == 404


def test_menu_offers_the_tracker_to_those_who_may_see_children(
    client, social_worker, region_analyst
):
    link = f'href="{reverse("tracker")}"'
    client.force_login(social_worker)
    assert link in page(client.get(reverse("home")))
    client.force_login(region_analyst)
    assert link not in page(client.get(reverse("home")))


# The CSV download ---------------------------------------------------------------------------------


def download(client, user, **query):
    client.force_login(user)
    response = client.get(reverse("tracker"), {**query, "format": "csv"})
    assert response.status_code == 200
    return response, list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_plain_english_columns_and_the_same_rows(client, wigan, placements_officer):
    household = HouseholdFactory(provider=wigan, name="Emergency family")
    referral = open_search(
        wigan, urgent=True, urgency_reason="safeguarding", date_needed=date(2026, 6, 16),
        emergency_household=household, emergency_ends_at=datetime(2026, 6, 17, 9, 0, tzinfo=LONDON),
        next_action="Chase the IFA", next_action_holder=placements_officer,
    )  # fmt: skip
    response, rows = download(client, placements_officer)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="placements-tracker-2026-06-15.csv"'
    )
    assert "no-store" in response["Cache-Control"]
    header, *data = rows
    assert header == [
        "Referral", "File reference", "Council", "Children", "Ages", "Type of placement", "Urgent",
        "Days open", "Date needed", "Status", "In-house search", "Agency search", "Search route",
        "Emergency carer", "Emergency placement ends", "Next action", "Next action held by",
        "Offers waiting for a decision",
    ]  # fmt: skip
    assert data == [
        [
            str(referral.pk), "PL-FILE", "Wigan Council", "Amy Platt", "11", "Short-term", "Yes",
            "3", "2026-06-16", "Searching", "Searching", "Searching",
            "In-house and agencies at once", "Emergency family", "2026-06-17 09:00",
            "Chase the IFA", placements_officer.display_name, "",
        ]
    ]  # fmt: skip
    event = AuditEvent.objects.get(action="list", record_type="referral")
    assert event.detail == "placements tracker CSV, 1 shown"


def test_csv_keeps_the_filters_and_sort(client, wigan, placements_officer):
    open_search(wigan, first_name="Nina")
    open_search(wigan, first_name="Ursula", urgent=True, urgency_reason="safeguarding")
    open_search(wigan, first_name="Ulrika", urgent=True, urgency_reason="safeguarding",
                last_name="Able")  # fmt: skip
    _, rows = download(client, placements_officer, urgent="on", sort="child_name")
    assert [row[3] for row in rows[1:]] == ["Ulrika Able", "Ursula Platt"]


def test_the_page_links_to_the_csv_with_its_filters(client, wigan, placements_officer):
    response = tracker(client, placements_officer, urgent="on", format="html")
    assert 'href="?urgent=on&amp;format=csv"' in response.content.decode()


def test_csv_cells_cannot_run_as_spreadsheet_formulas(client, wigan, placements_officer):
    open_search(wigan, next_action='=HYPERLINK("http://example.org")')
    _, rows = download(client, placements_officer)
    assert rows[1][15] == '\'=HYPERLINK("http://example.org")'


def test_a_long_tracker_is_shown_fifty_searches_a_page_and_downloaded_whole(
    client, wigan, placements_officer
):
    for n in range(53):
        open_search(wigan, last_name=f"Platt{n:02d}", days_open=n, placement_type="long_term")
    first = tracker(client, placements_officer, placement_type="long_term")
    second = tracker(client, placements_officer, placement_type="long_term", page=2)
    assert (len(shown(first)), len(shown(second))) == (50, 3)
    assert not set(shown(first)) & set(shown(second))
    assert "53 open searches." in first.content.decode()
    next_link = re.search(r'href="([^"]+)" rel="next"', page(first)).group(1)
    assert "placement_type=long_term" in next_link and "page=2" in next_link
    _response, rows = download(client, placements_officer)
    assert len(rows) == 1 + 53


# Query count ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [10, 30])
def test_tracker_query_count_does_not_grow(
    count, client, wigan, placements_officer, django_assert_num_queries
):
    household = HouseholdFactory(provider=wigan)
    for n in range(count):
        referral = open_search(
            wigan, emergency_household=household, next_action_holder=placements_officer,
            emergency_ends_at=NOW + timedelta(hours=n), urgent=n % 3 == 0,
        )  # fmt: skip
        referral.children.add(ChildFactory(authority=wigan))
    client.force_login(placements_officer)
    client.get(reverse("tracker"))  # session warmed
    with django_assert_num_queries(15):  # the CSV's 14 and the page's count
        response = client.get(reverse("tracker"))
    assert len(response.context["rows"]) == count
    with django_assert_num_queries(14):
        client.get(reverse("tracker"), {"format": "csv", "sort": "child_name"})


# Offers waiting for the social worker's decision ---------------------------------------------------


def waiting_offer(referral, household, *, source, hours_ago, by):
    from hearth.search.models import Offer

    with time_machine.travel(NOW - timedelta(hours=hours_ago), tick=False):
        offer = Offer.objects.create(
            referral=referral, household=household, source=source, made_by=by,
            weekly_cost=900 if source == Offer.Source.AGENCY else None,
        )  # fmt: skip
    offer.children.set(referral.children.all())
    return offer


def test_offers_waiting_for_a_decision_show_how_many_and_for_how_long(
    client, wigan, agency, placements_officer
):
    from hearth.search.models import Offer

    waiting = open_search(wigan, first_name="Wanda")
    open_search(wigan, first_name="Quinn")
    waiting_offer(waiting, HouseholdFactory(provider=wigan), source=Offer.Source.IN_HOUSE,
                  hours_ago=75, by=placements_officer)  # fmt: skip
    waiting_offer(waiting, HouseholdFactory(provider=agency), source=Offer.Source.AGENCY,
                  hours_ago=5, by=placements_officer)  # fmt: skip
    declined = waiting_offer(waiting, HouseholdFactory(provider=wigan),
                             source=Offer.Source.IN_HOUSE, hours_ago=200, by=placements_officer)  # fmt: skip
    Offer.objects.filter(pk=declined.pk).update(status=Offer.Status.DECLINED, decision_reason="No")

    response = tracker(client, placements_officer, offers_waiting="on")
    rows = response.context["rows"]
    assert [row["children"] for row in rows] == [["Wanda Platt"]]
    assert rows[0]["offers_waiting"] == "2 (in-house 1, agency 1), the oldest waiting 3 days"
    assert "Offers waiting" in page(response)

    everyone = tracker(client, placements_officer, sort="offers_waiting").context["rows"]
    assert [row["children"][0] for row in everyone] == ["Wanda Platt", "Quinn Platt"]
    assert everyone[1]["offers_waiting"] == ""
