from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from egov.accounts.models import ApiToken, User
from egov.core.services import audit_record_create


class UserAddForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["full_name", "email", "phone", "kind", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff", "is_superuser"]
    search_fields = ["full_name", "email", "phone", "citizen_id", "tax_code"]
    fieldsets = (
        (None, {"fields": ("email", "phone", "password")}),
        (
            _("Person"),
            {"fields": ("full_name", "kind", "citizen_id", "organization_name", "tax_code")},
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    add_form = UserAddForm
    form = UserEditForm

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        # The admin edits accounts directly; the change is still audited in the same transaction.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record_create(
                actor=request.user,
                action="accounts.user.admin_change" if change else "accounts.user.admin_create",
                obj=obj,
                changes={"fields": sorted(form.changed_data)},
            )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "key_hash",
        "created_at",
        "expires_at",
        "last_used_at",
    ]
    search_fields = ["name", "user__email", "prefix"]
