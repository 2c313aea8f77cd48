"""Two officers acting on one dossier at once: exactly one succeeds (real threads, PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from egov.core.errors import Conflict
from egov.core.selectors import audit_chain_verify
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierEvent, DossierState
from egov.dossiers.services import Applicant

pytestmark = pytest.mark.django_db(transaction=True)


def race(actions):
    """Run each callable in its own thread, released together; returns results or errors."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(i, action):
        try:
            barrier.wait()
            outcomes[i] = action()
        except BaseException as exc:
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip(
            "real concurrent transactions need PostgreSQL (the SQLite test database is in memory)"
        )


def test_receive_and_refuse_at_once_exactly_one_wins(postgres, desk):
    d = services.dossier_submit(
        actor=desk.citizen,
        procedure=desk.permit,
        agency=None,
        channel="online",
        applicant=Applicant(name="A"),
    )
    second_desk = desk.desk  # the same desk role; two officers would behave the same
    outcomes = race([
        lambda: services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version),
        lambda: services.dossier_refuse(actor=second_desk, dossier_id=d.pk, version=d.version, reason="x"),
    ])  # fmt: skip
    wins = [o for o in outcomes if isinstance(o, Dossier)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(wins) == 1 and len(conflicts) == 1, outcomes
    stored = Dossier.objects.get(pk=d.pk)
    assert stored.version == d.version + 1 and stored.state == wins[0].state
    assert DossierEvent.objects.filter(dossier=stored).count() == 2  # submit + the winner


def test_many_officers_many_dossiers_no_lost_or_duplicated_transition(postgres, desk):
    dossiers = [
        services.dossier_submit(
            actor=desk.citizen,
            procedure=desk.permit,
            agency=None,
            channel="online",
            applicant=Applicant(name=f"A{i}"),
        )
        for i in range(8)
    ]
    # Four racers per dossier, all trying to receive it from the same version.
    actions = [
        (lambda d=d: services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version))
        for d in dossiers
        for _ in range(4)
    ]
    outcomes = race(actions)
    assert sum(isinstance(o, Dossier) for o in outcomes) == len(dossiers)
    assert all(isinstance(o, (Dossier, Conflict)) for o in outcomes), outcomes
    for d in dossiers:
        stored = Dossier.objects.get(pk=d.pk)
        assert stored.state == DossierState.RECEIVED and stored.version == 2
        assert DossierEvent.objects.filter(dossier=stored, action="receive").count() == 1
    assert audit_chain_verify().ok


def test_racing_a_hand_over_answers_conflict_never_not_found(postgres, desk):
    """A hand-over changes the dossier's agency; officers racing it must get a conflict, not
    "dossier not found" (PostgreSQL drops a locked row whose join key changed meanwhile)."""
    d = services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="A"),
    )  # fmt: skip
    d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
    actions = [
        lambda: services.dossier_hand_over(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
        )
        for _ in range(8)
    ]
    outcomes = race(actions)
    assert sum(isinstance(o, Dossier) for o in outcomes) == 1
    assert all(isinstance(o, (Dossier, Conflict)) for o in outcomes), outcomes
    assert Dossier.objects.get(pk=d.pk).current_agency == desk.department


def test_the_receiver_acts_while_the_sender_recalls_exactly_one_wins(postgres, desk, world):
    """The department takes a dossier as the desk recalls it: either it is taken (and the
    recall refused as too late) or recalled (and the taking refused), never both or a mix."""
    for _ in range(3):
        d = services.dossier_submit(
            actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
            applicant=Applicant(name="A"),
        )  # fmt: skip
        d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
        d = services.dossier_hand_over(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
        )
        outcomes = race([
            lambda d=d: services.dossier_assign(actor=desk.specialist, dossier_id=d.pk, version=d.version, assignee=desk.specialist),
            lambda d=d: services.dossier_recall(actor=desk.desk, dossier_id=d.pk, version=d.version, reason="Nhầm"),
        ])  # fmt: skip
        wins = [o for o in outcomes if isinstance(o, Dossier)]
        assert len(wins) == 1, outcomes
        assert all(isinstance(o, (Dossier, Conflict)) for o in outcomes), outcomes
        stored = Dossier.objects.get(pk=d.pk)
        actions = list(stored.events.values_list("action", flat=True))
        assert stored.version == d.version + 1
        if isinstance(outcomes[0], Dossier):  # taken: the recall was too late
            assert outcomes[1].code == "recall_too_late"
            assert actions[-1] == "assign" and "recall" not in actions
            assert (stored.current_agency, stored.assignee) == (desk.department, desk.specialist)
        else:  # recalled: back at the desk, nobody in the department took it
            assert actions[-1] == "recall" and "assign" not in actions
            assert (stored.current_agency, stored.step_index) == (desk.center, 0)
            assert stored.state == DossierState.RECEIVED and stored.assignee is None
    assert audit_chain_verify().ok
