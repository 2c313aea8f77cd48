"""Staff edit the catalog on a page, with the same rules as import and the API."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from egov.core.models import AuditRecord
from egov.procedures.models import Procedure


def management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def edit_post(client, code, **changes):
    """What the browser sends back for the edit page of ``code``, unchanged but for ``changes``."""
    page = client.get(reverse("procedures_staff:edit", args=[code]))
    assert page.status_code == 200
    data = {}
    form = page.context["form"]
    for name in form.fields:
        value = form[name].value()  # what the page renders in the input
        data[name] = "" if value is None else value
    for prefix in ("fees", "components", "steps"):
        formset = page.context[prefix]
        data.update(management(prefix, formset.total_form_count(), formset.initial_form_count()))
        for i, row in enumerate(formset.forms):
            for name in row.fields:
                if name in ("DELETE", "upload"):
                    continue
                value = row[name].value()
                value = "" if value is None else value
                if name == "mandatory":
                    if value:
                        data[f"{prefix}-{i}-{name}"] = "on"
                    continue
                data[f"{prefix}-{i}-{name}"] = value
    data.update(changes)
    return data


def test_leader_edits_own_agency_procedure(client, catalog, world):
    client.force_login(world.leader_a)
    listing = client.get(reverse("procedures_staff:list"))
    assert [p.code for p in listing.context["procedures"]] == ["1.009994"]
    data = edit_post(
        client,
        "1.009994",
        name="Cấp giấy phép xây dựng (mới)",
        **{
            "steps-0-duration": "10",
            "steps-1-name": "Ký duyệt",
            "steps-1-duration": "5",
            "steps-1-role": "leader",
        },
    )
    response = client.post(reverse("procedures_staff:edit", args=["1.009994"]), data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    permit = Procedure.objects.get(code="1.009994")
    assert permit.name == "Cấp giấy phép xây dựng (mới)" and permit.version == 2
    assert [(s.name, s.duration) for s in permit.steps.all()] == [
        ("Thẩm định hồ sơ đăng ký", 10),
        ("Ký duyệt", 5),
    ]
    assert permit.components.get(order=0).form_name == "to-khai.docx"  # kept without re-upload
    assert AuditRecord.objects.filter(
        action="procedures.procedure.update", actor=world.leader_a
    ).exists()


def test_steps_that_do_not_add_up_are_shown_and_nothing_saved(client, catalog, world):
    client.force_login(world.admin)
    data = edit_post(client, "1.001193", processing_time="4")
    response = client.post(reverse("procedures_staff:edit", args=["1.001193"]), data)
    assert response.status_code == 400
    assert "3 ngày làm việc" in " ".join(response.context["form"].errors["processing_time"])
    assert "Chưa có thông tin nào được lưu" in response.content.decode()
    assert Procedure.objects.get(code="1.001193").version == 1


def test_bad_row_error_is_on_the_row(client, catalog, world):
    client.force_login(world.admin)
    data = edit_post(client, "1.001193", **{"steps-0-role": "emperor"})
    response = client.post(reverse("procedures_staff:edit", args=["1.001193"]), data)
    assert response.status_code == 400
    assert response.context["steps"].forms[0].errors


def test_upload_a_new_form_checked_by_content(client, catalog, world):
    client.force_login(world.admin)
    fake = SimpleUploadedFile("mau moi.docx", b"MZ not a document")
    data = edit_post(client, "1.001193", **{"components-1-upload": fake})
    response = client.post(reverse("procedures_staff:edit", args=["1.001193"]), data)
    assert response.status_code == 400 and response.context["components"].forms[1].errors
    real = SimpleUploadedFile("mau moi.docx", b"PK\x03\x04real")
    data = edit_post(client, "1.001193", **{"components-1-upload": real})
    assert client.post(reverse("procedures_staff:edit", args=["1.001193"]), data).status_code == 302
    component = Procedure.objects.get(code="1.001193").components.get(order=1)
    assert component.form_name == "mau-moi.docx" and component.form.read() == b"PK\x03\x04real"


def test_remove_a_row(client, catalog, world):
    client.force_login(world.admin)
    data = edit_post(client, "1.001193", **{"fees-0-DELETE": "on"})
    assert client.post(reverse("procedures_staff:edit", args=["1.001193"]), data).status_code == 302
    assert not Procedure.objects.get(code="1.001193").fees.exists()


def test_permissions(client, catalog, world):
    client.force_login(world.leader_b)
    assert client.get(reverse("procedures_staff:edit", args=["1.009994"])).status_code == 404
    assert client.get(reverse("procedures_staff:new")).status_code == 403
    client.force_login(world.specialist_a)
    assert list(client.get(reverse("procedures_staff:list")).context["procedures"]) == []
    client.force_login(world.citizen)
    assert client.get(reverse("procedures_staff:list")).status_code == 403


def test_admin_adds_a_procedure(client, catalog, world):
    client.force_login(world.admin)
    data = {
        "code": "2.000001", "name": "Thủ tục mới", "name_en": "", "sector": "HT", "level": "commune",
        "implementing_agency_type": "commune_pc", "implementing_agency": "", "receiving_agency": "",
        "targets": ["citizen"], "processing_time": "2", "time_unit": "working_days", "online_type": "info",
        "channels": ["counter"], "conditions": "", "legal_basis": "", "result": "", "description": "",
        **management("fees", 1, 0), **management("components", 1, 0), **management("steps", 1, 0),
        "steps-0-name": "Giải quyết", "steps-0-duration": "2",
        # the blank document row as a browser sends it: its rendered defaults
        "components-0-mandatory": "on", "components-0-originals": "1", "components-0-copies": "0",
    }  # fmt: skip
    response = client.post(reverse("procedures_staff:new"), data)
    assert response.status_code == 302, response.context["form"].errors
    assert Procedure.objects.get(code="2.000001").steps.count() == 1
    again = client.post(reverse("procedures_staff:new"), data)
    assert again.status_code == 400 and "code" in again.context["form"].errors
