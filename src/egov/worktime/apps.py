from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorktimeConfig(AppConfig):
    name = "egov.worktime"
    label = "worktime"
    verbose_name = _("Working-time calendar")

    def ready(self) -> None:
        from egov.core.audit import register_actions

        register_actions(
            {
                "worktime.exception.create": _("Calendar exception added"),
                "worktime.exception.delete": _("Calendar exception removed"),
                "worktime.settings.update": _("Office hours changed"),
            }
        )
