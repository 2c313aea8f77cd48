from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from egov.slips.data import (
    AgencyHeader,
    Apology,
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
from tests.slips.helpers import APPLICANT, CODE, URL


@pytest.fixture
def agency() -> AgencyHeader:
    return AgencyHeader(
        parent_name="Ủy ban nhân dân tỉnh Tây Ninh",
        name="Trung tâm Phục vụ hành chính công",
        place="Tây Ninh",
        phone="0276 3822 345",
        code="000.00.00.H59",
    )


@pytest.fixture
def dossier() -> SlipDossier:
    return SlipDossier(
        code=CODE,
        procedure_code="1.001612",
        procedure_name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
        applicant_name=APPLICANT,
        applicant_address="Ấp Bình Hòa, xã Hòa Thành, tỉnh Tây Ninh",
        applicant_phone="0912 345 678",
        applicant_id_number="072190001234",
        # 07:30 UTC is 14:30 in Vietnam
        received_at=datetime(2026, 11, 22, 7, 30, tzinfo=UTC),
        appointment_at=datetime(2026, 12, 4, 16, 0),
        receiving_officer="Trần Văn Đức",
        components=[
            ("Đơn đề nghị cấp giấy phép xây dựng", 1, 0),
            ("Bản sao giấy chứng nhận quyền sử dụng đất", 0, 1),
        ],
        lookup_url=URL,
        lookup_secret="7KQ4-M2XD",
        processing_time="15 ngày làm việc",
        handling_agency="Sở Xây dựng",
    )


@pytest.fixture
def hand_overs() -> list[HandOver]:
    return [
        HandOver(
            from_unit="Bộ phận Một cửa",
            to_unit="Phòng Quản lý xây dựng",
            at=datetime(2026, 11, 22, 15, 10),
            due_at=datetime(2026, 11, 23, 17, 0),
            result_note="Đúng hạn",
            sender="Trần Văn Đức",
            receiver="Ngô Thị Ánh",
        ),
        HandOver(
            from_unit="Phòng Quản lý xây dựng",
            to_unit="Lãnh đạo Sở Xây dựng",
            at=datetime(2026, 12, 1, 8, 5),
            result_note="Trước hạn",
            sender="Ngô Thị Ánh",
            receiver="Đặng Hữu Phước",
        ),
    ]


@pytest.fixture
def register_rows() -> list[RegisterRow]:
    return [
        RegisterRow(
            code=f"000.00.04.H59-2611{i:02d}-{i:04d}",
            procedure_name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            applicant_name=f"Phạm Văn Đạt {i}",
            applicant_address="Xã Hòa Thành",
            applicant_phone="0912 345 678",
            handling_agency="Sở Xây dựng",
            received_at=datetime(2026, 11, i, 8, 30),
            appointment_at=datetime(2026, 11, 28, 16, 0),
            returned_at=datetime(2026, 11, 27, 10, 0) if i % 2 else None,
            note="Đúng hạn" if i % 2 else "",
        )
        for i in range(1, 11)
    ]


@pytest.fixture
def period() -> Period:
    return Period(date(2026, 11, 1), date(2026, 11, 30))


@pytest.fixture
def forms(agency, dossier, hand_overs, register_rows, period):
    """Each form's name and a renderer taking keyword options (compress, texts…)."""
    from egov.slips import pdf

    signer = Signer(title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", name="Phạm Quốc Hưng")
    return {
        "receipt": lambda **kw: pdf.receipt_slip(dossier, agency, **kw),
        "supplement": lambda **kw: pdf.supplement_request(
            dossier,
            agency,
            SupplementRequest(
                issued_on=date(2026, 11, 25),
                items=["Bản vẽ mặt bằng móng", "Cam kết bảo đảm an toàn công trình liền kề"],
                reason="Hồ sơ thiếu bản vẽ mặt bằng móng.",
                contact_name="bà Lê Thị Mỹ Duyên",
            ),
            **kw,
        ),
        "refusal": lambda **kw: pdf.refusal_slip(
            dossier,
            agency,
            Refusal(
                issued_on=date(2026, 11, 22),
                reasons=["Không thuộc thẩm quyền giải quyết của cơ quan."],
            ),
            **kw,
        ),
        "apology": lambda **kw: pdf.apology_slip(
            dossier,
            agency,
            Apology(
                issued_on=date(2026, 12, 3),
                reason="Cần lấy ý kiến của Sở Nông nghiệp và Môi trường.",
                new_appointment_at=datetime(2026, 12, 11, 10, 0),
                signer=signer,
                recipients=["Sở Xây dựng"],
            ),
            **kw,
        ),
        "stop": lambda **kw: pdf.stop_notice(
            dossier,
            agency,
            StopNotice(
                issued_on=date(2026, 11, 28),
                reason="Người nộp hồ sơ đề nghị rút hồ sơ.",
                signer=signer,
            ),
            **kw,
        ),
        "control": lambda **kw: pdf.control_slip(
            dossier,
            agency,
            ControlSlip(hand_overs=hand_overs, handling_agency="Sở Xây dựng"),
            **kw,
        ),
        "register": lambda **kw: pdf.register(register_rows, period, agency, **kw),
    }
