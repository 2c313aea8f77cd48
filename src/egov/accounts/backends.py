from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from egov.accounts.models import User
from egov.accounts.validators import normalize_mobile_phone


def find_user_by_sign_in(identifier: str) -> User | None:
    """The account whose email address or mobile number is ``identifier``."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    try:
        phone = normalize_mobile_phone(identifier)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone).first()


class EmailOrPhoneBackend(ModelBackend):
    """Sign in with an email address or a Vietnamese mobile number and a password."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        identifier = username or kwargs.get(User.USERNAME_FIELD) or ""
        if password is None:
            return None
        user = find_user_by_sign_in(identifier)
        if user is None:
            # Hash anyway so that a missing account takes as long as a wrong password.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
