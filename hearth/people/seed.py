"""Synthetic but plausible councils, agencies, children and foster homes, for demos and tests.

The first council is Wigan, the second Trafford (a smaller one, to show the walls between councils),
further ones other Greater Manchester councils. Agencies are shared: every council has a contract
with each. Postcodes are real (ONS), each in its council's area.

Everything is drawn from random streams seeded from `random_seed`, and ages count from a fixed date,
so the same arguments on an empty database give the same records. Running again on the same database
creates nothing twice: a council or agency that already exists is left as it is. Seeding is nobody's
read or write of a record, so it writes no audit rows.
"""

import math
import random
import re
import statistics
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils.text import slugify

from hearth.accounts.models import Membership, User
from hearth.accounts.roles import AUTHORITY_ROLES, Role
from hearth.core import postcodes
from hearth.core.models import Contract, Organisation, Policy, ProviderContact, Team
from hearth.fostering.seed import seed_fostering
from hearth.people import seed_data
from hearth.people.models import Carer, Child, Household, SiblingGroup
from hearth.people.services import review_due_at
from hearth.referrals import seed as referral_seed
from hearth.ssda903.seed import seed_returns
from hearth.stability.seed import seed_stability

# Ages and dates count from this day, never from today, so a seed always gives the same records.
REFERENCE_DATE = date(2026, 11, 23)


@dataclass(frozen=True)
class Area:
    ons_code: str
    name: str
    slug: str
    prefix: str
    letters: str  # first letters of the council's postcodes in the ONS data (WN, WA: "W")


AREAS = (
    Area("E08000010", "Wigan Council", "wigan", "WIG", "W"),
    Area("E08000009", "Trafford Council", "trafford", "TRA", "MW"),
    Area("E08000001", "Bolton Council", "bolton", "BOL", "B"),
    Area("E08000002", "Bury Council", "bury", "BUR", "BM"),
    Area("E08000003", "Manchester City Council", "manchester", "MAN", "M"),
    Area("E08000004", "Oldham Council", "oldham", "OLD", "O"),
    Area("E08000005", "Rochdale Borough Council", "rochdale", "ROC", "O"),
    Area("E08000006", "Salford City Council", "salford", "SAL", "M"),
    Area("E08000007", "Stockport Council", "stockport", "STO", "S"),
    Area("E08000008", "Tameside Council", "tameside", "TAM", "OS"),
)
# Agencies and their carers live across these councils: their postcodes start W or M, which load
# quickly (the B and S files hold much of England and take a second or more each).
AGENCY_AREAS = (AREAS[0], AREAS[1], AREAS[4], AREAS[7])

LATER_COUNCIL_SCALE = 0.5
PLACED_SHARE = 0.7
IN_HOUSE_FIRST_SHARE = 0.65
SIBLING_FAMILY_SHARE = 0.12  # families of 2-4 children: about a quarter of all children
KINSHIP_SHARE = 0.06
ASYLUM_SHARE = 0.12  # of children of 14 or more not in a sibling group
VACANCY_SHARE = 0.3
IN_CONTRACT_SHARE = 0.6

NORTH = "Children in Care Team North"
SOUTH = "Children in Care Team South"
FOSTERING = "Fostering Team"
PLACEMENTS = "Placements Team"
REVIEWING = "Independent Reviewing Service"
TEAM_NAMES = (NORTH, SOUTH, FOSTERING, PLACEMENTS, REVIEWING)

MAINSTREAM_CARE = frozenset({"emergency", "short_term", "long_term"})
PRACTISING_FAITHS = {"muslim", "hindu", "sikh", "jewish", "catholic"}

# (tag, youngest, oldest, weight): needs and risks plausible at a child's age.
NEED_AGES = [
    ("trauma_attachment", 0, 17, 10), ("challenging_behaviour", 5, 17, 6),
    ("learning_disability", 3, 17, 2), ("autism", 3, 17, 3), ("physical_disability", 0, 17, 1),
    ("complex_health", 0, 17, 1), ("mental_health", 11, 17, 5), ("substance_misuse", 13, 17, 2),
    ("self_harm", 12, 17, 3), ("cse_risk", 11, 17, 3), ("cce_risk", 12, 17, 3),
    ("missing_episodes", 11, 17, 4), ("education_support", 6, 17, 4), ("sen_ehcp", 4, 17, 3),
    ("contact_supervision", 0, 17, 4), ("sexualised_behaviour", 8, 17, 1),
    ("eating_disorder", 12, 17, 1), ("parent_and_child", 16, 17, 1),
]  # fmt: skip
RISK_AGES = [
    ("risk_to_younger_children", 10, 17, 2), ("risk_to_other_children", 8, 17, 2),
    ("risk_to_adults", 12, 17, 2), ("fire_setting", 8, 17, 1), ("absconding", 11, 17, 4),
    ("exploitation", 11, 17, 3), ("gang_affiliation", 13, 17, 2), ("self_harm", 12, 17, 2),
    ("sexualised_behaviour", 8, 17, 1), ("substance_misuse", 13, 17, 2),
    ("online_safety", 10, 17, 4), ("allergy", 0, 17, 2), ("animals", 0, 17, 1),
]  # fmt: skip
RISKS_FROM_NEEDS = {
    "cse_risk": "exploitation",
    "cce_risk": "exploitation",
    "missing_episodes": "absconding",
    "self_harm": "self_harm",
    "substance_misuse": "substance_misuse",
    "sexualised_behaviour": "sexualised_behaviour",
}
DISABILITIES = {
    "physical_disability": [
        "Cerebral palsy; uses a wheelchair",
        "Visual impairment",
        "Spina bifida",
    ],
    "learning_disability": ["Global developmental delay", "Moderate learning disability"],
    "autism": ["Autism spectrum condition", "Autism; sensory processing difficulties"],
    "complex_health": ["Epilepsy", "Type 1 diabetes", "Gastrostomy fed", "Cystic fibrosis"],
}
LEGAL_STATUSES = {"C2": 58, "C1": 16, "V2": 16, "E1": 5, "L2": 1.5, "L1": 1, "J1": 1.5}

