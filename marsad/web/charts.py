"""Server-side SVG charts: counts over time (lines or stacked columns), top-N horizontal bars and sparklines.

Why on the server and in SVG: the dashboard must work air-gapped and under a strict content security policy,
so a chart is markup the page already carries — no chart library, no script, no inline ``style`` attribute
(colours are SVG presentation attributes, which a CSP does not block). Each chart is a ``<figure>`` holding:

* the ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (``aria-labelledby``), and a ``<title>`` on each
  bar, point and column so hovering (or a screen reader's exploration) gives the exact figure;
* an HTML legend (swatches are tiny SVGs: again no style attribute) — text laid out by the browser, so long
  names in any script wrap and shape correctly instead of being measured by guesswork here;
* a ``<details>`` data table with every value: the accessible fallback, and what an analyst copies.

Direction: time runs left → right in every language, Arabic included. That is what Arabic newspapers,
statistics offices and dashboards do (charts follow the mathematical convention, like the digits); a mirrored
time axis reads as "going backwards" to most Arabic readers of charts. What does follow the page direction is
what is read as text: in right-to-left pages the bar chart's labels sit on the right and bars grow leftwards,
the legend and the table flow right to left (they are HTML under the page's ``dir``).

Everything a user sees comes from the caller, already translated and formatted (``fmt`` turns a number into
the user's digits and grouping, e.g. with Babel); every piece of text is escaped here. The palette is
Okabe & Ito's, distinguishable with the common colour-vision deficiencies; lines also differ by dash pattern.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

__all__ = [
    "PALETTE",
    "DASHES",
    "Series",
    "nice_ticks",
    "time_series",
    "bars",
    "sparkline",
    "data_table",
]

#: Okabe & Ito (2008), colour-blind safe; black last (it doubles as the text colour)
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
#: dash patterns paired with the palette, so lines differ without colour too
DASHES = ("", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4", "3 6")
_AXIS = "#5f6368"
_GRID = "#e0e0e0"
_FONT = 12


def _plain(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@dataclass(frozen=True)
class Series:
    """One named line (or band) of values, one per period."""

    label: str
    values: Sequence[float]


def _num(value: float) -> str:
    """A coordinate, short and locale-free (SVG wants ASCII digits and a dot)."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _chart_id(kind: str, *parts: object) -> str:
    """A stable id for the title/desc of one chart (several charts on one page must not share ids)."""
    return f"{kind}-" + hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()[:10]


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 to at least ``top`` (steps of 1, 2, 2.5 or 5 × 10ⁿ; whole numbers for counts)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if step < 1:
        step = 1.0
    ticks, value = [0.0], 0.0
    while value < top:
        value = round(value + step, 10)
        ticks.append(value)
    return ticks


def _truncate(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


def _svg_open(chart: str, width: int, height: int, title: str, desc: str, rtl: bool) -> list[str]:
    ids = (f"{chart}-t", f"{chart}-d")
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{ids[0]} {ids[1]}" '
        f'font-size="{_FONT}" font-family="inherit" direction="{"rtl" if rtl else "ltr"}">',
        f'<title id="{ids[0]}">{escape(title)}</title>',
        f'<desc id="{ids[1]}">{escape(desc)}</desc>',
    ]


def _swatch(index: int, shape: str = "rect") -> str:
    colour = PALETTE[index % len(PALETTE)]
    if shape == "line":
        dash = DASHES[index % len(DASHES)]
        return ('<svg class="swatch" width="22" height="12" viewBox="0 0 22 12" aria-hidden="true">'
                f'<line x1="1" y1="6" x2="21" y2="6" stroke="{colour}" stroke-width="3"'
                f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/></svg>')
    return ('<svg class="swatch" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">'
            f'<rect width="12" height="12" rx="2" fill="{colour}"/></svg>')


def _legend(labels: Sequence[str], shape: str) -> str:
    if len(labels) < 2:
        return ""
    items = "".join(f"<li>{_swatch(i, shape)}<span>{escape(label)}</span></li>" for i, label in enumerate(labels))
    return f'<ul class="chart-legend">{items}</ul>'


def data_table(caption: str, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[str]]],
               summary: str) -> Markup:
    """A collapsed ``<details>`` table: ``columns`` heads (first is the row heading's column), each row a
    heading and its already formatted cells."""
    head = "".join(f'<th scope="col">{escape(c)}</th>' for c in columns)
    body = "".join(
        f'<tr><th scope="row">{escape(name)}</th>{"".join(f"<td>{escape(v)}</td>" for v in cells)}</tr>'
        for name, cells in rows)
    return Markup(f'<details class="chart-data"><summary>{escape(summary)}</summary>'
                  f'<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>'
                  f'<tbody>{body}</tbody></table></details>')


def _figure(svg: list[str], legend: str, table: Markup, title: str, css: str) -> Markup:
    return Markup(f'<figure class="chart {css}"><figcaption>{escape(title)}</figcaption>'
                  f'{"".join(svg)}{legend}{table}</figure>')


