"""The temporary upload area: files a form received while another of its fields had an error,
kept so that the person does not have to choose them again.

A kept file is stored with ``default_storage`` (the file system, or S3 through
django-storages) under ``uploads-pending/<hour>/<random name>``; the page carries a signed
token naming it, bound to the session that uploaded it, so a token copied elsewhere or
forged names nothing. The token is good for ``PENDING_UPLOAD_HOURS``; after that the sweep of
``egov worker`` (``CoreConfig.worker_sweep``, once an hour) deletes the folder of that hour. A
kept file is never trusted: the service checks it by content as it checks a new upload.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger("egov.uploads")

PENDING_PREFIX = "uploads-pending"
PENDING_UPLOAD_HOURS = 24
_SALT = "egov.core.uploads"
_HOUR_FORMAT = "%Y%m%d%H"


@dataclass(frozen=True)
class KeptUpload:
    token: str  # what the page carries in ``<field>_kept``
    path: str  # in default_storage
    name: str  # the file name the person chose
    size: int
    content_type: str

    def read(self) -> bytes | None:
        """The file's bytes, or None when it is gone (cleaned up)."""
        try:
            with default_storage.open(self.path, "rb") as handle:
                data: bytes = handle.read()
                return data
        except (OSError, FileNotFoundError):
            return None


def upload_owner(request: HttpRequest) -> str:
    """Whom kept files belong to: the request's session (started when there is none)."""
    session = request.session
    if session.session_key is None:
        session.save()
        session.modified = True  # so that the response sets the session cookie
    return str(session.session_key or "")


def keep_upload(uploaded: UploadedFile, *, owner: str) -> KeptUpload:
    """Store ``uploaded`` in the temporary area; returns what names it."""
    folder = timezone.now().astimezone(UTC).strftime(_HOUR_FORMAT)
    path = default_storage.save(
        f"{PENDING_PREFIX}/{folder}/{secrets.token_hex(16)}", _rewound(uploaded)
    )
    name = (uploaded.name or "file").replace("/", "_").replace("\\", "_")[-200:]
    content_type = (getattr(uploaded, "content_type", "") or "application/octet-stream")[:100]
    size = uploaded.size or 0
    token = signing.dumps(
        {"p": path, "n": name, "s": size, "t": content_type},
        salt=f"{_SALT}:{owner}",
        compress=True,
    )
    return KeptUpload(token=token, path=path, name=name, size=size, content_type=content_type)


def _rewound(uploaded: UploadedFile) -> UploadedFile:
    with suppress(AttributeError, OSError, ValueError):
        uploaded.seek(0)
    return uploaded


def kept_upload(token: str, *, owner: str) -> KeptUpload | None:
    """The kept file ``token`` names, when it was signed for ``owner`` less than
    ``PENDING_UPLOAD_HOURS`` ago and is still stored; else None."""
    if not token or not owner:
        return None
    try:
        value = signing.loads(
            token, salt=f"{_SALT}:{owner}", max_age=timedelta(hours=PENDING_UPLOAD_HOURS)
        )
        path, name, size, content_type = value["p"], value["n"], value["s"], value["t"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    if not isinstance(path, str) or not path.startswith(f"{PENDING_PREFIX}/") or ".." in path:
        return None
    if not default_storage.exists(path):
        return None
    return KeptUpload(
        token=token, path=path, name=str(name), size=int(size), content_type=str(content_type)
    )


def discard_upload(kept: KeptUpload) -> None:
    with suppress(OSError):
        default_storage.delete(kept.path)


def pending_uploads_cleanup(*, now: datetime | None = None) -> int:
    """Delete the kept files older than ``PENDING_UPLOAD_HOURS`` (their tokens no longer
    work); returns how many were deleted."""
    if not default_storage.exists(PENDING_PREFIX):
        return 0
    now = now or timezone.now()
    cutoff = (now - timedelta(hours=PENDING_UPLOAD_HOURS + 1)).astimezone(UTC)
    removed = 0
    folders, _files = default_storage.listdir(PENDING_PREFIX)
    for folder in sorted(folders):
        try:
            hour = datetime.strptime(folder, _HOUR_FORMAT).replace(tzinfo=UTC)
        except ValueError:
            continue
        if hour >= cutoff:
            continue
        _subfolders, names = default_storage.listdir(f"{PENDING_PREFIX}/{folder}")
        for name in names:
            with suppress(OSError):
                default_storage.delete(f"{PENDING_PREFIX}/{folder}/{name}")
                removed += 1
        with suppress(OSError):  # the file system keeps empty folders; S3 has none
            default_storage.delete(f"{PENDING_PREFIX}/{folder}")
    if removed:
        logger.info("removed %s stale kept uploads", removed)
    return removed
