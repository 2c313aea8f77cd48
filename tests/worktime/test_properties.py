"""Invariants of the engine, checked on random instants of 2026-2027 with hypothesis.

Amounts are drawn as multiples of 1/10,000 of a unit, which are whole microseconds with both
day lengths used here, so the invariants can be checked exactly.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from egov.worktime.engine import WorkingCalendar

DEFAULT = WorkingCalendar()
CALENDARS = [
    DEFAULT,
    WorkingCalendar(cutoff=None),
    # 7 h 30 days on other windows, a 15:00 cut-off, and administrator exceptions.
    WorkingCalendar(
        windows=[(time(7, 30), time(11, 30)), (time(13, 0), time(16, 30))],
        cutoff=time(15, 0),
        extra_days_off={date(2026, 2, 23): "extra Tết day", date(2027, 2, 11): "extra"},
        extra_working_days={date(2026, 3, 7): "make-up", date(2027, 2, 20): "make-up"},
    ),
]
TZ = DEFAULT.tz
# No deadline on examples: the docs forbid timing assertions in tests (bench/ measures). The
# first call of a calendar computes its years, far slower than the others.

calendars = st.sampled_from(CALENDARS)
instants = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31, 23, 59)
).map(lambda value: value.replace(tzinfo=TZ))
# On the minute, so that window openings, closes and the cut-off are hit often.
minute_instants = instants.map(lambda value: value.replace(second=0, microsecond=0))
any_instants = st.one_of(instants, minute_instants)
units = st.sampled_from(["working_days", "working_hours"])


def amounts(limit_units: int = 40) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=1, max_value=limit_units * 10_000).map(
        lambda n: Decimal(n).scaleb(-4)
    )


def pauses(count: int = 3) -> st.SearchStrategy[list[tuple[datetime, datetime]]]:
    pause = st.tuples(any_instants, st.integers(min_value=0, max_value=20 * 24 * 60)).map(
        lambda p: (p[0], p[0] + timedelta(minutes=p[1]))
    )
    return st.lists(pause, max_size=count)


def in_working_time(calendar: WorkingCalendar, instant: datetime) -> bool:
    """Inside (opening, close] of a window of a working day: a due instant's form."""
    local = instant.astimezone(calendar.tz)
    if not calendar.is_working_day(local.date()):
        return False
    return any(start < local.time() <= end for start, end in calendar.windows)


@settings(max_examples=300, deadline=None)
@given(calendars, any_instants, amounts(), units)
def test_due_is_in_working_time(calendar, start, amount, unit):
    due = calendar.due(start, amount, unit)
    assert in_working_time(calendar, due)
    assert due > start
    assert due.utcoffset() == timedelta(hours=7)


@settings(max_examples=300, deadline=None)
@given(calendars, any_instants, amounts(), units)
def test_elapsed_until_due_is_the_amount(calendar, start, amount, unit):
    due = calendar.due(start, amount, unit)
    spent = calendar.elapsed(start, due)
    expected = amount * (calendar.day_us if unit == "working_days" else 3_600_000_000)
    assert spent == timedelta(microseconds=int(expected))
    if unit == "working_days":
        assert calendar.elapsed_working_days(start, due) == amount


@settings(max_examples=300, deadline=None)
@given(calendars, any_instants, amounts(20), amounts(20), units)
def test_due_composes(calendar, start, a, b, unit):
    """Handing over at the first due instant (not a new receipt: no cut-off) and counting
    ``b`` more is the same as counting ``a + b`` at once."""
    middle = calendar.due(start, a, unit)
    assert calendar.due(middle, b, unit, cutoff=False) == calendar.due(start, a + b, unit)


@settings(max_examples=200, deadline=None)
@given(calendars, any_instants, amounts(), amounts(), units)
def test_due_is_monotonic_in_amount(calendar, start, a, b, unit):
    low, high = sorted((a, b))
    assert calendar.due(start, low, unit) <= calendar.due(start, high, unit)


@settings(max_examples=200, deadline=None)
@given(calendars, any_instants, any_instants)
def test_due_is_monotonic_in_start(calendar, a, b):
    low, high = sorted((a, b))
    assert calendar.due(low, 1) <= calendar.due(high, 1)


@settings(max_examples=300, deadline=None)
@given(calendars, any_instants, amounts(), units, pauses())
def test_pauses_never_make_due_earlier_and_are_added_back(calendar, start, amount, unit, paused):
    plain = calendar.due(start, amount, unit)
    due = calendar.due(start, amount, unit, paused)
    assert due >= plain
    assert in_working_time(calendar, due)
    expected = amount * (calendar.day_us if unit == "working_days" else 3_600_000_000)
    assert calendar.elapsed(start, due, paused) == timedelta(microseconds=int(expected))


@settings(max_examples=300, deadline=None)
@given(calendars, st.lists(any_instants, min_size=3, max_size=3), pauses())
def test_elapsed_is_additive(calendar, points, paused):
    start, middle, end = sorted(points)
    middle = max(middle, calendar.effective_start(start))
    end = max(end, middle)
    whole = calendar.elapsed(start, end, paused)
    parts = calendar.elapsed(start, middle, paused) + calendar.elapsed(
        middle, end, paused, cutoff=False
    )
    assert whole == parts
    assert whole <= calendar.elapsed(start, end)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)))
def test_working_days_follow_the_package(day):
    vn = holidays.country_holidays("VN", years=day.year)
    expected = (day.weekday() < 5 or day in vn.weekend_workdays) and day not in vn
    assert DEFAULT.is_working_day(day) == expected
