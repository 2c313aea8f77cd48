"""The fonts of the slips: DejaVu Sans, shipped inside egov so every install prints Vietnamese.

The TrueType files in ``fonts/`` are copied from Debian's fonts-dejavu-core and
fonts-dejavu-extra (DejaVu 2.37; licence in ``fonts/LICENSE-DejaVu.txt``). They cover the
whole Vietnamese alphabet with its stacked diacritics. reportlab embeds only the glyphs a
document uses, so a slip stays small.

They are registered with reportlab once, on first use, under the names below.
"""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR = "EgovSans"
BOLD = "EgovSans-Bold"
ITALIC = "EgovSans-Italic"
_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
}

_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the fonts with reportlab (idempotent, thread-safe)."""
    global _registered
    if _registered:
        return
    with _lock:
        if _registered:
            return
        for name, file in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / file)))
        # So that <b> and <i> in paragraph markup pick the right faces. There is no bold
        # oblique file: bold italic falls back to bold.
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, ITALIC)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True
