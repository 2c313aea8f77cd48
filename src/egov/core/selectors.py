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
    broken_chain: int | None = None


def audit_chain_verify(
    *, chunk_size: int = 2000, progress: Callable[[int], None] | None = None
) -> ChainReport:
    """Recompute every chain and name the first record that does not fit.

    Detects a record whose content was edited (its hash no longer matches), a record deleted or
    inserted (a gap in the sequence or a previous-hash mismatch), a tail cut off (the chain's
    head points past its last record) and records of a chain whose head is gone.
    """
    heads = {h.pk: h for h in AuditChainHead.objects.all()}
    checked = 0
    chain: int | None = None
    expected_seq = 1
    prev_hash = GENESIS_HASH

    def chain_end() -> ChainReport | None:
        """Check the end of ``chain`` against its head (None: it fits)."""
        if chain is None:
            return None
        head = heads.pop(chain, None)
        last_seq = expected_seq - 1
        if head is None:
            return ChainReport(
                False, checked, None, None, f"chain {chain}: its head is missing", chain
            )
        if head.last_seq != last_seq or head.last_hash != prev_hash:
            return ChainReport(
                False,
                checked,
                last_seq + 1,
                None,
                f"chain {chain}: records after #{last_seq} are missing "
                f"(the chain ends at #{head.last_seq})",
                chain,
            )
        return None

    rows = AuditRecord.objects.order_by("chain", "seq").values().iterator(chunk_size=chunk_size)
    for row in rows:
        if row["chain"] != chain:
            if (broken := chain_end()) is not None:
                return broken
            chain, expected_seq, prev_hash = row["chain"], 1, GENESIS_HASH
        seq = row["seq"]
        where = f"chain {chain}: record #{seq}"
        if seq != expected_seq:
            reason = (
                f"chain {chain}: record #{expected_seq} is missing (next record is #{seq})"
                if seq > expected_seq
                else f"{where} appears out of order"
            )
            return ChainReport(False, checked, expected_seq, row["id"], reason, chain)
        if row["prev_hash"] != prev_hash:
            return ChainReport(
                False, checked, seq, row["id"], f"{where} does not follow record #{seq - 1}", chain
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
                False, checked, seq, row["id"], f"{where} was changed after it was written", chain
            )
        prev_hash = row["hash"]
        expected_seq += 1
        checked += 1
        if progress is not None and checked % chunk_size == 0:
            progress(checked)
    if (broken := chain_end()) is not None:
        return broken
    # The heads left have no record (migrate creates them all): fine while they are empty,
    # not when they claim records.
    for pk, head in sorted(heads.items()):
        if head.last_seq:
            return ChainReport(
                False,
                checked,
                1,
                None,
                f"chain {pk}: records #1 to #{head.last_seq} are missing",
                pk,
            )
    return ChainReport(True, checked)


def audit_records_for_object(*, object_type: str, object_id: str) -> QuerySet[AuditRecord]:
    return AuditRecord.objects.filter(object_type=object_type, object_id=object_id).select_related(
        "actor"
    )
