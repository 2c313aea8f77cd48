"""The dashboard, drill-down, exports, monthly report and public page over HTTP."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from egov.stats import selectors
from egov.stats.services import queue_drain
from tests.stats.test_decision_766 import at, complete, received

PERIOD = {"start": "2026-03", "end": "2026-03"}


@pytest.fixture
def history(desk):
    """Three dossiers received at the center in March 2026: one before time, one late, one
    still open (overdue from 23 March 09:00)."""
    before, late, open_ = received(desk), received(desk), received(desk)
    with at(10):
        complete(desk, before)
    with at(24):
        complete(desk, late)
    queue_drain()
    return {"before": before, "late": late, "open": open_}


def test_dashboard_shows_the_figures_of_the_readers_scope(client, desk, world, history):
    client.force_login(world.admin)
    client.cookies["django_language"] = "en"
    with at(25):
        page = client.get("/staff/stats/", PERIOD)
    assert page.status_code == 200
    figures = page.context["figures"]
    assert (figures["received"], figures["before"], figures["late"], figures["overdue"]) == (
        3, 1, 1, 1,
    )  # fmt: skip
    # The figures belong to the department competent for the permit, not the desk that received.
    assert [r.agency for r in page.context["ranking"]] == [desk.department]
    body = page.content.decode()
    assert "<svg" in body and "cdn" not in body.lower()
    assert "metric=overdue" in body  # every headline figure links to its dossiers
    # A leader of another department sees none of department A's figures, and department A
    # as a filter is not found for them.
    client.force_login(world.leader_b)
    with at(25):
        other = client.get("/staff/stats/", PERIOD)
        assert other.context["figures"]["received"] == 0 and other.context["ranking"] == []
        assert (
            client.get("/staff/stats/", {**PERIOD, "agency": desk.department.pk}).status_code == 404
        )


def test_drilldown_lists_the_dossiers_behind_a_figure_in_scope(client, desk, world, history):
    client.force_login(desk.leader)
    with at(25):
        page = client.get("/staff/stats/dossiers/", {**PERIOD, "metric": "overdue"})
        assert page.status_code == 200
        assert [d.pk for d in page.context["page"].dossiers] == [history["open"].pk]
        late = client.get("/staff/stats/dossiers/", {**PERIOD, "metric": "late"})
        assert [d.pk for d in late.context["page"].dossiers] == [history["late"].pk]
        assert history["late"].code in late.content.decode()
        client.force_login(world.leader_b)
        outside = client.get("/staff/stats/dossiers/", {**PERIOD, "metric": "late"})
        assert outside.context["page"].dossiers == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start": "2026-05", "end": "2026-03"}, "end"),
        ({"start": "2026-13", "end": "2026-03"}, "start"),
        ({"start": "1990-01", "end": "2026-03"}, "start"),
        ({"start": "2001-01", "end": "2026-03"}, "end"),  # more than 120 months
        ({**PERIOD, "agency": "999999"}, "agency"),
        ({**PERIOD, "agency": "abc"}, "agency"),
        ({**PERIOD, "channel": "fax"}, "channel"),
        ({**PERIOD, "procedure": "9.999999"}, "procedure"),
    ],
)
def test_bad_filters_answer_400_with_the_field(client, world, params, field):
    client.force_login(world.admin)
    page = client.get("/staff/stats/", params)
    assert page.status_code == 400 and field in page.context["errors"]
    assert client.get("/staff/stats/export/trend.csv", params).status_code == 400


def test_unknown_metric_and_table(client, world):
    client.force_login(world.admin)
    assert client.get("/staff/stats/dossiers/", {**PERIOD, "metric": "x"}).status_code == 400
    assert client.get("/staff/stats/export/nope.csv", PERIOD).status_code == 400


def test_exports_csv_and_excel(client, desk, world, history):
    client.force_login(world.admin)
    with at(25):
        response = client.get("/staff/stats/export/ranking.csv", PERIOD)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1:5] == [desk.department.code, desk.department.name, "3", "3"]
    with at(25):
        response = client.get("/staff/stats/export/trend.xlsx", PERIOD)
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=4, column=1).value == "03/2026"
    assert sheet.cell(row=4, column=2).value == 3  # received
    assert sheet.cell(row=4, column=8).value == pytest.approx(0.5)  # on time or before: 50 %


def test_monthly_report_pdf(client, world, history):
    client.force_login(world.admin)
    with at(25):
        response = client.get("/staff/stats/report.pdf", {"month": "2026-03"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get("/staff/stats/report.pdf", {"month": "2026-3x"}).status_code == 400


def test_staff_pages_need_a_staff_member(client, world):
    assert client.get("/staff/stats/").status_code == 302
    client.force_login(world.citizen)
    assert client.get("/staff/stats/").status_code == 403


def test_public_page_province_wide_figures_in_both_languages(client, desk, history):
    with at(25):
        page = client.get("/statistics/", PERIOD)
    assert page.status_code == 200
    body = page.content.decode()
    assert history["open"].code not in body  # aggregates only
    assert "50,0 %" in body  # Vietnamese style
    client.cookies["django_language"] = "en"
    with at(25):
        body = client.get("/statistics/", PERIOD).content.decode()
    assert "50.0%" in body and "Statistics of administrative procedures" in body
    assert client.get("/statistics/", {"start": "2026-04", "end": "2026-01"}).status_code == 400
    assert "/staff/stats/" not in body  # the dashboard link is for staff only


def test_numbers_are_written_vietnamese_style():
    from decimal import Decimal

    from egov.stats import formats

    assert formats.number(157732, language="vi") == "157.732"
    assert formats.percent(Decimal("98.456"), 1, language="vi") == "98,5 %"
    assert formats.number(157732, language="en") == "157,732"


def test_period_defaults_to_the_last_twelve_months():
    with at(15, month=6):
        period = selectors.period_parse()
    assert (f"{period.start:%Y-%m}", f"{period.end:%Y-%m}") == ("2025-07", "2026-06")


@pytest.mark.parametrize("extra", [{}, {"sector": "permit"}, {"channel": "online"}])
def test_dashboard_in_one_read_equals_the_four_selectors(desk, world, history, extra):
    """On PostgreSQL the dashboard reads the rollups once (GROUPING SETS); its figures are
    those of the separate selectors, for the province, a sector and a channel, in scope."""
    if "sector" in extra:
        extra = {"sector": desk.permit.sector.code}
    for user in (world.admin, desk.leader, world.leader_b):
        filters = selectors.filters_parse(user=user, **PERIOD, **extra)
        with at(25):
            board = selectors.dashboard_figures(user=user, filters=filters)
            figures = selectors.indicators(user=user, filters=filters)
        assert board.figures.counts == figures.counts and board.figures.open == figures.open
        assert [(m, f.counts) for m, f in board.trend] == [
            (m, f.counts) for m, f in selectors.trend(user=user, filters=filters)
        ]
        assert [(r.agency, r.figures.counts) for r in board.ranking] == [
            (r.agency, r.figures.counts) for r in selectors.ranking(user=user, filters=filters)
        ]
        channels = selectors.breakdown(user=user, filters=filters, by="channel")
        assert [(r.key, r.figures.counts) for r in board.channels] == [
            (r.key, r.figures.counts) for r in channels
        ]
    admin = selectors.filters_parse(user=world.admin, **PERIOD, **extra)
    with at(25):
        assert selectors.dashboard_figures(user=world.admin, filters=admin).figures["received"] == 3
