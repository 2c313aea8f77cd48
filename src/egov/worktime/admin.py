"""Admin pages for the calendar. Saving and deleting go through the services, as elsewhere."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from egov.organizations import permissions
from egov.worktime import selectors, services
from egov.worktime.models import CalendarException, CalendarSettings


def _is_province_admin(request: HttpRequest) -> bool:
    return permissions.admin_scope(request.user).everything


class CalendarExceptionForm(forms.ModelForm):
    class Meta:
        model = CalendarException
        fields = ["date", "kind", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        errors = services.calendar_exception_errors(
            day=cleaned.get("date"),
            kind=cleaned.get("kind") or "",
            reason=cleaned.get("reason") or "",
        )
        for name, messages in errors.items():
            if name not in self.errors:
                for message in messages:
                    self.add_error(name, message)
        return cleaned


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    form = CalendarExceptionForm
    list_display = ["date", "kind", "reason", "created_by", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["reason"]
    list_select_related = ["created_by"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) and _is_province_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An exception is deleted and added again rather than edited.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and _is_province_admin(request)

    def save_model(
        self, request: HttpRequest, obj: CalendarException, form: Any, change: bool
    ) -> None:
        created = services.calendar_exception_create(
            actor=request.user, date=obj.date, kind=obj.kind, reason=obj.reason
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: CalendarException) -> None:
        services.calendar_exception_delete(actor=request.user, exception=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for exception in queryset:
            services.calendar_exception_delete(actor=request.user, exception=exception)


class CalendarSettingsForm(forms.ModelForm):
    class Meta:
        model = CalendarSettings
        fields = services.SETTINGS_FIELDS

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            for name, messages in services.calendar_settings_errors(cleaned).items():
                for message in messages:
                    self.add_error(name, message)
        return cleaned


@admin.register(CalendarSettings)
class CalendarSettingsAdmin(admin.ModelAdmin):
    """One page: the office hours (the defaults until first saved)."""

    form = CalendarSettingsForm
    fields = tuple(services.SETTINGS_FIELDS)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_change_permission(request, obj) and _is_province_admin(request)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:worktime_calendarsettings_change", args=[1]))

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> CalendarSettings | None:
        return selectors.calendar_settings_get() if str(object_id) == "1" else None

    def save_model(
        self, request: HttpRequest, obj: CalendarSettings, form: Any, change: bool
    ) -> None:
        saved = services.calendar_settings_update(
            actor=request.user, **{name: getattr(obj, name) for name in services.SETTINGS_FIELDS}
        )
        obj.pk = saved.pk
