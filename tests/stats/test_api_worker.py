from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from egov.stats.models import DossierFact, StatsQueue
from egov.stats.services import queue_drain
from tests.stats.test_decision_766 import at, complete, received

PERIOD = {"start": "2026-03", "end": "2026-03"}


def test_the_worker_sweep_folds_queued_changes(desk, transactional_db):
    d = received(desk)
    with at(10):
        complete(desk, d)
    assert StatsQueue.objects.count() == 4 and not DossierFact.objects.exists()
    call_command("worker", "--batch", stdout=StringIO(), stderr=StringIO())
    assert not StatsQueue.objects.exists()
    assert DossierFact.objects.get(dossier_id=d.pk).outcome == "before"


def test_api_indicators_for_staff_and_public(client, desk, world):
    d = received(desk)
    with at(10):
        complete(desk, d)
    queue_drain()
    client.force_login(world.admin)
    with at(25):
        body = client.get("/api/v1/stats/indicators", PERIOD).json()
    assert body["counts"]["received"] == 1 and body["counts"]["before"] == 1
    assert body["on_time_rate"] == "100.00" or float(body["on_time_rate"]) == 100
    client.force_login(world.leader_b)
    assert client.get("/api/v1/stats/indicators", PERIOD).json()["counts"]["received"] == 0
    response = client.get("/api/v1/stats/indicators", {**PERIOD, "agency": desk.department.pk})
    assert response.status_code == 404
    client.force_login(world.citizen)
    assert client.get("/api/v1/stats/indicators", PERIOD).status_code == 403
    client.logout()
    assert client.get("/api/v1/stats/public", PERIOD).json()["resolved"] == 1
    bad = client.get("/api/v1/stats/public", {"start": "2026-04", "end": "2026-01"})
    assert bad.status_code == 400 and "end" in bad.json()["error"]["fields"]
