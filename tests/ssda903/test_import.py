"""`hearth import 903 DIR`: a council's past returns read in, all or nothing, idempotent, and
written out again as they came (hearth/ssda903/imports.py)."""

import csv
import shutil
from argparse import Namespace
from datetime import date
from pathlib import Path

import pytest

from hearth.audit.models import AuditEvent
from hearth.cli.imports import import_records
from hearth.people.models import Child
from hearth.ssda903 import tables, validator
from hearth.ssda903.imports import import_return
from hearth.ssda903.models import (
    AdoptionDecision,
    ChildReturn,
    Episode,
    HealthOutcome,
    MissingEpisode,
    Review,
    SocialWorkerEpisode,
)
from tests.factories import ChildFactory

SAMPLE = Path(__file__).parent / "fixtures" / "return_2025"


@pytest.fixture
def sample(tmp_path):
    """A copy of the hand-written valid return of 2025-26, to change in a test."""
    folder = tmp_path / "return"
    shutil.copytree(SAMPLE, folder)
    return folder


def read(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def write(path, rows, header=None):
    header = header or list(rows[0])
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def change(path, line, **values):
    """Change the row on `line` of the file (the header is line 1)."""
    rows = read(path)
    rows[line - 2].update(values)
    write(path, rows)


def append(path, **values):
    rows = read(path)
    rows.append({name: values.get(name, "") for name in rows[0]})
    write(path, rows)


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (Child, ChildReturn, Episode, Review, MissingEpisode, SocialWorkerEpisode)
    }


# A valid return ---------------------------------------------------------------------------------


@pytest.mark.skipif(not validator.available(), reason="the SSDA903 validator is not installed")
def test_the_sample_return_passes_the_dfe_rules():
    checked = validator.validate(SAMPLE, year=2025, authority="E08000010")

    assert checked.errors == []


def test_importing_a_return_creates_its_children_and_rows(wigan, sample):
    result = import_return(wigan, sample)

    assert result.ok, result.errors
    assert result.year == 2025
    assert result.children_created == 5
    assert result.tables["episodes.csv"]["created"] == 9
    assert Episode.objects.filter(authority=wigan, source=Episode.Source.IMPORTED).count() == 9
    moved = Child.objects.get(authority=wigan, reference="C002")
    assert (moved.first_name, moved.last_name, moved.sex) == ("Child", "C002", "M")
    assert moved.date_of_birth == date(2010, 2, 14)
    assert moved.legal_status == "C2"  # the latest episode's
    assert [e.rne for e in Episode.objects.filter(child=moved)] == ["S", "L", "P"]
    asylum = ChildReturn.objects.get(child__reference="C005")
    assert (asylum.uasc, asylum.uasc_ceased_on, asylum.upn) == (True, date(2027, 8, 1), "UN2")
    assert ChildReturn.objects.get(child__reference="C001").category_of_need == "N1"
    assert HealthOutcome.objects.filter(year=2025).count() == 2
    assert AdoptionDecision.objects.get().legal_status_of_adopters == "L2"
    created = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, record_type="child")
    assert created.count() == 5
    assert "holds no names" in created.first().detail


def test_importing_the_same_return_twice_changes_nothing(wigan, sample):
    import_return(wigan, sample)
    before = counts()
    audited = AuditEvent.objects.count()

    again = import_return(wigan, sample)

    assert again.ok
    assert (again.created, again.updated, again.removed, again.children_created) == (0, 0, 0, 0)
    assert again.unchanged > 0
    assert counts() == before
    assert AuditEvent.objects.count() == audited


def test_a_return_imported_then_exported_gives_the_same_rows(wigan, sample):
    from hearth.ssda903.export import return_rows

    assert import_return(wigan, sample).ok

    exported = return_rows(wigan, 2025)

    for table in tables.TABLES:
        given = read(sample / table.file)
        assert sorted(exported[table], key=_order) == sorted(given, key=_order), table.file


def _order(row):
    return tuple(row.values())


def test_a_corrected_return_replaces_the_imported_rows_of_its_year(wigan, sample):
    import_return(wigan, sample)
    reviews = read(sample / "reviews.csv")
    write(sample / "reviews.csv", [r for r in reviews if r["REVIEW"] != "10/11/2025"])
    change(sample / "missing.csv", 2, MIS_END="05/07/2025")

    result = import_return(wigan, sample)

    assert result.ok, result.errors
    assert result.tables["reviews.csv"]["removed"] == 1
    assert result.tables["missing.csv"]["updated"] == 1
    assert not Review.objects.filter(reviewed_on=date(2025, 11, 10)).exists()
    assert MissingEpisode.objects.get(child__reference="C001").ended_on == date(2025, 7, 5)
    audited = AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT, record_type="child")
    assert audited.count() == 1


