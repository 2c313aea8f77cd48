from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditRecord
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierState, NationalStatus
from egov.dossiers.services import Applicant
from egov.worktime.selectors import calendar_get

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def submit(desk, key=""):
    return services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="+84912345678"), idempotency_key=key,
    )  # fmt: skip


def test_whole_lifecycle_with_national_statuses(desk):
    d = submit(desk)
    assert re.fullmatch(rf"{re.escape(desk.center.code)}-\d{{6}}-0001", d.code)
    assert d.national_status == NationalStatus.NEW and len(d.lookup_secret) == 6
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    assert d.state == DossierState.RECEIVED and d.national_status == NationalStatus.RECEIVED
    assert d.appointment_at == calendar_get().due(d.received_at, 15)
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    assert (
        d.state == DossierState.IN_PROGRESS
        and d.current_agency == desk.department
        and d.step_index == 1
    )
    assert d.step_due_at == calendar_get().due(d.events.last().at, 12, cutoff=False)
    d = services.dossier_hand_over(
        actor=desk.specialist, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    d = services.dossier_complete(actor=desk.leader, dossier_id=d.pk, version=d.version)
    assert d.national_status == NationalStatus.PROCESSED and d.processed_at
    d = services.dossier_return_result(actor=desk.desk, dossier_id=d.pk, version=d.version)
    assert d.national_status == NationalStatus.RESULT_RETURNED and d.is_final
    assert d.ended_at == d.returned_at
    actions = list(d.events.values_list("action", flat=True))
    assert actions == ["submit", "receive", "hand_over", "hand_over", "complete", "return_result"]
    audited = set(
        AuditRecord.objects.filter(object_type="dossiers.dossier", object_id=str(d.pk)).values_list(
            "action", flat=True
        )
    )
    assert {
        "dossiers.dossier.submit",
        "dossiers.dossier.receive",
        "dossiers.dossier.complete",
    } <= audited


def test_codes_count_per_agency_and_day(desk):
    codes = [submit(desk).code for _ in range(3)]
    assert [c[-4:] for c in codes] == ["0001", "0002", "0003"]


def test_submission_is_idempotent(desk):
    first = submit(desk, key="req-123")
    again = submit(desk, key="req-123")
    assert first.pk == again.pk and Dossier.objects.count() == 1


def test_information_only_procedure_cannot_be_submitted_online(desk):
    desk.permit.online_type = "info"
    desk.permit.save()
    with pytest.raises(ValidationFailed) as exc:
        submit(desk)
    assert "channel" in exc.value.fields and Dossier.objects.count() == 0


def test_only_the_desk_receives_and_only_leaders_complete(desk):
    d = submit(desk)
    for actor in (desk.citizen, desk.specialist, desk.outsider):
        with pytest.raises(PermissionDenied):
            services.dossier_receive(actor=actor, dossier_id=d.pk, version=d.version)
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    with pytest.raises(PermissionDenied):
        services.dossier_complete(actor=desk.specialist, dossier_id=d.pk, version=d.version)
    with pytest.raises(PermissionDenied):  # another department's leader
        services.dossier_complete(actor=desk.outsider, dossier_id=d.pk, version=d.version)


def test_transition_not_allowed_from_state(desk):
    d = submit(desk)
    with pytest.raises(Conflict) as exc:
        services.dossier_return_result(actor=desk.desk, dossier_id=d.pk, version=d.version)
    assert exc.value.code == "invalid_transition"
    assert Dossier.objects.get(pk=d.pk).version == d.version


def test_stale_version_is_a_conflict_and_changes_nothing(desk):
    d = submit(desk)
    services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    with pytest.raises(Conflict):
        services.dossier_refuse(actor=desk.desk, dossier_id=d.pk, version=d.version, reason="x")
    assert Dossier.objects.get(pk=d.pk).state == DossierState.RECEIVED


def test_completion_before_receipt_then_refusal_needs_a_reason(desk):
    d = submit(desk)
    with pytest.raises(ValidationFailed):
        services.dossier_request_completion(
            actor=desk.desk, dossier_id=d.pk, version=d.version, missing=" "
        )
    d = services.dossier_request_completion(
        actor=desk.desk, dossier_id=d.pk, version=d.version, missing="Bản vẽ thiết kế"
    )
    assert d.national_status == NationalStatus.SUPPLEMENT_REQUESTED
    d = services.dossier_supplement(
        actor=desk.citizen, dossier_id=d.pk, version=d.version, comment="Đã bổ sung"
    )
    assert d.state == DossierState.SUBMITTED
    with pytest.raises(ValidationFailed):
        services.dossier_refuse(actor=desk.desk, dossier_id=d.pk, version=d.version, reason="")
    d = services.dossier_refuse(
        actor=desk.desk, dossier_id=d.pk, version=d.version, reason="Không thuộc thẩm quyền"
    )
    assert d.national_status == NationalStatus.NOT_RECEIVED and d.ended_at


def test_supplement_pauses_the_clock_and_moves_the_appointment(desk):
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=HCM), tick=False):  # Monday
        d = submit(desk)
        d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
        # 15 working days from Monday 2 March 09:00 (no holiday in between): Monday 23 March.
        assert d.appointment_at == datetime(2026, 3, 23, 9, 0, tzinfo=HCM)
        d = services.dossier_hand_over(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
        )
    with time_machine.travel(datetime(2026, 3, 3, 9, 0, tzinfo=HCM), tick=False):  # Tuesday
        d = services.dossier_request_supplement(
            actor=desk.specialist, dossier_id=d.pk, version=d.version, missing="Giấy tờ đất"
        )
        assert d.national_status == NationalStatus.SUPPLEMENT_REQUESTED and d.supplement_count == 1
    with time_machine.travel(datetime(2026, 3, 5, 9, 0, tzinfo=HCM), tick=False):  # Thursday
        d = services.dossier_supplement(
            actor=desk.citizen, dossier_id=d.pk, version=d.version, comment="Đã bổ sung"
        )
    # The citizen took two working days: the appointment moves two working days later.
    assert d.state == DossierState.IN_PROGRESS and d.paused_since is None
    assert d.appointment_at == datetime(2026, 3, 25, 9, 0, tzinfo=HCM)
    assert d.step_due_at == calendar_get().due(
        datetime(2026, 3, 5, 9, 0, tzinfo=HCM), 12, cutoff=False
    )


