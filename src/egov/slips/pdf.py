"""The one-stop forms as PDF: one function per form, each returning a ``SlipResult``.

Pure rendering: the functions read only their arguments (``data.py``) and the wording
(``texts.py``), and write nothing. Every form has:

- the small form number at the top right ("Mẫu số 01"; configurable, empty to hide);
- the national header: on the left the governing body and the agency (bold), a short rule and
  "Số: …"; on the right the national name and motto (bold), a rule under the motto as long as
  the motto, and the place and date line in italics;
- the title, the body, the signature blocks;
- on the slips given to citizens (01–05), a QR code to the public lookup page with the dossier
  code and the lookup secret printed beside it.

Page layout follows Decree 30/2020/NĐ-CP: A4, margins 20 mm top and bottom, 30 mm left, 15 mm
right (the register is A4 landscape), page numbers from page 2 at the top centre.

``SlipResult.text`` is the transcript of what was written, in reading order: the PDF stores
text as glyph indices of the embedded font subset, so the transcript is what tests, screen
readers and e-mail bodies use.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    LongTable,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from egov.slips import texts as tx
from egov.slips.data import (
    AgencyHeader,
    Apology,
    ControlSlip,
    Period,
    Refusal,
    RegisterRow,
    Signer,
    SlipDossier,
    StopNotice,
    SupplementRequest,
)
from egov.slips.fonts import BOLD, ITALIC, REGULAR, register_fonts
from egov.slips.qr import QRFlowable

__all__ = [
    "SlipResult",
    "apology_slip",
    "control_slip",
    "receipt_slip",
    "refusal_slip",
    "register",
    "stop_notice",
    "supplement_request",
]

PORTRAIT = A4
MARGINS = {"top": 20 * mm, "bottom": 20 * mm, "left": 30 * mm, "right": 15 * mm}
REGISTER_MARGINS = {"top": 15 * mm, "bottom": 15 * mm, "left": 15 * mm, "right": 15 * mm}
QR_SIZE = 30 * mm
HEADER_SIZE = 10.5
BODY_SIZE = 11
GRID = colors.black


@dataclass(frozen=True)
class SlipResult:
    """A rendered form: the PDF and the plain-text transcript of what it says."""

    pdf: bytes
    text: str
    title: str


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=BODY_SIZE, leading=15)
    hdr = ParagraphStyle("hdr", base, fontSize=HEADER_SIZE, leading=13.5, alignment=TA_CENTER)
    return {
        "body": ParagraphStyle("body", base, spaceBefore=1.5, spaceAfter=1.5),
        "prose": ParagraphStyle(
            "prose", base, alignment=TA_JUSTIFY, firstLineIndent=10 * mm, spaceAfter=4
        ),
        "item": ParagraphStyle("item", base, leftIndent=8 * mm, spaceBefore=1, spaceAfter=1),
        "hdr": hdr,
        "hdr_bold": ParagraphStyle("hdr_bold", hdr, fontName=BOLD),
        "hdr_italic": ParagraphStyle("hdr_italic", hdr, fontName=ITALIC, fontSize=BODY_SIZE),
        "form_no": ParagraphStyle(
            "form_no", base, fontSize=8.5, leading=10, alignment=TA_RIGHT, textColor=colors.grey
        ),
        "title": ParagraphStyle(
            "title",
            base,
            fontName=BOLD,
            fontSize=13,
            leading=17,
            alignment=TA_CENTER,
            spaceBefore=16,
            spaceAfter=2,
        ),
        "subtitle": ParagraphStyle("subtitle", base, alignment=TA_CENTER, spaceAfter=8),
        "sign_title": ParagraphStyle(
            "sign_title", base, fontName=BOLD, fontSize=BODY_SIZE, alignment=TA_CENTER
        ),
        "sign_hint": ParagraphStyle(
            "sign_hint", base, fontName=ITALIC, fontSize=9.5, leading=12, alignment=TA_CENTER
        ),
        "sign_name": ParagraphStyle("sign_name", base, fontName=BOLD, alignment=TA_CENTER),
        "recipients_head": ParagraphStyle(
            "recipients_head", base, fontName=BOLD, fontSize=9.5, leading=12
        ),
        "recipients": ParagraphStyle("recipients", base, fontSize=8.5, leading=10.5),
        "qr": ParagraphStyle("qr", base, fontSize=9.5, leading=12.5, alignment=TA_LEFT),
        "cell": ParagraphStyle("cell", base, fontSize=8.5, leading=10.5),
        "cell_head": ParagraphStyle(
            "cell_head", base, fontName=BOLD, fontSize=8.5, leading=10.5, alignment=TA_CENTER
        ),
        "cell_center": ParagraphStyle(
            "cell_center", base, fontSize=8.5, leading=10.5, alignment=TA_CENTER
        ),
        "reg": ParagraphStyle("reg", base, fontSize=7, leading=8.5),
        "reg_head": ParagraphStyle(
            "reg_head", base, fontName=BOLD, fontSize=7, leading=8.5, alignment=TA_CENTER
        ),
        "reg_center": ParagraphStyle(
            "reg_center", base, fontSize=7, leading=8.5, alignment=TA_CENTER
        ),
    }


def _table_style(commands: list[tuple[Any, ...]]) -> TableStyle:
    """A table style whose default font is ours (else reportlab declares Helvetica)."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), *commands])


