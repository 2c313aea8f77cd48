"""API of the one-stop shop: citizens submit and follow dossiers, officers process them, anyone
looks one up with the code and the lookup code printed on the receipt."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile as NinjaUploadedFile
from ninja.responses import Status

from egov.core.api import ERROR_RESPONSES, Out
from egov.core.db import CompiledQuery, prepared_statements
from egov.core.errors import ValidationFailed
from egov.core.files import extensions
from egov.core.http import request_user
from egov.dossiers import selectors, services
from egov.dossiers.models import Dossier, DossierEvent
from egov.dossiers.services import ActionInput, Applicant, Upload
from egov.dossiers.transitions import TRANSITIONS
from egov.organizations.models import Agency
from egov.procedures import selectors as procedure_selectors
from egov.procedures.models import Procedure

router = Router(tags=["dossiers"])


class EventOut(Out):
    at: datetime
    action: str
    actor: str
    from_state: str
    to_state: str
    comment: str
    data: dict[str, Any] = Field({}, description="Details of the action (amount, assignee…).")


class DossierOut(Out):
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
    assignee_id: int | None = None
    assignee_name: str = ""
    applicant_name: str
    submitted_at: datetime
    received_at: datetime | None
    appointment_at: datetime | None
    processed_at: datetime | None
    returned_at: datetime | None
    lookup_secret: str | None = Field(None, description="Only for the applicant and staff.")
    events: list[EventOut] = []
    actions: list[str] = Field(
        [], description="The actions the caller may take now (on single-dossier answers)."
    )


class PublicDossierOut(Out):
    code: str
    procedure_name: str
    state_label: str
    national_status: int
    submitted_at: datetime
    received_at: datetime | None
    appointment_at: datetime | None
    processed_at: datetime | None
    events: list[EventOut]


_EVENT_OUT = ("at", "action", "actor", "from_state", "to_state", "comment", "data")


def _events(dossier: Dossier) -> list[dict[str, Any]]:
    return [dict(zip(_EVENT_OUT, row, strict=True)) for row in _EVENTS.rows(dossier.pk)]


# Every single-dossier answer reads them: compiled once per thread (core.db.CompiledQuery),
# as tuples (no model instances).
_EVENTS = CompiledQuery(
    lambda pk: DossierEvent.objects.filter(dossier_id=pk).values_list(
        "at", "action", "actor_label", "from_state", "to_state", "comment", "data"
    ),
    -(2**62) + 17,
)


def dossier_out(dossier: Dossier, *, with_events: bool = True, user: Any = None) -> dict[str, Any]:
    """The answer for ``dossier``; with ``user``, the actions that user may take on it now."""
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
        "assignee_id": dossier.assignee_id,
        "assignee_name": (dossier.assignee.get_full_name() or dossier.assignee.sign_in)
        if dossier.assignee
        else "",
        "applicant_name": dossier.applicant_name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "appointment_at": dossier.appointment_at,
        "processed_at": dossier.processed_at,
        "returned_at": dossier.returned_at,
        "lookup_secret": dossier.lookup_secret,
        "events": _events(dossier) if with_events else [],
        "actions": selectors.actions_available(user=user, dossier=dossier) if user else [],
    }


# --- What a submission takes ----------------------------------------------------------------


class DossierComponentOut(Out):
    """One document of a procedure's dossier, as ``POST /dossiers`` takes it."""

    id: int = Field(
        ...,
        description="The component's id; it changes when the procedure is replaced "
        "(PUT /api/v1/procedures/{code}).",
    )
    field: str = Field(
        ..., description="The multipart field of POST /dossiers for its file: component_<id>."
    )
    name: str
    mandatory: bool = Field(..., description="The submission is refused without it.")
    originals: int = Field(..., description="Originals to bring to the counter.")
    copies: int = Field(..., description="Copies to bring to the counter.")
    note: str
    form_url: str = Field(
        "", description="Where to download the blank form to fill in; empty when there is none."
    )
    accepted_types: list[str] = Field(
        ...,
        description="The file name endings accepted, in lower case, each with exactly one "
        "leading dot (as an HTML accept attribute takes them), e.g. .pdf; the file's content "
        "must really be of the type its ending names.",
    )
    max_size_bytes: int = Field(..., description="The largest file accepted, in bytes.")


