from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "egov.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from egov.core.audit import register_actions

        register_actions(
            {
                "accounts.user.register": _("Account registered"),
                "accounts.user.create_staff": _("Staff account created"),
                "accounts.user.admin_create": _("Account created by an administrator"),
                "accounts.user.admin_change": _("Account changed by an administrator"),
                "accounts.api_token.create": _("API token created"),
                "accounts.api_token.revoke": _("API token revoked"),
            }
        )
