"""The agency search, the council's side (DOMAIN.md, referral to placement, steps 10 and 11).

The placements team sends an accepted referral to chosen providers from the provider directory, in
contract first, then off contract, then those with no contract with the council (000). Each
provider gets one `AgencyRequest`: it sees the referral, minimised, on the agency portal until the
referral is withdrawn from it, and is emailed a link (never the child's name) together with its
contacts who receive referrals. Phone calls, emails and referral meetings with providers are logged
on the referral's history. A provider that has not answered within the policy's `agency_response`
time is chased once by `chase_unanswered` (a `hearth worker` job): a reminder to the provider and an
item in the placements team's tray, closed when the provider answers (`close_chase`) or the referral
is withdrawn from it.

A failing search may be widened (to children's homes for a fostering need) only with the
permission of the child's allocated social worker, who records it here (001): residential
providers are then among those the referral can be sent to.

Who does what:
- *search workers* (placements officers, fostering duty workers and fostering team managers of the
  referral's council: `permissions.is_search_worker`) send, log contacts and withdraw;
- the *child's allocated social worker* widens the search;
- those and the referral's managers see the agency search.

Every write is atomic and keyword-only, takes the referral's row lock first (then the request's),
checks the person and the record's state (`ActionNotAllowed`), refuses bad input with
`ReferralError` before writing anything, and writes its history row (`record_event`) and audit row
in the same transaction.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import providers_for_user, roles_of
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.core.deadlines import policy_due_at
from hearth.core.models import Contract, Organisation
from hearth.core.services import PROVIDER_SERVICES
from hearth.people.selectors import provider_vacancies, with_contracts
from hearth.people.vocabulary import PLACEMENT_TYPES
from hearth.portal.selectors import offer_ended, with_offer_state
from hearth.referrals import workflow
from hearth.referrals.models import Referral, Status
from hearth.referrals.services import (
    ActionNotAllowed,
    audit_referral_change,
    clean_text,
    record_event,
    referral_title,
    refuse_if,
)
from hearth.search import permissions
from hearth.search.models import AgencyRequest, Offer
from hearth.trays.models import WorkItem
from hearth.trays.services import email_queue_to, item_open, items_close
from hearth.web.presenters import date_time, long_date

SENT_ACTION = "agency_referral_sent"
CONTACT_ACTION = "agency_contact"
WITHDRAWN_ACTION = "agency_referral_withdrawn"
WIDENED_ACTION = "search_widened"

FOSTERING, RESIDENTIAL = "fostering", "residential"
# What a search may be widened to, with the social worker's permission (001).
WIDENINGS = {RESIDENTIAL: "Children's homes (residential care)"}
CONTACT_KINDS = {"phone": "Phone call", "email": "Email", "meeting": "Referral meeting"}
CONTRACT_LABELS = {
    Contract.Status.IN_CONTRACT: "In contract",
    Contract.Status.OFF_CONTRACT: "Off contract",
    "": "No contract",
}
CONTRACT_ORDER = {Contract.Status.IN_CONTRACT: 0, Contract.Status.OFF_CONTRACT: 1, "": 2}
REQUEST_TAGS = {
    AgencyRequest.Status.SENT: "blue",
    AgencyRequest.Status.OFFERED: "green",
    AgencyRequest.Status.NO_OFFER: "grey",
    AgencyRequest.Status.WITHDRAWN: "grey",
    AgencyRequest.Status.CLOSED: "grey",
}
WITHDRAWABLE = (AgencyRequest.Status.SENT, AgencyRequest.Status.OFFERED)
MATCHED_OFFER = (Offer.Status.MATCHED, Offer.Status.PLACED)
SEEN_STATUSES = (Status.SEARCHING, Status.MATCHED, Status.PLACED)
MEETING_YEARS = 1  # a referral meeting is dated within a year either side of today

Kind = WorkItem.Kind
State = Referral.SearchState


# Who may do what -----------------------------------------------------------------------------------


def _sees(user, referral, policy):
    """Search workers run the search; the child's social worker and managers may read it."""
    return (
        permissions.is_search_worker(user, referral, policy)
        or permissions.is_childs_social_worker(user, referral, policy)
        or workflow.is_manager(user, referral, policy)
    )


def _status_in(statuses):
    def state(referral, record=None):
        if referral.status in statuses:
            return None
        return f"the referral is {referral.get_status_display().lower()}"

    return state


