"""The feedback pages: a citizen reports on the website, officers handle it, the public reads
the list, the report, the feeds and the figures."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from egov.core.models import AuditRecord
from egov.feedback import services
from egov.feedback.models import Channel, Report, ReportPhoto, ReportStatus
from tests.feedback.conftest import Setup, jpeg_with_gps

pytestmark = pytest.mark.django_db


def _key() -> str:
    import uuid

    return uuid.uuid4().hex


def _report(fb: Setup, **kw) -> Report:
    args = dict(
        actor=None,
        channel=Channel.APP,
        service_code="road-damage",
        description="Ổ gà trước chợ",
        lat=16.4637,
        long=107.5909,
        address="Chợ Đông Ba",
        attributes={"size": "small"},
    )
    args.update(kw)
    return services.report_create(**args)


def test_web_form_creates_a_report_and_shows_the_tracking_code(client, fb: Setup) -> None:
    response = client.get("/feedback/new/")
    assert response.status_code == 200 and "road-damage" in response.content.decode()
    response = client.get("/feedback/new/?category=road-damage")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="attribute_size"' in page and 'id="id_lat"' in page
    assert "feedback/leaflet/leaflet.js" in page and "unpkg" not in page
    response = client.post(
        "/feedback/new/?category=road-damage",
        {
            "category": "road-damage",
            "submission_key": _key(),
            "description": "Ổ gà sâu 20 cm",
            "address": "",
            "lat": "16.46",
            "long": "107.59",
            "attribute_size": "large",
            "attribute_depth": "20",
            "contact_phone": "0912345678",
            "photo_1": SimpleUploadedFile("p.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        },
        follow=True,
    )
    assert response.status_code == 200
    report = Report.objects.get()
    assert report.channel == Channel.WEB and report.attributes == {"size": "large", "depth": "20"}
    assert report.contact_phone == "+84912345678" and report.photos.count() == 1
    page = response.content.decode()
    assert report.public_id in page and report.reporter_secret in page
    assert "+84912345678" not in page and "0912345678" not in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lat": "", "long": ""}, "map"),
        ({"photo_1": SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a photo")}, "x.jpg"),
        ({"attribute_size": ""}, "Kích thước"),
    ],
)
def test_web_form_bad_input_is_explained_and_nothing_saved(
    client, fb: Setup, data, message
) -> None:
    post = {
        "category": "road-damage",
        "submission_key": _key(),
        "description": "Ổ gà",
        "lat": "16.46",
        "long": "107.59",
        "attribute_size": "small",
    }
    post.update(data)
    with translation.override("en"):
        response = client.post("/feedback/new/", post)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Report.objects.count() == 0 and ReportPhoto.objects.count() == 0


def test_public_list_detail_and_photo(client, fb: Setup) -> None:
    report = _report(fb, photos=[services.PhotoUpload("a.jpg", jpeg_with_gps())])
    other = _report(fb, service_code="street-light", attributes={}, description="Đèn tắt")
    page = client.get("/feedback/").content.decode()
    assert report.public_id in page and other.public_id in page
    page = client.get("/feedback/?category=street-light").content.decode()
    assert report.public_id not in page and other.public_id in page
    response = client.get(f"/feedback/{report.public_id}/")
    assert response.status_code == 200
    photo = report.photos.get()
    assert f"/feedback/photos/{photo.pk}/" in response.content.decode()
    response = client.get(f"/feedback/photos/{photo.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8")
    assert client.get("/feedback/NOPE-1/").status_code == 404


def test_hidden_report_and_withdrawn_photo_are_not_public(client, fb: Setup) -> None:
    w = fb.world
    report = _report(fb, photos=[services.PhotoUpload("a.jpg", jpeg_with_gps())])
    photo = report.photos.get()
    services.report_photo_redact(actor=w.leader_a, photo_id=photo.pk)
    assert client.get(f"/feedback/photos/{photo.pk}/").status_code == 404
    client.force_login(w.specialist_a)
    assert client.get(f"/staff/feedback/{report.pk}/photos/{photo.pk}/").status_code == 200
    client.force_login(w.leader_b)
    assert client.get(f"/staff/feedback/{report.pk}/photos/{photo.pk}/").status_code == 404
    services.report_moderate(
        actor=w.leader_a,
        report_id=report.pk,
        version=report.version + 1,
        hidden=True,
        reason="Spam",
    )
    client.logout()
    assert client.get(f"/feedback/{report.public_id}/").status_code == 404
    assert report.public_id not in client.get("/feedback/").content.decode()


def test_staff_inbox_is_scoped(client, fb: Setup) -> None:
    w = fb.world
    mine = _report(fb)
    theirs = _report(fb, service_code="street-light", attributes={})
    client.force_login(w.specialist_a)
    page = client.get("/staff/feedback/").content.decode()
    assert mine.public_id in page and theirs.public_id not in page
    assert client.get(f"/staff/feedback/{theirs.pk}/").status_code == 404
    response = client.get(f"/staff/feedback/{mine.pk}/")
    assert response.status_code == 200
    assert "Kích thước" in response.content.decode() and "Nhỏ" in response.content.decode()
    client.force_login(w.ioc)
    page = client.get("/staff/feedback/").content.decode()
    assert mine.public_id in page and theirs.public_id in page
    response = client.post(f"/staff/feedback/{mine.pk}/actions/note/", {"text": "Xem"})
    assert response.status_code == 403


def test_officer_handles_a_report(client, fb: Setup, mailoutbox) -> None:
    w = fb.world
    report = _report(fb, contact=services.Contact(email="dan@example.com"))
    client.force_login(w.leader_a)
    url = f"/staff/feedback/{report.pk}/actions/"
    response = client.post(url + "assign/", {"version": 1, "assignee": w.specialist_a.pk})
    assert response.status_code == 302
    client.force_login(w.specialist_a)
    response = client.post(url + "note/", {"text": "Đã cử đội kiểm tra"})
    assert response.status_code == 302
    # a stale page: nothing changes
    response = client.post(
        url + "respond/", {"version": 1, "text": "Xong", "status": "resolved"}, follow=True
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_PROGRESS
    response = client.post(
        url + "respond/", {"version": report.version, "text": "Đã vá xong.", "status": "resolved"}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.RESOLVED and report.status_notes == "Đã vá xong."
    assert AuditRecord.objects.filter(
        action="feedback.report.respond", object_id=str(report.pk)
    ).exists()
    page = client.get(f"/feedback/{report.public_id}/").content.decode()
    assert "Đã vá xong." in page and "Đã cử đội kiểm tra" not in page
    # bad input on a page: 400 with the message, nothing changed
    response = client.post(
        url + "transfer/", {"version": report.version, "agency": w.b.pk, "reason": ""}
    )
    assert response.status_code == 403  # a specialist does not transfer


def test_transfer_and_moderation_pages(client, fb: Setup) -> None:
    w = fb.world
    report = _report(fb)
    client.force_login(w.leader_a)
    url = f"/staff/feedback/{report.pk}/actions/"
    response = client.post(url + "transfer/", {"version": 1, "agency": w.b.pk, "reason": ""})
    assert response.status_code == 400
    response = client.post(
        url + "moderate/", {"version": 1, "description": "Ổ gà [đã ẩn]", "hidden": ""}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.description == "Ổ gà [đã ẩn]" and report.description_original == "Ổ gà trước chợ"
    response = client.post(
        url + "transfer/",
        {"version": report.version, "agency": w.b.pk, "reason": "Thẩm quyền Sở B"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.agency == w.b
    assert client.get(f"/staff/feedback/{report.pk}/").status_code == 404


def test_hotline_operator_enters_a_call(client, fb: Setup) -> None:
    w = fb.world
    client.force_login(w.citizen)
    assert client.get("/staff/feedback/hotline/").status_code == 403
    client.force_login(w.specialist_a)
    response = client.post(
        "/staff/feedback/hotline/?category=street-light",
        {
            "category": "street-light",
            "submission_key": _key(),
            "description": "Đèn đường tắt",
            "address": "Ngã tư Hùng Vương",
            "contact_phone": "0987654321",
        },
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.channel == Channel.HOTLINE and report.entered_by == w.specialist_a
    assert report.agency == w.b


def test_rate_and_reopen_with_the_tracking_code(client, fb: Setup) -> None:
    w = fb.world
    report = _report(fb)
    services.report_respond(
        actor=w.leader_a, report_id=report.pk, version=1, text="Đã xử lý", status="resolved"
    )
    response = client.post(
        f"/feedback/{report.public_id}/rate/", {"secret": "AAAAAAAA", "rating": 5}
    )
    assert response.status_code == 400
    response = client.post(
        f"/feedback/{report.public_id}/rate/", {"secret": report.reporter_secret, "rating": 2}
    )
    assert response.status_code == 302
    response = client.post(
        f"/feedback/{report.public_id}/reopen/",
        {"secret": report.reporter_secret, "reason": "Vẫn còn"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.rating == 2 and report.status == ReportStatus.IN_PROGRESS


def test_feeds_per_category_and_area(client, fb: Setup) -> None:
    from egov.organizations.models import AdministrativeLevel, AdministrativeUnit

    level = AdministrativeLevel.objects.get(code="commune")
    unit = AdministrativeUnit.objects.create(
        code="99999",
        name="Phường Thử",
        division_type="phường",
        level=level,
        search_name="phuong thu",
    )
    road = _report(fb, area_id=unit.pk)
    light = _report(fb, service_code="street-light", attributes={})
    rss = client.get("/feedback/feeds/category/road-damage.rss")
    assert rss.status_code == 200 and rss["Content-Type"].startswith("application/rss+xml")
    body = rss.content.decode()
    assert road.public_id in body and light.public_id not in body
    atom = client.get(f"/feedback/feeds/area/{unit.pk}.atom")
    assert atom["Content-Type"].startswith("application/atom+xml")
    body = atom.content.decode()
    assert road.public_id in body and light.public_id not in body
    assert client.get("/feedback/feeds/category/nope.rss").status_code == 404
    assert client.get("/feedback/feeds/").status_code == 200


def test_figures_page(client, fb: Setup) -> None:
    w = fb.world
    report = _report(fb)
    services.report_respond(
        actor=w.leader_a, report_id=report.pk, version=1, text="Xong", status="resolved"
    )
    services.report_rate(
        actor=None, public_id=report.public_id, secret=report.reporter_secret, rating=5
    )
    page = client.get("/feedback/figures/").content.decode()
    assert w.a.name in page and "5.0/5" in page.replace(",", ".")


def test_nearby_fragment_suggests_duplicates(client, fb: Setup) -> None:
    report = _report(fb)
    page = client.get(
        "/feedback/nearby/?category=road-damage&lat=16.4638&long=107.5910"
    ).content.decode()
    assert report.public_id in page
    page = client.get(
        "/feedback/nearby/?category=street-light&lat=16.4638&long=107.5910"
    ).content.decode()
    assert report.public_id not in page


def test_web_form_area_feeds_the_area_feed(client, fb: Setup) -> None:
    from egov.organizations.models import AdministrativeLevel, AdministrativeUnit

    province = AdministrativeUnit.objects.create(
        code="98", name="Tỉnh Thử", division_type="tỉnh",
        level=AdministrativeLevel.objects.get(code="province"), search_name="tinh thu",
    )  # fmt: skip
    ward = AdministrativeUnit.objects.create(
        code="98001", name="Phường Một", division_type="phường", parent=province,
        level=AdministrativeLevel.objects.get(code="commune"), search_name="phuong mot",
    )  # fmt: skip
    response = client.post(
        "/feedback/new/",
        {"category": "street-light", "submission_key": _key(), "description": "Đèn tắt", "address": "Ngõ 3",
         "area": ward.pk},
    )  # fmt: skip
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.area == ward
    # the province's feed holds its wards' reports
    assert (
        report.public_id in client.get(f"/feedback/feeds/area/{province.pk}.rss").content.decode()
    )
    assert report.public_id in client.get(f"/feedback/?area={province.pk}").content.decode()


def test_pages_in_both_languages(client, fb: Setup) -> None:
    report = _report(fb)
    page = client.get(f"/feedback/{report.public_id}/").content.decode()
    assert 'lang="vi"' in page
    client.cookies["django_language"] = "en"
    page = client.get(f"/feedback/{report.public_id}/").content.decode()
    assert 'lang="en"' in page and "Responsible agency" in page
    assert "Road damage" in client.get("/feedback/new/").content.decode()


def test_admin_category_pages_for_the_province_admin(client, fb: Setup) -> None:
    admin = fb.world.admin
    admin.is_superuser = admin.is_staff = True  # as the demo's administrator
    admin.save()
    client.force_login(admin)
    assert client.get("/admin/feedback/category/").status_code == 200
    assert client.get(f"/admin/feedback/category/{fb.road.pk}/change/").status_code == 200
    client.force_login(fb.world.leader_a)
    assert client.get(f"/admin/feedback/category/{fb.road.pk}/change/").status_code in (302, 403)


def test_figures_for_a_period(client, fb: Setup) -> None:
    from datetime import timedelta

    from django.utils import timezone

    _report(fb, now=timezone.now() - timedelta(days=40))
    _report(fb)
    today = timezone.localdate()
    page = client.get(f"/feedback/figures/?start={today - timedelta(days=7)}&end={today}")
    assert page.status_code == 200
    assert [f.received for f in page.context["figures"]] == [1]
    bad = client.get(f"/feedback/figures/?start={today}&end={today - timedelta(days=1)}")
    assert bad.status_code == 400


def test_my_reports_and_private_reopen_reason(client, fb: Setup) -> None:
    w = fb.world
    mine = _report(fb, actor=w.citizen)
    other = _report(fb)
    assert client.get("/feedback/mine/").status_code == 302
    client.force_login(w.citizen)
    page = client.get("/feedback/mine/").content.decode()
    assert mine.public_id in page and other.public_id not in page
    services.report_respond(
        actor=w.leader_a, report_id=mine.pk, version=1, text="Xong", status="resolved"
    )
    response = client.post(
        f"/feedback/{mine.public_id}/reopen/", {"reason": "Ông Tư ở số 5 vẫn đổ rác"}
    )
    assert response.status_code == 302
    client.logout()
    page = client.get(f"/feedback/{mine.public_id}/").content.decode()
    assert "Ông Tư" not in page
    client.force_login(w.leader_a)
    assert "Ông Tư" in client.get(f"/staff/feedback/{mine.pk}/").content.decode()


def test_the_same_form_sent_twice_makes_one_report(client, fb: Setup) -> None:
    post = {"category": "street-light", "submission_key": _key(), "description": "Đèn tắt",
            "address": "Ngõ 9"}  # fmt: skip
    first = client.post("/feedback/new/", post)
    second = client.post("/feedback/new/", post, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    report = Report.objects.get()
    assert report.reporter_secret in second.content.decode()
    assert client.post("/feedback/new/", {**post, "submission_key": "x"}).status_code == 400


def test_inbox_filters(client, fb: Setup) -> None:
    w = fb.world
    shown = _report(fb)
    hidden = _report(fb, description="Quảng cáo")
    services.report_moderate(
        actor=w.leader_a, report_id=hidden.pk, version=1, hidden=True, reason="Quảng cáo"
    )
    client.force_login(w.leader_a)
    page = client.get("/staff/feedback/?hidden=on").content.decode()
    assert hidden.public_id in page and shown.public_id not in page
    page = client.get(f"/staff/feedback/?q={shown.public_id}", HTTP_HX_REQUEST="true")
    assert shown.public_id in page.content.decode() and "<html" not in page.content.decode()
