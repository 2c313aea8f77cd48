"""The pieces every API router shares: authentication, the error format and its schemas."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import Resolver404, URLPattern, URLResolver, re_path, resolve, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import BaseModel

from egov.core.errors import EgovError

logger = logging.getLogger("django.request")


class Out(BaseModel):
    """The schema of an answer the view builds as a dict (a plain pydantic model).

    Ninja's ``Schema`` reads every field of every nested object through a Python getter so
    that it can take ORM objects; from a dict that made validating a dossier with its events
    eight times slower (77 against 9 microseconds). An answer built from model instances
    keeps ``Schema``.
    """


class ErrorDetail(Schema):
    status: int
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    """Every error the API returns: ``{"error": {status, code, message, fields}}``."""

    error: ErrorDetail


ERROR_RESPONSES: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class TokenAuth(HttpBearer):
    """``Authorization: Bearer egov_…``: a token created with POST /api/v1/auth/tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from egov.accounts.services import api_token_authenticate

        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser's signed-in session; a write must carry the CSRF token.

    Ninja's own ``SessionAuth`` checks the CSRF token before it looks for a session, so a
    write that carries no credentials at all was refused as a CSRF failure (403, "reload the
    page") instead of 401. Here a request without a signed-in session is simply not
    authenticated by this scheme (401 when no other scheme accepts it), and the CSRF check
    applies only to a request that a session does authenticate. A bearer token is tried
    first (``auth=[TokenAuth(), SessionAuth()]``), so token calls are never checked for CSRF.
    """

    param_name: str = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)  # the CSRF check (403), then authenticate()

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user


def error_body(
    status: int, code: str, message: str, fields: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "fields": fields or {}}}


def _field_name(loc: Any) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "form", "payload")]
    return ".".join(parts) or "__all__"


def install_error_handlers(api: NinjaAPI) -> None:
    """Make every error of ``api`` take the one format of ``ErrorOut``."""

    def respond(
        request: HttpRequest, status: int, code: str, message: str, fields: Any = None
    ) -> HttpResponse:
        return api.create_response(
            request, error_body(status, code, message, fields), status=status
        )

    @api.exception_handler(EgovError)
    def egov_error(request: HttpRequest, exc: EgovError) -> HttpResponse:
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(NinjaValidationError)
    def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        fields: dict[str, list[str]] = {}
        for err in exc.errors:
            fields.setdefault(_field_name(err.get("loc", ())), []).append(str(err.get("msg", "")))
        return respond(
            request, 422, "validation_error", _("Some of the values given are not valid."), fields
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return respond(request, 401, "not_authenticated", _("Please sign in first."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        codes = {
            400: "invalid",
            401: "not_authenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
            409: "conflict",
            429: "too_many_requests",
        }
        message = str(exc)
        if exc.status_code == 403 and "CSRF" in message:
            message = _(
                "The security token (CSRF) is missing or wrong. Reload the page and try again."
            )
        return respond(request, exc.status_code, codes.get(exc.status_code, "error"), message)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, "not_found", _("Not found."))

    @api.exception_handler(DjangoPermissionDenied)
    def forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return respond(request, 403, "forbidden", _("You do not have permission to do this."))

    @api.exception_handler(SuspiciousOperation)
    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # As Django answers it (400), logged on django.security; e.g. a body over
        # DATA_UPLOAD_MAX_MEMORY_SIZE or too many fields.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        return respond(request, 400, "invalid", _("The request could not be read."))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        """A bug answers the one error format too, never Django's HTML 500 page.

        It is reported as Django reports an uncaught exception: logged on ``django.request``
        (mailed to ``ADMINS`` by ``AdminEmailHandler``) and signalled with
        ``got_request_exception``, which also makes the test client raise it. With ``DEBUG``
        on, Ninja's own handler shows the traceback instead."""
        if settings.DEBUG:
            raise exc
        got_request_exception.send(sender=None, request=request)
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        response = respond(
            request,
            500,
            "server_error",
            _(
                "Something went wrong. The error has been recorded. Please try again in a few minutes."
            ),
        )
        response._has_been_logged = True  # type: ignore[attr-defined]  # Django's log_response
        return response


NOT_FOUND_URL_NAME = "api-not-found"


class EgovAPI(NinjaAPI):
    """A ``NinjaAPI`` that answers every request under its prefix in the one error format.

    Ninja's URL map leaves three holes that Django fills with its HTML pages: a path no
    operation has (including the same path with or without a trailing slash, and a path
    parameter of the wrong type, as ``/dossiers/abc``), the API's root, and a method the
    path does not take (plain-text 405). Here the root and a last, catch-all pattern answer
    a JSON 404 (with the other spelling when only the trailing slash is wrong), and each
    operation's view turns Ninja's 405 into a JSON 405 that keeps the ``Allow`` header.
    Messages follow the language of the request (Accept-Language on /api/).
    """

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if not isinstance(pattern, URLPattern):
                continue
            if pattern.name == "api-root":  # Ninja's raises Http404: Django's HTML page
                pattern.callback = csrf_exempt(self.not_found_view)
            elif pattern.name not in ("openapi-json", "openapi-view"):
                pattern.callback = self._json_method_not_allowed(pattern.callback)
        catch_all = re_path(r"^.*$", csrf_exempt(self.not_found_view), name=NOT_FOUND_URL_NAME)
        return [*patterns, catch_all], app_name, namespace

    def _json_method_not_allowed(self, view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            response = view(request, *args, **kwargs)
            if not isinstance(response, HttpResponseNotAllowed):
                return response
            allowed = ", ".join(sorted(m.strip() for m in response["Allow"].split(",")))
            answer = self.create_response(
                request,
                error_body(
                    405,
                    "method_not_allowed",
                    _("This address does not take %(method)s requests; it takes %(allowed)s.")
                    % {"method": request.method, "allowed": allowed},
                ),
                status=405,
            )
            answer["Allow"] = allowed
            return answer

        return wrapper

    def not_found_view(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        """The JSON 404 for a path no operation has."""
        path = request.path
        other = path[:-1] if path.endswith("/") else f"{path}/"
        try:
            match = resolve(other, getattr(request, "urlconf", None))
        except Resolver404:
            match = None
        if match is not None and match.url_name not in (NOT_FOUND_URL_NAME, "api-root"):
            message = _("There is no API endpoint at %(path)s. Did you mean %(other)s?") % {
                "path": path,
                "other": other,
            }
        else:
            message = _("There is no API endpoint at %(path)s.") % {"path": path}
        if self.docs_url:
            docs = reverse(f"{self.urls_namespace}:openapi-view")
            message = f"{message} " + _("The endpoints are listed at %(docs)s.") % {"docs": docs}
        return self.create_response(request, error_body(404, "not_found", message), status=404)