# (youngest, oldest, weight): the age ranges councils and agencies commonly approve.
APPROVAL_AGES = [
    (0, 17, 22), (0, 4, 8), (0, 10, 12), (0, 2, 4), (3, 12, 10), (5, 17, 12), (8, 17, 10),
    (11, 17, 14), (12, 17, 8),
]  # fmt: skip
CARE_TYPE_SETS = [
    (("emergency", "short_term"), 20),
    (("short_term",), 15),
    (("short_term", "long_term"), 30),
    (("long_term",), 15),
    (("emergency", "short_term", "long_term"), 20),
]
IN_HOUSE_STATUSES = {
    Household.Status.APPROVED: 78,
    Household.Status.IN_ASSESSMENT: 8,
    Household.Status.ON_HOLD: 7,
    Household.Status.DEREGISTERED: 7,
}
AGENCY_STATUSES = {
    Household.Status.APPROVED: 85,
    Household.Status.IN_ASSESSMENT: 5,
    Household.Status.ON_HOLD: 5,
    Household.Status.DEREGISTERED: 5,
}
HOLD_REASONS = {
    Household.HoldReason.ILLNESS: 30,
    Household.HoldReason.FAMILY_CIRCUMSTANCES: 35,
    Household.HoldReason.ALLEGATION: 15,
    Household.HoldReason.ADOPTION: 10,
    Household.HoldReason.OTHER: 10,
}
# Agency weekly fees in pounds, lowest and highest, and how common each tier is.
FEE_TIERS = {"standard": (700, 1400), "specialist": (1400, 2800), "complex": (3500, 7500)}
FEE_TIER_WEIGHTS = {"standard": 80, "specialist": 14, "complex": 6}

# Where a demo user sits, so that their screens have something in them.
DEMO_TEAMS = {
    Role.SOCIAL_WORKER: NORTH,
    Role.TEAM_MANAGER: NORTH,
    Role.IRO: REVIEWING,
    Role.SUPERVISING_SOCIAL_WORKER: FOSTERING,
    Role.FOSTERING_TEAM_MANAGER: FOSTERING,
    Role.FOSTERING_DUTY_WORKER: FOSTERING,
    Role.PLACEMENTS_OFFICER: PLACEMENTS,
}


def max_agencies():
    return len(seed_data.AGENCY_NAME_STARTS) * len(seed_data.AGENCY_NAME_ENDS)


def seed(
    *,
    authorities=2,
    children=400,
    households=90,
    agencies=40,
    random_seed=1,
    demo_users=False,
    password=None,
) -> dict:
    """Seed councils, agencies and their people; returns a summary of what was created.

    The first council gets `children` children and `households` in-house households, each later one
    half as many. With `demo_users`, every organisation gets one user per role
    (`wigan.social_worker`, `<agency>.agency_user`, `<agency>.system_administrator`) signing in with
    `password`, and marked as demo users, who sign in only to a demo; running again resets that
    password. Councils and agencies already in the database are used only if the seed made them.
    """
    _check_arguments(authorities, children, households, agencies, demo_users, password)
    with transaction.atomic():
        agency_list, agencies_created = _seed_agencies(agencies, random_seed)
        authority_list, summaries, users_created = [], [], 0
        for number, area in enumerate(AREAS[:authorities]):
            scale = 1 if number == 0 else LATER_COUNCIL_SCALE
            authority, summary, staff_created = _seed_council(
                area,
                children=math.ceil(children * scale),
                households=math.ceil(households * scale),
                agencies=agency_list,
                random_seed=random_seed,
            )
            authority_list.append(authority)
            summaries.append(summary)
            users_created += staff_created
        _seed_contracts(authority_list, agency_list, random_seed)
        demo_usernames = []
        if demo_users:
            demo_created, demo_usernames = _seed_demo_users(authority_list, agency_list, password)
            users_created += demo_created
    created = any(summary["created"] for summary in summaries)
    return {
        "authorities": summaries,
        "agencies": agencies_created,
        "users": users_created,
        "demo_users": demo_usernames,
        "created": created or bool(agencies_created or users_created),
    }


def _check_arguments(authorities, children, households, agencies, demo_users, password):
    if not 1 <= authorities <= len(AREAS):
        raise ValueError(f"Authorities must be between 1 and {len(AREAS)}")
    for name, value in (("Children", children), ("Households", households), ("Agencies", agencies)):
        if value < 0:
            raise ValueError(f"{name} cannot be fewer than 0")
    if agencies > max_agencies():
        raise ValueError(f"Agencies cannot be more than {max_agencies()}")
    if demo_users and not password:
        raise ValueError("Demo users need a password")


def _random_stream(random_seed, *names):
    """A random stream of its own for each council and agency: seeding one more council later
    gives it the same records as seeding it with the others at once."""
    return random.Random("/".join([str(random_seed), *names]))


def _weighted(rng, weights):
    """One key of `weights` (a dict of key to weight), drawn in proportion to its weight."""
    keys = list(weights)
    return rng.choices(keys, [weights[key] for key in keys])[0]


def _weighted_sample(rng, weighted_items, count):
    """Up to `count` different items of [(item, weight)], heavier ones more likely."""
    pool, chosen = list(weighted_items), []
    while pool and len(chosen) < count:
        item = rng.choices([i for i, _ in pool], [w for _, w in pool])[0]
        chosen.append(item)
        pool = [(i, w) for i, w in pool if i != item]
    return chosen