def test_supplement_only_by_the_applicant_or_the_desk(desk):
    d = submit(desk)
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    d = services.dossier_request_supplement(
        actor=desk.desk, dossier_id=d.pk, version=d.version, missing="x"
    )
    with pytest.raises(PermissionDenied):
        services.dossier_supplement(actor=desk.outsider, dossier_id=d.pk, version=d.version)
    services.dossier_supplement(
        actor=desk.desk, dossier_id=d.pk, version=d.version, comment="Bổ sung tại quầy"
    )


def test_apology_once_with_a_later_date(desk):
    d = submit(desk)
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    with pytest.raises(ValidationFailed):
        services.dossier_apologize(
            actor=desk.desk,
            dossier_id=d.pk,
            version=d.version,
            new_appointment=d.appointment_at,
            reason="Chờ ý kiến",
        )
    later = d.appointment_at + timedelta(days=5)
    d = services.dossier_apologize(
        actor=desk.desk,
        dossier_id=d.pk,
        version=d.version,
        new_appointment=later,
        reason="Chờ ý kiến",
    )
    assert d.appointment_at == later and d.original_appointment_at < later
    with pytest.raises(Conflict):
        services.dossier_apologize(
            actor=desk.desk,
            dossier_id=d.pk,
            version=d.version,
            new_appointment=later + timedelta(days=1),
            reason="x",
        )


def test_withdrawal_and_stop(desk):
    d = submit(desk)
    d = services.dossier_request_withdrawal(
        actor=desk.citizen, dossier_id=d.pk, version=d.version, reason="Không cần nữa"
    )
    assert d.national_status == NationalStatus.WITHDRAWAL_REQUESTED
    d = services.dossier_approve_withdrawal(actor=desk.desk, dossier_id=d.pk, version=d.version)
    assert d.state == DossierState.WITHDRAWN and d.is_final
    assert d.ended_at is not None
    other = submit(desk)
    other = services.dossier_receive(actor=desk.desk, dossier_id=other.pk, version=other.version)
    other = services.dossier_hand_over(
        actor=desk.desk, dossier_id=other.pk, version=other.version, to_agency=desk.department
    )
    with pytest.raises(ValidationFailed):
        services.dossier_stop(
            actor=desk.leader, dossier_id=other.pk, version=other.version, reason=""
        )
    other = services.dossier_stop(
        actor=desk.leader, dossier_id=other.pk, version=other.version, reason="Hồ sơ giả mạo"
    )
    assert other.national_status == NationalStatus.STOPPED and other.ended_at is not None


