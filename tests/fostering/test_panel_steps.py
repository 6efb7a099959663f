"""The panel's steps under concurrent edits and their tray items: one sitting a day, even when
another manager takes the day meanwhile; the agenda read with the sitting locked; the sitting's
version moved on by each piece of business added; the recommendation to record in the fostering
team managers' tray; safeguarding done by the day of the decision."""

from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse

from hearth.core.deadlines import LONDON
from hearth.fostering import panel
from hearth.fostering.common import EditConflict
from hearth.fostering.lifecycle import StepRefused
from hearth.fostering.models import Panel, PanelItem, Training
from hearth.trays.models import WorkItem
from tests.fixtures.fostering_panel import reported_assessment
from tests.screens import field_error

# Thursday 24 December 2026, 10:00
NOW = datetime(2026, 12, 24, 10, 0, tzinfo=LONDON)
TODAY = NOW.date()
TERMS = {"min_age": 0, "max_age": 10, "max_children": 2, "care_types": ["short_term"]}


def end_of(day):
    return datetime.combine(day, time(23, 59, 59), tzinfo=LONDON)


def recommendation_items():
    return WorkItem.objects.filter(kind=WorkItem.Kind.PANEL_RECOMMENDATION)


# One sitting a day ---------------------------------------------------------------------------------


def test_a_day_taken_meanwhile_is_refused_at_the_date(
    client, wigan, fostering_team_manager, monkeypatch
):
    sitting = Panel.objects.create(authority=wigan, sits_on=date(2027, 1, 7))
    day = date(2027, 1, 8)
    real_save = Panel.save

    def another_manager_takes_the_day_first(self, *args, **kwargs):
        # After the service's own check, just before its save.
        if self.pk == sitting.pk and not Panel.objects.filter(sits_on=day).exists():
            Panel.objects.bulk_create([Panel(authority=wigan, sits_on=day)])
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(Panel, "save", another_manager_takes_the_day_first)
    client.force_login(fostering_team_manager)
    response = client.post(
        reverse("fostering_panel_change", args=[sitting.pk]),
        {"version": sitting.version, "sits_on_day": "8", "sits_on_month": "1",
         "sits_on_year": "2027", "venue": "Hall"},
    )  # fmt: skip
    assert response.status_code == 200
    assert field_error(response, "sits_on") == "The panel already sits on 8 January 2027"
    sitting.refresh_from_db()
    assert (sitting.sits_on, sitting.venue) == (date(2027, 1, 7), "")


def test_changing_to_a_day_already_taken_is_refused_at_the_date(wigan, fostering_team_manager):
    sitting = Panel.objects.create(authority=wigan, sits_on=date(2027, 1, 7))
    Panel.objects.create(authority=wigan, sits_on=date(2027, 1, 8))
    with pytest.raises(StepRefused, match="already sits on 8 January 2027") as refused:
        panel.panel_change(
            by=fostering_team_manager, panel=sitting, sits_on=date(2027, 1, 8), venue="",
            chair="", expected_version=sitting.version,
        )  # fmt: skip
    assert refused.value.field == "sits_on"


# The agenda and the sitting's version ------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_adding_business_moves_the_sittings_version_on(wigan, fostering_team_manager):
    sitting = Panel.objects.create(authority=wigan, sits_on=TODAY + timedelta(days=7))
    opened_at = sitting.version
    panel.item_add(
        by=fostering_team_manager, panel=sitting, business="assessment",
        assessment=reported_assessment(wigan),
    )  # fmt: skip
    assert Panel.objects.get(pk=sitting.pk).version == opened_at + 1
    with pytest.raises(EditConflict):  # a change made on the page opened before
        panel.panel_change(
            by=fostering_team_manager, panel=sitting, sits_on=sitting.sits_on, venue="Hall",
            chair="", expected_version=opened_at,
        )  # fmt: skip


