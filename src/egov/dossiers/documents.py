"""The official one-stop forms of a dossier (Circular 03/2025/TT-VPCP, forms 01-07), built
from the models and rendered by ``egov.slips``.

This module reads (it writes nothing) and turns rows into the dataclasses of
``egov.slips.data``:

- ``slip_dossier(dossier)``: the dossier and the applicant, the components handed in (the
  ``DossierFile`` rows of kind component), the dates, the code, the lookup secret and the
  URL of the public lookup page (``lookup_url``), which the QR code encodes;
- ``agency_header(agency)``: the issuing agency, its governing body (the parent agency) and
  the place of the date line (the province of the agency's administrative unit);
- one function per form, each returning a ``SlipResult`` (the PDF and its transcript):
  ``receipt`` (01), ``supplement_request`` (02), ``refusal`` (03), ``apology`` (04),
  ``stop_notice`` (05), ``control_slip`` (06), ``register`` (07); ``control_slip_xlsx`` and
  ``register_xlsx`` give the Excel versions of 06 and 07;
- ``dossier_document`` and ``register_document``: the downloads the pages and the API serve
  (content, type and file name), after ``register_agency_get`` and ``register_period`` have
  checked the reader's scope and the period.

Each form checks that the dossier went through the step the form records: form 03 of a
dossier that was never refused raises ``Conflict`` (code ``slip_unavailable``), not a crash.
Callers check who may read the dossier first (``selectors.staff_dossier_get`` or
``selectors.citizen_dossier_get``).

The forms are printed in Vietnamese whatever the reader's language, as the official forms
are; the few words this module adds to them (signature titles, the result notes of the
control slip) are in ``WORDING`` for the same reason, and a province can change them there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from urllib.parse import quote

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.validators import phone_for_display
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.dossiers.models import Dossier, DossierEvent, DossierFile, DossierState
from egov.dossiers.selectors import STAFF_ROLES
from egov.organizations import permissions as org_permissions
from egov.organizations.models import AdministrativeUnit, Agency, StaffAssignment
from egov.procedures.models import TimeUnit
from egov.slips import excel, pdf
from egov.slips import texts as slip_texts
from egov.slips.data import (
    AgencyHeader,
    Apology,
    Channel,
    Component,
    ControlSlip,
    HandOver,
    Period,
    Refusal,
    RegisterRow,
    Signer,
    SlipDossier,
    StopNotice,
    SupplementRequest,
)
from egov.slips.pdf import SlipResult

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User

__all__ = [
    "CITIZEN_FORMS",
    "LOOKUP_PATH",
    "MAX_REGISTER_DAYS",
    "STAFF_FORMS",
    "WORDING",
    "Document",
    "agency_header",
    "apology",
    "control_slip",
    "control_slip_xlsx",
    "dossier_document",
    "lookup_url",
    "receipt",
    "refusal",
    "register",
    "register_agency_get",
    "register_document",
    "register_period",
    "register_xlsx",
    "slip_dossier",
    "stop_notice",
    "supplement_request",
]

# The public lookup page (the citizens' URL module names it "dossiers:lookup").
LOOKUP_PATH = "/lookup/"
# Forms a citizen downloads for their own dossier, and forms officers download.
CITIZEN_FORMS = ("01", "02", "03", "04", "05")
STAFF_FORMS = (*CITIZEN_FORMS, "06")
MAX_REGISTER_DAYS = 366

# Vietnamese words this module adds to the forms (see the module docstring).
WORDING = {
    "working_days": "{n} ngày làm việc",
    "working_hours": "{n} giờ làm việc",
    "guide": "NGƯỜI HƯỚNG DẪN",
    "receiver": "NGƯỜI TIẾP NHẬN HỒ SƠ",
    "head": "THỦ TRƯỞNG CƠ QUAN",
    "before_time": "Trước hạn",
    "on_time": "Đúng hạn",
    "late": "Quá hạn",
    "result": "Kết quả giải quyết",
    "returned": "Trả lại bước trước: {reason}",
    "recalled": "Thu hồi do chuyển nhầm: {reason}",
    "applicant": "Tổ chức, cá nhân",
    "supplement_requested": "Yêu cầu bổ sung hồ sơ ngày {date}",
    "supplemented": "Đã bổ sung hồ sơ ngày {date}",
    "apology": "Xin lỗi, hẹn lại ngày trả kết quả: {date}",
    "stopped": "Dừng giải quyết ngày {date}",
    "register_stopped": "Dừng giải quyết",
    "register_withdrawn": "Đã rút hồ sơ",
    "register_withdrawal": "Xin rút hồ sơ",
}


# --- common pieces --------------------------------------------------------------------------


def lookup_url(code: str, base: str = "") -> str:
    """The public lookup page of dossier ``code``: ``base`` (by default the setting
    ``EGOV_PUBLIC_URL``) followed by ``/lookup/?code=<code>``."""
    base = (base or getattr(settings, "EGOV_PUBLIC_URL", "")).rstrip("/")
    return f"{base}{LOOKUP_PATH}?code={quote(code, safe='')}"


def _local_date(value: datetime) -> date:
    return timezone.localtime(value).date()


def _person(event: DossierEvent | None) -> str:
    """The name of who took the action recorded by ``event``."""
    if event is None:
        return ""
    if event.actor is not None:
        return event.actor.get_full_name() or event.actor_label
    return "" if event.actor_label == "system" else event.actor_label


def _processing_time(value: Decimal, unit: str) -> str:
    number = format(value.normalize(), "f").replace(".", ",")
    key = "working_hours" if unit == TimeUnit.WORKING_HOURS else "working_days"
    return WORDING[key].format(n=number)


def _events(dossier: Dossier) -> list[DossierEvent]:
    """The timeline, oldest first."""
    return list(
        dossier.events.select_related("actor", "from_agency", "to_agency").order_by("at", "pk")
    )


def _last_event(dossier: Dossier, *actions: str) -> DossierEvent | None:
    found = [e for e in _events(dossier) if e.action in actions]
    return found[-1] if found else None


def _unavailable(message: str) -> Conflict:
    return Conflict(message, code="slip_unavailable")


def _components(dossier: Dossier) -> list[Component]:
    """The components handed in: one per procedure component with files (in the procedure's
    order), then files tied to no component. Paper counts (originals, copies) only for
    dossiers handed in on paper (at the desk or by post)."""
    on_paper = dossier.channel != Channel.ONLINE
    files = sorted(
        dossier.files.filter(kind=DossierFile.Kind.COMPONENT).select_related("component"),
        key=lambda f: (f.component is None, f.component.order if f.component else 0, f.pk),
    )
    out: list[Component] = []
    seen: set[int] = set()
    for f in files:
        c = f.component
        if c is None:
            out.append(Component(f.name))
        elif c.pk not in seen:
            seen.add(c.pk)
            out.append(
                Component(c.name, c.originals if on_paper else 0, c.copies if on_paper else 0)
            )
    return out


def _province(agency: Agency) -> AdministrativeUnit | None:
    """The province of the administrative unit of ``agency`` or of its nearest ancestor."""
    a: Agency | None = agency
    while a is not None and a.administrative_unit_id is None:
        a = a.parent
    unit = a.administrative_unit if a is not None else None
    while unit is not None and unit.parent_id is not None:
        unit = unit.parent
    return unit


def agency_header(agency: Agency) -> AgencyHeader:
    """The issuing agency as printed at the top left of a form.

    The governing body is the parent agency (a department's or a service center's People's
    Committee, an internal unit's department). The place of the date line is the province
    of the agency's administrative unit (or of an ancestor's), without "Tỉnh"/"Thành phố"
    (Decree 30/2020/NĐ-CP: "Tây Ninh, ngày …", "Huế, ngày …"); a dotted line when unknown.
    """
    province = _province(agency)
    place = slip_texts.TEXTS["blank"]
    if province is not None:
        place = province.name
        for prefix in ("Thành phố ", "Tỉnh "):
            place = place.removeprefix(prefix)
    return AgencyHeader(
        parent_name=agency.parent.name if agency.parent_id and agency.parent else "",
        name=agency.name,
        place=place,
        address=agency.address,
        phone=phone_for_display(agency.phone),
        email=agency.email,
        code=agency.code,
    )


def _issuing(agency: Agency) -> Agency:
    """The agency that signs for ``agency``: itself, or for an internal unit the agency above."""
    while agency.type.is_internal_unit and agency.parent is not None:
        agency = agency.parent
    return agency


def _agency_at(dossier: Dossier, event: DossierEvent) -> Agency:
    """The agency handling ``dossier`` when ``event`` happened (from the hand-overs before it)."""
    agency = dossier.receiving_agency
    for e in _events(dossier):
        if e.to_agency is not None:
            agency = e.to_agency
        if e.pk == event.pk:
            break
    return agency


def _signer(event: DossierEvent, agency: Agency, default_title: str) -> Signer:
    """The officer who took the action, with their job title in ``agency`` (or an agency
    above or below it) when one is recorded, else ``default_title``."""
    title = ""
    if event.actor_id is not None:
        for a in (
            StaffAssignment.objects.filter(user_id=event.actor_id)
            .exclude(title="")
            .select_related("agency")
        ):
            if a.agency.path.startswith(agency.path) or agency.path.startswith(a.agency.path):
                title = a.title
                break
    return Signer(title=(title or default_title).upper(), name=_person(event))


def slip_dossier(dossier: Dossier, *, base_url: str = "") -> SlipDossier:
    """What every slip says about ``dossier``; ``base_url`` is the site's public address for
    the lookup URL (``EGOV_PUBLIC_URL`` when empty)."""
    procedure = dossier.procedure
    handling = procedure.implementing_agency or dossier.receiving_agency
    receiving = dossier.receiving_agency
    return SlipDossier(
        code=dossier.code,
        procedure_code=procedure.code,
        procedure_name=procedure.name,
        applicant_name=dossier.applicant_name,
        received_at=dossier.received_at or dossier.submitted_at,
        appointment_at=dossier.appointment_at,
        lookup_url=lookup_url(dossier.code, base_url),
        lookup_secret=dossier.lookup_secret,
        applicant_address=dossier.applicant_address,
        applicant_phone=phone_for_display(dossier.applicant_phone),
        applicant_email=dossier.applicant_email,
        applicant_id_number=dossier.applicant_id_number,
        receiving_officer=_person(_last_event(dossier, "receive")),
        components=tuple(_components(dossier)),
        channel=Channel(dossier.channel),
        processing_time=_processing_time(procedure.processing_time, procedure.time_unit),
        handling_agency=handling.name,
        result_delivery=", ".join(x for x in (receiving.name, receiving.address) if x),
    )


# --- forms 01-05 ----------------------------------------------------------------------------


def receipt(dossier: Dossier, *, base_url: str = "") -> SlipResult:
    """Form 01, the receipt and appointment slip: for a dossier the desk received."""
    if dossier.received_at is None:
        raise _unavailable(_("The receipt (form 01) is issued once the dossier is received."))
    return pdf.receipt_slip(slip_dossier(dossier, base_url=base_url), _receiving(dossier))


def _receiving(dossier: Dossier) -> AgencyHeader:
    return agency_header(dossier.receiving_agency)


def _lines(text: str) -> list[str]:
    """The lines of a comment, without empty lines and list bullets (the form numbers them)."""
    lines = (re.sub(r"^\s*(?:[-•*+]|\d+[.)])\s+", "", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def supplement_request(dossier: Dossier, *, base_url: str = "") -> SlipResult:
    """Form 02, from the latest request to complete (before receipt) or to supplement
    (during processing): its comment lists what to add, its author is the contact."""
    event = _last_event(dossier, "request_completion", "request_supplement")
    if event is None:
        raise _unavailable(
            _("Form 02 is issued only when the dossier was asked to be completed or supplemented.")
        )
    agency = _issuing(_agency_at(dossier, event))
    request = SupplementRequest(
        issued_on=_local_date(event.at),
        items=tuple(_lines(event.comment) or [event.comment]),
        contact_name=_person(event),
        contact_phone=phone_for_display(agency.phone),
        officer=Signer(title=WORDING["guide"], name=_person(event)),
    )
    return pdf.supplement_request(
        slip_dossier(dossier, base_url=base_url), agency_header(agency), request
    )


def refusal(dossier: Dossier, *, base_url: str = "") -> SlipResult:
    """Form 03, from the refusal: its comment gives the reasons, one a line."""
    event = _last_event(dossier, "refuse")
    if event is None:
        raise _unavailable(_("Form 03 is issued only for a dossier that was refused."))
    slip = Refusal(
        issued_on=_local_date(event.at),
        reasons=tuple(_lines(event.comment) or [event.comment]),
        officer=Signer(title=WORDING["receiver"], name=_person(event)),
    )
    return pdf.refusal_slip(slip_dossier(dossier, base_url=base_url), _receiving(dossier), slip)


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def apology(dossier: Dossier, *, base_url: str = "") -> SlipResult:
    """Form 04, from the apology: the previous appointment and the new one (``event.data``),
    the reason (its comment), signed by the officer who issued it for their agency."""
    event = _last_event(dossier, "apologize")
    if event is None:
        raise _unavailable(_("Form 04 is issued only when the agency apologized for a delay."))
    new = _parse_time(event.data.get("new_appointment")) or dossier.appointment_at
    assert new is not None  # an apology always sets the new appointment
    previous = _parse_time(event.data.get("previous_appointment"))
    agency = _issuing(_agency_at(dossier, event))
    base = slip_dossier(dossier, base_url=base_url)
    # The letter recalls the appointment that was missed, then gives the new one.
    slip = Apology(
        issued_on=_local_date(event.at),
        reason=event.comment,
        new_appointment_at=new,
        signer=_signer(event, agency, WORDING["head"]),
    )
    return pdf.apology_slip(replace(base, appointment_at=previous), agency_header(agency), slip)


def stop_notice(dossier: Dossier, *, base_url: str = "") -> SlipResult:
    """Form 05, from the stop: the reason (its comment), the time, the leader who stopped it."""
    event = _last_event(dossier, "stop")
    if event is None:
        raise _unavailable(_("Form 05 is issued only for a dossier whose processing was stopped."))
    agency = _issuing(_agency_at(dossier, event))
    notice = StopNotice(
        issued_on=_local_date(event.at),
        reason=event.comment,
        stopped_at=event.at,
        signer=_signer(event, agency, WORDING["head"]),
    )
    return pdf.stop_notice(slip_dossier(dossier, base_url=base_url), agency_header(agency), notice)


# --- form 06 --------------------------------------------------------------------------------


def _verdict(done: datetime, due: datetime) -> str:
    """Before time (an earlier day than the deadline's), on time, or late (Decision 766)."""
    if _local_date(done) < _local_date(due):
        return WORDING["before_time"]
    return WORDING["on_time" if done <= due else "late"]


@dataclass
class _Row:
    from_unit: str
    to_unit: str
    at: datetime
    due_at: datetime | None = None
    sender: str = ""
    receiver: str = ""
    done_at: datetime | None = None
    paused: bool = False
    notes: list[str] | None = None

    def note(self, text: str) -> None:
        self.notes = [*(self.notes or []), text]

    def hand_over(self) -> HandOver:
        notes = list(self.notes or [])
        if self.done_at is not None and self.due_at is not None and not self.paused:
            notes.insert(0, _verdict(self.done_at, self.due_at))
        return HandOver(
            from_unit=self.from_unit,
            to_unit=self.to_unit,
            at=self.at,
            due_at=self.due_at,
            result_note="; ".join(notes),
            sender=self.sender,
            receiver=self.receiver,
        )


def _control(dossier: Dossier) -> ControlSlip:
    """The hand-overs from the timeline: the applicant to the desk (receipt), each hand-over
    (or return to an earlier step) between agencies with the time and the deadline of the
    step it starts, the result back to the desk (processing complete) and to the applicant.
    Whoever was assigned the dossier in an agency is the receiver of its row. A row's note
    says whether its step ended before, on or after its deadline (after a supplement, the due time
    the step restarted with; not judged while the citizen has yet to supplement), and what
    happened meanwhile (supplement, apology, stop)."""
    receiving = dossier.receiving_agency
    handling = dossier.procedure.implementing_agency or receiving
    events = _events(dossier)
    rows: list[_Row] = []
    holder = receiving

    def close(at: datetime) -> None:
        if rows and rows[-1].done_at is None:
            rows[-1].done_at = at

    for e in events:
        day = slip_texts.short_date(timezone.localtime(e.at))
        if e.action == "receive":
            rows.append(
                _Row(
                    WORDING["applicant"], receiving.name, e.at, e.step_due_at,
                    sender=dossier.applicant_name, receiver=_person(e),
                )
            )  # fmt: skip
        elif e.to_agency is not None:  # a hand-over, or a return to an earlier step
            close(e.at)
            giver = e.from_agency or holder
            rows.append(_Row(giver.name, e.to_agency.name, e.at, e.step_due_at, sender=_person(e)))
            if e.action == "return_step":
                rows[-1].note(WORDING["returned"].format(reason=e.comment))
            elif e.action == "recall":  # back from the unit it was sent to by mistake
                rows[-1].note(WORDING["recalled"].format(reason=e.comment))
            holder = e.to_agency
        elif rows and e.action == "assign" and not rows[-1].receiver:
            rows[-1].receiver = str(e.data.get("assignee_label", ""))
        elif e.action == "complete":
            close(e.at)
            rows.append(
                _Row(
                    holder.name, receiving.name, e.at, sender=_person(e), notes=[WORDING["result"]]
                )
            )
        elif e.action == "return_result":
            close(e.at)
            rows.append(
                _Row(receiving.name, dossier.applicant_name, e.at, sender=_person(e), receiver=dossier.applicant_name)
            )  # fmt: skip
        elif rows and e.action == "request_supplement":
            rows[-1].paused = True
            rows[-1].note(WORDING["supplement_requested"].format(date=day))
        elif rows and e.action == "supplement":
            rows[-1].note(WORDING["supplemented"].format(date=day))
            if e.step_due_at is not None:  # the step's time restarted: judge it by the new due
                rows[-1].due_at, rows[-1].paused = e.step_due_at, False
        elif rows and e.action == "apologize":
            new = _parse_time(e.data.get("new_appointment"))
            when = slip_texts.short_date(timezone.localtime(new)) if new else ""
            rows[-1].note(WORDING["apology"].format(date=when))
        elif rows and e.action == "stop":
            close(e.at)
            rows[-1].note(WORDING["stopped"].format(date=day))
    coordinating: list[str] = []
    for e in events:
        a = e.to_agency
        if (
            a is not None
            and a.pk != receiving.pk
            and not a.path.startswith(handling.path)
            and a.name not in coordinating
        ):
            coordinating.append(a.name)
    return ControlSlip(
        hand_overs=tuple(r.hand_over() for r in rows),
        handling_agency=handling.name,
        coordinating_agencies=tuple(coordinating),
    )


def _control_parts(
    dossier: Dossier, base_url: str
) -> tuple[SlipDossier, AgencyHeader, ControlSlip]:
    if dossier.received_at is None:
        raise _unavailable(_("The control slip (form 06) is opened once the dossier is received."))
    return slip_dossier(dossier, base_url=base_url), _receiving(dossier), _control(dossier)


def control_slip(dossier: Dossier, *, base_url: str = "") -> SlipResult:
    """Form 06, the processing control slip, from the timeline."""
    return pdf.control_slip(*_control_parts(dossier, base_url))


def control_slip_xlsx(dossier: Dossier, *, base_url: str = "") -> bytes:
    """Form 06 as an Excel workbook."""
    return excel.control_slip_xlsx(*_control_parts(dossier, base_url))


# --- form 07 --------------------------------------------------------------------------------


def register_agency_get(*, user: User | AnonymousUser | None, code: str) -> Agency:
    """The agency whose register ``user`` asks for: one they read dossiers of (a role of the
    one-stop shop in it or above it, or a province-wide reader); else NotFound."""
    agency = (
        Agency.objects.select_related("parent", "administrative_unit")
        .filter(code=code.strip())
        .first()
        if code and code.strip()
        else None
    )
    if agency is None:
        raise NotFound(_("Agency not found."))
    if not (
        org_permissions.read_scope(user).everything
        or org_permissions.roles_scope(user, *STAFF_ROLES).contains(agency)
    ):
        raise NotFound(_("Agency not found."))
    return agency


def register_period(start: str | date | None, end: str | date | None) -> Period:
    """The register's period from ``start`` and ``end`` (YYYY-MM-DD, both days included),
    at most ``MAX_REGISTER_DAYS`` days; ValidationFailed with a message for each field."""
    errors: dict[str, list[str]] = {}
    days: dict[str, date] = {}
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, date):
            days[name] = value
        elif not value or not str(value).strip():
            errors[name] = [_("Give the date (YYYY-MM-DD).")]
        else:
            try:
                days[name] = date.fromisoformat(str(value).strip())
            except ValueError:
                errors[name] = [_("'%(value)s' is not a date (YYYY-MM-DD).") % {"value": value}]
    if not errors:
        span = (days["end"] - days["start"]).days + 1
        if span < 1:
            errors["end"] = [_("The period ends before it starts.")]
        elif span > MAX_REGISTER_DAYS:
            errors["end"] = [
                _("The period may be at most %(days)d days long.") % {"days": MAX_REGISTER_DAYS}
            ]
    if errors:
        message = " ".join(m for messages in errors.values() for m in messages)
        raise ValidationFailed(message, fields=errors)
    return Period(days["start"], days["end"])


def _bounds(period: Period) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(period.start, time.min))
    end = timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))
    return start, end


def _register_rows(agency: Agency, period: Period) -> list[RegisterRow]:
    """The dossiers ``agency`` received in ``period``, by code."""
    start, end = _bounds(period)
    dossiers = (
        Dossier.objects.filter(receiving_agency=agency, received_at__gte=start, received_at__lt=end)
        .select_related("procedure__implementing_agency")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=DossierEvent.objects.filter(action="hand_over").order_by("at", "pk"),
                to_attr="slip_hand_overs",
            )
        )
        .order_by("code")
    )
    notes = {
        DossierState.STOPPED: WORDING["register_stopped"],
        DossierState.WITHDRAWN: WORDING["register_withdrawn"],
        DossierState.WITHDRAWAL_REQUESTED: WORDING["register_withdrawal"],
    }
    rows = []
    for d in dossiers:
        assert d.received_at is not None
        hand_overs: list[DossierEvent] = d.slip_hand_overs  # type: ignore[attr-defined]
        rows.append(
            RegisterRow(
                code=d.code,
                procedure_name=d.procedure.name,
                applicant_name=d.applicant_name,
                received_at=d.received_at,
                appointment_at=d.appointment_at,
                applicant_address=d.applicant_address,
                applicant_phone=phone_for_display(d.applicant_phone),
                handling_agency=(d.procedure.implementing_agency or agency).name,
                transferred_at=hand_overs[0].at if hand_overs else None,
                result_received_at=d.processed_at,
                returned_at=d.returned_at,
                channel=Channel(d.channel),
                note=notes.get(DossierState(d.state), ""),
            )
        )
    return rows


def register(agency: Agency, period: Period) -> SlipResult:
    """Form 07, the register of the dossiers ``agency`` received in ``period``."""
    return pdf.register(_register_rows(agency, period), period, agency_header(agency))


def register_xlsx(agency: Agency, period: Period) -> bytes:
    """Form 07 as an Excel workbook."""
    return excel.register_xlsx(_register_rows(agency, period), period, agency_header(agency))


# --- downloads ------------------------------------------------------------------------------

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Document:
    """A file to download: its bytes, media type and file name."""

    content: bytes
    content_type: str
    filename: str


_PDF_FORMS = {
    "01": receipt,
    "02": supplement_request,
    "03": refusal,
    "04": apology,
    "05": stop_notice,
    "06": control_slip,
}


def dossier_document(
    dossier: Dossier, form: str, *, fmt: str = "pdf", base_url: str = ""
) -> Document:
    """Form ``form`` ("01"-"06") of ``dossier`` as ``fmt`` ("pdf", or "xlsx" for form 06),
    named ``<code>-<form>.<fmt>``. An unknown form or format is NotFound; a form the
    dossier has no grounds for is Conflict."""
    if form not in _PDF_FORMS or fmt not in ("pdf", "xlsx") or (fmt == "xlsx" and form != "06"):
        raise NotFound(_("This form is not available in this format."))
    filename = f"{dossier.code}-{form}.{fmt}"
    if fmt == "xlsx":
        return Document(control_slip_xlsx(dossier, base_url=base_url), XLSX, filename)
    return Document(_PDF_FORMS[form](dossier, base_url=base_url).pdf, PDF, filename)


def register_document(agency: Agency, period: Period, *, fmt: str = "pdf") -> Document:
    """Form 07 of ``agency`` for ``period``, named ``<agency code>-07-<start>-<end>.<fmt>``."""
    if fmt not in ("pdf", "xlsx"):
        raise NotFound(_("This form is not available in this format."))
    filename = f"{agency.code}-07-{period.start:%Y%m%d}-{period.end:%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return Document(register_xlsx(agency, period), XLSX, filename)
    return Document(register(agency, period).pdf, PDF, filename)
