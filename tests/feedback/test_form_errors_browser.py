"""In Chromium on a phone: the feedback form's error summary takes the focus, its links move
the focus to their fields, and a photo chosen before the error is sent with the report."""

from __future__ import annotations

import pytest

from egov.feedback.models import Report
from tests.browser.conftest import screenshot
from tests.feedback.conftest import jpeg_with_gps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _focused(page) -> str:
    return page.evaluate("document.activeElement.id || document.activeElement.className || ''")


def test_error_summary_is_focused_and_its_links_reach_the_fields(page, live_server, fb):
    page.goto(live_server.url + "/feedback/new/?category=street-light")
    page.set_input_files(
        "#id_photo_1",
        {"name": "đèn.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps()},
    )
    page.fill("#id_contact_phone", "123")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    page.wait_for_function("document.activeElement.matches('.error-summary')")
    summary = page.locator(".error-summary")
    assert summary.locator("h2").inner_text() == "Có lỗi cần sửa"
    hrefs = summary.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == ["#id_description", "#id_address", "#id_contact_phone"]
    screenshot(page, "feedback-error-summary-vi")
    for href in hrefs:
        page.click(f".error-summary a[href='{href}']")
        page.wait_for_function(f"document.activeElement.id === '{href[1:]}'")
        # The field's label is on screen, above the field.
        label = page.locator(f"label[for='{href[1:]}']")
        assert label.is_visible() and label.bounding_box()["y"] >= -1
    assert "Đã đính kèm: đèn.jpg" in page.locator("main").inner_text()
    # Corrected, without choosing the photo again: the report has it.
    page.fill("#id_description", "Đèn đường tắt")
    page.fill("#id_address", "Ngõ 7")
    page.fill("#id_contact_phone", "0912345678")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/feedback/*-*/")
    report = Report.objects.get()
    assert report.photos.count() == 1 and report.contact_phone == "+84912345678"
