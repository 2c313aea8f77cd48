"""Concurrent writers each get their own, consecutive place in an audit chain, and do not wait
for each other (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from egov.core.models import AuditRecord
from egov.core.selectors import audit_chain_verify
from egov.organizations.models import Agency, StaffRole
from egov.organizations.services import agency_update
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def _postgres_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "real concurrent connections need PostgreSQL (the SQLite test database is in memory)"
        )


def test_parallel_audited_writes_keep_the_chain_intact():
    _postgres_only()
    root = factories.agency("UBND", type_code="provincial_pc")
    agencies = [factories.agency(f"Sở {i}", parent=root) for i in range(8)]
    admin = factories.staff(root, StaffRole.PROVINCE_ADMIN)
    before = AuditRecord.objects.count()
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(agencies))

    def work(agency: Agency) -> None:
        try:
            barrier.wait()
            for n in range(10):
                agency_update(actor=admin, agency=agency, phone=f"0276 {n:04d}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(a,)) for a in agencies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AuditRecord.objects.count() == before + 80
    report = audit_chain_verify()
    assert report.ok, report.reason

    assert report.checked == AuditRecord.objects.count()


def test_a_writer_does_not_wait_for_another_holding_a_chain():
    _postgres_only()
    root = factories.agency("UBND", type_code="provincial_pc")
    first, second = factories.agency("Sở A", parent=root), factories.agency("Sở B", parent=root)
    admin = factories.staff(root, StaffRole.PROVINCE_ADMIN)
    holding, release = threading.Event(), threading.Event()
    done = threading.Event()
    errors: list[BaseException] = []

    def slow_writer() -> None:
        # Writes its record, then keeps its transaction (and its chain's head) open.
        try:
            with transaction.atomic():
                agency_update(actor=admin, agency=first, phone="0276 1111")
                holding.set()
                release.wait(30)
        except BaseException as exc:
            errors.append(exc)
            holding.set()
        finally:
            connections.close_all()

    def other_writer() -> None:
        try:
            agency_update(actor=admin, agency=second, phone="0276 2222")
            done.set()
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    slow = threading.Thread(target=slow_writer)
    slow.start()
    assert holding.wait(30)
    other = threading.Thread(target=other_writer)
    other.start()
    finished_while_held = done.wait(10)
    release.set()
    slow.join()
    other.join()
    assert not errors
    assert finished_while_held, "the second writer waited for the first one's commit"
    first_record = AuditRecord.objects.get(object_id=str(first.pk), action__endswith="update")
    second_record = AuditRecord.objects.get(object_id=str(second.pk), action__endswith="update")
    assert first_record.chain != second_record.chain
    assert audit_chain_verify().ok
