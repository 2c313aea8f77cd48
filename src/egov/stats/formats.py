"""Numbers as readers write them: Vietnamese style (157.732 · 98,5 %) in Vietnamese pages and
exports, English style (157,732 · 98.5%) in English ones."""

from __future__ import annotations

from decimal import Decimal

from egov.core.formats import is_vietnamese, number_text


def number(value: int | Decimal | None, places: int = 0, language: str | None = None) -> str:
    return number_text(value, places, language)


def percent(value: Decimal | None, places: int = 1, language: str | None = None) -> str:
    if value is None:
        return "–"
    text = number(value, places, language)
    return f"{text} %" if is_vietnamese(language) else f"{text}%"
