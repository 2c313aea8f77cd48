"""API of citizen feedback for mobile apps (/api/v1/feedback/…) and for officers.

Reading and reporting need no account: a report sent without a token is anonymous unless it
carries contact details; with a bearer token the account is the reporter. Open311 clients use
/open311/v2/ instead (the ``open311`` app), on the same services.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile as NinjaUploadedFile
from ninja.responses import Status

from egov.core.api import ERROR_RESPONSES, TokenAuth
from egov.core.errors import NotAuthenticated, NotFound
from egov.core.http import request_user
from egov.feedback import selectors, services
from egov.feedback.models import Category, Channel, Report
from egov.feedback.photos import PhotoUpload
from egov.feedback.selectors import PublicReport

router = Router(tags=["feedback"])


class AttributeValueOut(Schema):
    key: str
    name: str


class AttributeOut(Schema):
    code: str
    variable: bool
    datatype: str
    required: bool
    description: str
    datatype_description: str
    order: int
    values: list[AttributeValueOut]


class CategoryOut(Schema):
    service_code: str
    name: str
    description: str
    group: str
    keywords: list[str]
    agency: str
    response_days: int
    attributes: list[AttributeOut]


def _category(c: Category) -> dict[str, Any]:
    return {
        "service_code": c.service_code,
        "name": c.display_name,
        "description": c.description,
        "group": c.group,
        "keywords": c.keyword_list,
        "agency": c.agency.name,
        "response_days": c.response_days,
        "attributes": [
            {
                "code": a.code,
                "variable": a.variable,
                "datatype": a.datatype,
                "required": a.required,
                "description": a.description,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "values": [
                    {"key": str(v.get("key")), "name": str(v.get("name"))} for v in a.values or []
                ],
            }
            for a in c.attributes.all()
        ],
    }


class ReportOut(Schema):
    public_id: str
    status: str
    status_label: str
    open311_status: str
    status_notes: str
    service_code: str
    service_name: str
    description: str
    agency_responsible: str
    requested_at: datetime
    updated_at: datetime
    expected_at: datetime
    address: str
    lat: float | None
    long: float | None
    media_url: str = Field("", description="The first public photo, or a client's link.")


def _report(r: PublicReport, request: HttpRequest) -> dict[str, Any]:
    media = r.media
    if media.startswith("/"):
        media = request.build_absolute_uri(media)
    return {
        "public_id": r.public_id,
        "status": r.status,
        "status_label": r.get_status_display(),
        "open311_status": r.open311_status,
        "status_notes": r.status_notes,
        "service_code": r.service_code,
        "service_name": r.service_name,
        "description": r.description,
        "agency_responsible": r.agency_responsible,
        "requested_at": r.requested_at,
        "updated_at": r.updated_at,
        "expected_at": r.expected_at,
        "address": r.address,
        "lat": r.lat,
        "long": r.long,
        "media_url": media,
    }


class UpdateOut(Schema):
    at: datetime
    kind: str
    status: str
    text: str


class ReportDetailOut(ReportOut):
    updates: list[UpdateOut]
    photos: list[str]
    duplicate_of: str


class CreatedOut(Schema):
    public_id: str
    tracking_code: str = Field(
        description="Shown once: the reporter needs it to rate or reopen without an account."
    )
    status: str
    expected_at: datetime


def _optional_user(request: HttpRequest) -> Any:
    """The token's user, None without a token; a wrong token is refused (401). A browser
    session is not used: these endpoints take no CSRF token, so another site must not be
    able to act in a signed-in citizen's name."""
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _sep, token = header.partition(" ")
        user = (
            TokenAuth().authenticate(request, token.strip()) if scheme.lower() == "bearer" else None
        )
        if user is None:
            raise NotAuthenticated()
        return user
    return None


@router.get("/feedback/categories", auth=None, response=list[CategoryOut])
def categories(request: HttpRequest) -> list[dict[str, Any]]:
    """The categories a report may be filed under, with their questions."""
    return [_category(c) for c in selectors.categories_list()]


