"""Demo fostering records for a newly seeded council, so that every fostering screen and the
monthly figures have something to show (seed 004 gives the shape: Trafford's 15 to 25 enquiries a
month, a few initial visits, one to three applications, an approval or none, about one carer
leaving a month).

- **History** (`RecruitmentEvent`) over the last 24 months, consistent with the households the
  people seed made: each approved household's enquiry, initial visit, application, assessment and
  approval on its `approved_on`; holds and exits; every child placed with the council's own carers
  from the placements' own rows. Former carers who left in the period are added, so that about one
  household leaves a month, and enquiries that went no further (with their reasons), so that the
  funnel looks like a council's.
- **Work in hand**: open enquiries (some past the 24 hours, some answered, a visit booked), people
  not ready to foster to contact again, two applications with checks part done, assessments in
  progress (one past its 20 weeks) with their visits, a viability assessment and Regulation 24
  approvals of the kinship carers, panel sittings last month, this month and next with an approval
  awaiting the agency decision maker, visits (a few overdue), annual reviews due, training, a
  request for help, a household on hold after an allegation with the LADO consulted, exits with
  reasons, a Project Fostering action plan and other councils' figures to compare with.

Drawn from a random stream of the council's own, dates counted back from `today`; written with
`bulk_create` (fast, and no audit rows: nobody read or changed a record). Runs once, when the
council is seeded; a council that already has a fostering history is left as it is.
"""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from hearth.accounts.roles import Role
from hearth.core.deadlines import (
    LONDON,
    add_months,
    add_working_days,
    is_working_day,
    policy_due_at,
)
from hearth.fostering import vocabulary
from hearth.fostering.kinship import KINSHIP, viability_link
from hearth.fostering.models import (
    ActionPlan,
    Allegation,
    AnnualReview,
    Application,
    Assessment,
    AssessmentVisit,
    ComparatorFigure,
    ComparatorSeries,
    Enquiry,
    EnquiryContact,
    Exit,
    Hold,
    Panel,
    PanelItem,
    PlanAction,
    PlanActionUpdate,
    RecruitmentEvent,
    StatutoryCheck,
    SupportRequest,
    TemporaryApproval,
    Training,
    ViabilityAssessment,
    Visit,
)
from hearth.fostering.panel import decision_key, recommendation_key
from hearth.fostering.recruitment import (
    application_key,
    assessment_due,
    assessment_key,
    enquiry_key,
)
from hearth.fostering.support import support_request_key, visit_key
from hearth.people import seed_data
from hearth.people.models import Carer, Child, Household
from hearth.placements.models import Placement
from hearth.referrals.seed import staff_by_role
from hearth.trays.models import WorkItem

Kind = RecruitmentEvent.Kind
Status = Household.Status
DAY = timedelta(days=1)
MONTHS = 24
FULL_SIZE = 90  # the people seed's first council: Trafford's figures at this size
CHECK_KINDS = [kind for kind, _label in vocabulary.CHECKS]
VISIT_KINDS = dict(vocabulary.VISIT_KINDS)
NOT_PROGRESSED = {
    "not_ready": 22,
    "no_spare_room": 20,
    "changed_mind": 14,
    "work_commitments": 12,
    "no_reply": 14,
    "finances": 5,
    "chose_agency": 5,
    "health": 4,
    "not_suitable": 4,
}
SOURCES = {
    "web": 45,
    "phone": 15,
    "regional_hub": 15,
    "word_of_mouth": 10,
    "event": 7,
    "campaign": 8,
}
EXIT_REASONS = {
    "retirement": 30,
    "health": 15,
    "family_circumstances": 20,
    "moved_to_agency": 8,
    "moved_away": 10,
    "special_guardianship": 12,
    "dissatisfied": 5,
}
CAMPAIGNS = ("Summer foster carer campaign", "Fostering fortnight", "Local radio advert")
EVENTS = ("Information evening at the town hall", "Stall at the summer fair")
PLAN = [
    (
        "Restore the fostering service to growth by increasing sufficiency through recruitment, "
        "retention and utilisation",
        [
            (
                "Update the recruitment and marketing strategy, with a yearly plan of activity and a "
                "target profile of new carers",
                "Recruitment practice manager",
                -40,
                "The strategy is agreed by the senior leadership team.",
                "red",
            ),
            (
                "Increase word-of-mouth recruitment by our own carers, with the reward paid promptly",
                "Recruitment officer",
                120,
                "New carers recruited through recommendations from existing carers.",
                "amber",
            ),
            (
                "Hold a monthly recruitment clinic tracking every prospective carer through each "
                "stage",
                "Head of service",
                60,
                "Monthly sufficiency report to the management team; tracking in place.",
                "green",
            ),
        ],
    ),
    (
        "Improve the quality and timeliness of assessment, preparation, support and supervision "
        "of mainstream and connected carers",
        [
            (
                "Co-produce a new training programme with carers",
                "Training officer",
                90,
                "The programme is agreed and published for approved carers.",
                "amber",
            ),
            (
                "Set up support groups for family and friends carers",
                "Kinship practice manager",
                -10,
                "Connected carers are well supported and build support networks.",
                "green",
            ),
            (
                "Check the quality of every Form F and Form K against the fostering standards",
                "Assessment practice manager",
                150,
                "Assessments are completed within 20 weeks and meet the standards.",
                "green",
            ),
        ],
    ),
    (
        "Embed a robust and timely approach to managing allegations",
        [
            (
                "Review the allegations policy with the LADO and foster carers",
                "Support practice manager",
                45,
                "The policy is fit for purpose and understood by carers.",
                "amber",
            ),
            (
                "Train all fostering staff in managing allegations",
                "Head of service",
                -5,
                "Every member of the fostering team has had the training.",
                "complete",
            ),
        ],
    ),
    (
        "Use performance management and quality assurance to improve practice",
        [
            (
                "Use the utilisation questionnaire with every carer to find untapped capacity",
                "Supervising social workers",
                75,
                "A questionnaire is on every carer's file; spare rooms are known.",
                "green",
            ),
        ],
    ),
]
# Other councils' typical monthly figures: (initial_enquiries, initial_visits, applications,
# assessments, approvals, carer_exits, households, placements).
COMPARATORS = {
    "Stockport": (20, 3, 1, 3, 1, 1, 120, 150),
    "Salford": (9, 2, 1, 3, 1, 1, 95, 118),
    "Bury": (15, 3, 1, 5, 1, 1, 80, 96),
    "Greater Manchester": (170, 30, 11, 35, 8, 9, 1050, 1300),
}
MEASURES = (
    "initial_enquiries",
    "initial_visits",
    "applications",
    "assessments",
    "approvals",
    "carer_exits",
    "households",
    "placements",
)


