"""The official slips of real dossiers: built from the timeline, downloaded by officers and
applicants from the pages and the API, with the readers' scopes and the forms' preconditions."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from datetime import date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from openpyxl import load_workbook

from egov.accounts.services import api_token_create
from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.dossiers import documents, services
from egov.dossiers.services import Applicant, Upload
from egov.organizations.models import AgencyType, StaffRole
from egov.organizations.selectors import province_find
from egov.organizations.services import agency_create, divisions_load_province, staff_role_assign
from egov.procedures.models import ProcedureComponent
from egov.slips import texts as tx
from tests import factories
from tests.slips.helpers import pdf_info

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=HCM)
PUBLIC = "https://dichvucong.thu.gov.vn"
APPLICANT = Applicant(
    name="Nguyễn Thị Hồng Nhung",
    id_number="072190001234",
    phone="0912345678",
    email="nhung@example.com",
    address="Ấp Bình Hòa, xã Hòa Thành",
)


def words(text: str) -> str:
    return " ".join(text.split())


def at(day: int, hour: int = 9, minute: int = 0):
    """Travel to March ``day``, 2026, at ``hour``:``minute`` in Vietnam (the clock stands)."""
    return time_machine.travel(datetime(2026, 3, day, hour, minute, tzinfo=HCM), tick=False)


def submit(desk, *, channel="online", files=None):
    return services.dossier_submit(
        actor=desk.desk if channel == "counter" else desk.citizen,
        procedure=desk.permit,
        agency=None,
        channel=channel,
        applicant=APPLICANT,
        files=files,
    )


def receive(desk, d):
    return services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)


def received(desk, **kwargs):
    return receive(desk, submit(desk, **kwargs))


def hand_over(actor, d, to):
    return services.dossier_hand_over(actor=actor, dossier_id=d.pk, version=d.version, to_agency=to)


def auth(user):
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def english(client):
    client.cookies["django_language"] = "en"
    return client


def is_download(response, filename: str, content_type: str = documents.PDF) -> bool:
    return (
        response.status_code == 200
        and response["Content-Type"] == content_type
        and response["Content-Disposition"] == f'attachment; filename="{filename}"'
        and "no-store" in response["Cache-Control"]
    )


def workbook_rows(content: bytes, first: str) -> list[tuple]:
    """The rows of the sheet's table, after the head row whose first cell is ``first``."""
    ws = load_workbook(io.BytesIO(content)).active
    rows = list(ws.iter_rows(values_only=True))
    head = next(i for i, row in enumerate(rows) if row[0] == first)
    return [row for row in rows[head + 1 :] if isinstance(row[0], int)]


# --- the slips' content -----------------------------------------------------------------------


def test_receipt_of_a_desk_submission(desk):
    plan = ProcedureComponent.objects.create(
        procedure=desk.permit, order=0, name="Bản vẽ thiết kế", originals=2, copies=1
    )
    deed = ProcedureComponent.objects.create(
        procedure=desk.permit,
        order=1,
        name="Giấy chứng nhận quyền sử dụng đất",
        originals=0,
        copies=1,
    )
    ProcedureComponent.objects.create(
        procedure=desk.permit, order=2, name="Not handed in", mandatory=False
    )
    files = [
        Upload(deed.pk, "so-do.pdf", b"%PDF-1.7 deed"),
        Upload(plan.pk, "ban-ve-1.pdf", b"%PDF-1.7 a"),
        Upload(plan.pk, "ban-ve-2.pdf", b"%PDF-1.7 b"),
    ]
    with at(2):
        d = received(desk, channel="counter", files=files)
    text = words(documents.receipt(d, base_url=PUBLIC + "/").text)
    assert f"Mã hồ sơ: {d.code}" in text
    assert f"Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ của: {APPLICANT.name}" in text
    assert "Số định danh cá nhân/mã số thuế: 072190001234" in text
    assert f"Địa chỉ: {APPLICANT.address}" in text
    assert "Cấp giấy phép xây dựng (mã thủ tục: 1.009994)" in text
    assert "Hình thức nộp hồ sơ: Trực tiếp" in text
    # One line per component handed in (two files of the plan are one component), in order.
    assert "(1) Bản vẽ thiết kế: 2 bản chính, 1 bản sao" in text
    assert "(2) Giấy chứng nhận quyền sử dụng đất: 1 bản sao" in text
    assert "Not handed in" not in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định: 15 ngày làm việc" in text
    assert f"4. Thời gian nhận hồ sơ: {tx.vn_datetime(d.received_at)}" in text
    assert tx.vn_date(date(2026, 3, 2)) in text
    assert f"5. Thời gian trả kết quả giải quyết hồ sơ: {tx.vn_datetime(d.appointment_at)}" in text
    assert desk.desk.full_name in text  # the receiving officer signs
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG" in text
    assert f"tại dichvucong.thu.gov.vn Mã hồ sơ: {d.code} Mã tra cứu: {d.lookup_secret}" in text