def _age_on(born, day):
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _area_postcodes(area):
    return postcodes.postcodes_in(area.ons_code, area.letters)


def _region_postcodes():
    return [postcode for area in AGENCY_AREAS for postcode in _area_postcodes(area)]


def _office_phone(rng):
    """Ofcom keeps 0161 496 0000 to 0999 for fiction (and 07700 900xxx): safe to show and dial."""
    return f"0161 496 0{rng.randrange(1000):03d}"


def _username_part(name):
    return re.sub(r"[^a-z]", "", slugify(name))


# People


def _person_name(rng, names_origin, sex, first_names=seed_data.ADULT_FIRST_NAMES, avoid=()):
    choices = [name for name in first_names[names_origin][sex] if name not in avoid]
    return rng.choice(choices)


def _languages(rng, background):
    if background.home_languages and rng.random() < background.home_language_share:
        return [rng.choice(background.home_languages), "english"]
    return ["english"]


def _plan_carers(rng, ethnicity, *, surname=None, ages=(28, 66)):
    background = seed_data.BACKGROUNDS[ethnicity]
    surname = surname or _surname(rng, background)
    first_sex = "F" if rng.random() < 0.7 else "M"
    sexes = [first_sex] if rng.random() < 0.35 else [first_sex, _partner_sex(rng, first_sex)]
    age = rng.randint(*ages)
    carers = []
    for number, sex in enumerate(sexes):
        first_name = _person_name(rng, background.names, sex, avoid=[c.first_name for c in carers])
        last_name = surname if number == 0 or rng.random() < 0.8 else _surname(rng, background)
        born = REFERENCE_DATE - timedelta(
            days=365 * (age + rng.randint(-4, 4)) + rng.randrange(365)
        )
        carers.append(_carer(rng, first_name, last_name, born))
    return carers


def _partner_sex(rng, sex):
    return sex if rng.random() < 0.1 else {"F": "M", "M": "F"}[sex]


def _surname(rng, background):
    return rng.choice(seed_data.SURNAMES[background.surnames])


def _carer(rng, first_name, last_name, born):
    mailbox = f"{_username_part(first_name)}.{_username_part(last_name)}{rng.randint(1, 99)}"
    return Carer(
        first_name=first_name,
        last_name=last_name,
        date_of_birth=born,
        email=f"{mailbox}@example.com",
        phone=f"07700 900{rng.randrange(1000):03d}",
    )


def _household_name(carers):
    surnames = list(dict.fromkeys(carer.last_name for carer in carers))
    return f"{' and '.join(surnames)} household"


# Organisations


def _plan_agencies(count, random_seed):
    rng = _random_stream(random_seed, "agencies")
    pool = _region_postcodes() if count else []
    names, urns = _agency_names(rng, count), set()
    agencies = []
    for name in names:
        urn = _new_urn(rng, urns)
        agencies.append(
            Organisation(
                kind=Organisation.Kind.AGENCY,
                name=name,
                ofsted_urn=urn,
                synthetic=True,
                email=f"referrals@{slugify(name)}.example.org",
                phone=_office_phone(rng),
                postcode=rng.choice(pool),
            )
        )
    return agencies, pool


def _agency_names(rng, count):
    """Plausible agency names; a name's first word repeats only beyond one agency per word."""
    starts, ends = seed_data.AGENCY_NAME_STARTS, seed_data.AGENCY_NAME_ENDS
    first_end = {start: rng.randrange(len(ends)) for start in starts}
    names = [
        f"{start} {ends[(first_end[start] + turn) % len(ends)]}"
        for turn in range(len(ends))
        for start in rng.sample(starts, len(starts))
    ]
    return names[:count]


def _new_urn(rng, taken):
    while True:
        urn = f"SC{rng.randint(100000, 999999)}"
        if urn not in taken:
            taken.add(urn)
            return urn


def _seed_agencies(count, random_seed):
    """The region's agencies, each with its own foster homes; those that already exist are kept."""
    planned, pool = _plan_agencies(count, random_seed)
    urns = [agency.ofsted_urn for agency in planned]
    existing = {org.ofsted_urn: org for org in Organisation.objects.filter(ofsted_urn__in=urns)}
    for organisation in existing.values():
        _refuse_real(organisation)
    new = [agency for agency in planned if agency.ofsted_urn not in existing]
    Organisation.objects.bulk_create(new)
    homes = []
    for agency in new:
        homes += _plan_agency_households(
            _random_stream(random_seed, agency.ofsted_urn), agency, pool
        )
    _save_households(homes)
    _fill_directory(new, homes, random_seed)
    return [existing.get(agency.ofsted_urn, agency) for agency in planned], len(new)


# What the provider directory holds about an agency (a random stream of its own, so the agencies,
# their homes and everything seeded after them are the same with or without it).
RESIDENTIAL_SHARE = 0.15
VOLUNTARY_SHARE = 0.25
CONTACT_ROLES = ("Referrals coordinator", "Registered manager", "Placements manager")


