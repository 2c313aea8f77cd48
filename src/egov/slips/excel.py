"""The dossier register (form 07) and the processing control slip (form 06) as Excel workbooks.

Same data and wording as the PDFs (``data.py``, ``texts.py``), for officers who sort, filter
and total. Dates are real Excel dates in Vietnam local time (Excel has no time zones), shown as
dd/mm/yyyy hh:mm; counts are numbers. The column titles are bold, wrapped and frozen, and the
sheet prints on A4 landscape, one page wide, with the titles repeated on every page.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from egov.slips import texts as tx
from egov.slips.data import AgencyHeader, ControlSlip, Period, RegisterRow, SlipDossier

__all__ = ["control_slip_xlsx", "register_xlsx"]

DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEAD_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)

# (text key, width in characters)
REGISTER_COLUMNS = (
    ("register.col.seq", 6),
    ("register.col.code", 28),
    ("register.col.procedure", 40),
    ("register.col.sets", 10),
    ("register.col.applicant", 26),
    ("register.col.contact", 30),
    ("register.col.handling", 24),
    ("register.col.received", 17),
    ("register.col.appointment", 17),
    ("register.col.transferred", 17),
    ("register.col.result_received", 17),
    ("register.col.returned", 17),
    ("register.col.signature", 12),
    ("register.col.note", 24),
)
CONTROL_COLUMNS = (
    ("control.col.seq", 6),
    ("control.col.from", 30),
    ("control.col.to", 30),
    ("control.col.at", 17),
    ("control.col.due", 17),
    ("control.col.result", 28),
    ("control.col.sender", 22),
    ("control.col.receiver", 22),
)


def _excel_time(value: datetime | None) -> datetime | None:
    """Local wall-clock time without a zone (openpyxl refuses aware datetimes)."""
    return tx.local(value).replace(tzinfo=None) if value else None


def _header(
    ws: Worksheet, t: Mapping[str, str], agency: AgencyHeader, on: date, columns: int
) -> int:
    """The national header, agency on the left and nation on the right; returns the next row."""
    split = max(2, columns // 2 - 1)
    left = [
        (agency.parent_name.upper(), Font(size=11)),
        (agency.name.upper(), Font(size=11, bold=True)),
    ]
    right = [
        (tx.plain(t["national_name"]), Font(size=11, bold=True)),
        (tx.plain(t["motto"]), Font(size=11, bold=True, underline="single")),
        (
            tx.plain_text(t, "place_date", place=agency.place, date=tx.vn_date(on, t)),
            Font(size=11, italic=True),
        ),
    ]
    for i, (text, font) in enumerate(left, start=1):
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=split)
        cell = ws.cell(row=i, column=1, value=text)
        cell.font, cell.alignment = font, CENTER
    for i, (text, font) in enumerate(right, start=1):
        ws.merge_cells(start_row=i, start_column=split + 1, end_row=i, end_column=columns)
        cell = ws.cell(row=i, column=split + 1, value=text)
        cell.font, cell.alignment = font, CENTER
    return len(right) + 2


def _line(
    ws: Worksheet, row: int, columns: int, text: str, font: Font, align: Alignment = CENTER
) -> int:
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)
    cell = ws.cell(row=row, column=1, value=text)
    cell.font, cell.alignment = font, align
    return row + 1


def _table_head(
    ws: Worksheet, t: Mapping[str, str], row: int, columns: Sequence[tuple[str, int]]
) -> None:
    for c, (key, width) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=c, value=tx.plain(t[key]).replace("\n", " "))
        cell.font, cell.alignment, cell.border, cell.fill = (
            Font(bold=True),
            CENTER,
            BORDER,
            HEAD_FILL,
        )
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[row].height = 45
    ws.freeze_panes = ws.cell(row=row + 1, column=1)
    ws.print_title_rows = f"{row}:{row}"


def _table_row(ws: Worksheet, row: int, values: Sequence[Any]) -> None:
    for c, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=c, value=value)
        cell.border, cell.alignment = BORDER, WRAP
        if isinstance(value, datetime):
            cell.number_format = DATETIME_FORMAT


def _page_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _save(wb: Workbook, title: str) -> bytes:
    wb.properties.title = title
    wb.properties.creator = "egov"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def register_xlsx(
    rows: Sequence[RegisterRow],
    period: Period,
    agency: AgencyHeader,
    *,
    book: str = "",
    issued_on: date | None = None,
    texts: Mapping[str, str] | None = None,
) -> bytes:
    """Form 07, the register for ``period``: one row per dossier, the columns of the PDF."""
    t = tx.merged(texts)
    wb = Workbook()
    ws = wb.active
    assert ws is not None  # a new workbook always has a sheet
    ws.title = tx.plain(t["register.sheet"])[:31]
    n = len(REGISTER_COLUMNS)
    row = _header(ws, t, agency, issued_on or period.end, n)
    row = _line(ws, row, n, tx.plain(t["register.title"]), Font(size=14, bold=True))
    row = _line(
        ws,
        row,
        n,
        tx.plain_text(
            t,
            "register.period",
            start=tx.short_date(period.start, t),
            end=tx.short_date(period.end, t),
        ),
        Font(size=11),
    )
    if book:
        row = _line(ws, row, n, tx.plain_text(t, "register.book", book=book), Font(size=11))
    row += 1
    _table_head(ws, t, row, REGISTER_COLUMNS)
    first = row + 1
    for i, r in enumerate(rows, start=1):
        contact = ", ".join(x for x in (r.applicant_address, r.applicant_phone) if x)
        _table_row(
            ws,
            row + i,
            [
                i,
                r.code,
                r.procedure_name,
                r.sets,
                r.applicant_name,
                contact,
                r.handling_agency,
                _excel_time(r.received_at),
                _excel_time(r.appointment_at),
                _excel_time(r.transferred_at),
                _excel_time(r.result_received_at),
                _excel_time(r.returned_at),
                None,
                r.note,
            ],
        )
    if rows:
        ws.auto_filter.ref = f"A{row}:{get_column_letter(n)}{row + len(rows)}"
    _page_setup(ws)
    last = first + len(rows)
    _line(
        ws,
        last + 1,
        n,
        tx.plain_text(t, "register.count", count=len(rows))
        if rows
        else tx.plain(t["register.empty"]),
        Font(italic=True),
        Alignment(horizontal="left"),
    )
    title = (
        f"{tx.plain(t['register.title']).capitalize()} – {agency.name} – "
        f"{tx.short_date(period.start, t)}–{tx.short_date(period.end, t)}"
    )
    return _save(wb, title)


def control_slip_xlsx(
    dossier: SlipDossier,
    agency: AgencyHeader,
    slip: ControlSlip,
    *,
    issued_on: date | None = None,
    texts: Mapping[str, str] | None = None,
) -> bytes:
    """Form 06, the control slip: the dossier, then one row per hand-over."""
    t = tx.merged(texts)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = tx.plain(t["control.sheet"])[:31]
    n = len(CONTROL_COLUMNS)
    on = issued_on or tx.local(dossier.received_at).date()
    row = _header(ws, t, agency, on, n)
    row = _line(ws, row, n, tx.plain(t["control.title"]), Font(size=14, bold=True))
    row = _line(ws, row, n, tx.plain_text(t, "control.code", code=dossier.code), Font(size=11))
    if slip.receipt_number:
        row = _line(
            ws,
            row,
            n,
            tx.plain_text(t, "control.attached", receipt_number=slip.receipt_number),
            Font(size=11),
        )
    left = Alignment(horizontal="left", vertical="top", wrap_text=True)
    appointment = (
        tx.short_datetime(dossier.appointment_at, t) if dossier.appointment_at else t["blank"]
    )
    for line in (
        tx.plain_text(t, "control.applicant", applicant=dossier.applicant_name),
        tx.plain_text(t, "control.procedure", procedure=dossier.procedure_name),
        tx.plain_text(
            t,
            "control.dates",
            received=tx.short_datetime(dossier.received_at, t),
            appointment=appointment,
        ),
        tx.plain_text(
            t,
            "control.handling",
            handling=slip.handling_agency or dossier.handling_agency or t["blank"],
        ),
        tx.plain_text(
            t,
            "control.coordinating",
            coordinating="; ".join(slip.coordinating_agencies) or t["blank"],
        ),
    ):
        row = _line(ws, row, n, line, Font(size=11), left)
    row += 1
    _table_head(ws, t, row, CONTROL_COLUMNS)
    for i, h in enumerate(slip.hand_overs, start=1):
        _table_row(
            ws,
            row + i,
            [
                i,
                h.from_unit,
                h.to_unit,
                _excel_time(h.at),
                _excel_time(h.due_at),
                h.result_note,
                h.sender,
                h.receiver,
            ],
        )
        ws.row_dimensions[row + i].height = 40  # room for a signature on the printout
    _page_setup(ws)
    return _save(wb, f"{tx.plain(t['control.title']).capitalize()} – {dossier.code}")
