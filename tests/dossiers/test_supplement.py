"""An empty supplementation (no file, no message) is refused and the pause goes on (issue 15):
in the service, so the API (tests/dossiers/test_api.py), the citizen's page and the officer's
page share the rule."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.core.errors import ValidationFailed
from egov.core.models import AuditRecord
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierFile, DossierPause, DossierState
from egov.dossiers.services import Applicant, Upload
from egov.notifications.models import OutboxMessage

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"
MESSAGE_EN = "Attach the documents asked for, or write a message to the officer."


def _paused(desk) -> Dossier:
    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="+84912345678"), files=[],
    )  # fmt: skip
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    return services.dossier_request_supplement(
        actor=desk.specialist, dossier_id=d.pk, version=d.version, missing="Thiếu bản vẽ mặt cắt"
    )


def _everything(d: Dossier):
    d = Dossier.objects.get(pk=d.pk)
    return (
        d.state, d.version, d.paused_since, d.appointment_at, d.step_due_at, d.events.count(),
        AuditRecord.objects.count(), OutboxMessage.objects.count(), DossierFile.objects.count(),
        DossierPause.objects.filter(dossier=d, ended_at__isnull=True).count(),
    )  # fmt: skip


def test_the_service_refuses_an_empty_supplement(desk):
    d = _paused(desk)
    before = _everything(d)
    for actor, comment in [(desk.citizen, ""), (desk.citizen, "  \n\t"), (desk.desk, "")]:
        with pytest.raises(ValidationFailed) as refused:
            services.dossier_supplement(
                actor=actor, dossier_id=d.pk, version=d.version, comment=comment, files=[]
            )
        assert list(refused.value.fields) == ["files"]
        assert _everything(d) == before
    assert before[0] == DossierState.SUPPLEMENT_REQUESTED and before[2] is not None
    # Another's dossier is still not found / not theirs before it is empty.
    from egov.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.dossier_supplement(actor=desk.outsider, dossier_id=d.pk, version=d.version)
    # A file alone is a supplement.
    d = services.dossier_supplement(
        actor=desk.citizen, dossier_id=d.pk, version=d.version, files=[Upload(None, "a.pdf", PDF)]
    )
    assert d.state == DossierState.IN_PROGRESS and d.paused_since is None


def test_the_citizen_page_shows_the_error_and_changes_nothing(client, desk):
    d = _paused(desk)
    before = _everything(d)
    client.force_login(desk.citizen)
    for data in [{"version": d.version}, {"version": d.version, "comment": "   "}]:
        response = client.post(f"/dossiers/{d.pk}/supplement/", data)
        assert response.status_code == 400
        form = response.context["supplement_form"]
        assert form.non_field_errors() == [
            "Vui lòng đính kèm giấy tờ được yêu cầu hoặc viết lời nhắn cho cán bộ."
        ]
        page = response.content.decode()
        assert "Vui lòng đính kèm giấy tờ được yêu cầu hoặc viết lời nhắn cho cán bộ." in page
        assert _everything(d) == before
    client.cookies["django_language"] = "en"
    response = client.post(f"/dossiers/{d.pk}/supplement/", {"version": d.version})
    assert response.status_code == 400 and MESSAGE_EN in response.content.decode()
    assert _everything(d) == before
    # A message alone goes through.
    response = client.post(
        f"/dossiers/{d.pk}/supplement/",
        {"version": d.version, "comment": "Đã gửi bản vẽ qua bưu điện"},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=d.pk).state == DossierState.IN_PROGRESS


def test_the_officer_page_shows_the_error_and_changes_nothing(client, desk):
    d = _paused(desk)
    before = _everything(d)
    client.force_login(desk.desk)
    response = client.post(f"/staff/dossiers/{d.pk}/actions/supplement/", {"version": d.version})
    assert response.status_code == 400
    assert "Vui lòng đính kèm giấy tờ được yêu cầu" in response.content.decode()
    assert _everything(d) == before
    pdf = SimpleUploadedFile("mat-cat.pdf", PDF, "application/pdf")
    response = client.post(
        f"/staff/dossiers/{d.pk}/actions/supplement/", {"version": d.version, "file_1": pdf}
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=d.pk).state == DossierState.IN_PROGRESS
