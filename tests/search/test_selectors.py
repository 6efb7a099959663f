"""The in-house search: the council's own households ranked for a referral's children by the
matching engine, with pending places, exclusions, contacts and offers."""

from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone

from hearth.accounts.models import Membership
from hearth.accounts.roles import Role
from hearth.core.models import Policy
from hearth.core.rules import SWITCHES, THRESHOLDS_BY_NAME
from hearth.people.models import Household
from hearth.referrals.models import Referral, ReferralEvent, Status
from hearth.search import presenters
from hearth.search.models import Offer
from hearth.search.selectors import engine_ids, in_house_search, matching_policy, places_held
from tests.factories import ChildFactory, HouseholdFactory, make_referral, member

TODAY = date(2026, 11, 23)
SCHOOL = "WN1 1AA"  # the child's school, in Wigan town centre
HOME = "WN7 1AA"  # the family home in Leigh, about 6 miles from the school
BY_THE_SCHOOL = "WN1 1AB"


@pytest.fixture
def searched_child(wigan, social_worker):
    """Amy, 11 on TODAY, who needs carers skilled in trauma and attachment."""
    return ChildFactory(
        authority=wigan,
        social_worker=social_worker,
        first_name="Amy",
        date_of_birth=date(2015, 3, 1),
        school_postcode=SCHOOL,
        home_postcode=HOME,
        needs=["trauma_attachment"],
    )


@pytest.fixture
def searching(searched_child):
    """Amy's referral, accepted by the placements team: a short-term home near her school."""
    return make_referral(searched_child, status=Status.SEARCHING)


def search(user, referral, **kwargs):
    # As the screens fetch it (hearth.accounts.access.referral_for_user).
    referral = Referral.objects.select_related("authority__policy").get(pk=referral.pk)
    return in_house_search(user, referral, as_of=TODAY, **kwargs)


def names(rows):
    return [row.household.name for row in rows]


def home(wigan, name, **fields):
    return HouseholdFactory(provider=wigan, name=name, postcode=BY_THE_SCHOOL, **fields)


def placed_child(wigan, household, **fields):
    """A child living with the household, with a social worker of their own."""
    worker = member(wigan, Role.SOCIAL_WORKER)
    return ChildFactory(authority=wigan, placed_with=household, social_worker=worker, **fields)


def set_policy(wigan, **settings):
    policy = Policy.objects.get(authority=wigan)
    for group, values in settings.items():
        getattr(policy, group).update(values)
    policy.save()
    return policy


# Ranking ------------------------------------------------------------------------------------------


def test_a_household_with_the_skills_needed_ranks_above_one_without(
    wigan, searching, placements_officer
):
    home(wigan, "Ashworth", skills=[])
    home(wigan, "Birchall", skills=["trauma_attachment"])
    found = search(placements_officer, searching)
    assert names(found.available) == ["Birchall", "Ashworth"]
    best, other = found.available
    assert "meets 1 of 1 needs: trauma_attachment" in best.candidate.reasons
    assert other.candidate.support_gaps == ("trauma_attachment",)
    assert best.candidate.score > other.candidate.score
    assert [row.pending for row in found.available] == [False, False]
    assert found.excluded == [] and found.pending == [] and found.problems == []


def test_a_nearer_household_ranks_above_a_farther_one_and_the_distance_is_in_miles(
    wigan, searching, placements_officer
):
    HouseholdFactory(provider=wigan, name="Far", postcode="WN7 1AA")
    HouseholdFactory(provider=wigan, name="Near", postcode=BY_THE_SCHOOL)
    found = search(placements_officer, searching)
    assert names(found.available) == ["Near", "Far"]
    near, far = (row.candidate.distance_miles for row in found.available)
    assert near < 0.1 and 5.5 < far < 6.5


def test_each_hard_rule_broken_is_given_as_a_reason(wigan, searching, placements_officer):
    home(wigan, "Too young", max_age=5)
    home(wigan, "Resting", status=Household.Status.ON_HOLD, hold_reason="illness")
    home(wigan, "Babies only", max_age=1, care_types=["long_term"])
    home(wigan, "Open")
    found = search(placements_officer, searching)
    assert names(found.available) == ["Open"]
    reasons = {row.household.name: row.excluded for row in found.excluded}
    assert reasons == {
        "Babies only": (
            "approved for long_term, not short_term",
            "age 11 outside approval 0-1",
        ),
        "Resting": ("on hold: offered again once the hold is lifted",),
        "Too young": ("age 11 outside approval 0-5",),
    }
    assert all(row.candidate is None and not row.pending for row in found.excluded)


