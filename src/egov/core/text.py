"""Text helpers for Vietnamese."""

from __future__ import annotations

import unicodedata

_D_MAP = str.maketrans({"đ": "d", "Đ": "D"})


def fold(text: str) -> str:
    """Lower-case ``text`` and strip Vietnamese diacritics, so that 'Đăng ký' matches 'dang ky'.

    'đ' is a letter of its own in Unicode (not d + a mark), hence the explicit mapping.
    """
    decomposed = unicodedata.normalize("NFD", text.translate(_D_MAP))
    stripped = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return " ".join(stripped.casefold().split())
