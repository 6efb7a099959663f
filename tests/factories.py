"""Factories for the records tests need. Postcodes are real (ONS data): Wigan and Trafford."""

from datetime import date

import factory

from hearth.accounts.models import Membership, User
from hearth.core.models import Organisation, Policy, Team
from hearth.people.models import Carer, Child, Household


class AuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("ons_code",)
        skip_postgeneration_save = True

    kind = Organisation.Kind.AUTHORITY
    name = "Wigan Council"
    ons_code = "E08000010"

    @factory.post_generation
    def policy(obj, create, extracted, **kwargs):
        if create:
            Policy.objects.get_or_create(authority=obj)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = Organisation.Kind.AGENCY
    name = factory.Sequence(lambda n: f"Northern Fostering {n}")
    ofsted_urn = factory.Sequence(lambda n: f"SC{100000 + n}")
    postcode = "M1 1AE"


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(AuthorityFactory)
    name = factory.Sequence(lambda n: f"Children in Care Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Worker{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


def member(organisation, role, **user_fields):
    user = UserFactory(**user_fields)
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    authority = factory.SubFactory(AuthorityFactory)
    reference = factory.Sequence(lambda n: f"C{1000 + n}")
    first_name = "Amy"
    last_name = factory.Sequence(lambda n: f"Child{n}")
    date_of_birth = date(2015, 3, 1)
    sex = "F"
    ethnicity = "WBRI"
    religion = "christian"
    languages = ["english"]
    legal_status = "C2"
    home_postcode = "WN1 1AA"
    needs = ["trauma_attachment"]


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household
        skip_postgeneration_save = True

    provider = factory.SubFactory(AuthorityFactory)
    reference = factory.Sequence(lambda n: f"H{1000 + n}")
    name = factory.Sequence(lambda n: f"Household {n}")
    postcode = "WN1 1AB"
    bedrooms = 2
    status = Household.Status.APPROVED
    min_age = 0
    max_age = 17
    max_children = 2
    care_types = ["short_term", "emergency"]
    skills = ["trauma_attachment"]
    approved_on = date(2024, 1, 15)

    @factory.post_generation
    def carers(obj, create, extracted, **kwargs):
        if create:
            Carer.objects.create(household=obj, first_name="Pat", last_name="Carer")


COMPLETE_REFERRAL = {
    "placement_type": "short_term",
    "date_needed": date(2026, 12, 1),
    "history": "Came into care in 2024 after neglect at home; settled well at school.",
    "needs_summary": "Needs predictable routines and help with sleep.",
    "care_plan": "Return home is not planned; family time with mum fortnightly, supervised.",
    "identity": "White British; proud of her Wigan roots; enjoys church on Sundays.",
    "feels_safe": "A night light, knowing the plan for tomorrow, her cuddly rabbit.",
    "support_in_place": "CAMHS appointments monthly; school mentor.",
    "likes_dislikes": "Likes swimming and drawing; dislikes loud arguments.",
    "child_views": "Wants to stay at her school and keep seeing her brother.",
    "risk_facts": "Two missing episodes in 2025, both returned within hours.",
    "risk_opinions": "The social worker thinks the risk is lower with consistent boundaries.",
    "risk_management": "Missing from care protocol; carer to know her friends' addresses.",
    "location_notes": "Within reach of her school in Wigan.",
    "stay_near_school": True,
    "education_requested": False,
    "therapy_requested": False,
    "network_explored": True,
    "network_summary": "Grandparents assessed and not able to care; no other relatives.",
    "viability_under_way": False,
    "new_into_care": False,
}


def make_referral(*children, complete=True, **fields):
    """A referral for the children (their social worker's draft unless `status` says otherwise),
    every section answered unless `complete` is False."""
    from hearth.referrals.models import Referral

    first = children[0]
    referral = Referral.objects.create(
        authority=first.authority,
        social_worker=first.social_worker,
        team=first.team,
        sibling_group=first.sibling_group if len(children) > 1 else None,
        created_by=first.social_worker,
        **({**COMPLETE_REFERRAL, **fields} if complete else fields),
    )
    referral.children.set(children)
    return referral