def _searching(referral, record=None):
    if referral.status == Status.SEARCHING:
        return None
    return f"the referral is {referral.get_status_display().lower()}, not searching"


def _request_live(referral, agency_request):
    if agency_request.status in WITHDRAWABLE:
        return None
    return f"the request to {agency_request.provider.name} is {_status_words(agency_request)}"


def _status_words(agency_request):
    return agency_request.get_status_display().lower()


@dataclass(frozen=True)
class Step:
    """A step of the agency search: who may take it (`who`, worded in `people`) and the state the
    referral, or the record the step is about, must be in (`state` answers why not, or None)."""

    doing: str
    people: str
    who: Callable
    state: Callable


SEARCH_WORKERS = permissions.SEARCH_WORKERS
STEPS = {
    "see": Step(
        "see the agency search", f"{SEARCH_WORKERS}, the child's social worker or a manager",
        _sees, _status_in(SEEN_STATUSES),
    ),
    "send": Step(
        "send the referral to providers", SEARCH_WORKERS, permissions.is_search_worker,
        _searching,
    ),
    "contact": Step(
        "record a contact with a provider", SEARCH_WORKERS, permissions.is_search_worker,
        _status_in((Status.SEARCHING, Status.MATCHED)),
    ),
    "withdraw": Step(
        "withdraw the referral from a provider", SEARCH_WORKERS, permissions.is_search_worker,
        _request_live,
    ),
    "widen": Step(
        "widen the search", "the child's allocated social worker",
        permissions.is_allocated_social_worker, _searching,
    ),
}  # fmt: skip


def why_not(step, user, referral, record=None):
    """Why the user may not take `step` (a name in STEPS) now, in a sentence; None when they may.
    The person is checked before the record's state."""
    spec = STEPS[step]
    policy = referral.authority.policy
    if not spec.who(user, referral, policy):
        return f"Only {spec.people} can {spec.doing}"
    problem = spec.state(referral, record)
    return None if problem is None else f"You cannot {spec.doing} now: {problem}"


def may(step, user, referral, record=None):
    return why_not(step, user, referral, record) is None


def _require(step, user, referral, record=None):
    refusal = why_not(step, user, referral, record)
    if refusal is not None:
        raise ActionNotAllowed(refusal)


# Small helpers, as the in-house search's services have them ----------------------------------------


def _locked(referral):
    return (
        Referral.objects.select_for_update(of=("self",))
        .select_related("authority__policy", "team", "social_worker")
        .get(pk=referral.pk)
    )


def _listed(names):
    """'A', 'A and B', 'A, B and C'."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _search_roles(user, referral):
    return ", ".join(sorted(roles_of(user, referral.authority_id) & permissions.SEARCH_ROLES))


def _save_referral(referral, *fields):
    referral.version += 1
    referral.save(update_fields=[*fields, "version", "updated_at"])


def fosters(provider):
    """Runs foster homes: says so, or its services are not recorded (every provider in Hearth was
    an independent fostering agency before the directory said more)."""
    return not provider.provides or FOSTERING in provider.provides


def runs_homes(provider):
    return RESIDENTIAL in (provider.provides or [])


def _may_be_sent(provider, referral):
    """A fostering provider; one running children's homes only once the search is widened."""
    return fosters(provider) or (
        runs_homes(provider) and RESIDENTIAL in (referral.search_widened_to or [])
    )


def _addresses(provider):
    """The provider's own address and its contacts' who receive referrals."""
    contacts = provider.contacts.filter(receives_referrals=True).exclude(email="")
    return [provider.email, *contacts.values_list("email", flat=True)]


def _link(path):
    return settings.HEARTH_BASE_URL.rstrip("/") + path


def _portal_link(agency_request):
    # Resolved at call time: the portal's page is registered by the portal's own URLs.
    return _link(reverse("portal_request", args=[agency_request.pk]))


NO_CHILD_NAMED = "This message names no child: sign in to Hearth to see the referral."


def chase_key(agency_request):
    """The key of the tray item that chases one provider."""
    return f"agency_request:{agency_request.pk}"