def test_a_corrected_return_never_removes_a_placement_recorded_in_hearth(wigan, sample):
    import_return(wigan, sample)
    child = Child.objects.get(reference="C001")
    made = Episode.objects.create(
        authority=wigan, child=child, source=Episode.Source.HEARTH, decom=date(2014, 1, 1),
        dec=date(2015, 1, 1), rne="S", ls="C2", place="U4", rec="E4A",
    )  # fmt: skip
    Review.objects.create(authority=wigan, child=child, reviewed_on=date(2025, 12, 1))
    write(sample / "reviews.csv", read(sample / "reviews.csv")[2:])

    assert import_return(wigan, sample).ok

    assert Episode.objects.filter(pk=made.pk).exists()
    assert Review.objects.filter(child=child).count() == 3  # Hearth records them now


def test_an_episode_overlapping_a_placement_recorded_in_hearth_is_refused(wigan, sample):
    child = ChildFactory(authority=wigan, reference="C001", date_of_birth=date(2012, 5, 10))
    Episode.objects.create(
        authority=wigan, child=child, source=Episode.Source.HEARTH, decom=date(2025, 9, 1),
        rne="P", ls="C2", place="U4",
    )  # fmt: skip

    result = import_return(wigan, sample)

    assert not result.ok
    assert result.errors == [
        (
            ("episodes.csv", 2),
            "CHILD C001: the episode from 01/06/2019 overlaps a placement recorded in Hearth "
            "(from 01/09/2025, still open): a child's episodes may not overlap",
        )
    ]
    assert Episode.objects.count() == 1


def test_an_open_episode_is_ended_when_the_child_was_placed_in_hearth_after_its_year(wigan, sample):
    child = ChildFactory(authority=wigan, reference="C001", date_of_birth=date(2012, 5, 10))
    Episode.objects.create(
        authority=wigan, child=child, source=Episode.Source.HEARTH, decom=date(2026, 4, 20),
        rne="P", ls="C2", place="U4",
    )  # fmt: skip

    assert import_return(wigan, sample).ok
    again = import_return(wigan, sample)

    imported = Episode.objects.get(child=child, source=Episode.Source.IMPORTED)
    assert (imported.dec, imported.rec) == (date(2026, 4, 20), "X1")
    assert again.tables["episodes.csv"]["updated"] == 0


def test_a_child_hearth_holds_is_matched_by_reference_and_keeps_their_name(wigan, sample):
    ChildFactory(
        authority=wigan, reference="C001", first_name="Ava", date_of_birth=date(2012, 5, 10)
    )

    result = import_return(wigan, sample)

    assert result.ok
    assert result.children_created == 4
    assert Child.objects.get(reference="C001").first_name == "Ava"


# A return with problems ------------------------------------------------------------------------


def test_a_bad_return_is_refused_row_by_row_and_nothing_is_written(wigan, sample):
    change(sample / "episodes.csv", 2, DECOM="31/02/2019")
    change(sample / "episodes.csv", 3, PLACE="Q9")
    change(sample / "episodes.csv", 6, DEC="01/01/2023")
    append(sample / "episodes.csv", CHILD="C005", DECOM="01/07/2025", RNE="P", LS="C2", PLACE="U4")
    append(sample / "reviews.csv", CHILD="C999", DOB="01/01/2015", REVIEW="01/06/2025")
    change(sample / "missing.csv", 2, DOB="11/05/2012")

    result = import_return(wigan, sample)

    assert not result.ok
    reasons = dict(result.errors)
    assert reasons[("episodes.csv", 2)] == "DECOM: '31/02/2019' is not a date written dd/mm/yyyy"
    assert reasons[("episodes.csv", 3)].startswith("PLACE: 'Q9' is not one of the codes: A3")
    assert reasons[("episodes.csv", 6)] == (
        "DEC: the episode ends (01/01/2023) before it starts (DECOM)"
    )
    assert reasons[("reviews.csv", 10)] == "CHILD C999 is not in the return's header"
    assert reasons[("missing.csv", 2)] == "DOB: 11/05/2012 is not the header's (10/05/2012, line 2)"
    assert ("episodes.csv", 11) in reasons  # overlaps C005's episode open since May
    assert "may not overlap" in reasons[("episodes.csv", 11)]
    assert counts() == dict.fromkeys(counts(), 0)
    assert not AuditEvent.objects.exists()


