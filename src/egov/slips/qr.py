"""The QR code to the public lookup page, drawn as vector squares (sharp at any print size)."""

from __future__ import annotations

from collections.abc import Iterator

import segno
from reportlab.platypus import Flowable

QUIET_ZONE = 4  # modules of white around the symbol, as ISO/IEC 18004 requires
ERROR_LEVEL = "m"  # 15 % of the symbol may be lost (a fold, a stamp) and it still reads


def lookup_qr(url: str) -> segno.QRCode:
    """The QR code (never a Micro QR: phones do not read those) for ``url``."""
    return segno.make_qr(url, error=ERROR_LEVEL)


def dark_runs(qr: segno.QRCode) -> Iterator[tuple[int, int, int]]:
    """The horizontal runs of dark modules as (row, first column, length), row 0 at the top."""
    for r, row in enumerate(qr.matrix):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                yield r, start, c - start
            else:
                c += 1


class QRFlowable(Flowable):
    """A square QR code of ``size`` points (quiet zone included), linked to its URL.

    Each run of dark modules is one rectangle of a single filled path, so the symbol is exact
    vector art of a few hundred operators. The link annotation makes the code clickable in a PDF viewer.
    """

    def __init__(self, url: str, size: float) -> None:
        super().__init__()
        self.url = url
        self.qr = lookup_qr(url)
        self.size = size
        self.width = self.height = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canv = self.canv
        modules = len(self.qr.matrix) + 2 * QUIET_ZONE
        m = self.size / modules
        top = self.size - QUIET_ZONE * m
        # One path filled once: adjacent squares then show no anti-aliasing seams.
        path = canv.beginPath()
        for r, c, length in dark_runs(self.qr):
            path.rect((QUIET_ZONE + c) * m, top - (r + 1) * m, length * m, m)
        canv.saveState()
        canv.setFillColorRGB(0, 0, 0)
        canv.drawPath(path, stroke=0, fill=1)
        canv.restoreState()
        canv.linkURL(self.url, (0, 0, self.size, self.size), relative=1, thickness=0)