def test_the_last_step_is_completion_not_hand_over(desk):
    d = submit(desk)
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    d = services.dossier_hand_over(
        actor=desk.specialist, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    with pytest.raises(Conflict):
        services.dossier_hand_over(
            actor=desk.leader, dossier_id=d.pk, version=d.version, to_agency=desk.department
        )


def test_files_are_checked_by_content_and_mandatory_components_required(desk):
    from egov.dossiers.models import DossierFile
    from egov.procedures.models import ProcedureComponent

    plan = ProcedureComponent.objects.create(
        procedure=desk.permit, order=0, name="Bản vẽ", mandatory=True
    )
    with pytest.raises(ValidationFailed) as exc:
        submit(desk)
    assert f"component_{plan.pk}" in exc.value.fields
    fake = services.Upload(plan.pk, "ban-ve.pdf", b"MZ\x90 not a pdf")
    with pytest.raises(ValidationFailed) as exc:
        services.dossier_submit(
            actor=desk.citizen,
            procedure=desk.permit,
            agency=None,
            channel="online",
            applicant=Applicant(name="A"),
            files=[fake],
        )
    assert "không phải là tệp pdf thật" in exc.value.fields["files[0]"][0]
    assert Dossier.objects.count() == 0
    real = services.Upload(plan.pk, "ban-ve.pdf", b"%PDF-1.7 ...")
    d = services.dossier_submit(
        actor=desk.citizen,
        procedure=desk.permit,
        agency=None,
        channel="online",
        applicant=Applicant(name="A"),
        files=[real],
    )
    stored = DossierFile.objects.get(dossier=d)
    assert (
        stored.component == plan
        and stored.file.read() == b"%PDF-1.7 ..."
        and stored.content_type == "application/pdf"
    )


def test_rating_once_after_processing(desk):
    from egov.dossiers.models import DossierRating

    d = submit(desk)
    with pytest.raises(Conflict):
        services.dossier_rate(actor=desk.citizen, dossier_id=d.pk, value="satisfied")
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    d = services.dossier_complete(actor=desk.leader, dossier_id=d.pk, version=d.version)
    with pytest.raises(ValidationFailed):
        services.dossier_rate(actor=desk.citizen, dossier_id=d.pk, value="wonderful")
    with pytest.raises(NotFound):
        services.dossier_rate(actor=desk.outsider, dossier_id=d.pk, value="satisfied")
    services.dossier_rate(
        actor=desk.citizen, dossier_id=d.pk, value="very_satisfied", comment="Nhanh"
    )
    with pytest.raises(Conflict):
        services.dossier_rate(actor=desk.citizen, dossier_id=d.pk, value="satisfied")
    assert DossierRating.objects.get().value == "very_satisfied"


def test_public_lookup_with_secret_or_phone_and_throttling(desk):
    from egov.core.errors import NotFound as NF
    from egov.core.errors import TooManyRequests
    from egov.dossiers.selectors import LOOKUP_FAILURES_PER_CODE, dossier_lookup

    d = submit(desk)
    found = dossier_lookup(code=d.code.lower(), secret=d.lookup_secret.lower(), client="1.2.3.4")
    assert (found.code, found.state, found.procedure_name) == (d.code, d.state, d.procedure.name)
    assert [e.action for e in found.events] == ["submit"]
    assert dossier_lookup(code=d.code, secret="0912 345 678", client="1.2.3.4").code == d.code
    for _ in range(LOOKUP_FAILURES_PER_CODE):
        with pytest.raises(NF):
            dossier_lookup(code=d.code, secret="WRONG1", client="5.6.7.8")
    with pytest.raises(TooManyRequests):  # even the right answer, for a while
        dossier_lookup(code=d.code, secret=d.lookup_secret, client="9.9.9.9")
    with pytest.raises(NF):  # an unknown code answers like a wrong secret
        dossier_lookup(code="NO-SUCH-CODE", secret="X", client="1.1.1.1")


def test_citizen_is_notified_through_the_outbox(desk):
    from egov.notifications.models import OutboxMessage

    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="An", phone="0912345678", email="an@example.com"),
    )  # fmt: skip
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    messages = OutboxMessage.objects.filter(object_id=str(d.pk)).order_by("created_at", "channel")
    # submit and receive are told by SMS, Zalo and email; an internal hand-over is not.
    channels = sorted(messages.values_list("channel", flat=True))
    assert channels == ["email", "email", "sms", "sms", "zalo", "zalo"]
    assert messages.filter(channel="zalo").first().recipient == "+84912345678"
    received = messages.filter(channel="sms").order_by("-created_at").first()
    assert received.recipient == "+84912345678"
    assert (
        d.code in received.body
        and "Đã tiếp nhận" in received.body
        and d.lookup_secret in received.body
    )


