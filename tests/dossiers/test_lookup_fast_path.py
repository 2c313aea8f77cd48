"""GET /api/v1/lookup is answered before Ninja's URL map (dossiers.api.lookup_fast_path): its
answers must be exactly those of Ninja's own route for the same view."""

from __future__ import annotations

import json

import pytest
from django.test import RequestFactory
from django.urls import resolve, reverse

from egov.dossiers.models import LookupThrottle
from egov.dossiers.selectors import LOOKUP_FAILURES_PER_CODE
from tests.dossiers.test_api import act, submit

pytestmark = pytest.mark.django_db


def ninja_view():
    from egov.urls import api_urls

    return next(p.callback for p in api_urls[0] if getattr(p, "name", None) == "lookup")


def both(method: str, query: dict[str, str], **headers: str):
    """The fast path's answer and Ninja's, to the same request (built twice)."""
    fast = resolve("/api/v1/lookup").func
    assert fast is not ninja_view()
    answers = []
    for view in (fast, ninja_view()):
        request = getattr(RequestFactory(), method)("/api/v1/lookup", query, **headers)
        request.META["REMOTE_ADDR"] = "10.9.9.9"
        answers.append(view(request))
    return answers


def same(a, b) -> None:
    assert a.status_code == b.status_code
    assert a.content == b.content
    assert dict(a.headers) == dict(b.headers)


def test_the_fast_path_answers_as_ninja_does(client, desk):
    dossier = submit(client, desk).json()
    dossier = act(client, desk.desk, dossier, "receive").json()
    query = {"code": dossier["code"].lower(), "secret": dossier["lookup_secret"]}
    fast, ninja = both("get", query)
    assert fast.status_code == 200 and json.loads(fast.content)["code"] == dossier["code"]
    same(fast, ninja)
    # Wrong answers: 404 in the error format, counted by both.
    fast, ninja = both("get", {**query, "secret": "WRONG1"})
    assert fast.status_code == 404 and json.loads(fast.content)["error"]["code"] == "not_found"
    same(fast, ninja)
    assert LookupThrottle.objects.get(key=f"code:{dossier['code']}").failures == 2
    # Handed to Ninja: a missing or too long parameter (422), another method (405).
    for method, params in (
        ("get", {"code": dossier["code"]}),
        ("get", {**query, "secret": "9" * 21}),
        ("get", {**query, "code": "C" * 41}),
        ("post", query),
        ("head", query),
    ):
        fast, ninja = both(method, params)
        assert fast.status_code in (405, 422), (method, params, fast.status_code)
        same(fast, ninja)
    # Throttled: 429 from both.
    LookupThrottle.objects.filter(key=f"code:{dossier['code']}").update(
        failures=LOOKUP_FAILURES_PER_CODE
    )
    fast, ninja = both("get", query)
    assert fast.status_code == 429
    same(fast, ninja)


def test_the_lookup_answer_is_the_schemas_rendering(client, desk):
    """The view renders its answer itself, without Ninja's validation: the bytes are those
    PublicDossierOut gives."""
    from egov.api import api
    from egov.dossiers.api import PublicDossierOut

    dossier = submit(client, desk).json()
    dossier = act(client, desk.desk, dossier, "receive").json()
    dossier = act(client, desk.desk, dossier, "hand_over", to_agency=desk.department.code).json()
    dossier = act(client, desk.specialist, dossier, "request_supplement", missing="Thiếu CCCD")
    dossier = dossier.json()
    answer = client.get(
        "/api/v1/lookup", {"code": dossier["code"], "secret": dossier["lookup_secret"]}
    )
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    validated = PublicDossierOut.model_validate(json.loads(answer.content)).model_dump()
    assert answer.content.decode() == api.renderer.render(None, validated, response_status=200)
    assert [e["comment"] for e in json.loads(answer.content)["events"]][-1] == "Thiếu CCCD"


def test_the_fast_path_follows_the_request_language(client, desk):
    dossier = submit(client, desk).json()
    query = {"code": dossier["code"], "secret": dossier["lookup_secret"]}
    vi = client.get("/api/v1/lookup", query).json()
    en = client.get("/api/v1/lookup", query, HTTP_ACCEPT_LANGUAGE="en").json()
    assert (vi["state_label"], en["state_label"]) == ("Mới đăng ký", "Submitted")
    wrong = client.get("/api/v1/lookup", {**query, "secret": "X"}, HTTP_ACCEPT_LANGUAGE="en")
    assert wrong.json()["error"]["message"] == "No dossier matches this code and lookup code."


def test_ninjas_route_and_document_stay():
    assert reverse("api-v1:lookup") == "/api/v1/lookup"
    from egov.api import api

    operation = api.get_openapi_schema(path_prefix="/api/v1/")["paths"]["/api/v1/lookup"]["get"]
    assert [p["name"] for p in operation["parameters"]] == ["code", "secret"]
