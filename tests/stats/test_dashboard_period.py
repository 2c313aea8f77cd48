"""The leaders' dashboard shows the period in force in its fields (issue 15, item 10)."""

from __future__ import annotations

import re

import pytest

from tests.stats.test_decision_766 import at

pytestmark = pytest.mark.django_db


def _field(html: str, name: str) -> str:
    found = re.search(rf'<input id="f-{name}" type="month" name="{name}" value="([^"]*)"', html)
    assert found, name
    return found.group(1)


@pytest.mark.parametrize("language", ["vi", "en"])
def test_default_period_fills_the_fields(client, world, language):
    client.force_login(world.admin)
    client.cookies["django_language"] = language
    with at(25, month=3):
        page = client.get("/staff/stats/")
    assert page.status_code == 200
    html = page.content.decode()
    # The last twelve months up to this one: April 2025 to March 2026.
    assert (_field(html, "start"), _field(html, "end")) == ("2025-04", "2026-03")
    assert "04/2025 – 03/2026" in html


def test_chosen_period_stays_in_the_fields(client, world):
    client.force_login(world.admin)
    with at(25, month=3):
        html = client.get("/staff/stats/", {"end": "2026-01"}).content.decode()
    assert (_field(html, "start"), _field(html, "end")) == ("2025-02", "2026-01")
