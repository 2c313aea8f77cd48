from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _audit_chains_ensure(using: str = "default", **kwargs: Any) -> None:
    from egov.core.services import audit_chain_heads_ensure

    audit_chain_heads_ensure(using=using)


class CoreConfig(AppConfig):
    name = "egov.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # After every migrate (and flush): the audit chains' heads exist, as many as configured.
        post_migrate.connect(_audit_chains_ensure, sender=self)
        from egov.core.db import native_timestamptz_loader

        connection_created.connect(native_timestamptz_loader)

    _last_cleanup: float = 0.0

    def worker_sweep(self) -> Any:
        """Called by ``egov worker`` every second: at most once an hour, deletes the uploads
        kept for forms shown again with errors that are too old to be used
        (``core.uploads.pending_uploads_cleanup``)."""
        import time

        from egov.core.uploads import pending_uploads_cleanup

        now = time.monotonic()
        if self._last_cleanup and now - self._last_cleanup < 3600:
            return None
        self._last_cleanup = now
        return pending_uploads_cleanup()
