"""Synthetic regional matching scenarios with England's national marginals, for benchmarks and tests.

`generate(households=..., children=..., seed=...)` makes a Scenario (hearth.matching.scenario) of
carer households and children needing a home spread over the postcode districts of a region
(Greater Manchester unless told), the same for the same seed on any machine. `scenario_as_json`
writes it as a scenario file (CONTRACT.md section 3) that `hearth match` and `hearth allocate` read.

The proportions below are the published national ones where there are any (each says where it is
from); where none is published they are plausible and say so. Nothing here describes a real child
or carer. The tags, codes and types are those of `hearth/people/vocabulary.py`, written out here
so that the engine imports nothing from Hearth's Django apps; a test keeps them in step.
"""

import json
import math
import random
from dataclasses import fields
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from hearth.matching.model import IN_HOUSE, Child, Household, Location, PlacedChild, Policy
from hearth.matching.places import locate
from hearth.matching.scenario import VERSION, Scenario

AS_OF = date(2026, 11, 23)

# Postcode districts wholly or mostly within Greater Manchester's ten boroughs (not the Manchester
# Airport or PO box districts, M60, M61, M90 and M99, nor the Lancashire, Cheshire and Derbyshire
# districts beside the county).
GREATER_MANCHESTER = (
    *(f"M{number}" for number in (*range(1, 36), 38, 40, 41, 43, 44, 45, 46, 50)),
    *(f"BL{number}" for number in range(0, 10)),
    *(f"OL{number}" for number in (*range(1, 13), 15, 16)),
    *(f"SK{number}" for number in (*range(1, 9), 14, 15, 16)),
    *(f"WN{number}" for number in range(1, 8)),
    "WA3", "WA13", "WA14", "WA15",
)  # fmt: skip
HOME_SPREAD_METRES = 1200  # how far homes lie from their district's centre (standard deviation)
KIN_SPREAD_METRES = 3000  # how far a connected carer lives from the child

# Children ------------------------------------------------------------------------------------------

# Ages of children looked after at 31 March, in years (DfE, "Children looked after in England
# including adoptions", SSDA903 returns, 2023 and 2024): under 1 5%, 1-4 14%, 5-9 18%, 10-15 39%,
# 16 and over 24%.
AGE_BANDS = ((0, 0, 0.05), (1, 4, 0.14), (5, 9, 0.18), (10, 15, 0.39), (16, 17, 0.24))

# The SSDA903 returns do not record siblings. Councils' answers to freedom of information requests
# do: Family Rights Group's 2015 survey ("What happens to siblings in the care system?") found
# 21,150 children in 8,446 sibling groups in 97 councils (2.50 children a group), about 45% of
# their children in care; Devon had 382 of 762 (2019), Lincolnshire 301 of 699 (2021). Some of
# those siblings live apart by plan (they came into care at different times, or one is in
# residential care or living independently), so 40% of the children needing a foster home here
# are placed as a sibling group, the rest on their own.
SIBLING_SHARE = 0.40
# Children in a group: mean 2.51, near the 2.50 of the survey above.
GROUP_SIZES = {2: 0.66, 3: 0.22, 4: 0.08, 5: 0.03, 6: 0.01}
SIBLING_AGE_SPREAD_YEARS = 6  # siblings are grouped from children this close in age, or closer

# The type of care a child is referred for (plausible: no national figure by referral).
PLACEMENT_TYPE_SHARES = {
    "short_term": 0.50,
    "long_term": 0.30,
    "emergency": 0.15,
    "short_break": 0.03,
    "support_care": 0.02,
}
PARENT_AND_CHILD_SHARE = 0.15  # of babies: placed with their parent
REMAND_SHARE = 0.03  # of children aged 12 and over

# Unaccompanied asylum-seeking children were 9% of children looked after at 31 March 2024 (7,380
# of 83,630, DfE), nearly all boys aged 14 to 17; many of the oldest live in supported
# accommodation rather than with foster carers. Here a fifth of the single children aged 14 to 17.
UNACCOMPANIED_SHARE = 0.20
UNACCOMPANIED_AGES = (14, 17)

