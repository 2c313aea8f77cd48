"""Writes of the procedure catalog."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.services import audit_record_create
from egov.organizations.models import AdministrativeLevel, Agency, AgencyType
from egov.procedures.catalog import (
    CatalogIssue,
    ComponentData,
    FeeData,
    ProcedureData,
    References,
    SectorData,
    StepData,
    validate_procedure,
)
from egov.procedures.exchange import CatalogSource
from egov.procedures.models import (
    Procedure,
    ProcedureComponent,
    ProcedureFee,
    ProcedureStep,
    Sector,
)
from egov.procedures.permissions import can_edit_procedures_of
from egov.procedures.search_text import folded

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User


@transaction.atomic
def sector_save(*, actor: User | AnonymousUser | None, data: SectorData) -> Sector:
    sector, created = Sector.objects.update_or_create(
        code=data.code, defaults={"name": data.name, "name_en": data.name_en}
    )
    audit_record_create(
        actor=actor,
        action="procedures.sector.create" if created else "procedures.sector.update",
        obj=sector,
        changes={"name": sector.name},
    )
    return sector


def _search_body(procedure: Procedure, data: ProcedureData) -> str:
    parts = [
        procedure.code,
        procedure.name_en,
        procedure.sector.name,
        procedure.sector.name_en,
        procedure.implementing_agency.name if procedure.implementing_agency else "",
        procedure.implementing_agency_type.name,
        procedure.result,
        procedure.description,
        *(c.name for c in data.components),
    ]
    return folded(" ".join(p for p in parts if p))


@transaction.atomic
def procedure_save(
    *,
    actor: User | AnonymousUser | None,
    data: ProcedureData,
    form_files: Mapping[str, bytes] | None = None,
    refs: References | None = None,
    check_permission: bool = True,
) -> Procedure:
    """Create or update the procedure ``data.code`` with its fees, components and steps.

    The lists in ``data`` replace the stored ones. ``form_files`` maps a component's ``form``
    name to the file's bytes; a component naming a form that is not given keeps the file
    already stored under that name. Raises ValidationFailed listing every problem.
    """
    form_files = form_files or {}
    refs = refs or References.load(form_files=form_files.keys())
    issues = validate_procedure(data, refs)
    if issues:
        fields: dict[str, list[str]] = {}
        for issue in issues:
            key = (
                issue.field
                if issue.sheet == "procedures"
                else f"{issue.sheet}[{issue.row}].{issue.field}"
            )
            fields.setdefault(key, []).append(issue.reason)
        raise ValidationFailed(fields=fields)

    implementing = (
        Agency.objects.filter(code=data.implementing_agency).first()
        if data.implementing_agency
        else None
    )
    if check_permission and not can_edit_procedures_of(actor, implementing):
        raise PermissionDenied(
            _(
                "Only a provincial administrator or a leader of the implementing agency may edit this procedure."
            )
        )
    existing = Procedure.objects.select_for_update().filter(code=data.code).first()
    procedure = existing or Procedure(code=data.code)
    procedure.name = data.name.strip()
    procedure.name_en = data.name_en.strip()
    procedure.sector = Sector.objects.get(code=data.sector)
    procedure.level = AdministrativeLevel.objects.get(code=data.level)
    procedure.implementing_agency_type = AgencyType.objects.get(code=data.implementing_agency_type)
    procedure.implementing_agency = implementing
    procedure.receiving_agency = (
        Agency.objects.filter(code=data.receiving_agency).first() if data.receiving_agency else None
    )
    procedure.for_citizens = "citizen" in data.targets
    procedure.for_organizations = "organization" in data.targets
    procedure.processing_time = data.processing_time
    procedure.time_unit = data.time_unit
    procedure.online_type = data.online_type
    procedure.channel_counter = "counter" in data.channels
    procedure.channel_online = "online" in data.channels
    procedure.channel_postal = "postal" in data.channels
    procedure.conditions = data.conditions.strip()
    procedure.legal_basis = data.legal_basis.strip()
    procedure.result = data.result.strip()
    procedure.description = data.description.strip()
    procedure.name_folded = folded(procedure.name)
    procedure.body_folded = _search_body(procedure, data)
    if existing:
        procedure.version += 1
    procedure.save()

    kept_forms = {
        c.form_name: c.form.name
        for c in ProcedureComponent.objects.filter(procedure=procedure).exclude(form="")
    }
    procedure.fees.all().delete()
    procedure.steps.all().delete()
    procedure.components.all().delete()
    ProcedureFee.objects.bulk_create(
        ProcedureFee(
            procedure=procedure, order=i, name=f.name.strip(), amount=f.amount, note=f.note.strip()
        )
        for i, f in enumerate(data.fees)
    )
    ProcedureStep.objects.bulk_create(
        ProcedureStep(
            procedure=procedure,
            order=i,
            name=s.name.strip(),
            handler=s.handler.strip(),
            role=s.role,
            duration=s.duration,
        )
        for i, s in enumerate(data.steps)
    )
    for i, c in enumerate(data.components):
        component = ProcedureComponent(
            procedure=procedure,
            order=i,
            name=c.name.strip(),
            originals=c.originals,
            copies=c.copies,
            mandatory=c.mandatory,
            form_name=c.form,
            note=c.note.strip(),
        )
        if c.form and c.form in form_files:
            component.form.save(c.form, ContentFile(form_files[c.form]), save=False)
        elif c.form in kept_forms:
            component.form.name = kept_forms[c.form]
        component.save()

    audit_record_create(
        actor=actor,
        action="procedures.procedure.update" if existing else "procedures.procedure.create",
        obj=procedure,
        agency_id=implementing.pk if implementing else None,
        changes={
            "code": procedure.code,
            "name": procedure.name,
            "version": procedure.version,
            "processing_time": f"{procedure.processing_time} {procedure.time_unit}",
            "steps": len(data.steps),
            "components": len(data.components),
        },
    )
    return procedure


@dataclass
class ImportReport:
    imported: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    issues: list[CatalogIssue] = field(default_factory=list)


class CatalogImportFailed(ValidationFailed):
    """The file has problems and nothing was imported; ``report.issues`` lists them all."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report
        super().__init__(
            _("The catalog was not imported: %(count)s problems found.")
            % {"count": len(report.issues)}
        )


