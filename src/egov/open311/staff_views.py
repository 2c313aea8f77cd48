"""The administrators' page for Open311 API keys."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egov.core.errors import ValidationFailed
from egov.core.views import apply_service_errors, staff_page
from egov.open311 import selectors, services
from egov.open311.forms import ApiClientForm


@staff_page
@require_http_methods(["GET", "POST"])
def api_clients(request: HttpRequest) -> HttpResponse:
    clients = selectors.api_client_list(user=request.user)
    form = ApiClientForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            client, key = services.api_client_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
            )
        except ValidationFailed as exc:
            apply_service_errors(form, exc)
        else:
            # Shown on this response only: the key is stored as a hash.
            issued = {"client": client, "key": key}
            form = ApiClientForm()
    return render(
        request,
        "open311/api_clients.html",
        {"clients": clients, "form": form, "issued": issued},
        status=400 if form.errors else 200,
    )


@staff_page
@require_POST
def api_client_revoke(request: HttpRequest, client_id: int) -> HttpResponse:
    client = services.api_client_revoke(actor=request.user, client_id=client_id)
    messages.success(request, _("The key of %(name)s is revoked.") % {"name": client.name})
    return redirect("open311_staff:api_clients")