class _Rule(Flowable):
    """A horizontal line of ``length`` points, centred in the available width."""

    def __init__(self, length: float, space: float = 3) -> None:
        super().__init__()
        self.length = length
        self.space = space

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.avail = availWidth
        return availWidth, 2 * self.space

    def draw(self) -> None:
        x = (self.avail - self.length) / 2
        self.canv.setLineWidth(0.6)
        self.canv.line(x, self.space, x + self.length, self.space)


class _Slip:
    """One document being built: its flowables and the transcript of what they say."""

    def __init__(self, texts: Mapping[str, str] | None, *, width: float) -> None:
        self.t = tx.merged(texts)
        self.s = _styles()
        self.width = width
        self.story: list[Flowable] = []
        self.lines: list[str] = []

    # --- wording ---------------------------------------------------------------------------

    def tr(self, key: str, **values: Any) -> str:
        """The template ``key`` as paragraph markup, with escaped values."""
        return self.t[key].format_map({k: escape(str(v)) for k, v in values.items()})

    def plain(self, key: str) -> str:
        """The template ``key`` as plain text (for PDF metadata)."""
        return tx.plain(self.t[key])

    def or_blank(self, value: str) -> str:
        return value or self.t["blank"]

    def dt(self, value: datetime | None) -> str:
        return tx.vn_datetime(value, self.t) if value else self.t["blank_datetime"]

    def d(self, value: date | datetime | None) -> str:
        return tx.vn_date(value, self.t) if value else self.t["blank_date"]

    # --- flowables -------------------------------------------------------------------------

    def p(self, markup: str, style: str = "body") -> Paragraph:
        """A paragraph, recorded in the transcript (for use inside tables)."""
        self.lines.append(tx.plain(markup))
        return Paragraph(markup, self.s[style])

    def add(self, markup: str, style: str = "body") -> None:
        self.story.append(self.p(markup, style))

    def header(self, agency: AgencyHeader, *, form_key: str, number: str | None, on: date) -> None:
        """The form number, then the national header; ``number=None`` omits the "Số:" line."""
        if self.t[f"{form_key}.form"]:
            self.add(self.t[f"{form_key}.form"], "form_no")
        left: list[Flowable] = [
            self.p(escape(agency.parent_name.upper()), "hdr"),
            self.p(escape(agency.name.upper()), "hdr_bold"),
            _Rule(28 * mm),
        ]
        if number is not None:
            left.append(self.p(self.tr("number", number=self.or_blank(number)), "hdr"))
        motto = tx.plain(self.t["motto"])
        right = [
            self.p(self.t["national_name"], "hdr_bold"),
            self.p(self.t["motto"], "hdr_bold"),
            _Rule(stringWidth(motto, BOLD, HEADER_SIZE)),
            self.p(
                self.tr("place_date", place=agency.place, date=tx.vn_date(on, self.t)), "hdr_italic"
            ),
        ]
        self.story.append(
            Table(
                [[left, right]],
                colWidths=[0.42 * self.width, 0.58 * self.width],
                style=_table_style(
                    [
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("LEFTPADDING", (0, 0), (-1, -1), 2),
                        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                    ]
                ),
            )
        )

    def title(self, key: str) -> None:
        self.add(self.t[key], "title")

    def signatures(
        self,
        left: Signer | None,
        right: Signer | None,
        *,
        seal: bool = False,
        recipients: Sequence[str] | None = None,
    ) -> Flowable:
        """Two columns: a signer or the "Nơi nhận" list on the left, a signer on the right."""

        def block(signer: Signer | None) -> list[Flowable]:
            if signer is None:
                return []
            cell = [self.p(escape(line), "sign_title") for line in signer.title.split("\n")]
            cell.append(self.p(self.t["sign_seal_hint" if seal else "sign_hint"], "sign_hint"))
            cell.append(Spacer(1, 24 * mm))
            if signer.name:
                cell.append(self.p(escape(signer.name), "sign_name"))
            return cell

        if recipients is not None:
            lines = [self.t["recipients_first"]]
            lines += [self.tr("recipient", name=r) for r in recipients]
            lines.append(self.t["recipients_last"])
            left_cell = [self.p(f"<i>{self.t['recipients']}</i>", "recipients_head")]
            left_cell += [self.p(line, "recipients") for line in lines]
            right_cell = block(right)
        else:
            left_cell, right_cell = block(left), block(right)
        return Table(
            [[left_cell, right_cell]],
            colWidths=[0.45 * self.width, 0.55 * self.width],
            style=_table_style([("VALIGN", (0, 0), (-1, -1), "TOP")]),
            spaceBefore=10,
        )

    def qr_block(self, dossier: SlipDossier) -> Flowable:
        site = dossier.lookup_page or urlsplit(dossier.lookup_url).netloc or dossier.lookup_url
        text = [
            self.p(self.tr("qr_note", site=site), "qr"),
            self.p(self.tr("qr_code", code=dossier.code), "qr"),
            self.p(self.tr("qr_secret", secret=dossier.lookup_secret), "qr"),
        ]
        return Table(
            [[QRFlowable(dossier.lookup_url, QR_SIZE), text]],
            colWidths=[QR_SIZE + 4, self.width - QR_SIZE - 4],
            style=_table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("LEFTPADDING", (0, 0), (0, 0), 0),
                    ("LINEABOVE", (0, 0), (-1, 0), 0.4, colors.grey, None, (2, 2)),
                ]
            ),
            spaceBefore=8,
        )

    def applicant_lines(self, dossier: SlipDossier) -> None:
        self.add(self.tr("address", address=self.or_blank(dossier.applicant_address)))
        self.add(
            self.tr(
                "contact",
                phone=self.or_blank(dossier.applicant_phone),
                email=self.or_blank(dossier.applicant_email),
            )
        )
        request = self.tr("request", procedure=dossier.procedure_name)
        if dossier.procedure_code:
            request += self.tr("procedure_code", procedure_code=dossier.procedure_code)
        self.add(request)

    # --- output ----------------------------------------------------------------------------

    def letter_opening(self, form: str, dossier: SlipDossier, agency: AgencyHeader) -> None:
        """The start of forms written as a letter to the applicant (04, 05): addressee, the
        dossier received on which date for which procedure, and its code."""
        self.story.append(Spacer(1, 8))
        self.add(self.tr(f"{form}.to", applicant=dossier.applicant_name), "subtitle")
        self.add(
            self.tr(
                f"{form}.received",
                received_date=_capitalized(self.d(dossier.received_at)),
                agency=agency.name,
                procedure=dossier.procedure_name,
            ),
            "prose",
        )
        self.add(self.tr(f"{form}.code", code=dossier.code), "prose")

    def finish_citizen_slip(
        self, form: str, dossier: SlipDossier, signatures: Flowable, *, compress: bool
    ) -> SlipResult:
        """The end of every slip handed to the applicant (01-05): the signatures kept on one
        page with the QR code to the lookup, then the PDF with its metadata."""
        self.story.append(KeepTogether([signatures, self.qr_block(dossier)]))
        return self.build(
            title=_title(self, f"{form}.title", dossier.code),
            subject=dossier.procedure_name,
            keywords=self.plain(f"{form}.form"),
            compress=compress,
        )

    def build(
        self,
        *,
        title: str,
        subject: str,
        keywords: str,
        compress: bool,
        landscape_page: bool = False,
    ) -> SlipResult:
        buf = io.BytesIO()
        margins = REGISTER_MARGINS if landscape_page else MARGINS
        t = self.t

        def page_number(canv: Canvas, doc: SimpleDocTemplate) -> None:
            canv.saveState()
            canv.setFont(REGULAR, 10)
            h = doc.pagesize[1]
            canv.drawCentredString(
                margins["left"] + doc.width / 2,
                h - margins["top"] / 2,
                tx.plain(t["page"].format(page=doc.page)),
            )
            canv.restoreState()

        doc = SimpleDocTemplate(
            buf,
            pagesize=landscape(A4) if landscape_page else PORTRAIT,
            leftMargin=margins["left"],
            rightMargin=margins["right"],
            topMargin=margins["top"],
            bottomMargin=margins["bottom"],
            title=title,
            author="egov",
            creator="egov",
            subject=subject,
            keywords=keywords,
            lang="vi-VN",
            pageCompression=1 if compress else 0,
            invariant=0 if compress else 1,
            displayDocTitle=1,
            initialFontName=REGULAR,
        )
        doc.build(self.story, onFirstPage=lambda c, d: None, onLaterPages=page_number)
        return SlipResult(pdf=buf.getvalue(), text="\n".join(self.lines), title=title)


