"""Dossiers at 1,000,000: public lookup, submission and transition throughput over real HTTP.

Targets (issue 4): with 1,000,000 dossiers loaded, on SQLite and on PostgreSQL, public lookup
throughput at least 0.7 of a minimal Django view reading the same row (measured in the same
run); at least 300 transitions per second on PostgreSQL; no lost or duplicated transition with
32 concurrent clients.

    uv run python bench/dossier_bench.py --db sqlite   --dossiers 1000000
    uv run python bench/dossier_bench.py --db postgres --dossiers 1000000

What it does (bench/README.md has the details):

1. Loads a database of its own, once: the Tây Ninh demo province through egov's services
   (agencies, communes, staff, the demo catalog), 5,000 citizens, then N dossiers with raw
   bulk inserts (SQLite executemany, PostgreSQL COPY), with their timeline events for a part,
   their open pauses and the code counters. Later runs find it and skip the load.
2. Serves it with ``egov serve`` (Granian, 2 worker processes x 4 threads by default), with
   ``DJANGO_SETTINGS_MODULE=bench_settings``, which adds the bench-only baseline view.
3. Drives it from other processes: wrk for the lookup, the baselines and the transitions on
   distinct dossiers (bench/dossier_transitions.lua: a connection a thread, each moving its
   own dossiers through the lifecycle), a Python client (threads, http.client, keep-alive)
   for the submissions and for the race on one dossier (read, then act).
4. Checks the database afterwards (versions, events, audit chain) and prints a table.

The measured requests all go through egov's real views and services; only the load and the
baselines (bench/baseline_urls.py) use raw SQL. Each measurement has ``--runs`` (5) rounds; each round runs egov and its baseline one
after the other, in an order rotated from round to round, and the table gives the medians
(throughput, p50, p99, CPU) and the median of the rounds' ratios, never the best run. The
machine is shared, so the script prints the load average and a host probe before each run.
"""

# A bench tool: it runs its own commands (wrk, egov, py-spy), builds SQL from model metadata
# and keeps its database under /tmp.
# ruff: noqa: S603, S607, S608, S108

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from benchserver import Server

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PG_ADMIN_URL = "postgresql://egov:egov@127.0.0.1:5432/postgres"
PG_DB = "egov_dossier_bench"
PROVINCE = "Tây Ninh"
LOCAL_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving time
SECRET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
WARMUP_SECONDS = 3
FINAL = {"refused", "withdrawn", "stopped", "result_returned"}

# A minimal valid PDF (the upload check reads the first bytes), padded to about 3 KB.
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + b"% bench\n" * 380 + b"%%EOF\n"


MOBILE_PREFIXES = ["90", "91", "93", "94", "96", "97", "98"]  # valid Vietnamese mobile ranges


def mobile(rng: random.Random, international: bool = True) -> str:
    digits = f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(10**7):07d}"
    return f"+84{digits}" if international else f"0{digits}"


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# =============================================================================================
# The HTTP client (a separate process: `dossier_bench.py _client <plan.json>`); no Django here.
# =============================================================================================


class Http:
    """One keep-alive connection; reconnects when the server closed it."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers or {})
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A keep-alive connection the server closed while idle: only safe to retry
                # when the request cannot have been processed, i.e. on the first write.
                self.conn.close()
                self.conn = None
                if attempt == 2 or method != "GET":
                    raise
        raise AssertionError("unreachable")


def _multipart(
    fields: list[tuple[str, str]], files: list[tuple[str, str, bytes]]
) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, filename, content in files:
        parts.append(
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'
            ).encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def next_action(dossier: dict[str, Any]) -> str | None:
    """The bench's lifecycle: receive, hand over, request a supplement, supplement, hand over,
    complete, return the result (7 transitions), decided from the state the client read."""
    state = dossier["state"]
    if state == "submitted":
        return "receive"
    if state == "received":
        return "hand_over"
    if state == "in_progress":
        if not any(e["action"] == "supplement" for e in dossier["events"]):
            return "request_supplement"
        return "hand_over" if dossier["step_index"] < 2 else "complete"
    if state == "supplement_requested":
        return "supplement"
    if state == "processed":
        return "return_result"
    return None


def client_main(plan_path: str) -> None:
    plan = json.loads(Path(plan_path).read_text())
    host, port = plan["host"], plan["port"]
    deadline_holder: dict[str, float] = {}
    lock = threading.Lock()
    results: dict[str, Any] = {
        "status": Counter(),
        "latencies_ms": [],
        "action_latencies_ms": [],
        "successes": [],  # (dossier id, action, version sent, version returned)
        "created": [],  # dossier ids created by submissions
        "errors": [],
        "gets": 0,
    }
    start_barrier = threading.Barrier(plan["concurrency"] + 1)

    def record(status: int, ms: float, kind: str = "action") -> None:
        with lock:
            results["status"][str(status)] += 1
            results["latencies_ms"].append(ms)
            if kind == "action":
                results["action_latencies_ms"].append(ms)

    def error(text: str) -> None:
        with lock:
            if len(results["errors"]) < 20:
                results["errors"].append(text[:500])

    def submit_worker(i: int) -> None:
        rng = random.Random(plan["seed"] * 1000 + i)
        http_ = Http(host, port)
        token = plan["tokens"][i % len(plan["tokens"])]
        n = 0
        start_barrier.wait()
        while time.perf_counter() < deadline_holder["t"]:
            procedure = rng.choice(plan["procedures"])
            n += 1
            fields = [
                ("procedure", procedure["code"]),
                ("channel", "online"),
                ("applicant_name", f"Nguyễn Văn Bench {i}-{n}"),
                ("applicant_id_number", f"0721900{rng.randrange(10**5):05d}"),
                ("applicant_phone", mobile(rng, international=False)),
                ("applicant_email", f"bench{i}.{n}@bench.example"),
                ("applicant_address", "Phường Tân Ninh, tỉnh Tây Ninh"),
            ]
            if procedure["agencies"]:
                fields.append(("agency", rng.choice(procedure["agencies"])))
            files = [(f"component_{c}", f"giay-to-{c}.pdf", PDF) for c in procedure["components"]]
            body, content_type = _multipart(fields, files)
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": content_type,
                "Idempotency-Key": f"{plan['key_prefix']}-{i}-{n}",
            }
            t0 = time.perf_counter()
            status, data = http_.request("POST", "/api/v1/dossiers", body, headers)
            record(status, (time.perf_counter() - t0) * 1000)
            if status == 201:
                with lock:
                    results["created"].append(json.loads(data)["id"])
            else:
                error(f"{status} {data[:300]!r}")

    def act(http_: Http, token: str, dossier: dict[str, Any], action: str) -> tuple[int, bytes]:
        payload: dict[str, Any] = {"version": dossier["version"]}
        if action == "hand_over":
            payload["to_agency"] = plan["to_agency"][str(dossier["id"])]
            payload["comment"] = "Chuyển bước tiếp theo"
        elif action == "request_supplement":
            payload["missing"] = "Bổ sung bản sao giấy tờ tùy thân"
        elif action == "supplement":  # an empty supplement is refused (400)
            payload["comment"] = "Đã bổ sung"
        body = json.dumps(payload).encode()
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        t0 = time.perf_counter()
        status, data = http_.request(
            "POST", f"/api/v1/dossiers/{dossier['id']}/actions/{action}", body, headers
        )
        record(status, (time.perf_counter() - t0) * 1000)
        if status == 200:
            returned = json.loads(data)
            with lock:
                results["successes"].append(
                    (dossier["id"], action, dossier["version"], returned["version"])
                )
        elif status != 409:
            error(f"{action} {dossier['id']}: {status} {data[:300]!r}")
        return status, data

    def read(http_: Http, token: str, dossier_id: int) -> dict[str, Any] | None:
        t0 = time.perf_counter()
        status, data = http_.request(
            "GET",
            f"/api/v1/staff/dossiers/{dossier_id}",
            None,
            {"Authorization": f"Bearer {token}"},
        )
        with lock:
            results["gets"] += 1
            results["latencies_ms"].append((time.perf_counter() - t0) * 1000)
        if status != 200:
            error(f"GET {dossier_id}: {status} {data[:300]!r}")
            return None
        return json.loads(data)

    def shared_worker(i: int) -> None:
        # All clients work on the same dossier: read it, act with the version read; exactly
        # one of those who read the same version may succeed, the others get 409.
        http_ = Http(host, port)
        token = plan["tokens"][i % len(plan["tokens"])]
        ids = plan["shared"]
        index = 0
        start_barrier.wait()
        while time.perf_counter() < deadline_holder["t"] and index < len(ids):
            dossier = read(http_, token, ids[index])
            if dossier is None:
                return
            action = next_action(dossier)
            if action is None:
                index += 1
                continue
            act(http_, token, dossier, action)

    worker = {"submit": submit_worker, "shared": shared_worker}[plan["scenario"]]
    threads = [
        threading.Thread(target=worker, args=(i,), daemon=True) for i in range(plan["concurrency"])
    ]
    for t in threads:
        t.start()
    deadline_holder["t"] = time.perf_counter() + plan["duration"]
    t0 = time.perf_counter()
    start_barrier.wait()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    results["elapsed"] = elapsed
    results["client_cpu_s"] = usage.ru_utime + usage.ru_stime
    results["status"] = dict(results["status"])
    json.dump(results, sys.stdout)


# =============================================================================================
# The orchestrator: environment, database, load, server, runs, checks.
# =============================================================================================


def configure(db: str) -> Path:
    data_dir = Path(os.environ.get("EGOV_BENCH_DIR", "/tmp/egov-dossier-bench")) / db
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["EGOV_DATA_DIR"] = str(data_dir)
    if db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get(
            "EGOV_BENCH_PG_URL", f"postgres://egov:egov@127.0.0.1:5432/{PG_DB}"
        )
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'egov.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench_settings"
    os.environ["PYTHONPATH"] = os.pathsep.join(
        p for p in [str(BENCH_DIR), os.environ.get("PYTHONPATH", "")] if p
    )
    sys.path.insert(0, str(BENCH_DIR))
    return data_dir


def pg_database(reload: bool) -> None:
    import psycopg

    name = os.environ["DATABASE_URL"].rsplit("/", 1)[-1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reload:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def machine() -> str:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB RAM, Python {sys.version.split()[0]}"


def code_version() -> str:
    """The commit measured, and whether src/ had uncommitted changes (other work in progress)."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "src"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
    except OSError:
        return "unknown"
    import egov

    where = Path(egov.__file__).resolve().parent.parent
    return f"commit {head}{' + uncommitted changes in src/' if dirty else ''}, egov imported from {where}"


