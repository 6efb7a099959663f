"""Small charts drawn as SVG by the templates, with no JavaScript: bar charts and line charts as
plain data (every position worked out here, so that `govuk/chart_bar.html` and
`govuk/chart_line.html` only draw them).

Each chart has a title and a description for screen readers (every value in words), and the page
always shows the table behind it: the chart is a picture of that table, never the only place a
figure is. The colours are GOV.UK's; a second line is dashed as well as coloured, so that the
lines differ without colour. Nothing in a chart is a link (an image's parts cannot be reached by
keyboard or screen reader): the links are in the table.

Values may be negative (a gap, places less homes needed): the axis then runs from below the
lowest value to above the highest in round steps through zero (`axis_levels`); bars are drawn
left or right of a zero line labelled "0", and a line chart's zero grid line is drawn darker.
The stylesheet (`hearth.css`: `.hearth-chart`) lets a chart shrink to a narrow screen, with no
inline style, which the site's Content-Security-Policy would block.

    bar_chart("waiting", "Children waiting, by how long", [("Under 1 week", 3), ...])
    line_chart("looked-after", "Children looked after", ["Jan 2026", ...],
               [("From the episodes", [80, 82, None]), ("Forecast", [None, 82, 85])])
"""

import math
from dataclasses import dataclass
from decimal import Decimal

COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#4c2c92")  # GOV.UK blue, red, green, purple
DASHES = ("", "8 5", "2 4", "12 4 2 4")
TEXT = "#0b0c0c"
SECONDARY_TEXT = "#505a5f"
GRID = "#b1b4b6"

# Bar charts: one horizontal bar a row, its label on the left and its value at its end.
BAR_HEIGHT = 24
BAR_GAP = 10
BAR_LENGTH = 360
LABEL_CHARACTER = 8  # about the width of a character of the label, in pixels (16px text)
LABEL_WIDTH_LIMIT = 300
NEGATIVE_VALUE_ROOM = 70  # left of the bars, for the value at the end of a negative bar
ZERO_LABEL = 22  # under the bars, for the "0" of the zero line
# Line charts
PLOT_WIDTH = 620
PLOT_HEIGHT = 200
PLOT_LEFT = 70
PLOT_TOP = 20
PLOT_BOTTOM = 64
LEGEND_LINE = 22
X_LABELS_SHOWN = 12  # at most this many labels under the x axis


def shown(value, unit=""):
    """A value as the chart writes it: "£1,250", "12.5%", "3 days", "1,204"."""
    if value is None:
        return "no figure"
    if unit == "£":
        return f"{'-' if value < 0 else ''}£{abs(round(value)):,}"
    whole = not isinstance(value, Decimal | float) or value == int(value)
    number = f"{int(value):,}" if whole else f"{value:,.1f}"
    if unit == "%":
        return f"{number}%"
    if unit == "days":
        return f"{number} day{'' if value == 1 else 's'}"
    if unit:
        return f"{number} {unit}"
    return number


ROUND_STEPS = (1, 2, 2.5, 3, 4, 5, 6, 8)


def _round_tops():
    top = 1
    while True:
        for step in ROUND_STEPS:
            yield round(top * step, 1) if top * step % 1 else int(top * step)
        top *= 10


def axis_top(highest):
    """The smallest round number (1, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) at or above
    `highest`, so that the tallest bar or line nearly fills the chart (1 for nothing)."""
    for top in _round_tops():
        if top >= highest:
            return top
    raise AssertionError("unreachable")  # pragma: no cover


def axis_levels(values):
    """The levels an axis marks, lowest first: 0 and steps of half of `axis_top` of the value
    furthest from zero, as far as needed below and above zero ([0, 0.5, 1] for nothing). Positive
    values alone give 0, half the top and the top; a value of -2 beside 80 gives -40, 0, 40, 80."""
    numbers = [float(value) for value in values if value is not None]
    lowest, highest = min(numbers, default=0), max(numbers, default=0)
    furthest = max(-lowest, highest)
    if furthest <= 0:
        return [0, 0.5, 1]
    top = axis_top(furthest)
    step = top // 2 if top % 2 == 0 else top / 2
    below = math.ceil(round(-lowest / step, 9)) if lowest < 0 else 0
    above = math.ceil(round(highest / step, 9)) if highest > 0 else 0
    return [step * number for number in range(-below, above + 1)]


@dataclass(frozen=True)
class Bar:
    label: str
    value: object
    detail: str = ""  # more words for the description, e.g. "of 12"


