from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from egov.accounts.models import User
from egov.organizations.models import Agency, StaffRole
from tests import factories


@dataclass
class World:
    """Two departments A and B (A with an internal unit) and staff in each role."""

    a: Agency
    a_unit: Agency
    b: Agency
    leader_a: User
    specialist_a: User
    unit_specialist: User
    leader_b: User
    admin: User
    ioc: User
    citizen: User


@pytest.fixture
def world(db: None) -> World:
    province_pc = factories.agency("UBND tỉnh Thử", type_code="provincial_pc")
    a = factories.agency("Sở A", parent=province_pc)
    a_unit = factories.agency("Phòng A1", type_code="internal_unit", parent=a)
    b = factories.agency("Sở B", parent=province_pc)
    return World(
        a=a,
        a_unit=a_unit,
        b=b,
        leader_a=factories.staff(a, StaffRole.LEADER),
        specialist_a=factories.staff(a, StaffRole.SPECIALIST),
        unit_specialist=factories.staff(a_unit, StaffRole.SPECIALIST),
        leader_b=factories.staff(b, StaffRole.LEADER),
        admin=factories.staff(province_pc, StaffRole.PROVINCE_ADMIN),
        ioc=factories.staff(province_pc, StaffRole.IOC_VIEWER),
        citizen=factories.user(full_name="Công Dân"),
    )


# --- Browser tests (Playwright with Debian's Chromium) ---------------------------------------
# Here rather than in tests/browser/ so that every app's browser tests share one Playwright
# instance: a second sync instance in the same process fails ("Sync API inside the asyncio loop").

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the test's own database
    # calls are still synchronous, so Django's guard against async-unsafe calls does not apply.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
