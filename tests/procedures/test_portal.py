from __future__ import annotations

from django.urls import reverse

from egov.procedures.models import ProcedureComponent
from tests.procedures.conftest import DOCX


def test_list_page_searches_without_diacritics(client, catalog):
    html = client.get(reverse("procedures:list"), {"q": "dang ky khai sinh"}).content.decode()
    assert "3 thủ tục phù hợp" in html
    assert html.index("Đăng ký khai sinh") < html.index("Đăng ký kết hôn")


def test_list_page_htmx_returns_only_results(client, catalog):
    response = client.get(reverse("procedures:list"), {"q": "ket hon"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Đăng ký kết hôn" in html and "<html" not in html


def test_list_page_filters_and_bad_filter(client, catalog):
    html = client.get(reverse("procedures:list"), {"sector": "XD"}).content.decode()
    assert "Cấp giấy phép xây dựng" in html and "Đăng ký khai sinh" not in html
    bad = client.get(reverse("procedures:list"), {"sector": "NOPE"})
    assert bad.status_code == 200 and "NOPE" in bad.content.decode()


def test_detail_page_has_what_a_citizen_needs(client, catalog, world):
    html = client.get(reverse("procedures:detail", args=["1.009994"])).content.decode()
    for text in [
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "1.009994",
        world.a.name,
        "15 ngày làm việc",
        "Tờ khai",
        "Miễn",
    ]:
        assert text in html, text


def test_detail_page_in_english(client, catalog):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("procedures:detail", args=["1.001193"])).content.decode()
    assert "Documents to prepare" in html and "3 working days" in html


def test_unknown_procedure_is_404(client, db):
    assert client.get(reverse("procedures:detail", args=["9.999999"])).status_code == 404


def test_form_download(client, catalog):
    component = ProcedureComponent.objects.get(procedure__code="1.001193", order=0)
    response = client.get(reverse("procedures:form", args=["1.001193", component.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == DOCX
    assert 'filename="to-khai.docx"' in response["Content-Disposition"]
    other = ProcedureComponent.objects.get(procedure__code="1.001193", order=1)  # has no form
    assert client.get(reverse("procedures:form", args=["1.001193", other.pk])).status_code == 404
    assert (
        client.get(reverse("procedures:form", args=["1.000894", component.pk])).status_code == 404
    )
