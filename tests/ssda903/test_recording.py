"""Recording the return's details of a child: legal status changes and their episodes, the
header's details, the return's rows, and social worker episodes kept on reallocation."""

from datetime import date

import pytest
import time_machine

from hearth.accounts.roles import Role
from hearth.audit.models import AuditEvent
from hearth.people.forms import ChildForm
from hearth.people.services import EditConflict, child_update
from hearth.ssda903 import recording
from hearth.ssda903.models import (
    ChildReturn,
    Episode,
    HealthOutcome,
    LegalStatusChange,
    Review,
    SocialWorkerEpisode,
)
from tests.factories import ChildFactory, member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mid_january():
    with time_machine.travel("2026-01-15 10:00 +00:00", tick=False):
        yield


def _episodes(child):
    return [
        (e.decom, e.rne, e.ls, e.dec, e.rec)
        for e in Episode.objects.filter(child=child).order_by("decom", "pk")
    ]


# Legal status -------------------------------------------------------------------------------


def test_legal_status_change_ends_the_episode_x1_and_starts_an_l_episode(
    in_care_since_june, child, social_worker
):
    recording.change_legal_status(
        user=social_worker, child=child, legal_status="C2", changed_on=date(2025, 9, 1)
    )
    assert _episodes(child) == [
        (date(2025, 6, 1), "S", "C1", date(2025, 9, 1), "X1"),
        (date(2025, 9, 1), "L", "C2", None, ""),
    ]
    child.refresh_from_db()
    assert child.legal_status == "C2"
    change = LegalStatusChange.objects.get(child=child)
    assert (change.previous_status, change.recorded_by) == ("C1", social_worker)
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, record_id=str(child.pk))
    assert "C1 to C2" in event.detail


@pytest.mark.parametrize(
    ("changed_on", "status", "field", "words"),
    [
        (date(2025, 5, 1), "C2", "changed_on", "was not looked after"),
        (date(2025, 6, 1), "C2", "changed_on", "started on 1 June 2025"),
        (date(2026, 2, 1), "C2", "changed_on", "today or in the past"),
        (date(2025, 9, 1), "C1", "legal_status", "already C1"),
        (date(2025, 9, 1), "V3", "legal_status", "short breaks"),
        (date(2025, 9, 1), "ZZ", "legal_status", "choose the child's new legal status"),
    ],
)
def test_legal_status_change_refused_at_the_field(
    in_care_since_june, child, social_worker, changed_on, status, field, words
):
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.change_legal_status(
            user=social_worker, child=child, legal_status=status, changed_on=changed_on
        )
    assert words in refused.value.problems[field]
    assert not LegalStatusChange.objects.exists()
    assert len(_episodes(child)) == 1


def test_legal_status_change_only_in_the_latest_episode(in_care_since_june, child, social_worker):
    recording.change_legal_status(
        user=social_worker, child=child, legal_status="C2", changed_on=date(2025, 9, 1)
    )
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.change_legal_status(
            user=social_worker, child=child, legal_status="E1", changed_on=date(2025, 8, 1)
        )
    assert "latest episode" in refused.value.problems["changed_on"]


def test_legal_status_change_splits_an_imported_episode(child, social_worker, wigan):
    Episode.objects.create(
        authority=wigan, child=child, source=Episode.Source.IMPORTED, decom=date(2024, 2, 1),
        rne="S", ls="V2", place="U4", place_provider="PR1", home_post="WN1 1AA",
        pl_post="WN2 2AA",
    )  # fmt: skip
    recording.change_legal_status(
        user=social_worker, child=child, legal_status="C1", changed_on=date(2025, 10, 3)
    )
    assert _episodes(child) == [
        (date(2024, 2, 1), "S", "V2", date(2025, 10, 3), "X1"),
        (date(2025, 10, 3), "L", "C1", None, ""),
    ]
    # The L episode is Hearth's (made from the change; no placement), in the imported place.
    after = Episode.objects.get(decom=date(2025, 10, 3))
    assert (after.source, after.placement_id) == ("hearth", None)
    assert (after.place, after.place_provider, after.home_post, after.pl_post) == (
        "U4", "PR1", "WN1 1AA", "WN2 2AA",
    )  # fmt: skip