PORTRAIT_WIDTH = PORTRAIT[0] - MARGINS["left"] - MARGINS["right"]
LANDSCAPE_WIDTH = landscape(A4)[0] - REGISTER_MARGINS["left"] - REGISTER_MARGINS["right"]


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def _title(slip: _Slip, key: str, code: str) -> str:
    """The PDF title: the form's title in sentence case, then the dossier code."""
    title = slip.plain(key).capitalize()
    return f"{title} – {code}" if code else title


# --- 01 ------------------------------------------------------------------------------------


def receipt_slip(
    dossier: SlipDossier,
    agency: AgencyHeader,
    *,
    number: str = "",
    texts: Mapping[str, str] | None = None,
    compress: bool = True,
) -> SlipResult:
    """Mẫu 01: Giấy tiếp nhận hồ sơ và hẹn trả kết quả, dated the day of receipt.

    ``compress=False`` writes uncompressed, reproducible output (for tests and debugging).
    """
    s = _Slip(texts, width=PORTRAIT_WIDTH)
    s.header(agency, form_key="receipt", number=number, on=tx.local(dossier.received_at).date())
    s.title("receipt.title")
    s.add(s.tr("receipt.code", code=dossier.code), "subtitle")
    s.add(s.tr("receipt.intro", agency=agency.name, applicant=dossier.applicant_name))
    if dossier.applicant_id_number:
        s.add(s.tr("receipt.id_number", id_number=dossier.applicant_id_number))
    s.applicant_lines(dossier)
    s.add(s.tr("receipt.channel", channel=s.t[f"channel.{dossier.channel.value}"]))
    s.add(s.tr("receipt.components"))
    for n, c in enumerate(dossier.components, start=1):
        line = s.tr("receipt.component", n=n, name=c.name)
        counts = [
            tx.plain(s.tr(key, n=count))
            for key, count in (("receipt.originals", c.originals), ("receipt.copies", c.copies))
            if count
        ]
        if counts:
            line += s.tr("receipt.component_counts", counts=", ".join(counts))
        s.add(line, "item")
    if not dossier.components:
        s.add(s.t["blank"], "item")
    s.add(s.tr("receipt.sets", sets=dossier.sets))
    s.add(s.tr("receipt.processing_time", processing_time=s.or_blank(dossier.processing_time)))
    s.add(s.tr("receipt.received", received=s.dt(dossier.received_at)))
    s.add(s.tr("receipt.appointment", appointment=s.dt(dossier.appointment_at)))
    s.add(s.tr("receipt.delivery", delivery=s.or_blank(dossier.result_delivery)))
    signatures = s.signatures(
        Signer(title=s.t["receipt.sign_left"], name=dossier.applicant_name),
        Signer(title=s.t["receipt.sign_right"], name=dossier.receiving_officer),
    )
    return s.finish_citizen_slip("receipt", dossier, signatures, compress=compress)


