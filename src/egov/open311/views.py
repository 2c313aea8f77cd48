"""The Open311 GeoReport v2 endpoints at /open311/v2/.

Each view answers in the format its URL ends with (``.xml`` or ``.json``). Errors are the
spec's ``errors`` document with 404 for an unknown resource, 403 for a missing or bad
``api_key`` and 400 otherwise. The data comes from the feedback app, through ``source``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from egov.core.errors import EgovError, NotFound
from egov.open311 import render, source
from egov.open311.params import Open311Error, Params, attribute_values, request_query
from egov.open311.services import api_client_authenticate

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
FORMATS = {"xml": render.XML_CONTENT_TYPE, "json": render.JSON_CONTENT_TYPE}


def respond(
    fmt: str, root: str, content: Mapping[str, Any] | Sequence[Any], status: int = 200
) -> HttpResponse:
    body = render.to_json(content) if fmt == "json" else render.to_xml(root, content)
    response = HttpResponse(body, content_type=FORMATS[fmt], status=status)
    # Read calls are public data; browsers' apps on other sites may call them.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error_response(fmt: str, status: int, errors: list[dict[str, str]]) -> HttpResponse:
    return respond(fmt if fmt in FORMATS else "xml", "errors", errors, status=status)


# The service's field names that differ from the Open311 parameters they come from.
_PARAMETER_NAMES = {"photos": "media", "address": "address_string", "text": "description"}


def _errors_from(exc: EgovError, status: int) -> list[dict[str, str]]:
    """One Open311 error per message of a service's error, naming the parameter it concerns."""
    code = str(status)
    errors: list[dict[str, str]] = []
    for name, messages in exc.fields.items():
        base = name.split("[", 1)[0] if name.startswith("photos[") else name
        parameter = _PARAMETER_NAMES.get(base, base)
        for message in messages:
            error = {"code": code, "description": f"{parameter}: {message}"}
            if error not in errors:
                errors.append(error)
    return errors or [{"code": code, "description": exc.message}]