def test_online_components_have_no_paper_counts_and_the_lookup_url(desk, settings):
    settings.EGOV_PUBLIC_URL = PUBLIC
    plan = ProcedureComponent.objects.create(procedure=desk.permit, name="Bản vẽ", originals=2)
    d = received(desk, files=[Upload(plan.pk, "ban-ve.pdf", b"%PDF-1.7 a")])
    slip = documents.slip_dossier(d)
    assert slip.components == (("Bản vẽ", 0, 0),)
    assert slip.lookup_url == f"{PUBLIC}/lookup/?code={quote(d.code)}"
    assert documents.slip_dossier(d, base_url="http://other/").lookup_url.startswith(
        "http://other/lookup/?code="
    )
    assert "(1) Bản vẽ" in documents.receipt(d).text


def test_the_lookup_url_opens_the_public_lookup_page():
    from django.urls import reverse

    assert reverse("dossiers:lookup") == documents.LOOKUP_PATH
    assert documents.lookup_url("000.00.04.H40-260302-0001", "https://a.vn/") == (
        "https://a.vn/lookup/?code=000.00.04.H40-260302-0001"
    )


def test_receipt_and_control_slip_need_a_received_dossier(desk):
    d = submit(desk)
    for build in (documents.receipt, documents.control_slip, documents.control_slip_xlsx):
        with pytest.raises(Conflict) as exc:
            build(d)
        assert exc.value.code == "slip_unavailable"


def test_supplement_request_from_the_latest_request(desk):
    with at(2):
        d = submit(desk)
    with pytest.raises(Conflict):
        documents.supplement_request(d)
    with at(2, 10):
        d = services.dossier_request_completion(
            actor=desk.desk, dossier_id=d.pk, version=d.version,
            missing="- Bản vẽ mặt bằng có chữ ký\n\n- Bản sao sổ đỏ",
        )  # fmt: skip
    text = words(documents.supplement_request(d).text)
    assert "1. Bản vẽ mặt bằng có chữ ký 2. Bản sao sổ đỏ" in text
    assert f"Hồ sơ của: {APPLICANT.name}" in text and d.code in text
    assert f"liên hệ với {desk.desk.full_name}" in text
    assert tx.vn_date(date(2026, 3, 2)) in text
    with at(3):
        d = services.dossier_supplement(
            actor=desk.citizen, dossier_id=d.pk, version=d.version, comment="Đã bổ sung"
        )
        d = receive(desk, d)
    with at(4):
        d = services.dossier_request_supplement(
            actor=desk.desk, dossier_id=d.pk, version=d.version, missing="Ảnh hiện trạng"
        )
    text = words(documents.supplement_request(d).text)
    assert "1. Ảnh hiện trạng" in text and "sổ đỏ" not in text
    assert tx.vn_date(date(2026, 3, 4)) in text


