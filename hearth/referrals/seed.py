"""Synthetic referrals for a seeded council, at every step of the approval chain and the search.

Each referral is replayed through the real services, step by step, on the day and hour it
happened, so its history, work-tray items and deadlines are exactly what people would have made.
The replay's mail announcements are dropped: they were never meant for anyone.
"""

from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

from django.db.models import Count
from django.utils import timezone

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.audit.services import synthetic_history
from hearth.people.forms import age_on
from hearth.people.models import Child, Household, SiblingGroup
from hearth.people.selectors import with_free_places
from hearth.referrals import services
from hearth.referrals.models import EmergencyDuty
from hearth.trays.models import OutgoingEmail

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@contextmanager
def recorded_at(moment):
    """Let the services (and records made now: `auto_now_add`, history) carry `moment` as their
    time."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def staff_by_role(authority):
    """The council's people (not the demo users) by role."""
    staff = {}
    for membership in (
        Membership.objects.filter(organisation=authority, user__is_demo=False)
        .select_related("user")
        .order_by("user_id")
    ):
        staff.setdefault(membership.role, []).append(membership.user)
    return staff


def _answers(children, today, *, urgent=False, placement_type="short_term"):
    """Section answers in the strengths-based words a carer needs, for these children."""
    names = " and ".join(child.first_name for child in children)
    youngest = min(age_on(child.date_of_birth, today) for child in children)
    return {
        "placement": {
            "placement_type": placement_type,
            "date_needed": today + (DAY * (0 if urgent else 14)),
            "urgent": urgent,
            "urgency_reason": "police_protection" if urgent else "",
            "urgency_detail": "Police protection taken last night." if urgent else "",
        },
        "child": {
            "history": f"{names} came into care after concerns about neglect at home.",
            "needs_summary": "Predictable routines, help with sleep and with school attendance.",
            "care_plan": "Long-term fostering is the plan; family time with mum fortnightly.",
            "identity": "Proud of where they come from; their faith matters to the family.",
            "feels_safe": "Knowing the plan for tomorrow; a light on at night.",
            "support_in_place": "School mentor; CAMHS appointments monthly.",
            "likes_dislikes": "Likes football, drawing and animals; dislikes shouting.",
            "child_views": f"{names} want{'s' if len(children) == 1 else ''} to stay at school "
            "and keep seeing their family.",
        },
        "risks": {
            "risk_facts": "No incidents in the last year."
            if youngest < 10
            else "Two missing episodes in the last six months, both returned within a day.",
            "risk_opinions": "Risks are lower with consistent boundaries and a calm home.",
            "risk_management": "Missing from care protocol; regular contact with school.",
        },
        "location": {
            "stay_near_school": youngest >= 5,
            "stay_near_family": True,
            "distance_limit_miles": 20,
            "location_notes": "Close enough to keep the school place and family time.",
        },
        "education": {"education_requested": False, "therapy_requested": False},
        "network": {
            "network_explored": True,
            "network_summary": "Grandmother assessed; not able to care full time.",
            "viability_under_way": False,
        },
        "accommodation": {"new_into_care": False},
    }


class _Replay:
    def __init__(self, authority, now):
        self.authority = authority
        self.now = now
        self.staff = staff_by_role(authority)

    def first(self, role):
        return self.staff.get(role, [None])[0]

    def referral(self, children, *, started, steps, answers=None, sections=None):
        """Make a referral for `children` `started` ago, then take each (action, by, data)."""
        social_worker = children[0].social_worker
        moment = self.now - started
        with recorded_at(moment):
            referral = services.referral_create(user=social_worker, children=children)
        answers = answers or _answers(children, moment.date())
        for section, data in answers.items():
            if sections is not None and section not in sections:
                continue
            moment += timedelta(minutes=20)
            with recorded_at(moment):
                referral, _changed = services.referral_update(
                    user=social_worker, referral=referral, section=section, data=data,
                    expected_version=referral.version,
                )  # fmt: skip
        for action, by, data, after in steps:
            moment += after
            with recorded_at(moment):
                referral, _event = services.referral_act(
                    user=by, referral=referral, action=action, data=data
                )
        return referral

    def manager_of(self, child):
        return child.team.manager if child.team is not None else self.first(Role.TEAM_MANAGER)