# What the placements team reads --------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A provider the referral could be sent to, as the agency search lists it."""

    provider: Organisation
    contract_status: str  # the council's contract: "in_contract", "off_contract" or ""
    request: AgencyRequest | None  # the referral sent to it, if it was
    vacancies: dict  # approved_households, free_places (aggregates: no carer's record)
    fits_type: bool  # offers the type of care the referral asks for

    @property
    def sent(self):
        return self.request is not None

    @property
    def contract_label(self):
        return CONTRACT_LABELS[self.contract_status]

    @property
    def status_label(self):
        return self.request.get_status_display() if self.request else "Not sent"

    @property
    def services(self):
        provides = self.provider.provides or [FOSTERING]
        return [PROVIDER_SERVICES.get(value, value) for value in provides]

    @property
    def care_types(self):
        return [PLACEMENT_TYPES.get(value, value) for value in self.provider.care_types or []]

    @property
    def areas(self):
        return list(self.provider.areas_served or [])

    @property
    def rates(self):
        low, high = self.provider.weekly_rate_from, self.provider.weekly_rate_to
        if low is None and high is None:
            return "Not recorded"
        if low is None or high is None or low == high:
            return f"£{low if low is not None else high:,.2f}"
        return f"£{low:,.2f} to £{high:,.2f}"


def requests_sent(referral):
    """The referral's requests to providers, oldest first, with the provider, the sender and the
    state of the provider's offers (`hearth.portal.selectors.with_offer_state`)."""
    return list(
        with_offer_state(AgencyRequest.objects.filter(referral=referral))
        .select_related("provider", "sent_by", "withdrawn_by")
        .order_by("sent_at", "pk")
    )


def outreach_candidates(user, referral, *, contract="", care_type="", area=""):
    """The providers the user may see to send the referral to: in contract with the referral's
    council first, then off contract, then no contract, each by name, with whether it was sent
    already and its request's status, its types of care, areas, rates and free places. Providers
    running only children's homes appear once the search is widened to them. Optional filters as
    `filter_candidates`. Reads four queries however many providers there are."""
    providers = with_contracts(
        providers_for_user(user).filter(kind=Organisation.Kind.AGENCY), referral.authority_id
    )
    providers = [p for p in providers.order_by("name", "pk") if _may_be_sent(p, referral)]
    sent = {r.provider_id: r for r in requests_sent(referral)}
    vacancies = provider_vacancies([p.pk for p in providers])
    candidates = [
        Candidate(
            provider=provider, contract_status=provider.contract_status or "",
            request=sent.get(provider.pk), vacancies=vacancies[provider.pk],
            fits_type=bool(referral.placement_type)
            and referral.placement_type in (provider.care_types or []),
        )
        for provider in providers
    ]  # fmt: skip
    candidates.sort(key=lambda c: (CONTRACT_ORDER[c.contract_status], c.provider.name.casefold()))
    return filter_candidates(candidates, contract=contract, care_type=care_type, area=area)


def filter_candidates(candidates, *, contract="", care_type="", area=""):
    """Only the candidates with the contract (a status, or "none"), offering the type of care,
    serving an area whose name holds `area`."""
    if contract:
        wanted = "" if contract == "none" else contract
        candidates = [c for c in candidates if c.contract_status == wanted]
    if care_type:
        candidates = [c for c in candidates if care_type in (c.provider.care_types or [])]
    if area:
        needle = area.strip().casefold()
        candidates = [c for c in candidates if any(needle in a.casefold() for a in c.areas)]
    return candidates


def overdue(agency_request, now=None):
    now = now or timezone.now()
    return agency_request.status == AgencyRequest.Status.SENT and now > agency_request.answer_due_at


def request_status(agency_request, now=None):
    """(words, colour) of a request (from `requests_sent`): not answered in time, its status, or,
    once none of the provider's offers stands, what became of the last one ("Offer expired")."""
    if overdue(agency_request, now):
        return "Not answered in time", "red"
    ended = offer_ended(agency_request)
    if ended is not None:
        return ended
    return agency_request.get_status_display(), REQUEST_TAGS[agency_request.status]


def request_row(agency_request, user, referral, now=None):
    """One request (from `requests_sent`) as the screens show it. The referral is not withdrawn
    from a provider whose carers are matched with the children."""
    status, colour = request_status(agency_request, now)
    matched = getattr(agency_request, "matched_here", None)
    if matched is None:
        matched = agency_request.offers.filter(status__in=MATCHED_OFFER).exists()
    withdrawable = not matched and may("withdraw", user, referral, agency_request)
    return {
        "request": agency_request,
        "provider": agency_request.provider.name,
        "provider_url": reverse("provider", args=[agency_request.provider_id]),
        "contract": CONTRACT_LABELS.get(agency_request.contract_status, "No contract"),
        "status": status,
        "colour": colour,
        "sent": date_time(agency_request.sent_at),
        "sent_by": agency_request.sent_by.display_name,
        "answer_due": date_time(agency_request.answer_due_at),
        "chased": date_time(agency_request.chased_at) if agency_request.chased_at else "",
        "answer": agency_request.answer,
        "withdrawn_reason": agency_request.withdrawn_reason,
        "contact_url": reverse("agency_contact", args=[referral.pk, agency_request.provider_id]),
        "withdraw_url": reverse("agency_request_withdraw", args=[referral.pk, agency_request.pk])
        if withdrawable
        else None,
    }


