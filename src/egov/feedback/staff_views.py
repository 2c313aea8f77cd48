"""Officers' pages: the feedback inbox, a report's page with its actions, hotline entry, and
the originals of photos. Every action goes through a service, which checks the officer's
scope and the version of the report they saw."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from egov.core.errors import Conflict, PermissionDenied, ValidationFailed
from egov.core.http import HtmxHttpRequest, request_user
from egov.core.uploads import upload_owner
from egov.core.views import staff_page
from egov.feedback import permissions, selectors, services
from egov.feedback.forms import (
    AssignForm,
    DuplicateForm,
    InboxForm,
    ModerateForm,
    NoteForm,
    RedactPhotoForm,
    ReportForm,
    RespondForm,
    StatusForm,
    TransferForm,
)
from egov.feedback.models import Channel, Report, UpdateKind
from egov.feedback.views import _apply, category_choice, map_settings, report_from_form
from egov.organizations.models import Agency


@staff_page
def inbox(request: HtmxHttpRequest) -> HttpResponse:
    form = InboxForm(request.GET)
    page = None
    if form.is_valid():
        data = form.cleaned_data
        category = data["category"]
        qs = selectors.staff_reports(
            request_user(request),
            status=data["status"] or None,
            category_id=category.pk if category else None,
            assigned_to_me=data["mine"],
            overdue=data["overdue"],
            hidden=True if data["hidden"] else None,
            q=data["q"],
        )
        page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query_string": query.urlencode()}
    if request.htmx:
        return render(request, "feedback/staff/_rows.html", context)
    return render(request, "feedback/staff/inbox.html", context)


# name → (form class, label, who may: "handle" or "manage")
ACTIONS: dict[str, tuple[type[forms.Form], Any, str]] = {
    "respond": (RespondForm, gettext_lazy("Publish a response"), "handle"),
    "status": (StatusForm, gettext_lazy("Change the status"), "handle"),
    "note": (NoteForm, gettext_lazy("Add an internal note"), "handle"),
    "assign": (AssignForm, gettext_lazy("Assign"), "manage"),
    "transfer": (TransferForm, gettext_lazy("Transfer to another agency"), "manage"),
    "duplicate": (DuplicateForm, gettext_lazy("Mark as a duplicate"), "handle"),
    "moderate": (ModerateForm, gettext_lazy("Moderate"), "manage"),
}


def _form(report: Report, name: str, data: Any = None) -> forms.Form:
    cls = ACTIONS[name][0]
    kwargs: dict[str, Any] = {"initial": {"version": report.version}, "auto_id": f"{name}_%s"}
    if cls in (RespondForm, StatusForm):
        kwargs["current"] = report.status
    if cls is AssignForm:
        kwargs["staff"] = selectors.assignee_choices(report)
        kwargs["initial"]["assignee"] = report.assignee_id
    if cls is TransferForm:
        kwargs["agencies"] = list(
            Agency.objects.filter(is_active=True).exclude(pk=report.agency_id).order_by("path")
        )
    if cls is ModerateForm:
        kwargs["initial"].update(
            hidden=report.is_hidden, reason=report.hidden_reason, description=report.description
        )
    return cls(data, **kwargs)


def _available(user: Any, report: Report) -> list[str]:
    handle = permissions.may_handle(user, report)
    manage = permissions.may_manage(user, report)
    names = []
    for name, (_cls, _label, who) in ACTIONS.items():
        if (who == "handle" and handle) or (who == "manage" and manage):
            if name == "status" and not services.STATUS_CHANGES.get(report.status):
                continue
            if name == "duplicate" and not report.is_open:
                continue
            names.append(name)
    return names


def _page(
    request: HttpRequest,
    report: Report,
    *,
    failed: str = "",
    failed_form: forms.Form | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request_user(request)
    actions = [
        {
            "name": name,
            "label": ACTIONS[name][1],
            "form": failed_form if name == failed and failed_form else _form(report, name),
        }
        for name in _available(user, report)
    ]
    context = {
        "report": report,
        "actions": actions,
        "history": selectors.staff_report_history(report),
        "photos": selectors.staff_report_photos(report),
        "may_manage": permissions.may_manage(user, report),
        "redact_form": RedactPhotoForm(),
        "nearby": selectors.duplicate_candidates(
            category_id=report.category_id,
            lat=report.lat,
            long=report.long,
            at=report.requested_at,
            exclude_id=report.pk,
        ),
        "answers": _answers(report),
        "kinds": dict(UpdateKind.choices),
        "map_show": map_settings(
            "show",
            [{"id": "", "lat": report.lat, "long": report.long, "title": ""}]
            if report.lat is not None and report.long is not None
            else [],
        ),
    }
    return render(request, "feedback/staff/report.html", context, status=status)


def _answers(report: Report) -> list[tuple[str, str]]:
    """The reporter's answers to the category's questions, as question and words."""
    answers = []
    for attribute in report.category.attributes.all():
        value = report.attributes.get(attribute.code)
        if value in (None, "", []):
            continue
        names = {str(v.get("key")): str(v.get("name")) for v in attribute.values or []}
        values = value if isinstance(value, list) else [value]
        answers.append(
            (attribute.description, ", ".join(names.get(str(v), str(v)) for v in values))
        )
    return answers


@staff_page
def report_page(request: HttpRequest, report_id: int) -> HttpResponse:
    return _page(request, selectors.staff_report_get(request_user(request), report_id))


def _version(form: forms.Form) -> int | None:
    return form.cleaned_data.get("version") if "version" in form.fields else None


RUN: dict[str, Callable[[Any, Report, dict[str, Any]], Any]] = {
    "respond": lambda u, r, d: services.report_respond(
        actor=u, report_id=r.pk, version=d["version"], text=d["text"], status=d["status"] or None
    ),
    "status": lambda u, r, d: services.report_status_change(
        actor=u, report_id=r.pk, version=d["version"], status=d["status"], notes=d["notes"]
    ),
    "note": lambda u, r, d: services.report_note_add(actor=u, report_id=r.pk, text=d["text"]),
    "assign": lambda u, r, d: services.report_assign(
        actor=u, report_id=r.pk, version=d["version"], assignee_id=d["assignee"]
    ),
    "transfer": lambda u, r, d: services.report_transfer(
        actor=u, report_id=r.pk, version=d["version"], agency_id=d["agency"], reason=d["reason"]
    ),
    "duplicate": lambda u, r, d: services.report_mark_duplicate(
        actor=u, report_id=r.pk, version=d["version"], original_public_id=d["original"]
    ),
    "moderate": lambda u, r, d: services.report_moderate(
        actor=u,
        report_id=r.pk,
        version=d["version"],
        hidden=d["hidden"],
        reason=d["reason"],
        description=d["description"],
    ),
}


@staff_page
@require_POST
def act(request: HttpRequest, report_id: int, action: str) -> HttpResponseBase:
    user = request_user(request)
    report = selectors.staff_report_get(user, report_id)
    if action not in ACTIONS:
        return redirect("feedback_staff:report", report_id=report.pk)
    allowed = permissions.may_handle if ACTIONS[action][2] == "handle" else permissions.may_manage
    if not allowed(user, report):
        raise PermissionDenied()
    form = _form(report, action, request.POST)
    if not form.is_valid():
        return _page(request, report, failed=action, failed_form=form, status=400)
    try:
        RUN[action](user, report, form.cleaned_data)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("feedback_staff:report", report_id=report.pk)
    except ValidationFailed as exc:
        _apply(form, exc)
        return _page(request, report, failed=action, failed_form=form, status=400)
    messages.success(request, _("Saved."))
    return redirect("feedback_staff:report", report_id=report.pk)


@staff_page
@require_POST
def redact_photo(request: HttpRequest, report_id: int, photo_id: int) -> HttpResponseBase:
    user = request_user(request)
    report = selectors.staff_report_get(user, report_id)
    form = RedactPhotoForm(request.POST)
    if form.is_valid():
        try:
            services.report_photo_redact(
                actor=user, photo_id=photo_id, boxes=form.cleaned_data["boxes"]
            )
        except ValidationFailed as exc:
            messages.error(request, "; ".join(m for ms in exc.fields.values() for m in ms))
        else:
            messages.success(request, _("The photo was redacted."))
    else:
        messages.error(request, "; ".join(str(m) for ms in form.errors.values() for m in ms))
    return redirect("feedback_staff:report", report_id=report.pk)


@staff_page
def original_photo(request: HttpRequest, report_id: int, photo_id: int) -> HttpResponseBase:
    """A photo as received (metadata already removed), for staff who may read the report."""
    name, content_type = selectors.staff_photo_get(request_user(request), photo_id)
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@staff_page
def hotline_new(request: HttpRequest) -> HttpResponse:
    """A hotline operator enters a call: the same form as the website's, for the caller."""
    user = request_user(request)
    if not permissions.may_take_calls(user):
        raise PermissionDenied()
    categories, category = category_choice(request)
    context: dict[str, Any] = {
        "categories": categories,
        "category": category,
        "map_pick": map_settings("pick"),
        "hotline": True,
    }
    if category is None:
        return render(request, "feedback/new_choose.html", context)
    status = 200
    if request.method == "POST":
        form = ReportForm(
            request.POST, request.FILES, category=category, hotline=True,
            upload_owner=lambda: upload_owner(request),
        )  # fmt: skip
        report = report_from_form(form, category, actor=user, channel=Channel.HOTLINE)
        if report is not None:
            messages.success(
                request,
                _("Report %(id)s was entered. Read the caller their tracking code: %(secret)s.")
                % {"id": report.public_id, "secret": report.reporter_secret},
            )
            if permissions.may_read(user, report):
                return redirect("feedback_staff:report", report_id=report.pk)
            return redirect("feedback_staff:hotline")
        status = 400
    else:
        form = ReportForm(category=category, hotline=True)
    context["form"] = form
    return render(request, "feedback/new.html", context, status=status)