def _children_of(authority, social_worker, count, *, taken, min_age=0, max_age=17, today):
    found = []
    for child in (
        Child.objects.filter(authority=authority, social_worker=social_worker)
        .exclude(pk__in=taken)
        .select_related("team__manager", "social_worker")
        .order_by("reference")
    ):
        if (
            min_age <= age_on(child.date_of_birth, today) <= max_age
            and child.sibling_group_id is None
        ):
            found.append(child)
            taken.add(child.pk)
            if len(found) == count:
                break
    return found


def _sibling_group(authority, size, taken):
    """The first sibling group of `size` children, none taken, with a social worker: one query."""
    group = (
        SiblingGroup.objects.filter(authority=authority)
        .annotate(size=Count("children"))
        .filter(size=size)
        .exclude(children__in=taken)
        .exclude(children__social_worker__isnull=True)
        .order_by("reference")
        .first()
    )
    if group is None:
        return []
    children = list(group.children.select_related("team__manager", "social_worker"))
    taken.update(child.pk for child in children)
    return children


def _emergency_home(authority):
    homes = with_free_places(
        Household.objects.filter(provider=authority, status=Household.Status.APPROVED)
    ).filter(free_places__gt=0)
    return next((h for h in homes.order_by("reference") if "emergency" in h.care_types), None)


def seed_referrals(authority):
    """Referrals of a newly seeded council: a draft, one returned, an urgent one with the team
    manager, one with the service lead, one awaiting screening and open searches on the tracker."""
    now = timezone.now().replace(second=0, microsecond=0)
    today = timezone.localdate()
    replay = _Replay(authority, now)
    first_worker = replay.first(Role.SOCIAL_WORKER)
    other_worker = (replay.staff.get(Role.SOCIAL_WORKER) or [None, None])[-1]
    lead = replay.first(Role.SERVICE_LEAD)
    placements = replay.first(Role.PLACEMENTS_OFFICER)
    if None in (first_worker, other_worker, lead, placements):
        return 0
    last_mail = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    home = _emergency_home(authority)
    if home is not None:
        EmergencyDuty.objects.create(
            authority=authority, household=home, starts_on=today - 7 * DAY,
            ends_on=today + 60 * DAY, created_by=placements,
        )  # fmt: skip
    taken = set()
    made = 0
    with synthetic_history():
        made += _seed_with_first_worker(replay, first_worker, lead, placements, taken, today)
        made += _seed_searches(replay, other_worker, lead, placements, taken, today, home)
    OutgoingEmail.objects.filter(pk__gt=last_mail).delete()
    return made


def _approval_steps(replay, child, lead, *, gap=DAY):
    manager = replay.manager_of(child)
    return [
        ("submit", child.social_worker, {}, HOUR),
        ("forward", manager, {"comment": "Quality assured: clear and strengths-based."}, gap),
        ("approve", lead, {"comment": ""}, gap),
    ]


def _seed_with_first_worker(replay, worker, lead, placements, taken, today):
    """What lands in the first social worker's tray (a demo social worker takes it over)."""
    children = _children_of(replay.authority, worker, 3, taken=taken, min_age=4, today=today)
    if len(children) < 3:
        return 0
    draft, returned, urgent = ([child] for child in children)
    replay.referral(draft, started=2 * DAY, steps=[], sections={"placement", "child", "risks"})
    manager = replay.manager_of(returned[0])
    replay.referral(
        returned,
        started=6 * DAY,
        steps=[
            ("submit", worker, {}, HOUR),
            ("return", manager, {"comment": "Please add the child's own views in their words, "
                                 "and what family time looks like now."}, DAY),
        ],
    )  # fmt: skip
    replay.referral(
        urgent,
        started=3 * HOUR,
        answers=_answers(urgent, today, urgent=True, placement_type="emergency"),
        steps=[("submit", worker, {"comment": "Police protection: needs a home today."}, HOUR)],
    )
    return 3