def widening(referral):
    """What the search was widened to, by whom and when; None if it was not."""
    if not referral.search_widened_to:
        return None
    by = referral.search_widened_by
    return {
        "to": [WIDENINGS.get(value, value) for value in referral.search_widened_to],
        "by": by.display_name if by else "",
        "at": date_time(referral.search_widened_at),
        "reason": referral.search_widening_reason,
    }


def referral_panel(user, referral):
    """The agency search on the referral's page: each request with its status, the counts, the
    link to the agency search, what the search was widened to and the link to widen it for the
    social worker; None when the user may not see the agency search."""
    if not may("see", user, referral):
        return None
    now = timezone.now()
    requests = requests_sent(referral)
    counts = Counter(r.status for r in requests)
    ended = sum(1 for r in requests if offer_ended(r) is not None)
    return {
        "state": referral.get_agency_search_display(),
        "url": reverse("agency_search", args=[referral.pk]),
        "requests": [request_row(r, user, referral, now) for r in requests],
        "counts": {
            "sent": len(requests),
            "waiting": counts[AgencyRequest.Status.SENT],
            "overdue": sum(1 for r in requests if overdue(r, now)),
            "offered": counts[AgencyRequest.Status.OFFERED] - ended,
            "offer_ended": ended,
            "no_offer": counts[AgencyRequest.Status.NO_OFFER],
            "withdrawn": counts[AgencyRequest.Status.WITHDRAWN],
        },
        "may_send": may("send", user, referral),
        "widened": widening(referral),
        "widened_to": [WIDENINGS.get(v, v) for v in referral.search_widened_to or []],
        "widen_url": reverse("search_widen", args=[referral.pk])
        if may("widen", user, referral)
        else None,
    }


# Sending the referral --------------------------------------------------------------------------------


def _chosen(referral, providers, errors):
    """The providers chosen, as agencies of the directory, in the order asked; errors at
    `providers` for none, unknown ones, ones not in the search or already sent."""
    ids = list(dict.fromkeys(getattr(p, "pk", p) for p in providers or []))
    if not ids:
        errors["providers"] = "Choose at least one provider to send the referral to"
        return []
    found = Organisation.objects.filter(kind=Organisation.Kind.AGENCY, pk__in=ids)
    found = {p.pk: p for p in found.prefetch_related("contacts")}
    if len(found) != len(ids):
        errors["providers"] = "Choose only providers from the directory"
        return []
    chosen = [found[pk] for pk in ids]
    outside = [p.name for p in chosen if not _may_be_sent(p, referral)]
    already = AgencyRequest.objects.filter(referral=referral, provider__in=chosen)
    already = {r.provider.name: r for r in already.select_related("provider")}
    if already:
        errors["providers"] = "; ".join(
            f"{name} already has this referral (sent {long_date(timezone.localtime(r.sent_at))}"
            + (", since withdrawn)" if r.status == AgencyRequest.Status.WITHDRAWN else ")")
            for name, r in sorted(already.items())
        )
    elif outside:
        errors["providers"] = (
            f"{_listed(outside)} {'run' if len(outside) > 1 else 'runs'} children's homes only: "
            "the child's social worker must widen the search to children's homes first"
        )
    return chosen


def _needed_words(referral):
    words = []
    if referral.placement_type:
        words.append(f"Type of care: {PLACEMENT_TYPES.get(referral.placement_type, '').lower()}")
    if referral.date_needed:
        words.append(f"Needed from: {long_date(referral.date_needed)}")
    if referral.urgent:
        words.insert(0, "URGENT: a home is needed today")
    return words


