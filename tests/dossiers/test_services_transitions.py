"""The services of assign, return_step, request_payment, confirm_payment and complete with
result files: the rules of each, and nothing written when one refuses."""

from __future__ import annotations

import pytest

from egov.core.audit import ACTION_LABELS
from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.models import AuditRecord
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierFile, DossierState, NationalStatus
from egov.dossiers.services import Applicant, Upload
from egov.notifications.models import OutboxMessage
from egov.organizations.models import StaffRole
from egov.worktime.selectors import calendar_get
from tests import factories

PDF = b"%PDF-1.7 result"


def submit(desk):
    return services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="0912345678", email="an@example.com"),
    )  # fmt: skip


def received(desk):
    d = submit(desk)
    return services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)


def in_department(desk, to=None):
    d = received(desk)
    return services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=to or desk.department
    )


def snapshot(d):
    d = Dossier.objects.get(pk=d.pk)
    return (
        d.state,
        d.version,
        d.step_index,
        d.current_agency_id,
        d.assignee_id,
        d.events.count(),
        AuditRecord.objects.filter(object_id=str(d.pk)).count(),
        DossierFile.objects.filter(dossier=d).count(),
    )


def audited(d, action):
    return AuditRecord.objects.filter(
        object_type="dossiers.dossier", object_id=str(d.pk), action=f"dossiers.dossier.{action}"
    )


def test_the_new_actions_have_audit_labels():
    for action in ("assign", "return_step", "request_payment", "confirm_payment", "complete"):
        assert f"dossiers.dossier.{action}" in ACTION_LABELS


# --- assign ---------------------------------------------------------------------------------


