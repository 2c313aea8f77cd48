"""egov's URL map plus two bench-only views: the least Django can do to give the public
lookup's answer and to make a change, reading and writing the same rows with the same
database technique as egov.

``GET /bench/lookup-baseline?code=..&secret=..`` is the rival of the public lookup
(``GET /api/v1/lookup``, ``dossiers.selectors.dossier_lookup``). Like egov it

- runs one statement written out in SQL (``LOOKUP_SQL``), the same text as egov's
  ``_lookup_sql`` less its two failure-counter subqueries: the dossier by its unique code,
  joined with its procedure and receiving agency, and its timeline (every event with its
  agency's name) as one JSON array, the same rows and columns;
- on PostgreSQL runs it as a prepared statement with server-side binding, on Django's
  connection (a psycopg cursor with ``prepare=True``, planned once per connection), as
  egov's ``_fetch_one_prepared`` does; on SQLite through Django's cursor, as egov does;
- upper-cases the code, compares the lookup code, sorts the timeline, keeps the public
  comments only, and answers the same keys as JSON (``JsonResponse``).

It does not: read or count failures (no throttle), accept the applicant's phone number as
the second factor, validate its parameters with a schema (Ninja, pydantic), translate the
state labels, turn the events' timestamps into datetimes, or render through Ninja. It is
served by the same server, through the same middleware, in the same run.

``POST /bench/transition-baseline?id=..`` is the rival of a transition
(``POST /api/v1/dossiers/{id}/actions/{action}``). In one transaction, with the technique of
egov's transitions on PostgreSQL (server-side binding, statements prepared once per
connection; ``core.db.prepared_statements`` and ``writes_together``), it locks the dossier's
row (``SELECT … FOR UPDATE``), then bumps its version and adds one timeline event in one
statement of data-modifying CTEs, as ``writes_together`` sends a transition's writes, and
answers the new version as JSON. It has no authentication, permission or state check, no
audit record, notification or statistics row, no joined procedure or agencies, no answer
with the dossier's events, no schema. On SQLite the same statements run through Django's
cursor, one after the other.
"""

# Bench-only SQL, built from model metadata.
# ruff: noqa: S608

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import psycopg
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from egov.dossiers.models import Dossier, DossierEvent
from egov.dossiers.selectors import PUBLIC_COMMENTS
from egov.organizations.models import Agency
from egov.procedures.models import Procedure
from egov.urls import handler403, handler404, handler500  # noqa: F401
from egov.urls import urlpatterns as egov_urlpatterns


def lookup_sql(vendor: str) -> str:
    """egov's lookup statement (``dossiers.selectors._lookup_sql``) without the two failure
    counters. Parameter: the code."""
    q = connection.ops.quote_name
    dossier, event = q(Dossier._meta.db_table), q(DossierEvent._meta.db_table)
    procedure, agency = q(Procedure._meta.db_table), q(Agency._meta.db_table)
    rows, row = (
        ("JSON_AGG", "JSON_BUILD_ARRAY")
        if vendor == "postgresql"
        else ("JSON_GROUP_ARRAY", "JSON_ARRAY")
    )
    return f"""
        SELECT d.code, d.state, d.national_status, d.submitted_at, d.received_at,
            d.appointment_at, d.processed_at, d.lookup_secret, d.applicant_phone, p.name, a.name,
            (SELECT {rows}({row}(e.id, e.at, e.action, e.from_state, e.to_state, e.comment, g.name))
             FROM {event} e LEFT JOIN {agency} g ON g.id = e.to_agency_id WHERE e.dossier_id = d.id)
        FROM {dossier} d JOIN {procedure} p ON p.id = d.procedure_id
            JOIN {agency} a ON a.id = d.receiving_agency_id
        WHERE d.code = %s"""


_SQL: dict[str, str] = {}


