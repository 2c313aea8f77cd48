from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime

import pytest
import segno

from egov.slips import pdf
from egov.slips.data import AgencyHeader, ControlSlip, Period, RegisterRow
from tests.slips.helpers import (
    ALL_FORMS,
    APPLICANT,
    CITIZEN_FORMS,
    CODE,
    URL,
    content_streams,
    drawn_matrix,
    page_count,
    pdf_info,
)

A4_PORTRAIT = b"/MediaBox [ 0 0 595.2756 841.8898 ]"
A4_LANDSCAPE = b"/MediaBox [ 0 0 841.8898 595.2756 ]"
TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "apology": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    "stop": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    "register": "SỔ THEO DÕI HỒ SƠ",
}
NUMBERS = {
    "receipt": "01",
    "supplement": "02",
    "refusal": "03",
    "apology": "04",
    "stop": "05",
    "control": "06",
    "register": "07",
}


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("form", ALL_FORMS)
def test_every_form_is_an_a4_pdf_with_metadata(forms, form):
    result = forms[form](compress=False)
    assert result.pdf.startswith(b"%PDF-1.")
    assert result.pdf.rstrip().endswith(b"%%EOF")
    assert (A4_LANDSCAPE if form == "register" else A4_PORTRAIT) in result.pdf
    assert pdf_info(result.pdf, "Author") == "egov"
    title = pdf_info(result.pdf, "Title")
    assert title == result.title
    assert title.lower().startswith(TITLES[form].lower())
    assert b"/Lang (vi-VN)" in result.pdf


@pytest.mark.parametrize("form", ALL_FORMS)
def test_every_form_embeds_its_font_and_no_other(forms, form):
    result = forms[form]()  # compressed, as served
    assert b"/FontFile2" in result.pdf
    assert b"DejaVuSans" in result.pdf
    assert b"DejaVuSans-Bold" in result.pdf
    # No base-14 font, which a viewer would substitute without the Vietnamese glyphs.
    assert b"/Helvetica" not in result.pdf
    assert b"/Type1" not in result.pdf


@pytest.mark.parametrize("form", ALL_FORMS)
def test_every_form_has_the_national_header_title_and_form_number(forms, form):
    text = forms[form]().text
    lines = text.splitlines()
    assert lines[0] == f"Mẫu số {NUMBERS[form]}"
    assert "ỦY BAN NHÂN DÂN TỈNH TÂY NINH" in lines
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in lines
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert TITLES[form] in lines
    assert re.search(r"^Tây Ninh, ngày \d\d tháng \d{1,2} năm 20\d\d$", text, re.M)


@pytest.mark.parametrize("form", [f for f in ALL_FORMS if f != "register"])
def test_every_slip_names_the_dossier_and_applicant(forms, form):
    text = words(forms[form]().text)
    assert CODE in text
    assert APPLICANT in text
    assert "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ" in text


@pytest.mark.parametrize("form", CITIZEN_FORMS)
def test_citizen_slips_draw_the_qr_code_of_the_lookup_url(forms, form):
    for compress in (False, True):
        result = forms[form](compress=compress)
        expected = segno.make(URL, error="m", micro=False)
        assert drawn_matrix(result.pdf) == [list(row) for row in expected.matrix]
        # The code is also a link, and the dossier code and secret are printed beside it.
        assert f"/URI ({URL})".encode() in result.pdf
        text = words(result.text)
        assert "Tra cứu hồ sơ: quét mã QR hoặc nhập mã hồ sơ và mã tra cứu tại" in text
        assert "dichvucong.tayninh.gov.vn" in text
        assert f"Mã hồ sơ: {CODE}" in text
        assert "Mã tra cứu: 7KQ4-M2XD" in text


@pytest.mark.parametrize("form", ["control", "register"])
def test_internal_forms_have_no_qr_code(forms, form):
    result = forms[form](compress=False)
    assert b"/URI" not in result.pdf
    assert "Tra cứu hồ sơ" not in result.text


