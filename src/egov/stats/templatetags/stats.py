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
