"""Database helpers: start-up checks, and the tools of the hot write path: prepared
statements on PostgreSQL, ORM queries, inserts and updates compiled once per thread, and
psycopg's compiled loader for ``timestamptz`` columns."""

from __future__ import annotations

import datetime as dt
import functools
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import DatabaseError, connection, connections, models
from django.db.migrations.executor import MigrationExecutor
from django.db.models import signals
from django.db.models.query import get_related_populators  # type: ignore[attr-defined]
from django.db.models.sql import InsertQuery, UpdateQuery
from django.db.models.sql.compiler import SQLInsertCompiler

M = TypeVar("M")

INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def check_database() -> None:
    """Connect once, so that a wrong DATABASE_URL fails at start-up with a clear message
    (the ``egov`` command turns the OperationalError into one) rather than on a request."""
    connection.ensure_connection()


def pending_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def prepare_enabled() -> bool:
    """Whether PostgreSQL statements may be prepared (``EGOV_DB_PREPARE``, default on)."""
    return connection.vendor == "postgresql" and bool(
        connection.settings_dict.get("OPTIONS", {}).get("prepare_threshold") is not None
    )


@contextmanager
def prepared_statements() -> Iterator[None]:
    """Within the block, Django's queries on PostgreSQL bind their parameters on the server,
    so that psycopg prepares each statement once it has run ``prepare_threshold`` (5) times
    on the connection; later runs skip parsing and planning.

    Django binds on the client everywhere else, where a generic plan could be wrong: an
    agency's inbox filtered by a skewed value wants a plan of its own. Use this only around
    code whose queries find rows by a key (a primary key, a unique hash, the dossier of an
    event) and inserts, whose plan does not depend on the values: the dossier transitions,
    where planning was a third of PostgreSQL's time per transition. A no-op on SQLite and
    with ``EGOV_DB_PREPARE=false`` (a PgBouncer in transaction mode older than 1.21).
    """
    if not prepare_enabled():
        yield
        return
    from django.db.backends.postgresql.base import (  # type: ignore[attr-defined]
        ServerBindingCursor,
    )

    connection.ensure_connection()
    raw = connection.connection
    previous = raw.cursor_factory
    raw.cursor_factory = ServerBindingCursor
    try:
        yield
    finally:
        raw.cursor_factory = previous


