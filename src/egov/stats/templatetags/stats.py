from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from egov.stats import formats

register = template.Library()


@register.filter
def num(value: int | Decimal | None) -> str:
    return formats.number(value)


@register.filter
def pct(value: Decimal | None) -> str:
    return formats.percent(value)


@register.filter
def figure(figures: Any, metric: str) -> int:
    return int(figures[metric])


@register.simple_tag
def figure_cells(f: Any) -> str:
    """The ten figure cells of a table row, built in Python (an include per row is slow)."""
    from django.utils.html import format_html_join

    c = f.counts
    values = [
        formats.number(c["received"]), formats.number(c["online"]), formats.number(f.resolved),
        formats.number(c["before"]), formats.number(c["on_time"]), formats.number(c["late"]),
        formats.percent(f.on_time_rate), formats.number(c["refused"]),
        formats.number(c["withdrawn"]), formats.percent(f.satisfaction_rate),
    ]  # fmt: skip
    return format_html_join("", '<td class="num">{}</td>', ((v,) for v in values))
