"""Kinship care (DOMAIN.md "Foster carers", 002): a child's social worker asks whether a relative
or friend could care for the child (a viability assessment); a team manager of the child's side
and a fostering team manager decide together whether a full (Form K) assessment goes ahead; for an
urgent placement the agency decision maker approves the connected person for the named child under
Regulation 24, and the full assessment is then due within the policy's `reg24_assessment` (16
weeks), which the panel may extend once under Regulation 25 (`reg25_extension`, 8 weeks; see
`hearth.fostering.panel`).

A viability assessment is not a recruitment enquiry: the connected person's household is created
with the status `enquiry` but no `enquiry` step in its fostering history, so the monthly figures
count it only once its assessment starts (`assessment_started`).
"""

import re
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import roles_of
from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.core.models import Organisation
from hearth.fostering import lifecycle, permissions, recruitment, vocabulary
from hearth.fostering.common import audit_household, claim_version, not_in_future
from hearth.fostering.lifecycle import StepRefused, due_after
from hearth.fostering.models import (
    Application,
    Assessment,
    StatutoryCheck,
    TemporaryApproval,
    ViabilityAssessment,
)
from hearth.people.models import Carer, Household
from hearth.placements.permissions import manages_childs_team
from hearth.stability.permissions import is_childs_social_worker
from hearth.trays.models import WorkItem
from hearth.trays.services import item_open, items_close_keyed
from hearth.web.presenters import long_date

Status = ViabilityAssessment.Status
KINSHIP = "kinship"
# Who may see the kinship pages: the fostering service's readers and the children's social workers
# and team managers who ask for viability assessments and take part in the joint decision.
KINSHIP_READERS = permissions.READERS | permissions.VIABILITY_REQUESTERS
WORDS = {
    KINSHIP_READERS: "the fostering team, the agency decision maker, children's social workers "
    "and team managers, and the council's managers",
}
# Who speaks for the child's side of the joint decision, besides the manager of the child's team.
CHILD_SIDE_LEADS = frozenset({Role.SERVICE_LEAD})
ASKERS_WORDS = "the child's social worker or the manager of the child's team"
DECIDERS_WORDS = "the manager of the child's team (or a service lead) and a fostering team manager"
RECRUITING = lifecycle.RECRUITING_STATUSES


def viability_link(viability):
    return reverse("fostering_viability", args=[viability.pk])


# Who may do what --------------------------------------------------------------------------------


def why_not_read(user, authority_id):
    if permissions.holds_any(user, authority_id, KINSHIP_READERS):
        return None
    return f"Only {WORDS[KINSHIP_READERS]} can see kinship assessments"


def speaks_for_child(user, child):
    """The child's own social worker, or the manager of the child's team."""
    return is_childs_social_worker(user, child) or manages_childs_team(user, child)


def why_not_request(user, child):
    if speaks_for_child(user, child):
        return None
    return f"Only {ASKERS_WORDS} can ask for a viability assessment"


def why_not_record_outcome(user, viability):
    if viability.status not in (Status.REQUESTED, Status.COMPLETED):
        return "The joint decision has been made: the outcome can no longer be changed"
    return permissions.why_not(
        user, viability.authority_id, permissions.ASSESSORS, "record a viability assessment"
    )


def childs_side(user, viability):
    """Whether the user may decide for the child's side: the manager of the child's team, or a
    service lead of the council."""
    return manages_childs_team(user, viability.child) or bool(
        CHILD_SIDE_LEADS & roles_of(user, viability.authority_id)
    )


def fostering_side(user, viability):
    return Role.FOSTERING_TEAM_MANAGER in roles_of(user, viability.authority_id)


def side_of(user, viability):
    """ "child" or "fostering": the side of the joint decision still open that the user speaks
    for (the child's side first), or None."""
    if viability.decided_by_child_team_id is None and childs_side(user, viability):
        return "child"
    if viability.decided_by_fostering_id is None and fostering_side(user, viability):
        return "fostering"
    return None


