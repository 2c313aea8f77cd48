"""Ranked full-text search of published procedures on SQLite (FTS5) and PostgreSQL.

Both engines read the same folded words (``search_text.folded``), so 'dang ky khai sinh' and
'đăng ký khai sinh' find 'Đăng ký khai sinh' on either. Every query word must match; the last
one may be the start of a word, for search-as-you-type. Ranking: procedures whose name holds
the query as a phrase first, then the engine's relevance (a match in the name weighs more than
one in the rest of the text), then the name.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from egov.procedures.search_text import words

# The weighted vector of a procedure (migrations 0002 and 0003); a change needs a new migration.
POSTGRES_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, name_folded), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_folded), 'B'))"
)
MAX_QUERY_WORDS = 12


@dataclass(frozen=True)
class Filters:
    sector_id: int | None = None
    level_id: int | None = None
    online_type: str | None = None
    agency_id: int | None = None
    agency_type_id: int | None = None


def _filter_sql(filters: Filters) -> tuple[list[str], list[int | str]]:
    clauses: list[str] = ["p.is_published"]
    params: list[int | str] = []
    if filters.sector_id is not None:
        clauses.append("p.sector_id = %s")
        params.append(filters.sector_id)
    if filters.level_id is not None:
        clauses.append("p.level_id = %s")
        params.append(filters.level_id)
    if filters.online_type:
        clauses.append("p.online_type = %s")
        params.append(filters.online_type)
    if filters.agency_id is not None:
        clauses.append("(p.implementing_agency_id = %s OR p.receiving_agency_id = %s)")
        params.extend([filters.agency_id, filters.agency_id])
    if filters.agency_type_id is not None:
        clauses.append("p.implementing_agency_type_id = %s")
        params.append(filters.agency_type_id)
    return clauses, params


def search_ids(query: str, filters: Filters, *, limit: int, offset: int) -> tuple[list[int], int]:
    """The ids of one page of matching procedures, best first, and the number of matches."""
    terms = words(query)[:MAX_QUERY_WORDS]
    clauses, params = _filter_sql(filters)
    if not terms:
        where = " AND ".join(clauses)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM procedures_procedure p WHERE {where}", params)  # noqa: S608
            total = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT p.id FROM procedures_procedure p WHERE {where} ORDER BY p.name_folded LIMIT %s OFFSET %s",  # noqa: S608
                [*params, limit, offset],
            )
            return [row[0] for row in cursor.fetchall()], total
    phrase = "%" + " ".join(terms) + "%"
    if connection.vendor == "postgresql":
        tsquery = " & ".join([*terms[:-1], terms[-1] + ":*"])
        # search_vector is a stored generated column of POSTGRES_VECTOR (migration 0003).
        match = "p.search_vector @@ to_tsquery('simple'::regconfig, %s)"
        where = " AND ".join([match, *clauses])
        count_sql = f"SELECT COUNT(*) FROM procedures_procedure p WHERE {where}"  # noqa: S608
        page_sql = (
            f"SELECT p.id FROM procedures_procedure p WHERE {where} "  # noqa: S608
            f"ORDER BY (p.name_folded LIKE %s) DESC, "
            "ts_rank(p.search_vector, to_tsquery('simple'::regconfig, %s)) DESC, p.name_folded "
            "LIMIT %s OFFSET %s"
        )
        count_params: list[int | str] = [tsquery, *params]
        page_params: list[int | str] = [tsquery, *params, phrase, tsquery, limit, offset]
    else:
        fts = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
        where = " AND ".join(["procedures_search MATCH %s", *clauses])
        # CROSS JOIN makes SQLite's planner take the full-text match as the outer loop; with a
        # plain JOIN and a filter it may scan procedures and re-run the match for each row.
        base = "FROM procedures_search CROSS JOIN procedures_procedure p ON p.id = procedures_search.rowid"
        count_sql = f"SELECT COUNT(*) {base} WHERE {where}"
        page_sql = (
            f"SELECT p.id {base} WHERE {where} "
            "ORDER BY (p.name_folded LIKE %s) DESC, bm25(procedures_search, 10.0, 1.0), p.name_folded "
            "LIMIT %s OFFSET %s"
        )
        count_params = [fts, *params]
        page_params = [fts, *params, phrase, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(count_sql, count_params)
        total = cursor.fetchone()[0]
        cursor.execute(page_sql, page_params)
        return [row[0] for row in cursor.fetchall()], total
