"""Delivery end to end: ``egov worker``, ``egov outbox`` and the admin."""

from __future__ import annotations

import io
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from egov.core.management.commands.worker import SweepThread, run_sweeps
from egov.notifications.models import OutboxMessage, OutboxStatus
from egov.notifications.services import outbox_enqueue
from egov.notifications.tasks import outbox_deliver_task
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def enqueue(recipient: str = "citizen@example.com") -> OutboxMessage:
    with transaction.atomic():
        return outbox_enqueue(
            channel="email", recipient=recipient, subject="Result", body="Your dossier is ready."
        )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_worker_batch_sends_a_due_message_once():
    message = enqueue()
    assert not DBTaskResult.objects.exists()  # the outbox is the queue
    run("worker", "--batch", "--interval", "0")
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert len(mail.outbox) == 1
    run("worker", "--batch", "--interval", "0")
    assert len(mail.outbox) == 1  # once


def test_a_task_queued_by_an_older_egov_still_delivers_its_message():
    message = enqueue()
    outbox_deliver_task.enqueue(message.pk)  # what each enqueue did before session 6
    run("db_worker", "--batch", "--interval", "0", "--no-startup-delay")
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    task = DBTaskResult.objects.get()
    assert task.status == TaskResultStatus.SUCCESSFUL
    assert task.return_value == OutboxStatus.SENT
    assert len(mail.outbox) == 1


def test_an_idle_sweep_only_reads():
    """Sweeping every second must not take SQLite's write lock when nothing is due."""
    with CaptureQueriesContext(connection) as queries:
        run_sweeps()
    assert queries.captured_queries  # it did look
    assert all(q["sql"].startswith("SELECT") for q in queries.captured_queries), [
        q["sql"][:60] for q in queries.captured_queries
    ]


def test_sweep_thread_sends_while_the_worker_runs():
    message = enqueue()
    sweeper = SweepThread(0.05)
    sweeper.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT:
                break
            time.sleep(0.05)
    finally:
        sweeper.stopping.set()
        sweeper.join(10)
    assert not sweeper.is_alive()
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT
    assert len(mail.outbox) == 1


def test_outbox_command_sends_lists_and_retries(settings):
    enqueue()
    enqueue("second@example.com")
    out = run("outbox", "list")
    assert "pending 2" in out
    assert "2 pending messages are due" in out
    assert "Sent 2, to retry later 0, failed 0." in run("outbox", "send")

    settings.EGOV_SMS_BACKEND = "broken"
    settings.EGOV_OUTBOX_MAX_ATTEMPTS = 1
    with transaction.atomic():
        sms = outbox_enqueue(channel="sms", recipient="0912345678", body="Hồ sơ đã có kết quả.")
    assert "Sent 0, to retry later 0, failed 1." in run("outbox", "send")
    out = run("outbox", "list")
    assert "sent 2" in out and "failed 1" in out
    assert f"#{sms.pk} failed sms → +84912345678" in out
    assert "EGOV_SMS_BACKEND must be one of" in out

    with pytest.raises(CommandError):
        run("outbox", "retry")
    with pytest.raises(CommandError, match="No failed message numbered"):
        run("outbox", "retry", str(sms.pk + 100))
    settings.EGOV_SMS_BACKEND = "console"
    assert "1 messages will be sent again." in run("outbox", "retry", "--all-failed")
    assert "Sent 1" in run("outbox", "send")
    assert OutboxMessage.objects.get(pk=sms.pk).status == OutboxStatus.SENT


def test_admin_lists_messages_read_only_and_retries_failed_ones(client):
    superuser = factories.user(is_staff=True, is_superuser=True)
    failed = enqueue()
    sent = enqueue("second@example.com")
    OutboxMessage.objects.filter(pk=failed.pk).update(
        status=OutboxStatus.FAILED, attempts=8, last_error="SMTPServerDisconnected"
    )
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT)
    client.force_login(superuser)
    changelist = reverse("admin:notifications_outboxmessage_changelist")
    page = client.get(changelist, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "citizen@example.com" in page.content.decode()
    assert client.get(reverse("admin:notifications_outboxmessage_add")).status_code == 403
    response = client.post(
        changelist,
        {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
        follow=True,
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert failed.status == OutboxStatus.PENDING
    assert failed.attempts == 0
    assert OutboxMessage.objects.get(pk=sent.pk).status == OutboxStatus.SENT
