"""The fixed wording of the one-stop forms, in one place, and the Vietnamese date formats.

The forms are those of Circular 03/2025/TT-VPCP (Appendix I), which guides Decree 118/2025/NĐ-CP.
The list below is as reported by secondary sources [verify]:

    01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả
    02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ
    03 Phiếu từ chối tiếp nhận giải quyết hồ sơ
    04 Văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết
       (Circular 01/2018/TT-VPCP called it "Phiếu xin lỗi và hẹn lại ngày trả kết quả")
    05 Thông báo dừng giải quyết hồ sơ
    06 Phiếu kiểm soát quá trình giải quyết hồ sơ
    07 Sổ theo dõi hồ sơ

The body wording follows the structure of the forms of Circular 01/2018/TT-VPCP, which the 2025
forms keep in substance [verify]. The form numbers, titles and every sentence are templates in
``TEXTS``: a province adjusts them by passing ``texts={key: wording}`` to a renderer (merged
over these defaults), without touching the code.

Templates are ``str.format`` strings with named fields. They may hold the inline markup of
reportlab paragraphs (``<b>``, ``<i>``, ``<br/>``); the values substituted into them are escaped,
so a name with "&" or "<" prints as typed.

Dates follow Decree 30/2020/NĐ-CP (Appendix I): "ngày 05 tháng 01 năm 2026", with a leading zero
for days below 10 and for months 1 and 2.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

TEXTS: dict[str, str] = {
    # --- the national header and common pieces -------------------------------------------
    "national_name": "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "motto": "Độc lập - Tự do - Hạnh phúc",
    "number": "Số: {number}",
    "place_date": "{place}, {date}",
    "date": "ngày {day} tháng {month} năm {year}",
    "time": "{hour} giờ {minute} phút",
    "datetime": "{time}, {date}",
    "short_date": "{day}/{month}/{year}",
    "short_datetime": "{day}/{month}/{year} {hour}:{minute}",
    "blank": "………………",
    "blank_datetime": "…… giờ …… phút, ngày …… tháng …… năm ……",
    "blank_date": "ngày …… tháng …… năm ……",
    "sign_hint": "(Ký và ghi rõ họ tên)",
    "sign_seal_hint": "(Ký, ghi rõ họ tên và đóng dấu)",
    "recipients": "Nơi nhận:",
    "recipients_first": "- Như trên;",
    "recipient": "- {name};",
    "recipients_last": "- Lưu: VT.",
    "address": "Địa chỉ: {address}",
    "contact": "Số điện thoại: {phone}&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;Email: {email}",
    "request": "Nội dung yêu cầu giải quyết: {procedure}",
    "procedure_code": " (mã thủ tục: {procedure_code})",
    "page": "{page}",
    "qr_note": "Tra cứu hồ sơ: quét mã QR hoặc nhập mã hồ sơ và mã tra cứu tại {site}",
    "qr_code": "Mã hồ sơ: <b>{code}</b>",
    "qr_secret": "Mã tra cứu: <b>{secret}</b>",
    "channel.counter": "Trực tiếp",
    "channel.online": "Trực tuyến",
    "channel.postal": "Qua dịch vụ bưu chính công ích",
    # --- 01 receipt and appointment --------------------------------------------------------
    "receipt.form": "Mẫu số 01",
    "receipt.title": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "receipt.code": "Mã hồ sơ: <b>{code}</b>",
    "receipt.intro": "{agency} tiếp nhận hồ sơ của: <b>{applicant}</b>",
    "receipt.id_number": "Số định danh cá nhân/mã số thuế: {id_number}",
    "receipt.channel": "Hình thức nộp hồ sơ: {channel}",
    "receipt.components": "1. Thành phần hồ sơ nộp gồm:",
    "receipt.component": "({n}) {name}",
    "receipt.component_counts": ": {counts}",
    "receipt.originals": "{n} bản chính",
    "receipt.copies": "{n} bản sao",
    "receipt.sets": "2. Số lượng hồ sơ: {sets} (bộ)",
    "receipt.processing_time": "3. Thời gian giải quyết hồ sơ theo quy định: {processing_time}",
    "receipt.received": "4. Thời gian nhận hồ sơ: {received}",
    "receipt.appointment": "5. Thời gian trả kết quả giải quyết hồ sơ: <b>{appointment}</b>",
    "receipt.delivery": "6. Đăng ký nhận kết quả tại: {delivery}",
    "receipt.sign_left": "NGƯỜI NỘP HỒ SƠ",
    "receipt.sign_right": "NGƯỜI TIẾP NHẬN HỒ SƠ",
    # --- 02 supplementation request --------------------------------------------------------
    "supplement.form": "Mẫu số 02",
    "supplement.title": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "supplement.applicant": "Hồ sơ của: <b>{applicant}</b>",
    "supplement.code": "Mã hồ sơ: <b>{code}</b>, tiếp nhận {received}",
    "supplement.items": "Yêu cầu hoàn thiện hồ sơ gồm những nội dung sau:",
    "supplement.item": "{n}. {text}",
    "supplement.reason": "Lý do: {reason}",
    "supplement.contact": (
        "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, Ông/Bà liên hệ với {contact_name}, "
        "số điện thoại {contact_phone} để được hướng dẫn."
    ),
    # --- 03 refusal ------------------------------------------------------------------------
    "refusal.form": "Mẫu số 03",
    "refusal.title": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "refusal.intro": "{agency} tiếp nhận hồ sơ của: <b>{applicant}</b>",
    "refusal.reasons": (
        "Qua nghiên cứu, đối chiếu với các quy định hiện hành, {agency} từ chối tiếp nhận, "
        "giải quyết hồ sơ này với lý do cụ thể như sau:"
    ),
    "refusal.reason": "- {text}",
    "refusal.closing": "Xin thông báo cho Ông/Bà được biết và thực hiện./.",
    # --- 04 apology and new appointment ----------------------------------------------------
    "apology.form": "Mẫu số 04",
    "apology.title": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
    "apology.to": "Kính gửi: <b>{applicant}</b>",
    "apology.received": (
        "{received_date}, {agency} tiếp nhận hồ sơ của Ông/Bà/Tổ chức đề nghị giải quyết "
        "thủ tục hành chính: {procedure}."
    ),
    "apology.code": "Mã hồ sơ: <b>{code}</b>.",
    "apology.appointment": "Thời gian hẹn trả kết quả giải quyết hồ sơ: {appointment}.",
    "apology.late": (
        "Tuy nhiên đến nay, {agency} chưa trả kết quả giải quyết hồ sơ của Ông/Bà/Tổ chức."
    ),
    "apology.reason": "Lý do: {reason}",
    "apology.sorry": (
        "Sự chậm trễ này đã gây phiền hà cho Ông/Bà/Tổ chức. {agency} xin lỗi Ông/Bà/Tổ chức "
        "và hẹn trả kết quả giải quyết hồ sơ vào <b>{new_appointment}</b>."
    ),
    "apology.closing": "Xin trân trọng cảm ơn./.",
    # --- 05 stop of processing -------------------------------------------------------------
    "stop.form": "Mẫu số 05",
    "stop.title": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    "stop.to": "Kính gửi: <b>{applicant}</b>",
    "stop.received": (
        "{received_date}, {agency} tiếp nhận hồ sơ của Ông/Bà/Tổ chức đề nghị giải quyết "
        "thủ tục hành chính: {procedure}."
    ),
    "stop.code": "Mã hồ sơ: <b>{code}</b>.",
    "stop.basis": "Căn cứ {legal_basis},",
    "stop.notice": "{agency} thông báo dừng giải quyết hồ sơ nêu trên kể từ {stopped}.",
    "stop.reason": "Lý do: {reason}",
    "stop.closing": "Xin thông báo để Ông/Bà/Tổ chức được biết./.",
    # --- 06 processing control slip --------------------------------------------------------
    "control.form": "Mẫu số 06",
    "control.title": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
    "control.code": "Mã hồ sơ: <b>{code}</b>",
    "control.attached": "(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả số: {receipt_number})",
    "control.applicant": "Người nộp hồ sơ: {applicant}",
    "control.procedure": "Thủ tục hành chính: {procedure}",
    "control.dates": "Nhận hồ sơ: {received}. Hẹn trả kết quả: {appointment}.",
    "control.handling": "Cơ quan (bộ phận) giải quyết hồ sơ: {handling}",
    "control.coordinating": "Cơ quan phối hợp giải quyết hồ sơ: {coordinating}",
    "control.col.seq": "STT",
    "control.col.units": "Giao, nhận hồ sơ",
    "control.col.at": "Thời gian giao, nhận hồ sơ",
    "control.col.due": "Hạn xử lý",
    "control.col.result": "Kết quả giải quyết (trước hạn/ đúng hạn/ quá hạn), ghi chú",
    "control.col.sender": "Người giao<br/>(ký, ghi rõ họ tên)",
    "control.col.receiver": "Người nhận<br/>(ký, ghi rõ họ tên)",
    "control.col.from": "Bên giao",
    "control.col.to": "Bên nhận",
    "control.units": "Giao: {from_unit}<br/>Nhận: {to_unit}",
    "control.blank_units": "Giao: ……………<br/>Nhận: ……………",
    # --- 07 register -----------------------------------------------------------------------
    "register.form": "Mẫu số 07",
    "register.title": "SỔ THEO DÕI HỒ SƠ",
    "register.period": "Từ ngày {start} đến ngày {end}",
    "register.book": "Quyển số: {book}",
    "register.count": "Tổng số: {count} hồ sơ",
    "register.empty": "Không có hồ sơ trong kỳ.",
    "register.col.seq": "STT",
    "register.col.code": "Mã hồ sơ",
    "register.col.procedure": "Tên thủ tục hành chính",
    "register.col.sets": "Số lượng hồ sơ (bộ)",
    "register.col.applicant": "Tên cá nhân, tổ chức",
    "register.col.contact": "Địa chỉ, số điện thoại",
    "register.col.handling": "Cơ quan chủ trì giải quyết",
    "register.col.received": "Nhận hồ sơ",
    "register.col.appointment": "Hẹn trả kết quả",
    "register.col.transferred": "Chuyển hồ sơ đến cơ quan giải quyết",
    "register.col.result_received": "Nhận kết quả từ cơ quan giải quyết",
    "register.col.returned": "Trả kết quả cho cá nhân, tổ chức",
    "register.col.signature": "Ký nhận",
    "register.col.note": "Ghi chú",
    "register.sheet": "Sổ theo dõi hồ sơ",
    "control.sheet": "Phiếu kiểm soát",
}


def merged(overrides: Mapping[str, str] | None) -> dict[str, str]:
    """The default wording with a province's overrides; unknown keys are refused (typos)."""
    if not overrides:
        return TEXTS
    unknown = sorted(set(overrides) - set(TEXTS))
    if unknown:
        raise KeyError(f"unknown slip text keys: {', '.join(unknown)}")
    return {**TEXTS, **overrides}


