"""The demo council's statutory data (`hearth.ssda903.seed.seed_returns`): made once, the same
for the same council, no audit, and return details for every child with a UPN whose check letter
is right."""

import re
from datetime import datetime

import pytest
import time_machine
from django.db import transaction

from hearth.accounts.models import User
from hearth.audit.models import AuditEvent
from hearth.core.deadlines import LONDON
from hearth.core.models import Organisation
from hearth.people import seed as people_seed
from hearth.people.models import Child
from hearth.ssda903 import models, tables
from hearth.ssda903.export import return_rows
from hearth.ssda903.recording import upn_check_letter as check_letter
from hearth.ssda903.seed import LA_NUMBERS, make_upn, seed_returns

SIZE = {"authorities": 1, "children": 60, "households": 15, "agencies": 3}
WIGAN = "E08000010"
TODAY = datetime(2026, 11, 20, 9, tzinfo=LONDON)
UN_CODES = {f"UN{n}" for n in range(1, 11)}
RECORDS = (
    models.ChildReturn, models.LegalStatusChange, models.Episode, models.Review,
    models.MissingEpisode, models.HealthOutcome, models.CareLeaverOutcome,
    models.AdoptionDecision, models.PlacedForAdoption, models.PreviousPermanence,
    models.SocialWorkerEpisode,
)  # fmt: skip


def seeded_council(**size):
    with time_machine.travel(TODAY, tick=False):
        people_seed.seed(**{**SIZE, **size})
    return Organisation.objects.get(ons_code=WIGAN)


@pytest.fixture
def council(db):
    return seeded_council()


def counts():
    return {model.__name__: model.objects.count() for model in RECORDS}


def signature(council):
    """What the seed made, as the returns and the records show it (no primary keys)."""
    with time_machine.travel(TODAY, tick=False):
        returns = [
            {table.file: rows for table, rows in return_rows(council, year).items()}
            for year in (2024, 2025, 2026)
        ]
    details = sorted(
        models.ChildReturn.objects.filter(child__authority=council).values_list(
            "child__reference", "upn", "mother", "mc_dob", "category_of_need", "uasc",
            "uasc_ceased_on",
        )
    )  # fmt: skip
    changes = sorted(
        models.LegalStatusChange.objects.filter(child__authority=council).values_list(
            "child__reference", "changed_on", "legal_status", "previous_status"
        )
    )
    numbers = sorted(
        User.objects.exclude(registration_number="").values_list("username", "registration_number")
    )
    return returns, details, changes, numbers, council.ofsted_urn


def test_the_check_letter_is_the_dfes(db):
    # B801200005001 is valid (python-stdnum's gb.upn): 8x2 + 1x4 + 2x5 + 5x10 + 1x13 = 93,
    # 93 mod 23 = 1: B. The letters skip I, O and S: 13 is P, 14 Q, 15 R, 16 T.
    assert check_letter("801200005001") == "B"
    assert [
        check_letter(digits)
        for digits in ("000000000010", "000000000001", "100000000001", "800000000000")
    ] == ["N", "P", "R", "T"]  # 12 (1x12), 13 (1x13), 15 (1x2 + 1x13), 16 (8x2)
    upn = make_upn("359", 2019, 42)
    assert (len(upn), upn[1:6], upn[0]) == (13, "35919", check_letter(upn[1:]))


def test_every_child_has_return_details_with_a_valid_upn_or_a_un_code(council):
    children = list(Child.objects.filter(authority=council).select_related("statutory"))

    assert len(children) == SIZE["children"]
    for child in children:
        details = child.statutory  # every child has them
        upn = details.upn
        if upn in UN_CODES:
            assert upn in ("UN1", "UN2")  # under 5 / newly arrived from overseas
        else:
            assert re.fullmatch(r"[A-Z]\d{12}", upn), upn
            assert upn[0] == check_letter(upn[1:]), upn
            assert upn[1:4] == LA_NUMBERS[WIGAN] == "359"
        assert details.category_of_need in {f"N{n}" for n in range(1, 9)}
        assert details.mother in (("0", "1") if child.sex == "F" else ("",))
        assert (details.mc_dob is not None) == (details.mother == "1")
        if details.uasc:
            assert (upn, details.category_of_need) == ("UN2", "N8")
            assert details.uasc_ceased_on is not None
    upns = [c.statutory.upn for c in children if c.statutory.upn not in UN_CODES]
    assert len(set(upns)) == len(upns) > 10


def test_the_social_workers_get_registration_numbers_used_as_sw_id(council):
    workers = {
        number
        for number in User.objects.filter(allocated_children__authority=council)
        .exclude(registration_number="")
        .values_list("registration_number", flat=True)
    }
    used = set(
        models.SocialWorkerEpisode.objects.filter(authority=council).values_list(
            "social_worker_id", flat=True
        )
    )

    assert workers and all(re.fullmatch(r"SW\d+", number) for number in workers)
    assert used and used <= set(User.objects.values_list("registration_number", flat=True))


def test_seeding_again_adds_nothing(council):
    before = counts()
    assert all(before[model.__name__] > 0 for model in RECORDS if model not in (
        models.CareLeaverOutcome, models.AdoptionDecision)), before  # fmt: skip

    with time_machine.travel(TODAY, tick=False):
        assert seed_returns(council) == 0
        people_seed.seed(**SIZE)

    assert counts() == before


def test_the_same_council_gets_the_same_records(db):
    with transaction.atomic():
        first = signature(seeded_council())
        transaction.set_rollback(True)
    assert not models.ChildReturn.objects.exists()

    again = signature(seeded_council())

    assert again == first
    assert first[0][1]["episodes.csv"] and first[0][1]["reviews.csv"]


def test_the_seed_writes_no_audit_and_answers_the_children_given_details(db, monkeypatch):
    monkeypatch.setattr(people_seed, "seed_returns", lambda authority: 0)
    council = seeded_council()
    assert not models.ChildReturn.objects.exists()
    audited = AuditEvent.objects.count()

    with time_machine.travel(TODAY, tick=False):
        made = seed_returns(council)

    assert made == SIZE["children"] == models.ChildReturn.objects.count()
    assert AuditEvent.objects.count() == audited
    with time_machine.travel(TODAY, tick=False):
        rows = return_rows(council, 2025)
    assert rows[tables.REVIEWS] and rows[tables.SW_EPISODES] and rows[tables.OC2]
