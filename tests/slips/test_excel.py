from __future__ import annotations

import io
from datetime import UTC, datetime

from openpyxl import load_workbook

from egov.slips.data import ControlSlip, Period, RegisterRow
from egov.slips.excel import control_slip_xlsx, register_xlsx
from tests.slips.helpers import CODE


def _open(data: bytes):
    assert data[:2] == b"PK"  # a zip container
    wb = load_workbook(io.BytesIO(data))
    return wb, wb.active


def _head_row(ws) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "STT")


def test_register_workbook(agency, period, register_rows):
    wb, ws = _open(register_xlsx(register_rows, period, agency, book="01/2026"))
    assert wb.properties.creator == "egov"
    assert ws.title == "Sổ theo dõi hồ sơ"
    values = [c.value for row in ws.iter_rows(max_row=8) for c in row if c.value]
    assert "ỦY BAN NHÂN DÂN TỈNH TÂY NINH" in values
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in values
    assert "Tây Ninh, ngày 30 tháng 11 năm 2026" in values
    assert "SỔ THEO DÕI HỒ SƠ" in values
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in values
    assert "Quyển số: 01/2026" in values

    head = _head_row(ws)
    titles = [ws.cell(head, c).value for c in range(1, 15)]
    assert titles[:3] == ["STT", "Mã hồ sơ", "Tên thủ tục hành chính"]
    assert all(ws.cell(head, c).font.b for c in range(1, 15))
    assert ws.column_dimensions["C"].width == 40
    assert ws.freeze_panes == f"A{head + 1}"

    data = list(ws.iter_rows(min_row=head + 1, max_row=head + len(register_rows), values_only=True))
    assert [r[0] for r in data] == list(range(1, 11))
    assert [r[1] for r in data] == [r.code for r in register_rows]
    assert data[0][4] == "Phạm Văn Đạt 1"
    assert data[0][5] == "Xã Hòa Thành, 0912 345 678"
    received = data[0][7]
    assert isinstance(received, datetime) and received == datetime(2026, 11, 1, 8, 30)
    assert ws.cell(head + 1, 8).number_format == "dd/mm/yyyy hh:mm"
    assert data[0][11] == datetime(2026, 11, 27, 10, 0)
    assert data[1][11] is None  # not returned yet
    assert ws.cell(head + len(register_rows) + 2, 1).value == "Tổng số: 10 hồ sơ"


def test_register_dates_are_local_wall_clock_time(agency, period):
    row = RegisterRow(
        code=CODE,
        procedure_name="Đăng ký khai sinh",
        applicant_name="Lê Thị Thủy",
        received_at=datetime(2026, 11, 22, 7, 30, tzinfo=UTC),
    )
    _, ws = _open(register_xlsx([row], period, agency))
    assert ws.cell(_head_row(ws) + 1, 8).value == datetime(2026, 11, 22, 14, 30)


def test_empty_register_workbook(agency):
    _, ws = _open(
        register_xlsx([], Period(datetime(2026, 1, 1).date(), datetime(2026, 1, 31).date()), agency)
    )
    assert ws.cell(_head_row(ws) + 2, 1).value == "Không có hồ sơ trong kỳ."


def test_control_slip_workbook(agency, dossier, hand_overs):
    slip = ControlSlip(
        hand_overs=hand_overs,
        handling_agency="Sở Xây dựng",
        coordinating_agencies=["Sở Nông nghiệp và Môi trường"],
        receipt_number="125/TNHS",
    )
    wb, ws = _open(control_slip_xlsx(dossier, agency, slip))
    assert wb.properties.title == f"Phiếu kiểm soát quá trình giải quyết hồ sơ – {CODE}"
    values = [c.value for row in ws.iter_rows(max_row=15) for c in row if c.value]
    assert "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ" in values
    assert f"Mã hồ sơ: {CODE}" in values
    assert "Người nộp hồ sơ: Nguyễn Thị Hồng Nhung" in values
    assert "Cơ quan phối hợp giải quyết hồ sơ: Sở Nông nghiệp và Môi trường" in values
    assert "Tây Ninh, ngày 22 tháng 11 năm 2026" in values

    head = _head_row(ws)
    assert [ws.cell(head, c).value for c in range(1, 9)] == [
        "STT",
        "Bên giao",
        "Bên nhận",
        "Thời gian giao, nhận hồ sơ",
        "Hạn xử lý",
        "Kết quả giải quyết (trước hạn/ đúng hạn/ quá hạn), ghi chú",
        "Người giao (ký, ghi rõ họ tên)",
        "Người nhận (ký, ghi rõ họ tên)",
    ]
    first = [c for c in next(ws.iter_rows(min_row=head + 1, max_row=head + 1, values_only=True))]
    assert first == [
        1,
        "Bộ phận Một cửa",
        "Phòng Quản lý xây dựng",
        datetime(2026, 11, 22, 15, 10),
        datetime(2026, 11, 23, 17, 0),
        "Đúng hạn",
        "Trần Văn Đức",
        "Ngô Thị Ánh",
    ]
    assert ws.cell(head + 2, 5).value is None  # no due time given
    assert ws.max_row == head + 2
