"""The Zalo webhook, over real HTTP (a live server), as the province's Zalo bridge calls it."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request

import pytest

from egov.feedback.models import Channel, Report
from egov.feedback.zalo import signature
from tests.feedback.conftest import jpeg_with_gps

SECRET = "zalo-test-secret"

pytestmark = pytest.mark.django_db(transaction=True)


def _post(url: str, payload: object, *, secret: str = SECRET, timestamp: int | None = None):
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-Egov-Timestamp": stamp,
            "X-Egov-Signature": signature(secret, stamp, body),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _payload(**kw: object) -> dict:
    payload = {
        "message_id": "msg-1",
        "sender": {"id": "8123456789", "name": "Trần Thị B"},
        "service_code": "street-light",
        "text": "Đèn đường trước nhà văn hoá tắt 3 ngày",
        "location": {"lat": 16.47, "long": 107.6},
        "photos": [{"name": "z.jpg", "content_base64": base64.b64encode(jpeg_with_gps()).decode()}],
    }
    payload.update(kw)
    return payload


def test_signed_message_becomes_a_report_once(live_server, fb, settings) -> None:
    settings.EGOV_ZALO_WEBHOOK_SECRET = SECRET
    url = live_server.url + "/feedback/zalo/webhook/"
    status, body = _post(url, _payload())
    assert status == 201, body
    report = Report.objects.get()
    assert report.channel == Channel.ZALO and report.contact_zalo_id == "8123456789"
    assert report.photos.count() == 1 and report.agency == fb.world.b
    assert body["service_request_id"] == report.public_id
    assert body["tracking_code"] == report.reporter_secret
    # the bridge retries: the same report, not a second one
    status, again = _post(url, _payload())
    assert status == 200 and again["service_request_id"] == report.public_id
    assert Report.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "status"),
    [
        ({"secret": "wrong"}, 401),
        ({"timestamp": 1_000_000_000}, 401),
    ],
)
def test_bad_signature_or_old_timestamp_refused(live_server, fb, settings, kwargs, status) -> None:
    settings.EGOV_ZALO_WEBHOOK_SECRET = SECRET
    got, body = _post(live_server.url + "/feedback/zalo/webhook/", _payload(), **kwargs)
    assert got == status and body["error"]["code"] == "bad_signature"
    assert Report.objects.count() == 0


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"service_code": "nope"}, "service_code"),
        ({"location": None}, "location"),
        (
            {"photos": [{"name": "a.jpg", "content_base64": base64.b64encode(b"GIF89a").decode()}]},
            "photos[0]",
        ),
        ({"message_id": ""}, "message_id"),
    ],
)
def test_bad_input_is_400_and_nothing_saved(live_server, fb, settings, payload, field) -> None:
    settings.EGOV_ZALO_WEBHOOK_SECRET = SECRET
    status, body = _post(live_server.url + "/feedback/zalo/webhook/", _payload(**payload))
    assert status == 400 and field in body["error"]["fields"]
    assert Report.objects.count() == 0


def test_unconfigured_webhook_answers_503(live_server, fb, settings) -> None:
    settings.EGOV_ZALO_WEBHOOK_SECRET = ""
    status, body = _post(live_server.url + "/feedback/zalo/webhook/", _payload())
    assert status == 503 and body["error"]["code"] == "not_configured"
    assert Report.objects.count() == 0
