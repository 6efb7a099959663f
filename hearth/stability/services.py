"""Writes of stability meetings and unplanned ending meetings (DOMAIN.md "Stability", 003 sections 5
and 6, appendices 1 and 2): a concern raised, the meeting arranged, held and recorded, and its
minutes circulated.

- **A concern** asks for a stability meeting, due within the policy's `stability_meeting` time (48
  hours by default: hours are hours, night and bank holiday alike) and put in the child's team
  manager's tray. A second concern while a meeting waits to be held joins that meeting, bringing
  its due time forward when it is sooner: one meeting, every concern kept in the history.
- **Arranging**: the chair, when and where, and the people invited (the child's social worker, the
  supervising social worker and the foster carers first: the three the policy requires).
- **Recording**: when it was held, who came, the template's sections, the family's views, the
  learning themes (unplanned ending) and the next meeting's date (stability). It may be saved in
  several sittings; marking it held needs the three required parts to have attended, and starts
  the chair's clock for the minutes (`stability_minutes`: 3 working days).
- **Circulating the minutes**, by the chair, once the required sections are written: an email
  naming no child to the participants, the council's fostering team managers and the review
  panel administrator; the minutes are then filed on the child's and the carers' records (their
  stability history) and the follow-ups begin (`hearth.stability.follow_up`).

Every service is atomic and keyword-only, locks the rows it changes (the placement, then the
meeting), checks the person may take the step (`ActionNotAllowed`), the version the page was
opened at (`EditConflict`) and what was typed (`ReferralError`, each message at its field) before
writing anything, and writes its history and audit rows in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.access import roles_of
from hearth.accounts.models import User
from hearth.core.deadlines import LONDON, policy_due_at
from hearth.people.services import EditConflict
from hearth.placements.models import Placement
from hearth.referrals.services import (
    clean_text,
    refuse_if,
    version_number,
)
from hearth.stability import history, permissions, routing, selectors, vocabulary
from hearth.stability.common import NO_CHILD_NAMED, audit_change, link, refuse
from hearth.stability.models import Meeting, Participant
from hearth.stability.presenters import day, when
from hearth.trays.models import WorkItem
from hearth.trays.services import email_queue_to, item_open, items_close_keyed

Kind = WorkItem.Kind
Status = Meeting.Status
RAISED_BY_A_PERSON = {
    key: label
    for key, label in vocabulary.RAISED_BY
    if key not in ("review", "placement_ended")  # Hearth's own reasons
}
PARTS = vocabulary.labels(vocabulary.PARTS)
ATTENDANCE = ("attended", "views_given", "neither")
MEETING_ITEMS = (Kind.STABILITY_MEETING, Kind.UNPLANNED_ENDING_MEETING)
CONFLICT = "Someone else changed the meeting after you opened it"
NAME_LIMIT = 200
ARRANGE_FIELDS = ("chair", "scheduled_for", "venue")


# Small helpers ---------------------------------------------------------------------------------------


def _roles_words(user, authority_id):
    return ", ".join(sorted(roles_of(user, authority_id) & permissions.RAISERS))


def _locked_placement(placement):
    return (
        Placement.objects.select_for_update(of=("self",))
        .select_related("authority__policy", "child__team", "household")
        .get(pk=placement.pk)
    )


def _locked_meeting(meeting, expected_version):
    locked = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related(
            "authority__policy", "placement", "child__team", "child__social_worker", "child__iro",
            "household__provider", "household__supervising_social_worker", "chair",
        )
        .get(pk=meeting.pk)
    )  # fmt: skip
    if expected_version is not None and version_number(expected_version) != locked.version:
        raise EditConflict(CONFLICT)
    return locked


def _saved(meeting, *fields):
    meeting.version += 1
    meeting.save(update_fields=[*fields, "version"])


def meeting_words(meeting):
    """ "the stability meeting SM-12": how the history and the emails speak of a meeting."""
    return f"the {meeting.get_kind_display().lower()} {meeting.reference}"


# Raising a concern -------------------------------------------------------------------------------------


def _concern_problems(raised_by, raised_by_name, concern):
    errors = {}
    raised_by = (raised_by or "").strip()
    if raised_by not in RAISED_BY_A_PERSON:
        errors["raised_by"] = "Choose who is worried about the placement"
    named = raised_by in vocabulary.RAISED_BY_SOMEONE_NAMED
    raised_by_name = clean_text(
        raised_by_name if named else "", "raised_by_name", errors, name="Their name",
        missing="Enter the name of the person who raised the concern" if named else None,
        limit=NAME_LIMIT,
    )  # fmt: skip
    concern = clean_text(
        concern, "concern", errors, name="The concern",
        missing="Say what they are worried about",
    )  # fmt: skip
    return errors, raised_by, raised_by_name, concern


@transaction.atomic
def meeting_request(*, user, placement, raised_by, raised_by_name="", concern, request=None):
    """Ask for a stability meeting on a placement, saying who is worried and what about (003
    section 5). It is due within the policy's `stability_meeting` time and lands in the child's
    team manager's tray. Where a stability meeting of the placement is already waiting to be
    held, the concern joins it (its due time brought forward if this one is sooner) and that
    meeting is returned."""
    placement = _locked_placement(placement)
    refuse(permissions.why_not_request(user, placement))
    errors, raised_by, raised_by_name, concern = _concern_problems(
        raised_by, raised_by_name, concern
    )
    refuse_if(errors)
    now = timezone.now()
    due = policy_due_at(placement.authority.policy, "stability_meeting", now)
    raiser = RAISED_BY_A_PERSON[raised_by] + (f": {raised_by_name}" if raised_by_name else "")
    waiting = selectors.waiting_stability_meeting(placement, lock=True)
    if waiting is not None:
        meeting = _concern_added(user, waiting, raiser=raiser, concern=concern, due=due)
    else:
        meeting = Meeting.objects.create(
            authority=placement.authority, kind=Meeting.Kind.STABILITY, placement=placement,
            child=placement.child, household=placement.household, raised_by=raised_by,
            raised_by_name=raised_by_name, concern=concern, requested_by=user,
            requested_at=now, due_at=due,
        )  # fmt: skip
        routing.to_child_team_manager(
            meeting, kind=Kind.STABILITY_MEETING, title=routing.meeting_title(meeting),
            due_at=due, note=f"Asked for on behalf of {raiser[0].lower()}{raiser[1:]}",
        )  # fmt: skip
        history.record(
            placement=placement, what="meeting_requested", by=user,
            role=_roles_words(user, placement.authority_id), meeting=meeting, comment=concern,
            detail={"raised_by": raiser, "due": when(due), "reference": meeting.reference},
        )  # fmt: skip
    audit_change(
        user, "child", placement.child, placement.authority,
        f"{meeting.reference} asked for", request,
    )  # fmt: skip
    return meeting


def _concern_added(user, meeting, *, raiser, concern, due):
    brought_forward = due < meeting.due_at
    if brought_forward:
        meeting.due_at = due
        _saved(meeting, "due_at")
        selectors.open_meeting_item(meeting, [Kind.STABILITY_MEETING]).update(due_at=due)
    else:
        _saved(meeting)
    history.record(
        placement=meeting.placement, what="concern_added", by=user,
        role=_roles_words(user, meeting.authority_id), meeting=meeting, comment=concern,
        detail={
            "raised_by": raiser, "due": when(meeting.due_at), "reference": meeting.reference,
            "brought_forward": "yes" if brought_forward else "",
        },
    )  # fmt: skip
    return meeting


# Arranging ---------------------------------------------------------------------------------------------


def _invitee_problems(meeting, invitees, errors):
    """The invitees cleaned: [{participant, part, user, name, email}], errors at
    `invitees.<row>.<field>`."""
    known = {p.pk: p for p in meeting.participants.all()}
    asked = {_number(i.get("user")) for i in invitees} - {None}
    users = {
        u.pk: u
        for u in User.objects.filter(
            pk__in=asked, is_active=True, memberships__organisation_id=meeting.authority_id
        ).distinct()
    }
    cleaned = []
    for row, invitee in enumerate(invitees):
        at = f"invitees.{row}."
        part = (invitee.get("part") or "").strip()
        if part not in PARTS:
            errors[at + "part"] = "Choose the part they take in the meeting"
        user_id = _number(invitee.get("user"))
        person = users.get(user_id)
        if user_id is not None and person is None:
            errors[at + "name"] = "That person no longer works for the council: enter a name"
        name = clean_text(
            invitee.get("name") or (person.display_name if person else ""), at + "name", errors,
            name="The name", missing="Enter the name of the person invited", limit=NAME_LIMIT,
        )  # fmt: skip
        email = (invitee.get("email") or "").strip()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors[at + "email"] = "Enter an email address like name@example.org"
        participant = _number(invitee.get("participant"))
        if participant is not None and participant not in known:
            errors[at + "name"] = "This page is out of date: reload it and try again"
        cleaned.append({
            "participant": known.get(participant), "part": part,
            "user": person, "name": name, "email": email,
        })  # fmt: skip
    return cleaned


def _number(value):
    text = str(value if value is not None else "").strip()
    return int(text) if text.isdigit() else None


def _required_parts_missing(parts_present):
    return [part for part in vocabulary.REQUIRED_PARTS if part not in parts_present]


@transaction.atomic
def meeting_arrange(
    *, user, meeting, chair, scheduled_for, venue, invitees, expected_version, request=None
):  # fmt: skip
    """Arrange a meeting waiting to be held: its chair (a team manager or fostering team manager
    for a stability meeting, an IRO for an unplanned ending meeting, as the policy says), when
    and where, and who is invited: `invitees` is the whole list, each a dict of `part`, `name`,
    `email` and, for a Hearth user, `user` (a pk); `participant` (a pk) for someone already
    invited. The three the policy requires (foster carer, supervising social worker, the child's
    social worker) must be among them."""
    meeting = _locked_meeting(meeting, expected_version)
    refuse(permissions.why_not_arrange(user, meeting))
    policy = meeting.authority.policy
    errors = {}
    if chair is None:
        errors["chair"] = "Choose who chairs the meeting"
    elif not routing.holds(
        chair, meeting.authority_id, permissions.chair_roles(meeting.kind, policy)
    ):
        errors["chair"] = (
            f"The chair must be {permissions.chair_words(meeting.kind, policy)} of the council"
        )
    if scheduled_for is None:
        errors["scheduled_for"] = "Enter the date and time of the meeting"
    else:
        scheduled_on = scheduled_for.astimezone(LONDON).date()
        ended_on = meeting.placement.ended_on
        asked_on = meeting.requested_at.astimezone(LONDON).date()
        # A meeting convened by phone is entered afterwards: a past date is fine, but not one
        # before the meeting was asked for.
        if scheduled_on < asked_on:
            errors["scheduled_for"] = (
                f"The meeting cannot be before it was asked for, on {day(asked_on)}"
            )
        elif meeting.kind == Meeting.Kind.UNPLANNED_ENDING and ended_on and scheduled_on < ended_on:
            errors["scheduled_for"] = (
                f"The meeting cannot be before the placement ended on {day(ended_on)}"
            )
    venue = clean_text(
        venue, "venue", errors, name="Where it is held", limit=NAME_LIMIT,
        missing="Say where the meeting is held, or how people join it",
    )  # fmt: skip
    cleaned = _invitee_problems(meeting, invitees, errors)
    missing = _required_parts_missing({i["part"] for i in cleaned})
    if missing:
        errors["invitees"] = (
            "Invite "
            + _and(_the(PARTS[part]) for part in missing)
            + (": the policy requires them at the meeting")
        )
    refuse_if(errors)
    meeting.chair, meeting.scheduled_for, meeting.venue = chair, scheduled_for, venue
    _saved(meeting, *ARRANGE_FIELDS)
    _replace_invitees(meeting, cleaned)
    history.record(
        placement=meeting.placement, what="meeting_arranged", by=user,
        role=_roles_words(user, meeting.authority_id), meeting=meeting,
        detail={
            "when": when(scheduled_for), "venue": venue, "chair": chair.display_name,
            "invited": str(len(cleaned)), "reference": meeting.reference,
        },
    )  # fmt: skip
    audit_change(
        user, "child", meeting.child, meeting.authority,
        f"{meeting.reference} arranged for {when(scheduled_for)}", request,
    )  # fmt: skip
    return meeting


def _the(label):
    words = label[0].lower() + label[1:]
    return words if words.startswith("the ") else f"the {words}"


def _and(words):
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _replace_invitees(meeting, cleaned):
    kept = set()
    for invitee in cleaned:
        participant = invitee["participant"] or Participant(meeting=meeting)
        participant.part, participant.user = invitee["part"], invitee["user"]
        participant.name, participant.email = invitee["name"], invitee["email"]
        participant.invited = True
        participant.save()
        kept.add(participant.pk)
    meeting.participants.exclude(pk__in=kept).delete()


def default_invitees(meeting):
    """Who a meeting invites to begin with: the child's social worker, the supervising social
    worker (by name for an agency's carers), each foster carer, and the child's IRO."""
    child, household = meeting.child, meeting.household
    rows = []
    worker = child.social_worker
    rows.append(_row("social_worker", worker))
    ssw = routing.supervising_social_worker(household, meeting.authority_id)
    rows.append(_row("supervising_social_worker", ssw))
    carers = list(household.carers.all())
    rows += [
        {"part": "foster_carer", "name": str(carer), "email": carer.email, "user": None}
        for carer in carers
    ] or [_row("foster_carer", None)]
    if child.iro is not None:
        rows.append(_row("iro", child.iro))
    return rows


def _row(part, person):
    if person is None or not person.is_active:
        return {"part": part, "name": "", "email": "", "user": None}
    return {"part": part, "name": person.display_name, "email": "", "user": person.pk}


# Recording the meeting -------------------------------------------------------------------------------


def _attendance_of(participants, attendance, errors):
    """{participant pk: (attended, views_given)} from the answers given."""
    answers = {}
    for participant in participants:
        answer = attendance.get(participant.pk) or attendance.get(str(participant.pk)) or ""
        if answer and answer not in ATTENDANCE:
            errors[f"attendance_{participant.pk}"] = "Choose whether they came"
            continue
        answers[participant.pk] = {
            "attended": None if not answer else answer == "attended",
            "views_given": answer == "views_given",
        }
    return answers


def _required_attendance(participants, answers, errors, problems):
    """Errors naming each required part that has not attended."""
    for part in vocabulary.REQUIRED_PARTS:
        invited = [p for p in participants if p.part == part]
        if not invited:
            words = _the(PARTS[part])
            problems.append(
                f"{words[0].upper()}{words[1:]} is not invited: add them on the arrangements page"
            )
        elif not any(answers[p.pk]["attended"] for p in invited):
            names = _and(p.name for p in invited)
            errors[f"attendance_{invited[0].pk}"] = (
                f"{PARTS[part]} ({names}) has not attended: the meeting is held with the "
                "foster carer, the supervising social worker and the child's social worker present"
            )


def _record_problems(meeting, *, held_at, sections, family_views, themes, next_meeting_on, now):
    errors = {}
    policy = meeting.authority.policy
    if held_at is not None and held_at > now:
        errors["held_at"] = "The meeting cannot have been held in the future"
    elif held_at is not None and held_at.astimezone(LONDON).date() < meeting.placement.started_on:
        errors["held_at"] = "The meeting cannot have been held before the placement started"
    elif held_at is not None and held_at.astimezone(LONDON).date() < (
        meeting.requested_at.astimezone(LONDON).date()
    ):
        errors["held_at"] = (
            "The meeting cannot have been held before it was asked for on "
            f"{day(meeting.requested_at.astimezone(LONDON).date())}"
        )
    elif (
        held_at is not None
        and meeting.kind == Meeting.Kind.UNPLANNED_ENDING
        and meeting.placement.ended_on
        and held_at.astimezone(LONDON).date() < meeting.placement.ended_on
    ):
        errors["held_at"] = (
            "The meeting cannot have been held before the placement ended on "
            f"{day(meeting.placement.ended_on)}"
        )
    keys = [key for key, *_ in vocabulary.sections_of(meeting.kind)]
    written = {
        key: clean_text(sections.get(key), f"section_{key}", errors, name="The section")
        for key in keys
    }
    family_views = clean_text(family_views, "family_views", errors, name="The family's views")
    themes = list(dict.fromkeys(themes or [])) if meeting.kind == "unplanned_ending" else []
    if set(themes) - set(vocabulary.labels(vocabulary.LEARNING_THEMES)):
        errors["themes"] = "Choose learning themes from the list"
    if meeting.kind != Meeting.Kind.STABILITY:
        next_meeting_on = None
    if next_meeting_on is not None and held_at is None:
        errors["next_meeting_on"] = "Enter when this meeting was held, then the next one's date"
    elif next_meeting_on is not None and "held_at" not in errors:
        latest = policy_due_at(policy, "stability_review", held_at).astimezone(LONDON).date()
        if next_meeting_on <= held_at.astimezone(LONDON).date():
            errors["next_meeting_on"] = "The next meeting must be after this one"
        elif next_meeting_on > latest:
            errors["next_meeting_on"] = (
                f"The next meeting must be by {day(latest)}: within the policy's time of this one"
            )
    return errors, written, family_views, themes, next_meeting_on


@transaction.atomic
def meeting_record(
    *, user, meeting, held_at, attendance, sections, family_in_contact=False, family_views="",
    themes=(), next_meeting_on=None, mark_held=False, expected_version, request=None,
):  # fmt: skip
    """Save the record of a meeting: when it was held (not in the future), who came
    (`attendance`: {participant pk: "attended", "views_given" or "neither"}), the template's
    `sections` ({key: text}), whether the child is in regular contact with family and the
    family's views, the learning `themes` (unplanned ending) and the next meeting's date
    (stability: after this one and within the policy's `stability_review`). It may be saved in
    several sittings; `mark_held` marks it held, which needs the chair chosen and the three
    required parts present, and gives the chair the minutes to circulate by `stability_minutes`
    working days."""
    meeting = _locked_meeting(meeting, expected_version)
    refuse(permissions.why_not_record(user, meeting))
    now = timezone.now()
    errors, written, family_views, themes, next_meeting_on = _record_problems(
        meeting, held_at=held_at, sections=sections, family_views=family_views, themes=themes,
        next_meeting_on=next_meeting_on, now=now,
    )  # fmt: skip
    participants = list(meeting.participants.all())
    answers = _attendance_of(participants, attendance or {}, errors)
    problems = []
    holding = mark_held or meeting.status == Status.HELD
    if holding and "held_at" not in errors:
        if held_at is None:
            errors["held_at"] = "Enter when the meeting was held"
        if meeting.chair_id is None:
            problems.append("Choose the chair on the arrangements page before the meeting is held")
        if len(answers) == len(participants):
            _required_attendance(participants, answers, errors, problems)
    message = "The meeting cannot be marked as held" if holding else "Check what you entered"
    refuse_if(errors, message, problems)
    for participant in participants:
        participant.attended = answers[participant.pk]["attended"]
        participant.views_given = answers[participant.pk]["views_given"]
    Participant.objects.bulk_update(participants, ["attended", "views_given"])
    was_held_at = meeting.held_at
    meeting.held_at = held_at
    meeting.sections = {**meeting.sections, **written}
    meeting.family_in_contact, meeting.family_views = bool(family_in_contact), family_views
    meeting.themes, meeting.next_meeting_on = themes, next_meeting_on
    fields = ["held_at", "sections", "family_in_contact", "family_views", "themes"]
    fields.append("next_meeting_on")
    if meeting.status == Status.REQUESTED and mark_held:
        _mark_held(user, meeting, fields, request)
    else:
        if meeting.status == Status.HELD:
            _move_minutes_due(meeting, fields)
        _saved(meeting, *fields)
        if meeting.status == Status.HELD and was_held_at != held_at:
            history.record(
                placement=meeting.placement, what="held_at_changed", by=user,
                role=_roles_words(user, meeting.authority_id), meeting=meeting,
                detail={
                    "old": when(was_held_at), "new": when(held_at),
                    "reference": meeting.reference,
                },
            )  # fmt: skip
        audit_change(
            user, "child", meeting.child, meeting.authority,
            f"{meeting.reference} record saved", request,
        )  # fmt: skip
    return meeting


def _move_minutes_due(meeting, fields):
    due = policy_due_at(meeting.authority.policy, "stability_minutes", meeting.held_at)
    if due != meeting.minutes_due_at:
        meeting.minutes_due_at = due
        fields.append("minutes_due_at")
        selectors.open_meeting_item(meeting, [Kind.STABILITY_MINUTES]).update(due_at=due)


def _mark_held(user, meeting, fields, request):
    policy = meeting.authority.policy
    meeting.status = Status.HELD
    meeting.minutes_due_at = policy_due_at(policy, "stability_minutes", meeting.held_at)
    _saved(meeting, *fields, "status", "minutes_due_at")
    items_close_keyed(
        organisation=meeting.authority, key=routing.meeting_key(meeting), by=user,
        kinds=[*MEETING_ITEMS, Kind.UNPLANNED_ENDING_WAIVER],  # held: no longer to be waived
    )  # fmt: skip
    item_open(
        organisation=meeting.authority, kind=Kind.STABILITY_MINUTES,
        title=routing.meeting_title(meeting), user=meeting.chair, due_at=meeting.minutes_due_at,
        note="Circulate the minutes: you chaired the meeting", key=routing.meeting_key(meeting),
        link=routing.meeting_link(meeting),
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="meeting_held", by=user,
        role=_roles_words(user, meeting.authority_id), meeting=meeting,
        detail={
            "held": when(meeting.held_at), "chair": meeting.chair.display_name,
            "minutes_due": when(meeting.minutes_due_at), "reference": meeting.reference,
        },
    )  # fmt: skip
    audit_change(
        user, "child", meeting.child, meeting.authority, f"{meeting.reference} held", request
    )
    audit_change(
        user, "household", meeting.household, meeting.household.provider,
        f"{meeting.reference} of child {meeting.child_id} held", request,
    )  # fmt: skip


# Circulating the minutes ---------------------------------------------------------------------------


def missing_sections(meeting):
    """What must be written before the minutes go out, one sentence each (003: the child's views
    as a minimum, the family's where the child is in regular contact; for an unplanned ending,
    the carer's and the child's feedback)."""
    labels = {key: label for key, label, *_ in vocabulary.sections_of(meeting.kind)}
    missing = [
        f"Write “{labels[key]}” before the minutes are circulated"
        for key in vocabulary.REQUIRED_SECTIONS[meeting.kind]
        if not (meeting.sections.get(key) or "").strip()
    ]
    if meeting.family_in_contact and not meeting.family_views.strip():
        missing.append(
            "Write the family's views before the minutes are circulated: the child is in "
            "regular contact with them"
        )
    return missing


def minutes_recipients(meeting):
    """Who the minutes go to: [(name, address, why)], each address once; the panel
    administrator's address where the policy holds one."""
    found, seen = [], set()

    def add(name, address, why):
        address = (address or "").strip()
        if address and address.casefold() not in seen:
            seen.add(address.casefold())
            found.append((name, address, why))

    for participant in selectors.participants_of(meeting):
        person = participant.user if participant.user and participant.user.is_active else None
        add(participant.name, participant.email or (person.email if person else ""),
            PARTS.get(participant.part, participant.part))  # fmt: skip
    for manager in selectors.fostering_team_managers(meeting.authority_id):
        add(manager.display_name, manager.email, "Fostering team manager")
    administrator = meeting.authority.policy.contact("review_panel_administrator")
    add("Children's Review Panel administrator", administrator, "For the panel's agenda")
    return found


def minutes_not_sent(meeting):
    """The invitees the minutes cannot reach: [(name, why)] for each with no email address and no
    Hearth account, so that the chair sends the minutes to them another way."""
    return [
        (participant.name, PARTS.get(participant.part, participant.part))
        for participant in selectors.participants_of(meeting)
        if not (participant.email or "").strip()
        and not (participant.user and participant.user.is_active)
    ]


def _minutes_email(meeting):
    page = link(reverse("stability_meeting", args=[meeting.pk]))
    pdf = link(reverse("stability_meeting_minutes", args=[meeting.pk]))
    words = meeting_words(meeting)
    subject = f"Minutes of {words}"
    body = "\n".join([
        f"The minutes of {words}, held on {day(meeting.held_at)}, have been circulated by the "
        "chair.", "", f"Read them in Hearth: {page}", "", f"The minutes as a PDF: {pdf}", "",
        _copy_without_hearth(meeting), "", NO_CHILD_NAMED,
    ])  # fmt: skip
    return subject, body


def _copy_without_hearth(meeting):
    """Where someone who does not sign in to Hearth (a carer, a school) gets the minutes: from the
    child's social worker, by the council's secure route, never in the email itself."""
    worker = meeting.child.social_worker
    if worker is None or not worker.is_active:
        return (
            "If you do not use Hearth, ask the council's children's social care team for a copy: "
            "it is sent by the council's secure route."
        )
    contact = f"{worker.display_name}" + (f" ({worker.email})" if worker.email else "")
    return (
        f"If you do not use Hearth, ask the child's social worker, {contact}, for a copy: it is "
        "sent by the council's secure route."
    )


@transaction.atomic
def minutes_circulate(*, user, meeting, expected_version, request=None):
    """The chair circulates the minutes of a held meeting (003: within 3 working days) once the
    required sections are written: to every participant with an email address or a Hearth
    account, the council's fostering team managers and the review panel administrator. The
    minutes are filed on the child's and the carers' records; the follow-ups begin
    (`follow_up.on_minutes_circulated`)."""
    from hearth.stability import follow_up

    # The placement, then the meeting, as an ending locks them: its `ended_on` read once locked.
    placement = Placement.objects.select_for_update(of=("self",)).get(pk=meeting.placement_id)
    meeting = _locked_meeting(meeting, expected_version)
    meeting.placement = placement
    refuse(permissions.why_not_circulate(user, meeting))
    refuse_if({}, "The minutes cannot be circulated yet", missing_sections(meeting))
    subject, body = _minutes_email(meeting)
    sent = email_queue_to(
        addresses=[address for _name, address, _why in minutes_recipients(meeting)],
        subject=subject, body=body,
    )  # fmt: skip
    meeting.status, meeting.circulated_at = Status.CIRCULATED, timezone.now()
    meeting.circulated_by, meeting.circulated_to = user, sent
    _saved(meeting, "status", "circulated_at", "circulated_by", "circulated_to")
    items_close_keyed(
        organisation=meeting.authority, key=routing.meeting_key(meeting), by=user,
        kinds=[Kind.STABILITY_MINUTES],
    )  # fmt: skip
    history.record(
        placement=meeting.placement, what="minutes_circulated", by=user,
        role=_roles_words(user, meeting.authority_id), meeting=meeting,
        detail={"count": str(len(sent)), "reference": meeting.reference},
    )  # fmt: skip
    follow_up.on_minutes_circulated(meeting=meeting, by=user)
    audit_change(
        user, "child", meeting.child, meeting.authority,
        f"minutes of {meeting.reference} circulated and filed", request,
    )  # fmt: skip
    audit_change(
        user, "household", meeting.household, meeting.household.provider,
        f"minutes of {meeting.reference} filed", request,
    )  # fmt: skip
    return meeting
