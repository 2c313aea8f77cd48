from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from egov.open311.models import ApiClient


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    """Read-only: keys are issued and revoked on the staff page or with ``egov open311``,
    through the services, so that each change is audited and the key shown only once."""

    list_display = ["name", "prefix", "contact", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "contact", "prefix"]
    readonly_fields = [f.name for f in ApiClient._meta.fields if f.name != "key_hash"]
    exclude = ["key_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
