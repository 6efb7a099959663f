"""`seed`: synthetic councils, agencies and people, the same for the same seed, never added twice."""

import re
import time
from datetime import timedelta

import pytest
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.text import slugify

from hearth.accounts.models import Membership, User
from hearth.accounts.roles import AGENCY_ROLES, AUTHORITY_ROLES, Role
from hearth.audit.models import AuditEvent
from hearth.core import postcodes
from hearth.core.deadlines import LONDON
from hearth.core.models import Contract, Organisation, Policy, Team
from hearth.people import vocabulary
from hearth.people.models import Carer, Child, Household, SiblingGroup
from hearth.people.seed import AREAS, REFERENCE_DATE, seed
from hearth.people.services import review_due_at

# Enough agencies for both councils to place about seven in ten of their children.
SMALL = {"children": 60, "households": 15, "agencies": 8}
PASSWORD = "correct horse battery staple"
GREATER_MANCHESTER = {area.ons_code for area in AREAS}
WIGAN, TRAFFORD = "E08000010", "E08000009"


def age(child):
    born, day = child.date_of_birth, REFERENCE_DATE
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def records():
    """What a user would see of the seeded records, in a stable order."""
    children = Child.objects.values_list(
        "authority__ons_code", "reference", "first_name", "last_name", "date_of_birth",
        "home_postcode", "school_postcode", "needs", "placed_with__reference",
        "sibling_group__reference", "social_worker__username",
    )  # fmt: skip
    households = Household.objects.values_list(
        "provider__name", "reference", "name", "postcode", "status", "max_children", "weekly_cost"
    )
    agencies = Organisation.objects.filter(kind="agency").values_list(
        "name", "ofsted_urn", "postcode"
    )
    contracts = Contract.objects.values_list("authority__ons_code", "agency__ofsted_urn", "status")
    return [sorted(rows) for rows in (children, households, agencies, contracts)]


def people_seed_households():
    """The carers' households, leaving out the enquirers and former carers that the fostering
    seed adds for its history (`hearth.fostering.seed`: references "ENQ-<n>")."""
    return Household.objects.exclude(reference__startswith="ENQ-")


def counts():
    kinship = Household.named_children.through
    models = [Organisation, Contract, Policy, Team, User, Membership, Child, SiblingGroup]
    models += [Household, Carer, kinship]
    return {model.__name__: model.objects.count() for model in models}


def seeded_then_forgotten(**arguments):
    """Seed, read the records, then roll the seed back as if the database were new (a seeded
    council's history is append-only: it cannot be deleted, only never have been)."""
    with transaction.atomic():
        summary = seed(**arguments)
        found = records()
        transaction.set_rollback(True)
    return summary, found


@pytest.fixture
def seeded(db):
    return seed(**SMALL)


def test_same_seed_gives_the_same_records(db):
    _summary, first = seeded_then_forgotten(**SMALL)
    seed(**SMALL)
    assert records() == first


def test_another_seed_gives_other_records(db):
    _summary, (first_children, first_households, first_agencies, _) = seeded_then_forgotten(**SMALL)
    seed(**SMALL, random_seed=2)
    children, households, agencies, _ = records()
    assert children != first_children
    assert households != first_households
    assert agencies != first_agencies


def test_seeding_again_creates_nothing(seeded):
    before = counts()
    summary = seed(**SMALL)
    assert counts() == before
    assert summary["created"] is False
    assert [council["created"] for council in summary["authorities"]] == [False, False]
    assert (summary["agencies"], summary["users"]) == (0, 0)


def test_council_added_later_gets_the_same_records_as_one_seeded_with_the_others(db):
    with transaction.atomic():
        seed(**SMALL, authorities=1)
        summary, later = seeded_then_forgotten(**SMALL, authorities=2)
        transaction.set_rollback(True)
    assert [council["created"] for council in summary["authorities"]] == [False, True]
    seed(**SMALL, authorities=2)
    assert records() == later


