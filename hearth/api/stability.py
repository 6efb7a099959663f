"""Stability meetings and unplanned ending meetings through the API (CONTRACT.md section 6): read
them, and ask for a stability meeting on a placement.

The same doors and services as the screens: `stability_meetings_for_user` answers the meetings of
the councils whose children the caller may see, `stability_meeting_for_user` one of them (404, and
the attempt audited, for anyone else); `placement_for_user` finds the placement a meeting is asked
for; `hearth.stability.services.meeting_request` asks for it, with the same checks and messages as
the screen. docs/stability.md describes it.
"""

from datetime import date, datetime
from enum import Enum

from django.db.models import prefetch_related_objects
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from hearth.accounts.access import (
    placement_for_user,
    stability_meeting_for_user,
    stability_meetings_for_user,
)
from hearth.api.audit import audit_listed
from hearth.api.pagination import ApiPagination
from hearth.api.referral_schemas import ProblemOut
from hearth.api.schemas import ErrorOut
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.stability import selectors, services
from hearth.stability.models import Action, Meeting

router = Router(tags=["stability meetings"])

RELATED = ("child", "requested_by", "chair")
PREFETCHED = ("actions__owner",)


def _username(user):
    return user.username if user is not None else None


class ActionOut(Schema):
    id: int
    description: str
    owner: str = Field(description="Username of the person the action is with now")
    due_on: date
    status: str = Field(description="open or done")
    done_at: datetime | None
    overdue: bool = Field(description="Still open after the end of its due date")

    @staticmethod
    def resolve_owner(action):
        return action.owner.username

    @staticmethod
    def resolve_overdue(action):
        return action.status == Action.Status.OPEN and action.due_on < timezone.localdate()


class MeetingOut(Schema):
    """A stability meeting, or an unplanned ending meeting, with its timescales and actions."""

    id: int
    reference: str = Field(description="SM-12 for a stability meeting, UE-12 for an ending one")
    kind: str = Field(description="stability or unplanned_ending")
    status: str = Field(description="requested, held, circulated, waived or cancelled")
    placement: int = Field(description="Id of the placement")
    child: int = Field(description="Id of the child")
    child_reference: str
    household: int = Field(description="Id of the household the child lives (or lived) with")
    raised_by: str = Field(description="Who was worried (stability.vocabulary.RAISED_BY)")
    raised_by_name: str
    concern: str
    requested_by: str | None = Field(description="Username; null where Hearth opened it")
    requested_at: datetime
    due_from: datetime | None = Field(
        description="Not before: an unplanned ending meeting's window"
    )
    due_at: datetime = Field(description="To be held by")
    chair: str | None = Field(description="Username of the chair")
    scheduled_for: datetime | None
    held_at: datetime | None
    minutes_due_at: datetime | None
    circulated_at: datetime | None
    iro_check_due_at: datetime | None
    next_meeting_on: date | None
    closed_at: datetime | None = Field(description="When it was waived or stopped")
    closed_reason: str
    themes: list[str] = Field(description="Learning themes (unplanned ending meetings)")
    overdue: bool = Field(
        description="To be held and past its due time, or held with its minutes past theirs"
    )
    actions: list[ActionOut]
    version: int

    @staticmethod
    def resolve_placement(meeting):
        return meeting.placement_id

    @staticmethod
    def resolve_child(meeting):
        return meeting.child_id

    @staticmethod
    def resolve_child_reference(meeting):
        return meeting.child.reference

    @staticmethod
    def resolve_household(meeting):
        return meeting.household_id

    @staticmethod
    def resolve_requested_by(meeting):
        return _username(meeting.requested_by)

    @staticmethod
    def resolve_chair(meeting):
        return _username(meeting.chair)

    @staticmethod
    def resolve_overdue(meeting):
        now = timezone.now()
        if meeting.status == Meeting.Status.REQUESTED:
            return now > meeting.due_at
        due = meeting.minutes_due_at
        return meeting.status == Meeting.Status.HELD and due is not None and now > due

    @staticmethod
    def resolve_actions(meeting):
        return list(meeting.actions.all())