# --- 02 ------------------------------------------------------------------------------------


def supplement_request(
    dossier: SlipDossier,
    agency: AgencyHeader,
    request: SupplementRequest,
    *,
    number: str = "",
    texts: Mapping[str, str] | None = None,
    compress: bool = True,
) -> SlipResult:
    """Mẫu 02: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ."""
    s = _Slip(texts, width=PORTRAIT_WIDTH)
    s.header(agency, form_key="supplement", number=number, on=request.issued_on)
    s.title("supplement.title")
    s.story.append(Spacer(1, 6))
    s.add(s.tr("supplement.applicant", applicant=dossier.applicant_name))
    s.add(s.tr("supplement.code", code=dossier.code, received=s.dt(dossier.received_at)))
    s.applicant_lines(dossier)
    s.add(s.tr("supplement.items"))
    for n, item in enumerate(request.items, start=1):
        s.add(s.tr("supplement.item", n=n, text=item), "item")
    if request.reason:
        s.add(s.tr("supplement.reason", reason=request.reason))
    s.add(
        s.tr(
            "supplement.contact",
            contact_name=s.or_blank(request.contact_name),
            contact_phone=s.or_blank(request.contact_phone or agency.phone),
        ),
        "prose",
    )
    signatures = s.signatures(None, request.officer)
    return s.finish_citizen_slip("supplement", dossier, signatures, compress=compress)


