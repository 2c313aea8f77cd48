"""Pages of the staff area about agencies."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

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


# --- Searchable lists: what egov/typeahead.js asks for as the user types ----------------------


def _suggestions(request: HttpRequest, rows: list[tuple[int, str, str]]) -> JsonResponse:
    """``{"results": [{"value", "label", "hint"}], "message"}``: ``message`` says how many
    were found, for the screen reader's live region, in the page's language."""
    shown = rows[: selectors.SEARCH_LIMIT]
    if not shown:
        message = _("Nothing found. Try fewer or other letters.")
    elif len(rows) > len(shown):
        message = _("The first %(n)s matches; type more to narrow them.") % {"n": len(shown)}
    else:
        message = ngettext("%(n)s match.", "%(n)s matches.", len(shown)) % {"n": len(shown)}
    response = JsonResponse(
        {
            "results": [
                {"value": str(v), "label": label, "hint": hint} for v, label, hint in shown
            ],
            "message": message,
        },
        json_dumps_params={"ensure_ascii": False},
    )
    patch_vary_headers(response, ["Accept-Language", "Cookie"])
    return response


@require_GET
def agency_search(request: HttpRequest) -> JsonResponse:
    """Agencies by name, short name or identifier code (``q``), for a hand-over (staff: every
    agency) or a submission (the public: agencies, not their internal units; ``type``)."""
    agencies = selectors.agencies_search(
        user=request.user,
        query=request.GET.get("q", "")[:100],
        type_code=request.GET.get("type", "")[:50],
        limit=selectors.SEARCH_LIMIT + 1,
    )
    return _suggestions(request, [(a.pk, a.name, a.code) for a in agencies])


@require_GET
def commune_search(request: HttpRequest) -> JsonResponse:
    """Communes and wards by name without diacritics, or by official code (``q``)."""
    units = selectors.communes_search(
        query=request.GET.get("q", "")[:100], limit=selectors.SEARCH_LIMIT + 1
    )
    return _suggestions(request, [(u.pk, u.name, u.code) for u in units])
