"""Every Open311 call over HTTP, in both formats, parsed the way existing clients parse it:
XML with the standard library (no namespace; a list of one is still a list), JSON as bare
arrays with string ids."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings
from django.utils import timezone

from egov.core.models import AuditRecord
from egov.feedback.models import Report, ReportPhoto, ReportUpdate
from egov.feedback.services import report_create, report_moderate, report_status_change
from tests.open311.conftest import Open311, png_bytes

pytestmark = pytest.mark.django_db

BASE = "/open311/v2/"
FORMATS = ["xml", "json"]


def parse(response: Any, fmt: str) -> Any:
    """The body as plain data: JSON as is; XML as the root's tag and a nested structure."""
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(response.content)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert b"xmlns" not in response.content
    return ET.fromstring(response.content)


def items(response: Any, fmt: str, root: str, item: str) -> list[dict[str, Any]]:
    """A list document as a list of {field: text}, in either format (values as strings)."""
    body = parse(response, fmt)
    if fmt == "json":
        assert isinstance(body, list)
        return [{k: _text(v) for k, v in row.items()} for row in body]
    assert body.tag == root
    assert all(child.tag == item for child in body)
    return [{field.tag: field.text for field in element} for element in body]


def _text(value: Any) -> Any:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, list | dict) else str(value)


def errors(response: Any, fmt: str) -> list[dict[str, Any]]:
    return items(response, fmt, "errors", "error")


def a_report(o311: Open311, **kwargs: Any) -> Report:
    data: dict[str, Any] = {
        "actor": None,
        "channel": "web",
        "service_code": "street-light",
        "description": "Đèn tắt cả tuần",
        "address": "12 Lê Lợi",
        "lat": 11.3,
        "long": 106.1,
    }
    data.update(kwargs)
    return report_create(**data)


# --- discovery, services, definitions ------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery(client: Client, o311: Open311, fmt: str) -> None:
    response = client.get(f"{BASE}discovery.{fmt}")
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "json":
        endpoint = body["endpoints"][0]
        assert endpoint["formats"] == ["text/xml", "application/json"]
        assert body["changeset"] and body["contact"] and body["key_service"]
    else:
        assert body.tag == "discovery"
        endpoint = {e.tag: e for e in body.find("endpoints/endpoint")}  # type: ignore[union-attr]
        assert [f.text for f in endpoint["formats"]] == ["text/xml", "application/json"]
        endpoint = {k: v.text for k, v in endpoint.items()}
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_list(client: Client, o311: Open311, fmt: str) -> None:
    response = client.get(f"{BASE}services.{fmt}", {"jurisdiction_id": ""})
    assert response.status_code == 200
    services = {s["service_code"]: s for s in items(response, fmt, "services", "service")}
    assert set(services) == {"road-damage", "street-light"}
    road = services["road-damage"]
    assert road["service_name"] == "Hư hỏng mặt đường"
    assert road["metadata"] == "true" and services["street-light"]["metadata"] == "false"
    assert road["type"] == "realtime"
    assert road["keywords"] == "đường, ổ gà" and road["group"] == "Giao thông"


