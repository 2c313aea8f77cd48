from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "egov.procedures"
    label = "procedures"
    verbose_name = _("Procedures")

    def ready(self) -> None:
        from egov.core.audit import register_actions

        register_actions(
            {
                "procedures.procedure.create": _("Procedure created"),
                "procedures.procedure.update": _("Procedure changed"),
                "procedures.procedure.publish": _("Procedure published"),
                "procedures.procedure.withdraw": _("Procedure withdrawn"),
                "procedures.sector.create": _("Sector created"),
                "procedures.sector.update": _("Sector changed"),
            }
        )
