"""A citizen submits a dossier online from a phone; a desk officer receives it, in Chromium."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from egov.dossiers.models import Dossier, DossierState
from egov.procedures.models import ProcedureComponent
from tests import factories
from tests.browser.conftest import screenshot
from tests.dossiers.conftest import desk  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


def sign_in(page, base: str, user) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", factories.PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_citizen_submits_online_and_the_desk_receives(browser, page, live_server, desk):  # noqa: F811
    drawing = ProcedureComponent.objects.create(
        procedure=desk.permit, order=0, name="Bản vẽ thiết kế", mandatory=True
    )
    base = live_server.url

    # The citizen, on a phone: from the procedure's page to a submitted dossier.
    sign_in(page, base, desk.citizen)
    page.goto(f"{base}/procedures/{desk.permit.code}/")
    page.click(f"a[href='/dossiers/new/{desk.permit.code}/']")
    page.wait_for_url(f"**/dossiers/new/{desk.permit.code}/")
    assert page.input_value("#id_applicant_name") == desk.citizen.full_name
    page.fill("#id_applicant_phone", "0912345678")
    page.set_input_files(
        f"#id_component_{drawing.pk}",
        files=[{"name": "ban-ve.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    screenshot(page, "dossier-submit-vi")
    page.click("#submission-form button[type=submit]")
    page.wait_for_url("**/dossiers/*/")
    dossier = Dossier.objects.get()
    assert dossier.code in page.locator("main").inner_text()
    assert page.locator(".state-submitted").count() == 1
    screenshot(page, "dossier-submitted-vi")

    # The desk officer, on a desktop screen: the inbox, the dossier, "receive".
    officer = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    desk_page = officer.new_page()
    desk_page.set_default_timeout(15000)
    sign_in(desk_page, base, desk.desk)
    desk_page.goto(f"{base}/staff/dossiers/")
    desk_page.click(f"text={dossier.code}")
    desk_page.wait_for_url(f"**/staff/dossiers/{dossier.pk}/")
    assert "ban-ve.pdf" in desk_page.locator("main").inner_text()
    desk_page.click("#action-receive button[type=submit]")
    desk_page.wait_for_selector(".message-success")
    assert desk_page.locator("h1 + p .state-received").count() == 1
    screenshot(desk_page, "dossier-received-vi")
    officer.close()

    dossier.refresh_from_db()
    assert dossier.state == DossierState.RECEIVED and dossier.appointment_at is not None
    # Back on the phone, the citizen sees the appointment.
    page.reload()
    assert page.locator(".state-received").count() == 1
    assert dossier.appointment_at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime(
        "%d/%m/%Y"
    ) in page.inner_text("main")