@time_machine.travel(NOW, tick=False)
def test_the_minutes_read_the_agenda_with_the_sitting_locked(
    wigan, fostering_team_manager, monkeypatch
):
    sitting = Panel.objects.create(authority=wigan, sits_on=TODAY)
    item = panel.item_add(
        by=fostering_team_manager, panel=sitting, business="assessment",
        assessment=reported_assessment(wigan),
    )  # fmt: skip
    panel.recommendation_record(
        by=fostering_team_manager, item=item, recommendation="approve", notes="", terms=TERMS,
        expected_version=item.version,
    )  # fmt: skip
    real = panel.claimed
    late = reported_assessment(wigan)

    def business_added_meanwhile(model, record, expected_version):
        if model is Panel:  # another manager adds business just before the lock is taken
            PanelItem.objects.create(
                panel_id=record.pk, household=late.household, business="assessment",
                assessment=late,
            )  # fmt: skip
        return real(model, record, expected_version)

    monkeypatch.setattr(panel, "claimed", business_added_meanwhile)
    sitting.refresh_from_db()
    with pytest.raises(StepRefused, match="recommendation on every item first"):
        panel.minutes_record(
            by=fostering_team_manager, panel=sitting, received_on=TODAY, minutes="",
            expected_version=sitting.version,
        )  # fmt: skip


# The recommendation in the fostering team managers' tray -----------------------------------------


@time_machine.travel(NOW, tick=False)
def test_business_on_the_agenda_puts_its_recommendation_in_the_managers_tray(
    wigan, fostering_team_manager
):
    sits_on = TODAY + timedelta(days=7)
    sitting = Panel.objects.create(authority=wigan, sits_on=sits_on)
    assessment = reported_assessment(wigan, name="Moss household")
    item = panel.item_add(
        by=fostering_team_manager, panel=sitting, business="assessment", assessment=assessment
    )

    tray = recommendation_items().get()
    assert (tray.assigned_role, tray.key, tray.closed_at) == (
        "fostering_team_manager", f"panel-recommendation:{item.pk}", None,
    )  # fmt: skip
    assert tray.title == "Record the panel's recommendation: Moss household"
    assert tray.due_at == end_of(sits_on)
    assert tray.link == reverse("fostering_panel_item", args=[item.pk])

    moved = sits_on + timedelta(days=1)
    sitting.refresh_from_db()
    panel.panel_change(
        by=fostering_team_manager, panel=sitting, sits_on=moved, venue="", chair="",
        expected_version=sitting.version,
    )  # fmt: skip
    tray.refresh_from_db()
    assert tray.due_at == end_of(moved)


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("recommendation", ["approve", "defer"])
def test_recording_the_recommendation_closes_its_tray_item(
    wigan, fostering_team_manager, recommendation
):
    sitting = Panel.objects.create(authority=wigan, sits_on=TODAY)
    item = panel.item_add(
        by=fostering_team_manager, panel=sitting, business="assessment",
        assessment=reported_assessment(wigan),
    )  # fmt: skip
    panel.recommendation_record(
        by=fostering_team_manager, item=item, recommendation=recommendation, notes="",
        terms=TERMS, expected_version=item.version,
    )  # fmt: skip
    assert recommendation_items().get().closed_at is not None


# Safeguarding by the day of the decision ---------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_safeguarding_must_be_done_on_or_before_the_day_of_the_decision(
    wigan, fostering_team_manager, agency_decision_maker
):
    yesterday = TODAY - timedelta(days=1)
    sitting = Panel.objects.create(authority=wigan, sits_on=yesterday)
    item = panel.item_add(
        by=fostering_team_manager, panel=sitting, business="assessment",
        assessment=reported_assessment(wigan),
    )  # fmt: skip
    with time_machine.travel(datetime(2026, 12, 23, 10, tzinfo=LONDON), tick=False):
        panel.recommendation_record(
            by=fostering_team_manager, item=item, recommendation="approve", notes="",
            terms=TERMS, expected_version=item.version,
        )  # fmt: skip
    sitting.refresh_from_db()
    panel.minutes_record(
        by=fostering_team_manager, panel=sitting, received_on=yesterday, minutes="",
        expected_version=sitting.version,
    )  # fmt: skip
    Training.objects.create(household=item.household, course="safeguarding", completed_on=TODAY)
    item.refresh_from_db()

    def decide(on):
        return panel.decision_record(
            by=agency_decision_maker, item=item, decision="approve", reason="Agreed.",
            decided_on=on, terms=TERMS, expected_version=item.version,
        )  # fmt: skip

    with pytest.raises(StepRefused, match=panel.SAFEGUARDING_NEEDED) as refused:
        decide(yesterday)
    assert refused.value.field == "decision"
    assert decide(TODAY).decision == "approve"
