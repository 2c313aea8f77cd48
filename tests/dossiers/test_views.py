"""The dossier pages: a citizen submits and follows a dossier, an officer processes it."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierFile, DossierRating, DossierState
from egov.dossiers.services import Applicant
from egov.procedures.models import ProcedureComponent

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF"


@pytest.fixture
def plan(desk):
    """The permit needs a drawing (mandatory) and may have a land certificate."""
    drawing = ProcedureComponent.objects.create(
        procedure=desk.permit, order=0, name="Bản vẽ thiết kế", mandatory=True
    )
    land = ProcedureComponent.objects.create(
        procedure=desk.permit, order=1, name="Giấy chứng nhận đất", mandatory=False
    )
    return drawing, land


def _form(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]


def _post_submission(client, desk, plan, **overrides):
    url = f"/dossiers/new/{desk.permit.code}/"
    key = _form(client, url).initial["idempotency_key"]
    drawing, _land = plan
    data = {
        "idempotency_key": key,
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912345678",
        f"component_{drawing.pk}": SimpleUploadedFile("ban-ve.pdf", PDF, "application/pdf"),
    }
    data.update(overrides)
    return client.post(url, data), key


def test_submitting_needs_sign_in(client, desk):
    response = client.get(f"/dossiers/new/{desk.permit.code}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_citizen_submits_online_and_follows_the_dossier(client, desk, plan):
    client.force_login(desk.citizen)
    form = _form(client, f"/dossiers/new/{desk.permit.code}/")
    assert form.initial["applicant_name"] == desk.citizen.full_name
    response, key = _post_submission(client, desk, plan)
    dossier = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{dossier.pk}/"
    assert dossier.channel == "online" and dossier.applicant == desk.citizen
    assert dossier.applicant_phone == "+84912345678"  # as the lookup by phone compares it
    assert dossier.files.get().file.read() == PDF
    page = client.get(response["Location"])
    assert dossier.code in page.content.decode() and dossier.lookup_secret in page.content.decode()
    # Sending the same page again (a double click, a refresh) gives the same dossier.
    again, _ = _post_submission(client, desk, plan, idempotency_key=key)
    assert again["Location"] == response["Location"] and Dossier.objects.count() == 1
    listing = client.get("/dossiers/").content.decode()
    assert dossier.code in listing


def test_submission_errors_are_shown_and_nothing_is_saved(client, desk, plan):
    client.force_login(desk.citizen)
    drawing, land = plan
    response, _ = _post_submission(client, desk, plan, **{f"component_{drawing.pk}": ""})
    assert response.status_code == 200
    assert f"component_{drawing.pk}" in response.context["form"].errors
    fake = SimpleUploadedFile("dat.pdf", b"MZ\x90 not a pdf", "application/pdf")
    response, _ = _post_submission(client, desk, plan, **{f"component_{land.pk}": fake})
    errors = response.context["form"].errors
    assert list(errors) == [f"component_{land.pk}"] and "pdf" in errors[f"component_{land.pk}"][0]
    response, _ = _post_submission(client, desk, plan, applicant_name="")
    assert "applicant_name" in response.context["form"].errors
    response, _ = _post_submission(
        client, desk, plan, applicant_phone="12345", applicant_email="an@"
    )
    errors = response.context["form"].errors
    assert "applicant_phone" in errors and "applicant_email" in errors
    assert Dossier.objects.count() == 0 and DossierFile.objects.count() == 0


def test_information_only_procedure_cannot_be_submitted(client, desk):
    desk.permit.online_type = "info"
    desk.permit.save()
    client.force_login(desk.citizen)
    response = client.get(f"/dossiers/new/{desk.permit.code}/")
    assert response.status_code == 200 and "form" not in response.context
    assert (
        client.get(f"/procedures/{desk.permit.code}/")
        .content.decode()
        .count(f"/dossiers/new/{desk.permit.code}/")
        == 0
    )


def _submitted(desk, *, files=()):
    return services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="+84912345678"), files=list(files),
    )  # fmt: skip


def _in_progress(desk):
    d = _submitted(desk)
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    return services.dossier_hand_over(
        actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
    )


def test_citizens_see_only_their_own_dossiers(client, desk, world):
    d = _submitted(desk)
    from tests import factories

    other = factories.user(full_name="Người Khác")
    client.force_login(other)
    assert client.get(f"/dossiers/{d.pk}/").status_code == 404
    assert d.code not in client.get("/dossiers/").content.decode()
    assert client.post(f"/dossiers/{d.pk}/withdraw/", {"version": d.version}).status_code == 404
    assert Dossier.objects.get().state == DossierState.SUBMITTED


def test_citizen_supplements_online(client, desk):
    d = _in_progress(desk)
    d = services.dossier_request_supplement(
        actor=desk.specialist, dossier_id=d.pk, version=d.version, missing="Thiếu bản vẽ mặt cắt"
    )
    client.force_login(desk.citizen)
    page = client.get(f"/dossiers/{d.pk}/").content.decode()
    assert "Thiếu bản vẽ mặt cắt" in page and f"/dossiers/{d.pk}/supplement/" in page
    stale = client.post(f"/dossiers/{d.pk}/supplement/", {"version": d.version - 1})
    assert stale.status_code == 302
    assert Dossier.objects.get().state == DossierState.SUPPLEMENT_REQUESTED
    bad = client.post(
        f"/dossiers/{d.pk}/supplement/",
        {"version": d.version, "file_1": SimpleUploadedFile("x.png", b"not png", "image/png")},
    )
    assert bad.status_code == 400 and "file_1" in bad.context["supplement_form"].errors
    assert Dossier.objects.get().state == DossierState.SUPPLEMENT_REQUESTED
    response = client.post(
        f"/dossiers/{d.pk}/supplement/",
        {"version": d.version, "comment": "Đã bổ sung",
         "file_1": SimpleUploadedFile("mat-cat.pdf", PDF, "application/pdf")},
    )  # fmt: skip
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.state == DossierState.IN_PROGRESS
    supplement = d.files.get(kind=DossierFile.Kind.SUPPLEMENT)
    assert supplement.component is None
    download = client.get(f"/dossiers/{d.pk}/files/{supplement.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_citizen_downloads_results_and_rates(client, desk):
    d = _in_progress(desk)
    d = services.dossier_complete(
        actor=desk.leader, dossier_id=d.pk, version=d.version,
        files=[services.Upload(None, "giay-phep.pdf", PDF)],
    )  # fmt: skip
    client.force_login(desk.citizen)
    page = client.get(f"/dossiers/{d.pk}/")
    result = d.files.get(kind=DossierFile.Kind.RESULT)
    assert f"/dossiers/{d.pk}/files/{result.pk}/" in page.content.decode()
    assert page.context["rating_form"] is not None
    bad = client.post(f"/dossiers/{d.pk}/rate/", {"value": "wonderful"})
    assert bad.status_code == 400 and not DossierRating.objects.exists()
    ok = client.post(f"/dossiers/{d.pk}/rate/", {"value": "satisfied", "comment": "Nhanh"})
    assert ok.status_code == 302 and DossierRating.objects.get().value == "satisfied"
    slips = [slip["url"] for slip in client.get(f"/dossiers/{d.pk}/").context["slips"]]
    assert slips == [f"/documents/my/{d.pk}/01.pdf"]
    assert client.get(f"/dossiers/{d.pk}/").context["rating_form"] is None


def test_citizen_asks_to_withdraw(client, desk):
    d = _submitted(desk)
    client.force_login(desk.citizen)
    response = client.post(f"/dossiers/{d.pk}/withdraw/", {"version": d.version, "reason": "Nhầm"})
    assert response.status_code == 302
    assert Dossier.objects.get().state == DossierState.WITHDRAWAL_REQUESTED


def test_public_lookup_page(client, desk):
    d = _submitted(desk)
    page = client.get("/lookup/", {"code": d.code})
    assert page.status_code == 200 and page.context["form"].initial["code"] == d.code
    found = client.post("/lookup/", {"code": d.code.lower(), "secret": d.lookup_secret})
    assert found.status_code == 200 and found.context["dossier"].code == d.code
    html = found.content.decode()
    assert d.procedure.name in html and d.receiving_agency.name in html
    assert "Nguyễn Văn An" not in html  # no personal data on the public page
    by_phone = client.post("/lookup/", {"code": d.code, "secret": "0912 345 678"})
    assert by_phone.context["dossier"].code == d.code
    wrong = client.post("/lookup/", {"code": d.code, "secret": "ZZZZZZ"})
    assert wrong.status_code == 404 and "dossier" not in wrong.context
    assert wrong.context["form"].non_field_errors()
    for _ in range(10):
        client.post("/lookup/", {"code": d.code, "secret": "ZZZZZZ"})
    throttled = client.post("/lookup/", {"code": d.code, "secret": d.lookup_secret})
    assert throttled.status_code == 429 and "dossier" not in throttled.context


# --- Officers --------------------------------------------------------------------------------


def test_inbox_lists_the_agencys_open_dossiers_with_filters(client, desk):
    fresh = _submitted(desk)
    handed = _in_progress(desk)
    client.force_login(desk.desk)
    page = client.get("/staff/dossiers/").content.decode()
    assert fresh.code in page and handed.code in page
    only_new = client.get("/staff/dossiers/", {"state": "submitted"}).content.decode()
    assert fresh.code in only_new and handed.code not in only_new
    partial = client.get("/staff/dossiers/", {"q": fresh.code}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert fresh.code in partial.content.decode() and handed.code not in partial.content.decode()
    bad = client.get("/staff/dossiers/", {"due": "tomorrow"})
    assert bad.status_code == 200 and bad.context["page"] is None
    client.force_login(desk.outsider)
    assert fresh.code not in client.get("/staff/dossiers/").content.decode()


def test_officer_receives_hands_over_and_completes_on_the_dossier_page(client, desk):
    d = _submitted(desk)
    client.force_login(desk.desk)
    page = client.get(f"/staff/dossiers/{d.pk}/")
    names = [a["name"] for a in page.context["actions"]]
    assert names[:3] == ["receive", "request_completion", "refuse"]
    refused = client.post(f"/staff/dossiers/{d.pk}/actions/refuse/", {"version": d.version})
    assert refused.status_code == 400 and refused.context["failed"] == "refuse"
    assert Dossier.objects.get().state == DossierState.SUBMITTED
    ok = client.post(f"/staff/dossiers/{d.pk}/actions/receive/", {"version": d.version})
    assert ok.status_code == 302
    d.refresh_from_db()
    assert d.state == DossierState.RECEIVED and d.appointment_at is not None
    # The same page sent twice: the second answers with a conflict and changes nothing.
    again = client.post(f"/staff/dossiers/{d.pk}/actions/receive/", {"version": d.version - 1})
    assert again.status_code == 302
    assert Dossier.objects.get().version == d.version
    handed = client.post(
        f"/staff/dossiers/{d.pk}/actions/hand_over/",
        {"version": d.version, "to_agency": desk.department.pk, "comment": "Chuyển Sở"},
    )
    assert handed.status_code == 302
    d.refresh_from_db()
    assert d.current_agency == desk.department and d.step_index == 1
    client.force_login(desk.leader)
    done = client.post(
        f"/staff/dossiers/{d.pk}/actions/complete/",
        {"version": d.version, "file_1": SimpleUploadedFile("gp.pdf", PDF, "application/pdf")},
    )
    assert done.status_code == 302
    d.refresh_from_db()
    assert d.state == DossierState.PROCESSED
    assert d.files.filter(kind=DossierFile.Kind.RESULT).count() == 1
    page = client.get(f"/staff/dossiers/{d.pk}/")
    timeline = page.content.decode()
    assert "Chuyển Sở" in timeline and desk.department.name in timeline
    # The slips the dossier has grounds for: the receipt and the control slip, not a refusal.
    slips = [slip["url"] for slip in page.context["slips"]]
    assert slips == [
        f"/documents/dossiers/{d.pk}/01.pdf",
        f"/documents/dossiers/{d.pk}/06.pdf",
        f"/documents/dossiers/{d.pk}/06.xlsx",
    ]
    receipt = client.get(slips[0])
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"


def test_other_agencies_cannot_see_or_act(client, desk):
    d = _submitted(desk)
    client.force_login(desk.outsider)
    assert client.get(f"/staff/dossiers/{d.pk}/").status_code == 404
    response = client.post(f"/staff/dossiers/{d.pk}/actions/receive/", {"version": d.version})
    assert response.status_code == 404 and Dossier.objects.get().state == DossierState.SUBMITTED
    client.force_login(desk.citizen)
    assert client.get(f"/staff/dossiers/{d.pk}/").status_code == 403


def test_desk_submission(client, desk, plan):
    client.force_login(desk.desk)
    listing = client.get("/staff/dossiers/new/").content.decode()
    assert f"/staff/dossiers/new/{desk.permit.code}/" in listing
    url = f"/staff/dossiers/new/{desk.permit.code}/"
    key = _form(client, url).initial["idempotency_key"]
    drawing, _ = plan
    response = client.post(
        url,
        {"idempotency_key": key, "applicant_name": "Trần Thị Bình",
         f"component_{drawing.pk}": SimpleUploadedFile("scan.pdf", PDF, "application/pdf")},
    )  # fmt: skip
    d = Dossier.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/staff/dossiers/{d.pk}/"
    assert d.channel == "counter" and d.applicant is None and d.submitted_by == desk.desk
    client.force_login(desk.specialist)  # not a desk officer
    assert client.get(url).status_code == 404


def test_assign_form_lists_who_may_be_assigned_and_myself_only_for_them(client, desk):
    """A desk officer of the handling agency may assign, but may not be assigned: the form
    offers specialists and leaders, and asks for a choice instead of "myself"."""
    d = services.dossier_receive(actor=desk.desk, dossier_id=_submitted(desk).pk, version=1)
    client.force_login(desk.desk)
    page = client.get(f"/staff/dossiers/{d.pk}/")
    forms = {a["name"]: a["form"] for a in page.context["actions"]}
    assert "assign" in forms
    field = forms["assign"].fields["assignee"]
    assert desk.desk not in field.queryset and field.required
    empty = client.post(f"/staff/dossiers/{d.pk}/actions/assign/", {"version": d.version})
    assert empty.status_code == 400
    assert Dossier.objects.get(pk=d.pk).assignee_id is None
    d = _in_progress(desk)
    client.force_login(desk.specialist)
    page = client.get(f"/staff/dossiers/{d.pk}/")
    field = {a["name"]: a["form"] for a in page.context["actions"]}["assign"].fields["assignee"]
    assert desk.specialist in field.queryset and not field.required  # empty: "myself"
    taken = client.post(f"/staff/dossiers/{d.pk}/actions/assign/", {"version": d.version})
    assert taken.status_code == 302
    assert Dossier.objects.get(pk=d.pk).assignee_id == desk.specialist.pk
