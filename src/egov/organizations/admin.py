"""Admin pages for administrators. Saving goes through the services, as everywhere else."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from egov.organizations import services
from egov.organizations.models import (
    AdministrativeLevel,
    AdministrativeUnit,
    Agency,
    AgencyType,
    StaffAssignment,
)


@admin.register(AdministrativeLevel)
class AdministrativeLevelAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "rank"]


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "level", "parent"]
    list_filter = ["level", "division_type"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["level", "parent"]
    raw_id_fields = ["parent"]


@admin.register(AgencyType)
class AgencyTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "level", "is_internal_unit", "order"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "type", "parent", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["name", "code", "short_name"]
    list_select_related = ["type", "parent"]
    raw_id_fields = ["parent", "administrative_unit"]

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        if change:
            values = {name: getattr(obj, name) for name in services.AGENCY_EDITABLE_FIELDS}
            fresh = Agency.objects.get(pk=obj.pk)
            services.agency_update(actor=request.user, agency=fresh, **values)
        else:
            created = services.agency_create(
                actor=request.user,
                code=obj.code,
                name=obj.name,
                type=obj.type,
                parent=obj.parent,
                administrative_unit=obj.administrative_unit,
                short_name=obj.short_name,
                address=obj.address,
                phone=obj.phone,
                email=obj.email,
                website=obj.website,
            )
            obj.pk = created.pk

    def get_readonly_fields(self, request: HttpRequest, obj: Agency | None = None) -> list[str]:
        # Code, type and place in the tree are set at creation; moving agencies is not built yet.
        return ["code", "type", "parent", "administrative_unit", "is_active"] if obj else []


@admin.register(StaffAssignment)
class StaffAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "agency", "role", "title", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "agency__name", "agency__code"]
    raw_id_fields = ["user", "agency"]
    list_select_related = ["user", "agency"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: StaffAssignment, form: Any, change: bool
    ) -> None:
        created = services.staff_role_assign(
            actor=request.user, user=obj.user, agency=obj.agency, role=obj.role, title=obj.title
        )
        obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: StaffAssignment) -> None:
        services.staff_role_remove(actor=request.user, assignment=obj)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for assignment in queryset:
            services.staff_role_remove(actor=request.user, assignment=assignment)