@dataclass(frozen=True)
class _Frame:
    """The plotting area inside the chart's box."""

    left: float
    top: float
    width: float
    height: float
    banded: bool = False  # columns: each period is a band, x is its centre

    def x(self, index: int, count: int) -> float:
        if self.banded:
            return self.left + (index + 0.5) * self.width / max(count, 1)
        step = self.width / max(count - 1, 1)
        return self.left + (index * step if count > 1 else self.width / 2)

    def y(self, value: float, top_value: float) -> float:
        return self.top + self.height - (value / top_value) * self.height if top_value else self.top + self.height


def _axes(frame: _Frame, ticks: Sequence[float], periods: Sequence[str], fmt: Callable[[float], str],
          label_every: int) -> list[str]:
    parts = ['<g class="axis" aria-hidden="true">']
    right = frame.left + frame.width
    for tick in ticks:
        y = frame.y(tick, ticks[-1])
        parts.append(f'<line x1="{_num(frame.left)}" y1="{_num(y)}" x2="{_num(right)}" y2="{_num(y)}" '
                     f'stroke="{_GRID if tick else _AXIS}" stroke-width="1"/>')
        parts.append(f'<text x="{_num(frame.left - 6)}" y="{_num(y + 4)}" text-anchor="end" direction="ltr" '
                     f'fill="{_AXIS}">{escape(fmt(tick))}</text>')
    base = frame.top + frame.height
    for i, period in enumerate(periods):
        last = len(periods) - 1
        if i != last and (i % label_every or last - i < label_every):  # every k-th label; the last always
            continue
        x = frame.x(i, len(periods))
        parts.append(f'<line x1="{_num(x)}" y1="{_num(base)}" x2="{_num(x)}" y2="{_num(base + 4)}" '
                     f'stroke="{_AXIS}"/>')
        parts.append(f'<text x="{_num(x)}" y="{_num(base + 18)}" text-anchor="middle" fill="{_AXIS}">'
                     f'{escape(period)}</text>')
    parts.append("</g>")
    return parts


def _stack(series: Sequence[Series], count: int) -> list[list[float]]:
    """Cumulative tops of each band (bottom band first)."""
    tops, running = [], [0.0] * count
    for line in series:
        running = [running[i] + float(line.values[i]) for i in range(count)]
        tops.append(running)
    return tops


def _columns(frame: _Frame, series: Sequence[Series], periods: Sequence[str], top: float,
             fmt: Callable[[float], str]) -> list[str]:
    """Stacked columns, one per period (counts per period are discrete: columns, not areas, show them)."""
    parts, count = ['<g class="columns">'], len(periods)
    band = frame.width / max(count, 1)
    width = max(min(band * 0.72, 48.0), 1.0)
    below = [0.0] * count
    for index, line in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        parts.append(f'<g class="series" fill="{colour}">')
        for i, value in enumerate(line.values):
            value = float(value)
            if value <= 0:
                continue
            y_top, y_bottom = frame.y(below[i] + value, top), frame.y(below[i], top)
            parts.append(f'<rect x="{_num(frame.x(i, count) - width / 2)}" y="{_num(y_top)}" width="{_num(width)}" '
                         f'height="{_num(y_bottom - y_top)}"><title>{escape(line.label)} — {escape(periods[i])}: '
                         f'{escape(fmt(value))}</title></rect>')
            below[i] += value
        parts.append("</g>")
    parts.append("</g>")
    return parts


def _lines(frame: _Frame, series: Sequence[Series], periods: Sequence[str], top: float,
           fmt: Callable[[float], str]) -> list[str]:
    parts, count = ['<g class="lines">'], len(periods)
    dots = count <= 60
    for index, line in enumerate(series):
        colour, dash = PALETTE[index % len(PALETTE)], DASHES[index % len(DASHES)]
        points = " ".join(f"{_num(frame.x(i, count))},{_num(frame.y(float(v), top))}"
                          for i, v in enumerate(line.values))
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series"><polyline points="{points}" fill="none" stroke="{colour}" '
                     f'stroke-width="2.5" stroke-linejoin="round"{dashing}/>')
        if dots:
            for i, v in enumerate(line.values):
                parts.append(f'<circle cx="{_num(frame.x(i, count))}" cy="{_num(frame.y(float(v), top))}" r="3.5" '
                             f'fill="{colour}"><title>{escape(line.label)} — {escape(periods[i])}: '
                             f'{escape(fmt(float(v)))}</title></circle>')
        parts.append("</g>")
    parts.append("</g>")
    return parts


