"""Every timescale, threshold and approver a council's policy holds, with its default and its source.

Defaults come from the seed documents in `shared/seeds/` (named by their number in DOMAIN.md). A few
thresholds are matters of a council's judgement that the seeds describe only in words ("larger sibling
groups"); their defaults are Hearth's and say so. Code asks an authority's Policy for these values and
never hard-codes them.
"""

from dataclasses import dataclass


class Unit:
    HOURS = "hours"
    DAYS = "days"
    WORKING_DAYS = "working_days"
    WEEKS = "weeks"
    MONTHS = "months"

    choices = [
        (HOURS, "hours"),
        (DAYS, "days"),
        (WORKING_DAYS, "working days"),
        (WEEKS, "weeks"),
        (MONTHS, "months"),
    ]
    labels = dict(choices)


@dataclass(frozen=True)
class Timescale:
    name: str
    amount: int
    unit: str
    label: str
    source: str
    counted_back: bool = False

    def describe(self, amount=None, unit=None):
        amount = self.amount if amount is None else amount
        unit = Unit.labels[self.unit if unit is None else unit]
        if amount == 1:
            unit = unit.removesuffix("s").replace("days", "day")
        return f"{amount} {unit}" + (" before" if self.counted_back else "")


TIMESCALES = [
    Timescale("enquiry_response", 24, Unit.HOURS, "Answer a fostering enquiry", "002, 004"),
    Timescale("emergency_placement_end", 72, Unit.HOURS, "End of an emergency placement", "000"),
    Timescale(
        "stability_meeting", 48, Unit.HOURS, "Convene a stability meeting after a request", "003"
    ),
    Timescale(
        "stability_minutes", 3, Unit.WORKING_DAYS, "Circulate stability meeting minutes", "003"
    ),
    Timescale(
        "stability_action_recheck",
        5,
        Unit.WORKING_DAYS,
        "Re-check a stability action not followed through",
        "003",
    ),
    Timescale("iro_action_check", 6, Unit.WEEKS, "IRO checks stability actions", "003"),
    Timescale("stability_review", 3, Unit.MONTHS, "Next stability meeting", "003"),
    Timescale(
        "unplanned_ending_meeting_from", 1, Unit.MONTHS, "Unplanned ending meeting, earliest", "003"
    ),
    Timescale(
        "unplanned_ending_meeting_by", 6, Unit.WEEKS, "Unplanned ending meeting, latest", "003"
    ),
    Timescale(
        "unplanned_ending_waiver_window",
        12,
        Unit.WEEKS,
        "A stability meeting this long before an unplanned ending allows a waiver",
        "003",
        counted_back=True,
    ),
    Timescale(
        "life_story_session", 2, Unit.WEEKS, "Life story sharing session after a move", "002"
    ),
    Timescale("visit_recording", 48, Unit.HOURS, "Record a supervisory visit", "002"),
    Timescale(
        "supervision_record_to_carer", 2, Unit.WEEKS, "Send the visit record to the carer", "002"
    ),
    Timescale("unannounced_visit", 6, Unit.MONTHS, "Unannounced visit, at least every", "002"),
    Timescale("assessment", 20, Unit.WEEKS, "Complete a Form F assessment", "002, 004"),
    Timescale(
        "reg24_assessment",
        16,
        Unit.WEEKS,
        "Complete a kinship assessment under Regulation 24",
        "002",
    ),
    Timescale("reg25_extension", 8, Unit.WEEKS, "Regulation 25 extension, at most", "002"),
    Timescale(
        "adm_decision",
        5,
        Unit.WORKING_DAYS,
        "Agency decision maker decides after panel minutes",
        "002",
    ),
    Timescale("appeal", 28, Unit.DAYS, "Appeal a fostering decision", "002"),
    Timescale("annual_review", 12, Unit.MONTHS, "Foster carer annual review", "002"),
    Timescale(
        "agency_response",
        2,
        Unit.WORKING_DAYS,
        "A provider answers a referral sent to it, or is chased (Hearth's default)",
        "000, 001",
    ),
    Timescale(
        "offer_expiry",
        3,
        Unit.WORKING_DAYS,
        "An agency offer stands, unless the agency says otherwise (Hearth's default)",
        "001",
    ),
    Timescale("placement_plan", 0, Unit.DAYS, "Placement plan, on the day a child moves", "002"),
    Timescale(
        "first_statutory_visit",
        1,
        Unit.WEEKS,
        "Social worker's first visit after a placement starts (Care Planning Regulations 2010, "
        "regulation 28)",
        "002",
    ),
    Timescale(
        "retrospective_approval",
        2,
        Unit.WORKING_DAYS,
        "Approvals of an emergency placement made after it started (Hearth's default)",
        "000",
    ),
]
TIMESCALES.append(
    Timescale(
        "moving_on_tasks",
        2,
        Unit.WEEKS,
        "The previous carer's one-page profile and letter after a child moves on (Hearth's "
        "default)",
        "003",
    )
)
TIMESCALES += [
    Timescale(
        "initial_visit",
        7,
        Unit.DAYS,
        "Initial home visit after an enquiry (aim: the same week)",
        "004",
    ),
    Timescale(
        "enquiry_recontact",
        12,
        Unit.MONTHS,
        "Contact again someone not ready to foster yet",
        "004",
    ),
    Timescale(
        "support_request",
        24,
        Unit.HOURS,
        "Answer a foster carer's request for support",
        "002",
    ),
]
TIMESCALES_BY_NAME = {t.name: t for t in TIMESCALES}


