"""The placements screens: the cost approval, the IPA, starting a placement with its codes, the
placement's page, its ending and costing, the spend report; the panels on the offer, referral and
child pages; the API."""

from decimal import Decimal

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.accounts.services import token_create
from hearth.placements import presenters
from hearth.placements.models import CostApproval, Placement, PlacementAgreement
from hearth.referrals.models import Referral
from hearth.search.models import Offer
from tests.factories import ChildFactory, make_referral
from tests.fixtures.placements import matched_offer


def date_fields(name, day):
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


# Cost approval -----------------------------------------------------------------------------------


def test_the_approver_sees_the_terms_the_form_and_their_right_to_decide(
    client, senior_manager, pending_cost_approval
):
    client.force_login(senior_manager)

    page = client.get(reverse("cost_approval", args=[pending_cost_approval.pk])).content.decode()

    assert "£3,500.00" in page
    assert "Fees, carers&#x27; allowance" in page
    assert "Trained in therapeutic parenting" in page
    assert "You may decide this cost: it is for a senior manager or above" in page


def test_someone_below_the_tier_is_told_who_decides_and_cannot_post(
    client, senior_manager, matched_referral, agency_household, placements_officer, team_manager
):
    from hearth.placements.services import on_offer_matched

    offer = matched_offer(
        matched_referral, agency_household, by=placements_officer, signer=team_manager,
        weekly_cost=Decimal("7000.00"),
    )  # fmt: skip
    approval = on_offer_matched(offer=offer, by=team_manager)
    client.force_login(senior_manager)
    url = reverse("cost_approval", args=[approval.pk])

    assert (
        "Only a Director of Children&#x27;s Services can decide" in client.get(url).content.decode()
    )
    assert client.post(url, {"decision": "approve"}).status_code == 403
    assert CostApproval.objects.get(pk=approval.pk).status == "pending"


def test_approving_and_refusing_on_the_page(client, senior_manager, pending_cost_approval):
    client.force_login(senior_manager)
    url = reverse("cost_approval", args=[pending_cost_approval.pk])

    refused = client.post(url, {"decision": "refuse", "reason": ""})
    assert "Say why the weekly cost is refused" in refused.content.decode()

    response = client.post(url, {"decision": "approve", "conditions": "Review at 3 months"})
    assert response.status_code == 302
    approval = CostApproval.objects.get(pk=pending_cost_approval.pk)
    assert (approval.status, approval.conditions) == ("approved", "Review at 3 months")


# The IPA -----------------------------------------------------------------------------------------


def test_issuing_the_ipa_and_downloading_it(client, placements_officer, approved_agency_match):
    client.force_login(placements_officer)
    args = [approved_agency_match.referral_id, approved_agency_match.pk]

    assert (
        "Issue the placement agreement"
        in client.get(reverse("agreement_issue", args=args)).content.decode()
    )
    assert client.post(reverse("agreement_issue", args=args)).status_code == 302
    agreement = PlacementAgreement.objects.get()

    pdf = client.get(reverse("agreement_pdf", args=args))
    assert pdf["Content-Type"] == "application/pdf"
    assert f'filename="{agreement.reference}.pdf"' in pdf["Content-Disposition"]
    assert pdf.content.startswith(b"%PDF")


def test_the_ipa_is_not_offered_before_the_cost_is_approved(
    client, placements_officer, agency_match
):
    client.force_login(placements_officer)

    page = client.get(
        reverse("agreement_issue", args=[agency_match.referral_id, agency_match.pk])
    ).content.decode()

    assert "is waiting for a decision" in page
    assert "Issue the placement agreement</button>" not in page


# Starting the placement -------------------------------------------------------------------------------


