"""Service statistics at 10,000,000 dossiers on PostgreSQL: dashboard latency and rebuild time.

Target (issue 5): the leaders' dashboard page answers with p95 under 100 ms with 10,000,000
dossiers on PostgreSQL; report the full rebuild time.

    uv run python bench/stats_bench.py --dossiers 10000000            # load once, then measure
    uv run python bench/stats_bench.py --dossiers 10000000 --drop     # ... and drop the database

What it does (bench/README.md, "Statistics"):

1. In a database of its own (``egov_stats_bench``): migrate, the Tây Ninh demo province
   through egov's services (agencies, communes, the demo catalog), a provincial administrator
   and a department leader; then ``egov stats_generate``'s generator writes N dossiers over
   5 years with COPY. A marker file lets later runs skip the load.
2. Times the full rebuild with ``--fix`` (facts and rollups from nothing, as after the load)
   and a checking rebuild (recompute and compare, the nightly check).
3. Serves with ``egov serve`` (Granian) and requests, over HTTP with a signed-in session,
   the dashboard (province-wide for 12 months and for 5 years, one department's), the public
   page and a drill-down page: ``--requests`` each after a warm-up, one client at a time, then
   ``--clients`` at once; prints p50, p95 and max.
"""

# A bench tool: runs its own server and builds the database it measures.
# ruff: noqa: S108

from __future__ import annotations

import argparse
import http.client
import json
import os
import threading
import time
from pathlib import Path

from benchserver import Server

ROOT = Path(__file__).resolve().parent.parent
PG_DB = "egov_stats_bench"
PG_ADMIN_URL = "postgresql://egov:egov@127.0.0.1:5432/postgres"
PROVINCE = "Tây Ninh"


def configure() -> Path:
    data_dir = Path(os.environ.get("EGOV_BENCH_DIR", "/tmp/egov-stats-bench"))
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["EGOV_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = f"postgres://egov:egov@127.0.0.1:5432/{PG_DB}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "egov.settings"
    return data_dir


def pg_database(reload: bool) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [PG_DB]).fetchone()
        if exists and reload:
            conn.execute(f'DROP DATABASE "{PG_DB}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')


def pg_drop() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)')


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return ordered[k]


def ensure_loaded(args: argparse.Namespace, data_dir: Path) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from tqdm import tqdm

    from egov.accounts.services import staff_user_create
    from egov.demo import demo_load
    from egov.dossiers.models import Dossier
    from egov.organizations.models import Agency, StaffRole
    from egov.organizations.selectors import province_find
    from egov.organizations.services import staff_role_assign
    from egov.stats import synthetic

    marker = data_dir / "bench-state.json"
    call_command("migrate", interactive=False, verbosity=0)
    if marker.exists():
        state = json.loads(marker.read_text())
        if state.get("dossiers") == args.dossiers:
            print(f"already loaded: {Dossier.objects.count():,} dossiers")
            return state
        raise SystemExit("loaded for another count: run with --reload")
    t0 = time.perf_counter()
    result = demo_load(province_find(PROVINCE))
    print(f"demo province: {result.agencies} agencies, {result.procedures} procedures "
          f"({time.perf_counter() - t0:.0f} s)")  # fmt: skip
    pc = Agency.objects.filter(type__code="provincial_pc").order_by("pk").first()
    department = Agency.objects.filter(type__code="department").order_by("pk").first()
    assert pc is not None and department is not None
    users = {}
    for key, agency, role in (
        ("admin", pc, StaffRole.PROVINCE_ADMIN),
        ("leader", department, StaffRole.LEADER),
    ):
        user = staff_user_create(
            actor=None, full_name=f"Bench {key}", email=f"{key}@stats.bench.example",
            password="bench-password-2026", check_permission=False,
        )  # fmt: skip
        staff_role_assign(actor=None, user=user, agency=agency, role=role, check_permission=False)
        users[key] = user.pk
    t0 = time.perf_counter()
    with tqdm(total=args.dossiers, unit=" dossiers", desc="generate") as bar:
        made = synthetic.generate(
            count=args.dossiers, years=args.years, seed=args.seed, progress=bar.update
        )
    generate_s = time.perf_counter() - t0
    print(f"generated {made.dossiers:,} dossiers, {made.pauses:,} pauses, {made.ratings:,} "
          f"ratings in {generate_s:.0f} s")  # fmt: skip
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    state = {"dossiers": args.dossiers, "users": users, "generate_s": round(generate_s),
             "department": department.pk}  # fmt: skip
    marker.write_text(json.dumps(state, indent=1))
    return state


