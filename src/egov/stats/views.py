"""The leaders' dashboard, its drill-down and exports (staff), and the public statistics page.

Every figure comes from the rollups (``selectors``); the drill-down lists dossiers a page at a
time through the facts' indexes. Bad filters answer 400 with the form's messages.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from egov.core.errors import ValidationFailed
from egov.core.formats import datetime_text
from egov.core.http import request_user
from egov.core.views import staff_page
from egov.organizations import permissions as org_permissions
from egov.organizations.models import Agency
from egov.procedures.models import Channel, Sector
from egov.stats import charts, exports, selectors, tables
from egov.stats.selectors import Figures, Filters

FILTER_NAMES = ("start", "end", "agency", "procedure", "sector", "channel")


def _filters(request: HttpRequest, user: Any) -> Filters:
    return selectors.filters_parse(
        user=user, **{k: request.GET.get(k, "").strip() for k in FILTER_NAMES}
    )


def _form_context(request: HttpRequest, user: Any) -> dict[str, Any]:
    scope = org_permissions.read_scope(user)
    agencies = Agency.objects.filter(scope.q(), is_active=True).order_by("path")
    return {
        "values": {k: request.GET.get(k, "") for k in FILTER_NAMES},
        "agencies": [(str(pk), name) for pk, name in agencies.values_list("pk", "name")[:500]],
        "sectors": Sector.objects.all(),
        "channel_choices": Channel.choices,
    }


def _bad_filters(
    request: HttpRequest, template: str, exc: ValidationFailed, **extra: Any
) -> HttpResponse:
    context = {"errors": exc.fields, "message": exc.message, **extra}
    return render(request, template, context, status=400)


def _headline(figures: Figures, query: dict[str, str]) -> list[dict[str, Any]]:
    def link(metric: str) -> str:
        return "dossiers/?" + urlencode({**query, "metric": metric})

    out = []
    for metric in ("received", "resolved", "before", "on_time", "late", "within", "overdue",
                   "paused", "unreceived", "refused", "withdrawn"):  # fmt: skip
        out.append({"metric": metric, "label": selectors.METRICS[metric],
                    "value": figures[metric], "url": link(metric)})  # fmt: skip
    return out


def _trend_chart(trend: list[tuple[date, Figures]]) -> Any:
    labels = [f"{m:%m/%y}" for m, _f in trend]
    return charts.trend_chart(
        _("Dossiers resolved each month, and the share on time"),
        labels,
        [
            ("before", _("Before time"), [f.counts["before"] for _m, f in trend]),
            ("on_time", _("On time"), [f.counts["on_time"] for _m, f in trend]),
            ("late", _("Late"), [f.counts["late"] for _m, f in trend]),
        ],
        (_("On time or before (%)"), [f.on_time_rate for _m, f in trend]),
    )


@staff_page
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    context = _form_context(request, user)
    try:
        filters = _filters(request, user)
    except ValidationFailed as exc:
        return _bad_filters(request, "stats/dashboard.html", exc, **context)
    # The period fields show the period in force, the default one included.
    context["values"].update(
        start=f"{filters.period.start:%Y-%m}", end=f"{filters.period.end:%Y-%m}"
    )
    board = selectors.dashboard_figures(user=user, filters=filters)
    figures, trend, ranking, channels = board.figures, board.trend, board.ranking, board.channels
    query = filters.query()
    context.update(
        filters=filters,
        figures=figures,
        headline=_headline(figures, query),
        scores=selectors.scores_766(figures),
        trend=trend,
        trend_chart=_trend_chart(trend),
        ranking=ranking[:30],
        ranking_more=max(len(ranking) - 30, 0),
        ranking_chart=charts.bar_list(
            _("Share resolved on time, by agency"),
            [(r.agency.name, r.figures.on_time_rate) for r in ranking[:15]],
        ),
        channels=channels,
        query=urlencode(query),
        tables=[(name, _table_title(name)) for name in tables.TABLES],
        report_month=f"{timezone.localdate():%Y-%m}",
    )
    return render(request, "stats/dashboard.html", context)


def _table_title(name: str) -> str:
    return {
        "summary": _("Indicators"), "trend": _("Trend by month"),
        "ranking": _("Ranking of agencies"), "channel": _("By channel"),
        "procedure": _("By procedure"), "sector": _("By sector"),
    }[name]  # fmt: skip


@staff_page
def drilldown(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    metric = request.GET.get("metric", "")
    context = _form_context(request, user)
    try:
        filters = _filters(request, user)
        page_number = int(request.GET.get("page", "1") or 1)
        page = selectors.drilldown_page(user=user, filters=filters, metric=metric, page=page_number)
    except ValueError:
        return _bad_filters(
            request,
            "stats/drilldown.html",
            ValidationFailed(fields={"page": [_("Enter a page number.")]}),
            **context,
        )
    except ValidationFailed as exc:
        return _bad_filters(request, "stats/drilldown.html", exc, **context)
    query = {**filters.query(), "metric": metric}
    context.update(
        page=page,
        metric_label=selectors.METRICS[metric],
        filters=filters,
        query_string=urlencode(query),
        back=urlencode(filters.query()),
    )
    return render(request, "stats/drilldown.html", context)


@staff_page
def export(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    user = request_user(request)
    try:
        filters = _filters(request, user)
        table = tables.table_build(name, user=user, filters=filters)
    except ValidationFailed as exc:
        return _bad_filters(request, "stats/dashboard.html", exc, **_form_context(request, user))
    stem = f"egov-{name}-{filters.period.start:%Y%m}-{filters.period.end:%Y%m}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(table), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
        return response
    body = exports.to_xlsx(table, subtitle=f"{_('Period')}: {filters.period.label}")
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
    return response


@staff_page
def monthly_report(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    month = request.GET.get("month", "").strip() or f"{timezone.localdate():%Y-%m}"
    try:
        filters = selectors.filters_parse(
            user=user, start=month, end=month, agency=request.GET.get("agency", "")
        )
    except ValidationFailed as exc:
        return _bad_filters(request, "stats/dashboard.html", exc, **_form_context(request, user))
    scope = org_permissions.read_scope(user)
    if filters.agency:
        scope_label = filters.agency.name
    elif scope.everything:
        scope_label = _("Whole province")
    else:
        scope_label = _("Your agencies")
    built = [
        tables.table_build(n, user=user, filters=filters)
        for n in ("summary", "ranking", "channel", "sector")
    ]
    generated = _("Generated %(when)s") % {"when": datetime_text(timezone.now())}
    body = exports.monthly_report_pdf(
        month=filters.period.start, scope_label=scope_label, tables=built, generated=generated
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="egov-report-{filters.period.start:%Y-%m}.pdf"'
    )
    return response


@cache_control(public=True, max_age=60)
def public(request: HttpRequest) -> HttpResponse:
    """Province-wide figures, like the national portal's: aggregates only, no dossier."""
    try:
        period = selectors.period_parse(
            request.GET.get("start", "").strip(), request.GET.get("end", "").strip()
        )
    except ValidationFailed as exc:
        return _bad_filters(
            request, "stats/public.html", exc,
            values={k: request.GET.get(k, "") for k in ("start", "end")},
        )  # fmt: skip
    filters = Filters(period)
    figures = selectors.indicators(user=None, filters=filters)
    trend = selectors.trend(user=None, filters=filters)
    return render(
        request,
        "stats/public.html",
        {
            "period": period,
            "figures": figures,
            "trend": trend,
            "trend_chart": _trend_chart(trend),
            "channels": selectors.breakdown(user=None, filters=filters, by="channel"),
            "values": {"start": f"{period.start:%Y-%m}", "end": f"{period.end:%Y-%m}"},
            "dashboard_link": selectors.may_view(request.user),
        },
    )
