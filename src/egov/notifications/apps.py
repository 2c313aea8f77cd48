from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from egov.notifications.services import DeliveryReport


class NotificationsConfig(AppConfig):
    name = "egov.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from egov.notifications import checks  # noqa: F401 (registers the system checks)

    def worker_sweep(self) -> DeliveryReport:
        """Called by ``egov worker`` every ``--outbox-interval`` seconds (core depends on no
        other app, so the worker finds this method on the app config): sends every outbox
        message that is due: the only way messages are sent."""
        from egov.notifications.services import outbox_sweep

        return outbox_sweep()
