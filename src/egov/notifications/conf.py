"""The notification settings, read each time they are used (so tests may override them).

Each one is the Django setting of that name when ``egov.settings`` defines it, otherwise the
environment variable of the same name, otherwise the default:

=========================  ======================================================  =========
name                       meaning                                                 default
=========================  ======================================================  =========
EGOV_SMS_BACKEND           ``console``, ``file`` or ``http``                       console
EGOV_ZALO_BACKEND          ``console``, ``file`` or ``http``                       console
EGOV_SMS_FILE              the file backend's JSON-lines file                      *
EGOV_ZALO_FILE             the file backend's JSON-lines file                      *
EGOV_SMS_HTTP_URL          where the http backend POSTs (the gateway)              (none)
EGOV_SMS_HTTP_TOKEN        sent as ``Authorization: Bearer <token>``               (none)
EGOV_SMS_HTTP_TIMEOUT      seconds to wait for the gateway's answer                10
EGOV_ZALO_HTTP_URL         as above, for the Zalo OA bridge                        (none)
EGOV_ZALO_HTTP_TOKEN                                                               (none)
EGOV_ZALO_HTTP_TIMEOUT                                                             10
EGOV_OUTBOX_MAX_ATTEMPTS   attempts before a message is marked ``failed``          8
EGOV_OUTBOX_LEASE_SECONDS  how long a worker owns a message it is sending          300
=========================  ======================================================  =========

\\* ``<EGOV_DATA_DIR>/notifications/sms.jsonl`` and ``…/zalo.jsonl``.

Email goes through Django's own settings: ``EMAIL_BACKEND`` (SMTP when ``EMAIL_HOST`` is set),
``DEFAULT_FROM_EMAIL`` and ``EMAIL_TIMEOUT`` (30 seconds when unset, so that a hung mail
server cannot outlast the lease).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from egov import config

BACKEND_NAMES = ("console", "file", "http")


def _raw(name: str) -> object | None:
    value = getattr(settings, name, None)
    if value is None:
        value = config.env_str(name) or None
    return value


def setting_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else str(value).strip()


def setting_float(name: str, default: float) -> float:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise config.ConfigurationError(f"{name} must be a number, not {value!r}") from None


def setting_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise config.ConfigurationError(f"{name} must be a whole number, not {value!r}") from None


def channel_setting(channel: str, suffix: str) -> str:
    """E.g. ``channel_setting("sms", "HTTP_URL")`` is the name ``EGOV_SMS_HTTP_URL``."""
    return f"EGOV_{channel.upper()}_{suffix}"


def backend_name(channel: str) -> str:
    return setting_str(channel_setting(channel, "BACKEND"), "console").lower()


def file_path(channel: str) -> Path:
    configured = setting_str(channel_setting(channel, "FILE"))
    if configured:
        return Path(configured).expanduser()
    return Path(settings.DATA_DIR) / "notifications" / f"{channel}.jsonl"


def max_attempts() -> int:
    return max(1, setting_int("EGOV_OUTBOX_MAX_ATTEMPTS", 8))


def lease_seconds() -> int:
    return max(1, setting_int("EGOV_OUTBOX_LEASE_SECONDS", 300))


def email_timeout() -> float:
    return float(getattr(settings, "EMAIL_TIMEOUT", None) or 30)
