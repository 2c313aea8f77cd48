"""The lifecycle over HTTP: a citizen submits, the desk receives, the department processes."""

from __future__ import annotations

import pytest

from egov.dossiers.models import Dossier


def auth(user):
    from egov.accounts.services import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='t')[1]}"}


def submit(client, desk, **extra):
    data = {
        "procedure": desk.permit.code,
        "channel": "online",
        "applicant_name": "Nguyễn Văn An",
        "applicant_phone": "0912345678",
    }
    return client.post("/api/v1/dossiers", data, **auth(desk.citizen), **extra)


def act(client, user, dossier, action, **payload):
    body = {"version": dossier["version"], **payload}
    return client.post(
        f"/api/v1/dossiers/{dossier['id']}/actions/{action}",
        body,
        content_type="application/json",
        **auth(user),
    )


def test_lifecycle_over_http(client, desk):
    response = submit(client, desk, HTTP_IDEMPOTENCY_KEY="abc")
    assert response.status_code == 201, response.content
    dossier = response.json()
    assert submit(client, desk, HTTP_IDEMPOTENCY_KEY="abc").json()["id"] == dossier["id"]  # a retry
    inbox = client.get("/api/v1/staff/dossiers", **auth(desk.desk)).json()
    assert [d["code"] for d in inbox] == [dossier["code"]]
    dossier = act(client, desk.desk, dossier, "receive").json()
    assert dossier["national_status"] == 2 and dossier["appointment_at"]
    assert dossier["state_label"] == "Đã tiếp nhận"  # Vietnamese first
    english = client.get(
        f"/api/v1/staff/dossiers/{dossier['id']}", HTTP_ACCEPT_LANGUAGE="en", **auth(desk.desk)
    ).json()
    assert english["state_label"] == "Received"
    dossier = act(client, desk.desk, dossier, "hand_over", to_agency=desk.department.code).json()
    assert dossier["current_agency"] == desk.department.name
    dossier = act(
        client, desk.specialist, dossier, "hand_over", to_agency=desk.department.code
    ).json()
    dossier = act(client, desk.leader, dossier, "complete").json()
    dossier = act(client, desk.desk, dossier, "return_result").json()
    assert dossier["national_status"] == 10
    mine = client.get(f"/api/v1/me/dossiers/{dossier['id']}", **auth(desk.citizen)).json()
    assert [e["action"] for e in mine["events"]] == [
        "submit",
        "receive",
        "hand_over",
        "hand_over",
        "complete",
        "return_result",
    ]
    rated = client.post(
        f"/api/v1/me/dossiers/{dossier['id']}/rating",
        {"value": "satisfied"},
        content_type="application/json",
        **auth(desk.citizen),
    )
    assert rated.status_code == 201


def test_stale_version_409_and_wrong_state_409(client, desk):
    dossier = submit(client, desk).json()
    assert act(client, desk.desk, dossier, "receive").status_code == 200
    stale = act(client, desk.desk, dossier, "refuse", reason="x")
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    fresh = client.get(f"/api/v1/staff/dossiers/{dossier['id']}", **auth(desk.desk)).json()
    wrong = act(client, desk.desk, fresh, "return_result")
    assert wrong.status_code == 409 and wrong.json()["error"]["code"] == "invalid_transition"


def test_other_agencies_cannot_read_or_act(client, desk):
    dossier = submit(client, desk).json()
    assert (
        client.get(f"/api/v1/staff/dossiers/{dossier['id']}", **auth(desk.outsider)).status_code
        == 404
    )
    assert client.get("/api/v1/staff/dossiers", **auth(desk.outsider)).json() == []
    assert act(client, desk.outsider, dossier, "receive").status_code == 403
    other_citizen_view = client.get(f"/api/v1/me/dossiers/{dossier['id']}", **auth(desk.outsider))
    assert other_citizen_view.status_code == 404
    assert Dossier.objects.get(pk=dossier["id"]).version == 1


def test_public_lookup(client, desk):
    dossier = submit(client, desk).json()
    ok = client.get("/api/v1/lookup", {"code": dossier["code"], "secret": dossier["lookup_secret"]})
    assert ok.status_code == 200 and ok.json()["national_status"] == 1
    assert "lookup_secret" not in ok.json() and all(e["actor"] == "" for e in ok.json()["events"])
    wrong = client.get("/api/v1/lookup", {"code": dossier["code"], "secret": "NOPE99"})
    assert wrong.status_code == 404


