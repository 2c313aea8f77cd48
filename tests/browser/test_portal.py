"""A citizen on a phone finds a procedure and its form, in Debian's Chromium."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from egov.procedures.exchange import read_json
from egov.procedures.services import catalog_import
from tests.browser.conftest import screenshot
from tests.procedures.conftest import DOCX, document, procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_catalog(world):
    doc = document(
        procedure("1.001193", "Đăng ký khai sinh"),
        procedure("1.000894", "Đăng ký kết hôn", result="Giấy chứng nhận kết hôn"),
    )
    source = read_json(json.dumps(doc, ensure_ascii=False).encode())
    source.form_files["to-khai.docx"] = DOCX
    catalog_import(actor=None, source=source, check_permission=False)


def test_search_as_you_type_then_open_and_download(page, live_server, small_catalog):
    page.goto(live_server.url + "/procedures/")
    assert page.locator(".procedure-list li").count() == 2
    page.fill("#q", "dang ky ket")  # no diacritics, last word unfinished
    page.wait_for_function("document.querySelectorAll('.procedure-list li').length === 1")
    assert page.locator(".procedure-name").inner_text() == "Đăng ký kết hôn"
    # The address follows the search, so it can be shared or bookmarked.
    assert parse_qs(urlsplit(page.url).query)["q"] == ["dang ky ket"]
    screenshot(page, "portal-search-vi")
    page.click(".procedure-name")
    page.wait_for_url("**/procedures/1.000894/")
    assert "Giấy chứng nhận kết hôn" in page.locator("main").inner_text()
    with page.expect_download() as download:
        page.click("a.download")
    assert download.value.suggested_filename == "to-khai.docx"
    screenshot(page, "portal-detail-vi")