# Each need: (share of children in the age range, youngest, oldest). Plausible shares, not
# published ones: the SSDA903 returns record a child's category of need, not these.
NEED_SHARES = {
    "trauma_attachment": (0.45, 0, 17),
    "challenging_behaviour": (0.25, 5, 17),
    "learning_disability": (0.07, 3, 17),
    "autism": (0.08, 3, 17),
    "physical_disability": (0.03, 0, 17),
    "complex_health": (0.04, 0, 17),
    "mental_health": (0.22, 10, 17),
    "substance_misuse": (0.06, 13, 17),
    "self_harm": (0.08, 11, 17),
    "cse_risk": (0.06, 11, 17),
    "cce_risk": (0.05, 12, 17),
    "missing_episodes": (0.10, 11, 17),
    "education_support": (0.15, 5, 17),
    "sen_ehcp": (0.15, 4, 17),
    "baby_care": (0.90, 0, 1),
    "parent_and_child": (0.0, 0, 0),  # the need of a parent and child placement: see _needs
    "unaccompanied_asylum": (0.0, 0, 0),  # an unaccompanied child's: see _unaccompanied
    "faith_observance": (0.05, 5, 17),
    "contact_supervision": (0.30, 0, 17),
    "remand": (0.0, 0, 0),  # a child remanded's: see _needs
    "sexualised_behaviour": (0.03, 5, 17),
    "eating_disorder": (0.01, 11, 17),
}
# Each risk: (share, youngest, oldest); the risks that follow from a need are added with it.
RISK_SHARES = {
    "risk_to_younger_children": (0.05, 8, 17),
    "risk_to_other_children": (0.03, 8, 17),
    "risk_to_adults": (0.02, 12, 17),
    "fire_setting": (0.01, 8, 17),
    "absconding": (0.06, 11, 17),
    "exploitation": (0.0, 0, 0),
    "gang_affiliation": (0.02, 13, 17),
    "self_harm": (0.0, 0, 0),
    "sexualised_behaviour": (0.0, 0, 0),
    "substance_misuse": (0.0, 0, 0),
    "online_safety": (0.05, 10, 17),
    "allergy": (0.03, 0, 17),
    "animals": (0.03, 0, 17),
}
RISKS_OF_NEEDS = {
    "cse_risk": "exploitation",
    "cce_risk": "exploitation",
    "self_harm": "self_harm",
    "sexualised_behaviour": "sexualised_behaviour",
    "substance_misuse": "substance_misuse",
}
ONLY_CHILD_SHARE = 0.04  # of single children aged 8 and over: must be the only child placed

# Ethnicity of children looked after at 31 March 2024 (DfE): White 71%, Mixed 11%, Black 7%,
# Asian 5%, other 4%, not known 1%; split between the SSDA903 codes as in the population.
CHILD_ETHNICITIES = {
    "WBRI": 0.640, "WIRI": 0.005, "WIRT": 0.005, "WOTH": 0.055, "WROM": 0.005,
    "MWBC": 0.040, "MWBA": 0.020, "MWAS": 0.020, "MOTH": 0.030,
    "AIND": 0.005, "APKN": 0.020, "ABAN": 0.010, "AOTH": 0.015,
    "BCRB": 0.015, "BAFR": 0.040, "BOTH": 0.015,
    "CHNE": 0.002, "OOTH": 0.040, "NOBT": 0.018,
}  # fmt: skip
# Foster carers are more often White British than the children (Ofsted, "Fostering in England",
# about 8 in 10 carers); the rest as in the population.
CARER_ETHNICITIES = {
    "WBRI": 0.790, "WIRI": 0.010, "WOTH": 0.040,
    "MWBC": 0.010, "MWBA": 0.005, "MWAS": 0.005, "MOTH": 0.010,
    "AIND": 0.010, "APKN": 0.030, "ABAN": 0.010, "AOTH": 0.010,
    "BCRB": 0.020, "BAFR": 0.030, "BOTH": 0.010, "OOTH": 0.010,
}  # fmt: skip
UNACCOMPANIED_ETHNICITIES = {"BAFR": 0.35, "AOTH": 0.30, "OOTH": 0.25, "WOTH": 0.10}
UNACCOMPANIED_LANGUAGES = {
    "arabic": 0.22, "kurdish": 0.18, "pashto": 0.15, "tigrinya": 0.15, "dari": 0.10,
    "farsi": 0.10, "albanian": 0.05, "vietnamese": 0.05,
}  # fmt: skip
# Religion by the first letter of the ethnicity code (plausible, after the 2021 census).
RELIGIONS = {
    "W": {"none": 0.50, "christian": 0.33, "catholic": 0.09, "not_known": 0.08},
    "M": {"none": 0.50, "christian": 0.30, "muslim": 0.12, "not_known": 0.08},
    "A": {"muslim": 0.65, "hindu": 0.12, "sikh": 0.10, "none": 0.08, "christian": 0.05},
    "B": {"christian": 0.60, "muslim": 0.22, "none": 0.18},
    "C": {"none": 0.70, "buddhist": 0.15, "christian": 0.15},
    "O": {"muslim": 0.45, "none": 0.25, "christian": 0.20, "other": 0.10},
    "N": {"not_known": 1.0},
}
# A second language at home, by ethnicity code: (chance, the languages).
HOME_LANGUAGES = {
    "WOTH": (0.5, ("polish", "romanian", "albanian")),
    "WROM": (0.4, ("romanian",)),
    "AIND": (0.5, ("punjabi",)),
    "APKN": (0.6, ("urdu", "punjabi")),
    "ABAN": (0.6, ("bengali",)),
    "BAFR": (0.3, ("somali", "tigrinya", "arabic")),
    "OOTH": (0.4, ("arabic", "kurdish", "farsi")),
}

