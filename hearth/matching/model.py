"""What the matching engine works on: plain, immutable data, with no Django in sight.

A scenario (CONTRACT.md section 3) is children, households and a policy; a selector inside Hearth, or
`hearth.matching.scenario` reading a file, builds these from records or JSON. Ages are worked out on
the scenario's `as_of` date. Locations are OS grid metres (easting, northing).
"""

from dataclasses import dataclass, field
from datetime import date

PLACEMENT_TYPES = (
    "emergency", "short_term", "long_term", "parent_and_child", "short_break", "support_care",
    "remand",
)  # fmt: skip
STATUSES = ("approved", "temporary", "on_hold", "in_assessment", "deregistered")
IN_HOUSE = "in_house"


@dataclass(frozen=True)
class Location:
    easting: float
    northing: float


@dataclass(frozen=True)
class Child:
    id: str
    date_of_birth: date
    placement_type: str
    sex: str = ""
    ethnicity: str = ""
    religion: str = ""
    languages: tuple[str, ...] = ()
    needs: frozenset[str] = frozenset()
    risks: frozenset[str] = frozenset()
    sibling_group: str | None = None
    location: Location | None = None  # where the child should stay near: school or family
    needs_only_child: bool = False


@dataclass(frozen=True)
class PlacedChild:
    """A child already living in a household: what matters for the children who may join them."""

    date_of_birth: date
    risks: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Household:
    id: str
    provider: str  # IN_HOUSE or the agency's name
    status: str
    min_age: int
    max_age: int
    max_children: int
    types: frozenset[str]
    named_children: frozenset[str] = frozenset()  # kinship or connected approval for these children
    accepts_siblings: bool = True
    children_placed: tuple[PlacedChild, ...] = ()
    skills: frozenset[str] = frozenset()
    ethnicity: str = ""
    religion: str = ""
    languages: tuple[str, ...] = ()
    location: Location | None = None
    weekly_cost: float = 0.0
    experience_years: float = 0.0

    @property
    def in_house(self):
        return self.provider == IN_HOUSE

    @property
    def free_places(self):
        return self.max_children - len(self.children_placed)


# The default weight of each scoring factor; a council's policy may change them. The score is the
# weighted mean of the factors' values, so only the weights' proportions matter.
DEFAULT_WEIGHTS = {
    "needs": 4.0,
    "distance": 3.0,
    "in_house": 2.0,
    "kinship": 3.0,
    "identity": 1.0,
    "risk": 2.0,
    "experience": 1.0,
    "cost": 1.0,
    "household_size": 1.0,
    "together": 4.0,  # brothers and sisters kept together: splitting a group costs score
}


@dataclass(frozen=True)
class Policy:
    in_house_first: bool = True
    allow_sibling_split: bool = False
    distance_limit_miles: float = 20.0
    risk_is_a_bar: bool = False  # a risk to younger children already placed excludes the household
    fostering_limit: int = 3  # the usual limit of fostered children in one household
    weekly_cost_reference: float = 1000.0  # an agency weekly cost (pounds) that scores half on cost
    weights: dict = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))


@dataclass(frozen=True)
class Candidate:
    household: str
    score: float
    distance_miles: float | None
    reasons: tuple[str, ...]
    concerns: tuple[str, ...]
    # Needs the carers' skills do not meet: the support gaps that go in the placement plan.
    support_gaps: tuple[str, ...] = ()


@dataclass(frozen=True)
class Excluded:
    household: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Split:
    """One way to place a sibling group that no household can take whole."""

    label: str  # e.g. "Split 1: Amy and Ben together, Cal apart"
    parts: tuple[tuple[tuple[str, ...], str, float], ...]  # (children, household, score) per part
    score: float


@dataclass(frozen=True)
class Ranking:
    children: tuple[str, ...]
    candidates: tuple[Candidate, ...]
    excluded: tuple[Excluded, ...]
    splits: tuple[Split, ...] = ()
