from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "egov.feedback"
    label = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self) -> None:
        from egov.core.audit import register_actions

        register_actions(
            {
                "feedback.report.create": _("Feedback report received"),
                "feedback.report.status": _("Feedback report status changed"),
                "feedback.report.respond": _("Feedback report answered"),
                "feedback.report.note": _("Internal note added to a report"),
                "feedback.report.client_update": _("Update received from an Open311 client"),
                "feedback.report.assign": _("Feedback report assigned"),
                "feedback.report.transfer": _("Feedback report transferred"),
                "feedback.report.moderate": _("Feedback report moderated"),
                "feedback.report.redact_photo": _("Photo of a report redacted"),
                "feedback.report.duplicate": _("Report marked as a duplicate"),
                "feedback.report.reopen": _("Feedback report reopened"),
                "feedback.report.rate": _("Response rated"),
                "feedback.category.save": _("Feedback category saved"),
            }
        )