# --- 03 ------------------------------------------------------------------------------------


def refusal_slip(
    dossier: SlipDossier,
    agency: AgencyHeader,
    refusal: Refusal,
    *,
    number: str = "",
    texts: Mapping[str, str] | None = None,
    compress: bool = True,
) -> SlipResult:
    """Mẫu 03: Phiếu từ chối tiếp nhận giải quyết hồ sơ."""
    s = _Slip(texts, width=PORTRAIT_WIDTH)
    s.header(agency, form_key="refusal", number=number, on=refusal.issued_on)
    s.title("refusal.title")
    s.story.append(Spacer(1, 6))
    s.add(s.tr("refusal.intro", agency=agency.name, applicant=dossier.applicant_name))
    s.applicant_lines(dossier)
    s.add(s.tr("refusal.reasons", agency=agency.name), "prose")
    for reason in refusal.reasons:
        s.add(s.tr("refusal.reason", text=reason), "item")
    s.add(s.tr("refusal.closing"), "prose")
    signatures = s.signatures(None, refusal.officer)
    return s.finish_citizen_slip("refusal", dossier, signatures, compress=compress)


# --- 04 ------------------------------------------------------------------------------------


def apology_slip(
    dossier: SlipDossier,
    agency: AgencyHeader,
    apology: Apology,
    *,
    number: str = "",
    texts: Mapping[str, str] | None = None,
    compress: bool = True,
) -> SlipResult:
    """Mẫu 04: the apology for a late result, with the new appointment date."""
    s = _Slip(texts, width=PORTRAIT_WIDTH)
    s.header(agency, form_key="apology", number=number, on=apology.issued_on)
    s.title("apology.title")
    s.letter_opening("apology", dossier, agency)
    s.add(s.tr("apology.appointment", appointment=s.dt(dossier.appointment_at)), "prose")
    s.add(s.tr("apology.late", agency=agency.name), "prose")
    s.add(s.tr("apology.reason", reason=apology.reason), "prose")
    s.add(
        s.tr(
            "apology.sorry",
            agency=agency.name,
            new_appointment=s.dt(apology.new_appointment_at),
        ),
        "prose",
    )
    s.add(s.tr("apology.closing"), "prose")
    signatures = s.signatures(None, apology.signer, seal=True, recipients=apology.recipients)
    return s.finish_citizen_slip("apology", dossier, signatures, compress=compress)


# --- 05 ------------------------------------------------------------------------------------


