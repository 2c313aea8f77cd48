from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditRecord
from egov.feedback import selectors, services
from egov.feedback.models import Channel, Report, ReportPhoto, ReportStatus, ReportUpdate
from egov.feedback.services import (
    Contact,
    PhotoUpload,
    report_assign,
    report_create,
    report_mark_duplicate,
    report_moderate,
    report_note_add,
    report_photo_redact,
    report_rate,
    report_reopen,
    report_respond,
    report_status_change,
    report_transfer,
)
from egov.notifications.models import OutboxMessage
from egov.worktime.selectors import calendar_get
from tests.feedback.conftest import Setup, jpeg_with_gps, png_bytes

pytestmark = pytest.mark.django_db


def _create(fb: Setup, **kw):
    args = dict(
        actor=None,
        channel=Channel.WEB,
        service_code="road-damage",
        description="Ổ gà lớn trước số 12 Lê Lợi",
        lat=16.4637,
        long=107.5909,
        attributes={"size": "large"},
    )
    args.update(kw)
    return report_create(**args)


def test_create_routes_to_the_category_agency_with_due_in_working_days(fb: Setup) -> None:
    report = _create(fb, contact=Contact(name="An", phone="0912345678", email="an@example.com"))
    assert report.agency == fb.world.a
    assert report.status == ReportStatus.RECEIVED
    assert report.expected_at == calendar_get().due(report.requested_at, 5, "working_days")
    assert report.contact_phone == "+84912345678"
    assert report.attributes == {"size": "large"}
    assert AuditRecord.objects.filter(
        action="feedback.report.create", object_id=str(report.pk)
    ).exists()
    channels = set(
        OutboxMessage.objects.filter(object_id=str(report.pk)).values_list("channel", flat=True)
    )
    assert channels == {"sms", "zalo", "email"}
    # public read hides the contact
    public = selectors.public_report_get(report.public_id)
    assert public.service_code == "road-damage" and public.agency_responsible == fb.world.a.name
    assert public.open311_status == "open"
    assert not hasattr(public, "contact_phone")


