"""The demo fostering records (`hearth.fostering.seed`): a history consistent with the households'
statuses, approvals and placements, work in hand on every list, and nothing seeded twice."""

from datetime import time, timedelta

import pytest
from django.urls import resolve
from django.utils import timezone

from hearth.core.deadlines import LONDON
from hearth.fostering.models import (
    ActionPlan,
    Allegation,
    Application,
    Assessment,
    ComparatorFigure,
    ComparatorSeries,
    Enquiry,
    Exit,
    Hold,
    PanelItem,
    RecruitmentEvent,
    TemporaryApproval,
    ViabilityAssessment,
    Visit,
)
from hearth.fostering.seed import seed_fostering
from hearth.people.models import Household
from hearth.people.seed import seed
from hearth.placements.models import Placement
from hearth.trays.models import WorkItem

Kind = RecruitmentEvent.Kind


@pytest.fixture
def council(db):
    seed(authorities=1, children=50, households=14, agencies=2)
    from hearth.core.models import Organisation

    return Organisation.objects.get(ons_code="E08000010")


def _events(council, kind):
    return RecruitmentEvent.objects.filter(authority=council, event=kind)


def test_each_approval_is_in_the_history_on_its_day(council):
    approved = Household.objects.filter(
        provider=council, status__in=["approved", "on_hold", "deregistered"]
    )
    assert approved.exists()
    for household in approved:
        days = list(_events(council, Kind.APPROVED).filter(household=household).values_list(
            "date", flat=True
        ))  # fmt: skip
        assert days == [household.approved_on]
        assert _events(council, Kind.ENQUIRY).filter(household=household).exists()


def test_holds_exits_and_placements_match_the_records(council):
    for household in Household.objects.filter(provider=council, status="on_hold"):
        assert Hold.objects.get(household=household, ended_on=None).reason == household.hold_reason
        assert _events(council, Kind.ON_HOLD).filter(household=household).exists()
    assert Allegation.objects.filter(authority=council, lado_consulted_on__isnull=False).exists()
    for household in Household.objects.filter(provider=council, status="deregistered"):
        exit_ = Exit.objects.get(household=household)
        event = _events(council, Kind.EXITED).get(household=household)
        assert (event.date, event.reason) == (exit_.exited_on, exit_.reason)
    placements = Placement.objects.filter(household__provider=council)
    assert _events(council, Kind.PLACEMENT_STARTED).count() == placements.count()
    assert (
        _events(council, Kind.PLACEMENT_ENDED).count()
        == placements.filter(ended_on__isnull=False).count()
    )


def test_households_approved_today_are_those_the_history_counts(council):
    """The monthly figures' `households` on today's date, counted from the history, is the number
    of households approved and not left (Regulation 24 approvals are not full approvals)."""
    today = timezone.localdate()
    latest = {}
    for event in RecruitmentEvent.objects.filter(
        authority=council, event__in=[Kind.APPROVED, Kind.EXITED], date__lte=today
    ).order_by("date", "pk"):
        latest[event.household_id] = event.event
    counted = sum(kind == Kind.APPROVED for kind in latest.values())
    assert (
        counted
        == Household.objects.filter(provider=council, status__in=["approved", "on_hold"]).count()
    )


def test_work_in_hand_for_every_list(council):
    now = timezone.now()
    open_enquiries = Enquiry.objects.filter(authority=council, outcome="open")
    assert open_enquiries.filter(answered_at__isnull=True, respond_by__lt=now).exists()
    assert open_enquiries.filter(answered_at__isnull=False).exists()
    assert Enquiry.objects.filter(authority=council, not_progressed_reason="not_ready").exists()
    waiting = Application.objects.filter(authority=council, status="checks")
    assert waiting.exists()
    assert all(0 < a.checks.filter(completed_on__isnull=False).count() < 6 for a in waiting)
    today = timezone.localdate()
    assert Assessment.objects.filter(authority=council, status="in_progress", due_on__lt=today)
    for approval in TemporaryApproval.objects.filter(authority=council):
        assert approval.child_id is not None
        assert approval.assessment.due_on == approval.assessment_due_on
    awaiting = PanelItem.objects.filter(panel__authority=council, decision="")
    assert awaiting.filter(recommendation="approve", decision_due_on__isnull=False).exists()
    plan = ActionPlan.objects.get(authority=council)
    assert plan.actions.filter(due_on__lt=today).exclude(rag="complete").exists()
    assert set(ComparatorSeries.objects.filter(authority=council).values_list("name", flat=True)) == {
        "Stockport", "Salford", "Bury", "Greater Manchester"
    }  # fmt: skip
    assert ComparatorFigure.objects.filter(series__authority=council).count() == 4 * 24 * 8


def test_enquiries_each_month_as_the_council_reports(council):
    today = timezone.localdate()
    start = today - timedelta(days=365)
    enquiries = _events(council, Kind.ENQUIRY).filter(date__gt=start).count()
    assert 12 * 15 * 0.15 <= enquiries <= 12 * 25  # scaled to the council's size


def test_seeding_again_adds_nothing(council):
    before = RecruitmentEvent.objects.count(), Household.objects.count()
    assert seed_fostering(council) == 0
    assert (RecruitmentEvent.objects.count(), Household.objects.count()) == before


