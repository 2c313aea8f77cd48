"""``egov stats_generate --dossiers N [--years Y] [--seed S]``: synthetic dossier history.

For demos and the benchmark only: the dossiers are written straight into the tables (COPY on
PostgreSQL), then the statistics are rebuilt from them. Needs a catalog (e.g. ``egov demo
--no-serve``). Deterministic for a given seed and database.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from egov.dossiers.models import Dossier
from egov.stats import synthetic
from egov.stats.services import stats_rebuild

MAX_DOSSIERS = 50_000_000


class Command(BaseCommand):
    help = "Generate synthetic dossiers over several years (demos, benchmarks), then rebuild."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, required=True)
        parser.add_argument("--years", type=float, default=5)
        parser.add_argument("--seed", type=int, default=766)
        parser.add_argument("--no-rebuild", action="store_true")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        n, years = options["dossiers"], options["years"]
        if not 1 <= n <= MAX_DOSSIERS:
            raise CommandError(f"--dossiers must be between 1 and {MAX_DOSSIERS:,}.")
        if not 0.1 <= years <= 20:
            raise CommandError("--years must be between 0.1 and 20.")
        quiet = options["no_progress"]
        started = time.monotonic()
        with tqdm(total=n, unit=" dossiers", disable=quiet, desc="generate") as bar:
            try:
                made = synthetic.generate(
                    count=n, years=years, seed=options["seed"], progress=bar.update
                )
            except synthetic.NoCatalog as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Generated {made.dossiers:,} dossiers, {made.pauses:,} pauses, "
            f"{made.ratings:,} ratings in {time.monotonic() - started:.1f} s"
        )
        if options["no_rebuild"]:
            return
        # The rebuild goes over every dossier, those already there included: its bar's
        # total is theirs (with a smaller total tqdm drops it, and shows only a count).
        total = Dossier.objects.count()
        with tqdm(total=total, unit=" dossiers", disable=quiet, desc="rebuild") as bar:
            report = stats_rebuild(fix=True, progress=bar.update)
        self.stdout.write(
            f"Statistics rebuilt from {report.dossiers:,} dossiers in {report.seconds:.1f} s"
        )
