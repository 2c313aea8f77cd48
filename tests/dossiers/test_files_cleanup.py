"""Stored dossier files that no dossier refers to are removed by `egov dossier_files_cleanup`."""

from __future__ import annotations

import os
import time
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command

from egov.dossiers import services
from egov.dossiers.models import DossierFile
from egov.dossiers.services import Applicant, Upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _age(storage, name: str, hours: float) -> None:
    then = time.time() - hours * 3600
    os.utime(storage.path(name), (then, then))


def test_old_files_without_a_dossier_are_removed_and_the_rest_kept(desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="0912345678"),
    )  # fmt: skip
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    d = services.dossier_complete(
        actor=desk.leader, dossier_id=d.pk, version=d.version,
        files=[Upload(component_id=None, name="giay-phep.pdf", content=PDF)],
    )  # fmt: skip
    kept = DossierFile.objects.get(dossier=d)
    storage = kept.file.storage
    orphan = storage.save("dossiers/2026/11/orphan.pdf", ContentFile(PDF))
    recent = storage.save("dossiers/2026/11/recent.pdf", ContentFile(PDF))
    for name in (kept.file.name, orphan):
        _age(storage, name, 48)
    out = StringIO()
    call_command("dossier_files_cleanup", "--dry-run", stdout=out)
    assert orphan in out.getvalue() and "1 files" in out.getvalue()
    assert storage.exists(orphan)
    call_command("dossier_files_cleanup", stdout=StringIO())
    assert not storage.exists(orphan)
    assert storage.exists(kept.file.name)  # its dossier refers to it
    assert storage.exists(recent)  # may belong to a transaction still running
    with pytest.raises(CommandError):
        call_command("dossier_files_cleanup", "--hours", "0")
