"""The one action dispatcher (``dossier_act``) and the actions a user may take now."""

from __future__ import annotations

from datetime import timedelta

import pytest

from egov.core.errors import NotFound, ValidationFailed
from egov.dossiers import services
from egov.dossiers.models import Dossier, DossierState
from egov.dossiers.selectors import actions_available
from egov.dossiers.services import ActionInput, Applicant
from egov.dossiers.transitions import TRANSITIONS


def submit(desk):
    return services.dossier_submit(
        actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
        applicant=Applicant(name="Nguyễn Văn An", phone="+84912345678"),
    )  # fmt: skip


def act(user, d, action, **data):
    return services.dossier_act(
        actor=user, dossier_id=d.pk, action=action, data=ActionInput(version=d.version, **data)
    )


def test_unknown_action_is_not_found(desk):
    d = submit(desk)
    with pytest.raises(NotFound):
        act(desk.desk, d, "rate")
    with pytest.raises(NotFound):
        act(desk.desk, d, "explode")


@pytest.mark.parametrize(
    ("action", "field"),
    [
        ("hand_over", "to_agency"),
        ("apologize", "new_appointment"),
        ("return_step", "to_step"),
        ("request_payment", "amount"),
        ("request_completion", "missing"),
        ("refuse", "reason"),
    ],
)
def test_a_missing_input_names_its_field_and_changes_nothing(desk, action, field):
    d = submit(desk)
    with pytest.raises(ValidationFailed) as exc:
        act(desk.desk, d, action)
    assert field in exc.value.fields
    again = Dossier.objects.get(pk=d.pk)
    assert (again.version, again.state, again.events.count()) == (1, DossierState.SUBMITTED, 1)


def test_every_transition_has_a_branch_in_the_dispatcher(desk):
    """No action of TRANSITIONS answers NotFound: each reaches its service (which refuses
    here for the state, the actor or an input, never as an unknown action)."""
    d = submit(desk)
    for action in TRANSITIONS:
        try:
            act(desk.citizen, d, action, to_agency=desk.department, to_step=0, amount=1,
                new_appointment=d.submitted_at + timedelta(days=30))  # fmt: skip
        except NotFound:  # pragma: no cover - the failure this test is about
            pytest.fail(f"{action} has no branch in dossier_act")
        except Exception:
            pass
        d = Dossier.objects.get(pk=d.pk)


def test_the_dispatcher_drives_a_whole_lifecycle(desk):
    d = submit(desk)
    d = act(desk.desk, d, "receive", comment="Đủ hồ sơ")
    d = act(desk.desk, d, "hand_over", to_agency=desk.department)
    d = act(desk.specialist, d, "assign")  # takes it for themselves
    assert d.assignee == desk.specialist and d.state == DossierState.IN_PROGRESS
    d = act(desk.specialist, d, "hand_over", to_agency=desk.department)
    d = act(desk.leader, d, "return_step", to_step=1, reason="Thiếu thẩm định")
    assert d.step_index == 1 and d.current_agency == desk.department and d.assignee is None
    d = act(desk.specialist, d, "request_payment", amount=500_000, comment="Lệ phí cấp phép")
    assert d.state == DossierState.PAYMENT_REQUESTED
    d = act(desk.specialist, d, "confirm_payment")
    d = act(desk.specialist, d, "hand_over", to_agency=desk.department)
    d = act(desk.leader, d, "complete")
    d = act(desk.desk, d, "return_result")
    assert d.state == DossierState.RESULT_RETURNED
    assert list(d.events.values_list("action", flat=True)) == [
        "submit", "receive", "hand_over", "assign", "hand_over", "return_step",
        "request_payment", "confirm_payment", "hand_over", "complete", "return_result",
    ]  # fmt: skip


# --- actions_available ----------------------------------------------------------------------


