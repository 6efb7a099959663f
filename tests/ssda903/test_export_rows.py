"""Which rows go in each table of a year's return (`hearth.ssda903.export.return_rows`), on
small hand-built histories, without the DfE's validator: the year is 2025 (1 April 2025 to 31
March 2026)."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.ssda903 import tables
from hearth.ssda903.export import return_rows, write_return
from hearth.ssda903.models import (
    AdoptionDecision,
    CareLeaverOutcome,
    ChildReturn,
    Episode,
    HealthOutcome,
    MissingEpisode,
    PlacedForAdoption,
    PreviousPermanence,
    Review,
    SocialWorkerEpisode,
)
from tests.factories import ChildFactory

YEAR = 2025


def episode(child, decom, *, dec=None, rec="", rne="S", ls="C2", place="U4", **fields):
    values = {
        "cin": "N1", "place_provider": "PR1", "reason_place_change": "",
        "home_post": "WN1 1AA", "pl_post": "WN1 1AB", "urn": "SC123456", **fields,
    }  # fmt: skip
    return Episode.objects.create(
        authority=child.authority, child=child, source=Episode.Source.IMPORTED, decom=decom,
        dec=dec, rec=rec, rne=rne, ls=ls, place=place, **values,
    )  # fmt: skip


def row_of(child, **fields):
    """The child's part of a row of a child table (CHILD, DOB) and the rest."""
    return {"CHILD": child.reference, "DOB": tables.day(child.date_of_birth), **fields}


def column(rows, table, name):
    return [row[name] for row in rows[table]]


@pytest.fixture
def history(wigan):
    """Children of Wigan, made out of the order of their references."""
    c = {}
    # Looked after since before the year, still looked after: in.
    c["C003"] = ChildFactory(
        authority=wigan, reference="C003", sex="F", date_of_birth=date(2012, 5, 10),
        ethnicity="WBRI",
    )  # fmt: skip
    episode(c["C003"], date(2024, 6, 1), place_provider="pr1", home_post="wn1 1aa")
    # Started in the year, left after it: in, and open (the return is as on 31 March).
    c["C001"] = ChildFactory(
        authority=wigan, reference="C001", sex="M", date_of_birth=date(2010, 2, 14),
        ethnicity="MWBC",
    )  # fmt: skip
    episode(c["C001"], date(2025, 5, 1), dec=date(2026, 4, 10), rec="E4A",
            reason_place_change="CARPL")  # fmt: skip
    # Left the day before the year began: not in the return at all.
    c["C002"] = ChildFactory(
        authority=wigan, reference="C002", sex="M", date_of_birth=date(2008, 1, 20)
    )
    episode(c["C002"], date(2023, 1, 10), dec=date(2025, 3, 31), rec="E4A")
    # Adopted in the year (E11), after a change of legal status and a move; the first episode
    # ends on 1 April, in the year. Episodes made out of their order.
    c["C004"] = ChildFactory(
        authority=wigan, reference="C004", sex="F", date_of_birth=date(2022, 3, 3)
    )
    episode(c["C004"], date(2025, 6, 1), dec=date(2025, 12, 1), rec="E11", rne="P", ls="E1",
            place="A6")  # fmt: skip
    episode(c["C004"], date(2025, 4, 1), dec=date(2025, 6, 1), rec="X1", rne="L", ls="E1",
            place="U6", reason_place_change="CARPL")  # fmt: skip
    episode(c["C004"], date(2023, 1, 10), dec=date(2025, 4, 1), rec="X1", place="U6")
    # An unaccompanied asylum seeker who came into care in the year.
    c["C005"] = ChildFactory(
        authority=wigan, reference="C005", sex="M", date_of_birth=date(2009, 8, 1),
        ethnicity="AOTH",
    )  # fmt: skip
    episode(c["C005"], date(2025, 5, 1), ls="V2", place="U6", cin="N8", home_post="")
    # Adopted (E12) on a day in the year; and a child whose placement order ended otherwise.
    c["C006"] = ChildFactory(authority=wigan, reference="C006", date_of_birth=date(2021, 1, 5))
    episode(c["C006"], date(2024, 1, 1), dec=date(2026, 2, 1), rec="E12", ls="E1", place="A6")
    c["C007"] = ChildFactory(authority=wigan, reference="C007", date_of_birth=date(2020, 7, 7))
    episode(c["C007"], date(2024, 2, 1), dec=date(2025, 9, 1), rec="E13", ls="E1", place="A6")
    # Came into care the day after the year ended: not in it.
    c["C009"] = ChildFactory(authority=wigan, reference="C009", date_of_birth=date(2015, 1, 1))
    episode(c["C009"], date(2026, 4, 1))
    return c


