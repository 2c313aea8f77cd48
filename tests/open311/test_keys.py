"""API keys: issued by administrators (service, command), stored as a hash, revocable."""

from __future__ import annotations

import hashlib

import pytest
from django.core.management import CommandError, call_command

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.models import AuditRecord
from egov.open311.models import ApiClient
from egov.open311.services import (
    api_client_authenticate,
    api_client_create,
    api_client_revoke,
)
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_a_key_is_shown_once_and_stored_as_a_hash(world: World) -> None:
    client, key = api_client_create(actor=world.admin, name="Ứng dụng phản ánh", contact="a@b.vn")
    stored = ApiClient.objects.get()
    assert key not in {stored.key_hash, stored.prefix, stored.name}
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key.startswith(stored.prefix)
    assert api_client_authenticate(key) == client
    assert api_client_authenticate(key + "x") is None
    assert api_client_authenticate("") is None
    record = AuditRecord.objects.get(action="open311.api_client.create")
    assert record.object_id == str(client.pk) and key not in str(record.changes)


def test_a_revoked_key_no_longer_works(world: World) -> None:
    client, key = api_client_create(actor=world.admin, name="App")
    api_client_revoke(actor=world.admin, client_id=client.pk)
    assert api_client_authenticate(key) is None
    assert AuditRecord.objects.filter(action="open311.api_client.revoke").count() == 1


def test_only_provincial_administrators_issue_keys(world: World) -> None:
    with pytest.raises(PermissionDenied):
        api_client_create(actor=world.leader_a, name="App")
    client, _key = api_client_create(actor=world.admin, name="App")
    with pytest.raises(PermissionDenied):
        api_client_revoke(actor=world.leader_a, client_id=client.pk)
    assert ApiClient.objects.count() == 1 and ApiClient.objects.get().revoked_at is None


def test_a_name_is_required(world: World) -> None:
    with pytest.raises(ValidationFailed) as caught:
        api_client_create(actor=world.admin, name="  ")
    assert "name" in caught.value.fields
    assert not ApiClient.objects.exists()


def test_the_command_issues_lists_and_revokes(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("open311", "issue", "Đối tác", "--contact", "0901234567")
    out = capsys.readouterr().out
    key = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("api_key"))
    client = api_client_authenticate(key)
    assert client is not None and client.name == "Đối tác"
    call_command("open311", "list")
    assert "Đối tác" in capsys.readouterr().out
    call_command("open311", "revoke", str(client.pk))
    assert api_client_authenticate(key) is None
    with pytest.raises(CommandError):
        call_command("open311", "issue", "")
    with pytest.raises(CommandError):
        call_command("open311", "revoke", "999999")


def test_the_demo_prints_a_working_key_and_revokes_the_previous_one() -> None:
    from egov.demo import demo_open311_key

    _who, first, _password = demo_open311_key()
    _who, second, _password = demo_open311_key()
    assert api_client_authenticate(first) is None
    assert api_client_authenticate(second) is not None
