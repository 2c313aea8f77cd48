"""The working-time calendar's settings and the administrator's exceptions to it.

Public holidays are not stored: they come from the ``holidays`` package (Labour Code 2019
art. 112). What is stored is what a province decides: its office hours and cut-off hour, and
the extra days off or make-up working days the government announces each year.
"""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from egov.worktime import engine


class CalendarSettings(models.Model):
    """The one row (pk=1) of office hours. Until an administrator saves it, the defaults apply.

    Times are local (Asia/Ho_Chi_Minh). One working day is the morning plus the afternoon.
    """

    morning_start = models.TimeField(_("morning opens"), default=time(7, 30))
    morning_end = models.TimeField(_("morning closes"), default=time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=time(13, 30))
    afternoon_end = models.TimeField(_("afternoon closes"), default=time(17, 30))
    cutoff_time = models.TimeField(
        _("cut-off time"),
        null=True,
        blank=True,
        default=engine.DEFAULT_CUTOFF,
        help_text=_(
            "Dossiers received after this time count from the next working day. "
            "Leave empty to count everything received during office hours from that day."
        ),
    )
    # Raised by every change of the settings or of an exception, so that each process can tell
    # cheaply whether its cached calendar is stale.
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("working-time settings")
        verbose_name_plural = _("working-time settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(morning_start__lt=F("morning_end"))
                & Q(morning_end__lte=F("afternoon_start"))
                & Q(afternoon_start__lt=F("afternoon_end")),
                name="worktime_windows_ordered",
            ),
            models.CheckConstraint(
                condition=Q(cutoff_time__isnull=True)
                | (Q(cutoff_time__gt=F("morning_start")) & Q(cutoff_time__lte=F("afternoon_end"))),
                name="worktime_cutoff_in_office_hours",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Office hours and cut-off"))

    @property
    def windows(self) -> tuple[tuple[time, time], tuple[time, time]]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))


class ExceptionKind(models.TextChoices):
    WORKING = "working", _("Make-up working day")
    DAY_OFF = "day_off", _("Extra day off")


class CalendarException(models.Model):
    """A day the government declared working (ngày làm bù) or off, beyond the public holidays."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ExceptionKind.choices)
    reason = models.CharField(
        _("reason"),
        max_length=255,
        help_text=_("The announcement it follows, e.g. Official Dispatch 1234/VPCP-KGVX."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self) -> str:
        return f"{self.date.isoformat()} · {self.get_kind_display()}"
