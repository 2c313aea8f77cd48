"""The feedback form on a phone: a picker that understands its accept attribute, every error
in one round with a summary at the top, and photos that survive another field's error."""

from __future__ import annotations

import uuid

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from egov.core.uploads import PENDING_PREFIX
from egov.feedback.models import Report, ReportPhoto
from tests.feedback.conftest import Setup, jpeg_with_gps, png_bytes
from tests.forms_html import accept_problems, parse

pytestmark = pytest.mark.django_db

URL = "/feedback/new/?category=road-damage"


def _pending_files() -> set[str]:
    if not default_storage.exists(PENDING_PREFIX):
        return set()
    found = []
    folders, _files = default_storage.listdir(PENDING_PREFIX)
    for folder in folders:
        found += default_storage.listdir(f"{PENDING_PREFIX}/{folder}")[1]
    return set(found)


def _post(**data):
    post = {
        "category": "road-damage",
        "submission_key": uuid.uuid4().hex,
        "description": "Ổ gà trước chợ",
        "address": "Chợ Đông Ba",
        "attribute_size": "small",
    }
    post.update(data)
    return post


def test_photo_fields_give_the_picker_a_valid_accept(client, fb: Setup) -> None:
    page = parse(client.get(URL).content)
    inputs = page.find_all("input", type="file")
    assert [i.attrs["name"] for i in inputs] == ["photo_1", "photo_2", "photo_3"]
    for element in inputs:
        assert accept_problems(element.attrs["accept"]) == []
        assert {".jpg", ".png", "image/jpeg"} <= set(element.attrs["accept"].split(","))


@pytest.mark.parametrize(
    ("language", "heading"), [("vi", "Có lỗi cần sửa"), ("en", "There is a problem")]
)
def test_every_error_is_reported_in_one_round_with_a_summary(
    client, fb: Setup, language, heading
) -> None:
    # Before: the form's own "required" on the description stopped there, and the place,
    # the question, the phone and the photo were refused one submission later.
    data = _post(
        description="",
        address="",
        attribute_size="",
        contact_phone="123",
        photo_2=SimpleUploadedFile("x.jpg", b"MZ\x90 not a photo", content_type="image/jpeg"),
    )
    client.cookies["django_language"] = language
    with translation.override(language):
        response = client.post(URL, data)
    assert response.status_code == 400
    page = parse(response.content)
    summary = page.find("div", class_="error-summary")
    assert summary is not None and summary.attrs["role"] == "alert"
    assert summary.attrs["tabindex"] == "-1" and summary.find("h2").text == heading
    # As GOV.UK does, the page title says so first (read out before anything else).
    assert page.find("title").text.startswith({"vi": "Lỗi: ", "en": "Error: "}[language])
    hrefs = [a.attrs["href"] for a in summary.find_all("a")]
    assert hrefs == [
        "#id_description",
        "#id_address",
        "#id_attribute_size",
        "#id_photo_2",
        "#id_contact_phone",
    ]
    for href in hrefs:  # each link has a target, whose error is next to it
        field = page.by_id(href[1:])
        assert field is not None
        assert f"{href[1:]}_error" in field.attrs["aria-describedby"].split()
        assert page.by_id(f"{href[1:]}_error") is not None
    assert Report.objects.count() == 0 and ReportPhoto.objects.count() == 0


def test_a_field_the_form_refuses_does_not_hide_the_services_errors(client, fb: Setup) -> None:
    response = client.post(URL, _post(area="999999", address="", attribute_size=""))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"area", "address", "attribute_size"} <= set(errors)
    assert Report.objects.count() == 0


def test_a_valid_photo_survives_another_fields_error_and_is_saved_on_resubmit(
    client, fb: Setup
) -> None:
    before = _pending_files()
    key = uuid.uuid4().hex
    photo = SimpleUploadedFile("ổ-gà.jpg", jpeg_with_gps(), content_type="image/jpeg")
    bad = SimpleUploadedFile("x.jpg", b"MZ not a photo", content_type="image/jpeg")
    response = client.post(
        URL, _post(submission_key=key, description="", photo_1=photo, photo_3=bad)
    )
    assert response.status_code == 400
    page = parse(response.content)
    kept = page.find("input", type="hidden", name="photo_1_kept")
    assert kept is not None and kept.attrs["value"]
    assert "Đã đính kèm: ổ-gà.jpg" in page.text
    assert page.find("input", name="photo_1_remove", type="checkbox") is not None
    assert page.find("input", name="photo_3_kept") is None  # the refused one is not kept
    assert len(_pending_files() - before) == 1 and ReportPhoto.objects.count() == 0
    # Sent again with the description and no file chosen: the kept photo is saved.
    response = client.post(URL, _post(submission_key=key, photo_1_kept=kept.attrs["value"]))
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.photos.count() == 1 and report.cover_photo is not None
    assert _pending_files() == before  # the temporary copy is gone


def test_a_kept_photo_can_be_removed_or_replaced(client, fb: Setup) -> None:
    before = _pending_files()
    first = client.post(
        URL,
        _post(
            description="",
            photo_1=SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        ),
    )
    token = parse(first.content).find("input", name="photo_1_kept").attrs["value"]
    removed = client.post(URL, _post(photo_1_kept=token, photo_1_remove="1"))
    assert removed.status_code == 302
    assert Report.objects.get().photos.count() == 0 and _pending_files() == before

    second = client.post(
        URL,
        _post(
            description="",
            photo_1=SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        ),
    )
    token = parse(second.content).find("input", name="photo_1_kept").attrs["value"]
    replaced = client.post(
        URL,
        _post(
            photo_1_kept=token,
            photo_1=SimpleUploadedFile("b.png", png_bytes(), content_type="image/png"),
        ),
    )
    assert replaced.status_code == 302
    newest = Report.objects.order_by("-pk").first()
    assert [(p.width, p.height) for p in newest.photos.all()] == [(10, 10)]  # b.png, not a.jpg
    assert _pending_files() == before


def test_a_kept_photo_token_works_only_in_its_own_session(client, fb: Setup) -> None:
    from django.test import Client

    first = client.post(
        URL,
        _post(
            description="",
            photo_1=SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        ),
    )
    token = parse(first.content).find("input", name="photo_1_kept").attrs["value"]
    other = Client()
    response = other.post(URL, _post(photo_1_kept=token))
    assert response.status_code == 302
    assert Report.objects.get().photos.count() == 0  # someone else's file is not attached


def test_an_officers_refused_action_is_summarised_in_its_own_form(client, fb: Setup) -> None:
    from egov.feedback import services

    report = services.report_create(
        actor=None, channel="app", service_code="street-light", description="Đèn tắt",
        address="Ngõ 7",
    )  # fmt: skip
    client.force_login(fb.world.leader_b)
    response = client.post(
        f"/staff/feedback/{report.pk}/actions/respond/", {"version": report.version, "text": ""}
    )
    assert response.status_code == 400
    page = parse(response.content)
    summaries = page.find_all("div", class_="error-summary")
    assert len(summaries) == 1
    assert [a.attrs["href"] for a in summaries[0].find_all("a")] == ["#respond_text"]
    assert page.by_id("respond_text") is not None