def _email_sent(referral, agency_request):
    due = timezone.localtime(agency_request.answer_due_at)
    lines = [
        f"{referral.authority.name} has sent you a referral in Hearth and asks whether you can "
        "offer a home.",
        "",
        *_needed_words(referral),
        "",
        f"Please answer by {due.day} {due:%B %Y at %H:%M}: offer a home, or say why you cannot.",
        "",
        f"See the referral on the Hearth agency portal: {_portal_link(agency_request)}",
        "",
        NO_CHILD_NAMED,
    ]
    subject = ("URGENT: " if referral.urgent else "") + (
        f"A referral from {referral.authority.name}: can you offer a home?"
    )
    email_queue_to(
        addresses=_addresses(agency_request.provider), subject=subject, body="\n".join(lines)
    )


@transaction.atomic
def agency_referral_send(*, user, referral, providers, message="", request=None):
    """A search worker sends the searching referral to the chosen providers (records or pks): one
    AgencyRequest each, due an answer within the policy's `agency_response` time, with the
    council's contract at the time of sending. Each provider, and its contacts who receive
    referrals, is emailed a link to the portal (no child named). A provider already sent it is
    refused, by name. Returns the requests made."""
    referral = _locked(referral)
    policy = referral.authority.policy
    _require("send", user, referral)
    errors = {}
    message = clean_text(message, "message", errors, name="The message")
    chosen = _chosen(referral, providers, errors)
    refuse_if(errors)
    now = timezone.now()
    due = policy_due_at(policy, "agency_response", now)
    contracts = dict(
        Contract.objects.filter(authority=referral.authority, agency__in=chosen).values_list(
            "agency_id", "status"
        )
    )
    made = [
        AgencyRequest.objects.create(
            referral=referral,
            provider=provider,
            contract_status=contracts.get(provider.pk, ""),
            message=message,
            sent_by=user,
            sent_at=now,
            answer_due_at=due,
        )  # fmt: skip
        for provider in chosen
    ]
    if referral.agency_search in (State.NOT_STARTED, State.NOT_NEEDED):
        referral.agency_search = State.SEARCHING
        _save_referral(referral, "agency_search")
    for agency_request in made:
        _email_sent(referral, agency_request)
    record_event(
        referral=referral, action=SENT_ACTION, by=user, comment=message,
        detail={
            "providers": [r.provider.name for r in made],
            "contract_statuses": [r.contract_status for r in made],
            "requests": [r.pk for r in made],
        },
        role=_search_roles(user, referral),
    )  # fmt: skip
    names = ", ".join(str(r.provider_id) for r in made)
    audit_referral_change(user, referral, f"sent to providers {names}", request)
    return made


# Contacts with providers ------------------------------------------------------------------------------


def _meeting_date(kind, meeting_on, errors):
    if kind != "meeting":
        return None
    if not isinstance(meeting_on, date):
        errors["meeting_on"] = "Enter the date of the referral meeting"
        return None
    today = timezone.localdate()
    if abs((meeting_on - today).days) > 366 * MEETING_YEARS:
        errors["meeting_on"] = "The meeting must be within a year of today"
    return meeting_on


@transaction.atomic
def agency_contact_record(*, user, referral, provider, kind, note, meeting_on=None, request=None):
    """A search worker logs a phone call, an email or a referral meeting (`kind`, a code of
    CONTACT_KINDS; a meeting has its date, `meeting_on`) with a provider about the referral, on
    the referral's history. Returns the history row."""
    referral = _locked(referral)
    _require("contact", user, referral)
    errors = {}
    if kind not in CONTACT_KINDS:
        errors["kind"] = "Choose how you were in touch"
    note = clean_text(note, "note", errors, name="The note", missing="Say what was said or agreed")
    meeting_on = _meeting_date(kind, meeting_on, errors)
    if getattr(provider, "kind", None) != Organisation.Kind.AGENCY:
        errors["provider"] = "Choose a provider from the directory"
    refuse_if(errors)
    sent = AgencyRequest.objects.filter(referral=referral, provider=provider).first()
    event = record_event(
        referral=referral, action=CONTACT_ACTION, by=user, comment=note,
        detail={
            "provider": provider.name, "provider_id": provider.pk, "kind": kind,
            "meeting_on": meeting_on.isoformat() if meeting_on else None,
            "request": sent.pk if sent else None,
        },
        role=_search_roles(user, referral),
    )  # fmt: skip
    audit_referral_change(user, referral, f"{kind} with provider {provider.pk} recorded", request)
    return event


# Withdrawing the referral from a provider --------------------------------------------------------------


