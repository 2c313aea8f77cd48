from __future__ import annotations

from egov.core.models import AuditRecord
from egov.procedures.models import Procedure
from tests.procedures.conftest import procedure


def token(user):
    from egov.accounts.services import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def test_search_and_detail(client, catalog):
    body = client.get("/api/v1/procedures", {"q": "dang ky khai sinh"}).json()
    # The phrase match first; marriage registration also holds every word (its documents
    # include "Tờ khai" and "Giấy chứng sinh"), so it follows.
    assert [i["code"] for i in body["items"]] == ["1.001193", "1.000894", "1.009994"]
    detail = client.get("/api/v1/procedures/1.001193").json()
    assert [s["duration"] for s in detail["steps"]] == [0.5, 2, 0.5]
    assert detail["components"][0]["form"] == "to-khai.docx"
    sectors = client.get("/api/v1/sectors").json()
    assert {s["code"]: s["procedure_count"] for s in sectors} == {"HT": 2, "XD": 1}


def test_errors(client, catalog):
    assert client.get("/api/v1/procedures/9.999999").json()["error"]["code"] == "not_found"
    bad = client.get("/api/v1/procedures", {"sector": "NOPE", "page_size": 20})
    assert bad.status_code == 400 and "sector" in bad.json()["error"]["fields"]
    assert client.get("/api/v1/procedures", {"page_size": 1000}).status_code == 400


def payload(**overrides):
    data = procedure("1.001193", "Đăng ký khai sinh (sửa)", **overrides)
    data.pop("code")
    return data


def test_put_by_admin_updates_and_audits(client, catalog, world):
    response = client.put(
        "/api/v1/procedures/1.001193",
        payload(),
        content_type="application/json",
        **token(world.admin),
    )
    assert response.status_code == 200, response.content
    assert response.json()["version"] == 2
    assert Procedure.objects.get(code="1.001193").name == "Đăng ký khai sinh (sửa)"
    assert AuditRecord.objects.filter(action="procedures.procedure.update").exists()


def test_put_rejects_steps_that_do_not_add_up(client, catalog, world):
    response = client.put(
        "/api/v1/procedures/1.001193",
        payload(processing_time=10),
        content_type="application/json",
        **token(world.admin),
    )
    assert response.status_code == 400
    assert "steps" in response.json()["error"]["fields"]
    assert Procedure.objects.get(code="1.001193").version == 1


def test_put_permissions(client, catalog, world):
    permit = payload(
        sector="XD",
        level="province",
        implementing_agency_type="department",
        implementing_agency=world.a.code,
    )
    # A leader of A edits A's procedure; a leader of B may not; nobody but admins edits commune ones.
    assert (
        client.put(
            "/api/v1/procedures/1.009994",
            permit,
            content_type="application/json",
            **token(world.leader_a),
        ).status_code
        == 200
    )
    assert (
        client.put(
            "/api/v1/procedures/1.009994",
            permit,
            content_type="application/json",
            **token(world.leader_b),
        ).status_code
        == 403
    )
    assert (
        client.put(
            "/api/v1/procedures/1.001193",
            payload(),
            content_type="application/json",
            **token(world.leader_a),
        ).status_code
        == 403
    )
    assert (
        client.put(
            "/api/v1/procedures/1.001193", payload(), content_type="application/json"
        ).status_code
        == 401
    )
