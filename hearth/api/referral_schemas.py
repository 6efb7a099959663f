"""What the referral and work-tray endpoints take and answer (docs/api-referrals.md).

The referral form's questions are read from `rules.SECTIONS` and the `Referral` model, so a question
added to a section is answered, documented and editable through the API without a change here.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from django.db import models
from ninja import Field, Schema
from pydantic import create_model

from hearth.api.schemas import ErrorOut
from hearth.referrals import rules, workflow
from hearth.referrals.carer_names import detail_shown, names_carers
from hearth.referrals.forms import SECTION_FORMS
from hearth.referrals.models import Referral, Status
from hearth.trays.models import WorkItem

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _username(user):
    return user.username if user is not None else None


# The referral form's questions ------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    """One question of the referral form, as the API takes and gives its answer.

    `kind`: text, choice, boolean, date, number or user (a username of the council's staff).
    `nullable`: whether null is an answer (yes-or-no questions not yet answered, dates, numbers,
    people); text and choices are cleared with "". What the API checks here is the answer's JSON
    type; the section's screen form then checks its value (hearth.referrals.forms).
    """

    name: str
    section: str
    label: str
    kind: str
    choices: tuple[str, ...] = ()
    nullable: bool = False
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None

    @property
    def description(self):
        if self.kind == "user":
            return f"{self.label}, as a username"
        return self.label

    def read(self, value):
        """The answer as Python, or ValueError saying what is wrong with its type."""
        if value is None and self.nullable:
            return None
        return READERS[self.kind](self, value)

    def answer_type(self):
        """Its type in the referral read."""
        kind = Literal[("", *self.choices)] if self.kind == "choice" else ANSWER_TYPES[self.kind]
        return kind | None if self.nullable else kind

    def json_schema(self):
        """Its type in the body of PATCH /referrals/{id}."""
        schema = {"description": self.description}
        if self.kind == "choice":
            return {**schema, "type": "string", "enum": ["", *self.choices]}
        schema["type"] = [JSON_TYPES[self.kind], "null"] if self.nullable else JSON_TYPES[self.kind]
        if self.kind == "date":
            schema["format"] = "date"
        limits = {"maxLength": self.max_length, "minimum": self.minimum, "maximum": self.maximum}
        return {**schema, **{key: limit for key, limit in limits.items() if limit is not None}}


def _read_text(question, value):
    if not isinstance(value, str):
        raise ValueError('Must be text (give "" to clear it)')
    return value


def _read_choice(question, value):
    if value != "" and value not in question.choices:
        raise ValueError(f'Choose one of {", ".join(question.choices)} (or "" to clear it)')
    return value


def _read_boolean(question, value):
    if not isinstance(value, bool):
        raise ValueError("Must be true or false" + (" (or null)" if question.nullable else ""))
    return value


def _read_date(question, value):
    try:
        if not (isinstance(value, str) and ISO_DATE.fullmatch(value)):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("Enter a real date as YYYY-MM-DD, for example 2026-12-01") from None


def _read_number(question, value):
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("Must be a whole number (or null)")
    return value


def _read_username(question, value):
    if not isinstance(value, str):
        raise ValueError("Give the username of one of the council's staff (or null)")
    return value.strip() or None


READERS = {
    "text": _read_text,
    "choice": _read_choice,
    "boolean": _read_boolean,
    "date": _read_date,
    "number": _read_number,
    "user": _read_username,
}
ANSWER_TYPES = {"text": str, "boolean": bool, "date": date, "number": int, "user": str}
JSON_TYPES = {"text": "string", "boolean": "boolean", "date": "string", "number": "integer",
              "user": "string"}  # fmt: skip


def _kind(model_field):
    if model_field.is_relation:
        return "user"
    if isinstance(model_field, models.BooleanField):
        return "boolean"
    if isinstance(model_field, models.DateField):
        return "date"
    if isinstance(model_field, models.IntegerField):
        return "number"
    return "choice" if model_field.choices else "text"


def _question(section, name):
    """A question from its model field (its type; placement_type's choices are those of
    hearth.people.vocabulary.PLACEMENT_TYPES, urgency_reason's and agreement_from's the model's)
    and from the screen's form field (its wording and limits)."""
    model_field = Referral._meta.get_field(name)
    form_field = SECTION_FORMS[section.slug].base_fields[name]
    return Question(
        name=name,
        section=section.slug,
        label=str(form_field.label),
        kind=_kind(model_field),
        choices=tuple(value for value, _label in model_field.choices or ()),
        nullable=model_field.null,
        max_length=getattr(form_field, "max_length", None),
        minimum=getattr(form_field, "min_value", None),
        maximum=getattr(form_field, "max_value", None),
    )


QUESTIONS = {
    name: _question(section, name) for section in rules.SECTIONS for name in section.fields
}


def _answer(referral, name):
    value = getattr(referral, name)
    return _username(value) if QUESTIONS[name].kind == "user" else value


def answers_of(referral):
    """{section slug: {question: answer}}: people as usernames."""
    return {
        section.slug: {name: _answer(referral, name) for name in section.fields}
        for section in rules.SECTIONS
    }


def _answer_field(question):
    return question.answer_type(), Field(description=question.description)


def _section_answers_schema(section):
    fields = {name: _answer_field(QUESTIONS[name]) for name in section.fields}
    return create_model(f"{section.slug.title()}Answers", __base__=Schema, **fields)


AnswersOut = create_model(
    "AnswersOut",
    __base__=Schema,
    **{
        section.slug: (_section_answers_schema(section), Field(description=section.title))
        for section in rules.SECTIONS
    },
)


def change_body():
    """The OpenAPI body of PATCH /referrals/{id}: the version read, and any answers to change."""
    properties = {
        "version": {"type": "integer", "description": "The referral's version when you read it"}
    }
    properties.update({name: question.json_schema() for name, question in QUESTIONS.items()})
    return _json_body(
        required=True,
        schema={
            "type": "object",
            "required": ["version"],
            "properties": properties,
            "additionalProperties": False,
        },
    )


# Actions ----------------------------------------------------------------------------------------

ACTION_FIELD_JSON_TYPES = {"text": "string", "boolean": "boolean", "choice": "string",
                           "household": "integer", "user": "integer"}  # fmt: skip


def action_body():
    """The OpenAPI body of POST /referrals/{id}/actions/{action}: every action's fields (each
    action takes only its own: see the referral's `actions`)."""
    properties = {}
    for action in workflow.ACTIONS.values():
        for field in action.fields:
            schema = properties.setdefault(
                field.name,
                {"type": [ACTION_FIELD_JSON_TYPES[field.kind], "null"], "description": ""},
            )
            schema["description"] += f"{action.name}: {field.label}. "
            if field.choices:
                schema["enum"] = [*field.choices, None]
    for schema in properties.values():
        schema["description"] = schema["description"].strip()
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    return _json_body(required=False, schema=schema)


def _json_body(*, required, schema):
    return {
        "requestBody": {"required": required, "content": {"application/json": {"schema": schema}}}
    }


# Reading a referral -----------------------------------------------------------------------------


class ChildBriefOut(Schema):
    id: int
    reference: str


class SectionOut(Schema):
    slug: str
    title: str
    status: Literal[rules.COMPLETED, rules.INCOMPLETE, rules.NOT_STARTED]
    missing: list[str] = Field(description="What is still to answer before the section is complete")


class SearchOut(Schema):
    route: Literal[("", *Referral.SearchRoute.values)] = Field(
        description="Where the search starts: set on approval from the policy's rule"
    )
    reason: str
    overridden_by: str | None = Field(description="Username of the manager who chose the route")
    in_house: str = Field(description="State of the in-house search")
    agency: str = Field(description="State of the agency search")


class EmergencyOut(Schema):
    household: int | None = Field(
        description="Id of the emergency carers' household (null for a caller who may not see "
        "the council's households)"
    )
    household_name: str | None = Field(
        description="The emergency carers' household (null for a caller who may not see the "
        "council's households)"
    )
    booked_at: datetime
    ends_at: datetime | None
    ended_at: datetime | None = Field(
        description="When the placements team recorded the booking's end (null while it runs)"
    )


class EventOut(Schema):
    action: str
    by: str = Field(description="Username")
    by_role: str = Field(description="The roles the step was taken in")
    at: datetime
    from_status: str = Field(alias="from")
    to_status: str = Field(alias="to")
    comment: str
    detail: dict = Field(
        description="What the step recorded; the emergency carers' household only for a caller "
        "who may see the council's households"
    )


class ActionFieldOut(Schema):
    name: str
    label: str
    kind: Literal["text", "boolean", "choice", "household", "user"] = Field(
        description="household and user: give the id"
    )
    required: bool
    choices: list[str]
    hint: str


class ActionOut(Schema):
    name: str
    label: str
    description: str
    fields: list[ActionFieldOut]


def action_out(action):
    return {
        "name": action.name,
        "label": action.label,
        "description": action.description,
        "fields": [
            {
                "name": field.name,
                "label": field.label,
                "kind": field.kind,
                "required": field.required,
                "choices": list(field.choices),
                "hint": field.hint,
            }  # fmt: skip
            for field in action.fields
        ],
    }


class ReferralOut(Schema):
    id: int
    authority: str = Field(description="ONS code of the council")
    children: list[ChildBriefOut]
    sibling_group: str | None = Field(description="Reference of the sibling group")
    social_worker: str = Field(description="Username of the allocated social worker")
    team: str | None = Field(description="Name of the team holding the case")
    status: Status
    status_label: str
    returned_from: Literal[("", *Status.values)] = Field(
        description="The step that returned a returned referral"
    )
    urgent: bool
    answers: AnswersOut = Field(description="Every question's answer, by section")
    sections: list[SectionOut]
    search: SearchOut
    emergency: EmergencyOut | None = Field(description="The emergency carer booked, if any")
    file_reference: str = Field(description="The placements team's file, once accepted")
    next_action: str
    next_action_holder: str | None = Field(description="Username")
    version: int = Field(description="Give it back when changing the referral")
    created_at: datetime
    submitted_at: datetime | None
    approved_at: datetime | None
    accepted_at: datetime | None
    closed_at: datetime | None
    history: list[EventOut]
    actions: list[ActionOut] = Field(description="What the caller may do with the referral now")

    @staticmethod
    def resolve_authority(referral):
        return referral.authority.ons_code

    @staticmethod
    def resolve_children(referral):
        return list(referral.children.all())

    @staticmethod
    def resolve_sibling_group(referral):
        return referral.sibling_group.reference if referral.sibling_group is not None else None

    @staticmethod
    def resolve_social_worker(referral):
        return referral.social_worker.username

    @staticmethod
    def resolve_team(referral):
        return referral.team.name if referral.team is not None else None

    @staticmethod
    def resolve_status_label(referral):
        return referral.get_status_display()

    @staticmethod
    def resolve_answers(referral):
        return answers_of(referral)

    @staticmethod
    def resolve_sections(referral):
        return [
            {
                "slug": section.slug,
                "title": section.title,
                "status": section.status(referral),
                "missing": section.missing(referral),
            }  # fmt: skip
            for section in rules.SECTIONS
        ]

    @staticmethod
    def resolve_search(referral):
        return {
            "route": referral.search_route,
            "reason": referral.search_route_reason,
            "overridden_by": _username(referral.search_route_overridden_by),
            "in_house": referral.in_house_search,
            "agency": referral.agency_search,
        }

    @staticmethod
    def resolve_emergency(referral, context):
        household = referral.emergency_household
        if household is None:
            return None
        named = names_carers(context["request"].user, referral)
        return {
            "household": household.pk if named else None,
            "household_name": household.name if named else None,
            "booked_at": referral.emergency_booked_at,
            "ends_at": referral.emergency_ends_at,
            "ended_at": referral.emergency_ended_at,
        }

    @staticmethod
    def resolve_next_action_holder(referral):
        return _username(referral.next_action_holder)

    @staticmethod
    def resolve_history(referral, context):
        named = names_carers(context["request"].user, referral)
        return [
            {
                "action": event.action,
                "by": event.by.username,
                "by_role": event.by_role,
                "at": event.at,
                "from": event.from_status,
                "to": event.to_status,
                "comment": event.comment,
                "detail": detail_shown(event.detail, named=named),
            }  # fmt: skip
            for event in referral.events.all()
        ]

    @staticmethod
    def resolve_actions(referral, context):
        user = context["request"].user
        policy = referral.authority.policy
        return [action_out(action) for action in workflow.actions_for(user, referral, policy)]


class ReferralFilters(Schema):
    status: Status | None = Field(None, description="Only referrals with this status")
    urgent: bool | None = Field(None, description="Only urgent (true) or not urgent (false) ones")


class ReferralCreateIn(Schema):
    children: list[int] = Field(
        description="Ids of the child, or of the brothers and sisters, the referral is for"
    )


class ProblemOut(ErrorOut):
    """What the referral endpoints answer when a request cannot be done as asked (422): `detail`
    says why; `problems` lists each thing to put right; `fields` names the field at fault."""

    problems: list[str] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict)


# The work tray ------------------------------------------------------------------------------------


class WorkTrayQuery(Schema):
    view: Literal["mine", "team"] = Field(
        "mine",
        description="mine: the caller's own, team and role items; team: the open items of the "
        "teams the caller manages",
    )


class AssignedOut(Schema):
    user: str | None = Field(description="Username, for an item waiting for one person")
    team: str | None = Field(description="Team name, for an item waiting for a team")
    role: str | None = Field(description="Role, for an item waiting for everyone holding it")


class WorkItemOut(Schema):
    id: int
    kind: Literal[tuple(WorkItem.Kind.values)]
    kind_label: str
    title: str
    note: str
    urgent: bool
    due_at: datetime | None
    opened_at: datetime
    referral: int | None = Field(description="Id of the referral the item is about")
    link: str = Field(
        description="Path of the page where the item is done, for an item about a record other "
        "than a referral (a stability meeting, an action); empty otherwise"
    )
    assigned_to: AssignedOut

    @staticmethod
    def resolve_kind_label(item):
        return item.get_kind_display()

    @staticmethod
    def resolve_referral(item):
        return item.referral_id

    @staticmethod
    def resolve_assigned_to(item):
        return {
            "user": _username(item.assigned_user),
            "team": item.assigned_team.name if item.assigned_team is not None else None,
            "role": item.assigned_role or None,
        }
