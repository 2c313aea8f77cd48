"""The bench's baseline views (bench/baseline_urls.py) read and write what egov's lookup and
transitions read and write: a baseline that read less would flatter nothing, one that read
something else would compare nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from egov.dossiers.models import Dossier, DossierEvent
from tests.dossiers.test_api import act, submit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

pytestmark = [pytest.mark.django_db, pytest.mark.urls("baseline_urls")]


def test_lookup_baseline_answers_what_the_lookup_answers(client, desk):
    dossier = submit(client, desk).json()
    dossier = act(client, desk.desk, dossier, "receive").json()
    dossier = act(
        client, desk.desk, dossier, "hand_over", to_agency=desk.department.code, comment="Nội bộ"
    ).json()
    dossier = act(client, desk.specialist, dossier, "request_supplement", missing="Bản sao CCCD")
    dossier = dossier.json()
    query = {"code": dossier["code"].lower(), "secret": dossier["lookup_secret"].lower()}
    egov = client.get("/api/v1/lookup", query)
    baseline = client.get("/bench/lookup-baseline", query)
    assert egov.status_code == baseline.status_code == 200
    egov, baseline = egov.json(), baseline.json()
    assert set(baseline) == set(egov) - {"state_label"} | {"state"}
    assert baseline["state"] == "supplement_requested"
    for key in set(egov) - {"state_label", "events"}:
        assert baseline[key] == egov[key], key
    # The same events, in the same order, with the same public comments (as text: the
    # baseline does not parse the timestamps).
    assert [{**e, "at": None} for e in baseline["events"]] == [
        {**e, "at": None} for e in egov["events"]
    ]
    assert [e["comment"] for e in baseline["events"]] == ["", "", "", "Bản sao CCCD"]
    wrong = client.get("/bench/lookup-baseline", {**query, "secret": "NOPE99"})
    assert wrong.status_code == 404


def test_transition_baseline_bumps_the_version_and_adds_one_event(client, desk):
    dossier = submit(client, desk).json()
    before = DossierEvent.objects.filter(dossier_id=dossier["id"]).count()
    for expected in (2, 3):
        answer = client.post(f"/bench/transition-baseline?id={dossier['id']}")
        assert answer.status_code == 200 and answer.json() == {"version": expected}
    assert Dossier.objects.get(pk=dossier["id"]).version == 3
    events = DossierEvent.objects.filter(dossier_id=dossier["id"]).order_by("pk")
    assert events.count() == before + 2
    assert [(e.action, e.from_state, e.to_state) for e in events[before:]] == [
        ("bench", "submitted", "submitted")
    ] * 2
    assert client.post("/bench/transition-baseline?id=0").status_code == 404
