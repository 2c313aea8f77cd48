"""How each channel sends a message, and the HTTP interface for SMS gateways and Zalo bridges.

``send(message)`` returns when the channel has accepted the message and raises otherwise; the
outbox (``services``) then marks the message sent, or schedules a retry. A backend is chosen
per channel by settings read at each send (``conf``):

- **email**: Django's mail API, so ``EMAIL_BACKEND`` decides (SMTP in production, the console
  when no ``EMAIL_HOST`` is set, an in-memory outbox in tests). ``subject`` and ``body`` make
  the message; ``payload["html"]``, when given, is added as an HTML alternative. The
  ``Message-ID`` is derived from the message's id, so a resent copy can be recognised.
- **sms** and **zalo** (``EGOV_SMS_BACKEND``, ``EGOV_ZALO_BACKEND``):

  - ``console`` (default): prints the message on the worker's standard output;
  - ``file``: appends one JSON line per message to ``EGOV_SMS_FILE`` / ``EGOV_ZALO_FILE``
    (default ``<data dir>/notifications/sms.jsonl``), with the fields of the HTTP body below
    plus ``"sent_at"``; for demos and tests;
  - ``http``: the interface below, which a province's SMS gateway or Zalo OA bridge
    implements.

The HTTP interface (the contract for gateway implementers)
----------------------------------------------------------

For each message, egov sends one request::

    POST <EGOV_SMS_HTTP_URL or EGOV_ZALO_HTTP_URL>
    Content-Type: application/json; charset=utf-8
    Accept: application/json
    Authorization: Bearer <EGOV_SMS_HTTP_TOKEN or EGOV_ZALO_HTTP_TOKEN>   (when a token is set)
    Idempotency-Key: <message_id>
    User-Agent: egov-notifications/1

    {
      "channel": "sms",                 # "sms" or "zalo"
      "to": "+84912345678",             # sms: a mobile number in E.164 (+84…) form
                                        # zalo: a Zalo user id, or a +84 mobile number
      "text": "Hồ sơ 000.00.04.H40-250101-0001 đã có kết quả…",   # UTF-8, not truncated
      "message_id": "6f1c0e9a-…",       # a UUID, the same on every retry of this message
      "payload": {}                     # an object: extra data from the caller (e.g. a Zalo
                                        # template id and its values); {} when none
    }

The gateway answers:

- any **2xx** status: the message is accepted; egov marks it sent and never sends it again.
  The response body is ignored.
- **anything else** (3xx, 4xx, 5xx; redirects are not followed), or no answer within
  ``EGOV_SMS_HTTP_TIMEOUT`` / ``EGOV_ZALO_HTTP_TIMEOUT`` seconds (default 10), or a
  connection error: the attempt failed, and egov retries it later with backoff (30 s, 2 min,
  8 min, 30 min, 2 h, then every 6 h) until ``EGOV_OUTBOX_MAX_ATTEMPTS`` attempts (default 8)
  have been made; then the message is ``failed`` and shown to administrators. The status and
  the first 300 characters of the body are kept as the message's last error.

Delivery is **at least once**: after a timeout or a worker crash, the same ``message_id`` may
arrive again. A gateway should remember the ids it accepted (a day is plenty) and answer 2xx
to a repeat without sending it to the citizen a second time.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any, Protocol

from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.utils import DNS_NAME
from django.utils import timezone

from egov import config
from egov.notifications import conf
from egov.notifications.models import Channel

if TYPE_CHECKING:
    from egov.notifications.models import OutboxMessage

logger = logging.getLogger("egov.notifications")

USER_AGENT = "egov-notifications/1"
HTTP_ERROR_BODY_CHARS = 300


class DeliveryError(Exception):
    """The channel did not accept the message. The outbox will try again later."""


class Backend(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


def http_body(message: OutboxMessage) -> dict[str, Any]:
    """The JSON object the http backend POSTs (and the file backend writes) for ``message``."""
    return {
        "channel": message.channel,
        "to": message.recipient,
        "text": message.body,
        "message_id": str(message.uuid),
        "payload": message.payload or {},
    }


class EmailBackend:
    def send(self, message: OutboxMessage) -> None:
        connection = get_connection(fail_silently=False, timeout=conf.email_timeout())
        email = EmailMultiAlternatives(
            subject=message.subject,
            body=message.body,
            to=[message.recipient],
            connection=connection,
            headers={"Message-ID": f"<egov-outbox-{message.uuid}@{DNS_NAME}>"},
        )
        html = (message.payload or {}).get("html")
        if html:
            email.attach_alternative(str(html), "text/html")
        if email.send() != 1:
            raise DeliveryError("the mail backend did not send the message")


class ConsoleBackend:
    def send(self, message: OutboxMessage) -> None:
        to = message.recipient
        sys.stdout.write(
            f"--- {message.channel} to {to} (message {message.uuid}) ---\n{message.body}\n"
        )
        sys.stdout.flush()


class FileBackend:
    def __init__(self, channel: str) -> None:
        self.path = conf.file_path(channel)

    def send(self, message: OutboxMessage) -> None:
        line = {**http_body(message), "sent_at": timezone.now().isoformat()}
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One write to a file opened for appending: lines from several workers do not mix.
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect would turn the POST into a GET and lose the message: treat it as an error."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class HttpBackend:
    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.url_setting = conf.channel_setting(channel, "HTTP_URL")
        self.url = conf.setting_str(self.url_setting)
        self.token = conf.setting_str(conf.channel_setting(channel, "HTTP_TOKEN"))
        self.timeout = conf.setting_float(conf.channel_setting(channel, "HTTP_TIMEOUT"), 10.0)

    def send(self, message: OutboxMessage) -> None:
        if not self.url.lower().startswith(("http://", "https://")):
            raise DeliveryError(f"{self.url_setting} must be an http:// or https:// URL")
        where = config.redact_url(self.url)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "Idempotency-Key": str(message.uuid),
            "User-Agent": USER_AGENT,
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            self.url,
            data=json.dumps(http_body(message), ensure_ascii=False).encode(),
            headers=headers,
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=self.timeout) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            detail = exc.read(HTTP_ERROR_BODY_CHARS).decode("utf-8", "replace").strip()
            raise DeliveryError(self._redact(f"HTTP {exc.code} from {where}: {detail}")) from None
        except Exception as exc:
            reason = getattr(exc, "reason", exc)
            raise DeliveryError(self._redact(f"cannot reach {where}: {reason}")) from None
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status} from {where}")

    def _redact(self, text: str) -> str:
        """``text`` without the token or a password from the URL: errors are shown to staff."""
        for secret in (self.token, urllib.parse.urlsplit(self.url).password):
            if secret:
                text = text.replace(secret, "***")
        return text.strip()


def backend_for(channel: str) -> Backend:
    """The backend that sends ``channel`` now, according to the current settings."""
    if channel == Channel.EMAIL:
        return EmailBackend()
    if channel not in (Channel.SMS, Channel.ZALO):
        raise DeliveryError(f"unknown channel {channel!r}")
    name = conf.backend_name(channel)
    if name == "console":
        return ConsoleBackend()
    if name == "file":
        return FileBackend(channel)
    if name == "http":
        return HttpBackend(channel)
    setting = conf.channel_setting(channel, "BACKEND")
    raise DeliveryError(f"{setting} must be one of {', '.join(conf.BACKEND_NAMES)}, not {name!r}")
