"""Workers sweeping at the same time never claim the same message (PostgreSQL)."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, connections, transaction

from egov.notifications.models import OutboxMessage, OutboxStatus
from egov.notifications.services import outbox_deliver_due, outbox_enqueue

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_sweeps_send_each_message_once(settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "real concurrent claims need PostgreSQL (the SQLite test database is in memory)"
        )
    settings.EGOV_SMS_BACKEND = "file"
    settings.EGOV_SMS_FILE = str(tmp_path / "sms.jsonl")
    with transaction.atomic():
        messages = [
            outbox_enqueue(channel="sms", recipient="0912345678", body=f"message {n}")
            for n in range(40)
        ]
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def work() -> None:
        try:
            barrier.wait()
            while outbox_deliver_due(limit=3):
                pass
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    lines = (tmp_path / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    sent_ids = sorted(json.loads(line)["message_id"] for line in lines)
    assert sent_ids == sorted(str(m.uuid) for m in messages)
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