def test_legal_status_changes_again_in_care_imported_from_an_earlier_return(
    child, social_worker, wigan
):
    Episode.objects.create(
        authority=wigan, child=child, source=Episode.Source.IMPORTED, decom=date(2024, 2, 1),
        rne="S", ls="V2", place="U4", place_provider="PR1", home_post="WN1 1AA",
        pl_post="WN2 2AA",
    )  # fmt: skip
    version = child.version
    for status, day in (("C1", date(2025, 10, 3)), ("C2", date(2025, 12, 1))):
        recording.change_legal_status(
            user=social_worker, child=child, legal_status=status, changed_on=day
        )

    assert _episodes(child) == [
        (date(2024, 2, 1), "S", "V2", date(2025, 10, 3), "X1"),
        (date(2025, 10, 3), "L", "C1", date(2025, 12, 1), "X1"),
        (date(2025, 12, 1), "L", "C2", None, ""),
    ]
    child.refresh_from_db()
    assert (child.legal_status, child.version) == ("C2", version + 2)


def test_child_form_leaves_a_looked_after_childs_legal_status_alone(
    in_care_since_june, child, social_worker
):
    form = ChildForm(instance=child, authority=child.authority)
    assert form.fields["legal_status"].disabled
    data = {**form.initial, "legal_status": "E1", "version": child.version}
    form = ChildForm(data, instance=child, authority=child.authority)
    assert form.cleaned_data["legal_status"] == "C1" if form.is_valid() else True
    child.refresh_from_db()
    assert child.legal_status == "C1"


def test_child_form_sets_the_legal_status_of_a_child_never_looked_after(child):
    form = ChildForm(instance=child, authority=child.authority)
    assert not form.fields["legal_status"].disabled


# The header's details -----------------------------------------------------------------------


def test_upn_check_letter():
    assert recording.upn_problem("A123456789012") is None
    assert "check letter" in recording.upn_problem("B123456789012")
    assert "13 characters" in recording.upn_problem("I123456789012")
    assert recording.upn_problem("UN2") is None
    assert "UN1" in recording.upn_problem("UN1", date(2015, 3, 1), on=date(2026, 1, 15))


def test_un1_is_for_a_child_not_yet_of_school_age_as_the_validator_says():
    # Rule 209: UN1 is refused for a child 4 or older on 31 August before the year began (31
    # August 2024 for 2025-26), though they are under 6 on the day.
    problem = recording.upn_problem("UN1", date(2020, 6, 1), on=date(2026, 1, 15))
    assert problem == (
        "UPN: UN1 is for a child not yet of school age, and the child was 4 by 31 August 2024: "
        "enter their UPN, or another UN code"
    )
    assert recording.upn_problem("UN1", date(2020, 9, 1), on=date(2026, 1, 15)) is None
    assert set(recording.UPN_UNKNOWN) == {"UN1", "UN2", "UN3", "UN4", "UN5"}  # rules 168, 444


def _details(**values):
    data = {
        "upn": "", "mother": "", "mc_dob": None, "category_of_need": "", "uasc": False,
        "uasc_ceased_on": None,
    }  # fmt: skip
    return {**data, **values}


def test_child_return_details_saved_and_version_checked(child, social_worker):
    changed = recording.child_return_update(
        user=social_worker, child=child, expected_version=1,
        data=_details(upn="a123456789012", category_of_need="N1"),
    )  # fmt: skip
    assert set(changed) == {"upn", "category_of_need"}
    record = ChildReturn.objects.get(child=child)
    assert (record.upn, record.category_of_need, record.version) == ("A123456789012", "N1", 2)
    with pytest.raises(EditConflict):
        recording.child_return_update(
            user=social_worker, child=child, expected_version=1, data=_details(upn="UN2")
        )


