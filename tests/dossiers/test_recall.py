"""Recalling a hand-over sent to the wrong unit, before that unit acts on it."""

from __future__ import annotations

import pytest
from django.utils import translation

from egov.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from egov.core.models import AuditRecord
from egov.core.selectors import audit_chain_verify
from egov.dossiers import selectors, services
from egov.dossiers.models import Dossier, DossierEvent, DossierState, NationalStatus
from egov.dossiers.selectors import actions_available
from egov.dossiers.services import ActionInput, Applicant
from egov.stats.models import StatsQueue
from tests.dossiers.test_api import auth


def submit(desk):
    return services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="0912345678"),
    )  # fmt: skip


def act(user, d, action, **data):
    return services.dossier_act(
        actor=user, dossier_id=d.pk, action=action, data=ActionInput(version=d.version, **data)
    )


def received(desk):
    return act(desk.desk, submit(desk), "receive")


def assigned_in_department(desk):
    """At step 2 in the department, taken by its specialist."""
    d = act(desk.desk, received(desk), "hand_over", to_agency=desk.department)
    return act(desk.specialist, d, "assign")


def state_of(d):
    d = Dossier.objects.get(pk=d.pk)
    return (
        d.state, d.version, d.step_index, d.step_due_at, d.current_agency_id, d.assignee_id,
        d.events.count(), AuditRecord.objects.filter(object_id=str(d.pk)).count(),
    )  # fmt: skip


def test_the_sender_recalls_and_everything_is_as_before_the_hand_over(desk, world):
    d = assigned_in_department(desk)
    before = state_of(d)
    wrong = act(desk.specialist, d, "hand_over", to_agency=world.b)
    assert (wrong.current_agency, wrong.step_index, wrong.assignee) == (world.b, 2, None)
    assert "recall" in actions_available(user=desk.specialist, dossier=wrong)
    queued = StatsQueue.objects.filter(dossier_id=d.pk).count()

    back = act(desk.specialist, wrong, "recall", reason="Chuyển nhầm Sở B")

    stored = Dossier.objects.get(pk=d.pk)
    assert stored.state == DossierState.IN_PROGRESS
    assert stored.national_status == NationalStatus.PROCESSING
    assert stored.current_agency == desk.department and stored.step_index == 1
    assert stored.assignee == desk.specialist
    assert stored.step_due_at == Dossier.objects.get(pk=d.pk).step_due_at == before[3]
    assert stored.version == back.version == wrong.version + 1
    event = stored.events.order_by("-at", "-pk").first()
    assert (event.action, event.actor, event.comment) == (
        "recall",
        desk.specialist,
        "Chuyển nhầm Sở B",
    )
    assert (event.from_agency, event.to_agency, event.step_index) == (world.b, desk.department, 1)
    record = AuditRecord.objects.filter(object_id=str(d.pk), action="dossiers.dossier.recall").get()
    assert record.actor == desk.specialist and record.agency_id == desk.department.pk
    assert record.changes["step_index"] == [2, 1]
    assert record.changes["agency"] == [world.b.pk, desk.department.pk]
    assert record.changes["comment"] == "Chuyển nhầm Sở B"
    assert StatsQueue.objects.filter(dossier_id=d.pk).count() == queued + 1
    # Sở B's staff may do nothing with it any more; the department goes on.
    assert actions_available(user=world.leader_b, dossier=stored) == []
    assert "hand_over" in actions_available(user=desk.specialist, dossier=stored)
    assert "recall" not in actions_available(user=desk.specialist, dossier=stored)
    assert audit_chain_verify().ok


def test_a_recall_from_the_desk_gives_back_the_received_state(desk, world):
    d = received(desk)
    due = d.step_due_at
    wrong = act(desk.desk, d, "hand_over", to_agency=world.b)
    assert wrong.state == DossierState.IN_PROGRESS
    back = act(desk.desk, wrong, "recall", reason="Nhầm cơ quan")
    assert back.state == DossierState.RECEIVED and back.national_status == NationalStatus.RECEIVED
    assert (back.current_agency, back.step_index, back.step_due_at) == (desk.center, 0, due)
    # The desk hands it over again, to the right agency this time.
    again = act(desk.desk, back, "hand_over", to_agency=desk.department)
    assert again.current_agency == desk.department and again.step_index == 1


