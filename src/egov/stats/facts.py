"""One dossier's statistical fact, and what it adds to the rollups. Pure: no database.

The rules of Decision 766/QĐ-TTg (shared/docs/domain.md), as applied here:

- **End of processing**: the time the dossier became processed (national status 9);
  otherwise the time its result was returned (10); otherwise the time it was stopped.
- **Due**: the appointment date on the receipt, moved by the working time the citizen spent
  supplementing (the dossier services already move ``appointment_at`` when a supplement
  arrives). A new date given with an apology (form 04) does not excuse the delay: when the
  dossier has one, the due instant is recomputed from the receipt, the procedure's legal
  processing time and the pauses. **No appointment date** (an imported dossier): the legal
  maximum, i.e. the same computation from the receipt (or the submission) time, which is
  "(end − start − supplementation time) ≤ legal maximum" on the working-time axis.
- **Late**: end of processing after the due instant, or **more than one supplementation
  request**, whatever the dates.
- **Before time**: not late, and ended on a local day before the due instant's day;
  **on time**: not late and ended on the due day.
- Refused (not received), withdrawn: counted as such, without a timing class.
- Still open: awaiting receipt, paused (awaiting the citizen's supplement: the clock stands
  still), late already (two supplementation requests), or running with a due instant:
  within time or overdue depending on the clock.

Months are local months (Asia/Ho_Chi_Minh): receipt counters go to the month of submission,
outcomes and ratings to the month of the end of processing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from egov.stats.models import (
    COUNTERS,
    AgencyMonthRollup,
    DossierFact,
    MonthRollup,
    OpenBucket,
    OpenKind,
    Outcome,
)
from egov.worktime.engine import WorkingCalendar

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NO_DUE_DAY = date(2000, 1, 1)

OPEN_STATES = {
    "submitted", "completion_requested", "received", "in_progress", "supplement_requested",
    "payment_requested", "withdrawal_requested",
}  # fmt: skip
UNRECEIVED_STATES = {"submitted", "completion_requested"}
RATING_COUNTER = {
    "very_satisfied": "very_satisfied",
    "satisfied": "satisfied",
    "not_satisfied": "not_satisfied",
}
OUTCOME_COUNTER = {
    Outcome.BEFORE: "before",
    Outcome.ON_TIME: "on_time",
    Outcome.LATE: "late",
    Outcome.REFUSED: "refused",
    Outcome.WITHDRAWN: "withdrawn",
}


@dataclass(frozen=True)
class DossierInput:
    """What the fact is computed from: the dossier's columns and its procedure's."""

    id: int
    agency_id: int
    procedure_id: int
    sector_id: int
    channel: str
    state: str
    submitted_at: datetime
    received_at: datetime | None
    appointment_at: datetime | None
    processed_at: datetime | None
    returned_at: datetime | None
    ended_at: datetime | None
    supplement_count: int
    apology_count: int
    processing_time: Decimal
    time_unit: str
    online_type: str
    rating: str = ""
    pauses: tuple[tuple[datetime, datetime], ...] = ()


@dataclass(frozen=True)
class Fact:
    dossier_id: int
    agency_id: int
    procedure_id: int
    sector_id: int
    channel: str
    received_month: date
    end_month: date | None
    outcome: str
    stopped: bool
    open_kind: str
    due_at: datetime | None
    supplement_count: int
    online_full: bool
    rating: str

    @classmethod
    def from_model(cls, row: DossierFact) -> Fact:
        return cls(**{f.name: getattr(row, f.name) for f in fields(cls)})

    def to_model(self) -> DossierFact:
        return DossierFact(**{f.name: getattr(self, f.name) for f in fields(self)})

    def normalized(self) -> tuple[Any, ...]:
        """For comparisons across databases (SQLite returns naive UTC or aware instants)."""
        due = self.due_at.astimezone(TZ).replace(microsecond=0) if self.due_at else None
        return (*(getattr(self, f.name) for f in fields(self) if f.name != "due_at"), due)


FACT_FIELDS = tuple(f.name for f in fields(Fact))


def month_of(instant: datetime) -> date:
    local = instant.astimezone(TZ)
    return date(local.year, local.month, 1)


def due_instant(d: DossierInput, calendar: WorkingCalendar) -> datetime | None:
    """The instant the dossier is due by (see the module's rules); None before receipt."""
    if d.appointment_at is not None and not d.apology_count:
        return d.appointment_at
    start = d.received_at or (d.submitted_at if d.appointment_at is None else None)
    if start is None:
        return None
    return calendar.due(start, d.processing_time, d.time_unit, list(d.pauses))


def end_of_processing(d: DossierInput) -> datetime | None:
    if d.state in OPEN_STATES:
        return None
    return d.processed_at or d.returned_at or d.ended_at


def fact_for(d: DossierInput, calendar: WorkingCalendar) -> Fact:
    open_kind = ""
    due: datetime | None = None
    end_month: date | None = None
    stopped = False
    if d.state in OPEN_STATES:
        outcome = Outcome.OPEN
        if d.state in UNRECEIVED_STATES or d.received_at is None:
            open_kind = OpenKind.UNRECEIVED
        elif d.state == "supplement_requested":
            open_kind = OpenKind.PAUSED
        elif d.supplement_count > 1:
            open_kind = OpenKind.LATE
        else:
            open_kind = OpenKind.RUNNING
            due = due_instant(d, calendar)
    elif d.state == "refused":
        outcome = Outcome.REFUSED
        end_month = month_of(d.ended_at or d.submitted_at)
    elif d.state == "withdrawn":
        outcome = Outcome.WITHDRAWN
        end_month = month_of(d.ended_at or d.submitted_at)
    else:  # processed, result_returned, stopped
        stopped = d.state == "stopped"
        end = end_of_processing(d) or d.submitted_at
        end_month = month_of(end)
        due = due_instant(d, calendar)
        if d.supplement_count > 1 or (due is not None and end > due):
            outcome = Outcome.LATE
        elif due is not None and end.astimezone(TZ).date() < due.astimezone(TZ).date():
            outcome = Outcome.BEFORE
        else:
            outcome = Outcome.ON_TIME
    return Fact(
        dossier_id=d.id,
        agency_id=d.agency_id,
        procedure_id=d.procedure_id,
        sector_id=d.sector_id or 0,
        channel=d.channel,
        received_month=month_of(d.submitted_at),
        end_month=end_month,
        outcome=outcome,
        stopped=stopped,
        open_kind=open_kind,
        due_at=due,
        supplement_count=d.supplement_count,
        online_full=d.channel == "online" and d.online_type == "full",
        rating=d.rating if d.rating in RATING_COUNTER else "",
    )


# --- Contributions to the rollups ------------------------------------------------------------

Key = tuple[Any, ...]
Deltas = dict[tuple[type, Key], dict[str, int]]


def _add(deltas: Deltas, model: type, key: Key, counter: str, n: int) -> None:
    row = deltas.setdefault((model, key), {})
    row[counter] = row.get(counter, 0) + n


def contribute(fact: Fact, deltas: Deltas, sign: int = 1) -> None:
    """Add (``sign`` 1) or take away (-1) what ``fact`` counts in each rollup row."""
    f = fact
    month_key = (f.agency_id, f.procedure_id, f.sector_id, f.channel)
    counts: list[tuple[date, str]] = [(f.received_month, "received")]
    if f.channel == "online":
        counts.append((f.received_month, "online"))
    if f.online_full:
        counts.append((f.received_month, "online_full"))
    if f.end_month is not None:
        counter = OUTCOME_COUNTER.get(Outcome(f.outcome))
        if counter:
            counts.append((f.end_month, counter))
        if f.stopped:
            counts.append((f.end_month, "stopped"))
        if f.rating:
            counts.append((f.end_month, RATING_COUNTER[f.rating]))
    for month, counter in counts:
        _add(deltas, MonthRollup, (month, *month_key), counter, sign)
        _add(deltas, AgencyMonthRollup, (month, f.agency_id, f.channel), counter, sign)
    if f.open_kind:
        due_day = f.due_at.astimezone(TZ).date() if f.due_at is not None else NO_DUE_DAY
        _add(deltas, OpenBucket, (*month_key, f.open_kind, due_day), "count", sign)


def deltas_between(old: Iterable[Fact], new: Iterable[Fact]) -> Deltas:
    deltas: Deltas = {}
    for fact in old:
        contribute(fact, deltas, -1)
    for fact in new:
        contribute(fact, deltas, 1)
    # Drop what cancelled out, so that an unchanged fact writes nothing.
    return {
        key: nonzero
        for key, row in deltas.items()
        if (nonzero := {c: n for c, n in row.items() if n})
    }


def counters_of(model: type) -> Sequence[str]:
    return ("count",) if model is OpenBucket else COUNTERS
