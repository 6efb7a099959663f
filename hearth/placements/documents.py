"""The Individual Placement Agreement (IPA) with an agency (DOMAIN.md, referral to placement,
step 14): raised once the approvals are complete (the match signed off, the weekly cost approved
as it stands), from a snapshot of the agreed terms kept on the agreement, and drawn as a PDF by
WeasyPrint (ADR 11) from `placements/agreement_pdf.html`. The PDF is made from the snapshot, so it
reads the same whenever it is downloaded, by the council or by the agency on its portal.

A cost changed after the IPA was issued is approved again; the IPA is then issued again, under
the next reference (`IPA-E08000010-12-2`), and the history keeps each issue: the agreement
issued again records the earlier one (its reference, terms, when and by whom) in its history row.
`hearth.placements.selectors.current_agreement(offer)` is the IPA only while it matches the cost
approved as it stands.
"""

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from hearth.core.deadlines import LONDON
from hearth.people.vocabulary import NEEDS, PLACEMENT_TYPES
from hearth.placements import permissions
from hearth.placements.models import PlacementAgreement
from hearth.placements.selectors import agreement_current, cost_problems, current_approval
from hearth.placements.selectors import current_agreement as current_agreement  # re-exported
from hearth.placements.services import (
    _audit,
    _link,
    _offer_detail,
    _provider_addresses,
    _starter_roles,
    agreement_key,
)
from hearth.referrals.services import ActionNotAllowed, ReferralError, record_event
from hearth.search.models import MatchingForm, Offer
from hearth.search.services import _locked_offer
from hearth.trays.models import WorkItem
from hearth.trays.services import email_queue_to, items_close


def _day(value):
    return f"{value.day} {value:%B %Y}" if value else ""


def _moment(value):
    if not value:
        return ""
    local = value.astimezone(LONDON)
    return f"{local.day} {local:%B %Y at %H:%M}"


def _need(tag):
    return NEEDS.get(tag, tag.replace("_", " ")).split(":")[0]


def reference_for(offer, issue=1):
    ons = offer.referral.authority.ons_code or str(offer.referral.authority_id)
    return f"IPA-{ons}-{offer.pk}" + (f"-{issue}" if issue > 1 else "")


def agreed_terms(offer, approval, *, issued_by, issued_at):
    """What was agreed, as plain text and numbers the PDF draws and the agency reads."""
    household, provider = offer.household, offer.household.provider
    referral = offer.referral
    form = MatchingForm.objects.filter(offer=offer).select_related("signed_off_by").first()
    children = list(offer.children.order_by("date_of_birth", "pk"))
    return {
        "council": referral.authority.name,
        "council_ons_code": referral.authority.ons_code or "",
        "referral": referral.pk,
        "children": [
            {
                "name": child.full_name,
                "date_of_birth": _day(child.date_of_birth),
                "reference": child.reference,
                "legal_status": child.legal_status,
            }
            for child in children
        ],
        "provider": provider.name,
        "provider_urn": provider.ofsted_urn or "",
        "provider_email": provider.email,
        "provider_phone": provider.phone,
        "household": household.name,
        "household_reference": household.reference,
        "placement_type": PLACEMENT_TYPES.get(referral.placement_type, referral.placement_type),
        "start_date": _day(offer.available_from) if offer.available_from else "To be agreed",
        "weekly_cost": f"£{offer.weekly_cost:,.2f}",
        "weekly_cost_amount": str(offer.weekly_cost),
        "cost_covers": offer.cost_covers,
        "approval_tier": permissions.role_label(approval.required_role),
        "approved_by": approval.decided_by.display_name if approval.decided_by else "",
        "approved_as": permissions.role_label(approval.decided_as) if approval.decided_as else "",
        "approved_on": _moment(approval.decided_at),
        "conditions": approval.conditions,
        "support_plan": form.support_plan if form else "",
        "family_time": form.family_time if form else "",
        "gaps": [
            {"need": _need(entry["need"]), "support": entry["support"]}
            for entry in (form.gaps if form else [])
        ],
        "needs_met": [
            {"need": _need(entry["need"]), "how": entry["how"]}
            for entry in (form.needs_met if form else [])
        ],
        "matching_signed_off_by": (
            form.signed_off_by.display_name if form and form.signed_off_by else ""
        ),
        "matching_signed_off_on": _moment(form.signed_off_at) if form else "",
        "carer_profile": offer.carer_profile,
        "ofsted_details": offer.ofsted_details,
        "references": offer.references,
        "issued_by": issued_by.display_name,
        "issued_on": _moment(issued_at),
    }