def stop_notice(
    dossier: SlipDossier,
    agency: AgencyHeader,
    notice: StopNotice,
    *,
    number: str = "",
    texts: Mapping[str, str] | None = None,
    compress: bool = True,
) -> SlipResult:
    """Mẫu 05: the notice that processing of the dossier stops."""
    s = _Slip(texts, width=PORTRAIT_WIDTH)
    s.header(agency, form_key="stop", number=number, on=notice.issued_on)
    s.title("stop.title")
    s.letter_opening("stop", dossier, agency)
    if notice.legal_basis:
        s.add(s.tr("stop.basis", legal_basis=notice.legal_basis), "prose")
    stopped = s.dt(notice.stopped_at) if notice.stopped_at else s.d(notice.issued_on)
    s.add(s.tr("stop.notice", agency=agency.name, stopped=stopped), "prose")
    s.add(s.tr("stop.reason", reason=notice.reason), "prose")
    s.add(s.tr("stop.closing"), "prose")
    signatures = s.signatures(None, notice.signer, seal=True, recipients=notice.recipients)
    return s.finish_citizen_slip("stop", dossier, signatures, compress=compress)


# --- 06 ------------------------------------------------------------------------------------

CONTROL_COLUMNS = (
    ("seq", 10),
    ("units", 36),
    ("at", 22),
    ("due", 22),
    ("result", 25),
    ("sender", 25),
    ("receiver", 25),
)  # widths in mm, 165 in all


def control_slip(
    dossier: SlipDossier,
    agency: AgencyHeader,
    slip: ControlSlip,
    *,
    number: str = "",
    issued_on: date | None = None,
    texts: Mapping[str, str] | None = None,
    compress: bool = True,
) -> SlipResult:
    """Mẫu 06: the processing control slip, one row per hand-over with signature columns.

    Dated ``issued_on``, by default the day of receipt (it is opened with the dossier). Rows
    are padded with blank ones up to ``slip.min_rows``, to be filled by hand.
    """
    s = _Slip(texts, width=PORTRAIT_WIDTH)
    on = issued_on or tx.local(dossier.received_at).date()
    s.header(agency, form_key="control", number=number, on=on)
    s.title("control.title")
    s.add(s.tr("control.code", code=dossier.code), "subtitle")
    if slip.receipt_number:
        s.add(s.tr("control.attached", receipt_number=slip.receipt_number), "subtitle")
    s.add(s.tr("control.applicant", applicant=dossier.applicant_name))
    s.add(s.tr("control.procedure", procedure=dossier.procedure_name))
    s.add(
        s.tr(
            "control.dates",
            received=tx.short_datetime(dossier.received_at, s.t),
            appointment=tx.short_datetime(dossier.appointment_at, s.t)
            if dossier.appointment_at
            else s.t["blank"],
        )
    )
    handling = slip.handling_agency or dossier.handling_agency
    s.add(s.tr("control.handling", handling=s.or_blank(handling)))
    s.add(
        s.tr(
            "control.coordinating",
            coordinating=s.or_blank("; ".join(slip.coordinating_agencies)),
        )
    )
    s.story.append(Spacer(1, 6))

    rows: list[list[Any]] = [
        [s.p(s.t[f"control.col.{key}"], "cell_head") for key, _ in CONTROL_COLUMNS]
    ]

    def sign_cell(name: str) -> list[Flowable]:
        cell: list[Flowable] = [Spacer(1, 13 * mm)]
        if name:
            cell.append(s.p(escape(name), "cell_center"))
        return cell

    for n, h in enumerate(slip.hand_overs, start=1):
        rows.append(
            [
                s.p(str(n), "cell_center"),
                s.p(s.tr("control.units", from_unit=h.from_unit, to_unit=h.to_unit), "cell"),
                s.p(_when(s, h.at), "cell_center"),
                s.p(_when(s, h.due_at), "cell_center"),
                s.p(escape(h.result_note), "cell"),
                sign_cell(h.sender),
                sign_cell(h.receiver),
            ]
        )
    for n in range(len(slip.hand_overs) + 1, max(slip.min_rows, len(slip.hand_overs)) + 1):
        rows.append(
            [
                s.p(str(n), "cell_center"),
                s.p(s.t["control.blank_units"], "cell"),
                "",
                "",
                "",
                sign_cell(""),
                sign_cell(""),
            ]
        )
    s.story.append(
        LongTable(
            rows,
            colWidths=[w * mm for _, w in CONTROL_COLUMNS],
            repeatRows=1,
            style=_table_style(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, GRID),
                    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                    ("VALIGN", (0, 1), (-1, -1), "TOP"),
                    ("VALIGN", (5, 1), (6, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 3),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ]
            ),
        )
    )
    return s.build(
        title=_title(s, "control.title", dossier.code),
        subject=dossier.procedure_name,
        keywords=s.plain("control.form"),
        compress=compress,
    )


