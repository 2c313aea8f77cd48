"""Writes of the statistics: the change queue, its draining, and the rebuild.

The path of one change
----------------------

1. A dossier service (``dossiers.services``: the submission and ``_finish``, the one place
   every transition passes) calls ``dossier_changed(dossier_id=…)`` inside its transaction:
   one INSERT into ``StatsQueue``. Nothing shared is updated there, so transitions never wait
   for one another on a counter row. A rating (``dossier_rate``) queues its dossier through a
   ``post_save`` signal on ``DossierRating`` (``apps.StatsConfig.ready``).
2. ``queue_drain()`` (the worker's sweep, every second) takes a batch of queue rows
   (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so several workers share the work), locks each
   dossier's statistics (a transaction-level advisory lock per dossier, taken in id order),
   reads the dossier's current state, computes its new fact (``facts.fact_for``), and in the
   same transaction subtracts the old fact's contribution from the rollups, adds the new
   one's (upserts of ``counter = counter + delta``, in key order), saves the fact and deletes
   the queue rows it took. A crash rolls all of it back, and the rows are taken again; doing
   a dossier twice changes nothing (its fact is then unchanged: a delta of zero). So the
   rollups always equal the sum of the facts' contributions, each dossier counted once.
3. ``stats_rebuild()`` recomputes every fact from the dossiers and every rollup from those
   facts, and reports what differs from the stored figures; with ``fix`` it writes them,
   holding the lock that drains share, so no drain runs meanwhile.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate

from egov.core.db import CompiledInsert
from egov.dossiers.models import Dossier, DossierPause
from egov.procedures.models import Procedure
from egov.stats import facts
from egov.stats.bulk import insert_rows
from egov.stats.models import (
    AgencyMonthRollup,
    DossierFact,
    MonthRollup,
    OpenBucket,
    StatsQueue,
)
from egov.worktime.selectors import calendar_get

logger = logging.getLogger("egov.stats")

ROLLUP_MODELS: tuple[Any, ...] = (MonthRollup, AgencyMonthRollup, OpenBucket)
LOCK_CLASS = 7660  # advisory locks: (7660, dossier id) per dossier
REBUILD_LOCK = (7661, 0)  # shared by drains, exclusive for a rebuild that writes
DRAIN_BATCH = 500


def dossier_changed(*, dossier_id: int) -> None:
    """Queue a dossier whose statistics may have changed; call inside the change's
    transaction (the row is committed with the change, or not at all)."""
    _INSERT_QUEUE.create(StatsQueue(dossier_id=dossier_id))


_INSERT_QUEUE = CompiledInsert(StatsQueue)  # every dossier transition adds one


def dossiers_changed(*, dossier_ids: Iterable[int]) -> None:
    StatsQueue.objects.bulk_create([StatsQueue(dossier_id=i) for i in dossier_ids])


def rating_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    dossier_changed(dossier_id=instance.dossier_id)


# --- Reading the dossiers --------------------------------------------------------------------

DOSSIER_COLUMNS = (
    "id", "receiving_agency_id", "procedure_id", "channel", "state", "submitted_at",
    "received_at", "appointment_at", "processed_at", "returned_at", "ended_at",
    "supplement_count", "apology_count", "rating__value",
)  # fmt: skip


class ProcedureInfo:
    """Each procedure's sector, legal time and online type, read once per run."""

    def __init__(self) -> None:
        self._rows: dict[int, tuple[int, Decimal, str, str, int | None]] = {}

    def get(self, procedure_id: int) -> tuple[int, Decimal, str, str, int | None]:
        if procedure_id not in self._rows:
            rows: Any = Procedure.objects.values_list(
                "pk",
                "sector_id",
                "processing_time",
                "time_unit",
                "online_type",
                "implementing_agency_id",
            )
            for pk, *rest in rows:
                self._rows[pk] = (
                    int(rest[0] or 0),
                    Decimal(rest[1]),
                    str(rest[2]),
                    str(rest[3]),
                    rest[4],
                )
        return self._rows[procedure_id]