def test_households_deregistered_or_in_assessment_are_not_searched(
    wigan, searching, placements_officer
):
    home(wigan, "Gone", status=Household.Status.DEREGISTERED)
    home(wigan, "Not yet", status=Household.Status.IN_ASSESSMENT)
    home(wigan, "Kinship", status=Household.Status.TEMPORARY)
    found = search(placements_officer, searching)
    assert names(found.available) == []
    assert names(found.excluded) == ["Kinship"]  # a temporary approval names no child here


def test_a_kinship_approval_for_the_child_makes_the_household_a_candidate(
    wigan, searching, searched_child, placements_officer
):
    kin = home(wigan, "Gran", status=Household.Status.TEMPORARY)
    kin.named_children.add(searched_child)
    other = home(wigan, "Uncle", status=Household.Status.TEMPORARY)
    other.named_children.add(ChildFactory(authority=wigan, first_name="Amy", last_name="Other"))
    found = search(placements_officer, searching)
    assert names(found.available) == ["Gran"]
    assert "connected carers approved for Amy" in found.available[0].candidate.reasons
    (uncle,) = found.excluded
    assert uncle.excluded[0].startswith("temporary approval (Regulation 24) for Amy Other (C")
    assert uncle.excluded[0].endswith(", not Amy")


def test_a_household_of_another_council_never_appears(
    wigan, trafford, searching, placements_officer
):
    # Even to someone who works for both councils.
    Membership.objects.create(
        user=placements_officer, organisation=trafford, role=Role.PLACEMENTS_OFFICER
    )
    home(wigan, "Ours")
    HouseholdFactory(provider=trafford, name="Theirs", postcode="M33 7AA")
    found = search(placements_officer, searching)
    everyone = found.available + found.pending + found.excluded
    assert names(everyone) == ["Ours"]


def test_someone_who_may_not_see_households_finds_none(
    wigan, searching, virtual_school, placements_officer
):
    home(wigan, "Ours")
    assert names(search(placements_officer, searching).available) == ["Ours"]
    found = search(virtual_school, searching)
    assert found.available == found.pending == found.excluded == []


# Pending places -----------------------------------------------------------------------------------


def test_a_full_household_whose_child_is_moving_on_is_pending(wigan, searching, placements_officer):
    full = home(wigan, "Moving on", max_children=1)
    leaving = placed_child(wigan, full, first_name="Zoe", date_of_birth=date(2012, 5, 1))
    make_referral(leaving, status=Status.SEARCHING)
    home(wigan, "Open")
    found = search(placements_officer, searching)
    assert names(found.available) == ["Open"]
    (pending,) = found.pending
    assert pending.household == full and pending.pending
    assert pending.leaving == (leaving,)
    assert pending.excluded == ("no free place",)
    assert pending.candidate.household == str(full.pk)
    assert found.excluded == []  # a pending household is not also excluded


def test_a_full_household_whose_child_stays_is_excluded_not_pending(
    wigan, searching, placements_officer
):
    full = home(wigan, "Settled", max_children=1)
    staying = placed_child(wigan, full)
    make_referral(staying, status=Status.WITHDRAWN)  # a move once sought, no longer
    found = search(placements_officer, searching)
    assert found.pending == []
    (excluded,) = found.excluded
    assert (excluded.household, excluded.excluded, excluded.leaving) == (
        full,
        ("no free place",),
        (),
    )


def test_a_household_that_stays_unsuitable_after_the_move_is_excluded_not_pending(
    wigan, searching, placements_officer
):
    full = home(wigan, "Little ones", max_children=1, max_age=5)
    make_referral(placed_child(wigan, full), status=Status.SEARCHING)
    found = search(placements_officer, searching)
    assert found.pending == []
    assert found.excluded[0].excluded == ("age 11 outside approval 0-5", "no free place")
    assert len(found.excluded[0].leaving) == 1


