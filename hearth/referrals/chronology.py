"""The chronology of a referral, and of every search made for a child: a query over the referral's
history rows (`ReferralEvent`), never a hand-kept text (STYLE.md 3).

Each step becomes one plain row: when (Europe/London), who (name and the role they acted in), what
happened in a sentence, the status before and after, and the comment made with it. Requests for
the IRO's or the Virtual School's comments, and their answers, are history rows of their own
(`request_comments` with the question, `comment` with the answer), so `CommentRequest` adds nothing
here. So are the in-house search's steps (`hearth.search.services`): each contact with carers, each
offer's conversation, questions answered, decision and withdrawal, the matching form's changes and
its sending, the split and the match; the carers are named only to readers who may see the
council's households.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from hearth.accounts.models import User
from hearth.accounts.roles import Role
from hearth.matching.explain import listed
from hearth.referrals.carer_names import UNNAMED as UNNAMED_CARER
from hearth.referrals.carer_names import detail_shown, names_carers
from hearth.referrals.models import CommentRequest, Referral, ReferralEvent, Status
from hearth.referrals.workflow import ACTIONS
from hearth.search.vocabulary import DECLINE_REASONS

LONDON = ZoneInfo("Europe/London")
CSV_HEADER = [
    "Referral",
    "When",
    "Name",
    "Role",
    "What happened",
    "Status before",
    "Status after",
    "Comment",
]
CONTACTS = {"phone": "Phone call", "email": "Email", "meeting": "Meeting", "visit": "Visit"}


@dataclass(frozen=True)
class Entry:
    """One step in a referral's life, ready to show, print or download."""

    referral: int
    at: datetime  # Europe/London
    name: str
    role: str
    what: str
    status_from: str
    status_to: str
    comment: str

    @property
    def when(self):
        return long_date_time(self.at)

    @property
    def who(self):
        return f"{self.name} ({self.role})" if self.role else self.name

    @property
    def status_changed(self):
        return self.status_from != self.status_to

    def csv_row(self):
        return [
            self.referral,
            f"{self.at:%Y-%m-%d %H:%M}",
            self.name,
            self.role,
            self.what,
            self.status_from,
            self.status_to,
            self.comment,
        ]


@dataclass(frozen=True)
class Search:
    """A referral made for the child, with its chronology."""

    referral: Referral
    started: str
    status: str
    entries: list


def long_date_time(value):
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y at %H:%M}"


def referral_chronology(referral, reader):
    """The referral's steps, oldest first, as `reader` may read them (the emergency carers named
    only to someone who may see the council's households)."""
    named = {referral.pk} if names_carers(reader, referral) else set()
    return _entries(ReferralEvent.objects.filter(referral=referral), named)


def searches(referrals, reader):
    """Each referral (oldest first) with its chronology, the history read in one query."""
    referrals = sorted(referrals, key=lambda r: (r.created_at, r.pk))
    named = {referral.pk for referral in referrals if names_carers(reader, referral)}
    by_referral = defaultdict(list)
    events = ReferralEvent.objects.filter(referral__in=[r.pk for r in referrals])
    for entry in _entries(events, named):
        by_referral[entry.referral].append(entry)
    return [
        Search(
            referral=referral,
            started=long_date_time(referral.created_at),
            status=status_label(referral.status),
            entries=by_referral[referral.pk],
        )
        for referral in referrals
    ]


def _entries(events, named):
    """The events as entries; the carers are named in those of the referrals in `named`."""
    events = list(events.select_related("by").order_by("at", "pk"))
    holders = _next_action_holders(events)
    return [_entry(event, holders, named=event.referral_id in named) for event in events]


def _entry(event, holders, *, named):
    role = roles_in_words(event.by_role)
    who = f"{event.by.display_name} ({role})" if role else event.by.display_name
    return Entry(
        referral=event.referral_id,
        at=event.at.astimezone(LONDON),
        name=event.by.display_name,
        role=role,
        what=what_happened(event.action, detail_shown(event.detail, named=named), who, holders),
        status_from=status_label(event.from_status),
        status_to=status_label(event.to_status),
        comment=event.comment,
    )


def _next_action_holders(events):
    """Names of the people holding next actions, by username (the history keeps the username)."""
    usernames = {e.detail.get("holder") for e in events if e.action == "set_next_action"}
    usernames.discard(None)
    if not usernames:
        return {}
    return {u.username: u.display_name for u in User.objects.filter(username__in=usernames)}


