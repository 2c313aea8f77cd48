from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime

import pytest

from egov.slips import fonts, texts
from egov.slips.data import Component, ControlSlip, HandOver, Period, SlipDossier


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 5), "ngày 05 tháng 01 năm 2026"),
        (date(2026, 2, 28), "ngày 28 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2026, 11, 22), "ngày 22 tháng 11 năm 2026"),
    ],
)
def test_vietnamese_dates_follow_decree_30(day, expected):
    assert texts.vn_date(day) == expected


def test_times_are_printed_in_vietnam_time():
    assert texts.vn_time(datetime(2026, 11, 22, 14, 30)) == "14 giờ 30 phút"
    assert texts.vn_time(datetime(2026, 11, 22, 8, 5)) == "8 giờ 05 phút"
    late_utc = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)  # 01:00 the next day in Vietnam
    assert texts.vn_datetime(late_utc) == "1 giờ 00 phút, ngày 23 tháng 11 năm 2026"
    assert texts.short_datetime(late_utc) == "23/11/2026 01:00"
    assert texts.short_date(date(2026, 1, 5)) == "05/01/2026"


def test_overrides_merge_over_the_defaults_and_typos_are_refused():
    merged = texts.merged({"receipt.form": "Mẫu 01"})
    assert merged["receipt.form"] == "Mẫu 01"
    assert merged["refusal.form"] == "Mẫu số 03"
    assert texts.TEXTS["receipt.form"] == "Mẫu số 01"  # defaults untouched
    with pytest.raises(KeyError):
        texts.merged({"no.such.key": ""})


def test_plain_text_drops_markup_but_keeps_values():
    assert texts.plain_text(texts.TEXTS, "receipt.code", code="A<1>") == "Mã hồ sơ: A<1>"
    assert texts.plain("Người giao<br/>(ký)") == "Người giao\n(ký)"


def test_dataclasses_are_frozen_and_accept_lists(dossier):
    assert dossier.components == (
        Component("Đơn đề nghị cấp giấy phép xây dựng", 1, 0),
        Component("Bản sao giấy chứng nhận quyền sử dụng đất", 0, 1),
    )
    assert isinstance(dossier.components[0], Component)
    with pytest.raises(dataclasses.FrozenInstanceError):
        dossier.code = "x"  # type: ignore[misc]
    slip = ControlSlip(hand_overs=[HandOver(from_unit="A", to_unit="B")])
    assert isinstance(slip.hand_overs, tuple)
    hash(slip)


def test_dossier_fields_are_keyword_only():
    with pytest.raises(TypeError):
        SlipDossier("code")  # type: ignore[misc]


def test_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 31))


def test_the_fonts_ship_with_the_package_with_their_licence():
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"):
        size = (fonts.FONT_DIR / name).stat().st_size
        assert 300_000 < size < 1_000_000
    licence = (fonts.FONT_DIR / "LICENSE-DejaVu.txt").read_text()
    assert "Bitstream" in licence
    fonts.register_fonts()
    fonts.register_fonts()  # idempotent