def why_not_decide(user, viability):
    if viability.status != Status.COMPLETED:
        return "The viability assessment is not waiting for the joint decision"
    if not (childs_side(user, viability) or fostering_side(user, viability)):
        return f"Only {DECIDERS_WORDS} decide this, jointly"
    if user.pk in (viability.decided_by_child_team_id, viability.decided_by_fostering_id):
        return "You have already agreed: the other manager records their own agreement"
    if side_of(user, viability) is None:
        return "Your side of the decision has already been recorded"
    return None


def why_not_start_assessment(user, viability):
    if viability.status != Status.PROCEED:
        return "A Form K assessment starts once the joint decision is to go ahead"
    if Assessment.objects.filter(
        household_id=viability.household_id,
        status__in=(Assessment.Status.IN_PROGRESS, Assessment.Status.AT_PANEL),
    ).exists():
        return "The Form K assessment has already started"
    return permissions.why_not(
        user, viability.authority_id, permissions.ASSESSORS, "start an assessment"
    )


def why_not_temporary(viability):
    """Why the connected person cannot (now) be approved under Regulation 24, whoever asks: it is
    for people being assessed after a decision to go ahead, once."""
    if viability.status != Status.PROCEED:
        return "Regulation 24 approval follows a joint decision to go ahead"
    household = viability.household
    if household.status not in RECRUITING:
        return (
            f"{household.name} is {household.get_status_display().lower()}: Regulation 24 "
            "temporary approval is for people being assessed"
        )
    if _open_approval(viability.household_id) is not None:
        return "The household already has a Regulation 24 temporary approval"
    return None


def why_not_ask_temporary(user, viability):
    reason = why_not_temporary(viability)
    if reason:
        return reason
    if speaks_for_child(user, viability.child) or fostering_side(user, viability):
        return None
    return f"Only {ASKERS_WORDS}, or a fostering team manager, can ask for Regulation 24 approval"


def why_not_approve_temporary(user, viability):
    reason = why_not_temporary(viability)
    if reason:
        return reason
    return permissions.why_not_approver(
        user, viability.child.authority, "regulation_24", "give Regulation 24 temporary approval"
    )


def _open_approval(household_id):
    return TemporaryApproval.objects.filter(
        household_id=household_id, ended_on__isnull=True
    ).first()


# Asking for a viability assessment ------------------------------------------------------------------

KINSHIP_REFERENCE = re.compile(r"^KIN-(\d+)$")


def _kinship_reference(authority):
    """ "KIN-<n>", the next number free among the council's households: the caller holds the
    council's row locked (one reference at a time, as `recruitment.next_reference`)."""
    references = Household.objects.filter(
        provider=authority, reference__startswith="KIN-"
    ).values_list("reference", flat=True)
    numbers = [int(found.group(1)) for r in references if (found := KINSHIP_REFERENCE.match(r))]
    return f"KIN-{max(numbers, default=0) + 1}"