def status_label(value):
    return dict(Status.choices).get(value, value)


def roles_in_words(by_role):
    """'team_manager' -> 'team manager'; several roles joined with 'and'."""
    words = [_role_in_a_sentence(role.strip()) for role in by_role.split(",") if role.strip()]
    if len(words) > 1:
        return ", ".join(words[:-1]) + " and " + words[-1]
    return "".join(words)


def _role_in_a_sentence(role):
    """A role's name as it reads mid-sentence: 'Team manager' becomes 'team manager', but a name
    whose second word is capitalised is a title ('Independent Reviewing Officer', 'Virtual School
    officer') and keeps its capitals."""
    try:
        label = Role(role).label
    except ValueError:
        return role.replace("_", " ")
    words = label.split()
    if len(words) > 1 and words[1][0].isupper():
        return label
    return label[0].lower() + label[1:]


def _lower_first(text):
    return text[0].lower() + text[1:] if text else text


def _asked_of(detail):
    value = detail.get("asked_of", "")
    return _lower_first(dict(CommentRequest.From.choices).get(value, value))


def _route(value):
    return _lower_first(dict(Referral.SearchRoute.choices).get(value, value))


def _resubmitted(detail, who, holders):
    screening = detail.get("to") == Status.APPROVED
    return f"Sent back to the {'placements team' if screening else 'team manager'} by {who}"


def _approved(detail, who, holders):
    route = detail.get("search_route")
    return f"Approved by {who}" + (f"; search: {_route(route)}" if route else "")


def _returned(detail, who, holders):
    phoned = ", with a phone call" if detail.get("phone_call") else ""
    return f"Returned to the social worker by {who}{phoned}"


def _accepted(detail, who, holders):
    reference = detail.get("file_reference")
    return f"Accepted by {who}" + (f"; file {reference} opened" if reference else "")


def _route_changed(detail, who, holders):
    previous = detail.get("previous")
    was = f" (was {_route(previous)})" if previous else ""
    return f"Search changed to {_route(detail.get('route', ''))}{was}"


def _emergency_booked(detail, who, holders):
    carer = detail.get("household_name")
    ends_at = detail.get("ends_at")
    until = f" until {long_date_time(datetime.fromisoformat(ends_at))}" if ends_at else ""
    booked = f"Emergency carer {carer} booked" if carer else f"{UNNAMED_CARER.capitalize()} booked"
    return booked + until


def _emergency_ended(detail, who, holders):
    carer = detail.get("household_name", UNNAMED_CARER)
    return f"Emergency placement with {carer} recorded as ended"


def _contact(detail, who, holders):
    how = detail.get("contact", "")
    return f"{CONTACTS.get(how, how.capitalize() or 'Contact')} recorded"


def _next_action(detail, who, holders):
    holder = detail.get("holder")
    return "Next action set" + (f", held by {holders.get(holder, holder)}" if holder else "")


# The in-house search (hearth.search): contacts with carers, their offers and the match ----------------

CARERS_UNNAMED = "a carer household"
CONTACTS_SAID = {
    "offers": "they offer a home",
    "declines": "they decline",
    "no_answer": "no answer",
    "message_left": "message left",
}
ASKED_AS = {"social_worker": "The social worker", "iro": "The IRO"}
SPLIT_ROLES = {"social_worker": "social worker", "team_manager": "team manager"}


def _carers(detail):
    """The household by name and reference, as the reader may see it."""
    name, reference = detail.get("household_name"), detail.get("household")
    if not name:
        return CARERS_UNNAMED
    return f"{name} ({reference})" if reference else name


def _names(names):
    names = list(names)
    if len(names) > 1:
        return ", ".join(names[:-1]) + " and " + names[-1]
    return "".join(names)


def _carer_contact(detail, who, holders):
    outcome = detail.get("outcome", "")
    said = CONTACTS_SAID.get(outcome, outcome.replace("_", " "))
    if outcome == "offers" and detail.get("children"):
        said += f" for {_names(detail['children'])}"
    reason = detail.get("reason")
    if outcome == "declines" and reason:
        said += f" ({DECLINE_REASONS.get(reason, reason).lower()})"
    return f"Contact with {_carers(detail)} by {who}: {said}"