def _locked_request(agency_request):
    """The request, locked after its referral (always in that order), with the referral attached."""
    referral = _locked(Referral(pk=agency_request.referral_id))
    locked = (
        AgencyRequest.objects.select_for_update(of=("self",))
        .select_related("provider")
        .get(pk=agency_request.pk)
    )
    locked.referral = referral
    return locked


def _agency_search_follows_offers(referral):
    """The agency search has offers while any agency offer is live or matched; else searching."""
    if referral.agency_search not in (State.SEARCHING, State.OFFERS):
        return
    standing = referral.offers.filter(
        source=Offer.Source.AGENCY, status__in=(*permissions.LIVE_OFFER, Offer.Status.MATCHED)
    ).exists()
    state = State.OFFERS if standing else State.SEARCHING
    if state != referral.agency_search:
        referral.agency_search = state
        _save_referral(referral, "agency_search")


def _matched_words(provider_name, offer_status):
    """Why a referral is not withdrawn from a provider whose carers are matched (or placed)."""
    if offer_status == Offer.Status.PLACED:
        return (
            f"The children live with {provider_name}'s carers: the referral cannot be withdrawn "
            "from them"
        )
    return (
        f"{provider_name}'s carers are matched with the children: the referral cannot be "
        "withdrawn from them while the match stands"
    )


@transaction.atomic
def agency_request_withdraw(*, user, agency_request, reason, expected_version=None, request=None):
    """A search worker withdraws the referral from a provider, with a reason: the provider no
    longer sees it, an open offer from it is withdrawn with the same reason, any chase is closed,
    and the provider is told by email. An offer of theirs the social worker agreed must be
    withdrawn first (the in-house search's `offer_withdraw`). `expected_version` is the request's
    version when the page was drawn: the provider may have answered since. Returns the request."""
    agency_request = _locked_request(agency_request)
    referral = agency_request.referral
    _require("withdraw", user, referral, agency_request)
    errors = {}
    if expected_version is not None and expected_version != agency_request.version:
        errors["version"] = (
            f"{agency_request.provider.name} answered after you opened this page: read their "
            "answer before you withdraw the referral"
        )
        refuse_if(errors)
    reason = clean_text(
        reason, "reason", errors, name="The reason", missing="Say why you withdraw it"
    )
    offers = list(
        Offer.objects.select_for_update(of=("self",))
        .filter(agency_request=agency_request, status__in=permissions.LIVE_OFFER)
        .order_by("pk")
    )
    agreed = [o for o in offers if o.status == Offer.Status.AGREED]
    matched = agency_request.offers.filter(status__in=MATCHED_OFFER).order_by("pk").first()
    if matched is not None:
        # The agency's carers are matched with the children (or the children live with them):
        # withdrawing would take from the agency its own match and its placement agreement.
        errors["reason"] = _matched_words(agency_request.provider.name, matched.status)
    elif agreed:
        errors["reason"] = (
            f"The social worker agreed {agency_request.provider.name}'s offer: record that the "
            "offer is withdrawn first"
        )
    refuse_if(errors)
    now = timezone.now()
    agency_request.status = AgencyRequest.Status.WITHDRAWN
    agency_request.withdrawn_by, agency_request.withdrawn_at = user, now
    agency_request.withdrawn_reason = reason
    agency_request.version += 1
    agency_request.save()
    for offer in offers:
        offer.status = Offer.Status.WITHDRAWN
        offer.decided_by, offer.decided_at, offer.decision_reason = user, now, reason
        offer.version += 1
        offer.save()
        items_close(referral=referral, by=user, key=f"offer:{offer.pk}")
    _agency_search_follows_offers(referral)
    close_chase(agency_request, user)
    email_queue_to(
        addresses=_addresses(agency_request.provider),
        subject=f"{referral.authority.name} has withdrawn a referral it sent you",
        body=f"{referral.authority.name} has withdrawn a referral it sent you in Hearth: it no "
        "longer appears on your agency portal"
        + (", and your offer for it is withdrawn" if offers else "")
        + f".\n\nYour agency portal: {_link(reverse('portal'))}\n\n{NO_CHILD_NAMED}",
    )
    record_event(
        referral=referral, action=WITHDRAWN_ACTION, by=user, comment=reason,
        detail={
            "provider": agency_request.provider.name, "provider_id": agency_request.provider_id,
            "request": agency_request.pk, "offers": [o.pk for o in offers],
        },
        role=_search_roles(user, referral),
    )  # fmt: skip
    audit_referral_change(
        user, referral, f"withdrawn from provider {agency_request.provider_id}", request
    )
    return agency_request


