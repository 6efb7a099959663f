"""Referrals (PL1) through the API: read, make, change a section's answers, take an action.

The same doors and services as the screens: `referral_for_user` finds the referral (404 and an
audited denial outside the caller's council), `hearth.referrals.services` writes, and
`hearth.referrals.workflow` says what the caller may do. docs/api-referrals.md describes it all.
"""

import json

from django.db.models import prefetch_related_objects
from django.forms import ModelChoiceField
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from hearth.accounts.access import child_for_user, referral_for_user, referrals_for_user
from hearth.api.audit import audit_listed
from hearth.api.pagination import ApiPagination
from hearth.api.referral_schemas import (
    QUESTIONS,
    ProblemOut,
    ReferralCreateIn,
    ReferralFilters,
    ReferralOut,
    action_body,
    change_body,
)
from hearth.api.schemas import ErrorOut
from hearth.audit.models import AuditEvent
from hearth.audit.services import audit_record
from hearth.people.services import EditConflict
from hearth.referrals import rules, services, workflow
from hearth.referrals.forms import section_form

router = Router(tags=["referrals"])

# What a referral read needs beyond the referral's own row, fetched once for a page of them.
RELATED = (
    "authority__policy", "sibling_group", "social_worker", "team", "emergency_household",
    "next_action_holder", "accommodation_agreed_by", "search_route_overridden_by",
)  # fmt: skip
PREFETCHED = ("children", "events__by", "comment_requests")
READ = {200: ReferralOut, 401: ErrorOut, 404: ErrorOut}


# Reading ------------------------------------------------------------------------------------------


def _referral(request, referral_id):
    """The referral if the caller may see it, else 404 (audited). Not yet audited as read."""
    return referral_for_user(request.user, referral_id, request=request, audit_view=False)


def _shown(request, referral_id):
    """The referral as the answer gives it: fetched afresh with its children, history and comment
    requests, and its reading audited."""
    referral = _referral(request, referral_id)
    prefetch_related_objects([referral], "sibling_group", *PREFETCHED)
    audit_record(
        user=request.user, action=AuditEvent.Action.VIEW, record_type="referral",
        record_id=referral.pk, organisation=referral.authority, request=request,
    )  # fmt: skip
    return referral


@router.get("", response={200: list[ReferralOut], 401: ErrorOut}, by_alias=True)
@paginate(ApiPagination, on_page=audit_listed("referral"))
def referral_list(request, filters: Query[ReferralFilters]):
    """The referrals of the caller's councils, urgent first, then newest."""
    referrals = referrals_for_user(request.user)
    if filters.status is not None:
        referrals = referrals.filter(status=filters.status)
    if filters.urgent is not None:
        referrals = referrals.filter(urgent=filters.urgent)
    return (
        referrals.select_related(*RELATED)
        .prefetch_related(*PREFETCHED)
        .order_by("-urgent", "-created_at", "-pk")
    )


@router.get("/{referral_id}", response=READ, by_alias=True)
def referral_detail(request, referral_id: int):
    return _shown(request, referral_id)


# Making and changing --------------------------------------------------------------------------------


def _problem(detail, problems=(), fields=None):
    return Status(422, {"detail": detail, "problems": list(problems), "fields": fields or {}})


def _refused(error):
    """A ReferralError as the answer: its message, each problem, and the fields at fault."""
    return _problem(str(error), error.problems, error.field_errors)


def _deny(request, referral, reason, attempt):
    """The caller may see the referral but not do this: 403, and the attempt audited as DENIED
    once the request's transaction has rolled back (as `access.deny` does for a 404)."""
    event = {
        "record_type": "referral", "record_id": str(referral.pk), "user": request.user,
        "detail": attempt,
    }  # fmt: skip
    request.hearth_denied = [*getattr(request, "hearth_denied", []), event]
    raise HttpError(403, reason)


@router.post(
    "", response={201: ReferralOut, 401: ErrorOut, 404: ErrorOut, 422: ProblemOut}, by_alias=True
)
def referral_create(request, payload: ReferralCreateIn):
    """A draft referral for a child, or for brothers and sisters, by their social worker or team
    manager. A child the caller may not see answers 404, as if it did not exist."""
    ids = list(dict.fromkeys(payload.children))
    # Each child is audited as read, whether the referral is made or refused: a refusal may name
    # the child.
    children = [child_for_user(request.user, pk, request=request) for pk in ids]
    try:
        referral = services.referral_create(user=request.user, children=children, request=request)
    except services.ReferralError as error:
        return _refused(error)
    return Status(201, _shown(request, referral.pk))


def _json_object(request):
    """The request's JSON body as a dict, or None when it is not a JSON object."""
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def _check_what_you_entered(errors):
    problems = [f"{name}: {message}" for name, message in errors.items()]
    return _problem("Check what you entered", problems, errors)


def _unknown(names, known, what):
    return {name: f"There is no field '{name}' {what}" for name in names if name not in known}


def _answers(body):
    """({question: answer}, {field: what is wrong}) from a PATCH body: known questions only, each
    answer of the right JSON type, and the version the change was made from."""
    errors = _unknown(body, {"version", *QUESTIONS}, "on the referral form")
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        errors["version"] = "Give the referral's version when you read it, as a whole number"
    answers = {}
    for name in filter(body.__contains__, QUESTIONS):
        try:
            answers[name] = QUESTIONS[name].read(body[name])
        except ValueError as error:
            errors[name] = str(error)
    if not errors and not answers:
        errors["body"] = "Give at least one answer to change, with the version"
    return answers, errors


