"""Changing the calendar: only provincial administrators, always audited, seen at once."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.models import AuditRecord
from egov.worktime import selectors
from egov.worktime.models import CalendarException, CalendarSettings, ExceptionKind
from egov.worktime.services import (
    calendar_exception_create,
    calendar_exception_delete,
    calendar_settings_update,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=selectors.calendar_get().tz)


def test_only_province_admin_adds_exceptions(world):
    for actor in (world.leader_a, world.specialist_a, world.ioc, world.citizen, None):
        with pytest.raises(PermissionDenied):
            calendar_exception_create(
                actor=actor, date=date(2026, 10, 10), kind="working", reason="Làm bù"
            )
    assert not CalendarException.objects.exists()
    assert not AuditRecord.objects.filter(action__startswith="worktime.").exists()


def test_make_up_saturday_is_audited_and_used_at_once(world):
    start = at("2026-10-09 10:00")  # Friday
    assert selectors.due_compute(start=start, amount=1) == at("2026-10-12 10:00")
    exception = calendar_exception_create(
        actor=world.admin,
        date=date(2026, 10, 10),
        kind=ExceptionKind.WORKING,
        reason="  Thông báo 1234/TB-BNV  ",
    )
    assert exception.reason == "Thông báo 1234/TB-BNV"
    assert exception.created_by == world.admin
    record = AuditRecord.objects.get(action="worktime.exception.create")
    assert record.actor == world.admin
    assert record.changes == {
        "date": "2026-10-10",
        "kind": "working",
        "reason": "Thông báo 1234/TB-BNV",
    }
    assert selectors.due_compute(start=start, amount=1) == at("2026-10-10 10:00")

    calendar_exception_delete(actor=world.admin, exception=exception)
    assert not CalendarException.objects.exists()
    assert AuditRecord.objects.filter(action="worktime.exception.delete").count() == 1
    assert selectors.due_compute(start=start, amount=1) == at("2026-10-12 10:00")


def test_extra_day_off(world):
    calendar_exception_create(
        actor=world.admin, date=date(2026, 2, 23), kind="day_off", reason="Extra Tết day"
    )
    assert selectors.due_compute(start=at("2026-02-13 10:00"), amount=1) == at("2026-02-24 10:00")
    days = {d.date: d for d in selectors.calendar_days(year=2026)}
    assert days[date(2026, 2, 23)].source == "exception"
    assert days[date(2026, 2, 23)].name == "Extra Tết day"


def test_only_province_admin_removes_exceptions(world):
    exception = calendar_exception_create(
        actor=world.admin, date=date(2026, 10, 10), kind="working", reason="Làm bù"
    )
    with pytest.raises(PermissionDenied):
        calendar_exception_delete(actor=world.leader_a, exception=exception)
    assert CalendarException.objects.filter(pk=exception.pk).exists()


@pytest.mark.parametrize(
    ("day", "kind", "reason", "field"),
    [
        (date(2026, 10, 12), "working", "x", "date"),  # a Monday already works
        (date(2026, 10, 10), "day_off", "x", "date"),  # a Saturday is already off
        (date(2026, 2, 17), "day_off", "x", "date"),  # Tết is already off
        (date(2026, 10, 10), "holiday", "x", "kind"),
        (date(2026, 10, 10), "working", "   ", "reason"),
        (date(1800, 1, 4), "working", "x", "date"),
    ],
)
def test_exception_input_is_checked(world, day, kind, reason, field):
    with pytest.raises(ValidationFailed) as exc:
        calendar_exception_create(actor=world.admin, date=day, kind=kind, reason=reason)
    assert field in exc.value.fields
    assert not CalendarException.objects.exists()


def test_one_exception_per_date(world):
    calendar_exception_create(
        actor=world.admin, date=date(2026, 10, 10), kind="working", reason="Làm bù"
    )
    with pytest.raises(ValidationFailed) as exc:
        calendar_exception_create(
            actor=world.admin, date=date(2026, 10, 10), kind="working", reason="again"
        )
    assert "date" in exc.value.fields


def test_a_public_holiday_may_be_made_working(world):
    calendar_exception_create(
        actor=world.admin, date=date(2026, 8, 31), kind="working", reason="Swap cancelled"
    )
    assert selectors.calendar_get().is_working_day(date(2026, 8, 31))


def test_settings_default_until_saved_and_selector_does_not_write(db):
    row = selectors.calendar_settings_get()
    assert row.windows == ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 30)))
    assert row.cutoff_time == time(16, 0)
    assert not CalendarSettings.objects.exists()


def test_settings_update(world):
    with pytest.raises(PermissionDenied):
        calendar_settings_update(actor=world.leader_a, cutoff_time=time(15, 0))
    row = calendar_settings_update(
        actor=world.admin, afternoon_start=time(13, 0), cutoff_time=time(15, 0)
    )
    assert CalendarSettings.objects.get().afternoon_start == time(13, 0)
    assert row.version == 1
    record = AuditRecord.objects.get(action="worktime.settings.update")
    assert record.changes == {
        "afternoon_start": ["13:30:00", "13:00:00"],
        "cutoff_time": ["16:00:00", "15:00:00"],
    }
    calendar = selectors.calendar_get()
    # 07:30-11:30 and 13:00-17:30: 4 h + 4 h 30.
    assert calendar.day_length.total_seconds() == 8.5 * 3600
    assert calendar.due(at("2026-03-02 15:30"), 1) == at("2026-03-03 17:30")
    # No cut-off: only the end of office hours.
    calendar_settings_update(actor=world.admin, cutoff_time=None)
    assert selectors.calendar_get().due(at("2026-03-02 15:30"), 1) == at("2026-03-03 15:30")
    # Saving the same values changes and records nothing.
    calendar_settings_update(actor=world.admin, cutoff_time=None)
    assert AuditRecord.objects.filter(action="worktime.settings.update").count() == 2


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"morning_end": time(7, 0)}, "morning_end"),
        ({"afternoon_end": time(13, 0)}, "afternoon_end"),
        ({"morning_end": time(14, 0)}, "afternoon_start"),
        ({"cutoff_time": time(18, 0)}, "cutoff_time"),
        ({"cutoff_time": time(7, 0)}, "cutoff_time"),
        ({"morning_start": None}, "morning_start"),
        ({"morning_start": "08:00"}, "morning_start"),
        ({"version": 7}, "version"),
    ],
)
def test_settings_are_checked(world, values, field):
    with pytest.raises(ValidationFailed) as exc:
        calendar_settings_update(actor=world.admin, **values)
    assert field in exc.value.fields
    assert not AuditRecord.objects.filter(action="worktime.settings.update").exists()
    assert selectors.calendar_settings_get().morning_start == time(7, 30)


def test_other_processes_follow_within_a_minute(world):
    calendar = selectors.calendar_get()
    assert selectors.calendar_get() is calendar
    # Another process changes the calendar: this one does not see its cache cleared...
    CalendarSettings.objects.create(pk=1, cutoff_time=time(15, 0), version=5)
    assert selectors.calendar_get() is calendar
    # ... until its copy is a minute old, when it sees the new version and rebuilds.
    assert selectors._cached is not None
    selectors._cached.checked_at -= selectors.REFRESH_SECONDS
    rebuilt = selectors.calendar_get()
    assert rebuilt is not calendar
    assert rebuilt.cutoff == time(15, 0)
    # An unchanged version keeps the calendar.
    selectors._cached.checked_at -= selectors.REFRESH_SECONDS
    assert selectors.calendar_get() is rebuilt
