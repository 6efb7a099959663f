"""What the API answers: plain fields, names of people and teams rather than their database rows."""

from datetime import date, datetime
from enum import Enum

from django.utils import timezone
from ninja import Field, Schema
from pydantic import field_validator

from hearth.core import rules
from hearth.people.forms import age_on

RuleName = Enum("RuleName", {t.name: t.name for t in rules.TIMESCALES}, type=str)


def _username(user):
    return user.username if user is not None else None


class ChildOut(Schema):
    id: int
    reference: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    age: int = Field(description="Whole years today, in Europe/London")
    sex: str
    ethnicity: str = Field(description="SSDA903 ethnicity code")
    religion: str
    languages: list[str]
    legal_status: str = Field(description="SSDA903 legal status code")
    needs: list[str]
    risks: list[str]
    home_postcode: str
    school_postcode: str
    social_worker: str | None = Field(description="Username of the allocated social worker")
    team: str | None = Field(description="Name of the team holding the case")
    iro: str | None = Field(description="Username of the Independent Reviewing Officer")
    sibling_group: str | None = Field(description="Reference of the child's sibling group")
    placed_with: int | None = Field(description="Id of the household the child lives with")

    @staticmethod
    def resolve_age(child):
        return age_on(child.date_of_birth, timezone.localdate())

    @staticmethod
    def resolve_social_worker(child):
        return _username(child.social_worker)

    @staticmethod
    def resolve_team(child):
        return child.team.name if child.team is not None else None

    @staticmethod
    def resolve_iro(child):
        return _username(child.iro)

    @staticmethod
    def resolve_sibling_group(child):
        return child.sibling_group.reference if child.sibling_group is not None else None

    @staticmethod
    def resolve_placed_with(child):
        return child.placed_with_id


class ProviderBriefOut(Schema):
    id: int
    name: str
    kind: str = Field(description="`authority` (an in-house household) or `agency`")


class ApprovalOut(Schema):
    min_age: int
    max_age: int
    max_children: int
    types: list[str] = Field(description="Types of care the household is approved for")
    named_children: list[int] = Field(description="Ids of the children a kinship approval names")


class CarerOut(Schema):
    first_name: str
    last_name: str


def _placed_count(household):
    """Children living there: annotated on lists, counted for a single household."""
    placed = getattr(household, "placed_count", None)
    return household.children_placed.count() if placed is None else placed


class HouseholdOut(Schema):
    id: int
    reference: str
    name: str
    provider: ProviderBriefOut
    in_house: bool
    postcode: str
    bedrooms: int
    status: str
    hold_reason: str
    approval: ApprovalOut
    accepts_siblings: bool
    skills: list[str]
    free_places: int = Field(description="Children approved for, less children living there")
    carers: list[CarerOut]
    supervising_social_worker: str | None = Field(description="Username")

    @staticmethod
    def resolve_in_house(household):
        return household.provider.is_authority

    @staticmethod
    def resolve_approval(household):
        return {
            "min_age": household.min_age,
            "max_age": household.max_age,
            "max_children": household.max_children,
            "types": household.care_types,
            "named_children": [child.pk for child in household.named_children.all()],
        }

    @staticmethod
    def resolve_free_places(household):
        return max(household.max_children - _placed_count(household), 0)

    @staticmethod
    def resolve_carers(household):
        return list(household.carers.all())

    @staticmethod
    def resolve_supervising_social_worker(household):
        return _username(household.supervising_social_worker)


class ProviderOut(Schema):
    id: int
    name: str
    ofsted_urn: str | None
    email: str
    phone: str
    postcode: str
    contract_status: str | None = Field(
        description="`in_contract` or `off_contract` with the caller's council; null if none"
    )
    approved_households: int = Field(description="Households approved, fully or temporarily")
    vacancies: int = Field(description="Free places across those households")


class TimescaleOut(Schema):
    amount: int
    unit: str = Field(description="hours, days, working_days, weeks or months")
    label: str
    counted_back: bool
    due_rule: str


class ThresholdOut(Schema):
    value: int
    label: str


class ApproverOut(Schema):
    role: str
    role_label: str
    label: str


class CostTierOut(Schema):
    below: int | float | None = Field(
        description="Weekly costs below this many pounds; null: no limit"
    )
    role: str
    role_label: str


class SwitchOut(Schema):
    value: bool
    label: str


class ContactOut(Schema):
    value: str = Field(description="An email address; empty until the council sets it")
    label: str


class PolicyOut(Schema):
    authority: str
    ons_code: str
    version: int
    timescales: dict[str, TimescaleOut]
    thresholds: dict[str, ThresholdOut]
    approvers: dict[str, ApproverOut]
    cost_tiers: list[CostTierOut]
    switches: dict[str, SwitchOut]
    contacts: dict[str, ContactOut]


class DueQuery(Schema):
    rule: RuleName
    start: datetime = Field(
        alias="from",
        description="ISO 8601, between the years 1900 and 2199; without an offset it is taken as "
        "Europe/London",
    )

    @field_validator("start")
    @classmethod
    def within_the_calendar(cls, value):
        # Bank holidays are known for these years, and a due date stays within Python's dates.
        if not 1900 <= value.year <= 2199:
            raise ValueError("must be between the years 1900 and 2199")
        return value


class DueOut(Schema):
    rule: str
    start: str = Field(alias="from", description="ISO 8601 with offset, Europe/London")
    due: str = Field(description="ISO 8601 with offset, Europe/London")


class ApproverQuery(Schema):
    weekly_cost: float = Field(ge=0, allow_inf_nan=False, description="In pounds")


