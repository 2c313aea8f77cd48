"""Open311 request lists at 1,000,000 reports: GET /open311/v2/requests.{json,xml} returning
1,000 requests, p95 under 100 ms (issue 6).

    uv run python bench/open311_bench.py --db postgres --reports 1000000
    uv run python bench/open311_bench.py --db sqlite   --reports 1000000

What it does (bench/README.md has the details):

1. Loads a database of its own, once (PostgreSQL: ``egov_open311_bench`` created as role
   egov; SQLite: a file under the bench directory): the Tây Ninh demo province through egov's
   services, 12 feedback categories through ``category_save``, then N reports with raw bulk
   inserts (PostgreSQL COPY, SQLite executemany) spread over three years, 2 % hidden, in
   every status. Later runs find it and skip the load.
2. Measures in the process, on the loaded database, the parts of one call: the selector,
   the rows' conversion, and the JSON and XML writers (the hand-rolled one against
   ElementTree), each the median of repeated runs.
3. Serves it with ``egov serve`` (Granian, the default 2 workers) and sends each measured
   query ``--samples`` times from one client over a keep-alive connection, one request at a
   time, after a warm-up: the default query (the last 90 days, newest 1,000) and a category
   with a 60-day window, in both formats. Every answer is checked to hold 1,000 requests.

The measured requests go through egov's real URL map, views and selectors; only the load uses
raw SQL. The machine is shared, so the script prints the load average with each figure.
"""

# A bench tool: it runs egov serve, builds SQL from model metadata and keeps its data in /tmp.
# ruff: noqa: S608, S108, S314

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchserver import Server

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PG_ADMIN_URL = "postgresql://egov:egov@127.0.0.1:5432/postgres"
PG_DB = "egov_open311_bench"
PROVINCE = "Tây Ninh"
YEARS = 3
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)  # the newest report; queries are relative to it

CATEGORIES = [
    ("road-damage", "Hư hỏng mặt đường", "Road damage", "Sở Xây dựng"),
    ("street-light", "Đèn đường hỏng", "Broken street light", "Sở Xây dựng"),
    (
        "garbage",
        "Rác thải không được thu gom",
        "Uncollected garbage",
        "Sở Nông nghiệp và Môi trường",
    ),
    ("flooding", "Ngập úng", "Flooding", "Sở Nông nghiệp và Môi trường"),
    ("noise", "Tiếng ồn", "Noise", "Sở Nông nghiệp và Môi trường"),
    ("encroachment", "Lấn chiếm vỉa hè", "Pavement encroachment", "Sở Xây dựng"),
    ("water-supply", "Mất nước sinh hoạt", "No tap water", "Sở Xây dựng"),
    ("food-safety", "An toàn thực phẩm", "Food safety", "Sở Y tế"),
    ("school", "Trường học", "Schools", "Sở Giáo dục và Đào tạo"),
    ("public-service", "Thái độ phục vụ", "Public service attitude", "Sở Nội vụ"),
    ("trees", "Cây xanh nguy hiểm", "Dangerous trees", "Sở Xây dựng"),
    ("other", "Khác", "Other", "Văn phòng Ủy ban nhân dân tỉnh"),
]
STATUSES = [
    ("received", 10),
    ("in_progress", 15),
    ("resolved", 45),
    ("closed", 20),
    ("rejected", 6),
    ("duplicate", 4),
]
WORDS = [
    "đường",
    "bị",
    "hư",
    "hỏng",
    "nặng",
    "nhiều",
    "ổ",
    "gà",
    "xe",
    "máy",
    "đi",
    "lại",
    "rất",
    "nguy",
    "hiểm",
    "nhất",
    "là",
    "vào",
    "ban",
    "đêm",
    "khi",
    "trời",
    "mưa",
    "nước",
    "ngập",
    "không",
    "thấy",
    "mặt",
    "đường",
    "đề",
    "nghị",
    "cơ",
    "quan",
    "chức",
    "năng",
    "sớm",
    "kiểm",
    "tra",
    "và",
    "sửa",
    "chữa",
    "để",
    "người",
    "dân",
    "đi",
    "lại",
    "an",
    "toàn",
    "đèn",
    "đường",
    "tắt",
    "đã",
    "hơn",
    "một",
    "tuần",
    "rác",
    "thải",
    "tập",
    "kết",
    "ngay",
    "đầu",
    "hẻm",
    "bốc",
    "mùi",
    "hôi",
    "thối",
    "ảnh",
    "hưởng",
    "sức",
    "khỏe",
    "của",
    "bà",
    "con",
    "trong",
    "khu",
    "phố",
]
STREETS = [
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Trãi",
    "Cách Mạng Tháng Tám",
    "Quốc lộ 22",
    "Hùng Vương",
]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def machine() -> str:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} CPUs ({cpu}), {mem:.0f} GiB RAM, Python {sys.version.split()[0]}"


