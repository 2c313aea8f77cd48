"""API for the working-time calendar: deadlines and elapsed working time (public).

Times in the query string are ISO 8601. A time without an offset is read as local time,
Asia/Ho_Chi_Minh (UTC+07:00). Encode ``+`` as ``%2B`` (``?start=2026-03-02T09:00%2B07:00``) or
use ``Z``; answers are in local time with the offset.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema

from egov.core.api import ERROR_RESPONSES
from egov.worktime import selectors

router = Router(tags=["working time"])


class DueOut(Schema):
    start: datetime
    effective_start: datetime
    due: datetime
    amount: float
    unit: str


class ElapsedOut(Schema):
    working_seconds: float
    working_days: float


class DayOut(Schema):
    date: date
    working: bool
    name: str
    source: str


def _aware(value: datetime) -> datetime:
    """A time given without an offset is local time."""
    if value.utcoffset() is None:
        return value.replace(tzinfo=selectors.calendar_get().tz)
    return value


@router.get("/worktime/due", auth=None, response={200: DueOut, **ERROR_RESPONSES})
def due(
    request: HttpRequest,
    start: datetime,
    amount: Decimal,
    unit: Literal["working_days", "working_hours"] = "working_days",
) -> dict[str, object]:
    """The deadline of something received at ``start``, ``amount`` working days (or hours)
    later. Received after the cut-off hour, it counts from the next working day; a deadline
    on a window opening is given as the previous window's close (Thursday 17:30, not Friday
    07:30)."""
    calendar = selectors.calendar_get()
    start = _aware(start)
    deadline = selectors.due_compute(start=start, amount=amount, unit=unit)
    return {
        "start": start.astimezone(calendar.tz),
        "effective_start": calendar.effective_start(start),
        "due": deadline,
        "amount": float(amount),
        "unit": unit,
    }


@router.get("/worktime/elapsed", auth=None, response={200: ElapsedOut, **ERROR_RESPONSES})
def elapsed(request: HttpRequest, start: datetime, end: datetime) -> dict[str, object]:
    """Working time between ``start`` (with the same start rules as deadlines) and ``end``."""
    calendar = selectors.calendar_get()
    spent = selectors.elapsed_compute(start=_aware(start), end=_aware(end))
    return {
        "working_seconds": spent.total_seconds(),
        "working_days": float(round(calendar.to_working_days(spent), 6)),
    }


@router.get("/worktime/days", auth=None, response={200: list[DayOut], **ERROR_RESPONSES})
def days(request: HttpRequest, year: int = Query(..., ge=1901, le=2100)) -> list[dict[str, object]]:
    """The days of ``year`` that differ from Monday-Friday: public holidays, their substitutes
    and the make-up days the national calendar knows (``source`` "national"), and the
    administrator's exceptions ("exception"). ``working`` is true for make-up working days."""
    return [
        {"date": d.date, "working": d.working, "name": d.name, "source": d.source}
        for d in selectors.calendar_days(year=year)
    ]