def _fill_directory(agencies, homes, random_seed):
    """Each new agency's sector, services, types of care and weekly rates (from its own homes), the
    council areas it serves, and the people the placements team writes to."""
    by_agency = {}
    for household, _carers in homes:
        by_agency.setdefault(household.provider_id, []).append(household)
    contacts = []
    for agency in agencies:
        rng = _random_stream(random_seed, agency.ofsted_urn, "directory")
        households = by_agency.get(agency.pk, [])
        costs = [household.weekly_cost for household in households]
        agency.sector = "voluntary" if rng.random() < VOLUNTARY_SHARE else "private"
        agency.provides = (
            ["fostering", "residential"] if rng.random() < RESIDENTIAL_SHARE else ["fostering"]
        )
        agency.care_types = sorted({t for household in households for t in household.care_types})
        served = rng.sample(AREAS, rng.randint(3, 6))
        agency.areas_served = [area.name for area in AREAS if area in served]
        agency.weekly_rate_from = min(costs, default=None)
        agency.weekly_rate_to = max(costs, default=None)
        domain = agency.email.partition("@")[2]
        for number, job_title in enumerate(rng.sample(CONTACT_ROLES, rng.randint(1, 2))):
            background = seed_data.BACKGROUNDS["WBRI"]
            first_name = _person_name(rng, background.names, rng.choice("FM"))
            last_name = _surname(rng, background)
            contacts.append(
                ProviderContact(
                    organisation=agency,
                    name=f"{first_name} {last_name}",
                    job_title=job_title,
                    email=f"{_username_part(first_name)}.{_username_part(last_name)}@{domain}",
                    phone=_office_phone(rng),
                    receives_referrals=number == 0,
                )
            )
    Organisation.objects.bulk_update(
        agencies,
        ["sector", "provides", "care_types", "areas_served", "weekly_rate_from", "weekly_rate_to"],
    )
    ProviderContact.objects.bulk_create(contacts)


def _refuse_real(organisation):
    """The seed adds only to what it made itself: never synthetic people in a real council or agency."""
    if not organisation.synthetic:
        raise ValueError(
            f"{organisation.name} in this database holds real records: synthetic data and demo users "
            "go only into a database of their own (set DATABASE_URL to a new one)"
        )


def _create_authority(rng, area, pool):
    authority = Organisation.objects.create(
        kind=Organisation.Kind.AUTHORITY,
        name=area.name,
        ons_code=area.ons_code,
        synthetic=True,
        email=f"fostering@{area.slug}.example.org",
        phone=_office_phone(rng),
        postcode=rng.choice(pool),
    )
    Policy.objects.get_or_create(authority=authority)
    return authority


def _seed_contracts(authorities, agencies, random_seed):
    """Each council has a contract with each agency: about 60% on its framework, the rest spot."""
    existing = set(
        Contract.objects.filter(authority__in=authorities, agency__in=agencies).values_list(
            "authority_id", "agency_id"
        )
    )
    contracts = []
    for authority in authorities:
        rng = _random_stream(random_seed, authority.ons_code, "contracts")
        for agency in agencies:
            # Drawn for every pair, so that a contract already there does not change the others.
            in_contract = rng.random() < IN_CONTRACT_SHARE
            if (authority.pk, agency.pk) in existing:
                continue
            status = Contract.Status.IN_CONTRACT if in_contract else Contract.Status.OFF_CONTRACT
            contracts.append(Contract(authority=authority, agency=agency, status=status))
    Contract.objects.bulk_create(contracts)


# A council


@dataclass
class Council:
    """One council being seeded: its organisation, random stream, postcodes and staff."""

    area: Area
    organisation: Organisation
    rng: random.Random
    postcode_pool: list
    middle_northing: float = 0.0
    children_numbered: int = 0
    teams: dict = field(default_factory=dict)
    staff: dict = field(default_factory=dict)
    social_workers: dict = field(default_factory=dict)


def _seed_council(area, *, children, households, agencies, random_seed):
    """(the council, a summary of what was created, how many staff were created)."""
    existing = Organisation.objects.filter(ons_code=area.ons_code).first()
    if existing:
        _refuse_real(existing)
        return existing, _council_summary(existing, created=False), 0
    council = _start_council(area, random_seed)
    staff_created = _create_staff(council, children=children, households=households)
    families = _plan_families(council, children)
    homes, kinship = _seed_in_house_households(council, families, households)
    _place_families(council, families, _homes_with_places(homes, agencies, random_seed))
    _allocate_staff(council, families)
    _save_children(council, families, kinship)
    referral_seed.seed_referrals(council.organisation)
    seed_stability(council.organisation)
    seed_returns(council.organisation)
    seed_fostering(council.organisation)
    summary = _council_summary(
        council.organisation, created=True, children=children, households=households
    )
    return council.organisation, summary, staff_created


def _start_council(area, random_seed):
    rng = _random_stream(random_seed, area.ons_code)
    pool = _area_postcodes(area)
    council = Council(area, _create_authority(rng, area, pool), rng, pool)
    council.middle_northing = statistics.median(postcodes.lookup(pc).northing for pc in pool)
    return council


def _council_summary(authority, *, created, children=0, households=0):
    return {
        "code": authority.ons_code,
        "name": authority.name,
        "created": created,
        "children": children,
        "households": households,
    }


def _seed_in_house_households(council, families, count):
    """The council's own homes, a few of them relatives approved for children they look after.

    Returns every home as (household, carers) and the kinship ones as (household, family)."""
    related = [family for family in families if _could_live_with_relatives(family)]
    kinship_count = min(round(count * KINSHIP_SHARE), len(related))
    first_kinship = count - kinship_count + 1
    homes = [_plan_in_house_household(council, n) for n in range(1, first_kinship)]
    kinship = [
        (_plan_kinship_household(council, number, family), family)
        for number, family in enumerate(council.rng.sample(related, kinship_count), first_kinship)
    ]
    homes += [home for home, _family in kinship]
    _save_households(homes)
    return homes, [(household, family) for (household, _carers), family in kinship]


def _could_live_with_relatives(family):
    return len(family) <= 3 and not any(
        "unaccompanied_asylum" in child.needs or child.legal_status == "J1" for child in family
    )


# Staff