# Households ----------------------------------------------------------------------------------------

# Ofsted's "Fostering in England" (1 April 2023 to 31 March 2024): a mean of 2.09 approved places a
# fostering household, and about 16 to 20% of places vacant in a year.
PLACES = {1: 0.30, 2: 0.41, 3: 0.21, 4: 0.06, 5: 0.02}  # mean 2.09
VACANT_SHARE = 0.18
# About 55% of fostering households are councils' own (Ofsted, as above), 45% an agency's.
IN_HOUSE_SHARE = 0.55
STATUS_SHARES = {"approved": 0.91, "on_hold": 0.05, "in_assessment": 0.02, "temporary": 0.02}
# Approvals by age, (youngest, oldest): plausible, after councils' published statements of purpose.
AGE_RANGES = {
    (0, 17): 0.35, (0, 10): 0.12, (0, 4): 0.06, (0, 12): 0.08, (3, 15): 0.05,
    (5, 17): 0.12, (8, 17): 0.10, (11, 17): 0.12,
}  # fmt: skip
TYPE_SHARES = {  # beside short-term care, which nearly every household is approved for
    "long_term": 0.65,
    "emergency": 0.30,
    "short_break": 0.12,
    "support_care": 0.10,
    "parent_and_child": 0.10,  # of households approved from birth with two places or more
    "remand": 0.06,  # of households approved for children of 12 and over
}
BREAKS_ONLY_SHARE = 0.04  # households approved only for short breaks and support care
ACCEPTS_SIBLINGS_SHARE = 0.85  # of households with two places or more
# Carers trained or experienced in each need (plausible; agencies' and councils' training offers).
SKILL_SHARES = {
    "trauma_attachment": 0.60, "challenging_behaviour": 0.40, "learning_disability": 0.15,
    "autism": 0.20, "physical_disability": 0.04, "complex_health": 0.06, "mental_health": 0.20,
    "substance_misuse": 0.08, "self_harm": 0.12, "cse_risk": 0.15, "cce_risk": 0.10,
    "missing_episodes": 0.15, "education_support": 0.30, "sen_ehcp": 0.20, "baby_care": 0.25,
    "parent_and_child": 0.0, "unaccompanied_asylum": 0.08, "faith_observance": 0.10,
    "contact_supervision": 0.50, "remand": 0.0, "sexualised_behaviour": 0.06,
    "eating_disorder": 0.03,
}  # fmt: skip
SKILL_OF_TYPE = {"parent_and_child": "parent_and_child", "remand": "remand"}
PLACED_RISK_SHARES = {"risk_to_younger_children": 0.04, "risk_to_other_children": 0.03}
# An independent fostering agency's weekly fee: mostly £800 to £1,500 (councils' published
# framework rates), a few specialist and therapeutic placements up to £6,000.
AGENCY_MEDIAN_COST = 1050
AGENCY_COST_SIGMA = 0.18
AGENCY_COST_RANGE = (750, 2000)
SPECIALIST_SHARE = 0.06
SPECIALIST_COST_RANGE = (1500, 6000)
EXPERIENCE_SHAPE, EXPERIENCE_SCALE = 1.6, 5.0  # years approved: mean 8, a long tail
AGENCIES = {
    "Northern Lights Fostering": 0.18, "Pennine Family Care": 0.14, "Irwell Fostering": 0.12,
    "Mersey Valley Foster Care": 0.10, "Moorside Fostering": 0.09, "Bridgewater Families": 0.08,
    "Kinder Fostering": 0.07, "Red Rose Fostering": 0.06, "Saddleworth Care": 0.05,
    "Cheshire Plain Fostering": 0.04, "Roch Valley Families": 0.04, "Tameside Hope": 0.03,
}  # fmt: skip