def test_refusal_gives_the_reasons_and_needs_a_refusal(desk):
    d = submit(desk)
    with translation.override("vi"), pytest.raises(Conflict) as exc:
        documents.refusal(d)
    assert "từ chối" in exc.value.message
    d = services.dossier_refuse(
        actor=desk.desk, dossier_id=d.pk, version=d.version,
        reason="Thủ tục không thuộc thẩm quyền\nThiếu chữ ký của chủ đầu tư",
    )  # fmt: skip
    text = words(documents.refusal(d).text)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ" in text
    assert "- Thủ tục không thuộc thẩm quyền - Thiếu chữ ký của chủ đầu tư" in text
    assert APPLICANT.name in text and d.code in text
    assert f"NGƯỜI TIẾP NHẬN HỒ SƠ (Ký và ghi rõ họ tên) {desk.desk.full_name}" in text


def test_apology_recalls_the_missed_date_and_gives_the_new_one(desk):
    director = factories.user(full_name="Phạm Thị Lan", kind="staff")
    staff_role_assign(
        actor=None, user=director, agency=desk.department, role=StaffRole.LEADER,
        title="Giám đốc Sở", check_permission=False,
    )  # fmt: skip
    with at(2):
        d = received(desk)
        d = hand_over(desk.desk, d, desk.department)
    with pytest.raises(Conflict):
        documents.apology(d)
    first = d.appointment_at
    later = first + timedelta(days=7)
    with at(20):
        d = services.dossier_apologize(
            actor=director, dossier_id=d.pk, version=d.version,
            new_appointment=later, reason="Chờ ý kiến của Sở Xây dựng",
        )  # fmt: skip
    text = words(documents.apology(d).text)
    assert f"Kính gửi: {APPLICANT.name}" in text
    assert f"Thời gian hẹn trả kết quả giải quyết hồ sơ: {tx.vn_datetime(first)}" in text
    assert f"hẹn trả kết quả giải quyết hồ sơ vào {tx.vn_datetime(later)}" in text
    assert "Lý do: Chờ ý kiến của Sở Xây dựng" in text
    # Issued by the department handling it, under its People's Committee, signed by its head.
    assert "UBND TỈNH THỬ SỞ A" in text
    assert "GIÁM ĐỐC SỞ (Ký, ghi rõ họ tên và đóng dấu) Phạm Thị Lan" in text
    assert tx.vn_date(date(2026, 3, 20)) in text


def test_stop_notice(desk):
    with at(2):
        d = hand_over(desk.desk, received(desk), desk.department)
    with pytest.raises(Conflict):
        documents.stop_notice(d)
    with at(5, 14, 30):
        d = services.dossier_stop(
            actor=desk.leader, dossier_id=d.pk, version=d.version,
            reason="Tổ chức, cá nhân không bổ sung hồ sơ",
        )  # fmt: skip
    text = words(documents.stop_notice(d).text)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text
    assert "kể từ 14 giờ 30 phút, " + tx.vn_date(date(2026, 3, 5)) in text
    assert "Lý do: Tổ chức, cá nhân không bổ sung hồ sơ" in text
    # The leader holds no job title: the generic head of the agency signs.
    assert f"THỦ TRƯỞNG CƠ QUAN (Ký, ghi rõ họ tên và đóng dấu) {desk.leader.full_name}" in text