def test_after_the_receiver_acted_the_recall_is_refused_with_its_reason(desk, world):
    d = received(desk)
    sent = act(desk.desk, d, "hand_over", to_agency=desk.department)
    taken = act(desk.specialist, sent, "assign")
    unchanged = state_of(d)
    for version in (sent.version, taken.version):  # the page seen before, or a fresh read
        with pytest.raises(Conflict) as exc:
            services.dossier_recall(
                actor=desk.desk, dossier_id=d.pk, version=version, reason="Nhầm"
            )
        assert exc.value.code == "recall_too_late"
        assert desk.department.name in exc.value.message
    assert state_of(d) == unchanged
    assert "recall" not in actions_available(user=desk.desk, dossier=taken)


def test_the_message_is_translated(desk, world):
    d = received(desk)
    sent = act(desk.desk, d, "hand_over", to_agency=desk.department)
    act(desk.specialist, sent, "assign")
    for language, words in (("vi", "không thể thu hồi"), ("en", "can no longer be recalled")):
        with translation.override(language), pytest.raises(Conflict) as exc:
            act(desk.desk, sent, "recall", reason="Nhầm")
        assert words in exc.value.message


def test_a_hand_over_is_recalled_once(desk, world):
    wrong = act(desk.desk, received(desk), "hand_over", to_agency=world.b)
    act(desk.desk, wrong, "recall", reason="Nhầm")
    with pytest.raises(Conflict) as exc:
        act(desk.desk, wrong, "recall", reason="Nhầm lần nữa")
    assert exc.value.code == "recall_too_late"
    assert DossierEvent.objects.filter(dossier_id=wrong.pk, action="recall").count() == 1


def test_the_reason_is_required(desk, world):
    wrong = act(desk.desk, received(desk), "hand_over", to_agency=world.b)
    unchanged = state_of(wrong)
    with pytest.raises(ValidationFailed) as exc:
        act(desk.desk, wrong, "recall", reason="  ")
    assert "reason" in exc.value.fields
    assert state_of(wrong) == unchanged


def test_who_may_recall(desk, world):
    d = assigned_in_department(desk)
    wrong = act(desk.specialist, d, "hand_over", to_agency=world.b)
    # A leader of the sending department may recall a colleague's hand-over; the receiving
    # agency and a citizen may not; the desk's own hand-over (to the department) was acted on.
    assert "recall" in actions_available(user=desk.leader, dossier=wrong)
    for user in (world.leader_b, desk.desk, desk.citizen):
        assert "recall" not in actions_available(user=user, dossier=wrong)
    for user in (world.leader_b, desk.citizen):
        with pytest.raises((PermissionDenied, NotFound)):
            act(user, wrong, "recall", reason="Nhầm")
    with pytest.raises(Conflict) as exc:
        act(desk.desk, wrong, "recall", reason="Nhầm")
    assert exc.value.code == "recall_too_late"
    assert Dossier.objects.get(pk=d.pk).version == wrong.version
    # Within one agency (the specialist passes to the leader's step) only the sender recalls:
    # the leader is the receiver, and returns it a step instead.
    d = act(desk.leader, wrong, "recall", reason="Nhầm")
    signing = act(desk.specialist, d, "hand_over", to_agency=desk.department)
    assert "recall" not in actions_available(user=desk.leader, dossier=signing)
    assert "recall" in actions_available(user=desk.specialist, dossier=signing)


def test_a_unit_that_handed_over_sees_the_dossier_only_while_it_may_recall(desk, world):
    d = act(desk.specialist, assigned_in_department(desk), "assign", assignee=desk.unit_specialist)
    wrong = act(desk.unit_specialist, d, "hand_over", to_agency=world.b)
    # The unit's specialist sees it (to recall it) though it is neither theirs nor their agency's.
    seen = selectors.staff_dossier_get(user=desk.unit_specialist, dossier_id=d.pk)
    assert actions_available(user=desk.unit_specialist, dossier=seen) == ["recall"]
    act(world.leader_b, wrong, "assign")
    with pytest.raises(NotFound):
        selectors.staff_dossier_get(user=desk.unit_specialist, dossier_id=d.pk)


def test_a_hand_over_recorded_without_what_it_changed_is_recalled_too(desk, world):
    """Hand-overs recorded before egov kept the previous step in the event."""
    d = assigned_in_department(desk)
    due = d.step_due_at
    wrong = act(desk.specialist, d, "hand_over", to_agency=world.b)
    DossierEvent.objects.filter(dossier_id=d.pk, action="hand_over").update(data={})
    back = act(desk.specialist, wrong, "recall", reason="Nhầm")
    assert (back.current_agency, back.step_index, back.step_due_at) == (desk.department, 1, due)
    assert back.assignee is None  # not recorded then: nobody


