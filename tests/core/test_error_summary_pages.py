"""Every form page shows the same error summary (core/forms/error_summary.html): at the top
of the form, "There is a problem" / "Có lỗi cần sửa", each error linking to a field that is
on the page."""

from __future__ import annotations

import pytest

from tests.conftest import World
from tests.forms_html import Element, parse

pytestmark = pytest.mark.django_db


def _summary(response) -> tuple[Element, Element]:
    page = parse(response.content)
    summary = page.find("div", class_="error-summary")
    assert summary is not None, response.content.decode()[:3000]
    assert summary.attrs["role"] == "alert" and summary.attrs["tabindex"] == "-1"
    for link in summary.find_all("a"):
        assert link.attrs["href"].startswith("#")
        assert page.by_id(link.attrs["href"][1:]) is not None, link.attrs["href"]
    return page, summary


def _hrefs(summary: Element) -> list[str]:
    return [a.attrs["href"] for a in summary.find_all("a")]


@pytest.mark.parametrize(
    ("language", "heading"), [("vi", "Có lỗi cần sửa"), ("en", "There is a problem")]
)
def test_sign_in_and_registration(client, world: World, language, heading) -> None:
    client.cookies["django_language"] = language
    _page, summary = _summary(
        client.post("/accounts/login/", {"username": "nobody@example.com", "password": "x"})
    )
    assert summary.find("h2").text == heading
    assert summary.find("li").text  # the sign-in failure, not tied to a field
    _page, summary = _summary(client.post("/accounts/register/", {"kind": "citizen"}))
    assert summary.find("h2").text == heading
    assert {"#id_full_name", "#id_password"} <= set(_hrefs(summary))


def test_staff_forms(client, world: World) -> None:
    client.force_login(world.admin)
    _page, summary = _summary(client.post(f"/staff/agencies/{world.a.pk}/edit/", {"name": ""}))
    assert "#id_name" in _hrefs(summary)
    _page, summary = _summary(client.post("/staff/open311/keys/", {"name": ""}))
    assert "#id_name" in _hrefs(summary)
    _page, summary = _summary(client.get("/staff/stats/", {"start": "2026-05", "end": "2026-03"}))
    assert _hrefs(summary) == ["#f-end"]
    response = client.post("/accounts/tokens/", {"name": ""})
    _page, summary = _summary(response)
    assert _hrefs(summary) == ["#id_name"]


def test_public_forms(client, world: World) -> None:
    _page, summary = _summary(
        client.get("/feedback/figures/", {"start": "2026-05-01", "end": "2026-03-01"})
    )
    assert _hrefs(summary) == ["#id_end"]
    _page, summary = _summary(client.post("/lookup/", {"code": "", "secret": ""}))
    assert _hrefs(summary) == ["#id_code", "#id_secret"]