def configure(db: str) -> Path:
    data_dir = Path(os.environ.get("EGOV_BENCH_DIR", "/tmp/egov-open311-bench")) / db
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["EGOV_DATA_DIR"] = str(data_dir)
    if db == "postgres":
        os.environ["DATABASE_URL"] = os.environ.get(
            "EGOV_BENCH_PG_URL", f"postgres://egov:egov@127.0.0.1:5432/{PG_DB}"
        )
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{data_dir / 'egov.sqlite3'}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "egov.settings"
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


# --- Load ------------------------------------------------------------------------------------


def ensure_loaded(n: int, seed: int, data_dir: Path) -> None:
    from django.core.management import call_command

    from egov.feedback.models import Report

    marker = data_dir / "bench-state.json"
    t0 = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    print(f"migrated in {time.perf_counter() - t0:.1f} s")
    count = Report.objects.count()
    if marker.exists():
        state = json.loads(marker.read_text())
        if state.get("reports") == n and count >= n:
            print(f"already loaded: {count:,} reports ({marker})")
            return
        raise SystemExit(f"the database holds {count:,} reports: run with --reload")
    if count > 100:  # the demo's own few reports are fine
        raise SystemExit("the database has reports but no bench marker: run with --reload")
    categories = load_world()
    load_reports(n, seed, categories)
    marker.write_text(json.dumps({"reports": n, "seed": seed}))


def load_world() -> list[tuple[int, int, int]]:
    """The demo province and the categories; returns (category id, agency id, days)."""
    from egov.accounts.models import User
    from egov.demo import demo_load
    from egov.feedback.models import Category
    from egov.feedback.services import category_save
    from egov.organizations.models import Agency
    from egov.organizations.selectors import province_find

    t0 = time.perf_counter()
    result = demo_load(province_find(PROVINCE))
    print(f"demo province: {result.agencies} agencies ({time.perf_counter() - t0:.0f} s)")
    admin = User.objects.get(email="admin@egov.example")
    made = []
    for i, (code, name, name_en, agency_name) in enumerate(CATEGORIES):
        existing = Category.objects.filter(service_code=code).first()  # the demo's own
        if existing is not None:
            made.append((existing.pk, existing.agency_id, existing.response_days))
            continue
        agency = Agency.objects.filter(name__startswith=agency_name).order_by("pk").first()
        assert agency is not None, agency_name
        category = category_save(
            actor=admin,
            service_code=code,
            name=name,
            name_en=name_en,
            agency_id=agency.pk,
            response_days=5 + i % 3 * 5,
            order=i,
        )
        made.append((category.pk, agency.pk, category.response_days))
    return made


