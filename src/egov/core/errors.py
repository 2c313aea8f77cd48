"""Domain errors raised by services and turned into one error format by pages and the API.

Every error carries a message in the user's language (services use gettext) and, for
validation errors, the messages for each field, so that a form or an API client can show
them next to the right input.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils.translation import gettext_lazy as _


class EgovError(Exception):
    """Base of the errors a service raises on purpose. Nothing has been written when raised."""

    status = 400
    code = "invalid"
    default_message = _("The request is not valid.")

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        self.message = str(message if message is not None else self.default_message)
        if code:
            self.code = code
        self.fields = {name: [str(m) for m in msgs] for name, msgs in (fields or {}).items()}
        super().__init__(self.message)


class ValidationFailed(EgovError):
    status = 400
    code = "invalid"
    default_message = _("Some of the values given are not valid.")


class NotAuthenticated(EgovError):
    status = 401
    code = "not_authenticated"
    default_message = _("Please sign in first.")


class PermissionDenied(EgovError):
    status = 403
    code = "forbidden"
    default_message = _("You do not have permission to do this.")


class NotFound(EgovError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(EgovError):
    status = 409
    code = "conflict"
    default_message = _("Someone else changed this at the same time. Reload and try again.")


class TooManyRequests(EgovError):
    status = 429
    code = "too_many_requests"
    default_message = _("Too many attempts. Please wait and try again later.")
