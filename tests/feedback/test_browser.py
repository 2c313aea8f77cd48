"""A citizen reports a problem from a phone, picking the place on the map, in Chromium."""

from __future__ import annotations

import pytest

from egov.feedback.models import Report
from tests.browser.conftest import browser, page, screenshot  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_picks_the_place_on_the_map(page, live_server, fb):  # noqa: F811
    base = live_server.url
    # No tile server is reachable in tests: the map still takes clicks.
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    page.goto(base + "/feedback/new/")
    page.click("a[href='?category=street-light']")
    page.wait_for_selector(".feedback-map:not([hidden])")
    page.fill("#id_description", "Đèn đường tắt cả dãy phố")
    box = page.locator(".feedback-map").bounding_box()
    assert box is not None
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.input_value("#id_lat") != "" and page.input_value("#id_long") != ""
    screenshot(page, "feedback-new-vi")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/feedback/*-*/")
    report = Report.objects.get()
    assert report.lat is not None and report.public_id in page.locator("main").inner_text()
    screenshot(page, "feedback-detail-vi")
    page.goto(base + "/feedback/")
    page.wait_for_selector(".leaflet-marker-icon")
    screenshot(page, "feedback-list-vi")
