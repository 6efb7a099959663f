"""The seeded council's SSDA903 return passes the DfE's rules (`csc-validator-be-903`, run for
real in `.venv-903`), and a return broken on purpose fails exactly the rules it breaks."""

import csv
import shutil
from datetime import datetime

import pytest
import time_machine

from hearth.core.deadlines import LONDON
from hearth.core.models import Organisation
from hearth.people.seed import seed
from hearth.ssda903 import validator
from hearth.ssda903.export import write_return

pytestmark = pytest.mark.skipif(
    not validator.available(),
    reason="the SSDA903 validator is not installed in .venv-903: run `make validator`",
)
WIGAN = "E08000010"
TODAY = datetime(2026, 11, 20, 9, tzinfo=LONDON)


@pytest.fixture
def seeded_return(db, tmp_path):
    """A seeded council's 2025-26 return, with 2024-25's in prev/."""
    with time_machine.travel(TODAY, tick=False):
        seed(authorities=1, children=90, households=24, agencies=4)
        council = Organisation.objects.get(ons_code=WIGAN)
        write_return(council, 2025, tmp_path / "return")
    return tmp_path / "return"


def _read(path):
    with open(path, newline="") as file:
        return list(csv.DictReader(file))


def _write(path, rows):
    with open(path, "w", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def test_the_seeded_councils_return_for_2025_26_passes_the_dfe_rules(seeded_return):
    result = validator.validate(seeded_return, year=2025, authority=WIGAN)

    assert result.ruleset == "lac2025_26"
    assert result.errors == []
    assert len(_read(seeded_return / "episodes.csv")) > 30
    assert _read(seeded_return / "reviews.csv") and _read(seeded_return / "sw_episodes.csv")


def _a_move(episodes):
    """(the index of an episode ending with a move in the year, the next one's index)."""
    for number, (episode, after) in enumerate(zip(episodes, episodes[1:], strict=False)):
        if (
            episode["REC"] == "X1"
            and after["CHILD"] == episode["CHILD"]
            and after["RNE"] == "P"
            and episode["DEC"].endswith(("/2025", "/2026"))
            and episode["DEC"][-4:] + episode["DEC"][3:5] >= "202504"
        ):
            return number, number + 1
    raise AssertionError("the seeded return has no move in the year")


def test_a_broken_return_fails_exactly_the_rules_it_breaks(seeded_return, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(seeded_return, broken)
    episodes = _read(broken / "episodes.csv")
    moved, next_one = _a_move(episodes)
    episodes[moved]["REASON_PLACE_CHANGE"] = ""  # 225: a move in care needs its reason
    # (an episode that started in the year, so that last year's return has no say on it: 503D)
    open_episodes = [
        n
        for n, e in enumerate(episodes)
        if not e["DEC"] and n != next_one and e["DECOM"][-4:] + e["DECOM"][3:5] >= "202504"
    ]
    episodes[open_episodes[0]]["PLACE"] = "Q9"  # 146: not a PLACE code
    _write(broken / "episodes.csv", episodes)

    result = validator.validate(broken, year=2025, authority=WIGAN)

    assert result.rules == ["146", "225"]
    assert {(e.rule, e.child) for e in result.errors} == {
        ("225", episodes[moved]["CHILD"]),
        ("146", episodes[open_episodes[0]]["CHILD"]),
    }


def test_an_episode_ending_in_a_move_with_nothing_after_it_fails_rule_388(seeded_return, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(seeded_return, broken)
    episodes = _read(broken / "episodes.csv")
    moved, next_one = _a_move(episodes)
    child = episodes[moved]["CHILD"]
    _write(broken / "episodes.csv", [e for n, e in enumerate(episodes) if n != next_one])

    result = validator.validate(broken, year=2025, authority=WIGAN)

    assert "388" in result.rules
    assert {e.child for e in result.errors if e.rule == "388"} == {child}