# Making a scenario ---------------------------------------------------------------------------------


def generate(
    *, households, children=0, seed=0, as_of=AS_OF, districts=GREATER_MANCHESTER, policy=None
):
    """A Scenario of `households` carer households and `children` children needing a home.

    Children come one at a time or as sibling groups (`SIBLING_SHARE` of them), in a random order:
    the order a first-come-first-served allocation takes them in. Households with a temporary
    approval (Regulation 24) name children of the scenario, a whole sibling group at a time; with
    no children, their share goes to approved households.
    """
    region = Region(districts)
    young = _children(random.Random(f"{seed}/children"), children, as_of, region)
    homes = _households(random.Random(f"{seed}/households"), households, as_of, region, young)
    return Scenario(as_of, policy or Policy(), tuple(young), tuple(homes))


def sibling_group(size, *, seed=0, as_of=AS_OF, districts=GREATER_MANCHESTER, group="G1"):
    """One referral: a single child (`size` 1) or a sibling group of `size`, with ids C1, C2, ..."""
    if size < 1:
        raise ValueError("a referral is for one child or more")
    rng = random.Random(f"{seed}/referral/{size}")
    eldest = _age(rng)
    ages = [max(eldest - gap, 0) for gap in _sibling_gaps(rng, size)]
    ids = [f"C{number}" for number in range(1, size + 1)]
    return tuple(_unit(rng, ids, ages, as_of, Region(districts), group if size > 1 else None))


class Region:
    """The districts homes and children are spread over, each district's centre found once."""

    def __init__(self, districts):
        if not districts:
            raise ValueError("a region needs at least one postcode district")
        self.districts = tuple(districts)
        self.centres = [_centre(district) for district in self.districts]

    def somewhere(self, rng):
        return _near(rng, rng.choice(self.centres), HOME_SPREAD_METRES)


@cache
def _centre(district):
    return locate(district)


def _near(rng, centre, spread):
    """A point about `spread` metres from `centre`, in whole metres (as a scenario file keeps it)."""
    return Location(
        float(round(max(centre.easting + rng.gauss(0, spread), 0))),
        float(round(max(centre.northing + rng.gauss(0, spread), 0))),
    )


def _pick(rng, shares):
    """One key of `shares`, with the chance its share gives (shares need not add up to 1)."""
    return rng.choices(tuple(shares), weights=tuple(shares.values()))[0]


def _age(rng):
    band = rng.choices(AGE_BANDS, weights=[share for _, _, share in AGE_BANDS])[0]
    return rng.randint(band[0], band[1])


def _born(rng, age, as_of):
    """A date of birth that makes the child `age` whole years old on `as_of`."""
    birthday = _years_before(as_of, age)
    earliest = _years_before(as_of, age + 1) + timedelta(days=1)
    return birthday - timedelta(days=rng.randint(0, (birthday - earliest).days))


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


# Children ------------------------------------------------------------------------------------------