class ApproverForCostOut(Schema):
    weekly_cost: float
    role: str
    role_label: str


class ErrorOut(Schema):
    """What the API answers when it refuses: 401 without a valid token, 403 for a step on a record
    the caller may see but whose step is not theirs to take, 404 for a record that does not exist
    or is not the caller's to see (the two are not told apart), 409 for a change made from an older
    version than the stored one, 422 for bad parameters, with a list of what is wrong with each."""

    detail: str | list[dict]


# Offers (hearth/api/offers.py, docs/agency-portal.md) -------------------------------------------------

OfferStatus = Enum(
    "OfferStatus",
    {value: value for value in (
        "open", "agreed", "matched", "declined", "withdrawn", "closed", "expired", "placed"
    )},
    type=str,
)  # fmt: skip


class OfferOut(Schema):
    """An offer of a home, in-house or from an agency. An agency reads only its own offers, and
    never the children's names: `children` is how many the offer is for."""

    id: int
    referral: int = Field(validation_alias="referral_id")
    agency_request: int | None = Field(
        validation_alias="agency_request_id",
        description="The referral as sent to the agency; null for an in-house offer",
    )
    source: str = Field(description="in_house or agency")
    status: str
    provider: str | None = Field(description="The agency's name; null for an in-house offer")
    household: int = Field(validation_alias="household_id")
    household_name: str | None = Field(
        description="Null for a reader who may not see the council's carer households"
    )
    children: int = Field(description="How many children the offer is for")
    available_from: date | None
    weekly_cost: str | None = Field(description='Pounds and pence, as text: "895.50"')
    cost_covers: str
    carer_profile: str
    ofsted_details: str
    references: str
    expires_at: datetime | None
    made_at: datetime
    version: int = Field(description="Give it back when changing the offer's terms")

    @staticmethod
    def resolve_provider(offer):
        request = offer.agency_request
        return request.provider.name if request is not None else None

    @staticmethod
    def resolve_household_name(offer):
        return offer.household.name if getattr(offer, "names_household", False) else None

    @staticmethod
    def resolve_children(offer):
        return len(offer.children.all())

    @staticmethod
    def resolve_weekly_cost(offer):
        return f"{offer.weekly_cost:.2f}" if offer.weekly_cost is not None else None


class OfferFilters(Schema):
    status: OfferStatus | None = None
    agency_request: int | None = Field(None, ge=1, le=2**31 - 1)


class OfferCreateIn(Schema):
    """An agency's offer for a referral sent to it: the same fields, and the same checks, as the
    portal's offer form."""

    agency_request: int = Field(description="The referral as sent to your agency")
    household: int = Field(description="One of your agency's approved households")
    children: list[int] | None = Field(
        None,
        description="The children offered for, by their number on the referral (1 is the "
        "eldest); all of them when left out",
    )
    available_from: date = Field(description="When the carers can take the children")
    weekly_cost: str | float = Field(description='Pounds and pence, for example "895.50"')
    cost_covers: str
    carer_profile: str
    ofsted_details: str
    references: str = ""
    expires_at: datetime | None = Field(
        None,
        description="When the offer lapses; by default the council's policy `offer_expiry` from "
        "now. Without an offset it is taken as Europe/London",
    )


# Placements (hearth/api/placements.py, docs/placements.md) ---------------------------------------------


class PlacementOut(Schema):
    """One child's placement with one household: an SSDA903 episode."""

    id: int
    child: int = Field(description="Id of the child placed")
    child_reference: str = Field(description="The council's reference of the child (903 CHILD)")
    referral: int | None = Field(description="Id of the referral the placement came from")
    offer: int | None = Field(description="Id of the offer matched")
    household: int = Field(description="Id of the household the child lives with")
    provider: int = Field(description="Id of the council (own carers) or agency providing it")
    care_type: str
    started_on: date = Field(description="903 DECOM")
    place: str = Field(description="903 PLACE")
    place_provider: str = Field(description="903 PLACE_PROVIDER")
    legal_status: str = Field(description="903 LS")
    reason_new_episode: str = Field(description="903 RNE")
    home_postcode: str = Field(description="903 HOME_POST")
    placement_postcode: str = Field(description="903 PL_POST")
    urn: str = Field(description="903 URN")
    weekly_cost: str | None = Field(description="Pounds a week (agency placements)")
    emergency: bool = Field(description="Started before its approvals were complete")
    retrospective_approval_due_at: datetime | None
    ended_on: date | None = Field(description="903 DEC")
    ending: str = Field(description="planned or unplanned; empty while open")
    reason_ceased: str = Field(description="903 REC")
    reason_place_change: str = Field(description="903 REASON_PLACE_CHANGE")
    needs_ending_meeting: bool
    costing_reference: str | None = Field(description="Finance's costing (CPLI) reference")
    version: int

    @staticmethod
    def resolve_child(placement):
        return placement.child_id

    @staticmethod
    def resolve_child_reference(placement):
        return placement.child.reference

    @staticmethod
    def resolve_referral(placement):
        return placement.referral_id

    @staticmethod
    def resolve_offer(placement):
        return placement.offer_id

    @staticmethod
    def resolve_household(placement):
        return placement.household_id

    @staticmethod
    def resolve_provider(placement):
        return placement.provider_id

    @staticmethod
    def resolve_weekly_cost(placement):
        return None if placement.weekly_cost is None else f"{placement.weekly_cost:.2f}"

    @staticmethod
    def resolve_costing_reference(placement):
        costing = getattr(placement, "costing", None)
        return costing.finance_reference if costing is not None else None
