"""What an uploaded file really is, by its first bytes rather than its name."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

# (kind, extensions, leading bytes). OOXML and ODF files are zip archives.
_SIGNATURES: list[tuple[str, tuple[str, ...], tuple[bytes, ...]]] = [
    ("pdf", (".pdf",), (b"%PDF",)),
    ("jpeg", (".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    ("png", (".png",), (b"\x89PNG\r\n\x1a\n",)),
    ("zip-office", (".docx", ".xlsx", ".odt", ".ods"), (b"PK\x03\x04",)),
    ("ole-office", (".doc", ".xls"), (b"\xd0\xcf\x11\xe0",)),
    ("rtf", (".rtf",), (b"{\\rtf",)),
]


@dataclass(frozen=True)
class FileKind:
    kind: str
    extension: str


def sniff(name: str, content: bytes) -> FileKind | None:
    """The kind of ``content`` if its bytes match the kind its extension claims, else None."""
    lower = name.lower()
    for kind, extensions, magics in _SIGNATURES:
        extension = next((e for e in extensions if lower.endswith(e)), None)
        if extension is not None:
            return FileKind(kind, extension) if content.startswith(magics) else None
    return None


def extensions(kinds: tuple[str, ...]) -> tuple[str, ...]:
    """The file name endings of ``kinds``, sorted: what a user is told may be uploaded."""
    return tuple(sorted({e for kind, exts, _m in _SIGNATURES if kind in kinds for e in exts}))


def upload_problem(
    name: str, content: bytes, *, allowed: tuple[str, ...], max_bytes: int
) -> str | None:
    """Why an upload is refused (in the user's language), or None when it is acceptable."""
    extensions = sorted({e for kind, exts, _m in _SIGNATURES if kind in allowed for e in exts})
    if not any(name.lower().endswith(e) for e in extensions):
        return _("The file '%(name)s' must be one of: %(types)s.") % {
            "name": name,
            "types": ", ".join(extensions),
        }
    if len(content) > max_bytes:
        return _("The file '%(name)s' is larger than %(size)s MB.") % {
            "name": name,
            "size": max_bytes // (1024 * 1024),
        }
    if len(content) == 0:
        return _("The file '%(name)s' is empty.") % {"name": name}
    if sniff(name, content) is None:
        return _("The file '%(name)s' is not a real %(type)s file.") % {
            "name": name,
            "type": name.rsplit(".", 1)[-1],
        }
    return None