def test_notification_channels_are_configurable(desk, settings):
    from egov.notifications.models import OutboxMessage

    settings.EGOV_DOSSIER_NOTIFY = ("zalo",)
    services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="An", phone="0912345678", email="an@example.com"),
    )  # fmt: skip
    assert list(OutboxMessage.objects.values_list("channel", flat=True)) == ["zalo"]


def test_a_rolled_back_transition_sends_nothing(desk):
    from django.db import transaction

    from egov.notifications.models import OutboxMessage

    d = services.dossier_submit(
        actor=desk.citizen,
        procedure=desk.permit,
        agency=None,
        channel="online",
        applicant=Applicant(name="An", phone="0912345678"),
    )
    before = OutboxMessage.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
        raise RuntimeError("the request failed afterwards")
    assert OutboxMessage.objects.count() == before


def test_lookup_failures_count_within_their_window_only(desk):
    from datetime import timedelta

    from django.utils import timezone

    from egov.core.errors import NotFound as NF
    from egov.core.errors import TooManyRequests
    from egov.dossiers.models import LookupThrottle
    from egov.dossiers.selectors import LOOKUP_FAILURES_PER_ADDRESS, dossier_lookup

    d = submit(desk)
    for n in range(LOOKUP_FAILURES_PER_ADDRESS):
        with pytest.raises(NF):  # different codes: only the address counter fills up
            dossier_lookup(code=f"NO-SUCH-{n}", secret="X", client="10.0.0.1")
    assert LookupThrottle.objects.get(key="addr:10.0.0.1").failures == LOOKUP_FAILURES_PER_ADDRESS
    with pytest.raises(TooManyRequests):
        dossier_lookup(code=d.code, secret=d.lookup_secret, client="10.0.0.1")
    assert dossier_lookup(code=d.code, secret=d.lookup_secret, client="10.0.0.2").code == d.code
    LookupThrottle.objects.filter(key="addr:10.0.0.1").update(
        window_ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert dossier_lookup(code=d.code, secret=d.lookup_secret, client="10.0.0.1").code == d.code
    with pytest.raises(NF):  # a new window starts at one failure
        dossier_lookup(code=d.code, secret="WRONG1", client="10.0.0.1")
    assert LookupThrottle.objects.get(key="addr:10.0.0.1").failures == 1


def test_lookup_is_planned_once_per_connection_on_postgresql(desk):
    from django.db import connection

    from egov.dossiers.selectors import dossier_lookup

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    d = submit(desk)

    def prepared() -> list[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            # The lookup's statement (json_agg and the failure counters; the bench's baseline
            # view, tested on the same connection, prepares one without the counters).
            return [
                row[0]
                for row in cursor.fetchall()
                if "json_agg" in row[0].lower() and "window_ends_at" in row[0]
            ]

    dossier_lookup(code=d.code, secret=d.lookup_secret, client="10.0.0.9")
    assert len(prepared()) == 1  # prepared at the first lookup…
    assert dossier_lookup(code=d.code, secret=d.lookup_secret, client="10.0.0.9").code == d.code
    assert len(prepared()) == 1  # …and reused, not prepared again
