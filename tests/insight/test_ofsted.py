"""Ofsted's annual fostering data of 1 April 2025 to 31 March 2026 (tests/fixtures/insight.py)."""

import pytest

from hearth.fostering.ofsted import ofsted_fostering

pytestmark = pytest.mark.django_db


def counts(result, name):
    line = result.line(name)
    return line.mainstream, line.kinship, line.total


def test_households_and_places_on_31_march(wigan, fostering_year):
    result = ofsted_fostering(wigan, 2025)
    assert counts(result, "households") == (2, 1, 3)  # Ash, Birch; Cedar (Damson left)
    assert counts(result, "places") == (3, 1, 4)
    assert counts(result, "filled") == (1, 1, 2)
    assert counts(result, "vacant") == (1, 0, 1)  # Ash's second place
    assert counts(result, "not_available") == (1, 0, 1)  # Birch, on hold


def test_what_happened_in_the_year_counts_each_household_once(wigan, fostering_year):
    result = ofsted_fostering(wigan, 2025)
    assert counts(result, "enquiries") == (1, 0, 1)  # Birch; Elm's fall outside the year
    assert counts(result, "applications") == (1, 0, 1)
    assert counts(result, "approvals") == (1, 1, 2)  # Birch, Cedar; Ash was approved before
    assert counts(result, "deregistrations") == (1, 0, 1)
    assert counts(result, "deregistrations_retirement") == (1, 0, 1)
    assert result.line("deregistrations_retirement").label == "  of which: Retirement"


def test_every_count_names_its_households(wigan, fostering_year):
    result = ofsted_fostering(wigan, 2025)
    assert [row[2] for row in result.households("not_available")] == ["Birch family"]
    assert [row[2] for row in result.households("approvals", "kinship")] == ["Cedar family"]
    assert [row[2] for row in result.households("households", "mainstream")] == [
        "Ash family", "Birch family",
    ]  # fmt: skip
    with pytest.raises(KeyError):
        result.households("nonsense")


def test_another_year_counts_differently(wigan, fostering_year):
    result = ofsted_fostering(wigan, 2024)
    assert counts(result, "households") == (2, 0, 2)  # Ash, Damson on 31 March 2025
    assert counts(result, "enquiries") == (1, 0, 1)  # Elm, 31 March 2025


def test_another_councils_households_are_not_counted(trafford, fostering_year):
    assert counts(ofsted_fostering(trafford, 2025), "households") == (0, 0, 0)


def test_two_queries_whatever_the_households(wigan, fostering_year, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        ofsted_fostering(wigan, 2025)


def test_csv_json_and_text(wigan, fostering_year):
    result = ofsted_fostering(wigan, 2025)
    assert result.csv_header() == ["measure", "label", "mainstream", "family_and_friends", "total"]
    assert result.csv_rows()[0] == [
        "households",
        "Approved fostering households on 31 March",
        2,
        1,
        3,
    ]
    data = result.as_json()
    assert data["year"] == "2025-26" and data["to"] == "2026-03-31"
    assert data["measures"]["places"] == {"mainstream": 3, "kinship": 1, "total": 4}
    header, rows = result.text_table()
    assert header[0] == "measure" and rows[0][1:] == [2, 1, 3]
