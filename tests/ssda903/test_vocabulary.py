"""One set of the SSDA903 return's code lists (hearth/ssda903/vocabulary.py), used by the import,
the recording pages, Hearth's checks and the indicators, and agreeing with the DfE's validator."""

import re
from pathlib import Path

import pytest

from hearth.placements import codes
from hearth.ssda903 import checks, imports, indicators, recording, tables, vocabulary

RULES = Path(__file__).resolve().parents[2] / (
    ".venv-903/lib/python3.11/site-packages/lac_validator/rules"
)


def test_the_modules_use_the_shared_lists_not_copies():
    assert recording.CATEGORY_OF_NEED is vocabulary.CATEGORY_OF_NEED
    assert recording.REASON_PLACED_CEASED is vocabulary.REASON_PLACED_CEASED
    assert recording.SW_REASON is vocabulary.SW_REASON
    assert vocabulary.PLACE is codes.PLACE and vocabulary.REC is codes.REC
    assert checks.places is vocabulary.places
    assert set(checks.REC_CODES) == set(codes.REC)
    assert set(checks.REASON_PLACE_CHANGE_CODES) == set(codes.REASON_PLACE_CHANGE)
    assert frozenset(vocabulary.TEMPORARY_PLACES) == indicators.TEMPORARY_PLACES
    lists = imports.CODE_LISTS
    assert lists[(tables.PLACED_FOR_ADOPTION, "reason_ceased")] == {"RD1", "RD2", "RD3", "RD4"}
    assert lists[(tables.EPISODES, "cin")] == set(vocabulary.CATEGORY_OF_NEED)
    assert lists[(tables.OC3, "accommodation")] == set(vocabulary.ACCOMMODATION)
    assert lists[(tables.AD1, "legal_status_of_adopters")] == set(
        vocabulary.LEGAL_STATUS_OF_ADOPTERS
    )


def test_the_place_codes_of_each_year():
    assert set(vocabulary.places(2025)) == set(codes.PLACE)
    before = set(vocabulary.places(2024))
    assert {"H5", "P2", "Z1"} <= before
    assert not before & {"K3", "Z11", "Z12", "Z13", "Z14"}


def _code_list(rule):
    path = RULES / "lac2022_23" / f"rule_{rule}.py"
    text = path.read_text()
    found = re.search(r"code_list = \[([^\]]*)\]", text)
    return {code.strip().strip("\"'") for code in found.group(1).split(",") if code.strip()}


@pytest.mark.skipif(not RULES.is_dir(), reason="the SSDA903 validator is not installed")
@pytest.mark.parametrize(
    ("rule", "codes_of"),
    [
        ("120", vocabulary.REASON_PLACED_CEASED),
        ("131", vocabulary.IN_TOUCH),
        ("132", vocabulary.ACTIVITY),
        ("145", vocabulary.CATEGORY_OF_NEED),
    ],
)
def test_the_lists_are_the_validators(rule, codes_of):
    assert _code_list(rule) == set(codes_of)