def _consultation_answered(detail, who, holders):
    asked = ASKED_AS.get(detail.get("asked_as"), "The worker")
    concerns = "concerns" if detail.get("has_concerns") else "no concerns"
    sentence = f"{asked} of a child living with {_carers(detail)} answered: {concerns}"
    if detail.get("recorded_from"):
        sentence += f"; recorded by {who} from {detail['recorded_from']}"
    return sentence


def _split_proposed(detail, who, holders):
    parts = detail.get("parts") or []
    if not parts:
        return f"Split proposed by {who}"
    return f"Split proposed by {who}, in {len(parts)} homes: " + "; ".join(map(_names, parts))


def _split_agreed(detail, who, holders):
    role = SPLIT_ROLES.get(detail.get("as_role"), "")
    sentence = f"Split agreed by {who}" + (f" as {role}" if role else "")
    return sentence + ("; the split is agreed" if detail.get("agreed") else "")


def _matching_form_saved(detail, who, holders):
    sentence = f"Matching form for {_carers(detail)} saved by {who}"
    if detail.get("was_sent"):
        sentence += ": changed after it was sent for sign-off, so it must be sent again"
    return sentence


def _matched(detail, who, holders):
    children = detail.get("children")
    sentence = f"Matched with {_carers(detail)}"
    sentence += f" for {_names(children)}" if children else ""
    sentence += f": matching form signed off by {who}"
    return sentence + ("; every child is matched" if detail.get("referral_matched") else "")


def _offer_agreed(detail, who, holders):
    sentence = f"Offer from {_carers(detail)} agreed by {who}"
    if "passed_over_reason" not in detail:
        return sentence
    over = listed(detail["passed_over"]) if "passed_over" in detail else "in-house carers"
    return f"{sentence}, over the in-house offer of {over}: {detail['passed_over_reason']}"


