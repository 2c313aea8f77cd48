"""The citizen's dossier page: stages with their dates and the current one, the banner while
the dossier waits for them, what happens next, and files named by component (issue 15,
item 11)."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from egov.core.formats import datetime_text
from egov.dossiers import selectors, services
from egov.dossiers.services import Applicant
from egov.procedures.models import ProcedureComponent

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


def at(day: int, hour: int = 9):
    return time_machine.travel(datetime(2026, 3, day, hour, 0, tzinfo=HCM), tick=False)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def stage_items(html: str) -> list[str]:
    return re.findall(r'<li class="progress-step progress-(\w+)"', html)


@pytest.fixture
def paused(desk):
    """Submitted Monday 2 March with a drawing, received, handed over, then on Wednesday
    4 March 09:00 the department asks for more documents."""
    drawing = ProcedureComponent.objects.create(
        procedure=desk.permit, order=0, name="Bản vẽ thiết kế", mandatory=True
    )
    with at(2):
        d = services.dossier_submit(
            actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
            applicant=Applicant(name="Nguyễn Văn An", phone="+84912345678"),
            files=[services.Upload(component_id=drawing.pk, name="ban-ve.pdf", content=PDF)],
        )  # fmt: skip
        d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    with at(3):
        d = services.dossier_hand_over(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
        )
    with at(4):
        d = services.dossier_request_supplement(
            actor=desk.specialist, dossier_id=d.pk, version=d.version, missing="Thiếu mặt cắt"
        )
    return d


@pytest.mark.parametrize(
    ("language", "waiting", "by", "next_words", "processing"),
    [
        ("en", "Waiting for you", "please supplement your dossier by 18/03/2026.",
         "What happens next:", "Being processed"),
        ("vi", "Đang chờ Ông/Bà", "đề nghị bổ sung hồ sơ chậm nhất ngày 18/03/2026.",
         "Bước tiếp theo:", "Đang giải quyết"),
    ],
)  # fmt: skip
def test_paused_dossier_shows_banner_stages_next_step_and_components(
    client, desk, paused, language, waiting, by, next_words, processing
):
    client.force_login(desk.citizen)
    client.cookies["django_language"] = language
    with at(5):
        html = client.get(f"/dossiers/{paused.pk}/").content.decode()
    text = text_of(html)
    # The banner: 10 working days from Wednesday 4 March 09:00 is Wednesday 18 March.
    assert 'id="waiting-banner"' in html and waiting in text and by in text
    # Stages: submitted and received are done, processing is the current one, two ahead.
    assert stage_items(html) == ["done", "done", "current", "upcoming", "upcoming"]
    current = re.search(r'<li class="progress-step progress-current"[^>]*>(.*?)</li>', html)
    assert current and 'aria-current="step"' in current.group(0)
    assert processing in text_of(current.group(1)) and "03/03/2026 09:00" in current.group(1)
    assert "02/03/2026 09:00" in html  # the dates of the stages already reached
    # The result's stage, ahead, shows when it is due.
    ahead = re.findall(r'<li class="progress-step progress-upcoming"[^>]*>(.*?)</li>', html)
    assert datetime_text(paused.appointment_at) in ahead[0]
    assert next_words in text
    # Each uploaded file under its component's name.
    assert re.search(r'class="file-component">Bản vẽ thiết kế</strong>: <a [^>]*>ban-ve\.pdf', html)


def test_banner_goes_once_supplemented_and_next_step_follows_the_state(client, desk, paused):
    with at(6):
        d = services.dossier_supplement(
            actor=desk.citizen, dossier_id=paused.pk, version=paused.version, comment="Đã gửi"
        )
    client.force_login(desk.citizen)
    client.cookies["django_language"] = "en"
    html = client.get(f"/dossiers/{d.pk}/").content.decode()
    assert 'id="waiting-banner"' not in html
    assert "the result is due by the appointment date" in text_of(html)
    assert stage_items(html) == ["done", "done", "current", "upcoming", "upcoming"]


def test_refused_dossier_ends_at_its_own_stage(desk):
    with at(2):
        d = services.dossier_submit(
            actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
            applicant=Applicant(name="Nguyễn Văn An"), files=[],
        )  # fmt: skip
        d = services.dossier_refuse(
            actor=desk.desk, dossier_id=d.pk, version=d.version, reason="Sai thẩm quyền"
        )
    progress = selectors.citizen_progress(d, selectors.applicant_events(d))
    assert [(s.key, s.status) for s in progress.stages] == [
        ("submitted", "done"),
        ("refused", "current"),
    ]
    assert progress.supplement_by is None and not progress.waiting_for_citizen
