"""The demo council's statutory data (SSDA903), so that its returns for last year, the year
before and the current year so far pass the DfE's rules (`csc-validator-be-903`) with no errors.

The placements come from the stability seed (`hearth.stability.seed`), their episodes from
`hearth.ssda903.episodes`. On top of them this seed records what a council's return also holds:

- every child's return details (`ChildReturn`): a UPN with its check letter (a UN code for a child
  under 5 not at school, or newly arrived from abroad), the category of need, MOTHER for girls
  (a few older girls are mothers), and the unaccompanied asylum-seeking children;
- legal status changes as courts and the police make them: police protection (L1) lasts at most
  72 hours and an emergency protection order (L2) at most 21 days before an interim care order or
  accommodation, and some interim care orders (C1) become full care orders (C2);
- for some children, the care before Hearth: an episode imported from an earlier return that
  ended with a move (REC X1) on the day the first placement in Hearth started;
- reviews (the first within 20 days, the second within 3 months, then every 6 months), missing
  episodes of some older children, health outcomes (OC2) of children looked after for 12 months
  on 31 March, previous permanence of every child starting to be looked after, placement order
  decisions (placed for adoption) of children under placement orders, and social worker episodes
  from the children's social workers, who get Social Work England numbers.

Deterministic (a random stream of the council's own, dates from the seeded placements), written in
bulk, once (a council whose children have return details is left as it is), and unaudited.
"""

import random
from datetime import timedelta

from django.utils import timezone

from hearth.accounts.models import Membership, User
from hearth.accounts.roles import Role
from hearth.audit.services import synthetic_history
from hearth.people.forms import age_on
from hearth.people.models import Child, Household
from hearth.placements.codes import CHANGE_OF_EPISODE, NO_PROVIDER_PLACES
from hearth.placements.models import Placement
from hearth.ssda903 import episodes as episode_writer
from hearth.ssda903.models import (
    ChildReturn,
    Episode,
    HealthOutcome,
    LegalStatusChange,
    MissingEpisode,
    PlacedForAdoption,
    PreviousPermanence,
    Review,
    SocialWorkerEpisode,
)
from hearth.ssda903.recording import upn_check_letter
from hearth.ssda903.tables import year_bounds

DAY = timedelta(days=1)
# The DfE's numbers of the seed's councils (a UPN's characters 2 to 4), by ONS code: Greater
# Manchester's are 350 (Bolton) to 359 (Wigan), E08000001 to E08000010.
LA_NUMBERS = {f"E080000{n:02d}": str(349 + n) for n in range(1, 11)}
# A short-lived legal status: what follows it, and on which day of it.
SHORT_STATUSES = {"L1": ("V2", 2), "L2": ("C1", 14)}
INTERIM_TO_FULL = 0.7  # of interim care orders (C1), how many become care orders (C2) later
EARLIER_CARE = 0.3  # of the children whose first placement in Hearth began their care
CATEGORIES = {"N1": 60, "N4": 8, "N5": 16, "N6": 3, "N2": 4, "N3": 4, "N7": 1, "N8": 4}
PLACE_CHANGES = ("CARPL", "CARPL", "PLACE", "CREQB", "CHILD")
PARTICIPATION = {"PN1": 55, "PN2": 10, "PN3": 10, "PN4": 8, "PN5": 5, "PN6": 7, "PN7": 5}


def make_upn(la_number, year, serial):
    digits = f"{la_number}{year % 100:02d}{serial:07d}"
    return upn_check_letter(digits) + digits


def _weighted(rng, weights):
    keys = list(weights)
    return rng.choices(keys, [weights[key] for key in keys])[0]


def seed_returns(authority):
    """The council's statutory data, once; how many children got return details."""
    if ChildReturn.objects.filter(child__authority=authority).exists():
        return 0
    with synthetic_history():
        return _Returns(authority).seed()


