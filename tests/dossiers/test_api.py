"""The lifecycle over HTTP: a citizen submits, the desk receives, the department processes."""

from __future__ import annotations

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
