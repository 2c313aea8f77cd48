"""The dashboard's tables as plain rows (headers + values), for the pages and the exports."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from egov.core.errors import ValidationFailed
from egov.stats import selectors
from egov.stats.selectors import Figures, Filters

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from egov.accounts.models import User

Cell = str | int | Decimal | None


@dataclass
class Table:
    name: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    # Which columns are percentages (for formatting).
    percent_columns: frozenset[int] = frozenset()


def _figure_headers() -> list[str]:
    return [
        _("Received"), _("Online"), _("Resolved"), _("Before time"), _("On time"), _("Late"),
        _("On time or before (%)"), _("Refused"), _("Withdrawn"), _("Satisfied (%)"),
    ]  # fmt: skip


def _figure_cells(f: Figures) -> list[Cell]:
    c = f.counts
    return [
        c["received"], c["online"], f.resolved, c["before"], c["on_time"], c["late"],
        f.on_time_rate, c["refused"], c["withdrawn"], f.satisfaction_rate,
    ]  # fmt: skip


FIGURE_PERCENTS = frozenset({6, 9})
TABLES = ("summary", "trend", "ranking", "channel", "procedure", "sector")


def table_build(
    name: str, *, user: User | AnonymousUser | None, filters: Filters, **extra: Any
) -> Table:
    if name not in TABLES:
        raise ValidationFailed(fields={"table": [_("Unknown table.")]})
    if name == "summary":
        f = selectors.indicators(user=user, filters=filters)
        rows: list[list[Cell]] = [
            [str(selectors.METRICS[m]), f[m]]
            for m in (
                "received", "online", "online_full", "resolved", "before", "on_time", "late",
                "stopped", "refused", "withdrawn", "very_satisfied", "satisfied",
                "not_satisfied", "unreceived", "within", "overdue", "paused",
            )
        ]  # fmt: skip
        rows += [
            [_("On time or before (%)"), f.on_time_rate],
            [_("Submitted online (%)"), f.online_rate],
            [_("Submitted fully online (%)"), f.online_full_rate],
            [_("Satisfied (%)"), f.satisfaction_rate],
        ]
        for score in selectors.scores_766(f):
            rows.append(
                [f"{_('Decision 766 score')}: {score.label} (/{score.points})", score.score]
            )
        return Table(name, _("Indicators"), [_("Indicator"), _("Value")], rows)
    if name == "trend":
        rows = [
            [f"{month:%m/%Y}", *_figure_cells(f)]
            for month, f in selectors.trend(user=user, filters=filters)
        ]
        return Table(
            name, _("Trend by month"), [_("Month"), *_figure_headers()], rows,
            frozenset(i + 1 for i in FIGURE_PERCENTS),
        )  # fmt: skip
    if name == "ranking":
        rows = [
            [i + 1, r.agency.code, r.agency.name, *_figure_cells(r.figures)]
            for i, r in enumerate(selectors.ranking(user=user, filters=filters))
        ]
        return Table(
            name, _("Ranking of agencies"), ["#", _("Code"), _("Agency"), *_figure_headers()],
            rows, frozenset(i + 3 for i in FIGURE_PERCENTS),
        )  # fmt: skip
    titles = {"channel": _("By channel"), "procedure": _("By procedure"), "sector": _("By sector")}
    rows = [
        [r.label, *_figure_cells(r.figures)]
        for r in selectors.breakdown(user=user, filters=filters, by=name)
    ]
    return Table(
        name, titles[name], [titles[name], *_figure_headers()], rows,
        frozenset(i + 1 for i in FIGURE_PERCENTS),
    )  # fmt: skip
