from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def check_database() -> None:
    """Connect once, so that a wrong DATABASE_URL fails at start-up with a clear message
    (the ``egov`` command turns the OperationalError into one) rather than on a request."""
    connection.ensure_connection()


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]
