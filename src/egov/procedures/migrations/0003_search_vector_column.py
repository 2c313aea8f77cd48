"""PostgreSQL: keep the weighted tsvector in a stored generated column, so that ranking reads
it instead of recomputing it for every matching row; the GIN index moves onto the column.
SQLite is unchanged (FTS5 stores its index already)."""

from django.db import migrations

from egov.procedures.search import POSTGRES_VECTOR

FORWARD = [
    "DROP INDEX IF EXISTS procedures_search_gin",
    f"ALTER TABLE procedures_procedure ADD COLUMN search_vector tsvector GENERATED ALWAYS AS {POSTGRES_VECTOR} STORED",
    "CREATE INDEX procedures_search_vector_gin ON procedures_procedure USING GIN (search_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS procedures_search_vector_gin",
    "ALTER TABLE procedures_procedure DROP COLUMN IF EXISTS search_vector",
    f"CREATE INDEX procedures_search_gin ON procedures_procedure USING GIN ({POSTGRES_VECTOR})",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("procedures", "0002_search_index")]
    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