@router.get(
    "/procedures/{code}/components",
    auth=None,
    response={200: list[DossierComponentOut], **ERROR_RESPONSES},
    tags=["procedures", "dossiers"],
)
def procedure_components(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The documents of a published procedure's dossier, in order, with the multipart field
    each goes in when submitting with POST /api/v1/dossiers, the file types and the size
    accepted (the same for every component). 404 for an unknown or unpublished procedure."""
    procedure = procedure_selectors.procedure_get(code=code)
    accepted = list(extensions(services.ALLOWED_UPLOADS))
    max_bytes = services.max_upload_bytes()
    return [
        {
            "id": c.pk,
            "field": f"component_{c.pk}",
            "name": c.name,
            "mandatory": c.mandatory,
            "originals": c.originals,
            "copies": c.copies,
            "note": c.note,
            "form_url": reverse("procedures:form", args=[procedure.code, c.pk]) if c.form else "",
            "accepted_types": accepted,
            "max_size_bytes": max_bytes,
        }
        for c in procedure.components.all()
    ]


# --- Citizens -------------------------------------------------------------------------------


@router.post("/dossiers", response={201: DossierOut, **ERROR_RESPONSES})
def submit_dossier(request: HttpRequest) -> Status[dict[str, Any]]:
    """Submit a dossier (multipart/form-data).

    Fields: `procedure` (code), `agency` (identifier code; for procedures every commune
    implements), `channel` (`online`; desk officers may send `counter`), `applicant_name`,
    `applicant_id_number`, `applicant_phone`, `applicant_email`, `applicant_address`, and one
    file field `component_<id>` per dossier component: GET
    /api/v1/procedures/{code}/components lists them, with each one's `field`, whether it is
    mandatory, the file types and the size accepted. Send an `Idempotency-Key` header: a
    retried request returns the first dossier.
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
    user = request_user(request)
    return dossier_out(selectors.citizen_dossier_get(user=user, dossier_id=dossier_id), user=user)


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
def lookup(request: HttpRequest, params: Query[LookupParams]) -> HttpResponse:
    """Follow a dossier without signing in. Wrong answers are throttled (429)."""
    return _lookup(request, params.code, params.secret)


def _lookup(request: HttpRequest, code: str, secret: str) -> HttpResponse:
    client = request.META.get("REMOTE_ADDR", "")
    found = selectors.dossier_lookup(code=code, secret=secret, client=client)
    # The busiest public answer is rendered as it is built, in PublicDossierOut's field
    # order, without Ninja validating it against PublicDossierOut and dumping it again
    # (a fifth of the request's Python time): the same bytes, which the tests compare with
    # the schema's own rendering.
    from egov.api import api  # the API this router belongs to (it imports this module)

    return api.create_response(request, lookup_answer(found), status=200)


def lookup_fast_path(api_urls: tuple[list[Any], str, str]) -> Callable[[HttpRequest], Any]:
    """``GET /api/v1/lookup`` answered before Ninja's URL map, for ``egov.urls`` to route the
    path to (Ninja's own route for it stays, with the OpenAPI document it describes).

    The public lookup is the busiest request, and Ninja's work around its view (trying some
    25 patterns, a temporary response, validating the two parameters through a model)
    cost about as much as the view's Python itself. Here a GET whose ``code`` and
    ``secret`` are present and within ``LookupParams``' lengths goes straight to the same
    view's code, and its errors to the API's exception handlers, as Ninja would send them;
    any other request (another method, a parameter missing or too long) goes to Ninja's
    view, which answers it as before. The answers are the same (the tests compare both
    paths)."""
    from egov.api import api

    ninja_view = next(
        p.callback for p in api_urls[0] if isinstance(p, URLPattern) and p.name == "lookup"
    )
    code_max, secret_max = (
        next(
            m.max_length
            for m in LookupParams.model_fields[name].metadata
            if hasattr(m, "max_length")
        )
        for name in ("code", "secret")
    )

    @csrf_exempt
    def view(request: HttpRequest) -> Any:
        if request.method == "GET":
            query = request.GET
            code, secret = query.get("code"), query.get("secret")  # the last value, as Ninja
            if (
                code is not None
                and secret is not None
                and len(code) <= code_max
                and len(secret) <= secret_max
            ):
                try:
                    return _lookup(request, code, secret)
                except Exception as exc:  # as Ninja's Operation.run does
                    return api.on_exception(request, exc)
        return ninja_view(request)

    return view


def lookup_answer(found: selectors.PublicDossier) -> dict[str, Any]:
    """The public lookup's answer for ``found``, as ``PublicDossierOut`` gives it."""
    return {
        "code": found.code,
        "procedure_name": found.procedure_name,
        "state_label": found.get_state_display(),
        "national_status": found.national_status,
        "submitted_at": found.submitted_at,
        "received_at": found.received_at,
        "appointment_at": found.appointment_at,
        "processed_at": found.processed_at,
        "events": [
            {
                "at": e.at,
                "action": e.action,
                "actor": "",
                "from_state": e.from_state,
                "to_state": e.to_state,
                "comment": e.comment,
                "data": {},
            }
            for e in found.events
        ],
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
    user = request_user(request)
    return dossier_out(selectors.staff_dossier_get(user=user, dossier_id=dossier_id), user=user)


class TransitionIn(Schema):
    version: int = Field(..., description="The version you read: a stale one answers 409.")
    comment: str = Field("", max_length=4000)
    reason: str = Field(
        "",
        max_length=4000,
        description="required by refuse, stop, return_step, apologize and recall; "
        "optional for request_withdrawal",
    )
    missing: str = Field("", max_length=4000)
    to_agency: str = Field("", description="identifier code, for hand_over")
    assignee: int | None = Field(
        None,
        description="user id (as in GET /agencies/{id}/staff), for assign; "
        "leave it out to take the dossier yourself",
    )
    to_step: int | None = Field(
        None, ge=0, description="0-based index of an earlier step, for return_step"
    )
    amount: int | None = Field(None, description="in VND, for request_payment")
    new_appointment: datetime | None = None


# A hand-over names its agency, an assignment its user: compiled once per thread (about a
# third of a hand-over's lookups was compiling this query).
_ACTIVE_AGENCY = CompiledQuery(
    lambda code: Agency.objects.filter(code=code, is_active=True).order_by("pk")[:1],
    "\x00no agency code",
)
_ACTIVE_USER = CompiledQuery(
    lambda pk: get_user_model().objects.filter(pk=pk, is_active=True), -(2**62) + 17
)


def _action_input(payload: TransitionIn, files: tuple[Upload, ...] = ()) -> ActionInput:
    """Resolve the references in ``payload`` (agency code, user id) into objects."""
    to_agency = None
    if payload.to_agency:
        to_agency = _ACTIVE_AGENCY.first(payload.to_agency)
        if to_agency is None:
            raise ValidationFailed(fields={"to_agency": [_("Unknown agency.")]})
    assignee = None
    if payload.assignee is not None:
        assignee = _ACTIVE_USER.first(payload.assignee)
        if assignee is None:
            raise ValidationFailed(fields={"assignee": [_("Unknown user.")]})
    return ActionInput(
        version=payload.version,
        comment=payload.comment,
        reason=payload.reason,
        missing=payload.missing,
        to_agency=to_agency,
        assignee=assignee,
        to_step=payload.to_step,
        new_appointment=payload.new_appointment,
        amount=payload.amount,
        files=files,
    )


ACTIONS_DOC = ", ".join(TRANSITIONS)


@router.post(
    "/dossiers/{dossier_id}/actions/{action}", response={200: DossierOut, **ERROR_RESPONSES}
)
def take_action(
    request: HttpRequest, dossier_id: int, action: str, payload: TransitionIn
) -> dict[str, Any]:
    """Take an action on a dossier (JSON). `action` is one of: receive, request_completion,
    refuse, assign, hand_over, recall, return_step, request_supplement, supplement,
    request_payment, confirm_payment, apologize, stop, request_withdrawal, approve_withdrawal,
    complete, return_result (404 for another). The service checks who may, and from which
    state (409 `invalid_transition`); `version` must be the one you read (409 `conflict`).
    Files (a supplement's documents, the result of `complete`) go to `.../files` as
    multipart. A `supplement` needs a `comment` or at least one file: an empty one answers
    400 (field `files`) and the dossier stays paused.

    `recall` takes back the latest hand-over (`reason` required, else 400 on `reason`): only
    its sender may, the officer who handed over or staff of the sending agency who may hand
    over, and only while nothing happened after it. The dossier returns to the sending
    agency with the step, assignee, step deadline and state it had before; the timeline gets
    a `recall` event with the reason. Once the receiving unit acted (or the hand-over was
    recalled already) it answers 409 `recall_too_late`, naming who acted, and changes
    nothing. `GET /staff/dossiers/{id}` lists `recall` in `actions` while it is possible;
    the sending unit may read the dossier until then."""
    actor = request_user(request)
    with prepared_statements():  # key lookups only: the answer's events, the actor's roles
        dossier = services.dossier_act(
            actor=actor, dossier_id=dossier_id, action=action, data=_action_input(payload)
        )
        return dossier_out(dossier, user=actor)


@router.post(
    "/dossiers/{dossier_id}/actions/{action}/files",
    response={200: DossierOut, **ERROR_RESPONSES},
)
def take_action_with_files(
    request: HttpRequest,
    dossier_id: int,
    action: str,
    payload: Form[TransitionIn],
    files: File[list[NinjaUploadedFile] | None] = None,
) -> dict[str, Any]:
    """The same as the JSON call, as multipart/form-data with the same fields and any number
    of `files` parts: the documents of a `supplement`, the result files of `complete`."""
    actor = request_user(request)
    uploads = tuple(Upload(None, f.name or "file", f.read()) for f in files or [])
    dossier = services.dossier_act(
        actor=actor, dossier_id=dossier_id, action=action, data=_action_input(payload, uploads)
    )
    return dossier_out(dossier, user=actor)
