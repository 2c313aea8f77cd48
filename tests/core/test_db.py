"""The hot write path's database tools: CompiledQuery, CompiledInsert and prepared_statements
(core.db)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models import F, signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egov.accounts.models import User
from egov.core.db import (
    CompiledInsert,
    CompiledQuery,
    CompiledUpdate,
    prepare_enabled,
    prepared_statements,
    writes_together,
)
from egov.notifications.models import OutboxMessage
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
    # A key past 64 bits matches nothing, as with the ORM (SQLite would raise OverflowError).
    assert AGENCY_WITH_PARENT.fetch(10**19) == [] and AGENCY_WITH_PARENT.first(-(10**19)) is None


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


def _message(n: int, **extra: object) -> OutboxMessage:
    return OutboxMessage(
        channel="sms", recipient=f"+8490000000{n}", body=f"Tin {n}", dedupe_key=f"k{n}", **extra
    )


def _stored(obj: object) -> dict[str, object]:
    fresh = type(obj)._default_manager.get(pk=obj.pk)  # type: ignore[attr-defined]
    values = _values(fresh)
    values.pop("id")
    return values


@pytest.mark.parametrize("count", [1, 3])
def test_compiled_insert_stores_what_the_orm_stores(count):
    inserts = CompiledInsert(OutboxMessage)
    for round_ in range(2):  # the second round runs the SQL compiled by the first
        ours = [_message(10 * round_ + i, payload={"n": i}) for i in range(count)]
        theirs = [_message(100 + 10 * round_ + i, payload={"n": i}) for i in range(count)]
        with CaptureQueriesContext(connection) as queries:
            inserts.create(*ours)
        assert len(queries) == 1  # one statement for all the rows
        OutboxMessage.objects.bulk_create(theirs)
        for mine, orm in zip(ours, theirs, strict=True):
            assert mine.pk is not None and not mine._state.adding and mine._state.db == "default"
            stored, expected = _stored(mine), _stored(orm)
            # The rows differ only in what the test gave them and their own defaults.
            for name in (
                "recipient",
                "body",
                "dedupe_key",
                "uuid",
                "created_at",
                "next_attempt_at",
            ):
                stored.pop(name), expected.pop(name)
            assert stored == expected
            assert OutboxMessage.objects.get(pk=mine.pk).uuid == mine.uuid
            assert OutboxMessage.objects.get(pk=mine.pk).body == mine.body
        assert [m.pk for m in ours] == sorted(m.pk for m in ours)  # keys in the order given


def test_compiled_insert_of_nothing_runs_no_query():
    with CaptureQueriesContext(connection) as queries:
        CompiledInsert(OutboxMessage).create()
    assert len(queries) == 0


def test_compiled_insert_refuses_what_it_cannot_do_as_the_orm_would():
    inserts = CompiledInsert(OutboxMessage)
    saved = _message(1)
    saved.save()
    with pytest.raises(ValueError, match="new rows only"):
        inserts.create(saved)
    with pytest.raises(ValueError, match="plain values only"):
        inserts.create(_message(2, attempts=F("attempts") + 1))

    def receiver(**kwargs: object) -> None:
        pass

    signals.post_save.connect(receiver, sender=OutboxMessage)
    try:
        with pytest.raises(ValueError, match="save signal receivers"):
            inserts.create(_message(3))
    finally:
        signals.post_save.disconnect(receiver, sender=OutboxMessage)
    assert OutboxMessage.objects.count() == 1  # nothing written by the refused calls
    inserts.create(_message(4, sent_at=timezone.now()))
    assert OutboxMessage.objects.count() == 2


def test_compiled_update_writes_only_the_fields_named():
    updates = CompiledUpdate(OutboxMessage)
    message = _message(1)
    message.save()
    when = timezone.now()
    for round_ in range(2):  # the second round runs the SQL compiled by the first
        message.attempts, message.lease_until, message.body = round_ + 3, when, "not saved"
        with CaptureQueriesContext(connection) as queries:
            updates.save(message, ["attempts", "lease_until"])
        assert len(queries) == 1
        stored = OutboxMessage.objects.get(pk=message.pk)
        assert (stored.attempts, stored.lease_until, stored.body) == (round_ + 3, when, "Tin 1")
    # NULL is written into the SQL by Django: another pattern of NULLs, another statement.
    message.lease_until = None
    updates.save(message, ["attempts", "lease_until"])
    assert OutboxMessage.objects.get(pk=message.pk).lease_until is None
    message.lease_until = when
    updates.save(message, ["lease_until"])
    assert OutboxMessage.objects.get(pk=message.pk).lease_until == when


def test_compiled_update_refuses_what_save_refuses():
    updates = CompiledUpdate(OutboxMessage)
    message = _message(1)
    message.save()
    message.attempts = F("attempts") + 1
    with pytest.raises(ValueError, match="plain values only"):
        updates.save(message, ["attempts"])
    message.attempts = 2

    def receiver(**kwargs: object) -> None:
        pass

    signals.pre_save.connect(receiver, sender=OutboxMessage)
    try:
        with pytest.raises(ValueError, match="save signal receivers"):
            updates.save(message, ["attempts"])
    finally:
        signals.pre_save.disconnect(receiver, sender=OutboxMessage)
    assert OutboxMessage.objects.get(pk=message.pk).attempts == 0  # nothing written
    OutboxMessage.objects.filter(pk=message.pk).delete()
    with pytest.raises(DatabaseError, match="was not updated"):
        updates.save(message, ["attempts"])


def test_writes_together_run_as_one_statement_at_the_end_of_the_block():
    inserts, updates = CompiledInsert(OutboxMessage), CompiledUpdate(OutboxMessage)
    old = _message(1)
    old.save()
    for round_ in range(2):  # the second round runs the statements compiled by the first
        single, several = _message(10 + round_), [_message(20 + 3 * round_ + i) for i in range(3)]
        old.attempts = round_ + 5
        with CaptureQueriesContext(connection) as queries, transaction.atomic():
            with writes_together():
                inserts.create(single)
                updates.save(old, ["attempts"])
                inserts.create(*several)
                if connection.vendor == "postgresql":
                    assert single.pk is None  # recorded, not run yet
            written = [q for q in queries.captured_queries if "outboxmessage" in q["sql"]]
        # PostgreSQL: one statement for the five rows and the update; SQLite: one each.
        assert len(written) == (1 if connection.vendor == "postgresql" else 3)
        for message in [single, *several]:
            assert message.pk is not None and not message._state.adding
            assert OutboxMessage.objects.get(pk=message.pk).body == message.body
        assert [m.pk for m in several] == sorted(m.pk for m in several)  # keys in row order
        assert OutboxMessage.objects.get(pk=old.pk).attempts == round_ + 5


def test_writes_together_inside_another_block_joins_it():
    inserts = CompiledInsert(OutboxMessage)
    outer, inner = _message(1), _message(2)
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        with writes_together():
            inserts.create(outer)
            with writes_together():
                inserts.create(inner)
            if connection.vendor == "postgresql":
                assert inner.pk is None  # written with the outer block's statement
        written = [q for q in queries.captured_queries if "outboxmessage" in q["sql"]]
    assert len(written) == (1 if connection.vendor == "postgresql" else 2)
    assert outer.pk is not None and inner.pk is not None and inner.pk > outer.pk


def test_writes_together_write_nothing_after_an_error_and_check_updates():
    inserts, updates = CompiledInsert(OutboxMessage), CompiledUpdate(OutboxMessage)
    with pytest.raises(ZeroDivisionError), transaction.atomic(), writes_together():
        inserts.create(_message(1))
        1 / 0  # noqa: B018
    assert not OutboxMessage.objects.exists()
    gone = _message(2)
    gone.save()
    OutboxMessage.objects.filter(pk=gone.pk).delete()
    kept = _message(3)
    with (
        pytest.raises(DatabaseError, match="was not updated"),
        transaction.atomic(),
        writes_together(),
    ):
        inserts.create(kept)
        updates.save(gone, ["attempts"])
    assert not OutboxMessage.objects.exists()  # the transaction rolled the insert back too


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a psycopg loader")
def test_timestamptz_columns_are_read_by_psycopgs_compiled_loader(world):
    from psycopg import _cmodule

    connection.ensure_connection()
    with connection.cursor() as cursor:  # Django's create_cursor would put its own back
        cursor.execute(
            "SELECT '2026-07-01 07:30:00.123456+07'::timestamptz, NULL::timestamptz, %s",
            [timezone.now()],
        )
        moment, null, now = cursor.fetchone()
    loader = connection.connection.adapters.get_loader(1184, 0)  # timestamptz, text
    assert loader.__name__ == "UtcTimestamptzLoader"
    if _cmodule._psycopg is not None:
        assert loader(1184, connection.connection).load.__self__.__class__ is (
            _cmodule._psycopg.TimestamptzLoader
        )
    assert moment == datetime(2026, 7, 1, 0, 30, 0, 123456, tzinfo=UTC)
    assert moment.tzinfo is UTC and now.tzinfo is UTC  # the same object Django's loader gives
    assert null is None
    joined = world.citizen.date_joined
    assert User.objects.get(pk=world.citizen.pk).date_joined == joined  # through the ORM