def test_public_lookup_answer_in_full(client, desk):
    """Every field of the public answer, its formats, and what it keeps out."""
    dossier = submit(client, desk).json()
    dossier = act(client, desk.desk, dossier, "receive").json()
    dossier = act(
        client, desk.desk, dossier, "hand_over", to_agency=desk.department.code, comment="Nội bộ"
    ).json()
    dossier = act(client, desk.specialist, dossier, "request_supplement", missing="Bản sao CCCD")
    dossier = dossier.json()
    answer = client.get(
        "/api/v1/lookup", {"code": dossier["code"].lower(), "secret": dossier["lookup_secret"]}
    )
    assert answer.status_code == 200, answer.content
    body = answer.json()
    stored = Dossier.objects.select_related("procedure").get(pk=dossier["id"])
    assert set(body) == {
        "code", "procedure_name", "state_label", "national_status", "submitted_at",
        "received_at", "appointment_at", "processed_at", "events",
    }  # fmt: skip
    assert body["code"] == stored.code
    assert body["procedure_name"] == stored.procedure.name
    assert body["national_status"] == stored.national_status
    assert body["submitted_at"] == stored.submitted_at.isoformat()[:23] + "Z"
    assert body["processed_at"] is None
    events = body["events"]
    assert [e["action"] for e in events] == [
        "submit", "receive", "hand_over", "request_supplement",
    ]  # fmt: skip
    assert [e["to_state"] for e in events] == [
        "submitted", "received", "in_progress", "supplement_requested",
    ]  # fmt: skip
    assert events[0]["from_state"] == "" and events[1]["from_state"] == "submitted"
    assert events[2]["comment"] == ""  # an internal note stays internal
    assert "Bản sao CCCD" in events[3]["comment"]  # addressed to the citizen
    assert all(e["actor"] == "" and e["data"] == {} for e in events)
    stored_events = list(stored.events.order_by("at", "pk"))
    assert [e["at"] for e in events] == [e.at.isoformat()[:23] + "Z" for e in stored_events]


def test_submission_errors(client, desk):
    response = client.post("/api/v1/dossiers", {"procedure": "9.999999"}, **auth(desk.citizen))
    assert response.status_code == 400 and "procedure" in response.json()["error"]["fields"]
    response = client.post(
        "/api/v1/dossiers",
        {"procedure": desk.permit.code, "channel": "online"},
        **auth(desk.citizen),
    )
    assert response.status_code == 400 and "applicant_name" in response.json()["error"]["fields"]
    assert Dossier.objects.count() == 0


# --- The actions added with the dispatcher --------------------------------------------------


def act_files(client, user, dossier, action, files, **fields):
    return client.post(
        f"/api/v1/dossiers/{dossier['id']}/actions/{action}/files",
        {"version": dossier["version"], **fields, "files": files},
        **auth(user),
    )


def staff_view(client, user, dossier):
    return client.get(f"/api/v1/staff/dossiers/{dossier['id']}", **auth(user)).json()


