"""Time the referral screens: the work trays, the placements tracker and its CSV, a referral and its
chronology, and the referrals and work-tray API.

`run` times them on the default seed, in the database bench.pages prepared (each council there has
a referral at every step of the approval chain and a few open searches). `run_regional` times the
tracker, its CSV and the placements officer's work tray with 2,000 open searches, on a database of
its own seeded with more children: a child may be in only one open referral at a time, so the
default seed's 600 children are too few. That database is made and timed by a second Python process
(`python -m bench.referrals`), which prints its figures as JSON for `run_regional` to return.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import pages

# Wigan's children and in-house households; Trafford is seeded with half as many of each.
REGIONAL_CHILDREN = 1700
REGIONAL_HOUSEHOLDS = 380
REGIONAL_SEARCHES = 2000
REGIONAL_DATABASE = "hearth_bench_regional"
PROJECT_DIR = Path(__file__).resolve().parent.parent
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


# Timing --------------------------------------------------------------------------------------------


def _queries(client, path, **headers):
    """The number of database queries one request for `path` makes (a request not timed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return len(captured)


def _timed(label, client, path, runs, **headers):
    """(label with the request's query count, median milliseconds, "ms")."""
    queries = _queries(client, path, **headers)
    plural = "y" if queries == 1 else "ies"
    return f"{label}; {queries} quer{plural}", pages._median_ms(client, path, runs, **headers), "ms"


def _client(user):
    from django.test import Client

    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    return client


def _bearer(user):
    from hearth.accounts.services import token_create

    return {"authorization": f"Bearer {token_create(user=user, name='bench')}"}


def _tray_size(user):
    from hearth.trays.selectors import tray_for_user

    return tray_for_user(user).count()


def _tracker_size(user):
    from hearth.referrals.selectors import tracker_rows

    return tracker_rows(user).count()


def _searches(count):
    return f"{count:,} open search{'' if count == 1 else 'es'}"


def _items(count):
    return f"{count:,} item{'' if count == 1 else 's'}"


# On the default seed -------------------------------------------------------------------------------


def run(runs=15):
    """The referral screens on the default seed: call after bench.pages.run, which prepares it."""
    from hearth.accounts.access import referrals_for_user
    from hearth.accounts.models import User
    from hearth.referrals.models import Status
    from hearth.trays.selectors import team_tray_for_user

    officer = User.objects.get(username="wigan.placements_officer")
    manager = User.objects.get(username="wigan.team_manager")
    referral = referrals_for_user(officer).filter(status=Status.SEARCHING).order_by("pk").first()
    as_officer, as_manager = _client(officer), _client(manager)
    in_tray = {user: _tray_size(user) for user in (officer, manager)}
    shown = _tracker_size(officer)
    api = _bearer(officer)
    api_client = _client(officer)
    return [
        _timed(
            f"work tray, placements officer ({_items(in_tray[officer])})",
            as_officer, "/work-tray/", runs,
        ),
        _timed(
            f"work tray, team manager ({_items(in_tray[manager])})", as_manager, "/work-tray/", runs
        ),
        _timed(
            f"work tray, team manager's team view ({_items(team_tray_for_user(manager).count())})",
            as_manager, "/work-tray/?view=team", runs,
        ),
        _timed(f"placements tracker ({_searches(shown)})", as_officer, "/tracker/", runs),
        _timed(
            f"placements tracker CSV ({_searches(shown)})",
            as_officer, "/tracker/?format=csv", runs,
        ),
        _timed(
            f"a searching referral's page ({referral.children.count()} children, "
            f"{referral.events.count()} events)",
            as_officer, f"/referrals/{referral.pk}/", runs,
        ),
        _timed(
            "its chronology as a PDF", as_officer,
            f"/referrals/{referral.pk}/chronology/?format=pdf", runs,
        ),
        _timed("API referral detail", api_client, f"/api/v1/referrals/{referral.pk}", runs, **api),
        _timed(
            f"API work tray, placements officer ({_items(in_tray[officer])})",
            api_client, "/api/v1/work-tray", runs, **api,
        ),
    ]  # fmt: skip


# At regional scale ---------------------------------------------------------------------------------


def run_regional(runs=15):
    """The tracker and the placements officer's tray with REGIONAL_SEARCHES open searches, timed by
    a second process on a database of its own, made here and removed afterwards."""
    url, remove = _regional_database(os.environ["DATABASE_URL"])
    try:
        finished = subprocess.run(
            [sys.executable, "-m", "bench.referrals", str(runs)],
            cwd=PROJECT_DIR,
            env={**os.environ, "DATABASE_URL": url},
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        )
    finally:
        remove()
    return [tuple(result) for result in json.loads(finished.stdout.splitlines()[-1])]


def _regional_database(url):
    """(the address of a new empty database beside the one at `url`, a function removing it)."""
    if url.startswith("sqlite"):
        folder = tempfile.mkdtemp(prefix="hearth-bench-regional-")
        return f"sqlite:///{folder}/bench.sqlite3", lambda: shutil.rmtree(folder)
    from django.db import connection

    def drop():
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{REGIONAL_DATABASE}"')

    drop()
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{REGIONAL_DATABASE}"')
    return urlunsplit(urlsplit(url)._replace(path=f"/{REGIONAL_DATABASE}")), drop


def _time_regional(runs):
    """In the second process: seed, add the open searches and time the screens."""
    seconds = pages._prepare(children=REGIONAL_CHILDREN, households=REGIONAL_HOUSEHOLDS)
    from hearth.accounts.models import User

    started = time.perf_counter()
    made = add_open_searches(REGIONAL_SEARCHES)
    added = time.perf_counter() - started
    officer = User.objects.get(username="wigan.placements_officer")
    client = _client(officer)
    shown, in_tray = _tracker_size(officer), _tray_size(officer)
    return [
        (
            f"seed {REGIONAL_CHILDREN:,} children in Wigan and {REGIONAL_CHILDREN // 2:,} "
            "in Trafford (with demo users)", seconds, "s",
        ),
        (f"add {made:,} open searches with their history and work items", added, "s"),
        _timed(
            f"placements tracker, placements officer (first page of 50 of {_searches(shown)})",
            client, "/tracker/", runs,
        ),
        _timed(
            f"placements tracker sorted by child's name (first 50 of {_searches(shown)})",
            client, "/tracker/?sort=child_name", runs,
        ),
        _timed(f"placements tracker CSV ({shown:,} rows)", client, "/tracker/?format=csv", runs),
        _timed(
            f"work tray, placements officer (first page of 50 of {_items(in_tray)})",
            client, "/work-tray/", runs,
        ),
        _timed(
            f"API work tray, placements officer (50 of {_items(in_tray)})",
            client, "/api/v1/work-tray", runs, **_bearer(officer),
        ),
    ]  # fmt: skip


# Open searches made directly, as the approval chain would have left them ----------------------------


def add_open_searches(count):
    """Add `count` open searches over the seeded councils' children not yet referred, in proportion
    to each council's children: two in five approved and waiting in the placements officers' trays
    to be screened, the rest searching; one in twenty urgent, those searching with an emergency
    carer booked. Each has the history and work items the approval chain would have left (made in
    bulk, so the history is all dated now). Returns how many were made."""
    from django.db import transaction
    from django.utils import timezone

    from hearth.core.models import Organisation
    from hearth.referrals.models import Referral, Status

    now = timezone.now().replace(second=0, microsecond=0)
    councils = list(Organisation.objects.filter(children__isnull=False).distinct().order_by("pk"))
    units = {council: _unreferred(council) for council in councils}
    available = sum(len(found) for found in units.values())
    if available < count:
        raise SystemExit(f"The seed has children for {available} more referrals, not {count}")
    made = []
    with transaction.atomic():
        for number, council in enumerate(councils):
            share = (
                count - len(made)
                if number == len(councils) - 1
                else round(count * len(units[council]) / available)
            )
            made += _searches_in(council, units[council][:share], now, start=len(made))
        for referral in made:
            referral.created_at = referral.submitted_at - DAY
            if referral.status == Status.SEARCHING:
                referral.file_reference = f"PL{referral.pk:06d}"
        Referral.objects.bulk_update(made, ["file_reference", "created_at"], batch_size=500)
    _gather_statistics()
    return len(made)


def _gather_statistics():
    """On PostgreSQL, what autovacuum would have done by the time anyone looked: without statistics
    on rows added in bulk, the planner takes the new tables for empty and sorting the tracker by
    child's name takes twice as long. SQLite is left as Hearth leaves it, without ANALYZE."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _unreferred(council):
    """The council's children in no referral yet, one child or a whole sibling group to a unit."""
    from hearth.people.models import Child
    from hearth.referrals.models import Referral

    referred = Referral.children.through.objects.filter(referral__authority=council)
    units, groups = [], {}
    for child in (
        Child.objects.filter(authority=council, social_worker__isnull=False)
        .exclude(pk__in=referred.values("child_id"))
        .select_related("team__manager", "social_worker", "sibling_group")
        .order_by("reference")
    ):
        if child.sibling_group_id is None:
            units.append([child])
        elif child.sibling_group_id in groups:
            groups[child.sibling_group_id].append(child)
        else:
            groups[child.sibling_group_id] = [child]
            units.append(groups[child.sibling_group_id])
    return units


def _people(council):
    from hearth.accounts.models import Membership
    from hearth.accounts.roles import Role

    first = {}
    for membership in (
        Membership.objects.filter(organisation=council, user__is_demo=False)
        .select_related("user")
        .order_by("user_id")
    ):
        first.setdefault(membership.role, membership.user)
    return first[Role.TEAM_MANAGER], first[Role.SERVICE_LEAD], first[Role.PLACEMENTS_OFFICER]


def _emergency_homes(council):
    from hearth.people.models import Household

    homes = Household.objects.filter(provider=council, status=Household.Status.APPROVED)
    return [home for home in homes.order_by("reference") if "emergency" in home.care_types]


def _searches_in(council, units, now, *, start):
    from django.db.models import prefetch_related_objects

    from hearth.referrals.models import Referral, ReferralEvent
    from hearth.trays.models import WorkItem

    people = _people(council)
    homes = _emergency_homes(council)
    referrals = [
        _referral(council, children, number, now, people, homes)
        for number, children in enumerate(units, start=start)
    ]
    Referral.objects.bulk_create(referrals, batch_size=500)
    Referral.children.through.objects.bulk_create(
        [
            Referral.children.through(referral=referral, child=child)
            for referral, children in zip(referrals, units, strict=True)
            for child in children
        ],
        batch_size=1000,
    )
    prefetch_related_objects(referrals, "children")
    ReferralEvent.objects.bulk_create(
        [event for referral in referrals for event in _history(referral, people)], batch_size=1000
    )
    WorkItem.objects.bulk_create(
        [item for referral in referrals for item in _work_items(referral, people, now)],
        batch_size=1000,
    )
    return referrals


SECTION_ANSWERS = {
    "history": "Came into care after concerns about neglect at home.",
    "needs_summary": "Predictable routines, help with sleep and with school attendance.",
    "care_plan": "Long-term fostering is the plan; family time with mum fortnightly.",
    "identity": "Proud of where they come from; their faith matters to the family.",
    "feels_safe": "Knowing the plan for tomorrow; a light on at night.",
    "support_in_place": "School mentor; CAMHS appointments monthly.",
    "likes_dislikes": "Likes football, drawing and animals; dislikes shouting.",
    "child_views": "Wants to stay at the same school and keep seeing their family.",
    "risk_facts": "No incidents in the last year.",
    "risk_opinions": "Risks are lower with consistent boundaries and a calm home.",
    "risk_management": "Missing from care protocol; regular contact with school.",
    "stay_near_family": True,
    "distance_limit_miles": 20,
    "location_notes": "Close enough to keep the school place and family time.",
    "education_requested": False,
    "therapy_requested": False,
    "network_explored": True,
    "network_summary": "Grandmother assessed; not able to care full time.",
    "viability_under_way": False,
    "new_into_care": False,
}
PLACEMENT_TYPES = ("short_term", "long_term", "short_term", "parent_and_child", "remand")


def _referral(council, children, number, now, people, homes):
    from hearth.referrals import rules
    from hearth.referrals.models import Referral, Status

    _manager, _lead, officer = people
    first = children[0]
    urgent = number % 20 == 0
    searching = number % 5 >= 2
    approved_at = now - DAY * (1 + (number * 7) % 90) - HOUR * (number % 8)
    route = rules.search_decision(children, council.policy, approved_at.date())
    State = Referral.SearchState
    referral = Referral(
        authority=council,
        sibling_group=first.sibling_group if len(children) > 1 else None,
        social_worker=first.social_worker,
        team=first.team,
        status=Status.SEARCHING if searching else Status.APPROVED,
        placement_type="emergency" if urgent else PLACEMENT_TYPES[number % len(PLACEMENT_TYPES)],
        date_needed=(approved_at + DAY * (0 if urgent else 14)).date(),
        urgent=urgent,
        urgency_reason="police_protection" if urgent else "",
        urgency_detail="Police protection taken last night." if urgent else "",
        stay_near_school=number % 3 == 0,
        search_route=route.route,
        search_route_reason=route.reason,
        created_by=first.social_worker,
        submitted_at=approved_at - 2 * DAY,
        approved_at=approved_at,
        **SECTION_ANSWERS,
    )
    if searching:
        referral.accepted_at = min(approved_at + DAY, now)
        referral.in_house_search = State.SEARCHING
        if route.route == Referral.SearchRoute.DUAL:
            referral.agency_search = State.SEARCHING
        if number % 3 == 0:
            referral.next_action = "Chase two agencies for a match"
            referral.next_action_holder = officer
        if urgent and homes:
            referral.emergency_household = homes[number % len(homes)]
            referral.emergency_booked_at = approved_at - HOUR
            referral.emergency_ends_at = approved_at + 7 * DAY
    return referral


def _history(referral, people):
    """The events the approval chain records, by whom and in what role (dated now: see above)."""
    from hearth.accounts.roles import Role
    from hearth.referrals.models import ReferralEvent, Status

    manager, lead, officer = people
    steps = [
        ("create", Status.DRAFT, Status.DRAFT, referral.social_worker, Role.SOCIAL_WORKER, {}),
        ("submit", Status.DRAFT, Status.SUBMITTED, referral.social_worker, Role.SOCIAL_WORKER, {}),
        ("forward", Status.SUBMITTED, Status.WITH_SERVICE_LEAD, manager, Role.TEAM_MANAGER, {}),
        (
            "approve", Status.WITH_SERVICE_LEAD, Status.APPROVED, lead, Role.SERVICE_LEAD,
            {"search_route": referral.search_route},
        ),
    ]  # fmt: skip
    if referral.status == Status.SEARCHING:
        detail = {"file_reference": f"PL{referral.pk:06d}", "search_route": referral.search_route}
        steps.append(
            ("accept", Status.APPROVED, Status.SEARCHING, officer, Role.PLACEMENTS_OFFICER, detail)
        )
    return [
        ReferralEvent(
            referral=referral,
            action=action,
            from_status=before,
            to_status=after,
            by=by,
            by_role=role,
            detail=detail,
        )
        for action, before, after, by, role, detail in steps
    ]


def _work_items(referral, people, now):
    """The items the approval chain opened: closed once their step was taken, except the screening
    of an approved referral and the end of a booked emergency placement, which wait for the
    placements officers."""
    from hearth.accounts.roles import Role
    from hearth.referrals.models import Status
    from hearth.referrals.services import referral_title
    from hearth.trays.models import WorkItem

    Kind = WorkItem.Kind
    manager, lead, officer = people
    title = referral_title(referral)
    screened = referral.status == Status.SEARCHING
    social_worker = referral.social_worker
    items = [
        (Kind.REFERRAL_DRAFT, {"assigned_user": social_worker}, social_worker),
        (Kind.REFERRAL_REVIEW, {"assigned_user": manager}, manager),
        (Kind.REFERRAL_APPROVAL, {"assigned_role": Role.SERVICE_LEAD}, lead),
        (
            Kind.REFERRAL_SCREENING, {"assigned_role": Role.PLACEMENTS_OFFICER},
            officer if screened else None,
        ),
    ]  # fmt: skip
    if referral.urgent:
        items.append(
            (
                Kind.URGENT_REFERRAL, {"assigned_role": Role.PLACEMENTS_OFFICER},
                officer if screened else None,
            )
        )  # fmt: skip
    made = [
        WorkItem(
            organisation=referral.authority,
            kind=kind,
            referral=referral,
            title=title,
            urgent=referral.urgent,
            closed_at=now if closed_by else None,
            closed_by=closed_by,
            **landing,
        )
        for kind, landing, closed_by in items
    ]
    if referral.emergency_household_id is not None:
        made.append(
            WorkItem(
                organisation=referral.authority,
                kind=Kind.EMERGENCY_ENDING,
                referral=referral,
                title=f"{title}: with {referral.emergency_household.name} until the emergency ends",
                urgent=True,
                assigned_role=Role.PLACEMENTS_OFFICER,
                due_at=referral.emergency_ends_at,
            )
        )
    return made


if __name__ == "__main__":
    # The second process of run_regional: DATABASE_URL names the new, empty database.
    print(json.dumps(_time_regional(int(sys.argv[1]) if len(sys.argv) > 1 else 15)))