class ReportFilters(Schema):
    category: str = ""
    status: str = Field("", description="open, closed, or one of egov's statuses")
    area: int | None = None
    start: datetime | None = None
    end: datetime | None = None
    page: int = Field(1, ge=1)
    page_size: int = Field(50, ge=1, le=1000)


@router.get("/feedback/reports", auth=None, response={200: list[ReportOut], **ERROR_RESPONSES})
def reports(request: HttpRequest, filters: Query[ReportFilters]) -> list[dict[str, Any]]:
    """Public reports, newest first."""
    rows = selectors.public_reports_list(
        service_codes=[filters.category] if filters.category else None,
        status=filters.status or None,
        area_id=filters.area,
        start=filters.start,
        end=filters.end,
        offset=(filters.page - 1) * filters.page_size,
        limit=filters.page_size,
    )
    return [_report(r, request) for r in rows]


@router.get(
    "/feedback/reports/{public_id}",
    auth=None,
    response={200: ReportDetailOut, **ERROR_RESPONSES},
)
def report(request: HttpRequest, public_id: str) -> dict[str, Any]:
    """One public report with its public history and photos."""
    detail = selectors.public_report_detail(public_id)
    return {
        **_report(detail.report, request),
        "updates": [
            {"at": u.at, "kind": u.kind, "status": u.status, "text": u.text} for u in detail.updates
        ],
        "photos": [request.build_absolute_uri(selectors.photo_path(p)) for p in detail.photos],
        "duplicate_of": detail.duplicate_of,
    }


@router.post("/feedback/reports", auth=None, response={201: CreatedOut, **ERROR_RESPONSES})
def report_create(
    request: HttpRequest,
    service_code: Form[str],
    description: Form[str] = "",
    address: Form[str] = "",
    area: Form[int | None] = None,
    lat: Form[str] = "",
    long: Form[str] = "",
    contact_name: Form[str] = "",
    contact_phone: Form[str] = "",
    contact_email: Form[str] = "",
    attributes: Form[str] = "",
    device_id: Form[str] = "",
    photos: File[list[NinjaUploadedFile] | None] = None,
) -> Status:
    """Send a report (multipart form). Location: lat and long, or an address. ``attributes``:
    a JSON object ``{"code": value or [values]}`` answering the category's questions. Photos:
    JPEG, PNG or WebP; their metadata is removed. Errors: 400 with the fields (nothing saved)."""
    import json

    from egov.core.errors import ValidationFailed

    user = _optional_user(request)
    try:
        answers = json.loads(attributes) if attributes.strip() else {}
        if not isinstance(answers, dict):
            raise ValueError
    except ValueError:
        raise ValidationFailed(fields={"attributes": [_("A JSON object was expected.")]}) from None
    uploads = []
    for uploaded in photos or []:
        if isinstance(uploaded, UploadedFile):
            uploads.append(PhotoUpload(uploaded.name or "photo", uploaded.read()))
    created: Report = services.report_create(
        actor=user,
        channel=Channel.APP,
        service_code=service_code,
        description=description,
        address=address,
        area_id=area,
        lat=lat,
        long=long,
        photos=uploads,
        contact=services.Contact(name=contact_name, phone=contact_phone, email=contact_email),
        attributes=answers,
        device_id=device_id,
    )
    return Status(
        201,
        {
            "public_id": created.public_id,
            "tracking_code": created.reporter_secret,
            "status": created.status,
            "expected_at": created.expected_at,
        },
    )


class RatingIn(Schema):
    rating: int = Field(ge=1, le=5)
    comment: str = ""
    tracking_code: str = ""


class ReopenIn(Schema):
    reason: str
    tracking_code: str = ""