def test_control_slip_follows_the_timeline(desk, world):
    with at(2):
        d = received(desk)
    with at(2, 10):
        d = hand_over(desk.desk, d, desk.department)
    with at(3):
        d = services.dossier_assign(
            actor=desk.leader, dossier_id=d.pk, version=d.version, assignee=desk.specialist
        )
    with at(4):
        d = hand_over(desk.specialist, d, world.b)  # asks another department (liên thông)
    with at(5):
        d = services.dossier_request_supplement(
            actor=desk.outsider, dossier_id=d.pk, version=d.version, missing="Ảnh"
        )
    with at(6):
        d = services.dossier_supplement(
            actor=desk.citizen, dossier_id=d.pk, version=d.version, comment="Đã bổ sung"
        )
    with at(9):
        d = services.dossier_complete(actor=desk.outsider, dossier_id=d.pk, version=d.version)
    with at(10):
        d = services.dossier_return_result(actor=desk.desk, dossier_id=d.pk, version=d.version)
    text = words(documents.control_slip(d).text)
    assert f"Mã hồ sơ: {d.code}" in text and f"Người nộp hồ sơ: {APPLICANT.name}" in text
    assert "Cơ quan (bộ phận) giải quyết hồ sơ: Sở A" in text
    assert "Cơ quan phối hợp giải quyết hồ sơ: Sở B" in text
    assert "Giao: Tổ chức, cá nhân Nhận: Trung tâm Phục vụ hành chính công 02/03/2026 09:00" in text

    rows = workbook_rows(documents.control_slip_xlsx(d), "STT")
    # seq, from, to, at, due, result, sender, receiver
    assert [(r[1], r[2]) for r in rows] == [
        ("Tổ chức, cá nhân", "Trung tâm Phục vụ hành chính công"),
        ("Trung tâm Phục vụ hành chính công", "Sở A"),
        ("Sở A", "Sở B"),
        ("Sở B", "Trung tâm Phục vụ hành chính công"),
        ("Trung tâm Phục vụ hành chính công", APPLICANT.name),
    ]
    assert rows[1][3] == datetime(2026, 3, 2, 10, 0)
    assert rows[0][5] == "Đúng hạn"  # the desk's half day ended the same day
    assert rows[0][6] == APPLICANT.name and rows[0][7] == desk.desk.full_name
    assert rows[1][5] == "Trước hạn" and rows[1][6] == desk.desk.full_name
    assert rows[1][7] == desk.specialist.full_name  # assigned in the department
    assert isinstance(rows[1][4], datetime)  # the department's step deadline
    # The clock paused in Sở B's step and restarted with the supplement: the step is judged
    # against the due time it restarted with, and the supplement is noted.
    supplied = d.events.get(action="supplement")
    due = supplied.step_due_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).replace(tzinfo=None)
    assert rows[2][4] == due and due > datetime(2026, 3, 9, 9, 0)  # completed on the 9th
    assert rows[2][5] == (
        "Trước hạn; Yêu cầu bổ sung hồ sơ ngày 05/03/2026; Đã bổ sung hồ sơ ngày 06/03/2026"
    )
    assert rows[3][5] == "Kết quả giải quyết" and rows[3][3] == datetime(2026, 3, 9, 9, 0)


def test_control_slip_shows_a_return_to_an_earlier_step(desk, world):
    with at(2):
        d = hand_over(desk.desk, received(desk), desk.department)
    with at(3):
        d = hand_over(desk.specialist, d, world.b)
    with at(4):
        d = services.dossier_return_step(
            actor=desk.outsider, dossier_id=d.pk, version=d.version, to_step=1,
            reason="Thiếu ý kiến thẩm định",
        )  # fmt: skip
    rows = workbook_rows(documents.control_slip_xlsx(d), "STT")
    assert (rows[-1][1], rows[-1][2]) == ("Sở B", "Sở A")
    assert rows[-1][5] == "Trả lại bước trước: Thiếu ý kiến thẩm định"
    assert rows[-1][6] == desk.outsider.full_name


def test_control_slip_shows_a_recalled_hand_over(desk, world):
    """The wrong hand-over happened and stays on the slip; the recall is the row back."""
    with at(2):
        d = hand_over(desk.desk, received(desk), world.b)
    with at(3):
        d = services.dossier_recall(
            actor=desk.desk, dossier_id=d.pk, version=d.version, reason="Chuyển nhầm Sở B"
        )
    with at(4):
        d = hand_over(desk.desk, d, desk.department)
    rows = workbook_rows(documents.control_slip_xlsx(d), "STT")
    assert [(r[1], r[2]) for r in rows[-3:]] == [
        (desk.center.name, "Sở B"), ("Sở B", desk.center.name), (desk.center.name, "Sở A"),
    ]  # fmt: skip
    assert rows[-2][5].endswith("Thu hồi do chuyển nhầm: Chuyển nhầm Sở B")  # after its verdict
    assert rows[-2][6] == desk.desk.full_name


