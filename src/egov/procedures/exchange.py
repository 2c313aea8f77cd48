"""Reading and writing the catalog exchange format (docs/catalog-format.md).

Reading never raises on bad content: it returns the records it could read and an issue for
every cell it could not, so that one run reports every problem of a file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from egov.procedures.catalog import (
    CatalogIssue,
    ComponentData,
    FeeData,
    Loc,
    ProcedureData,
    SectorData,
    StepData,
    form_file_problem,
    merge_issues,
)

FORMAT_NAME = "egov-procedure-catalog"
FORMAT_VERSION = 1
SHEETS = ("sectors", "procedures", "fees", "components", "steps")
PROCEDURE_COLUMNS = [
    "code", "name", "name_en", "sector", "level", "implementing_agency_type",
    "implementing_agency", "receiving_agency", "targets", "processing_time", "time_unit",
    "online_type", "channels", "conditions", "legal_basis", "result", "description",
]  # fmt: skip
COLUMNS = {
    "sectors": ["code", "name", "name_en"],
    "procedures": PROCEDURE_COLUMNS,
    "fees": ["procedure_code", "name", "amount", "note"],
    "components": ["procedure_code", "name", "originals", "copies", "mandatory", "form", "note"],
    "steps": ["procedure_code", "name", "handler", "role", "duration"],
}
REQUIRED_COLUMNS = {
    "sectors": ["code", "name"],
    "procedures": [
        "code", "name", "sector", "level", "implementing_agency_type", "targets",
        "processing_time", "time_unit", "online_type", "channels",
    ],
    "fees": ["procedure_code", "name", "amount"],
    "components": ["procedure_code", "name"],
    "steps": ["procedure_code", "name", "duration"],
}  # fmt: skip
_TRUE = {"yes", "true", "1", "x", "có", "co", "y"}
_FALSE = {"no", "false", "0", "không", "khong", "n", ""}


@dataclass
class CatalogSource:
    """What an import file holds, as far as it could be read."""

    sectors: list[SectorData] = field(default_factory=list)
    procedures: list[ProcedureData] = field(default_factory=list)
    form_files: dict[str, bytes] = field(default_factory=dict)
    bad_forms: dict[str, str] = field(default_factory=dict)
    issues: list[CatalogIssue] = field(default_factory=list)


class _Cells:
    """Reads typed values out of one row, recording an issue for each bad cell."""

    def __init__(self, row: dict[str, Any], loc: Loc, issues: list[CatalogIssue]) -> None:
        self.row, self.loc, self.issues = row, loc, issues

    def bad(self, name: str, reason: str) -> None:
        self.issues.append(
            CatalogIssue(self.loc.sheet, self.loc.row, name, reason, unreadable=True)
        )

    def text(self, name: str) -> str:
        value = self.row.get(name)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    def decimal(self, name: str) -> Decimal:
        raw = self.text(name).replace(",", ".")
        try:
            value = Decimal(raw)
            if not value.is_finite():
                raise InvalidOperation
            return value
        except InvalidOperation:
            self.bad(name, _("'%(value)s' is not a number.") % {"value": raw})
            return Decimal(0)

    def integer(self, name: str, default: int | None = None) -> int:
        raw = self.text(name).replace(" ", "").replace(".", "").replace(",", "")
        if not raw and default is not None:
            return default
        try:
            return int(raw)
        except ValueError:
            self.bad(name, _("'%(value)s' is not a whole number.") % {"value": self.text(name)})
            return 0

    def boolean(self, name: str, default: bool) -> bool:
        value = self.row.get(name)
        if isinstance(value, bool):
            return value
        raw = self.text(name).lower()
        if raw == "" and name not in self.row:
            return default
        if raw in _TRUE:
            return True
        if raw in _FALSE:
            return False
        self.bad(name, _("'%(value)s' is not yes or no.") % {"value": raw})
        return default

    def items(self, name: str) -> list[str]:
        value = self.row.get(name)
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return [v.strip() for v in self.text(name).split(",") if v.strip()]


def _procedure_from(row: dict[str, Any], loc: Loc, issues: list[CatalogIssue]) -> ProcedureData:
    cells = _Cells(row, loc, issues)
    return ProcedureData(
        code=cells.text("code"),
        name=cells.text("name"),
        name_en=cells.text("name_en"),
        sector=cells.text("sector"),
        level=cells.text("level"),
        implementing_agency_type=cells.text("implementing_agency_type"),
        implementing_agency=cells.text("implementing_agency"),
        receiving_agency=cells.text("receiving_agency"),
        targets=cells.items("targets"),
        processing_time=cells.decimal("processing_time"),
        time_unit=cells.text("time_unit"),
        online_type=cells.text("online_type"),
        channels=cells.items("channels"),
        conditions=cells.text("conditions"),
        legal_basis=cells.text("legal_basis"),
        result=cells.text("result"),
        description=cells.text("description"),
        loc=loc,
    )


def _fee_from(row: dict[str, Any], loc: Loc, issues: list[CatalogIssue]) -> FeeData:
    cells = _Cells(row, loc, issues)
    return FeeData(
        name=cells.text("name"), amount=cells.integer("amount", 0), note=cells.text("note"), loc=loc
    )


def _component_from(row: dict[str, Any], loc: Loc, issues: list[CatalogIssue]) -> ComponentData:
    cells = _Cells(row, loc, issues)
    return ComponentData(
        name=cells.text("name"),
        originals=cells.integer("originals", 1),
        copies=cells.integer("copies", 0),
        mandatory=cells.boolean("mandatory", True),
        form=cells.text("form"),
        note=cells.text("note"),
        loc=loc,
    )


def _step_from(row: dict[str, Any], loc: Loc, issues: list[CatalogIssue]) -> StepData:
    cells = _Cells(row, loc, issues)
    return StepData(
        name=cells.text("name"),
        handler=cells.text("handler"),
        role=cells.text("role"),
        duration=cells.decimal("duration"),
        loc=loc,
    )


def procedure_from_document(
    row: dict[str, Any],
    loc: Loc,
    issues: list[CatalogIssue],
    *,
    child_sheet: Callable[[str], str] = lambda kind: kind,
) -> ProcedureData:
    """A procedure from one object of the exchange format (a JSON file, an API request, a
    staff page's fields), with its fees, components and steps; bad values become issues."""
    procedure = _procedure_from(row, loc, issues)
    for kind, reader, target in (
        ("fees", _fee_from, procedure.fees),
        ("components", _component_from, procedure.components),
        ("steps", _step_from, procedure.steps),
    ):
        children = row.get(kind) or []
        if not isinstance(children, list):
            issues.append(CatalogIssue(loc.sheet, loc.row, kind, _("Must be a list.")))
            continue
        for j, child in enumerate(children, start=1):
            child_loc = Loc(child_sheet(kind), j)
            if not isinstance(child, dict):
                issues.append(CatalogIssue(child_loc.sheet, j, "-", _("Must be an object.")))
                continue
            target.append(reader(child, child_loc, issues))  # type: ignore[arg-type]
    return procedure


# --- JSON ------------------------------------------------------------------------------------


def _json_child_sheet(index: int) -> Callable[[str], str]:
    return lambda kind: f"procedures[{index}].{kind}"


def read_json(content: bytes) -> CatalogSource:
    source = CatalogSource()
    try:
        document = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        source.issues.append(
            CatalogIssue("file", 0, "-", _("Not a valid JSON file: %(error)s") % {"error": exc})
        )
        return source
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        source.issues.append(
            CatalogIssue(
                "file",
                0,
                "format",
                _("This is not an egov procedure catalog (format must be '%(name)s').")
                % {"name": FORMAT_NAME},
            )
        )
        return source
    if document.get("version") != FORMAT_VERSION:
        source.issues.append(
            CatalogIssue("file", 0, "version", _("Only version 1 of the format is supported."))
        )
        return source
    for i, row in enumerate(document.get("sectors") or [], start=1):
        loc = Loc("sectors", i)
        if not isinstance(row, dict):
            source.issues.append(
                CatalogIssue("sectors", i, "-", _("Each sector must be an object."))
            )
            continue
        cells = _Cells(row, loc, source.issues)
        source.sectors.append(
            SectorData(cells.text("code"), cells.text("name"), cells.text("name_en"), loc)
        )
    for i, row in enumerate(document.get("procedures") or [], start=1):
        loc = Loc("procedures", i)
        if not isinstance(row, dict):
            source.issues.append(
                CatalogIssue("procedures", i, "-", _("Each procedure must be an object."))
            )
            continue
        # In a JSON file, a child's place is "procedure i, item j" of its list.
        procedure = procedure_from_document(
            row, loc, source.issues, child_sheet=_json_child_sheet(i)
        )
        source.procedures.append(procedure)
    return source


# --- Reporting problems ----------------------------------------------------------------------


@dataclass
class RowIssues:
    """The bad cells of one row of an import file: (field, message) pairs, one per cell.
    ``row`` 0 is the whole sheet (or, for ``sheet == "file"``, the whole file)."""

    sheet: str
    row: int
    cells: list[tuple[str, str]]


_JSON_CHILD_SHEET = re.compile(r"^procedures\[(\d+)\]\.(\w+)$")


def _row_place(sheet: str, row: int) -> tuple[int, int, int, int]:
    """Where a row comes in the file: the file itself first, then the sheets in their
    order; in a JSON file each procedure is followed by its fees, components and steps."""
    child = _JSON_CHILD_SHEET.match(sheet)
    if child:
        kind = child.group(2)
        return (2, int(child.group(1)), 1 + (SHEETS.index(kind) if kind in SHEETS else 9), row)
    if sheet == "procedures":
        return (2, row, 0, 0)
    if sheet == "file":
        return (0, 0, 0, 0)
    return (1 + SHEETS.index(sheet) if sheet in SHEETS else len(SHEETS) + 1, row, 0, 0)


def _columns_of(sheet: str) -> list[str]:
    child = _JSON_CHILD_SHEET.match(sheet)
    return COLUMNS.get(child.group(2) if child else sheet, [])


def issues_by_row(issues: Iterable[CatalogIssue]) -> list[RowIssues]:
    """The problems of an import, grouped by sheet and row in the file's order, with one
    message per bad cell (in the order of the sheet's columns)."""
    rows: dict[tuple[str, int], list[CatalogIssue]] = {}
    for issue in merge_issues(issues):
        rows.setdefault((issue.sheet, issue.row), []).append(issue)
    grouped = []
    for (sheet, row), found in sorted(rows.items(), key=lambda item: _row_place(*item[0])):
        columns = _columns_of(sheet)
        found.sort(key=lambda i: columns.index(i.field) if i.field in columns else len(columns))
        grouped.append(RowIssues(sheet, row, [(i.field, i.reason) for i in found]))
    return grouped


# --- Tables (Excel and CSV) ------------------------------------------------------------------


def _read_tables(tables: dict[str, list[dict[str, Any]]], source: CatalogSource) -> None:
    """Build records from rows of each table; row numbers count the header as row 1."""
    missing_sheet = [name for name in ("procedures", "steps") if name not in tables]
    for name in missing_sheet:
        source.issues.append(
            CatalogIssue(
                name, 0, "-", _("The sheet or file '%(name)s' is missing.") % {"name": name}
            )
        )
    for sheet, rows in tables.items():
        if rows:
            absent = [c for c in REQUIRED_COLUMNS[sheet] if c not in rows[0]]
            for column in absent:
                source.issues.append(
                    CatalogIssue(
                        sheet, 1, column, _("The column '%(name)s' is missing.") % {"name": column}
                    )
                )
    for n, row in enumerate(tables.get("sectors", []), start=2):
        cells = _Cells(row, Loc("sectors", n), source.issues)
        source.sectors.append(
            SectorData(
                cells.text("code"), cells.text("name"), cells.text("name_en"), Loc("sectors", n)
            )
        )
    by_code: dict[str, ProcedureData] = {}
    for n, row in enumerate(tables.get("procedures", []), start=2):
        procedure = _procedure_from(row, Loc("procedures", n), source.issues)
        if procedure.code in by_code:
            source.issues.append(
                CatalogIssue(
                    "procedures",
                    n,
                    "code",
                    _("The code %(code)s appears twice.") % {"code": procedure.code},
                )
            )
            continue
        by_code[procedure.code] = procedure
        source.procedures.append(procedure)
    for sheet, reader, attribute in (
        ("fees", _fee_from, "fees"),
        ("components", _component_from, "components"),
        ("steps", _step_from, "steps"),
    ):
        for n, row in enumerate(tables.get(sheet, []), start=2):
            loc = Loc(sheet, n)
            code = _Cells(row, loc, source.issues).text("procedure_code")
            parent = by_code.get(code)
            if parent is None:
                source.issues.append(
                    CatalogIssue(
                        sheet,
                        n,
                        "procedure_code",
                        _("No procedure with the code '%(code)s' in this file.") % {"code": code},
                    )
                )
                continue
            getattr(parent, attribute).append(reader(row, loc, source.issues))


def _is_blank(row: dict[str, Any]) -> bool:
    return all(v is None or str(v).strip() == "" for v in row.values())


def read_workbook(content: bytes) -> CatalogSource:
    from openpyxl import load_workbook

    source = CatalogSource()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        source.issues.append(
            CatalogIssue(
                "file", 0, "-", _("Not a readable Excel (.xlsx) file: %(error)s") % {"error": exc}
            )
        )
        return source
    tables: dict[str, list[dict[str, Any]]] = {}
    for sheet in SHEETS:
        if sheet not in workbook.sheetnames:
            continue
        rows = workbook[sheet].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        records = [dict(zip(header, values, strict=False)) for values in rows]
        tables[sheet] = [r for r in records if not _is_blank(r)]
    workbook.close()
    _read_tables(tables, source)
    return source


def read_csv_tables(files: dict[str, bytes]) -> CatalogSource:
    """``files`` maps a CSV file name (``procedures.csv`` …) to its bytes."""
    source = CatalogSource()
    tables: dict[str, list[dict[str, Any]]] = {}
    for sheet in SHEETS:
        content = files.get(f"{sheet}.csv")
        if content is None:
            continue
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            source.issues.append(CatalogIssue(sheet, 0, "-", _("The file is not UTF-8 text.")))
            continue
        rows = [r for r in csv.DictReader(io.StringIO(text)) if not _is_blank(r)]
        tables[sheet] = rows
    _read_tables(tables, source)
    return source


# --- Files on disk ---------------------------------------------------------------------------


def add_forms(source: CatalogSource, files: Iterable[tuple[str, bytes]]) -> None:
    for name, content in files:
        problem = form_file_problem(name, content)
        if problem:
            source.bad_forms[name] = problem
        else:
            source.form_files[name] = content


def read_path(path: Path, forms_dir: Path | None = None) -> CatalogSource:
    """Read a ``.json``, ``.xlsx`` or ``.zip`` file, or a folder of CSV files, with its forms."""
    if path.is_dir():
        csv_files = {p.name: p.read_bytes() for p in path.glob("*.csv")}
        source = read_csv_tables(csv_files)
        forms_dir = forms_dir or path / "forms"
    elif path.suffix.lower() == ".zip":
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile:
            source = CatalogSource()
            source.issues.append(CatalogIssue("file", 0, "-", _("Not a readable .zip archive.")))
            return source
        with archive:
            names = [n for n in archive.namelist() if not n.endswith("/")]
            data_files = {Path(n).name: archive.read(n) for n in names if "/" not in n.strip("/")}
            if "catalog.json" in data_files:
                source = read_json(data_files["catalog.json"])
            else:
                source = read_csv_tables(
                    {k: v for k, v in data_files.items() if k.endswith(".csv")}
                )
            add_forms(
                source, ((Path(n).name, archive.read(n)) for n in names if n.startswith("forms/"))
            )
    elif path.suffix.lower() == ".json":
        source = read_json(path.read_bytes())
        forms_dir = forms_dir or path.parent / "forms"
    elif path.suffix.lower() == ".xlsx":
        source = read_workbook(path.read_bytes())
        forms_dir = forms_dir or path.parent / "forms"
    else:
        source = CatalogSource()
        source.issues.append(
            CatalogIssue(
                "file", 0, "-", _("Import a .json, .xlsx or .zip file, or a folder of CSV files.")
            )
        )
        return source
    if forms_dir is not None and forms_dir.is_dir():
        add_forms(
            source, ((p.name, p.read_bytes()) for p in sorted(forms_dir.iterdir()) if p.is_file())
        )
    return source


# --- Export ----------------------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def procedure_document(procedure: Any) -> dict[str, Any]:
    """One procedure as a JSON object of the exchange format."""
    return {
        "code": procedure.code,
        "name": procedure.name,
        "name_en": procedure.name_en,
        "sector": procedure.sector.code,
        "level": procedure.level.code,
        "implementing_agency_type": procedure.implementing_agency_type.code,
        "implementing_agency": procedure.implementing_agency.code
        if procedure.implementing_agency
        else "",
        "receiving_agency": procedure.receiving_agency.code if procedure.receiving_agency else "",
        "targets": procedure.targets,
        "processing_time": _number(procedure.processing_time),
        "time_unit": procedure.time_unit,
        "online_type": procedure.online_type,
        "channels": procedure.channels,
        "conditions": procedure.conditions,
        "legal_basis": procedure.legal_basis,
        "result": procedure.result,
        "description": procedure.description,
        "fees": [
            {"name": f.name, "amount": f.amount, "note": f.note} for f in procedure.fees.all()
        ],
        "components": [
            {
                "name": c.name,
                "originals": c.originals,
                "copies": c.copies,
                "mandatory": c.mandatory,
                "form": c.form_name if c.form else "",
                "note": c.note,
            }
            for c in procedure.components.all()
        ],
        "steps": [
            {"name": s.name, "handler": s.handler, "role": s.role, "duration": _number(s.duration)}
            for s in procedure.steps.all()
        ],
    }


def catalog_document(sectors: Iterable[Any], procedures: Iterable[Any]) -> dict[str, Any]:
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "sectors": [{"code": s.code, "name": s.name, "name_en": s.name_en} for s in sectors],
        "procedures": [procedure_document(p) for p in procedures],
    }


