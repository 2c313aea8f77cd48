"""The searchable agency list with the keyboard, a wrong hand-over and its recall, in Chromium."""

from __future__ import annotations

import pytest

from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierState
from egov.dossiers.services import Applicant
from tests.browser.conftest import screenshot
from tests.browser.test_dossiers import sign_in
from tests.dossiers.conftest import desk  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_hand_over_with_the_keyboard_then_recall(browser, live_server, desk, world):  # noqa: F811
    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An"),
    )  # fmt: skip
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    base = live_server.url
    sign_in(page, base, desk.desk)
    page.goto(f"{base}/staff/dossiers/{d.pk}/")
    page.click("#action-hand_over summary")
    box = page.locator("#hand_over_to_agency_search")
    # The select became a combobox, labelled, showing the proposed agency.
    assert box.get_attribute("role") == "combobox"
    assert page.locator("#hand_over_to_agency").is_hidden()
    assert box.input_value() == desk.department.name
    assert page.locator("label[for=hand_over_to_agency_search]").count() == 1

    box.fill("so b")
    page.wait_for_selector("#hand_over_to_agency_listbox li[role=option]")
    assert box.get_attribute("aria-expanded") == "true"
    options = page.locator("#hand_over_to_agency_listbox li[role=option]")
    assert options.count() == 1 and world.b.name in options.first.inner_text()
    box.press("ArrowDown")
    assert options.first.get_attribute("aria-selected") == "true"
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    screenshot(page, "typeahead-open-vi")
    box.press("Enter")  # chooses; does not send the form
    assert box.get_attribute("aria-expanded") == "false"
    assert page.input_value("#hand_over_to_agency") == str(world.b.pk)
    assert box.input_value() == world.b.name
    assert Dossier.objects.get(pk=d.pk).version == d.version

    # Escape closes the list; again, it puts back the choice.
    box.fill("so")
    page.wait_for_selector("#hand_over_to_agency_listbox:not([hidden])")
    box.press("Escape")
    assert page.locator("#hand_over_to_agency_listbox").is_hidden()
    box.press("Escape")
    assert box.input_value() == world.b.name

    page.click("#action-hand_over button[type=submit]")
    page.wait_for_url(f"**/staff/dossiers/{d.pk}/")
    stored = Dossier.objects.get(pk=d.pk)
    assert stored.current_agency == world.b

    # Wrong agency: the desk recalls it before Sở B acts.
    page.click("#action-recall summary")
    page.fill("#recall_reason", "Chuyển nhầm Sở B")
    page.click("#action-recall button[type=submit]")
    page.wait_for_url(f"**/staff/dossiers/{d.pk}/")
    stored = Dossier.objects.get(pk=d.pk)
    assert stored.current_agency == desk.center and stored.state == DossierState.RECEIVED
    assert "Chuyển nhầm Sở B" in page.locator(".timeline").inner_text()
    screenshot(page, "dossier-recalled-vi")
    context.close()
