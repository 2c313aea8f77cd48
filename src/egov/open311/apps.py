from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "egov.open311"
    label = "open311"
    verbose_name = _("Open311 API")

    def ready(self) -> None:
        from egov.core.audit import register_actions

        register_actions(
            {
                "open311.api_client.create": _("Open311 API key issued"),
                "open311.api_client.revoke": _("Open311 API key revoked"),
            }
        )