def test_receipt_slip_content(forms):
    text = forms["receipt"]().text
    assert "Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ của: " + APPLICANT in text
    assert "Số định danh cá nhân/mã số thuế: 072190001234" in text
    assert "(1) Đơn đề nghị cấp giấy phép xây dựng: 1 bản chính" in text
    assert "(2) Bản sao giấy chứng nhận quyền sử dụng đất: 1 bản sao" in text
    assert "2. Số lượng hồ sơ: 1 (bộ)" in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định: 15 ngày làm việc" in text
    # Received 07:30 UTC: printed in Vietnam's time, and the slip is dated that day.
    assert "4. Thời gian nhận hồ sơ: 14 giờ 30 phút, ngày 22 tháng 11 năm 2026" in text
    assert (
        "5. Thời gian trả kết quả giải quyết hồ sơ: 16 giờ 00 phút, ngày 04 tháng 12 năm 2026"
        in text
    )
    assert "Tây Ninh, ngày 22 tháng 11 năm 2026" in text
    assert "Số: ………………" in text  # no number given: a line to fill by hand
    assert "NGƯỜI NỘP HỒ SƠ" in text and "NGƯỜI TIẾP NHẬN HỒ SƠ" in text
    assert "Trần Văn Đức" in text


def test_receipt_slip_number_and_missing_appointment(agency, dossier):
    undated = replace(dossier, appointment_at=None)
    text = pdf.receipt_slip(undated, agency, number="125/TNHS").text
    assert "Số: 125/TNHS" in text
    assert "5. Thời gian trả kết quả giải quyết hồ sơ: …… giờ …… phút" in text


def test_supplement_refusal_apology_and_stop_content(forms):
    supplement = words(forms["supplement"]().text)
    assert "1. Bản vẽ mặt bằng móng" in supplement
    assert "2. Cam kết bảo đảm an toàn công trình liền kề" in supplement
    assert "Lý do: Hồ sơ thiếu bản vẽ mặt bằng móng." in supplement
    # No contact phone given: the agency's phone.
    assert "liên hệ với bà Lê Thị Mỹ Duyên, số điện thoại 0276 3822 345" in supplement

    refusal = words(forms["refusal"]().text)
    assert "từ chối tiếp nhận, giải quyết hồ sơ này" in refusal
    assert "- Không thuộc thẩm quyền giải quyết của cơ quan." in refusal

    apology = words(forms["apology"]().text)
    assert f"Kính gửi: {APPLICANT}" in apology
    assert apology.count("Ngày 22 tháng 11 năm 2026, Trung tâm") == 1
    assert (
        "hẹn trả kết quả giải quyết hồ sơ vào 10 giờ 00 phút, ngày 11 tháng 12 năm 2026" in apology
    )
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in apology and "Phạm Quốc Hưng" in apology
    assert "Nơi nhận: - Như trên; - Sở Xây dựng; - Lưu: VT." in apology
    assert "(Ký, ghi rõ họ tên và đóng dấu)" in apology

    stop = words(forms["stop"]().text)
    assert "thông báo dừng giải quyết hồ sơ nêu trên kể từ ngày 28 tháng 11 năm 2026" in stop
    assert "Lý do: Người nộp hồ sơ đề nghị rút hồ sơ." in stop


def test_control_slip_lists_the_hand_overs_and_blank_rows(forms):
    text = forms["control"]().text
    assert "Giao: Bộ phận Một cửa\nNhận: Phòng Quản lý xây dựng" in text
    assert "22/11/2026\n15:10" in text  # given time
    assert "23/11/2026\n17:00" in text  # due time
    assert "Đúng hạn" in text and "Trước hạn" in text
    for name in ("Trần Văn Đức", "Ngô Thị Ánh", "Đặng Hữu Phước"):
        assert name in text
    assert "Người giao\n(ký, ghi rõ họ tên)" in text
    # Two hand-overs, padded to four rows to fill by hand.
    assert text.count("Giao: ……………") == 2
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Sở Xây dựng" in text


def test_control_slip_with_many_hand_overs_has_no_blank_rows(agency, dossier, hand_overs):
    slip = ControlSlip(hand_overs=hand_overs * 3, min_rows=4)
    text = pdf.control_slip(dossier, agency, slip).text
    assert "Giao: ……………" not in text
    assert text.count("Giao: Bộ phận Một cửa") == 3


def test_register_lists_every_row_over_several_pages(agency, period):
    rows = [
        RegisterRow(
            code=f"000.00.04.H59-2611{i % 28 + 1:02d}-{i:04d}",
            procedure_name="Đăng ký khai sinh",
            applicant_name=f"Lê Thị Thủy {i}",
            received_at=datetime(2026, 11, i % 28 + 1, 9, 0),
        )
        for i in range(1, 81)
    ]
    result = pdf.register(rows, period, agency, book="01/2026", compress=False)
    assert page_count(result.pdf) >= 3
    assert "Từ ngày 01/11/2026 đến ngày 30/11/2026" in result.text
    assert "Quyển số: 01/2026" in result.text
    assert "Tây Ninh, ngày 30 tháng 11 năm 2026" in result.text  # dated the period's end
    assert "Số:" not in result.text
    for row in rows:
        assert row.code in result.text
        assert row.applicant_name in result.text
    assert "Tổng số: 80 hồ sơ" in result.text
    # Page numbers from page 2: the number drawn at the top of page 2.
    assert any(b"(2) Tj" in s for s in content_streams(result.pdf))


