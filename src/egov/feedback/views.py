"""Public and citizens' pages of citizen feedback: the form, the list with its map, a report's
page (rating, reopening), the figures per agency, the feeds' index and the photos.

Writes go through ``services``; the pages only collect input and show the services' messages.
The map is progressive: every page works with typed addresses and coordinates, the map
(Leaflet 1.9.4, committed under static/feedback/leaflet/ with its licence) only adds picking and showing.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.cache import caches
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from egov.core.errors import Conflict, EgovError, NotFound, ValidationFailed
from egov.core.uploads import upload_owner
from egov.core.views import apply_service_errors, render_error, signed_in_page
from egov.feedback import selectors, services, tiles
from egov.feedback.forms import FiguresForm, RateForm, ReopenForm, ReportForm, service_fields
from egov.feedback.models import Category, Channel, Report
from egov.organizations.models import AdministrativeUnit


def map_settings(
    mode: str = "show", points: list[dict[str, Any]] | None = None, link: str = ""
) -> dict[str, Any]:
    """What the map script needs: the tile server (``EGOV_MAP_TILE_URL``, or egov's own tiles
    from ``EGOV_MAP_TILES_FILE``; none by default, so no tile comes from an outside host), its
    credit, where to centre a map with nothing on it, the points to show (or ``mode="pick"``)
    and what to say when there is no base map."""
    try:
        center = [float(x) for x in str(settings.EGOV_MAP_CENTER).split(",")[:2]]
    except ValueError:
        center = [10.5353, 106.4134]
    images = "feedback/leaflet/images/"
    return {
        # Leaflet guesses its marker images from its stylesheet's URL, which fails once the
        # static files carry a content hash: name them (hashed) instead.
        "icons": {
            "iconUrl": static(images + "marker-icon.png"),
            "iconRetinaUrl": static(images + "marker-icon-2x.png"),
            "shadowUrl": static(images + "marker-shadow.png"),
        },
        "tiles": tiles.tile_url_template(),
        "attribution": tiles.attribution(),
        "center": center,
        "mode": mode,
        "points": points or [],
        "link": link,
        "locate": "locate-me" if mode == "pick" else "",
        "messages": {
            "no_tiles": _(
                "No base map is configured: the points are shown on a plain grid. The address "
                "and coordinates are written on this page."
            ),
            "tile_error": _(
                "The base map could not be loaded: the points are shown on a plain grid. The "
                "address and coordinates are written on this page."
            ),
        },
    }


def _apply(form: Any, exc: EgovError, photo_names: list[str] | None = None) -> None:
    exc.fields = service_fields(exc.fields, photo_names)
    if form.is_bound and form.errors:  # the form's own message on a field comes first
        exc.fields = {k: v for k, v in exc.fields.items() if k not in form.errors}
        if not exc.fields:
            return
    apply_service_errors(form, exc)


def category_choice(request: HttpRequest) -> tuple[list[Category], Category | None]:
    categories = selectors.categories_list()
    code = request.GET.get("category") or request.POST.get("category") or ""
    chosen = next((c for c in categories if c.service_code == code), None)
    return categories, chosen


def report_from_form(
    form: ReportForm, category: Category, *, actor: Any, channel: str
) -> Report | None:
    """Create the report a bound ``ReportForm`` describes (the web form and the hotline page);
    the same form sent twice (a double click, a retry) gives the first report. None when it
    was refused: the errors of every field are then on the form at once (when the form itself
    refused a field, the service still checks the others), and the photos that were valid are
    kept for the page shown again."""
    valid = form.is_valid()
    photos, photo_names = form.photos()
    area = form.value("area")
    fields: dict[str, Any] = {
        "actor": actor,
        "channel": channel,
        "service_code": category.service_code,
        "description": str(form.value("description")),
        "address": str(form.value("address")),
        "area_id": area.pk if isinstance(area, AdministrativeUnit) else None,
        "lat": form.value("lat"),
        "long": form.value("long"),
        "photos": photos,
        "contact": form.contact(),
        "attributes": form.attributes(),
    }
    token = f"web:{form.cleaned_data.get('submission_key', '')}"
    try:
        if not valid:
            services.report_check(**fields)
            form.keep_valid_uploads()
            return None
        report = services.report_create(**fields, token=token)
    except Conflict as exc:
        if exc.code != "duplicate_token":
            raise
        report = Report.objects.get(token=token)
    except ValidationFailed as exc:
        _apply(form, exc, photo_names)
        form.keep_valid_uploads()
        return None
    form.discard_kept_uploads()
    return report


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """The web form: choose a category, then describe, place and photograph the problem."""
    categories, category = category_choice(request)
    context: dict[str, Any] = {
        "categories": categories,
        "category": category,
        "map_pick": map_settings("pick"),
    }
    if category is None:
        return render(request, "feedback/new_choose.html", context)
    if request.method == "POST":
        form = ReportForm(
            request.POST, request.FILES, category=category,
            upload_owner=lambda: upload_owner(request),
        )  # fmt: skip
        actor = request.user if request.user.is_authenticated else None
        report = report_from_form(form, category, actor=actor, channel=Channel.WEB)
        if report is not None:
            messages.success(
                request,
                _(
                    "Your report was received with number %(id)s. Keep your tracking "
                    "code %(secret)s to rate the response or reopen the report."
                )
                % {"id": report.public_id, "secret": report.reporter_secret},
            )
            return redirect("feedback:detail", public_id=report.public_id)
        status = 400
    else:
        form = ReportForm(category=category)
        status = 200
    context["form"] = form
    return render(request, "feedback/new.html", context, status=status)


@require_GET
def nearby(request: HttpRequest) -> HttpResponse:
    """Possible duplicates of a report being written (an htmx fragment of the form)."""
    _categories, category = category_choice(request)
    found: list[Any] = []
    if category is not None:
        try:
            lat, long = float(request.GET.get("lat", "")), float(request.GET.get("long", ""))
        except ValueError:
            pass
        else:
            found = selectors.duplicate_candidates(category_id=category.pk, lat=lat, long=long)
    return render(request, "feedback/_nearby.html", {"nearby": found})


def _list_filters(request: HttpRequest) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    code = request.GET.get("category", "")
    if code:
        filters["service_codes"] = [code]
    status = request.GET.get("status", "")
    if status in ("open", "closed"):
        filters["status"] = status
    area = request.GET.get("area", "")
    if area.isdigit():
        filters["area_id"] = int(area)
    return filters


@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Public reports, newest first, 50 a page, with the page's reports on a map."""
    filters = _list_filters(request)
    try:
        page_number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        page_number = 1
    per_page = 50
    rows = selectors.public_reports_list(
        **filters, offset=(page_number - 1) * per_page, limit=per_page + 1
    )
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    query = request.GET.copy()
    query.pop("page", None)
    points = [
        {
            "id": r.public_id,
            "lat": r.lat,
            "long": r.long,
            "title": r.service_name,
            "status": r.get_status_display(),
        }
        for r in rows
        if r.lat is not None and r.long is not None
    ]
    context = {
        "reports": rows,
        "points": points,
        "page_number": page_number,
        "has_next": has_next,
        "query_string": query.urlencode(),
        "categories": selectors.categories_list(),
        "areas": selectors.areas_with_reports(),
        "chosen": request.GET,
        "map_show": map_settings("show", points, reverse("feedback:list")),
    }
    return render(request, "feedback/list.html", context)