def _staff_plan(children, households):
    """(role, team, how many): caseloads of about 16 children a social worker, 15 homes an SSW."""
    social_workers = max(2, math.ceil(children / 2 / 16))
    return [
        (Role.TEAM_MANAGER, NORTH, 1),
        (Role.SOCIAL_WORKER, NORTH, social_workers),
        (Role.TEAM_MANAGER, SOUTH, 1),
        (Role.SOCIAL_WORKER, SOUTH, social_workers),
        (Role.TEAM_MANAGER, REVIEWING, 1),
        (Role.IRO, REVIEWING, max(2, math.ceil(children / 70))),
        (Role.FOSTERING_TEAM_MANAGER, FOSTERING, 1),
        (Role.SUPERVISING_SOCIAL_WORKER, FOSTERING, max(2, math.ceil(households / 15))),
        (Role.FOSTERING_DUTY_WORKER, FOSTERING, 1),
        (Role.TEAM_MANAGER, PLACEMENTS, 1),
        (Role.PLACEMENTS_OFFICER, PLACEMENTS, 2),
        (Role.SERVICE_LEAD, None, 1),
        (Role.HEAD_OF_SERVICE, None, 1),
    ]


def _create_staff(council, *, children, households):
    teams = [Team(organisation=council.organisation, name=name) for name in TEAM_NAMES]
    Team.objects.bulk_create(teams)
    council.teams = {team.name: team for team in teams}
    taken = set(
        User.objects.filter(username__startswith=f"{council.area.slug}.").values_list(
            "username", flat=True
        )
    )
    people = [
        (role, team_name, _staff_user(council, role, taken))
        for role, team_name, count in _staff_plan(children, households)
        for _ in range(count)
    ]
    User.objects.bulk_create([user for _, _, user in people])
    Membership.objects.bulk_create(
        Membership(
            user=user,
            organisation=council.organisation,
            role=role,
            team=council.teams.get(team_name),
        )
        for role, team_name, user in people
    )
    _record_staff(council, people)
    return len(people)


def _staff_user(council, role, taken):
    rng = council.rng
    background = seed_data.BACKGROUNDS[_weighted(rng, seed_data.CARER_ETHNICITIES)]
    first_name = _person_name(rng, background.names, rng.choice("FFFM"))
    last_name = _surname(rng, background)
    base = f"{council.area.slug}.{_username_part(first_name)}.{_username_part(last_name)}"
    username, number = base, 1
    while username in taken:
        number += 1
        username = f"{base}{number}"
    taken.add(username)
    return User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=f"{username.split('.', 1)[1]}@{council.area.slug}.example.org",
        job_title=Role(role).label,
        password=make_password(None),
    )


def _record_staff(council, people):
    managers = {Role.TEAM_MANAGER, Role.FOSTERING_TEAM_MANAGER}
    for role, team_name, user in people:
        council.staff.setdefault(role, []).append(user)
        team = council.teams.get(team_name)
        if role in managers and team.manager is None:
            team.manager = user
        if role == Role.SOCIAL_WORKER:
            council.social_workers.setdefault(team_name, []).append(user)
    Team.objects.bulk_update(council.teams.values(), ["manager"])


def _allocate_staff(council, families):
    """Brothers and sisters share a team, a social worker and an IRO; the team goes by area."""
    rng = council.rng
    for family in families:
        place = postcodes.lookup(family[0].home_postcode)
        team_name = NORTH if place.northing >= council.middle_northing else SOUTH
        social_worker = rng.choice(council.social_workers[team_name])
        iro = rng.choice(council.staff[Role.IRO])
        for child in family:
            child.team = council.teams[team_name]
            child.social_worker = social_worker
            child.iro = iro


# Children


def _plan_families(council, count):
    families, remaining = [], count
    while remaining:
        size = 1
        if council.rng.random() < SIBLING_FAMILY_SHARE:
            size = min(remaining, council.rng.choices([2, 3, 4], [60, 28, 12])[0])
        families.append(_plan_family(council, size))
        remaining -= size
    return families


def _plan_family(council, size):
    rng = council.rng
    birthdays = _sibling_birthdays(rng, size)
    eldest_age = _age_on(birthdays[0], REFERENCE_DATE)
    if size == 1 and eldest_age >= 14 and rng.random() < ASYLUM_SHARE:
        return [_plan_asylum_seeking_child(council, birthdays[0])]
    ethnicity = _weighted(rng, seed_data.CHILD_ETHNICITIES)
    background = seed_data.BACKGROUNDS[ethnicity]
    shared = {
        "authority": council.organisation,
        "last_name": _surname(rng, background),
        "ethnicity": ethnicity,
        "religion": _weighted(rng, background.religions),
        "languages": _languages(rng, background),
        "legal_status": _legal_status(rng, birthdays),
        "home_postcode": rng.choice(council.postcode_pool),
    }
    family = []
    for born in birthdays:
        sex = "M" if rng.random() < 0.55 else "F"
        first_name = _person_name(
            rng, background.names, sex, seed_data.CHILD_FIRST_NAMES, [c.first_name for c in family]
        )
        family.append(_plan_child(council, first_name=first_name, born=born, sex=sex, **shared))
    return family


def _sibling_birthdays(rng, size):
    """Eldest first, one to three years apart (twins now and then), none born in the last month."""
    eldest_age = max(rng.choices(range(18), seed_data.AGE_WEIGHTS)[0], 2 * (size - 1))
    eldest = _birthday(rng, eldest_age)
    birthdays, latest = [eldest], REFERENCE_DATE - timedelta(days=30)
    for _ in range(size - 1):
        gap = 0 if rng.random() < 0.04 else rng.randint(330, 1100)
        birthdays.append(min(birthdays[-1] + timedelta(days=gap), latest))
    return birthdays


def _birthday(rng, age):
    last_birthday = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age)
    return last_birthday - timedelta(days=rng.randrange(365))


