"""A return written by Hearth, read into another council, is written out again the same
(`hearth.ssda903.export` then `hearth.ssda903.imports`): the seeded council's return of 2025-26
with last year's in prev/, and the hand-written sample return, file by file."""

import shutil
from datetime import datetime
from pathlib import Path

import pytest
import time_machine

from hearth.core.deadlines import LONDON
from hearth.core.models import Organisation
from hearth.people.models import Child
from hearth.people.seed import seed
from hearth.ssda903 import tables
from hearth.ssda903.export import return_rows, write_return
from hearth.ssda903.imports import import_return
from hearth.ssda903.models import Episode
from tests.factories import AuthorityFactory

WIGAN = "E08000010"
BOLTON = "E08000001"
TODAY = datetime(2026, 11, 20, 9, tzinfo=LONDON)
SAMPLE = Path(__file__).parent / "fixtures" / "return_2025"


@pytest.fixture
def seeded(db):
    """The seeded council (as the validator's test seeds it) and its 2025-26 return's rows."""
    with time_machine.travel(TODAY, tick=False):
        seed(authorities=1, children=90, households=24, agencies=4)
    return Organisation.objects.get(ons_code=WIGAN)


@pytest.fixture
def empty_council(db):
    return AuthorityFactory(name="Bolton Council", ons_code=BOLTON)


def _by_file(rows):
    return {table.file: rows[table] for table in tables.TABLES}


def test_the_seeded_return_read_into_another_council_is_written_out_the_same(
    seeded, empty_council, tmp_path
):
    with time_machine.travel(TODAY, tick=False):
        written = write_return(seeded, 2025, tmp_path / "return")
        exported = _by_file(return_rows(seeded, 2025))
        last_year = _by_file(return_rows(seeded, 2024, coding_year=2025))

        result = import_return(empty_council, tmp_path / "return")

        assert result.ok, result.errors[:10]
        assert result.year == 2025
        again = _by_file(return_rows(empty_council, 2025))
        again_last_year = _by_file(return_rows(empty_council, 2024, coding_year=2025))

    assert written["episodes.csv"] > 30 and written["prev/episodes.csv"] > 20
    assert Episode.objects.filter(authority=empty_council).exclude(source="imported").count() == 0
    # Nothing of the first council was touched or matched: the CHILD ids are the new council's.
    assert Child.objects.filter(authority=seeded).count() == 90
    assert result.children_created == Child.objects.filter(authority=empty_council).count()
    for file, rows in exported.items():
        assert again[file] == rows, file  # row by row, in order, every column (UPN too)
    for file, rows in last_year.items():
        assert again_last_year[file] == rows, f"prev/{file}"


def test_the_seeded_return_written_again_from_the_other_council_is_the_same_files(
    seeded, empty_council, tmp_path
):
    with time_machine.travel(TODAY, tick=False):
        write_return(seeded, 2025, tmp_path / "first")
        assert import_return(empty_council, tmp_path / "first").ok
        write_return(empty_council, 2025, tmp_path / "second")

    for name in sorted(p.relative_to(tmp_path / "first") for p in (tmp_path / "first").rglob("*")):
        first = tmp_path / "first" / name
        if first.is_file():
            assert (tmp_path / "second" / name).read_text() == first.read_text(), name


def _sorted_as_exported(path):
    """The file's lines with its rows in the export's order (by CHILD, then the row's first
    date): the hand-written sample keeps its children in the order they were written."""
    header, *rows = path.read_text().splitlines()

    def order(line):
        cells = line.split(",")
        days = [tables.parse_day(cell) for cell in cells[1:] if _is_day(cell)]
        return (cells[0], days[1:2] if path.name != "episodes.csv" else days[:1])

    return [header, *sorted(rows, key=order)]


def _is_day(cell):
    try:
        return tables.parse_day(cell) is not None
    except ValueError:
        return False


def test_the_sample_return_imported_then_written_is_the_same_text(wigan, tmp_path):
    """test_import.py compares the rows as dicts; this compares the files' text: the columns in
    the DfE's order, the same header line, the same cells, one row to a line."""
    folder = tmp_path / "sample"
    shutil.copytree(SAMPLE, folder)
    assert import_return(wigan, folder).ok

    write_return(wigan, 2025, tmp_path / "out", previous=False)

    for table in tables.TABLES:
        written = (tmp_path / "out" / table.file).read_text().splitlines()
        assert written == _sorted_as_exported(SAMPLE / table.file), table.file
    assert not (tmp_path / "out" / "prev").exists()