def _children(rng, count, as_of, region):
    """`count` children: sibling groups and single children, in a random order, ids C1, C2, ..."""
    sizes = _group_sizes(rng, round(count * SIBLING_SHARE))
    grouped_ages = _group_ages(rng, sizes)
    units = [("group", ages) for ages in grouped_ages]
    units += [("single", [_age(rng)]) for _ in range(count - sum(sizes))]
    rng.shuffle(units)
    children, groups = [], 0
    for kind, ages in units:
        ids = [f"C{len(children) + number}" for number in range(1, len(ages) + 1)]
        group = None
        if kind == "group":
            groups += 1
            group = f"G{groups}"
        children += _unit(rng, ids, ages, as_of, region, group)
    return children


def _group_sizes(rng, children):
    """Sibling group sizes adding up to `children`, or one fewer: a child left over on their own
    is referred as a single child."""
    sizes = []
    while sum(sizes) < children:
        size = min(_pick(rng, GROUP_SIZES), children - sum(sizes))
        if size < 2:
            break
        sizes.append(size)
    return sizes


def _group_ages(rng, sizes):
    """The ages of each group's children, drawn from the national ages and then grouped so that
    siblings are near in age (which keeps the ages of all children the national ones)."""
    ages = [_age(rng) for _ in range(sum(sizes))]
    ages.sort(key=lambda age: age + rng.uniform(0, SIBLING_AGE_SPREAD_YEARS))
    groups, start = [], 0
    for size in sizes:
        groups.append(sorted(ages[start : start + size], reverse=True))
        start += size
    rng.shuffle(groups)
    return groups


def _sibling_gaps(rng, size):
    """Years between the eldest sibling and each of the others (0 for the eldest)."""
    gaps = [0]
    for _ in range(size - 1):
        gaps.append(gaps[-1] + rng.choice((1, 1, 2, 2, 3)))
    return gaps


def _unit(rng, ids, ages, as_of, region, group):
    """The children of one referral: one child, or a sibling group sharing a home area, a type of
    care and a background."""
    single = group is None
    eldest = max(ages)
    unaccompanied_age = UNACCOMPANIED_AGES[0] <= eldest <= UNACCOMPANIED_AGES[1]
    if single and unaccompanied_age and rng.random() < UNACCOMPANIED_SHARE:
        return [_unaccompanied(rng, ids[0], eldest, as_of, region)]
    placement_type = _placement_type(rng, ages, single)
    ethnicity = _pick(rng, CHILD_ETHNICITIES)
    religion = _pick(rng, RELIGIONS[ethnicity[0]])
    languages = _languages(rng, ethnicity)
    location = region.somewhere(rng)
    only_child = single and eldest >= 8 and rng.random() < ONLY_CHILD_SHARE
    children = []
    for child_id, age in zip(ids, ages, strict=True):
        needs = _needs(rng, age, placement_type)
        children.append(
            Child(
                id=child_id,
                date_of_birth=_born(rng, age, as_of),
                placement_type=placement_type,
                sex=rng.choice("MF"),
                ethnicity=ethnicity,
                religion=religion,
                languages=languages,
                needs=needs,
                risks=_risks(rng, age, needs),
                sibling_group=group,
                location=location,
                needs_only_child=only_child,
            )
        )
    return children


def _unaccompanied(rng, child_id, age, as_of, region):
    ethnicity = _pick(rng, UNACCOMPANIED_ETHNICITIES)
    needs = {"unaccompanied_asylum", *_needs(rng, age, "short_term")}
    return Child(
        id=child_id,
        date_of_birth=_born(rng, age, as_of),
        placement_type=rng.choice(("short_term", "short_term", "emergency")),
        sex="M" if rng.random() < 0.9 else "F",
        ethnicity=ethnicity,
        religion=_pick(rng, RELIGIONS[ethnicity[0]]),
        languages=(_pick(rng, UNACCOMPANIED_LANGUAGES),),
        needs=frozenset(needs),
        risks=_risks(rng, age, needs),
        location=region.somewhere(rng),
    )