# Widening the search ---------------------------------------------------------------------------------


@transaction.atomic
def search_widen(*, user, referral, widen_to, reason, request=None):
    """The child's allocated social worker gives permission to widen a failing search (001):
    `widen_to` is a list of WIDENINGS codes ("residential": children's homes), added to what it
    was widened to before, with the reason. Returns the referral."""
    referral = _locked(referral)
    _require("widen", user, referral)
    errors = {}
    wanted = list(dict.fromkeys(widen_to or []))
    already = list(referral.search_widened_to or [])
    if not wanted or any(value not in WIDENINGS for value in wanted):
        errors["widen_to"] = "Choose what the search may include"
    elif set(wanted) <= set(already):
        errors["widen_to"] = (
            f"The search already includes {_listed(WIDENINGS[v].lower() for v in wanted)}"
        )
    reason = clean_text(
        reason, "reason", errors, name="The reason", missing="Say why the search is widened"
    )
    refuse_if(errors)
    referral.search_widened_to = [*already, *(v for v in wanted if v not in already)]
    referral.search_widened_by, referral.search_widened_at = user, timezone.now()
    referral.search_widening_reason = reason
    _save_referral(
        referral, "search_widened_to", "search_widened_by", "search_widened_at",
        "search_widening_reason",
    )  # fmt: skip
    record_event(
        referral=referral, action=WIDENED_ACTION, by=user, comment=reason,
        detail={"widened_to": referral.search_widened_to},
        role=Role.SOCIAL_WORKER,
    )  # fmt: skip
    audit_referral_change(
        user, referral, f"search widened to {', '.join(referral.search_widened_to)}", request
    )
    return referral


# Chasing providers that have not answered ---------------------------------------------------------------


def close_chase(agency_request, by):
    """Close the placements team's item chasing the provider: it answered, or the referral was
    withdrawn from it. Called by the portal when a provider answers."""
    return items_close(
        referral=agency_request.referral_id, by=by, kinds=[Kind.AGENCY_CHASE],
        key=chase_key(agency_request),
    )  # fmt: skip


def _chase(agency_request, now):
    referral, provider = agency_request.referral, agency_request.provider
    agency_request.chased_at = now
    agency_request.save(update_fields=["chased_at"])
    sent = timezone.localtime(agency_request.sent_at)
    email_queue_to(
        addresses=_addresses(provider),
        subject=f"Reminder: a referral from {referral.authority.name} is waiting for your answer",
        body=f"{referral.authority.name} sent you a referral in Hearth on "
        f"{sent.day} {sent:%B %Y} and has not had your answer. Please offer a home, or say why "
        f"you cannot.\n\nSee the referral on the Hearth agency portal: "
        f"{_portal_link(agency_request)}\n\n{NO_CHILD_NAMED}",
    )
    item_open(
        organisation=referral.authority, kind=Kind.AGENCY_CHASE, referral=referral,
        title=f"{referral_title(referral)}: {provider.name} has not answered",
        urgent=referral.urgent, role=Role.PLACEMENTS_OFFICER, key=chase_key(agency_request),
        note=f"Sent {long_date(sent)}; the answer was due {date_time(agency_request.answer_due_at)}"
        ". Ring the provider and log the call.",
    )  # fmt: skip
    audit_record(
        user=None, action=AuditEvent.Action.UPDATE, record_type="referral",
        record_id=referral.pk, organisation=referral.authority, via="worker",
        detail=f"provider {provider.pk} chased",
    )  # fmt: skip


def chase_unanswered(now):
    """Job: chase once each provider that has not answered a searching referral by the time the
    policy gave it: a reminder to the provider and its contacts (no child named) and an item for
    the council's placements officers. A request answered, withdrawn or closed is never chased;
    one chased is not chased again; two workers at once skip each other's rows."""
    due = (
        AgencyRequest.objects.select_for_update(of=("self",), skip_locked=True)
        .filter(
            status=AgencyRequest.Status.SENT,
            answer_due_at__lt=now,
            chased_at__isnull=True,
            referral__status=Status.SEARCHING,
        )
        .select_related("referral__authority", "provider")
        .order_by("answer_due_at", "pk")
    )
    count = 0
    for agency_request in due:
        _chase(agency_request, now)
        count += 1
    return count
