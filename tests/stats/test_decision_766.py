"""Decision 766 rules, through the real dossier services, the queue, the worker's drain and
the rebuild: every figure is checked against a hand-computed expectation."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import time_machine

from egov.dossiers import services
from egov.dossiers.models import Dossier
from egov.dossiers.services import Applicant
from egov.stats import selectors
from egov.stats.models import DossierFact, OpenKind, Outcome, StatsQueue
from egov.stats.services import queue_drain, stats_rebuild

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def at(day: int, hour: int = 9, month: int = 3):
    return time_machine.travel(datetime(2026, month, day, hour, 0, tzinfo=HCM), tick=False)


def received(desk, day=2, channel="online"):
    """Submitted and received on 2026-03-<day> 09:00; 15 working days (from Monday 2 March:
    due Monday 23 March 09:00), handed to the department."""
    with at(day):
        d = services.dossier_submit(
            actor=desk.citizen if channel == "online" else desk.desk, procedure=desk.permit,
            agency=None, channel=channel, applicant=Applicant(name="Nguyễn Văn An"),
        )  # fmt: skip
        d = services.dossier_receive(actor=desk.desk, dossier_id=d.pk, version=d.version)
        return services.dossier_hand_over(
            actor=desk.desk, dossier_id=d.pk, version=d.version, to_agency=desk.department
        )


def complete(desk, d):
    return services.dossier_complete(actor=desk.leader, dossier_id=d.pk, version=d.version)


def supplement_round(desk, d, ask_day, answer_day):
    with at(ask_day):
        d = services.dossier_request_supplement(
            actor=desk.specialist, dossier_id=d.pk, version=d.version, missing="Giấy tờ đất"
        )
    with at(answer_day):
        return services.dossier_supplement(
            actor=desk.citizen, dossier_id=d.pk, version=d.version, comment="Đã bổ sung"
        )


def fact(d) -> DossierFact:
    queue_drain()
    return DossierFact.objects.get(dossier_id=d.pk)


def assert_rebuild_agrees():
    report = stats_rebuild()
    assert report.clean, report


def test_before_time_on_time_and_late(desk):
    before, on_time, late = received(desk), received(desk), received(desk)
    with at(20, 10):  # Friday 20 March: before the due day (Monday 23)
        complete(desk, before)
    with at(23, 8):  # Monday 23 March 08:00, the due day, before 09:00
        complete(desk, on_time)
    with at(23, 10):  # an hour after the appointment
        complete(desk, late)
    assert fact(before).outcome == Outcome.BEFORE
    assert fact(on_time).outcome == Outcome.ON_TIME
    assert fact(late).outcome == Outcome.LATE
    f = fact(before)
    assert f.due_at == datetime(2026, 3, 23, 9, 0, tzinfo=HCM)
    assert f.received_month == date(2026, 3, 1) and f.end_month == date(2026, 3, 1)
    period = selectors.period_parse("2026-03", "2026-03")
    with at(25):
        figures = selectors.public_indicators(period=period)
    assert (figures.counts["received"], figures.counts["online"]) == (3, 3)
    assert (figures["before"], figures["on_time"], figures["late"]) == (1, 1, 1)
    assert figures.resolved == 3 and figures.on_time_rate == Decimal("66.67")
    assert_rebuild_agrees()


def test_supplementation_time_is_excluded(desk):
    d = received(desk)
    # The citizen took two working days (Tuesday 3 to Thursday 5 March): due Wednesday 25.
    d = supplement_round(desk, d, 3, 5)
    with at(24, 10):  # after the original appointment, before the moved one
        complete(desk, d)
    f = fact(d)
    assert f.due_at == datetime(2026, 3, 25, 9, 0, tzinfo=HCM)
    assert f.outcome == Outcome.BEFORE and f.supplement_count == 1
    assert_rebuild_agrees()


def test_two_supplementation_requests_count_as_late(desk):
    d = received(desk)
    d = supplement_round(desk, d, 3, 4)
    d = supplement_round(desk, d, 5, 6)
    assert fact(d).open_kind == OpenKind.LATE
    with at(9):  # long before any appointment
        complete(desk, d)
    assert fact(d).outcome == Outcome.LATE
    assert_rebuild_agrees()


def test_no_appointment_date_uses_the_legal_maximum(desk):
    early, late = received(desk), received(desk)
    # An imported dossier without an appointment date: 15 working days from the receipt.
    Dossier.objects.filter(pk__in=[early.pk, late.pk]).update(
        appointment_at=None, original_appointment_at=None
    )
    early.refresh_from_db()
    late.refresh_from_db()
    with at(23, 8):
        complete(desk, early)
    with at(23, 10):
        complete(desk, late)
    assert fact(early).outcome == Outcome.ON_TIME
    assert fact(late).outcome == Outcome.LATE
    assert fact(late).due_at == datetime(2026, 3, 23, 9, 0, tzinfo=HCM)
    assert_rebuild_agrees()


def test_an_apology_does_not_excuse_the_delay(desk):
    d = received(desk)
    with at(20):
        d = services.dossier_apologize(
            actor=desk.leader, dossier_id=d.pk, version=d.version,
            new_appointment=datetime(2026, 3, 31, 9, 0, tzinfo=HCM), reason="Cần xác minh",
        )  # fmt: skip
    with at(26):
        complete(desk, d)
    assert fact(d).outcome == Outcome.LATE
    assert_rebuild_agrees()


def test_refused_withdrawn_stopped_and_rated(desk):
    with at(2):
        refused = services.dossier_submit(
            actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
            applicant=Applicant(name="A"),
        )  # fmt: skip
        services.dossier_refuse(
            actor=desk.desk, dossier_id=refused.pk, version=refused.version, reason="Sai"
        )
    w = received(desk)
    with at(4):
        w = services.dossier_request_withdrawal(
            actor=desk.citizen, dossier_id=w.pk, version=w.version
        )
        services.dossier_approve_withdrawal(
            actor=desk.specialist, dossier_id=w.pk, version=w.version
        )
    s = received(desk)
    with at(5):
        services.dossier_stop(actor=desk.leader, dossier_id=s.pk, version=s.version, reason="Dừng")
    r = received(desk)
    with at(6):
        r = complete(desk, r)
        services.dossier_rate(actor=desk.citizen, dossier_id=r.pk, value="very_satisfied")
    queue_drain()
    assert fact(refused).outcome == Outcome.REFUSED
    assert fact(w).outcome == Outcome.WITHDRAWN
    assert fact(s).outcome == Outcome.BEFORE and fact(s).stopped
    assert fact(r).rating == "very_satisfied"
    figures = selectors.public_indicators(period=selectors.period_parse("2026-03", "2026-03"))
    assert figures.counts["received"] == 4
    assert (figures["refused"], figures["withdrawn"], figures["stopped"]) == (1, 1, 1)
    assert (figures["before"], figures["very_satisfied"], figures.satisfaction_rate) == (2, 1, 100)
    assert_rebuild_agrees()


def test_in_progress_within_time_or_overdue_moves_with_the_clock(desk):
    running, paused = received(desk), received(desk)
    with at(3):
        services.dossier_request_supplement(
            actor=desk.specialist, dossier_id=paused.pk, version=paused.version, missing="x"
        )
    with at(2):
        waiting = services.dossier_submit(
            actor=desk.citizen, procedure=desk.permit, agency=None, channel="online",
            applicant=Applicant(name="B"),
        )  # fmt: skip
    queue_drain()
    period = selectors.period_parse("2026-03", "2026-03")

    def open_now(day, hour):
        with at(day, hour):
            return selectors.public_indicators(period=period).open

    # Due Monday 23 March 09:00: within time until then, overdue after, with no transition.
    assert open_now(20, 9) == {"unreceived": 1, "within": 1, "overdue": 0, "paused": 1}
    assert open_now(23, 8) == {"unreceived": 1, "within": 1, "overdue": 0, "paused": 1}
    assert open_now(23, 10) == {"unreceived": 1, "within": 0, "overdue": 1, "paused": 1}
    assert open_now(24, 9) == {"unreceived": 1, "within": 0, "overdue": 1, "paused": 1}
    with at(23, 10):
        overdue = selectors.drilldown(
            user=None, filters=selectors.Filters(period), metric="overdue"
        )
        assert list(overdue) == [running.pk]
    assert waiting.pk and fact(waiting).open_kind == OpenKind.UNRECEIVED
    assert_rebuild_agrees()


def test_the_queue_is_drained_once_and_the_rebuild_finds_and_fixes_drift(desk):
    d = received(desk)
    assert StatsQueue.objects.filter(dossier_id=d.pk).count() == 3  # submit, receive, hand over
    report = queue_drain()
    assert report.attempted == 3 and report.dossiers == 1
    assert not StatsQueue.objects.exists()
    assert queue_drain().attempted == 0  # nothing left, nothing counted twice
    assert_rebuild_agrees()
    # Drift: someone edits a rollup by hand; the rebuild reports it, then fixes it.
    from egov.stats.models import AgencyMonthRollup

    AgencyMonthRollup.objects.update(received=99)
    report = stats_rebuild()
    assert not report.clean
    assert [t.differing for t in report.tables if t.name == "stats_agencymonthrollup"] == [1]
    assert stats_rebuild(fix=True).fixed
    assert_rebuild_agrees()
    assert AgencyMonthRollup.objects.get().received == 1


def test_the_check_tells_a_lost_fact_from_wrong_rollups(desk):
    d = received(desk)
    queue_drain()
    DossierFact.objects.filter(dossier_id=d.pk).delete()
    report = stats_rebuild()
    # The rollups are right (they were built from the fact before it was lost): only the fact
    # is reported.
    assert report.facts_missing == 1
    assert [t.differing for t in report.tables] == [0, 0, 0]
    stats_rebuild(fix=True)
    assert_rebuild_agrees()
