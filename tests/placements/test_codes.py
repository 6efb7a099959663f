"""The SSDA903 codes of a placement: derived from the match, checked on entry."""

from datetime import date, timedelta

import pytest

from hearth.placements import codes
from hearth.placements.models import Placement
from hearth.ssda903 import episodes
from tests.factories import AgencyFactory, HouseholdFactory

TODAY = date(2026, 12, 14)


def derived(child, household, care_type="short_term"):
    return codes.derive_codes(child, household, care_type, TODAY)


def test_in_house_foster_carers(child, household):
    found = derived(child, household)

    assert found == {
        "place": "U6", "place_provider": "PR1", "legal_status": "C2", "reason_new_episode": "S",
        "home_postcode": "WN1 1AA", "placement_postcode": household.postcode, "urn": "",
    }  # fmt: skip
    assert derived(child, household, "long_term")["place"] == "U4"


def test_in_house_urn_is_the_councils_fostering_service(child, household, wigan):
    wigan.ofsted_urn = "SC654321"
    wigan.save()

    assert derived(child, household)["urn"] == "SC654321"


def test_no_urn_is_a_note_for_the_worker(child, household):
    notes = codes.episode_notes(child, household, derived(child, household))

    assert notes == [
        "URN: the council's fostering service has no Ofsted URN recorded; ask an administrator "
        "to add it to the council's details"
    ]


def test_kinship_carers_named_for_the_child(child, household):
    household.named_children.add(child)

    assert derived(child, household)["place"] == "U3"
    assert derived(child, household, "long_term")["place"] == "U1"


@pytest.mark.parametrize(("sector", "provider_code"), [("private", "PR4"), ("voluntary", "PR5")])
def test_agency_carers(child, sector, provider_code):
    agency = AgencyFactory(sector=sector, ofsted_urn="SC222333")
    carers = HouseholdFactory(provider=agency, postcode="M1 1AE")

    found = derived(child, carers)

    assert (found["place"], found["place_provider"], found["urn"]) == (
        "U6", provider_code, "SC222333",
    )  # fmt: skip


def test_a_childrens_home(child):
    homes = AgencyFactory(sector="private", provides=["residential"])

    assert derived(child, HouseholdFactory(provider=homes))["place"] == "K2"


def test_a_child_placed_before_starts_a_placement_change(child, household, placements_officer):
    Placement.objects.create(
        authority=child.authority, child=child, household=household, provider=household.provider,
        care_type="emergency", started_on=TODAY - timedelta(days=30),
        ended_on=TODAY - timedelta(days=1), ending="planned", reason_ceased="X1",
        reason_place_change="CARPL", place="U6", place_provider="PR1", legal_status="C2",
        reason_new_episode="S", started_by=placements_officer,
    )  # fmt: skip

    episodes.refresh(child)

    elsewhere = HouseholdFactory()
    assert derived(child, elsewhere)["reason_new_episode"] == "P"
    assert derived(child, household)["reason_new_episode"] == "T"  # the same carers
    child.legal_status = "C1"
    assert derived(child, elsewhere)["reason_new_episode"] == "B"
    assert derived(child, household)["reason_new_episode"] == "U"


def test_a_child_who_left_care_starts_again(child, household, placements_officer):
    Placement.objects.create(
        authority=child.authority, child=child, household=household, provider=household.provider,
        care_type="emergency", started_on=TODAY - timedelta(days=30),
        ended_on=TODAY - timedelta(days=10), ending="planned", reason_ceased="E4A",
        place="U6", place_provider="PR1", legal_status="V2", reason_new_episode="S",
        started_by=placements_officer,
    )  # fmt: skip
    episodes.refresh(child)

    assert derived(child, household)["reason_new_episode"] == "S"


def problems(child, household, started_on=TODAY, **changes):
    entered = {**derived(child, household), **changes}
    return codes.episode_problems(
        child=child, household=household, codes=entered, started_on=started_on, today=TODAY
    )