def _placement_type(rng, ages, single):
    if single and ages[0] == 0 and rng.random() < PARENT_AND_CHILD_SHARE:
        return "parent_and_child"
    if single and ages[0] >= 12 and rng.random() < REMAND_SHARE:
        return "remand"
    return _pick(rng, PLACEMENT_TYPE_SHARES)


def _needs(rng, age, placement_type):
    needs = {
        need
        for need, (share, youngest, oldest) in NEED_SHARES.items()
        if youngest <= age <= oldest and rng.random() < share
    }
    if placement_type in ("parent_and_child", "remand"):
        needs.add(placement_type)
    return frozenset(needs)


def _risks(rng, age, needs):
    risks = {
        risk
        for risk, (share, youngest, oldest) in RISK_SHARES.items()
        if youngest <= age <= oldest and rng.random() < share
    }
    risks.update(risk for need, risk in RISKS_OF_NEEDS.items() if need in needs)
    return frozenset(risks)


def _languages(rng, ethnicity):
    """English, and for some families the language of home as well."""
    chance, spoken = HOME_LANGUAGES.get(ethnicity, (0.0, ()))
    if spoken and rng.random() < chance:
        return ("english", rng.choice(spoken))
    return ("english",)


# Households ----------------------------------------------------------------------------------------


def _households(rng, count, as_of, region, children):
    """`count` households, ids H1, H2, ...; the temporary ones each name a referral's children."""
    referrals = _referrals(children)
    rng.shuffle(referrals)
    homes = []
    for number in range(1, count + 1):
        status = _pick(rng, STATUS_SHARES)
        if status == "temporary":
            if referrals:
                homes.append(_kinship_household(rng, f"H{number}", referrals.pop()))
                continue
            status = "approved"
        homes.append(_foster_household(rng, f"H{number}", status, as_of, region))
    return homes


def _referrals(children):
    """The children as they are referred: each sibling group together."""
    units = {}
    for child in children:
        units.setdefault(child.sibling_group or child.id, []).append(child)
    return list(units.values())


def _foster_household(rng, household_id, status, as_of, region):
    in_house = rng.random() < IN_HOUSE_SHARE
    min_age, max_age = _pick(rng, AGE_RANGES)
    places = _pick(rng, PLACES)
    types = _approved_types(rng, min_age, max_age, places)
    filled = 0 if status == "in_assessment" else _filled(rng, places)
    ethnicity = _pick(rng, CARER_ETHNICITIES)
    return Household(
        id=household_id,
        provider=IN_HOUSE if in_house else _pick(rng, AGENCIES),
        status=status,
        min_age=min_age,
        max_age=max_age,
        max_children=places,
        types=types,
        accepts_siblings=places >= 2 and rng.random() < ACCEPTS_SIBLINGS_SHARE,
        children_placed=tuple(_placed_child(rng, min_age, max_age, as_of) for _ in range(filled)),
        skills=_skills(rng, min_age, types),
        ethnicity=ethnicity,
        religion=_pick(rng, RELIGIONS[ethnicity[0]]),
        languages=_languages(rng, ethnicity),
        location=region.somewhere(rng),
        weekly_cost=0.0 if in_house else _weekly_cost(rng),
        experience_years=0.0 if status == "in_assessment" else _experience(rng),
    )


def _kinship_household(rng, household_id, children):
    """Family or friends of `children`, temporarily approved for them alone (Regulation 24 of the
    Care Planning, Placement and Case Review Regulations 2010), living near them."""
    ethnicity = children[0].ethnicity
    near = children[0].location
    return Household(
        id=household_id,
        provider=IN_HOUSE,
        status="temporary",
        min_age=0,
        max_age=17,
        max_children=len(children),
        types=frozenset({"short_term", "long_term", children[0].placement_type}),
        named_children=frozenset(child.id for child in children),
        accepts_siblings=len(children) > 1,
        ethnicity=ethnicity,
        religion=children[0].religion,
        languages=children[0].languages,
        location=_near(rng, near, KIN_SPREAD_METRES) if near else None,
    )


def _approved_types(rng, min_age, max_age, places):
    if rng.random() < BREAKS_ONLY_SHARE:
        return frozenset({"short_break", "support_care"})
    types = {"short_term"}
    for placement_type, share in TYPE_SHARES.items():
        if placement_type == "parent_and_child" and (min_age > 0 or places < 2):
            continue
        if placement_type == "remand" and max_age < 12:
            continue
        if rng.random() < share:
            types.add(placement_type)
    return frozenset(types)


