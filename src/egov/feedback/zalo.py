"""The Zalo adapter: reports sent by citizens to the province's Zalo Official Account.

egov does not talk to Zalo's servers itself. A bridge (the province's Zalo OA integration)
receives the citizen's messages, collects the category, text, location and photos, and posts
one report to this webhook. docs/feedback-zalo-webhook.md is the contract; in short:

``POST /feedback/zalo/webhook/`` with a JSON body and two headers:

- ``X-Egov-Timestamp``: the Unix time of sending, in seconds (refused when more than 5 minutes
  from egov's clock: replays of an old request fail);
- ``X-Egov-Signature``: ``sha256=`` + the hex HMAC-SHA256 of ``<timestamp>.<raw body>`` with
  the shared secret ``EGOV_ZALO_WEBHOOK_SECRET``.

Answers: 201 with the report (``service_request_id``, ``status``, ``expected_datetime``,
``tracking_code``); 200 with the same for a ``message_id`` already received (the bridge may
retry safely); 400 with ``{"error": {…, "fields": {…}}}`` for bad input (nothing saved); 401
for a missing or wrong signature or an old timestamp; 503 while no secret is configured.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egov.core.errors import EgovError, ValidationFailed
from egov.feedback import services
from egov.feedback.models import Channel, Report
from egov.feedback.photos import PhotoUpload

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 40 * 1024 * 1024
TOKEN_PREFIX = "zalo:"


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Egov-Signature`` value of ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _error(status: int, code: str, message: str, fields: Any = None) -> JsonResponse:
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}},
        status=status,
    )


def _answer(report: Report, status: int) -> JsonResponse:
    return JsonResponse(
        {
            "service_request_id": report.public_id,
            "status": report.status,
            "expected_datetime": report.expected_at.isoformat(),
            "tracking_code": report.reporter_secret,
        },
        status=status,
    )


def _verified(request: HttpRequest, secret: str) -> bool:
    timestamp = request.headers.get("X-Egov-Timestamp", "")
    given = request.headers.get("X-Egov-Signature", "")
    try:
        skew = abs(time.time() - int(timestamp))
    except ValueError:
        return False
    if skew > MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(given, signature(secret, timestamp, request.body))


def _photos(raw: Any) -> list[PhotoUpload]:
    if raw in (None, ""):
        return []
    if not isinstance(raw, list):
        raise ValidationFailed(fields={"photos": [_("A list of photos was expected.")]})
    photos = []
    for i, item in enumerate(raw):
        try:
            content = base64.b64decode(item["content_base64"], validate=True)
            name = str(item.get("name") or f"photo-{i}.jpg")
        except (KeyError, TypeError, ValueError, binascii.Error):
            raise ValidationFailed(
                fields={f"photos[{i}]": [_("Each photo needs content_base64.")]}
            ) from None
        photos.append(PhotoUpload(name, content))
    return photos


def _object(payload: dict[str, Any], key: str) -> dict[str, Any]:
    value = payload.get(key)
    return value if isinstance(value, dict) else {}


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    secret = getattr(settings, "EGOV_ZALO_WEBHOOK_SECRET", "")
    if not secret:
        return _error(503, "not_configured", _("The Zalo webhook is not configured."))
    if len(request.body) > MAX_BODY_BYTES:
        return _error(400, "too_large", _("The request is too large."))
    if not _verified(request, secret):
        return _error(401, "bad_signature", _("The signature is missing or wrong."))
    try:
        payload = json.loads(request.body)
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        return _error(400, "invalid", _("The body must be a JSON object."))
    message_id = str(payload.get("message_id") or "").strip()
    if not message_id or len(message_id) > 64 - len(TOKEN_PREFIX):
        return _error(
            400,
            "invalid",
            _("Some of the values given are not valid."),
            {"message_id": [_("A message id of at most 59 characters is required.")]},
        )
    token = TOKEN_PREFIX + message_id
    existing = Report.objects.filter(token=token, channel=Channel.ZALO).first()
    if existing is not None:
        return _answer(existing, 200)
    sender = _object(payload, "sender")
    location = _object(payload, "location")
    attributes = _object(payload, "attributes")
    try:
        report = services.report_create(
            actor=None,
            channel=Channel.ZALO,
            service_code=str(payload.get("service_code") or ""),
            description=str(payload.get("text") or ""),
            address=str(payload.get("address") or ""),
            lat=location.get("lat"),
            long=location.get("long"),
            photos=_photos(payload.get("photos")),
            contact=services.Contact(
                name=str(sender.get("name") or ""),
                phone=str(sender.get("phone") or ""),
                zalo_id=str(sender.get("id") or ""),
            ),
            attributes=attributes,
            source="zalo",
            token=token,
        )
    except EgovError as exc:
        if exc.code == "duplicate_token":  # the same message, received at the same moment
            return _answer(Report.objects.get(token=token), 200)
        return _error(exc.status, exc.code, exc.message, exc.fields)
    return _answer(report, 201)
