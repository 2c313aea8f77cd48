"""Reads of accounts."""

from __future__ import annotations

from django.db.models import QuerySet

from egov.accounts.models import ApiToken, User
from egov.core.errors import NotFound


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def api_token_get(*, user: User, token_id: int) -> ApiToken:
    """One of ``user``'s own tokens; another user's token is reported as not found."""
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound()
    return token
