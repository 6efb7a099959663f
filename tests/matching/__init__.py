"""Children, households and rankings for the matching engine's tests, built in a line each."""

from datetime import date

from hearth.matching.model import IN_HOUSE, Child, Household, Location, PlacedChild, Policy
from hearth.matching.rank import HouseholdIndex, rank

AS_OF = date(2026, 11, 23)
WIGAN = Location(358000, 405500)  # near WN1 1AA


def born(age):
    """A date of birth making a child `age` on AS_OF (their birthday was in January)."""
    return date(AS_OF.year - age, 1, 1)


def child(id="C1", age=8, placement_type="short_term", **fields):
    fields.setdefault("location", WIGAN)
    for tags in ("needs", "risks"):
        fields[tags] = frozenset(fields.get(tags, ()))
    return Child(id=id, date_of_birth=born(age), placement_type=placement_type, **fields)


def placed(age, *risks):
    return PlacedChild(date_of_birth=born(age), risks=frozenset(risks))


def household(id="H1", **fields):
    defaults = dict(
        provider=IN_HOUSE, status="approved", min_age=0, max_age=17, max_children=3,
        types=frozenset({"emergency", "short_term", "long_term"}), location=WIGAN,
    )  # fmt: skip
    fields = {**defaults, **fields}
    for tags in ("types", "skills", "named_children"):
        fields[tags] = frozenset(fields.get(tags, ()))
    fields["children_placed"] = tuple(fields.get("children_placed", ()))
    return Household(id=id, **fields)


def ranking(households, children, policy=None, **options):
    index = HouseholdIndex.build(households)
    return rank(index, children, policy or Policy(), AS_OF, **options)


def candidate(result, household_id):
    return next(c for c in result.candidates if c.household == household_id)


def exclusion(result, household_id):
    """The reasons a household was excluded (an error if it was a candidate)."""
    return next(e.reasons for e in result.excluded if e.household == household_id)


def order(result):
    return [c.household for c in result.candidates]


def miles_east(miles):
    """A location this many miles due east of WIGAN."""
    return Location(WIGAN.easting + miles * 1609.344, WIGAN.northing)