def _inputs(rows: list[tuple[Any, ...]], procedures: ProcedureInfo) -> list[facts.DossierInput]:
    paused_ids = [r[0] for r in rows if r[11]]
    pauses: dict[int, list[tuple[datetime, datetime]]] = {}
    if paused_ids:
        for dossier_id, start, end in (
            DossierPause.objects.filter(dossier_id__in=paused_ids, ended_at__isnull=False)
            .order_by("started_at")
            .values_list("dossier_id", "started_at", "ended_at")
        ):
            if end is not None:
                pauses.setdefault(dossier_id, []).append((start, end))
    out = []
    for r in rows:
        sector_id, time, unit, online_type, competent = procedures.get(r[2])
        out.append(
            facts.DossierInput(
                id=r[0],
                # The agency the figures belong to: the one competent to resolve (Decision
                # 766 scores it), else the one that received (a commune's procedure).
                agency_id=competent or r[1],
                procedure_id=r[2],
                sector_id=sector_id,
                channel=r[3],
                state=r[4],
                submitted_at=r[5],
                received_at=r[6],
                appointment_at=r[7],
                processed_at=r[8],
                returned_at=r[9],
                ended_at=r[10],
                supplement_count=r[11],
                apology_count=r[12],
                processing_time=time,
                time_unit=unit,
                online_type=online_type,
                rating=r[13] or "",
                pauses=tuple(pauses.get(r[0], ())),
            )
        )
    return out


def facts_compute(
    dossier_ids: Iterable[int], procedures: ProcedureInfo | None = None
) -> dict[int, facts.Fact]:
    rows = list(Dossier.objects.filter(pk__in=list(dossier_ids)).values_list(*DOSSIER_COLUMNS))
    calendar = calendar_get()
    inputs = _inputs(rows, procedures or ProcedureInfo())
    return {d.id: facts.fact_for(d, calendar) for d in inputs}


# --- Applying deltas -------------------------------------------------------------------------


def _upsert_sql(model: Any) -> tuple[str, tuple[str, ...]]:
    table = model._meta.db_table
    key = model.KEY
    counters = tuple(facts.counters_of(model))
    cols = (*key, *counters)
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in counters)
    # Identifiers from the models' own metadata, values as parameters.
    columns = ", ".join(qn(c) for c in cols)
    values = ", ".join(["%s"] * len(cols))
    conflict = ", ".join(qn(c) for c in key)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({values}) ON CONFLICT ({conflict}) DO UPDATE SET {sets}"  # noqa: S608
    return sql, counters


def deltas_apply(deltas: facts.Deltas) -> int:
    """Add ``deltas`` to the rollup rows (created when missing), in key order."""
    written = 0
    for model in ROLLUP_MODELS:
        items = sorted((key, row) for (m, key), row in deltas.items() if m is model)
        if not items:
            continue
        sql, counters = _upsert_sql(model)
        params = [(*key, *(row.get(c, 0) for c in counters)) for key, row in items]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        written += len(params)
    return written


def _facts_save(new: dict[int, facts.Fact], gone: Iterable[int]) -> None:
    """Replace the facts of ``new``'s dossiers and delete those of ``gone``."""
    drop = [*new, *gone]
    for i in range(0, len(drop), 5000):
        DossierFact.objects.filter(dossier_id__in=drop[i : i + 5000]).delete()
    if new:
        insert_rows(
            DossierFact,
            facts.FACT_FIELDS,
            ([getattr(f, c) for c in facts.FACT_FIELDS] for f in new.values()),
        )


def _lock_dossiers(ids: list[int]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite: one writer at a time already
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", REBUILD_LOCK)
        for pk in ids:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, pk])


@dataclass
class DrainReport:
    attempted: int = 0  # queue rows handled
    dossiers: int = 0
    rows_written: int = 0

    def __str__(self) -> str:
        return (
            f"{self.attempted} changes, {self.dossiers} dossiers, {self.rows_written} rollup rows"
        )