@transaction.atomic
def viability_request(*, by, child, first_name, last_name, relationship, postcode, phone="",
                      request=None):  # fmt: skip
    """The child's social worker asks for a viability assessment of a relative or friend: the
    connected person's household (status `enquiry`, no step in its history) and the request, in
    the fostering team managers' work tray."""
    reason = why_not_request(by, child)
    if reason:
        raise StepRefused(reason)
    first_name, last_name = first_name.strip(), last_name.strip()
    relationship, postcode = relationship.strip(), postcode.strip().upper()
    for value, field, message in (
        (first_name, "first_name", "Enter the relative's or friend's first name"),
        (last_name, "last_name", "Enter the relative's or friend's last name"),
        (relationship, "relationship", "Say how they are related to the child"),
        (postcode, "postcode", "Enter their postcode"),
    ):
        if not value:
            raise StepRefused(message, field)
    authority = child.authority
    Organisation.objects.select_for_update().get(pk=authority.pk)  # one reference at a time
    household = Household.objects.create(
        provider=authority, reference=_kinship_reference(authority),
        name=f"{last_name} household", postcode=postcode[:8], bedrooms=0,
        status=Household.Status.ENQUIRY, care_types=[KINSHIP], max_children=1,
    )  # fmt: skip
    Carer.objects.create(
        household=household, first_name=first_name, last_name=last_name, phone=phone.strip()
    )
    viability = ViabilityAssessment.objects.create(
        authority=authority, child=child, household=household, relationship=relationship,
        requested_by=by, requested_at=timezone.now(),
    )  # fmt: skip
    audit_household(
        by, household, f"connected person for {child.reference} ({relationship})", request,
        action=AuditEvent.Action.CREATE,
    )  # fmt: skip
    item_open(
        organisation=authority, kind=WorkItem.Kind.VIABILITY_ASSESSMENT,
        title=f"Viability assessment: {household.name}, {relationship.lower()} of a child",
        role=Role.FOSTERING_TEAM_MANAGER, key=f"viability:{viability.pk}",
        link=viability_link(viability),
    )  # fmt: skip
    return viability


@transaction.atomic
def viability_record(*, by, viability, assessor, recommendation, summary, completed_on,
                     expected_version, request=None):  # fmt: skip
    """The viability assessment is done: its recommendation and summary. It then waits for the
    joint decision (the manager of the child's team and a fostering team manager)."""
    reason = why_not_record_outcome(by, viability)
    if reason:
        raise StepRefused(reason)
    if recommendation not in ("proceed", "not_proceed"):
        raise StepRefused("Choose whether the assessment recommends going ahead", "recommendation")
    if not summary.strip():
        raise StepRefused("Summarise what the assessment found", "summary")
    not_in_future(completed_on, "completed_on", "The date it was completed")
    if completed_on < timezone.localtime(viability.requested_at).date():
        raise StepRefused(
            "The assessment cannot be completed before it was asked for", "completed_on"
        )
    viability = claimed(ViabilityAssessment, viability, expected_version)
    viability.assessor = assessor
    viability.recommendation, viability.summary = recommendation, summary.strip()
    viability.completed_on, viability.status = completed_on, Status.COMPLETED
    viability.save()
    audit_household(
        by, viability.household, f"viability assessment recorded ({recommendation})", request
    )
    key = f"viability:{viability.pk}"
    items_close_keyed(
        organisation=viability.authority, key=key, by=by, kinds=[WorkItem.Kind.VIABILITY_ASSESSMENT]
    )
    if not WorkItem.objects.filter(
        organisation=viability.authority, key=key, kind=WorkItem.Kind.VIABILITY_DECISION,
        closed_at__isnull=True,
    ).exists():  # fmt: skip
        title = f"Decide jointly: viability assessment of {viability.household.name}"
        for assignee in (_childs_side_tray(viability.child), {"role": Role.FOSTERING_TEAM_MANAGER}):
            item_open(
                organisation=viability.authority, kind=WorkItem.Kind.VIABILITY_DECISION,
                title=title, key=key, link=viability_link(viability), **assignee,
            )  # fmt: skip
    return viability


def _childs_side_tray(child):
    """Whose tray the child's side of the joint decision lands in: the manager of the child's
    team (named, else the team's team managers); for a child with no team, the team managers."""
    team = child.team
    if team is not None and team.manager_id is not None:
        return {"user": team.manager}
    if team is not None:
        return {"team": team, "role": Role.TEAM_MANAGER}
    return {"role": Role.TEAM_MANAGER}


