"""Admin pages for administrators: the outbox, read-only, with a retry for failed messages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egov.core.errors import EgovError
from egov.notifications import services
from egov.notifications.models import OutboxMessage, OutboxStatus


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: messages change only through the outbox services."""

    list_display = [
        "id",
        "created_at",
        "channel",
        "recipient",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "object_type",
        "object_id",
    ]
    list_filter = ["status", "channel"]
    search_fields = ["recipient", "subject", "object_id", "dedupe_key", "last_error"]
    date_hierarchy = "created_at"
    ordering = ["-id"]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    @admin.action(
        description=gettext_lazy("Retry the selected failed messages now"),
        permissions=["retry"],
    )
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        retried = 0
        for message in queryset.filter(status=OutboxStatus.FAILED).order_by("pk"):
            try:
                services.outbox_message_retry(actor=request.user, message=message)
            except EgovError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return
            retried += 1
        skipped = queryset.count() - retried
        self.message_user(
            request,
            _(
                "Messages to send again: %(retried)s. Left alone, as they had not failed: %(skipped)s."
            )
            % {"retried": retried, "skipped": skipped},
            messages.SUCCESS if retried else messages.WARNING,
        )