def queue_drain_batch(limit: int = DRAIN_BATCH) -> DrainReport:
    """Fold one batch of queued changes into the facts and rollups (one transaction)."""
    with transaction.atomic():
        taken = list(
            StatsQueue.objects.select_for_update(skip_locked=True)
            .order_by("id")
            .values_list("id", "dossier_id")[:limit]
        )
        if not taken:
            return DrainReport()
        ids = sorted({d for _, d in taken})
        _lock_dossiers(ids)
        old = {
            f.dossier_id: facts.Fact.from_model(f)
            for f in DossierFact.objects.filter(dossier_id__in=ids)
        }
        new = facts_compute(ids)
        changed = {i: f for i, f in new.items() if old.get(i) != f}
        gone = [i for i in old if i not in new]
        deltas = facts.deltas_between(
            [old[i] for i in (*changed, *gone) if i in old], changed.values()
        )
        written = deltas_apply(deltas)
        _facts_save(changed, gone)
        StatsQueue.objects.filter(id__in=[q for q, _ in taken]).delete()
        return DrainReport(attempted=len(taken), dossiers=len(ids), rows_written=written)


def queue_drain(*, max_batches: int | None = None) -> DrainReport:
    """Drain the queue until it is empty (or ``max_batches`` were done). The worker calls it
    every second: a read first, so that an idle drain writes nothing (on SQLite, a
    transaction that may write takes the database's write lock)."""
    total = DrainReport()
    if not StatsQueue.objects.exists():
        return total
    done = 0
    while max_batches is None or done < max_batches:
        report = queue_drain_batch()
        if not report.attempted:
            break
        total.attempted += report.attempted
        total.dossiers += report.dossiers
        total.rows_written += report.rows_written
        done += 1
    return total


def queue_length() -> int:
    return StatsQueue.objects.count()


# --- Rebuild ---------------------------------------------------------------------------------


@dataclass
class TableDiff:
    name: str
    expected_rows: int = 0
    stored_rows: int = 0
    differing: int = 0
    examples: list[str] = field(default_factory=list)


@dataclass
class RebuildReport:
    dossiers: int = 0
    facts_differing: int = 0
    facts_missing: int = 0
    facts_stale: int = 0
    fact_examples: list[int] = field(default_factory=list)
    tables: list[TableDiff] = field(default_factory=list)
    fixed: bool = False
    seconds: float = 0.0

    @property
    def clean(self) -> bool:
        return not (
            self.facts_differing
            or self.facts_missing
            or self.facts_stale
            or any(t.differing for t in self.tables)
        )


def _dossier_batches(batch: int) -> Iterator[list[tuple[Any, ...]]]:
    last = 0
    while True:
        rows = list(
            Dossier.objects.filter(pk__gt=last).order_by("pk").values_list(*DOSSIER_COLUMNS)[:batch]
        )
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _stored_rollup(model: Any) -> dict[tuple[Any, ...], dict[str, int]]:
    counters = facts.counters_of(model)
    out = {}
    for row in model.objects.values_list(*model.KEY, *counters).iterator(chunk_size=20000):
        values = dict(zip(counters, row[len(model.KEY) :], strict=True))
        if any(values.values()):
            out[tuple(row[: len(model.KEY)])] = values
    return out


