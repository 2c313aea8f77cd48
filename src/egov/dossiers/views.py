"""Citizens' pages: submit online, "my dossiers" with supplementing, withdrawal, results and
rating, and the public lookup. Every write goes through ``services``; the pages only collect
input and show the services' messages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import Conflict, EgovError, TooManyRequests, ValidationFailed
from egov.core.http import request_user
from egov.core.uploads import upload_owner
from egov.core.views import apply_service_errors, signed_in_page
from egov.dossiers import selectors, services
from egov.dossiers.actions import slips_for
from egov.dossiers.forms import (
    LookupForm,
    RatingForm,
    SubmissionForm,
    SupplementForm,
    WithdrawalForm,
    file_errors_to_fields,
)
from egov.dossiers.models import Dossier, DossierFile, DossierRating, DossierState
from egov.dossiers.transitions import TRANSITIONS
from egov.organizations.models import Agency
from egov.procedures import selectors as procedure_selectors
from egov.procedures.models import Channel, OnlineType, Procedure


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1  # answers Conflict: the page that sent it is not a current one


def submit_form(
    request: HttpRequest,
    procedure: Procedure,
    *,
    channel: str,
    initial: dict[str, Any],
    agencies: QuerySet[Agency] | None = None,
) -> tuple[SubmissionForm, Dossier | None]:
    """Show or handle a submission form (shared by the citizen's and the desk's pages);
    ``agencies`` narrows where the dossier may be received (the desk's own agencies). Files
    that were valid are kept when the page comes back with errors (``KeepsUploads``)."""
    if request.method != "POST":
        form = SubmissionForm(procedure=procedure, initial=initial, agencies=agencies)
        return form, None
    form = SubmissionForm(
        request.POST, request.FILES, procedure=procedure, agencies=agencies,
        upload_owner=upload_owner(request),
    )  # fmt: skip
    if not form.is_valid():
        form.keep_valid_uploads()
        return form, None
    uploads, names = form.uploads()
    try:
        dossier = services.dossier_submit(
            actor=request_user(request),
            procedure=procedure,
            agency=form.cleaned_data.get("agency"),
            channel=channel,
            applicant=form.applicant(),
            files=uploads,
            idempotency_key=form.cleaned_data["idempotency_key"],
        )
    except ValidationFailed as exc:
        exc.fields = file_errors_to_fields(exc.fields, names)
        apply_service_errors(form, exc)
        form.keep_valid_uploads()
        return form, None
    form.discard_kept_uploads()
    return form, dossier


@signed_in_page
def submit(request: HttpRequest, code: str) -> HttpResponse:
    procedure = procedure_selectors.procedure_get(code=code)
    if procedure.online_type == OnlineType.INFO:
        return render(request, "dossiers/submit_unavailable.html", {"procedure": procedure})
    user = request_user(request)
    initial = {
        "applicant_name": user.full_name,
        "applicant_phone": user.phone or "",
        "applicant_email": user.email or "",
        "applicant_id_number": user.citizen_id or "",
    }
    form, dossier = submit_form(request, procedure, channel=Channel.ONLINE, initial=initial)
    if dossier is not None:
        messages.success(
            request,
            _(
                "Your dossier was sent. Its code is %(code)s and its lookup code %(secret)s. "
                "The desk will check it and tell you the appointment date."
            )
            % {"code": dossier.code, "secret": dossier.lookup_secret},
        )
        return redirect("dossiers:detail", dossier.pk)
    return render(request, "dossiers/submit.html", {"procedure": procedure, "form": form})


@signed_in_page
def my_dossiers(request: HttpRequest) -> HttpResponse:
    dossiers = selectors.citizen_dossiers(user=request_user(request))
    page = Paginator(dossiers, 20).get_page(request.GET.get("page"))
    return render(request, "dossiers/my_list.html", {"page": page})


def _detail_context(request: HttpRequest, dossier: Dossier, **forms: Any) -> dict[str, Any]:
    state = dossier.state
    can_supplement = state in (DossierState.SUPPLEMENT_REQUESTED, DossierState.COMPLETION_REQUESTED)
    can_withdraw = dossier.state in TRANSITIONS["request_withdrawal"].sources
    rated = DossierRating.objects.filter(dossier=dossier).first()
    can_rate = rated is None and state in (DossierState.PROCESSED, DossierState.RESULT_RETURNED)
    files = list(dossier.files.select_related("component").order_by("uploaded_at", "pk"))
    events = selectors.applicant_events(dossier)
    progress = selectors.citizen_progress(dossier, events)
    slips = [
        {"url": reverse("dossier_documents:my_pdf", args=[dossier.pk, form]), "label": label}
        for form, label in slips_for({e.action for e in events}, staff=False)
    ]
    return {
        "dossier": dossier,
        "events": events,
        "progress": progress,
        "slips": slips,
        "files": [f for f in files if f.kind != DossierFile.Kind.RESULT],
        "results": [f for f in files if f.kind == DossierFile.Kind.RESULT],
        "rating": rated,
        "supplement_form": forms.get("supplement_form")
        or (SupplementForm() if can_supplement else None),
        "withdrawal_form": forms.get("withdrawal_form")
        or (WithdrawalForm() if can_withdraw else None),
        "rating_form": forms.get("rating_form") or (RatingForm() if can_rate else None),
        "request_note": selectors.last_request(dossier) if can_supplement else None,
    }


@signed_in_page
def my_dossier(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = selectors.citizen_dossier_get(user=request_user(request), dossier_id=dossier_id)
    return render(request, "dossiers/my_detail.html", _detail_context(request, dossier))


def _citizen_action(
    request: HttpRequest, dossier_id: int, form_name: str, form: Any, act: Any
) -> HttpResponse:
    """Run ``act`` when ``form`` is valid; on a service error show the page again with it."""
    user = request_user(request)
    dossier = selectors.citizen_dossier_get(user=user, dossier_id=dossier_id)
    if form.is_valid():
        try:
            message = act(user, dossier, form)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("dossiers:detail", dossier.pk)
        except EgovError as exc:
            if isinstance(exc, ValidationFailed) and hasattr(form, "uploads"):
                exc.fields = file_errors_to_fields(exc.fields, form.uploads()[1])
            apply_service_errors(form, exc)
        else:
            messages.success(request, message)
            return redirect("dossiers:detail", dossier.pk)
    context = _detail_context(request, dossier, **{form_name: form})
    return render(request, "dossiers/my_detail.html", context, status=400)


@require_POST
@signed_in_page
def my_supplement(request: HttpRequest, dossier_id: int) -> HttpResponse:
    def act(user: Any, dossier: Dossier, form: SupplementForm) -> str:
        uploads, _names = form.uploads()
        services.dossier_supplement(
            actor=user,
            dossier_id=dossier.pk,
            version=_version(request),
            comment=form.cleaned_data["comment"],
            files=uploads,
        )
        return _("Thank you: the documents were sent to the officer handling your dossier.")

    form = SupplementForm(request.POST, request.FILES)
    return _citizen_action(request, dossier_id, "supplement_form", form, act)


@require_POST
@signed_in_page
def my_withdraw(request: HttpRequest, dossier_id: int) -> HttpResponse:
    def act(user: Any, dossier: Dossier, form: WithdrawalForm) -> str:
        services.dossier_request_withdrawal(
            actor=user,
            dossier_id=dossier.pk,
            version=_version(request),
            reason=form.cleaned_data["reason"],
        )
        return _("Your request to withdraw the dossier was sent.")

    form = WithdrawalForm(request.POST)
    return _citizen_action(request, dossier_id, "withdrawal_form", form, act)


@require_POST
@signed_in_page
def my_rate(request: HttpRequest, dossier_id: int) -> HttpResponse:
    def act(user: Any, dossier: Dossier, form: RatingForm) -> str:
        services.dossier_rate(
            actor=user,
            dossier_id=dossier.pk,
            value=form.cleaned_data["value"],
            comment=form.cleaned_data["comment"],
        )
        return _("Thank you for rating the service.")

    form = RatingForm(request.POST)
    return _citizen_action(request, dossier_id, "rating_form", form, act)


def file_response(record: DossierFile) -> FileResponse:
    return FileResponse(
        record.file.open("rb"),
        as_attachment=True,
        filename=record.name,
        content_type=record.content_type or "application/octet-stream",
    )


@signed_in_page
def my_file(request: HttpRequest, dossier_id: int, file_id: int) -> HttpResponseBase:
    dossier = selectors.citizen_dossier_get(user=request_user(request), dossier_id=dossier_id)
    return file_response(selectors.dossier_file_get(dossier=dossier, file_id=file_id))


def lookup(request: HttpRequest) -> HttpResponse:
    """The public lookup: the dossier code and the lookup code (or the phone number).

    The form is sent by POST so the second factor stays out of addresses and logs; the QR code
    on the receipt opens this page with the code filled in.
    """
    context: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            try:
                dossier = selectors.dossier_lookup(
                    code=form.cleaned_data["code"],
                    secret=form.cleaned_data["secret"],
                    client=request.META.get("REMOTE_ADDR", ""),
                )
            except TooManyRequests as exc:
                form.add_error(None, exc.message)
                status = 429
            except EgovError as exc:
                apply_service_errors(form, exc)
                status = exc.status
            else:
                context["dossier"] = dossier
                context["events"] = dossier.events
        else:
            status = 400
    else:
        form = LookupForm(initial={"code": request.GET.get("code", "")[:40]})
    context["form"] = form
    return render(request, "dossiers/lookup.html", context, status=status)