def document_tables(document: dict[str, Any]) -> dict[str, list[list[Any]]]:
    """The exchange document as tables: a header row, then one row per record."""
    tables: dict[str, list[list[Any]]] = {sheet: [COLUMNS[sheet]] for sheet in SHEETS}
    for sector in document["sectors"]:
        tables["sectors"].append([sector[c] for c in COLUMNS["sectors"]])
    for p in document["procedures"]:
        row = dict(p, targets=", ".join(p["targets"]), channels=", ".join(p["channels"]))
        tables["procedures"].append([row[c] for c in PROCEDURE_COLUMNS])
        for sheet in ("fees", "components", "steps"):
            for child in p[sheet]:
                values = dict(child, procedure_code=p["code"])
                if sheet == "components":
                    values["mandatory"] = "yes" if child["mandatory"] else "no"
                tables[sheet].append([values[c] for c in COLUMNS[sheet]])
    return tables


def write_workbook(document: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet, rows in document_tables(document).items():
        worksheet = workbook.create_sheet(sheet)
        for row in rows:
            worksheet.append(row)
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        worksheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def write_zip(document: dict[str, Any], forms: Iterable[tuple[str, bytes]]) -> bytes:
    """The CSV tables and, in ``forms/``, the form templates."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for sheet, rows in document_tables(document).items():
            text = io.StringIO()
            csv.writer(text).writerows(rows)
            archive.writestr(f"{sheet}.csv", text.getvalue().encode("utf-8"))
        for name, content in forms:
            archive.writestr(f"forms/{name}", content)
    return out.getvalue()
