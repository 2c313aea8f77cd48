"""Two officers acting on one report at once: exactly one succeeds (real threads, PostgreSQL)."""

from __future__ import annotations

import pytest

from egov.core.errors import Conflict
from egov.core.selectors import audit_chain_verify
from egov.feedback import services
from egov.feedback.models import Channel, Report, ReportUpdate
from tests.dossiers.test_concurrency import postgres, race  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_respond_and_transfer_at_once_exactly_one_wins(postgres, fb):  # noqa: F811
    w = fb.world
    report = services.report_create(
        actor=None, channel=Channel.APP, service_code="street-light", description="x", address="a"
    )
    outcomes = race([
        lambda: services.report_respond(actor=w.leader_b, report_id=report.pk, version=1,
                                        text="Đã thay bóng", status="resolved"),
        lambda: services.report_transfer(actor=w.admin, report_id=report.pk, version=1,
                                         agency_id=w.a.pk, reason="Sở A"),
    ])  # fmt: skip
    assert sum(isinstance(o, Report) for o in outcomes) == 1, outcomes
    assert sum(isinstance(o, Conflict) for o in outcomes) == 1, outcomes
    report.refresh_from_db()
    assert report.version == 2
    assert ReportUpdate.objects.filter(report=report).count() == 2  # created + the winner's
    assert audit_chain_verify().ok


def test_the_same_zalo_message_twice_at_once_makes_one_report(postgres, fb):  # noqa: F811
    def send():
        return services.report_create(
            actor=None, channel=Channel.ZALO, service_code="street-light", description="x",
            address="a", token="zalo:same",
        )  # fmt: skip

    outcomes = race([send, send])
    assert sum(isinstance(o, Report) for o in outcomes) == 1
    assert [getattr(o, "code", None) for o in outcomes if not isinstance(o, Report)] == [
        "duplicate_token"
    ]
    assert Report.objects.count() == 1
