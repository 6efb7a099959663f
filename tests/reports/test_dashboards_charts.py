"""The dashboards' charts (`hearth.web.charts`): bars and lines worked out as data, a description
that says every value for screen readers, and the SVG templates that draw them."""

import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
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


# Negative values: a gap, places less homes needed ------------------------------------------------


def test_the_axis_runs_from_below_the_lowest_value_through_zero():
    assert charts.axis_levels([3, 7]) == [0, 4, 8]  # positive alone: as before
    assert charts.axis_levels([-2, 80]) == [-40, 0, 40, 80]
    assert charts.axis_levels([-5, -1]) == [-5, -2.5, 0]
    assert charts.axis_levels([-3, 3]) == [-3, -1.5, 0, 1.5, 3]
    assert charts.axis_levels([None]) == [0, 0.5, 1]


def test_a_negative_bar_runs_left_of_a_labelled_zero_line():
    chart = charts.bar_chart("gap", "Gap by team", [("North", -2), ("South", 4)])
    north, south = chart["bars"]
    zero = chart["zero"]
    assert north["width"] > 0 and south["width"] > 0
    assert north["x"] + north["width"] == zero["x"] == south["x"]  # both drawn from zero
    assert north["width"] * 2 == south["width"]  # -2 is half as long as 4
    assert north["x"] >= chart["label_x"] + charts.NEGATIVE_VALUE_ROOM - 4  # clear of the labels
    assert north["value_x"] < north["x"] and north["value_anchor"] == "end"
    assert south["value_x"] > south["x"] + south["width"] and south["value_anchor"] == "start"
    assert zero["label"] == "0" and zero["label_y"] <= chart["height"]
    assert chart["description"] == "Gap by team. North: -2; South: 4."
    drawn = render_to_string("govuk/chart_bar.html", {"chart": chart})
    assert f'<rect x="{north["x"]}" y="{north["y"]}" width="{north["width"]}"' in drawn
    assert 'text-anchor="end" fill="#0b0c0c">-2</text>' in drawn
    assert f'<line x1="{zero["x"]}" y1="{zero["y1"]}" x2="{zero["x"]}"' in drawn
    assert 'text-anchor="middle" fill="#0b0c0c">0</text>' in drawn
    positive = charts.bar_chart("waiting", "Waiting", [("North", 4)])
    assert positive["zero"] is None and "<line" not in render_to_string(
        "govuk/chart_bar.html", {"chart": positive}
    )


def test_a_negative_value_of_a_line_is_drawn_inside_the_chart_above_its_zero_line():
    chart = charts.line_chart(
        "gap", "Gap", ["Jan 2027", "Feb 2027", "Mar 2027"],
        [("Gap", [-5, 0, 3]), ("Places", [2, 2, 2])], unit="",
    )  # fmt: skip
    minus_five, zero, three = chart["lines"][0]["points"]
    assert chart["plot_top"] <= three["y"] < zero["y"] < minus_five["y"] <= chart["plot_bottom"]
    assert minus_five["y"] == chart["plot_bottom"]  # -5 is the bottom of the axis
    assert [line["label"] for line in chart["grid"]] == ["-5", "-2.5", "0", "2.5", "5"]
    zero_line = next(line for line in chart["grid"] if line["zero"])
    assert zero_line["label"] == "0" and zero_line["y"] == zero["y"]
    assert chart["description"] == (
        "Gap. Gap: Jan 2027 -5, Feb 2027 0, Mar 2027 3; Places: Jan 2027 2, Feb 2027 2, Mar 2027 2."
    )
    drawn = render_to_string("govuk/chart_line.html", {"chart": chart})
    assert drawn.count('stroke="#0b0c0c" stroke-width="2"') == 1  # the zero line, darker
    assert f'y1="{zero["y"]}"' in drawn and ">0</text>" in drawn
    assert not any(line["zero"] for line in charts.line_chart(
        "up", "Up", ["a", "b"], [("Line", [1, 2])])["grid"])  # fmt: skip


def test_money_below_zero_is_written_with_its_sign_first():
    assert charts.shown(-1250, "£") == "-£1,250" and charts.shown(-2) == "-2"


# The Content-Security-Policy (style-src 'self') blocks inline styles ------------------------------

TEMPLATES = Path(__file__).resolve().parents[2] / "hearth" / "web" / "templates"
STYLESHEET = TEMPLATES.parent / "static" / "hearth" / "hearth.css"
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)
SCROLLING = re.compile(r"<div [^>]*\bhearth-scroll\b[^>]*>")


def test_no_page_leans_on_an_inline_style_the_policy_would_block():
    """Every page is served with style-src 'self': a style attribute is dropped by the browser
    (wide tables would not scroll, charts would not shrink). `govuk-!-overflow-x-auto` is no
    GOV.UK Frontend class. The PDFs' <style> elements are read by WeasyPrint, not a browser."""
    offending = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if STYLE_ATTRIBUTE.search(line) or "govuk-!-overflow-x-auto" in line
    ]
    assert not offending, offending
    assert settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"] == ["'self'"]


def test_wide_tables_scroll_in_a_named_region_and_charts_shrink_by_the_stylesheet():
    css = STYLESHEET.read_text()
    assert re.search(r"\.hearth-scroll\s*\{[^}]*\boverflow-x:\s*auto;", css)
    assert re.search(r"\.hearth-chart svg\s*\{\s*max-width:\s*100%;\s*height:\s*auto;", css)
    regions = [
        (path.relative_to(TEMPLATES), region)
        for path in sorted(TEMPLATES.rglob("*.html"))
        for region in SCROLLING.findall(path.read_text())
    ]
    assert len(regions) >= 6  # dashboards, their lists, sufficiency and its lists, timeliness
    for name, region in regions:  # reached and scrolled by keyboard, named to a screen reader
        assert 'tabindex="0"' in region and 'role="region"' in region, name
        assert re.search(r'aria-label="[^"]+"', region), name
    drawn = render_to_string(
        "govuk/chart_bar.html", {"chart": charts.bar_chart("team", "By team", [("North", 2)])}
    )
    assert '<figure class="hearth-chart ' in drawn
