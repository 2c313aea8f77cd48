"""API of the one-stop shop: citizens submit and follow dossiers, officers process them, anyone
looks one up with the code and the lookup code printed on the receipt."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from egov.core.api import ERROR_RESPONSES
from egov.core.errors import NotFound, ValidationFailed
from egov.core.http import request_user
from egov.dossiers import selectors, services
from egov.dossiers.models import Dossier
from egov.dossiers.services import Applicant, Upload
from egov.organizations.models import Agency
from egov.procedures.models import Procedure

router = Router(tags=["dossiers"])


class EventOut(Schema):
    at: datetime
    action: str
    actor: str
    from_state: str
    to_state: str
    comment: str


class DossierOut(Schema):
    id: int
    code: str
    procedure_code: str
    procedure_name: str
    channel: str
    state: str
    state_label: str
    national_status: int
    version: int
    receiving_agency: str
    current_agency: str
    step_index: int
    applicant_name: str
    submitted_at: datetime
    received_at: datetime | None
    appointment_at: datetime | None
    processed_at: datetime | None
    returned_at: datetime | None
    lookup_secret: str | None = Field(None, description="Only for the applicant and staff.")
    events: list[EventOut] = []


class PublicDossierOut(Schema):
    code: str
    procedure_name: str
    state_label: str
    national_status: int
    submitted_at: datetime
    received_at: datetime | None
    appointment_at: datetime | None
    processed_at: datetime | None
    events: list[EventOut]


def _events(dossier: Dossier, *, public: bool) -> list[dict[str, Any]]:
    return [
        {
            "at": e.at,
            "action": e.action,
            # The public sees what happened, not who inside the administration did it.
            "actor": "" if public else e.actor_label,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "comment": e.comment
            if not public
            or e.action
            in ("request_completion", "request_supplement", "refuse", "stop", "apologize")
            else "",
        }
        for e in dossier.events.all()
    ]


def dossier_out(dossier: Dossier, *, with_events: bool = True) -> dict[str, Any]:
    return {
        "id": dossier.pk,
        "code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "channel": dossier.channel,
        "state": dossier.state,
        "state_label": str(dossier.get_state_display()),
        "national_status": dossier.national_status,
        "version": dossier.version,
        "receiving_agency": dossier.receiving_agency.name,
        "current_agency": dossier.current_agency.name,
        "step_index": dossier.step_index,
        "applicant_name": dossier.applicant_name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "appointment_at": dossier.appointment_at,
        "processed_at": dossier.processed_at,
        "returned_at": dossier.returned_at,
        "lookup_secret": dossier.lookup_secret,
        "events": _events(dossier, public=False) if with_events else [],
    }


# --- Citizens -------------------------------------------------------------------------------


@router.post("/dossiers", response={201: DossierOut, **ERROR_RESPONSES})
def submit_dossier(request: HttpRequest) -> Status[dict[str, Any]]:
    """Submit a dossier (multipart/form-data).

    Fields: `procedure` (code), `agency` (identifier code; for procedures every commune
    implements), `channel` (`online`; desk officers may send `counter`), `applicant_name`,
    `applicant_id_number`, `applicant_phone`, `applicant_email`, `applicant_address`, and one
    file field `component_<id>` per dossier component (ids from GET /procedures/{code}/components).
    Send an `Idempotency-Key` header: a retried request returns the first dossier.
    """
    post = request.POST
    procedure = Procedure.objects.filter(code=post.get("procedure", "")).first()
    if procedure is None:
        raise ValidationFailed(fields={"procedure": [_("Unknown procedure.")]})
    agency = (
        Agency.objects.filter(code=post.get("agency", "")).first() if post.get("agency") else None
    )
    uploads = []
    for field in request.FILES:
        if field.startswith("component_") and field[10:].isdigit():
            uploaded = request.FILES.get(field)
            if not isinstance(uploaded, UploadedFile):
                continue
            uploads.append(Upload(int(field[10:]), uploaded.name or field, uploaded.read()))
    dossier = services.dossier_submit(
        actor=request_user(request),
        procedure=procedure,
        agency=agency,
        channel=post.get("channel", "online"),
        applicant=Applicant(
            name=post.get("applicant_name", ""),
            id_number=post.get("applicant_id_number", ""),
            phone=post.get("applicant_phone", ""),
            email=post.get("applicant_email", ""),
            address=post.get("applicant_address", ""),
        ),
        files=uploads,
        idempotency_key=request.headers.get("Idempotency-Key", "")[:80],
    )
    return Status(201, dossier_out(dossier))


@router.get("/me/dossiers", response={200: list[DossierOut], **ERROR_RESPONSES})
def my_dossiers(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        dossier_out(d, with_events=False)
        for d in selectors.citizen_dossiers(user=request_user(request))[:200]
    ]


@router.get("/me/dossiers/{dossier_id}", response={200: DossierOut, **ERROR_RESPONSES})
def my_dossier(request: HttpRequest, dossier_id: int) -> dict[str, Any]:
    return dossier_out(
        selectors.citizen_dossier_get(user=request_user(request), dossier_id=dossier_id)
    )


class RatingIn(Schema):
    value: str = Field(..., description="very_satisfied, satisfied or not_satisfied")
    comment: str = Field("", max_length=2000)


@router.post("/me/dossiers/{dossier_id}/rating", response={201: dict, **ERROR_RESPONSES})
def rate(request: HttpRequest, dossier_id: int, payload: RatingIn) -> Status[dict[str, str]]:
    rating = services.dossier_rate(
        actor=request_user(request),
        dossier_id=dossier_id,
        value=payload.value,
        comment=payload.comment,
    )
    return Status(201, {"value": rating.value})


# --- Public lookup --------------------------------------------------------------------------


class LookupParams(Schema):
    code: str = Field(..., max_length=40)
    secret: str = Field(
        ...,
        max_length=20,
        description="The lookup code on the receipt, or the applicant's mobile number",
    )


@router.get("/lookup", auth=None, response={200: PublicDossierOut, **ERROR_RESPONSES})
def lookup(request: HttpRequest, params: Query[LookupParams]) -> dict[str, Any]:
    """Follow a dossier without signing in. Wrong answers are throttled (429)."""
    client = request.META.get("REMOTE_ADDR", "")
    dossier = selectors.dossier_lookup(code=params.code, secret=params.secret, client=client)
    return {
        "code": dossier.code,
        "procedure_name": dossier.procedure.name,
        "state_label": str(dossier.get_state_display()),
        "national_status": dossier.national_status,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "appointment_at": dossier.appointment_at,
        "processed_at": dossier.processed_at,
        "events": _events(dossier, public=True),
    }


# --- Officers -------------------------------------------------------------------------------


class InboxParams(Schema):
    state: str = ""
    procedure: str = ""
    due: str = Field("", description="soon or overdue")
    mine: bool = False
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0)


@router.get("/staff/dossiers", response={200: list[DossierOut], **ERROR_RESPONSES})
def staff_inbox(request: HttpRequest, params: Query[InboxParams]) -> list[dict[str, Any]]:
    """Open dossiers of the caller's agencies, the ones due first."""
    filters = selectors.InboxFilters(
        state=params.state, procedure=params.procedure, due=params.due, mine=params.mine
    )
    qs = selectors.inbox(user=request_user(request), filters=filters)
    return [
        dossier_out(d, with_events=False) for d in qs[params.offset : params.offset + params.limit]
    ]