def test_actions_when_submitted(desk):
    d = submit(desk)
    assert actions_available(user=desk.desk, dossier=d) == [
        "receive", "request_completion", "refuse", "request_withdrawal",
    ]  # fmt: skip
    assert actions_available(user=desk.citizen, dossier=d) == ["request_withdrawal"]
    for user in (desk.specialist, desk.leader, desk.outsider, None):
        assert actions_available(user=user, dossier=d) == []


def test_actions_when_received_at_the_desk(desk):
    d = submit(desk)
    d = act(desk.desk, d, "receive")
    assert actions_available(user=desk.desk, dossier=d) == [
        "assign", "hand_over", "request_supplement", "request_payment", "apologize",
        "request_withdrawal",
    ]  # fmt: skip
    # The department does not handle it yet: its staff may do nothing.
    for user in (desk.specialist, desk.leader, desk.outsider):
        assert actions_available(user=user, dossier=d) == []
    assert actions_available(user=desk.citizen, dossier=d) == ["request_withdrawal"]


def test_actions_in_the_department(desk):
    d = submit(desk)
    d = act(desk.desk, d, "receive")
    d = act(desk.desk, d, "hand_over", to_agency=desk.department)
    handler = [
        "assign", "hand_over", "return_step", "request_supplement", "request_payment",
        "apologize",
    ]  # fmt: skip
    assert actions_available(user=desk.specialist, dossier=d) == handler
    assert actions_available(user=desk.leader, dossier=d) == [
        *handler[:-1], "apologize", "stop", "complete",
    ]  # fmt: skip
    # The desk acts for the applicant now, and may recall its hand-over until the department
    # acts; the outsider and the unit nothing.
    assert actions_available(user=desk.desk, dossier=d) == ["recall", "request_withdrawal"]
    assert actions_available(user=desk.outsider, dossier=d) == []
    assert actions_available(user=desk.unit_specialist, dossier=d) == []
    # Once assigned to the unit's specialist, they may handle it too.
    d = act(desk.specialist, d, "assign", assignee=desk.unit_specialist)
    assert actions_available(user=desk.unit_specialist, dossier=d) == handler


def test_actions_on_the_last_step_after_an_apology_and_when_done(desk):
    d = submit(desk)
    d = act(desk.desk, d, "receive")
    d = act(desk.desk, d, "hand_over", to_agency=desk.department)
    d = act(desk.specialist, d, "hand_over", to_agency=desk.department)
    later = d.appointment_at + timedelta(days=3)
    d = act(desk.leader, d, "apologize", new_appointment=later, reason="Chờ ý kiến")
    leader = actions_available(user=desk.leader, dossier=d)
    assert "hand_over" not in leader and "apologize" not in leader
    assert {"return_step", "complete", "stop"} <= set(leader)
    d = act(desk.leader, d, "complete")
    assert actions_available(user=desk.desk, dossier=d) == ["return_result"]
    assert actions_available(user=desk.leader, dossier=d) == []
    assert actions_available(user=desk.citizen, dossier=d) == []  # rating is not an action


def test_actions_when_a_supplement_or_payment_is_awaited(desk):
    d = submit(desk)
    d = act(desk.desk, d, "receive")
    d = act(desk.desk, d, "request_supplement", missing="Giấy tờ đất")
    assert actions_available(user=desk.citizen, dossier=d) == ["supplement", "request_withdrawal"]
    assert actions_available(user=desk.desk, dossier=d) == [
        "supplement", "apologize", "request_withdrawal",
    ]  # fmt: skip
    d = act(desk.citizen, d, "supplement", comment="Đã bổ sung")
    d = act(desk.desk, d, "request_payment", amount=100_000, comment="Lệ phí")
    assert actions_available(user=desk.desk, dossier=d) == [
        "confirm_payment", "apologize", "request_withdrawal",
    ]  # fmt: skip
    assert actions_available(user=desk.citizen, dossier=d) == ["request_withdrawal"]
    d = act(desk.citizen, d, "request_withdrawal", reason="Không cần nữa")
    assert actions_available(user=desk.desk, dossier=d) == ["approve_withdrawal"]
    assert actions_available(user=desk.citizen, dossier=d) == []
