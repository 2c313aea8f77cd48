"""Officers' pages: the inbox, the dossier page with its timeline and actions, desk submission.

Every action goes through ``services.dossier_act`` (the same entry point as the API), which
checks the actor, the state and the version the officer saw.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from egov.core.errors import Conflict, NotFound, ValidationFailed
from egov.core.http import HtmxHttpRequest, request_user
from egov.core.views import apply_service_errors, staff_page
from egov.dossiers import selectors, services
from egov.dossiers.actions import ACTIONS, EVENT_LABELS, slips_for
from egov.dossiers.forms import ActionForm, InboxForm, file_errors_to_fields
from egov.dossiers.models import Dossier, DossierFile, DossierState
from egov.dossiers.views import file_response, submit_form
from egov.organizations.models import Agency
from egov.procedures.models import Channel


@staff_page
def inbox(request: HtmxHttpRequest) -> HttpResponse:
    form = InboxForm(request.GET)
    context: dict[str, Any] = {"form": form}
    page = None
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.InboxFilters(
            state=data["state"], procedure=data["procedure"].strip(), due=data["due"],
            mine=data["mine"],
        )  # fmt: skip
        try:
            qs = selectors.staff_search(user=request_user(request), filters=filters, q=data["q"])
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context.update(page=page, query_string=query.urlencode())
    if request.htmx:
        return render(request, "dossiers/staff/_inbox_rows.html", context)
    today = timezone.localdate()
    context.update(
        register_agencies=selectors.staff_agencies(request_user(request))[:300],
        register_start=today.replace(day=1),
        register_end=today,
    )
    return render(request, "dossiers/staff/inbox.html", context)


def _action_form(
    dossier: Dossier, action: str, user: Any, data: Any = None, files: Any = None
) -> ActionForm:
    steps = dossier.procedure.step_list
    earlier = [(i, f"{i + 1}. {s.name}") for i, s in enumerate(steps[: dossier.step_index])]
    staff = None
    initial: dict[str, Any] = {"version": dossier.version}
    if action == "assign":  # read only for the form that lists them
        staff = selectors.assignable_staff(dossier)
    if action == "hand_over" and data is None:  # proposed: the next step's agency
        initial["to_agency"] = selectors.next_step_agency(dossier)
    return ActionForm(
        data,
        files,
        initial=initial,
        agencies=Agency.objects.filter(is_active=True).order_by("path"),
        staff=staff,
        may_take=staff is not None and staff.filter(pk=user.pk).exists(),
        earlier_steps=earlier,
        auto_id=f"{action}_%s",  # several action forms on one page: distinct ids
    )


def _dossier_page(
    request: HttpRequest,
    dossier: Dossier,
    *,
    failed: str = "",
    failed_form: ActionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    available = selectors.actions_available(user=user, dossier=dossier)
    actions = []
    for name in available:
        form = failed_form if name == failed and failed_form is not None else None
        actions.append(
            {"name": name, "spec": ACTIONS[name], "form": form or _action_form(dossier, name, user)}
        )
    steps = dossier.procedure.step_list
    labels = dict(DossierState.choices)
    events = []
    timeline = list(selectors.staff_events(dossier))
    for e in timeline:
        label, state_label = str(EVENT_LABELS.get(e.action, e.action)), labels.get(e.to_state)
        events.append(
            {"event": e, "label": label, "state_label": state_label,
             # "Received → Received" says nothing: the new state only when it adds something.
             "show_state": bool(e.from_state) and e.from_state != e.to_state and str(state_label) != label,
             "new_appointment": parse_datetime(e.data.get("new_appointment") or "")}
        )  # fmt: skip
    done = {e.action for e in timeline}
    slips = [
        {"url": reverse("dossier_documents:dossier_pdf", args=[dossier.pk, form]), "label": label}
        for form, label in slips_for(done, staff=True)
    ]
    if "receive" in done:
        slips.append(
            {"url": reverse("dossier_documents:dossier_xlsx", args=[dossier.pk]),
             "label": _("Processing control slip (form 06), Excel")}
        )  # fmt: skip
    files = list(dossier.files.select_related("component", "uploaded_by").order_by("uploaded_at"))
    context = {
        "dossier": dossier,
        "actions": actions,
        "failed": failed,
        "events": events,
        "steps": steps,
        "current_step": steps[dossier.step_index] if dossier.step_index < len(steps) else None,
        "files": [f for f in files if f.kind != DossierFile.Kind.RESULT],
        "results": [f for f in files if f.kind == DossierFile.Kind.RESULT],
        "pauses": list(dossier.pauses.all()),
        "slips": slips,
    }
    return render(request, "dossiers/staff/dossier.html", context, status=status)


@staff_page
def dossier_page(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = selectors.staff_dossier_get(user=request.user, dossier_id=dossier_id)
    return _dossier_page(request, dossier)


@require_POST
@staff_page
def act(request: HttpRequest, dossier_id: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise NotFound()
    user = request_user(request)
    try:
        dossier = selectors.staff_dossier_get(user=user, dossier_id=dossier_id)
    except NotFound:
        if action != "recall":
            raise
        return _recall_unseen(request, dossier_id)
    form = _action_form(dossier, action, user, request.POST, request.FILES)
    if not form.is_valid():
        return _dossier_page(request, dossier, failed=action, failed_form=form, status=400)
    data = form.cleaned_data
    uploads, names = form.uploads()
    try:
        services.dossier_act(
            actor=user,
            dossier_id=dossier.pk,
            action=action,
            data=services.ActionInput(
                version=data["version"], comment=data["comment"], reason=data["reason"],
                missing=data["missing"], to_agency=data["to_agency"], assignee=data["assignee"],
                to_step=data["to_step"], new_appointment=data["new_appointment"],
                amount=data["amount"], files=tuple(uploads),
            ),
        )  # fmt: skip
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("dossiers_staff:dossier", dossier.pk)
    except ValidationFailed as exc:
        exc.fields = file_errors_to_fields(exc.fields, names)
        apply_service_errors(form, exc)
        return _dossier_page(request, dossier, failed=action, failed_form=form, status=400)
    messages.success(request, str(ACTIONS[action].done))
    return redirect("dossiers_staff:dossier", dossier.pk)


def _recall_unseen(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """A recall posted by a sender who no longer sees the dossier (the receiving unit acted on
    it meanwhile): the service says why (Conflict), and the officer goes back to the inbox."""
    form = ActionForm(request.POST)
    if not form.is_valid():
        raise NotFound(_("Dossier not found."))
    data = form.cleaned_data
    try:
        dossier = services.dossier_act(
            actor=request_user(request), dossier_id=dossier_id, action="recall",
            data=services.ActionInput(version=data["version"], reason=data["reason"]),
        )  # fmt: skip
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("dossiers_staff:inbox")
    except ValidationFailed as exc:
        messages.error(request, " ".join(m for ms in exc.fields.values() for m in ms))
        return redirect("dossiers_staff:inbox")
    messages.success(request, str(ACTIONS["recall"].done))
    return redirect("dossiers_staff:dossier", dossier.pk)


@staff_page
def staff_file(request: HttpRequest, dossier_id: int, file_id: int) -> HttpResponseBase:
    dossier = selectors.staff_dossier_get(user=request.user, dossier_id=dossier_id)
    return file_response(selectors.dossier_file_get(dossier=dossier, file_id=file_id))


@staff_page
def desk_new(request: HttpRequest) -> HttpResponse:
    """Desk submission, first step: which procedure."""
    procedures = selectors.desk_procedures(request_user(request))
    q = request.GET.get("q", "").strip()
    if q:
        procedures = procedures.filter(name__icontains=q) | procedures.filter(code__startswith=q)
    return render(request, "dossiers/staff/desk_new.html", {"procedures": procedures[:200], "q": q})


@staff_page
def desk_submit(request: HttpRequest, code: str) -> HttpResponse:
    """Desk submission: the officer enters the applicant and attaches the scanned papers."""
    user = request_user(request)
    procedure = selectors.desk_procedures(user).filter(code=code).first()
    if procedure is None:
        raise NotFound(_("You do not receive this procedure at your desk."))
    form, dossier = submit_form(
        request, procedure, channel=Channel.COUNTER, initial={},
        agencies=selectors.desk_agencies(user),  # only where this officer sits at the desk
    )  # fmt: skip
    if dossier is not None:
        messages.success(
            request,
            _("Dossier %(code)s was entered. Check it, then receive it.") % {"code": dossier.code},
        )
        return redirect("dossiers_staff:dossier", dossier.pk)
    return render(
        request, "dossiers/staff/desk_submit.html", {"procedure": procedure, "form": form}
    )