def test_agency_header_parent_and_province(world):
    divisions_load_province(actor=None, province=province_find("Tây Ninh"))
    divisions_load_province(actor=None, province=province_find("Huế"))
    tay_ninh = province_find("Tây Ninh")
    from egov.organizations.models import AdministrativeUnit

    commune = AdministrativeUnit.objects.filter(parent__code=str(int(tay_ninh.code))).first()
    commune_pc = agency_create(
        actor=None, code="101.00.99.H80", name="Ủy ban nhân dân xã Hòa Thành",
        type=AgencyType.objects.get(code="commune_pc"), administrative_unit=commune,
        phone="0276 3822 345", check_permission=False,
    )  # fmt: skip
    header = documents.agency_header(commune_pc)
    assert (header.parent_name, header.place, header.code, header.phone) == (
        "", "Tây Ninh", "101.00.99.H80", "0276 3822 345"
    )  # fmt: skip
    hue = AdministrativeUnit.objects.get(code=str(int(province_find("Huế").code)))
    pc = agency_create(
        actor=None, code="000.00.00.H46", name="Ủy ban nhân dân thành phố Huế",
        type=AgencyType.objects.get(code="provincial_pc"), administrative_unit=hue,
        check_permission=False,
    )  # fmt: skip
    office = factories.agency("Văn phòng", parent=pc)  # no unit of its own: its parent's
    header = documents.agency_header(office)
    assert (header.parent_name, header.name, header.place) == (
        "Ủy ban nhân dân thành phố Huế", "Văn phòng", "Huế"
    )  # fmt: skip
    assert documents.agency_header(world.a).place == tx.TEXTS["blank"]  # no unit anywhere


def test_register_lists_the_dossiers_received_in_the_period_by_code(desk):
    with at(2):
        first = received(desk)
        not_received = submit(desk)
    with at(3):
        second, third = received(desk), received(desk)
        second = hand_over(desk.desk, second, desk.department)
    with at(4):
        later = received(desk)
    period = documents.register_period("2026-03-02", "2026-03-03")
    text = words(documents.register(desk.center, period).text)
    codes = [first.code, second.code, third.code]
    assert all(code in text for code in codes)
    assert later.code not in text and not_received.code not in text
    assert "Từ ngày 02/03/2026 đến ngày 03/03/2026" in text and "Tổng số: 3 hồ sơ" in text
    rows = workbook_rows(documents.register_xlsx(desk.center, period), "STT")
    assert [r[1] for r in rows] == sorted(codes)
    by_code = {r[1]: r for r in rows}
    assert by_code[first.code][4] == APPLICANT.name
    assert by_code[first.code][6] == "Sở A"  # the implementing department decides
    assert by_code[first.code][7] == datetime(2026, 3, 2, 9, 0)
    assert by_code[second.code][9] == datetime(2026, 3, 3, 9, 0)  # handed to the department
    assert by_code[first.code][9] is None
    empty = documents.register(desk.center, documents.register_period("2026-01-01", "2026-01-31"))
    assert "Không có hồ sơ trong kỳ." in empty.text


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (None, "2026-03-01", "start", "Nhập ngày"),
        ("2026-03-01", "", "end", "Nhập ngày"),
        ("01/03/2026", "2026-03-31", "start", "không phải là ngày"),
        ("2026-02-30", "2026-03-31", "start", "không phải là ngày"),
        ("2026-03-31", "2026-03-01", "end", "kết thúc trước ngày bắt đầu"),
        ("2025-01-01", "2026-01-02", "end", "tối đa 366 ngày"),
    ],
)
def test_register_period_is_checked(start, end, field, message):
    with translation.override("vi"), pytest.raises(ValidationFailed) as exc:
        documents.register_period(start, end)
    assert message in exc.value.fields[field][0] and message in exc.value.message


