"""Parameters of the GET and POST calls."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import RequestFactory

from egov.open311.params import (
    Open311Error,
    Params,
    attribute_values,
    parse_datetime,
    request_query,
)

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def params(query: str = "", body: dict[str, str] | None = None) -> Params:
    factory = RequestFactory()
    if body is not None:
        return Params(factory.post("/x?" + query, body))
    return Params(factory.get("/x?" + query))


def test_empty_parameters_count_as_absent() -> None:
    p = params("api_key=&status=&service_code=")
    assert p.get("api_key") is None
    query = request_query(p, now=NOW)
    assert query.statuses == () and query.service_codes == ()


def test_values_come_from_the_query_or_the_body() -> None:
    assert params("api_key=q").get("api_key") == "q"
    assert params("", {"api_key": "b"}).get("api_key") == "b"
    assert params("jurisdiction_id=", {"jurisdiction_id": "j"}).get("jurisdiction_id") == "j"


def test_default_window_is_the_last_90_days() -> None:
    query = request_query(params(), now=NOW)
    assert query.end == NOW and query.start == NOW - timedelta(days=90)
    assert query.page == 1 and query.page_size == 1000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-02T03:04:05Z", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T10:04:05+07:00", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)),
        ("2026-01-02T03:04:05.250-05:00", datetime(2026, 1, 2, 8, 4, 5, 250000, tzinfo=UTC)),
        ("2026-01-02T03:04Z", datetime(2026, 1, 2, 3, 4, tzinfo=UTC)),
    ],
)
def test_w3c_dates(text: str, expected: datetime) -> None:
    assert parse_datetime("start_date", text) == expected


def test_a_date_without_zone_is_read_in_the_server_time_zone() -> None:
    # Asia/Ho_Chi_Minh, +07:00, in the test settings too.
    assert parse_datetime("end_date", "2026-01-02") == datetime(2026, 1, 1, 17, tzinfo=UTC)


@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "end_date=2026-13-01T00:00:00Z",
        "start_date=2026-01-01T00:00:00Z&end_date=2026-05-01T00:00:00Z",
        "start_date=2026-02-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
        "status=pending",
        "page=0",
        "page_size=1001",
        "page=abc",
    ],
)
def test_bad_values_are_400(query: str) -> None:
    with pytest.raises(Open311Error) as caught:
        request_query(params(query), now=NOW)
    assert caught.value.status == 400
    assert caught.value.errors and all(e["code"] == "400" for e in caught.value.errors)


def test_one_date_opens_a_90_day_window_from_it() -> None:
    query = request_query(params("start_date=2026-01-01T00:00:00Z"), now=NOW)
    assert query.end == datetime(2026, 4, 1, tzinfo=UTC)
    query = request_query(params("end_date=2026-04-01T00:00:00Z"), now=NOW)
    assert query.start == datetime(2026, 1, 1, tzinfo=UTC)


def test_service_request_id_overrides_the_other_filters() -> None:
    query = request_query(params("service_request_id=A, B,,C&status=bogus&start_date=x"), now=NOW)
    assert query.ids == ("A", "B", "C")
    assert query.start is None


def test_lists_and_paging() -> None:
    query = request_query(
        params("service_code=a,b&status=open,closed,open&page=3&page_size=50"), now=NOW
    )
    assert query.service_codes == ("a", "b")
    assert query.statuses == ("open", "closed")
    assert query.offset == 100 and query.page_size == 50


def test_attributes_single_and_multiple_values() -> None:
    p = params(
        "",
        {
            "attribute[size]": "big",
            "attribute[kinds][]": ["x", "y"],  # type: ignore[dict-item]
            "attribute[empty]": "",
            "attributes": "ignored",
        },
    )
    assert attribute_values(p) == {"size": "big", "kinds": ["x", "y"]}


def test_lists_may_also_repeat_the_parameter() -> None:
    query = request_query(
        params("status=open&status=closed&service_code=a&service_code=b,c"), now=NOW
    )
    assert query.statuses == ("open", "closed") and query.service_codes == ("a", "b", "c")
