"""How egov shows dates, numbers, amounts of money and durations, in one place.

- A date-time is ``07/12/2026 14:05`` and a date ``07/12/2026``, in local time, in both
  languages (the formats are in ``egov/formats/<lang>/formats.py``).
- Numbers group thousands as the reader writes them: ``157.732`` and ``98,5`` in Vietnamese,
  ``157,732`` and ``98.5`` in English; money is ``8.000 đ`` in Vietnamese, ``8,000 VND`` in
  English.
- Durations agree with their number: ``1 working day``, ``2 working days``, ``1.5 working
  days``.

Templates use them through the filters of ``core/templatetags/egov.py``; messages and
exports call them directly.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import dateformat, timezone
from django.utils.formats import get_format
from django.utils.translation import get_language, ngettext

Number = int | float | Decimal


def is_vietnamese(language: str | None = None) -> bool:
    return (language or get_language() or "vi").startswith("vi")


def datetime_text(value: datetime | None) -> str:
    """``07/12/2026 14:05`` in the local time zone; empty for None."""
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, get_format("SHORT_DATETIME_FORMAT"))


def date_text(value: date | datetime | None) -> str:
    """``07/12/2026`` (a date-time is taken in the local time zone); empty for None."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return dateformat.format(value, get_format("SHORT_DATE_FORMAT"))


def number_text(value: Number | None, places: int = 0, language: str | None = None) -> str:
    """``157.732`` / ``98,5`` in Vietnamese, ``157,732`` / ``98.5`` in English; "–" for None."""
    if value is None:
        return "–"
    text = f"{value:,.{places}f}"
    if is_vietnamese(language):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def amount_text(value: Number | None, language: str | None = None) -> str:
    """A number of working days or hours as few digits as it needs: ``3``, ``1,5`` (vi)."""
    if value is None:
        return "–"
    decimal = Decimal(str(value)).normalize()
    places = max(0, -decimal.as_tuple().exponent)  # type: ignore[operator]
    return number_text(decimal, min(places, 2), language)


def money_text(value: Number | None, language: str | None = None) -> str:
    """``8.000 đ`` in Vietnamese, ``8,000 VND`` in English."""
    if value is None:
        return "–"
    text = number_text(value, 0, language)
    return f"{text} đ" if is_vietnamese(language) else f"{text} VND"


def _count(value: Number) -> int:
    """The number ngettext chooses the form by: exactly one is singular, anything else not."""
    return 1 if Decimal(str(value)) == 1 else 2


def duration_text(value: Number, unit: str = "working_days") -> str:
    """``1 working day``, ``2 working days``, ``1.5 working days``, ``8 working hours``."""
    n = amount_text(value)
    if unit == "working_hours":
        return ngettext("%(n)s working hour", "%(n)s working hours", _count(value)) % {"n": n}
    return ngettext("%(n)s working day", "%(n)s working days", _count(value)) % {"n": n}
