"""Recruiting foster carers (002, 004): an enquiry answered within 24 hours, the initial visit, the
recontact list, the application with its statutory checks, and the Form F assessment due within
20 weeks, each step in the household's fostering history."""

from datetime import date, datetime, timedelta

import pytest
import time_machine

from hearth.core.deadlines import LONDON
from hearth.fostering import recruitment
from hearth.fostering.models import Application, Enquiry, RecruitmentEvent
from hearth.people.models import Household
from hearth.trays.models import WorkItem

Kind = WorkItem.Kind
# Monday 1 March 2027, 10:00
NOW = datetime(2027, 3, 1, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()


def events(household):
    return list(RecruitmentEvent.objects.filter(household=household).values_list("event", "date"))


def enquire(wigan, by, **overrides):
    fields = {
        "by": by, "authority": wigan, "first_name": "Jo", "last_name": "Rowe",
        "received_at": NOW - timedelta(hours=2), "source": "phone",
    }  # fmt: skip
    return recruitment.enquiry_receive(**{**fields, **overrides})


def open_items(kind):
    return WorkItem.objects.filter(kind=kind, closed_at__isnull=True)


@time_machine.travel(NOW, tick=False)
def test_an_enquiry_creates_the_household_with_its_answer_due_in_24_hours(
    wigan, fostering_duty_worker
):
    enquiry = enquire(wigan, fostering_duty_worker, second_first_name="Sam")
    household = enquiry.household
    assert (household.reference, household.name, household.status) == (
        "ENQ-1", "Rowe household", Household.Status.ENQUIRY,
    )  # fmt: skip
    assert household.provider == wigan
    assert [str(c) for c in household.carers.all()] == ["Jo Rowe", "Sam Rowe"]
    assert enquiry.respond_by == NOW + timedelta(hours=22)
    assert events(household) == [("enquiry", TODAY)]
    item = open_items(Kind.ENQUIRY).get()
    assert item.assigned_role == "fostering_duty_worker"
    assert item.due_at == enquiry.respond_by
    assert enquire(wigan, fostering_duty_worker).household.reference == "ENQ-2"


@time_machine.travel(NOW, tick=False)
def test_an_enquiry_in_the_future_is_refused_and_nothing_written(wigan, fostering_duty_worker):
    with pytest.raises(recruitment.StepRefused) as refused:
        enquire(wigan, fostering_duty_worker, received_at=NOW + timedelta(hours=1))
    assert refused.value.field == "received_at"
    assert not Household.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_word_of_mouth_needs_the_referring_carers(wigan, fostering_duty_worker, household):
    with pytest.raises(recruitment.StepRefused):
        enquire(wigan, fostering_duty_worker, source="word_of_mouth")
    enquiry = enquire(wigan, fostering_duty_worker, source="word_of_mouth", referred_by=household)
    recruitment.enquiry_reward_paid(
        by=fostering_duty_worker, enquiry=enquiry, on=TODAY, expected_version=1
    )
    enquiry.refresh_from_db()
    assert enquiry.reward_paid_on == TODAY


@time_machine.travel(NOW, tick=False)
def test_the_first_contact_answers_the_enquiry_and_closes_its_tray_item(
    wigan, fostering_duty_worker
):
    enquiry = enquire(wigan, fostering_duty_worker)
    recruitment.enquiry_contact(
        by=fostering_duty_worker, enquiry=enquiry, method="call", at=NOW - timedelta(hours=1)
    )
    enquiry.refresh_from_db()
    assert enquiry.answered_at == NOW - timedelta(hours=1)
    assert not open_items(Kind.ENQUIRY).exists()
    assert not recruitment.enquiry_overdue(enquiry, NOW + timedelta(days=3))


@time_machine.travel(NOW, tick=False)
def test_an_unanswered_enquiry_is_overdue_after_24_hours(wigan, fostering_duty_worker):
    enquiry = enquire(wigan, fostering_duty_worker)
    assert not recruitment.enquiry_overdue(enquiry, NOW + timedelta(hours=21))
    assert recruitment.enquiry_overdue(enquiry, NOW + timedelta(hours=23))


@time_machine.travel(NOW, tick=False)
def test_the_initial_visit_held_is_in_the_history_and_not_in_the_future(
    wigan, fostering_duty_worker
):
    enquiry = enquire(wigan, fostering_duty_worker)
    assert recruitment.visit_aim(enquiry) == TODAY + timedelta(days=7)
    with pytest.raises(recruitment.StepRefused):
        recruitment.enquiry_visit_held(
            by=fostering_duty_worker, enquiry=enquiry, on=TODAY + timedelta(days=1),
            expected_version=1,
        )  # fmt: skip
    recruitment.enquiry_visit_held(
        by=fostering_duty_worker, enquiry=enquiry, on=TODAY, expected_version=1
    )
    assert events(enquiry.household) == [("enquiry", TODAY), ("initial_visit", TODAY)]


@time_machine.travel(NOW, tick=False)
def test_a_stale_edit_is_refused(wigan, fostering_duty_worker):
    enquiry = enquire(wigan, fostering_duty_worker)
    recruitment.enquiry_visit_book(
        by=fostering_duty_worker, enquiry=enquiry, at=NOW + timedelta(days=2), expected_version=1
    )
    with pytest.raises(recruitment.EditConflict):
        recruitment.enquiry_visit_book(
            by=fostering_duty_worker, enquiry=enquiry, at=NOW + timedelta(days=3),
            expected_version=1,
        )  # fmt: skip
    enquiry.refresh_from_db()
    assert enquiry.visit_booked_for == NOW + timedelta(days=2)


def test_someone_not_ready_is_contacted_again_after_12_months_once(wigan, fostering_duty_worker):
    with time_machine.travel(NOW, tick=False):
        enquiry = enquire(wigan, fostering_duty_worker)
        recruitment.enquiry_not_progressed(
            by=fostering_duty_worker, enquiry=enquiry, reason="not_ready", on=TODAY,
            expected_version=1,
        )  # fmt: skip
    enquiry.refresh_from_db()
    assert enquiry.recontact_on == date(2028, 3, 1)
    assert enquiry.outcome == Enquiry.Outcome.NOT_PROGRESSED
    assert enquiry.household.status == Household.Status.NOT_PROGRESSED
    assert not open_items(Kind.ENQUIRY).exists()
    assert recruitment.recontacts_due(datetime(2028, 2, 29, 9, tzinfo=LONDON)) == 0
    day = datetime(2028, 3, 1, 9, tzinfo=LONDON)
    assert recruitment.recontacts_due(day) == 1
    assert recruitment.recontacts_due(day) == 0
    assert open_items(Kind.ENQUIRY_RECONTACT).get().assigned_role == "fostering_duty_worker"
    with time_machine.travel(day, tick=False):
        recruitment.enquiry_recontacted(
            by=fostering_duty_worker, enquiry=enquiry, on=day.date(), expected_version=2
        )
    assert not open_items(Kind.ENQUIRY_RECONTACT).exists()


@time_machine.travel(NOW, tick=False)
def test_another_reason_puts_nobody_on_the_recontact_list(wigan, fostering_duty_worker):
    enquiry = enquire(wigan, fostering_duty_worker)
    recruitment.enquiry_not_progressed(
        by=fostering_duty_worker, enquiry=enquiry, reason="no_spare_room", on=TODAY,
        recontact_on=date(2028, 1, 1), expected_version=1,
    )  # fmt: skip
    enquiry.refresh_from_db()
    assert enquiry.recontact_on is None


@time_machine.travel(NOW, tick=False)
def test_an_application_needs_consent_to_the_checks(wigan, fostering_duty_worker):
    enquiry = enquire(wigan, fostering_duty_worker)
    with pytest.raises(recruitment.StepRefused) as refused:
        recruitment.application_receive(
            by=fostering_duty_worker, enquiry=enquiry, received_on=TODAY, consent_to_checks=False
        )
    assert refused.value.field == "consent_to_checks"
    assert not Application.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_an_application_lists_the_six_checks_and_the_last_one_back_closes_the_item(
    wigan, fostering_duty_worker
):
    enquiry = enquire(wigan, fostering_duty_worker)
    application = recruitment.application_receive(
        by=fostering_duty_worker, enquiry=enquiry, received_on=TODAY, consent_to_checks=True
    )
    household = Household.objects.get(pk=enquiry.household_id)
    assert household.status == Household.Status.APPLICATION
    assert events(household)[-1] == ("application", TODAY)
    kinds = sorted(application.checks.values_list("kind", flat=True))
    assert kinds == sorted(["dbs", "medical", "local_authority", "references", "ex_partners",
                            "employers"])  # fmt: skip
    assert open_items(Kind.STATUTORY_CHECKS).get().assigned_role == "fostering_team_manager"
    version = application.version
    check = application.checks.get(kind="dbs")
    with pytest.raises(recruitment.StepRefused) as refused:
        recruitment.check_update(
            by=fostering_duty_worker, check=check, requested_on=None, completed_on=TODAY,
            outcome="clear", note="", expected_version=version,
        )  # fmt: skip
    assert refused.value.field == "requested_on"
    for check in application.checks.all():
        recruitment.check_update(
            by=fostering_duty_worker, check=check, requested_on=TODAY, completed_on=TODAY,
            outcome="clear", note="", expected_version=version,
        )  # fmt: skip
        version += 1
    assert not open_items(Kind.STATUTORY_CHECKS).exists()


@time_machine.travel(NOW, tick=False)
def test_an_assessment_is_allocated_to_a_supervising_social_worker_and_due_in_20_weeks(
    wigan, fostering_duty_worker, supervising_social_worker
):
    enquiry = enquire(wigan, fostering_duty_worker)
    application = recruitment.application_receive(
        by=fostering_duty_worker, enquiry=enquiry, received_on=TODAY, consent_to_checks=True
    )
    with pytest.raises(recruitment.StepRefused) as refused:
        recruitment.assessment_begin(
            by=supervising_social_worker, application=application, kind="form_f",
            assessor=fostering_duty_worker, started_on=TODAY,
        )  # fmt: skip
    assert refused.value.field == "assessor"
    assessment = recruitment.assessment_begin(
        by=supervising_social_worker, application=application, kind="form_f",
        assessor=supervising_social_worker, started_on=TODAY,
    )  # fmt: skip
    assert assessment.due_on == TODAY + timedelta(weeks=20)
    assert recruitment.assessment_target_weeks(assessment) == 20
    assert assessment.household.status == Household.Status.IN_ASSESSMENT
    item = open_items(Kind.ASSESSMENT).get()
    assert item.assigned_user == supervising_social_worker
    assert events(assessment.household)[-1] == ("assessment_started", TODAY)
    assert not recruitment.assessment_overdue(assessment, assessment.due_on)
    assert recruitment.assessment_overdue(assessment, assessment.due_on + timedelta(days=1))


@time_machine.travel(NOW, tick=False)
def test_a_withdrawn_assessment_ends_the_application(
    wigan, fostering_duty_worker, supervising_social_worker
):
    enquiry = enquire(wigan, fostering_duty_worker)
    application = recruitment.application_receive(
        by=fostering_duty_worker, enquiry=enquiry, received_on=TODAY, consent_to_checks=True
    )
    assessment = recruitment.assessment_begin(
        by=supervising_social_worker, application=application, kind="form_f",
        assessor=supervising_social_worker, started_on=TODAY,
    )  # fmt: skip
    recruitment.assessment_stop(
        by=supervising_social_worker, assessment=assessment, on=TODAY, reason="withdrew",
        expected_version=assessment.version,
    )  # fmt: skip
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    household = Household.objects.get(pk=application.household_id)
    assert household.status == Household.Status.NOT_PROGRESSED
    assert events(household)[-1] == ("assessment_ended", TODAY)
    assert not open_items(Kind.ASSESSMENT).exists()


# Fix round 1 ---------------------------------------------------------------------------------------


def apply(wigan, by, **overrides):
    enquiry = enquire(wigan, by, **overrides)
    return recruitment.application_receive(
        by=by, enquiry=enquiry, received_on=TODAY, consent_to_checks=True
    )


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("ending, status", [("withdrawn", "withdrawn"), ("refused", "refused")])
def test_an_application_ends_while_its_checks_are_under_way(
    wigan, fostering_duty_worker, ending, status
):
    application = apply(wigan, fostering_duty_worker)
    assert open_items(Kind.STATUTORY_CHECKS).exists()
    recruitment.application_end(
        by=fostering_duty_worker, application=application, ending=ending,
        reason="changed_mind", on=TODAY, note="They moved away", expected_version=1,
    )  # fmt: skip
    application.refresh_from_db()
    assert (application.status, application.end_reason, application.ended_on) == (
        status, "changed_mind", TODAY,
    )  # fmt: skip
    household = Household.objects.get(pk=application.household_id)
    assert household.status == Household.Status.NOT_PROGRESSED
    # No "application ended" step exists in the history: the last step is still the application
    assert events(household)[-1] == ("application", TODAY)
    assert not open_items(Kind.STATUTORY_CHECKS).exists()
    assert "They moved away" in Enquiry.objects.get(pk=application.enquiry_id).notes


@time_machine.travel(NOW, tick=False)
def test_ending_an_application_is_refused_when_it_cannot_be_right(
    wigan, fostering_duty_worker, supervising_social_worker
):
    application = apply(wigan, fostering_duty_worker)
    end = dict(
        by=fostering_duty_worker, application=application, ending="withdrawn",
        reason="health", on=TODAY,
    )  # fmt: skip
    with pytest.raises(recruitment.StepRefused) as refused:
        recruitment.application_end(**{**end, "on": TODAY + timedelta(days=1)}, expected_version=1)
    assert refused.value.field == "ended_on"
    with pytest.raises(recruitment.EditConflict):
        recruitment.application_end(**end, expected_version=0)
    recruitment.assessment_begin(
        by=supervising_social_worker, application=application, kind="form_f",
        assessor=supervising_social_worker, started_on=TODAY,
    )  # fmt: skip
    application.refresh_from_db()
    with pytest.raises(recruitment.StepRefused, match="an assessment ends from its own page"):
        recruitment.application_end(**end, expected_version=application.version)
    application.refresh_from_db()
    assert application.status == Application.Status.ASSESSMENT


@time_machine.travel(NOW, tick=False)
def test_an_assessment_ended_leaves_the_application_as_lifecycle_says_and_closes_the_checks(
    wigan, fostering_duty_worker, supervising_social_worker
):
    application = apply(wigan, fostering_duty_worker)
    assessment = recruitment.assessment_begin(
        by=supervising_social_worker, application=application, kind="form_f",
        assessor=supervising_social_worker, started_on=TODAY,
    )  # fmt: skip
    assert open_items(Kind.STATUTORY_CHECKS).exists()
    recruitment.assessment_stop(
        by=supervising_social_worker, assessment=assessment, on=TODAY, reason="circumstances",
        expected_version=assessment.version,
    )  # fmt: skip
    application.refresh_from_db()
    # A change in circumstances withdraws the application (lifecycle's rule): not refused
    assert application.status == Application.Status.WITHDRAWN
    assert application.ended_on == TODAY
    assert not open_items(Kind.STATUTORY_CHECKS).exists()
    assert not open_items(Kind.ASSESSMENT).exists()


def _not_ready(wigan, by):
    with time_machine.travel(NOW, tick=False):
        enquiry = enquire(wigan, by)
        recruitment.enquiry_not_progressed(
            by=by, enquiry=enquiry, reason="not_ready", on=TODAY,
            recontact_on=TODAY + timedelta(days=30), expected_version=1,
        )  # fmt: skip
    assert recruitment.recontacts_due(NOW + timedelta(days=30)) == 1
    enquiry.refresh_from_db()
    return enquiry


def test_the_recontact_item_closes_when_they_apply(wigan, fostering_duty_worker):
    enquiry = _not_ready(wigan, fostering_duty_worker)
    assert open_items(Kind.ENQUIRY_RECONTACT).exists()
    with time_machine.travel(NOW + timedelta(days=31), tick=False):
        recruitment.application_receive(
            by=fostering_duty_worker, enquiry=enquiry, received_on=TODAY + timedelta(days=31),
            consent_to_checks=True,
        )  # fmt: skip
    assert not open_items(Kind.ENQUIRY_RECONTACT).exists()


def test_the_recontact_item_closes_when_they_do_not_go_on_after_all(wigan, fostering_duty_worker):
    enquiry = _not_ready(wigan, fostering_duty_worker)
    later = NOW + timedelta(days=31)
    with time_machine.travel(later, tick=False):
        recruitment.enquiry_not_progressed(
            by=fostering_duty_worker, enquiry=enquiry, reason="chose_agency", on=later.date(),
            expected_version=enquiry.version,
        )  # fmt: skip
    assert not open_items(Kind.ENQUIRY_RECONTACT).exists()
    enquiry.refresh_from_db()
    assert (enquiry.not_progressed_reason, enquiry.recontact_on) == ("chose_agency", None)
    assert recruitment.recontacts_due(later + timedelta(days=400)) == 0


def test_someone_still_not_ready_is_contacted_again_on_the_new_day(wigan, fostering_duty_worker):
    enquiry = _not_ready(wigan, fostering_duty_worker)
    later = NOW + timedelta(days=31)
    with time_machine.travel(later, tick=False):
        recruitment.enquiry_recontacted(
            by=fostering_duty_worker, enquiry=enquiry, on=later.date(),
            expected_version=enquiry.version,
        )  # fmt: skip
        enquiry.refresh_from_db()
        recruitment.enquiry_not_progressed(
            by=fostering_duty_worker, enquiry=enquiry, reason="not_ready", on=later.date(),
            recontact_on=later.date() + timedelta(days=60), expected_version=enquiry.version,
        )  # fmt: skip
    enquiry.refresh_from_db()
    assert enquiry.recontacted_on is None
    assert recruitment.recontacts_due(later + timedelta(days=59)) == 0
    assert recruitment.recontacts_due(later + timedelta(days=60)) == 1
    assert recruitment.recontacts_due(later + timedelta(days=60)) == 0
    item = open_items(Kind.ENQUIRY_RECONTACT).get()
    assert item.due_at.astimezone(LONDON).date() == later.date() + timedelta(days=60)
