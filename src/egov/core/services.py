"""Writes of the core app: appending to the audit log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone

from egov.core.audit import GENESIS_HASH, normalize_changes, record_hash
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
    records: either both are committed or neither is. The chain head is locked for the rest of
    the transaction, so records get consecutive numbers even under concurrent writers.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_create must run inside the service's transaction")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_label = object_label if object_label is not None else str(obj)[:255]
    if not object_type or object_id is None:
        raise ValueError("an audit record needs an object or an object_type and object_id")

    head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
    if head is None:
        head = AuditChainHead.objects.create(pk=1, last_seq=0, last_hash=GENESIS_HASH)
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
    digest = record_hash(**fields)
    record = AuditRecord.objects.create(hash=digest, **fields)
    AuditChainHead.objects.filter(pk=1).update(last_seq=record.seq, last_hash=digest)
    return record


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
