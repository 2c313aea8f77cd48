"""A citizen reports a problem from a phone, picking the place on the map, in Chromium."""

from __future__ import annotations

import pytest

from egov.feedback.models import Report
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_picks_the_place_on_the_map(page, live_server, fb):
    base = live_server.url
    # No tile server by default: the map still takes clicks.
    page.goto(base + "/feedback/new/")
    page.click("a[href='?category=street-light']")
    page.wait_for_selector(".feedback-map:not([hidden])")
    page.fill("#id_description", "Đèn đường tắt cả dãy phố")
    page.locator(".feedback-map").scroll_into_view_if_needed()  # below the fold on a phone
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
    # The marker's image is the one map_settings names (hashed in production), and it loads.
    page.wait_for_function("document.querySelector('.leaflet-marker-icon').naturalWidth > 0")
    assert page.get_attribute(".leaflet-marker-icon", "src").endswith("marker-icon.png")
    screenshot(page, "feedback-list-vi")


def test_officer_answers_on_a_desktop(browser, live_server, fb):
    from egov.feedback import services
    from tests.browser.test_dossiers import sign_in

    report = services.report_create(
        actor=None, channel="app", service_code="street-light", description="Đèn tắt",
        address="Ngõ 7", lat=16.46, long=107.59, contact=services.Contact(phone="0912345678"),
    )  # fmt: skip
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    desk.set_default_timeout(15000)
    sign_in(desk, live_server.url, fb.world.leader_b)
    desk.goto(f"{live_server.url}/staff/feedback/")
    desk.click(f"text={report.public_id}")
    desk.wait_for_url(f"**/staff/feedback/{report.pk}/")
    desk.fill("#respond_text", "Đã thay bóng đèn.")
    desk.select_option("#respond_status", "resolved")
    screenshot(desk, "feedback-staff-report-vi")
    desk.click("#action-respond ~ form button[type=submit]")
    desk.wait_for_url(f"**/staff/feedback/{report.pk}/")
    report.refresh_from_db()
    assert report.status == "resolved" and report.status_notes == "Đã thay bóng đèn."
    context.close()


def test_moderator_blacks_out_part_of_a_photo(browser, live_server, fb):
    import io

    from django.core.files.storage import default_storage
    from PIL import Image

    from egov.feedback import services
    from tests.browser.test_dossiers import sign_in
    from tests.feedback.conftest import jpeg_with_gps

    report = services.report_create(
        actor=None, channel="app", service_code="road-damage", description="Ổ gà",
        address="Ngõ 7", attributes={"size": "small"},
        photos=[services.PhotoUpload("a.jpg", jpeg_with_gps((400, 300)))],
    )  # fmt: skip
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    desk.set_default_timeout(15000)
    sign_in(desk, live_server.url, fb.world.leader_a)
    desk.goto(f"{live_server.url}/staff/feedback/{report.pk}/")
    desk.click(".report-photos details summary")
    image = desk.locator("img.redact-image")
    image.wait_for()
    box = image.bounding_box()
    assert box is not None
    desk.mouse.move(box["x"] + 2, box["y"] + 2)
    desk.mouse.down()
    desk.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    desk.mouse.up()
    photo = report.photos.get()
    assert desk.input_value(f"#boxes-{photo.pk}").count(",") == 3
    screenshot(desk, "feedback-redact-vi")
    desk.click(f"#boxes-{photo.pk} >> xpath=ancestor::form//button[@type='submit']")
    desk.wait_for_url(f"**/staff/feedback/{report.pk}/")
    photo.refresh_from_db()
    assert photo.redacted_at is not None and photo.public_file
    with default_storage.open(photo.public_file.name, "rb") as handle:
        redacted = Image.open(io.BytesIO(handle.read())).convert("RGB")
    assert redacted.getpixel((20, 20)) == (0, 0, 0)
    assert redacted.getpixel((390, 290)) != (0, 0, 0)
    context.close()
