from __future__ import annotations

from typing import Any

from django import template

from egov.core import formats
from egov.core.audit import ACTION_LABELS

register = template.Library()


# Dates, numbers, money and durations: the one way each is shown (egov.core.formats).


@register.filter
def when(value: Any) -> str:
    """A date-time as ``07/12/2026 14:05`` (local time)."""
    return formats.datetime_text(value)


@register.filter
def day(value: Any) -> str:
    """A date (or the local date of a date-time) as ``07/12/2026``."""
    return formats.date_text(value)


@register.filter
def money(value: Any) -> str:
    """``8.000 đ`` in Vietnamese, ``8,000 VND`` in English."""
    return formats.money_text(value)


@register.filter
def number(value: Any, places: int = 0) -> str:
    """``157.732`` in Vietnamese, ``157,732`` in English."""
    return formats.number_text(value, int(places))


@register.filter
def duration(value: Any, unit: str = "working_days") -> str:
    """``1 working day``, ``2 working days``, ``1.5 working days``, ``3 working hours``."""
    return formats.duration_text(value, unit)


@register.filter
def audit_action(action: str) -> str:
    """The human label of an audit action, or its code when none is registered."""
    return str(ACTION_LABELS.get(action, action))


@register.filter
def audit_changes(changes: Any) -> list[tuple[str, str]]:
    """``[(field, "old → new")]`` for updates, ``[(field, value)]`` for creations."""
    if not isinstance(changes, dict):
        return [("", str(changes))]
    rows = []
    for name, value in changes.items():
        if isinstance(value, list) and len(value) == 2:
            old, new = ("—" if v in (None, "") else str(v) for v in value)
            rows.append((name, f"{old} → {new}"))
        else:
            rows.append((name, "—" if value in (None, "") else str(value)))
    return rows
