"""API for the procedure catalog: public search and detail, staff updates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from egov.core.api import ERROR_RESPONSES
from egov.core.errors import ValidationFailed
from egov.procedures import selectors, services
from egov.procedures.catalog import CatalogIssue, Loc
from egov.procedures.exchange import procedure_document, procedure_from_document
from egov.procedures.models import Procedure

router = Router(tags=["procedures"])


class SectorOut(Schema):
    code: str
    name: str
    name_en: str
    procedure_count: int


class ProcedureSummary(Schema):
    code: str
    name: str
    name_en: str
    sector: str
    level: str
    processing_time: float
    time_unit: str
    online_type: str
    url: str


class SearchOut(Schema):
    count: int
    page: int
    pages: int
    items: list[ProcedureSummary]


class FeeSchema(Schema):
    name: str
    amount: int = 0
    note: str = ""


class ComponentSchema(Schema):
    name: str
    originals: int = 1
    copies: int = 0
    mandatory: bool = True
    form: str = ""
    note: str = ""


class StepSchema(Schema):
    name: str
    handler: str = ""
    role: str = ""
    duration: Decimal


class ProcedureIn(Schema):
    """A whole procedure in the exchange format (docs/catalog-format.md)."""

    name: str = Field(..., max_length=500)
    name_en: str = Field("", max_length=500)
    sector: str
    level: str
    implementing_agency_type: str
    implementing_agency: str = ""
    receiving_agency: str = ""
    targets: list[str]
    processing_time: Decimal
    time_unit: str
    online_type: str
    channels: list[str]
    conditions: str = ""
    legal_basis: str = ""
    result: str = ""
    description: str = ""
    fees: list[FeeSchema] = []
    components: list[ComponentSchema] = []
    steps: list[StepSchema]


class StepOut(StepSchema):
    duration: float  # type: ignore[assignment]  # a JSON number on the way out


class ComponentOut(ComponentSchema):
    id: int = Field(
        ...,
        description="Send its file in the field component_<id> of POST /api/v1/dossiers; "
        "GET /api/v1/procedures/{code}/components adds the file types and size accepted.",
    )


class ProcedureOut(ProcedureIn):
    code: str
    processing_time: float  # type: ignore[assignment]
    components: list[ComponentOut]  # type: ignore[assignment]
    steps: list[StepOut]  # type: ignore[assignment]
    version: int
    url: str


class SearchParams(Schema):
    q: str = ""
    sector: str = ""
    level: str = ""
    online_type: str = ""
    agency: str = Field("", description="identifier code of the implementing or receiving agency")
    page: int = 1
    page_size: int = 20


def _summary(p: Procedure) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "name_en": p.name_en,
        "sector": p.sector.code,
        "level": p.level.code,
        "processing_time": float(p.processing_time),
        "time_unit": p.time_unit,
        "online_type": p.online_type,
        "url": f"/procedures/{p.code}/",
    }


@router.get("/sectors", auth=None, response={200: list[SectorOut], **ERROR_RESPONSES})
def list_sectors(request: HttpRequest) -> list[Any]:
    return list(selectors.sectors_with_counts())


@router.get("/procedures", auth=None, response={200: SearchOut, **ERROR_RESPONSES})
def search_procedures(request: HttpRequest, params: Query[SearchParams]) -> dict[str, Any]:
    """Search published procedures: words without diacritics match too; best matches first."""
    filters = selectors.filters_from(
        sector=params.sector,
        level=params.level,
        online_type=params.online_type,
        agency=params.agency,
    )
    result = selectors.procedure_search(
        query=params.q, filters=filters, page=params.page, page_size=params.page_size
    )
    return {
        "count": result.total,
        "page": result.page,
        "pages": result.pages,
        "items": [_summary(p) for p in result.items],
    }


def _detail(procedure: Procedure) -> dict[str, Any]:
    document = procedure_document(procedure)
    components = [
        {**c, "id": record.pk}
        for c, record in zip(document["components"], procedure.components.all(), strict=True)
    ]
    return {
        **document,
        "components": components,
        "version": procedure.version,
        "url": f"/procedures/{procedure.code}/",
    }


@router.get("/procedures/{code}", auth=None, response={200: ProcedureOut, **ERROR_RESPONSES})
def get_procedure(request: HttpRequest, code: str) -> dict[str, Any]:
    return _detail(selectors.procedure_get(code=code))


@router.put("/procedures/{code}", response={200: ProcedureOut, **ERROR_RESPONSES})
def put_procedure(request: HttpRequest, code: str, payload: ProcedureIn) -> dict[str, Any]:
    """Create or replace a procedure (provincial administrators; leaders of the implementing
    agency for its procedures). Form templates are kept by file name; upload new ones with
    the catalog import."""
    issues: list[CatalogIssue] = []
    data = procedure_from_document({**payload.dict(), "code": code}, Loc("procedures", 1), issues)
    if issues:  # the schema has checked the types already; kept for safety
        raise ValidationFailed(fields={i.field: [i.reason] for i in issues})
    procedure = services.procedure_save(actor=request.user, data=data)
    return _detail(selectors.procedure_get(code=procedure.code))
