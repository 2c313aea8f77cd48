"""API for organizations: agencies, their staff, administrative divisions."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Router, Schema

from egov.core.api import ERROR_RESPONSES
from egov.organizations import selectors, services
from egov.organizations.models import AdministrativeUnit, Agency

router = Router(tags=["organizations"])


class AgencyOut(Schema):
    id: int
    code: str
    name: str
    short_name: str
    type: str
    type_name: str
    parent_id: int | None
    depth: int
    administrative_unit_code: str | None
    address: str
    phone: str
    email: str
    website: str


def agency_out(agency: Agency) -> dict[str, object]:
    return {
        "id": agency.pk,
        "code": agency.code,
        "name": agency.name,
        "short_name": agency.short_name,
        "type": agency.type.code,
        "type_name": agency.type.display_name,
        "parent_id": agency.parent_id,
        "depth": agency.depth,
        "administrative_unit_code": (
            agency.administrative_unit.code if agency.administrative_unit else None
        ),
        "address": agency.address,
        "phone": agency.phone,
        "email": agency.email,
        "website": agency.website,
    }


class AgencyPatch(Schema):
    name: str | None = Field(None, max_length=255)
    short_name: str | None = Field(None, max_length=100)
    address: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=32)
    email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=200)


class StaffOut(Schema):
    user_id: int
    full_name: str
    email: str | None
    role: str
    role_label: str
    title: str


class UnitOut(Schema):
    code: str
    name: str
    division_type: str
    level: str
    parent_code: str | None


@router.get("/agencies", response={200: list[AgencyOut], **ERROR_RESPONSES})
def list_agencies(
    request: HttpRequest, q: str = "", parent_id: int | None = None
) -> list[dict[str, object]]:
    """Agencies the caller may see: their own with its units, or all for wider roles."""
    return [
        agency_out(a)
        for a in selectors.agencies_visible(user=request.user, query=q, parent_id=parent_id)
    ]


@router.get("/agencies/{agency_id}", response={200: AgencyOut, **ERROR_RESPONSES})
def get_agency(request: HttpRequest, agency_id: int) -> dict[str, object]:
    return agency_out(selectors.agency_get(user=request.user, agency_id=agency_id))


@router.patch("/agencies/{agency_id}", response={200: AgencyOut, **ERROR_RESPONSES})
def update_agency(request: HttpRequest, agency_id: int, payload: AgencyPatch) -> dict[str, object]:
    """Change an agency's details (its leaders and provincial administrators)."""
    agency = selectors.agency_get(user=request.user, agency_id=agency_id)
    updated = services.agency_update(
        actor=request.user, agency=agency, **payload.dict(exclude_unset=True)
    )
    return agency_out(updated)


@router.get("/agencies/{agency_id}/staff", response={200: list[StaffOut], **ERROR_RESPONSES})
def agency_staff(request: HttpRequest, agency_id: int) -> list[dict[str, object]]:
    agency = selectors.agency_get(user=request.user, agency_id=agency_id)
    return [
        {
            "user_id": a.user_id,
            "full_name": a.user.full_name,
            "email": a.user.email,
            "role": a.role,
            "role_label": str(a.get_role_display()),
            "title": a.title,
        }
        for a in selectors.agency_staff(user=request.user, agency=agency)
    ]


@router.get("/divisions", auth=None, response={200: list[UnitOut], **ERROR_RESPONSES})
def list_divisions(request: HttpRequest, parent_code: str | None = None) -> list[dict[str, object]]:
    """Administrative units loaded in this installation (public): provinces, or the communes of
    ``parent_code``."""
    units = selectors.divisions_list(parent_code=parent_code)
    return [unit_out(u) for u in units]


def unit_out(unit: AdministrativeUnit) -> dict[str, object]:
    return {
        "code": unit.code,
        "name": unit.name,
        "division_type": unit.division_type,
        "level": unit.level.code,
        "parent_code": unit.parent.code if unit.parent else None,
    }
