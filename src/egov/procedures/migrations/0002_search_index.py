"""Full-text search over the folded words of procedures, on each database's own engine.

SQLite: an FTS5 table kept in step with procedures_procedure by triggers, ranked with bm25.
PostgreSQL: a GIN index on a weighted tsvector (name weight A, the rest B) with the 'simple'
configuration; the words are already folded (no diacritics, đ → d) by egov, so no
language-specific stemming is wanted.
"""

from django.db import migrations

from egov.procedures.search import POSTGRES_VECTOR

SQLITE_FORWARD = [
    """CREATE VIRTUAL TABLE procedures_search USING fts5(
        name_folded, body_folded, content='procedures_procedure', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2')""",
    """CREATE TRIGGER procedures_search_ai AFTER INSERT ON procedures_procedure BEGIN
        INSERT INTO procedures_search(rowid, name_folded, body_folded)
        VALUES (new.id, new.name_folded, new.body_folded); END""",
    """CREATE TRIGGER procedures_search_ad AFTER DELETE ON procedures_procedure BEGIN
        INSERT INTO procedures_search(procedures_search, rowid, name_folded, body_folded)
        VALUES ('delete', old.id, old.name_folded, old.body_folded); END""",
    """CREATE TRIGGER procedures_search_au AFTER UPDATE ON procedures_procedure BEGIN
        INSERT INTO procedures_search(procedures_search, rowid, name_folded, body_folded)
        VALUES ('delete', old.id, old.name_folded, old.body_folded);
        INSERT INTO procedures_search(rowid, name_folded, body_folded)
        VALUES (new.id, new.name_folded, new.body_folded); END""",
    "INSERT INTO procedures_search(procedures_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS procedures_search_ai",
    "DROP TRIGGER IF EXISTS procedures_search_ad",
    "DROP TRIGGER IF EXISTS procedures_search_au",
    "DROP TABLE IF EXISTS procedures_search",
]
POSTGRES_FORWARD = [
    f"CREATE INDEX procedures_search_gin ON procedures_procedure USING GIN ({POSTGRES_VECTOR})",
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS procedures_search_gin"]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("procedures", "0001_initial")]
    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