def _legal_status(rng, birthdays):
    ages = [_age_on(born, REFERENCE_DATE) for born in birthdays]
    fits = {
        "E1": max(ages) < 10,  # placement orders: young children for adoption
        "J1": len(ages) == 1 and ages[0] >= 12,  # remanded
    }
    return _weighted(rng, {code: w for code, w in LEGAL_STATUSES.items() if fits.get(code, True)})


def _plan_child(council, *, first_name, born, sex, must_have=(), **shared):
    rng = council.rng
    age = _age_on(born, REFERENCE_DATE)
    must_have = list(must_have)
    if age < 2:
        must_have.append("baby_care")
    if shared["legal_status"] == "J1":
        must_have.append("remand")
    needs = _child_needs(rng, age, sex, shared["religion"], must_have)
    at_school = age >= 4 and rng.random() < 0.85
    council.children_numbered += 1
    return Child(
        reference=f"{council.area.prefix}-C{council.children_numbered:04d}",
        first_name=first_name,
        date_of_birth=born,
        sex=sex,
        school_postcode=rng.choice(council.postcode_pool) if at_school else "",
        needs=needs,
        risks=_child_risks(rng, age, needs),
        disability=_disability(rng, needs),
        **shared,
    )


def _plan_asylum_seeking_child(council, born):
    rng = council.rng
    ethnicity, religion, language, names = rng.choice(seed_data.ASYLUM_BACKGROUNDS)
    sex = "M" if rng.random() < 0.92 else "F"
    return _plan_child(
        council,
        first_name=_person_name(rng, names, sex, seed_data.CHILD_FIRST_NAMES),
        born=born,
        sex=sex,
        must_have=["unaccompanied_asylum"],
        authority=council.organisation,
        last_name=rng.choice(seed_data.SURNAMES[names]),
        ethnicity=ethnicity,
        religion=religion,
        languages=[language] if rng.random() < 0.5 else [language, "english"],
        legal_status="V2",
        home_postcode=rng.choice(council.postcode_pool),
    )


def _child_needs(rng, age, sex, religion, must_have):
    count = rng.choices([0, 1, 2, 3], [20, 35, 30, 15])[0]
    eligible = [
        (tag, weight)
        for tag, youngest, oldest, weight in NEED_AGES
        if youngest <= age <= oldest and not (tag == "parent_and_child" and sex == "M")
    ]
    needs = list(must_have) + _weighted_sample(rng, eligible, count - len(must_have))
    if religion in PRACTISING_FAITHS and len(needs) < 3 and rng.random() < 0.3:
        needs.append("faith_observance")
    return needs


def _child_risks(rng, age, needs):
    risks = list(dict.fromkeys(RISKS_FROM_NEEDS[n] for n in needs if n in RISKS_FROM_NEEDS))[:3]
    count = rng.choices([0, 1, 2, 3], [45, 30, 17, 8])[0]
    eligible = [
        (tag, weight)
        for tag, youngest, oldest, weight in RISK_AGES
        if youngest <= age <= oldest and tag not in risks
    ]
    return risks + _weighted_sample(rng, eligible, count - len(risks))


def _disability(rng, needs):
    return "; ".join(rng.choice(DISABILITIES[need]) for need in needs if need in DISABILITIES)


def _together_plan(family):
    names = [child.first_name for child in family]
    everyone = ", ".join(names[:-1]) + f" and {names[-1]}"
    return (
        f"{everyone} should live together. If no home can take all {len(names)}, "
        f"{names[0]} and {names[1]} should live together and the others nearby, "
        "with family time every week."
    )


def _save_children(council, families, kinship):
    groups = []
    for family in families:
        if len(family) > 1:
            group = SiblingGroup(
                authority=council.organisation,
                reference=f"{council.area.prefix}-SG{len(groups) + 1:03d}",
                together_plan=_together_plan(family) if len(family) > 2 else "",
            )
            groups.append(group)
            for child in family:
                child.sibling_group = group
    SiblingGroup.objects.bulk_create(groups)
    Child.objects.bulk_create([child for family in families for child in family])
    Household.named_children.through.objects.bulk_create(
        Household.named_children.through(household_id=household.pk, child_id=child.pk)
        for household, family in kinship
        for child in family
    )


# Households


def _plan_household(rng, *, provider, reference, postcode, status, carer_ethnicity):
    """An unsaved household and its carers, with an approval that hangs together."""
    carers = _plan_carers(rng, carer_ethnicity)
    background = seed_data.BACKGROUNDS[carer_ethnicity]
    min_age, max_age = _weighted(rng, {(y, o): w for y, o, w in APPROVAL_AGES})
    max_children = rng.choices([1, 2, 3, 4], [30, 42, 20, 8])[0]
    care_types = _care_types(rng, min_age, max_age)
    household = Household(
        provider=provider,
        reference=reference,
        name=_household_name(carers),
        postcode=postcode,
        bedrooms=_bedrooms(rng, max_children),
        status=status,
        hold_reason=_weighted(rng, HOLD_REASONS) if status == Household.Status.ON_HOLD else "",
        min_age=min_age,
        max_age=max_age,
        max_children=max_children,
        care_types=care_types,
        accepts_siblings=max_children > 1 and rng.random() < 0.85,
        skills=_skills(rng, min_age, max_age, care_types),
        ethnicity=carer_ethnicity,
        religion=_weighted(rng, background.religions),
        languages=_languages(rng, background),
        approved_on=_approved_on(rng, status),
    )
    return household, carers


def _care_types(rng, min_age, max_age):
    types = list(_weighted(rng, dict(CARE_TYPE_SETS)))
    if rng.random() < 0.1:
        types.append("short_break")
    if rng.random() < 0.08:
        types.append("support_care")
    if min_age == 0 and max_age == 17 and rng.random() < 0.08:
        types.append("parent_and_child")
    if min_age >= 8 and max_age == 17 and rng.random() < 0.1:
        types.append("remand")
    return types


