"""Demo placements and stability records for a seeded council, so that its placement pages, the
stability history and the monthly breakdown of unplanned endings have something to show.

- Every child the seed placed with carers (`placed_with`) gets their open placement, a 903
  episode whose codes are derived as a worker's would be (`hearth.placements.codes`).
- Over the last twelve months, some of the council's children moved on from earlier homes or left
  care: about one placement in ten children, half of them unplanned endings, with valid REC and
  REASON_PLACE_CHANGE codes, of varied types of care, with the council's carers and agencies'.
- Before some unplanned endings a stability meeting was held (some within the waiver window,
  some earlier), with actions done on time, late or not at all. Every unplanned ending has its
  unplanned ending meeting: held with its learning themes once its window has passed (now and
  then late), waived where a stability meeting allows it, or still due (in the IRO's tray).

Drawn from a random stream of the council's own, with dates counted back from today, so the same
council gets the same records. Runs once, when the council is seeded (as `seed_referrals`); a
council that already has ended placements is left as it is. Writes no audit rows (nobody read or
changed anything), and drops the replay's mail announcements, as the referral seed does.
"""

import random
from datetime import datetime, time, timedelta
from functools import cached_property

from django.db.models import Q
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.audit.services import synthetic_history
from hearth.core.deadlines import LONDON, policy_due_at
from hearth.core.models import Organisation
from hearth.people.forms import age_on
from hearth.people.models import Child, Household
from hearth.placements import codes
from hearth.placements.models import Placement
from hearth.referrals.seed import recorded_at, staff_by_role
from hearth.ssda903 import episodes
from hearth.stability import history, routing, vocabulary
from hearth.stability.endings import day_words, ending_window, waiver_possible
from hearth.stability.models import Action, Meeting, Participant
from hearth.stability.presenters import when
from hearth.stability.services import minutes_recipients
from hearth.trays.models import OutgoingEmail, WorkItem

ENDED_SHARE = 0.09  # ended placements in the last year, per child of the council
MOST_ENDED = 36
UNPLANNED_SHARE = 0.5
LEAVER_SHARE = 0.25  # of the endings: the child left care rather than moving to another home
# How long the ended placements had lasted, in days, and how common each is.
DURATIONS = (((4, 27), 20), ((31, 180), 35), ((185, 360), 20), ((370, 720), 15), ((735, 1500), 10))
UNPLANNED_CHANGES = {"CREQB": 30, "CREQO": 15, "CHILD": 20, "ALLEG": 8, "STAND": 7, "CLOSE": 10,
                     "LAREQ": 5, "OTHER": 5}  # fmt: skip
