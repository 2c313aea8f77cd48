"""The public working-time API: deadlines, elapsed time, the year's special days."""

from __future__ import annotations

from datetime import date

from egov.worktime.services import calendar_exception_create
from tests.test_api import assert_error


def test_due(client, db):
    response = client.get(
        "/api/v1/worktime/due",
        {"start": "2026-03-02T09:00:00+07:00", "amount": "3", "unit": "working_days"},
    )
    assert response.status_code == 200
    assert response.json() == {
        "start": "2026-03-02T09:00:00+07:00",
        "effective_start": "2026-03-02T09:00:00+07:00",
        "due": "2026-03-05T09:00:00+07:00",
        "amount": 3.0,
        "unit": "working_days",
    }


def test_due_after_cutoff_and_in_utc(client, db):
    # 09:30 UTC is 16:30 in Vietnam: after the cut-off, counts from Tuesday 07:30.
    body = client.get(
        "/api/v1/worktime/due", {"start": "2026-03-02T09:30:00Z", "amount": "1"}
    ).json()
    assert body["start"] == "2026-03-02T16:30:00+07:00"
    assert body["effective_start"] == "2026-03-03T07:30:00+07:00"
    assert body["due"] == "2026-03-03T17:30:00+07:00"


def test_naive_times_are_local(client, db):
    body = client.get(
        "/api/v1/worktime/due",
        {"start": "2026-02-13T15:00", "amount": "4", "unit": "working_hours"},
    ).json()
    # Friday before Tết 2026, 15:00 local: 2 h 30 that day, 1 h 30 on Monday 23 February.
    assert body["start"] == "2026-02-13T15:00:00+07:00"
    assert body["due"] == "2026-02-23T09:00:00+07:00"


def test_elapsed(client, db):
    response = client.get(
        "/api/v1/worktime/elapsed", {"start": "2026-03-02T09:00", "end": "2026-03-05T09:00"}
    )
    assert response.status_code == 200
    assert response.json() == {"working_seconds": 86400.0, "working_days": 3.0}


def test_days_list_holidays_and_exceptions(client, world):
    calendar_exception_create(
        actor=world.admin, date=date(2026, 10, 10), kind="working", reason="Làm bù"
    )
    body = client.get("/api/v1/worktime/days", {"year": 2026}, HTTP_ACCEPT_LANGUAGE="en").json()
    by_date = {day["date"]: day for day in body}
    assert by_date["2026-02-17"] == {
        "date": "2026-02-17",
        "working": False,
        "name": "Lunar New Year",
        "source": "national",
    }
    assert by_date["2026-08-22"]["working"] is True
    assert by_date["2026-10-10"] == {
        "date": "2026-10-10",
        "working": True,
        "name": "Làm bù",
        "source": "exception",
    }
    vi = client.get("/api/v1/worktime/days", {"year": 2026}).json()
    assert {day["date"]: day["name"] for day in vi}["2026-02-17"] == "Tết Nguyên Đán"


def test_bad_input_uses_the_error_format(client, db):
    error = assert_error(
        client.get("/api/v1/worktime/due", {"start": "2026-03-02T09:00", "amount": "0"}),
        400,
        "invalid",
    )
    assert "amount" in error["fields"]
    error = assert_error(
        client.get("/api/v1/worktime/due", {"start": "2026-03-02T09:00", "amount": "400"}),
        400,
        "invalid",
    )
    assert "amount" in error["fields"]
    error = assert_error(
        client.get(
            "/api/v1/worktime/elapsed", {"start": "2026-03-05T09:00", "end": "2026-03-02T09:00"}
        ),
        400,
        "invalid",
    )
    assert "end" in error["fields"]
    error = assert_error(
        client.get(
            "/api/v1/worktime/due",
            {"start": "not a date", "amount": "x", "unit": "days"},
        ),
        422,
        "validation_error",
    )
    assert {"start", "amount", "unit"} <= set(error["fields"])
    error = assert_error(client.get("/api/v1/worktime/days"), 422, "validation_error")
    assert "year" in error["fields"]
    assert_error(client.get("/api/v1/worktime/days", {"year": 1800}), 422, "validation_error")


def test_messages_follow_the_language(client, db):
    en = client.get(
        "/api/v1/worktime/due",
        {"start": "2026-03-02T09:00", "amount": "-1"},
        HTTP_ACCEPT_LANGUAGE="en",
    ).json()
    assert en["error"]["fields"]["amount"] == ["The amount must be more than zero."]


def test_openapi_lists_the_endpoints(client, db):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ["/api/v1/worktime/due", "/api/v1/worktime/elapsed", "/api/v1/worktime/days"]:
        assert path in paths