READ = {200: MeetingOut, 401: ErrorOut, 404: ErrorOut}


# Named for the schema: an enum called `Status` would take the place of the referrals' own.
MeetingStatus = Enum("MeetingStatus", {value: value for value in Meeting.Status.values}, type=str)
MeetingKind = Enum("MeetingKind", {value: value for value in Meeting.Kind.values}, type=str)


class MeetingFilters(Schema):
    placement: int | None = Field(None, description="Only this placement's meetings")
    child: int | None = Field(None, description="Only this child's meetings")
    status: MeetingStatus | None = None
    kind: MeetingKind | None = None


class MeetingRequestIn(Schema):
    placement: int = Field(description="Id of the placement the concern is about")
    raised_by: str = Field(
        description="Who is worried: social_worker, supervising_social_worker, iro, "
        "foster_carer, young_person, school, health or other_professional"
    )
    raised_by_name: str = Field(
        "", description="Their name, where they are not a Hearth user (a carer, a school...)"
    )
    concern: str = Field(description="What they are worried about")


@router.get("", response={200: list[MeetingOut], 401: ErrorOut})
@paginate(ApiPagination, on_page=audit_listed("stability_meeting"))
def stability_meeting_list(request, filters: Query[MeetingFilters]):
    """Meetings of the caller's councils, the soonest due first."""
    meetings = stability_meetings_for_user(request.user)
    chosen = {
        "placement_id": filters.placement,
        "child_id": filters.child,
        "status": filters.status.value if filters.status else None,
        "kind": filters.kind.value if filters.kind else None,
    }
    meetings = meetings.filter(**{key: value for key, value in chosen.items() if value is not None})
    return meetings.select_related(*RELATED).prefetch_related(*PREFETCHED).order_by("due_at", "pk")


def _shown(request, meeting_id):
    """The meeting with its actions and their owners, its reading audited by the access function."""
    meeting = stability_meeting_for_user(request.user, meeting_id, request=request)
    prefetch_related_objects([meeting], *PREFETCHED)
    return meeting


@router.get("/{meeting_id}", response=READ)
def stability_meeting_detail(request, meeting_id: int):
    return _shown(request, meeting_id)


def _problem(error):
    return Status(
        422,
        {"detail": str(error), "problems": list(error.problems), "fields": error.field_errors},
    )


@router.post(
    "", response={200: MeetingOut, 201: MeetingOut, 401: ErrorOut, 403: ErrorOut,
                  404: ErrorOut, 422: ProblemOut},
)  # fmt: skip
def stability_meeting_request(request, payload: MeetingRequestIn):
    """Ask for a stability meeting on a placement, saying who is worried and what about: 201 with
    the new meeting and its `due_at`. Where one is already waiting to be held, the concern joins
    it (its due time brought forward if sooner): 200 with that meeting. A placement the caller
    may not see answers 404, as if it did not exist."""
    placement = placement_for_user(request.user, payload.placement, request=request)
    waiting = selectors.waiting_stability_meeting(placement)
    try:
        meeting = services.meeting_request(
            user=request.user, placement=placement, raised_by=payload.raised_by,
            raised_by_name=payload.raised_by_name, concern=payload.concern, request=request,
        )  # fmt: skip
    except ActionNotAllowed as refusal:
        request.hearth_denied = [
            *getattr(request, "hearth_denied", []),
            {"record_type": "placement", "record_id": str(placement.pk), "user": request.user,
             "detail": "ask for a stability meeting"},
        ]  # fmt: skip
        raise HttpError(403, str(refusal)) from None
    except ReferralError as error:
        return _problem(error)
    return Status(200 if waiting is not None else 201, _shown(request, meeting.pk))
