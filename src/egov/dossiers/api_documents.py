"""API downloads of the official slips (forms 01-07): the same files as the pages of
``document_views``, with the API's error format."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from egov.core.api import ERROR_RESPONSES
from egov.core.errors import NotFound
from egov.core.http import request_user
from egov.dossiers import documents, selectors
from egov.dossiers.document_views import download, public_base

router = Router(tags=["dossier documents"])


def _binary(*types: str) -> dict[str, Any]:
    """The OpenAPI description of a file answer of one of ``types``."""
    content = {t: {"schema": {"type": "string", "format": "binary"}} for t in types}
    return {"responses": {200: {"description": "The file, as an attachment.", "content": content}}}


class SlipParams(Schema):
    format: Literal["pdf", "xlsx"] = Field("pdf", description="xlsx only for form 06")


class RegisterParams(Schema):
    agency: str = Field("", description="The agency's identifier code")
    start: str = Field("", description="First day, YYYY-MM-DD")
    end: str = Field("", description="Last day, YYYY-MM-DD (at most 366 days in all)")
    format: Literal["pdf", "xlsx"] = "pdf"


@router.get(
    "/staff/dossiers/{dossier_id}/slips/{form}",
    response=ERROR_RESPONSES,
    openapi_extra=_binary(documents.PDF, documents.XLSX),
)
def staff_slip(
    request: HttpRequest, dossier_id: int, form: str, params: Query[SlipParams]
) -> HttpResponse:
    """Form `form` (01 to 06) of a dossier the caller may see, as PDF (or, for the control
    slip 06, as Excel). 409 when the dossier has no grounds for the form (03 of a dossier
    never refused)."""
    dossier = selectors.staff_dossier_get(user=request.user, dossier_id=dossier_id)
    return download(
        documents.dossier_document(dossier, form, fmt=params.format, base_url=public_base(request))
    )


@router.get(
    "/staff/register",
    response=ERROR_RESPONSES,
    openapi_extra=_binary(documents.PDF, documents.XLSX),
)
def staff_register(request: HttpRequest, params: Query[RegisterParams]) -> HttpResponse:
    """The register (form 07) of the dossiers an agency received from `start` to `end`
    (both included). 404 for an agency the caller does not read."""
    agency = documents.register_agency_get(user=request.user, code=params.agency)
    period = documents.register_period(params.start, params.end)
    return download(documents.register_document(agency, period, fmt=params.format))


@router.get(
    "/me/dossiers/{dossier_id}/slips/{form}",
    response=ERROR_RESPONSES,
    openapi_extra=_binary(documents.PDF),
)
def my_slip(request: HttpRequest, dossier_id: int, form: str) -> HttpResponse:
    """A slip (form 01 to 05) of the caller's own dossier, as PDF."""
    dossier = selectors.citizen_dossier_get(user=request_user(request), dossier_id=dossier_id)
    if form not in documents.CITIZEN_FORMS:
        raise NotFound()
    return download(documents.dossier_document(dossier, form, base_url=public_base(request)))
