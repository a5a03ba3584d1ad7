"""The Reports pages' charts: inline SVG drawn on the server, no JavaScript library.

Each function takes plain data, ``(label, value)`` pairs whose labels the caller has already
translated, a title and a description for screen readers, the caller's translated "no data"
message, and number formatters (Babel's, so figures read the way the user's locale writes
them), and returns the ``<svg>`` as Markup for a template. ``data_table`` renders the same
figures as an HTML table, for a "show as table" switch and for screen readers.

Sizes are viewBox units: the svg is ``width="100%"`` and scales with its container, so the
stylesheet decides how wide a chart grows (``.chart { max-width: 28rem }`` keeps its text near
body size on a 360 px phone and on a desktop). Colours are presentation attributes, which any
CSS rule overrides (``.chart-bar { fill: ... }``); text is ``currentColor``. The default bar
colour is the Okabe-Ito blue: safe for colour-blind readers, 5:1 against white, and every bar
carries its figure as text, so nothing depends on telling colours apart. The markup carries
its own namespace, so it is also a valid standalone ``.svg`` file for downloads."""

import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Literal

from markupsafe import Markup, escape

Data = Sequence[tuple[str, int]]  # (translated label, count); counts are never negative
NumberFormat = Callable[[int], str]
PercentFormat = Callable[[float], str]

WIDTH = 360
PAD = 8
FONT = 14
SMALL = 12
BAR_COLOUR = "#0072B2"
COLUMN_AREA = 200  # the column chart's plot height
BAR_HEIGHT = 18
ROW_HEIGHT = FONT + 4 + BAR_HEIGHT + 12  # a label line, then its bar, then a gap

_ids = itertools.count(1)
_ID = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
# Wrapping units: a run of spaces, one CJK character, or a run of anything else.
_CJK = "\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef"
_PIECES = re.compile(rf"\s+|[{_CJK}]|[^\s{_CJK}]+")
_NO_LINE_START = "，。、；：！？）」』,.;:!?)"


def nice_ticks(maximum: int, intervals: int = 5) -> list[int]:
    """Round axis ticks from 0 to at least ``maximum``, about ``intervals`` steps of 1, 2 or 5
    times a power of ten: 23 gives 0, 5 … 25 and 730 gives 0, 200 … 800."""
    maximum = max(maximum, 1)
    raw = maximum / intervals
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)))
    top = -(-maximum // step) * step
    return list(range(0, top + 1, step))


def by_value(data: Data) -> list[tuple[str, int]]:
    """Largest first, ties by label: the order of ``bar_chart`` (pass it to ``data_table``)."""
    return sorted(data, key=lambda row: (-row[1], row[0]))


def text_width(text: str, size: float) -> float:
    """A width estimate without a font: a CJK character is a full em, anything else 0.6 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.6 for ch in text)


def fit(text: str, width: float, size: float) -> str:
    """``text``, cut with an ellipsis where it would run wider than ``width``."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _n(number: float) -> str:
    return f"{round(number, 1):g}"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    css: str,
    size: int = FONT,
    anchor: str = "start",
    room: float | None = None,
) -> str:
    shown = fit(content, room, size) if room is not None else content
    # A cut label keeps its full text as a tooltip (and the chart's table has it in full).
    tip = f"<title>{escape(content)}</title>" if shown != content else ""
    return (
        f'<text class="{css}" x="{_n(x)}" y="{_n(y)}" font-size="{size}" '
        f'text-anchor="{anchor}">{tip}{escape(shown)}</text>'
    )


def _svg(chart_id: str | None, title: str, description: str, height: float, body: str) -> Markup:
    if chart_id is None:
        chart_id = f"chart-{next(_ids)}"
    elif not _ID.match(chart_id):
        raise ValueError(f"not a usable element id: {chart_id!r}")
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" viewBox="0 0 {WIDTH} {_n(height)}" '
        f'width="100%" font-family="inherit" font-size="{FONT}" fill="currentColor">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>{body}</svg>'
    )


