"""Inline SVG charts for the HTML report, drawn in Python so the report needs no script and no CDN.

Each function returns one ``<svg>`` element as a string. Every piece of text that reaches the SVG
(names, group values from the customer's file, legends) goes through :func:`_t`, which escapes it
for XML; numbers are formatted here. The report template inserts the result as markup, so this
escaping is what keeps a hostile store name inert.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any

__all__ = ["dots", "quadrant", "bars", "lines", "mix"]

ACTUAL = "#2b6cb0"
EXPECT = "#805ad5"
IDEAL = "#2f855a"
KEY = "#c53030"
GRID = "#e2e8f0"
INK = "#2d3748"
MUTED = "#718096"
POS, NEU, NEG = "#38a169", "#a0aec0", "#e53e3e"
SERIES = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#718096", "#b7791f", "#e53e3e", "#4a5568")
_FONT = 'font-family="Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"'


def _t(text: Any) -> str:
    return escape(str(text), quote=True)


def _n(x: float) -> str:
    return f"{x:.1f}"


def _width(text: str, size: int) -> float:
    """Rough rendered width: a CJK character is about one em, other characters about half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.55 for ch in text)


def _svg(width: int, height: int, body: list[str], label: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'style="max-width:{width}px" role="img" aria-label="{_t(label)}" {_FONT} font-size="13">'
        + "".join(body)
        + "</svg>"
    )


def _ticks(x: Callable[[float], float], scale: float, y1: int, y2: int, label_y: int) -> list[str]:
    """Vertical grid lines at the whole numbers of a 0–``scale`` axis, each labelled below."""
    out = []
    for tick in range(0, int(scale) + 1, 2 if scale >= 8 else 1):
        out.append(f'<line x1="{_n(x(tick))}" y1="{y1}" x2="{_n(x(tick))}" y2="{y2}" stroke="{GRID}"/>')
        out.append(_text(x(tick), label_y, tick, anchor="middle", fill=MUTED, size=11))
    return out


def _text(x: float, y: float, s: Any, *, anchor: str = "start", fill: str = INK, size: int = 13,
          weight: str = "normal") -> str:
    return (f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" fill="{fill}" font-size="{size}" '
            f'font-weight="{weight}">{_t(s)}</text>')


def dots(rows: Sequence[Mapping[str, Any]], labels: Mapping[str, str], *, scale: float = 10.0) -> str:
    """Actual (with its interval) vs expectation vs ideal per row, on one 0–scale axis.

    ``rows``: dicts with ``name``, ``actual``, ``ci`` (pair or None), ``expectation``, ``ideal``,
    ``key`` (bool), ``note`` (text shown when actual is missing). ``labels``: legend texts under the
    keys ``actual``, ``expectation``, ``ideal``, ``key``.
    """
    left, right, top, row_h = 120, 30, 40, 34
    width = 640
    plot = width - left - right
    height = top + row_h * max(len(rows), 1) + 40

    def x(v: float) -> float:
        return left + plot * max(0.0, min(v, scale)) / scale

    body = _ticks(x, scale, top - 8, height - 34, height - 18)
    for i, r in enumerate(rows):
        cy = top + row_h * i + row_h / 2
        color = KEY if r.get("key") else INK
        body.append(_text(left - 10, cy + 4, r["name"], anchor="end", fill=color, weight="bold" if r.get("key") else "normal"))
        if r.get("actual") is None:
            body.append(_text(x(0) + 4, cy + 4, r.get("note", ""), fill=MUTED, size=12))
            continue
        ci = r.get("ci")
        if ci:
            body.append(f'<line x1="{_n(x(ci[0]))}" y1="{_n(cy)}" x2="{_n(x(ci[1]))}" y2="{_n(cy)}" stroke="{ACTUAL}" stroke-width="2" opacity="0.45"/>')
        if r.get("ideal") is not None and abs(r["ideal"] - r["actual"]) > 1e-9:
            body.append(f'<line x1="{_n(x(r["actual"]))}" y1="{_n(cy)}" x2="{_n(x(r["ideal"]))}" y2="{_n(cy)}" stroke="{KEY}" stroke-width="2" stroke-dasharray="4 3"/>')
        if r.get("expectation") is not None:
            ex = x(r["expectation"])
            body.append(f'<path d="M{_n(ex)} {_n(cy - 7)} L{_n(ex + 7)} {_n(cy)} L{_n(ex)} {_n(cy + 7)} L{_n(ex - 7)} {_n(cy)} Z" fill="{EXPECT}" opacity="0.85"/>')
        if r.get("ideal") is not None:
            body.append(f'<circle cx="{_n(x(r["ideal"]))}" cy="{_n(cy)}" r="8" fill="none" stroke="{IDEAL}" stroke-width="2.5"/>')
        body.append(f'<circle cx="{_n(x(r["actual"]))}" cy="{_n(cy)}" r="6" fill="{ACTUAL}"/>')
        body.append(_text(x(r["actual"]), cy - 10, f'{r["actual"]:.1f}', anchor="middle", fill=ACTUAL, size=11))
    lx = float(left)
    marks = {
        "actual": lambda x0: f'<circle cx="{_n(x0 + 6)}" cy="16" r="6" fill="{ACTUAL}"/>',
        "expectation": lambda x0: f'<path d="M{_n(x0 + 6)} 9 L{_n(x0 + 13)} 16 L{_n(x0 + 6)} 23 L{_n(x0 - 1)} 16 Z" fill="{EXPECT}"/>',
        "ideal": lambda x0: f'<circle cx="{_n(x0 + 6)}" cy="16" r="7" fill="none" stroke="{IDEAL}" stroke-width="2.5"/>',
    }
    for key, mark in marks.items():
        text = labels.get(key, key)
        body.append(mark(lx))
        body.append(_text(lx + 18, 20, text, fill=MUTED, size=12))
        lx += 18 + _width(text, 12) + 22
    return _svg(width, height, body, labels.get("title", ""))


