"""Writes of notifications: the transactional outbox and its delivery.

The life of a message
---------------------

1. **Enqueue.** A service that changes something a citizen must hear about calls
   ``outbox_enqueue(...)`` inside its own ``transaction.atomic()`` block (it refuses to run
   outside one). The message row is committed with the change, or rolled back with it. The
   outbox is the queue: nothing else is written, and no process has to be told.
2. **Claim.** ``egov worker`` sweeps the outbox every second (``--outbox-interval``): a read
   finds whether anything is due, and only then does it claim due messages in a short
   transaction: ``pending`` ones whose ``next_attempt_at`` has
   come, and ``sending`` ones whose ``lease_until`` has passed (their worker died mid-send).
   Claiming sets ``status=sending``, ``lease_until=now + EGOV_OUTBOX_LEASE_SECONDS`` and counts
   the attempt. On PostgreSQL the rows are read with ``SELECT … FOR UPDATE SKIP LOCKED``, so
   workers never claim the same message; on SQLite the transaction takes the write lock at its
   start (IMMEDIATE), which serializes claims.
3. **Send**, outside any transaction, through the channel's backend (``backends``).
4. **Mark.** When the backend returned, the message is marked ``sent``. When it raised, the
   error is kept in ``last_error`` and the message goes back to ``pending`` with
   ``next_attempt_at`` pushed back (below); after ``EGOV_OUTBOX_MAX_ATTEMPTS`` attempts
   (default 8) it is ``failed``, listed by ``egov outbox list`` and in the admin, which can
   retry it.

**Backoff.** After the n-th failed attempt the next one is due ``BACKOFF[n-1]`` later:
30 s, 2 min, 8 min, 30 min, 2 h, then 6 h for every later attempt. With the default 8 attempts
a message is retried for about 14 h 40 min before it is marked failed. The sweep sends a
retry once it is due.

**Why a sweep, not a task per message** (until session 6, each enqueue also wrote a
django-tasks task row, the sweep being a fallback every 5 s). The task's only use was to wake
a worker at once, but django-tasks' worker itself finds tasks by polling its table every
second: sweeping the outbox every second delivers as soon, with one mechanism instead of two,
and takes a row insert, its validation and its index updates (0.4 ms of CPU) out of every
dossier transition that notifies the citizen.

**At least once.** A message is marked sent only after its backend returned. If a worker dies
(or its database connection drops) between the send and the mark, the lease runs out and the
message is sent again: the recipient may get a duplicate, never nothing. The email
``Message-ID`` and the HTTP ``message_id`` are the same on every attempt, so a gateway can drop
the repeat. A worker whose send outlasts its lease may also cause a duplicate; the lease
(5 min by default) is far longer than the HTTP (10 s) and SMTP (30 s) timeouts. A message
whose worker died during its last allowed attempt is marked ``failed`` rather than sent again
(it may be what kills the worker); an administrator can retry it.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.validators import normalize_email, normalize_mobile_phone
from egov.core.db import CompiledInsert
from egov.core.errors import ValidationFailed
from egov.core.services import audit_record_create
from egov.notifications import conf
from egov.notifications.backends import backend_for
from egov.notifications.models import Channel, OutboxMessage, OutboxStatus
from egov.organizations import permissions

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User

logger = logging.getLogger("egov.notifications")

# The wait before the next attempt, after the 1st, 2nd, … failed one; the last repeats.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=8),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
LAST_ERROR_CHARS = 2000
ZALO_USER_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def backoff_delay(failed_attempts: int) -> timedelta:
    """How long to wait after ``failed_attempts`` failed attempts (1 or more)."""
    return BACKOFF[min(max(failed_attempts, 1), len(BACKOFF)) - 1]


# --- Enqueueing ------------------------------------------------------------------------------


def _normalize_recipient(channel: str, recipient: str) -> str:
    raw = (recipient or "").strip()
    try:
        if channel == Channel.EMAIL:
            return normalize_email(raw)
        if channel == Channel.SMS:
            return normalize_mobile_phone(raw)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields={"recipient": exc.messages}) from None
    # Zalo: the user id the OA knows the citizen by, or a mobile number in +84 form for
    # bridges that send by phone number (ZNS).
    if raw.startswith("+"):
        try:
            return normalize_mobile_phone(raw)
        except DjangoValidationError as exc:
            raise ValidationFailed(fields={"recipient": exc.messages}) from None
    if not ZALO_USER_ID.fullmatch(raw):
        raise ValidationFailed(
            fields={
                "recipient": [
                    _("Enter a Zalo user id (letters and digits) or a mobile number in +84 form.")
                ]
            }
        )
    return raw


@dataclass(frozen=True)
class Notification:
    """One message to enqueue: ``outbox_enqueue``'s arguments, for ``outbox_enqueue_many``."""

    channel: str
    recipient: str
    body: str
    subject: str = ""
    payload: dict[str, Any] | None = None
    dedupe_key: str | None = None
    object_type: str = ""
    object_id: str = ""