def _bedrooms(rng, max_children):
    if max_children >= 3 and rng.random() < 0.3:
        return max_children - 1  # brothers and sisters may share
    return min(4, max_children + rng.choice([0, 0, 0, 1]))


def _skills(rng, min_age, max_age, care_types):
    eligible = [
        (tag, weight)
        for tag, youngest, oldest, weight in NEED_AGES
        if youngest <= max_age and oldest >= min_age and tag not in care_types
    ]
    skills = _weighted_sample(rng, eligible, rng.randint(1, 5))
    if min_age <= 1 and "baby_care" not in skills:
        skills.append("baby_care")
    for care_type in ("parent_and_child", "remand"):
        if care_type in care_types:
            skills.append(care_type)
    if max_age >= 14 and rng.random() < 0.1:
        skills.append("unaccompanied_asylum")
    return skills


def _approved_on(rng, status):
    if status == Household.Status.IN_ASSESSMENT:
        return None
    if status == Household.Status.TEMPORARY:
        return REFERENCE_DATE - timedelta(days=rng.randint(7, 110))
    return REFERENCE_DATE - timedelta(days=rng.randint(60, 20 * 365))


def _plan_in_house_household(council, number):
    rng = council.rng
    status = _weighted(rng, IN_HOUSE_STATUSES)
    home = _plan_household(
        rng,
        provider=council.organisation,
        reference=f"{council.area.prefix}-H{number:04d}",
        postcode=rng.choice(council.postcode_pool),
        status=status,
        carer_ethnicity=_weighted(rng, seed_data.CARER_ETHNICITIES),
    )
    if status != Household.Status.DEREGISTERED:
        home[0].supervising_social_worker = rng.choice(
            council.staff[Role.SUPERVISING_SOCIAL_WORKER]
        )
    return home


def _plan_kinship_household(council, number, family):
    """Relatives approved temporarily (Regulation 24) for the children they are looking after."""
    rng = council.rng
    ages = [_age_on(child.date_of_birth, REFERENCE_DATE) for child in family]
    same_surname = rng.random() < 0.6
    carers = _plan_carers(
        rng,
        family[0].ethnicity,
        surname=family[0].last_name if same_surname else None,
        ages=(24, 70),
    )
    household = Household(
        provider=council.organisation,
        reference=f"{council.area.prefix}-H{number:04d}",
        name=_household_name(carers),
        postcode=rng.choice(council.postcode_pool),
        bedrooms=max(1, math.ceil(len(family) / 2)),
        status=Household.Status.TEMPORARY,
        min_age=min(ages),
        max_age=17,  # the approval names the children; no need to renew it on a birthday
        max_children=len(family),
        care_types=["short_term"],
        accepts_siblings=len(family) > 1,
        skills=["contact_supervision"],
        ethnicity=family[0].ethnicity,
        religion=family[0].religion,
        languages=family[0].languages,
        approved_on=_approved_on(rng, Household.Status.TEMPORARY),
        supervising_social_worker=rng.choice(council.staff[Role.SUPERVISING_SOCIAL_WORKER]),
    )
    for child in family:
        child.placed_with = household
    return household, carers


def _plan_agency_households(rng, agency, pool):
    homes = []
    for number in range(1, rng.randint(2, 6) + 1):
        home = _plan_household(
            rng,
            provider=agency,
            reference=f"{agency.ofsted_urn}-H{number:02d}",
            postcode=rng.choice(pool),
            status=_weighted(rng, AGENCY_STATUSES),
            carer_ethnicity=_weighted(rng, seed_data.CARER_ETHNICITIES),
        )
        _set_weekly_cost(rng, home[0])
        homes.append(home)
    return homes


def _set_weekly_cost(rng, household):
    tier = _weighted(rng, FEE_TIER_WEIGHTS)
    if tier == "standard" and "parent_and_child" in household.care_types:
        tier = "specialist"
    if tier == "complex":
        # One child with complex health or behaviour, cared for by a specialist carer.
        household.max_children, household.accepts_siblings = 1, False
        extra = rng.choice(["complex_health", "challenging_behaviour", "sexualised_behaviour"])
        household.skills = list(dict.fromkeys([*household.skills, extra]))
    lowest, highest = FEE_TIERS[tier]
    household.weekly_cost = Decimal(rng.randrange(lowest, highest + 1, 5))


def _save_households(homes):
    policies = {}
    for household, _carers in homes:
        provider = household.provider
        if provider.pk not in policies:
            policies[provider.pk] = (
                Policy.objects.get(authority=provider) if provider.is_authority else Policy()
            )
        household.review_due_at = review_due_at(household, policies[provider.pk])
    Household.objects.bulk_create([household for household, _carers in homes])
    for household, carers in homes:
        for carer in carers:
            carer.household = household
    Carer.objects.bulk_create([carer for _household, carers in homes for carer in carers])


# Placements


@dataclass
class Home:
    """A household children could be placed with in the seed, and the places it has left to fill."""

    household: Household
    in_house: bool
    places: int
    care_types: frozenset


def _keeps_a_vacancy(household, random_seed):
    """Some homes keep a place free, so that searches find vacancies. Decided per household, so that
    it is the same whichever council's seeding reaches an agency's home first."""
    provider_key = household.provider.ons_code or household.provider.ofsted_urn
    rng = _random_stream(random_seed, provider_key, household.reference, "vacancy")
    return rng.random() < VACANCY_SHARE