def loadavg() -> str:
    """The load average, and the host probe: this machine is a VM whose CPU speed moves with
    its neighbours (the same loop took 214 to 364 ms within a minute, idle), so each run's
    header shows how fast the CPU was just before it."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3]) + f"; {host_probe()}"


def host_probe() -> str:
    """CPU time of a fixed pure-Python loop (best of 3): about 220 ms on a quiet host here."""
    best = float("inf")
    for _ in range(3):
        t0 = time.process_time()
        total = 0
        for i in range(1_000_000):
            total += i * i
        best = min(best, time.process_time() - t0)
    return f"host probe {best * 3000:.0f} ms"


# --- Load -------------------------------------------------------------------------------------

FIRST_NAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Hoài", "Kim"]
GIVEN = [
    "An",
    "Bình",
    "Châu",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Khoa",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thu",
    "Trang",
    "Tuấn",
    "Vy",
    "Yến",
]

# Transitions from "submitted" to each state the loader writes: (action, target state).
PATHS: dict[str, list[tuple[str, str]]] = {
    "submitted": [],
    "completion_requested": [("request_completion", "completion_requested")],
    "refused": [("refuse", "refused")],
    "received": [("receive", "received")],
    "in_progress": [("receive", "received"), ("hand_over", "in_progress")],
    "supplement_requested": [
        ("receive", "received"),
        ("hand_over", "in_progress"),
        ("request_supplement", "supplement_requested"),
    ],
    "processed": [("receive", "received"), ("hand_over", "in_progress"), ("complete", "processed")],
    "result_returned": [
        ("receive", "received"),
        ("hand_over", "in_progress"),
        ("complete", "processed"),
        ("return_result", "result_returned"),
    ],
    "stopped": [("receive", "received"), ("hand_over", "in_progress"), ("stop", "stopped")],
    "withdrawn": [
        ("request_withdrawal", "withdrawal_requested"),
        ("approve_withdrawal", "withdrawn"),
    ],
}
NATIONAL = {
    "submitted": 1,
    "completion_requested": 5,
    "refused": 3,
    "received": 2,
    "in_progress": 4,
    "supplement_requested": 5,
    "payment_requested": 6,
    "withdrawal_requested": 7,
    "withdrawn": 7,
    "stopped": 8,
    "processed": 9,
    "result_returned": 10,
}
# Older than 60 days: almost all done. Newer: a mix of open states, more open the newer.
OLD_MIX = [
    ("result_returned", 87),
    ("processed", 4),
    ("refused", 3),
    ("withdrawn", 3),
    ("stopped", 1),
    ("in_progress", 1),
    ("supplement_requested", 1),
]
RECENT_MIX = [
    ("result_returned", 40),
    ("processed", 10),
    ("in_progress", 20),
    ("supplement_requested", 7),
    ("received", 6),
    ("submitted", 8),
    ("completion_requested", 3),
    ("refused", 3),
    ("withdrawn", 2),
    ("stopped", 1),
]
NEW_MIX = [
    ("submitted", 45),
    ("received", 20),
    ("in_progress", 20),
    ("completion_requested", 5),
    ("supplement_requested", 5),
    ("refused", 3),
    ("withdrawn", 2),
]
COMMENTS = {
    "request_completion": "Thiếu bản sao giấy tờ tùy thân",
    "refuse": "Hồ sơ không thuộc thẩm quyền giải quyết",
    "request_supplement": "Bổ sung bản vẽ thiết kế",
    "stop": "Công dân không bổ sung hồ sơ đúng hạn",
}


def _weighted(mix: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    return [s for s, _ in mix], [w for _, w in mix]


class World:
    """What the loader and the runs need to know about the demo province."""

    def __init__(self) -> None:
        from egov.demo import demo_province_agency
        from egov.organizations.models import Agency
        from egov.organizations.selectors import province_find
        from egov.procedures.models import Procedure

        province = province_find(PROVINCE)
        self.pc = demo_province_agency(province)
        self.center = Agency.objects.get(type__code="service_center", parent=self.pc)
        self.communes = list(Agency.objects.filter(type__code="commune_pc").order_by("code"))
        procedures = list(
            Procedure.objects.filter(is_published=True)
            .select_related("implementing_agency", "receiving_agency")
            .prefetch_related("components", "steps")
            .order_by("code")
        )
        self.commune_procedures = [
            p
            for p in procedures
            if p.receiving_agency_id is None and p.implementing_agency_id is None
        ]
        self.center_procedures = [p for p in procedures if p.receiving_agency_id == self.center.pk]


def load_dossiers(n: int, seed: int, world: World) -> None:
    """Insert ``n`` dossiers with raw SQL: fast, and not what is measured."""
    from django.db import connection, transaction

    from egov.accounts.models import User
    from egov.dossiers.models import Dossier, DossierCounter, DossierEvent, DossierPause

    rng = random.Random(seed)
    citizens = list(
        User.objects.filter(email__endswith="@citizens.bench.example").values_list("pk", flat=True)
    )
    desk = User.objects.get(email="motcua@egov.example").pk
    now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
    start = datetime(2022, 1, 1, tzinfo=UTC)
    span = (now - start).total_seconds()

    # 65 % at the communes (civil status, certifications), 35 % at the provincial center.
    receivers: list[tuple[Any, list[Any]]] = [(c, world.commune_procedures) for c in world.communes]
    weights = [0.65 / len(world.communes)] * len(world.communes) + [0.35]
    receivers.append((world.center, world.center_procedures))

    print(f"  drawing {n:,} dossiers…", flush=True)
    draws: list[tuple[float, int, int]] = []
    receiver_index = rng.choices(range(len(receivers)), weights=weights, k=n)
    for r in receiver_index:
        # More dossiers in later years (density grows linearly), on working days and hours.
        t = start + timedelta(seconds=span * (rng.random() ** 0.5))
        local = t + LOCAL_OFFSET
        if local.weekday() >= 5:
            local -= timedelta(days=local.weekday() - 4)
        local = local.replace(hour=7, minute=30, second=0) + timedelta(
            seconds=rng.randrange(9 * 3600)
        )
        t = min(local - LOCAL_OFFSET, now - timedelta(seconds=rng.randrange(60, 3600)))
        draws.append((t.timestamp(), r, rng.randrange(len(receivers[r][1]))))
    draws.sort()

    dossier_fields = [f for f in Dossier._meta.concrete_fields]
    event_fields = [f for f in DossierEvent._meta.concrete_fields]
    vendor = connection.vendor

    def dt(value: datetime | None) -> Any:
        if value is None or vendor == "postgresql":
            return value
        return value.replace(tzinfo=None).isoformat(" ")

    def defaults(fields: list[Any]) -> dict[str, Any]:
        out = {}
        for f in fields:
            if f.has_default():
                value = f.get_default()
                out[f.attname] = (
                    json.dumps(value) if f.get_internal_type() == "JSONField" else value
                )
            else:
                out[f.attname] = None
        return out

    dossier_defaults = defaults(dossier_fields)
    event_defaults = defaults(event_fields)
    counters: dict[tuple[int, Any], int] = defaultdict(int)
    # The demo's dossiers took the first codes of their days: continue after them.
    existing = {(c.agency_id, c.day): c for c in DossierCounter.objects.all()}
    counters.update({key: c.last for key, c in existing.items()})
    next_id = (Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    next_event = (
        DossierEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    ) + 1
    new_mix, recent_mix, old_mix = _weighted(NEW_MIX), _weighted(RECENT_MIX), _weighted(OLD_MIX)
    actor_labels = ["Trần Thị Mai", "Lê Văn Hùng", "Phạm Thị Lan", "Đặng Văn Bình", "Bùi Thị Thu"]
    chunk = 50_000
    events_total = 0
    started = time.perf_counter()

    def insert(table: str, fields: list[Any], rows: list[tuple]) -> None:
        columns = [f.column for f in fields]
        raw = connection.connection
        if vendor == "postgresql":
            with raw.cursor() as cursor:
                cols = ", ".join(f'"{c}"' for c in columns)
                with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            cols = ", ".join(f'"{c}"' for c in columns)
            raw.executemany(f'INSERT INTO "{table}" ({cols}) VALUES ({marks})', rows)

    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")

    for offset in range(0, n, chunk):
        dossier_rows: list[tuple] = []
        event_rows: list[tuple] = []
        pause_rows: list[tuple] = []
        for ts, r, p in draws[offset : offset + chunk]:
            agency, procedures = receivers[r]
            procedure = procedures[p]
            submitted = datetime.fromtimestamp(ts, UTC)
            age = (now - submitted).total_seconds() / 86400
            mix = new_mix if age < 3 else recent_mix if age < 60 else old_mix
            state = rng.choices(mix[0], weights=mix[1])[0]
            day = (submitted + LOCAL_OFFSET).date()
            counters[(agency.pk, day)] += 1
            code = f"{agency.code}-{day:%y%m%d}-{counters[(agency.pk, day)]:04d}"
            online = procedure.online_type != "info" and rng.random() < 0.6
            applicant = rng.choice(citizens) if online else None
            dossier_id = next_id
            next_id += 1
            department = procedure.implementing_agency_id or agency.pk
            # The timeline: each step a little later, never after "now".
            t = submitted
            timeline = [("submit", "", "submitted", t, None, None)]
            current = agency.pk
            received = appointment = processed = returned = paused = None
            step_index = 0
            for action, target in PATHS[state]:
                gap = {
                    "receive": rng.uniform(0.2, 20),
                    "hand_over": rng.uniform(1, 8),
                    "request_supplement": rng.uniform(24, 120),
                    "complete": rng.uniform(24, 24 * 12),
                    "return_result": rng.uniform(2, 72),
                }.get(action, rng.uniform(2, 48))
                t = min(t + timedelta(hours=gap), now)
                frm, to = None, None
                if action == "receive":
                    received = t
                    days = float(procedure.processing_time)
                    if procedure.time_unit == "working_hours":
                        days /= 8
                    appointment = t + timedelta(days=days * 1.4 + 0.5)
                elif action == "hand_over":
                    frm, to, current, step_index = current, department, department, 1
                elif action == "request_supplement":
                    paused = t
                elif action == "complete":
                    processed = t
                elif action == "return_result":
                    returned = t
                timeline.append((action, timeline[-1][2], target, t, frm, to))
            values = dict(dossier_defaults)
            values.update(
                id=dossier_id,
                code=code,
                procedure_id=procedure.pk,
                receiving_agency_id=agency.pk,
                current_agency_id=current,
                assignee_id=None,
                channel="online" if online else "counter",
                state=state,
                national_status=NATIONAL[state],
                step_index=step_index,
                version=len(timeline),
                step_due_at=dt(received + timedelta(days=1))
                if received and state not in FINAL
                else None,
                applicant_id=applicant,
                applicant_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                applicant_id_number=f"072{rng.randrange(10**9):09d}",
                applicant_phone=mobile(rng),
                applicant_email=f"cd{dossier_id}@mail.bench.example" if rng.random() < 0.5 else "",
                applicant_address="Tây Ninh",
                submitted_by_id=applicant or desk,
                lookup_secret="".join(rng.choice(SECRET_ALPHABET) for _ in range(6)),
                idempotency_key="",
                submitted_at=dt(submitted),
                received_at=dt(received),
                appointment_at=dt(appointment),
                original_appointment_at=dt(appointment),
                processed_at=dt(processed),
                returned_at=dt(returned),
                ended_at=dt(timeline[-1][3]) if state in FINAL else None,
                paused_since=dt(paused),
                supplement_count=1 if paused else 0,
                apology_count=0,
            )
            dossier_rows.append(tuple(values[f.attname] for f in dossier_fields))
            if paused:
                pause_rows.append((dossier_id, dt(paused), None))
            # Timelines for every dossier of the last 60 days and for a tenth of older ones.
            if age < 60 or rng.random() < 0.10:
                for action, frm_state, to_state, at, frm, to in timeline:
                    ev = dict(event_defaults)
                    ev.update(
                        id=next_event,
                        dossier_id=dossier_id,
                        at=dt(at),
                        action=action,
                        actor_id=applicant if action == "submit" else None,
                        actor_label=rng.choice(actor_labels),
                        from_state=frm_state,
                        to_state=to_state,
                        from_agency_id=frm,
                        to_agency_id=to,
                        step_index=None,
                        step_due_at=None,
                        comment=COMMENTS.get(action, ""),
                        data="{}",
                    )
                    next_event += 1
                    event_rows.append(tuple(ev[f.attname] for f in event_fields))
        with transaction.atomic():
            insert(Dossier._meta.db_table, dossier_fields, dossier_rows)
            insert(DossierEvent._meta.db_table, event_fields, event_rows)
            if pause_rows:
                pause_fields = [
                    DossierPause._meta.get_field(x) for x in ("dossier", "started_at", "ended_at")
                ]
                insert(DossierPause._meta.db_table, pause_fields, pause_rows)
        events_total += len(event_rows)
        done = offset + len(dossier_rows)
        print(
            f"  {done:>9,} dossiers, {events_total:,} events  ({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    with transaction.atomic():
        for key, counter in existing.items():
            if counters[key] != counter.last:
                DossierCounter.objects.filter(pk=counter.pk).update(last=counters[key])
        DossierCounter.objects.bulk_create(
            [
                DossierCounter(agency_id=a, day=d, last=last)
                for (a, d), last in counters.items()
                if (a, d) not in existing
            ],
            batch_size=5000,
        )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in (Dossier._meta.db_table, DossierEvent._meta.db_table):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM \"{table}\"))"
                )
        vacuum_analyze()


def vacuum_analyze(*tables: str) -> None:
    """``VACUUM (ANALYZE)`` of ``tables`` (all of them when none is named) on PostgreSQL,
    which refuses to run it inside a transaction: on Django's connection, in autocommit."""
    from django.db import connection

    connection.ensure_connection()
    old = connection.connection.autocommit
    connection.connection.autocommit = True
    try:
        with connection.connection.cursor() as cursor:
            names = ", ".join(connection.ops.quote_name(t) for t in tables)
            cursor.execute(f"VACUUM (ANALYZE) {names}".strip())
    finally:
        connection.connection.autocommit = old