def _message_build(notification: Notification, now: datetime) -> OutboxMessage:
    """The unsaved outbox row for ``notification``; raises ValidationFailed with every field
    that is wrong."""
    n = notification
    errors: dict[str, list[str]] = {}
    if n.channel not in Channel.values:
        raise ValidationFailed(fields={"channel": [_("Unknown notification channel.")]})
    recipient = n.recipient
    try:
        recipient = _normalize_recipient(n.channel, n.recipient)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    subject = (n.subject or "").strip()
    if len(subject) > 255 or "\n" in subject or "\r" in subject:
        errors["subject"] = [_("The subject must be one line of at most 255 characters.")]
    if not (n.body or "").strip():
        errors["body"] = [_("The message text is required.")]
    payload = n.payload or {}
    try:
        if not isinstance(payload, dict):
            raise TypeError
        json.dumps(payload)
    except (TypeError, ValueError):
        errors["payload"] = [_("The extra data must be a JSON object.")]
    if n.dedupe_key is not None and not (0 < len(n.dedupe_key) <= 200):
        errors["dedupe_key"] = [_("The deduplication key must have 1 to 200 characters.")]
    if errors:
        raise ValidationFailed(fields=errors)
    return OutboxMessage(
        channel=n.channel,
        recipient=recipient,
        subject=subject,
        body=n.body,
        payload=payload,
        dedupe_key=n.dedupe_key,
        object_type=n.object_type,
        object_id=str(n.object_id),
        next_attempt_at=now,
    )


def outbox_enqueue(
    *,
    channel: str,
    recipient: str,
    subject: str = "",
    body: str,
    payload: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    object_type: str = "",
    object_id: str = "",
) -> OutboxMessage:
    """Write a message to the outbox, inside the caller's transaction.

    Call it from a service, within the same ``transaction.atomic()`` block as the change the
    message is about: both are committed, or neither. The recipient is checked and normalized
    (an email address; a Vietnamese mobile number, stored as +84…; a Zalo user id). A message
    with the ``dedupe_key`` of one already in the outbox is not added again: that one is
    returned.
    """
    notification = Notification(
        channel=channel,
        recipient=recipient,
        subject=subject,
        body=body,
        payload=payload,
        dedupe_key=dedupe_key,
        object_type=object_type,
        object_id=str(object_id),
    )
    return outbox_enqueue_many([notification])[0]


