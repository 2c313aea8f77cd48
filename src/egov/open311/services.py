"""Issuing and revoking Open311 API keys, and recognising a key on a request."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import User
from egov.core.errors import NotFound, ValidationFailed
from egov.core.services import audit_record_create
from egov.open311.models import ApiClient
from egov.organizations.permissions import require_province_admin

KEY_PREFIX = "o311_"


def _hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_client_create(
    *, actor: User | AnonymousUser | None, name: str, contact: str = ""
) -> tuple[ApiClient, str]:
    """Issue a key to a client application; returns the client and the key, shown only once.

    ``actor`` is None when the server's operator issues the key with ``egov open311``.
    """
    if actor is not None:
        require_province_admin(actor)
    name, contact = name.strip(), contact.strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the application a name.")]
    elif len(name) > 100:
        errors["name"] = [_("The name is longer than 100 characters.")]
    if len(contact) > 200:
        errors["contact"] = [_("The contact is longer than 200 characters.")]
    if errors:
        raise ValidationFailed(fields=errors)
    secret = secrets.token_urlsafe(32)
    raw = f"{KEY_PREFIX}{secret}"
    client = ApiClient.objects.create(
        name=name,
        contact=contact,
        prefix=raw[: len(KEY_PREFIX) + 6],
        key_hash=_hash_key(raw),
        created_by=actor if isinstance(actor, User) else None,
    )
    audit_record_create(
        actor=actor,
        action="open311.api_client.create",
        obj=client,
        changes={"name": name, "contact": contact},
    )
    return client, raw


@transaction.atomic
def api_client_revoke(*, actor: User | AnonymousUser | None, client_id: int) -> ApiClient:
    """Revoke a client's key; requests carrying it are refused from now on."""
    if actor is not None:
        require_province_admin(actor)
    client = ApiClient.objects.select_for_update().filter(pk=client_id).first()
    if client is None:
        raise NotFound(_("No such API client."))
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
        audit_record_create(actor=actor, action="open311.api_client.revoke", obj=client)
    return client


def api_client_authenticate(raw: str | None) -> ApiClient | None:
    """The active client a key belongs to, or None for a missing, unknown or revoked key."""
    if not raw or not raw.startswith(KEY_PREFIX):
        return None
    client = ApiClient.objects.filter(key_hash=_hash_key(raw), revoked_at__isnull=True).first()
    if client is None:
        return None
    now = timezone.now()
    # Record use at most once a minute, so that reads do not write on every request.
    if client.last_used_at is None or now - client.last_used_at > timedelta(minutes=1):
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
    return client