SENTENCES = {
    "create": lambda detail, who, holders: f"Referral started by {who}",
    "submit": lambda detail, who, holders: f"Sent to the team manager by {who}",
    "resubmit": _resubmitted,
    "forward": lambda detail, who, holders: f"Sent to the service lead by {who}",
    "approve": _approved,
    "return": _returned,
    "accept": _accepted,
    "withdraw": lambda detail, who, holders: f"Withdrawn by {who}",
    "request_comments": lambda detail, who, holders: f"Comments asked of {_asked_of(detail)}",
    "comment": lambda detail, who, holders: f"Comments given by {_asked_of(detail)}",
    "set_search_route": _route_changed,
    "book_emergency": _emergency_booked,
    "end_emergency": _emergency_ended,
    "log_contact": _contact,
    "set_next_action": _next_action,
    "carer_contact": _carer_contact,
    "offer_conversation": lambda detail, who, holders: (
        f"Conversation with {_carers(detail)} about their offer recorded by {who}"
    ),
    "consultation_answered": _consultation_answered,
    "offer_agreed": _offer_agreed,
    "offer_declined": lambda detail, who, holders: (
        f"Offer from {_carers(detail)} declined by {who}"
    ),
    "offer_withdrawn": lambda detail, who, holders: (
        f"Offer from {_carers(detail)} withdrawn by the carers; recorded by {who}"
    ),
    "split_proposed": _split_proposed,
    "split_agreed": _split_agreed,
    "matching_form_saved": _matching_form_saved,
    "matching_form_submitted": lambda detail, who, holders: (
        f"Matching form for {_carers(detail)} sent for sign-off by {who}"
    ),
    "matched": _matched,
    # agency search and offers
    "agency_offer_made": lambda detail, who, holders: (
        f"Offer from {detail.get('provider', 'an agency')} of a home with {_carers(detail)} at "
        f"£{detail.get('weekly_cost')} a week "
        + (f"recorded by {who} for the agency" if detail.get("on_behalf") else f"made by {who}")
    ),
    "agency_no_offer": lambda detail, who, holders: (
        f"{detail.get('provider', 'The agency')} has no home to offer"
        + (f"; recorded by {who}" if detail.get("on_behalf") else f"; answered by {who}")
    ),
    "agency_offer_revised": lambda detail, who, holders: (
        f"Terms of the offer from {detail.get('provider', 'an agency')} with {_carers(detail)} "
        f"changed by {who}"
        + (
            f": £{detail.get('weekly_cost')} a week (was £{detail.get('previous_weekly_cost')})"
            if "weekly_cost" in detail.get("changed", ())
            else ""
        )
    ),
    "agency_offer_expired": lambda detail, who, holders: (
        f"Offer from {detail.get('provider', 'an agency')} with {_carers(detail)} expired before "
        "a decision"
    ),
    "agency_referral_sent": lambda detail, who, holders: (
        "Referral sent to "
        + _names(
            f"{name} ({status.replace('_', ' ') if status else 'no contract'})"
            for name, status in zip(
                detail.get("providers", []), detail.get("contract_statuses", []), strict=False
            )
        )
        + f" by {who}"
    ),
    "agency_contact": lambda detail, who, holders: (
        {"phone": "Phone call", "email": "Email", "meeting": "Referral meeting"}.get(
            detail.get("kind"), "Contact"
        )
        + f" with {detail.get('provider')}"
        + (
            f" on {datetime.fromisoformat(detail['meeting_on']):%-d %B %Y}"
            if detail.get("meeting_on")
            else ""
        )
        + f" recorded by {who}"
    ),
    "agency_referral_withdrawn": lambda detail, who, holders: (
        f"Referral withdrawn from {detail.get('provider')} by {who}"
        + ("; their open offer withdrawn with it" if detail.get("offers") else "")
    ),
    "search_widened": lambda detail, who, holders: (
        "Search widened to "
        + _names(
            {"residential": "children's homes"}.get(w, w) for w in detail.get("widened_to", [])
        )
        + f" with the permission of {who}"
    ),
    # placements
    "cost_approval_requested": lambda detail, who, holders: (
        f"Weekly cost of £{detail.get('weekly_cost', '')} with {_carers(detail)} sent for "
        f"approval to the {_role_in_a_sentence(detail.get('required_role', ''))}"
    ),
    "cost_approved": lambda detail, who, holders: (
        f"Weekly cost of £{detail.get('weekly_cost', '')} with {_carers(detail)} approved by {who}"
        + ("; after an emergency placement" if detail.get("retrospective") else "")
    ),
    "cost_refused": lambda detail, who, holders: (
        f"Weekly cost of £{detail.get('weekly_cost', '')} with {_carers(detail)} refused by {who}"
    ),
    "cost_reopened": lambda detail, who, holders: (
        f"Weekly cost with {_carers(detail)} changed from £{detail.get('previous_cost') or '?'} to "
        f"£{detail.get('weekly_cost', '')}: asked again of the "
        f"{_role_in_a_sentence(detail.get('required_role', ''))}"
    ),
    "agreement_issued": lambda detail, who, holders: (
        f"Placement agreement {detail.get('reference', '')} with {_carers(detail)} issued by {who}"
    ),
    "placement_started": lambda detail, who, holders: (
        f"{_names(detail.get('children', [])) or 'The children'} placed with {_carers(detail)} "
        f"from {detail.get('started_on', '')} by {who}"
        + ("; an emergency placement, its approvals to follow" if detail.get("emergency") else "")
        + ("; the referral is closed" if detail.get("referral_placed") else "")
    ),
    "emergency_placement_started": lambda detail, who, holders: (
        f"{_names(detail.get('children', [])) or 'The children'} placed in an emergency with "
        f"{_carers(detail)} from {detail.get('started_on', '')}; recorded by {who}"
    ),
    "costing_confirmed": lambda detail, who, holders: (
        f"Costing of £{detail.get('weekly_cost', '')} a week confirmed by {who}"
        + (f" ({detail['finance_reference']})" if detail.get("finance_reference") else "")
    ),
    "placement_ended": lambda detail, who, holders: (
        f"{detail.get('child', 'The child')}'s placement with {_carers(detail)} ended on "
        f"{detail.get('ended_on', '')} ({detail.get('ending', '')}, REC "
        f"{detail.get('reason_ceased', '')}"
        + (f", {detail['reason_place_change']}" if detail.get("reason_place_change") else "")
        + f"); recorded by {who}"
    ),
}


def what_happened(action, detail, who, holders=None):
    """The step in a sentence, from its action and its detail as the reader may see it; a step
    this module does not know yet is named by its action."""
    sentence = SENTENCES.get(action)
    if sentence is not None:
        return sentence(detail, who, holders or {})
    known = ACTIONS.get(action)
    label = known.label if known else action.replace("_", " ").capitalize()
    return f"{label}: {who}"