def quadrant(points: Sequence[Mapping[str, Any]], labels: Mapping[str, str]) -> str:
    """Importance (y, 0–10) against satisfaction (x, centred on 0); the key experience in red.

    ``labels``: ``x``, ``y`` axis titles and the four quadrant captions ``fix`` (important and
    below expectation), ``keep`` (important and met), ``watch`` and ``ok``.
    """
    width, height, left, right, top, bottom = 640, 400, 60, 30, 30, 50
    pw, ph = width - left - right, height - top - bottom
    span = max([abs(p["satisfaction"]) for p in points if p.get("satisfaction") is not None] + [1.0]) * 1.2
    span = max(span, 2.0)

    def x(v: float) -> float:
        return left + pw * (v + span) / (2 * span)

    def y(v: float) -> float:
        return top + ph * (1 - max(0.0, min(v, 10.0)) / 10.0)

    body = [
        f'<rect x="{left}" y="{top}" width="{_n(pw / 2)}" height="{_n(ph / 2)}" fill="#fff5f5"/>',
        f'<rect x="{_n(left + pw / 2)}" y="{top}" width="{_n(pw / 2)}" height="{_n(ph / 2)}" fill="#f0fff4"/>',
        f'<rect x="{left}" y="{top}" width="{pw}" height="{ph}" fill="none" stroke="{GRID}"/>',
        f'<line x1="{_n(x(0))}" y1="{top}" x2="{_n(x(0))}" y2="{top + ph}" stroke="{MUTED}" stroke-dasharray="4 3"/>',
        f'<line x1="{left}" y1="{_n(y(5))}" x2="{left + pw}" y2="{_n(y(5))}" stroke="{MUTED}" stroke-dasharray="4 3"/>',
        _text(left + 8, top + 18, labels.get("fix", ""), fill=KEY, size=12),
        _text(left + pw - 8, top + 18, labels.get("keep", ""), anchor="end", fill=IDEAL, size=12),
        _text(left + 8, top + ph - 8, labels.get("watch", ""), fill=MUTED, size=12),
        _text(left + pw - 8, top + ph - 8, labels.get("ok", ""), anchor="end", fill=MUTED, size=12),
        _text(left + pw / 2, height - 12, labels.get("x", ""), anchor="middle", fill=INK, size=12),
        f'<text x="16" y="{_n(top + ph / 2)}" transform="rotate(-90 16 {_n(top + ph / 2)})" text-anchor="middle" fill="{INK}" font-size="12">{_t(labels.get("y", ""))}</text>',
    ]
    for v in (-span, -span / 2, 0, span / 2, span):
        body.append(_text(x(v), top + ph + 16, f"{v:+.1f}" if v else "0", anchor="middle", fill=MUTED, size=11))
    for v in (0, 5, 10):
        body.append(_text(left - 6, y(v) + 4, v, anchor="end", fill=MUTED, size=11))
    for p in points:
        if p.get("satisfaction") is None or p.get("importance") is None:
            continue
        px, py = x(p["satisfaction"]), y(p["importance"])
        color = KEY if p.get("key") else ACTUAL
        r = 8 if p.get("key") else 6
        body.append(f'<circle cx="{_n(px)}" cy="{_n(py)}" r="{r}" fill="{color}" opacity="0.9"/>')
        body.append(_text(px + 10, py + 4, p["name"], fill=color, size=12, weight="bold" if p.get("key") else "normal"))
    return _svg(width, height, body, labels.get("title", ""))


