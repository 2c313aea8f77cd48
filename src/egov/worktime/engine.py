"""The working-time engine: when a deadline falls, and how much working time has passed.

Pure Python and no database, so it runs in a request, a report over many dossiers, a worker or
a benchmark alike. ``selectors.calendar_get()`` builds one from the database and caches it.

The rules it encodes (every instant is converted to the calendar's local time, Asia/Ho_Chi_Minh):

- **Working days.** Monday to Friday (Saturday and Sunday are the weekly rest days of public
  servants: Decision 188/1999/QĐ-TTg, Labour Code 2019 art. 111). Not working: the public
  holidays of Labour Code 2019 art. 112, with the compensatory days off when one falls on a
  weekend (art. 112.3) and the days the government swaps, all from the ``holidays`` package
  (country VN). Working: the weekend days that package lists as make-up working days. Then
  the administrator's exceptions win over everything: an extra day off, or a make-up working
  day (ngày làm bù), e.g. a Saturday.
- **Working time** accrues only inside the day's windows (07:30-11:30 and 13:30-17:30 by
  default). One working day is the total length of the windows (8 h with the defaults;
  7 h 30 min with an afternoon closing at 17:00); one working hour is 3,600 s of window
  time. Amounts may be fractional (0.5 working day).
- **Start (receipt).** A start inside a window counts from that instant. A start outside
  working time (night, weekend, holiday, lunch break) counts from the next window opening. A
  start on a working day strictly after the cut-off hour (16:00 by default, so 16:00:00 still
  counts that day) counts from the next working day's opening; without a cut-off, only the
  end of office hours applies. Calls take
  ``cutoff=False`` for a hand-over between internal steps, which is not a receipt.
- **Due.** The instant at which ``amount`` of working time has accrued since the effective
  start. When it falls exactly on a window opening, the previous window's close is returned
  instead: "due Friday 07:30" becomes Thursday 17:30 and "13:30" becomes 11:30 the same day,
  which is what an appointment slip should print. So "3 working days" received Monday 09:00
  is due Thursday 09:00, and received Monday 07:00 it is due Wednesday 17:30. Due instants
  are returned in local time.
- **Pauses.** While the citizen supplements the dossier the clock stops (Decision 766/QĐ-TTg
  excludes that time): working time inside a paused interval, after the effective start, is
  added back. Pause bounds do not get the cut-off rule: working time resumes at the instant
  the pause ends.
- **Elapsed.** Working time from the effective start to ``end``, minus paused working time,
  never negative.

How it is fast. Every instant maps to a *position*: microseconds of working time since a
fixed anchor (the first working day the calendar computed). Per calendar year it precomputes,
for each date, the index of the first working day on or after it, and for each working day
its midnight. An instant becomes a position with one array lookup and a loop over the two
windows, a position becomes an instant the same way, so ``due()`` is O(1) whatever the span.
Years are added lazily in either direction; positions already handed out never change, so a
concurrent extension (under a lock, swapping one immutable state) never invalidates a reader.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed

Unit = Literal["working_days", "working_hours"]
UNITS: tuple[str, ...] = ("working_days", "working_hours")

US = 1_000_000
HOUR_US = 3600 * US
TIME_ZONE = "Asia/Ho_Chi_Minh"
DEFAULT_WINDOWS: tuple[tuple[time, time], ...] = (
    (time(7, 30), time(11, 30)),
    (time(13, 30), time(17, 30)),
)
# Receipts after 16:00 count from the next working day. Provinces set their own hour (the
# domain notes cite 15:00 or the end of office hours); 16:00 leaves the last hour and a half for
# work received earlier in the day. An administrator changes it in the calendar settings.
DEFAULT_CUTOFF: time | None = time(16, 0)
# Above these an amount is a typing mistake, not a legal deadline.
MAX_WORKING_DAYS = 365
MAX_WORKING_HOURS = 2920
# The years the ``holidays`` package computes Vietnamese lunar holidays for.
MIN_YEAR = 1901
MAX_YEAR = 2100


@dataclass(frozen=True)
class YearDays:
    """What a holiday source says about one year: days off and weekend days worked."""

    days_off: Mapping[date, str]
    working_days: Mapping[date, str]


HolidaySource = Callable[[int], YearDays]


def vn_public_days(year: int, language: str | None = "vi") -> YearDays:
    """Vietnam's public holidays of ``year`` from the ``holidays`` package.

    Labour Code 2019 art. 112: 1 January; Lunar New Year (5 days); Hùng Kings' day (10/3
    lunar); 30 April; 1 May; 2 September and one adjacent day; from 2026 the Vietnam Culture
    Day (24 November, Resolution 80-NQ/TW). The package adds the compensatory days off (a
    holiday on a weekend moves to the next working day) and the days the government swapped,
    with the Saturday worked in exchange in ``weekend_workdays``.
    """
    import holidays

    vn = holidays.country_holidays("VN", years=year, language=language)
    days_off = {d: str(name) for d, name in vn.items() if d.year == year}
    label = _("Make-up working day")
    working = {d: label for d in getattr(vn, "weekend_workdays", ()) if d.year == year}
    return YearDays(days_off=days_off, working_days=working)


def fixed_days(
    days_off: Mapping[date, str] | Iterable[date] = (),
    working_days: Mapping[date, str] | Iterable[date] = (),
) -> HolidaySource:
    """A holiday source from fixed dates (tests, other countries' rules, what-if studies)."""
    off, work = _named(days_off), _named(working_days)

    def source(year: int) -> YearDays:
        return YearDays(
            days_off={d: n for d, n in off.items() if d.year == year},
            working_days={d: n for d, n in work.items() if d.year == year},
        )

    return source


def _named(days: Mapping[date, str] | Iterable[date]) -> dict[date, str]:
    if isinstance(days, Mapping):
        return dict(days)
    return {d: "" for d in days}


def _us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * US + t.microsecond


@dataclass(frozen=True)
class CalendarDay:
    """A date whose status differs from the weekday rule, for listings."""

    date: date
    working: bool
    name: str
    source: Literal["national", "exception"]


class _State:
    """Immutable precomputed days for the years ``first_year`` to ``last_year``.

    ``next_index[k]`` is the index of the first working day on or after the date
    ``first_ordinal + k``; ``working[k]`` is 1 on working days. ``midnights[i - first_index]``
    is the local midnight of working day ``i``. Indices are absolute: extending the range
    never changes one.
    """

    __slots__ = (
        "first_index",
        "first_ordinal",
        "first_year",
        "last_year",
        "midnights",
        "next_index",
        "working",
    )

    def __init__(
        self,
        first_year: int,
        last_year: int,
        first_ordinal: int,
        working: bytes,
        next_index: list[int],
        first_index: int,
        midnights: list[datetime],
    ) -> None:
        self.first_year = first_year
        self.last_year = last_year
        self.first_ordinal = first_ordinal
        self.working = working
        self.next_index = next_index
        self.first_index = first_index
        self.midnights = midnights


class WorkingCalendar:
    """Working days and hours of one province: see the module docstring for the rules."""

    def __init__(
        self,
        *,
        holidays: HolidaySource = vn_public_days,
        extra_working_days: Mapping[date, str] | Iterable[date] = (),
        extra_days_off: Mapping[date, str] | Iterable[date] = (),
        windows: Sequence[tuple[time, time]] = DEFAULT_WINDOWS,
        cutoff: time | None = DEFAULT_CUTOFF,
        tz: tzinfo | str = TIME_ZONE,
    ) -> None:
        if not windows:
            raise ValueError("at least one working window is needed")
        previous_end = -1
        spans: list[tuple[int, int, int]] = []
        total = 0
        for start, end in windows:
            s, e = _us(start), _us(end)
            if not previous_end <= s < e:
                raise ValueError("working windows must be ordered and must not overlap")
            # (opening, close, working time before the opening in the day)
            spans.append((s, e, total))
            total += e - s
            previous_end = e
        self.windows: tuple[tuple[time, time], ...] = tuple(windows)
        self._spans = tuple(spans)
        # (working time at the close, shift from working time to time of day)
        self._closes = tuple((before + e - s, s - before) for s, e, before in spans)
        self.day_us = total
        self.cutoff = cutoff
        if cutoff is not None and not spans[0][0] < _us(cutoff) <= spans[-1][1]:
            raise ValueError("the cut-off must fall within office hours")
        self._cutoff_us = _us(cutoff) if cutoff is not None else None
        self.tz: tzinfo = ZoneInfo(tz) if isinstance(tz, str) else tz
        self._holidays = holidays
        self.extra_working_days = _named(extra_working_days)
        self.extra_days_off = _named(extra_days_off)
        both = set(self.extra_working_days) & set(self.extra_days_off)
        if both:
            raise ValueError(f"dates both working and off: {sorted(both)}")
        self._years: dict[int, YearDays] = {}
        self._lock = threading.Lock()
        self._state: _State | None = None

    # --- Public API -------------------------------------------------------------------------

    @property
    def day_length(self) -> timedelta:
        """The length of one working day (the sum of the windows)."""
        return timedelta(microseconds=self.day_us)

    def is_working_day(self, d: date) -> bool:
        state, k = self._day(d.toordinal())
        return bool(state.working[k])

    def is_working_time(self, instant: datetime) -> bool:
        """Whether ``instant`` is inside a window of a working day (openings included)."""
        local = self._local(instant, "instant")
        if not self.is_working_day(local.date()):
            return False
        tod = _us(local.time())
        return any(s <= tod < e for s, e, _before in self._spans)

    def due(
        self,
        start: datetime,
        amount: Decimal | int | float,
        unit: Unit | str = "working_days",
        paused: Sequence[tuple[datetime, datetime]] = (),
        *,
        cutoff: bool = True,
    ) -> datetime:
        """The instant ``amount`` working days (or hours) after ``start``, in local time."""
        position = self._position(start, cutoff, "start")
        target = position + self._amount_us(amount, unit)
        if paused:
            for a, b in self._pause_positions(paused, position):
                if a >= target:
                    break
                target += b - a
        return self._close_instant(target)

    def effective_start(self, start: datetime, *, cutoff: bool = True) -> datetime:
        """The instant working time starts to count for something received at ``start``."""
        position = self._position(start, cutoff, "start")
        index, offset = divmod(position, self.day_us)
        # On a close (the lunch break's start): the next window's opening.
        shift = next(shift for close, shift in self._closes if offset < close)
        return self._instant(index, offset + shift)

    def elapsed(
        self,
        start: datetime,
        end: datetime,
        paused: Sequence[tuple[datetime, datetime]] = (),
        *,
        cutoff: bool = True,
    ) -> timedelta:
        """Working time from ``start`` (with its start rules) to ``end``, minus pauses."""
        if self._aware(end, "end") < self._aware(start, "start"):
            raise ValidationFailed(fields={"end": [_("The end must not be before the start.")]})
        first = self._position(start, cutoff, "start")
        last = self._position(end, False, "end")
        if last <= first:
            return timedelta(0)
        total = last - first
        for a, b in self._pause_positions(paused, first):
            if a >= last:
                break
            total -= min(b, last) - a
        return timedelta(microseconds=max(total, 0))

    def elapsed_working_days(
        self,
        start: datetime,
        end: datetime,
        paused: Sequence[tuple[datetime, datetime]] = (),
        *,
        cutoff: bool = True,
    ) -> Decimal:
        """``elapsed()`` in working days (exact: working microseconds over the day length)."""
        spent = self.elapsed(start, end, paused, cutoff=cutoff)
        return self.to_working_days(spent)

    def to_working_days(self, span: timedelta) -> Decimal:
        micro = (span.days * 86400 + span.seconds) * US + span.microseconds
        return Decimal(micro) / Decimal(self.day_us)

    def special_days(self, year: int) -> list[CalendarDay]:
        """The dates of ``year`` that are not what their weekday says, with their names.

        Public holidays (and their substitutes) that fall on a weekend are listed too, as the
        law names them; weekends themselves are not.
        """
        self._check_year(year)
        days = self._year_days(year)
        found: dict[date, CalendarDay] = {}
        for d, name in days.working_days.items():
            found[d] = CalendarDay(d, True, name, "national")
        for d, name in days.days_off.items():
            found[d] = CalendarDay(d, False, name, "national")
        for d, name in self.extra_working_days.items():
            if d.year == year:
                found[d] = CalendarDay(d, True, name, "exception")
        for d, name in self.extra_days_off.items():
            if d.year == year:
                found[d] = CalendarDay(d, False, name, "exception")
        return [found[d] for d in sorted(found)]

    # --- Conversions ------------------------------------------------------------------------

    def _aware(self, value: datetime, field: str) -> datetime:
        if not isinstance(value, datetime) or value.utcoffset() is None:
            raise ValidationFailed(fields={field: [_("Give a date and time with its time zone.")]})
        return value

    def _local(self, value: datetime, field: str) -> datetime:
        return self._aware(value, field).astimezone(self.tz)

    def _position(self, value: datetime, apply_cutoff: bool, field: str) -> int:
        """Working microseconds since the anchor at which ``value`` counts."""
        local = self._aware(value, field).astimezone(self.tz)
        ordinal = local.toordinal()
        state = self._state
        if state is None:
            state, k = self._day(ordinal)
        else:
            k = ordinal - state.first_ordinal
            if k < 0 or k >= len(state.working):
                state, k = self._day(ordinal)
        index = state.next_index[k]
        if not state.working[k]:
            return index * self.day_us
        tod = ((local.hour * 60 + local.minute) * 60 + local.second) * US + local.microsecond
        if apply_cutoff and self._cutoff_us is not None and tod > self._cutoff_us:
            return (index + 1) * self.day_us
        for opening, close, before in self._spans:
            if tod <= opening:
                return index * self.day_us + before
            if tod < close:
                return index * self.day_us + before + tod - opening
        return (index + 1) * self.day_us

    def _close_instant(self, position: int) -> datetime:
        index, offset = divmod(position, self.day_us)
        if offset == 0:
            # On an opening: print the close of the previous window instead.
            index -= 1
            offset = self.day_us
        for close, shift in self._closes:
            if offset <= close:
                return self._instant(index, offset + shift)
        raise AssertionError("offset beyond the day")  # pragma: no cover

    def _instant(self, index: int, time_of_day_us: int) -> datetime:
        state = self._state
        assert state is not None
        j = index - state.first_index
        if j < 0 or j >= len(state.midnights):
            state = self._cover_index(index)
            j = index - state.first_index
        return state.midnights[j] + timedelta(microseconds=time_of_day_us)

    def _pause_positions(
        self, paused: Sequence[tuple[datetime, datetime]], start: int
    ) -> list[tuple[int, int]]:
        """The paused intervals after ``start`` as sorted, disjoint position intervals."""
        raw: list[tuple[int, int]] = []
        for pause in paused:
            try:
                first, last = pause
            except (TypeError, ValueError):
                raise ValidationFailed(
                    fields={"paused": [_("Each pause needs a start and an end.")]}
                ) from None
            if self._aware(last, "paused") < self._aware(first, "paused"):
                raise ValidationFailed(
                    fields={"paused": [_("A pause must not end before it starts.")]}
                )
            raw.append(
                (self._position(first, False, "paused"), self._position(last, False, "paused"))
            )
        raw.sort()
        merged: list[tuple[int, int]] = []
        covered = start
        for a, b in raw:
            a = max(a, covered)
            if b > a:
                merged.append((a, b))
                covered = b
        return merged

    def _amount_us(self, amount: Decimal | int | float, unit: str) -> int:
        if unit == "working_days":
            per, limit = self.day_us, MAX_WORKING_DAYS
        elif unit == "working_hours":
            per, limit = HOUR_US, MAX_WORKING_HOURS
        else:
            raise ValidationFailed(
                fields={"unit": [_("The unit must be working_days or working_hours.")]}
            )
        if isinstance(amount, int) and not isinstance(amount, bool):
            micro = amount * per
        elif isinstance(amount, float) and math.isfinite(amount):
            micro = round(amount * per)
        elif isinstance(amount, Decimal) and amount.is_finite():
            micro = int((amount * per).to_integral_value(ROUND_HALF_EVEN))
        else:
            raise ValidationFailed(fields={"amount": [_("The amount must be a number.")]})
        if amount <= 0:
            raise ValidationFailed(fields={"amount": [_("The amount must be more than zero.")]})
        if amount > limit:
            message = (
                _("At most %(limit)s working days.")
                if unit == "working_days"
                else _("At most %(limit)s working hours.")
            )
            raise ValidationFailed(fields={"amount": [message % {"limit": limit}]})
        return max(int(micro), 1)

    # --- Precomputed days -------------------------------------------------------------------

    def _check_year(self, year: int) -> None:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise ValidationFailed(
                _("Dates must fall between the years %(first)s and %(last)s.")
                % {"first": MIN_YEAR, "last": MAX_YEAR}
            )

    def _year_days(self, year: int) -> YearDays:
        days = self._years.get(year)
        if days is None:
            days = self._holidays(year)
            self._years[year] = days
        return days

    def _year_flags(self, year: int) -> bytearray:
        """1 for each working day of ``year``, 0 for the others."""
        first = date(year, 1, 1).toordinal()
        count = date(year, 12, 31).toordinal() - first + 1
        weekday = date(year, 1, 1).weekday()
        flags = bytearray(1 if (weekday + k) % 7 < 5 else 0 for k in range(count))
        public = self._year_days(year)
        for d in public.working_days:
            flags[d.toordinal() - first] = 1
        for d in public.days_off:
            flags[d.toordinal() - first] = 0
        for d in self.extra_working_days:
            if d.year == year:
                flags[d.toordinal() - first] = 1
        for d in self.extra_days_off:
            if d.year == year:
                flags[d.toordinal() - first] = 0
        return flags

    def _day(self, ordinal: int) -> tuple[_State, int]:
        """The state covering the date ``ordinal``, and the date's offset in it."""
        state = self._state
        if state is None or not 0 <= ordinal - state.first_ordinal < len(state.working):
            year = date.fromordinal(ordinal).year if 0 < ordinal <= date.max.toordinal() else 0
            self._check_year(year)
            state = self._cover(year, year)
        return state, ordinal - state.first_ordinal

    def _cover_index(self, index: int) -> _State:
        """The state covering working day ``index``, adding years as needed."""
        while True:
            state = self._state
            assert state is not None
            if index < state.first_index:
                self._check_year(state.first_year - 1)
                self._cover(state.first_year - 1, state.last_year)
            elif index >= state.first_index + len(state.midnights):
                self._check_year(state.last_year + 1)
                self._cover(state.first_year, state.last_year + 1)
            else:
                return state

    def _cover(self, first_year: int, last_year: int) -> _State:
        """Extend the precomputed years to include ``first_year``..``last_year``."""
        with self._lock:
            state = self._state
            if state is None:
                flags = self._year_flags(first_year)
                state = self._build(first_year, first_year, flags, 0)
            while state.first_year > first_year:
                year = state.first_year - 1
                flags = self._year_flags(year)
                before = self._build(year, year, flags, state.first_index - sum(flags))
                state = self._join(before, state)
            while state.last_year < last_year:
                year = state.last_year + 1
                flags = self._year_flags(year)
                after = self._build(year, year, flags, state.first_index + len(state.midnights))
                state = self._join(state, after)
            self._state = state
            return state

    def _build(self, first_year: int, last_year: int, flags: bytearray, index: int) -> _State:
        first_ordinal = date(first_year, 1, 1).toordinal()
        next_index: list[int] = []
        midnights: list[datetime] = []
        first_index = index
        for k, working in enumerate(flags):
            next_index.append(index)
            if working:
                day = date.fromordinal(first_ordinal + k)
                midnights.append(datetime(day.year, day.month, day.day, tzinfo=self.tz))
                index += 1
        return _State(
            first_year,
            last_year,
            first_ordinal,
            bytes(flags),
            next_index,
            first_index,
            midnights,
        )

    @staticmethod
    def _join(a: _State, b: _State) -> _State:
        return _State(
            a.first_year,
            b.last_year,
            a.first_ordinal,
            a.working + b.working,
            a.next_index + b.next_index,
            a.first_index,
            a.midnights + b.midnights,
        )
