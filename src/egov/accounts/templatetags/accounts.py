from __future__ import annotations

from django import template

from egov.accounts.validators import phone_for_display

register = template.Library()


@register.filter
def phone(value: str | None) -> str:
    """``+84912345678`` as ``0912 345 678``, as people write it."""
    return phone_for_display(value)
