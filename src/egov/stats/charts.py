"""Charts as inline SVG drawn on the server: no script, no asset from another host.

Each chart is an ``<svg role="img">`` with a title; the page shows the same figures in a
table right after it, which is what screen readers and exports use.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from egov.stats import formats

WIDTH, HEIGHT = 720, 240
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 56, 48, 16, 36
COLORS = {"before": "#2e7d32", "on_time": "#66bb6a", "late": "#c62828", "line": "#1565c0"}


def _nice_max(value: int) -> int:
    if value <= 0:
        return 1
    step = 10 ** (len(str(value)) - 1)
    return ((value + step - 1) // step) * step


def trend_chart(
    title: str,
    labels: Sequence[str],
    stacks: Sequence[tuple[str, str, Sequence[int]]],
    rate: tuple[str, Sequence[Decimal | None]] | None = None,
) -> SafeString:
    """Stacked columns (``stacks``: key, legend, values per label) and an optional rate line
    (0-100 %, right axis)."""
    n = max(len(labels), 1)
    inner_w = WIDTH - PAD_LEFT - PAD_RIGHT
    inner_h = HEIGHT - PAD_TOP - PAD_BOTTOM
    totals = [sum(s[2][i] for s in stacks) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    slot = inner_w / n
    bar = max(slot * 0.6, 1)
    parts: list[str] = []
    for k in range(5):  # grid and left axis
        y = PAD_TOP + inner_h - inner_h * k / 4
        parts.append(
            f'<line x1="{PAD_LEFT}" x2="{WIDTH - PAD_RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#ddd"/>'
            f'<text x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{escape(formats.number(top * k // 4))}</text>"
        )
        if rate:
            parts.append(
                f'<text x="{WIDTH - PAD_RIGHT + 6}" y="{y + 4:.1f}" font-size="11">{25 * k}%</text>'
            )
    every = max(1, n // 12)
    for i, label in enumerate(labels):
        x = PAD_LEFT + slot * i + (slot - bar) / 2
        y = PAD_TOP + inner_h
        for key, _legend, values in stacks:
            h = inner_h * values[i] / top
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{COLORS.get(key, "#90a4ae")}"/>'
            )
        if i % every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - PAD_BOTTOM + 16}" '
                f'text-anchor="middle" font-size="11">{escape(label)}</text>'
            )
    if rate:
        points = [
            f"{PAD_LEFT + slot * i + slot / 2:.1f},{PAD_TOP + inner_h - inner_h * float(v) / 100:.1f}"
            for i, v in enumerate(rate[1])
            if v is not None
        ]
        if points:
            parts.append(
                f'<polyline points="{" ".join(points)}" fill="none" '
                f'stroke="{COLORS["line"]}" stroke-width="2"/>'
            )
    legend_x = PAD_LEFT
    legend = [(COLORS.get(k, "#90a4ae"), text) for k, text, _v in stacks]
    if rate:
        legend.append((COLORS["line"], rate[0]))
    for color, text in legend:
        parts.append(
            f'<rect x="{legend_x}" y="{HEIGHT - 14}" width="10" height="10" fill="{color}"/>'
            f'<text x="{legend_x + 14}" y="{HEIGHT - 5}" font-size="11">{escape(text)}</text>'
        )
        legend_x += 24 + 7 * len(text)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}">'
        '<title id="{}">{}</title>{}</svg>',
        WIDTH,
        HEIGHT,
        _id(title),
        _id(title),
        title,
        mark_safe("".join(parts)),  # noqa: S308 (built above from escaped text and numbers)
    )


def bar_list(title: str, rows: Sequence[tuple[str, Decimal | None]]) -> SafeString:
    """Horizontal bars of a percentage per row (the ranking)."""
    row_h = 22
    label_w = 260
    height = row_h * len(rows) + 8
    inner = WIDTH - label_w - 70
    parts = []
    for i, (label, value) in enumerate(rows):
        y = 4 + i * row_h
        short = label if len(label) <= 40 else label[:39] + "…"
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
            f"{escape(short)}</text>"
        )
        if value is not None:
            w = inner * float(value) / 100
            color = COLORS["on_time"] if value >= 95 else ("#f9a825" if value >= 80 else "#c62828")
            parts.append(
                f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{color}"/>'
                f'<text x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="11">'
                f"{escape(formats.percent(value))}</text>"
            )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}">'
        '<title id="{}">{}</title>{}</svg>',
        WIDTH,
        height,
        _id(title),
        _id(title),
        title,
        mark_safe("".join(parts)),  # noqa: S308
    )


def _id(title: str) -> str:
    return "chart-" + str(abs(hash(title)) % 10**8)