def settle_database() -> None:
    """On PostgreSQL, VACUUM (ANALYZE) the tables the write runs change, before each run.

    Every transition leaves a dead dossier row and updates an audit chain head; runs (and
    earlier bench sessions) pile these up, and autovacuum then starts on the 1,000,000-row
    dossier table in the middle of some run and not another. Vacuuming first makes each run
    start from the same state; the time it takes is not measured."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    from egov.core.models import AuditChainHead, AuditRecord
    from egov.dossiers.models import Dossier, DossierEvent
    from egov.notifications.models import OutboxMessage
    from egov.stats.models import StatsQueue

    tables = [m._meta.db_table for m in (Dossier, DossierEvent, AuditChainHead, AuditRecord,
                                         OutboxMessage, StatsQueue)]  # fmt: skip
    vacuum_analyze(*tables)


def topup_submitted(k: int, seed: int, world: World) -> list[dict[str, Any]]:
    """``k`` fresh dossiers submitted today at the provincial center, each with its submit event
    (loaded with bulk inserts, like the rest), for the transition runs to process."""
    from django.db import transaction
    from django.db.models import F
    from django.utils import timezone

    from egov.accounts.models import User
    from egov.dossiers.models import Dossier, DossierCounter, DossierEvent

    rng = random.Random(seed)
    citizens = list(
        User.objects.filter(email__endswith="@citizens.bench.example").values_list("pk", flat=True)[
            :500
        ]
    )
    now = timezone.now()
    day = timezone.localtime(now).date()
    with transaction.atomic():
        counter, _ = DossierCounter.objects.get_or_create(agency=world.center, day=day)
        DossierCounter.objects.filter(pk=counter.pk).update(last=F("last") + k)
        first = DossierCounter.objects.get(pk=counter.pk).last - k + 1
        dossiers = []
        for i in range(k):
            procedure = rng.choice(world.center_procedures)
            applicant = rng.choice(citizens)
            dossiers.append(
                Dossier(
                    code=f"{world.center.code}-{day:%y%m%d}-{first + i:04d}",
                    procedure=procedure,
                    receiving_agency=world.center,
                    current_agency=world.center,
                    channel="online",
                    state="submitted",
                    national_status=1,
                    version=1,
                    applicant_id=applicant,
                    submitted_by_id=applicant,
                    applicant_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                    applicant_id_number=f"072{rng.randrange(10**9):09d}",
                    applicant_phone=mobile(rng),
                    applicant_email=f"td{first + i}@mail.bench.example",
                    lookup_secret="".join(rng.choice(SECRET_ALPHABET) for _ in range(6)),
                    submitted_at=now,
                )
            )
        Dossier.objects.bulk_create(dossiers, batch_size=1000)
        DossierEvent.objects.bulk_create(
            [
                DossierEvent(
                    dossier=d,
                    at=now,
                    action="submit",
                    actor_id=d.applicant_id,
                    actor_label="bench",
                    from_state="",
                    to_state="submitted",
                )
                for d in dossiers
            ],
            batch_size=1000,
        )
    return [
        {"id": d.pk, "version": 1, "to_agency": d.procedure.implementing_agency.code}
        for d in dossiers
    ]


def ensure_loaded(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction

    from egov.accounts.models import User
    from egov.accounts.services import api_token_create, staff_user_create
    from egov.demo import demo_load
    from egov.dossiers.models import Dossier
    from egov.organizations.models import StaffRole
    from egov.organizations.selectors import province_find
    from egov.organizations.services import staff_role_assign

    marker = data_dir / "bench-state.json"
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrated in {time.perf_counter() - t0:.1f} s")
    if marker.exists():
        state = json.loads(marker.read_text())
        count = Dossier.objects.count()
        if state.get("dossiers") == args.dossiers and count >= args.dossiers:
            print(f"already loaded: {count:,} dossiers ({marker})")
            return state
        raise SystemExit(
            f"the database holds {count:,} dossiers, loaded for {state.get('dossiers')}; "
            "run with --reload to start again"
        )
    if Dossier.objects.exists():
        raise SystemExit("the database has dossiers but no bench marker: run with --reload")

    t0 = time.perf_counter()
    result = demo_load(province_find(PROVINCE))
    print(
        f"demo province: {result.agencies} agencies, {result.procedures} procedures ({time.perf_counter() - t0:.0f} s)"
    )
    world = World()
    rng = random.Random(args.seed)
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"c{i:05d}@citizens.bench.example",
                    phone=f"+8498{i:07d}",
                    full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                    citizen_id=f"0721{i:08d}",
                    password="!bench",
                )
                for i in range(5000)
            ],
            batch_size=1000,
        )
    staff_tokens = []
    for i in range(32):
        user = staff_user_create(
            actor=None,
            full_name=f"Cán bộ Bench {i:02d}",
            email=f"staff{i:02d}@staff.bench.example",
            password="bench-password-2026",
            check_permission=False,
        )
        staff_role_assign(
            actor=None,
            user=user,
            agency=world.center,
            role=StaffRole.DESK_OFFICER,
            check_permission=False,
        )
        staff_role_assign(
            actor=None, user=user, agency=world.pc, role=StaffRole.LEADER, check_permission=False
        )
        staff_tokens.append(api_token_create(user=user, name="bench", days=366)[1])
    citizen_tokens = [
        api_token_create(user=user, name="bench", days=366)[1]
        for user in User.objects.filter(email__endswith="@citizens.bench.example").order_by("pk")[
            :32
        ]
    ]
    t0 = time.perf_counter()
    load_dossiers(args.dossiers, args.seed, world)
    print(f"loaded {args.dossiers:,} dossiers in {time.perf_counter() - t0:.0f} s")
    state = {
        "dossiers": args.dossiers,
        "seed": args.seed,
        "loaded_at": datetime.now(UTC).isoformat(),
        "database": connection.vendor,
        "staff_tokens": staff_tokens,
        "citizen_tokens": citizen_tokens,
    }
    marker.write_text(json.dumps(state, indent=1))
    return state


# --- The server ----------------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    tick = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[pid] = (int(fields[11]) + int(fields[12])) / tick
    return out


def db_backends() -> list[int]:
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [r[0] for r in cursor.fetchall()]


class Profiler:
    """py-spy on every server worker for the length of one run (only with --profile)."""

    def __init__(self, server: Server, name: str, seconds: int, enabled: bool) -> None:
        self.procs: list[subprocess.Popen] = []
        if not enabled:
            return
        if shutil.which("py-spy") is None:
            raise SystemExit(
                "--profile needs py-spy: uv run --with py-spy python bench/dossier_bench.py …"
            )
        out = server.data_dir / "profiles"
        out.mkdir(exist_ok=True)
        for pid in server.workers():
            self.procs.append(
                subprocess.Popen(
                    [
                        "py-spy",
                        "record",
                        "--pid",
                        str(pid),
                        "--duration",
                        str(seconds),
                        "--rate",
                        "250",
                        "--nonblocking",
                        "--format",
                        "raw",
                        "--output",
                        str(out / f"{name}-{pid}.txt"),
                    ],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )

    def wait(self) -> None:
        for p in self.procs:
            p.wait()


class CpuMeter:
    """CPU time used by the server workers and PostgreSQL backends of this run."""

    def __init__(self, server: Server) -> None:
        self.server = server
        self.before_workers = cpu_seconds(server.workers())
        self.before_db = cpu_seconds(db_backends())

    def stop(self) -> tuple[float, float]:
        after_workers = cpu_seconds(self.server.workers())
        after_db = cpu_seconds(db_backends())
        app = sum(v - self.before_workers.get(p, 0.0) for p, v in after_workers.items())
        db = sum(v - self.before_db.get(p, 0.0) for p, v in after_db.items())
        return app, db


# --- Runs ----------------------------------------------------------------------------------------


PROFILE_NEXT: dict[str, str] = {}  # name of the next run to profile, if any


def _profiler(server: Server, seconds: int) -> Profiler:
    name = PROFILE_NEXT.pop("name", "")
    return Profiler(server, name, seconds, bool(name))


def _drive(
    server: Server, seconds: int, command: list[str], env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float, float, float]:
    """Run the load generator ``command`` against ``server`` (profiled if asked): returns
    it, and the CPU seconds used meanwhile by the server's workers, by its database backends
    and by the generator."""
    profiler = _profiler(server, seconds)
    meter = CpuMeter(server)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    app_cpu, db_cpu = meter.stop()
    profiler.wait()
    client_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return proc, app_cpu, db_cpu, client_cpu


def run_wrk(
    server: Server,
    path: str,
    pairs: Path,
    seconds: int,
    connections: int,
    seed: int,
    method: str = "GET",
) -> dict[str, Any]:
    proc, app_cpu, db_cpu, _client = _drive(
        server,
        seconds,
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(BENCH_DIR / "dossier_lookup.lua"),
            f"http://127.0.0.1:{server.port}",
            "--",
            path,
            str(pairs),
            str(seed),
            method,
        ],
    )
    proc.check_returncode()
    out = proc.stdout
    match = re.search(r"WRKJSON (\{.*\})", out)
    if not match:
        raise SystemExit(f"wrk said:\n{out}")
    r = json.loads(match.group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    n = r["requests"]
    return {
        "throughput": n / (r["duration_us"] / 1e6),
        "requests": n,
        "p50_ms": r["p50_us"] / 1000,
        "p99_ms": r["p99_us"] / 1000,
        "mean_ms": r["mean_us"] / 1000,
        "errors": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"],
        "app_cpu_ms": 1000 * app_cpu / max(n, 1),
        "db_cpu_ms": 1000 * db_cpu / max(n, 1),
    }


def run_client(server: Server, data_dir: Path, plan: dict[str, Any]) -> dict[str, Any]:
    plan = {"host": "127.0.0.1", "port": server.port, **plan}
    path = data_dir / f"plan-{plan['scenario']}.json"
    path.write_text(json.dumps(plan))
    proc, app_cpu, db_cpu, _client = _drive(
        server,
        plan["duration"],
        [sys.executable, str(Path(__file__).resolve()), "_client", str(path)],
    )
    if proc.returncode != 0:
        raise SystemExit(f"the client failed:\n{proc.stderr}")
    result = json.loads(proc.stdout)
    result["app_cpu_s"], result["db_cpu_s"] = app_cpu, db_cpu
    return result


def run_wrk_transitions(server: Server, data_dir: Path, plan: dict[str, Any]) -> dict[str, Any]:
    """The "distinct" transition runs, driven by wrk (bench/dossier_transitions.lua): one
    connection a thread, each moving its own dossiers through the lifecycle. Returns what
    run_client returns, plus ``pending``: the requests in flight when wrk stopped, whose
    answers were never read (the checks look in the database whether they were committed)."""
    dossiers = data_dir / "transitions-dossiers.txt"
    dossiers.write_text(
        "".join(f"{d['id']} {d['version']} {d['to_agency']}\n" for d in plan["dossiers"])
    )
    tokens = data_dir / "transitions-tokens.txt"
    tokens.write_text("\n".join(plan["tokens"]) + "\n")
    out = data_dir / "transitions-wrk.txt"
    out.unlink(missing_ok=True)
    n = plan["concurrency"]
    proc, app_cpu, db_cpu, client_cpu = _drive(
        server,
        plan["duration"],
        ["wrk", f"-t{n}", f"-c{n}", f"-d{plan['duration']}s", "--timeout", "30s",
         "-s", str(BENCH_DIR / "dossier_transitions.lua"), f"http://127.0.0.1:{server.port}",
         "--", str(dossiers), str(n), str(tokens)],
        env={**os.environ, "EGOV_WRK_OUT": str(out)},
    )  # fmt: skip
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"wrk failed:\n{proc.stdout}\n{proc.stderr}")
    result: dict[str, Any] = {"successes": [], "pending": [], "errors": [], "gets": 0}
    status: Counter[str] = Counter()
    duration_us, sockets = 0, 0
    for line in out.read_text().splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "S":
            dossier_id, action, sent, returned = rest.split()
            result["successes"].append((int(dossier_id), action, int(sent), int(returned)))
        elif kind == "P":
            dossier_id, action, sent = rest.split()
            result["pending"].append((int(dossier_id), action, int(sent)))
        elif kind == "C":
            code, count = rest.split()
            status[code] += int(count)
        elif kind == "E":
            result["errors"].append(rest)
        elif kind == "R":
            fields = rest.split()
            duration_us = int(fields[1])
            sockets = sum(int(f) for f in fields[2:6])
            result["p50_ms"], result["p99_ms"] = int(fields[8]) / 1000, int(fields[9]) / 1000
    if not duration_us:
        raise SystemExit(f"wrk's report has no totals line: {out}")
    if sockets:
        result["errors"].append(f"{sockets} socket errors (connect, read, write, timeout)")
    result["status"] = dict(status)
    result["elapsed"] = duration_us / 1e6
    result["client_cpu_s"] = client_cpu
    result["app_cpu_s"], result["db_cpu_s"] = app_cpu, db_cpu
    return result


def lookup_pairs(data_dir: Path, n: int, seed: int) -> Path:
    from egov.dossiers.models import Dossier

    path = data_dir / f"lookup-pairs-{n}.txt"
    if path.exists():
        return path
    rng = random.Random(seed)
    sample = _sample_ids(rng, n)
    lines = []
    for i in range(0, len(sample), 5000):
        rows = Dossier.objects.filter(pk__in=sample[i : i + 5000]).values_list(
            "code", "lookup_secret"
        )
        lines.extend(f"?code={code}&secret={secret}" for code, secret in rows)
    rng.shuffle(lines)
    path.write_text("\n".join(lines) + "\n")
    return path


def write_ids(data_dir: Path, n: int, seed: int) -> Path:
    """``n`` random dossiers as ``?id=..`` lines, for the write baseline."""
    path = data_dir / f"write-ids-{n}.txt"
    if not path.exists():
        sample = _sample_ids(random.Random(seed + 1), n)
        path.write_text("".join(f"?id={pk}\n" for pk in sample))
    return path


def _sample_ids(rng: random.Random, n: int) -> list[int]:
    """``n`` dossier ids drawn at random (all of them when there are fewer)."""
    from egov.dossiers.models import Dossier

    ids = list(Dossier.objects.order_by("pk").values_list("pk", flat=True)[: 10**8])
    return rng.sample(ids, min(n, len(ids)))


def median(values: list[float]) -> float:
    """The median (of an even count, the mean of the middle two)."""
    ordered = sorted(values)
    n = len(ordered)
    if not n:
        return float("nan")
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


def median_row(
    label: str, concurrency: str, runs: list[dict[str, Any]], db: str
) -> tuple[str, ...]:
    """A table row of wrk runs: the medians of throughput, p50, p99 and CPU per request, and
    every run's throughput in order (never the best run alone)."""
    m = {k: median([r[k] for r in runs]) for k in ("throughput", "p50_ms", "p99_ms")}
    app = median([r["app_cpu_ms"] for r in runs])
    dbc = median([r["db_cpu_ms"] for r in runs])
    return (
        label,
        concurrency,
        f"{m['throughput']:.0f}/s",
        f"{m['p50_ms']:.1f}",
        f"{m['p99_ms']:.1f}",
        fmt_runs([r["throughput"] for r in runs]),
        f"{app:.2f}" + (f" + {dbc:.2f}" if db == "postgres" else ""),
    )