def test_empty_register(agency, period):
    result = pdf.register([], period, agency)
    assert "Không có hồ sơ trong kỳ." in result.text
    assert page_count(result.pdf) == 1


def test_values_are_printed_as_typed_not_read_as_markup(agency, dossier):
    odd = replace(dossier, applicant_name="Công ty <TNHH> Hòa & Bình")
    result = pdf.receipt_slip(odd, agency)
    assert "tiếp nhận hồ sơ của: Công ty <TNHH> Hòa & Bình" in result.text


def test_wording_and_form_numbers_are_configurable(forms):
    texts = {
        "receipt.form": "Mẫu số 01/TT03",
        "receipt.title": "GIẤY BIÊN NHẬN HỒ SƠ",
        "qr_note": "Quét mã để tra cứu tại {site}",
    }
    text = forms["receipt"](texts=texts).text
    assert text.splitlines()[0] == "Mẫu số 01/TT03"
    assert "GIẤY BIÊN NHẬN HỒ SƠ" in text
    assert "Quét mã để tra cứu tại dichvucong.tayninh.gov.vn" in text

    hidden = forms["receipt"](texts={"receipt.form": ""}).text
    assert "Mẫu số" not in hidden

    with pytest.raises(KeyError, match=r"receipt\.titel"):
        forms["receipt"](texts={"receipt.titel": "x"})


def test_lookup_page_can_be_printed_instead_of_the_host(agency, dossier):
    custom = replace(dossier, lookup_page="dichvucong.tayninh.gov.vn/tra-cuu")
    text = pdf.receipt_slip(custom, agency).text
    assert "mã tra cứu tại dichvucong.tayninh.gov.vn/tra-cuu" in text


def test_uncompressed_output_is_reproducible_and_compressed_is_smaller(forms):
    a, b = forms["receipt"](compress=False), forms["receipt"](compress=False)
    assert a.pdf == b.pdf
    assert len(forms["receipt"]().pdf) < len(a.pdf)
    # Only the glyphs used are embedded: a slip stays far below the 760 KB font file.
    assert len(forms["receipt"]().pdf) < 150_000


def test_long_agency_names_wrap_in_the_header():
    agency = AgencyHeader(
        parent_name="Ủy ban nhân dân thành phố Huế",
        name="Bộ phận Tiếp nhận và Trả kết quả thuộc Văn phòng Hội đồng nhân dân và Ủy ban "
        "nhân dân phường Thuận Hóa",
        place="Huế",
    )
    result = pdf.register([], Period(date(2026, 1, 1), date(2026, 1, 31)), agency)
    assert "BỘ PHẬN TIẾP NHẬN VÀ TRẢ KẾT QUẢ THUỘC VĂN PHÒNG" in result.text
    assert page_count(result.pdf) == 1


# --- optional end-to-end checks with Debian's tools, when they are installed ---------------


def _render_png(pdf_bytes: bytes, tmp_path, dpi: int) -> str:
    source = tmp_path / "slip.pdf"
    source.write_bytes(pdf_bytes)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            str(dpi),
            "-f",
            "1",
            "-l",
            "1",
            str(source),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    return str(next(tmp_path.glob("p*.png")))


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
@pytest.mark.parametrize("form", ALL_FORMS)
def test_the_text_extracts_from_the_pdf_with_its_diacritics(forms, form, tmp_path):
    source = tmp_path / "slip.pdf"
    source.write_bytes(forms[form]().pdf)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    extracted = words(out)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in extracted
    assert TITLES[form] in extracted
    if form != "register":
        assert APPLICANT in extracted


@pytest.mark.skipif(
    not (shutil.which("pdftoppm") and shutil.which("zbarimg")),
    reason="poppler-utils or zbar-tools not installed",
)
@pytest.mark.parametrize("form", CITIZEN_FORMS)
def test_a_qr_reader_reads_the_lookup_url_from_the_printed_slip(forms, form, tmp_path):
    png = _render_png(forms[form]().pdf, tmp_path, dpi=150)
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", png], check=True, capture_output=True, text=True
    ).stdout
    assert out.strip() == URL
