"""Inline SVG charts, computed at build time: no JavaScript, no network.

Python computes the geometry; `charts.html` writes the markup. Colours come from CSS
classes, so the charts follow the light and dark palettes. Every chart is shown beside a
table of the same figures, for screen readers and for search.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_SCALE = 4
"""A few incidents should look like a few: the vertical scale reaches at least this."""
ROW = 22
"""Height of one horizontal bar's row, and width of one vertical bar's column."""


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    cls: str
    title: str


@dataclass(frozen=True, slots=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class Chart:
    id: str
    title: str
    width: int
    height: int
    rects: tuple[Rect, ...]
    texts: tuple[Text, ...]
    lines: tuple[Line, ...]


@dataclass(frozen=True, slots=True)
class Column:
    """One vertical bar of a stacked chart: its label and its segments (class, value, name)."""

    label: str
    axis_label: str
    segments: tuple[tuple[str, int, str], ...]


def nice_step(largest: float, ticks: int = 4) -> int:
    """A round step (1, 2, 5, 10, 20, ...) giving at most `ticks` gridlines above zero."""
    step = 1
    while largest / step > ticks:
        magnitude = 10 ** int(math.log10(step))
        step = {1: 2, 2: 5, 5: 10}[step // magnitude] * magnitude
    return step


def stacked_columns(ident: str, title: str, columns: Sequence[Column]) -> Chart:
    left, top, bottom, height = 34, 10, 26, 180
    top_value = max((sum(v for _c, v, _n in col.segments) for col in columns), default=0)
    step = nice_step(top_value)
    scale_max = max(step * math.ceil(top_value / step), MIN_SCALE)
    width = left + ROW * len(columns) + 10
    rects, texts, lines = [], [], []
    for tick in range(0, scale_max + 1, step):
        y = top + height - height * tick / scale_max
        lines.append(Line(left, y, width - 6, y))
        texts.append(Text(left - 6, y + 4, str(tick), "end"))
    for n, col in enumerate(columns):
        x = left + n * ROW + 3
        base: float = top + height
        for cls, value, name in col.segments:
            h = height * value / scale_max
            base -= h
            rects.append(Rect(x, base, ROW - 6, h, cls, f"{col.label}: {value} {name}"))
        if col.axis_label:
            texts.append(Text(x + (ROW - 6) / 2, top + height + 16, col.axis_label))
    return Chart(ident, title, width, top + height + bottom, tuple(rects), tuple(texts),
                 tuple(lines))


def horizontal_bars(ident: str, title: str, rows: Sequence[tuple[str, float, str]],
                    label_width: int = 240, bar_width: int = 260) -> Chart:
    """One bar per row: (label, value, the value as written beside the bar)."""
    largest = max((value for _l, value, _t in rows), default=0) or 1
    rects, texts = [], []
    for n, (text, value, shown) in enumerate(rows):
        y = 6 + n * ROW
        w = bar_width * value / largest
        rects.append(Rect(label_width, y, max(w, 1), ROW - 8, "hs-bar", f"{text}: {shown}"))
        texts.append(Text(label_width - 8, y + ROW - 11, shorten(text), "end"))
        texts.append(Text(label_width + w + 6, y + ROW - 11, shown, "start"))
    width = label_width + bar_width + 90
    axis = (Line(label_width, 2, label_width, 6 + len(rows) * ROW),)
    return Chart(ident, title, width, 12 + len(rows) * ROW, tuple(rects), tuple(texts), axis)


def shorten(text: str, most: int = 34) -> str:
    """Labels inside a chart are cut short; the table beside it has them in full."""
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"
