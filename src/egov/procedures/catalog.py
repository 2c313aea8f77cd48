"""Procedure records as read from a page, the API or an import file, and their validation.

A ``ProcedureData`` carries where each part came from (sheet and row), so that validation can
say exactly which row and field of an import file is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egov.core.files import extensions, upload_problem
from egov.organizations.models import StaffRole

CODE_PATTERN = re.compile(r"^\d\.\d{6}$")
TARGETS = ("citizen", "organization")
CHANNELS = ("counter", "online", "postal")
ONLINE_TYPES = ("full", "partial", "info")
TIME_UNITS = ("working_days", "working_hours")
STEP_ROLES = ("", StaffRole.DESK_OFFICER, StaffRole.SPECIALIST, StaffRole.LEADER, StaffRole.CLERK)
# Longest processing time accepted: a year of working days, or as many working hours.
MAX_TIME = {"working_days": Decimal(365), "working_hours": Decimal(365 * 8)}
# Form templates: documents and spreadsheets, checked by content in core.files.
FORM_KINDS = ("pdf", "zip-office", "ole-office", "rtf")
FORM_EXTENSIONS = extensions(FORM_KINDS)
MAX_FORM_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Loc:
    """Where a record came from: the sheet (or CSV file) and its row number."""

    sheet: str
    row: int


@dataclass(frozen=True)
class CatalogIssue:
    """One bad cell (``field`` of ``row`` in ``sheet``) and why. ``unreadable``: the cell's
    value could not be read at all (not a number…), so any other problem found with it is
    about the stand-in value and not worth reporting (``merge_issues``)."""

    sheet: str
    row: int
    field: str
    reason: str
    unreadable: bool = False

    def __str__(self) -> str:
        return f"{self.sheet}, row {self.row}, {self.field}: {self.reason}"


def merge_issues(issues: Iterable[CatalogIssue]) -> list[CatalogIssue]:
    """One issue per cell, in the order cells were first reported: the reasons found for a
    cell are joined into one message, except that a cell that could not be read is reported
    only as such."""
    cells: dict[tuple[str, int, str], list[CatalogIssue]] = {}
    for issue in issues:
        cells.setdefault((issue.sheet, issue.row, issue.field), []).append(issue)
    merged = []
    for (sheet, row, name), found in cells.items():
        unreadable = [i for i in found if i.unreadable]
        reasons = list(dict.fromkeys(i.reason for i in (unreadable or found)))
        merged.append(CatalogIssue(sheet, row, name, " ".join(reasons), bool(unreadable)))
    return merged


@dataclass
class SectorData:
    code: str
    name: str
    name_en: str = ""
    loc: Loc = Loc("sectors", 0)


@dataclass
class FeeData:
    name: str
    amount: int
    note: str = ""
    loc: Loc = Loc("fees", 0)


@dataclass
class ComponentData:
    name: str
    originals: int = 1
    copies: int = 0
    mandatory: bool = True
    form: str = ""
    note: str = ""
    loc: Loc = Loc("components", 0)


@dataclass
class StepData:
    name: str
    duration: Decimal
    handler: str = ""
    role: str = ""
    loc: Loc = Loc("steps", 0)


@dataclass
class ProcedureData:
    code: str
    name: str
    sector: str
    level: str
    implementing_agency_type: str
    processing_time: Decimal
    time_unit: str
    online_type: str
    targets: list[str]
    channels: list[str]
    name_en: str = ""
    implementing_agency: str = ""
    receiving_agency: str = ""
    conditions: str = ""
    legal_basis: str = ""
    result: str = ""
    description: str = ""
    fees: list[FeeData] = field(default_factory=list)
    components: list[ComponentData] = field(default_factory=list)
    steps: list[StepData] = field(default_factory=list)
    loc: Loc = Loc("procedures", 0)


@dataclass
class References:
    """What a procedure may refer to, loaded once for a whole import."""

    sectors: set[str]
    levels: set[str]
    agency_types: set[str]
    agencies: set[str]
    form_files: set[str]
    stored_forms: set[tuple[str, str]]  # (procedure code, form file name) already in egov
    bad_forms: dict[str, str] = field(default_factory=dict)  # file name -> reason

    @classmethod
    def load(
        cls, *, extra_sectors: Iterable[str] = (), form_files: Iterable[str] = ()
    ) -> References:
        from egov.organizations.models import AdministrativeLevel, Agency, AgencyType
        from egov.procedures.models import ProcedureComponent, Sector

        return cls(
            sectors=set(Sector.objects.values_list("code", flat=True)) | set(extra_sectors),
            levels=set(AdministrativeLevel.objects.values_list("code", flat=True)),
            agency_types=set(AgencyType.objects.values_list("code", flat=True)),
            agencies=set(Agency.objects.filter(is_active=True).values_list("code", flat=True)),
            form_files=set(form_files),
            stored_forms=set(
                ProcedureComponent.objects.exclude(form="").values_list(
                    "procedure__code", "form_name"
                )
            ),
        )


def validate_procedure(data: ProcedureData, refs: References) -> list[CatalogIssue]:
    """Every problem of one procedure, one issue per bad cell (its sheet, row and field)."""
    issues: list[CatalogIssue] = []

    def bad(loc: Loc, name: str, reason: str) -> None:
        issues.append(CatalogIssue(loc.sheet, loc.row, name, reason))

    loc = data.loc
    if not CODE_PATTERN.match(data.code):
        bad(loc, "code", _("A procedure code looks like 1.001193 (a digit, a dot, six digits)."))
    if not data.name.strip():
        bad(loc, "name", _("The name is required."))
    if data.sector not in refs.sectors:
        bad(loc, "sector", _("Unknown sector '%(code)s'.") % {"code": data.sector})
    if data.level not in refs.levels:
        bad(loc, "level", _("Unknown administrative level '%(code)s'.") % {"code": data.level})
    if data.implementing_agency_type not in refs.agency_types:
        bad(
            loc,
            "implementing_agency_type",
            _("Unknown agency type '%(code)s'.") % {"code": data.implementing_agency_type},
        )
    for name in ("implementing_agency", "receiving_agency"):
        code = getattr(data, name)
        if code and code not in refs.agencies:
            bad(loc, name, _("No agency has the identifier code '%(code)s'.") % {"code": code})
    if not data.targets:
        bad(loc, "targets", _("Name at least one target: citizen, organization."))
    if unknown := [t for t in data.targets if t not in TARGETS]:
        bad(
            loc,
            "targets",
            ngettext("Unknown target %(values)s.", "Unknown targets %(values)s.", len(unknown))
            % {"values": _quoted(unknown)},
        )
    if not data.channels:
        bad(loc, "channels", _("Name at least one channel: counter, online, postal."))
    if unknown := [c for c in data.channels if c not in CHANNELS]:
        bad(
            loc,
            "channels",
            ngettext("Unknown channel %(values)s.", "Unknown channels %(values)s.", len(unknown))
            % {"values": _quoted(unknown)},
        )
    if data.online_type not in ONLINE_TYPES:
        bad(loc, "online_type", _("The online type is full, partial or info."))
    elif data.online_type != "info" and "online" not in data.channels:
        bad(loc, "channels", _("A procedure provided online must list the online channel."))
    time_ok = data.time_unit in TIME_UNITS
    if not time_ok:
        bad(loc, "time_unit", _("The time unit is working_days or working_hours."))
    if data.processing_time <= 0:
        bad(loc, "processing_time", _("The processing time must be greater than zero."))
        time_ok = False
    elif time_ok and data.processing_time > MAX_TIME[data.time_unit]:
        bad(
            loc,
            "processing_time",
            _("%(value)s %(unit)s is not a plausible processing time.")
            % {"value": _number(data.processing_time), "unit": _unit_label(data.time_unit)},
        )
        time_ok = False

    for fee in data.fees:
        if not fee.name.strip():
            bad(fee.loc, "name", _("The fee needs a name."))
        if fee.amount < 0 or fee.amount > 10**12:
            bad(fee.loc, "amount", _("The amount must be between 0 and 1,000,000,000,000 đồng."))
    for component in data.components:
        if not component.name.strip():
            bad(component.loc, "name", _("The component needs a name."))
        if not 0 <= component.originals <= 50 or not 0 <= component.copies <= 50:
            bad(component.loc, "originals", _("Originals and copies must be from 0 to 50."))
        if component.form:
            if not component.form.lower().endswith(FORM_EXTENSIONS):
                bad(
                    component.loc,
                    "form",
                    _("A form template must be one of: %(types)s.")
                    % {"types": ", ".join(FORM_EXTENSIONS)},
                )
            elif component.form in refs.bad_forms:
                bad(component.loc, "form", refs.bad_forms[component.form])
            elif (
                component.form not in refs.form_files
                and (data.code, component.form) not in refs.stored_forms
            ):
                bad(
                    component.loc,
                    "form",
                    _("The form file '%(name)s' was not found.") % {"name": component.form},
                )
    if not data.steps:
        bad(loc, "steps", _("The internal process needs at least one step."))
    for step in data.steps:
        if not step.name.strip():
            bad(step.loc, "name", _("The step needs a name."))
        if step.duration <= 0:
            bad(step.loc, "duration", _("A step's allotted time must be greater than zero."))
        if step.role not in STEP_ROLES:
            bad(step.loc, "role", _("Unknown role '%(value)s'.") % {"value": step.role})
    if data.steps and time_ok:
        total = sum((s.duration for s in data.steps), Decimal(0))
        if total != data.processing_time:
            bad(
                loc,
                "steps",
                _("The steps add up to %(total)s %(unit)s but the processing time is %(time)s.")
                % {
                    "total": _number(total),
                    "unit": _unit_label(data.time_unit),
                    "time": _number(data.processing_time),
                },
            )
    return merge_issues(issues)


def _quoted(values: list[str]) -> str:
    return ", ".join(f"'{v}'" for v in dict.fromkeys(values))


def _unit_label(unit: str) -> str:
    return {"working_days": _("working days"), "working_hours": _("working hours")}.get(unit, unit)


def _number(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def form_file_problem(name: str, content: bytes) -> str | None:
    """Why ``content`` cannot be published as the form template ``name``, or None."""
    return upload_problem(name, content, allowed=FORM_KINDS, max_bytes=MAX_FORM_BYTES)