def bars(items: Sequence[Mapping[str, Any]], labels: Mapping[str, str], *, scale: float = 10.0) -> str:
    """Horizontal bars of a 0–scale score per item, with its interval and ``n``.

    ``items``: dicts with ``name``, ``value`` (or None, then ``note`` is shown), ``ci``, ``n``, ``key``.
    """
    left, right, top, row_h = 110, 90, 10, 28
    width = 640
    plot = width - left - right
    height = top + row_h * max(len(items), 1) + 26

    def x(v: float) -> float:
        return left + plot * max(0.0, min(v, scale)) / scale

    body = _ticks(x, scale, top, height - 22, height - 8)
    for i, it in enumerate(items):
        cy = top + row_h * i + row_h / 2
        color = KEY if it.get("key") else ACTUAL
        body.append(_text(left - 8, cy + 4, it["name"], anchor="end", fill=KEY if it.get("key") else INK))
        if it.get("value") is None:
            body.append(_text(x(0) + 4, cy + 4, it.get("note", ""), fill=MUTED, size=12))
            continue
        body.append(f'<rect x="{left}" y="{_n(cy - 8)}" width="{_n(x(it["value"]) - left)}" height="16" rx="2" fill="{color}" opacity="0.8"/>')
        ci = it.get("ci")
        if ci:
            body.append(f'<line x1="{_n(x(ci[0]))}" y1="{_n(cy)}" x2="{_n(x(ci[1]))}" y2="{_n(cy)}" stroke="{INK}" stroke-width="1.5"/>')
        body.append(_text(left + plot + 8, cy + 4, f'{it["value"]:.1f}  (n={it.get("n", 0)})', fill=INK, size=12))
    return _svg(width, height, body, labels.get("title", ""))


def lines(periods: Sequence[str], series: Mapping[str, Sequence[float | None]], labels: Mapping[str, str],
          *, scale: float = 10.0) -> str:
    """One line per series over the periods (gaps where a period has too few mentions)."""
    width, left, right, top, bottom = 640, 40, 130, 16, 44
    height = 300
    pw, ph = width - left - right, height - top - bottom
    count = max(len(periods), 1)

    def x(i: int) -> float:
        return left + (pw * i / (count - 1) if count > 1 else pw / 2)

    def y(v: float) -> float:
        return top + ph * (1 - max(0.0, min(v, scale)) / scale)

    body = []
    for v in range(0, int(scale) + 1, 2):
        body.append(f'<line x1="{left}" y1="{_n(y(v))}" x2="{left + pw}" y2="{_n(y(v))}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y(v) + 4, v, anchor="end", fill=MUTED, size=11))
    step = max(1, count // 8)
    for i, p in enumerate(periods):
        if i % step == 0 or i == count - 1:
            body.append(_text(x(i), height - bottom + 18, p, anchor="middle", fill=MUTED, size=11))
    for j, (name, values) in enumerate(series.items()):
        color = SERIES[j % len(SERIES)]
        run: list[str] = []
        for i, v in enumerate(values):
            if v is None:
                if len(run) > 1:
                    body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2"/>')
                run = []
                continue
            run.append(f"{_n(x(i))},{_n(y(v))}")
            body.append(f'<circle cx="{_n(x(i))}" cy="{_n(y(v))}" r="3" fill="{color}"/>')
        if len(run) > 1:
            body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}" stroke-width="2"/>')
        ly = top + 14 + 18 * j
        body.append(f'<rect x="{left + pw + 14}" y="{ly - 9}" width="12" height="12" fill="{color}"/>')
        body.append(_text(left + pw + 32, ly + 1, name, fill=INK, size=12))
    return _svg(width, height, body, labels.get("title", ""))


def mix(pos: int, neu: int, neg: int, labels: Mapping[str, str]) -> str:
    """One stacked bar of the sentiment mix with percentages."""
    total = pos + neu + neg
    width, height = 640, 46
    body = []
    x0 = 0.0
    for count, color, key in ((pos, POS, "pos"), (neu, NEU, "neu"), (neg, NEG, "neg")):
        w = width * count / total if total else 0.0
        if w <= 0:
            continue
        body.append(f'<rect x="{_n(x0)}" y="0" width="{_n(w)}" height="26" fill="{color}"/>')
        if w > 70:
            body.append(_text(x0 + w / 2, 18, f"{labels.get(key, key)} {100 * count / total:.0f}%", anchor="middle", fill="#ffffff", size=12, weight="bold"))
        x0 += w
    return _svg(width, height, body, labels.get("title", ""))
