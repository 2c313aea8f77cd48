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
