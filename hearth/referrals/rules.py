"""What a complete referral holds, and where its search starts (DOMAIN.md steps 1-7).

The form is split into sections, each shown on the referral's task list with its status. A section
is complete when every question it must answer is answered; a referral goes for approval only when
every section is complete, and the service lead's approval checks again.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from hearth.people import vocabulary
from hearth.people.forms import age_on

COMPLETED = "Completed"
INCOMPLETE = "Incomplete"
NOT_STARTED = "Not yet started"

# Needs that make a younger child's search hard enough to go to agencies at once (001).
COMPLEX_NEEDS = frozenset(
    {
        "complex_health",
        "physical_disability",
        "learning_disability",
        "autism",
        "challenging_behaviour",
        "sexualised_behaviour",
        "self_harm",
        "eating_disorder",
    }
)


def _blank(value):
    return value is None or value == "" or value is False or value == []


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    fields: tuple[str, ...]
    missing: Callable  # referral -> list of what is still to answer

    def status(self, referral):
        if not self.missing(referral):
            return COMPLETED
        if all(_blank(getattr(referral, name)) for name in self.fields):
            return NOT_STARTED
        return INCOMPLETE


def _unanswered(referral, questions):
    return [label for name, label in questions if _blank(getattr(referral, name))]


def _placement_missing(r):
    missing = _unanswered(
        r, [("placement_type", "the type of placement"), ("date_needed", "the date it is needed")]
    )
    if r.urgent and not r.urgency_reason:
        missing.append("why it is urgent")
    return missing


def _child_missing(r):
    return _unanswered(
        r,
        [
            ("history", "the child's history"),
            ("needs_summary", "their needs"),
            ("care_plan", "the care plan and family time"),
            ("identity", "their identity"),
            ("feels_safe", "what helps them feel safe"),
            ("support_in_place", "the support in place"),
            ("likes_dislikes", "their likes and dislikes"),
            ("child_views", "the child's own views"),
        ],
    )


def _risk_missing(r):
    return _unanswered(
        r,
        [
            ("risk_facts", "the known facts about risk"),
            ("risk_opinions", "the professional opinion of risk"),
            ("risk_management", "how the risks are to be managed"),
        ],
    )


def _location_missing(r):
    return _unanswered(r, [("location_notes", "the location needs")])


def _education_missing(r):
    missing = []
    if r.education_requested is None:
        missing.append("whether education is requested with the placement")
    if r.therapy_requested is None:
        missing.append("whether therapy is requested with the placement")
    if (r.education_requested or r.therapy_requested) and not r.request_details:
        missing.append("what education or therapy is requested")
    return missing


def _network_missing(r):
    missing = []
    if r.network_explored is None:
        missing.append("whether the family and friends network has been explored")
    if r.network_explored is not None and not r.network_summary:
        missing.append("what the network exploration found")
    if r.viability_under_way is None:
        missing.append("whether viability assessments are under way")
    if r.viability_under_way and not r.viability_details:
        missing.append("which viability assessments are under way")
    return missing


def _accommodation_missing(r):
    if r.new_into_care is None:
        return ["whether the child is new into care"]
    if r.new_into_care:
        return _unanswered(
            r,
            [
                ("accommodation_agreed_by", "who agreed to accommodate"),
                ("accommodation_agreed_on", "when it was agreed"),
            ],
        )
    return []


SECTIONS = [
    Section(
        "placement",
        "The placement needed",
        ("placement_type", "date_needed", "urgent", "urgency_reason", "urgency_detail"),
        _placement_missing,
    ),
    Section(
        "child",
        "About the child",
        (
            "history",
            "needs_summary",
            "care_plan",
            "identity",
            "feels_safe",
            "support_in_place",
            "likes_dislikes",
            "child_views",
        ),
        _child_missing,
    ),  # fmt: skip
    Section(
        "risks",
        "Risk assessment",
        ("risk_facts", "risk_opinions", "risk_management"),
        _risk_missing,
    ),
    Section(
        "location",
        "Where the child should live",
        ("stay_near_school", "stay_near_family", "distance_limit_miles", "location_notes"),
        _location_missing,
    ),
    Section(
        "education",
        "Education and therapy",
        (
            "education_requested",
            "therapy_requested",
            "request_details",
            "agreement_from",
            "agreement_by",
            "agreement_on",
            "agreement_evidence",
        ),
        _education_missing,
    ),  # fmt: skip
    Section(
        "network",
        "Family and friends",
        ("network_explored", "network_summary", "viability_under_way", "viability_details"),
        _network_missing,
    ),
    Section(
        "accommodation",
        "Agreement to accommodate",
        ("new_into_care", "accommodation_agreed_by", "accommodation_agreed_on"),
        _accommodation_missing,
    ),
]
SECTIONS_BY_SLUG = {section.slug: section for section in SECTIONS}


def _need_name(tag):
    return vocabulary.NEEDS.get(tag, tag).split(":")[0].lower()


def missing_sections(referral):
    """[(section title, [what is missing])] for every section not yet complete."""
    return [
        (section.title, missing) for section in SECTIONS if (missing := section.missing(referral))
    ]


def describe_missing(referral):
    return "; ".join(f"{title}: {', '.join(items)}" for title, items in missing_sections(referral))


def agreement_missing(referral):
    """Why the search may not start yet: education or therapy asked for without the evidence that
    health, education or a senior manager agreed to it (001). Empty when the search may start."""
    if not (referral.education_requested or referral.therapy_requested):
        return []
    return _unanswered(
        referral,
        [
            ("agreement_from", "who agreed to the education or therapy"),
            ("agreement_by", "the name and role of the person who agreed"),
            ("agreement_on", "the date of the agreement"),
            ("agreement_evidence", "where the evidence of agreement is recorded"),
        ],
    )


@dataclass(frozen=True)
class SearchDecision:
    route: str  # Referral.SearchRoute value
    reason: str


def search_decision(children, policy, today: date):
    """Where the search starts, from the policy's dual-search rule (001): a baby in-house first;
    a larger sibling group, a younger child with complex needs or an older single child go to
    agency search at once; anyone else in-house first, agencies if that proves hard."""
    ages = sorted(age_on(child.date_of_birth, today) for child in children)
    baby_age = policy.threshold("baby_max_age_years")
    large_group = policy.threshold("large_sibling_group")
    older_age = policy.threshold("older_child_min_age")
    if len(children) >= large_group:
        return SearchDecision(
            "dual", f"A sibling group of {len(children)} (the policy sends {large_group} or more "
            "to agency search at once)"
        )  # fmt: skip
    if len(children) == 1 and ages[0] < baby_age:
        return SearchDecision(
            "in_house_first",
            f"A baby under {baby_age}: in-house carers first, agencies only if that proves hard",
        )
    if len(children) == 1 and ages[0] >= older_age:
        return SearchDecision(
            "dual",
            f"A single child aged {ages[0]} (the policy sends single children of {older_age} or "
            "over to agency search at once)",
        )
    complex_children = [
        child
        for child in children
        if age_on(child.date_of_birth, today) < older_age and COMPLEX_NEEDS & set(child.needs)
    ]
    if complex_children:
        return SearchDecision(
            "dual",
            "A younger child with complex needs ("
            + ", ".join(
                _need_name(n) for n in sorted(COMPLEX_NEEDS & set(complex_children[0].needs))
            )
            + ")",
        )
    return SearchDecision(
        "in_house_first", "In-house carers first; agencies if no in-house carer can offer"
    )