def outbox_enqueue_many(
    notifications: list[Notification], *, new_keys: bool = False
) -> list[OutboxMessage]:
    """``outbox_enqueue`` for several messages at once (e.g. the channels of one event), in
    the caller's transaction: one query for the duplicates and one INSERT for them all.
    Returns the messages in the given order (for a duplicate, the one already in the outbox).
    All are checked before any is written.

    ``new_keys=True`` is for callers whose keys cannot be in the outbox yet (they contain a
    version the caller holds locked): the duplicate check is skipped, and a duplicate makes
    the caller's transaction fail instead of being returned."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("outbox_enqueue must run inside the service's transaction")
    now = timezone.now()
    messages = [_message_build(n, now) for n in notifications]
    if new_keys:
        _INSERT_MESSAGES.create(*messages)
        return messages
    keys = {m.dedupe_key for m in messages if m.dedupe_key is not None}
    found = {m.dedupe_key: m for m in OutboxMessage.objects.filter(dedupe_key__in=keys)}
    new: list[OutboxMessage] = []
    for message in messages:
        if message.dedupe_key is None or message.dedupe_key not in found:
            new.append(message)
            if message.dedupe_key is not None:
                found[message.dedupe_key] = message  # a repeat within the batch
    if new:
        try:
            with transaction.atomic():
                OutboxMessage.objects.bulk_create(new)
        except IntegrityError:
            # Another transaction enqueued one of them at the same time: one at a time.
            new = _create_each(new, found)
    return [found[m.dedupe_key] if m.dedupe_key is not None else m for m in messages]


_INSERT_MESSAGES = CompiledInsert(OutboxMessage)  # each notifying dossier transition


def _create_each(
    messages: list[OutboxMessage], found: dict[str | None, OutboxMessage]
) -> list[OutboxMessage]:
    """Insert ``messages`` one by one, taking the row already there for a duplicate key
    (recorded in ``found``); returns the ones inserted."""
    created = []
    for message in messages:
        message.pk = None
        try:
            with transaction.atomic():
                message.save(force_insert=True)
            created.append(message)
        except IntegrityError:
            existing = OutboxMessage.objects.filter(dedupe_key=message.dedupe_key).first()
            if message.dedupe_key is None or existing is None:
                raise
            found[message.dedupe_key] = existing
    return created


# --- Delivery --------------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    """What a delivery run did: messages sent, put back for a retry, and given up."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    @property
    def attempted(self) -> int:
        return self.sent + self.retrying + self.failed

    def __str__(self) -> str:
        return f"sent {self.sent}, to retry later {self.retrying}, failed {self.failed}"

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed


def _due(now: datetime) -> Q:
    return Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lte=now
    )


def _claim(now: datetime, limit: int, message_id: int | None = None) -> list[OutboxMessage]:
    """Mark up to ``limit`` due messages as ``sending`` for this worker, in a short
    transaction, and return them."""
    with transaction.atomic():
        due = OutboxMessage.objects.filter(_due(now))
        if message_id is not None:
            due = due.filter(pk=message_id)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        else:
            # SQLite: no row locks, but the IMMEDIATE transaction already holds the write lock.
            due = due.select_for_update()
        ids = list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])
        if not ids:
            return []
        OutboxMessage.objects.filter(pk__in=ids).filter(_due(now)).update(
            status=OutboxStatus.SENDING,
            lease_until=now + timedelta(seconds=conf.lease_seconds()),
            attempts=F("attempts") + 1,
        )
        return list(
            OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.SENDING).order_by(
                "next_attempt_at", "pk"
            )
        )


def _send_and_mark(message: OutboxMessage, now: datetime | None) -> str:
    """Send one claimed message and record the outcome; returns its new status."""
    # A message claimed again after its lease ran out may already have used its last attempt.
    if message.attempts > conf.max_attempts():
        error = "the worker stopped while sending; no attempts left"
        OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.SENDING, lease_until=message.lease_until
        ).update(status=OutboxStatus.FAILED, lease_until=None, last_error=error)
        logger.error("outbox message %s failed: %s", message.pk, error)
        return OutboxStatus.FAILED
    try:
        backend_for(message.channel).send(message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:LAST_ERROR_CHARS]
        at = now or timezone.now()
        if message.attempts >= conf.max_attempts():
            status, next_at = OutboxStatus.FAILED, at
        else:
            status, next_at = OutboxStatus.PENDING, at + backoff_delay(message.attempts)
        # Only while it is still ours: after our lease ran out, another worker may have
        # claimed it again, or sent it.
        OutboxMessage.objects.filter(
            pk=message.pk, status=OutboxStatus.SENDING, lease_until=message.lease_until
        ).update(status=status, next_attempt_at=next_at, lease_until=None, last_error=error)
        if status == OutboxStatus.FAILED:
            logger.error(
                "outbox message %s failed after %s attempts: %s",
                message.pk,
                message.attempts,
                error,
            )
        else:
            logger.warning(
                "outbox message %s: attempt %s failed, retrying at %s: %s",
                message.pk,
                message.attempts,
                next_at.isoformat(),
                error,
            )
        return status
    OutboxMessage.objects.filter(pk=message.pk).exclude(status=OutboxStatus.SENT).update(
        status=OutboxStatus.SENT, sent_at=timezone.now(), lease_until=None, last_error=""
    )
    return OutboxStatus.SENT