def test_the_searched_child_leaving_their_own_home_is_no_pending_place(
    wigan, searching, searched_child, placements_officer
):
    current = home(wigan, "Current home", max_children=1)
    searched_child.placed_with = current
    searched_child.save()
    found = search(placements_officer, searching)
    assert found.pending == []
    assert names(found.excluded) == ["Current home"]


def test_pending_households_are_ranked_best_first(wigan, searching, placements_officer):
    for name, skills in (("Unskilled", []), ("Skilled", ["trauma_attachment"])):
        full = home(wigan, name, max_children=1, skills=skills)
        make_referral(placed_child(wigan, full), status=Status.APPROVED)
    assert names(search(placements_officer, searching).pending) == ["Skilled", "Unskilled"]


@pytest.mark.parametrize(
    "status, fields",
    [
        (Status.DRAFT, {}),
        (Status.SUBMITTED, {}),
        (Status.WITH_SERVICE_LEAD, {}),
        (Status.RETURNED, {"returned_from": Status.SUBMITTED}),
    ],
)
def test_a_child_whose_move_is_not_yet_approved_is_not_moving_on(
    wigan, searching, placements_officer, status, fields
):
    """A draft, or a referral still going through its approval, may never lead to a move."""
    full = home(wigan, "Not yet", max_children=1)
    make_referral(placed_child(wigan, full), status=status, **fields)
    found = search(placements_officer, searching)
    assert found.pending == []
    (excluded,) = found.excluded
    assert (excluded.household, excluded.leaving) == (full, ())


def test_a_child_matched_elsewhere_is_moving_on(wigan, searching, placements_officer):
    full = home(wigan, "Moving soon", max_children=1)
    make_referral(placed_child(wigan, full), status=Status.MATCHED)
    assert names(search(placements_officer, searching).pending) == ["Moving soon"]


# Places held --------------------------------------------------------------------------------------


def another_child(wigan, **fields):
    """A child of the council with a social worker of their own."""
    return ChildFactory(authority=wigan, social_worker=member(wigan, Role.SOCIAL_WORKER), **fields)


def matched_with(household, child, *, by, status=Status.MATCHED):
    """The child's own referral, with its offer from the household signed off."""
    referral = make_referral(child, status=status)
    offer = Offer.objects.create(
        referral=referral, household=household, source=Offer.Source.IN_HOUSE,
        status=Offer.Status.MATCHED, made_by=by,
    )  # fmt: skip
    offer.children.add(child)
    return referral


def test_places_held_for_children_due_to_arrive_are_not_free(
    wigan, searching, placements_officer, social_worker
):
    matched = home(wigan, "Matched", max_children=1)
    booked = home(wigan, "Booked", max_children=2)
    home(wigan, "Open", max_children=1)
    matched_with(matched, another_child(wigan), by=placements_officer)
    make_referral(
        another_child(wigan), another_child(wigan), status=Status.APPROVED,
        emergency_household=booked, emergency_booked_at=timezone.now(),
    )  # fmt: skip
    found = search(placements_officer, searching)
    assert names(found.available) == ["Open"]
    assert [(row.household.name, row.excluded) for row in found.excluded] == [
        ("Booked", ("no free place",)),
        ("Matched", ("no free place",)),
    ]
    shown = {row.household.name: presenters.free_places(row.household) for row in found.excluded}
    assert shown == {"Booked": 0, "Matched": 0}
    assert presenters.free_places(found.available[0].household) == 1


def test_a_place_is_held_only_until_the_child_arrives_or_the_need_ends(
    wigan, searching, searched_child, placements_officer
):
    homes = {name: home(wigan, name, max_children=1) for name in ("Arrived", "Ended", "Withdrawn")}
    arrived = another_child(wigan, placed_with=homes["Arrived"])
    matched_with(homes["Arrived"], arrived, by=placements_officer)  # moved in: living there
    make_referral(
        another_child(wigan), status=Status.SEARCHING,
        emergency_household=homes["Ended"], emergency_booked_at=timezone.now(),
        emergency_ended_at=timezone.now(),
    )  # fmt: skip
    matched_with(
        homes["Withdrawn"], another_child(wigan), by=placements_officer,
        status=Status.WITHDRAWN,
    )  # fmt: skip
    assert places_held(homes.values()) == {}
    # The searched child's own emergency carers hold no place against her.
    Referral.objects.filter(pk=searching.pk).update(
        emergency_household=homes["Ended"], emergency_booked_at=timezone.now()
    )
    assert places_held(homes.values(), excluding=[searched_child]) == {}
    assert places_held(homes.values()) == {homes["Ended"].pk: 1}
    assert names(search(placements_officer, searching).available) == ["Ended", "Withdrawn"]