def test_the_start_page_shows_the_derived_codes_with_their_meaning(
    client, placements_officer, in_house_match
):
    client.force_login(placements_officer)

    page = client.get(
        reverse("placement_start", args=[in_house_match.referral_id, in_house_match.pk])
    ).content.decode()

    assert "U6: Foster placement with other foster carer(s): not long-term" in page
    assert "PR1: Own provision (by the council)" in page
    assert "S: Started to be looked after" in page
    assert "URN: the council&#x27;s fostering service has no Ofsted URN recorded" in page
    assert 'name="emergency"' not in page  # not an urgent referral


def test_starting_it_from_the_page(client, placements_officer, in_house_match, child):
    client.force_login(placements_officer)
    url = reverse("placement_start", args=[in_house_match.referral_id, in_house_match.pk])
    form = {
        **date_fields("started_on", timezone.localdate()), "care_type": "long_term",
        f"c{child.pk}_place": "U6", f"c{child.pk}_place_provider": "PR1",
        f"c{child.pk}_legal_status": "C2", f"c{child.pk}_reason_new_episode": "S",
        f"c{child.pk}_home_postcode": "WN1 1AA",
        f"c{child.pk}_placement_postcode": in_house_match.household.postcode,
        f"c{child.pk}_urn": "",
    }  # fmt: skip

    response = client.post(url, form)

    placement = Placement.objects.get()
    assert response["Location"] == reverse("placement", args=[placement.pk])
    # The codes not changed are derived again for the type of care chosen.
    assert placement.place == "U4"


def test_a_wrong_code_is_shown_at_its_field(client, placements_officer, in_house_match, child):
    client.force_login(placements_officer)
    url = reverse("placement_start", args=[in_house_match.referral_id, in_house_match.pk])

    page = client.post(
        url,
        {
            **date_fields("started_on", timezone.localdate()), "care_type": "short_term",
            f"c{child.pk}_place": "K2", f"c{child.pk}_place_provider": "PR4",
        },
    ).content.decode()  # fmt: skip

    assert "are the council&#x27;s own carers: use PR1" in page
    assert f'id="c{child.pk}_place_provider-error"' in page or "govuk-error-message" in page
    assert not Placement.objects.exists()


def test_an_urgent_referral_offers_the_emergency_start(
    client, placements_officer, agency_match, pending_cost_approval
):
    Referral.objects.filter(pk=agency_match.referral_id).update(urgent=True)
    client.force_login(placements_officer)
    url = reverse("placement_start", args=[agency_match.referral_id, agency_match.pk])

    page = client.get(url).content.decode()
    assert 'name="emergency"' in page
    assert "is waiting for a decision" in page

    response = client.post(
        url,
        {**date_fields("started_on", timezone.localdate()), "care_type": "short_term",
         "emergency": "on"},
    )  # fmt: skip

    assert response.status_code == 302
    assert Placement.objects.get().emergency


def test_a_placement_not_ready_shows_why_and_no_form(client, placements_officer, agency_match):
    client.force_login(placements_officer)

    page = client.get(
        reverse("placement_start", args=[agency_match.referral_id, agency_match.pk])
    ).content.decode()

    assert "the placement cannot start yet" in page
    assert "Start the placement</button>" not in page


# The placement, its ending and costing ------------------------------------------------------------------


def test_the_placement_page(client, social_worker, started_placement):
    client.force_login(social_worker)

    page = client.get(reverse("placement", args=[started_placement.pk])).content.decode()

    assert "U6: Foster placement with other foster carer(s)" in page
    assert "Write the placement plan" in page
    assert "End the placement" in page


def test_ending_it_from_the_page(client, social_worker, started_placement):
    client.force_login(social_worker)
    url = reverse("placement_end", args=[started_placement.pk])
    form = {
        **date_fields("ended_on", timezone.localdate()), "ending": "unplanned",
        "reason_ceased": "X1", "reason_place_change": "", "note": "",
        "version": started_placement.version,
    }  # fmt: skip

    page = client.post(url, form).content.decode()
    assert "REASON_PLACE_CHANGE: the child moves to another placement" in page
    assert "Say what happened" in page

    form.update(reason_place_change="CHILD", note="Amy asked to move nearer her school.")
    assert client.post(url, form).status_code == 302
    assert Placement.objects.get().needs_ending_meeting


