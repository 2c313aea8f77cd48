"""Fast inserts of many rows: COPY on PostgreSQL, ``executemany`` elsewhere (no ORM objects)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection


def insert_rows(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in ``columns`` order) into ``model``'s table, in the current
    transaction. Column names come from the caller's code, never from input."""
    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw: Any = cursor.cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(columns))
            rows = list(rows)
            if rows:
                cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)  # noqa: S608