def _open_items(council, kind):
    items = WorkItem.objects.filter(organisation=council, kind=kind, closed_at__isnull=True)
    return {item.key: item for item in items}


def test_every_application_has_its_six_checks_and_those_ended_say_why_and_when(council):
    applications = Application.objects.filter(authority=council).prefetch_related("checks")
    assert applications.filter(status__in=["withdrawn", "refused"]).exists()
    today = timezone.localdate()
    for application in applications:
        checks = list(application.checks.all())
        assert sorted(c.kind for c in checks) == sorted(
            ["dbs", "medical", "local_authority", "references", "ex_partners", "employers"]
        )
        last = application.ended_on or today
        assert all(c.completed_on <= last for c in checks if c.completed_on)
        if application.status in ("withdrawn", "refused"):
            assert application.end_reason and application.ended_on
            assert application.enquiry.outcome == "applied"
        else:
            assert not application.end_reason and application.ended_on is None


def test_the_work_in_hand_waits_in_the_trays_as_the_services_put_it(council):
    """Each record waiting for work has its tray item, keyed as its service keys it, in the
    tray of whoever the service gives it to, linked to the page where the work is done."""
    visits = _open_items(council, "visit_record")
    waiting = Visit.objects.filter(authority=council, sent_to_carer_on__isnull=True)
    assert waiting.exists() and set(visits) == {f"visit:{v.pk}" for v in waiting}
    for visit in waiting:
        assert visits[f"visit:{visit.pk}"].assigned_user_id == visit.by_id
    assessments = _open_items(council, "assessment")
    under_way = Assessment.objects.filter(
        authority=council, status="in_progress", report_completed_on__isnull=True
    )
    assert under_way.filter(kind="form_k").exists() and under_way.filter(kind="form_f").exists()
    assert set(assessments) == {f"assessment:{a.pk}" for a in under_way}
    for assessment in under_way:
        assert assessments[f"assessment:{assessment.pk}"].assigned_user_id == assessment.assessor_id
    checks = _open_items(council, "statutory_checks")
    outstanding = Application.objects.filter(
        authority=council, status__in=["checks", "assessment"], checks__completed_on__isnull=True
    ).distinct()
    assert outstanding.filter(status="checks").exists()
    assert set(checks) == {f"application:{a.pk}" for a in outstanding}
    viabilities = _open_items(council, "viability_assessment")
    asked = ViabilityAssessment.objects.filter(authority=council, status="requested")
    assert asked.exists() and set(viabilities) == {f"viability:{v.pk}" for v in asked}
    pages = {
        "enquiry": "fostering_enquiry", "statutory_checks": "fostering_application",
        "assessment": "fostering_assessment", "viability_assessment": "fostering_viability",
        "visit_record": "fostering_visit", "support_request": "fostering_support_request",
        "adm_decision": "fostering_decision", "panel_recommendation": "fostering_panel_item",
    }  # fmt: skip
    items = WorkItem.objects.filter(organisation=council, kind__in=pages, closed_at__isnull=True)
    assert {item.kind for item in items} == set(pages)
    for item in items:
        match = resolve(item.link)
        assert match.url_name == pages[item.kind], item.link
        assert item.key.endswith(f":{match.kwargs['pk']}")


def test_regulation_24_carers_are_approved_for_kinship_care_of_their_named_child(council):
    """As `kinship.temporary_approve` sets the terms: care type kinship, the child named."""
    temporary = Household.objects.filter(provider=council, status="temporary")
    assert temporary.exists()
    for household in temporary:
        assert household.care_types == ["kinship"]
        approval = TemporaryApproval.objects.get(household=household, ended_on=None)
        assert approval.child in household.named_children.all()


def test_each_form_k_assessment_has_its_application_and_six_checks(council):
    """As the kinship path starts a Form K assessment: an application in assessment, received on
    the start day with consent, its six checks; no `application` step in the history."""
    form_k = Assessment.objects.filter(authority=council, kind="form_k")
    assert form_k.exists()
    for assessment in form_k.select_related("application"):
        application = assessment.application
        assert application is not None and application.household_id == assessment.household_id
        assert (application.status, application.received_on) == (
            "assessment", assessment.started_on
        )  # fmt: skip
        assert application.consent_to_checks and application.checks.count() == 6
        assert (
            not _events(council, Kind.APPLICATION)
            .filter(household=assessment.household, date=assessment.started_on)
            .exists()
        )


def test_the_panel_recommendation_waits_only_for_business_without_one(council):
    """As `panel.item_add` opens it: for business on an agenda not yet recommended, due at the
    end of the sitting's day; none for business already recommended."""
    items = _open_items(council, "panel_recommendation")
    waiting = PanelItem.objects.filter(
        panel__authority=council, recommendation="", withdrawn_on__isnull=True
    ).select_related("panel")
    assert waiting.exists()
    assert PanelItem.objects.filter(panel__authority=council).exclude(recommendation="").exists()
    assert set(items) == {f"panel-recommendation:{item.pk}" for item in waiting}
    for item in waiting:
        due = items[f"panel-recommendation:{item.pk}"].due_at.astimezone(LONDON)
        assert (due.date(), due.time()) == (item.panel.sits_on, time(23, 59, 59))
