from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "egov.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from egov.dossiers.models import DossierRating
        from egov.stats import services

        # A rating is written by dossiers.services.dossier_rate, which does not pass through
        # the transitions' _finish: the saved rating queues its dossier here instead.
        post_save.connect(
            services.rating_saved, sender=DossierRating, dispatch_uid="stats.rating_saved"
        )

    def worker_sweep(self) -> Any:
        """Called by ``egov worker`` every second: folds the queued dossier changes into
        the facts and rollups."""
        from egov.stats.services import queue_drain

        return queue_drain()
