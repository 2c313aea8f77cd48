"""The API shell: one error format, the OpenAPI schema, docs served without a CDN."""

from __future__ import annotations

import json


def assert_error(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["status"] == status
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]


def test_error_format_401_403_404_422_400(client, world):
    assert_error(client.get("/api/v1/me"), 401, "not_authenticated")
    client.force_login(world.specialist_a)
    assert_error(client.get("/api/v1/agencies/999999"), 404, "not_found")
    assert_error(
        client.patch(
            f"/api/v1/agencies/{world.a.pk}", {"name": "X"}, content_type="application/json"
        ),
        403,
        "forbidden",
    )
    error = assert_error(client.get("/api/v1/agencies/not-a-number"), 422, "validation_error")
    assert "agency_id" in error["fields"]
    client.force_login(world.leader_a)
    error = assert_error(
        client.patch(
            f"/api/v1/agencies/{world.a.pk}", {"email": "x"}, content_type="application/json"
        ),
        400,
        "invalid",
    )
    assert "email" in error["fields"]


def test_conflict_is_409(db):
    """Services raise Conflict for a stale version (used from the dossier lifecycle on)."""
    from django.test import RequestFactory

    from egov.api import api
    from egov.core.errors import Conflict

    response = api.on_exception(RequestFactory().get("/api/v1/x"), Conflict())
    assert response.status_code == 409
    assert json.loads(response.content)["error"]["code"] == "conflict"


def test_messages_follow_the_language(client, db):
    vi = client.get("/api/v1/me").json()["error"]["message"]
    en = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    assert en == "Please sign in first."
    assert vi != en


def test_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path in [
        "/api/v1/agencies",
        "/api/v1/agencies/{agency_id}",
        "/api/v1/auth/tokens",
        "/api/v1/me",
        "/api/v1/health",
    ]:
        assert path in paths
    schemes = schema["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    assert "ErrorOut" in schema["components"]["schemas"]


def test_docs_page_uses_only_local_assets(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle" in html
    assert "cdn" not in html.lower() and "https://" not in html


def test_health(client, db):
    assert client.get("/api/v1/health").json()["status"] == "ok"


def test_me_lists_roles(client, world):
    client.force_login(world.leader_a)
    roles = client.get("/api/v1/me").json()["roles"]
    assert roles == [
        {
            "agency_id": world.a.pk,
            "agency_name": "Sở A",
            "agency_code": world.a.code,
            "role": "leader",
            "role_label": roles[0]["role_label"],
        }
    ]
