"""Hashing of audit records, shared by the writer (services) and the checker (selectors)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder

GENESIS_HASH = "0" * 64

# Human labels of audit actions, filled by each app's AppConfig.ready(): {action: lazy label}.
ACTION_LABELS: dict[str, Any] = {}


def register_actions(labels: dict[str, Any]) -> None:
    ACTION_LABELS.update(labels)


def normalize_changes(changes: Any) -> Any:
    """Turn ``changes`` into plain JSON values, exactly as the database will give them back."""
    return json.loads(json.dumps(changes, cls=DjangoJSONEncoder, ensure_ascii=False))


def record_hash(
    *,
    seq: int,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    agency_id: int | None,
    changes: Any,
    prev_hash: str,
) -> str:
    payload = [
        seq,
        created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        actor_id,
        actor_label,
        action,
        object_type,
        object_id,
        object_label,
        agency_id,
        changes,
        prev_hash,
    ]
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