def test_register_period_of_a_leap_year_and_a_single_day():
    assert documents.register_period("2025-01-01", "2026-01-01").end == date(2026, 1, 1)
    assert documents.register_period("2028-01-01", "2028-12-31").end == date(2028, 12, 31)
    assert documents.register_period("2026-03-02", "2026-03-02").start == date(2026, 3, 2)


def test_register_agency_is_one_the_reader_reads(desk, world):
    code = desk.center.code
    assert documents.register_agency_get(user=desk.desk, code=code) == desk.center
    assert documents.register_agency_get(user=world.admin, code=code) == desk.center
    for user, asked in ((desk.outsider, code), (desk.desk, "999.99.99.Z99"), (desk.desk, "")):
        with pytest.raises(NotFound):
            documents.register_agency_get(user=user, code=asked)


# --- pages --------------------------------------------------------------------------------------


def test_staff_download_every_form_with_the_public_lookup_url(client, desk, settings):
    settings.EGOV_PUBLIC_URL = PUBLIC
    with at(2):
        d = received(desk)
    client.force_login(desk.desk)
    response = client.get(f"/documents/dossiers/{d.pk}/01.pdf")
    assert is_download(response, f"{d.code}-01.pdf")
    assert response.content.startswith(b"%PDF-")
    assert pdf_info(response.content, "Title").endswith(d.code)
    assert f"/URI ({PUBLIC}/lookup/?code={quote(d.code)})".encode() in response.content
    response = client.get(f"/documents/dossiers/{d.pk}/06.pdf")
    assert is_download(response, f"{d.code}-06.pdf")
    response = client.get(f"/documents/dossiers/{d.pk}/06.xlsx")
    assert is_download(response, f"{d.code}-06.xlsx", documents.XLSX)
    assert workbook_rows(response.content, "STT")[0][2] == "Trung tâm Phục vụ hành chính công"


def test_without_a_public_url_the_lookup_url_is_the_requests_site(client, desk, settings):
    settings.EGOV_PUBLIC_URL = ""
    d = received(desk)
    client.force_login(desk.desk)
    response = client.get(f"/documents/dossiers/{d.pk}/01.pdf")
    assert f"/URI (http://testserver/lookup/?code={quote(d.code)})".encode() in response.content


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed")
def test_the_downloaded_receipt_reads_as_text(client, desk, tmp_path):
    with at(2):
        d = received(desk)
    client.force_login(desk.citizen)
    source = tmp_path / "01.pdf"
    source.write_bytes(client.get(f"/documents/my/{d.pk}/01.pdf").content)
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True, text=True
    ).stdout
    text = words(out)
    assert d.code in text and APPLICANT.name in text
    assert tx.vn_datetime(d.appointment_at) in text


def test_form_without_grounds_is_a_409_page(client, desk):
    d = received(desk)
    client = english(client)
    client.force_login(desk.desk)
    for form in ("02", "03", "04", "05"):
        response = client.get(f"/documents/dossiers/{d.pk}/{form}.pdf")
        assert response.status_code == 409 and response["Content-Type"].startswith("text/html")
    assert (
        b"only for a dossier that was refused"
        in client.get(f"/documents/dossiers/{d.pk}/03.pdf").content
    )
    d = services.dossier_refuse(
        actor=desk.desk, dossier_id=submit(desk).pk, version=1, reason="Sai thẩm quyền"
    )
    assert is_download(client.get(f"/documents/dossiers/{d.pk}/03.pdf"), f"{d.code}-03.pdf")
    assert client.get(f"/documents/dossiers/{d.pk}/01.pdf").status_code == 409  # never received