def rebuild(state: dict, data_dir: Path, check_only: bool) -> float:
    from tqdm import tqdm

    from egov.stats.services import stats_rebuild

    with tqdm(total=state["dossiers"], unit=" dossiers", desc="rebuild") as bar:
        report = stats_rebuild(fix=not check_only, progress=bar.update)
    print(
        f"rebuild ({'check' if check_only else 'fix'}): {report.dossiers:,} dossiers in "
        f"{report.seconds:.0f} s; facts missing {report.facts_missing:,}, differing "
        f"{report.facts_differing:,}; tables "
        + ", ".join(
            f"{t.name} {t.expected_rows:,} rows / {t.differing:,} differing" for t in report.tables
        )
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return report.seconds


def session_cookie(user_id: int) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from egov.accounts.models import User

    user = User.objects.get(pk=user_id)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "egov.accounts.backends.EmailOrPhoneBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"sessionid={session.session_key}"


def measure(port: int, path: str, cookie: str, n: int, clients: int) -> dict:
    """``n`` requests per client after 5 warm-up ones; latencies in ms."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine = []
        for i in range(n + 5):
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = conn.getresponse()
            body = response.read()
            ms = (time.perf_counter() - t0) * 1000
            if response.status != 200:
                errors.append(f"{response.status} {body[:200]!r}")
            if i >= 5:
                mine.append(ms)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=run) for _ in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    if errors:
        print(f"  {len(errors)} errors, first: {errors[0]}")
    return {
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "max": max(latencies),
        "rps": len(latencies) / wall,
        "errors": len(errors),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dossiers", type=int, default=10_000_000)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--seed", type=int, default=766)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--reload", action="store_true", help="Drop and load again.")
    parser.add_argument("--skip-rebuild", action="store_true")
    parser.add_argument(
        "--skip-check", action="store_true", help="Build with --fix, skip the checking rebuild."
    )
    parser.add_argument("--drop", action="store_true", help="Drop the database at the end.")
    parser.add_argument("--load-only", action="store_true", help="Load, then stop.")
    args = parser.parse_args()
    data_dir = configure()
    if args.reload:
        (data_dir / "bench-state.json").unlink(missing_ok=True)
    pg_database(args.reload)
    state = ensure_loaded(args, data_dir)
    if args.load_only:
        return
    if not args.skip_rebuild:
        state["rebuild_fix_s"] = round(rebuild(state, data_dir, check_only=False))
        if not args.skip_check:
            state["rebuild_check_s"] = round(rebuild(state, data_dir, check_only=True))
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(%s))", [PG_DB])
        size = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM stats_agencymonthrollup")
        agency_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM stats_monthrollup")
        month_rows = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM stats_openbucket")
        open_rows = cursor.fetchone()[0]
    print(f"database {size}; rollup rows: agency-month {agency_rows:,}, "
          f"month {month_rows:,}, open buckets {open_rows:,}")  # fmt: skip
    admin = session_cookie(state["users"]["admin"])
    leader = session_cookie(state["users"]["leader"])
    connection.close()
    from egov.stats.selectors import current_month

    this = current_month()
    five = f"{this.year - 5}-{this.month:02d}"
    pages = [
        ("dashboard, province, 12 months", "/staff/stats/", admin),
        ("dashboard, province, 5 years", f"/staff/stats/?start={five}&end={this:%Y-%m}", admin),
        ("dashboard, one department (leader)", "/staff/stats/", leader),
        ("dashboard, one sector", "/staff/stats/?sector=HT", admin),
        ("public statistics page", "/statistics/", ""),
        ("drill-down: overdue, page 1", "/staff/stats/dossiers/?metric=overdue", admin),
    ]
    server = Server(data_dir, args.workers, args.threads, start_timeout=180)
    results = []
    try:
        for label, path, cookie in pages:
            one = measure(server.port, path, cookie, args.requests, 1)
            many = measure(
                server.port, path, cookie, max(args.requests // args.clients, 20), args.clients
            )
            results.append((label, one, many))
            print(f"{label}: 1 client p50 {one['p50']:.1f} ms, p95 {one['p95']:.1f} ms, max "
                  f"{one['max']:.1f} ms; {args.clients} clients p95 {many['p95']:.1f} ms, "
                  f"{many['rps']:.0f} req/s")  # fmt: skip
    finally:
        server.stop()
    print()
    print(f"| page ({state['dossiers']:,} dossiers, PostgreSQL) | p50 | p95 | max | "
          f"p95 with {args.clients} clients | req/s |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    for label, one, many in results:
        print(f"| {label} | {one['p50']:.1f} ms | {one['p95']:.1f} ms | {one['max']:.1f} ms | "
              f"{many['p95']:.1f} ms | {many['rps']:.0f} |")  # fmt: skip
    print(f"generation {state.get('generate_s')} s; rebuild --fix {state.get('rebuild_fix_s')} s; "
          f"rebuild check {state.get('rebuild_check_s')} s; database {size}")  # fmt: skip
    if args.drop:
        pg_drop()
        (data_dir / "bench-state.json").unlink(missing_ok=True)
        print("dropped", PG_DB)


if __name__ == "__main__":
    main()