def _detail(
    request: HttpRequest,
    public_id: str,
    *,
    rate_form: RateForm | None = None,
    reopen_form: ReopenForm | None = None,
    status: int = 200,
) -> HttpResponse:
    detail = selectors.public_report_detail(public_id)
    report = detail.report
    answered = report.status in services.ANSWERED
    context = {
        "detail": detail,
        "report": report,
        "photos": [selectors.photo_path(pk) for pk in detail.photos],
        "rate_form": rate_form or (RateForm() if answered else None),
        "reopen_form": reopen_form or (ReopenForm() if answered else None),
        "map_show": map_settings(
            "show",
            [{"id": "", "lat": report.lat, "long": report.long, "title": ""}]
            if report.lat is not None and report.long is not None
            else [],
        ),
    }
    return render(request, "feedback/detail.html", context, status=status)


@require_GET
def report_detail(request: HttpRequest, public_id: str) -> HttpResponseBase:
    try:
        return _detail(request, public_id)
    except NotFound as exc:
        return render_error(request, exc)


@require_POST
def report_rate(request: HttpRequest, public_id: str) -> HttpResponseBase:
    form = RateForm(request.POST)
    try:
        if form.is_valid():
            try:
                services.report_rate(
                    actor=request.user,
                    public_id=public_id,
                    secret=form.cleaned_data["secret"],
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except EgovError as exc:
                if isinstance(exc, NotFound):
                    raise
                _apply(form, exc)
            else:
                messages.success(request, _("Thank you for rating the response."))
                return redirect("feedback:detail", public_id=public_id)
        return _detail(request, public_id, rate_form=form, status=400)
    except NotFound as exc:
        return render_error(request, exc)


@require_POST
def report_reopen(request: HttpRequest, public_id: str) -> HttpResponseBase:
    form = ReopenForm(request.POST)
    try:
        if form.is_valid():
            try:
                services.report_reopen(
                    actor=request.user,
                    public_id=public_id,
                    secret=form.cleaned_data["secret"],
                    reason=form.cleaned_data["reason"],
                )
            except EgovError as exc:
                if isinstance(exc, NotFound):
                    raise
                _apply(form, exc)
            else:
                messages.success(request, _("The report was reopened."))
                return redirect("feedback:detail", public_id=public_id)
        return _detail(request, public_id, reopen_form=form, status=400)
    except NotFound as exc:
        return render_error(request, exc)


@signed_in_page
@require_GET
def my_reports(request: HttpRequest) -> HttpResponse:
    """The reports the signed-in citizen sent, with their status and response."""
    return render(
        request, "feedback/mine.html", {"reports": selectors.reporter_reports(request.user)}
    )


@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    """Per agency: reports received, answered, answered on time, average rating; for reports
    sent in an optional period (``start``, ``end``: dates, both included)."""
    today = timezone.localdate()
    form = FiguresForm(request.GET or {"start": today.replace(month=1, day=1), "end": today})
    start = end = None
    if form.is_valid():
        tz = timezone.get_current_timezone()
        if form.cleaned_data["start"]:
            start = datetime.combine(form.cleaned_data["start"], time.min, tzinfo=tz)
        if form.cleaned_data["end"]:
            end = datetime.combine(form.cleaned_data["end"], time.max, tzinfo=tz)
    # The figures aggregate every report of the period: kept for a minute per period.
    key = f"feedback:figures:{start and start.isoformat()}:{end and end.isoformat()}"
    rows = caches["local"].get(key)
    if rows is None:
        rows = selectors.agency_figures(start=start, end=end)
        caches["local"].set(key, rows, 60)
    context = {"form": form, "figures": rows}
    return render(request, "feedback/figures.html", context, status=200 if form.is_valid() else 400)


@require_GET
def feeds_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "feedback/feeds.html",
        {"categories": selectors.categories_list(), "areas": selectors.areas_with_reports()},
    )


@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    """The public version of a photo (never the original of a redacted one)."""
    try:
        name, content_type = selectors.public_photo_get(photo_id)
    except NotFound as exc:
        return render_error(request, exc)
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=300"
    return response
