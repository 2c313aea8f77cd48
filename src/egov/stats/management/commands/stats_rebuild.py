"""``egov stats_rebuild [--fix]``: recompute the statistics from the dossiers and compare.

Every fact is recomputed from its dossier, every rollup from the facts; what differs from
the stored (incrementally maintained) figures is reported. With ``--fix`` the stored figures
are replaced, while queue drains wait. Exit status 1 when differences were found (and not
fixed), so a cron job can alert.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from egov.dossiers.models import Dossier
from egov.stats.services import stats_rebuild


class Command(BaseCommand):
    help = "Recompute the service statistics from the dossiers; report (and --fix) differences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fix", action="store_true", help="Write the recomputed figures.")
        parser.add_argument("--batch", type=int, default=5000, help="Dossiers per batch.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be at least 1.")
        total = Dossier.objects.count()
        bar = tqdm(
            total=total, unit=" dossiers", disable=options["no_progress"], file=self.stderr._out
        )
        try:
            report = stats_rebuild(fix=options["fix"], batch=options["batch"], progress=bar.update)
        finally:
            bar.close()
        out = self.stdout
        out.write(f"Dossiers: {report.dossiers:,} in {report.seconds:.1f} s")
        out.write(
            f"Facts: {report.facts_missing:,} missing, {report.facts_differing:,} differing, "
            f"{report.facts_stale:,} of deleted dossiers"
        )
        if report.fact_examples:
            out.write("  differing dossier ids: " + ", ".join(map(str, report.fact_examples)))
        for table in report.tables:
            out.write(
                f"{table.name}: {table.stored_rows:,} rows stored, {table.expected_rows:,} "
                f"expected, {table.differing:,} differing"
            )
            for example in table.examples:
                out.write(f"  {example}")
        if report.clean:
            out.write(self.style.SUCCESS("The incremental figures match the dossiers."))
        elif report.fixed:
            out.write(self.style.WARNING("Differences found and fixed."))
        else:
            out.write(self.style.ERROR("Differences found: run with --fix to repair them."))
            raise SystemExit(1)
