"""Service statistics: a queue of changed dossiers, one fact per dossier, and rollups.

- ``StatsQueue``: one cheap row per dossier change, inserted in the transition's own
  transaction (``services.dossier_changed``); no shared row is updated there.
- ``DossierFact``: what the statistics need to know about one dossier, computed by
  ``facts.fact_for`` (its Decision 766 outcome, its due instant, its month of receipt…).
- ``MonthRollup`` (month × agency × procedure × channel) and ``AgencyMonthRollup`` (month ×
  agency × channel): the sums of the facts' contributions. Dashboards read these only.
- ``OpenBucket``: dossiers still open, by kind and by the local day they fall due, so that
  "overdue as of now" is a sum over the buckets due before today plus an indexed count of
  the facts due earlier today (the figure moves with the clock, not with transitions).

Keys hold plain integers, not foreign keys (0 for "none"), so that the unique keys the
upserts rely on hold on both databases (a NULL never conflicts).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatsQueue(models.Model):
    id = models.BigAutoField(primary_key=True)
    dossier_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.pk}: {self.dossier_id}"


class Outcome(models.TextChoices):
    OPEN = "open", _("In progress")
    BEFORE = "before", _("Before time")
    ON_TIME = "on_time", _("On time")
    LATE = "late", _("Late")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class OpenKind(models.TextChoices):
    NONE = "", _("Closed")
    UNRECEIVED = "unreceived", _("Awaiting receipt")
    RUNNING = "running", _("Being processed")
    PAUSED = "paused", _("Awaiting supplementation")
    LATE = "late", _("Late whatever the date")  # more than one supplementation request


class DossierFact(models.Model):
    dossier_id = models.BigIntegerField(primary_key=True)
    agency_id = models.IntegerField()  # competent to resolve (else the receiving agency)
    procedure_id = models.IntegerField()
    sector_id = models.IntegerField(default=0)
    channel = models.CharField(max_length=16)
    received_month = models.DateField()  # first day of the local month of submission
    end_month = models.DateField(null=True, blank=True)  # of the end of processing
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    stopped = models.BooleanField(default=False)
    open_kind = models.CharField(max_length=16, choices=OpenKind.choices, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    supplement_count = models.PositiveSmallIntegerField(default=0)
    online_full = models.BooleanField(default=False)
    rating = models.CharField(max_length=16, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["agency_id", "received_month"], name="stats_fact_received"),
            models.Index(fields=["agency_id", "end_month", "outcome"], name="stats_fact_end"),
            models.Index(fields=["open_kind", "due_at"], name="stats_fact_open"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.outcome}"


COUNTERS = (
    "received",
    "online",
    "online_full",
    "before",
    "on_time",
    "late",
    "stopped",
    "refused",
    "withdrawn",
    "very_satisfied",
    "satisfied",
    "not_satisfied",
)


class Counters(models.Model):
    received = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    online_full = models.IntegerField(default=0)
    before = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    stopped = models.IntegerField(default=0)
    refused = models.IntegerField(default=0)
    withdrawn = models.IntegerField(default=0)
    very_satisfied = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)
    not_satisfied = models.IntegerField(default=0)

    class Meta:
        abstract = True


class MonthRollup(Counters):
    month = models.DateField()
    agency_id = models.IntegerField()
    procedure_id = models.IntegerField()
    sector_id = models.IntegerField()
    channel = models.CharField(max_length=16)

    KEY = ("month", "agency_id", "procedure_id", "sector_id", "channel")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency_id", "procedure_id", "sector_id", "channel"],
                name="stats_month_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.agency_id} {self.procedure_id} {self.channel}"


class AgencyMonthRollup(Counters):
    month = models.DateField()
    agency_id = models.IntegerField()
    channel = models.CharField(max_length=16)

    KEY = ("month", "agency_id", "channel")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "agency_id", "channel"], name="stats_agency_rollup_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.agency_id} {self.channel}"


class OpenBucket(models.Model):
    agency_id = models.IntegerField()
    procedure_id = models.IntegerField()
    sector_id = models.IntegerField()
    channel = models.CharField(max_length=16)
    kind = models.CharField(max_length=16, choices=OpenKind.choices)
    due_day = models.DateField()  # local day; 2000-01-01 for kinds without a due day
    count = models.IntegerField(default=0)

    KEY = ("agency_id", "procedure_id", "sector_id", "channel", "kind", "due_day")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id", "procedure_id", "sector_id", "channel", "kind", "due_day"],
                name="stats_open_bucket_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.kind} {self.due_day}: {self.count}"