def _fetch_one(sql: str, params: list[Any]) -> tuple[Any, ...] | None:
    """One row: on PostgreSQL a server-binding psycopg cursor on Django's connection, the
    statement prepared (as egov's ``_fetch_one_prepared``); on SQLite Django's cursor."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        return cursor.fetchone()


def lookup_baseline(request: HttpRequest) -> JsonResponse:
    code = request.GET.get("code", "").strip().upper()
    secret = request.GET.get("secret", "").strip().upper()
    vendor = connection.vendor
    sql = _SQL.get(vendor) or _SQL.setdefault(vendor, lookup_sql(vendor))
    row = _fetch_one(sql, [code]) if code else None
    if row is None or row[7] != secret:
        return JsonResponse({"error": "not found"}, status=404)
    timeline = row[11]
    if vendor != "postgresql":  # SQLite: the JSON as text, naive UTC datetimes
        timeline = json.loads(timeline)
        row = tuple(v.replace(tzinfo=UTC) if isinstance(v, datetime) else v for v in row)
    timeline = sorted(timeline or [], key=lambda e: (e[1], e[0]))
    return JsonResponse(
        {
            "code": row[0],
            "procedure_name": row[9],
            "state": row[1],
            "national_status": row[2],
            "submitted_at": row[3],
            "received_at": row[4],
            "appointment_at": row[5],
            "processed_at": row[6],
            "events": [
                {
                    "at": at,
                    "action": action,
                    "actor": "",
                    "from_state": old,
                    "to_state": new,
                    "comment": (comment or "") if action in PUBLIC_COMMENTS else "",
                    "data": {},
                }
                for _pk, at, action, old, new, comment, _agency in timeline
            ],
        }
    )


def _write_sql(vendor: str) -> tuple[str, list[str]]:
    """The row lock, and the writes: the update with the event insert as one statement on
    PostgreSQL (as ``writes_together`` sends them), two statements on SQLite."""
    q = connection.ops.quote_name
    dossier, event = q(Dossier._meta.db_table), q(DossierEvent._meta.db_table)
    update = f"UPDATE {dossier} SET version = %s WHERE id = %s"
    insert = (
        f"INSERT INTO {event} (dossier_id, at, action, actor_label, from_state, to_state, "
        "comment, data) VALUES (%s, %s, 'bench', 'bench', %s, %s, '', '{}')"
    )
    lock = f"SELECT id, state, version FROM {dossier} WHERE id = %s"
    if vendor != "postgresql":  # no FOR UPDATE: SQLite's write lock is the database's
        return lock, [update, insert]
    write = (
        f"WITH w0 AS ({update} RETURNING 1), w1 AS ({insert} RETURNING id) "
        "SELECT (SELECT count(*) FROM w0), (SELECT id FROM w1)"
    )
    return lock + " FOR UPDATE", [write]


@csrf_exempt
@require_POST
def transition_baseline(request: HttpRequest) -> JsonResponse:
    try:
        pk = int(request.GET.get("id", ""))
    except ValueError:
        return JsonResponse({"error": "bad id"}, status=400)
    vendor = connection.vendor
    lock, writes = _WRITE_SQL.get(vendor) or _WRITE_SQL.setdefault(vendor, _write_sql(vendor))
    with transaction.atomic():
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        if vendor == "postgresql":
            cursor: Any = psycopg.Cursor(connection.connection)
            options: dict[str, Any] = {"prepare": True}
        else:
            cursor, options = connection.cursor(), {}
        with cursor:
            cursor.execute(lock, [pk], **options)
            row = cursor.fetchone()
            if row is None:
                return JsonResponse({"error": "not found"}, status=404)
            version = row[2] + 1
            if vendor == "postgresql":
                cursor.execute(writes[0], [version, pk, pk, now, row[1], row[1]], **options)
                cursor.fetchone()
            else:
                cursor.execute(writes[0], [version, pk])
                cursor.execute(writes[1], [pk, now, row[1], row[1]])
    return JsonResponse({"version": version})


_WRITE_SQL: dict[str, tuple[str, list[str]]] = {}


urlpatterns = [
    path("bench/lookup-baseline", lookup_baseline),
    path("bench/transition-baseline", transition_baseline),
    *egov_urlpatterns,
]