def plain(markup: str) -> str:
    """The text that paragraph markup shows: tags dropped, entities decoded."""
    text = re.sub(r"<br\s*/?>", "\n", markup)
    return unescape(re.sub(r"<[^>]+>", "", text))


def plain_text(texts: Mapping[str, str], key: str, **values: object) -> str:
    """The template ``key`` filled with ``values``, as plain text (for Excel and metadata)."""
    return plain(texts[key]).format_map({k: str(v) for k, v in values.items()})


def local(value: datetime) -> datetime:
    """An aware datetime in Vietnam's time; a naive one is taken as already local."""
    return value.astimezone(TIME_ZONE) if value.tzinfo is not None else value


def _day_month(d: date) -> tuple[str, str]:
    # Decree 30/2020, Appendix I: a leading zero for days below 10 and for months 1 and 2.
    return f"{d.day:02d}", f"{d.month:02d}" if d.month < 3 else str(d.month)


def vn_date(value: date | datetime, texts: Mapping[str, str] = TEXTS) -> str:
    """ "ngày 22 tháng 11 năm 2026"."""
    d = local(value).date() if isinstance(value, datetime) else value
    day, month = _day_month(d)
    return texts["date"].format(day=day, month=month, year=d.year)


def vn_time(value: datetime, texts: Mapping[str, str] = TEXTS) -> str:
    """ "14 giờ 30 phút"."""
    t = local(value)
    return texts["time"].format(hour=t.hour, minute=f"{t.minute:02d}")


def vn_datetime(value: datetime, texts: Mapping[str, str] = TEXTS) -> str:
    """ "14 giờ 30 phút, ngày 22 tháng 11 năm 2026"."""
    return texts["datetime"].format(time=vn_time(value, texts), date=vn_date(value, texts))


def short_date(value: date | datetime, texts: Mapping[str, str] = TEXTS) -> str:
    """ "22/11/2026", for tables."""
    d = local(value).date() if isinstance(value, datetime) else value
    return texts["short_date"].format(day=f"{d.day:02d}", month=f"{d.month:02d}", year=d.year)


def short_datetime(value: datetime, texts: Mapping[str, str] = TEXTS) -> str:
    """ "22/11/2026 14:30", for tables (egov's one date-time format, egov.core.formats)."""
    t = local(value)
    return texts["short_datetime"].format(
        hour=f"{t.hour:02d}",
        minute=f"{t.minute:02d}",
        day=f"{t.day:02d}",
        month=f"{t.month:02d}",
        year=t.year,
    )
