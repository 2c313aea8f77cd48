"""System checks (``egov check``): a misconfigured channel is reported at start-up, not when
the first message fails."""

from __future__ import annotations

from typing import Any

from django.core import checks

from egov import config
from egov.notifications import conf
from egov.notifications.models import Channel


@checks.register()
def check_channel_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    try:
        conf.max_attempts()
        conf.lease_seconds()
        for channel in (Channel.SMS, Channel.ZALO):
            setting = conf.channel_setting(channel, "BACKEND")
            name = conf.backend_name(channel)
            if name not in conf.BACKEND_NAMES:
                problems.append(
                    checks.Error(
                        f"{setting} must be one of {', '.join(conf.BACKEND_NAMES)}, not {name!r}",
                        id="egov.notifications.E001",
                    )
                )
            elif name == "http":
                url_setting = conf.channel_setting(channel, "HTTP_URL")
                url = conf.setting_str(url_setting)
                if not url.lower().startswith(("http://", "https://")):
                    problems.append(
                        checks.Error(
                            f"{setting} is http, so {url_setting} must be an http(s) URL",
                            id="egov.notifications.E002",
                        )
                    )
                conf.setting_float(conf.channel_setting(channel, "HTTP_TIMEOUT"), 10.0)
    except config.ConfigurationError as exc:
        problems.append(checks.Error(str(exc), id="egov.notifications.E003"))
    return problems
