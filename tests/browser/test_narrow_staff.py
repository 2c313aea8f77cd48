"""The officers' inbox and dossier page on a phone (390 x 844): nothing wider than the screen,
dossier codes on one line, the inbox as cards (issue 15, item 10); and the citizen's dossier
page with its progress (item 11)."""

from __future__ import annotations

import pytest

from egov.dossiers import services
from egov.dossiers.services import Applicant
from tests.browser.conftest import screenshot
from tests.browser.test_dossiers import sign_in
from tests.dossiers.conftest import desk  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG_NAME = "Nguyễn Thị Phương Thảo Hoàng Bảo Ngọc Trâm Anh"


def _dossiers(desk, n=3):  # noqa: F811
    out = []
    for _ in range(n):
        d = services.dossier_submit(
            actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
            applicant=Applicant(name=LONG_NAME, phone="+84912345678",
                                address="Số 123 đường Nguyễn Văn Linh, phường Tân Phong"),
        )  # fmt: skip
        out.append(services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version))
    return out


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide"


def _one_line(page, selector: str) -> None:
    box = page.evaluate(
        """(sel) => { const el = document.querySelector(sel);
            const style = getComputedStyle(el);
            const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
            const rects = el.getClientRects();
            return {height: el.getBoundingClientRect().height, line: line, rects: rects.length,
                    right: el.getBoundingClientRect().right}; }""",
        selector,
    )
    assert box["rects"] == 1 and box["height"] < box["line"] * 1.5, box
    assert box["right"] <= 390, box


@pytest.mark.parametrize("language", ["vi", "en"])
def test_staff_inbox_and_dossier_fit_a_phone(page, live_server, desk, language):  # noqa: F811
    dossiers = _dossiers(desk)
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    sign_in(page, base, desk.desk)

    page.goto(f"{base}/staff/dossiers/")
    page.wait_for_selector("table.inbox tbody tr")
    _fits(page)
    _one_line(page, "table.inbox a.dossier-code")
    # Cards: each row is a block the width of the screen, its cells labelled.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table.inbox tbody tr')).display")
        == "block"
    )
    assert page.locator("table.inbox tbody tr").count() == len(dossiers)
    screenshot(page, f"staff-inbox-390-{language}")

    page.goto(f"{base}/staff/dossiers/{dossiers[0].pk}/")
    page.wait_for_selector("h1 .dossier-code")
    _fits(page)
    _one_line(page, "h1 .dossier-code")
    screenshot(page, f"staff-dossier-390-{language}")


@pytest.mark.parametrize("language", ["vi", "en"])
def test_citizen_dossier_page_fits_a_phone(page, live_server, desk, language):  # noqa: F811
    d = _dossiers(desk, 1)[0]
    d = services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )
    d = services.dossier_request_supplement(
        actor=desk.specialist, dossier_id=d.pk, version=d.version, missing="Thiếu mặt cắt"
    )
    base = live_server.url
    page.context.add_cookies([{"name": "django_language", "value": language, "url": base}])
    sign_in(page, base, desk.citizen)
    page.goto(f"{base}/dossiers/{d.pk}/")
    page.wait_for_selector("#waiting-banner")
    _fits(page)
    _one_line(page, "h1 .dossier-code")
    assert page.locator(".progress-current[aria-current=step]").count() == 1
    screenshot(page, f"citizen-dossier-paused-390-{language}")
