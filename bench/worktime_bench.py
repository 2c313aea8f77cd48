"""Benchmark of the working-time engine: due() and elapsed() per call.

Target: under 20 microseconds per due() call for spans up to a year, without pauses.

    uv run python bench/worktime_bench.py [--calls 200000] [--seed 20260101]

Starts are random instants of 2026-2027 (local time), spans random from 1 working hour to
365 working days (log-uniform, half in working_hours, half in working_days). The calendar is
built without the database (``holidays`` package, default office hours, 16:00 cut-off) and
warmed up first; the cost of computing the years is reported separately.

The mean comes from timing the whole batch with ``timeit`` (best of several repeats); the
percentiles from timing each call with ``perf_counter_ns``, minus the timer's own overhead.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import timeit
from datetime import datetime, timedelta
from time import perf_counter, perf_counter_ns

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
os.environ.setdefault("EGOV_DATA_DIR", tempfile.mkdtemp(prefix="egov-bench-"))

import django

django.setup()

from egov.worktime.engine import WorkingCalendar

TARGET_US = 20.0


def random_instants(rng: random.Random, calendar: WorkingCalendar, n: int) -> list[datetime]:
    first = datetime(2026, 1, 1, tzinfo=calendar.tz)
    seconds = 2 * 365 * 86400
    return [first + timedelta(seconds=rng.randrange(seconds)) for _ in range(n)]


def random_spans(rng: random.Random, n: int) -> list[tuple[float, str]]:
    spans: list[tuple[float, str]] = []
    for _ in range(n):
        if rng.random() < 0.5:
            spans.append((math.exp(rng.uniform(0, math.log(2920))), "working_hours"))
        else:
            spans.append((math.exp(rng.uniform(math.log(1 / 8), math.log(365))), "working_days"))
    return spans


def per_call_us(call, args: list[tuple]) -> list[float]:
    """Each call timed alone, in microseconds, minus the timer's overhead."""
    overhead = min(-(perf_counter_ns() - perf_counter_ns()) for _ in range(10_000))
    samples = []
    for a in args:
        t0 = perf_counter_ns()
        call(*a)
        samples.append((perf_counter_ns() - t0 - overhead) / 1000)
    return samples


def batch_mean_us(call, args: list[tuple], repeat: int = 5) -> float:
    def loop() -> None:
        for a in args:
            call(*a)

    return min(timeit.repeat(loop, number=1, repeat=repeat)) / len(args) * 1e6


def report(name: str, mean: float, samples: list[float]) -> dict[str, float]:
    qs = statistics.quantiles(samples, n=100)
    row = {"mean": mean, "p50": qs[49], "p95": qs[94], "p99": qs[98], "max": max(samples)}
    print(
        f"{name:<34} mean {row['mean']:6.2f} µs   p50 {row['p50']:6.2f}   "
        f"p95 {row['p95']:6.2f}   p99 {row['p99']:6.2f}   max {row['max']:8.1f}"
    )
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=20260101)
    options = parser.parse_args()
    rng = random.Random(options.seed)
    n = options.calls

    t0 = perf_counter()
    calendar = WorkingCalendar()
    calendar.is_working_day(datetime(2026, 1, 1).date())
    cold = (perf_counter() - t0) * 1000
    starts = random_instants(rng, calendar, n)
    spans = random_spans(rng, n)
    due_args = [(s, a, u) for s, (a, u) in zip(starts, spans, strict=True)]
    ends = [s + timedelta(seconds=rng.randrange(1, 366 * 86400)) for s in starts]
    elapsed_args = list(zip(starts, ends, strict=True))
    pause_args = []
    for s, (a, u) in zip(starts[: n // 10], spans[: n // 10], strict=True):
        p = s + timedelta(hours=rng.randrange(1, 24 * 30))
        q = p + timedelta(hours=rng.randrange(1, 24 * 10))
        r = q + timedelta(hours=rng.randrange(1, 24 * 30))
        pause_args.append((s, a, u, [(p, q), (r, r + timedelta(days=3))]))

    t0 = perf_counter()
    for a in due_args[:2000]:
        calendar.due(*a)  # warm-up: computes every year the spans reach
    for a in elapsed_args[:2000]:
        calendar.elapsed(*a)
    warm = (perf_counter() - t0) * 1000

    print(f"Python {platform.python_version()} on {platform.machine()}, {platform.system()}")
    print(f"{n} calls, seed {options.seed}")
    print(f"first use (imports holidays, computes a year) {cold:.0f} ms; warm-up {warm:.0f} ms")
    results = {
        "due": report(
            "due() 1 h .. 365 days",
            batch_mean_us(calendar.due, due_args),
            per_call_us(calendar.due, due_args),
        ),
        "elapsed": report(
            "elapsed() up to a year",
            batch_mean_us(calendar.elapsed, elapsed_args),
            per_call_us(calendar.elapsed, elapsed_args),
        ),
        "paused": report(
            "due() with 2 pauses",
            batch_mean_us(calendar.due, pause_args),
            per_call_us(calendar.due, pause_args),
        ),
    }
    due = results["due"]
    ok = due["mean"] < TARGET_US and due["p95"] < TARGET_US
    print(
        f"target due() < {TARGET_US:.0f} µs (mean and p95): {'met' if ok else 'NOT MET'}",
        file=sys.stdout if ok else sys.stderr,
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
