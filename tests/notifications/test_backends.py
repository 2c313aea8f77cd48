"""The channels' backends: console, file and the documented HTTP interface."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from egov.notifications.models import OutboxMessage, OutboxStatus
from egov.notifications.services import BACKOFF, outbox_deliver_due, outbox_enqueue

TEXT = "Hồ sơ 000.00.04.H40-250101-0001 đã có kết quả. Mời ông/bà đến nhận."


def enqueue(channel: str = "sms", recipient: str = "0912345678", **kwargs) -> OutboxMessage:
    with transaction.atomic():
        return outbox_enqueue(channel=channel, recipient=recipient, body=TEXT, **kwargs)


def test_console_is_the_default_for_sms_and_zalo(db, capsys):
    enqueue()
    enqueue(channel="zalo", recipient="4153263985521234567")
    assert outbox_deliver_due() == 2
    out = capsys.readouterr().out
    assert "sms to +84912345678" in out
    assert "zalo to 4153263985521234567" in out
    assert TEXT in out
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_file_backend_appends_one_json_line_per_message(db, settings, tmp_path):
    settings.EGOV_SMS_BACKEND = "file"
    settings.EGOV_SMS_FILE = str(tmp_path / "out" / "sms.jsonl")
    first = enqueue(payload={"dossier": "000.00.04.H40-250101-0001"})
    second = enqueue(recipient="+84987654321")
    assert outbox_deliver_due() == 2
    lines = (tmp_path / "out" / "sms.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    record = json.loads(lines[0])
    assert record["channel"] == "sms"
    assert record["to"] == "+84912345678"
    assert record["text"] == TEXT
    assert record["message_id"] == str(first.uuid)
    assert record["payload"] == {"dossier": "000.00.04.H40-250101-0001"}
    assert "sent_at" in record
    assert json.loads(lines[1])["message_id"] == str(second.uuid)


def test_file_backend_defaults_to_the_data_directory(db, settings, tmp_path):
    settings.EGOV_ZALO_BACKEND = "file"
    settings.DATA_DIR = tmp_path
    enqueue(channel="zalo", recipient="4153263985521234567")
    outbox_deliver_due()
    line = (tmp_path / "notifications" / "zalo.jsonl").read_text(encoding="utf-8")
    assert json.loads(line)["to"] == "4153263985521234567"


def test_http_backend_posts_the_documented_request(db, settings, gateway):
    settings.EGOV_SMS_BACKEND = "http"
    settings.EGOV_SMS_HTTP_URL = gateway.url
    settings.EGOV_SMS_HTTP_TOKEN = "gw-secret"
    message = enqueue(payload={"template": "dossier-result"})
    assert outbox_deliver_due() == 1
    [request] = gateway.requests
    assert request["path"] == "/sms"
    headers = request["headers"]
    assert headers["authorization"] == "Bearer gw-secret"
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["idempotency-key"] == str(message.uuid)
    assert request["body"] == {
        "channel": "sms",
        "to": "+84912345678",
        "text": TEXT,
        "message_id": str(message.uuid),
        "payload": {"template": "dossier-result"},
    }
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_zalo_uses_its_own_gateway_settings(db, settings, gateway):
    settings.EGOV_ZALO_BACKEND = "http"
    settings.EGOV_ZALO_HTTP_URL = gateway.url.replace("/sms", "/zalo")
    enqueue(channel="zalo", recipient="4153263985521234567")
    assert outbox_deliver_due() == 1
    [request] = gateway.requests
    assert request["path"] == "/zalo"
    assert "authorization" not in request["headers"]  # no token configured
    assert request["body"]["channel"] == "zalo"


def test_server_error_is_retried_with_backoff_then_sent(db, settings, gateway):
    settings.EGOV_SMS_BACKEND = "http"
    settings.EGOV_SMS_HTTP_URL = gateway.url
    gateway.statuses = [500]
    message = enqueue()
    now = timezone.now()
    assert outbox_deliver_due(now=now) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at == now + timedelta(seconds=30)
    assert message.last_error.startswith("DeliveryError: HTTP 500 from http://127.0.0.1:")
    assert "gateway overloaded" in message.last_error
    # The next sweep, once the 30 seconds have passed, delivers it.
    assert outbox_deliver_due(now=now + BACKOFF[0]) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.attempts == 2
    assert message.last_error == ""
    ids = [r["body"]["message_id"] for r in gateway.requests]
    assert ids == [str(message.uuid)] * 2  # the gateway can recognise the repeat


@pytest.mark.parametrize("status", [301, 404])
def test_other_answers_than_2xx_are_errors(db, settings, gateway, status):
    settings.EGOV_SMS_BACKEND = "http"
    settings.EGOV_SMS_HTTP_URL = gateway.url
    gateway.statuses = [status]
    message = enqueue()
    outbox_deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert f"HTTP {status}" in message.last_error


def test_unreachable_gateway_is_an_error_without_the_token_in_it(db, settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings.EGOV_SMS_BACKEND = "http"
    settings.EGOV_SMS_HTTP_URL = f"http://user:pw-secret@127.0.0.1:{port}/sms"
    settings.EGOV_SMS_HTTP_TOKEN = "gw-secret"
    settings.EGOV_SMS_HTTP_TIMEOUT = 2
    message = enqueue()
    outbox_deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.PENDING
    assert "cannot reach" in message.last_error
    assert "secret" not in message.last_error


def test_misconfigured_channels_fail_the_system_check(settings):
    settings.EGOV_SMS_BACKEND = "pigeon"
    settings.EGOV_ZALO_BACKEND = "http"
    settings.EGOV_ZALO_HTTP_URL = ""
    from egov.notifications.checks import check_channel_settings

    ids = {problem.id for problem in check_channel_settings()}
    assert ids == {"egov.notifications.E001", "egov.notifications.E002"}
    settings.EGOV_SMS_BACKEND = "console"
    settings.EGOV_ZALO_BACKEND = "console"
    call_command("check")