def fmt_runs(values: list[float]) -> str:
    return ", ".join(f"{v:.0f}" if v >= 100 else f"{v:.1f}" for v in values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument(
        "--runs", type=int, default=5, help="rounds of each measurement (medians are reported)"
    )
    parser.add_argument("--seconds", type=int, default=15, help="length of each run")
    parser.add_argument(
        "--workers", type=int, default=2, help="server worker processes (egov serve's default)"
    )
    parser.add_argument(
        "--threads", type=int, default=4, help="threads per worker (egov serve's default)"
    )
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk connections for the lookup"
    )
    parser.add_argument("--submitters", type=int, default=16, help="concurrent submitting clients")
    parser.add_argument("--clients", type=int, default=32, help="concurrent transition clients")
    parser.add_argument(
        "--only", default="lookup,submit,distinct,shared", help="measurements to run"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="sample the server workers with py-spy during the first run of each measurement "
        "(uv run --with py-spy …); collapsed stacks go to <data dir>/profiles/",
    )
    parser.add_argument("--load-only", action="store_true", help="load the database and stop")
    parser.add_argument(
        "--reload", action="store_true", help="drop the bench database and load again"
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    if shutil.which("wrk") is None and ({"lookup", "distinct"} & set(only)):
        raise SystemExit("wrk is needed for the lookup and transition runs: apt-get install -y wrk")

    data_dir = configure(args.db)
    if args.reload:
        for p in data_dir.glob("*"):
            if p.is_file():
                p.unlink()
    if args.db == "postgres":
        pg_database(args.reload)

    import django

    django.setup()
    from django.db import connection

    from egov.core.models import AuditRecord
    from egov.dossiers.models import Dossier, DossierEvent
    from egov.procedures.models import ProcedureComponent

    print(f"machine: {machine()}; load average {loadavg()}")
    state = ensure_loaded(args, data_dir)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("select sqlite_version()")
            db_version = f"SQLite {cursor.fetchone()[0]} (WAL)"
    else:
        db_version = f"PostgreSQL {connection.cursor().connection.info.server_version // 10000}"
    print(
        f"database: {db_version}, {Dossier.objects.count():,} dossiers, {DossierEvent.objects.count():,} events"
    )
    if args.load_only:
        return
    world = World()
    audit_start = AuditRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
    rows: list[tuple[str, ...]] = []
    problems: list[str] = []
    notes: list[str] = []

    pairs = lookup_pairs(data_dir, 100_000, args.seed)
    ids = write_ids(data_dir, 100_000, args.seed)
    connection.close()
    served_code = code_version()
    server = Server(data_dir, args.workers, args.threads, settle=1)
    print(f"code served: {served_code}")
    print(
        f"server: egov serve (Granian), {args.workers} workers x {args.threads} threads, port {server.port}"
    )
    try:
        # --- Lookup and its baseline, alternating in rotated order in one server run ------
        if "lookup" in only:
            paths = {"baseline": "/bench/lookup-baseline", "lookup": "/api/v1/lookup"}
            for path in paths.values():  # warm-up
                run_wrk(server, path, pairs, WARMUP_SECONDS, args.connections, 1)
            results: dict[str, list[dict[str, Any]]] = {"baseline": [], "lookup": []}
            ratios: list[float] = []
            for i in range(args.runs):
                # Round i: baseline then lookup when i is even, lookup then baseline when odd,
                # so that neither always runs first (after a vacuum, a slow minute…).
                order = ("baseline", "lookup") if i % 2 == 0 else ("lookup", "baseline")
                for name in order:
                    if i == 0 and args.profile:
                        PROFILE_NEXT["name"] = name
                    print(f"  round {i + 1}: {name} (load average {loadavg()})…", flush=True)
                    r = run_wrk(
                        server, paths[name], pairs, args.seconds, args.connections, args.seed + i
                    )
                    print(
                        f"    {r['throughput']:.0f}/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, non-2xx {r['errors']}, app CPU {r['app_cpu_ms']:.2f} ms/req, db CPU {r['db_cpu_ms']:.2f} ms/req"
                    )
                    results[name].append(r)
                    if r["errors"] or r["socket_errors"]:
                        problems.append(
                            f"{name}: {r['errors']} non-2xx, {r['socket_errors']} socket errors"
                        )
                ratios.append(
                    results["lookup"][-1]["throughput"] / results["baseline"][-1]["throughput"]
                )
                print(f"    round {i + 1}: lookup / baseline = {ratios[-1]:.3f}", flush=True)
            for name in ("baseline", "lookup"):
                rows.append(
                    median_row(
                        "GET /bench/lookup-baseline (raw prepared SQL)"
                        if name == "baseline"
                        else "GET /api/v1/lookup",
                        f"{args.connections} conn (wrk)",
                        results[name],
                        args.db,
                    )
                )
            ratio = median(ratios)
            p99 = median([r["p99_ms"] for r in results["lookup"]])
            notes.append(
                "lookup / baseline by round (the baseline first in rounds 1, 3, 5…): "
                f"{', '.join(f'{x:.3f}' for x in ratios)}; median {ratio:.3f} "
                f"(target >= 0.7: {'met' if ratio >= 0.7 else 'MISSED'}); lookup p99, median "
                f"{p99:.1f} ms (target < 25 ms: {'met' if p99 < 25 else 'MISSED'})"
            )

        # --- Submissions --------------------------------------------------------------------
        if "submit" in only:
            procedures = []
            for p in world.commune_procedures + world.center_procedures:
                if p.online_type == "info" or not p.channel_online:
                    continue
                components = list(
                    ProcedureComponent.objects.filter(procedure=p, mandatory=True).values_list(
                        "pk", flat=True
                    )
                )
                agencies = [c.code for c in world.communes] if p.receiving_agency_id is None else []
                procedures.append({"code": p.code, "components": components, "agencies": agencies})
            runs = []
            for i in range(-1, args.runs):  # -1: a warm-up, checked but not reported
                prefix = f"bench-{uuid.uuid4().hex[:10]}"
                if i == 0 and args.profile:
                    PROFILE_NEXT["name"] = "submit"
                print(
                    f"  submit {'warm-up' if i < 0 else f'run {i + 1}'} (load average {loadavg()})…",
                    flush=True,
                )
                r = run_client(
                    server,
                    data_dir,
                    {
                        "scenario": "submit",
                        "concurrency": args.submitters,
                        "duration": args.seconds if i >= 0 else WARMUP_SECONDS,
                        "tokens": state["citizen_tokens"],
                        "procedures": procedures,
                        "seed": args.seed + i,
                        "key_prefix": prefix,
                    },
                )
                created = r["created"]
                r["throughput"] = len(created) / r["elapsed"]
                print(
                    f"    {r['throughput']:.1f}/s ({len(created)} dossiers), statuses {r['status']}, p99 {percentile(r['latencies_ms'], 0.99):.0f} ms, app CPU {1000 * r['app_cpu_s'] / max(len(created), 1):.1f} ms/req"
                )
                runs.append(r)
                stored = Dossier.objects.filter(idempotency_key__startswith=prefix)
                if stored.count() != len(created) or set(
                    stored.values_list("pk", flat=True)
                ) != set(created):
                    problems.append(
                        f"submit run {i + 1}: {len(created)} created answers, {stored.count()} dossiers stored"
                    )
                if DossierEvent.objects.filter(dossier__in=stored).count() != len(created):
                    problems.append(f"submit run {i + 1}: not one submit event per dossier")
                if r["errors"]:
                    problems.append(f"submit run {i + 1}: {r['errors'][:3]}")
                if i < 0:
                    runs.pop()
            for r in runs:
                n = max(len(r["created"]), 1)
                r["p50_ms"] = percentile(r["latencies_ms"], 0.5)
                r["p99_ms"] = percentile(r["latencies_ms"], 0.99)
                r["app_cpu_ms"], r["db_cpu_ms"] = (
                    1000 * r["app_cpu_s"] / n,
                    1000 * r["db_cpu_s"] / n,
                )
            rows.append(
                median_row(
                    "POST /api/v1/dossiers (multipart, 1-6 PDFs)",
                    f"{args.submitters} clients",
                    runs,
                    args.db,
                )
            )

        # --- Transitions ----------------------------------------------------------------------
        touched: dict[int, tuple[int, int]] = {}  # dossier id -> (version, events) before
        successes: list[tuple[int, str, int, int]] = []
        pending: list[tuple[int, str, int]] = []  # in flight when wrk stopped: answer unread
        write_runs: list[dict[str, Any]] = []
        for scenario in ("distinct", "shared"):
            if scenario not in only:
                continue
            runs = []
            for i in range(-1, args.runs):  # -1: a warm-up, checked but not reported
                seconds = args.seconds if i >= 0 else WARMUP_SECONDS
                # Enough fresh dossiers for 700 transitions/s; 7 transitions each.
                need = max(200, seconds * 120) if scenario == "distinct" else max(100, seconds * 50)
                fresh = topup_submitted(
                    need, args.seed * 100 + i + (50 if scenario == "shared" else 0), world
                )
                for d in fresh:
                    touched[d["id"]] = (1, 1)
                plan = {
                    "scenario": scenario,
                    "concurrency": args.clients,
                    "duration": seconds,
                    "tokens": state["staff_tokens"],
                    "seed": args.seed + i,
                    "to_agency": {str(d["id"]): d["to_agency"] for d in fresh},
                }
                if scenario == "distinct":
                    plan["dossiers"] = fresh
                else:
                    plan["shared"] = [d["id"] for d in fresh]
                name = "warm-up" if i < 0 else f"round {i + 1}"
                # The write floor and the transitions alternate in rotated order: the write
                # baseline first in the warm-up and rounds 1, 3, 5…, the transitions first in
                # rounds 2, 4…; each run after a vacuum of the written tables.
                order = ["transitions"]
                if scenario == "distinct":
                    order = (
                        ["write", "transitions"]
                        if i < 0 or i % 2 == 0
                        else ["transitions", "write"]
                    )
                for kind in order:
                    settle_database()
                    connection.close()
                    if kind == "write":
                        print(f"  {name}: write baseline (load average {loadavg()})…", flush=True)
                        w = run_wrk(server, "/bench/transition-baseline", ids, seconds,
                                    args.clients, args.seed + i, "POST")  # fmt: skip
                        print(
                            f"    {w['throughput']:.0f}/s, p50 {w['p50_ms']:.1f} ms, p99 {w['p99_ms']:.1f} ms, non-2xx {w['errors']}, app CPU {w['app_cpu_ms']:.2f} ms/req, db CPU {w['db_cpu_ms']:.2f} ms/req"
                        )
                        if w["errors"] or w["socket_errors"]:
                            problems.append(
                                f"write baseline: {w['errors']} non-2xx, {w['socket_errors']} socket errors"
                            )
                        if i >= 0:
                            write_runs.append(w)
                        continue
                    if i == 0 and args.profile:
                        PROFILE_NEXT["name"] = f"transitions-{scenario}"
                    print(
                        f"  {name}: transitions ({scenario}) (load average {loadavg()})…",
                        flush=True,
                    )
                    if scenario == "distinct":
                        r = run_wrk_transitions(server, data_dir, plan)
                        pending.extend(r["pending"])
                    else:
                        r = run_client(server, data_dir, plan)
                        lat = r["action_latencies_ms"]
                        r["p50_ms"], r["p99_ms"] = percentile(lat, 0.5), percentile(lat, 0.99)
                    ok = r["status"].get("200", 0)
                    r["throughput"] = ok / r["elapsed"]
                    r["app_cpu_ms"] = 1000 * r["app_cpu_s"] / max(ok, 1)
                    r["db_cpu_ms"] = 1000 * r["db_cpu_s"] / max(ok, 1)
                    successes.extend(tuple(s) for s in r["successes"])
                    print(
                        f"    {r['throughput']:.0f} transitions/s, statuses {r['status']}, GETs {r['gets']}, p50 {r['p50_ms']:.0f} ms, p99 {r['p99_ms']:.0f} ms, app CPU {r['app_cpu_ms']:.1f} + db CPU {r['db_cpu_ms']:.1f} ms/transition, client CPU {r['client_cpu_s']:.1f} s"
                    )
                    if r["errors"]:
                        problems.append(
                            f"transitions {scenario} {name}: {len(r['errors'])}+ unexpected "
                            f"answers, e.g. {r['errors'][0][:160]}"
                        )
                    if i >= 0:
                        runs.append(r)
            if scenario == "distinct" and write_runs:
                rows.append(
                    median_row(
                        "POST /bench/transition-baseline (raw prepared SQL)",
                        f"{args.clients} conn (wrk)",
                        write_runs,
                        args.db,
                    )
                )
                ratios = [
                    r["throughput"] / w["throughput"] for r, w in zip(runs, write_runs, strict=True)
                ]
                notes.append(
                    "transitions / write baseline by round: "
                    f"{', '.join(f'{x:.3f}' for x in ratios)}; median {median(ratios):.3f}"
                )
            label = {
                "distinct": "POST /api/v1/dossiers/{id}/actions/{action}, own dossiers",
                "shared": "… all clients on the same dossier (read, then act)",
            }[scenario]
            rows.append(median_row(label, f"{args.clients} clients", runs, args.db))
            if scenario == "distinct":
                tps = median([r["throughput"] for r in runs])
                notes.append(
                    f"transitions on own dossiers, median of {len(runs)} runs: {tps:.0f}/s "
                    f"(target >= 300/s on PostgreSQL: {'met' if tps >= 300 else 'MISSED'})"
                )
            statuses: Counter[str] = Counter()
            for r in runs:
                statuses.update(r["status"])
            notes.append(f"transitions ({scenario}), all runs: answers by status {dict(statuses)}")
    finally:
        server.stop()

    # --- Checks: no lost or duplicated transition --------------------------------------------
    if pending:
        # A request wrk sent as the run ended was answered, but nobody read the answer: it
        # counts as a success if the dossier moved past the version it sent, which then
        # must be by exactly one version and one event (checked below with the others).
        moved = dict(
            Dossier.objects.filter(pk__in=[p[0] for p in pending]).values_list("pk", "version")
        )
        committed = [(d, a, v, v + 1) for d, a, v in pending if moved[d] > v]
        successes.extend(committed)
        notes.append(
            f"in flight when wrk stopped: {len(pending)} requests, of which {len(committed)} committed"
        )
    if successes:
        by_dossier: dict[int, list[tuple[str, int, int]]] = defaultdict(list)
        for dossier_id, action, sent, returned in successes:
            by_dossier[dossier_id].append((action, sent, returned))
        versions = dict(Dossier.objects.filter(pk__in=list(touched)).values_list("pk", "version"))
        events: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
        ids = list(touched)
        for i in range(0, len(ids), 5000):
            for dossier_id, action, frm, to in (
                DossierEvent.objects.filter(dossier_id__in=ids[i : i + 5000])
                .order_by("pk")
                .values_list("dossier_id", "action", "from_state", "to_state")
            ):
                events[dossier_id].append((action, frm, to))
        bad = 0
        for dossier_id, (v0, e0) in touched.items():
            evs = events[dossier_id]
            ok_list = by_dossier.get(dossier_id, [])
            chain_ok = all(evs[j][1] == evs[j - 1][2] for j in range(1, len(evs)))
            returned = sorted(r for _a, _s, r in ok_list)
            if (
                versions[dossier_id] != len(evs)  # version == 1 + events after submit
                or len(evs) - e0 != len(ok_list)  # every success is one event, no more
                or versions[dossier_id] - v0 != len(ok_list)
                or returned != list(range(v0 + 1, versions[dossier_id] + 1))  # no version twice
                or [a for a, _s, _r in sorted(ok_list, key=lambda x: x[2])]
                != [a for a, _f, _t in evs[e0:]]
                or not chain_ok
            ):
                bad += 1
                if bad <= 5:
                    problems.append(
                        f"dossier {dossier_id}: version {versions[dossier_id]}, events {evs}, successes {ok_list}"
                    )
        audited = (
            AuditRecord.objects.filter(id__gt=audit_start, object_type="dossiers.dossier")
            .exclude(action="dossiers.dossier.submit")
            .count()
        )
        new_events = sum(len(events[d]) - touched[d][1] for d in touched)
        notes.append(
            f"checked {len(touched):,} dossiers: {len(successes):,} successful transitions counted by the clients, "
            f"{new_events:,} events written, {audited:,} audit records; {bad} dossiers inconsistent"
        )
        if not (len(successes) == new_events == audited) or bad:
            problems.append(
                f"lost or duplicated transitions: {len(successes)} successes, {new_events} events, {audited} audit records"
            )
    verify = subprocess.run(
        [sys.executable, "-m", "egov.cli", "audit", "verify"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    notes.append(
        f"egov audit verify: {(verify.stdout.strip() or verify.stderr.strip()).splitlines()[0]}"
    )
    if verify.returncode != 0:
        problems.append("audit chain broken")

    print()
    print(
        f"code served: {served_code}"
        + ("" if code_version() == served_code else f" (at the end: {code_version()})")
    )
    print(
        f"machine: {machine()}; load average at the end {loadavg()} (other work on the machine is not controlled)"
    )
    print(
        f"database: {db_version}, {args.dossiers:,} dossiers loaded, {Dossier.objects.count():,} now "
        f"(runs add some); server: egov serve (Granian) {args.workers}x{args.threads}"
    )
    print()
    header = (
        "measurement",
        "concurrency",
        f"median of {args.runs}",
        "p50 ms",
        "p99 ms",
        "all runs /s",
        "CPU ms/req app" + (" + db" if args.db == "postgres" else ""),
    )
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    for note in notes:
        print(f"- {note}")
    if problems:
        print("\nPROBLEMS:")
        for p in problems:
            print(f"  {p}")
        sys.exit(1)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_client":
        client_main(sys.argv[2])
    else:
        main()