def test_episodes_open_at_any_time_in_the_year_every_column_in_the_dfes_text(history):
    rows = return_rows(history["C001"].authority, YEAR)

    episodes = rows[tables.EPISODES]
    assert [(e["CHILD"], e["DECOM"]) for e in episodes] == [
        ("C001", "01/05/2025"),
        ("C003", "01/06/2024"),  # open across 1 April
        ("C004", "10/01/2023"),  # ended on 1 April: its ending is in the year
        ("C004", "01/04/2025"),
        ("C004", "01/06/2025"),
        ("C005", "01/05/2025"),
        ("C006", "01/01/2024"),
        ("C007", "01/02/2024"),
    ]  # C002 (left on 31 March 2025) and C009 (came on 1 April 2026) are not in it
    assert list(episodes[1]) == tables.EPISODES.header
    assert episodes[1] == {
        "CHILD": "C003", "DECOM": "01/06/2024", "RNE": "S", "LS": "C2", "CIN": "N1",
        "PLACE": "U4", "PLACE_PROVIDER": "PR1", "DEC": "", "REC": "", "REASON_PLACE_CHANGE": "",
        "HOME_POST": "WN1 1AA", "PL_POST": "WN1 1AB", "URN": "SC123456",
    }  # fmt: skip
    # Ending on 10 April 2026, after the year: open in this return, with no reason for a move.
    assert {k: episodes[0][k] for k in ("DEC", "REC", "REASON_PLACE_CHANGE")} == dict.fromkeys(
        ("DEC", "REC", "REASON_PLACE_CHANGE"), ""
    )
    assert [e["DEC"] for e in episodes[2:5]] == ["01/04/2025", "01/06/2025", "01/12/2025"]
    assert [e["REASON_PLACE_CHANGE"] for e in episodes[2:5]] == ["", "CARPL", ""]
    assert episodes[5]["HOME_POST"] == ""


def test_the_next_years_return_holds_the_ending_after_31_march(history):
    rows = return_rows(history["C001"].authority, YEAR + 1)

    assert [(e["CHILD"], e["DECOM"], e["DEC"], e["REC"], e["REASON_PLACE_CHANGE"])
            for e in rows[tables.EPISODES] if e["CHILD"] in ("C001", "C009")] == [
        ("C001", "01/05/2025", "10/04/2026", "E4A", "CARPL"),
        ("C009", "01/04/2026", "", "", ""),
    ]  # fmt: skip


def test_the_header_is_every_child_of_the_years_episodes_with_their_details(history):
    ChildReturn.objects.create(
        child=history["C003"], upn="A123456789012", mother="1", mc_dob=date(2025, 8, 19)
    )
    ChildReturn.objects.create(child=history["C005"], upn="un2", uasc=True)

    header = return_rows(history["C001"].authority, YEAR)[tables.HEADER]

    assert column({0: header}, 0, "CHILD") == [
        "C001", "C003", "C004", "C005", "C006", "C007"
    ]  # fmt: skip
    assert header[1] == {
        "CHILD": "C003", "SEX": "F", "DOB": "10/05/2012", "ETHNIC": "WBRI",
        "UPN": "A123456789012", "MOTHER": "1", "MC_DOB": "19/08/2025",
    }  # fmt: skip
    assert header[0] == {
        "CHILD": "C001", "SEX": "M", "DOB": "14/02/2010", "ETHNIC": "MWBC",
        "UPN": "", "MOTHER": "", "MC_DOB": "",
    }  # fmt: skip
    assert header[3]["UPN"] == "UN2"


