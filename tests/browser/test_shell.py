"""The page shell as a person on a phone uses it, in Debian's Chromium."""

from __future__ import annotations

import pytest

from egov.accounts.models import User
from tests import factories
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_in_vietnamese_then_english(page, live_server):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Dịch vụ công" in page.locator("h1").inner_text() or page.locator("h1").count() == 1
    screenshot(page, "home-vi")
    page.select_option("#language-select", "en")
    page.click(".lang-switch button")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Public services, online and at the desk"
    screenshot(page, "home-en")


def test_skip_link_is_first_and_moves_focus_to_main(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.className")
    assert focused == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"


def test_citizen_registers_with_phone_and_sees_errors_first(page, live_server):
    page.goto(live_server.url + "/accounts/register/")
    page.fill("#id_full_name", "Nguyễn Văn An")
    page.fill("#id_phone", "12345")
    page.fill("#id_citizen_id", "12")
    page.fill("#id_password", "mot-mat-khau-dai")
    page.fill("#id_password_confirm", "mot-mat-khau-dai")
    page.click("main button[type=submit]")
    body = page.locator("main").inner_text()
    assert "12 chữ số" in body and "số di động" in body
    screenshot(page, "register-errors-vi")
    assert User.objects.count() == 0
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_citizen_id", "")
    page.fill("#id_password", "mot-mat-khau-dai")
    page.fill("#id_password_confirm", "mot-mat-khau-dai")
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/profile/")
    assert User.objects.get().phone == "+84912345678"
    # Create an API token through htmx, without a page load.
    page.fill("#id_name", "Ứng dụng")
    page.click("#tokens button[type=submit]")
    page.wait_for_selector("code.token")
    assert page.locator("code.token").inner_text().startswith("egov_")
    screenshot(page, "profile-token-vi")


def test_staff_signs_in_and_searches_agencies(page, live_server):
    from egov.organizations.models import StaffRole

    province = factories.agency("UBND tỉnh Thử", type_code="provincial_pc")
    justice = factories.agency("Sở Tư pháp", parent=province)
    factories.agency("Sở Xây dựng", parent=province)
    factories.staff(province, StaffRole.PROVINCE_ADMIN, email="admin@example.com")
    factories.staff(justice, StaffRole.LEADER, email="leader@example.com")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("#id_username", "admin@example.com")
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.goto(live_server.url + "/staff/agencies/")
    assert page.locator("#agency-rows tr").count() == 3
    page.fill("#agency-q", "Tư pháp")
    page.wait_for_function("document.querySelectorAll('#agency-rows tr').length === 1")
    assert "Sở Tư pháp" in page.locator("#agency-rows").inner_text()
    screenshot(page, "staff-agencies-vi")
