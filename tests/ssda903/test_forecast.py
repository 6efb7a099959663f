"""The forecast of children looked after (`hearth.ssda903.forecast`) on small hand-built
histories with known answers: what stays, what leaves, who enters, ageing from band to band,
only what was known on the start, the back-test's errors, and the queries it takes."""

from datetime import date, timedelta

import numpy as np
import pytest

from hearth.ssda903 import forecast
from hearth.ssda903.models import Episode
from tests.factories import ChildFactory

START = date(2025, 4, 1)
FOSTERING, RESIDENTIAL, SUPPORTED, OTHER = range(4)
UNDER_1, ONE_TO_4, FIVE_TO_9, TEN_TO_15, SIXTEEN_PLUS = range(5)


def looked_after(authority, born, decom, dec=None, place="U4", ls="C2", rec=None):
    child = ChildFactory(authority=authority, date_of_birth=born)
    return Episode.objects.create(
        authority=authority,
        child=child,
        source=Episode.Source.IMPORTED,
        decom=decom,
        rne="S",
        ls=ls,
        place=place,
        place_provider="PR1" if place.startswith("U") else "PR4",
        dec=dec,
        rec=(rec or "E4A") if dec else "",
    )


def aged(years, on=START):
    return on - timedelta(days=int(years * 365.25))


@pytest.mark.django_db
def test_nobody_moving_nobody_entering_gives_the_same_counts(wigan):
    for _ in range(10):
        looked_after(wigan, aged(12), date(2020, 1, 1))
    for _ in range(3):
        looked_after(wigan, aged(16.5), date(2022, 1, 1), place="H5")

    result = forecast.forecast(wigan, START, 6, reference_months=3)

    assert result.by_category()["fostering"] == [10.0] * 7
    assert result.by_category()["supported"] == [3.0] * 7
    assert result.counts[6, TEN_TO_15, FOSTERING] == 10
    assert result.counts[6, SIXTEEN_PLUS, SUPPORTED] == 3
    assert result.total() == [13.0] * 7


@pytest.mark.django_db
def test_leaving_rate_is_the_reference_months_share(wigan):
    # 1 March to 1 April 2025: 10 in fostering, 2 left: each month 80% stay.
    for number in range(10):
        dec = date(2025, 3, 10) if number < 2 else None
        looked_after(wigan, aged(8), date(2021, 5, 1), dec=dec)

    result = forecast.forecast(wigan, START, 2, reference_months=1)

    assert result.by_category()["fostering"] == pytest.approx([8.0, 6.4, 5.12])
    assert result.transitions[FIVE_TO_9 * 4 + FOSTERING, forecast.OUT] == pytest.approx(0.2)


@pytest.mark.django_db
def test_entries_a_month_are_added_by_band_and_category(wigan):
    # One child a month came into a children's home at 14 over the last 6 months.
    for months_ago in range(1, 7):
        entered = forecast.add_months(START, -months_ago) + timedelta(days=5)
        looked_after(wigan, aged(14, entered), entered, place="K2")

    result = forecast.forecast(wigan, START, 3, reference_months=6)

    # All six came in inside the six months' window (each on the 6th): one a month.
    assert result.entries[0, TEN_TO_15, RESIDENTIAL] == pytest.approx(1.0)
    assert result.by_category()["residential"] == pytest.approx([6, 7, 8, 9])


@pytest.mark.django_db
def test_children_age_from_band_to_band_as_they_did(wigan):
    # Ten children turn 16 during March 2025: the month's transition moves them up a band.
    for _ in range(10):
        looked_after(wigan, date(2009, 3, 15), date(2020, 1, 1))

    result = forecast.forecast(wigan, START, 1, reference_months=1)

    assert result.counts[0, SIXTEEN_PLUS, FOSTERING] == 10
    assert result.transitions[TEN_TO_15 * 4 + FOSTERING, SIXTEEN_PLUS * 4 + FOSTERING] == 1.0


@pytest.mark.django_db
def test_uses_only_what_was_known_on_the_start(wigan):
    # Four children leave in May 2025, after the start: the forecast cannot know.
    for number in range(10):
        looked_after(
            wigan, aged(6), date(2022, 1, 1), dec=date(2025, 5, 20) if number < 4 else None
        )

    result = forecast.forecast(wigan, START, 3, reference_months=12)

    assert result.by_category()["fostering"] == [10.0] * 4


@pytest.mark.django_db
def test_backtest_errors_at_3_and_12_months(wigan):
    for number in range(10):
        looked_after(
            wigan, aged(6), date(2022, 1, 1), dec=date(2025, 5, 20) if number < 4 else None
        )
    looked_after(wigan, aged(10), date(2025, 12, 1), place="K2")  # a later entrant

    test = forecast.backtest(wigan, START, 12)
    errors = test.errors()

    assert test.checked == (3, 12)
    assert errors[3]["fostering"] == (10.0, 6.0, 4.0, pytest.approx(100 * 4 / 6))
    assert errors[12]["residential"] == (0.0, 1.0, -1.0, -100.0)
    assert errors[12]["total"][:3] == (10.0, 7.0, 3.0)
    assert errors[3]["supported"] == (0.0, 0.0, 0.0, None)
    header, rows = test.text_table()
    assert header[0] == "Months ahead"
    assert ["3", "Fostering", "10", "6", "+4", "+66.7%"] in rows


@pytest.mark.django_db
def test_short_breaks_and_other_councils_are_left_out(wigan, trafford):
    looked_after(wigan, aged(9), date(2025, 3, 1), ls="V3", place="U6")
    looked_after(trafford, aged(9), date(2021, 3, 1))
    looked_after(wigan, aged(9), date(2021, 3, 1), place="P1")

    result = forecast.forecast(wigan, START, 1)

    assert result.total() == [1.0, 1.0]
    assert result.by_category()["other"] == [1.0, 1.0]


@pytest.mark.django_db
def test_reports_as_json_csv_and_text(wigan):
    looked_after(wigan, aged(12), date(2020, 1, 1))

    result = forecast.forecast(wigan, START, 2)

    data = result.as_json()
    assert data["months"] == ["2025-04-01", "2025-05-01", "2025-06-01"]
    assert data["reference"] == ["2023-04-01", "2025-04-01"]
    assert data["by_category"]["fostering"] == [1.0, 1.0, 1.0]
    rows = list(result.csv_rows())
    assert len(rows) == 3 * 5 * 4
    assert ["2025-04-01", "10 to 15", "fostering", "1.0", "0.00"] in rows
    header, table = result.text_table()
    assert header == ["Month", "Fostering", "Residential", "Supported", "Other", "Total"]
    assert table[0] == ["April 2025", "1", "0", "0", "0", "1"]


@pytest.mark.django_db
def test_one_query_for_the_forecast_two_for_the_backtest(wigan, django_assert_num_queries):
    for number in range(30):
        looked_after(wigan, aged(number % 18), date(2021, 1, 1) + timedelta(days=number * 40))

    with django_assert_num_queries(1):
        forecast.forecast(wigan, START, 12)
    with django_assert_num_queries(2):
        forecast.backtest(wigan, START, 12)


def test_month_arithmetic():
    assert forecast.add_months(date(2025, 11, 1), 3) == date(2026, 2, 1)
    assert forecast.add_months(date(2025, 1, 1), -13) == date(2023, 12, 1)
    assert np.array_equal(forecast.BAND_STARTS, [1, 5, 10, 16])
