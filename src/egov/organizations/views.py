"""Pages of the staff area about agencies."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egov.core.errors import PermissionDenied, ValidationFailed
from egov.core.http import HtmxHttpRequest
from egov.core.views import apply_service_errors, staff_page
from egov.organizations import permissions, selectors, services
from egov.organizations.forms import AgencyForm


@staff_page
def staff_home(request: HttpRequest) -> HttpResponse:
    assignments = selectors.user_agencies(user=request.user)
    is_province_admin = permissions.admin_scope(request.user).everything
    return render(
        request,
        "organizations/staff_home.html",
        {"assignments": assignments, "is_province_admin": is_province_admin},
    )


@staff_page
def agency_list(request: HtmxHttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    agencies = selectors.agencies_visible(user=request.user, query=query)[:500]
    template = (
        "organizations/_agency_rows.html" if request.htmx else "organizations/agency_list.html"
    )
    return render(request, template, {"agencies": agencies, "q": query})


@staff_page
def agency_detail(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, agency_id=agency_id)
    can_change = permissions.change_scope(request.user).contains(agency)
    context = {
        "agency": agency,
        "staff": selectors.agency_staff(user=request.user, agency=agency),
        "children": selectors.agencies_visible(user=request.user, parent_id=agency.pk),
        "can_change": can_change,
        "audit": (
            selectors.agency_audit_records(user=request.user, agency=agency, limit=20)
            if can_change
            else []
        ),
    }
    return render(request, "organizations/agency_detail.html", context)


@staff_page
@require_http_methods(["GET", "POST"])
def agency_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = selectors.agency_get(user=request.user, agency_id=agency_id)
    if not permissions.change_scope(request.user).contains(agency):
        raise PermissionDenied(_("Only a leader of this agency or an administrator may change it."))
    fields = ["name", "short_name", "address", "phone", "email", "website"]
    if request.method == "POST":
        form = AgencyForm(request.POST)
        if form.is_valid():
            try:
                services.agency_update(actor=request.user, agency=agency, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The agency's details were saved."))
                return redirect("organizations:agency_detail", agency_id=agency.pk)
    else:
        form = AgencyForm(initial={name: getattr(agency, name) for name in fields})
    return render(request, "organizations/agency_edit.html", {"agency": agency, "form": form})