@router.get("/staff/dossiers/{dossier_id}", response={200: DossierOut, **ERROR_RESPONSES})
def staff_dossier(request: HttpRequest, dossier_id: int) -> dict[str, Any]:
    return dossier_out(selectors.staff_dossier_get(user=request.user, dossier_id=dossier_id))


class TransitionIn(Schema):
    version: int = Field(..., description="The version you read: a stale one answers 409.")
    comment: str = Field("", max_length=4000)
    reason: str = Field("", max_length=4000)
    missing: str = Field("", max_length=4000)
    to_agency: str = Field("", description="identifier code, for hand_over")
    new_appointment: datetime | None = None


ACTIONS = [
    "receive", "request_completion", "refuse", "hand_over", "request_supplement", "supplement",
    "apologize", "complete", "return_result", "stop", "request_withdrawal", "approve_withdrawal",
]  # fmt: skip


@router.post(
    "/dossiers/{dossier_id}/actions/{action}", response={200: DossierOut, **ERROR_RESPONSES}
)
def take_action(
    request: HttpRequest, dossier_id: int, action: str, payload: TransitionIn
) -> dict[str, Any]:
    """Take an action on a dossier: one of receive, request_completion, refuse, hand_over,
    request_supplement, supplement, apologize, complete, return_result, stop,
    request_withdrawal, approve_withdrawal. The service checks who may, and from which state."""
    if action not in ACTIONS:
        raise NotFound()
    actor = request_user(request)
    common: dict[str, Any] = {"actor": actor, "dossier_id": dossier_id, "version": payload.version}
    if action in ("receive", "complete", "return_result", "approve_withdrawal"):
        dossier = getattr(services, f"dossier_{action}")(**common, comment=payload.comment)
    elif action in ("request_completion", "request_supplement"):
        dossier = getattr(services, f"dossier_{action}")(**common, missing=payload.missing)
    elif action in ("refuse", "stop"):
        dossier = getattr(services, f"dossier_{action}")(**common, reason=payload.reason)
    elif action == "request_withdrawal":
        dossier = services.dossier_request_withdrawal(**common, reason=payload.reason)
    elif action == "supplement":
        dossier = services.dossier_supplement(**common, comment=payload.comment)
    elif action == "hand_over":
        target = Agency.objects.filter(code=payload.to_agency, is_active=True).first()
        if target is None:
            raise ValidationFailed(fields={"to_agency": [_("Unknown agency.")]})
        dossier = services.dossier_hand_over(**common, to_agency=target, comment=payload.comment)
    else:  # apologize
        if payload.new_appointment is None:
            raise ValidationFailed(fields={"new_appointment": [_("Give the new appointment.")]})
        dossier = services.dossier_apologize(
            **common, new_appointment=payload.new_appointment, reason=payload.reason
        )
    return dossier_out(dossier)
