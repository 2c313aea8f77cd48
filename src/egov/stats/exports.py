"""Tables to CSV and Excel; the monthly report to PDF (reportlab, with egov's own fonts)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from egov.stats import formats
from egov.stats.tables import Cell, Table


def _cell(value: Cell, percent: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return formats.percent(value) if percent else formats.number(value, 2)
    if isinstance(value, int):
        return str(value)
    return value


def to_csv(table: Table) -> bytes:
    """UTF-8 with a byte-order mark, so that Excel opens Vietnamese text right; numbers plain
    (no thousands separator), percentages with the reader's decimal mark."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.headers)
    for row in table.rows:
        writer.writerow([_cell(v, i in table.percent_columns) for i, v in enumerate(row)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table, subtitle: str = "") -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.name[:31]
    sheet.append([table.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([subtitle])
    sheet.append(table.headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in table.rows:
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in row])
        for i in table.percent_columns:
            c = sheet.cell(row=sheet.max_row, column=i + 1)
            if c.value is not None:
                c.value = float(c.value) / 100
                c.number_format = "0.00%"
    for i, header in enumerate(table.headers, start=1):
        width = max([len(str(header))] + [len(str(r[i - 1] or "")) for r in table.rows[:200]])
        sheet.column_dimensions[sheet.cell(row=3, column=i).column_letter].width = min(
            max(width + 2, 8), 60
        )
    sheet.freeze_panes = "A4"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def monthly_report_pdf(
    *, month: date, scope_label: str, tables: list[Table], generated: str
) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, TableStyle
    from reportlab.platypus import Table as PdfTable

    from egov.slips.fonts import BOLD, REGULAR, register_fonts

    register_fonts()
    title = ParagraphStyle("title", fontName=BOLD, fontSize=15, leading=19, spaceAfter=4)
    heading = ParagraphStyle("h", fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8)
    body = ParagraphStyle("b", fontName=REGULAR, fontSize=9, leading=11.5)
    cell = ParagraphStyle("c", fontName=REGULAR, fontSize=7.5, leading=9)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=landscape(A4), leftMargin=14 * mm, rightMargin=14 * mm,
        topMargin=12 * mm, bottomMargin=12 * mm,
        title=_("Service statistics, %(month)s") % {"month": f"{month:%m/%Y}"},
    )  # fmt: skip
    story: list = [
        Paragraph(
            _("Report on the handling of administrative procedures, month %(month)s")
            % {"month": f"{month:%m/%Y}"},
            title,
        ),
        Paragraph(f"{scope_label} · {generated}", body),
        Spacer(1, 4 * mm),
    ]
    for table in tables:
        story.append(Paragraph(table.title, heading))
        data = [[Paragraph(str(h), cell) for h in table.headers]]
        for row in table.rows[:60]:
            data.append(
                [
                    Paragraph(_cell_text(v, i in table.percent_columns), cell)
                    for i, v in enumerate(row)
                ]
            )
        t = PdfTable(data, repeatRows=1, hAlign="LEFT")
        t.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.append(t)
        if len(table.rows) > 60:
            story.append(
                Paragraph(
                    ngettext(
                        "%(n)s more row in the Excel export.",
                        "%(n)s more rows in the Excel export.",
                        len(table.rows) - 60,
                    )
                    % {"n": formats.number(len(table.rows) - 60)},
                    body,
                )
            )
    doc.build(story)
    return buf.getvalue()


def _cell_text(value: Cell, percent: bool) -> str:
    from xml.sax.saxutils import escape

    if isinstance(value, int) and not isinstance(value, bool):
        return formats.number(value)
    return escape(_cell(value, percent)) or "–"