@transaction.atomic
def viability_decide(*, by, viability, agree, reason, on, expected_version, request=None):
    """One side of the joint decision: the manager of the child's team (or a service lead: the
    children's side) or a fostering team manager agrees to go ahead, or declines with a reason.
    Decided when both agree; one declining is enough not to go ahead (the household then did not
    go on)."""
    refusal = why_not_decide(by, viability)
    if refusal:
        raise StepRefused(refusal)
    reason = reason.strip()
    if not agree and not reason:
        raise StepRefused("Give the reason for not going ahead", "reason")
    not_in_future(on, "on", "The date of the decision")
    viability = claimed(ViabilityAssessment, viability, expected_version)
    side = side_of(by, viability)
    if side is None:
        raise StepRefused("Your side of the decision has already been recorded")
    child_side = side == "child"
    if child_side:
        viability.decided_by_child_team = by
    else:
        viability.decided_by_fostering = by
    if reason:
        side = "Children's team" if child_side else "Fostering team"
        viability.decision_reason = "\n".join(
            filter(None, [viability.decision_reason, f"{side}: {reason}"])
        )
    both = viability.decided_by_child_team_id and viability.decided_by_fostering_id
    if not agree:
        viability.status, viability.decided_on = Status.NOT_PROCEED, on
    elif both:
        viability.status, viability.decided_on = Status.PROCEED, on
    viability.save()
    words = "agrees" if agree else "declines"
    audit_household(by, viability.household, f"viability decision: {words}", request)
    if viability.status != Status.COMPLETED:
        items_close_keyed(
            organisation=viability.authority, key=f"viability:{viability.pk}", by=by,
            kinds=[WorkItem.Kind.VIABILITY_DECISION],
        )  # fmt: skip
    if viability.status == Status.NOT_PROCEED:
        lifecycle.move(
            viability.household, Household.Status.NOT_PROGRESSED, by=by, on=on,
            request=request, detail="viability: not going ahead",
        )  # fmt: skip
    return viability


# After a decision to go ahead --------------------------------------------------------------------


def _check_assessor(assessor, authority_id):
    if assessor is None:
        raise StepRefused("Choose who will assess", "assessor")
    if Role.SUPERVISING_SOCIAL_WORKER not in roles_of(assessor, authority_id):
        raise StepRefused("Choose a supervising social worker of the council", "assessor")


CONSENT_NEEDED = "The connected people must consent to the statutory checks"


def _check_consent(consent_to_checks):
    if not consent_to_checks:
        raise StepRefused(CONSENT_NEEDED, "consent_to_checks")


def kinship_application(*, by, household, received_on, request=None):
    """The connected people's application, made when their Form K assessment starts (they came
    by a viability assessment, not an enquiry): received that day, with their consent to the
    statutory checks, one check of each kind (`vocabulary.CHECKS`) to record on the application's
    page as for any applicant, and the checks in the fostering team managers' tray. It is in
    assessment from the start. No `application` step is written to the history: like the
    viability assessment, it is not a recruitment application in the monthly figures."""
    application = Application.objects.create(
        authority=household.provider, household=household, received_on=received_on,
        consent_to_checks=True, status=Application.Status.ASSESSMENT, recorded_by=by,
    )  # fmt: skip
    StatutoryCheck.objects.bulk_create(
        StatutoryCheck(application=application, kind=kind) for kind, _label in vocabulary.CHECKS
    )
    audit_household(by, household, "application (kinship): consent to checks given", request)
    item_open(
        organisation=household.provider, kind=WorkItem.Kind.STATUTORY_CHECKS,
        role=Role.FOSTERING_TEAM_MANAGER, key=recruitment.application_key(application),
        title=f"Statutory checks for {household.name} ({household.reference})",
        link=reverse("fostering_application", args=[application.pk]),
    )  # fmt: skip
    return application


def asks_consent(household):
    """Whether a Regulation 24 approval now makes the household's application (no assessment
    with an application under way), so the connected people's consent to the checks is asked."""
    return not Assessment.objects.filter(
        household=household, status__in=lifecycle.OPEN_ASSESSMENT, application__isnull=False
    ).exists()