@dataclass(frozen=True)
class Threshold:
    name: str
    value: int
    label: str
    source: str


THRESHOLDS = [
    Threshold(
        "baby_max_age_years", 1, "A child under this age is searched for in-house first", "001"
    ),
    Threshold(
        "large_sibling_group",
        3,
        "A sibling group this large goes to agency search at once (Hearth's default)",
        "001",
    ),
    Threshold(
        "older_child_min_age",
        11,
        "A single child this old goes to agency search at once (Hearth's default)",
        "001",
    ),
    Threshold(
        "sibling_plan_group_size",
        3,
        "A sibling group this large records which children should live together",
        "000, 002",
    ),
    Threshold(
        "visit_interval_new_weeks",
        4,
        "Supervisory visits for temporary approvals and exemptions, weeks",
        "002",
    ),
    Threshold(
        "visit_interval_standard_weeks", 8, "Supervisory visits, usual interval, weeks", "002"
    ),
    Threshold(
        "visit_interval_settled_weeks",
        12,
        "Supervisory visits for settled long-term carers, weeks",
        "002",
    ),
    Threshold(
        "distance_limit_miles",
        20,
        "Distance from school or family above which a home is a concern, miles (Hearth's default)",
        "004",
    ),
    Threshold("fostering_limit", 3, "The usual limit of fostered children in one household", "002"),
    Threshold(
        "new_carer_months",
        12,
        "New carers are visited at the temporary approvals' interval for this many months after "
        "approval (Hearth's default)",
        "003",
    ),
    Threshold("panels_per_month", 3, "Fostering panel sittings a month", "002"),
]
THRESHOLDS_BY_NAME = {t.name: t for t in THRESHOLDS}


@dataclass(frozen=True)
class Approver:
    name: str
    role: str
    label: str
    source: str


APPROVERS = [
    Approver(
        "agreement_to_accommodate",
        "service_lead",
        "Agreement to accommodate a child new into care",
        "000",
    ),
    Approver(
        "referral_comments",
        "team_manager",
        "Comments on and quality assurance of a referral",
        "000, 003",
    ),
    Approver("referral_approval", "service_lead", "Approval of a referral", "000"),
    Approver("matching_sign_off", "team_manager", "Signs off the matching form", "000"),
    Approver(
        "agency_match_notified", "assistant_director", "Is sent every agency match (Wigan)", "000"
    ),
    Approver("stability_meeting_chair", "team_manager", "Chairs a stability meeting", "003"),
    Approver("unplanned_ending_chair", "iro", "Chairs an unplanned ending meeting", "003"),
    Approver(
        "unplanned_ending_waiver", "team_manager", "May waive an unplanned ending meeting", "003"
    ),
    Approver(
        "fostering_decision", "agency_decision_maker", "Decides on approvals after panel", "002"
    ),
    Approver(
        "regulation_24", "agency_decision_maker", "Grants Regulation 24 temporary approval", "002"
    ),
]
APPROVERS_BY_NAME = {a.name: a for a in APPROVERS}

# Weekly cost of an agency placement -> who approves it (001). Each tier: costs below `below` pounds;
# the last tier has no upper bound.
COST_TIERS = [
    {"below": 4000, "role": "senior_manager"},
    {"below": 7000, "role": "head_of_service"},
    {"below": None, "role": "director"},
]


@dataclass(frozen=True)
class Contact:
    name: str
    label: str
    source: str


# Addresses a council's policy holds for people who are told of things but may not use Hearth.
CONTACTS = [
    Contact(
        "review_panel_administrator",
        "Children's Review Panel administrator, sent the minutes of stability and unplanned "
        "ending meetings for the panel's agenda (email address)",
        "003",
    ),
]
CONTACTS_BY_NAME = {c.name: c for c in CONTACTS}

SWITCHES = {
    "in_house_first": (
        True,
        "Offer in-house carers before agencies; declining one needs a recorded reason (001)",
    ),
    "allow_sibling_split": (False, "Matching may propose splitting a sibling group (000, 002)"),
    "agency_matches_to_assistant_director": (
        False,
        "Every agency placement's cost is approved by the assistant director, whatever it costs "
        "(Wigan, 000), instead of by the cost tiers (001)",
    ),
    "stability_counts_temporary_moves": (
        False,
        "Placement stability indicators count a temporary placement (PLACE T0 to T4) and the "
        "return from it to the same placement as placement changes (the DfE's count does not: "
        "NI 062 and the stability measures of children looked after)",
    ),
    "stability_counts_same_carers_changes": (
        True,
        "Placement stability indicators count a change of placement type with the same carers "
        "(RNE T, or U with a change of legal status, such as foster carers approved as the "
        "child's adopters) as a new placement, as the DfE's count of placements does",
    ),
    "risk_to_younger_children_bars": (
        False,
        "A risk between a child and the children already placed (such as a risk to younger "
        "children) excludes a household, rather than being a concern",
    ),
}
