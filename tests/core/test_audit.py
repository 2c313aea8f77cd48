from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from egov.core.models import AppendOnlyError, AuditChainHead, AuditRecord
from egov.core.selectors import audit_chain_verify
from egov.core.services import audit_record_create
from egov.organizations.services import agency_update


def run_verify() -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_service_change_and_audit_record_are_written_together(world):
    before = AuditRecord.objects.count()
    agency_update(actor=world.leader_a, agency=world.a, phone="0276 3822 111")
    record = AuditRecord.objects.order_by("-seq").first()
    assert AuditRecord.objects.count() == before + 1
    assert record.action == "organizations.agency.update"
    assert record.actor == world.leader_a
    assert record.agency_id == world.a.pk
    assert record.changes == {"phone": ["", "0276 3822 111"]}


def test_rolled_back_change_leaves_no_audit_record(world):
    before = AuditRecord.objects.count()
    head_before = AuditChainHead.objects.get(pk=1).last_seq
    with pytest.raises(RuntimeError), transaction.atomic():
        agency_update(actor=world.leader_a, agency=world.a, phone="0276 1")
        raise RuntimeError("the request failed after the service")
    assert AuditRecord.objects.count() == before
    assert AuditChainHead.objects.get(pk=1).last_seq == head_before
    assert audit_chain_verify().ok


def test_audit_outside_a_transaction_is_refused(transactional_db):
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        audit_record_create(actor=None, action="x", object_type="t", object_id="1")


def test_chain_is_consecutive_and_verifies(world):
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) > 5
    code, out = run_verify()
    assert code == 0
    assert f"{len(seqs)} records checked" in out


def test_application_cannot_update_or_delete_records(world):
    record = AuditRecord.objects.first()
    record.action = "tampered"
    with pytest.raises(AppendOnlyError):
        record.save()
    with pytest.raises(AppendOnlyError):
        record.delete()
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.filter(pk=record.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditRecord.objects.all().delete()


def test_direct_database_edit_is_detected_and_named(world):
    victim = AuditRecord.objects.get(seq=3)
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET object_label = %s WHERE id = %s", ["forged", victim.pk])
    code, out = run_verify()
    assert code == 1
    assert "BROKEN" in out
    assert "record #3" in out
    assert f"id {victim.pk}" in out
    assert "changed after it was written" in out


def test_direct_edit_of_json_changes_is_detected(world):
    agency_update(actor=world.leader_a, agency=world.a, email="a@example.com")
    victim = AuditRecord.objects.order_by("-seq").first()
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET changes = %s WHERE id = %s",
            ['{"email": ["", "attacker@example.com"]}', victim.pk],
        )
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_seq == victim.seq


def test_direct_deletion_in_the_middle_is_detected(world):
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE seq = 4")
    code, out = run_verify()
    assert code == 1
    assert "record #4 is missing" in out


def test_direct_deletion_of_the_last_record_is_detected(world):
    last = AuditRecord.objects.order_by("-seq").first()
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [last.pk])
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_seq == last.seq
    assert "missing" in report.reason


def test_empty_log_verifies(db):
    report = audit_chain_verify()
    assert report.ok and report.checked == 0
