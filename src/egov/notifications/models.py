"""The transactional outbox: one row per message to send to a citizen.

A service that changes something a citizen must hear about writes an ``OutboxMessage`` in the
same transaction as the change (``services.outbox_enqueue``). The row is the source of truth:
the worker sends it later, at least once, and retries with backoff until it is sent or has
failed too many times. See ``services`` for the life of a message.
"""

from __future__ import annotations

import os
import time
import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    ZALO = "zalo", _("Zalo")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # Gave up after the maximum number of attempts; an administrator may retry it.
    FAILED = "failed", _("Failed")


def uuid7() -> uuid.UUID:
    """A version 7 UUID (RFC 9562): 48 bits of Unix time in milliseconds, then 74 random bits.

    Time-ordered, so each new message id lands at the right edge of the unique index instead
    of on a random page of it (with version 4 ids, an insert into a large outbox dirtied a
    random index page and, after each checkpoint, wrote that whole page to the WAL). Python
    3.14's ``uuid.uuid7`` is used when there is one.
    """
    if hasattr(uuid, "uuid7"):
        return uuid.uuid7()  # type: ignore[no-any-return]  # Python >= 3.14
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10))
    value = value & ~(0xF << 76) | 0x7 << 76  # the version, over 4 of the 80 random bits
    value = value & ~(0x3 << 62) | 0x2 << 62  # and the variant (RFC 4122's), over 2 more
    return uuid.UUID(int=value)


class OutboxMessage(models.Model):
    # Stable across retries: gateways use it to drop a message they have already accepted.
    uuid = models.UUIDField(_("message id"), default=uuid7, unique=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # An email address, a mobile number in +84 form, or a Zalo user id.
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    # Extra data for the channel's backend (an HTML part, a Zalo template and its values…).
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    # Delivery attempts started; counted when a worker claims the message.
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While ``sending``: the worker that claimed it owns it until then. Past it, the worker is
    # presumed dead and the message is claimed again.
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # One logical notification (e.g. "dossier 123 returned, by SMS") is enqueued once.
    # Unique through Meta.constraints (a plain unique index; keys are matched whole). NULL, not
    # "", for "no key": a unique index does not compare NULLs, so keyless messages never clash.
    dedupe_key = models.CharField(  # noqa: DJ001
        _("deduplication key"), max_length=200, null=True, blank=True
    )
    # What the message is about, for display (e.g. "dossiers.dossier", "123").
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        ordering = ["-id"]
        indexes = [
            # The two ways a message becomes due: pending and its time has come, or sending
            # and its lease has run out.
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            models.Index(fields=["status", "lease_until"], name="outbox_lease_idx"),
            models.Index(fields=["object_type", "object_id"], name="outbox_object_idx"),
        ]
        constraints = [models.UniqueConstraint(fields=["dedupe_key"], name="outbox_unique_dedupe")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} → {self.recipient} ({self.status})"
