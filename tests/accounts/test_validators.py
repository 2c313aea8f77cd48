from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from egov.accounts.validators import (
    normalize_citizen_id,
    normalize_email,
    normalize_mobile_phone,
    normalize_tax_code,
    phone_for_display,
    tax_code_check_digit,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("072190001234", "072190001234"),  # Tây Ninh, female born 1990
        ("001 203 004 567", "001203004567"),  # spaces allowed, male born 2003
        ("096099123456", "096099123456"),
    ],
)
def test_valid_citizen_ids(raw, expected):
    assert normalize_citizen_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("07219000123", "format"),  # 11 digits
        ("0721900012345", "format"),  # 13 digits
        ("07219000123a", "format"),
        ("003190001234", "province"),  # 003 is no province code
        ("099190001234", "province"),
        ("072499001234", "birth_year"),  # 4 → 2100s: born 2199
    ],
)
def test_invalid_citizen_ids(raw, code):
    with pytest.raises(ValidationError) as exc:
        normalize_citizen_id(raw)
    assert exc.value.code == code


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0100112437", "0100112437"),
        ("0101248141", "0101248141"),
        ("0100112437-001", "0100112437-001"),
        ("0100112437001", "0100112437-001"),
    ],
)
def test_valid_tax_codes(raw, expected):
    assert normalize_tax_code(raw) == expected


@pytest.mark.parametrize(
    "raw", ["0100112438", "010011243", "01001124370", "0100112437-000", "0100112437-01", "abc"]
)
def test_invalid_tax_codes(raw):
    with pytest.raises(ValidationError):
        normalize_tax_code(raw)


def test_tax_check_digit_matches_the_published_formula():
    # weights 31 29 23 19 17 13 7 5 3; check = 10 - (sum mod 11)
    assert tax_code_check_digit("010011243") == 7


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912345678", "+84912345678"),
        ("0912 345 678", "+84912345678"),
        ("+84912345678", "+84912345678"),
        ("0387654321", "+84387654321"),
    ],
)
def test_valid_mobile_numbers(raw, expected):
    assert normalize_mobile_phone(raw) == expected


@pytest.mark.parametrize(
    "raw", ["091234567", "09123456789", "02838221111", "+14155550100", "hello"]
)
def test_invalid_mobile_numbers(raw):
    with pytest.raises(ValidationError):
        normalize_mobile_phone(raw)


def test_phone_display_is_national():
    assert phone_for_display("+84912345678").replace(" ", "") == "0912345678"


def test_email_is_lowercased_and_checked():
    assert normalize_email("  Ai@Example.COM ") == "ai@example.com"
    with pytest.raises(ValidationError):
        normalize_email("not-an-email")


def test_messages_are_vietnamese_by_default_and_english_on_request():
    with translation.override("vi"), pytest.raises(ValidationError) as vi:
        normalize_citizen_id("123")
    with translation.override("en"), pytest.raises(ValidationError) as en:
        normalize_citizen_id("123")
    assert "12 chữ số" in vi.value.messages[0]
    assert "12 digits" in en.value.messages[0]


def test_remembered_numbers_give_the_same_answers_and_errors_stay_errors():
    for _ in range(2):  # the second time from the cache
        assert normalize_mobile_phone(" 0912 345 678 ") == "+84912345678"
        with pytest.raises(ValidationError):
            normalize_mobile_phone("091234567")
