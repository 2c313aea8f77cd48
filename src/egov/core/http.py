"""Request types for views, so that type checking knows what middleware adds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from egov.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def request_user(request: HttpRequest) -> User:
    """The signed-in user of a request that a login check has already let through."""
    from egov.accounts.models import User

    user = request.user
    if not isinstance(user, User):
        raise PermissionError("this view requires a signed-in user")
    return user
