"""The procedure edit page on a phone: the form template upload has a valid accept, and the
page's errors (form and rows) are summarised at the top."""

from __future__ import annotations

from django.urls import reverse

from tests.forms_html import accept_problems, parse
from tests.procedures.test_staff_pages import edit_post


def test_form_template_upload_gives_the_picker_a_valid_accept(client, catalog, world):
    client.force_login(world.admin)
    page = parse(client.get(reverse("procedures_staff:edit", args=["1.001193"])).content)
    inputs = page.find_all("input", type="file")
    assert inputs
    for element in inputs:
        value = element.attrs.get("accept", "")
        assert accept_problems(value) == [], value
        assert {".pdf", ".docx", ".doc", ".rtf"} <= set(value.split(","))


def test_errors_of_the_form_and_its_rows_are_summarised(client, catalog, world):
    client.force_login(world.admin)
    data = edit_post(client, "1.001193", name="", **{"steps-0-role": "emperor"})
    response = client.post(reverse("procedures_staff:edit", args=["1.001193"]), data)
    assert response.status_code == 400
    page = parse(response.content)
    summary = page.find("div", class_="error-summary")
    assert summary is not None and summary.find("h2").text == "Có lỗi cần sửa"
    assert "Chưa có thông tin nào được lưu." in summary.text
    hrefs = [a.attrs["href"] for a in summary.find_all("a")]
    assert hrefs[0] == "#id_name" and "#id_steps-0-role" in hrefs
    assert all(page.by_id(h[1:]) is not None for h in hrefs)
    assert "(dòng 1)" in summary.text