def wrap(text: str, width: float, size: float) -> list[str]:
    """``text`` in lines no wider than ``width``: broken at spaces, or between any two CJK
    characters (Chinese has no spaces), but never before a comma or a full stop (which may
    then stand one character past ``width``); a word wider than a line is cut."""
    lines = [""]
    for piece in _PIECES.findall(text):
        fits = text_width(lines[-1] + piece, size) <= width
        if lines[-1] and not fits and piece[0] not in _NO_LINE_START:
            lines.append("")
        if lines[-1]:
            lines[-1] += piece
        elif not piece.isspace():
            lines[-1] = fit(piece, width, size)
    return [line.rstrip() for line in lines]


def _no_data(chart_id: str | None, title: str, description: str, message: str) -> Markup:
    """The caller's message in a dashed frame, where the chart would be."""
    lines = wrap(message, WIDTH - 4 * PAD, FONT)
    line_height = FONT + 6
    height = 2 * FONT + line_height * len(lines)
    frame = (
        f'<rect class="chart-frame" x="1" y="1" width="{WIDTH - 2}" height="{height - 2}" '
        f'fill="none" stroke="currentColor" stroke-opacity="0.4" stroke-dasharray="4 4"/>'
    )
    spans = "".join(
        f'<tspan x="{WIDTH / 2:g}" y="{_n(FONT + line_height * (index + 0.5) + FONT * 0.35)}">'
        f"{escape(line)}</tspan>"
        for index, line in enumerate(lines)
    )
    message_text = f'<text class="chart-empty" text-anchor="middle">{spans}</text>'
    return _svg(chart_id, title, description, height, frame + message_text)


