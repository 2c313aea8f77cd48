"""Staff pages for editing the catalog: the same rules as import and the API, through
``services.procedure_save``."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.forms import BaseFormSet, Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.http import HtmxHttpRequest, request_user
from egov.core.views import staff_page
from egov.organizations import permissions as org_permissions
from egov.procedures import selectors, services
from egov.procedures.catalog import CatalogIssue, Loc, ProcedureData, form_file_problem
from egov.procedures.exchange import procedure_document, procedure_from_document
from egov.procedures.forms import ComponentFormSet, FeeFormSet, ProcedureForm, StepFormSet
from egov.procedures.models import Procedure

_CHILD_KEY = re.compile(r"^(fees|components|steps)\[(\d+)\]\.(\w+)$")


@staff_page
def staff_procedure_list(request: HtmxHttpRequest) -> HttpResponse:
    procedures = selectors.procedures_editable_by(user=request.user)
    can_create = org_permissions.admin_scope(request.user).everything
    return render(
        request, "procedures/staff_list.html", {"procedures": procedures, "can_create": can_create}
    )


def _rows(formset: BaseFormSet) -> list[Form]:
    """The rows to keep, in order: every existing row not marked for deletion, and the extra
    (blank) rows that were filled in."""
    rows = []
    for index, row in enumerate(formset.forms):
        if row.cleaned_data.get("DELETE"):
            continue
        if index >= formset.initial_form_count() and not row.has_changed():
            continue
        rows.append(row)
    return rows


def _safe_name(name: str) -> str:
    return Path(name).name.replace(" ", "-")[:200]


@staff_page
def staff_procedure_edit(request: HtmxHttpRequest, code: str | None = None) -> HttpResponse:
    procedure: Procedure | None = None
    if code is not None:
        procedure = selectors.procedure_for_edit(user=request.user, code=code)
    elif not org_permissions.admin_scope(request.user).everything:
        raise PermissionDenied(_("Only a provincial administrator may add procedures."))

    if request.method != "POST":
        document = procedure_document(procedure) if procedure else {}
        form = ProcedureForm(initial=document or {"targets": ["citizen"], "channels": ["counter"]})
        fees = FeeFormSet(prefix="fees", initial=document.get("fees", []))
        components = ComponentFormSet(prefix="components", initial=document.get("components", []))
        steps = StepFormSet(prefix="steps", initial=document.get("steps", []))
        return _render(request, procedure, form, fees, components, steps)

    form = ProcedureForm(request.POST)
    fees = FeeFormSet(request.POST, prefix="fees")
    components = ComponentFormSet(request.POST, request.FILES, prefix="components")
    steps = StepFormSet(request.POST, prefix="steps")
    if procedure is not None:
        posted = request.POST.copy()
        posted["code"] = procedure.code  # the code is the key: it does not change here
        form = ProcedureForm(posted)
    valid = all([form.is_valid(), fees.is_valid(), components.is_valid(), steps.is_valid()])
    if (
        valid
        and procedure is None
        and Procedure.objects.filter(code=form.cleaned_data["code"]).exists()
    ):
        form.add_error("code", _("A procedure with this code exists already."))
        valid = False
    form_files: dict[str, bytes] = {}
    component_rows = _rows(components) if valid else []
    for row in component_rows:
        upload = row.cleaned_data.get("upload")
        if upload:
            name = _safe_name(upload.name)
            content = upload.read()
            problem = form_file_problem(name, content)
            if problem:
                row.add_error("upload", problem)
                valid = False
            else:
                form_files[name] = content
                row.cleaned_data["form"] = name
    if valid:
        data = _procedure_data(form.cleaned_data, _rows(fees), component_rows, _rows(steps))
        try:
            saved = services.procedure_save(
                actor=request_user(request), data=data, form_files=form_files
            )
        except ValidationFailed as exc:
            _apply_errors(
                exc,
                form,
                {"fees": _rows(fees), "components": component_rows, "steps": _rows(steps)},
            )
        else:
            messages.success(request, _("The procedure %(code)s was saved.") % {"code": saved.code})
            return redirect("procedures_staff:list")
    return _render(request, procedure, form, fees, components, steps, status=400)


def _procedure_data(
    main: dict[str, Any], fees: list[Form], components: list[Form], steps: list[Form]
) -> ProcedureData:
    """The page's fields as one object of the exchange format, read like an import file."""
    document = {
        **main,
        "fees": [row.cleaned_data for row in fees],
        "components": [row.cleaned_data for row in components],
        "steps": [row.cleaned_data for row in steps],
    }
    issues: list[CatalogIssue] = []
    data = procedure_from_document(document, Loc("procedures", 1), issues)
    if issues:  # the forms have checked every value already
        raise ValidationFailed(fields={issue.field: [issue.reason] for issue in issues})
    return data


def _apply_errors(exc: ValidationFailed, form: Form, rows: dict[str, list[Form]]) -> None:
    """Put each of the service's messages next to its field, in the main form or a row."""
    for key, messages_ in exc.fields.items():
        match = _CHILD_KEY.match(key)
        # The steps' total is shown next to the processing time it must equal.
        target_form, field = form, ("processing_time" if key == "steps" else key)
        if match:
            kind, index, field = (
                match.group(1),
                int(match.group(2)) - 1,
                match.group(3),
            )  # rows count from 1
            if 0 <= index < len(rows[kind]):
                target_form = rows[kind][index]
        for message in messages_:
            target_form.add_error(field if field in target_form.fields else None, message)


def _render(
    request: HtmxHttpRequest,
    procedure: Procedure | None,
    form: Form,
    fees: BaseFormSet,
    components: BaseFormSet,
    steps: BaseFormSet,
    status: int = 200,
) -> HttpResponse:
    context = {
        "procedure": procedure,
        "form": form,
        "fees": fees,
        "components": components,
        "steps": steps,
    }
    return render(request, "procedures/staff_edit.html", context, status=status)
