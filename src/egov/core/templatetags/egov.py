from __future__ import annotations

from typing import Any

from django import template

from egov.core.audit import ACTION_LABELS

register = template.Library()


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
