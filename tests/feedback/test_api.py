"""The feedback API for mobile apps and officers."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.accounts.services import api_token_create
from egov.feedback import services
from egov.feedback.models import Channel, Report, ReportStatus
from tests.feedback.conftest import Setup, jpeg_with_gps

pytestmark = pytest.mark.django_db


def test_categories_and_anonymous_report_with_photo(client, fb: Setup) -> None:
    body = client.get("/api/v1/feedback/categories").json()
    road = next(c for c in body if c["service_code"] == "road-damage")
    assert road["attributes"][0]["values"][1] == {"key": "large", "name": "Lớn"}
    response = client.post(
        "/api/v1/feedback/reports",
        {
            "service_code": "road-damage",
            "description": "Ổ gà",
            "lat": "16.46",
            "long": "107.59",
            "attributes": json.dumps({"size": "small"}),
            "photos": [SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")],
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    report = Report.objects.get(public_id=created["public_id"])
    assert report.channel == Channel.APP and report.reporter is None
    assert created["tracking_code"] == report.reporter_secret
    detail = client.get(f"/api/v1/feedback/reports/{report.public_id}").json()
    assert detail["status"] == "received" and detail["photos"][0].startswith("http://testserver/")
    assert "contact" not in json.dumps(detail)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"service_code": "nope"}, "service_code"),
        ({"lat": "", "long": ""}, "location"),
        ({"lat": "north"}, "lat"),
        ({"attributes": "[1]"}, "attributes"),
    ],
)
def test_bad_report_is_400_with_fields_and_nothing_saved(client, fb: Setup, data, field) -> None:
    post = {"service_code": "road-damage", "description": "x", "lat": "16.4", "long": "107.5",
            "attributes": json.dumps({"size": "small"})}  # fmt: skip
    post.update(data)
    response = client.post("/api/v1/feedback/reports", post)
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert Report.objects.count() == 0


def test_non_image_photo_refused(client, fb: Setup) -> None:
    response = client.post(
        "/api/v1/feedback/reports",
        {"service_code": "street-light", "description": "x", "address": "a",
         "photos": [SimpleUploadedFile("a.png", b"%PDF-1.7 not a png")]},
    )  # fmt: skip
    assert response.status_code == 400 and "photos[0]" in response.json()["error"]["fields"]
    assert Report.objects.count() == 0


def test_token_makes_the_account_the_reporter_and_a_bad_token_is_401(client, fb: Setup) -> None:
    _token, secret = api_token_create(user=fb.world.citizen, name="app")
    post = {"service_code": "street-light", "description": "Đèn tắt", "address": "Ngõ 5"}
    response = client.post("/api/v1/feedback/reports", post, HTTP_AUTHORIZATION="Bearer nope")
    assert response.status_code == 401 and Report.objects.count() == 0
    response = client.post("/api/v1/feedback/reports", post, HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 201
    assert Report.objects.get().reporter == fb.world.citizen


def test_officer_acts_through_the_api_with_versions(client, fb: Setup) -> None:
    w = fb.world
    report = services.report_create(
        actor=None, channel=Channel.APP, service_code="street-light", description="x", address="a"
    )
    client.force_login(w.leader_a)
    url = f"/api/v1/feedback/staff/reports/{report.pk}/actions/respond"
    assert (
        client.post(url, {"version": 1, "text": "ok"}, content_type="application/json").status_code
        == 404
    )
    client.force_login(w.leader_b)
    listed = client.get("/api/v1/feedback/staff/reports").json()
    assert [r["public_id"] for r in listed] == [report.public_id]
    response = client.post(
        url,
        {"version": 1, "text": "Đã thay bóng", "status": "resolved"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == ReportStatus.RESOLVED
    response = client.post(url, {"version": 1, "text": "again"}, content_type="application/json")
    assert response.status_code == 409
    rate = client.post(
        f"/api/v1/feedback/reports/{report.public_id}/rating",
        {"rating": 5, "tracking_code": report.reporter_secret},
        content_type="application/json",
    )
    assert rate.status_code == 200


def test_a_browser_session_does_not_sign_api_reports(client, fb: Setup) -> None:
    client.force_login(fb.world.citizen)  # no CSRF token on these endpoints: no session use
    post = {"service_code": "street-light", "description": "Đèn tắt", "address": "Ngõ 5"}
    assert client.post("/api/v1/feedback/reports", post).status_code == 201
    assert Report.objects.get().reporter is None


def test_guessed_tracking_codes_get_429_after_the_limit(client, fb: Setup) -> None:
    from django.core.cache import cache

    from egov.feedback.services import SECRET_FAILURES

    cache.clear()
    w = fb.world
    report = services.report_create(
        actor=None, channel=Channel.APP, service_code="street-light", description="x", address="a"
    )
    services.report_respond(actor=w.leader_b, report_id=report.pk, version=1, text="Đã thay bóng",
                            status=ReportStatus.RESOLVED)  # fmt: skip
    url = f"/api/v1/feedback/reports/{report.public_id}/rating"
    statuses = [
        client.post(
            url, {"rating": 5, "tracking_code": f"GUESS{n:03d}"}, content_type="application/json"
        ).status_code
        for n in range(SECRET_FAILURES)
    ]
    assert set(statuses) == {403}
    right = client.post(url, {"rating": 5, "tracking_code": report.reporter_secret},
                        content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")  # fmt: skip
    assert right.status_code == 429
    assert right.json()["error"]["code"] == "too_many_requests"
    assert Report.objects.get(pk=report.pk).rating is None