# --- 07 ------------------------------------------------------------------------------------

REGISTER_COLUMNS = (
    ("seq", 8),
    ("code", 26),
    ("procedure", 34),
    ("sets", 10),
    ("applicant", 24),
    ("contact", 25),
    ("handling", 20),
    ("received", 18),
    ("appointment", 18),
    ("transferred", 18),
    ("result_received", 18),
    ("returned", 18),
    ("signature", 14),
    ("note", 16),
)  # widths in mm: 267, the landscape page less two 15 mm margins


def _when(s: _Slip, value: datetime | None) -> str:
    """A date and time for a narrow table cell: the time, a line break, the date."""
    return escape(tx.short_datetime(value, s.t)).replace(" ", "<br/>", 1) if value else ""


def _code_markup(code: str) -> str:
    """A dossier code that may break after its agency part in a narrow column."""
    head, sep, tail = code.partition("-")
    return f"{escape(head)}{sep}<br/>{escape(tail)}" if sep else escape(code)


def register(
    rows: Sequence[RegisterRow],
    period: Period,
    agency: AgencyHeader,
    *,
    book: str = "",
    issued_on: date | None = None,
    texts: Mapping[str, str] | None = None,
    compress: bool = True,
) -> SlipResult:
    """Mẫu 07: Sổ theo dõi hồ sơ for ``period``, A4 landscape, the column titles on every page.

    Dated ``issued_on``, by default the last day of the period.
    """
    s = _Slip(texts, width=LANDSCAPE_WIDTH)
    s.header(agency, form_key="register", number=None, on=issued_on or period.end)
    s.title("register.title")
    s.add(
        s.tr(
            "register.period",
            start=tx.short_date(period.start, s.t),
            end=tx.short_date(period.end, s.t),
        ),
        "subtitle",
    )
    if book:
        s.add(s.tr("register.book", book=book), "subtitle")

    table: list[list[Any]] = [
        [s.p(s.t[f"register.col.{key}"], "reg_head") for key, _ in REGISTER_COLUMNS]
    ]

    for n, r in enumerate(rows, start=1):
        contact = ", ".join(x for x in (r.applicant_address, r.applicant_phone) if x)
        table.append(
            [
                s.p(str(n), "reg_center"),
                _cell(s, r.code, _code_markup(r.code)),
                s.p(escape(r.procedure_name), "reg"),
                s.p(str(r.sets), "reg_center"),
                s.p(escape(r.applicant_name), "reg"),
                s.p(escape(contact), "reg"),
                s.p(escape(r.handling_agency), "reg"),
                s.p(_when(s, r.received_at), "reg_center"),
                s.p(_when(s, r.appointment_at), "reg_center"),
                s.p(_when(s, r.transferred_at), "reg_center"),
                s.p(_when(s, r.result_received_at), "reg_center"),
                s.p(_when(s, r.returned_at), "reg_center"),
                "",
                s.p(escape(r.note), "reg"),
            ]
        )
    s.story.append(
        LongTable(
            table,
            colWidths=[w * mm for _, w in REGISTER_COLUMNS],
            repeatRows=1,
            style=_table_style(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                    ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
                    ("VALIGN", (0, 1), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 2),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 2),
                ]
            ),
            spaceBefore=4,
        )
    )
    s.story.append(Spacer(1, 6))
    s.add(s.tr("register.count", count=len(rows)) if rows else s.t["register.empty"])
    title = (
        f"{s.plain('register.title').capitalize()} – {agency.name} – "
        f"{tx.short_date(period.start, s.t)}–{tx.short_date(period.end, s.t)}"
    )
    return s.build(
        title=title,
        subject=agency.name,
        keywords=s.plain("register.form"),
        compress=compress,
        landscape_page=True,
    )


def _cell(s: _Slip, text: str, markup: str, style: str = "reg") -> Paragraph:
    """A cell whose transcript is ``text`` while it prints ``markup`` (line breaks added)."""
    s.lines.append(text)
    return Paragraph(markup, s.s[style])