def test_whole_lifecycle_over_http_with_every_processing_action(client, desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.dossiers.models import DossierFile
    from egov.organizations.models import StaffRole
    from tests import factories

    center_specialist = factories.staff(desk.center, StaffRole.SPECIALIST)
    dossier = submit(client, desk).json()
    assert dossier["national_status"] == 1

    def step(user, action, status, **payload):
        nonlocal dossier
        response = act(client, user, dossier, action, **payload)
        assert response.status_code == 200, (action, response.content)
        dossier = response.json()
        assert dossier["national_status"] == status, action
        return dossier

    step(desk.desk, "receive", 2)
    assert "assign" in dossier["actions"] and "receive" not in dossier["actions"]
    step(desk.desk, "assign", 4, assignee=center_specialist.pk)
    assert dossier["assignee_id"] == center_specialist.pk and dossier["assignee_name"]
    step(center_specialist, "hand_over", 4, to_agency=desk.department.code)
    assert dossier["step_index"] == 1 and dossier["current_agency"] == desk.department.name
    step(desk.specialist, "return_step", 4, to_step=0, reason="Thiếu chữ ký")
    assert dossier["step_index"] == 0 and dossier["current_agency"] == desk.center.name
    step(desk.desk, "request_supplement", 5, missing="Bản vẽ có chữ ký")
    step(desk.citizen, "supplement", 4, comment="Đã bổ sung")
    step(desk.desk, "hand_over", 4, to_agency=desk.department.code)
    step(desk.specialist, "request_payment", 6, amount=500_000, comment="Lệ phí")
    assert dossier["events"][-1]["data"] == {"amount": 500_000}
    step(desk.specialist, "confirm_payment", 4)
    step(desk.specialist, "hand_over", 4, to_agency=desk.department.code)
    assert "hand_over" not in staff_view(client, desk.leader, dossier)["actions"]  # last step
    pdf = SimpleUploadedFile("giay-phep.pdf", b"%PDF-1.7 permit", "application/pdf")
    response = act_files(client, desk.leader, dossier, "complete", [pdf], comment="Đồng ý")
    assert response.status_code == 200, response.content
    dossier = response.json()
    assert dossier["national_status"] == 9
    result = DossierFile.objects.get(dossier_id=dossier["id"], kind=DossierFile.Kind.RESULT)
    assert result.name == "giay-phep.pdf" and result.file.read() == b"%PDF-1.7 permit"
    step(desk.desk, "return_result", 10)
    mine = client.get(f"/api/v1/me/dossiers/{dossier['id']}", **auth(desk.citizen)).json()
    assert [e["action"] for e in mine["events"]] == [
        "submit", "receive", "assign", "hand_over", "return_step", "request_supplement",
        "supplement", "hand_over", "request_payment", "confirm_payment", "hand_over", "complete",
        "return_result",
    ]  # fmt: skip
    assert mine["actions"] == []
    rated = client.post(
        f"/api/v1/me/dossiers/{dossier['id']}/rating",
        {"value": "very_satisfied"},
        content_type="application/json",
        **auth(desk.citizen),
    )
    assert rated.status_code == 201


def _prepare(client, desk, state):
    """A dossier over HTTP in ``state``: "submitted", "department" (step 1, in progress) or
    "payment" (payment requested in the department)."""
    dossier = submit(client, desk).json()
    if state == "submitted":
        return dossier
    dossier = act(client, desk.desk, dossier, "receive").json()
    dossier = act(
        client, desk.desk, dossier, "hand_over", to_agency=desk.department.code, comment="Nội bộ"
    ).json()
    if state == "department":
        return dossier
    return act(client, desk.specialist, dossier, "request_payment", amount=10, comment="x").json()


# action, payload that works, the state it works from, a state it does not work from,
# a payload with bad input and the fields it names.
NEW_ACTIONS = [
    ("assign", {}, "department", "submitted", {"assignee": "outsider"}, ["assignee"]),
    ("return_step", {"to_step": 0, "reason": "Sai"}, "department", "submitted",
     {"to_step": 3, "reason": ""}, ["reason", "to_step"]),
    ("request_payment", {"amount": 100_000, "comment": "Lệ phí"}, "department", "submitted",
     {"amount": 0, "comment": ""}, ["amount", "comment"]),
    ("confirm_payment", {}, "payment", "department", None, None),
]  # fmt: skip


def _payload(desk, payload):
    return {k: (desk.outsider.pk if v == "outsider" else v) for k, v in payload.items()}


def _state_of(dossier_id):
    from egov.core.models import AuditRecord

    d = Dossier.objects.get(pk=dossier_id)
    audits = AuditRecord.objects.filter(object_id=str(d.pk)).count()
    return (d.state, d.version, d.step_index, d.current_agency_id, d.events.count(), audits)


@pytest.mark.parametrize(
    ("action", "ok", "from_state", "wrong_state", "bad", "fields"), NEW_ACTIONS
)
def test_new_actions_over_http(client, desk, action, ok, from_state, wrong_state, bad, fields):
    # Wrong state: 409 invalid_transition, nothing written.
    dossier = _prepare(client, desk, wrong_state)
    before = _state_of(dossier["id"])
    actor = desk.specialist if wrong_state == "department" else desk.desk
    response = act(client, actor, dossier, action, **_payload(desk, ok))
    assert response.status_code == 409, response.content
    assert response.json()["error"]["code"] == "invalid_transition"
    assert _state_of(dossier["id"]) == before

    dossier = _prepare(client, desk, from_state)
    before = _state_of(dossier["id"])
    # Another department's leader: 403; a stale version: 409 conflict; bad input: 400.
    assert act(client, desk.outsider, dossier, action, **_payload(desk, ok)).status_code == 403
    stale = act(client, desk.specialist, {**dossier, "version": 1}, action, **_payload(desk, ok))
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "conflict"
    if bad is not None:
        response = act(client, desk.specialist, dossier, action, **_payload(desk, bad))
        assert response.status_code == 400, response.content
        assert sorted(response.json()["error"]["fields"]) == fields
    assert _state_of(dossier["id"]) == before
    # The right actor, the right version and input: done.
    response = act(client, desk.specialist, dossier, action, **_payload(desk, ok))
    assert response.status_code == 200, response.content
    assert response.json()["version"] == dossier["version"] + 1
    assert response.json()["events"][-1]["action"] == action


def test_action_input_errors_over_http(client, desk):
    dossier = _prepare(client, desk, "department")
    before = _state_of(dossier["id"])
    unknown = act(client, desk.specialist, dossier, "explode")
    assert unknown.status_code == 404
    response = act(client, desk.specialist, dossier, "assign", assignee=987654)
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["assignee"]
    response = act(client, desk.specialist, dossier, "request_payment", amount="a lot")
    assert response.status_code == 422 and "amount" in response.json()["error"]["fields"]
    response = act(client, desk.specialist, dossier, "return_step", reason="x")
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["to_step"]
    response = act(client, desk.specialist, dossier, "hand_over")
    assert response.status_code == 400 and "to_agency" in response.json()["error"]["fields"]
    response = act(client, desk.specialist, dossier, "hand_over", to_agency="999.99.99.H99")
    assert response.status_code == 400 and "to_agency" in response.json()["error"]["fields"]
    # Numbers past the database's integers are unknown, like any other (not a server error).
    response = act(client, desk.specialist, dossier, "assign", assignee=10**19)
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["assignee"]
    huge = act(client, desk.specialist, {**dossier, "id": 10**19}, "assign")
    assert huge.status_code in (404, 422), huge.content
    assert _state_of(dossier["id"]) == before


def test_result_files_over_http_all_or_nothing(client, desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.dossiers.models import DossierFile

    dossier = _prepare(client, desk, "department")
    dossier = act(
        client, desk.specialist, dossier, "hand_over", to_agency=desk.department.code
    ).json()
    before = _state_of(dossier["id"])
    files = [
        SimpleUploadedFile("ok.pdf", b"%PDF-1.7"),
        SimpleUploadedFile("fake.pdf", b"MZ not a pdf"),
    ]
    response = act_files(client, desk.leader, dossier, "complete", files)
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["files[1]"]
    assert _state_of(dossier["id"]) == before and not DossierFile.objects.exists()
    response = act_files(client, desk.leader, {**dossier, "version": "x"}, "complete", [])
    assert response.status_code == 422 and "version" in response.json()["error"]["fields"]
    response = act_files(client, desk.specialist, dossier, "complete", [])
    assert response.status_code == 403
    assert _state_of(dossier["id"]) == before


# --- An empty supplementation changes nothing (issue 15) -----------------------------------


def _paused(client, desk):
    dossier = _prepare(client, desk, "department")
    return act(
        client, desk.specialist, dossier, "request_supplement", missing="Bản sao CCCD"
    ).json()


def _pause_state(dossier_id):
    from egov.core.models import AuditRecord
    from egov.dossiers.models import DossierFile, DossierPause
    from egov.notifications.models import OutboxMessage

    d = Dossier.objects.get(pk=dossier_id)
    return (
        d.state, d.version, d.paused_since, d.appointment_at, d.events.count(),
        AuditRecord.objects.filter(action__startswith="dossiers.").count(),
        OutboxMessage.objects.count(), DossierFile.objects.count(),
        DossierPause.objects.filter(dossier=d, ended_at__isnull=True).count(),
    )  # fmt: skip


def test_an_empty_supplement_is_refused_and_the_pause_goes_on(client, desk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    dossier = _paused(client, desk)
    before = _pause_state(dossier["id"])
    assert before[0] == "supplement_requested" and before[2] is not None and before[-1] == 1
    for response in [
        act(client, desk.citizen, dossier, "supplement"),
        act(client, desk.citizen, dossier, "supplement", comment="   \n "),
        act_files(client, desk.citizen, dossier, "supplement", []),
        act(client, desk.desk, dossier, "supplement"),  # the desk, for the citizen
    ]:
        assert response.status_code == 400, response.content
        error = response.json()["error"]
        assert error["code"] == "invalid" and list(error["fields"]) == ["files"]
        assert error["message"] == error["fields"]["files"][0]
        assert _pause_state(dossier["id"]) == before
    english = client.post(
        f"/api/v1/dossiers/{dossier['id']}/actions/supplement",
        {"version": dossier["version"]},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth(desk.citizen),
    ).json()["error"]["message"]
    assert english == "Attach the documents asked for, or write a message to the officer."
    assert error["message"] != english  # Vietnamese by default
    # A message alone, or a file alone, is a supplement.
    answered = act(client, desk.citizen, dossier, "supplement", comment="Đã nộp bản sao")
    assert answered.status_code == 200 and answered.json()["state"] == "in_progress"
    dossier = act(client, desk.specialist, answered.json(), "request_supplement", missing="Ảnh")
    pdf = SimpleUploadedFile("anh.pdf", b"%PDF-1.7")
    answered = act_files(client, desk.citizen, dossier.json(), "supplement", [pdf])
    assert answered.status_code == 200 and answered.json()["state"] == "in_progress"


# --- The dossier components, for the submission (issue 15) ---------------------------------


def test_procedure_components_list_what_the_submission_takes(client, desk, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from egov.procedures.exchange import procedure_document
    from egov.procedures.models import ProcedureComponent

    settings.EGOV_MAX_UPLOAD_MB = 7
    permit = desk.permit
    ProcedureComponent.objects.create(procedure=permit, order=1, name="Đơn đề nghị", copies=1)
    ProcedureComponent.objects.create(
        procedure=permit, order=2, name="Bản vẽ", mandatory=False, note="Bản chụp"
    )
    response = client.get(f"/api/v1/procedures/{permit.code}/components")  # no sign-in needed
    assert response.status_code == 200, response.content
    components = response.json()
    stored = list(permit.components.order_by("order"))
    assert [c["id"] for c in components] == [c.pk for c in stored]
    assert components[0] == {
        "id": stored[0].pk,
        "field": f"component_{stored[0].pk}",
        "name": "Đơn đề nghị",
        "mandatory": True,
        "originals": 1,
        "copies": 1,
        "note": "",
        "form_url": "",
        "accepted_types": [".doc", ".docx", ".jpeg", ".jpg", ".ods", ".odt", ".pdf", ".png",
                           ".xls", ".xlsx"],
        "max_size_bytes": 7 * 1024 * 1024,
    }  # fmt: skip
    assert components[1]["mandatory"] is False and components[1]["note"] == "Bản chụp"
    for types in (c["accepted_types"] for c in components):
        assert all(t.startswith(".") and t.count(".") == 1 and t == t.lower() for t in types)
    # The same ids in the procedure's detail, and they are what the submission takes.
    detail = client.get(f"/api/v1/procedures/{permit.code}").json()
    assert [c["id"] for c in detail["components"]] == [c.pk for c in stored]
    assert "id" not in procedure_document(permit)["components"][0]  # not in the exchange format
    missing = submit(client, desk)
    assert missing.status_code == 400
    assert list(missing.json()["error"]["fields"]) == [components[0]["field"]]
    file = SimpleUploadedFile("don.pdf", b"%PDF-1.7")
    ok = client.post(
        "/api/v1/dossiers",
        {"procedure": permit.code, "channel": "online", "applicant_name": "Nguyễn Văn An",
         "applicant_phone": "0912345678", components[0]["field"]: file},
        **auth(desk.citizen),
    )  # fmt: skip
    assert ok.status_code == 201, ok.content
    assert Dossier.objects.get().files.get().component_id == components[0]["id"]


def test_procedure_components_errors_and_schema(client, desk):
    response = client.get("/api/v1/procedures/9.999999/components", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json()["error"] == {
        "status": 404,
        "code": "not_found",
        "message": "There is no procedure with the code 9.999999.",
        "fields": {},
    }
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/procedures/{code}/components"]["get"]
    assert "200" in operation["responses"] and "404" in operation["responses"]
    item = schema["components"]["schemas"]["DossierComponentOut"]["properties"]
    assert "bytes" in item["max_size_bytes"]["description"]
    assert "one leading dot" in item["accepted_types"]["description"]
    submit_doc = schema["paths"]["/api/v1/dossiers"]["post"]["description"]
    assert "/api/v1/procedures/{code}/components" in submit_doc
    # the documented path answers (it was an HTML 404)
    assert client.get(f"/api/v1/procedures/{desk.permit.code}/components").status_code == 200
