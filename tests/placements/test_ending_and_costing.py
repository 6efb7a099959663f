"""Ending a placement with its 903 codes; the costing (CPLI) finance confirms; the spend report;
the IPA."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from hearth.people.models import Child
from hearth.people.services import EditConflict
from hearth.placements.documents import agreement_issue, agreement_pdf
from hearth.placements.models import Costing, Placement
from hearth.placements.selectors import spend
from hearth.placements.services import costing_confirm, placement_end
from hearth.referrals.models import ReferralEvent
from hearth.referrals.services import ActionNotAllowed, ReferralError
from hearth.trays.models import OutgoingEmail, WorkItem
from tests.factories import AgencyFactory, ChildFactory, HouseholdFactory, make_referral
from tests.fixtures.placements import matched_offer


def end(placement, user, **how):
    how.setdefault("ended_on", placement.started_on)
    how.setdefault("ending", "planned")
    how.setdefault("reason_ceased", "E4A")
    how.setdefault("expected_version", placement.version)
    return placement_end(user=user, placement=placement, **how)


def test_a_planned_ending(started_placement, social_worker):
    ended = end(started_placement, social_worker)

    assert (ended.ending, ended.reason_ceased, ended.needs_ending_meeting) == (
        "planned", "E4A", False,
    )  # fmt: skip
    assert Child.objects.get(pk=ended.child_id).placed_with is None
    event = ReferralEvent.objects.get(action="placement_ended")
    assert event.detail["reason_ceased"] == "E4A"
    assert not WorkItem.objects.filter(key=f"placement:{ended.pk}", closed_at__isnull=True)


def test_an_unplanned_move_needs_its_reason_and_is_marked_for_the_meeting(
    started_placement, placements_officer
):
    with pytest.raises(ReferralError) as refused:
        end(started_placement, placements_officer, ending="unplanned", reason_ceased="X1")
    assert set(refused.value.field_errors) == {"reason_place_change", "note"}

    ended = end(
        started_placement, placements_officer, ending="unplanned", reason_ceased="x1",
        reason_place_change="CREQB", note="The carers asked for Amy to move after a hard week.",
    )  # fmt: skip

    assert (ended.reason_ceased, ended.reason_place_change) == ("X1", "CREQB")
    assert ended.needs_ending_meeting


@pytest.mark.parametrize(
    ("days", "message"),
    [(1, "The end date must be today or in the past"), (-1, "The end date must be on or after")],
)
def test_the_end_date_is_checked(started_placement, social_worker, days, message):
    ended_on = timezone.localdate() + timedelta(days=days)
    with pytest.raises(ReferralError) as refused:
        end(started_placement, social_worker, ended_on=ended_on)

    assert refused.value.field_errors["ended_on"].startswith(message)


def test_an_ending_from_an_old_page_is_refused(started_placement, social_worker):
    with pytest.raises(EditConflict):
        end(started_placement, social_worker, expected_version=started_placement.version - 1)


def test_who_may_end_it(started_placement, iro, team_manager, finance_officer):
    with pytest.raises(ActionNotAllowed, match="Only the child's social worker"):
        end(started_placement, iro)
    with pytest.raises(ActionNotAllowed):
        end(started_placement, finance_officer)

    assert end(started_placement, team_manager).ended_on


def test_an_ended_placement_is_not_ended_again(started_placement, social_worker):
    end(started_placement, social_worker)

    with pytest.raises(ActionNotAllowed, match="already ended"):
        end(Placement.objects.get(pk=started_placement.pk), social_worker)


def test_finance_confirms_the_costing(agency_placement, finance_officer):
    costing = costing_confirm(
        user=finance_officer, placement=agency_placement, finance_reference="CPLI-0042"
    )

    assert (costing.weekly_cost, costing.starts_on, costing.approval_role) == (
        Decimal("3500.00"), agency_placement.started_on, "senior_manager",
    )  # fmt: skip
    assert costing.approval.status == "approved"
    assert not WorkItem.objects.filter(kind="costing", closed_at__isnull=True).exists()
    assert ReferralEvent.objects.filter(action="costing_confirmed").exists()


def test_only_finance_confirms_it_and_once(agency_placement, finance_officer, placements_officer):
    with pytest.raises(ActionNotAllowed, match="finance officer"):
        costing_confirm(user=placements_officer, placement=agency_placement, finance_reference="X")
    with pytest.raises(ReferralError) as refused:
        costing_confirm(user=finance_officer, placement=agency_placement, finance_reference="")
    assert "finance_reference" in refused.value.field_errors

    costing_confirm(user=finance_officer, placement=agency_placement, finance_reference="C-1")
    with pytest.raises(ActionNotAllowed, match="already confirmed"):
        costing_confirm(
            user=finance_officer, placement=Placement.objects.get(pk=agency_placement.pk),
            finance_reference="C-2",
        )  # fmt: skip
    assert Costing.objects.count() == 1


def test_spend_by_tier_and_provider(
    wigan,
    social_worker,
    agency_placement,
    placements_officer,
    team_manager,
    director,
    finance_officer,
):
    from hearth.placements.documents import agreement_issue as issue
    from hearth.placements.services import cost_decide, on_offer_matched, placement_start

    other_agency = AgencyFactory(name="Coastal Care", sector="voluntary")
    carers = HouseholdFactory(provider=other_agency, postcode="M1 1AE")
    ben = ChildFactory(authority=wigan, social_worker=social_worker, first_name="Ben")
    referral = make_referral(ben, status="matched", placement_type="short_term")
    offer = matched_offer(
        referral, carers, by=placements_officer, signer=team_manager,
        weekly_cost=Decimal("7100.00"),
    )  # fmt: skip
    cost_decide(
        user=director, approval=on_offer_matched(offer=offer, by=team_manager), approve=True
    )
    issue(user=placements_officer, offer=offer)
    placement_start(
        user=placements_officer, offer=offer, started_on=timezone.localdate(),
        care_type="short_term",
    )  # fmt: skip

    report = spend(wigan, timezone.localdate())

    assert [(line.label, line.placements, line.weekly) for line in report.by_tier] == [
        ("Senior manager", 1, Decimal("3500.00")),
        ("Director of Children's Services", 1, Decimal("7100.00")),
    ]
    assert [(line.label, line.weekly) for line in report.by_provider] == [
        ("Coastal Care", Decimal("7100.00")),
        (agency_placement.provider.name, Decimal("3500.00")),
    ]
    assert (report.placements, report.weekly) == (2, Decimal("10600.00"))
    assert spend(wigan, timezone.localdate() - timedelta(days=1)).placements == 0


def test_an_ended_placement_is_no_longer_spent(agency_placement, social_worker, wigan):
    end(agency_placement, social_worker, reason_ceased="E4A")

    assert spend(wigan, timezone.localdate() + timedelta(days=1)).placements == 0


def test_the_ipa_holds_the_agreed_terms(issued_agreement, agency, agency_user):
    terms = issued_agreement.terms

    assert issued_agreement.reference == (f"IPA-E08000010-{issued_agreement.offer_id}")
    assert terms["weekly_cost"] == "£3,500.00"
    assert terms["approval_tier"] == "Senior manager"
    assert terms["conditions"] == "Review the cost at the first looked-after review."
    assert terms["provider_urn"] == "SC123456"
    assert terms["children"][0]["date_of_birth"] == "1 March 2015"
    assert terms["gaps"] == [
        {
            "need": "Out of school or needs strong education advocacy",
            "support": "Virtual School adviser weekly",
        }
    ]
    assert ReferralEvent.objects.filter(action="agreement_issued").exists()


def test_the_ipa_is_not_issued_twice_nor_before_approval(
    issued_agreement, agency_match, placements_officer
):
    with pytest.raises(ReferralError, match="already issued"):
        agreement_issue(user=placements_officer, offer=issued_agreement.offer)


def test_the_ipa_waits_for_the_cost(agency_match, placements_officer, iro):
    with pytest.raises(ReferralError, match="waiting for a decision"):
        agreement_issue(user=placements_officer, offer=agency_match)
    with pytest.raises(ActionNotAllowed):
        agreement_issue(user=iro, offer=agency_match)


def test_a_changed_cost_is_issued_again_and_the_agency_told_without_naming_the_child(
    issued_agreement, agency, senior_manager
):
    agency.email = "office@northern.example"
    agency.save()
    from hearth.placements.services import cost_changed, cost_decide

    offer = issued_agreement.offer
    offer.weekly_cost = Decimal("3600.00")
    offer.save()
    approval = cost_changed(offer=offer, by=offer.made_by)
    cost_decide(user=senior_manager, approval=approval, approve=True)
    again = agreement_issue(user=offer.made_by, offer=offer)

    assert again.reference.endswith("-2")
    mail = OutgoingEmail.objects.get(to="office@northern.example")
    assert "placement agreement" in mail.subject
    assert "Amy" not in mail.body


def test_the_ipa_pdf(issued_agreement):
    pdf = agreement_pdf(issued_agreement)

    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 5000
