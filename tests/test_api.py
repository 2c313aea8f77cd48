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


# --- Every answer under /api/v1/ is JSON (issue 15) ----------------------------------------


def test_unknown_paths_answer_the_json_error(client, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)  # a stray POST is not a CSRF failure either
    for response in [
        client.get("/api/v1/no-such-thing"),
        client.get("/api/v1/"),
        client.get("/api/v1/procedures/1.000001/nothing/here"),
        client.get("/api/v1/api/v1/health"),
        strict.post("/api/v1/no-such-thing", {"a": "b"}),
        strict.delete("/api/v1/no/such/thing"),
    ]:
        assert response["Content-Type"].startswith("application/json"), response.content
        error = assert_error(response, 404, "not_found")
        assert "/api/v1/docs" in error["message"]
    vi = client.get("/api/v1/no-such-thing").json()["error"]["message"]
    en = client.get("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    assert en.startswith("There is no API endpoint at /api/v1/no-such-thing.")
    assert vi != en and "/api/v1/no-such-thing" in vi


def test_a_trailing_slash_is_an_unknown_path_that_names_the_right_one(client, db):
    error = assert_error(
        client.get("/api/v1/procedures/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found"
    )
    assert "Did you mean /api/v1/procedures?" in error["message"]
    error = assert_error(client.get("/api/v1/health/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found")
    assert "Did you mean /api/v1/health?" in error["message"]
    # no hint when the other spelling does not exist either
    error = assert_error(
        client.get("/api/v1/nothing/", HTTP_ACCEPT_LANGUAGE="en"), 404, "not_found"
    )
    assert "Did you mean" not in error["message"]
    # the right spelling still works
    assert client.get("/api/v1/health").status_code == 200


def test_a_wrong_method_is_a_json_405_with_allow(client, db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    for response in [client.delete("/api/v1/health"), strict.post("/api/v1/health")]:
        assert_error(response, 405, "method_not_allowed")
        assert response["Allow"] == "GET"
    en = client.put("/api/v1/sectors", HTTP_ACCEPT_LANGUAGE="en").json()["error"]["message"]
    vi = client.put("/api/v1/sectors").json()["error"]["message"]
    assert en == "This address does not take PUT requests; it takes GET."
    assert vi != en and "PUT" in vi
    response = client.post("/api/v1/procedures/1.000001", HTTP_ACCEPT_LANGUAGE="en")
    error = assert_error(response, 405, "method_not_allowed")
    assert response["Allow"] == "GET, PUT" and error["message"].endswith("it takes GET, PUT.")


# --- Authentication before CSRF (issue 15) -------------------------------------------------


def test_a_write_without_credentials_is_401_not_a_csrf_failure(db):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/api/v1/dossiers", {"procedure": "x"})
    error = assert_error(response, 401, "not_authenticated")
    assert "CSRF" not in error["message"]
    assert_error(
        strict.delete("/api/v1/auth/tokens/1", HTTP_AUTHORIZATION="Bearer egov_wrong"),
        401,
        "not_authenticated",
    )


def test_token_calls_skip_csrf_and_session_writes_need_it(world):
    from django.middleware.csrf import get_token
    from django.test import Client, RequestFactory

    from egov.accounts.models import ApiToken
    from egov.accounts.services import api_token_create

    token, raw = api_token_create(user=world.citizen, name="t")
    strict = Client(enforce_csrf_checks=True)
    # A token call carries no CSRF token and is not checked, even with a session cookie.
    strict.force_login(world.citizen)
    response = strict.delete(f"/api/v1/auth/tokens/{token.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 204
    assert not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).exists()
    # The same write with only the session and no CSRF token is refused, and changes nothing.
    other, _raw = api_token_create(user=world.citizen, name="u")
    error = assert_error(strict.delete(f"/api/v1/auth/tokens/{other.pk}"), 403, "forbidden")
    assert "CSRF" in error["message"]
    assert ApiToken.objects.filter(pk=other.pk, revoked_at__isnull=True).exists()
    # With the CSRF cookie and header it goes through.
    request = RequestFactory().get("/")
    csrf = get_token(request)
    strict.cookies["csrftoken"] = request.META["CSRF_COOKIE"]
    response = strict.delete(f"/api/v1/auth/tokens/{other.pk}", HTTP_X_CSRFTOKEN=csrf)
    assert response.status_code == 204
    assert not ApiToken.objects.filter(pk=other.pk, revoked_at__isnull=True).exists()


def test_a_bug_answers_a_json_500_and_is_reported(db, monkeypatch, caplog):
    from django.core.signals import got_request_exception
    from django.db import connection
    from django.test import Client

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("boom")

    signalled = []

    def receiver(**kwargs):
        signalled.append(kwargs["request"].path)

    got_request_exception.connect(receiver)
    try:
        client = Client(raise_request_exception=False)
        with caplog.at_level("ERROR", logger="django.request"), monkeypatch.context() as m:
            m.setattr(connection, "cursor", broken_cursor)
            response = client.get("/api/v1/health", HTTP_ACCEPT_LANGUAGE="en")
    finally:
        got_request_exception.disconnect(receiver)
    error = assert_error(response, 500, "server_error")
    assert response["Content-Type"].startswith("application/json")
    assert "boom" not in response.content.decode()  # no internals leak to the caller
    assert error["message"].startswith("Something went wrong")
    assert signalled == ["/api/v1/health"]
    logged = [r for r in caplog.records if r.name == "django.request"]
    assert len(logged) == 1 and "boom" in str(logged[0].exc_info[1])  # once, with the traceback


def test_an_unreadable_request_is_a_json_400(client, db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"username": "x" * 500, "password": "y"})
    response = client.post(
        "/api/v1/auth/tokens", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi"
    )
    error = assert_error(response, 400, "invalid")
    assert error["message"] == "Không đọc được yêu cầu gửi lên."