def stats_rebuild(
    *,
    fix: bool = False,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> RebuildReport:
    """Recompute every fact and rollup from the dossiers; report (and with ``fix``, repair)
    what differs from the stored, incrementally maintained figures."""
    import time

    started = time.monotonic()
    with transaction.atomic():
        if fix and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", REBUILD_LOCK)
        report = _rebuild(fix=fix, batch=batch, progress=progress)
    report.seconds = time.monotonic() - started
    return report


def _aggregate_facts() -> facts.Deltas:
    """The rollups as the database sums them from the stored facts (``facts.contribute`` in
    SQL: a GROUP BY per kind of counter instead of a Python loop over every fact)."""
    out: facts.Deltas = {}
    dims = ("agency_id", "procedure_id", "sector_id", "channel")

    def add(month: Any, r: dict[str, Any], counters: Iterable[str]) -> None:
        key = (month, *(r[d] for d in dims))
        for c in counters:
            if r[c]:
                for model, k in (
                    (MonthRollup, key),
                    (AgencyMonthRollup, (month, r["agency_id"], r["channel"])),
                ):
                    row = out.setdefault((model, k), {})
                    row[c] = row.get(c, 0) + r[c]

    received = DossierFact.objects.values("received_month", *dims).annotate(
        received=Count("pk"),
        online=Count("pk", filter=Q(channel="online")),
        online_full=Count("pk", filter=Q(online_full=True)),
    )
    for r in received.iterator(chunk_size=20000):
        add(r["received_month"], r, ("received", "online", "online_full"))
    ended = (
        DossierFact.objects.filter(end_month__isnull=False)
        .values("end_month", *dims)
        .annotate(
            **{
                counter: Count("pk", filter=Q(outcome=outcome))
                for outcome, counter in facts.OUTCOME_COUNTER.items()
            },
            stopped=Count("pk", filter=Q(stopped=True)),
            **{c: Count("pk", filter=Q(rating=c)) for c in facts.RATING_COUNTER},
        )
    )
    end_counters = (*facts.OUTCOME_COUNTER.values(), "stopped", *facts.RATING_COUNTER)
    for r in ended.iterator(chunk_size=20000):
        add(r["end_month"], r, end_counters)
    still_open = (
        DossierFact.objects.exclude(open_kind="")
        .annotate(due_day=TruncDate("due_at", tzinfo=facts.TZ))
        .values(*dims, "open_kind", "due_day")
        .annotate(n=Count("pk"))
    )
    for r in still_open.iterator(chunk_size=20000):
        key = (*(r[d] for d in dims), r["open_kind"], r["due_day"] or facts.NO_DUE_DAY)
        row = out.setdefault((OpenBucket, key), {})
        row["count"] = row.get("count", 0) + r["n"]
    return out


def _rebuild(*, fix: bool, batch: int, progress: Callable[[int], None] | None) -> RebuildReport:
    report = RebuildReport(fixed=fix)
    calendar = calendar_get()
    procedures = ProcedureInfo()
    # What the stored facts lack: the contributions of recomputed facts that differ from them
    # (only when checking; with ``fix`` the stored facts become the recomputed ones).
    correction: facts.Deltas = {}
    seen_max = 0
    for rows in _dossier_batches(batch):
        new = {d.id: facts.fact_for(d, calendar) for d in _inputs(rows, procedures)}
        hi = rows[-1][0]
        stored = {
            f.dossier_id: facts.Fact.from_model(f)
            for f in DossierFact.objects.filter(dossier_id__gt=seen_max, dossier_id__lte=hi)
        }
        changed: dict[int, facts.Fact] = {}
        for pk, fact in new.items():
            old = stored.pop(pk, None)
            if old is None:
                report.facts_missing += 1
                changed[pk] = fact
            elif old.normalized() != fact.normalized():
                report.facts_differing += 1
                changed[pk] = fact
                if len(report.fact_examples) < 20:
                    report.fact_examples.append(pk)
                if not fix:
                    facts.contribute(old, correction, -1)
            if pk in changed and not fix:
                facts.contribute(fact, correction)
        report.facts_stale += len(stored)  # facts of dossiers that no longer exist
        if fix:
            _facts_save(changed, stored.keys())
        else:
            for old in stored.values():
                facts.contribute(old, correction, -1)
        seen_max = hi
        report.dossiers += len(rows)
        if progress:
            progress(len(rows))
    stale_tail = DossierFact.objects.filter(dossier_id__gt=seen_max)
    report.facts_stale += stale_tail.count()
    if fix:
        stale_tail.delete()
    else:
        for stale in stale_tail:
            facts.contribute(facts.Fact.from_model(stale), correction, -1)
    expected = _aggregate_facts()
    for key, row in correction.items():
        target = expected.setdefault(key, {})
        for c, n in row.items():
            target[c] = target.get(c, 0) + n
    for model in ROLLUP_MODELS:
        counters = facts.counters_of(model)
        want = {
            key: {c: row.get(c, 0) for c in counters}
            for (m, key), row in expected.items()
            if m is model and any(row.values())
        }
        have = _stored_rollup(model)
        diff = TableDiff(name=model._meta.db_table, expected_rows=len(want), stored_rows=len(have))
        for key in sorted(set(want) | set(have), key=repr):
            if want.get(key) != have.get(key):
                diff.differing += 1
                if len(diff.examples) < 10:
                    diff.examples.append(f"{key}: stored {have.get(key)} expected {want.get(key)}")
        report.tables.append(diff)
        if fix and diff.differing:
            model.objects.all().delete()
            insert_rows(
                model,
                (*model.KEY, *counters),
                ((*key, *(values[c] for c in counters)) for key, values in want.items()),
            )
    return report