def _homes_with_places(in_house_homes, agencies, random_seed):
    agency_households = Household.objects.filter(provider__in=agencies).select_related("provider")
    placed = dict(
        agency_households.order_by().values_list("pk").annotate(placed=Count("children_placed"))
    )
    agency_households = sorted(
        agency_households, key=lambda h: (h.provider.ofsted_urn or "", h.reference)
    )
    candidates = [(household, True) for household, _carers in in_house_homes]
    candidates += [(household, False) for household in agency_households]
    return [
        Home(
            household=household,
            in_house=in_house,
            places=household.max_children
            - placed.get(household.pk, 0)
            - _keeps_a_vacancy(household, random_seed),
            care_types=frozenset(household.care_types),
        )
        for household, in_house in candidates
        if household.status == Household.Status.APPROVED
    ]


def _place_families(council, families, homes):
    """Place about 70% of the children; kinship children are already with their relatives."""
    target = round(PLACED_SHARE * sum(len(family) for family in families))
    placed = sum(1 for family in families for child in family if child.placed_with)
    order = list(families)
    council.rng.shuffle(order)
    for family in order:
        if placed >= target:
            break
        if family[0].placed_with is None:
            placed += _place(council.rng, family, homes)


def _place(rng, children, homes):
    """Place the children together if a home can take them all, otherwise apart."""
    home = _choose_home(rng, children, homes)
    if home is None:
        if len(children) == 1:
            return 0
        return sum(_place(rng, [child], homes) for child in children)
    for child in children:
        child.placed_with = home.household
    home.places -= len(children)
    return len(children)


def _choose_home(rng, children, homes):
    fitting = [home for home in homes if _home_fits(home, children)]
    in_house = [home for home in fitting if home.in_house]
    agency = [home for home in fitting if not home.in_house]
    if in_house and (not agency or rng.random() < IN_HOUSE_FIRST_SHARE):
        return rng.choice(in_house)
    return rng.choice(agency) if agency else None


def _home_fits(home, children):
    household = home.household
    if home.places < len(children) or (len(children) > 1 and not household.accepts_siblings):
        return False
    return all(
        _ages_fit(household, _age_on(child.date_of_birth, REFERENCE_DATE))
        and home.care_types & _care_needed(child)
        for child in children
    )


def _ages_fit(household, age):
    """Within the approval, and still within it after the child's next birthday (unless 17)."""
    return household.min_age <= age and (age < household.max_age or age == household.max_age == 17)


def _care_needed(child):
    if "parent_and_child" in child.needs:
        return {"parent_and_child"}
    if child.legal_status == "J1":
        return {"remand"}
    return MAINSTREAM_CARE


# Demo users


def _seed_demo_users(authorities, agencies, password):
    """One user per role in each organisation; returns (how many were new, every demo username)."""
    wanted = _demo_memberships(authorities, agencies)
    usernames = [username for username, _org, _role, _team in wanted]
    existing = {user.username: user for user in User.objects.filter(username__in=usernames)}
    hashed = make_password(password)  # one slow Argon2 hash for all: they share the password
    User.objects.filter(pk__in=[user.pk for user in existing.values()]).update(password=hashed)
    new = {
        username: _demo_user(username, role, hashed)
        for username, _org, role, _team in wanted
        if username not in existing
    }
    User.objects.bulk_create(new.values())
    users = {**existing, **new}
    Membership.objects.bulk_create(
        [
            Membership(user=users[username], organisation=org, role=role, team=team)
            for username, org, role, team in wanted
        ],
        ignore_conflicts=True,
    )
    for username, org, role, _team in wanted:
        if username in new and org.is_authority:
            _hand_over_to_demo_user(org, role, new[username])
    return len(new), sorted(usernames)


def _demo_memberships(authorities, agencies):
    slugs = {area.ons_code: area.slug for area in AREAS}
    teams = {
        (team.organisation_id, team.name): team
        for team in Team.objects.filter(organisation__in=authorities)
    }
    wanted = [
        (f"{slugs[org.ons_code]}.{role}", org, role, teams.get((org.pk, DEMO_TEAMS.get(role))))
        for org in authorities
        for role in Role
        if role in AUTHORITY_ROLES
    ]
    wanted += [
        (f"{slugify(org.name)}.{role}", org, role, None)
        for org in agencies
        for role in (Role.AGENCY_USER, Role.SYSTEM_ADMINISTRATOR)
    ]
    return wanted


def _demo_user(username, role, hashed_password):
    rng = random.Random(f"demo/{username}")
    background = seed_data.BACKGROUNDS["WBRI"]
    return User(
        username=username,
        first_name=_person_name(rng, background.names, rng.choice("FM")),
        last_name=_surname(rng, background),
        email=f"{username}@example.org",
        job_title=Role(role).label,
        password=hashed_password,
        is_demo=True,
    )


def _hand_over_to_demo_user(authority, role, demo_user):
    """A new demo user takes over a colleague's caseload or team, so their screens are not empty."""
    if role in (Role.TEAM_MANAGER, Role.FOSTERING_TEAM_MANAGER):
        teams = Team.objects.filter(organisation=authority, name=DEMO_TEAMS[role])
        for team in teams.exclude(manager=None):
            referral_seed.hand_over(authority, team.manager, demo_user)
        teams.update(manager=demo_user)
        return
    caseloads = {
        Role.SOCIAL_WORKER: (Child.objects.filter(authority=authority), "social_worker"),
        Role.IRO: (Child.objects.filter(authority=authority), "iro"),
        Role.SUPERVISING_SOCIAL_WORKER: (
            Household.objects.filter(provider=authority),
            "supervising_social_worker",
        ),
    }
    if role not in caseloads:
        return
    records, allocated_to = caseloads[role]
    colleague = (
        Membership.objects.filter(organisation=authority, role=role)
        .exclude(user=demo_user)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .first()
    )
    if colleague is not None:
        records.filter(**{f"{allocated_to}_id": colleague}).update(**{allocated_to: demo_user})
        referral_seed.hand_over(authority, colleague, demo_user)