def test_assign_to_a_unit_specialist_who_may_then_handle_it(desk):
    d = in_department(desk)
    d = services.dossier_assign(
        actor=desk.leader, dossier_id=d.pk, version=d.version, assignee=desk.unit_specialist,
        comment="Thẩm định giúp",
    )  # fmt: skip
    assert d.assignee == desk.unit_specialist and d.state == DossierState.IN_PROGRESS
    event = d.events.last()
    assert event.action == "assign" and event.data["assignee"] == desk.unit_specialist.pk
    assert audited(d, "assign").get().changes["assignee"] == [None, desk.unit_specialist.pk]
    # The unit's specialist now sees it and hands it over to the approval step.
    from egov.dossiers.selectors import staff_dossier_get

    assert staff_dossier_get(user=desk.unit_specialist, dossier_id=d.pk) == d
    d = services.dossier_hand_over(
        actor=desk.unit_specialist, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    assert d.assignee is None and d.step_index == 2


def test_a_specialist_takes_a_received_dossier_for_themselves(desk):
    center_specialist = factories.staff(desk.center, StaffRole.SPECIALIST)
    d = received(desk)
    d = services.dossier_assign(
        actor=center_specialist, dossier_id=d.pk, version=d.version, assignee=center_specialist
    )
    assert d.state == DossierState.IN_PROGRESS and d.national_status == NationalStatus.PROCESSING
    assert d.events.last().from_state == DossierState.RECEIVED


@pytest.mark.parametrize("who", ["citizen", "outsider", "desk", "specialist_of_b"])
def test_assign_only_to_staff_of_the_handling_agency(desk, world, who):
    d = in_department(desk)
    assignee = {
        "citizen": desk.citizen,
        "outsider": desk.outsider,  # a leader of another department
        "desk": desk.desk,  # a desk officer is not a specialist
        "specialist_of_b": factories.staff(world.b, StaffRole.SPECIALIST),
    }[who]
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as exc:
        services.dossier_assign(
            actor=desk.leader, dossier_id=d.pk, version=d.version, assignee=assignee
        )
    assert list(exc.value.fields) == ["assignee"]
    assert snapshot(d) == before


def test_assign_refusals(desk):
    d = submit(desk)
    with pytest.raises(Conflict) as exc:  # not received yet
        services.dossier_assign(
            actor=desk.desk, dossier_id=d.pk, version=d.version, assignee=desk.specialist
        )
    assert exc.value.code == "invalid_transition"
    d = in_department(desk)
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        services.dossier_assign(
            actor=desk.outsider, dossier_id=d.pk, version=d.version, assignee=desk.outsider
        )
    with pytest.raises(Conflict) as exc:
        services.dossier_assign(
            actor=desk.leader, dossier_id=d.pk, version=d.version - 1, assignee=desk.specialist
        )
    assert exc.value.code == "conflict"
    assert snapshot(d) == before


# --- return_step ----------------------------------------------------------------------------


def test_return_to_the_agency_that_handled_the_step(desk):
    d = in_department(desk, to=desk.unit)  # step 1 in the unit
    d = services.dossier_assign(
        actor=desk.unit_specialist, dossier_id=d.pk, version=d.version,
        assignee=desk.unit_specialist,
    )  # fmt: skip
    d = services.dossier_hand_over(
        actor=desk.unit_specialist, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    assert d.step_index == 2 and d.current_agency == desk.department
    d = services.dossier_return_step(
        actor=desk.leader, dossier_id=d.pk, version=d.version, to_step=1, reason=" Thiếu số liệu "
    )
    assert (d.step_index, d.current_agency, d.assignee) == (1, desk.unit, None)
    assert d.state == DossierState.IN_PROGRESS and d.national_status == NationalStatus.PROCESSING
    event = d.events.last()
    assert (event.action, event.comment, event.from_agency, event.to_agency) == (
        "return_step", "Thiếu số liệu", desk.department, desk.unit,
    )  # fmt: skip
    assert event.data == {"from_step": 2, "to_step": 1}
    assert d.step_due_at == calendar_get().due(event.at, 12, cutoff=False)
    assert audited(d, "return_step").get().changes["step_index"] == [2, 1]
    # Back to the first step: the desk of the receiving agency.
    d = services.dossier_return_step(
        actor=desk.unit_specialist, dossier_id=d.pk, version=d.version, to_step=0, reason="Sai"
    )
    assert (d.step_index, d.current_agency) == (0, desk.center)
    assert d.step_due_at == calendar_get().due(d.events.last().at, 0.5, cutoff=False)
    assert (
        services.dossier_hand_over(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
        ).step_index
        == 1
    )


@pytest.mark.parametrize(
    ("to_step", "reason", "fields"),
    [(1, "x", ["to_step"]), (5, "x", ["to_step"]), (-1, "x", ["to_step"]), (0, " ", ["reason"])],
)
def test_return_step_input_errors(desk, to_step, reason, fields):
    d = in_department(desk)
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as exc:
        services.dossier_return_step(
            actor=desk.specialist, dossier_id=d.pk, version=d.version, to_step=to_step,
            reason=reason,
        )  # fmt: skip
    assert sorted(exc.value.fields) == fields
    assert snapshot(d) == before


def test_return_step_refusals(desk):
    d = received(desk)
    with pytest.raises(Conflict) as exc:  # RECEIVED is not a source of return_step
        services.dossier_return_step(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_step=0, reason="x"
        )
    assert exc.value.code == "invalid_transition"
    center_specialist = factories.staff(desk.center, StaffRole.SPECIALIST)
    d = services.dossier_assign(
        actor=desk.desk, dossier_id=d.pk, version=d.version, assignee=center_specialist
    )
    with pytest.raises(Conflict) as exc:  # in progress, but on the first step
        services.dossier_return_step(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_step=0, reason="x"
        )
    assert exc.value.code == "invalid_transition"
    d = in_department(desk)
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        services.dossier_return_step(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_step=0, reason="x"
        )
    with pytest.raises(Conflict):
        services.dossier_return_step(
            actor=desk.specialist, dossier_id=d.pk, version=1, to_step=0, reason="x"
        )
    assert snapshot(d) == before


# --- payment --------------------------------------------------------------------------------


def test_request_and_confirm_payment(desk):
    d = in_department(desk)
    d = services.dossier_request_payment(
        actor=desk.specialist, dossier_id=d.pk, version=d.version, amount=1_500_000,
        comment="Lệ phí cấp giấy phép xây dựng",
    )  # fmt: skip
    assert d.state == DossierState.PAYMENT_REQUESTED
    assert d.national_status == NationalStatus.PAYMENT_REQUESTED == 6
    assert d.events.last().data == {"amount": 1_500_000}
    assert audited(d, "request_payment").get().changes["amount"] == 1_500_000
    sms = OutboxMessage.objects.filter(object_id=str(d.pk), channel="sms").order_by("-pk").first()
    assert "1.500.000" in sms.body and "Lệ phí cấp giấy phép xây dựng" in sms.body
    assert OutboxMessage.objects.filter(object_id=str(d.pk), channel="email").count() == 3
    d = services.dossier_confirm_payment(actor=desk.specialist, dossier_id=d.pk, version=d.version)
    assert d.state == DossierState.IN_PROGRESS and d.national_status == NationalStatus.PROCESSING
    assert d.events.last().data == {"amount": 1_500_000}
    assert audited(d, "confirm_payment").get().changes["amount"] == 1_500_000


@pytest.mark.parametrize(
    ("amount", "comment", "fields"),
    [(0, "Lệ phí", ["amount"]), (-5, "Lệ phí", ["amount"]), (100, " ", ["comment"]),
     (0, "", ["amount", "comment"])],
)  # fmt: skip
def test_request_payment_input_errors(desk, amount, comment, fields):
    d = in_department(desk)
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as exc:
        services.dossier_request_payment(
            actor=desk.specialist, dossier_id=d.pk, version=d.version, amount=amount,
            comment=comment,
        )  # fmt: skip
    assert sorted(exc.value.fields) == fields
    assert snapshot(d) == before


def test_payment_refusals(desk):
    d = submit(desk)
    with pytest.raises(Conflict) as exc:
        services.dossier_request_payment(
            actor=desk.desk, dossier_id=d.pk, version=d.version, amount=1, comment="x"
        )
    assert exc.value.code == "invalid_transition"
    d = in_department(desk)
    with pytest.raises(Conflict) as exc:  # nothing was asked
        services.dossier_confirm_payment(actor=desk.specialist, dossier_id=d.pk, version=d.version)
    assert exc.value.code == "invalid_transition"
    with pytest.raises(PermissionDenied):
        services.dossier_request_payment(
            actor=desk.outsider, dossier_id=d.pk, version=d.version, amount=1, comment="x"
        )
    d = services.dossier_request_payment(
        actor=desk.specialist, dossier_id=d.pk, version=d.version, amount=1, comment="x"
    )
    before = snapshot(d)
    with pytest.raises(PermissionDenied):
        services.dossier_confirm_payment(actor=desk.citizen, dossier_id=d.pk, version=d.version)
    with pytest.raises(Conflict):
        services.dossier_confirm_payment(
            actor=desk.specialist, dossier_id=d.pk, version=d.version - 1
        )
    assert snapshot(d) == before


# --- complete with result files -------------------------------------------------------------


def test_complete_stores_the_result_files(desk):
    d = in_department(desk)
    d = services.dossier_complete(
        actor=desk.leader, dossier_id=d.pk, version=d.version, comment="Đồng ý",
        files=[Upload(None, "giay-phep.pdf", PDF), Upload(None, "ban-ve.png", b"\x89PNG\r\n\x1a\n..")],
    )  # fmt: skip
    assert d.state == DossierState.PROCESSED
    results = DossierFile.objects.filter(dossier=d, kind=DossierFile.Kind.RESULT).order_by("pk")
    assert [(f.name, f.component_id, f.uploaded_by) for f in results] == [
        ("giay-phep.pdf", None, desk.leader),
        ("ban-ve.png", None, desk.leader),
    ]
    assert results[0].file.read() == PDF and results[0].content_type == "application/pdf"
    assert audited(d, "complete").get().changes["result_files"] == 2


def test_one_bad_result_file_refuses_the_whole_call(desk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    d = in_department(desk)
    before = snapshot(d)
    with pytest.raises(ValidationFailed) as exc:
        services.dossier_complete(
            actor=desk.leader, dossier_id=d.pk, version=d.version,
            files=[Upload(None, "ok.pdf", PDF), Upload(None, "virus.pdf", b"MZ\x90")],
        )  # fmt: skip
    assert list(exc.value.fields) == ["files[1]"]
    assert snapshot(d) == before
    assert not any(p.is_file() for p in tmp_path.rglob("*"))


def test_files_written_before_a_failure_are_deleted(desk, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = str(tmp_path)
    d = in_department(desk)
    before = snapshot(d)

    written = []

    def broken(**kwargs):
        written.extend(p for p in tmp_path.rglob("*") if p.is_file())
        raise RuntimeError("the audit log is unavailable")

    monkeypatch.setattr(services, "audit_record_create", broken)
    with pytest.raises(RuntimeError):
        services.dossier_complete(
            actor=desk.leader, dossier_id=d.pk, version=d.version,
            files=[Upload(None, "ok.pdf", PDF)],
        )  # fmt: skip
    assert snapshot(d) == before
    assert len(written) == 1 and not written[0].exists()


def test_complete_refusals(desk):
    d = in_department(desk)
    before = snapshot(d)
    with pytest.raises(PermissionDenied):  # a specialist does not approve
        services.dossier_complete(
            actor=desk.specialist, dossier_id=d.pk, version=d.version,
            files=[Upload(None, "ok.pdf", PDF)],
        )  # fmt: skip
    with pytest.raises(Conflict):
        services.dossier_complete(actor=desk.leader, dossier_id=d.pk, version=1)
    assert snapshot(d) == before
    d = services.dossier_complete(actor=desk.leader, dossier_id=d.pk, version=d.version)
    with pytest.raises(Conflict) as exc:
        services.dossier_complete(actor=desk.leader, dossier_id=d.pk, version=d.version)
    assert exc.value.code == "invalid_transition"


def test_a_supplement_with_an_unknown_component_keeps_the_file(desk):
    d = received(desk)
    d = services.dossier_request_supplement(
        actor=desk.desk, dossier_id=d.pk, version=d.version, missing="Giấy tờ đất"
    )
    d = services.dossier_supplement(
        actor=desk.citizen, dossier_id=d.pk, version=d.version,
        files=[Upload(999_999, "so-do.pdf", PDF), Upload(None, "them.pdf", PDF)],
    )  # fmt: skip
    files = DossierFile.objects.filter(dossier=d, kind=DossierFile.Kind.SUPPLEMENT)
    assert sorted(files.values_list("name", "component_id")) == [
        ("so-do.pdf", None),
        ("them.pdf", None),
    ]
