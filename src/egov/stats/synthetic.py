"""Synthetic dossier history for demos and the benchmark: realistic, deterministic, fast.

``generate()`` writes dossiers (and their supplementation pauses and ratings) straight into
the tables, with COPY on PostgreSQL and ``executemany`` on SQLite: no service, no timeline
event, no audit record. It is not a way to enter real dossiers. The statistics are then
built by ``services.stats_rebuild(fix=True)``.

What the history looks like, over ``years`` up to yesterday:
- submissions on working days, in office hours, growing by about half over the span;
- the online share rising from 20 % to 70 %, a few percent by post (when the procedure
  allows it; information-only procedures at the desk);
- 1.5 % refused before receipt, 1 % withdrawn, 0.5 % stopped; about 10 % with one
  supplementation request and 1.5 % with two (pauses of 1-5 working days);
- processing taking 30-100 % of the legal time, about 6 % late;
- dossiers whose processing would end after now are still open, 0.3 % of old ones stuck;
- a quarter of the returned results rated.
The same ``seed`` and arguments give the same dossiers.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from egov.dossiers.models import (
    NATIONAL_STATUS,
    Dossier,
    DossierCounter,
    DossierPause,
    DossierRating,
)
from egov.organizations.models import Agency
from egov.procedures.models import OnlineType, Procedure
from egov.stats.bulk import insert_rows
from egov.stats.facts import TZ
from egov.worktime.selectors import calendar_get

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi"]
MIDDLE = ["Văn", "Thị", "Minh", "Hữu", "Ngọc", "Thanh", "Đức", "Thu", "Quốc", "Kim"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Giang", "Hà", "Hùng", "Lan", "Long", "Mai", "Nam",
         "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến"]  # fmt: skip
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

DOSSIER_COLUMNS = (
    "id", "code", "procedure_id", "receiving_agency_id", "current_agency_id", "channel",
    "state", "national_status", "step_index", "version", "applicant_name",
    "applicant_id_number", "applicant_phone", "applicant_email", "applicant_address",
    "submitted_by_id", "lookup_secret", "idempotency_key", "submitted_at", "received_at",
    "appointment_at", "original_appointment_at", "processed_at", "returned_at", "ended_at",
    "supplement_count", "apology_count",
)  # fmt: skip
PAUSE_COLUMNS = ("dossier_id", "started_at", "ended_at")
RATING_COLUMNS = ("dossier_id", "value", "comment", "rated_at", "rated_by_id")


@dataclass(frozen=True)
class Target:
    procedure_id: int
    agency_ids: tuple[int, ...]
    agency_codes: tuple[str, ...]
    time: Decimal
    unit: str
    online: bool
    postal: bool


class NoCatalog(Exception):
    pass


def _targets() -> list[Target]:
    agencies = {a.pk: a for a in Agency.objects.filter(is_active=True)}
    by_type: dict[int, list[Agency]] = {}
    for a in agencies.values():
        by_type.setdefault(a.type_id, []).append(a)
    out = []
    for p in Procedure.objects.filter(is_published=True).order_by("pk"):
        fixed = p.receiving_agency_id or p.implementing_agency_id
        chosen = (
            [agencies[fixed]]
            if fixed in agencies
            else sorted(by_type.get(p.implementing_agency_type_id, []), key=lambda a: a.pk)
        )
        if not chosen:
            continue
        out.append(
            Target(
                p.pk,
                tuple(a.pk for a in chosen),
                tuple(a.code for a in chosen),
                p.processing_time,
                p.time_unit,
                p.online_type != OnlineType.INFO,
                p.channel_postal,
            )
        )
    if not out:
        raise NoCatalog("No published procedure with an agency to receive it: load a catalog.")
    return out


def _submitter() -> int:
    from egov.accounts.models import User

    user = User.objects.filter(email="thongke.synthetic@egov.invalid").first()
    if user is None:
        user = User.objects.create_user(
            email="thongke.synthetic@egov.invalid", full_name="Dữ liệu tổng hợp"
        )
    return user.pk


def _working_days(first: date, last: date) -> list[date]:
    calendar = calendar_get()
    days, d = [], first
    while d <= last:
        if calendar.is_working_day(d):
            days.append(d)
        d += timedelta(days=1)
    return days


@dataclass
class Generated:
    dossiers: int = 0
    pauses: int = 0
    ratings: int = 0


def generate(
    *,
    count: int,
    years: float = 5,
    seed: int = 766,
    progress: Callable[[int], None] | None = None,
    batch: int = 20000,
) -> Generated:
    """Write ``count`` synthetic dossiers over the ``years`` up to yesterday."""
    rng = random.Random(seed)  # noqa: S311 (deterministic test data, not secrets)
    calendar = calendar_get()
    targets = _targets()
    # A few procedures take most dossiers (civil status, land, business registration).
    weights = [1 / (i + 1) ** 0.8 for i in range(len(targets))]
    rng.shuffle(weights)
    cum_targets = _cumulative(weights)
    today = timezone.localdate()
    last = today - timedelta(days=1)
    first = last - timedelta(days=round(365.25 * years))
    days = _working_days(first, last)
    if not days:
        raise NoCatalog("No working day in the period.")
    day_weights = _cumulative([1 + 0.5 * i / len(days) for i in range(len(days))])
    now = timezone.now()
    submitter = _submitter()
    next_id = (Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    counters: dict[tuple[int, date], int] = {
        (a, d): n
        for a, d, n in DossierCounter.objects.filter(day__gte=first).values_list(
            "agency_id", "day", "last"
        )
    }
    result = Generated()
    open_stuck = 0.003

    def rows() -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]], tuple[Any, ...] | None]]:
        nonlocal next_id
        for _i in range(count):
            t = targets[bisect.bisect(cum_targets, rng.random() * cum_targets[-1])]
            k = rng.randrange(len(t.agency_ids))
            agency_id, agency_code = t.agency_ids[k], t.agency_codes[k]
            di = bisect.bisect(day_weights, rng.random() * day_weights[-1])
            day = days[min(di, len(days) - 1)]
            share = di / len(days)
            minute = rng.randrange(7 * 60 + 30, 16 * 60 + 45)
            submitted = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=TZ)
            submitted += timedelta(seconds=rng.randrange(60))
            r = rng.random()
            channel = "counter"
            if t.online and r < 0.2 + 0.5 * share:
                channel = "online"
            elif t.postal and r > 0.97:
                channel = "postal"
            seq = counters.get((agency_id, day), 0) + 1
            counters[(agency_id, day)] = seq
            code = f"{agency_code}-{day:%y%m%d}-{seq:04d}"
            pk = next_id
            next_id += 1
            received = appointment = original = processed = returned = ended = None
            supplements = 0
            pauses: list[tuple[Any, ...]] = []
            rating = None
            roll = rng.random()
            if roll < 0.015:
                state = "refused"
                ended = submitted + timedelta(hours=rng.randrange(1, 30))
            else:
                received = (
                    submitted
                    if channel == "counter"
                    else submitted + timedelta(minutes=rng.randrange(5, 240))
                )
                appointment = calendar.due(received, t.time, t.unit)
                original = appointment
                s = rng.random()
                supplements = 2 if s < 0.015 else (1 if s < 0.115 else 0)
                cursor = received
                spans = []
                for _n in range(supplements):
                    start = calendar.due(
                        cursor, Decimal(rng.randrange(1, 4)), "working_days", cutoff=False
                    )
                    end = calendar.due(
                        start, Decimal(rng.randrange(1, 6)), "working_days", cutoff=False
                    )
                    spans.append((start, end))
                    cursor = end
                late = rng.random() < 0.06
                fraction = (
                    Decimal(rng.randrange(101, 150)) / 100
                    if late
                    else Decimal(rng.randrange(30, 100)) / 100
                )
                finish = calendar.due(received, t.time * fraction, t.unit, spans)
                if spans:
                    appointment = calendar.due(received, t.time, t.unit, spans)
                stuck = rng.random() < open_stuck
                current = next(((a, b) for a, b in spans if a <= now < b), None)
                if current is not None or finish > now or stuck:
                    # Still open: only the supplementation rounds begun by now happened.
                    begun = [(a, b) for a, b in spans if a <= now]
                    supplements = len(begun)
                    done = [(a, b) for a, b in begun if b <= now]
                    pauses.extend((pk, a, b) for a, b in done)
                    appointment = calendar.due(received, t.time, t.unit, done) if done else original
                    if current is not None:
                        state = "supplement_requested"
                        pauses.append((pk, current[0], None))
                    else:
                        state = "in_progress"
                else:
                    pauses.extend((pk, a, b) for a, b in spans)
                    w = rng.random()
                    if w < 0.01:
                        state = "withdrawn"
                        ended = finish
                    elif w < 0.015:
                        state = "stopped"
                        ended = finish
                    else:
                        processed = finish
                        back = finish + timedelta(hours=rng.randrange(1, 72))
                        if back <= now:
                            state = "result_returned"
                            returned = ended = back
                            if rng.random() < 0.25:
                                v = rng.random()
                                value = (
                                    "very_satisfied"
                                    if v < 0.6
                                    else ("satisfied" if v < 0.95 else "not_satisfied")
                                )
                                rating = (pk, value, "", back, submitter)
                        else:
                            state = "processed"
            name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            secret = "".join(rng.choice(SECRET_ALPHABET) for _ in range(6))
            row = (
                pk, code, t.procedure_id, agency_id, agency_id, channel, state,
                int(NATIONAL_STATUS[state]), 0, 1, name, "", "", "", "", submitter, secret, "",
                submitted, received, appointment, original, processed, returned, ended,
                supplements, 0,
            )  # fmt: skip
            yield row, pauses, rating

    batch_rows: list[tuple[Any, ...]] = []
    batch_pauses: list[tuple[Any, ...]] = []
    batch_ratings: list[tuple[Any, ...]] = []

    def flush() -> None:
        with transaction.atomic():
            _write(Dossier, DOSSIER_COLUMNS, batch_rows)
            _write(DossierPause, PAUSE_COLUMNS, batch_pauses)
            _write(DossierRating, RATING_COLUMNS, batch_ratings)
        result.dossiers += len(batch_rows)
        result.pauses += len(batch_pauses)
        result.ratings += len(batch_ratings)
        if progress:
            progress(len(batch_rows))
        batch_rows.clear()
        batch_pauses.clear()
        batch_ratings.clear()

    for row, pauses, rating in rows():
        batch_rows.append(row)
        batch_pauses.extend(pauses)
        if rating:
            batch_ratings.append(rating)
        if len(batch_rows) >= batch:
            flush()
    if batch_rows:
        flush()
    _save_counters(counters, first)
    _reset_sequence(Dossier)
    return result


def _cumulative(weights: list[float]) -> list[float]:
    out, total = [], 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


def _write(model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    if rows:
        insert_rows(model, columns, rows)


def _save_counters(counters: dict[tuple[int, date], int], first: date) -> None:
    existing = set(DossierCounter.objects.filter(day__gte=first).values_list("agency_id", "day"))
    new = [
        DossierCounter(agency_id=a, day=d, last=n)
        for (a, d), n in counters.items()
        if (a, d) not in existing
    ]
    DossierCounter.objects.bulk_create(new, batch_size=5000)
    for (a, d), n in counters.items():
        if (a, d) in existing:
            DossierCounter.objects.filter(agency_id=a, day=d).update(last=n)


def _reset_sequence(model: Any) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
            f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"
        )
