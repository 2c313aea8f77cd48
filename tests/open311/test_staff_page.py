"""The administrators' page for API keys."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from egov.open311.models import ApiClient
from egov.open311.services import api_client_authenticate
from tests.conftest import World

pytestmark = pytest.mark.django_db
URL = "/staff/open311/keys/"


def test_an_administrator_issues_a_key_shown_once(client: Client, world: World) -> None:
    client.force_login(world.admin)
    response = client.post(URL, {"name": "Ứng dụng Tây Ninh Số", "contact": "it@tayninh.gov.vn"})
    assert response.status_code == 200
    key = re.search(r'<code id="issued-key">([^<]+)</code>', response.content.decode())
    assert key is not None
    client_app = api_client_authenticate(key[1])
    assert client_app is not None and client_app.created_by == world.admin
    again = client.get(URL).content.decode()
    assert "Ứng dụng Tây Ninh Số" in again and key[1] not in again


def test_an_administrator_revokes_a_key(client: Client, world: World) -> None:
    client.force_login(world.admin)
    client.post(URL, {"name": "App"})
    app = ApiClient.objects.get()
    response = client.post(f"{URL}{app.pk}/revoke/")
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.revoked_at is not None


def test_a_name_is_required(client: Client, world: World) -> None:
    client.force_login(world.admin)
    response = client.post(URL, {"name": ""})
    assert response.status_code == 400
    assert not ApiClient.objects.exists()


def test_other_staff_may_not(client: Client, world: World) -> None:
    client.force_login(world.leader_a)
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"name": "App"}).status_code == 403
    assert not ApiClient.objects.exists()


def test_citizens_are_sent_to_sign_in(client: Client, world: World) -> None:
    client.force_login(world.citizen)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_page_in_both_languages(client: Client, world: World, language: str) -> None:
    client.force_login(world.admin)
    client.cookies["django_language"] = language
    response = client.get(URL)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.content.decode()


def test_the_django_admin_lists_clients_read_only(client: Client, world: World) -> None:
    from egov.open311.services import api_client_create

    app, key = api_client_create(actor=world.admin, name="Ứng dụng xem")
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client.force_login(world.admin)
    page = client.get("/admin/open311/apiclient/")
    assert page.status_code == 200
    assert "Ứng dụng xem" in page.content.decode() and key not in page.content.decode()
    assert client.get("/admin/open311/apiclient/add/").status_code == 403
    detail = client.get(f"/admin/open311/apiclient/{app.pk}/change/").content.decode()
    assert app.key_hash not in detail