def _filled(rng, places):
    return sum(rng.random() >= VACANT_SHARE for _ in range(places))


def _placed_child(rng, min_age, max_age, as_of):
    age = _age(rng)
    while not min_age <= age <= max_age:
        age = _age(rng)
    risks = {
        risk for risk, share in PLACED_RISK_SHARES.items() if age >= 8 and rng.random() < share
    }
    return PlacedChild(date_of_birth=_born(rng, age, as_of), risks=frozenset(risks))


def _skills(rng, min_age, types):
    skills = {
        skill
        for skill, share in SKILL_SHARES.items()
        if rng.random() < share and (skill != "baby_care" or min_age == 0)
    }
    skills.update(
        skill for placement_type, skill in SKILL_OF_TYPE.items() if placement_type in types
    )
    return frozenset(skills)


def _weekly_cost(rng):
    if rng.random() < SPECIALIST_SHARE:
        low, high = SPECIALIST_COST_RANGE
        return float(round(math.exp(rng.uniform(math.log(low), math.log(high)))))
    low, high = AGENCY_COST_RANGE
    cost = rng.lognormvariate(math.log(AGENCY_MEDIAN_COST), AGENCY_COST_SIGMA)
    return float(round(min(max(cost, low), high)))


def _experience(rng):
    return round(min(rng.gammavariate(EXPERIENCE_SHAPE, EXPERIENCE_SCALE), 40.0), 1)


# Writing a scenario file ---------------------------------------------------------------------------


def scenario_as_json(scenario):
    """The scenario as CONTRACT.md section 3 writes it (parsed JSON: dicts and lists)."""
    return {
        "version": VERSION,
        "as_of": scenario.as_of.isoformat(),
        "policy": _policy_as_json(scenario.policy),
        "children": [_child_as_json(child) for child in scenario.children],
        "households": [_household_as_json(household) for household in scenario.households],
    }


def write_scenario(scenario, path):
    """Write the scenario as a scenario file at `path`; returns the path."""
    path = Path(path)
    path.write_text(json.dumps(scenario_as_json(scenario), indent=1) + "\n", encoding="utf-8")
    return path


def _policy_as_json(policy):
    """The two settings the contract shows, and any other that is not the default."""
    default = Policy()
    shown = ("in_house_first", "allow_sibling_split")
    return {
        setting.name: getattr(policy, setting.name)
        for setting in fields(Policy)
        if setting.name in shown or getattr(policy, setting.name) != getattr(default, setting.name)
    }


def _child_as_json(child):
    return {
        "id": child.id,
        "date_of_birth": child.date_of_birth.isoformat(),
        "sex": child.sex,
        "ethnicity": child.ethnicity,
        "religion": child.religion,
        "languages": list(child.languages),
        "placement_type": child.placement_type,
        "needs": sorted(child.needs),
        "risks": sorted(child.risks),
        "sibling_group": child.sibling_group,
        "location": _location_as_json(child.location),
        "needs_only_child": child.needs_only_child,
    }


def _household_as_json(household):
    return {
        "id": household.id,
        "provider": household.provider,
        "status": household.status,
        "approval": {
            "min_age": household.min_age,
            "max_age": household.max_age,
            "max_children": household.max_children,
            "types": sorted(household.types),
            "named_children": sorted(household.named_children),
        },
        "accepts_siblings": household.accepts_siblings,
        "children_placed": [
            {"date_of_birth": placed.date_of_birth.isoformat(), "risks": sorted(placed.risks)}
            for placed in household.children_placed
        ],
        "skills": sorted(household.skills),
        "ethnicity": household.ethnicity,
        "religion": household.religion,
        "languages": list(household.languages),
        "location": _location_as_json(household.location),
        "weekly_cost": household.weekly_cost,
        "experience_years": household.experience_years,
    }


def _location_as_json(location):
    if location is None:
        return None
    return {"easting": round(location.easting), "northing": round(location.northing)}