class _Returns:
    def __init__(self, authority):
        self.authority = authority
        self.rng = random.Random(f"ssda903/{authority.ons_code}")
        self.today = timezone.localdate()
        self.children = list(
            Child.objects.filter(authority=authority)
            .select_related("social_worker")
            .order_by("reference")
        )
        self.placements = {}
        for placement in Placement.objects.filter(authority=authority).order_by(
            "child_id", "started_on", "pk"
        ):
            self.placements.setdefault(placement.child_id, []).append(placement)
        self._by_pk = {child.pk: child for child in self.children}

    def seed(self):
        self.workers = self._registration_numbers()
        self._fostering_urn()
        self.details = self._child_returns()
        self._no_home_postcode_for_asylum_seekers()
        changed = self._legal_statuses()
        self._earlier_care()
        episode_writer.refresh_many(self.children)
        self.periods = self._periods()
        self._reviews()
        self._missing()
        self._health_outcomes()
        self._previous_permanence()
        self._placement_orders(changed)
        self._social_worker_episodes()
        return len(self.details)

    # The council's people and its fostering service ---------------------------------------

    def _registration_numbers(self):
        """Social Work England numbers for the council's social workers who have none."""
        ids = set(
            Membership.objects.filter(
                organisation=self.authority, role=Role.SOCIAL_WORKER
            ).values_list("user_id", flat=True)
        ) | {child.social_worker_id for child in self.children if child.social_worker_id}
        users = list(User.objects.filter(pk__in=ids).order_by("pk"))
        taken = set(
            User.objects.exclude(registration_number="").values_list(
                "registration_number", flat=True
            )
        )
        for user in users:
            while not user.registration_number or user.registration_number in taken:
                user.registration_number = f"SW{self.rng.randint(10000, 999999)}"
            taken.add(user.registration_number)
        User.objects.bulk_update(users, ["registration_number"])
        return {user.pk: user.registration_number for user in users}

    def _fostering_urn(self):
        """The council's fostering service's Ofsted URN, on the placements with its carers (the
        return's URN of a foster placement: rule 218)."""
        if not self.authority.ofsted_urn:
            urn = f"SC{self.rng.randint(100000, 999999)}"
            while type(self.authority).objects.filter(ofsted_urn=urn).exists():
                urn = f"SC{self.rng.randint(100000, 999999)}"
            self.authority.ofsted_urn = urn
            self.authority.save(update_fields=["ofsted_urn"])
        Placement.objects.filter(authority=self.authority, provider=self.authority, urn="").exclude(
            place__in=NO_PROVIDER_PLACES
        ).update(urn=self.authority.ofsted_urn)
        for placements in self.placements.values():
            for placement in placements:
                if placement.provider_id == self.authority.pk and not placement.urn:
                    placement.urn = self.authority.ofsted_urn

    # Return details ----------------------------------------------------------------------

    def _child_returns(self):
        la_number = LA_NUMBERS.get(self.authority.ons_code, self.authority.ons_code[-3:])
        details = {}
        for serial, child in enumerate(self.children, 1):
            asylum = "unaccompanied_asylum" in (child.needs or [])
            age = age_on(child.date_of_birth, self.today)
            if asylum:
                upn = "UN2"  # newly arrived from overseas
            elif age < 5:
                upn = "UN1"  # under 5 and not at school
            else:
                upn = make_upn(la_number, child.date_of_birth.year + 5, serial)
            mother, mc_dob = "", None
            if child.sex == "F":
                mother = "0"
                if age >= 17 and not asylum and self.rng.random() < 0.15:
                    mother = "1"
                    mc_dob = self.today - DAY * self.rng.randint(60, 300)
            details[child.pk] = ChildReturn(
                child=child,
                upn=upn,
                mother=mother,
                mc_dob=mc_dob,
                category_of_need="N8" if asylum else _weighted(self.rng, CATEGORIES),
                uasc=asylum,
                # A UASC child stops being one at 18 (rule 205B wants that day, even ahead).
                uasc_ceased_on=_eighteenth(child.date_of_birth) if asylum else None,
            )
        ChildReturn.objects.bulk_create(details.values())
        return details

    def _no_home_postcode_for_asylum_seekers(self):
        """An unaccompanied asylum-seeking child has no home address here: HOME_POST is blank
        (rule 406: no distance from home for a UASC child)."""
        asylum = [pk for pk, details in self.details.items() if details.uasc]
        Placement.objects.filter(child_id__in=asylum).update(home_postcode="")
        Child.objects.filter(pk__in=asylum).update(home_postcode="")
        for child_id in asylum:
            for placement in self.placements.get(child_id, []):
                placement.home_postcode = ""
            self._by_pk[child_id].home_postcode = ""

    # Legal status changes ------------------------------------------------------------------

    def _legal_statuses(self):
        """Changes of legal status inside the children's placements; each later placement and
        the child take the status in force. Answers {child id: [statuses in turn]}."""
        changes, statuses, moved = [], {}, []
        for child in self.children:
            placements = self.placements.get(child.pk)
            if not placements:
                continue
            first = placements[0]
            timeline = self._timeline(first)
            timeline = [(day, status) for day, status in timeline if _inside(placements, day)]
            statuses[child.pk] = [first.legal_status, *(status for _day, status in timeline)]
            changes += [
                LegalStatusChange(
                    child=child, changed_on=day, legal_status=status, previous_status=before,
                    recorded_at=timezone.now(),
                )
                for (day, status), before in zip(
                    timeline, statuses[child.pk], strict=False
                )
            ]  # fmt: skip
            for placement in placements[1:]:
                in_force = [s for d, s in timeline if d < placement.started_on]
                if in_force and placement.legal_status != in_force[-1]:
                    placement.legal_status = in_force[-1]
                    moved.append(placement)
            if timeline and child.legal_status != timeline[-1][1]:
                child.legal_status = timeline[-1][1]
                Child.objects.filter(pk=child.pk).update(legal_status=child.legal_status)
        LegalStatusChange.objects.bulk_create(changes)
        Placement.objects.bulk_update(moved, ["legal_status"])
        return statuses

    def _timeline(self, first):
        status, started = first.legal_status, first.started_on
        timeline = []
        if status in SHORT_STATUSES:
            status, after = SHORT_STATUSES[status]
            started += DAY * after
            timeline.append((started, status))
        if status == "C1" and self.rng.random() < INTERIM_TO_FULL:
            started += DAY * self.rng.randint(90, 300)
            if started < self.today:
                timeline.append((started, "C2"))
        return timeline

    # Care before Hearth ---------------------------------------------------------------------

    def _earlier_care(self):
        """For some children whose first placement in Hearth began their care: the placement
        before it, imported from an earlier return (the first in Hearth becomes a move, RNE P)."""
        homes = list(
            Household.objects.filter(provider=self.authority)
            .exclude(postcode="")
            .values_list("postcode", flat=True)
            .order_by("pk")
        )
        made, moved = [], []
        for child in self.children:
            placements = self.placements.get(child.pk)
            if not placements or not homes:
                continue
            first = placements[0]
            if first.reason_new_episode != "S" or first.legal_status not in ("C2", "V2", "E1"):
                continue
            if self.rng.random() >= EARLIER_CARE:
                continue
            started = first.started_on - DAY * self.rng.randint(150, 900)
            if age_on(child.date_of_birth, started) < 1:
                continue
            made.append(
                Episode(
                    authority=self.authority, child=child, source=Episode.Source.IMPORTED,
                    decom=started, rne="S", ls=first.legal_status,
                    cin=self.details[child.pk].category_of_need,
                    place="U6", place_provider="PR1", dec=first.started_on,
                    rec=CHANGE_OF_EPISODE, reason_place_change=self.rng.choice(PLACE_CHANGES),
                    home_post=first.home_postcode,
                    pl_post=self.rng.choice(homes), urn=self.authority.ofsted_urn,
                )
            )  # fmt: skip
            first.reason_new_episode = "P"
            moved.append(first)
        Episode.objects.bulk_create(made)
        Placement.objects.bulk_update(moved, ["reason_new_episode"])

    # Periods of care --------------------------------------------------------------------------

    def _periods(self):
        """{child id: [(first day, last day or None, [episodes])]}: each time in care, its
        episodes joined by moves (REC X1)."""
        periods = {}
        for episode in Episode.objects.filter(authority=self.authority).order_by(
            "child_id", "decom", "pk"
        ):
            mine = periods.setdefault(episode.child_id, [])
            if mine and mine[-1][2][-1].rec == CHANGE_OF_EPISODE:
                mine[-1][2].append(episode)
            else:
                mine.append((episode.decom, None, [episode]))
        return {
            child_id: [(start, eps[-1].dec, eps) for start, _end, eps in mine]
            for child_id, mine in periods.items()
        }

    # Reviews, missing, outcomes ---------------------------------------------------------------

    def _reviews(self):
        reviews = []
        children = self._by_pk
        for child_id, periods in self.periods.items():
            born = children[child_id].date_of_birth
            for start, end, _episodes in periods:
                last = min(end or self.today, self.today)
                day = start + DAY * self.rng.randint(7, 19)
                gaps = [self.rng.randint(60, 88)]
                while day < last:
                    age = age_on(born, day)
                    code = "PN0" if age < 4 else _weighted(self.rng, PARTICIPATION)
                    reviews.append(
                        Review(authority=self.authority, child_id=child_id, reviewed_on=day,
                               participation=code)
                    )  # fmt: skip
                    day += DAY * (gaps.pop() if gaps else self.rng.randint(150, 178))
        Review.objects.bulk_create(reviews, batch_size=2000)

    def _missing(self):
        missing = []
        children = self._by_pk
        for child_id, periods in self.periods.items():
            born = children[child_id].date_of_birth
            start, end, _episodes = periods[-1]
            last = min(end or self.today, self.today) - DAY * 5
            if age_on(born, self.today) < 12 or self.rng.random() > 0.3 or last - start < DAY * 30:
                continue
            for _ in range(self.rng.randint(1, 3)):
                began = start + DAY * self.rng.randint(10, (last - start).days - 4)
                if age_on(born, began) < 11:
                    continue
                missing.append(
                    MissingEpisode(
                        authority=self.authority, child_id=child_id,
                        kind="M" if self.rng.random() < 0.75 else "A", started_on=began,
                        ended_on=began + DAY * self.rng.randint(0, 3),
                    )
                )  # fmt: skip
        MissingEpisode.objects.bulk_create(missing)

    def _years(self):
        current = self.today.year if self.today.month >= 4 else self.today.year - 1
        return range(current - 3, current + 1)

    def _health_outcomes(self):
        """OC2 for each year's children looked after for 12 months on its 31 March."""
        outcomes = []
        children = self._by_pk
        for year in self._years():
            first, last = year_bounds(year)
            for child_id, periods in self.periods.items():
                start, end, episodes = periods[-1]
                if any(
                    p_start <= first and (p_end is None or p_end > last)
                    for p_start, p_end, _eps in periods
                ) and not all(e.ls in ("V3", "V4") for e in episodes):
                    outcomes.append(self._oc2(children[child_id], year, last))
        HealthOutcome.objects.bulk_create(outcomes, batch_size=2000)

    def _oc2(self, child, year, on):
        age = age_on(child.date_of_birth, on)
        rng = self.rng
        sdq, reason = "", ""
        if 4 <= age <= 17:  # turning 4 to 17 in the year (rules 197B and 157)
            if rng.random() < 0.85:
                sdq = str(rng.randint(4, 28))
            else:
                reason = rng.choice(("SDQ2", "SDQ3", "SDQ4", "SDQ5"))
        misuse = "1" if age >= 13 and rng.random() < 0.06 else "0"
        return HealthOutcome(
            authority=self.authority, child=child, year=year, sdq_score=sdq, sdq_reason=reason,
            convicted="1" if age >= 10 and rng.random() < 0.04 else ("0" if age >= 10 else ""),
            health_check="1" if age < 5 else "", immunisations="1" if rng.random() < 0.9 else "0",
            teeth_check="1" if rng.random() < 0.85 else "0", health_assessment="1",
            substance_misuse=misuse, intervention_received="1" if misuse == "1" else "",
            intervention_offered="",
        )  # fmt: skip

    def _previous_permanence(self):
        made = []
        for child_id, periods in self.periods.items():
            if any(eps[0].rne == "S" for _start, _end, eps in periods):
                made.append(
                    PreviousPermanence(
                        authority=self.authority, child_id=child_id,
                        previous_permanence="Z1" if self.rng.random() < 0.9 else "P2",
                    )
                )  # fmt: skip
        la_number = LA_NUMBERS.get(self.authority.ons_code, "999")
        for record in made:
            if record.previous_permanence != "Z1":  # a special guardianship order, day unknown
                start = self.periods[record.child_id][0][0] - DAY * self.rng.randint(400, 1500)
                record.la_perm = la_number
                record.date_perm = f"zz/{start:%m/%Y}"
        PreviousPermanence.objects.bulk_create(made)

    def _placement_orders(self, statuses):
        """A decision to place for adoption for each child who was under a placement order
        (E1); ceased when they left care otherwise than by adoption."""
        made = []
        for child_id, periods in self.periods.items():
            eps = [e for _s, _e, group in periods for e in group if e.ls in ("E1", "D1")]
            if not eps:
                continue
            began = next(start for start, _end, group in periods if eps[0] in group)
            decided = max(began, eps[0].decom - DAY * self.rng.randint(20, 90))
            _start, end, group = periods[-1]
            ceased = end if end and group[-1].rec not in ("E11", "E12") else None
            made.append(
                PlacedForAdoption(
                    authority=self.authority, child_id=child_id, placed_on=decided,
                    ceased_on=ceased, reason_ceased="RD4" if ceased else "",
                )
            )  # fmt: skip
        PlacedForAdoption.objects.bulk_create(made)

    def _social_worker_episodes(self):
        """A social worker from the first day in care (SW_REASON FCONTA, first contact), and a
        change of worker (LEFTRL, the worker left the role; MANAGE, a manager's decision) now
        and then while in care, never in the last days of March (rule SW11bSTG2 reads a change
        then as a worker missing); the last stays open, care leavers keeping theirs (SW17STG2),
        and no change after leaving care (SW12STG2)."""
        made = []
        workers = list(self.workers.values())
        for child_id, periods in self.periods.items():
            child = self._by_pk[child_id]
            current = self.workers.get(child.social_worker_id) or (workers or ["SW000000"])[0]
            day, changes = periods[0][0], []
            left_care = periods[-1][1]
            until = min(left_care or self.today, self.today - DAY * 30)
            while len(workers) > 1:
                day += DAY * self.rng.randint(250, 600)
                if day >= until:
                    break
                if not (day.month == 3 and day.day >= 20):  # not in the year's last days
                    changes.append(day)
            days = [periods[0][0], *changes]
            others = [worker for worker in workers if worker != current] or [current]
            for number, began in enumerate(days):
                last_one = number == len(days) - 1
                made.append(
                    SocialWorkerEpisode(
                        authority=self.authority, child_id=child_id,
                        social_worker_id=current if last_one else self.rng.choice(others),
                        started_on=began, ended_on=None if last_one else days[number + 1],
                        reason="FCONTA" if number == 0 else self.rng.choice(("LEFTRL", "MANAGE")),
                    )
                )  # fmt: skip
        SocialWorkerEpisode.objects.bulk_create(made, batch_size=2000)


def _eighteenth(born):
    try:
        return born.replace(year=born.year + 18)
    except ValueError:  # born on 29 February
        return born.replace(year=born.year + 18, day=28)


def _inside(placements, day):
    """Whether `day` is strictly inside one of the placements (a change there splits it)."""
    return any(
        placement.started_on < day and (placement.ended_on is None or day < placement.ended_on)
        for placement in placements
    )
