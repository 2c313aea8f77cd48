"""Pages show egov's one format of dates, money, durations and phones (issue 15, item 9)."""

from __future__ import annotations

import re

import pytest

from egov.core import formats
from egov.dossiers import services
from egov.dossiers.services import Applicant
from egov.procedures.models import Procedure, ProcedureFee, ProcedureStep, TimeUnit


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "day", "fee", "step"),
    [
        ("en", "1 working day", "8,000 VND", "(1 working day)"),
        ("vi", "1 ngày làm việc", "8.000 đ", "(1 ngày làm việc)"),
    ],
)
def test_procedure_page_numbers(client, desk, language, day, fee, step):
    Procedure.objects.filter(pk=desk.permit.pk).update(
        processing_time=1, time_unit=TimeUnit.WORKING_DAYS
    )
    ProcedureStep.objects.filter(procedure=desk.permit).update(duration=1)
    ProcedureFee.objects.create(procedure=desk.permit, name="Lệ phí", amount=8000)
    client.cookies["django_language"] = language
    html = client.get(
        f"/procedures/{desk.permit.code}/", headers={"accept-language": language}
    ).content.decode()
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    assert day in text and fee in text and step in text
    assert "working days" not in text.replace("1 working day", "")  # no "1 working days"


@pytest.fixture
def dossier_with_appointment(desk):
    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="+84912345678"), files=[],
    )  # fmt: skip
    return services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)


@pytest.mark.django_db
def test_staff_dossier_page_shows_one_date_time_and_phone_format(
    client, desk, dossier_with_appointment
):
    d = dossier_with_appointment
    client.force_login(desk.desk)
    html = client.get(f"/staff/dossiers/{d.pk}/").content.decode()
    assert formats.datetime_text(d.appointment_at) in html
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", html)
    assert not re.search(r"\d\d:\d\d \d\d/\d\d/\d{4}", html)  # the old "14:05 07/12/2026"
    assert "0912 345 678" in html and "+84912345678" not in html


def test_slips_show_the_phone_and_date_time_as_pages_do(desk, dossier_with_appointment):
    from egov.dossiers import documents

    d = dossier_with_appointment
    text = " ".join(documents.receipt(d).text.split())
    assert "0912 345 678" in text and "+84912345678" not in text
    period = documents.register_period(d.received_at.date(), d.received_at.date())
    register = " ".join(documents.register(desk.center, period).text.split())
    assert "0912 345 678" in register