def _form_k_start(*, by, household, started_on, assessor, request):
    """The Form K assessment started, with its application and statutory checks."""
    application = kinship_application(
        by=by, household=household, received_on=started_on, request=request
    )
    return lifecycle.assessment_start(
        by=by, household=household, kind=Assessment.Kind.FORM_K, started_on=started_on,
        assessor=assessor, application=application, request=request,
    )  # fmt: skip


@transaction.atomic
def kinship_assessment_start(*, by, viability, assessor, started_on, consent_to_checks,
                             request=None):  # fmt: skip
    """Start the connected person's Form K assessment, due within the policy's `assessment`, with
    their application and its statutory checks (they must consent to them); the assessor (a
    supervising social worker) has it in their tray, due that day."""
    reason = why_not_start_assessment(by, viability)
    if reason:
        raise StepRefused(reason)
    not_in_future(started_on, "started_on", "The start date")
    _check_assessor(assessor, viability.authority_id)
    _check_consent(consent_to_checks)
    assessment = _form_k_start(
        by=by, household=viability.household, started_on=started_on, assessor=assessor,
        request=request,
    )  # fmt: skip
    assessment_item(assessment)
    return assessment


def claimed(model, record, expected_version):
    """The record locked, read afresh and moved to its next version (`EditConflict` if someone
    else changed it since the form was opened)."""
    locked = model.objects.select_for_update().get(pk=record.pk)
    claim_version(model, locked, expected_version)
    return locked


def assessment_deadline(assessment):
    """The day the assessment is due: its Regulation 25 extension's, else its own."""
    return assessment.extended_to or assessment.due_on


def assessment_item(assessment):
    """The assessor's ASSESSMENT tray item (keyed as `recruitment.assessment_key`), due on the
    assessment's deadline: opened, or, if open already, given to the assessor and the deadline
    moved (a Regulation 24 approval or a Regulation 25 extension changes it)."""
    if assessment.assessor_id is None:
        return None
    due_at = datetime.combine(assessment_deadline(assessment), time(23, 59, 59), tzinfo=LONDON)
    key = recruitment.assessment_key(assessment)
    open_items = WorkItem.objects.filter(
        organisation_id=assessment.authority_id, key=key, kind=WorkItem.Kind.ASSESSMENT,
        closed_at__isnull=True,
    )  # fmt: skip
    if open_items.exists():
        open_items.update(due_at=due_at, assigned_user=assessment.assessor)
        return open_items.first()
    return item_open(
        organisation=assessment.authority, kind=WorkItem.Kind.ASSESSMENT,
        title=f"Form K assessment of {assessment.household.name}", user=assessment.assessor,
        due_at=due_at, key=key, link=reverse("fostering_assessment", args=[assessment.pk]),
    )  # fmt: skip


def temporary_key(viability):
    return f"regulation-24:{viability.pk}"


@transaction.atomic
def temporary_approval_ask(*, by, viability, note="", request=None):
    """Ask the agency decision maker (the policy's `regulation_24` approver) for a Regulation 24
    temporary approval before an urgent placement: an item in their work tray (once)."""
    reason = why_not_ask_temporary(by, viability)
    if reason:
        raise StepRefused(reason)
    authority = viability.authority
    key = temporary_key(viability)
    waiting = WorkItem.objects.filter(
        organisation=authority, key=key, kind=WorkItem.Kind.TEMPORARY_APPROVAL,
        closed_at__isnull=True,
    ).first()  # fmt: skip
    if waiting is not None:
        return waiting
    audit_household(by, viability.household, "Regulation 24 temporary approval asked for", request)
    return item_open(
        organisation=authority, kind=WorkItem.Kind.TEMPORARY_APPROVAL, urgent=True,
        title=f"Regulation 24: {viability.household.name} for an urgent placement",
        role=authority.policy.approver("regulation_24"), key=key,
        link=reverse("fostering_temporary_approval_new", args=[viability.pk]), note=note,
    )  # fmt: skip