def test_child_return_details_refused_at_the_field(child, social_worker):
    boy = ChildFactory(authority=child.authority, sex="M", reference="B1")
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.child_return_update(
            user=social_worker, child=boy, expected_version=1,
            data=_details(upn="B123456789012", mother="1", category_of_need="N9",
                          uasc_ceased_on=date(2025, 1, 1)),
        )  # fmt: skip
    problems = refused.value.problems
    assert set(problems) == {"upn", "mother", "mc_dob", "category_of_need", "uasc_ceased_on"}
    assert "girls" in problems["mother"]
    assert not ChildReturn.objects.exists()


def test_category_of_need_goes_on_the_hearth_episodes(in_care_since_june, child, social_worker):
    recording.child_return_update(
        user=social_worker, child=child, expected_version=1, data=_details(category_of_need="N4")
    )
    assert list(Episode.objects.filter(child=child).values_list("cin", flat=True)) == ["N4"]


# The return's rows ------------------------------------------------------------------------


def test_review_added_changed_and_removed(child, social_worker):
    review, _ = recording.row_save(
        user=social_worker, child=child, kind="reviews",
        data={"reviewed_on": date(2025, 7, 1), "participation": "pn1"},
    )  # fmt: skip
    assert (review.participation, review.authority) == ("PN1", child.authority)
    recording.row_save(
        user=social_worker, child=child, kind="reviews", record=review,
        data={"reviewed_on": date(2025, 7, 2), "participation": "PN5"},
    )  # fmt: skip
    review.refresh_from_db()
    assert (review.reviewed_on, review.participation) == (date(2025, 7, 2), "PN5")
    recording.row_remove(user=social_worker, child=child, kind="reviews", record=review)
    assert not Review.objects.exists()
    details = AuditEvent.objects.filter(record_id=str(child.pk)).values_list("detail", flat=True)
    assert any(d.startswith("removed review") for d in details)


def test_review_code_pn0_only_for_children_under_4(child, social_worker):
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.row_save(
            user=social_worker, child=child, kind="reviews",
            data={"reviewed_on": date(2025, 7, 1), "participation": "PN0"},
        )  # fmt: skip
    assert "under 4" in refused.value.problems["participation"]


def test_missing_episode_may_be_open_but_not_end_before_it_starts(child, social_worker):
    missing, _ = recording.row_save(
        user=social_worker, child=child, kind="missing",
        data={"kind": "M", "started_on": date(2025, 12, 1), "ended_on": None},
    )  # fmt: skip
    assert missing.ended_on is None
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.row_save(
            user=social_worker, child=child, kind="missing",
            data={"kind": "A", "started_on": date(2025, 12, 1), "ended_on": date(2025, 11, 1)},
        )  # fmt: skip
    assert "before MIS_START" in refused.value.problems["ended_on"]


def _oc2(**values):
    data = {
        "year": 2025,
        "sdq_score": "",
        "sdq_reason": "",
        **dict.fromkeys(recording.OC2_ITEMS, ""),
    }
    return {**data, **values}


def test_health_outcomes_sdq_score_or_reason_never_both(child, social_worker):
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.row_save(
            user=social_worker, child=child, kind="health",
            data=_oc2(sdq_score="12", sdq_reason="SDQ4"),
        )  # fmt: skip
    assert "SDQ_REASON" in refused.value.problems["sdq_reason"]
    recording.row_save(user=social_worker, child=child, kind="health", data=_oc2(sdq_score="12"))
    assert HealthOutcome.objects.get(child=child).sdq_score == "12"


def test_health_outcomes_one_a_year_and_sdq1_only_outside_4_to_16(child, social_worker):
    recording.row_save(user=social_worker, child=child, kind="health", data=_oc2(sdq_score="3"))
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.row_save(user=social_worker, child=child, kind="health", data=_oc2())
    assert "already recorded" in refused.value.problems["year"]
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.row_save(
            user=social_worker, child=child, kind="health", data=_oc2(year=2024, sdq_reason="SDQ1")
        )
    assert "under 4 or over 16" in refused.value.problems["sdq_reason"]