class CompiledQuery(Generic[M]):
    """An ORM query compiled to SQL once per thread and database, then run with new key
    values: for the few queries of the hot write path whose compiling cost more than
    running them (a dossier's row lock with its procedure and agencies: about 1 ms of
    Django's compiler against 0.2 ms in the database).

    ``build`` returns the queryset for its arguments; it is called once, with ``markers``:
    values of the right type that no real row has. Each must appear exactly once among the
    compiled query's parameters, unchanged, and is replaced there by the value given to
    ``fetch``: keys the database takes as they are (integers, text), not values a field
    converts. The rows become model instances as the ORM makes them, with their
    ``select_related`` objects. Compiling happens on first use in each thread (the compiler
    keeps the thread's connection), inside the caller's transaction (a
    ``select_for_update`` query needs one).
    """

    def __init__(self, build: Callable[..., models.QuerySet[Any, M]], *markers: Any) -> None:
        self._build = build
        self._markers = markers
        self._local = threading.local()

    def _compile(self, alias: str) -> _Compiled:
        queryset = self._build(*self._markers).using(alias)
        known = queryset._known_related_objects  # type: ignore[attr-defined]
        if known or queryset.query.annotation_select:
            raise ValueError("CompiledQuery takes plain model or values_list queries only")
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        positions = []
        for marker in self._markers:
            found = [i for i, p in enumerate(params) if type(p) is type(marker) and p == marker]
            if len(found) != 1:
                raise ValueError(f"marker {marker!r} appears {len(found)} times in {sql}")
            positions.append(found[0])
        compiled = _Compiled(sql, tuple(params), tuple(positions), compiler)
        # What results_iter works out on every call: the converters of the selected columns.
        columns = [s[0] for s in compiler.select[0 : compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise ValueError("CompiledQuery takes no composite primary keys")
        compiled.converters = compiler.get_converters(columns)
        klass_info = compiler.klass_info
        if klass_info is not None:  # a model query: what ModelIterable works out per query
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            compiled.model = klass_info["model"]
            compiled.span = (start, end)
            compiled.init_list = [f[0].target.attname for f in compiler.select[start:end]]
            compiled.populators = get_related_populators(klass_info, compiler.select, alias)
        return compiled

    def _execute(self, values: tuple[Any, ...], using: str) -> tuple[_Compiled, list[Any]]:
        cache = _thread_cache(self._local)
        compiled = cache.get(using)
        if compiled is None:
            compiled = cache[using] = self._compile(using)
        if any(type(v) is int and not INT64_MIN <= v <= INT64_MAX for v in values):
            # No key is that large (SQLite would raise); the ORM answers nothing too.
            return compiled, []
        args = list(compiled.params)
        for position, value in zip(compiled.positions, values, strict=True):
            args[position] = value
        with connections[using].cursor() as cursor:
            cursor.execute(compiled.sql, args)
            rows = cursor.fetchall()
        return compiled, rows

    def rows(self, *values: Any, using: str = "default") -> list[tuple[Any, ...]]:
        """The rows as tuples, values converted as the ORM does (a ``values_list`` query)."""
        compiled, rows = self._execute(values, using)
        return [tuple(row) for row in compiled.convert(rows)] if rows else []

    def fetch(self, *values: Any, using: str = "default") -> list[M]:
        """The rows as model instances, with their ``select_related`` objects."""
        compiled, rows = self._execute(values, using)
        if not rows:
            return []
        start, end = compiled.span
        objects = []
        for row in compiled.convert(rows):
            obj = compiled.model.from_db(using, compiled.init_list, row[start:end])
            for populator in compiled.populators:
                populator.populate(row, obj)
            objects.append(obj)
        return objects

    def first(self, *values: Any, using: str = "default") -> M | None:
        """The first instance ``fetch`` gives, or None (for a query by a unique key)."""
        found = self.fetch(*values, using=using)
        return found[0] if found else None


@dataclass
class _Compiled:
    """A compiled query of one thread, and (for a model query) how its rows become objects."""

    sql: str
    params: tuple[Any, ...]
    positions: tuple[int, ...]
    compiler: Any
    model: Any = None
    span: tuple[int, int] = (0, 0)
    init_list: list[str] = field(default_factory=list)
    populators: list[Any] = field(default_factory=list)
    converters: dict[int, Any] = field(default_factory=dict)

    def convert(self, rows: list[Any]) -> Iterable[Any]:
        """``rows`` with the ORM's conversions (timezones, JSON, ...), as results_iter does."""
        if not self.converters:
            return rows
        return self.compiler.apply_converters(rows, self.converters)  # type: ignore[no-any-return]


class CompiledInsert(Generic[M]):
    """``Model.objects.create`` / ``bulk_create`` for the rows every dossier transition adds
    (its timeline event, audit record, outbox messages, statistics queue entry), with the
    INSERT compiled by Django once per thread, database and row count.

    Each call then only computes the values the way Django's compiler does (each field's
    ``pre_save`` and ``get_db_prep_save``), runs the stored SQL and sets the returned primary
    key: about 60-80 µs less per row than the ORM, which builds and compiles a query every
    time. Like ``bulk_create`` it skips the model's ``save()`` method and the save signals,
    so it refuses a model that has receivers for them; use it only for models whose
    ``save()`` adds nothing to an insert. Where the database cannot return the new keys
    (SQLite before 3.35) it hands over to ``bulk_create``.
    """

    def __init__(self, model: type[M]) -> None:
        opts = model._meta  # type: ignore[attr-defined]
        if opts.auto_field is None:
            raise ValueError("CompiledInsert needs a model with an automatic primary key")
        self.model = model
        self.fields = [
            f
            for f in opts.local_concrete_fields
            if f is not opts.auto_field and not getattr(f, "generated", False)
        ]
        self.returning = list(opts.db_returning_fields)
        self._local = threading.local()

    def create(self, *objs: M, using: str = "default") -> None:
        """Insert ``objs`` (new, unsaved instances) in one statement and set their keys."""
        if not objs:
            return
        _refuse_save_receivers(self.model)
        if any(obj.pk is not None for obj in objs):  # type: ignore[attr-defined]
            raise ValueError("CompiledInsert adds new rows only (the key must be empty)")
        conn = connections[using]
        features = conn.features
        if not features.can_return_columns_from_insert or (
            len(objs) > 1 and not features.can_return_rows_from_bulk_insert
        ):
            self.model._default_manager.db_manager(using).bulk_create(objs)  # type: ignore[attr-defined]
            return
        cache = _thread_cache(self._local)
        compiled = cache.get((using, len(objs)))
        if compiled is None:
            compiled = cache[(using, len(objs))] = self._compile(objs, using)
        sql, compiler, converters = compiled
        batch = _BATCH.get()
        if (
            batch is not None
            and batch.using == using
            and not converters
            and len(self.returning) == 1
        ):
            (key,) = self.returning
            batch.add(
                sql,
                self._params(objs, conn),
                # The keys come from a sequence: in key order, they are in the rows' order.
                f'SELECT array_agg("{key.column}" ORDER BY "{key.column}") FROM',
                lambda keys: self._set_keys(objs, [(k,) for k in keys or ()], using),
            )
            return
        with conn.cursor() as cursor:
            cursor.execute(sql, self._params(objs, conn))
            returned = cursor.fetchall()
        if converters:
            returned = list(compiler.apply_converters(returned, converters))
        self._set_keys(objs, returned, using)

    def _set_keys(self, objs: tuple[M, ...], returned: list[Any], using: str) -> None:
        """Give ``objs`` the values the INSERT returned (a row each): they are saved now."""
        if len(returned) != len(objs):
            raise DatabaseError(f"{len(objs)} rows inserted, {len(returned)} keys returned")
        for obj, keys in zip(objs, returned, strict=True):
            for f, value in zip(self.returning, keys, strict=True):
                setattr(obj, f.attname, value)
            obj._state.adding = False  # type: ignore[attr-defined]
            obj._state.db = using  # type: ignore[attr-defined]

    def _params(self, objs: tuple[M, ...], conn: Any) -> list[Any]:
        """The values of ``objs`` as Django's compiler prepares them, row after row."""
        params = []
        for obj in objs:
            for f in self.fields:
                value = f.pre_save(obj, True)
                if hasattr(value, "resolve_expression"):
                    raise ValueError(f"{f.name}: CompiledInsert takes plain values only")
                params.append(f.get_db_prep_save(value, connection=conn))
        return params

    def _compile(self, objs: tuple[M, ...], using: str) -> tuple[Any, ...]:
        ours = self._params(objs, connections[using])  # refuses expressions
        query = InsertQuery(self.model)
        query.insert_values(self.fields, list(objs))  # type: ignore[arg-type]
        compiler = query.get_compiler(using=using)
        compiler.returning_fields = self.returning
        # Plain VALUES rows, not the arrays through UNNEST that Django's PostgreSQL compiler
        # uses for several rows to spare the planner: these statements are prepared (planned
        # once), and psycopg adapts an array of each column in Python, which made a batch of
        # three outbox messages cost 240 us of values against 90 us as rows.
        compiler.assemble_as_sql = functools.partial(SQLInsertCompiler.assemble_as_sql, compiler)
        statements = compiler.as_sql()
        if len(statements) != 1:
            raise ValueError(f"{self.model.__name__}: the insert is not one statement")
        sql, theirs = statements[0]
        # Django's own values for these rows must be like ours.
        if [type(v) for v in ours] != [type(v) for v in theirs]:
            raise ValueError(f"{self.model.__name__}: a field prepares values differently")
        table = self.model._meta.db_table  # type: ignore[attr-defined]
        converters = compiler.get_converters([f.get_col(table) for f in self.returning])
        return sql, compiler, converters


class CompiledUpdate(Generic[M]):
    """``instance.save(update_fields=...)`` for the rows every dossier transition changes (the
    dossier, its audit chain's head), with the UPDATE compiled by Django once per thread,
    database, set of fields and pattern of NULLs (Django writes ``col = NULL`` in the SQL).

    Values are prepared as ``Model.save`` prepares them (each field's ``pre_save`` and
    ``get_db_prep_save``). Like ``CompiledInsert`` it skips the model's ``save()`` and the
    save signals, and refuses a model that has receivers for them. As ``save`` does, it
    raises DatabaseError when the row is gone.
    """

    def __init__(self, model: type[M]) -> None:
        self.model = model
        self._local = threading.local()

    def save(self, obj: M, fields: list[str], using: str = "default") -> None:
        if not fields:
            return
        model = self.model
        _refuse_save_receivers(model)
        conn = connections[using]
        opts = model._meta  # type: ignore[attr-defined]
        targets = [opts.get_field(name) for name in fields]
        raw, values = [], []
        for f in targets:
            value = f.pre_save(obj, False)
            if hasattr(value, "resolve_expression") or hasattr(value, "prepare_database_save"):
                raise ValueError(f"{f.name}: CompiledUpdate takes plain values only")
            raw.append(value)
            values.append(f.get_db_prep_save(value, connection=conn))
        params = [v for v in values if v is not None]  # Django writes NULL into the SQL
        key = (using, tuple(fields), tuple(v is None for v in values))
        cache = _thread_cache(self._local)
        sql = cache.get(key)
        if sql is None:
            query = UpdateQuery(model)
            query.add_update_fields([(f, None, v) for f, v in zip(targets, raw, strict=True)])
            query.add_q(models.Q(pk=obj.pk))  # type: ignore[attr-defined]
            sql, theirs = query.get_compiler(using=using).as_sql()
            if [type(v) for v in params] != [type(v) for v in theirs[:-1]]:
                raise ValueError(f"{model.__name__}: a field prepares values differently")
            cache[key] = sql
        params.append(opts.pk.get_db_prep_value(obj.pk, conn))  # type: ignore[attr-defined]
        batch = _BATCH.get()
        if batch is not None and batch.using == using:
            batch.add(
                f"{sql} RETURNING 1",
                params,
                "SELECT count(*) FROM",
                lambda count: _check_updated(count, obj),
            )
            return
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            _check_updated(cursor.rowcount, obj)


def _check_updated(count: int, obj: Any) -> None:
    """As ``Model.save`` does, refuse an UPDATE that found no row."""
    if count != 1:
        raise DatabaseError(f"{type(obj).__name__} {obj.pk} was not updated")


class _Batch:
    """The writes of a ``writes_together`` block, run as one statement when it ends."""

    def __init__(self, using: str) -> None:
        self.using = using
        # (a statement, its parameters, the query of its column in the result, what to do
        # with that column's value)
        self.parts: list[tuple[str, list[Any], str, Callable[[Any], None]]] = []

    def add(self, sql: str, params: list[Any], result: str, done: Callable[[Any], None]) -> None:
        self.parts.append((sql, params, result, done))

    def run(self) -> None:
        if not self.parts:
            return
        ctes = ", ".join(f"w{i} AS ({sql})" for i, (sql, *_rest) in enumerate(self.parts))
        columns = ", ".join(f"({result} w{i})" for i, (_s, _p, result, _d) in enumerate(self.parts))
        params = [value for _s, part, _r, _d in self.parts for value in part]
        with connections[self.using].cursor() as cursor:
            cursor.execute(f"WITH {ctes} SELECT {columns}", params)
            row = cursor.fetchone()
        for (_s, _p, _r, done), value in zip(self.parts, row, strict=True):
            done(value)


_BATCH: ContextVar[_Batch | None] = ContextVar("egov_write_batch", default=None)


@contextmanager
def writes_together(using: str = "default") -> Iterator[None]:
    """Within the block, ``CompiledInsert`` and ``CompiledUpdate`` on PostgreSQL only record
    their statements; when it ends they run as one statement (data-modifying CTEs) and the
    new keys are set, an update that found no row raises DatabaseError. One round trip
    instead of one each: use it around writes that need no result from one another before
    the block ends. On SQLite each runs at once, as usual; a block inside another adds its
    writes to the outer one's."""
    if connections[using].vendor != "postgresql" or _BATCH.get() is not None:
        yield
        return
    batch = _Batch(using)
    token = _BATCH.set(batch)
    try:
        yield
    finally:
        _BATCH.reset(token)
    batch.run()


def _refuse_save_receivers(model: Any) -> None:
    """CompiledInsert and CompiledUpdate do not send the save signals, as bulk_create and
    QuerySet.update do not: a model that has receivers must go through save()."""
    if signals.pre_save.has_listeners(model) or signals.post_save.has_listeners(model):
        raise ValueError(f"{model.__name__} has save signal receivers: use save()")


def _thread_cache(local: threading.local) -> dict[Any, Any]:
    """The compiled statements of the current thread (each thread compiles its own: a
    compiler keeps the thread's connection)."""
    return local.__dict__.setdefault("compiled", {})  # type: ignore[no-any-return]


def native_timestamptz_loader(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On a new PostgreSQL connection, read ``timestamptz`` columns with psycopg's compiled
    loader (connected to ``connection_created`` by the core app).

    Django registers a loader of its own, written in Python on top of psycopg's Python one,
    that only replaces each value's time zone by the connection's (UTC). Where the session's
    time zone is UTC already, psycopg's compiled loader gives the same value, with the same
    ``datetime.timezone.utc``, at a fifth of the cost (about 3 µs less per value; a
    transition reads some 25 of them, nine in the dossier's row). Nothing changes on SQLite,
    with a database ``TIME_ZONE``, or without psycopg's compiled module.
    """
    if connection.vendor != "postgresql" or connection.timezone is not dt.UTC:
        return
    loader = _native_loader_class()
    pg = connection.connection
    if loader is not None and pg.pgconn.parameter_status(b"TimeZone") == b"UTC":
        pg.adapters.register_loader("timestamptz", loader)


@functools.cache
def _native_loader_class() -> type | None:
    from psycopg import _cmodule
    from psycopg.adapt import Loader

    native = getattr(_cmodule._psycopg, "TimestamptzLoader", None)  # None: pure Python psycopg
    if native is None:
        return None

    class UtcTimestamptzLoader(Loader):
        # What Django's DatabaseWrapper.create_cursor compares with the connection's time
        # zone before registering its own loader again on each cursor.
        timezone = dt.UTC

        def __init__(self, oid: int, context: Any = None) -> None:
            super().__init__(oid, context)
            # The compiled loader cannot be subclassed; psycopg calls this attribute.
            self.load = native(oid, context).load  # type: ignore[method-assign,misc]

        def load(self, data: Any) -> Any:  # replaced on each instance, above
            raise NotImplementedError

    return UtcTimestamptzLoader