def catalog_import(
    *,
    actor: User | AnonymousUser | None,
    source: CatalogSource,
    skip_invalid: bool = False,
    progress: Callable[[int], None] | None = None,
    check_permission: bool = True,
) -> ImportReport:
    """Import everything ``source`` holds, or nothing.

    Every procedure is checked before anything is written. With problems, nothing is written
    and CatalogImportFailed lists them, unless ``skip_invalid``: then the valid procedures are
    imported and the report lists the rest. The whole import is one transaction.
    """
    if check_permission:
        from egov.organizations.permissions import require_province_admin

        require_province_admin(actor)
    report = ImportReport(issues=list(source.issues))
    sector_issues = []
    seen_codes: set[str] = set()
    for sector in source.sectors:
        if not sector.code or not sector.name:
            sector_issues.append(
                CatalogIssue(
                    sector.loc.sheet, sector.loc.row, "code", _("A sector needs a code and a name.")
                )
            )
    report.issues.extend(sector_issues)
    refs = References.load(
        extra_sectors=[s.code for s in source.sectors if s.code and s.name],
        form_files=source.form_files.keys(),
    )
    refs.bad_forms = dict(source.bad_forms)
    bad_rows = {(i.sheet, i.row) for i in source.issues}
    valid: list[ProcedureData] = []
    for procedure in source.procedures:
        issues = validate_procedure(procedure, refs)
        if procedure.code in seen_codes:
            issues.append(
                CatalogIssue(
                    procedure.loc.sheet,
                    procedure.loc.row,
                    "code",
                    _("The code %(code)s appears twice.") % {"code": procedure.code},
                )
            )
        seen_codes.add(procedure.code)
        children: list[FeeData | ComponentData | StepData] = [
            *procedure.fees,
            *procedure.components,
            *procedure.steps,
        ]
        locations = [procedure.loc, *(child.loc for child in children)]
        read_problems = any((loc.sheet, loc.row) in bad_rows for loc in locations)
        report.issues.extend(issues)
        if issues or read_problems:
            report.skipped += 1
        else:
            valid.append(procedure)
    file_level = [i for i in report.issues if i.sheet in ("file", "sectors") or i.row <= 1]
    if report.issues and (not skip_invalid or file_level):
        raise CatalogImportFailed(report)
    existing = set(
        Procedure.objects.filter(code__in=[p.code for p in valid]).values_list("code", flat=True)
    )
    with transaction.atomic():
        for sector in source.sectors:
            sector_save(actor=actor, data=sector)
        for n, procedure in enumerate(valid, start=1):
            procedure_save(
                actor=actor,
                data=procedure,
                form_files=source.form_files,
                refs=refs,
                check_permission=False,
            )
            if progress is not None:
                progress(n)
    report.imported = len(valid)
    report.updated = len(existing)
    report.created = report.imported - report.updated
    return report