def test_staff_downloads_are_scoped(client, desk, world):
    d = received(desk)
    client.force_login(desk.outsider)  # agency B's leader
    for url in (f"/documents/dossiers/{d.pk}/01.pdf", f"/documents/dossiers/{d.pk}/06.xlsx"):
        assert client.get(url).status_code == 404
    client.force_login(desk.leader)  # agency A's leader: not before the hand-over
    assert client.get(f"/documents/dossiers/{d.pk}/01.pdf").status_code == 404
    d = hand_over(desk.desk, d, desk.department)
    assert client.get(f"/documents/dossiers/{d.pk}/01.pdf").status_code == 200
    client.force_login(world.ioc)  # reads everything
    assert client.get(f"/documents/dossiers/{d.pk}/06.pdf").status_code == 200
    client.force_login(desk.citizen)  # not staff
    assert client.get(f"/documents/dossiers/{d.pk}/01.pdf").status_code == 403
    client.logout()
    response = client.get(f"/documents/dossiers/{d.pk}/01.pdf")
    assert response.status_code == 302 and "/accounts/" in response["Location"]
    client.force_login(desk.desk)
    assert client.get(f"/documents/dossiers/{d.pk}/07.pdf").status_code == 404
    assert client.get(f"/documents/dossiers/{d.pk}/01.xlsx").status_code == 404
    assert client.get(f"/documents/dossiers/{d.pk + 1000}/01.pdf").status_code == 404


def test_citizens_download_their_own_slips_only(client, desk):
    with at(2):
        d = received(desk)
    client.force_login(desk.citizen)
    response = client.get(f"/documents/my/{d.pk}/01.pdf")
    assert is_download(response, f"{d.code}-01.pdf")
    assert client.get(f"/documents/my/{d.pk}/03.pdf").status_code == 409
    assert client.get(f"/documents/my/{d.pk}/06.pdf").status_code == 404  # officers' form
    other = factories.user(full_name="Người khác")
    client.force_login(other)
    assert client.get(f"/documents/my/{d.pk}/01.pdf").status_code == 404
    client.force_login(desk.desk)  # not the applicant, even as staff
    assert client.get(f"/documents/my/{d.pk}/01.pdf").status_code == 404
    client.logout()
    assert client.get(f"/documents/my/{d.pk}/01.pdf").status_code == 302


def test_register_pages(client, desk):
    with at(2):
        d = received(desk)
    client = english(client)
    client.force_login(desk.desk)
    query = f"agency={desk.center.code}&start=2026-03-01&end=2026-03-31"
    response = client.get(f"/documents/register.pdf?{query}")
    assert is_download(response, f"{desk.center.code}-07-20260301-20260331.pdf")
    response = client.get(f"/documents/register.xlsx?{query}")
    assert is_download(response, f"{desk.center.code}-07-20260301-20260331.xlsx", documents.XLSX)
    assert [r[1] for r in workbook_rows(response.content, "STT")] == [d.code]
    bad = {
        f"agency={desk.center.code}&end=2026-03-31": b"Give the date (YYYY-MM-DD).",
        f"agency={desk.center.code}&start=2026-3-1x&end=2026-03-31": b"is not a date",
        f"agency={desk.center.code}&start=2026-03-31&end=2026-03-01": b"ends before it starts",
        f"agency={desk.center.code}&start=2025-01-01&end=2026-03-01": b"at most 366 days",
    }
    for params, message in bad.items():
        response = client.get(f"/documents/register.pdf?{params}")
        assert response.status_code == 400 and message in response.content, params
    assert (
        client.get(
            "/documents/register.pdf?agency=999.99.99.Z99&start=2026-03-01&end=2026-03-31"
        ).status_code
        == 404
    )
    client.force_login(desk.outsider)
    assert client.get(f"/documents/register.xlsx?{query}").status_code == 404


