"""The report's charts as SVG drawn here, not by a chart library: a few kilobytes each, exact
and identical in every browser and in print, testable element by element (docs/report.md says
why). Each function returns one ``<svg class="chart">`` element; numbers are formatted by
``numbers``."""

from __future__ import annotations

import math
from html import escape
from typing import Sequence

from .numbers import number, unit_label

PALETTE = ["#7f7f7f", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b"]


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round numbers (1, 2, 2.5 or 5 times a power of ten) spanning [lo, hi]."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return [0.0]
    if hi == lo:
        hi, lo = hi + (abs(hi) or 1) * 0.5, lo - (abs(lo) or 1) * 0.5
    raw = (hi - lo) / max(n - 1, 1)
    p = 10 ** math.floor(math.log10(raw))
    step = next(m * p for m in (1, 2, 2.5, 5, 10) if m * p >= raw)
    first = math.floor(lo / step) * step
    ticks = [round(first, 12)]
    while ticks[-1] < hi:
        ticks.append(round(first + step * len(ticks), 12))
    return ticks


def _axis_label(unit: str, lang: str) -> str:
    u = unit_label(unit, lang)
    return "%" if unit == "share" else u


def _head(kind: str, chart_id: str, w: float, h: float, title: str, title_x: float) -> list[str]:
    return [f'<svg class="chart {kind}" id="{escape(chart_id)}" viewBox="0 0 {w} {h}" role="img" '
            f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
            f'<text class="ct" x="{title_x}" y="15">{escape(title)}</text>']


def _x_ticks(ticks, X, t: float, h: float, label) -> list[str]:
    """Vertical grid lines at ``ticks`` from ``t`` to the axis, labelled below."""
    return [f'<line class="grid" x1="{X(v):.1f}" x2="{X(v):.1f}" y1="{t}" y2="{h - 30}"/>'
            f'<text class="tick" x="{X(v):.1f}" y="{h - 18}" text-anchor="middle">{label(v)}</text>' for v in ticks]


def fan_chart(title: str, unit: str, dates: Sequence[str], series: Sequence[dict], lang: str = "en",
              chart_id: str = "", from_zero: bool = True) -> str:
    """Mean line and 90% band over time per series ({name, mean, lo, hi}); x: dates (ISO)."""
    w, h, l, r, t, b = 380, 230, 62, 10, 26, 40
    vals = [v for s in series for k in ("lo", "hi", "mean") for v in s[k] if math.isfinite(v)] or [0.0]
    # Accumulated flows start at zero; a stock is drawn over its own range so that its change shows.
    ticks = nice_ticks(min(vals + [0.0]) if from_zero else min(vals), max(vals))
    y0, y1 = ticks[0], ticks[-1]
    n = len(dates)

    def X(i):
        return l + (w - l - r) * (i / max(n - 1, 1))

    def Y(v):
        return t + (h - t - b) * (1 - (v - y0) / ((y1 - y0) or 1))

    out = _head("fan", chart_id, w, h, title, l)
    for v in ticks:
        out.append(f'<line class="grid" x1="{l}" x2="{w - r}" y1="{Y(v):.1f}" y2="{Y(v):.1f}"/>'
                   f'<text class="tick" x="{l - 4}" y="{Y(v) + 3.5:.1f}" text-anchor="end">{number(v, unit)}</text>')
    years = sorted({d[:4] for d in dates})
    for y in years:
        i = next(k for k, d in enumerate(dates) if d.startswith(y))
        out.append(f'<line class="axis" x1="{X(i):.1f}" x2="{X(i):.1f}" y1="{h - b}" y2="{h - b + 4}"/>'
                   f'<text class="tick" x="{X(i):.1f}" y="{h - b + 15}">{y}</text>')
    out.append(f'<text class="tick" x="{l}" y="{h - 6}">{escape(_axis_label(unit, lang))}</text>')
    for k, s in enumerate(series):
        c = s.get("colour", colour(k))
        pts_hi = [f"{X(i):.1f},{Y(v):.1f}" for i, v in enumerate(s["hi"]) if math.isfinite(v)]
        pts_lo = [f"{X(i):.1f},{Y(v):.1f}" for i, v in reversed(list(enumerate(s["lo"]))) if math.isfinite(v)]
        out.append(f'<polygon class="band" fill="{c}" fill-opacity="0.18" points="{" ".join(pts_hi + pts_lo)}"/>')
        line = " ".join(f"{X(i):.1f},{Y(v):.1f}" for i, v in enumerate(s["mean"]) if math.isfinite(v))
        out.append(f'<polyline class="mean" fill="none" stroke="{c}" stroke-width="1.8" points="{line}">'
                   f'<title>{escape(s["name"])}</title></polyline>')
    lx = l + 6
    for k, s in enumerate(series):
        c = s.get("colour", colour(k))
        out.append(f'<rect x="{lx}" y="{t + 2}" width="10" height="3" fill="{c}"/>'
                   f'<text class="leg" x="{lx + 13}" y="{t + 7}">{escape(s["name"])}</text>')
        lx += 18 + 6.2 * len(s["name"])
    out.append(f'<line class="axis" x1="{l}" x2="{w - r}" y1="{h - b}" y2="{h - b}"/></svg>')
    return "".join(out)


def interval_rows(title: str, unit: str, rows: Sequence[dict], lang: str = "en", chart_id: str = "",
                  zero: bool = True, sign: bool = True, label_width: int = 118) -> str:
    """A dot and whisker per row ({label, mean, lo, hi, colour?}); a line at zero. Long labels
    (a portfolio of four districts) get a wider ``label_width``; the plot keeps its width."""
    rh = 26
    w, l, r, t = 262 + label_width, label_width, 30, 26
    h = t + rh * len(rows) + 34
    vals = [v for row in rows for v in (row["lo"], row["hi"], row["mean"]) if math.isfinite(v)] + ([0.0] if zero else [])
    ticks = nice_ticks(min(vals or [0.0]), max(vals or [1.0]), 4)
    x0, x1 = ticks[0], ticks[-1]

    def X(v):
        return l + (w - l - r) * (v - x0) / ((x1 - x0) or 1)

    out = _head("forest", chart_id, w, h, title, 4) + _x_ticks(ticks, X, t, h, lambda v: number(v, unit, sign))
    if zero and x0 <= 0 <= x1:
        out.append(f'<line class="zero" x1="{X(0):.1f}" x2="{X(0):.1f}" y1="{t}" y2="{h - 30}"/>')
    out.append(f'<text class="tick" x="{w - r}" y="{h - 4}" text-anchor="end">{escape(_axis_label(unit, lang))}</text>')
    for k, row in enumerate(rows):
        y = t + rh * k + rh / 2
        c = row.get("colour", colour(k + 1))
        tip = f'{row["label"]}: {number(row["mean"], unit, sign)} ({number(row["lo"], unit, sign)} … {number(row["hi"], unit, sign)})'
        out.append(f'<text class="rl" x="{l - 6}" y="{y + 4:.1f}" text-anchor="end">{escape(row["label"])}</text>')
        if all(math.isfinite(row[k2]) for k2 in ("lo", "hi")):
            out.append(f'<line class="whisker" stroke="{c}" x1="{X(row["lo"]):.1f}" x2="{X(row["hi"]):.1f}" '
                       f'y1="{y:.1f}" y2="{y:.1f}"/>')
        if math.isfinite(row["mean"]):
            out.append(f'<circle class="dot" fill="{c}" cx="{X(row["mean"]):.1f}" cy="{y:.1f}" r="4.5">'
                       f'<title>{escape(tip)}</title></circle>')
    out.append("</svg>")
    return "".join(out)


def bars(title: str, rows: Sequence[dict], axis: str, chart_id: str = "") -> str:
    """Horizontal bars ranked as given ({label, value, lo?, hi?, second?}): the sensitivity
    ranking. ``second`` is drawn as a thinner bar under the first."""
    rh = 28
    w, l, r, t = 560, 250, 20, 26
    h = t + rh * len(rows) + 34
    vals = [v for row in rows for v in (row["value"], row.get("hi", 0.0), row.get("second", 0.0))
            if v is not None and math.isfinite(v)]
    ticks = nice_ticks(0.0, max(vals + [1e-12]), 5)
    x1 = ticks[-1]

    def X(v):
        return l + (w - l - r) * max(v, 0.0) / (x1 or 1)

    out = _head("bars", chart_id, w, h, title, 4) + _x_ticks(ticks, X, t, h, number)
    out.append(f'<text class="tick" x="{w - r}" y="{h - 4}" text-anchor="end">{escape(axis)}</text>')
    for k, row in enumerate(rows):
        y = t + rh * k
        v = row["value"] if math.isfinite(row["value"]) else 0.0
        out.append(f'<text class="rl" x="{l - 6}" y="{y + 15}" text-anchor="end">{escape(row["label"])}</text>'
                   f'<rect class="bar" x="{l}" y="{y + 4}" width="{X(v) - l:.1f}" height="12" fill="{colour(1)}">'
                   f'<title>{escape(row["label"])}: {number(row["value"])}</title></rect>')
        if row.get("second") is not None and math.isfinite(row["second"]):
            out.append(f'<rect class="bar2" x="{l}" y="{y + 17}" width="{X(row["second"]) - l:.1f}" height="6" '
                       f'fill="{colour(5)}"/>')
        if row.get("lo") is not None and math.isfinite(row["lo"]) and math.isfinite(row["hi"]):
            out.append(f'<line class="whisker" x1="{X(row["lo"]):.1f}" x2="{X(row["hi"]):.1f}" y1="{y + 10}" '
                       f'y2="{y + 10}" stroke="#333"/>')
    out.append("</svg>")
    return "".join(out)


def ranges(title: str, rows: Sequence[dict], chart_id: str = "") -> str:
    """One row per parameter ({label, prior_lo, prior_hi, lo, mid, hi}): the prior range as a
    light bar spanning the row (each parameter on its own scale, so ranges of different units
    share one chart), the posterior 90% interval as a dark bar and its median as a dot; the
    values are written at the ends."""
    rh = 34
    w, l, r, t = 560, 230, 20, 26
    h = t + rh * len(rows) + 22
    out = _head("ranges", chart_id, w, h, title, 4)
    for k, row in enumerate(rows):
        y = t + rh * k
        p0, p1 = row["prior_lo"], row["prior_hi"]

        def X(v, p0=p0, p1=p1):
            return l + (w - l - r) * (v - p0) / ((p1 - p0) or 1)

        tip = (f'{row["label"]}: posterior {number(row["mid"])} ({number(row["lo"])} … {number(row["hi"])}), '
               f'prior {number(p0)} … {number(p1)}')
        out.append(f'<text class="rl" x="{l - 6}" y="{y + 14}" text-anchor="end">{escape(row["label"])}</text>'
                   f'<rect class="prior" x="{l}" y="{y + 5}" width="{w - l - r}" height="12" fill="#e3e8ee"/>'
                   f'<text class="tick" x="{l}" y="{y + 29}">{number(p0)}</text>'
                   f'<text class="tick" x="{w - r}" y="{y + 29}" text-anchor="end">{number(p1)}</text>')
        if all(math.isfinite(row[x]) for x in ("lo", "hi")):
            out.append(f'<rect class="bar" x="{X(row["lo"]):.1f}" y="{y + 5}" width="{max(X(row["hi"]) - X(row["lo"]), 1.5):.1f}" '
                       f'height="12" fill="{colour(1)}"><title>{escape(tip)}</title></rect>')
        if math.isfinite(row["mid"]):
            out.append(f'<circle class="dot" fill="{colour(2)}" cx="{X(row["mid"]):.1f}" cy="{y + 11}" r="4">'
                       f'<title>{escape(tip)}</title></circle>')
    out.append(f'<text class="tick" x="{w - r}" y="{h - 4}" text-anchor="end">light: prior range; dark: posterior '
               f'90% interval; dot: median</text></svg>')
    return "".join(out)
