"""Concurrent writers each get their own, consecutive place in the audit chain (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from egov.core.models import AuditRecord
from egov.core.selectors import audit_chain_verify
from egov.organizations.models import Agency, StaffRole
from egov.organizations.services import agency_update
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


def test_parallel_audited_writes_keep_the_chain_intact():
    if connection.vendor != "postgresql":
        pytest.skip(
            "real concurrent connections need PostgreSQL (the SQLite test database is in memory)"
        )
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
