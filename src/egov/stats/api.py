"""API of the service statistics: the indicators a dashboard shows, as JSON.

``GET /stats/indicators`` (staff: figures of the reader's scope) and ``GET /stats/public``
(anyone: province-wide). Periods are ``YYYY-MM`` months, both included; bad filters answer 400
with the field, an agency outside the reader's scope 404.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema

from egov.core.api import ERROR_RESPONSES
from egov.core.errors import PermissionDenied
from egov.core.http import request_user
from egov.stats import selectors
from egov.stats.selectors import Figures

router = Router(tags=["statistics"])


class ScoreOut(Schema):
    group: str
    label: str
    points: int
    score: Decimal | None


class IndicatorsOut(Schema):
    start: date
    end: date
    counts: dict[str, int]
    open: dict[str, int]
    resolved: int
    on_time_rate: Decimal | None
    online_rate: Decimal | None
    online_full_rate: Decimal | None
    satisfaction_rate: Decimal | None
    scores_766: list[ScoreOut]


def _out(period: selectors.Period, f: Figures) -> dict[str, Any]:
    return {
        "start": period.start, "end": period.end, "counts": f.counts, "open": f.open,
        "resolved": f.resolved, "on_time_rate": f.on_time_rate, "online_rate": f.online_rate,
        "online_full_rate": f.online_full_rate, "satisfaction_rate": f.satisfaction_rate,
        "scores_766": [s.__dict__ for s in selectors.scores_766(f)],
    }  # fmt: skip


@router.get("/stats/indicators", response={200: IndicatorsOut, **ERROR_RESPONSES})
def indicators(
    request: HttpRequest,
    start: str = "",
    end: str = "",
    agency: str = "",
    procedure: str = "",
    sector: str = "",
    channel: str = "",
) -> dict[str, Any]:
    """Decision 766 indicators over a period, in the reader's scope, filtered."""
    user = request_user(request)
    if not selectors.may_view(user):
        raise PermissionDenied(_("Only staff members see the service statistics."))
    filters = selectors.filters_parse(
        user=user, start=start, end=end, agency=agency, procedure=procedure, sector=sector,
        channel=channel,
    )  # fmt: skip
    return _out(filters.period, selectors.indicators(user=user, filters=filters))


@router.get("/stats/public", auth=None, response={200: IndicatorsOut, **ERROR_RESPONSES})
def public(request: HttpRequest, start: str = "", end: str = "") -> dict[str, Any]:
    """Province-wide indicators (what the public statistics page shows)."""
    period = selectors.period_parse(start, end)
    return _out(period, selectors.public_indicators(period=period))
