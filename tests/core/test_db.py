"""The hot write path's database tools: CompiledQuery and prepared_statements (core.db)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from egov.accounts.models import User
from egov.core.db import CompiledQuery, prepare_enabled, prepared_statements
from egov.organizations.models import Agency

pytestmark = pytest.mark.django_db

MARK = -(2**62) + 101

AGENCY_WITH_PARENT = CompiledQuery(
    lambda pk: Agency.objects.select_related("parent").filter(pk=pk), MARK
)


def _values(obj: object) -> dict[str, object]:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}  # type: ignore[attr-defined]


def test_compiled_query_gives_the_instances_the_orm_gives(world):
    (unit,) = AGENCY_WITH_PARENT.fetch(world.a_unit.pk)
    expected = Agency.objects.select_related("parent").get(pk=world.a_unit.pk)
    assert _values(unit) == _values(expected)
    assert not unit._state.adding and unit._state.db == "default"
    with CaptureQueriesContext(connection) as queries:
        assert unit.parent == world.a  # loaded with it: no query
        assert unit.parent.name == world.a.name
    assert len(queries) == 0
    # Another key, same compiled SQL: one query each, and the new value is the one used.
    with CaptureQueriesContext(connection) as queries:
        (top,) = AGENCY_WITH_PARENT.fetch(world.a.pk)
        assert AGENCY_WITH_PARENT.fetch(-5) == []
        assert AGENCY_WITH_PARENT.first(-5) is None
    assert top.pk == world.a.pk and top.parent.pk == world.a.parent_id
    assert len(queries) == 3
    assert AGENCY_WITH_PARENT.first(world.a.pk) == world.a


def test_compiled_query_rows_are_converted_as_the_orm_converts_them(world):
    joined = CompiledQuery(
        lambda pk: User.objects.filter(pk=pk).values_list("date_joined", "is_active"), MARK
    )
    expected = User.objects.filter(pk=world.citizen.pk).values_list("date_joined", "is_active")
    rows = joined.rows(world.citizen.pk)
    assert rows == list(expected)
    assert rows[0][0].tzinfo is not None  # aware, on SQLite too
    assert joined.rows(-5) == []


def test_compiled_query_refuses_a_marker_it_cannot_place(world):
    twice = CompiledQuery(
        lambda pk: Agency.objects.filter(pk=pk) | Agency.objects.filter(parent_id=pk), MARK
    )
    with pytest.raises(ValueError, match="appears 2 times"):
        twice.fetch(world.a.pk)
    unused = CompiledQuery(lambda pk: Agency.objects.filter(code="x"), MARK)
    with pytest.raises(ValueError, match="appears 0 times"):
        unused.fetch(world.a.pk)


def test_compiled_select_for_update_keeps_its_lock_clause(world):
    locking = CompiledQuery(
        lambda pk: (
            Agency.objects.select_for_update(of=("self",)).select_related("parent").filter(pk=pk)
        ),
        MARK,
    )
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        (unit,) = locking.fetch(world.a_unit.pk)
    assert unit.parent.pk == world.a.pk
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in queries[0]["sql"]


def _prepared(fragment: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return sum(fragment in row[0] for row in cursor.fetchall())


def test_prepared_statements_prepare_key_lookups_on_postgresql(world):
    if connection.vendor != "postgresql":
        with prepared_statements():  # nothing to do: SQLite prepares on its own
            assert Agency.objects.get(pk=world.a.pk) == world.a
        assert not prepare_enabled()
        return
    assert prepare_enabled()
    connection.ensure_connection()
    factory = connection.connection.cursor_factory
    for _ in range(6):  # psycopg prepares a statement after prepare_threshold (5) runs
        Agency.objects.filter(pk=world.a.pk, code__startswith="outside").exists()
    assert _prepared("outside") == 0  # Django's own cursors bind on the client
    with prepared_statements():
        for _ in range(6):
            assert Agency.objects.filter(pk=world.a.pk).values_list("name", flat=True)[0]
            Agency.objects.filter(pk=world.a.pk, code__startswith="inside").exists()
    assert _prepared('"organizations_agency"."id" = $1') >= 1
    assert connection.connection.cursor_factory is factory  # restored
    with pytest.raises(ZeroDivisionError), prepared_statements():
        1 / 0  # noqa: B018
    assert connection.connection.cursor_factory is factory  # restored after an error too


def test_prepared_statements_stay_off_when_preparing_is_off(world, monkeypatch):
    options = dict(connection.settings_dict.get("OPTIONS", {}))
    options.pop("prepare_threshold", None)
    monkeypatch.setitem(connection.settings_dict, "OPTIONS", options)  # EGOV_DB_PREPARE=false
    assert not prepare_enabled()
    connection.ensure_connection()
    factory = connection.connection.cursor_factory if connection.vendor == "postgresql" else None
    with prepared_statements():
        assert Agency.objects.get(pk=world.a.pk) == world.a
        if factory is not None:
            assert connection.connection.cursor_factory is factory
