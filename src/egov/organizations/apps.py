from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OrganizationsConfig(AppConfig):
    name = "egov.organizations"
    label = "organizations"
    verbose_name = pgettext_lazy("app", "Organizations")

    def ready(self) -> None:
        from egov.core.audit import register_actions

        register_actions(
            {
                "organizations.agency.create": _("Agency created"),
                "organizations.agency.update": _("Agency details changed"),
                "organizations.staff.assign": _("Staff role assigned"),
                "organizations.staff.remove": _("Staff role removed"),
                "organizations.divisions.load": _("Administrative divisions loaded"),
            }
        )
