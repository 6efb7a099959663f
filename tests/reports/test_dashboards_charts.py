"""The dashboards' charts (`hearth.web.charts`): bars and lines worked out as data, a description
that says every value for screen readers, and the SVG templates that draw them."""

from decimal import Decimal

from django.template.loader import render_to_string

from hearth.web import charts


def test_a_bar_is_as_long_as_its_share_of_a_round_top():
    chart = charts.bar_chart("waiting", "Children waiting", [("North", 4), ("South", 0)])
    assert charts.bar_chart("w", "W", [("A", 7), ("B", 2)])["bars"][1]["width"] == round(
        charts.BAR_LENGTH * 2 / 8
    )
    north, south = chart["bars"]
    assert north["value"] == "4" and north["width"] == charts.BAR_LENGTH  # 4 is a round top
    assert south["width"] == 0
    assert north["y"] < south["y"]


def test_a_bar_chart_says_every_value_in_words():
    chart = charts.bar_chart("indicators", "Stability", [("Short-term", Decimal("16.7"))],
                             unit="%")  # fmt: skip
    assert chart["description"] == "Stability. Short-term: 16.7%."
    assert charts.bar_chart("none", "Nothing", [])["description"] == "Nothing: nothing to show."


def test_the_top_of_the_axis_is_a_round_number():
    assert [charts.axis_top(value) for value in (0, 1, 3, 7, 84.4, 101, 216600)] == [
        1, 1, 3, 8, 100, 200, 250000,
    ]  # fmt: skip


def test_a_line_breaks_where_a_value_is_missing():
    chart = charts.line_chart(
        "looked-after", "Looked after", ["Nov 2026", "Dec 2026", "Jan 2027", "Feb 2027"],
        [("Episodes", [80, 90, None, None]), ("Forecast", [None, 90, 95, 100])],
    )  # fmt: skip
    episodes, forecast = chart["lines"]
    assert len(episodes["paths"]) == 1 and len(episodes["points"]) == 2
    assert episodes["dash"] == "" and forecast["dash"] != ""  # told apart without colour
    assert episodes["points"][1]["y"] == forecast["points"][0]["y"]  # the lines meet
    assert chart["description"] == (
        "Looked after. Episodes: Nov 2026 80, Dec 2026 90; Forecast: Dec 2026 90, Jan 2027 95, "
        "Feb 2027 100."
    )
    gap = charts.line_chart("gap", "Gap", ["a", "b", "c"], [("Line", [1, None, 2])])
    assert len(gap["lines"][0]["paths"]) == 2


def test_the_x_axis_shows_at_most_twelve_labels_and_each_year_once():
    months = [f"{month} 2026" for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul",
                                            "Aug", "Sep", "Oct", "Nov", "Dec")]  # fmt: skip
    months += [f"{month} 2027" for month in ("Jan", "Feb", "Mar")]
    ticks = charts.line_chart("months", "Months", months, [("Line", list(range(15)))])["ticks"]
    assert len(ticks) <= charts.X_LABELS_SHOWN
    assert [tick["sub"] for tick in ticks if tick["sub"]] == ["2026", "2027"]


def test_values_are_written_as_a_reader_expects():
    assert charts.shown(Decimal("216600.00"), "£") == "£216,600"
    assert charts.shown(Decimal("44.8"), "%") == "44.8%"
    assert charts.shown(1, "days") == "1 day" and charts.shown(12, "days") == "12 days"
    assert charts.shown(1204) == "1,204" and charts.shown(None) == "no figure"


def test_the_templates_draw_an_image_named_and_described():
    bar = charts.bar_chart("team", "By team", [("North", 2)])
    line = charts.line_chart("trend", "Trend", ["Jan 2026", "Feb 2026"], [("Spend", [1, 2])])
    drawn = render_to_string("govuk/chart_bar.html", {"chart": bar})
    assert 'role="img" aria-labelledby="chart-team-title chart-team-description"' in drawn
    assert '<desc id="chart-team-description">By team. North: 2.</desc>' in drawn
    drawn = render_to_string("govuk/chart_line.html", {"chart": line})
    assert '<title id="chart-trend-title">Trend</title>' in drawn
    assert drawn.count("<polyline") == 1 and drawn.count("<circle") == 2
