"""The fostering front page's counts (`hearth.fostering.hub.fostering_hub`), counted from the
records with time frozen: each count and its overdue part, another council's records never
counted, and a fixed number of queries whatever the number of records."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from hearth.core.deadlines import LONDON
from hearth.fostering import hub as hub_module
from hearth.fostering import kinship, plans, support
from hearth.fostering.hub import fostering_hub
from hearth.fostering.models import (
    Allegation,
    AnnualReview,
    Application,
    Assessment,
    Enquiry,
    Panel,
    PanelItem,
    StatutoryCheck,
    SupportRequest,
    TemporaryApproval,
    ViabilityAssessment,
    Visit,
)
from hearth.people.models import Household
from tests.factories import ChildFactory, HouseholdFactory

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=LONDON)
TODAY = NOW.date()
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def _enquiry(authority, household, *, received, **fields):
    return Enquiry.objects.create(
        authority=authority, household=household, received_at=received, source="web",
        respond_by=received + 24 * HOUR, **fields,
    )  # fmt: skip


def _prospect(authority, status=Household.Status.ENQUIRY, **fields):
    return HouseholdFactory(provider=authority, status=status, approved_on=None, **fields)


def _hub(authority):
    with time_machine.travel(NOW, tick=False):
        return fostering_hub(authority, NOW)


def test_enquiries_waiting_and_overdue_are_counted(wigan):
    home = _prospect(wigan)
    _enquiry(wigan, home, received=NOW - 2 * HOUR)  # waiting, not yet due
    _enquiry(wigan, home, received=NOW - 30 * HOUR)  # waiting, overdue
    _enquiry(wigan, home, received=NOW - 30 * HOUR, answered_at=NOW - 10 * HOUR)  # answered
    hub = _hub(wigan)
    assert (hub.enquiries, hub.enquiries_overdue) == (2, 1)


def test_recontacts_due_are_those_whose_date_has_come_and_not_yet_contacted(wigan):
    home = _prospect(wigan, Household.Status.NOT_PROGRESSED)
    not_ready = {"outcome": "not_progressed", "not_progressed_reason": "not_ready"}
    _enquiry(wigan, home, received=NOW - 400 * DAY, recontact_on=TODAY, **not_ready)
    _enquiry(wigan, home, received=NOW - 400 * DAY, recontact_on=TODAY + DAY, **not_ready)
    _enquiry(
        wigan, home, received=NOW - 400 * DAY, recontact_on=TODAY - DAY,
        recontacted_on=TODAY - DAY, **not_ready,
    )  # fmt: skip
    assert _hub(wigan).recontacts_due == 1


def test_applications_with_any_check_outstanding_are_counted(wigan):
    home = _prospect(wigan, Household.Status.APPLICATION)
    waiting = Application.objects.create(authority=wigan, household=home, received_on=TODAY)
    StatutoryCheck.objects.create(application=waiting, kind="dbs", completed_on=TODAY)
    StatutoryCheck.objects.create(application=waiting, kind="medical")
    done = Application.objects.create(authority=wigan, household=home, received_on=TODAY)
    StatutoryCheck.objects.create(application=done, kind="dbs", completed_on=TODAY)
    assert _hub(wigan).applications_checks_outstanding == 1


def test_assessments_overdue_count_the_extension_where_there_is_one(wigan):
    home = _prospect(wigan, Household.Status.IN_ASSESSMENT)
    started = TODAY - 30 * 7 * DAY

    def assessment(**fields):
        Assessment.objects.create(authority=wigan, household=home, started_on=started, **fields)

    assessment(due_on=TODAY - DAY)  # overdue
    assessment(due_on=TODAY - DAY, extended_to=TODAY + 20 * DAY)  # extended: not overdue
    assessment(due_on=TODAY + DAY, status="at_panel")
    assessment(due_on=TODAY - DAY, status="approved")  # finished: not counted
    hub = _hub(wigan)
    assert (hub.assessments, hub.assessments_overdue) == (3, 1)


def test_next_panels_and_decisions_due(wigan):
    home = _prospect(wigan, Household.Status.IN_ASSESSMENT)
    past = Panel.objects.create(authority=wigan, sits_on=TODAY - 10 * DAY)
    for days in (1, 8, 15, 22):
        Panel.objects.create(authority=wigan, sits_on=TODAY + days * DAY)
    PanelItem.objects.create(
        panel=past, household=home, business="assessment", recommendation="approve",
        decision_due_on=TODAY - DAY,
    )  # fmt: skip
    PanelItem.objects.create(
        panel=past, household=home, business="assessment", recommendation="approve",
        decision_due_on=TODAY + 2 * DAY,
    )  # fmt: skip
    PanelItem.objects.create(
        panel=past, household=home, business="assessment", recommendation="approve",
        decision_due_on=TODAY - DAY, decision="approve", decided_on=TODAY - DAY,
    )  # fmt: skip
    # Business whose subject has gone (the assessment ended, the carers left) is withdrawn:
    # neither due for a decision nor on the next sitting's agenda.
    PanelItem.objects.create(
        panel=past, household=home, business="assessment", recommendation="approve",
        decision_due_on=TODAY - DAY, withdrawn_on=TODAY - DAY, withdrawn_reason="Withdrew",
    )  # fmt: skip
    upcoming = Panel.objects.get(authority=wigan, sits_on=TODAY + DAY)
    PanelItem.objects.create(panel=upcoming, household=home, business="assessment")
    PanelItem.objects.create(
        panel=upcoming, household=home, business="assessment", withdrawn_on=TODAY,
        withdrawn_reason="Withdrew",
    )  # fmt: skip
    hub = _hub(wigan)
    assert [panel.sits_on for panel in hub.panels] == [TODAY + d * DAY for d in (1, 8, 15)]
    assert [panel.items_count for panel in hub.panels] == [1, 0, 0]
    assert (hub.decisions_due, hub.decisions_overdue) == (2, 1)


def test_kinship_flags_are_those_of_the_kinship_list(wigan):
    """`kinship.flagged`: no named child, or the full assessment past its date, the extended date
    where Regulation 25 extended it (an extension moves the approval's `assessment_due_on`)."""
    home = _prospect(wigan, Household.Status.TEMPORARY)
    child = ChildFactory(authority=wigan)
    ViabilityAssessment.objects.create(
        authority=wigan, child=child, household=home, relationship="Aunt", requested_at=NOW
    )

    def assessment(**fields):
        return Assessment.objects.create(
            authority=wigan, household=home, kind="form_k", started_on=TODAY - 30 * 7 * DAY,
            due_on=TODAY - 10 * 7 * DAY, **fields,
        )  # fmt: skip

    def approval(**fields):
        TemporaryApproval.objects.create(
            authority=wigan, household=home, approved_on=TODAY - 30 * 7 * DAY, **fields
        )

    approval(child=None, assessment_due_on=TODAY + 30 * DAY)  # flagged: no named child
    approval(child=child, assessment=assessment(), assessment_due_on=TODAY - DAY)  # flagged: late
    extended = assessment(extended_to=TODAY + 30 * DAY)
    approval(child=child, assessment=extended, assessment_due_on=TODAY + 30 * DAY)  # extended
    late_again = assessment(extended_to=TODAY - DAY)
    approval(child=child, assessment=late_again, assessment_due_on=TODAY - DAY)  # flagged: late
    approval(child=child, assessment_due_on=TODAY + DAY)  # fine
    approval(child=None, assessment_due_on=TODAY - DAY, ended_on=TODAY - 2 * DAY)  # ended
    hub = _hub(wigan)
    assert (hub.viability_open, hub.kinship_flagged) == (1, 3)
    listed = kinship.approvals_shown(kinship.temporary_approvals([wigan.pk]), TODAY)
    assert hub.kinship_flagged == sum(
        kinship.flagged(row["approval"], TODAY) for row in listed if row["open"]
    )


def test_visits_overdue_by_the_policy_interval(wigan):
    # Approved long ago: 8-weekly; last visited 9 weeks ago -> overdue.
    late = HouseholdFactory(provider=wigan, approved_on=date(2020, 1, 1))
    Visit.objects.create(
        authority=wigan, household=late, kind="supervisory", visited_at=NOW - 63 * DAY,
        record_due_at=NOW - 61 * DAY, to_carer_due_at=NOW, children_present=True,
    )  # fmt: skip
    # Settled long-term: 12-weekly; last visited 9 weeks ago -> not overdue.
    settled = HouseholdFactory(provider=wigan, approved_on=date(2020, 1, 1), settled_long_term=True)
    Visit.objects.create(
        authority=wigan, household=settled, kind="supervisory", visited_at=NOW - 63 * DAY,
        record_due_at=NOW, to_carer_due_at=NOW, recorded_at=NOW,
    )  # fmt: skip
    # Temporary approval: 4-weekly, approved 5 weeks ago with no visit -> overdue.
    HouseholdFactory(
        provider=wigan, status=Household.Status.TEMPORARY, approved_on=TODAY - 35 * DAY
    )
    hub = _hub(wigan)
    assert hub.visits_overdue == 2
    # No unannounced visit anywhere: 6 months from approval, in 2020 for two (overdue), five
    # weeks ago for the temporary approval (not yet).
    assert hub.unannounced_overdue == 2
    assert hub.visit_records_overdue == 1  # `late`'s visit, recorded nowhere, due by now


def test_the_visit_rule_is_the_support_lists_own(wigan):
    """The hub keeps no rule of its own: a household visited 5 weeks ago is overdue when the
    visits list's rule says every 4 weeks (here: new carers) and not when it says 8."""
    assert not hasattr(hub_module, "visit_interval_weeks")
    new = HouseholdFactory(provider=wigan, approved_on=TODAY - 100 * DAY)
    standard = HouseholdFactory(provider=wigan, approved_on=date(2020, 1, 1))
    for home in (new, standard):
        Visit.objects.create(
            authority=wigan, household=home, kind="supervisory", visited_at=NOW - 35 * DAY,
            record_due_at=NOW, to_carer_due_at=NOW, recorded_at=NOW,
        )  # fmt: skip
    assert [support.visit_interval_weeks(h, TODAY) for h in (new, standard)] == [4, 8]
    assert _hub(wigan).visits_overdue == 1


def test_reviews_holds_requests_allegations_and_plan_actions(wigan, fostering_team_manager):
    due_soon = HouseholdFactory(provider=wigan)
    Household.objects.filter(pk=due_soon.pk).update(review_due_at=NOW + 20 * DAY)
    late = HouseholdFactory(provider=wigan)
    Household.objects.filter(pk=late.pk).update(review_due_at=NOW - DAY)
    far = HouseholdFactory(provider=wigan)
    Household.objects.filter(pk=far.pk).update(review_due_at=NOW + 200 * DAY)
    held = HouseholdFactory(
        provider=wigan, status=Household.Status.ON_HOLD, hold_reason="allegation"
    )
    SupportRequest.objects.create(
        authority=wigan, household=held, received_at=NOW - 30 * HOUR, about="Respite",
        respond_by=NOW - 6 * HOUR,
    )  # fmt: skip
    SupportRequest.objects.create(
        authority=wigan, household=held, received_at=NOW - HOUR, about="Uniform",
        respond_by=NOW + 23 * HOUR,
    )  # fmt: skip
    Allegation.objects.create(authority=wigan, household=held, received_on=TODAY, summary="x")
    Allegation.objects.create(
        authority=wigan, household=held, received_on=TODAY, summary="y", closed_on=TODAY
    )
    plan = plans.plan_create(by=fostering_team_manager, authority=wigan, title="Plan")
    for rag, due in (("red", TODAY - DAY), ("complete", TODAY - DAY), ("green", TODAY + DAY)):
        plans.action_add(
            by=fostering_team_manager, plan=plan, objective="Grow", action="Act", lead="Lead",
            due_on=due, success="Done", rag=rag,
        )  # fmt: skip
    # A Regulation 24 approval's review_due_at is its assessment's deadline: not a review.
    temporary = HouseholdFactory(provider=wigan, status=Household.Status.TEMPORARY)
    Household.objects.filter(pk=temporary.pk).update(review_due_at=NOW - DAY)
    # A first review held and waiting for the panel is not overdue.
    waiting = HouseholdFactory(provider=wigan)
    Household.objects.filter(pk=waiting.pk).update(review_due_at=NOW - 2 * DAY)
    AnnualReview.objects.create(
        authority=wigan, household=waiting, due_on=TODAY - 2 * DAY, first=True, status="held",
        held_on=TODAY - 3 * DAY,
    )  # fmt: skip
    hub = _hub(wigan)
    assert (hub.reviews_due, hub.reviews_overdue, hub.reviews_waiting) == (3, 1, 1)
    listed = support.reviews_due(wigan, TODAY)
    assert (hub.reviews_due, hub.reviews_overdue) == (len(listed), listed.overdue)
    assert hub.on_hold == 1
    assert (hub.support_requests, hub.support_requests_overdue) == (2, 1)
    assert hub.allegations_open == 1
    assert hub.plan_actions_overdue == 1


def test_another_councils_records_are_not_counted(wigan, trafford):
    home = _prospect(trafford)
    _enquiry(trafford, home, received=NOW - 30 * HOUR)
    HouseholdFactory(provider=trafford, status=Household.Status.ON_HOLD, hold_reason="illness")
    hub = _hub(wigan)
    assert (hub.enquiries, hub.on_hold) == (0, 0)


@pytest.mark.parametrize("households", [1, 6])
def test_it_counts_in_a_fixed_number_of_queries(wigan, households, django_assert_num_queries):
    for _ in range(households):
        home = HouseholdFactory(provider=wigan)
        _enquiry(wigan, home, received=NOW - 30 * HOUR)
        Visit.objects.create(
            authority=wigan, household=home, kind="supervisory", visited_at=NOW - 63 * DAY,
            record_due_at=NOW, to_carer_due_at=NOW,
        )  # fmt: skip
    wigan.policy  # the policy is read once, before
    with django_assert_num_queries(14):
        _hub(wigan)