def temporary_approval_asked(viability):
    return WorkItem.objects.filter(
        organisation_id=viability.authority_id, key=temporary_key(viability),
        kind=WorkItem.Kind.TEMPORARY_APPROVAL, closed_at__isnull=True,
    ).exists()  # fmt: skip


@transaction.atomic
def temporary_approve(*, by, viability, child, approved_on, reason, min_age, max_age,
                      max_children, assessor, consent_to_checks=None, request=None):  # fmt: skip
    """Regulation 24: the agency decision maker approves the connected person for the named child
    (an approval without one is flagged). The full assessment is then due within the policy's
    `reg24_assessment` of the approval: the Form K assessment starts that day, or, if it had
    started, is due then; `assessor` (a supervising social worker) has it in their tray, due
    that day. An assessment starting then has its application and statutory checks, to which the
    connected people must consent (`consent_to_checks`). Once only: the viability assessment is
    locked, and a household with a temporary approval in force is refused."""
    viability = (
        ViabilityAssessment.objects.select_for_update(of=("self",))
        .select_related("authority__policy", "child__authority__policy", "household")
        .get(pk=viability.pk)
    )
    lifecycle.locked(viability.household)
    refusal = why_not_approve_temporary(by, viability)
    if refusal:
        raise StepRefused(refusal)
    not_in_future(approved_on, "approved_on", "The date of the approval")
    if min_age > max_age:
        raise StepRefused("The youngest age must not be above the oldest", "min_age")
    if max_children < 1:
        raise StepRefused("Approve for at least one child", "max_children")
    if child is not None and child.authority_id != viability.authority_id:
        raise StepRefused("Choose a child of the council", "child")
    _check_assessor(assessor, viability.authority_id)
    household = viability.household
    if asks_consent(household):
        _check_consent(consent_to_checks)
    policy = viability.authority.policy
    approval = TemporaryApproval.objects.create(
        authority=viability.authority, household=household, child=child, viability=viability,
        approved_on=approved_on, approved_by=by, reason=reason.strip(),
        assessment_due_on=due_after(policy, "reg24_assessment", approved_on),
    )  # fmt: skip
    lifecycle.approve(
        by=by, household=household, on=approved_on, temporary=True, request=request,
        terms={"min_age": min_age, "max_age": max_age, "max_children": max_children,
               "care_types": [KINSHIP]},
    )  # fmt: skip
    if child is not None:
        household.named_children.add(child)
        audit_household(by, household, f"named child {child.reference} (Regulation 24)", request)
    assessment = (
        Assessment.objects.select_for_update()
        .filter(household=household, status__in=lifecycle.OPEN_ASSESSMENT)
        .first()
    )
    if assessment is None:
        assessment = _form_k_start(
            by=by, household=household, started_on=approved_on, assessor=assessor,
            request=request,
        )  # fmt: skip
    else:
        assessment.due_on, assessment.kind = approval.assessment_due_on, Assessment.Kind.FORM_K
        assessment.assessor = assessor
        if assessment.application_id is None:
            assessment.application = kinship_application(
                by=by, household=household, received_on=assessment.started_on, request=request
            )
        assessment.version += 1
        assessment.save(update_fields=["due_on", "kind", "assessor", "application", "version"])
    assessment_item(assessment)
    approval.assessment = assessment
    approval.save(update_fields=["assessment"])
    items_close_keyed(
        organisation=viability.authority, key=temporary_key(viability), by=by,
        kinds=[WorkItem.Kind.TEMPORARY_APPROVAL],
    )  # fmt: skip
    return approval


def already_extended(assessment):
    return (
        f"This assessment has already been extended once (to {long_date(assessment.extended_to)}): "
        "Regulation 25 allows one extension"
    )


