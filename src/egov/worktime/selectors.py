"""Reads of the working-time calendar, and the one calendar every deadline comes from.

``calendar_get()`` builds a ``WorkingCalendar`` from the settings row and the exceptions, and
keeps it in the process. The services that change the calendar clear that copy at once (and
again when their transaction commits). Another process (an app server, the worker) looks at
the settings row's ``version`` at most every ``REFRESH_SECONDS`` and rebuilds when it moved, so
it follows a change after at most 60 seconds.
"""

from __future__ import annotations

import threading
import time as monotonic_time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from django.db.models import QuerySet
from django.utils.translation import get_language

from egov.worktime import engine
from egov.worktime.models import CalendarException, CalendarSettings, ExceptionKind

REFRESH_SECONDS = 60.0


@dataclass
class _Cached:
    calendar: engine.WorkingCalendar
    version: int
    checked_at: float


_cached: _Cached | None = None
_build_lock = threading.Lock()


def calendar_settings_get() -> CalendarSettings:
    """The settings row, or the defaults (unsaved, pk=1) until an administrator saves them.

    Selectors do not write: the row is created by the first ``calendar_settings_update``.
    """
    found = CalendarSettings.objects.filter(pk=1).first()
    return found if found is not None else CalendarSettings(pk=1)


def calendar_version() -> int:
    found = CalendarSettings.objects.filter(pk=1).values_list("version", flat=True).first()
    return found or 0


def calendar_exceptions_list(*, year: int | None = None) -> QuerySet[CalendarException]:
    qs = CalendarException.objects.select_related("created_by").order_by("date")
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


def calendar_build(
    row: CalendarSettings, exceptions: Sequence[CalendarException]
) -> engine.WorkingCalendar:
    return engine.WorkingCalendar(
        extra_working_days={
            e.date: e.reason for e in exceptions if e.kind == ExceptionKind.WORKING
        },
        extra_days_off={e.date: e.reason for e in exceptions if e.kind == ExceptionKind.DAY_OFF},
        windows=row.windows,
        cutoff=row.cutoff_time,
    )


def calendar_get() -> engine.WorkingCalendar:
    """The province's working calendar, cached in the process (see the module docstring)."""
    global _cached
    cached = _cached
    now = monotonic_time.monotonic()
    if cached is not None and now - cached.checked_at < REFRESH_SECONDS:
        return cached.calendar
    with _build_lock:
        cached = _cached
        if cached is not None and now - cached.checked_at < REFRESH_SECONDS:
            return cached.calendar
        version = calendar_version()
        if cached is not None and cached.version == version:
            cached.checked_at = now
            return cached.calendar
        calendar = calendar_build(calendar_settings_get(), list(CalendarException.objects.all()))
        _cached = _Cached(calendar=calendar, version=version, checked_at=now)
        return calendar


def calendar_cache_clear() -> None:
    """Forget this process's calendar; the next ``calendar_get()`` rebuilds it."""
    global _cached
    _cached = None


def due_compute(
    *,
    start: datetime,
    amount: Decimal | int | float,
    unit: str = "working_days",
    paused: Sequence[tuple[datetime, datetime]] = (),
    cutoff: bool = True,
) -> datetime:
    """The deadline for something received at ``start`` (see ``engine`` for the rules)."""
    return calendar_get().due(start, amount, unit, paused, cutoff=cutoff)


def elapsed_compute(
    *,
    start: datetime,
    end: datetime,
    paused: Sequence[tuple[datetime, datetime]] = (),
    cutoff: bool = True,
) -> timedelta:
    """Working time between ``start`` and ``end``, without paused time."""
    return calendar_get().elapsed(start, end, paused, cutoff=cutoff)


@lru_cache(maxsize=64)
def _holiday_names(year: int, language: str) -> dict[date, str]:
    public = engine.vn_public_days(year, language=language)
    return {**public.days_off, **public.working_days}


def calendar_days(*, year: int) -> list[engine.CalendarDay]:
    """The days of ``year`` that differ from the weekday rule, named in the user's language."""
    days = calendar_get().special_days(year)
    language = "en_US" if (get_language() or "vi").startswith("en") else "vi"
    names = _holiday_names(year, language)
    return [
        engine.CalendarDay(d.date, d.working, names.get(d.date, d.name), d.source)
        if d.source == "national"
        else d
        for d in days
    ]