def time_series(periods: Sequence[str], series: Sequence[Series], *, title: str, desc: str = "",
                stacked: bool = False, fmt: Callable[[float], str] = _plain, rtl: bool = False,
                table_summary: str = "Data", period_heading: str = "", width: int = 640,
                height: int = 260) -> Markup:
    """Counts over time: one line per series (or stacked columns with ``stacked``), ``periods`` the x labels
    (already localised), oldest first. Time runs left to right whatever the direction (module docstring)."""
    periods = list(periods)
    for line in series:
        if len(line.values) != len(periods):
            raise ValueError(f"series {line.label!r} has {len(line.values)} values for {len(periods)} periods")
    count = len(periods)
    peak = max((max(_stack(series, count)[-1]) if stacked else max(max(map(float, s.values)) for s in series))
               if series and count else 0.0, 0.0)
    ticks = nice_ticks(peak)
    gutter = 12 + 7 * max(len(fmt(t)) for t in ticks)
    frame = _Frame(gutter, 12, width - gutter - 14, height - 40, banded=stacked)
    label_every = max(1, math.ceil(count / max(1, int(frame.width // 70))))
    chart = _chart_id("ts", title, periods, [(s.label, list(s.values)) for s in series])
    svg = _svg_open(chart, width, height, title, desc or title, rtl)
    svg += _axes(frame, ticks, periods, fmt, label_every)
    if count:
        svg += (_columns if stacked else _lines)(frame, series, periods, ticks[-1], fmt)
    svg.append("</svg>")
    rows = [(period, [fmt(float(s.values[i])) for s in series]) for i, period in enumerate(periods)]
    table = data_table(title, [period_heading, *(s.label for s in series)], rows, table_summary)
    return _figure(svg, _legend([s.label for s in series], "rect" if stacked else "line"), table, title,
                   "chart-time")


def bars(items: Sequence[tuple[str, float]], *, title: str, desc: str = "", fmt: Callable[[float], str] = _plain,
         rtl: bool = False, table_summary: str = "Data", label_heading: str = "", value_heading: str = "",
         links: Sequence[str | None] | None = None, width: int = 360, bar_height: int = 22,
         label_chars: int = 22) -> Markup:
    """Horizontal bars, largest first as given (top-N): label at the reading start (right in RTL), bar
    growing towards the reading end, the value after the bar. ``links`` optionally makes each row a link."""
    items = list(items)
    gap, label_width, value_width = 8, width * 0.38, 56
    height = max(1, len(items)) * (bar_height + gap) + gap
    chart = _chart_id("bar", title, items)
    svg = _svg_open(chart, width, height, title, desc or title, rtl)
    peak = max((float(v) for _, v in items), default=0.0)
    span = width - label_width - value_width - 2 * gap
    for i, (label, value) in enumerate(items):
        y = gap + i * (bar_height + gap)
        length = 0.0 if peak <= 0 else max(float(value) / peak * span, 1.5 if value else 0.0)
        start = label_width + gap
        bar_x = width - start - length if rtl else start
        label_x, anchor_label = (width - 4, "start") if rtl else (4, "start")
        value_x = (bar_x - 6) if rtl else (start + length + 6)
        shown = _truncate(str(label), label_chars)
        parts = [
            f'<g class="bar"><title>{escape(label)}: {escape(fmt(float(value)))}</title>',
            f'<text x="{_num(label_x)}" y="{_num(y + bar_height * 0.7)}" text-anchor="{anchor_label}">'
            f'{escape(shown)}</text>',
            f'<rect x="{_num(bar_x)}" y="{_num(y)}" width="{_num(length)}" height="{bar_height}" rx="3" '
            f'fill="{PALETTE[0]}"/>',
            f'<text x="{_num(value_x)}" y="{_num(y + bar_height * 0.7)}" text-anchor="{"start" if not rtl else "end"}"'
            f' direction="ltr" fill="{_AXIS}">{escape(fmt(float(value)))}</text></g>',
        ]
        link = links[i] if links and i < len(links) else None
        svg.append(f'<a href="{escape(link)}">{"".join(parts)}</a>' if link else "".join(parts))
    svg.append("</svg>")
    table = data_table(title, [label_heading, value_heading], [(str(l), [fmt(float(v))]) for l, v in items],
                       table_summary)
    return _figure(svg, "", table, title, "chart-bars")


def sparkline(values: Sequence[float], *, title: str, fmt: Callable[[float], str] = _plain, width: int = 120,
              height: int = 28) -> Markup:
    """A word-sized trend (no axes): the line, the last value marked; ``title`` says what and the figures."""
    values = [float(v) for v in values]
    top = max(values, default=0.0) or 1.0
    step = (width - 4) / max(len(values) - 1, 1)
    points = [(2 + i * step, height - 2 - (v / top) * (height - 4)) for i, v in enumerate(values)]
    label = f"{title}: " + " ".join(fmt(v) for v in values) if values else title
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(label)}" direction="ltr">'
             f'<title>{escape(label)}</title>']
    if points:
        parts.append(f'<polyline points="{" ".join(f"{_num(x)},{_num(y)}" for x, y in points)}" fill="none" '
                     f'stroke="{PALETTE[0]}" stroke-width="1.5" stroke-linejoin="round"/>')
        x, y = points[-1]
        parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="2.5" fill="{PALETTE[5]}"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