def test_care_leaver_outcomes_from_the_dfe_lists(child, social_worker):
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.row_save(
            user=social_worker, child=child, kind="care-leaver",
            data={"year": 2025, "in_touch": "YES", "activity": "F3", "accommodation": "S1"},
        )  # fmt: skip
    assert set(refused.value.problems) == {"activity", "accommodation"}


def test_adoption_adopters_consistent(child, social_worker):
    data = {"decided_on": date(2025, 5, 1), "matched_on": date(2025, 4, 1), "foster_care": "0",
            "number_of_adopters": "2", "sex_of_adopters": "F1", "legal_status_of_adopters": "L2"}  # fmt: skip
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.row_save(user=social_worker, child=child, kind="adoption", data=data)
    assert set(refused.value.problems) == {
        "matched_on", "sex_of_adopters", "legal_status_of_adopters"
    }  # fmt: skip


def test_previous_permanence_z1_has_no_council_or_date(child, social_worker):
    with pytest.raises(recording.RecordingProblem) as refused:
        recording.row_save(
            user=social_worker, child=child, kind="previous-permanence",
            data={"previous_permanence": "Z1", "la_perm": "359", "date_perm": ""},
        )  # fmt: skip
    assert "Z1" in refused.value.problems["previous_permanence"]
    recording.row_save(
        user=social_worker, child=child, kind="previous-permanence",
        data={"previous_permanence": "P2", "la_perm": "359", "date_perm": "zz/06/2015"},
    )  # fmt: skip


# Social worker episodes -----------------------------------------------------------------------


def _reallocate(child, worker, by, **extra):
    child.refresh_from_db()
    data = {"social_worker": worker, "placed_with_reference": child.placed_with, **extra}
    data["sibling_group_reference"] = None
    return child_update(user=by, child=child, data=data, expected_version=child.version)


def _sw_episodes(child):
    return list(
        SocialWorkerEpisode.objects.filter(child=child)
        .order_by("started_on", "pk")
        .values_list("social_worker_id", "started_on", "ended_on", "reason")
    )


def test_reallocation_closes_the_episode_and_opens_one_with_the_registration_number(
    child, social_worker, team_manager, wigan
):
    social_worker.registration_number = "SW100001"
    social_worker.save()
    with time_machine.travel("2025-09-01 10:00 +00:00", tick=False):
        _reallocate(child, None, team_manager)
        _reallocate(child, social_worker, team_manager)
    newcomer = member(wigan, Role.SOCIAL_WORKER, username="sw2.wigan")
    newcomer.registration_number = "SW200002"
    newcomer.save()
    child.refresh_from_db()
    _reallocate(child, newcomer, team_manager, social_worker_change_reason="ORGRST")
    assert _sw_episodes(child) == [
        ("SW100001", date(2025, 9, 1), date(2026, 1, 15), "FCONTA"),
        ("SW200002", date(2026, 1, 15), None, "ORGRST"),
    ]


def test_reallocation_reasons_default_and_same_day_replaces(
    child, social_worker, team_manager, wigan
):
    with time_machine.travel("2025-09-01 10:00 +00:00", tick=False):
        _reallocate(child, None, team_manager)
        _reallocate(child, social_worker, team_manager)
    social_worker.is_active = False
    social_worker.save()
    first = member(wigan, Role.SOCIAL_WORKER, username="sw2.wigan")
    second = member(wigan, Role.SOCIAL_WORKER, username="sw3.wigan", registration_number="SW3")
    child.refresh_from_db()
    _reallocate(child, first, team_manager)
    child.refresh_from_db()
    _reallocate(child, second, team_manager)
    assert _sw_episodes(child) == [
        ("XX", date(2025, 9, 1), date(2026, 1, 15), "FCONTA"),
        ("SW3", date(2026, 1, 15), None, "LEFTRL"),
    ]


def test_registration_number_is_sw_and_digits():
    assert recording.registration_problem("SW123456") is None
    assert recording.registration_problem("") is None
    assert "SW followed by" in recording.registration_problem("AB123")