def test_anonymous_report_has_no_contact_and_no_notification(fb: Setup) -> None:
    report = _create(fb)
    assert not report.has_contact and report.reporter is None
    assert not OutboxMessage.objects.filter(object_id=str(report.pk)).exists()


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"service_code": "nope"}, "service_code"),
        ({"lat": None, "long": None}, "location"),
        ({"lat": "abc"}, "lat"),
        ({"lat": 95}, "lat"),
        ({"long": None}, "location"),
        ({"description": ""}, "description"),
        ({"attributes": {}}, "attribute[size]"),
        ({"attributes": {"size": "huge"}}, "attribute[size]"),
        ({"attributes": {"size": "small", "depth": "deep"}}, "attribute[depth]"),
        ({"photos": [PhotoUpload("a.jpg", b"not an image at all")]}, "photos[0]"),
        ({"contact": Contact(phone="12")}, "phone"),
    ],
)
def test_bad_input_saves_nothing(fb: Setup, kw: dict, field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        _create(fb, **kw)
    assert field in caught.value.fields
    assert Report.objects.count() == 0 and ReportPhoto.objects.count() == 0


def test_address_alone_is_a_location(fb: Setup) -> None:
    report = _create(fb, lat=None, long=None, address="12 Lê Lợi, Huế")
    assert report.lat is None and report.address == "12 Lê Lợi, Huế"


def test_oversized_photo_refused(fb: Setup, settings) -> None:
    settings.EGOV_FEEDBACK_PHOTO_MAX_MB = 0
    with pytest.raises(ValidationFailed) as caught:
        _create(fb, photos=[PhotoUpload("a.jpg", jpeg_with_gps())])
    assert "photos[0]" in caught.value.fields
    assert Report.objects.count() == 0


def test_photos_are_reencoded_without_metadata(fb: Setup) -> None:
    report = _create(
        fb,
        photos=[
            PhotoUpload("nguyen-van-a-cccd.jpg", jpeg_with_gps()),
            PhotoUpload("b.png", png_bytes()),
        ],
    )
    photos = list(report.photos.all())
    assert len(photos) == 2 and report.cover_photo == photos[0]
    with default_storage.open(photos[0].file.name, "rb") as handle:
        data = handle.read()
    image = Image.open(io.BytesIO(data))
    assert not image.getexif()
    assert b"Nguyen Van A" not in data
    # A random name (a short original name like "me" could turn up in it by chance).
    assert "nguyen" not in photos[0].file.name.rsplit("/", 1)[-1]
    assert selectors.public_report_get(report.public_id).media == selectors.photo_path(photos[0].pk)


def test_hotline_needs_staff(fb: Setup) -> None:
    with pytest.raises(PermissionDenied):
        _create(fb, channel=Channel.HOTLINE, actor=fb.world.citizen)
    report = _create(fb, channel=Channel.HOTLINE, actor=fb.world.specialist_a)
    assert report.entered_by == fb.world.specialist_a and report.reporter is None


def test_signed_in_citizen_is_the_reporter(fb: Setup) -> None:
    report = _create(fb, actor=fb.world.citizen)
    assert report.reporter == fb.world.citizen
    assert report.contact_email == fb.world.citizen.email


def test_handling_flow_with_versions_and_scope(fb: Setup) -> None:
    w = fb.world
    report = _create(fb, contact=Contact(email="an@example.com"))
    with pytest.raises(NotFound):
        report_note_add(actor=w.leader_b, report_id=report.pk, text="x")
    with pytest.raises(PermissionDenied):
        report_assign(
            actor=w.ioc, report_id=report.pk, version=report.version, assignee_id=w.specialist_a.pk
        )
    report = report_assign(
        actor=w.leader_a, report_id=report.pk, version=report.version, assignee_id=w.specialist_a.pk
    )
    assert report.status == ReportStatus.IN_PROGRESS and report.assignee == w.specialist_a
    with pytest.raises(Conflict):
        report_respond(actor=w.specialist_a, report_id=report.pk, version=1, text="Đã xử lý")
    report_note_add(actor=w.specialist_a, report_id=report.pk, text="Gọi đội duy tu")
    report = report_respond(
        actor=w.specialist_a,
        report_id=report.pk,
        version=report.version,
        text="Đã vá ổ gà.",
        status=ReportStatus.RESOLVED,
    )
    assert report.status == ReportStatus.RESOLVED and report.responded_at is not None
    assert report.status_notes == "Đã vá ổ gà."
    updates = selectors.public_updates_list(public_ids=[report.public_id])
    assert [u.fms_status for u in updates][-1] == "FIXED"
    assert all(u.text != "Gọi đội duy tu" for u in updates)
    assert ReportUpdate.objects.filter(
        report=report, is_public=False, text="Gọi đội duy tu"
    ).exists()
    # rating with the tracking code
    with pytest.raises(PermissionDenied):
        report_rate(actor=None, public_id=report.public_id, secret="WRONG", rating=5)
    report = report_rate(
        actor=None, public_id=report.public_id, secret=report.reporter_secret, rating=4
    )
    assert report.rating == 4
    figures = {f.agency_id: f for f in selectors.agency_figures()}
    assert figures[w.a.pk].received == 1 and figures[w.a.pk].answered_on_time == 1
    assert figures[w.a.pk].average_rating == 4.0


def test_status_needs_explanation_and_allowed_move(fb: Setup) -> None:
    w = fb.world
    report = _create(fb)
    with pytest.raises(ValidationFailed) as caught:
        report_status_change(
            actor=w.leader_a, report_id=report.pk, version=1, status=ReportStatus.REJECTED
        )
    assert "notes" in caught.value.fields
    with pytest.raises(ValidationFailed):
        report_status_change(
            actor=w.leader_a, report_id=report.pk, version=1, status=ReportStatus.CLOSED
        )
    report = report_status_change(
        actor=w.leader_a,
        report_id=report.pk,
        version=1,
        status=ReportStatus.REJECTED,
        notes="Không thuộc thẩm quyền",
    )
    assert selectors.public_report_get(report.public_id).open311_status == "closed"


def test_transfer_moves_responsibility(fb: Setup) -> None:
    w = fb.world
    report = _create(fb)
    with pytest.raises(ValidationFailed):
        report_transfer(actor=w.leader_a, report_id=report.pk, version=1, agency_id=w.b.pk)
    report = report_transfer(
        actor=w.leader_a, report_id=report.pk, version=1, agency_id=w.b.pk, reason="Sở B quản lý"
    )
    assert report.agency == w.b
    # A no longer handles it; B does
    with pytest.raises(NotFound):
        report_note_add(actor=w.specialist_a, report_id=report.pk, text="x")
    report_note_add(actor=w.leader_b, report_id=report.pk, text="Đã nhận")
    assert selectors.public_report_get(report.public_id).agency_responsible == w.b.name


def test_moderation_hides_and_redacts(fb: Setup) -> None:
    w = fb.world
    report = _create(
        fb,
        description="Ông Nguyễn Văn B, SĐT 0912345678, đổ rác",
        photos=[PhotoUpload("a.jpg", jpeg_with_gps())],
    )
    report = report_moderate(
        actor=w.leader_a,
        report_id=report.pk,
        version=1,
        description="Ông [đã ẩn], SĐT [đã ẩn], đổ rác",
    )
    public = selectors.public_report_get(report.public_id)
    assert "0912345678" not in public.description
    assert report.description_original.startswith("Ông Nguyễn Văn B")
    record = AuditRecord.objects.filter(action="feedback.report.moderate").get()
    assert "0912345678" not in str(record.changes)
    # photo: black boxes, original kept private
    photo = report.photos.get()
    photo = report_photo_redact(actor=w.leader_a, photo_id=photo.pk, boxes=[(0, 0, 0.5, 0.5)])
    name, _type = selectors.public_photo_get(photo.pk)
    assert name == photo.public_file.name != photo.file.name
    with default_storage.open(name, "rb") as handle:
        image = Image.open(handle).convert("RGB")
        assert image.getpixel((2, 2)) == (0, 0, 0)
    # no box: withdrawn from the public
    report_photo_redact(actor=w.leader_a, photo_id=photo.pk)
    with pytest.raises(NotFound):
        selectors.public_photo_get(photo.pk)
    assert selectors.public_report_get(report.public_id).media == ""
    # hide
    report.refresh_from_db()
    with pytest.raises(ValidationFailed):
        report_moderate(actor=w.leader_a, report_id=report.pk, version=report.version, hidden=True)
    report_moderate(
        actor=w.leader_a, report_id=report.pk, version=report.version, hidden=True, reason="Spam"
    )
    with pytest.raises(NotFound):
        selectors.public_report_get(report.public_id)
    assert selectors.public_reports_list() == []


def test_duplicates_suggested_and_marked(fb: Setup) -> None:
    w = fb.world
    first = _create(fb)
    second = _create(fb, lat=16.4638, long=107.5910)
    far = _create(fb, lat=16.5, long=107.7)
    found = selectors.duplicate_candidates(
        category_id=fb.road.pk, lat=16.4638, long=107.5910, exclude_id=second.pk
    )
    assert [r.public_id for r, _m in found] == [first.public_id]
    assert far.public_id not in [r.public_id for r, _m in found]
    second = report_mark_duplicate(
        actor=w.specialist_a, report_id=second.pk, version=1, original_public_id=first.public_id
    )
    assert second.status == ReportStatus.DUPLICATE and second.duplicate_of == first
    assert selectors.public_report_get(second.public_id).fms_status == "DUPLICATE"


def test_reopen_within_window(fb: Setup) -> None:
    w = fb.world
    report = _create(fb, actor=w.citizen)
    report = report_respond(
        actor=w.leader_a, report_id=report.pk, version=1, text="Xong", status=ReportStatus.RESOLVED
    )
    with pytest.raises(ValidationFailed):
        report_reopen(
            actor=w.citizen,
            public_id=report.public_id,
            reason="Chưa",
            now=timezone.now() + timedelta(days=8),
        )
    report = report_reopen(actor=w.citizen, public_id=report.public_id, reason="Vẫn còn ổ gà")
    assert report.status == ReportStatus.IN_PROGRESS and report.reopen_count == 1


def test_public_list_filters(fb: Setup) -> None:
    now = timezone.now()
    a = _create(fb, now=now - timedelta(days=3))
    b = report_create(
        actor=None,
        channel=Channel.APP,
        service_code="street-light",
        description="Đèn tắt",
        address="Ngã ba",
        now=now - timedelta(days=1),
    )
    report_status_change(
        actor=fb.world.leader_b,
        report_id=b.pk,
        version=1,
        status=ReportStatus.RESOLVED,
        notes="Đã thay bóng",
    )
    assert [r.public_id for r in selectors.public_reports_list()] == [b.public_id, a.public_id]
    assert [r.public_id for r in selectors.public_reports_list(service_codes=["road-damage"])] == [
        a.public_id
    ]
    assert [r.public_id for r in selectors.public_reports_list(status="closed")] == [b.public_id]
    assert [r.public_id for r in selectors.public_reports_list(start=now - timedelta(days=2))] == [
        b.public_id
    ]
    assert [r.public_id for r in selectors.public_reports_list(end=now - timedelta(days=2))] == [
        a.public_id
    ]
    assert [
        r.public_id for r in selectors.public_reports_list(ids=[a.public_id], status="closed")
    ] == [a.public_id]
    assert len(selectors.public_reports_list(limit=1, offset=1)) == 1


def test_truncated_photo_refused_and_nothing_saved(fb: Setup) -> None:
    data = jpeg_with_gps((400, 300))
    with pytest.raises(ValidationFailed) as caught:
        _create(fb, photos=[PhotoUpload("cut.jpg", data[: len(data) // 2])])
    assert "photos[0]" in caught.value.fields
    assert Report.objects.count() == 0


def test_same_token_makes_one_report(fb: Setup) -> None:
    first = _create(fb, token="zalo:m1")
    with pytest.raises(Conflict) as caught:
        _create(fb, token="zalo:m1")
    assert caught.value.code == "duplicate_token"
    assert list(Report.objects.values_list("pk", flat=True)) == [first.pk]


def test_notification_links_to_the_report(fb: Setup, settings) -> None:
    settings.EGOV_PUBLIC_URL = "https://dichvucong.example.gov.vn"
    report = _create(fb, contact=Contact(email="an@example.com"))
    message = OutboxMessage.objects.get(object_id=str(report.pk), channel="email")
    assert f"https://dichvucong.example.gov.vn/feedback/{report.public_id}/" in message.body
    assert report.reporter_secret in message.body


def test_the_responsible_agency_hears_of_new_and_transferred_reports(fb: Setup) -> None:
    from egov.organizations.models import Agency

    w = fb.world
    Agency.objects.filter(pk=w.a.pk).update(email="so-a@example.gov.vn")
    Agency.objects.filter(pk=w.b.pk).update(email="so-b@example.gov.vn")
    report = _create(fb)  # anonymous: only the agency is told
    assert list(
        OutboxMessage.objects.filter(object_id=str(report.pk)).values_list("recipient", flat=True)
    ) == ["so-a@example.gov.vn"]
    report_transfer(actor=w.leader_a, report_id=report.pk, version=1, agency_id=w.b.pk, reason="B")
    assert OutboxMessage.objects.filter(
        object_id=str(report.pk), recipient="so-b@example.gov.vn"
    ).exists()


def test_client_update_with_a_truncated_photo_refused_and_nothing_saved(fb: Setup) -> None:
    report = _create(fb)
    updates, photos = ReportUpdate.objects.count(), ReportPhoto.objects.count()
    data = jpeg_with_gps((400, 300))
    with pytest.raises(ValidationFailed) as caught:
        services.report_client_update_add(
            client_name="Ứng dụng X", public_id=report.public_id, text="Vẫn chưa sửa",
            photos=[PhotoUpload("cut.jpg", data[: len(data) // 2])],
        )  # fmt: skip
    assert "photos[0]" in caught.value.fields
    assert (ReportUpdate.objects.count(), ReportPhoto.objects.count()) == (updates, photos)


def test_guessing_a_tracking_code_is_cut_off_per_report(fb: Setup) -> None:
    import time_machine
    from django.core.cache import cache

    from egov.core.errors import TooManyRequests
    from egov.feedback.services import SECRET_FAILURES, SECRET_WINDOW
    from tests import factories

    cache.clear()
    w = fb.world
    reporter = factories.user(full_name="Chị Lan")
    report, other = _create(fb, actor=reporter), _create(fb)
    for r in (report, other):
        report_respond(actor=w.leader_a, report_id=r.pk, version=r.version,
                       text="Đã vá ổ gà.", status=ReportStatus.RESOLVED)  # fmt: skip
    for n in range(SECRET_FAILURES):
        with pytest.raises(PermissionDenied):
            report_rate(actor=None, public_id=report.public_id, secret=f"GUESS{n:03d}", rating=5)
    # Now even the right code is refused for this report, whether rating or reopening…
    with pytest.raises(TooManyRequests):
        report_rate(actor=None, public_id=report.public_id, secret=report.reporter_secret, rating=5)
    with pytest.raises(TooManyRequests):
        services.report_reopen(actor=None, public_id=report.public_id,
                               secret=report.reporter_secret, reason="Chưa sửa")  # fmt: skip
    assert Report.objects.get(pk=report.pk).rating is None
    # …but not for another report, nor for the reporter signed in.
    assert (
        report_rate(
            actor=None, public_id=other.public_id, secret=other.reporter_secret, rating=3
        ).rating
        == 3
    )
    assert report_rate(actor=reporter, public_id=report.public_id, rating=4).rating == 4
    # The window ends: the right code works again.
    with time_machine.travel(timezone.now() + timedelta(seconds=SECRET_WINDOW + 5)):
        assert (
            report_rate(
                actor=None, public_id=report.public_id, secret=report.reporter_secret, rating=5
            ).rating
            == 5
        )


def test_a_wrong_code_is_counted_when_its_window_ends_under_it(fb: Setup, monkeypatch) -> None:
    """The count expires between cache.add (it was there) and cache.incr (it is gone): the
    failure opens a new window instead of being lost."""
    from django.core.cache import cache

    cache.clear()
    w = fb.world
    report = _create(fb)
    report_respond(actor=w.leader_a, report_id=report.pk, version=report.version,
                   text="Đã vá ổ gà.", status=ReportStatus.RESOLVED)  # fmt: skip
    key = f"feedback:secret-failures:{report.pk}"
    cache.set(key, 3)
    real_incr = cache.incr

    def expiring_incr(k: str, delta: int = 1) -> int:
        cache.delete(k)
        return real_incr(k, delta)  # raises ValueError: the key is gone

    monkeypatch.setattr(cache, "incr", expiring_incr)
    with pytest.raises(PermissionDenied):
        report_rate(actor=None, public_id=report.public_id, secret="GUESS000", rating=5)
    assert cache.get(key) == 1
