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
    record = AuditRecord.objects.order_by("-id").first()
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
    # One writer at a time: every record goes to the first chain, numbered 1, 2, 3…
    assert set(AuditRecord.objects.values_list("chain", flat=True)) == {1}
    seqs = list(AuditRecord.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    assert len(seqs) > 5
    code, out = run_verify()
    assert code == 0
    assert f"{len(seqs)} records checked" in out
    head = AuditChainHead.objects.get(pk=1)
    assert f"chain 1: #{len(seqs)} {head.last_hash}" in out


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
    victim = AuditRecord.objects.get(chain=1, seq=3)
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET object_label = %s WHERE id = %s", ["forged", victim.pk])
    code, out = run_verify()
    assert code == 1
    assert "BROKEN" in out
    assert "chain 1: record #3" in out
    assert f"id {victim.pk}" in out
    assert "changed after it was written" in out


def test_direct_edit_of_json_changes_is_detected(world):
    agency_update(actor=world.leader_a, agency=world.a, email="a@example.com")
    victim = AuditRecord.objects.order_by("-id").first()
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET changes = %s WHERE id = %s",
            ['{"email": ["", "attacker@example.com"]}', victim.pk],
        )
    report = audit_chain_verify()
    assert not report.ok
    assert (report.broken_chain, report.broken_seq) == (victim.chain, victim.seq)


def test_direct_deletion_in_the_middle_is_detected(world):
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE chain = 1 AND seq = 4")
    code, out = run_verify()
    assert code == 1
    assert "record #4 is missing" in out


def test_direct_deletion_of_the_last_record_is_detected(world):
    last = AuditRecord.objects.order_by("-id").first()
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


def _chain_two(world, n: int = 3) -> list[AuditRecord]:
    """``n`` records appended to chain 2, as when another writer holds chain 1's head."""
    head1 = AuditChainHead.objects.get(pk=1)
    head1.delete()  # chain 1 unusable meanwhile: the first head left is 2
    records = []
    for i in range(n):
        with transaction.atomic():
            agency_update(actor=world.leader_a, agency=world.a, phone=f"0276 3822 00{i}")
            records.append(AuditRecord.objects.order_by("-id").first())
    head1.pk = 1  # delete() forgot it
    head1.save(force_insert=True)
    return records


def test_records_of_a_second_chain_are_checked_too(world, settings):
    settings.EGOV_AUDIT_CHAINS = 4
    records = _chain_two(world)
    assert [(r.chain, r.seq) for r in records] == [(2, 1), (2, 2), (2, 3)]
    assert records[0].prev_hash == "0" * 64  # each chain starts from the genesis hash
    report = audit_chain_verify()
    assert report.ok
    assert report.checked == AuditRecord.objects.count()

    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [records[-1].pk])
    report = audit_chain_verify()
    assert not report.ok
    assert (report.broken_chain, report.broken_seq) == (2, 3)
    assert "missing" in report.reason


def test_a_chain_whose_head_was_deleted_is_reported(world, settings):
    settings.EGOV_AUDIT_CHAINS = 4
    _chain_two(world, 1)
    AuditChainHead.objects.filter(pk=2).delete()
    code, out = run_verify()
    assert code == 1
    assert "chain 2: its head is missing" in out


def test_a_chain_emptied_with_its_head_left_is_reported(world, settings):
    settings.EGOV_AUDIT_CHAINS = 4
    records = _chain_two(world, 2)
    table = AuditRecord._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE chain = 2")
    report = audit_chain_verify()
    assert not report.ok
    assert report.broken_chain == 2
    assert "#1 to #2 are missing" in report.reason
    assert records


def test_migrate_creates_the_configured_heads(db, settings):
    from egov.core.services import audit_chain_heads_ensure

    settings.EGOV_AUDIT_CHAINS = 20
    audit_chain_heads_ensure()
    heads = AuditChainHead.objects.order_by("pk")
    assert list(heads.values_list("pk", flat=True)) == list(range(1, 21))
    assert audit_chain_verify().ok
