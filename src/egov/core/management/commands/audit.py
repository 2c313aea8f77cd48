from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from egov.core.models import AuditChainHead
from egov.core.selectors import audit_chain_verify


class Command(BaseCommand):
    help = "Work with the audit log. 'egov audit verify' checks its hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "verify", help="Check every record of the chain; exit 1 at the first broken one."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(n: int) -> None:
            self.stderr.write(f"  {n} records checked…", ending="\r")

        report = audit_chain_verify(progress=progress if sys.stderr.isatty() else None)
        if report.ok:
            self.stdout.write(
                self.style.SUCCESS(f"Audit log intact: {report.checked} records checked.")
            )
            self.stdout.write("Chain heads (keep a copy outside the database):")
            for head in AuditChainHead.objects.order_by("pk"):
                self.stdout.write(f"  chain {head.pk}: #{head.last_seq} {head.last_hash}")
            return
        where = (
            f" (chain {report.broken_chain}, record #{report.broken_seq}, id {report.broken_id})"
            if report.broken_id
            else ""
        )
        self.stdout.write(
            self.style.ERROR(
                f"Audit log BROKEN{where}: {report.reason}. "
                f"{report.checked} records before it are intact."
            )
        )
        sys.exit(1)