def _screened(referral, section, answers):
    """The section's answers put through the screen's form for it, so that the API refuses what
    the screen refuses (a date needed that has passed, a distance of no miles), with the same
    messages; people are given by username rather than by id."""
    form = section_form(section, {**answers, "version": referral.version}, referral=referral)
    for field in form.fields.values():
        if isinstance(field, ModelChoiceField):
            field.to_field_name = "username"
            field.error_messages = {
                **field.error_messages,
                "invalid_choice": f"No one with that username can be recorded as '{field.label}'",
            }
    form.is_valid()
    errors = {name: " ".join(form.errors[name]) for name in answers if name in form.errors}
    return {name: form.cleaned_data.get(name) for name in answers}, errors


def _screened_by_section(referral, answers):
    """([(section, its answers)], {field: what is wrong}): what referral_update is to save."""
    sections, errors = [], {}
    for section in rules.SECTIONS:
        given = {name: answers[name] for name in section.fields if name in answers}
        if given:
            data, problems = _screened(referral, section.slug, given)
            sections.append((section.slug, data))
            errors.update(problems)
    return sections, errors


def _may_change(request, referral):
    if referral.status not in workflow.EDITABLE_STATUSES:
        reason = (
            f"A referral that is {referral.get_status_display().lower()} cannot be changed: "
            "only a draft or a returned referral can"
        )
        _deny(request, referral, reason, "change refused: not editable now")
    if not workflow.may_edit(request.user, referral, referral.authority.policy):
        reason = "Only the allocated social worker or their team manager can change this referral"
        _deny(request, referral, reason, "change refused: not the referral's editor")


@router.patch(
    "/{referral_id}",
    response={**READ, 403: ErrorOut, 409: ErrorOut, 422: ProblemOut},
    by_alias=True,
    openapi_extra=change_body(),
)
def referral_change(request, referral_id: int):
    """Change answers on a draft or returned referral: `version` as read, and any questions of the
    form with their new answers. A change made from an older version answers 409."""
    referral = _referral(request, referral_id)
    _may_change(request, referral)
    body = _json_object(request)
    if body is None:
        return _problem("The body must be a JSON object", fields={"body": "Not a JSON object"})
    answers, errors = _answers(body)
    if errors:
        return _check_what_you_entered(errors)
    sections, errors = _screened_by_section(referral, answers)
    if errors:
        return _check_what_you_entered(errors)
    version = body["version"]
    try:
        for section, data in sections:
            referral, _changed = services.referral_update(
                user=request.user, referral=referral, section=section, data=data,
                expected_version=version, request=request,
            )  # fmt: skip
            version = referral.version
    except EditConflict as conflict:
        raise HttpError(
            409, f"{conflict}: nothing was saved. Read the referral again and make your change "
            "with its new version.",
        ) from None  # fmt: skip
    except services.ActionNotAllowed as refusal:
        _deny(request, referral, str(refusal), "change refused")
    return _shown(request, referral.pk)


# Taking an action -----------------------------------------------------------------------------------

ACTION_NAMES = ", ".join(workflow.ACTIONS)
TAKES = {"text": str, "choice": str, "boolean": bool, "household": int, "user": int}
TYPE_WORDS = {str: "text", bool: "true or false", int: "an id (a whole number)"}


def _action_data(body, spec):
    """The action's fields from the body, or {field: what is wrong}."""
    takes = {field.name: field for field in spec.fields}
    errors = _unknown(body, takes, f"for the action '{spec.name}'")
    for name, value in body.items():
        field = takes.get(name)
        if field is None or value is None:
            continue
        wanted = TAKES[field.kind]
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            errors[name] = f"Must be {TYPE_WORDS[wanted]} (or null)"
    return errors


@router.post(
    "/{referral_id}/actions/{action}",
    response={**READ, 403: ErrorOut, 422: ProblemOut},
    by_alias=True,
    openapi_extra=action_body(),
)
def referral_act(request, referral_id: int, action: str):
    """Take an action of the transition table on the referral, with the action's fields as the
    body (`household` and `holder` as ids). The referral's `actions` say which are open to you."""
    referral = _referral(request, referral_id)
    spec = workflow.ACTIONS.get(action)
    if spec is None:
        raise HttpError(404, f"There is no action '{action}': the actions are {ACTION_NAMES}")
    if not workflow.may_take(request.user, referral, spec, referral.authority.policy):
        reason = (
            f"{spec.label} is not open to you on a referral that is "
            f"{referral.get_status_display().lower()}"
        )
        _deny(request, referral, reason, f"action {action} refused")
    body = _json_object(request)
    if body is None:
        return _problem("The body must be a JSON object", fields={"body": "Not a JSON object"})
    errors = _action_data(body, spec)
    if errors:
        return _check_what_you_entered(errors)
    try:
        services.referral_act(
            user=request.user, referral=referral, action=action, data=body, request=request
        )
    except services.ActionNotAllowed as refusal:
        _deny(request, referral, str(refusal), f"action {action} refused")
    except services.ReferralError as error:
        return _refused(error)
    return _shown(request, referral.pk)