@transaction.atomic
def extend(*, by, approval, weeks, reason, request=None):
    """Regulation 25 (called by the panel's decision step, in its transaction): the full
    assessment's one extension, `weeks` on from the approval's due date."""
    approval = TemporaryApproval.objects.select_for_update().get(pk=approval.pk)
    assessment = Assessment.objects.select_for_update().get(pk=approval.assessment_id)
    if assessment.extended_to is not None:
        raise StepRefused(already_extended(assessment))
    extended_to = approval.assessment_due_on + timedelta(weeks=weeks)
    assessment.extended_to, assessment.extension_reason = extended_to, reason
    assessment.version += 1
    assessment.save(update_fields=["extended_to", "extension_reason", "version"])
    approval.assessment_due_on = extended_to
    approval.version += 1
    approval.save(update_fields=["assessment_due_on", "version"])
    household = lifecycle.locked(approval.household)
    household.review_due_at = datetime.combine(extended_to, time(23, 59, 59), tzinfo=LONDON)
    household.version += 1
    household.save(update_fields=["review_due_at", "version", "updated_at"])
    assessment_item(assessment)
    audit_household(by, household, f"Regulation 25 extension to {extended_to:%Y-%m-%d}", request)
    return approval


# Flags and lists ------------------------------------------------------------------------------------


def is_overdue(approval, today):
    if approval.ended_on is not None:
        return False
    return today > approval.assessment_due_on


def flags(approval, today):
    """What a Regulation 24 approval needs seen to, in sentences: no named child; the full
    assessment past its due date with no extension (or past the extended date); the extension."""
    sentences = []
    if approval.child_id is None:
        sentences.append("No named child")
    assessment = approval.assessment
    extended_to = assessment.extended_to if assessment is not None else None
    if is_overdue(approval, today):
        if extended_to is None:
            sentences.append(
                f"Assessment overdue: due {long_date(approval.assessment_due_on)}, no extension"
            )
        else:
            sentences.append(
                f"Assessment overdue: due {long_date(approval.assessment_due_on)}, already "
                "extended once"
            )
    if extended_to is not None:
        sentences.append(f"Extended to {long_date(extended_to)}")
    return sentences


def flagged(approval, today):
    """Whether the approval has a flag calling for action (not the extension's information)."""
    return approval.child_id is None or is_overdue(approval, today)


def temporary_approvals(authority_ids):
    return (
        TemporaryApproval.objects.filter(authority_id__in=authority_ids)
        .select_related("household", "child", "assessment", "approved_by")
        .order_by("ended_on", "assessment_due_on", "pk")
    )


def approvals_shown(approvals, today):
    """The approvals as the list shows them: open ones with flags first, overdue first."""
    rows = [
        {
            "approval": a,
            "household": a.household,
            "child": a.child,
            "approved_on": long_date(a.approved_on),
            "due_on": long_date(a.assessment_due_on),
            "overdue": is_overdue(a, today),
            "flags": flags(a, today),
            "open": a.ended_on is None,
            "ended_on": long_date(a.ended_on) if a.ended_on else "",
        }
        for a in approvals
    ]
    rows.sort(key=lambda r: (not r["open"], not r["overdue"], not r["flags"], r["approval"].pk))
    return rows


def viabilities(authority_ids):
    return (
        ViabilityAssessment.objects.filter(authority_id__in=authority_ids)
        .select_related("household", "child", "requested_by", "assessor")
        .order_by("-requested_at", "-pk")
    )


def open_viabilities(queryset):
    return queryset.filter(Q(status=Status.REQUESTED) | Q(status=Status.COMPLETED))


def decision_words(viability):
    """Who has agreed so far, in words."""
    sides = []
    if viability.decided_by_child_team_id:
        sides.append(f"Children's team: {viability.decided_by_child_team.display_name}")
    if viability.decided_by_fostering_id:
        sides.append(f"Fostering team: {viability.decided_by_fostering.display_name}")
    return sides