def test_a_mother_whose_child_was_born_after_the_year_was_not_one_in_it(history):
    """Rule 625: MC_DOB may not be after the year's end (and 626 reads last year's MOTHER)."""
    ChildReturn.objects.create(child=history["C003"], mother="1", mc_dob=date(2026, 6, 1))

    this_year = return_rows(history["C003"].authority, YEAR)[tables.HEADER]
    next_year = return_rows(history["C003"].authority, YEAR + 1)[tables.HEADER]

    assert [(r["MOTHER"], r["MC_DOB"]) for r in this_year if r["CHILD"] == "C003"] == [("0", "")]
    assert [(r["MOTHER"], r["MC_DOB"]) for r in next_year if r["CHILD"] == "C003"] == [
        ("1", "01/06/2026")
    ]


def test_sex_is_written_1_or_2_before_2024_25(history):
    header = return_rows(history["C004"].authority, 2023)[tables.HEADER]

    assert [(r["CHILD"], r["SEX"]) for r in header] == [
        ("C002", "1"), ("C004", "2"), ("C006", "2"), ("C007", "2")
    ]  # fmt: skip
    written_as_this_year = return_rows(history["C004"].authority, 2023, coding_year=2024)
    assert [r["SEX"] for r in written_as_this_year[tables.HEADER]] == ["M", "F", "F", "F"]


def test_uasc_is_the_headers_asylum_seekers_only(history):
    ChildReturn.objects.create(child=history["C005"], upn="UN2", uasc=True,
                               uasc_ceased_on=date(2027, 8, 1))  # fmt: skip
    ChildReturn.objects.create(child=history["C002"], upn="UN2", uasc=True)  # not in the header
    ChildReturn.objects.create(child=history["C003"], upn="UN1", uasc=False)

    uasc = return_rows(history["C005"].authority, YEAR)[tables.UASC]

    assert uasc == [{"CHILD": "C005", "SEX": "M", "DOB": "01/08/2009", "DUC": "01/08/2027"}]


def test_reviews_held_in_the_year_of_the_headers_children(history):
    c003, c002 = history["C003"], history["C002"]
    for day in (date(2026, 4, 1), date(2026, 3, 31), date(2025, 3, 31), date(2025, 4, 1)):
        Review.objects.create(authority=c003.authority, child=c003, reviewed_on=day,
                              participation="pn1")  # fmt: skip
    Review.objects.create(authority=c002.authority, child=c002, reviewed_on=date(2025, 5, 1),
                          participation="PN2")  # fmt: skip

    reviews = return_rows(c003.authority, YEAR)[tables.REVIEWS]

    assert reviews == [
        row_of(c003, REVIEW="01/04/2025", REVIEW_CODE="PN1"),
        row_of(c003, REVIEW="31/03/2026", REVIEW_CODE="PN1"),
    ]


def test_missing_episodes_started_in_the_year_or_still_open_on_1_april(history):
    c003 = history["C003"]
    for kind, started, ended in (
        ("A", date(2026, 3, 30), date(2026, 4, 2)),  # ends after the year: open in it
        ("M", date(2025, 3, 1), date(2025, 3, 5)),  # before the year
        ("M", date(2025, 7, 3), date(2025, 7, 4)),
        ("M", date(2026, 4, 5), None),  # after the year
        ("m", date(2025, 3, 20), None),  # open across 1 April
    ):
        MissingEpisode.objects.create(authority=c003.authority, child=c003, kind=kind,
                                      started_on=started, ended_on=ended)  # fmt: skip

    missing = return_rows(c003.authority, YEAR)[tables.MISSING]

    assert missing == [
        row_of(c003, MISSING="M", MIS_START="20/03/2025", MIS_END=""),
        row_of(c003, MISSING="M", MIS_START="03/07/2025", MIS_END="04/07/2025"),
        row_of(c003, MISSING="A", MIS_START="30/03/2026", MIS_END=""),
    ]