def _deliver(messages: list[OutboxMessage], now: datetime | None) -> DeliveryReport:
    report = DeliveryReport()
    for message in messages:
        status = _send_and_mark(message, now)
        if status == OutboxStatus.SENT:
            report.sent += 1
        elif status == OutboxStatus.FAILED:
            report.failed += 1
        else:
            report.retrying += 1
    return report


def outbox_deliver_batch(*, limit: int = 100, now: datetime | None = None) -> DeliveryReport:
    """Claim up to ``limit`` due messages, send them and record the outcomes.

    Call it outside any transaction: the claim is its own short transaction, and the sending
    must not hold database locks while it waits for a mail server or a gateway.
    """
    claimed = _claim(now or timezone.now(), limit)
    return _deliver(claimed, now)


def outbox_deliver_due(*, limit: int = 100, now: datetime | None = None) -> int:
    """Deliver up to ``limit`` due messages (see ``outbox_deliver_batch``); returns how many
    were attempted, whether they were sent or not."""
    return outbox_deliver_batch(limit=limit, now=now).attempted


def outbox_deliver_one(*, message_id: int, now: datetime | None = None) -> str:
    """Deliver one message if it is due; returns its status afterwards.

    The delivery task calls it. A message that is not due (already sent, being sent by another
    worker, waiting for its next attempt) is left alone and its current status returned.
    """
    claimed = _claim(now or timezone.now(), 1, message_id=message_id)
    if claimed:
        return _send_and_mark(claimed[0], now)
    return str(
        OutboxMessage.objects.filter(pk=message_id).values_list("status", flat=True).first() or ""
    )


def outbox_sweep(
    *, now: datetime | None = None, batch: int = 100, max_batches: int | None = None
) -> DeliveryReport:
    """Deliver every message that is due, ``batch`` at a time. ``egov worker`` runs it every
    second: a read finds whether anything is due, so an idle sweep writes nothing (on
    SQLite, claiming takes the database's write lock)."""
    report = DeliveryReport()
    if not OutboxMessage.objects.filter(_due(now or timezone.now())).exists():
        return report
    batches = 0
    while max_batches is None or batches < max_batches:
        done = outbox_deliver_batch(limit=batch, now=now)
        report.add(done)
        batches += 1
        if done.attempted < batch:
            break
    return report


# --- Administration --------------------------------------------------------------------------


@transaction.atomic
def outbox_message_retry(
    *,
    actor: User | AnonymousUser | None,
    message: OutboxMessage,
    check_permission: bool = True,
) -> OutboxMessage:
    """Give a ``failed`` message a fresh series of attempts, starting now. Only a provincial
    administrator may, from the admin; ``egov outbox retry`` runs as the system."""
    if check_permission:
        permissions.require_province_admin(actor)
    locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
    if locked.status != OutboxStatus.FAILED:
        raise ValidationFailed(_("Only a message that failed can be retried."))
    attempts_before = locked.attempts
    locked.status = OutboxStatus.PENDING
    locked.attempts = 0
    locked.next_attempt_at = timezone.now()
    locked.lease_until = None
    locked.save(update_fields=["status", "attempts", "next_attempt_at", "lease_until"])
    audit_record_create(
        actor=actor,
        action="notifications.outbox.retry",
        obj=locked,
        changes={
            "status": [OutboxStatus.FAILED, OutboxStatus.PENDING],
            "attempts_before": attempts_before,
            "last_error": locked.last_error[:255],
        },
    )
    return locked