# --- API ----------------------------------------------------------------------------------------


def test_api_staff_slips(client, desk, settings):
    settings.EGOV_PUBLIC_URL = PUBLIC
    d = received(desk)
    response = client.get(f"/api/v1/staff/dossiers/{d.pk}/slips/01", **auth(desk.desk))
    assert is_download(response, f"{d.code}-01.pdf")
    assert f"/URI ({PUBLIC}/lookup/".encode() in response.content
    response = client.get(f"/api/v1/staff/dossiers/{d.pk}/slips/06?format=xlsx", **auth(desk.desk))
    assert is_download(response, f"{d.code}-06.xlsx", documents.XLSX)
    conflict = client.get(f"/api/v1/staff/dossiers/{d.pk}/slips/03", **auth(desk.desk))
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "slip_unavailable"
    for url in ("slips/01?format=xlsx", "slips/07", "slips/x"):
        response = client.get(f"/api/v1/staff/dossiers/{d.pk}/{url}", **auth(desk.desk))
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    hidden = client.get(f"/api/v1/staff/dossiers/{d.pk}/slips/01", **auth(desk.outsider))
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "not_found"
    odd = client.get(f"/api/v1/staff/dossiers/{d.pk}/slips/01?format=doc", **auth(desk.desk))
    assert odd.status_code == 422
    assert client.get(f"/api/v1/staff/dossiers/{d.pk}/slips/01").status_code == 401


def test_api_register(client, desk):
    with at(2):
        d = received(desk)
    url = f"/api/v1/staff/register?agency={desk.center.code}&start=2026-03-02&end=2026-03-02"
    response = client.get(url + "&format=xlsx", **auth(desk.desk))
    assert [r[1] for r in workbook_rows(response.content, "STT")] == [d.code]
    assert is_download(
        client.get(url, **auth(desk.desk)), f"{desk.center.code}-07-20260302-20260302.pdf"
    )
    bad = client.get(
        f"/api/v1/staff/register?agency={desk.center.code}&start=2026-03-03&end=2026-03-02",
        **auth(desk.desk),
    )
    error = bad.json()["error"]
    assert bad.status_code == 400 and error["code"] == "invalid" and "end" in error["fields"]
    assert client.get(url, **auth(desk.outsider)).status_code == 404


def test_api_my_slips(client, desk):
    d = received(desk)
    response = client.get(f"/api/v1/me/dossiers/{d.pk}/slips/01", **auth(desk.citizen))
    assert is_download(response, f"{d.code}-01.pdf")
    assert (
        client.get(f"/api/v1/me/dossiers/{d.pk}/slips/06", **auth(desk.citizen)).status_code == 404
    )
    other = factories.user()
    response = client.get(f"/api/v1/me/dossiers/{d.pk}/slips/01", **auth(other))
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_openapi_describes_the_downloads(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    slips = paths["/api/v1/staff/dossiers/{dossier_id}/slips/{form}"]["get"]
    assert set(slips["responses"]["200"]["content"]) == {documents.PDF, documents.XLSX}
    assert (
        "/api/v1/staff/register" in paths
        and "/api/v1/me/dossiers/{dossier_id}/slips/{form}" in paths
    )


# --- configuration ------------------------------------------------------------------------------


def test_public_url_setting(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update({"DJANGO_SETTINGS_MODULE": "egov.settings", "EGOV_DATA_DIR": str(tmp_path)})
    script = "import django; django.setup(); from django.conf import settings; print(settings.EGOV_PUBLIC_URL)"

    def run(value: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True,
            env={**env, "EGOV_PUBLIC_URL": value},
        )  # fmt: skip

    assert run("https://dvc.tayninh.gov.vn/").stdout.strip() == "https://dvc.tayninh.gov.vn"
    wrong = run("dvc.tayninh.gov.vn")
    assert wrong.returncode != 0 and "EGOV_PUBLIC_URL must start with https://" in wrong.stderr
