from __future__ import annotations

import pytest
from django.urls import reverse

from egov.accounts.models import User, UserKind
from egov.core.models import AuditRecord

GOOD = {
    "kind": "citizen",
    "full_name": "Nguyễn Văn An",
    "email": "an@example.com",
    "phone": "0912345678",
    "citizen_id": "072190001234",
    "organization_name": "",
    "tax_code": "",
    "password": "mot-mat-khau-dai",
    "password_confirm": "mot-mat-khau-dai",
}


def test_register_page_creates_account_and_signs_in(client, db):
    response = client.post(reverse("accounts:register"), GOOD)
    assert response.status_code == 302
    user = User.objects.get(email="an@example.com")
    assert user.phone == "+84912345678"
    assert user.kind == UserKind.CITIZEN
    assert user.password.startswith("md5$") or user.password.startswith("argon2")
    assert client.get(reverse("accounts:profile")).status_code == 200
    assert AuditRecord.objects.filter(
        action="accounts.user.register", object_id=str(user.pk)
    ).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("citizen_id", "12345", "12 chữ số"),
        ("phone", "12345", "số di động"),
        ("email", "an@", "email"),
    ],
)
def test_bad_identifier_shows_message_on_field_and_saves_nothing(client, db, field, value, message):
    data = {**GOOD, field: value}
    response = client.post(reverse("accounts:register"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert User.objects.count() == 0
    assert AuditRecord.objects.count() == 0


def test_bad_tax_code_for_business(client, db):
    data = {**GOOD, "kind": "business", "organization_name": "Cty A", "tax_code": "0100112438"}
    response = client.post(reverse("accounts:register"), data)
    assert "tax_code" in response.context["form"].errors
    assert User.objects.count() == 0


def test_email_or_phone_is_required(client, db):
    response = client.post(reverse("accounts:register"), {**GOOD, "email": "", "phone": ""})
    assert "email" in response.context["form"].errors
    assert User.objects.count() == 0


def test_duplicate_phone_is_refused(client, db):
    client.post(reverse("accounts:register"), GOOD)
    client.logout()
    response = client.post(
        reverse("accounts:register"), {**GOOD, "email": "other@example.com", "citizen_id": ""}
    )
    assert "phone" in response.context["form"].errors
    assert User.objects.count() == 1


def test_register_page_in_english(client, db):
    client.cookies["django_language"] = "en"
    response = client.post(reverse("accounts:register"), {**GOOD, "citizen_id": "12"})
    assert "exactly 12 digits" in response.content.decode()


def test_api_register_and_field_errors(client, db):
    url = "/api/v1/auth/register"
    payload = {k: v for k, v in GOOD.items() if k != "password_confirm"}
    bad = client.post(url, {**payload, "tax_code": "123"}, content_type="application/json")
    assert bad.status_code == 400
    body = bad.json()["error"]
    assert body["code"] == "invalid"
    assert "tax_code" in body["fields"]
    assert User.objects.count() == 0
    ok = client.post(url, payload, content_type="application/json")
    assert ok.status_code == 201
    assert ok.json()["phone"] == "+84912345678"