@router.post(
    "/feedback/reports/{public_id}/rating",
    auth=None,
    response={200: ReportOut, **ERROR_RESPONSES},
)
def rate(request: HttpRequest, public_id: str, body: RatingIn) -> dict[str, Any]:
    """The reporter rates the response (their account's token, or the tracking code)."""
    services.report_rate(
        actor=_optional_user(request),
        public_id=public_id,
        secret=body.tracking_code,
        rating=body.rating,
        comment=body.comment,
    )
    return _report(selectors.public_report_get(public_id), request)


@router.post(
    "/feedback/reports/{public_id}/reopen",
    auth=None,
    response={200: ReportOut, **ERROR_RESPONSES},
)
def reopen(request: HttpRequest, public_id: str, body: ReopenIn) -> dict[str, Any]:
    """The reporter reopens an answered report within the reopening window."""
    services.report_reopen(
        actor=_optional_user(request),
        public_id=public_id,
        secret=body.tracking_code,
        reason=body.reason,
    )
    return _report(selectors.public_report_get(public_id), request)


# --- officers ------------------------------------------------------------------------------


class StaffReportOut(Schema):
    id: int
    public_id: str
    status: str
    version: int
    category: str
    agency_id: int
    assignee_id: int | None
    channel: str
    description: str
    requested_at: datetime
    expected_at: datetime
    is_hidden: bool


def _staff(r: Report) -> dict[str, Any]:
    return {
        "id": r.pk,
        "public_id": r.public_id,
        "status": r.status,
        "version": r.version,
        "category": r.category.service_code,
        "agency_id": r.agency_id,
        "assignee_id": r.assignee_id,
        "channel": r.channel,
        "description": r.description,
        "requested_at": r.requested_at,
        "expected_at": r.expected_at,
        "is_hidden": r.is_hidden,
    }


@router.get("/feedback/staff/reports", response={200: list[StaffReportOut], **ERROR_RESPONSES})
def staff_reports(
    request: HttpRequest, status: str = "", mine: bool = False, overdue: bool = False
) -> list[dict[str, Any]]:
    """The reports of the caller's agencies (newest 200), with the inbox filters."""
    qs = selectors.staff_reports(
        request_user(request), status=status or None, assigned_to_me=mine, overdue=overdue
    )
    return [_staff(r) for r in qs[:200]]


class ActionIn(Schema):
    version: int | None = None
    text: str = ""
    status: str = ""
    notes: str = ""
    assignee_id: int | None = None
    agency_id: int | None = None
    reason: str = ""
    original: str = ""


ACTIONS = ("respond", "status", "note", "assign", "transfer", "duplicate")


@router.post(
    "/feedback/staff/reports/{report_id}/actions/{action}",
    response={200: StaffReportOut, **ERROR_RESPONSES},
)
def staff_act(request: HttpRequest, report_id: int, action: str, body: ActionIn) -> dict[str, Any]:
    """An officer acts on a report: respond, status, note, assign, transfer or duplicate.
    ``version`` is the one read (409 ``conflict`` when someone changed it since)."""
    user = request_user(request)
    report = selectors.staff_report_get(user, report_id)
    v = body.version
    if action == "respond":
        services.report_respond(
            actor=user, report_id=report.pk, version=v, text=body.text, status=body.status or None
        )
    elif action == "status":
        services.report_status_change(
            actor=user, report_id=report.pk, version=v, status=body.status, notes=body.notes
        )
    elif action == "note":
        services.report_note_add(actor=user, report_id=report.pk, text=body.text)
    elif action == "assign":
        services.report_assign(
            actor=user, report_id=report.pk, version=v, assignee_id=body.assignee_id
        )
    elif action == "transfer":
        services.report_transfer(
            actor=user,
            report_id=report.pk,
            version=v,
            agency_id=body.agency_id or 0,
            reason=body.reason,
        )
    elif action == "duplicate":
        services.report_mark_duplicate(
            actor=user, report_id=report.pk, version=v, original_public_id=body.original
        )
    else:
        raise NotFound(_("Unknown action."))
    return _staff(selectors.staff_report_get(user, report_id))
