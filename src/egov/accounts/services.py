"""Writes of accounts: registration, staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egov.accounts.models import ApiToken, User, UserKind
from egov.accounts.validators import (
    normalize_citizen_id,
    normalize_email,
    normalize_mobile_phone,
    normalize_tax_code,
)
from egov.core.db import CompiledQuery, prepared_statements
from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.services import audit_record_create

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

TOKEN_PREFIX = "egov_"


def _clean_identity(
    *,
    email: str,
    phone: str,
    citizen_id: str,
    tax_code: str,
    errors: dict[str, list[str]],
    exclude_pk: int | None = None,
) -> dict[str, str | None]:
    """Normalize and check the identifiers of an account, collecting one message per field."""
    cleaned: dict[str, str | None] = {
        "email": None,
        "phone": None,
        "citizen_id": None,
        "tax_code": "",
    }
    checks = [
        ("email", email, normalize_email),
        ("phone", phone, normalize_mobile_phone),
        ("citizen_id", citizen_id, normalize_citizen_id),
        ("tax_code", tax_code, normalize_tax_code),
    ]
    for field, raw, normalize in checks:
        if raw and raw.strip():
            try:
                cleaned[field] = normalize(raw)
            except ValidationError as exc:
                errors.setdefault(field, []).extend(exc.messages)
    if (
        not cleaned["email"]
        and not cleaned["phone"]
        and "email" not in errors
        and "phone" not in errors
    ):
        errors.setdefault("email", []).append(_("Enter an email address or a mobile number."))
    others = User.objects.exclude(pk=exclude_pk) if exclude_pk else User.objects.all()
    if cleaned["email"] and others.filter(email__iexact=cleaned["email"]).exists():
        errors.setdefault("email", []).append(_("An account with this email address exists."))
    if cleaned["phone"] and others.filter(phone=cleaned["phone"]).exists():
        errors.setdefault("phone", []).append(_("An account with this mobile number exists."))
    if cleaned["citizen_id"] and others.filter(citizen_id=cleaned["citizen_id"]).exists():
        errors.setdefault("citizen_id", []).append(
            _("An account with this citizen identity number exists.")
        )
    return cleaned


@transaction.atomic
def user_register(
    *,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
    kind: str = UserKind.CITIZEN,
    citizen_id: str = "",
    tax_code: str = "",
    organization_name: str = "",
) -> User:
    """Register a citizen or business account. Raises ValidationFailed with every bad field."""
    errors: dict[str, list[str]] = {}
    if kind not in (UserKind.CITIZEN, UserKind.BUSINESS):
        errors["kind"] = [_("Choose citizen or business.")]
    full_name = " ".join((full_name or "").split())
    if not full_name:
        errors["full_name"] = [_("Enter your full name.")]
    cleaned = _clean_identity(
        email=email, phone=phone, citizen_id=citizen_id, tax_code=tax_code, errors=errors
    )
    if kind == UserKind.BUSINESS and not organization_name.strip():
        errors["organization_name"] = [_("Enter the name of the business.")]
    candidate = User(
        email=cleaned["email"],
        phone=cleaned["phone"],
        full_name=full_name,
        kind=kind,
        citizen_id=cleaned["citizen_id"],
        tax_code=cleaned["tax_code"] or "",
        organization_name=organization_name.strip(),
    )
    try:
        password_validation.validate_password(password, candidate)
    except ValidationError as exc:
        errors["password"] = list(exc.messages)
    if errors:
        raise ValidationFailed(fields=errors)
    candidate.set_password(password)
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:
        # Another registration with the same email or phone won the race.
        raise ValidationFailed(
            fields={"email": [_("An account with this email address or mobile number exists.")]}
        ) from None
    audit_record_create(
        actor=candidate,
        action="accounts.user.register",
        obj=candidate,
        changes={"kind": kind, "email": candidate.email, "phone": candidate.phone},
    )
    return candidate


@transaction.atomic
def staff_user_create(
    *,
    actor: User | AnonymousUser | None,
    full_name: str,
    email: str,
    password: str,
    phone: str = "",
    check_permission: bool = True,
) -> User:
    """Create a staff account (roles are given with ``staff_role_assign``)."""
    if check_permission:
        from egov.organizations.permissions import require_province_admin

        require_province_admin(actor)
    errors: dict[str, list[str]] = {}
    cleaned = _clean_identity(email=email, phone=phone, citizen_id="", tax_code="", errors=errors)
    if not cleaned["email"]:
        errors.setdefault("email", []).append(_("Staff accounts need an email address."))
    if not full_name.strip():
        errors["full_name"] = [_("Enter the full name.")]
    if errors:
        raise ValidationFailed(fields=errors)
    user = User(
        email=cleaned["email"],
        phone=cleaned["phone"],
        full_name=full_name.strip(),
        kind=UserKind.STAFF,
        is_staff=True,
    )
    user.set_password(password)
    user.save()
    audit_record_create(
        actor=actor, action="accounts.user.create_staff", obj=user, changes={"email": user.email}
    )
    return user


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Create an API token for ``user``; returns the token and its secret, shown only once."""
    name = name.strip()
    if not name:
        raise ValidationFailed(fields={"name": [_("Give the token a name.")]})
    days = settings.EGOV_API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= 366:
        raise ValidationFailed(fields={"days": [_("A token lasts from 1 to 366 days.")]})
    secret = secrets.token_urlsafe(32)
    raw = f"{TOKEN_PREFIX}{secret}"
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:8],
        key_hash=_hash_token(raw),
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record_create(
        actor=user, action="accounts.api_token.create", obj=token, changes={"name": token.name}
    )
    return token, raw


@transaction.atomic
def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied()
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record_create(actor=actor, action="accounts.api_token.revoke", obj=token)
    return token


# Every API request runs it: compiled once per thread (core.db.CompiledQuery).
_TOKEN_BY_HASH = CompiledQuery(
    lambda key_hash: ApiToken.objects.select_related("user").filter(key_hash=key_hash),
    "egov:compile-marker",
)


@prepared_statements()  # one row by a unique hash, and its update by key
def api_token_authenticate(raw: str) -> User | None:
    """The active user a bearer token belongs to, or None for an unknown or expired token."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = _TOKEN_BY_HASH.first(_hash_token(raw))
    if token is None or not token.is_valid or not token.user.is_active:
        return None
    now = timezone.now()
    # Record use at most once a minute, to keep reads from writing on every request.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
