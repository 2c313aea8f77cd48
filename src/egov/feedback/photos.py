"""Photos of reports: checked by content, re-encoded without metadata, redacted by blacking out.

- **By content.** Pillow must recognize the bytes as a JPEG, PNG or WebP image (the name
  does not matter); the size limit is ``EGOV_FEEDBACK_PHOTO_MAX_MB``, and images over
  ``MAX_PIXELS`` are refused before being decoded (decompression bombs).
- **Privacy.** Every photo is decoded and encoded again (JPEG, or PNG when it has
  transparency), rotated upright by its EXIF orientation first, so nothing of the original
  file's metadata survives: no GPS position, camera serial or owner name.
- **Redaction** draws opaque black boxes over the chosen areas of a copy. Black boxes rather
  than blur: a blur of a face or a number plate can sometimes be reversed or recognized, an
  opaque box cannot.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError

MAX_PIXELS = 40_000_000
MAX_SIDE = 4096  # larger photos are scaled down: enough for any screen, far smaller files
FORMATS = {"JPEG", "PNG", "WEBP", "MPO"}


@dataclass(frozen=True)
class PhotoUpload:
    """A photo as sent by a client: its file name (informative only) and its bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str
    width: int
    height: int


def max_photo_bytes() -> int:
    return int(getattr(settings, "EGOV_FEEDBACK_PHOTO_MAX_MB", 8)) * 1024 * 1024


def photo_problem(upload: PhotoUpload) -> str | None:
    """Why ``upload`` is refused (in the user's language), or None when it is an image."""
    if not upload.content:
        return _("The file '%(name)s' is empty.") % {"name": upload.name}
    if len(upload.content) > max_photo_bytes():
        return _("The photo '%(name)s' is larger than %(size)s MB.") % {
            "name": upload.name,
            "size": max_photo_bytes() // (1024 * 1024),
        }
    try:
        with Image.open(io.BytesIO(upload.content)) as image:
            if image.format not in FORMATS:
                raise UnidentifiedImageError
            if image.width * image.height > MAX_PIXELS:
                raise UnidentifiedImageError
            image.verify()
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return _("The file '%(name)s' is not a JPEG, PNG or WebP photo.") % {"name": upload.name}
    return None


def _encode(image: Image.Image) -> CleanPhoto:
    """JPEG, or PNG for an image with transparency; nothing of ``image.info`` is written."""
    out = io.BytesIO()
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        image.info = {}
        image.save(out, format="PNG", optimize=True)
        return CleanPhoto(out.getvalue(), "image/png", ".png", image.width, image.height)
    image = image.convert("RGB")
    image.info = {}
    image.save(out, format="JPEG", quality=85, optimize=True)
    return CleanPhoto(out.getvalue(), "image/jpeg", ".jpg", image.width, image.height)


def clean_photo(content: bytes) -> CleanPhoto:
    """``content`` decoded, turned upright, scaled to ``MAX_SIDE`` and encoded without metadata.

    Call ``photo_problem`` first: this raises on bytes that are not an image.
    """
    with Image.open(io.BytesIO(content)) as opened:
        opened.load()
        image = ImageOps.exif_transpose(opened)
        if max(image.size) > MAX_SIDE:
            image.thumbnail((MAX_SIDE, MAX_SIDE))
        return _encode(image)


def black_out(content: bytes, boxes: list[tuple[float, float, float, float]]) -> CleanPhoto:
    """A copy of the (clean) photo ``content`` with each box painted opaque black.

    A box is ``(left, top, width, height)`` as fractions (0–1) of the photo's width and
    height, so that it does not depend on the size the moderator saw the photo at.
    """
    with Image.open(io.BytesIO(content)) as opened:
        image = opened.convert("RGB")
    draw = ImageDraw.Draw(image)
    for left, top, width, height in boxes:
        x0, y0 = left * image.width, top * image.height
        draw.rectangle(
            [x0, y0, x0 + width * image.width, y0 + height * image.height], fill=(0, 0, 0)
        )
    return _encode(image)
