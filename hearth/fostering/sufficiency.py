"""Sufficiency in the carers' view (004: "sufficiency and availability of carers"; "utilisation"):
how many places the council's own approved carers offer, how many are filled, how many are free,
and how many are out of use while the household is on hold; by age band and by type of care; and
the households with a spare bedroom who are approved for more children than live with them.

Counted over the council's in-house households that are approved (fully, temporarily under
Regulation 24, or on hold):
- **places**: the number of children each household is approved for (`max_children`);
- **filled**: the children living with the household now (`Child.placed_with`);
- **vacant**: places minus filled, for households not on hold (never below nought);
- **on hold**: the places of households on hold, none of them offered to a child.

The monthly figures' `households` and `placements` (CONTRACT section 4) count full approvals
only; Regulation 24 temporary approvals are here too, so `temporary` counts them (and the children
living with them) separately: the total less `temporary` is what the monthly figures count.

A household is counted in every age band its approval covers (a household approved for 0 to 17
is counted in all four) and under every type of care it is approved for, so the rows of a band or
type table add up to more than the total: each row answers "what could a child of this age, or
needing this care, have?".
"""

from dataclasses import dataclass, field

from django.db.models import Count

from hearth.people import vocabulary as people_vocabulary
from hearth.people.models import Household

Status = Household.Status
APPROVED_STATUSES = (Status.APPROVED, Status.TEMPORARY, Status.ON_HOLD)
AGE_BANDS = ((0, 4), (5, 10), (11, 15), (16, 17))
TEMPORARY_LABEL = "Of which temporary approvals (Regulation 24)"
CARE_TYPE_LABELS = {**dict(people_vocabulary.PLACEMENT_TYPES), "kinship": "Kinship"}


@dataclass
class Places:
    label: str
    households: int = 0
    places: int = 0
    filled: int = 0
    vacant: int = 0
    on_hold: int = 0

    def add(self, household):
        self.households += 1
        self.places += household.max_children
        self.filled += household.filled
        if household.status == Status.ON_HOLD:
            self.on_hold += household.max_children
        else:
            self.vacant += max(0, household.max_children - household.filled)

    @property
    def occupancy(self):
        """Filled places as a share of the places in use (not on hold), in whole per cent."""
        in_use = self.places - self.on_hold
        return round(100 * self.filled / in_use) if in_use else None


@dataclass
class Sufficiency:
    total: Places
    bands: list
    care_types: list
    temporary: Places  # of the total, the Regulation 24 temporary approvals
    room: list = field(default_factory=list)  # households with a spare room, approved for more

    def csv_rows(self):
        rows = [["All approved households", *_figures(self.total)]]
        rows += [[self.temporary.label, *_figures(self.temporary)]]
        rows += [[f"Ages {band.label}", *_figures(band)] for band in self.bands]
        rows += [[f"Type of care: {kind.label}", *_figures(kind)] for kind in self.care_types]
        return rows


CSV_HEADER = ["group", "households", "places", "filled", "vacant", "on_hold"]


def _figures(places):
    return [places.households, places.places, places.filled, places.vacant, places.on_hold]


def band_label(band):
    return f"{band[0]} to {band[1]}"


def _covers(household, band):
    return household.min_age <= band[1] and household.max_age >= band[0]


def has_room(household):
    """A spare bedroom and approved for more children than live there, and not on hold."""
    return (
        household.status != Status.ON_HOLD
        and household.bedrooms > household.filled
        and household.max_children > household.filled
    )


def in_house_households(authority):
    """The council's approved households with `filled`, the children living there now (one
    query)."""
    return (
        Household.objects.filter(provider=authority, status__in=APPROVED_STATUSES)
        .annotate(filled=Count("children_placed"))
        .select_related("supervising_social_worker")
        .order_by("name", "pk")
    )


def sufficiency(authority):
    households = list(in_house_households(authority))
    total = Places("All approved households")
    temporary = Places(TEMPORARY_LABEL)
    bands = {band: Places(band_label(band)) for band in AGE_BANDS}
    types = {}
    for household in households:
        total.add(household)
        if household.status == Status.TEMPORARY:
            temporary.add(household)
        for band, places in bands.items():
            if _covers(household, band):
                places.add(household)
        for care_type in household.care_types or []:
            label = CARE_TYPE_LABELS.get(care_type, care_type.replace("_", " ").capitalize())
            types.setdefault(care_type, Places(label)).add(household)
    order = list(CARE_TYPE_LABELS)
    care_types = sorted(
        types.items(), key=lambda item: (order.index(item[0]) if item[0] in order else 99, item[0])
    )
    return Sufficiency(
        total=total,
        bands=list(bands.values()),
        care_types=[places for _key, places in care_types],
        temporary=temporary,
        room=[household for household in households if has_room(household)],
    )
