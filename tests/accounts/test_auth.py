from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from egov.accounts.models import ApiToken
from tests import factories


def sign_in(client, username, password=factories.PASSWORD):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_sign_in_with_email_or_phone(client, db):
    factories.user(email="binh@example.com", phone="+84912000111")
    assert sign_in(client, "Binh@Example.com").status_code == 302
    client.logout()
    assert sign_in(client, "0912 000 111").status_code == 302


def test_wrong_password_message(client, db):
    factories.user(email="binh@example.com")
    response = sign_in(client, "binh@example.com", "wrong")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_failed_sign_ins_are_throttled(client, db, settings):
    factories.user(email="binh@example.com")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "binh@example.com", "wrong")
    locked = sign_in(client, "binh@example.com")  # even the right password
    assert locked.status_code == 429
    assert "Quá nhiều lần đăng nhập sai" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_token_lifecycle(client, db):
    factories.user(email="dev@example.com")
    response = client.post(
        "/api/v1/auth/tokens",
        {"username": "dev@example.com", "password": factories.PASSWORD, "name": "CI"},
        content_type="application/json",
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    assert raw.startswith("egov_")
    token = ApiToken.objects.get()
    assert raw not in (token.key_hash, token.prefix)  # only the hash is kept
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **auth).json()["email"] == "dev@example.com"
    assert client.delete(f"/api/v1/auth/tokens/{token.pk}", **auth).status_code == 204
    assert client.get("/api/v1/me", **auth).status_code == 401


def test_expired_token_is_refused(client, db):
    factories.user(email="dev@example.com")
    raw = client.post(
        "/api/v1/auth/tokens",
        {"username": "dev@example.com", "password": factories.PASSWORD},
        content_type="application/json",
    ).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_token_api_is_throttled(client, db, settings):
    factories.user(email="dev@example.com")
    payload = {"username": "dev@example.com", "password": "wrong"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post("/api/v1/auth/tokens", payload, content_type="application/json").status_code
            == 401
        )
    # The failure that reaches the limit is answered with the lock-out already.
    assert (
        client.post("/api/v1/auth/tokens", payload, content_type="application/json").status_code
        == 429
    )
    payload["password"] = factories.PASSWORD
    response = client.post("/api/v1/auth/tokens", payload, content_type="application/json")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_requests"


def test_token_pages_create_and_revoke(client, db):
    user = factories.user(email="dev@example.com")
    client.force_login(user)
    page = client.post(reverse("accounts:token_create"), {"name": "Script"})
    assert "egov_" in page.content.decode()
    token = ApiToken.objects.get(user=user)
    other = factories.user(email="other@example.com")
    client.force_login(other)
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    client.force_login(user)
    client.post(reverse("accounts:token_revoke", args=[token.pk]), HTTP_HX_REQUEST="true")
    token.refresh_from_db()
    assert token.revoked_at is not None
