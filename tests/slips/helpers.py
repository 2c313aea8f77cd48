"""Constants and PDF-reading helpers shared by the slip tests (no PDF library needed)."""

from __future__ import annotations

import base64
import re
import zlib

URL = "https://dichvucong.tayninh.gov.vn/tra-cuu/?ma=000.00.04.H59-261122-0002&k=7KQ4-M2XD"
CODE = "000.00.04.H59-261122-0002"
APPLICANT = "Nguyễn Thị Hồng Nhung"

CITIZEN_FORMS = ["receipt", "supplement", "refusal", "apology", "stop"]
ALL_FORMS = [*CITIZEN_FORMS, "control", "register"]


def pdf_string(raw: bytes) -> str:
    """Decode a PDF literal string's body (escapes, UTF-16BE with BOM or PDFDocEncoding)."""
    out = bytearray()
    i = 0
    escapes = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
    while i < len(raw):
        c = raw[i : i + 1]
        if c == b"\\":
            octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
            if octal:
                out.append(int(octal.group(0), 8))
                i += 1 + len(octal.group(0))
                continue
            nxt = raw[i + 1 : i + 2]
            out += escapes.get(nxt, nxt)
            i += 2
            continue
        out += c
        i += 1
    data = bytes(out)
    if data.startswith(b"\xfe\xff"):
        return data[2:].decode("utf-16-be")
    return data.decode("latin-1")


def pdf_info(pdf: bytes, key: str) -> str:
    m = re.search(rb"/" + key.encode() + rb" \(((?:\\.|[^\\)])*)\)", pdf)
    assert m, f"no /{key} in the PDF"
    return pdf_string(m.group(1))


_RECT = re.compile(rb"(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re\b")
_STREAM = re.compile(rb">>\s*stream\r?\n")


def content_streams(pdf: bytes) -> list[bytes]:
    """Every stream of the file, inflated when it is Flate-compressed (font files excluded)."""
    out = []
    for m in _STREAM.finditer(pdf):
        head = pdf[pdf.rfind(b" obj", 0, m.start()) : m.start()]
        if b"/Length1" in head:  # an embedded TrueType font
            continue
        declared = re.search(rb"/Length (\d+)", head)
        assert declared, "a stream without /Length"
        length = int(declared.group(1))
        body = pdf[m.end() : m.end() + length]
        if b"/ASCII85Decode" in head:
            body = base64.a85decode(body.strip().removeprefix(b"<~").removesuffix(b"~>"))
        out.append(zlib.decompress(body) if b"/FlateDecode" in head else body)
    return out


def drawn_matrix(pdf: bytes) -> list[list[int]]:
    """The QR symbol as drawn: the filled rectangles of the page, back on a module grid.

    The slips draw no other rectangles, so every ``re`` operator is a run of dark modules.
    """
    rects = [
        tuple(float(v) for v in m.groups())
        for stream in content_streams(pdf)
        for m in _RECT.finditer(stream)
    ]
    assert rects, "no rectangles drawn"
    module = min(h for _, _, _, h in rects)
    left = min(x for x, _, _, _ in rects)
    top = max(y + h for _, y, _, h in rects)
    right = max(x + w for x, _, w, _ in rects)
    bottom = min(y for _, y, _, _ in rects)
    cols = round((right - left) / module)
    rows = round((top - bottom) / module)
    matrix = [[0] * cols for _ in range(rows)]
    for x, y, w, h in rects:
        assert abs(h - module) < 1e-3, "a rectangle that is not one module high"
        r = round((top - y - h) / module)
        c = round((x - left) / module)
        for k in range(round(w / module)):
            matrix[r][c + k] = 1
    return matrix


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type /Page(?!s)", pdf))
