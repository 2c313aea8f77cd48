"""Downloads of the official slips (forms 01-07), for officers and for applicants.

URL names (namespace ``dossier_documents``, mounted at /documents/):

- ``dossier_pdf`` (``dossier_id``, ``form`` "01"-"06"): /documents/dossiers/<id>/<form>.pdf,
  a form of a dossier the officer may see (``selectors.staff_dossier_get``; others get 404);
- ``dossier_xlsx`` (``dossier_id``): /documents/dossiers/<id>/06.xlsx, the control slip in Excel;
- ``register`` and ``register_xlsx``: /documents/register.pdf and /documents/register.xlsx
  with ``?agency=<identifier code>&start=YYYY-MM-DD&end=YYYY-MM-DD``, the register (form 07) of
  the dossiers the agency received in the period (at most 366 days; a bad period answers 400,
  an agency the officer does not read 404);
- ``my_pdf`` (``dossier_id``, ``form`` "01"-"05"): /documents/my/<id>/<form>.pdf, a slip of
  the signed-in applicant's own dossier (``selectors.citizen_dossier_get``).

A form the dossier has no grounds for (form 03 of a dossier never refused) answers 409 with
the reason. Files are attachments named ``<dossier code>-<form>.pdf`` (or
``<agency code>-07-<start>-<end>.pdf``) and are not cached.

In templates: ``{% url 'dossier_documents:dossier_pdf' dossier.pk '01' %}``,
``{% url 'dossier_documents:register' %}?agency=…&start=…&end=…``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from egov.core.errors import EgovError, NotFound
from egov.core.http import request_user
from egov.core.views import render_error, signed_in_page, staff_page
from egov.dossiers import documents, selectors


def public_base(request: HttpRequest) -> str:
    """The site's public address for the lookup URL: ``EGOV_PUBLIC_URL``, else this request's."""
    return getattr(settings, "EGOV_PUBLIC_URL", "") or request.build_absolute_uri("/")


def download(document: documents.Document) -> HttpResponse:
    """``document`` as an attachment that no cache keeps (it holds personal data)."""
    response = HttpResponse(document.content, content_type=document.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(True, document.filename) or "attachment"
    )
    response["Content-Length"] = str(len(document.content))
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_GET
@staff_page
def dossier_pdf(request: HttpRequest, dossier_id: int, form: str) -> HttpResponse:
    dossier = selectors.staff_dossier_get(user=request.user, dossier_id=dossier_id)
    try:
        document = documents.dossier_document(dossier, form, base_url=public_base(request))
    except EgovError as exc:
        return render_error(request, exc)
    return download(document)


@require_GET
@staff_page
def dossier_xlsx(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = selectors.staff_dossier_get(user=request.user, dossier_id=dossier_id)
    try:
        document = documents.dossier_document(
            dossier, "06", fmt="xlsx", base_url=public_base(request)
        )
    except EgovError as exc:
        return render_error(request, exc)
    return download(document)


def _register(request: HttpRequest, fmt: str) -> HttpResponse:
    try:
        agency = documents.register_agency_get(
            user=request.user, code=request.GET.get("agency", "")
        )
        period = documents.register_period(request.GET.get("start"), request.GET.get("end"))
        document = documents.register_document(agency, period, fmt=fmt)
    except EgovError as exc:
        return render_error(request, exc)
    return download(document)


@require_GET
@staff_page
def register(request: HttpRequest) -> HttpResponse:
    return _register(request, "pdf")


@require_GET
@staff_page
def register_xlsx(request: HttpRequest) -> HttpResponse:
    return _register(request, "xlsx")


@require_GET
@signed_in_page
def my_pdf(request: HttpRequest, dossier_id: int, form: str) -> HttpResponse:
    dossier = selectors.citizen_dossier_get(user=request_user(request), dossier_id=dossier_id)
    try:
        if form not in documents.CITIZEN_FORMS:
            raise NotFound()
        document = documents.dossier_document(dossier, form, base_url=public_base(request))
    except EgovError as exc:
        return render_error(request, exc)
    return download(document)