def test_a_child_booked_and_matched_with_the_same_carers_holds_one_place(wigan, placements_officer):
    carers = home(wigan, "Keeping her", max_children=2)
    kept = another_child(wigan)
    referral = matched_with(carers, kept, by=placements_officer)
    Referral.objects.filter(pk=referral.pk).update(
        emergency_household=carers, emergency_booked_at=timezone.now()
    )
    assert places_held([carers]) == {carers.pk: 1}


# Contacts and offers ------------------------------------------------------------------------------


def test_each_row_has_the_latest_contact_and_the_live_offer(
    wigan, searching, placements_officer, time_machine
):
    rung, offered, declined = home(wigan, "Rung"), home(wigan, "Offered"), home(wigan, "Declined")

    def contact(household, outcome, reason="", at="2026-11-20 10:00 +00:00"):
        time_machine.move_to(at, tick=False)
        ReferralEvent.objects.create(
            referral=searching, action="carer_contact", from_status=Status.SEARCHING,
            to_status=Status.SEARCHING, by=placements_officer, comment=f"{outcome} noted",
            detail={"household": household.reference, "household_name": household.name,
                    "household_id": household.pk, "outcome": outcome, "reason": reason},
        )  # fmt: skip

    contact(rung, "no_answer", at="2026-11-20 09:00 +00:00")
    contact(rung, "declines", "no_vacancy", at="2026-11-20 11:00 +00:00")
    contact(offered, "offers")
    live = Offer.objects.create(
        referral=searching, household=offered, source=Offer.Source.IN_HOUSE,
        made_by=placements_officer,
    )  # fmt: skip
    Offer.objects.create(
        referral=searching, household=declined, source=Offer.Source.IN_HOUSE,
        made_by=placements_officer, status=Offer.Status.DECLINED, decision_reason="Too far",
    )  # fmt: skip
    rows = {row.household.name: row for row in search(placements_officer, searching).available}
    assert rows["Rung"].last_contact == {
        "outcome": "declines",
        "reason": "no_vacancy",
        "note": "declines noted",
        "at": rows["Rung"].last_contact["at"],
        "by": placements_officer.display_name,
    }
    assert rows["Rung"].last_contact["at"].hour == 11
    assert rows["Offered"].offer == live and rows["Offered"].last_contact["outcome"] == "offers"
    assert rows["Declined"].offer is None and rows["Declined"].last_contact is None
    assert rows["Rung"].offer is None


# Postcodes ----------------------------------------------------------------------------------------


def test_an_unknown_household_postcode_is_a_problem_not_an_error(
    wigan, searching, placements_officer
):
    HouseholdFactory(provider=wigan, name="Lost", reference="H9", postcode="WN1 7ZZ")
    found = search(placements_officer, searching)
    assert found.problems == [
        "Lost (H9): WN1 7ZZ is not a postcode in the ONS postcode directory, so its distance is "
        "not known"
    ]
    (row,) = found.available
    assert row.candidate.distance_miles is None
    assert "distance not known: no location for the household" in row.candidate.concerns


def test_a_childs_unknown_or_missing_postcode_is_a_problem_not_an_error(
    wigan, searching, searched_child, placements_officer
):
    home(wigan, "Open")
    searched_child.school_postcode = "WN1 7ZZ"
    searched_child.save()
    found = search(placements_officer, searching)
    assert found.problems == [
        "Amy's school postcode: WN1 7ZZ is not a postcode in the ONS postcode directory: "
        "distances from Amy are not known"
    ]
    assert found.available[0].candidate.distance_miles is None
    assert found.location == "nowhere known: no child's postcode could be found"
    searched_child.school_postcode = ""
    searched_child.save()
    assert search(placements_officer, searching).problems == [
        "Amy's school postcode is not recorded: distances from Amy are not known"
    ]