def test_a_file_with_the_wrong_columns_is_refused_naming_them(wigan, sample):
    rows = read(sample / "reviews.csv")
    write(sample / "reviews.csv", [{**r, "NOTE": ""} for r in rows])

    result = import_return(wigan, sample)

    assert result.errors == [
        (
            ("reviews.csv", 1),
            "unknown columns NOTE. The reviews.csv columns are CHILD, DOB, REVIEW, REVIEW_CODE",
        )
    ]


def test_a_return_without_its_header_is_refused(wigan, sample):
    (sample / "header.csv").unlink()

    result = import_return(wigan, sample)

    assert (("header.csv", 0), "header.csv is missing: every return has one") in result.errors


def test_a_table_with_no_file_is_empty(wigan, sample):
    for name in ("oc3.csv", "ad1.csv", "placed_for_adoption.csv", "previous_permanence.csv"):
        (sample / name).unlink()

    assert import_return(wigan, sample).ok


def test_a_file_is_known_by_its_columns_when_its_name_is_not_the_dfes(wigan, sample):
    (sample / "reviews.csv").rename(sample / "Reviews 2025-26.csv")

    result = import_return(wigan, sample)

    assert result.ok
    assert result.tables["reviews.csv"]["created"] == 8


def test_sex_not_known_is_refused_with_the_reason(wigan, sample):
    change(sample / "header.csv", 3, SEX="U")

    result = import_return(wigan, sample)

    assert result.errors[0][0] == ("header.csv", 3)
    assert result.errors[0][1].startswith("SEX: U (not known): Hearth records a child's sex as M")


def test_a_child_whose_details_differ_from_hearths_is_refused(wigan, sample):
    ChildFactory(authority=wigan, reference="C001", date_of_birth=date(2012, 5, 11))

    result = import_return(wigan, sample)

    assert result.errors == [
        (
            ("header.csv", 2),
            "DOB: Hearth holds the date of birth 11/05/2012 for child C001: correct the "
            "child's record or the return, then import again",
        )
    ]


# Last year's return (prev/) ----------------------------------------------------------------------


def test_last_years_return_in_prev_is_imported_first_and_this_years_wins(wigan, sample):
    prev = sample / "prev"
    prev.mkdir()
    header = [r for r in read(sample / "header.csv") if r["CHILD"] in ("C001", "C002")]
    write(prev / "header.csv", header)
    episodes = read(sample / "episodes.csv")
    write(
        prev / "episodes.csv",
        [
            episodes[0],
            {**episodes[1], "DEC": "", "REC": ""},  # open on 31 March 2025
        ],
    )
    write(prev / "reviews.csv", [{"CHILD": "C001", "DOB": "10/05/2012", "REVIEW": "20/11/2024",
                                  "REVIEW_CODE": "PN1"}])  # fmt: skip

    result = import_return(wigan, sample)

    assert result.ok, result.errors
    ended = Episode.objects.get(child__reference="C002", decom=date(2024, 11, 1))
    assert (ended.dec, ended.rec) == (date(2025, 6, 1), "X1")
    assert Review.objects.filter(child__reference="C001").count() == 3
    assert import_return(wigan, sample).updated == 0


def test_prev_holding_this_years_return_is_refused(wigan, sample):
    shutil.copytree(SAMPLE, sample / "prev")

    result = import_return(wigan, sample)

    assert result.errors == [
        (
            ("prev/episodes.csv", 0),
            "prev/ holds dates of 2025-26: it should be the return of the year before (2024-25)",
        )
    ]


# The command ---------------------------------------------------------------------------------------


def _command(folder, output="text"):
    return Namespace(kind="903", path=folder, authority="E08000010", format=output)


def test_the_command_imports_a_folder(wigan, sample, capsys):
    assert import_records(_command(sample)) == 0

    out, err = capsys.readouterr()
    assert out.startswith("created ")
    assert "the return of 2025-26; new children 5" in err


def test_the_command_lists_every_bad_row_and_exits_1(wigan, sample, capsys):
    change(sample / "episodes.csv", 3, LS="Z9")
    change(sample / "reviews.csv", 2, REVIEW_CODE="PN9")

    assert import_records(_command(sample)) == 1

    _out, err = capsys.readouterr()
    assert f"{sample / 'episodes.csv'}:3: LS: 'Z9' is not one of the codes" in err
    assert f"{sample / 'reviews.csv'}:2: REVIEW_CODE: 'PN9' is not one of the codes" in err
    assert "nothing was imported (2 problems" in err
    assert not Episode.objects.exists()


# Fixes after review: the code lists, the children's version, the return's year ----------------------


