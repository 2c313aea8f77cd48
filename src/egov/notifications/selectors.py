"""Reads of notifications: the state of the outbox, for operators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Min
from django.utils import timezone

from egov.notifications.models import OutboxMessage, OutboxStatus


@dataclass
class OutboxSummary:
    counts: dict[str, int]
    # Pending messages whose time has come: a growing number means no worker is sending.
    due: int
    oldest_due_at: datetime | None
    recent_errors: list[OutboxMessage] = field(default_factory=list)


def outbox_summary(*, errors: int = 10) -> OutboxSummary:
    """How many messages are in each status, and the last messages that failed or are being
    retried, with their errors."""
    counts = {status: 0 for status in OutboxStatus.values}
    for row in OutboxMessage.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    due = OutboxMessage.objects.filter(
        status=OutboxStatus.PENDING, next_attempt_at__lte=timezone.now()
    )
    recent = list(
        OutboxMessage.objects.filter(status__in=[OutboxStatus.FAILED, OutboxStatus.PENDING])
        .exclude(last_error="")
        .order_by("-next_attempt_at", "-pk")[:errors]
    )
    return OutboxSummary(
        counts=counts,
        due=due.count(),
        oldest_due_at=due.aggregate(oldest=Min("next_attempt_at"))["oldest"],
        recent_errors=recent,
    )