@pytest.mark.parametrize(
    ("near_school", "near_family", "school", "measured_from", "miles"),
    [
        (True, False, SCHOOL, f"Amy's school ({SCHOOL})", (0.0, 0.1)),
        (False, True, SCHOOL, f"Amy's home ({HOME})", (5.5, 6.5)),
        (False, False, SCHOOL, f"Amy's school ({SCHOOL})", (0.0, 0.1)),
        (False, False, "", f"Amy's home ({HOME})", (5.5, 6.5)),
    ],
)
def test_distances_are_from_the_school_or_family_the_referral_names(
    wigan, searching, searched_child, placements_officer,
    near_school, near_family, school, measured_from, miles,
):  # fmt: skip
    searched_child.school_postcode = school
    searched_child.save()
    searching.stay_near_school, searching.stay_near_family = near_school, near_family
    searching.save()
    home(wigan, "By the school")
    found = search(placements_officer, searching)
    assert found.location == measured_from and found.problems == []
    low, high = miles
    assert low <= found.available[0].candidate.distance_miles <= high


# Policy -------------------------------------------------------------------------------------------


def test_the_engine_policy_comes_from_the_councils_policy_and_the_referral(wigan, searching):
    policy = Policy.objects.get(authority=wigan)
    assert (
        matching_policy(policy, searching)
        == matching_policy(policy)
        == (matching_policy(policy, Referral(distance_limit_miles=None)))
    )
    default = matching_policy(policy)
    assert (default.in_house_first, default.allow_sibling_split, default.risk_is_a_bar) == (
        True, False, False,
    )  # fmt: skip
    assert (default.distance_limit_miles, default.fostering_limit) == (20, 3)
    policy = set_policy(
        wigan,
        switches={"in_house_first": False, "allow_sibling_split": True,
                  "risk_to_younger_children_bars": True},
        thresholds={"distance_limit_miles": 12, "fostering_limit": 4},
    )  # fmt: skip
    changed = matching_policy(policy, searching)
    assert (changed.in_house_first, changed.allow_sibling_split, changed.risk_is_a_bar) == (
        False, True, True,
    )  # fmt: skip
    assert (changed.distance_limit_miles, changed.fostering_limit) == (12, 4)
    searching.distance_limit_miles = 5
    assert matching_policy(policy, searching).distance_limit_miles == 5


def test_the_referrals_distance_limit_is_the_one_the_search_uses(
    wigan, searching, placements_officer
):
    HouseholdFactory(provider=wigan, name="Leigh", postcode="WN7 1AA")
    concerns = search(placements_officer, searching).available[0].candidate.concerns
    assert not any("limit" in concern for concern in concerns)
    searching.distance_limit_miles = 5
    searching.save()
    concerns = search(placements_officer, searching).available[0].candidate.concerns
    assert any("over the 5-mile limit" in concern for concern in concerns)


def test_the_usual_fostering_limit_is_the_councils(wigan, searching, placements_officer):
    busy = home(wigan, "Busy", max_children=4)
    placed_child(wigan, busy, date_of_birth=date(2010, 1, 1))
    placed_child(wigan, busy, date_of_birth=date(2010, 1, 1))
    over = "3 children fostered in the home with this placement, over the usual limit of 2"
    assert over not in search(placements_officer, searching).available[0].candidate.concerns
    set_policy(wigan, thresholds={"fostering_limit": 2})
    assert over in search(placements_officer, searching).available[0].candidate.concerns


def test_a_risk_to_younger_children_is_a_concern_or_by_the_switch_a_bar(
    wigan, searching, searched_child, placements_officer
):
    searched_child.risks = ["risk_to_younger_children"]
    searched_child.save()
    with_younger = home(wigan, "Young family")
    placed_child(wigan, with_younger, date_of_birth=date(2020, 6, 1))
    risk = "the child is a risk to younger children, and a child of 6 is already placed"
    found = search(placements_officer, searching)
    assert risk in found.available[0].candidate.concerns
    set_policy(wigan, switches={"risk_to_younger_children_bars": True})
    found = search(placements_officer, searching)
    assert found.available == []
    assert found.excluded[0].excluded == (risk,)