def test_an_iro_cannot_end_it(client, iro, started_placement):
    client.force_login(iro)

    assert client.get(reverse("placement_end", args=[started_placement.pk])).status_code == 403


def test_finance_confirms_the_costing_on_the_page(client, finance_officer, agency_placement):
    client.force_login(finance_officer)
    url = reverse("costing_confirm", args=[agency_placement.pk])

    assert "£3,500.00" in client.get(url).content.decode()
    assert client.post(url, {"finance_reference": "CPLI-7"}).status_code == 302
    page = client.get(reverse("placement", args=[agency_placement.pk])).content.decode()
    assert "CPLI-7" in page


def test_the_spend_report_and_its_csv(client, finance_officer, agency_placement):
    client.force_login(finance_officer)

    page = client.get(reverse("spend")).content.decode()
    assert "Senior manager" in page and "£3,500.00" in page

    csv = client.get(reverse("spend"), {"format": "csv"})
    assert csv["Content-Type"].startswith("text/csv")
    assert "Approval tier,Senior manager,1,3500.00" in csv.content.decode("utf-8-sig")


def test_someone_in_two_councils_chooses_whose_spend_to_read(
    client, finance_officer, agency_placement, trafford
):
    from hearth.accounts.models import Membership
    from hearth.accounts.roles import Role

    Membership.objects.create(
        user=finance_officer, organisation=trafford, role=Role.FINANCE_OFFICER
    )
    client.force_login(finance_officer)

    wigan_page = client.get(reverse("spend"), {"council": "E08000010"}).content.decode()
    assert "£3,500.00" in wigan_page
    assert f'href="?council={trafford.ons_code}"' in wigan_page
    trafford_page = client.get(reverse("spend"), {"council": trafford.ons_code}).content.decode()
    assert "Trafford Council" in trafford_page and "£3,500.00" not in trafford_page


def test_the_spend_report_is_not_for_everyone(client, social_worker):
    client.force_login(social_worker)

    assert client.get(reverse("spend")).status_code == 404


def _more_agency_placements(
    count, wigan, social_worker, agency_household, officer, signer, approver
):
    from hearth.placements.documents import agreement_issue
    from hearth.placements.services import cost_decide, on_offer_matched, placement_start

    agency_household.max_children = 10
    agency_household.save()
    for number in range(count):
        child = ChildFactory(
            authority=wigan, social_worker=social_worker, first_name=f"Kid{number}"
        )
        referral = make_referral(child, status="matched", placement_type="short_term")
        offer = matched_offer(referral, agency_household, by=officer, signer=signer)
        cost_decide(user=approver, approval=on_offer_matched(offer=offer, by=signer), approve=True)
        agreement_issue(user=officer, offer=offer)
        placement_start(
            user=officer, offer=offer, started_on=timezone.localdate(), care_type="short_term"
        )


def test_the_spend_report_reads_a_fixed_number_of_queries(
    client,
    finance_officer,
    agency_placement,
    wigan,
    social_worker,
    agency_household,
    placements_officer,
    team_manager,
    senior_manager,
    django_assert_num_queries,
):
    client.force_login(finance_officer)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("spend"))
    _more_agency_placements(
        3, wigan, social_worker, agency_household, placements_officer, team_manager,
        senior_manager,
    )  # fmt: skip

    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(reverse("spend")).content.decode()
    assert "£14,000.00" in page