# --- Over HTTP: the API's action endpoint and the officer's page -------------------------------


def test_recall_over_the_api(client, desk, world):
    d = received(desk)
    handed = client.post(
        f"/api/v1/dossiers/{d.pk}/actions/hand_over",
        {"version": d.version, "to_agency": world.b.code},
        content_type="application/json",
        **auth(desk.desk),
    )
    assert handed.status_code == 200 and "recall" in handed.json()["actions"]
    wrong = Dossier.objects.get(pk=d.pk)
    url = f"/api/v1/staff/dossiers/{wrong.pk}"
    assert "recall" in client.get(url, **auth(desk.desk)).json()["actions"]
    response = client.post(
        f"/api/v1/dossiers/{wrong.pk}/actions/recall",
        {"version": wrong.version, "reason": "Nhầm Sở B"},
        content_type="application/json",
        **auth(desk.desk),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "received" and body["current_agency"] == desk.center.name
    assert body["events"][-1]["action"] == "recall"
    assert body["events"][-1]["comment"] == "Nhầm Sở B"
    # Handed over again; once the department acted, the recall answers 409 and changes nothing.
    sent = act(desk.desk, Dossier.objects.get(pk=wrong.pk), "hand_over", to_agency=desk.department)
    taken = act(desk.specialist, sent, "assign")
    late = client.post(
        f"/api/v1/dossiers/{wrong.pk}/actions/recall",
        {"version": taken.version, "reason": "Nhầm"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
        **auth(desk.desk),
    )
    assert late.status_code == 409
    error = late.json()["error"]
    assert error["code"] == "recall_too_late" and "can no longer be recalled" in error["message"]
    assert Dossier.objects.get(pk=wrong.pk).version == taken.version


def test_recall_on_the_dossier_page(client, desk, world):
    wrong = act(desk.desk, received(desk), "hand_over", to_agency=world.b)
    client.force_login(desk.desk)
    page = client.get(f"/staff/dossiers/{wrong.pk}/")
    assert "recall" in [a["name"] for a in page.context["actions"]]
    assert f'action="/staff/dossiers/{wrong.pk}/actions/recall/"' in page.content.decode()
    empty = client.post(f"/staff/dossiers/{wrong.pk}/actions/recall/", {"version": wrong.version})
    assert empty.status_code == 400 and empty.context["failed"] == "recall"
    assert Dossier.objects.get(pk=wrong.pk).version == wrong.version
    done = client.post(
        f"/staff/dossiers/{wrong.pk}/actions/recall/",
        {"version": wrong.version, "reason": "Chuyển nhầm Sở B"},
    )
    assert done.status_code == 302
    assert Dossier.objects.get(pk=wrong.pk).current_agency == desk.center
    timeline = client.get(f"/staff/dossiers/{wrong.pk}/")  # in Vietnamese, the default
    html = timeline.content.decode()
    assert "Đã thu hồi chuyển xử lý" in html and "Chuyển nhầm Sở B" in html
    assert desk.desk.get_full_name() in html


def test_a_late_recall_from_a_unit_that_no_longer_sees_the_dossier(client, desk, world):
    d = act(desk.specialist, assigned_in_department(desk), "assign", assignee=desk.unit_specialist)
    wrong = act(desk.unit_specialist, d, "hand_over", to_agency=world.b)
    act(world.leader_b, wrong, "assign")
    client.force_login(desk.unit_specialist)
    response = client.post(
        f"/staff/dossiers/{d.pk}/actions/recall/",
        {"version": wrong.version, "reason": "Nhầm"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/staff/dossiers/"
    assert "không thể thu hồi chuyển xử lý" in response.content.decode()
    assert Dossier.objects.get(pk=d.pk).current_agency == world.b


def test_the_receiver_acting_on_a_recalled_dossier_is_told_it_changed(desk):
    """Their page showed the dossier; after the recall they may no longer see it, yet they get
    the conflict ("changed meanwhile"), not "forbidden"."""
    sent = act(desk.desk, received(desk), "hand_over", to_agency=desk.department)
    back = act(desk.desk, sent, "recall", reason="Nhầm")
    with pytest.raises(Conflict) as exc:
        act(desk.specialist, sent, "assign")
    assert exc.value.code == "conflict"
    assert Dossier.objects.get(pk=sent.pk).version == back.version


def test_the_api_documents_the_recall(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    take = schema["paths"]["/api/v1/dossiers/{dossier_id}/actions/{action}"]["post"]
    assert "`recall` takes back the latest hand-over" in take["description"]
    assert "recall_too_late" in take["description"]