def test_a_placement_for_adoption_ceased_with_an_episode_code_is_refused(wigan, sample):
    # REASON_PLACED_CEASED is RD1 to RD4 (validator rule 120), not REC's E11 or E12.
    change(sample / "placed_for_adoption.csv", 2, DATE_PLACED_CEASED="01/12/2025",
           REASON_PLACED_CEASED="E11")  # fmt: skip

    result = import_return(wigan, sample)

    assert result.errors == [
        (
            ("placed_for_adoption.csv", 2),
            "REASON_PLACED_CEASED: 'E11' is not one of the codes: RD1, RD2, RD3, RD4",
        )
    ]


def test_a_child_the_import_changes_has_their_version_raised(wigan, sample):
    # A form opened on the child before the import must meet a conflict, not write over it.
    child = ChildFactory(
        authority=wigan, reference="C001", date_of_birth=date(2012, 5, 10), ethnicity="NOBT",
        legal_status="C1",
    )  # fmt: skip
    untouched = ChildFactory(authority=wigan, reference="C999")

    assert import_return(wigan, sample).ok

    child.refresh_from_db()
    assert (child.ethnicity, child.legal_status, child.version) == ("WBRI", "C2", 2)
    untouched.refresh_from_db()
    assert untouched.version == 1


def _sparse(folder):
    """The return of 2025-26 of one child looked after since 2019, with nothing ended and no
    review in the year: its latest date (1 June 2019) tells nothing of its year."""
    header = [r for r in read(folder / "header.csv") if r["CHILD"] == "C001"]
    episodes = [r for r in read(folder / "episodes.csv") if r["CHILD"] == "C001"]
    for path in folder.iterdir():
        path.unlink()
    write(folder / "header.csv", header)
    write(folder / "episodes.csv", episodes)
    return folder


def test_a_return_whose_dates_do_not_prove_its_year_is_refused_asking_for_it(wigan, sample):
    result = import_return(wigan, _sparse(sample))

    assert result.errors == [
        (
            ("episodes.csv", 0),
            "cannot tell the return's year: its latest date (01/06/2019) is in 2019-20, but no "
            "episode, missing episode or social worker episode ended and no review was held in "
            "2019-20, so it may be the return of 2020-21: give the year (--year 2019 for "
            "2019-20, --year 2020 for 2020-21)",
        )
    ]
    assert not Child.objects.exists()


def test_the_year_given_is_the_returns_and_replaces_that_year_only(wigan, sample):
    assert import_return(wigan, sample).ok  # 2025-26 with all its rows
    reviews = Review.objects.count()

    result = import_return(wigan, _sparse(sample), year=2025)

    assert result.ok, result.errors
    assert result.year == 2025
    # The corrected 2025-26 return holds C001 only: the rows of 2025-26 it no longer holds go.
    assert Review.objects.count() < reviews
    assert not Review.objects.filter(child__reference="C001").exists()
    assert Episode.objects.filter(child__reference="C001").count() == 1


def test_an_episode_that_ended_before_the_years_start_is_refused(wigan, sample):
    result = import_return(wigan, sample, year=2026)

    assert (
        ("episodes.csv", 3),
        "DEC: the episode ended before the return's year began (01/04/2026): a return of "
        "2026-27 holds the episodes open at some time in it",
    ) in result.errors
    assert not Episode.objects.exists()


def test_the_plan_is_made_in_the_transaction_that_writes_it(wigan, sample, monkeypatch):
    # A placement started between the plan and the writing would be missed by the plan.
    from django.db import connection

    from hearth.ssda903 import imports

    depths = {}

    class Plan(imports._EpisodePlan):
        def __init__(self, *args, **kwargs):
            depths["plan"] = len(connection.atomic_blocks)
            super().__init__(*args, **kwargs)

    class Writer(imports._Writer):
        def write(self):
            depths["write"] = len(connection.atomic_blocks)
            super().write()

    monkeypatch.setattr(imports, "_EpisodePlan", Plan)
    monkeypatch.setattr(imports, "_Writer", Writer)

    assert import_return(wigan, sample).ok
    assert depths["plan"] == depths["write"]


def test_the_command_takes_the_returns_year(wigan, sample, capsys):
    folder = _sparse(sample)

    assert import_records(_command(folder)) == 1
    _out, err = capsys.readouterr()
    assert "give the year (--year 2019 for 2019-20" in err

    assert import_records(Namespace(**vars(_command(folder)), year=2025)) == 0
    _out, err = capsys.readouterr()
    assert "the return of 2025-26" in err
    assert Episode.objects.filter(child__reference="C001").exists()


def test_the_commands_year_is_for_903_only(wigan, tmp_path):
    from hearth.cli.console import UserError

    args = Namespace(kind="children", path=tmp_path, authority="E08000010", format="text",
                     year=2025)  # fmt: skip
    with pytest.raises(UserError, match="--year is for 903 returns only"):
        import_records(args)