def test_the_child_record_lists_placements_in_a_fixed_number_of_queries(
    client,
    social_worker,
    agency_placement,
    wigan,
    agency_household,
    placements_officer,
    team_manager,
    senior_manager,
    child,
    django_assert_num_queries,
):
    client.force_login(social_worker)
    url = reverse("child", args=[child.pk])
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert '<h2 class="govuk-heading-m">Placements</h2>' in page
    assert agency_household.name in page
    Placement.objects.filter(pk=agency_placement.pk).update(
        ended_on=timezone.localdate(), ending="planned", reason_ceased="X1",
        reason_place_change="CARPL",
    )  # fmt: skip
    Placement.objects.create(
        authority=wigan, child=child, household=agency_household,
        provider=agency_household.provider, care_type="short_term",
        started_on=timezone.localdate(), place="U6", place_provider="PR4", legal_status="C2",
        reason_new_episode="P", started_by=placements_officer,
    )  # fmt: skip

    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)


# The panels ---------------------------------------------------------------------------------------


def test_the_offer_panel_leads_from_the_cost_to_the_placement(
    placements_officer, senior_manager, agency_match, pending_cost_approval
):
    panel = presenters.offer_panel(senior_manager, agency_match)
    assert panel["approval"]["may_decide"] and not panel["may_start"]
    html = render_to_string("placements/_offer_panel.html", {"placements_panel": panel})
    assert "Decide the weekly cost" in html

    panel = presenters.offer_panel(placements_officer, agency_match)
    assert panel["missing"] and not panel["may_issue"]


def test_the_offer_panel_once_placed(placements_officer, agency_placement):
    offer = Offer.objects.get(pk=agency_placement.offer_id)

    panel = presenters.offer_panel(placements_officer, offer)

    html = render_to_string("placements/_offer_panel.html", {"placements_panel": panel})
    assert "Download the agreement (PDF)" in html
    assert agency_placement.child.full_name in html
    assert presenters.offer_panel(placements_officer, _open_offer(offer)) is None


def _open_offer(offer):
    offer.status = Offer.Status.OPEN
    return offer


def test_the_referral_panel(social_worker, started_placement, virtual_school):
    referral = started_placement.referral

    html = render_to_string(
        "placements/_referral_panel.html",
        {"placements_panel": presenters.referral_panel(social_worker, referral)},
    )
    assert started_placement.household.name in html
    # A Virtual School officer sees the child's placement but not who the carers are.
    shown = presenters.referral_panel(virtual_school, referral)
    assert shown["placements"][0]["home"] == "Foster carers"


def test_the_chronology_tells_the_placement(client, social_worker, agency_placement):
    client.force_login(social_worker)

    page = client.get(
        reverse("referral_chronology", args=[agency_placement.referral_id])
    ).content.decode()

    assert "Weekly cost of £3500.00 with" in page
    assert "approved by" in page
    assert "Placement agreement IPA-E08000010-" in page
    assert "placed with" in page


# The API -----------------------------------------------------------------------------------------


def test_the_api_lists_placements_with_their_903_codes(
    client, social_worker, agency_placement, django_assert_max_num_queries
):
    token = token_create(user=social_worker, name="test")

    with django_assert_max_num_queries(12):
        listed = client.get("/api/v1/placements", headers={"Authorization": f"Bearer {token}"})

    (item,) = listed.json()["items"]
    assert (item["place"], item["place_provider"], item["weekly_cost"]) == ("U6", "PR4", "3500.00")
    detail = client.get(
        f"/api/v1/placements/{agency_placement.pk}", headers={"Authorization": f"Bearer {token}"}
    )
    assert detail.json()["reason_new_episode"] == "S"


def test_the_api_hides_another_councils_placements(client, outsider, started_placement):
    token = token_create(user=outsider, name="test")

    response = client.get(
        f"/api/v1/placements/{started_placement.pk}", headers={"Authorization": f"Bearer {token}"}
    )

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["placement", "placement_end"])
def test_another_council_gets_not_found(client, outsider, started_placement, name):
    client.force_login(outsider)

    assert client.get(reverse(name, args=[started_placement.pk])).status_code == 404