def test_oc2_and_oc3_are_the_years_outcomes(history):
    c003, c002 = history["C003"], history["C002"]
    for year, score in ((2024, "10"), (2025, "12"), (2026, "14")):
        HealthOutcome.objects.create(
            authority=c003.authority, child=c003, year=year, sdq_score=score, convicted="0",
            immunisations="1", teeth_check="1", health_assessment="1", substance_misuse="0",
        )  # fmt: skip
    # A care leaver (not looked after in the year, so not in the header) has OC3 of the year.
    CareLeaverOutcome.objects.create(authority=c002.authority, child=c002, year=2025,
                                     in_touch="yes", activity="F2", accommodation="S2")  # fmt: skip
    CareLeaverOutcome.objects.create(authority=c002.authority, child=c002, year=2024,
                                     in_touch="NO", activity="G4", accommodation="T2")  # fmt: skip

    rows = return_rows(c003.authority, YEAR)

    assert rows[tables.OC2] == [
        row_of(c003, SDQ_SCORE="12", SDQ_REASON="", CONVICTED="0", HEALTH_CHECK="",
               IMMUNISATIONS="1", TEETH_CHECK="1", HEALTH_ASSESSMENT="1", SUBSTANCE_MISUSE="0",
               INTERVENTION_RECEIVED="", INTERVENTION_OFFERED="")
    ]  # fmt: skip
    assert rows[tables.OC3] == [row_of(c002, IN_TOUCH="YES", ACTIV="F2", ACCOM="S2")]
    assert "C002" not in column(rows, tables.HEADER, "CHILD")


def test_ad1_is_the_children_adopted_in_the_year(history):
    for child in (history["C004"], history["C006"], history["C007"], history["C003"]):
        AdoptionDecision.objects.create(
            authority=child.authority, child=child, decided_on=date(2023, 11, 1),
            matched_on=date(2025, 2, 15), foster_care="0", number_of_adopters="2",
            sex_of_adopters="mf", legal_status_of_adopters="L2",
        )  # fmt: skip

    ad1 = return_rows(history["C004"].authority, YEAR)[tables.AD1]

    assert column({0: ad1}, 0, "CHILD") == ["C004", "C006"]  # E11 and E12; not E13, not open
    assert ad1[0] == row_of(
        history["C004"], DATE_INT="01/11/2023", DATE_MATCH="15/02/2025", FOSTER_CARE="0",
        NB_ADOPTR="2", SEX_ADOPTR="MF", LS_ADOPTR="L2",
    )  # fmt: skip


def test_placed_for_adoption_in_force_at_some_time_in_the_year(history):
    c004, c006, c007 = history["C004"], history["C006"], history["C007"]
    PlacedForAdoption.objects.create(authority=c004.authority, child=c004,
                                     placed_on=date(2023, 11, 1))  # fmt: skip
    PlacedForAdoption.objects.create(authority=c006.authority, child=c006,
                                     placed_on=date(2024, 2, 1), ceased_on=date(2025, 3, 31),
                                     reason_ceased="RD1")  # fmt: skip
    PlacedForAdoption.objects.create(authority=c006.authority, child=c006,
                                     placed_on=date(2025, 6, 1), ceased_on=date(2026, 5, 1),
                                     reason_ceased="E12")  # fmt: skip
    PlacedForAdoption.objects.create(authority=c007.authority, child=c007,
                                     placed_on=date(2024, 3, 1), ceased_on=date(2025, 9, 1),
                                     reason_ceased="rd4")  # fmt: skip

    placed = return_rows(c004.authority, YEAR)[tables.PLACED_FOR_ADOPTION]

    assert placed == [
        row_of(c004, DATE_PLACED="01/11/2023", DATE_PLACED_CEASED="", REASON_PLACED_CEASED=""),
        # ceased after the year: in force on 31 March
        row_of(c006, DATE_PLACED="01/06/2025", DATE_PLACED_CEASED="", REASON_PLACED_CEASED=""),
        row_of(c007, DATE_PLACED="01/03/2024", DATE_PLACED_CEASED="01/09/2025",
               REASON_PLACED_CEASED="RD4"),
    ]  # fmt: skip