def bar_chart(key, title, bars, *, unit="", caption=""):
    """A horizontal bar chart of `bars` ((label, value) pairs or `Bar`s), for `govuk/chart_bar.html`.
    `key` makes the ids of its title and description unique on the page. A negative value's bar
    runs left of the zero line, its value written at its end."""
    bars = [bar if isinstance(bar, Bar) else Bar(*bar) for bar in bars]
    levels = axis_levels(bar.value for bar in bars)
    bottom, top = levels[0], levels[-1]
    span = top - bottom
    label_width = min(
        LABEL_WIDTH_LIMIT, max((len(bar.label) for bar in bars), default=0) * LABEL_CHARACTER
    )
    left = label_width + 12 + (NEGATIVE_VALUE_ROOM if bottom < 0 else 0)
    zero_x = left + round(BAR_LENGTH * -bottom / span)
    drawn = []
    for number, bar in enumerate(bars):
        y = BAR_GAP + number * (BAR_HEIGHT + BAR_GAP)
        value = float(bar.value or 0)
        length = round(BAR_LENGTH * abs(value) / span)
        x = zero_x - length if value < 0 else zero_x
        drawn.append(
            {
                "label": bar.label,
                "value": shown(bar.value, unit),
                "x": x,
                "y": y,
                "width": length,
                "height": BAR_HEIGHT,
                "text_y": y + BAR_HEIGHT - 6,
                "value_x": x - 8 if value < 0 else x + length + 8,
                "value_anchor": "end" if value < 0 else "start",
            }
        )
    words = "; ".join(
        f"{bar.label}: {shown(bar.value, unit)}{' ' + bar.detail if bar.detail else ''}"
        for bar in bars
    )
    bars_bottom = BAR_GAP + len(bars) * (BAR_HEIGHT + BAR_GAP)
    zero = None
    if bottom < 0:  # the line the bars run from, "0" under it
        zero = {"x": zero_x, "y1": BAR_GAP // 2, "y2": bars_bottom - BAR_GAP // 2,
                "label_y": bars_bottom + ZERO_LABEL - 6, "label": shown(0, unit)}  # fmt: skip
    return {
        "id": f"chart-{key}",
        "title": title,
        "description": f"{title}. {words}." if bars else f"{title}: nothing to show.",
        "caption": caption,
        "bars": drawn,
        "zero": zero,
        "label_x": label_width + 4,
        "width": left + BAR_LENGTH + 90,
        "height": bars_bottom + (ZERO_LABEL if zero else 0),
        "colour": COLOURS[0],
        "text": TEXT,
    }


def _y(value, bottom, top):
    return round(PLOT_TOP + PLOT_HEIGHT - PLOT_HEIGHT * (float(value) - bottom) / (top - bottom), 1)


def _segments(points):
    """The runs of points with a value: a line is broken where a value is missing."""
    runs, run = [], []
    for point in points:
        if point is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(point)
    if run:
        runs.append(run)
    return runs


def _ticks(labels, x):
    """The labels under the x axis: at most X_LABELS_SHOWN of them, evenly spaced. A label of two
    words ("Jan 2026") is written on two lines, its second word only where it changes."""
    every = max(1, -(-len(labels) // X_LABELS_SHOWN))
    ticks, last = [], None
    for index, label in enumerate(labels):
        if index % every:
            continue
        first, _, second = label.partition(" ")
        ticks.append({"x": x(index), "label": first, "sub": second if second != last else ""})
        last = second
    return ticks


def line_chart(key, title, labels, series, *, unit="", caption=""):
    """A line chart of `series` ((name, values) pairs, one value a label, None where there is
    none) over the x-axis `labels`, for `govuk/chart_line.html`."""
    count = len(labels)
    values = [value for _, line in series for value in line if value is not None]
    levels = axis_levels(values)
    bottom, top = levels[0], levels[-1]
    step = PLOT_WIDTH / max(count - 1, 1)

    def x(index):
        return round(PLOT_LEFT + index * step, 1)

    lines = []
    for number, (name, line) in enumerate(series):
        points = [
            None if value is None else {"x": x(i), "y": _y(value, bottom, top),
                                        "label": f"{labels[i]}: {shown(value, unit)}"}
            for i, value in enumerate(line)
        ]  # fmt: skip
        lines.append(
            {
                "name": name,
                "colour": COLOURS[number % len(COLOURS)],
                "dash": DASHES[number % len(DASHES)],
                "paths": [
                    " ".join(f"{point['x']},{point['y']}" for point in run)
                    for run in _segments(points)
                ],
                "points": [point for point in points if point is not None],
                "legend_y": PLOT_TOP + PLOT_HEIGHT + PLOT_BOTTOM + number * LEGEND_LINE,
            }
        )
    ticks = _ticks(labels, x)
    grid = [
        {
            "y": _y(level, bottom, top),
            "label": shown(level, unit),
            "zero": bottom < 0 and level == 0,
        }
        for level in levels
    ]
    words = "; ".join(
        f"{name}: "
        + ", ".join(
            f"{label} {shown(value, unit)}"
            for label, value in zip(labels, line, strict=True)
            if value is not None
        )
        for name, line in series
    )
    return {
        "id": f"chart-{key}",
        "title": title,
        "description": f"{title}. {words}." if values else f"{title}: nothing to show.",
        "caption": caption,
        "lines": lines,
        "ticks": ticks,
        "grid": grid,
        "plot_left": PLOT_LEFT,
        "plot_right": PLOT_LEFT + PLOT_WIDTH,
        "plot_top": PLOT_TOP,
        "plot_bottom": PLOT_TOP + PLOT_HEIGHT,
        "tick_y": PLOT_TOP + PLOT_HEIGHT + 20,
        "sub_y": PLOT_TOP + PLOT_HEIGHT + 38,
        "width": PLOT_LEFT + PLOT_WIDTH + 40,
        "height": PLOT_TOP + PLOT_HEIGHT + PLOT_BOTTOM + len(series) * LEGEND_LINE,
        "text": TEXT,
        "secondary_text": SECONDARY_TEXT,
        "grid_colour": GRID,
    }
