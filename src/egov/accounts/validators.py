"""Validation of the identifiers citizens and businesses type (shared/docs/domain.md).

Each function returns the normalized value or raises Django's ValidationError with a message
in the user's language, so forms, services and the API share one set of rules.
"""

from __future__ import annotations

import functools
import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

# Province codes of birth registration used in the first three digits of a citizen identity
# number: the 63 provinces as they were when the numbers were defined (Circular 07/2016/TT-BCA,
# as amended). Numbers keep these codes after the 2025 mergers.
CITIZEN_ID_PROVINCE_CODES = frozenset(
    f"{n:03d}"
    for n in (
        1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34,
        35, 36, 37, 38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67,
        68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
    )
)  # fmt: skip

# The 4th digit gives gender and century: 0/1 born in the 1900s (male/female), 2/3 the 2000s,
# 4/5 the 2100s, 6/7 the 2200s, 8/9 the 1800s.
_CENTURY_BY_DIGIT = {
    0: 1900,
    1: 1900,
    2: 2000,
    3: 2000,
    4: 2100,
    5: 2100,
    6: 2200,
    7: 2200,
    8: 1800,
    9: 1800,
}

# Weights of the business tax code's check digit (Circular 105/2020/TT-BTC) [verify].
_TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def normalize_citizen_id(value: str) -> str:
    """A 12-digit citizen identity number (CCCD), checked for its province and birth year."""
    digits = re.sub(r"\s", "", value or "")
    if not re.fullmatch(r"\d{12}", digits):
        raise ValidationError(_("A citizen identity number has exactly 12 digits."), code="format")
    if digits[:3] not in CITIZEN_ID_PROVINCE_CODES:
        raise ValidationError(
            _("The first three digits (%(code)s) are not a province code.") % {"code": digits[:3]},
            code="province",
        )
    birth_year = _CENTURY_BY_DIGIT[int(digits[3])] + int(digits[4:6])
    if birth_year > timezone.localdate().year:
        raise ValidationError(
            _("Digits 4 to 6 give a birth year in the future (%(year)s).") % {"year": birth_year},
            code="birth_year",
        )
    return digits


def tax_code_check_digit(first_nine: str) -> int | None:
    """The 10th digit a tax code must have, or None when no valid code starts so."""
    total = sum(int(d) * w for d, w in zip(first_nine, _TAX_CODE_WEIGHTS, strict=True))
    check = 10 - total % 11
    return check if check < 10 else None


def normalize_tax_code(value: str) -> str:
    """A business tax code: 10 digits, or 13 as ``0312345678-001`` for a branch."""
    raw = re.sub(r"\s", "", value or "")
    match = re.fullmatch(r"(\d{10})(?:-?(\d{3}))?", raw)
    if not match:
        raise ValidationError(
            _("A tax code has 10 digits, or 13 for a branch (like 0312345678-001)."),
            code="format",
        )
    main, branch = match.groups()
    if tax_code_check_digit(main[:9]) != int(main[9]):
        raise ValidationError(
            _("This tax code is not valid: its check digit does not match."), code="checksum"
        )
    if branch == "000":
        raise ValidationError(_("A branch suffix cannot be 000."), code="branch")
    return f"{main}-{branch}" if branch else main


def normalize_mobile_phone(value: str) -> str:
    """A Vietnamese mobile number, returned in international form (+84…)."""
    return _normalize_mobile_phone((value or "").strip())


# Parsing and validating a number costs about 0.1 ms, and a dossier's notifications check
# the applicant's number for SMS and Zalo on every change: remember the recent answers (only
# valid numbers are remembered; an invalid one raises every time).
@functools.lru_cache(maxsize=4096)
def _normalize_mobile_phone(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 84
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise ValidationError(
            _("Enter a Vietnamese mobile number: 10 digits starting with 0, or +84."),
            code="phone",
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_for_display(value: str | None) -> str:
    """``+84912345678`` as ``0912 345 678``."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def normalize_email(value: str) -> str:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(_("Enter a valid email address."), code="email") from None
    return email
