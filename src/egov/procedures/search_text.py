"""The text search reads: words folded to lower case without diacritics."""

from __future__ import annotations

import re

from egov.core.text import fold

_WORD = re.compile(r"[a-z0-9]+")


def words(text: str) -> list[str]:
    """'Đăng ký khai sinh (1.001193)' → ['dang', 'ky', 'khai', 'sinh', '1', '001193']."""
    return _WORD.findall(fold(text))


def folded(text: str) -> str:
    return " ".join(words(text))
