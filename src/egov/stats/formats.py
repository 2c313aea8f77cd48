"""Numbers as readers write them: Vietnamese style (157.732 · 98,5 %) in Vietnamese pages and
exports, English style (157,732 · 98.5%) in English ones."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import get_language


def _vietnamese(language: str | None = None) -> bool:
    return (language or get_language() or "vi").startswith("vi")


def number(value: int | Decimal | None, places: int = 0, language: str | None = None) -> str:
    if value is None:
        return "–"
    text = f"{value:,.{places}f}"
    if _vietnamese(language):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def percent(value: Decimal | None, places: int = 1, language: str | None = None) -> str:
    if value is None:
        return "–"
    text = number(value, places, language)
    return f"{text} %" if _vietnamese(language) else f"{text}%"