def test_summary_counts_match_the_arguments_second_council_half_size(seeded):
    assert seeded["authorities"] == [
        {"code": WIGAN, "name": "Wigan Council", "created": True, "children": 60, "households": 15},
        {
            "code": TRAFFORD,
            "name": "Trafford Council",
            "created": True,
            "children": 30,
            "households": 8,
        },
    ]
    assert seeded["agencies"] == SMALL["agencies"]
    assert seeded["created"] is True
    for code, children, households in [(WIGAN, 60, 15), (TRAFFORD, 30, 8)]:
        assert Child.objects.filter(authority__ons_code=code).count() == children
        assert people_seed_households().filter(provider__ons_code=code).count() == households
    assert Organisation.objects.filter(kind="agency").count() == SMALL["agencies"]


def test_every_postcode_is_real_and_in_its_council_area(seeded):
    for child in Child.objects.select_related("authority", "statutory"):
        if not child.home_postcode:
            assert child.statutory.uasc  # no home here for an asylum seeker (903 rule 406)
            continue
        assert postcodes.lookup(child.home_postcode).local_authority == child.authority.ons_code
        if child.school_postcode:
            assert (
                postcodes.lookup(child.school_postcode).local_authority == child.authority.ons_code
            )
    for household in Household.objects.select_related("provider"):
        area = postcodes.lookup(household.postcode).local_authority
        if household.provider.is_authority:
            assert area == household.provider.ons_code
        else:
            assert area in GREATER_MANCHESTER
    for organisation in Organisation.objects.all():
        assert postcodes.lookup(organisation.postcode).local_authority in GREATER_MANCHESTER


def test_no_household_has_more_children_than_it_is_approved_for(seeded):
    households = Household.objects.annotate(placed=Count("children_placed"))
    assert all(household.placed <= household.max_children for household in households)


def test_placed_children_fit_their_home_approval(seeded):
    placed = Child.objects.exclude(placed_with=None).select_related("placed_with")
    assert placed.exists()
    for child in placed:
        home = child.placed_with
        assert home.status in {Household.Status.APPROVED, Household.Status.TEMPORARY}
        assert home.min_age <= age(child) <= home.max_age
        if home.status == Household.Status.TEMPORARY:
            assert child in home.named_children.all()
        if child.sibling_group and not home.accepts_siblings:
            assert home.children_placed.filter(sibling_group=child.sibling_group).count() == 1


def test_about_seven_in_ten_children_are_placed_in_house_and_with_agencies(seeded):
    for code in (WIGAN, TRAFFORD):
        children = Child.objects.filter(authority__ons_code=code)
        placed = children.exclude(placed_with=None)
        assert 0.6 <= placed.count() / children.count() <= 0.75
        assert placed.filter(placed_with__provider__kind="authority").exists()
        assert placed.filter(placed_with__provider__kind="agency").exists()


def test_some_approved_homes_have_vacancies(seeded):
    approved = Household.objects.filter(status="approved").annotate(placed=Count("children_placed"))
    vacant = [household for household in approved if household.placed < household.max_children]
    assert any(household.provider.is_authority for household in vacant)
    assert any(household.provider.is_agency for household in vacant)


def test_brothers_and_sisters_share_a_group_a_surname_and_a_home_postcode(seeded):
    groups = SiblingGroup.objects.prefetch_related("children")
    assert groups.exists()
    for group in groups:
        children = list(group.children.all())
        assert 2 <= len(children) <= 4
        assert len({child.last_name for child in children}) == 1
        assert len({child.home_postcode for child in children}) == 1
        assert all(child.authority_id == group.authority_id for child in children)
        assert bool(group.together_plan) == (len(children) > 2)
    in_groups = Child.objects.exclude(sibling_group=None).count() / Child.objects.count()
    assert 0.1 <= in_groups <= 0.45


