"""What every egov form shares: the renderer (each field in a block of its own, the error
summary), the ``accept`` attribute of upload fields, and file fields that keep a valid upload
when the page comes back with another field's error (``KeepsUploads``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.forms.renderers import DjangoTemplates

from egov.core.uploads import KeptUpload, discard_upload, keep_upload, kept_upload


class EgovFormRenderer(DjangoTemplates):
    """Django's renderer with egov's field template: each field in a block of its own."""

    field_template_name = "core/forms/field.html"


# The media types of the file name endings egov accepts: a phone's picker filters by either.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".rtf": "application/rtf",
}


def accept_attribute(extensions: Iterable[str]) -> str:
    """The ``accept`` attribute of a file input for these name endings (``.pdf`` or ``pdf``):
    each ending once, with one dot, then their media types."""
    endings: list[str] = []
    for extension in extensions:
        ending = "." + extension.strip().lstrip(".").lower()
        if ending != "." and ending not in endings:
            endings.append(ending)
    types: list[str] = []
    for ending in endings:
        media_type = MEDIA_TYPES.get(ending)
        if media_type and media_type not in types:
            types.append(media_type)
    return ",".join(endings + types)


class KeptFileInput(forms.ClearableFileInput):
    """A file input that also shows the upload kept from an earlier try ("Already attached:
    name.pdf", a Remove box and the signed token of the kept file, in hidden fields named
    ``<name>_kept`` and ``<name>_remove``)."""

    template_name = "core/forms/kept_file_input.html"
    kept: KeptUpload | None = None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["kept"] = self.kept
        widget["kept_name"] = f"{name}_kept"
        widget["remove_name"] = f"{name}_remove"
        widget["remove_id"] = f"{widget['attrs'].get('id') or name}_remove"
        widget["note_id"] = f"{widget['attrs'].get('id') or name}_kept"
        if self.kept is not None:
            widget["attrs"].pop("required", None)  # already attached
            described = widget["attrs"].get("aria-describedby", "")
            widget["attrs"]["aria-describedby"] = f"{described} {widget['note_id']}".strip()
        return context


class KeepsUploads:
    """For a form with file fields whose valid uploads must survive a re-render with errors.

    The view gives the form an ``upload_owner`` (``lambda: core.uploads.upload_owner(request)``).
    When the page comes back with errors, ``keep_valid_uploads()`` stores each upload whose
    field has no error in the temporary upload area and the re-rendered field shows it as
    already attached; the next submission gets it back from ``upload(name)`` unless a new file
    replaces it or its Remove box is ticked. After a successful submission,
    ``discard_kept_uploads()`` deletes the temporary copies (stale ones are removed by the
    worker's sweep, ``core.uploads.pending_uploads_cleanup``).
    """

    fields: dict[str, forms.Field]
    files: Any
    data: Any
    is_bound: bool
    upload_owner: str | None = None
    kept_uploads: dict[str, KeptUpload] = {}  # replaced per form by setup_kept_uploads
    add_prefix: Callable[[str], str]  # forms.Form's

    def keeps_upload_fields(self) -> list[str]:
        """The names of the file fields (all of them unless a form says otherwise)."""
        return [n for n, f in self.fields.items() if isinstance(f, forms.FileField)]

    def setup_kept_uploads(self, owner: str | Callable[[], str] | None) -> None:
        """Read the kept uploads the submission names (after the fields exist). ``owner``
        may be a function (``lambda: upload_owner(request)``): it is called only when a file
        is kept or a kept one is read, so that no session is started for nothing."""
        self._owner_source = owner
        self.upload_owner = owner if isinstance(owner, str) else None
        self.kept_uploads = {}
        self._replaced: list[KeptUpload] = []
        for name in self.keeps_upload_fields():
            field = self.fields[name]
            if isinstance(field.widget, forms.ClearableFileInput) and not isinstance(
                field.widget, KeptFileInput
            ):
                field.widget = KeptFileInput(dict(field.widget.attrs))
            if not self.is_bound or owner is None:
                continue
            html_name = self.add_prefix(name)
            token = self.data.get(f"{html_name}_kept", "")
            kept = kept_upload(token, owner=self._owner()) if token else None
            if kept is None:
                continue
            if self.files.get(html_name) is not None or self.data.get(f"{html_name}_remove"):
                self._replaced.append(kept)  # a new file replaces it, or the user removed it
                continue
            self.kept_uploads[name] = kept
            self._show_kept(name, kept)

    def _owner(self) -> str:
        if self.upload_owner is None:
            source = getattr(self, "_owner_source", None)
            self.upload_owner = source() if callable(source) else source
        return self.upload_owner or ""

    def _show_kept(self, name: str, kept: KeptUpload | None) -> None:
        widget = self.fields[name].widget
        if isinstance(widget, KeptFileInput):
            widget.kept = kept

    def upload(self, name: str) -> UploadedFile | None:
        """The file for field ``name``: the one just sent, else the one kept from before."""
        uploaded: UploadedFile | None = self.files.get(self.add_prefix(name))
        if uploaded is not None:
            return uploaded
        kept = getattr(self, "kept_uploads", {}).get(name)
        if kept is None:
            return None
        content = kept.read()
        if content is None:  # removed by the cleanup meanwhile
            self.kept_uploads.pop(name, None)
            self._show_kept(name, None)
            return None
        return SimpleUploadedFile(kept.name, content, kept.content_type)

    def keep_valid_uploads(self) -> None:
        """Keep every upload whose field has no error, for the re-rendered page."""
        if getattr(self, "_owner_source", None) is None:
            return
        errors = self.errors  # type: ignore[attr-defined]
        for old in self._replaced:
            discard_upload(old)
        self._replaced = []
        for name in self.keeps_upload_fields():
            html_name = self.add_prefix(name)
            uploaded: UploadedFile | None = self.files.get(html_name)
            if name in errors:
                kept = self.kept_uploads.pop(name, None)
                if kept is not None and uploaded is None:
                    discard_upload(kept)  # the kept file itself was refused
                self._show_kept(name, None)
                continue
            if uploaded is not None:
                uploaded.seek(0)
                self.kept_uploads[name] = keep_upload(uploaded, owner=self._owner())
                self._show_kept(name, self.kept_uploads[name])

    def discard_kept_uploads(self) -> None:
        """After a successful submission: delete the temporary copies it used."""
        for kept in [*self.kept_uploads.values(), *getattr(self, "_replaced", [])]:
            discard_upload(kept)
        self.kept_uploads = {}
        self._replaced = []