def test_previous_permanence_of_the_children_who_started_to_be_looked_after_in_the_year(history):
    for reference, code in (("C001", "Z1"), ("C005", "P2"), ("C003", "Z1"), ("C004", "Z1")):
        child = history[reference]
        PreviousPermanence.objects.create(
            authority=child.authority, child=child, previous_permanence=code,
            la_perm="359" if code == "P2" else "", date_perm="zz/05/2019" if code == "P2" else "",
        )  # fmt: skip

    permanence = return_rows(history["C001"].authority, YEAR)[tables.PREVIOUS_PERMANENCE]

    # C003 and C004 started to be looked after before the year (C004's L and P are not starts).
    assert permanence == [
        row_of(history["C001"], PREV_PERM="Z1", LA_PERM="", DATE_PERM=""),
        row_of(history["C005"], PREV_PERM="P2", LA_PERM="359", DATE_PERM="zz/05/2019"),
    ]


def test_social_worker_episodes_overlapping_the_year_of_the_headers_children(history):
    c003, c001, c002 = history["C003"], history["C001"], history["C002"]
    for child, worker, started, ended, reason in (
        (c003, "SW100001", date(2024, 6, 1), date(2025, 3, 31), "FCONTA"),  # before the year
        (c003, "SW100002", date(2025, 3, 31), None, "manage"),
        (c003, "SW100003", date(2026, 4, 1), None, "LEFTRL"),  # after it
        (c001, "SW100004", date(2025, 5, 1), date(2026, 5, 1), "FCONTA"),  # ends after it
        (c002, "SW100001", date(2023, 1, 10), None, "FCONTA"),  # not in the header
    ):
        SocialWorkerEpisode.objects.create(
            authority=child.authority, child=child, social_worker_id=worker, started_on=started,
            ended_on=ended, reason=reason,
        )  # fmt: skip

    sw = return_rows(c003.authority, YEAR)[tables.SW_EPISODES]

    assert sw == [
        row_of(c001, SW_ID="SW100004", SW_DECOM="01/05/2025", SW_DEC="", SW_REASON="FCONTA"),
        row_of(c003, SW_ID="SW100002", SW_DECOM="31/03/2025", SW_DEC="", SW_REASON="MANAGE"),
    ]


def test_another_councils_records_are_not_in_the_return(history, trafford):
    other = ChildFactory(authority=trafford, reference="C003", date_of_birth=date(2012, 5, 10))
    episode(other, date(2025, 5, 1))
    Review.objects.create(authority=trafford, child=other, reviewed_on=date(2025, 6, 1),
                          participation="PN1")  # fmt: skip

    rows = return_rows(history["C003"].authority, YEAR)

    assert column(rows, tables.EPISODES, "DECOM").count("01/05/2025") == 2  # C001's and C005's
    assert rows[tables.REVIEWS] == []
    assert len(return_rows(trafford, YEAR)[tables.HEADER]) == 1


def test_the_files_are_the_rows_and_an_empty_table_is_its_header_line(history, tmp_path):
    written = write_return(history["C003"].authority, YEAR, tmp_path, previous=False)

    assert written == {table.file: 0 for table in tables.TABLES} | {
        "header.csv": 6, "episodes.csv": 8
    }  # fmt: skip
    assert (tmp_path / "uasc.csv").read_text() == "CHILD,SEX,DOB,DUC\n"
    lines = (tmp_path / "episodes.csv").read_text().splitlines()
    assert lines[0] == ",".join(tables.EPISODES.header)
    assert lines[2] == "C003,01/06/2024,S,C2,N1,U4,PR1,,,,WN1 1AA,WN1 1AB,SC123456"
    assert not (tmp_path / "prev").exists()