PLANNED_CHANGES = {"CARPL": 85, "PLACE": 15}
UNPLANNED_LEAVING = {"E4B": 45, "E13": 25, "E8": 20, "E9": 10}
PLANNED_LEAVING = {"E4A": 50, "E5": 20, "E41": 15, "E45": 15}
CARE_TYPES = ("emergency", "short_term", "long_term")
CONCERNS = (
    "The carers are struggling with Amy's behaviour at bedtime and after family time.",
    "Several missing episodes in the last fortnight; the carers are worried about exploitation.",
    "School has excluded the child twice this term; the carers feel unsupported.",
    "Arguments with the carers' own teenager are getting worse.",
    "The young person has said they want to move nearer their mum.",
)
THEMES = [key for key, _label in vocabulary.LEARNING_THEMES if key != "other"]
VENUES = ("The council's offices", "The carers' home", "Online (Teams)")
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def _moment(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _weighted(rng, weights):
    keys = list(weights)
    return rng.choices(keys, [weights[key] for key in keys])[0]


def seed_stability(authority):
    """Placements and stability records of a newly seeded council; how many placements it made."""
    staff = staff_by_role(authority)
    placed_by = (staff.get(Role.PLACEMENTS_OFFICER) or staff.get(Role.TEAM_MANAGER) or [None])[0]
    if placed_by is None:
        return 0
    seeding = _Seeding(authority, staff, placed_by)
    last_mail = OutgoingEmail.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with synthetic_history():
        made = seeding.ended_placements() if not seeding.has_history() else 0
        made += seeding.open_placements()
        episodes.refresh_many(
            Child.objects.filter(authority=authority, placements__isnull=False).distinct()
        )
    OutgoingEmail.objects.filter(pk__gt=last_mail).delete()
    return made


class _Seeding:
    def __init__(self, authority, staff, placed_by):
        self.authority = authority
        self.policy = authority.policy
        self.staff = staff
        self.placed_by = placed_by
        self.rng = random.Random(f"stability/{authority.ons_code}")
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = timezone.localdate()
        self.unplanned = 0

    def has_history(self):
        return Placement.objects.filter(authority=self.authority, ended_on__isnull=False).exists()

    # Placements ---------------------------------------------------------------------------------

    @cached_property
    def children(self):
        return list(
            Child.objects.filter(authority=self.authority)
            .select_related("placed_with__provider", "team__manager", "social_worker", "iro")
            .order_by("reference")
        )

    def _homes(self):
        """Approved homes: the council's own and the agencies' (whose contracts come later)."""
        homes = Household.objects.filter(status=Household.Status.APPROVED).filter(
            Q(provider=self.authority) | Q(provider__kind=Organisation.Kind.AGENCY)
        )
        return list(homes.select_related("provider", "supervising_social_worker").order_by("pk"))

    def _placement_fields(self, child, household, started_on, care_type):
        return {
            "authority": self.authority, "child": child, "household": household,
            "provider": household.provider, "care_type": care_type, "started_on": started_on,
            "weekly_cost": None if household.provider.is_authority else household.weekly_cost,
            "started_by": self.placed_by,
        }  # fmt: skip

    def _placement(self, child, household, started_on, care_type, **ending):
        """A placement with the codes a worker would be offered (`codes.derive_codes`), made on
        the day it started."""
        placement = Placement(
            **self._placement_fields(child, household, started_on, care_type),
            **codes.derive_codes(child, household, care_type, started_on), **ending,
        )  # fmt: skip
        with recorded_at(_moment(started_on, 11)):
            placement.save()
        return placement

    def _care_type(self, household):
        offered = [care for care in household.care_types if care in CARE_TYPES]
        return self.rng.choice(offered or ["short_term"])

    def open_placements(self):
        """The open placement of every child living with carers who has none yet, made at once.
        A child's first placement in Hearth takes the codes `_first_episode_codes` gives; a child
        with earlier ones (moved in the last year) already has theirs."""
        placed_before = set(
            Placement.objects.filter(authority=self.authority).values_list("child_id", flat=True)
        )
        kinship = set(
            Household.named_children.through.objects.filter(
                child__authority=self.authority
            ).values_list("household_id", "child_id")
        )
        new = []
        for child in self.children:
            household = child.placed_with
            if household is None or child.pk in placed_before:
                continue
            earliest = max(child.date_of_birth, household.approved_on or child.date_of_birth)
            started_on = max(earliest, self.today - DAY * self.rng.randint(14, 1400))
            care_type = self._care_type(household)
            related = (household.pk, child.pk) in kinship
            new.append(
                Placement(
                    **self._placement_fields(child, household, started_on, care_type),
                    **_first_episode_codes(child, household, care_type, kinship=related),
                )
            )
        Placement.objects.bulk_create(new)
        return len(new)

    def ended_placements(self):
        """Placements ended in the last twelve months, with their stability records."""
        children = [child for child in self.children if child.sibling_group_id is None]
        homes = self._homes()
        count = min(MOST_ENDED, round(len(children) * ENDED_SHARE))
        if not homes or count == 0:
            return 0
        placed = [child for child in children if child.placed_with_id]
        leavers = [child for child in children if not child.placed_with_id]
        chosen = self.rng.sample(placed, min(len(placed), count - round(count * LEAVER_SHARE)))
        chosen += self.rng.sample(leavers, min(len(leavers), count - len(chosen)))
        made = 0
        for number, child in enumerate(chosen):
            # Spread across the year, the latest a few days ago.
            ended_on = self.today - DAY * (3 + (number * 361) // len(chosen))
            ended_on -= DAY * self.rng.randint(0, 5)
            if child.date_of_birth < ended_on - DAY * 7:
                self._ended(child, homes, ended_on, unplanned=number % 2 == 0)
                made += 1
        return made

    def _ended(self, child, homes, ended_on, *, unplanned):
        low, high = _weighted(self.rng, dict(DURATIONS))
        started_on = max(child.date_of_birth, ended_on - DAY * self.rng.randint(low, high))
        age = age_on(child.date_of_birth, started_on)
        earlier = [home for home in homes if home.pk != child.placed_with_id]
        fitting = [home for home in earlier if home.min_age <= age <= home.max_age]
        household = self.rng.choice(fitting or earlier or homes)
        moving = child.placed_with_id is not None
        if moving:
            rec = codes.CHANGE_OF_EPISODE
            change = _weighted(self.rng, UNPLANNED_CHANGES if unplanned else PLANNED_CHANGES)
        else:
            rec = _weighted(self.rng, UNPLANNED_LEAVING if unplanned else PLANNED_LEAVING)
            change = ""
        ended_at = _moment(ended_on, 16)
        placement = self._placement(
            child, household, started_on, self._care_type(household), ended_on=ended_on,
            ending=Placement.Ending.UNPLANNED if unplanned else Placement.Ending.PLANNED,
            reason_ceased=rec, reason_place_change=change, ended_at=ended_at,
            ended_by=child.social_worker or self.placed_by, needs_ending_meeting=unplanned,
            ending_note="The carers gave notice after a difficult month." if unplanned else "",
        )  # fmt: skip
        if moving:  # the next home starts the day this one ended
            self._placement(child, child.placed_with, ended_on, self._care_type(child.placed_with))
        if unplanned:
            self._before_the_ending(placement)
            self._ending_meeting(placement)

    # Stability meetings -------------------------------------------------------------------------

    def _team_manager(self, child):
        team = child.team
        if team is not None and team.manager_id:
            return team.manager
        return (self.staff.get(Role.TEAM_MANAGER) or [self.placed_by])[0]

    def _iro(self, child):
        return child.iro or (self.staff.get(Role.IRO) or [self._team_manager(child)])[0]

    def _social_worker(self, child):
        return child.social_worker or (self.staff.get(Role.SOCIAL_WORKER) or [self.placed_by])[0]

    def _before_the_ending(self, placement):
        """In turn: a stability meeting held within the waiver window, none, one held earlier,
        one within the window again, none: about two in five unplanned endings had one in time."""
        self.unplanned += 1
        days = (self.rng.randint(5, 75), None, self.rng.randint(90, 200), self.rng.randint(20, 80),
                None)[self.unplanned % 5]  # fmt: skip
        if days is None:
            return None
        held_on = placement.ended_on - DAY * days
        if held_on <= placement.started_on:
            return None
        return self._stability_meeting(placement, _moment(held_on, 10))

    def _stability_meeting(self, placement, held_at):
        child, rng = placement.child, self.rng
        requested_at = held_at - HOUR * rng.choice((20, 26, 44, 70, 96))
        raised_by = rng.choice(("supervising_social_worker", "social_worker", "foster_carer"))
        chair = self._team_manager(child)
        minutes_due_at = policy_due_at(self.policy, "stability_minutes", held_at)
        circulated_at = held_at + DAY * rng.choice((1, 1, 2, 3, 6))
        meeting = Meeting(
            authority=self.authority, kind=Meeting.Kind.STABILITY, placement=placement,
            child=child, household=placement.household, status=Meeting.Status.CIRCULATED,
            raised_by=raised_by,
            raised_by_name=placement.household.name if raised_by == "foster_carer" else "",
            concern=rng.choice(CONCERNS).replace("Amy", child.first_name),
            requested_by=self._social_worker(child), requested_at=requested_at,
            due_at=policy_due_at(self.policy, "stability_meeting", requested_at), chair=chair,
            scheduled_for=held_at, venue=rng.choice(VENUES), held_at=held_at,
            sections=_sections(vocabulary.STABILITY_SECTIONS, child),
            next_meeting_on=(held_at + DAY * 84).date(), minutes_due_at=minutes_due_at,
            circulated_at=circulated_at, circulated_by=chair,
            iro_check_due_at=policy_due_at(self.policy, "iro_action_check", held_at),
        )  # fmt: skip
        with recorded_at(requested_at):
            meeting.save()
            self._record(placement, "meeting_requested", meeting.requested_by, meeting,
                         detail={"raised_by": meeting.get_raised_by_display(),
                                 "due": when(meeting.due_at), "reference": meeting.reference})  # fmt: skip
        self._participants(meeting)
        with recorded_at(held_at + HOUR * 2):
            self._record(placement, "meeting_held", chair, meeting,
                         detail={"held": when(held_at), "chair": chair.display_name,
                                 "minutes_due": when(minutes_due_at),
                                 "reference": meeting.reference})  # fmt: skip
            self._actions(meeting, chair)
        with recorded_at(circulated_at):
            self._record(placement, "minutes_circulated", chair, meeting,
                         detail=self._circulated(meeting))  # fmt: skip
        return meeting

    def _participants(self, meeting):
        child, household = meeting.child, meeting.household
        worker = self._social_worker(child)
        supervising = household.supervising_social_worker
        people = [
            Participant(meeting=meeting, part="foster_carer", name=household.name, attended=True),
            Participant(meeting=meeting, part="social_worker", user=worker,
                        name=worker.display_name, attended=True),
            Participant(meeting=meeting, part="supervising_social_worker", user=supervising,
                        name=supervising.display_name if supervising else "The agency's "
                        "supervising social worker", attended=True),
        ]  # fmt: skip
        if meeting.kind == Meeting.Kind.UNPLANNED_ENDING or self.rng.random() < 0.5:
            iro = self._iro(child)
            people.append(Participant(meeting=meeting, part="iro", user=iro,
                                      name=iro.display_name, attended=True))  # fmt: skip
        Participant.objects.bulk_create(people)

    def _actions(self, meeting, chair):
        """One to three actions: done on time, done late, or still not done."""
        child, rng = meeting.child, self.rng
        owners = [self._social_worker(child), chair]
        if meeting.household.supervising_social_worker is not None:
            owners.append(meeting.household.supervising_social_worker)
        held_on = timezone.localtime(meeting.held_at, LONDON).date()
        for number in range(rng.randint(1, 3)):
            owner = owners[number % len(owners)]
            due_on = held_on + DAY * rng.randint(7, 28)
            action = Action(
                meeting=meeting, description=rng.choice(ACTIONS), owner=owner, given_to=owner,
                due_on=due_on, created_by=chair,
            )  # fmt: skip
            outcome = rng.random()
            done_on = due_on - DAY * rng.randint(0, 5) if outcome < 0.55 else None
            if 0.55 <= outcome < 0.8:
                done_on = due_on + DAY * rng.randint(2, 12)
            if done_on is not None and done_on <= self.today:
                action.status, action.done_by = Action.Status.DONE, owner
                action.done_at, action.done_note = _moment(done_on, 15), "Done."
            action.save()

    def _ending_meeting(self, placement):
        """The unplanned ending meeting: held (with its learning themes) once its window has
        passed, waived where a stability meeting was held within the waiver window, or still due
        and in the IRO's tray."""
        child, rng = placement.child, self.rng
        window_from, window_by = ending_window(self.policy, placement.ended_on)
        meeting = Meeting(
            authority=self.authority, kind=Meeting.Kind.UNPLANNED_ENDING, placement=placement,
            child=child, household=placement.household, raised_by="placement_ended",
            concern=placement.ending_note, requested_at=placement.ended_at,
            due_from=window_from, due_at=window_by,
        )  # fmt: skip
        with recorded_at(placement.ended_at):
            meeting.save()
            self._record(placement, "ending_meeting_due", placement.ended_by, meeting,
                         detail={"window_from": day_words(window_from),
                                 "window_by": day_words(window_by)})  # fmt: skip
        if (
            waiver_possible(meeting)
            and rng.random() < 0.5
            and placement.ended_at + DAY * 7 < self.now
        ):
            return self._waived(meeting)
        if window_by < self.now and rng.random() < 0.9:
            late = rng.random() < 0.15
            held_on = (window_by + DAY * 5) if late else window_from + DAY * rng.randint(0, 9)
            held_at = _moment(min(held_on.date(), self.today - DAY), 14)
            if held_at < self.now:
                return self._held_ending_meeting(meeting, held_at)
        if window_from - DAY * 14 < self.now:
            routing.to_child_iro(
                meeting, kind=WorkItem.Kind.UNPLANNED_ENDING_MEETING,
                title=routing.meeting_title(meeting), due_at=window_by,
                note=f"Hold between {day_words(window_from)} and {day_words(window_by)}: the "
                f"placement ended in an unplanned way on {day_words(placement.ended_on)}.",
            )  # fmt: skip
        return meeting

    def _waived(self, meeting):
        manager = self._team_manager(meeting.child)
        meeting.status, meeting.closed_by = Meeting.Status.WAIVED, manager
        meeting.closed_at = meeting.requested_at + DAY * self.rng.randint(2, 6)
        meeting.closed_reason = (
            "The stability meeting held a few weeks before the ending looked at what happened "
            "and the learning; the IRO agrees a second meeting would add nothing."
        )
        meeting.save(update_fields=["status", "closed_by", "closed_at", "closed_reason"])
        with recorded_at(meeting.closed_at):
            self._record(meeting.placement, "meeting_waived", manager, meeting,
                         comment=meeting.closed_reason)  # fmt: skip
        return meeting

    def _held_ending_meeting(self, meeting, held_at):
        child, rng = meeting.child, self.rng
        chair = self._iro(child)
        minutes_due_at = policy_due_at(self.policy, "stability_minutes", held_at)
        meeting.status = Meeting.Status.CIRCULATED
        meeting.chair, meeting.scheduled_for, meeting.held_at = chair, held_at, held_at
        meeting.venue = rng.choice(VENUES)
        meeting.sections = _sections(vocabulary.UNPLANNED_ENDING_SECTIONS, child)
        meeting.themes = rng.sample(THEMES, rng.randint(1, 3))
        meeting.minutes_due_at = minutes_due_at
        meeting.circulated_at = min(held_at + DAY * rng.choice((1, 2, 2, 3)), self.now)
        meeting.circulated_by = chair
        meeting.save()
        self._participants(meeting)
        with recorded_at(held_at + HOUR * 2):
            self._record(meeting.placement, "meeting_held", chair, meeting,
                         detail={"held": when(held_at), "chair": chair.display_name,
                                 "minutes_due": when(minutes_due_at),
                                 "reference": meeting.reference})  # fmt: skip
        with recorded_at(meeting.circulated_at):
            self._record(meeting.placement, "minutes_circulated", chair, meeting,
                         detail=self._circulated(meeting))  # fmt: skip
        return meeting

    def _circulated(self, meeting):
        """The addresses the minutes went to, as `services.minutes_circulate` keeps them (the
        participants, the fostering team managers, the review panel administrator), and the
        history's detail of that step, as the service writes it."""
        meeting.circulated_to = [
            address for _name, address, _why in minutes_recipients(meeting)
        ]  # fmt: skip
        meeting.save(update_fields=["circulated_to"])
        return {"count": str(len(meeting.circulated_to)), "reference": meeting.reference}

    def _record(self, placement, what, by, meeting, *, comment="", detail=None):
        """One step of the history, with the `detail` keys the services write for it (the
        sentence's {meeting} is the meeting's kind in words, never its reference)."""
        history.record(
            placement=placement, what=what, by=by, meeting=meeting, comment=comment,
            detail=detail or {},
        )  # fmt: skip


ACTIONS = (
    "Refer to the CAMHS team for an assessment of sleep and anxiety.",
    "Arrange respite for the carers one weekend a month.",
    "Book the carers on the therapeutic parenting course.",
    "Meet the school's designated teacher about a part-time timetable.",
    "Review family time: move it to Saturdays and supervise it at the family centre.",
    "Share the child's full chronology and health assessment with the carers.",
)


def _sections(template, child):
    """Short demo answers for every section of the meeting's template."""
    return {
        key: f"{label.split(':')[0].rstrip('?')}: discussed with everyone present; see "
        f"{child.first_name}'s record for the detail."
        for key, label, _hint in template
    }


def _first_episode_codes(child, household, care_type, *, kinship):
    """What `codes.derive_codes` answers for a child's first placement in Hearth (RNE S), without
    its two queries a child: `kinship` says whether the carers are the child's relatives approved
    for them by name. tests/stability/test_seed.py holds the two to the same answers."""
    long_term = care_type == "long_term"
    if codes.is_childrens_home(household):
        place = "K2"
    elif kinship:
        place = "U1" if long_term else "U3"
    else:
        place = "U4" if long_term else "U6"
    provider = household.provider
    private = "PR5" if provider.sector == "voluntary" else "PR4"
    place_provider = "PR1" if codes.is_in_house(household) else private
    return {
        "place": place,
        "place_provider": place_provider,
        "legal_status": child.legal_status,
        "reason_new_episode": "S",
        "home_postcode": child.home_postcode or "",
        "placement_postcode": household.postcode or "",
        "urn": provider.ofsted_urn or "",
    }