def test_service_names_follow_the_language(client: Client, o311: Open311) -> None:
    response = client.get(f"{BASE}services.json", HTTP_ACCEPT_LANGUAGE="en")
    names = {s["service_code"]: s["service_name"] for s in json.loads(response.content)}
    assert names["road-damage"] == "Road damage"


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_definition(client: Client, o311: Open311, fmt: str) -> None:
    response = client.get(f"{BASE}services/road-damage.{fmt}")
    assert response.status_code == 200
    body = parse(response, fmt)
    if fmt == "xml":
        assert body.tag == "service_definition"
        assert body.findtext("service_code") == "road-damage"
        attributes = body.findall("attributes/attribute")
        assert [a.findtext("code") for a in attributes] == ["size", "kinds"]
        size = attributes[0]
        assert size.findtext("datatype") == "singlevaluelist"
        assert size.findtext("required") == "true" and size.findtext("variable") == "true"
        assert [(v.findtext("key"), v.findtext("name")) for v in size.findall("values/value")] == [
            ("small", "Nhỏ"),
            ("large", "Lớn"),
        ]
    else:
        assert body["service_code"] == "road-damage"
        size = body["attributes"][0]
        assert size["code"] == "size" and size["required"] is True and size["order"] == 1
        assert size["values"] == [{"key": "small", "name": "Nhỏ"}, {"key": "large", "name": "Lớn"}]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_definition_is_404(client: Client, o311: Open311, fmt: str) -> None:
    response = client.get(f"{BASE}services/nope.{fmt}")
    assert response.status_code == 404
    [error] = errors(response, fmt)
    assert error["code"] == "404" and "nope" in error["description"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_resource_is_404_in_the_format_asked(client: Client, fmt: str) -> None:
    response = client.get(f"{BASE}whatever.{fmt}")
    assert response.status_code == 404
    assert errors(response, fmt)[0]["code"] == "404"


@override_settings(EGOV_OPEN311_JURISDICTION="tayninh.gov.vn")
def test_jurisdiction_id_is_checked_when_the_server_names_one(
    client: Client, o311: Open311
) -> None:
    assert (
        client.get(f"{BASE}services.xml", {"jurisdiction_id": "tayninh.gov.vn"}).status_code == 200
    )
    assert client.get(f"{BASE}services.xml", {"jurisdiction_id": ""}).status_code == 200
    response = client.get(f"{BASE}services.xml", {"jurisdiction_id": "hue.gov.vn"})
    assert response.status_code == 404
    assert "hue.gov.vn" in errors(response, "xml")[0]["description"]


# --- creating requests ---------------------------------------------------------------------


def post(client: Client, fmt: str, data: dict[str, Any], **kwargs: Any) -> Any:
    return client.post(f"{BASE}requests.{fmt}", data, **kwargs)


def valid(o311: Open311, **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "api_key": o311.key,
        "jurisdiction_id": "",
        "service_code": "road-damage",
        "lat": "11.31",
        "long": "106.10",
        "address_string": "Quốc lộ 22, Trảng Bàng",
        "description": "Ổ gà lớn giữa đường",
        "attribute[size]": "large",
        "attribute[kinds][]": ["hole", "crack"],
        "first_name": "Văn A",
        "last_name": "Nguyễn",
        "email": "a@example.vn",
        "phone": "0912345678",
        "device_id": "dev-1",
        "account_id": "acc-9",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("fmt", FORMATS)
def test_create_form_encoded(client: Client, o311: Open311, fmt: str) -> None:
    body = "&".join(
        f"{k}={v}"
        for k, v in [
            ("api_key", o311.key),
            ("service_code", "street-light"),
            ("lat", "11.3"),
            ("long", "106.1"),
            ("description", "Den+tat"),
        ]
    )
    response = client.post(
        f"{BASE}requests.{fmt}",
        body,
        content_type="application/x-www-form-urlencoded; charset=utf-8",
    )
    assert response.status_code == 200, response.content
    [created] = items(response, fmt, "service_requests", "request")
    report = Report.objects.get()
    assert created["service_request_id"] == report.public_id
    assert "token" not in created
    assert report.channel == "open311" and report.source == "Ứng dụng Thử"
    assert report.description == "Den tat"


@pytest.mark.parametrize("fmt", FORMATS)
def test_create_with_every_field(client: Client, o311: Open311, fmt: str) -> None:
    response = post(client, fmt, valid(o311))
    assert response.status_code == 200, response.content
    [created] = items(response, fmt, "service_requests", "request")
    report = Report.objects.get()
    assert created["service_request_id"] == report.public_id
    assert created["account_id"] == "acc-9"
    assert "5 working days" in created["service_notice"] or "5 ngày" in created["service_notice"]
    assert report.attributes == {"size": "large", "kinds": ["hole", "crack"]}
    assert (report.lat, report.long) == (11.31, 106.10)
    assert report.contact_email == "a@example.vn" and report.contact_phone == "+84912345678"
    assert report.device_id == "dev-1" and report.account_id == "acc-9"
    assert AuditRecord.objects.filter(action="feedback.report.create").count() == 1
    # The contact details stay private: not in the public request.
    shown = client.get(f"{BASE}requests/{report.public_id}.{fmt}").content.decode()
    assert "a@example.vn" not in shown and "912345678" not in shown and "Nguyễn" not in shown


def test_the_api_key_may_come_in_the_query_string(client: Client, o311: Open311) -> None:
    data = valid(o311)
    key = data.pop("api_key")
    response = client.post(f"{BASE}requests.xml?api_key={key}", data)
    assert response.status_code == 200
    assert Report.objects.count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("key", [None, "", "o311_wrong", "not-even-ours"])
def test_missing_or_bad_api_key_is_403_and_saves_nothing(
    client: Client, o311: Open311, fmt: str, key: str | None
) -> None:
    response = post(client, fmt, valid(o311, api_key=key))
    assert response.status_code == 403
    [error] = errors(response, fmt)
    assert error["code"] == "403" and "api_key" in error["description"]
    assert not Report.objects.exists()


def test_a_revoked_key_is_refused(client: Client, o311: Open311) -> None:
    from egov.open311.models import ApiClient
    from egov.open311.services import api_client_revoke

    api_client_revoke(actor=o311.world.admin, client_id=ApiClient.objects.get().pk)
    assert post(client, "json", valid(o311)).status_code == 403


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_is_404(client: Client, o311: Open311, fmt: str) -> None:
    response = post(client, fmt, valid(o311, service_code="flying-saucer"))
    assert response.status_code == 404
    assert "flying-saucer" in errors(response, fmt)[0]["description"]
    assert not Report.objects.exists()


@pytest.mark.parametrize(
    ("changes", "parameter"),
    [
        ({"service_code": None}, "service_code"),
        ({"lat": None, "long": None, "address_string": None}, "location"),
        ({"long": None, "address_string": None}, "location"),
        ({"lat": "north"}, "lat"),
        ({"attribute[size]": None}, "attribute[size]"),
        ({"attribute[size]": "huge"}, "attribute[size]"),
        ({"description": "x" * 4001}, "description"),
        ({"email": "not an email"}, "email"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
def test_bad_input_is_400_with_the_parameter_named(
    client: Client, o311: Open311, fmt: str, changes: dict[str, Any], parameter: str
) -> None:
    response = post(client, fmt, valid(o311, **changes))
    assert response.status_code == 400, response.content
    descriptions = [e["description"] for e in errors(response, fmt)]
    assert all(e["code"] == "400" for e in errors(response, fmt))
    assert any(parameter in d for d in descriptions), descriptions
    assert not Report.objects.exists()
    assert not AuditRecord.objects.filter(action="feedback.report.create").exists()


@pytest.mark.parametrize("fmt", FORMATS)
def test_multipart_with_a_photo_and_a_media_url(client: Client, o311: Open311, fmt: str) -> None:
    photo = SimpleUploadedFile("o-ga.png", png_bytes(), content_type="image/png")
    response = post(client, fmt, valid(o311, media=photo, media_url="https://anh.example.vn/1.jpg"))
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    assert report.media_url == "https://anh.example.vn/1.jpg"
    assert ReportPhoto.objects.filter(report=report).count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_photo_that_is_not_an_image_saves_nothing(
    client: Client, o311: Open311, fmt: str
) -> None:
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = post(client, fmt, valid(o311, media=fake))
    assert response.status_code == 400
    assert any(e["description"].startswith("media:") for e in errors(response, fmt))
    assert not Report.objects.exists() and not ReportPhoto.objects.exists()


@override_settings(EGOV_FEEDBACK_PHOTO_MAX_MB=1)
def test_an_oversized_photo_saves_nothing(client: Client, o311: Open311) -> None:
    big = SimpleUploadedFile("big.png", png_bytes() + b"\0" * (1024 * 1024 + 10))
    response = post(client, "xml", valid(o311, media=big))
    assert response.status_code == 400
    assert "media" in errors(response, "xml")[0]["description"]
    assert not Report.objects.exists()


# --- reading requests ----------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_request_list_fields(client: Client, o311: Open311, fmt: str) -> None:
    report = a_report(o311, service_code="road-damage", attributes={"size": "small"})
    response = client.get(f"{BASE}requests.{fmt}")
    assert response.status_code == 200
    [row] = items(response, fmt, "service_requests", "request")
    assert list(row) == [
        "service_request_id",
        "status",
        "status_notes",
        "service_name",
        "service_code",
        "description",
        "agency_responsible",
        "service_notice",
        "requested_datetime",
        "updated_datetime",
        "expected_datetime",
        "address",
        "address_id",
        "zipcode",
        "lat",
        "long",
        "media_url",
    ]
    assert row["service_request_id"] == report.public_id
    assert row["status"] == "open"
    assert row["service_code"] == "road-damage" and row["service_name"] == "Hư hỏng mặt đường"
    assert row["agency_responsible"] == o311.world.a.name
    assert row["description"] == "Đèn tắt cả tuần" and row["address"] == "12 Lê Lợi"
    assert float(row["lat"]) == 11.3 and float(row["long"]) == 106.1
    # ISO 8601 with the offset, in the server's time zone.
    requested = row["requested_datetime"]
    assert requested.endswith("+07:00") and len(requested) == 25
    assert row["expected_datetime"] > requested
    if fmt == "json":
        raw = json.loads(response.content)[0]
        assert isinstance(raw["service_request_id"], str)
        assert raw["zipcode"] is None and isinstance(raw["lat"], float)


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters(client: Client, o311: Open311, fmt: str) -> None:
    now = timezone.now()
    old = a_report(o311, now=now - timedelta(days=120))
    light = a_report(o311)
    road = a_report(o311, service_code="road-damage", attributes={"size": "small"})
    closed = a_report(o311)
    report_status_change(
        actor=o311.world.leader_b,
        report_id=closed.pk,
        version=None,
        status="resolved",
        notes="Đã thay bóng",
    )

    def ids(**query: str) -> list[str]:
        response = client.get(f"{BASE}requests.{fmt}", query)
        assert response.status_code == 200, response.content
        return [
            r["service_request_id"] for r in items(response, fmt, "service_requests", "request")
        ]

    assert set(ids()) == {light.public_id, road.public_id, closed.public_id}
    assert ids(service_code="road-damage") == [road.public_id]
    assert set(ids(service_code="road-damage,street-light")) == {
        light.public_id,
        road.public_id,
        closed.public_id,
    }
    assert ids(status="closed") == [closed.public_id]
    assert set(ids(status="open")) == {light.public_id, road.public_id}
    assert len(ids(status="open,closed")) == 3
    start = (now - timedelta(days=125)).isoformat()
    end = (now - timedelta(days=100)).isoformat()
    assert ids(start_date=start, end_date=end) == [old.public_id]
    # service_request_id overrides every other filter.
    assert set(ids(service_request_id=f"{old.public_id},{road.public_id}", status="closed")) == {
        old.public_id,
        road.public_id,
    }
    # Paging.
    first, second = ids(page_size="2"), ids(page_size="2", page="2")
    assert len(first) == 2 and len(second) == 1 and not set(first) & set(second)
    closed_row = next(
        r
        for r in items(
            client.get(f"{BASE}requests.{fmt}", {"status": "closed"}),
            fmt,
            "service_requests",
            "request",
        )
    )
    assert closed_row["status_notes"] == "Đã thay bóng"


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(
    "query",
    [
        {"start_date": "last week"},
        {"end_date": "2026-02-30T00:00:00Z"},
        {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},
        {"status": "pending"},
        {"page_size": "5000"},
    ],
)
def test_bad_list_parameters_are_400(
    client: Client, o311: Open311, fmt: str, query: dict[str, str]
) -> None:
    response = client.get(f"{BASE}requests.{fmt}", query)
    assert response.status_code == 400
    assert errors(response, fmt)[0]["code"] == "400"


def test_hidden_reports_are_not_listed(client: Client, o311: Open311) -> None:
    report = a_report(o311)
    report_moderate(
        actor=o311.world.leader_b, report_id=report.pk, version=None, hidden=True, reason="Spam"
    )
    assert items(client.get(f"{BASE}requests.json"), "json", "", "") == []
    assert client.get(f"{BASE}requests/{report.public_id}.json").status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_one_request_is_a_list_of_one(client: Client, o311: Open311, fmt: str) -> None:
    report = a_report(o311)
    response = client.get(f"{BASE}requests/{report.public_id}.{fmt}")
    assert response.status_code == 200
    [row] = items(response, fmt, "service_requests", "request")
    assert row["service_request_id"] == report.public_id
    missing = client.get(f"{BASE}requests/000000-NOPE.{fmt}")
    assert missing.status_code == 404 and errors(missing, fmt)[0]["code"] == "404"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_photo_is_the_media_url(client: Client, o311: Open311, fmt: str) -> None:
    from egov.feedback.services import PhotoUpload

    report = a_report(o311, photos=[PhotoUpload(name="a.png", content=png_bytes())])
    [row] = items(client.get(f"{BASE}requests.{fmt}"), fmt, "service_requests", "request")
    assert row["media_url"] == f"http://testserver/feedback/photos/{report.cover_photo_id}/"


@pytest.mark.parametrize("fmt", FORMATS)
def test_tokens(client: Client, o311: Open311, fmt: str) -> None:
    report = a_report(o311)
    response = client.get(f"{BASE}tokens/{report.public_id}.{fmt}")
    assert response.status_code == 200
    [row] = items(response, fmt, "service_requests", "request")
    assert row == {"service_request_id": report.public_id, "token": report.public_id}
    assert client.get(f"{BASE}tokens/unknown.{fmt}").status_code == 404


def test_requests_answer_405_to_other_methods(client: Client) -> None:
    response = client.delete(f"{BASE}requests.json")
    assert response.status_code == 405


# --- FixMyStreet's request updates -------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_updates_list(client: Client, o311: Open311, fmt: str) -> None:
    report = a_report(o311)
    report_status_change(
        actor=o311.world.leader_b,
        report_id=report.pk,
        version=None,
        status="resolved",
        notes="Đã sửa",
    )
    response = client.get(f"{BASE}servicerequestupdates.{fmt}", {"api_key": o311.key})
    assert response.status_code == 200
    rows = items(response, fmt, "service_request_updates", "request_update")
    assert [r["service_request_id"] for r in rows] == [report.public_id] * len(rows)
    assert rows[-1]["status"] == "fixed"
    assert set(rows[-1]) == {
        "update_id",
        "service_request_id",
        "status",
        "updated_datetime",
        "description",
        "media_url",
    }
    assert rows[-1]["updated_datetime"].endswith("+07:00")
    later = (timezone.now() + timedelta(minutes=1)).isoformat()
    assert (
        items(
            client.get(f"{BASE}servicerequestupdates.{fmt}", {"start_date": later}),
            fmt,
            "service_request_updates",
            "request_update",
        )
        == []
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_posting_an_update(client: Client, o311: Open311, fmt: str) -> None:
    report = a_report(o311)
    data = {
        "api_key": o311.key,
        "service_request_id": report.public_id,
        "update_id": "fms-77",
        "updated_datetime": timezone.now().isoformat(),
        "status": "OPEN",
        "description": "Vẫn chưa sửa",
        "first_name": "Thị B",
        "last_name": "Trần",
        "email": "b@example.vn",
    }
    response = client.post(f"{BASE}servicerequestupdates.{fmt}", data)
    assert response.status_code == 200, response.content
    [row] = items(response, fmt, "service_request_updates", "request_update")
    update = ReportUpdate.objects.get(pk=int(row["update_id"]))
    assert update.report == report and update.text == "Vẫn chưa sửa"
    assert not update.is_public
    report.refresh_from_db()
    assert report.status == "received"  # a client cannot change the status

    assert (
        client.post(f"{BASE}servicerequestupdates.{fmt}", data | {"api_key": ""}).status_code == 403
    )
    missing = client.post(
        f"{BASE}servicerequestupdates.{fmt}", data | {"service_request_id": "000000-NOPE"}
    )
    assert missing.status_code == 404
    bad = client.post(f"{BASE}servicerequestupdates.{fmt}", data | {"status": "EXPLODED"})
    assert bad.status_code == 400
    assert ReportUpdate.objects.filter(report=report, kind="note").count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_add_the_public_history_as_notes(
    client: Client, o311: Open311, fmt: str
) -> None:
    report = a_report(o311)
    report_status_change(
        actor=o311.world.leader_b,
        report_id=report.pk,
        version=None,
        status="in_progress",
        notes="Đang xử lý",
    )
    for path in (f"requests.{fmt}", f"requests/{report.public_id}.{fmt}"):
        response = client.get(f"{BASE}{path}", {"extensions": "true"})
        assert response.status_code == 200
        body = parse(response, fmt)
        if fmt == "json":
            notes = body[0]["notes"]
        else:
            notes = [{n.tag: n.text for n in note} for note in body.findall("request/notes/note")]
        assert [n["type"] for n in notes] == ["created", "status"]
        assert notes[0]["datetime"].endswith("+07:00")
    plain = json.loads(client.get(f"{BASE}requests.json").content)
    assert "notes" not in plain[0]


def test_clients_post_without_any_csrf_token(o311: Open311) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(f"{BASE}requests.json", valid(o311))
    assert response.status_code == 200, response.content
    report = Report.objects.get()
    update = strict.post(
        f"{BASE}servicerequestupdates.json",
        {"api_key": o311.key, "service_request_id": report.public_id, "description": "Thêm"},
    )
    assert update.status_code == 200