def test_the_order_does_not_depend_on_the_order_records_were_made(wigan):
    """Rows are sorted by CHILD, then the row's date, then the order recorded."""
    first = ChildFactory(authority=wigan, reference="A10")
    second = ChildFactory(authority=wigan, reference="A02")
    for child in (first, second):
        episode(child, date(2025, 9, 1), rne="P")
        episode(child, date(2025, 5, 1), dec=date(2025, 9, 1), rec="X1",
                reason_place_change="CARPL")  # fmt: skip
        for day in (date(2025, 12, 1), date(2025, 6, 1)):
            Review.objects.create(authority=wigan, child=child, reviewed_on=day,
                                  participation="PN1")  # fmt: skip

    rows = return_rows(wigan, YEAR)

    assert [(e["CHILD"], e["DECOM"]) for e in rows[tables.EPISODES]] == [
        ("A02", "01/05/2025"), ("A02", "01/09/2025"), ("A10", "01/05/2025"), ("A10", "01/09/2025")
    ]  # fmt: skip
    assert [(r["CHILD"], r["REVIEW"]) for r in rows[tables.REVIEWS]] == [
        ("A02", "01/06/2025"), ("A02", "01/12/2025"), ("A10", "01/06/2025"), ("A10", "01/12/2025")
    ]  # fmt: skip
    assert return_rows(wigan, YEAR) == rows


def _children_with_everything(authority, count, start):
    for n in range(start, start + count):
        child = ChildFactory(authority=authority, reference=f"Q{n:03d}")
        ChildReturn.objects.create(child=child, upn="UN1", uasc=n % 2 == 0)
        episode(child, date(2024, 1, 1), dec=date(2025, 8, 1), rec="X1", ls="E1", place="A6",
                reason_place_change="CARPL")  # fmt: skip
        episode(child, date(2025, 8, 1), dec=date(2026, 1, 1), rec="E11", rne="P", ls="E1",
                place="A6")  # fmt: skip
        fields = {"authority": authority, "child": child}
        Review.objects.create(**fields, reviewed_on=date(2025, 6, 1), participation="PN1")
        MissingEpisode.objects.create(**fields, kind="M", started_on=date(2025, 7, 1))
        HealthOutcome.objects.create(**fields, year=YEAR, sdq_score="10")
        CareLeaverOutcome.objects.create(**fields, year=YEAR, in_touch="YES")
        AdoptionDecision.objects.create(**fields, decided_on=date(2024, 3, 1))
        PlacedForAdoption.objects.create(**fields, placed_on=date(2024, 3, 1))
        PreviousPermanence.objects.create(**fields, previous_permanence="Z1")
        SocialWorkerEpisode.objects.create(**fields, social_worker_id="SW1",
                                           started_on=date(2024, 1, 1))  # fmt: skip
        # A care leaver of the council in OC3 only (not in the header).
        leaver = ChildFactory(authority=authority, reference=f"L{n:03d}")
        CareLeaverOutcome.objects.create(authority=authority, child=leaver, year=YEAR)


def _queries(authority):
    with CaptureQueriesContext(connection) as captured:
        rows = return_rows(authority, YEAR)
    return len(captured), rows


def test_the_number_of_queries_does_not_grow_with_the_number_of_children(wigan):
    _children_with_everything(wigan, 3, 0)
    few, rows = _queries(wigan)
    assert {table.file: len(found) for table, found in rows.items()} == {
        "header.csv": 3, "episodes.csv": 6, "uasc.csv": 2, "reviews.csv": 3, "missing.csv": 3,
        "oc2.csv": 3, "oc3.csv": 6, "ad1.csv": 3, "placed_for_adoption.csv": 3,
        "previous_permanence.csv": 0, "sw_episodes.csv": 3,
    }  # fmt: skip

    _children_with_everything(wigan, 27, 3)
    many, rows = _queries(wigan)

    assert len(rows[tables.HEADER]) == 30 and len(rows[tables.OC3]) == 60
    assert many == few
    assert few == 11  # a query a table, the header's children with their details, OC3's leavers