def _seed_searches(replay, worker, lead, placements, taken, today, home):
    """Referrals further along: with the service lead, awaiting screening, open searches."""
    made = 0
    singles = _children_of(replay.authority, worker, 3, taken=taken, min_age=5, today=today)
    teenagers = _children_of(replay.authority, worker, 2, taken=taken, min_age=12, today=today)
    babies = _children_of(replay.authority, worker, 1, taken=taken, max_age=0, today=today)
    group = _sibling_group(replay.authority, 3, taken)
    if len(singles) >= 2:
        with_lead, awaiting = [singles[0]], [singles[1]]
        manager = replay.manager_of(with_lead[0])
        replay.referral(
            with_lead,
            started=3 * DAY,
            steps=[
                ("submit", worker, {}, HOUR),
                ("forward", manager, {"comment": "Agreed; the IRO's view would help."}, DAY),
            ]
            + (
                [
                    (
                        "request_comments",
                        lead,
                        {
                            "asked_of": "iro",
                            "comment": "Any concerns about a move from the current carers?",
                        },
                        HOUR,
                    )
                ]
                if with_lead[0].iro_id
                else []
            ),
        )
        replay.referral(awaiting, started=4 * DAY, steps=_approval_steps(replay, awaiting[0], lead))
        made += 2
    offered = False
    for children, started, extra in (
        (group, 21 * DAY, [("set_next_action", placements,
                            {"comment": "Chase two agencies for the sibling group",
                             "holder": placements.pk}, 2 * DAY)]),
        (babies, 9 * DAY, []),
        (teenagers[:1], 35 * DAY, [("set_next_action", placements,
                                    {"comment": "Referral meeting with agency on Thursday",
                                     "holder": placements.pk}, DAY)]),
    ):  # fmt: skip
        if not children:
            continue
        steps = _approval_steps(replay, children[0], lead)
        steps += [("accept", placements, {"comment": ""}, DAY), *extra]
        referral = replay.referral(children, started=started, steps=steps)
        # The sibling group's search goes on; one single child has carers who offer.
        offered |= _ring_carers(
            replay, referral, placements, offer=children is not group and not offered
        )
        made += 1
    if teenagers[1:] and home is not None:
        urgent = teenagers[1:]
        steps = [
            ("submit", worker, {}, HOUR),
            ("book_emergency", placements, {"household": home.pk}, HOUR),
            *_approval_steps(replay, urgent[0], lead, gap=2 * HOUR)[1:],
            ("accept", placements, {"comment": "Emergency carer in place."}, HOUR),
        ]
        answers = _answers(urgent, today, urgent=True, placement_type="emergency")
        replay.referral(urgent, started=30 * HOUR, steps=steps, answers=answers)
        made += 1
    return made


def _ring_carers(replay, referral, placements, *, offer):
    """The fostering duty worker rings the best-ranked in-house carers two hours after the search
    opened (the placements officer where the council has no duty worker). Whether carers offered."""
    from hearth.search.seed import seed_contacts

    worker = replay.first(Role.FOSTERING_DUTY_WORKER) or placements
    morning = referral.accepted_at + 2 * HOUR
    if morning + 2 * HOUR >= replay.now:
        return False
    return seed_contacts(referral, worker, morning, recorded_at, offer=offer)


def hand_over(authority, colleague, demo_user):
    """A demo user taking over a colleague's caseload takes their referrals and open work too."""
    from hearth.referrals.models import Referral
    from hearth.trays.models import WorkItem

    Referral.objects.filter(authority=authority, social_worker=colleague).update(
        social_worker=demo_user
    )
    WorkItem.objects.filter(
        organisation=authority, assigned_user=colleague, closed_at__isnull=True
    ).update(assigned_user=demo_user)