def column_chart(
    data: Data,
    *,
    title: str,
    description: str,
    empty_message: str,
    number_format: NumberFormat,
    chart_id: str | None = None,
) -> Markup:
    """Columns in the given order (interactions per month): a y axis of round ticks, each
    label under its column (every second or third when they would collide), and each
    figure in the column's tooltip."""
    if not data:
        return _no_data(chart_id, title, description, empty_message)
    ticks = nice_ticks(max(value for _, value in data))
    tick_labels = [number_format(tick) for tick in ticks]
    left = PAD + max(text_width(label, SMALL) for label in tick_labels) + 6
    top = PAD + SMALL / 2
    bottom = top + COLUMN_AREA
    slot = (WIDTH - PAD - left) / len(data)
    column = min(slot * 0.7, 48)
    widest = max(text_width(label, SMALL) for label, _ in data)
    # Months read best labelled every 2, 3, 4 or 6 months, or once a year.
    needed = math.ceil((widest + 4) / slot)
    every = next((n for n in (1, 2, 3, 4, 6) if n >= needed), -(-needed // 12) * 12)
    parts: list[str] = []
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = bottom - COLUMN_AREA * tick / ticks[-1]
        parts.append(
            f'<line class="chart-grid" x1="{_n(left)}" x2="{WIDTH - PAD}" y1="{_n(y)}" '
            f'y2="{_n(y)}" stroke="currentColor" stroke-opacity="0.2"/>'
        )
        parts.append(
            _text(left - 6, y + SMALL * 0.35, label, css="chart-tick", size=SMALL, anchor="end")
        )
    for index, (label, value) in enumerate(data):
        x = left + slot * index
        height = COLUMN_AREA * value / ticks[-1]
        parts.append(
            f'<g class="chart-column"><title>{escape(label)}: {escape(number_format(value))}'
            f'</title><rect class="chart-hit" x="{_n(x)}" y="{_n(top)}" width="{_n(slot)}" '
            f'height="{COLUMN_AREA}" fill="none" pointer-events="all"/>'
            f'<rect class="chart-bar" x="{_n(x + (slot - column) / 2)}" y="{_n(bottom - height)}"'
            f' width="{_n(column)}" height="{_n(height)}" fill="{BAR_COLOUR}"/></g>'
        )
        if index % every == 0:
            parts.append(
                _text(
                    x + slot / 2,
                    bottom + SMALL + 6,
                    label,
                    css="chart-label",
                    size=SMALL,
                    anchor="middle",
                    room=slot * every - 2,
                )
            )
    parts.append(
        f'<line class="chart-axis" x1="{_n(left)}" x2="{WIDTH - PAD}" y1="{_n(bottom)}" '
        f'y2="{_n(bottom)}" stroke="currentColor"/>'
    )
    return _svg(chart_id, title, description, bottom + SMALL + 6 + PAD, "".join(parts))


def _bars(rows: list[tuple[str, int, str]], chart_id: str | None, title: str, desc: str) -> Markup:
    """Horizontal bars, one per (label, value, figure) row: the label on a line of its own
    (long names have the whole width), the bar below it, the figure at the bar's end."""
    room = max(text_width(figure, FONT) for _, _, figure in rows) + 6
    longest = WIDTH - 2 * PAD - room
    largest = max(max(value for _, value, _ in rows), 1)
    parts: list[str] = []
    for index, (label, value, figure) in enumerate(rows):
        y = PAD + ROW_HEIGHT * index
        length = longest * value / largest
        bar_top = y + FONT + 4
        parts.append(
            f'<g class="chart-row chart-row-{index + 1}"><title>{escape(label)}: '
            f"{escape(figure)}</title>"
            + _text(PAD, y + FONT, label, css="chart-label", room=WIDTH - 2 * PAD)
            + f'<rect class="chart-bar" x="{PAD}" y="{_n(bar_top)}" width="{_n(length)}" '
            f'height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
            + _text(
                PAD + length + 6, bar_top + BAR_HEIGHT / 2 + FONT * 0.35, figure, css="chart-value"
            )
            + "</g>"
        )
    return _svg(chart_id, title, desc, PAD + ROW_HEIGHT * len(rows), "".join(parts))


def _figure(
    value: int, base: int, number_format: NumberFormat, percent: PercentFormat | None
) -> str:
    if percent is None or base == 0:
        return number_format(value)
    return f"{number_format(value)} ({percent(value / base)})"


def bar_chart(
    data: Data,
    *,
    title: str,
    description: str,
    empty_message: str,
    number_format: NumberFormat,
    percent_format: PercentFormat | None = None,
    chart_id: str | None = None,
) -> Markup:
    """Horizontal bars, largest first (engagement by country or region); with
    ``percent_format`` each figure also gives its share of the total."""
    if not data:
        return _no_data(chart_id, title, description, empty_message)
    total = sum(value for _, value in data)
    rows = [
        (label, value, _figure(value, total, number_format, percent_format))
        for label, value in by_value(data)
    ]
    return _bars(rows, chart_id, title, description)


def funnel_chart(
    steps: Data,
    *,
    title: str,
    description: str,
    empty_message: str,
    number_format: NumberFormat,
    percent_format: PercentFormat,
    chart_id: str | None = None,
) -> Markup:
    """The steps in their order (invited → accepted → attended), each with its count and its
    share of the first step (no share when the first step is zero)."""
    if not steps:
        return _no_data(chart_id, title, description, empty_message)
    first = steps[0][1]
    rows = [
        (label, value, _figure(value, first, number_format, percent_format))
        for label, value in steps
    ]
    return _bars(rows, chart_id, title, description)


def data_table(
    data: Data,
    *,
    caption: str,
    label_header: str,
    value_header: str,
    empty_message: str,
    number_format: NumberFormat,
    share_header: str | None = None,
    percent_format: PercentFormat | None = None,
    share_of: Literal["total", "first"] = "total",
) -> Markup:
    """The figures of a chart as an HTML table, rows in the given order (``by_value(data)``
    for a bar chart's order); with ``share_header`` and ``percent_format``, a share column
    of the total (bar chart) or of the first row (funnel)."""
    with_share = share_header is not None and percent_format is not None
    headers = [label_header, value_header] + ([share_header or ""] if with_share else [])
    head = "".join(f'<th scope="col">{escape(header)}</th>' for header in headers)
    base = sum(v for _, v in data) if share_of == "total" else (data[0][1] if data else 0)
    body: list[str] = []
    for label, value in data:
        figure = escape(number_format(value))
        cells = f'<th scope="row">{escape(label)}</th><td class="num">{figure}</td>'
        if with_share and percent_format is not None:
            share = percent_format(value / base) if base else "–"
            cells += f'<td class="num">{escape(share)}</td>'
        body.append(f"<tr>{cells}</tr>")
    if not body:
        body.append(f'<tr><td colspan="{len(headers)}">{escape(empty_message)}</td></tr>')
    return Markup(
        f'<table class="chart-table"><caption>{escape(caption)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )
