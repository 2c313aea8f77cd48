"""The data the slips are drawn from: plain frozen dataclasses, the contract with the callers.

The dossier app fills these from its models; the renderers in ``pdf.py`` and ``excel.py`` read
nothing else (no database, no settings), so a slip can be rendered in a request, a worker or a
test alike.

Conventions:

- Datetimes may be naive (read as Vietnam local time) or aware (converted to
  Asia/Ho_Chi_Minh before printing).
- Sequences are stored as tuples so the objects stay immutable and hashable; lists passed to
  the constructors are converted.
- Empty strings and ``None`` mean "not known": the slip prints a dotted line for the officer to
  fill by hand, as on the paper forms.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any, NamedTuple


class Channel(StrEnum):
    """How the dossier was submitted (the statistics of Decision 766 split by channel)."""

    COUNTER = "counter"
    ONLINE = "online"
    POSTAL = "postal"


class Component(NamedTuple):
    """One component of the dossier (thành phần hồ sơ) as handed in."""

    name: str
    originals: int = 0
    copies: int = 0


def _freeze(obj: Any) -> None:
    """Turn the list fields of a frozen dataclass into tuples (called from ``__post_init__``)."""
    for f in fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, list):
            object.__setattr__(obj, f.name, tuple(value))


@dataclass(frozen=True, kw_only=True)
class AgencyHeader:
    """The issuing agency, as printed at the top left of every form.

    ``parent_name`` is the governing body (cơ quan chủ quản, e.g. "UBND tỉnh Tây Ninh") and
    ``name`` the agency itself (e.g. "Trung tâm Phục vụ hành chính công"); both are printed in
    capitals. ``place`` is the place name of the date line ("Tây Ninh, ngày …").
    """

    parent_name: str
    name: str
    place: str
    address: str = ""
    phone: str = ""
    email: str = ""
    code: str = ""  # electronic identifier code, e.g. 000.00.00.H30


@dataclass(frozen=True, kw_only=True)
class Signer:
    """A signature block: the capacity line(s), then the name under the space for the signature.

    ``title`` may hold several lines separated by "\\n", e.g. "KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC".
    """

    title: str
    name: str = ""


@dataclass(frozen=True, kw_only=True)
class SlipDossier:
    """What every slip says about the dossier and the applicant."""

    code: str  # <receiving agency code>-<yymmdd>-<4-digit sequence>
    procedure_code: str
    procedure_name: str
    applicant_name: str
    received_at: datetime
    lookup_url: str  # the public lookup page for this dossier, encoded in the QR code
    lookup_secret: str  # the code the citizen types with the dossier code to look it up
    appointment_at: datetime | None = None
    applicant_address: str = ""
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_id_number: str = ""  # CCCD or tax code
    receiving_officer: str = ""
    components: tuple[Component, ...] = ()
    sets: int = 1  # number of sets of the dossier (số lượng hồ sơ, bộ)
    channel: Channel = Channel.COUNTER
    processing_time: str = ""  # the legal time as printed, e.g. "15 ngày làm việc"
    handling_agency: str = ""  # the agency that decides (cơ quan chủ trì giải quyết)
    result_delivery: str = ""  # where or how the result is returned (đăng ký nhận kết quả tại)
    lookup_page: str = ""  # the lookup page as printed; the URL's host when empty

    def __post_init__(self) -> None:
        _freeze(self)
        object.__setattr__(
            self, "components", tuple(Component(*c) for c in self.components)
        )  # accept plain (name, originals, copies) tuples


@dataclass(frozen=True, kw_only=True)
class SupplementRequest:
    """Form 02: what the applicant must add or correct, and why."""

    issued_on: date
    items: tuple[str, ...]  # the documents or contents to supplement, one per line
    reason: str = ""
    contact_name: str = ""  # whom to call with questions
    contact_phone: str = ""
    officer: Signer = field(default_factory=lambda: Signer(title="NGƯỜI HƯỚNG DẪN"))

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True, kw_only=True)
class Refusal:
    """Form 03: why the dossier is not received."""

    issued_on: date
    reasons: tuple[str, ...]
    officer: Signer = field(default_factory=lambda: Signer(title="NGƯỜI TIẾP NHẬN HỒ SƠ"))

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True, kw_only=True)
class Apology:
    """Form 04: the apology for a late result and the new appointment (once only)."""

    issued_on: date
    reason: str
    new_appointment_at: datetime
    signer: Signer
    recipients: tuple[str, ...] = ()  # "Nơi nhận" besides the applicant

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True, kw_only=True)
class StopNotice:
    """Form 05: the notice that processing of the dossier stops."""

    issued_on: date
    reason: str
    signer: Signer
    stopped_at: datetime | None = None
    legal_basis: str = ""  # the provision the stop rests on, printed when given
    recipients: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True, kw_only=True)
class HandOver:
    """One hand-over on the control slip: who gave the dossier to whom, when, and the result.

    ``at`` is None for a planned step not yet done: the row is printed for filling by hand.
    """

    from_unit: str
    to_unit: str
    at: datetime | None = None
    due_at: datetime | None = None
    result_note: str = ""  # e.g. "Đúng hạn", "Trước hạn", "Quá hạn 1 ngày", a remark
    sender: str = ""
    receiver: str = ""


@dataclass(frozen=True, kw_only=True)
class ControlSlip:
    """Form 06: the processing control slip that travels with the dossier."""

    hand_overs: tuple[HandOver, ...]
    handling_agency: str = ""  # cơ quan (bộ phận) giải quyết hồ sơ
    coordinating_agencies: tuple[str, ...] = ()  # cơ quan phối hợp giải quyết
    receipt_number: str = ""  # the number of the receipt slip it is attached to
    min_rows: int = 4  # blank rows are added up to this many, to be filled by hand

    def __post_init__(self) -> None:
        _freeze(self)


@dataclass(frozen=True, kw_only=True)
class RegisterRow:
    """One dossier in the register (form 07)."""

    code: str
    procedure_name: str
    applicant_name: str
    received_at: datetime
    appointment_at: datetime | None = None
    sets: int = 1
    applicant_address: str = ""
    applicant_phone: str = ""
    handling_agency: str = ""
    transferred_at: datetime | None = None  # handed to the deciding agency
    result_received_at: datetime | None = None  # result back from the deciding agency
    returned_at: datetime | None = None  # result returned to the applicant
    channel: Channel = Channel.COUNTER
    note: str = ""


@dataclass(frozen=True)
class Period:
    """A register's period, both days included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("period ends before it starts")