def test_derived_codes_pass_their_checks(child, household):
    assert problems(child, household) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"place": "U9"}, "place", "PLACE: U9 is not a placement type code of the return"),
        ({"place": ""}, "place", "PLACE: choose the placement type"),
        (
            {"place_provider": "PR9"}, "place_provider",
            "PLACE_PROVIDER: PR9 is not a placement provider code of the return",
        ),
        ({"legal_status": "Z9"}, "legal_status", "LS: Z9 is not a legal status code of the return"),
        (
            {"reason_new_episode": "Q"}, "reason_new_episode",
            "RNE: Q is not a reason for the new episode code of the return",
        ),
        ({"home_postcode": "NOT A POSTCODE"}, "home_postcode", "HOME_POST: Enter a real postcode"),
        (
            {"placement_postcode": "ZZ9 9ZZ"}, "placement_postcode",
            "PL_POST: ZZ9 9ZZ is not in the ONS postcode directory",
        ),
        ({"urn": "12AB"}, "urn", "URN: enter an Ofsted URN"),
        (
            {"place_provider": "PR4"}, "place_provider",
            "are the council's own carers: use PR1",
        ),
        ({"place": "K2"}, "place", None),
        (
            {"place": "U1"}, "place",
            "PLACE: U1 is a placement with family or friends, but",
        ),
        (
            {"place": "U4", "legal_status": "V3"}, "place",
            "PLACE: U4 is long-term fostering, which a child accommodated for short breaks (LS V3)",
        ),
    ],
)  # fmt: skip
def test_codes_entered_are_checked_at_their_field(child, household, changes, field, message):
    found = problems(child, household, **changes)

    if message is None:
        assert field not in found
    else:
        assert message in found[field], found


def test_a_foster_code_needs_a_foster_home(child):
    home = HouseholdFactory(provider=AgencyFactory(provides=["residential"]), name="Oak House")

    found = problems(child, home, place="U6", place_provider="PR4")

    assert found["place"] == "PLACE: U6 is a foster placement, but Oak House is a children's home"


@pytest.mark.parametrize(
    ("started_on", "message"),
    [
        (TODAY + timedelta(days=1), "The start date must be today or in the past"),
        (date(2010, 1, 1), "The start date must be after the child's date of birth"),
    ],
)
def test_a_placement_starts_today_or_before(child, household, started_on, message):
    assert problems(child, household, started_on=started_on)["started_on"].startswith(message)


def test_a_child_has_one_open_placement_and_s_only_once(child, household, placements_officer):
    Placement.objects.create(
        authority=child.authority, child=child, household=household, provider=household.provider,
        care_type="emergency", started_on=TODAY - timedelta(days=3), place="U6",
        place_provider="PR1", legal_status="C2", reason_new_episode="S",
        started_by=placements_officer,
    )  # fmt: skip

    found = problems(child, household, reason_new_episode="S")

    assert found["child"].startswith(f"{child.full_name}'s placement with {household.name} is")
    assert found["reason_new_episode"].startswith("RNE: S is for a child starting")


@pytest.mark.parametrize(
    ("rec", "rpc", "field", "message"),
    [
        ("X1", "", "reason_place_change", "REASON_PLACE_CHANGE: the child moves"),
        ("E4A", "CARPL", "reason_place_change", "REASON_PLACE_CHANGE: give it only"),
        ("E99", "", "reason_ceased", "REC: E99 is not"),
        ("X1", "NOPE", "reason_place_change", "REASON_PLACE_CHANGE: NOPE is not"),
    ],
)
def test_ending_codes_are_checked(started_placement, rec, rpc, field, message):
    found = codes.ending_problems(
        placement=started_placement, ended_on=started_placement.started_on, ending="planned",
        reason_ceased=rec, reason_place_change=rpc, today=started_placement.started_on,
    )  # fmt: skip

    assert found[field].startswith(message)


def test_every_code_has_a_label():
    assert (
        codes.label("place", "U4")
        == "U4: Foster placement with other foster carer(s): long-term fostering"
    )
    assert set(codes.PLACE_PROVIDER) == {f"PR{n}" for n in range(6)}
    assert set(codes.RNE) == set("SPLTUB")
    assert len(codes.REC) == 22
    assert set(codes.REASON_PLACE_CHANGE) == {
        "CARPL", "CLOSE", "ALLEG", "STAND", "APPRR", "CREQB", "CREQO", "CHILD", "LAREQ", "PLACE",
        "CUSTOD", "OTHER",
    }  # fmt: skip
