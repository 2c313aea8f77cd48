"""Writes of the core app: appending to the audit log."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from egov.core.audit import GENESIS_HASH, normalize_changes, record_hash
from egov.core.db import CompiledInsert, CompiledQuery, CompiledUpdate, writes_together
from egov.core.models import AuditChainHead, AuditRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User


def actor_label_of(actor: User | AnonymousUser | None) -> str:
    if actor is None or not actor.is_authenticated:
        return "system"
    return actor.get_username() or actor.phone or f"user:{actor.pk}"


def audit_record_create(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: str | None = None,
    object_label: str | None = None,
    agency_id: int | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditRecord:
    """Append one record to the audit log, inside the caller's transaction.

    Call it from a service, within the same ``transaction.atomic()`` block as the change it
    records: either both are committed or neither is. A chain's head is locked for the rest of
    the transaction, so each chain's records get consecutive numbers even under concurrent
    writers (``_chain_head_lock``).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_create must run inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label if object_label is not None else str(obj)[:255]
    if not object_type or object_id is None:
        raise ValueError("an audit record needs an object or an object_type and object_id")

    head = _chain_head_lock()
    user = actor if actor is not None and actor.is_authenticated else None
    fields: dict[str, Any] = {
        "seq": head.last_seq + 1,
        # Microsecond precision survives both SQLite and PostgreSQL unchanged.
        "created_at": timezone.now(),
        "actor_id": user.pk if user is not None else None,
        "actor_label": actor_label_of(actor)[:255],
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "object_label": (object_label or "")[:255],
        "agency_id": agency_id,
        "changes": normalize_changes(changes or {}),
        "prev_hash": head.last_hash or GENESIS_HASH,
    }
    digest = record_hash(**fields)  # the chain is not hashed: prev_hash ties a record to it
    record = AuditRecord(chain=head.pk, hash=digest, **fields)
    head.last_seq, head.last_hash = record.seq, digest
    with writes_together():  # one statement on PostgreSQL
        _INSERT_RECORD.create(record)  # append-only: AuditRecord.save() would only check that
        _UPDATE_HEAD.save(head, ["last_seq", "last_hash"])
    return record


_INSERT_RECORD = CompiledInsert(AuditRecord)
_UPDATE_HEAD = CompiledUpdate(AuditChainHead)


def audit_chain_heads_ensure(*, using: str = "default") -> None:
    """Create the heads of chains 1 to ``EGOV_AUDIT_CHAINS`` that do not exist yet (each
    starts empty). Run after every ``migrate``; raising the setting adds chains, lowering it
    only stops new records from going to the chains above it."""
    AuditChainHead.objects.using(using).bulk_create(
        [
            AuditChainHead(pk=n, last_seq=0, last_hash=GENESIS_HASH)
            for n in range(1, settings.EGOV_AUDIT_CHAINS + 1)
        ],
        ignore_conflicts=True,
    )


# Every audited write runs it: compiled once per thread (core.db.CompiledQuery).
_FREE_HEAD = CompiledQuery(
    lambda chains: (
        AuditChainHead.objects.filter(pk__lte=chains)
        .order_by("pk")
        .select_for_update(skip_locked=True)[:1]
    ),
    -(2**62) + 13,
)


def _chain_head_lock() -> AuditChainHead:
    """Lock a chain's head for the rest of the transaction and return it.

    With one head row, every writing transaction queued behind the one holding it until that
    one committed (a lock held across the commit's disk flush), which capped the whole
    platform's writes at one at a time. Now a transaction takes the first head nobody holds
    (``SKIP LOCKED``; one it already holds counts as free, so a second record goes on without
    waiting) among the ``EGOV_AUDIT_CHAINS`` heads, and waits for one only when all are held.
    Waiting happens only while holding no head, so writers cannot deadlock on heads. SQLite
    has one writer at a time: everything goes to chain 1.
    """
    free = _FREE_HEAD.first(settings.EGOV_AUDIT_CHAINS)
    if free is not None:
        return free
    heads = AuditChainHead.objects.filter(pk__lte=settings.EGOV_AUDIT_CHAINS).order_by("pk")
    pks = list(heads.values_list("pk", flat=True))
    if not pks:  # no head at all (a database emptied without migrate): chain 1 starts
        return AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
    return heads.select_for_update().get(pk=random.choice(pks))  # noqa: S311 (spreading load)


def model_changes(
    instance: models.Model, before: dict[str, Any], fields: list[str]
) -> dict[str, Any]:
    """The ``{field: [old, new]}`` of ``fields`` that differ between ``before`` and ``instance``."""
    changes: dict[str, Any] = {}
    for name in fields:
        new = getattr(instance, name)
        if before.get(name) != new:
            changes[name] = [before.get(name), new]
    return changes
