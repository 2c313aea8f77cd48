"""Admin pages for the catalog. The catalog is edited by import (Excel, CSV, JSON) and the
API, which validate a whole procedure at once; here administrators browse it and may
publish or withdraw a procedure."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from egov.core.services import audit_record_create
from egov.procedures.models import (
    Procedure,
    ProcedureComponent,
    ProcedureFee,
    ProcedureStep,
    Sector,
)


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "order"]
    readonly_fields = ["code"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Sector, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record_create(
                actor=request.user,
                action="procedures.sector.update",
                obj=obj,
                changes={"fields": sorted(form.changed_data)},
            )


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FeeInline(ReadOnlyInline):
    model = ProcedureFee
    fields = ["name", "amount", "note"]


class ComponentInline(ReadOnlyInline):
    model = ProcedureComponent
    fields = ["name", "originals", "copies", "mandatory", "form"]


class StepInline(ReadOnlyInline):
    model = ProcedureStep
    fields = ["name", "handler", "role", "duration"]


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "sector",
        "level",
        "processing_time",
        "time_unit",
        "online_type",
        "is_published",
    ]
    list_filter = ["sector", "level", "online_type", "is_published"]
    search_fields = ["code", "name", "name_folded"]
    list_select_related = ["sector", "level"]
    inlines = [FeeInline, ComponentInline, StepInline]
    EDITABLE = "is_published"
    fields = ["is_published", "code", "name", "name_en", "sector", "level", "implementing_agency_type",
              "implementing_agency", "receiving_agency", "processing_time", "time_unit", "online_type",
              "conditions", "legal_basis", "result", "description", "version"]  # fmt: skip

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [str(f) for f in self.fields or () if f != self.EDITABLE]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        with transaction.atomic():
            obj.save(update_fields=["is_published", "updated_at"])
            audit_record_create(
                actor=request.user,
                action="procedures.procedure.publish"
                if obj.is_published
                else "procedures.procedure.withdraw",
                obj=obj,
                agency_id=obj.implementing_agency_id,
                changes={"is_published": obj.is_published},
            )
