"""Admin pages for feedback categories (with their Open311 attributes) and a read-only view of
reports. Only provincial administrators change categories; each save is audited in the same
transaction (the admin wraps a change in one), like ``services.category_save``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from egov.core.services import audit_record_create
from egov.feedback.models import AttributeType, Category, CategoryAttribute, Report
from egov.organizations import permissions


def _is_province_admin(request: HttpRequest) -> bool:
    return permissions.admin_scope(request.user).everything


class CategoryAttributeForm(forms.ModelForm):
    class Meta:
        model = CategoryAttribute
        fields = [
            "code",
            "description",
            "datatype",
            "required",
            "variable",
            "order",
            "datatype_description",
            "values",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("datatype") in (AttributeType.SINGLE, AttributeType.MULTI):
            values = cleaned.get("values") or []
            if not values or not all(
                isinstance(v, dict) and str(v.get("key", "")).strip() and v.get("name")
                for v in values
            ):
                self.add_error(
                    "values",
                    _("A list needs values, each with a key and a name."),
                )
        return cleaned


class CategoryAttributeInline(admin.TabularInline):
    model = CategoryAttribute
    form = CategoryAttributeForm
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["service_code", "name", "group", "agency", "response_days", "is_active"]
    list_filter = ["is_active", "group"]
    search_fields = ["service_code", "name", "name_en", "keywords"]
    list_select_related = ["agency"]
    inlines = [CategoryAttributeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and _is_province_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _is_province_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # reports refer to it: make it inactive instead

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        category = form.instance
        audit_record_create(
            actor=request.user,
            action="feedback.category.save",
            obj=category,
            changes={
                "fields": sorted(form.changed_data),
                "attributes": category.attributes.count(),
            },
        )


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: reports change through the officers' pages (services, audit, notifications)."""

    list_display = ["public_id", "category", "agency", "status", "channel", "requested_at"]
    list_filter = ["status", "channel", "is_hidden"]
    search_fields = ["public_id"]
    list_select_related = ["category", "agency"]
    exclude = [
        "contact_name",
        "contact_email",
        "contact_phone",
        "contact_zalo_id",
        "reporter_secret",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