def test_records_use_the_vocabulary_and_hang_together(seeded):
    for child in Child.objects.all():
        assert child.ethnicity in vocabulary.ETHNICITIES
        assert child.legal_status in vocabulary.LEGAL_STATUSES
        assert child.religion in vocabulary.RELIGIONS
        assert not vocabulary.unknown(child.languages, vocabulary.LANGUAGES)
        assert not vocabulary.unknown(child.needs, vocabulary.NEEDS) and len(child.needs) <= 3
        assert not vocabulary.unknown(child.risks, vocabulary.RISKS) and len(child.risks) <= 3
        assert 0 <= age(child) <= 17
        if age(child) < 2:
            assert "baby_care" in child.needs
    for household in people_seed_households():
        assert not vocabulary.unknown(household.skills, vocabulary.SKILLS)
        # Regulation 24 approvals are for kinship care (the fostering seed sets it, as the
        # approval step does: `hearth.fostering.kinship.KINSHIP`).
        care_types = {**vocabulary.PLACEMENT_TYPES, "kinship": "Kinship"}
        assert household.care_types and not vocabulary.unknown(household.care_types, care_types)
        assert 1 <= household.bedrooms <= 4
        assert household.min_age <= household.max_age
        assert bool(household.hold_reason) == (household.status == Household.Status.ON_HOLD)
        assert (household.approved_on is None) == (household.status == "in_assessment")
        assert 1 <= household.carers.count() <= 2


def test_most_children_are_teenagers_or_nearly_and_white_british(db):
    seed(authorities=1, children=300, households=20, agencies=2)
    children = list(Child.objects.all())
    assert sum(age(child) >= 10 for child in children) > len(children) / 2
    assert sum(child.ethnicity == "WBRI" for child in children) > len(children) / 2
    assert any(age(child) < 2 for child in children)
    assert {child.legal_status for child in children} >= {"C1", "C2", "V2"}


def test_children_and_homes_have_staff_of_their_own_council(seeded):
    for child in Child.objects.select_related("team"):
        assert child.team.organisation_id == child.authority_id
        assert Membership.objects.filter(
            user=child.social_worker, organisation=child.authority, role=Role.SOCIAL_WORKER
        ).exists()
        assert Membership.objects.filter(
            user=child.iro, organisation=child.authority, role=Role.IRO
        ).exists()
    in_house = people_seed_households().filter(provider__kind="authority")
    in_house = in_house.exclude(status="deregistered")
    for household in in_house:
        assert Membership.objects.filter(
            user=household.supervising_social_worker,
            organisation=household.provider,
            role=Role.SUPERVISING_SOCIAL_WORKER,
        ).exists()
    assert not Team.objects.filter(manager=None).exists()


def test_agencies_have_ofsted_urns_homes_fees_and_a_contract_with_each_council(seeded):
    agencies = Organisation.objects.filter(kind="agency").annotate(homes=Count("households"))
    for agency in agencies:
        assert re.fullmatch(r"SC\d{6}", agency.ofsted_urn)
        assert 2 <= agency.homes <= 6
        assert agency.contracts_held.count() == 2
        for household in agency.households.all():
            assert 700 <= household.weekly_cost <= 7500
    assert not Household.objects.filter(provider__kind="authority").exclude(weekly_cost=0).exists()
    assert set(Contract.objects.values_list("status", flat=True)) <= set(Contract.Status.values)


def test_kinship_homes_are_temporary_and_name_the_children_living_there(seeded):
    kinship = Household.objects.filter(status=Household.Status.TEMPORARY)
    assert kinship.exists()
    for household in kinship:
        assert household.provider.is_authority
        assert household.named_children.exists()
        assert set(household.named_children.all()) == set(household.children_placed.all())


def test_seeding_writes_no_audit_rows(seeded):
    assert not AuditEvent.objects.exists()


def demo_usernames():
    councils = [f"{area.slug}.{role}" for area in AREAS[:2] for role in AUTHORITY_ROLES]
    agencies = [
        f"{slugify(name)}.{role}"
        for name in Organisation.objects.filter(kind="agency").values_list("name", flat=True)
        for role in AGENCY_ROLES
    ]
    return sorted(councils + agencies)


def test_demo_users_exist_only_when_asked_for(seeded):
    assert seeded["demo_users"] == []
    assert not User.objects.filter(username__in=demo_usernames()).exists()


def test_demo_users_one_per_role_in_each_organisation_with_the_password(db):
    summary = seed(**SMALL, demo_users=True, password=PASSWORD)
    assert summary["demo_users"] == demo_usernames()
    assert len(summary["demo_users"]) == 2 * len(AUTHORITY_ROLES) + 2 * SMALL["agencies"]
    for username in summary["demo_users"]:
        user = User.objects.get(username=username)
        organisation_slug, role = username.split(".")
        (membership,) = user.memberships.select_related("organisation")
        assert membership.role == role
        assert slugify(membership.organisation.name).startswith(organisation_slug)
        assert user.check_password(PASSWORD)


