"""The engine against known dates of 2026 and 2027, as the ``holidays`` package (0.109) gives
them, plus administrator exceptions. All times are Vietnam local time (UTC+07:00)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest

from egov.core.errors import ValidationFailed
from egov.worktime.engine import WorkingCalendar, fixed_days, vn_public_days

CALENDAR = WorkingCalendar()
NO_CUTOFF = WorkingCalendar(cutoff=None)
TZ = CALENDAR.tz


def at(text: str) -> datetime:
    """'2026-03-02 09:00' in Vietnam local time."""
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def d(text: str) -> date:
    return date.fromisoformat(text)


# --- What the holidays package gives ---------------------------------------------------------


def test_package_tet_2026_and_2027():
    """Tết Bính Ngọ 2026: Mon 16 – Fri 20 Feb (with the weekends, 14–22 Feb off).
    Tết Đinh Mùi 2027: Thu 4 – Wed 10 Feb; the 1st and 2nd fall on the weekend, so the package
    adds 29 Tết (4 Feb) and the 5th day (10 Feb) as compensatory days."""
    tet_2026 = [k for k in vn_public_days(2026).days_off if k.month == 2]
    assert sorted(tet_2026) == [d(f"2026-02-{n}") for n in range(16, 21)]
    tet_2027 = [k for k in vn_public_days(2027).days_off if k.month == 2]
    assert sorted(tet_2027) == [d(f"2027-02-{n:02d}") for n in range(4, 11)]
    for n in range(14, 23):
        assert not CALENDAR.is_working_day(d(f"2026-02-{n}")), n
    assert CALENDAR.is_working_day(d("2026-02-13"))
    assert CALENDAR.is_working_day(d("2026-02-23"))
    for n in range(4, 11):
        assert not CALENDAR.is_working_day(d(f"2027-02-{n:02d}")), n
    assert CALENDAR.is_working_day(d("2027-02-03"))
    assert CALENDAR.is_working_day(d("2027-02-11"))


def test_package_observed_and_swapped_days():
    # Hùng Kings' day 2026 is Sunday 26 April: compensatory day off Monday 27 (art. 112.3).
    assert not CALENDAR.is_working_day(d("2026-04-27"))
    # 2 September 2026 is a Wednesday, the adjacent day Tuesday 1; the government moved the
    # working day of Monday 31 August to Saturday 22 August.
    for day in ("2026-08-31", "2026-09-01", "2026-09-02"):
        assert not CALENDAR.is_working_day(d(day)), day
    assert CALENDAR.is_working_day(d("2026-08-22"))
    # 1 May 2027 is a Saturday: off on Monday 3 May.
    assert not CALENDAR.is_working_day(d("2027-05-03"))
    # Vietnam Culture Day, 24 November, from 2026.
    assert not CALENDAR.is_working_day(d("2026-11-24"))


# --- Deadlines around known dates ------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "amount", "unit", "expected"),
    [
        # The rule's own example: 3 working days from Monday 09:00 is Thursday 09:00.
        ("2026-03-02 09:00", 3, "working_days", "2026-03-05 09:00"),
        # Received before opening: counts from 07:30, due on Thursday 07:30 = Wednesday 17:30.
        ("2026-03-02 07:00", 3, "working_days", "2026-03-04 17:30"),
        ("2026-03-03 07:30", 3, "working_days", "2026-03-05 17:30"),
        # Tết 2026: Friday 13 Feb, then 14-22 Feb off.
        ("2026-02-13 10:00", 1, "working_days", "2026-02-23 10:00"),
        ("2026-02-12 14:00", 2, "working_days", "2026-02-23 14:00"),
        # Received during Tết: counts from Monday 23 Feb 07:30.
        ("2026-02-18 10:00", 1, "working_days", "2026-02-23 17:30"),
        # Tết 2027: Wednesday 3 Feb, then 4-10 Feb off.
        ("2027-02-03 14:00", 1, "working_days", "2027-02-11 14:00"),
        ("2027-02-03 14:00", 2, "working_days", "2027-02-12 14:00"),
        # 30 April – 1 May 2026 (Thursday, Friday), and Hùng Kings' Monday 27 April.
        ("2026-04-29 10:00", 1, "working_days", "2026-05-04 10:00"),
        ("2026-04-24 10:00", 2, "working_days", "2026-04-29 10:00"),
        # 2027: 30 April Friday, 1 May Saturday observed on Monday 3 May.
        ("2027-04-29 10:00", 1, "working_days", "2027-05-04 10:00"),
        # 2 September 2026 with its adjacent day, and the swapped Monday 31 August.
        ("2026-08-28 09:00", 1, "working_days", "2026-09-03 09:00"),
        # ... and the package's make-up Saturday 22 August 2026.
        ("2026-08-21 09:00", 1, "working_days", "2026-08-22 09:00"),
        # 2 September 2027 (Thursday) and the adjacent Friday 3.
        ("2027-09-01 10:00", 1, "working_days", "2027-09-06 10:00"),
        # Cut-off 16:00: at 16:00 it still counts that day; at 16:30 from the next day.
        ("2026-03-02 16:00", 1, "working_days", "2026-03-03 16:00"),
        ("2026-03-02 16:30", 1, "working_days", "2026-03-03 17:30"),
        ("2026-03-06 16:30", 1, "working_days", "2026-03-09 17:30"),
        # Lunch break: received at noon, counts from 13:30 (4 h fill the afternoon exactly).
        ("2026-03-02 12:00", 4, "working_hours", "2026-03-02 17:30"),
        ("2026-03-02 12:00", Decimal("4.5"), "working_hours", "2026-03-03 08:00"),
        ("2026-03-02 10:30", 2, "working_hours", "2026-03-02 14:30"),
        # Ending at 13:30 in working time prints the morning's close.
        ("2026-03-02 09:30", 2, "working_hours", "2026-03-02 11:30"),
        ("2026-03-02 07:30", 4, "working_hours", "2026-03-02 11:30"),
        # Working hours: one working day is 8 h with the default windows.
        ("2026-03-02 09:00", 8, "working_hours", "2026-03-03 09:00"),
        ("2026-03-02 09:00", Decimal("7.5"), "working_hours", "2026-03-03 08:30"),
        # Fractions of a day.
        ("2026-03-02 07:30", Decimal("0.5"), "working_days", "2026-03-02 11:30"),
        ("2026-03-02 09:00", 1.5, "working_days", "2026-03-03 15:00"),
        # A weekend start counts from Monday's opening.
        ("2026-03-07 10:00", 1, "working_days", "2026-03-09 17:30"),
    ],
)
def test_due(start, amount, unit, expected):
    assert CALENDAR.due(at(start), amount, unit) == at(expected)


def test_due_friday_opening_prints_thursday_close():
    # Received Monday 07:30 + 4 working days lands on Friday 07:30.
    assert CALENDAR.due(at("2026-03-02 07:30"), 4) == at("2026-03-05 17:30")


def test_without_cutoff_only_office_hours_count():
    assert NO_CUTOFF.due(at("2026-03-02 16:30"), 1) == at("2026-03-03 16:30")
    # The close itself (17:30) and later count from the next working day.
    assert NO_CUTOFF.due(at("2026-03-02 17:30"), 1) == at("2026-03-03 17:30")
    assert NO_CUTOFF.due(at("2026-03-02 18:00"), 1) == at("2026-03-03 17:30")
    # A hand-over between steps is not a receipt: cutoff=False.
    assert CALENDAR.due(at("2026-03-02 16:30"), 1, cutoff=False) == at("2026-03-03 16:30")


def test_effective_start():
    assert CALENDAR.effective_start(at("2026-03-02 09:00")) == at("2026-03-02 09:00")
    assert CALENDAR.effective_start(at("2026-03-02 12:00")) == at("2026-03-02 13:30")
    assert CALENDAR.effective_start(at("2026-03-02 11:30")) == at("2026-03-02 13:30")
    assert CALENDAR.effective_start(at("2026-03-02 16:30")) == at("2026-03-03 07:30")
    assert CALENDAR.effective_start(at("2026-02-13 18:00")) == at("2026-02-23 07:30")


def test_instants_in_other_zones_are_converted():
    start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
    due = CALENDAR.due(start, 3)
    assert due == at("2026-03-05 09:00")
    assert due.utcoffset() == timedelta(hours=7)


def test_administrator_exceptions_are_honoured():
    """Suppose the government had also given Monday 23 Feb 2026 off, worked back on Saturday
    7 March (dates chosen for the test, not an announcement)."""
    calendar = WorkingCalendar(
        extra_days_off={d("2026-02-23"): "Extra Tết day"},
        extra_working_days={d("2026-03-07"): "Make-up for 23 February"},
    )
    assert not calendar.is_working_day(d("2026-02-23"))
    assert calendar.is_working_day(d("2026-03-07"))
    assert calendar.due(at("2026-02-13 10:00"), 1) == at("2026-02-24 10:00")
    assert calendar.due(at("2026-03-06 10:00"), 1) == at("2026-03-07 10:00")
    assert calendar.due(at("2026-03-07 08:00"), 1) == at("2026-03-09 08:00")
    # An exception wins over the package: Saturday 22 August 2026 off after all.
    calendar = WorkingCalendar(extra_days_off={d("2026-08-22"): "Cancelled"})
    assert calendar.due(at("2026-08-21 09:00"), 1) == at("2026-08-24 09:00")


def test_special_days_list_names_and_sources():
    calendar = WorkingCalendar(extra_working_days={d("2026-10-10"): "Làm bù"})
    days = {day.date: day for day in calendar.special_days(2026)}
    assert days[d("2026-02-17")].working is False and days[d("2026-02-17")].source == "national"
    assert days[d("2026-08-22")].working is True
    assert days[d("2026-10-10")].source == "exception" and days[d("2026-10-10")].name == "Làm bù"
    assert d("2026-03-07") not in days  # a plain weekend is not listed


# --- Pauses and elapsed time -----------------------------------------------------------------


def test_pause_spanning_a_weekend():
    start = at("2026-03-04 09:00")  # Wednesday
    assert CALENDAR.due(start, 3) == at("2026-03-09 09:00")
    # Supplementing from Friday 15:00 to Tuesday 09:00: 2 h 30 + 8 h + 1 h 30 = 12 h paused.
    pause = [(at("2026-03-06 15:00"), at("2026-03-10 09:00"))]
    due = CALENDAR.due(start, 3, paused=pause)
    assert due == at("2026-03-10 15:00")
    assert CALENDAR.elapsed(start, due, pause) == timedelta(hours=24)
    assert CALENDAR.elapsed_working_days(start, due, pause) == 3
    assert CALENDAR.elapsed(*pause[0]) == timedelta(hours=12)


def test_pauses_outside_the_span_change_nothing():
    start = at("2026-03-04 09:00")
    before = [(at("2026-03-02 08:00"), at("2026-03-04 08:00"))]
    after = [(at("2026-03-20 08:00"), at("2026-03-25 08:00"))]
    assert CALENDAR.due(start, 3, paused=before + after) == at("2026-03-09 09:00")
    overlapping = [
        (at("2026-03-05 08:00"), at("2026-03-05 10:00")),
        (at("2026-03-05 09:00"), at("2026-03-05 11:00")),
    ]
    # The union is 08:00-11:00, three working hours.
    assert CALENDAR.due(start, 3, paused=overlapping) == at("2026-03-09 14:00")


def test_elapsed():
    assert CALENDAR.elapsed(at("2026-03-02 09:00"), at("2026-03-05 09:00")) == timedelta(hours=24)
    days = CALENDAR.elapsed_working_days(at("2026-03-02 09:00"), at("2026-03-05 10:00"))
    assert days == 3 + Decimal(1) / Decimal(8) == Decimal("3.125")
    # Received after the cut-off: nothing has elapsed by the end of that day.
    assert CALENDAR.elapsed(at("2026-03-02 16:30"), at("2026-03-02 17:30")) == timedelta(0)
    # Over Tết 2026 nothing accrues.
    assert CALENDAR.elapsed(at("2026-02-13 17:30"), at("2026-02-23 07:30")) == timedelta(0)
    assert CALENDAR.elapsed(at("2026-03-02 09:00"), at("2026-03-02 09:00")) == timedelta(0)


def test_windows_and_day_length_follow_the_settings():
    # Closing at 17:00 instead of 17:30: a 7 h 30 working day.
    short = WorkingCalendar(windows=[(time(7, 30), time(11, 30)), (time(13, 30), time(17, 0))])
    assert short.day_length == timedelta(hours=7, minutes=30)
    assert short.due(at("2026-03-02 09:00"), Decimal("7.5"), "working_hours") == at(
        "2026-03-03 09:00"
    )
    assert short.due(at("2026-03-02 09:00"), 8, "working_hours") == at("2026-03-03 09:30")
    assert short.due(at("2026-03-02 07:30"), 4) == at("2026-03-05 17:00")
    assert CALENDAR.day_length == timedelta(hours=8)


def test_fixed_holiday_source():
    calendar = WorkingCalendar(holidays=fixed_days([d("2026-03-03")]))
    assert not calendar.is_working_day(d("2026-03-03"))
    assert calendar.is_working_day(d("2026-02-17"))  # no Tết in this source


def test_years_are_added_lazily_in_both_directions():
    calendar = WorkingCalendar()
    assert calendar.due(at("2026-03-02 09:00"), 1) == at("2026-03-03 09:00")
    assert calendar.due(at("2019-12-31 09:00"), 1) == at("2020-01-02 09:00")
    assert calendar.due(at("2030-12-31 09:00"), 365).year == 2032
    # Positions computed before the extension still agree.
    assert calendar.due(at("2026-03-02 09:00"), 1) == at("2026-03-03 09:00")


# --- Bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "field"),
    [
        (0, "working_days", "amount"),
        (-1, "working_days", "amount"),
        (Decimal("-0.5"), "working_hours", "amount"),
        (366, "working_days", "amount"),
        (2921, "working_hours", "amount"),
        (float("nan"), "working_days", "amount"),
        (Decimal("Infinity"), "working_days", "amount"),
        (True, "working_days", "amount"),
        ("3", "working_days", "amount"),
        (3, "days", "unit"),
    ],
)
def test_bad_amounts_are_refused(amount, unit, field):
    with pytest.raises(ValidationFailed) as exc:
        CALENDAR.due(at("2026-03-02 09:00"), amount, unit)
    assert field in exc.value.fields


def test_limits_themselves_are_accepted():
    assert CALENDAR.due(at("2026-03-02 09:00"), 365).year == 2027
    assert CALENDAR.due(at("2026-03-02 09:00"), 2920, "working_hours").year == 2027


def test_bad_instants_are_refused():
    naive = datetime(2026, 3, 2, 9, 0)
    with pytest.raises(ValidationFailed) as exc:
        CALENDAR.due(naive, 1)
    assert "start" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        CALENDAR.elapsed(at("2026-03-02 09:00"), naive)
    assert "end" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        CALENDAR.elapsed(at("2026-03-03 09:00"), at("2026-03-02 09:00"))
    assert "end" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        CALENDAR.due(
            at("2026-03-02 09:00"), 1, paused=[(at("2026-03-03 09:00"), at("2026-03-02 09:00"))]
        )
    assert "paused" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        CALENDAR.due(at("2026-03-02 09:00"), 1, paused=[(at("2026-03-03 09:00"), naive)])
    assert "paused" in exc.value.fields
    with pytest.raises(ValidationFailed):
        CALENDAR.due(datetime(1800, 1, 1, tzinfo=TZ), 1)


def test_bad_configuration_is_a_programming_error():
    with pytest.raises(ValueError):
        WorkingCalendar(windows=[(time(13, 0), time(17, 0)), (time(7, 30), time(11, 30))])
    with pytest.raises(ValueError):
        WorkingCalendar(cutoff=time(18, 0))
    with pytest.raises(ValueError):
        WorkingCalendar(extra_days_off=[d("2026-03-02")], extra_working_days=[d("2026-03-02")])