def test_every_setting_the_search_reads_is_documented_with_its_default():
    policy_doc = (Path(__file__).resolve().parents[2] / "docs" / "policy.md").read_text()
    for name in ("distance_limit_miles", "fostering_limit"):
        threshold = THRESHOLDS_BY_NAME[name]
        assert f"| `{name}` | {threshold.value} | {threshold.label} |" in policy_doc
    default, label = SWITCHES["risk_to_younger_children_bars"]
    assert f"| `risk_to_younger_children_bars` | {'on' if default else 'off'} | {label} |" in (
        policy_doc
    )


# Sibling groups -----------------------------------------------------------------------------------


@pytest.fixture
def brothers_and_sisters(wigan, social_worker, searched_child):
    ben = ChildFactory(
        authority=wigan, social_worker=social_worker, first_name="Ben",
        date_of_birth=date(2017, 4, 1), school_postcode=SCHOOL,
    )  # fmt: skip
    return make_referral(searched_child, ben, status=Status.SEARCHING), ben


def test_a_group_no_household_takes_whole_is_split_when_the_policy_allows(
    wigan, brothers_and_sisters, searched_child, placements_officer
):
    referral, ben = brothers_and_sisters
    first = home(wigan, "Ashworth", reference="H1", max_children=1)
    second = home(wigan, "Birchall", reference="H2", max_children=1)
    found = search(placements_officer, referral)
    assert found.available == [] and found.splits == []
    assert found.excluded[0].excluded == ("1 free place for a group of 2",)
    set_policy(wigan, switches={"allow_sibling_split": True})
    found = search(placements_officer, referral)
    assert found.children == [searched_child, ben]
    label, parts, score = found.splits[0]
    assert label in (
        "Split 1: Amy with Ashworth (H1); Ben with Birchall (H2)",
        "Split 1: Amy with Birchall (H2); Ben with Ashworth (H1)",
    )
    assert {(tuple(children), household) for children, household, _ in parts} in (
        {((searched_child,), first), ((ben,), second)},
        {((searched_child,), second), ((ben,), first)},
    )
    assert 0 < score < 1


def test_a_group_placed_whole_has_no_splits(wigan, brothers_and_sisters, placements_officer):
    referral, _ben = brothers_and_sisters
    set_policy(wigan, switches={"allow_sibling_split": True})
    home(wigan, "Big house", max_children=3)
    found = search(placements_officer, referral)
    assert names(found.available) == ["Big house"] and found.splits == []
    assert "keeps all 2 brothers and sisters together" in found.available[0].candidate.reasons
    assert found.location == (
        f"Amy's school ({SCHOOL}) and Ben's school ({SCHOOL}): the farthest of them for each "
        "household"
    )


def test_children_with_the_same_first_name_are_told_apart():
    a = ChildFactory.build(pk=1, first_name="Amy", last_name="Smith")
    b = ChildFactory.build(pk=2, first_name="Amy", last_name="Jones")
    c = ChildFactory.build(pk=3, first_name="Cal", preferred_name="Cally")
    assert engine_ids([a, b, c]) == {1: "Amy Smith", 2: "Amy Jones", 3: "Cally"}


# Queries ------------------------------------------------------------------------------------------


def _households_with_everything(wigan, count, user, referral):
    """`count` households, each with a carer, a child placed (moving on), a named child, a
    contact and an offer."""
    for number in range(count):
        household = home(wigan, f"Home {number}", max_children=1)
        make_referral(placed_child(wigan, household), status=Status.SEARCHING)
        household.named_children.add(another_child(wigan))
        ReferralEvent.objects.create(
            referral=referral, action="carer_contact", from_status=Status.SEARCHING,
            to_status=Status.SEARCHING, by=user,
            detail={"household_id": household.pk, "outcome": "no_answer", "reason": ""},
        )  # fmt: skip
        Offer.objects.create(
            referral=referral, household=household, source=Offer.Source.IN_HOUSE, made_by=user
        )


@pytest.mark.parametrize("count", [3, 15])
def test_the_search_costs_the_same_queries_however_many_households(
    wigan, searching, placements_officer, django_assert_num_queries, count
):
    _households_with_everything(wigan, count, placements_officer, searching)
    referral = Referral.objects.select_related("authority__policy").get(pk=searching.pk)
    # memberships, children, households, carers, children placed, named children, places held,
    # contacts, offers and their children
    with django_assert_num_queries(10):
        found = in_house_search(placements_officer, referral, as_of=TODAY)
    assert len(found.pending) + len(found.excluded) == count