def test_demo_users_again_are_not_duplicated_and_take_the_new_password(db):
    seed(**SMALL, demo_users=True, password=PASSWORD)
    before = counts()
    summary = seed(**SMALL, demo_users=True, password="another long password")
    assert counts() == before
    assert summary["created"] is False
    assert User.objects.get(username="wigan.social_worker").check_password("another long password")


def test_demo_users_added_to_a_seeded_database_take_over_a_caseload(seeded):
    summary = seed(**SMALL, demo_users=True, password=PASSWORD)
    assert summary["created"] is True
    assert summary["users"] == 2 * len(AUTHORITY_ROLES) + 2 * SMALL["agencies"]
    social_worker = User.objects.get(username="wigan.social_worker")
    assert Child.objects.filter(social_worker=social_worker).exists()
    assert Team.objects.get(
        organisation__ons_code=WIGAN, name="Children in Care Team North"
    ).manager == (User.objects.get(username="wigan.team_manager"))


def test_demo_users_need_a_password(db):
    with pytest.raises(ValueError, match="password"):
        seed(**SMALL, demo_users=True)
    assert not Organisation.objects.exists()


def test_third_council_is_another_greater_manchester_council(db):
    summary = seed(authorities=3, children=20, households=6, agencies=2)
    bolton = Organisation.objects.get(ons_code="E08000001")
    assert [council["code"] for council in summary["authorities"]][2] == "E08000001"
    assert Child.objects.filter(authority=bolton).count() == 10
    for child in Child.objects.filter(authority=bolton):
        assert postcodes.lookup(child.home_postcode).local_authority == "E08000001"


def test_more_councils_than_greater_manchester_has_are_refused(db):
    with pytest.raises(ValueError, match="between 1 and 10"):
        seed(authorities=11)


def test_default_seed_takes_seconds_and_gives_two_councils(db):
    started = time.monotonic()
    summary = seed()
    elapsed = time.monotonic() - started
    assert [(c["children"], c["households"]) for c in summary["authorities"]] == [
        (400, 90),
        (200, 45),
    ]
    assert summary["agencies"] == 40
    assert Contract.objects.count() == 80
    households = Household.objects.annotate(placed=Count("children_placed"))
    assert all(household.placed <= household.max_children for household in households)
    for code in (WIGAN, TRAFFORD):
        children = Child.objects.filter(authority__ons_code=code)
        assert 0.6 <= children.exclude(placed_with=None).count() / children.count() <= 0.75
    assert elapsed < 30  # a few seconds in practice; generous for slow, shared machines


def test_approved_households_have_their_review_due_date_from_the_policy(db):
    from hearth.people.models import Household
    from hearth.people.seed import seed

    seed(authorities=1, children=30, households=12, agencies=3, random_seed=5)
    approved = Household.objects.filter(status="approved", approved_on__isnull=False)
    assert approved.exists()
    for household in approved:
        # A year from the latest annual review the fostering seed held, else from the approval.
        policy = household.provider.policy if household.provider.is_authority else Policy()
        assert household.review_due_at == review_due_at(household, policy)
        due = household.review_due_at.astimezone(LONDON)
        assert household.approved_on < due.date() <= timezone.localdate() + timedelta(days=366)


def test_seed_refuses_to_add_to_a_real_council_of_the_same_code(db):
    from hearth.core.services import authority_create

    real = authority_create(ons_code=WIGAN, name="Wigan Council")
    with pytest.raises(ValueError, match="holds real records"):
        seed(**SMALL, demo_users=True, password=PASSWORD)
    assert not User.objects.filter(is_demo=True).exists()
    assert not Child.objects.filter(authority=real).exists()


def test_demo_users_are_marked_as_such(db):
    seed(**SMALL, demo_users=True, password=PASSWORD)
    assert User.objects.get(username="wigan.social_worker").is_demo
    assert not User.objects.filter(is_demo=False, username="wigan.social_worker").exists()
    assert all(o.synthetic for o in Organisation.objects.all())
