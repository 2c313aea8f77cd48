from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DossiersConfig(AppConfig):
    name = "egov.dossiers"
    label = "dossiers"
    verbose_name = _("Dossiers")

    def ready(self) -> None:
        from egov.core.audit import register_actions

        # The labels of the audit records the services write (shown on the audit pages).
        register_actions(
            {
                "dossiers.dossier.submit": _("Dossier submitted"),
                "dossiers.dossier.receive": _("Dossier received"),
                "dossiers.dossier.request_completion": _("Completion requested before receipt"),
                "dossiers.dossier.refuse": _("Dossier refused"),
                "dossiers.dossier.assign": _("Dossier assigned"),
                "dossiers.dossier.hand_over": _("Dossier handed over"),
                "dossiers.dossier.recall": _("Hand-over recalled"),
                "dossiers.dossier.return_step": _("Dossier returned to an earlier step"),
                "dossiers.dossier.request_supplement": _("Supplement requested"),
                "dossiers.dossier.supplement": _("Dossier supplemented"),
                "dossiers.dossier.request_payment": _("Payment requested"),
                "dossiers.dossier.confirm_payment": _("Payment confirmed"),
                "dossiers.dossier.apologize": _("Apology with a new appointment"),
                "dossiers.dossier.stop": _("Processing stopped"),
                "dossiers.dossier.request_withdrawal": _("Withdrawal requested"),
                "dossiers.dossier.approve_withdrawal": _("Withdrawal approved"),
                "dossiers.dossier.complete": _("Dossier processed"),
                "dossiers.dossier.return_result": _("Result returned"),
                "dossiers.dossier.rate": _("Service rated"),
            }
        )
