"""The child's record's part of the children looked after return: legal status and its changes,
episodes, the header's details, reviews, missing episodes, outcomes, adoption, previous
permanence and social worker episodes, with links to record each (for those who may record) and
what would fail the DfE's rules for the child (the latest data quality check of the current
collection year)."""

from django import template
from django.template.loader import render_to_string

from hearth.placements import codes
from hearth.ssda903 import permissions, quality, recording
from hearth.ssda903.models import (
    AdoptionDecision,
    CareLeaverOutcome,
    Episode,
    HealthOutcome,
    MissingEpisode,
    PlacedForAdoption,
    PreviousPermanence,
    Review,
    SocialWorkerEpisode,
)

register = template.Library()


def _day(value):
    return recording.day_words(value)


def _code(codes_, code):
    return recording.label(codes_, code) if code else "Not recorded"


def _episodes(child):
    return [
        {
            "decom": _day(e.decom), "dec": _day(e.dec) or "Open", "rne": _code(codes.RNE, e.rne),
            "ls": e.ls, "place": _code(codes.PLACE_KNOWN, e.place), "rec": e.rec,
            "reason_place_change": e.reason_place_change,
            "source": "Hearth" if e.source == Episode.Source.HEARTH else "Imported",
        }
        for e in Episode.objects.filter(child=child).order_by("decom", "pk")
    ]  # fmt: skip


def _details(child):
    record = recording.child_return_of(child)
    rows = [
        ("UPN", record.upn or "Not recorded"),
        ("Category of need (CIN)", _code(recording.CATEGORY_OF_NEED, record.category_of_need)),
    ]
    if child.sex == "F":
        rows.append(("Mother (MOTHER)", _code(recording.MOTHER, record.mother)))
        if record.mother == "1":
            rows.append(("Her child's date of birth (MC_DOB)", _day(record.mc_dob)))
    uasc = "Yes" if record.uasc else "No"
    if record.uasc and record.uasc_ceased_on:
        uasc += f", until {_day(record.uasc_ceased_on)} (DUC)"
    rows.append(("Unaccompanied asylum seeker (UASC)", uasc))
    return rows


def _rows(model, child, order):
    return list(model.objects.filter(child=child).order_by(*order, "pk"))


def _outcome_items(outcome):
    items = []
    if outcome.sdq_score:
        items.append(f"SDQ score {outcome.sdq_score}")
    elif outcome.sdq_reason:
        items.append(recording.label(recording.SDQ_REASON, outcome.sdq_reason))
    for field, words in recording.OC2_ITEMS.items():
        value = getattr(outcome, field)
        if value:
            items.append(f"{words.split(':')[0]} {recording.YES_NO[value].lower()}")
    return "; ".join(items) or "Nothing recorded"


def _problems(child):
    """The child's failures in the latest data quality check of the current year (one small query;
    the check's failures are read once per process: `quality.child_problems`)."""
    return quality.child_problems(child)


def shown(child, user):
    """Everything the record's return part shows, formatted."""
    reviews = _rows(Review, child, ["-reviewed_on"])
    missing = _rows(MissingEpisode, child, ["-started_on"])
    return {
        "child": child,
        "may_record": permissions.may_record(user, child),
        "legal_status": recording.label(recording.LEGAL_STATUSES, child.legal_status),
        "looked_after": recording.is_looked_after(child),
        "changes": [
            {"on": _day(c.changed_on), "before": c.previous_status, "after": c.legal_status}
            for c in child.legal_status_changes.order_by("-changed_on", "-pk")
        ],
        "episodes": _episodes(child),
        "details": _details(child),
        "reviews": [
            {
                "pk": r.pk,
                "on": _day(r.reviewed_on),
                "code": recording.label(recording.REVIEW_CODE, r.participation),
            }
            for r in reviews
        ],  # fmt: skip
        "missing": [
            {
                "pk": m.pk,
                "kind": recording.label(recording.MISSING, m.kind),
                "from": _day(m.started_on),
                "to": _day(m.ended_on) or "Still missing or away",
                "open": m.ended_on is None,
            }
            for m in missing
        ],  # fmt: skip
        "health": [
            {"pk": o.pk, "year": f"{o.year} to {o.year + 1}", "items": _outcome_items(o)}
            for o in _rows(HealthOutcome, child, ["-year"])
        ],
        "leaving": [
            {
                "pk": o.pk,
                "year": f"{o.year} to {o.year + 1}",
                "in_touch": recording.label(recording.IN_TOUCH, o.in_touch),
                "activity": recording.label(recording.ACTIVITY, o.activity),
                "accommodation": recording.label(recording.ACCOMMODATION, o.accommodation),
            }
            for o in _rows(CareLeaverOutcome, child, ["-year"])
        ],  # fmt: skip
        "adoption": [
            {
                "pk": a.pk,
                "decided": _day(a.decided_on) or "Not recorded",
                "matched": _day(a.matched_on) or "Not recorded",
                "adopters": ", ".join(
                    v
                    for v in (a.number_of_adopters, a.sex_of_adopters, a.legal_status_of_adopters)
                    if v
                )
                or "Not yet known",
            }
            for a in _rows(AdoptionDecision, child, [])
        ],  # fmt: skip
        "placed_for_adoption": [
            {
                "pk": p.pk,
                "placed": _day(p.placed_on),
                "ceased": _day(p.ceased_on),
                "reason": recording.label(recording.REASON_PLACED_CEASED, p.reason_ceased)
                if p.reason_ceased
                else "",
            }
            for p in _rows(PlacedForAdoption, child, ["-placed_on"])
        ],  # fmt: skip
        "permanence": [
            {
                "pk": p.pk,
                "code": recording.label(recording.PREVIOUS_PERMANENCE, p.previous_permanence),
                "la": p.la_perm,
                "date": p.date_perm,
            }
            for p in _rows(PreviousPermanence, child, [])
        ],  # fmt: skip
        "social_workers": [
            {
                "id": s.social_worker_id,
                "from": _day(s.started_on),
                "to": _day(s.ended_on),
                "reason": recording.label(recording.SW_REASON, s.reason) if s.reason else "",
            }
            for s in _rows(SocialWorkerEpisode, child, ["-started_on"])
        ],  # fmt: skip
        "problems": _problems(child),
    }


@register.simple_tag(takes_context=True)
def child_return(context, child):
    request = context.get("request")
    if request is None:
        return ""
    return render_to_string(
        "ssda903/child/section.html", shown(child, request.user), request=request
    )


@register.filter
def split_list(text):
    return text.split(",")


@register.filter
def item(mapping, key):
    return mapping.get(key, "")
