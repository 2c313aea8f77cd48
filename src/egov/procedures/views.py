"""The public service portal's procedure pages."""

from __future__ import annotations

import mimetypes

from django.http import FileResponse, HttpResponse
from django.shortcuts import render

from egov.core.errors import NotFound, ValidationFailed
from egov.core.http import HtmxHttpRequest
from egov.core.views import render_error
from egov.organizations.models import AdministrativeLevel
from egov.procedures import selectors
from egov.procedures.models import OnlineType


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value else default
    except ValueError:
        return default


def procedure_list(request: HtmxHttpRequest) -> HttpResponse:
    params = {
        name: request.GET.get(name, "").strip()
        for name in ("q", "sector", "level", "online_type", "agency")
    }
    context: dict[str, object] = {"params": params}
    try:
        filters = selectors.filters_from(
            sector=params["sector"],
            level=params["level"],
            online_type=params["online_type"],
            agency=params["agency"],
        )
        result = selectors.procedure_search(
            query=params["q"], filters=filters, page=max(1, _int(request.GET.get("page"), 1))
        )
    except ValidationFailed as exc:
        context["error"] = (
            " ".join(m for messages in exc.fields.values() for m in messages) or exc.message
        )
        result = None
    context["result"] = result
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    context["query_string"] = query_without_page.urlencode()
    if request.htmx:
        return render(request, "procedures/_results.html", context)
    context.update(
        sectors=selectors.sectors_with_counts(),
        levels=AdministrativeLevel.objects.all(),
        online_types=OnlineType.choices,
        agencies=selectors.implementing_agencies(),
    )
    return render(request, "procedures/procedure_list.html", context)


def procedure_detail(request: HtmxHttpRequest, code: str) -> HttpResponse:
    try:
        procedure = selectors.procedure_get(code=code)
    except NotFound as exc:
        return render_error(request, exc)
    return render(request, "procedures/procedure_detail.html", {"procedure": procedure})


def form_download(
    request: HtmxHttpRequest, code: str, component_id: int
) -> HttpResponse | FileResponse:
    try:
        component = selectors.component_form_get(code=code, component_id=component_id)
    except NotFound as exc:
        return render_error(request, exc)
    content_type = mimetypes.guess_type(component.form_name)[0] or "application/octet-stream"
    return FileResponse(
        component.form.open("rb"),
        as_attachment=True,
        filename=component.form_name,
        content_type=content_type,
    )