def _next_issue(agreement):
    if agreement is None:
        return 1
    tail = agreement.reference.rsplit("-", 1)[-1]
    parts = agreement.reference.split("-")
    return (int(tail) + 1) if len(parts) > 3 and tail.isdigit() else 2


@transaction.atomic
def agreement_issue(*, user, offer, request=None):
    """Issue the IPA of an agency match whose approvals are complete (the offer matched, or placed
    in an emergency, and its weekly cost approved as it stands). An IPA already issued for the
    cost as it stands is not issued twice; one issued for another cost is issued again."""
    offer = _locked_offer(offer)
    referral = offer.referral
    refusal = permissions.why_not_issue_agreement(user, offer, referral.authority.policy)
    if refusal is not None:
        raise ActionNotAllowed(refusal)
    existing = (
        PlacementAgreement.objects.select_for_update(of=("self",))
        .filter(offer=offer)
        .select_related("issued_by")
        .order_by("pk")
        .first()
    )
    problems = []
    if offer.status not in (Offer.Status.MATCHED, Offer.Status.PLACED):
        problems.append(
            f"The offer is {offer.get_status_display().lower()}: the matching form must be "
            "signed off first"
        )
    approval = current_approval(offer)
    problems += cost_problems(offer, approval)
    if not problems and agreement_current(existing, offer):
        problems.append(f"The placement agreement {existing.reference} is already issued")
    if problems:
        raise ReferralError(
            problems[0] if len(problems) == 1 else "The placement agreement cannot be issued yet",
            problems=problems,
        )
    now = timezone.now()
    replaced = existing.reference if existing else ""
    # The agreement is issued again in place: the earlier issue, as it was, is kept in the history.
    earlier = (
        {
            "reference": existing.reference, "terms": existing.terms,
            "issued_at": existing.issued_at.isoformat(),
            "issued_by": existing.issued_by.display_name,
        }
        if existing
        else None
    )  # fmt: skip
    agreement = existing or PlacementAgreement(offer=offer)
    agreement.reference = reference_for(offer, _next_issue(existing))
    agreement.terms = agreed_terms(offer, approval, issued_by=user, issued_at=now)
    agreement.issued_by, agreement.issued_at = user, now
    agreement.save()
    record_event(
        referral=referral, action="agreement_issued", by=user, role=_starter_roles(user, referral),
        detail={
            **_offer_detail(offer), "reference": agreement.reference,
            "weekly_cost": str(offer.weekly_cost), "replaces": replaced,
            **({"replaced": earlier} if earlier else {}),
        },
    )  # fmt: skip
    items_close(
        referral=referral,
        by=user,
        kinds=[WorkItem.Kind.RETROSPECTIVE_APPROVAL],
        key=agreement_key(offer),
    )
    email_queue_to(
        addresses=_provider_addresses(offer.household.provider, also=[offer.made_by]),
        subject="A placement agreement is ready for you in Hearth",
        body=(
            f"{referral.authority.name} has issued the placement agreement {agreement.reference} "
            "for a home you offered. Sign in to Hearth to read and download it: "
            f"{_link('/')}\n\nThis message names no child: sign in to Hearth to see who it is "
            "about."
        ),
    )
    _audit(
        user, "referral", referral, referral.authority,
        f"placement agreement {agreement.reference} issued for offer {offer.pk}", request,
    )  # fmt: skip
    return agreement


def agreement_html(agreement):
    return render_to_string(
        "placements/agreement_pdf.html", {"agreement": agreement, "terms": agreement.terms}
    )


def agreement_pdf(agreement) -> bytes:
    """The IPA as a PDF, drawn by WeasyPrint from the agreed terms (ADR 11). Its stylesheet is in
    the template: nothing is fetched, and any address it might name is refused."""
    from weasyprint import HTML  # loads Pango: only when a PDF is asked for

    from hearth.web.views.chronology import static_files_only

    document = HTML(
        string=agreement_html(agreement), base_url="http://hearth.invalid/",
        url_fetcher=static_files_only(),
    )  # fmt: skip
    return document.write_pdf(pdf_tags=True)
