"""Writes of the working-time calendar: office hours, extra days off and make-up working days.

Only a provincial administrator changes the calendar, since every deadline in the province
follows from it. Each change raises the settings row's ``version`` and clears this process's
cached calendar; other processes follow within a minute (``selectors.REFRESH_SECONDS``).
"""

from __future__ import annotations

from datetime import date, time
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.core.services import audit_record_create, model_changes
from egov.organizations import permissions
from egov.worktime import engine, selectors
from egov.worktime.models import CalendarException, CalendarSettings, ExceptionKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User


SETTINGS_FIELDS = [
    "morning_start",
    "morning_end",
    "afternoon_start",
    "afternoon_end",
    "cutoff_time",
]


def calendar_settings_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    """Messages per field for office hours ``values`` (all five fields)."""
    errors: dict[str, list[str]] = {}
    for name in SETTINGS_FIELDS:
        value = values.get(name)
        if name != "cutoff_time" and value is None:
            errors[name] = [_("This field is required.")]
        elif value is not None and not isinstance(value, time):
            errors[name] = [_("Enter a time of day.")]
    if errors:
        return errors
    morning_start, morning_end = values["morning_start"], values["morning_end"]
    afternoon_start, afternoon_end = values["afternoon_start"], values["afternoon_end"]
    cutoff = values.get("cutoff_time")
    if not morning_start < morning_end:
        errors["morning_end"] = [_("The morning must close after it opens.")]
    if not afternoon_start < afternoon_end:
        errors["afternoon_end"] = [_("The afternoon must close after it opens.")]
    if not morning_end <= afternoon_start:
        errors["afternoon_start"] = [_("The afternoon must open after the morning closes.")]
    if cutoff is not None and not morning_start < cutoff <= afternoon_end:
        errors["cutoff_time"] = [
            _("The cut-off must fall between the morning opening and the afternoon closing.")
        ]
    return errors


def calendar_exception_errors(*, day: date | None, kind: str, reason: str) -> dict[str, list[str]]:
    """Messages per field for a new exception, checked against the current calendar."""
    errors: dict[str, list[str]] = {}
    if kind not in ExceptionKind.values:
        errors["kind"] = [_("Choose a make-up working day or an extra day off.")]
    if not reason.strip():
        errors["reason"] = [_("Give the reason, e.g. the announcement it follows.")]
    if day is None:
        errors["date"] = [_("This field is required.")]
        return errors
    if not engine.MIN_YEAR <= day.year <= engine.MAX_YEAR:
        errors["date"] = [
            _("Dates must fall between the years %(first)s and %(last)s.")
            % {"first": engine.MIN_YEAR, "last": engine.MAX_YEAR}
        ]
        return errors
    if CalendarException.objects.filter(date=day).exists():
        errors["date"] = [_("This date already has an exception. Delete it first.")]
    elif kind in ExceptionKind.values:
        working = selectors.calendar_get().is_working_day(day)
        if kind == ExceptionKind.WORKING and working:
            errors["date"] = [_("This date is already a working day.")]
        elif kind == ExceptionKind.DAY_OFF and not working:
            errors["date"] = [_("This date is already a day off.")]
    return errors


def _calendar_changed() -> None:
    """Raise the version other processes watch; forget the cached calendar now and at commit."""
    updated = CalendarSettings.objects.filter(pk=1).update(version=F("version") + 1)
    if not updated:
        CalendarSettings.objects.create(pk=1, version=1)
    selectors.calendar_cache_clear()
    transaction.on_commit(selectors.calendar_cache_clear)


@transaction.atomic
def calendar_exception_create(
    *, actor: User | AnonymousUser | None, date: date, kind: str, reason: str
) -> CalendarException:
    """Declare ``date`` a make-up working day or an extra day off. Provincial administrators
    only; the announcement it follows goes in ``reason``."""
    permissions.require_province_admin(actor)
    reason = reason.strip()
    errors = calendar_exception_errors(day=date, kind=kind, reason=reason)
    if errors:
        raise ValidationFailed(fields=errors)
    exception = CalendarException.objects.create(
        date=date,
        kind=kind,
        reason=reason,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _calendar_changed()
    audit_record_create(
        actor=actor,
        action="worktime.exception.create",
        obj=exception,
        changes={"date": date.isoformat(), "kind": kind, "reason": reason},
    )
    return exception


@transaction.atomic
def calendar_exception_delete(
    *, actor: User | AnonymousUser | None, exception: CalendarException
) -> None:
    """Remove an exception: the date follows the weekday and holiday rules again."""
    permissions.require_province_admin(actor)
    audit_record_create(
        actor=actor,
        action="worktime.exception.delete",
        obj=exception,
        changes={
            "date": exception.date.isoformat(),
            "kind": exception.kind,
            "reason": exception.reason,
        },
    )
    exception.delete()
    _calendar_changed()


@transaction.atomic
def calendar_settings_update(
    *, actor: User | AnonymousUser | None, **values: Any
) -> CalendarSettings:
    """Change office hours or the cut-off (``cutoff_time=None`` removes the cut-off).
    Provincial administrators only."""
    permissions.require_province_admin(actor)
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise ValidationFailed(
            fields={name: [_("This field cannot be changed.")] for name in unknown}
        )
    row = CalendarSettings.objects.select_for_update().filter(pk=1).first()
    if row is None:
        row = CalendarSettings.objects.create(pk=1)
    before = {name: getattr(row, name) for name in SETTINGS_FIELDS}
    merged = {**before, **values}
    errors = calendar_settings_errors(merged)
    if errors:
        raise ValidationFailed(fields=errors)
    for name, value in values.items():
        setattr(row, name, value)
    changes = model_changes(row, before, SETTINGS_FIELDS)
    if changes:
        row.save()
        _calendar_changed()
        row.refresh_from_db()
        audit_record_create(
            actor=actor,
            action="worktime.settings.update",
            obj=row,
            changes=changes,
        )
    return row
