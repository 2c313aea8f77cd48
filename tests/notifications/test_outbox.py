"""The transactional outbox: written with the change, delivered at least once, with backoff."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.models import AuditRecord
from egov.notifications import backends, services
from egov.notifications.models import OutboxMessage, OutboxStatus
from egov.notifications.services import (
    BACKOFF,
    Notification,
    outbox_deliver_due,
    outbox_deliver_one,
    outbox_enqueue,
    outbox_enqueue_many,
    outbox_message_retry,
    outbox_sweep,
)
from egov.notifications.tasks import outbox_deliver_many_task, outbox_deliver_task


def enqueue(**kwargs) -> OutboxMessage:
    values = {
        "channel": "email",
        "recipient": "citizen@example.com",
        "subject": "Your dossier",
        "body": "Your dossier has a result.",
    }
    values.update(kwargs)
    with transaction.atomic():
        return outbox_enqueue(**values)


# --- Enqueueing ------------------------------------------------------------------------------


def test_enqueue_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        outbox_enqueue(channel="email", recipient="a@example.com", body="x")
    assert not OutboxMessage.objects.exists()


def test_enqueue_writes_a_pending_message_and_nothing_else(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = enqueue(object_type="dossiers.dossier", object_id=42)
    assert callbacks == []  # nothing is left to do after the commit
    assert not DBTaskResult.objects.exists()  # the outbox is the queue: no task row
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 0
    assert message.next_attempt_at <= timezone.now()
    assert (message.object_type, message.object_id) == ("dossiers.dossier", "42")


def test_no_task_backend_is_involved(db, settings, django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        message = enqueue()
    assert callbacks == []
    assert outbox_deliver_task.get_backend().results == []
    assert outbox_sweep().sent == 1  # the worker's sweep alone sends it
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_rolled_back_transaction_leaves_no_message_and_no_task(transactional_db):
    with pytest.raises(RuntimeError, match="the change failed"), transaction.atomic():
        outbox_enqueue(channel="sms", recipient="0912345678", body="Hồ sơ đã có kết quả.")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_committed_message_is_sent_by_the_next_sweep(transactional_db):
    message = enqueue()
    assert outbox_sweep().sent == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and len(mail.outbox) == 1
    assert outbox_sweep().attempted == 0  # sent once


@pytest.mark.parametrize(
    ("channel", "recipient", "stored"),
    [
        ("email", " Citizen@Example.COM ", "citizen@example.com"),
        ("sms", "0912 345 678", "+84912345678"),
        ("sms", "+84912345678", "+84912345678"),
        ("zalo", "4153263985521234567", "4153263985521234567"),
        ("zalo", "+84912345678", "+84912345678"),
    ],
)
def test_recipient_is_normalized(db, channel, recipient, stored):
    assert enqueue(channel=channel, recipient=recipient).recipient == stored


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"channel": "email", "recipient": "not-an-address"}, "recipient"),
        ({"channel": "sms", "recipient": "0281234567"}, "recipient"),  # a landline
        ({"channel": "sms", "recipient": "+33612345678"}, "recipient"),
        ({"channel": "zalo", "recipient": "user id with spaces"}, "recipient"),
        ({"channel": "zalo", "recipient": "+84123"}, "recipient"),
        ({"body": "   "}, "body"),
        ({"subject": "two\nlines"}, "subject"),
        ({"payload": {"when": object()}}, "payload"),
        ({"dedupe_key": ""}, "dedupe_key"),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_nothing_saved(db, values, field):
    with pytest.raises(ValidationFailed) as caught:
        enqueue(**values)
    assert field in caught.value.fields
    assert not OutboxMessage.objects.exists()


def test_dedupe_key_enqueues_one_logical_notification_once(db):
    with transaction.atomic():
        first = enqueue(dedupe_key="dossier:42:returned:email")
        again = enqueue(dedupe_key="dossier:42:returned:email", body="a second text")
    assert again.pk == first.pk
    assert OutboxMessage.objects.count() == 1
    assert not DBTaskResult.objects.exists()
    other = enqueue(dedupe_key="dossier:42:returned:sms", channel="sms", recipient="0912345678")
    assert other.pk != first.pk


def test_batch_is_one_insert_and_nothing_else(transactional_db, settings):
    batch = [
        Notification(
            channel="sms", recipient="0912345678", body="Có kết quả.", dedupe_key="d:1:sms"
        ),
        Notification(
            channel="zalo", recipient="+84 912 345 678", body="Có kết quả.", dedupe_key="d:1:zalo"
        ),
        Notification(channel="email", recipient="A@Example.com", subject="S", body="Có kết quả."),
    ]
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        messages = outbox_enqueue_many(batch)
    writes = [q["sql"].split(" (")[0] for q in queries if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert writes == ['INSERT INTO "notifications_outboxmessage"']  # one, and no task row
    assert [m.channel for m in messages] == ["sms", "zalo", "email"]
    assert [m.recipient for m in messages] == ["+84912345678", "+84912345678", "a@example.com"]
    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == sorted(
        m.pk for m in messages
    )
    assert not DBTaskResult.objects.exists()
    settings.EGOV_EMAIL_ENABLED = True
    # The task an older egov queued for such a batch still delivers it.
    assert outbox_deliver_many_task.call([m.pk for m in messages]) == [OutboxStatus.SENT] * 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_batch_returns_messages_already_enqueued_and_adds_only_the_new(db):
    first = enqueue(channel="sms", recipient="0912345678", dedupe_key="d:2:sms")
    with transaction.atomic():
        messages = outbox_enqueue_many(
            [
                Notification(channel="sms", recipient="0912345678", body="x", dedupe_key="d:2:sms"),
                Notification(
                    channel="email", recipient="a@example.com", body="x", dedupe_key="d:2:email"
                ),
                Notification(
                    channel="email", recipient="a@example.com", body="x", dedupe_key="d:2:email"
                ),
            ]
        )
    assert messages[0].pk == first.pk
    assert messages[1].pk == messages[2].pk
    assert OutboxMessage.objects.count() == 2


def test_batch_with_one_bad_message_writes_none(db):
    with pytest.raises(ValidationFailed) as caught, transaction.atomic():
        outbox_enqueue_many(
            [
                Notification(channel="sms", recipient="0912345678", body="x"),
                Notification(channel="email", recipient="not-an-address", body="x"),
            ]
        )
    assert "recipient" in caught.value.fields
    assert not OutboxMessage.objects.exists()


# --- Delivery --------------------------------------------------------------------------------


def test_due_email_is_delivered_and_marked_sent(db):
    message = enqueue(payload={"html": "<p>Your dossier has a result.</p>"})
    assert outbox_deliver_due() == 1
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["citizen@example.com"]
    assert sent.subject == "Your dossier"
    assert sent.body == "Your dossier has a result."
    assert sent.alternatives[0][1] == "text/html"
    assert sent.extra_headers["Message-ID"].startswith(f"<egov-outbox-{message.uuid}@")
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.sent_at is not None
    assert message.attempts == 1
    assert message.lease_until is None
    # Nothing is due any more: it is not sent twice.
    assert outbox_deliver_due() == 0
    assert len(mail.outbox) == 1


def test_message_waits_for_its_next_attempt(db):
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() + timedelta(minutes=1)
    )
    assert outbox_deliver_due() == 0
    assert outbox_deliver_due(now=timezone.now() + timedelta(minutes=2)) == 1
    assert len(mail.outbox) == 1


def test_delivery_respects_the_limit_and_the_order(db):
    messages = [enqueue(recipient=f"c{n}@example.com") for n in range(3)]
    assert outbox_deliver_due(limit=2) == 2
    assert [m.to[0] for m in mail.outbox] == ["c0@example.com", "c1@example.com"]
    assert outbox_deliver_due(limit=2) == 1
    assert OutboxMessage.objects.get(pk=messages[2].pk).status == OutboxStatus.SENT


def test_failed_attempts_back_off_then_give_up(db, settings, gateway):
    settings.EGOV_SMS_BACKEND = "http"
    settings.EGOV_SMS_HTTP_URL = gateway.url
    settings.EGOV_OUTBOX_MAX_ATTEMPTS = 4
    gateway.statuses = [500, 502, 503, 500]
    message = enqueue(channel="sms", recipient="0912345678")
    now = timezone.now()
    for attempt in range(1, 4):
        assert outbox_deliver_due(now=now) == 1
        message.refresh_from_db()
        assert message.status == OutboxStatus.PENDING
        assert message.attempts == attempt
        assert message.next_attempt_at == now + BACKOFF[attempt - 1]
        assert "HTTP 5" in message.last_error
        # Not due again before its time.
        assert outbox_deliver_due(now=now + BACKOFF[attempt - 1] - timedelta(seconds=1)) == 0
        now = message.next_attempt_at
    assert outbox_deliver_due(now=now) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 4
    assert "HTTP 500" in message.last_error
    assert len(gateway.requests) == 4
    # A failed message is never picked up again by itself.
    assert outbox_deliver_due(now=now + timedelta(days=30)) == 0


def test_backoff_schedule():
    assert [services.backoff_delay(n) for n in range(1, 9)] == [
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=8),
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(hours=6),
        timedelta(hours=6),
        timedelta(hours=6),
    ]


def test_the_sweep_retries_once_the_backoff_has_passed(db, settings):
    settings.EGOV_SMS_BACKEND = "no-such-backend"
    message = enqueue(channel="sms", recipient="0912345678")
    now = timezone.now()
    outbox_deliver_due(now=now)
    message.refresh_from_db()
    assert "EGOV_SMS_BACKEND must be one of console, file, http" in message.last_error
    assert message.next_attempt_at == now + BACKOFF[0]
    assert outbox_sweep(now=now + BACKOFF[0] - timedelta(seconds=1)).attempted == 0
    settings.EGOV_SMS_BACKEND = "console"
    assert outbox_sweep(now=now + BACKOFF[0]).sent == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert not DBTaskResult.objects.exists()


class DiesAfterSending:
    """The real email backend, then the process dies before the message is marked sent."""

    def send(self, message: OutboxMessage) -> None:
        backends.EmailBackend().send(message)
        raise SystemExit("killed")


def test_worker_dying_mid_send_means_one_more_send_never_none(db, monkeypatch):
    message = enqueue()
    now = timezone.now()
    with monkeypatch.context() as patch:
        patch.setattr(services, "backend_for", lambda channel: DiesAfterSending())
        with pytest.raises(SystemExit):
            outbox_deliver_due(now=now)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING
    assert message.lease_until == now + timedelta(seconds=300)
    assert len(mail.outbox) == 1
    # Another worker leaves it alone while the lease runs…
    assert outbox_deliver_due(now=now + timedelta(seconds=299)) == 0
    # …and sends it again once the lease has run out.
    assert outbox_deliver_due(now=now + timedelta(seconds=301)) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert len(mail.outbox) == 2
    assert mail.outbox[0].extra_headers["Message-ID"] == mail.outbox[1].extra_headers["Message-ID"]


def test_worker_dying_during_the_last_attempt_marks_the_message_failed(db, settings):
    settings.EGOV_OUTBOX_MAX_ATTEMPTS = 2
    message = enqueue()
    now = timezone.now()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.SENDING, attempts=2, lease_until=now - timedelta(seconds=1)
    )
    assert outbox_deliver_due(now=now) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert "stopped while sending" in message.last_error
    assert mail.outbox == []


def test_late_failure_does_not_undo_another_workers_claim(db, monkeypatch):
    """A worker whose send outlasted its lease must not put back a message another worker
    has claimed since."""
    message = enqueue()
    now = timezone.now()

    class SlowThenFails:
        def send(self, msg: OutboxMessage) -> None:
            # Meanwhile the lease ran out and another worker claimed the message.
            OutboxMessage.objects.filter(pk=msg.pk).update(lease_until=now + timedelta(hours=1))
            raise backends.DeliveryError("timed out")

    monkeypatch.setattr(services, "backend_for", lambda channel: SlowThenFails())
    outbox_deliver_due(now=now)
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENDING
    assert message.lease_until == now + timedelta(hours=1)


def test_single_message_delivery_is_idempotent(db):
    message = enqueue()
    assert outbox_deliver_one(message_id=message.pk) == OutboxStatus.SENT
    assert outbox_deliver_one(message_id=message.pk) == OutboxStatus.SENT
    assert outbox_deliver_task.call(message.pk) == OutboxStatus.SENT
    assert len(mail.outbox) == 1
    assert outbox_deliver_one(message_id=10**9) == ""


# --- Retrying a failed message -----------------------------------------------------------------


def test_retry_gives_a_failed_message_a_fresh_series(world):
    message = enqueue()
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxStatus.FAILED, attempts=8, last_error="SMTPServerDisconnected"
    )
    with pytest.raises(PermissionDenied):
        outbox_message_retry(actor=world.leader_a, message=message)
    retried = outbox_message_retry(actor=world.admin, message=message)
    assert retried.status == OutboxStatus.PENDING
    assert retried.attempts == 0
    record = AuditRecord.objects.order_by("-id").first()
    assert record.action == "notifications.outbox.retry"
    assert record.actor == world.admin
    assert record.object_id == str(message.pk)
    assert outbox_deliver_due() == 1
    assert len(mail.outbox) == 1
    with pytest.raises(ValidationFailed):
        outbox_message_retry(actor=world.admin, message=message)


def test_message_ids_are_version_7_uuids_in_time_order(db, monkeypatch):
    # Time-ordered ids keep each insert at the right edge of the outbox's unique index.
    from egov.notifications import models as outbox_models

    clock = iter([1_795_000_000_000_000_000 + i * 1_000_000 for i in range(50)])
    with monkeypatch.context() as m:
        m.delattr(outbox_models.uuid, "uuid7", raising=False)  # egov's own, on any Python
        m.setattr(outbox_models.time, "time_ns", lambda: next(clock))
        ids = [outbox_models.uuid7() for _ in range(50)]
    assert {u.version for u in ids} == {7}
    assert {u.variant for u in ids} == {uuid.RFC_4122}
    assert ids == sorted(ids)
    assert len(set(ids)) == 50
    assert ids[0].int >> 80 == 1_795_000_000_000  # the first 48 bits: Unix time in ms
    with transaction.atomic():
        [message] = services.outbox_enqueue_many(
            [services.Notification(channel="sms", recipient="0912345678", body="x")]
        )
    assert message.uuid.version == 7
