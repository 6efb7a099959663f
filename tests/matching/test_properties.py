"""Properties CONTRACT.md section 3 promises of every ranking, checked on generated scenarios.

No excluded household is ever a candidate (checked against the hard rules written out again here,
one household at a time); every household appears once; scores lie in [0, 1], best first; and,
all else being equal, more needs met never ranks lower, nearer never ranks lower, and with
in-house first an in-house household ranks above an agency one. The weights are generated too,
zeros included, so the order must hold however a council weighs the factors.
"""

from dataclasses import replace

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hearth.matching.model import DEFAULT_WEIGHTS, IN_HOUSE, Location, PlacedChild, Policy
from hearth.matching.rules import age_on
from tests.matching import AS_OF, born, child, household, order, ranking

TYPES = ("emergency", "short_term", "long_term")
NEEDS = ("autism", "self_harm", "trauma_attachment", "baby_care")
RISKS = ("risk_to_younger_children", "risk_to_other_children", "absconding")
CHILD_IDS = ("C1", "C2", "C3")

ages = st.integers(0, 17)
some_locations = st.builds(Location, st.integers(340000, 380000), st.integers(390000, 420000))
locations = st.one_of(st.none(), some_locations)
# Built once: Hypothesis spends most of its time checking strategies made afresh for each draw.
providers = st.sampled_from([IN_HOUSE, IN_HOUSE, "Northern Fostering"])
statuses = st.sampled_from(["approved"] * 4 + ["temporary", "on_hold"])
approved_types = st.frozensets(st.sampled_from(TYPES), min_size=1)
named = st.sampled_from([frozenset(), frozenset(), frozenset({"C1"}), frozenset({"K1"})])
one_risk = st.frozensets(st.sampled_from(RISKS), max_size=1)
children_placed = st.lists(st.builds(PlacedChild, st.builds(born, ages), one_risk), max_size=2)
needs = st.frozensets(st.sampled_from(NEEDS))
ethnicities = st.sampled_from(["", "WBRI", "APKN"])
religions = st.sampled_from(["", "christian", "muslim"])
languages = st.lists(st.sampled_from(["english", "urdu"]), unique=True).map(tuple)
weekly_costs = st.sampled_from([0, 600, 1400])
experience = st.sampled_from([0, 0.5, 3, 12])
placement_types = st.sampled_from(TYPES)


@st.composite
def households(draw, id="H1"):
    min_age = draw(ages)
    return household(
        id,
        provider=draw(providers),
        status=draw(statuses),
        min_age=min_age,
        max_age=draw(st.integers(min_age, 17)),
        max_children=draw(st.integers(0, 4)),
        types=draw(approved_types),
        named_children=draw(named),
        accepts_siblings=draw(st.booleans()),
        children_placed=draw(children_placed),
        skills=draw(needs),
        ethnicity=draw(ethnicities),
        religion=draw(religions),
        languages=draw(languages),
        location=draw(locations),
        weekly_cost=draw(weekly_costs),
        experience_years=draw(experience),
    )


@st.composite
def open_households(draw, id):
    """A household that takes most children: the orderings are about households that can."""
    home = draw(households(id))
    return replace(
        home, status="approved", min_age=0, max_age=17, types=frozenset(TYPES),
        max_children=len(home.children_placed) + 3, accepts_siblings=True,
        named_children=draw(st.sampled_from([frozenset(), frozenset(CHILD_IDS)])),
    )  # fmt: skip


@st.composite
def groups(draw, located=False):
    """One to three children; siblings share a location, as they usually do."""
    size = draw(st.integers(1, 3))
    where = draw(some_locations if located else locations)
    return [
        child(
            CHILD_IDS[number],
            age=draw(ages),
            placement_type=draw(placement_types),
            needs=draw(needs),
            risks=draw(one_risk),
            needs_only_child=draw(st.booleans()) and draw(st.booleans()),
            ethnicity=draw(ethnicities),
            religion=draw(religions),
            languages=draw(languages),
            location=where,
        )
        for number in range(size)
    ]


@st.composite
def policies(draw, in_house_first=None):
    weights = draw(
        st.one_of(
            st.just(dict(DEFAULT_WEIGHTS)),
            st.fixed_dictionaries({name: st.integers(0, 5) for name in DEFAULT_WEIGHTS}),
        )
    )
    in_house_first = draw(st.booleans()) if in_house_first is None else in_house_first
    # With in-house first off the in-house factor weighs nothing: another factor must weigh.
    assume(sum(w for name, w in weights.items() if in_house_first or name != "in_house") > 0)
    return Policy(
        in_house_first=in_house_first,
        allow_sibling_split=draw(st.booleans()),
        distance_limit_miles=draw(st.sampled_from([5.0, 20.0, 50.0])),
        risk_is_a_bar=draw(st.booleans()),
        fostering_limit=draw(st.integers(1, 4)),
        weights=weights,
    )


@st.composite
def many_households(draw):
    count = draw(st.integers(1, 6))
    return [draw(households(f"H{number}")) for number in range(count)]