def open311_view(
    methods: tuple[str, ...],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Check the method and the jurisdiction, answer in the client's language, and turn
    errors into the spec's documents."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in methods:
                response = error_response(
                    fmt, 405, [{"code": "405", "description": _("Method not allowed.")}]
                )
                response["Allow"] = ", ".join(methods)
                return response
            params = Params(request)
            # Programs ask for a language on purpose (Accept-Language), as on /api/.
            with translation.override(translation.get_language_from_request(request)):
                return _answer(view, request, params, fmt, args, kwargs)

        return wrapper

    return decorate


def _answer(
    view: Callable[..., HttpResponse],
    request: HttpRequest,
    params: Params,
    fmt: str,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> HttpResponse:
    try:
        jurisdiction = params.get("jurisdiction_id")
        expected = settings.EGOV_OPEN311_JURISDICTION
        if jurisdiction is not None and expected and jurisdiction != expected:
            raise Open311Error(
                404,
                _("jurisdiction_id %(value)s not found: this server serves %(ours)s.")
                % {"value": jurisdiction, "ours": expected},
            )
        return view(request, params, *args, fmt=fmt, **kwargs)
    except Open311Error as exc:
        return error_response(fmt, exc.status, exc.errors)
    except NotFound as exc:
        return error_response(fmt, 404, _errors_from(exc, 404))
    except EgovError as exc:
        # Anything else a service refuses is the spec's 400 (its 403 is for api_key).
        return error_response(fmt, 400, _errors_from(exc, 400))


def _require_client(params: Params) -> Any:
    raw = params.get("api_key")
    if raw is None:
        raise Open311Error(403, _("api_key is missing: this call needs an API key."))
    client = api_client_authenticate(raw)
    if client is None:
        raise Open311Error(403, _("Invalid api_key received: it is unknown or was revoked."))
    return client


def index(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect("discovery.xml")


@open311_view(("GET", "HEAD"))
def discovery(request: HttpRequest, params: Params, *, fmt: str) -> HttpResponse:
    url = request.build_absolute_uri("/open311/v2/")
    public = getattr(settings, "EGOV_PUBLIC_URL", "") or ""
    if public:
        url = public.rstrip("/") + "/open311/v2/"
    changeset = render_datetime(source.services_changed_at())
    content = {
        "changeset": changeset,
        "contact": settings.EGOV_OPEN311_CONTACT
        or _("Contact the province's IT department for help with this API."),
        "key_service": settings.EGOV_OPEN311_KEY_SERVICE
        or _(
            "API keys are issued to client applications by the province's administrators; "
            "ask the IT department for one."
        ),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url,
                "changeset": changeset,
                "type": settings.EGOV_OPEN311_ENDPOINT_TYPE,
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", content)


@open311_view(("GET", "HEAD"))
def service_list(request: HttpRequest, params: Params, *, fmt: str) -> HttpResponse:
    return respond(fmt, "services", source.services())


@open311_view(("GET", "HEAD"))
def service_definition(
    request: HttpRequest, params: Params, service_code: str, *, fmt: str
) -> HttpResponse:
    definition = source.service_definition(service_code)
    if definition is None:
        raise Open311Error(404, _("service_code %(code)s not found.") % {"code": service_code})
    return respond(fmt, "service_definition", definition)


@open311_view(("GET", "HEAD", "POST"))
def requests(request: HttpRequest, params: Params, *, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _request_create(request, params, fmt)
    query = request_query(params)
    rows = source.request_rows(query, base_url=request.build_absolute_uri("/"))
    if params.get("extensions") == "true":
        source.add_notes(rows)
        return respond(fmt, "service_requests", rows)
    body = render.to_json(rows) if fmt == "json" else render.request_list_xml(rows)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _request_create(request: HttpRequest, params: Params, fmt: str) -> HttpResponse:
    client = _require_client(params)
    service_code = params.get("service_code")
    if service_code is None:
        raise Open311Error(400, _("service_code was not provided."))
    if source.service_definition(service_code) is None:
        raise Open311Error(404, _("service_code %(code)s not found.") % {"code": service_code})
    fields = {
        name: params.get(name)
        for name in (
            "lat",
            "long",
            "address_string",
            "address_id",
            "email",
            "device_id",
            "account_id",
            "first_name",
            "last_name",
            "phone",
            "description",
            "media_url",
        )
    }
    media = request.FILES.getlist("media") if request.method == "POST" else []
    created = source.request_create(
        client=client,
        service_code=service_code,
        fields=fields,
        attributes=attribute_values(params),
        media=media,
    )
    return respond(fmt, "service_requests", [created])


@open311_view(("GET", "HEAD"))
def request_detail(
    request: HttpRequest, params: Params, service_request_id: str, *, fmt: str
) -> HttpResponse:
    row = source.request_row(service_request_id, base_url=request.build_absolute_uri("/"))
    if row is None:
        raise Open311Error(
            404, _("service_request_id %(id)s not found.") % {"id": service_request_id}
        )
    if params.get("extensions") == "true":
        source.add_notes([row])
    return respond(fmt, "service_requests", [row])


@open311_view(("GET", "HEAD"))
def token_detail(request: HttpRequest, params: Params, token: str, *, fmt: str) -> HttpResponse:
    found = source.token_lookup(token)
    if found is None:
        raise Open311Error(404, _("token %(token)s not found.") % {"token": token})
    return respond(fmt, "service_requests", [found])


@open311_view(("GET", "HEAD", "POST"))
def request_updates(request: HttpRequest, params: Params, *, fmt: str) -> HttpResponse:
    """FixMyStreet's extension: the public updates in a window, or a client's new update."""
    if request.method == "POST":
        client = _require_client(params)
        service_request_id = params.get("service_request_id")
        if service_request_id is None:
            raise Open311Error(400, _("service_request_id was not provided."))
        created = source.update_create(
            client=client,
            service_request_id=service_request_id,
            status=params.get("status"),
            description=params.get("description"),
            first_name=params.get("first_name"),
            last_name=params.get("last_name"),
            email=params.get("email"),
            phone=params.get("phone"),
            media_url=params.get("media_url"),
            media=request.FILES.getlist("media"),
            client_update_id=params.get("update_id") or params.get("update_id_ext"),
        )
        return respond(fmt, "service_request_updates", [created])
    query = request_query(params)
    return respond(fmt, "service_request_updates", source.update_rows(query))


def unknown(request: HttpRequest, path: str) -> HttpResponse:
    fmt = "json" if path.endswith(".json") else "xml"
    return error_response(
        fmt, 404, [{"code": "404", "description": _("There is no such Open311 resource.")}]
    )


def render_datetime(moment: Any) -> str:
    if moment is None:
        moment = timezone.now()
    return str(timezone.localtime(moment).isoformat(timespec="seconds"))
