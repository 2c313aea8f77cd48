"""The submission pages (online and at the desk) on a phone: a picker that understands the
accept attribute, the error summary, and files that survive another field's error."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from egov.core.uploads import PENDING_PREFIX
from egov.dossiers.forms import ActionForm, SupplementForm
from egov.dossiers.models import Dossier, DossierFile
from egov.procedures.models import ProcedureComponent
from tests.forms_html import accept_problems, parse

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


@pytest.fixture
def plan(desk):
    drawing = ProcedureComponent.objects.create(
        procedure=desk.permit, order=0, name="Bản vẽ thiết kế", mandatory=True
    )
    land = ProcedureComponent.objects.create(
        procedure=desk.permit, order=1, name="Giấy chứng nhận đất", mandatory=False
    )
    return drawing, land


def _pending_files() -> set[str]:
    if not default_storage.exists(PENDING_PREFIX):
        return set()
    found = []
    for folder in default_storage.listdir(PENDING_PREFIX)[0]:
        found += default_storage.listdir(f"{PENDING_PREFIX}/{folder}")[1]
    return set(found)


def _accepts(html: str | bytes) -> list[str]:
    return [i.attrs.get("accept", "") for i in parse(html).find_all("input", type="file")]


@pytest.mark.parametrize("who", ["citizen", "desk"])
def test_upload_fields_give_the_picker_a_valid_accept(client, desk, plan, who) -> None:
    # Before: accept="..docx,..jpeg,..pdf" (the endings already had their dot).
    client.force_login(getattr(desk, who))
    url = {"citizen": "/dossiers/new/", "desk": "/staff/dossiers/new/"}[who]
    accepts = _accepts(client.get(f"{url}{desk.permit.code}/").content)
    assert len(accepts) == 2
    for value in accepts:
        assert accept_problems(value) == [], value
        assert {".pdf", ".docx", ".jpg", "application/pdf"} <= set(value.split(","))


def test_supplement_and_officer_file_fields_give_a_valid_accept() -> None:
    for form in (SupplementForm(), ActionForm()):
        for value in _accepts(form.as_div()):
            assert accept_problems(value) == [], value


def _post(client, desk, plan, url, **overrides):
    key = client.get(url).context["form"].initial["idempotency_key"]
    drawing, _land = plan
    data = {
        "idempotency_key": key,
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912345678",
        f"component_{drawing.pk}": SimpleUploadedFile("ban-ve.pdf", PDF, "application/pdf"),
    }
    data.update(overrides)
    return client.post(url, data), key


@pytest.mark.parametrize(
    ("language", "heading"), [("vi", "Có lỗi cần sửa"), ("en", "There is a problem")]
)
def test_every_error_at_once_with_a_summary(client, desk, plan, language, heading) -> None:
    client.force_login(desk.citizen)
    client.cookies["django_language"] = language
    url = f"/dossiers/new/{desk.permit.code}/"
    drawing, _land = plan
    with translation.override(language):
        response, _key = _post(
            client, desk, plan, url, applicant_name="", applicant_phone="12345",
            **{f"component_{drawing.pk}": ""},
        )  # fmt: skip
    page = parse(response.content)
    summary = page.find("div", class_="error-summary")
    assert summary is not None and summary.find("h2").text == heading
    assert page.find("title").text.startswith({"vi": "Lỗi: ", "en": "Error: "}[language])
    assert [a.attrs["href"] for a in summary.find_all("a")] == [
        "#id_applicant_name",
        "#id_applicant_phone",
        f"#id_component_{drawing.pk}",
    ]
    assert Dossier.objects.count() == 0


@pytest.mark.parametrize("who", ["citizen", "desk"])
def test_a_valid_file_survives_another_fields_error_and_is_saved_on_resubmit(
    client, desk, plan, who
) -> None:
    before = _pending_files()
    client.force_login(getattr(desk, who))
    url = (
        {"citizen": "/dossiers/new/", "desk": "/staff/dossiers/new/"}[who] + desk.permit.code + "/"
    )
    drawing, land = plan
    fake = SimpleUploadedFile("dat.pdf", b"MZ\x90 not a pdf", "application/pdf")
    response, key = _post(
        client, desk, plan, url, applicant_name="", **{f"component_{land.pk}": fake}
    )
    assert response.status_code == 200 and Dossier.objects.count() == 0
    page = parse(response.content)
    kept = page.find("input", type="hidden", name=f"component_{drawing.pk}_kept")
    assert kept is not None and "Đã đính kèm: ban-ve.pdf" in page.text
    # The mandatory field is attached already: the browser must not ask for it again.
    assert "required" not in page.find("input", type="file", name=f"component_{drawing.pk}").attrs
    assert page.find("input", name=f"component_{land.pk}_kept") is None  # refused: not kept
    assert len(_pending_files() - before) == 1
    response = client.post(
        url,
        {
            "idempotency_key": key,
            "applicant_name": "Nguyễn Văn An",
            f"component_{drawing.pk}_kept": kept.attrs["value"],
        },
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    stored = dossier.files.get()
    assert stored.component_id == drawing.pk and stored.file.read() == PDF
    assert _pending_files() == before and DossierFile.objects.count() == 1


def test_an_officers_refused_action_is_summarised_in_its_own_form(client, desk) -> None:
    from egov.dossiers import services
    from egov.dossiers.services import Applicant

    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="+84912345678"), files=[],
    )  # fmt: skip
    client.force_login(desk.desk)
    response = client.post(f"/staff/dossiers/{d.pk}/actions/refuse/", {"version": d.version})
    assert response.status_code == 400
    page = parse(response.content)
    summaries = page.find_all("div", class_="error-summary")
    assert len(summaries) == 1  # only the action that failed
    hrefs = [a.attrs["href"] for a in summaries[0].find_all("a")]
    assert hrefs and all(h.startswith("#refuse_") for h in hrefs)  # that form's own fields
    assert all(page.by_id(h[1:]) is not None for h in hrefs)
    assert summaries[0].parent is not None and summaries[0].parent.tag == "form"
