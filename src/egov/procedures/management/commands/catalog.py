from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from egov.procedures.exchange import (
    catalog_document,
    issues_by_row,
    read_path,
    write_workbook,
    write_zip,
)
from egov.procedures.selectors import catalog_for_export
from egov.procedures.services import CatalogImportFailed, ImportReport, catalog_import


def read_file(field: Any) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


class Command(BaseCommand):
    help = (
        "Import or export the procedure catalog (JSON, Excel or CSV; see docs/catalog-format.md). "
        "A bad file imports nothing; every bad cell is reported, grouped by sheet and row."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser(
            "import", help="Import a .json, .xlsx or .zip file, or a folder of CSV files."
        )
        imp.add_argument("path", type=Path)
        imp.add_argument(
            "--forms-dir",
            type=Path,
            help="Folder of form templates (default: forms/ beside the file).",
        )
        imp.add_argument(
            "--skip-invalid",
            action="store_true",
            help="Import the valid procedures and report the rest.",
        )
        exp = sub.add_parser(
            "export", help="Export to .json, .xlsx or .zip (CSV files with forms/)."
        )
        exp.add_argument("path", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "import":
            self.import_(options["path"], options["forms_dir"], options["skip_invalid"])
        else:
            self.export(options["path"])

    def import_(self, path: Path, forms_dir: Path | None, skip_invalid: bool) -> None:
        if not path.exists():
            raise CommandError(f"{path} does not exist.")
        source = read_path(path, forms_dir)
        bar = tqdm(
            total=len(source.procedures),
            unit="procedure",
            desc="Importing",
            file=sys.stderr,
            disable=None,
        )
        try:
            report = catalog_import(
                actor=None,
                source=source,
                skip_invalid=skip_invalid,
                progress=lambda n: bar.update(1),
                check_permission=False,
            )
        except CatalogImportFailed as exc:
            bar.close()
            cells, rows = self.print_issues(exc.report)
            raise CommandError(
                f"Nothing was imported: {cells} problem(s) in {rows} row(s) of {path}. "
                "Fix them, or use --skip-invalid to import the valid procedures."
            ) from None
        bar.close()
        self.print_issues(report)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {report.imported} procedure(s): {report.created} new, {report.updated} updated"
                + (f"; skipped {report.skipped} invalid." if report.skipped else ".")
            )
        )

    def print_issues(self, report: ImportReport) -> tuple[int, int]:
        """Each bad row (sheet and row) once, then each of its bad cells with one message;
        returns the numbers of bad cells and of rows."""
        groups = issues_by_row(report.issues)
        for group in groups:
            if group.sheet == "file":
                place = _("The file")
            elif group.row == 0:
                place = _("Sheet %(sheet)s") % {"sheet": group.sheet}
            else:
                place = _("%(sheet)s, row %(row)s") % {"sheet": group.sheet, "row": group.row}
            self.stderr.write(f"{place}:")
            for name, message in group.cells:
                self.stderr.write(f"  {message}" if name == "-" else f"  {name}: {message}")
        return sum(len(g.cells) for g in groups), len(groups)

    def export(self, path: Path) -> None:
        sectors, queryset = catalog_for_export()
        procedures = list(queryset)
        document = catalog_document(sectors, procedures)
        # A form's file name identifies it across the catalog, as on import: write each once.
        forms_by_name = {
            c.form_name: c.form for p in procedures for c in p.components.all() if c.form
        }
        forms = [(name, read_file(field)) for name, field in forms_by_name.items()]
        suffix = path.suffix.lower()
        if suffix == ".json":
            path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
        elif suffix == ".xlsx":
            path.write_bytes(write_workbook(document))
        elif suffix == ".zip":
            path.write_bytes(write_zip(document, forms))
        else:
            raise CommandError("Export to a .json, .xlsx or .zip file.")
        if suffix != ".zip" and forms:
            forms_dir = path.parent / "forms"
            forms_dir.mkdir(exist_ok=True)
            for name, content in forms:
                (forms_dir / name).write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Exported {len(procedures)} procedure(s) to {path}."))