def _at(day, hour=10, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def _age_on(born, day):
    """Whole years from `born` to `day`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _weighted(rng, weights):
    keys = list(weights)
    return rng.choices(keys, [weights[key] for key in keys])[0]


def seed_fostering(authority, today=None):
    """The council's fostering records; how many history events were written (0 if it had some)."""
    if RecruitmentEvent.objects.filter(authority=authority).exists():
        return 0
    return _Seeding(authority, today or timezone.localdate()).run()


class _Seeding:
    def __init__(self, authority, today):
        self.authority = authority
        self.policy = authority.policy
        self.today = today
        self.now = timezone.now()
        self.rng = random.Random(f"fostering/{authority.ons_code}")
        self.staff = staff_by_role(authority)
        self.events = []
        self.households = list(
            Household.objects.filter(provider=authority).select_related("supervising_social_worker")
        )
        self.scale = max(0.2, len(self.households) / FULL_SIZE)
        self.postcodes = [h.postcode for h in self.households] or ["WN1 1AA"]
        self.numbered = 0
        self.window_start = add_months(today.replace(day=1), -(MONTHS - 1))
        self.work = []  # the tray items of the work in hand, as the services open them
        self.in_progress = []  # assessments under way (Form F and Form K)
        self.visits_made = []

    def person(self, role):
        people = self.staff.get(role) or [None]
        return self.rng.choice(people)

    def event(self, household, kind, on, child=None, reason=""):
        if on <= self.today:
            self.events.append(
                RecruitmentEvent(
                    authority=self.authority,
                    household=household,
                    event=kind,
                    date=on,
                    child=child,
                    reason=reason,
                    source=RecruitmentEvent.Source.HEARTH,
                )
            )

    def due(self, rule, day):
        return policy_due_at(self.policy, rule, _at(day)).date()

    def tray(self, kind, title, *, key, link, user=None, role="", due_at=None):
        """A tray item as the step's service opens it: to `user`, else to everyone holding
        `role`; linked to the page where the work is done."""
        self.work.append(
            WorkItem(
                organisation=self.authority,
                kind=kind,
                title=title[:300],
                key=key,
                link=link,
                assigned_user=user,
                assigned_role="" if user else role,
                due_at=due_at,
            )  # fmt: skip
        )

    def run(self):
        by_status = {}
        for household in self.households:
            by_status.setdefault(household.status, []).append(household)
        approved = [
            h
            for s in (Status.APPROVED, Status.ON_HOLD, Status.DEREGISTERED)
            for h in by_status.get(s, [])
            if h.approved_on
        ]
        for household in approved:
            self.funnel_history(household, household.approved_on)
            self.event(household, Kind.APPROVED, household.approved_on)
        self.exits(by_status.get(Status.DEREGISTERED, []))
        self.former_carers()
        self.holds(by_status.get(Status.ON_HOLD) or self.put_on_hold(by_status))
        assessing = by_status.get(Status.IN_ASSESSMENT, [])
        assessing += self.new_households(max(0, 3 - len(assessing)), Status.IN_ASSESSMENT)
        assessments = self.assessments(assessing)
        self.kinship(by_status.get(Status.TEMPORARY, []))
        self.enquiries()
        self.panels(assessments)
        supported = [
            h
            for s in (Status.APPROVED, Status.TEMPORARY, Status.ON_HOLD)
            for h in by_status.get(s, [])
        ]
        self.support(supported)
        self.placements()
        self.action_plan()
        self.comparators()
        self.assessment_items()
        RecruitmentEvent.objects.bulk_create(self.events)
        WorkItem.objects.bulk_create(self.work)
        return len(self.events)

    # Recruitment history -----------------------------------------------------------------------

    def funnel_history(self, household, approved_on):
        """Enquiry, initial visit, application and assessment started before an approval."""
        rng = self.rng
        enquired = approved_on - DAY * rng.randint(230, 330)
        visited = enquired + DAY * rng.randint(3, 12)
        applied = visited + DAY * rng.randint(14, 60)
        self.event(household, Kind.ENQUIRY, enquired)
        self.event(household, Kind.INITIAL_VISIT, visited)
        self.event(household, Kind.APPLICATION, applied)
        self.event(household, Kind.ASSESSMENT_STARTED, applied + DAY * rng.randint(14, 40))

    def exit_day(self, household):
        earliest = max(self.window_start, (household.approved_on or self.window_start) + 60 * DAY)
        if earliest >= self.today:
            return self.today - DAY
        return earliest + DAY * self.rng.randrange((self.today - earliest).days)

    def exits(self, households):
        exits = []
        for household in households:
            on = self.exit_day(household)
            reason = _weighted(self.rng, EXIT_REASONS)
            kind = "deregistration" if self.rng.random() < 0.15 else "resignation"
            exits.append(
                Exit(
                    authority=self.authority,
                    household=household,
                    kind=kind,
                    reason=reason,
                    exited_on=on,
                    recorded_by=self.person(Role.FOSTERING_TEAM_MANAGER),
                    note="Synthetic demo record.",
                )
            )
            self.event(household, Kind.EXITED, on, reason=reason)
        Exit.objects.bulk_create(exits)

    def new_households(self, count, status, **fields):
        """Households made for the history (enquirers, former carers), with their carers."""
        background = seed_data.BACKGROUNDS["WBRI"]
        homes, carers = [], []
        for _ in range(count):
            self.numbered += 1
            surname = self.rng.choice(seed_data.SURNAMES[background.surnames])
            first = self.rng.choice(seed_data.ADULT_FIRST_NAMES[background.names]["F"])
            home = Household(
                provider=self.authority,
                reference=f"ENQ-{self.numbered}",
                name=f"{surname} household",
                postcode=self.rng.choice(self.postcodes),
                bedrooms=self.rng.choice([0, 1, 1, 2]),
                status=status,
                **fields,
            )
            homes.append(home)
            carers.append(Carer(household=home, first_name=first, last_name=surname))
        Household.objects.bulk_create(homes)
        for home, carer in zip(homes, carers, strict=True):
            carer.household = home
        Carer.objects.bulk_create(carers)
        return homes

    def former_carers(self):
        """Carers who left in the last 24 months, so that about one household leaves a month."""
        already = sum(1 for e in self.events if e.event == Kind.EXITED)
        count = max(0, round(MONTHS * self.scale * 0.9) - already)
        homes = self.new_households(count, Status.DEREGISTERED)
        for home in homes:
            home.approved_on = self.today - DAY * self.rng.randint(900, 5000)
            self.funnel_history(home, home.approved_on)
            self.event(home, Kind.APPROVED, home.approved_on)
        Household.objects.bulk_update(homes, ["approved_on"])
        self.exits(homes)

    def put_on_hold(self, by_status):
        """A council with no household on hold gets one, for the demo of holds and allegations."""
        approved = by_status.get(Status.APPROVED, [])
        if not approved:
            return []
        household = approved[-1]
        approved.remove(household)
        household.status, household.hold_reason = Status.ON_HOLD, "allegation"
        Household.objects.filter(pk=household.pk).update(
            status=Status.ON_HOLD, hold_reason="allegation"
        )
        by_status[Status.ON_HOLD] = [household]
        return [household]

    def holds(self, households):
        holds, allegations = [], []
        for number, household in enumerate(households):
            started = self.today - DAY * self.rng.randint(14, 150)
            reason = "allegation" if number == 0 else household.hold_reason or "other"
            if household.hold_reason != reason:
                household.hold_reason = reason
                Household.objects.filter(pk=household.pk).update(hold_reason=reason)
            hold = Hold(
                authority=self.authority,
                household=household,
                reason=reason,
                started_on=started,
                started_by=self.person(Role.FOSTERING_TEAM_MANAGER),
                note="Not offered to any child until the hold is lifted.",
            )
            holds.append(hold)
            self.event(household, Kind.ON_HOLD, started, reason=reason)
            if reason == "allegation":
                allegations.append((household, hold, started))
        Hold.objects.bulk_create(holds)
        Allegation.objects.bulk_create(
            Allegation(
                authority=self.authority,
                household=household,
                hold=hold,
                received_on=started,
                summary="A child said a carer pushed her during an argument at bedtime.",
                lado_consulted_on=started + DAY,
                lado_reference=f"LADO-{started:%Y}-{index:03d}",
                lado_advice="Strategy discussion held; the police are not involved. Carers on "
                "hold while the fostering team looks into it.",
                recorded_by=self.person(Role.SUPERVISING_SOCIAL_WORKER),
            )
            for index, (household, hold, started) in enumerate(allegations, 1)
        )

    def assessments(self, households):
        """Applications and Form F assessments under way; the longest past its 20 weeks."""
        made = []
        for number, household in enumerate(households):
            weeks = {0: 22, 1: 18, 2: 16}.get(number) or self.rng.randint(2, 19)
            started = self.today - DAY * (7 * weeks + self.rng.randint(0, 6))
            applied = started - DAY * self.rng.randint(14, 40)
            visited = applied - DAY * self.rng.randint(14, 50)
            enquired = visited - DAY * self.rng.randint(3, 12)
            for kind, on in (
                (Kind.ENQUIRY, enquired),
                (Kind.INITIAL_VISIT, visited),
                (Kind.APPLICATION, applied),
                (Kind.ASSESSMENT_STARTED, started),
            ):
                self.event(household, kind, on)
            enquiry = self.enquiry_row(household, enquired, visited, outcome="applied")
            assessor = household.supervising_social_worker or self.person(
                Role.SUPERVISING_SOCIAL_WORKER
            )
            made.append((household, enquiry, applied, started, weeks, assessor))
        Enquiry.objects.bulk_create([enquiry for _h, enquiry, *_rest in made])
        applications = [
            Application(
                authority=self.authority,
                household=household,
                enquiry=enquiry,
                received_on=applied,
                consent_to_checks=True,
                status=Application.Status.ASSESSMENT,
                recorded_by=self.person(Role.FOSTERING_DUTY_WORKER),
            )
            for household, enquiry, applied, *_rest in made
        ]
        Application.objects.bulk_create(applications)
        self.checks([(application, len(CHECK_KINDS)) for application in applications])
        rows = []
        for (household, _e, _a, started, weeks, assessor), application in zip(
            made, applications, strict=True
        ):
            rows.append(
                Assessment(
                    authority=self.authority,
                    household=household,
                    application=application,
                    started_on=started,
                    due_on=self.due("assessment", started),
                    assessor=assessor,
                    training_completed_on=started + 8 * 7 * DAY if weeks > 9 else None,
                )
            )
        Assessment.objects.bulk_create(rows)
        self.assessment_visits(rows)
        self.in_progress += rows
        return sorted(rows, key=lambda a: a.started_on)

    def assessment_visits(self, assessments):
        AssessmentVisit.objects.bulk_create(
            AssessmentVisit(
                assessment=assessment,
                visited_on=assessment.started_on + DAY * (14 * n + 3),
                by=assessment.assessor,
                note="Assessment session with the applicants.",
            )
            for assessment in assessments
            for n in range((self.today - assessment.started_on).days // 14)
        )

    def checks(self, applications):
        """The six statutory checks of each application (`applications`: (application, how many
        are back)); a check back after the application ended, or after today, is not back."""
        checks = []
        for application, done in applications:
            last = min(self.today, application.ended_on or self.today)
            for number, kind in enumerate(CHECK_KINDS):
                completed_on = application.received_on + DAY * (10 + 3 * number)
                complete = number < done and completed_on <= last
                checks.append(
                    StatutoryCheck(
                        application=application,
                        kind=kind,
                        requested_on=application.received_on + DAY,
                        completed_on=completed_on if complete else None,
                        outcome="clear" if complete else "",
                    )
                )
        StatutoryCheck.objects.bulk_create(checks)
        return checks

    def enquiry_row(self, household, received, visited=None, **fields):
        received_at = _at(received, self.rng.randint(8, 19), self.rng.choice([0, 15, 30, 45]))
        received_at = min(received_at, self.now - timedelta(minutes=40))
        answered_at = min(received_at + timedelta(hours=self.rng.randint(1, 20)), self.now)
        source = _weighted(self.rng, SOURCES)
        detail = {"campaign": CAMPAIGNS, "event": EVENTS}.get(source)
        fields = {"spare_room": True, **fields}
        return Enquiry(
            authority=self.authority,
            household=household,
            received_at=received_at,
            source=source,
            source_detail=self.rng.choice(detail) if detail else "",
            respond_by=policy_due_at(self.policy, "enquiry_response", received_at),
            answered_at=answered_at,
            visit_held_on=visited,
            owner=self.person(Role.FOSTERING_DUTY_WORKER),
            **fields,
        )

    def kinship(self, households):
        """Regulation 24 approvals of the kinship carers, each for its named child, approved for
        kinship care (as the approval step sets the terms); the Form K assessment due 16 weeks
        after, with the connected people's application and its statutory checks
        (`kinship_applications`); and one viability assessment asked for."""
        Household.objects.filter(pk__in=[h.pk for h in households]).update(care_types=[KINSHIP])
        for household in households:
            household.care_types = [KINSHIP]
        named = {}
        for household_id, child_id in Household.named_children.through.objects.filter(
            household__in=households
        ).values_list("household_id", "child_id"):
            named.setdefault(household_id, child_id)
        adm = self.person(Role.AGENCY_DECISION_MAKER)
        assessments, approvals = [], []
        for household in households:
            approved_on = household.approved_on or self.today - 21 * DAY
            due = self.due("reg24_assessment", approved_on)
            assessor = household.supervising_social_worker or self.person(
                Role.SUPERVISING_SOCIAL_WORKER
            )
            assessment = Assessment(
                authority=self.authority,
                household=household,
                kind=Assessment.Kind.FORM_K,
                started_on=approved_on,
                due_on=due,
                assessor=assessor,
            )
            assessments.append(assessment)
            approvals.append(
                TemporaryApproval(
                    authority=self.authority,
                    household=household,
                    child_id=named.get(household.pk),
                    assessment=assessment,
                    approved_on=approved_on,
                    approved_by=adm,
                    assessment_due_on=due,
                    reason="The child needed a home that day; the relatives were assessed as "
                    "viable and the child knows them well.",
                )
            )
            self.event(household, Kind.ASSESSMENT_STARTED, approved_on)
        self.kinship_applications(assessments, adm)
        Assessment.objects.bulk_create(assessments)
        TemporaryApproval.objects.bulk_create(approvals)
        self.assessment_visits(assessments)
        self.in_progress += assessments
        self.viability()

    def kinship_applications(self, assessments, by):
        """Each Form K assessment's application, as `kinship.kinship_application` makes it when
        the assessment starts: received that day with consent to the checks, in assessment, no
        `application` step in the history (not a recruitment application); its six checks coming
        back over the weeks after, those still out in the fostering team managers' tray."""
        applications = [
            Application(
                authority=self.authority,
                household=assessment.household,
                received_on=assessment.started_on,
                consent_to_checks=True,
                status=Application.Status.ASSESSMENT,
                recorded_by=by,
            )
            for assessment in assessments
        ]
        Application.objects.bulk_create(applications)
        for assessment, application in zip(assessments, applications, strict=True):
            assessment.application = application
        checks = self.checks([(application, len(CHECK_KINDS)) for application in applications])
        out = {check.application_id for check in checks if check.completed_on is None}
        for application in applications:
            if application.pk in out:
                home = application.household
                self.tray(
                    WorkItem.Kind.STATUTORY_CHECKS,
                    f"Statutory checks for {home.name} ({home.reference})",
                    role=Role.FOSTERING_TEAM_MANAGER,
                    key=application_key(application),
                    link=reverse("fostering_application", args=[application.pk]),
                )

    def viability(self):
        child = (
            Child.objects.filter(authority=self.authority, placed_with__isnull=True)
            .order_by("reference")
            .first()
        )
        if child is None:
            return
        (relative,) = self.new_households(1, Status.ENQUIRY)
        relative.name = f"{child.last_name} household"
        Household.objects.filter(pk=relative.pk).update(
            name=relative.name, care_types=["kinship"], max_children=1, bedrooms=0
        )
        Carer.objects.filter(household=relative).update(last_name=child.last_name)
        viability = ViabilityAssessment.objects.create(
            authority=self.authority,
            child=child,
            household=relative,
            relationship="Maternal aunt",
            requested_by=child.social_worker,
            requested_at=_at(self.today - 6 * DAY, 11),
            assessor=self.person(Role.SUPERVISING_SOCIAL_WORKER),
        )
        self.tray(
            WorkItem.Kind.VIABILITY_ASSESSMENT,
            f"Viability assessment: {relative.name}, {viability.relationship.lower()} of a child",
            role=Role.FOSTERING_TEAM_MANAGER,
            key=f"viability:{viability.pk}",
            link=viability_link(viability),
        )

    # Enquiries that went no further, and those open now ---------------------------------------

    def enquiries(self):
        rng = self.rng
        plans = []
        month = self.window_start
        while month <= self.today:
            count = round(rng.randint(15, 25) * self.scale)
            for _ in range(count):
                received = month + DAY * rng.randrange(28)
                if received <= self.today:
                    plans.append(received)
            month = add_months(month, 1)
        plans.append(self.today)  # one came in today, not yet answered
        plans.sort()
        # The last fortnight's enquiries are being followed up (at least the last five).
        split = min(len(plans) - 5, sum((self.today - day).days >= 14 for day in plans))
        older = plans[: max(0, split)]
        homes = self.new_households(len(plans), Status.NOT_PROGRESSED)
        enquiries = [
            self.plan_enquiry(home, received, recent=number >= len(older))
            for number, (home, received) in enumerate(zip(homes, plans, strict=True))
        ]
        self.late_enquiries(enquiries)
        applying = self.applicants(enquiries)
        Household.objects.bulk_update(homes, ["status"])
        Enquiry.objects.bulk_create(enquiries)
        EnquiryContact.objects.bulk_create(
            EnquiryContact(
                enquiry=enquiry,
                at=enquiry.answered_at,
                by=enquiry.owner,
                method=rng.choice(["call", "email_webinar", "info_pack"]),
                note="Talked through what fostering involves.",
            )
            for enquiry in enquiries
            if enquiry.answered_at
        )
        self.applications(*applying)
        for enquiry in enquiries:
            if enquiry.outcome == Enquiry.Outcome.OPEN and enquiry.answered_at is None:
                home = enquiry.household
                self.tray(
                    WorkItem.Kind.ENQUIRY,
                    f"Answer the fostering enquiry from {home.name} ({home.reference})",
                    role=Role.FOSTERING_DUTY_WORKER,
                    due_at=enquiry.respond_by,
                    key=enquiry_key(enquiry),
                    link=reverse("fostering_enquiry", args=[enquiry.pk]),
                )

    def plan_enquiry(self, home, received, *, recent):
        rng = self.rng
        visited = received + DAY * rng.randint(4, 12)
        if recent:
            home.status = Status.ENQUIRY
            enquiry = self.enquiry_row(home, received, None)
            enquiry.visit_booked_for = _at(visited, 18) if rng.random() < 0.5 else None
            self.event(home, Kind.ENQUIRY, received)
            return enquiry
        went_on = visited <= self.today and rng.random() < 0.25
        reason = _weighted(rng, NOT_PROGRESSED)
        enquiry = self.enquiry_row(
            home,
            received,
            visited if went_on else None,
            outcome=Enquiry.Outcome.NOT_PROGRESSED,
            not_progressed_reason=reason,
            spare_room=reason != "no_spare_room",
            outcome_on=min(
                self.today, (visited if went_on else received) + DAY * rng.randint(1, 20)
            ),
        )
        if reason == "not_ready":
            enquiry.recontact_on = add_months(received, 12)
            if enquiry.recontact_on < self.today - 21 * DAY:
                enquiry.recontacted_on = enquiry.recontact_on + DAY * rng.randint(1, 14)
        self.event(home, Kind.ENQUIRY, received)
        if went_on:
            self.event(home, Kind.INITIAL_VISIT, visited)
        return enquiry

    def late_enquiries(self, enquiries):
        """The newest enquiry and the two newest more than a day old are not yet answered (those
        two past the 24 hours); the others open have been answered."""
        open_ = [e for e in enquiries if e.outcome == Enquiry.Outcome.OPEN]
        day_old = self.now - timedelta(days=1)
        late = [e for e in open_[:-1] if e.received_at < day_old][-2:]
        for enquiry in [*late, *open_[-1:]]:
            enquiry.answered_at, enquiry.visit_booked_for = None, None

    def applicants(self, enquiries):
        """A few enquirers applied each quarter and then withdrew or were not taken forward at
        the checks; two are applying now (their visits a month or more ago). Their enquiries are
        marked applied, as the application step does. (withdrawn, current): (enquiry, applied on,
        why it ended) and (enquiry, applied on)."""
        rng = self.rng
        visited = [e for e in enquiries if e.visit_held_on and e.outcome != Enquiry.Outcome.OPEN]
        settled = [e for e in visited if e.visit_held_on <= self.today - 30 * DAY]
        current_ones = settled[-2:]
        withdrawn, current = [], []
        for enquiry in visited:
            if enquiry in current_ones:
                applied = min(
                    enquiry.visit_held_on + DAY * rng.randint(10, 40), self.today - 20 * DAY
                )
                current.append((enquiry, applied))
                enquiry.household.status = Status.APPLICATION
            elif rng.random() < 0.3:
                applied = min(enquiry.visit_held_on + DAY * rng.randint(10, 40), self.today - DAY)
                withdrawn.append((enquiry, applied, enquiry.not_progressed_reason))
            else:
                continue
            enquiry.outcome, enquiry.outcome_on = Enquiry.Outcome.APPLIED, applied
            enquiry.not_progressed_reason = ""
            enquiry.recontact_on = enquiry.recontacted_on = None
        return withdrawn, current

    def applications(self, withdrawn, current):
        """The applications of `applicants`, each with its six statutory checks: those that
        ended, with why and when, their checks part done by then; those under way, three back."""
        rng = self.rng
        rows = []
        for enquiry, applied, reason in withdrawn:
            self.event(enquiry.household, Kind.APPLICATION, applied)
            status = Application.Status.REFUSED if reason == "not_suitable" else None
            rows.append(
                Application(
                    authority=self.authority,
                    household=enquiry.household,
                    enquiry=enquiry,
                    received_on=applied,
                    consent_to_checks=True,
                    status=status or Application.Status.WITHDRAWN,
                    ended_on=min(self.today, applied + DAY * rng.randint(20, 80)),
                    end_reason=reason,
                    recorded_by=self.person(Role.FOSTERING_DUTY_WORKER),
                )
            )
        waiting = []
        for enquiry, applied in current:
            self.event(enquiry.household, Kind.APPLICATION, applied)
            waiting.append(
                Application(
                    authority=self.authority,
                    household=enquiry.household,
                    enquiry=enquiry,
                    received_on=applied,
                    consent_to_checks=True,
                    recorded_by=self.person(Role.FOSTERING_DUTY_WORKER),
                )
            )
        Application.objects.bulk_create(rows + waiting)
        self.checks([(a, rng.randint(1, 5)) for a in rows] + [(a, 3) for a in waiting])
        for application in waiting:
            home = application.household
            self.tray(
                WorkItem.Kind.STATUTORY_CHECKS,
                f"Statutory checks for {home.name} ({home.reference})",
                role=Role.FOSTERING_TEAM_MANAGER,
                key=application_key(application),
                link=reverse("fostering_application", args=[application.pk]),
            )

    # Panel -----------------------------------------------------------------------------------------

    def sittings(self, month):
        """The policy's number of sittings a month, spread over its working days."""
        days, day = [], month
        while day.month == month.month:
            if is_working_day(day):
                days.append(day)
            day += DAY
        count = self.policy.threshold("panels_per_month")
        return [days[(2 * n + 1) * len(days) // (2 * count)] for n in range(count)]

    def panels(self, assessments):
        this_month = self.today.replace(day=1)
        days = [
            day
            for month in (add_months(this_month, -1), this_month, add_months(this_month, 1))
            for day in self.sittings(month)
        ]
        panels = [
            Panel(
                authority=self.authority,
                sits_on=day,
                venue="Council offices, committee room 2",
                chair="Independent panel chair",
            )
            for day in days
        ]
        Panel.objects.bulk_create(panels)
        ready = [a for a in assessments if a.due_on >= self.today and a.training_completed_on]
        past = [p for p in panels if add_working_days(p.sits_on, 3) <= self.today]
        future = [p for p in panels if p.sits_on > self.today]
        if ready and past:
            self.awaiting_decision(past[-1], ready.pop(0))
        if ready and future:
            self.on_agenda(future[0], ready.pop(0))

    def _at_panel(self, assessment, report_on):
        assessment.status, assessment.report_completed_on = Assessment.Status.AT_PANEL, report_on
        assessment.save(update_fields=["status", "report_completed_on"])

    def awaiting_decision(self, panel, assessment):
        """Panel recommended approval and the minutes are with the agency decision maker."""
        self._at_panel(assessment, panel.sits_on - 14 * DAY)
        panel.minutes_received_on = add_working_days(panel.sits_on, 3)
        panel.minutes = "The panel recommends approval of the applicants as short-term carers."
        panel.save(update_fields=["minutes_received_on", "minutes"])
        due_at = policy_due_at(
            self.policy, "adm_decision", _at(panel.minutes_received_on, 9)
        )  # as the panel's minutes step counts it
        item = PanelItem.objects.create(
            panel=panel,
            household=assessment.household,
            business="assessment",
            assessment=assessment,
            presented_by=assessment.assessor,
            recommendation="approve",
            recommendation_notes="A warm, well-prepared couple with a good support network.",
            recommended_at=_at(panel.sits_on, 11),
            min_age=0,
            max_age=10,
            max_children=2,
            care_types=["short_term", "emergency"],
            decision_due_on=due_at.date(),
        )
        self.tray(
            WorkItem.Kind.ADM_DECISION,
            f"Decision after panel: {item.get_business_display()}, {item.household.name}",
            role=self.policy.approver("fostering_decision"),
            due_at=due_at,
            key=decision_key(item),
            link=reverse("fostering_decision", args=[item.pk]),
        )
        Training.objects.create(
            household=assessment.household,
            course="safeguarding",
            completed_on=panel.sits_on - 30 * DAY,
        )

    def on_agenda(self, panel, assessment):
        self._at_panel(assessment, self.today - 3 * DAY)
        item = PanelItem.objects.create(
            panel=panel,
            household=assessment.household,
            business="assessment",
            assessment=assessment,
            presented_by=assessment.assessor,
        )
        self.tray(
            WorkItem.Kind.PANEL_RECOMMENDATION,
            f"Record the panel's recommendation: {item.household.name}",
            role=Role.FOSTERING_TEAM_MANAGER,
            due_at=datetime.combine(panel.sits_on, time(23, 59, 59), tzinfo=LONDON),
            key=recommendation_key(item),
            link=reverse("fostering_panel_item", args=[item.pk]),
        )

    # Support ---------------------------------------------------------------------------------------

    def support(self, households):
        rng = self.rng
        visits, training = [], []
        for number, household in enumerate(households):
            approved_on = household.approved_on or self.today - 30 * DAY
            weeks = 4 if (self.today - approved_on).days < 365 else 8
            gap = (
                weeks * 7 + rng.randint(10, 30)
                if number % 9 == 4
                else rng.randint(3, weeks * 7 - 3)
            )
            visited = max(self.today - DAY * gap, min(approved_on + DAY, self.today - DAY))
            visits.append(self.visit(household, "supervisory", visited, number))
            unannounced = self.today - DAY * rng.randint(20, 170 if number % 11 else 220)
            if unannounced > approved_on:
                visits.append(self.visit(household, "unannounced", unannounced, number + 1))
            if household.status != Status.TEMPORARY:
                training.append(
                    Training(
                        household=household,
                        course="safeguarding",
                        completed_on=approved_on - DAY * rng.randint(20, 60),
                    )
                )
                training.append(
                    Training(
                        household=household,
                        course="skills_to_foster",
                        completed_on=approved_on - DAY * rng.randint(70, 120),
                    )
                )
        Visit.objects.bulk_create(visits)
        self.visit_items(visits)
        reviews = self.annual_reviews([h for h in households if h.status != Status.TEMPORARY])
        AnnualReview.objects.bulk_create(reviews)
        Training.objects.bulk_create(training)
        self.support_requests([h for h in households if h.status == Status.APPROVED][:2])

    def annual_reviews(self, households):
        """Each approved household's latest annual review, held about its approval's anniversary
        (now and then a year late, so that review is overdue), the next one due a year after it
        (the rule of `review_due_at`), and a review to hold for those due within 8 weeks."""
        reviews, changed = [], []
        for number, household in enumerate(households):
            years = _age_on(household.approved_on, self.today)
            if years >= 1:
                years -= 1 if years >= 2 and number % 12 == 5 else 0
                anniversary = add_months(household.approved_on, 12 * years)
                held_on = max(household.approved_on, anniversary - DAY * self.rng.randint(0, 20))
                reviews.append(
                    AnnualReview(
                        authority=self.authority,
                        household=household,
                        due_on=anniversary,
                        first=years == 1,
                        status=AnnualReview.Status.COMPLETE,
                        held_on=held_on,
                        reviewer=self.person(Role.IRO),
                        recommendation="continue",
                        carers_views="Happy with the support; would like more training on "
                        "teenagers.",
                    )
                )
                household.review_due_at = policy_due_at(self.policy, "annual_review", _at(held_on))
                changed.append(household)
            due = household.review_due_at
            if due and due.date() <= self.today + 56 * DAY:
                reviews.append(
                    AnnualReview(
                        authority=self.authority,
                        household=household,
                        due_on=due.date(),
                        first=years == 0,
                    )
                )
        Household.objects.bulk_update(changed, ["review_due_at"])
        return reviews

    def visit(self, household, kind, day, number):
        visited_at = _at(day, 10 + number % 6)
        record_due = policy_due_at(self.policy, "visit_recording", visited_at)
        written = number % 13 != 6 or day < self.today - 30 * DAY
        recorded_at = visited_at + timedelta(hours=self.rng.randint(2, 40)) if written else None
        to_carer_due = policy_due_at(
            self.policy, "supervision_record_to_carer", recorded_at or record_due
        )
        sent = recorded_at.date() + DAY * self.rng.randint(1, 10) if recorded_at else None
        return Visit(
            authority=self.authority,
            household=household,
            kind=kind,
            visited_at=visited_at,
            by=household.supervising_social_worker,
            children_present=kind == "unannounced",
            record="Talked with the carers about the children's routines and their support."
            if written
            else "",
            record_due_at=record_due,
            recorded_at=recorded_at,
            to_carer_due_at=to_carer_due,
            sent_to_carer_on=sent if sent and sent <= self.today else None,
        )

    def support_requests(self, households):
        for number, household in enumerate(households):
            received_at = self.now - timedelta(hours=30 if number == 0 else 3)
            request = SupportRequest.objects.create(
                authority=self.authority,
                household=household,
                received_at=received_at,
                about="The carers ask for respite over half term: a family wedding."
                if number == 0
                else "Help with a school uniform grant for the child placed.",
                respond_by=policy_due_at(self.policy, "support_request", received_at),
                recorded_by=self.person(Role.FOSTERING_DUTY_WORKER),
            )
            worker = household.supervising_social_worker
            self.tray(
                WorkItem.Kind.SUPPORT_REQUEST,
                f"{household.name} asked for support",
                user=worker if worker is not None and worker.is_active else None,
                role=Role.FOSTERING_DUTY_WORKER,
                due_at=request.respond_by,
                key=support_request_key(request),
                link=reverse("fostering_support_request", args=[request.pk]),
            )

    def visit_items(self, visits):
        """A visit not yet written up and sent to the carers waits in the visitor's tray: due
        when the record is, then when the carers should have it."""
        for visit in visits:
            if visit.sent_to_carer_on is None:
                self.tray(
                    WorkItem.Kind.VISIT_RECORD,
                    f"{VISIT_KINDS[visit.kind]} to {visit.household.name}: write it up and send "
                    "it to the carers",
                    user=visit.by,
                    role=Role.SUPERVISING_SOCIAL_WORKER,
                    due_at=visit.to_carer_due_at if visit.recorded_at else visit.record_due_at,
                    key=visit_key(visit),
                    link=reverse("fostering_visit", args=[visit.pk]),
                )

    def assessment_items(self):
        """An assessment under way, its report not yet complete, waits in its assessor's tray
        until its due day (the extended day after a Regulation 25 extension)."""
        for assessment in self.in_progress:
            if assessment.status != Assessment.Status.IN_PROGRESS:
                continue
            if assessment.report_completed_on is not None:
                continue
            self.tray(
                WorkItem.Kind.ASSESSMENT,
                f"{assessment.get_kind_display()} assessment of {assessment.household.name}",
                user=assessment.assessor,
                role=Role.SUPERVISING_SOCIAL_WORKER,
                due_at=_at(assessment_due(assessment), 23, 59),
                key=assessment_key(assessment),
                link=reverse("fostering_assessment", args=[assessment.pk]),
            )

    # Placements, plan, comparators -------------------------------------------------------------

    def placements(self):
        for placement in Placement.objects.filter(
            household__provider=self.authority
        ).select_related("household", "child"):
            self.event(
                placement.household,
                Kind.PLACEMENT_STARTED,
                placement.started_on,
                child=placement.child,
            )
            if placement.ended_on:
                self.event(
                    placement.household,
                    Kind.PLACEMENT_ENDED,
                    placement.ended_on,
                    child=placement.child,
                )

    def action_plan(self):
        lead = self.person(Role.FOSTERING_TEAM_MANAGER)
        plan = ActionPlan.objects.create(
            authority=self.authority,
            title="Project Fostering",
            summary="Our plan to modernise the fostering service and improve recruitment, "
            "retention and utilisation, overseen by the Project Fostering board each month.",
            created_by=lead,
        )
        actions = [
            PlanAction(
                plan=plan,
                objective=objective,
                action=action,
                lead=who,
                due_on=self.today + DAY * days,
                success=success,
                rag=rag,
            )
            for objective, rows in PLAN
            for action, who, days, success, rag in rows
        ]
        PlanAction.objects.bulk_create(actions)
        updates = []
        for action in actions:
            first = "green" if action.rag != "red" else "amber"
            updates.append(
                PlanActionUpdate(
                    action=action, rag=first, note="Action added", by=lead, at=self.now - 90 * DAY
                )
            )
            if action.rag != first:
                updates.append(
                    PlanActionUpdate(
                        action=action,
                        rag=action.rag,
                        by=lead,
                        at=self.now - 20 * DAY,
                        note="Reviewed at the Project Fostering board.",
                    )
                )
        PlanActionUpdate.objects.bulk_create(updates)

    def comparators(self):
        months = [add_months(self.window_start, n) for n in range(MONTHS)]
        for name, typical in COMPARATORS.items():
            series = ComparatorSeries.objects.create(
                authority=self.authority,
                name=name,
                imported_at=self.now,
                filename=f"{name.lower().replace(' ', '-')}-fostering-figures.csv",
            )
            rng = random.Random(f"comparators/{self.authority.ons_code}/{name}")
            households, placements = typical[6], typical[7]
            figures = []
            for month in months:
                values = [max(0, round(v * rng.uniform(0.5, 1.5))) for v in typical[:6]]
                households += values[4] - values[5]
                placements += rng.randint(-3, 3)
                values += [households, placements]
                figures += [
                    ComparatorFigure(series=series, month=month, measure=m, value=Decimal(v))
                    for m, v in zip(MEASURES, values, strict=True)
                ]
            ComparatorFigure.objects.bulk_create(figures)
