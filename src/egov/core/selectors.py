"""Reads of the core app: checking the audit chain and listing records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from egov.core.audit import GENESIS_HASH, record_hash
from egov.core.models import AuditChainHead, AuditRecord


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    broken_seq: int | None = None
    broken_id: int | None = None
    reason: str = ""


def audit_chain_verify(
    *, chunk_size: int = 2000, progress: Callable[[int], None] | None = None
) -> ChainReport:
    """Recompute the whole chain and name the first record that does not fit.

    Detects a record whose content was edited (its hash no longer matches), a record deleted or
    inserted (a gap in the sequence or a previous-hash mismatch) and a tail cut off (the chain
    head points past the last record).
    """
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    rows = AuditRecord.objects.order_by("seq").values().iterator(chunk_size=chunk_size)
    for row in rows:
        seq = row["seq"]
        if seq != expected_seq:
            reason = (
                f"record #{expected_seq} is missing (next record is #{seq})"
                if seq > expected_seq
                else f"record #{seq} appears out of order"
            )
            return ChainReport(False, checked, expected_seq, row["id"], reason)
        if row["prev_hash"] != prev_hash:
            return ChainReport(
                False, checked, seq, row["id"], f"record #{seq} does not follow record #{seq - 1}"
            )
        digest = record_hash(
            seq=seq,
            created_at=row["created_at"],
            actor_id=row["actor_id"],
            actor_label=row["actor_label"],
            action=row["action"],
            object_type=row["object_type"],
            object_id=row["object_id"],
            object_label=row["object_label"],
            agency_id=row["agency_id"],
            changes=row["changes"],
            prev_hash=row["prev_hash"],
        )
        if digest != row["hash"]:
            return ChainReport(
                False, checked, seq, row["id"], f"record #{seq} was changed after it was written"
            )
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
        if progress is not None and checked % chunk_size == 0:
            progress(checked)

    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is None:
        if checked:
            return ChainReport(False, checked, None, None, "the chain head is missing")
        return ChainReport(True, 0)
    if head.last_seq != last_seq or (checked and head.last_hash != prev_hash):
        return ChainReport(
            False,
            checked,
            last_seq + 1,
            None,
            f"records after #{last_seq} are missing (the chain ends at #{head.last_seq})",
        )
    return ChainReport(True, checked)


def audit_records_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "actor"
    )