def breaks_a_rule(home, children, policy):
    """The hard rules of CONTRACT.md section 3, for one household, written plainly."""
    placed = home.children_placed
    child_ages = [age_on(c.date_of_birth, AS_OF) for c in children]

    def younger(a, b):
        return a.date_of_birth > b.date_of_birth

    risk = any(
        ("risk_to_younger_children" in c.risks and any(younger(p, c) for p in placed))
        or ("risk_to_other_children" in c.risks and placed)
        for c in children
    ) or any(
        ("risk_to_younger_children" in p.risks and any(younger(c, p) for c in children))
        or "risk_to_other_children" in p.risks
        for p in placed
    )
    return (
        home.status not in ("approved", "temporary")
        or (
            (home.status == "temporary" or home.named_children)
            and any(c.id not in home.named_children for c in children)
        )
        or any(c.placement_type not in home.types for c in children)
        or any(not home.min_age <= age <= home.max_age for age in child_ages)
        or home.max_children - len(placed) < len(children)
        or (len(children) > 1 and not home.accepts_siblings)
        or (any(c.needs_only_child for c in children) and len(placed) > 0)
        or (policy.risk_is_a_bar and risk)
    )


@settings(deadline=None)
@given(homes=many_households(), children=groups(), policy=policies())
def test_no_excluded_household_is_ever_a_candidate(homes, children, policy):
    result = ranking(homes, children, policy)

    candidates = {c.household for c in result.candidates}
    excluded = {e.household for e in result.excluded}
    by_id = {home.id: home for home in homes}
    assert candidates == {h.id for h in homes if not breaks_a_rule(h, children, policy)}
    assert excluded == {h.id for h in homes} - candidates
    assert len(result.candidates) + len(result.excluded) == len(homes)
    assert all(e.reasons for e in result.excluded)
    assert all(not breaks_a_rule(by_id[c], children, policy) for c in candidates)


@settings(deadline=None)
@given(homes=many_households(), children=groups(), policy=policies())
def test_scores_lie_within_zero_and_one_best_first(homes, children, policy):
    scores = [c.score for c in ranking(homes, children, policy).candidates]

    assert all(0 <= score <= 1 for score in scores)
    assert scores == sorted(scores, reverse=True)


@settings(deadline=None)
@given(homes=many_households(), children=groups(), policy=policies(), limit=st.integers(0, 9))
def test_the_best_few_are_the_start_of_the_whole_ranking(homes, children, policy, limit):
    everyone = ranking(homes, children, policy)

    best = ranking(homes, children, policy, limit=limit, explain_all=False)

    assert best.candidates == everyone.candidates[:limit]


@settings(deadline=None)
@given(
    others=many_households(), home=open_households("SAME"), children=groups(), policy=policies(),
    data=st.data(),
)  # fmt: skip
def test_more_needs_met_never_ranks_lower(others, home, children, policy, data):
    unmet = sorted(set().union(*(c.needs for c in children)) - home.skills)
    assume(unmet)
    skilled = replace(home, id="MORE", skills=home.skills | {data.draw(st.sampled_from(unmet))})

    ranked = order(ranking([*others, home, skilled], children, policy))

    assume("SAME" in ranked)
    assert ranked.index("MORE") < ranked.index("SAME")


@settings(deadline=None)
@given(
    others=many_households(), home=open_households("SAME"), children=groups(located=True),
    policy=policies(), closer=st.floats(0.01, 1),
)  # fmt: skip
def test_nearer_never_ranks_lower(others, home, children, policy, closer):
    here = children[0].location
    assume(home.location is not None and home.location != here)
    towards = Location(
        home.location.easting + closer * (here.easting - home.location.easting),
        home.location.northing + closer * (here.northing - home.location.northing),
    )
    nearer = replace(home, id="NEARER", location=towards)

    result = ranking([*others, home, nearer], children, policy)

    ranked = order(result)
    assume("SAME" in ranked)
    distances = {c.household: c.distance_miles for c in result.candidates}
    assert distances["NEARER"] < distances["SAME"]
    assert ranked.index("NEARER") < ranked.index("SAME")


@settings(deadline=None)
@given(
    others=many_households(), home=open_households("AGENCY"), children=groups(),
    policy=policies(in_house_first=True),
)  # fmt: skip
def test_in_house_ranks_above_agency_under_in_house_first(others, home, children, policy):
    agency = replace(home, provider="Northern Fostering")
    in_house = replace(home, id="IN_HOUSE", provider=IN_HOUSE)

    ranked = order(ranking([*others, agency, in_house], children, policy))

    assume("AGENCY" in ranked)
    assert ranked.index("IN_HOUSE") < ranked.index("AGENCY")


@settings(deadline=None)
@given(homes=many_households(), children=groups(), policy=policies(), data=st.data())
def test_each_part_of_a_split_goes_to_a_household_that_can_take_it(homes, children, policy, data):
    policy = replace(policy, allow_sibling_split=True)
    by_id = {home.id: home for home in homes}

    result = ranking(homes, children, policy)

    if result.candidates or len(children) == 1:
        assert result.splits == ()
    for split in result.splits:
        households_used = [home for _, home, _ in split.parts]
        children_placed = [c for part, _, _ in split.parts for c in part]
        assert len(households_used) == len(set(households_used))
        assert len(children_placed) == len(set(children_placed))
        assert 0 <= split.score <= 1
        for part, home, _ in split.parts:
            sub_group = [c for c in children if c.id in part]
            assert not breaks_a_rule(by_id[home], sub_group, policy)
