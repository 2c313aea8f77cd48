"""Procedure search latency with 5,000 procedures (target: p95 under 30 ms).

Run (SQLite, a fresh database in a temporary data directory):

    uv run python bench/search_bench.py

Run on PostgreSQL (the database is emptied and filled; use a database of its own):

    DATABASE_URL=postgres://egov:egov@127.0.0.1/egov_bench uv run python bench/search_bench.py

It measures the search selector (what a page and the API call) and the whole API request
through Django's test client, over a fixed, seeded mix of queries: with and without
diacritics, prefixes (search-as-you-type), codes, filters, and empty queries (browse).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("EGOV_DATA_DIR", tempfile.mkdtemp(prefix="egov-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egov.settings")
os.environ.setdefault("EGOV_ALLOWED_HOSTS", "testserver")

import django

django.setup()

from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client

ACTIONS = ["Đăng ký", "Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Xác nhận", "Thu hồi", "Chứng thực", "Công nhận", "Thẩm định"]  # fmt: skip
OBJECTS = [
    "khai sinh", "kết hôn", "khai tử", "giấy phép xây dựng", "giấy chứng nhận quyền sử dụng đất",
    "hộ kinh doanh", "phiếu lý lịch tư pháp", "giấy chứng nhận xuất xứ hàng hóa", "chứng chỉ hành nghề dược",
    "giấy phép lái xe", "trợ cấp xã hội", "giấy phép kinh doanh vận tải", "bản sao từ bản chính",
    "tình trạng hôn nhân", "giấy phép khai thác nước", "đăng ký doanh nghiệp", "giấy phép môi trường",
    "giấy chứng nhận đủ điều kiện an toàn thực phẩm", "giấy phép lao động", "thay đổi hộ tịch",
]  # fmt: skip
QUALIFIERS = ["", "cho công dân", "cho tổ chức", "có yếu tố nước ngoài", "lần đầu", "trong trường hợp bị mất", "đối với nhà ở riêng lẻ", "tại cấp xã", "tại cấp tỉnh"]  # fmt: skip
QUERIES = [
    "dang ky khai sinh", "Đăng ký khai sinh", "đăng ký kết hôn", "ket hon", "giay phep xay dung",
    "cấp giấy phép xây dựng nhà ở riêng lẻ", "ly lich tu phap", "xuat xu", "ho kinh doanh", "dang k",
    "chung thuc ban sao", "quyen su dung dat lan dau", "tro cap", "giay phep", "cap lai", "1.000", "an toan thuc pham",
    "dang ky", "", "xac nhan tinh trang hon nhan",
]  # fmt: skip


def load(n: int, seed: int) -> None:
    from egov.organizations.models import AdministrativeLevel, AgencyType
    from egov.procedures.models import Procedure, Sector
    from egov.procedures.search_text import folded

    rng = random.Random(seed)
    with transaction.atomic():
        Procedure.objects.all().delete()
        Sector.objects.all().delete()
        sectors = [
            Sector.objects.create(code=f"S{i:02d}", name=f"Lĩnh vực {name}", name_en=f"Sector {i}")
            for i, name in enumerate(
                [
                    "Hộ tịch",
                    "Đất đai",
                    "Xây dựng",
                    "Tư pháp",
                    "Công Thương",
                    "Y tế",
                    "Lao động",
                    "Giao thông",
                    "Môi trường",
                    "Kinh doanh",
                ]
            )
        ]
        levels = list(AdministrativeLevel.objects.all())
        agency_type = AgencyType.objects.get(code="department")
        rows = []
        for i in range(n):
            name = " ".join(
                p for p in [rng.choice(ACTIONS), rng.choice(OBJECTS), rng.choice(QUALIFIERS)] if p
            )
            sector = rng.choice(sectors)
            code = f"{rng.choice([1, 2])}.{i:06d}"
            body = f"{code} {sector.name} {rng.choice(OBJECTS)} tờ khai giấy tờ tùy thân {rng.choice(OBJECTS)}"
            rows.append(
                Procedure(
                    code=code,
                    name=name,
                    sector=sector,
                    level=rng.choice(levels),
                    implementing_agency_type=agency_type,
                    processing_time=Decimal(rng.choice([1, 3, 5, 10, 15, 20])),
                    online_type=rng.choice(["full", "partial", "info"]),
                    channel_online=True,
                    name_folded=folded(name),
                    body_folded=folded(body),
                )
            )
        Procedure.objects.bulk_create(rows, batch_size=500)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE procedures_procedure")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(label: str, fn, calls: list) -> dict[str, float]:
    for args in calls[:50]:  # warm-up
        fn(*args)
    times = []
    for args in calls:
        start = time.perf_counter()
        fn(*args)
        times.append((time.perf_counter() - start) * 1000)
    result = {
        "mean": statistics.fmean(times),
        "p50": percentile(times, 0.50),
        "p95": percentile(times, 0.95),
        "p99": percentile(times, 0.99),
    }
    print(
        f"{label:<34} n={len(times):>5}  mean {result['mean']:6.2f} ms  p50 {result['p50']:6.2f}  p95 {result['p95']:6.2f}  p99 {result['p99']:6.2f}"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()

    from egov.procedures.selectors import filters_from, procedure_search

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    load(args.procedures, args.seed)
    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}")
    print(f"loaded {args.procedures} procedures in {time.perf_counter() - started:.1f} s")

    rng = random.Random(args.seed)
    filter_choices = [{}, {}, {}, {"sector": "S01"}, {"level": "commune"}, {"online_type": "full"}]
    calls = []
    for _ in range(args.queries):
        filters = rng.choice(filter_choices)
        calls.append((rng.choice(QUERIES), filters))

    def selector(query: str, filters: dict) -> None:
        procedure_search(query=query, filters=filters_from(**filters), page=1, page_size=20)

    client = Client()

    def api(query: str, filters: dict) -> None:
        response = client.get("/api/v1/procedures", {"q": query, **filters})
        assert response.status_code == 200, response.content

    def page(query: str, filters: dict) -> None:
        response = client.get("/procedures/", {"q": query, **filters}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200

    measure("search selector", selector, calls)
    measure("GET /api/v1/procedures", api, calls)
    measure("GET /procedures/ (htmx results)", page, calls)


if __name__ == "__main__":
    main()