def load_reports(n: int, seed: int, categories: list[tuple[int, int, int]]) -> None:
    from django.db import connection, transaction

    from egov.feedback.models import Report

    rng = random.Random(seed)
    vendor = connection.vendor
    fields = [f for f in Report._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    statuses, weights = zip(*STATUSES, strict=True)
    span = YEARS * 365 * 86400
    alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
    seen: set[str] = set()
    chunk = 50_000
    t0 = time.perf_counter()

    def defaults() -> dict[str, Any]:
        values: dict[str, Any] = {}
        for f in fields:
            if f.has_default():
                values[f.attname] = f.get_default()
            elif f.null:
                values[f.attname] = None
            else:
                values[f.attname] = ""
        return values

    base = defaults()

    def insert(rows: list[tuple[Any, ...]]) -> None:
        connection.ensure_connection()
        raw = connection.connection
        cols = ", ".join(f'"{c}"' for c in columns)
        if vendor == "postgresql":
            with (
                raw.cursor() as cursor,
                cursor.copy(f'COPY "{Report._meta.db_table}" ({cols}) FROM STDIN') as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            with transaction.atomic():
                raw.executemany(
                    f'INSERT INTO "{Report._meta.db_table}" ({cols}) VALUES ({marks})', rows
                )

    connection.ensure_connection()
    if vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -1000000")
    # Oldest first, so that ids grow with time as they would.
    times = sorted(rng.random() for _ in range(n))
    for offset in range(0, n, chunk):
        rows = []
        for fraction in times[offset : offset + chunk]:
            requested = NOW - timedelta(seconds=span * (1 - fraction))
            category_id, agency_id, days = rng.choice(categories)
            status = rng.choices(statuses, weights)[0]
            updated = requested + timedelta(hours=rng.randint(0, 24 * 20))
            while True:
                public_id = f"{requested:%y%m%d}-" + "".join(rng.choices(alphabet, k=6))
                if public_id not in seen:
                    seen.add(public_id)
                    break
            words = rng.randint(12, 45)
            values = dict(base)
            values.update(
                public_id=public_id,
                category_id=category_id,
                agency_id=agency_id,
                channel=rng.choice(["web", "app", "hotline", "zalo", "open311"]),
                status=status,
                status_notes=(
                    "Đơn vị đã kiểm tra và xử lý xong phản ánh của công dân."
                    if status in ("resolved", "closed")
                    else ""
                ),
                description=" ".join(rng.choices(WORDS, k=words)).capitalize() + ".",
                address=f"{rng.randint(1, 400)} {rng.choice(STREETS)}, Tây Ninh",
                lat=round(10.9 + rng.random() * 0.9, 6),
                long=round(105.9 + rng.random() * 0.8, 6),
                attributes="{}",
                reporter_secret="".join(rng.choices(alphabet, k=8)),
                requested_at=requested,
                updated_at=updated,
                expected_at=requested + timedelta(days=days * 7 // 5),
                responded_at=updated if status != "received" else None,
                is_hidden=rng.random() < 0.02,
                version=1,
                reopen_count=0,
            )
            row = tuple(values[f.attname] for f in fields)
            if vendor == "sqlite":
                # Django keeps aware datetimes in SQLite as naive UTC text.
                row = tuple(
                    v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
                    if isinstance(v, datetime)
                    else v
                    for v in row
                )
            rows.append(row)
        insert(rows)
        done = offset + len(rows)
        rate = done / (time.perf_counter() - t0)
        print(f"  {done:,} reports ({rate:,.0f}/s)", end="\r", flush=True)
    print()
    with connection.cursor() as cursor:
        # As a long-lived database would be: hint bits set, visibility map, statistics.
        cursor.execute("VACUUM ANALYZE" if vendor == "postgresql" else "ANALYZE")
    print(f"loaded {n:,} reports in {time.perf_counter() - t0:.0f} s")


# --- In-process parts ------------------------------------------------------------------------


def parts(queries: dict[str, dict[str, str]], repeat: int) -> list[tuple[str, float]]:
    """Median times of the parts of one call (default query), measured in this process."""
    import xml.etree.ElementTree as ET

    from django.test import RequestFactory
    from django.utils import translation

    from egov.feedback.selectors import public_report_values, public_reports_list
    from egov.open311 import render, source
    from egov.open311.params import Params, request_query

    def median(fn: Any) -> tuple[float, Any]:
        times, result = [], None
        for _ in range(repeat):
            t = time.perf_counter()
            result = fn()
            times.append(time.perf_counter() - t)
        return statistics.median(times) * 1000, result

    def etree_xml(rows: list[dict[str, Any]]) -> bytes:
        root = ET.Element("service_requests")
        for row in rows:
            request = ET.SubElement(root, "request")
            for key, value in row.items():
                ET.SubElement(request, key).text = None if value is None else str(value)
        return ET.tostring(root, encoding="utf-8", xml_declaration=True)

    results = []
    with translation.override("vi"):
        query = request_query(
            Params(RequestFactory().get("/", queries["default"])), now=NOW + timedelta(hours=1)
        )
        ms, _ = median(
            lambda: public_reports_list(
                start=query.start, end=query.end, offset=0, limit=query.page_size
            )
        )
        results.append(("selector public_reports_list (dataclasses, for comparison)", ms))
        ms, raw = median(
            lambda: public_report_values(
                start=query.start, end=query.end, offset=0, limit=query.page_size
            )
        )
        results.append(("selector public_report_values (1,000 tuples)", ms))
        ms, rows = median(lambda: source._rows(raw, "http://bench"))
        results.append(("tuples to Open311 fields (source._rows)", ms))
        ms, _ = median(lambda: source.request_rows(query, base_url="http://bench"))
        results.append(("selector + rows (source.request_rows)", ms))
        ms, _ = median(lambda: render.to_json(rows))
        results.append(("JSON, orjson", ms))
        ms, _ = median(lambda: json.dumps(rows, ensure_ascii=False).encode())
        results.append(("JSON, json.dumps (for comparison)", ms))
        ms, _ = median(lambda: render.request_list_xml(rows))
        results.append(("XML, hand-rolled writer (render.request_list_xml)", ms))
        ms, _ = median(lambda: etree_xml(rows))
        results.append(("XML, ElementTree (for comparison)", ms))
    return results


# --- Over HTTP -------------------------------------------------------------------------------


def count_items(body: bytes, fmt: str) -> int:
    if fmt == "json":
        return len(json.loads(body))
    import xml.etree.ElementTree as ET

    return len(ET.fromstring(body).findall("request"))


def measure(port: int, path: str, samples: int, warmup: int, full: bool) -> dict[str, Any]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    latencies = []
    size = found = 0
    for i in range(warmup + samples):
        t = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - t) * 1000
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}: {body[:300]!r}")
        if i == 0:
            fmt = "json" if ".json" in path else "xml"
            found = count_items(body, fmt)
            if found != 1000 and full:
                raise SystemExit(f"{path}: {found} requests instead of 1,000")
            size = len(body)
        if i >= warmup:
            latencies.append(elapsed)
    conn.close()
    return {
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies),
        "bytes": size,
        "requests": found,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--samples", type=int, default=200, help="requests per measured query")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument(
        "--workers", type=int, default=2, help="server worker processes (egov serve's)"
    )
    parser.add_argument("--repeat", type=int, default=30, help="runs of each in-process part")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--reload", action="store_true", help="drop the data and load again")
    args = parser.parse_args()

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

    print(f"machine: {machine()}; load average {loadavg()}")
    ensure_loaded(args.reports, args.seed, data_dir)
    from egov.feedback.models import Report

    total = Report.objects.count()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("select sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]} (WAL)"
    else:
        version = f"PostgreSQL {connection.cursor().connection.info.server_version // 10000}"
    print(f"database: {version}, {total:,} reports")
    if args.load_only:
        return

    # The queries, relative to the newest report (the bench data ends at NOW).
    window_end = NOW + timedelta(hours=1)
    queries = {
        "default": {
            "start_date": (window_end - timedelta(days=90)).isoformat(),
            "end_date": window_end.isoformat(),
        },
        "category + 60 days": {
            "service_code": "road-damage",
            "start_date": (window_end - timedelta(days=60)).isoformat(),
            "end_date": window_end.isoformat(),
        },
    }
    print(f"\nparts of one call, in this process (median of {args.repeat} runs):")
    for name, ms in parts(queries, args.repeat):
        print(f"  {name:<55} {ms:7.2f} ms")
    connection.close()

    server = Server(data_dir, args.workers)
    print(f"\nserver: egov serve, {args.workers} workers, port {server.port}")
    results = []
    try:
        for label, query in queries.items():
            for fmt in ("json", "xml"):
                path = f"/open311/v2/requests.{fmt}?{urlencode(query)}"
                r = measure(server.port, path, args.samples, args.warmup, args.reports >= 1_000_000)
                r.update(query=label, fmt=fmt, load=loadavg())
                results.append(r)
                print(
                    f"  requests.{fmt:<4} {label:<20} p50 {r['p50']:6.1f} ms  p95 {r['p95']:6.1f} ms"
                    f"  p99 {r['p99']:6.1f} ms  max {r['max']:6.1f} ms  {r['requests']} requests,"
                    f" {r['bytes'] / 1024:,.0f} KiB"
                    f"  (load {r['load']})",
                    flush=True,
                )
    finally:
        server.stop()
    out = data_dir / "results.json"
    out.write_text(json.dumps({"db": version, "reports": total, "results": results}, indent=1))
    worst = max(r["p95"] for r in results)
    print(f"\nworst p95 {worst:.1f} ms: target (< 100 ms) {'met' if worst < 100 else 'MISSED'}")
    print(f"results: {out}")


if __name__ == "__main__":
    main()
